/* potcar.c — VASP POTCAR reader (see potcar.h). */
#include "pawproj/io/potcar.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/textfile.h"
#include "pawproj/model/quadrature.h"

#include "pawproj/core/units.h"
#define MAXJ 32

/* One dataset's lines: [lo, hi) of the file's line table. */
typedef struct src {
  const char *path;
  int set;             /* 1-based dataset number */
  char **line;         /* NUL-terminated lines of the whole file */
  int lo, hi;
} src;

static const char *skip_ws(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\r') s++;
  return s;
}

/* Section labels are words; numbers start with a digit, sign or point. */
static int is_label(const char *s) { return isalpha((unsigned char)*skip_ws(s)) != 0; }

static int starts(const char *s, const char *label) {
  return strncmp(skip_ws(s), label, strlen(label)) == 0;
}

static int find(const src *S, int from, const char *label) {
  for (int i = from; i < S->hi; i++)
    if (starts(S->line[i], label)) return i;
  return -1;
}

/* Reads `want` numbers from lines *i.. (advancing *i past them); Fortran
 * 'D' exponents are accepted. */
static pp_status numbers(const src *S, int *i, int want, double *out, const char *what, pp_err *err) {
  int got = 0;
  while (got < want) {
    if (*i >= S->hi || is_label(S->line[*i]))
      PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d, line %d: %s: expected %d numbers, found %d",
              S->path, S->set, *i + 1, what, want, got);
    for (char *p = S->line[*i]; *p; p++)
      if (*p == 'D' || *p == 'd') *p = 'E';
    const char *p = S->line[*i];
    for (;;) {
      p = skip_ws(p);
      if (!*p) break;
      char *end;
      const double v = strtod(p, &end);
      if (end == p || !isfinite(v))
        PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d, line %d: %s: '%.20s' is not a number",
                S->path, S->set, *i + 1, what, p);
      if (got == want)
        PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d, line %d: %s: more than %d numbers",
                S->path, S->set, *i + 1, what, want);
      out[got++] = v;
      p = end;
    }
    (*i)++;
  }
  return PP_OK;
}

/* Numbers from line i up to the next label. */
static int count_numbers(const src *S, int i) {
  int n = 0;
  for (; i < S->hi && !is_label(S->line[i]); i++)
    for (const char *p = skip_ws(S->line[i]); *p; p = skip_ws(p)) {
      n++;
      while (*p && *p != ' ' && *p != '\t' && *p != '\r') p++;
    }
  return n;
}

/* "KEY = value" in the header part (before the first "Non local Part"). */
static int header_value(const src *S, int end, const char *key, double *v) {
  for (int i = S->lo; i < end; i++) {
    const char *k = strstr(S->line[i], key);
    if (!k) continue;
    const char *eq = strchr(k, '=');
    if (!eq) continue;
    char *stop;
    *v = strtod(eq + 1, &stop);
    if (stop != eq + 1) return 1;
  }
  return 0;
}

