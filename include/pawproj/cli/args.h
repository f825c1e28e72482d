/* args.h — command-line options, shared by every command.
 *
 * Each command declares a table of pp_optdef; pp_args_parse accepts
 * "--name value", "--name=value" and flags, collects positional arguments,
 * and rejects unknown options and missing values with one message.
 * pp_args_input_file turns an INCAR-like input file (KEY = value, '#' or
 * '!' comments) into the same options, so a batch script can drive a run
 * with a file: COMMAND = project, BULK = ../bulk → --bulk ../bulk.
 */
#ifndef PAWPROJ_ARGS_H
#define PAWPROJ_ARGS_H

#include <stdio.h>

#include "pawproj/core/error.h"

#define PP_ARGS_MAX 64

typedef struct pp_optdef {
  const char *name;     /* long name without dashes, e.g. "bands" */
  const char *metavar;  /* value placeholder ("N-M"); NULL for a flag */
  const char *help;     /* one line */
} pp_optdef;

typedef struct pp_args {
  int n;                          /* options given */
  const char *name[PP_ARGS_MAX];  /* their names (pointers into defs) */
  const char *value[PP_ARGS_MAX]; /* their values ("" for flags) */
  int npos;                       /* positional arguments */
  const char *pos[PP_ARGS_MAX];   /* positional arguments */
} pp_args;

/* Parses argv[0..argc) against defs (terminated by a {NULL} entry). A later
 * occurrence of an option overrides an earlier one. */
pp_status pp_args_parse(const pp_optdef *defs, int argc, char **argv,
                        pp_args *a, pp_err *err);

/* Value of an option or NULL when absent. */
const char *pp_args_get(const pp_args *a, const char *name);

/* 1 if the option was given. */
int pp_args_has(const pp_args *a, const char *name);

/* Integer option with bounds; *out untouched when absent. */
pp_status pp_args_int(const pp_args *a, const char *name, int lo, int hi,
                      int *out, pp_err *err);

/* Floating option; *out untouched when absent. */
pp_status pp_args_double(const pp_args *a, const char *name, double *out,
                         pp_err *err);

/* Three integers "A,B,C" (also "AxBxC" or space-separated), each in
 * lo..hi; *out untouched when absent. */
pp_status pp_args_int3(const pp_args *a, const char *name, int lo, int hi, int out[3], pp_err *err);

/* Prints usage and the option table. */
void pp_args_help(FILE *f, const char *usage, const char *about,
                  const pp_optdef *defs);

/* Reads an input file into argv form: *argv_out holds "--key" "value"
 * pairs (lower-case keys, '_' → '-'), values "true"/".TRUE." for flags
 * become a bare flag. (*line_out)[i] is the file line of argv entry i when
 * that entry is a key, 0 for a value, so an option's error can name the
 * line it came from. *command receives the COMMAND key ("" if none).
 * Storage is in *buf (caller frees *buf, *argv_out and *line_out). */
pp_status pp_args_input_file(const char *path, char **buf, char ***argv_out,
                             int **line_out, int *argc_out, char *command,
                             size_t cmdlen, pp_err *err);

#endif
