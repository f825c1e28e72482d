#!/usr/bin/env python3
"""Catalogue of hostile inputs and faults (issue 16).

Each case copies the inputs it needs (tests/data/si8: bulk, vacancy) into a
fresh directory, damages them as the case says, and runs pawproj with the
outputs of its command (--json, --h5, --output) pointed into a separate,
empty output directory, which is also the working directory (so default
output names land there too). Every case must:

  (a) exit normally with status 1 or 2: not killed by a signal, no abort
      (134) or crash (139), no hang (60 s at most);
  (b) print exactly one line containing "error:", and that line names the
      file (or option) and the place that was wrong: record, line, k-point,
      option, limit (the needles of the case; a tuple of needles means any
      one of them);
  (c) leave nothing in the output directory: no final name, no NAME.partial;
  (d) leave every input byte for byte as it was (sha256 before and after)
      and add no file beside them.

Categories:
  1. WAVECAR: truncated in the header, a k-point header, a band record, mid
     coefficient (also in a gzip stream); record length 0, negative, NaN,
     1e30; spin count 0 and 3; unknown rtag; k-point count 0, negative,
     1e12; band count 0, 1e12; ENCUT NaN, negative; singular lattice;
     plane-wave count 0 and larger than the record; infinite energy; NaN
     occupation; NaN coefficient; gzip garbage; empty file (in a directory
     and named); a directory named WAVECAR; no WAVECAR.
  2. POSCAR: missing, empty, scale factor not a number / zero / NaN /
     negative (a volume that does not fit) / huge, zero lattice, lattice of
     another cell, species line missing, species and count lines that
     disagree, atom counts negative and huge, too few coordinate lines, NaN
     coordinate.
  3. PAW datasets: PAW-XML missing, not XML, truncated, with a DOCTYPE /
     ENTITY (refused), a valence state without its projector, NaN in a
     radial table, a radial table shorter than its grid, another element
     than the structure's, a species without dataset; a POTCAR-layout file
     (from dataset_Si.xml by scripts/pawproj_tools/pawxml_to_potcar.py)
     truncated and with a NaN.
  4. k-point weights and run files: IBZKPT count different from the
     WAVECAR's, negative and zero weights, a garbage line; vasprun.xml with
     a DOCTYPE / ENTITY; OUTCAR with an unknown LREAL and a huge FFT grid.
  5. Options: unknown command and option, missing and non-numeric values,
     band / k-point / spin / pair / site selections out of range, hostile
     grids (refused before allocating, naming the limit), --grid-factor,
     --kgroups and --blacs that do not fit the ranks, unknown --variant and
     --lreal, --resume without checkpoints, wswq without geometries;
     --mem-per-rank too small for project, density, state, norms, overlap
     and optics (naming the budget), and a garbage size; --input files
     (unknown key, bad value, line without '=', missing file); run
     directories that do not exist; runs of different cells.
  6. Outputs: a directory that does not exist (--output, --json, a state
     prefix, a wswq stem), an --h5 name that is a directory.

Some cases run on 2 ranks (mpirun): the message must still come once.
Arguments: names of cases to run (default: all). PAWPROJ_TEST_VERBOSE=1
prints every check; PAWPROJ_FAULTS_SHOW=1 prints each case's stderr."""
import concurrent.futures
import gzip
import hashlib
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

from common import REPO, Checker, env, mpirun_prefix, pawproj_exe

SI8 = os.path.join(REPO, "tests", "data", "si8")
TIMEOUT = 60
NAN, INF = float("nan"), float("inf")

# The si8 bulk WAVECAR: record length R, 1 spin, 4 k-points, 24 bands.
# Record 1 (offset 0): reclen, nspin, rtag; record 2 (R): nkpts, nbands,
# ENCUT, lattice; record 3 (2R): npw, k, (E, 0, f) per band of k-point 1;
# records 4..27: its bands (complex64 coefficients); then k-point 2 ...
with open(os.path.join(SI8, "bulk", "WAVECAR"), "rb") as _f:
    R = int(struct.unpack("<d", _f.read(8))[0])
K1 = 2 * R
B1 = 3 * R
SIZE = os.path.getsize(os.path.join(SI8, "bulk", "WAVECAR"))
assert SIZE == 102 * R, "tests/data/si8/bulk/WAVECAR is not the expected 1 x 4 x 24 file"


class Skip(Exception):
    pass


# ---- building blocks of the setups; each takes the case's input directory d
def runs(*names):
    """Copies of tests/data/si8/<name> (bulk, vacancy) into d."""
    def setup(d):
        for n in names:
            shutil.copytree(os.path.join(SI8, n), os.path.join(d, n),
                            ignore=shutil.ignore_patterns("gpaw_reference.json"))
    return setup


BULK = runs("bulk")
BOTH = runs("bulk", "vacancy")
VAC = runs("vacancy")


def chain(*steps):
    def setup(d):
        for s in steps:
            s(d)
    return setup


def on_bulk(*steps):
    return chain(BULK, *steps)


def on_both(*steps):
    return chain(BOTH, *steps)


