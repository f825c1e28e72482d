/* lattice.h — cell geometry helpers. Lattice matrices are 3×3, rows are
 * the lattice vectors a1, a2, a3 in Å (VASP's convention). */
#ifndef PAWPROJ_LATTICE_H
#define PAWPROJ_LATTICE_H

/* Signed cell volume a1·(a2×a3) in Å³. */
double pp_lat_volume(const double a[3][3]);

/* Reciprocal vectors b_i (rows, including 2π, Å⁻¹): a_i·b_j = 2π δ_ij.
 * Returns 0 on success, -1 for a singular lattice. */
int pp_lat_reciprocal(const double a[3][3], double b[3][3]);

/* Largest |a_ij - b_ij| over the 9 entries, in Å. */
double pp_lat_maxdiff(const double a[3][3], const double b[3][3]);

/* Fractional → Cartesian: r = f·A. */
void pp_lat_frac_to_cart(const double a[3][3], const double f[3],
                         double r[3]);

/* Length of a 3-vector. */
double pp_vec_norm(const double v[3]);

#endif
