/* poscar.c — VASP POSCAR / CONTCAR reader (see poscar.h). */
#include "pawproj/io/poscar.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/textfile.h"
#include "pawproj/model/lattice.h"

/* Line cursor over the text; lines are numbered from 1 for messages. */
typedef struct cursor {
  const char *name;
  const char *p;
  int line;
  char buf[512];
} cursor;

static int next_line(cursor *c) {
  if (!*c->p) return 0;
  const char *e = strchr(c->p, '\n');
  size_t n = e ? (size_t)(e - c->p) : strlen(c->p);
  if (n >= sizeof c->buf) n = sizeof c->buf - 1;
  memcpy(c->buf, c->p, n);
  c->buf[n] = '\0';
  if (n && c->buf[n - 1] == '\r') c->buf[n - 1] = '\0';
  c->p = e ? e + 1 : c->p + strlen(c->p);
  c->line++;
  return 1;
}

static pp_status need_line(cursor *c, const char *what, pp_err *err) {
  if (!next_line(c))
    PP_FAIL(err, PP_ERR_FORMAT, "%s: ended at line %d, expected %s", c->name,
            c->line, what);
  return PP_OK;
}

/* Reads n doubles from the start of the current line. */
static pp_status parse_doubles(cursor *c, double *v, int n, const char *what,
                               pp_err *err) {
  char *s = c->buf;
  for (int i = 0; i < n; i++) {
    char *end;
    errno = 0;
    v[i] = strtod(s, &end);
    if (end == s || errno == ERANGE || !isfinite(v[i]))
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s line %d: expected %s (%d numbers), found \"%s\"", c->name,
              c->line, what, n, c->buf);
    s = end;
  }
  return PP_OK;
}

static int first_alpha(const char *s) {
  while (isspace((unsigned char)*s)) s++;
  return isalpha((unsigned char)*s);
}

/* Splits a line into whitespace-separated words; returns their count. */
static int split_words(char *s, char **w, int max) {
  int n = 0;
  for (char *t = strtok(s, " \t"); t && n < max; t = strtok(NULL, " \t"))
    w[n++] = t;
  return n;
}

static pp_status parse_counts(cursor *c, pp_structure *s, pp_err *err) {
  char tmp[512];
  snprintf(tmp, sizeof tmp, "%s", c->buf);
  char *w[64];
  int n = split_words(tmp, w, 64);
  if (n == 0)
    PP_FAIL(err, PP_ERR_FORMAT, "%s line %d: expected atom counts", c->name,
            c->line);
  s->count = calloc((size_t)n, sizeof *s->count);
  if (!s->count) PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory", c->name);
  s->nspecies = n;
  long total = 0;
  for (int i = 0; i < n; i++) {
    char *end;
    long v = strtol(w[i], &end, 10);
    if (*end || v <= 0 || v > 1000000)
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s line %d: atom count \"%s\" is not a positive integer",
              c->name, c->line, w[i]);
    s->count[i] = (int)v;
    total += v;
  }
  if (total > 10000000)
    PP_FAIL(err, PP_ERR_FORMAT, "%s line %d: %ld atoms is implausible",
            c->name, c->line, total);
  s->natoms = (int)total;
  return PP_OK;
}

static pp_status species_from_words(cursor *c, const char *line,
                                    pp_structure *s, int strict, pp_err *err) {
  char tmp[512];
  snprintf(tmp, sizeof tmp, "%s", line);
  char *w[64];
  int n = split_words(tmp, w, 64);
  s->species = calloc((size_t)s->nspecies, sizeof *s->species);
  if (!s->species) PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory", c->name);
  if (n != s->nspecies) {
    if (strict)
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s line %d: %d species names but %d atom counts on the next "
              "line",
              c->name, c->line, n, s->nspecies);
    for (int i = 0; i < s->nspecies; i++)
      snprintf(s->species[i], PP_SPECIES_NAME, "X%d", i + 1);
    s->unnamed = 1;
    return PP_OK;
  }
  for (int i = 0; i < n; i++) {
    /* VASP 6 may write "Si_GW/1a2b3c": keep the element part. */
    char *cut = strpbrk(w[i], "_/");
    if (cut) *cut = '\0';
    if (!isalpha((unsigned char)w[i][0]) || strlen(w[i]) >= PP_SPECIES_NAME)
      PP_FAIL(err, PP_ERR_FORMAT, "%s line %d: \"%s\" is not a species name",
              c->name, c->line, w[i]);
    snprintf(s->species[i], PP_SPECIES_NAME, "%s", w[i]);
  }
  return PP_OK;
}

