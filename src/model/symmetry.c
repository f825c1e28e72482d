/* symmetry.c — space-group operations from spglib or the caller, checked
 * against the structure, with atom permutations (see symmetry.h). */
#include "pawproj/model/symmetry.h"

#include <math.h>
#include <spglib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/model/lattice.h"

static int det3i(const int m[3][3]) {
  return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
         m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

/* Rk = (R⁻¹)ᵀ = cof(R) / det R (exact for det = ±1). */
static void inv_transpose(const int R[3][3], int d, int Rk[3][3]) {
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      const int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
      Rk[i][j] = (R[i1][j1] * R[i2][j2] - R[i1][j2] * R[i2][j1]) / d;
    }
}

void pp_symop_cart(const double lattice[3][3], const pp_symop *op, double S[3][3]) {
  double b[3][3];
  pp_lat_reciprocal(lattice, b); /* B = 2π A⁻ᵀ (rows b_j) */
  const double inv2pi = 1.0 / (2.0 * 3.14159265358979323846);
  /* S_ij = Σ_kl Aᵀ_ik R_kl (A⁻ᵀ)_lj = Σ_kl A_ki R_kl b_lj / 2π */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      double s = 0;
      for (int k = 0; k < 3; k++)
        for (int l = 0; l < 3; l++) s += lattice[k][i] * op->R[k][l] * b[l][j];
      S[i][j] = s * inv2pi;
    }
}

void pp_symop_rotate_k(const pp_symop *op, const double k[3], double out[3]) {
  double t[3];
  for (int i = 0; i < 3; i++) t[i] = op->Rk[i][0] * k[0] + op->Rk[i][1] * k[1] + op->Rk[i][2] * k[2];
  memcpy(out, t, sizeof t);
}

void pp_symmetry_free(pp_symmetry *sym) {
  if (!sym) return;
  free(sym->op);
  free(sym->perm);
  free(sym->lshift);
  free(sym->maxdev);
  memset(sym, 0, sizeof *sym);
}

static int is_identity(const pp_symop *op) {
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 3; j++)
      if (op->R[i][j] != (i == j)) return 0;
    if (fabs(op->tau[i] - round(op->tau[i])) > 1e-9) return 0;
  }
  return 1;
}

/* Fills op (R, Rk, τ wrapped to [0,1)) and checks R's determinant and the
 * orthogonality of its Cartesian form. */
static pp_status make_op(const pp_structure *st, const int R[3][3], const double tau[3], int o, double symprec,
                         pp_symop *op, pp_err *err) {
  memcpy(op->R, R, sizeof op->R);
  const int d = det3i(R);
  if (d != 1 && d != -1)
    PP_FAIL(err, PP_ERR_ARG, "symmetry operation %d: det R = %d, expected ±1 (R = [%d %d %d; %d %d %d; %d %d %d])", o + 1,
            d, R[0][0], R[0][1], R[0][2], R[1][0], R[1][1], R[1][2], R[2][0], R[2][1], R[2][2]);
  inv_transpose(R, d, op->Rk);
  for (int i = 0; i < 3; i++) {
    if (!isfinite(tau[i])) PP_FAIL(err, PP_ERR_ARG, "symmetry operation %d: translation is not finite", o + 1);
    op->tau[i] = tau[i] - floor(tau[i]);
    if (op->tau[i] >= 1.0 - 1e-12) op->tau[i] = 0.0;
  }
  double S[3][3], amin = INFINITY, dev = 0;
  pp_symop_cart(st->lattice, op, S);
  for (int i = 0; i < 3; i++) amin = fmin(amin, pp_vec_norm(st->lattice[i]));
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      double s = 0;
      for (int k = 0; k < 3; k++) s += S[i][k] * S[j][k];
      dev = fmax(dev, fabs(s - (i == j)));
    }
  const double tol = 4.0 * symprec / amin + 1e-10;
  if (dev > tol)
    PP_FAIL(err, PP_ERR_MISMATCH,
            "symmetry operation %d does not map the lattice onto itself: its Cartesian rotation deviates from "
            "orthogonal by %.3g (tolerance %.3g from symprec %g Å)",
            o + 1, dev, tol, symprec);
  return PP_OK;
}

/* The atom permutation of op o: for every atom a the atom b of its species
 * nearest to R·x_a + τ (minimum image after rounding), within symprec;
 * the map must be one-to-one. */
