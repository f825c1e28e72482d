/* numfmt.c — "%*.*E" without printf's multi-precision path (see numfmt.h). */
#include "pawproj/core/numfmt.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* 10^k for k <= 27 is exact in x87 extended precision (5^27 < 2^64). */
static const long double pow10l_exact[28] = {
    1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
    1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};

/* The prec + 1 significant digits of a > 0 rounded to nearest, and its
 * decimal exponent; 0 where this cannot be decided exactly. */
static int digits_of(double a, int prec, uint64_t *digits, int *exp10) {
  if (LDBL_MANT_DIG < 64) return 0; /* no x87 extended precision: printf decides */
  /* log10(a) lies in [(b − 1)·log10 2, b·log10 2) for a = f·2^b, f in
   * [½, 1): a guess at most one too small, corrected below. */
  int b;
  (void)frexp(a, &b);
  int e = (int)floor((b - 1) * 0.30102999566398120);
  const long double lo = pow10l_exact[prec], hi = pow10l_exact[prec + 1];
  for (int tries = 0; tries < 3; tries++) {
    const int k = prec - e;
    if (k > 27 || k < -27) return 0;
    /* One correctly rounded operation on exact operands: relative error
     * at most 2^-64. */
    const long double s = k >= 0 ? (long double)a * pow10l_exact[k] : (long double)a / pow10l_exact[-k];
    if (s < lo) {
      e--;
      continue;
    }
    if (s >= hi) {
      e++;
      continue;
    }
    const long double whole = floorl(s), frac = s - whole;
    /* Far enough from a tie that the error cannot move the rounding. */
    if (fabsl(frac - 0.5L) <= s * 0x1p-60L) return 0;
    uint64_t d = (uint64_t)whole + (frac > 0.5L);
    if ((long double)d >= hi) { /* 9.99…95 rounded up to the next decade */
      d = (uint64_t)lo;
      e++;
    }
    *digits = d;
    *exp10 = e;
    return 1;
  }
  return 0;
}

int pp_fmt_e(char *out, double v, int prec, int width) {
  if (!isfinite(v) || prec < 1 || prec > 15 || width > 40) return snprintf(out, PP_FMT_E_MAX, "%*.*E", width, prec, v);
  char body[PP_FMT_E_MAX];
  int len = 0;
  if (signbit(v)) body[len++] = '-';
  const double a = fabs(v);
  uint64_t d = 0;
  int e = 0;
  if (a != 0 && !digits_of(a, prec, &d, &e)) return snprintf(out, PP_FMT_E_MAX, "%*.*E", width, prec, v);
  char dig[20];
  for (int i = prec; i >= 0; i--, d /= 10) dig[i] = (char)('0' + d % 10);
  body[len++] = dig[0];
  body[len++] = '.';
  memcpy(body + len, dig + 1, (size_t)prec);
  len += prec;
  body[len++] = 'E';
  body[len++] = e < 0 ? '-' : '+';
  const int ae = e < 0 ? -e : e;
  if (ae >= 100) body[len++] = (char)('0' + ae / 100);
  body[len++] = (char)('0' + ae / 10 % 10);
  body[len++] = (char)('0' + ae % 10);
  const int pad = width > len ? width - len : 0;
  memset(out, ' ', (size_t)pad);
  memcpy(out + pad, body, (size_t)len);
  out[pad + len] = '\0';
  return pad + len;
}
