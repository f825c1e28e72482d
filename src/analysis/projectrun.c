/* projectrun.c — the stages of `pawproj project` (see projectrun.h). */
#include "pawproj/analysis/projectrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/ipr.h"
#include "pawproj/analysis/overlap.h"
#include "pawproj/analysis/projectsetup.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/projectout.h"
#include "pawproj/io/wfset.h"
#include "pawproj/io/wfunfold.h"

_Static_assert(PP_CHAR_N == PP_PROJECTOUT_NCHAR && PP_CHAR_VALENCE == 0 && PP_CHAR_CONDUCTION == 1 &&
                   PP_CHAR_CAPTURED == 2,
               "the results file names the character columns in overlap.h's order");

static const char *const PSEUDO_NOTE =
    "pseudo method: overlaps of pseudo-wavefunctions only; per k-point the "
    "valence and conduction weights are renormalised so that valence + "
    "conduction = 1; 'captured' is the raw sum before renormalisation";
static const char *const PAW_NOTE =
    "paw method: all-electron overlaps (plane waves + PAW terms for matched, "
    "bulk-only and defect-only sites + two-centre terms between overlapping "
    "spheres of bulk and defect); not renormalised: "
    "'outside' = 1 - valence - conduction is the part the bulk bands miss";

/* Stage "ipr": each rank its own defect bands, on the defect run's grid,
 * with the PAW side the run set up. */
static pp_status compute_ipr(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, const pp_wfset *defect,
                             pp_err *err) {
  const pp_wavecar *d = &r->defect.wc;
  const int nd = r->hi - r->lo;
  char dir[4096], src[4300];
  pp_stage sg = {0};
  pp_status st = PP_OK;
  pp_dataset_dir(&r->defect, dir, sizeof dir);
  PP_CALL(pp_gridopt_choose(&s->grid_opts, dir, d, r->ipr_grid, src, sizeof src, err));
  PP_CALL(pp_pool_alloc(r->pool, sizeof(double) * 2 * (size_t)d->nspin * nd, (void **)&r->ipr_ae, err));
  r->ipr_ps = r->ipr_ae + (size_t)d->nspin * nd;
  if (ctx->rank == 0 && !ctx->quiet)
    fprintf(stderr, "[pawproj] IPR of %d defect band(s) on the %d × %d × %d grid (%s)\n", nd, r->ipr_grid[0],
            r->ipr_grid[1], r->ipr_grid[2], src);
  PP_TRY(pp_stage_begin(ctx, "ipr", &sg, err));
  PP_TRY(pp_ipr_bands(&sg, defect, r->defect.kweight, r->ipr_grid, s->paw ? &r->paw_defect.paw : NULL,
                      &r->defect.structure, ctx->world, r->ipr_ae, r->ipr_ps, err));
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}

static pp_status write_results(const pp_ctx *ctx, const pp_project_setup *s, const pp_project_result *r,
                               const pp_wfset *bulk, const double complex *S, const pp_overlap_proj *proj,
                               pp_err *err) {
  const pp_projectout o = {.method = r->method,
                           .normalisation = r->note,
                           .command_line = ctx->cmdline,
                           .all_electron = s->paw,
                           .bulk = &r->bulk,
                           .defect = &r->defect,
                           .bulk_wf = bulk,
                           .lo = r->lo,
                           .hi = r->hi,
                           .overlaps = S,
                           .character = r->character,
                           .match = &r->pair.match,
                           .bulk_proj = proj->PB,
                           .defect_proj = proj->PD,
                           .nc_bulk = proj->ncb,
                           .nc_defect = proj->ncd,
                           .writes_defect_proj = r->lay.brank == 0};
  return pp_projectout_write(ctx->world, s->h5, &o, err);
}

/* One run's slice: from its file, or rotated from its IBZ points when the
 * run was unfolded onto the full mesh (wfunfold.h). */
static pp_status read_run(const pp_layout *lay, const pp_dataset *ds, int lo, int hi, int flip, pp_pool *wf,
                          pp_pool *io, const char *progress, pp_wfset *set, pp_err *err) {
  if (ds->unfold) return pp_wfset_read_unfolded(lay, &ds->wc, ds->unfold, lo, hi, flip, wf, io, progress, set, err);
  return pp_wfset_read(lay, &ds->wc, lo, hi, flip, wf, io, progress, set, err);
}

static size_t run_need(const pp_layout *lay, const pp_dataset *ds, int lo, int hi) {
  size_t n = pp_wfset_need(lay, &ds->wc, lo, hi);
  if (ds->unfold) n += pp_wfset_unfold_io_need(lay, &ds->wc, ds->unfold, lo, hi);
  return n;
}

/* Stage "read": both runs' slices, into pools of the enclosing stage
 * (the later stages use them); only the file buffer is the stage's own. */
static pp_status read_bands(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_stage *outer,
                            pp_pool **bwf, pp_pool **dwf, pp_wfset *bulk, pp_wfset *defect, pp_err *err) {
  const pp_wavecar *bwc = &r->bulk.wc;
  pp_stage sg = {0};
  pp_pool *io;
  pp_status st = PP_OK;
  PP_TRY(pp_stage_pool(outer, "bulk-wf", &r->pool, 1, bwf, err));
  PP_TRY(pp_stage_pool(outer, "defect-wf", &r->pool, 1, dwf, err));
  PP_TRY(pp_stage_begin(ctx, "read", &sg, err));
  PP_TRY(pp_stage_pool(&sg, "io-buffer", NULL, 0, &io, err));
  PP_TRY(read_run(&r->lay, &r->bulk, 0, bwc->nbands, s->flip_spin, *bwf, io, ctx->quiet ? NULL : "bulk", bulk,
                  err));
  PP_TRY(read_run(&r->lay, &r->defect, r->lo, r->hi, 0, *dwf, io, ctx->quiet ? NULL : "defect", defect, err));
  pp_stage_add_work(&sg, bulk->bytes_read + defect->bytes_read, 0);
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}

