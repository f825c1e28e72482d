/* density.c — `pawproj density` as one computation (see density.h): the
 * layout, the grid and the PAW side of the run, the two passes over the
 * bands (densitypass.h), then the files (densityout.h). */
#include "pawproj/analysis/density.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/densitypass.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/wfset.h"
#include "pawproj/model/lattice.h"
#include "pawproj/paw/pawrun.h"

static double expected_electrons(const pp_density_pass *p) {
  const pp_wavecar *wc = &p->ds->wc;
  double n = 0;
  for (int s = 0; s < wc->nspin; s++)
    for (int k = 0; k < wc->nkpts; k++)
      for (int b = 0; b < wc->nbands; b++) n += pp_density_weight(p, s, k, b);
  return n;
}

static double electrons_on_grid(const pp_rgrid *g, const double *rho, const double lattice[3][3]) {
  const ptrdiff_t nloc = pp_rgrid_local(g);
  double loc = 0, all = 0;
  for (ptrdiff_t i = 0; i < nloc; i++) loc += rho[i];
  MPI_Allreduce(&loc, &all, 1, MPI_DOUBLE, MPI_SUM, g->comm);
  return all * (fabs(pp_lat_volume(lattice)) / ((double)g->n[0] * g->n[1] * g->n[2]));
}

/* The pools that live on the grid, and their need on my rank for grid n:
 * slab and density, then the larger of the sum's scratch and the files'
 * buffer (they never coexist). */
#define GRID_POOLS "grid-slab, density, partials, g-list, write-buffer"

static size_t density_bytes(ptrdiff_t nloc) { return sizeof(double) * ((size_t)nloc + 1); }

static size_t write_bytes(const pp_layout *lay, ptrdiff_t nloc) {
  return lay->kgroup == 0 ? pp_densityout_bytes(nloc) : 0; /* group 0 writes */
}

static size_t grid_need(const pp_density_pass *p, const int n[3]) {
  ptrdiff_t nloc, alloc;
  pp_rgrid_share(n, p->lay->kcomm, &nloc, &alloc);
  const size_t sum = pp_density_sum_bytes(p, nloc), out = write_bytes(p->lay, nloc);
  return pp_rgrid_slab_bytes(alloc) + density_bytes(nloc) + (sum > out ? sum : out);
}

