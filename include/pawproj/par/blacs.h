/* blacs.h — ScaLAPACK process grids inside one MPI communicator and the
 * block-cyclic matrices on them.
 *
 * A grid is made from a communicator (a k-point group's): BLACS's system
 * handle of it, then a row-major nprow × npcol grid over all its ranks.
 * A pp_bcmat is the descriptor and local sizes of one M × N matrix with
 * MB × NB blocks on a grid, first block on process (0, 0); its local part
 * is column-major, lld × locc (ScaLAPACK's convention). The prototypes
 * below are the ScaLAPACK routines pawproj calls (Fortran interface,
 * Debian's libscalapack-openmpi).
 */
#ifndef PAWPROJ_BLACS_H
#define PAWPROJ_BLACS_H

#include <complex.h>
#include <mpi.h>
#include <stddef.h>

#include "pawproj/core/error.h"

typedef struct pp_blacs {
  MPI_Comm comm;           /* a duplicate of the communicator, one BLACS system handle per grid (owned) */
  int handle;              /* BLACS system handle of the communicator; -1: none */
  int ctxt;                /* the grid's context; -1: none */
  int nprow, npcol;        /* grid shape, nprow · npcol = ranks of the communicator */
  int myrow, mycol;        /* my place */
} pp_blacs;

#define PP_BLACS_NONE {.comm = MPI_COMM_NULL, .handle = -1, .ctxt = -1}

/* The grid; collective over comm. nprow · npcol must equal its size. */
pp_status pp_blacs_grid(MPI_Comm comm, int nprow, int npcol, pp_blacs *g, pp_err *err);

/* Releases the grid (safe on PP_BLACS_NONE). */
void pp_blacs_free(pp_blacs *g);

/* A near-square shape for n ranks: nprow the largest divisor of n not
 * above √n. */
void pp_blacs_shape(int n, int *nprow, int *npcol);

typedef struct pp_bcmat {
  int desc[9];             /* ScaLAPACK descriptor */
  int m, n, mb, nb;        /* global size, block size */
  int locr, locc;          /* local rows, columns */
  int lld;                 /* local leading dimension, >= max(1, locr) */
} pp_bcmat;

/* Describes an m × n matrix with mb × nb blocks on g; lld_min raises the
 * local leading dimension (0: locr). */
pp_status pp_bcmat_init(const pp_blacs *g, int m, int n, int mb, int nb, int lld_min, pp_bcmat *a, pp_err *err);

/* Complex elements of a's local array (lld · locc, at least 1). */
size_t pp_bcmat_elems(const pp_bcmat *a);

/* Global index (0-based) of local row li / column lj. */
int pp_bcmat_grow(const pp_bcmat *a, const pp_blacs *g, int li);
int pp_bcmat_gcol(const pp_bcmat *a, const pp_blacs *g, int lj);

void pzgemr2d_(const int *m, const int *n, const double complex *a, const int *ia, const int *ja, const int *desca,
               double complex *b, const int *ib, const int *jb, const int *descb, const int *ictxt);
void pzgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double complex *a, const int *ia,
              const int *ja, const int *desca, double *s, double complex *u, const int *iu, const int *ju,
              const int *descu, double complex *vt, const int *ivt, const int *jvt, const int *descvt,
              double complex *work, const int *lwork, double *rwork, int *info);

#endif
