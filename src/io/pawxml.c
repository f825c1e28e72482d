/* pawxml.c — PAW-XML dataset reader (see pawdata.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/textfile.h"
#include "pawproj/io/xmlscan.h"
#include "pawproj/model/pawdata.h"

#define MAXJ 32

static double attr_double(const pp_xml_elem *e, const char *key, int *ok) {
  char buf[64];
  if (!pp_xml_attr(e, key, buf, sizeof buf)) {
    *ok = 0;
    return 0;
  }
  char *end;
  const double v = strtod(buf, &end);
  if (end == buf) *ok = 0;
  return v;
}

/* Radial grids of the PAW-XML specification: r(i) and dr/di. */
static pp_status make_grid(pp_pawdata *d, const pp_xml_elem *g, const char *text, pp_err *err) {
  char eq[64];
  int ok = 1;
  const int line = pp_xml_line(text, g->start);
  if (!pp_xml_attr(g, "eq", eq, sizeof eq))
    PP_FAIL(err, PP_ERR_FORMAT, "%s line %d: <radial_grid> has no eq attribute", d->path, line);
  const double a = attr_double(g, "a", &ok);
  int ok_b = 1, ok_d = 1, ok_n = 1;
  const double b = attr_double(g, "b", &ok_b), dd = attr_double(g, "d", &ok_d);
  const double n = attr_double(g, "n", &ok_n);
  const double istart = attr_double(g, "istart", &ok), iend = attr_double(g, "iend", &ok);
  /* Written so that NaN fails too: (int)NaN below would be undefined. */
  if (!ok || !(istart >= 0 && iend >= istart && iend - istart <= 1e6))
    PP_FAIL(err, PP_ERR_FORMAT, "%s line %d: <radial_grid> needs a, istart and iend", d->path, line);
  d->ng = (int)(iend - istart) + 1;
  d->r = calloc((size_t)d->ng, sizeof *d->r);
  d->dr = calloc((size_t)d->ng, sizeof *d->dr);
  if (!d->r || !d->dr) PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory", d->path);
  for (int k = 0; k < d->ng; k++) {
    const double i = istart + k;
    double r, dr;
    if (!strcmp(eq, "r=a*i/(n-i)") && ok_n && i < n) {
      r = a * i / (n - i);
      dr = a * n / ((n - i) * (n - i));
    } else if (!strcmp(eq, "r=a*(exp(d*i)-1)") && ok_d) {
      r = a * (exp(dd * i) - 1);
      dr = a * dd * exp(dd * i);
    } else if (!strcmp(eq, "r=a*exp(d*i)") && ok_d) {
      r = a * exp(dd * i);
      dr = a * dd * exp(dd * i);
    } else if (!strcmp(eq, "r=d*i") && ok_d) {
      r = dd * i;
      dr = dd;
    } else if (!strcmp(eq, "r=a*i/(1-b*i)") && ok_b && b * i < 1) {
      r = a * i / (1 - b * i);
      dr = a / ((1 - b * i) * (1 - b * i));
    } else {
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s line %d: radial grid \"%s\" is not supported (or its parameters are missing)",
              d->path, line, eq);
    }
    d->r[k] = r;
    d->dr[k] = dr;
  }
  return PP_OK;
}

/* The element `name` whose state attribute is `id`, read onto the grid. */
static pp_status read_function(pp_pawdata *d, const char *text, const char *name, const char *id,
                               double *out, pp_err *err) {
  pp_xml_elem e;
  const char *from = text;
  int rc;
  while ((rc = pp_xml_find(text, from, name, &e)) == 1) {
    char st[64];
    if (pp_xml_attr(&e, "state", st, sizeof st) && !strcmp(st, id))
      return pp_xml_numbers(&e, out, d->ng, d->path, text, err);
    from = e.end;
  }
  if (rc < 0) PP_FAIL(err, PP_ERR_FORMAT, "%s: a <%s> element is not closed", d->path, name);
  PP_FAIL(err, PP_ERR_FORMAT, "%s: missing <%s state=\"%s\"> (every valence state needs one)",
          d->path, name, id);
}

