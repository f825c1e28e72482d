/* POSCAR / CONTCAR parsing, including the error messages. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "pawproj/io/poscar.h"

static const char *vasp5_direct =
    "Si8 test\n 1.0\n 5.43 0 0\n 0 5.43 0\n 0 0 5.43\n Si\n 2\nDirect\n"
    " 0 0 0\n 0.25 0.25 0.25\n";
static const char *cart_scaled =
    "title\n 2.0\n 1 0 0\n 0 2 0\n 0 0 3\n Ga As\n 1 1\nSelective dynamics\nCartesian\n"
    " 0 0 0 T T T\n 1 2 3 F F F\n";
static const char *vasp4 = "Ga As\n 1.0\n 3 0 0\n 0 3 0\n 0 0 3\n 1 1\nD\n 0 0 0\n .5 .5 .5\n";

int main(void) {
  pp_err e;
  pp_err_clear(&e);
  pp_structure s;
  CHECK(pp_poscar_parse(vasp5_direct, "t1", &s, &e) == PP_OK, "vasp5 direct: %s", e.msg);
  CHECK(s.natoms == 2 && s.nspecies == 1 && !strcmp(s.species[0], "Si"), "counts/species");
  CHECK(fabs(s.frac[1][2] - 0.25) < 1e-15 && fabs(s.lattice[2][2] - 5.43) < 1e-15, "values");
  pp_structure_free(&s);

  CHECK(pp_poscar_parse(cart_scaled, "t2", &s, &e) == PP_OK, "cartesian: %s", e.msg);
  /* lattice diag (2,4,6); atom 2 at Cartesian (2,4,6) Å → fractional (1,1,1) */
  CHECK(fabs(s.lattice[1][1] - 4) < 1e-14, "scaled lattice");
  CHECK(fabs(s.frac[1][0] - 1) < 1e-14 && fabs(s.frac[1][1] - 1) < 1e-14 && fabs(s.frac[1][2] - 1) < 1e-14,
        "scaled cartesian → fractional (%g %g %g)", s.frac[1][0], s.frac[1][1], s.frac[1][2]);
  CHECK(s.type[1] == 1 && !strcmp(s.species[1], "As"), "species order");
  pp_structure_free(&s);

  CHECK(pp_poscar_parse(vasp4, "t3", &s, &e) == PP_OK, "vasp4: %s", e.msg);
  CHECK(!strcmp(s.species[0], "Ga") && !strcmp(s.species[1], "As"), "vasp4 species from title");
  pp_structure_free(&s);

  /* Negative scale = target volume. */
  CHECK(pp_poscar_parse("v\n -27\n 1 0 0\n 0 1 0\n 0 0 1\n H\n 1\nD\n 0 0 0\n", "t4", &s, &e) == PP_OK,
        "volume scale");
  CHECK(fabs(s.lattice[0][0] - 3) < 1e-12, "volume scale gives a=3 (%g)", s.lattice[0][0]);
  pp_structure_free(&s);

  struct {
    const char *text, *needle;
  } bad[] = {
      {"t\n 1.0\n 1 0 0\n 0 1 0\n", "line 4"},
      {"t\n 1.0\n 1 0 0\n 0 1 0\n 0 0 1\n Si\n 2\nDirect\n 0 0 0\n", "line 9"},
      {"t\n 1.0\n 1 0 0\n 0 1 0\n 0 0 1\n Si Ge\n 2\nDirect\n 0 0 0\n 0 0 0\n", "species names"},
      {"t\n 1.0\n 1 0 0\n 0 1 0\n 0 0 1\n Si\n 0\nDirect\n", "positive integer"},
      {"t\n 1.0\n 1 0 0\n 0 1 0\n 0 0 1\n Si\n 1\nBogus\n 0 0 0\n", "Direct"},
      {"t\n 1.0\n 1 0 0\n 2 0 0\n 0 0 1\n Si\n 1\nD\n 0 0 0\n", "degenerate"},
      {"t\n abc\n", "scale factor"},
      {"t\n 1.0\n 1 0 0\n 0 1 x\n 0 0 1\n", "line 4"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    pp_err_clear(&e);
    pp_status st = pp_poscar_parse(bad[i].text, "bad.vasp", &s, &e);
    CHECK(st == PP_ERR_FORMAT && strstr(e.msg, "bad.vasp") && strstr(e.msg, bad[i].needle),
          "bad case %zu: status %d, message \"%s\" should mention \"%s\"", i, st, e.msg, bad[i].needle);
  }
  pp_err_clear(&e);
  CHECK(pp_poscar_read("/nonexistent/POSCAR", &s, &e) == PP_ERR_IO && strstr(e.msg, "/nonexistent/POSCAR"),
        "missing file: %s", e.msg);
  return CHECK_DONE("test_poscar");
}
