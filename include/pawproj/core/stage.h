/* stage.h — one stage of a run as an object: begun, given pools, ended
 * (PETSc's log stages are the model).
 *
 *   pp_stage sg = {0};
 *   PP_TRY(pp_stage_begin(ctx, "sum", &sg, err));                 start time
 *   PP_TRY(pp_stage_need(&sg, "partials", bytes, err));           whole need, up front
 *   PP_TRY(pp_stage_pool(&sg, "partials", NULL, 0, &pool, err));
 *   ... pp_pool_alloc(pool, ...), pp_stage_add_work(&sg, bytes_read, flops) ...
 *   PP_TRY(pp_stage_end(&sg, err));                               pools released, stage line
 * done:
 *   pp_stage_abort(&sg);                                          error paths; no-op once ended
 *
 * The contract:
 *   - A stage owns the pools made by pp_stage_pool: pools of ctx->pools
 *     whose stage is the stage's name, so the budget (--mem-per-rank)
 *     applies to them and --mem-report lists them under that name.
 *     pp_stage_end and pp_stage_abort release them, dependents first.
 *   - Stages nest: a stage begun while another is open lies inside it and
 *     must end (or be aborted) before it. A pool that must outlive its
 *     stage belongs to an enclosing stage: the grid of a density, used by
 *     the inner "sum" and "write" stages, is a pool of the outer "density"
 *     stage. A pool may depend on pools of enclosing stages, never on
 *     pools of stages inside its own (they go first).
 *   - Open stages have distinct names, and no pool made without a stage
 *     object may carry the name (pools are released by stage name). A
 *     name may be begun again once it ended (once per band, say); the
 *     memory report shows each pool's largest instance.
 *   - Every rank begins the same stages and makes the same pools (empty
 *     where it has nothing to hold), so the report's rows line up and
 *     pp_stage_end's collective meets on every rank.
 *   - pp_stage_abort is local and never fails: for error paths, where the
 *     ranks may not meet again before the next agreement point. It
 *     releases the pools of the stage and of every stage still open inside
 *     it, prints nothing, and does nothing for a stage that is not open
 *     (never begun, ended, aborted), so a `done:` label may call it always.
 */
#ifndef PAWPROJ_STAGE_H
#define PAWPROJ_STAGE_H

#include <stddef.h>

#include "pawproj/core/ctx.h"
#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"

typedef struct pp_stage {
  pp_ctx *ctx;             /* the run whose pools and world it uses; NULL when not open */
  char name[PP_POOL_NAME]; /* its name: the stage of its pools, its log line and report rows */
  int depth;               /* its index in ctx->stages (0: outermost) */
  double t0;               /* MPI_Wtime() at pp_stage_begin */
  double bytes, flops;     /* work of this rank (bytes read, flops), for the rates of its line */
} pp_stage;

/* Opens stage `name` (1 to PP_POOL_NAME − 1 characters) inside the stages
 * open now, and records its start time. Local. Fails (PP_ERR_INTERNAL) if a
 * stage or a live pool already has the name, or PP_STAGE_DEPTH are open. */
pp_status pp_stage_begin(pp_ctx *ctx, const char *name, pp_stage *s, pp_err *err);

/* Creates pool `name` owned by the open stage s, depending on
 * deps[0..ndeps) (live pools of s or of enclosing stages). Local. */
pp_status pp_stage_pool(pp_stage *s, const char *name, pp_pool *const *deps, int ndeps, pp_pool **out,
                        pp_err *err);

/* Creates pool `name` of the innermost stage open in ctx, for a cache of
 * a lower layer that keeps buffers across calls but cannot be handed the
 * stage (a real-space projection plan, paw/rsproj.h): the pool goes with
 * that stage, so the cache must check pp_pool_alive before reusing it.
 * Fails (PP_ERR_INTERNAL) when no stage is open. Local. */
pp_status pp_ctx_stage_pool(pp_ctx *ctx, const char *name, pp_pool **out, pp_err *err);

/* The stage's whole need before it allocates: fails with PP_ERR_BUDGET on
 * every rank if `bytes` more on any rank would exceed the budget. The
 * message (pool.h's) names the stage and `pools`, the pools the need is
 * for (e.g. "grid-slab, density"; NULL: the stage alone). Collective over
 * ctx->world: a rank whose share is larger must not stop alone. */
pp_status pp_stage_need(pp_stage *s, const char *pools, size_t bytes, pp_err *err);

/* Adds work of this rank: bytes read and floating-point operations. */
void pp_stage_add_work(pp_stage *s, double bytes, double flops);

/* Collective over ctx->world: releases the stage's pools in dependency
 * order (pp_pools_release_stage), closes it, then prints the stage line as
 * pp_stage_done (ctx.h) does: wall time since pp_stage_begin, and the
 * rates of the work summed over ranks. Fails (PP_ERR_POOL, or
 * PP_ERR_INTERNAL if a stage inside it is still open or s is not open) on
 * a misuse of the contract, the same on every rank; for an open s the
 * line is printed on every path, so that no rank waits in it alone. */
pp_status pp_stage_end(pp_stage *s, pp_err *err);

/* Local, never fails: releases the pools of s and of every stage open
 * inside it (innermost first) and closes them, without a line. Nothing if
 * s is not open. */
void pp_stage_abort(pp_stage *s);

#endif
