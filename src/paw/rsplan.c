/* rsplan.c — the real-space projection plan of one (structure, k-point):
 * built once, applied to every band block of the k-point (see rsproj.h).
 *
 * Why a plan: projecting one band block needs, besides its FFTs, the G
 * list, every site's sphere points and weights, an FFTW plan and gather
 * buffers. Building those per call cost more than the projections when a
 * caller projects a k-point in blocks or band by band (density, IPR), and
 * even once per k-point the fresh buffers were first-touched at this VM's
 * slow page-fault rate (docs/performance.md, "Real space").
 *
 * The plan changed no number when it was introduced: the weights are
 * computed by the same expressions, the FFT is pp_rgrid's, the bands are
 * blocked as before (RS_BLOCK, RS_BLOCK_BYTES) so every ZGEMM has the
 * shape it had.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/blas.h"
#include "pawproj/core/stage.h"
#include "pawproj/model/gvec.h"
#include "pawproj/model/lattice.h"
#include "pawproj/par/rgrid.h"
#include "pawproj/paw/radial.h"
#include "pawproj/paw/rsproj.h"

#include "pawproj/core/units.h"

/* Bands (× spinor components) transformed to the grid together, so that
 * each site's weights are applied to all of them in one ZGEMM (BLAS-3)
 * instead of being streamed from memory once per band: up to RS_BLOCK
 * bands, fewer when their grids would exceed RS_BLOCK_BYTES (the bound of
 * the per-call code, kept so that the ZGEMM shapes, hence the sums, stay
 * the same). */
enum { RS_BLOCK = 16 };
#define RS_BLOCK_BYTES (256.0 * 1024 * 1024)

/* One site's grid points within its sphere: wrapped grid index and weights
 * W[p][i] = (Ω/N) Ω^{-1/2} e^{ik·r_p} p̃_i(r_p − R), so P_i = Σ_p W[p][i] u(p).
 * The point set does not depend on k, only W's phases do. */
typedef struct sitepts {
  int npts, nproj;
  int64_t cap;       /* points of the site's box: idx and W hold this many */
  int64_t *idx;
  double complex *W; /* (npts, nproj), row p = point p */
  double complex *G; /* u at the points for a band block, (npts, gcols); inside the plan's gather buffer */
} sitepts;

struct pp_rsplan {
  /* What the plan is for; same_sites / same_k compare these. */
  int nsites;
  pp_site *sites;      /* copies */
  pp_rstable *tab;     /* per site, a copy of its table (arrays not owned); unused for other kinds */
  const pp_pawdata **dat; /* per site, its dataset; NULL: not projected here */
  int n[3];
  double lattice[3][3];
  double kfrac[3], encut;
  pp_variant variant;
  int nspinor, k;
  int64_t npw;
  char path[sizeof ((pp_wavecar *)0)->path]; /* the WAVECAR, for messages */
  /* What it holds. */
  int (*m)[3];         /* G list of the k-point, file order, (npw) */
  int64_t mcap;        /* entries m can hold */
  sitepts *sp;         /* per site */
  int *scol;           /* first column of each site, relative to col0, (nsites) */
  int maxproj, block, cols, gamma;
  pp_rgrid grid;       /* the whole grid on this rank: projections are per band, not per slab */
  double complex *G;   /* gather buffer, Σ npts × gcols */
  size_t tot;          /* Σ npts */
  int whole;           /* 1: overlapping spheres, tot > grid points: G holds whole grids (see gather_room) */
  int maxpts;          /* largest npts */
  double complex *Gs;  /* whole: one site's gathered values, (maxpts, gcols) */
  int gcols;           /* grids G holds: grown to what calls need, at most cols */
  double complex *R;   /* one site's projections for a block, (maxproj, cols) */
  double *fr;          /* f_j(|r|) of one point, (max nj) */
  /* Where the large buffers are from: ctx NULL, malloc; else one pool per
   * slot of the stage open when the slot was filled (pp_ctx_stage_pool),
   * so that --mem-report and --mem-per-rank count them. A slot whose
   * stage has ended is gone with it (plan_revive). */
  pp_ctx *ctx;
  pp_pool *pool[3];
  unsigned long serial[3];
};

