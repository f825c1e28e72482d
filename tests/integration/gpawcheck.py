"""Checks of a GPAW-exported directory (scripts/gpaw_example.py) against
the values GPAW itself wrote to gpaw_reference.json."""
import json
import os

import numpy as np

from common import run_json


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
