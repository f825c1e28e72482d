#!/usr/bin/env python3
"""--mem-report: the per-rank peak of the coefficient pools falls as
1/ranks (within the granularity of whole bands and k-points): over k-point
groups (pseudo method, several k-points) and over band groups at a single
k-point (paw method, a synthetic 216-atom, 600-band Γ-only Si cell against
a copy with one atom fewer). There the process's measured peak RSS must
show it too: what the pools shed from 1 to N ranks is really shed (the RSS
falls by at least 80 % of the fall of the pools' live total) and the
accounting never exceeds what the process holds; results 1 rank = N ranks."""
import json
import os
import re
import subprocess
import sys
import tempfile

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
c.check(("project", "bulk-wf") in base, "report has the bulk-wf pool: %s" % list(base))
for n in (2, 4):
    t = peaks(n)
    mx = t[("project", "bulk-wf")][2]
    ratio = base[("project", "bulk-wf")][2] / mx
    print("bulk-wf peak per rank: 1 rank %.0f B, %d ranks max %.0f B (ratio %.2f)" % (base[("project", "bulk-wf")][2], n, mx, ratio))
    c.check(ratio > 0.8 * n, "%d ranks: coefficient memory per rank falls by %.2f (want ~%d)" % (n, ratio, n))


def table_of(stdout):
    table = {}
    for line in stdout.splitlines():
        m = re.match(r"\s+(\S+)\s+(\S+(?: \S+)?)\s+([\d.]+ \S+)\s+([\d.]+ \S+)\s+([\d.]+ \S+)$", line)
        if m:
            table[(m.group(1), m.group(2))] = [float(v.split()[0]) * UNIT[v.split()[1]] for v in m.groups()[2:]]
    return table


# One k-point, paw: the bands are what the ranks split.
si_setup = "/usr/share/gpaw-setups/Si.PBE.gz"
if os.path.isfile(si_setup):
    tmp = tempfile.mkdtemp()
    bulk, vac = os.path.join(tmp, "bulk"), os.path.join(tmp, "vac")
    subprocess.run([sys.executable, os.path.join(REPO, "scripts", "bench", "make_synthetic.py"), bulk, "--atoms",
                    "216", "--bands", "600", "--encut", "250", "--kpoints", "1"], check=True, capture_output=True)
    os.makedirs(vac)
    os.symlink(os.path.join(bulk, "WAVECAR"), os.path.join(vac, "WAVECAR"))
    lines = open(os.path.join(bulk, "POSCAR")).read().splitlines()
    counts = lines[6].split()
    counts[0] = str(int(counts[0]) - 1)
    first = 8 if lines[7].strip()[:1] in "DdCc" else 9
    open(os.path.join(vac, "POSCAR"), "w").write("\n".join(lines[:6] + ["  ".join(counts)] + lines[7:first]
                                                          + lines[first + 1:]) + "\n")
    res = {}
    for n in (1, 2, 4):
        js = os.path.join(tmp, "p%d.json" % n)
        p = run(["project", "--bulk", bulk, "--defect", vac, "--datasets", "Si=" + si_setup, "--bands", "300-304",
                 "--mem-report", "--json", js], n)
        res[n] = (table_of(p.stdout), json.load(open(js)))
    t1, j1 = res[1]
    wf1, live1, rss1 = t1[("project", "bulk-wf")][2], t1[("all", "(live total)")][2], j1["peak_rss_mib_min_max"][1]
    for n in (2, 4):
        t, j = res[n]
        wf, live, rss = t[("project", "bulk-wf")][2], t[("all", "(live total)")][2], j["peak_rss_mib_min_max"][1]
        c.check(wf1 / wf > 0.95 * n, "one k-point, %d ranks: bulk coefficients per rank fall by %.2f (want %d)"
                % (n, wf1 / wf, n))
        shed = (live1 - live) / 2 ** 20
        c.check(rss1 - rss >= 0.8 * shed, "one k-point, %d ranks: peak RSS falls %.0f -> %.0f MiB, by at least "
                "80 %% of the %.0f MiB the pools shed" % (n, rss1, rss, shed))
        c.check(j["peak_rss_mib_min_max"][0] * 2 ** 20 >= live * 0.99,
                "one k-point, %d ranks: the pools' live total (%.0f MiB) is no more than the RSS (%.0f MiB)"
                % (n, live / 2 ** 20, j["peak_rss_mib_min_max"][0]))
        diff = max(abs(a[k] - b[k]) for a, b in zip(j1["bands"], j["bands"]) for k in ("valence", "conduction"))
        c.check(diff < 1e-12, "one k-point, %d ranks: band character = 1 rank's to %.1e" % (n, diff))
    subprocess.run(["rm", "-rf", tmp])
else:
    print("note: %s not found (Debian gpaw-data); the one-k-point paw case is not checked" % si_setup)
c.close()
