#!/usr/bin/env python3
"""GPAW oracle for `project` on symmetry-reduced k-point sets (issue 11
point 3, docs/symmetry.md §7): Si8 bulk (Fd-3m) and a vacancy with one
neighbour moved towards the empty site (R3m), 2x2x2 MP mesh, made by
scripts/gpaw_symmetry_case.py twice: GPAW's symmetry on (bulk 1 IBZ point,
defect 2: different k-point sets) and off (both all 8 points). ~15 s of
GPAW on 2 cores, cached under PAWPROJ_WORK.

project(bulk IBZ, defect IBZ), which pawproj unfolds with each structure's
own operations, and the mixed pairs (one run full-zone, the other unfolded
onto its k-points) give the band character of project(bulk full, defect
full) to 3e-6 (measured 1.1e-6: the two GPAW runs' own agreement), with
degenerate defect bands compared as subspace sums; 1 rank = 2 ranks."""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

from common import REPO, Checker, env, run
from gpawcheck import need_gpaw

need_gpaw()
c = Checker("gpaw-symmetry")
SCRIPTS = [os.path.join(REPO, "scripts", n) for n in ("gpaw_symmetry_case.py", "gpaw_example.py")]
digest = hashlib.sha1(b"".join(open(p, "rb").read() for p in SCRIPTS)).hexdigest()[:12]
root = os.path.join(os.environ.get("PAWPROJ_WORK", tempfile.gettempdir()), "si8-symmetry-" + digest)
for mode in ("ibz", "full"):
    out = os.path.join(root, mode)
    if not os.path.isfile(os.path.join(out, "complete")):
        p = subprocess.run(["mpirun", "--oversubscribe", "-n", "2", sys.executable, SCRIPTS[0], "--out", out,
                            "--mode", mode], capture_output=True, text=True, env=env(), timeout=900)
        if not c.check(p.returncode == 0, "gpaw_symmetry_case.py --mode %s: %s" % (mode, p.stderr[-2000:])):
            c.close()


def d(mode, run_):
    return os.path.join(root, mode, run_)


nk = {m: [len(json.load(open(os.path.join(d(m, r), "gpaw_reference.json")))["kpoints_frac"])
          for r in ("bulk", "vacancy")] for m in ("ibz", "full")}
c.check(nk["ibz"][0] != nk["ibz"][1] and nk["full"] == [8, 8],
        "k-point sets: IBZ bulk %d, defect %d; full %s" % (nk["ibz"][0], nk["ibz"][1], nk["full"]))


def character(bulk, defect, n=1):
    p = run(["project", "--bulk", bulk, "--defect", defect, "--datasets", d("full", "bulk"), "--bands", "1-22",
             "--json", "-"], n)
    res = json.loads(p.stdout)
    return res, np.array([[b["energy_eV"], b["valence"], b["conduction"]] for b in res["bands"]])


def groups(e, tol=1e-3):
    """Degenerate defect bands: consecutive energies within tol eV."""
    out, cur = [], [0]
    for i in range(1, len(e)):
        if e[i] - e[i - 1] < tol:
            cur.append(i)
        else:
            out.append(cur)
            cur = [i]
    return out + [cur]


_, ref = character(d("full", "bulk"), d("full", "vacancy"))
sums = lambda t: np.array([t[g, 1:].sum(axis=0) for g in groups(ref[:, 0])])  # noqa: E731
for b, v in (("ibz", "ibz"), ("ibz", "full"), ("full", "ibz")):
    res, got = character(d(b, "bulk"), d(v, "vacancy"))
    err = np.abs(sums(got) - sums(ref)).max()
    c.check(err < 3e-6, "bulk %s, defect %s: character = full-zone pair's (max diff %.1e; weights %s)"
            % (b, v, err, res["weights_source"]))
_, one = character(d("ibz", "bulk"), d("ibz", "vacancy"))
_, two = character(d("ibz", "bulk"), d("ibz", "vacancy"), 2)
c.check(np.abs(one - two).max() < 1e-12, "IBZ pair: 1 rank = 2 ranks (max diff %.1e)" % np.abs(one - two).max())
c.close()