static pp_status read_header(const src *S, int nl0, pp_pawdata *d, pp_err *err) {
  int ti = -1;
  for (int i = S->lo; i < nl0 && ti < 0; i++)
    if (strstr(S->line[i], "TITEL")) ti = i;
  if (ti < 0) PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d: no TITEL line in the header", S->path, S->set);
  const char *eq = strchr(S->line[ti], '=');
  if (!eq) PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d, line %d: TITEL without '='", S->path, S->set, ti + 1);
  snprintf(d->title, sizeof d->title, "%s", skip_ws(eq + 1));
  /* "PAW_PBE Si_pv 05Jan2001": the element is the second word up to '_'. */
  char w1[32] = "", w2[32] = "";
  if (sscanf(d->title, "%31s %31s", w1, w2) != 2)
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d, line %d: TITEL '%s' names no element", S->path,
            S->set, ti + 1, d->title);
  w2[strcspn(w2, "_.")] = '\0';
  if (!w2[0] || strlen(w2) > 3 || !isupper((unsigned char)w2[0]))
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d, line %d: TITEL '%s' names no element", S->path,
            S->set, ti + 1, d->title);
  memcpy(d->symbol, w2, strlen(w2) + 1); /* at most 3 letters, checked above */
  if (!header_value(S, nl0, "ZVAL", &d->zval))
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d (%s): no ZVAL in the header", S->path, S->set, d->symbol);
  /* A valence charge is a count of electrons: positive and at most Z. */
  if (!(d->zval > 0 && d->zval <= 120))
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d (%s): ZVAL = %g: expected a valence charge in (0, 120]", S->path,
            S->set, d->symbol, d->zval);
  double v;
  if (header_value(S, nl0, "ENMAX", &v)) d->enmax = v;
  if (header_value(S, nl0, "RCORE", &v)) d->rcore = v / PP_BOHR_A;
  if (!isfinite(d->enmax) || !isfinite(d->rcore) || d->enmax < 0 || d->rcore < 0)
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d (%s): ENMAX = %g eV, RCORE = %g Å: expected finite values >= 0",
            S->path, S->set, d->symbol, d->enmax, d->rcore * PP_BOHR_A);
  return PP_OK;
}

/* The "Non local Part" sections: channels' l and the reciprocal tables. */
static pp_status read_nonlocal(const src *S, int nl0, int radial, double gmax, pp_pawdata *d,
                               double **qtab, pp_err *err) {
  double tmp[MAXJ * MAXJ];
  double *tabs = NULL, *rtabs = NULL;
  int nq = 0, nr = 0;
  d->nj = 0;
  pp_status st = PP_OK;
  int lj[MAXJ];
  for (int i = nl0; i >= 0 && i < radial; i = find(S, i, "Non local Part")) {
    i++;
    double h[3];
    PP_TRY(numbers(S, &i, 3, h, "Non local Part header (l, projectors, cutoff)", err));
    /* Range first: converting 1e308 to int is undefined (found by fuzzing). */
    const int l = h[0] >= 0 && h[0] <= 3 ? (int)h[0] : -1;
    const int np = h[1] >= 1 && h[1] <= MAXJ ? (int)h[1] : -1;
    if (!(h[2] > 0) || !isfinite(h[2]) || (d->rtab_rmax > 0 && h[2] / PP_BOHR_A != d->rtab_rmax))
      PP_THROW(PP_ERR_FORMAT, "%s, dataset %d, line %d: Non local Part cutoff %g Å: expected the same "
               "positive real-space radius for every l", S->path, S->set, i, h[2]);
    d->rtab_rmax = h[2] / PP_BOHR_A;
    if (h[0] != l || l < 0 || l > 3 || h[1] != np || np < 1 || d->nj + np > MAXJ)
      PP_THROW(PP_ERR_FORMAT, "%s, dataset %d, line %d: Non local Part header %g %g: expected l in 0..3 "
               "and 1..%d projectors", S->path, S->set, i, h[0], h[1], MAXJ - d->nj);
    PP_TRY(numbers(S, &i, np * np, tmp, "D_ij of the Non local Part", err));
    for (int p = 0; p < np; p++) {
      if (i >= S->hi || !starts(S->line[i], "Reciprocal Space Part"))
        PP_THROW(PP_ERR_FORMAT, "%s, dataset %d, line %d: expected 'Reciprocal Space Part' (l = %d, "
                 "projector %d)", S->path, S->set, i + 1, l, p + 1);
      i++;
      const int n = count_numbers(S, i);
      if (nq == 0) nq = n;
      if (n != nq || n < 4)
        PP_THROW(PP_ERR_FORMAT, "%s, dataset %d, line %d: reciprocal projector table of %d points "
                 "(the first has %d; at least 4)", S->path, S->set, i + 1, n, nq);
      double *grown = realloc(tabs, sizeof *tabs * (size_t)(d->nj + 1) * nq);
      if (!grown) PP_THROW(PP_ERR_NOMEM, "out of memory");
      tabs = grown;
      PP_TRY(numbers(S, &i, nq, tabs + (size_t)d->nj * nq, "reciprocal projector table", err));
      if (i >= S->hi || !starts(S->line[i], "Real Space Part"))
        PP_THROW(PP_ERR_FORMAT, "%s, dataset %d, line %d: expected 'Real Space Part' (l = %d, "
                 "projector %d)", S->path, S->set, i + 1, l, p + 1);
      i++;
      const int m = count_numbers(S, i);
      if (nr == 0) nr = m;
      if (m != nr || m < 4)
        PP_THROW(PP_ERR_FORMAT, "%s, dataset %d, line %d: real-space projector table of %d points "
                 "(the first has %d; at least 4)", S->path, S->set, i + 1, m, nr);
      grown = realloc(rtabs, sizeof *rtabs * (size_t)(d->nj + 1) * nr);
      if (!grown) PP_THROW(PP_ERR_NOMEM, "out of memory");
      rtabs = grown;
      PP_TRY(numbers(S, &i, nr, rtabs + (size_t)d->nj * nr, "real-space projector table", err));
      lj[d->nj++] = l;
    }
  }
  d->l = calloc((size_t)d->nj, sizeof *d->l);
  if (!d->l) PP_THROW(PP_ERR_NOMEM, "out of memory");
  memcpy(d->l, lj, sizeof *d->l * (size_t)d->nj);
  /* File units → pawdata.h's f_j(q) (see potcar.h). */
  for (size_t k = 0; k < (size_t)d->nj * nq; k++) tabs[k] *= pow(PP_BOHR_A, -1.5) / (4 * M_PI);
  d->nqtab = nq;
  d->qtab_dq = gmax / nq * PP_BOHR_A;
  if (!(d->qtab_dq > 0))  /* a subnormal GMAX underflows */
    PP_THROW(PP_ERR_FORMAT, "%s, dataset %d: GMAX %g is too small for %d table points",
             S->path, S->set, gmax, nq);
  *qtab = tabs;
  /* Å^{-3/2} → Bohr^{-3/2}: p̃(r) = f(r) Y_lm, no other factor (potcar.h). */
  for (size_t k = 0; k < (size_t)d->nj * nr; k++) rtabs[k] *= pow(PP_BOHR_A, 1.5);
  d->nrtab = nr;
  d->rtab = rtabs;
  return PP_OK;
done:
  free(tabs);
  free(rtabs);
  return st;
}

