/* test_radial.c — the radial and angular building blocks of the PAW terms
 * against analytic results: spherical Bessel functions (integral
 * representation), orthonormality of the real Y_lm by quadrature, the
 * Bessel transform of r^l e^{−αr²}, radial overlaps Q_ij of hydrogen
 * functions, and two-centre overlaps of Gaussian s, p, d functions (derivatives
 * of the closed-form s–s overlap with respect to the centres). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pawproj/model/pawdata.h"
#include "pawproj/paw/radial.h"
#include "pawproj/paw/twocentre.h"

#define PI 3.14159265358979323846

/* j_l(x) = ½ (−i)^l ∫_{−1}^{1} e^{ixt} P_l(t) dt, by Gauss-Legendre. */
static double bessel_integral(int l, double x) {
  enum { N = 96 };
  double t[N], w[N], s = 0;
  pp_gauss_legendre(N, t, w);
  for (int i = 0; i < N; i++) {
    double p0 = 1, p1 = t[i], p = l == 0 ? 1 : t[i];
    for (int k = 2; k <= l; k++) {
      p = ((2 * k - 1) * t[i] * p1 - (k - 1) * p0) / k;
      p0 = p1;
      p1 = p;
    }
    /* Re[(−i)^l e^{ixt}] */
    const double re = (l % 4 == 0) ? cos(x * t[i]) : (l % 4 == 1) ? sin(x * t[i])
                    : (l % 4 == 2) ? -cos(x * t[i]) : -sin(x * t[i]);
    s += w[i] * p * re;
  }
  return 0.5 * s;
}

static void test_bessel(void) {
  const double xs[] = {0, 1e-3, 0.5, 1.9, 2.1, 4.5, 7.3, 12.0, 25.0};
  double worst = 0;
  for (int l = 0; l <= 8; l++)
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
      const double a = pp_sph_bessel(l, xs[i]), b = bessel_integral(l, xs[i]);
      const double e = fabs(a - b);
      if (e > worst) worst = e;
      CHECK(e < 1e-12, "j_%d(%g) = %.15g, integral gives %.15g", l, xs[i], a, b);
    }
  printf("  j_l, l <= 8: worst |error| %.1e\n", worst);
}

static void test_ylm(void) {
  double x[20], w[20];
  pp_gauss_legendre(20, x, w);
  double worst = 0;
  for (int l1 = 0; l1 <= 3; l1++)
    for (int l2 = 0; l2 <= 3; l2++) {
      double s[7][7] = {{0}};
      for (int it = 0; it < 20; it++)
        for (int ip = 0; ip < 40; ip++) {
          const double st = sqrt(1 - x[it] * x[it]), ph = 2 * PI * ip / 40;
          const double u[3] = {st * cos(ph), st * sin(ph), x[it]};
          double y1[7], y2[7];
          pp_ylm(l1, u, y1);
          pp_ylm(l2, u, y2);
          for (int a = 0; a < 2 * l1 + 1; a++)
            for (int b = 0; b < 2 * l2 + 1; b++) s[a][b] += w[it] * 2 * PI / 40 * y1[a] * y2[b];
        }
      for (int a = 0; a < 2 * l1 + 1; a++)
        for (int b = 0; b < 2 * l2 + 1; b++) {
          const double e = fabs(s[a][b] - (l1 == l2 && a == b));
          if (e > worst) worst = e;
          CHECK(e < 1e-13, "<Y_%d,%d|Y_%d,%d> = %.3e", l1, a, l2, b, s[a][b]);
        }
    }
  printf("  Y_lm, l <= 3: orthonormal to %.1e\n", worst);
}

/* A dataset shell on GPAW's grid r = β g/(N − g). */
static void grid(pp_pawdata *d, int ng, int nj) {
  memset(d, 0, sizeof *d);
  strcpy(d->path, "(test)");
  d->ng = ng;
  d->nj = nj;
  d->r = calloc((size_t)ng, sizeof *d->r);
  d->dr = calloc((size_t)ng, sizeof *d->dr);
  d->l = calloc((size_t)nj, sizeof *d->l);
  d->phi = calloc((size_t)nj * ng, sizeof *d->phi);
  d->phit = calloc((size_t)nj * ng, sizeof *d->phit);
  d->Q = calloc((size_t)nj * nj, sizeof *d->Q);
  const double beta = 0.4, N = ng + 10;
  for (int g = 0; g < ng; g++) {
    d->r[g] = beta * g / (N - g);
    d->dr[g] = beta * N / ((N - g) * (N - g));
  }
}

static void test_transform(void) {
  pp_pawdata d;
  grid(&d, 1500, 4);
  const double alpha = 1.3;
  for (int j = 0; j < 4; j++) {
    d.l[j] = j;
    for (int g = 0; g < d.ng; g++) d.phi[(size_t)j * d.ng + g] = pow(d.r[g], j) * exp(-alpha * d.r[g] * d.r[g]);
  }
  pp_ftable t;
  pp_err err;
  CHECK(pp_ftable_build(&d, d.phi, d.ng, 12.0, &t, &err) == PP_OK, "ftable");
  double worst = 0;
  for (int j = 0; j < 4; j++)
    for (double q = 0; q <= 10; q += 0.37) {
      /* ∫ r² j_l(qr) r^l e^{−αr²} dr = √π q^l e^{−q²/4α} / (2^{l+2} α^{l+3/2}) */
      const double want = sqrt(PI) * pow(q, j) * exp(-q * q / (4 * alpha)) / (pow(2, j + 2) * pow(alpha, j + 1.5));
      const double got = pp_ftable_eval(&t, j, q);
      const double e = fabs(got - want);
      if (e > worst) worst = e;
      CHECK(e < 1e-8, "Bessel transform l=%d q=%g: %.12g, analytic %.12g", j, q, got, want);
    }
  printf("  Bessel transform of r^l e^(-ar^2), l <= 3: worst |error| %.1e\n", worst);
  pp_ftable_free(&t);
  pp_pawdata_free(&d);
}

