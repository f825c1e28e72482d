#!/usr/bin/env python3
"""k-point weights from the OUTCAR (issue 17): a real run directory without
vasprun.xml and IBZKPT takes its weights from the OUTCAR's list after
"k-points in reciprocal lattice and weights".

Good input: for the shared runs with both files (ga4-spin: a 2-point
symmetry-reduced 2x2x2 mesh; ga4-ncl), `info --json -` on a copy without
vasprun.xml gives the weights of the original vasprun.xml (parsed here, to
1e-6) and names the OUTCAR as the source; mos2-ws2-slab (OUTCAR only, 3x3x1
hexagonal mesh) gives the multiplicities 1, 6, 2 of the OUTCAR's IBZKPT
result over 9 (to the 3 decimals the list has); as ga4's weights are all
equal, weights edited into its OUTCAR (0.25/0.75, 1.5/0.5) must come out
as written, normalised. Order of sources:
vasprun.xml, then IBZKPT, then OUTCAR; none of them gives uniform weights.
Bad input (1 and 2 ranks): a missing k-point line, an extra one, a changed
coordinate, a garbled weight, a weight of 0.000, no list at all: exit != 0,
one error line naming the OUTCAR, the line and what was expected, and no
output written."""
import glob
import os
import re
import shutil
import tempfile

from common import Checker, need_shared, run, run_json

root = need_shared()
c = Checker("kweights-outcar")
tmp = tempfile.mkdtemp()
HEADER = "k-points in reciprocal lattice and weights"


def vasprun_list(path, name):
    """Rows of <varray name="NAME"> in vasprun.xml, as float lists."""
    text = open(path).read()
    m = re.search(r'<varray name="%s"\s*>(.*?)</varray>' % name, text, re.S)
    return [[float(x) for x in v.split()] for v in re.findall(r"<v>(.*?)</v>", m.group(1), re.S)]


def run_dir(name, src, skip=("vasprun.xml", "IBZKPT"), outcar_lines=None):
    """A copy of run directory src without the files in skip: symlinks, but
    the OUTCAR written out as outcar_lines when given."""
    d = os.path.join(tmp, name)
    os.makedirs(d)
    for f in sorted(os.listdir(src)):
        if f in skip or (f == "OUTCAR" and outcar_lines is not None):
            continue
        os.symlink(os.path.join(src, f), os.path.join(d, f))
    if outcar_lines is not None:
        open(os.path.join(d, "OUTCAR"), "w").write("".join(outcar_lines))
    return d


def info(d):
    j = run_json(["info", d])
    return [k["weight"] for k in j["kpoints"]], [k["frac"] for k in j["kpoints"]], j["weights_source"]


def close(a, b, tol):
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b))


# ---- weights from the OUTCAR against the run's own vasprun.xml
compared = 0
for case in ("ga4-spin", "ga4-ncl"):
    src = os.path.join(root, case)
    if not all(os.path.isfile(os.path.join(src, f)) for f in ("OUTCAR", "vasprun.xml", "WAVECAR")):
        continue
    ref = [v[0] for v in vasprun_list(os.path.join(src, "vasprun.xml"), "weights")]
    ref = [x / sum(ref) for x in ref]
    kref = vasprun_list(os.path.join(src, "vasprun.xml"), "kpointlist")
    d = run_dir(case, src)
    w, kf, source = info(d)
    c.check(close(w, ref, 1e-6), "%s: OUTCAR weights %s = vasprun.xml's %s" % (case, w, ref))
    c.check(all(close(a, b, 1e-6) for a, b in zip(kf, kref)), "%s: k-points are vasprun.xml's" % case)
    c.check(source.startswith(os.path.join(d, "OUTCAR")) and "3 decimals" in source,
            "%s: source is the OUTCAR, with its precision: %r" % (case, source))
    compared += 1
c.check(compared == 2, "both runs with OUTCAR and vasprun.xml compared (%d)" % compared)

# The case: a 3x3x1 hexagonal mesh, OUTCAR only. Exact weights are
# the multiplicities of the OUTCAR's IBZKPT result ("Following reciprocal
# coordinates", a different block from the one pawproj reads) over 9.
src = os.path.join(root, "mos2-ws2-slab")
if os.path.isfile(os.path.join(src, "OUTCAR")):
    lines = open(os.path.join(src, "OUTCAR")).read().splitlines()
    at = next(i for i, s in enumerate(lines) if "Following reciprocal coordinates" in s) + 2
    mult = []
    while lines[at].strip():
        mult.append(float(lines[at].split()[3]))
        at += 1
    exact = [m / sum(mult) for m in mult]
    w, kf, source = info(run_dir("mos2", src))
    c.check(close(exact, [1 / 9, 6 / 9, 2 / 9], 1e-12), "mos2: IBZKPT multiplicities 1, 6, 2 (%s)" % mult)
    c.check(close(w, exact, 5e-4) and not close(w, [1 / 3] * 3, 0.1),
            "mos2: weights %s = %s to the OUTCAR's 3 decimals" % (w, exact))
    c.check(os.path.basename(source.split(" ")[0]) == "OUTCAR", "mos2: source %r" % source)

