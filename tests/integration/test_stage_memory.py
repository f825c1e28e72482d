#!/usr/bin/env python3
"""--mem-report and --mem-per-rank are true for `density` and `state`: their
large buffers come from the pools of their stages (core/stage.h).

On the shipped Si8 example, 1 and 2 ranks (one k-point group, so that the
grid is split over all ranks), for each command:

* (a) --mem-report lists rows of the command's stages, and the pools on the
  grid hold at least what independent arithmetic says they must, from the
  grid printed in the JSON: the complex slab NX*NY*NZ/ranks * 16 bytes,
  the real densities * 8 each (state: pseudo and AE, * 16); those pools and
  the live total per rank halve from 1 to 2 ranks, within 10 %.
* (b) --mem-per-rank below the slab: exit status 1, one error line that
  names the stage and the budget, no output file (nor a .partial).
  Control: a budget just above the report's live total lets the same run
  through, so the up-front check asks for what is used, not more.
* (d) the measured peak RSS (JSON peak_rss_mib_min_max) is at least the pool
  accounting's peak (the accounting may not overstate), also for a grid
  large enough that the pools dominate the process.

`norms` and `dump` read every band in slices (no grid): for them, on the
Si8 vacancy with 1 and 2 ranks,

* (e) --mem-report lists the pools of their stages, and the pools hold at
  least what independent arithmetic says they must, from the JSON: the
  coefficients Σ_k npw_k × bands × 16 bytes / ranks (norms; the largest
  rank holds at least the mean, and the pool halves from 1 to 2 ranks),
  the HDF5 copy of the projections as large as the projections (norms),
  the fact tables 2 × 8 × (bands + 24 + 27 per k-point) bytes exactly and
  the largest G list × 12 bytes (dump).
* (f) --mem-per-rank below half the report's live total: exit status 1, one
  error line naming the stage ('norms', 'dump'), its pools and the budget,
  no output file; just above the live total the run goes through.

Buffers of lower layers that outlive a call are counted too:

* (g) the real-space projection plan (`--lreal T`, paw/rsproj.h): `density`
  on Si8 lists the pools rs-plan, rs-gvec and rs-gather under its stage
  'sum', and rs-plan holds at least the plan's grid, NX*NY*NZ * 16 bytes of
  the --proj-grid given; the live total holds them.
* (h) opening a Gamma-only WAVECAR (shared co2-gamma) lists open /
  wavecar-scratch, at least one record of the file (its header's record
  length, read here from the file itself).

The report prints 3 significant decimals ("2.85 MiB"): every comparison
allows for that rounding, and no more."""
import glob
import json
import os
import re
import tempfile

from common import REPO, Checker, run

c = Checker("stage-memory")
si8 = os.path.join(REPO, "tests", "data", "si8")
UNIT = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3}


def report(stdout):
    """{(stage, pool): (lo, hi)} of the max column: the bounds of the bytes
    a printed value stands for (rounded to 2 decimals of its unit)."""
    table = {}
    for line in stdout.splitlines():
        m = re.match(r"\s+(\S+)\s+(.+?)\s+([\d.]+) (\S+)\s+([\d.]+) (\S+)\s+([\d.]+) (\S+)$", line)
        if m and m.group(8) in UNIT:
            num, unit = float(m.group(7)), UNIT[m.group(8)]
            half = 0.5 if unit == 1 else 0.005
            table[(m.group(1), m.group(2))] = ((num - half) * unit, (num + half) * unit)
    return table


def error_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith("pawproj: error:")]


def outputs(prefix):
    return glob.glob(prefix + "*")


