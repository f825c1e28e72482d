/* Band selection and band statistics (analysis/bandsel.h, bandstats.h) on
 * hand-made eigenvalue / occupation arrays whose answers are worked out in
 * the comments: "N-M" parsing (1-based, inclusive, checked against the
 * band count), the default window around E_Fermi, band edges and
 * k-weighted band means. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "pawproj/analysis/bandsel.h"
#include "pawproj/analysis/bandstats.h"

#define MAXE 64

/* A WAVECAR header with only what these functions read. */
typedef struct {
  pp_wavecar wc;
  double eig[MAXE], occ[MAXE];
} fake;

static fake F;

static pp_wavecar *make(int nspin, int nkpts, int nbands, double efermi, const double *eig, const double *occ) {
  memset(&F, 0, sizeof F);
  F.wc.nspin = nspin;
  F.wc.nkpts = nkpts;
  F.wc.nbands = nbands;
  F.wc.efermi = efermi;
  const int n = nspin * nkpts * nbands;
  memcpy(F.eig, eig, sizeof *eig * (size_t)n);
  memcpy(F.occ, occ, sizeof *occ * (size_t)n);
  F.wc.eig = F.eig;
  F.wc.occ = F.occ;
  return &F.wc;
}

static void test_range_parse(void) {
  long a = 0, b = 0;
  CHECK(pp_range_parse("7", &a, &b) && a == 7 && b == 7, "\"7\" → 7..7 (%ld..%ld)", a, b);
  CHECK(pp_range_parse("2-9", &a, &b) && a == 2 && b == 9, "\"2-9\" → 2..9 (%ld..%ld)", a, b);
  CHECK(pp_range_parse("4-4", &a, &b) && a == 4 && b == 4, "\"4-4\" → 4..4");
  const char *bad[] = {"", "0", "0-3", "5-3", "3-", "-3", "a", "3-5x", "3x", "1-2-3", "--1", "3 -5"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    a = b = -99;
    CHECK(!pp_range_parse(bad[i], &a, &b) && a == -99 && b == -99, "\"%s\" is not a range", bad[i]);
  }
}

static void test_bandsel_parse(void) {
  pp_err e;
  int lo = -1, hi = -1;
  pp_err_clear(&e);
  /* 1-based inclusive N-M → 0-based half-open [N-1, M). */
  CHECK(pp_bandsel_parse("3-5", 10, &lo, &hi, &e) == PP_OK && lo == 2 && hi == 5, "3-5 of 10 → [2, 5) got [%d, %d)",
        lo, hi);
  CHECK(pp_bandsel_parse("1", 10, &lo, &hi, &e) == PP_OK && lo == 0 && hi == 1, "1 → [0, 1)");
  CHECK(pp_bandsel_parse("10", 10, &lo, &hi, &e) == PP_OK && lo == 9 && hi == 10, "last band 10 → [9, 10)");
  CHECK(pp_bandsel_parse("1-10", 10, &lo, &hi, &e) == PP_OK && lo == 0 && hi == 10, "all bands 1-10 → [0, 10)");
  /* Out of range: names the request, the band and the count. */
  pp_err_clear(&e);
  lo = hi = -7;
  pp_status st = pp_bandsel_parse("9-11", 10, &lo, &hi, &e);
  CHECK(st == PP_ERR_ARG && strstr(e.msg, "9-11") && strstr(e.msg, "11") && strstr(e.msg, "10 bands") && lo == -7,
        "9-11 of 10 refused: %s", e.msg);
  pp_err_clear(&e);
  st = pp_bandsel_parse("11", 10, &lo, &hi, &e);
  CHECK(st == PP_ERR_ARG && strstr(e.msg, "10 bands"), "11 of 10 refused: %s", e.msg);
  /* 0 and reversed ranges: VASP counts from 1. */
  pp_err_clear(&e);
  st = pp_bandsel_parse("0-3", 10, &lo, &hi, &e);
  CHECK(st == PP_ERR_ARG && strstr(e.msg, "0-3") && strstr(e.msg, "1-based"), "0-3 refused: %s", e.msg);
  pp_err_clear(&e);
  st = pp_bandsel_parse("5-2", 10, &lo, &hi, &e);
  CHECK(st == PP_ERR_ARG && strstr(e.msg, "5-2"), "5-2 refused: %s", e.msg);
  pp_err_clear(&e);
  st = pp_bandsel_parse("three", 10, &lo, &hi, &e);
  CHECK(st == PP_ERR_ARG && strstr(e.msg, "three"), "\"three\" refused: %s", e.msg);
}

