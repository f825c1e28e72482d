/* gridopt.c — the grid from the command line (see gridopt.h). */
#include "pawproj/gridopt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pawproj/lreal.h"

pp_status pp_gridopt_choose(const pp_args *a, const char *dir, const pp_wavecar *wc, int grid[3], char *source,
                            size_t n, pp_err *err) {
  if (pp_args_has(a, "grid")) {
    PP_CALL(pp_args_int3(a, "grid", 2, 1 << 16, grid, err));
    snprintf(source, n, "--grid");
    return PP_OK;
  }
  pp_lreal lr;
  PP_CALL(pp_lreal_detect(dir, &lr, err));
  double f = 1;
  PP_CALL(pp_args_double(a, "grid-factor", &f, err));
  if (!(f > 0) || f > 64) PP_FAIL(err, PP_ERR_ARG, "--grid-factor %g: expected a number in (0, 64]", f);
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
  return PP_OK;
}
