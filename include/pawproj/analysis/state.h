/* state.h — one Kohn-Sham state on a z-slab distributed grid (rgrid.h):
 *
 *   ψ(r) = Ω^{-1/2} e^{ik·r} Σ_G C_G e^{iG·r} + Σ_a Σ_i P_ai Δφ^w_i(r − R_a)     (Å^{-3/2})
 *
 * C_G the WAVECAR coefficients (the pseudo state alone with ae = NULL), P
 * the projections and Δφ^w the PAW reconstruction φ_i − φ̃_i, low-pass
 * filtered in reciprocal space and cut off where φ − φ̃ ends:
 *
 *   Δφ^w_j(r) = (2/π) ∫ q² w(q) F_j(q) j_l(qr) dq  for r < r_aug,  0 beyond,
 *
 * with F_j the Bessel transform of φ_j − φ̃_j and w a smooth spherical
 * window: 1 up to q_1 = 0.8 q_2, a cos² roll-off to 0 at q_2 = the largest
 * |q| the grid resolves in every direction. Why: the reconstruction holds
 * the all-electron cusp and core oscillations, far beyond any grid;
 * sampling it at grid points over-weights the core peaks (norms off by
 * tens of percent), cutting it at the box edge rings and depends on the
 * box's shape, and a filtered reconstruction left in reciprocal space
 * leaks small tails outside the spheres. Filtered, then added in real
 * space inside the spheres only, the state equals the pseudo state
 * outside every sphere and is resolved by the grid inside. The norm the
 * grid loses is the reconstruction's weight beyond the window,
 * Σ_a P†_a M_a P_a with M_ij = (2/π) ∫ q² (1 − w²) F_i F_j dq (same l, m):
 * pp_state_deficit predicts it, so a grid can be chosen for a wanted
 * accuracy (docs/realspace.md).
 */
#ifndef PAWPROJ_STATE_H
#define PAWPROJ_STATE_H

#include <complex.h>

#include "pawproj/core/error.h"
#include "pawproj/io/wavecar.h"
#include "pawproj/model/pawdata.h"
#include "pawproj/model/structure.h"
#include "pawproj/par/rgrid.h"
#include "pawproj/paw/radial.h"
#include "pawproj/paw/rsproj.h"
#include "pawproj/paw/twocentre.h"

#define PP_STATE_Q1 0.8 /* q_1 / q_2 */

typedef struct pp_aeplan {
  int nspecies;
  const pp_pawdata **data;   /* per species (not owned) */
  pp_rstable *rtab;          /* window-filtered Δφ on [0, r_aug], per species */
  double q1, q2;             /* low-pass window, Bohr⁻¹ */
} pp_aeplan;

/* Tables for the grid g of a cell (Å); q_2 from the grid, see above. */
pp_status pp_aeplan_setup(const pp_pawdata *const *data, int nspecies, const pp_rgrid *g,
                          const double lattice[3][3], pp_aeplan *p, pp_err *err);
void pp_aeplan_free(pp_aeplan *p);

/* The smallest refinement n of the grid base (factors 1, 1.25, … 6, sizes
 * made FFT-friendly) whose predicted loss deficit(arg, q_2) <= tol; returns
 * the factor, 0 if even ×6 misses tol (n is then the ×6 grid). */
double pp_state_refine(const int base[3], const double lattice[3][3], double (*deficit)(void *, double), void *arg,
                       double tol, int n[3], double *loss);

/* Bessel transforms of Δφ per species for pp_state_deficit (*tabs is
 * allocated; free with pp_state_tables_free). */
pp_status pp_state_tables(const pp_pawdata *const *data, int nspecies, pp_tcradial **tabs, pp_err *err);
void pp_state_tables_free(pp_tcradial *tabs, int nspecies);

/* q_2 (Bohr⁻¹) of a grid n for a cell (Å). */
double pp_state_q2(const int n[3], const double lattice[3][3]);

/* The norm a state loses to the window at q_2: tabs[species] the Bessel
 * transforms of Δφ (twocentre.h, to well beyond q_2), P (nspinor, nproj)
 * its projections in atom order. */
double pp_state_deficit(const pp_tcradial *tabs, const pp_structure *st, const double complex *P, int nspinor,
                        int nproj, double q2);

/* The same for a density: D holds per atom (in order) the nproj_a × nproj_a
 * occupation matrix Σ_n w_n P*_ai P_aj ([j][i]), built by pp_state_occ_add
 * (nproj_of_species[s] = projectors of species s; at most 64 species). */
double pp_state_deficit_occ(const pp_tcradial *tabs, const pp_structure *st, const double complex *D, double q2);
void pp_state_occ_add(const pp_structure *st, const int *nproj_of_species, const double complex *P, int nspinor,
                      int nproj, double weight, double complex *D);

/* g->buf := ψ on my slab for one spinor component: c (npw) its
 * coefficients, P (nproj of the structure, atom order as pp_project) its
 * projections, or ae = NULL for the pseudo state. remove_phase drops
 * e^{ik·r} (the cell-periodic part). Collective over g->comm. */
pp_status pp_state_fill(pp_rgrid *g, const pp_wavecar *wc, int k, const double complex *c, const pp_aeplan *ae,
                        const pp_structure *st, const double complex *P, int remove_phase, pp_err *err);

/* pp_state_fill with the caller's scratch for the G list of k-point k: m
 * holds at least wc->npw[k] Miller indices (from a pool, so that budgets
 * count it; pp_state_fill allocates its own). */
pp_status pp_state_fill_in(pp_rgrid *g, const pp_wavecar *wc, int k, const double complex *c, const pp_aeplan *ae,
                           const pp_structure *st, const double complex *P, int remove_phase, int (*m)[3],
                           pp_err *err);

/* pp_state_fill with the G list of k-point k already made (a pp_kplan's
 * miller, projector.h): for every band of a k-point, the list once. */
pp_status pp_state_fill_glist(pp_rgrid *g, const pp_wavecar *wc, int k, const double complex *c,
                              const pp_aeplan *ae, const pp_structure *st, const double complex *P, int remove_phase,
                              const int (*m)[3], pp_err *err);

#endif
