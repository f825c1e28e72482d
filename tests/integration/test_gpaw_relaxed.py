#!/usr/bin/env python3
"""Relaxed neighbours, checked against an independent all-electron reference:
Si8 and its vacancy on the 2x2x2 mesh, plus the vacancy with its four
neighbours moved 0.1 Å inwards (scripts/gpaw_example.py --relax 0.1; one
moved neighbour crosses the cell boundary, so old and new site are in
different lattice images).  gpaw_example also stores <bulk m|X n> for the
occupied bands at every k computed by GPAW's PS2AE on a 0.05 Å grid
(pseudo part by FFT interpolation, phi - phit added on the grid), which
shares nothing with pawproj's formula.  Our overlaps (plane waves + matched
sites + bulk-only / defect-only sites + two-centre pair terms) must agree
with that grid to within its own error, measured by bulk x bulk against the
identity; without the pair terms the relaxed case is off by ~6e-2.  Also:
AE norms of the relaxed run, 1 rank = N ranks, and the pairs are reported;
the three as one study (`--defects`) give each single run's file, bit for bit.

The bulk is diagonalised fully (--bulk-full: one band per plane wave), so
its AE states are a complete orthonormal set of its own PAW space: Bessel's
inequality sum_m |<bulk m|X n>|^2 <= <X n|X n> = 1 must hold for every
defect band (wrong PAW terms break it easily), and the shortfall is the part
of X n outside that space (docs/paw.md: not zero for vacancies and moved
atoms, however many bulk bands).

Densities (gpaw_example --densities: GPAW's coarse grid holds the density's
sphere, and its valence densities are rebuilt from the exported states
without the pseudo-core term): `pawproj density` on GPAW's fine grid equals
GPAW's get_all_electron_density outside the PAW spheres to 1e-4 of the
largest value (both are the pseudo density there).  Inside, the two resolve
the partial waves differently: GPAW samples them at the grid points (its
total on this grid exceeds the electron count), pawproj filters them to the
grid (its total falls short by the predicted loss); the charge in every
sphere must agree within those two known per-atom errors plus 1e-3.  On
pawproj's default grid the total is the electron count to 1e-3."""
import json
import os
import tempfile

import h5py
import numpy as np

from common import Checker, run
from gpawcheck import check_export, gpaw_case, need_gpaw
from pawcheck import check_norms

need_gpaw()
c = Checker("gpaw-relaxed")
bulk, vac = gpaw_case(c, "si8-relaxed", ["--size", "8", "--kpts", "222", "--relax", "0.1",
                                         "--grid-overlaps", "0.05", "--bulk-full", "--densities"])
rel = os.path.join(os.path.dirname(bulk), "relaxed")
grid = json.load(open(os.path.join(rel, "gpaw_reference.json")))["grid_overlaps"]
nocc = grid["bands"]


def grid_matrix(label):
    g = np.array(grid[label])
    return g[..., 0] + 1j * g[..., 1]            # (nk, bulk m, defect n)


eps = np.abs(grid_matrix("bulk") - np.eye(nocc)).max()
c.check(eps < 2e-3, "grid reference: bulk x bulk = identity to %.1e (its own error)" % eps)
tol = 2 * eps + 1e-4
check_export(c, rel, 1, "relaxed 1 rank")
for nranks in (1, 2):
    check_norms(c, rel, nranks, "relaxed %d ranks" % nranks)

