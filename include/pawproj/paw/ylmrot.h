/* ylmrot.h — rotation matrices of the real spherical harmonics of pp_ylm
 * (radial.h; m in GPAW's and VASP's order):
 *
 *     Y_lm(S·u) = Σ_m' D^l_{m m'}(S) Y_lm'(u)     for every unit vector u,
 *
 * S a Cartesian orthogonal matrix (proper or improper). Computed as the
 * overlap D^l_{mm'} = ∫ Y_lm(S·u) Y_lm'(u) dΩ on a product quadrature
 * (8 Gauss-Legendre nodes in cos θ × 16 in φ, exact for the degree-2l
 * integrand up to l = 7); D^l is real and orthogonal, D^l(S₁S₂) =
 * D^l(S₁)·D^l(S₂), D^l(−1) = (−1)^l. l = 0..PP_YLMROT_LMAX (pp_ylm's range).
 */
#ifndef PAWPROJ_YLMROT_H
#define PAWPROJ_YLMROT_H

#include "pawproj/core/error.h"

#define PP_YLMROT_LMAX 3

/* D ((2l+1)², row-major D[m·(2l+1) + m']) for Cartesian S. Fails for l out
 * of range or an S that is not orthogonal to 1e-8 (D^l would not be). */
pp_status pp_ylm_rotation(int l, const double S[3][3], double *D, pp_err *err);

#endif
