/* structure.c — the structure noun (see structure.h). */
#include "pawproj/model/structure.h"

#include <stdlib.h>
#include <string.h>

void pp_structure_free(pp_structure *s) {
  free(s->species);
  free(s->count);
  free(s->type);
  free(s->frac);
  memset(s, 0, sizeof *s);
}
