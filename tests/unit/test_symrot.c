/* Rotated states on real VASP data: ga4-spin (../shared/data/vasp, a
 * 2×2×2 MP mesh reduced by VASP to 2 k-points, ISPIN = 2) with GPAW's Ga
 * dataset (Debian gpaw-data; any dataset will do: the checks are
 * identities of the transforms, not of the run's physics).
 *   usage: test_symrot DATA_DIR SETUPS_DIR     (exit 77: data missing)
 * Checks:
 *   - spglib's operations on the CONTCAR: 8, as VASP's OUTCAR; the IBZ
 *     k-points recover the 2×2×2 mesh, unfold to 8 points, weights
 *     orbit/8 = vasprun.xml's;
 *   - for both spins, both IBZ k-points, every operation with and without
 *     time reversal: the rotated coefficients (pwrot.h) mapped onto the
 *     target k-point's own G list, projected anew (pp_project), equal the
 *     rotated projections (symrot.h) to 1e-10 of max |P| — on the
 *     symmetrised lattice (symmetry.h), where the images are exact; on the
 *     CONTCAR's lattice (symmetric to 2.5e-7) they agree to 1e-5;
 *   - every rotated state keeps its pseudo norm Σ|C|², its augmentation
 *     Σ P*QP, and the pseudo overlaps <C_m|C_n> of the k-point's bands
 *     (the unfolded set stays orthonormal like the IBZ one);
 *   - the same rotation identity on diamond Si8 with random coefficients
 *     at a general k for all 192 operations of Fd-3m (3- and 4-fold axes,
 *     glides: D^l not symmetric, τ ≠ 0), with GPAW's Si dataset.
 * The symmetrised lattice gives the WAVECAR's own G lists at the IBZ
 * points (checked), so the coefficients are read as stored. */
#include <complex.h>
#include <math.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "pawproj/io/kweights.h"
#include "pawproj/io/pawset.h"
#include "pawproj/io/poscar.h"
#include "pawproj/io/wavecar.h"
#include "pawproj/model/kunfold.h"
#include "pawproj/model/pwrot.h"
#include "pawproj/model/symmetry.h"
#include "pawproj/paw/projector.h"
#include "pawproj/paw/symrot.h"

typedef struct {
  double proj_sym, proj_raw;  /* max |P_new − P_rot| / max |P|, symmetrised / CONTCAR lattice */
  double norm, aug, ovl;      /* largest changes of Σ|C|², Σ P*QP, <C_m|C_n> */
  int cases;                  /* (spin, k, op, tr) rotated */
} worst;

static int64_t gcount(const double lat[3][3], double encut, const double k[3], pp_err *e) {
  int64_t n = -1;
  if (pp_gvec_generate(lat, encut, k, PP_VARIANT_STANDARD, NULL, 0, &n, e) != PP_OK) return -1;
  return n;
}

static int (*glist(const double lat[3][3], double encut, const double k[3], int64_t *n, pp_err *e))[3] {
  *n = gcount(lat, encut, k, e);
  if (*n < 1) return NULL;
  int(*m)[3] = malloc(sizeof *m * (size_t)*n);
  int64_t got = 0;
  if (!m || pp_gvec_generate(lat, encut, k, PP_VARIANT_STANDARD, m, *n, &got, e) != PP_OK || got != *n) {
    free(m);
    return NULL;
  }
  return m;
}

static double maxabs(const double complex *x, int64_t n) {
  double m = 0;
  for (int64_t i = 0; i < n; i++) m = fmax(m, cabs(x[i]));
  return m;
}

/* Σ_i conj(P_i) (QP)_i of one band row. */
static double augment(const pp_paw *paw, const pp_structure *st, const double complex *P, double complex *tmp) {
  pp_paw_apply_q(paw, st, 1, P, tmp);
  double complex s = 0;
  for (int i = 0; i < paw->nproj; i++) s += conj(P[i]) * tmp[i];
  return creal(s);
}

/* Rotates the nb bands C (at IBZ k-point k of wc) by (o, tr), projects
 * them anew on the target and compares with the rotated projections P.
 * lat: the lattice both projections use (wcl/stl carry it). */
