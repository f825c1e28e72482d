/* sitematch.c — matching defect sites to bulk sites (see sitematch.h). */
#include "pawproj/model/sitematch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/model/lattice.h"

double pp_periodic_distance(const double lattice[3][3], const double a[3], const double b[3]) {
  double best = INFINITY;
  double d[3];
  for (int i = 0; i < 3; i++) d[i] = (b[i] - a[i]) - nearbyint(b[i] - a[i]);
  /* The nearest image may lie one cell further in skewed cells. */
  for (int x = -1; x <= 1; x++)
    for (int y = -1; y <= 1; y++)
      for (int z = -1; z <= 1; z++) {
        const double f[3] = {d[0] + x, d[1] + y, d[2] + z};
        double r[3];
        pp_lat_frac_to_cart(lattice, f, r);
        const double len = pp_vec_norm(r);
        if (len < best) best = len;
      }
  return best;
}

void pp_sitematch_free(pp_sitematch *m) {
  free(m->b2d);
  free(m->d2b);
  free(m->dist);
  memset(m, 0, sizeof *m);
}

pp_status pp_sitematch_build(const pp_structure *bulk, const pp_structure *defect, double tol,
                             pp_sitematch *m, pp_err *err) {
  memset(m, 0, sizeof *m);
  m->nb = bulk->natoms;
  m->nd = defect->natoms;
  m->b2d = malloc(sizeof *m->b2d * (size_t)(m->nb + 1));
  m->d2b = malloc(sizeof *m->d2b * (size_t)(m->nd + 1));
  m->dist = malloc(sizeof *m->dist * (size_t)(m->nb + 1));
  if (!m->b2d || !m->d2b || !m->dist) PP_FAIL(err, PP_ERR_NOMEM, "out of memory for site matching");
  for (int a = 0; a < m->nb; a++) m->b2d[a] = -1, m->dist[a] = -1;
  for (int b = 0; b < m->nd; b++) m->d2b[b] = -1;
  /* Each bulk atom takes the closest unmatched same-species defect atom
   * within tol. With tol far below interatomic distances (default 0.02 Å)
   * no two candidates compete, so the order does not matter. O(nb·nd). */
  for (int a = 0; a < m->nb; a++) {
    int best = -1;
    double bd = tol;
    for (int b = 0; b < m->nd; b++) {
      if (m->d2b[b] >= 0) continue;
      if (strcmp(bulk->species[bulk->type[a]], defect->species[defect->type[b]]) != 0) continue;
      const double d = pp_periodic_distance(bulk->lattice, bulk->frac[a], defect->frac[b]);
      if (d <= bd) bd = d, best = b;
    }
    if (best >= 0) {
      m->b2d[a] = best;
      m->d2b[best] = a;
      m->dist[a] = bd;
      m->nmatched++;
    }
  }
  return PP_OK;
}
