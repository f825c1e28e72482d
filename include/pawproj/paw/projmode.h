/* projmode.h — the projector representation a command uses for one run
 * directory: LREAL from --lreal or detected (lreal.h); for .TRUE. the
 * real-space projectors (rsproj.h) on the grid from --proj-grid, else the
 * run's own grid (OUTCAR / vasprun.xml), else VASP's default for ENCUT at
 * PREC = Normal; for .FALSE. and Auto the reciprocal-space ones (Auto: VASP's
 * re-optimised real-space projectors are stored nowhere and the reciprocal
 * ones are the closer representation, lreal.h). Every choice is stated in
 * `desc`, printed by the commands. */
#ifndef PAWPROJ_PROJMODE_H
#define PAWPROJ_PROJMODE_H

#include <stdio.h>

#include "pawproj/io/lreal.h"
#include "pawproj/io/pawset.h"
#include "pawproj/paw/projector.h"
#include "pawproj/paw/rsproj.h"

typedef struct pp_projmode {
  pp_lreal lr;
  int real_space;      /* 1 for .TRUE. (pp_lreal_real_space): rs is set up */
  pp_rsproj rs;
  char desc[9000];     /* one paragraph for the log */
} pp_projmode;

/* lreal_opt: the option value or NULL; grid_opt: --proj-grid or NULL /
 * {0, 0, 0} when not given. */
pp_status pp_projmode_setup(const char *dir, const char *lreal_opt, const int grid_opt[3], const pp_wavecar *wc,
                            const pp_pawdata *const *data, int nspecies, pp_projmode *pm, pp_err *err);
void pp_projmode_free(pp_projmode *pm);

/* What a user may say about the PAW side of a run (plain values, so that
 * setup never depends on how options are read). */
typedef struct pp_paw_opts {
  const char *datasets; /* --datasets: POTCAR, Sym=FILE,... or directory; NULL: the fallback */
  const char *lreal;    /* --lreal F|T|Auto; NULL: detected from the run */
  int proj_grid[3];     /* --proj-grid; {0, 0, 0}: the run's grid */
} pp_paw_opts;

/* The rsproj to hand to projections, NULL for reciprocal space. */
const pp_rsproj *pp_projmode_rs(const pp_projmode *pm);

#endif