static pp_status rotate_case(const pp_wavecar *wcl, const pp_structure *stl, const pp_paw *paw,
                             const pp_symmetry *sym, int k, int o, int tr, const double complex *C, int nb,
                             const double complex *P, double *dev, double *dnorm, double *daug, double *dovl,
                             pp_err *err) {
  pp_status st = PP_OK;
  const double *kk = wcl->kfrac[k];
  double kt[3], kf[3];
  int G0[3];
  pp_symop_rotate_k(&sym->op[o], kk, kt);
  for (int i = 0; i < 3; i++) {
    if (tr) kt[i] = -kt[i];
    kf[i] = kt[i] - round(kt[i]);
    if (kf[i] <= -0.5 + 1e-9) kf[i] += 1;
    G0[i] = (int)lround(kf[i] - kt[i]);
  }
  int64_t ns = 0, nt = 0;
  int(*src)[3] = glist(wcl->lattice, wcl->encut, kk, &ns, err);
  int(*dst)[3] = glist(wcl->lattice, wcl->encut, kf, &nt, err);
  pp_pwmap map = {0};
  pp_projrot rot = {0};
  double complex *Ct = malloc(sizeof *Ct * (size_t)(nt > 0 ? nt : 1) * nb);
  double complex *Pn = malloc(sizeof *Pn * (size_t)paw->nproj * nb);
  double complex *Pr = malloc(sizeof *Pr * (size_t)paw->nproj * nb);
  double complex *tmp = malloc(sizeof *tmp * (size_t)paw->nproj);
  if (!src || !dst || !Ct || !Pn || !Pr || !tmp) PP_THROW(PP_ERR_NOMEM, "test: G lists or buffers");
  if (ns != wcl->npw[k]) PP_THROW(PP_ERR_MISMATCH, "test: G list of k %d: %lld, WAVECAR %lld", k + 1, (long long)ns,
                                  (long long)wcl->npw[k]);
  PP_TRY(pp_pwmap_build((const int(*)[3])src, ns, kk, (const int(*)[3])dst, nt, &sym->op[o], tr, G0, &map, err));
  for (int b = 0; b < nb; b++) pp_pwmap_apply(&map, C + (size_t)b * ns, Ct + (size_t)b * nt);
  /* The target k-point as a one-point run with the same cutoff and lattice. */
  pp_wavecar wt = *wcl;
  wt.nkpts = 1;
  wt.npw = &nt;
  wt.kfrac = (double(*)[3])kf;
  PP_TRY(pp_project(paw, stl, &wt, 0, Ct, nb, nt, Pn, err));
  PP_TRY(pp_projrot_build(paw, stl, sym, o, tr, kf, &rot, err));
  for (int b = 0; b < nb; b++) pp_projrot_apply(&rot, P + (size_t)b * paw->nproj, Pr + (size_t)b * paw->nproj);
  const double pmax = maxabs(P, (int64_t)nb * paw->nproj);
  double d = 0;
  for (int64_t i = 0; i < (int64_t)nb * paw->nproj; i++) d = fmax(d, cabs(Pn[i] - Pr[i]));
  *dev = d / pmax;
  *dnorm = *daug = *dovl = 0;
  for (int b = 0; b < nb; b++) {
    *daug = fmax(*daug, fabs(augment(paw, stl, Pr + (size_t)b * paw->nproj, tmp) -
                             augment(paw, stl, P + (size_t)b * paw->nproj, tmp)));
    for (int c = 0; c <= b; c++) {
      double complex s0 = 0, s1 = 0;
      for (int64_t g = 0; g < ns; g++) s0 += conj(C[(size_t)c * ns + g]) * C[(size_t)b * ns + g];
      for (int64_t g = 0; g < nt; g++) s1 += conj(Ct[(size_t)c * nt + g]) * Ct[(size_t)b * nt + g];
      /* Time reversal conjugates overlaps: <Θm|Θn> = <m|n>*. */
      const double dd = cabs(s1 - (tr ? conj(s0) : s0));
      if (c == b) *dnorm = fmax(*dnorm, dd);
      else *dovl = fmax(*dovl, dd);
    }
  }
done:
  pp_pwmap_free(&map);
  pp_projrot_free(&rot);
  free(src), free(dst), free(Ct), free(Pn), free(Pr), free(tmp);
  return st;
}

/* Synthetic: diamond Si (8-atom cubic cell, 192 operations of Fd-3m with
 * 3- and 4-fold axes and τ = 1/4 glides, which ga4's D2h lacks) and
 * random coefficients at a general k-point, every operation with and
 * without time reversal. */
