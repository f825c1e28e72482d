#!/usr/bin/env python3
"""--mem-report: the per-rank peak of the coefficient pools falls as
1/ranks (within the granularity of whole bands and k-points)."""
import os
import re

from common import Checker, REPO, SHARED_VASP, run

c = Checker("memory-scaling")
d = os.path.join(SHARED_VASP, "mos2-ws2-slab")
if not os.path.isdir(d):
    d = os.path.join(REPO, "tests", "data", "si8", "bulk")
if not os.path.isdir(d):
    print("SKIP: no data")
    raise SystemExit(77)

UNIT = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3}


def peaks(nranks):
    p = run(["project", "--method", "pseudo", "--bulk", d, "--defect", d, "--bands", "1-4", "--mem-report"], nranks)
    table = {}
    for line in p.stdout.splitlines():
        m = re.match(r"\s+(\S+)\s+(\S+)\s+([\d.]+ \S+)\s+([\d.]+ \S+)\s+([\d.]+ \S+)$", line)
        if m:
            vals = []
            for v in m.groups()[2:]:
                num, unit = v.split()
                vals.append(float(num) * UNIT[unit])
            table[(m.group(1), m.group(2))] = vals
    return table


base = peaks(1)
c.check(("read", "bulk-wf") in base, "report has the bulk-wf pool: %s" % list(base))
for n in (2, 4):
    t = peaks(n)
    mx = t[("read", "bulk-wf")][2]
    ratio = base[("read", "bulk-wf")][2] / mx
    print("bulk-wf peak per rank: 1 rank %.0f B, %d ranks max %.0f B (ratio %.2f)" % (base[("read", "bulk-wf")][2], n, mx, ratio))
    c.check(ratio > 0.8 * n, "%d ranks: coefficient memory per rank falls by %.2f (want ~%d)" % (n, ratio, n))
c.close()
