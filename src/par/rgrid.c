/* rgrid.c — z-slab distributed grids and FFTW-MPI transforms (see rgrid.h). */
#include "pawproj/par/rgrid.h"

/* complex.h first: fftw_complex is then double complex. */
#include <fftw3-mpi.h>
#include <math.h>
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

void pp_rgrid_share(const int n[3], MPI_Comm comm, ptrdiff_t *nloc, ptrdiff_t *alloc) {
  *nloc = *alloc = 0;
  if (!grid_valid(n)) return;
  fftw_mpi_init();
  ptrdiff_t nzl, z0;
  *alloc = fftw_mpi_local_size_3d(n[2], n[1], n[0], comm, &nzl, &z0);
  *nloc = nzl * n[1] * n[0];
}

size_t pp_rgrid_slab_bytes(ptrdiff_t alloc) { return sizeof(double complex) * (size_t)(alloc > 0 ? alloc : 1); }

pp_status pp_rgrid_create_in(const int n[3], MPI_Comm comm, pp_pool *pool, pp_rgrid *g, pp_err *err) {
  memset(g, 0, sizeof *g);
  if (!grid_valid(n))
    PP_FAIL(err, PP_ERR_ARG, "real-space grid %d × %d × %d: each axis needs 2 to 65536 points", n[0], n[1], n[2]);
  memcpy(g->n, n, sizeof g->n);
  g->comm = comm;
  MPI_Comm_rank(comm, &g->rank);
  MPI_Comm_size(comm, &g->size);
  /* Idempotent; keeps FFTW-MPI's state with the first caller. */
  fftw_mpi_init();
  g->alloc = fftw_mpi_local_size_3d(n[2], n[1], n[0], comm, &g->nzl, &g->z0);
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
  /* Planning is collective: no rank may enter it while another has failed. */
  st = pp_agree(st, err, comm);
  if (st != PP_OK) {
    pp_rgrid_free(g);
    PP_CALL(st);
  }
  g->back = fftw_mpi_plan_dft_3d(n[2], n[1], n[0], g->buf, g->buf, comm, FFTW_BACKWARD, FFTW_ESTIMATE);
  if (!g->back) {
    pp_rgrid_free(g);
    PP_FAIL(err, PP_ERR_INTERNAL, "FFTW-MPI could not plan a %d × %d × %d transform", n[0], n[1], n[2]);
  }
  return PP_OK;
}

pp_status pp_rgrid_create(const int n[3], MPI_Comm comm, pp_rgrid *g, pp_err *err) {
  PP_CALL(pp_rgrid_create_in(n, comm, NULL, g, err));
  return PP_OK;
}

void pp_rgrid_free(pp_rgrid *g) {
  if (g->back) fftw_destroy_plan(g->back);
  if (g->buf && !g->pooled) fftw_free(g->buf);
  memset(g, 0, sizeof *g);
}

pp_status pp_rgrid_set_sphere(pp_rgrid *g, const int (*m)[3], int64_t npw, const double complex *c, int gamma,
                              const char *path, int k, pp_err *err) {
  const int *n = g->n;
  memset(g->buf, 0, sizeof *g->buf * (size_t)pp_rgrid_local(g));
  for (int64_t i = 0; i < npw; i++) {
    for (int a = 0; a < 3; a++)
      if (2 * abs(m[i][a]) >= n[a])
        PP_FAIL(err, PP_ERR_ARG, "%s, k-point %d: the %d × %d × %d grid cannot hold G = (%d, %d, %d): it needs more "
                "than twice the largest index per axis", path, k + 1, n[0], n[1], n[2], m[i][0], m[i][1], m[i][2]);
    double complex v = c[i];
    for (int sign = 1; sign >= -1; sign -= 2) {
      if (sign < 0 && !(gamma && i > 0)) break;
      const int x = ((sign * m[i][0]) % n[0] + n[0]) % n[0], y = ((sign * m[i][1]) % n[1] + n[1]) % n[1];
      const int z = ((sign * m[i][2]) % n[2] + n[2]) % n[2];
      if (gamma && i > 0 && sign > 0) v /= sqrt(2.0);
      if (z >= g->z0 && z < g->z0 + g->nzl)
        g->buf[((size_t)(z - g->z0) * n[1] + y) * n[0] + x] += sign > 0 ? v : conj(v);
    }
  }
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

void pp_rgrid_backward(pp_rgrid *g) { fftw_execute(g->back); }

void pp_rgrid_sphere_grid(const double lattice[3][3], double encut, int n[3]) {
  const double gcut = sqrt(encut * PP_VASP_C); /* Å⁻¹ */
  for (int i = 0; i < 3; i++) {
    const double len = sqrt(lattice[i][0] * lattice[i][0] + lattice[i][1] * lattice[i][1] + lattice[i][2] * lattice[i][2]);
    n[i] = 2 * (int)floor(gcut * len / (2 * M_PI)) + 1;
  }
}
