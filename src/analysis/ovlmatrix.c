/* ovlmatrix.c — full overlap matrices on ScaLAPACK (see ovlmatrix.h). */
#include "pawproj/analysis/ovlmatrix.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/bandsel.h"
#include "pawproj/analysis/projectplan.h"
#include "pawproj/analysis/projectsetup.h"
#include "pawproj/analysis/readstage.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/blas.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/datakmesh.h"
#include "pawproj/io/h5out.h"
#include "pawproj/io/wfset.h"
#include "pawproj/io/wfunfold.h"
#include "pawproj/par/blacs.h"

#define LEVEL_EV 1e-3

/* Everything one run of the stage uses. */
typedef struct mx {
  const pp_ovlmatrix_setup *s;
  pp_ovlmatrix_result *r;
  pp_project_defect *ket;       /* r->pr.defects[0] */
  pp_blacs gp, g2;              /* P × 1 (S in row strips, as the ring makes it), nprow × npcol (S) */
  pp_wfset bra, kset;
  int nbra, nket;
  double complex *C1, *C2, *W;  /* S on gp, on g2, the SVD's copy */
  double complex *ring[2];      /* P > 1: the ket block in hand and the next one, (ldmax + ldx) × ceil(nket/P) */
  size_t ring_elems;
  double complex *work;
  double *rwork, *cand, *lev;
  int lwork;
  pp_h5 h5;
  int h5_open;
} mx;

static int ceil_div(int a, int b) { return b > 0 ? (a + b - 1) / b : 0; }

/* The two descriptors of S; the block of g2 square, at most 32, and small
 * enough that every process row and column holds some of S. */
static pp_status describe_s(mx *m, pp_bcmat *c1, pp_bcmat *c2, pp_err *err) {
  const int P = m->r->pr.lay.nbranks;
  int b = 32;
  if (ceil_div(m->nbra, m->g2.nprow) < b) b = ceil_div(m->nbra, m->g2.nprow);
  if (ceil_div(m->nket, m->g2.npcol) < b) b = ceil_div(m->nket, m->g2.npcol);
  if (b < 1) b = 1;
  m->r->block = b;
  PP_CALL(pp_bcmat_init(&m->gp, m->nbra, m->nket, ceil_div(m->nbra, P), m->nket > 0 ? m->nket : 1, 0, c1, err));
  return pp_bcmat_init(&m->g2, m->nbra, m->nket, b, b, 0, c2, err);
}

/* Bytes of this rank's matrices and their work space (pzgesvd's asked). */
static pp_status matrix_need(mx *m, size_t *bytes, pp_err *err) {
  pp_bcmat c1, c2;
  PP_CALL(describe_s(m, &c1, &c2, err));
  size_t n = (pp_bcmat_elems(&c1) + 2 * pp_bcmat_elems(&c2)) * sizeof(double complex);
  const int nbig = m->nbra > m->nket ? m->nbra : m->nket, P = m->r->pr.lay.nbranks;
  n += (size_t)m->nbra * P * 3 * sizeof(double) + (size_t)m->nbra * sizeof(double) + 256;
  m->ring_elems = 0;
  if (P > 1) {
    const pp_wavecar *wc = &m->r->pr.bulk.wc;
    int64_t ldmax = 0;
    for (int it = 0; it < m->r->pr.lay.nitems; it++)
      if (pp_layout_owns_item(&m->r->pr.lay, it) && pp_wavecar_nstored(wc, it % wc->nkpts) > ldmax)
        ldmax = pp_wavecar_nstored(wc, it % wc->nkpts);
    const int64_t ldx = m->s->paw ? (int64_t)wc->nspinor * m->ket->pair.ncol : 0;
    m->ring_elems = (size_t)(ldmax + ldx) * (size_t)ceil_div(m->nket, P) + 1;
    if (m->ring_elems > INT_MAX)
      PP_FAIL(err, PP_ERR_ARG, "a ket block of %d bands × %lld coefficients exceeds one MPI message; use more ranks "
              "per k-point group or a narrower --bands-ket", ceil_div(m->nket, P), (long long)(ldmax + ldx));
    n += 2 * m->ring_elems * sizeof(double complex);
  }
  m->lwork = 0;
  if (m->s->svd) {
    const int one = 1, query = -1;
    int info = 0;
    double complex wq = 0;
    double rq = 0, sq = 0;
    pzgesvd_("N", "N", &m->nbra, &m->nket, &wq, &one, &one, c2.desc, &sq, &wq, &one, &one, c2.desc, &wq, &one, &one,
             c2.desc, &wq, &query, &rq, &info);
    if (info != 0) PP_FAIL(err, PP_ERR_INTERNAL, "pzgesvd workspace query: info %d", info);
    m->lwork = (int)creal(wq) + 1;
    n += (size_t)m->lwork * sizeof(double complex) + (1 + 4 * (size_t)nbig) * sizeof(double);
  }
  *bytes = n;
  return PP_OK;
}

