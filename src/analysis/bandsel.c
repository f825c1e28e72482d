/* bandsel.c — defect band selection (see bandsel.h). */
#include "pawproj/analysis/bandsel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/bandstats.h"

int pp_range_parse(const char *text, long *first, long *last) {
  char *end;
  long a = strtol(text, &end, 10), b = a;
  if (end != text && *end == '-') {
    const char *p = end + 1;
    b = strtol(p, &end, 10);
    if (end == p) return 0;
  }
  if (end == text || *end || a < 1 || b < a) return 0;
  *first = a, *last = b;
  return 1;
}

pp_status pp_bandsel_parse_named(const char *option, const char *run, const char *text, int nbands, int *lo, int *hi,
                                 pp_err *err) {
  long a, b;
  if (strcmp(text, "all") == 0) {
    *lo = 0, *hi = nbands;
    return PP_OK;
  }
  if (!pp_range_parse(text, &a, &b))
    PP_FAIL(err, PP_ERR_ARG, "%s %s: expected N or N-M with 1 <= N <= M (1-based)", option, text);
  if (b > nbands)
    PP_FAIL(err, PP_ERR_ARG, "%s %s: band %ld is out of range; the %s WAVECAR has %d bands", option, text, b, run,
            nbands);
  *lo = (int)a - 1;
  *hi = (int)b;
  return PP_OK;
}

pp_status pp_bandsel_parse(const char *text, int nbands, int *lo, int *hi, pp_err *err) {
  return pp_bandsel_parse_named("--bands", "defect", text, nbands, lo, hi, err);
}

void pp_bandsel_window(const pp_wavecar *wc, double halfwidth, int *lo, int *hi) {
  int l = wc->nbands, h = -1;
  for (int s = 0; s < wc->nspin; s++)
    for (int k = 0; k < wc->nkpts; k++) {
      int homo = -1;
      for (int b = 0; b < wc->nbands; b++) {
        const int64_t i = pp_wavecar_idx(wc, s, k, b);
        if (wc->occ[i] > PP_OCC_VALENCE) homo = b;
        if (fabs(wc->eig[i] - wc->efermi) <= halfwidth) {
          if (b < l) l = b;
          if (b > h) h = b;
        }
      }
      const int lumo = homo + 1 < wc->nbands ? homo + 1 : homo;
      if (homo >= 0 && homo < l) l = homo;
      if (lumo > h) h = lumo;
      if (homo < 0 && l > 0) l = 0;
    }
  if (h < l) h = l;
  *lo = l;
  *hi = h + 1;
}
