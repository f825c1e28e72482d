#!/usr/bin/env python3
"""A full file system: every output of every command, written to a tmpfs
that has no space left, fails with one message naming the file, exit
status 1, and leaves nothing under the final name nor a partial file
(1 and 2 ranks). Needs root to mount the tmpfs (CI runs as root); skips,
saying so, where mounting is not permitted."""
import os
import subprocess
import tempfile

from common import REPO, SKIP, Checker, run

c = Checker("disk-full")
si8 = os.path.join(REPO, "tests", "data", "si8")
bulk, vac = os.path.join(si8, "bulk"), os.path.join(si8, "vacancy")
mnt = tempfile.mkdtemp()
if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt], capture_output=True).returncode != 0:
    print("SKIP: cannot mount a tmpfs here (not root?); disk-full behaviour not checked")
    os.rmdir(mnt)
    raise SystemExit(SKIP)
try:
    # Fill it: no byte left for any output.
    f = open(os.path.join(mnt, "filler"), "wb", buffering=0)
    try:
        while True:
            f.write(b"\0" * 4096)
    except OSError:
        pass
    f.close()
    cases = [
        ("info --json", ["info", bulk, "--json", os.path.join(mnt, "info.json")], "info.json"),
        ("project --json", ["project", "--bulk", bulk, "--defect", vac, "--json", os.path.join(mnt, "p.json")],
         "p.json"),
        ("project --h5", ["project", "--bulk", bulk, "--defect", vac, "--h5", os.path.join(mnt, "p.h5")], "p.h5"),
        ("norms --h5", ["norms", bulk, "--h5", os.path.join(mnt, "n.h5")], "n.h5"),
        ("density -o", ["density", bulk, "-o", os.path.join(mnt, "d.vasp")], "d.vasp"),
        ("state -o", ["state", vac, "--band", "16", "-o", os.path.join(mnt, "s")], "s"),
    ]
    for nranks in (1, 2):
        for what, args, name in cases:
            p = run(args, nranks, check=False)
            msg = p.stderr.strip()
            ok = p.returncode == 1 and msg.count("error:") == 1 and mnt in msg and name in msg
            c.check(ok, "%s, %d rank(s): exit %d, one error naming the file: %r" % (what, nranks, p.returncode, msg))
            left = sorted(set(os.listdir(mnt)) - {"filler"})
            c.check(not left, "%s, %d rank(s): nothing left on the full disk: %s" % (what, nranks, left))
            for f in left:
                os.remove(os.path.join(mnt, f))
finally:
    subprocess.run(["umount", mnt])
    os.rmdir(mnt)
c.close()
