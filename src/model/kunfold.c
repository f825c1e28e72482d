/* kunfold.c — IBZ k-points → full mesh (see kunfold.h). */
#include "pawproj/model/kunfold.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIV 1000

/* Image t·s·Rk·k of operation o (s = −1 for time reversal tr). */
static void image(const pp_symmetry *sym, int o, int tr, const double k[3], double out[3]) {
  pp_symop_rotate_k(&sym->op[o], k, out);
  if (tr)
    for (int i = 0; i < 3; i++) out[i] = -out[i];
}

/* Index of k on mesh (−1: not a mesh point); folded = the representative
 * with components in (−1/2, 1/2]. */
static long mesh_index(const pp_kmesh *m, const double k[3], double folded[3]) {
  long idx = 0, mul = 1;
  for (int i = 0; i < 3; i++) {
    const double x = k[i] * m->n[i] - m->shift[i];
    const double j = round(x);
    if (fabs(x - j) > PP_KTOL * m->n[i]) return -1;
    long jj = (long)j % m->n[i];
    if (jj < 0) jj += m->n[i];
    idx += jj * mul;
    mul *= m->n[i];
    if (folded) {
      double f = (jj + m->shift[i]) / m->n[i];
      f -= round(f);
      if (f <= -0.5 + PP_KTOL) f += 1.0;
      folded[i] = f;
    }
  }
  return idx;
}

static int nfull_of(const pp_kmesh *m) { return m->n[0] * m->n[1] * m->n[2]; }

/* Mesh point f (first axis fastest, as mesh_index) in reduced coordinates in [-1/2, 1/2). */
static void mesh_point(const pp_kmesh *m, long f, double k[3]) {
  for (int i = 0; i < 3; i++) {
    const long j = f % m->n[i];
    f /= m->n[i];
    k[i] = (j + m->shift[i]) / m->n[i];
    k[i] -= round(k[i]);
  }
}

static pp_status check_mesh(const pp_kmesh *m, pp_err *err) {
  for (int i = 0; i < 3; i++) {
    if (m->n[i] < 1 || m->n[i] > MAX_DIV)
      PP_FAIL(err, PP_ERR_ARG, "k-mesh: %d divisions along b%d (expected 1..%d)", m->n[i], i + 1, MAX_DIV);
    if (!(m->shift[i] >= 0 && m->shift[i] < 1))
      PP_FAIL(err, PP_ERR_ARG, "k-mesh: shift %g along b%d (expected 0 <= shift < 1, in mesh spacings)", m->shift[i],
              i + 1);
  }
  if ((double)m->n[0] * m->n[1] * m->n[2] > 1e7)
    PP_FAIL(err, PP_ERR_ARG, "k-mesh %d×%d×%d has more than 10^7 points", m->n[0], m->n[1], m->n[2]);
  return PP_OK;
}

/* Does every value x (count n) satisfy x·d − s ∈ Z? */
static int axis_fits(const double *x, int n, int d, double s) {
  for (int i = 0; i < n; i++) {
    const double y = x[i] * d - s;
    if (fabs(y - round(y)) > PP_KREC_TOL * d) return 0;
  }
  return 1;
}

