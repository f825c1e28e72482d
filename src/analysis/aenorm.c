/* aenorm.c — AE norms and the ring-passed Gram matrix (see aenorm.h). */
#include "pawproj/analysis/aenorm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/agree.h"
#include "pawproj/core/blas.h"

/* max |<m|n> − δ| between my slice (C, P) and a travelling slice (TC, TQP). */
static double block_maxoff(int gamma, int nb, int b0, const double complex *C, const double complex *P,
                           int tnb, int tb0, const double complex *TC, const double complex *TQP, int ld,
                           int ldp, double complex *O) {
  if (nb == 0 || tnb == 0) return 0;
  const double complex one = 1, zero = 0;
  zgemm_("C", "N", &nb, &tnb, &ld, &one, C, &ld, TC, &ld, &zero, O, &nb);
  zgemm_("C", "N", &nb, &tnb, &ldp, &one, P, &ldp, TQP, &ldp, &one, O, &nb);
  double m = 0;
  for (int n = 0; n < tnb; n++)
    for (int i = 0; i < nb; i++) {
      double complex x = O[(size_t)n * nb + i];
      if (gamma) x = creal(x);
      if (b0 + i == tb0 + n) continue;
      if (cabs(x) > m) m = cabs(x);
    }
  return m;
}

/* Travelling buffers hold the largest slice of the group. */
static int max_slice(const pp_layout *lay, int nbands) {
  int maxnb = 0;
  for (int r = 0; r < lay->nbranks; r++) {
    int b0, n;
    pp_layout_slice(nbands, lay->nbranks, r, &b0, &n);
    if (n > maxnb) maxnb = n;
  }
  return maxnb;
}

/* The ring buffers of an item at k-point k for my slice of nb of the
 * group's nbands: the travelling slice T (C rows, then QP rows), my QP and
 * one overlap block O. */
static size_t ring_bytes(const pp_layout *lay, const pp_wavecar *wc, const pp_paw *paw, int k, int nbands, int nb) {
  const int64_t ld = pp_wavecar_nstored(wc, k);
  const size_t ldp = (size_t)wc->nspinor * paw->nproj, maxnb = (size_t)max_slice(lay, nbands);
  return sizeof(double complex) * ((maxnb * ((size_t)ld + ldp) + 1) + ((size_t)nb * ldp + 1) + ((size_t)nb * maxnb + 1)) +
         3 * 64;
}

size_t pp_aenorm_work_bytes(const pp_layout *lay, const pp_wavecar *wc, const pp_paw *paw, int lo, int hi,
                            size_t *plan, size_t *ring) {
  int b0, nb;
  pp_layout_slice(hi - lo, lay->nbranks, lay->brank, &b0, &nb);
  *plan = *ring = 0;
  for (int item = 0; item < lay->nitems; item++) {
    if (!pp_layout_owns_item(lay, item)) continue;
    const int k = item % wc->nkpts;
    const size_t p = pp_kplan_bytes(paw, wc, k, 0), r = ring_bytes(lay, wc, paw, k, hi - lo, nb);
    if (p > *plan) *plan = p;
    if (r > *ring) *ring = r;
  }
  return *plan > *ring ? *plan : *ring;
}

static pp_status item(const pp_layout *lay, const pp_wfset *set, const pp_paw *paw,
                      const pp_structure *st, int j, const double complex *P, pp_pool *ring, pp_aenorm *out,
                      pp_err *err) {
  const pp_wavecar *wc = set->wc;
  const int s = set->item[j] / wc->nkpts, k = set->item[j] % wc->nkpts;
  const int ld = (int)pp_wavecar_nstored(wc, k), ldp = wc->nspinor * paw->nproj, nb = set->nb;
  const int gamma = pp_variant_is_gamma(wc->variant);
  const int maxnb = max_slice(lay, set->hi - set->lo);
  const size_t per = (size_t)ld + (size_t)ldp;
  double complex *T, *QP, *O;
  PP_CALL(pp_pool_alloc(ring, sizeof *T * ((size_t)maxnb * per + 1), (void **)&T, err));
  PP_CALL(pp_pool_alloc(ring, sizeof *QP * ((size_t)nb * ldp + 1), (void **)&QP, err));
  PP_CALL(pp_pool_alloc(ring, sizeof *O * ((size_t)nb * maxnb + 1), (void **)&O, err));
  for (int b = 0; b < nb; b++) {
    pp_paw_apply_q(paw, st, wc->nspinor, P + (size_t)b * ldp, QP + (size_t)b * ldp);
    double ps = 0;
    const double complex *c = set->c[j] + (size_t)b * ld;
    for (int g = 0; g < ld; g++) ps += creal(c[g]) * creal(c[g]) + cimag(c[g]) * cimag(c[g]);
    double complex aug = 0;
    for (int i = 0; i < ldp; i++) aug += conj(P[(size_t)b * ldp + i]) * QP[(size_t)b * ldp + i];
    const int64_t idx = pp_wavecar_idx(wc, s, k, set->b0 + b);
    out->pseudo[idx] = ps;
    out->ae[idx] = ps + creal(aug);
  }
  /* Travelling slice: C rows then QP rows; starts as my own. */
  int tb0 = set->b0, tnb = nb;
  memcpy(T, set->c[j], sizeof *T * (size_t)nb * ld);
  memcpy(T + (size_t)maxnb * ld, QP, sizeof *T * (size_t)nb * ldp);
  double maxoff = 0;
  const int next = (lay->brank + 1) % lay->nbranks, prev = (lay->brank + lay->nbranks - 1) % lay->nbranks;
  for (int step = 0; step < lay->nbranks; step++) {
    const double m = block_maxoff(gamma, nb, set->b0, set->c[j], P, tnb, tb0, T, T + (size_t)maxnb * ld, ld,
                                  ldp, O);
    if (m > maxoff) maxoff = m;
    if (step + 1 == lay->nbranks) break;
    int hdr[2] = {tb0, tnb};
    MPI_Sendrecv_replace(hdr, 2, MPI_INT, next, 0, prev, 0, lay->kcomm, MPI_STATUS_IGNORE);
    MPI_Sendrecv_replace(T, (int)((size_t)maxnb * per), MPI_C_DOUBLE_COMPLEX, next, 1, prev, 1, lay->kcomm,
                         MPI_STATUS_IGNORE);
    tb0 = hdr[0];
    tnb = hdr[1];
  }
  MPI_Allreduce(MPI_IN_PLACE, &maxoff, 1, MPI_DOUBLE, MPI_MAX, lay->kcomm);
  if (lay->brank == 0) out->maxoff[s * wc->nkpts + k] = maxoff;
  return PP_OK;
}

