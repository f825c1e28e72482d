/* staterun.c — one state of a run on a distributed grid, computed and
 * written (see staterun.h). */
#include "pawproj/analysis/staterun.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pawproj/analysis/ipr.h"
#include "pawproj/analysis/state.h"
#include "pawproj/analysis/stategrid.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/wfset.h"
#include "pawproj/model/lattice.h"
#include "pawproj/paw/pawrun.h"

/* The band, its record read through a buffer of the stage's pool
 * "io-buffer", returned right after. */
static pp_status read_band(pp_stage *sg, const pp_wavecar *wc, const pp_state_setup *in, double complex *c,
                           size_t rbytes, pp_err *err) {
  pp_pool *io;
  void *rec = NULL;
  PP_CALL(pp_stage_pool(sg, "io-buffer", NULL, 0, &io, err));
  pp_status st = rbytes ? pp_pool_alloc(io, rbytes, &rec, err) : PP_OK;
  if (st == PP_OK) st = pp_wfset_read_band_buf(wc, NULL, in->s, in->k, in->b, c, rec, sg->ctx->world, err);
  const pp_status rs = pp_pool_release(io, err);
  return st != PP_OK ? st : rs;
}

/* The PAW side of the AE state: datasets, projections P (and QP, from
 * the pool "projections" of the stage) and the AE norm. */
static pp_status project_band(const pp_ctx *ctx, pp_stage *sg, const pp_state_setup *in, const double complex *c,
                              pp_pawrun *pr, pp_pool *coef, double complex **P,
                              pp_state_result *res, pp_err *err) {
  const pp_wavecar *wc = &in->ds->wc;
  const pp_structure *cell = &in->ds->structure;
  PP_CALL(pp_pawrun_open(sg->ctx, &in->paw, in->dir, wc, cell, pr, err));
  snprintf(res->projectors, sizeof res->projectors, "%s", pr->pm.desc);
  const pp_paw *paw = &pr->paw;
  const size_t np = (size_t)wc->nspinor * paw->nproj, bytes = sizeof **P * (np + 1);
  pp_pool *pool;
  double complex *QP;
  PP_CALL(pp_stage_need(sg, "projections", 2 * bytes, err));
  PP_CALL(pp_stage_pool(sg, "projections", &coef, 1, &pool, err));
  PP_CALL(pp_pool_alloc(pool, bytes, (void **)P, err));
  PP_CALL(pp_pool_alloc(pool, bytes, (void **)&QP, err));
  /* Every rank projects the one band itself: no communication, same result. */
  PP_CALL(pp_project(paw, cell, wc, in->k, c, 1, pp_wavecar_nstored(wc, in->k), *P, err));
  pp_paw_apply_q(paw, cell, wc->nspinor, *P, QP);
  res->ae_norm = res->pseudo_norm;
  for (size_t i = 0; i < np; i++) res->ae_norm += creal(conj((*P)[i]) * QP[i]);
  return PP_OK;
}

/* Stage "fill": the pseudo and (ae) the written state on the grid for
 * each spinor component, kept in psi (nspinor slabs), their densities
 * summed over the components in rho (pseudo, then AE), pool "g-list" for
 * the G list. */
static pp_status fill_state(pp_ctx *ctx, const pp_state_setup *in, pp_rgrid *g, const double complex *c,
                            const pp_aeplan *plan, const double complex *P, int nproj, pp_pool *psi_pool,
                            double complex *psi, double *rho, pp_err *err) {
  const pp_wavecar *wc = &in->ds->wc;
  const int64_t npw = wc->npw[in->k];
  const ptrdiff_t nloc = pp_rgrid_local(g);
  const size_t mbytes = sizeof(int[3]) * (size_t)(npw + 1);
  pp_stage sg = {0};
  pp_pool *pool = NULL;
  int(*m)[3] = NULL;
  pp_status st = PP_OK;
  PP_TRY(pp_stage_begin(ctx, "fill", &sg, err));
  PP_TRY(pp_stage_need(&sg, "g-list", mbytes, err));
  PP_TRY(pp_stage_pool(&sg, "g-list", &psi_pool, 1, &pool, err));
  PP_TRY(pp_pool_alloc(pool, mbytes, (void **)&m, err));
  for (int sp = 0; sp < wc->nspinor; sp++) {
    /* Pseudo state first (its norm and IPR for comparison), then the AE
     * one; densities |ψ|² summed over the spinor components. */
    for (int kind = 0; kind <= in->ae; kind++) {
      PP_TRY(pp_state_fill_in(g, wc, in->k, c + (int64_t)sp * npw, kind ? plan : NULL, &in->ds->structure,
                              kind ? P + (size_t)sp * nproj : NULL, in->remove_phase, m, err));
      double *rk = rho + (size_t)kind * nloc;
      for (ptrdiff_t i = 0; i < nloc; i++) rk[i] += creal(g->buf[i]) * creal(g->buf[i]) + cimag(g->buf[i]) * cimag(g->buf[i]);
    }
    memcpy(psi + (size_t)sp * nloc, g->buf, sizeof *psi * (size_t)nloc);
  }
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}

