#!/usr/bin/env python3
"""`pawproj density` on the shipped Si8 example (GPAW, 2x2x2 k-points).

* The all-electron valence density on the default grid integrates to the
  32 valence electrons to 1e-3 (relative); on VASP's grid times 1, 2, 3 the
  missing charge falls (the reconstruction the grid cannot resolve,
  docs/realspace.md).
* The pseudo density integrates to sum_k w_k sum_n f_n 2 sum_G |C|^2
  exactly (Parseval: each band fits the grid), an independent count from
  `pawproj dump`.
* --bands: one band counted as filled integrates to 2 (its AE norm is 1).
* 1, 2 and 4 ranks (k-point groups and slabs) give the same files bit for
  bit; the pseudo density in the HDF5 and the VASP file = an independent
  numpy computation from pymatgen's coefficients; (consistency) the HDF5
  density times the cell volume is the VASP file."""
import json
import os
import tempfile

import h5py
import numpy as np

import pseudoref
from common import REPO, Checker, run, run_json

c = Checker("density")
si8 = os.path.join(REPO, "tests", "data", "si8", "bulk")
info = run_json(["info", si8])
vol = abs(np.linalg.det(np.array(info["lattice_A"])))


def readvol(path):
    lines = open(path).read().split("\n")
    i = lines.index("")
    n = [int(x) for x in lines[i + 1].split()]
    return n, np.array(" ".join(lines[i + 2:]).split(), float)


def pseudo_density_reference(d, n):
    """sum_k w_k sum_n f_n 2 |psi~_nk|^2 / Omega on the grid n (x, y, z
    order), from pymatgen's coefficients (ISPIN = 1, occupations in [0, 1])."""
    w = pseudoref.Coefficients(d)
    wk = pseudoref.kweights(d)
    omega = abs(np.linalg.det(np.array(w.w.a)))
    rho = np.zeros(n)
    for k in range(w.nk):
        G = w.gpoints(k).astype(int)
        C, f = w.coeffs(0, k), w.occ(0, k)
        for b in np.nonzero(f)[0]:
            mesh = np.zeros(n, complex)
            mesh[G[:, 0] % n[0], G[:, 1] % n[1], G[:, 2] % n[2]] = C[b]
            rho += wk[k] * f[b] * 2 * np.abs(np.fft.ifftn(mesh) * np.prod(n)) ** 2 / omega
    return rho


def density(tmp, tag, args, nranks=2):
    path = os.path.join(tmp, tag + ".vasp")
    run(["density", si8] + args + ["-o", path, "--json", path + ".json"], nranks)
    return json.load(open(path + ".json")), path


with tempfile.TemporaryDirectory() as tmp:
    js, _ = density(tmp, "ae", [])
    rel = abs(js["electrons_on_grid"] - 32) / 32
    c.check(js["electrons_expected"] == 32 and rel < 1e-3,
            "AE valence density on the default grid %s: %.6f electrons (relative %.1e)"
            % (js["grid"], js["electrons_on_grid"], rel))
    miss = []
    for f in (1, 2, 3):
        jf, _ = density(tmp, "f%d" % f, ["--grid-factor", str(f)])
        miss.append((32 - jf["electrons_on_grid"], jf["grid"][0]))
    c.check(miss[0][0] > miss[1][0] > miss[2][0] > 0,
            "missing charge falls with the grid: %s" % ", ".join("%.3f on %d^3" % m for m in miss))

    dump = run_json(["dump", si8])
    w = np.array([k["weight"] for k in info["kpoints"]])
    occ = np.array(info["occupations"])[0]
    norms = np.array([k["coeff_norms"] for k in dump["spins"][0]["kpoints"]])
    want = 2 * np.sum(w[:, None] * occ * norms)
    jp, ps_path = density(tmp, "ps", ["--pseudo"])
    c.check(abs(jp["electrons_on_grid"] - want) < 1e-9 * want,
            "pseudo density: %.10f electrons = sum w f 2 sum|C|^2 = %.10f" % (jp["electrons_on_grid"], want))

    # The written pseudo density itself (both files), against an
    # independent computation: rho~(r) = sum_k w_k sum_n f_n 2 |psi~_nk(r)|^2
    # / Omega with psi~ from pymatgen's coefficients by numpy's inverse FFT
    # on the same grid, weights from IBZKPT and occupations as pymatgen
    # reads them. (The electron count above is the program's own sum of its
    # array; this checks the values and the layout of what is written.)
    # Both sides: the same coefficients, double-precision FFTs: measured
    # 1e-15 of the largest value; 1e-10 for the HDF5 file, 1e-9 for the
    # VASP file (11 significant digits in print). A wrong k-weight,
    # occupation, spin factor, a missing band or a grid origin shifted by
    # one point changes it by >= 1e-3; an x <-> z transposed layout only by
    # 5e-7 (the cubic cell's density is symmetric up to the SCF's own
    # noise), still 500x the tolerances.
    n_ps = jp["grid"]
    want_ps = pseudo_density_reference(si8, n_ps)
    with h5py.File(ps_path + ".h5", "r") as f:
        got_h5 = f["density"][0].transpose(2, 1, 0)
    dev_h5 = np.abs(got_h5 - want_ps).max() / want_ps.max() if got_h5.shape == want_ps.shape else np.inf
    c.check(dev_h5 < 1e-10, "pseudo density in the HDF5 file = numpy from pymatgen's coefficients on %s "
            "(max deviation %.1e of the largest value)" % (n_ps, dev_h5))
    n_v, v_ps = readvol(ps_path)
    got_v = v_ps.reshape(n_v[2], n_v[1], n_v[0]).transpose(2, 1, 0) / vol
    dev_v = np.abs(got_v - want_ps).max() / want_ps.max() if got_v.shape == want_ps.shape else np.inf
    c.check(dev_v < 1e-9, "pseudo density in the VASP file / Omega = numpy reference (max deviation %.1e)" % dev_v)

    jb, _ = density(tmp, "b1", ["--bands", "1-1"])
    c.check(abs(jb["electrons_on_grid"] - 2) < 2e-3, "band 1 alone (filled): %.5f electrons" % jb["electrons_on_grid"])

    files = []
    for nranks in (1, 2, 4):
        _, path = density(tmp, "r%d" % nranks, ["--grid", "24,24,30"], nranks)
        files.append(path)
    # One k-point group: every state on a grid split in z-slabs over 2
    # and 4 ranks (the default layout above gives each rank whole
    # k-points and grids).
    for nranks in (2, 4):
        _, path = density(tmp, "s%d" % nranks, ["--grid", "24,24,30", "--kgroups", "1"], nranks)
        files.append(path)
    texts = [open(p).read() for p in files]
    arrays = [h5py.File(p + ".h5", "r")["density"][0] for p in files]
    c.check(all(t == texts[0] for t in texts[1:]) and all(np.array_equal(arrays[0], a) for a in arrays[1:]),
            "1, 2 and 4 ranks, whole grids and z-slabs (--kgroups 1): VASP files and HDF5 densities identical "
            "bit for bit")
    n, v = readvol(files[0])
    # Cheap consistency check only (one array, two writers); the values
    # of both files are checked against numpy above.
    c.check(np.abs(arrays[0].reshape(-1) * vol - v).max() < 1e-10 * v.max(),
            "consistency: HDF5 density x cell volume = the VASP file")
c.close()
