"""All-electron checks of a GPAW-exported directory: `pawproj norms` with
the exported dataset gives AE norms 1 and orthonormal bands, and its
projections equal GPAW's own."""
import json
import os
import tempfile

import h5py
import numpy as np

from common import run_json


def check_norms(c, d, nranks, tag, tol=1e-6, ptol=1e-5):
    ref = json.load(open(os.path.join(d, "gpaw_reference.json")))
    with tempfile.TemporaryDirectory() as tmp:
        h5 = os.path.join(tmp, "n.h5")
        out = run_json(["norms", d, "--datasets", d, "--h5", h5], nranks)
        with h5py.File(h5, "r") as f:
            P = f["projections"][()]
            ae_h5 = f["ae_norms"][()]
    ae = np.array([b["ae_norm"] for b in out["bands"]])
    c.check(np.max(np.abs(ae - 1)) < tol, "%s AE norms 1 ± %g (worst %.2e)" % (tag, tol, np.max(np.abs(ae - 1))))
    off = np.max(out["max_offdiag"])
    c.check(off < tol, "%s max |<m|n> - δ| = %.2e < %g" % (tag, off, tol))
    c.check(np.allclose(ae_h5.ravel(), ae, rtol=0, atol=0), tag + " HDF5 norms = JSON norms")
    v = np.array(ref["projections"]["values"])
    g = (v[..., 0] + 1j * v[..., 1]).reshape(v.shape[0], v.shape[1], v.shape[2], -1)
    d_max = np.max(np.abs(P - g))
    c.check(d_max < ptol, "%s projections vs GPAW: max diff %.2e < %g" % (tag, d_max, ptol))
    ps = np.array([b["pseudo_norm"] for b in out["bands"]])
    c.check(np.allclose(ps, np.array(ref["pseudo_norms"]).ravel(), rtol=1e-5), tag + " pseudo norms vs GPAW")
    return out
