/* projectrun.c — the stages of `pawproj project` (see projectrun.h). */
#include "pawproj/analysis/projectrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/ipr.h"
#include "pawproj/analysis/overlap.h"
#include "pawproj/analysis/projectplan.h"
#include "pawproj/analysis/projectsetup.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/h5out.h"
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
static pp_status compute_ipr(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_project_defect *d,
                             const pp_wfset *defect, pp_err *err) {
  const pp_wavecar *w = &d->ds.wc;
  const int nd = d->hi - d->lo;
  char dir[4096], src[4300];
  pp_stage sg = {0};
  pp_status st = PP_OK;
  pp_dataset_dir(&d->ds, dir, sizeof dir);
  PP_CALL(pp_gridopt_choose(&s->grid_opts, dir, w, d->ipr_grid, src, sizeof src, err));
  PP_CALL(pp_pool_alloc(r->pool, sizeof(double) * 2 * (size_t)w->nspin * nd + 16, (void **)&d->ipr_ae, err));
  d->ipr_ps = d->ipr_ae + (size_t)w->nspin * nd;
  if (ctx->rank == 0 && !ctx->quiet)
    fprintf(stderr, "[pawproj] IPR of %d defect band(s) on the %d × %d × %d grid (%s)\n", nd, d->ipr_grid[0],
            d->ipr_grid[1], d->ipr_grid[2], src);
  PP_TRY(pp_stage_begin(ctx, "ipr", &sg, err));
  PP_TRY(pp_ipr_bands(&sg, defect, d->ds.kweight, d->ipr_grid, s->paw ? &d->paw.paw : NULL, &d->ds.structure,
                      ctx->world, d->ipr_ae, d->ipr_ps, err));
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}

/* Where the results go: the single-run file, or the study's open file. */
typedef struct results_out {
  const char *path; /* single run: the file to write; NULL: none or a study */
  pp_h5 *study;     /* study: the open file; NULL: none or a single run */
} results_out;

static pp_status write_results(const pp_ctx *ctx, const pp_project_setup *s, const pp_project_result *r,
                               const pp_project_defect *d, const results_out *out, const pp_wfset *bulk,
                               const double complex *S, const pp_overlap_proj *proj, pp_err *err) {
  const pp_projectout o = {.method = r->method,
                           .normalisation = r->note,
                           .command_line = ctx->cmdline,
                           .all_electron = s->paw,
                           .bulk = &r->bulk,
                           .defect = &d->ds,
                           .bulk_wf = bulk,
                           .lo = d->lo,
                           .hi = d->hi,
                           .overlaps = S,
                           .character = d->character,
                           .match = &d->pair.match,
                           .bulk_proj = proj->PB,
                           .defect_proj = proj->PD,
                           .nc_bulk = proj->ncb,
                           .nc_defect = proj->ncd,
                           .writes_defect_proj = r->lay.brank == 0};
  if (out->study) return pp_projectout_group(out->study, d->label, &o, err);
  return pp_projectout_write(ctx->world, out->path, &o, err);
}

/* One run's slice: from its file, or rotated from its IBZ points when the
 * run was unfolded onto the full mesh (wfunfold.h). */
static pp_status read_run(const pp_layout *lay, const pp_dataset *ds, int lo, int hi, int flip, pp_pool *wf,
                          pp_pool *io, const char *progress, pp_wfset *set, pp_err *err) {
  if (ds->unfold) return pp_wfset_read_unfolded(lay, &ds->wc, ds->unfold, lo, hi, flip, wf, io, progress, set, err);
  return pp_wfset_read(lay, &ds->wc, lo, hi, flip, wf, io, progress, set, err);
}

/* Stage "read" of one run into wf (a pool of an enclosing stage: the
 * later stages use the slice); only the file buffer is the stage's own. */
static pp_status read_stage(pp_ctx *ctx, const pp_project_result *r, const pp_dataset *ds, int lo, int hi, int flip,
                            pp_pool *wf, const char *progress, pp_wfset *set, pp_err *err) {
  pp_stage sg = {0};
  pp_pool *io;
  pp_status st = PP_OK;
  PP_TRY(pp_stage_begin(ctx, "read", &sg, err));
  PP_TRY(pp_stage_pool(&sg, "io-buffer", NULL, 0, &io, err));
  PP_TRY(read_run(&r->lay, ds, lo, hi, flip, wf, io, ctx->quiet ? NULL : progress, set, err));
  pp_stage_add_work(&sg, set->bytes_read, 0);
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}

