/* radial.h — spherical Bessel functions and radial form factors such as
 * the projectors' f_j(q) = ∫ r² j_l(qr) p̃_j(r) dr, tabulated once per dataset on a uniform
 * q grid and interpolated (plan once, use for every band and k-point). */
#ifndef PAWPROJ_RADIAL_H
#define PAWPROJ_RADIAL_H

#include "pawproj/core/error.h"
#include "pawproj/model/pawdata.h"

/* j_l(x) for any l >= 0 and x >= 0, accurate to ~1e-14 relative. */
double pp_sph_bessel(int l, double x);

typedef struct pp_ftable {
  int nj;      /* channels (as the dataset) */
  int nq;      /* q points, q_i = i·dq */
  double dq;   /* spacing, Bohr⁻¹ */
  double *f;   /* form factors, Bohr^{3/2}, (nj, nq) */
  int *parity; /* (nj): (−1)^l of each channel for a POTCAR's own table,
                * evaluated as VASP does (pp_vasp_interp4); NULL: a fine
                * table of ours, evaluated by 4-point Lagrange */
} pp_ftable;

/* Tabulates f_j(q) = ∫ r² j_l(qr) fn_j(r) dr for 0 <= q <= qmax (Bohr⁻¹),
 * fn (nj, ng) on the dataset's grid, zero from point gcut on. */
pp_status pp_ftable_build(const pp_pawdata *d, const double *fn, int gcut, double qmax,
                          pp_ftable *t, pp_err *err);

/* The table given on q_i = i·dq, i < n (a POTCAR's reciprocal projectors,
 * channel j of angular momentum l[j]), kept as it is and evaluated exactly
 * as VASP evaluates it: pp_vasp_interp4 (quadrature.h), zero from
 * i ≥ n − 3 on. */
pp_status pp_ftable_from_table(int nj, const int *l, const double *tab, int n, double dq,
                               pp_ftable *t, pp_err *err);

/* f_j(q): a POTCAR table as VASP interpolates it; one of ours by 4-point
 * Lagrange on its fine grid (error ~1e-9 relative). */
double pp_ftable_eval(const pp_ftable *t, int j, double q);

void pp_ftable_free(pp_ftable *t);

/* Real spherical harmonics Y_lm of a unit vector u, m in GPAW's (and
 * VASP's) order: l=1: y, z, x; l=2: xy, yz, 3z²−r², zx, x²−y²;
 * l=3: the seven f functions in the same scheme. out has 2l+1 entries. */
void pp_ylm(int l, const double u[3], double *out);

/* Gauss-Legendre nodes x and weights w of order n on [−1, 1] (Newton's
 * method on P_n; exact for polynomials of degree < 2n). */
void pp_gauss_legendre(int n, double *x, double *w);

#endif
