/* densitypass.h — the two passes over the bands of a density (density.h):
 *
 *   refine  the occupation matrices Σ_n w_n P*_ai P_aj of the whole density,
 *           then the grid refined until the reconstruction the grid cannot
 *           resolve carries at most PP_DENSITY_DEFICIT of the charge per
 *           electron (as pp_state_refine does for one state);
 *   sum     ρ(r) = Σ_(s,k) Σ_n w_n |ψ_n(r)|² on my slab, each (spin, k) item
 *           built alone and the items added in item order, whatever the
 *           rank count, so that 1 rank and N ranks agree bit for bit.
 *
 * Each band with a non-zero weight (pp_density_weight) is read once per
 * pass by band rank 0 of its k-point group and broadcast in the group.
 * Both passes are collective over the layout's world, and each is a stage
 * (core/stage.h) inside the caller's: its scratch comes from pools of its
 * own, checked against the budget before it allocates, and it logs its
 * line (time, bytes read) when it ends.
 */
#ifndef PAWPROJ_DENSITYPASS_H
#define PAWPROJ_DENSITYPASS_H

#include <complex.h>
#include <stddef.h>

#include "pawproj/analysis/state.h"
#include "pawproj/core/ctx.h"
#include "pawproj/io/bytesrc.h"
#include "pawproj/io/dataset.h"
#include "pawproj/io/pawset.h"
#include "pawproj/par/layout.h"
#include "pawproj/par/rgrid.h"
#include "pawproj/paw/projector.h"

#define PP_DENSITY_DEFICIT 5e-4 /* per electron, as for one state */

/* What both passes read (nothing owned). */
typedef struct pp_density_pass {
  pp_ctx *ctx;             /* the run: pools and stages of the passes, quiet */
  const pp_dataset *ds;    /* the run: WAVECAR header, structure, k-point weights */
  const pp_layout *lay;    /* k-point groups × band ranks of the world */
  int lo, hi;              /* the bands [lo, hi) that count, 0-based */
  int filled;              /* 1: each counted as filled (band-decomposed); 0: with its occupation */
  const pp_pawset *set;    /* datasets per species; NULL for the pseudo density */
  const pp_paw *paw;       /* projectors of the structure; NULL for the pseudo density */
  pp_bytesrc *src;         /* the WAVECAR, open on band rank 0 of each group */
  double complex *c;       /* scratch: one band's coefficients, (most stored of any k); the caller's pool */
  void *rec;               /* scratch: one WAVECAR record (pp_wfset_band_scratch_bytes) on band rank 0, else NULL; the caller's pool */
  double complex *P;       /* scratch: one band's projections, (nspinor · paw->nproj); NULL if no paw */
} pp_density_pass;

/* Weight of band b of item (s, k): k-weight × occupation (1 if filled) ×
 * 2 for spin-paired collinear runs; 0 outside [lo, hi) and for empty bands
 * (Fermi tails below 1e-12 electrons), which are then never read. */
static inline double pp_density_weight(const pp_density_pass *p, int s, int k, int b) {
  const pp_wavecar *wc = &p->ds->wc;
  if (b < p->lo || b >= p->hi) return 0;
  const double f = p->filled ? 1.0 : wc->occ[pp_wavecar_idx(wc, s, k, b)];
  const double spin = (wc->nspin == 1 && wc->nspinor == 1) ? 2.0 : 1.0;
  const double w = p->ds->kweight[k] * f * spin;
  return w < 1e-12 ? 0 : w;
}

/* Refine pass (needs paw), stage "refine" (pool "occupations": the
 * matrices): grid (in: the chosen grid, out: refined) and source (in/out,
 * n bytes: the grid's origin, with the refinement and the charge it
 * leaves beyond the grid appended when it refined); electrons the
 * expected count, which the predicted loss is relative to. */
pp_status pp_density_refine(const pp_density_pass *p, double electrons, int grid[3], char *source, size_t n,
                            pp_err *err);

/* Sum pass on g (over the group's kcomm), stage "sum" (pools "partials":
 * the items' slabs, "g-list": the G list of a band, both depending on
 * rho_pool): rho (nloc of g, zero, a block of rho_pool) := the density on
 * my slab; ae the reconstruction plan (NULL: the pseudo density);
 * *nstates the states put on the grid (all groups, spinor components
 * counted apart); *seconds the wall time. Progress lines on stderr
 * (world rank 0) unless p->ctx->quiet. */
pp_status pp_density_sum(const pp_density_pass *p, pp_rgrid *g, const pp_aeplan *ae, pp_pool *rho_pool, double *rho,
                         long long *nstates, double *seconds, pp_err *err);

/* Bytes the sum pass takes from its pools on my rank for a slab of nloc
 * points: the caller's up-front budget check. */
size_t pp_density_sum_bytes(const pp_density_pass *p, ptrdiff_t nloc);

/* The largest k-point projection plan of the AE passes (pool "kpoint-plan"
 * of the stage, one item at a time; 0 for the pseudo density). */
size_t pp_density_plan_bytes(const pp_density_pass *p);

#endif