# ---- order of sources, told apart by weights only one of them gives
ga4 = os.path.join(root, "ga4-spin")
d = run_dir("order-vasprun", ga4, skip=())
w, _, source = info(d)
c.check(source == os.path.join(d, "vasprun.xml"), "vasprun.xml before OUTCAR: %r" % source)
d = run_dir("order-ibzkpt", ga4)
open(os.path.join(d, "IBZKPT"), "w").write(
    "Automatically generated mesh\n 2\nReciprocal lattice\n 0.25 0.25 0.25 1\n -0.25 0.25 0.25 3\n")
w, _, source = info(d)
c.check(source == os.path.join(d, "IBZKPT") and close(w, [0.25, 0.75], 1e-12),
        "IBZKPT before OUTCAR: %s from %r" % (w, source))
d = run_dir("order-none", ga4, skip=("vasprun.xml", "IBZKPT", "OUTCAR"))
w, _, source = info(d)
c.check(source.startswith("uniform") and "OUTCAR" in source and close(w, [0.5, 0.5], 1e-12),
        "no source: uniform, and the message names OUTCAR too: %r" % source)

# ---- bad OUTCARs (ga4-spin: list at HEADER, then 2 k-points, then a blank line)
good = open(os.path.join(ga4, "OUTCAR")).readlines()
h = next(i for i, s in enumerate(good) if HEADER in s)  # 0-based index of the header
k1, k2 = h + 1, h + 2  # 0-based indices of the two k-point lines
assert good[k1].split()[:3] == ["0.25000000"] * 3 and good[k2].split()[0] == "-0.25000000", good[k1:k2 + 1]
assert not good[k2 + 1].strip()


def edited(i, new):
    out = list(good)
    if new is None:
        del out[i]
    else:
        out[i] = new
    return out


# ga4's true weights are all equal, as uniform ones would be: weights written
# into its OUTCAR show that they are read, and normalised.
text = list(good)
text[k1] = good[k1].replace("0.500", "0.250")
text[k2] = good[k2].replace("0.500", "0.750")
d = run_dir("edited-weights", ga4, outcar_lines=text)
w, _, source = info(d)
c.check(close(w, [0.25, 0.75], 1e-12), "weights 0.250, 0.750 written into the OUTCAR are read: %s" % w)
d = run_dir("unnormalised", ga4, outcar_lines=edited(k1, good[k1].replace("0.500", "1.500")))
w, _, source = info(d)
c.check(close(w, [0.75, 0.25], 1e-12), "weights 1.500, 0.500 are normalised to sum 1: %s" % w)

cases = [
    ("missing-line", edited(k2, None), ["line %d" % (k2 + 1), "ends (blank line) after 1 k-points",
                                       "expected the WAVECAR's 2"]),
    ("extra-line", edited(k2, good[k2] + "   0.25000000 -0.25000000  0.25000000       0.500\n"),
     ["line %d" % (k2 + 2), "more than 2 k-points", "WAVECAR's 2"]),
    ("changed-kpoint", edited(k2, good[k2].replace("-0.25000000", "-0.24990000", 1)),
     ["line %d" % (k2 + 1), "(-0.24990000 0.25000000 0.25000000)", "WAVECAR k-point 2",
      "(-0.25000000 0.25000000 0.25000000)"]),
    ("garbled-weight", edited(k1, good[k1].replace("0.500", "0.5x0")),
     ["line %d" % (k1 + 1), "\"kx ky kz weight\"", "0.5x0"]),
    ("zero-weight", edited(k1, good[k1].replace("0.500", "0.000")),
     ["line %d" % (k1 + 1), "weight of k-point 1 is 0.000", "3 decimals"]),
    ("no-list", edited(h, " k-points listed elsewhere\n"),
     ["none of its %d lines" % len(good), HEADER]),
]
for name, text, needles in cases:
    d = run_dir(name, ga4, outcar_lines=text)
    outcar = os.path.join(d, "OUTCAR")
    for nranks in (1, 2):
        out = os.path.join(tmp, "%s-%d.json" % (name, nranks))
        p = run(["info", d, "--json", out], nranks, check=False)
        msg = p.stderr.strip()
        c.check(p.returncode != 0 and outcar in msg and all(n in msg for n in needles),
                "%s (%d ranks): exit %d, stderr %r names %s and contains %s"
                % (name, nranks, p.returncode, msg, outcar, needles))
        c.check(msg.count("error:") == 1, "%s (%d ranks): exactly one error line: %r" % (name, nranks, msg))
        left = glob.glob(out + "*")
        c.check(not left and not p.stdout.strip(), "%s (%d ranks): no output (%s, stdout %r)"
                % (name, nranks, left, p.stdout[:200]))

shutil.rmtree(tmp)
c.close()
