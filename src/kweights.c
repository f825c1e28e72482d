/* kweights.c — k-point weights from vasprun.xml or IBZKPT (see kweights.h). */
#include "pawproj/kweights.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/textfile.h"

static int line_of(const char *text, const char *p) {
  int n = 1;
  for (const char *q = text; q < p; q++) n += *q == '\n';
  return n;
}

static pp_status normalise(const char *path, int nk, double *w, pp_err *err) {
  double sum = 0;
  for (int k = 0; k < nk; k++) {
    if (!(w[k] > 0) || !isfinite(w[k]))
      PP_FAIL(err, PP_ERR_FORMAT, "%s: weight of k-point %d is %g, expected > 0",
              path, k + 1, w[k]);
    sum += w[k];
  }
  for (int k = 0; k < nk; k++) w[k] /= sum;
  return PP_OK;
}

pp_status pp_kweights_vasprun(const char *path, int nk, double *w,
                              pp_err *err) {
  char *text = NULL;
  size_t len;
  PP_CALL(pp_text_read(path, (size_t)1 << 31, &text, &len, err));
  pp_status st = PP_OK;
  const char *p = strstr(text, "<varray name=\"weights\"");
  if (!p) PP_THROW(PP_ERR_FORMAT, "%s: no <varray name=\"weights\"> (k-point weights)", path);
  const char *end = strstr(p, "</varray>");
  if (!end) PP_THROW(PP_ERR_FORMAT, "%s line %d: weights <varray> is not closed", path, line_of(text, p));
  int n = 0;
  for (const char *q = strstr(p, "<v>"); q && q < end; q = strstr(q, "<v>")) {
    q += 3;
    char *e;
    double v = strtod(q, &e);
    if (e == q) PP_THROW(PP_ERR_FORMAT, "%s line %d: weight is not a number", path, line_of(text, q));
    if (n < nk) w[n] = v;
    n++;
  }
  if (n != nk)
    PP_THROW(PP_ERR_MISMATCH, "%s line %d: %d k-point weights, the WAVECAR has %d k-points",
             path, line_of(text, p), n, nk);
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
