/* normsout.h — the HDF5 results file of `pawproj norms` (h5out.h):
 *
 *   projections   complex [spin][kpoint][band][spinor · nproj + atom offset + (j, m)] <p_ai|ψ_n>
 *   pseudo_norms  [spin][kpoint][band] Σ|C|²
 *   ae_norms      [spin][kpoint][band] Σ|C|² + P†QP
 *   max_offdiag   [spin][kpoint] max |<ψ_m|ψ_n> − δ_mn|
 *   /             attributes "program", "command_line"
 *
 * It takes plain values: the projections and norms are computed above io
 * (analysis/normsrun.h), which calls the writer while its projection
 * buffers are still alive. Each rank writes the blocks of its own slice.
 */
#ifndef PAWPROJ_NORMSOUT_H
#define PAWPROJ_NORMSOUT_H

#include <complex.h>
#include <mpi.h>
#include <stddef.h>

#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"
#include "pawproj/io/wfset.h"

typedef struct pp_normsout {
  const pp_wfset *set;             /* this rank's slice: its (spin, k) items and bands [b0, b0 + nb) */
  int ldp;                         /* projection columns, nspinor · projectors of all atoms */
  double complex *const *P;        /* per local item (set->nb, ldp), my bands */
  const double *pseudo, *ae;       /* (nspin, nkpts, nbands), identical on all ranks */
  const double *maxoff;            /* (nspin, nkpts), identical on all ranks */
  const char *command_line;        /* the run's command line: root attribute "command_line" */
} pp_normsout;

/* Bytes the writer takes from its buffer pool on a rank holding nlocal
 * items of nb bands with ldp columns: the block starts and one contiguous
 * copy of the projections. */
size_t pp_normsout_bytes(int nlocal, int nb, int ldp);

/* Writes path (as path.partial, renamed into place only on success), its
 * scratch (pp_normsout_bytes) from buf. Collective over comm; the status
 * is agreed on all ranks. */
pp_status pp_normsout_write(MPI_Comm comm, const char *path, const pp_normsout *o, pp_pool *buf, pp_err *err);

#endif
