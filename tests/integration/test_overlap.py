#!/usr/bin/env python3
"""`pawproj overlap` (issue 13 point 1): full overlap matrices on ScaLAPACK.

  - Si8 bulk x vacancy, all bands, all-electron: the matrix written block by
    block from the BLACS grid equals the overlaps `project --h5` computes
    for the same bands (ZGEMM on one rank, a different code path) to 1e-12.
  - 1, 2 and 4 ranks, BLACS grids 1x1, 1x2, 2x1, 2x2 and two k-point groups
    of 1x2: the same matrices, singular values and matching to 1e-12.
  - Band windows: --bands-bra 3-20 --bands-ket 2-21 is the sub-block.
  - --svd: the singular values equal numpy's SVD of the file's matrix;
    bulk x bulk (all bands) has every singular value 1 to the AE
    orthonormality of the data (2e-7), a property of the states, not of
    the code.
  - --match: equals numpy's argmax of |S|^2 over the file's matrix, with
    its weight; bulk x bulk: each band's level weight is 1.
  - --method pseudo on real VASP files (standard with spin, noncollinear,
    Gamma-only half sphere) equals pymatgen's coefficients multiplied by
    numpy (pseudoref.py), to 1e-10 (Gamma-only: 2e-7, pymatgen's rounding).
  - Errors: no --ket, a grid that does not fit the ranks, a malformed
    --blacs, runs of different cells, a band window outside the run."""
import os
import tempfile

import h5py
import numpy as np

import pseudoref
from common import REPO, SHARED_VASP, Checker, run

c = Checker("overlap")
SI8 = os.path.join(REPO, "tests", "data", "si8")
BULK, VAC = os.path.join(SI8, "bulk"), os.path.join(SI8, "vacancy")


def read(path):
    with h5py.File(path, "r") as f:
        out = {k: f[k][()] for k in f.keys()}
    return out


with tempfile.TemporaryDirectory() as tmp:
    def ovl(tag, args, n=1):
        path = os.path.join(tmp, tag + ".h5")
        p = run(["overlap"] + args + ["--h5", path], n, check=False)
        if not c.check(p.returncode == 0, "%s: exit %d %s" % (tag, p.returncode, p.stderr[-400:])):
            return None, p
        return read(path), p

    ref, p = ovl("one", ["--bra", BULK, "--ket", VAC, "--svd", "--match"])
    c.check("singular values" in p.stdout and "matched" in p.stdout and "BLACS" in p.stdout,
            "summary printed:\n" + p.stdout)
    proj = os.path.join(tmp, "project.h5")
    run(["project", "--bulk", BULK, "--defect", VAC, "--bands", "1-22", "--h5", proj])
    with h5py.File(proj, "r") as f:
        pov = f["overlaps"][()]
    S = ref["overlaps"] if ref else None
    if S is not None:
        d = np.abs(S - pov).max() if S.shape == pov.shape else np.inf
        c.check(d < 1e-12, "overlap = project's overlaps %s (max diff %.1e)" % (pov.shape, d))
        for n, grid in ((2, "1x2"), (2, "2x1"), (4, "2x2"), (4, None), (2, None)):
            args = ["--bra", BULK, "--ket", VAC, "--svd", "--match"] + (["--blacs", grid] if grid else [])
            got, _ = ovl("n%d%s" % (n, grid), args, n)
            if got is None:
                continue
            dd = max(np.abs(got["overlaps"] - S).max(), np.abs(got["singular_values"] - ref["singular_values"]).max(),
                     np.abs(got["match_level_weight"] - ref["match_level_weight"]).max())
            c.check(dd < 1e-12 and np.array_equal(got["match_ket_band"], ref["match_ket_band"]),
                    "%d ranks, grid %s: same matrices, singular values, matching (%.1e)" % (n, grid or "auto", dd))
        win, _ = ovl("window", ["--bra", BULK, "--ket", VAC, "--bands-bra", "3-20", "--bands-ket", "2-21"], 3)
        if win is not None:
            d = np.abs(win["overlaps"] - S[:, :, 1:21, 2:20]).max()
            c.check(d < 1e-12 and list(win["bra_bands"]) == [3, 20] and list(win["ket_bands"]) == [2, 21],
                    "windows on 3 ranks: the sub-block (%.1e)" % d)
        sv = np.array([[np.linalg.svd(S[s, k].T, compute_uv=False) for k in range(S.shape[1])]
                       for s in range(S.shape[0])])
        d = np.abs(sv - ref["singular_values"]).max()
        c.check(d < 1e-12, "--svd = numpy's SVD of the matrix (%.1e)" % d)
        M = np.abs(S) ** 2                                      # [s][k][n][m]
        best = np.argmax(M, axis=2) + 1
        d = np.abs(M.max(axis=2) - ref["match_weight"]).max()
        c.check(np.array_equal(best, ref["match_ket_band"]) and d < 1e-14,
                "--match = numpy's argmax of |S|^2 (weights to %.1e)" % d)

    self_, _ = ovl("self", ["--bra", BULK, "--ket", BULK, "--svd", "--match"], 2)
    if self_ is not None:
        e = np.abs(self_["singular_values"] - 1).max()
        c.check(e < 3e-7, "bulk x bulk: every singular value 1 to %.1e (AE orthonormality)" % e)
        lev = np.abs(self_["match_level_weight"] - 1).max()
        c.check(lev < 1e-6, "bulk x bulk: every band matched inside its own level, weight 1 to %.1e" % lev)

    # Pseudo method on real VASP files against pymatgen + numpy.
    for name, n in (("ga4-spin", 2), ("ga4-ncl", 2), ("co2-gamma", 1)):
        d = os.path.join(SHARED_VASP, name)
        if not os.path.isdir(d):
            c.check(False, "%s: shared VASP data missing (%s)" % (name, d))
            continue
        got, _ = ovl("pseudo-" + name, ["--bra", d, "--ket", d, "--method", "pseudo"], n)
        co = pseudoref.Coefficients(d)
        want, _ = pseudoref.character(co, co, list(range(1, co.nb + 1)), [1.0] * co.nk)
        tol = 2e-7 if co.gamma else 1e-10
        if got is not None:
            dd = np.abs(got["overlaps"] - want).max() if got["overlaps"].shape == want.shape else np.inf
            c.check(dd < tol, "%s, pseudo, %d ranks: = pymatgen + numpy %s (%.1e)" % (name, n, want.shape, dd))

    def refused(args, words, what, n=1):
        p = run(["overlap"] + args, n, check=False)
        c.check(p.returncode != 0 and all(w in p.stderr for w in words), "%s: %s" % (what, p.stderr.strip()[-300:]))

    refused(["--bra", BULK], ["--ket"], "no --ket")
    refused(["--bra", BULK, "--ket", VAC, "--blacs", "3x1"], ["--blacs 3x1", "multiple of 3"], "a grid over the ranks", 2)
    refused(["--bra", BULK, "--ket", VAC, "--blacs", "2by2"], ["--blacs", "PRxPC"], "a malformed --blacs")
    refused(["--bra", os.path.join(SHARED_VASP, "h-atom"), "--ket", os.path.join(SHARED_VASP, "co2-gamma"), "--method",
             "pseudo"], ["lattices differ", "bra", "ket"], "runs of different cells")
    refused(["--bra", BULK, "--ket", VAC, "--bands-bra", "20-30"], ["--bands-bra 20-30", "bra WAVECAR has 24"],
            "a bra window outside the run")
    refused(["--bra", BULK, "--ket", VAC, "--bands-ket", "0-3"], ["--bands-ket 0-3", "N-M"], "a malformed ket window")
c.close()
