#!/usr/bin/env python3
"""scripts/plot_character.py (issue 12 point 4) on the shipped example: the
README's main job (tests/data/si8, as scripts/quickstart.sh runs it) gives
a PNG of the expected pixel size, and the numbers the script prints (bulk
VBM, CBM and the defect levels relative to the VBM, occupations, character)
equal a numpy computation straight from the HDF5 datasets here and
pawproj's own band energies in its JSON. The same on a multi-defect file
(/defects/<label>, layout (b)) built here from two runs (the vacancy with
method paw, the bulk as its own defect with method pseudo) and on a
spin-polarised copy; then the script's bad-input errors (exit 2, one line
naming the problem)."""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

from common import Checker, REPO, SKIP, run

try:
    import h5py
    import numpy as np
    import matplotlib  # noqa: F401  (the script needs it; skip, not fail, without it)
except ImportError as e:
    print("SKIP: %s (Debian: python3-h5py, python3-matplotlib)" % e)
    sys.exit(SKIP)

SCRIPT = os.path.join(os.environ.get("PAWPROJ_SCRIPTS", os.path.join(REPO, "scripts")), "plot_character.py")
# The picture is 6 x 4.5 inches per defect (documented in the script).
WIDTH_IN, HEIGHT_IN = 6.0, 4.5
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# --print has 6 decimals: 1e-6 leaves room for the last digit's rounding.
TOL = 1.5e-6

c = Checker("plot")
si8 = os.path.join(REPO, "tests", "data", "si8")
bulk, vac = os.path.join(si8, "bulk"), os.path.join(si8, "vacancy")


def plot(args):
    return subprocess.run([sys.executable, SCRIPT] + list(args), capture_output=True, text=True, timeout=300)


def png_size(path):
    """(width, height) from the PNG's IHDR chunk, None if not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != PNG_MAGIC or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def check_png(path, ndefects, dpi, what):
    ok = c.check(os.path.isfile(path) and os.path.getsize(path) > 0, "%s: %s written, non-empty" % (what, path))
    size = png_size(path) if ok else None
    c.check(size is not None, "%s: PNG magic bytes and IHDR" % what)
    want = (int(WIDTH_IN * ndefects * dpi), int(HEIGHT_IN * dpi))
    c.check(size == want, "%s: %s pixels at dpi %d = %s" % (what, size, dpi, want))


HEAD = re.compile(r"^(\S.*) \(method (\w+)\): bulk VBM (\S+) eV absolute; relative to it: CBM (\S+) eV$")
LEVEL = re.compile(r"^  spin (\d+) band (\d+): level (\S+) eV  occupation (\S+)  valence (\S+)"
                   r"  conduction (\S+)  outside (\S+)$")


def parse_print(text):
    """{label: {method, vbm, cbm, levels: {(spin, band): (E, occ, v, c, outside)}}}"""
    out, cur = {}, None
    for line in text.splitlines():
        m = HEAD.match(line)
        if m:
            cur = out[m.group(1)] = {"method": m.group(2), "vbm": float(m.group(3)),
                                     "cbm": float(m.group(4)), "levels": {}}
            continue
        m = LEVEL.match(line)
        if m and cur is not None:
            cur["levels"][(int(m.group(1)), int(m.group(2)))] = tuple(float(x) for x in m.group(3, 4, 5, 6, 7))
    return out


def expected(g, method):
    """The same quantities with numpy from the group's datasets."""
    be, bo = g["bulk_eigenvalues"][()], g["bulk_occupations"][()]
    vbm, cbm = be[bo > 0.5].max(), be[bo <= 0.5].min()
    w = g["kweights"][()] / g["kweights"][()].sum()
    de, do, ch = g["defect_eigenvalues"][()], g["defect_occupations"][()], g["character"][()]
    levels = {}
    for s in range(de.shape[0]):
        for i, n in enumerate(g["defect_bands"][()]):
            v, cc = ch[s, i, 0], ch[s, i, 1]
            levels[(s + 1, int(n))] = (np.sum(w * de[s, :, n - 1]) - vbm, np.sum(w * do[s, :, n - 1]),
                                       v, cc, 1 - v - cc if method == "paw" else 0.0)
    return {"method": method, "vbm": vbm, "cbm": cbm - vbm, "levels": levels}


