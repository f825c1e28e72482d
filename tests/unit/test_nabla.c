/* test_nabla.c — the one-centre gradient matrices of one PAW-XML dataset
 * (paw/nabla.h): builds N^v_ij, checks that it is finite and antisymmetric
 * to 1e-10 (N^v_ij + N^v_ji, absolute, Bohr⁻¹) and writes it for the GPAW
 * comparison of tests/integration/test_nabla_gpaw.py.
 *
 * Usage: test_nabla DATASET_XML OUTFILE
 * OUTFILE gets one line per entry, "v i j value" (v = 0, 1, 2 for x, y, z).
 * Exit 0 on success, 1 on failure, 77 (skip) if the dataset does not exist. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "pawproj/model/pawdata.h"
#include "pawproj/paw/nabla.h"

static int write_matrix(const char *path, const double *N, int np) {
  FILE *f = fopen(path, "w");
  if (!f) return 0;
  for (int v = 0; v < 3; v++)
    for (int i = 0; i < np; i++)
      for (int j = 0; j < np; j++) fprintf(f, "%d %d %d %.17g\n", v, i, j, N[((size_t)v * np + i) * np + j]);
  return fclose(f) == 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s DATASET_XML OUTFILE\n", argv[0]);
    return 1;
  }
  if (access(argv[1], R_OK) != 0) {
    printf("skip: %s does not exist\n", argv[1]);
    return 77;
  }
  pp_err err;
  pp_err_clear(&err);
  pp_pawdata d;
  if (pp_pawxml_read(argv[1], &d, &err) != PP_OK) {
    fprintf(stderr, "FAIL: %s\n", err.msg);
    return 1;
  }
  const int np = d.nproj;
  double *N = malloc(sizeof *N * (size_t)3 * np * np);
  CHECK(N != NULL, "out of memory");
  if (N && pp_nabla_build(&d, N, &err) == PP_OK) {
    double worst = 0, big = 0;
    int finite = 1;
    for (int v = 0; v < 3; v++)
      for (int i = 0; i < np; i++)
        for (int j = 0; j < np; j++) {
          const double a = N[((size_t)v * np + i) * np + j], b = N[((size_t)v * np + j) * np + i];
          if (!isfinite(a)) finite = 0;
          if (fabs(a + b) > worst) worst = fabs(a + b);
          if (fabs(a) > big) big = fabs(a);
        }
    CHECK(finite, "%s: N has non-finite entries", argv[1]);
    CHECK(worst <= 1e-10, "%s: N is not antisymmetric: max |N_ij + N_ji| = %.3g (max |N| %.3g)", argv[1], worst,
          big);
    printf("%s: %d projectors, max |N| = %.6g /Bohr, max |N_ij + N_ji| = %.3g\n", d.symbol, np, big, worst);
    CHECK(write_matrix(argv[2], N, np), "cannot write %s", argv[2]);
  } else if (N) {
    CHECK(0, "pp_nabla_build: %s", err.msg);
  }
  free(N);
  pp_pawdata_free(&d);
  return CHECK_DONE("nabla");
}
