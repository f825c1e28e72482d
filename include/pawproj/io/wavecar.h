/* wavecar.h — VASP WAVECAR: header, validation, variant detection and
 * reading of band slices.
 *
 * Layout (fixed-length records of reclen bytes, zero-padded):
 *   record 0            float64 reclen, nspin, rtag
 *   record 1            float64 nkpts, nbands, ENCUT, lattice (3×3, rows),
 *                       Fermi energy
 *   per spin s, k:      one record float64 npw, k (3, fractional), then
 *                       (E re, E im, occupation) × nbands;
 *                       then nbands records of npw complex coefficients
 *                       (complex64 for rtag 45200/53300, complex128 for
 *                       45210/53310; 2·npw for noncollinear files).
 * VASP 6 files (rtag 53300/53310) may size records for the coefficients
 * only; a k-point header longer than a record then continues in the next
 * record(s) (khdr > 1). VASP 5 tags require khdr = 1.
 * Bytes beyond the last record are allowed (VASP does not truncate a file
 * it overwrites); fewer are a truncated file.
 *
 * pp_wavecar_open reads and validates the header on rank 0 of `comm` and
 * broadcasts it, so every rank holds the same pp_wavecar, and every rank
 * returns the same status (the message is rank 0's). Coefficients are then
 * read by each rank for its own (spin, k, band range) only.
 */
#ifndef PAWPROJ_WAVECAR_H
#define PAWPROJ_WAVECAR_H

#include <complex.h>
#include <mpi.h>
#include <stdint.h>

#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"
#include "pawproj/io/bytesrc.h"
#include "pawproj/model/gvec.h"

typedef struct pp_wavecar {
  char path[4096];        /* file name */
  int gzip;               /* 1 if the file is gzip-compressed */
  int rtag;               /* 45200, 45210, 53300 or 53310 */
  int coef_bytes;         /* 8 (complex64) or 16 (complex128) */
  int64_t reclen;         /* record length in bytes */
  int nspin;              /* 1 or 2 */
  int nkpts;              /* k-points per spin */
  int nbands;             /* bands per k-point */
  double encut;           /* plane-wave cutoff, eV */
  double efermi;          /* Fermi energy, eV */
  double lattice[3][3];   /* rows = lattice vectors, Å */
  pp_variant variant;     /* detected or forced */
  char variant_note[256]; /* how the variant was decided, for the user */
  int nspinor;            /* 2 for noncollinear, else 1 */
  int khdr;               /* records per k-point header (>= 1) */
  int64_t *npw;           /* G vectors per k-point, (nkpts) */
  double (*kfrac)[3];     /* k-points, fractional, (nkpts, 3) */
  double *eig;            /* eigenvalues eV, (nspin, nkpts, nbands) */
  double *occ;            /* occupations, (nspin, nkpts, nbands) */
  int64_t file_size;      /* bytes on disk (uncompressed), -1 if gzip */
  int64_t extra_bytes;    /* bytes beyond the last record (>= 0) */
} pp_wavecar;

/* Opens and validates path. force = PP_VARIANT_AUTO detects the variant
 * from npw; gamma_default says which half-sphere order to assume for a
 * Gamma-only file when detecting (npw cannot tell gamma-x from gamma-z). */
pp_status pp_wavecar_open(const char *path, pp_variant force,
                          pp_variant gamma_default, MPI_Comm comm,
                          pp_wavecar *wc, pp_err *err);

/* pp_wavecar_open with the scratch of the Gamma-half test on comm's rank
 * 0 (the G list and the first bands of k-point 1, one record: made only
 * for a Gamma-only file with the variant detected) taken from `scratch`,
 * a pool of the caller's stage, so that the memory report and the budget
 * count it; NULL: malloc'ed and freed inside the call, as
 * pp_wavecar_open does. The pool is only allocated from, on rank 0. */
pp_status pp_wavecar_open_in(const char *path, pp_variant force, pp_variant gamma_default, MPI_Comm comm,
                             pp_pool *scratch, pp_wavecar *wc, pp_err *err);

/* Frees the header arrays. */
void pp_wavecar_free(pp_wavecar *wc);

/* Index into eig / occ. */
static inline int64_t pp_wavecar_idx(const pp_wavecar *wc, int s, int k,
                                     int b) {
  return ((int64_t)s * wc->nkpts + k) * wc->nbands + b;
}

/* Coefficients stored per band at k-point k (npw · nspinor). */
static inline int64_t pp_wavecar_nstored(const pp_wavecar *wc, int k) {
  return wc->npw[k] * wc->nspinor;
}

/* Reads coefficients [g0, g0+n) of one band into out (widened, checked
 * finite); scratch holds n · coef_bytes bytes. sumsq (may be NULL) gets
 * Σ|c|² of the piece as stored, computed in the same pass. */
pp_status pp_wavecar_read_piece(const pp_wavecar *wc, pp_bytesrc *src, int s, int k, int band,
                                int64_t g0, int64_t n, double complex *out, void *scratch,
                                double *sumsq, pp_err *err);

/* Reads bands [b0, b0+nb) of (spin s, k-point k) from src into out
 * (row b-b0 at out + (b-b0)·ld, ld >= nstored), widening complex64 to
 * complex128 and rejecting non-finite values. Reads whole records in
 * chunks that fit `scratch` (scratch_bytes >= reclen); pieces of one band
 * are read with pp_wavecar_read_piece. */
pp_status pp_wavecar_read_bands(const pp_wavecar *wc, pp_bytesrc *src, int s,
                                int k, int b0, int nb, double complex *out,
                                int64_t ld, void *scratch,
                                size_t scratch_bytes, pp_err *err);

/* Byte offset of record r. */
static inline int64_t pp_wavecar_offset(const pp_wavecar *wc, int64_t r) {
  return r * wc->reclen;
}

/* Record number of the header record of (s, k). */
static inline int64_t pp_wavecar_krec(const pp_wavecar *wc, int s, int k) {
  return 2 + ((int64_t)s * wc->nkpts + k) * (wc->nbands + wc->khdr);
}

/* Record number of band b of (s, k). */
static inline int64_t pp_wavecar_brec(const pp_wavecar *wc, int s, int k,
                                      int b) {
  return pp_wavecar_krec(wc, s, k) + wc->khdr + b;
}

#endif
