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
  bit; the HDF5 density times the cell volume is the VASP file."""
import json
import os
import tempfile

import h5py
import numpy as np

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
    jp, _ = density(tmp, "ps", ["--pseudo"])
    c.check(abs(jp["electrons_on_grid"] - want) < 1e-9 * want,
            "pseudo density: %.10f electrons = sum w f 2 sum|C|^2 = %.10f" % (jp["electrons_on_grid"], want))

    jb, _ = density(tmp, "b1", ["--bands", "1-1"])
    c.check(abs(jb["electrons_on_grid"] - 2) < 2e-3, "band 1 alone (filled): %.5f electrons" % jb["electrons_on_grid"])

    files = []
    for nranks in (1, 2, 4):
        _, path = density(tmp, "r%d" % nranks, ["--grid", "24,24,30"], nranks)
        files.append(path)
    texts = [open(p).read() for p in files]
    arrays = [h5py.File(p + ".h5", "r")["density"][0] for p in files]
    c.check(texts[0] == texts[1] == texts[2] and all(np.array_equal(arrays[0], a) for a in arrays[1:]),
            "1, 2 and 4 ranks: VASP files and HDF5 densities identical bit for bit")
    n, v = readvol(files[0])
    c.check(np.abs(arrays[0].reshape(-1) * vol - v).max() < 1e-10 * v.max(),
            "HDF5 density x cell volume = the VASP file")
c.close()