static void test_window(void) {
  int lo, hi;
  /* 1 spin, 2 k-points, 8 bands, E_F = 0, half-width 1 eV.
   * k0: bands within ±1 eV: 3 (−0.8), 4 (0.3), 5 (0.9); HOMO 3, LUMO 4.
   * k1: bands within ±1 eV: 2 (−0.95), 3 (−0.5); HOMO 3, LUMO 4.
   * Union: bands 2..5 → [2, 6). */
  const double eig1[16] = {-5, -3, -1.2, -0.8, 0.3, 0.9, 1.5, 4, /* k1 */ -5, -3, -0.95, -0.5, 1.2, 1.8, 2, 4};
  const double occ1[16] = {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0};
  pp_bandsel_window(make(1, 2, 8, 0.0, eig1, occ1), 1.0, &lo, &hi);
  CHECK(lo == 2 && hi == 6, "window ±1 eV: [2, 6), got [%d, %d)", lo, hi);
  /* Same bands, E_F = 1.5, half-width 0.25: only band 6 (1.5) at k0 lies
   * within; HOMO 3 and LUMO 4 are always added → [3, 7). */
  pp_bandsel_window(make(1, 2, 8, 1.5, eig1, occ1), 0.25, &lo, &hi);
  CHECK(lo == 3 && hi == 7, "window around E_F = 1.5: [3, 7), got [%d, %d)", lo, hi);

  /* An insulator whose gap is wider than the window: no eigenvalue within
   * ±0.5 eV of E_F; the window is HOMO and LUMO: bands 1, 2 → [1, 3). */
  const double eig2[4] = {-5, -4, 3, 4}, occ2[4] = {1, 1, 0, 0};
  pp_bandsel_window(make(1, 1, 4, 0.0, eig2, occ2), 0.5, &lo, &hi);
  CHECK(lo == 1 && hi == 3, "empty window: HOMO and LUMO [1, 3), got [%d, %d)", lo, hi);

  /* Every band occupied, E_F far above: the HOMO is the last band and has
   * no band above it → [3, 4). */
  const double eig3[4] = {-5, -4, -3, -2}, occ3[4] = {1, 1, 1, 1};
  pp_bandsel_window(make(1, 1, 4, 10.0, eig3, occ3), 0.5, &lo, &hi);
  CHECK(lo == 3 && hi == 4, "all occupied: last band [3, 4), got [%d, %d)", lo, hi);

  /* No occupied band (E_F far below): the band "above the HOMO" is the
   * first band → [0, 1). */
  const double occ0[4] = {0, 0, 0, 0};
  pp_bandsel_window(make(1, 1, 4, -20.0, eig3, occ0), 0.5, &lo, &hi);
  CHECK(lo == 0 && hi == 1, "none occupied: first band [0, 1), got [%d, %d)", lo, hi);

  /* Occupation exactly 0.5 is not occupied (> 0.5 counts): HOMO is band
   * 1 (0.51), LUMO band 2 (0.5) → [1, 3) with nothing within ±0.1 eV. */
  const double eig4[4] = {-5, -1, 1, 5}, occ4[4] = {1, 0.51, 0.5, 0};
  pp_bandsel_window(make(1, 1, 4, 0.0, eig4, occ4), 0.1, &lo, &hi);
  CHECK(lo == 1 && hi == 3, "occupation 0.5 is empty: [1, 3), got [%d, %d)", lo, hi);

  /* Two spins: spin 0 has HOMO 1, spin 1 (a defect level) has HOMO 2;
   * union over spins of HOMO..LUMO: bands 1..3 → [1, 4). */
  const double eig5[10] = {-5, -2, 2, 3, 4, /* spin 1 */ -5, -2, -0.5, 3, 4};
  const double occ5[10] = {1, 1, 0, 0, 0, 1, 1, 1, 0, 0};
  pp_bandsel_window(make(2, 1, 5, 0.0, eig5, occ5), 0.1, &lo, &hi);
  CHECK(lo == 1 && hi == 4, "two spins: [1, 4), got [%d, %d)", lo, hi);

  /* The half-width bound is inclusive (exact binary values): E_F = 0.5,
   * half-width 0.25; HOMO 1, LUMO 2 (0.375, within); band 3 at exactly
   * 0.75 is within too, band 4 at 0.875 is not → [1, 4) (an exclusive
   * bound would give [1, 3)). */
  const double eig6[6] = {-4, 0.0, 0.375, 0.75, 0.875, 2}, occ6[6] = {1, 1, 0, 0, 0, 0};
  pp_bandsel_window(make(1, 1, 6, 0.5, eig6, occ6), 0.25, &lo, &hi);
  CHECK(lo == 1 && hi == 4, "inclusive bound: [1, 4), got [%d, %d)", lo, hi);
}

