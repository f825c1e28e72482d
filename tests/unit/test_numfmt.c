/* pp_fmt_e against glibc's printf, the reference it must equal character
 * for character: random bit patterns (every exponent, subnormals, zeros,
 * infinities, NaNs), values of densities' range, decimal ties and values
 * one ulp either side of them, and decade boundaries (9.99…95). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pawproj/core/numfmt.h"

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static long bad;
static void one(double v, int prec, int width) {
  char a[PP_FMT_E_MAX], b[PP_FMT_E_MAX];
  const int la = pp_fmt_e(a, v, prec, width), lb = snprintf(b, sizeof b, "%*.*E", width, prec, v);
  if (la != lb || strcmp(a, b)) {
    if (bad++ < 10) fprintf(stderr, "%%%d.%dE of %a: got '%s', printf '%s'\n", width, prec, v, a, b);
  }
}

static void around(double v, int prec, int width) {
  one(v, prec, width);
  one(nextafter(v, INFINITY), prec, width);
  one(nextafter(v, -INFINITY), prec, width);
  one(-v, prec, width);
}

int main(void) {
  const int fmts[][2] = {{11, 18}, {6, 13}, {15, 0}, {1, 0}};
  long n = 0;
  for (size_t f = 0; f < sizeof fmts / sizeof *fmts; f++) {
    const int prec = fmts[f][0], width = fmts[f][1];
    for (int i = 0; i < 300000; i++, n++) {
      uint64_t u = next();
      double v;
      memcpy(&v, &u, sizeof v);
      one(v, prec, width);
    }
    for (int i = 0; i < 300000; i++, n++) { /* densities: 1e-30 .. 1e6 */
      const double v = pow(10, -30 + 36 * (double)(next() >> 11) / 9007199254740992.0);
      one(v, prec, width);
      one(-v, prec, width);
    }
    char txt[64];
    for (int i = 0; i < 50000; i++, n += 4) { /* ties: prec + 2 digits ending in 5 */
      const uint64_t m = next() % 100000000000000000ull;
      snprintf(txt, sizeof txt, "%llu5e%d", (unsigned long long)(m % (uint64_t)pow(10, prec + 1)),
               (int)(next() % 60) - 40);
      around(strtod(txt, NULL), prec, width);
    }
    for (int e = -40; e <= 40; e++, n += 4) { /* 9.99…9 at every decade */
      snprintf(txt, sizeof txt, "9.99999999999999999e%d", e);
      around(strtod(txt, NULL), prec, width);
      around(pow(10, e), prec, width);
    }
    const double special[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 5e-324, 1.7976931348623157e308, 0.5, 1, 10};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++, n++) one(special[i], prec, width);
  }
  CHECK(bad == 0, "%ld of %ld values formatted differently from printf", bad, n);
  return CHECK_DONE("test_numfmt");
}
