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
 *
 * Plan and execute (as FFTW): what projections at one k-point need besides
 * the bands — the G list, each site's sphere of grid points with its
 * weights (Ω/N) Ω^{-1/2} e^{ik·r} p̃_i(r − R), the grid's FFT plan and the
 * gather buffers — is a pp_rsplan, built once and applied to every band
 * block of that k-point. pp_rsproj_apply is the one-shot form; it keeps
 * the last plan it built in the struct's plan slot and reuses it while the
 * sites, the cell and the k-point stay the same (a new k-point of the same
 * sites keeps the buffers and the FFT plan), so callers that project a
 * k-point band by band pay the set-up once. Two runs whose projections
 * alternate (bulk and defect of `project`) share one slot
 * (pp_rsproj_share_plan), so they hold one plan at a time, the peak of
 * the per-call code. Plans give the same numbers bit for
 * bit as building everything per call: the same weights, FFT plan
 * (FFTW_ESTIMATE) and ZGEMM shapes.
 */
#ifndef PAWPROJ_RSPROJ_H
#define PAWPROJ_RSPROJ_H

#include <complex.h>

#include "pawproj/core/ctx.h"
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

struct pp_rsplan;
struct pp_rsplan_cache {
  struct pp_rsplan *plan; /* NULL until the first call */
  pp_ctx *ctx;            /* pools of the plans (pp_rsproj_use_pools); NULL: malloc */
};

typedef struct pp_rsproj {
  int grid[3];         /* FFT grid (NGX, NGY, NGZ) */
  int nspecies;
  const pp_pawdata **data;  /* per species (not owned) */
  pp_rstable *table;   /* per species (owned) */
  /* The slot of the plan pp_rsproj_apply keeps (freed by pp_rsproj_free
   * when owned, or when a call on other sites needs the slot).
   * A copy of this struct (a view with its own species order) shares it:
   * a plan is reused only when what it was built from is equal (site
   * positions, species, kinds, their tables and datasets by address, cell,
   * k-point, cutoff, grid), so views cannot pick up each other's plans.
   * NULL (a zeroed struct): every call builds and frees its own plan. */
  struct pp_rsplan_cache *cache;
  int owns_cache;      /* 1: cache is this struct's (pp_rsproj_setup); 0: shared or none */
} pp_rsproj;

/* Tables for the species' datasets on the given grid. */
pp_status pp_rsproj_setup(const pp_pawdata *const *data, int nspecies, const int grid[3], pp_rsproj *rs,
                          pp_err *err);
void pp_rsproj_free(pp_rsproj *rs);

/* Frees the plan pp_rsproj_apply keeps (its memory is of the order of the
 * sites' weights plus one band block of gathered values), e.g. at the end
 * of a stage; the next call builds a new one. rs stays usable. */
void pp_rsproj_drop_plan(const pp_rsproj *rs);

/* From now on the plans of rs's slot take their large buffers (sites'
 * points and weights, the grid, the G list, the gather buffer: pools
 * "rs-plan", "rs-gvec", "rs-gather") from pools of the stage open in ctx
 * when they are built, so the budget and --mem-report count them (ctx
 * NULL: malloc again). When that stage ends its pools go and the next
 * call builds what went anew (a plan built in an outer stage lives
 * across the inner ones). ctx must outlive rs's calls. A shared slot
 * (pp_rsproj_share_plan) is bound for both runs. */
void pp_rsproj_use_pools(const pp_rsproj *rs, pp_ctx *ctx);

/* rs gives up its own plan slot and uses with's from now on: calls on
 * either then hold one plan between them. with must outlive rs's calls;
 * pp_rsproj_free(rs) leaves with's slot alone. */
void pp_rsproj_share_plan(pp_rsproj *rs, const pp_rsproj *with);

/* Overwrites, in out (laid out as pp_project_sites), the columns of the
 * sites of kind PP_SITE_PROJ with their real-space projections; other
 * sites are left alone. Fails if the grid cannot hold the plane-wave
 * sphere of k-point k. */
pp_status pp_rsproj_apply(const pp_rsproj *rs, const pp_site *sites, int nsites, const pp_wavecar *wc, int k,
                          const double complex *C, int nb, int64_t ld, double complex *out, int col0,
                          int ncol_total, pp_err *err);

/* The plan of the sites of kind PP_SITE_PROJ for k-point k of wc: rs,
 * its tables and datasets must outlive it; sites and wc are copied from
 * (not referenced). Fails only when out of memory or FFTW cannot plan;
 * a grid too small for the k-point's sphere fails in pp_rsplan_apply,
 * as it did in pp_rsproj_apply. */
typedef struct pp_rsplan pp_rsplan;
pp_status pp_rsplan_create(const pp_rsproj *rs, const pp_site *sites, int nsites, const pp_wavecar *wc, int k,
                           pp_rsplan **plan, pp_err *err);
/* pp_rsproj_apply on a plan: same layout of C and out, same results. */
pp_status pp_rsplan_apply(pp_rsplan *p, const double complex *C, int nb, int64_t ld, double complex *out, int col0,
                          int ncol_total, pp_err *err);
void pp_rsplan_free(pp_rsplan *p);

/* f_j(r) of a table by its spline (0 beyond rmax). */
double pp_rstable_eval(const pp_rstable *t, int j, double r);
/* f[j] = pp_rstable_eval(t, j, r) for every channel j < t->nj, bit for bit,
 * locating r's segment once. */
void pp_rstable_eval_all(const pp_rstable *t, double r, double *f);

#endif
