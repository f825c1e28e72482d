/* Space-group operations (model/symmetry.h), k-point unfolding
 * (model/kunfold.h) and the real-Y_lm rotation matrices (paw/ylmrot.h) on
 * hand-built structures:
 *   - diamond Si (conventional cell): Fd-3m, 48 × 4 operations, every op
 *     a permutation with R·x_a + τ = x_b + L exactly;
 *   - ga4-spin's CONTCAR (values copied here): 8 operations (D2h, as its
 *     OUTCAR's "Found 8 space group operations"); its 2 IBZ k-points
 *     recover the 2×2×2 MP mesh, unfold to 8 points with orbits 4 + 4
 *     (weights 0.5 = the WAVECAR's) and k_full = s·Rk·k_ibz + G0;
 *   - a Γ-centred 2×2×2 mesh reduced with ga4's operations = spglib's own
 *     irreducible mesh (spg_get_ir_reciprocal_mesh, independent code),
 *     and its irreducible points unfold back to the 8 points;
 *   - errors: an operation that does not map the structure, no identity,
 *     det R = 2, an incomplete IBZ, equivalent IBZ points, a point off
 *     the mesh, a mesh that cannot be recovered;
 *   - D^l: orthogonal, D(S₁S₂) = D(S₁)D(S₂), D(−1) = (−1)^l and
 *     Y_lm(S·u) = Σ D_mm' Y_lm'(u) at random directions, l ≤ 3. */
#include <math.h>
#include <spglib.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "pawproj/model/kunfold.h"
#include "pawproj/model/lattice.h"
#include "pawproj/model/symmetry.h"
#include "pawproj/paw/radial.h"
#include "pawproj/paw/ylmrot.h"

static void fx_diamond(fixture *f) {
  static const double d[8][3] = {{0, 0, 0},          {0.5, 0.5, 0},      {0.5, 0, 0.5},      {0, 0.5, 0.5},
                                 {0.25, 0.25, 0.25}, {0.75, 0.75, 0.25}, {0.75, 0.25, 0.75}, {0.25, 0.75, 0.75}};
  const double lat[3][3] = {{5.43, 0, 0}, {0, 5.43, 0}, {0, 0, 5.43}};
  fx_init(f, lat, 1, "Si", NULL);
  for (int i = 0; i < 8; i++) fx_add(f, 0, d[i][0], d[i][1], d[i][2]);
}

/* ga4-spin's CONTCAR (../shared/data/vasp/ga4-spin). */
static void fx_ga4(fixture *f) {
  const double lat[3][3] = {{4.3515518806929165, 0.0106499131953374, 0.0},
                            {-2.0970141186059448, 3.8129574195815592, 0.0},
                            {0.0, 0.0, 4.4060081425154092}};
  static const double x[4][3] = {{0.1560427174376784, 0.8439572825631387, 0.9166540580595424},
                                 {0.3439572825623216, 0.6560427174368613, 0.4166540580595424},
                                 {0.8439572825623216, 0.1560427174368613, 0.0833459419404576},
                                 {0.6560427174376784, 0.3439572825631387, 0.5833459419404576}};
  fx_init(f, lat, 1, "Ga", NULL);
  for (int i = 0; i < 4; i++) fx_add(f, 0, x[i][0], x[i][1], x[i][2]);
}

/* Every op maps every atom onto its image exactly as recorded. */
static double perm_residual(const pp_structure *st, const pp_symmetry *sym) {
  double worst = 0;
  for (int o = 0; o < sym->nops; o++) {
    char seen[FX_MAXAT] = {0};
    for (int a = 0; a < st->natoms; a++) {
      const int b = sym->perm[o * st->natoms + a];
      const int *L = sym->lshift[o * st->natoms + a];
      if (seen[b] || st->type[a] != st->type[b]) return INFINITY;
      seen[b] = 1;
      double d[3], r[3];
      for (int i = 0; i < 3; i++) {
        double y = sym->op[o].tau[i];
        for (int j = 0; j < 3; j++) y += sym->op[o].R[i][j] * st->frac[a][j];
        d[i] = y - st->frac[b][i] - L[i];
      }
      pp_lat_frac_to_cart(st->lattice, d, r);
      worst = fmax(worst, pp_vec_norm(r));
    }
  }
  return worst;
}

