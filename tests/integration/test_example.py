#!/usr/bin/env python3
"""The example shipped in tests/data/si8 (GPAW Si8 bulk and Si7 vacancy,
2x2x2 k-points): the files read back to GPAW's own values, and the
README's main job (project --method pseudo) gives a sensible, rank-count
independent band-character table."""
import json
import os
import tempfile

import numpy as np

from common import Checker, REPO, run
from gpawcheck import check_export

c = Checker("example-si8")
root = os.path.join(REPO, "tests", "data", "si8")
bulk, vac = os.path.join(root, "bulk"), os.path.join(root, "vacancy")
for d in (bulk, vac):
    for nranks in (1, 2):
        check_export(c, d, nranks, "%s %d ranks" % (os.path.basename(d), nranks))

with tempfile.TemporaryDirectory() as tmp:
    tables = []
    for nranks in (1, 2, 4):
        js = os.path.join(tmp, "r%d.json" % nranks)
        p = run(["project", "--method", "pseudo", "--bulk", bulk, "--defect", vac, "--json", js], nranks)
        tables.append(json.load(open(js)))
        if nranks == 1:
            c.check("valence" in p.stdout and "conduction" in p.stdout, "table printed")
    ref = json.load(open(os.path.join(vac, "gpaw_reference.json")))
    bands = tables[0]["bands"]
    c.check(len(bands) >= 2, "default window selects bands: %s" % [b["band"] for b in bands])
    for t in tables[1:]:
        c.check(np.allclose([(b["valence"], b["conduction"]) for b in t["bands"]],
                            [(b["valence"], b["conduction"]) for b in bands], rtol=0, atol=1e-12),
                "1 rank = N ranks")
    for b in bands:
        c.check(abs(b["valence"] + b["conduction"] - 1) < 1e-12, "band %d v + c = 1" % b["band"])
        e = np.mean(np.array(ref["eigenvalues_eV"])[b["spin"] - 1, :, b["band"] - 1])
        c.check(abs(b["energy_eV"] - np.dot(np.array(ref["kweights"]) / np.sum(ref["kweights"]),
                                             np.array(ref["eigenvalues_eV"])[b["spin"] - 1, :, b["band"] - 1])) < 1e-9,
                "band %d weighted energy" % b["band"])
    # The vacancy levels in the gap mix valence and conduction character.
    mixed = [b for b in bands if 0.05 < b["valence"] < 0.95]
    c.check(len(mixed) >= 1, "some vacancy level has mixed character: %s" %
            [(b["band"], round(b["valence"], 3)) for b in bands])
c.close()