static pp_status run_diamond(const char *setups, worst *w, pp_err *err) {
  pp_status st = PP_OK;
  static const double x[8][3] = {{0, 0, 0},          {0.5, 0.5, 0},      {0.5, 0, 0.5},      {0, 0.5, 0.5},
                                 {0.25, 0.25, 0.25}, {0.75, 0.75, 0.25}, {0.75, 0.25, 0.75}, {0.25, 0.75, 0.75}};
  char species[1][PP_SPECIES_NAME] = {"Si"};
  int count[1] = {8}, type[8] = {0};
  double frac[8][3];
  memcpy(frac, x, sizeof frac);
  pp_structure cell = {.nspecies = 1, .species = species, .count = count, .natoms = 8, .type = type, .frac = frac};
  snprintf(cell.title, sizeof cell.title, "diamond Si8");
  cell.lattice[0][0] = cell.lattice[1][1] = cell.lattice[2][2] = 5.43;
  pp_wavecar wc;
  memset(&wc, 0, sizeof wc);
  double kf[1][3] = {{0.125, -0.25, 0.375}};
  int64_t npw = 0;
  memcpy(wc.lattice, cell.lattice, sizeof wc.lattice);
  wc.encut = 150, wc.variant = PP_VARIANT_STANDARD, wc.nspinor = 1, wc.nspin = 1, wc.nkpts = 1, wc.nbands = 3;
  wc.kfrac = kf, wc.npw = &npw;
  pp_symmetry sym = {0};
  pp_pawset set = {0};
  pp_paw paw = {0};
  double complex *C = NULL, *P = NULL;
  PP_TRY(pp_symmetry_find(&cell, PP_SYMPREC_DEFAULT, 1, &sym, err));
  CHECK(sym.nops == 192, "diamond: %d operations", sym.nops);
  npw = gcount(wc.lattice, wc.encut, kf[0], err);
  if (npw < 1) PP_THROW(PP_ERR_INTERNAL, "diamond: no G vectors");
  const int nb = wc.nbands;
  PP_TRY(pp_pawset_load(setups, &cell, &set, err));
  PP_TRY(pp_paw_setup(&cell, set.ptr, sqrt(wc.encut * PP_VASP_C), NULL, &paw, err));
  C = malloc(sizeof *C * (size_t)npw * nb);
  P = malloc(sizeof *P * (size_t)paw.nproj * nb);
  if (!C || !P) PP_THROW(PP_ERR_NOMEM, "diamond: buffers");
  unsigned seed = 2024;
  for (int64_t i = 0; i < npw * nb; i++) {
    seed = seed * 1103515245u + 12345u;
    const double re = (seed >> 8) / 16777216.0 - 0.5;
    seed = seed * 1103515245u + 12345u;
    C[i] = re + I * ((seed >> 8) / 16777216.0 - 0.5);
  }
  PP_TRY(pp_project(&paw, &cell, &wc, 0, C, nb, npw, P, err));
  for (int tr = 0; tr <= 1; tr++)
    for (int o = 0; o < sym.nops; o++) {
      double dev, dn, da, dov;
      PP_TRY(rotate_case(&wc, &cell, &paw, &sym, 0, o, tr, C, nb, P, &dev, &dn, &da, &dov, err));
      w->proj_sym = fmax(w->proj_sym, dev);
      w->norm = fmax(w->norm, dn), w->aug = fmax(w->aug, da), w->ovl = fmax(w->ovl, dov);
      w->cases++;
      CHECK(dev < 1e-10, "diamond op %d tr %d: projections differ by %.3g of max |P|", o + 1, tr, dev);
    }
done:
  free(C), free(P);
  pp_paw_free(&paw);
  pp_pawset_free(&set);
  pp_symmetry_free(&sym);
  return st;
}

static int exists(const char *p) {
  struct stat s;
  return stat(p, &s) == 0;
}

