/* optics.c — momentum matrix elements of a band window (see optics.h). */
#include "pawproj/analysis/optics.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/readstage.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/blas.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/opticsout.h"
#include "pawproj/io/wfset.h"
#include "pawproj/model/gvec.h"
#include "pawproj/par/layout.h"
#include "pawproj/paw/nabla.h"
#include "pawproj/paw/pawrun.h"
#include "pawproj/paw/projector.h"

#define PAD 64 /* the pool's alignment, per buffer */

typedef struct optx {
  const pp_optics_setup *s;
  pp_optics_result *r;
  const pp_wavecar *wc;
  const pp_structure *cell;
  pp_pawrun pr;         /* paw_terms only */
  pp_layout lay;
  int nb;               /* window width */
  int maxnb;            /* the largest slice of the window in a group */
  int ldp;              /* nspinor · nproj; 0 without paw_terms */
  double **N;           /* per species (3, nproj, nproj), paw/nabla.h */
} optx;

static size_t cbytes(size_t n) { return sizeof(double complex) * (n + 1) + PAD; }

/* What one item takes from its pool: the plan (with PAW terms; else the
 * k+G list), my projections, the travelling slice, its weighted copies
 * and one product block. */
static size_t item_bytes(const optx *x, int k, int nb) {
  const pp_wavecar *wc = x->wc;
  const size_t ld = (size_t)pp_wavecar_nstored(wc, k), ldp = (size_t)x->ldp, m = (size_t)x->maxnb;
  size_t b = x->ldp ? pp_kplan_bytes(&x->pr.paw, wc, k, 0)
                    : ((size_t)wc->npw[k] + 1) * (sizeof(int[3]) + 3 * sizeof(double)) + 2 * PAD;
  b += cbytes((size_t)nb * ldp) + cbytes(m * (ld + ldp)) + cbytes(m * ld) + cbytes(m * ldp) + cbytes((size_t)nb * m);
  return b;
}

static size_t most_item_bytes(const optx *x, int nb) {
  size_t most = 0;
  for (int it = 0; it < x->lay.nitems; it++)
    if (pp_layout_owns_item(&x->lay, it)) {
      const size_t b = item_bytes(x, it % x->wc->nkpts, nb);
      if (b > most) most = b;
    }
  return most;
}

static size_t nabla_bytes(const optx *x) {
  size_t b = sizeof(double *) * ((size_t)x->pr.paw.nspecies + 1) + PAD;
  for (int sp = 0; x->ldp && sp < x->pr.paw.nspecies; sp++) {
    const size_t n = (size_t)x->pr.paw.data[sp]->nproj;
    b += sizeof(double) * (3 * n * n + 1) + PAD;
  }
  return b;
}

/* out = (−i N^v) in for one band's projections, atom by atom, per spinor. */
static void apply_nabla(const optx *x, int v, const double complex *in, double complex *out) {
  const pp_paw *paw = &x->pr.paw;
  for (int s = 0; s < x->wc->nspinor; s++)
    for (int a = 0; a < x->cell->natoms; a++) {
      const int sp = x->cell->type[a], np = paw->data[sp]->nproj;
      const int64_t off = (int64_t)s * paw->nproj + paw->offset[a];
      const double *N = x->N[sp] + (size_t)v * np * np;
      for (int i = 0; i < np; i++) {
        double complex acc = 0;
        for (int j = 0; j < np; j++) acc += N[(size_t)i * np + j] * in[off + j];
        out[off + i] = -I * acc;
      }
    }
}

/* The k+G list of k without PAW terms (no plan to take it from). */
static pp_status kg_list(const pp_wavecar *wc, int k, pp_pool *pool, double **q, pp_err *err) {
  int(*miller)[3];
  int64_t got;
  PP_CALL(pp_pool_alloc(pool, sizeof *miller * ((size_t)wc->npw[k] + 1), (void **)&miller, err));
  PP_CALL(pp_pool_alloc(pool, sizeof **q * 3 * ((size_t)wc->npw[k] + 1), (void **)q, err));
  PP_CALL(pp_gvec_generate(wc->lattice, wc->encut, wc->kfrac[k], wc->variant, miller, wc->npw[k], &got, err));
  pp_gvec_cartesian(wc->lattice, wc->kfrac[k], (const int(*)[3])miller, got, *q);
  return PP_OK;
}

/* The product block O (nb × tnb, column-major) into rows m0.. and columns
 * n0.. of one NB × NB table; Gamma-only: its imaginary part (optics.h). */
static void store_block(const double complex *O, int nb, int tnb, int gamma, double complex *dst, int NB, int m0,
                        int n0) {
  for (int n = 0; n < tnb; n++)
    for (int i = 0; i < nb; i++) {
      const double complex z = O[(size_t)n * nb + i];
      dst[(size_t)(m0 + i) * NB + n0 + n] = gamma ? I * cimag(z) : z;
    }
}