pp_status pp_poscar_parse(const char *text, const char *name, pp_structure *s,
                          pp_err *err) {
  memset(s, 0, sizeof *s);
  pp_status st = PP_OK;
  cursor c = {.name = name, .p = text, .line = 0};
  PP_TRY(need_line(&c, "a title line", err));
  /* Titles longer than the field are cut: they are only labels. */
  const size_t tl = strnlen(c.buf, sizeof s->title - 1);
  memcpy(s->title, c.buf, tl);
  s->title[tl] = '\0';
  PP_TRY(need_line(&c, "the scale factor", err));
  double scale[3];
  int nscale = 0;
  {
    char *p = c.buf, *end;
    while (nscale < 3) {
      double v = strtod(p, &end);
      if (end == p) break;
      scale[nscale++] = v;
      p = end;
    }
  }
  if (nscale != 1 && nscale != 3)
    PP_THROW(PP_ERR_FORMAT, "%s line %d: expected the scale factor, found \"%s\"",
             name, c.line, c.buf);
  if (nscale == 3 && !(scale[0] > 0 && scale[1] > 0 && scale[2] > 0))
    PP_THROW(PP_ERR_FORMAT, "%s line %d: three scale factors must be positive",
             name, c.line);
  if (!isfinite(scale[0]) || scale[0] == 0)
    PP_THROW(PP_ERR_FORMAT, "%s line %d: the scale factor must be a finite, non-zero number, found \"%s\"",
             name, c.line, c.buf);
  for (int i = 0; i < 3; i++) {
    PP_TRY(need_line(&c, "a lattice vector", err));
    PP_TRY(parse_doubles(&c, s->lattice[i], 3, "a lattice vector", err));
  }
  /* Cartesian positions carry the same scaling as the lattice. */
  double pos_scale[3];
  if (nscale == 3) {
    for (int j = 0; j < 3; j++) pos_scale[j] = scale[j];
  } else {
    double f = scale[0];
    if (f < 0) f = cbrt(-f / fabs(pp_lat_volume(s->lattice)));
    pos_scale[0] = pos_scale[1] = pos_scale[2] = f;
  }
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) s->lattice[i][j] *= pos_scale[j];
  /* Finite components can still give an infinite volume (1e300 Å): that
   * cell passed the old "> 1e-6" test (found by fuzzing). */
  const double vol = fabs(pp_lat_volume(s->lattice));
  if (!(vol > 1e-6) || !isfinite(vol))
    PP_THROW(PP_ERR_FORMAT,
             "%s: lattice vectors (lines 3-5) are degenerate or too large (cell volume %g Å³)",
             name, vol);
  PP_TRY(need_line(&c, "species names or atom counts", err));
  if (first_alpha(c.buf)) {
    char names[512];
    snprintf(names, sizeof names, "%s", c.buf);
    int names_line = c.line;
    PP_TRY(need_line(&c, "atom counts", err));
    PP_TRY(parse_counts(&c, s, err));
    cursor at = c;
    at.line = names_line;
    PP_TRY(species_from_words(&at, names, s, 1, err));
  } else {
    PP_TRY(parse_counts(&c, s, err));
    cursor at = c;
    at.line = 1;
    PP_TRY(species_from_words(&at, s->title, s, 0, err));
  }
  PP_TRY(need_line(&c, "the coordinate mode (Direct or Cartesian)", err));
  {
    const char *p = c.buf;
    while (isspace((unsigned char)*p)) p++;
    if (*p == 'S' || *p == 's')
      PP_TRY(need_line(&c, "the coordinate mode (Direct or Cartesian)", err));
  }
  const char *p = c.buf;
  while (isspace((unsigned char)*p)) p++;
  int cartesian;
  if (*p == 'C' || *p == 'c' || *p == 'K' || *p == 'k')
    cartesian = 1;
  else if (*p == 'D' || *p == 'd')
    cartesian = 0;
  else
    PP_THROW(PP_ERR_FORMAT,
             "%s line %d: expected \"Direct\" or \"Cartesian\", found \"%s\"",
             name, c.line, c.buf);
  s->type = calloc((size_t)s->natoms, sizeof *s->type);
  s->frac = calloc((size_t)s->natoms, sizeof *s->frac);
  if (!s->type || !s->frac) PP_THROW(PP_ERR_NOMEM, "%s: out of memory", name);
  double inv[3][3];
  if (cartesian) {
    /* frac = r·A⁻¹ = r·Bᵀ/(2π) */
    double b[3][3];
    pp_lat_reciprocal(s->lattice, b);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) inv[i][j] = b[j][i] / (2.0 * M_PI);
  }
  for (int t = 0, a = 0; t < s->nspecies; t++)
    for (int k = 0; k < s->count[t]; k++, a++) {
      PP_TRY(need_line(&c, "an atomic position", err));
      double v[3];
      PP_TRY(parse_doubles(&c, v, 3, "an atomic position", err));
      s->type[a] = t;
      if (cartesian) {
        for (int j = 0; j < 3; j++) {
          double r = 0;
          for (int i = 0; i < 3; i++) r += v[i] * pos_scale[i] * inv[i][j];
          s->frac[a][j] = r;
        }
      } else {
        for (int j = 0; j < 3; j++) s->frac[a][j] = v[j];
      }
      /* Cartesian positions of 1e308 Å overflow on conversion (fuzzing). */
      for (int j = 0; j < 3; j++)
        if (!isfinite(s->frac[a][j]))
          PP_THROW(PP_ERR_FORMAT,
                   "%s line %d: atomic position does not give a finite fractional coordinate",
                   name, c.line);
    }
done:
  if (st != PP_OK) pp_structure_free(s);
  return st;
}

pp_status pp_poscar_read(const char *path, pp_structure *s, pp_err *err) {
  char *text = NULL;
  size_t len = 0;
  PP_CALL(pp_text_read(path, 1 << 26, &text, &len, err));
  pp_status st = pp_poscar_parse(text, path, s, err);
  free(text);
  return st;
}
