/* json.h — a small streaming JSON writer.
 *
 * Calls nest like the document: pp_json_obj / pp_json_arr open a container
 * (key = NULL inside arrays and at the top), pp_json_end closes it. Numbers
 * are written with 17 significant digits (round-trip exact); NaN and
 * infinities, which JSON cannot hold, become null.
 */
#ifndef PAWPROJ_JSON_H
#define PAWPROJ_JSON_H

#include <stdint.h>
#include <stdio.h>

#define PP_JSON_MAXDEPTH 32

typedef struct pp_json {
  FILE *f;                        /* destination (not owned) */
  int depth;                      /* open containers */
  int count[PP_JSON_MAXDEPTH];    /* items written in each open container */
  char close[PP_JSON_MAXDEPTH];   /* closing bracket of each container */
} pp_json;

void pp_json_init(pp_json *j, FILE *f);
void pp_json_obj(pp_json *j, const char *key);
void pp_json_arr(pp_json *j, const char *key);
void pp_json_end(pp_json *j);
void pp_json_num(pp_json *j, const char *key, double v);
void pp_json_int(pp_json *j, const char *key, int64_t v);
void pp_json_str(pp_json *j, const char *key, const char *s);
void pp_json_bool(pp_json *j, const char *key, int v);
/* An array of n doubles on one line. */
void pp_json_num_array(pp_json *j, const char *key, const double *v, int n);

#endif
