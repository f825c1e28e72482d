/* symrot.c — rotated PAW projections: atom permutation, D^l(S) and the
 * Bloch phase of the lattice vector (see symrot.h). */
#include "pawproj/paw/symrot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pp_projrot_free(pp_projrot *r) {
  if (!r) return;
  free(r->target);
  free(r->phase);
  memset(r, 0, sizeof *r);
}

pp_status pp_projrot_build(const pp_paw *paw, const pp_structure *st, const pp_symmetry *sym, int o, int tr,
                           const double kfull[3], pp_projrot *r, pp_err *err) {
  memset(r, 0, sizeof *r);
  if (sym->natoms != st->natoms || paw->natoms != st->natoms)
    PP_FAIL(err, PP_ERR_ARG, "rotating projections: symmetry of %d atoms, projectors of %d, structure of %d",
            sym->natoms, paw->natoms, st->natoms);
  if (o < 0 || o >= sym->nops)
    PP_FAIL(err, PP_ERR_ARG, "rotating projections: operation %d of %d", o + 1, sym->nops);
  if (tr && !sym->time_reversal)
    PP_FAIL(err, PP_ERR_ARG, "rotating projections: time reversal asked for a run without it");
  for (int t = 0; t < st->nspecies; t++)
    if (paw->data[t]->lmax > PP_YLMROT_LMAX)
      PP_FAIL(err, PP_ERR_ARG, "rotating projections: the %s dataset has l = %d, rotations exist for l <= %d",
              st->species[t], paw->data[t]->lmax, PP_YLMROT_LMAX);
  double S[3][3];
  pp_symop_cart(st->lattice, &sym->op[o], S);
  /* Orthonormalise S (it is orthogonal to ~symprec/|a|; D^l needs 1e-8). */
  {
    double a[3][3];
    memcpy(a, S, sizeof a);
    for (int it = 0; it < 3; it++) { /* Newton–Schulz-like polar iteration: S ← (S + S⁻ᵀ)/2 */
      double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
                   a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
      double cof[3][3];
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
          const int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
          cof[i][j] = (a[i1][j1] * a[i2][j2] - a[i1][j2] * a[i2][j1]) / det; /* (a⁻¹)ᵀ */
        }
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) a[i][j] = 0.5 * (a[i][j] + cof[i][j]);
    }
    memcpy(S, a, sizeof a);
  }
  for (int l = 0; l <= PP_YLMROT_LMAX; l++) PP_CALL(pp_ylm_rotation(l, S, r->D[l], err));
  const int n = st->natoms;
  r->target = malloc(sizeof *r->target * (size_t)n);
  r->phase = malloc(sizeof *r->phase * (size_t)n);
  if (!r->target || !r->phase) {
    pp_projrot_free(r);
    PP_FAIL(err, PP_ERR_NOMEM, "rotating projections: out of memory");
  }
  const double twopi = 2.0 * 3.14159265358979323846;
  for (int a = 0; a < n; a++) {
    const int *L = sym->lshift[(size_t)o * n + a];
    r->target[a] = sym->perm[(size_t)o * n + a];
    double arg = kfull[0] * L[0] + kfull[1] * L[1] + kfull[2] * L[2];
    arg -= floor(arg);
    r->phase[a] = cexp(-I * twopi * arg);
  }
  r->paw = paw;
  r->st = st;
  r->tr = tr ? 1 : 0;
  return PP_OK;
}

void pp_projrot_apply(const pp_projrot *r, const double complex *in, double complex *out) {
  const pp_structure *st = r->st;
  for (int a = 0; a < st->natoms; a++) {
    const pp_pawdata *d = r->paw->data[st->type[a]];
    const double complex *p = in + r->paw->offset[a];
    double complex *q = out + r->paw->offset[r->target[a]];
    int i0 = 0;
    for (int j = 0; j < d->nj; j++) {
      const int l = d->l[j], nm = 2 * l + 1;
      const double *D = r->D[l];
      for (int m = 0; m < nm; m++) {
        double complex s = 0;
        for (int mp = 0; mp < nm; mp++) s += D[m * nm + mp] * (r->tr ? conj(p[i0 + mp]) : p[i0 + mp]);
        q[i0 + m] = r->phase[a] * s;
      }
      i0 += nm;
    }
  }
}
