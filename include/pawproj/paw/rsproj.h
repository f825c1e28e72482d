/* rsproj.h — projections with real-space projectors, as VASP applies them
 * for LREAL = .TRUE. (lreal.h):
 *
 *   P_ai = (Ω/N) Σ_{grid r, |r−R_a| <= r_max} p̃_i(r − R_a) ψ̃(r),
 *   ψ̃(r) = Ω^{-1/2} e^{ik·r} Σ_G C_G e^{iG·r}   (one FFT per band),
 *
 * on the run's FFT grid (N points), with p̃_i(r) = f_j(|r|) Y_lm(r̂): f_j is
 * the POTCAR's real-space table on r_i = i·RMAX/n (i < n), interpolated by
 * the cubic spline VASP uses (first derivative (f_1 − f_0)/Δr at r = 0 for
 * l = 1 and 0 otherwise, natural at the end), and only points within
 * RMAX·(n−1)/n count. A PAW-XML dataset has no real-space table; its
 * projector on the radial grid serves, resampled to 400 points.
 *
 * This is a quadrature of <p̃|ψ̃>, not its exact value: the reciprocal
 * formula (projector.h) is exact for the same projector. Which of the two
 * a WAVECAR is orthonormal with is the run's choice (LREAL).
 */
#ifndef PAWPROJ_RSPROJ_H
#define PAWPROJ_RSPROJ_H

#include <complex.h>

#include "pawproj/core/error.h"
#include "pawproj/io/wavecar.h"
#include "pawproj/model/pawdata.h"
#include "pawproj/model/site.h"

typedef struct pp_rstable {
  int nj, nr;       /* channels, points */
  double dr;        /* spacing, Bohr */
  double rmax;      /* largest distance used, Bohr */
  double *y, *y2;   /* values and spline second derivatives, (nj, nr) */
} pp_rstable;

typedef struct pp_rsproj {
  int grid[3];         /* FFT grid (NGX, NGY, NGZ) */
  int nspecies;
  const pp_pawdata **data;  /* per species (not owned) */
  pp_rstable *table;   /* per species (owned) */
} pp_rsproj;

/* Tables for the species' datasets on the given grid. */
pp_status pp_rsproj_setup(const pp_pawdata *const *data, int nspecies, const int grid[3], pp_rsproj *rs,
                          pp_err *err);
void pp_rsproj_free(pp_rsproj *rs);

/* Overwrites, in out (laid out as pp_project_sites), the columns of the
 * sites of kind PP_SITE_PROJ with their real-space projections; other
 * sites are left alone. Fails if the grid cannot hold the plane-wave
 * sphere of k-point k. */
pp_status pp_rsproj_apply(const pp_rsproj *rs, const pp_site *sites, int nsites, const pp_wavecar *wc, int k,
                          const double complex *C, int nb, int64_t ld, double complex *out, int col0,
                          int ncol_total, pp_err *err);

/* f_j(r) of a table by its spline (0 beyond rmax). */
double pp_rstable_eval(const pp_rstable *t, int j, double r);

#endif
