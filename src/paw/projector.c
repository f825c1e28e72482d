/* projector.c — reciprocal-space PAW projections (see projector.h). */
#include "pawproj/paw/projector.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/blas.h"
#include "pawproj/model/gvec.h"
#include "pawproj/model/lattice.h"
#include "pawproj/paw/rsproj.h"

#include "pawproj/core/units.h"

pp_status pp_paw_diff_table(const pp_pawdata *d, double qmax, pp_ftable *t, pp_err *err) {
  double *diff = pp_pawdata_dphi(d);
  if (!diff) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  /* Δφ vanishes beyond the augmentation radius. */
  int gcut = 0;
  for (int j = 0; j < d->nj; j++)
    for (int g = 0; g < d->ng; g++)
      if (fabs(diff[(size_t)j * d->ng + g]) > 1e-14 && g + 1 > gcut) gcut = g + 1;
  const pp_status st = pp_ftable_build(d, diff, gcut, qmax, t, err);
  free(diff);
  return st;
}

/* The donor's tables of dataset d at the same reach, NULL if none has them. */
static const pp_paw *donor_of(const pp_pawdata *d, double qmax_A, const pp_paw *const *donors, int ndonors, int *ds) {
  for (int i = 0; i < ndonors; i++)
    for (int s = 0; donors[i] && donors[i]->qmax_A == qmax_A && s < donors[i]->nspecies; s++)
      if (donors[i]->data[s] == d && donors[i]->table) {
        *ds = s;
        return donors[i];
      }
  return NULL;
}

pp_status pp_paw_share(const pp_structure *st, const pp_pawdata **data, double qmax_A, const struct pp_rsproj *rs,
                       const pp_paw *const *donors, int ndonors, pp_paw *paw, pp_err *err) {
  memset(paw, 0, sizeof *paw);
  paw->nspecies = st->nspecies;
  paw->data = data;
  paw->rs = rs;
  paw->natoms = st->natoms;
  paw->qmax_A = qmax_A;
  paw->table = calloc((size_t)st->nspecies + 1, sizeof *paw->table);
  paw->dtable = calloc((size_t)st->nspecies + 1, sizeof *paw->dtable);
  paw->owned = calloc((size_t)st->nspecies + 1, 1);
  paw->offset = calloc((size_t)st->natoms + 1, sizeof *paw->offset);
  if (!paw->table || !paw->dtable || !paw->owned || !paw->offset) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  const double qmax = qmax_A * PP_BOHR_A * 1.02 + 0.05;
  for (int s = 0; s < st->nspecies; s++) {
    int ds;
    const pp_paw *donor = donor_of(data[s], qmax_A, donors, ndonors, &ds);
    if (donor) {
      paw->table[s] = donor->table[ds];
      paw->dtable[s] = donor->dtable[ds];
      continue;
    }
    paw->owned[s] = 1;
    if (data[s]->nqtab > 0)
      PP_CALL(pp_ftable_from_table(data[s]->nj, data[s]->l, data[s]->qtab, data[s]->nqtab, data[s]->qtab_dq,
                                   &paw->table[s], err));
    else
      PP_CALL(pp_ftable_build(data[s], data[s]->pt, data[s]->gcut, qmax, &paw->table[s], err));
    PP_CALL(pp_paw_diff_table(data[s], qmax, &paw->dtable[s], err));
  }
  for (int a = 0; a < st->natoms; a++)
    paw->offset[a + 1] = paw->offset[a] + data[st->type[a]]->nproj;
  paw->nproj = paw->offset[st->natoms];
  return PP_OK;
}

pp_status pp_paw_setup(const pp_structure *st, const pp_pawdata **data, double qmax_A,
                       const struct pp_rsproj *rs, pp_paw *paw, pp_err *err) {
  return pp_paw_share(st, data, qmax_A, rs, NULL, 0, paw, err);
}

void pp_paw_free(pp_paw *paw) {
  for (int s = 0; paw->owned && s < paw->nspecies; s++) {
    if (!paw->owned[s]) continue;
    if (paw->table) pp_ftable_free(&paw->table[s]);
    if (paw->dtable) pp_ftable_free(&paw->dtable[s]);
  }
  free(paw->table);
  free(paw->dtable);
  free(paw->owned);
  free(paw->offset);
  memset(paw, 0, sizeof *paw);
}

