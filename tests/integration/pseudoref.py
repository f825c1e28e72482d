"""Independent reference for `project --method pseudo`: the pseudo overlaps
<psi~B_m|psi~D_n>, the raw captured weight and the renormalised band
character, recomputed in the test from the WAVECAR coefficients read by
pymatgen's Wavecar (Debian python3-pymatgen; its own reader and its own
G-vector generation, no pawproj code) with numpy.

    S[s][k][n][m] = sum_G conj(C^B_mG) C^D_nG            (double precision)
    v_k = sum_{m: occ_m > 0.5} |S|^2,  c_k = sum_{other m} |S|^2
    valence = sum_k w_k v_k / (v_k + c_k), conduction likewise,
    captured = sum_k w_k (v_k + c_k)

k-point weights come from the files themselves, read here: vasprun.xml
through pymatgen's Vasprun, OUTCAR by a regular expression, IBZKPT's
integer weights, or a single k-point (weight 1); a caller may pass GPAW's
own weights instead."""
import os
import re

import numpy as np

try:
    from pymatgen.io.vasp.outputs import Vasprun, Wavecar
except ImportError:  # pragma: no cover - Debian's python3 has it
    Vasprun = Wavecar = None


class Coefficients:
    """One WAVECAR read by pymatgen: coefficients per (spin, k) as a complex128
    (nbands, ncoeff) array (a noncollinear spinor's two components side by
    side; a Gamma-only file's half sphere completed by pymatgen with
    c(-G) = c(G)*), occupations per (spin, k), and the G vectors."""

    def __init__(self, d):
        if Wavecar is None:
            raise SystemExit("pymatgen is not installed (Debian package python3-pymatgen)")
        path = os.path.join(d, "WAVECAR")
        self.w = Wavecar(path)
        self.nspin, self.nk, self.nb = self.w.spin, self.w.nk, self.w.nb
        self.gamma = self.w.vasp_type.lower().startswith("g")

    def coeffs(self, s, k):
        rows = self.w.coeffs[s][k] if self.nspin == 2 else self.w.coeffs[k]
        return np.array([np.asarray(r, np.complex128).reshape(-1) for r in rows])

    def occ(self, s, k):
        e = self.w.band_energy[s][k] if self.nspin == 2 else self.w.band_energy[k]
        return np.asarray(e)[:, 2]

    def gpoints(self, k):
        return np.asarray(self.w.Gpoints[k])


def kweights(d):
    """The k-point weights of directory d, normalised to 1, from its own
    files (the first found of vasprun.xml, IBZKPT, OUTCAR; a single k-point
    has weight 1), or None."""
    if os.path.isfile(os.path.join(d, "vasprun.xml")):
        v = Vasprun(os.path.join(d, "vasprun.xml"), parse_dos=False, parse_eigen=False,
                    parse_projected_eigen=False, parse_potcar_file=False)
        w = np.array(v.actual_kpoints_weights, float)
        return w / w.sum()
    if os.path.isfile(os.path.join(d, "IBZKPT")):
        lines = open(os.path.join(d, "IBZKPT")).read().split("\n")
        n = int(lines[1].split()[0])
        w = np.array([float(x.split()[3]) for x in lines[3:3 + n]])
        return w / w.sum()
    if os.path.isfile(os.path.join(d, "OUTCAR")):
        text = open(os.path.join(d, "OUTCAR")).read()
        m = re.search(r"k-points in reciprocal lattice and weights:[^\n]*\n((?:\s*[-\d.]+\s+[-\d.]+\s+[-\d.]+\s+[-\d.]+\s*\n)+)",
                      text)
        if m:
            w = np.array([float(x.split()[3]) for x in m.group(1).strip().split("\n")])
            return w / w.sum()
    return None


def character(bulk, defect, bands, weights, flip=False):
    """bulk, defect: Coefficients; bands: 1-based defect band numbers;
    weights: per k-point (normalised here). Returns (S, ch): S[s][k][n][m]
    = <B_m|D_n> (as pawproj's HDF5 `overlaps`), ch[s][n] = (valence,
    conduction, captured)."""
    w = np.asarray(weights, float)
    w = w / w.sum()
    assert bulk.nk == defect.nk == len(w), (bulk.nk, defect.nk, len(w))
    S = np.zeros((defect.nspin, defect.nk, len(bands), bulk.nb), complex)
    ch = np.zeros((defect.nspin, len(bands), 3))
    idx = np.asarray(bands, int) - 1
    for s in range(defect.nspin):
        sb = 1 - s if flip else min(s, bulk.nspin - 1)
        for k in range(defect.nk):
            # The same G vectors in the same order on both sides, or a
            # G-by-G product would be meaningless.
            assert np.array_equal(bulk.gpoints(k), defect.gpoints(k)), "G sets differ at k %d" % k
            B, D = bulk.coeffs(sb, k), defect.coeffs(s, k)[idx]
            Sk = D @ B.conj().T                      # (n, m) = sum_G conj(B_m) D_n
            S[s, k] = Sk
            p = np.abs(Sk) ** 2
            val = bulk.occ(sb, k) > 0.5
            v, c = p[:, val].sum(axis=1), p[:, ~val].sum(axis=1)
            ch[s, :, 0] += w[k] * v / (v + c)
            ch[s, :, 1] += w[k] * c / (v + c)
            ch[s, :, 2] += w[k] * (v + c)
    return S, ch


def check_project(c, tag, js_bands, ovl, bulk, defect, weights, tol, flip=False):
    """Compares pawproj's JSON bands (valence, conduction, captured) and,
    when ovl is given, its HDF5 overlaps with the reference. Returns the
    reference (S, ch)."""
    bands = sorted({b["band"] for b in js_bands})
    S, ch = character(bulk, defect, bands, weights, flip)
    worst = 0.0
    for b in js_bands:
        want = ch[b["spin"] - 1, bands.index(b["band"])]
        got = np.array([b["valence"], b["conduction"], b["captured"]])
        worst = max(worst, np.max(np.abs(got - want)))
    c.check(worst < tol, "%s: valence, conduction, captured = pymatgen + numpy recomputation (max diff %.1e < %.0e)"
            % (tag, worst, tol))
    if ovl is not None:
        ok = ovl.shape == S.shape
        d = np.max(np.abs(ovl - S)) if ok else np.inf
        c.check(ok and d < tol, "%s: HDF5 overlaps <B_m|D_n> %s = pymatgen + numpy %s (max diff %.1e < %.0e)"
                % (tag, ovl.shape, S.shape, d, tol))
    return S, ch