def compare(got, want, what):
    if not c.check(got is not None, "%s: printed" % what):
        return
    c.check(got["method"] == want["method"], "%s: method %s" % (what, got["method"]))
    c.check(abs(got["vbm"] - want["vbm"]) < TOL, "%s: VBM %.6f = numpy %.6f" % (what, got["vbm"], want["vbm"]))
    c.check(abs(got["cbm"] - want["cbm"]) < TOL, "%s: CBM - VBM %.6f = numpy %.6f" % (what, got["cbm"], want["cbm"]))
    c.check(sorted(got["levels"]) == sorted(want["levels"]), "%s: levels %s" % (what, sorted(got["levels"])))
    for key, w in want["levels"].items():
        g = got["levels"].get(key)
        if g is None:
            continue
        # energy to the print's 6 decimals, fractions to its 4
        ok = abs(g[0] - w[0]) < TOL and all(abs(a - b) < 1.5e-4 for a, b in zip(g[1:], w[1:]))
        c.check(ok, "%s: spin %d band %d: %s = numpy %s" % (what, key[0], key[1], g, tuple(round(x, 6) for x in w)))


def copy_defect(src, dst_group, label=None):
    """Layout (a) of src into dst_group: datasets and root attributes."""
    with h5py.File(src, "r") as f:
        for name in f:
            f.copy(f[name], dst_group, name)
        for k, v in f.attrs.items():
            dst_group.attrs[k] = v
    if label:
        dst_group.attrs["label"] = label


def check_error(args, what, needles):
    p = plot(args)
    msg = p.stderr.strip()
    c.check(p.returncode == 2, "%s: exit status %d (want 2)" % (what, p.returncode))
    c.check(msg.count("\n") == 0 and "Traceback" not in msg, "%s: one-line message: %r" % (what, msg))
    missing = [n for n in needles if n not in msg]
    c.check(not missing, "%s: message names %s: %r" % (what, needles, msg))