/* The slots: fixed for the plan's life (sites' points and weights, the
 * grid, R, fr), and the two that grow: the G list (a larger k-point
 * sphere) and the gather buffer (more columns). */
enum { SLOT_PLAN, SLOT_GVEC, SLOT_GATHER, NSLOTS };
static const char *const slot_name[NSLOTS] = {"rs-plan", "rs-gvec", "rs-gather"};

static int slot_alive(const pp_rsplan *p, int s) {
  return p->pool[s] && pp_pool_alive(&p->ctx->pools, p->pool[s], p->serial[s]);
}

/* Empties slot s: its pool is released (if its stage has not done so). */
static void slot_release(pp_rsplan *p, int s) {
  if (slot_alive(p, s)) {
    pp_err e = {0};
    (void)pp_pool_release(p->pool[s], &e); /* no pool depends on it: cannot fail */
  }
  p->pool[s] = NULL;
}

/* Empties slot s and gives it a new pool in the innermost open stage. */
static pp_status slot_open(pp_rsplan *p, int s, pp_err *err) {
  if (!p->ctx) return PP_OK;
  slot_release(p, s);
  PP_CALL(pp_ctx_stage_pool(p->ctx, slot_name[s], &p->pool[s], err));
  p->serial[s] = p->pool[s]->serial;
  return PP_OK;
}

static pp_status slot_alloc(pp_rsplan *p, int s, size_t bytes, void **out, pp_err *err) {
  if (p->ctx) return pp_pool_alloc(p->pool[s], bytes, out, err);
  *out = malloc(bytes);
  if (!*out) PP_FAIL(err, PP_ERR_NOMEM, "out of memory for real-space projections (%zu bytes)", bytes);
  return PP_OK;
}

/* After a stage ended: 0 if the plan's fixed slot went with it (the plan
 * must be built anew); else the growing slots that went are marked empty
 * (the G list is invalid until plan_set_k fills it again). */
static int plan_revive(pp_rsplan *p) {
  if (!p->ctx) return 1;
  if (!slot_alive(p, SLOT_PLAN)) return 0;
  if (p->pool[SLOT_GVEC] && !slot_alive(p, SLOT_GVEC)) {
    p->pool[SLOT_GVEC] = NULL;
    p->m = NULL;
    p->mcap = 0;
    p->npw = -1;
  }
  if (p->pool[SLOT_GATHER] && !slot_alive(p, SLOT_GATHER)) {
    p->pool[SLOT_GATHER] = NULL;
    p->G = p->Gs = NULL;
    p->gcols = 0;
  }
  return 1;
}

static int same_sites(const pp_rsplan *p, const pp_rsproj *rs, const pp_site *sites, int nsites,
                      const pp_wavecar *wc) {
  if (p->nsites != nsites || memcmp(p->n, rs->grid, sizeof p->n) || memcmp(p->lattice, wc->lattice, sizeof p->lattice))
    return 0;
  for (int a = 0; a < nsites; a++) {
    const pp_site *s = &sites[a], *q = &p->sites[a];
    if (memcmp(s->frac, q->frac, sizeof s->frac) || s->species != q->species || s->kind != q->kind) return 0;
    if (s->kind != PP_SITE_PROJ) continue;
    const pp_rstable *t = &rs->table[s->species], *u = &p->tab[a];
    if (rs->data[s->species] != p->dat[a] || t->y != u->y || t->y2 != u->y2 || t->nj != u->nj || t->nr != u->nr ||
        t->dr != u->dr || t->rmax != u->rmax)
      return 0;
  }
  return 1;
}

static int same_k(const pp_rsplan *p, const pp_wavecar *wc, int k) {
  return !memcmp(p->kfrac, wc->kfrac[k], sizeof p->kfrac) && p->encut == wc->encut && p->variant == wc->variant &&
         p->npw == wc->npw[k] && p->nspinor == wc->nspinor;
}

/* W of one site for k-point k (its points are those of the box within the
 * table's range; their number is the same for every k). */
