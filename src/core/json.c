/* json.c — streaming JSON writer (see json.h). */
#include "pawproj/core/json.h"

#include <math.h>

void pp_json_init(pp_json *j, FILE *f) {
  j->f = f;
  j->depth = 0;
  j->count[0] = 0;
}

static void put_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p < 0x20)
      fprintf(f, "\\u%04x", *p);
    else
      fputc(*p, f);
  }
  fputc('"', f);
}

/* Separator, indentation and key before a value. */
static void prefix(pp_json *j, const char *key) {
  if (j->depth > 0) {
    if (j->count[j->depth]++) fputc(',', j->f);
    fputc('\n', j->f);
    for (int i = 0; i < j->depth; i++) fputs("  ", j->f);
  }
  if (key) {
    put_string(j->f, key);
    fputs(": ", j->f);
  }
}

static void open_container(pp_json *j, const char *key, char c) {
  prefix(j, key);
  fputc(c, j->f);
  if (j->depth + 1 < PP_JSON_MAXDEPTH) j->depth++;
  j->count[j->depth] = 0;
  j->close[j->depth] = c == '{' ? '}' : ']';
}

void pp_json_obj(pp_json *j, const char *key) { open_container(j, key, '{'); }
void pp_json_arr(pp_json *j, const char *key) { open_container(j, key, '['); }

void pp_json_end(pp_json *j) {
  const int had = j->count[j->depth];
  const char c = j->close[j->depth];
  j->depth--;
  if (had) {
    fputc('\n', j->f);
    for (int i = 0; i < j->depth; i++) fputs("  ", j->f);
  }
  fputc(c, j->f);
  if (j->depth == 0) fputc('\n', j->f);
}

static void put_number(FILE *f, double v) {
  if (isfinite(v))
    fprintf(f, "%.17g", v);
  else
    fputs("null", f);
}

void pp_json_num(pp_json *j, const char *key, double v) {
  prefix(j, key);
  put_number(j->f, v);
}

void pp_json_int(pp_json *j, const char *key, int64_t v) {
  prefix(j, key);
  fprintf(j->f, "%lld", (long long)v);
}

void pp_json_str(pp_json *j, const char *key, const char *s) {
  prefix(j, key);
  put_string(j->f, s);
}

void pp_json_bool(pp_json *j, const char *key, int v) {
  prefix(j, key);
  fputs(v ? "true" : "false", j->f);
}

void pp_json_num_array(pp_json *j, const char *key, const double *v, int n) {
  prefix(j, key);
  fputc('[', j->f);
  for (int i = 0; i < n; i++) {
    if (i) fputs(", ", j->f);
    put_number(j->f, v[i]);
  }
  fputc(']', j->f);
}
