/* densitysum.c — the density summed over the (spin, k) items in a fixed
 * order (see densitypass.h). */
#include "pawproj/analysis/densitypass.h"

#include <stdio.h>
#include <string.h>

#include "pawproj/core/agree.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/wfset.h"
#include "pawproj/model/gvec.h"

/* ri += Σ_b w_b |ψ_b|² of one (spin, k) item on my slab; *states counts
 * the spinor components put on the grid (on band rank 0 only, so that the
 * sum over the world counts each once). m: scratch for the G list. */
static pp_status add_item(const pp_density_pass *p, pp_stage *sg, pp_rgrid *g, const pp_aeplan *ae, int s, int k,
                          int (*m)[3], double *ri, long long *states, pp_err *err) {
  const pp_wavecar *wc = &p->ds->wc;
  const pp_structure *cell = &p->ds->structure;
  const int64_t npw = wc->npw[k];
  const ptrdiff_t nloc = pp_rgrid_local(g);
  pp_kplan kp = {0};
  pp_pool *pool = NULL;
  const int(*glist)[3] = (const int(*)[3])m;
  pp_status st = PP_OK;
  /* Once for all bands of the item: the plan (its G list too), or the G
   * list alone. */
  if (ae) {
    PP_TRY(pp_stage_pool(sg, "kpoint-plan", NULL, 0, &pool, err));
    PP_TRY(pp_kplan_create(p->paw, wc, k, pool, &kp, err));
    glist = (const int(*)[3])kp.miller;
  } else {
    int64_t got;
    PP_TRY(pp_gvec_generate(wc->lattice, wc->encut, wc->kfrac[k], wc->variant, m, npw, &got, err));
  }
  for (int b = p->lo; b < p->hi; b++) {
    const double w = pp_density_weight(p, s, k, b);
    if (w == 0) continue;
    PP_TRY(pp_wfset_read_band_buf(wc, p->src, s, k, b, p->c, p->rec, p->lay->kcomm, err));
    if (p->lay->brank == 0) pp_stage_add_work(sg, (double)wc->coef_bytes * (double)pp_wavecar_nstored(wc, k), 0);
    if (ae) PP_TRY(pp_kplan_project(&kp, cell, p->c, 1, pp_wavecar_nstored(wc, k), p->P, err));
    for (int sp = 0; sp < wc->nspinor; sp++) {
      *states += p->lay->brank == 0;
      PP_TRY(pp_state_fill_glist(g, wc, k, p->c + (int64_t)sp * npw, ae, cell,
                                 ae ? p->P + (size_t)sp * p->paw->nproj : NULL, 1, glist, err));
#pragma omp parallel for schedule(static)
      for (ptrdiff_t i = 0; i < nloc; i++)
        ri[i] += w * (creal(g->buf[i]) * creal(g->buf[i]) + cimag(g->buf[i]) * cimag(g->buf[i]));
    }
  }
done:
  pp_kplan_free(&kp);
  if (pool) {
    const pp_status rs = pp_pool_release(pool, err);
    if (st == PP_OK) st = rs;
  }
  return st;
}

/* With one group the items are added at once in item order; with more,
 * each group keeps its items apart until the end, when the owner groups
 * broadcast them in item order: the same additions in the same order as
 * on one rank. Slabs of items kept apart: */
static int owned_items(const pp_layout *lay) {
  int nown = 0;
  for (int item = 0; item < lay->nitems; item++) nown += pp_layout_owns_item(lay, item);
  return nown;
}
static int kept_slabs(const pp_layout *lay) {
  const int nown = owned_items(lay);
  return lay->nkgroups == 1 ? 1 : (nown > 0 ? nown : 1);
}

static int64_t largest_npw(const pp_wavecar *wc) {
  int64_t n = 0;
  for (int k = 0; k < wc->nkpts; k++)
    if (wc->npw[k] > n) n = wc->npw[k];
  return n;
}

/* Pool blocks of the pass: the kept slabs, the receive slab (several
 * groups only), the G list. */
static size_t part_bytes(const pp_density_pass *p, ptrdiff_t nloc) {
  return sizeof(double) * ((size_t)kept_slabs(p->lay) * (size_t)nloc + 1);
}
static size_t recv_bytes(const pp_density_pass *p, ptrdiff_t nloc) {
  return p->lay->nkgroups > 1 ? sizeof(double) * ((size_t)nloc + 1) : 0;
}
static size_t glist_bytes(const pp_density_pass *p) {
  return sizeof(int[3]) * (size_t)(largest_npw(&p->ds->wc) + 1);
}

