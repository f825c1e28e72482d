/* stage.c — a stage that times itself and owns its pools (see stage.h). */
#include "pawproj/core/stage.h"

#include <stdio.h>
#include <string.h>

#include "pawproj/core/agree.h"

static int pool_named(const pp_pools *reg, const char *stage) {
  for (const pp_pool *q = reg->live; q; q = q->next)
    if (!strcmp(q->stage, stage)) return 1;
  return 0;
}

pp_status pp_stage_begin(pp_ctx *ctx, const char *name, pp_stage *s, pp_err *err) {
  memset(s, 0, sizeof *s);
  const size_t len = strlen(name);
  if (len == 0 || len >= PP_POOL_NAME)
    PP_FAIL(err, PP_ERR_INTERNAL, "stage name '%s': 1 to %d characters", name, PP_POOL_NAME - 1);
  if (ctx->nstages >= PP_STAGE_DEPTH)
    PP_FAIL(err, PP_ERR_INTERNAL, "stage '%s' begun inside %d open stages (at most %d)", name, ctx->nstages,
            PP_STAGE_DEPTH);
  for (int i = 0; i < ctx->nstages; i++)
    if (!strcmp(ctx->stages[i], name))
      PP_FAIL(err, PP_ERR_INTERNAL, "stage '%s' begun inside a stage of the same name", name);
  /* Pools are released by stage name: a stage must not adopt pools that
   * code without a stage object made under the same name. */
  if (pool_named(&ctx->pools, name))
    PP_FAIL(err, PP_ERR_INTERNAL, "stage '%s' begun while pools of that stage name are live", name);
  memcpy(s->name, name, len + 1);
  memcpy(ctx->stages[ctx->nstages], name, len + 1);
  s->depth = ctx->nstages++;
  s->ctx = ctx;
  s->t0 = MPI_Wtime();
  return PP_OK;
}

pp_status pp_stage_pool(pp_stage *s, const char *name, pp_pool *const *deps, int ndeps, pp_pool **out,
                        pp_err *err) {
  *out = NULL;
  if (!s->ctx) PP_FAIL(err, PP_ERR_INTERNAL, "pool '%s' made for stage '%s', which is not open", name, s->name);
  PP_CALL(pp_pool_create(&s->ctx->pools, s->name, name, deps, ndeps, out, err));
  return PP_OK;
}

pp_status pp_ctx_stage_pool(pp_ctx *ctx, const char *name, pp_pool **out, pp_err *err) {
  *out = NULL;
  if (ctx->nstages < 1) PP_FAIL(err, PP_ERR_INTERNAL, "pool '%s' made while no stage is open", name);
  PP_CALL(pp_pool_create(&ctx->pools, ctx->stages[ctx->nstages - 1], name, NULL, 0, out, err));
  return PP_OK;
}

pp_status pp_stage_need(pp_stage *s, const char *pools, size_t bytes, pp_err *err) {
  if (!s->ctx) PP_FAIL(err, PP_ERR_INTERNAL, "stage '%s' is not open", s->name);
  /* pp_pools_check_budget words its refusal "stage '%s' needs ..."; given
   * "S', pool 'P" as the stage it names the pools too, in the one wording
   * budget refusals have everywhere. */
  char label[512];
  if (pools)
    snprintf(label, sizeof label, "%s', pool%s '%.400s", s->name, strchr(pools, ',') ? "s" : "", pools);
  else
    snprintf(label, sizeof label, "%s", s->name);
  const pp_status st = pp_pools_check_budget(&s->ctx->pools, label, bytes, err);
  PP_CALL(pp_agree(st, err, s->ctx->world));
  return PP_OK;
}

void pp_stage_add_work(pp_stage *s, double bytes, double flops) {
  s->bytes += bytes;
  s->flops += flops;
}

/* Closes the stages from depth d inwards, releasing their pools innermost
 * first; the first failure is recorded in err (if not NULL). */
static pp_status close_from(pp_ctx *ctx, int d, pp_err *err) {
  pp_err scratch;
  pp_err_clear(&scratch);
  pp_status st = PP_OK;
  for (int i = ctx->nstages - 1; i >= d; i--) {
    const pp_status si = pp_pools_release_stage(&ctx->pools, ctx->stages[i], err ? err : &scratch);
    if (st == PP_OK) st = si;
    if (si != PP_OK) err = NULL; /* keep the first message */
  }
  ctx->nstages = d;
  return st;
}

/* 1 if s is still the stage at its depth (an outer abort may have closed it). */
static int is_open(const pp_stage *s) {
  const pp_ctx *ctx = s->ctx;
  return ctx && s->depth < ctx->nstages && !strcmp(ctx->stages[s->depth], s->name);
}

pp_status pp_stage_end(pp_stage *s, pp_err *err) {
  pp_ctx *ctx = s->ctx;
  if (!is_open(s)) {
    s->ctx = NULL;
    PP_FAIL(err, PP_ERR_INTERNAL, "stage '%s' ended but not open", s->name);
  }
  pp_status st = PP_OK;
  if (s->depth != ctx->nstages - 1) {
    st = pp_fail_at(err, PP_ERR_INTERNAL, __FILE__, __LINE__, "stage '%s' ended while stage '%s' inside it is open",
                    s->name, ctx->stages[ctx->nstages - 1]);
    (void)close_from(ctx, s->depth, NULL);
  } else {
    st = close_from(ctx, s->depth, err);
    if (st != PP_OK) pp_err_trace(err, __FILE__, __LINE__);
  }
  s->ctx = NULL;
  pp_stage_done(ctx, s->name, &s->t0, s->bytes, s->flops);
  return st;
}

void pp_stage_abort(pp_stage *s) {
  if (is_open(s)) (void)close_from(s->ctx, s->depth, NULL);
  s->ctx = NULL;
}