/* Stage "write": the volumetric files of each component from psi (pool
 * "write-buffer" for their values), then the HDF5 file. */
static pp_status write_state(pp_ctx *ctx, const pp_stateout *out, const pp_rgrid *g, const double complex *psi,
                             pp_pool *psi_pool, pp_state_result *res, pp_err *err) {
  const ptrdiff_t nloc = pp_rgrid_local(g);
  const size_t tbytes = sizeof(double) * ((size_t)nloc + 1);
  pp_stage sg = {0};
  pp_pool *pool = NULL;
  double *tmp = NULL;
  pp_status st = PP_OK;
  PP_TRY(pp_stage_begin(ctx, "write", &sg, err));
  PP_TRY(pp_stage_need(&sg, "write-buffer", tbytes, err));
  PP_TRY(pp_stage_pool(&sg, "write-buffer", &psi_pool, 1, &pool, err));
  PP_TRY(pp_pool_alloc(pool, tbytes, (void **)&tmp, err));
  for (int sp = 0; sp < out->wc->nspinor; sp++)
    PP_TRY(pp_stateout_volumetric(out, g, sp, psi + (size_t)sp * nloc, tmp, &res->files, err));
  PP_TRY(pp_stateout_h5(out, ctx->world, g, psi, res->grid_norm[1], ctx->cmdline, &res->files, err));
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}

