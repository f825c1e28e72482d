/* fuzz_potcar — VASP POTCAR layout (io/potcar through core/textfile, so
 * gzip inputs are read too): every accepted dataset must satisfy
 * fz_check_pawdata, plus the POTCAR specifics (a logarithmic grid of >= 8
 * points, reciprocal and real-space tables of >= 4 points). */
#include "fuzz_pawdata_check.h"
#include "pawproj/io/potcar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

FZ_DEFINE_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("POTCAR", data, size);
  pp_err e;
  pp_err_clear(&e);
  pp_pawdata *sets = NULL;
  int n = -1;
  const pp_status st = pp_potcar_read(path, &sets, &n, &e);
  if (st != PP_OK) {
    fz_check_failure(st, &e, path);
    FZ_REQUIRE(!sets && n == 0, "datasets left after a failure");
    return 0;
  }
  FZ_REQUIRE(n >= 1 && sets, "success without a dataset");
  for (int i = 0; i < n; i++) {
    const pp_pawdata *d = &sets[i];
    fz_check_pawdata(d);
    FZ_REQUIRE(d->ng >= 8 && d->nqtab >= 4 && d->nrtab >= 4 && d->drq, "POTCAR tables");
    for (int g = 1; g < d->ng; g++) FZ_REQUIRE(d->r[g] > d->r[g - 1] && d->r[0] > 0, "grid");
    pp_pawdata_free(&sets[i]);
  }
  free(sets);
  return 0;
}
