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

/* Bulk bands per block. The products are formed over whole blocks of the
 * window, [lo + g·BLOCK, lo + (g + 1)·BLOCK): a block this rank holds only
 * partly is multiplied whole, the rows it does not hold zero and dropped,
 * and a run of whole blocks in one call. ZGEMM (OpenBLAS) rounds an
 * element by the call's inner dimension and by the kernel that serves its
 * tile, full or edge; with calls that start and end on block boundaries
 * (BLOCK a multiple of every kernel's row unroll) an element always falls
 * in the same kind of tile, so each overlap is the same bits on any number
 * of ranks (tests: ranks_agree, gpaw.symmetry). */
enum { BLOCK = 32 };

size_t pp_overlap_need(const pp_layout *lay, const pp_wfset *bulk, int ndefect) {
  (void)lay;
  const size_t nwin = (size_t)(bulk->hi - bulk->lo);
  return (size_t)ndefect * (size_t)max_ld(bulk) * 16 + (size_t)BLOCK * (size_t)max_ld(bulk) * 16 +
         (size_t)BLOCK * ndefect * 16 + nwin * ndefect * 2 * sizeof(double) +
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

/* What the products of an item need besides the gathered defect bands:
 * one block of bulk bands (for a block this rank holds only partly), its
 * overlaps, every bulk band's (v, c) weights, and with paw the defect's
 * side (plan, X_D) and one block's bulk side X_B. */
typedef struct {
  double complex *blk; /* (BLOCK, ld) */
  double complex *Sb;  /* (nd, BLOCK) column-major */
  double *w;           /* (nwin, nd, 2): |S_mn|² by band of the window */
  const pp_pawpair *paw;
  pp_kplan kp;
  double complex *XD, *XB;
} products;

/* Bands [g0, g1) of the window (whole blocks): their overlaps with all
 * defect bands, rows [m0, m1) of them (this rank's) stored in S, and with
 * paw the bulk projections. Bands [g0, g1) are held whole (A in the slice,
 * T = S) or the call is one block held in part (A = x->blk padded with
 * zeros, T = x->Sb). The PAW side goes block by block (X_B holds one). */
static pp_status rows(products *x, const pp_wfset *bulk, int j, const double complex *all, int nd, int ld, int g0,
                      int g1, double complex *Sj, double complex *PB, pp_err *err) {
  const int nbl = bulk->nb, n = g1 - g0;
  const int m0 = g0 > bulk->b0 ? g0 : bulk->b0, m1 = g1 < bulk->b0 + nbl ? g1 : bulk->b0 + nbl;
  const double complex *A = bulk->c[j] + (size_t)(m0 - bulk->b0) * ld;
  double complex *T = Sj + (m0 - bulk->b0);
  int ldt = nbl;
  if (m0 != g0 || m1 != g1) {
    memset(x->blk, 0, sizeof *x->blk * (size_t)n * ld);
    memcpy(x->blk + (size_t)(m0 - g0) * ld, A, sizeof *A * (size_t)(m1 - m0) * ld);
    A = x->blk;
    T = x->Sb;
    ldt = n;
  }
  const double complex one = 1, zero = 0;
  zgemm_("C", "N", &n, &nd, &ld, &one, A, &ld, all, &ld, &zero, T, &ldt);
  const int nspinor = bulk->wc->nspinor;
  for (int b0 = g0; x->paw && b0 < g1; b0 += BLOCK) {
    const int ldx = nspinor * x->paw->ncol, nb = g1 - b0 < BLOCK ? g1 - b0 : BLOCK;
    const int r0 = b0 > m0 ? b0 : m0, r1 = b0 + nb < m1 ? b0 + nb : m1;
    PP_CALL(pp_pawpair_bside(x->paw, &x->kp, A + (size_t)(b0 - g0) * ld, nb, ld, x->XB, err));
    if (PB) pp_pawpair_bulk_proj(x->paw, nspinor, x->XB + (size_t)(r0 - b0) * ldx, r1 - r0,
                                 PB + (size_t)(r0 - bulk->b0) * nspinor * x->paw->nprojb);
    pp_pawpair_multiply(x->paw, nspinor, x->XB, nb, x->XD, nd, T + (b0 - g0), ldt);
  }
  const int gamma = pp_variant_is_gamma(bulk->wc->variant);
  const int k = bulk->item[j] % bulk->wc->nkpts, s = pp_wfset_spin(bulk, j);
  for (int c = 0; c < nd; c++)
    for (int m = m0; m < m1; m++) {
      double complex v = T == x->Sb ? x->Sb[(size_t)c * n + (m - g0)] : Sj[(size_t)c * nbl + (m - bulk->b0)];
      if (gamma) v = creal(v);
      Sj[(size_t)c * nbl + (m - bulk->b0)] = v;
      const int valence = bulk->wc->occ[pp_wavecar_idx(bulk->wc, s, k, m)] > PP_OCC_VALENCE;
      x->w[((size_t)(m - bulk->lo) * nd + c) * 2 + (valence ? 0 : 1)] = creal(v) * creal(v) + cimag(v) * cimag(v);
    }
  return PP_OK;
}

/* Item j from scratch: the group's defect bands gathered, the products
 * block by block, the PAW terms; r (nd, 2) the group's (v, c), summed in
 * band order on every rank (each band's weight comes from the one rank
 * that holds it, the others add zeros: exact). Collective over the group. */
static pp_status compute_item(pp_stage *sg, const pp_layout *lay, const pp_wfset *bulk, const pp_wfset *def,
                              const pp_pawpair *paw, int j, double complex *all, products *x, double complex *Sj,
                              pp_overlap_proj *proj, double *r, pp_err *err) {
  const pp_wavecar *bwc = bulk->wc;
  const int nd = def->hi - def->lo, nbl = bulk->nb, nwin = bulk->hi - bulk->lo;
  const int k = bulk->item[j] % bwc->nkpts;
  const int ld = (int)pp_wavecar_nstored(bwc, k);
  PP_CALL(gather_defect(lay, def, j, ld, all, err));
  memset(x->w, 0, sizeof *x->w * (size_t)nwin * nd * 2);
  pp_pool *scratch = NULL;
  pp_status st = PP_OK;
  x->paw = paw;
  memset(&x->kp, 0, sizeof x->kp);
  if (paw) {
    const size_t row = sizeof(double complex) * (size_t)bwc->nspinor * paw->ncol;
    PP_CALL(pp_stage_pool(sg, "paw-scratch", NULL, 0, &scratch, err));
    PP_TRY(pp_pawpair_dside(paw, bwc, k, all, nd, ld, &x->kp, &x->XD,
                            proj ? proj->PD + (size_t)j * nd * proj->ncd : NULL, scratch, err));
    PP_TRY(pp_pool_alloc(scratch, ((size_t)BLOCK + 1) * row, (void **)&x->XB, err));
  }
  double complex *PB = paw && proj ? proj->PB + (size_t)j * nbl * proj->ncb : NULL;
  /* The slice's blocks: a partly held one alone, a run of whole ones in one call. */
  const int end = bulk->b0 + nbl;
#define NEXT(g) ((g) + BLOCK < bulk->hi ? (g) + BLOCK : bulk->hi)
  for (int g0 = bulk->lo + (bulk->b0 - bulk->lo) / BLOCK * BLOCK, g1; nbl > 0 && g0 < end; g0 = g1) {
    g1 = NEXT(g0);
    if (g0 >= bulk->b0 && g1 <= end)
      while (g1 < end && NEXT(g1) <= end) g1 = NEXT(g1);
    PP_TRY(rows(x, bulk, j, all, nd, ld, g0, g1, Sj, PB, err));
  }
#undef NEXT
done:
  pp_kplan_free(&x->kp);
  if (scratch) {
    const pp_status rel = pp_pool_release(scratch, st == PP_OK ? err : &(pp_err){0});
    if (st == PP_OK) st = rel;
  }
  /* The group meets here whatever happened, and agrees before the sum. */
  PP_CALL(pp_agree(st, err, lay->kcomm));
  if (MPI_Allreduce(MPI_IN_PLACE, x->w, nwin * nd * 2, MPI_DOUBLE, MPI_SUM, lay->kcomm) != MPI_SUCCESS)
    PP_FAIL(err, PP_ERR_MPI, "MPI_Allreduce of the band weights failed");
  for (int n = 0; n < nd; n++) {
    r[2 * n] = r[2 * n + 1] = 0;
    for (int m = 0; m < nwin; m++) {
      r[2 * n] += x->w[((size_t)m * nd + n) * 2];
      r[2 * n + 1] += x->w[((size_t)m * nd + n) * 2 + 1];
    }
  }
  return PP_OK;
}

/* Item j: from an earlier run's checkpoint, or computed (its (v, c) summed
 * over the group's bulk slices) and checkpointed. */
static pp_status one_item(pp_stage *sg, const pp_layout *lay, const pp_wfset *bulk, const pp_wfset *def,
                         const pp_pawpair *paw, int j, double complex *all, products *x, double complex *S,
                         pp_overlap_proj *proj,
                         double *raw, const pp_overlap_items *items, pp_err *err) {
  const int nd = def->hi - def->lo, nbl = bulk->nb;
  double complex *Sj = S + (size_t)j * nd * nbl;
  double complex *PB = paw && proj ? proj->PB + (size_t)j * nbl * proj->ncb : NULL;
  double complex *PD = paw && proj ? proj->PD + (size_t)j * nd * proj->ncd : NULL;
  double *r = raw + (size_t)j * nd * 2;
  int done = 0;
  if (items) PP_CALL(items->load(items->arg, bulk->item[j], bulk->b0, nbl, Sj, r, PB, PD, &done, err));
  if (done) return PP_OK;
  PP_CALL(compute_item(sg, lay, bulk, def, paw, j, all, x, Sj, proj, r, err));
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
  products x = {0};
  PP_CALL(pp_pool_alloc(ovl_pool, (size_t)BLOCK * (size_t)ldmax * 16 + 16, (void **)&x.blk, err));
  PP_CALL(pp_pool_alloc(ovl_pool, (size_t)BLOCK * nd * 16 + 16, (void **)&x.Sb, err));
  PP_CALL(pp_pool_alloc(ovl_pool, (size_t)(bulk->hi - bulk->lo) * nd * 2 * sizeof(double) + 16, (void **)&x.w, err));
  if (paw && proj) PP_CALL(alloc_proj(bulk, nd, paw, ovl_pool, proj, err));
  int rounds = bulk->nlocal;
  if (items) MPI_Allreduce(MPI_IN_PLACE, &rounds, 1, MPI_INT, MPI_MAX, lay->world);
  for (int j = 0; j < rounds; j++) {
    pp_status st = j < bulk->nlocal ? one_item(sg, lay, bulk, def, paw, j, all, &x, *S, proj, raw, items, err) : PP_OK;
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
    const size_t b = pp_pawpair_scratch_bytes(paw, bulk->wc, bulk->item[j] % bulk->wc->nkpts, BLOCK, ndefect);
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