def packed(fmt, rel, offset, value):
    """One number of a file (a WAVECAR header field) set to value, packed as fmt."""
    def step(d):
        with open(os.path.join(d, rel), "r+b") as f:
            f.seek(offset)
            f.write(struct.pack(fmt, value))
    return step


def f64(rel, offset, value):
    return packed("<d", rel, offset, value)


def f32(rel, offset, value):
    return packed("<f", rel, offset, value)


def truncate(rel, size):
    def step(d):
        os.truncate(os.path.join(d, rel), size)
    return step


def write(rel, data):
    def step(d):
        with open(os.path.join(d, rel), "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
    return step


def remove(rel):
    def step(d):
        os.remove(os.path.join(d, rel))
    return step


def dir_for(rel):
    """A directory (with a file in it) where the file rel belongs."""
    def step(d):
        p = os.path.join(d, rel)
        os.remove(p)
        os.makedirs(p)
        open(os.path.join(p, "README"), "w").write("a directory where a file belongs\n")
    return step


def lines(rel, fn):
    """The file's lines replaced by fn(lines)."""
    def step(d):
        p = os.path.join(d, rel)
        ls = open(p).read().splitlines()
        open(p, "w").write("\n".join(fn(ls)) + "\n")
    return step


def line(rel, index, text):
    """Line index (0-based) of the file set to text."""
    def fn(ls):
        ls[index] = text
        return ls
    return lines(rel, fn)


def replace(rel, old, new):
    def step(d):
        p = os.path.join(d, rel)
        s = open(p).read()
        assert old in s, (rel, old)
        open(p, "w").write(s.replace(old, new, 1))
    return step


def gz(rel, nbytes=None, noise=False):
    """rel replaced by rel.gz: its first nbytes compressed (a valid stream
    of a short file), or with noise: a gzip header before garbage."""
    def step(d):
        p = os.path.join(d, rel)
        data = open(p, "rb").read()
        os.remove(p)
        z = gzip.compress(data[:nbytes] if nbytes else data)
        if noise:
            z = z[:10] + bytes((i * 131 + 17) % 251 for i in range(len(z) // 4))
        open(p + ".gz", "wb").write(z)
    return step


def drop_projector(d):
    """The valence state Si-d1 without its <projector_function>."""
    p = os.path.join(d, XML)
    s = open(p).read()
    a = s.index('<projector_function state="Si-d1"')
    b = s.index("</projector_function>", a) + len("</projector_function>")
    open(p, "w").write(s[:a] + s[b:])


def nan_in_table(d):
    """The 40th number of the pseudo partial wave of Si-3p set to nan."""
    p = os.path.join(d, XML)
    s = open(p).read()
    a = s.index(">", s.index('<pseudo_partial_wave state="Si-3p"')) + 1
    for _ in range(40):
        a = s.index("e", a) + 4          # past the exponent of the next number
    b, c = s.index(" ", a), s.rindex(" ", 0, a)
    open(p, "w").write(s[:c + 1] + "nan" + s[b:])


_potcar = []                   # [path of the converted POTCAR, or None]
_potcar_lock = threading.Lock()


def converted_potcar():
    """dataset_Si.xml in a POTCAR's layout, converted once (None where the
    converter cannot run)."""
    with _potcar_lock:
        if not _potcar:
            out = os.path.join(top, "POTCAR.si8")
            tool = os.path.join(REPO, "scripts", "pawproj_tools", "pawxml_to_potcar.py")
            p = subprocess.run([sys.executable, tool, os.path.join(SI8, "bulk", "dataset_Si.xml"), "-o", out],
                               capture_output=True, text=True, timeout=TIMEOUT)
            _potcar.append(out if p.returncode == 0 else None)
            if p.returncode != 0:
                print("note: pawxml_to_potcar.py failed (%s)" % p.stderr.strip()[-200:])
        return _potcar[0]


def potcar(fn):
    """d/bulk/POTCAR: the converted dataset with its lines changed by fn."""
    def step(d):
        src = converted_potcar()
        if not src:
            raise Skip("scripts/pawproj_tools/pawxml_to_potcar.py could not convert dataset_Si.xml")
        ls = open(src).read().splitlines()
        open(os.path.join(d, "bulk", "POTCAR"), "w").write("\n".join(fn(ls)) + "\n")
    return step


def potcar_nan(ls):
    i = next(i for i, s in enumerate(ls) if "Reciprocal Space Part" in s) + 3
    ls[i] = "  NaN " + ls[i].split(None, 1)[1]
    return ls


WAV, POS, XML, KPT = "bulk/WAVECAR", "bulk/POSCAR", "bulk/dataset_Si.xml", "bulk/IBZKPT"
VWAV, VPOS = "vacancy/WAVECAR", "vacancy/POSCAR"
IN_BULK = "{in}/bulk"
PROJECT = ["project", "--bulk", "{in}/bulk", "--defect", "{in}/vacancy"]
OVERLAP = ["overlap", "--bra", "{in}/bulk", "--ket", "{in}/vacancy"]
STATE = ["state", "{in}/vacancy", "--band", "1"]
HDR = "record 3"                       # k-point 1's header record
LATTICE = [f64(WAV, R + 24 + 8 * i, 0.0) for i in range(9)]
ZERO_WEIGHTS = [line(KPT, 3 + i, "    0.25 %s 0" % s)
                for i, s in enumerate(("-0.25 -0.25", "-0.25 0.25", "0.25 -0.25", "0.25 0.25"))]
OUTCAR_LREAL = " vasp.5.4.4 (fake)\n   LREAL  =      Q    real-space projection\n"
OUTCAR_GRID = (" vasp.5.4.4 (fake)\n   dimension x,y,z NGX = 99999999 NGY = 99999999 NGZ = 99999999\n"
               "   LREAL  =      T    real-space projection\n")
VASPRUN_ENTITY = ('<?xml version="1.0"?>\n<!DOCTYPE modeling [<!ENTITY a "aaaaaaaaaa">'
                  '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                  '<modeling>\n<varray name="weights" >\n<v> &b; </v>\n</varray>\n</modeling>\n')
DOCTYPE = ('<?xml version="1.0"?>\n<!DOCTYPE paw_setup [\n'
           '  <!ENTITY x "1.0e+00 1.0e+00 1.0e+00 1.0e+00">\n]>')
TRUNCATED = ("truncated", "end of file", "unexpected end", "unterminated", "not closed", "</paw_setup>")

# ---- the catalogue: (name, setup, argv, needles, nranks)
# In argv, "{in}" is the input directory and "{out}" the output directory;
# the command's outputs (OUTPUTS) are added unless the case gives its own.
CASES = [
    # 1. WAVECAR
    ("wavecar-truncated-header", on_bulk(truncate(WAV, 20)), ["info", IN_BULK],
     ["bulk/WAVECAR", "truncated", "record 1", "20 bytes"], 1),
    ("wavecar-truncated-kpoint-header", on_bulk(truncate(WAV, K1 + 100)), ["info", IN_BULK],
     ["bulk/WAVECAR", "truncated", str(K1 + 100)], 1),
    ("wavecar-truncated-band-record", on_bulk(truncate(WAV, B1 + 5 * R + R // 2)), ["dump", IN_BULK],
     ["bulk/WAVECAR", "truncated", str(B1 + 5 * R + R // 2)], 1),
    ("wavecar-truncated-mid-coefficient", on_bulk(truncate(WAV, 20 * R + 8 * 300 + 3)), ["dump", IN_BULK],
     ["bulk/WAVECAR", "truncated", str(20 * R + 8 * 300 + 3)], 2),
    ("wavecar-gz-ends-mid-coefficient", on_bulk(gz(WAV, 20 * R + 8 * 300 + 3)), ["dump", IN_BULK],
     ["bulk/WAVECAR.gz", "record", str(20 * R + 8 * 300 + 3)], 1),
    ("wavecar-reclen-0", on_bulk(f64(WAV, 0, 0.0)), ["info", IN_BULK],
     ["bulk/WAVECAR", "record 1", "record length 0"], 1),
    ("wavecar-reclen-negative", on_bulk(f64(WAV, 0, -R)), ["info", IN_BULK],
     ["bulk/WAVECAR", "record 1", "record length -%d" % R], 1),
    ("wavecar-reclen-nan", on_bulk(f64(WAV, 0, NAN)), ["info", IN_BULK],
     ["bulk/WAVECAR", "record 1", "record length nan"], 1),
    ("wavecar-reclen-1e30", on_bulk(f64(WAV, 0, 1e30)), ["dump", IN_BULK],
     ["bulk/WAVECAR", "record 1", "record length 1e+30"], 2),
    ("wavecar-nspin-0", on_bulk(f64(WAV, 8, 0.0)), ["info", IN_BULK],
     ["bulk/WAVECAR", "record 1", "spin count 0"], 1),
    ("wavecar-nspin-3", on_bulk(f64(WAV, 8, 3.0)), ["norms", IN_BULK],
     ["bulk/WAVECAR", "record 1", "spin count 3"], 1),
    ("wavecar-rtag-unknown", on_bulk(f64(WAV, 16, 45199.0)), ["info", IN_BULK],
     ["bulk/WAVECAR", "record 1", "rtag", "45199"], 1),
    ("wavecar-nkpts-0", on_bulk(f64(WAV, R, 0.0)), ["info", IN_BULK],
     ["bulk/WAVECAR", "record 2", "k-point count 0"], 1),
    ("wavecar-nkpts-negative", on_bulk(f64(WAV, R, -4.0)), ["info", IN_BULK],
     ["bulk/WAVECAR", "record 2", "k-point count -4"], 1),
    ("wavecar-nkpts-1e12", on_bulk(f64(WAV, R, 1e12)), ["dump", IN_BULK],
     ["bulk/WAVECAR", "record 2", "k-point count 1e+12"], 2),
    ("wavecar-nbands-0", on_bulk(f64(WAV, R + 8, 0.0)), ["info", IN_BULK],
     ["bulk/WAVECAR", "record 2", "band count 0"], 1),
    ("wavecar-nbands-1e12", on_bulk(f64(WAV, R + 8, 1e12)), ["norms", IN_BULK],
     ["bulk/WAVECAR", "record 2", "band count 1e+12"], 1),
    ("wavecar-encut-nan", on_bulk(f64(WAV, R + 16, NAN)), ["info", IN_BULK],
     ["bulk/WAVECAR", "record 2", "ENCUT nan"], 1),
    ("wavecar-encut-negative", on_bulk(f64(WAV, R + 16, -250.0)), ["info", IN_BULK],
     ["bulk/WAVECAR", "record 2", "ENCUT -250"], 1),
    ("wavecar-lattice-singular", on_bulk(*LATTICE), ["info", IN_BULK],
     ["bulk/WAVECAR", "record 2", "lattice"], 1),
    ("wavecar-npw-0", on_bulk(f64(WAV, K1, 0.0)), ["info", IN_BULK],
     ["bulk/WAVECAR", HDR, "k-point 1", "plane-wave count 0"], 1),
    ("wavecar-npw-exceeds-record", on_bulk(f64(WAV, K1, R / 8 + 1)), ["dump", IN_BULK],
     ["bulk/WAVECAR", HDR, "k-point 1", "%d coefficients" % (R // 8 + 1)], 1),
    ("wavecar-energy-inf", on_bulk(f64(WAV, K1 + 32 + 24 * 1, INF)), ["info", IN_BULK],
     ["bulk/WAVECAR", HDR, "band 2", "energy inf"], 1),
    ("wavecar-occupation-nan", on_bulk(f64(WAV, K1 + 32 + 24 * 3 + 16, NAN)), ["info", IN_BULK],
     ["bulk/WAVECAR", HDR, "band 4", "occupation nan"], 1),
    ("wavecar-coefficient-nan", on_both(f32(WAV, B1 + 2 * R + 8 * 77, NAN)), PROJECT,
     ["bulk/WAVECAR", "record 6", "band 3", "coefficient 78", "not a finite number"], 2),
    ("wavecar-gzip-garbage", on_bulk(gz(WAV, 4 * R, noise=True)), ["info", IN_BULK],
     ["bulk/WAVECAR.gz", "gzip"], 1),
    ("wavecar-empty-in-directory", on_bulk(write(WAV, b"")), ["info", IN_BULK],
     ["bulk", "no WAVECAR", "empty"], 1),
    ("wavecar-empty-named", on_bulk(write(WAV, b"")), ["info", "{in}/bulk/WAVECAR"],
     ["bulk/WAVECAR", ("0 bytes", "empty")], 1),
    ("wavecar-is-a-directory", on_bulk(dir_for(WAV)), ["info", IN_BULK],
     ["bulk", "no WAVECAR"], 1),
    ("wavecar-missing", on_bulk(remove(WAV)), ["norms", IN_BULK],
     ["bulk", "no WAVECAR"], 1),

    # 2. POSCAR
    ("poscar-missing", on_bulk(remove(POS)), ["norms", IN_BULK],
     ["bulk", "no CONTCAR or POSCAR"], 1),
    ("poscar-empty", on_bulk(write(POS, "")), ["norms", IN_BULK],
     ["bulk", "POSCAR", "empty"], 1),
    ("poscar-scale-not-a-number", on_bulk(line(POS, 1, "one point oh")), ["norms", IN_BULK],
     ["bulk/POSCAR", "line 2", "scale"], 1),
    ("poscar-scale-zero", on_bulk(line(POS, 1, "0")), ["norms", IN_BULK],
     ["bulk/POSCAR", "line 2", "scale"], 1),
    ("poscar-scale-nan", on_bulk(line(POS, 1, "nan")), ["norms", IN_BULK],
     ["bulk/POSCAR", "line 2", "scale", "finite"], 1),
    ("poscar-negative-scale-wrong-volume", on_bulk(line(POS, 1, "-1.0")), ["norms", IN_BULK],
     ["bulk/POSCAR", "lattice differs", "bulk/WAVECAR"], 1),
    ("poscar-scale-huge", on_bulk(line(POS, 1, "1e300")), ["norms", IN_BULK],
     ["bulk/POSCAR", "lines 3-5"], 1),
    ("poscar-zero-lattice", on_bulk(*[line(POS, i, "  0.0 0.0 0.0") for i in (2, 3, 4)]), ["norms", IN_BULK],
     ["bulk/POSCAR", "lines 3-5", "degenerate"], 1),
    ("poscar-lattice-of-another-cell", on_bulk(line(POS, 2, "  5.53 0.0 0.0")), ["norms", IN_BULK],
     ["bulk/POSCAR", "lattice differs", "bulk/WAVECAR"], 1),
    ("poscar-species-line-missing", on_bulk(lines(POS, lambda ls: ls[:5] + ls[6:])), ["norms", IN_BULK],
     ["bulk", "names no species", "species line"], 1),
    ("poscar-species-and-counts-disagree", on_bulk(line(POS, 6, "  8 1")), ["norms", IN_BULK],
     ["bulk/POSCAR", "line 6", "2 atom counts"], 1),
    ("poscar-atom-count-negative", on_bulk(line(POS, 6, "  -8")), ["norms", IN_BULK],
     ["bulk/POSCAR", "line 7", "-8"], 1),
    ("poscar-atom-count-huge", on_bulk(line(POS, 6, "  99999999999")), ["norms", IN_BULK],
     ["bulk/POSCAR", "line 7", "99999999999"], 1),
    ("poscar-too-few-coordinates", on_bulk(lines(POS, lambda ls: ls[:13])), ["norms", IN_BULK],
     ["bulk/POSCAR", "line 13", "atomic position"], 1),
    ("poscar-coordinate-nan", on_bulk(line(POS, 10, "   0.25 nan 0.25")), ["norms", IN_BULK],
     ["bulk/POSCAR", "line 11"], 1),

    # 3. PAW datasets
    ("dataset-missing", on_bulk(remove(XML)), ["norms", IN_BULK],
     ["--datasets", "bulk", "Si"], 1),
    ("dataset-not-xml", on_bulk(write(XML, "this is not a PAW dataset\n")), ["norms", IN_BULK],
     ["bulk/dataset_Si.xml", "PAW-XML"], 1),
    ("dataset-truncated", on_bulk(truncate(XML, 60000)), ["norms", IN_BULK],
     ["bulk/dataset_Si.xml", TRUNCATED], 1),
    ("dataset-doctype-entity", on_bulk(replace(XML, '<?xml version="1.0"?>', DOCTYPE)), ["norms", IN_BULK],
     ["bulk/dataset_Si.xml", "line 2", "DOCTYPE"], 1),
    ("dataset-projector-missing", on_bulk(drop_projector), ["norms", IN_BULK],
     ["bulk/dataset_Si.xml", "projector_function", "Si-d1"], 1),
    ("dataset-nan-in-radial-table", on_bulk(nan_in_table), ["norms", IN_BULK],
     ["bulk/dataset_Si.xml", "line 54", "not a finite number"], 2),
    ("dataset-table-shorter-than-grid",
     on_bulk(replace(XML, 'n="450" istart="0" iend="449"', 'n="460" istart="0" iend="459"')), ["norms", IN_BULK],
     ["bulk/dataset_Si.xml", "line 40", "460"], 1),
    ("dataset-other-element", on_bulk(replace(XML, 'symbol="Si" Z="14"', 'symbol="Ge" Z="32"')),
     ["norms", IN_BULK, "--datasets", "Si={in}/bulk/dataset_Si.xml"],
     ["bulk/dataset_Si.xml", "Ge", "Si"], 1),
    ("dataset-species-without-one", on_bulk(line(POS, 5, "  Si Ge"), line(POS, 6, "  4 4")), ["norms", IN_BULK],
     ["bulk", "Ge"], 1),
    ("potcar-truncated", on_bulk(potcar(lambda ls: ls[:20])),
     ["norms", IN_BULK, "--datasets", "{in}/bulk/POTCAR"], ["bulk/POTCAR", ("line", "truncated", "end")], 1),
    ("potcar-nan", on_bulk(potcar(potcar_nan)),
     ["norms", IN_BULK, "--datasets", "{in}/bulk/POTCAR"], ["bulk/POTCAR", "line"], 1),

    # 4. k-point weights and run files
    ("ibzkpt-count", on_bulk(line(KPT, 1, "       5")), ["info", IN_BULK],
     ["bulk/IBZKPT", "line 2", "5 k-points"], 1),
    ("ibzkpt-weight-negative", on_bulk(line(KPT, 4, "    0.25 -0.25 0.25 -2")), ["norms", IN_BULK],
     ["bulk/IBZKPT", "k-point 2", "-2"], 1),
    ("ibzkpt-weights-zero", on_bulk(*ZERO_WEIGHTS), ["info", IN_BULK],
     ["bulk/IBZKPT", "k-point 1", "weight"], 1),
    ("ibzkpt-garbage-line", on_bulk(line(KPT, 5, "    0.25 garbage -0.25 2")), ["info", IN_BULK],
     ["bulk/IBZKPT", "line 6"], 1),
    ("vasprun-entity", on_bulk(remove(KPT), write("bulk/vasprun.xml", VASPRUN_ENTITY)), ["info", IN_BULK],
     ["bulk/vasprun.xml", "line 2", "DOCTYPE"], 1),
    ("outcar-lreal-unknown", on_bulk(write("bulk/OUTCAR", OUTCAR_LREAL)), ["norms", IN_BULK],
     ["bulk/OUTCAR", "LREAL", "Q"], 1),
    ("outcar-fft-grid-huge", on_bulk(write("bulk/OUTCAR", OUTCAR_GRID)), ["norms", IN_BULK],
     ["bulk/OUTCAR", "line 2", "99999999"], 1),

    # 5. Options
    ("command-unknown", BULK, ["frobnicate", IN_BULK], ["frobnicate"], 1),
    ("option-unknown", BULK, ["info", IN_BULK, "--frobnicate"], ["--frobnicate"], 1),
    ("option-missing-value", BOTH, PROJECT + ["--window"], ["--window"], 1),
    ("option-not-a-number", BOTH, PROJECT + ["--window", "wide"], ["--window", "wide"], 1),
    ("option-symprec-negative", BULK, ["info", IN_BULK, "--symprec", "-1"], ["--symprec", "-1"], 1),
    ("option-bands-out-of-range", BOTH, PROJECT + ["--bands", "1-100000"], ["--bands", "100000", "22 bands"], 2),
    ("option-density-bands-out-of-range", BULK, ["density", IN_BULK, "--bands", "1-100000"],
     ["--bands", "100000", "24 bands"], 1),
    ("option-band-0", VAC, ["state", "{in}/vacancy", "--band", "0"], ["--band 0", "22"], 1),
    ("option-band-reversed", VAC, ["state", "{in}/vacancy", "--band", "5-2"], ["--band 5-2"], 1),
    ("option-kpoint-out-of-range", VAC, STATE + ["--kpoint", "5"], ["--kpoint 5", "4"], 1),
    ("option-spin-2-of-1", VAC, STATE + ["--spin", "2"], ["--spin 2"], 1),
    ("option-sites-out-of-range", VAC, STATE + ["--sites", "99"], ["--sites", "99", "7"], 1),
    ("option-optics-bands-out-of-range", BULK, ["optics", IN_BULK, "--bands", "20-30"],
     ["--bands 20-30", "24 bands"], 1),
    ("option-optics-pairs-outside-window", BULK, ["optics", IN_BULK, "--bands", "14-18", "--pairs", "1-3"],
     ["--pairs 1-3", "14-18"], 1),
    ("option-grid-axis-huge", BULK, ["state", IN_BULK, "--band", "1", "--grid", "100000,100000,100000"],
     ["--grid", "100000", "65536"], 1),
    ("option-grid-total-huge", BULK, ["state", IN_BULK, "--band", "1", "--grid", "65536,65536,65536"],
     ["--grid", "limit", "2^33"], 1),
    ("option-grid-zero", BULK, ["density", IN_BULK, "--grid", "0,0,0"], ["--grid", "0,0,0"], 1),
    ("option-proj-grid-zero", BULK, ["norms", IN_BULK, "--lreal", "T", "--proj-grid", "0,0,0"],
     ["--proj-grid", "0,0,0"], 1),
    ("option-grid-factor-huge", BULK, ["density", IN_BULK, "--grid-factor", "1e9"], ["--grid-factor", "64"], 1),
    ("option-kgroups-0", BULK, ["norms", IN_BULK, "--kgroups", "0"], ["--kgroups 0"], 2),
    ("option-kgroups-not-dividing-ranks", BULK, ["norms", IN_BULK, "--kgroups", "3"], ["--kgroups 3", "2"], 2),
    ("option-blacs-not-fitting-ranks", BOTH, OVERLAP + ["--blacs", "3x3"], ["--blacs 3x3", "2"], 2),
    ("option-variant-unknown", BULK, ["dump", IN_BULK, "--variant", "gamma-y"], ["variant", "gamma-y"], 1),
    ("option-lreal-unknown", BOTH, PROJECT + ["--lreal", "maybe"], ["--lreal", "maybe"], 1),
    ("option-resume-single-defect", BOTH, PROJECT + ["--resume"], ["--resume", "--defects"], 1),
    ("option-resume-without-checkpoints", BOTH,
     ["project", "--bulk", IN_BULK, "--defects", "v={in}/vacancy", "--resume"], ["--resume", "p.h5.ckpt"], 1),
    ("option-wswq-no-geometry", BULK, ["wswq", "--ref", IN_BULK], ["wswq", "displaced geometry"], 1),
    ("mem-project", BOTH, PROJECT + ["--mem-per-rank", "1K"], ["--mem-per-rank", "1.00 KiB", "'project'"], 1),
    ("mem-density", BULK, ["density", IN_BULK, "--mem-per-rank", "1K"],
     ["--mem-per-rank", "1.00 KiB", "'density'"], 1),
    ("mem-state", BULK, ["state", IN_BULK, "--band", "1", "--mem-per-rank", "1K"],
     ["--mem-per-rank", "1.00 KiB", "'state'"], 1),
    ("mem-norms", BULK, ["norms", IN_BULK, "--mem-per-rank", "1K"], ["--mem-per-rank", "1.00 KiB", "'norms'"], 2),
    ("mem-overlap", BOTH, OVERLAP + ["--mem-per-rank", "1K"], ["--mem-per-rank", "1.00 KiB", "'ovlmatrix'"], 1),
    ("mem-optics", BULK, ["optics", IN_BULK, "--bands", "1-24", "--mem-per-rank", "1K"],
     ["--mem-per-rank", "1.00 KiB", "'optics'"], 1),
    ("mem-garbage", BULK, ["norms", IN_BULK, "--mem-per-rank", "lots"], ["--mem-per-rank", "lots"], 1),
    ("window-negative", BOTH, PROJECT + ["--window", "-1"], ["--window", "-1", "positive"], 1),
    ("input-unknown-key", chain(BULK, write("run.in", "COMMAND = info\nFROBNICATE = 3\n")),
     ["--input", "{in}/run.in", IN_BULK], ["run.in", ("FROBNICATE", "frobnicate")], 1),
    ("input-bad-value", chain(BOTH, write("run.in", "COMMAND = project\nBULK = {in}/bulk\n"
                                                    "DEFECT = {in}/vacancy\nWINDOW = wide\n")),
     ["--input", "{in}/run.in"], ["run.in", ("WINDOW", "window"), "wide"], 1),
    ("input-line-without-equals", chain(BULK, write("run.in", "COMMAND = info\nJSON\n")),
     ["--input", "{in}/run.in", IN_BULK], ["run.in", "line 2", "KEY = value"], 1),
    ("input-missing", BULK, ["--input", "{in}/no-such.in"], ["no-such.in"], 1),
    ("input-is-directory", BULK, ["--input", "{in}/bulk"], ["bulk", "is a directory"], 1),
    ("input-is-device", BULK, ["--input", "/dev/null"], ["/dev/null", "not a regular file"], 1),
    ("run-directory-missing", BULK, ["norms", "{in}/no-such-run"], ["no-such-run", "does not exist"], 1),
    ("defects-glob-matches-nothing", BULK, ["project", "--bulk", IN_BULK, "--defects", "{in}/no-such-*"],
     ["--defects", "no-such-*"], 1),
    ("state-bulk-missing", VAC, STATE + ["--bulk", "{in}/no-such-bulk"],
     ["no-such-bulk", "does not exist"], 1),
    ("runs-of-different-cells",
     on_both(*[f64(VWAV, R + 24 + 8 * i, x) for i, x in enumerate((0, 5.43, 0, 5.43, 0, 0))],
             lines(VPOS, lambda ls: ls[:2] + [ls[3], ls[2]] + ls[4:])),
     OVERLAP, ["lattices differ", "bulk/WAVECAR", "vacancy/WAVECAR"], 2),

    # 6. Outputs
    ("output-directory-missing", BULK, ["density", IN_BULK, "--pseudo", "--output", "/nonexistent/dir/x.vasp"],
     ["--output", "/nonexistent/dir/x.vasp", "does not exist"], 1),
    ("output-json-directory-missing", BOTH, PROJECT + ["--json", "/nonexistent/dir/p.json"],
     ["--json", "/nonexistent/dir/p.json", "does not exist"], 2),
    ("output-state-prefix-directory-missing", VAC, STATE + ["--pseudo", "--output", "/nonexistent/dir/s"],
     ["--output", "/nonexistent/dir/s", "does not exist"], 1),
    ("output-wswq-stem-directory-missing", BOTH,
     ["wswq", "--ref", IN_BULK, "{in}/vacancy", "--output", "/nonexistent/dir/WSWQ"],
     ["--output", "/nonexistent/dir/WSWQ", "does not exist"], 1),
    ("output-h5-is-a-directory", BULK, ["norms", IN_BULK, "--h5", "{out}"], ["--h5", "is a directory"], 1),
]

# The outputs of each command, all pointed into the output directory.
OUTPUTS = {
    "info": ["--json", "{out}/info.json"],
    "dump": ["--json", "{out}/dump.json"],
    "project": ["--json", "{out}/p.json", "--h5", "{out}/p.h5"],
    "norms": ["--json", "{out}/n.json", "--h5", "{out}/n.h5"],
    "density": ["--json", "{out}/d.json", "--output", "{out}/d.vasp", "--cube"],
    "state": ["--json", "{out}/s.json", "--output", "{out}/s", "--cube"],
    "overlap": ["--h5", "{out}/o.h5", "--svd", "--match"],
    "optics": ["--json", "{out}/op.json", "--h5", "{out}/op.h5"],
    "wswq": ["--output", "{out}/WSWQ", "--h5", "{out}/w.h5"],
}
OUTPUT_OPTIONS = ("--json", "--h5", "--output")


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tree(root):
    """{relative path: sha256} of every file under root."""
    return {os.path.relpath(os.path.join(dp, fn), root): sha(os.path.join(dp, fn))
            for dp, _, fns in os.walk(root) for fn in fns}


def command_of(argv, inp):
    """The command of argv, or of its --input file."""
    if argv[0] != "--input":
        return argv[0]
    path = argv[1].replace("{in}", inp)
    if os.path.isfile(path):
        for ln in open(path):
            key, _, value = ln.partition("=")
            if key.strip() == "COMMAND":
                return value.split()[0]
    return None


def run_case(argv, nranks, cwd):
    """(exit status or None on a hang, stderr)."""
    cmd = mpirun_prefix(nranks) + [pawproj_exe()] + argv + ["--quiet"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(),
                         cwd=cwd, start_new_session=True)
    try:
        _, err = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        # SIGTERM first: mpirun passes it on to the ranks, which it started
        # in process groups of their own.
        os.killpg(p.pid, signal.SIGTERM)
        try:
            _, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            _, err = p.communicate()
        return None, err
    return p.returncode, err


def has(text, needle):
    return any(n in text for n in needle) if isinstance(needle, tuple) else needle in text


def exit_words(rc):
    if rc < 0:
        return "killed by %s" % signal.Signals(-rc).name
    if rc > 128:
        return "the status of a process killed by signal %d" % (rc - 128)
    return "status %d" % rc


def attempt(case):
    """Set up, run and look at one case: a dict of what was seen."""
    name, setup, argv, needles, nranks = case
    inp = os.path.join(top, name, "in")
    out = os.path.join(top, name, "out")
    os.makedirs(inp)
    os.makedirs(out)
    try:
        setup(inp)
    except Skip as e:
        return {"skip": str(e)}
    for rel in tree(inp):                  # input files name paths with {in} too
        if rel.endswith(".in"):
            p = os.path.join(inp, rel)
            text = open(p).read()
            open(p, "w").write(text.replace("{in}", inp))
    outputs = [] if any(a in OUTPUT_OPTIONS for a in argv) else OUTPUTS.get(command_of(argv, inp), [])
    pos = 2 if argv[0] == "--input" else 1
    full = [a.replace("{in}", inp).replace("{out}", out) for a in argv[:pos] + outputs + argv[pos:]]
    before = tree(inp)
    t0 = time.time()
    rc, err = run_case(full, nranks, out)
    seen = {"rc": rc, "seconds": time.time() - t0, "argv": full,
            "shown": err.strip().replace(inp, "IN").replace(out, "OUT"),
            "left": sorted(os.path.relpath(os.path.join(dp, fn), out) for dp, _, fns in os.walk(out) for fn in fns)}
    after = tree(inp)
    seen["changed"] = sorted(k for k in before if after.get(k) != before[k])
    seen["added"] = sorted(set(after) - set(before))
    shutil.rmtree(os.path.join(top, name))
    return seen


def attempt_safely(case):
    try:
        return attempt(case)
    except Exception:
        return {"broken": traceback.format_exc().strip().splitlines()[-1]}


def judge(case, seen):
    name, _, _, needles, nranks = case
    what = "%s (%d rank%s)" % (name, nranks, "s" if nranks > 1 else "")
    if "skip" in seen:
        print("SKIP: %s: %s" % (what, seen["skip"]))
        return
    if "broken" in seen:
        c.check(False, "%s: the case's own setup failed: %s" % (what, seen["broken"]))
        return
    rc, shown = seen["rc"], seen["shown"]
    if rc is None:
        c.check(False, "%s: hang: no exit within %d s: pawproj %s; stderr %r"
                % (what, TIMEOUT, " ".join(seen["argv"]), shown))
    else:
        c.check(rc in (1, 2), "%s: exit %s (want a normal exit, status 1 or 2): %r" % (what, exit_words(rc), shown))
    # Needles are looked for with the case's directories written IN and OUT
    # (their names hold the case's name, which must not match a needle).
    errors = [ln for ln in shown.splitlines() if "error:" in ln]
    c.check(len(errors) == 1, "%s: exactly one line with 'error:' (got %d): %r" % (what, len(errors), shown))
    msg = errors[0] if errors else ""
    missing = [n for n in needles if not has(msg, n)]
    c.check(not missing, "%s: the message names %s (missing %s): %r" % (what, needles, missing, shown))
    c.check(not seen["left"], "%s: nothing in the output directory: %s" % (what, seen["left"]))
    c.check(not seen["changed"] and not seen["added"],
            "%s: inputs unchanged (changed %s, added %s)" % (what, seen["changed"], seen["added"]))
    if os.environ.get("PAWPROJ_FAULTS_SHOW"):
        print("  %-40s rc=%s %5.2fs %s" % (name, rc, seen["seconds"], shown.splitlines()[0] if shown else ""))


top = tempfile.mkdtemp(prefix="pawproj-faults-")
c = Checker("faults")
names = [case[0] for case in CASES]
c.check(len(CASES) >= 45 and len(set(names)) == len(names), "catalogue: %d cases, names unique" % len(CASES))
only = set(sys.argv[1:])
c.check(not only - set(names), "cases asked for exist: %s" % sorted(only - set(names)))
chosen = [case for case in CASES if not only or case[0] in only]
# Most of a case's time is process start-up, not CPU: a few at a time.
jobs = int(os.environ.get("PAWPROJ_FAULTS_JOBS", "3"))
t_start = time.time()
with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
    for case, seen in zip(chosen, pool.map(attempt_safely, chosen)):
        judge(case, seen)
c.check(not os.path.exists("/nonexistent"), "no /nonexistent directory was created")
print("faults: %d cases in %.1f s (%d at a time)" % (len(chosen), time.time() - t_start, jobs))
shutil.rmtree(top)
c.close()
