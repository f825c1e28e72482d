/* Band character arithmetic of pp_overlap_compute (analysis/overlap.h),
 * pseudo method, on hand-made coefficient sets on one rank:
 *   <B_m|D_n> = Σ_G conj(C^B_mG) C^D_nG,
 *   v = Σ_{m: occ_m > 0.5} |<m|n>|²,  c = Σ_{other m} |<m|n>|²   per (spin, k),
 *   valence = Σ_k w_k v/(v+c), conduction = Σ_k w_k c/(v+c),
 *   captured = Σ_k w_k (v+c).
 * The bulk bands are (phased) unit vectors in G, so |<m|n>|² is |C^D_n|²
 * at G = m and every expected number below is worked out by hand.
 * The PAW method (no renormalisation, PAW terms added) needs a pp_pawpair
 * built from datasets and is covered by the integration tests. */
#include <complex.h>
#include <math.h>
#include <mpi.h>
#include <string.h>

#include "check.h"
#include "pawproj/analysis/overlap.h"

#define NPW 3
#define NB 3     /* bulk bands */
#define ND 2     /* selected defect bands */
#define MAXIT 2  /* (spin, k) items */

typedef struct {
  pp_wavecar bwc, dwc;
  int64_t npw[MAXIT];
  double kfrac[MAXIT][3];
  double beig[MAXIT * NB], bocc[MAXIT * NB];
  double deig[MAXIT * (ND + 2)], docc[MAXIT * (ND + 2)];
  double complex B[MAXIT][NB * NPW], D[MAXIT][ND * NPW];
  double complex *bc[MAXIT], *dc[MAXIT];
  int items[MAXIT];
  pp_wfset bulk, def;
} fixture;

static fixture X;

/* nspin × nkpts items; bulk occupations occ[item][m]; the defect WAVECAR
 * has ND + 2 bands of which [1, 1 + ND) are selected. */
static void setup(int nspin, int nkpts, pp_variant variant, const double occ[MAXIT][NB], int flip) {
  memset(&X, 0, sizeof X);
  pp_wavecar *w[2] = {&X.bwc, &X.dwc};
  for (int i = 0; i < 2; i++) {
    w[i]->nspin = nspin;
    w[i]->nkpts = nkpts;
    w[i]->nspinor = 1;
    w[i]->variant = variant;
    w[i]->npw = X.npw;
    w[i]->kfrac = X.kfrac;
    for (int d = 0; d < 3; d++) w[i]->lattice[d][d] = 4.0;
  }
  X.bwc.nbands = NB;
  X.bwc.eig = X.beig;
  X.bwc.occ = X.bocc;
  X.dwc.nbands = ND + 2;
  X.dwc.eig = X.deig;
  X.dwc.occ = X.docc;
  for (int k = 0; k < nkpts; k++) X.npw[k] = NPW;
  for (int it = 0; it < nspin * nkpts; it++) {
    for (int m = 0; m < NB; m++) X.bocc[it * NB + m] = occ[it][m];
    X.items[it] = it;
    X.bc[it] = X.B[it];
    X.dc[it] = X.D[it];
  }
  X.bulk = (pp_wfset){.wc = &X.bwc, .lo = 0, .hi = NB, .b0 = 0, .nb = NB, .nlocal = nspin * nkpts,
                      .item = X.items, .c = X.bc, .flip = flip};
  X.def = (pp_wfset){.wc = &X.dwc, .lo = 1, .hi = 1 + ND, .b0 = 1, .nb = ND, .nlocal = nspin * nkpts,
                     .item = X.items, .c = X.dc};
}

/* Bulk band m of item it: phase · unit vector at G = m. */
static void bulk_unit(int it, const double complex phase[NB]) {
  for (int m = 0; m < NB; m++)
    for (int g = 0; g < NPW; g++) X.B[it][m * NPW + g] = g == m ? phase[m] : 0;
}

static void defect_band(int it, int n, double complex c0, double complex c1, double complex c2) {
  X.D[it][n * NPW + 0] = c0;
  X.D[it][n * NPW + 1] = c1;
  X.D[it][n * NPW + 2] = c2;
}

/* Runs the computation; character (nspin, ND, PP_CHAR_N), S as returned. */
static int run(const double *kw, double *character, double complex *Sout) {
  pp_err e;
  pp_err_clear(&e);
  pp_layout lay;
  if (pp_layout_create(MPI_COMM_SELF, X.bulk.nlocal, NB, 0, &lay, &e) != PP_OK) {
    CHECK(0, "layout: %s", e.msg);
    return 0;
  }
  pp_pools reg;
  pp_pools_init(&reg, 0);
  pp_pool *gp, *op;
  pp_pool_create(&reg, "project", "gather", NULL, 0, &gp, &e);
  pp_pool_create(&reg, "project", "overlaps", NULL, 0, &op, &e);
  double complex *S = NULL;
  const pp_status st =
      pp_overlap_compute(NULL, &lay, &X.bulk, &X.def, NULL, kw, gp, op, &S, NULL, character, NULL, &e);
  CHECK(st == PP_OK, "pp_overlap_compute: %s", e.msg);
  if (st == PP_OK && Sout) memcpy(Sout, S, sizeof *S * (size_t)X.bulk.nlocal * ND * NB);
  pp_pools_destroy(&reg);
  pp_layout_free(&lay);
  return st == PP_OK;
}

