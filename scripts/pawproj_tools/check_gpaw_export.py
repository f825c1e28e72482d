#!/usr/bin/python3
"""Check a directory written by gpaw_example.py from its files alone.

Usage:  /usr/bin/python3 scripts/pawproj_tools/check_gpaw_export.py DIR [DIR ...]

This is what pawproj does, in a few lines of numpy, as a reference: read the
WAVECAR (pymatgen's reader), POSCAR and dataset_Si.xml (PAW-XML), compute

    Q_ij = ∫ (φ_i φ_j − φ~_i φ~_j) r² dr                  (same l, m)
    P_ani = (4π/√Ω) Σ_G C_nG i^l Y_lm(q̂) e^{iq·R_a} ∫ r² j_l(qr) p~_j(r) dr

and compare with gpaw_reference.json: Q against GPAW's dO_ii, P against
GPAW's projections, and the PAW identity Σ|C|² + P^+ Q P = δ_nm.  Radial
integrals are plain sums f(r_g) dr/dg over the dataset's grid.
"""

import json
import os
import sys

import numpy as np
from pymatgen.io.vasp.outputs import Wavecar

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from pawproj_tools import paw as PAW  # noqa: E402

BOHR = 0.52917721067  # Å (CODATA 2014, as ASE 3.22)


def check(d):
    ref = json.load(open(os.path.join(d, "gpaw_reference.json")))
    ds = PAW.read_pawxml(os.path.join(d, "dataset_Si.xml"))
    r, dr, ch = ds["r"], ds["dr"], ds["chans"]
    l_j = [c["l"] for c in ch]
    pt, phi, phit = ([c[key] for c in ch] for key in ("pt", "phi", "phit"))
    lm = [(j, m) for j, l in enumerate(l_j) for m in range(2 * l + 1)]
    Q = np.array([[np.sum((phi[j1] * phi[j2] - phit[j1] * phit[j2]) * r**2 * dr)
                   if (l_j[j1] == l_j[j2] and m1 == m2) else 0.0 for (j2, m2) in lm] for (j1, m1) in lm])
    dQ = np.max(np.abs(Q - np.array(ref["setup"]["Si"]["dO_ii"])))

    lines = open(os.path.join(d, "POSCAR")).read().split("\n")
    lat = np.array([[float(x) for x in lines[i].split()] for i in (2, 3, 4)]) * float(lines[1])
    nat = int(lines[6].split()[0])
    spos = np.array([[float(x) for x in lines[8 + a].split()[:3]] for a in range(nat)])
    cell = lat / BOHR
    vol = abs(np.linalg.det(cell))
    B = 2 * np.pi * np.linalg.inv(cell).T

    wc = Wavecar(os.path.join(d, "WAVECAR"))
    nspin, nk = ref["nspin"], ref["nkpts"]
    Pref = np.array(ref["projections"]["values"])        # s, k, b, a, i, 2
    Pref = Pref[..., 0] + 1j * Pref[..., 1]
    dP = dev = off = 0.0
    for k in range(nk):
        q = (wc.Gpoints[k] + wc.kpoints[k]) @ B
        for s in range(nspin):
            C = np.array(wc.coeffs[s][k] if nspin == 2 else wc.coeffs[k]).astype(complex)
            P = PAW.projections(C, q, spos @ cell, vol, l_j, pt, r, dr)
            dP = max(dP, np.max(np.abs(P - Pref[s, k])))
            S = C.conj() @ C.T + np.einsum("nai,ij,maj->nm", P.conj(), Q, P)
            dev = max(dev, np.max(np.abs(np.diag(S) - 1)))
            off = max(off, np.max(np.abs(S - np.diag(np.diag(S)))))
    print(f"{d}: max|Q_xml - dO_gpaw| = {dQ:.1e}; max|P - P_json| = {dP:.2e}; "
          f"PAW identity from files: max|<n|n>-1| = {dev:.2e}, max off-diagonal = {off:.2e}")
    return dQ < 1e-12 and dP < 1e-5 and dev < 1e-6 and off < 1e-6


if __name__ == "__main__":
    ok = all([check(d) for d in sys.argv[1:]])
    print("all checks passed" if ok else "CHECK FAILED")
    sys.exit(0 if ok else 1)
