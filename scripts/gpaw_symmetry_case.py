#!/usr/bin/python3
"""GPAW runs with point-group symmetry, exported by scripts/gpaw_example.py's
converter, for `project` on symmetry-reduced k-point sets (issue 11;
tests/integration/test_gpaw_symmetry.py).

Usage:
  mpirun -np 2 /usr/bin/python3 gpaw_symmetry_case.py --out DIR --mesh 222|333s

Si8 bulk (Fd-3m) and a lower-symmetry defect (the vacancy with one
neighbour moved 0.1 Å towards the empty site along its bond: C3v) on one
k-point mesh:
  222   the 2x2x2 Monkhorst-Pack mesh (k = ±1/4);
  333s  the 3x3x3 mesh shifted by half a step on every axis (GPAW's
        {'size': (3, 3, 3), 'gamma': False}: k = ±1/6, 1/2; Γ is not on it).
For each structure there is ONE self-consistent run, with GPAW's symmetry
on (point group, time reversal, non-symmorphic operations allowed). Its
converged density then gives two non-self-consistent runs (`fixed_density`),
whose Hamiltonian is diagonalised exactly (`diagonalize_full_hamiltonian`,
LAPACK, the lowest nbands eigenpairs):
  DIR/ibz/{bulk,vacancy}   symmetry on: the irreducible k-points, which
                           differ between bulk and defect;
  DIR/full/{bulk,vacancy}  symmetry off (no time reversal either): every
                           point of the mesh.
Both are eigenstates of the same Hamiltonian to rounding, so a full-zone
state equals a rotated IBZ state up to a unitary mixing within its
degenerate subspace: the oracle of the test is exact to ~1e-10, not limited
by two SCF runs' agreement (~1e-6). Davidson alone cannot get there: its
residual stalls at ~1e-12 eV^2 per electron and then diverges (tried),
which leaves the states good to ~1e-6 only. DIR/complete is written last.

The SCF is converged far beyond gpaw_example's (density 1e-12, eigenstates
1e-14, ~60 iterations, ~10 s): GPAW enforces only the operations it keeps,
and in the 8-atom cell, a supercell of the primitive one, it drops every
fractional translation (gpaw/symmetry.py), keeping the 24 operations of Td.
With time reversal they give the same irreducible k-points as spglib's 192
operations of Fd-3m, which pawproj unfolds with; but the density is
symmetric under the other 168 only as far as the SCF converged. At
gpaw_example's density 1e-6 the effective potential breaks the pure
translations by 3e-9 Ha, and states rotated by them differ from GPAW's
full-zone ones by 1.5e-8 between bands 0.4 eV apart (333s); at 1e-12 the
potential is symmetric to 8e-14 Ha.

gpaw_example.py is used as a module and left unchanged (its hash keys the
cached cases of the other tests). Replaced here: the structures, the
mesh, GPAW's `symmetry` argument, the band counts, the non-self-consistent
runs on top of the SCF, its refusal of runs whose k-point sets differ
(which is the point of this case), and the WAVECAR precision: complex128
(rtag 45210), so that overlaps are not limited by complex64 rounding
(gpaw_reference.json's pseudo_norms stay those of complex64 values).

Bands: each run keeps a band count that ends a complete degenerate group at
every k (the next band is >= 1.5e-2 eV higher; measured with 10 more
bands): the conduction weights sum over all bulk bands, and a cut group
would make them depend on how a run mixes it.
"""
import argparse
import os
import sys
import time

import numpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpaw_example as G  # noqa: E402

SHIFT = 0.1  # Å, the moved neighbour (lowers Td to C3v)
MESHES = {"222": {"size": (2, 2, 2)},
          "333s": {"size": (3, 3, 3), "gamma": False}}
# Bands per run: each count ends a degenerate group at every k. 222: 24
# would cut the bulk's group at 9.79 eV, 22 ends the 8.84 eV pair. 333s:
# the bulk's next gaps above band 20 are after 28 (0.37 eV); the vacancy's
# after 22 (2.4e-2 eV).
NBANDS = {"222": {"bulk": 22, "vacancy": 22},
          "333s": {"bulk": 28, "vacancy": 22}}
SYM_IBZ = {"point_group": True, "time_reversal": True, "symmorphic": False}
SCF_CONV = {"eigenstates": 1e-14, "density": 1e-12, "energy": 1e-12, "bands": "occupied"}

STATE = {"mesh": None, "mode": None}
SCF = {}  # label -> (calc, params): one SCF per structure, shared by both modes


