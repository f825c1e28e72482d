/* textfile.h — whole-file reads for small text inputs (POSCAR, IBZKPT,
 * input files). Large inputs never go through here. */
#ifndef PAWPROJ_TEXTFILE_H
#define PAWPROJ_TEXTFILE_H

#include <stddef.h>

#include "pawproj/core/error.h"

/* Reads path (plain or gzip-compressed) into a NUL-terminated malloc'd
 * buffer (caller frees *text).
 * Fails if the file is missing, unreadable, larger than max_bytes or
 * contains a NUL byte (a binary file given where text was expected). */
pp_status pp_text_read(const char *path, size_t max_bytes, char **text,
                       size_t *len, pp_err *err);

/* Longest path pawproj handles. */
#define PP_PATH_MAX 4096

/* out = dir + "/" + name; fails (naming both) if it does not fit in n. */
pp_status pp_path_join(char *out, size_t n, const char *dir, const char *name,
                       pp_err *err);

/* 1 if path exists and is a regular file. */
int pp_file_exists(const char *path);

#endif
