#!/usr/bin/env python3
"""Larger real PAW data made on the spot when GPAW is installed: the 64-atom
Si cell and its vacancy at Gamma (scripts/gpaw_example.py, ~1-2 minutes on
2 cores; cached in the build tree). The exports read back to GPAW's values
with 1, 2 and 4 ranks, and project agrees across rank counts; AE norms and projections
(`norms`) match GPAW."""
import json
import os
import tempfile

import numpy as np

from common import Checker, run
from gpawcheck import check_export, gpaw_case, need_gpaw
from pawcheck import check_norms

need_gpaw()
c = Checker("gpaw-si64")
bulk, vac = gpaw_case(c, "si64-gamma", ["--size", "64", "--kpts", "gamma", "--encut", "250"])
for d in (bulk, vac):
    for nranks in (1, 2, 4):
        check_export(c, d, nranks, "%s %d ranks" % (os.path.basename(d), nranks))
        check_norms(c, d, nranks, "%s %d ranks" % (os.path.basename(d), nranks))
with tempfile.TemporaryDirectory() as tmp:
    res = []
    for nranks in (1, 2, 4):
        js = os.path.join(tmp, "%d.json" % nranks)
        run(["project", "--method", "pseudo", "--bulk", bulk, "--defect", vac, "--json", js], nranks)
        res.append(json.load(open(js))["bands"])
    for r in res[1:]:
        c.check(np.allclose([(b["valence"], b["conduction"]) for b in r],
                            [(b["valence"], b["conduction"]) for b in res[0]], rtol=0, atol=1e-12),
                "1 rank = N ranks")
    # All-electron band character (method paw).
    js = os.path.join(tmp, "self.json")
    nb = json.load(open(os.path.join(bulk, "gpaw_reference.json")))["nbands"]
    run(["project", "--bulk", bulk, "--defect", bulk, "--datasets", bulk, "--bands", "1-%d" % nb, "--json", js], 2)
    worst = max(abs((b["valence"] if b["occupation"] > 0.5 else b["conduction"]) - 1)
                for b in json.load(open(js))["bands"])
    c.check(worst < 1e-6, "bulk vs bulk: every band 100%% on its own side (worst %.1e)" % worst)
    vref = json.load(open(os.path.join(vac, "gpaw_reference.json")))
    nocc = int(round(vref["nelectrons"] / 2))
    res = []
    for nranks in (1, 2, 4):
        js = os.path.join(tmp, "paw%d.json" % nranks)
        run(["project", "--bulk", bulk, "--defect", vac, "--datasets", bulk, "--bands", "1-%d" % vref["nbands"],
             "--json", js], nranks)
        res.append(json.load(open(js))["bands"])
    for r in res[1:]:
        c.check(np.allclose([(b["valence"], b["conduction"]) for b in r],
                            [(b["valence"], b["conduction"]) for b in res[0]], rtol=0, atol=1e-12),
                "paw: 1 rank = N ranks")
    # The bulk basis here is 128 valence + 16 empty bands at Gamma; the
    # deepest eighth of the vacancy's valence bands lies well inside it.
    # (Higher up the missing weight grows to ~1e-2: see the issue notes.)
    deep = [b for b in res[0] if b["band"] <= nocc // 8]
    worst = max(abs(b["valence"] + b["conduction"] - 1) for b in deep)
    c.check(worst < 1e-3, "paw: v + c within 1e-3 of 1 for the deepest valence bands (worst %.1e)" % worst)
    top = [b for b in res[0] if nocc - 2 <= b["band"] <= nocc + 2]
    c.check(any(0.05 < b["valence"] < 0.95 and b["conduction"] > 0.05 for b in top),
            "paw: vacancy levels near the gap have mixed character: %s" %
            [(b["band"], round(b["valence"], 3), round(b["conduction"], 3)) for b in top])
c.close()