def refused_then_fits(tag, cmd, args, nranks, budget, names, live):
    """--mem-per-rank `budget` stops the run with one error holding every
    string of `names` and leaves no output; the report's peak + 1 % (the
    control) lets the same run through."""
    bad = os.path.join(tmp, "%s-over%d" % (cmd, nranks))
    q = run(args(bad) + ["--mem-per-rank", str(budget)], nranks, check=False)
    errs = error_lines(q.stderr)
    c.check(q.returncode == 1 and len(errs) == 1 and all(n in errs[0] for n in names),
            "%s, --mem-per-rank %d: exit %d (want 1), one error naming the stage, its pools and the budget (%s): %s"
            % (tag, budget, q.returncode, names, errs or q.stderr.strip()))
    c.check(not outputs(bad), "%s, --mem-per-rank %d: no output file: %s" % (tag, budget, outputs(bad)))
    enough = int(live[1] * 1.01) + 1
    ok = os.path.join(tmp, "%s-fits%d" % (cmd, nranks))
    q = run(args(ok) + ["--mem-per-rank", str(enough)], nranks, check=False)
    c.check(q.returncode == 0 and outputs(ok), "%s, --mem-per-rank %d (the report's peak + 1 %%): exit %d, "
            "files %s %s" % (tag, enough, q.returncode, len(outputs(ok)), q.stderr.strip()[-300:]))


# Per command: its arguments, the stages its report must list, and the
# pools on the grid with the bytes per grid point of each (of the whole
# grid; divided by the ranks per rank).
COMMANDS = {
    "density": {
        "args": lambda out: ["density", os.path.join(si8, "bulk"), "--kgroups", "1", "-o", out + ".vasp"],
        "stages": {"density", "refine", "sum", "write"},
        "pools": {("density", "grid-slab"): 16, ("density", "density"): 8, ("sum", "partials"): 8,
                  ("write", "write-buffer"): 8},
    },
    "state": {
        "args": lambda out: ["state", os.path.join(si8, "vacancy"), "--band", "16", "-o", out],
        "stages": {"state", "fill", "write"},
        "pools": {("state", "grid-slab"): 16, ("state", "wavefunction"): 16, ("state", "densities"): 16,
                  ("write", "write-buffer"): 8},
    },
}

