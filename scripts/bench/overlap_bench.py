#!/usr/bin/python3
"""Benchmark of `pawproj overlap` (issue 13): the throughput of the
full overlap matrix against the ZGEMM peak of the same machine and shape,
and the per-rank memory of the matrix on 1, 2 and 4 ranks.

Usage:  overlap_bench.py [--bands 2000] [--atoms 64] [--encut 300]
                         [--workdir DIR] [--pawproj PATH] [--json FILE]

Data: one synthetic WAVECAR (make_synthetic.py: Si, Gamma only, --bands
bands) used as bra and ket (method pseudo: the plane-wave product is the
whole cost; the PAW sides add ncol << npw rows). For each rank count R:
`mpirun -n R pawproj overlap --bra D --ket D --method pseudo --svd
--mem-report` on a near-square BLACS grid, its "product: ... GFLOP in ... s"
line and the pool "matrix" of its memory report (the matrices S on both
grids, the SVD's copy and work space). The peak: zgemm_peak.c on R ranks,
each multiplying A^H B of the shape one rank has in the overlap
(m = bands, n = bands / R, k = npw). Markdown table on stdout, all numbers
in the JSON file.
"""
import json
import re
import subprocess
import sys

from benchcommon import env, mpirun, setup


def to_bytes(value, unit):
    return float(value) * {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}[unit]


def main():
    args, work, data, npw, tool = setup(__doc__, 2000, "pawproj-ovl-bench-")
    rows = []
    for n in [int(x) for x in args.ranks.split(",")]:
        p = subprocess.run(mpirun(n, [args.pawproj, "overlap", "--bra", data, "--ket", data, "--method", "pseudo",
                                      "--svd", "--mem-report"]), capture_output=True, text=True, env=env())
        if p.returncode != 0:
            sys.exit("pawproj overlap on %d ranks failed:\n%s" % (n, p.stderr[-2000:]))
        out = p.stdout + p.stderr
        g = re.search(r"product: ([0-9.e+-]+) GFLOP in ([0-9.]+) s", out)
        mem = re.search(r"ovlmatrix\s+matrix\s+([0-9.]+) (B|KiB|MiB|GiB)\s+([0-9.]+) (B|KiB|MiB|GiB)\s+"
                        r"([0-9.]+) (B|KiB|MiB|GiB)", out)
        ring = re.search(r"ovlmatrix\s+ket-ring\s+[0-9.]+ (?:B|KiB|MiB|GiB)\s+[0-9.]+ (?:B|KiB|MiB|GiB)\s+"
                         r"([0-9.]+) (B|KiB|MiB|GiB)", out)
        wall = re.search(r"stage ovlmatrix\s+([0-9.]+) s", out)
        grid = re.search(r"(\d+) × (\d+) BLACS grid", out)
        q = subprocess.run(mpirun(n, [tool, "--m", str(args.bands), "--n", str(-(-args.bands // n)), "--k",
                                      str(npw), "--reps", "3", "--trans", "C", "--label", "overlap"]),
                           capture_output=True, text=True, env=env())
        pk = re.search(r"gflops=([0-9.]+)", q.stdout)
        gflop, secs = float(g.group(1)), float(g.group(2))
        row = {"ranks": n, "grid": "%sx%s" % grid.groups() if grid else "?", "gflop": gflop, "product_s": secs,
               "product_gflops": gflop / secs, "zgemm_peak_gflops": float(pk.group(1)) if pk else None,
               "matrix_bytes_max": to_bytes(mem.group(5), mem.group(6)) if mem else None,
               "ring_bytes_max": to_bytes(ring.group(1), ring.group(2)) if ring else 0,
               "stage_s": float(wall.group(1)) if wall else None}
        row["fraction_of_peak"] = row["product_gflops"] / row["zgemm_peak_gflops"] if pk else None
        rows.append(row)
        print("[bench] %d rank(s): %.1f GFLOP/s = %.0f %% of ZGEMM peak %.1f; matrix %.1f MiB per rank"
              % (n, row["product_gflops"], 100 * (row["fraction_of_peak"] or 0), row["zgemm_peak_gflops"] or 0,
                 (row["matrix_bytes_max"] or 0) / 2**20), file=sys.stderr)
    print("| ranks | BLACS grid | product GFLOP/s | ZGEMM peak GFLOP/s (same shape per rank) | fraction | matrix memory "
          "per rank | ket blocks in transit per rank | stage time |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %d | %s | %.1f | %.1f | %.0f %% | %.1f MiB | %.1f MiB | %.1f s |"
              % (r["ranks"], r["grid"], r["product_gflops"], r["zgemm_peak_gflops"] or 0,
                 100 * (r["fraction_of_peak"] or 0), (r["matrix_bytes_max"] or 0) / 2**20, r["ring_bytes_max"] / 2**20,
                 r["stage_s"] or 0))
    if args.json:
        json.dump({"bands": args.bands, "atoms": args.atoms, "encut": args.encut, "npw": npw, "rows": rows},
                  open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