static pp_status map_atoms(const pp_structure *st, const pp_symop *op, int o, double symprec, int *perm,
                           int (*lshift)[3], double *maxdev, char *used, pp_err *err) {
  const int n = st->natoms;
  memset(used, 0, (size_t)n);
  *maxdev = 0;
  for (int a = 0; a < n; a++) {
    double y[3];
    for (int i = 0; i < 3; i++)
      y[i] = op->R[i][0] * st->frac[a][0] + op->R[i][1] * st->frac[a][1] + op->R[i][2] * st->frac[a][2] + op->tau[i];
    int best = -1, bestL[3] = {0, 0, 0};
    double bestd = INFINITY;
    for (int b = 0; b < n; b++) {
      if (st->type[b] != st->type[a]) continue;
      double d[3], r[3];
      int L[3];
      for (int i = 0; i < 3; i++) {
        L[i] = (int)lround(y[i] - st->frac[b][i]);
        d[i] = y[i] - st->frac[b][i] - L[i];
      }
      pp_lat_frac_to_cart(st->lattice, d, r);
      const double dist = pp_vec_norm(r);
      if (dist < bestd) bestd = dist, best = b, memcpy(bestL, L, sizeof L);
    }
    if (best < 0 || bestd > symprec * (1 + 1e-9))
      PP_FAIL(err, PP_ERR_MISMATCH,
              "symmetry operation %d (R = [%d %d %d; %d %d %d; %d %d %d], τ = (%.6f, %.6f, %.6f)) does not map the "
              "structure onto itself: atom %d (%s) goes to (%.6f, %.6f, %.6f), %.3g Å from the nearest %s atom "
              "(symprec %g Å)",
              o + 1, op->R[0][0], op->R[0][1], op->R[0][2], op->R[1][0], op->R[1][1], op->R[1][2], op->R[2][0],
              op->R[2][1], op->R[2][2], op->tau[0], op->tau[1], op->tau[2], a + 1, st->species[st->type[a]], y[0],
              y[1], y[2], bestd, st->species[st->type[a]], symprec);
    if (used[best])
      PP_FAIL(err, PP_ERR_MISMATCH,
              "symmetry operation %d maps two atoms onto atom %d within symprec %g Å: the tolerance is larger than "
              "the atoms' separation",
              o + 1, best + 1, symprec);
    used[best] = 1;
    perm[a] = best;
    memcpy(lshift[a], bestL, sizeof bestL);
    *maxdev = fmax(*maxdev, bestd);
  }
  return PP_OK;
}

static pp_status check_structure(const pp_structure *st, double symprec, pp_err *err) {
  if (!st || st->natoms < 1 || !st->frac || !st->type)
    PP_FAIL(err, PP_ERR_ARG, "symmetry: the structure has no atoms");
  if (!(symprec > 0) || !isfinite(symprec))
    PP_FAIL(err, PP_ERR_ARG, "symprec must be a positive length in Å, got %g", symprec);
  if (fabs(pp_lat_volume(st->lattice)) < 1e-8) PP_FAIL(err, PP_ERR_ARG, "symmetry: the lattice is singular");
  return PP_OK;
}

pp_status pp_symmetry_from_ops(const pp_structure *st, const int (*R)[3][3], const double (*tau)[3], int nops,
                               double symprec, int time_reversal, pp_symmetry *sym, pp_err *err) {
  pp_status st_ = PP_OK;
  memset(sym, 0, sizeof *sym);
  PP_CALL(check_structure(st, symprec, err));
  if (nops < 1) PP_FAIL(err, PP_ERR_ARG, "symmetry: no operations given (the identity at least is needed)");
  const int n = st->natoms;
  char *used = malloc((size_t)n);
  sym->op = calloc((size_t)nops, sizeof *sym->op);
  sym->perm = malloc(sizeof *sym->perm * (size_t)nops * (size_t)n);
  sym->lshift = malloc(sizeof *sym->lshift * (size_t)nops * (size_t)n);
  sym->maxdev = calloc((size_t)nops, sizeof *sym->maxdev);
  if (!used || !sym->op || !sym->perm || !sym->lshift || !sym->maxdev) {
    st_ = pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__, "symmetry: out of memory for %d operations", nops);
    goto done;
  }
  sym->nops = nops;
  sym->natoms = n;
  sym->time_reversal = time_reversal ? 1 : 0;
  sym->symprec = symprec;
  int ident = -1;
  for (int o = 0; o < nops; o++) {
    st_ = make_op(st, R[o], tau[o], o, symprec, &sym->op[o], err);
    if (st_ != PP_OK) goto done;
    for (int p = 0; p < o; p++)
      if (!memcmp(sym->op[p].R, sym->op[o].R, sizeof sym->op[o].R)) {
        double d = 0;
        for (int i = 0; i < 3; i++) {
          const double t = sym->op[p].tau[i] - sym->op[o].tau[i];
          d = fmax(d, fabs(t - round(t)));
        }
        if (d < 1e-6) {
          st_ = pp_fail_at(err, PP_ERR_ARG, __FILE__, __LINE__, "symmetry operations %d and %d are the same", p + 1,
                           o + 1);
          goto done;
        }
      }
    if (ident < 0 && is_identity(&sym->op[o])) ident = o;
  }
  if (ident < 0) {
    st_ = pp_fail_at(err, PP_ERR_ARG, __FILE__, __LINE__, "symmetry: the %d operations given lack the identity", nops);
    goto done;
  }
  if (ident > 0) {
    const pp_symop t = sym->op[0];
    sym->op[0] = sym->op[ident];
    sym->op[ident] = t;
  }
  memset(sym->op[0].tau, 0, sizeof sym->op[0].tau);
  for (int o = 0; o < nops; o++) {
    st_ = map_atoms(st, &sym->op[o], o, symprec, sym->perm + (size_t)o * n, sym->lshift + (size_t)o * n,
                    &sym->maxdev[o], used, err);
    if (st_ != PP_OK) goto done;
  }