/* PAW-XML datasets are plain nested elements a few levels deep, without a
 * DTD. The scanner (xmlscan.h) expands no entity, so a document declaring
 * any (DOCTYPE, ENTITY: "billion laughs", external files) cannot be read as
 * its author meant; and a document nested thousands deep is no dataset.
 * Both are refused up front, in one linear pass, with a message saying so
 * (fuzz seeds entities-* and nesting-* of tests/fuzz/corpus/fuzz_pawxml
 * were accepted or refused with an unrelated message). */
#define MAX_DEPTH 64

/* Declarations, nesting depth and truncation, before any element is read:
 * a file cut off mid-way (a copy that ran out of quota) must be reported as
 * cut off, not as "no <paw_setup>" or a missing element. */
static pp_status check_markup(const pp_pawdata *d, const char *text, pp_err *err) {
  int depth = 0;
  const char *outer = NULL; /* the first element still open */
  for (const char *p = strchr(text, '<'); p; p = strchr(p, '<')) {
    const char *skip_to = NULL;
    if (strncmp(p, "<!--", 4) == 0)
      skip_to = "-->";
    else if (strncmp(p, "<![CDATA[", 9) == 0)
      skip_to = "]]>";
    else if (p[1] == '?')
      skip_to = "?>";
    if (skip_to) {
      const char *q = strstr(p + 2, skip_to);
      if (!q)
        PP_FAIL(err, PP_ERR_FORMAT,
                "%s line %d: '%.9s' is never closed by '%s': the file is truncated", d->path,
                pp_xml_line(text, p), p, skip_to);
      p = q + strlen(skip_to);
      continue;
    }
    if (p[1] == '!')
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s line %d: markup declaration '%.12s': DOCTYPE and ENTITY declarations are not "
              "read (pawproj expands no entity; a PAW-XML dataset has none)",
              d->path, pp_xml_line(text, p), p);
    const char *gt = strchr(p, '>');
    if (!gt)
      PP_FAIL(err, PP_ERR_FORMAT, "%s line %d: tag '%.20s' is not closed by '>': the file is truncated",
              d->path, pp_xml_line(text, p), p);
    if (p[1] == '/') {
      if (depth > 0 && --depth == 0) outer = NULL;
    } else if (gt[-1] != '/') {
      if (depth == 0) outer = p;
      if (++depth > MAX_DEPTH)
        PP_FAIL(err, PP_ERR_FORMAT,
                "%s line %d: elements nested more than %d deep; not a PAW-XML dataset", d->path,
                pp_xml_line(text, p), MAX_DEPTH);
    }
    p = gt + 1;
  }
  if (depth > 0) {
    size_t n = strcspn(outer + 1, " \t\r\n/>");
    PP_FAIL(err, PP_ERR_FORMAT,
            "%s: the file ends with %d element(s) still open (no </%.*s> for the <%.*s> of line "
            "%d): the file is truncated",
            d->path, depth, (int)(n < 40 ? n : 40), outer + 1, (int)(n < 40 ? n : 40), outer + 1,
            pp_xml_line(text, outer));
  }
  return PP_OK;
}