static pp_status run(const char *dir, const char *setups, worst *w, pp_err *err) {
  pp_status st = PP_OK;
  char path[4096];
  pp_wavecar wc = {0};
  pp_structure cell = {0};
  pp_symmetry sym = {0};
  pp_kunfold u = {0};
  pp_pawset set = {0};
  pp_paw paw = {0}, paws = {0};
  pp_bytesrc src = {0};
  double complex *C = NULL, *P = NULL, *Ps = NULL;
  void *scratch = NULL;
  double *wv = NULL, *wu = NULL;
  snprintf(path, sizeof path, "%s/WAVECAR", dir);
  PP_TRY(pp_wavecar_open(path, PP_VARIANT_AUTO, PP_VARIANT_GAMMA_X, MPI_COMM_WORLD, &wc, err));
  snprintf(path, sizeof path, "%s/CONTCAR", dir);
  PP_TRY(pp_poscar_read(path, &cell, err));
  PP_TRY(pp_symmetry_find(&cell, PP_SYMPREC_DEFAULT, 1, &sym, err));
  CHECK(sym.nops == 8, "ga4-spin: spglib finds %d operations, VASP's OUTCAR 8", sym.nops);
  printf("ga4-spin: %d operations (%s, No. %d), %d IBZ k-points\n", sym.nops, sym.international, sym.spacegroup,
         wc.nkpts);
  /* Unfolding and weights. */
  pp_kmesh mesh;
  PP_TRY(pp_kmesh_recover((const double(*)[3])wc.kfrac, wc.nkpts, &sym, &mesh, err));
  PP_TRY(pp_kunfold_build((const double(*)[3])wc.kfrac, wc.nkpts, &sym, &mesh, &u, err));
  CHECK(u.nfull == 8 && mesh.n[0] == 2 && mesh.n[1] == 2 && mesh.n[2] == 2, "ga4-spin: %d full-zone points (%d×%d×%d)",
        u.nfull, mesh.n[0], mesh.n[1], mesh.n[2]);
  wv = malloc(sizeof *wv * wc.nkpts), wu = malloc(sizeof *wu * wc.nkpts);
  if (!wv || !wu) PP_THROW(PP_ERR_NOMEM, "test: weights");
  snprintf(path, sizeof path, "%s/vasprun.xml", dir);
  PP_TRY(pp_kweights_vasprun(path, wc.nkpts, wv, err));
  pp_kunfold_weights(&u, wu);
  for (int k = 0; k < wc.nkpts; k++)
    CHECK(fabs(wu[k] - wv[k]) < 1e-8, "k %d: weight orbit/8 = %g, vasprun.xml %g", k + 1, wu[k], wv[k]);
  /* Symmetrised lattice: same G lists as the WAVECAR at its k-points. */
  double As[3][3];
  PP_TRY(pp_symmetry_lattice(&sym, cell.lattice, As, err));
  pp_structure cells = cell;
  memcpy(cells.lattice, As, sizeof As);
  pp_wavecar wcs = wc;
  memcpy(wcs.lattice, As, sizeof As);
  for (int k = 0; k < wc.nkpts; k++) {
    int64_t n0 = 0, n1 = 0;
    int(*g0)[3] = glist(wc.lattice, wc.encut, wc.kfrac[k], &n0, err);
    int(*g1)[3] = glist(As, wc.encut, wc.kfrac[k], &n1, err);
    CHECK(g0 && g1 && n0 == n1 && n0 == wc.npw[k] && !memcmp(g0, g1, sizeof *g0 * (size_t)n0),
          "k %d: the symmetrised lattice changes the G list", k + 1);
    free(g0), free(g1);
  }
  PP_TRY(pp_pawset_load(setups, &cell, &set, err));
  PP_TRY(pp_paw_setup(&cell, set.ptr, sqrt(wc.encut * PP_VASP_C), NULL, &paw, err));
  PP_TRY(pp_paw_setup(&cells, set.ptr, sqrt(wc.encut * PP_VASP_C), NULL, &paws, err));
  const int nb = wc.nbands;
  int64_t npmax = 0;
  for (int k = 0; k < wc.nkpts; k++) npmax = wc.npw[k] > npmax ? wc.npw[k] : npmax;
  C = malloc(sizeof *C * (size_t)npmax * nb);
  P = malloc(sizeof *P * (size_t)paw.nproj * nb);
  Ps = malloc(sizeof *Ps * (size_t)paw.nproj * nb);
  scratch = malloc((size_t)wc.reclen);
  if (!C || !P || !Ps || !scratch) PP_THROW(PP_ERR_NOMEM, "test: coefficients");
  PP_TRY(pp_bytesrc_open(wc.path, &src, err));
  for (int s = 0; s < wc.nspin; s++)
    for (int k = 0; k < wc.nkpts; k++) {
      const int64_t n = wc.npw[k];
      PP_TRY(pp_wavecar_read_bands(&wc, &src, s, k, 0, nb, C, n, scratch, (size_t)wc.reclen, err));
      PP_TRY(pp_project(&paws, &cells, &wcs, k, C, nb, n, Ps, err));
      PP_TRY(pp_project(&paw, &cell, &wc, k, C, nb, n, P, err));
      for (int tr = 0; tr <= sym.time_reversal; tr++)
        for (int o = 0; o < sym.nops; o++) {
          double dev, dn, da, dov, devraw, x;
          PP_TRY(rotate_case(&wcs, &cells, &paws, &sym, k, o, tr, C, nb, Ps, &dev, &dn, &da, &dov, err));
          PP_TRY(rotate_case(&wc, &cell, &paw, &sym, k, o, tr, C, nb, P, &devraw, &x, &x, &x, err));
          w->proj_sym = fmax(w->proj_sym, dev);
          w->proj_raw = fmax(w->proj_raw, devraw);
          w->norm = fmax(w->norm, dn), w->aug = fmax(w->aug, da), w->ovl = fmax(w->ovl, dov);
          w->cases++;
          CHECK(dev < 1e-10, "spin %d k %d op %d tr %d: projections of rotated coefficients differ from rotated "
                "projections by %.3g of max |P|", s + 1, k + 1, o + 1, tr, dev);
        }
    }
done:
  pp_bytesrc_close(&src);
  free(C), free(P), free(Ps), free(scratch), free(wv), free(wu);
  pp_paw_free(&paw);
  pp_paw_free(&paws);
  pp_pawset_free(&set);
  pp_kunfold_free(&u);
  pp_symmetry_free(&sym);
  pp_structure_free(&cell);
  pp_wavecar_free(&wc);
  return st;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  if (argc < 3) {
    fprintf(stderr, "usage: test_symrot DATA_DIR SETUPS_DIR\n");
    MPI_Finalize();
    return 2;
  }
  char wpath[4096], spath[4096];
  snprintf(wpath, sizeof wpath, "%s/WAVECAR", argv[1]);
  snprintf(spath, sizeof spath, "%s/Ga.PBE.gz", argv[2]);
  if (!exists(wpath) || !exists(spath)) {
    printf("SKIP: %s or %s missing\n", wpath, spath);
    MPI_Finalize();
    return 77;
  }
  worst w = {0};
  pp_err e;
  pp_err_clear(&e);
  const pp_status st = run(argv[1], argv[2], &w, &e);
  CHECK(st == PP_OK, "%s (%s)", e.msg, e.trace);
  printf("rotated %d (spin, k, op, tr) cases: projections agree to %.2e of max |P| (symmetrised lattice), "
         "%.2e (CONTCAR's lattice); |Δ Σ|C|²| %.1e, |Δ Σ P*QP| %.1e, |Δ <C_m|C_n>| %.1e\n",
         w.cases, w.proj_sym, w.proj_raw, w.norm, w.aug, w.ovl);
  CHECK(w.cases == 2 * 2 * 8 * 2, "%d cases rotated, expected 64", w.cases);
  worst wd = {0};
  pp_err_clear(&e);
  if (exists(strcat(strcpy(spath, argv[2]), "/Si.PBE.gz"))) {
    const pp_status sd = run_diamond(argv[2], &wd, &e);
    CHECK(sd == PP_OK, "diamond: %s (%s)", e.msg, e.trace);
    printf("diamond Si8, random coefficients: %d (op, tr) cases: projections agree to %.2e of max |P|; "
           "|Δ Σ|C|²| %.1e, |Δ Σ P*QP| %.1e, |Δ <C_m|C_n>| %.1e\n",
           wd.cases, wd.proj_sym, wd.norm, wd.aug, wd.ovl);
    CHECK(wd.cases == 384, "diamond: %d cases", wd.cases);
    CHECK(wd.norm < 1e-10 && wd.ovl < 1e-10 && wd.aug < 1e-10, "diamond norms changed");
  }
  CHECK(w.proj_raw < 1e-5, "CONTCAR lattice: %.3g", w.proj_raw);
  CHECK(w.norm < 1e-12 && w.ovl < 1e-12, "pseudo norms / overlaps changed by %g / %g", w.norm, w.ovl);
  CHECK(w.aug < 1e-10, "augmentation changed by %g", w.aug);
  const int rc = CHECK_DONE("test_symrot");
  MPI_Finalize();
  return rc;
}
