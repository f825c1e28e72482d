/* setupopts.c — options into setup structs (see setupopts.h). */
#include "pawproj/cli/setupopts.h"

#include <stdlib.h>
#include <string.h>

pp_status pp_cli_paw_opts(const pp_args *a, pp_paw_opts *o, pp_err *err) {
  memset(o, 0, sizeof *o);
  o->datasets = pp_args_get(a, "datasets");
  o->lreal = pp_args_get(a, "lreal");
  PP_CALL(pp_args_int3(a, "proj-grid", 2, 1 << 16, o->proj_grid, err));
  return o->proj_grid[0] ? pp_grid_size_check("--proj-grid", o->proj_grid, err) : PP_OK;
}

pp_status pp_cli_grid_opts(const pp_args *a, pp_grid_opts *o, pp_err *err) {
  memset(o, 0, sizeof *o);
  o->factor = 1;
  PP_CALL(pp_args_int3(a, "grid", 2, 1 << 16, o->grid, err));
  if (o->grid[0]) PP_CALL(pp_grid_size_check("--grid", o->grid, err));
  PP_CALL(pp_args_double(a, "grid-factor", &o->factor, err));
  if (!(o->factor > 0) || o->factor > 64)
    PP_FAIL(err, PP_ERR_ARG, "--grid-factor %g: expected a number in (0, 64]", o->factor);
  return PP_OK;
}

pp_status pp_cli_study_stop_opts(const pp_args *a, pp_project_setup *s, pp_err *err) {
  s->resume = pp_args_has(a, "resume");
  if (s->resume && !s->h5)
    PP_FAIL(err, PP_ERR_ARG, "--resume continues a study from the checkpoints of its --h5 file (no --h5 given)");
  if (s->resume && !s->study)
    PP_FAIL(err, PP_ERR_ARG, "--resume continues a study (--defects ...); a run with one --defect keeps no "
            "checkpoints: run it again, or give the defect as --defects %s", "DIR");
  PP_CALL(pp_args_double(a, "max-seconds", &s->max_seconds, err));
  if (s->max_seconds < 0) PP_FAIL(err, PP_ERR_ARG, "--max-seconds must be positive");
  const char *end = getenv("SLURM_JOB_END_TIME");
  if (end && *end) s->end_time = strtod(end, NULL);
  return PP_OK;
}

pp_status pp_cli_length(const pp_args *a, const char *name, double dflt, double *out, pp_err *err) {
  *out = dflt;
  PP_CALL(pp_args_double(a, name, out, err));
  if (!(*out > 0)) PP_FAIL(err, PP_ERR_ARG, "--%s must be positive (Å)", name);
  return PP_OK;
}
