/* outfile.c — write-then-rename outputs (see outfile.h). */
#include "pawproj/core/outfile.h"

#include "pawproj/core/interrupt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int pp_outfile_is_stream(const char *path) {
  struct stat st;
  /* /dev/stdout and /proc/self/fd/N are links that stat() may resolve to
   * the regular file stdout was redirected to; writing through them must
   * not become a rename in /dev. A file of a file system mounted there
   * (/dev/shm, a common node-local scratch) is an ordinary output. */
  if (!strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6))
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return 1; /* a link counts too */
  return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

pp_status pp_outfile_open(const char *path, pp_outfile *o, pp_err *err) {
  memset(o, 0, sizeof *o);
  o->tracked = -1;
  snprintf(o->path, sizeof o->path, "%s", path);
  if (strcmp(path, "-") == 0) {
    o->f = stdout;
    return PP_OK;
  }
  if (pp_outfile_is_stream(path)) { /* written in place, never renamed over */
    o->f = fopen(path, "w");
    if (!o->f) PP_FAIL(err, PP_ERR_IO, "%s: cannot open for writing: %s", path, strerror(errno));
    return PP_OK;
  }
  snprintf(o->partial, sizeof o->partial, "%s.partial", path);
  o->tracked = pp_interrupt_track(o->partial);
  o->f = fopen(o->partial, "w");
  if (!o->f) {
    pp_interrupt_untrack(o->tracked);
    o->tracked = -1;
    PP_FAIL(err, PP_ERR_IO, "%s: cannot create: %s", o->partial,
            strerror(errno));
  }
  return PP_OK;
}

/* The partial file is gone (renamed or removed): no longer the handler's. */
static void settled(pp_outfile *o) {
  pp_interrupt_untrack(o->tracked);
  o->tracked = -1;
}

pp_status pp_outfile_commit(pp_outfile *o, pp_err *err) {
  if (!o->f) return PP_OK;
  if (o->f == stdout || !o->partial[0]) {
    const int bad = (fflush(o->f) != 0) | ferror(o->f) | (o->f != stdout && fclose(o->f) != 0);
    o->f = NULL;
    if (bad) PP_FAIL(err, PP_ERR_IO, "%s: write failed (disk full?)", o->path);
    return PP_OK;
  }
  const int bad = ferror(o->f) | (fclose(o->f) != 0);
  o->f = NULL;
  if (bad) {
    remove(o->partial);
    settled(o);
    PP_FAIL(err, PP_ERR_IO, "%s: write failed (disk full?)", o->partial);
  }
  const int renamed = rename(o->partial, o->path) == 0, why = errno;
  if (!renamed) remove(o->partial);
  settled(o);
  if (!renamed) PP_FAIL(err, PP_ERR_IO, "%s: cannot rename to %s: %s", o->partial, o->path, strerror(why));
  return PP_OK;
}

void pp_outfile_abort(pp_outfile *o) {
  if (!o->f) return;
  if (o->f != stdout) {
    fclose(o->f);
    if (o->partial[0]) remove(o->partial);
    settled(o);
  }
  o->f = NULL;
}

pp_status pp_outfile_write(const char *path, pp_outfile_writer write, const void *arg, pp_err *err) {
  pp_outfile o;
  PP_CALL(pp_outfile_open(path, &o, err));
  write(o.f, arg);
  return pp_outfile_commit(&o, err);
}
