/* nabla.c — one-centre gradient matrices N^v_ij (see nabla.h). */
#include "pawproj/paw/nabla.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/paw/radial.h"

#define PI 3.14159265358979323846
#define LMAX_NABLA 3                          /* pp_ylm's range */
#define NLM ((LMAX_NABLA + 1) * (LMAX_NABLA + 1)) /* harmonics up to l = 3 */
/* Sphere quadrature: Gauss-Legendre in cos θ × trapezoid in φ, exact for
 * polynomials in (x, y, z) of degree < 2·NTHETA and < NPHI; the integrands
 * Y_l1 x̂_v Y_l2 and Y_l1 r∂_vY_l2 have degree <= 2·LMAX_NABLA + 1 = 7. */
#define NTHETA 8
#define NPHI 16
/* Radial derivative: Lagrange stencil of NSTENCIL points in the grid
 * index g (6th order), centred except at the ends of the grid. */
#define NSTENCIL 7

/* Index of Y_lm among all harmonics up to LMAX_NABLA: L = l² + m. */
static int lm_index(int l, int m) { return l * l + m; }

/* All Y_lm(u), l <= LMAX_NABLA, in the order of lm_index. */
static void ylm_all(const double u[3], double *y) {
  for (int l = 0; l <= LMAX_NABLA; l++) pp_ylm(l, u, y + lm_index(l, 0));
}

/* P_lm(x) = |x|^l Y_lm(x/|x|): the homogeneous polynomial behind Y_lm. */
static void solid_harmonics(const double x[3], double *p) {
  const double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
  const double u[3] = {x[0] / r, x[1] / r, x[2] / r};
  ylm_all(u, p);
  for (int l = 1; l <= LMAX_NABLA; l++) {
    const double rl = pow(r, l);
    for (int m = 0; m < 2 * l + 1; m++) p[lm_index(l, m)] *= rl;
  }
}

/* r ∂_v Y_lm at a unit vector u, all lm: Y = P/r^l, so on the unit sphere
 * r∇Y = ∇P − l u Y. ∇P by the 5-point centred difference, which is exact
 * for polynomials of degree <= 4 (P has degree <= 3): only rounding, about
 * 1e-15, remains. The step keeps |x| in [0.75, 1.25], far from 0. */
static void ylm_grad(const double u[3], double grad[3][NLM]) {
  const double h = 0.125;
  double y[NLM];
  ylm_all(u, y);
  for (int v = 0; v < 3; v++) {
    double p[4][NLM];
    const double step[4] = {-2 * h, -h, h, 2 * h};
    for (int s = 0; s < 4; s++) {
      double x[3] = {u[0], u[1], u[2]};
      x[v] += step[s];
      solid_harmonics(x, p[s]);
    }
    for (int l = 0; l <= LMAX_NABLA; l++)
      for (int L = lm_index(l, 0); L < lm_index(l + 1, 0); L++) {
        const double dp = (p[0][L] - 8 * p[1][L] + 8 * p[2][L] - p[3][L]) / (12 * h);
        grad[v][L] = dp - l * u[v] * y[L];
      }
  }
}

/* A[v][L1][L2] = ∫ Y_L1 x̂_v Y_L2 dΩ and B[v][L1][L2] = ∫ Y_L1 r∂_vY_L2 dΩ. */
static void angular_tables(double A[3][NLM][NLM], double B[3][NLM][NLM]) {
  double ct[NTHETA], wt[NTHETA];
  pp_gauss_legendre(NTHETA, ct, wt);
  memset(A, 0, sizeof(double) * 3 * NLM * NLM);
  memset(B, 0, sizeof(double) * 3 * NLM * NLM);
  for (int it = 0; it < NTHETA; it++) {
    const double st = sqrt(1 - ct[it] * ct[it]);
    for (int ip = 0; ip < NPHI; ip++) {
      const double ph = 2 * PI * ip / NPHI, w = wt[it] * 2 * PI / NPHI;
      const double u[3] = {st * cos(ph), st * sin(ph), ct[it]};
      double y[NLM], grad[3][NLM];
      ylm_all(u, y);
      ylm_grad(u, grad);
      for (int v = 0; v < 3; v++)
        for (int L1 = 0; L1 < NLM; L1++)
          for (int L2 = 0; L2 < NLM; L2++) {
            A[v][L1][L2] += w * y[L1] * u[v] * y[L2];
            B[v][L1][L2] += w * y[L1] * grad[v][L2];
          }
    }
  }
}

