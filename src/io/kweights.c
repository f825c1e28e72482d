/* kweights.c — k-point weights from vasprun.xml, IBZKPT or OUTCAR (see kweights.h). */
#include "pawproj/io/kweights.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/textfile.h"
#include "pawproj/io/xmlscan.h"

static pp_status normalise(const char *path, int nk, double *w, pp_err *err) {
  double sum = 0;
  for (int k = 0; k < nk; k++) {
    if (!(w[k] > 0) || !isfinite(w[k]))
      PP_FAIL(err, PP_ERR_FORMAT, "%s: weight of k-point %d is %g, expected > 0",
              path, k + 1, w[k]);
    sum += w[k];
  }
  /* Each weight > 0 is not enough: 1e308 + 1e308 overflows, and 1e-320
   * next to 2 underflows, so a normalised weight came out 0 (found by
   * fuzzing). */
  if (!isfinite(sum))
    PP_FAIL(err, PP_ERR_FORMAT, "%s: k-point weights are too large to sum (%g, ...)", path, w[0]);
  for (int k = 0; k < nk; k++) {
    w[k] /= sum;
    if (!(w[k] > 0))
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s: weight of k-point %d is negligible next to their sum %g; expected > 0", path,
              k + 1, sum);
  }
  return PP_OK;
}

pp_status pp_kweights_vasprun(const char *path, int nk, double *w,
                              pp_err *err) {
  char *text = NULL;
  size_t len;
  PP_CALL(pp_text_read(path, (size_t)1 << 31, &text, &len, err));
  pp_status st = PP_OK;
  PP_TRY(pp_xml_refuse_declaration(text, path, 1, err));
  const char *p = strstr(text, "<varray name=\"weights\"");
  if (!p) PP_THROW(PP_ERR_FORMAT, "%s: no <varray name=\"weights\"> (k-point weights)", path);
  const char *end = strstr(p, "</varray>");
  if (!end) PP_THROW(PP_ERR_FORMAT, "%s line %d: weights <varray> is not closed", path, pp_xml_line(text, p));
  int n = 0;
  for (const char *q = strstr(p, "<v>"); q && q < end; q = strstr(q, "<v>")) {
    q += 3;
    char *e;
    double v = strtod(q, &e);
    if (e == q) PP_THROW(PP_ERR_FORMAT, "%s line %d: weight is not a number", path, pp_xml_line(text, q));
    if (n < nk) w[n] = v;
    n++;
  }
  if (n != nk)
    PP_THROW(PP_ERR_MISMATCH, "%s line %d: %d k-point weights, the WAVECAR has %d k-points",
             path, pp_xml_line(text, p), n, nk);
  PP_TRY(normalise(path, nk, w, err));
done:
  free(text);
  return st;
}

