#!/usr/bin/python3
"""Real PAW test data for pawproj: a Si vacancy study run with GPAW, exported
in VASP format.

Usage:
  gpaw_example.py --size 8|64 --kpts gamma|222 --encut 250 --out DIR [--spin]
                  [--width EV] [--all-k] [--relax D | --mode A1,A2,...] [--grid-overlaps H]
                  [--bulk-full] [--gpw]
                  [--keep-txt] [--no-check]
  mpirun -np 2 /usr/bin/python3 gpaw_example.py ...      (GPAW's MPI)

Runs GPAW (plane-wave mode, PBE, the Si.PBE dataset of Debian's gpaw-data)
for bulk diamond Si (8-atom conventional cell, a = 5.43 Å, or its 2x2x2
supercell for --size 64) and for the same cell with atom 0 removed (and,
with --relax D, once more with the vacancy's four neighbours moved D Å
towards the empty site), and writes DIR/bulk, DIR/vacancy (DIR/relaxed),
each with (--mode A1,A2,...: the bulk and, instead of the vacancy, the bulk
displaced along one mode with amplitude A Å, DIR/q+0.05 etc.; see mode())

  WAVECAR              VASP format, rtag 45200, standard (full sphere, also
                       at Gamma), G set identical to VASP's for ENCUT
  POSCAR               VASP 5, species line, Direct, the positions GPAW used
  IBZKPT               the k-points of the run with integer weights
  gpaw_reference.json  GPAW's eigenvalues, occupations, norms, projections
  dataset_Si.xml       the Si PAW dataset (PAW-XML) with GPAW's effective
                       projector functions (see below)
  gpaw.gpw             (--gpw only) GPAW's own restart file of that run,
                       calc.write(mode='all'): wavefunctions included (for
                       --bulk-full the fully diagonalised bulk, every band),
                       for GPAW-side references such as gpaw_optics_ref.py;
                       written after all the checks, before DIR/complete

Both runs use the same k-point set: --kpts 222 is the 2x2x2 Monkhorst-Pack
mesh (k = ±1/4), reduced by time reversal only (k and -k), which does not
depend on the structure (--all-k: no reduction at all); --kpts gamma is the
Gamma point alone.  Bands: occupied + 8 (size 8) or + 16 (size 64).
Fermi-Dirac smearing 0.01 eV (0.05 eV with --spin).  DIR/complete is
written last and names the directories.  --spin makes both runs
spin-polarised (ISPIN=2); the vacancy starts with 0.5 μB on each of its four
neighbours.  Nothing is written unless every check below passes for both
structures.

Conventions (each one is checked numerically before anything is written):
  * ENCUT sphere: GPAW keeps G when ½|k+G|² <= ecut (Hartree, Bohr); VASP
    when |k+G|²/0.262465831 < ENCUT (eV, Å).  GPAW runs with
    ecut = ENCUT * ½ Bohr² Ha 0.262465831 = ENCUT (1 - 9.887e-6), and the G
    set (Miller indices) is asserted equal to VASP's for every k.
  * Coefficients: C_VASP = c_GPAW sqrt(V) / N (V cell volume in Bohr³, N FFT
    grid points), so sum |C|² is the pseudo norm.  Gamma runs (real
    wavefunctions) store half a sphere; c(-G) = conj(c(G)) is rebuilt.
  * Occupations in [0, 1]: f_n / w_k, divided by 2 more for spin-paired runs.
  * Projections P_ani = <p~_ai|psi~_n> as GPAW computes them; with C as above
    the PAW identity sum|C|² + sum_a P^+ dO^a P = 1 holds; it is asserted to
    1e-6 (diagonal and off-diagonal) for every (spin, k) before writing.
  * Projectors: in PW mode GPAW applies no Fourier filter of its own; this
    dataset (version 0.6) already holds Fourier-filtered projectors that
    extend to r = 3.51 Bohr, and GPAW represents each one by a spline with 25
    intervals on [0, r_filter].  dataset_Si.xml carries that spline evaluated
    on the dataset's own radial grid (everything else in the file is left
    as it was).  Projections computed from it by the reciprocal-space formula
    (4π/√Ω) Σ_G C_G i^l Y_lm(q̂) e^{iq·R} ∫ r² j_l(qr) p~(r) dr reproduce
    GPAW's to ~1e-6 and the PAW identity to ~2e-7 (the raw values were only
    good to ~1e-5 and ~2e-6).  These numbers are measured on every run and
    stored in gpaw_reference.json under "dataset_check".
"""

import argparse
import gzip
import json
import math
import os
import re
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pawproj_tools import paw as PAW  # noqa: E402
from pawproj_tools import wavecar as W  # noqa: E402

from ase.build import bulk  # noqa: E402
from ase.units import Bohr, Hartree  # noqa: E402
import gpaw  # noqa: E402
from gpaw import GPAW, PW, FermiDirac  # noqa: E402
from gpaw.mpi import world  # noqa: E402

#: ENCUT (VASP, eV) -> GPAW ecut (eV) giving the same G sphere.
ECUT_RATIO = 0.5 * Bohr**2 * Hartree * W.HSQ_2M

