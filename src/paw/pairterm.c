/* pairterm.c — two-centre terms between overlapping spheres of a bulk and
 * a defect structure (see pairterm.h). */
#include "pawproj/paw/pairterm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/model/lattice.h"

#include "pawproj/core/units.h"
/* The q integral of twocentre.h: Δφ carries the all-electron cusp, so its
 * transform decays like q⁻⁴; to 120 Bohr⁻¹ the s–s overlap of Si's
 * dataset converges to ~4e-6 relative (Parseval against the radial
 * integral), higher l much better. */
#define TC_QMAX 120.0
#define TC_DQ 0.01

typedef struct table_cache {
  int n;
  const pp_pawdata *data[64];
  pp_tcradial t[64];
} table_cache;

static pp_status cached_table(table_cache *c, const pp_pawdata *d, const pp_tcradial **out, pp_err *err) {
  for (int i = 0; i < c->n; i++)
    if (c->data[i] == d) {
      *out = &c->t[i];
      return PP_OK;
    }
  if (c->n == 64) PP_FAIL(err, PP_ERR_INTERNAL, "more than 64 datasets in pair terms");
  double *u = pp_pawdata_dphi(d);
  if (!u) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  const pp_status st = pp_tcradial_build(d, u, TC_QMAX, TC_DQ, &c->t[c->n], err);
  free(u);
  PP_CALL(st);
  c->data[c->n] = d;
  *out = &c->t[c->n++];
  return PP_OK;
}

/* Appends link p's images of defect atom b in range of bulk atom a. */
static pp_status find_images(const double lattice[3][3], const double fa[3], const double fb[3], double rcut_bohr,
                             pp_pairlink *L, pp_err *err) {
  double rec[3][3];
  if (pp_lat_reciprocal(lattice, rec) != 0) PP_FAIL(err, PP_ERR_ARG, "degenerate lattice");
  int lo[3], hi[3];
  for (int v = 0; v < 3; v++) {
    const double height = 2 * M_PI / pp_vec_norm(rec[v]) / PP_BOHR_A; /* Bohr */
    const int base = (int)nearbyint(fa[v] - fb[v]);
    const int span = (int)ceil(rcut_bohr / height) + 1;
    lo[v] = base - span, hi[v] = base + span;
  }
  L->dist_A = INFINITY;
  for (int x = lo[0]; x <= hi[0]; x++)
    for (int y = lo[1]; y <= hi[1]; y++)
      for (int z = lo[2]; z <= hi[2]; z++) {
        const double f[3] = {fa[0] - fb[0] - x, fa[1] - fb[1] - y, fa[2] - fb[2] - z};
        double R[3];
        pp_lat_frac_to_cart(lattice, f, R);
        const double dist = pp_vec_norm(R) / PP_BOHR_A;
        if (dist >= rcut_bohr) continue;
        int(*img)[3] = realloc(L->img, sizeof *img * (size_t)(L->nimg + 1));
        if (!img) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
        L->img = img;
        L->img[L->nimg][0] = x, L->img[L->nimg][1] = y, L->img[L->nimg][2] = z;
        L->nimg++;
        if (dist * PP_BOHR_A < L->dist_A) L->dist_A = dist * PP_BOHR_A;
      }
  return PP_OK;
}

static pp_status add_link(pp_pairterm *pt, const double lattice[3][3], int a, const double fa[3],
                          const pp_pawdata *da, int b, const double fb[3], const pp_pawdata *dd,
                          table_cache *cache, pp_err *err) {
  pp_pairlink L = {.a = a, .b = b, .na = da->nproj, .nb = dd->nproj};
  pp_status st = PP_OK;
  const pp_tcradial *ta, *tb;
  PP_TRY(find_images(lattice, fa, fb, pp_pawdata_dphi_radius(da) + pp_pawdata_dphi_radius(dd), &L, err));
  if (L.nimg == 0) goto done;
  PP_TRY(cached_table(cache, da, &ta, err));
  PP_TRY(cached_table(cache, dd, &tb, err));
  L.M = malloc(sizeof *L.M * (size_t)L.nimg * L.na * L.nb);
  if (!L.M) PP_THROW(PP_ERR_NOMEM, "out of memory for pair terms");
  for (int i = 0; i < L.nimg; i++) {
    const double f[3] = {fa[0] - fb[0] - L.img[i][0], fa[1] - fb[1] - L.img[i][1], fa[2] - fb[2] - L.img[i][2]};
    double R[3];
    pp_lat_frac_to_cart(lattice, f, R);
    for (int v = 0; v < 3; v++) R[v] /= PP_BOHR_A;
    PP_TRY(pp_twocentre(ta, tb, R, L.M + (size_t)i * L.na * L.nb, err));
  }
  pp_pairlink *grown = realloc(pt->link, sizeof *grown * (size_t)(pt->n + 1));
  if (!grown) PP_THROW(PP_ERR_NOMEM, "out of memory for pair terms");
  pt->link = grown;
  pt->link[pt->n++] = L;
  return PP_OK;
done:
  free(L.img);
  free(L.M);
  return st;
}

pp_status pp_pairterm_build(const double lattice[3][3], int nbulk, const double (*fb)[3],
                            const pp_pawdata *const *db, int ndef, const double (*fd)[3],
                            const pp_pawdata *const *dd, const int *b2d, const int *d2b, pp_pairterm *pt,
                            pp_err *err) {
  memset(pt, 0, sizeof *pt);
  table_cache *cache = calloc(1, sizeof *cache);
  pp_status st = PP_OK;
  if (!cache) PP_THROW(PP_ERR_NOMEM, "out of memory");
  for (int a = 0; a < nbulk; a++)
    for (int b = 0; b < ndef; b++) {
      if (b2d[a] == b || (b2d[a] >= 0 && d2b[b] >= 0)) continue;
      PP_TRY(add_link(pt, lattice, a, fb[a], db[a], b, fd[b], dd[b], cache, err));
    }
done:
  for (int i = 0; cache && i < cache->n; i++) pp_tcradial_free(&cache->t[i]);
  free(cache);
  if (st != PP_OK) pp_pairterm_free(pt);
  return st;
}

void pp_pairterm_free(pp_pairterm *pt) {
  for (int p = 0; p < pt->n; p++) {
    free(pt->link[p].img);
    free(pt->link[p].M);
  }
  free(pt->link);
  memset(pt, 0, sizeof *pt);
}

void pp_pairterm_matrix(const pp_pairterm *pt, int p, const double kfrac[3], double complex *out) {
  const pp_pairlink *L = &pt->link[p];
  const size_t n = (size_t)L->na * L->nb;
  for (size_t i = 0; i < n; i++) out[i] = 0;
  for (int m = 0; m < L->nimg; m++) {
    const double arg = 2 * M_PI * (kfrac[0] * L->img[m][0] + kfrac[1] * L->img[m][1] + kfrac[2] * L->img[m][2]);
    const double complex ph = cexp(I * arg);
    for (size_t i = 0; i < n; i++) out[i] += ph * L->M[m * n + i];
  }
}