/* The projections of item j on its k-point's plan, from a pool of sg. */
static pp_status project_item(pp_stage *sg, const pp_wfset *set, const pp_paw *paw, const pp_structure *st, int j,
                              double complex *P, pp_err *err) {
  const pp_wavecar *wc = set->wc;
  const int k = set->item[j] % wc->nkpts;
  pp_pool *pool;
  pp_kplan kp = {0};
  PP_CALL(pp_stage_pool(sg, "kpoint-plan", NULL, 0, &pool, err));
  pp_status s = pp_kplan_create(paw, wc, k, pool, &kp, err);
  if (s == PP_OK) s = pp_kplan_project(&kp, st, set->c[j], set->nb, pp_wavecar_nstored(wc, k), P, err);
  pp_kplan_free(&kp);
  const pp_status rs = pp_pool_release(pool, err);
  return s != PP_OK ? s : rs;
}

pp_status pp_aenorm_project(pp_stage *sg, const pp_layout *lay, const pp_wfset *set, const pp_paw *paw,
                            const pp_structure *st, pp_pool *pool, pp_pool *small, pp_aenorm *out,
                            pp_err *err) {
  const pp_wavecar *wc = set->wc;
  size_t plan, ring;
  pp_aenorm_work_bytes(lay, wc, paw, set->lo, set->hi, &plan, &ring);
  PP_CALL(pp_stage_need(sg, "kpoint-plan", plan, err));
  const size_t nn = (size_t)wc->nspin * wc->nkpts * wc->nbands, nsk = (size_t)wc->nspin * wc->nkpts;
  memset(out, 0, sizeof *out);
  pp_status st_ = pp_pool_alloc(small, sizeof(double) * (2 * nn + nsk), (void **)&out->pseudo, err);
  if (st_ == PP_OK) {
    out->ae = out->pseudo + nn;
    out->maxoff = out->ae + nn;
    st_ = pp_pool_alloc(pool, sizeof(void *) * ((size_t)set->nlocal + 1), (void **)&out->P, err);
  }
  const int ldp = wc->nspinor * paw->nproj;
  for (int j = 0; st_ == PP_OK && j < set->nlocal; j++)
    st_ = pp_pool_alloc(pool, sizeof(double complex) * ((size_t)set->nb * ldp + 1), (void **)&out->P[j], err);
  for (int j = 0; st_ == PP_OK && j < set->nlocal; j++) {
    const int k = set->item[j] % wc->nkpts;
    const int64_t ld = pp_wavecar_nstored(wc, k);
    st_ = project_item(sg, set, paw, st, j, out->P[j], err);
    out->proj_flops += 8.0 * set->nb * paw->nproj * (double)ld;
  }
  return pp_agree(st_, err, lay->world);
}

pp_status pp_aenorm_compute(pp_stage *sg, const pp_layout *lay, const pp_wfset *set, const pp_paw *paw,
                            const pp_structure *st, pp_aenorm *out, pp_err *err) {
  const pp_wavecar *wc = set->wc;
  const size_t nn = (size_t)wc->nspin * wc->nkpts * wc->nbands, nsk = (size_t)wc->nspin * wc->nkpts;
  size_t plan, ring_need;
  pp_aenorm_work_bytes(lay, wc, paw, set->lo, set->hi, &plan, &ring_need);
  PP_CALL(pp_stage_need(sg, "gram-ring", ring_need, err));
  for (int j = 0; j < set->nlocal; j++) {
    pp_pool *ring;
    PP_CALL(pp_stage_pool(sg, "gram-ring", NULL, 0, &ring, err));
    const pp_status s = item(lay, set, paw, st, j, out->P[j], ring, out, err);
    PP_CALL(pp_pool_release(ring, err));
    PP_CALL(s);
  }
  /* Each value has one owner; summing zero-initialised tables is exact. */
  MPI_Allreduce(MPI_IN_PLACE, out->pseudo, (int)(2 * nn + nsk), MPI_DOUBLE, MPI_SUM, lay->world);
  return PP_OK;
}