/* From the plan's pool, else malloc (freed by pp_kplan_free). */
static pp_status kplan_alloc(const pp_kplan *p, size_t bytes, void **out, pp_err *err) {
  if (p->pool) return pp_pool_alloc(p->pool, bytes, out, err);
  *out = malloc(bytes);
  if (!*out) PP_FAIL(err, PP_ERR_NOMEM, "out of memory for the projection plan of k-point %d", p->k + 1);
  return PP_OK;
}

static pp_status kplan_tables(pp_kplan *p, int64_t npw, pp_err *err) {
  p->npw = npw;
  PP_CALL(kplan_alloc(p, sizeof *p->miller * (size_t)(npw + 1), (void **)&p->miller, err));
  PP_CALL(kplan_alloc(p, sizeof(double) * 3 * (size_t)(npw + 1), (void **)&p->q, err));
  PP_CALL(kplan_alloc(p, sizeof(double) * (size_t)(npw + 1), (void **)&p->qlen, err));
  PP_CALL(kplan_alloc(p, sizeof(double) * 3 * (size_t)(npw + 1), (void **)&p->kg, err));
  return PP_OK;
}

/* Rows of the projector matrix built at once: several atoms per ZGEMM, so
 * the coefficients are streamed through the cache once per block instead
 * of once per atom (13 rows per Si atom alone make a thin, memory-bound
 * ZGEMM); bounded in bytes so large plane-wave sets stay modest. */
#define PROJ_BLOCK_BYTES ((size_t)96 << 20)
#define PROJ_BLOCK_ROWS 256

static int block_rows(int64_t npw, int maxproj) {
  int64_t rows = (int64_t)(PROJ_BLOCK_BYTES / ((size_t)npw * 16));
  if (rows > PROJ_BLOCK_ROWS) rows = PROJ_BLOCK_ROWS;
  return rows < maxproj ? maxproj : (int)rows;
}

/* Datasets have l <= 3 (pawxml.c rejects more). */
#define PP_LMAX_TABLE 4

/* The part of a projector row that does not depend on the atom's position:
 * T[g][i] = i^l Y_lm(q̂) f_j(|q|) for one species and kind, (npw, nproj).
 * Built once per k-point and shared by every atom of the species. */
static pp_status species_table(const pp_paw *paw, int species, pp_site_kind kind, const pp_kplan *kp,
                               double complex **out, pp_err *err) {
  static const double complex il[4] = {1, I, -1, -I};
  const pp_pawdata *d = paw->data[species];
  const pp_ftable *t = kind == PP_SITE_PROJ ? &paw->table[species] : &paw->dtable[species];
  const int64_t npw = kp->npw;
  double complex *T;
  PP_CALL(kplan_alloc(kp, sizeof *T * ((size_t)d->nproj * (size_t)npw + 1), (void **)&T, err));
#pragma omp parallel for schedule(static)
  for (int64_t g = 0; g < npw; g++) {
    double u[3] = {0, 0, 1};
    if (kp->qlen[g] > 1e-12)
      for (int i = 0; i < 3; i++) u[i] = kp->q[3 * g + i] / kp->qlen[g];
    double y[PP_LMAX_TABLE][7];
    for (int l = 0; l <= d->lmax && l < PP_LMAX_TABLE; l++) pp_ylm(l, u, y[l]);
    int i = 0;
    for (int j = 0; j < d->nj; j++) {
      const int l = d->l[j];
      const double complex fac = il[l % 4] * pp_ftable_eval(t, j, kp->qlen[g]);
      for (int m = 0; m < 2 * l + 1; m++, i++) T[(size_t)g * d->nproj + i] = fac * y[l][m];
    }
  }
  *out = T;
  return PP_OK;
}

/* Rows r0.. of M (leading dimension ldm) for one site: the species table
 * times the structure factor e^{i q·R} (and the normalisation). */
static void fill_site(const pp_site *site, int nproj, const double complex *T, const pp_kplan *kp,
                      int gamma, double pref, double complex *M, int ldm, int r0) {
  const double *f = site->frac;
  const int64_t npw = kp->npw;
  /* Independent per G: threads change no result. */
#pragma omp parallel for schedule(static)
  for (int64_t g = 0; g < npw; g++) {
    const double arg = 2 * M_PI * (kp->kg[3 * g] * f[0] + kp->kg[3 * g + 1] * f[1] + kp->kg[3 * g + 2] * f[2]);
    /* Gamma-only: fold c(−G) = c(G)* into the stored √2·c(G). */
    const double w = (gamma && g > 0) ? sqrt(2.0) : 1.0;
    const double complex ph = w * pref * CMPLX(cos(arg), sin(arg));
    const double complex *t = T + (size_t)g * nproj;
    double complex *m = M + (size_t)g * ldm + r0;
    for (int i = 0; i < nproj; i++) m[i] = ph * t[i];
  }
}

