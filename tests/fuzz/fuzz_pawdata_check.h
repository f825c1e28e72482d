/* fuzz_pawdata_check.h — what an accepted PAW dataset (POTCAR or PAW-XML)
 * must satisfy: channels with l in 0..3, a positive increasing radial grid,
 * finite tables and a finite overlap matrix Q_ij. */
#ifndef PAWPROJ_FUZZ_PAWDATA_CHECK_H
#define PAWPROJ_FUZZ_PAWDATA_CHECK_H

#include <math.h>

#include "fuzz_common.h"
#include "pawproj/model/pawdata.h"

static inline void fz_check_finite(const double *v, size_t n, const char *what) {
  for (size_t i = 0; i < n; i++) FZ_REQUIRE(isfinite(v[i]), "%s[%zu] = %g", what, i, v[i]);
}

static inline void fz_check_pawdata(const pp_pawdata *d) {
  FZ_REQUIRE(fz_terminated(d->symbol, sizeof d->symbol) && d->symbol[0], "symbol");
  FZ_REQUIRE(fz_terminated(d->title, sizeof d->title), "title");
  FZ_REQUIRE(isfinite(d->zval), "zval %g", d->zval);
  FZ_REQUIRE(d->nj >= 1 && d->nj <= 32, "nj %d", d->nj);
  FZ_REQUIRE(d->ng >= 1, "ng %d", d->ng);
  int nproj = 0, lmax = 0;
  for (int j = 0; j < d->nj; j++) {
    FZ_REQUIRE(d->l[j] >= 0 && d->l[j] <= 3, "l[%d] = %d", j, d->l[j]);
    nproj += 2 * d->l[j] + 1;
    if (d->l[j] > lmax) lmax = d->l[j];
  }
  FZ_REQUIRE(nproj == d->nproj && nproj <= 64 && lmax == d->lmax, "nproj %d lmax %d", d->nproj,
             d->lmax);
  fz_check_finite(d->r, (size_t)d->ng, "r");
  fz_check_finite(d->dr, (size_t)d->ng, "dr");
  const size_t n = (size_t)d->nj * (size_t)d->ng;
  fz_check_finite(d->phi, n, "phi");
  fz_check_finite(d->phit, n, "phit");
  if (d->pt) fz_check_finite(d->pt, n, "pt");
  if (d->drq) fz_check_finite(d->drq, (size_t)d->ng, "drq");
  fz_check_finite(d->Q, (size_t)d->nj * (size_t)d->nj, "Q");
  FZ_REQUIRE(d->gcut >= 0 && d->gcut <= d->ng, "gcut %d", d->gcut);
  if (d->nqtab) {
    FZ_REQUIRE(d->nqtab >= 4 && d->qtab && isfinite(d->qtab_dq) && d->qtab_dq > 0, "qtab");
    fz_check_finite(d->qtab, (size_t)d->nj * (size_t)d->nqtab, "qtab");
  }
  if (d->nrtab) {
    FZ_REQUIRE(d->nrtab >= 4 && d->rtab && isfinite(d->rtab_rmax) && d->rtab_rmax > 0, "rtab");
    fz_check_finite(d->rtab, (size_t)d->nj * (size_t)d->nrtab, "rtab");
  }
}

#endif
