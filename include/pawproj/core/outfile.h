/* outfile.h — output files that never look complete unless they are.
 *
 * A result is written to "<path>.partial" and renamed to <path> only by
 * pp_outfile_commit; pp_outfile_abort removes the partial file. "-" means
 * stdout, and a stream target (pp_outfile_is_stream: /dev/stdout, a FIFO,
 * /dev/null) is written in place: renaming a file over a device would
 * destroy it. Every write error is reported at commit, for streams too
 * (/dev/full). Used for every text output (JSON, YAML). The partial file
 * is removed on an interrupting signal (core/interrupt.h).
 */
#ifndef PAWPROJ_OUTFILE_H
#define PAWPROJ_OUTFILE_H

#include <stdio.h>

#include "pawproj/core/error.h"

typedef struct pp_outfile {
  char path[4096];     /* final name, "-" for stdout */
  char partial[4200];  /* name while being written */
  FILE *f;             /* the stream to write to */
  int tracked;         /* pp_interrupt_track slot of partial, -1 if none */
} pp_outfile;

/* 1 if path names a stream rather than a file to replace: it exists and is
 * not a regular file (after following links), or it is a link or a
 * non-regular entry under /dev/ or /proc/ (/dev/stdout even when stdout
 * is a file). A new or regular file under /dev/shm is not a stream. */
int pp_outfile_is_stream(const char *path);

pp_status pp_outfile_open(const char *path, pp_outfile *o, pp_err *err);

/* Open, write(f, arg), commit: the whole life of one text output. */
typedef void (*pp_outfile_writer)(FILE *f, const void *arg);
pp_status pp_outfile_write(const char *path, pp_outfile_writer write, const void *arg, pp_err *err);
pp_status pp_outfile_commit(pp_outfile *o, pp_err *err);
void pp_outfile_abort(pp_outfile *o);

#endif
