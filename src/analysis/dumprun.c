/* dumprun.c — `pawproj dump` as one computation (see dumprun.h). */
#include "pawproj/analysis/dumprun.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/agree.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/wfset.h"
#include "pawproj/par/layout.h"

#define NFIRST PP_DUMP_NFIRST
#define NLAST PP_DUMP_NLAST

/* The sizes of the three tables, in doubles. */
typedef struct sizes {
  size_t nn, nc, nm;
} sizes;

static sizes table_sizes(const pp_wavecar *wc) {
  return (sizes){(size_t)wc->nspin * wc->nkpts * wc->nbands, (size_t)wc->nspin * wc->nkpts * 2 * NFIRST * 2,
                 (size_t)wc->nkpts * (NFIRST + NLAST) * 3};
}

typedef struct scan_arg {
  const pp_wavecar *wc;
  pp_dump_result *f; /* my zero-initialised share */
} scan_arg;

static pp_status visit_piece(void *argp, int item, int band, int64_t g0, int64_t n, const double complex *c,
                             double sumsq, pp_err *err) {
  (void)err;
  const scan_arg *arg = argp;
  const pp_wavecar *wc = arg->wc;
  pp_dump_result *f = arg->f;
  const int s = item / wc->nkpts, k = item % wc->nkpts;
  const double *x = (const double *)c;
  f->norm[pp_wavecar_idx(wc, s, k, band)] += sumsq;
  const double scale = pp_variant_is_gamma(wc->variant) ? 1.0 / sqrt(2.0) : 1.0;
  for (int which = 0; which < 2 && g0 == 0; which++) {
    if (band != (which ? wc->nbands - 1 : 0)) continue;
    double *dst = f->coef + ((((int64_t)s * wc->nkpts + k) * 2 + which) * NFIRST) * 2;
    for (int i = 0; i < NFIRST && i < n; i++) {
      const double sc = i == 0 ? 1.0 : scale;
      dst[2 * i] = x[2 * i] * sc;
      dst[2 * i + 1] = x[2 * i + 1] * sc;
    }
  }
  return PP_OK;
}

/* G vectors of the largest k-point band rank 0 of my group generates
 * (collect_miller); 0 on the other ranks. */
static size_t glist_bytes(const pp_layout *lay, const pp_wavecar *wc) {
  int64_t n = 0;
  for (int k = 0; lay->brank == 0 && k < wc->nkpts; k++)
    if (pp_layout_owns_item(lay, k) && wc->npw[k] > n) n = wc->npw[k];
  return n > 0 ? sizeof(int[3]) * (size_t)n : 0;
}

/* First and last Miller indices of every k-point of my group; the band
 * rank 0 of the group writes them (each value has one owner). m holds
 * glist_bytes. */
static pp_status collect_miller(const pp_layout *lay, const pp_wavecar *wc, int (*m)[3], pp_dump_result *f,
                                pp_err *err) {
  if (lay->brank != 0) return PP_OK;
  for (int k = 0; k < wc->nkpts; k++) {
    if (!pp_layout_owns_item(lay, k)) continue;
    const int64_t n = wc->npw[k];
    int64_t got;
    PP_CALL(pp_gvec_generate(wc->lattice, wc->encut, wc->kfrac[k], wc->variant, m, n, &got, err));
    if (got != n) PP_FAIL(err, PP_ERR_INTERNAL, "G count changed");
    for (int i = 0; i < NFIRST + NLAST; i++) {
      const int64_t g = i < NFIRST ? i : n - (NFIRST + NLAST) + i;
      for (int x = 0; x < 3; x++)
        f->miller[((int64_t)k * (NFIRST + NLAST) + i) * 3 + x] = g >= 0 && g < n ? m[g][x] : 0;
    }
  }
  return PP_OK;
}

