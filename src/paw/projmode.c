/* projmode.c — choosing and describing the projector representation (see
 * projmode.h). */
#include "pawproj/paw/projmode.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/model/gvec.h"

pp_status pp_projmode_setup(const char *dir, const char *lreal_opt, const int grid_opt[3], const pp_wavecar *wc,
                            const pp_pawdata *const *data, int nspecies, pp_projmode *pm, pp_err *err) {
  memset(pm, 0, sizeof *pm);
  PP_CALL(pp_lreal_detect(dir, &pm->lr, err));
  if (lreal_opt) {
    PP_CALL(pp_lreal_parse(lreal_opt, "--lreal", &pm->lr.mode, err));
    snprintf(pm->lr.source, sizeof pm->lr.source, "--lreal %s", lreal_opt);
  }
  if (!pp_lreal_real_space(pm->lr.mode)) {
    snprintf(pm->desc, sizeof pm->desc, "LREAL = %s (%s): %s", pp_lreal_name(pm->lr.mode), pm->lr.source,
             pp_lreal_projections(pm->lr.mode));
    return PP_OK;
  }
  int grid[3];
  char gsrc[4300];
  if (grid_opt && grid_opt[0] > 0) {
    memcpy(grid, grid_opt, sizeof grid);
    snprintf(gsrc, sizeof gsrc, "--proj-grid");
  } else if (pm->lr.grid[0] > 0) {
    memcpy(grid, pm->lr.grid, sizeof grid);
    snprintf(gsrc, sizeof gsrc, "%s", pm->lr.grid_source);
  } else {
    pp_vasp_grid(wc->lattice, wc->encut, 3.0, grid);
    snprintf(gsrc, sizeof gsrc, "VASP's default for ENCUT %.1f eV at PREC = Normal; the run's own grid is not known: "
             "give --proj-grid if it differed", wc->encut);
  }
  PP_CALL(pp_rsproj_setup(data, nspecies, grid, &pm->rs, err));
  pm->real_space = 1;
  snprintf(pm->desc, sizeof pm->desc,
           "LREAL = %s (%s): real-space projectors on the %d × %d × %d grid (%s)", pp_lreal_name(pm->lr.mode),
           pm->lr.source, grid[0], grid[1], grid[2], gsrc);
  return PP_OK;
}

void pp_projmode_free(pp_projmode *pm) {
  if (pm->real_space) pp_rsproj_free(&pm->rs);
  memset(pm, 0, sizeof *pm);
}

const pp_rsproj *pp_projmode_rs(const pp_projmode *pm) { return pm->real_space ? &pm->rs : NULL; }