with tempfile.TemporaryDirectory() as tmp:
    for cmd, spec in COMMANDS.items():
        peaks = {}
        for nranks in (1, 2):
            tag = "%s, %d rank%s" % (cmd, nranks, "s" if nranks > 1 else "")
            out = os.path.join(tmp, "%s%d" % (cmd, nranks))
            p = run(spec["args"](out) + ["--mem-report", "--json", out + ".json"], nranks)
            js = json.load(open(out + ".json"))
            js = js["states"][0] if isinstance(js.get("states"), list) else js  # state: several bands
            points = js["grid"][0] * js["grid"][1] * js["grid"][2]
            t = report(p.stdout)
            peaks[nranks] = t
            stages = {s for s, _ in t}
            c.check(spec["stages"] <= stages, "%s: report has the stages %s: %s" % (tag, sorted(spec["stages"]),
                                                                                     sorted(stages)))
            # (a) the pools on the grid hold at least what they must
            for key, per_point in spec["pools"].items():
                want = points / nranks * per_point
                got = t.get(key, (0, 0))
                c.check(got[1] >= want, "%s: %s/%s peak %.0f B >= %d x %d / %d ranks = %.0f B (grid %s)"
                        % (tag, key[0], key[1], got[1], per_point, points, nranks, want, js["grid"]))
            live = t.get(("all", "(live total)"), (0, 0))
            # (d) the accounting may not overstate what the process holds
            if "peak_rss_mib_min_max" in js:
                rss_min = js["peak_rss_mib_min_max"][0] * 2 ** 20
                c.check(live[0] > 0 and rss_min >= live[0], "%s: peak RSS %.1f MiB >= pool accounting's peak "
                        "%.2f MiB" % (tag, rss_min / 2 ** 20, live[0] / 2 ** 20))
            else:
                print("note: %s: no peak_rss_mib_min_max in the JSON; RSS not compared" % tag)
            # (b) a budget below the slab stops the run before it allocates
            budget = int(points / nranks * 16 / 2)
            refused_then_fits(tag, cmd, spec["args"], nranks, budget, ["'%s'" % cmd, "budget", "grid-slab"], live)
        # (a) per-rank bytes halve from 1 to 2 ranks. A k-point's projection
        # plan (pools "kpoint-plan") is whole on the rank that plans it, so it
        # may not grow with ranks, and the rest of the live total halves.
        plans = [k for k in peaks[1] if k[1] == "kpoint-plan"]
        for key in plans:
            one, two = peaks[1][key], peaks[2].get(key, (0, 0))
            c.check(0 < two[0] <= one[1] * 1.01, "%s: %s/%s per rank on 2 ranks %.0f B <= 1 rank %.0f B"
                    % (cmd, key[0], key[1], two[0], one[1]))
        plan = {n: max([peaks[n].get(k, (0, 0))[1] for k in plans] + [0]) for n in (1, 2)}
        for key in list(spec["pools"]) + [("all", "(live total)")]:
            one, two = peaks[1].get(key), peaks[2].get(key)
            if one is None or two is None:
                c.check(False, "%s: %s/%s reported on 1 and 2 ranks" % (cmd, key[0], key[1]))
                continue
            if key[0] == "all":
                one, two = (one[0] - plan[1], one[1] - plan[1]), (two[0] - plan[2], two[1] - plan[2])
            lo, hi = one[0] / two[1], one[1] / two[0] if two[0] > 0 else float("inf")
            c.check(lo >= 1.8 and hi <= 2.2, "%s: %s/%s per rank 1 -> 2 ranks falls by %.3f-%.3f (want 2 +- 10 %%)"
                    % (cmd, key[0], key[1], lo, hi))

    # (d) with pools that dominate the process: 128^3 points, 64 MiB of slab
    # and densities against a few tens of MiB of libraries.
    out = os.path.join(tmp, "big")
    p = run(["density", os.path.join(si8, "bulk"), "--pseudo", "--grid", "128,128,128", "--mem-report",
             "-o", out + ".vasp", "--json", out + ".json"])
    js = json.load(open(out + ".json"))
    t = report(p.stdout)
    live = t.get(("all", "(live total)"), (0, 0))
    want = 128 ** 3 * (16 + 8 + 8)
    rss_min = js["peak_rss_mib_min_max"][0] * 2 ** 20
    c.check(live[1] >= want and rss_min >= live[0],
            "density 128^3: pool peak %.2f MiB >= slab + density + partial %.2f MiB, peak RSS %.1f MiB >= it"
            % (live[0] / 2 ** 20, want / 2 ** 20, rss_min / 2 ** 20))

    # (e), (f): norms and dump, whose pools hold band slices, not grids.
    vac = os.path.join(si8, "vacancy")
    facts = json.loads(run(["dump", vac, "--json", "-"]).stdout)
    nk = len(facts["spins"][0]["kpoints"])
    nbands = len(facts["spins"][0]["kpoints"][0]["coeff_norms"])
    npw = [kp["npw"] for kp in facts["spins"][0]["kpoints"]]
    nspin = len(facts["spins"])
    SLICED = {
        "norms": {
            "args": lambda out: ["norms", vac, "--json", out + ".json", "--h5", out + ".h5"],
            "pools": {("norms", "norm-tables"), ("norms", "wavefunctions"), ("norms", "projections"),
                      ("read", "io-buffer"), ("write", "write-buffer")},
            "stage": "norms",
        },
        "dump": {
            "args": lambda out: ["dump", vac, "--json", out + ".json"],
            "pools": {("dump", "facts"), ("dump", "g-list"), ("read", "io-buffer")},
            "stage": "dump",
        },
    }
    for cmd, spec in SLICED.items():
        per_rank = {}
        for nranks in (1, 2):
            tag = "%s, %d rank%s" % (cmd, nranks, "s" if nranks > 1 else "")
            out = os.path.join(tmp, "%s%d" % (cmd, nranks))
            t = report(run(spec["args"](out) + ["--mem-report"], nranks).stdout)
            per_rank[nranks] = t
            c.check(spec["pools"] <= set(t), "%s: report lists the pools %s: %s" % (tag, sorted(spec["pools"]),
                                                                                   sorted(t)))
            zero = (0, 0)
            if cmd == "norms":
                want = sum(npw) * nspin * nbands * 16 / nranks
                got = t.get(("norms", "wavefunctions"), zero)
                c.check(got[1] >= want, "%s: norms/wavefunctions peak %.0f B >= sum(npw) x %d bands x 16 / %d "
                        "ranks = %.0f B" % (tag, got[1], nbands, nranks, want))
                proj, copy = t.get(("norms", "projections"), zero), t.get(("write", "write-buffer"), zero)
                c.check(proj[0] > 0 and copy[1] >= proj[0] * 0.99, "%s: write/write-buffer %.0f B holds the "
                        "projections %.0f B" % (tag, copy[1], proj[0]))
            else:
                want = 2 * 8 * (nspin * nk * (nbands + 24) + nk * 27)
                got = t.get(("dump", "facts"), zero)
                c.check(got[0] <= want <= got[1], "%s: dump/facts %s B = 2 x 8 x (bands + 24 + 27) per k-point "
                        "= %d B" % (tag, got, want))
                got = t.get(("dump", "g-list"), zero)
                c.check(got[1] >= max(npw) * 12, "%s: dump/g-list %.0f B >= largest npw %d x 12 B"
                        % (tag, got[1], max(npw)))
            live = t.get(("all", "(live total)"), zero)
            budget = int(live[0] / 2)
            refused_then_fits(tag, cmd, spec["args"], nranks, budget,
                              ["stage '%s', pools '" % spec["stage"], "budget"], live)
        if cmd == "norms":
            one, two = per_rank[1].get(("norms", "wavefunctions")), per_rank[2].get(("norms", "wavefunctions"))
            ok = one is not None and two is not None and two[0] > 0
            lo, hi = (one[0] / two[1], one[1] / two[0]) if ok else (0, 0)
            c.check(ok and lo >= 1.8 and hi <= 2.2, "norms: norms/wavefunctions per rank 1 -> 2 ranks falls by "
                    "%.3f-%.3f (want 2 +- 10 %%)" % (lo, hi))