/* Entries (m, n) for my bands m and the travelling slice's n: O = C^H
 * (q_v ∘ T_C), then O = P^H (−iN^v T_P), into the result tables. */
static void multiply_step(optx *x, int it, const pp_wfset *set, int j, const double *q, const double complex *P,
                          const double complex *T, int tb0, int tnb, double complex *W, double complex *MP,
                          double complex *O) {
  const pp_wavecar *wc = x->wc;
  const int k = it % wc->nkpts, ld = (int)pp_wavecar_nstored(wc, k), npw = (int)wc->npw[k];
  const int nb = set->nb, NB = x->nb, ldp = x->ldp, gamma = pp_variant_is_gamma(wc->variant);
  const int m0 = set->b0 - set->lo, n0 = tb0 - set->lo;
  const double complex one = 1, zero = 0;
  if (nb == 0 || tnb == 0) return;
  for (int v = 0; v < 3; v++) {
    for (int n = 0; n < tnb; n++)
      for (int g = 0; g < ld; g++) W[(size_t)n * ld + g] = q[3 * (g % npw) + v] * T[(size_t)n * ld + g];
    zgemm_("C", "N", &nb, &tnb, &ld, &one, set->c[j], &ld, W, &ld, &zero, O, &nb);
    store_block(O, nb, tnb, gamma, x->r->pseudo + ((size_t)it * 3 + v) * NB * NB, NB, m0, n0);
    if (!ldp) continue;
    const double complex *TP = T + (size_t)x->maxnb * ld;
    for (int n = 0; n < tnb; n++) apply_nabla(x, v, TP + (size_t)n * ldp, MP + (size_t)n * ldp);
    zgemm_("C", "N", &nb, &tnb, &ldp, &one, P, &ldp, MP, &ldp, &zero, O, &nb);
    store_block(O, nb, tnb, gamma, x->r->onsite + ((size_t)it * 3 + v) * NB * NB, NB, m0, n0);
  }
  x->r->flops += 8.0 * 3 * nb * tnb * (double)(ld + ldp);
}

/* The buffers of item j, its plan and my projections. */
typedef struct itembuf {
  pp_kplan kp;
  const double *q;
  double complex *P, *T, *W, *MP, *O;
} itembuf;

static pp_status prepare(optx *x, const pp_wfset *set, int j, pp_pool *pool, itembuf *b, pp_err *err) {
  const pp_wavecar *wc = x->wc;
  const int k = set->item[j] % wc->nkpts, ld = (int)pp_wavecar_nstored(wc, k);
  const int nb = set->nb, ldp = x->ldp, maxnb = x->maxnb;
  if (ldp) {
    PP_CALL(pp_kplan_create(&x->pr.paw, wc, k, pool, &b->kp, err));
    PP_CALL(pp_pool_alloc(pool, cbytes((size_t)nb * ldp), (void **)&b->P, err));
    PP_CALL(pp_kplan_project(&b->kp, x->cell, set->c[j], nb, ld, b->P, err));
    b->q = b->kp.q;
  } else {
    double *own;
    PP_CALL(kg_list(wc, k, pool, &own, err));
    b->q = own;
  }
  PP_CALL(pp_pool_alloc(pool, cbytes((size_t)maxnb * ((size_t)ld + ldp)), (void **)&b->T, err));
  PP_CALL(pp_pool_alloc(pool, cbytes((size_t)maxnb * ld), (void **)&b->W, err));
  if (ldp) PP_CALL(pp_pool_alloc(pool, cbytes((size_t)maxnb * ldp), (void **)&b->MP, err));
  return pp_pool_alloc(pool, cbytes((size_t)nb * maxnb), (void **)&b->O, err);
}

/* Local item j: prepared on every rank of the group (agreed, so that no
 * rank enters the ring alone), then the ring. */
