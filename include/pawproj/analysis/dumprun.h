/* dumprun.h — `pawproj dump` as one computation: per-band coefficient
 * facts, for checking a WAVECAR read against another reader. Per (spin, k)
 * the first and last Miller indices in file order, and per band the
 * coefficient norm Σ|C|², plus the first coefficients of the first and
 * last band as physical full-sphere values c(G) (for Gamma-only files the
 * stored √2·c(G) divided by √2 for G ≠ 0).
 *
 * Each rank streams only its slice through a small cached buffer
 * (pp_wfset_scan: memory does not grow with the file; this is also the
 * read benchmark); the facts meet on rank 0 by a sum of zero-initialised
 * tables (each value has exactly one owner: exact).
 *
 * Stages (core/stage.h): "dump" (pools facts, g-list) holding "read"
 * (io-buffer); the whole need is checked against the budget
 * (--mem-per-rank) before any of it is allocated.
 */
#ifndef PAWPROJ_DUMPRUN_H
#define PAWPROJ_DUMPRUN_H

#include "pawproj/core/ctx.h"
#include "pawproj/core/error.h"
#include "pawproj/io/dataset.h"

#define PP_DUMP_NFIRST 6 /* first coefficients and first Miller indices reported */
#define PP_DUMP_NLAST 3  /* last Miller indices reported */

/* What to read (plain values, nothing owned). */
typedef struct pp_dump_setup {
  const pp_dataset *ds; /* the run (open; its structure is not used) */
  int kgroups;          /* k-point groups; 0: automatic (layout.h) */
} pp_dump_setup;

/* The facts, on world rank 0 when pp_dump_run succeeded (NULL elsewhere);
 * one owned block (pp_dump_result_free). */
typedef struct pp_dump_result {
  double *norm;   /* Σ|C|² per (spin, k, band) */
  double *coef;   /* (nspin, nkpts, 2 [first, last band], PP_DUMP_NFIRST, 2 [re, im]) */
  double *miller; /* (nkpts, PP_DUMP_NFIRST + PP_DUMP_NLAST, 3) */
} pp_dump_result;

/* Collective over ctx->world; the status is agreed on all ranks. Progress
 * and the stage lines on stderr unless ctx->quiet. */
pp_status pp_dump_run(pp_ctx *ctx, const pp_dump_setup *s, pp_dump_result *r, pp_err *err);

/* Frees the facts (nothing for a zeroed r). */
void pp_dump_result_free(pp_dump_result *r);

#endif
