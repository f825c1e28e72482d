/* k-point weight readers (io/kweights.h) on small files written here, with
 * the expected weights worked out by hand: vasprun.xml, IBZKPT (reciprocal
 * coordinates with k+G equivalence; Cartesian), OUTCAR's k-point list.
 * Mismatched counts and k-points are refused with the file named. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "pawproj/io/kweights.h"

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) {
    CHECK(0, "cannot write %s", path);
    return;
  }
  fputs(text, f);
  fclose(f);
}

static int near(double a, double b, double tol) { return fabs(a - b) <= tol; }

/* ---- vasprun.xml ---------------------------------------------------- */

#define VASPRUN "test_kweights_vasprun.tmp"

static void test_vasprun(void) {
  /* A 3×3×3 mesh: multiplicities 1, 6, 12, 8 of 27, as VASP prints them
   * with 8 decimals. The kpointlist <v> lines before the weights must not
   * be taken for weights. */
  write_file(VASPRUN,
             "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
             "<modeling>\n"
             " <kpoints>\n"
             "  <varray name=\"kpointlist\" >\n"
             "   <v>       0.00000000       0.00000000       0.00000000 </v>\n"
             "   <v>       0.33333333       0.00000000       0.00000000 </v>\n"
             "   <v>       0.33333333       0.33333333       0.00000000 </v>\n"
             "   <v>       0.33333333       0.33333333       0.33333333 </v>\n"
             "  </varray>\n"
             "  <varray name=\"weights\" >\n"
             "   <v>       0.03703704 </v>\n"
             "   <v>       0.22222222 </v>\n"
             "   <v>       0.44444444 </v>\n"
             "   <v>       0.29629630 </v>\n"
             "  </varray>\n"
             " </kpoints>\n"
             "</modeling>\n");
  pp_err e;
  pp_err_clear(&e);
  double w[5] = {0};
  CHECK(pp_kweights_vasprun(VASPRUN, 4, w, &e) == PP_OK, "vasprun: %s", e.msg);
  /* Sum of the printed weights is 1.00000000; 8 decimals → 1e-8. */
  CHECK(near(w[0], 1.0 / 27, 1e-8) && near(w[1], 6.0 / 27, 1e-8) && near(w[2], 12.0 / 27, 1e-8) &&
            near(w[3], 8.0 / 27, 1e-8),
        "vasprun weights %.9f %.9f %.9f %.9f, expected 1, 6, 12, 8 / 27", w[0], w[1], w[2], w[3]);
  /* Count mismatch: the file has 4, the WAVECAR 3 (or 5). */
  pp_err_clear(&e);
  pp_status st = pp_kweights_vasprun(VASPRUN, 3, w, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, VASPRUN) && strstr(e.msg, "4 k-point weights") &&
            strstr(e.msg, "3 k-points"),
        "vasprun 4 vs 3 refused: %s", e.msg);
  pp_err_clear(&e);
  st = pp_kweights_vasprun(VASPRUN, 5, w, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, VASPRUN) && strstr(e.msg, "5"), "vasprun 4 vs 5 refused: %s",
        e.msg);
  /* Unnormalised weights are normalised: 1 and 3 → 0.25 and 0.75. */
  write_file(VASPRUN, "<varray name=\"weights\" >\n <v> 1 </v>\n <v> 3 </v>\n</varray>\n");
  pp_err_clear(&e);
  CHECK(pp_kweights_vasprun(VASPRUN, 2, w, &e) == PP_OK && w[0] == 0.25 && w[1] == 0.75,
        "vasprun 1, 3 → 0.25, 0.75 (%g, %g): %s", w[0], w[1], e.msg);
  /* No weights array, a zero weight: format errors naming the file. */
  write_file(VASPRUN, "<modeling>\n <varray name=\"kpointlist\" >\n  <v> 0 0 0 </v>\n </varray>\n</modeling>\n");
  pp_err_clear(&e);
  st = pp_kweights_vasprun(VASPRUN, 1, w, &e);
  CHECK(st == PP_ERR_FORMAT && strstr(e.msg, VASPRUN) && strstr(e.msg, "weights"), "no weights: %s", e.msg);
  write_file(VASPRUN, "<varray name=\"weights\" >\n <v> 0.5 </v>\n <v> 0.0 </v>\n</varray>\n");
  pp_err_clear(&e);
  st = pp_kweights_vasprun(VASPRUN, 2, w, &e);
  CHECK(st == PP_ERR_FORMAT && strstr(e.msg, VASPRUN) && strstr(e.msg, "k-point 2"), "zero weight: %s", e.msg);
  remove(VASPRUN);
}