/* Grid and partial waves of the "PAW radial sets". */
static pp_status read_radial(const src *S, int radial, pp_pawdata *d, pp_err *err) {
  const int i = radial + 1;
  char *end = NULL;
  const double h = i < S->hi ? strtod(S->line[i], &end) : 0;
  /* The line may carry more numbers after the size. Range first: a size
   * beyond int would be undefined to convert (found by fuzzing). */
  const int ng = h >= 8 && h <= 100000 ? (int)h : 0;
  if (h != ng || ng < 8 || ng > 100000)
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d, line %d: radial grid size %g is not plausible",
            S->path, S->set, i + 1, h);
  const int gi = find(S, radial, "grid");
  if (gi < 0) PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d: PAW radial sets have no 'grid'", S->path, S->set);
  d->ng = ng;
  d->r = calloc((size_t)ng, sizeof *d->r);
  d->dr = calloc((size_t)ng, sizeof *d->dr);
  d->phi = calloc((size_t)d->nj * ng, sizeof *d->phi);
  d->phit = calloc((size_t)d->nj * ng, sizeof *d->phit);
  d->Q = calloc((size_t)d->nj * d->nj, sizeof *d->Q);
  if (!d->r || !d->dr || !d->phi || !d->phit || !d->Q) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  int at = gi + 1;
  PP_CALL(numbers(S, &at, ng, d->r, "radial grid", err));
  for (int g = 0; g < ng; g++) {
    if (!(d->r[g] > 0) || (g > 0 && !(d->r[g] > d->r[g - 1])))
      PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d: radial grid point %d (%g Å) is not positive and "
              "increasing", S->path, S->set, g + 1, d->r[g]);
  }
  /* VASP's Q_ij: Simpson in the index of its logarithmic grid, dr/di = r_i h
   * (docs/paw.md). Every POTCAR grid is logarithmic; anything else is not a
   * POTCAR VASP wrote, and its Q_ij would not be VASP's. */
  const double hlog = pp_log_grid_step(d->r, ng, 1e-6);
  if (!(hlog > 0))
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d, line %d: the radial grid is not logarithmic (r_i = r_1 e^{h(i-1)}, "
            "as in every POTCAR VASP writes)", S->path, S->set, gi + 2);
  for (int g = 0; g < ng; g++) d->r[g] /= PP_BOHR_A;
  d->drq = malloc(sizeof *d->drq * (size_t)ng);
  if (!d->drq) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  pp_simpson_index_weights(ng, d->drq);
  for (int g = 0; g < ng; g++) d->drq[g] *= d->r[g] * hlog;
  /* dr/di for the other radial integrals: five-point differences (second
   * order at the two ends). */
  for (int g = 0; g < ng; g++) {
    if (g >= 2 && g < ng - 2)
      d->dr[g] = (d->r[g - 2] - 8 * d->r[g - 1] + 8 * d->r[g + 1] - d->r[g + 2]) / 12;
    else if (g == 0)
      d->dr[g] = (-3 * d->r[0] + 4 * d->r[1] - d->r[2]) / 2;
    else if (g == ng - 1)
      d->dr[g] = (3 * d->r[g] - 4 * d->r[g - 1] + d->r[g - 2]) / 2;
    else
      d->dr[g] = (d->r[g + 1] - d->r[g - 1]) / 2;
  }
  int nps = 0, nae = 0;
  for (int k = gi + 1; k < S->hi; k++) {
    const int ps = starts(S->line[k], "pseudo wavefunction"), ae = starts(S->line[k], "ae wavefunction");
    if (!ps && !ae) continue;
    if ((ps ? nps : nae) >= d->nj)
      PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d, line %d: more %s partial waves than the %d "
              "projector channels", S->path, S->set, k + 1, ps ? "pseudo" : "AE", d->nj);
    double *dst = (ps ? d->phit : d->phi) + (size_t)(ps ? nps++ : nae++) * ng;
    at = k + 1;
    PP_CALL(numbers(S, &at, ng, dst, ps ? "pseudo partial wave" : "AE partial wave", err));
    for (int g = 0; g < ng; g++) dst[g] = dst[g] / (d->r[g] * PP_BOHR_A) * pow(PP_BOHR_A, 1.5);
  }
  if (nps != d->nj || nae != d->nj)
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d (%s): %d pseudo and %d AE partial waves for %d "
            "projector channels", S->path, S->set, d->symbol, nps, nae, d->nj);
  return PP_OK;
}

