/* symmetry.h — the space-group operations of a structure (from spglib or
 * given by the caller), checked against the structure, with the atom
 * permutation each one induces. docs/symmetry.md has the conventions.
 *
 * Conventions (fractional coordinates throughout, VASP's lattice rows A):
 *   an operation {R|τ} maps a fractional position x (a column) to
 *       x' = R·x + τ,          R integer, det R = ±1, τ in [0, 1);
 *   in Cartesian coordinates r = Aᵀx it is r' = S·r + Aᵀτ with
 *       S = Aᵀ R A⁻ᵀ (orthogonal);
 *   reciprocal fractional vectors (k-points, Miller indices G) rotate with
 *       Rk = (R⁻¹)ᵀ  (integer): k' = Rk·k  ⇔  S·k_cart = k'_cart,
 *   and (k'+G')·τ is the phase argument in units of 2π.
 *   Atom a goes to atom b = perm[o·natoms + a] of the same species, with
 *       R·x_a + τ = x_b + L,   L = lshift[o·natoms + a] (integer),
 *   x as stored in the structure (not wrapped into the cell).
 * op[0] is always the identity (R = 1, τ = 0). Pure translations of a
 * supercell are operations too (R = 1, τ ≠ 0).
 *
 * Time reversal (ψ_k → ψ_k*, k → −k) is a property of the run, not of
 * the structure: the caller says whether it applies (collinear runs, spin
 * polarised or not, without spin-orbit: yes; noncollinear: no).
 *
 * Tolerance symprec (Å, VASP's SYMPREC; default PP_SYMPREC_DEFAULT): an
 * operation is accepted when it maps every atom within symprec of an atom
 * of the same species and its Cartesian rotation S is orthogonal to
 * 4·symprec/|a|min (the lattice is mapped onto itself within symprec).
 */
#ifndef PAWPROJ_SYMMETRY_H
#define PAWPROJ_SYMMETRY_H

#include "pawproj/core/error.h"
#include "pawproj/model/structure.h"

#define PP_SYMPREC_DEFAULT 1e-5

typedef struct pp_symop {
  int R[3][3];    /* real-space rotation, fractional: x' = R·x + τ */
  int Rk[3][3];   /* (R⁻¹)ᵀ: rotation of reciprocal fractional vectors */
  double tau[3];  /* fractional translation, in [0, 1) */
} pp_symop;

typedef struct pp_symmetry {
  int nops;              /* operations, >= 1 */
  pp_symop *op;          /* (nops); op[0] the identity */
  int natoms;            /* atoms of the structure */
  int *perm;             /* (nops · natoms): image atom of atom a under op o */
  int (*lshift)[3];      /* (nops · natoms): L with R·x_a + τ = x_b + L */
  double *maxdev;        /* (nops): largest atom displacement off its image, Å */
  int time_reversal;     /* 1: k → −k with complex conjugation applies */
  double symprec;        /* tolerance used, Å */
  int spacegroup;        /* ITA number from spglib; 0 for caller-given ops */
  char international[16];/* Hermann-Mauguin symbol from spglib; "" otherwise */
} pp_symmetry;

/* The operations spglib finds for st within symprec (Å, > 0), checked as
 * above; time_reversal as the caller says (0 or 1). Fails with a clear
 * message when spglib finds nothing (atoms too close, symprec too large)
 * or an operation does not map st onto itself. */
pp_status pp_symmetry_find(const pp_structure *st, double symprec, int time_reversal, pp_symmetry *sym,
                           pp_err *err);

/* Operations given by the caller (an OUTCAR's, a subgroup, a test's):
 * each is checked against st within symprec and the identity is moved to
 * op[0] (it must be present). Fails naming the first operation and atom
 * that do not map, a singular or non-unimodular R, or a duplicate. */
pp_status pp_symmetry_from_ops(const pp_structure *st, const int (*R)[3][3], const double (*tau)[3], int nops,
                               double symprec, int time_reversal, pp_symmetry *sym, pp_err *err);

/* Frees the arrays of sym and zeroes it (safe on a zeroed one). */
void pp_symmetry_free(pp_symmetry *sym);

/* The lattice nearest to `lattice` that the operations map onto itself
 * exactly: its metric A·Aᵀ is the group average of Rᵀ(A·Aᵀ)R, reached by
 * first-order corrections A ← A + ½ ΔG A⁻ᵀ (a few iterations, to 1e-15
 * relative). A run's lattice is symmetric only to its printed digits
 * (ga4-spin's CONTCAR: S orthogonal to 2.5e-7), so rotated states are
 * exact images only on this lattice. out may alias lattice. Fails if the
 * iteration does not converge (operations of another lattice). */
pp_status pp_symmetry_lattice(const pp_symmetry *sym, const double lattice[3][3], double out[3][3], pp_err *err);

/* S = Aᵀ R A⁻ᵀ, the Cartesian rotation of op for lattice rows A (Å). */
void pp_symop_cart(const double lattice[3][3], const pp_symop *op, double S[3][3]);

/* out = Rk·k (k reciprocal fractional; out may alias k). */
void pp_symop_rotate_k(const pp_symop *op, const double k[3], double out[3]);

#endif
