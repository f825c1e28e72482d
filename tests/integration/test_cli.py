#!/usr/bin/env python3
"""Every command answers --help with usage and exit 0; wrong usage exits 2
with one message; input files drive a run like the command line."""
import os
import subprocess
import tempfile

from common import Checker, SHARED_VASP, env, pawproj_exe

c = Checker("cli")
exe = pawproj_exe()


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True, env=env(), timeout=120)


p = run("--help")
c.check(p.returncode == 0 and "commands:" in p.stdout, "pawproj --help")
for cmd in ("info", "project", "dump"):
    p = run(cmd, "--help")
    c.check(p.returncode == 0 and "usage: pawproj " + cmd in p.stdout and "--json" in p.stdout,
            "%s --help: %d %s" % (cmd, p.returncode, p.stdout[:80]))
p = run("frobnicate")
c.check(p.returncode == 2 and "unknown command" in p.stderr, "unknown command: " + p.stderr)
p = run("info", "--no-such-option", "x")
c.check(p.returncode == 2 and "--no-such-option" in p.stderr, "unknown option: " + p.stderr)
p = run("info")
c.check(p.returncode == 2 and "exactly one" in p.stderr, "missing argument: " + p.stderr)
p = run("project", "--method", "pseudo", "--bulk", "x")
c.check(p.returncode == 2 and "--defect" in p.stderr, "project without --defect: " + p.stderr)
p = run("project", "--bulk", "x", "--defect", "y")
c.check(p.returncode != 0 and "x does not exist" in p.stderr, "missing bulk directory: " + p.stderr)
p = run("info", "x", "--mem-per-rank", "lots")
c.check(p.returncode == 2 and "memory size" in p.stderr, "bad --mem-per-rank: " + p.stderr)
p = run("--version")
c.check(p.returncode == 0 and p.stdout.startswith("pawproj "), "--version")

data = os.path.join(SHARED_VASP, "h-atom")
if os.path.isdir(data):
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "job.in")
        out = os.path.join(tmp, "info.json")
        with open(inp, "w") as f:
            f.write("# info job\nCOMMAND = info\nJSON = %s   ! where\n" % out)
        p = run("--input", inp, data)
        c.check(p.returncode == 0 and os.path.isfile(out), "input file run: " + p.stderr)
        with open(inp, "w") as f:
            f.write("JSON = x\n")
        p = run("--input", inp, data)
        c.check(p.returncode == 2 and "COMMAND" in p.stderr, "input file without COMMAND: " + p.stderr)
c.close()