/* ---- IBZKPT ----------------------------------------------------------- */

#define IBZKPT "test_kweights_ibzkpt.tmp"

static const char ibz_recip[] =
    "Automatically generated mesh\n"
    "       4\n"
    "Reciprocal lattice\n"
    "    0.00000000000000    0.00000000000000    0.00000000000000             1\n"
    "    0.33333333333333    0.00000000000000    0.00000000000000             6\n"
    "    0.33333333333333    0.33333333333333    0.00000000000000             6\n"
    "   -0.33333333333333    0.33333333333333    0.00000000000000             2\n";

static void test_ibzkpt(void) {
  const double t = 1.0 / 3.0;
  /* The WAVECAR's k-points: the 4th is the IBZKPT's + (1, 0, 0), the 1st
   * is (0, 0, 0) − (0, 1, 0): equal up to reciprocal lattice vectors. */
  const double kf[4][3] = {{0, -1, 0}, {t, 0, 0}, {t, t, 0}, {1 - t, t, 0}};
  write_file(IBZKPT, ibz_recip);
  pp_err e;
  pp_err_clear(&e);
  double w[4] = {0};
  CHECK(pp_kweights_ibzkpt(IBZKPT, 4, kf, w, &e) == PP_OK, "IBZKPT reciprocal: %s", e.msg);
  /* Multiplicities 1, 6, 6, 2 of 15. */
  CHECK(near(w[0], 1.0 / 15, 1e-15) && near(w[1], 6.0 / 15, 1e-15) && near(w[2], 6.0 / 15, 1e-15) &&
            near(w[3], 2.0 / 15, 1e-15),
        "IBZKPT weights %.15f %.15f %.15f %.15f, expected 1, 6, 6, 2 / 15", w[0], w[1], w[2], w[3]);
  /* Without the WAVECAR's k-points nothing is compared. */
  pp_err_clear(&e);
  CHECK(pp_kweights_ibzkpt(IBZKPT, 4, NULL, w, &e) == PP_OK && near(w[3], 2.0 / 15, 1e-15),
        "IBZKPT, no k-points to check: %s", e.msg);
  /* A k-point that is not equivalent: the 3rd (line 6 of the file). */
  const double kbad[4][3] = {{0, 0, 0}, {t, 0, 0}, {t, 0.5, 0}, {-t, t, 0}};
  pp_err_clear(&e);
  pp_status st = pp_kweights_ibzkpt(IBZKPT, 4, kbad, w, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, IBZKPT) && strstr(e.msg, "line 6") &&
            strstr(e.msg, "k-point 3"),
        "IBZKPT differing k-point refused: %s", e.msg);
  /* Half a reciprocal vector is not a lattice vector: (t, 0, 0) + (0.5, 0, 0). */
  const double khalf[4][3] = {{0, 0, 0}, {t + 0.5, 0, 0}, {t, t, 0}, {-t, t, 0}};
  pp_err_clear(&e);
  st = pp_kweights_ibzkpt(IBZKPT, 4, khalf, w, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, "line 5"), "IBZKPT k + G/2 refused: %s", e.msg);
  /* Count mismatch: the file says 4 (line 2). */
  pp_err_clear(&e);
  st = pp_kweights_ibzkpt(IBZKPT, 3, kf, w, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, IBZKPT) && strstr(e.msg, "line 2") && strstr(e.msg, "4") &&
            strstr(e.msg, "3"),
        "IBZKPT 4 vs 3 refused: %s", e.msg);
  /* Cartesian coordinates: weights are read, the k-points cannot be
   * compared with fractional ones and are not. Weights 2 and 6 → 1/4, 3/4. */
  write_file(IBZKPT,
             "cartesian k-points\n"
             " 2\n"
             "Cartesian\n"
             "  0.10 0.20 0.30  2\n"
             "  0.40 0.50 0.60  6\n");
  const double kc[2][3] = {{0, 0, 0}, {0.5, 0.5, 0.5}};
  pp_err_clear(&e);
  CHECK(pp_kweights_ibzkpt(IBZKPT, 2, kc, w, &e) == PP_OK && w[0] == 0.25 && w[1] == 0.75,
        "IBZKPT Cartesian: %g %g: %s", w[0], w[1], e.msg);
  /* Fewer k-point lines than announced: the missing line is named. */
  write_file(IBZKPT, "short\n 3\nReciprocal\n 0 0 0 1\n 0.5 0 0 1\n");
  const double k3[3][3] = {{0, 0, 0}, {0.5, 0, 0}, {0.5, 0.5, 0}};
  pp_err_clear(&e);
  st = pp_kweights_ibzkpt(IBZKPT, 3, k3, w, &e);
  CHECK(st == PP_ERR_FORMAT && strstr(e.msg, IBZKPT) && strstr(e.msg, "line 6"), "IBZKPT truncated: %s", e.msg);
  remove(IBZKPT);
}

