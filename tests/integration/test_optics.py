#!/usr/bin/env python3
"""`pawproj optics` on the real VASP files (Gamma-only CO2, noncollinear Ga4,
spin-polarised Ga4).

Plane-wave part (--method pseudo) against an independent recomputation:
pymatgen's Wavecar reads the coefficients and its own G vectors (Gamma
half sphere completed by pymatgen), numpy forms
p^v_mn = sum_G conj(c_mG) (k+G)_v c_nG in hbar/Bohr (noncollinear: the two
spinor components side by side, the same G for each). Identities: p is
Hermitian; a Gamma-only run gives purely imaginary p (real wavefunctions);
1, 2 and 4 ranks agree; with PAW terms (GPAW's Ga dataset: the VASP POTCAR
is licensed, so the numbers are not VASP's, the identities still hold) the
HDF5 one-centre part is exactly momentum(paw) - momentum(pseudo). The JSON's
dipoles, oscillator strengths, polarisations and degeneracy flags are
recomputed here from p and the eigenvalues with CODATA constants. Bad
options fail with one clear message."""
import json
import os
import tempfile

import h5py
import numpy as np

from common import Checker, need_shared, run
from pseudoref import Coefficients

BOHR_A = 0.529177210903
HARTREE_EV = 27.211386245988
DEBYE_PER_EA = 4.803204712570263
GA = "Ga=/usr/share/gpaw-setups/Ga.PBE.gz"

root = need_shared()
c = Checker("optics")
tmp = tempfile.mkdtemp()


def matrices(h5, name="momentum"):
    with h5py.File(h5) as f:
        parts = [f["%s_%s" % (name, a)][()] for a in "xyz"]
    parts = [p["r"] + 1j * p["i"] if p.dtype.names else p for p in parts]
    return np.stack(parts, axis=2)                    # [s][k][v][m][n]


def optics(d, bands, nranks=1, extra=(), tag="x"):
    h5 = os.path.join(tmp, "%s-%d.h5" % (tag, nranks))
    js = os.path.join(tmp, "%s-%d.json" % (tag, nranks))
    run(["optics", d, "--bands", bands, "--h5", h5, "--json", js] + list(extra), nranks)
    return matrices(h5), json.load(open(js)), h5


def reference(d, lo, hi):
    """pymatgen + numpy: [s][k][v][m][n], hbar/Bohr."""
    w = Coefficients(d)
    A = np.array(w.w.a, float)                        # Å, rows a_i
    B = 2 * np.pi * np.linalg.inv(A).T                # Å^-1, rows b_i
    out = np.zeros((w.nspin, w.nk, 3, hi - lo, hi - lo), complex)
    for s in range(w.nspin):
        for k in range(w.nk):
            C = w.coeffs(s, k)[lo:hi]
            G = w.gpoints(k) + np.asarray(w.w.kpoints[k], float)
            q = G @ B * BOHR_A                        # Bohr^-1
            reps = C.shape[1] // len(q)               # 2 for spinors
            q = np.vstack([q] * reps)
            for v in range(3):
                out[s, k, v] = (C.conj() * q[:, v]) @ C.T
    return out


