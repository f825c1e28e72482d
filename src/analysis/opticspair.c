/* opticspair.c — the quantities of one band pair (see opticspair.h). */
#include "pawproj/analysis/opticspair.h"

#include <math.h>
#include <string.h>

#include "pawproj/core/units.h"

void pp_optics_pair_get(const pp_optics_result *r, const pp_wavecar *wc, int lo, int it, int m, int n,
                        pp_optics_pair *out) {
  memset(out, 0, sizeof *out);
  const int s = it / wc->nkpts, k = it % wc->nkpts, nb = r->nb;
  out->e_m = wc->eig[pp_wavecar_idx(wc, s, k, lo + m)];
  out->e_n = wc->eig[pp_wavecar_idx(wc, s, k, lo + n)];
  out->de = out->e_n - out->e_m;
  double p2 = 0, pv2[3];
  for (int v = 0; v < 3; v++) {
    const size_t e = (((size_t)it * 3 + v) * nb + m) * nb + n;
    out->onsite[v] = r->onsite[e];
    out->p[v] = r->pseudo[e] + r->onsite[e];
    pv2[v] = creal(out->p[v]) * creal(out->p[v]) + cimag(out->p[v]) * cimag(out->p[v]);
    p2 += pv2[v];
  }
  out->abs_p = sqrt(p2);
  for (int v = 0; p2 > 0 && v < 3; v++) out->pol[v] = pv2[v] / p2;
  out->degenerate = m == n || fabs(out->de) < PP_OPTICS_DEGENERATE_EV;
  if (out->degenerate) return;
  const double de_ha = out->de / PP_HARTREE_EV;
  double d2 = 0;
  for (int v = 0; v < 3; v++) {
    out->d[v] = I * out->p[v] / de_ha * PP_BOHR_A;
    d2 += creal(out->d[v]) * creal(out->d[v]) + cimag(out->d[v]) * cimag(out->d[v]);
    out->f[v] = 2 * pv2[v] / de_ha;
  }
  out->abs_d = sqrt(d2);
  out->abs_d_debye = out->abs_d * PP_DEBYE_PER_EA;
  out->f_avg = (out->f[0] + out->f[1] + out->f[2]) / 3;
}

void pp_optics_fsum(const pp_optics_result *r, const pp_wavecar *wc, int lo, int it, int m, double f[3]) {
  f[0] = f[1] = f[2] = 0;
  for (int n = 0; n < r->nb; n++) {
    pp_optics_pair q;
    pp_optics_pair_get(r, wc, lo, it, m, n, &q);
    for (int v = 0; !q.degenerate && v < 3; v++) f[v] += q.f[v];
  }
}
