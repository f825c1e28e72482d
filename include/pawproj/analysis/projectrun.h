/* projectrun.h — `pawproj project` as one computation: what each selected
 * defect band is made of in bulk bands (overlap.h), and with `ipr` how
 * localised it is (ipr.h).
 *
 * pp_project_run opens both runs and sets them up (projectsetup.h; runs
 * on different k-point sets are unfolded to one mesh there, and their
 * slices are read rotated from their IBZ points, wfunfold.h), then
 * goes through the stages read → ipr → overlap → write inside the stage
 * "project" (stage.h), which holds the wavefunctions the inner stages
 * share; every stage owns its pools and checks its need against the
 * budget before it allocates. The HDF5 results file
 * (projectout.h) is written inside the run because the overlaps and
 * projections it holds are released with their stage. Progress lines go to
 * stderr on rank 0 unless ctx->quiet. Collective over ctx->world; every
 * failure is agreed on all ranks.
 */
#ifndef PAWPROJ_PROJECTRUN_H
#define PAWPROJ_PROJECTRUN_H

#include "pawproj/analysis/gridopt.h"
#include "pawproj/core/ctx.h"
#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"
#include "pawproj/io/dataset.h"
#include "pawproj/model/gvec.h"
#include "pawproj/par/layout.h"
#include "pawproj/paw/pawpair.h"
#include "pawproj/paw/pawrun.h"

/* What a run is asked (plain values; the strings are not copied). */
typedef struct pp_project_setup {
  const char *bulk;       /* pristine run: directory or WAVECAR path */
  const char *defect;     /* defect run in the same cell; also where datasets are looked for by default */
  int paw;                /* 1: all-electron overlaps (method paw); 0: pseudo-wavefunctions only */
  pp_paw_opts paw_opts;   /* paw: datasets (NULL: from `defect`), LREAL and projector grid of both runs */
  double match_tol;       /* Å, > 0: a bulk and a defect atom of one species closer than this are one site */
  const char *bands;      /* defect bands "N" or "N-M", 1-based inclusive; NULL: the window below */
  double window;          /* eV: half-width of the default band window around the defect Fermi level */
  int flip_spin;          /* 1: defect spin s meets bulk spin 1 - s (spin-polarised runs only) */
  double symprec;         /* Å, > 0: operations of each structure when the k-point sets differ (datakmesh.h) */
  int unfold;             /* 1: unfold both runs to the full mesh even when their k-point sets agree */
  int kgroups;            /* k-point groups; 0: chosen by the layout (layout.h) */
  pp_variant variant;     /* WAVECAR variant forced on both runs; PP_VARIANT_AUTO: detected */
  int ipr;                /* 1: also the IPR of each selected defect band */
  pp_grid_opts grid_opts; /* ipr: the grid (default: the defect run's FFT grid) */
  const char *h5;         /* HDF5 results file (projectout.h); NULL: none */
} pp_project_setup;

/* What a run found. The arrays are identical on every rank; nd = hi - lo.
 * The opened inputs stay in the result because the outputs name them. */
typedef struct pp_project_result {
  const char *method;             /* "paw" or "pseudo" */
  const char *note;               /* how the character is normalised, one sentence for every output */
  pp_dataset bulk, defect;        /* both runs: headers, structures, k-point weights and their source */
  pp_pawrun paw_bulk, paw_defect; /* paw: each run's datasets and projectors (pawrun.h), set up once */
  pp_pawpair pair;                /* paw: site matching (pair.match, nonlyb, nonlyd), two-centre pairs (pair.pairs) */
  pp_layout lay;                  /* ranks as k-point groups x band groups */
  int lo, hi;                     /* selected defect bands [lo, hi), 0-based */
  double *energy;                 /* (nspin, nd): k-weighted mean eigenvalue, eV */
  double *occupation;             /* (nspin, nd): k-weighted mean occupation */
  double *character;              /* (nspin, nd, PP_CHAR_N): valence, conduction, captured (overlap.h) */
  double *ipr_ae;                 /* (nspin, nd) with setup ipr, else NULL: all-electron IPR (pseudo for pseudo) */
  double *ipr_ps;                 /* (nspin, nd) with setup ipr, else NULL: pseudo IPR */
  int ipr_grid[3];                /* with setup ipr: the grid the IPR was computed on */
  pp_pool *pool;                  /* holds character and the IPRs (stage "setup"); NULL once released */
  double rss_min, rss_max;        /* peak resident memory per rank after the overlap stage, MiB (min, max) */
} pp_project_result;

/* Runs the computation into *r. Afterwards, whatever the status, r can be
 * given to pp_project_result_free. */
pp_status pp_project_run(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err);

/* Returns r's pool memory once the outputs are written, so the memory
 * report closes the "setup" stage. */
pp_status pp_project_result_release(pp_project_result *r, pp_err *err);

/* Frees what the run opened (not the pool: released above, or with the
 * registry when the run failed). */
void pp_project_result_free(pp_project_result *r);

#endif
