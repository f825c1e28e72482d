/* outfile.c — write-then-rename outputs (see outfile.h). */
#include "pawproj/core/outfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

pp_status pp_outfile_open(const char *path, pp_outfile *o, pp_err *err) {
  memset(o, 0, sizeof *o);
  snprintf(o->path, sizeof o->path, "%s", path);
  if (strcmp(path, "-") == 0) {
    o->f = stdout;
    return PP_OK;
  }
  snprintf(o->partial, sizeof o->partial, "%s.partial", path);
  o->f = fopen(o->partial, "w");
  if (!o->f)
    PP_FAIL(err, PP_ERR_IO, "%s: cannot create: %s", o->partial,
            strerror(errno));
  return PP_OK;
}

pp_status pp_outfile_commit(pp_outfile *o, pp_err *err) {
  if (!o->f) return PP_OK;
  if (o->f == stdout) {
    fflush(stdout);
    o->f = NULL;
    return PP_OK;
  }
  const int bad = ferror(o->f) | (fclose(o->f) != 0);
  o->f = NULL;
  if (bad) {
    remove(o->partial);
    PP_FAIL(err, PP_ERR_IO, "%s: write failed (disk full?)", o->partial);
  }
  if (rename(o->partial, o->path) != 0) {
    remove(o->partial);
    PP_FAIL(err, PP_ERR_IO, "%s: cannot rename to %s: %s", o->partial, o->path,
            strerror(errno));
  }
  return PP_OK;
}

void pp_outfile_abort(pp_outfile *o) {
  if (!o->f) return;
  if (o->f != stdout) {
    fclose(o->f);
    remove(o->partial);
  }
  o->f = NULL;
}

pp_status pp_outfile_write(const char *path, pp_outfile_writer write, const void *arg, pp_err *err) {
  pp_outfile o;
  PP_CALL(pp_outfile_open(path, &o, err));
  write(o.f, arg);
  return pp_outfile_commit(&o, err);
}
