/* textfile.c — whole-file reads for small text inputs (see textfile.h). */
#include "pawproj/core/textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

int pp_file_exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

pp_status pp_text_read(const char *path, size_t max_bytes, char **text,
                       size_t *len, pp_err *err) {
  *text = NULL;
  *len = 0;
  /* Say which of the three it is: a user who gave a directory or a device
   * needs another fix than one who mistyped the name. */
  struct stat sb;
  if (stat(path, &sb) != 0)
    PP_FAIL(err, PP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  if (S_ISDIR(sb.st_mode))
    PP_FAIL(err, PP_ERR_IO, "%s: is a directory, expected a file", path);
  if (!S_ISREG(sb.st_mode))
    PP_FAIL(err, PP_ERR_IO, "%s: not a regular file (a device, pipe or socket); expected a file", path);
  /* zlib reads plain files transparently, so .gz inputs need no branch. */
  gzFile f = gzopen(path, "rb");
  if (!f) PP_FAIL(err, PP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  pp_status st = PP_OK;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  if (!buf) PP_THROW(PP_ERR_NOMEM, "%s: out of memory", path);
  for (;;) {
    if (n + 1 >= cap) {
      if (cap > max_bytes)
        PP_THROW(PP_ERR_FORMAT, "%s: larger than %zu bytes; not a text input",
                 path, max_bytes);
      char *nb = realloc(buf, cap * 2);
      if (!nb) PP_THROW(PP_ERR_NOMEM, "%s: out of memory", path);
      buf = nb;
      cap *= 2;
    }
    int got = gzread(f, buf + n, (unsigned)(cap - 1 - n));
    if (got < 0) PP_THROW(PP_ERR_IO, "%s: read error (corrupt gzip data?)", path);
    if (got == 0) break;
    n += (size_t)got;
  }
  buf[n] = '\0';
  if (memchr(buf, '\0', n))
    PP_THROW(PP_ERR_FORMAT, "%s: contains binary data; expected a text file",
             path);
  *text = buf;
  *len = n;
  buf = NULL;
done:
  free(buf);
  gzclose(f);
  return st;
}

pp_status pp_path_join(char *out, size_t n, const char *dir, const char *name,
                       pp_err *err) {
  const int len = snprintf(out, n, "%s/%s", dir, name);
  if (len < 0 || (size_t)len >= n)
    PP_FAIL(err, PP_ERR_ARG, "path %s/%s is longer than %zu characters", dir, name, n - 1);
  return PP_OK;
}
