/* pwrot.h — plane-wave coefficients of a state rotated by a space-group
 * operation, on the target k-point's own G list (as a WAVECAR stores it).
 * docs/symmetry.md has the derivation.
 *
 * With ψ_k(r) = Ω^{-1/2} Σ_G C_k(G) e^{i(k+G)·r} and the operation {R|τ}
 * of symmetry.h acting as (Oψ)(r) = ψ(S⁻¹(r − Aᵀτ)), Oψ is a Bloch state
 * at k' = Rk·k with
 *
 *     C_{k'}(G') = e^{−2πi (k'+G')·τ} C_k(G),     G' = Rk·G;
 *
 * under time reversal the state is (Oψ)*, at −k', with coefficient
 * conj(C_{k'}(G')) at −G'. The target point is k_full = s·k' + G0
 * (kunfold.h), so the coefficient lands on the target's Miller index
 *
 *     G'' = s·G' − G0      (k_full + G'' = s·(k' + G')).
 *
 * The cutoff sphere |k+G| < G_cut maps onto itself, so every source G
 * must land on a distinct entry of the target list and the counts must
 * agree; anything else is an error (wrong k, wrong list, a G exactly on
 * the cutoff that rounding put on the other side).
 * Only full-sphere lists (standard variant): Gamma-only files hold Γ
 * alone, noncollinear spinors need an SU(2) rotation (not here).
 */
#ifndef PAWPROJ_PWROT_H
#define PAWPROJ_PWROT_H

#include <complex.h>
#include <stdint.h>

#include "pawproj/core/error.h"
#include "pawproj/model/symmetry.h"

typedef struct pp_pwmap {
  int64_t n;              /* plane waves (source = target) */
  int64_t *dst;           /* target index of source G number g, (n) */
  double complex *phase;  /* factor applied to C (tr = 0) or conj(C) (tr = 1), (n) */
  int tr;                 /* 1: the source coefficients are conjugated */
} pp_pwmap;

/* Maps the source list src (nsrc Miller indices, at ksrc) onto the target
 * list dst (ndst, at k_full = s·Rk·ksrc + G0) for operation op, time
 * reversal tr. */
pp_status pp_pwmap_build(const int (*src)[3], int64_t nsrc, const double ksrc[3], const int (*dst)[3],
                         int64_t ndst, const pp_symop *op, int tr, const int G0[3], pp_pwmap *m, pp_err *err);

/* Target coefficients (n) of one band from its source coefficients (n);
 * out must not alias in. */
void pp_pwmap_apply(const pp_pwmap *m, const double complex *in, double complex *out);

void pp_pwmap_free(pp_pwmap *m);

#endif
