/* outcarsym.c — the symmetry a VASP run used, from its OUTCAR (see outcarsym.h). */
#include "pawproj/io/outcarsym.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* VASP prints its symmetry analysis and the parameters before the first
 * electronic step; the reader stops there, or after this many lines. */
#define HEAD_LINES 50000

/* One "Found N space group operations" block and the lines after it. */
typedef struct block {
  int n, line, npure, ntrans, ntrans_printed;
  char from[16];
} block;

#define MALFORMED(what) \
  do { fclose(f); PP_FAIL(err, PP_ERR_FORMAT, "%s, line %d: %s", path, ln, what); } while (0)

/* A symbol token after `anchor` ("C_2h", "O_h ." → "O_h") into out; 0 if none. */
static int symbol_after(const char *line, const char *anchor, char *out, size_t n) {
  const char *p = strstr(line, anchor);
  char tok[32];
  if (!p || sscanf(p + strlen(anchor), "%31s", tok) != 1) return 0;
  size_t len = strlen(tok);
  while (len > 0 && tok[len - 1] == '.') tok[--len] = '\0';
  if (len == 0 || len >= n) return 0;
  for (size_t i = 0; i < len; i++)
    if (!isalnum((unsigned char)tok[i]) && tok[i] != '_' && tok[i] != '-') return 0;
  memcpy(out, tok, len + 1);
  return 1;
}

/* The routine that printed a "Found" line: the word before "returns". */
static void routine_name(const char *line, char *out, size_t n) {
  out[0] = '\0';
  const char *r = strstr(line, "Subroutine ");
  if (!r) return;
  char w[16];
  if (sscanf(r + 11, "%15[A-Z]", w) == 1 && strlen(w) < n) memcpy(out, w, strlen(w) + 1);
}

/* Reads one line into buf, discarding what does not fit; 0 at the end. */
static int read_line(FILE *f, char *buf, int size) {
  if (!fgets(buf, size, f)) return 0;
  size_t len = strlen(buf);
  if (len > 0 && buf[len - 1] != '\n') {
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n') {}
  }
  return 1;
}

pp_status pp_outcar_sym_read(const char *path, pp_outcar_sym *o, pp_err *err) {
  memset(o, 0, sizeof *o);
  o->isym = PP_ISYM_UNKNOWN;
  o->npure = -1;
  o->ntrans = 1;
  FILE *f = fopen(path, "r");
  if (!f) PP_FAIL(err, PP_ERR_IO, "%s: cannot open", path);
  block cur = {0}, last = {0}, inisym = {0};
  int have_cur = 0, cells = 0;
  char line[1024];
  for (int ln = 1; ln <= HEAD_LINES && read_line(f, line, sizeof line); ln++) {
    if (strstr(line, "--- Iteration")) break; /* the electronic steps begin */
    const char *p;
    const char *s = line;
    while (*s == ' ' || *s == '\t') s++;
    if (!strncmp(s, "ISYM", 4) && !isalnum((unsigned char)s[4])) {
      int v, k = 0;
      if (sscanf(s + 4, " = %d%n", &v, &k) != 1 || k == 0)
        MALFORMED("ISYM line without an integer value");
      if (v < -1 || v > 3) MALFORMED("ISYM outside -1..3");
      o->isym = v;
      o->isym_line = ln;
    } else if ((p = strstr(line, "Found")) && strstr(line, "space group operations")) {
      int v, k = 0;
      if (sscanf(p + 5, "%d%n", &v, &k) != 1 || strncmp(p + 5 + k, " space group operations", 23) != 0)
        MALFORMED("'Found N space group operations' without a valid count N");
      if (v < 1 || v > 48)
        MALFORMED("space group operation count outside 1..48 (a primitive cell has at most O_h's 48)");
      if (have_cur) last = cur;
      memset(&cur, 0, sizeof cur);
      cur.n = v;
      cur.line = ln;
      cur.npure = -1;
      cur.ntrans = 1;
      routine_name(line, cur.from, sizeof cur.from);
      have_cur = 1;
    } else if ((p = strstr(line, "(whereof")) && have_cur && ln - cur.line <= 2) {
      int v;
      if (sscanf(p + 8, "%d", &v) != 1 || v < 0 || v > cur.n)
        MALFORMED("'(whereof M operations ...' without a count M in 0..N");
      cur.npure = v;
    } else if ((p = strstr(line, "'primitive' translations"))) {
      const char *q = strstr(line, "found");
      long v;
      char tail[32];
      if (!q || q > p) MALFORMED("'primitive' translations line without 'found T'");
      q += 5;
      while (*q == ' ') q++;
      if (!strncmp(q, "also", 4)) q += 4;
      if (sscanf(q, "%ld %31s", &v, tail) != 2 || strcmp(tail, "'primitive'") != 0 || v < 1 || v > 1000000)
        MALFORMED("'primitive' translations line without a count T in 1..1e6");
      if (have_cur && ln - cur.line <= 6) {
        cur.ntrans = (int)v;
        cur.ntrans_printed = 1;
      }
    } else if ((p = strstr(line, "primitive cells build up your supercell"))) {
      if (sscanf(line, "%d", &cells) != 1 || cells < 1) MALFORMED("'primitive cells build up' without a count");
    } else if ((p = strstr(line, "configuration has the point symmetry"))) {
      if (!symbol_after(line, "point symmetry", o->pointgroup, sizeof o->pointgroup))
        MALFORMED("'has the point symmetry' without a point-group symbol");
      char w[16];
      o->config[0] = '\0';
      if (sscanf(line, " The %15s configuration", w) == 1) memcpy(o->config, w, sizeof w);
      o->fullgroup[0] = '\0'; /* belongs to this configuration only */
    } else if (strstr(line, "point group associated with its full space group is")) {
      if (!symbol_after(line, "full space group is", o->fullgroup, sizeof o->fullgroup))
        MALFORMED("'full space group is' without a point-group symbol");
    } else if (strstr(line, "All symmetrisations will be switched off") || strstr(line, "NOSYMM:")) {
      o->nosym = 1;
    }
    if (have_cur && !strcmp(cur.from, "INISYM")) inisym = cur;
  }
  if (ferror(f)) {
    fclose(f);
    PP_FAIL(err, PP_ERR_IO, "%s: read error", path);
  }
  fclose(f);
  if (have_cur) last = cur;
  const block *b = inisym.n ? &inisym : (have_cur ? &last : NULL);
  if (b) {
    o->nops = b->n;
    o->nops_line = b->line;
    memcpy(o->nops_from, b->from, sizeof o->nops_from);
    o->npure = b->npure;
    o->ntrans = b->ntrans;
    o->ntrans_printed = b->ntrans_printed;
    if (!b->ntrans_printed && cells > 0) o->ntrans = cells;
  }
  o->found = o->isym_line > 0 || o->nops > 0 || o->nosym;
  if ((o->isym != PP_ISYM_UNKNOWN && o->isym <= 0) || o->nosym)
    o->used = 1;
  else if (o->nops > 0)
    o->used = o->nops * o->ntrans;
  return PP_OK;
}
