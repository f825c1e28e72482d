#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/TARGET/)
from the small real inputs of the repository and of ../shared/data/vasp
(when present), plus a few synthetic files. Run from anywhere:

    /usr/bin/python3 tests/fuzz/make_seeds.py

Existing seeds of the same name are overwritten; other files (regression
inputs added by hand, named regress-*) are left alone. The corpus must stay
small (< 2 MB in all): real files are cut to the part the readers use.
"""
import gzip
import io
import math
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data", "vasp")
SI8 = os.path.join(ROOT, "tests", "data", "si8")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from pawproj_tools import wavecar as W  # noqa: E402

CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def gz(data):
    if isinstance(data, str):
        data = data.encode()
    b = io.BytesIO()
    with gzip.GzipFile(fileobj=b, mode="wb", mtime=0) as g:
        g.write(data)
    return b.getvalue()


def read(path, limit=None):
    with open(path, "rb") as f:
        return f.read() if limit is None else f.read(limit)


def shared(*p):
    path = os.path.join(SHARED, *p)
    return path if os.path.exists(path) else None


# ---- WAVECAR ---------------------------------------------------------------

def tiny_wavecar(variant="standard", rtag=45200, nspin=1, kpts=((0, 0, 0),), nbands=3,
                 lattice=((3, 0, 0), (0, 3, 0), (0, 0, 3)), encut=100.0, seed=1):
    """A small valid WAVECAR; coefficients decay with |k+G| as real ones do
    (so the Gamma-only half can be told by the kinetic energy)."""
    rng = np.random.default_rng(seed)
    lat = np.array(lattice, float)
    b = W.reciprocal(lat)
    kp = np.array(kpts, float)
    coeffs = []
    for s in range(nspin):
        per_k = []
        for k in kp:
            g = W.gvectors(lat, encut, k, variant)
            q2 = np.einsum("ij,ij->i", (g + k) @ b, (g + k) @ b)
            bands = []
            for n in range(nbands):
                amp = np.exp(-q2 / (2.0 + n)) * (1 + 0.1 * rng.standard_normal(len(g)))
                c = amp * np.exp(2j * np.pi * rng.random(len(g)))
                if variant.startswith("gamma"):
                    c[np.all(g == 0, axis=1)] = abs(c[np.all(g == 0, axis=1)])
                if variant == "ncl":
                    c = np.concatenate((c, 0.5 * c[::-1]))
                bands.append(c / np.linalg.norm(c))
            per_k.append(bands)
        coeffs.append(per_k)
    eigs = [[[-5.0 + 1.5 * n for n in range(nbands)] for _ in kp] for _ in range(nspin)]
    occs = [[[1.0 if n < nbands // 2 else (0.5 if n == nbands // 2 else 0.0) for n in range(nbands)]
             for _ in kp] for _ in range(nspin)]
    buf = io.BytesIO()

    class Sink(io.BytesIO):
        def __exit__(self, *a):
            buf.write(self.getvalue())
            return False
    orig = W._open_write
    W._open_write = lambda path: Sink()
    try:
        W.write_wavecar("mem", lat, encut, 1.25, kp, eigs, occs, coeffs, rtag=rtag, variant=variant)
    finally:
        W._open_write = orig
    return buf.getvalue()


def wavecar_seeds():
    t = "fuzz_wavecar"
    std = tiny_wavecar(nspin=2, kpts=((0, 0, 0), (0.25, 0, 0.5)))
    put(t, "std-2spin-2k", std)
    put(t, "std-2spin-2k.gz", gz(std))
    put(t, "std-triclinic", tiny_wavecar(kpts=((0.5, 0.5, 0),), nbands=2,
                                          lattice=((3, 0, 0), (1.2, 2.8, 0), (0.4, 0.7, 3.1)), encut=80))
    put(t, "ncl", tiny_wavecar(variant="ncl", kpts=((0, 0, 0), (0.5, 0, 0)), nbands=2))
    put(t, "gamma-x", tiny_wavecar(variant="gamma-x", nbands=4, encut=150))
    put(t, "gamma-z", tiny_wavecar(variant="gamma-z", nbands=4, encut=150, seed=2))
    put(t, "rtag45210", tiny_wavecar(rtag=45210, kpts=((0.25, 0.25, 0.25),), nbands=2))
    put(t, "rtag53300-longheader", tiny_wavecar(rtag=53300, nbands=24, encut=60))
    put(t, "rtag53310", tiny_wavecar(rtag=53310, nspin=2, nbands=2, encut=60))
    # The real file: its first 3 records only (header, k header, band 1):
    # truncated, so it must be refused as such.
    src = os.path.join(SI8, "bulk", "WAVECAR")
    if os.path.exists(src):
        reclen = int(np.frombuffer(read(src, 8), "<f8")[0])
        put(t, "si8-bulk-first3records", read(src, 3 * reclen))


# ---- POSCAR ------------------------------------------------------------------

def poscar_seeds():
    t = "fuzz_poscar"
    for name, path in (("si8-bulk", os.path.join(SI8, "bulk", "POSCAR")),
                       ("si8-vacancy", os.path.join(SI8, "vacancy", "POSCAR")),
                       ("co2", shared("co2-gamma", "POSCAR")),
                       ("h-atom", shared("h-atom", "POSCAR")),
                       ("mos2-ws2", shared("mos2-ws2-slab", "POSCAR")),
                       ("ga4-contcar", shared("ga4-spin", "CONTCAR"))):
        if path and os.path.exists(path):
            put(t, name, read(path))
    put(t, "vasp4-title-species", "Si Ge\n 1.0\n 5.43 0 0\n 0 5.43 0\n 0 0 5.43\n 1 1\nDirect\n"
        " 0 0 0\n 0.25 0.25 0.25\n")
    put(t, "selective-cartesian", "Si7 vacancy\n 1.0\n 5.43 0 0\n 0 5.43 0\n 0 0 5.43\n Si Ge\n 2 1\n"
        "Selective dynamics\nCartesian\n 0 0 0 T T T\n 1.3575 1.3575 1.3575 F F F\n 2.715 2.715 0.0 T T T\n")
    put(t, "negative-scale-crlf", "cell\r\n -160.1\r\n 1 0 0\r\n 0 1 0\r\n 0.5 0.5 1\r\n H\r\n 1\r\nD\r\n"
        " 0.5 0.5 0.5\r\n")
    put(t, "three-scales-vasp6-names", "x\n 1.0 2.0 3.0\n 2 0 0\n 0 2 0\n 0 0 2\n Si_GW/1a2b O_h\n 1 2\n"
        "Direct\n 0 0 0\n 0.5 0.5 0.5\n 0.1 0.2 0.3\n")


# ---- POTCAR ------------------------------------------------------------------

def potcar_seeds():
    t = "fuzz_potcar"
    xml = os.path.join(SI8, "bulk", "dataset_Si.xml")
    tool = os.path.join(ROOT, "scripts", "pawproj_tools", "pawxml_to_potcar.py")
    out = os.path.join(CORPUS, t, "si-small")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    subprocess.run(["/usr/bin/python3", tool, xml, "-o", out, "--npts", "12", "--log-grid", "61"],
                   check=True)
    small = read(out)
    put(t, "si-si-two-datasets", small + small)
    put(t, "si-small.gz", gz(small))
    # The unit test's hand-made one: 8-point tables, 12-point grid, 'D' exponents.
    lines = ["  PAW_PBE Si 05Jan2001", "  4.0", "   TITEL  = PAW_PBE Si 05Jan2001",
             "   POMASS = 28.085; ZVAL = 4.000 mass and valenz", "   ENMAX = 245.345; ENMIN = 184.009 eV",
             "   RCORE = 1.900 radius", "     12.0 T", " Non local Part", "  0  1  1.9", "  0.5D+00",
             " Reciprocal Space Part", "  " + "  ".join("%.6f" % math.exp(-0.1 * i) for i in range(8)),
             " Real Space Part", "  " + "  ".join("%.6f" % (1 - i / 8) for i in range(8)),
             " PAW radial sets", "  12  1.9", " grid",
             "  " + "  ".join("%.6E" % (0.01 * math.exp(0.4 * i)) for i in range(12))]
    for w in (0, 1):
        lines += [" %s wavefunction" % ("ae" if w else "pseudo"),
                  "  " + "  ".join("%.6E" % (0.1 * i * (1 + w)) for i in range(12))]
    lines.append(" End of Dataset")
    put(t, "handmade-s", "\n".join(lines) + "\n")


# ---- PAW-XML -----------------------------------------------------------------

def trim_pawxml(text, npts):
    """The dataset on its first npts grid points (a valid, smaller file)."""
    text = re.sub(r'iend="\d+"', 'iend="%d"' % (npts - 1), text)
    return re.sub(r"(<(\w+)[^>]*grid=\"g1\"[^>]*>)(.*?)(</\2>)",
                  lambda m: m.group(1) + "\n  " + " ".join(m.group(3).split()[:npts]) + "\n" + m.group(4),
                  text, flags=re.S)


def pawxml_seeds():
    t = "fuzz_pawxml"
    full = read(os.path.join(SI8, "bulk", "dataset_Si.xml")).decode()
    small = trim_pawxml(full, 40)
    put(t, "si-40pts", small)
    put(t, "si-full.gz", gz(full))
    # Other radial grids of the specification.
    put(t, "si-40pts-expgrid", small.replace('eq="r=a*i/(n-i)" a="0.400000" n="450"',
                                             'eq="r=a*(exp(d*i)-1)" a="0.001" d="0.05"'))
    head = small[:small.index("<ae_core_density")]
    # Entity declarations (billion laughs) and an external entity: no
    # PAW-XML dataset has a DTD; the reader expands no entity and must say so.
    lol = ['<!ENTITY lol0 "lol">'] + ['<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1)) * 10)
                                      for i in range(1, 10)]
    put(t, "entities-billion-laughs",
        '<?xml version="1.0"?>\n<!DOCTYPE paw_setup [\n' + "\n".join(lol) + "\n]>\n" +
        small.replace('<?xml version="1.0"?>\n', "").replace('valence="4"', 'valence="&lol9;"'))
    put(t, "entities-external",
        '<?xml version="1.0"?>\n<!DOCTYPE paw_setup [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n' +
        small.replace('<?xml version="1.0"?>\n', "").replace("Frozen core", "&x; Frozen core"))
    # 10000-deep nesting inside the dataset, and of bare elements.
    deep = "<a>" * 10000 + "</a>" * 10000
    put(t, "nesting-10000-inside", small.replace("<shape_function", deep + "\n  <shape_function"))
    put(t, "nesting-10000-bare", '<?xml version="1.0"?>\n<paw_setup>' + "<x>" * 10000 + "</x>" * 10000 +
        "</paw_setup>\n")
    put(t, "unclosed-comment", head + "<!-- no end\n")


# ---- OUTCAR ------------------------------------------------------------------

KLIST = "k-points in reciprocal lattice and weights"


def outcar_extract(text):
    """The lines the readers look at: version, LREAL, optimisation, grid and
    the k-point list (up to its blank line)."""
    lines = text.splitlines()
    keep = [lines[0]]
    for i, l in enumerate(lines):
        if ("LREAL  =" in l or "Optimization of the real space" in l or "dimension x,y,z NGX" in l):
            keep.append(l)
        if KLIST in l:
            j = i
            while j < len(lines) and (j == i or lines[j].strip()):
                keep.append(lines[j])
                j += 1
            keep.append("")
            break
    return "\n".join(keep) + "\n"


def outcar_head(text):
    """From the top to the blank line after the k-point list."""
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if KLIST in l:
            j = i + 1
            while j < len(lines) and lines[j].strip():
                j += 1
            return "\n".join(lines[:j + 1]) + "\n"
    return "\n".join(lines[:300]) + "\n"


def outcar_seeds():
    t = "fuzz_outcar"
    for run in ("co2-gamma", "ga4-spin", "ga4-ncl", "h-atom", "mos2-ws2-slab"):
        p = shared(run, "OUTCAR")
        if p:
            text = read(p).decode("latin-1")
            put(t, run + "-extract", outcar_extract(text))
    p = shared("ga4-spin", "OUTCAR")
    if p:
        put(t, "ga4-spin-head", outcar_head(read(p).decode("latin-1")))
    put(t, "handmade-2k",
        " vasp.5.2.12 11Nov11 complex\n   dimension x,y,z NGX =    20 NGY =   20 NGZ =   24\n"
        "   LREAL  =      F    real-space projection\n"
        " k-points in units of 2pi/SCALE and weight: Auto\n"
        "   0.00000000  0.00000000  0.00000000       0.250\n"
        "   0.08333333  0.00000000  0.16666667       0.750\n\n"
        " " + KLIST + ": Auto\n"
        "   0.00000000  0.00000000  0.00000000       0.250\n"
        "   0.25000000  0.00000000  0.50000000       0.750\n\n"
        " position of ions in fractional coordinates (direct lattice)\n")


# ---- vasprun.xml -----------------------------------------------------------------

def vasprun_head(text):
    i = text.find("<calculation>")
    head = text[:i] if i > 0 else text[:20000]
    # The parameters block is long; keep the incar, kpoints and the
    # parameters' LREAL and grid lines.
    j = head.find("<parameters>")
    if j > 0:
        keep = [l for l in head[j:].splitlines()
                if re.search(r'name="(LREAL|NGX|NGY|NGZ)"', l) or "parameters>" in l or "separator" in l]
        head = head[:j] + "\n".join(keep) + "\n"
    return head + "<calculation>\n</calculation>\n</modeling>\n"


def vasprun_seeds():
    t = "fuzz_vasprun"
    for run in ("ga4-spin", "ga4-ncl"):
        p = shared(run, "vasprun.xml")
        if p:
            put(t, run + "-head", vasprun_head(read(p, 200000).decode("latin-1")))
    put(t, "handmade-2k",
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<modeling>\n <incar>\n'
        '  <i type="string" name="LREAL"> Auto</i>\n </incar>\n <kpoints>\n'
        '  <varray name="weights" >\n   <v>       0.25000000 </v>\n   <v>       0.75000000 </v>\n'
        '  </varray>\n </kpoints>\n <parameters>\n   <i type="logical" name="LREAL"> T  </i>\n'
        '   <i type="int" name="NGX">    20</i>\n   <i type="int" name="NGY">    20</i>\n'
        '   <i type="int" name="NGZ">    24</i>\n </parameters>\n <calculation>\n')


# ---- IBZKPT -------------------------------------------------------------------

def ibzkpt_seeds():
    t = "fuzz_ibzkpt"
    put(t, "si8-bulk", read(os.path.join(SI8, "bulk", "IBZKPT")))
    for run in ("co2-gamma", "ga4-spin", "h-atom"):
        p = shared(run, "KPOINTS")
        if p:
            put(t, "kpoints-" + run, read(p))
    put(t, "reciprocal-tetra", "Automatically generated mesh\n       3\nReciprocal lattice\n"
        "    0.00000000000000    0.00000000000000    0.00000000000000             1\n"
        "    0.33333333333333    0.00000000000000    0.00000000000000             6\n"
        "    0.33333333333333    0.33333333333333    0.00000000000000             2\n"
        "Tetrahedra\n    2    0.0123\n    1    1 2 3 3\n    1    1 1 2 3\n")
    put(t, "cartesian", "k-points\n 2\nCartesian\n 0 0 0 1\n 0.1 0.2 0.3 3\n")


# ---- input files ------------------------------------------------------------------

def input_seeds():
    t = "fuzz_input"
    d = os.path.join(ROOT, "input_templates")
    for name in sorted(os.listdir(d)):
        if name.endswith(".in"):
            put(t, name, read(os.path.join(d, name)))
    put(t, "options", "COMMAND = density\nBULK = ../bulk ! comment\nGRID = 40,40,48\nGRID_FACTOR = 1.5\n"
        "NBANDS = 12\nVARIANT = gamma-x\nLREAL = .TRUE.\nSPIN_RESOLVED = T\nFORCE = .false.\n"
        "DATASETS = Si=a.xml,Ge=b.xml\n")


def main():
    wavecar_seeds()
    poscar_seeds()
    potcar_seeds()
    pawxml_seeds()
    outcar_seeds()
    vasprun_seeds()
    ibzkpt_seeds()
    input_seeds()
    total = 0
    for dirpath, _, files in os.walk(CORPUS):
        total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
    print("corpus: %.0f kB in %s" % (total / 1024, CORPUS))


if __name__ == "__main__":
    main()