/* ---- OUTCAR ----------------------------------------------------------- */

#define OUTCAR "test_kweights_outcar.tmp"

static void outcar(const char *list) {
  char buf[4096];
  snprintf(buf, sizeof buf,
           " vasp.6.4.2 18Sep23 (build Oct 10 2023) complex\n"            /* line 1 */
           "\n"                                                         /* 2 */
           " Found      4 irreducible k-points:\n"                     /* 3 */
           "\n"                                                         /* 4 */
           " k-points in units of 2pi/SCALE and weight: Auto\n"        /* 5 */
           "   0.00000000  0.00000000  0.00000000       0.037\n"       /* 6 */
           "\n"                                                         /* 7 */
           " k-points in reciprocal lattice and weights: Auto\n"       /* 8 */
           "%s"                                                         /* 9.. */
           "\n"
           " position of ions in fractional coordinates (direct lattice)\n",
           list);
  write_file(OUTCAR, buf);
}

static const char out_list[] =
    "   0.00000000  0.00000000  0.00000000       0.037\n"  /* line 9 */
    "   0.33333333  0.00000000  0.00000000       0.222\n"  /* 10 */
    "   0.33333333  0.33333333  0.00000000       0.444\n"  /* 11 */
    "   0.33333333  0.33333333  0.33333333       0.296\n"; /* 12 */

