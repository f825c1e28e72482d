/* bandsel.h — which defect bands a command analyses. */
#ifndef PAWPROJ_BANDSEL_H
#define PAWPROJ_BANDSEL_H

#include "pawproj/core/error.h"
#include "pawproj/io/wavecar.h"

/* "N" or "N-M" with 1 <= N <= M into *first, *last (as written, no
 * bound); returns 0 and leaves them unchanged if malformed (also for
 * "0", "5-3", "3-", trailing characters). */
int pp_range_parse(const char *text, long *first, long *last);

/* Parses "N" or "N-M" (1-based, inclusive, as VASP counts) into the
 * 0-based half-open range [*lo, *hi) = [N-1, M); "all" is every band. Fails with PP_ERR_ARG
 * (message naming --bands, the text and, when M > nbands, the band count)
 * if malformed or out of range; *lo, *hi are then unchanged. */
pp_status pp_bandsel_parse(const char *text, int nbands, int *lo, int *hi,
                           pp_err *err);

/* pp_bandsel_parse with the option and the run its message names. */
pp_status pp_bandsel_parse_named(const char *option, const char *run, const char *text, int nbands, int *lo, int *hi,
                                 pp_err *err);

/* Default window, 0-based half-open [*lo, *hi): every band with an
 * eigenvalue (any spin, k) within ±halfwidth eV of the Fermi level (bound
 * included), always including, at every (spin, k), the highest band with
 * occupation > 0.5 and the band above it (if there is one; with no
 * occupied band, the first band). Never empty. */
void pp_bandsel_window(const pp_wavecar *wc, double halfwidth, int *lo,
                       int *hi);

#endif