static void site_points(const pp_rsplan *p, int a, const pp_wavecar *wc, int k, double pref) {
  const pp_site *site = &p->sites[a];
  const pp_pawdata *d = p->dat[a];
  const pp_rstable *t = &p->tab[a];
  const int *n = p->n;
  sitepts *sp = &p->sp[a];
  int lo[3], hi[3];
  pp_rgrid_sphere_box(n, wc->lattice, site->frac, t->rmax, lo, hi);
  sp->npts = 0;
  /* Along x, a row of the box meets the sphere in one interval: found from
   * |P + x A|² <= r² (P the row's x = 0 point, A one x step, Bohr) with a
   * margin far above rounding, so that the exact test below, the one that
   * decides, sees every point it would accept and fewer it rejects. */
  double A[3];
  pp_lat_frac_to_cart(wc->lattice, (const double[3]){1.0 / n[0], 0, 0}, A);
  for (int v = 0; v < 3; v++) A[v] /= PP_BOHR_A;
  const double AA = A[0] * A[0] + A[1] * A[1] + A[2] * A[2], rr = t->rmax * (1 + 1e-6) + 1e-6;
  for (int z = lo[2]; z <= hi[2]; z++)
    for (int y = lo[1]; y <= hi[1]; y++) {
      double P[3];
      pp_lat_frac_to_cart(wc->lattice,
                          (const double[3]){-site->frac[0], (double)y / n[1] - site->frac[1],
                                            (double)z / n[2] - site->frac[2]},
                          P);
      for (int v = 0; v < 3; v++) P[v] /= PP_BOHR_A;
      const double PA = P[0] * A[0] + P[1] * A[1] + P[2] * A[2], PP = P[0] * P[0] + P[1] * P[1] + P[2] * P[2];
      const double disc = PA * PA - AA * (PP - rr * rr);
      if (disc < 0) continue;
      const double x0 = (-PA - sqrt(disc)) / AA, x1 = (-PA + sqrt(disc)) / AA;
      const int xa = x0 - 1 > lo[0] ? (int)floor(x0) - 1 : lo[0], xb = x1 + 1 < hi[0] ? (int)ceil(x1) + 1 : hi[0];
      for (int x = xa; x <= xb; x++) {
        const double f[3] = {(double)x / n[0], (double)y / n[1], (double)z / n[2]};
        const double df[3] = {f[0] - site->frac[0], f[1] - site->frac[1], f[2] - site->frac[2]};
        double dv[3];
        pp_lat_frac_to_cart(wc->lattice, df, dv);
        for (int v = 0; v < 3; v++) dv[v] /= PP_BOHR_A;
        const double dist = pp_vec_norm(dv);
        if (dist > t->rmax) continue;
        if (!sp->idx) { /* counting (pp_rsplan_create): the same test decides */
          sp->npts++;
          continue;
        }
        double u[3] = {0, 0, 1};
        if (dist > 1e-12)
          for (int v = 0; v < 3; v++) u[v] = dv[v] / dist;
        const double arg = 2 * M_PI * (wc->kfrac[k][0] * f[0] + wc->kfrac[k][1] * f[1] + wc->kfrac[k][2] * f[2]);
        const double complex ph = pref * CMPLX(cos(arg), sin(arg));
        const int wx = pp_rgrid_wrap(x, n[0]), wy = pp_rgrid_wrap(y, n[1]), wz = pp_rgrid_wrap(z, n[2]);
        sp->idx[sp->npts] = wx + (int64_t)n[0] * (wy + (int64_t)n[1] * wz);
        double complex *w = sp->W + (size_t)sp->npts * d->nproj;
        /* Channels share the spline segment and l: Y_lm once per l (the
         * readers allow l <= 3, the range of pp_ylm). */
        double *fr = p->fr, ylm[4][7];
        int have = 0; /* bit l: ylm[l] computed */
        pp_rstable_eval_all(t, dist, fr);
        int i = 0;
        for (int j = 0; j < d->nj; j++) {
          const int l = d->l[j];
          if (!(have >> l & 1)) pp_ylm(l, u, ylm[l]), have |= 1 << l;
          for (int m = 0; m < 2 * l + 1; m++) w[i++] = ph * fr[j] * ylm[l][m];
        }
        sp->npts++;
      }
    }
}

/* Points the plan to k-point k of wc (same sites, cell and grid): its G
 * list and the sites' weights; buffers are reused. */
