/* rgrid.c — z-slab distributed grids and their communication-free
 * transforms from the plane-wave sphere (see rgrid.h). */
#include "pawproj/par/rgrid.h"

/* complex.h first: fftw_complex is then double complex. */
#include <fftw3-mpi.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/agree.h"
#include "pawproj/core/units.h"
#include "pawproj/model/gvec.h"
#include "pawproj/model/lattice.h"

static int grid_valid(const int n[3]) {
  for (int a = 0; a < 3; a++)
    if (n[a] < 2 || n[a] > 1 << 16) return 0;
  return 1;
}

/* Elements rounded up to 64 bytes, so each part of the buffer keeps the
 * buffer's alignment (and so FFTW's plans do not depend on the rank). */
static ptrdiff_t round4(ptrdiff_t e) { return (e + 3) / 4 * 4; }

/* Threads that finish planes: each has its own plane scratch. */
static int plane_threads(ptrdiff_t nzl) {
  const int t = omp_get_max_threads();
  return nzl < 2 ? 1 : (t < nzl ? t : (int)nzl);
}

/* Slab, plane scratch (one per thread) and column batch of my part of grid
 * n. The batch holds at least one y-row of full-width z-columns; beyond
 * that an eighth of the slab, at most 4 MiB, so that memory still falls
 * with the ranks (each batch is one pass over the G list). */
static void parts(const int n[3], ptrdiff_t nzl, ptrdiff_t *slab, ptrdiff_t *plane, ptrdiff_t *batch) {
  const ptrdiff_t row = (ptrdiff_t)n[0] * n[2], slab_pts = nzl * n[1] * n[0];
  ptrdiff_t want = slab_pts / 8 < (1 << 18) ? slab_pts / 8 : (1 << 18);
  *slab = round4(slab_pts);
  *plane = round4((ptrdiff_t)n[1] * n[0]) * plane_threads(nzl);
  *batch = round4(want > row ? want : row);
}

/* FFTW-MPI's block distribution of the z planes (the layout the writers
 * and the HDF5 hyperslabs follow). */
static void my_planes(const int n[3], MPI_Comm comm, ptrdiff_t *nzl, ptrdiff_t *z0) {
  fftw_mpi_init(); /* idempotent */
  (void)fftw_mpi_local_size_3d(n[2], n[1], n[0], comm, nzl, z0);
}

void pp_rgrid_share(const int n[3], MPI_Comm comm, ptrdiff_t *nloc, ptrdiff_t *alloc) {
  *nloc = *alloc = 0;
  if (!grid_valid(n)) return;
  ptrdiff_t nzl, z0, a, b, c;
  my_planes(n, comm, &nzl, &z0);
  parts(n, nzl, &a, &b, &c);
  *nloc = nzl * n[1] * n[0];
  *alloc = a + b + c;
}

size_t pp_rgrid_slab_bytes(ptrdiff_t alloc) { return sizeof(double complex) * (size_t)(alloc > 0 ? alloc : 1); }

pp_status pp_rgrid_create_in(const int n[3], MPI_Comm comm, pp_pool *pool, pp_rgrid *g, pp_err *err) {
  memset(g, 0, sizeof *g);
  g->hx = g->hy = -1;
  if (!grid_valid(n))
    PP_FAIL(err, PP_ERR_ARG, "real-space grid %d × %d × %d: each axis needs 2 to 65536 points", n[0], n[1], n[2]);
  memcpy(g->n, n, sizeof g->n);
  g->comm = comm;
  MPI_Comm_rank(comm, &g->rank);
  MPI_Comm_size(comm, &g->size);
  my_planes(n, comm, &g->nzl, &g->z0);
  ptrdiff_t slab, plane;
  parts(n, g->nzl, &slab, &plane, &g->bcap);
  g->alloc = slab + plane + g->bcap;
  const size_t bytes = pp_rgrid_slab_bytes(g->alloc);
  pp_status st = PP_OK;
  if (pool) {
    st = pp_pool_alloc(pool, bytes, (void **)&g->buf, err);
    g->pooled = st == PP_OK;
  } else {
    g->buf = fftw_alloc_complex(bytes / sizeof *g->buf);
    if (!g->buf)
      st = pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__, "out of memory for a %d × %d × %d grid slab (%td planes)",
                      n[0], n[1], n[2], g->nzl);
  }
  st = pp_agree(st, err, comm);
  if (st != PP_OK) {
    pp_rgrid_free(g);
    PP_CALL(st);
  }
  g->plane = g->buf + slab;
  g->pstride = round4((ptrdiff_t)n[1] * n[0]);
  g->nthreads = plane_threads(g->nzl);
  g->batch = g->plane + plane;
  g->xrows = fftw_plan_many_dft(1, &g->n[0], n[1], g->plane, NULL, 1, n[0], g->plane, NULL, 1, n[0], FFTW_BACKWARD,
                                FFTW_ESTIMATE);
  if (!g->xrows) {
    pp_rgrid_free(g);
    PP_FAIL(err, PP_ERR_INTERNAL, "FFTW could not plan the x transforms of a %d × %d × %d grid", n[0], n[1], n[2]);
  }
  return PP_OK;
}

