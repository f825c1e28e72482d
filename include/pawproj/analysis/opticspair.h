/* opticspair.h — what one band pair's momentum matrix element (optics.h)
 * says about the transition m → n at one (spin, k):
 *
 *   ΔE = E_n − E_m;  degenerate when |ΔE| < PP_OPTICS_DEGENERATE_EV (also m = n:
 *        p_nn is then the band velocity, ħ/m_e · ∂E/∂k in atomic units)
 *   d_mn = e<m|r|n> = i e ħ p_mn / (m_e ΔE)        ([H, r] = −iħ p / m_e), e·Å and Debye
 *   f^v_mn = 2 |p^v_mn|² / (m_e ΔE)                 per direction, atomic units (dimensionless),
 *                                                    negative for n below m; f = (f^x + f^y + f^z)/3
 *   polarisation_v = |p^v|² / Σ_w |p^w|²             the share of each Cartesian direction
 *
 * Degenerate pairs have no dipole or oscillator strength (their ΔE is
 * zero or numerical noise): those fields are zero and `degenerate` is 1.
 * The Thomas–Reiche–Kuhn sum rule Σ_n f^v_mn = 1 holds for every band m
 * in a complete basis (docs/optics.md). */
#ifndef PAWPROJ_OPTICSPAIR_H
#define PAWPROJ_OPTICSPAIR_H

#include <complex.h>

#include "pawproj/analysis/optics.h"
#include "pawproj/io/wavecar.h"

#define PP_OPTICS_DEGENERATE_EV 1e-3

typedef struct pp_optics_pair {
  double e_m, e_n, de;        /* eV */
  double complex p[3];        /* ħ/Bohr, AE (pseudo + onsite) */
  double complex onsite[3];   /* ħ/Bohr, the one-centre part */
  double abs_p;               /* |p|, ħ/Bohr */
  int degenerate;
  double complex d[3];        /* e·Å */
  double abs_d, abs_d_debye;  /* e·Å, Debye */
  double f[3], f_avg;         /* dimensionless */
  double pol[3];              /* shares, Σ = 1 (zeros when p = 0) */
} pp_optics_pair;

/* Σ_n f^v_mn over the window's bands n not degenerate with m (a level's
 * own pairs cancel in pairs, f_mn = −f_nm, and would only add noise), for
 * band m (0-based in the window) of item it. */
void pp_optics_fsum(const pp_optics_result *r, const pp_wavecar *wc, int lo, int it, int m, double f[3]);

/* Pair (m, n) of item it (0-based in the window) of r, energies from wc. */
void pp_optics_pair_get(const pp_optics_result *r, const pp_wavecar *wc, int lo, int it, int m, int n,
                        pp_optics_pair *out);

#endif
