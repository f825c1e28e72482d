/* rsproj.c — real-space projector tables, LREAL = .TRUE. (see rsproj.h);
 * the projections themselves, plan and one-shot form, are in rsplan.c. */
#include "pawproj/paw/rsproj.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define XML_POINTS 400

/* Cubic spline second derivatives of y on a uniform grid of spacing h:
 * first derivative yp0 at the first point, natural at the last. */
static void spline_clamped_natural(const double *y, int n, double h, double yp0, double *y2, double *work) {
  /* Tridiagonal: row 0: 2 y2_0 + y2_1 = 6/h ((y_1 − y_0)/h − yp0);
   * rows i: y2_{i−1} + 4 y2_i + y2_{i+1} = 6 Δ²y_i / h²; y2_{n−1} = 0. */
  double *c = work;
  double b = 2, r = 6 / h * ((y[1] - y[0]) / h - yp0);
  c[0] = 1 / b;
  y2[0] = r / b;
  for (int i = 1; i < n - 1; i++) {
    const double rhs = 6 * (y[i + 1] - 2 * y[i] + y[i - 1]) / (h * h);
    const double den = 4 - c[i - 1];
    c[i] = 1 / den;
    y2[i] = (rhs - y2[i - 1]) / den;
  }
  y2[n - 1] = 0;
  for (int i = n - 2; i >= 0; i--) y2[i] -= c[i] * y2[i + 1];
}

/* One channel's spline on the segment [i, i+1] at fractions a = 1 − b, b:
 * the single expression both evaluators use, so they agree bit for bit. */
static inline double seg_eval(const pp_rstable *t, int j, int i, double a, double b) {
  const double *y = t->y + (size_t)j * t->nr, *y2 = t->y2 + (size_t)j * t->nr;
  return a * y[i] + b * y[i + 1] + ((a * a * a - a) * y2[i] + (b * b * b - b) * y2[i + 1]) * t->dr * t->dr / 6;
}

double pp_rstable_eval(const pp_rstable *t, int j, double r) {
  if (r > t->rmax) return 0;
  int i = (int)(r / t->dr);
  if (i > t->nr - 2) i = t->nr - 2;
  const double b = r / t->dr - i, a = 1 - b;
  return seg_eval(t, j, i, a, b);
}

void pp_rstable_eval_all(const pp_rstable *t, double r, double *f) {
  if (r > t->rmax) {
    for (int j = 0; j < t->nj; j++) f[j] = 0;
    return;
  }
  int i = (int)(r / t->dr);
  if (i > t->nr - 2) i = t->nr - 2;
  const double b = r / t->dr - i, a = 1 - b;
  for (int j = 0; j < t->nj; j++) f[j] = seg_eval(t, j, i, a, b);
}

/* Value of the dataset's projector j at r by 4-point Lagrange interpolation
 * on its (non-uniform) radial grid. */
static double radial_interp(const pp_pawdata *d, int j, double r) {
  const double *x = d->r, *p = d->pt + (size_t)j * d->ng;
  int hi = 1;
  while (hi < d->ng - 1 && x[hi] < r) hi++;
  int i0 = hi - 2;
  if (i0 < 0) i0 = 0;
  if (i0 > d->ng - 4) i0 = d->ng - 4;
  double s = 0;
  for (int a = i0; a < i0 + 4; a++) {
    double w = 1;
    for (int b = i0; b < i0 + 4; b++)
      if (b != a) w *= (r - x[b]) / (x[a] - x[b]);
    s += w * p[a];
  }
  return s;
}

static pp_status table_build(const pp_pawdata *d, pp_rstable *t, pp_err *err) {
  memset(t, 0, sizeof *t);
  t->nj = d->nj;
  if (d->nrtab > 0) {
    t->nr = d->nrtab;
    t->dr = d->rtab_rmax / d->nrtab;
  } else {
    if (!d->pt || d->gcut < 4) PP_FAIL(err, PP_ERR_FORMAT, "%s: no projector functions for real-space projection", d->path);
    t->nr = XML_POINTS;
    t->dr = d->r[d->gcut - 1] / (XML_POINTS - 1);
  }
  t->rmax = t->dr * (t->nr - 1);
  t->y = malloc(sizeof *t->y * (size_t)t->nj * t->nr);
  t->y2 = malloc(sizeof *t->y2 * (size_t)t->nj * t->nr);
  double *work = malloc(sizeof *work * (size_t)t->nr);
  if (!t->y || !t->y2 || !work) {
    free(work);
    PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory for real-space projector tables", d->path);
  }
  for (int j = 0; j < t->nj; j++) {
    double *y = t->y + (size_t)j * t->nr;
    for (int i = 0; i < t->nr; i++)
      y[i] = d->nrtab > 0 ? d->rtab[(size_t)j * d->nrtab + i] : radial_interp(d, j, i * t->dr);
    if (d->nrtab == 0) y[t->nr - 1] = 0; /* the projector's last point on its own grid ends it */
    const double yp0 = d->l[j] == 1 ? (y[1] - y[0]) / t->dr : 0;
    spline_clamped_natural(y, t->nr, t->dr, yp0, t->y2 + (size_t)j * t->nr, work);
  }
  free(work);
  return PP_OK;
}

pp_status pp_rsproj_setup(const pp_pawdata *const *data, int nspecies, const int grid[3], pp_rsproj *rs,
                          pp_err *err) {
  memset(rs, 0, sizeof *rs);
  for (int a = 0; a < 3; a++)
    if (grid[a] < 2) PP_FAIL(err, PP_ERR_ARG, "real-space grid %d × %d × %d: need at least 2 points per axis",
                             grid[0], grid[1], grid[2]);
  memcpy(rs->grid, grid, sizeof rs->grid);
  rs->nspecies = nspecies;
  rs->data = malloc(sizeof *rs->data * (size_t)(nspecies + 1));
  rs->table = calloc((size_t)nspecies + 1, sizeof *rs->table);
  rs->cache = calloc(1, sizeof *rs->cache);
  rs->owns_cache = 1;
  if (!rs->data || !rs->table || !rs->cache) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (int s = 0; s < nspecies; s++) {
    rs->data[s] = data[s];
    PP_CALL(table_build(data[s], &rs->table[s], err));
  }
  return PP_OK;
}

void pp_rsproj_share_plan(pp_rsproj *rs, const pp_rsproj *with) {
  if (rs->owns_cache) {
    pp_rsproj_drop_plan(rs);
    free(rs->cache);
  }
  rs->cache = with->cache;
  rs->owns_cache = 0;
}

void pp_rsproj_free(pp_rsproj *rs) {
  if (rs->owns_cache) {
    pp_rsproj_drop_plan(rs);
    free(rs->cache);
  }
  for (int s = 0; rs->table && s < rs->nspecies; s++) {
    free(rs->table[s].y);
    free(rs->table[s].y2);
  }
  free(rs->table);
  free(rs->data);
  memset(rs, 0, sizeof *rs);
}
