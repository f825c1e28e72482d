#!/usr/bin/python3
"""Cross-check pawproj_tools.wavecar and make_variants.py against pymatgen.

Usage:  /usr/bin/python3 scripts/pawproj_tools/check_wavecar.py [DATA_DIR]

DATA_DIR defaults to /work/shared/data/vasp (one sub-folder per real WAVECAR).
For every WAVECAR it checks, with pymatgen's independent reader as oracle:

1. gvectors() reproduces pymatgen's Wavecar.Gpoints for every k-point
   (Gamma: pymatgen lists the stored half, then the negated G != 0).
2. Our reader returns the same eigenvalues, occupations and coefficients.
3. make_variants.py output: WAVECAR.45210 / .53300 / .53310 read back by
   pymatgen identically (coefficients exact, as complex64 upcast); the .gz
   reads back through our reader; for Gamma sources WAVECAR.gamma-z holds the
   same full-sphere state (compared G by G).
4. A synthetic rtag-53300 file whose k header spans several records reads
   back by pymatgen.

Prints one line per check and exits non-zero on the first failure.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np
from pymatgen.io.vasp.outputs import Wavecar as PmWavecar

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from pawproj_tools import wavecar as W  # noqa: E402


def check(cond, msg):
    print(("ok    " if cond else "FAIL  ") + msg)
    if not cond:
        sys.exit(1)


def pm_bands(pm, s, k):
    """pymatgen coefficients of (s, k) as a (nbands, nplane) array."""
    c = pm.coeffs[s][k] if pm.spin == 2 else pm.coeffs[k]
    return np.array([np.asarray(x).reshape(-1) for x in c])


def pm_enocc(pm, s, k):
    return np.asarray(pm.band_energy[s][k] if pm.spin == 2 else pm.band_energy[k])


def compare_pm(pm, ref, label, stored_only=True):
    """Compare a pymatgen-read file with our reader ``ref`` band by band."""
    worst = 0.0
    for s in range(ref.nspin):
        for k in range(ref.nkpts):
            e = pm_enocc(pm, s, k)
            check(np.array_equal(e[:, 0], ref.eigs[s, k]) and np.array_equal(e[:, 2], ref.occs[s, k]),
                  f"{label}: s{s} k{k} eigenvalues/occupations identical")
            pc = pm_bands(pm, s, k)
            for b in range(ref.nbands):
                c = ref.coeffs(s, k, b).astype(np.complex128)
                if ref.variant.startswith("gamma"):
                    _, c = W.gamma_unpack(ref.gvectors(k), c)
                worst = max(worst, np.max(np.abs(pc[b] - c)))
    return worst


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/vasp"
    tmp = tempfile.mkdtemp(prefix="pawproj_variants_")
    for case in sorted(os.listdir(data)):
        path = os.path.join(data, case, "WAVECAR")
        if not os.path.isfile(path):
            continue
        print(f"== {case}")
        pm = PmWavecar(path)
        ours = W.read_wavecar(path)
        print(f"      variant {ours.variant} (pymatgen: {pm.vasp_type}), npw {ours.npw.tolist()}")
        for k in range(ours.nkpts):
            g = ours.gvectors(k)
            if ours.variant.startswith("gamma"):
                g, _ = W.gamma_unpack(g, np.zeros(len(g)))
            check(np.array_equal(g, pm.Gpoints[k].astype(np.int64)),
                  f"{case}: k{k} gvectors == pymatgen Gpoints ({len(g)} G)")
        err = compare_pm(pm, ours, f"{case} reader")
        # pymatgen keeps complex64 for ISPIN=2 and divides Gamma values by sqrt(2)
        check(err <= 1e-7, f"{case}: reader coefficients == pymatgen (max diff {err:.1e})")

        out = os.path.join(tmp, case)
        r = subprocess.run([sys.executable, os.path.join(os.path.dirname(HERE), "make_variants.py"),
                            path, out], capture_output=True, text=True)
        check(r.returncode == 0, f"{case}: make_variants.py ran"
              + ("" if r.returncode == 0 else f"\n{r.stdout}{r.stderr}"))
        for rtag in (45210, 53300, 53310):
            vpath = os.path.join(out, f"WAVECAR.{rtag}")
            pmv = PmWavecar(vpath)
            check(pmv.vasp_type == pm.vasp_type, f"{case}.{rtag}: pymatgen variant {pmv.vasp_type}")
            err = compare_pm(pmv, ours, f"{case}.{rtag}")
            check(err == 0.0 or (pm.vasp_type == "gam" and err < 1e-7),
                  f"{case}.{rtag}: pymatgen reads same coefficients (max diff {err:.1e})")
            v = W.read_wavecar(vpath)
            same = all(np.array_equal(v.coeffs(s, k, b), ours.coeffs(s, k, b).astype(v.dtype))
                       for s in range(v.nspin) for k in range(v.nkpts) for b in range(v.nbands))
            check(v.rtag == rtag and same, f"{case}.{rtag}: our reader: stored values identical")
        gz = W.read_wavecar(os.path.join(out, "WAVECAR.gz"))
        same = all(np.array_equal(gz.coeffs(s, k, b), ours.coeffs(s, k, b))
                   for s in range(gz.nspin) for k in range(gz.nkpts) for b in range(gz.nbands))
        check(same and np.array_equal(gz.eigs, ours.eigs), f"{case}.gz: identical through gzip")
        if ours.variant == "gamma-x":
            z = W.read_wavecar(os.path.join(out, "WAVECAR.gamma-z"), gamma_half="gamma-z")
            gz_half = z.gvectors(0)
            check(np.all(gz_half[:, 2] >= 0), f"{case}.gamma-z: all stored G_z >= 0 ({len(gz_half)} G)")
            gx_half = ours.gvectors(0)
            worst, norm_err = 0.0, 0.0
            for b in range(ours.nbands):
                g1, c1 = W.gamma_unpack(gx_half, ours.coeffs(0, 0, b).astype(np.complex128))
                g2, c2 = W.gamma_unpack(gz_half, z.coeffs(0, 0, b).astype(np.complex128))
                idx = W.miller_lookup(g2, g1)
                worst = max(worst, np.max(np.abs(c2[idx] - c1)))
                norm_err = max(norm_err, abs(np.sum(np.abs(z.coeffs(0, 0, b)) ** 2)
                                             - np.sum(np.abs(c1) ** 2)))
            check(worst < 1e-7, f"{case}.gamma-z: same full-sphere c(G) (max diff {worst:.1e})")
            check(norm_err < 1e-5, f"{case}.gamma-z: stored sum |C|^2 == full-sphere norm "
                                   f"(max diff {norm_err:.1e})")

    # synthetic file: many bands, few plane waves -> 53300 header spans records
    lat = np.diag([3.0, 3.0, 3.0])
    kpts = [[0.0, 0.0, 0.0], [0.25, 0.0, 0.5]]
    nb = 60
    npw = [len(W.gvectors(lat, 60.0, k)) for k in kpts]
    rng = np.random.default_rng(1)
    coeffs = [[[rng.normal(size=n) + 1j * rng.normal(size=n) for _ in range(nb)] for n in npw]]
    eigs = np.sort(rng.normal(size=(1, 2, nb)), axis=-1)
    occs = np.ones((1, 2, nb))
    path = os.path.join(tmp, "WAVECAR.53300-multirec")
    info = W.write_wavecar(path, lat, 60.0, 0.0, kpts, eigs, occs, coeffs, rtag=53300)
    pm = PmWavecar(path)
    ok = all(np.allclose(pm.coeffs[k][b], coeffs[0][k][b], atol=1e-6) for k in range(2) for b in range(nb))
    ok &= all(np.allclose(pm.band_energy[k][:, 0], eigs[0, k]) for k in range(2))
    check(info["header_records"] > 1 and ok,
          f"synthetic 53300: npw {npw}, reclen {info['reclen']}, {info['header_records']} header records "
          f"per k; pymatgen reads it back")
    print(f"all checks passed (variants in {tmp})")


if __name__ == "__main__":
    main()
