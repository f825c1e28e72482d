#!/usr/bin/env python3
"""SIGINT, SIGTERM and SIGHUP while a command writes its outputs (issue 16,
point 6): the run stops, its unfinished output files (NAME.partial) are
removed, nothing appears under a final name, the input is unchanged, stderr
says which signal interrupted it, and the exit status says so (killed by
that signal on 1 rank; non-zero from mpirun on 2).

The signal is sent the moment a partial file appears (polled), so each case
hits a half-written output rather than the computation before it. On 2
ranks it is sent to every rank, as SLURM does on scancel or at the time
limit; one case sends SIGINT to mpirun instead (Ctrl-C at a terminal)."""
import glob
import hashlib
import os
import signal
import subprocess
import tempfile
import time

from common import REPO, Checker, env, mpirun_prefix, pawproj_exe, rank_pids

c = Checker("signals")
bulk = os.path.join(REPO, "tests", "data", "si8", "bulk")
wavecar = os.path.join(bulk, "WAVECAR")
before = hashlib.sha256(open(wavecar, "rb").read()).hexdigest()
NAMES = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}


def complete(path):
    """A VASP volumetric file holds all its 120³ values; any other file left
    is not expected (HDF5 and cube files are written after the VASP file)."""
    if not path.endswith(".vasp"):
        return False
    lines = open(path).read().split("\n")
    at = next(i for i, line in enumerate(lines) if line.split() == ["120", "120", "120"])
    return sum(len(line.split()) for line in lines[at + 1:]) == 120 ** 3


def interrupt(what, cmd_args, sig, nranks=1, wait_for="*.partial", to_mpirun=False):
    tmp = tempfile.mkdtemp()
    out = os.path.join(tmp, "out")
    args = [a.replace("OUT", out) for a in cmd_args]
    marker = next(a for a in args if a.startswith(out))  # finds this run's ranks
    cmd = mpirun_prefix(nranks) + [pawproj_exe()] + args + ["--quiet"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
    deadline = time.time() + 300
    if to_mpirun:  # before any output: two ranks running, inside the computation
        while len(rank_pids(marker)) < nranks and p.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
    else:
        while not glob.glob(os.path.join(tmp, wait_for)) and p.poll() is None and time.time() < deadline:
            time.sleep(0.002)
    if not c.check(p.poll() is None, "%s: still running when the signal is due (exit %s)" % (what, p.returncode)):
        p.communicate()
        return
    targets = [p.pid] if nranks == 1 or to_mpirun else rank_pids(marker)
    for pid in targets:
        os.kill(pid, sig)
    t0 = time.time()
    try:
        _, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        c.check(False, "%s: still running 30 s after %s (hang)" % (what, NAMES[sig]))
        for pid in rank_pids(marker) + [p.pid]:
            os.kill(pid, signal.SIGKILL)
        p.communicate()
        return
    ended = time.time() - t0
    if nranks == 1:
        c.check(p.returncode == -sig, "%s: killed by %s (exit %d)" % (what, NAMES[sig], p.returncode))
    else:
        c.check(p.returncode != 0, "%s: mpirun exits non-zero (%d)" % (what, p.returncode))
    seen = NAMES[sig] if not to_mpirun else "interrupted by SIG"  # mpirun forwards SIGTERM
    c.check("pawproj: interrupted by" in err and seen in err,
            "%s: stderr says the run was interrupted by %s: %r" % (what, NAMES[sig], err[-600:]))
    left = sorted(os.listdir(tmp))
    c.check(not [f for f in left if f.endswith(".partial")], "%s: no partial file left: %s" % (what, left))
    # An output finished before the signal may stay (density writes its
    # files one after another); it must then be whole.
    for f in left:
        c.check(complete(os.path.join(tmp, f)), "%s: %s, left under its final name, is complete" % (what, f))
    c.check(ended < 30, "%s: ended %.1f s after the signal" % (what, ended))
    c.check(hashlib.sha256(open(wavecar, "rb").read()).hexdigest() == before, "%s: WAVECAR unchanged" % what)
    time.sleep(0.2)
    c.check(not rank_pids(marker), "%s: no rank left running" % what)


grid = ["--grid", "120,120,120"]
density = ["density", bulk] + grid + ["-o", "OUT.vasp"]
interrupt("density, SIGTERM in the VASP file, 1 rank", density, signal.SIGTERM, wait_for="out.vasp.partial")
interrupt("density --cube, SIGINT in the cube file, 1 rank", density + ["--cube"], signal.SIGINT,
          wait_for="out.vasp.cube.partial")
interrupt("density, SIGHUP in the HDF5 file, 1 rank", density, signal.SIGHUP, wait_for="out.vasp.h5.partial")
interrupt("state, SIGTERM, 1 rank", ["state", bulk, "--band", "4"] + grid + ["-o", "OUT"], signal.SIGTERM)
interrupt("density, SIGTERM to both ranks in the VASP file", density, signal.SIGTERM, nranks=2,
          wait_for="out.vasp.partial")
interrupt("state, SIGINT to both ranks", ["state", bulk, "--band", "4"] + grid + ["-o", "OUT"], signal.SIGINT,
          nranks=2)
interrupt("density, SIGINT to mpirun during the computation", density, signal.SIGINT, nranks=2, to_mpirun=True)
c.close()