static int max_nproj(const pp_paw *paw) {
  int maxproj = 0;
  for (int s = 0; s < paw->nspecies; s++)
    if (paw->data[s]->nproj > maxproj) maxproj = paw->data[s]->nproj;
  return maxproj;
}

size_t pp_kplan_bytes(const pp_paw *paw, const pp_wavecar *wc, int k, int with_diff) {
  const size_t npw = (size_t)wc->npw[k] + 1, pad = 64; /* pool alignment per buffer */
  size_t b = npw * (sizeof(int[3]) + 7 * sizeof(double)) + 4 * pad;
  b += sizeof(double complex) * (size_t)block_rows(wc->npw[k], max_nproj(paw)) * npw + pad;
  b += sizeof(double complex *) * (2 * (size_t)paw->nspecies + 1) + pad;
  for (int s = 0; s < paw->nspecies; s++) /* the tables of every species, at most */
    b += (size_t)(1 + (with_diff != 0)) * (sizeof(double complex) * ((size_t)paw->data[s]->nproj * npw + 1) + pad);
  return b;
}

pp_status pp_kplan_create(const pp_paw *paw, const pp_wavecar *wc, int k, pp_pool *pool, pp_kplan *p,
                          pp_err *err) {
  memset(p, 0, sizeof *p);
  p->paw = paw;
  p->wc = wc;
  p->k = k;
  p->pool = pool;
  PP_CALL(kplan_tables(p, wc->npw[k], err));
  int64_t got;
  PP_CALL(pp_gvec_generate(wc->lattice, wc->encut, wc->kfrac[k], wc->variant, p->miller, p->npw, &got, err));
  pp_gvec_cartesian(wc->lattice, wc->kfrac[k], (const int(*)[3])p->miller, p->npw, p->q);
  for (int64_t g = 0; g < p->npw; g++) {
    for (int i = 0; i < 3; i++) p->kg[3 * g + i] = wc->kfrac[k][i] + p->miller[g][i];
    const double *q = p->q + 3 * g;
    p->qlen[g] = sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
  }
  p->maxrows = block_rows(p->npw, max_nproj(paw));
  PP_CALL(kplan_alloc(p, sizeof *p->M * (size_t)p->maxrows * (size_t)(p->npw + 1), (void **)&p->M, err));
  PP_CALL(kplan_alloc(p, sizeof *p->T * (2 * (size_t)paw->nspecies + 1), (void **)&p->T, err));
  memset(p->T, 0, sizeof *p->T * (2 * (size_t)paw->nspecies + 1));
  return PP_OK;
}

void pp_kplan_free(pp_kplan *p) {
  if (p->pool) { /* the pool's owner returns the memory */
    memset(p, 0, sizeof *p);
    return;
  }
  for (int i = 0; p->T && p->paw && i < 2 * p->paw->nspecies; i++) free(p->T[i]);
  free(p->T);
  free(p->M);
  free(p->miller);
  free(p->q);
  free(p->qlen);
  free(p->kg);
  memset(p, 0, sizeof *p);
}