/* Rk = (R⁻¹)ᵀ: Rkᵀ·R = 1. */
static int rk_ok(const pp_symmetry *sym) {
  for (int o = 0; o < sym->nops; o++)
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        int s = 0;
        for (int k = 0; k < 3; k++) s += sym->op[o].Rk[k][i] * sym->op[o].R[k][j];
        if (s != (i == j)) return 0;
      }
  return 1;
}

static void test_diamond(void) {
  fixture f;
  fx_diamond(&f);
  pp_symmetry sym;
  pp_err e;
  pp_err_clear(&e);
  CHECK(pp_symmetry_find(&f.s, PP_SYMPREC_DEFAULT, 1, &sym, &e) == PP_OK, "diamond: %s", e.msg);
  CHECK(sym.nops == 192, "diamond: %d operations, expected 48 × 4", sym.nops);
  CHECK(sym.spacegroup == 227, "diamond: space group %d (%s), expected 227", sym.spacegroup, sym.international);
  CHECK(perm_residual(&f.s, &sym) < 1e-12, "diamond: permutation residual %g", perm_residual(&f.s, &sym));
  CHECK(rk_ok(&sym), "diamond: Rk is not (R⁻¹)ᵀ");
  int ident = 1;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) ident &= sym.op[0].R[i][j] == (i == j);
  CHECK(ident && sym.op[0].tau[0] == 0 && sym.op[0].tau[1] == 0 && sym.op[0].tau[2] == 0, "op[0] not the identity");
  pp_symmetry_free(&sym);
}

static void test_ga4_ops(pp_symmetry *sym) {
  fixture f;
  fx_ga4(&f);
  pp_err e;
  pp_err_clear(&e);
  CHECK(pp_symmetry_find(&f.s, PP_SYMPREC_DEFAULT, 1, sym, &e) == PP_OK, "ga4: %s", e.msg);
  CHECK(sym->nops == 8, "ga4: %d operations, VASP's OUTCAR found 8", sym->nops);
  CHECK(perm_residual(&f.s, sym) < 1e-9, "ga4: permutation residual %g", perm_residual(&f.s, sym));
  CHECK(rk_ok(sym), "ga4: Rk is not (R⁻¹)ᵀ");
  int inversion = 0;
  for (int o = 0; o < sym->nops; o++) {
    double S[3][3], dev = 0;
    pp_symop_cart(f.s.lattice, &sym->op[o], S);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 3; k++) s += S[i][k] * S[j][k];
        dev = fmax(dev, fabs(s - (i == j)));
      }
    CHECK(dev < 1e-6, "ga4 op %d: S not orthogonal (%g; the CONTCAR's digits give 2.5e-7)", o + 1, dev);
    inversion |= sym->op[o].R[0][0] == -1 && sym->op[o].R[1][1] == -1 && sym->op[o].R[2][2] == -1 &&
                 sym->op[o].R[0][1] == 0 && sym->op[o].R[1][0] == 0;
  }
  CHECK(inversion, "ga4: D2h has the inversion; not found");
  /* The symmetrised lattice: S orthogonal to rounding, close to the CONTCAR's. */
  double As[3][3], worst = 0;
  CHECK(pp_symmetry_lattice(sym, f.s.lattice, As, &e) == PP_OK, "ga4 lattice: %s", e.msg);
  CHECK(pp_lat_maxdiff(As, f.s.lattice) < 1e-5, "ga4 symmetrised lattice moved by %g Å",
        pp_lat_maxdiff(As, f.s.lattice));
  for (int o = 0; o < sym->nops; o++) {
    double S[3][3];
    pp_symop_cart(As, &sym->op[o], S);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 3; k++) s += S[i][k] * S[j][k];
        worst = fmax(worst, fabs(s - (i == j)));
      }
  }
  CHECK(worst < 1e-14, "ga4 symmetrised lattice: S orthogonal to %g only", worst);
  /* The same operations given by the caller; the identity moved to 0. */
  int R[8][3][3];
  double tau[8][3];
  for (int o = 0; o < 8; o++) {
    memcpy(R[7 - o], sym->op[o].R, sizeof R[0]);
    memcpy(tau[7 - o], sym->op[o].tau, sizeof tau[0]);
  }
  pp_symmetry again;
  CHECK(pp_symmetry_from_ops(&f.s, (const int(*)[3][3])R, (const double(*)[3])tau, 8, 1e-5, 1, &again, &e) == PP_OK,
        "ga4 from_ops: %s", e.msg);
  CHECK(again.nops == 8 && !memcmp(again.op[0].R, sym->op[0].R, sizeof R[0]), "ga4 from_ops: identity not first");
  pp_symmetry_free(&again);
}

