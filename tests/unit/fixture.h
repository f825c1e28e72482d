/* A structure with storage of its own (no heap) for unit tests: up to
 * FX_MAXAT atoms of up to two species. */
#ifndef PAWPROJ_TEST_FIXTURE_H
#define PAWPROJ_TEST_FIXTURE_H

#include <string.h>

#include "pawproj/model/structure.h"

#define FX_MAXAT 16

typedef struct {
  pp_structure s;
  char species[2][PP_SPECIES_NAME];
  int count[2];
  int type[FX_MAXAT];
  double frac[FX_MAXAT][3];
} fixture;

/* sp1 may be NULL when nspecies is 1. */
static inline void fx_init(fixture *f, const double lat[3][3], int nspecies, const char *sp0, const char *sp1) {
  memset(f, 0, sizeof *f);
  memcpy(f->s.lattice, lat, sizeof f->s.lattice);
  f->s.nspecies = nspecies;
  strcpy(f->species[0], sp0);
  if (sp1) strcpy(f->species[1], sp1);
  f->s.species = f->species;
  f->s.count = f->count;
  f->s.type = f->type;
  f->s.frac = f->frac;
}

static inline void fx_add(fixture *f, int type, double x, double y, double z) {
  const int n = f->s.natoms++;
  f->type[n] = type;
  f->count[type]++;
  f->frac[n][0] = x, f->frac[n][1] = y, f->frac[n][2] = z;
}

#endif