static int all_finite(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return 0;
  return 1;
}

static pp_status parse_set(const src *S, pp_pawdata *d, pp_err *err) {
  snprintf(d->path, sizeof d->path, "%s", S->path);
  const int nl0 = find(S, S->lo, "Non local Part");
  const int radial = find(S, S->lo, "PAW radial sets");
  if (nl0 < 0 || radial < 0 || radial < nl0)
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d: missing section '%s' (is this a PAW POTCAR?)", S->path,
            S->set, nl0 < 0 ? "Non local Part" : "PAW radial sets");
  PP_CALL(read_header(S, nl0, d, err));
  int gl = nl0 - 1;
  while (gl > S->lo && !*skip_ws(S->line[gl])) gl--;
  double gmax;
  char *end;
  gmax = strtod(S->line[gl], &end);
  if (end == S->line[gl] || !(gmax > 0) || !isfinite(gmax))
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d, line %d: expected the reciprocal cutoff GMAX "
            "before 'Non local Part'", S->path, S->set, gl + 1);
  double *qtab = NULL;
  PP_CALL(read_nonlocal(S, nl0, radial, gmax, d, &qtab, err));
  d->qtab = qtab;
  d->nproj = 0;
  d->lmax = 0;
  for (int j = 0; j < d->nj; j++) {
    d->nproj += 2 * d->l[j] + 1;
    if (d->l[j] > d->lmax) d->lmax = d->l[j];
  }
  if (d->nproj > 64)
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d: %d projector functions per atom; at most 64 are "
            "supported", S->path, S->set, d->nproj);
  PP_CALL(read_radial(S, radial, d, err));
  pp_pawdata_compute_q(d);
  /* Every number read is finite, but 1e300-sized ones overflow in the unit
   * conversions and in Q_ij (found by fuzzing: Q = -inf was accepted). */
  const size_t n = (size_t)d->nj * (size_t)d->ng;
  if (!all_finite(d->phi, n) || !all_finite(d->phit, n) || !all_finite(d->Q, (size_t)d->nj * d->nj) ||
      !all_finite(d->qtab, (size_t)d->nj * d->nqtab) || !all_finite(d->rtab, (size_t)d->nj * d->nrtab) ||
      !all_finite(d->drq, (size_t)d->ng) || !all_finite(d->dr, (size_t)d->ng))
    PP_FAIL(err, PP_ERR_FORMAT, "%s, dataset %d (%s): values too large: the partial waves or projector "
            "tables overflow (non-finite overlaps Q_ij)", S->path, S->set, d->symbol);
  return PP_OK;
}

