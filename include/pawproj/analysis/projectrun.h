/* projectrun.h — `pawproj project` as one computation: what each selected
 * band of one or many defect runs is made of in the bands of one bulk run
 * (overlap.h), and with `ipr` how localised it is (ipr.h).
 *
 * pp_project_run opens the bulk and every defect run and sets them up
 * (projectsetup.h; runs on different k-point sets are unfolded to one
 * mesh there, and their slices are read rotated from their IBZ points,
 * wfunfold.h). Inside the stage "project" (stage.h), whose pool "bulk-wf"
 * holds the bulk slice, the bulk is read once ("read"); then each defect
 * in turn gets a stage "defect" (pool "defect-wf") with the stages read →
 * ipr → overlap → write inside it, its PAW side (datasets, site matching,
 * pair terms) set up at its start and freed at its end, so a study holds
 * one defect at a time. Every stage owns its pools and checks its need
 * against the budget before it allocates; the need of the bulk and the
 * largest defect is checked before anything is read. The HDF5 results
 * (projectout.h) are written inside the run because the overlaps and
 * projections are released with their stage: one file with the single-run
 * layout, or, for a study, one group per defect. After each defect,
 * setup->report is called on every rank with the defect's answer while its
 * PAW side is still alive (the command prints its table there).
 *
 * A study with an HDF5 file is checkpointed per defect (studyckpt.h): a
 * rerun skips the defects done (resumed = 1, their answers read back).
 * Before each defect the ranks agree whether to stop: SIGTERM or SIGUSR1
 * received (stopsignal.h, watched during the study), or the defect would
 * likely end after max_seconds or end_time (1.25 × the longest defect so
 * far, plus 30 s before end_time); then the run returns PP_STOPPED with a
 * message saying what is saved and how to resume. Progress
 * lines go to stderr on rank 0 unless ctx->quiet. Collective over
 * ctx->world; every failure is agreed on all ranks.
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

/* One defect run of the study (plain values; strings not copied). */
typedef struct pp_project_target {
  const char *label; /* the HDF5 group /defects/LABEL and the summary's name; NULL for a single run */
  const char *dir;   /* defect run in the bulk's cell: directory or WAVECAR path */
  const char *bands; /* its bands "N" or "N-M", 1-based inclusive; NULL: the setup's */
} pp_project_target;

struct pp_project_result;
struct pp_project_defect;
/* Called on every rank after a defect is done; a status other than PP_OK
 * (agreed by the callee) stops the run. */
typedef pp_status (*pp_project_report)(void *arg, const struct pp_project_result *r,
                                       const struct pp_project_defect *d, pp_err *err);

struct pp_stage;
struct pp_wfset;
/* Called on every rank inside a defect's overlap stage, while its overlaps
 * exist: S is this rank's block (bulk->nlocal, nd, bulk->nb) of
 * <bulk b0+m|defect lo+n> (overlap.h); sg the overlap stage, for the
 * hook's own pools. Collective; the callee agrees on its status. */
typedef pp_status (*pp_project_overlap_hook)(void *arg, struct pp_stage *sg, const struct pp_project_result *r,
                                             const struct pp_project_defect *d, const struct pp_wfset *bulk,
                                             const double _Complex *S, pp_err *err);

/* What a run is asked (plain values; the strings are not copied). */
typedef struct pp_project_setup {
  const char *bulk;       /* pristine run: directory or WAVECAR path */
  const pp_project_target *defects; /* (ndefects) */
  const char *names[2];   /* what messages call the two sides; NULL: "bulk", "defect" (overlap: "bra", "ket") */
  int ndefects;           /* >= 1 */
  int study;              /* 1: a study (HDF5 groups per defect); 0: one defect, the single-run layout */
  int paw;                /* 1: all-electron overlaps (method paw); 0: pseudo-wavefunctions only */
  pp_paw_opts paw_opts;   /* paw: datasets (NULL: from the first defect's directory), LREAL and projector grid */
  double match_tol;       /* Å, > 0: a bulk and a defect atom of one species closer than this are one site */
  int bulk_sites;         /* 1: every defect run's atoms are put at the bulk's positions (same atoms required):
                           * its projections then use the bulk's projectors, VASP's LWSWQ overlap S(Q0) */
  const char *bands;      /* defect bands "N" or "N-M" of defects without their own; NULL: the window below */
  double window;          /* eV: half-width of the default band window around the defect Fermi level */
  int flip_spin;          /* 1: defect spin s meets bulk spin 1 - s (spin-polarised runs only) */
  double symprec;         /* Å, > 0: operations of each structure when the k-point sets differ (datakmesh.h) */
  int unfold;             /* 1: unfold both runs to the full mesh even when their k-point sets agree */
  int kgroups;            /* k-point groups; 0: chosen by the layout (layout.h) */
  pp_variant variant;     /* WAVECAR variant forced on every run; PP_VARIANT_AUTO: detected */
  int ipr;                /* 1: also the IPR of each selected defect band */
  pp_grid_opts grid_opts; /* ipr: the grid (default: each defect run's FFT grid) */
  const char *h5;         /* HDF5 results file (projectout.h); NULL: none */
  int dry_run;            /* 1: headers and setup only; the plan (projectplan.h) instead of the stages */
  int resume;             /* study with h5: 1 requires checkpoints to resume from (studyckpt.h) */
  double max_seconds;     /* study: stop before a defect that would end after this many s of the run; 0: none */
  double end_time;        /* study: the job's end, s since the epoch (SLURM_JOB_END_TIME); 0: none */
  pp_project_report report; /* NULL: none */
  void *report_arg;
  pp_project_overlap_hook on_overlaps; /* NULL: none (wswq writes its files here) */
  void (*after_round)(void *arg, int defect, int round); /* study with h5: after each round of a defect's items
                                                         * (overlap.h), with report_arg; NULL: none */
  void *overlaps_arg;
} pp_project_setup;

