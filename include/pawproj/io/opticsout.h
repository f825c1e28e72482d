/* opticsout.h — the HDF5 results file of `pawproj optics` (h5out.h):
 *
 *   momentum_x, _y, _z  complex [spin][kpoint][m][n] <ψ_m|−i∂_v|ψ_n>, ħ/Bohr (all-electron
 *                       with PAW terms, else plane waves only)
 *   onsite_x, _y, _z    complex, the same layout: the one-centre part of it
 *   eigenvalues         [spin][kpoint][band] eV, the window's bands
 *   bands               first and last band of the window, 1-based
 *   /                   attributes "program", "command_line", "wavecar", "method"
 *
 * m, n count from the window's first band. Plain values in (the matrices
 * are computed above io, analysis/optics.h); rank 0 writes them, every
 * rank takes part in the collective calls.
 */
#ifndef PAWPROJ_OPTICSOUT_H
#define PAWPROJ_OPTICSOUT_H

#include <complex.h>
#include <mpi.h>
#include <stddef.h>

#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"

typedef struct pp_opticsout {
  int nspin, nkpts, nb, lo;            /* items = nspin · nkpts; window [lo, lo + nb) */
  const double complex *pseudo;        /* (nspin·nkpts, 3, nb, nb), identical on all ranks */
  const double complex *onsite;        /* the same layout */
  const double *eig;                   /* (nspin, nkpts, nbands) eV, the file's */
  int nbands;                          /* of the file */
  const char *wavecar, *method, *command_line;
} pp_opticsout;

/* Bytes the writer takes from its buffer pool (rank 0's copy of one
 * direction's matrices and the block starts). */
size_t pp_opticsout_bytes(const pp_opticsout *o);

/* Writes path (as path.partial, renamed into place only on success).
 * Collective over comm; the status is agreed on all ranks. */
pp_status pp_opticsout_write(MPI_Comm comm, const char *path, const pp_opticsout *o, pp_pool *buf, pp_err *err);

#endif
