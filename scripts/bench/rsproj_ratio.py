#!/usr/bin/python3
"""Real-space vs reciprocal projection time on the MoS2/WS2 slab (or another run).

Usage:  rsproj_ratio.py [--pawproj PATH ...] [--data DIR] [--species Mo,S,Se,W]
                        [--proj-grid NX,NY,NZ] [--reps 3] [--runs 5] [--json FILE]

The measurement of docs/performance.md, "Real space", issue 10 point 4:
`pawproj norms DIR --datasets Mo=…,S=…,Se=…,W=… --lreal F|T` on the shared
mos2-ws2-slab WAVECAR (9 atoms, 3 k-points, 32 bands, LREAL = .TRUE. run on
a 20 × 20 × 210 grid) with GPAW's PBE datasets of Mo, S, Se, W as stand-ins
for the run's POTCAR (never read here), 1 rank, one BLAS/OpenMP thread. The
number is the stage "project" time (projections only: no read, no Gram
matrix), reciprocal (--lreal F) and real space (--lreal T). Another run:
--data DIR with --species (GPAW's PBE datasets of those elements) and, when
DIR has no OUTCAR/vasprun.xml naming its grid, --proj-grid (e.g. a synthetic
Si supercell from make_synthetic.py with --species Si: large cells are where
real-space projectors pay, their spheres being a small part of the cell).

The machine's cores are shared, so one repetition waits until other
processes use less than 0.25 cores (at most 30 s), then runs the two modes
alternately --runs times and keeps the fastest of each (noise only slows a
run down); its result is the ratio real space / reciprocal of those. This is
repeated --reps times, and the CPU time other processes used during each
repetition is recorded ("foreign_cores"). Several --pawproj executables (e.g.
a build before and after a change) are measured alternately in the same
repetition, so that they see the same machine.

Prints a markdown table; all times go to --json (default: a file in the
system's temporary directory, named on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_all as ra  # noqa: E402  (its runner, quiet wait and stage parser)

DATA = os.path.join(ra.REPO, "..", "shared", "data", "vasp", "mos2-ws2-slab")
SETUPS = "/usr/share/gpaw-setups"
SPECIES = ("Mo", "S", "Se", "W")


def norms_once(pawproj: str, data: str, lreal: str, tmp: str, species=SPECIES, grid=None) -> dict:
    spec = ",".join(f"{s}={SETUPS}/{s}.PBE.gz" for s in species)
    out = os.path.join(tmp, f"norms-{lreal}.json")  # a real file: outputs are never /dev/*
    args = [pawproj, "norms", data, "--datasets", spec, "--lreal", lreal, "--json", out]
    if grid and lreal == "T":
        args += ["--proj-grid", grid]
    r = ra.run(ra.mpirun(1, args), env=ra.mpi_env(1), timeout=600, label=f"norms --lreal {lreal}")
    if r["rc"] != 0:
        raise SystemExit(f"pawproj norms --lreal {lreal} failed:\n{r['stderr'][-2000:]}")
    st = ra.parse_stages(r["stderr"]).get("project")
    if not st:
        raise SystemExit("no 'stage project' line in pawproj's output")
    return {"seconds": st["seconds"], "foreign_cores": r["foreign_cores"]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pawproj", action="append", help="executable (repeatable; default REPO/build/src/pawproj)")
    ap.add_argument("--data", default=DATA, help="the slab's directory (default: %(default)s)")
    ap.add_argument("--species", default=",".join(SPECIES), help="elements of the run (default: %(default)s)")
    ap.add_argument("--proj-grid", default=None, help="real-space grid NX,NY,NZ (default: the run's)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    ap.add_argument("--runs", type=int, default=5, help="runs per mode and executable in a repetition (default 5)")
    ap.add_argument("--json", help="results file")
    args = ap.parse_args(argv)
    exes = [os.path.abspath(p) for p in (args.pawproj or [os.path.join(ra.REPO, "build", "src", "pawproj")])]
    for e in exes:
        if not os.access(e, os.X_OK):
            raise SystemExit(f"{e}: not an executable")
    if not os.path.isfile(os.path.join(args.data, "WAVECAR")):
        raise SystemExit(f"{args.data}: no WAVECAR")
    ra.QUIET.update(max_wait=30.0, min_samples=2)
    species = tuple(args.species.split(","))
    res = {"data": os.path.abspath(args.data), "datasets": f"GPAW {', '.join(species)} PBE ({SETUPS})",
           "proj_grid": args.proj_grid,
           "ranks": 1, "threads": 1, "runs": args.runs, "started": time.strftime("%Y-%m-%d %H:%M:%S"),
           "executables": exes, "reps": []}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.reps):
            before = ra.wait_quiet()
            times = {e: {"F": [], "T": []} for e in exes}
            foreign = []
            for _ in range(args.runs):
                for e in exes:
                    for mode in ("F", "T"):
                        r = norms_once(e, args.data, mode, tmp, species, args.proj_grid)
                        times[e][mode].append(r["seconds"])
                        foreign.append(r["foreign_cores"])
            row = {"foreign_before": before, "foreign_cores_max": max(foreign),
                   "foreign_cores_mean": round(statistics.mean(foreign), 2), "by_exe": {}}
            for e in exes:
                f, t = min(times[e]["F"]), min(times[e]["T"])
                row["by_exe"][e] = {"reciprocal_s": times[e]["F"], "real_space_s": times[e]["T"],
                                    "reciprocal_min": f, "real_space_min": t, "ratio": round(t / f, 2)}
            res["reps"].append(row)
            ra.log(f"repetition {rep + 1}: " + ", ".join(
                f"{e}: {row['by_exe'][e]['ratio']}×"
                for e in exes))
    path = args.json or os.path.join(tempfile.gettempdir(), f"rsproj_ratio-{int(time.time())}.json")
    with open(path, "w") as fh:
        json.dump(res, fh, indent=1)
    ra.log(f"results: {path}")
    print("| repetition | executable | reciprocal, s (min of %d) | real space, s (min of %d) | ratio | "
          "other processes, cores (mean / max) |" % (args.runs, args.runs))
    print("|---|---|---|---|---|---|")
    for i, row in enumerate(res["reps"]):
        for e in exes:
            x = row["by_exe"][e]
            print(f"| {i + 1} | {e} | {x['reciprocal_min']:.3f} | {x['real_space_min']:.3f} | {x['ratio']:.2f} | "
                  f"{row['foreign_cores_mean']} / {row['foreign_cores_max']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
