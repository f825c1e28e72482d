/* fuzz_lreal_check.h — LREAL detection (io/lreal) over the fuzz directory
 * holding an OUTCAR or a vasprun.xml, and what the weights readers must
 * return when they succeed. */
#ifndef PAWPROJ_FUZZ_LREAL_CHECK_H
#define PAWPROJ_FUZZ_LREAL_CHECK_H

#include <math.h>

#include "fuzz_common.h"
#include "pawproj/io/lreal.h"

/* pp_lreal_detect(dir): a malformed value fails naming the file, anything
 * else gives a mode, its source and a plausible grid. */
static inline void fz_lreal(const char *path) {
  pp_err e;
  pp_err_clear(&e);
  pp_lreal lr;
  const pp_status st = pp_lreal_detect(fz_dir(), &lr, &e);
  if (st != PP_OK) {
    fz_check_failure(st, &e, path);
    return;
  }
  FZ_REQUIRE(lr.mode == PP_LREAL_FALSE || lr.mode == PP_LREAL_TRUE || lr.mode == PP_LREAL_AUTO,
             "mode %d", (int)lr.mode);
  FZ_REQUIRE(fz_terminated(lr.source, sizeof lr.source) && lr.source[0], "source");
  FZ_REQUIRE(fz_terminated(lr.grid_source, sizeof lr.grid_source), "grid_source");
  /* Unknown (0 0 0) or every axis known, with the file it came from. */
  if (lr.grid[0] || lr.grid[1] || lr.grid[2]) {
    for (int a = 0; a < 3; a++)
      FZ_REQUIRE(lr.grid[a] >= 1 && lr.grid[a] <= 100000, "grid %d × %d × %d", lr.grid[0], lr.grid[1],
                 lr.grid[2]);
    FZ_REQUIRE(strstr(lr.grid_source, path) != NULL, "a grid without its source: '%s'", lr.grid_source);
  }
}

/* Weights of a successful read: nk values > 0 summing to 1. */
static inline void fz_check_weights(const double *w, int nk) {
  double sum = 0;
  for (int k = 0; k < nk; k++) {
    FZ_REQUIRE(isfinite(w[k]) && w[k] > 0, "weight %d = %g", k, w[k]);
    sum += w[k];
  }
  FZ_REQUIRE(fabs(sum - 1) < 1e-9, "weights sum to %.17g", sum);
}

#endif