pp_status pp_kplan_project_sites(pp_kplan *kp, const pp_site *sites, int nsites, const double complex *C, int nb,
                                 int64_t ld, double complex *out, int col0, int ncol_total,
                                 const struct pp_rsproj *rs, pp_err *err) {
  const pp_paw *paw = kp->paw;
  const pp_wavecar *wc = kp->wc;
  const int k = kp->k;
  const int64_t npw = kp->npw;
  const double omega = fabs(pp_lat_volume(wc->lattice)) / (PP_BOHR_A * PP_BOHR_A * PP_BOHR_A);
  const double pref = 4 * M_PI / sqrt(omega);
  const int gamma = pp_variant_is_gamma(wc->variant);
  const int maxrows = kp->maxrows;
  double complex *M = kp->M, **T = kp->T;
  const int ldo = wc->nspinor * ncol_total;
  int col = col0;
  for (int a0 = 0; a0 < nsites;) {
    /* Sites the real-space projectors serve are left to pp_rsproj_apply. */
#define REAL_SPACE(a) (rs && sites[a].kind == PP_SITE_PROJ)
    if (REAL_SPACE(a0)) {
      col += paw->data[sites[a0++].species]->nproj;
      continue;
    }
    int a1 = a0, rows = 0;
    while (a1 < nsites && !REAL_SPACE(a1) && rows + paw->data[sites[a1].species]->nproj <= maxrows)
      rows += paw->data[sites[a1++].species]->nproj;
#undef REAL_SPACE
    for (int a = a0, r0 = 0; a < a1; r0 += paw->data[sites[a++].species]->nproj) {
      const int sp = sites[a].species, kind = sites[a].kind == PP_SITE_PROJ ? 0 : 1;
      double complex **t = &T[kind * paw->nspecies + sp];
      if (!*t) PP_CALL(species_table(paw, sp, sites[a].kind, kp, t, err));
      fill_site(&sites[a], paw->data[sp]->nproj, *t, kp, gamma, pref, M, rows, r0);
    }
    const int ipw = (int)npw, ildc = ldo, ildb = (int)ld;
    const double complex one = 1, zero = 0;
    for (int s = 0; s < wc->nspinor && nb > 0; s++)
      zgemm_("N", "N", &rows, &nb, &ipw, &one, M, &rows, C + (int64_t)s * npw, &ildb, &zero,
             out + (int64_t)s * ncol_total + col, &ildc);
    col += rows;
    a0 = a1;
  }
  if (rs) PP_CALL(pp_rsproj_apply(rs, sites, nsites, wc, k, C, nb, ld, out, col0, ncol_total, err));
  if (gamma)
    for (int b = 0; b < nb; b++)
      for (int s = 0; s < wc->nspinor; s++)
        for (int x = col0; x < col; x++) {
          double complex *p = out + (int64_t)b * ldo + (int64_t)s * ncol_total + x;
          *p = creal(*p);
        }
  return PP_OK;
}

pp_status pp_kplan_project(pp_kplan *kp, const pp_structure *st, const double complex *C, int nb, int64_t ld,
                           double complex *P, pp_err *err) {
  const pp_paw *paw = kp->paw;
  pp_site *sites = malloc(sizeof *sites * (size_t)(st->natoms + 1));
  if (!sites) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (int a = 0; a < st->natoms; a++) {
    memcpy(sites[a].frac, st->frac[a], sizeof sites[a].frac);
    sites[a].species = st->type[a];
    sites[a].kind = PP_SITE_PROJ;
  }
  pp_status s = pp_kplan_project_sites(kp, sites, st->natoms, C, nb, ld, P, 0, paw->nproj, paw->rs, err);
  free(sites);
  return s;
}

pp_status pp_project_sites(const pp_paw *paw, const pp_site *sites, int nsites,
                           const pp_wavecar *wc, int k, const double complex *C, int nb,
                           int64_t ld, double complex *out, int col0, int ncol_total,
                           const struct pp_rsproj *rs, pp_err *err) {
  pp_kplan kp;
  pp_status st = pp_kplan_create(paw, wc, k, NULL, &kp, err);
  if (st == PP_OK) st = pp_kplan_project_sites(&kp, sites, nsites, C, nb, ld, out, col0, ncol_total, rs, err);
  pp_kplan_free(&kp);
  return st;
}

pp_status pp_project(const pp_paw *paw, const pp_structure *st, const pp_wavecar *wc, int k,
                     const double complex *C, int nb, int64_t ld, double complex *P, pp_err *err) {
  pp_kplan kp;
  pp_status s = pp_kplan_create(paw, wc, k, NULL, &kp, err);
  if (s == PP_OK) s = pp_kplan_project(&kp, st, C, nb, ld, P, err);
  pp_kplan_free(&kp);
  return s;
}

void pp_paw_apply_q(const pp_paw *paw, const pp_structure *st, int nspinor,
                    const double complex *P, double complex *out) {
  for (int s = 0; s < nspinor; s++)
    for (int a = 0; a < st->natoms; a++) {
      const int64_t off = (int64_t)s * paw->nproj + paw->offset[a];
      pp_pawdata_apply_q(paw->data[st->type[a]], P + off, out + off);
    }
}
