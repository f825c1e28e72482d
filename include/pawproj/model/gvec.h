/* gvec.h — plane-wave basis (G vectors) exactly as VASP builds it.
 *
 * VASP does not store G vectors in a WAVECAR; they are regenerated from
 * ENCUT, the lattice and the k-point: G (integer Miller indices) belongs to
 * the basis when |k+G|²·ħ²/2m < ENCUT, i.e. |(k+G)·B|² / 0.262465831 < ENCUT
 * (B = reciprocal rows incl. 2π, Å⁻¹; ENCUT in eV). File order: G_z outer,
 * G_y, G_x inner, each running 0,1,…,n then −n,…,−1.
 * Variants:
 *   standard      full sphere;
 *   noncollinear  full sphere, a band record holds 2·npw coefficients
 *                 (spin-up block first);
 *   gamma-x       VASP ≥ 5.4 Gamma-only: G_x ≥ 0, dropping (0,<0,·) and
 *                 (0,0,<0);
 *   gamma-z       VASP ≤ 5.2 Gamma-only: G_z ≥ 0, dropping (·,<0,0) and
 *                 (<0,0,0).
 * Gamma-only files store √2·c(G) for G ≠ 0 and c(0) real (c(−G) = c(G)*),
 * so the sum of |stored|² is the full-sphere norm.
 */
#ifndef PAWPROJ_GVEC_H
#define PAWPROJ_GVEC_H

#include <stdint.h>

#include "pawproj/core/error.h"

typedef enum pp_variant {
  PP_VARIANT_AUTO = 0,      /* detect from npw */
  PP_VARIANT_STANDARD,
  PP_VARIANT_GAMMA_X,
  PP_VARIANT_GAMMA_Z,
  PP_VARIANT_NONCOLLINEAR
} pp_variant;

/* 2m/ħ² in Å⁻²/eV as VASP's constant: E = |q|²/PP_VASP_C (q in Å⁻¹, E in eV). */
#define PP_VASP_C 0.262465831

/* "standard", "gamma-x", "gamma-z", "noncollinear" ("auto" for AUTO). */
const char *pp_variant_name(pp_variant v);

/* Parses a variant name (also "std", "gam", "ncl"). */
pp_status pp_variant_parse(const char *text, pp_variant *v, pp_err *err);

/* 1 for the two Gamma-only variants. */
int pp_variant_is_gamma(pp_variant v);

/* Counts the basis (miller == NULL) or writes it: miller[i] = (Gx,Gy,Gz)
 * for i < *n, in file order, at most cap entries (fails if more). The
 * stored-coefficient count of a band is *n, times 2 for noncollinear. */
pp_status pp_gvec_generate(const double lattice[3][3], double encut,
                           const double kfrac[3], pp_variant v,
                           int (*miller)[3], int64_t cap, int64_t *n,
                           pp_err *err);

/* k+G of n Miller indices in Cartesian Bohr⁻¹: q[3i + j], j = x, y, z. */
void pp_gvec_cartesian(const double lattice[3][3], const double kfrac[3], const int (*miller)[3], int64_t n,
                       double *q);

#endif