static pp_status alloc_matrices(mx *m, pp_pool *pool, pp_pool *ring, pp_err *err) {
  pp_bcmat c1, c2;
  PP_CALL(describe_s(m, &c1, &c2, err));
  const int nbig = m->nbra > m->nket ? m->nbra : m->nket, P = m->r->pr.lay.nbranks;
  PP_CALL(pp_pool_alloc(pool, pp_bcmat_elems(&c1) * sizeof(double complex), (void **)&m->C1, err));
  PP_CALL(pp_pool_alloc(pool, pp_bcmat_elems(&c2) * sizeof(double complex), (void **)&m->C2, err));
  PP_CALL(pp_pool_alloc(pool, pp_bcmat_elems(&c2) * sizeof(double complex), (void **)&m->W, err));
  PP_CALL(pp_pool_alloc(pool, (size_t)m->nbra * P * 3 * sizeof(double) + 8, (void **)&m->cand, err));
  PP_CALL(pp_pool_alloc(pool, (size_t)m->nbra * sizeof(double) + 8, (void **)&m->lev, err));
  for (int b = 0; m->ring_elems && b < 2; b++)
    PP_CALL(pp_pool_alloc(ring, m->ring_elems * sizeof(double complex), (void **)&m->ring[b], err));
  if (m->s->svd) {
    PP_CALL(pp_pool_alloc(pool, (size_t)m->lwork * sizeof(double complex), (void **)&m->work, err));
    PP_CALL(pp_pool_alloc(pool, (1 + 4 * (size_t)nbig) * sizeof(double), (void **)&m->rwork, err));
  }
  return PP_OK;
}

/* One step of the ring: this rank's rows of S for the ket block of group
 * rank src held in blk ([C (ld × nk) | X (ldx × nk)], column-major), one
 * ZGEMM for the plane waves and one for the PAW sides. */
static void multiply_block(mx *m, const double complex *A, int ld, const double complex *XB, int ldx,
                           const double complex *blk, int k0, int nk, const pp_bcmat *c1) {
  const int nbl = m->bra.nb, ldc = c1->lld;
  if (nbl <= 0 || nk <= 0) return;
  const double complex one = 1, zero = 0;
  double complex *C = m->C1 + (size_t)k0 * ldc;
  zgemm_("C", "N", &nbl, &nk, &ld, &one, A, &ld, blk, &ld, &zero, C, &ldc);
  if (ldx > 0) zgemm_("C", "N", &nbl, &nk, &ldx, &one, XB, &ldx, blk + (size_t)ld * nk, &ldx, &one, C, &ldc);
}

/* S of local item j in row strips on gp: rank r of the group multiplies
 * its bra bands with every ket block as the blocks go round the group
 * (P steps; while one block is multiplied the next one arrives from rank
 * r + 1 and the one in hand leaves for rank r − 1), so every step is one
 * full local ZGEMM and no rank holds more than two ket blocks. With paw
 * the PAW sides X_B, X_D (pp_pawpair_sides, from a pool of sg released
 * after the item) travel and multiply with them. */