static void test_hydrogen_q(void) {
  /* φ: hydrogen 1s, 2s, 2p (Z = 1); φ̃ = 0, so Q is their overlap matrix. */
  pp_pawdata d;
  grid(&d, 2000, 3);
  d.l[0] = 0, d.l[1] = 0, d.l[2] = 1;
  for (int g = 0; g < d.ng; g++) {
    const double r = d.r[g];
    d.phi[g] = 2 * exp(-r);
    d.phi[d.ng + g] = (1 / sqrt(8.0)) * (2 - r) * exp(-r / 2);
    d.phi[2 * d.ng + g] = (1 / sqrt(24.0)) * r * exp(-r / 2);
  }
  pp_pawdata_compute_q(&d);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      CHECK(fabs(d.Q[i * 3 + j] - (i == j)) < 1e-9, "hydrogen Q[%d][%d] = %.3e", i, j, d.Q[i * 3 + j]);
  pp_pawdata_free(&d);
}

/* Gaussians e^{−α r²} times s, p (y, z, x) and d (xy) harmonics: u_j. */
static void gaussian_set(pp_pawdata *d, double alpha, int nj) {
  grid(d, 3000, nj);
  const double cs = sqrt(4 * PI), cp = 1 / sqrt(3 / (4 * PI)), cd = 1 / sqrt(15 / (4 * PI));
  for (int j = 0; j < nj; j++) {
    d->l[j] = j;
    for (int g = 0; g < d->ng; g++) {
      const double r = d->r[g], e = exp(-alpha * r * r);
      d->phi[(size_t)j * d->ng + g] = (j == 0 ? cs : j == 1 ? cp * r : cd * r * r) * e;
    }
  }
}

static void test_twocentre(void) {
  const double alpha = 1.1, beta = 0.7, mu = alpha * beta / (alpha + beta);
  pp_pawdata da, db;
  gaussian_set(&da, alpha, 2); /* s, p at A */
  gaussian_set(&db, beta, 3);  /* s, p, d at B */
  pp_tcradial ta, tb;
  pp_err err;
  CHECK(pp_tcradial_build(&da, da.phi, 40, 0.01, &ta, &err) == PP_OK, "tcradial a");
  CHECK(pp_tcradial_build(&db, db.phi, 40, 0.01, &tb, &err) == PP_OK, "tcradial b");
  const double Rs[][3] = {{0, 0, 0}, {0.3, -0.2, 0.5}, {1.2, 0.4, -0.9}, {0, 0, 2.0}};
  const int pcart[3] = {1, 2, 0}; /* p order y, z, x → Cartesian index */
  double worst = 0;
  for (size_t t = 0; t < sizeof Rs / sizeof *Rs; t++) {
    const double *d = Rs[t]; /* d = A − B */
    const double d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    const double S = pow(PI / (alpha + beta), 1.5) * exp(-mu * d2);
    double M[4 * 9];
    CHECK(pp_twocentre(&ta, &tb, d, M, &err) == PP_OK, "twocentre");
    /* rows: s, p_y, p_z, p_x at A; columns: s, p_y, p_z, p_x, d_xy, … at B */
    double want[4][5];
    want[0][0] = S;
    for (int b = 0; b < 3; b++) want[0][1 + b] = mu / beta * d[pcart[b]] * S;
    for (int a = 0; a < 3; a++) want[1 + a][0] = -mu / alpha * d[pcart[a]] * S;
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++)
        want[1 + a][1 + b] = mu / (2 * alpha * beta) * S * ((a == b) - 2 * mu * d[pcart[a]] * d[pcart[b]]);
    want[0][4] = mu * mu / (beta * beta) * d[0] * d[1] * S;
    for (int a = 0; a < 4; a++)
      for (int b = 0; b < 5; b++) {
        if (a > 0 && b == 4) continue;
        const double got = M[a * 9 + b], e = fabs(got - want[a][b]);
        if (e > worst) worst = e;
        CHECK(e < 1e-9, "Gaussian two-centre R=(%g,%g,%g) [%d][%d]: %.12g, analytic %.12g", d[0], d[1], d[2], a,
              b, got, want[a][b]);
      }
  }
  printf("  two-centre Gaussian s, p, d overlaps: worst |error| %.1e\n", worst);
  pp_tcradial_free(&ta);
  pp_tcradial_free(&tb);
  pp_pawdata_free(&da);
  pp_pawdata_free(&db);
}

int main(void) {
  test_bessel();
  test_ylm();
  test_transform();
  test_hydrogen_q();
  test_twocentre();
  return CHECK_DONE("test_radial");
}
