/* error.h — status codes and the error record every fallible function fills.
 *
 * Contract: a fallible function returns pp_status; PP_OK (0) means success.
 * On failure it has written one human-readable message into the pp_err the
 * caller passed (file, record/line, expected vs. found) and the failure
 * travels up through PP_CALL / PP_TRY, each level appending its source
 * location to the trace so a debugging user sees where it came from.
 * No global state: the pp_err lives in the caller (normally the run context).
 */
#ifndef PAWPROJ_ERROR_H
#define PAWPROJ_ERROR_H

#include <stddef.h>

typedef enum pp_status {
  PP_OK = 0,
  PP_ERR_ARG,       /* bad command line / option value */
  PP_ERR_IO,        /* cannot open, read or write a file */
  PP_ERR_FORMAT,    /* file content is not what the format requires */
  PP_ERR_MISMATCH,  /* two inputs disagree (lattice, k-points, species) */
  PP_ERR_NOMEM,     /* allocation failed */
  PP_ERR_BUDGET,    /* a stage would exceed --mem-per-rank */
  PP_ERR_POOL,      /* memory pools used against their contract */
  PP_ERR_MPI,       /* an MPI call failed */
  PP_ERR_REMOTE,    /* another rank failed; its message was forwarded */
  PP_ERR_INTERNAL,  /* a bug: an invariant did not hold */
  PP_STOPPED        /* not a failure: stopped cleanly on a signal or a time limit, resumable (exit 3) */
} pp_status;

typedef struct pp_err {
  pp_status code;   /* status of the first failure, PP_OK if none */
  char msg[1536];   /* the one message the user sees */
  char trace[1024]; /* "file:line <- file:line ..." where it travelled */
} pp_err;

/* Clears e to "no error". */
void pp_err_clear(pp_err *e);

/* Records a failure (printf-style message) at file:line and returns code.
 * A second failure recorded before clearing keeps the first message. */
pp_status pp_fail_at(pp_err *e, pp_status code, const char *file, int line,
                     const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Puts context (printf-style) in front of the recorded message, for a
 * caller that knows where the failing input came from ("--mem-per-rank: ",
 * "run.in line 4: "); the status and trace stay. */
void pp_err_prefix(pp_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends file:line to the trace of a failure travelling up. */
void pp_err_trace(pp_err *e, const char *file, int line);

/* Short name of a status ("format error", ...). */
const char *pp_status_name(pp_status s);

/* Return from the current function with a recorded failure. */
#define PP_FAIL(e, code, ...) \
  return pp_fail_at((e), (code), __FILE__, __LINE__, __VA_ARGS__)

/* Call a fallible function; on failure add this location and return its
 * status. Expects a `pp_err *err` in scope (the project-wide convention). */
#define PP_CALL(expr)                                   \
  do {                                                  \
    pp_status pp_s_ = (expr);                           \
    if (pp_s_ != PP_OK) {                               \
      pp_err_trace(err, __FILE__, __LINE__);            \
      return pp_s_;                                     \
    }                                                   \
  } while (0)

/* Like PP_CALL, for functions that own resources: stores the status in
 * `st` and jumps to the label `done` where they are released. */
#define PP_TRY(expr)                                    \
  do {                                                  \
    st = (expr);                                        \
    if (st != PP_OK) {                                  \
      pp_err_trace(err, __FILE__, __LINE__);            \
      goto done;                                        \
    }                                                   \
  } while (0)

/* Record a failure and jump to `done` (resource-owning functions). */
#define PP_THROW(code, ...)                                          \
  do {                                                               \
    st = pp_fail_at(err, (code), __FILE__, __LINE__, __VA_ARGS__);   \
    goto done;                                                       \
  } while (0)

#endif