static pp_status ring_s(mx *m, pp_stage *sg, int j, const pp_bcmat *c1, pp_err *err) {
  const pp_layout *lay = &m->r->pr.lay;
  const pp_wavecar *wc = m->bra.wc;
  const int P = lay->nbranks, me = lay->brank, k = m->bra.item[j] % wc->nkpts;
  const int ld = (int)pp_wavecar_nstored(wc, k), nkl = m->kset.nb;
  const double complex *XB = NULL, *XD = NULL;
  int ldx = 0;
  pp_pool *scratch = NULL;
  pp_status st = PP_OK;
  const double t0 = MPI_Wtime();
  if (m->s->paw) {
    ldx = wc->nspinor * m->ket->pair.ncol;
    double complex *xb, *xd;
    PP_CALL(pp_stage_pool(sg, "paw-scratch", NULL, 0, &scratch, err));
    PP_TRY(pp_pawpair_sides(&m->ket->pair, wc, k, m->bra.c[j], m->bra.nb, m->kset.c[j], nkl, ld, &xb, &xd, NULL,
                            NULL, scratch, err));
    XB = xb, XD = xd;
  }
  memset(m->C1, 0, pp_bcmat_elems(c1) * sizeof *m->C1);
  if (P == 1) {
    /* The block in hand is the rank's own: its coefficients and X_D side by side are not needed. */
    const double complex one = 1, zero = 0;
    const int nbl = m->bra.nb, ldc = c1->lld;
    if (nbl > 0 && nkl > 0) {
      zgemm_("C", "N", &nbl, &nkl, &ld, &one, m->bra.c[j], &ld, m->kset.c[j], &ld, &zero, m->C1, &ldc);
      if (ldx > 0) zgemm_("C", "N", &nbl, &nkl, &ldx, &one, XB, &ldx, XD, &ldx, &one, m->C1, &ldc);
    }
  } else {
    double complex *cur = m->ring[0], *next = m->ring[1];
    if (nkl > 0) {
      memcpy(cur, m->kset.c[j], sizeof *cur * (size_t)ld * nkl);
      if (ldx > 0) memcpy(cur + (size_t)ld * nkl, XD, sizeof *cur * (size_t)ldx * nkl);
    }
    for (int t = 0; t < P; t++) {
      const int src = (me + t) % P, nsrc = (me + t + 1) % P;
      int k0, nk, k1, nk1;
      pp_layout_bands(lay, m->nket, src, &k0, &nk);
      pp_layout_bands(lay, m->nket, nsrc, &k1, &nk1);
      MPI_Request req[2];
      int nreq = 0;
      if (t < P - 1) {
        MPI_Irecv(next, (int)((int64_t)(ld + ldx) * nk1), MPI_C_DOUBLE_COMPLEX, (me + 1) % P, t, lay->kcomm,
                  &req[nreq++]);
        MPI_Isend(cur, (int)((int64_t)(ld + ldx) * nk), MPI_C_DOUBLE_COMPLEX, (me + P - 1) % P, t, lay->kcomm,
                  &req[nreq++]);
      }
      multiply_block(m, m->bra.c[j], ld, XB, ldx, cur, k0, nk, c1);
      if (nreq && MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE) != MPI_SUCCESS)
        PP_THROW(PP_ERR_MPI, "the ring exchange of ket blocks failed");
      double complex *tmp = cur;
      cur = next, next = tmp;
    }
  }
  m->r->flops += 8.0 * m->bra.nb * m->nket * (double)(ld + ldx);
  m->r->seconds_gemm += MPI_Wtime() - t0;
  /* Gamma-only files hold √2·c(G) on half a sphere: the real part. */
  if (pp_variant_is_gamma(wc->variant))
    for (size_t e = 0; e < (size_t)c1->lld * c1->locc; e++) m->C1[e] = creal(m->C1[e]);
done:
  if (scratch) {
    const pp_status rs = pp_pool_release(scratch, st == PP_OK ? err : &(pp_err){0});
    if (st == PP_OK) st = rs;
  }
  return st;
}

