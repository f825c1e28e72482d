/* wfset.h — this rank's slice of the plane-wave coefficients of one
 * structure: every (spin, k) item of its k-point group, and its contiguous
 * share [b0, b0+nb) of the band range [lo, hi).
 *
 * Memory comes from the caller's pools (coefficients from wf_pool, the read
 * buffer from io_pool), so the stage owning them controls its lifetime.
 * Each rank reads only its own records (see bytesrc.h).
 */
#ifndef PAWPROJ_WFSET_H
#define PAWPROJ_WFSET_H

#include <complex.h>
#include <mpi.h>
#include <stdint.h>

#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"
#include "pawproj/io/bytesrc.h"
#include "pawproj/io/wavecar.h"
#include "pawproj/par/layout.h"

typedef struct pp_wfset {
  const pp_wavecar *wc;  /* header of the file (not owned) */
  int lo, hi;            /* band range of the set, 0-based, [lo, hi) */
  int b0, nb;            /* my slice of it, global band indices */
  int nlocal;            /* (spin, k) items of my group */
  int *item;             /* item ids s·nkpts + k, (nlocal) */
  double complex **c;    /* coefficients per item, (nlocal)(nb, nstored) */
  double bytes_read;     /* bytes this rank read from the file */
  int flip;              /* 1: item (s, k) holds the file's spin 1 − s */
} pp_wfset;

/* Bytes this rank needs for the set (coefficients + read buffer). */
size_t pp_wfset_need(const pp_layout *lay, const pp_wavecar *wc, int lo,
                     int hi);

/* The read buffer's part of pp_wfset_need: what pp_wfset_read takes from
 * io_pool at most (the rest comes from wf_pool). */
size_t pp_wfset_io_need(const pp_layout *lay, const pp_wavecar *wc, int lo, int hi);

/* What pp_wfset_scan takes from io_pool on this rank (0 if it holds no
 * band of an item). */
size_t pp_wfset_scan_need(const pp_layout *lay, const pp_wavecar *wc, int lo, int hi);

/* Bytes of the record scratch of pp_wfset_read_band_buf: one record. */
size_t pp_wfset_band_scratch_bytes(const pp_wavecar *wc);

/* One band (s, k, b) on every rank of comm: its rank 0 reads it (from src,
 * open there, or, with src NULL, from wc->path opened for the call) and
 * broadcasts it. c holds pp_wavecar_nstored(wc, k) values. Collective.
 * Its record scratch is malloc'ed for the call, outside every pool: code
 * inside a stage passes one from its pool to pp_wfset_read_band_buf. */
pp_status pp_wfset_read_band(const pp_wavecar *wc, pp_bytesrc *src, int s, int k, int b, double complex *c,
                             MPI_Comm comm, pp_err *err);

/* pp_wfset_read_band with the record scratch of comm's rank 0 given:
 * pp_wfset_band_scratch_bytes(wc) bytes from the caller's pool (an
 * "io-buffer" of its stage), so that the memory report and the budget
 * count it, allocated once for all the bands it reads; NULL: malloc'ed
 * for the call. Only rank 0 of comm uses it; the others may pass NULL. */
pp_status pp_wfset_read_band_buf(const pp_wavecar *wc, pp_bytesrc *src, int s, int k, int b, double complex *c,
                                 void *scratch, MPI_Comm comm, pp_err *err);

/* Clears set and fills what every reader of a slice shares: the file, the
 * band window [lo, hi) and this rank's bands [b0, b0 + nb) of it under lay,
 * the spin flip (refused for a file without two spins). Reads nothing. */
pp_status pp_wfset_begin(const pp_layout *lay, const pp_wavecar *wc, int lo, int hi, int flip, pp_wfset *set,
                         pp_err *err);

/* pp_wfset_begin plus the item list, into items (lay->nitems ints, the
 * caller's): the shape of the slice pp_wfset_read would hold, without its
 * coefficients (set->c NULL), for sizing what the stages would take. */
pp_status pp_wfset_shape(const pp_layout *lay, const pp_wavecar *wc, int lo, int hi, int *items, pp_wfset *set,
                         pp_err *err);

/* Reads the slice; collective over the world (errors agreed). `progress`
 * non-NULL prints per-item progress on world rank 0 to stderr. flip = 1
 * (spin-polarised files only) stores spin 1 − s under item (s, k), so a
 * defect's spin-up bands meet the bulk's spin-down bands. */
pp_status pp_wfset_read(const pp_layout *lay, const pp_wavecar *wc, int lo,
                        int hi, int flip, pp_pool *wf_pool, pp_pool *io_pool,
                        const char *progress, pp_wfset *set, pp_err *err);

/* Called by pp_wfset_scan for each piece of a band, in order: item id
 * s·nkpts + k, global band index, coefficients [g0, g0 + n) of the band
 * (valid only during the call) and their Σ|c|² as stored. A status other
 * than PP_OK stops the scan. */
typedef pp_status (*pp_wfset_visit)(void *arg, int item, int band, int64_t g0, int64_t n,
                                    const double complex *c, double sumsq, pp_err *err);

/* Streams the slice pp_wfset_read would hold through two small reused
 * buffers (from io_pool; they stay in the core's cache): for checks that
 * look at each coefficient once, in memory independent of the file size.
 * Collective over the world (errors agreed); *bytes_read gets what this
 * rank read. */
pp_status pp_wfset_scan(const pp_layout *lay, const pp_wavecar *wc, int lo,
                        int hi, pp_pool *io_pool, const char *progress,
                        pp_wfset_visit visit, void *arg, double *bytes_read,
                        pp_err *err);

/* Spin of the file that item j of the set holds. */
static inline int pp_wfset_spin(const pp_wfset *set, int j) {
  return (set->item[j] / set->wc->nkpts) ^ set->flip;
}

#endif
