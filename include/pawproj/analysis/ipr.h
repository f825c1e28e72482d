/* ipr.h — inverse participation ratio of the bands a rank holds,
 *
 *   IPR = Ω ∫ρ² / (∫ρ)²,   ρ = |ψ|² (summed over spinor components),
 *
 * 1 for a state spread evenly over the cell, larger the more localised;
 * all-electron (state.h, with the reconstruction filtered to the grid) and
 * pseudo. Each rank transforms its own bands on a whole grid of its own
 * (no communication until the k-weighted means are summed). */
#ifndef PAWPROJ_IPR_H
#define PAWPROJ_IPR_H

#include <mpi.h>

#include "pawproj/analysis/state.h"
#include "pawproj/core/error.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/wfset.h"
#include "pawproj/paw/projector.h"

/* ∫ρ and IPR = Ω ∫ρ² / (∫ρ)² of a density ρ given on n points of a grid
 * (this rank's part; summed over comm), dv the volume per point. */
void pp_ipr_moments(const double *rho, ptrdiff_t n, double dv, double omega, MPI_Comm comm, double *norm,
                    double *ipr);

/* The most bytes pp_ipr_bands takes on this rank: its grid, a density and
 * one band's projections, one k-point's plan. */
size_t pp_ipr_need(const pp_wfset *set, const int grid[3], const pp_paw *paw);

/* ipr_ae, ipr_ps: (nspin, set->hi − set->lo), the k-weighted mean over the
 * k-points (weights kweight, normalised to 1) of every band of the set,
 * summed over world (collective). paw NULL: pseudo only (ipr_ae = pseudo).
 * Buffers from pools of the open stage sg ("ipr-grid", "ipr-work", and
 * "kpoint-plan" per k-point), the whole need checked first (collective
 * over the stage's world, which must be `world`). */
pp_status pp_ipr_bands(pp_stage *sg, const pp_wfset *set, const double *kweight, const int grid[3],
                       const pp_paw *paw, const pp_structure *st, MPI_Comm world, double *ipr_ae, double *ipr_ps,
                       pp_err *err);

#endif
