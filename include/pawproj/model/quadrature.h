/* quadrature.h — the two pieces of VASP's numerics that projections and
 * PAW overlaps must follow exactly to reproduce VASP's orthonormality
 * (docs/paw.md §4, VASP-exact numerics): Simpson's rule in the index of a
 * radial grid, and VASP's local 4-point interpolation of a uniformly
 * tabulated function. */
#ifndef PAWPROJ_QUADRATURE_H
#define PAWPROJ_QUADRATURE_H

/* Weights w (n) of Simpson's rule in the grid index: Σ_i w_i f_i ≈
 * ∫_0^{n-1} f(i) di. Odd n: 1, 4, 2, ..., 4, 1 over 3. Even n (an odd
 * number of intervals, not seen in VASP's data): Simpson on the first n − 3
 * points and Simpson's 3/8 rule (3/8 · 1, 3, 3, 1) on the last four. n = 2:
 * the trapezoid; n = 1: 0. */
void pp_simpson_index_weights(int n, double *w);

/* h = ln(r_{n-1}/r_0)/(n − 1) if r (n ≥ 2, positive) is logarithmic,
 * r_i = r_0 e^{h i}, to relative tol in every ratio r_{i+1}/r_i; else 0. */
double pp_log_grid_step(const double *r, int n, double tol);

/* VASP's interpolation of t_i = f(iΔ), i < n, at x = q/Δ ≥ 0: with
 * i = floor(x), r = x − i, the cubic through t_{i−1}, t_i, t_{i+1}, t_{i+2},
 *   f = t_i + r(c1 + r(c2 + r c3)),
 *   c1 = (6t_{i+1} − 2t_{i−1} − 3t_i − t_{i+2})/6,
 *   c2 = (t_{i−1} + t_{i+1} − 2t_i)/2,
 *   c3 = (t_{i+2} − t_{i−1} + 3(t_i − t_{i+1}))/6;
 * f = 0 for i ≥ n − 3; at i = 0, t_{−1} = parity·t_1 (parity = (−1)^l for
 * a form factor of angular momentum l, which is even or odd in q). */
double pp_vasp_interp4(const double *t, int n, int parity, double x);

#endif