pp_status pp_rgrid_create(const int n[3], MPI_Comm comm, pp_rgrid *g, pp_err *err) {
  PP_CALL(pp_rgrid_create_in(n, comm, NULL, g, err));
  return PP_OK;
}

static void destroy(struct fftw_plan_s **p) {
  if (*p) fftw_destroy_plan(*p);
  *p = NULL;
}

static void drop_box_plans(pp_rgrid *g) {
  if (g->zlast == g->zfull) g->zlast = NULL;
  destroy(&g->zfull);
  destroy(&g->zlast);
  destroy(&g->ylo);
  destroy(&g->yhi);
  g->hx = g->hy = -1;
}

void pp_rgrid_free(pp_rgrid *g) {
  drop_box_plans(g);
  destroy(&g->xrows);
  if (g->buf && !g->pooled) fftw_free(g->buf);
  memset(g, 0, sizeof *g);
}

/* Checks every index against the grid; the largest |m0|, |m1|. */
static pp_status box_of(const pp_rgrid *g, const int (*m)[3], int64_t npw, const char *path, int k, int *hx, int *hy,
                        pp_err *err) {
  const int *n = g->n;
  *hx = *hy = 0;
  for (int64_t i = 0; i < npw; i++) {
    for (int a = 0; a < 3; a++)
      if (2 * abs(m[i][a]) >= n[a])
        PP_FAIL(err, PP_ERR_ARG, "%s, k-point %d: the %d × %d × %d grid cannot hold G = (%d, %d, %d): it needs more "
                "than twice the largest index per axis", path, k + 1, n[0], n[1], n[2], m[i][0], m[i][1], m[i][2]);
    if (abs(m[i][0]) > *hx) *hx = abs(m[i][0]);
    if (abs(m[i][1]) > *hy) *hy = abs(m[i][1]);
  }
  return PP_OK;
}

pp_status pp_rgrid_check_sphere(const pp_rgrid *g, const int (*m)[3], int64_t npw, const char *path, int k,
                                pp_err *err) {
  int hx, hy;
  PP_CALL(box_of(g, m, npw, path, k, &hx, &hy, err));
  return PP_OK;
}

static struct fftw_plan_s *plan_columns(int len, int howmany, double complex *a, int stride, int dist) {
  return fftw_plan_many_dft(1, &len, howmany, a, NULL, stride, dist, a, NULL, stride, dist, FFTW_BACKWARD,
                            FFTW_ESTIMATE);
}

/* The plans of box (hx, hy), if they are not those of the last box. */
static pp_status plan_box(pp_rgrid *g, int hx, int hy, pp_err *err) {
  if (hx == g->hx && hy == g->hy) return PP_OK;
  drop_box_plans(g);
  const int *n = g->n, w = 2 * hx + 1, h = 2 * hy + 1;
  const ptrdiff_t fit = g->bcap / ((ptrdiff_t)w * n[2]);
  g->rows = fit < h ? (int)fit : h;
  g->last_rows = h - (h - 1) / g->rows * g->rows;
  g->zfull = plan_columns(n[2], g->rows * w, g->batch, 1, n[2]);
  g->zlast = g->last_rows == g->rows ? g->zfull : plan_columns(n[2], g->last_rows * w, g->batch, 1, n[2]);
  g->ylo = plan_columns(n[1], hx + 1, g->plane, n[0], 1);
  g->yhi = hx ? plan_columns(n[1], hx, g->plane + n[0] - hx, n[0], 1) : NULL;
  if (!g->zfull || !g->zlast || !g->ylo || (hx && !g->yhi)) {
    drop_box_plans(g);
    PP_FAIL(err, PP_ERR_INTERNAL, "FFTW could not plan the column transforms of a %d × %d × %d grid", n[0], n[1], n[2]);
  }
  g->hx = hx;
  g->hy = hy;
  return PP_OK;
}

/* One batch of y-rows [y_lo, y_lo + rows) of the box: its z-columns from
 * the coefficients, transformed along z, then my planes' values stored at
 * their (x, y) in the slab. */