pp_status pp_kweights_ibzkpt(const char *path, int nk,
                             const double (*kfrac)[3], double *w,
                             pp_err *err) {
  char *text = NULL;
  size_t len;
  PP_CALL(pp_text_read(path, (size_t)1 << 26, &text, &len, err));
  pp_status st = PP_OK;
  char *save = NULL;
  char *line = strtok_r(text, "\n", &save); /* comment */
  char *cnt = line ? strtok_r(NULL, "\n", &save) : NULL;
  char *mode = cnt ? strtok_r(NULL, "\n", &save) : NULL;
  if (!mode) PP_THROW(PP_ERR_FORMAT, "%s: expected a comment, a k-point count and a coordinate line (lines 1-3)", path);
  long n = strtol(cnt, NULL, 10);
  if (n != nk)
    PP_THROW(PP_ERR_MISMATCH, "%s line 2: %ld k-points, the WAVECAR has %d", path, n, nk);
  while (*mode == ' ' || *mode == '\t') mode++;
  const int reciprocal = (*mode == 'R' || *mode == 'r');
  for (int k = 0; k < nk; k++) {
    line = strtok_r(NULL, "\n", &save);
    double v[4];
    if (!line || sscanf(line, "%lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3]) != 4)
      PP_THROW(PP_ERR_FORMAT, "%s line %d: expected \"kx ky kz weight\"", path, k + 4);
    if (reciprocal && kfrac)
      for (int i = 0; i < 3; i++) {
        double d = v[i] - kfrac[k][i];
        if (fabs(d - nearbyint(d)) > 1e-6)
          PP_THROW(PP_ERR_MISMATCH,
                   "%s line %d: k-point (%g %g %g) differs from WAVECAR k-point %d (%g %g %g)",
                   path, k + 4, v[0], v[1], v[2], k + 1, kfrac[k][0], kfrac[k][1], kfrac[k][2]);
      }
    w[k] = v[3];
  }
  PP_TRY(normalise(path, nk, w, err));
done:
  free(text);
  return st;
}

/* ---- OUTCAR ------------------------------------------------------------ */

/* VASP writes this header, then one line per k-point (coordinates with 8
 * decimals, weight with 3), then a blank line. "k-points in units of
 * 2pi/SCALE" above it is the same list in Cartesian coordinates, which
 * cannot be compared with the WAVECAR's fractional ones without the
 * lattice scale, so only this one is read. */
#define OUTCAR_KLIST "k-points in reciprocal lattice and weights"
#define OUTCAR_KTOL 1e-5

/* An OUTCAR read line by line: OUTCARs of long runs are far too big to
 * load, and the k-point list is near the top. */
typedef struct outcar_lines {
  FILE *f;
  char *buf;
  size_t cap;
  int ln; /* 1-based number of the line in buf */
} outcar_lines;

/* Next line without its line ending, NULL at the end of the file. */
static const char *next_line(outcar_lines *L) {
  const ssize_t n = getline(&L->buf, &L->cap, L->f);
  if (n < 0) return NULL;
  L->ln++;
  ssize_t e = n;
  while (e > 0 && (L->buf[e - 1] == '\n' || L->buf[e - 1] == '\r')) e--;
  L->buf[e] = '\0';
  return L->buf;
}

static const char *skip_space(const char *s) {
  while (isspace((unsigned char)*s)) s++;
  return s;
}

/* Exactly four finite numbers and nothing else ("0.5x0" or "***" is not a
 * weight, however much of it strtod would take). */
static int parse_kline(const char *line, double v[4]) {
  const char *p = line;
  for (int i = 0; i < 4; i++) {
    char *e;
    v[i] = strtod(p, &e);
    if (e == p || !isfinite(v[i])) return 0;
    p = e;
  }
  return *skip_space(p) == '\0';
}

static pp_status outcar_seek_list(outcar_lines *L, const char *path,
                                  pp_err *err) {
  for (const char *s; (s = next_line(L));)
    if (strstr(s, OUTCAR_KLIST)) return PP_OK;
  if (ferror(L->f)) PP_FAIL(err, PP_ERR_IO, "%s line %d: read error", path, L->ln);
  PP_FAIL(err, PP_ERR_FORMAT,
          "%s: none of its %d lines contains \"" OUTCAR_KLIST "\" (expected the "
          "k-point list VASP writes before the first electronic step; is this "
          "OUTCAR complete and from the WAVECAR's run?)",
          path, L->ln);
}

/* Exact match only, see kweights.h. */
static pp_status outcar_check_kpoint(const char *path, int ln, int k,
                                     const double v[3], const double kf[3],
                                     pp_err *err) {
  for (int i = 0; i < 3; i++)
    if (!(fabs(v[i] - kf[i]) <= OUTCAR_KTOL))
      PP_FAIL(err, PP_ERR_MISMATCH,
              "%s line %d: k-point (%.8f %.8f %.8f) differs from WAVECAR k-point %d "
              "(%.8f %.8f %.8f) by more than %g; expected the WAVECAR's k-points in its "
              "order (is this OUTCAR from another run?)",
              path, ln, v[0], v[1], v[2], k + 1, kf[0], kf[1], kf[2], OUTCAR_KTOL);
  return PP_OK;
}

static pp_status outcar_read_list(outcar_lines *L, const char *path, int nk,
                                  const double (*kfrac)[3], double *w,
                                  pp_err *err) {
  const int head = L->ln;
  int n = 0;
  const char *s;
  while ((s = next_line(L)) && *skip_space(s)) {
    double v[4];
    if (!parse_kline(s, v))
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s line %d: expected a k-point line \"kx ky kz weight\" (4 numbers) of the "
              "list of line %d, or the blank line ending it; found \"%.60s\"",
              path, L->ln, head, skip_space(s));
    if (n == nk)
      PP_FAIL(err, PP_ERR_MISMATCH,
              "%s line %d: the k-point list of line %d has more than %d k-points; "
              "expected the WAVECAR's %d",
              path, L->ln, head, nk, nk);
    PP_CALL(outcar_check_kpoint(path, L->ln, n, v, kfrac[n], err));
    if (!(v[3] > 0))
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s line %d: weight of k-point %d is %.3f, expected > 0 (OUTCAR prints "
              "weights with 3 decimals, too few for this mesh: put the run's "
              "vasprun.xml or IBZKPT beside the WAVECAR)",
              path, L->ln, n + 1, v[3]);
    w[n++] = v[3];
  }
  if (!s && ferror(L->f)) PP_FAIL(err, PP_ERR_IO, "%s line %d: read error", path, L->ln);
  if (n < nk)
    PP_FAIL(err, PP_ERR_MISMATCH,
            "%s line %d: the k-point list of line %d ends (%s) after %d k-points; "
            "expected the WAVECAR's %d",
            path, L->ln, head, s ? "blank line" : "end of file", n, nk);
  return PP_OK;
}

pp_status pp_kweights_outcar(const char *path, int nk,
                             const double (*kfrac)[3], double *w,
                             pp_err *err) {
  FILE *f = fopen(path, "r");
  if (!f) PP_FAIL(err, PP_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  pp_status st = PP_OK;
  outcar_lines L = {f, NULL, 0, 0};
  PP_TRY(outcar_seek_list(&L, path, err));
  PP_TRY(outcar_read_list(&L, path, nk, kfrac, w, err));
  PP_TRY(normalise(path, nk, w, err));
done:
  free(L.buf);
  fclose(f);
  return st;
}