static void test_bad_ops(void) {
  fixture f;
  fx_ga4(&f);
  pp_err e;
  pp_symmetry sym;
  const int I3[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  const int C4[3][3] = {{0, -1, 0}, {1, 0, 0}, {0, 0, 1}}; /* not a symmetry of ga4 */
  const int D2[3][3] = {{2, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  int R[2][3][3];
  double tau[2][3] = {{0, 0, 0}, {0, 0, 0}};
  memcpy(R[0], I3, sizeof I3), memcpy(R[1], C4, sizeof C4);
  pp_err_clear(&e);
  pp_status st = pp_symmetry_from_ops(&f.s, (const int(*)[3][3])R, (const double(*)[3])tau, 2, 1e-5, 0, &sym, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, "does not map"), "C4 on ga4: %d %s", st, e.msg);
  const int INV[3][3] = {{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}};
  memcpy(R[0], INV, sizeof INV);
  pp_err_clear(&e);
  st = pp_symmetry_from_ops(&f.s, (const int(*)[3][3])R, (const double(*)[3])tau, 1, 1e-5, 0, &sym, &e);
  CHECK(st != PP_OK && strstr(e.msg, "identity"), "no identity: %d %s", st, e.msg);
  memcpy(R[0], I3, sizeof I3), memcpy(R[1], D2, sizeof D2);
  pp_err_clear(&e);
  st = pp_symmetry_from_ops(&f.s, (const int(*)[3][3])R, (const double(*)[3])tau, 2, 1e-5, 0, &sym, &e);
  CHECK(st == PP_ERR_ARG && strstr(e.msg, "det R = 2"), "det 2: %d %s", st, e.msg);
  pp_err_clear(&e);
  st = pp_symmetry_find(&f.s, -1, 0, &sym, &e);
  CHECK(st == PP_ERR_ARG && strstr(e.msg, "symprec"), "negative symprec: %d %s", st, e.msg);
  /* Displace one atom by 0.01 Å: a symmetry within 0.1 Å, none within 1e-5 Å
   * beyond the identity... and the 8 D2h ops no longer map within 1e-5. */
  pp_symmetry sym8, symfew;
  pp_err_clear(&e);
  CHECK(pp_symmetry_find(&f.s, 1e-5, 0, &sym8, &e) == PP_OK, "%s", e.msg);
  f.frac[0][2] += 0.01 / 4.406;
  pp_err_clear(&e);
  CHECK(pp_symmetry_find(&f.s, 1e-5, 0, &symfew, &e) == PP_OK && symfew.nops < 8, "displaced: %d ops %s",
        symfew.nops, e.msg);
  int Rs[8][3][3];
  double ts[8][3];
  for (int o = 0; o < 8; o++) memcpy(Rs[o], sym8.op[o].R, sizeof Rs[o]), memcpy(ts[o], sym8.op[o].tau, sizeof ts[o]);
  pp_err_clear(&e);
  st = pp_symmetry_from_ops(&f.s, (const int(*)[3][3])Rs, (const double(*)[3])ts, 8, 1e-5, 0, &sym, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, "symprec"), "displaced with D2h ops: %d %s", st, e.msg);
  pp_err_clear(&e);
  CHECK(pp_symmetry_from_ops(&f.s, (const int(*)[3][3])Rs, (const double(*)[3])ts, 8, 0.02, 0, &sym, &e) == PP_OK,
        "displaced, symprec 0.02: %s", e.msg);
  pp_symmetry_free(&sym);
  pp_symmetry_free(&sym8);
  pp_symmetry_free(&symfew);
}

static const double ga4_ibz[2][3] = {{0.25, 0.25, 0.25}, {-0.25, 0.25, 0.25}};

static void test_unfold_ga4(const pp_symmetry *sym) {
  pp_err e;
  pp_err_clear(&e);
  pp_kmesh mesh;
  CHECK(pp_kmesh_recover(ga4_ibz, 2, sym, &mesh, &e) == PP_OK, "recover: %s", e.msg);
  CHECK(mesh.n[0] == 2 && mesh.n[1] == 2 && mesh.n[2] == 2, "recovered %d×%d×%d", mesh.n[0], mesh.n[1], mesh.n[2]);
  CHECK(mesh.shift[0] == 0.5 && mesh.shift[1] == 0.5 && mesh.shift[2] == 0.5, "recovered shift %g %g %g",
        mesh.shift[0], mesh.shift[1], mesh.shift[2]);
  pp_kunfold u;
  CHECK(pp_kunfold_build(ga4_ibz, 2, sym, &mesh, &u, &e) == PP_OK, "unfold: %s", e.msg);
  if (u.nfull != 8) {
    CHECK(0, "unfold: %d points", u.nfull);
    return;
  }
  CHECK(u.orbit[0] == 4 && u.orbit[1] == 4, "orbits %d %d", u.orbit[0], u.orbit[1]);
  double w[2];
  pp_kunfold_weights(&u, w);
  CHECK(fabs(w[0] - 0.5) < 1e-15 && fabs(w[1] - 0.5) < 1e-15, "weights %g %g (WAVECAR: 0.5 0.5)", w[0], w[1]);
  double worst = 0;
  for (int f = 0; f < 8; f++) {
    const pp_kfull *k = &u.k[f];
    double y[3];
    pp_symop_rotate_k(&sym->op[k->op], ga4_ibz[k->ibz], y);
    for (int i = 0; i < 3; i++) {
      worst = fmax(worst, fabs((k->tr ? -y[i] : y[i]) + k->G0[i] - k->k[i]));
      CHECK(fabs(fabs(k->k[i]) - 0.25) < 1e-15, "full point %d component %g not ±1/4", f, k->k[i]);
    }
    for (int g = 0; g < f; g++) {
      double d = 0;
      for (int i = 0; i < 3; i++) d += fabs(u.k[g].k[i] - k->k[i]);
      CHECK(d > 0.1, "full points %d and %d coincide", g, f);
    }
  }
  CHECK(worst < 1e-15, "k_full = s Rk k_ibz + G0 off by %g", worst);
  CHECK(u.k[0].op == 0 && u.k[0].tr == 0 && u.k[0].ibz == 0 && u.k[0].k[0] == 0.25, "first point not IBZ 1 itself");
  pp_kunfold_free(&u);
  /* Without time reversal the inversion still closes the orbits. */
  pp_symmetry notr = *sym;
  notr.time_reversal = 0;
  CHECK(pp_kunfold_build(ga4_ibz, 2, &notr, &mesh, &u, &e) == PP_OK && u.orbit[0] == 4, "no TR: %s", e.msg);
  pp_kunfold_free(&u);
}

static void test_unfold_errors(const pp_symmetry *sym) {
  pp_err e;
  pp_kunfold u;
  pp_kmesh mp = {{2, 2, 2}, {0.5, 0.5, 0.5}};
  pp_err_clear(&e);
  pp_status st = pp_kunfold_build(ga4_ibz, 1, sym, &mp, &u, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, "generated by none"), "incomplete IBZ: %d %s", st, e.msg);
  const double twice[3][3] = {{0.25, 0.25, 0.25}, {-0.25, 0.25, 0.25}, {-0.25, -0.25, -0.25}};
  pp_err_clear(&e);
  st = pp_kunfold_build(twice, 3, sym, &mp, &u, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, "equivalent"), "equivalent IBZ points: %d %s", st, e.msg);
  pp_kmesh gam = {{2, 2, 2}, {0, 0, 0}};
  pp_err_clear(&e);
  st = pp_kunfold_build(ga4_ibz, 2, sym, &gam, &u, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, "not a point"), "off the mesh: %d %s", st, e.msg);
  const double odd[1][3] = {{0.3141, 0, 0}}; /* ≥ 2.5e-6 from any (j + s)/d, d ≤ 100 */
  pp_kmesh m;
  pp_err_clear(&e);
  st = pp_kmesh_recover(odd, 1, sym, &m, &e);
  CHECK(st == PP_ERR_MISMATCH && strstr(e.msg, "cannot be recovered"), "unrecoverable: %d %s", st, e.msg);
  pp_kmesh bad = {{0, 2, 2}, {0, 0, 0}};
  pp_err_clear(&e);
  CHECK(pp_kunfold_build(ga4_ibz, 2, sym, &bad, &u, &e) == PP_ERR_ARG, "0 divisions: %s", e.msg);
}

