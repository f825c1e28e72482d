#!/usr/bin/env python3
"""`pawproj wswq` (issue 13 point 2) on the shipped Si8 example: the bulk as
reference Q0, and as geometries Q the bulk itself and the vacancy.

  - pymatgen's own WSWQ reader (pymatgen.io.vasp.outputs.WSWQ, Debian's
    python3-pymatgen) parses every file: spins, k-points, bands.
  - Q0 against itself (STEM.reference, and the bulk given as a Q): the
    identity to 1e-6 (the AE orthonormality of these GPAW datasets, 2e-7).
  - The entries are VASP's <psi_i(Q0)|S|psi_j(Q)> (LWSWQ in the run of Q0,
    Q's WAVECAR as WAVECAR.qqq): the overlaps <Q0 i|Q j> the --h5 file
    holds, in the reader's [i][j] order (a swap of i and j, or a conjugate,
    shows on the vacancy).
  - nonrad's parser (nonrad.elphon._read_WSWQ: its two regular expressions,
    restated here; nonrad is not a Debian package) reads every entry, equal
    to pymatgen's.
  - --convention vasp: Q0 against itself is the identity too; a geometry
    with other atoms (the vacancy) is refused by name.
  - 1 rank = 2 ranks (k-point groups): the files are identical.
  - Errors: no --ref, no geometry, a geometry labelled 'reference', an
    output stem over an input, geometries of different cells.
The oracle for moved atoms (GPAW's all-electron grid overlaps) is in
test_gpaw_relaxed.py."""
import os
import re
import shutil
import tempfile

import h5py
import numpy as np
from pymatgen.io.vasp.outputs import WSWQ

from common import REPO, SHARED_VASP, Checker, run

c = Checker("wswq")


def nonrad_read(path):
    """{(spin, k): {(i, j): complex}} with the patterns of nonrad's _read_WSWQ."""
    out, cur = {}, None
    for line in open(path):
        sk = re.search(r'\s*spin=(\d+), kpoint=\s*(\d+)', line)
        d = re.search(r'i=\s*(\d+), j=\s*(\d+)\s*:\s*([0-9\-.]+)\s+([0-9\-.]+)', line)
        if sk:
            cur = (int(sk.group(1)), int(sk.group(2)))
            out[cur] = {}
        elif d:
            out[cur][(int(d.group(1)), int(d.group(2)))] = complex(float(d.group(3)), float(d.group(4)))
    return out


SI8 = os.path.join(REPO, "tests", "data", "si8")
BULK, VAC = os.path.join(SI8, "bulk"), os.path.join(SI8, "vacancy")

with tempfile.TemporaryDirectory() as tmp:
    texts = {}
    for n in (1, 2):
        stem = os.path.join(tmp, "W%d" % n)
        h5 = os.path.join(tmp, "w%d.h5" % n)
        p = run(["wswq", "--ref", BULK, BULK, VAC, "-o", stem, "--h5", h5], n, check=False)
        c.check(p.returncode == 0, "%d rank(s): exit %d %s" % (n, p.returncode, p.stderr[-300:]))
        texts[n] = {x: open("%s.%s" % (stem, x)).read() for x in ("reference", "bulk", "vacancy")}
        if n != 1:
            continue
        c.check("max |W - 1|" in p.stdout and "reference" in p.stdout, "checks printed:\n" + p.stdout)
        with h5py.File(h5, "r") as f:
            for label, nb in (("reference", 24), ("bulk", 24), ("vacancy", 22)):
                w = WSWQ.from_file("%s.%s" % (stem, label))
                c.check((w.nspin, w.nkpoints, w.nbands) == (1, 4, nb),
                        "%s: pymatgen reads spin %d, k-points %d, bands %d" % (label, w.nspin, w.nkpoints, w.nbands))
                ov = f["defects"][label]["overlaps"][()]             # [s][k][Q band i][Q0 band j]
                want = np.swapaxes(ov[:, :, :nb, :nb], 2, 3)
                d = np.abs(w.data - want).max()
                c.check(d < 2e-12, "%s: entries = <Q0 i|Q j> of the HDF5 file (max diff %.1e)" % (label, d))
                nr = nonrad_read("%s.%s" % (stem, label))
                got = np.array([[[[nr[(s + 1, k + 1)][(i + 1, j + 1)] for j in range(nb)] for i in range(nb)]
                                 for k in range(4)] for s in range(1)])
                c.check(len(nr) == 4 and np.abs(got - w.data).max() < 1e-15,
                        "%s: nonrad's parser reads the same %d entries as pymatgen's" % (label, got.size))
                if label != "vacancy":
                    e = np.abs(w.data - np.eye(nb)).max()
                    c.check(e < 1e-6, "%s: Q0 against itself is the identity to %.1e" % (label, e))
                else:
                    asym = np.abs(w.data - np.swapaxes(w.data, 2, 3).conj()).max()
                    c.check(asym > 1e-3, "vacancy: W is not Hermitian (so i/j order matters; %.2f)" % asym)
    c.check(texts[1] == texts[2], "1 rank = 2 ranks: identical files")
    stem = os.path.join(tmp, "V")
    p = run(["wswq", "--ref", BULK, BULK, "--convention", "vasp", "-o", stem], 2, check=False)
    e = np.abs(WSWQ.from_file(stem + ".bulk").data - np.eye(24)).max() if p.returncode == 0 else 1
    c.check(e < 1e-6, "--convention vasp: Q0 against itself is the identity to %.1e %s" % (e, p.stderr[-300:]))

    def refused(args, words, what):
        p = run(["wswq"] + args, check=False)
        c.check(p.returncode != 0 and all(x in p.stderr for x in words), "%s: %s" % (what, p.stderr.strip()[-200:]))

    refused([BULK], ["--ref"], "no --ref")
    refused(["--ref", BULK], ["displaced geometry"], "no geometry")
    other = os.path.join(tmp, "reference")
    shutil.copytree(VAC, other)
    refused(["--ref", BULK, other], ["'reference'"], "a geometry labelled reference")
    refused(["--ref", BULK, VAC, "-o", os.path.join(VAC, "WAVECAR")], ["refused"], "an output stem over an input")
    refused(["--ref", BULK, VAC, "--convention", "vasp", "-o", os.path.join(tmp, "X")], ["vacancy", "S(Q0)"],
            "--convention vasp with other atoms")
    refused(["--ref", BULK, VAC, "--convention", "exact"], ["--convention"], "an unknown convention")
    refused(["--ref", os.path.join(SHARED_VASP, "h-atom"), os.path.join(SHARED_VASP, "co2-gamma"), "-o",
             os.path.join(tmp, "L")], ["lattices differ"], "geometries of different cells")
c.close()
