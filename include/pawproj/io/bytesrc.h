/* bytesrc.h — random-access reads of a (possibly gzip-compressed) binary
 * file by one rank.
 *
 * Plain files are read with MPI-IO (MPI_File_read_at on a per-rank handle),
 * so each rank reads exactly the byte ranges it asks for. gzip files
 * (detected by their magic bytes, not the name) are streamed through zlib:
 * reading forward decompresses and discards what lies between, reading
 * backwards rewinds; memory use is zlib's window plus the caller's buffer,
 * never the inflated file. A short read is reported as a truncated file.
 */
#ifndef PAWPROJ_BYTESRC_H
#define PAWPROJ_BYTESRC_H

#include <stddef.h>
#include <stdint.h>

#include "pawproj/core/error.h"

typedef struct pp_bytesrc {
  char path[4096];   /* file name, for messages */
  int gzip;          /* 1 if gzip-compressed */
  int64_t size;      /* size in bytes of the (uncompressed) content; -1 if
                        unknown (gzip: not known until read to the end) */
  void *handle;      /* MPI_File* or gzFile */
  int64_t gzpos;     /* gzip: current uncompressed position */
} pp_bytesrc;

/* Opens path for reading. */
pp_status pp_bytesrc_open(const char *path, pp_bytesrc *src, pp_err *err);

/* Reads exactly n bytes at offset into buf; a short read is an error
 * naming `what` (e.g. "record 7 (spin 1, k-point 2, band 5)"). */
pp_status pp_bytesrc_read(pp_bytesrc *src, int64_t offset, void *buf,
                          size_t n, const char *what, pp_err *err);

/* Closes the source (safe on a zeroed or already closed source). */
void pp_bytesrc_close(pp_bytesrc *src);

#endif
