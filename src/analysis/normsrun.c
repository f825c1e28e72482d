/* normsrun.c — `pawproj norms` as one computation (see normsrun.h): the
 * PAW side, the whole need up front, then the stages read, project, gram
 * and write inside the stage "norms" that owns what they share. */
#include "pawproj/analysis/normsrun.h"

#include <complex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/aenorm.h"
#include "pawproj/analysis/readstage.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/normsout.h"
#include "pawproj/paw/pawrun.h"

/* The PAW side and the layout: what the stages read and project with. */
typedef struct norms_side {
  pp_pawrun pr;
  pp_layout lay;
  int nlocal, nb; /* my (spin, k) items and my band slice */
} norms_side;

static void side_free(norms_side *x) {
  pp_layout_free(&x->lay);
  pp_pawrun_free(&x->pr);
}

/* The sizes of what the pools hold, as the code that allocates them asks:
 * the tables of pp_aenorm_project (pseudo, AE, off-diagonal) and its
 * projections (pointers, then (nb, ldp) per item). */
static size_t tables_bytes(const pp_wavecar *wc) {
  const size_t nn = (size_t)wc->nspin * wc->nkpts * wc->nbands, nsk = (size_t)wc->nspin * wc->nkpts;
  return sizeof(double) * (2 * nn + nsk);
}

static size_t proj_bytes(int nlocal, int nb, int ldp) {
  return sizeof(void *) * ((size_t)nlocal + 1) + (size_t)nlocal * sizeof(double complex) * ((size_t)nb * ldp + 1);
}

/* The whole need of my rank: the coefficients for the whole run, then the
 * larger of the read buffer and what follows it (tables, projections, and
 * the largest of the k-point plan, the Gram ring and the HDF5 buffer);
 * they never coexist. */
static size_t run_need(const pp_norms_setup *s, const norms_side *x) {
  const pp_wavecar *wc = &s->ds->wc;
  const int ldp = wc->nspinor * x->pr.paw.nproj;
  const size_t io = pp_wfset_io_need(&x->lay, wc, 0, wc->nbands);
  size_t plan, ring, work = pp_aenorm_work_bytes(&x->lay, wc, &x->pr.paw, 0, wc->nbands, &plan, &ring);
  const size_t out = s->h5 ? pp_normsout_bytes(x->nlocal, x->nb, ldp) : 0;
  const size_t after = tables_bytes(wc) + proj_bytes(x->nlocal, x->nb, ldp) + (work > out ? work : out);
  return pp_wfset_need(&x->lay, wc, 0, wc->nbands) - io + (io > after ? io : after);
}

static pp_status setup_side(pp_ctx *ctx, const pp_norms_setup *s, norms_side *x, pp_err *err) {
  const pp_wavecar *wc = &s->ds->wc;
  PP_CALL(pp_pawrun_open(ctx, &s->paw, s->dir, wc, &s->ds->structure, &x->pr, err));
  PP_CALL(pp_layout_create(ctx->world, wc->nspin * wc->nkpts, wc->nbands, s->kgroups, &x->lay, err));
  for (int i = 0; i < x->lay.nitems; i++) x->nlocal += pp_layout_owns_item(&x->lay, i);
  int b0;
  pp_layout_slice(wc->nbands, x->lay.nbranks, x->lay.brank, &b0, &x->nb);
  return PP_OK;
}

/* Stage "write": the HDF5 file, its contiguous copy from the stage's pool. */
static pp_status write_stage(pp_ctx *ctx, const pp_norms_setup *s, const pp_wfset *bands, const pp_paw *paw,
                             const pp_aenorm *a, pp_pool *proj, pp_err *err) {
  const int ldp = s->ds->wc.nspinor * paw->nproj;
  pp_stage sg = {0};
  pp_pool *buf = NULL;
  pp_status st = PP_OK;
  PP_TRY(pp_stage_begin(ctx, "write", &sg, err));
  PP_TRY(pp_stage_need(&sg, "write-buffer", pp_normsout_bytes(bands->nlocal, bands->nb, ldp), err));
  PP_TRY(pp_stage_pool(&sg, "write-buffer", &proj, 1, &buf, err));
  const pp_normsout o = {.set = bands, .ldp = ldp, .P = a->P, .pseudo = a->pseudo, .ae = a->ae,
                         .maxoff = a->maxoff, .command_line = ctx->cmdline};
  PP_TRY(pp_normsout_write(ctx->world, s->h5, &o, buf, err));
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}

