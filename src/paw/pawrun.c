/* pawrun.c — the PAW side of one run (see pawrun.h). */
#include "pawproj/paw/pawrun.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pawproj/core/agree.h"
#include "pawproj/model/gvec.h"

pp_status pp_pawrun_setup(const pp_paw_opts *o, const char *fallback, const char *dir, const pp_wavecar *wc,
                          const pp_structure *cell, pp_pawrun *run, pp_err *err) {
  memset(run, 0, sizeof *run);
  run->cell = cell;
  /* VASP 4 takes the names from the POTCAR's order; pawproj matches bulk and
   * defect sites and datasets by name, so a guess here could pair a site
   * with the wrong element. */
  if (cell->unnamed)
    PP_FAIL(err, PP_ERR_FORMAT,
            "%s: its CONTCAR/POSCAR names no species (VASP 4 format: no species line above the atom counts, "
            "and the title does not list them); the all-electron method picks PAW datasets by species: add "
            "the species line (e.g. 'Si'), or use --method pseudo",
            dir);
  PP_CALL(pp_pawset_load(o->datasets ? o->datasets : fallback, cell, &run->set, err));
  /* The representation first: the projections are planned with it. */
  PP_CALL(pp_projmode_setup(dir, o->lreal, o->proj_grid, wc, run->set.ptr, cell->nspecies, &run->pm, err));
  return pp_paw_setup(cell, run->set.ptr, sqrt(wc->encut * PP_VASP_C), pp_projmode_rs(&run->pm), &run->paw, err);
}

void pp_pawrun_use_pools(pp_pawrun *run, pp_ctx *ctx) {
  if (run->pm.real_space) pp_rsproj_use_pools(&run->pm.rs, ctx);
}

pp_status pp_pawrun_open(pp_ctx *ctx, const pp_paw_opts *o, const char *dir, const pp_wavecar *wc,
                         const pp_structure *cell, pp_pawrun *run, pp_err *err) {
  const pp_status st = pp_pawrun_setup(o, dir, dir, wc, cell, run, err);
  PP_CALL(pp_agree(st, err, ctx->world));
  pp_pawrun_use_pools(run, ctx);
  if (ctx->rank == 0 && run->pm.lr.mode == PP_LREAL_AUTO) fprintf(stderr, "[pawproj] %s\n", run->pm.desc);
  return PP_OK;
}

void pp_pawrun_free(pp_pawrun *run) {
  pp_paw_free(&run->paw);
  pp_projmode_free(&run->pm);
  pp_pawset_free(&run->set);
  memset(run, 0, sizeof *run);
}