with tempfile.TemporaryDirectory() as tmp:
    for label, d in (("bulk", bulk), ("vacancy", vac), ("relaxed", rel)):
        got = []
        for nranks in (1, 2, 4):
            h5 = os.path.join(tmp, "%s%d.h5" % (label, nranks))
            out = run(["project", "--bulk", bulk, "--defect", d, "--datasets", bulk, "--bands", "1-%d" % nocc,
                       "--h5", h5], nranks).stdout
            with h5py.File(h5, "r") as f:
                O = f["overlaps"][0]                                             # (nk, n, all bulk m)
                got.append(np.transpose(O[:, :, :nocc], (0, 2, 1)))             # (nk, m, n)
            if nranks == 1:
                total = (np.abs(O) ** 2).sum(axis=2)
                c.check(total.max() <= 1 + 1e-6,
                        "%s: Bessel's inequality over the complete bulk basis (%d bands): max sum %.8f; "
                        "shortfall %.1e .. %.1e" % (label, O.shape[2], total.max(), 1 - total.max(), 1 - total.min()))
        diff = np.abs(got[0] - grid_matrix(label)).max()
        c.check(diff < tol, "%s: <bulk m|%s n> = GPAW's AE grid overlaps to %.1e (tolerance %.1e, all k, %d bands)"
                % (label, label, diff, tol, nocc))
        for g, n in zip(got[1:], (2, 4)):
            c.check(np.abs(g - got[0]).max() < 1e-12, "%s: 1 rank = %d ranks" % (label, n))
        if label == "relaxed":
            c.check("4 pairs of overlapping spheres" in out and out.count("0.1000 Å") == 4,
                    "the four moved neighbours' pair terms are reported:\n" + out[:1500])
    # The three as one study (issue 12): each group = its single run's
    # 1-rank file above, bit for bit, the bulk read once.
    h5 = os.path.join(tmp, "study.h5")
    js = json.loads(run(["project", "--bulk", bulk, "--datasets", bulk, "--bands", "1-%d" % nocc, "--h5", h5,
                         "--defects", "self=%s vac=%s rel=%s" % (bulk, vac, rel), "--json", "-"]).stdout)
    with h5py.File(h5, "r") as f:
        for glabel, label in (("self", "bulk"), ("vac", "vacancy"), ("rel", "relaxed")):
            with h5py.File(os.path.join(tmp, "%s1.h5" % label), "r") as g:
                bad = [k for k in g.keys() if f["defects"][glabel][k][()].tobytes() != g[k][()].tobytes()]
                same_keys = set(f["defects"][glabel].keys()) == set(g.keys())
            c.check(not bad and same_keys,
                    "study: group %s = the single run of %s, bit for bit (differs: %s)" % (glabel, label, bad))
    c.check(len(js["defects"]) == 3 and js["bulk_bytes_read"] > 0, "study: three defects, one bulk read")
    # WSWQ (issue 13): <psi_i(bulk)|S|psi_j(relaxed)> = GPAW's grid <bulk m|relaxed n>, read back by
    # pymatgen's WSWQ reader.
    from pymatgen.io.vasp.outputs import WSWQ
    stem = os.path.join(tmp, "W")
    run(["wswq", "--ref", bulk, rel, "--datasets", bulk, "--bands", "1-%d" % nocc, "-o", stem], 2)
    w = WSWQ.from_file(stem + ".relaxed").data[0]                       # (nk, i, j)
    diff = np.abs(w - grid_matrix("relaxed")).max()
    c.check(diff < tol, "wswq: <bulk i|S|relaxed j> = GPAW's AE grid overlaps to %.1e (tolerance %.1e)" % (diff, tol))
    # overlap (issue 13): the full matrix on a 1 x 2 BLACS grid, pair terms of the moved neighbours included.
    h5 = os.path.join(tmp, "full.h5")
    run(["overlap", "--bra", bulk, "--ket", rel, "--datasets", bulk, "--bands-bra", "1-%d" % nocc, "--bands-ket",
         "1-%d" % nocc, "--blacs", "1x2", "--h5", h5], 2)
    with h5py.File(h5, "r") as f:
        full = f["overlaps"][()][0]                                     # (nk, relaxed n, bulk m)
    diff = np.abs(np.transpose(full, (0, 2, 1)) - grid_matrix("relaxed")).max()
    c.check(diff < tol, "overlap: <bulk m|relaxed n> = GPAW's AE grid overlaps to %.1e (tolerance %.1e)" % (diff, tol))
with tempfile.TemporaryDirectory() as tmp:
    for label, d in (("bulk", bulk), ("vacancy", vac)):
        g = np.load(os.path.join(d, "gpaw_densities.npz"))
        ref, rcut = g["ae_valence"], g["rcut_bohr"] * 0.529177210903
        n = list(ref.shape)
        out = os.path.join(tmp, label + ".vasp")
        js = json.loads(run(["density", d, "--datasets", d, "--grid", "%d,%d,%d" % tuple(n), "-o", out,
                             "--json", "-"], 2).stdout)
        with h5py.File(out + ".h5", "r") as f:
            ours = f["density"][0].transpose(2, 1, 0)
        info = json.loads(run(["info", d, "--json", "-"]).stdout)
        lat = np.array(info["lattice_A"])
        dv = abs(np.linalg.det(lat)) / np.prod(n)
        lines = open(os.path.join(d, "POSCAR")).read().split("\n")
        natoms = sum(int(x) for x in lines[6].split())
        pos = np.array([l.split()[:3] for l in lines[8:8 + natoms]], float)
        frac = np.stack(np.meshgrid(*[np.arange(m) / m for m in n], indexing="ij"), -1)
        inside = np.zeros(n, bool)
        sphere_q = []
        for a, p in enumerate(pos):
            dd = frac - p
            dd -= np.round(dd)
            r = np.linalg.norm(dd @ lat, axis=-1)
            s_ = r < rcut[a]
            inside |= s_
            sphere_q.append((ours[s_].sum() * dv, ref[s_].sum() * dv))
        dev = np.abs(ours[~inside] - ref[~inside]).max() / ref.max()
        c.check(dev < 1e-4, "%s density outside the spheres = GPAW's to %.1e of its largest value" % (label, dev))
        nel = js["electrons_expected"]
        excess = (ref.sum() * dv - nel) / natoms
        loss = (nel - ours.sum() * dv) / natoms
        worst = max(abs(q - qr) for q, qr in sphere_q)
        c.check(worst <= abs(excess) + abs(loss) + 1e-3,
                "%s: charge per sphere ours vs GPAW differs by <= %.4f; known per-atom errors: GPAW's sampling "
                "%+.4f, our filter %+.4f" % (label, worst, excess, -loss))
        jd = json.loads(run(["density", d, "--datasets", d, "-o", os.path.join(tmp, label + "_def.vasp"),
                             "--json", "-"], 2).stdout)
        rel = abs(jd["electrons_on_grid"] - nel) / nel
        c.check(rel < 1e-3, "%s: %.5f of %g electrons on the default grid %s (%.1e)"
                % (label, jd["electrons_on_grid"], nel, jd["grid"], rel))
c.close()
