/* overlap.c — pseudo band overlaps and character (see overlap.h). */
#include "pawproj/analysis/overlap.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/bandstats.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/blas.h"

static int64_t max_ld(const pp_wfset *set) {
  int64_t m = 0;
  for (int j = 0; j < set->nlocal; j++) {
    const int64_t ld = pp_wavecar_nstored(set->wc, set->item[j] % set->wc->nkpts);
    if (ld > m) m = ld;
  }
  return m;
}

size_t pp_overlap_need(const pp_layout *lay, const pp_wfset *bulk, int ndefect) {
  (void)lay;
  return (size_t)ndefect * (size_t)max_ld(bulk) * 16 +
         (size_t)bulk->nlocal * (size_t)ndefect * (size_t)bulk->nb * 16 +
         (size_t)bulk->nlocal * (size_t)ndefect * 2 * sizeof(double) +
         (size_t)bulk->wc->nspin * bulk->wc->nkpts * (size_t)ndefect * 2 * sizeof(double) + 4096;
}

/* Gathers the group's defect slices of item j into all (nd, ld). */
static pp_status gather_defect(const pp_layout *lay, const pp_wfset *def, int j, int64_t ld,
                               double complex *all, pp_err *err) {
  const int nd = def->hi - def->lo;
  int *counts = malloc(2 * sizeof(int) * (size_t)lay->nbranks);
  if (!counts) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  int *displs = counts + lay->nbranks;
  for (int r = 0; r < lay->nbranks; r++) {
    int b0, nb;
    pp_layout_bands(lay, nd, r, &b0, &nb);
    counts[r] = (int)((int64_t)nb * ld);
    displs[r] = (int)((int64_t)b0 * ld);
  }
  const int rc = MPI_Allgatherv(def->c[j], counts[lay->brank], MPI_C_DOUBLE_COMPLEX, all, counts,
                                displs, MPI_C_DOUBLE_COMPLEX, lay->kcomm);
  free(counts);
  if (rc != MPI_SUCCESS) PP_FAIL(err, PP_ERR_MPI, "MPI_Allgatherv of defect bands failed");
  return PP_OK;
}

static pp_status alloc_proj(const pp_wfset *bulk, int nd, const pp_pawpair *paw, pp_pool *pool,
                            pp_overlap_proj *proj, pp_err *err) {
  const int nspinor = bulk->wc->nspinor;
  proj->ncb = nspinor * paw->nprojb;
  proj->ncd = nspinor * paw->nprojd;
  PP_CALL(pp_pool_alloc(pool, (size_t)bulk->nlocal * bulk->nb * proj->ncb * 16 + 16,
                        (void **)&proj->PB, err));
  PP_CALL(pp_pool_alloc(pool, (size_t)bulk->nlocal * nd * proj->ncd * 16 + 16,
                        (void **)&proj->PD, err));
  return PP_OK;
}

/* The PAW terms of item j, their buffers in a pool of the stage for this
 * item alone. */
static pp_status add_paw(pp_stage *sg, const pp_pawpair *paw, const pp_wfset *bulk, int j, const double complex *all,
                         int nd, int ld, double complex *Sj, pp_overlap_proj *proj, pp_err *err) {
  const pp_wavecar *bwc = bulk->wc;
  const int k = bulk->item[j] % bwc->nkpts, nbl = bulk->nb;
  pp_pool *scratch;
  PP_CALL(pp_stage_pool(sg, "paw-scratch", NULL, 0, &scratch, err));
  const pp_status st = pp_pawpair_add(paw, bwc, k, bulk->c[j], nbl, all, nd, ld, Sj,
                                      proj ? proj->PB + (size_t)j * nbl * proj->ncb : NULL,
                                      proj ? proj->PD + (size_t)j * nd * proj->ncd : NULL, scratch, err);
  PP_CALL(pp_pool_release(scratch, err));
  return st;
}

/* Item j from scratch: the group's defect bands gathered, one ZGEMM, the
 * PAW terms; r (nd, 2) this rank's part of (v, c). */