pp_status pp_density_run(pp_ctx *ctx, const pp_density_setup *s, pp_density_result *r, pp_err *err) {
  const pp_wavecar *wc = &s->ds->wc;
  const pp_structure *cell = &s->ds->structure;
  pp_layout lay = PP_LAYOUT_NONE;
  pp_pawrun pr = {0};
  pp_bytesrc src = {0};
  int src_open = 0;
  pp_rgrid g = {0};
  pp_aeplan plan = {0};
  /* Stage "density" owns what both passes and the files use: the band
   * scratch, then the grid and the density; "write" the files' buffer. */
  pp_stage sd = {0}, sw = {0};
  pp_pool *coef = NULL, *proj = NULL, *slab = NULL, *dens = NULL, *wbuf = NULL;
  double *rho = NULL;
  pp_density_pass p = {.ctx = ctx, .ds = s->ds, .lay = &lay, .lo = s->lo, .hi = s->hi, .filled = s->filled,
                       .src = &src};
  pp_status st = PP_OK;
  memset(r, 0, sizeof *r);
  PP_TRY(pp_stage_begin(ctx, "density", &sd, err));
  PP_TRY(pp_layout_create(ctx->world, wc->nspin * wc->nkpts, wc->nbands, s->kgroups, &lay, err));
  int64_t maxst = 0;
  for (int k = 0; k < wc->nkpts; k++)
    if (pp_wavecar_nstored(wc, k) > maxst) maxst = pp_wavecar_nstored(wc, k);
  const size_t cbytes = sizeof *p.c * (size_t)(maxst + 1);
  const size_t rbytes = lay.brank == 0 ? pp_wfset_band_scratch_bytes(wc) : 0; /* band rank 0 reads */
  PP_TRY(pp_stage_need(&sd, "coefficients", cbytes + rbytes, err));
  PP_TRY(pp_stage_pool(&sd, "coefficients", NULL, 0, &coef, err));
  PP_TRY(pp_pool_alloc(coef, cbytes, (void **)&p.c, err));
  if (rbytes) PP_TRY(pp_pool_alloc(coef, rbytes, &p.rec, err));
  r->electrons_expected = expected_electrons(&p);
  PP_TRY(pp_gridopt_choose(&s->grid, s->dir, wc, r->grid, r->grid_source, sizeof r->grid_source, err));
  if (s->ae) {
    PP_TRY(pp_pawrun_open(ctx, &s->paw, s->dir, wc, cell, &pr, err));
    snprintf(r->projectors, sizeof r->projectors, "%s", pr.pm.desc);
    p.set = &pr.set, p.paw = &pr.paw;
    const size_t pbytes = sizeof *p.P * ((size_t)wc->nspinor * pr.paw.nproj + 1);
    PP_TRY(pp_stage_need(&sd, "projections", pbytes, err));
    PP_TRY(pp_stage_pool(&sd, "projections", &coef, 1, &proj, err));
    PP_TRY(pp_pool_alloc(proj, pbytes, (void **)&p.P, err));
  }
  if (lay.brank == 0) {
    st = pp_bytesrc_open(wc->path, &src, err);
    src_open = st == PP_OK;
  }
  PP_TRY(pp_agree(st, err, ctx->world));
  /* Refinement only grows the grid: a run whose grid does not fit as
   * chosen stops before the refine pass reads the bands. */
  if (s->ae && s->refine) {
    PP_TRY(pp_stage_need(&sd, GRID_POOLS, grid_need(&p, r->grid), err));
    PP_TRY(pp_density_refine(&p, r->electrons_expected, r->grid, r->grid_source, sizeof r->grid_source, err));
  }
  /* The grid is known: the rest of the run's need, before any of it is
   * allocated. */
  PP_TRY(pp_stage_need(&sd, GRID_POOLS, grid_need(&p, r->grid), err));
  ptrdiff_t nloc, alloc;
  pp_rgrid_share(r->grid, lay.kcomm, &nloc, &alloc);
  const size_t rho_bytes = density_bytes(nloc), out_bytes = write_bytes(&lay, nloc);
  PP_TRY(pp_stage_pool(&sd, "grid-slab", NULL, 0, &slab, err));
  PP_TRY(pp_rgrid_create_in(r->grid, lay.kcomm, slab, &g, err));
  PP_TRY(pp_stage_pool(&sd, "density", &slab, 1, &dens, err));
  PP_TRY(pp_agree(pp_pool_alloc(dens, rho_bytes, (void **)&rho, err), err, ctx->world));
  if (s->ae) PP_TRY(pp_aeplan_setup(pr.set.ptr, cell->nspecies, &g, wc->lattice, &plan, err));
  PP_TRY(pp_density_sum(&p, &g, s->ae ? &plan : NULL, dens, rho, &r->nstates, &r->seconds, err));
  r->electrons_grid = electrons_on_grid(&g, rho, wc->lattice);
  PP_TRY(pp_stage_begin(ctx, "write", &sw, err));
  PP_TRY(pp_stage_need(&sw, "write-buffer", out_bytes, err));
  PP_TRY(pp_stage_pool(&sw, "write-buffer", &dens, 1, &wbuf, err)); /* on every rank, empty beyond group 0 */
  if (lay.kgroup == 0) { /* every group holds the whole sum; one writes it */
    const pp_densityout o = {.path = s->output,
                             .cube = s->cube,
                             .ae = s->ae,
                             .partial = s->filled,
                             .cell = cell,
                             .lattice = wc->lattice,
                             .electrons_on_grid = r->electrons_grid,
                             .cmdline = ctx->cmdline};
    st = pp_densityout_write(&o, &g, rho, wbuf, &r->files, err);
  }
  PP_TRY(pp_agree(st, err, ctx->world));
  PP_TRY(pp_stage_end(&sw, err));
  pp_peak_rss(ctx, &r->rss_min, &r->rss_max);
  PP_TRY(pp_stage_end(&sd, err));
done:
  pp_stage_abort(&sw); /* error paths: every pool of the run; no-ops once ended */
  pp_stage_abort(&sd);
  if (src_open) pp_bytesrc_close(&src);
  pp_aeplan_free(&plan);
  pp_rgrid_free(&g); /* the plan; its buffer went with its pool */
  pp_layout_free(&lay);
  pp_pawrun_free(&pr);
  return st;
}