/* Γ-centred 2×2×2 with ga4's operations against spglib's own reduction. */
static void test_gamma_mesh(const pp_symmetry *sym) {
  fixture f;
  fx_ga4(&f);
  pp_err e;
  pp_err_clear(&e);
  pp_kmesh gam = {{2, 2, 2}, {0, 0, 0}};
  double(*kibz)[3] = NULL;
  int nibz = 0;
  CHECK(pp_kmesh_reduce(&gam, sym, &kibz, &nibz, &e) == PP_OK, "reduce: %s", e.msg);
  /* spglib: grid_address (x fastest, as ours), ir_mapping per point. */
  double lat[3][3], pos[4][3];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) lat[i][j] = f.s.lattice[j][i];
  memcpy(pos, f.frac, sizeof pos);
  int types[4] = {0, 0, 0, 0}, mesh[3] = {2, 2, 2}, shift[3] = {0, 0, 0}, addr[8][3], map[8];
  const int nir = spg_get_ir_reciprocal_mesh(addr, map, mesh, shift, 1, lat, pos, types, 4, 1e-5);
  CHECK(nir == nibz, "Γ 2×2×2: %d irreducible points, spglib %d", nibz, nir);
  pp_kunfold u;
  pp_err_clear(&e);
  CHECK(pp_kunfold_build((const double(*)[3])kibz, nibz, sym, &gam, &u, &e) == PP_OK, "unfold Γ: %s", e.msg);
  if (u.nfull == 8) {
    /* The same partition: points equivalent for spglib are in one orbit here. */
    for (int a = 0; a < 8; a++)
      for (int b = 0; b < 8; b++) {
        /* spglib's address a: x = addr[a]/2; find our full index. */
        int ia = -1, ib = -1;
        for (int g = 0; g < 8; g++) {
          int ma = 1, mb = 1;
          for (int i = 0; i < 3; i++) {
            const double xa = addr[a][i] / 2.0 - u.k[g].k[i], xb = addr[b][i] / 2.0 - u.k[g].k[i];
            ma &= fabs(xa - round(xa)) < 1e-12;
            mb &= fabs(xb - round(xb)) < 1e-12;
          }
          if (ma) ia = g;
          if (mb) ib = g;
        }
        CHECK(ia >= 0 && ib >= 0, "spglib grid point not in our mesh");
        if (ia >= 0 && ib >= 0)
          CHECK((map[a] == map[b]) == (u.k[ia].ibz == u.k[ib].ibz), "Γ mesh: points %d, %d partitioned differently", a,
                b);
      }
    int sum = 0;
    for (int q = 0; q < nibz; q++) sum += u.orbit[q];
    CHECK(sum == 8, "Γ orbits sum to %d", sum);
  }
  pp_kmesh rec;
  pp_err_clear(&e);
  CHECK(pp_kmesh_recover((const double(*)[3])kibz, nibz, sym, &rec, &e) == PP_OK && rec.n[0] == 2 && rec.n[1] == 2 &&
            rec.n[2] == 2 && rec.shift[0] == 0 && rec.shift[2] == 0,
        "Γ recover: %d %d %d %s", rec.n[0], rec.n[1], rec.n[2], e.msg);
  pp_kunfold_free(&u);
  free(kibz);
}

