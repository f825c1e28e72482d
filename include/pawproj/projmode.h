/* projmode.h — the projector representation a command uses for one run
 * directory: LREAL from --lreal or detected (lreal.h), and for .TRUE. /
 * Auto the real-space projectors (rsproj.h) on the grid from --proj-grid,
 * else the run's own grid (OUTCAR / vasprun.xml), else VASP's default for
 * ENCUT at PREC = Normal. Every choice is stated in `desc`, printed by the
 * commands, with a warning for Auto (VASP's re-optimised projectors are not
 * stored anywhere; the POTCAR's real-space table is the closest there is). */
#ifndef PAWPROJ_PROJMODE_H
#define PAWPROJ_PROJMODE_H

#include <stdio.h>

#include "pawproj/args.h"
#include "pawproj/lreal.h"
#include "pawproj/pawset.h"
#include "pawproj/rsproj.h"

typedef struct pp_projmode {
  pp_lreal lr;
  int real_space;      /* 1 for .TRUE. / Auto: rs is set up */
  pp_rsproj rs;
  char desc[9000];     /* one paragraph for the log */
} pp_projmode;

/* lreal_opt: the option value or NULL; grid_opt: --proj-grid or NULL /
 * {0, 0, 0} when not given. */
pp_status pp_projmode_setup(const char *dir, const char *lreal_opt, const int grid_opt[3], const pp_wavecar *wc,
                            const pp_pawdata *const *data, int nspecies, pp_projmode *pm, pp_err *err);
void pp_projmode_free(pp_projmode *pm);

/* The PAW side of one run as the commands set it up from their options:
 * the datasets (--datasets, else `fallback`) for the structure, their
 * projector tables, and the run's projector representation (dir's OUTCAR /
 * vasprun.xml, --lreal, --proj-grid), with paw->rs set to it. Not
 * collective: callers agree on the status. */
pp_status pp_projmode_paw(const pp_args *a, const char *fallback, const char *dir, const pp_wavecar *wc,
                          const pp_structure *cell, pp_pawset *set, pp_paw *paw, pp_projmode *pm, pp_err *err);

/* The rsproj to hand to projections, NULL for reciprocal space. */
const pp_rsproj *pp_projmode_rs(const pp_projmode *pm);

#endif