def rel(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


cases = [("co2-gamma", 0, 12), ("ga4-ncl", 0, 8), ("ga4-spin", 4, 16)]
for name, lo, hi in cases:
    d = os.path.join(root, name)
    bands = "%d-%d" % (lo + 1, hi)
    ref = reference(d, lo, hi)
    runs = [optics(d, bands, n, ["--method", "pseudo"], name + "-pseudo") for n in (1, 2, 4)]
    p, js, _ = runs[0]
    c.check(p.shape == ref.shape, "%s: shape %s = reference %s" % (name, p.shape, ref.shape))
    # complex64 coefficients: the products carry ~1e-7 relative rounding.
    e = rel(p, ref)
    c.check(e < 1e-6, "%s pseudo: p = pymatgen/numpy (max |diff| / max |p| = %.1e < 1e-6)" % (name, e))
    h = np.abs(p - np.conj(np.swapaxes(p, -1, -2))).max() / np.abs(p).max()
    c.check(h < 1e-12, "%s pseudo: p Hermitian (%.1e)" % (name, h))
    for n, (pn, _, _) in zip((2, 4), runs[1:]):
        c.check(rel(pn, p) < 1e-12, "%s pseudo: %d ranks = 1 rank (%.1e)" % (name, n, rel(pn, p)))
    if name == "co2-gamma":
        c.check(np.abs(p.real).max() == 0, "co2-gamma: real wavefunctions, p purely imaginary")

    # Derived quantities, recomputed from p and the eigenvalues.
    worst = {"d": 0.0, "f": 0.0, "pol": 0.0}
    flags_ok = True
    for q in js["pairs"]:
        s, k, m, n = q["spin"] - 1, q["kpoint"] - 1, q["m"] - 1 - lo, q["n"] - 1 - lo
        pv = p[s, k, :, m, n]
        c_p = np.array([complex(*x) for x in q["p"]])
        worst["pol"] = max(worst["pol"], np.abs(c_p - pv).max())
        de = q["e_n_eV"] - q["e_m_eV"]
        degenerate = m == n or abs(de) < 1e-3
        flags_ok &= q["degenerate"] == degenerate and (("dipole_eA" in q) == (not degenerate))
        if degenerate:
            continue
        dha = de / HARTREE_EV
        dv = 1j * pv / dha * BOHR_A
        worst["d"] = max(worst["d"], abs(q["abs_dipole_eA"] - np.linalg.norm(dv)) / np.linalg.norm(dv),
                         abs(q["abs_dipole_debye"] - np.linalg.norm(dv) * DEBYE_PER_EA) / (np.linalg.norm(dv) * DEBYE_PER_EA))
        f = 2 * np.abs(pv) ** 2 / dha
        worst["f"] = max(worst["f"], np.abs(np.array(q["f"]) - f).max() / max(np.abs(f).max(), 1e-300))
    c.check(flags_ok, "%s: degenerate exactly when m = n or |dE| < 1 meV, and then no dipole" % name)
    c.check(worst["pol"] < 1e-12, "%s: JSON p = HDF5 p (%.1e)" % (name, worst["pol"]))
    c.check(worst["d"] < 1e-12, "%s: |d| = |i p / dE| Bohr (e.Å, Debye) (%.1e)" % (name, worst["d"]))
    c.check(worst["f"] < 1e-12, "%s: f_v = 2|p_v|^2/dE (%.1e)" % (name, worst["f"]))
    npairs = sum(1 for _ in js["pairs"])
    nitems = p.shape[0] * p.shape[1]
    c.check(npairs == nitems * (hi - lo) * (hi - lo + 1) // 2, "%s: every pair m <= n listed once" % name)

# PAW terms: onsite = paw - pseudo; Hermitian; ranks agree.
d = os.path.join(root, "ga4-spin")
pp, _, _ = optics(d, "5-16", 1, ["--method", "pseudo"], "ga4-spin-pseudo")
runs = [optics(d, "5-16", n, ["--datasets", GA], "ga4-spin-paw") for n in (1, 2, 4)]
pa, _, h5 = runs[0]
ons = matrices(h5, "onsite")
c.check(np.abs(ons).max() > 1e-3, "ga4-spin paw: one-centre terms present (max %.2e hbar/Bohr)" % np.abs(ons).max())
e = np.abs((pa - pp) - ons).max() / np.abs(pa).max()
c.check(e < 1e-13, "ga4-spin paw: momentum - momentum(pseudo) = onsite part (%.1e)" % e)
h = np.abs(pa - np.conj(np.swapaxes(pa, -1, -2))).max() / np.abs(pa).max()
c.check(h < 1e-12, "ga4-spin paw: p Hermitian with one-centre terms (%.1e)" % h)
for n, (pn, _, _) in zip((2, 4), runs[1:]):
    c.check(rel(pn, pa) < 1e-12, "ga4-spin paw: %d ranks = 1 rank (%.1e)" % (n, rel(pn, pa)))
nc = os.path.join(root, "ga4-ncl")
pn, _, _ = optics(nc, "1-6", 2, ["--datasets", GA], "ga4-ncl-paw")
h = np.abs(pn - np.conj(np.swapaxes(pn, -1, -2))).max() / np.abs(pn).max()
c.check(h < 1e-12, "ga4-ncl paw (spinors): p Hermitian (%.1e)" % h)

# --pairs: only those bands' pairs, the window's sums unchanged.
_, full, _ = optics(d, "5-16", 1, ["--datasets", GA], "pairs-all")
_, part, _ = optics(d, "5-16", 1, ["--datasets", GA, "--pairs", "8-9"], "pairs-part")
c.check(all(q["m"] in (8, 9) for q in part["pairs"]) and
        len(part["pairs"]) == 4 * (2 * 10 + 3),  # 4 (spin, k); each band with the 10 others, then 8-8, 8-9, 9-9
        "--pairs 8-9: pairs of bands 8, 9 with the window, each once (%d)" % len(part["pairs"]))
c.check(part["band_sums"] == full["band_sums"], "--pairs: the band sums are the window's")

# Bad options: one clear message, no output.
bad = [(["optics", d], "--bands"),
       (["optics", d, "--bands", "0-3"], "--bands"),
       (["optics", d, "--bands", "5-99"], "--bands"),
       (["optics", d, "--bands", "5-8", "--pairs", "2-3"], "outside the window"),
       (["optics", d, "--bands", "5-8", "--method", "exact"], "expected paw or pseudo"),
       (["optics", d, "--bands", "5-8", "--json", os.path.join(d, "WAVECAR")], "input")]
for args, want in bad:
    out = os.path.join(tmp, "bad.json")
    p = run(args + ([] if "--json" in args else ["--json", out]), check=False)
    c.check(p.returncode != 0 and want in p.stderr and len(p.stderr.strip().splitlines()) == 1
            and not os.path.exists(out),
            "%s: refused with one line naming %r (%r)" % (" ".join(args[2:]), want, p.stderr.strip()[:200]))
# The budget counts the result tables (2 tables x 4 items x 3 x 24^2 x 16 B)
# on top of the pools (their peaks from --mem-report): without them the
# need would fall short of the sum.
import re  # noqa: E402
q = run(["optics", d, "--bands", "1-24", "--method", "pseudo", "--mem-report"])
rep = q.stdout + q.stderr
wf = re.search(r"optics-wf\s+([\d.]+) (B|KiB|MiB)", rep)
p = run(["optics", d, "--bands", "1-24", "--method", "pseudo", "--mem-per-rank", "100K"], check=False)
need = re.search(r"needs ([\d.]+) (KiB|MiB) more", p.stderr)
if c.check(wf is not None and need is not None, "--mem-report lists optics-wf; a small budget is refused (%r)"
           % p.stderr.strip()[:200]):
    unit = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2}
    tables = 2 * 4 * 3 * 24 * 24 * 16
    got = float(need.group(1)) * unit[need.group(2)]
    wfb = float(wf.group(1)) * unit[wf.group(2)]
    item = re.search(r"optics-item\s+([\d.]+) (B|KiB|MiB)", rep)
    itb = float(item.group(1)) * unit[item.group(2)] if item else 0
    # 1 % slack: the report's numbers are rounded to 2 decimals.
    c.check(itb > 0 and got >= (tables + wfb + itb) * 0.99 and "result tables" in p.stderr,
            "budget: need %.0f B >= result tables %d B + coefficients %.0f B + one item's pool %.0f B"
            % (got, tables, wfb, itb))
c.close()