static void matmul(const double a[3][3], const double b[3][3], double c[3][3]) {
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) c[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
}

/* Rotation by angle t about unit axis n (Rodrigues). */
static void axis_rot(const double n[3], double t, double R[3][3]) {
  const double c = cos(t), s = sin(t), C = 1 - c;
  R[0][0] = c + n[0] * n[0] * C, R[0][1] = n[0] * n[1] * C - n[2] * s, R[0][2] = n[0] * n[2] * C + n[1] * s;
  R[1][0] = n[1] * n[0] * C + n[2] * s, R[1][1] = c + n[1] * n[1] * C, R[1][2] = n[1] * n[2] * C - n[0] * s;
  R[2][0] = n[2] * n[0] * C - n[1] * s, R[2][1] = n[2] * n[1] * C + n[0] * s, R[2][2] = c + n[2] * n[2] * C;
}

static void test_dl(void) {
  pp_err e;
  pp_err_clear(&e);
  const double n1[3] = {0.48, -0.6, 0.64}, n2[3] = {0, 0.6, 0.8};
  double A[3][3], B[3][3], AB[3][3], inv[3][3] = {{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}};
  axis_rot(n1, 0.7, A);
  axis_rot(n2, -2.1, B);
  for (int j = 0; j < 3; j++) B[0][j] = -B[0][j]; /* improper */
  matmul(A, B, AB);
  unsigned seed = 12345;
  for (int l = 0; l <= PP_YLMROT_LMAX; l++) {
    const int n = 2 * l + 1;
    double DA[49], DB[49], DAB[49], DI[49];
    CHECK(pp_ylm_rotation(l, A, DA, &e) == PP_OK && pp_ylm_rotation(l, B, DB, &e) == PP_OK &&
              pp_ylm_rotation(l, AB, DAB, &e) == PP_OK && pp_ylm_rotation(l, inv, DI, &e) == PP_OK,
          "D^%d: %s", l, e.msg);
    double orth = 0, hom = 0, par = 0, def = 0;
    for (int m = 0; m < n; m++)
      for (int k = 0; k < n; k++) {
        double s = 0, p = 0;
        for (int j = 0; j < n; j++) s += DA[m * n + j] * DA[k * n + j], p += DA[m * n + j] * DB[j * n + k];
        orth = fmax(orth, fabs(s - (m == k)));
        hom = fmax(hom, fabs(p - DAB[m * n + k]));
        par = fmax(par, fabs(DI[m * n + k] - (m == k ? (l % 2 ? -1 : 1) : 0)));
      }
    for (int t = 0; t < 20; t++) {
      double u[3], v[3], yu[7], yv[7];
      for (int i = 0; i < 3; i++) seed = seed * 1103515245u + 12345u, u[i] = (seed >> 8) / 16777216.0 - 0.5;
      const double un = pp_vec_norm(u);
      for (int i = 0; i < 3; i++) u[i] /= un;
      for (int i = 0; i < 3; i++) v[i] = AB[i][0] * u[0] + AB[i][1] * u[1] + AB[i][2] * u[2];
      pp_ylm(l, u, yu);
      pp_ylm(l, v, yv);
      for (int m = 0; m < n; m++) {
        double s = 0;
        for (int k = 0; k < n; k++) s += DAB[m * n + k] * yu[k];
        def = fmax(def, fabs(s - yv[m]));
      }
    }
    CHECK(orth < 1e-13, "D^%d not orthogonal: %g", l, orth);
    CHECK(hom < 1e-13, "D^%d(AB) != D(A)D(B): %g", l, hom);
    CHECK(par < 1e-13, "D^%d(-1) != (-1)^l: %g", l, par);
    CHECK(def < 1e-13, "Y_%dm(S u) != D Y(u): %g", l, def);
  }
  double D[49];
  const double bad[3][3] = {{1.1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  pp_err_clear(&e);
  CHECK(pp_ylm_rotation(2, bad, D, &e) == PP_ERR_ARG, "non-orthogonal S accepted");
  pp_err_clear(&e);
  CHECK(pp_ylm_rotation(4, A, D, &e) == PP_ERR_ARG, "l = 4 accepted");
}

int main(void) {
  test_diamond();
  pp_symmetry ga4;
  memset(&ga4, 0, sizeof ga4);
  test_ga4_ops(&ga4);
  if (ga4.nops == 8) {
    test_unfold_ga4(&ga4);
    test_unfold_errors(&ga4);
    test_gamma_mesh(&ga4);
  }
  pp_symmetry_free(&ga4);
  test_bad_ops();
  test_dl();
  return CHECK_DONE("test_symmetry");
}
