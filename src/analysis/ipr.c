/* ipr.c — inverse participation ratios of a rank's bands (see ipr.h). */
#include "pawproj/analysis/ipr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/agree.h"
#include "pawproj/model/gvec.h"
#include "pawproj/model/lattice.h"

void pp_ipr_moments(const double *rho, ptrdiff_t n, double dv, double omega, MPI_Comm comm, double *norm,
                    double *ipr) {
  double loc[2] = {0, 0}, tot[2];
  for (ptrdiff_t i = 0; i < n; i++) loc[0] += rho[i], loc[1] += rho[i] * rho[i];
  MPI_Allreduce(loc, tot, 2, MPI_DOUBLE, MPI_SUM, comm);
  *norm = tot[0] * dv;
  *ipr = *norm > 0 ? omega * tot[1] * dv / (*norm * *norm) : 0;
}

/* Per local item: the projection plan of its k-point (or the G list
 * alone for the pseudo IPR). */
static size_t item_bytes(const pp_wfset *set, const pp_paw *paw, int j) {
  const pp_wavecar *wc = set->wc;
  const int k = set->item[j] % wc->nkpts;
  return paw ? pp_kplan_bytes(paw, wc, k, 0) : sizeof(int[3]) * ((size_t)wc->npw[k] + 1) + 64;
}

size_t pp_ipr_need(const pp_wfset *set, const int grid[3], const pp_paw *paw) {
  if (set->nb <= 0 || set->nlocal <= 0) return 0;
  ptrdiff_t nloc, alloc;
  pp_rgrid_share(grid, MPI_COMM_SELF, &nloc, &alloc);
  size_t most = 0;
  for (int j = 0; j < set->nlocal; j++) {
    const size_t b = item_bytes(set, paw, j);
    if (b > most) most = b;
  }
  const size_t per_band = sizeof(double) * ((size_t)nloc + 1) +
                          sizeof(double complex) * ((size_t)set->wc->nspinor * (paw ? paw->nproj : 0) + 1) + 128;
  return pp_rgrid_slab_bytes(alloc) + per_band + most;
}

/* The IPRs of the bands of item j, added with its k-point's weight. */
static pp_status item_iprs(pp_stage *sg, const pp_wfset *set, int j, const double *kweight, pp_rgrid *g,
                           const pp_aeplan *plan, const pp_paw *paw, const pp_structure *cell, double *rho,
                           double complex *P, double *ipr_ae, double *ipr_ps, pp_err *err) {
  const pp_wavecar *wc = set->wc;
  const int nd = set->hi - set->lo;
  const int s = set->item[j] / wc->nkpts, k = set->item[j] % wc->nkpts;
  const int64_t npw = wc->npw[k], nst = pp_wavecar_nstored(wc, k);
  const double omega = fabs(pp_lat_volume(wc->lattice));
  const ptrdiff_t n = pp_rgrid_local(g);
  pp_pool *pool;
  pp_kplan kp = {0};
  int(*m)[3] = NULL;
  pp_status st = PP_OK;
  PP_CALL(pp_stage_pool(sg, "kpoint-plan", NULL, 0, &pool, err));
  /* Once per k-point, for all its bands: the plan, or the G list alone. */
  if (paw) {
    PP_TRY(pp_kplan_create(paw, wc, k, pool, &kp, err));
    m = kp.miller;
  } else {
    int64_t got;
    PP_TRY(pp_pool_alloc(pool, sizeof *m * ((size_t)npw + 1), (void **)&m, err));
    PP_TRY(pp_gvec_generate(wc->lattice, wc->encut, wc->kfrac[k], wc->variant, m, npw, &got, err));
  }
  for (int b = 0; b < set->nb; b++) {
    const double complex *c = set->c[j] + (size_t)b * nst;
    if (paw) PP_TRY(pp_kplan_project(&kp, cell, c, 1, nst, P, err));
    for (int kind = 0; kind <= (paw != NULL); kind++) {
      memset(rho, 0, sizeof *rho * (size_t)n);
      for (int sp = 0; sp < wc->nspinor; sp++) {
        PP_TRY(pp_state_fill_glist(g, wc, k, c + (int64_t)sp * npw, kind ? plan : NULL, cell,
                                   kind ? P + (size_t)sp * paw->nproj : NULL, 1, (const int(*)[3])m, err));
        for (ptrdiff_t i = 0; i < n; i++) rho[i] += creal(g->buf[i]) * creal(g->buf[i]) + cimag(g->buf[i]) * cimag(g->buf[i]);
      }
      double norm, ipr;
      pp_ipr_moments(rho, n, omega / (double)n, omega, MPI_COMM_SELF, &norm, &ipr);
      const double v = kweight[k] * ipr;
      double *out = kind ? ipr_ae : ipr_ps;
      out[(size_t)s * nd + (set->b0 - set->lo) + b] += v;
      if (!paw) ipr_ae[(size_t)s * nd + (set->b0 - set->lo) + b] += v;
    }
  }
done:
  pp_kplan_free(&kp);
  PP_CALL(pp_pool_release(pool, err));
  return st;
}

pp_status pp_ipr_bands(pp_stage *sg, const pp_wfset *set, const double *kweight, const int grid[3],
                       const pp_paw *paw, const pp_structure *cell, MPI_Comm world, double *ipr_ae, double *ipr_ps,
                       pp_err *err) {
  const pp_wavecar *wc = set->wc;
  const int nd = set->hi - set->lo;
  pp_rgrid g = {0};
  pp_aeplan plan = {0};
  pp_pool *slab = NULL, *work = NULL;
  pp_status st = PP_OK;
  double *rho = NULL;
  double complex *P = NULL;
  PP_CALL(pp_stage_need(sg, "ipr-grid, ipr-work, kpoint-plan", pp_ipr_need(set, grid, paw), err));
  memset(ipr_ae, 0, sizeof *ipr_ae * (size_t)wc->nspin * nd);
  memset(ipr_ps, 0, sizeof *ipr_ps * (size_t)wc->nspin * nd);
  PP_TRY(pp_stage_pool(sg, "ipr-grid", NULL, 0, &slab, err));
  PP_TRY(pp_stage_pool(sg, "ipr-work", &slab, 1, &work, err));
  if (set->nb > 0 && set->nlocal > 0) {
    PP_TRY(pp_rgrid_create_in(grid, MPI_COMM_SELF, slab, &g, err));
    if (paw) PP_TRY(pp_aeplan_setup(paw->data, paw->nspecies, &g, wc->lattice, &plan, err));
    const ptrdiff_t n = pp_rgrid_local(&g);
    PP_TRY(pp_pool_alloc(work, sizeof *rho * ((size_t)n + 1), (void **)&rho, err));
    PP_TRY(pp_pool_alloc(work, sizeof *P * ((size_t)wc->nspinor * (paw ? paw->nproj : 0) + 1), (void **)&P, err));
    for (int j = 0; j < set->nlocal; j++)
      PP_TRY(item_iprs(sg, set, j, kweight, &g, paw ? &plan : NULL, paw, cell, rho, P, ipr_ae, ipr_ps, err));
  }
done:
  pp_aeplan_free(&plan);
  pp_rgrid_free(&g); /* the plan; its buffer goes with its pool */
  PP_CALL(pp_agree(st, err, world));
  MPI_Allreduce(MPI_IN_PLACE, ipr_ae, wc->nspin * nd, MPI_DOUBLE, MPI_SUM, world);
  MPI_Allreduce(MPI_IN_PLACE, ipr_ps, wc->nspin * nd, MPI_DOUBLE, MPI_SUM, world);
  return PP_OK;
}
