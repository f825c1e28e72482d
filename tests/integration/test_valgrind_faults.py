#!/usr/bin/env python3
"""The whole program under valgrind (memcheck, leaks) on bad input (issue 16).

The unit tests run under valgrind one module at a time; this runs pawproj
itself, as a singleton MPI process, on three kinds of bad input that leave
by different error paths half-way through a command: a WAVECAR cut off in
a band record (norms, after pools and the read stage are set up), a NaN in
a PAW-XML radial table (project, after both runs are open) and an
out-of-range band selection (density, after the WAVECAR header is read).
Each must exit 1 or 2 with its message, and valgrind must find no invalid
access, no use of uninitialised memory and no definite or indirect leak
that belongs to pawproj.

Open MPI, hwloc and PMIx leak and touch uninitialised memory by design at
MPI_Init; an error is theirs when, walking its stack from the innermost
frame outwards, a frame of one of their libraries comes before any frame of
pawproj's own sources. Everything else counts, including leaks inside HDF5,
FFTW or zlib reached from pawproj (a handle not closed on an error path).
Skips (77) without valgrind; the sanitizer build does not register it."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from common import REPO, SKIP, Checker, env, pawproj_exe

VALGRIND = shutil.which("valgrind")
if not VALGRIND:
    print("SKIP: valgrind not found")
    sys.exit(SKIP)

SI8 = os.path.join(REPO, "tests", "data", "si8")
SRC = os.path.join(REPO, "src")
MPI_OBJ = re.compile(r"libmpi|libopen-(pal|rte)|libhwloc|libpmix|libevent|mca_|pmix_|libucx|libuc[pst]|"
                     r"libfabric|libibverbs|ld-linux|libdl")
c = Checker("valgrind-faults")
tmp = tempfile.mkdtemp(prefix="pawproj-vg-")


def copy_run(name, case):
    d = os.path.join(tmp, case, name)
    shutil.copytree(os.path.join(SI8, name), d)
    return d


def ours(error):
    """True if the error's stack reaches pawproj's sources before any MPI library."""
    stack = error.find("stack")
    if stack is None:
        return True
    for frame in stack.findall("frame"):
        obj = frame.findtext("obj") or ""
        d = frame.findtext("dir") or ""
        if d.startswith(SRC):
            return True
        if MPI_OBJ.search(os.path.basename(obj)) or not obj:
            return False
    return False


def describe(error):
    what = error.findtext("kind") or "?"
    text = error.findtext("what") or (error.find("xwhat") is not None and error.find("xwhat").findtext("text")) or ""
    frames = []
    for frame in (error.find("stack") or []):
        fn, f, ln = frame.findtext("fn"), frame.findtext("file"), frame.findtext("line")
        frames.append("%s (%s:%s)" % (fn, f, ln) if f else (fn or frame.findtext("obj") or "?"))
    return "%s: %s at %s" % (what, text, " <- ".join(frames[:8]))


def run_case(name, args, needle):
    xml = os.path.join(tmp, name + ".xml")
    cmd = [VALGRIND, "--xml=yes", "--xml-file=" + xml, "--leak-check=full", "--show-leak-kinds=definite,indirect",
           "--track-origins=no", pawproj_exe()] + args
    p = subprocess.run(cmd, capture_output=True, text=True, env=env(), timeout=900, cwd=tmp)
    msg = p.stderr.strip()
    c.check(p.returncode in (1, 2), "%s: exit 1 or 2 under valgrind, got %d: %r" % (name, p.returncode, msg[-300:]))
    c.check(needle in msg, "%s: message names %r: %r" % (name, needle, msg[-300:]))
    try:
        root = ET.parse(xml).getroot()
    except (ET.ParseError, OSError) as e:
        c.check(False, "%s: valgrind's XML report %s unreadable: %s" % (name, xml, e))
        return
    errors = root.findall("error")
    mine = [e for e in errors if ours(e)]
    c.check(not mine, "%s: no memory error or leak of pawproj's (%d of valgrind's %d are Open MPI's): %s"
            % (name, len(errors) - len(mine), len(errors), "; ".join(describe(e) for e in mine[:3])))


# 1. WAVECAR cut off inside a band record.
bulk = copy_run("bulk", "truncated")
w = os.path.join(bulk, "WAVECAR")
size = os.path.getsize(w)
with open(w, "r+b") as f:
    f.truncate(size // 2 + 13)
run_case("wavecar-truncated", ["norms", bulk, "--json", os.path.join(tmp, "n.json")], "WAVECAR")

# 2. NaN in a radial table of the PAW-XML dataset (project: both runs open).
bulk2, vac = copy_run("bulk", "nan"), copy_run("vacancy", "nan")
for d in (bulk2, vac):
    p = os.path.join(d, "dataset_Si.xml")
    s = open(p).read()
    i = s.index("<pseudo_partial_wave")
    i = s.index(">", i) + 1
    j = s.index(" ", i + 2)
    open(p, "w").write(s[:i] + " nan" + s[j:])
run_case("pawxml-nan", ["project", "--bulk", bulk2, "--defect", vac, "--json", os.path.join(tmp, "p.json"),
                        "--h5", os.path.join(tmp, "p.h5")], "dataset_Si.xml")

# 3. A band selection out of range (density, after the header is read).
bulk3 = copy_run("bulk", "bands")
run_case("bands-out-of-range", ["density", bulk3, "--pseudo", "--bands", "1-9999",
                                "--output", os.path.join(tmp, "d.vasp")], "--bands")

shutil.rmtree(tmp, ignore_errors=True)
c.close()
