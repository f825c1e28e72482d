/* rsproj.c — real-space projections, LREAL = .TRUE. (see rsproj.h). */
#include "pawproj/paw/rsproj.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/blas.h"
#include "pawproj/model/gvec.h"
#include "pawproj/model/lattice.h"
#include "pawproj/par/rgrid.h"
#include "pawproj/paw/radial.h"

#define BOHR_A 0.529177210903
#define XML_POINTS 400

/* Cubic spline second derivatives of y on a uniform grid of spacing h:
 * first derivative yp0 at the first point, natural at the last. */
static void spline_clamped_natural(const double *y, int n, double h, double yp0, double *y2, double *work) {
  /* Tridiagonal: row 0: 2 y2_0 + y2_1 = 6/h ((y_1 − y_0)/h − yp0);
   * rows i: y2_{i−1} + 4 y2_i + y2_{i+1} = 6 Δ²y_i / h²; y2_{n−1} = 0. */
  double *c = work;
  double b = 2, r = 6 / h * ((y[1] - y[0]) / h - yp0);
  c[0] = 1 / b;
  y2[0] = r / b;
  for (int i = 1; i < n - 1; i++) {
    const double rhs = 6 * (y[i + 1] - 2 * y[i] + y[i - 1]) / (h * h);
    const double den = 4 - c[i - 1];
    c[i] = 1 / den;
    y2[i] = (rhs - y2[i - 1]) / den;
  }
  y2[n - 1] = 0;
  for (int i = n - 2; i >= 0; i--) y2[i] -= c[i] * y2[i + 1];
}

double pp_rstable_eval(const pp_rstable *t, int j, double r) {
  if (r > t->rmax) return 0;
  int i = (int)(r / t->dr);
  if (i > t->nr - 2) i = t->nr - 2;
  const double b = r / t->dr - i, a = 1 - b;
  const double *y = t->y + (size_t)j * t->nr, *y2 = t->y2 + (size_t)j * t->nr;
  return a * y[i] + b * y[i + 1] + ((a * a * a - a) * y2[i] + (b * b * b - b) * y2[i + 1]) * t->dr * t->dr / 6;
}

/* Value of the dataset's projector j at r by 4-point Lagrange interpolation
 * on its (non-uniform) radial grid. */
static double radial_interp(const pp_pawdata *d, int j, double r) {
  const double *x = d->r, *p = d->pt + (size_t)j * d->ng;
  int hi = 1;
  while (hi < d->ng - 1 && x[hi] < r) hi++;
  int i0 = hi - 2;
  if (i0 < 0) i0 = 0;
  if (i0 > d->ng - 4) i0 = d->ng - 4;
  double s = 0;
  for (int a = i0; a < i0 + 4; a++) {
    double w = 1;
    for (int b = i0; b < i0 + 4; b++)
      if (b != a) w *= (r - x[b]) / (x[a] - x[b]);
    s += w * p[a];
  }
  return s;
}

static pp_status table_build(const pp_pawdata *d, pp_rstable *t, pp_err *err) {
  memset(t, 0, sizeof *t);
  t->nj = d->nj;
  if (d->nrtab > 0) {
    t->nr = d->nrtab;
    t->dr = d->rtab_rmax / d->nrtab;
  } else {
    if (!d->pt || d->gcut < 4) PP_FAIL(err, PP_ERR_FORMAT, "%s: no projector functions for real-space projection", d->path);
    t->nr = XML_POINTS;
    t->dr = d->r[d->gcut - 1] / (XML_POINTS - 1);
  }
  t->rmax = t->dr * (t->nr - 1);
  t->y = malloc(sizeof *t->y * (size_t)t->nj * t->nr);
  t->y2 = malloc(sizeof *t->y2 * (size_t)t->nj * t->nr);
  double *work = malloc(sizeof *work * (size_t)t->nr);
  if (!t->y || !t->y2 || !work) {
    free(work);
    PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory for real-space projector tables", d->path);
  }
  for (int j = 0; j < t->nj; j++) {
    double *y = t->y + (size_t)j * t->nr;
    for (int i = 0; i < t->nr; i++)
      y[i] = d->nrtab > 0 ? d->rtab[(size_t)j * d->nrtab + i] : radial_interp(d, j, i * t->dr);
    if (d->nrtab == 0) y[t->nr - 1] = 0; /* the projector's last point on its own grid ends it */
    const double yp0 = d->l[j] == 1 ? (y[1] - y[0]) / t->dr : 0;
    spline_clamped_natural(y, t->nr, t->dr, yp0, t->y2 + (size_t)j * t->nr, work);
  }
  free(work);
  return PP_OK;
}

