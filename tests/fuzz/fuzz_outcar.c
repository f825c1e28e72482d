/* fuzz_outcar — an OUTCAR: LREAL detection and FFT grid (io/lreal, first
 * 20000 lines), and the k-point weights list (io/kweights,
 * pp_kweights_outcar). The "WAVECAR's" k-points given to the weights
 * reader are taken from the input itself (up to 64 lines after the list
 * header that hold four numbers, so the success path is reached), then
 * the same call is made with one k-point more than the file lists, which
 * must fail. */
#include "fuzz_lreal_check.h"
#include "pawproj/io/kweights.h"

#define MAXK 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

FZ_DEFINE_INITIALIZE

/* The harness's own rough look at the list: sscanf per line. */
static int guess_kpoints(const uint8_t *data, size_t size, double (*k)[3]) {
  char *t = fz_text(data, size);
  int n = 0;
  const char *p = strstr(t, "k-points in reciprocal lattice and weights");
  if (p) p = strchr(p, '\n');
  while (p && n < MAXK) {
    p++;
    double w;
    if (sscanf(p, "%lf %lf %lf %lf", &k[n][0], &k[n][1], &k[n][2], &w) != 4) break;
    n++;
    p = strchr(p, '\n');
  }
  free(t);
  return n;
}

static void weights(const char *path, int nk, const double (*kf)[3], int must_fail) {
  double w[MAXK + 1];
  pp_err e;
  pp_err_clear(&e);
  const pp_status st = pp_kweights_outcar(path, nk, kf, w, &e);
  if (st != PP_OK) {
    fz_check_failure(st, &e, path);
    return;
  }
  FZ_REQUIRE(!must_fail, "%d k-points accepted from a list the harness saw %d in", nk, nk - 1);
  fz_check_weights(w, nk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("OUTCAR", data, size);
  fz_lreal(path);
  double k[MAXK + 1][3];
  memset(k, 0, sizeof k);
  int nk = guess_kpoints(data, size, k);
  if (nk == 0) nk = 1;
  weights(path, nk, (const double(*)[3])k, 0);
  /* One more than the harness found must fail: every line the reader
   * accepts (exactly four finite numbers) the harness's sscanf counts too.
   * Not with a NUL byte in the input, where strstr and getline differ. */
  if (nk < MAXK) weights(path, nk + 1, (const double(*)[3])k, memchr(data, 0, size) == NULL);
  return 0;
}
