/* fuzz_vasprun — a vasprun.xml: k-point weights (io/kweights,
 * pp_kweights_vasprun) and LREAL / FFT grid detection (io/lreal, the
 * incar and parameters blocks before <calculation>). The weights are read
 * for the count of <v> entries the harness sees in the weights varray and
 * for one more; a reader that accepts one count must refuse the other. */
#include "fuzz_lreal_check.h"
#include "pawproj/io/kweights.h"

#define MAXK 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

FZ_DEFINE_INITIALIZE

static int count_v(const uint8_t *data, size_t size) {
  char *t = fz_text(data, size);
  int n = 0;
  const char *p = strstr(t, "name=\"weights\"");
  const char *end = p ? strstr(p, "</varray>") : NULL;
  for (const char *q = p ? strstr(p, "<v>") : NULL; q && end && q < end && n < MAXK; q = strstr(q + 3, "<v>")) n++;
  free(t);
  return n ? n : 1;
}

/* Returns 1 if the weights of nk k-points were accepted. */
static int weights(const char *path, int nk) {
  static double w[MAXK + 1];
  pp_err e;
  pp_err_clear(&e);
  const pp_status st = pp_kweights_vasprun(path, nk, w, &e);
  if (st != PP_OK) {
    fz_check_failure(st, &e, path);
    return 0;
  }
  fz_check_weights(w, nk);
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("vasprun.xml", data, size);
  fz_lreal(path);
  const int nk = count_v(data, size);
  const int a = weights(path, nk), b = weights(path, nk + 1);
  FZ_REQUIRE(!(a && b), "both %d and %d k-point weights accepted", nk, nk + 1);
  return 0;
}
