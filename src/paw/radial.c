/* radial.c — spherical Bessel transforms and real harmonics (see radial.h). */
#include "pawproj/paw/radial.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/model/quadrature.h"

double pp_sph_bessel(int l, double x) {
  /* The power series where upward recurrence would lose digits (x < l);
   * closed forms for l <= 3, upward recurrence from j_0, j_1 above (stable
   * for x >= l). */
  if (x < 2.0 || x < l) {
    /* x^l/(2l+1)!! Σ_k (−x²/2)^k / (k! (2l+3)(2l+5)…(2l+2k+1)). */
    double pref = 1;
    for (int i = 1; i <= l; i++) pref *= x / (2 * i + 1);
    double term = 1, sum = 1;
    for (int k = 1; k < 200; k++) {
      term *= -0.5 * x * x / (k * (2 * l + 2 * k + 1));
      sum += term;
      if (fabs(term) < 1e-18 * fabs(sum)) break;
    }
    return pref * sum;
  }
  const double s = sin(x), c = cos(x);
  switch (l) {
    case 0: return s / x;
    case 1: return s / (x * x) - c / x;
    case 2: return (3 / (x * x * x) - 1 / x) * s - 3 * c / (x * x);
    case 3: return (15 / (x * x * x * x) - 6 / (x * x)) * s - (15 / (x * x * x) - 1 / x) * c;
  }
  double a = s / x, b = s / (x * x) - c / x;
  for (int n = 1; n < l; n++) {
    const double next = (2 * n + 1) / x * b - a;
    a = b;
    b = next;
  }
  return b;
}

/* The uniform q grid every table uses (pp_ftable_eval interpolates on it),
 * zero-filled: 0 <= q <= qmax plus the interpolation stencil. */
static int ftable_alloc(pp_ftable *t, int nj, double qmax) {
  t->nj = nj;
  t->parity = NULL;
  t->dq = 0.004;
  t->nq = (int)(qmax / t->dq) + 4;
  t->f = calloc((size_t)nj * (size_t)t->nq, sizeof *t->f);
  return t->f != NULL;
}

pp_status pp_ftable_build(const pp_pawdata *d, const double *fn, int gcut, double qmax,
                          pp_ftable *t, pp_err *err) {
  if (!ftable_alloc(t, d->nj, qmax))
    PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory for form factors", d->path);
  for (int j = 0; j < d->nj; j++) {
    const double *p = fn + (size_t)j * d->ng;
    for (int iq = 0; iq < t->nq; iq++) {
      const double q = iq * t->dq;
      double s = 0;
      for (int g = 0; g < gcut; g++) {
        const double r = d->r[g];
        s += r * r * pp_sph_bessel(d->l[j], q * r) * p[g] * d->dr[g];
      }
      t->f[(size_t)j * t->nq + iq] = s;
    }
  }
  return PP_OK;
}

double pp_ftable_eval(const pp_ftable *t, int j, double q) {
  if (t->parity) return pp_vasp_interp4(t->f + (size_t)j * t->nq, t->nq, t->parity[j], q / t->dq);
  const double x = q / t->dq;
  int i = (int)x - 1;
  if (i < 0) i = 0;
  if (i > t->nq - 4) i = t->nq - 4;
  const double u = x - i;
  const double *f = t->f + (size_t)j * t->nq + i;
  /* Lagrange weights for nodes 0, 1, 2, 3 at position u. */
  const double w0 = -(u - 1) * (u - 2) * (u - 3) / 6, w1 = u * (u - 2) * (u - 3) / 2;
  const double w2 = -u * (u - 1) * (u - 3) / 2, w3 = u * (u - 1) * (u - 2) / 6;
  return w0 * f[0] + w1 * f[1] + w2 * f[2] + w3 * f[3];
}

pp_status pp_ftable_from_table(int nj, const int *l, const double *tab, int n, double dq,
                               pp_ftable *t, pp_err *err) {
  if (n < 4 || !(dq > 0)) PP_FAIL(err, PP_ERR_FORMAT, "projector table of %d points: need at least 4", n);
  t->nj = nj, t->nq = n, t->dq = dq;
  t->f = malloc(sizeof *t->f * (size_t)nj * (size_t)n);
  t->parity = malloc(sizeof *t->parity * (size_t)nj);
  if (!t->f || !t->parity) {
    pp_ftable_free(t);
    PP_FAIL(err, PP_ERR_NOMEM, "out of memory for a projector table");
  }
  memcpy(t->f, tab, sizeof *t->f * (size_t)nj * (size_t)n);
  for (int j = 0; j < nj; j++) t->parity[j] = l[j] % 2 ? -1 : 1;
  return PP_OK;
}

void pp_ftable_free(pp_ftable *t) {
  free(t->f);
  free(t->parity);
  t->f = NULL;
  t->parity = NULL;
}

void pp_gauss_legendre(int n, double *x, double *w) {
  for (int i = 0; i < n; i++) {
    double z = cos(3.14159265358979323846 * (i + 0.75) / (n + 0.5)), dp = 1;
    for (int it = 0; it < 100; it++) {
      double p0 = 1, p1 = z;
      for (int k = 2; k <= n; k++) {
        const double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (z * p1 - p0) / (z * z - 1);
      const double dz = p1 / dp;
      z -= dz;
      if (fabs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
}

void pp_ylm(int l, const double u[3], double *out) {
  const double x = u[0], y = u[1], z = u[2];
  const double pi = 3.14159265358979323846;
  switch (l) {
    case 0: out[0] = sqrt(1 / (4 * pi)); return;
    case 1: {
      const double c = sqrt(3 / (4 * pi));
      out[0] = c * y, out[1] = c * z, out[2] = c * x;
      return;
    }
    case 2: {
      const double c = sqrt(15 / (4 * pi));
      out[0] = c * x * y;
      out[1] = c * y * z;
      out[2] = sqrt(5 / (16 * pi)) * (3 * z * z - 1);
      out[3] = c * z * x;
      out[4] = sqrt(15 / (16 * pi)) * (x * x - y * y);
      return;
    }
    case 3: {
      out[0] = sqrt(35 / (32 * pi)) * y * (3 * x * x - y * y);
      out[1] = sqrt(105 / (4 * pi)) * x * y * z;
      out[2] = sqrt(21 / (32 * pi)) * y * (5 * z * z - 1);
      out[3] = sqrt(7 / (16 * pi)) * z * (5 * z * z - 3);
      out[4] = sqrt(21 / (32 * pi)) * x * (5 * z * z - 1);
      out[5] = sqrt(105 / (16 * pi)) * z * (x * x - y * y);
      out[6] = sqrt(35 / (32 * pi)) * x * (x * x - 3 * y * y);
      return;
    }
  }
}