/* Band matching of item it from S on g2, into r's arrays on the group's
 * rank 0 (the other ranks leave zeros for the sum over the world). */
static pp_status match_item(mx *m, int it, const pp_bcmat *c2, pp_err *err) {
  const pp_layout *lay = &m->r->pr.lay;
  const int P = lay->nbranks, nb = m->nbra;
  double *mine = m->cand + (size_t)lay->brank * nb * 3;
  for (int i = 0; i < nb; i++) mine[3 * i] = mine[3 * i + 2] = -1, mine[3 * i + 1] = -1;
  for (int lj = 0; lj < c2->locc; lj++) {
    const int n = pp_bcmat_gcol(c2, &m->g2, lj);
    for (int li = 0; li < c2->locr; li++) {
      const double complex z = m->C2[(size_t)lj * c2->lld + li];
      const double w = creal(z) * creal(z) + cimag(z) * cimag(z);
      double *c = mine + 3 * pp_bcmat_grow(c2, &m->g2, li);
      if (w > c[0]) c[2] = c[0], c[0] = w, c[1] = n;
      else if (w > c[2]) c[2] = w;
    }
  }
  if (MPI_Allgather(MPI_IN_PLACE, 3 * nb, MPI_DOUBLE, m->cand, 3 * nb, MPI_DOUBLE, lay->kcomm) != MPI_SUCCESS)
    PP_FAIL(err, PP_ERR_MPI, "MPI_Allgather of the matching candidates failed");
  /* Merged in rank order on every rank (ties: the lowest band index), into
   * rank 0's candidate rows: (w*, n*, runner-up). */
  for (int i = 0; i < nb; i++) {
    double w1 = -1, w2 = -1, n1 = -1;
    for (int p = 0; p < P; p++) {
      const double *c = m->cand + ((size_t)p * nb + i) * 3;
      if (c[1] < 0) continue;
      if (c[0] > w1 || (c[0] == w1 && c[1] < n1)) {
        if (w1 > w2) w2 = w1;
        w1 = c[0], n1 = c[1];
      } else if (c[0] > w2) {
        w2 = c[0];
      }
      if (c[2] > w2) w2 = c[2];
    }
    m->cand[3 * i] = w1, m->cand[3 * i + 1] = n1, m->cand[3 * i + 2] = w2 > 0 ? w2 : 0;
  }
  /* The weight of n*'s degenerate level (ket energies within LEVEL_EV). */
  const pp_wavecar *kw = &m->ket->ds.wc;
  const double *e = kw->eig + pp_wavecar_idx(kw, it / kw->nkpts, it % kw->nkpts, 0);
  memset(m->lev, 0, sizeof *m->lev * (size_t)nb);
  for (int lj = 0; lj < c2->locc; lj++) {
    const double en = e[m->r->klo + pp_bcmat_gcol(c2, &m->g2, lj)];
    for (int li = 0; li < c2->locr; li++) {
      const int i = pp_bcmat_grow(c2, &m->g2, li);
      if (fabs(en - e[m->r->klo + (int)m->cand[3 * i + 1]]) >= LEVEL_EV) continue;
      const double complex z = m->C2[(size_t)lj * c2->lld + li];
      m->lev[i] += creal(z) * creal(z) + cimag(z) * cimag(z);
    }
  }
  if (MPI_Allreduce(MPI_IN_PLACE, m->lev, nb, MPI_DOUBLE, MPI_SUM, lay->kcomm) != MPI_SUCCESS)
    PP_FAIL(err, PP_ERR_MPI, "MPI_Allreduce of the level weights failed");
  if (lay->brank != 0) return PP_OK;
  const size_t base = (size_t)it * nb;
  for (int i = 0; i < nb; i++) {
    m->r->best[base + i] = (int)m->cand[3 * i + 1] + 1; /* + 1: the zeros of other groups add nothing */
    m->r->w_best[base + i] = m->cand[3 * i];
    m->r->w_next[base + i] = m->cand[3 * i + 2];
    m->r->w_level[base + i] = m->lev[i];
  }
  return PP_OK;
}