static pp_status compute_item(pp_stage *sg, const pp_layout *lay, const pp_wfset *bulk, const pp_wfset *def,
                              const pp_pawpair *paw, int j, double complex *all, double complex *Sj,
                              pp_overlap_proj *proj, double *r, pp_err *err) {
  const pp_wavecar *bwc = bulk->wc;
  const int nd = def->hi - def->lo, nbl = bulk->nb;
  const int k = bulk->item[j] % bwc->nkpts;
  const int ld = (int)pp_wavecar_nstored(bwc, k);
  PP_CALL(gather_defect(lay, def, j, ld, all, err));
  if (nbl > 0) {
    /* Column-major view: bulk rows are columns of a (ld × nbl) matrix. */
    const double complex one = 1, zero = 0;
    zgemm_("C", "N", &nbl, &nd, &ld, &one, bulk->c[j], &ld, all, &ld, &zero, Sj, &nbl);
  }
  if (paw) PP_CALL(add_paw(sg, paw, bulk, j, all, nd, ld, Sj, proj, err));
  const int gamma = pp_variant_is_gamma(bwc->variant);
  for (int n = 0; n < nd; n++) {
    r[2 * n] = r[2 * n + 1] = 0;
    for (int m = 0; m < nbl; m++) {
      double complex *x = Sj + (size_t)n * nbl + m;
      if (gamma) *x = creal(*x);
      const double p = creal(*x) * creal(*x) + cimag(*x) * cimag(*x);
      const int valence = bwc->occ[pp_wavecar_idx(bwc, pp_wfset_spin(bulk, j), k, bulk->b0 + m)] > PP_OCC_VALENCE;
      r[2 * n + (valence ? 0 : 1)] += p;
    }
  }
  return PP_OK;
}

/* Item j: from an earlier run's checkpoint, or computed (its (v, c) summed
 * over the group's bulk slices) and checkpointed. */
static pp_status one_item(pp_stage *sg, const pp_layout *lay, const pp_wfset *bulk, const pp_wfset *def,
                         const pp_pawpair *paw, int j, double complex *all, double complex *S, pp_overlap_proj *proj,
                         double *raw, const pp_overlap_items *items, pp_err *err) {
  const int nd = def->hi - def->lo, nbl = bulk->nb;
  double complex *Sj = S + (size_t)j * nd * nbl;
  double complex *PB = paw && proj ? proj->PB + (size_t)j * nbl * proj->ncb : NULL;
  double complex *PD = paw && proj ? proj->PD + (size_t)j * nd * proj->ncd : NULL;
  double *r = raw + (size_t)j * nd * 2;
  int done = 0;
  if (items) PP_CALL(items->load(items->arg, bulk->item[j], bulk->b0, nbl, Sj, r, PB, PD, &done, err));
  if (done) return PP_OK;
  PP_CALL(compute_item(sg, lay, bulk, def, paw, j, all, Sj, proj, r, err));
  /* Sum the band slices of the group: every group rank has the same items. */
  if (MPI_Allreduce(MPI_IN_PLACE, r, nd * 2, MPI_DOUBLE, MPI_SUM, lay->kcomm) != MPI_SUCCESS)
    PP_FAIL(err, PP_ERR_MPI, "MPI_Allreduce of the band weights failed");
  return items ? items->save(items->arg, bulk->item[j], bulk->b0, nbl, Sj, r, PB, PD, err) : PP_OK;
}

/* Every local item, in rounds (see pp_overlap_items); raw (nlocal, nd, 2)
 * summed over the group's bulk slices. */
static pp_status compute(pp_stage *sg, const pp_layout *lay, const pp_wfset *bulk, const pp_wfset *def,
                         const pp_pawpair *paw, pp_pool *gather_pool, pp_pool *ovl_pool,
                         double complex **S, pp_overlap_proj *proj, double *raw, const pp_overlap_items *items,
                         pp_err *err) {
  const int nd = def->hi - def->lo, nbl = bulk->nb;
  const int64_t ldmax = max_ld(bulk);
  if ((int64_t)nd * ldmax > INT_MAX || ldmax > INT_MAX)
    PP_FAIL(err, PP_ERR_ARG, "%d defect bands × %lld coefficients exceed one MPI message; "
            "select fewer bands with --bands", nd, (long long)ldmax);
  double complex *all = NULL;
  PP_CALL(pp_pool_alloc(gather_pool, (size_t)nd * (size_t)ldmax * 16 + 16, (void **)&all, err));
  PP_CALL(pp_pool_alloc(ovl_pool, (size_t)bulk->nlocal * nd * (size_t)nbl * 16 + 16,
                        (void **)S, err));
  if (paw && proj) PP_CALL(alloc_proj(bulk, nd, paw, ovl_pool, proj, err));
  int rounds = bulk->nlocal;
  if (items) MPI_Allreduce(MPI_IN_PLACE, &rounds, 1, MPI_INT, MPI_MAX, lay->world);
  for (int j = 0; j < rounds; j++) {
    pp_status st = j < bulk->nlocal ? one_item(sg, lay, bulk, def, paw, j, all, *S, proj, raw, items, err) : PP_OK;
    if (!items) {
      PP_CALL(st);
      continue;
    }
    /* Every rank meets here each round, also after a failure elsewhere. */
    PP_CALL(pp_agree(st, err, lay->world));
    PP_CALL(items->between(items->arg, j, rounds, err));
  }
  return PP_OK;
}

