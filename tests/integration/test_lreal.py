#!/usr/bin/env python3
"""LREAL: which projectors a run used, and real-space projections.

Detection (`pawproj info`): the real VASP runs next to the repository say
LREAL = Auto (ga4-spin, ga4-ncl, h-atom: their OUTCARs show
'Optimization of the real space projectors') or .FALSE. (co2-gamma,
mos2-ws2-slab), with the FFT grid of the OUTCAR's first 'dimension x,y,z
NGX' line; a directory with only vasprun.xml gives the same answer; bad
values fail with a message naming the file or option.

Real-space projections (--lreal T) of the shipped GPAW example, whose
WAVECAR is orthonormal with the exact (reciprocal-space) projections: the
grid sum (Ω/N) Σ p~(r-R) psi~(r) is a quadrature of the same integral, so
it must converge to the reciprocal projections as the grid is refined
(error falling at least 4x from 20^3 to 40^3) and give AE norms near 1 on
a fine grid; the same with the POTCAR-layout file of the converter (its
'Real Space Part' table); 1 rank = 2 ranks; `project --lreal T` gives the
band character of the reciprocal projections (1e-4), 1 rank = 2 ranks."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from common import REPO, SHARED_VASP, Checker, run, run_json

c = Checker("lreal")
si8 = os.path.join(REPO, "tests", "data", "si8", "bulk")

if os.path.isdir(SHARED_VASP):
    want = {"ga4-spin": ("Auto", [20, 20, 20]), "ga4-ncl": ("Auto", [30, 30, 30]), "h-atom": ("Auto", [24, 24, 24]),
            "co2-gamma": (".FALSE.", [70, 70, 70]), "mos2-ws2-slab": (".FALSE.", [20, 20, 210])}
    for name, (mode, grid) in want.items():
        info = run_json(["info", os.path.join(SHARED_VASP, name)])
        c.check(info["lreal"] == mode and info["fft_grid"] == grid,
                "%s: LREAL %s on %s (got %s, %s from %s)" % (name, mode, grid, info["lreal"], info["fft_grid"],
                                                              info["lreal_source"]))
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(SHARED_VASP, "ga4-spin")
        for f in ("WAVECAR", "vasprun.xml", "CONTCAR", "KPOINTS"):
            os.symlink(os.path.join(src, f), os.path.join(tmp, f))
        info = run_json(["info", tmp])
        c.check(info["lreal"] == "Auto" and info["fft_grid"] == [20, 20, 20] and "vasprun.xml" in info["lreal_source"],
                "vasprun.xml alone: Auto on 20^3 (%s)" % info["lreal_source"])
        os.unlink(os.path.join(tmp, "vasprun.xml"))
        # Weights from an IBZKPT, so that the OUTCAR is read for LREAL only
        # (an OUTCAR without its k-point list is no weight source: kweights.h).
        with open(os.path.join(tmp, "IBZKPT"), "w") as f:
            f.write("Automatic\n 2\nReciprocal lattice\n 0.25 0.25 0.25 1\n -0.25 0.25 0.25 1\n")
        with open(os.path.join(tmp, "OUTCAR"), "w") as f:
            f.write(" header\n   LREAL  =      X    real-space projection\n")
        p = run(["info", tmp], check=False)
        c.check(p.returncode != 0 and "OUTCAR" in p.stderr and "'X'" in p.stderr,
                "malformed LREAL in OUTCAR: one clear message: %s" % p.stderr.strip())
else:
    print("note: shared VASP data not found; detection on real runs not checked")

p = run(["norms", si8, "--lreal", "sometimes"], check=False)
c.check(p.returncode != 0 and "--lreal" in p.stderr and "sometimes" in p.stderr,
        "bad --lreal value: %s" % p.stderr.strip())
p = run(["norms", si8, "--lreal", "T", "--proj-grid", "20,20"], check=False)
c.check(p.returncode != 0 and "--proj-grid" in p.stderr, "bad --proj-grid: %s" % p.stderr.strip())
out = run(["norms", si8, "--json", "-"]).stdout
c.check(json.loads(out)["lreal"] == ".FALSE.", "the shipped example (no OUTCAR) defaults to .FALSE.")
# Auto: VASP's optimised real-space projectors are stored nowhere, so the
# reciprocal ones are used (lreal.h), said so, and give the same numbers as
# .FALSE.; --lreal T still forces the real-space table.
p = run(["norms", si8, "--lreal", "Auto", "--proj-grid", "24,24,24", "--json", "-"])
c.check("Auto" in p.stderr and "reciprocal-space projectors" in p.stderr and "--lreal T" in p.stderr,
        "--lreal Auto is announced as reciprocal, with the way to force real space: %s" % p.stderr.strip())
c.check(json.loads(p.stdout)["bands"] == json.loads(out)["bands"], "--lreal Auto: norms equal those of .FALSE.")
with tempfile.TemporaryDirectory() as tmp:
    run_dir = os.path.join(tmp, "run")
    shutil.copytree(si8, run_dir)
    with open(os.path.join(run_dir, "OUTCAR"), "w") as f:
        f.write(" vasp.6.3.0 18Jan22 (build Mar 11 2022 13:48:16) complex\n"
                "   LREAL  =      T    real-space projection\n"
                " Optimization of the real space projectors (new method)\n")
    info = run_json(["info", run_dir])
    c.check(info["lreal"] == "Auto" and info["projections"].startswith("reciprocal-space"),
            "an Auto run (OUTCAR): info says reciprocal-space projections: %s / %s" % (info["lreal"], info["projections"]))
    p = run(["norms", run_dir, "--json", "-"])
    c.check(json.loads(p.stdout)["bands"] == json.loads(out)["bands"] and "reciprocal-space" in p.stderr,
            "an Auto run (OUTCAR): norms take the reciprocal path and say so: %s" % p.stderr.strip())


def projections(tmp, tag, extra, nranks=1):
    h5 = os.path.join(tmp, tag + ".h5")
    js = os.path.join(tmp, tag + ".json")
    run(["norms", si8, "--h5", h5, "--json", js] + extra, nranks)
    with h5py.File(h5, "r") as f:
        P = f["projections"][...]
    norms = json.load(open(js))
    worst = max(max(abs(b["ae_norm"] - 1) for b in norms["bands"]), max(max(x) for x in norms["max_offdiag"]))
    return P, worst


with tempfile.TemporaryDirectory() as tmp:
    conv = os.path.join(REPO, "scripts", "pawproj_tools", "pawxml_to_potcar.py")
    pot = os.path.join(tmp, "POTCAR")
    subprocess.run([sys.executable, conv, os.path.join(si8, "dataset_Si.xml"), "-o", pot], check=True,
                   capture_output=True)
    for label, ds in (("PAW-XML", []), ("POTCAR", ["--datasets", pot])):
        ref, _ = projections(tmp, "rec" + label, ds)
        err = {}
        for n in (20, 40, 64):
            P, worst = projections(tmp, "%s%d" % (label, n), ds + ["--lreal", "T", "--proj-grid", "%d,%d,%d" % (n, n, n)])
            err[n] = (np.abs(P - ref).max() / np.abs(ref).max(), worst)
        c.check(err[40][0] < err[20][0] / 4 and err[64][0] < 1e-4,
                "%s: real-space projections converge to the reciprocal ones: relative error %s"
                % (label, ", ".join("%d^3 %.1e" % (n, e[0]) for n, e in err.items())))
        c.check(err[64][1] < 5e-6, "%s: AE orthonormality with real-space projections on 64^3: %.1e (20^3: %.1e)"
                % (label, err[64][1], err[20][1]))
    # project with real-space projectors on both runs (bulk and defect p~
    # columns in real space, the phi - phit columns in reciprocal space).
    vac = os.path.join(REPO, "tests", "data", "si8", "vacancy")

    def character(extra, nranks):
        out = run(["project", "--bulk", si8, "--defect", vac, "--datasets", si8, "--bands", "1-22", "--json", "-"]
                  + extra, nranks).stdout
        return np.array([(b["valence"], b["conduction"]) for b in json.loads(out)["bands"]])

    rec = character([], 2)
    rs1 = character(["--lreal", "T", "--proj-grid", "40,40,40"], 1)
    rs2 = character(["--lreal", "T", "--proj-grid", "40,40,40"], 2)
    c.check(np.abs(rs1 - rec).max() < 1e-4,
            "project --lreal T: band character = the reciprocal one to %.1e" % np.abs(rs1 - rec).max())
    c.check(np.abs(rs1 - rs2).max() < 1e-12, "project --lreal T: 1 rank = 2 ranks")
    P1, _ = projections(tmp, "r1", ["--lreal", "T", "--proj-grid", "30,30,30"], 1)
    P2, _ = projections(tmp, "r2", ["--lreal", "T", "--proj-grid", "30,30,30"], 2)
    c.check(np.abs(P1 - P2).max() < 1e-12, "real-space projections: 1 rank = 2 ranks")
c.close()