/* Local item j (j >= nlocal: none, the group only takes part in the
 * write): S, moved to g2, its SVD and matching, its blocks to the file.
 * Collective over the world (the write). */
static pp_status one_item(mx *m, pp_stage *sg, int j, pp_err *err) {
  const pp_layout *lay = &m->r->pr.lay;
  pp_bcmat c1, c2;
  pp_status st = PP_OK;
  int it = -1;
  PP_CALL(describe_s(m, &c1, &c2, err));
  if (j < m->bra.nlocal) {
    it = m->bra.item[j];
    const int one = 1;
    st = ring_s(m, sg, j, &c1, err);
    if (st == PP_OK)
      pzgemr2d_(&m->nbra, &m->nket, m->C1, &one, &one, c1.desc, m->C2, &one, &one, c2.desc, &m->gp.ctxt);
    if (st == PP_OK && m->s->svd) {
      int info = 0;
      memcpy(m->W, m->C2, pp_bcmat_elems(&c2) * sizeof *m->W);
      double *sv = m->r->sv + (size_t)it * m->r->nsv;
      pzgesvd_("N", "N", &m->nbra, &m->nket, m->W, &one, &one, c2.desc, sv, m->W, &one, &one, c2.desc, m->W, &one,
               &one, c2.desc, m->work, &m->lwork, m->rwork, &info);
      if (info != 0) st = pp_fail_at(err, PP_ERR_INTERNAL, __FILE__, __LINE__, "pzgesvd: info %d", info);
      if (lay->brank != 0) memset(sv, 0, sizeof *sv * (size_t)m->r->nsv);
    }
    if (st == PP_OK && m->s->match) st = match_item(m, it, &c2, err);
  }
  PP_CALL(pp_agree(st, err, lay->world));
  if (!m->h5_open) return PP_OK;
  const pp_wavecar *wc = m->bra.wc;
  const hsize_t lead[1][2] = {{it >= 0 ? (hsize_t)(it / wc->nkpts) : 0, it >= 0 ? (hsize_t)(it % wc->nkpts) : 0}};
  const pp_h5_cyclic cy[2] = {{(hsize_t)m->nket, (hsize_t)c2.nb, m->g2.npcol, m->g2.mycol},
                              {(hsize_t)m->nbra, (hsize_t)c2.mb, m->g2.nprow, m->g2.myrow}};
  return pp_h5_write_complex_cyclic(&m->h5, "overlaps", (hsize_t)wc->nspin, (hsize_t)wc->nkpts, it >= 0 ? 1 : 0,
                                    lead, cy, m->C2, "dimensionless", err);
}

/* The small per-item arrays on every rank: one group contributed each
 * entry, the others zeros (exact). */
static pp_status gather_answers(const mx *m, pp_err *err) {
  const pp_ovlmatrix_result *r = m->r;
  const int nitems = r->pr.lay.nitems;
  MPI_Comm w = r->pr.lay.world;
  int bad = 0;
  if (m->s->svd) bad |= MPI_Allreduce(MPI_IN_PLACE, r->sv, nitems * r->nsv, MPI_DOUBLE, MPI_SUM, w) != MPI_SUCCESS;
  if (m->s->match) {
    const int n = nitems * m->nbra;
    bad |= MPI_Allreduce(MPI_IN_PLACE, r->best, n, MPI_INT, MPI_SUM, w) != MPI_SUCCESS;
    bad |= MPI_Allreduce(MPI_IN_PLACE, r->w_best, 3 * n, MPI_DOUBLE, MPI_SUM, w) != MPI_SUCCESS;
    for (int i = 0; i < n; i++) r->best[i] -= 1;
  }
  if (bad) PP_FAIL(err, PP_ERR_MPI, "MPI_Allreduce of the per-item answers failed");
  return PP_OK;
}

