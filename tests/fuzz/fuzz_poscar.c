/* fuzz_poscar — POSCAR / CONTCAR text (io/poscar, in memory through
 * pp_poscar_parse; the file path of pp_poscar_read is covered by the text
 * readers of the other targets). An accepted structure must have atoms,
 * species that count them, a non-degenerate finite lattice and finite
 * fractional positions. */
#include <math.h>

#include "fuzz_common.h"
#include "pawproj/io/poscar.h"
#include "pawproj/model/lattice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

FZ_DEFINE_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *name = "fuzz/POSCAR";
  char *text = fz_text(data, size);
  pp_err e;
  pp_err_clear(&e);
  pp_structure s;
  const pp_status st = pp_poscar_parse(text, name, &s, &e);
  if (st != PP_OK) {
    fz_check_failure(st, &e, name);
    FZ_REQUIRE(!s.count && !s.species && !s.type && !s.frac, "arrays left after a failure");
  } else {
    FZ_REQUIRE(s.natoms > 0 && s.nspecies > 0, "natoms %d nspecies %d", s.natoms, s.nspecies);
    FZ_REQUIRE(fz_terminated(s.title, sizeof s.title), "title");
    int total = 0;
    for (int t = 0; t < s.nspecies; t++) {
      FZ_REQUIRE(s.count[t] > 0, "count[%d] = %d", t, s.count[t]);
      FZ_REQUIRE(fz_terminated(s.species[t], PP_SPECIES_NAME) && s.species[t][0], "species %d", t);
      total += s.count[t];
    }
    FZ_REQUIRE(total == s.natoms, "counts sum to %d, natoms %d", total, s.natoms);
    for (int i = 0; i < 9; i++) FZ_REQUIRE(isfinite(s.lattice[i / 3][i % 3]), "lattice");
    const double vol = pp_lat_volume(s.lattice);
    FZ_REQUIRE(isfinite(vol) && fabs(vol) > 0, "volume %g", vol);
    for (int a = 0; a < s.natoms; a++) {
      FZ_REQUIRE(s.type[a] >= 0 && s.type[a] < s.nspecies, "type[%d] = %d", a, s.type[a]);
      for (int j = 0; j < 3; j++) FZ_REQUIRE(isfinite(s.frac[a][j]), "frac[%d][%d] = %g", a, j, s.frac[a][j]);
    }
    pp_structure_free(&s);
  }
  free(text);
  return 0;
}