static pp_status plan_set_k(pp_rsplan *p, const pp_wavecar *wc, int k, pp_err *err) {
  const int64_t npw = wc->npw[k];
  if (npw + 1 > p->mcap) {
    if (!p->ctx) free(p->m);
    p->m = NULL;
    p->mcap = 0;
    PP_CALL(slot_open(p, SLOT_GVEC, err));
    PP_CALL(slot_alloc(p, SLOT_GVEC, sizeof *p->m * (size_t)(npw + 1), (void **)&p->m, err));
    p->mcap = npw + 1;
  }
  p->npw = -1; /* not valid for any k-point until complete */
  int64_t got;
  PP_CALL(pp_gvec_generate(wc->lattice, wc->encut, wc->kfrac[k], wc->variant, p->m, npw, &got, err));
  const int64_t N = (int64_t)p->n[0] * p->n[1] * p->n[2];
  const double omega = fabs(pp_lat_volume(wc->lattice)) / (PP_BOHR_A * PP_BOHR_A * PP_BOHR_A);
  const double pref = sqrt(omega) / (double)N;
  for (int a = 0; a < p->nsites; a++)
    if (p->dat[a]) site_points(p, a, wc, k, pref);
  memcpy(p->kfrac, wc->kfrac[k], sizeof p->kfrac);
  p->encut = wc->encut;
  p->variant = wc->variant;
  p->nspinor = wc->nspinor;
  p->gamma = pp_variant_is_gamma(wc->variant);
  p->k = k;
  snprintf(p->path, sizeof p->path, "%s", wc->path);
  p->npw = npw;
  return PP_OK;
}

void pp_rsplan_free(pp_rsplan *p) {
  if (!p) return;
  pp_rgrid_free(&p->grid);
  if (p->ctx) {
    for (int s = 0; s < NSLOTS; s++) slot_release(p, s);
  } else {
    for (int a = 0; p->sp && a < p->nsites; a++) {
      free(p->sp[a].idx);
      free(p->sp[a].W);
    }
    free(p->m);
    free(p->G);
    free(p->Gs);
    free(p->R);
    free(p->fr);
  }
  free(p->sp);
  free(p->sites);
  free(p->tab);
  free(p->dat);
  free(p->scol);
  free(p);
}

pp_status pp_rsplan_create(const pp_rsproj *rs, const pp_site *sites, int nsites, const pp_wavecar *wc, int k,
                           pp_rsplan **plan, pp_err *err) {
  pp_status st = PP_OK;
  *plan = NULL;
  pp_rsplan *p = calloc(1, sizeof *p);
  if (!p) PP_FAIL(err, PP_ERR_NOMEM, "out of memory for a real-space projection plan");
  p->nsites = nsites;
  p->npw = -1;
  p->ctx = rs->cache ? rs->cache->ctx : NULL;
  PP_TRY(slot_open(p, SLOT_PLAN, err));
  memcpy(p->n, rs->grid, sizeof p->n);
  memcpy(p->lattice, wc->lattice, sizeof p->lattice);
  p->sites = malloc(sizeof *p->sites * (size_t)(nsites + 1));
  p->tab = calloc((size_t)nsites + 1, sizeof *p->tab);
  p->dat = calloc((size_t)nsites + 1, sizeof *p->dat);
  p->sp = calloc((size_t)nsites + 1, sizeof *p->sp);
  p->scol = malloc(sizeof *p->scol * (size_t)(nsites + 1));
  if (!p->sites || !p->tab || !p->dat || !p->sp || !p->scol)
    PP_THROW(PP_ERR_NOMEM, "out of memory for real-space projections (k-point %d)", k + 1);
  if (nsites > 0) memcpy(p->sites, sites, sizeof *p->sites * (size_t)nsites);
  const int ns = wc->nspinor;
  int maxnj = 0;
  for (int a = 0, col = 0; a < nsites; col += rs->data[sites[a].species]->nproj, a++) {
    p->scol[a] = col;
    if (sites[a].kind != PP_SITE_PROJ) continue;
    sitepts *sp = &p->sp[a];
    p->dat[a] = rs->data[sites[a].species];
    p->tab[a] = rs->table[sites[a].species];
    /* Exactly the sphere's points: pooled memory is zeroed, so a box-sized
     * array would be resident as a whole. */
    site_points(p, a, wc, k, 0);
    sp->cap = sp->npts > 0 ? sp->npts : 1;
    sp->nproj = p->dat[a]->nproj;
    PP_TRY(slot_alloc(p, SLOT_PLAN, sizeof *sp->idx * (size_t)sp->cap, (void **)&sp->idx, err));
    PP_TRY(slot_alloc(p, SLOT_PLAN, sizeof *sp->W * (size_t)sp->cap * sp->nproj, (void **)&sp->W, err));
    if (sp->nproj > p->maxproj) p->maxproj = sp->nproj;
    if (p->tab[a].nj > maxnj) maxnj = p->tab[a].nj;
  }
  PP_TRY(slot_alloc(p, SLOT_PLAN, sizeof *p->fr * (size_t)(maxnj + 1), (void **)&p->fr, err));
  PP_TRY(plan_set_k(p, wc, k, err));
  const int64_t N = (int64_t)p->n[0] * p->n[1] * p->n[2];
  const double fit = RS_BLOCK_BYTES / ((double)N * sizeof(double complex) * ns);
  p->block = fit >= RS_BLOCK ? RS_BLOCK : (fit >= 1 ? (int)fit : 1);
  p->cols = p->block * ns;
  for (int a = 0; a < nsites; a++) {
    p->tot += (size_t)p->sp[a].npts;
    if (p->sp[a].npts > p->maxpts) p->maxpts = p->sp[a].npts;
  }
  p->whole = p->tot > (size_t)N;
  PP_TRY(slot_alloc(p, SLOT_PLAN, sizeof *p->R * ((size_t)p->maxproj * p->cols + 1), (void **)&p->R, err));
  PP_TRY(pp_rgrid_create_in(p->n, MPI_COMM_SELF, p->ctx ? p->pool[SLOT_PLAN] : NULL, &p->grid, err));
  *plan = p;
  return PP_OK;
done:
  pp_rsplan_free(p);
  return st;
}