/* W[p][k]: weight of node k in the derivative at node p of the Lagrange
 * polynomial through the integer nodes 0..NSTENCIL−1,
 * L_k'(p) = Σ_{m≠k} 1/(k−m) Π_{n≠k,m} (p−n)/(k−n). */
static void stencil_weights(double W[NSTENCIL][NSTENCIL]) {
  for (int p = 0; p < NSTENCIL; p++)
    for (int k = 0; k < NSTENCIL; k++) {
      double s = 0;
      for (int m = 0; m < NSTENCIL; m++) {
        if (m == k) continue;
        double t = 1.0 / (k - m);
        for (int n = 0; n < NSTENCIL; n++)
          if (n != k && n != m) t *= (double)(p - n) / (k - n);
        s += t;
      }
      W[p][k] = s;
    }
}

/* df = dR/dr = (dR/dg)/(dr/dg) at points g < n of the dataset's grid
 * (n <= ng): the grid is smooth in g (r = a g/(n−g), exponential, …), not
 * in r, so the stencil works in g and the dataset's dr/dg converts. */
static void radial_derivative(const pp_pawdata *d, const double W[NSTENCIL][NSTENCIL], const double *f,
                              int n, double *df) {
  for (int g = 0; g < n; g++) {
    int s = g - NSTENCIL / 2;
    if (s < 0) s = 0;
    if (s > d->ng - NSTENCIL) s = d->ng - NSTENCIL;
    double t = 0;
    for (int k = 0; k < NSTENCIL; k++) t += W[g - s][k] * f[s + k];
    df[g] = t / d->dr[g];
  }
}

/* Points to sum over: up to the augmentation radius plus the stencil's
 * reach (beyond, φ = φ̃ and so are their stencil derivatives). */
static int radial_extent(const pp_pawdata *d) {
  const double rc = pp_pawdata_dphi_radius(d);
  int g = 0;
  while (g < d->ng && d->r[g] <= rc) g++;
  g += NSTENCIL / 2 + 1;
  return g < d->ng ? g : d->ng;
}

/* D[j1][j2] = ∫ (φ1 φ2' − φ̃1 φ̃2') r² dr, S[j1][j2] = ∫ (φ1 φ2 − φ̃1 φ̃2) r dr,
 * each (nj, nj). D is evaluated in the form
 *   D_12 = ½ ∫ (φ1 φ2' − φ2 φ1' − φ̃1 φ̃2' + φ̃2 φ̃1') r² dr − S_12,
 * equal in the continuum (∫ (Δ(φ1 φ2))' r² dr = −2 S_12: the integrand
 * vanishes at r = 0 and beyond the sphere), but D_12 + D_21 = −2 S_12
 * holds here to rounding, which with B + Bᵀ = 2A makes N antisymmetric.
 * The direct sum is not: its symmetric part is the stencil's error at
 * the nucleus (one-sided) and at rc (where φ̃ is joined to φ with only a
 * few continuous derivatives), 1e-10 (Si) to 2e-8 Bohr⁻¹ (W), and that part
 * is removed here (projecting onto antisymmetric matrices can only bring
 * N closer to the exact one). */
