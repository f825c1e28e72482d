#!/usr/bin/env python3
"""Every command answers --help with usage and exit 0; wrong usage exits 2
with one message; input files drive a run like the command line.

The commands are taken from `pawproj --help`, so a new command is checked
without editing this file: its --help must exit 0 with a usage line, an
"options:" section in which every option has help text, and an unknown
option must exit 2 with exactly one error line."""
import os
import re
import subprocess
import tempfile

from common import Checker, REPO, SHARED_VASP, env, pawproj_exe

c = Checker("cli")
exe = pawproj_exe()


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True, env=env(), timeout=120)


def lines(text):
    return [l for l in text.splitlines() if l.strip()]


def one_error(p, *needles):
    """Exit 2, nothing on stdout, exactly one non-empty stderr line, the
    pawproj error line, containing every needle."""
    err = lines(p.stderr)
    return (p.returncode == 2 and not p.stdout.strip() and len(err) == 1
            and err[0].startswith("pawproj: error: ") and all(n in err[0] for n in needles))


def section(text, title):
    """Lines of the indented section that follows the line `title`."""
    out, inside = [], False
    for l in text.splitlines():
        if l == title:
            inside = True
            continue
        if inside:
            if not l.strip():
                break
            out.append(l)
    return out


# An option line: "  --name[ METAVAR]   help text" (two spaces, the option,
# at least one space, the text).
OPT = re.compile(r"^  (--[a-z][a-z0-9-]*)((?: [A-Z][A-Za-z0-9|,_-]*)?)(\s+)(.*)$")
CMD = re.compile(r"^  ([a-z][a-z0-9-]*)\s+(\S.*)$")

# ---- pawproj --help -----------------------------------------------------

p = run("--help")
top = p.stdout
c.check(p.returncode == 0 and "commands:" in top, "pawproj --help")
c.check(not p.stderr.strip(), "pawproj --help writes nothing on stderr: " + p.stderr)
c.check(any(l.startswith("usage: ") and "pawproj <command>" in l for l in top.splitlines()),
        "pawproj --help has a usage line: " + top[:200])
commands = []
for l in section(top, "commands:"):
    m = CMD.match(l)
    if c.check(m is not None, "command line with a description: %r" % l):
        commands.append(m.group(1))
c.check(len(commands) >= 6 and len(set(commands)) == len(commands),
        "pawproj --help lists commands: %s" % commands)
for cmd in ("info", "project", "norms", "density", "state", "dump"):
    c.check(cmd in commands, "pawproj --help lists %s" % cmd)
common = section(top, "options for every command:")
c.check(len(common) >= 3, "pawproj --help has the common options: %s" % common)
for l in common:
    m = OPT.match(l)
    c.check(m is not None and m.group(4).strip() not in ("", "(null)"), "common option with help text: %r" % l)
p = run("-h")
c.check(p.returncode == 0 and p.stdout == top, "pawproj -h is pawproj --help")
p = run()
c.check(p.returncode == 2 and "usage: " in p.stdout + p.stderr, "pawproj without a command: exit 2 and usage (%d)"
        % p.returncode)

# ---- pawproj --version ---------------------------------------------------

p = run("--version")
c.check(p.returncode == 0 and p.stdout.startswith("pawproj "), "--version")
ver = p.stdout.strip()
c.check(re.fullmatch(r"pawproj \d+\.\d+\.\d+", ver) is not None and len(lines(p.stdout)) == 1,
        "--version is one line 'pawproj X.Y.Z': %r" % p.stdout)
c.check(top.startswith(ver + " "), "--help names the same version as --version: %r" % top[:40])
with open(os.path.join(REPO, "CMakeLists.txt")) as f:
    m = re.search(r"project\(pawproj VERSION (\d+\.\d+\.\d+)", f.read())
c.check(m is not None and ver == "pawproj " + m.group(1), "--version is the CMake project version: %s" % ver)

# ---- pawproj <command> --help, for every command listed -----------------

