#!/usr/bin/env python3
"""POTCAR reader vs PAW-XML reader on the same dataset.

VASP's POTCARs are licensed, so the POTCAR here is GPAW's open Si dataset
(tests/data/si8/bulk/dataset_Si.xml) written in POTCAR layout by
scripts/pawproj_tools/pawxml_to_potcar.py: 100-point reciprocal projector
tables up to GMAX = 15/A, as VASP's. pawproj interpolates such a table
with a cubic spline (as VASP does), the XML path transforms the radial
projector itself, so the projections agree to the table's interpolation
error (measured 5e-7; bound 5e-6), and both give AE norms 1 and
orthonormal bands to 1e-6 on the GPAW-made WAVECAR. Malformed POTCARs
(truncated, missing section, wrong element, bad number) fail with one
clear message and leave no output."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from common import Checker, REPO, run

c = Checker("potcar")
bulk = os.path.join(REPO, "tests", "data", "si8", "bulk")
vac = os.path.join(REPO, "tests", "data", "si8", "vacancy")
conv = os.path.join(REPO, "scripts", "pawproj_tools", "pawxml_to_potcar.py")

with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, "POTCAR")
    p = subprocess.run([sys.executable, conv, os.path.join(bulk, "dataset_Si.xml"), "-o", pot, "--order"],
                       capture_output=True, text=True)
    if not c.check(p.returncode == 0, "converter: %s" % p.stderr[-500:]):
        c.close()
    order = [int(x) for x in p.stdout.split()]
    l_j = json.load(open(os.path.join(bulk, "gpaw_reference.json")))["setup"]["Si"]["l_j"]
    # Column of each XML projector (j, m) in the POTCAR's channel order.
    start_xml, k = [], 0
    for l in l_j:
        start_xml.append(k)
        k += 2 * l + 1
    cols = [start_xml[j] + m for j in order for m in range(2 * l_j[j] + 1)]

    proj = {}
    for tag, ds in (("xml", bulk), ("potcar", pot)):
        for nranks in (1, 2):
            h5 = os.path.join(tmp, "%s%d.h5" % (tag, nranks))
            js = os.path.join(tmp, "%s%d.json" % (tag, nranks))
            run(["norms", bulk, "--datasets", ds, "--json", js, "--h5", h5], nranks)
            out = json.load(open(js))
            ae = np.array([b["ae_norm"] for b in out["bands"]])
            c.check(np.max(np.abs(ae - 1)) < 1e-6 and max(out["max_offdiag"][0]) < 1e-6,
                    "%s, %d rank(s): AE norms 1 ± %.1e, off-diagonal %.1e (< 1e-6)"
                    % (tag, nranks, np.max(np.abs(ae - 1)), max(out["max_offdiag"][0])))
            with h5py.File(h5, "r") as f:
                proj[tag, nranks] = f["projections"][()]
    P_xml = proj["xml", 1].reshape(proj["xml", 1].shape[:3] + (8, -1))
    P_pot = proj["potcar", 1].reshape(proj["potcar", 1].shape[:3] + (8, -1))
    d = np.max(np.abs(P_pot - P_xml[..., cols]))
    c.check(d < 5e-6, "projections from the POTCAR = from the XML (channels reordered): max diff %.1e" % d)
    c.check(np.array_equal(proj["potcar", 1], proj["potcar", 2]) or
            np.max(np.abs(proj["potcar", 1] - proj["potcar", 2])) < 1e-12, "POTCAR: 1 rank = 2 ranks")

    # A directory holding a POTCAR is taken as --datasets too; project's
    # band character agrees with the XML datasets.
    dsdir = os.path.join(tmp, "ds")
    os.mkdir(dsdir)
    shutil.copy(pot, dsdir)
    res = {}
    for tag, ds in (("xml", bulk), ("potcar", dsdir)):
        js = os.path.join(tmp, "p-%s.json" % tag)
        run(["project", "--bulk", bulk, "--defect", vac, "--datasets", ds, "--bands", "1-22", "--json", js], 2)
        res[tag] = [(b["valence"], b["conduction"]) for b in json.load(open(js))["bands"]]
    d = np.max(np.abs(np.array(res["xml"]) - np.array(res["potcar"])))
    c.check(d < 1e-5, "project: character with the POTCAR = with the XML (max diff %.1e)" % d)

    text = open(pot).read()

    def expect_fail(name, content, needles):
        path = os.path.join(tmp, "POTCAR." + name)
        open(path, "w").write(content)
        out = os.path.join(tmp, name + ".json")
        p = run(["norms", bulk, "--datasets", path, "--json", out], 1, check=False)
        msg = p.stderr.strip()
        c.check(p.returncode != 0 and all(n in msg for n in needles),
                "%s: exit %d, message %r should contain %s" % (name, p.returncode, msg, needles))
        c.check(msg.count("error:") == 1, "%s: one error line" % name)
        c.check(not os.path.exists(out), "%s: no output file" % name)

    expect_fail("truncated", text[: len(text) // 2], ["End of Dataset", "truncated"])
    expect_fail("no-radial", text.replace(" PAW radial sets", " PAW radial stuff"), ["PAW radial sets"])
    expect_fail("element", text.replace("PAW_GPAW Si", "PAW_GPAW Ge"),
                ["species 1 is Si in the POSCAR but Ge in the POTCAR"])
    i = text.index(" Reciprocal Space Part") + len(" Reciprocal Space Part\n")
    expect_fail("number", text[:i] + "  1.0x0E+00" + text[i + 10:], ["not a number", "line"])
    expect_fail("short-waves", text[: text.rindex(" ae wavefunction")] + " End of Dataset\n",
                ["4 AE partial waves for 5"])
    # The real-space projector tables (LREAL = .TRUE.): one row missing in
    # the second table; a different cutoff radius in the second l section.
    r2 = text.index(" Real Space Part", text.index(" Real Space Part") + 1)
    row = text.index("\n", r2) + 1
    expect_fail("real-short", text[:row] + text[text.index("\n", row) + 1:],
                ["real-space projector table of", "the first has"])
    nl2 = text.index(" Non local Part", text.index(" Non local Part") + 1)
    hdr = text.index("\n", nl2) + 1
    fields = text[hdr:text.index("\n", hdr)].split()
    bad = "  %11s  %11s  %.12f" % (fields[0], fields[1], float(fields[2]) * 1.1)
    expect_fail("real-radius", text[:hdr] + bad + text[text.index("\n", hdr):],
                ["same positive real-space radius for every l"])
c.close()