static pp_status write_small(mx *m, const pp_ctx *ctx, pp_err *err) {
  const pp_ovlmatrix_result *r = m->r;
  const pp_wavecar *wc = m->bra.wc;
  const hsize_t d3[3] = {(hsize_t)wc->nspin, (hsize_t)wc->nkpts, (hsize_t)r->nsv};
  const hsize_t dm[3] = {(hsize_t)wc->nspin, (hsize_t)wc->nkpts, (hsize_t)m->nbra};
  PP_CALL(pp_h5_attr(&m->h5, "overlaps", "layout",
                     "[spin][kpoint][ket band n][bra band m] = <bra m|ket n>, n and m counted from the first band of "
                     "each window (bra_bands, ket_bands)", err));
  PP_CALL(pp_h5_attr(&m->h5, "/", "command_line", ctx->cmdline, err));
  PP_CALL(pp_h5_attr(&m->h5, "/", "bra", r->pr.bulk.wc.path, err));
  PP_CALL(pp_h5_attr(&m->h5, "/", "ket", m->ket->ds.wc.path, err));
  PP_CALL(pp_h5_attr(&m->h5, "/", "method", m->s->paw ? "paw: all-electron overlaps" : "pseudo: plane waves only",
                     err));
  const int bb[2] = {r->blo + 1, r->bhi}, kb[2] = {r->klo + 1, r->khi};
  const hsize_t two = 2;
  PP_CALL(pp_h5_write_int(&m->h5, "bra_bands", 1, &two, bb, "first and last band, 1-based", err));
  PP_CALL(pp_h5_write_int(&m->h5, "ket_bands", 1, &two, kb, "first and last band, 1-based", err));
  if (m->s->svd) PP_CALL(pp_h5_write_double(&m->h5, "singular_values", 3, d3, r->sv, "dimensionless", err));
  if (!m->s->match) return PP_OK;
  const size_t n = (size_t)r->pr.lay.nitems * m->nbra;
  int *one_based = malloc(sizeof *one_based * (n + 1));
  if (!one_based) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) one_based[i] = r->best[i] + r->klo + 1;
  const pp_status st = pp_h5_write_int(&m->h5, "match_ket_band", 3, dm, one_based, "1-based band of the ket run", err);
  free(one_based);
  PP_CALL(st);
  PP_CALL(pp_h5_write_double(&m->h5, "match_weight", 3, dm, r->w_best, "|S_mn*|^2", err));
  PP_CALL(pp_h5_write_double(&m->h5, "match_runner_up", 3, dm, r->w_next, "largest other |S_mn|^2", err));
  return pp_h5_write_double(&m->h5, "match_level_weight", 3, dm, r->w_level,
                            "sum of |S_mn|^2 over the degenerate level of n* (1 meV)", err);
}