def structures(size, relax=0.0):
    bulk, vac, neighbours, _ = ORIG_STRUCTURES(size, 0.0)
    n = neighbours[0]
    site = bulk.positions[0]  # the vacancy
    d = vac.positions[n] - site
    d -= numpy.round(d @ numpy.linalg.inv(vac.cell[:])) @ vac.cell[:]
    vac.positions[n] -= SHIFT * d / numpy.linalg.norm(d)
    vac.wrap()
    return bulk, vac, neighbours, None


class _NumpyAllowingDifferentK:
    """numpy for gpaw_example, except that its final comparison of the
    runs' k-point sets (float arrays of k-points) always passes: they
    differ on purpose here. Its integer Miller-index checks stay."""

    def __getattr__(self, name):
        return getattr(numpy, name)

    @staticmethod
    def array_equal(a, b):
        a, b = numpy.asarray(a), numpy.asarray(b)
        if a.dtype.kind == "f" and b.dtype.kind == "f" and a.ndim == 2 and a.shape[-1] == 3:
            return True
        return numpy.array_equal(a, b)


def gpaw_scf(**kw):
    """gpaw_example's GPAW call for the SCF: symmetry on, this mesh, tight."""
    kw["symmetry"] = SYM_IBZ
    kw["convergence"] = SCF_CONV
    kw["kpts"] = MESHES[STATE["mesh"]]
    return ORIG_GPAW(**kw)


def run_gpaw(atoms, args, label, nbands, spinpol):
    """The SCF (once per structure), then this mode's non-self-consistent
    run on its density with the Hamiltonian diagonalised exactly."""
    mesh, mode = STATE["mesh"], STATE["mode"]
    nb = NBANDS[mesh][label]
    if label not in SCF:
        SCF[label] = ORIG_RUN_GPAW(atoms, args, label, nb, spinpol)
    scf, params = SCF[label]
    sym = SYM_IBZ if mode == "ibz" else "off"
    t0 = time.time()
    # A few Davidson steps only: they set up the Hamiltonian of the fixed
    # density; the states are then replaced by the exact eigenvectors.
    # domain 1: the full diagonalisation needs undistributed plane waves.
    calc = scf.fixed_density(symmetry=sym, nbands=nb, parallel={"domain": 1}, txt=None,
                             convergence={"eigenstates": 1e-4, "bands": "occupied"})
    t1 = time.time()
    calc.diagonalize_full_hamiltonian(nbands=nb, expert=True)
    G.say(f"[{label}] {mode}: fixed density ({calc.wfs.kd.nibzkpts} k) {t1 - t0:.1f} s, "
          f"exact diagonalisation ({nb} bands, npw {min(calc.wfs.ng_k)}-{max(calc.wfs.ng_k)}) "
          f"{time.time() - t1:.1f} s")
    params = dict(params, kpts=MESHES[mesh], symmetry=sym, nbands=nb, convergence=SCF_CONV,
                  states="non-self-consistent on the density of an SCF run with symmetry "
                         f"{SYM_IBZ} on the same mesh (fixed_density, symmetry {sym}), Hamiltonian "
                         "diagonalised exactly (diagonalize_full_hamiltonian, expert, nbands)")
    return calc, params


def write_wavecar_c16(*a, **kw):
    kw["rtag"] = 45210
    return ORIG_WRITE_WAVECAR(*a, **kw)


def write_dir(outdir, job, encut):
    job["ref"]["notes"].append("gpaw_symmetry_case.py: the WAVECAR is complex128 (rtag 45210); "
                               "pseudo_norms are still those of the complex64-rounded values")
    return ORIG_WRITE_DIR(outdir, job, encut)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--mesh", choices=sorted(MESHES), required=True)
    args = ap.parse_args()
    t0 = time.time()
    STATE["mesh"] = args.mesh
    G.GPAW = gpaw_scf
    G.run_gpaw = run_gpaw
    G.structures = structures
    G.np = _NumpyAllowingDifferentK()
    G.W.write_wavecar = write_wavecar_c16
    G.write_dir = write_dir
    for mode in ("ibz", "full"):
        STATE["mode"] = mode
        G.main(["--size", "8", "--kpts", "222", "--out", os.path.join(args.out, mode), "--no-check"])
    if G.world.rank == 0:
        with open(os.path.join(args.out, "complete"), "w") as f:
            f.write("ibz full\n")
    G.world.barrier()
    G.say(f"all done in {time.time() - t0:.1f} s")


ORIG_STRUCTURES = G.structures
ORIG_GPAW = G.GPAW
ORIG_RUN_GPAW = G.run_gpaw
ORIG_WRITE_WAVECAR = G.W.write_wavecar
ORIG_WRITE_DIR = G.write_dir

if __name__ == "__main__":
    main()
