/* bandstats.c — band edges and k-weighted band means (see bandstats.h). */
#include "pawproj/analysis/bandstats.h"

#include <math.h>

void pp_bandstats_edges(const pp_wavecar *wc, pp_edges *e) {
  e->vbm = -INFINITY;
  e->cbm = INFINITY;
  e->emin = INFINITY;
  e->emax = -INFINITY;
  e->nocc[0] = e->nocc[1] = 0;
  for (int s = 0; s < wc->nspin; s++)
    for (int k = 0; k < wc->nkpts; k++) {
      int nocc = 0;
      for (int b = 0; b < wc->nbands; b++) {
        const double en = wc->eig[pp_wavecar_idx(wc, s, k, b)];
        const double oc = wc->occ[pp_wavecar_idx(wc, s, k, b)];
        e->emin = fmin(e->emin, en);
        e->emax = fmax(e->emax, en);
        if (oc > PP_OCC_VALENCE) {
          nocc++;
          e->vbm = fmax(e->vbm, en);
        } else {
          e->cbm = fmin(e->cbm, en);
        }
      }
      if (nocc > e->nocc[s]) e->nocc[s] = nocc;
    }
  e->gap = (isfinite(e->vbm) && isfinite(e->cbm)) ? fmax(e->cbm - e->vbm, 0.0) : NAN;
}

void pp_bandstats_mean(const pp_wavecar *wc, const double *kweight, int s,
                       int b, double *energy, double *occ) {
  double en = 0, oc = 0;
  for (int k = 0; k < wc->nkpts; k++) {
    en += kweight[k] * wc->eig[pp_wavecar_idx(wc, s, k, b)];
    oc += kweight[k] * wc->occ[pp_wavecar_idx(wc, s, k, b)];
  }
  *energy = en;
  *occ = oc;
}
