/* ipr.c — inverse participation ratios of a rank's bands (see ipr.h). */
#include "pawproj/analysis/ipr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/agree.h"
#include "pawproj/model/lattice.h"

void pp_ipr_moments(const double *rho, ptrdiff_t n, double dv, double omega, MPI_Comm comm, double *norm,
                    double *ipr) {
  double loc[2] = {0, 0}, tot[2];
  for (ptrdiff_t i = 0; i < n; i++) loc[0] += rho[i], loc[1] += rho[i] * rho[i];
  MPI_Allreduce(loc, tot, 2, MPI_DOUBLE, MPI_SUM, comm);
  *norm = tot[0] * dv;
  *ipr = *norm > 0 ? omega * tot[1] * dv / (*norm * *norm) : 0;
}

pp_status pp_ipr_bands(const pp_wfset *set, const double *kweight, const int grid[3], const pp_paw *paw,
                       const pp_structure *cell, MPI_Comm world, double *ipr_ae, double *ipr_ps, pp_err *err) {
  const pp_wavecar *wc = set->wc;
  const int nd = set->hi - set->lo;
  const double omega = fabs(pp_lat_volume(wc->lattice));
  pp_rgrid g = {0};
  pp_aeplan plan = {0};
  pp_kplan kp = {0};
  pp_status st = PP_OK;
  double *rho = NULL;
  double complex *P = NULL;
  memset(ipr_ae, 0, sizeof *ipr_ae * (size_t)wc->nspin * nd);
  memset(ipr_ps, 0, sizeof *ipr_ps * (size_t)wc->nspin * nd);
  if (set->nb > 0 && set->nlocal > 0) {
    PP_TRY(pp_rgrid_create(grid, MPI_COMM_SELF, &g, err));
    if (paw) PP_TRY(pp_aeplan_setup(paw->data, paw->nspecies, &g, wc->lattice, &plan, err));
    const ptrdiff_t n = pp_rgrid_local(&g);
    rho = malloc(sizeof *rho * ((size_t)n + 1));
    P = malloc(sizeof *P * ((size_t)wc->nspinor * (paw ? paw->nproj : 0) + 1));
    if (!rho || !P) PP_THROW(PP_ERR_NOMEM, "out of memory for IPR grids");
    for (int j = 0; j < set->nlocal; j++) {
      const int s = set->item[j] / wc->nkpts, k = set->item[j] % wc->nkpts;
      const int64_t npw = wc->npw[k], nst = pp_wavecar_nstored(wc, k);
      pp_kplan_free(&kp);
      if (paw) PP_TRY(pp_kplan_create(paw, wc, k, &kp, err)); /* once per k-point, for all its bands */
      for (int b = 0; b < set->nb; b++) {
        const double complex *c = set->c[j] + (size_t)b * nst;
        if (paw) PP_TRY(pp_kplan_project(&kp, cell, c, 1, nst, P, err));
        for (int kind = 0; kind <= (paw != NULL); kind++) {
          memset(rho, 0, sizeof *rho * (size_t)n);
          for (int sp = 0; sp < wc->nspinor; sp++) {
            PP_TRY(pp_state_fill(&g, wc, k, c + (int64_t)sp * npw, kind ? &plan : NULL, cell,
                                 kind ? P + (size_t)sp * paw->nproj : NULL, 1, err));
            for (ptrdiff_t i = 0; i < n; i++) rho[i] += creal(g.buf[i]) * creal(g.buf[i]) + cimag(g.buf[i]) * cimag(g.buf[i]);
          }
          double norm, ipr;
          pp_ipr_moments(rho, n, omega / (double)n, omega, MPI_COMM_SELF, &norm, &ipr);
          const double v = kweight[k] * ipr;
          double *out = kind ? ipr_ae : ipr_ps;
          out[(size_t)s * nd + (set->b0 - set->lo) + b] += v;
          if (!paw) ipr_ae[(size_t)s * nd + (set->b0 - set->lo) + b] += v;
        }
      }
    }
  }
done:
  pp_kplan_free(&kp);
  free(rho);
  free(P);
  pp_aeplan_free(&plan);
  pp_rgrid_free(&g);
  PP_CALL(pp_agree(st, err, world));
  MPI_Allreduce(MPI_IN_PLACE, ipr_ae, wc->nspin * nd, MPI_DOUBLE, MPI_SUM, world);
  MPI_Allreduce(MPI_IN_PLACE, ipr_ps, wc->nspin * nd, MPI_DOUBLE, MPI_SUM, world);
  return PP_OK;
}
