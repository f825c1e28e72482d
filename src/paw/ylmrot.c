/* ylmrot.c — real-Y_lm rotation matrices by quadrature (see ylmrot.h). */
#include "pawproj/paw/ylmrot.h"

#include <math.h>
#include <string.h>

#include "pawproj/paw/radial.h"

#define NT 8  /* Gauss-Legendre nodes in cos θ */
#define NP 16 /* uniform nodes in φ */

pp_status pp_ylm_rotation(int l, const double S[3][3], double *D, pp_err *err) {
  if (l < 0 || l > PP_YLMROT_LMAX)
    PP_FAIL(err, PP_ERR_ARG, "Y_lm rotation: l = %d, only 0..%d are available", l, PP_YLMROT_LMAX);
  double dev = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      double s = 0;
      for (int k = 0; k < 3; k++) s += S[i][k] * S[j][k];
      dev = fmax(dev, fabs(s - (i == j)));
    }
  if (!(dev <= 1e-8))
    PP_FAIL(err, PP_ERR_ARG, "Y_lm rotation: S is not orthogonal (|S·Sᵀ − 1| = %.3g)", dev);
  const int n = 2 * l + 1;
  memset(D, 0, sizeof *D * (size_t)(n * n));
  double x[NT], w[NT];
  pp_gauss_legendre(NT, x, w);
  const double pi = 3.14159265358979323846;
  for (int it = 0; it < NT; it++) {
    const double ct = x[it], st = sqrt(fmax(0.0, 1 - ct * ct));
    for (int ip = 0; ip < NP; ip++) {
      const double ph = 2 * pi * (ip + 0.5) / NP, wt = w[it] * 2 * pi / NP;
      const double u[3] = {st * cos(ph), st * sin(ph), ct};
      double v[3], yu[2 * PP_YLMROT_LMAX + 1], yv[2 * PP_YLMROT_LMAX + 1];
      for (int i = 0; i < 3; i++) v[i] = S[i][0] * u[0] + S[i][1] * u[1] + S[i][2] * u[2];
      const double vn = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
      for (int i = 0; i < 3; i++) v[i] /= vn;
      pp_ylm(l, u, yu);
      pp_ylm(l, v, yv);
      for (int m = 0; m < n; m++)
        for (int mp = 0; mp < n; mp++) D[m * n + mp] += wt * yv[m] * yu[mp];
    }
  }
  return PP_OK;
}
