#!/usr/bin/env python3
"""Spin-polarised real PAW data made on the spot when GPAW is installed:
Si8 and its vacancy on a 2x2x2 mesh with ISPIN = 2 (scripts/gpaw_example.py
--spin, ~1 minute on 2 cores; cached in the build tree). Both spins read
back to GPAW's values; AE norms are 1 and the bands orthonormal to 1e-6
per spin, with projections equal to GPAW's, for 1, 2 and 4 ranks; the
all-electron character is per spin, bulk against itself is exact on both
spins, --flip-spin pairs a spin with the other one (same valence weight on
this non-magnetic bulk), and rank count does not matter."""
import json
import os
import tempfile

import numpy as np

from common import Checker, run
from gpawcheck import check_export, gpaw_case, need_gpaw
from pawcheck import check_norms

need_gpaw()
c = Checker("gpaw-spin")
bulk, vac = gpaw_case(c, "si8-spin", ["--size", "8", "--kpts", "222", "--spin", "--gpw"])
for d in (bulk, vac):
    ref = json.load(open(os.path.join(d, "gpaw_reference.json")))
    c.check(ref["nspin"] == 2, "%s is spin-polarised" % d)
    for nranks in (1, 2, 4):
        tag = "%s spin %d ranks" % (os.path.basename(d), nranks)
        check_export(c, d, nranks, tag)
        check_norms(c, d, nranks, tag)

with tempfile.TemporaryDirectory() as tmp:
    nb = json.load(open(os.path.join(bulk, "gpaw_reference.json")))["nbands"]
    js = os.path.join(tmp, "self.json")
    run(["project", "--bulk", bulk, "--defect", bulk, "--datasets", bulk, "--bands", "1-%d" % nb,
         "--json", js], 2)
    self_bands = json.load(open(js))["bands"]
    c.check(sorted({b["spin"] for b in self_bands}) == [1, 2], "character is reported per spin")
    worst = max(abs((b["valence"] if b["occupation"] > 0.5 else b["conduction"]) - 1) for b in self_bands)
    c.check(worst < 1e-6, "bulk vs bulk, both spins: every band 100%% on its own side (worst %.1e)" % worst)

    vref = json.load(open(os.path.join(vac, "gpaw_reference.json")))
    res = []
    for nranks in (1, 2, 4):
        js = os.path.join(tmp, "v%d.json" % nranks)
        run(["project", "--bulk", bulk, "--defect", vac, "--datasets", bulk,
             "--bands", "1-%d" % vref["nbands"], "--json", js], nranks)
        res.append(json.load(open(js))["bands"])
    for r in res[1:]:
        c.check(np.allclose([(b["valence"], b["conduction"]) for b in r],
                            [(b["valence"], b["conduction"]) for b in res[0]], rtol=0, atol=1e-12),
                "vacancy: 1 rank = N ranks")
    deep = [b for b in res[0] if b["band"] == 1]
    c.check(len(deep) == 2 and all(b["valence"] > 0.99 and abs(b["valence"] + b["conduction"] - 1) < 2e-3
                                   for b in deep),
            "deepest vacancy band in the bulk valence basis, both spins: %s" %
            [(b["spin"], round(b["valence"], 4), round(b["conduction"], 4)) for b in deep])

    # Bulk spin up and down span the same valence space (no moment), so
    # pairing each defect spin with the other bulk spin (--flip-spin) must
    # give the same valence weight. (Conduction weights may differ at 1e-3:
    # the bulk run's highest computed bands cut through a degenerate group,
    # and each spin channel keeps a different part of it.)
    js = os.path.join(tmp, "flip.json")
    run(["project", "--bulk", bulk, "--defect", vac, "--datasets", bulk,
         "--bands", "1-%d" % vref["nbands"], "--flip-spin", "--json", js], 2)
    flip = json.load(open(js))["bands"]
    d = max(abs(a["valence"] - b["valence"]) for a, b in zip(flip, res[0]))
    c.check(len(flip) == len(res[0]) and d < 1e-6,
            "--flip-spin on a non-magnetic bulk keeps every valence weight (max diff %.1e)" % d)
c.close()
