/* fuzz_ibzkpt — an IBZKPT (io/kweights, pp_kweights_ibzkpt, through
 * core/textfile). The count is taken from line 2 and the "WAVECAR's"
 * k-points from the lines after line 3 (the harness's own sscanf), so the
 * success path is reached. Checks: accepted weights are > 0 and sum to 1;
 * the same file read without k-points to compare gives the same weights;
 * k-points shifted by reciprocal lattice vectors are read too (success or
 * a clean failure); one k-point more than accepted is refused. */
#include "fuzz_lreal_check.h"
#include "pawproj/io/kweights.h"

#define MAXK 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

FZ_DEFINE_INITIALIZE

static int guess(const uint8_t *data, size_t size, double (*k)[3]) {
  char *t = fz_text(data, size);
  const char *p = strchr(t, '\n');
  long n = p ? strtol(p + 1, NULL, 10) : 1;
  if (n < 1 || n > MAXK) n = 1;
  p = p ? strchr(p + 1, '\n') : NULL; /* line 3 */
  for (int i = 0; i < n; i++) {
    p = p ? strchr(p + 1, '\n') : NULL;
    double w;
    if (!p || sscanf(p + 1, "%lf %lf %lf %lf", &k[i][0], &k[i][1], &k[i][2], &w) != 4)
      k[i][0] = k[i][1] = k[i][2] = 0;
  }
  free(t);
  return (int)n;
}

static int weights(const char *path, int nk, const double (*kf)[3], double *w) {
  pp_err e;
  pp_err_clear(&e);
  const pp_status st = pp_kweights_ibzkpt(path, nk, kf, w, &e);
  if (st != PP_OK) {
    fz_check_failure(st, &e, path);
    return 0;
  }
  fz_check_weights(w, nk);
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("IBZKPT", data, size);
  static double k[MAXK + 1][3], ks[MAXK + 1][3], w1[MAXK + 1], w2[MAXK + 1];
  const int nk = guess(data, size, k);
  const int ok = weights(path, nk, (const double(*)[3])k, w1);
  if (ok) {
    FZ_REQUIRE(weights(path, nk, NULL, w2), "accepted with k-points, refused without");
    FZ_REQUIRE(memcmp(w1, w2, sizeof *w1 * (size_t)nk) == 0, "weights depend on the k-point check");
  }
  for (int i = 0; i < nk; i++)
    for (int j = 0; j < 3; j++) ks[i][j] = k[i][j] + (double)((i + j) % 3 - 1);
  /* Not compared with ok: at the 1e-6 tolerance k and k + G round apart. */
  (void)weights(path, nk, (const double(*)[3])ks, w2);
  if (ok) FZ_REQUIRE(!weights(path, nk + 1, NULL, w2), "%d and %d k-points accepted", nk, nk + 1);
  return 0;
}
