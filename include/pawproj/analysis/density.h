/* density.h — `pawproj density` as one computation: the all-electron (or
 * pseudo) valence density Σ_k w_k Σ_n f_n |ψ_nk(r)|² from the occupied
 * bands, or a band-decomposed density of chosen bands each counted as
 * filled, with ψ as in state.h, on a grid split in z-slabs over the ranks
 * of each k-point group. The groups' densities are summed across groups
 * in a fixed order (densitypass.h), so the files are the same bit for bit
 * for any rank count; group 0 writes them (densityout.h).
 *
 * The grid is the one asked for, else the run's (gridopt.h); for the AE
 * density with no grid asked for it is refined until the reconstruction it
 * cannot resolve carries at most PP_DENSITY_DEFICIT of the charge per
 * electron (docs/realspace.md).
 */
#ifndef PAWPROJ_DENSITY_H
#define PAWPROJ_DENSITY_H

#include "pawproj/analysis/gridopt.h"
#include "pawproj/core/ctx.h"
#include "pawproj/io/dataset.h"
#include "pawproj/io/densityout.h"
#include "pawproj/paw/projmode.h"

/* What to compute and where to write it (plain values, nothing owned). */
typedef struct pp_density_setup {
  const pp_dataset *ds;  /* the run (open, with its structure) */
  const char *dir;       /* the run as given: where OUTCAR / vasprun.xml and fallback datasets are looked for */
  int lo, hi;            /* bands [lo, hi), 0-based */
  int filled;            /* 1: band-decomposed, each band counted as filled; 0: the occupations */
  int ae;                /* 1: all-electron (PAW reconstruction); 0: the pseudo density */
  pp_grid_opts grid;     /* the grid asked for */
  int refine;            /* 1: no grid was asked for; refine the chosen one (AE only) */
  pp_paw_opts paw;       /* datasets and projector representation (AE only) */
  int kgroups;           /* k-point groups; 0: automatic (layout.h) */
  const char *output;    /* the VASP file; OUTPUT.h5 and OUTPUT.cube beside it */
  int cube;              /* 1: also OUTPUT.cube */
} pp_density_setup;

/* What came out; valid on world rank 0 when pp_density_run succeeded. */
typedef struct pp_density_result {
  int grid[3];               /* the grid the density is on */
  char grid_source[4400];    /* where it came from, and its refinement */
  char projectors[9000];     /* the projector representation (AE only), as projmode.h states it */
  double electrons_expected; /* Σ of the band weights */
  double electrons_grid;     /* Ω/N Σ ρ over the grid */
  long long nstates;         /* states put on the grid, all groups (spinor components apart) */
  double seconds;            /* wall time of the density sum */
  double rss_min, rss_max;   /* peak resident memory over the ranks, MiB */
  pp_density_files files;    /* the files written */
} pp_density_result;

/* Collective over ctx->world. A failure may be on some ranks only (the
 * reading and summing loops do not stop to agree): callers agree on the
 * status (agree.h). Progress lines on stderr unless ctx->quiet.
 * Stages (core/stage.h): "density" (pools coefficients, projections,
 * grid-slab, density) holding "refine" (occupations), "sum" (partials,
 * g-list) and "write" (write-buffer). What lives on the grid is checked
 * against the budget before any of it is allocated, first on the grid as
 * chosen (before the refine pass reads the bands), then on the refined one. */
pp_status pp_density_run(pp_ctx *ctx, const pp_density_setup *s, pp_density_result *r, pp_err *err);

#endif
