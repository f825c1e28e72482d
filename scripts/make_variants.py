#!/usr/bin/python3
"""Re-write a real WAVECAR in the WAVECAR variants we have no real file for.

Usage:  make_variants.py [--gamma-half x|z] SRC_WAVECAR OUTDIR

Writes into OUTDIR (same wavefunctions, same header values):

  WAVECAR.45210    double-precision coefficients (complex64 values upcast)
  WAVECAR.53300    VASP 6 tag, single precision; record length set by the
                   coefficient records only (k header may span records)
  WAVECAR.53310    VASP 6 tag, double precision
  WAVECAR.gamma-z  only for a Gamma-only source: the same state re-stored in
                   the VASP <= 5.2 half sphere (G_z >= 0), sqrt(2) convention
  WAVECAR.gz       gzip of the source file, byte for byte

The source may be standard, noncollinear or Gamma-only (rtag 45200 or any
other tag; plain or gzip).  A Gamma-only source is taken to be in the
VASP >= 5.4 half (G_x >= 0) unless --gamma-half z is given (then the
converted file is WAVECAR.gamma-x).
"""

import argparse
import gzip
import os
import shutil
import sys
import time


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pawproj_tools import wavecar as W  # noqa: E402


def rewrite(src: W.Wavecar, out: str, rtag: int, variant: str, convert=None) -> dict:
    """Write the bands of ``src`` to ``out`` with the given tag and variant.

    ``convert(k, c)`` maps stored coefficients of k-point k to the new
    variant's stored coefficients (default: unchanged)."""
    eigs = src.eigs + 1j * src.eigs_imag

    def coeffs(s, k, b):
        c = src.coeffs(s, k, b)
        return c if convert is None else convert(k, c)

    return W.write_wavecar(out, src.lattice, src.encut, src.efermi, src.kpoints, eigs,
                           src.occs, coeffs, rtag=rtag, variant=variant)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", help="source WAVECAR (plain or gzip)")
    ap.add_argument("outdir", help="output directory (created if missing)")
    ap.add_argument("--gamma-half", choices=("x", "z"), default="x",
                    help="half sphere of a Gamma-only source (default x: VASP >= 5.4)")
    args = ap.parse_args(argv)

    t0 = time.time()
    os.makedirs(args.outdir, exist_ok=True)
    src = W.read_wavecar(args.src, gamma_half="gamma-" + args.gamma_half)
    print(f"{args.src}: rtag {src.rtag}, {src.variant}, nspin {src.nspin}, "
          f"{src.nkpts} k-points, {src.nbands} bands, npw {src.npw.tolist()}, reclen {src.reclen}")

    def report(name, info, note):
        path = os.path.join(args.outdir, name)
        print(f"wrote {path}: {note}; reclen {info['reclen']}, "
              f"{info['header_records']} header record(s) per k, {os.path.getsize(path)} bytes")

    with src:
        for rtag in (45210, 53300, 53310):
            if rtag == src.rtag:
                continue
            name = f"WAVECAR.{rtag}"
            info = rewrite(src, os.path.join(args.outdir, name), rtag, src.variant)
            report(name, info, f"rtag {rtag}, {src.variant}")

        if src.variant.startswith("gamma"):
            other = "gamma-z" if src.variant == "gamma-x" else "gamma-x"
            g_from = src.gvectors(0)
            g_to = W.gvectors(src.lattice, src.encut, src.kpoints[0], other)

            def convert(k, c):
                g_full, c_full = W.gamma_unpack(g_from, c)
                return W.gamma_pack(g_full, c_full, g_to)

            name = f"WAVECAR.{other}"
            info = rewrite(src, os.path.join(args.outdir, name), src.rtag, other, convert)
            report(name, info, f"rtag {src.rtag}, {other} (same state, other half sphere)")

    name = "WAVECAR.gz"
    with W._open_read(args.src) as fin, gzip.open(os.path.join(args.outdir, name), "wb") as fout:
        shutil.copyfileobj(fin, fout)
    print(f"wrote {os.path.join(args.outdir, name)}: gzip of the source, "
          f"{os.path.getsize(os.path.join(args.outdir, name))} bytes")
    print(f"done in {time.time() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