static pp_status item(optx *x, const pp_wfset *set, int j, pp_pool *pool, pp_err *err) {
  const pp_wavecar *wc = x->wc;
  const int it = set->item[j], k = it % wc->nkpts, ld = (int)pp_wavecar_nstored(wc, k);
  const int nb = set->nb, ldp = x->ldp, maxnb = x->maxnb;
  const pp_layout *lay = &x->lay;
  itembuf b = {0};
  pp_status st = pp_agree(prepare(x, set, j, pool, &b, err), err, lay->kcomm);
  if (st != PP_OK) goto done;
  int tb0 = set->b0, tnb = nb;
  memcpy(b.T, set->c[j], sizeof *b.T * (size_t)nb * ld);
  if (ldp) memcpy(b.T + (size_t)maxnb * ld, b.P, sizeof *b.T * (size_t)nb * ldp);
  const int next = (lay->brank + 1) % lay->nbranks, prev = (lay->brank + lay->nbranks - 1) % lay->nbranks;
  const int count = (int)((size_t)maxnb * ((size_t)ld + ldp));
  for (int step = 0; step < lay->nbranks; step++) {
    multiply_step(x, it, set, j, b.q, b.P, b.T, tb0, tnb, b.W, b.MP, b.O);
    if (step + 1 == lay->nbranks) break;
    int hdr[2] = {tb0, tnb};
    if (MPI_Sendrecv_replace(hdr, 2, MPI_INT, next, 0, prev, 0, lay->kcomm, MPI_STATUS_IGNORE) != MPI_SUCCESS ||
        MPI_Sendrecv_replace(b.T, count, MPI_C_DOUBLE_COMPLEX, next, 1, prev, 1, lay->kcomm, MPI_STATUS_IGNORE) !=
            MPI_SUCCESS)
      PP_THROW(PP_ERR_MPI, "the ring exchange of band slices failed");
    tb0 = hdr[0], tnb = hdr[1];
  }
done:
  pp_kplan_free(&b.kp);
  return st;
}

/* The PAW side, the layout and the largest slice. */
static pp_status setup(pp_ctx *ctx, optx *x, pp_err *err) {
  const pp_optics_setup *s = x->s;
  if (s->paw_terms) {
    PP_CALL(pp_pawrun_open(ctx, &s->paw, s->dir, x->wc, x->cell, &x->pr, err));
    snprintf(x->r->projectors, sizeof x->r->projectors, "%s", x->pr.pm.desc);
    x->r->lreal = pp_lreal_name(x->pr.pm.lr.mode);
    x->ldp = x->wc->nspinor * x->pr.paw.nproj;
  } else {
    snprintf(x->r->projectors, sizeof x->r->projectors, "none (plane waves only, --method pseudo)");
    x->r->lreal = "none";
  }
  PP_CALL(pp_layout_create(ctx->world, x->r->nitems, x->nb, s->kgroups, &x->lay, err));
  for (int r = 0; r < x->lay.nbranks; r++) {
    int b0, n;
    pp_layout_bands(&x->lay, x->nb, r, &b0, &n);
    if (n > x->maxnb) x->maxnb = n;
  }
  return PP_OK;
}

/* The one-centre matrices of every species, from the stage's pool. */
static pp_status build_nabla(optx *x, pp_pool *pool, pp_err *err) {
  const pp_paw *paw = &x->pr.paw;
  PP_CALL(pp_pool_alloc(pool, sizeof(double *) * ((size_t)paw->nspecies + 1), (void **)&x->N, err));
  for (int sp = 0; sp < paw->nspecies; sp++) {
    const size_t n = (size_t)paw->data[sp]->nproj;
    PP_CALL(pp_pool_alloc(pool, sizeof(double) * (3 * n * n + 1), (void **)&x->N[sp], err));
    PP_CALL(pp_nabla_build(paw->data[sp], x->N[sp], err));
  }
  return PP_OK;
}

/* Stage "momentum": item by item, each with its own pool. */
static pp_status momentum_stage(pp_ctx *ctx, optx *x, const pp_wfset *set, pp_pool *wf, pp_err *err) {
  pp_stage sg = {0};
  pp_status st = PP_OK;
  const double t0 = MPI_Wtime();
  PP_TRY(pp_stage_begin(ctx, "momentum", &sg, err));
  for (int j = 0; j < set->nlocal; j++) {
    pp_pool *pool = NULL;
    PP_TRY(pp_stage_pool(&sg, "optics-item", &wf, 1, &pool, err));
    st = item(x, set, j, pool, err);
    const pp_status rs = pp_pool_release(pool, st == PP_OK ? err : &(pp_err){0});
    if (st == PP_OK) st = rs;
    if (st != PP_OK) break;
  }
  PP_TRY(pp_agree(st, err, ctx->world));
  /* Each entry has one owner; summing zero-initialised tables is exact. */
  const size_t n = (size_t)x->r->nitems * 3 * x->nb * x->nb; /* per table; pp_optics_run checked 2n fits */
  if (MPI_Allreduce(MPI_IN_PLACE, x->r->pseudo, (int)(2 * n), MPI_C_DOUBLE_COMPLEX, MPI_SUM, ctx->world) !=
      MPI_SUCCESS)
    PP_THROW(PP_ERR_MPI, "MPI_Allreduce of the momentum tables failed");
  pp_stage_add_work(&sg, 0, x->r->flops);
  x->r->seconds = MPI_Wtime() - t0;
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}

const char *pp_optics_method(int paw_terms) {
  return paw_terms ? "paw: plane waves + one-centre terms" : "pseudo: plane waves only";
}

