/* projectrun.c — the stages of `pawproj project` (see projectrun.h). */
#include "pawproj/analysis/projectrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pawproj/analysis/ipr.h"
#include "pawproj/analysis/overlap.h"
#include "pawproj/analysis/projectplan.h"
#include "pawproj/analysis/projectsetup.h"
#include "pawproj/analysis/readstage.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/stage.h"
#include "pawproj/core/stopsignal.h"
#include "pawproj/io/datakmesh.h"
#include "pawproj/io/itemckpt.h"
#include "pawproj/io/projectout.h"
#include "pawproj/io/studyckpt.h"
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

/* Where the results go: the single-run file, or the study's checkpoints. */
typedef struct results_out {
  const char *path;        /* single run: the file to write; NULL: none or a study */
  const pp_studyckpt *ck;  /* study with --h5: one file per defect in its directory; NULL: none */
  double t0;               /* study: when its stages began (MPI_Wtime), for the time limits */
} results_out;

/* Whether to stop now, agreed by all ranks: a signal caught
 * (stopsignal.h), or the next step (est seconds) would likely end after
 * the run's limit (30 s kept before the job's end). Returns the reason, or
 * NULL to go on. */
static const char *stop_reason(const pp_ctx *ctx, const pp_project_setup *s, double t0, double est) {
  int why = pp_stopsignal_caught() ? 1 : 0;
  if (!why && s->max_seconds > 0 && MPI_Wtime() - t0 + est > s->max_seconds) why = 2;
  if (!why && s->end_time > 0 && (double)time(NULL) + est + 30 > s->end_time) why = 3;
  int any = 0;
  MPI_Allreduce(&why, &any, 1, MPI_INT, MPI_MAX, ctx->world);
  return any == 0   ? NULL
         : any == 1 ? "on a signal (SIGTERM or SIGUSR1)"
         : any == 2 ? "to stay within --max-seconds"
                    : "to end before the job does (SLURM_JOB_END_TIME)";
}

/* Before a defect (1.25 × the longest defect so far as its estimate). */
static pp_status check_stop(const pp_ctx *ctx, const pp_project_setup *s, const pp_project_result *r,
                            const results_out *out, int done, double longest, pp_err *err) {
  const char *reason = stop_reason(ctx, s, out->t0, 1.25 * longest);
  if (!reason) return PP_OK;
  if (!out->ck)
    PP_FAIL(err, PP_STOPPED, "%s, after %d of %d defects; nothing is saved without --h5 (give --h5 FILE "
            "to make a study resumable)", reason, done, r->ndefects);
  PP_FAIL(err, PP_STOPPED, "%s, after %d of %d defects; the finished ones are in %s; rerun the same "
          "command (or add --resume) to continue", reason, done, r->ndefects, out->ck->dir);
}

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
                           .writes_defect_proj = r->lay.brank == 0,
                           .ipr_ae = d->ipr_ae,
                           .ipr_ps = d->ipr_ps};
  if (!out->ck) return pp_projectout_write(ctx->world, out->path, &o, err);
  char path[4400];
  pp_studyckpt_path(out->ck, d->label, path, sizeof path);
  return pp_projectout_write(ctx->world, path, &o, err);
}

/* Per-item checkpoints of one defect of a study with --h5 (itemckpt.h):
 * FILE.ckpt/LABEL.item-I.bin, removed once the defect's own file exists. */
typedef struct item_ckpt {
  const pp_ctx *ctx;
  const pp_project_setup *s;
  const pp_project_result *r;
  const pp_project_defect *d;
  const results_out *out;
  pp_itemckpt_shape sh;
  double t_round, longest; /* the last round's end, the longest round so far (s) */
  int loaded;              /* items taken from an earlier run (group rank 0 counts) */
} item_ckpt;

static void item_path(const item_ckpt *c, int it, char *p, size_t n) {
  pp_studyckpt_item_path(c->out->ck, c->d->label, it, p, n);
}

static pp_status item_load(void *arg, int it, int b0, int nbl, double complex *Sj, double *raw, double complex *PB,
                           double complex *PD, int *done, pp_err *err) {
  item_ckpt *c = arg;
  char p[4600];
  item_path(c, it, p, sizeof p);
  *done = pp_itemckpt_exists(c->r->lay.kcomm, p);
  if (!*done) return PP_OK;
  c->loaded += c->r->lay.brank == 0;
  return pp_itemckpt_read(c->r->lay.kcomm, p, &c->sh, it, b0, nbl, raw, Sj, PB, PD, err);
}

