/* sites.h — places around which a state's weight is measured: atoms of a
 * structure by number ("1,5-7", 1-based), or the defect sites of a
 * bulk/defect pair (atoms only in the defect, and the bulk positions left
 * empty: vacancies and relaxed neighbours' old sites), and the fraction of
 * a density on a distributed grid within spheres around them. */
#ifndef PAWPROJ_SITES_H
#define PAWPROJ_SITES_H

#include "pawproj/core/error.h"
#include "pawproj/model/structure.h"
#include "pawproj/par/rgrid.h"

#define PP_SITES_MAX 64

typedef struct pp_sites {
  int n;
  double frac[PP_SITES_MAX][3];
  char label[PP_SITES_MAX][48];   /* "Si 5" or "vacancy (bulk Si 1)" */
  double radius_A;                /* sphere radius */
  double fraction[PP_SITES_MAX];  /* per site */
  double fraction_all;            /* within any sphere (counted once) */
} pp_sites;

/* Atoms of st listed as "1,5-7" (1-based). */
pp_status pp_sites_from_list(const char *text, const pp_structure *st, pp_sites *s, pp_err *err);

/* The unmatched sites of defect against bulk (tolerance tol Å). */
pp_status pp_sites_from_pair(const pp_structure *bulk, const pp_structure *defect, double tol, pp_sites *s,
                             pp_err *err);

/* Half the shortest distance between two atoms of st (Å), periodic. */
double pp_sites_default_radius(const pp_structure *st);

/* Fractions of the density rho (my slab of g) within radius_A of each
 * site, over the grid (collective). */
void pp_sites_measure(pp_sites *s, const pp_rgrid *g, const double lattice[3][3], const double *rho);

#endif
