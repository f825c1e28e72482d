/* staterun.h — one Kohn-Sham state of a run in real space, start to end:
 * the band read on every rank, its PAW projections and AE norm
 * Σ|C|² + P†QP, the grid (stategrid.h for the AE state's default), the
 * pseudo and the written state on that grid (state.h), distributed in
 * z-slabs, their norms and IPRs (ipr.h), the written state's weight around
 * sites (sites.h), and its files (stateout.h). */
#ifndef PAWPROJ_STATERUN_H
#define PAWPROJ_STATERUN_H


#include "pawproj/analysis/gridopt.h"
#include "pawproj/analysis/sites.h"
#include "pawproj/core/ctx.h"
#include "pawproj/core/error.h"
#include "pawproj/io/dataset.h"
#include "pawproj/io/stateout.h"
#include "pawproj/paw/projmode.h"

/* What to compute (plain values; nothing is owned). */
typedef struct pp_state_setup {
  const pp_dataset *ds;  /* the run: WAVECAR header and structure */
  const char *dir;       /* its directory: OUTCAR / vasprun.xml (grid, LREAL), datasets by default */
  int s, k, b;           /* spin, k-point, band, 0-based */
  int ae;                /* 1: all-electron (PAW reconstruction); 0: the pseudo state only */
  int remove_phase;      /* 1: drop e^{ik·r}, write the cell-periodic part u(r) */
  int cube;              /* 1: also write cube files */
  int grid_chosen;       /* 1: the user chose the grid (grid or factor): kept; 0: the AE state refines it */
  pp_grid_opts grid;     /* the user's grid, if any */
  pp_paw_opts paw;       /* datasets, LREAL, projector grid (ae only) */
  const pp_sites *sites; /* spheres to weigh the written state in (their fractions unused); NULL: none */
  const char *prefix;    /* output names (stateout.h) */
} pp_state_setup;

/* What came out; [0] the pseudo state, [1] the written one (= [0] if pseudo). */
typedef struct pp_state_result {
  int grid[3];            /* the grid the state is on */
  char grid_source[4300]; /* where that grid came from, refinement included */
  char projectors[9000];  /* the projector representation (ae), one paragraph */
  double pseudo_norm;     /* Σ|C|² */
  double ae_norm;         /* Σ|C|² + P†QP (ae) */
  double deficit;         /* predicted norm beyond the grid's window (ae) */
  double q2;              /* the window's edge, Bohr⁻¹ (ae) */
  double grid_norm[2];    /* ∫|ψ|² on the grid */
  double ipr[2];          /* Ω ∫|ψ|⁴ / (∫|ψ|²)² */
  int have_sites;         /* 1: sites holds the measured fractions */
  pp_sites sites;         /* the setup's spheres, fractions of |ψ|² of the written state */
  pp_state_files files;   /* the files written, in order */
  double rss_min, rss_max; /* peak resident memory over the ranks after the state, MiB */
} pp_state_result;

/* Computes and writes the state; *res is filled on every rank. Collective
 * over ctx->world. Some failures are seen by one rank only: the caller
 * agrees on the returned status (pp_agree) before it acts on it.
 * Stages (core/stage.h): "state" (pools coefficients, projections,
 * grid-slab, wavefunction, densities) holding "fill" (g-list) and "write"
 * (write-buffer); the need of the grid and what lives on it is checked
 * against the budget before any of it is allocated. */
pp_status pp_state_run(pp_ctx *ctx, const pp_state_setup *setup, pp_state_result *res, pp_err *err);

#endif
