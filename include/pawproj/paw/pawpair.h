/* pawpair.h — the PAW terms of the all-electron overlap between the bands
 * of a bulk (B) and a defect (D) structure in the same cell (docs/paw.md §1,
 * with how each term was checked):
 *
 *  <ψ^B_m|ψ^D_n> = <ψ̃^B_m|ψ̃^D_n>
 *     + Σ_{a matched} P^B*_am Q^a P^D_an
 *     + Σ_{a in B only} P^B*_am <Δφ^a|ψ̃^D_n>
 *     + Σ_{b in D only} <ψ̃^B_m|Δφ^b> P^D_bn
 *     + Σ_{pairs a,b} P^B*_am <Δφ^a|Δφ^b> P^D_bn        (pairterm.h)
 *
 * All three sums are one product X_B^H X_D where both sides list the same
 * sites: matched sites (X_B: projections p̃ at the bulk site; X_D: Q·P at
 * the defect site), bulk-only sites (X_B: p̃; X_D: Δφ at the bulk site),
 * defect-only sites (X_B: Δφ at the defect site; X_D: p̃). The pair terms
 * add M_ab(k) P^D_b to X_D at bulk atom a's site.
 */
#ifndef PAWPROJ_PAWPAIR_H
#define PAWPROJ_PAWPAIR_H

#include <complex.h>

#include "pawproj/model/sitematch.h"
#include "pawproj/paw/pairterm.h"
#include "pawproj/paw/pawrun.h"
#include "pawproj/paw/projector.h"
#include "pawproj/paw/rsproj.h"

typedef struct pp_pawpair {
  pp_structure species;   /* union of both species lists (names only): the bulk's, then the defect's others */
  const pp_pawdata **data; /* dataset per union species, the runs' own (array owned) */
  pp_paw paw;             /* form factors per union species */
  pp_sitematch match;     /* bulk ↔ defect atoms */
  int nsites;             /* matched + bulk-only + defect-only */
  pp_site *bside;         /* what the bulk bands are projected on, (nsites) */
  pp_site *dside;         /* what the defect bands are projected on, (nsites) */
  unsigned char *applyq;  /* 1 where the defect side gets Q applied, (nsites) */
  int ncol;               /* Σ nproj over the sites */
  int *scol;              /* first column of each site, (nsites + 1) */
  int natd;               /* atoms of the defect structure */
  int *dsite;             /* site whose dside is defect atom b, (natd) */
  int *dcol;              /* first column of defect atom b in PD, (natd + 1) */
  int nprojb, nprojd;     /* projectors at all bulk / all defect atoms */
  int nonlyb, nonlyd;     /* unmatched counts */
  pp_pairterm pairs;      /* overlapping spheres with an unmatched atom */
  /* Real-space projectors of each run (LREAL, rsproj.h) for its p̃
   * projections, in union species order; NULL: reciprocal space. The
   * bulk's are its run's (its order is the union's first part); the
   * defect's are rs_view, its run's tables re-indexed. The Δφ projections
   * are exact in reciprocal space. */
  const pp_rsproj *rs_bulk, *rs_defect;
  pp_rsproj rs_view;      /* arrays owned, tables not */
} pp_pawpair;

/* From the PAW sides of both runs (pawrun.h), which must outlive pp: their
 * datasets and real-space projectors are used, not copied. */
pp_status pp_pawpair_setup(const pp_pawrun *bulk, const pp_pawrun *defect, double tol_A, double qmax_A,
                           pp_pawpair *pp, pp_err *err);
void pp_pawpair_free(pp_pawpair *pp);

/* The PAW terms of the overlaps S of bulk bands Cb (nbl, ld) and defect
 * bands Cd (nd, ld) at k-point k are S += X_B^H X_D, in three steps so
 * that a caller can form the defect side once and the bulk side in blocks:
 *
 * pp_pawpair_dside: the plan of k-point k in *kp (from scratch; the caller
 *   calls pp_kplan_free(kp), also after a failure) and *XD (nd, ldx),
 *   ldx = nspinor·ncol, row-major, with Q and the pair terms applied.
 *   PD (may be NULL) gets the projections <p̃_ai|ψ̃_n> at the defect's
 *   own atoms, in atom order as pp_project lays them out:
 *   (nd, nspinor, nprojd), row-major, collected before Q is applied.
 * pp_pawpair_bside: XB (nbl, ldx) for bulk bands Cb on kp, XB the
 *   caller's ((nbl + 1) rows of ldx, see pp_pawpair_scratch_bytes).
 *   pp_pawpair_bulk_proj copies the projections at the bulk's own atoms
 *   out of nrows rows of XB into PB (nrows, nspinor, nprojb): the bulk
 *   sites come first, so PB is a column block of X_B.
 * pp_pawpair_multiply: S += XB^H XD, S column-major (nbl × nd) with
 *   leading dimension lds: S[m + n·lds]. */
pp_status pp_pawpair_dside(const pp_pawpair *pp, const pp_wavecar *wc, int k, const double complex *Cd, int nd,
                           int64_t ld, pp_kplan *kp, double complex **XD, double complex *PD, pp_pool *scratch,
                           pp_err *err);
pp_status pp_pawpair_bside(const pp_pawpair *pp, pp_kplan *kp, const double complex *Cb, int nbl, int64_t ld,
                           double complex *XB, pp_err *err);
void pp_pawpair_bulk_proj(const pp_pawpair *pp, int nspinor, const double complex *XB, int nrows,
                          double complex *PB);
void pp_pawpair_multiply(const pp_pawpair *pp, int nspinor, const double complex *XB, int nbl,
                         const double complex *XD, int nd, double complex *S, int lds);

/* Both sides at once, for a caller that forms the product itself (a
 * distributed one): *XB (nbl, ldx) and *XD (nd, ldx), with the PAW
 * terms = X_B^H X_D. Both and the rest of the call's buffers come from
 * scratch; PB, PD (either may be NULL) as above. */
pp_status pp_pawpair_sides(const pp_pawpair *pp, const pp_wavecar *wc, int k, const double complex *Cb, int nbl,
                           const double complex *Cd, int nd, int64_t ld, double complex **XB, double complex **XD,
                           double complex *PB, double complex *PD, pp_pool *scratch, pp_err *err);

/* The most pp_pawpair_sides takes from its scratch pool (the caller
 * releases it after the call): the site projections of both sides, the k-point's
 * projection plan (projector.h). */
size_t pp_pawpair_scratch_bytes(const pp_pawpair *pp, const pp_wavecar *wc, int k, int nbl, int nd);

#endif
