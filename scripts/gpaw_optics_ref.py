#!/usr/bin/python3
"""Independent oracle for PAW momentum matrix elements, from GPAW itself.

Usage:
  gpaw_optics_ref.py GPW OUT.json --bands LO-HI        (serial: one process)

GPW is a restart file written by `gpaw_example.py --gpw` (DIR/<label>/gpaw.gpw,
plane-wave mode, calc.write(mode='all')).  For every spin s and every IBZ
k-point (GPAW's IBZ order, which is the k order of the exported WAVECAR) the
full 3 x nb x nb matrix

    p[v][m][n] = <psi_m| -i d/dx_v |psi_n>     (atomic units: hbar/Bohr)

for the bands m, n in LO..HI (1-based, inclusive, like VASP band numbers) is
computed by GPAW's optical-response routine
gpaw.response.pair.PairDensity.optical_pair_velocity with the exact
plane-wave derivative (real_space_derivatives=False), i.e. the all-electron
PAW matrix element

    sum_G conj(c~_mG) (k+G)_v c~_nG  +  sum_a sum_ij conj(P_ami) (-i nabla^a_ijv) P_anj

with nabla^a_ijv = <phi_i|d_v|phi_j> - <phi~_i|d_v|phi~_j> (GPAW's
setup.nabla_iiv) and psi~ normalised as GPAW's pseudo wavefunctions.

Conventions found in GPAW 22.8 (gpaw/response/pair.py) and checked here:
  * optical_pair_velocity(n, m_m, kpt1, kpt2) returns an array [m, v] equal to
    <n (kpt1)| -i d_v |m (kpt2)>: the band argument n (kpt1) is the BRA, the
    returned band index m (kpt2) is the KET.  No conjugation and no sign
    change is needed: row p[v][n][:] is the routine's [:, v].
    (Pseudo part: -gd.integrate(d_v u_n, u_m) = -int conj(d_v u_n) u_m
    = <u_n|d_v|u_m> since gd.integrate(a, b) = int conj(a) b; plus
    i k_v <u_n|u_m>; PAW part: sum_ij conj(P_nj) nabla_jiv P_mi; finally
    times -i.)  m_m is unused by the routine; all bands of kpt2 are returned.
  * The k-point used is kd.ibz2bz_k[ik]; it is asserted that its symmetry
    operation is the identity without time reversal and without a lattice
    shift, so the routine sees the IBZ psit_nG and P_ani unchanged.
  * Normalisation of GPAW's PW coefficients: <a|b> = (V / N^2) sum_G
    conj(a_G) b_G (V cell volume in Bohr^3, N FFT grid points; GPAW's
    pd.integrate uses gd.dv / N = V / N^2); checked against the real-space
    gd.integrate of |pd.ifft(c)|^2.  Gamma-point (real, half-sphere) runs:
    the sum over -G is done via c(-G) = conj(c(G)); the routine is fed its
    real projections and wavefunctions as complex arrays (with real ones,
    GPAW 22.8's optical_pair_velocity crashes in zgemm).
  * Independently of the routine, the script evaluates the same matrix with
    numpy from psit_nG, pd.get_reciprocal_vectors(q=ik, add_q=True), the
    projections P_ani and setup.nabla_iiv, and requires agreement to TOL_DIRECT.

The matrix is stored as computed, not symmetrised: GPAW's nabla_iiv is not
exactly antisymmetric (radial-grid derivative), so p is Hermitian only to
that accuracy; the summary line prints the Hermiticity error and the
antisymmetry error of nabla_iiv.

OUT.json: {"gpw", "bands": [LO, HI], "routine", "units": "hbar/Bohr",
"bra_ket": "p[s][k][v][m][n] = <m|-i d_v|n>, m bra, n ket" (m, n 0-based
in the window: band numbers LO+m, LO+n),
"eig_eV": [s][k][band], "kpoints_frac": [k][3], "p": [s][k][v][m][n][re, im],
"checks": {...}}.  Exit status non-zero with a message on any failure.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

TOL_DIRECT = 1e-8    # |direct numpy - routine|, absolute (hbar/Bohr)
TOL_NORM = 1e-10     # PW normalisation factor check
TOL_HERM = 1e-6      # sanity bound only (Si.PBE: nabla_iiv antisymmetric to 5e-11, p Hermitian to 3e-11)


class OracleError(Exception):
    pass


def require(cond, msg):
    if not cond:
        raise OracleError(msg)


def parse_bands(text):
    try:
        lo, hi = (int(x) for x in text.split("-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--bands must be LO-HI (1-based), got {text!r}")
    if lo < 1 or hi < lo:
        raise argparse.ArgumentTypeError(f"--bands {text}: need 1 <= LO <= HI")
    return lo, hi


def pw_inner(a_xG, b_yG, alpha, real, g0):
    """<a|b> = alpha sum_G conj(a) b over the full sphere ([x, y])."""
    S = alpha * (a_xG.conj() @ b_yG.T)
    if real:   # half sphere stored: add the -G partners, G = 0 only once
        S = 2 * S.real - alpha * np.outer(a_xG[:, g0].conj(), b_yG[:, g0]).real
    return S


def direct_matrix(calc, ik, s, n1, n2, alpha):
    """<m|-i d_v|n> (v, m, n) from GPAW's data by numpy alone."""
    wfs = calc.wfs
    pd = wfs.pd
    kpt = wfs.kpt_qs[ik][s]
    ng = int(wfs.ng_k[ik])
    real = wfs.dtype == float
    c_nG = np.array(kpt.psit_nG[n1:n2])[:, :ng].astype(complex)
    kG_Gv = pd.get_reciprocal_vectors(q=ik, add_q=True)
    require(kG_Gv.shape == (ng, 3), f"k {ik}: reciprocal vectors {kG_Gv.shape} vs ng {ng}")
    g0 = int(np.argmin(np.sum(kG_Gv**2, axis=1))) if real else None
    if real:
        require(np.sum(kG_Gv[g0]**2) < 1e-20, "Gamma run without G = 0 in the sphere")

    # normalisation: PW sum with alpha == real-space integral on GPAW's grid
    S_pw = pw_inner(c_nG, c_nG, alpha, real, g0)
    nchk = min(3, n2 - n1)
    for i in range(nchk):
        psi_R = pd.ifft(np.array(kpt.psit_nG[n1 + i])[:ng], ik)
        rs = wfs.gd.integrate(np.abs(psi_R)**2)
        require(abs(rs - S_pw[i, i].real) < TOL_NORM * max(1.0, abs(rs)),
                f"s {s} k {ik} band {n1 + i + 1}: PW norm {S_pw[i, i].real!r} "
                f"!= grid norm {rs!r} (normalisation factor V/N^2 wrong?)")

    p = np.zeros((3, n2 - n1, n2 - n1), complex)
    for v in range(3):
        X = alpha * (c_nG.conj() * kG_Gv[:, v]) @ c_nG.T
        if real:   # -G partner contributes conj(c_m) (-G) c_n conj -> -conj(X)
            X = X - X.conj()
        p[v] = X
    for a, setup in enumerate(wfs.setups):
        P_ni = np.asarray(kpt.P_ani[a][n1:n2]).astype(complex)
        for v in range(3):
            p[v] += P_ni.conj() @ (-1j * setup.nabla_iiv[:, :, v]) @ P_ni.T
    # PAW overlap as a consistency hint (not asserted here: GPAW's job)
    S = S_pw.astype(complex)
    for a, setup in enumerate(wfs.setups):
        P_ni = np.asarray(kpt.P_ani[a][n1:n2]).astype(complex)
        S = S + P_ni.conj() @ setup.dO_ii @ P_ni.T
    return p, float(np.max(np.abs(S - np.eye(n2 - n1))))


