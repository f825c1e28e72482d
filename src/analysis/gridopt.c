/* gridopt.c — the grid from the command line (see gridopt.h). */
#include "pawproj/analysis/gridopt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pawproj/io/lreal.h"

pp_status pp_grid_size_check(const char *what, const int n[3], pp_err *err) {
  const int64_t points = (int64_t)n[0] * n[1] * n[2];
  if (points > PP_GRID_POINTS_MAX)
    PP_FAIL(err, PP_ERR_ARG, "%s: a %d × %d × %d grid has %lld points, more than the limit of %lld (2^33) per grid",
            what, n[0], n[1], n[2], (long long)points, (long long)PP_GRID_POINTS_MAX);
  return PP_OK;
}

pp_status pp_gridopt_choose(const pp_grid_opts *o, const char *dir, const pp_wavecar *wc, int grid[3], char *source,
                            size_t n, pp_err *err) {
  if (o->grid[0] > 0) {
    memcpy(grid, o->grid, sizeof o->grid);
    snprintf(source, n, "--grid");
    return PP_OK;
  }
  pp_lreal lr;
  PP_CALL(pp_lreal_detect(dir, &lr, err));
  const double f = o->factor;
  if (!(f > 0) || f > 64) PP_FAIL(err, PP_ERR_INTERNAL, "grid factor %g outside (0, 64]", f);
  char times[32] = "";
  if (f != 1) snprintf(times, sizeof times, "%g × ", f);
  if (lr.grid[0] > 0) {
    memcpy(grid, lr.grid, sizeof lr.grid);
    snprintf(source, n, "%sthe run's FFT grid, %.4000s", times, lr.grid_source);
  } else {
    pp_vasp_grid(wc->lattice, wc->encut, 3.0, grid);
    snprintf(source, n, "%sVASP's default for ENCUT %.1f eV at PREC = Normal", times, wc->encut);
  }
  for (int i = 0; i < 3; i++) grid[i] = (int)lround(f * grid[i]);
  return pp_grid_size_check(f != 1 ? "--grid-factor" : "the run's grid", grid, err);
}