/* Stage "overlap" (and "write" inside it: the results file holds what
 * the overlap stage's pools hold). */
static pp_status overlaps(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_project_defect *d,
                          const results_out *out, pp_pool *bwf, pp_pool *dwf, const pp_wfset *bulk,
                          const pp_wfset *defect, pp_err *err) {
  const pp_wavecar *bwc = &r->bulk.wc;
  const int nd = d->hi - d->lo;
  pp_stage sg = {0}, sw = {0};
  pp_pool *gath, *ovl;
  double complex *S = NULL;
  pp_overlap_proj proj = {0};
  pp_status st = PP_OK;
  const int h5 = out->path || out->study;
  PP_TRY(pp_stage_begin(ctx, "overlap", &sg, err));
  PP_TRY(pp_stage_pool(&sg, "defect-gathered", &dwf, 1, &gath, err));
  pp_pool *const ovl_deps[2] = {bwf, gath};
  PP_TRY(pp_stage_pool(&sg, "overlaps", ovl_deps, 2, &ovl, err));
  if (ctx->rank == 0 && !ctx->quiet) fprintf(stderr, "[pawproj] computing overlaps\n");
  PP_TRY(pp_overlap_compute(&sg, &r->lay, bulk, defect, s->paw ? &d->pair : NULL, r->bulk.kweight, gath, ovl, &S,
                            s->paw && h5 ? &proj : NULL, d->character, err));
  double flops = 0;
  for (int j = 0; j < bulk->nlocal; j++)
    flops += 8.0 * nd * bulk->nb * (double)pp_wavecar_nstored(bwc, bulk->item[j] % bwc->nkpts);
  pp_stage_add_work(&sg, 0, flops);
  double lo, hi;
  pp_peak_rss(ctx, &lo, &hi);
  if (lo > r->rss_min) r->rss_min = lo;
  if (hi > r->rss_max) r->rss_max = hi;
  if (h5) {
    PP_TRY(pp_stage_begin(ctx, "write", &sw, err));
    PP_TRY(write_results(ctx, s, r, d, out, bulk, S, &proj, err));
    PP_TRY(pp_stage_end(&sw, err));
  }
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sw);
  pp_stage_abort(&sg);
  return st;
}

/* Stage "defect": one defect's PAW side, slice, IPR, overlaps and
 * results, then its report; everything of it but the answer is released
 * before the next defect. */
static pp_status one_defect(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, int i,
                            const results_out *out, pp_pool *bwf, const pp_wfset *bulk, pp_err *err) {
  pp_project_defect *d = &r->defects[i];
  const int nd = d->hi - d->lo;
  pp_stage sg = {0};
  pp_pool *dwf;
  pp_wfset defect;
  pp_status st = PP_OK;
  if (ctx->rank == 0 && !ctx->quiet && s->study)
    fprintf(stderr, "[pawproj] defect %d/%d: %s (%s), bands %d-%d\n", i + 1, r->ndefects, d->label,
            d->ds.wavecar_path, d->lo + 1, d->hi);
  PP_TRY(pp_pool_alloc(r->pool, (size_t)r->bulk.wc.nspin * nd * PP_CHAR_N * sizeof(double) + 16,
                       (void **)&d->character, err));
  PP_TRY(pp_agree(pp_project_defect_begin(ctx, s, r, d, err), err, ctx->world));
  PP_TRY(pp_stage_begin(ctx, "defect", &sg, err));
  PP_TRY(pp_stage_need(&sg, "defect-wf, defect-gathered, overlaps", pp_project_defect_need(r, d), err));
  PP_TRY(pp_stage_pool(&sg, "defect-wf", &r->pool, 1, &dwf, err));
  PP_TRY(read_stage(ctx, r, &d->ds, d->lo, d->hi, 0, dwf, "defect", &defect, err));
  MPI_Allreduce(&defect.bytes_read, &d->bytes_read, 1, MPI_DOUBLE, MPI_SUM, ctx->world);
  if (s->ipr) PP_TRY(compute_ipr(ctx, s, r, d, &defect, err));
  PP_TRY(overlaps(ctx, s, r, d, out, bwf, dwf, bulk, &defect, err));
  PP_TRY(pp_stage_end(&sg, err));
  if (s->report) PP_TRY(s->report(s->report_arg, r, d, err));
done:
  pp_stage_abort(&sg);
  pp_project_defect_end(d);
  return st;
}

