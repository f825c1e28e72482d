/* projectplan.c — the needs of project's stages and the dry-run plan (see
 * projectplan.h). */
#include "pawproj/analysis/projectplan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/gridopt.h"
#include "pawproj/analysis/ipr.h"
#include "pawproj/analysis/overlap.h"
#include "pawproj/analysis/projectsetup.h"
#include "pawproj/analysis/readstage.h"
#include "pawproj/core/agree.h"
#include "pawproj/io/wfunfold.h"

size_t pp_project_run_need(const pp_layout *lay, const pp_dataset *ds, int lo, int hi) {
  size_t n = pp_wfset_need(lay, &ds->wc, lo, hi);
  if (ds->unfold) n += pp_wfset_unfold_io_need(lay, &ds->wc, ds->unfold, lo, hi);
  return n;
}

size_t pp_project_bulk_need(const pp_project_result *r) {
  return pp_project_run_need(&r->lay, &r->bulk, 0, r->bulk.wc.nbands);
}

size_t pp_project_defect_need(const pp_project_result *r, const pp_project_defect *d) {
  const pp_wavecar *bwc = &r->bulk.wc;
  const int nd = d->hi - d->lo;
  return pp_project_run_need(&r->lay, &d->ds, d->lo, d->hi) + (size_t)nd * 16 * (size_t)bwc->npw[0] * bwc->nspinor;
}

/* Bytes of the stage "defect" of d on this rank, and its reads and flops:
 * its slice, then the larger of the IPR stage and the overlap stage (with
 * the PAW scratch of one item and, with --h5, the projections it keeps). */
pp_status pp_project_defect_plan(const pp_project_setup *s, const pp_project_result *r, const pp_project_defect *d,
                                 const pp_wfset *bulk, int *items, double *bytes, double *read, double *flops,
                                 pp_err *err) {
  const pp_wavecar *bwc = &r->bulk.wc;
  const int nd = d->hi - d->lo;
  pp_wfset def;
  PP_CALL(pp_wfset_shape(&r->lay, &d->ds.wc, d->lo, d->hi, items, &def, err));
  const pp_pawpair *paw = s->paw ? &d->pair : NULL;
  size_t ovl = pp_overlap_need(&r->lay, bulk, nd) + pp_overlap_paw_scratch(bulk, nd, paw);
  if (paw && s->h5)
    ovl += ((size_t)bulk->nb * paw->nprojb + (size_t)nd * paw->nprojd) * bwc->nspinor * 16 * bulk->nlocal;
  size_t ipr = 0;
  if (s->ipr) {
    char dir[4096], src[4300];
    int grid[3];
    pp_dataset_dir(&d->ds, dir, sizeof dir);
    PP_CALL(pp_gridopt_choose(&s->grid_opts, dir, &d->ds.wc, grid, src, sizeof src, err));
    ipr = pp_ipr_need(&def, grid, s->paw ? &d->paw.paw : NULL);
  }
  /* The read buffer is gone before the IPR and overlap stages begin. */
  const size_t rd = pp_read_stage_need(&r->lay, &d->ds, d->lo, d->hi), after = ovl > ipr ? ovl : ipr;
  *bytes = (double)(pp_project_run_need(&r->lay, &d->ds, d->lo, d->hi) - rd) + (double)(rd > after ? rd : after);
  *read = 0;
  *flops = 0;
  for (int j = 0; j < bulk->nlocal; j++) {
    const double npw = (double)pp_wavecar_nstored(bwc, bulk->item[j] % bwc->nkpts);
    *read += (double)def.nb * (double)d->ds.wc.reclen;
    *flops += 8.0 * nd * bulk->nb * npw;
    if (paw) *flops += 8.0 * npw * bwc->nspinor * ((double)bulk->nb * paw->nprojb + (double)nd * paw->nprojd);
  }
  return PP_OK;
}

static void minmax(MPI_Comm comm, double x, double out[2]) {
  double v[2] = {-x, x}, w[2];
  MPI_Allreduce(v, w, 2, MPI_DOUBLE, MPI_MAX, comm);
  out[0] = -w[0], out[1] = w[1];
}

static pp_status plan_local(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, int *items,
                            double local[5], int *largest, pp_err *err) {
  const pp_wavecar *bwc = &r->bulk.wc;
  pp_wfset bulk;
  PP_CALL(pp_wfset_shape(&r->lay, bwc, 0, bwc->nbands, items, &bulk, err));
  int *ditems = items + r->lay.nitems;
  double most = 0, read = (double)bulk.nb * bwc->reclen * bulk.nlocal, flops = 0;
  for (int i = 0; i < r->ndefects; i++) {
    pp_project_defect *d = &r->defects[i];
    double bytes, dread, dflops;
    pp_status st = pp_agree(pp_project_defect_begin(ctx, s, r, d, err), err, ctx->world);
    if (st == PP_OK) st = pp_project_defect_plan(s, r, d, &bulk, ditems, &bytes, &dread, &dflops, err);
    pp_project_defect_end(d);
    PP_CALL(pp_agree(st, err, ctx->world));
    if (bytes > most) most = bytes, *largest = i;
    read += dread, flops += dflops;
  }
  size_t results = 0;
  for (int i = 0; i < r->ndefects; i++)
    results += (size_t)bwc->nspin * (r->defects[i].hi - r->defects[i].lo) * (PP_CHAR_N + 2) * sizeof(double) + 32;
  /* At the peak the bulk's read buffer is gone, unless it is the peak. */
  const double brd = (double)pp_read_stage_need(&r->lay, &r->bulk, 0, bwc->nbands);
  local[0] = (double)pp_project_bulk_need(r) - brd;
  local[1] = most;
  local[2] = local[0] + (most > brd ? most : brd) + (double)results;
  local[3] = read;
  local[4] = flops;
  return PP_OK;
}

pp_status pp_project_plan_make(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  pp_project_plan *p = &r->plan;
  int *items = malloc(sizeof *items * (2 * (size_t)r->lay.nitems + 1));
  if (!items) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  double local[5] = {0};
  int largest = 0;
  const pp_status st = plan_local(ctx, s, r, items, local, &largest, err);
  free(items);
  PP_CALL(st);
  minmax(ctx->world, local[0], p->bulk_wf);
  minmax(ctx->world, local[1], p->defect);
  minmax(ctx->world, local[2], p->pools);
  minmax(ctx->world, local[3], p->bytes_read);
  minmax(ctx->world, local[4], p->flops);
  double lo, hi;
  pp_peak_rss(ctx, &lo, &hi);
  p->rss_setup[0] = lo, p->rss_setup[1] = hi;
  minmax(ctx->world, hi + local[2] / (1024.0 * 1024.0), p->rss_peak);
  /* The rank with the largest pools names its largest defect. */
  struct {
    double v;
    int rank;
  } mine = {local[2], ctx->rank}, top;
  MPI_Allreduce(&mine, &top, 1, MPI_DOUBLE_INT, MPI_MAXLOC, ctx->world);
  p->largest = largest;
  MPI_Bcast(&p->largest, 1, MPI_INT, top.rank, ctx->world);
  /* Refused as the run would be, before it reads a band. */
  const size_t need = (size_t)local[2];
  const pp_status bs = pp_pools_check_budget(
      &ctx->pools, "project (dry run: bulk-wf, defect-wf, defect-gathered, overlaps)", need, err);
  return pp_agree(bs, err, ctx->world);
}
