/* outfile.h — output files that never look complete unless they are.
 *
 * A result is written to "<path>.partial" and renamed to <path> only by
 * pp_outfile_commit; pp_outfile_abort removes the partial file. "-" means
 * stdout (no renaming). Used for every text output (JSON, YAML).
 */
#ifndef PAWPROJ_OUTFILE_H
#define PAWPROJ_OUTFILE_H

#include <stdio.h>

#include "pawproj/core/error.h"

typedef struct pp_outfile {
  char path[4096];     /* final name, "-" for stdout */
  char partial[4200];  /* name while being written */
  FILE *f;             /* the stream to write to */
} pp_outfile;

pp_status pp_outfile_open(const char *path, pp_outfile *o, pp_err *err);

/* Open, write(f, arg), commit: the whole life of one text output. */
typedef void (*pp_outfile_writer)(FILE *f, const void *arg);
pp_status pp_outfile_write(const char *path, pp_outfile_writer write, const void *arg, pp_err *err);
pp_status pp_outfile_commit(pp_outfile *o, pp_err *err);
void pp_outfile_abort(pp_outfile *o);

#endif