pp_status pp_state_run(pp_ctx *ctx, const pp_state_setup *in, pp_state_result *res, pp_err *err) {
  const pp_wavecar *wc = &in->ds->wc;
  const pp_structure *cell = &in->ds->structure;
  const int64_t nst = pp_wavecar_nstored(wc, in->k);
  const double omega = fabs(pp_lat_volume(wc->lattice));
  const int gamma = pp_variant_is_gamma(wc->variant);
  const pp_stateout out = {wc, cell, in->s, in->k, in->b, in->ae, !gamma || !in->remove_phase, in->cube, in->prefix};
  pp_pawrun pr = {0};
  pp_aeplan plan = {0};
  pp_rgrid g = {0};
  /* Stage "state" owns what lives from the read to the files: the band,
   * its projections, the grid, the state kept for the files, densities. */
  pp_stage ss = {0};
  pp_pool *coef = NULL, *slab = NULL, *wave = NULL, *dens = NULL;
  double complex *c = NULL, *P = NULL, *keep = NULL;
  double *rho = NULL;
  pp_status st = PP_OK;
  memset(res, 0, sizeof *res);
  if (in->sites) res->have_sites = 1, res->sites = *in->sites;
  PP_TRY(pp_stage_begin(ctx, "state", &ss, err));
  const size_t cbytes = sizeof *c * (size_t)(nst + 1);
  const size_t rbytes = ctx->rank == 0 ? pp_wfset_band_scratch_bytes(wc) : 0; /* rank 0 reads */
  PP_TRY(pp_stage_need(&ss, "coefficients, io-buffer", cbytes + rbytes, err));
  PP_TRY(pp_stage_pool(&ss, "coefficients", NULL, 0, &coef, err));
  PP_TRY(pp_pool_alloc(coef, cbytes, (void **)&c, err));
  PP_TRY(read_band(&ss, wc, in, c, rbytes, err));
  if (ctx->rank == 0) pp_stage_add_work(&ss, (double)wc->coef_bytes * (double)nst, 0); /* rank 0 reads it */
  for (int64_t i = 0; i < nst; i++) res->pseudo_norm += creal(c[i]) * creal(c[i]) + cimag(c[i]) * cimag(c[i]);
  PP_TRY(pp_gridopt_choose(&in->grid, in->dir, wc, res->grid, res->grid_source, sizeof res->grid_source, err));
  if (in->ae) PP_TRY(project_band(ctx, &ss, in, c, &pr, coef, &P, res, err));
  if (in->ae && !in->grid_chosen)
    PP_TRY(pp_stategrid_refine(pr.set.ptr, cell, wc->lattice, P, wc->nspinor, pr.paw.nproj, res->grid, res->grid_source,
                               sizeof res->grid_source, &res->deficit, err));
  /* The grid is known: the rest of the need, before any of it is
   * allocated (the fill's G list and the files' buffer never coexist). */
  ptrdiff_t nloc, alloc;
  pp_rgrid_share(res->grid, ctx->world, &nloc, &alloc);
  const size_t keep_bytes = sizeof *keep * ((size_t)wc->nspinor * nloc + 1);
  const size_t rho_bytes = sizeof *rho * (2 * (size_t)nloc + 1);
  const size_t fill_bytes = sizeof(int[3]) * (size_t)(wc->npw[in->k] + 1), write_bytes = sizeof(double) * ((size_t)nloc + 1);
  PP_TRY(pp_stage_need(&ss, "grid-slab, wavefunction, densities, g-list, write-buffer",
                       pp_rgrid_slab_bytes(alloc) + keep_bytes + rho_bytes +
                           (fill_bytes > write_bytes ? fill_bytes : write_bytes),
                       err));
  PP_TRY(pp_stage_pool(&ss, "grid-slab", NULL, 0, &slab, err));
  PP_TRY(pp_rgrid_create_in(res->grid, ctx->world, slab, &g, err));
  PP_TRY(pp_stage_pool(&ss, "wavefunction", &slab, 1, &wave, err));
  PP_TRY(pp_stage_pool(&ss, "densities", &slab, 1, &dens, err));
  st = pp_pool_alloc(wave, keep_bytes, (void **)&keep, err);
  if (st == PP_OK) st = pp_pool_alloc(dens, rho_bytes, (void **)&rho, err);
  PP_TRY(pp_agree(st, err, ctx->world));
  if (in->ae) {
    PP_TRY(pp_aeplan_setup(pr.set.ptr, cell->nspecies, &g, wc->lattice, &plan, err));
    res->q2 = plan.q2;
    /* The prediction for a grid the user chose, too. */
    if (in->grid_chosen)
      PP_TRY(pp_stategrid_deficit(pr.set.ptr, cell, P, wc->nspinor, pr.paw.nproj, plan.q2, &res->deficit, err));
  }
  PP_TRY(fill_state(ctx, in, &g, c, &plan, P, pr.paw.nproj, wave, keep, rho, err));
  const double dv = omega / ((double)g.n[0] * g.n[1] * g.n[2]);
  for (int kind = 0; kind <= in->ae; kind++)
    pp_ipr_moments(rho + (size_t)kind * nloc, nloc, dv, omega, g.comm, &res->grid_norm[kind], &res->ipr[kind]);
  if (!in->ae) res->grid_norm[1] = res->grid_norm[0], res->ipr[1] = res->ipr[0];
  if (res->have_sites) pp_sites_measure(&res->sites, &g, wc->lattice, rho + (size_t)in->ae * nloc);
  PP_TRY(write_state(ctx, &out, &g, keep, wave, res, err));
  pp_peak_rss(ctx, &res->rss_min, &res->rss_max);
  PP_TRY(pp_stage_end(&ss, err));
done:
  pp_stage_abort(&ss); /* error paths: every pool of the state; a no-op once ended */
  pp_rgrid_free(&g);   /* the plan; its buffer went with its pool */
  pp_aeplan_free(&plan);
  pp_pawrun_free(&pr);
  return st;
}
