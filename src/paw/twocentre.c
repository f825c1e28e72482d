/* twocentre.c — two-centre overlaps by spherical Bessel transform (see
 * twocentre.h). */
#include "pawproj/paw/twocentre.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/paw/radial.h"

#define PI 3.14159265358979323846
/* Sphere quadrature: Gauss-Legendre in cos θ × trapezoid in φ, exact for
 * polynomials of degree < 2·NTHETA in cos θ and < NPHI in φ; the integrand
 * Y_l1 Y_l2 P_L has degree <= 4·lmax <= 12 for f channels. */
#define NTHETA 16
#define NPHI 32
#define LMAX_TC 3

pp_status pp_tcradial_build(const pp_pawdata *d, const double *u, double qmax, double dq,
                            pp_tcradial *t, pp_err *err) {
  memset(t, 0, sizeof *t);
  if (!(dq > 0) || !(qmax > dq)) PP_FAIL(err, PP_ERR_ARG, "two-centre q grid: qmax %g, dq %g", qmax, dq);
  int gcut = 0;
  for (int j = 0; j < d->nj; j++) {
    if (d->l[j] > LMAX_TC)
      PP_FAIL(err, PP_ERR_FORMAT, "%s: channel %d has l = %d; two-centre terms support l <= %d", d->path,
              j + 1, d->l[j], LMAX_TC);
    for (int g = 0; g < d->ng; g++)
      if (fabs(u[(size_t)j * d->ng + g]) > 1e-14 && g + 1 > gcut) gcut = g + 1;
  }
  t->nj = d->nj;
  t->dq = dq;
  t->nq = 2 * (int)ceil(qmax / dq / 2) + 1;
  t->radius = gcut > 0 ? d->r[gcut - 1] : 0;
  t->l = malloc(sizeof *t->l * (size_t)d->nj);
  t->F = malloc(sizeof *t->F * (size_t)d->nj * (size_t)t->nq);
  if (!t->l || !t->F) {
    pp_tcradial_free(t);
    PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory for two-centre tables", d->path);
  }
  for (int j = 0; j < d->nj; j++) {
    t->l[j] = d->l[j];
    t->nproj += 2 * d->l[j] + 1;
  }
  const int nq = t->nq;
#pragma omp parallel for schedule(static)
  for (int iq = 0; iq < nq; iq++) {
    const double q = iq * dq;
    for (int j = 0; j < d->nj; j++) {
      const double *uj = u + (size_t)j * d->ng;
      double s = 0;
      for (int g = 0; g < gcut; g++) {
        const double r = d->r[g];
        s += r * r * pp_sph_bessel(d->l[j], q * r) * uj[g] * d->dr[g];
      }
      t->F[(size_t)j * nq + iq] = s;
    }
  }
  return PP_OK;
}

void pp_tcradial_free(pp_tcradial *t) {
  free(t->l);
  free(t->F);
  memset(t, 0, sizeof *t);
}

static double legendre(int L, double x) {
  double p0 = 1, p1 = x;
  if (L == 0) return 1;
  for (int k = 2; k <= L; k++) {
    const double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return p1;
}

/* c[(la, ma, lb, mb, L)] for all channel pairs: the angular integrals of
 * twocentre.h, indexed [L][ia][ib] over the harmonics of l <= LMAX_TC. */
#define NLM ((LMAX_TC + 1) * (LMAX_TC + 1))
#define NL (2 * LMAX_TC + 1)
static void angular(const double Rhat[3], double c[NL][NLM][NLM]) {
  double x[NTHETA], w[NTHETA];
  pp_gauss_legendre(NTHETA, x, w);
  memset(c, 0, sizeof(double) * NL * NLM * NLM);
  for (int it = 0; it < NTHETA; it++)
    for (int ip = 0; ip < NPHI; ip++) {
      const double st = sqrt(1 - x[it] * x[it]), ph = 2 * PI * ip / NPHI;
      const double u[3] = {st * cos(ph), st * sin(ph), x[it]};
      const double wt = w[it] * 2 * PI / NPHI;
      double y[NLM];
      for (int l = 0; l <= LMAX_TC; l++) pp_ylm(l, u, y + l * l);
      const double cg = u[0] * Rhat[0] + u[1] * Rhat[1] + u[2] * Rhat[2];
      for (int L = 0; L < NL; L++) {
        const double pl = wt * legendre(L, cg);
        for (int i = 0; i < NLM; i++)
          for (int j = 0; j < NLM; j++) c[L][i][j] += pl * y[i] * y[j];
      }
    }
}

pp_status pp_twocentre(const pp_tcradial *a, const pp_tcradial *b, const double R[3], double *M,
                       pp_err *err) {
  if (a->nq != b->nq || a->dq != b->dq)
    PP_FAIL(err, PP_ERR_ARG, "two-centre tables on different q grids (%d × %g, %d × %g)", a->nq, a->dq, b->nq,
            b->dq);
  const int nq = a->nq;
  const double dist = sqrt(R[0] * R[0] + R[1] * R[1] + R[2] * R[2]);
  double Rhat[3] = {0, 0, 1};
  if (dist > 1e-12)
    for (int v = 0; v < 3; v++) Rhat[v] = R[v] / dist;
  double(*c)[NLM][NLM] = malloc(sizeof(double) * NL * NLM * NLM);
  /* Simpson weights × q² × j_L(q|R|), per L. */
  double *wj = malloc(sizeof *wj * (size_t)NL * nq);
  if (!c || !wj) {
    free(c);
    free(wj);
    PP_FAIL(err, PP_ERR_NOMEM, "out of memory for a two-centre integral");
  }
  angular(Rhat, c);
  for (int L = 0; L < NL; L++)
    for (int iq = 0; iq < nq; iq++) {
      const double q = iq * a->dq;
      const double simpson = (iq == 0 || iq == nq - 1) ? 1 : (iq % 2 ? 4 : 2);
      wj[(size_t)L * nq + iq] = simpson * a->dq / 3 * q * q * pp_sph_bessel(L, q * dist);
    }
  memset(M, 0, sizeof *M * (size_t)a->nproj * b->nproj);
  int ia = 0;
  for (int ja = 0; ja < a->nj; ja++) {
    const int la = a->l[ja];
    int ib = 0;
    for (int jb = 0; jb < b->nj; jb++) {
      const int lb = b->l[jb];
      for (int L = abs(la - lb); L <= la + lb; L += 2) {
        const double *Fa = a->F + (size_t)ja * nq, *Fb = b->F + (size_t)jb * nq, *w = wj + (size_t)L * nq;
        double I = 0;
        for (int iq = 0; iq < nq; iq++) I += w[iq] * Fa[iq] * Fb[iq];
        /* i^{la − lb + L} with la − lb + L even and >= 0. */
        const double pref = (2 / PI) * (((la - lb + L) / 2) % 2 ? -1 : 1) * (2 * L + 1) * I;
        for (int ma = 0; ma < 2 * la + 1; ma++)
          for (int mb = 0; mb < 2 * lb + 1; mb++)
            M[(size_t)(ia + ma) * b->nproj + ib + mb] += pref * c[L][la * la + ma][lb * lb + mb];
      }
      ib += 2 * lb + 1;
    }
    ia += 2 * la + 1;
  }
  free(c);
  free(wj);
  return PP_OK;
}
