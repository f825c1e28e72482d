/* G-vector generation against an independent brute-force count and the
 * symmetry facts of the Gamma-only half spheres. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pawproj/model/gvec.h"
#include "pawproj/model/lattice.h"

/* Brute force over a generous box, written independently of gvec.c. */
static long brute_count(const double a[3][3], double encut, const double k[3]) {
  double b[3][3];
  pp_lat_reciprocal(a, b);
  long n = 0;
  const int L = 40;
  for (int x = -L; x <= L; x++)
    for (int y = -L; y <= L; y++)
      for (int z = -L; z <= L; z++) {
        double q[3] = {0, 0, 0};
        for (int j = 0; j < 3; j++) q[j] = (k[0] + x) * b[0][j] + (k[1] + y) * b[1][j] + (k[2] + z) * b[2][j];
        if ((q[0] * q[0] + q[1] * q[1] + q[2] * q[2]) / PP_VASP_C < encut) n++;
      }
  return n;
}

static int fft_rank(int g) { return g >= 0 ? g : 100000 + g; }

int main(void) {
  pp_err e;
  pp_err_clear(&e);
  const double tric[3][3] = {{4.35, 0.01, 0}, {-2.1, 3.81, 0}, {0.3, 0.2, 4.4}};
  const double kpts[3][3] = {{0, 0, 0}, {0.25, 0.25, 0.25}, {-0.25, 0.5, 0.125}};
  for (int i = 0; i < 3; i++) {
    int64_t n;
    CHECK(pp_gvec_generate(tric, 320, kpts[i], PP_VARIANT_STANDARD, NULL, 0, &n, &e) == PP_OK, "count");
    long want = brute_count(tric, 320, kpts[i]);
    CHECK(n == want, "k%d: %lld G vectors, brute force %ld", i, (long long)n, want);
  }
  /* Gamma halves: x-half and z-half each hold (N+1)/2 vectors; with their
   * negatives (minus G=0) they rebuild the full sphere. */
  const double k0[3] = {0, 0, 0};
  int64_t nfull, nx, nz;
  pp_gvec_generate(tric, 400, k0, PP_VARIANT_STANDARD, NULL, 0, &nfull, &e);
  int(*full)[3] = malloc(sizeof *full * (size_t)nfull);
  int(*hx)[3] = malloc(sizeof *hx * (size_t)nfull);
  int(*hz)[3] = malloc(sizeof *hz * (size_t)nfull);
  pp_gvec_generate(tric, 400, k0, PP_VARIANT_STANDARD, full, nfull, &nfull, &e);
  pp_gvec_generate(tric, 400, k0, PP_VARIANT_GAMMA_X, hx, nfull, &nx, &e);
  pp_gvec_generate(tric, 400, k0, PP_VARIANT_GAMMA_Z, hz, nfull, &nz, &e);
  CHECK(nx == (nfull + 1) / 2 && nz == nx, "half counts %lld %lld of %lld", (long long)nx, (long long)nz,
        (long long)nfull);
  CHECK(hx[0][0] == 0 && hx[0][1] == 0 && hx[0][2] == 0, "G=0 first (x half)");
  CHECK(hz[0][0] == 0 && hz[0][1] == 0 && hz[0][2] == 0, "G=0 first (z half)");
  int bad_x = 0, bad_z = 0, bad_order = 0;
  for (int64_t i = 0; i < nx; i++) {
    bad_x += hx[i][0] < 0 || (hx[i][0] == 0 && (hx[i][1] < 0 || (hx[i][1] == 0 && hx[i][2] < 0)));
    bad_z += hz[i][2] < 0 || (hz[i][2] == 0 && (hz[i][1] < 0 || (hz[i][1] == 0 && hz[i][0] < 0)));
  }
  CHECK(!bad_x && !bad_z, "half-sphere membership (%d, %d bad)", bad_x, bad_z);
  /* File order: z outer, then y, then x, each in FFT order 0..n, -n..-1. */
  for (int64_t i = 1; i < nfull; i++) {
    const int *p = full[i - 1], *q = full[i];
    long kp = ((long)fft_rank(p[2]) * 200000 + fft_rank(p[1])) * 200000 + fft_rank(p[0]);
    long kq = ((long)fft_rank(q[2]) * 200000 + fft_rank(q[1])) * 200000 + fft_rank(q[0]);
    bad_order += kq <= kp;
  }
  CHECK(!bad_order, "FFT file order (%d violations)", bad_order);
  /* x half ∪ -(x half \ {0}) = full sphere, as sets. */
  char *seen = calloc((size_t)nfull, 1);
  int missing = 0;
  for (int64_t i = 0; i < nx; i++)
    for (int sgn = 1; sgn >= -1; sgn -= 2) {
      if (i == 0 && sgn < 0) continue;
      int found = 0;
      for (int64_t j = 0; j < nfull && !found; j++)
        if (full[j][0] == sgn * hx[i][0] && full[j][1] == sgn * hx[i][1] && full[j][2] == sgn * hx[i][2]) {
          found = 1;
          seen[j]++;
        }
      missing += !found;
    }
  int twice = 0, never = 0;
  for (int64_t j = 0; j < nfull; j++) twice += seen[j] > 1, never += seen[j] == 0;
  CHECK(!missing && !twice && !never, "x half and its mirror tile the sphere (%d %d %d)", missing, twice, never);
  free(seen);
  free(full);
  free(hx);
  free(hz);
  int64_t n;
  CHECK(pp_gvec_generate(tric, -5, k0, PP_VARIANT_STANDARD, NULL, 0, &n, &e) == PP_ERR_FORMAT, "negative ENCUT");
  pp_variant v;
  pp_err_clear(&e);
  CHECK(pp_variant_parse("gamma-z", &v, &e) == PP_OK && v == PP_VARIANT_GAMMA_Z, "parse gamma-z");
  CHECK(pp_variant_parse("bogus", &v, &e) == PP_ERR_ARG, "unknown variant");
  return CHECK_DONE("test_gvec");
}
