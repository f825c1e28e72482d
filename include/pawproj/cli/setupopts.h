/* setupopts.h — command-line options into the plain option structs that
 * the setup layers take (projmode.h, gridopt.h), so that no layer below the
 * commands reads options itself. Each fails with one message naming the
 * option when a value is malformed or out of range. */
#ifndef PAWPROJ_SETUPOPTS_H
#define PAWPROJ_SETUPOPTS_H

#include "pawproj/analysis/gridopt.h"
#include "pawproj/cli/args.h"
#include "pawproj/core/error.h"
#include "pawproj/paw/projmode.h"

/* --datasets, --lreal, --proj-grid. o points into a's strings. */
pp_status pp_cli_paw_opts(const pp_args *a, pp_paw_opts *o, pp_err *err);

/* --grid, --grid-factor. */
pp_status pp_cli_grid_opts(const pp_args *a, pp_grid_opts *o, pp_err *err);

#endif
