/* numfmt.h — printf's "%*.*E" of a double, fast.
 *
 * Volumetric files hold tens of millions of numbers; glibc's printf
 * formats each exactly with multi-precision arithmetic, which cost more
 * than the transforms that computed them (docs/performance.md, "Real
 * space"). pp_fmt_e writes the same characters as
 * snprintf(out, PP_FMT_E_MAX, "%*.*E", width, prec, v) for every double:
 * it scales by an exact power of ten in extended precision, and where the
 * rounding digit is too close to a tie for that to decide, or v is not
 * finite, or the power is beyond the exact ones, it calls snprintf.
 */
#ifndef PAWPROJ_NUMFMT_H
#define PAWPROJ_NUMFMT_H

#define PP_FMT_E_MAX 48

/* Writes v as "%*.*E" with 1 <= prec <= 15 and width <= 40 into out
 * (PP_FMT_E_MAX bytes), NUL-terminated; returns the length. */
int pp_fmt_e(char *out, double v, int prec, int width);

#endif
