/* h5out.h — the results file, written with parallel HDF5.
 *
 * All calls are collective over the communicator given at creation (HDF5
 * metadata operations must be). The file is written as "<path>.partial"
 * and renamed to <path> by rank 0 only when pp_h5_close is told the run
 * succeeded, so an interrupted run never leaves a file that looks complete.
 * Complex values are stored as the compound {r, i} of doubles (the layout
 * h5py reads as complex128). Every dataset carries a "units" attribute.
 */
#ifndef PAWPROJ_H5OUT_H
#define PAWPROJ_H5OUT_H

#include <complex.h>
#include <hdf5.h>
#include <mpi.h>

#include "pawproj/core/error.h"

typedef struct pp_h5 {
  hid_t file;          /* open file, H5I_INVALID_HID when closed */
  hid_t ctype;         /* compound complex type */
  MPI_Comm comm;       /* communicator (not owned) */
  int rank;            /* in comm */
  char path[4096];     /* final name */
  char partial[4200];  /* name while being written */
  int tracked;         /* pp_interrupt_track slot of partial (core/interrupt.h) */
} pp_h5;

pp_status pp_h5_create(MPI_Comm comm, const char *path, pp_h5 *h, pp_err *err);

/* String attribute on the root group ("/" or "."), or on a dataset by name. */
pp_status pp_h5_attr(pp_h5 *h, const char *object, const char *name,
                     const char *value, pp_err *err);

/* Small double / int datasets: rank 0's buffer is written. */
pp_status pp_h5_write_double(pp_h5 *h, const char *name, int ndim,
                             const hsize_t *dims, const double *data,
                             const char *units, pp_err *err);
pp_status pp_h5_write_int(pp_h5 *h, const char *name, int ndim,
                          const hsize_t *dims, const int *data,
                          const char *units, pp_err *err);

/* A 4-D complex dataset written in blocks: this rank contributes nblocks
 * blocks of shape count[4] at start[b][4], their values contiguous in buf
 * in block order (blocks must be given in increasing file order). */
pp_status pp_h5_write_complex_blocks(pp_h5 *h, const char *name,
                                     const hsize_t dims[4], int nblocks,
                                     const hsize_t (*start)[4],
                                     const hsize_t count[4],
                                     const double complex *buf,
                                     const char *units, pp_err *err);

/* The same for real values. */
pp_status pp_h5_write_double_blocks(pp_h5 *h, const char *name, const hsize_t dims[4], int nblocks,
                                    const hsize_t (*start)[4], const hsize_t count[4], const double *buf,
                                    const char *units, pp_err *err);

/* One block-cyclic dimension of length n: this rank's indices i are those
 * with (i / block) % nproc == me, in increasing order. */
typedef struct pp_h5_cyclic {
  hsize_t n, block;
  int nproc, me;
} pp_h5_cyclic;

/* A 4-D complex dataset dims = (d0, d1, cy[0].n, cy[1].n) whose last two
 * dimensions are block-cyclic over the ranks (a ScaLAPACK matrix per
 * (d0, d1) entry, stored transposed: dims 2 and 3 are its columns and
 * rows). This rank holds nitem entries, at lead[j] (increasing), each
 * its own indices of dims 2 × 3, row-major, one after the other in buf
 * (a column-major local array whose leading dimension is its row count).
 * One collective write; the dataset is made by the first call with the
 * name, later calls add their entries to it (one (d0, d1) entry per rank
 * and call keeps the buffers small). */
pp_status pp_h5_write_complex_cyclic(pp_h5 *h, const char *name, hsize_t d0, hsize_t d1, int nitem,
                                     const hsize_t (*lead)[2], const pp_h5_cyclic cy[2], const double complex *buf,
                                     const char *units, pp_err *err);

/* Closes; ok = 1 renames the partial file into place, 0 removes it. */
pp_status pp_h5_close(pp_h5 *h, int ok, pp_err *err);

/* Shuts the HDF5 library down; called once before MPI_Finalize. Returns 1
 * (and leaves HDF5 alone) if a file whose close failed (a full disk) is
 * still open inside HDF5: HDF5's shutdown, which MPI_Finalize also runs,
 * crashes on such a file (HDF5 1.10), so the caller must then exit without
 * MPI_Finalize, having reported the failure. */
int pp_h5_library_close(void);

#endif