/* The tables outlive the stage's pools: the result keeps a copy. */
static pp_status keep_tables(const pp_wavecar *wc, const pp_aenorm *a, pp_norms_result *r, pp_err *err) {
  const size_t nn = (size_t)wc->nspin * wc->nkpts * wc->nbands;
  r->pseudo = malloc(tables_bytes(wc));
  if (!r->pseudo) PP_FAIL(err, PP_ERR_NOMEM, "out of memory for the norm tables");
  memcpy(r->pseudo, a->pseudo, tables_bytes(wc));
  r->ae = r->pseudo + nn;
  r->maxoff = r->ae + nn;
  return PP_OK;
}

pp_status pp_norms_run(pp_ctx *ctx, const pp_norms_setup *s, pp_norms_result *r, pp_err *err) {
  const pp_wavecar *wc = &s->ds->wc;
  const pp_structure *cell = &s->ds->structure;
  norms_side x = {.lay = PP_LAYOUT_NONE};
  pp_stage sn = {0}, sp = {0}, sgr = {0};
  pp_pool *tables = NULL, *wf = NULL, *proj = NULL;
  pp_wfset bands;
  pp_aenorm a;
  pp_status st = PP_OK;
  memset(r, 0, sizeof *r);
  PP_TRY(pp_stage_begin(ctx, "norms", &sn, err));
  PP_TRY(setup_side(ctx, s, &x, err));
  snprintf(r->projectors, sizeof r->projectors, "%s", x.pr.pm.desc);
  r->lreal = pp_lreal_name(x.pr.pm.lr.mode);
  PP_TRY(pp_stage_need(&sn, "norm-tables, wavefunctions, projections, io-buffer, write-buffer", run_need(s, &x), err));
  PP_TRY(pp_stage_pool(&sn, "norm-tables", NULL, 0, &tables, err));
  PP_TRY(pp_stage_pool(&sn, "wavefunctions", &tables, 1, &wf, err));
  PP_TRY(pp_read_stage(ctx, &x.lay, s->ds, 0, wc->nbands, 0, wf, "WAVECAR", &bands, err));
  PP_TRY(pp_stage_pool(&sn, "projections", &wf, 1, &proj, err)); /* gram and write use them too */
  PP_TRY(pp_stage_begin(ctx, "project", &sp, err));
  PP_TRY(pp_aenorm_project(&sp, &x.lay, &bands, &x.pr.paw, cell, proj, tables, &a, err));
  pp_stage_add_work(&sp, 0, a.proj_flops);
  PP_TRY(pp_stage_end(&sp, err));
  PP_TRY(pp_stage_begin(ctx, "gram", &sgr, err));
  st = pp_aenorm_compute(&sgr, &x.lay, &bands, &x.pr.paw, cell, &a, err);
  PP_TRY(pp_agree(st, err, ctx->world)); /* its ring buffers may fail on one rank */
  PP_TRY(pp_stage_end(&sgr, err));
  if (s->h5) PP_TRY(write_stage(ctx, s, &bands, &x.pr.paw, &a, proj, err));
  PP_TRY(pp_agree(keep_tables(wc, &a, r, err), err, ctx->world));
  PP_TRY(pp_stage_end(&sn, err));
done:
  pp_stage_abort(&sgr); /* error paths: every pool of the run; no-ops once ended */
  pp_stage_abort(&sp);
  pp_stage_abort(&sn);
  side_free(&x);
  if (st != PP_OK) pp_norms_result_free(r);
  return st;
}

void pp_norms_result_free(pp_norms_result *r) {
  free(r->pseudo);
  r->pseudo = r->ae = r->maxoff = NULL;
}