LM_ORDER = {
    "convention": "GPAW's real spherical harmonics of the unit vector (x, y, z), index "
                  "L = l^2 + m_index, orthonormal on the sphere: s 1/sqrt(4pi); "
                  "p sqrt(3/4pi)*(y, z, x); d sqrt(15/4pi)*xy, sqrt(15/4pi)*yz, "
                  "sqrt(5/16pi)*(3z^2-1), sqrt(15/4pi)*zx, sqrt(15/16pi)*(x^2-y^2)",
    "s": ["1"],
    "p": ["y", "z", "x"],
    "d": ["xy", "yz", "3z^2-r^2", "zx", "x^2-y^2"],
}

TOL_PAW = 1e-6


def say(*args):
    if world.rank == 0:
        print(*args, flush=True)


# --------------------------------------------------------------------------
# structures


def structures(size: int, relax: float = 0.0):
    """Bulk and vacancy cells (ASE Atoms), the vacancy's neighbours (indices
    in the vacancy cell) and, for relax != 0, the vacancy cell with those
    neighbours moved by `relax` Å towards the empty site (None otherwise).
    With relax != 0 all cells are first translated along x so that one
    moved neighbour crosses the cell boundary: its old and new site then
    belong to different lattice images, which the pair terms must handle."""
    atoms = bulk("Si", "diamond", a=5.43, cubic=True)
    if size == 64:
        atoms = atoms.repeat((2, 2, 2))
    elif size != 8:
        raise ValueError("size must be 8 or 64")
    dist = atoms.get_distances(0, range(len(atoms)), mic=True)
    neighbours = [i - 1 for i in range(1, len(atoms)) if dist[i] < 2.5]  # indices in vac
    if not relax:
        vac = atoms.copy()
        del vac[0]
        return atoms, vac, neighbours, None
    vecs = atoms.get_distances(0, [i + 1 for i in neighbours], mic=True, vector=True)  # site -> neighbour
    unit = -vecs / np.linalg.norm(vecs, axis=1)[:, None]                                  # neighbour -> site
    n0, u0x = neighbours[0] + 1, unit[0][0]
    a = atoms.cell[0][0]
    x_new = 0.5 * abs(relax * u0x) if relax * u0x < 0 else a - 0.5 * abs(relax * u0x)
    atoms.translate([x_new - atoms.positions[n0][0], 0, 0])
    atoms.wrap()
    vac = atoms.copy()
    del vac[0]
    rel = vac.copy()
    rel.positions[neighbours] += relax * unit
    rel.wrap()
    return atoms, vac, neighbours, rel


def mode(atoms, amp):
    """atoms displaced along a bond-stretching mode: atom 0 and its first
    nearest neighbour each move amp Å apart along their bond (a WSWQ-style
    displaced geometry Q; Q0 = atoms)."""
    dist = atoms.get_distances(0, range(len(atoms)), mic=True)
    n1 = int(np.argsort(dist)[1])
    u = atoms.get_distances(0, [n1], mic=True, vector=True)[0]
    u /= np.linalg.norm(u)
    q = atoms.copy()
    q.positions[0] -= amp * u
    q.positions[n1] += amp * u
    q.wrap()
    return q


# --------------------------------------------------------------------------
# GPAW run


def fft_friendly(n):
    """Even, with no prime factors but 2, 3, 5, 7."""
    if n % 2:
        return False
    for p in (2, 3, 5, 7):
        while n % p == 0:
            n //= p
    return n == 1


def run_gpaw(atoms, args, label, nbands, spinpol):
    ecut = args.encut * ECUT_RATIO
    if args.kpts == "gamma":
        kpts = {"size": (1, 1, 1), "gamma": True}
        symmetry = "off"
    else:
        kpts = {"size": (2, 2, 2)}
        symmetry = "off" if args.all_k else {"point_group": False, "time_reversal": True}
    # Davidson leaves the bands S-orthonormal to ~1e-13 whatever the SCF
    # tolerance.  Size 8 is cheap: converge all but the top 4 bands tightly;
    # size 64: occupied bands, GPAW's default density criterion (1e-4), to
    # stay near 1-2 min.
    if args.size == 8:
        conv = {"eigenstates": 1e-10, "density": 1e-6, "bands": -4}
    else:
        conv = {"eigenstates": 1e-9, "density": 1e-4, "bands": "occupied"}
    extra = {}
    if args.densities:
        # A coarse grid that holds the density's sphere (2 G_cut): GPAW's
        # pseudo density |psi~|^2 is then exact on it, not aliased, and its
        # FFT interpolation to the fine grid exact too.
        gcut = math.sqrt(args.encut * W.HSQ_2M)  # Å^-1
        gpts = []
        for v in atoms.cell:
            n = 2 * int(math.ceil(2 * gcut * np.linalg.norm(v) / (2 * math.pi))) + 2
            while not fft_friendly(n):
                n += 1
            gpts.append(n)
        extra["gpts"] = tuple(gpts)
    calc = GPAW(mode=PW(ecut), xc="PBE", setups="paw", kpts=kpts, nbands=nbands, **extra,
                symmetry=symmetry, spinpol=spinpol,
                occupations=FermiDirac(args.width),
                eigensolver="dav",
                convergence=conv,
                txt=os.path.join(args.out, f"gpaw_{label}.txt") if args.keep_txt else None)
    atoms.calc = calc
    t0 = time.time()
    atoms.get_potential_energy()
    say(f"[{label}] GPAW SCF done in {time.time() - t0:.1f} s "
        f"({calc.wfs.kd.nibzkpts} k, {nbands} bands, grid {calc.wfs.gd.N_c.tolist()}, "
        f"dtype {calc.wfs.dtype.__name__})")
    params = {"mode": f"PW(ecut={ecut!r} eV)", "xc": "PBE", "kpts": kpts,
              "symmetry": symmetry, "spinpol": spinpol, "occupations": f"FermiDirac({args.width} eV)",
              "eigensolver": "dav", "convergence": conv}
    return calc, params