/* Splits text into lines in place; *lines is malloc'd. */
static pp_status split_lines(char *text, char ***lines, int *n, pp_err *err) {
  int cap = 1024, k = 0;
  char **L = malloc(sizeof *L * (size_t)cap);
  if (!L) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (char *p = text; *p;) {
    if (k == cap) {
      char **g = realloc(L, sizeof *L * (size_t)(cap *= 2));
      if (!g) {
        free(L);
        PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
      }
      L = g;
    }
    L[k++] = p;
    char *nl = strchr(p, '\n');
    if (!nl) break;
    *nl = '\0';
    p = nl + 1;
  }
  *lines = L;
  *n = k;
  return PP_OK;
}

pp_status pp_potcar_read(const char *path, pp_pawdata **sets, int *n, pp_err *err) {
  *sets = NULL;
  *n = 0;
  char *text = NULL, **line = NULL;
  size_t len;
  int nl = 0, cap = 0;
  pp_pawdata *out = NULL;
  pp_status st = PP_OK;
  PP_TRY(pp_text_read(path, (size_t)256 << 20, &text, &len, err));
  PP_TRY(split_lines(text, &line, &nl, err));
  for (int lo = 0; lo < nl;) {
    int hi = lo;
    while (hi < nl && !strstr(line[hi], "End of Dataset")) hi++;
    if (hi == nl) {
      int blank = 1;
      for (int i = lo; i < nl && blank; i++) blank = !*skip_ws(line[i]);
      if (blank && *n > 0) break;
      PP_THROW(PP_ERR_FORMAT, "%s: dataset %d (from line %d) has no 'End of Dataset': the file is "
               "truncated or not a POTCAR", path, *n + 1, lo + 1);
    }
    if (*n == cap) {
      cap = cap ? 2 * cap : 4;
      pp_pawdata *g = realloc(out, sizeof *g * (size_t)cap);
      if (!g) PP_THROW(PP_ERR_NOMEM, "out of memory");
      out = g;
    }
    memset(&out[*n], 0, sizeof out[*n]);
    const src S = {path, *n + 1, line, lo, hi};
    (*n)++;
    PP_TRY(parse_set(&S, &out[*n - 1], err));
    lo = hi + 1;
  }
  if (*n == 0) PP_THROW(PP_ERR_FORMAT, "%s: no dataset (empty file?)", path);
done:
  if (st != PP_OK) {
    for (int i = 0; i < *n; i++) pp_pawdata_free(&out[i]);
    free(out);
    out = NULL;
    *n = 0;
  }
  *sets = out;
  free(line);
  free(text);
  return st;
}