/* Room in G for ncol grids. Each grid is gathered at the sites' points
 * right after its FFT, so a block needs Σ npts values per grid, not whole
 * grids, and a caller that projects band by band needs one grid's. When
 * spheres overlap so much that Σ npts exceeds the grid, G holds the whole
 * grids instead and each site gathers from them into Gs: never more
 * memory than the per-call code took. */
static pp_status gather_room(pp_rsplan *p, int ncol, pp_err *err) {
  if (ncol <= p->gcols) return PP_OK;
  if (!p->ctx) {
    free(p->G);
    free(p->Gs);
  }
  p->G = p->Gs = NULL;
  p->gcols = 0;
  const size_t per = p->whole ? (size_t)p->n[0] * p->n[1] * p->n[2] : p->tot;
  PP_CALL(slot_open(p, SLOT_GATHER, err));
  PP_CALL(slot_alloc(p, SLOT_GATHER, sizeof *p->G * (per * ncol + 1), (void **)&p->G, err));
  if (p->whole) PP_CALL(slot_alloc(p, SLOT_GATHER, sizeof *p->Gs * ((size_t)p->maxpts * ncol + 1), (void **)&p->Gs, err));
  p->gcols = ncol;
  if (p->whole) return PP_OK;
  for (int a = 0, off = 0; a < p->nsites; off += p->sp[a++].npts) p->sp[a].G = p->G + (size_t)off * ncol;
  return PP_OK;
}

