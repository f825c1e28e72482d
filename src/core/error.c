/* error.c — the pp_err record (see include/pawproj/core/error.h). */
#include "pawproj/core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pp_err_clear(pp_err *e) {
  e->code = PP_OK;
  e->msg[0] = '\0';
  e->trace[0] = '\0';
}

static void trace_append(pp_err *e, const char *file, int line) {
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  size_t used = strlen(e->trace);
  if (used + 2 >= sizeof e->trace) return;
  snprintf(e->trace + used, sizeof e->trace - used, "%s%s:%d",
           used ? " <- " : "", base, line);
}

pp_status pp_fail_at(pp_err *e, pp_status code, const char *file, int line,
                     const char *fmt, ...) {
  /* Keep the first failure: later ones are usually its consequences. */
  if (e->code != PP_OK) return e->code;
  e->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  e->trace[0] = '\0';
  trace_append(e, file, line);
  return code;
}

void pp_err_prefix(pp_err *e, const char *fmt, ...) {
  char pre[512], old[sizeof e->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(pre, sizeof pre, fmt, ap);
  va_end(ap);
  memcpy(old, e->msg, sizeof old);
  /* Too long for msg: the end of the old message is what gets cut. */
  const size_t np = strlen(pre), no = strnlen(old, sizeof old - 1);
  const size_t keep = np + no < sizeof e->msg ? no : sizeof e->msg - 1 - np;
  memcpy(e->msg, pre, np);
  memcpy(e->msg + np, old, keep);
  e->msg[np + keep] = '\0';
}

void pp_err_trace(pp_err *e, const char *file, int line) {
  trace_append(e, file, line);
}

const char *pp_status_name(pp_status s) {
  switch (s) {
    case PP_OK: return "ok";
    case PP_ERR_ARG: return "usage error";
    case PP_ERR_IO: return "I/O error";
    case PP_ERR_FORMAT: return "format error";
    case PP_ERR_MISMATCH: return "input mismatch";
    case PP_ERR_NOMEM: return "out of memory";
    case PP_ERR_BUDGET: return "memory budget exceeded";
    case PP_ERR_POOL: return "memory pool misuse";
    case PP_ERR_MPI: return "MPI error";
    case PP_ERR_REMOTE: return "error on another rank";
    case PP_ERR_INTERNAL: return "internal error";
    case PP_STOPPED: return "stopped";
  }
  return "unknown error";
}
