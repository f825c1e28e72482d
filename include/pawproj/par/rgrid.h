/* rgrid.h — a real-space grid distributed in z-slabs over a communicator,
 * with its transform from plane-wave coefficients (distribution and file
 * writing: docs/realspace.md, "Distribution").
 *
 * The grid is n[0] × n[1] × n[2] points r = (i/n0, j/n1, l/n2) in
 * fractional coordinates; a rank holds planes l in [z0, z0 + nzl), stored
 * [l − z0][j][i] (x fastest, as VASP volumetric files and HDF5 C order).
 * The coefficient of Miller index m = (m0, m1, m2) belongs at
 * (m0 mod n0, m1 mod n1, m2 mod n2); the transform computes
 * f(r) = Σ_m c_m e^{2πi m·r} on my planes, unnormalised.
 *
 * The transform needs no communication (docs/realspace.md, "Transform"):
 * every rank holds all coefficients of a state, so it transforms along z
 * only the columns (m0, m1) of the box |m0| <= hx, |m1| <= hy that holds
 * the sphere (all ranks the same columns, in the same batches), keeps
 * the values on its planes, and finishes each plane alone (y over the
 * box's columns, then x) in a plane-sized scratch. Each value is thus
 * computed by the same operations on any number of ranks: results are
 * identical bit for bit across rank counts. Plans are FFTW_ESTIMATE
 * (deterministic) on buffers whose alignment does not depend on the rank.
 *
 * Threads (OpenMP) finish different planes, each in its own scratch.
 *
 * Memory: the slab, a plane of scratch per thread and a z-column batch, in one
 * buffer (pp_rgrid_share, pp_rgrid_slab_bytes), which may come from a
 * memory pool (core/pool.h) so that budgets and memory reports count it;
 * pool blocks are 64-byte aligned, as fftw_malloc's at most.
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
  ptrdiff_t alloc;          /* elements of the whole buffer: slab, plane scratch, column batch */
  double complex *buf;      /* my slab, (nzl, n1, n0), at the start of the buffer */
  double complex *plane;    /* n1 × n0 scratch per plane thread, pstride elements apart */
  ptrdiff_t pstride;
  int nthreads;             /* OpenMP threads that finish planes (omp_get_max_threads at creation) */
  double complex *batch;    /* z-columns, bcap elements */
  ptrdiff_t bcap;
  int pooled;               /* 1: the buffer is a block of a pool, freed with the pool, not here */
  struct fftw_plan_s *xrows;          /* every row of the plane scratch along x */
  /* Planned for the box of the last transform (hx, hy), replanned when it changes. */
  int hx, hy, rows, last_rows;        /* box half-widths; y-rows per batch, in the last batch */
  struct fftw_plan_s *zfull, *zlast;  /* the z-columns of a full and of the last batch */
  struct fftw_plan_s *ylo, *yhi;      /* y along the box's columns 0..hx and n0−hx..n0−1 */
} pp_rgrid;

/* Sets up the grid over comm (collective: a rank that cannot have its
 * buffer makes every rank fail). Fails for fewer than 2 or more than
 * 65536 points per axis. A rank may hold zero planes. The buffer is
 * FFTW's own (fftw_malloc). */
pp_status pp_rgrid_create(const int n[3], MPI_Comm comm, pp_rgrid *g, pp_err *err);

/* The same with the buffer (pp_rgrid_slab_bytes of pp_rgrid_share's
 * alloc) taken from pool (NULL: FFTW's own), which must outlive g's use of
 * it. */
pp_status pp_rgrid_create_in(const int n[3], MPI_Comm comm, pp_pool *pool, pp_rgrid *g, pp_err *err);

/* Frees the plans, and the buffer unless a pool holds it. */
void pp_rgrid_free(pp_rgrid *g);

/* My share of grid n over comm before the grid exists, for budgets: *nloc
 * the points of my slab (pp_rgrid_local), *alloc the elements of the whole
 * buffer (slab, plane scratch, column batch; > *nloc). 0, 0 for an
 * invalid grid (pp_rgrid_create rejects it). */
void pp_rgrid_share(const int n[3], MPI_Comm comm, ptrdiff_t *nloc, ptrdiff_t *alloc);

/* Bytes of a slab buffer of alloc elements (pp_rgrid_share, g->alloc). */
size_t pp_rgrid_slab_bytes(ptrdiff_t alloc);

/* buf := scale · Σ_m c_m e^{2πi m·r} on my planes for the plane-wave
 * coefficients c (npw, Miller indices m); the scale is applied to the
 * coefficients, which costs no pass over the grid. Gamma-only files store
 * √2·c(G) on half the sphere: unfolded here to c(G) and c(−G) = c(G)*.
 * Not collective (every rank of comm passes the same state). Fails
 * (naming path and k-point) if an index does not fit the grid. */
pp_status pp_rgrid_sphere_backward(pp_rgrid *g, const int (*m)[3], int64_t npw, const double complex *c, int gamma,
                                   double scale, const char *path, int k, pp_err *err);

/* The check of pp_rgrid_sphere_backward alone, without transforming. */
pp_status pp_rgrid_check_sphere(const pp_rgrid *g, const int (*m)[3], int64_t npw, const char *path, int k,
                                pp_err *err);

/* Grid indices (unwrapped, per axis lo..hi) of a box holding the sphere
 * of radius r (Bohr) around fractional position frac, for a grid n of a
 * cell (Å); one point of margin on each side. */
void pp_rgrid_sphere_box(const int n[3], const double lattice[3][3], const double frac[3], double r_bohr, int lo[3],
                         int hi[3]);

/* Index i of a periodic axis of n points, wrapped into 0..n−1. */
static inline int pp_rgrid_wrap(int i, int n) { return ((i % n) + n) % n; }

/* Points in my slab. */
static inline ptrdiff_t pp_rgrid_local(const pp_rgrid *g) { return g->nzl * g->n[1] * g->n[0]; }

/* The smallest grid holding every G of the plane-wave sphere of ENCUT (eV)
 * for lattice (Å): 2·floor(G_cut |a_i| / 2π) + 1 per axis (what VASP's
 * OUTCAR lists as the "mesh for mixing"). */
void pp_rgrid_sphere_grid(const double lattice[3][3], double encut, int n[3]);

#endif