/* Stage "read": my slice streamed through the stage's io-buffer into loc. */
static pp_status read_stage(pp_ctx *ctx, const pp_layout *lay, const pp_wavecar *wc, pp_pool *facts,
                            pp_dump_result *loc, pp_err *err) {
  pp_stage sg = {0};
  pp_pool *io = NULL;
  pp_status st = PP_OK;
  double bytes = 0;
  PP_TRY(pp_stage_begin(ctx, "read", &sg, err));
  PP_TRY(pp_stage_need(&sg, "io-buffer", pp_wfset_scan_need(lay, wc, 0, wc->nbands), err));
  PP_TRY(pp_stage_pool(&sg, "io-buffer", &facts, 1, &io, err));
  scan_arg sa = {wc, loc};
  PP_TRY(pp_wfset_scan(lay, wc, 0, wc->nbands, io, ctx->quiet ? NULL : "WAVECAR", visit_piece, &sa, &bytes, err));
  pp_stage_add_work(&sg, bytes, 0);
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}

/* Points the three tables into one block of doubles. */
static void carve(double *block, sizes z, pp_dump_result *f) {
  f->norm = block;
  f->coef = f->norm + z.nn;
  f->miller = f->coef + z.nc;
}

pp_status pp_dump_run(pp_ctx *ctx, const pp_dump_setup *s, pp_dump_result *r, pp_err *err) {
  const pp_wavecar *wc = &s->ds->wc;
  const sizes z = table_sizes(wc);
  const size_t nd = z.nn + z.nc + z.nm, fbytes = 2 * sizeof(double) * nd; /* mine and the sum */
  pp_layout lay = PP_LAYOUT_NONE;
  pp_stage sd = {0};
  pp_pool *facts = NULL, *glist = NULL;
  pp_dump_result loc = {0}, tot = {0};
  double *block = NULL;
  int(*m)[3] = NULL;
  pp_status st = PP_OK;
  memset(r, 0, sizeof *r);
  PP_TRY(pp_stage_begin(ctx, "dump", &sd, err));
  st = pp_layout_create(ctx->world, wc->nspin * wc->nkpts, wc->nbands, s->kgroups, &lay, err);
  PP_TRY(pp_agree(st, err, ctx->world));
  /* The read buffer goes before the G list is made: the larger of them. */
  const size_t io = pp_wfset_scan_need(&lay, wc, 0, wc->nbands), gb = glist_bytes(&lay, wc);
  PP_TRY(pp_stage_need(&sd, "facts, io-buffer, g-list", fbytes + (io > gb ? io : gb), err));
  PP_TRY(pp_stage_pool(&sd, "facts", NULL, 0, &facts, err));
  PP_TRY(pp_pool_alloc(facts, fbytes, (void **)&block, err));
  carve(block, z, &loc);
  carve(block + nd, z, &tot);
  PP_TRY(read_stage(ctx, &lay, wc, facts, &loc, err));
  PP_TRY(pp_stage_pool(&sd, "g-list", NULL, 0, &glist, err)); /* on every rank, empty beyond band rank 0 */
  if (gb > 0) st = pp_pool_alloc(glist, gb, (void **)&m, err);
  if (st == PP_OK) st = collect_miller(&lay, wc, m, &loc, err);
  PP_TRY(pp_agree(st, err, ctx->world));
  MPI_Reduce(loc.norm, tot.norm, (int)nd, MPI_DOUBLE, MPI_SUM, 0, ctx->world);
  if (ctx->rank == 0) { /* the sum outlives the stage's pools */
    double *keep = malloc(sizeof(double) * nd);
    if (!keep) st = pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__, "out of memory for the facts");
    else memcpy(keep, tot.norm, sizeof(double) * nd), carve(keep, z, r);
  }
  PP_TRY(pp_agree(st, err, ctx->world));
  PP_TRY(pp_stage_end(&sd, err));
done:
  pp_stage_abort(&sd); /* error paths: every pool of the run; a no-op once ended */
  pp_layout_free(&lay);
  if (st != PP_OK) pp_dump_result_free(r);
  return st;
}

void pp_dump_result_free(pp_dump_result *r) {
  free(r->norm);
  r->norm = r->coef = r->miller = NULL;
}
