#!/usr/bin/env python3
"""Bad input: each case fails with exit status != 0, one clear message that
names the file and what was expected, and leaves no output file behind."""
import glob
import gzip
import os
import shutil
import struct
import tempfile

from common import Checker, need_shared, run

root = need_shared()
c = Checker("bad-input")
src = os.path.join(root, "ga4-spin")
tmp = tempfile.mkdtemp()


def case(name, wavecar_bytes=None, poscar_text=None):
    d = os.path.join(tmp, name)
    os.makedirs(d)
    if wavecar_bytes is not None:
        open(os.path.join(d, "WAVECAR"), "wb").write(wavecar_bytes)
    shutil.copy(os.path.join(src, "CONTCAR"), os.path.join(d, "CONTCAR")) if poscar_text is None else \
        open(os.path.join(d, "CONTCAR"), "w").write(poscar_text)
    return d


def expect_fail(name, args, needles, nranks=1):
    out_json = os.path.join(tmp, name + ".json")
    out_h5 = os.path.join(tmp, name + ".h5")
    extra = ["--json", out_json]
    if args[0] == "project":
        extra += ["--h5", out_h5]
    p = run(list(args) + extra, nranks, check=False)
    msg = p.stderr.strip()
    ok = p.returncode != 0 and all(n in msg for n in needles)
    c.check(ok, "%s (%d ranks): exit %d, stderr %r should contain %s" % (name, nranks, p.returncode, msg, needles))
    c.check(msg.count("error:") == 1, "%s: exactly one error line: %r" % (name, msg))
    left = glob.glob(os.path.join(tmp, name + ".*"))
    c.check(not left, "%s: no output file left: %s" % (name, left))


good = open(os.path.join(src, "WAVECAR"), "rb").read()
reclen = int(struct.unpack("<d", good[:8])[0])

for nranks in (1, 2):
    sfx = "-%d" % nranks
    d = case("truncated" + sfx, good[: len(good) - reclen - 100])
    expect_fail("truncated" + sfx, ["info", d], ["truncated", "WAVECAR"], nranks)
    expect_fail("truncated-read" + sfx, ["dump", d], ["truncated"], nranks)

    hdr = bytearray(good)
    hdr[8:16] = struct.pack("<d", 3.0)
    d = case("nspin" + sfx, bytes(hdr))
    expect_fail("nspin" + sfx, ["info", d], ["record 1", "spin count"], nranks)

    hdr = bytearray(good)
    hdr[16:24] = struct.pack("<d", 12345.0)
    d = case("rtag" + sfx, bytes(hdr))
    expect_fail("rtag" + sfx, ["info", d], ["rtag", "12345", "45200"], nranks)

    hdr = bytearray(good)
    hdr[reclen + 16: reclen + 24] = struct.pack("<d", 250.0)  # ENCUT: npw fits no variant
    d = case("encut" + sfx, bytes(hdr))
    expect_fail("encut" + sfx, ["info", d], ["match no WAVECAR variant", "ENCUT"], nranks)

    nan = bytearray(good)
    off = 3 * reclen + 40 * 8  # spin 1, k 1, band 1, coefficient 41
    nan[off: off + 4] = struct.pack("<f", float("nan"))
    d = case("nan" + sfx, bytes(nan))
    expect_fail("nan" + sfx, ["dump", d], ["not a finite number", "band 1"], nranks)

    gz = gzip.compress(good)
    d = case("gz-truncated" + sfx)
    open(os.path.join(d, "WAVECAR.gz"), "wb").write(gz[: len(gz) // 2])
    expect_fail("gz-truncated" + sfx, ["info", d], ["gzip"], nranks)

    d = case("not-wavecar" + sfx, b"hello world, not a WAVECAR at all" * 10)
    expect_fail("not-wavecar" + sfx, ["info", d], ["record 1"], nranks)

# POSCAR whose lattice does not belong to the WAVECAR.
poscar = open(os.path.join(src, "CONTCAR")).read().splitlines()
poscar[2] = "  4.5 0.0106499131953374 0.0"
d = case("poscar-lattice", good, "\n".join(poscar) + "\n")
expect_fail("poscar-lattice", ["project", "--method", "pseudo", "--bulk", src, "--defect", d],
            ["lattice differs", "CONTCAR"])
poscar = open(os.path.join(src, "CONTCAR")).read().splitlines()
d = case("poscar-truncated", good, "\n".join(poscar[:9]) + "\n")
expect_fail("poscar-truncated", ["project", "--method", "pseudo", "--bulk", src, "--defect", d],
            ["CONTCAR", "line"])
expect_fail("missing", ["info", os.path.join(tmp, "does-not-exist")], ["does-not-exist"])
expect_fail("missing-dir", ["project", "--method", "pseudo", "--bulk", tmp, "--defect", src], ["no WAVECAR"])
other = os.path.join(root, "h-atom")
expect_fail("lattice-mismatch", ["project", "--method", "pseudo", "--bulk", src, "--defect", other],
            ["differ"])
expect_fail("band-range", ["project", "--method", "pseudo", "--bulk", src, "--defect", src, "--bands", "20-30"],
            ["out of range", "24 bands"])
expect_fail("budget", ["project", "--method", "pseudo", "--bulk", src, "--defect", src, "--mem-per-rank", "100K"],
            ["budget", "'project'", "bulk-wf"])
# k-point weights that do not belong to the WAVECAR.
d = case("ibzkpt-count", good)
open(os.path.join(d, "IBZKPT"), "w").write("Automatic\n 3\nReciprocal lattice\n 0 0 0 1\n .5 0 0 1\n 0 .5 0 1\n")
expect_fail("ibzkpt-count", ["info", d], ["IBZKPT line 2", "3 k-points", "2"])
d = case("ibzkpt-kpoint", good)
open(os.path.join(d, "IBZKPT"), "w").write("Automatic\n 2\nReciprocal lattice\n 0.25 0.25 0.25 1\n 0.1 0.2 0.3 1\n")
expect_fail("ibzkpt-kpoint", ["info", d], ["IBZKPT line 5", "differs from WAVECAR k-point 2"])
d = case("vasprun-count", good)
open(os.path.join(d, "vasprun.xml"), "w").write('<modeling>\n<varray name="weights" >\n<v> 1.0 </v>\n</varray>\n</modeling>\n')
expect_fail("vasprun-count", ["info", d], ["vasprun.xml", "1 k-point weights", "2 k-points"])
# Hostile sizes: grids refused before anything is allocated, naming the limit.
si8 = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "si8", "bulk")
expect_fail("huge-grid", ["density", si8, "--grid", "60000,60000,60000"], ["--grid", "60000", "limit", "2^33"])
expect_fail("huge-proj-grid", ["norms", si8, "--lreal", "T", "--proj-grid", "40000,40000,40000"],
            ["--proj-grid", "limit"])
shutil.rmtree(tmp)
c.close()
