"""Checks of a GPAW-exported directory (scripts/gpaw_example.py) against
the values GPAW itself wrote to gpaw_reference.json."""
import fcntl
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

from common import REPO, env, run_json

sys.path.insert(0, os.path.join(REPO, "scripts"))
from pawproj_tools import gpaw_cases  # noqa: E402


def need_gpaw():
    """Exit with the skip status when GPAW is not installed."""
    try:
        import gpaw  # noqa: F401
    except ImportError:
        print("SKIP: GPAW is not installed (Debian packages gpaw, gpaw-data)")
        sys.exit(77)


def gpaw_case(c, name, args):
    """bulk/ and vacancy/ made by scripts/gpaw_example.py ARGS, cached under
    PAWPROJ_WORK (pawproj_tools/gpaw_cases.py)."""
    work = gpaw_cases.case_dir(os.environ.get("PAWPROJ_WORK", tempfile.gettempdir()), name)
    os.makedirs(os.path.dirname(work), exist_ok=True)
    # Tests sharing a case may run at once (ctest -j): one makes it, the
    # others wait for it on the lock.
    with open(work + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not gpaw_cases.ready(work):
            cmd = gpaw_cases.command(sys.executable, args, work)
            p = subprocess.run(cmd, capture_output=True, text=True, env=env(), timeout=1500)
            if not c.check(p.returncode == 0, "gpaw_example.py %s: %s" % (" ".join(args), p.stderr[-2000:])):
                c.close()
    return os.path.join(work, "bulk"), os.path.join(work, "vacancy")


def check_export(c, d, nranks, tag):
    ref = json.load(open(os.path.join(d, "gpaw_reference.json")))
    info = run_json(["info", d], nranks)
    c.check(info["variant"] == "standard", tag + " variant")
    for key in ("nspin", "nkpts", "nbands"):
        c.check(info[key] == ref[key], "%s %s" % (tag, key))
    c.check(np.allclose(info["lattice_A"], ref["lattice_A"], atol=1e-12), tag + " lattice")
    c.check([k["npw"] for k in info["kpoints"]] == ref["npw_per_kpoint"], tag + " npw (VASP sphere = GPAW's)")
    c.check(np.allclose([k["frac"] for k in info["kpoints"]], ref["kpoints_frac"], atol=1e-12), tag + " k-points")
    w = np.array(ref["kweights"], float)
    c.check(np.allclose([k["weight"] for k in info["kpoints"]], w / w.sum(), atol=1e-12), tag + " weights (IBZKPT)")
    c.check(np.allclose(info["eigenvalues_eV"], ref["eigenvalues_eV"], rtol=0, atol=1e-9), tag + " eigenvalues")
    c.check(np.allclose(info["occupations"], ref["occupations"], rtol=0, atol=1e-9), tag + " occupations")
    dump = run_json(["dump", d], nranks)
    got = np.array([[k["coeff_norms"] for k in s["kpoints"]] for s in dump["spins"]])
    want = np.array(ref["pseudo_norms"])
    # complex64 storage: relative rounding ~1e-7 per coefficient.
    c.check(np.allclose(got, want, rtol=1e-5, atol=0),
            tag + " pseudo norms vs GPAW (max rel %.1e)" % np.max(np.abs(got / want - 1)))
    return ref, info