static pp_status item_save(void *arg, int it, int b0, int nbl, const double complex *Sj, const double *raw,
                           const double complex *PB, const double complex *PD, pp_err *err) {
  item_ckpt *c = arg;
  char p[4600];
  item_path(c, it, p, sizeof p);
  return pp_itemckpt_write(c->r->lay.kcomm, p, &c->sh, it, b0, nbl, raw, Sj, PB, PD, err);
}

/* After a round: stop if asked to (1.25 × the longest round as the next
 * one's estimate), unless it was the last round. */
static pp_status item_between(void *arg, int round, int nrounds, pp_err *err) {
  item_ckpt *c = arg;
  if (c->s->after_round) c->s->after_round(c->s->report_arg, (int)(c->d - c->r->defects), round);
  const double now = MPI_Wtime();
  if (now - c->t_round > c->longest) c->longest = now - c->t_round;
  c->t_round = now;
  if (round == nrounds - 1) return PP_OK;
  const char *reason = stop_reason(c->ctx, c->s, c->out->t0, 1.25 * c->longest);
  if (!reason) return PP_OK;
  PP_FAIL(err, PP_STOPPED, "%s, inside defect %s after %d of its %d rounds of (spin, k-point) items; the finished "
          "defects and items are in %s; rerun the same command (or add --resume) to continue", reason, c->d->label,
          round + 1, nrounds, c->out->ck->dir);
}

/* The defect's own file is written: its item files go. */
static void items_remove(const item_ckpt *c) {
  MPI_Barrier(c->ctx->world);
  if (c->ctx->rank != 0) return;
  for (int it = 0; it < c->r->lay.nitems; it++) {
    char p[4600];
    item_path(c, it, p, sizeof p);
    remove(p);
  }
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
  const int h5 = out->path || out->ck;
  PP_TRY(pp_stage_begin(ctx, "overlap", &sg, err));
  PP_TRY(pp_stage_pool(&sg, "defect-gathered", &dwf, 1, &gath, err));
  pp_pool *const ovl_deps[2] = {bwf, gath};
  PP_TRY(pp_stage_pool(&sg, "overlaps", ovl_deps, 2, &ovl, err));
  if (ctx->rank == 0 && !ctx->quiet) fprintf(stderr, "[pawproj] computing overlaps\n");
  item_ckpt ic = {.ctx = ctx, .s = s, .r = r, .d = d, .out = out, .t_round = MPI_Wtime()};
  const int nspinor = bwc->nspinor;
  ic.sh = (pp_itemckpt_shape){.nd = nd, .nbands = bwc->nbands, .ncb = s->paw ? nspinor * d->pair.nprojb : 0,
                              .ncd = s->paw ? nspinor * d->pair.nprojd : 0};
  const pp_overlap_items items = {&ic, item_load, item_save, item_between};
  PP_TRY(pp_overlap_compute(&sg, &r->lay, bulk, defect, s->paw ? &d->pair : NULL, r->bulk.kweight, gath, ovl, &S,
                            s->paw && h5 ? &proj : NULL, d->character, out->ck ? &items : NULL, err));
  if (out->ck) {
    int loaded = ic.loaded;
    MPI_Allreduce(MPI_IN_PLACE, &loaded, 1, MPI_INT, MPI_SUM, ctx->world);
    if (loaded && ctx->rank == 0 && !ctx->quiet)
      fprintf(stderr, "[pawproj] defect %s: %d of %d (spin, k-point) items taken from an earlier run\n", d->label,
              loaded, r->lay.nitems);
  }
  double flops = 0;
  for (int j = 0; j < bulk->nlocal; j++)
    flops += 8.0 * nd * bulk->nb * (double)pp_wavecar_nstored(bwc, bulk->item[j] % bwc->nkpts);
  pp_stage_add_work(&sg, 0, flops);
  double lo, hi;
  pp_peak_rss(ctx, &lo, &hi);
  if (lo > r->rss_min) r->rss_min = lo;
  if (hi > r->rss_max) r->rss_max = hi;
  if (s->on_overlaps) PP_TRY(s->on_overlaps(s->overlaps_arg, &sg, r, d, bulk, S, err));
  if (h5) {
    PP_TRY(pp_stage_begin(ctx, "write", &sw, err));
    PP_TRY(write_results(ctx, s, r, d, out, bulk, S, &proj, err));
    PP_TRY(pp_stage_end(&sw, err));
    if (out->ck) items_remove(&ic);
  }
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sw);
  pp_stage_abort(&sg);
  return st;
}