pp_status pp_kmesh_recover(const double (*kibz)[3], int nibz, const pp_symmetry *sym, pp_kmesh *mesh,
                           pp_err *err) {
  if (nibz < 1) PP_FAIL(err, PP_ERR_ARG, "k-mesh: no k-points to recover a mesh from");
  const int nimg = nibz * sym->nops * (sym->time_reversal ? 2 : 1);
  double *x = malloc(sizeof *x * 3 * (size_t)nimg);
  if (!x) PP_FAIL(err, PP_ERR_NOMEM, "k-mesh: out of memory");
  int c = 0;
  for (int q = 0; q < nibz; q++)
    for (int tr = 0; tr <= sym->time_reversal; tr++)
      for (int o = 0; o < sym->nops; o++, c++) {
        double y[3];
        image(sym, o, tr, kibz[q], y);
        for (int i = 0; i < 3; i++) x[i * nimg + c] = y[i];
      }
  pp_status st = PP_OK;
  for (int i = 0; i < 3 && st == PP_OK; i++) {
    int found = 0;
    for (int d = 1; d <= PP_KREC_MAXDIV && !found; d++)
      for (int s = 0; s < 2 && !found; s++)
        if (axis_fits(x + (size_t)i * nimg, nimg, d, 0.5 * s)) {
          mesh->n[i] = d;
          mesh->shift[i] = 0.5 * s;
          found = 1;
        }
    if (!found)
      st = pp_fail_at(err, PP_ERR_MISMATCH, __FILE__, __LINE__,
                      "the k-points cannot be recovered as a Γ-centred or Monkhorst-Pack mesh: their components "
                      "along b%d (and those of their images under the %d operations) fit no mesh of up to %d "
                      "divisions with shift 0 or 1/2",
                      i + 1, sym->nops, PP_KREC_MAXDIV);
  }
  free(x);
  return st;
}

void pp_kunfold_free(pp_kunfold *u) {
  if (!u) return;
  free(u->k);
  free(u->orbit);
  memset(u, 0, sizeof *u);
}

pp_status pp_kunfold_build(const double (*kibz)[3], int nibz, const pp_symmetry *sym, const pp_kmesh *mesh,
                           pp_kunfold *u, pp_err *err) {
  memset(u, 0, sizeof *u);
  PP_CALL(check_mesh(mesh, err));
  if (nibz < 1) PP_FAIL(err, PP_ERR_ARG, "k-unfolding: no IBZ k-points");
  const int nf = nfull_of(mesh);
  u->mesh = *mesh;
  u->nfull = nf;
  u->nibz = nibz;
  u->k = malloc(sizeof *u->k * (size_t)nf);
  u->orbit = calloc((size_t)nibz, sizeof *u->orbit);
  if (!u->k || !u->orbit) {
    pp_kunfold_free(u);
    PP_FAIL(err, PP_ERR_NOMEM, "k-unfolding: out of memory for %d points", nf);
  }
  for (int f = 0; f < nf; f++) u->k[f].ibz = -1;
  pp_status st = PP_OK;
  for (int q = 0; q < nibz && st == PP_OK; q++)
    for (int tr = 0; tr <= sym->time_reversal && st == PP_OK; tr++)
      for (int o = 0; o < sym->nops; o++) {
        double y[3], fold[3];
        image(sym, o, tr, kibz[q], y);
        const long f = mesh_index(mesh, y, fold);
        if (f < 0) {
          st = pp_fail_at(err, PP_ERR_MISMATCH, __FILE__, __LINE__,
                          "IBZ k-point %d (%.6f, %.6f, %.6f) under operation %d%s is (%.6f, %.6f, %.6f), not a point "
                          "of the %d×%d×%d mesh (shift %g, %g, %g): the mesh or the operations do not fit the run",
                          q + 1, kibz[q][0], kibz[q][1], kibz[q][2], o + 1, tr ? " with time reversal" : "", y[0],
                          y[1], y[2], mesh->n[0], mesh->n[1], mesh->n[2], mesh->shift[0], mesh->shift[1],
                          mesh->shift[2]);
          break;
        }
        pp_kfull *kf = &u->k[f];
        if (kf->ibz >= 0 && kf->ibz != q) {
          st = pp_fail_at(err, PP_ERR_MISMATCH, __FILE__, __LINE__,
                          "IBZ k-points %d and %d are equivalent (operation %d%s maps k-point %d onto the image of "
                          "%d): the run used fewer symmetry operations than the %d found (check ISYM and symprec)",
                          kf->ibz + 1, q + 1, o + 1, tr ? " with time reversal" : "", q + 1, kf->ibz + 1, sym->nops);
          break;
        }
        if (kf->ibz >= 0) continue;
        memcpy(kf->k, fold, sizeof fold);
        kf->ibz = q, kf->op = o, kf->tr = tr;
        for (int i = 0; i < 3; i++) kf->G0[i] = (int)lround(fold[i] - y[i]);
        u->orbit[q]++;
      }
  for (int f = 0; f < nf && st == PP_OK; f++)
    if (u->k[f].ibz < 0) {
      double k[3];
      mesh_point(mesh, f, k);
      st = pp_fail_at(err, PP_ERR_MISMATCH, __FILE__, __LINE__,
                      "mesh point (%.6f, %.6f, %.6f) of the %d×%d×%d mesh is generated by none of the %d IBZ "
                      "k-points under the %d operations%s: the run used more operations than found, or these "
                      "k-points are not its whole irreducible set",
                      k[0], k[1], k[2], mesh->n[0], mesh->n[1], mesh->n[2], nibz, sym->nops,
                      sym->time_reversal ? " and time reversal" : "");
    }
  if (st != PP_OK) pp_kunfold_free(u);
  return st;
}