def gpaw_miller(calc, k):
    """Miller indices of GPAW's plane waves of IBZ k-point k, in GPAW's order
    (re-derived from PWDescriptor's rule; checked against pd.Q_qG where the
    k-point is local)."""
    wfs = calc.wfs
    pd = wfs.pd
    N_c = wfs.gd.N_c
    real = wfs.dtype == float
    if real:
        Nr_c = N_c.copy()
        Nr_c[2] = N_c[2] // 2 + 1
        i_Qc = np.indices(Nr_c).transpose((1, 2, 3, 0)).reshape(-1, 3)
        i_Qc[:, :2] = (i_Qc[:, :2] + N_c[:2] // 2) % N_c[:2] - N_c[:2] // 2
    else:
        i_Qc = np.indices(N_c).transpose((1, 2, 3, 0)).reshape(-1, 3)
        i_Qc = (i_Qc + N_c // 2) % N_c - N_c // 2
    B_cv = 2.0 * np.pi * wfs.gd.icell_cv
    K_v = wfs.kd.ibzk_kc[k] @ B_cv
    G2 = (((i_Qc @ B_cv) + K_v) ** 2).sum(axis=1)
    mask = G2 <= 2 * pd.ecut
    if real:
        mask &= ((i_Qc[:, 2] > 0) | (i_Qc[:, 1] > 0) | ((i_Qc[:, 0] >= 0) & (i_Qc[:, 1] == 0)))
    miller = i_Qc[mask]
    assert len(miller) == wfs.ng_k[k], "GPAW G count re-derivation failed"
    # cross-check with GPAW's own table when this rank holds k
    for kpt in wfs.kpt_u:
        if kpt.k == k:
            G_v = pd.G_Qv[pd.Q_qG[kpt.q]]
            m2 = np.rint(G_v @ wfs.gd.cell_cv.T / (2 * np.pi)).astype(int)
            assert np.array_equal(m2, miller), "GPAW G order re-derivation failed"
    return miller, real


def collect(calc):
    """Everything needed from a finished run, gathered on rank 0 (None elsewhere)."""
    wfs = calc.wfs
    nspin, nk, nb = wfs.nspins, wfs.kd.nibzkpts, wfs.bd.nbands
    out = {"eps": [], "f": [], "P": [], "c": [], "miller": [], "real": None}
    for s in range(nspin):
        eps_k, f_k, P_k, c_k = [], [], [], []
        for k in range(nk):
            eps = wfs.collect_eigenvalues(k, s)
            f = wfs.collect_occupations(k, s)
            P = wfs.collect_projections(k, s)
            ng = int(wfs.ng_k[k])
            c = []
            for n in range(nb):
                psit = wfs.get_wave_function_array(n, k, s, realspace=False, cut=False)
                if world.rank == 0:
                    c.append(np.array(psit[:ng]))
            eps_k.append(eps)
            f_k.append(f)
            P_k.append(P)
            c_k.append(np.array(c) if world.rank == 0 else None)
            if s == 0:
                m, real = gpaw_miller(calc, k)
                out["miller"].append(m)
                out["real"] = real
        out["eps"].append(eps_k)
        out["f"].append(f_k)
        out["P"].append(P_k)
        out["c"].append(c_k)
    return out if world.rank == 0 else None


# --------------------------------------------------------------------------
# radial projectors and reciprocal-space projections (independent of GPAW)


def effective_projectors(setup, r_g):
    """GPAW's projector splines p~_j(r) evaluated on the radial grid r_g."""
    pt = []
    for j, spline in enumerate(setup.pt_j):
        l = setup.l_j[j]
        rc = spline.get_cutoff()
        f = np.array([spline(r) if r < rc else 0.0 for r in r_g]) * r_g**l
        pt.append(f)
    return pt


def paw_overlap(C_nG, P_nai, dO_ii):
    """S_nm = Σ_G C*_n C_m + Σ_a P*_nai dO_ij P_maj."""
    return C_nG.conj() @ C_nG.T + np.einsum("nai,ij,maj->nm", P_nai.conj(), dO_ii, P_nai)


# --------------------------------------------------------------------------
# export


def dataset_xml(setup, pt_jg):
    """The dataset file's text with projector_function values replaced."""
    with gzip.open(setup.filename, "rt") if setup.filename.endswith(".gz") \
            else open(setup.filename) as f:
        text = f.read()
    blocks = list(re.finditer(r"(<projector_function\b[^>]*>)(.*?)(</projector_function>)", text, re.S))
    assert len(blocks) == len(pt_jg), "projector count mismatch in dataset XML"
    rc = setup.pt_j[0].get_cutoff()
    note = (f"<!-- pawproj gpaw_example.py: projector_function values below are GPAW "
            f"{gpaw.__version__}'s effective projectors: the spline GPAW builds from this "
            f"dataset's (already Fourier-filtered, version 0.6) projectors, 25 intervals on "
            f"[0, {rc:.6f}] Bohr, evaluated on grid g1. In PW mode GPAW applies no further "
            f"filter. All other elements are unchanged. -->\n  ")
    out, last = [], 0
    for j, m in enumerate(blocks):
        out.append(text[last:m.start()])
        if j == 0:
            out.append(note)
        vals = " ".join(f"{v:.12e}" for v in pt_jg[j])
        out.append(f"{m.group(1)}\n    {vals}\n  {m.group(3)}")
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def write_poscar(path, lattice, spos_ac, title):
    cell = np.asarray(lattice)
    with open(path, "w") as f:
        f.write(title + "\n1.0\n")
        for v in cell:
            f.write("  " + " ".join(f"{x:21.16f}" for x in v) + "\n")
        f.write("  Si\n  " + str(len(spos_ac)) + "\nDirect\n")
        for p in spos_ac:
            f.write("  " + " ".join(f"{x:19.16f}" for x in p) + "\n")


def write_ibzkpt(path, kpts, weights):
    with open(path, "w") as f:
        f.write("Automatically generated mesh\n")
        f.write(f"{len(kpts):8d}\n")
        f.write("Reciprocal lattice\n")
        for k, w in zip(kpts, weights):
            f.write(f"  {k[0]:14.10f}  {k[1]:14.10f}  {k[2]:14.10f}  {w:6d}\n")


def r12(x):
    """Round to 12 significant digits for compact JSON."""
    return float(f"{x:.12g}")


def r10(x):
    """Round to 10 significant digits (projection values; |P| < 1)."""
    return float(f"{x:.10g}")


def prepare(calc, atoms, data, label, args, params):
    """Convert one run to VASP conventions and check every convention
    (rank 0).  Nothing is written here; see write_dir."""
    wfs = calc.wfs
    setup = wfs.setups[0]
    nspin, nk, nb = wfs.nspins, wfs.kd.nibzkpts, wfs.bd.nbands
    natoms = len(atoms)
    ni = setup.ni
    lattice = atoms.cell[:].copy()
    cell_bohr = wfs.gd.cell_cv
    vol = abs(np.linalg.det(cell_bohr))
    N = int(np.prod(wfs.gd.N_c))
    scale = math.sqrt(vol) / N
    kpts = wfs.kd.ibzk_kc.copy()
    wk = wfs.kd.weight_k.copy()
    spos = calc.spos_ac.copy()
    efermi = calc.get_fermi_level()
    dO = setup.dO_ii
    rgd = setup.rgd
    r_g, dr_g = rgd.r_g, rgd.dr_g
    pt_jg = effective_projectors(setup, r_g)

    eigs = np.zeros((nspin, nk, nb))
    occs = np.zeros((nspin, nk, nb))
    C_vasp = [[None] * nk for _ in range(nspin)]
    P_all = np.zeros((nspin, nk, nb, natoms, ni), complex)
    pseudo = np.zeros((nspin, nk, nb))
    ae = np.zeros((nspin, nk, nb))
    offd = np.zeros((nspin, nk))
    npw = []
    ds_maxdP = ds_maxdev = ds_maxoff = 0.0
    occ_factor = 2.0 if nspin == 1 else 1.0

    for k in range(nk):
        g_vasp = W.gvectors(lattice, args.encut, kpts[k], "standard")
        m_gpaw = data["miller"][k]
        nonzero = ~np.all(m_gpaw == 0, axis=1)
        # real (Gamma) runs store half a sphere: c(-G) = conj(c(G))
        m_full = np.concatenate((m_gpaw, -m_gpaw[nonzero])) if data["real"] else m_gpaw
        assert len(m_full) == len(g_vasp) and len(np.unique(m_full, axis=0)) == len(m_full), \
            f"k {k}: GPAW has {len(m_full)} G, VASP rule {len(g_vasp)}"
        idx = W.miller_lookup(m_full, g_vasp)           # raises if a G is missing
        npw.append(len(g_vasp))
        for s in range(nspin):
            c = data["c"][s][k] * scale
            if data["real"]:
                c = np.concatenate((c, np.conj(c[:, nonzero])), axis=1)
            C = c[:, idx]                                     # VASP order, VASP normalisation
            C_vasp[s][k] = C
            eigs[s, k] = data["eps"][s][k] * Hartree
            occs[s, k] = data["f"][s][k] / wk[k] / occ_factor
            P = np.asarray(data["P"][s][k]).reshape(nb, natoms, ni)
            P_all[s, k] = P
            S = paw_overlap(C, P, dO)
            pseudo[s, k] = np.sum(np.abs(C.astype(np.complex64).astype(complex)) ** 2, axis=1)
            ae[s, k] = np.real(np.diag(S))
            offd[s, k] = np.max(np.abs(S - np.diag(np.diag(S))))
            # the exported dataset, used by an independent reciprocal-space code,
            # on the coefficients as stored (complex64)
            C32 = C.astype(np.complex64).astype(complex)
            q_Gv = (g_vasp + kpts[k]) @ (2 * np.pi * np.linalg.inv(cell_bohr).T)
            Pd = PAW.projections(C32, q_Gv, spos @ cell_bohr, abs(np.linalg.det(cell_bohr)),
                                 setup.l_j, pt_jg, r_g, dr_g)
            Sd = paw_overlap(C32, Pd, dO)
            ds_maxdP = max(ds_maxdP, np.max(np.abs(Pd - P)))
            ds_maxdev = max(ds_maxdev, np.max(np.abs(np.diag(Sd) - 1)))
            ds_maxoff = max(ds_maxoff, np.max(np.abs(Sd - np.diag(np.diag(Sd)))))

    dev = np.max(np.abs(ae - 1))
    say(f"[{label}] PAW identity with GPAW's P: max|<n|n>-1| = {dev:.2e}, "
        f"max|<m|n>| (m != n) = {offd.max():.2e}")
    say(f"[{label}] occupations: max {occs.max():.15f}, min {occs.min():.3e} "
        f"(f_n / w_k{' / 2' if nspin == 1 else ''})")
    say(f"[{label}] G sets == VASP's for all {nk} k (npw {npw}); pseudo norms "
        f"{pseudo.min():.4f}..{pseudo.max():.4f}")
    say(f"[{label}] dataset_Si.xml projectors -> P by the reciprocal-space formula on the "
        f"complex64 coefficients: max|P - P_gpaw| = {ds_maxdP:.2e}, PAW identity "
        f"max|<n|n>-1| = {ds_maxdev:.2e}, max off-diagonal = {ds_maxoff:.2e}")
    if not (dev < TOL_PAW and offd.max() < TOL_PAW):
        raise SystemExit(f"[{label}] PAW normalisation identity violated "
                         f"({dev:.2e}, {offd.max():.2e}); nothing written")
    if occs.max() > 1 + 1e-9 or occs.min() < -1e-9:
        raise SystemExit(f"[{label}] occupations outside [0, 1]; nothing written")

    nbz = wfs.kd.nbzkpts
    iw = np.rint(wk * nbz).astype(int)
    assert np.allclose(iw, wk * nbz), "k weights are not multiples of 1/nbz"

    labels = []
    for j, l in enumerate(setup.l_j):
        for m in range(2 * l + 1):
            labels.append({"j": j, "l": l, "n": int(setup.n_j[j]), "m": "spd"[l] + ":" + LM_ORDER["spd"[l]][m]})
    ref = {
        "source": f"GPAW {gpaw.__version__}",
        "structure": label,
        "units": {"energy": "eV", "length": "Angstrom (dataset radial grid: Bohr)",
                  "occupations": "per band and spin channel, in [0, 1]",
                  "projections": "dimensionless, <p~_ai|psi~_n> with psi~ normalised like the "
                                 "WAVECAR coefficients (sum |C|^2 = pseudo norm)",
                  "dO_ii": "dimensionless"},
        "notes": [
            "indices 0-based; k-points in fractional reciprocal coordinates, same order as WAVECAR",
            "WAVECAR coefficients C = c_GPAW * sqrt(V_bohr3) / N_fft, complex64, VASP G order",
            "pseudo_norms are sum |C|^2 of the complex64 values stored in WAVECAR",
            "ae_norms and max_ae_offdiag use GPAW's double-precision coefficients and projections",
            "projection values are GPAW's P_ani (double precision, rounded to 10 significant "
            "digits), [re, im], per atom, per projector index i (see projections.projector_index)",
            "P_ani = (4 pi / sqrt(Omega)) sum_G C_nG i^l Y_lm(q^) exp(i q.R_a) "
            "int r^2 j_l(q r) p~_j(r) dr, q = k+G, R_a = POSCAR position (not wrapped further); "
            "verified to 2e-15 with GPAW's own radial transform",
        ],
        "gpaw_parameters": params,
        "fft_grid": wfs.gd.N_c.tolist(),
        "volume_bohr3": vol,
        "coefficient_scale_sqrtV_over_N": scale,
        "nspin": nspin, "nkpts": nk, "nbands": nb,
        "nelectrons": float(wfs.nvalence),
        "encut_eV": args.encut,
        "efermi_eV": efermi,
        "lattice_A": lattice.tolist(),
        "kpoints_frac": kpts.tolist(),
        "kweights": wk.tolist(),
        "npw_per_kpoint": npw,
        "eigenvalues_eV": eigs.tolist(),
        "occupations": occs.tolist(),
        "pseudo_norms": [[[r12(x) for x in b] for b in k] for k in pseudo],
        "ae_norms": [[[r12(x) for x in b] for b in k] for k in ae],
        "max_ae_offdiag": offd.tolist(),
        "setup": {"Si": {"file": os.path.basename(setup.filename),
                         "l_j": list(map(int, setup.l_j)), "n_j": list(map(int, setup.n_j)),
                         "rcut_j_bohr": list(map(float, setup.rcut_j)),
                         "projector_cutoff_bohr": float(setup.pt_j[0].get_cutoff()),
                         "dO_ii": dO.tolist()}},
        "dataset_check": {
            "what": "P recomputed from dataset_Si.xml projectors (radial sum on grid g1, "
                    "scipy spherical_jn) and the complex64 WAVECAR coefficients",
            "max_abs_P_minus_gpaw": ds_maxdP,
            "max_abs_ae_norm_minus_1": ds_maxdev,
            "max_abs_ae_offdiag": ds_maxoff},
        "projections": {
            "atoms": [{"index": a, "species": "Si", "frac": spos[a].tolist(),
                       "cart_A": (spos[a] @ lattice).tolist()} for a in range(natoms)],
            "lm_order": LM_ORDER,
            "projector_index": labels,
            "values": [[[[[[r10(z.real), r10(z.imag)] for z in Pa] for Pa in Pb]
                         for Pb in P_all[s, k]] for k in range(nk)] for s in range(nspin)],
        },
    }
    if nspin == 2:
        ref["magnetic_moment"] = float(calc.get_magnetic_moment())
    return {"label": label, "ref": ref, "C": C_vasp, "eigs": eigs, "occs": occs,
            "lattice": lattice, "efermi": efermi, "kpts": kpts, "iw": iw, "spos": spos,
            "natoms": natoms, "xml": dataset_xml(setup, pt_jg)}


def write_dir(outdir, job, encut):
    """Write one VASP-format directory from a prepared job (rank 0)."""
    label = job["label"]
    C = job["C"]
    os.makedirs(outdir, exist_ok=True)
    info = W.write_wavecar(os.path.join(outdir, "WAVECAR"), job["lattice"], encut, job["efermi"],
                           job["kpts"], job["eigs"], job["occs"], lambda s, k, b: C[s][k][b],
                           rtag=45200)
    write_poscar(os.path.join(outdir, "POSCAR"), job["lattice"], job["spos"],
                 f"Si{job['natoms']} {label} (GPAW {gpaw.__version__} example for pawproj)")
    write_ibzkpt(os.path.join(outdir, "IBZKPT"), job["kpts"], job["iw"])
    with open(os.path.join(outdir, "dataset_Si.xml"), "w") as f:
        f.write(job["xml"])
    if job.get("densities") is not None:
        np.savez(os.path.join(outdir, "gpaw_densities.npz"), **job["densities"])
    with open(os.path.join(outdir, "gpaw_reference.json"), "w") as f:
        json.dump(job["ref"], f, separators=(",", ":"))
    say(f"[{label}] wrote {outdir}: WAVECAR (reclen {info['reclen']}, "
        f"{os.path.getsize(os.path.join(outdir, 'WAVECAR'))} bytes), POSCAR, IBZKPT, "
        f"gpaw_reference.json, dataset_Si.xml")


def check_with_pymatgen(outdir, ref, C_vasp, label):
    """Read the written WAVECAR with pymatgen and compare with the JSON/GPAW values."""
    from pymatgen.io.vasp.outputs import Wavecar
    wc = Wavecar(os.path.join(outdir, "WAVECAR"))
    nspin, nk = ref["nspin"], ref["nkpts"]
    eig = np.array(ref["eigenvalues_eV"])
    occ = np.array(ref["occupations"])
    de = do = dc = dn = dg = 0.0
    for s in range(nspin):
        for k in range(nk):
            be = np.asarray(wc.band_energy[s][k] if nspin == 2 else wc.band_energy[k])
            de = max(de, np.max(np.abs(be[:, 0] - eig[s, k])))
            do = max(do, np.max(np.abs(be[:, 2] - occ[s, k])))
            cc = np.array(wc.coeffs[s][k] if nspin == 2 else wc.coeffs[k])
            dc = max(dc, np.max(np.abs(cc - C_vasp[s][k].astype(np.complex64))))
            dn = max(dn, np.max(np.abs(np.sum(np.abs(cc.astype(complex)) ** 2, axis=1) - np.array(ref["pseudo_norms"][s][k]))))
    for k in range(nk):
        g = W.gvectors(ref["lattice_A"], ref["encut_eV"], ref["kpoints_frac"][k])
        dg = max(dg, 0 if np.array_equal(g, wc.Gpoints[k].astype(int)) else 1)
    say(f"[{label}] pymatgen: vasp_type {wc.vasp_type}, max|E - JSON| = {de:.1e} eV, "
        f"max|occ - JSON| = {do:.1e}, max|C - GPAW(complex64)| = {dc:.1e}, "
        f"max|sum|C|^2 - pseudo_norms| = {dn:.1e}, G lists identical: {dg == 0}")
    assert wc.vasp_type == "std" and de == 0 and do == 0 and dc == 0 and dn < 1e-9 and dg == 0


def valence_densities(calc):
    """GPAW's valence densities on its fine grid (electrons/Å^3, [x][y][z]),
    rebuilt from the final wavefunctions (the SCF leaves the mixed density):
    pseudo = |psi~|^2 summed; all-electron = GPAW's get_all_electron_density
    of that valence pseudo density.  GPAW's pseudo density carries the
    pseudo-core density nct as a plane-wave series; it is taken out first,
    and the nct spline that get_all_electron_density subtracts inside the
    spheres is added back, so no core term remains in either."""
    from gpaw.lfc import LFC
    den = calc.density
    den.calculate_pseudo_density(calc.wfs)
    calc.wfs.calculate_atomic_density_matrices(den.D_asp)
    saved = den.nt_sG.copy()
    den.nt_sG[:] -= den.nct_G  # nct_G holds nct / nspins
    den.interpolate_pseudo_density()
    ps = calc.get_pseudo_density(gridrefinement=2)
    ae = calc.get_all_electron_density(gridrefinement=2, skip_core=True)
    nct = LFC(den.finegd, [[setup.get_partial_waves()[3]] for setup in calc.wfs.setups])
    nct.set_positions(calc.spos_ac)
    core = den.finegd.zeros()
    nct.add(core, 1.0)
    ae = ae + den.finegd.collect(core, broadcast=True) / Bohr**3
    den.nt_sG[:] = saved
    den.interpolate_pseudo_density()
    return {"ae_valence": ae, "pseudo_valence": ps,
            "rcut_bohr": np.array([max(setup.rcut_j) for setup in calc.wfs.setups])}


def grid_overlaps(calcs, h, labels, nocc):
    """<psi^B_m|psi^X_n> for X in labels (bulk first), every k-point and
    the first nocc bands, from GPAW's own all-electron
    wavefunctions on a uniform grid of spacing h Å (gpaw.utilities.ps2ae:
    pseudo-wavefunction interpolated by FFT plus (phi - phit) splines added
    on the grid).  Independent of pawproj's overlap formula; its accuracy is
    that of the grid near the nuclei (bulk x bulk shows it)."""
    t0 = time.time()
    from gpaw.utilities.ps2ae import PS2AE
    tr = {label: PS2AE(calc, grid_spacing=h) for label, calc in calcs.items()}
    nk = calcs["bulk"].wfs.kd.nibzkpts
    dv = tr["bulk"].dv
    out = {"grid_spacing_A": h, "grid": [int(x) for x in tr["bulk"].gd.N_c], "bands": nocc}
    for label in labels:
        mats = []
        for k in range(nk):
            B = [tr["bulk"].get_wave_function(m, k) for m in range(nocc)]
            X = B if label == "bulk" else [tr[label].get_wave_function(n, k) for n in range(nocc)]
            S = np.array([[np.vdot(b, x) * dv for x in X] for b in B])
            mats.append([[[r12(z.real), r12(z.imag)] for z in row] for row in S])
        out[label] = mats
    say(f"grid overlaps (PS2AE, h = {h} Å, grid {out['grid']}) done in {time.time() - t0:.1f} s")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, choices=(8, 64), required=True)
    ap.add_argument("--kpts", choices=("gamma", "222"), required=True)
    ap.add_argument("--encut", type=float, default=250.0, help="VASP ENCUT in eV (default 250)")
    ap.add_argument("--out", required=True, help="output directory (bulk/ and vacancy/ inside)")
    ap.add_argument("--spin", action="store_true", help="spin-polarised runs (ISPIN=2)")
    ap.add_argument("--width", type=float, default=None,
                    help="Fermi-Dirac width in eV (default 0.01; 0.05 with --spin, where the "
                         "vacancy's partly filled degenerate level makes 0.01 slosh)")
    ap.add_argument("--all-k", action="store_true",
                    help="222 only: no time-reversal reduction (all 8 mesh points)")
    ap.add_argument("--relax", type=float, default=0.0, metavar="D",
                    help="also run the vacancy with its four neighbours moved D Å towards the "
                         "empty site (DIR/relaxed); the cells are translated so that one moved "
                         "neighbour crosses the cell boundary")
    ap.add_argument("--mode", default="", metavar="A1,A2,...",
                    help="instead of the vacancy: the bulk displaced along one mode (mode()) with "
                         "each amplitude A Å, DIR/q%%+.2f")
    ap.add_argument("--grid-overlaps", type=float, default=0.0, metavar="H",
                    help="with --relax or --mode: all-electron overlaps <bulk m|X n> of the occupied "
                         "bands on GPAW's real-space AE grid (PS2AE, spacing H Å), stored as an "
                         "independent reference in relaxed/gpaw_reference.json (--relax: X = bulk, "
                         "vacancy, relaxed, the vacancy's occupied bands) or bulk/gpaw_reference.json "
                         "(--mode: X = bulk and every displaced run, the bulk's occupied bands)")
    ap.add_argument("--bulk-full", action="store_true",
                    help="after the bulk SCF, diagonalise its Hamiltonian fully: every plane wave gives "
                         "a band, so the bulk basis is complete (for v + c sum rules; not at Gamma)")
    ap.add_argument("--densities", action="store_true",
                    help="also store GPAW's valence all-electron and pseudo densities on its fine grid "
                         "(gridrefinement=2, electrons/Å^3, [x][y][z]) as gpaw_densities.npz in each directory")
    ap.add_argument("--gpw", action="store_true",
                    help="also write each run's calculation (with --bulk-full: after the full "
                         "diagonalisation) as DIR/<label>/gpaw.gpw, calc.write(mode='all'), "
                         "wavefunctions included; written after all checks, before DIR/complete")
    ap.add_argument("--keep-txt", action="store_true", help="keep GPAW's text logs in --out")
    ap.add_argument("--no-check", action="store_true", help="skip the pymatgen read-back")
    args = ap.parse_args(argv)
    if args.width is None:
        args.width = 0.05 if args.spin else 0.01
    amps = [float(x) for x in args.mode.split(",")] if args.mode else []
    if args.grid_overlaps and not (args.relax or amps):
        ap.error("--grid-overlaps needs --relax or --mode")
    if args.relax and amps:
        ap.error("--relax and --mode are separate cases")
    if args.bulk_full and args.kpts == "gamma":
        ap.error("--bulk-full needs --kpts 222 (GPAW diagonalises complex Hamiltonians only)")

    t_all = time.time()
    if world.rank == 0:
        os.makedirs(args.out, exist_ok=True)
    bulk_atoms, vac_atoms, neighbours, rel_atoms = structures(args.size, args.relax)
    extra = 8 if args.size == 8 else 16
    kset, jobs, calcs = [], [], {}
    runs = [("bulk", bulk_atoms)]
    runs += [("q%+.2f" % a, mode(bulk_atoms, a)) for a in amps] if amps else [("vacancy", vac_atoms)]
    if rel_atoms is not None:
        runs.append(("relaxed", rel_atoms))
    for label, atoms in runs:
        nval = 4 * len(atoms)
        nbands = (nval + 1) // 2 + extra
        if args.spin and label != "bulk":
            mag = np.zeros(len(atoms))
            mag[neighbours] = 0.5
            atoms.set_initial_magnetic_moments(mag)
        calc, params = run_gpaw(atoms, args, label, nbands, args.spin)
        if args.bulk_full and label == "bulk":
            t0 = time.time()
            nfull = int(min(calc.wfs.ng_k))
            calc.diagonalize_full_hamiltonian(nbands=nfull)
            params["full_diagonalisation"] = nfull
            say(f"[bulk] full diagonalisation: {nfull} bands in {time.time() - t0:.1f} s")
        kset.append(calc.wfs.kd.ibzk_kc.copy())
        calcs[label] = calc
        dens = None
        if args.densities:
            dens = valence_densities(calc)
        data = collect(calc)
        if world.rank == 0:
            jobs.append(prepare(calc, atoms, data, label, args, params))
            jobs[-1]["densities"] = dens
        world.barrier()
    if any(not np.array_equal(kset[0], ks) for ks in kset[1:]):
        raise SystemExit("the runs' k-point sets differ; nothing written")
    say(f"k-point sets of all runs identical ({len(kset[0])} k); all checks passed")
    if args.grid_overlaps:
        labels = [label for label, _ in runs]
        nocc = int(round(calcs[labels[-1]].get_number_of_electrons())) // 2
        grid = grid_overlaps(calcs, args.grid_overlaps, labels, nocc)
        if world.rank == 0:
            jobs[0 if amps else -1]["ref"]["grid_overlaps"] = grid
    if world.rank == 0:
        for job in jobs:
            outdir = os.path.join(args.out, job["label"])
            write_dir(outdir, job, args.encut)
            if not args.no_check:
                check_with_pymatgen(outdir, job["ref"], job["C"], job["label"])
    if args.gpw:
        # calc.write is collective; the directory must exist on every rank first
        for label, _ in runs:
            outdir = os.path.join(args.out, label)
            if world.rank == 0:
                os.makedirs(outdir, exist_ok=True)
            world.barrier()
            path = os.path.join(outdir, "gpaw.gpw")
            t0 = time.time()
            calcs[label].write(path, mode="all")
            world.barrier()
            say(f"[{label}] wrote {path} (mode='all', {calcs[label].wfs.bd.nbands} bands, "
                f"{os.path.getsize(path) if world.rank == 0 else 0} bytes) in {time.time() - t0:.1f} s")
    if world.rank == 0:
        with open(os.path.join(args.out, "complete"), "w") as f:
            f.write(" ".join(job["label"] for job in jobs) + "\n")
    world.barrier()
    say(f"total {time.time() - t_all:.1f} s")

if __name__ == "__main__":
    main()
