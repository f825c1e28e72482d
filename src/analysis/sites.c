/* sites.c — defect sites and the weight of a state around them (see
 * sites.h). */
#include "pawproj/analysis/sites.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/model/lattice.h"
#include "pawproj/model/sitematch.h"

static pp_status add(pp_sites *s, const double frac[3], const char *label, pp_err *err) {
  if (s->n == PP_SITES_MAX) PP_FAIL(err, PP_ERR_ARG, "more than %d sites", PP_SITES_MAX);
  memcpy(s->frac[s->n], frac, sizeof s->frac[0]);
  snprintf(s->label[s->n], sizeof s->label[0], "%s", label);
  s->n++;
  return PP_OK;
}

pp_status pp_sites_from_list(const char *text, const pp_structure *st, pp_sites *s, pp_err *err) {
  memset(s, 0, sizeof *s);
  const char *p = text;
  while (*p) {
    char *end;
    long a = strtol(p, &end, 10), b = a;
    if (end == p) PP_FAIL(err, PP_ERR_ARG, "--sites '%s': expected atom numbers such as 1,5-7", text);
    p = end;
    if (*p == '-') {
      b = strtol(p + 1, &end, 10);
      if (end == p + 1) PP_FAIL(err, PP_ERR_ARG, "--sites '%s': expected atom numbers such as 1,5-7", text);
      p = end;
    }
    if (a < 1 || b < a || b > st->natoms)
      PP_FAIL(err, PP_ERR_ARG, "--sites '%s': atoms are numbered 1..%d", text, st->natoms);
    for (long i = a; i <= b; i++) {
      char label[48];
      snprintf(label, sizeof label, "%s %ld", st->species[st->type[i - 1]], i);
      PP_CALL(add(s, st->frac[i - 1], label, err));
    }
    if (*p == ',') p++;
    else if (*p) PP_FAIL(err, PP_ERR_ARG, "--sites '%s': expected atom numbers such as 1,5-7", text);
  }
  return PP_OK;
}

pp_status pp_sites_from_pair(const pp_structure *bulk, const pp_structure *defect, double tol, pp_sites *s,
                             pp_err *err) {
  memset(s, 0, sizeof *s);
  pp_sitematch m;
  PP_CALL(pp_sitematch_build(bulk, defect, tol, &m, err));
  pp_status st = PP_OK;
  char label[48];
  for (int b = 0; b < defect->natoms && st == PP_OK; b++)
    if (m.d2b[b] < 0) {
      snprintf(label, sizeof label, "%s %d (defect only)", defect->species[defect->type[b]], b + 1);
      st = add(s, defect->frac[b], label, err);
    }
  for (int a = 0; a < bulk->natoms && st == PP_OK; a++)
    if (m.b2d[a] < 0) {
      snprintf(label, sizeof label, "empty bulk site %s %d", bulk->species[bulk->type[a]], a + 1);
      st = add(s, bulk->frac[a], label, err);
    }
  pp_sitematch_free(&m);
  if (st == PP_OK && s->n == 0)
    PP_FAIL(err, PP_ERR_ARG, "the defect structure has no unmatched sites against the bulk (tolerance %g Å)", tol);
  return st;
}

double pp_sites_default_radius(const pp_structure *st) {
  double best = INFINITY;
  for (int a = 0; a < st->natoms; a++)
    for (int b = a + 1; b < st->natoms; b++) {
      const double d = pp_periodic_distance(st->lattice, st->frac[a], st->frac[b]);
      if (d < best) best = d;
    }
  return isfinite(best) ? best / 2 : 1.0;
}

void pp_sites_measure(pp_sites *s, const pp_rgrid *g, const double lattice[3][3], const double *rho) {
  const int *n = g->n;
  double loc[PP_SITES_MAX + 2] = {0}, tot[PP_SITES_MAX + 2];
  const ptrdiff_t nloc = pp_rgrid_local(g);
  for (ptrdiff_t i = 0; i < nloc; i++) {
    const int x = (int)(i % n[0]), y = (int)((i / n[0]) % n[1]), z = (int)(i / ((ptrdiff_t)n[0] * n[1]) + g->z0);
    const double f[3] = {(double)x / n[0], (double)y / n[1], (double)z / n[2]};
    const double w = rho[i];
    loc[0] += w;
    int any = 0;
    for (int k = 0; k < s->n; k++)
      if (pp_periodic_distance(lattice, f, s->frac[k]) < s->radius_A) {
        loc[2 + k] += w;
        any = 1;
      }
    if (any) loc[1] += w;
  }
  MPI_Allreduce(loc, tot, s->n + 2, MPI_DOUBLE, MPI_SUM, g->comm);
  for (int k = 0; k < s->n; k++) s->fraction[k] = tot[0] > 0 ? tot[2 + k] / tot[0] : 0;
  s->fraction_all = tot[0] > 0 ? tot[1] / tot[0] : 0;
}