int pp_kmesh_lists(const pp_kmesh *mesh, const double (*k)[3], int n) {
  const int nf = nfull_of(mesh);
  if (n != nf) return 0;
  char *seen = calloc((size_t)nf, 1);
  int ok = seen != NULL;
  for (int p = 0; p < n && ok; p++) {
    const long idx = mesh_index(mesh, k[p], NULL);
    ok = idx >= 0 && !seen[idx];
    if (ok) seen[idx] = 1;
  }
  free(seen);
  return ok;
}

void pp_kunfold_weights(const pp_kunfold *u, double *w) {
  for (int q = 0; q < u->nibz; q++) w[q] = (double)u->orbit[q] / u->nfull;
}

pp_status pp_kmesh_reduce(const pp_kmesh *mesh, const pp_symmetry *sym, double (**kibz)[3], int *nibz,
                          pp_err *err) {
  *kibz = NULL;
  *nibz = 0;
  PP_CALL(check_mesh(mesh, err));
  const int nf = nfull_of(mesh);
  char *seen = calloc((size_t)nf, 1);
  double(*out)[3] = malloc(sizeof *out * (size_t)nf);
  if (!seen || !out) {
    free(seen), free(out);
    PP_FAIL(err, PP_ERR_NOMEM, "k-mesh: out of memory for %d points", nf);
  }
  int n = 0;
  pp_status st = PP_OK;
  for (int f = 0; f < nf && st == PP_OK; f++) {
    if (seen[f]) continue;
    double k[3];
    mesh_point(mesh, f, k);
    for (int i = 0; i < 3; i++)
      if (k[i] <= -0.5 + PP_KTOL) k[i] += 1.0;
    memcpy(out[n++], k, sizeof k);
    for (int tr = 0; tr <= sym->time_reversal && st == PP_OK; tr++)
      for (int o = 0; o < sym->nops; o++) {
        double y[3];
        image(sym, o, tr, k, y);
        const long g = mesh_index(mesh, y, NULL);
        if (g < 0) {
          st = pp_fail_at(err, PP_ERR_MISMATCH, __FILE__, __LINE__,
                          "operation %d maps mesh point (%.6f, %.6f, %.6f) off the %d×%d×%d mesh (shift %g, %g, %g): "
                          "the mesh does not have the symmetry of the structure",
                          o + 1, k[0], k[1], k[2], mesh->n[0], mesh->n[1], mesh->n[2], mesh->shift[0],
                          mesh->shift[1], mesh->shift[2]);
          break;
        }
        seen[g] = 1;
      }
  }
  free(seen);
  if (st != PP_OK) {
    free(out);
    return st;
  }
  *kibz = out;
  *nibz = n;
  return PP_OK;
}
