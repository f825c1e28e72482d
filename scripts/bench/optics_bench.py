#!/usr/bin/python3
"""Benchmark of `pawproj optics` (issue 14): the throughput of the momentum
stage against the ZGEMM peak of the same machine and shape, on 1, 2 and 4
ranks.

Usage:  optics_bench.py [--bands 1000] [--atoms 64] [--encut 300]
                        [--workdir DIR] [--pawproj PATH] [--json FILE]

Data: one synthetic WAVECAR (make_synthetic.py: Si, Gamma only), method
pseudo (the plane-wave products are the whole cost). For each rank count R:
`mpirun -n R pawproj optics D --bands 1-N --method pseudo`, its "stage
momentum ... GFLOP, ... GFLOP/s" line (flops counted as 8·m·n·k per product,
3 directions), and zgemm_peak.c on R ranks for the shape one ring step
multiplies (m = n = N / R, k = npw). The rest of the stage (the (k+G)_v
weighting of the slice in hand, the ring messages) is what the fraction
below 1 measures. Markdown table on stdout, the numbers in the JSON file.
"""
import json
import os
import re
import subprocess
import sys

from benchcommon import env, mpirun, setup


def main():
    args, work, data, npw, tool = setup(__doc__, 1000, "pawproj-optics-bench-")
    rows = []
    for n in [int(x) for x in args.ranks.split(",")]:
        p = subprocess.run(mpirun(n, [args.pawproj, "optics", data, "--bands", "1-%d" % args.bands, "--method",
                                      "pseudo", "--pairs", "1-1", "--json", os.path.join(work, "o.json")]),
                           capture_output=True, text=True, env=env())
        if p.returncode != 0:
            sys.exit("pawproj optics on %d ranks failed:\n%s" % (n, p.stderr[-2000:]))
        g = re.search(r"stage momentum\s+([0-9.]+) s\s+([0-9.e+-]+) GFLOP", p.stderr)
        side = -(-args.bands // n)
        q = subprocess.run(mpirun(n, [tool, "--m", str(side), "--n", str(side), "--k", str(npw), "--reps", "3",
                                      "--trans", "C", "--label", "optics"]),
                           capture_output=True, text=True, env=env())
        pk = re.search(r"gflops=([0-9.]+)", q.stdout)
        secs, gflop = float(g.group(1)), float(g.group(2))
        row = {"ranks": n, "gflop": gflop, "stage_s": secs, "gflops": gflop / secs,
               "zgemm_peak_gflops": float(pk.group(1)) if pk else None}
        row["fraction_of_peak"] = row["gflops"] / row["zgemm_peak_gflops"] if pk else None
        rows.append(row)
        print("[bench] %d rank(s): %.1f GFLOP/s = %.0f %% of ZGEMM peak %.1f" %
              (n, row["gflops"], 100 * (row["fraction_of_peak"] or 0), row["zgemm_peak_gflops"] or 0),
              file=sys.stderr)
    print("| ranks | momentum stage | GFLOP/s | ZGEMM peak GFLOP/s (one ring step's shape) | fraction | speed-up vs 1 |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| %d | %.2f s | %.1f | %.1f | %.0f %% | %.2f |" % (r["ranks"], r["stage_s"], r["gflops"],
              r["zgemm_peak_gflops"] or 0, 100 * (r["fraction_of_peak"] or 0), rows[0]["stage_s"] / r["stage_s"]))
    if args.json:
        json.dump({"bands": args.bands, "atoms": args.atoms, "encut": args.encut, "npw": npw, "rows": rows},
                  open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