size_t pp_overlap_paw_scratch(const pp_wfset *bulk, int ndefect, const pp_pawpair *paw) {
  size_t most = 0;
  for (int j = 0; paw && j < bulk->nlocal; j++) {
    const size_t b = pp_pawpair_scratch_bytes(paw, bulk->wc, bulk->item[j] % bulk->wc->nkpts, bulk->nb, ndefect);
    if (b > most) most = b;
  }
  return most;
}

pp_status pp_overlap_compute(pp_stage *sg, const pp_layout *lay, const pp_wfset *bulk, const pp_wfset *defect,
                             const pp_pawpair *paw, const double *kweight, pp_pool *gather_pool,
                             pp_pool *ovl_pool, double complex **S, pp_overlap_proj *proj,
                             double *character, const pp_overlap_items *items, pp_err *err) {
  const pp_wavecar *bwc = bulk->wc;
  const int nd = defect->hi - defect->lo;
  double *raw = NULL;
  if (paw) PP_CALL(pp_stage_need(sg, "paw-scratch", pp_overlap_paw_scratch(bulk, nd, paw), err));
  pp_status st = pp_pool_alloc(ovl_pool, (size_t)bulk->nlocal * nd * 2 * sizeof(double) + 16,
                               (void **)&raw, err);
  if (st == PP_OK)
    st = compute(sg, lay, bulk, defect, paw, gather_pool, ovl_pool, S, proj, raw, items, err);
  PP_CALL(pp_agree(st, err, lay->world));
  /* Every item's (v, c) on every rank (one group contributes each entry,
   * the others add zeros: exact), then the k-weighted sums in item order,
   * so that the character does not depend on how items fall to groups. */
  const int nitems = bwc->nspin * bwc->nkpts;
  double *all = NULL;
  PP_CALL(pp_agree(pp_pool_alloc(ovl_pool, sizeof *all * ((size_t)nitems * nd * 2 + 1), (void **)&all, err), err,
                   lay->world));
  memset(all, 0, sizeof *all * (size_t)nitems * nd * 2);
  if (lay->brank == 0)
    for (int j = 0; j < bulk->nlocal; j++)
      memcpy(all + (size_t)bulk->item[j] * nd * 2, raw + (size_t)j * nd * 2, sizeof *all * (size_t)nd * 2);
  MPI_Allreduce(MPI_IN_PLACE, all, nitems * nd * 2, MPI_DOUBLE, MPI_SUM, lay->world);
  const size_t nc = (size_t)bwc->nspin * nd * PP_CHAR_N;
  memset(character, 0, nc * sizeof *character);
  for (int it = 0; it < nitems; it++) {
    const int s = it / bwc->nkpts, k = it % bwc->nkpts;
    for (int n = 0; n < nd; n++) {
      const double v = all[((size_t)it * nd + n) * 2], c = all[((size_t)it * nd + n) * 2 + 1];
      double *out = character + ((size_t)s * nd + n) * PP_CHAR_N;
      const double tot = v + c;
      /* PAW overlaps conserve the norm: no renormalisation. */
      const double norm = paw ? 1.0 : tot;
      out[PP_CHAR_VALENCE] += norm > 0 ? kweight[k] * v / norm : 0;
      out[PP_CHAR_CONDUCTION] += norm > 0 ? kweight[k] * c / norm : 0;
      out[PP_CHAR_CAPTURED] += kweight[k] * tot;
    }
  }
  return PP_OK;
}
