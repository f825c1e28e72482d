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
import math
import os
import sys
import xml.etree.ElementTree as ET

import numpy as np
from pymatgen.io.vasp.outputs import Wavecar
from scipy.special import spherical_jn

BOHR = 0.52917721067  # Å (CODATA 2014, as ASE 3.22)


def read_dataset(path):
    root = ET.parse(path).getroot()
    g = root.find("radial_grid").attrib
    assert g["eq"] == "r=a*i/(n-i)"
    a, n = float(g["a"]), int(g["n"])
    i = np.arange(n)
    r, dr = a * i / (n - i), a * n / (n - i) ** 2
    states = [s.attrib for s in root.find("valence_states")]

    def arrays(tag):
        return {e.attrib["state"]: np.array(e.text.split(), float) for e in root.findall(tag)}

    pt, phi, phit = arrays("projector_function"), arrays("ae_partial_wave"), arrays("pseudo_partial_wave")
    ids = [s["id"] for s in states]
    l_j = [int(s["l"]) for s in states]
    return r, dr, l_j, [pt[x] for x in ids], [phi[x] for x in ids], [phit[x] for x in ids]


def ylm(l, q):
    n = np.linalg.norm(q, axis=1)
    n[n == 0] = 1.0
    x, y, z = (q / n[:, None]).T
    if l == 0:
        return np.full((1, len(n)), 1 / math.sqrt(4 * math.pi))
    if l == 1:
        return math.sqrt(3 / (4 * math.pi)) * np.array([y, z, x])
    a, b = math.sqrt(15 / (4 * math.pi)), math.sqrt(5 / (16 * math.pi))
    return np.array([a * x * y, a * y * z, b * (3 * z * z - 1), a * z * x, a / 2 * (x * x - y * y)])


def check(d):
    ref = json.load(open(os.path.join(d, "gpaw_reference.json")))
    r, dr, l_j, pt, phi, phit = read_dataset(os.path.join(d, "dataset_Si.xml"))
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
        qn = np.linalg.norm(q, axis=1)
        cols = []
        for j, l in enumerate(l_j):
            F = np.array([np.sum(r**2 * spherical_jn(l, x * r) * pt[j] * dr) for x in qn])
            for m, Y in enumerate(ylm(l, q)):
                cols.append((1j**l) * Y * F)
        M = np.array(cols)
        for s in range(nspin):
            C = np.array(wc.coeffs[s][k] if nspin == 2 else wc.coeffs[k]).astype(complex)
            P = np.stack([(4 * np.pi / math.sqrt(vol)) * C @ (M * np.exp(1j * q @ (spos[a] @ cell))).T
                          for a in range(nat)], axis=1)
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