static pp_opticsout out_of(const pp_ctx *ctx, const optx *x) {
  const pp_wavecar *wc = x->wc;
  return (pp_opticsout){.nspin = wc->nspin, .nkpts = wc->nkpts, .nb = x->nb, .lo = x->s->lo,
                        .pseudo = x->r->pseudo, .onsite = x->r->onsite, .eig = wc->eig, .nbands = wc->nbands,
                        .wavecar = wc->path, .method = pp_optics_method(x->s->paw_terms),
                        .command_line = ctx->cmdline};
}

/* Stage "write": the HDF5 file, its copies from the stage's pool. */
static pp_status write_stage(pp_ctx *ctx, const optx *x, pp_err *err) {
  const pp_opticsout o = out_of(ctx, x);
  pp_stage sg = {0};
  pp_pool *buf = NULL;
  pp_status st = PP_OK;
  PP_TRY(pp_stage_begin(ctx, "write", &sg, err));
  PP_TRY(pp_stage_need(&sg, "write-buffer", pp_opticsout_bytes(&o), err));
  PP_TRY(pp_stage_pool(&sg, "write-buffer", NULL, 0, &buf, err));
  PP_TRY(pp_opticsout_write(ctx->world, x->s->h5, &o, buf, err));
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}

pp_status pp_optics_run(pp_ctx *ctx, const pp_optics_setup *s, pp_optics_result *r, pp_err *err) {
  memset(r, 0, sizeof *r);
  optx x = {.s = s, .r = r, .wc = &s->ds->wc, .cell = &s->ds->structure, .lay = PP_LAYOUT_NONE};
  pp_stage so = {0};
  pp_pool *wf = NULL, *nab = NULL;
  pp_wfset set;
  pp_status st = PP_OK;
  r->nb = x.nb = s->hi - s->lo;
  r->nitems = x.wc->nspin * x.wc->nkpts;
  PP_TRY(pp_stage_begin(ctx, "optics", &so, err));
  PP_TRY(setup(ctx, &x, err));
  const size_t n = (size_t)r->nitems * 3 * x.nb * x.nb;
  /* Checked before any work: the tables are summed in one MPI message. */
  if (2 * n > INT32_MAX)
    PP_THROW(PP_ERR_ARG, "the momentum tables (2 × %zu entries) exceed one MPI message; use a narrower --bands", n);
  int b0, mine;
  pp_layout_bands(&x.lay, x.nb, x.lay.brank, &b0, &mine);
  const pp_opticsout o = out_of(ctx, &x);
  const size_t io = pp_wfset_io_need(&x.lay, x.wc, s->lo, s->hi);
  size_t work = most_item_bytes(&x, mine);
  if (s->h5 && pp_opticsout_bytes(&o) > work) work = pp_opticsout_bytes(&o);
  /* The result tables outlive the stage (they are the result), so they are
   * malloc'ed, not pooled; the budget still counts them. */
  PP_TRY(pp_stage_need(&so, "result tables, nabla, optics-wf, io-buffer, optics-item, write-buffer",
                       2 * n * sizeof *r->pseudo + pp_wfset_need(&x.lay, x.wc, s->lo, s->hi) - io + nabla_bytes(&x) +
                           (io > work ? io : work),
                       err));
  /* Both tables in one block: one reduction sums them. */
  r->pseudo = calloc(2 * n + 1, sizeof *r->pseudo);
  PP_TRY(pp_agree(r->pseudo ? PP_OK : pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__,
                                                 "out of memory for the momentum tables (%zu MiB)",
                                                 2 * n * sizeof *r->pseudo >> 20),
                  err, ctx->world));
  r->onsite = r->pseudo + n;
  PP_TRY(pp_stage_pool(&so, "nabla", NULL, 0, &nab, err));
  if (x.ldp) PP_TRY(pp_agree(build_nabla(&x, nab, err), err, ctx->world));
  PP_TRY(pp_stage_pool(&so, "optics-wf", &nab, 1, &wf, err));
  PP_TRY(pp_read_stage(ctx, &x.lay, s->ds, s->lo, s->hi, 0, wf, "WAVECAR", &set, err));
  PP_TRY(momentum_stage(ctx, &x, &set, wf, err));
  if (s->h5) PP_TRY(write_stage(ctx, &x, err));
  MPI_Allreduce(MPI_IN_PLACE, &r->flops, 1, MPI_DOUBLE, MPI_SUM, ctx->world);
  MPI_Allreduce(MPI_IN_PLACE, &r->seconds, 1, MPI_DOUBLE, MPI_MAX, ctx->world);
  PP_TRY(pp_stage_end(&so, err));
done:
  pp_stage_abort(&so);
  pp_layout_free(&x.lay);
  if (s->paw_terms) pp_pawrun_free(&x.pr);
  if (st != PP_OK) pp_optics_result_free(r);
  return st;
}

void pp_optics_result_free(pp_optics_result *r) {
  free(r->pseudo);
  r->pseudo = r->onsite = NULL;
}
