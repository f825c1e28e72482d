#!/usr/bin/env python3
"""GPAW oracle for `project` on symmetry-reduced k-point sets (issue 11,
docs/symmetry.md §7): Si8 bulk (Fd-3m) and a vacancy with one neighbour
moved towards the empty site (R3m) on two meshes, the 2x2x2 Monkhorst-Pack
mesh and a 3x3x3 mesh shifted by half a step (k = ±1/6, 1/2; no Γ), made by
scripts/gpaw_symmetry_case.py: per structure one SCF with GPAW's symmetry
on, and on its density two non-self-consistent runs with the Hamiltonian
diagonalised exactly, symmetry on (ibz: bulk and defect have different
irreducible points) and off (full: every mesh point). Both are
eigenstates of ONE Hamiltonian (exact diagonalisation, and an SCF tight
enough that the density is symmetric under all of spglib's operations), so
the oracle holds to ~1e-12, far inside the tolerance 1e-8. ~2 min of GPAW
on 2 cores, cached under PAWPROJ_WORK; the test itself ~25 s.

Per mesh (measured values in docs/symmetry.md §7):
  mesh      pawproj recovers each IBZ run's mesh (n, shift 1/2 per axis);
            the 333s points are really off Γ.
  character project(bulk ibz, defect ibz), unfolded by pawproj with each
            structure's own operations, and the mixed pairs (one run
            full-zone, the other unfolded onto its points) give the k-mean
            energy, occupation, valence and conduction weight of
            project(bulk full, defect full) to 1e-8, summed over each set
            of defect bands that is degenerate (1e-4 eV) at some k.
  subspace  bulk = the full-zone run, defect = the IBZ run of the SAME
            structure (bulk and vacancy, all bands), --h5:
            S = overlaps <full m|unfolded n> per k. pawproj's PAW metric
            M is not GPAW's (its dataset_Si.xml projectors give the PAW
            identity to 3e-7 only), so S is compared through the full
            run's own Gram matrix O = <full m|full n> (same M, no
            unfolding): if unfolded = full · U with U unitary within
            each degenerate group, then S = O U. U = O^-1 S must be
            unitary per group (energies within 1e-4 eV) to 1e-8 and
            vanish between groups to 1e-8. U's blocks are not 1 (there are
            signs, phases and mixings, checked), so a comparison that
            ignored the phase freedom would fail. Raw S is unitary to
            1e-6 only (the metric).
  ranks     project(bulk ibz, defect ibz) on 1, 2 and 4 ranks, as
            k-point groups and as one band group (--kgroups 1), agree bit
            for bit: each product is formed over a fixed block of bulk
            bands, the band weights are summed in band order and the
            character over the items in file order (analysis/overlap.c).

Tried once by hand: binaries built from a copy of the source with one
mutation each (the project's source untouched), this test run against them
with PAWPROJ_EXE and the cached GPAW runs:
  * plane-wave phase e^{-2πi(k'+G')·τ} dropped: character (IBZ bulk) off
    by 0.61 (222) / 0.65 (333s); bulk U unitary only to 0.93 / 1.0 and
    0.62 between groups (the vacancy's R3m operations have τ = 0);
  * time reversal without conjugating the coefficients: character off by
    0.61 / 0.56; vacancy U unitary to 0.95 / 1.0 (the bulk never needs
    time reversal: its group holds the inversion);
  * each unfolded point given its source IBZ point's weight, renormalised:
    k-means off by 2.2e-2 (222) / 0.13 (333s); the subspace checks (per k)
    pass, as they should;
  * umklapp G0 ignored: `project` refuses the run ("rotating plane waves:
    source G ... is not in the target k-point's G list"), the test stops.
A first weight mutation, 2(k+1)/(N(N+1)), went unseen on 222: k and -k
sit at mirrored mesh positions, their weights add up to 2/N and their
characters are equal.
"""
import atexit
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from common import REPO, Checker, env, run
from gpawcheck import need_gpaw

