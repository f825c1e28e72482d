#!/usr/bin/python3
"""Write an open PAW-XML dataset (GPAW's gpaw-data, ABINIT, atompaw) in the
layout of a VASP POTCAR, so pawproj's POTCAR reader can be tested against
its PAW-XML reader on the same dataset (VASP's own POTCARs are licensed and
never used here).

Only the sections pawproj reads are written; VASP itself could not run
with the result (no local potential, no core charge, D_ij = 0):

  title, ZVAL, header (TITEL, POMASS/ZVAL, ENMAX, RCORE), GMAX line,
  per l a "Non local Part" (l, projectors, real-space cutoff, D_ij) with
  each projector's "Reciprocal Space Part" (N points on q_i = i*GMAX/N,
  1/A) and "Real Space Part" (N points on r_i = i*RMAX/N, A),
  "PAW radial sets": grid size, "grid" (A), and per channel "pseudo
  wavefunction" and "ae wavefunction" as r*phi(r), "End of Dataset".

The radial sets are resampled onto a logarithmic grid r_i = r_1 e^(h i)
(N points, odd, --log-grid), as every VASP POTCAR has: pawproj, like VASP,
integrates Q_ij by Simpson's rule in the index of that grid. The pseudo wave
and the difference AE - pseudo are interpolated separately, and the
difference is set to exactly zero beyond the last radius where it is
non-zero, so that AE = pseudo outside the sphere, as in the XML.

Conventions (see include/pawproj/io/potcar.h): the reciprocal table is
f_V(q) = 4 pi a0^(3/2) int r^2 j_l(q r) p(r) dr in A units, so that
<p|psi> = Omega_A^(-1/2) sum_G C_G i^l Y_lm f_V(|k+G|) e^(i q.R).
Channels are grouped by l (as VASP does), so their order can differ from
the XML's; --order prints the XML channel index of each POTCAR channel.

Usage: pawxml_to_potcar.py XML [XML ...] -o POTCAR [--gmax 15] [--npts 100]
"""
import argparse
import math
import os
import re
import sys

import numpy as np
from scipy.interpolate import CubicSpline

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from pawproj_tools.paw import form_factor, read_pawxml  # noqa: E402

A0 = 0.529177210903  # A per Bohr


def block(values):
    lines = []
    for i in range(0, len(values), 5):
        lines.append("  " + "  ".join("%.12E" % v for v in values[i:i + 5]))
    return "\n".join(lines)


def write_set(ds, gmax_A, npts, enmax, src, nlog=801):
    ch = ds["chans"]
    order = sorted(range(len(ch)), key=lambda j: (ch[j]["l"], j))
    r_b = ds["r"]
    # The projectors' reach sets the real-space cutoff (as VASP's RMAX).
    last = max(np.nonzero(c["pt"])[0][-1] for c in ch)
    rmax_A = r_b[last] * A0 * 1.0001
    rcore_A = max(c["rc"] for c in ch) * A0 or rmax_A
    q_A = np.arange(npts) * gmax_A / npts
    rr_A = np.arange(npts) * rmax_A / npts
    out = ["  PAW_GPAW %s converted" % ds["symbol"], "  %.12f" % ds["zval"],
           " parameters from PSCTR are:",
           "   TITEL  = PAW_GPAW %s converted from %s" % (ds["symbol"], src),
           "   POMASS =    1.000; ZVAL   =   %.3f    mass and valenz" % ds["zval"],
           "   ENMAX  =  %.3f; ENMIN  =  %.3f eV" % (enmax, 0.75 * enmax),
           "   RCORE  =    %.3f    outmost cutoff radius" % rcore_A,
           " END of PSCTR-controll parameters",
           "     %.12f     T" % gmax_A]
    for l in sorted({c["l"] for c in ch}):
        js = [j for j in order if ch[j]["l"] == l]
        out.append(" Non local Part")
        out.append("  %11d  %11d  %.12f" % (l, len(js), rmax_A))
        out.append(block([0.0] * (len(js) ** 2)))
        for j in js:
            c = ch[j]
            # f(q) = int r^2 j_l(q r) p(r) dr on the dataset's grid (Bohr)
            f = form_factor(l, q_A * A0, r_b, c["pt"], ds["dr"])
            out.append(" Reciprocal Space Part")
            out.append(block(4 * math.pi * A0 ** 1.5 * f))
            out.append(" Real Space Part")
            # cubic interpolation: linear would leave ~2e-4 of the projector's curvature
            out.append(block(CubicSpline(r_b, c["pt"])(rr_A / A0) * A0 ** -1.5))
    keep = r_b > 0
    r_log = r_b[keep][0] * np.exp(np.arange(nlog) * np.log(r_b[keep][-1] / r_b[keep][0]) / (nlog - 1))
    r_log[-1] = r_b[keep][-1]
    out.append(" PAW radial sets")
    out.append("  %d  %.12f" % (nlog, rcore_A))
    out.append(" grid")
    out.append(block(r_log * A0))
    for j in order:
        c = ch[j]
        u_ps = r_b * c["phit"]
        du = r_b * (c["phi"] - c["phit"])
        nz = np.nonzero(du)[0]
        r_end = r_b[nz[-1]] if len(nz) else 0.0
        ps = CubicSpline(r_b, u_ps)(r_log)
        d = np.where(r_log <= r_end, CubicSpline(r_b, du)(r_log), 0.0)
        out.append(" pseudo wavefunction")
        out.append(block(ps * A0 ** -0.5))
        out.append(" ae wavefunction")
        out.append(block((ps + d) * A0 ** -0.5))
    out.append(" End of Dataset")
    return "\n".join(out) + "\n", order


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("xml", nargs="+", help="PAW-XML datasets, POSCAR species order")
    ap.add_argument("-o", "--out", required=True, help="POTCAR-layout file to write")
    ap.add_argument("--gmax", type=float, default=15.0, help="reciprocal table cutoff, 1/A (15)")
    ap.add_argument("--npts", type=int, default=100, help="points per projector table (100, as VASP)")
    ap.add_argument("--log-grid", type=int, default=801,
                    help="points of the logarithmic radial grid (odd, 801)")
    ap.add_argument("--enmax", type=float, default=250.0, help="ENMAX written to the header, eV")
    ap.add_argument("--order", action="store_true", help="print each POTCAR channel's XML index")
    a = ap.parse_args(argv)
    text = ""
    for path in a.xml:
        t, order = write_set(read_pawxml(path), a.gmax, a.npts, a.enmax, re.sub(r".*/", "", path), a.log_grid)
        text += t
        if a.order:
            print(" ".join(map(str, order)))
    with open(a.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
