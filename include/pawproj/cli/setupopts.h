/* setupopts.h — command-line options into the plain option structs that
 * the setup layers take (projmode.h, gridopt.h), so that no layer below the
 * commands reads options itself. Each fails with one message naming the
 * option when a value is malformed or out of range. */
#ifndef PAWPROJ_SETUPOPTS_H
#define PAWPROJ_SETUPOPTS_H

#include "pawproj/analysis/gridopt.h"
#include "pawproj/analysis/projectrun.h"
#include "pawproj/cli/args.h"
#include "pawproj/core/error.h"
#include "pawproj/paw/projmode.h"

/* --datasets, --lreal, --proj-grid. o points into a's strings. */
pp_status pp_cli_paw_opts(const pp_args *a, pp_paw_opts *o, pp_err *err);

/* --grid, --grid-factor. */
pp_status pp_cli_grid_opts(const pp_args *a, pp_grid_opts *o, pp_err *err);

/* A length option in Å (--match-tol, --symprec): dflt when absent, refused
 * unless positive. */
pp_status pp_cli_length(const pp_args *a, const char *name, double dflt, double *out, pp_err *err);

/* The option table entries of a study's checkpoints and stops, for
 * pp_cli_study_stop_opts (project, wswq). */
#define PP_CLI_STUDY_STOP_OPTDEFS                                                                              \
  {"resume", NULL, "with --h5: continue from its checkpoints (FILE.ckpt), refusing to start without them; "    \
                   "rerunning the same command resumes too"},                                                  \
  {"max-seconds", "S", "stop cleanly (exit 3, resumable) before a step that would end after S seconds; the "   \
                       "job's end is also watched (SLURM_JOB_END_TIME), and SIGTERM / SIGUSR1"}

/* --resume, --max-seconds and SLURM_JOB_END_TIME into s (s->study and
 * s->h5 already set: --resume needs both). */
pp_status pp_cli_study_stop_opts(const pp_args *a, pp_project_setup *s, pp_err *err);

#endif