with tempfile.TemporaryDirectory() as tmp:
    # (g) the real-space plan's pools
    grid = (24, 24, 24)
    out = os.path.join(tmp, "rsplan")
    p = run(["density", os.path.join(si8, "vacancy"), "--lreal", "T", "--proj-grid", ",".join(map(str, grid)),
             "-o", out + ".vasp", "--mem-report"])
    t = report(p.stdout)
    for pool in ("rs-plan", "rs-gvec", "rs-gather"):
        c.check(t.get(("sum", pool), (0, 0))[1] > 0, "density --lreal T: report lists sum/%s: %s" % (pool, sorted(t)))
    need = grid[0] * grid[1] * grid[2] * 16
    got = t.get(("sum", "rs-plan"), (0, 0))
    c.check(got[1] >= need, "density --lreal T: sum/rs-plan %.0f B >= the plan's %s grid x 16 B = %d B"
            % (got[1], grid, need))
    live = t.get(("all", "(live total)"), (0, 0))
    c.check(live[1] >= got[0], "density --lreal T: live total %.0f B holds rs-plan %.0f B" % (live[1], got[0]))

    # (h) the open-time scratch of a Gamma-only file
    co2 = os.path.join(REPO, "..", "shared", "data", "vasp", "co2-gamma")
    if os.path.exists(os.path.join(co2, "WAVECAR")):
        with open(os.path.join(co2, "WAVECAR"), "rb") as f:
            import struct
            reclen = int(struct.unpack("<d", f.read(8))[0])  # the header's first field: record length, bytes
        out = os.path.join(tmp, "co2")
        p = run(["density", co2, "--pseudo", "-o", out + ".vasp", "--mem-report"])
        got = report(p.stdout).get(("open", "wavecar-scratch"), (0, 0))
        c.check(got[1] >= reclen, "co2-gamma: open/wavecar-scratch %.0f B >= one record, %d B" % (got[1], reclen))
    else:
        print("[stage-memory] (h) skipped: no shared co2-gamma data")
c.close()
