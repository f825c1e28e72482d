/* rgrid.h — a real-space grid distributed in z-slabs over a communicator,
 * with its FFTW-MPI transform from plane-wave coefficients (distribution
 * and file writing: docs/realspace.md, "Distribution").
 *
 * The grid is n[0] × n[1] × n[2] points r = (i/n0, j/n1, l/n2) in
 * fractional coordinates; a rank holds planes l in [z0, z0 + nzl), stored
 * [l − z0][j][i] (x fastest, as VASP volumetric files and HDF5 C order).
 * Reciprocal space uses the same slabs: the coefficient of Miller index
 * m = (m0, m1, m2) sits at (m0 mod n0, m1 mod n1, m2 mod n2). The backward
 * transform computes f(r) = Σ_m c_m e^{2πi m·r} in place, unnormalised.
 * Nothing here ever holds more than one rank's slab. The slab buffer may
 * come from a memory pool (core/pool.h) so that budgets and memory
 * reports count it: pool blocks are 64-byte aligned, at least as much as
 * fftw_malloc's blocks (16 to 64 bytes, by SIMD level), so FFTW picks the
 * same plans (FFTW_ESTIMATE) and the results are the same bit for bit.
 */
#ifndef PAWPROJ_RGRID_H
#define PAWPROJ_RGRID_H

#include <complex.h>
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"

struct fftw_plan_s;

typedef struct pp_rgrid {
  int n[3];
  MPI_Comm comm;            /* not owned */
  int rank, size;           /* in comm */
  ptrdiff_t nzl, z0;        /* my planes */
  ptrdiff_t alloc;          /* elements of buf (FFTW-MPI may want more than the slab) */
  double complex *buf;      /* my slab, (nzl, n1, n0) */
  int pooled;               /* 1: buf is a block of a pool, freed with the pool, not here */
  struct fftw_plan_s *back; /* in-place backward transform */
} pp_rgrid;

/* Plans the grid over comm (collective). Fails for fewer than 2 points
 * per axis or when comm has more ranks than planes would sensibly allow
 * (a rank may hold zero planes; that is allowed). The slab buffer is
 * FFTW's own (fftw_malloc). */
pp_status pp_rgrid_create(const int n[3], MPI_Comm comm, pp_rgrid *g, pp_err *err);

/* The same with the slab buffer (pp_rgrid_slab_bytes) taken from pool
 * (NULL: FFTW's own), which must outlive g's use of it. Collective; a rank
 * that cannot have its buffer makes every rank fail, before planning. */
pp_status pp_rgrid_create_in(const int n[3], MPI_Comm comm, pp_pool *pool, pp_rgrid *g, pp_err *err);

/* Frees the plan, and the buffer unless a pool holds it. */
void pp_rgrid_free(pp_rgrid *g);

/* My share of grid n over comm before the grid exists, for budgets: *nloc
 * the points of my slab (pp_rgrid_local), *alloc the elements of its
 * buffer (what FFTW-MPI asks for, >= *nloc). Call it on every rank of comm,
 * as for planning. 0, 0 for an invalid grid (pp_rgrid_create rejects it). */
void pp_rgrid_share(const int n[3], MPI_Comm comm, ptrdiff_t *nloc, ptrdiff_t *alloc);

/* Bytes of a slab buffer of alloc elements (pp_rgrid_share, g->alloc). */
size_t pp_rgrid_slab_bytes(ptrdiff_t alloc);

/* buf := Σ_m c_m e^{2πi m·r} (collective). */
void pp_rgrid_backward(pp_rgrid *g);

/* buf := 0, then the plane-wave coefficients c (npw, Miller indices m) that
 * fall in my planes. Gamma-only files store √2·c(G) on half the sphere:
 * unfolded here to c(G) and c(−G) = c(G)*. Fails (naming path and
 * k-point) if an index does not fit the grid. */
pp_status pp_rgrid_set_sphere(pp_rgrid *g, const int (*m)[3], int64_t npw, const double complex *c, int gamma,
                              const char *path, int k, pp_err *err);

/* Grid indices (unwrapped, per axis lo..hi) of a box holding the sphere
 * of radius r (Bohr) around fractional position frac, for a grid n of a
 * cell (Å); one point of margin on each side. */
void pp_rgrid_sphere_box(const int n[3], const double lattice[3][3], const double frac[3], double r_bohr, int lo[3],
                         int hi[3]);

/* Points in my slab. */
static inline ptrdiff_t pp_rgrid_local(const pp_rgrid *g) { return g->nzl * g->n[1] * g->n[0]; }

/* The smallest grid holding every G of the plane-wave sphere of ENCUT (eV)
 * for lattice (Å): 2·floor(G_cut |a_i| / 2π) + 1 per axis (what VASP's
 * OUTCAR lists as the "mesh for mixing"). */
void pp_rgrid_sphere_grid(const double lattice[3][3], double encut, int n[3]);

#endif