pp_status pp_rsplan_apply(pp_rsplan *p, const double complex *C, int nb, int64_t ld, double complex *out, int col0,
                          int ncol_total, pp_err *err) {
  const int ns = p->nspinor, ldo = ns * ncol_total, block = p->block;
  if (nb > 0) PP_CALL(gather_room(p, (nb < block ? nb : block) * ns, err));
  const int64_t npw = p->npw, N = (int64_t)p->n[0] * p->n[1] * p->n[2];
  const pp_rgrid *g = &p->grid;
  for (int b0 = 0; b0 < nb; b0 += block) {
    const int nbb = nb - b0 < block ? nb - b0 : block, ncol = nbb * ns;
    for (int c = 0; c < ncol; c++) { /* column c = (band b0 + c / ns, spinor c % ns) */
      const int b = b0 + c / ns, s = c % ns;
      /* No site to project here: the grid is still checked. */
      if (p->maxproj == 0) return pp_rgrid_check_sphere(&p->grid, (const int(*)[3])p->m, npw, p->path, p->k, err);
      PP_CALL(pp_rgrid_sphere_backward(&p->grid, (const int(*)[3])p->m, npw, C + (int64_t)b * ld + (int64_t)s * npw,
                                       p->gamma, 1.0, p->path, p->k, err));
      if (p->whole) {
        memcpy(p->G + (size_t)c * N, g->buf, sizeof *p->G * (size_t)N);
        continue;
      }
      for (int a = 0; a < p->nsites; a++) {
        const sitepts *sp = &p->sp[a];
        double complex *gc = sp->G + (size_t)c * sp->npts;
        for (int q = 0; q < sp->npts; q++) gc[q] = g->buf[sp->idx[q]];
      }
    }
    for (int a = 0; a < p->nsites; a++) {
      if (!p->dat[a]) continue;
      const sitepts *sp = &p->sp[a];
      const double complex one = 1, zero = 0, *Ga = sp->G;
      if (p->whole) {
        for (int c = 0; c < ncol; c++)
          for (int q = 0; q < sp->npts; q++) p->Gs[(size_t)c * sp->npts + q] = p->G[(size_t)c * N + sp->idx[q]];
        Ga = p->Gs;
      }
      /* R (nproj, ncol) = Wᵀ G: R[i][c] = Σ_p W[p][i] u_c(p). */
      if (sp->npts > 0)
        zgemm_("N", "N", &sp->nproj, &ncol, &sp->npts, &one, sp->W, &sp->nproj, Ga, &sp->npts, &zero, p->R,
               &sp->nproj);
      else
        memset(p->R, 0, sizeof *p->R * (size_t)sp->nproj * ncol);
      for (int c = 0; c < ncol; c++) {
        const int b = b0 + c / ns, s = c % ns;
        double complex *o = out + (int64_t)b * ldo + (int64_t)s * ncol_total + col0 + p->scol[a];
        const double complex *r = p->R + (size_t)c * sp->nproj;
        for (int i = 0; i < sp->nproj; i++) o[i] = p->gamma ? creal(r[i]) : r[i];
      }
    }
  }
  return PP_OK;
}

void pp_rsproj_use_pools(const pp_rsproj *rs, pp_ctx *ctx) {
  if (rs->cache) rs->cache->ctx = ctx;
}

void pp_rsproj_drop_plan(const pp_rsproj *rs) {
  if (!rs->cache) return;
  pp_rsplan_free(rs->cache->plan);
  rs->cache->plan = NULL;
}

pp_status pp_rsproj_apply(const pp_rsproj *rs, const pp_site *sites, int nsites, const pp_wavecar *wc, int k,
                          const double complex *C, int nb, int64_t ld, double complex *out, int col0,
                          int ncol_total, pp_err *err) {
  if (!rs->cache) { /* a struct not made by pp_rsproj_setup: one plan per call */
    pp_rsplan *p;
    PP_CALL(pp_rsplan_create(rs, sites, nsites, wc, k, &p, err));
    const pp_status st = pp_rsplan_apply(p, C, nb, ld, out, col0, ncol_total, err);
    pp_rsplan_free(p);
    return st;
  }
  pp_rsplan **p = &rs->cache->plan;
  /* Free first: one plan's memory at a time. A plan whose pools went
   * with their stage, or bound otherwise, is built anew. */
  if (*p && (!plan_revive(*p) || (*p)->ctx != rs->cache->ctx || !same_sites(*p, rs, sites, nsites, wc)))
    pp_rsproj_drop_plan(rs);
  if (!*p)
    PP_CALL(pp_rsplan_create(rs, sites, nsites, wc, k, p, err));
  else if (!same_k(*p, wc, k)) { /* also after plan_revive emptied the G list (npw = -1) */
    const pp_status st = plan_set_k(*p, wc, k, err);
    if (st != PP_OK) {
      pp_rsproj_drop_plan(rs);
      PP_CALL(st);
    }
  }
  /* Equal k-points of two files share a plan; messages name this one. */
  (*p)->k = k;
  if (strcmp((*p)->path, wc->path)) snprintf((*p)->path, sizeof (*p)->path, "%s", wc->path);
  PP_CALL(pp_rsplan_apply(*p, C, nb, ld, out, col0, ncol_total, err));
  return PP_OK;
}