pp_status pp_rsproj_setup(const pp_pawdata *const *data, int nspecies, const int grid[3], pp_rsproj *rs,
                          pp_err *err) {
  memset(rs, 0, sizeof *rs);
  for (int a = 0; a < 3; a++)
    if (grid[a] < 2) PP_FAIL(err, PP_ERR_ARG, "real-space grid %d × %d × %d: need at least 2 points per axis",
                             grid[0], grid[1], grid[2]);
  memcpy(rs->grid, grid, sizeof rs->grid);
  rs->nspecies = nspecies;
  rs->data = malloc(sizeof *rs->data * (size_t)(nspecies + 1));
  rs->table = calloc((size_t)nspecies + 1, sizeof *rs->table);
  if (!rs->data || !rs->table) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (int s = 0; s < nspecies; s++) {
    rs->data[s] = data[s];
    PP_CALL(table_build(data[s], &rs->table[s], err));
  }
  return PP_OK;
}

void pp_rsproj_free(pp_rsproj *rs) {
  for (int s = 0; rs->table && s < rs->nspecies; s++) {
    free(rs->table[s].y);
    free(rs->table[s].y2);
  }
  free(rs->table);
  free(rs->data);
  memset(rs, 0, sizeof *rs);
}

/* One site's grid points within its sphere: wrapped grid index and weights
 * W[p][i] = (Ω/N) Ω^{-1/2} e^{ik·r_p} p̃_i(r_p − R), so P_i = Σ_p W[p][i] u(p). */
typedef struct sitepts {
  int npts, nproj;
  int64_t *idx;
  double complex *W;
} sitepts;

static pp_status site_points(const pp_rsproj *rs, const pp_site *site, const pp_wavecar *wc, int k, double pref,
                             sitepts *sp, pp_err *err) {
  const pp_pawdata *d = rs->data[site->species];
  const pp_rstable *t = &rs->table[site->species];
  const int *n = rs->grid;
  int lo[3], hi[3];
  pp_rgrid_sphere_box(n, wc->lattice, site->frac, t->rmax, lo, hi);
  const int64_t box = (int64_t)(hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1) * (hi[2] - lo[2] + 1);
  sp->nproj = d->nproj;
  sp->npts = 0;
  sp->idx = malloc(sizeof *sp->idx * (size_t)box);
  sp->W = malloc(sizeof *sp->W * (size_t)box * d->nproj);
  if (!sp->idx || !sp->W) PP_FAIL(err, PP_ERR_NOMEM, "out of memory for real-space projector points");
  for (int z = lo[2]; z <= hi[2]; z++)
    for (int y = lo[1]; y <= hi[1]; y++)
      for (int x = lo[0]; x <= hi[0]; x++) {
        const double f[3] = {(double)x / n[0], (double)y / n[1], (double)z / n[2]};
        const double df[3] = {f[0] - site->frac[0], f[1] - site->frac[1], f[2] - site->frac[2]};
        double dv[3];
        pp_lat_frac_to_cart(wc->lattice, df, dv);
        for (int v = 0; v < 3; v++) dv[v] /= BOHR_A;
        const double dist = pp_vec_norm(dv);
        if (dist > t->rmax) continue;
        double u[3] = {0, 0, 1};
        if (dist > 1e-12)
          for (int v = 0; v < 3; v++) u[v] = dv[v] / dist;
        const double arg = 2 * M_PI * (wc->kfrac[k][0] * f[0] + wc->kfrac[k][1] * f[1] + wc->kfrac[k][2] * f[2]);
        const double complex ph = pref * CMPLX(cos(arg), sin(arg));
        const int wx = ((x % n[0]) + n[0]) % n[0], wy = ((y % n[1]) + n[1]) % n[1], wz = ((z % n[2]) + n[2]) % n[2];
        sp->idx[sp->npts] = wx + (int64_t)n[0] * (wy + (int64_t)n[1] * wz);
        double complex *w = sp->W + (size_t)sp->npts * d->nproj;
        int i = 0;
        for (int j = 0; j < d->nj; j++) {
          double ylm[7];
          pp_ylm(d->l[j], u, ylm);
          const double fr = pp_rstable_eval(t, j, dist);
          for (int m = 0; m < 2 * d->l[j] + 1; m++) w[i++] = ph * fr * ylm[m];
        }
        sp->npts++;
      }
  return PP_OK;
}

/* Bands (× spinor components) transformed to the grid together, so that
 * each site's weights are applied to all of them in one ZGEMM (BLAS-3)
 * instead of being streamed from memory once per band: up to RS_BLOCK
 * bands, fewer when their grids would exceed RS_BLOCK_BYTES. */
enum { RS_BLOCK = 16 };
#define RS_BLOCK_BYTES (256.0 * 1024 * 1024)

/* Gathers u at one site's points for ncol grids (ld N) into G (npts, ncol),
 * then R (nproj, ncol) = Wᵀ G: R[i][c] = Σ_p W[p][i] u_c(p). */