static void test_edges(void) {
  /* 2 spins, 2 k-points, 4 bands.
   *   s0 k0: −6 −1  2  5 occ 1 1 0 0    s0 k1: −5 −0.5 1.5 6 occ 1 1 0 0
   *   s1 k0: −6 −1  2  5 occ 1 1 1 0    s1 k1: −5 −0.5 1.5 6 occ 1 1 0.4 0
   * Occupied eigenvalues: max 2 (s1 k0 band 2) → VBM 2.
   * Empty: min 1.5 (k1 band 2, both spins) → CBM 1.5 → bands overlap,
   * gap max(1.5 − 2, 0) = 0. Range −6..6. nocc: spin 0: 2, spin 1: 3. */
  const double eig[16] = {-6, -1, 2, 5, -5, -0.5, 1.5, 6, -6, -1, 2, 5, -5, -0.5, 1.5, 6};
  const double occ[16] = {1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0.4, 0};
  pp_edges e;
  pp_bandstats_edges(make(2, 2, 4, 0.0, eig, occ), &e);
  CHECK(e.vbm == 2 && e.cbm == 1.5 && e.gap == 0, "metal-like: VBM %g CBM %g gap %g", e.vbm, e.cbm, e.gap);
  CHECK(e.emin == -6 && e.emax == 6, "range %g..%g", e.emin, e.emax);
  CHECK(e.nocc[0] == 2 && e.nocc[1] == 3, "nocc %d %d", e.nocc[0], e.nocc[1]);
  /* Insulator, 1 spin: VBM −1, CBM 2, gap 3; occupation exactly 0.5 is
   * empty, so band 2 (0.5, at 2 eV) is the CBM. */
  const double eig2[4] = {-6, -1, 2, 5}, occ2[4] = {1, 0.6, 0.5, 0};
  pp_bandstats_edges(make(1, 1, 4, 0.0, eig2, occ2), &e);
  CHECK(e.vbm == -1 && e.cbm == 2 && fabs(e.gap - 3) < 1e-15 && e.nocc[0] == 2 && e.nocc[1] == 0,
        "insulator: VBM %g CBM %g gap %g nocc %d", e.vbm, e.cbm, e.gap, e.nocc[0]);
  /* No empty band: CBM +inf, VBM the top; the gap is undefined (NaN). */
  const double occ3[4] = {1, 1, 1, 1};
  pp_bandstats_edges(make(1, 1, 4, 0.0, eig2, occ3), &e);
  CHECK(e.vbm == 5 && isinf(e.cbm) && e.cbm > 0 && isnan(e.gap) && e.nocc[0] == 4,
        "all occupied: VBM %g CBM %g gap %g", e.vbm, e.cbm, e.gap);
  /* No occupied band: VBM −inf. */
  const double occ4[4] = {0, 0, 0, 0};
  pp_bandstats_edges(make(1, 1, 4, 0.0, eig2, occ4), &e);
  CHECK(isinf(e.vbm) && e.vbm < 0 && e.cbm == -6 && isnan(e.gap) && e.nocc[0] == 0,
        "none occupied: VBM %g CBM %g", e.vbm, e.cbm);
}

static void test_mean(void) {
  /* 2 spins, 3 k-points, 2 bands, weights 0.5 0.25 0.25.
   * Spin 1, band 1: energies 1, 2, 6 → 0.5 + 0.5 + 1.5 = 2.5;
   * occupations 1, 0.5, 0 → 0.5 + 0.125 = 0.625.
   * Spin 0, band 0: energies −4, −4, −2 → −2 − 1 − 0.5 = −3.5; occ 1. */
  const double eig[12] = {-4, 0, -4, 0, -2, 0, /* spin 1 */ 9, 1, 9, 2, 9, 6};
  const double occ[12] = {1, 0, 1, 0, 1, 0, 1, 1, 1, 0.5, 1, 0};
  const double w[3] = {0.5, 0.25, 0.25};
  double en, oc;
  pp_wavecar *wc = make(2, 3, 2, 0.0, eig, occ);
  pp_bandstats_mean(wc, w, 1, 1, &en, &oc);
  CHECK(fabs(en - 2.5) < 1e-15 && fabs(oc - 0.625) < 1e-15, "spin 1 band 1: %g eV, occ %g", en, oc);
  pp_bandstats_mean(wc, w, 0, 0, &en, &oc);
  CHECK(fabs(en + 3.5) < 1e-15 && fabs(oc - 1) < 1e-15, "spin 0 band 0: %g eV, occ %g", en, oc);
}

int main(void) {
  test_range_parse();
  test_bandsel_parse();
  test_window();
  test_edges();
  test_mean();
  return CHECK_DONE("test_bandsel");
}
