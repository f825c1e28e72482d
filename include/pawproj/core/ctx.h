/* ctx.h — the run context: everything a run owns that outlives a stage.
 * The only mutable state of the program; passed to every command. */
#ifndef PAWPROJ_CTX_H
#define PAWPROJ_CTX_H

#include <mpi.h>
#include <stddef.h>
#include <stdio.h>

#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"

#define PP_STAGE_DEPTH 8 /* stages open at once, nested (core/stage.h) */

typedef struct pp_ctx {
  pp_err err;            /* the run's error record */
  pp_pools pools;        /* this rank's memory pools */
  MPI_Comm world;        /* communicator of the run */
  int rank, size;        /* in world */
  int mem_report;        /* --mem-report: print the per-stage table */
  int quiet;             /* --quiet: no progress lines */
  char cmdline[8192];    /* the command line, for output attributes */
  char input_file[4096]; /* --input FILE of the run, "" if none (an input outputs must spare) */
  int nstages;           /* stages open now (core/stage.h), outermost first */
  char stages[PP_STAGE_DEPTH][PP_POOL_NAME]; /* their names: what their pools are released by */
} pp_ctx;

/* Collective: after a barrier, reports on rank 0 (stderr, unless quiet)
 * the wall time since *t0 for a stage, with rates when bytes or flops
 * (summed over ranks) are > 0; then resets *t0. The stage object
 * (core/stage.h) prints its line through this, so logs keep one format. */
void pp_stage_done(const pp_ctx *ctx, const char *stage, double *t0,
                   double bytes, double flops);

/* Peak resident memory (VmHWM) over the ranks, MiB (collective). It
 * counts everything a rank touched, pools or not (FFT slabs, libraries). */
void pp_peak_rss(const pp_ctx *ctx, double *min_mib, double *max_mib);

/* Prints the per-stage, per-pool memory table (peak bytes per rank:
 * min / avg / max over ranks) on rank 0. Collective over world. */
void pp_memreport_print(const pp_ctx *ctx, FILE *f);

#endif
