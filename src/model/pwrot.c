/* pwrot.c — rotated plane-wave coefficients on the target G list (see
 * pwrot.h). The target list is indexed through a dense box of its Miller
 * indices (the size of the FFT box the sphere fits in). */
#include "pawproj/model/pwrot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pp_pwmap_free(pp_pwmap *m) {
  if (!m) return;
  free(m->dst);
  free(m->phase);
  memset(m, 0, sizeof *m);
}

void pp_pwmap_apply(const pp_pwmap *m, const double complex *in, double complex *out) {
  if (m->tr)
    for (int64_t g = 0; g < m->n; g++) out[m->dst[g]] = m->phase[g] * conj(in[g]);
  else
    for (int64_t g = 0; g < m->n; g++) out[m->dst[g]] = m->phase[g] * in[g];
}

pp_status pp_pwmap_build(const int (*src)[3], int64_t nsrc, const double ksrc[3], const int (*dst)[3],
                         int64_t ndst, const pp_symop *op, int tr, const int G0[3], pp_pwmap *m, pp_err *err) {
  memset(m, 0, sizeof *m);
  if (nsrc != ndst)
    PP_FAIL(err, PP_ERR_MISMATCH,
            "rotating plane waves: the source k-point has %lld G vectors, the target %lld; a rotation maps the "
            "cutoff sphere onto itself, so the target is not the image of the source",
            (long long)nsrc, (long long)ndst);
  if (nsrc < 1) PP_FAIL(err, PP_ERR_ARG, "rotating plane waves: empty G list");
  int lo[3] = {dst[0][0], dst[0][1], dst[0][2]}, hi[3] = {lo[0], lo[1], lo[2]};
  for (int64_t g = 1; g < ndst; g++)
    for (int i = 0; i < 3; i++) {
      if (dst[g][i] < lo[i]) lo[i] = dst[g][i];
      if (dst[g][i] > hi[i]) hi[i] = dst[g][i];
    }
  const int64_t nx = hi[0] - lo[0] + 1, ny = hi[1] - lo[1] + 1, nz = hi[2] - lo[2] + 1;
  int64_t *box = malloc(sizeof *box * (size_t)(nx * ny * nz));
  m->dst = malloc(sizeof *m->dst * (size_t)nsrc);
  m->phase = malloc(sizeof *m->phase * (size_t)nsrc);
  char *hit = calloc((size_t)ndst, 1);
  pp_status st = PP_OK;
  if (!box || !m->dst || !m->phase || !hit) {
    st = pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__, "rotating plane waves: out of memory for %lld G vectors",
                    (long long)nsrc);
    goto done;
  }
  for (int64_t i = 0; i < nx * ny * nz; i++) box[i] = -1;
  for (int64_t g = 0; g < ndst; g++)
    box[((dst[g][2] - lo[2]) * ny + (dst[g][1] - lo[1])) * nx + (dst[g][0] - lo[0])] = g;
  m->n = nsrc;
  m->tr = tr ? 1 : 0;
  const double s = tr ? -1.0 : 1.0;
  const double twopi = 2.0 * 3.14159265358979323846;
  double kp[3];
  pp_symop_rotate_k(op, ksrc, kp);
  for (int64_t g = 0; g < nsrc; g++) {
    int Gp[3], Gt[3], inside = 1;
    for (int i = 0; i < 3; i++) {
      Gp[i] = op->Rk[i][0] * src[g][0] + op->Rk[i][1] * src[g][1] + op->Rk[i][2] * src[g][2];
      Gt[i] = (int)s * Gp[i] - G0[i];
      if (Gt[i] < lo[i] || Gt[i] > hi[i]) inside = 0;
    }
    const int64_t t = inside ? box[((Gt[2] - lo[2]) * ny + (Gt[1] - lo[1])) * nx + (Gt[0] - lo[0])] : -1;
    if (t < 0)
      PP_THROW(PP_ERR_MISMATCH,
               "rotating plane waves: source G %lld (%d, %d, %d) goes to (%d, %d, %d), which is not in the target "
               "k-point's G list (a G on the cutoff sphere, or the target is not s·Rk·k + G0)",
               (long long)g + 1, src[g][0], src[g][1], src[g][2], Gt[0], Gt[1], Gt[2]);
    if (hit[t])
      PP_THROW(PP_ERR_INTERNAL, "rotating plane waves: two source G vectors land on target G %lld", (long long)t + 1);
    hit[t] = 1;
    m->dst[g] = t;
    double arg = 0; /* (k' + G')·τ, cycles */
    for (int i = 0; i < 3; i++) arg += (kp[i] + Gp[i]) * op->tau[i];
    arg -= floor(arg);
    const double complex ph = cexp(-I * twopi * arg);
    m->phase[g] = tr ? conj(ph) : ph;
  }
done:
  free(box);
  free(hit);
  if (st != PP_OK) pp_pwmap_free(m);
  return st;
}
