/* test_quadrature.c — VASP's numerics (quadrature.h) against analytic
 * results: Simpson's rule in the index of a logarithmic grid integrates
 * r^n e^{−r} to n! (odd and even point counts, the latter with the 3/8 end
 * panel), the index rule is exact for cubics, and VASP's 4-point table
 * interpolation is exact for cubics inside the table, converges as Δ⁴ near
 * q = 0 for even and odd functions when the parity of the ghost point is
 * right (and not when it is wrong), and is zero from i = n − 3 on. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "pawproj/model/quadrature.h"

static double factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }

static void simpson_log_grid(void) {
  for (int n = 2; n <= 4; n++) /* from n = 2 on, ∫_0^{r_1} is below 1e-15 */
    for (int np = 801; np <= 802; np++) { /* odd: Simpson; even: 3/8 end panel */
      double *r = malloc(sizeof *r * np), *w = malloc(sizeof *w * np);
      const double h = log(80.0 / 1e-5) / (np - 1);
      for (int i = 0; i < np; i++) r[i] = 1e-5 * exp(h * i);
      CHECK(fabs(pp_log_grid_step(r, np, 1e-9) - h) < 1e-14, "log grid step recognised (np %d)", np);
      pp_simpson_index_weights(np, w);
      double s = 0;
      for (int i = 0; i < np; i++) s += w[i] * pow(r[i], n) * exp(-r[i]) * r[i] * h;
      const double rel = fabs(s - factorial(n)) / factorial(n);
      CHECK(rel < 1e-12, "∫ r^%d e^-r dr on a %d-point log grid: relative error %.1e", n, np, rel);
      free(r);
      free(w);
    }
  double lin[5] = {1, 2, 3, 4, 5};
  CHECK(pp_log_grid_step(lin, 5, 1e-6) == 0, "a linear grid is not logarithmic");
}

static void simpson_exact_for_cubics(void) {
  for (int n = 3; n <= 12; n++) {
    double w[12], s = 0;
    pp_simpson_index_weights(n, w);
    const double b = n - 1;
    for (int i = 0; i < n; i++) s += w[i] * (2 - 3.0 * i + 0.5 * i * i - 0.25 * i * i * i);
    const double exact = 2 * b - 1.5 * b * b + b * b * b / 6 - b * b * b * b / 16;
    CHECK(fabs(s - exact) < 1e-11 * (1 + fabs(exact)), "index Simpson exact for a cubic, n = %d: %.15g vs %.15g",
          n, s, exact);
  }
}

static double cubic(double q) { return 0.3 - 1.1 * q + 0.7 * q * q - 0.2 * q * q * q; }

static void interp_cubic(void) {
  enum { N = 40 };
  double t[N];
  const double d = 0.25;
  for (int i = 0; i < N; i++) t[i] = cubic(i * d);
  double worst = 0;
  for (double x = 1.0; x < N - 3; x += 0.137) worst = fmax(worst, fabs(pp_vasp_interp4(t, N, 1, x) - cubic(x * d)));
  CHECK(worst < 1e-12, "4-point interpolation exact for a cubic inside the table: %.1e", worst);
  CHECK(pp_vasp_interp4(t, N, 1, N - 3) == 0 && pp_vasp_interp4(t, N, 1, N - 2.5) == 0,
        "zero from i = n - 3 on, as VASP");
  CHECK(fabs(pp_vasp_interp4(t, N, 1, 5) - t[5]) < 1e-15, "nodes are reproduced");
}

/* Largest error on [0, Δ) for f even (parity 1) or odd (−1), ghost parity g. */
static double near_zero_error(int odd, int g, double d) {
  enum { N = 64 };
  double t[N], worst = 0;
  for (int i = 0; i < N; i++) {
    const double q = i * d;
    t[i] = odd ? q * exp(-q * q) : exp(-q * q);
  }
  for (double x = 0; x < 1; x += 0.05) {
    const double q = x * d, f = odd ? q * exp(-q * q) : exp(-q * q);
    worst = fmax(worst, fabs(pp_vasp_interp4(t, N, g, x) - f));
  }
  return worst;
}

static void interp_near_zero(void) {
  for (int odd = 0; odd <= 1; odd++) {
    const int g = odd ? -1 : 1;
    const double e1 = near_zero_error(odd, g, 0.1), e2 = near_zero_error(odd, g, 0.05);
    CHECK(e1 < 1e-4 && e1 / e2 > 12, "%s function near q = 0 with the right ghost parity: error %.1e -> %.1e "
          "(ratio %.1f, fourth order: 16)", odd ? "odd" : "even", e1, e2, e1 / e2);
    const double wrong = near_zero_error(odd, -g, 0.05);
    CHECK(wrong > 100 * e2, "the wrong parity is detectably worse (%.1e vs %.1e)", wrong, e2);
  }
}

int main(void) {
  simpson_log_grid();
  simpson_exact_for_cubics();
  interp_cubic();
  interp_near_zero();
  return CHECK_DONE("test_quadrature");
}
