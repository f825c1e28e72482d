#!/usr/bin/env python3
"""Outputs never destroy inputs.

Every output option of every command (found from `pawproj --help` and each
command's --help, so that an option added later is covered without editing
this file) is pointed at every input file of the run: the WAVECAR, the
POSCAR, the IBZKPT, the PAW dataset and the --input file. Each run must be
refused with one message before anything is written: exit status 2, the
input unchanged byte for byte (sha256), no NAME.partial left. Also: a stem
output (--output of state/density) whose derived names would hit an input,
an output naming a directory, two outputs naming one file, a symlink to
the WAVECAR, two ranks; and a control run whose output is allowed."""
import glob
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import threading

from common import Checker, REPO, env, pawproj_exe, run

c = Checker("output-guard")
tmp = tempfile.mkdtemp()
run_dir = os.path.join(tmp, "bulk")
shutil.copytree(os.path.join(REPO, "tests", "data", "si8", "bulk"), run_dir)
input_file = os.path.join(tmp, "run.in")
inputs = [os.path.join(run_dir, n) for n in ("WAVECAR", "POSCAR", "IBZKPT", "dataset_Si.xml")] + [input_file]


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def help_text(args):
    return subprocess.run([pawproj_exe()] + args, capture_output=True, text=True, env=env(), timeout=60).stdout


commands = re.findall(r"^  (\w+) ", help_text(["--help"]).split("commands:")[1].split("options for")[0], re.M)
c.check(len(commands) >= 6, "commands found in pawproj --help: %s" % commands)


def output_options(cmd):
    """Options of cmd whose value is a file or prefix pawproj writes."""
    opts = re.findall(r"^  --([\w-]+) (FILE|PREFIX)\b", help_text([cmd, "--help"]), re.M)
    return [o for o, _ in opts]


def base_args(cmd):
    """A valid run of cmd on run_dir, without its outputs."""
    if cmd == "project":
        return ["project", "--bulk", run_dir, "--defect", run_dir]
    if cmd == "state":
        return ["state", run_dir, "--band", "1"]
    return [cmd, run_dir]


def expect_refused(what, args, needle="refused", nranks=1, use_input_file=False):
    before = {p: sha(p) for p in inputs}
    if use_input_file:
        # The run's options in an input file whose own name is the output.
        cmd, opt = args[0], args[-2]
        open(input_file, "w").write("COMMAND = %s\n%s = %s\n" % (cmd, opt[2:].upper().replace("-", "_"), input_file))
        before[input_file] = sha(input_file)
        argv = ["--input", input_file] + args[1:-2]
    else:
        argv = args
    p = run(argv, nranks, check=False)
    msg = p.stderr.strip()
    c.check(p.returncode == 2 and needle in msg and msg.count("error:") == 1,
            "%s: exit %d (want 2), one error naming '%s': %r" % (what, p.returncode, needle, msg))
    changed = [q for q in before if sha(q) != before[q]]
    c.check(not changed, "%s: inputs unchanged (changed: %s)" % (what, changed))
    left = glob.glob(os.path.join(tmp, "**", "*.partial"), recursive=True)
    c.check(not left, "%s: no partial file left: %s" % (what, left))
    for q in left:
        os.remove(q)


open(input_file, "w").write("COMMAND = info\n")
covered = 0
for cmd in commands:
    for opt in output_options(cmd):
        for target in inputs:
            if target == input_file:
                expect_refused("%s --%s = its --input file" % (cmd, opt),
                               base_args(cmd) + ["--" + opt, input_file], use_input_file=True)
            else:
                expect_refused("%s --%s %s" % (cmd, opt, os.path.basename(target)),
                               base_args(cmd) + ["--" + opt, target])
            covered += 1
c.check(covered >= 5 * 8, "every output option of every command was tried against every input (%d runs)" % covered)

# The case that destroyed a WAVECAR, through other spellings of the path.
wavecar = os.path.join(run_dir, "WAVECAR")
dotted = os.path.join(tmp, "bulk", "..", "bulk", "WAVECAR")
expect_refused("info --json DIR/../DIR/WAVECAR", ["info", run_dir, "--json", dotted])
link = os.path.join(tmp, "link-to-wavecar")
os.symlink(wavecar, link)
expect_refused("dump --json SYMLINK-to-WAVECAR", ["dump", run_dir, "--json", link])
expect_refused("info WAVECAR --json OUTCAR-sibling (file given, directory is the run)",
               ["info", wavecar, "--json", os.path.join(run_dir, "POSCAR")])
expect_refused("info --json DIR/WAVECAR on 2 ranks", ["info", run_dir, "--json", wavecar], nranks=2)

# Stems: state writes PREFIX_REAL.vasp, PREFIX.h5, ...; density FILE, FILE.h5, FILE.cube.
expect_refused("state -o DIR/dataset_Si (derived names beside dataset_Si.xml)",
               ["state", run_dir, "--band", "1", "-o", os.path.join(run_dir, "dataset_Si")])
expect_refused("density --output DIR/WAVECAR", ["density", run_dir, "--output", wavecar])

# Not inputs, still refused: a directory, one file named twice.
expect_refused("info --json DIRECTORY", ["info", run_dir, "--json", tmp], needle="is a directory")
same = os.path.join(tmp, "same.out")
expect_refused("project --json X --h5 X", ["project", "--bulk", run_dir, "--defect", run_dir,
                                          "--json", same, "--h5", os.path.join(tmp, ".", "same.out")],
               needle="name the same file")
c.check(not os.path.exists(same), "refused run wrote nothing under the shared name")

# Streams and links: renaming a finished file over them would replace the
# FIFO (or device) or the link itself. A FIFO takes JSON in place; HDF5 and
# volumetric outputs, which are renamed into place, refuse it; a link is
# refused.
fifo = os.path.join(tmp, "fifo")
os.mkfifo(fifo)
got = []
reader = threading.Thread(target=lambda: got.append(open(fifo).read()))
reader.start()
p = run(["info", run_dir, "--json", fifo], check=False)
reader.join(timeout=60)
c.check(p.returncode == 0 and stat.S_ISFIFO(os.stat(fifo).st_mode) and got and json.loads(got[0])["nbands"] > 0,
        "info --json FIFO: JSON written into the FIFO, which is still a FIFO (exit %d, %r)" % (p.returncode, p.stderr))
expect_refused("project --h5 FIFO", ["project", "--bulk", run_dir, "--defect", run_dir, "--h5", fifo],
               needle="not a regular file")
c.check(stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO is still a FIFO")
target = os.path.join(tmp, "target.json")
open(target, "w").write("{}")
os.symlink(target, os.path.join(tmp, "link.json"))
expect_refused("info --json LINK", ["info", run_dir, "--json", os.path.join(tmp, "link.json")],
               needle="symbolic link")
c.check(os.path.islink(os.path.join(tmp, "link.json")) and open(target).read() == "{}", "link and target untouched")

# Control: the guard lets a fresh output through, and a repeated run replace its own output.
fresh = os.path.join(tmp, "info.json")
for attempt in (1, 2):
    p = run(["info", run_dir, "--json", fresh], check=False)
    ok = p.returncode == 0 and json.load(open(fresh))["nbands"] > 0
    c.check(ok, "control run %d: info --json to a new file works (exit %d, %r)" % (attempt, p.returncode, p.stderr))

shutil.rmtree(tmp)
c.close()
