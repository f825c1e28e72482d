/* twocentre.h — overlap integrals of localised functions on two centres,
 *
 *   M_ij = ∫ f^a_i(r − R_a) f^b_j(r − R_b) d³r,   f_i(r) = u_j(|r|) Y_lm(r̂),
 *
 * (i runs over (j, m) as pawdata.h orders projectors; real Y_lm of pp_ylm in
 * radial.h) by the spherical Bessel transform F_j(q) = ∫ r² j_l(qr) u_j(r) dr:
 *
 *   M_ij = (2/π) Σ_L i^{l_i − l_j + L} (2L+1) c_L ∫ q² F_i(q) F_j(q) j_L(q|R|) dq,
 *   c_L  = ∫ dΩ Y_{l_i m_i}(q̂) Y_{l_j m_j}(q̂) P_L(q̂·R̂),   R = R_a − R_b,
 *
 * (Parseval plus the plane-wave expansion of e^{iq·R}; L runs over
 * |l_i − l_j| … l_i + l_j in steps of 2, so the prefactor is real). c_L is
 * computed by a Gauss-Legendre × trapezoid quadrature on the sphere that is
 * exact for these polynomials. Used for the PAW pair terms <Δφ^a|Δφ^b>
 * between overlapping spheres of two structures (pawpair.h), where u = φ − φ̃
 * has the all-electron cusp: F decays like q⁻⁴, so the q integral runs to
 * a large qmax (the caller's choice, see pp_tcradial_build).
 */
#ifndef PAWPROJ_TWOCENTRE_H
#define PAWPROJ_TWOCENTRE_H

#include "pawproj/core/error.h"
#include "pawproj/model/pawdata.h"

typedef struct pp_tcradial {
  int nj;          /* radial functions (channels) */
  int *l;          /* their l, (nj) */
  int nproj;       /* Σ_j (2 l_j + 1) */
  int nq;          /* q points q_i = i·dq, odd (Simpson) */
  double dq;       /* Bohr⁻¹ */
  double *F;       /* F_j(q_i), (nj, nq) */
  double radius;   /* largest r where some u_j is non-zero, Bohr */
} pp_tcradial;

/* Transforms u (nj, d->ng) given on the dataset's radial grid, zero from
 * the first point where all are below 1e-14 on; channel l from d->l.
 * qmax, dq in Bohr⁻¹. */
pp_status pp_tcradial_build(const pp_pawdata *d, const double *u, double qmax, double dq,
                            pp_tcradial *t, pp_err *err);
void pp_tcradial_free(pp_tcradial *t);

/* M (a->nproj × b->nproj, row-major) for R = R_a − R_b in Bohr. Both
 * tables must share nq and dq. */
pp_status pp_twocentre(const pp_tcradial *a, const pp_tcradial *b, const double R[3], double *M,
                       pp_err *err);

#endif
