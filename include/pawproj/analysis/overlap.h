/* overlap.h — band overlaps between bulk and defect bands, and band
 * character. Pseudo method: plane-wave part only. PAW method: plus the
 * PAW terms of pawpair.h (all-electron overlaps).
 *
 * For each (spin, k) item of this rank's group: the selected defect bands
 * (spread over the group's ranks) are gathered on every rank of the group,
 * and each rank forms <B_m|D_n> = Σ_G C^B*_mG C^D_nG for its own bulk band
 * slice with one ZGEMM. Gamma-only files hold √2·c(G) on a half sphere,
 * so their overlap is the real part of the same sum.
 *
 * Band character: per (spin, k)
 *   v = Σ_{m: occ_m > 0.5} |<m|n>|²,  c = Σ_{other m} |<m|n>|²,
 * averaged with the k-point weights. Pseudo method: renormalised per k to
 * v/(v+c), c/(v+c) (pseudo overlaps do not conserve the norm). PAW method:
 * not renormalised; 1 − v − c is what the bulk bands do not capture. The
 * raw v + c ("captured") is kept in both cases. The k-weighted sums run
 * over the items in file order on every rank, so the character does not
 * depend on how the items fall to k-point groups (bit for bit).
 */
#ifndef PAWPROJ_OVERLAP_H
#define PAWPROJ_OVERLAP_H

#include <complex.h>

#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/wfset.h"
#include "pawproj/par/layout.h"
#include "pawproj/paw/pawpair.h"

/* Columns of the character array. */
enum { PP_CHAR_VALENCE, PP_CHAR_CONDUCTION, PP_CHAR_CAPTURED, PP_CHAR_N };

/* Optional by-product of the PAW method: the projections at each
 * structure's own atoms (pawpair.h), per local item j:
 * PB + j·nb·ncb: (bulk->nb, nspinor·nprojb) for my bulk band slice;
 * PD + j·nd·ncd: (nd, nspinor·nprojd) for all selected defect bands
 * (identical on every rank of the k-point group). */
typedef struct pp_overlap_proj {
  double complex *PB, *PD;
  int ncb, ncd;                 /* nspinor·nprojb, nspinor·nprojd */
} pp_overlap_proj;

/* Per-item checkpoints of a study (itemckpt.h), optional. The items are
 * done in rounds (round j: the j-th item of every k-point group); all
 * three are called on every rank of a group for its j-th item, `between`
 * on every rank of the world after each round. */
typedef struct pp_overlap_items {
  void *arg;
  /* *done = 1 (alike on the group's ranks) when an earlier run finished
   * item it: Sj (nd, nbl) of this rank's bulk slice [b0, b0 + nbl), raw
   * (nd, 2) summed over all bulk bands, and PB, PD (when not NULL) are
   * then filled from its checkpoint. Collective over the group. */
  pp_status (*load)(void *arg, int it, int b0, int nbl, double complex *Sj, double *raw, double complex *PB,
                    double complex *PD, int *done, pp_err *err);
  /* The item just computed, raw summed over all bulk bands. Collective over the group. */
  pp_status (*save)(void *arg, int it, int b0, int nbl, const double complex *Sj, const double *raw,
                    const double complex *PB, const double complex *PD, pp_err *err);
  /* After round `round` of nrounds: a status other than PP_OK (PP_STOPPED)
   * ends the computation there. Collective over the world. */
  pp_status (*between)(void *arg, int round, int nrounds, pp_err *err);
} pp_overlap_items;

/* Bytes the overlap stage allocates on this rank. */
size_t pp_overlap_need(const pp_layout *lay, const pp_wfset *bulk,
                       int ndefect);

/* Most bytes the PAW terms of one local item take (pawpair.h), 0 without paw. */
size_t pp_overlap_paw_scratch(const pp_wfset *bulk, int ndefect, const pp_pawpair *paw);

/* Computes the local overlap blocks *S (nlocal, nd, bulk->nb), row-major,
 * element [j][n][m] = <B_(b0+m)|D_(lo+n)> at item j) from ovl_pool, using
 * gather_pool for the gathered defect bands, and the character of every
 * defect band: character (nspin, nd, PP_CHAR_N), identical on all ranks.
 * items non-NULL: per-item checkpoints (above).
 * paw == NULL: pseudo method; else the PAW terms are added, and when
 * proj != NULL its arrays are allocated from ovl_pool and filled; the
 * PAW terms' buffers come from a pool "paw-scratch" of sg, one per item,
 * their need checked first (pp_stage_need); sg may be NULL without paw.
 * Collective over the world. */
pp_status pp_overlap_compute(pp_stage *sg, const pp_layout *lay, const pp_wfset *bulk,
                             const pp_wfset *defect, const pp_pawpair *paw,
                             const double *kweight, pp_pool *gather_pool,
                             pp_pool *ovl_pool, double complex **S,
                             pp_overlap_proj *proj, double *character,
                             const pp_overlap_items *items, pp_err *err);

#endif