/* Stage "overlap" (and "write" inside it: the results file holds what
 * the overlap stage's pools hold). */
static pp_status overlaps(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_pool *bwf, pp_pool *dwf,
                          const pp_wfset *bulk, const pp_wfset *defect, pp_err *err) {
  const pp_wavecar *bwc = &r->bulk.wc;
  const int nd = r->hi - r->lo;
  pp_stage sg = {0}, sw = {0};
  pp_pool *gath, *ovl;
  double complex *S = NULL;
  pp_overlap_proj proj = {0};
  pp_status st = PP_OK;
  PP_TRY(pp_stage_begin(ctx, "overlap", &sg, err));
  PP_TRY(pp_stage_pool(&sg, "defect-gathered", &dwf, 1, &gath, err));
  pp_pool *const ovl_deps[2] = {bwf, gath};
  PP_TRY(pp_stage_pool(&sg, "overlaps", ovl_deps, 2, &ovl, err));
  if (ctx->rank == 0 && !ctx->quiet) fprintf(stderr, "[pawproj] computing overlaps\n");
  PP_TRY(pp_overlap_compute(&sg, &r->lay, bulk, defect, s->paw ? &r->pair : NULL, r->bulk.kweight, gath, ovl, &S,
                            s->paw && s->h5 ? &proj : NULL, r->character, err));
  double flops = 0;
  for (int j = 0; j < bulk->nlocal; j++)
    flops += 8.0 * nd * bulk->nb * (double)pp_wavecar_nstored(bwc, bulk->item[j] % bwc->nkpts);
  pp_stage_add_work(&sg, 0, flops);
  pp_peak_rss(ctx, &r->rss_min, &r->rss_max);
  if (s->h5) {
    PP_TRY(pp_stage_begin(ctx, "write", &sw, err));
    PP_TRY(write_results(ctx, s, r, bulk, S, &proj, err));
    PP_TRY(pp_stage_end(&sw, err));
  }
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sw);
  pp_stage_abort(&sg);
  return st;
}

/* read → ipr → overlap → write inside the stage "project", whose pools
 * hold the wavefunctions. The results pool outlives them: the outputs
 * print from it after the wavefunctions are gone. */
static pp_status stages(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  const pp_wavecar *bwc = &r->bulk.wc;
  const int nd = r->hi - r->lo;
  pp_stage sp = {0};
  pp_pool *bwf, *dwf;
  pp_wfset bulk, defect;
  pp_status st = PP_OK;
  PP_CALL(pp_pool_create(&ctx->pools, "setup", "results", NULL, 0, &r->pool, err));
  PP_CALL(pp_pool_alloc(r->pool, (size_t)bwc->nspin * nd * PP_CHAR_N * sizeof(double), (void **)&r->character,
                        err));
  PP_TRY(pp_stage_begin(ctx, "project", &sp, err));
  /* Stop before allocating if the read + overlap stages cannot fit. */
  const size_t need = run_need(&r->lay, &r->bulk, 0, bwc->nbands) + run_need(&r->lay, &r->defect, r->lo, r->hi) +
                      (size_t)nd * 16 * (size_t)bwc->npw[0] * bwc->nspinor;
  PP_TRY(pp_stage_need(&sp, "bulk-wf, defect-wf, defect-gathered, overlaps", need, err));
  PP_TRY(read_bands(ctx, s, r, &sp, &bwf, &dwf, &bulk, &defect, err));
  if (s->ipr) PP_TRY(compute_ipr(ctx, s, r, &defect, err));
  PP_TRY(overlaps(ctx, s, r, bwf, dwf, &bulk, &defect, err));
  PP_TRY(pp_stage_end(&sp, err));
done:
  pp_stage_abort(&sp);
  return st;
}

pp_status pp_project_run(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  memset(r, 0, sizeof *r);
  r->lay.kcomm = r->lay.xcomm = MPI_COMM_NULL;
  r->method = s->paw ? "paw" : "pseudo";
  r->note = s->paw ? PAW_NOTE : PSEUDO_NOTE;
  PP_CALL(pp_agree(pp_project_open(ctx, s, r, err), err, ctx->world));
  return stages(ctx, s, r, err);
}

pp_status pp_project_result_release(pp_project_result *r, pp_err *err) {
  pp_pool *pool = r->pool;
  r->pool = NULL;
  r->character = r->ipr_ae = r->ipr_ps = NULL;
  return pool ? pp_pool_release(pool, err) : PP_OK;
}

void pp_project_result_free(pp_project_result *r) {
  pp_layout_free(&r->lay);
  pp_pawpair_free(&r->pair);
  pp_pawrun_free(&r->paw_defect);
  pp_pawrun_free(&r->paw_bulk);
  pp_dataset_free(&r->defect);
  pp_dataset_free(&r->bulk);
  free(r->energy);
  r->energy = r->occupation = NULL;
}