def routine_matrix(pair, calc, ik, s, n1, n2):
    """<m|-i d_v|n> (v, m, n) by PairDensity.optical_pair_velocity."""
    kd = calc.wfs.kd
    K = int(kd.ibz2bz_k[ik])
    require(int(kd.bz2ibz_k[K]) == ik, f"k {ik}: ibz2bzk/bz2ibz inconsistent")
    U_cc = kd.symmetry.op_scc[kd.sym_k[K]]
    require(np.array_equal(U_cc, np.eye(3, dtype=U_cc.dtype)),
            f"k {ik}: BZ point {K} is reached by a rotation {U_cc.tolist()}, not the identity")
    require(not kd.time_reversal_k[K], f"k {ik}: BZ point {K} is reached by time reversal")
    require(np.allclose(kd.bzk_kc[K], kd.ibzk_kc[ik], atol=1e-12, rtol=0),
            f"k {ik}: bzk {kd.bzk_kc[K]} != ibzk {kd.ibzk_kc[ik]}")
    pair.ut_sKnvR = None            # drop any cached derivative
    kpt1 = pair.get_k_point(s, K, n1, n2)
    require(not np.any(kpt1.shift_c), f"k {ik}: lattice shift {kpt1.shift_c}")
    if calc.wfs.dtype == float:
        # Gamma (real) runs: the routine's mmm(P_mi real, C_vi complex) would mix
        # dtypes (GPAW 22.8 segfaults in zgemm); the same values as complex arrays
        kpt1.P_ani = [np.asarray(P_ni, complex) for P_ni in kpt1.P_ani]
        kpt1.ut_nR = np.asarray(kpt1.ut_nR, complex)
    nb = n2 - n1
    p = np.zeros((3, nb, nb), complex)
    m_m = np.arange(n1, n2)
    for n in range(n1, n2):
        vel_mv = pair.optical_pair_velocity(n, m_m, kpt1, kpt1)   # [m, v] = <n|-i d_v|m>
        require(vel_mv.shape == (nb, 3), f"optical_pair_velocity returned {vel_mv.shape}")
        p[:, n - n1, :] = vel_mv.T                                # bra n, ket m
    return p


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gpw", help="GPAW restart file (gpaw_example.py --gpw: DIR/<label>/gpaw.gpw)")
    ap.add_argument("out", help="output JSON file")
    ap.add_argument("--bands", type=parse_bands, required=True, metavar="LO-HI",
                    help="band window, 1-based inclusive (VASP numbering), e.g. 1-24")
    args = ap.parse_args(argv)
    lo, hi = args.bands
    n1, n2 = lo - 1, hi
    t_all = time.time()

    import gpaw
    import gpaw.mpi as mpi
    from gpaw import GPAW
    from gpaw.response.pair import PairDensity
    from ase.units import Hartree

    require(mpi.world.size == 1, "run serially (one process): the response code needs "
            "all k-points on one rank")
    require(os.path.isfile(args.gpw), f"no such file: {args.gpw}")

    t0 = time.time()
    calc = GPAW(args.gpw, txt=None, communicator=mpi.serial_comm)
    wfs = calc.wfs
    require(getattr(wfs, "mode", None) == "pw", f"{args.gpw}: not a plane-wave calculation")
    require(wfs.kpt_u[0].psit is not None, f"{args.gpw}: no wavefunctions (write with mode='all')")
    nbands = wfs.bd.nbands
    require(hi <= nbands, f"--bands {lo}-{hi}: the file has {nbands} bands")
    t_load = time.time() - t0

    gd = wfs.gd
    N = int(np.prod(gd.N_c))
    alpha = gd.dv / N
    require(abs(alpha - gd.volume / N**2) < 1e-14 * alpha, "gd.dv / N != V / N^2")

    t0 = time.time()
    pair = PairDensity(calc, world=mpi.serial_comm, txt=None, real_space_derivatives=False)
    nspin, nk = wfs.nspins, wfs.kd.nibzkpts
    nb = n2 - n1
    P = np.zeros((nspin, nk, 3, nb, nb), complex)
    max_diff = max_herm = max_herm_direct = max_S = 0.0
    min_swap = np.inf
    for s in range(nspin):
        for ik in range(nk):
            pr = routine_matrix(pair, calc, ik, s, n1, n2)
            pdirect, dS = direct_matrix(calc, ik, s, n1, n2, alpha)
            diff = float(np.max(np.abs(pr - pdirect)))
            require(np.all(np.isfinite(pr)), f"s {s} k {ik}: non-finite values from the routine")
            require(diff < TOL_DIRECT,
                    f"s {s} k {ik}: |direct - routine| = {diff:.3e} > {TOL_DIRECT:g} "
                    "(bra/ket convention or normalisation broken)")
            herm = float(np.max(np.abs(pr - pr.conj().transpose(0, 2, 1))))
            hermd = float(np.max(np.abs(pdirect - pdirect.conj().transpose(0, 2, 1))))
            require(herm < TOL_HERM, f"s {s} k {ik}: Hermiticity error {herm:.3e}")
            # what the disagreement would be with bra and ket swapped (p -> p^T):
            # shows that the direct comparison fixes the convention
            swap = float(np.max(np.abs(pr.transpose(0, 2, 1) - pdirect)))
            min_swap = min(min_swap, swap)
            max_diff, max_herm = max(max_diff, diff), max(max_herm, herm)
            max_herm_direct, max_S = max(max_herm_direct, hermd), max(max_S, dS)
            P[s, ik] = pr
    t_calc = time.time() - t0

    nabla_asym = max(float(np.max(np.abs(st.nabla_iiv + st.nabla_iiv.transpose(1, 0, 2))))
                     for st in wfs.setups)
    eig = [[(wfs.kpt_qs[ik][s].eps_n[n1:n2] * Hartree).tolist() for ik in range(nk)]
           for s in range(nspin)]
    out = {
        "gpw": os.path.abspath(args.gpw),
        "bands": [lo, hi],
        "routine": "gpaw.response.pair.PairDensity.optical_pair_velocity (plane-wave derivative)",
        "gpaw_version": gpaw.__version__,
        "units": "hbar/Bohr",
        "bra_ket": "p[s][k][v][m][n] = <psi_m|-i d/dx_v|psi_n>, m bra, n ket, "
                   "band numbers LO+m and LO+n (0-based m, n); v = Cartesian x, y, z",
        "eig_eV": eig,
        "kpoints_frac": wfs.kd.ibzk_kc.tolist(),
        "checks": {
            "max_abs_direct_minus_routine": max_diff,
            "max_hermiticity_error": max_herm,
            "max_hermiticity_error_direct": max_herm_direct,
            "max_nabla_iiv_antisymmetry_error": nabla_asym,
            "max_paw_overlap_error_in_window": max_S,
            "min_over_sk_of_max_abs_direct_minus_routine_transposed": min_swap,
            "tol_direct": TOL_DIRECT,
        },
        "p": [[[[[[float(z.real), float(z.imag)] for z in row] for row in P[s, ik, v]]
                for v in range(3)] for ik in range(nk)] for s in range(nspin)],
    }
    with open(args.out, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"gpaw_optics_ref: {args.gpw}: {nspin} spin x {nk} k x bands {lo}-{hi} "
          f"(of {nbands}): max|direct - routine| = {max_diff:.2e} (bra/ket swapped: "
          f">= {min_swap:.2e}), "
          f"max Hermiticity error = {max_herm:.2e} (nabla_iiv antisymmetry {nabla_asym:.1e}), "
          f"max|S - 1| in window = {max_S:.1e}; load {t_load:.1f} s, "
          f"matrices {t_calc:.1f} s, total {time.time() - t_all:.1f} s -> {args.out}",
          flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OracleError as e:
        print(f"gpaw_optics_ref: FAILED: {e}", file=sys.stderr)
        sys.exit(2)