static int close_to(double a, double b) { return fabs(a - b) < 1e-14; }

#define CH(ch, s, n, col) (ch)[((s) * ND + (n)) * PP_CHAR_N + (col)]

static void test_two_kpoints(void) {
  /* 1 spin, 2 k-points, weights 0.25, 0.75. Bulk occupations:
   *   k0: 1.0, 0.6, 0.5   → valence m = 0, 1 (0.5 is not > 0.5)
   *   k1: 1.0, 0.2, 0.0   → valence m = 0
   * Bulk bands: unit vectors; at k1 multiplied by i, so <B_m|D_n> = −i D_n[m]
   * there (the bra is conjugated).
   * Defect bands, |<m|n>|² per m, then v and c:
   *   k0 n0 (0.6, 0, 0.8i)      0.36 0    0.64   v 0.36 c 0.64 (tot 1)
   *   k0 n1 (0.3, 0.4, 0.5)     0.09 0.16 0.25   v 0.25 c 0.25 (tot 0.5)
   *   k1 n0 (0, 0.6, 0.8)       0    0.36 0.64   v 0    c 1    (tot 1)
   *   k1 n1 (0.5i, 0.5, 0.5)    0.25 0.25 0.25   v 0.25 c 0.5  (tot 0.75)
   * Character (pseudo: renormalised per k):
   *   n0: valence 0.25·0.36 + 0.75·0 = 0.09
   *       conduction 0.25·0.64 + 0.75·1 = 0.91, captured 0.25 + 0.75 = 1
   *   n1: valence 0.25·(0.25/0.5) + 0.75·(0.25/0.75) = 0.125 + 0.25 = 0.375
   *       conduction 0.25·0.5 + 0.75·(0.5/0.75) = 0.625
   *       captured 0.25·0.5 + 0.75·0.75 = 0.6875 */
  const double occ[MAXIT][NB] = {{1.0, 0.6, 0.5}, {1.0, 0.2, 0.0}};
  setup(1, 2, PP_VARIANT_STANDARD, occ, 0);
  const double complex one[NB] = {1, 1, 1}, eye[NB] = {I, I, I};
  bulk_unit(0, one);
  bulk_unit(1, eye);
  defect_band(0, 0, 0.6, 0, 0.8 * I);
  defect_band(0, 1, 0.3, 0.4, 0.5);
  defect_band(1, 0, 0, 0.6, 0.8);
  defect_band(1, 1, 0.5 * I, 0.5, 0.5);
  const double kw[2] = {0.25, 0.75};
  double ch[ND * PP_CHAR_N];
  double complex S[2 * ND * NB];
  if (!run(kw, ch, S)) return;
  CHECK(close_to(CH(ch, 0, 0, PP_CHAR_VALENCE), 0.09) && close_to(CH(ch, 0, 0, PP_CHAR_CONDUCTION), 0.91) &&
            close_to(CH(ch, 0, 0, PP_CHAR_CAPTURED), 1.0),
        "band 0: valence %.15g conduction %.15g captured %.15g, expected 0.09 0.91 1", CH(ch, 0, 0, 0),
        CH(ch, 0, 0, 1), CH(ch, 0, 0, 2));
  CHECK(close_to(CH(ch, 0, 1, PP_CHAR_VALENCE), 0.375) && close_to(CH(ch, 0, 1, PP_CHAR_CONDUCTION), 0.625) &&
            close_to(CH(ch, 0, 1, PP_CHAR_CAPTURED), 0.6875),
        "band 1: valence %.15g conduction %.15g captured %.15g, expected 0.375 0.625 0.6875", CH(ch, 0, 1, 0),
        CH(ch, 0, 1, 1), CH(ch, 0, 1, 2));
  /* S[j][n][m] = <B_m|D_n>: k0 n0 m2 = 0.8i; k1 n1 m0 = −i·0.5i = 0.5;
   * k1 n0 m2 = −i·0.8 = −0.8i. */
  const double complex s002 = S[(0 * ND + 0) * NB + 2], s110 = S[(1 * ND + 1) * NB + 0],
                       s102 = S[(1 * ND + 0) * NB + 2];
  CHECK(cabs(s002 - 0.8 * I) < 1e-15 && cabs(s110 - 0.5) < 1e-15 && cabs(s102 + 0.8 * I) < 1e-15,
        "overlaps <B|D> conjugate the bulk side: %g%+gi %g%+gi %g%+gi", creal(s002), cimag(s002), creal(s110),
        cimag(s110), creal(s102), cimag(s102));
  /* Weights enter linearly: swap them (0.75, 0.25):
   *   n1: valence 0.75·0.5 + 0.25·(1/3) = 0.375 + 1/12 = 11/24. */
  const double kw2[2] = {0.75, 0.25};
  if (!run(kw2, ch, NULL)) return;
  CHECK(close_to(CH(ch, 0, 1, PP_CHAR_VALENCE), 11.0 / 24), "swapped weights: band 1 valence %.15g, expected 11/24",
        CH(ch, 0, 1, 0));
}

