/* pairterm.h — the two-centre part of the all-electron overlap between the
 * bands of a bulk (B) and a defect (D) structure in the same cell:
 *
 *   Σ_{a in B, b in D} P^B*_a <Δφ^a(r − R_a)|Δφ^b(r − R_b − T)> e^{ik·T} P^D_b
 *
 * over the pairs whose augmentation spheres overlap (|R_a − R_b − T| below
 * the sum of the radii where Δφ = φ − φ̃ vanishes) and at least one of which
 * is unmatched (a relaxed neighbour next to its old site, a substitution on
 * the site of the atom it replaced, an interstitial next to a lattice atom).
 * A matched pair's own term is in Q^a (pawpair.h); two matched atoms never
 * count, as PAW itself ignores overlaps of one structure's spheres.
 *
 * The real matrices M(R) are computed once per pair and lattice image T
 * (twocentre.h); per k-point they combine with the Bloch phases e^{2πi k·n},
 * T = n·A, which is the convention of projector.h (P at R + T equals
 * e^{ik·T} P at R).
 */
#ifndef PAWPROJ_PAIRTERM_H
#define PAWPROJ_PAIRTERM_H

#include <complex.h>

#include "pawproj/core/error.h"
#include "pawproj/model/pawdata.h"
#include "pawproj/paw/twocentre.h"

typedef struct pp_pairlink {
  int a, b;          /* bulk atom, defect atom */
  int na, nb;        /* their projector counts */
  int nimg;          /* lattice images of b within range */
  int (*img)[3];     /* n of each image, (nimg) */
  double *M;         /* M(R_a − R_b − n·A), (nimg, na, nb), row-major */
  double dist_A;     /* closest image distance, Å */
} pp_pairlink;

typedef struct pp_pairterm {
  int n;               /* pairs */
  pp_pairlink *link;   /* (n) */
} pp_pairterm;

/* Finds and integrates the pairs. lattice rows in Å; fb, fd fractional;
 * db[a], dd[b] the dataset of each bulk / defect atom; b2d, d2b the site
 * matching (-1 = unmatched). */
pp_status pp_pairterm_build(const double lattice[3][3], int nbulk, const double (*fb)[3],
                            const pp_pawdata *const *db, int ndef, const double (*fd)[3],
                            const pp_pawdata *const *dd, const int *b2d, const int *d2b, pp_pairterm *pt,
                            pp_err *err);
void pp_pairterm_free(pp_pairterm *pt);

/* M_ab(k) = Σ_images M(R) e^{2πi k·n} of pair p into out (na × nb, row-major). */
void pp_pairterm_matrix(const pp_pairterm *pt, int p, const double kfrac[3], double complex *out);

#endif