need_gpaw()
c = Checker("gpaw-symmetry")
TOL = 1e-8
DEG = 1e-4  # eV: bands closer than this at a k-point form one degenerate group
# mesh: (divisions, shift in units of the mesh spacing: 1/2 = Monkhorst-Pack style)
MESHES = {"222": ((2, 2, 2), (0.5, 0.5, 0.5)), "333s": ((3, 3, 3), (0.5, 0.5, 0.5))}
SCRIPTS = [os.path.join(REPO, "scripts", n) for n in ("gpaw_symmetry_case.py", "gpaw_example.py")]
digest = hashlib.sha1(b"".join(open(p, "rb").read() for p in SCRIPTS)).hexdigest()[:12]
root = os.path.join(os.environ.get("PAWPROJ_WORK", tempfile.gettempdir()), "si8-symmetry-" + digest)
work = tempfile.mkdtemp(prefix="gpaw-symmetry-")
atexit.register(shutil.rmtree, work, True)
for mesh in MESHES:
    out = os.path.join(root, mesh)
    if not os.path.isfile(os.path.join(out, "complete")):
        p = subprocess.run(["mpirun", "--oversubscribe", "-n", "2", sys.executable, SCRIPTS[0], "--out", out,
                            "--mesh", mesh], capture_output=True, text=True, env=env(), timeout=900)
        if not c.check(p.returncode == 0, "gpaw_symmetry_case.py --mesh %s: %s" % (mesh, p.stderr[-2000:])):
            c.close()


def ref_json(d):
    return json.load(open(os.path.join(d, "gpaw_reference.json")))


def project(bulk, defect, bands, n=1, h5=None, kgroups=None):
    args = ["project", "--bulk", bulk, "--defect", defect, "--datasets", bulk, "--bands", "1-%d" % bands,
            "--json", "-"]
    if kgroups:
        args += ["--kgroups", kgroups]
    if h5:
        args += ["--h5", h5]
    return json.loads(run(args, n).stdout)


def table(res):
    return np.array([[b["energy_eV"], b["occupation"], b["valence"], b["conduction"]] for b in res["bands"]])


def defect_groups(eig):
    """Sets of consecutive bands that are degenerate (DEG) at some k-point:
    the character of their sum does not depend on how a run mixes them."""
    e = np.asarray(eig)[0]  # [k][band], spin 1
    join = (np.diff(e, axis=1) < DEG).any(axis=0)
    out = [[0]]
    for i, j in enumerate(join):
        if j:
            out[-1].append(i + 1)
        else:
            out.append([i + 1])
    return out


def k_groups(e):
    """Degenerate groups of one k-point's energies (sorted)."""
    out = [[0]]
    for i in range(1, len(e)):
        if e[i] - e[i - 1] < DEG:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def overlaps(bulk, defect, bands, name):
    """--h5's overlaps[k][defect band][bulk band] = <bulk m|defect n> and
    both runs' energies (spin 1)."""
    path = os.path.join(work, name + ".h5")
    project(bulk, defect, bands, h5=path)
    with h5py.File(path, "r") as f:
        return f["overlaps"][0], f["bulk_eigenvalues"][0], f["defect_eigenvalues"][0]


