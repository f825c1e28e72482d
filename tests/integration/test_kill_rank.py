#!/usr/bin/env python3
"""No hang when a rank dies: one process of a 2-rank run is killed with
SIGKILL in the middle of the computation; the job must end within 30 s with
a non-zero status and a message naming the lost rank, and leave no output
under its final name (only nothing, or a NAME.partial that says what it is)."""
import os
import signal
import subprocess
import tempfile
import time

from common import REPO, Checker, env, mpirun_prefix, pawproj_exe, rank_pids

c = Checker("kill-rank")
tmp = tempfile.mkdtemp()
out = os.path.join(tmp, "killed.vasp")
bulk = os.path.join(REPO, "tests", "data", "si8", "bulk")
cmd = mpirun_prefix(2) + [pawproj_exe(), "density", bulk, "--grid", "144,144,144", "-o", out, "--quiet"]
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())


def ranks():
    return rank_pids(out)


deadline = time.time() + 120
while len(ranks()) < 2 and p.poll() is None and time.time() < deadline:
    time.sleep(0.2)
time.sleep(3)  # inside the computation (setup takes well under this)
pids = ranks()
c.check(len(pids) == 2 and p.poll() is None, "two ranks running before the kill (%s)" % pids)
if len(pids) == 2 and p.poll() is None:
    victim = max(pids)
    t0 = time.time()
    os.kill(victim, signal.SIGKILL)
    try:
        _, err = p.communicate(timeout=30)
        ended = time.time() - t0
        c.check(True, "job ended %.1f s after one rank was killed" % ended)
        c.check(p.returncode != 0, "non-zero exit status (%d)" % p.returncode)
        c.check("signal 9" in err or "Killed" in err or "killed" in err,
                "a message says a process was killed: %r" % err[-400:])
    except subprocess.TimeoutExpired:
        c.check(False, "job still running 30 s after one rank was killed (hang)")
        p.kill()
        p.communicate()
    c.check(not os.path.exists(out) and not os.path.exists(out + ".h5"),
            "no output under its final name: %s" % os.listdir(tmp))
else:
    p.kill()
    p.communicate()
for r in ranks():
    os.kill(r, signal.SIGKILL)
c.close()