/* "project": the bulk read once into its pool, then every defect; the
 * need of the bulk and the largest defect is checked before reading. The
 * results pool outlives the stage: the outputs print from it. */
static pp_status stages(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, const results_out *out,
                        pp_err *err) {
  const pp_wavecar *bwc = &r->bulk.wc;
  pp_stage sp = {0};
  pp_pool *bwf;
  pp_wfset bulk;
  pp_status st = PP_OK;
  PP_CALL(pp_pool_create(&ctx->pools, "setup", "results", NULL, 0, &r->pool, err));
  PP_TRY(pp_stage_begin(ctx, "project", &sp, err));
  size_t most = 0;
  for (int i = 0; i < r->ndefects; i++)
    if (pp_project_defect_need(r, &r->defects[i]) > most) most = pp_project_defect_need(r, &r->defects[i]);
  PP_TRY(pp_stage_need(&sp, "bulk-wf, defect-wf, defect-gathered, overlaps",
                       pp_project_bulk_need(r) + most, err));
  PP_TRY(pp_stage_pool(&sp, "bulk-wf", &r->pool, 1, &bwf, err));
  PP_TRY(read_stage(ctx, r, &r->bulk, 0, bwc->nbands, s->flip_spin, bwf, "bulk", &bulk, err));
  MPI_Allreduce(&bulk.bytes_read, &r->bulk_bytes_read, 1, MPI_DOUBLE, MPI_SUM, ctx->world);
  for (int i = 0; i < r->ndefects; i++) PP_TRY(one_defect(ctx, s, r, i, out, bwf, &bulk, err));
  PP_TRY(pp_stage_end(&sp, err));
done:
  pp_stage_abort(&sp);
  return st;
}

/* A study's file is open for the whole run and completed at its end. */
static pp_status run_study(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  if (!s->h5) return stages(ctx, s, r, &(results_out){0}, err);
  pp_h5 h;
  PP_CALL(pp_h5_create(ctx->world, s->h5, &h, err));
  const pp_status st = stages(ctx, s, r, &(results_out){.study = &h}, err);
  const pp_projectout_study info = {.command_line = ctx->cmdline,
                                    .method = r->method,
                                    .normalisation = r->note,
                                    .bulk_path = r->bulk.wc.path,
                                    .ndefects = r->ndefects};
  const pp_status cs = pp_projectout_study_close(&h, st == PP_OK, &info, err);
  return st != PP_OK ? st : cs;
}

pp_status pp_project_run(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  memset(r, 0, sizeof *r);
  r->lay.kcomm = r->lay.xcomm = MPI_COMM_NULL;
  r->method = s->paw ? "paw" : "pseudo";
  r->note = s->paw ? PAW_NOTE : PSEUDO_NOTE;
  PP_CALL(pp_agree(pp_project_open(ctx, s, r, err), err, ctx->world));
  if (s->dry_run) return pp_project_plan_make(ctx, s, r, err);
  if (s->study) return run_study(ctx, s, r, err);
  return stages(ctx, s, r, &(results_out){.path = s->h5}, err);
}

pp_status pp_project_result_release(pp_project_result *r, pp_err *err) {
  pp_pool *pool = r->pool;
  r->pool = NULL;
  for (int i = 0; i < r->ndefects; i++) r->defects[i].character = r->defects[i].ipr_ae = r->defects[i].ipr_ps = NULL;
  return pool ? pp_pool_release(pool, err) : PP_OK;
}

void pp_project_result_free(pp_project_result *r) {
  pp_layout_free(&r->lay);
  for (int i = 0; i < r->ndefects; i++) {
    pp_project_defect *d = &r->defects[i];
    pp_project_defect_end(d);
    pp_dataset_free(&d->ds);
    free(d->energy);
  }
  free(r->defects);
  r->defects = NULL;
  r->ndefects = 0;
  pp_pawrun_free(&r->paw_bulk);
  pp_dataset_free(&r->bulk);
}