static void column_batch(pp_rgrid *g, const int (*m)[3], int64_t npw, const double complex *c, int gamma,
                         double scale, int y_lo, int rows, struct fftw_plan_s *plan) {
  const int *n = g->n, hx = g->hx, hy = g->hy, w = 2 * hx + 1;
  double complex *col = g->batch;
  memset(col, 0, sizeof *col * (size_t)rows * (size_t)w * (size_t)n[2]);
  for (int64_t i = 0; i < npw; i++) {
    double complex v = scale * c[i];
    if (gamma && i > 0) v /= sqrt(2.0);
    for (int sign = 1; sign >= -1; sign -= 2) {
      if (sign < 0 && !(gamma && i > 0)) break;
      const int yb = sign * m[i][1] + hy - y_lo;
      if (yb < 0 || yb >= rows) continue;
      const size_t s = (size_t)yb * w + (size_t)(sign * m[i][0] + hx);
      col[s * n[2] + (size_t)pp_rgrid_wrap(sign * m[i][2], n[2])] += sign > 0 ? v : conj(v);
    }
  }
  fftw_execute(plan);
  for (int yb = 0; yb < rows; yb++) {
    const int y = pp_rgrid_wrap(y_lo + yb - hy, n[1]);
    for (int xb = 0; xb < w; xb++) {
      const int x = pp_rgrid_wrap(xb - hx, n[0]);
      const double complex *src = col + ((size_t)yb * w + xb) * n[2] + g->z0;
      for (ptrdiff_t l = 0; l < g->nzl; l++) g->buf[((size_t)l * n[1] + y) * n[0] + x] = src[l];
    }
  }
}

/* Plane l: the box's values into the zeroed scratch sc, y along the box's
 * columns, x along every row, back into the slab. The plans run on sc
 * (new-array execution: every scratch has the planned one's alignment). */
static void finish_plane(const pp_rgrid *g, ptrdiff_t l, double complex *sc) {
  const int *n = g->n, hx = g->hx, hy = g->hy;
  const size_t pn = (size_t)n[1] * n[0];
  double complex *dst = g->buf + (size_t)l * pn;
  memset(sc, 0, sizeof *sc * pn);
  for (int yb = -hy; yb <= hy; yb++) {
    const size_t row = (size_t)pp_rgrid_wrap(yb, n[1]) * n[0];
    memcpy(sc + row, dst + row, sizeof *sc * (size_t)(hx + 1));
    if (hx) memcpy(sc + row + n[0] - hx, dst + row + n[0] - hx, sizeof *sc * (size_t)hx);
  }
  fftw_execute_dft(g->ylo, sc, sc);
  if (g->yhi) fftw_execute_dft(g->yhi, sc + n[0] - hx, sc + n[0] - hx);
  fftw_execute_dft(g->xrows, sc, sc);
  memcpy(dst, sc, sizeof *sc * pn);
}

pp_status pp_rgrid_sphere_backward(pp_rgrid *g, const int (*m)[3], int64_t npw, const double complex *c, int gamma,
                                   double scale, const char *path, int k, pp_err *err) {
  int hx, hy;
  PP_CALL(box_of(g, m, npw, path, k, &hx, &hy, err));
  PP_CALL(plan_box(g, hx, hy, err));
  if (g->nzl == 0) return PP_OK;
  const int h = 2 * hy + 1;
  for (int y_lo = 0; y_lo < h; y_lo += g->rows) {
    const int last = y_lo + g->rows >= h;
    column_batch(g, m, npw, c, gamma, scale, y_lo, last ? g->last_rows : g->rows, last ? g->zlast : g->zfull);
  }
  /* Threads take whole planes: a plane's value does not depend on which
   * thread or rank computes it. */
#pragma omp parallel for schedule(static) num_threads(g->nthreads)
  for (ptrdiff_t l = 0; l < g->nzl; l++) finish_plane(g, l, g->plane + (size_t)omp_get_thread_num() * g->pstride);
  return PP_OK;
}

void pp_rgrid_sphere_box(const int n[3], const double lattice[3][3], const double frac[3], double r_bohr, int lo[3],
                         int hi[3]) {
  double rec[3][3];
  pp_lat_reciprocal(lattice, rec);
  for (int a = 0; a < 3; a++) {
    /* Fractional half-width of the sphere along axis a: r |b_a| / 2π. */
    const double half = r_bohr * PP_BOHR_A * pp_vec_norm(rec[a]) / (2 * M_PI) * n[a];
    lo[a] = (int)floor(frac[a] * n[a] - half) - 1;
    hi[a] = (int)ceil(frac[a] * n[a] + half) + 1;
  }
}

void pp_rgrid_sphere_grid(const double lattice[3][3], double encut, int n[3]) {
  const double gcut = sqrt(encut * PP_VASP_C); /* Å⁻¹ */
  for (int i = 0; i < 3; i++) {
    const double len = sqrt(lattice[i][0] * lattice[i][0] + lattice[i][1] * lattice[i][1] + lattice[i][2] * lattice[i][2]);
    n[i] = 2 * (int)floor(gcut * len / (2 * M_PI)) + 1;
  }
}