for mesh, (ndiv, shift) in MESHES.items():
    base = os.path.join(root, mesh)

    def d(mode, run_):
        return os.path.join(base, mode, run_)

    nmesh = int(np.prod(ndiv))
    # --- the mesh: GPAW's points, and the mesh pawproj recovers from each IBZ run
    kfull = np.array(ref_json(d("full", "bulk"))["kpoints_frac"])
    onmesh = np.abs((kfull * ndiv - shift + 0.5) % 1 - 0.5).max()
    c.check(len(kfull) == nmesh and onmesh < 1e-9 and np.abs(kfull).min() > 0.1,
            "%s: GPAW's full-zone points: %d, on the mesh with shift 1/2 to %.0e, min |k_i| = %.3f (no Γ)"
            % (mesh, len(kfull), onmesh, np.abs(kfull).min()))
    nk = {}
    for r in ("bulk", "vacancy"):
        info = json.loads(run(["info", d("ibz", r), "--json", "-"]).stdout)["symmetry"]["kpoints"]
        nk[r] = info["nkpts"]
        c.check(info["set"] == "symmetry-reduced" and info["mesh"] == list(ndiv)
                and np.allclose(info["shift"], shift) and info["nmesh"] == nmesh,
                "%s: %s IBZ run: %d points of the recovered %s mesh, shift %s (%s)"
                % (mesh, r, info["nkpts"], "×".join(map(str, info["mesh"])), info["shift"], info["set"]))
        c.check(len(ref_json(d("full", r))["kpoints_frac"]) == nmesh, "%s: %s full run: %d points" % (mesh, r, nmesh))
    c.check(nk["bulk"] != nk["vacancy"], "%s: IBZ k-point sets differ: bulk %d, defect %d"
            % (mesh, nk["bulk"], nk["vacancy"]))
    nbulk = ref_json(d("full", "bulk"))["nbands"]
    nvac = ref_json(d("full", "vacancy"))["nbands"]

    # --- character: unfolded pairs against the full-zone pair
    groups = defect_groups(ref_json(d("full", "vacancy"))["eigenvalues_eV"])
    ref = table(project(d("full", "bulk"), d("full", "vacancy"), nvac))
    sums = lambda t: np.array([t[g].sum(axis=0) for g in groups])  # noqa: E731
    for b, v in (("ibz", "ibz"), ("ibz", "full"), ("full", "ibz")):
        res = project(d(b, "bulk"), d(v, "vacancy"), nvac)
        err = np.abs(sums(table(res)) - sums(ref)).max()
        c.check(err < TOL, "%s: bulk %s, defect %s: k-mean energy, occupation, valence, conduction = "
                "full-zone pair's to %.1e (%d degenerate sets; weights %s)"
                % (mesh, b, v, err, len(groups), res["weights_source"]))

    # --- subspaces: unfolded states = GPAW's full-zone states · block-unitary U
    for r, nb in (("bulk", nbulk), ("vacancy", nvac)):
        O, _, _ = overlaps(d("full", r), d("full", r), nb, "%s-%s-full" % (mesh, r))
        S, eb, ed = overlaps(d("full", r), d("ibz", r), nb, "%s-%s-ibz" % (mesh, r))
        de = np.abs(eb - ed).max()
        unit = off = raw_unit = raw_off = phase = 0.0
        ngroups = 0
        for k in range(len(S)):
            Ok, Sk = O[k].T, S[k].T  # [m][n] = <bulk m|defect n>
            U = np.linalg.solve(Ok, Sk)
            inside = np.zeros(U.shape, bool)
            for g in k_groups(eb[k]):
                ix = np.ix_(g, g)
                inside[ix] = True
                ident = np.eye(len(g))
                unit = max(unit, np.abs(U[ix] @ U[ix].conj().T - ident).max())
                raw_unit = max(raw_unit, np.abs(Sk[ix] @ Sk[ix].conj().T - ident).max())
                phase = max(phase, np.abs(U[ix] - ident).max())
                ngroups += 1
            off = max(off, np.abs(U[~inside]).max())
            raw_off = max(raw_off, np.abs(Sk[~inside]).max())
        tag = "%s: %s, <full|unfolded IBZ> over %d k, %d degenerate groups" % (mesh, r, len(S), ngroups)
        c.check(de < 1e-9, "%s: eigenvalues equal to %.1e eV" % (tag, de))
        c.check(unit < TOL, "%s: U = O^-1 S unitary per group to %.1e" % (tag, unit))
        c.check(off < TOL, "%s: U between groups %.1e" % (tag, off))
        c.check(phase > 1e-3, "%s: U's blocks are not 1 (max |U_G - 1| = %.2f): phases and mixings are real"
                % (tag, phase))
        c.check(raw_unit < 1e-6 and raw_off < 1e-6,
                "%s: raw S unitary per group to %.1e, between groups %.1e (pawproj's PAW metric)"
                % (tag, raw_unit, raw_off))

    # --- ranks: the band tables of 1, 2 and 4 ranks, k-point groups and band groups, bit for bit
    one = project(d("ibz", "bulk"), d("ibz", "vacancy"), nvac)["bands"]
    for n, kgroups in ((2, None), (4, None), (2, "1"), (4, "1")):
        other = project(d("ibz", "bulk"), d("ibz", "vacancy"), nvac, n, kgroups=kgroups)["bands"]
        same = [b["band"] for b in one] == [b["band"] for b in other]
        diff = max(abs(a[key] - b[key]) for a, b in zip(one, other) for key in a) if same else np.inf
        nbits = sum(a[key] != b[key] for a, b in zip(one, other) for key in a) if same else -1
        c.check(nbits == 0, "%s: IBZ pair: 1 rank = %d ranks (--kgroups %s) bit for bit (%d of %d values differ, "
                "by up to %.1e)" % (mesh, n, kgroups, nbits, sum(len(b) for b in one), diff))
c.close()