static pp_status radial_integrals(const pp_pawdata *d, double *D, double *S, pp_err *err) {
  const int n = radial_extent(d), nj = d->nj;
  double W[NSTENCIL][NSTENCIL];
  stencil_weights(W);
  double *dphi = malloc(sizeof *dphi * ((size_t)2 * nj * n + 1));
  if (!dphi) PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory for gradient matrices", d->path);
  double *dphit = dphi + (size_t)nj * n;
  for (int j = 0; j < nj; j++) {
    radial_derivative(d, W, d->phi + (size_t)j * d->ng, n, dphi + (size_t)j * n);
    radial_derivative(d, W, d->phit + (size_t)j * d->ng, n, dphit + (size_t)j * n);
  }
  for (int j1 = 0; j1 < nj; j1++)
    for (int j2 = 0; j2 < nj; j2++) {
      const double *p1 = d->phi + (size_t)j1 * d->ng, *p2 = d->phi + (size_t)j2 * d->ng;
      const double *t1 = d->phit + (size_t)j1 * d->ng, *t2 = d->phit + (size_t)j2 * d->ng;
      const double *dp2 = dphi + (size_t)j2 * n, *dt2 = dphit + (size_t)j2 * n;
      double sd = 0, ss = 0;
      for (int g = 0; g < n; g++) {
        const double r = d->r[g], w = r * d->dr[g];
        sd += (p1[g] * dp2[g] - t1[g] * dt2[g]) * r * w;
        ss += (p1[g] * p2[g] - t1[g] * t2[g]) * w;
      }
      D[j1 * nj + j2] = sd;
      S[j1 * nj + j2] = ss;
    }
  for (int j1 = 0; j1 < nj; j1++)
    for (int j2 = 0; j2 < j1; j2++) {
      const double a = 0.5 * (D[j1 * nj + j2] - D[j2 * nj + j1]);
      D[j1 * nj + j2] = a - S[j1 * nj + j2];
      D[j2 * nj + j1] = -a - S[j2 * nj + j1];
    }
  for (int j = 0; j < nj; j++) D[j * nj + j] = -S[j * nj + j];
  free(dphi);
  return PP_OK;
}

pp_status pp_nabla_build(const pp_pawdata *d, double *N, pp_err *err) {
  for (int j = 0; j < d->nj; j++)
    if (d->l[j] < 0 || d->l[j] > LMAX_NABLA)
      PP_FAIL(err, PP_ERR_FORMAT, "%s: channel %d has l = %d; gradient matrices support l <= %d", d->path,
              j + 1, d->l[j], LMAX_NABLA);
  if (d->ng < NSTENCIL)
    PP_FAIL(err, PP_ERR_FORMAT, "%s: radial grid of %d points; gradient matrices need at least %d", d->path,
            d->ng, NSTENCIL);
  const int nj = d->nj, np = d->nproj;
  double *D = malloc(sizeof *D * ((size_t)2 * nj * nj + 1));
  if (!D) PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory for gradient matrices", d->path);
  double *S = D + (size_t)nj * nj;
  pp_status st = radial_integrals(d, D, S, err);
  if (st != PP_OK) {
    free(D);
    pp_err_trace(err, __FILE__, __LINE__);
    return st;
  }
  double A[3][NLM][NLM], B[3][NLM][NLM]; /* 12 kB; per call, so callers may run in threads */
  angular_tables(A, B);
  int i1 = 0;
  for (int j1 = 0; j1 < nj; j1++) {
    const int l1 = d->l[j1];
    int i2 = 0;
    for (int j2 = 0; j2 < nj; j2++) {
      const int l2 = d->l[j2];
      for (int v = 0; v < 3; v++)
        for (int m1 = 0; m1 < 2 * l1 + 1; m1++)
          for (int m2 = 0; m2 < 2 * l2 + 1; m2++) {
            const int L1 = lm_index(l1, m1), L2 = lm_index(l2, m2);
            N[((size_t)v * np + i1 + m1) * np + i2 + m2] =
                A[v][L1][L2] * D[j1 * nj + j2] + B[v][L1][L2] * S[j1 * nj + j2];
          }
      i2 += 2 * l2 + 1;
    }
    i1 += 2 * l1 + 1;
  }
  free(D);
  return PP_OK;
}