size_t pp_density_plan_bytes(const pp_density_pass *p) {
  size_t most = 0;
  for (int item = 0; p->paw && item < p->lay->nitems; item++) { /* the items this rank plans */
    if (!pp_layout_owns_item(p->lay, item)) continue;
    const size_t b = pp_kplan_bytes(p->paw, &p->ds->wc, item % p->ds->wc.nkpts, 0);
    if (b > most) most = b;
  }
  return most;
}

size_t pp_density_sum_bytes(const pp_density_pass *p, ptrdiff_t nloc) {
  return part_bytes(p, nloc) + recv_bytes(p, nloc) + glist_bytes(p) + pp_density_plan_bytes(p);
}

pp_status pp_density_sum(const pp_density_pass *p, pp_rgrid *g, const pp_aeplan *ae, pp_pool *rho_pool, double *rho,
                         long long *nstates, double *seconds, pp_err *err) {
  const pp_wavecar *wc = &p->ds->wc;
  const pp_layout *lay = p->lay;
  const int progress = !p->ctx->quiet;
  const ptrdiff_t nloc = pp_rgrid_local(g);
  const int ngroups = lay->nkgroups, nown = owned_items(lay);
  pp_stage sg = {0};
  pp_pool *parts = NULL, *glist = NULL;
  double *part = NULL, *tmp = NULL;
  int(*m)[3] = NULL;
  pp_status st = PP_OK;
  PP_TRY(pp_stage_begin(p->ctx, "sum", &sg, err));
  PP_TRY(pp_stage_need(&sg, "partials, g-list", pp_density_sum_bytes(p, nloc), err));
  PP_TRY(pp_stage_pool(&sg, "partials", &rho_pool, 1, &parts, err));
  PP_TRY(pp_stage_pool(&sg, "g-list", &rho_pool, 1, &glist, err));
  st = pp_pool_alloc(parts, part_bytes(p, nloc), (void **)&part, err);
  if (st == PP_OK && ngroups > 1) st = pp_pool_alloc(parts, recv_bytes(p, nloc), (void **)&tmp, err);
  if (st == PP_OK) st = pp_pool_alloc(glist, glist_bytes(p), (void **)&m, err);
  PP_TRY(pp_agree(st, err, lay->world));
  int done_items = 0;
  long long states = 0;
  const double t0 = MPI_Wtime();
  for (int item = 0; item < lay->nitems; item++) {
    if (!pp_layout_owns_item(lay, item)) continue;
    const int s = item / wc->nkpts, k = item % wc->nkpts;
    double *ri = part + (size_t)(ngroups == 1 ? 0 : done_items) * nloc;
    memset(ri, 0, sizeof *ri * (size_t)nloc);
    PP_TRY(add_item(p, &sg, g, ae, s, k, m, ri, &states, err));
    if (ngroups == 1)
      for (ptrdiff_t i = 0; i < nloc; i++) rho[i] += ri[i];
    done_items++;
    if (progress && lay->rank == 0)
      fprintf(stderr, "[pawproj] density: spin %d k-point %d done (%d of %d on group 0)\n", s + 1, k + 1,
              done_items, nown);
  }
  if (ngroups > 1) {
    for (int item = 0, mine = 0; item < lay->nitems; item++) {
      const int owner = pp_layout_item_group(lay, item);
      if (owner == lay->kgroup) memcpy(tmp, part + (size_t)mine++ * nloc, sizeof *tmp * (size_t)nloc);
      MPI_Bcast(tmp, (int)nloc, MPI_DOUBLE, owner, lay->xcomm);
      for (ptrdiff_t i = 0; i < nloc; i++) rho[i] += tmp[i];
    }
  }
  MPI_Allreduce(&states, nstates, 1, MPI_LONG_LONG, MPI_SUM, lay->world);
  *seconds = MPI_Wtime() - t0;
  if (progress && lay->rank == 0)
    fprintf(stderr, "[pawproj] density: %lld states on the %d × %d × %d grid in %.3f s (%.2f states/s)\n", *nstates,
            g->n[0], g->n[1], g->n[2], *seconds, *nstates / (*seconds > 0 ? *seconds : 1e-30));
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg); /* error paths: the pass's pools */
  return st;
}