/* One defect's answer. The arrays are identical on every rank; nd = hi - lo.
 * ds stays open to the end of the run (the outputs name it); paw and pair
 * exist only during the defect's turn and its report. */
typedef struct pp_project_defect {
  const char *label;              /* the target's label, or "defect" for a single run */
  pp_dataset ds;                  /* the run: header, structure, k-point weights */
  pp_pawrun paw;                  /* paw, during its turn: datasets and projectors (pawrun.h) */
  pp_pawpair pair;                /* paw, during its turn: site matching, two-centre pairs */
  int lo, hi;                     /* selected bands [lo, hi), 0-based */
  double *energy;                 /* (nspin, nd): k-weighted mean eigenvalue, eV */
  double *occupation;             /* (nspin, nd): k-weighted mean occupation */
  double *character;              /* (nspin, nd, PP_CHAR_N): valence, conduction, captured (overlap.h) */
  double *ipr_ae;                 /* (nspin, nd) with setup ipr, else NULL: all-electron IPR (pseudo for pseudo) */
  double *ipr_ps;                 /* (nspin, nd) with setup ipr, else NULL: pseudo IPR */
  int ipr_grid[3];                /* with setup ipr: the grid the IPR was computed on */
  double bytes_read;              /* bytes of the defect run read, all ranks */
  int resumed;                    /* 1: taken from the study's checkpoint of an earlier run, not computed */
} pp_project_defect;

/* A dry run's plan (projectplan.h): per rank, min and max over ranks. */
typedef struct pp_project_plan {
  double bulk_wf[2];       /* bytes of the bulk slice ("project", pool bulk-wf) */
  double defect[2];        /* bytes of the largest defect's stage "defect": its slice, then the
                            * largest of its read buffer, overlap stage, IPR stage */
  double pools[2];         /* bytes of all pools at the peak: bulk + largest defect + results */
  double bytes_read[2];    /* bytes this rank reads, bulk once plus every defect */
  double flops[2];         /* estimated floating-point operations of this rank (overlaps, projections) */
  double rss_setup[2];     /* MiB resident after setup (datasets, libraries, MPI), measured */
  double rss_peak[2];      /* MiB: rss_setup + pools, the estimated peak resident memory */
  int largest;             /* the defect with the largest need on the rank of the max */
} pp_project_plan;

/* What a run found. */
typedef struct pp_project_result {
  const char *method;             /* "paw" or "pseudo" */
  const char *note;               /* how the character is normalised, one sentence for every output */
  pp_dataset bulk;                /* the bulk run: header, structure, k-point weights and their source */
  pp_pawrun paw_bulk;             /* paw: the bulk's datasets and projectors, set up once */
  pp_layout lay;                  /* ranks as k-point groups x band groups */
  int ndefects;
  pp_project_defect *defects;     /* (ndefects) */
  double bulk_bytes_read;         /* bytes of the bulk run read, all ranks (once for a study) */
  pp_pool *pool;                  /* holds the characters and IPRs (stage "setup"); NULL once released */
  double rss_min, rss_max;        /* peak resident memory per rank after the last overlap stage, MiB */
  pp_project_plan plan;           /* setup dry_run: the plan (no stage ran) */
} pp_project_result;

/* What a command initialises its result to (nothing owned yet). */
#define PP_PROJECT_RESULT_INIT {.lay = PP_LAYOUT_NONE}

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
