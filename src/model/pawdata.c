/* pawdata.c — what every PAW dataset offers, whichever file it came from
 * (see pawdata.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/model/pawdata.h"

void pp_pawdata_free(pp_pawdata *d) {
  free(d->qtab);
  free(d->rtab);
  free(d->r);
  free(d->dr);
  free(d->l);
  free(d->phi);
  free(d->phit);
  free(d->pt);
  free(d->Q);
  free(d->drq);
  memset(d, 0, sizeof *d);
}

void pp_pawdata_apply_q(const pp_pawdata *d, const double _Complex *p, double _Complex *out) {
  int i0 = 0;
  for (int i = 0; i < d->nj; i++) {
    const int ni = 2 * d->l[i] + 1;
    for (int m = 0; m < ni; m++) out[i0 + m] = 0;
    int j0 = 0;
    for (int j = 0; j < d->nj; j++) {
      if (d->l[i] == d->l[j])
        for (int m = 0; m < ni; m++) out[i0 + m] += d->Q[i * d->nj + j] * p[j0 + m];
      j0 += 2 * d->l[j] + 1;
    }
    i0 += ni;
  }
}

double pp_radial_dot(const pp_pawdata *d, const double *f, const double *g, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += f[i] * g[i] * d->r[i] * d->r[i] * d->dr[i];
  return s;
}

void pp_pawdata_compute_q(pp_pawdata *d) {
  const double *w = d->drq ? d->drq : d->dr;
  for (int i = 0; i < d->nj; i++)
    for (int j = 0; j < d->nj; j++) {
      double q = 0;
      if (d->l[i] == d->l[j]) {
        const double *pi = d->phi + (size_t)i * d->ng, *pj = d->phi + (size_t)j * d->ng;
        const double *ti = d->phit + (size_t)i * d->ng, *tj = d->phit + (size_t)j * d->ng;
        for (int g = 0; g < d->ng; g++)
          q += (pi[g] * pj[g] - ti[g] * tj[g]) * d->r[g] * d->r[g] * w[g];
      }
      d->Q[i * d->nj + j] = q;
    }
}

double *pp_pawdata_dphi(const pp_pawdata *d) {
  double *u = malloc(sizeof *u * ((size_t)d->nj * d->ng + 1));
  if (!u) return NULL;
  for (size_t i = 0; i < (size_t)d->nj * d->ng; i++) u[i] = d->phi[i] - d->phit[i];
  return u;
}

double pp_pawdata_dphi_radius(const pp_pawdata *d) {
  double r = 0;
  for (int j = 0; j < d->nj; j++)
    for (int g = d->ng - 1; g >= 0; g--)
      if (fabs(d->phi[(size_t)j * d->ng + g] - d->phit[(size_t)j * d->ng + g]) > 1e-14) {
        if (d->r[g] > r) r = d->r[g];
        break;
      }
  return r;
}