static void site_apply(const sitepts *p, const double complex *U, int64_t N, int ncol, double complex *G,
                       double complex *R) {
  for (int c = 0; c < ncol; c++) {
    const double complex *u = U + (int64_t)c * N;
    double complex *g = G + (size_t)c * p->npts;
    for (int q = 0; q < p->npts; q++) g[q] = u[p->idx[q]];
  }
  const double complex one = 1, zero = 0;
  zgemm_("N", "N", &p->nproj, &ncol, &p->npts, &one, p->W, &p->nproj, G, &p->npts, &zero, R, &p->nproj);
}

pp_status pp_rsproj_apply(const pp_rsproj *rs, const pp_site *sites, int nsites, const pp_wavecar *wc, int k,
                          const double complex *C, int nb, int64_t ld, double complex *out, int col0,
                          int ncol_total, pp_err *err) {
  const int *n = rs->grid;
  const int64_t N = (int64_t)n[0] * n[1] * n[2], npw = wc->npw[k];
  const double omega = fabs(pp_lat_volume(wc->lattice)) / (BOHR_A * BOHR_A * BOHR_A);
  const double pref = sqrt(omega) / (double)N;
  const int gamma = pp_variant_is_gamma(wc->variant), ldo = wc->nspinor * ncol_total, ns = wc->nspinor;
  pp_status st = PP_OK;
  int(*m)[3] = malloc(sizeof *m * (size_t)(npw + 1));
  sitepts *sp = calloc((size_t)nsites + 1, sizeof *sp);
  int *scol = malloc(sizeof *scol * (size_t)(nsites + 1));
  double complex *U = NULL, *G = NULL, *R = NULL;
  pp_rgrid grid = {0};
  if (!m || !sp || !scol) PP_THROW(PP_ERR_NOMEM, "out of memory for real-space projections (k-point %d)", k + 1);
  int64_t got;
  PP_TRY(pp_gvec_generate(wc->lattice, wc->encut, wc->kfrac[k], wc->variant, m, npw, &got, err));
  int maxpts = 0, maxproj = 0;
  for (int s = 0, col = col0; s < nsites; col += rs->data[sites[s].species]->nproj, s++) {
    scol[s] = col;
    if (sites[s].kind != PP_SITE_PROJ) continue;
    PP_TRY(site_points(rs, &sites[s], wc, k, pref, &sp[s], err));
    if (sp[s].npts > maxpts) maxpts = sp[s].npts;
    if (sp[s].nproj > maxproj) maxproj = sp[s].nproj;
  }
  const double fit = RS_BLOCK_BYTES / ((double)N * sizeof *U * ns);
  const int block = fit >= RS_BLOCK ? RS_BLOCK : (fit >= 1 ? (int)fit : 1), cols = block * ns;
  U = malloc(sizeof *U * (size_t)N * cols);
  G = malloc(sizeof *G * ((size_t)maxpts * cols + 1));
  R = malloc(sizeof *R * ((size_t)maxproj * cols + 1));
  if (!U || !G || !R)
    PP_THROW(PP_ERR_NOMEM, "out of memory for real-space projections (k-point %d: %d grids of %lld points)", k + 1,
             cols, (long long)N);
  /* The whole grid on this rank: projections are per band, not per slab. */
  PP_TRY(pp_rgrid_create(n, MPI_COMM_SELF, &grid, err));
  for (int b0 = 0; b0 < nb; b0 += block) {
    const int nbb = nb - b0 < block ? nb - b0 : block, ncol = nbb * ns;
    for (int c = 0; c < ncol; c++) { /* column c = (band b0 + c / ns, spinor c % ns) */
      const int b = b0 + c / ns, s = c % ns;
      PP_TRY(pp_rgrid_set_sphere(&grid, (const int(*)[3])m, npw, C + (int64_t)b * ld + (int64_t)s * npw, gamma,
                                 wc->path, k, err));
      pp_rgrid_backward(&grid);
      memcpy(U + (int64_t)c * N, grid.buf, sizeof *U * (size_t)N);
    }
    for (int a = 0; a < nsites; a++) {
      if (sites[a].kind != PP_SITE_PROJ) continue;
      const sitepts *p = &sp[a];
      site_apply(p, U, N, ncol, G, R);
      for (int c = 0; c < ncol; c++) {
        const int b = b0 + c / ns, s = c % ns;
        double complex *o = out + (int64_t)b * ldo + (int64_t)s * ncol_total + scol[a];
        const double complex *r = R + (size_t)c * p->nproj;
        for (int i = 0; i < p->nproj; i++) o[i] = gamma ? creal(r[i]) : r[i];
      }
    }
  }
done:
  pp_rgrid_free(&grid);
  for (int s = 0; sp && s < nsites; s++) {
    free(sp[s].idx);
    free(sp[s].W);
  }
  free(sp);
  free(scol);
  free(m);
  free(U);
  free(G);
  free(R);
  return st;
}
