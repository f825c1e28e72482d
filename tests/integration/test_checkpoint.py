#!/usr/bin/env python3
"""Checkpoints and restart of a defect study (issue 12 point 2) on the
shipped Si8 example: three defects (the vacancy, the bulk as its own
defect, the vacancy's band 14 alone) against one bulk, with --h5.

Faults come at known points: rank 0 sends itself a signal after a given
defect (cli/testfault.h); the stop itself, its agreement over the ranks
and the checkpoints are the program's real paths.
  - SIGUSR1 (sbatch --signal=USR1@...) after the first defect, 2 ranks:
    exit 3, a message saying how to resume, FILE.ckpt with the manifest
    (first line INCOMPLETE) and the first defect's file only, neither FILE
    nor FILE.partial. Rerunning the same command resumes: FILE equals the
    uninterrupted 2-rank run's, every group bit for bit; the JSON summary
    table is identical; the checkpoint directory is gone.
  - SIGTERM after the second defect on 1 rank, resumed on 2; stopped on 4,
    resumed on 2 (--resume): FILE equals the uninterrupted run to 1e-12
    (what any two rank counts agree to: test_ranks_agree.py).
  - Inside a defect (issue 12: checkpoints per (defect, spin, k-point)):
    SIGTERM after the second round of items of the second defect, 1 rank:
    exit 3, the message names the defect and the rounds, FILE.ckpt holds
    the first defect's file and the finished items' files. Resumed on the
    same rank count: bit for bit; a copy resumed on 2 ranks (other k-point
    groups own the items): to 1e-12; the log says how many items were
    taken. A damaged item file is refused by name.
  - kill -9 (SIGKILL of rank 0) after the second defect: the job ends, the
    checkpoints of the two finished defects and the INCOMPLETE manifest
    remain, no FILE; rerunning completes it, bit for bit.
  - --max-seconds too small and SLURM_JOB_END_TIME too near stop before
    the first defect (exit 3, reason named); generous limits change
    nothing.
  - Refused: a rerun with other bands over the checkpoints (another study),
    --resume without checkpoints, --resume without a study's --h5. Without
    --h5 a stop says that nothing is saved."""
import json
import os
import shutil
import struct
import tempfile
import time

import h5py
import numpy as np

from common import REPO, Checker, run

c = Checker("checkpoint")
SI8 = os.path.join(REPO, "tests", "data", "si8")
BULK, VAC = os.path.join(SI8, "bulk"), os.path.join(SI8, "vacancy")
SPEC = "vac=%s@14-16 self=%s@1-20 vac14=%s@14" % (VAC, BULK, VAC)
LABELS = ["vac", "self", "vac14"]


def study(h5, n, extra=(), fault=None, spec=SPEC, extra_env=None, item=None):
    """Runs the study; fault = (after defect, signal number); item = (defect,
    round, signal number): inside a defect, after that round of its items."""
    e = dict(extra_env or {})
    if fault:
        e["PAWPROJ_TEST_SIGNAL_AFTER"], e["PAWPROJ_TEST_SIGNAL"] = str(fault[0]), str(fault[1])
    if item:
        e["PAWPROJ_TEST_SIGNAL_ITEM"], e["PAWPROJ_TEST_SIGNAL"] = "%d:%d" % item[:2], str(item[2])
    return run(["project", "--bulk", BULK, "--datasets", BULK, "--defects", spec, "--h5", h5,
                "--json", h5 + ".json"] + list(extra), n, check=False, extra_env=e)


def compare(a, b, exact):
    """What differs between two study files (groups bit for bit, or to 1e-12)."""
    out = []
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        for k in ("complete", "ndefects", "method", "bulk_wavecar", "layout"):
            if fa.attrs.get(k) != fb.attrs.get(k):
                out.append("@" + k)
        if sorted(fa["defects"].keys()) != sorted(fb["defects"].keys()):
            return out + ["groups"]
        for g in fa["defects"]:
            x, y = fa["defects"][g], fb["defects"][g]
            for k in set(x.keys()) | set(y.keys()):
                if k not in x or k not in y:
                    out.append("%s/%s" % (g, k))
                    continue
                u, v = x[k][()], y[k][()]
                same = u.tobytes() == v.tobytes() if exact else (
                    u.shape == v.shape and (u.dtype.kind not in "fc" and np.array_equal(u, v) or
                                            u.dtype.kind in "fc" and np.max(np.abs(u - v), initial=0) <= 1e-12))
                if not same:
                    out.append("%s/%s" % (g, k))
    return out


def table(h5):
    return json.load(open(h5 + ".json"))["table"]


