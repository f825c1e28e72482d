#!/usr/bin/env python3
"""Larger real PAW data made on the spot when GPAW is installed: the 64-atom
Si cell, its vacancy, and the vacancy with its four neighbours relaxed
0.1 Å inwards, at Gamma (scripts/gpaw_example.py --relax 0.1, ~3 minutes on
2 cores; cached in the build tree). The exports read back to GPAW's values
with 1, 2 and 4 ranks, and project agrees across rank counts; AE norms and
projections (`norms`) match GPAW. Defect study: bulk against itself is
exact; for the vacancy and the relaxed vacancy v + c is within 1e-3 of 1
for the deep valence bands, the levels near the gap are mixed, and the
result does not depend on the rank count. `--dry-run` of the study of
both defects estimates the peak resident memory within 10 %."""
import json
import os
import tempfile

import numpy as np

from common import Checker, run
from gpawcheck import check_export, gpaw_case, need_gpaw
from pawcheck import check_norms

need_gpaw()
c = Checker("gpaw-si64")
bulk, vac = gpaw_case(c, "si64-gamma", ["--size", "64", "--kpts", "gamma", "--encut", "250", "--relax", "0.1"])
rel = os.path.join(os.path.dirname(bulk), "relaxed")
for d in (bulk, vac, rel):
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
    for label, d in (("vacancy", vac), ("relaxed", rel)):
        vref = json.load(open(os.path.join(d, "gpaw_reference.json")))
        nocc = int(round(vref["nelectrons"] / 2))
        res = []
        for nranks in (1, 2, 4):
            js = os.path.join(tmp, "%s%d.json" % (label, nranks))
            out = run(["project", "--bulk", bulk, "--defect", d, "--datasets", bulk,
                       "--bands", "1-%d" % vref["nbands"], "--json", js], nranks).stdout
            res.append(json.load(open(js))["bands"])
        for r in res[1:]:
            c.check(np.allclose([(b["valence"], b["conduction"]) for b in r],
                                [(b["valence"], b["conduction"]) for b in res[0]], rtol=0, atol=1e-12),
                    "%s paw: 1 rank = N ranks" % label)
        if label == "relaxed":
            c.check("4 pairs of overlapping spheres" in out, "relaxed: pair terms of the 4 moved neighbours:\n" + out[:1200])
        # The bulk basis here is 128 valence + 16 empty bands at Gamma; the
        # deepest eighth of the defect's valence bands lies well inside it.
        # Higher up the missing weight grows (to ~1e-1 with 16 empty bulk
        # bands, ~3e-2 with 112): the bulk basis is truncated, docs/paw.md.
        # Moved atoms leave more outside any finite bulk basis: their
        # displaced core structure is reached only by bulk states near the
        # plane-wave cutoff (Si8 with a complete bulk basis: docs/paw.md).
        tol = 1e-3 if label == "vacancy" else 2e-3
        deep = [b for b in res[0] if b["band"] <= nocc // 8]
        worst = max(abs(b["valence"] + b["conduction"] - 1) for b in deep)
        c.check(worst < tol, "%s paw: v + c within %.0e of 1 for the deepest valence bands (worst %.1e)"
                % (label, tol, worst))
        top = [b for b in res[0] if nocc - 2 <= b["band"] <= nocc + 2]
        c.check(any(0.05 < b["valence"] < 0.95 and b["conduction"] > 0.05 for b in top),
                "%s paw: levels near the gap have mixed character: %s" %
                (label, [(b["band"], round(b["valence"], 3), round(b["conduction"], 3)) for b in top]))

    # --dry-run (issue 12 point 3): the study of both defects planned from
    # headers and setup; its estimated peak resident memory within 10 % of
    # the process's measured peak (VmHWM) in the real run, and nothing
    # written.
    study = ["project", "--bulk", bulk, "--defects", "vac=%s rel=%s" % (vac, rel), "--datasets", bulk,
             "--json", "-"]
    for nranks in (1, 2):
        h5 = os.path.join(tmp, "plan%d.h5" % nranks)
        plan = json.loads(run(study + ["--dry-run", "--h5", h5], nranks).stdout)
        real = json.loads(run(study, nranks).stdout)
        est, got = plan["rss_peak_estimate_mib_min_max"][1], real["peak_rss_mib_min_max"][1]
        c.check(abs(est - got) <= 0.1 * got, "--dry-run on %d rank(s): estimated peak %.1f MiB, measured %.1f MiB"
                % (nranks, est, got))
        c.check(not os.path.exists(h5) and not os.path.exists(h5 + ".partial"), "--dry-run writes no results file")
        c.check(plan["bytes_read_min_max"][1] > 0 and plan["flops_min_max"][1] > 0 and
                plan["kgroups"] * plan["band_groups"] == nranks, "plan: layout, reads and work: %s" % plan)
c.close()
