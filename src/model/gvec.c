/* gvec.c — VASP's plane-wave basis (see gvec.h). */
#include "pawproj/model/gvec.h"

#include <math.h>
#include <string.h>

#include "pawproj/core/units.h"
#include "pawproj/model/lattice.h"

const char *pp_variant_name(pp_variant v) {
  switch (v) {
    case PP_VARIANT_AUTO: return "auto";
    case PP_VARIANT_STANDARD: return "standard";
    case PP_VARIANT_GAMMA_X: return "gamma-x";
    case PP_VARIANT_GAMMA_Z: return "gamma-z";
    case PP_VARIANT_NONCOLLINEAR: return "noncollinear";
  }
  return "?";
}

int pp_variant_is_gamma(pp_variant v) {
  return v == PP_VARIANT_GAMMA_X || v == PP_VARIANT_GAMMA_Z;
}

pp_status pp_variant_parse(const char *text, pp_variant *v, pp_err *err) {
  static const struct {
    const char *name;
    pp_variant v;
  } names[] = {{"auto", PP_VARIANT_AUTO},
               {"standard", PP_VARIANT_STANDARD},
               {"std", PP_VARIANT_STANDARD},
               {"gamma-x", PP_VARIANT_GAMMA_X},
               {"gam", PP_VARIANT_GAMMA_X},
               {"gamma-z", PP_VARIANT_GAMMA_Z},
               {"noncollinear", PP_VARIANT_NONCOLLINEAR},
               {"ncl", PP_VARIANT_NONCOLLINEAR}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(text, names[i].name) == 0) {
      *v = names[i].v;
      return PP_OK;
    }
  PP_FAIL(err, PP_ERR_ARG,
          "unknown WAVECAR variant '%s' (expected auto, standard, gamma-x, "
          "gamma-z or noncollinear)",
          text);
}

/* Position i of the FFT-ordered range 0..n, -n..-1. */
static inline int fft_index(int i, int n) { return i <= n ? i : i - 2 * n - 1; }

pp_status pp_gvec_generate(const double lattice[3][3], double encut,
                           const double kfrac[3], pp_variant v,
                           int (*miller)[3], int64_t cap, int64_t *n,
                           pp_err *err) {
  *n = 0;
  double b[3][3];
  if (pp_lat_reciprocal(lattice, b) != 0)
    PP_FAIL(err, PP_ERR_FORMAT, "singular lattice: cannot build G vectors");
  if (!(encut > 0) || !isfinite(encut))
    PP_FAIL(err, PP_ERR_FORMAT, "ENCUT %g eV is not positive", encut);
  const double qmax = sqrt(encut * PP_VASP_C);
  int nmax[3];
  for (int i = 0; i < 3; i++) {
    /* (k+G)·a_i = 2π (k_i + G_i), bounded by qmax |a_i|. */
    double bound = qmax * pp_vec_norm(lattice[i]) / (2.0 * M_PI) + fabs(kfrac[i]);
    if (bound > 1e5)
      PP_FAIL(err, PP_ERR_FORMAT,
              "ENCUT %g eV with this cell gives more than 1e5 G vectors along "
              "a lattice direction; header values are implausible",
              encut);
    nmax[i] = (int)floor(bound) + 1;
  }
  const int gx_half = v == PP_VARIANT_GAMMA_X, gz_half = v == PP_VARIANT_GAMMA_Z;
  const int nz_loop = gz_half ? nmax[2] + 1 : 2 * nmax[2] + 1;
  const int nx_loop = gx_half ? nmax[0] + 1 : 2 * nmax[0] + 1;
  int64_t count = 0;
  for (int iz = 0; iz < nz_loop; iz++) {
    const int gz = fft_index(iz, nmax[2]);
    for (int iy = 0; iy < 2 * nmax[1] + 1; iy++) {
      const int gy = fft_index(iy, nmax[1]);
      for (int ix = 0; ix < nx_loop; ix++) {
        const int gx = fft_index(ix, nmax[0]);
        if (gx_half && gx == 0 && (gy < 0 || (gy == 0 && gz < 0))) continue;
        if (gz_half && gz == 0 && (gy < 0 || (gy == 0 && gx < 0))) continue;
        const double f[3] = {kfrac[0] + gx, kfrac[1] + gy, kfrac[2] + gz};
        double q2 = 0;
        for (int j = 0; j < 3; j++) {
          const double qj = f[0] * b[0][j] + f[1] * b[1][j] + f[2] * b[2][j];
          q2 += qj * qj;
        }
        if (q2 / PP_VASP_C >= encut) continue;
        if (miller) {
          if (count >= cap)
            PP_FAIL(err, PP_ERR_INTERNAL,
                    "G-vector table of %lld entries is too small",
                    (long long)cap);
          miller[count][0] = gx;
          miller[count][1] = gy;
          miller[count][2] = gz;
        }
        count++;
      }
    }
  }
  *n = count;
  return PP_OK;
}

void pp_gvec_cartesian(const double lattice[3][3], const double kfrac[3], const int (*miller)[3], int64_t n,
                       double *q) {
  double b[3][3];
  pp_lat_reciprocal(lattice, b);
  for (int64_t g = 0; g < n; g++) {
    const double f[3] = {kfrac[0] + miller[g][0], kfrac[1] + miller[g][1], kfrac[2] + miller[g][2]};
    for (int j = 0; j < 3; j++) q[3 * g + j] = (f[0] * b[0][j] + f[1] * b[1][j] + f[2] * b[2][j]) * PP_BOHR_A;
  }
}