for cmd in commands:
    p = run(cmd, "--help")
    out = p.stdout
    what = "%s --help" % cmd
    c.check(p.returncode == 0, "%s: exit %d, stderr %s" % (what, p.returncode, p.stderr[:200]))
    c.check(not p.stderr.strip(), "%s writes nothing on stderr: %s" % (what, p.stderr[:200]))
    first = out.splitlines()[0] if out else ""
    c.check(first.startswith("usage: pawproj " + cmd + " ") or first == "usage: pawproj " + cmd,
            "%s: first line is the usage line: %r" % (what, first))
    text = out.split("\n\n")
    c.check(len(text) >= 3 and len(text[1].strip()) > 20, "%s: a description between usage and options" % what)
    c.check("\noptions:\n" in out, "%s: an 'options:' section" % what)
    opts = section(out, "options:")
    names = []
    for l in opts:
        m = OPT.match(l)
        if not c.check(m is not None, "%s: option line '  --name [ARG]  help': %r" % (what, l)):
            continue
        names.append(m.group(1))
        c.check(m.group(4).strip() not in ("", "(null)"), "%s: option %s has help text: %r" % (what, m.group(1), l))
    c.check("--help" in names, "%s: lists --help" % what)
    c.check(len(names) >= 2, "%s: lists options besides --help: %s" % (what, names))
    c.check(len(set(names)) == len(names), "%s: no option listed twice: %s" % (what, names))
    # Nothing after the options section but blank lines.
    after = out.split("\noptions:\n", 1)[1] if "\noptions:\n" in out else ""
    c.check(all(l.startswith("  --") for l in lines(after)), "%s: the options section ends the help" % what)
    # The options of every command work with --help too (stripped before).
    p = run(cmd, "--quiet", "--help")
    c.check(p.returncode == 0 and p.stdout == out, "%s with --quiet: same help" % what)
    # An unknown option: exit 2, one message naming it.
    p = run(cmd, "--no-such-option", "x")
    c.check(one_error(p, "--no-such-option"), "%s --no-such-option: exit %d, stdout %r, stderr %r"
            % (cmd, p.returncode, p.stdout[:80], p.stderr))

# ---- wrong usage ----------------------------------------------------------

for cmd in ("info", "project", "dump"):
    p = run(cmd, "--help")
    c.check(p.returncode == 0 and "usage: pawproj " + cmd in p.stdout and "--json" in p.stdout,
            "%s --help: %d %s" % (cmd, p.returncode, p.stdout[:80]))
p = run("frobnicate")
c.check(p.returncode == 2 and "unknown command" in p.stderr, "unknown command: " + p.stderr)
c.check(one_error(p, "unknown command", "'frobnicate'"), "unknown command: one message: %r" % p.stderr)
for cmd in commands:
    c.check(re.search(r"\b%s\b" % re.escape(cmd), p.stderr) is not None,
            "unknown command message lists %s: %s" % (cmd, p.stderr.strip()))
p = run("--no-such-option")
c.check(one_error(p, "--no-such-option"), "unknown top-level option: exit %d, %r" % (p.returncode, p.stderr))
p = run("info", "--no-such-option", "x")
c.check(p.returncode == 2 and "--no-such-option" in p.stderr, "unknown option: " + p.stderr)
p = run("info", "--no-such-option=x", "x")
c.check(one_error(p, "--no-such-option"), "unknown option with =: %r" % p.stderr)
p = run("info")
c.check(p.returncode == 2 and "exactly one" in p.stderr, "missing argument: " + p.stderr)
c.check(one_error(p, "exactly one"), "missing argument: one message: %r" % p.stderr)
p = run("project", "--method", "pseudo", "--bulk", "x")
c.check(p.returncode == 2 and "--defect" in p.stderr, "project without --defect: " + p.stderr)
p = run("project", "--bulk", "x", "--defect", "y")
c.check(p.returncode != 0 and "x does not exist" in p.stderr, "missing bulk directory: " + p.stderr)
p = run("info", "x", "--mem-per-rank", "lots")
c.check(p.returncode == 2 and "memory size" in p.stderr, "bad --mem-per-rank: " + p.stderr)
c.check(one_error(p, "memory size"), "bad --mem-per-rank: one message: %r" % p.stderr)

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