def stopped_state(h5, done, tag):
    ck = h5 + ".ckpt"
    files = sorted(os.listdir(ck)) if os.path.isdir(ck) else []
    c.check(files == sorted(["manifest"] + ["%s.h5" % x for x in LABELS[:done]]),
            "%s: the checkpoints hold the %d finished defect(s): %s" % (tag, done, files))
    c.check(not os.path.exists(h5) and not os.path.exists(h5 + ".partial"), "%s: no results file yet" % tag)
    if files:
        first = open(os.path.join(ck, "manifest")).readline()
        c.check("INCOMPLETE" in first, "%s: the manifest says the study is incomplete: %s" % (tag, first.strip()))


with tempfile.TemporaryDirectory() as tmp:
    ref = os.path.join(tmp, "ref.h5")
    p = study(ref, 2)
    c.check(p.returncode == 0 and os.path.isfile(ref) and not os.path.exists(ref + ".ckpt"),
            "uninterrupted study: complete, its checkpoint directory removed: %s" % p.stderr[-300:])

    # SIGUSR1 after the first defect; the same command resumes.
    h5 = os.path.join(tmp, "usr1.h5")
    p = study(h5, 2, fault=(0, 10))
    c.check(p.returncode == 3 and "after 1 of 3 defects" in p.stderr and "rerun the same command" in p.stderr,
            "SIGUSR1: exit 3 and how to resume (exit %d): %s" % (p.returncode, p.stderr.strip()[-300:]))
    stopped_state(h5, 1, "SIGUSR1")
    p = study(h5, 2)
    c.check(p.returncode == 0, "resumed: exit %d: %s" % (p.returncode, p.stderr[-300:]))
    diff = compare(h5, ref, exact=True)
    c.check(not diff, "resumed on the same rank count = uninterrupted, bit for bit (differs: %s)" % diff)
    c.check(table(h5) == table(ref), "resumed: the JSON summary table = uninterrupted")
    c.check(not os.path.exists(h5 + ".ckpt"), "resumed: the checkpoint directory is removed")

    # Other rank counts: SIGTERM after the second defect on 1 rank, resumed
    # on 2; stopped on 4, resumed on 2 with --resume.
    for start, after, sig, extra in ((1, 1, 15, []), (4, 0, 10, ["--resume"])):
        h5 = os.path.join(tmp, "r%d.h5" % start)
        p = study(h5, start, fault=(after, sig))
        c.check(p.returncode == 3, "signal %d on %d rank(s): exit %d" % (sig, start, p.returncode))
        stopped_state(h5, after + 1, "%d rank(s)" % start)
        p = study(h5, 2, extra)
        diff = compare(h5, ref, exact=False)
        c.check(p.returncode == 0 and not diff, "started on %d, resumed on 2: = uninterrupted to 1e-12 (%s)"
                % (start, diff or p.stderr[-200:]))
        got, want = table(h5), table(ref)
        worst = max(abs(a[k] - b[k]) for a, b in zip(got, want) for k in a if isinstance(a[k], float))
        c.check(len(got) == len(want) and worst <= 1e-12, "started on %d: JSON table to 1e-12 (%.1e)"
                % (start, worst))

    # Inside a defect: after round 1 (0-based) of defect 1's 4 items on 1 rank.
    ref1 = os.path.join(tmp, "ref1.h5")
    study(ref1, 1)
    h5 = os.path.join(tmp, "items.h5")
    p = study(h5, 1, item=(1, 1, 15))
    ck = h5 + ".ckpt"
    files = sorted(os.listdir(ck)) if os.path.isdir(ck) else []
    c.check(p.returncode == 3 and "inside defect self after 2 of its 4 rounds" in p.stderr,
            "stopped inside a defect: exit %d: %s" % (p.returncode, p.stderr.strip()[-200:]))
    c.check(files == ["manifest", "self.item-0.bin", "self.item-1.bin", "vac.h5"],
            "inside a defect: the first defect's file and the two finished items: %s" % files)
    other, marked = os.path.join(tmp, "items2.h5"), os.path.join(tmp, "items-marked.h5")
    shutil.copytree(ck, other + ".ckpt")
    shutil.copytree(ck, marked + ".ckpt")
    p = study(h5, 1)
    c.check(p.returncode == 0 and not compare(h5, ref1, exact=True),
            "resumed inside a defect, same rank count: bit for bit (%s)" % compare(h5, ref1, exact=True))
    p = run(["project", "--bulk", BULK, "--datasets", BULK, "--defects", SPEC, "--h5", other], 2, check=False)
    diff = compare(other, ref1, exact=False) if p.returncode == 0 else ["exit %d" % p.returncode]
    c.check(not diff, "resumed inside a defect on 2 ranks: = uninterrupted to 1e-12 (%s)" % diff)
    # The items are taken, not recomputed: a number planted in item 0's file
    # (header 64 B, raw 20 x 2 doubles, then S row 0) is in the results.
    with open(os.path.join(marked + ".ckpt", "self.item-0.bin"), "r+b") as f:
        f.seek(64 + 20 * 16)
        f.write(struct.pack("<dd", 7.0, 0.5))
    p = run(["project", "--bulk", BULK, "--datasets", BULK, "--defects", SPEC, "--h5", marked], 2, check=False)
    got = h5py.File(marked, "r")["defects/self/overlaps"][0, 0, 0, 0] if p.returncode == 0 else None
    c.check(got == 7.0 + 0.5j, "resumed: the items come from their files (planted value read back: %s)" % got)
    h5 = os.path.join(tmp, "items3.h5")
    study(h5, 1, item=(1, 1, 15))
    with open(os.path.join(h5 + ".ckpt", "self.item-1.bin"), "r+b") as f:
        f.truncate(100)
    p = study(h5, 1)
    c.check(p.returncode != 0 and "self.item-1.bin" in p.stderr and "remove it" in p.stderr,
            "a damaged item file is refused by name: %s" % p.stderr.strip()[-200:])

    # kill -9 of rank 0 after the second defect: the job ends.
    h5 = os.path.join(tmp, "kill.h5")
    t = time.time()
    p = study(h5, 2, fault=(1, 9))
    c.check(p.returncode not in (0, 3) and time.time() - t < 60, "kill -9: the job ends (exit %d, %.0f s)"
            % (p.returncode, time.time() - t))
    stopped_state(h5, 2, "kill -9")
    p = study(h5, 2)
    diff = compare(h5, ref, exact=True)
    c.check(p.returncode == 0 and not diff, "after kill -9 the rerun completes it, bit for bit (%s)" % diff)

    # Time limits.
    h5 = os.path.join(tmp, "time.h5")
    p = study(h5, 1, ["--max-seconds", "1e-9"])
    c.check(p.returncode == 3 and "--max-seconds" in p.stderr and "after 0 of 3" in p.stderr,
            "--max-seconds too small: stopped before the first defect: %s" % p.stderr.strip()[-200:])
    p = study(h5, 1, extra_env={"SLURM_JOB_END_TIME": str(int(time.time()) + 5)})
    c.check(p.returncode == 3 and "SLURM_JOB_END_TIME" in p.stderr,
            "SLURM_JOB_END_TIME in 5 s: stopped (30 s kept): %s" % p.stderr.strip()[-200:])
    p = study(h5, 1, ["--max-seconds", "1e6"], extra_env={"SLURM_JOB_END_TIME": str(int(time.time()) + 86400)})
    diff = compare(h5, ref, exact=False)
    c.check(p.returncode == 0 and not diff, "generous limits: the study completes (%s)" % (diff or p.stderr[-200:]))

    # Refusals.
    h5 = os.path.join(tmp, "other.h5")
    study(h5, 1, fault=(0, 10))
    p = study(h5, 1, spec=SPEC.replace("@14-16", "@13-16"))
    c.check(p.returncode == 1 and "another study" in p.stderr, "other bands over the checkpoints refused: %s"
            % p.stderr.strip()[-200:])
    # A checkpoint file damaged after its defect finished: named, with the way out.
    h5 = os.path.join(tmp, "corrupt.h5")
    study(h5, 1, fault=(0, 10))
    with open(os.path.join(h5 + ".ckpt", "vac.h5"), "wb") as f:
        f.write(b"not an HDF5 file\n")
    p = study(h5, 1)
    c.check(p.returncode == 1 and "vac.h5" in p.stderr and "remove it" in p.stderr and not os.path.exists(h5),
            "a corrupt checkpoint file: refused by name, no results file: %s" % p.stderr.strip()[-200:])
    os.remove(os.path.join(h5 + ".ckpt", "vac.h5"))
    p = study(h5, 1)
    diff = compare(h5, ref, exact=False) if p.returncode == 0 else "exit %d" % p.returncode
    c.check(not diff, "after removing it, the rerun redoes that defect and completes (%s)" % (diff or ""))
    p = study(os.path.join(tmp, "none.h5"), 1, ["--resume"])
    c.check(p.returncode == 2 and "no checkpoints" in p.stderr, "--resume without checkpoints: %s"
            % p.stderr.strip()[-200:])
    p = run(["project", "--bulk", BULK, "--defect", VAC, "--resume"], check=False)
    c.check(p.returncode == 2 and "--resume" in p.stderr, "--resume without a study: %s" % p.stderr.strip()[-200:])
    p = run(["project", "--bulk", BULK, "--datasets", BULK, "--defects", SPEC], check=False,
            extra_env={"PAWPROJ_TEST_SIGNAL_AFTER": "0", "PAWPROJ_TEST_SIGNAL": "10"})
    c.check(p.returncode == 3 and "nothing is saved without --h5" in p.stderr, "stop without --h5: %s"
            % p.stderr.strip()[-200:])
c.close()
