/* pawrun.h — the PAW side of one run, as one object: the datasets of its
 * structure's species, their projector tables (projector.h), and the
 * projector representation the run used (projmode.h: LREAL and, for
 * .TRUE., the real-space projectors), wired together once.
 *
 * Everything that projects a run's bands takes `run->paw`: its real-space
 * projectors are already part of it, so no caller sets them afterwards,
 * and one setup serves every computation of the run (project's overlaps
 * and its IPR, say). Species order: the structure's.
 *
 * A pawrun refers into itself: set it up in place, never copy it.
 */
#ifndef PAWPROJ_PAWRUN_H
#define PAWPROJ_PAWRUN_H

#include "pawproj/io/pawset.h"
#include "pawproj/io/wavecar.h"
#include "pawproj/model/structure.h"
#include "pawproj/paw/projector.h"
#include "pawproj/paw/projmode.h"

typedef struct pp_pawrun {
  const pp_structure *cell; /* the run's structure (not owned) */
  pp_pawset set;            /* datasets, one per species (owned) */
  pp_projmode pm;           /* LREAL, real-space projectors, the log paragraph pm.desc (owned) */
  pp_paw paw;               /* form factors; paw.rs = the real-space projectors or NULL (owned) */
} pp_pawrun;

/* The datasets from o->datasets, else from `fallback` (pawset.h); the
 * representation from dir's OUTCAR / vasprun.xml unless o says otherwise
 * (projmode.h). Not collective: callers agree on the status. Whatever the
 * status, *run may be given to pp_pawrun_free. */
pp_status pp_pawrun_setup(const pp_paw_opts *o, const char *fallback, const char *dir, const pp_wavecar *wc,
                          const pp_structure *cell, pp_pawrun *run, pp_err *err);
void pp_pawrun_free(pp_pawrun *run);

/* The run's real-space plans (if it has real-space projectors) take their
 * buffers from pools of ctx's open stages (pp_rsproj_use_pools). */
void pp_pawrun_use_pools(pp_pawrun *run, pp_ctx *ctx);

/* What a one-run command does with its PAW side: pp_pawrun_setup with
 * dir as the dataset fallback, the status agreed over ctx->world, the
 * real-space plans on ctx's pools, and on rank 0 the projector paragraph
 * printed when LREAL = Auto (it is only approximated, projmode.h).
 * Collective. */
pp_status pp_pawrun_open(pp_ctx *ctx, const pp_paw_opts *o, const char *dir, const pp_wavecar *wc,
                         const pp_structure *cell, pp_pawrun *run, pp_err *err);

#endif