/* Stage "ovlmatrix": both slices, then item by item. */
static pp_status stage(pp_ctx *ctx, mx *m, pp_err *err) {
  pp_ovlmatrix_result *r = m->r;
  const pp_layout *lay = &r->pr.lay;
  pp_stage sg = {0};
  pp_pool *wb, *wk, *mat, *ring;
  pp_status st = PP_OK;
  size_t paw = 0, mbytes = 0;
  PP_TRY(pp_agree(matrix_need(m, &mbytes, err), err, ctx->world));
  r->bytes_matrix = (double)mbytes;
  PP_TRY(pp_stage_begin(ctx, "ovlmatrix", &sg, err));
  PP_TRY(pp_stage_need(&sg, "bra-wf, ket-wf, matrix, ket-ring",
                       pp_project_run_need(lay, &r->pr.bulk, r->blo, r->bhi) +
                           pp_project_run_need(lay, &m->ket->ds, r->klo, r->khi) + mbytes,
                       err));
  PP_TRY(pp_stage_pool(&sg, "bra-wf", NULL, 0, &wb, err));
  PP_TRY(pp_stage_pool(&sg, "ket-wf", NULL, 0, &wk, err));
  PP_TRY(pp_read_stage(ctx, lay, &r->pr.bulk, r->blo, r->bhi, 0, wb, "bra", &m->bra, err));
  PP_TRY(pp_read_stage(ctx, lay, &m->ket->ds, r->klo, r->khi, 0, wk, "ket", &m->kset, err));
  pp_pool *const deps[2] = {wb, wk};
  PP_TRY(pp_stage_pool(&sg, "matrix", deps, 2, &mat, err));
  PP_TRY(pp_stage_pool(&sg, "ket-ring", deps, 2, &ring, err));
  PP_TRY(pp_agree(alloc_matrices(m, mat, ring, err), err, ctx->world));
  for (int j = 0; m->s->paw && j < m->bra.nlocal; j++) {
    const int k = m->bra.item[j] % m->bra.wc->nkpts;
    const size_t b = pp_pawpair_scratch_bytes(&m->ket->pair, m->bra.wc, k, m->bra.nb, m->kset.nb);
    if (b > paw) paw = b;
  }
  PP_TRY(pp_stage_need(&sg, "paw-scratch", paw, err));
  int most = m->bra.nlocal;
  MPI_Allreduce(MPI_IN_PLACE, &most, 1, MPI_INT, MPI_MAX, ctx->world);
  if (ctx->rank == 0 && !ctx->quiet)
    fprintf(stderr, "[pawproj] overlap matrices %d × %d per (spin, k-point): %d k-point group(s), each a %d × %d "
            "BLACS grid, blocks %d × %d\n", m->nbra, m->nket, lay->nkgroups, m->g2.nprow, m->g2.npcol, r->block,
            r->block);
  for (int j = 0; j < most; j++) PP_TRY(one_item(m, &sg, j, err));
  PP_TRY(gather_answers(m, err));
  pp_stage_add_work(&sg, 0, r->flops);
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}

static pp_status open_runs(pp_ctx *ctx, const pp_ovlmatrix_setup *s, pp_project_setup *ps, pp_project_target *t,
                           mx *m, pp_err *err) {
  pp_ovlmatrix_result *r = m->r;
  *t = (pp_project_target){NULL, s->ket, "all"};
  *ps = (pp_project_setup){.bulk = s->bra, .defects = t, .ndefects = 1, .names = {"bra", "ket"}, .paw = s->paw, .paw_opts = s->paw_opts,
                           .match_tol = s->match_tol, .symprec = s->symprec, .kgroups = s->kgroups,
                           .variant = PP_VARIANT_AUTO};
  /* A grid asked for without --kgroups: as many groups as it leaves. */
  const int grid = s->nprow * s->npcol;
  if (grid > 0 && !s->kgroups) {
    if (ctx->size % grid != 0)
      PP_FAIL(err, PP_ERR_ARG, "--blacs %dx%d needs a multiple of %d ranks, not %d", s->nprow, s->npcol, grid,
              ctx->size);
    ps->kgroups = ctx->size / grid;
  }
  PP_CALL(pp_agree(pp_project_open(ctx, ps, &r->pr, err), err, ctx->world));
  const pp_wavecar *bw = &r->pr.bulk.wc;
  r->blo = 0, r->bhi = bw->nbands;
  if (s->bands_bra)
    PP_CALL(pp_agree(pp_bandsel_parse_named("--bands-bra", "bra", s->bands_bra, bw->nbands, &r->blo, &r->bhi, err), err, ctx->world));
  r->klo = r->pr.defects[0].lo, r->khi = r->pr.defects[0].hi;
  if (s->bands_ket)
    PP_CALL(pp_agree(pp_bandsel_parse_named("--bands-ket", "ket", s->bands_ket, r->pr.defects[0].ds.wc.nbands,
                                            &r->klo, &r->khi, err), err, ctx->world));
  m->nbra = r->bhi - r->blo, m->nket = r->khi - r->klo;
  r->nsv = m->nbra < m->nket ? m->nbra : m->nket;
  r->pr.lay.blocked = 1;
  m->ket = &r->pr.defects[0];
  return pp_agree(pp_project_defect_begin(ctx, ps, &r->pr, m->ket, err), err, ctx->world);
}

