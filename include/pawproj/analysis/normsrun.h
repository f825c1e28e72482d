/* normsrun.h — `pawproj norms` as one computation: does this PAW dataset
 * belong to this WAVECAR? The PAW side of the run (projmode.h), every
 * band read in slices (wfset.h), their projections, pseudo and
 * all-electron norms and the largest departure from orthonormality per
 * (spin, k) (aenorm.h), and on request the HDF5 file (io/normsout.h).
 *
 * Stages (core/stage.h): "norms" (pools norm-tables, wavefunctions,
 * projections) holding "read" (io-buffer), "project", "gram" and, with an
 * HDF5 file, "write" (write-buffer). The whole need of the run is checked
 * against the budget (--mem-per-rank) before any of it is allocated.
 */
#ifndef PAWPROJ_NORMSRUN_H
#define PAWPROJ_NORMSRUN_H

#include "pawproj/core/ctx.h"
#include "pawproj/core/error.h"
#include "pawproj/io/dataset.h"
#include "pawproj/paw/projmode.h"

/* What to compute and where to write it (plain values, nothing owned). */
typedef struct pp_norms_setup {
  const pp_dataset *ds; /* the run (open, with its structure) */
  const char *dir;      /* the run as given: datasets by default, OUTCAR / vasprun.xml (LREAL, grid) */
  pp_paw_opts paw;      /* datasets and projector representation */
  int kgroups;          /* k-point groups; 0: automatic (layout.h) */
  const char *h5;       /* the HDF5 file (normsout.h); NULL: none */
} pp_norms_setup;

/* What came out, on every rank when pp_norms_run succeeded; the tables are
 * owned (pp_norms_result_free). */
typedef struct pp_norms_result {
  double *pseudo;        /* Σ|C|² per (spin, k, band), (nspin, nkpts, nbands) */
  double *ae;            /* Σ|C|² + P†QP, same layout */
  double *maxoff;        /* max |<m|n> − δ| per (spin, k), (nspin, nkpts) */
  const char *lreal;     /* the LREAL the projectors follow (pp_lreal_name) */
  char projectors[9000]; /* the projector representation, as projmode.h states it */
} pp_norms_result;

/* Collective over ctx->world; the status is agreed on all ranks. Progress
 * and stage lines on stderr unless ctx->quiet; for LREAL = Auto the
 * projector choice is stated on stderr always. */
pp_status pp_norms_run(pp_ctx *ctx, const pp_norms_setup *s, pp_norms_result *r, pp_err *err);

/* Frees the tables of r (nothing for a zeroed r). */
void pp_norms_result_free(pp_norms_result *r);

#endif