static pp_status parse(pp_pawdata *d, const char *text, pp_err *err) {
  pp_xml_elem e;
  PP_CALL(check_markup(d, text, err));
  if (pp_xml_find(text, text, "paw_setup", &e) != 1)
    PP_FAIL(err, PP_ERR_FORMAT, "%s: no <paw_setup> element: not a PAW-XML dataset", d->path);
  if (pp_xml_find(text, text, "atom", &e) != 1)
    PP_FAIL(err, PP_ERR_FORMAT, "%s: missing <atom symbol=.. Z=.. valence=..>", d->path);
  int ok = 1;
  if (!pp_xml_attr(&e, "symbol", d->symbol, sizeof d->symbol)) ok = 0;
  d->z = attr_double(&e, "Z", &ok);
  d->zval = attr_double(&e, "valence", &ok);
  if (!ok)
    PP_FAIL(err, PP_ERR_FORMAT, "%s line %d: <atom> needs symbol, Z and valence", d->path,
            pp_xml_line(text, e.start));
  if (pp_xml_find(text, text, "radial_grid", &e) != 1)
    PP_FAIL(err, PP_ERR_FORMAT, "%s: missing <radial_grid>", d->path);
  PP_CALL(make_grid(d, &e, text, err));
  pp_xml_elem vs;
  if (pp_xml_find(text, text, "valence_states", &vs) != 1 || !vs.body)
    PP_FAIL(err, PP_ERR_FORMAT, "%s: missing <valence_states>", d->path);
  char ids[MAXJ][64];
  int ls[MAXJ];
  d->nj = 0;
  for (const char *from = vs.body; pp_xml_find(text, from, "state", &e) == 1 && e.start < vs.body + vs.body_len;
       from = e.end) {
    if (d->nj == MAXJ) PP_FAIL(err, PP_ERR_FORMAT, "%s: more than %d valence states", d->path, MAXJ);
    int okl = 1;
    const double l = attr_double(&e, "l", &okl);
    if (!okl || l < 0 || l > 3 || l != floor(l) || !pp_xml_attr(&e, "id", ids[d->nj], sizeof ids[0]))
      PP_FAIL(err, PP_ERR_FORMAT, "%s line %d: <state> needs an id and l in 0..3", d->path,
              pp_xml_line(text, e.start));
    ls[d->nj++] = (int)l;
  }
  if (d->nj == 0) PP_FAIL(err, PP_ERR_FORMAT, "%s: <valence_states> lists no state", d->path);
  const size_t n = (size_t)d->nj * (size_t)d->ng;
  d->l = calloc((size_t)d->nj, sizeof *d->l);
  d->phi = calloc(n, sizeof *d->phi);
  d->phit = calloc(n, sizeof *d->phit);
  d->pt = calloc(n, sizeof *d->pt);
  d->Q = calloc((size_t)d->nj * d->nj, sizeof *d->Q);
  if (!d->l || !d->phi || !d->phit || !d->pt || !d->Q) PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory", d->path);
  d->nproj = 0;
  d->lmax = 0;
  d->gcut = 0;
  for (int j = 0; j < d->nj; j++) {
    d->l[j] = ls[j];
    d->nproj += 2 * ls[j] + 1;
    if (ls[j] > d->lmax) d->lmax = ls[j];
    double *phi = d->phi + (size_t)j * d->ng, *phit = d->phit + (size_t)j * d->ng, *pt = d->pt + (size_t)j * d->ng;
    PP_CALL(read_function(d, text, "ae_partial_wave", ids[j], phi, err));
    PP_CALL(read_function(d, text, "pseudo_partial_wave", ids[j], phit, err));
    PP_CALL(read_function(d, text, "projector_function", ids[j], pt, err));
    for (int g = d->ng - 1; g >= 0; g--)
      if (pt[g] != 0) {
        if (g + 1 > d->gcut) d->gcut = g + 1;
        break;
      }
  }
  if (d->gcut == 0) PP_FAIL(err, PP_ERR_FORMAT, "%s: every projector is zero", d->path);
  if (d->nproj > 64)
    PP_FAIL(err, PP_ERR_FORMAT, "%s: %d projector functions per atom; at most 64 are supported", d->path, d->nproj);
  pp_pawdata_compute_q(d);
  /* The grid formulas (exp(d*i)) and Q_ij can overflow from finite input,
   * as fuzzing found for POTCARs (potcar.c); refuse rather than return inf. */
  for (size_t i = 0; i < (size_t)d->ng; i++)
    if (!isfinite(d->r[i]) || !isfinite(d->dr[i]))
      PP_FAIL(err, PP_ERR_FORMAT, "%s: radial grid point %zu is not a finite number (grid parameters too large)",
              d->path, i);
  for (size_t i = 0; i < (size_t)d->nj * d->nj; i++)
    if (!isfinite(d->Q[i]))
      PP_FAIL(err, PP_ERR_FORMAT, "%s: values too large: the partial waves overflow (non-finite overlaps Q_ij)",
              d->path);
  return PP_OK;
}

pp_status pp_pawxml_read(const char *path, pp_pawdata *d, pp_err *err) {
  memset(d, 0, sizeof *d);
  snprintf(d->path, sizeof d->path, "%s", path);
  char *text = NULL;
  size_t len;
  PP_CALL(pp_text_read(path, (size_t)64 << 20, &text, &len, err));
  pp_status st = parse(d, text, err);
  free(text);
  if (st != PP_OK) pp_pawdata_free(d);
  return st;
}