with tempfile.TemporaryDirectory() as tmp:
    # ---- (a) the shipped example, run as scripts/quickstart.sh runs it
    vac_js, vac_h5 = os.path.join(tmp, "si8_vacancy.json"), os.path.join(tmp, "si8_vacancy.h5")
    run(["project", "--datasets", bulk, "--bulk", bulk, "--defect", vac,
         "--json", vac_js, "--h5", vac_h5, "--mem-report"], nranks=2)
    png = os.path.join(tmp, "single.png")
    p = plot([vac_h5, "-o", png, "--dpi", "80", "--print"])
    c.check(p.returncode == 0 and not p.stderr.strip(), "single defect: exit %d, stderr %r" % (p.returncode, p.stderr))
    check_png(png, 1, 80, "single defect")
    got = parse_print(p.stdout)
    c.check(list(got) == ["vacancy"], "single defect: label from the defect folder: %s" % list(got))
    with h5py.File(vac_h5, "r") as f:
        want = expected(f, "paw")
    compare(got.get("vacancy"), want, "single defect")
    # pawproj's own k-weighted band energies (C, from its JSON) on the same axis
    bands = json.load(open(vac_js))["bands"]
    lv = got.get("vacancy", {}).get("levels", {})
    d = max((abs(lv[(b["spin"], b["band"])][0] - (b["energy_eV"] - want["vbm"])) for b in bands
             if (b["spin"], b["band"]) in lv), default=np.inf)
    c.check(len(bands) == len(lv) and d < TOL, "single defect: levels = pawproj JSON energy_eV - VBM (max diff %.1e)" % d)

    # ---- (b) multi-defect file from two runs
    bulk_h5 = os.path.join(tmp, "bulk_as_defect.h5")
    run(["project", "--method", "pseudo", "--bulk", bulk, "--defect", bulk, "--h5", bulk_h5], nranks=1)
    multi = os.path.join(tmp, "multi.h5")
    with h5py.File(multi, "w") as f:
        f.attrs["complete"] = 1
        top = f.create_group("defects")
        copy_defect(vac_h5, top.create_group("vacancy"))               # label = subgroup name
        copy_defect(bulk_h5, top.create_group("bulk"), label="bulk")   # label attribute as well
    png = os.path.join(tmp, "multi.png")
    p = plot([multi, "-o", png, "--dpi", "50", "--title", "Si8: vacancy and bulk", "--print"])
    c.check(p.returncode == 0, "multi-defect: exit %d, stderr %r" % (p.returncode, p.stderr))
    check_png(png, 2, 50, "multi-defect")
    got = parse_print(p.stdout)
    c.check(sorted(got) == ["bulk", "vacancy"], "multi-defect: defects %s" % sorted(got))
    with h5py.File(multi, "r") as f:
        compare(got.get("vacancy"), expected(f["defects/vacancy"], "paw"), "multi-defect vacancy")
        compare(got.get("bulk"), expected(f["defects/bulk"], "pseudo"), "multi-defect bulk (pseudo)")

    # ---- spin-polarised: the vacancy with a second spin 0.3 eV higher whose
    # defect levels disperse (0.1 eV per k-point) and unnormalised, unequal
    # k-weights, so that a plain or unnormalised mean would show (the si8
    # levels are flat and its weights equal).
    spin2 = os.path.join(tmp, "spin2.h5")
    with h5py.File(vac_h5, "r") as src, h5py.File(spin2, "w") as f:
        for k, v in src.attrs.items():
            f.attrs[k] = v
        for name in ("kpoints", "defect_bands"):
            f[name] = src[name][()]
        nk = src["kweights"].shape[0]
        f["kweights"] = np.arange(1.0, nk + 1)
        f["bulk_eigenvalues"] = np.concatenate([src["bulk_eigenvalues"][()], src["bulk_eigenvalues"][()] + 0.3])
        de = src["defect_eigenvalues"][()]
        f["defect_eigenvalues"] = np.concatenate([de, de + 0.3 + 0.1 * np.arange(nk)[None, :, None]])
        for name in ("bulk_occupations", "defect_occupations", "character"):
            f[name] = np.concatenate([src[name][()], src[name][()]])
    png = os.path.join(tmp, "spin2.png")
    p = plot([spin2, "-o", png, "--dpi", "40", "--print"])
    c.check(p.returncode == 0, "spin 2: exit %d, stderr %r" % (p.returncode, p.stderr))
    check_png(png, 1, 40, "spin 2")
    got = list(parse_print(p.stdout).values())
    c.check(len(got) == 1, "spin 2: one defect printed")
    with h5py.File(spin2, "r") as f:
        compare(got[0] if got else None, expected(f, "paw"), "spin 2")

    # ---- outside follows the method attribute, not the numbers: a pseudo
    # file whose valence + conduction is made 0.9 still has nothing outside
    # (real pseudo files sum to 1, where 1 - v - c would pass by chance).
    pseudo = os.path.join(tmp, "pseudo.h5")
    with h5py.File(bulk_h5, "r") as src, h5py.File(pseudo, "w") as f:
        copy_defect(bulk_h5, f)
        ch = src["character"][()]
        ch[..., :2] *= 0.9 / ch[..., :2].sum(axis=-1, keepdims=True)
        f["character"][...] = ch
    p = plot([pseudo, "-o", os.path.join(tmp, "pseudo.png"), "--dpi", "20", "--print"])
    got = list(parse_print(p.stdout).values())
    outside = [lv[4] for lv in got[0]["levels"].values()] if got else []
    c.check(p.returncode == 0 and outside and all(x == 0 for x in outside),
            "pseudo with v + c = 0.9: outside %s = 0" % outside)

    # ---- bad input: exit 2, one line naming the problem, no picture
    out = os.path.join(tmp, "bad.png")
    nofile = os.path.join(tmp, "nonexistent.h5")
    check_error([nofile, "-o", out], "missing file", [nofile, "no such file"])
    text = os.path.join(tmp, "notes.h5")
    with open(text, "w") as f:
        f.write("not an HDF5 file\n")
    check_error([text, "-o", out], "not HDF5", [text, "not an HDF5 file"])
    nokw = os.path.join(tmp, "no_kweights.h5")
    with h5py.File(vac_h5, "r") as src, h5py.File(nokw, "w") as f:
        for name in src:
            if name != "kweights":
                src.copy(src[name], f, name)
        f.attrs["method"] = src.attrs["method"]
    check_error([nokw, "-o", out], "missing dataset", ["'kweights'", "missing"])
    with h5py.File(multi, "a") as f:
        del f["defects/bulk/character"]
    check_error([multi, "-o", out], "missing dataset in /defects", ["'character'", "/defects/bulk", "missing"])
    c.check(not os.path.exists(out), "bad input writes no picture")
    p = plot([vac_h5])
    c.check(p.returncode == 2 and "-o" in p.stderr, "no -o: exit %d, %r" % (p.returncode, p.stderr.strip()[-80:]))
    p = plot([vac_h5, "-o", out, "--dpi", "0"])
    c.check(p.returncode == 2 and "--dpi" in p.stderr, "--dpi 0: exit %d" % p.returncode)
    p = plot(["--help"])
    c.check(p.returncode == 0 and all(s in p.stdout for s in ("-o FILE", "--title", "--dpi", "--print")),
            "--help: exit %d, lists -o, --title, --dpi, --print" % p.returncode)
c.close()
