/* sitematch.h — which atoms of a defect structure sit where the bulk has
 * the same species. Two atoms match when their species names agree and
 * their periodic (minimum-image) distance is within tol Å. Each atom is
 * matched at most once (each bulk atom takes its closest candidate). Unmatched bulk atoms are
 * vacancies or relaxed neighbours' old sites; unmatched defect atoms are
 * interstitials, substitutions or relaxed neighbours. */
#ifndef PAWPROJ_SITEMATCH_H
#define PAWPROJ_SITEMATCH_H

#include "pawproj/core/error.h"
#include "pawproj/model/structure.h"

typedef struct pp_sitematch {
  int nb, nd;       /* atoms in bulk, defect */
  int *b2d;         /* matched defect atom of each bulk atom, -1 if none, (nb) */
  int *d2b;         /* matched bulk atom of each defect atom, -1 if none, (nd) */
  double *dist;     /* distance of each bulk atom to its match, Å, -1 if none, (nb) */
  int nmatched;     /* matched pairs */
} pp_sitematch;

/* Minimum-image distance in Å between fractional positions a and b. */
double pp_periodic_distance(const double lattice[3][3], const double a[3], const double b[3]);

pp_status pp_sitematch_build(const pp_structure *bulk, const pp_structure *defect, double tol,
                             pp_sitematch *m, pp_err *err);
void pp_sitematch_free(pp_sitematch *m);

#endif