static void test_gamma(void) {
  /* Gamma-only: the overlap is the real part of the sum. One k-point
   * (weight 1), occupations 1, 0, 0. Defect band 0 = (0.6 + 0.5i, 0.8, 0):
   * Re<m|n> = 0.6, 0.8, 0 → v 0.36, c 0.64, captured 1 (with the
   * imaginary part it would be 1.25). Band 1 = (0, 0.3i, 0.4): Re = 0, 0,
   * 0.4 → v 0, c 0.16 → conduction 1 after renormalisation, captured 0.16. */
  const double occ[MAXIT][NB] = {{1, 0, 0}};
  setup(1, 1, PP_VARIANT_GAMMA_X, occ, 0);
  const double complex one[NB] = {1, 1, 1};
  bulk_unit(0, one);
  defect_band(0, 0, 0.6 + 0.5 * I, 0.8, 0);
  defect_band(0, 1, 0, 0.3 * I, 0.4);
  const double kw[1] = {1.0};
  double ch[ND * PP_CHAR_N];
  double complex S[ND * NB];
  if (!run(kw, ch, S)) return;
  CHECK(close_to(CH(ch, 0, 0, PP_CHAR_VALENCE), 0.36) && close_to(CH(ch, 0, 0, PP_CHAR_CONDUCTION), 0.64) &&
            close_to(CH(ch, 0, 0, PP_CHAR_CAPTURED), 1.0),
        "gamma band 0: %.15g %.15g %.15g, expected 0.36 0.64 1", CH(ch, 0, 0, 0), CH(ch, 0, 0, 1),
        CH(ch, 0, 0, 2));
  CHECK(close_to(CH(ch, 0, 1, PP_CHAR_VALENCE), 0) && close_to(CH(ch, 0, 1, PP_CHAR_CONDUCTION), 1) &&
            close_to(CH(ch, 0, 1, PP_CHAR_CAPTURED), 0.16),
        "gamma band 1: %.15g %.15g %.15g, expected 0 1 0.16", CH(ch, 0, 1, 0), CH(ch, 0, 1, 1), CH(ch, 0, 1, 2));
  CHECK(cimag(S[0]) == 0 && cimag(S[ND * NB - 2]) == 0, "gamma overlaps are real");
}

static void test_spin_flip(void) {
  /* 2 spins, 1 k-point (weight 1). Bulk occupations: spin 0: 1, 1, 0;
   * spin 1: 1, 0, 0. Defect band 0 = (0, 0.6, 0.8) in both spins: m = 1
   * carries 0.36, m = 2 carries 0.64.
   *   no flip: spin 0 valence 0.36 (m 1 occupied), spin 1 valence 0;
   *   flip (item (s, k) holds the bulk's spin 1 − s, so the occupations
   *   are those of spin 1 − s): spin 0 valence 0, spin 1 valence 0.36. */
  const double occ[MAXIT][NB] = {{1, 1, 0}, {1, 0, 0}};
  const double complex one[NB] = {1, 1, 1};
  const double kw[1] = {1.0};
  for (int flip = 0; flip <= 1; flip++) {
    setup(2, 1, PP_VARIANT_STANDARD, occ, flip);
    for (int it = 0; it < 2; it++) {
      bulk_unit(it, one);
      defect_band(it, 0, 0, 0.6, 0.8);
      defect_band(it, 1, 1, 0, 0);
    }
    double ch[2 * ND * PP_CHAR_N];
    if (!run(kw, ch, NULL)) return;
    const double v0 = CH(ch, 0, 0, PP_CHAR_VALENCE), v1 = CH(ch, 1, 0, PP_CHAR_VALENCE);
    CHECK(close_to(v0, flip ? 0 : 0.36) && close_to(v1, flip ? 0.36 : 0),
          "flip %d: valence spin 0 %.15g, spin 1 %.15g", flip, v0, v1);
    /* Band 1 = G 0 only, bulk m = 0 is occupied in both spins. */
    CHECK(close_to(CH(ch, 0, 1, PP_CHAR_VALENCE), 1) && close_to(CH(ch, 1, 1, PP_CHAR_VALENCE), 1),
          "flip %d: band 1 fully valence in both spins", flip);
  }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  test_two_kpoints();
  test_gamma();
  test_spin_flip();
  const int rc = CHECK_DONE("test_character");
  MPI_Finalize();
  return rc;
}
