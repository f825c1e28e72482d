/* bytesrc.c — MPI-IO / streamed-gzip random access (see bytesrc.h). */
#include "pawproj/io/bytesrc.h"

#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int is_gzip(const char *path, int *yes) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  unsigned char m[2] = {0, 0};
  size_t n = fread(m, 1, 2, f);
  fclose(f);
  *yes = (n == 2 && m[0] == 0x1f && m[1] == 0x8b);
  return 0;
}

pp_status pp_bytesrc_open(const char *path, pp_bytesrc *src, pp_err *err) {
  memset(src, 0, sizeof *src);
  snprintf(src->path, sizeof src->path, "%s", path);
  int gz = 0;
  if (is_gzip(path, &gz) != 0)
    PP_FAIL(err, PP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  src->gzip = gz;
  if (gz) {
    gzFile g = gzopen(path, "rb");
    if (!g) PP_FAIL(err, PP_ERR_IO, "%s: cannot open gzip stream", path);
    gzbuffer(g, 1 << 18);
    src->handle = g;
    src->size = -1;
    return PP_OK;
  }
  MPI_File *fh = malloc(sizeof *fh);
  if (!fh) PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory", path);
  /* MPI-IO reads "name:rest" and some short bare names as a file-system
   * prefix; "./name" is always a plain path. */
  char local[sizeof src->path + 2];
  snprintf(local, sizeof local, "%s%s", path[0] == '/' ? "" : "./", path);
  int rc = MPI_File_open(MPI_COMM_SELF, local, MPI_MODE_RDONLY, MPI_INFO_NULL, fh);
  if (rc != MPI_SUCCESS) {
    free(fh);
    char why[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, why, &len);
    PP_FAIL(err, PP_ERR_IO, "%s: MPI_File_open failed: %s", path, why);
  }
  MPI_Offset size = 0;
  MPI_File_get_size(*fh, &size);
  src->size = (int64_t)size;
  src->handle = fh;
  return PP_OK;
}

static pp_status gz_seek(pp_bytesrc *src, int64_t offset, const char *what,
                         pp_err *err) {
  gzFile g = src->handle;
  if (offset < src->gzpos) {
    if (gzrewind(g) != 0)
      PP_FAIL(err, PP_ERR_IO, "%s: cannot rewind gzip stream", src->path);
    src->gzpos = 0;
  }
  /* Skip forward by reading into a scratch buffer: gzseek would do the same
   * but cannot tell a truncated stream from a seek past the end. */
  char scratch[1 << 16];
  while (src->gzpos < offset) {
    int64_t want = offset - src->gzpos;
    unsigned chunk = want > (int64_t)sizeof scratch ? (unsigned)sizeof scratch
                                                    : (unsigned)want;
    int got = gzread(g, scratch, chunk);
    if (got <= 0) {
      int zerr = 0;
      const char *msg = gzerror(g, &zerr);
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s: truncated or corrupt gzip data: the stream ends at byte "
              "%lld (uncompressed) before %s at byte %lld%s%s",
              src->path, (long long)src->gzpos, what, (long long)offset,
              zerr ? ": " : "", zerr ? msg : "");
    }
    src->gzpos += got;
  }
  return PP_OK;
}

pp_status pp_bytesrc_read(pp_bytesrc *src, int64_t offset, void *buf,
                          size_t n, const char *what, pp_err *err) {
  if (!src->gzip) {
    if (offset + (int64_t)n > src->size)
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s: file is truncated: %s needs bytes %lld..%lld but the file "
              "has %lld bytes",
              src->path, what, (long long)offset,
              (long long)(offset + (int64_t)n), (long long)src->size);
    MPI_File *fh = src->handle;
    char *p = buf;
    size_t left = n;
    int64_t off = offset;
    /* MPI counts are int: read in chunks below 2 GiB. */
    while (left > 0) {
      int chunk = left > (1u << 30) ? (1 << 30) : (int)left;
      MPI_Status status;
      int rc = MPI_File_read_at(*fh, (MPI_Offset)off, p, chunk, MPI_BYTE,
                                &status);
      int got = 0;
      MPI_Get_count(&status, MPI_BYTE, &got);
      if (rc != MPI_SUCCESS || got != chunk)
        PP_FAIL(err, PP_ERR_IO, "%s: read of %s failed at byte %lld",
                src->path, what, (long long)off);
      p += chunk;
      off += chunk;
      left -= (size_t)chunk;
    }
    return PP_OK;
  }
  PP_CALL(gz_seek(src, offset, what, err));
  gzFile g = src->handle;
  char *p = buf;
  size_t left = n;
  while (left > 0) {
    unsigned chunk = left > (1u << 30) ? (1u << 30) : (unsigned)left;
    int got = gzread(g, p, chunk);
    if (got <= 0) {
      int zerr = 0;
      const char *msg = gzerror(g, &zerr);
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s: truncated or corrupt gzip data: the stream ends at byte "
              "%lld (uncompressed) inside %s%s%s",
              src->path, (long long)src->gzpos, what, zerr ? ": " : "",
              zerr ? msg : "");
    }
    p += got;
    left -= (size_t)got;
    src->gzpos += got;
  }
  return PP_OK;
}

void pp_bytesrc_close(pp_bytesrc *src) {
  if (!src->handle) return;
  if (src->gzip) {
    gzclose(src->handle);
  } else {
    MPI_File_close(src->handle);
    free(src->handle);
  }
  src->handle = NULL;
}