done:
  free(used);
  if (st_ != PP_OK) pp_symmetry_free(sym);
  return st_;
}

pp_status pp_symmetry_find(const pp_structure *st, double symprec, int time_reversal, pp_symmetry *sym,
                           pp_err *err) {
  pp_status st_ = PP_OK;
  memset(sym, 0, sizeof *sym);
  PP_CALL(check_structure(st, symprec, err));
  double lat[3][3]; /* spglib: columns are the lattice vectors */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) lat[i][j] = st->lattice[j][i];
  double(*pos)[3] = malloc(sizeof *pos * (size_t)st->natoms); /* spglib's arguments are not const */
  if (!pos) PP_FAIL(err, PP_ERR_NOMEM, "symmetry: out of memory for %d atoms", st->natoms);
  memcpy(pos, st->frac, sizeof *pos * (size_t)st->natoms);
  SpglibDataset *ds = spg_get_dataset(lat, pos, st->type, st->natoms, symprec);
  free(pos);
  if (!ds || ds->n_operations < 1) {
    const SpglibError code = spg_get_error_code();
    if (ds) spg_free_dataset(ds);
    PP_FAIL(err, PP_ERR_MISMATCH,
            "spglib found no space group for the structure \"%s\" (%d atoms) with symprec %g Å: %s", st->title,
            st->natoms, symprec, spg_get_error_message(code));
  }
  st_ = pp_symmetry_from_ops(st, (const int(*)[3][3])ds->rotations, (const double(*)[3])ds->translations,
                             ds->n_operations, symprec, time_reversal, sym, err);
  if (st_ == PP_OK) {
    sym->spacegroup = ds->spacegroup_number;
    snprintf(sym->international, sizeof sym->international, "%s", ds->international_symbol);
  } else {
    pp_err_trace(err, __FILE__, __LINE__);
  }
  spg_free_dataset(ds);
  return st_;
}

/* inv = M⁻¹ (3×3); returns the determinant. */
static double inv3(const double m[3][3], double inv[3][3]) {
  const double d = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                   m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                   m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      const int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
      inv[j][i] = (m[i1][j1] * m[i2][j2] - m[i1][j2] * m[i2][j1]) / d;
    }
  return d;
}

pp_status pp_symmetry_lattice(const pp_symmetry *sym, const double lattice[3][3], double out[3][3], pp_err *err) {
  double A[3][3];
  memcpy(A, lattice, sizeof A);
  double scale = 0;
  for (int i = 0; i < 3; i++) scale = fmax(scale, pp_vec_norm(A[i]));
  scale *= scale;
  double dev = INFINITY;
  for (int it = 0; it < 20 && dev > 1e-15 * scale; it++) {
    double G[3][3], Gs[3][3] = {{0}}, Ai[3][3];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) G[i][j] = A[i][0] * A[j][0] + A[i][1] * A[j][1] + A[i][2] * A[j][2];
    for (int o = 0; o < sym->nops; o++) /* Gs += Rᵀ G R */
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
          double s = 0;
          for (int k = 0; k < 3; k++)
            for (int l = 0; l < 3; l++) s += sym->op[o].R[k][i] * G[k][l] * sym->op[o].R[l][j];
          Gs[i][j] += s / sym->nops;
        }
    if (fabs(inv3(A, Ai)) < 1e-12) PP_FAIL(err, PP_ERR_ARG, "symmetrising the lattice: singular lattice");
    dev = 0;
    double dA[3][3]; /* ½ ΔG A⁻ᵀ */
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 3; k++) s += (Gs[i][k] - G[i][k]) * Ai[j][k];
        dA[i][j] = 0.5 * s;
        dev = fmax(dev, fabs(Gs[i][j] - G[i][j]));
      }
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) A[i][j] += dA[i][j];
  }
  if (!(dev <= 1e-15 * scale * 10))
    PP_FAIL(err, PP_ERR_MISMATCH,
            "symmetrising the lattice: the metric still changes by %.3g Å² after 20 iterations (operations of "
            "another lattice?)",
            dev);
  memcpy(out, A, sizeof A);
  return PP_OK;
}
