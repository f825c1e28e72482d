#!/usr/bin/python3
"""Write a large synthetic WAVECAR + POSCAR for benchmarking pawproj.

Usage:  make_synthetic.py OUTDIR [--atoms 512] [--bands 1000] [--encut 300]
                                 [--kpoints 3] [--seed 1]

OUTDIR/WAVECAR  standard (rtag 45200, complex64) WAVECAR of a cubic diamond
                Si supercell (n x n x n conventional cells, 8 n^3 = --atoms,
                a = n x 5.43 A).  K-points: Gamma, then non-Gamma points
                (0.25,0,0), (0.25,0.25,0), (0.25,0.25,0.25), (0.5,0,0), ...
                Coefficients: random phases and Gaussian amplitudes with a
                decay exp(-E_kin(G) / (ENCUT/6)) (about e^-6 at the cutoff),
                band-independent shape, each band normalised to 1.
                Eigenvalues increase with band index (valence -12 ... 0 eV,
                conduction 1 ... 6 eV, small jitter); occupations 1 for the
                lower half, 0 above; E_Fermi in the gap.
OUTDIR/POSCAR   the matching 8 n^3-atom diamond Si cell (same lattice).
OUTDIR/synthetic.json  parameters, plane-wave counts, size and write time.

The write streams one band record at a time (memory is a few band
records, independent of the file size); progress goes to stderr.  With
the defaults the file is about 2.9 GB; "--bands 200 --encut 200" gives a
~0.3 GB file for quick runs.

Writing uses scripts/pawproj_tools/wavecar.py (write_wavecar with a
per-band callable, i.e. streaming); the plane-wave sphere (npw) follows
VASP's rule |(k+G)B|^2 / 0.262465831 < ENCUT, as pawproj checks.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pawproj_tools import wavecar as W  # noqa: E402

A_SI = 5.43  # Å, conventional cubic cell of diamond Si

# Gamma first, then non-Gamma points of the simple-cubic supercell BZ.
KPOINT_LIST = [
    (0.0, 0.0, 0.0),
    (0.25, 0.0, 0.0),
    (0.25, 0.25, 0.0),
    (0.25, 0.25, 0.25),
    (0.5, 0.0, 0.0),
    (0.5, 0.5, 0.0),
    (0.5, 0.5, 0.5),
    (0.0, 0.25, 0.0),
]

# Fractional positions of the 8 atoms of the conventional diamond cell.
DIAMOND8 = np.array([
    (0.00, 0.00, 0.00), (0.00, 0.50, 0.50), (0.50, 0.00, 0.50), (0.50, 0.50, 0.00),
    (0.25, 0.25, 0.25), (0.25, 0.75, 0.75), (0.75, 0.25, 0.75), (0.75, 0.75, 0.25),
])


def supercell_size(atoms: int) -> int:
    n = round((atoms / 8) ** (1.0 / 3.0))
    if n < 1 or 8 * n ** 3 != atoms:
        raise SystemExit(f"--atoms {atoms}: must be 8 n^3 (8, 64, 216, 512, 1000, ...)")
    return n


def write_poscar(path: str, n: int) -> None:
    a = n * A_SI
    cells = np.array([(i, j, k) for i in range(n) for j in range(n) for k in range(n)], float)
    pos = ((cells[:, None, :] + DIAMOND8[None, :, :]) / n).reshape(-1, 3)
    with open(path, "w") as f:
        f.write(f"Si{8 * n ** 3} diamond {n}x{n}x{n} supercell (synthetic benchmark)\n")
        f.write("1.0\n")
        for i in range(3):
            row = [0.0, 0.0, 0.0]
            row[i] = a
            f.write("  %.10f %.10f %.10f\n" % tuple(row))
        f.write("Si\n%d\nDirect\n" % len(pos))
        for p in pos:
            f.write("  %.10f %.10f %.10f\n" % tuple(p))


def human(nbytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if nbytes < 1000 or unit == "TB":
            return f"{nbytes:.2f} {unit}" if unit != "B" else f"{int(nbytes)} B"
        nbytes /= 1000.0
    return ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", help="output directory (created if missing)")
    ap.add_argument("--atoms", type=int, default=512, help="8 n^3 Si atoms (default 512)")
    ap.add_argument("--bands", type=int, default=1000, help="bands per k-point (default 1000)")
    ap.add_argument("--encut", type=float, default=300.0, help="ENCUT in eV (default 300)")
    ap.add_argument("--kpoints", type=int, default=3,
                    help=f"k-points, Gamma first (1..{len(KPOINT_LIST)}, default 3)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    if not 1 <= args.kpoints <= len(KPOINT_LIST):
        ap.error(f"--kpoints must be 1..{len(KPOINT_LIST)}")
    if args.bands < 2:
        ap.error("--bands must be >= 2")
    if not args.encut > 0:
        ap.error("--encut must be > 0")

    n = supercell_size(args.atoms)
    a = n * A_SI
    lattice = np.diag([a, a, a])
    kpts = np.array(KPOINT_LIST[: args.kpoints], dtype=float)
    nb, nk = args.bands, args.kpoints
    os.makedirs(args.outdir, exist_ok=True)
    wpath = os.path.join(args.outdir, "WAVECAR")
    t_start = time.time()

    # Per k: kinetic energy of every G (file order) -> amplitude envelope.
    b = W.reciprocal(lattice)
    envelope = []
    for k in kpts:
        g = W.gvectors(lattice, args.encut, k, "standard")
        q = (g + k) @ b
        ekin = np.einsum("ij,ij->i", q, q) / W.HSQ_2M
        envelope.append(np.exp(-ekin / (args.encut / 6.0)).astype(np.float32))
    npw = [len(e) for e in envelope]
    reclen = W.default_reclen(max(npw), nb, 45200)
    nrec = 2 + nk * (1 + nb)
    total = nrec * reclen

    # Eigenvalues: increasing; valence -12 .. 0 eV, conduction 1 .. 6 eV
    # (a 1 eV gap), a small jitter and a slight k dispersion.
    rng = np.random.default_rng(args.seed)
    nocc = nb // 2
    base = np.concatenate((np.linspace(-12.0, 0.0, nocc), np.linspace(1.0, 6.0, nb - nocc)))
    eigs = np.sort(base[None, :] + rng.uniform(-0.002, 0.002, (nk, nb)), axis=1)
    eigs += 0.05 * np.arange(nk)[:, None]
    occs = np.zeros((nk, nb))
    occs[:, :nocc] = 1.0
    efermi = 0.5 * (eigs[:, nocc - 1].max() + eigs[:, nocc].min())

    if not args.quiet:
        print(f"[make_synthetic] Si{args.atoms} a = {a:.4f} A, ENCUT {args.encut:g} eV, "
              f"{nk} k-point(s), {nb} bands, npw {npw}, reclen {reclen} B, "
              f"file {human(total)} -> {wpath}", file=sys.stderr)

    state = {"done": 0, "last": time.time()}
    nbands_total = nk * nb

    def coeffs(s, ik, ib):
        env = envelope[ik]
        x = rng.standard_normal(2 * len(env), dtype=np.float32).view(np.complex64)
        x *= env
        x *= np.float32(1.0 / math.sqrt(float(np.vdot(x, x).real)))
        state["done"] += 1
        now = time.time()
        if not args.quiet and (now - state["last"] > 5.0 or state["done"] == nbands_total):
            state["last"] = now
            frac = state["done"] / nbands_total
            el = now - t_start
            print(f"[make_synthetic] {state['done']}/{nbands_total} bands "
                  f"({100 * frac:.0f}%), {human(frac * total)} in {el:.1f} s, "
                  f"{frac * total / 1e6 / max(el, 1e-9):.0f} MB/s", file=sys.stderr)
        return x

    info = W.write_wavecar(wpath, lattice, args.encut, efermi, kpts, eigs[None], occs[None],
                           coeffs, rtag=45200, variant="standard", reclen=reclen)
    write_poscar(os.path.join(args.outdir, "POSCAR"), n)
    elapsed = time.time() - t_start
    size = os.path.getsize(wpath)
    if size != total:
        raise SystemExit(f"internal error: wrote {size} bytes, expected {total}")
    meta = {
        "atoms": args.atoms, "supercell": n, "a_angstrom": a, "bands": nb, "encut": args.encut,
        "kpoints": kpts.tolist(), "seed": args.seed, "npw": npw, "reclen": info["reclen"],
        "size_bytes": size, "write_seconds": round(elapsed, 3),
        "write_MB_per_s": round(size / 1e6 / elapsed, 1),
    }
    with open(os.path.join(args.outdir, "synthetic.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(f"wrote {wpath}: {size} bytes ({human(size)}) in {elapsed:.1f} s "
          f"({size / 1e6 / elapsed:.0f} MB/s); POSCAR with {args.atoms} atoms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
