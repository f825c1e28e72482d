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
#include "pawproj/model/lattice.h"

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

pp_status pp_density_run(pp_ctx *ctx, const pp_density_setup *s, pp_density_result *r, pp_err *err) {
  const pp_wavecar *wc = &s->ds->wc;
  const pp_structure *cell = &s->ds->structure;
  pp_layout lay = {.kcomm = MPI_COMM_NULL, .xcomm = MPI_COMM_NULL};
  pp_pawset set = {0};
  pp_paw paw = {0};
  pp_projmode pm = {0};
  pp_bytesrc src = {0};
  int src_open = 0;
  pp_rgrid g = {0};
  pp_aeplan plan = {0};
  double *rho = NULL;
  pp_density_pass p = {.ds = s->ds, .lay = &lay, .lo = s->lo, .hi = s->hi, .filled = s->filled, .src = &src};
  pp_status st = PP_OK;
  memset(r, 0, sizeof *r);
  PP_TRY(pp_layout_create(ctx->world, wc->nspin * wc->nkpts, wc->nbands, s->kgroups, &lay, err));
  int64_t maxst = 0;
  for (int k = 0; k < wc->nkpts; k++)
    if (pp_wavecar_nstored(wc, k) > maxst) maxst = pp_wavecar_nstored(wc, k);
  p.c = malloc(sizeof *p.c * (size_t)(maxst + 1));
  if (!p.c) PP_THROW(PP_ERR_NOMEM, "out of memory");
  r->electrons_expected = expected_electrons(&p);
  PP_TRY(pp_gridopt_choose(&s->grid, s->dir, wc, r->grid, r->grid_source, sizeof r->grid_source, err));
  if (s->ae) {
    st = pp_projmode_paw(&s->paw, s->dir, s->dir, wc, cell, &set, &paw, &pm, err);
    PP_TRY(pp_agree(st, err, ctx->world));
    snprintf(r->projectors, sizeof r->projectors, "%s", pm.desc);
    p.set = &set, p.paw = &paw;
    p.P = malloc(sizeof *p.P * ((size_t)wc->nspinor * paw.nproj + 1));
    if (!p.P) PP_THROW(PP_ERR_NOMEM, "out of memory");
  }
  if (lay.brank == 0) {
    st = pp_bytesrc_open(wc->path, &src, err);
    src_open = st == PP_OK;
  }
  PP_TRY(pp_agree(st, err, ctx->world));
  if (s->ae && s->refine)
    PP_TRY(pp_density_refine(&p, r->electrons_expected, r->grid, r->grid_source, sizeof r->grid_source, err));
  PP_TRY(pp_rgrid_create(r->grid, lay.kcomm, &g, err));
  if (s->ae) PP_TRY(pp_aeplan_setup(set.ptr, cell->nspecies, &g, wc->lattice, &plan, err));
  PP_TRY(pp_density_sum(&p, &g, s->ae ? &plan : NULL, !ctx->quiet, &rho, &r->nstates, &r->seconds, err));
  r->electrons_grid = electrons_on_grid(&g, rho, wc->lattice);
  if (lay.kgroup == 0) { /* every group holds the whole sum; one writes it */
    const pp_densityout o = {.path = s->output,
                             .cube = s->cube,
                             .ae = s->ae,
                             .partial = s->filled,
                             .cell = cell,
                             .lattice = wc->lattice,
                             .electrons_on_grid = r->electrons_grid,
                             .cmdline = ctx->cmdline};
    st = pp_densityout_write(&o, &g, rho, &r->files, err);
  }
  PP_TRY(pp_agree(st, err, ctx->world));
  pp_peak_rss(ctx, &r->rss_min, &r->rss_max);
done:
  if (src_open) pp_bytesrc_close(&src);
  free(p.c);
  free(p.P);
  free(rho);
  pp_aeplan_free(&plan);
  pp_rgrid_free(&g);
  pp_layout_free(&lay);
  pp_projmode_free(&pm);
  pp_paw_free(&paw);
  pp_pawset_free(&set);
  return st;
}
