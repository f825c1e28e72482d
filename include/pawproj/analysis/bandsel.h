/* bandsel.h — which defect bands a command analyses. */
#ifndef PAWPROJ_BANDSEL_H
#define PAWPROJ_BANDSEL_H

#include "pawproj/core/error.h"
#include "pawproj/io/wavecar.h"

/* Parses "N" or "N-M" (1-based, inclusive, as VASP counts) into the
 * 0-based half-open range [*lo, *hi), checked against nbands. */
/* "N" or "N-M" with 1 <= N <= M into *first, *last; 0 if malformed. */
int pp_range_parse(const char *text, long *first, long *last);

pp_status pp_bandsel_parse(const char *text, int nbands, int *lo, int *hi,
                           pp_err *err);

/* Default window: every band with an eigenvalue (any spin, k) within
 * ±halfwidth eV of the Fermi level, always including the highest band with
 * occupation > 0.5 and the band above it. */
void pp_bandsel_window(const pp_wavecar *wc, double halfwidth, int *lo,
                       int *hi);

#endif
