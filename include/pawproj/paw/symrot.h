/* symrot.h — PAW projections of a state rotated by a space-group
 * operation, from the projections of the original state (no plane waves
 * touched). docs/symmetry.md has the derivation.
 *
 * With P_ai = ∫ p̃_ai(r − R_a) ψ(r) d³r (projector.h; R_a the stored
 * position of atom a), p̃_ai(r) = p̃_j(|r|) Y_lm(r̂), the operation {R|τ}
 * (symmetry.h) mapping atom a to atom b with R·x_a + τ = x_b + L, and the
 * rotated state at k_full (kunfold.h: k_full = s·Rk·k + G0),
 *
 *     P'_{b,(j,m)} = e^{−2πi k_full·L} Σ_m' D^l_{mm'}(S) P_{a,(j,m')}
 *                                      (time reversal: of conj(P)),
 *
 * with D^l of ylmrot.h for the Cartesian rotation S of the operation. The
 * same phase holds with and without time reversal because k_full·L and
 * s·Rk·k·L differ by G0·L, an integer. The result equals pp_project of the
 * rotated coefficients (pwrot.h) on the target k-point.
 */
#ifndef PAWPROJ_SYMROT_H
#define PAWPROJ_SYMROT_H

#include <complex.h>

#include "pawproj/core/error.h"
#include "pawproj/model/structure.h"
#include "pawproj/model/symmetry.h"
#include "pawproj/paw/projector.h"
#include "pawproj/paw/ylmrot.h"

typedef struct pp_projrot {
  const pp_paw *paw;        /* projector layout: offsets, datasets (not owned) */
  const pp_structure *st;   /* its structure (not owned) */
  int tr;                   /* 1: the source projections are conjugated */
  int *target;              /* (natoms): atom b the source atom a goes to */
  double complex *phase;    /* (natoms): e^{−2πi k_full·L_a} of source atom a */
  double D[PP_YLMROT_LMAX + 1][(2 * PP_YLMROT_LMAX + 1) * (2 * PP_YLMROT_LMAX + 1)]; /* D^l(S) */
} pp_projrot;

/* The rotation of projections for operation o of sym (built on st, whose
 * projector layout is paw's), time reversal tr, target point kfull. Fails
 * for a dataset with l > PP_YLMROT_LMAX or a sym of another structure. */
pp_status pp_projrot_build(const pp_paw *paw, const pp_structure *st, const pp_symmetry *sym, int o, int tr,
                           const double kfull[3], pp_projrot *r, pp_err *err);

/* out (paw->nproj) = the rotated projections of one band's row in
 * (paw->nproj, one spinor component); out must not alias in. */
void pp_projrot_apply(const pp_projrot *r, const double complex *in, double complex *out);

void pp_projrot_free(pp_projrot *r);

#endif