static pp_status make_grids(const pp_ovlmatrix_setup *s, mx *m, pp_err *err) {
  const pp_layout *lay = &m->r->pr.lay;
  int pr = s->nprow, pc = s->npcol;
  if (pr == 0 && pc == 0) pp_blacs_shape(lay->nbranks, &pr, &pc);
  if (pr * pc != lay->nbranks)
    PP_FAIL(err, PP_ERR_ARG, "--blacs %dx%d: a k-point group here has %d rank(s) (%d ranks, %d k-point group(s)); "
            "the grid must use them all", pr, pc, lay->nbranks, lay->size, lay->nkgroups);
  PP_CALL(pp_blacs_grid(lay->kcomm, lay->nbranks, 1, &m->gp, err));
  PP_CALL(pp_blacs_grid(lay->kcomm, pr, pc, &m->g2, err));
  m->r->nprow = pr, m->r->npcol = pc;
  return PP_OK;
}

static pp_status alloc_answers(const pp_ovlmatrix_setup *s, pp_ovlmatrix_result *r, int nbra, pp_err *err) {
  const size_t n = (size_t)r->pr.lay.nitems;
  if (s->svd && !(r->sv = calloc(n * r->nsv + 1, sizeof *r->sv))) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  if (!s->match) return PP_OK;
  r->best = calloc(n * nbra + 1, sizeof *r->best);
  r->w_best = calloc(3 * n * nbra + 1, sizeof *r->w_best);
  if (!r->best || !r->w_best) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  r->w_next = r->w_best + n * nbra, r->w_level = r->w_next + n * nbra;
  return PP_OK;
}

pp_status pp_ovlmatrix_run(pp_ctx *ctx, const pp_ovlmatrix_setup *s, pp_ovlmatrix_result *r, pp_err *err) {
  *r = (pp_ovlmatrix_result)PP_OVLMATRIX_RESULT_INIT;
  mx m = {.s = s, .r = r, .gp = PP_BLACS_NONE, .g2 = PP_BLACS_NONE};
  pp_project_setup ps;
  pp_project_target t;
  pp_status st = PP_OK;
  PP_TRY(open_runs(ctx, s, &ps, &t, &m, err));
  PP_TRY(pp_agree(make_grids(s, &m, err), err, ctx->world));
  PP_TRY(pp_agree(alloc_answers(s, r, m.nbra, err), err, ctx->world));
  if (s->h5) {
    PP_TRY(pp_h5_create(ctx->world, s->h5, &m.h5, err));
    m.h5_open = 1;
  }
  PP_TRY(stage(ctx, &m, err));
  if (m.h5_open) {
    PP_TRY(pp_agree(write_small(&m, ctx, err), err, ctx->world));
    m.h5_open = 0;
    PP_TRY(pp_h5_close(&m.h5, 1, err));
  }
  MPI_Allreduce(MPI_IN_PLACE, &r->seconds_gemm, 1, MPI_DOUBLE, MPI_MAX, ctx->world);
  MPI_Allreduce(MPI_IN_PLACE, &r->flops, 1, MPI_DOUBLE, MPI_SUM, ctx->world);
  MPI_Allreduce(MPI_IN_PLACE, &r->bytes_matrix, 1, MPI_DOUBLE, MPI_MAX, ctx->world);
done:
  if (m.h5_open) {
    pp_err ignored;
    pp_h5_close(&m.h5, 0, &ignored);
  }
  if (m.ket) pp_project_defect_end(m.ket);
  pp_blacs_free(&m.g2);
  pp_blacs_free(&m.gp);
  return st;
}

void pp_ovlmatrix_result_free(pp_ovlmatrix_result *r) {
  free(r->sv);
  free(r->best);
  free(r->w_best);
  r->sv = r->w_best = r->w_next = r->w_level = NULL;
  r->best = NULL;
  pp_project_result_free(&r->pr);
}