/* The exact bytes of d's stage, now that its PAW side exists (as the dry
 * run counts them). */
static pp_status exact_need(const pp_project_setup *s, const pp_project_result *r, const pp_project_defect *d,
                            const pp_wfset *bulk, size_t *need, pp_err *err) {
  int *items = malloc(sizeof *items * ((size_t)r->lay.nitems + 1));
  if (!items) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  double bytes = 0, read, flops;
  const pp_status st = pp_project_defect_plan(s, r, d, bulk, items, &bytes, &read, &flops, err);
  free(items);
  *need = (size_t)bytes;
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
  size_t need = 0;
  PP_TRY(pp_agree(exact_need(s, r, d, bulk, &need, err), err, ctx->world));
  PP_TRY(pp_stage_need(&sg, "defect-wf, defect-gathered, overlaps", need, err));
  PP_TRY(pp_stage_pool(&sg, "defect-wf", &r->pool, 1, &dwf, err));
  PP_TRY(pp_read_stage(ctx, &r->lay, &d->ds, d->lo, d->hi, 0, dwf, "defect", &defect, err));
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

/* "project": the bulk read once into its pool, then every defect not
 * taken from a checkpoint; the need of the bulk and the largest defect is
 * checked before reading. */
static pp_status stages(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, const results_out *out,
                        pp_err *err) {
  const pp_wavecar *bwc = &r->bulk.wc;
  pp_stage sp = {0};
  pp_pool *bwf;
  pp_wfset bulk;
  pp_status st = PP_OK;
  int done = 0;
  size_t most = 0;
  for (int i = 0; i < r->ndefects; i++) {
    done += r->defects[i].resumed;
    const size_t need = r->defects[i].resumed ? 0 : pp_project_defect_need(r, &r->defects[i]);
    if (need > most) most = need;
  }
  if (done == r->ndefects) return PP_OK;
  const results_out o = {.path = out->path, .ck = out->ck, .t0 = MPI_Wtime()};
  out = &o;
  double longest = 0;
  if (s->study) PP_CALL(check_stop(ctx, s, r, out, done, longest, err));
  PP_TRY(pp_stage_begin(ctx, "project", &sp, err));
  PP_TRY(pp_stage_need(&sp, "bulk-wf, defect-wf, defect-gathered, overlaps", pp_project_bulk_need(r) + most, err));
  PP_TRY(pp_stage_pool(&sp, "bulk-wf", &r->pool, 1, &bwf, err));
  PP_TRY(pp_read_stage(ctx, &r->lay, &r->bulk, 0, bwc->nbands, s->flip_spin, bwf, "bulk", &bulk, err));
  MPI_Allreduce(&bulk.bytes_read, &r->bulk_bytes_read, 1, MPI_DOUBLE, MPI_SUM, ctx->world);
  for (int i = 0, first = 1; i < r->ndefects; i++) {
    if (r->defects[i].resumed) continue;
    if (s->study && !first) PP_TRY(check_stop(ctx, s, r, out, done, longest, err));
    const double t = MPI_Wtime();
    PP_TRY(one_defect(ctx, s, r, i, out, bwf, &bulk, err));
    if (MPI_Wtime() - t > longest) longest = MPI_Wtime() - t;
    done++, first = 0;
  }
  PP_TRY(pp_stage_end(&sp, err));
done:
  pp_stage_abort(&sp);
  return st;
}

/* The study's fingerprint: what decides its numbers (runs, bands,
 * options), not the rank count; malloc'ed. */
static char *fingerprint(const pp_project_setup *s, const pp_project_result *r) {
  const size_t cap = 8192 + (size_t)r->ndefects * 4400;
  char *fp = malloc(cap);
  if (!fp) return NULL;
  const pp_paw_opts *o = &s->paw_opts;
  size_t n = (size_t)snprintf(fp, cap,
                              "bulk %s\nmethod %s\ndatasets %s\nlreal %s\nproj-grid %d,%d,%d\nmatch-tol %.17g\n"
                              "flip-spin %d\nsymprec %.17g\nunfold %d\nvariant %d\nipr %d grid %d,%d,%d factor %.17g\n",
                              r->bulk.wc.path, r->method, o->datasets ? o->datasets : s->defects[0].dir,
                              o->lreal ? o->lreal : "(the runs')", o->proj_grid[0], o->proj_grid[1], o->proj_grid[2],
                              s->match_tol, s->flip_spin, s->symprec, s->unfold, (int)s->variant, s->ipr,
                              s->grid_opts.grid[0], s->grid_opts.grid[1], s->grid_opts.grid[2], s->grid_opts.factor);
  for (int i = 0; i < r->ndefects && n < cap; i++)
    n += (size_t)snprintf(fp + n, cap - n, "defect %s %s bands %d-%d\n", r->defects[i].label,
                          r->defects[i].ds.wc.path, r->defects[i].lo + 1, r->defects[i].hi);
  return fp;
}

/* Defects finished by an earlier run of the same study: their answers
 * from its checkpoint files. */
static pp_status take_done(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, const pp_studyckpt *ck,
                           pp_err *err) {
  const int nspin = r->bulk.wc.nspin;
  for (int i = 0; i < r->ndefects; i++) {
    pp_project_defect *d = &r->defects[i];
    if (!pp_studyckpt_done(ck, d->label)) continue;
    const int nd = d->hi - d->lo;
    PP_CALL(pp_pool_alloc(r->pool, (size_t)nspin * nd * PP_CHAR_N * sizeof(double) + 16, (void **)&d->character,
                          err));
    if (s->ipr) {
      PP_CALL(pp_pool_alloc(r->pool, sizeof(double) * 2 * (size_t)nspin * nd + 16, (void **)&d->ipr_ae, err));
      d->ipr_ps = d->ipr_ae + (size_t)nspin * nd;
    }
    PP_CALL(pp_studyckpt_read(ck, d->label, nspin, nd, d->character, d->ipr_ae, d->ipr_ps, err));
    d->resumed = 1;
    if (ctx->rank == 0 && !ctx->quiet)
      fprintf(stderr, "[pawproj] defect %s: done by an earlier run (%s/%s.h5)\n", d->label, ck->dir, d->label);
  }
  return PP_OK;
}

/* A study: with --h5 checkpointed per defect and assembled at the end. */
static pp_status study_body(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  if (!s->h5) return stages(ctx, s, r, &(results_out){0}, err);
  char *fp = fingerprint(s, r);
  const char **labels = calloc((size_t)r->ndefects, sizeof *labels);
  pp_studyckpt ck;
  pp_status st = PP_OK;
  if (!fp || !labels) PP_THROW(PP_ERR_NOMEM, "out of memory");
  PP_TRY(pp_studyckpt_open(ctx->world, s->h5, fp, s->resume, &ck, err));
  if (ck.resumed && ctx->rank == 0 && !ctx->quiet) fprintf(stderr, "[pawproj] resuming from %s\n", ck.dir);
  PP_TRY(take_done(ctx, s, r, &ck, err));
  PP_TRY(stages(ctx, s, r, &(results_out){.ck = &ck}, err));
  for (int i = 0; i < r->ndefects; i++) labels[i] = r->defects[i].label;
  const pp_projectout_study info = {.command_line = ctx->cmdline,
                                    .method = r->method,
                                    .normalisation = r->note,
                                    .bulk_path = r->bulk.wc.path,
                                    .ndefects = r->ndefects};
  PP_TRY(pp_studyckpt_finish(&ck, labels, r->ndefects, &info, err));
done:
  free(fp);
  free(labels);
  return st;
}

/* SIGTERM and SIGUSR1 stop a study at its next defect while it runs. */
static pp_status run_study(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  pp_stopsignal_saved saved;
  pp_stopsignal_watch(&saved);
  const pp_status st = study_body(ctx, s, r, err);
  pp_stopsignal_unwatch(&saved);
  return st;
}

pp_status pp_project_run(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  memset(r, 0, sizeof *r);
  r->lay.kcomm = r->lay.xcomm = MPI_COMM_NULL;
  r->method = s->paw ? "paw" : "pseudo";
  r->note = s->paw ? PAW_NOTE : PSEUDO_NOTE;
  PP_CALL(pp_agree(pp_project_open(ctx, s, r, err), err, ctx->world));
  if (s->dry_run) return pp_project_plan_make(ctx, s, r, err);
  /* The answers outlive the stages: the outputs print from them. */
  PP_CALL(pp_pool_create(&ctx->pools, "setup", "results", NULL, 0, &r->pool, err));
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