static void test_outcar(void) {
  const double t = 0.33333333;
  const double kf[4][3] = {{0, 0, 0}, {t, 0, 0}, {t, t, 0}, {t, t, t}};
  double w[5] = {0};
  pp_err e;
  outcar(out_list);
  pp_err_clear(&e);
  CHECK(pp_kweights_outcar(OUTCAR, 4, kf, w, &e) == PP_OK, "OUTCAR: %s", e.msg);
  /* The 3-decimal weights sum to 0.999 and are normalised by it; the
   * Cartesian list above the fractional one is not read (its single
   * line would be a count mismatch). */
  CHECK(near(w[0], 0.037 / 0.999, 1e-12) && near(w[1], 0.222 / 0.999, 1e-12) &&
            near(w[2], 0.444 / 0.999, 1e-12) && near(w[3], 0.296 / 0.999, 1e-12),
        "OUTCAR weights %.9f %.9f %.9f %.9f", w[0], w[1], w[2], w[3]);
  /* ... which is within 3-decimal precision of 1, 6, 12, 8 / 27. */
  CHECK(near(w[0], 1.0 / 27, 1e-3) && near(w[3], 8.0 / 27, 1e-3), "OUTCAR ≈ mesh multiplicities");
  /* A WAVECAR k-point equivalent by k + G is still refused (line 10). */
  const double kg[4][3] = {{0, 0, 0}, {t - 1, 0, 0}, {t, t, 0}, {t, t, t}};
  pp_err_clear(&e);
  pp_status st = pp_kweights_outcar(OUTCAR, 4, kg, w, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, OUTCAR) && strstr(e.msg, "line 10") && strstr(e.msg, "k-point 2"),
        "OUTCAR k + G refused: %s", e.msg);
  /* 2e-5 off in one coordinate (tolerance 1e-5): refused at line 11. */
  const double koff[4][3] = {{0, 0, 0}, {t, 0, 0}, {t, t + 2e-5, 0}, {t, t, t}};
  pp_err_clear(&e);
  st = pp_kweights_outcar(OUTCAR, 4, koff, w, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, "line 11"), "OUTCAR 2e-5 off refused: %s", e.msg);
  /* 5e-6 off is within the printed precision: accepted. */
  const double kok[4][3] = {{0, 0, 0}, {t, 0, 0}, {t, t + 5e-6, 0}, {t, t, t}};
  pp_err_clear(&e);
  CHECK(pp_kweights_outcar(OUTCAR, 4, kok, w, &e) == PP_OK, "OUTCAR 5e-6 off accepted: %s", e.msg);
  /* Count mismatches: the list has 4; the WAVECAR 3 (too many: line 12)
   * or 5 (too few: the list ends at the blank line 13). */
  pp_err_clear(&e);
  st = pp_kweights_outcar(OUTCAR, 3, kf, w, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, OUTCAR) && strstr(e.msg, "line 12") && strstr(e.msg, "3"),
        "OUTCAR 4 vs 3 refused: %s", e.msg);
  const double k5[5][3] = {{0, 0, 0}, {t, 0, 0}, {t, t, 0}, {t, t, t}, {0.5, 0.5, 0.5}};
  pp_err_clear(&e);
  st = pp_kweights_outcar(OUTCAR, 5, k5, w, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, OUTCAR) && strstr(e.msg, "line 13") && strstr(e.msg, "after 4"),
        "OUTCAR 4 vs 5 refused: %s", e.msg);
  /* A weight printed as 0.000 (line 10). */
  outcar("   0.00000000  0.00000000  0.00000000       1.000\n"
         "   0.33333333  0.00000000  0.00000000       0.000\n");
  pp_err_clear(&e);
  st = pp_kweights_outcar(OUTCAR, 2, kf, w, &e);
  CHECK(st == PP_ERR_FORMAT && strstr(e.msg, OUTCAR) && strstr(e.msg, "line 10"), "OUTCAR weight 0.000: %s",
        e.msg);
  /* A line that is not four numbers (line 9). */
  outcar("   0.00000000  0.00000000  0.00000000       ***\n");
  pp_err_clear(&e);
  st = pp_kweights_outcar(OUTCAR, 1, kf, w, &e);
  CHECK(st == PP_ERR_FORMAT && strstr(e.msg, "line 9"), "OUTCAR *** weight: %s", e.msg);
  /* No list at all. */
  write_file(OUTCAR, " vasp.6.4.2\n k-points in units of 2pi/SCALE and weight: Auto\n 0 0 0 1\n");
  pp_err_clear(&e);
  st = pp_kweights_outcar(OUTCAR, 1, kf, w, &e);
  CHECK(st == PP_ERR_FORMAT && strstr(e.msg, OUTCAR) && strstr(e.msg, "reciprocal lattice and weights"),
        "OUTCAR without the list: %s", e.msg);
  remove(OUTCAR);
  /* A file that does not exist: I/O error naming it. */
  pp_err_clear(&e);
  st = pp_kweights_outcar("test_kweights_no_such_file.tmp", 1, kf, w, &e);
  CHECK(st == PP_ERR_IO && strstr(e.msg, "test_kweights_no_such_file.tmp"), "missing OUTCAR: %s", e.msg);
}

int main(void) {
  test_vasprun();
  test_ibzkpt();
  test_outcar();
  return CHECK_DONE("test_kweights");
}
