/* nabla.h — one-centre PAW corrections of the gradient, for optical
 * (momentum) matrix elements:
 *
 *   N^v_ij = <φ_i|∂_v|φ_j> − <φ̃_i|∂_v|φ̃_j>,   v = x, y, z,
 *
 * φ_i(r) = φ_j(r) Y_lm(r̂) with i = (channel j, m) in the projector order
 * of pawdata.h (channel-major, m fastest, real Y_lm of pp_ylm in
 * paw/radial.h). With ∂_v [R Y] = R' x̂_v Y + (R/r) (r ∂_v Y):
 *
 *   N^v_ij = A^v_ij ∫ (φ_i φ_j' − φ̃_i φ̃_j') r² dr
 *          + B^v_ij ∫ (φ_i φ_j − φ̃_i φ̃_j) r dr,
 *   A^v_ij = ∫ dΩ Y_i x̂_v Y_j,   B^v_ij = ∫ dΩ Y_i (r ∂_v Y_j)|_{r=1},
 *
 * the angular integrals by a sphere quadrature exact for these
 * polynomials, R' by a 7-point (6th-order) stencil in the grid index
 * (R' = (dR/dg)/(dr/dg)), the radial sums on the dataset's grid as
 * pp_radial_dot does. φ and φ̃ are differentiated separately and the
 * integrands subtracted, summed up to a few points past
 * pp_pawdata_dphi_radius: beyond it φ = φ̃ and the difference vanishes
 * pointwise.
 *
 * Units Bohr⁻¹. Real partial waves make N real and antisymmetric,
 * N^v_ij = −N^v_ji (integration by parts; the boundary term vanishes
 * because φ = φ̃ outside the sphere). The radial derivative integral is
 * evaluated in its antisymmetrised form (nabla.c), so N is antisymmetric
 * to rounding; the discretisation error that remains is about 1e-7
 * relative for heavy atoms (W), less for light ones. Same quantity and
 * convention as GPAW's Setup.nabla_iiv[i, j, v] (docs/optics.md).
 */
#ifndef PAWPROJ_NABLA_H
#define PAWPROJ_NABLA_H

#include "pawproj/core/error.h"
#include "pawproj/model/pawdata.h"

/* Fills N (3, nproj, nproj), row-major with v slowest:
 * N[(v·nproj + i)·nproj + j] = N^v_ij, v = 0, 1, 2 for x, y, z.
 * Fails (PP_ERR_FORMAT) for channels of l > 3 or a grid of fewer than 7
 * points, PP_ERR_NOMEM if scratch cannot be allocated. */
pp_status pp_nabla_build(const pp_pawdata *d, double *N, pp_err *err);

#endif
