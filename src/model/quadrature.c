/* quadrature.c — VASP's radial Simpson rule and table interpolation (see
 * quadrature.h). */
#include "pawproj/model/quadrature.h"

#include <math.h>

void pp_simpson_index_weights(int n, double *w) {
  for (int i = 0; i < n; i++) w[i] = 0;
  if (n < 2) return;
  if (n == 2) {
    w[0] = w[1] = 0.5;
    return;
  }
  /* Odd point count: all of it by Simpson; even: Simpson up to n − 4, then 3/8. */
  const int ns = n % 2 ? n : n - 3;
  if (ns >= 3) {
    for (int i = 0; i < ns; i++) w[i] = (i == 0 || i == ns - 1) ? 1.0 / 3 : (i % 2 ? 4.0 / 3 : 2.0 / 3);
  }
  if (ns != n) {
    const int a = n - 4;
    w[a] += 3.0 / 8, w[a + 1] += 9.0 / 8, w[a + 2] += 9.0 / 8, w[a + 3] += 3.0 / 8;
  }
}

double pp_log_grid_step(const double *r, int n, double tol) {
  if (n < 2 || !(r[0] > 0) || !(r[n - 1] > r[0])) return 0;
  const double h = log(r[n - 1] / r[0]) / (n - 1), ratio = exp(h);
  for (int i = 0; i + 1 < n; i++)
    if (!(fabs(r[i + 1] / r[i] - ratio) <= tol * ratio)) return 0;
  return h;
}

double pp_vasp_interp4(const double *t, int n, int parity, double x) {
  const int i = (int)floor(x);
  if (i < 0 || i >= n - 3) return 0;
  const double r = x - i;
  const double tm = i > 0 ? t[i - 1] : parity * t[1];
  const double t0 = t[i], t1 = t[i + 1], t2 = t[i + 2];
  const double c1 = (6 * t1 - 2 * tm - 3 * t0 - t2) / 6;
  const double c2 = (tm + t1 - 2 * t0) / 2;
  const double c3 = (t2 - tm + 3 * (t0 - t1)) / 6;
  return t0 + r * (c1 + r * (c2 + r * c3));
}
