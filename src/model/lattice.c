/* lattice.c — cell geometry helpers (see lattice.h). */
#include "pawproj/model/lattice.h"

#include <math.h>

double pp_lat_volume(const double a[3][3]) {
  return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
         a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
         a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
}

static void cross(const double u[3], const double v[3], double w[3]) {
  w[0] = u[1] * v[2] - u[2] * v[1];
  w[1] = u[2] * v[0] - u[0] * v[2];
  w[2] = u[0] * v[1] - u[1] * v[0];
}

int pp_lat_reciprocal(const double a[3][3], double b[3][3]) {
  double vol = pp_lat_volume(a);
  if (!(fabs(vol) > 1e-12)) return -1;
  cross(a[1], a[2], b[0]);
  cross(a[2], a[0], b[1]);
  cross(a[0], a[1], b[2]);
  const double s = 2.0 * M_PI / vol;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) b[i][j] *= s;
  return 0;
}

double pp_lat_maxdiff(const double a[3][3], const double b[3][3]) {
  double m = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) m = fmax(m, fabs(a[i][j] - b[i][j]));
  return m;
}

void pp_lat_frac_to_cart(const double a[3][3], const double f[3],
                         double r[3]) {
  for (int j = 0; j < 3; j++)
    r[j] = f[0] * a[0][j] + f[1] * a[1][j] + f[2] * a[2][j];
}

double pp_vec_norm(const double v[3]) {
  return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}
