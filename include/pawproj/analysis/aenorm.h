/* aenorm.h — all-electron norms and orthonormality of one structure's
 * bands: <ψ_m|ψ_n> = Σ_G C*_mG C_nG + Σ_a Σ_ij P*_ami Q^a_ij P_anj.
 *
 * For each local (spin, k) item the projections of the local band slice
 * are computed (projector.h); the diagonal gives pseudo and AE norms; the
 * off-diagonal maximum |<ψ_m|ψ_n> − δ_mn| over all band pairs is found by
 * passing band slices round the ring of the k-point group, so no rank ever
 * holds more than two slices.
 */
#ifndef PAWPROJ_AENORM_H
#define PAWPROJ_AENORM_H

#include <complex.h>

#include "pawproj/core/pool.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/wfset.h"
#include "pawproj/par/layout.h"
#include "pawproj/paw/projector.h"

typedef struct pp_aenorm {
  double *pseudo;      /* Σ|C|² per (spin, k, band), all ranks, (nspin, nkpts, nbands) */
  double *ae;          /* AE norm, same layout */
  double *maxoff;      /* max |<m|n> − δ| per (spin, k), (nspin, nkpts) */
  double complex **P;  /* projections of local items, (nlocal)(nb, nspinor·nproj) */
  double proj_flops;   /* 8 · bands · projectors · coefficients projected here */
} pp_aenorm;

/* The most bytes of the work pools on this rank for bands [lo, hi) of the
 * layout's items: *plan of "kpoint-plan" (project step), *ring of
 * "gram-ring" (compute step); returns the larger (they never coexist). */
size_t pp_aenorm_work_bytes(const pp_layout *lay, const pp_wavecar *wc, const pp_paw *paw, int lo, int hi,
                            size_t *plan, size_t *ring);

/* First step: the projections P of the slices in `set`, and room for the
 * tables; arrays come from `pool` (P) and `small` (norm tables), each
 * k-point's projection plan from a pool "kpoint-plan" of the open stage sg
 * (its need checked first). Collective over the world (errors agreed). */
pp_status pp_aenorm_project(pp_stage *sg, const pp_layout *lay, const pp_wfset *set, const pp_paw *paw,
                            const pp_structure *st, pp_pool *pool, pp_pool *small,
                            pp_aenorm *out, pp_err *err);

/* Second step: norms and the ring-passed off-diagonal maximum from the
 * slices and out->P; the ring buffers of each item from a pool
 * "gram-ring" of sg (its need checked first). Collective over the world. */
pp_status pp_aenorm_compute(pp_stage *sg, const pp_layout *lay, const pp_wfset *set, const pp_paw *paw,
                            const pp_structure *st, pp_aenorm *out, pp_err *err);

#endif
