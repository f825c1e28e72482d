/* staterun.c — one state of a run on a distributed grid, computed and
 * written (see staterun.h). */
#include "pawproj/analysis/staterun.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/ipr.h"
#include "pawproj/analysis/state.h"
#include "pawproj/analysis/stategrid.h"
#include "pawproj/core/agree.h"
#include "pawproj/io/pawset.h"
#include "pawproj/io/wfset.h"
#include "pawproj/model/lattice.h"
#include "pawproj/paw/projector.h"

/* The PAW side of the AE state: datasets, projections P and the AE norm. */
static pp_status project_band(const pp_ctx *ctx, const pp_state_setup *in, const double complex *c, pp_pawset *set,
                              pp_paw *paw, pp_projmode *pm, double complex **P, pp_state_result *res,
                              pp_err *err) {
  const pp_wavecar *wc = &in->ds->wc;
  const pp_structure *cell = &in->ds->structure;
  const pp_status st = pp_projmode_paw(&in->paw, in->dir, in->dir, wc, cell, set, paw, pm, err);
  PP_CALL(pp_agree(st, err, ctx->world));
  snprintf(res->projectors, sizeof res->projectors, "%s", pm->desc);
  const size_t np = (size_t)wc->nspinor * paw->nproj;
  *P = malloc(sizeof **P * (np + 1));
  double complex *QP = malloc(sizeof *QP * (np + 1));
  if (!*P || !QP) {
    free(QP);
    PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  }
  /* Every rank projects the one band itself: no communication, same result. */
  const pp_status sp = pp_project(paw, cell, wc, in->k, c, 1, pp_wavecar_nstored(wc, in->k), *P, err);
  if (sp == PP_OK) {
    pp_paw_apply_q(paw, cell, wc->nspinor, *P, QP);
    res->ae_norm = res->pseudo_norm;
    for (size_t i = 0; i < np; i++) res->ae_norm += creal(conj((*P)[i]) * QP[i]);
  }
  free(QP);
  PP_CALL(sp);
  return PP_OK;
}

pp_status pp_state_run(const pp_ctx *ctx, const pp_state_setup *in, pp_state_result *res, pp_err *err) {
  const pp_wavecar *wc = &in->ds->wc;
  const pp_structure *cell = &in->ds->structure;
  const int64_t npw = wc->npw[in->k], nst = pp_wavecar_nstored(wc, in->k);
  const double omega = fabs(pp_lat_volume(wc->lattice));
  const int gamma = pp_variant_is_gamma(wc->variant);
  const pp_stateout out = {wc, cell, in->s, in->k, in->b, in->ae, !gamma || !in->remove_phase, in->cube, in->prefix};
  pp_pawset set = {0};
  pp_paw paw = {0};
  pp_projmode pm = {0};
  pp_aeplan plan = {0};
  pp_rgrid g = {0};
  double complex *c = malloc(sizeof *c * (size_t)(nst + 1));
  double complex *P = NULL, *keep = NULL;
  double *tmp = NULL, *rho = NULL;
  pp_status st = PP_OK;
  memset(res, 0, sizeof *res);
  if (in->sites) res->have_sites = 1, res->sites = *in->sites;
  if (!c) PP_THROW(PP_ERR_NOMEM, "out of memory");
  PP_TRY(pp_wfset_read_band(wc, NULL, in->s, in->k, in->b, c, ctx->world, err));
  for (int64_t i = 0; i < nst; i++) res->pseudo_norm += creal(c[i]) * creal(c[i]) + cimag(c[i]) * cimag(c[i]);
  PP_TRY(pp_gridopt_choose(&in->grid, in->dir, wc, res->grid, res->grid_source, sizeof res->grid_source, err));
  if (in->ae) PP_TRY(project_band(ctx, in, c, &set, &paw, &pm, &P, res, err));
  if (in->ae && !in->grid_chosen)
    PP_TRY(pp_stategrid_refine(set.ptr, cell, wc->lattice, P, wc->nspinor, paw.nproj, res->grid, res->grid_source,
                               sizeof res->grid_source, &res->deficit, err));
  PP_TRY(pp_rgrid_create(res->grid, ctx->world, &g, err));
  if (in->ae) {
    PP_TRY(pp_aeplan_setup(set.ptr, cell->nspecies, &g, wc->lattice, &plan, err));
    res->q2 = plan.q2;
    /* The prediction for a grid the user chose, too. */
    if (in->grid_chosen)
      PP_TRY(pp_stategrid_deficit(set.ptr, cell, P, wc->nspinor, paw.nproj, plan.q2, &res->deficit, err));
  }
  const ptrdiff_t nloc = pp_rgrid_local(&g);
  tmp = malloc(sizeof *tmp * ((size_t)nloc + 1));
  keep = malloc(sizeof *keep * ((size_t)wc->nspinor * nloc + 1));
  rho = calloc(2 * (size_t)nloc + 1, sizeof *rho);
  if (!tmp || !keep || !rho) PP_THROW(PP_ERR_NOMEM, "out of memory for a grid slab (%td points)", nloc);
  for (int sp = 0; sp < wc->nspinor; sp++) {
    /* Pseudo state first (its norm and IPR for comparison), then the AE
     * one; densities |ψ|² summed over the spinor components. */
    for (int kind = 0; kind <= in->ae; kind++) {
      PP_TRY(pp_state_fill(&g, wc, in->k, c + (int64_t)sp * npw, kind ? &plan : NULL, cell,
                           kind ? P + (size_t)sp * paw.nproj : NULL, in->remove_phase, err));
      double *rk = rho + (size_t)kind * nloc;
      for (ptrdiff_t i = 0; i < nloc; i++) rk[i] += creal(g.buf[i]) * creal(g.buf[i]) + cimag(g.buf[i]) * cimag(g.buf[i]);
    }
    PP_TRY(pp_stateout_volumetric(&out, &g, sp, tmp, &res->files, err));
    memcpy(keep + (size_t)sp * nloc, g.buf, sizeof *keep * (size_t)nloc);
  }
  const double dv = omega / ((double)g.n[0] * g.n[1] * g.n[2]);
  for (int kind = 0; kind <= in->ae; kind++)
    pp_ipr_moments(rho + (size_t)kind * nloc, nloc, dv, omega, g.comm, &res->grid_norm[kind], &res->ipr[kind]);
  if (!in->ae) res->grid_norm[1] = res->grid_norm[0], res->ipr[1] = res->ipr[0];
  if (res->have_sites) pp_sites_measure(&res->sites, &g, wc->lattice, rho + (size_t)in->ae * nloc);
  PP_TRY(pp_stateout_h5(&out, ctx->world, &g, keep, res->grid_norm[1], ctx->cmdline, &res->files, err));
done:
  free(c);
  free(P);
  free(tmp);
  free(rho);
  free(keep);
  pp_rgrid_free(&g);
  pp_aeplan_free(&plan);
  pp_projmode_free(&pm);
  pp_paw_free(&paw);
  pp_pawset_free(&set);
  return st;
}
