#!/usr/bin/env python3
"""project --method paw on the shipped GPAW example (Si8, Si7 vacancy):
bulk against itself is exactly valence for occupied and conduction for
empty bands (1e-6); the vacancy's deep bands keep ~all their weight in the
bulk basis, its gap levels are mixed; rank count does not matter (1e-12);
the projections in the HDF5 file equal GPAW's (1e-5)."""
import json
import os
import tempfile

import h5py
import numpy as np

from common import Checker, REPO, run

c = Checker("project-paw")
root = os.path.join(REPO, "tests", "data", "si8")
bulk, vac = os.path.join(root, "bulk"), os.path.join(root, "vacancy")
with tempfile.TemporaryDirectory() as tmp:
    js = os.path.join(tmp, "self.json")
    run(["project", "--bulk", bulk, "--defect", bulk, "--datasets", bulk, "--bands", "1-24", "--json", js], 2)
    for b in json.load(open(js))["bands"]:
        side = b["valence"] if b["occupation"] > 0.5 else b["conduction"]
        c.check(abs(side - 1) < 1e-6 and abs(b["outside"]) < 1e-6,
                "bulk vs bulk band %d: %s %.2e" % (b["band"], "valence" if b["occupation"] > 0.5 else "conduction", side - 1))
    res, proj = [], []
    for nranks in (1, 2, 4):
        js = os.path.join(tmp, "v%d.json" % nranks)
        h5 = os.path.join(tmp, "v%d.h5" % nranks)
        run(["project", "--bulk", bulk, "--defect", vac, "--datasets", bulk, "--bands", "1-22",
             "--json", js, "--h5", h5], nranks)
        with h5py.File(h5, "r") as f:
            res.append((json.load(open(js))["bands"], f["overlaps"][()], f["site_match_bulk_to_defect"][()],
                        f.attrs["method"], f["character"][()]))
            proj.append((f["bulk_projections"][()], f["defect_projections"][()]))
    bands, ovl, match, method, char = res[0]
    # The projections written beside the overlaps are GPAW's own (each
    # structure at its own atoms), for every rank count.
    for which, d, sel in (("bulk", bulk, slice(None)), ("defect", vac, slice(0, 22))):
        v = np.array(json.load(open(os.path.join(d, "gpaw_reference.json")))["projections"]["values"])
        g = (v[..., 0] + 1j * v[..., 1]).reshape(v.shape[0], v.shape[1], v.shape[2], -1)[:, :, sel]
        for nranks, pr in zip((1, 2, 4), proj):
            got = pr[0 if which == "bulk" else 1]
            dmax = np.max(np.abs(got - g)) if got.shape == g.shape else float("inf")
            c.check(dmax < 1e-5, "%s projections in the HDF5 file vs GPAW, %d rank(s): %s, max diff %.1e"
                    % (which, nranks, got.shape, dmax))
    c.check(method in ("paw", b"paw"), "HDF5 method attribute")
    c.check(match[0] == -1 and list(match[1:]) == list(range(7)), "site matching: bulk atom 0 is the vacancy: %s" % match)
    # One k-point: 2 and 4 ranks split the bulk bands, and still every
    # value is the same bits (analysis/overlap.c forms each product, PAW
    # sides included, over a fixed block of bulk bands).
    for nranks, (b2, o2, _, _, ch2), pr in zip((2, 4), res[1:], proj[1:]):
        nbit = int(np.sum(o2 != ovl)) + int(np.sum(ch2 != char)) + sum(int(np.sum(a != b)) for a, b in zip(pr, proj[0]))
        c.check(o2.shape == ovl.shape and nbit == 0,
                "%d ranks: overlaps, character and projections bit for bit as on 1 rank (%d values differ)" % (nranks, nbit))
        c.check(np.max(np.abs(o2 - ovl)) < 1e-12, "overlaps 1 rank = N ranks (%.1e)" % np.max(np.abs(o2 - ovl)))
        c.check(np.allclose([(x["valence"], x["conduction"]) for x in b2],
                            [(x["valence"], x["conduction"]) for x in bands], atol=1e-12, rtol=0), "character 1 = N ranks")
    deep = bands[0]
    c.check(abs(deep["valence"] + deep["conduction"] - 1) < 2e-3 and deep["valence"] > 0.99,
            "deepest vacancy band stays in the bulk valence basis: v=%.4f c=%.4f" % (deep["valence"], deep["conduction"]))
    for b in bands:
        c.check(-1e-9 < b["outside"] < 0.5, "band %d outside %.3f in [0, 0.5)" % (b["band"], b["outside"]))
    gap = [b for b in bands if b["band"] in (14, 15, 16)]
    c.check(all(b["conduction"] > 0.05 and b["valence"] > 0.5 for b in gap),
            "vacancy levels 14-16 are mixed: %s" % [(b["band"], round(b["valence"], 3), round(b["conduction"], 3)) for b in gap])
    # Swapping the roles turns bulk-only sites into defect-only sites: a
    # different code path (projections on φ−φ̃ of the other structure's
    # bands) that must give the Hermitian conjugate.
    h5r = os.path.join(tmp, "swapped.h5")
    run(["project", "--bulk", vac, "--defect", bulk, "--datasets", bulk, "--bands", "1-24", "--h5", h5r], 2)
    with h5py.File(h5r, "r") as f:
        swapped = f["overlaps"][()]
    d = np.max(np.abs(ovl - np.conj(np.swapaxes(swapped, 2, 3))))
    c.check(d < 1e-12, "<B|D> = <D|B>* with roles swapped (%.1e)" % d)
    # Without --datasets the defect directory is searched (here it holds
    # dataset_Si.xml); one without datasets or POTCAR gets an explanation.
    js = os.path.join(tmp, "default.json")
    run(["project", "--bulk", bulk, "--defect", vac, "--bands", "1-22", "--json", js])
    c.check([(b["valence"], b["conduction"]) for b in json.load(open(js))["bands"]] ==
            [(b["valence"], b["conduction"]) for b in bands], "datasets default to the defect directory")
    bare = os.path.join(tmp, "bare")
    os.mkdir(bare)
    for name in ("WAVECAR", "POSCAR", "IBZKPT"):
        os.symlink(os.path.join(vac, name), os.path.join(bare, name))
    p = run(["project", "--bulk", bulk, "--defect", bare], check=False)
    c.check(p.returncode != 0 and "--datasets" in p.stderr and "POTCAR" in p.stderr,
            "paw without datasets explains: " + p.stderr)
c.close()
