/* pawpair.c — PAW terms of bulk/defect overlaps (see pawpair.h). */
#include "pawproj/paw/pawpair.h"

#include <stdlib.h>
#include <string.h>

#include "pawproj/core/blas.h"

static int species_index(const pp_structure *u, const char *name) {
  for (int s = 0; s < u->nspecies; s++)
    if (!strcmp(u->species[s], name)) return s;
  return -1;
}

/* The bulk's species in its order, then the defect's others: the bulk's
 * indices stay valid in the union, and every dataset is the one its run
 * loaded. */
static pp_status build_union(const pp_pawrun *b, const pp_pawrun *d, pp_pawpair *pp, pp_err *err) {
  pp_structure *u = &pp->species;
  const int n = b->cell->nspecies + d->cell->nspecies;
  u->species = calloc((size_t)n + 1, sizeof *u->species);
  pp->data = calloc((size_t)n + 1, sizeof *pp->data);
  if (!u->species || !pp->data) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  const pp_pawrun *both[2] = {b, d};
  for (int x = 0; x < 2; x++)
    for (int s = 0; s < both[x]->cell->nspecies; s++)
      if (species_index(u, both[x]->cell->species[s]) < 0) {
        pp->data[u->nspecies] = both[x]->set.ptr[s];
        memcpy(u->species[u->nspecies++], both[x]->cell->species[s], PP_SPECIES_NAME);
      }
  return PP_OK;
}

/* The defect's real-space projectors seen in union species order (the
 * order of the sites' species): its tables, not copies. */
static pp_status defect_rs_view(const pp_pawrun *d, pp_pawpair *pp, pp_err *err) {
  const pp_rsproj *rs = d->paw.rs;
  if (!rs) return PP_OK;
  const int n = pp->species.nspecies;
  pp->rs_view = *rs;
  pp->rs_view.nspecies = n;
  pp->rs_view.data = calloc((size_t)n + 1, sizeof *pp->rs_view.data);
  pp->rs_view.table = calloc((size_t)n + 1, sizeof *pp->rs_view.table);
  if (!pp->rs_view.data || !pp->rs_view.table) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (int s = 0; s < d->cell->nspecies; s++) {
    const int u = species_index(&pp->species, d->cell->species[s]);
    pp->rs_view.data[u] = rs->data[s];
    pp->rs_view.table[u] = rs->table[s];
  }
  pp->rs_defect = &pp->rs_view;
  return PP_OK;
}

static void set_site(pp_site *s, const double frac[3], int species, pp_site_kind kind) {
  memcpy(s->frac, frac, sizeof s->frac);
  s->species = species;
  s->kind = kind;
}

static pp_status build_pairs(pp_pawpair *pp, const pp_structure *bulk, const pp_structure *defect,
                             pp_err *err) {
  const pp_pawdata **db = malloc(sizeof *db * (size_t)(bulk->natoms + defect->natoms + 1));
  if (!db) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  const pp_pawdata **dd = db + bulk->natoms;
  for (int a = 0; a < bulk->natoms; a++) db[a] = pp->data[pp->bside[a].species];
  for (int b = 0; b < defect->natoms; b++) dd[b] = pp->data[pp->dside[pp->dsite[b]].species];
  const pp_status st = pp_pairterm_build(bulk->lattice, bulk->natoms, (const double(*)[3])bulk->frac, db,
                                         defect->natoms, (const double(*)[3])defect->frac, dd, pp->match.b2d,
                                         pp->match.d2b, &pp->pairs, err);
  free(db);
  return st;
}

pp_status pp_pawpair_setup(const pp_pawrun *brun, const pp_pawrun *drun, double tol_A, double qmax_A,
                           pp_pawpair *pp, pp_err *err) {
  const pp_structure *bulk = brun->cell, *defect = drun->cell;
  memset(pp, 0, sizeof *pp);
  PP_CALL(build_union(brun, drun, pp, err));
  /* The runs' tables, not a third copy (same datasets, same reach). */
  const pp_paw *const donors[2] = {&brun->paw, &drun->paw};
  PP_CALL(pp_paw_share(&pp->species, pp->data, qmax_A, NULL, donors, 2, &pp->paw, err));
  pp->rs_bulk = brun->paw.rs;
  PP_CALL(defect_rs_view(drun, pp, err));
  PP_CALL(pp_sitematch_build(bulk, defect, tol_A, &pp->match, err));
  const int n = bulk->natoms + defect->natoms;
  pp->bside = calloc((size_t)n + 1, sizeof *pp->bside);
  pp->dside = calloc((size_t)n + 1, sizeof *pp->dside);
  pp->applyq = calloc((size_t)n + 1, 1);
  pp->scol = calloc((size_t)n + 1, sizeof *pp->scol);
  pp->natd = defect->natoms;
  pp->dsite = calloc((size_t)defect->natoms + 1, sizeof *pp->dsite);
  pp->dcol = calloc((size_t)defect->natoms + 1, sizeof *pp->dcol);
  if (!pp->bside || !pp->dside || !pp->applyq || !pp->scol || !pp->dsite || !pp->dcol)
    PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  int i = 0;
  for (int a = 0; a < bulk->natoms; a++) {
    const int s = species_index(&pp->species, bulk->species[bulk->type[a]]);
    const int b = pp->match.b2d[a];
    set_site(&pp->bside[i], bulk->frac[a], s, PP_SITE_PROJ);
    if (b >= 0) {
      set_site(&pp->dside[i], defect->frac[b], s, PP_SITE_PROJ);
      pp->applyq[i] = 1;
      pp->dsite[b] = i;
    } else {
      set_site(&pp->dside[i], bulk->frac[a], s, PP_SITE_DIFF);
      pp->nonlyb++;
    }
    pp->ncol += pp->data[s]->nproj;
    pp->scol[++i] = pp->ncol;
  }
  pp->nprojb = pp->ncol;
  for (int b = 0; b < defect->natoms; b++) {
    if (pp->match.d2b[b] >= 0) continue;
    const int s = species_index(&pp->species, defect->species[defect->type[b]]);
    set_site(&pp->bside[i], defect->frac[b], s, PP_SITE_DIFF);
    set_site(&pp->dside[i], defect->frac[b], s, PP_SITE_PROJ);
    pp->dsite[b] = i;
    pp->ncol += pp->data[s]->nproj;
    pp->nonlyd++;
    pp->scol[++i] = pp->ncol;
  }
  pp->nsites = i;
  for (int b = 0; b < defect->natoms; b++)
    pp->dcol[b + 1] = pp->dcol[b] + pp->data[pp->dside[pp->dsite[b]].species]->nproj;
  pp->nprojd = pp->dcol[defect->natoms];
  return build_pairs(pp, bulk, defect, err);
}

void pp_pawpair_free(pp_pawpair *pp) {
  /* The runs' real-space plans end with the overlaps (the runs stay). */
  if (pp->rs_bulk) pp_rsproj_drop_plan(pp->rs_bulk);
  if (pp->rs_defect) pp_rsproj_drop_plan(pp->rs_defect);
  pp_paw_free(&pp->paw);
  free(pp->data);
  free(pp->rs_view.data);
  free(pp->rs_view.table);
  pp_sitematch_free(&pp->match);
  pp_pairterm_free(&pp->pairs);
  free(pp->species.species);
  free(pp->bside);
  free(pp->dside);
  free(pp->applyq);
  free(pp->scol);
  free(pp->dsite);
  free(pp->dcol);
  memset(pp, 0, sizeof *pp);
}

/* Applies Q^a in place to the columns of flagged sites of each row. */
static void apply_q(const pp_pawpair *pp, int nspinor, double complex *X, int nrows) {
  const int ldx = nspinor * pp->ncol;
  double complex tmp[64];
  for (int r = 0; r < nrows; r++)
    for (int sp = 0; sp < nspinor; sp++) {
      int col = 0;
      for (int i = 0; i < pp->nsites; i++) {
        const pp_pawdata *d = pp->data[pp->dside[i].species];
        double complex *x = X + (size_t)r * ldx + (size_t)sp * pp->ncol + col;
        col += d->nproj;
        if (!pp->applyq[i]) continue;
        pp_pawdata_apply_q(d, x, tmp);
        memcpy(x, tmp, sizeof *x * (size_t)d->nproj);
      }
    }
}

/* Copies the projections at the bulk's own atoms out of X_B (nrows). */
void pp_pawpair_bulk_proj(const pp_pawpair *pp, int nspinor, const double complex *XB, int nrows,
                          double complex *PB) {
  const size_t ldx = (size_t)nspinor * pp->ncol;
  for (int r = 0; PB && r < nrows; r++)
    for (int sp = 0; sp < nspinor; sp++)
      memcpy(PB + ((size_t)r * nspinor + sp) * pp->nprojb, XB + r * ldx + (size_t)sp * pp->ncol,
             sizeof *PB * (size_t)pp->nprojb);
}

/* Copies the projections at the defect's own atoms out of X_D. */
static void extract_defect(const pp_pawpair *pp, int nspinor, const double complex *XD, int nd, double complex *PD) {
  const size_t ldx = (size_t)nspinor * pp->ncol;
  for (int r = 0; PD && r < nd; r++)
    for (int sp = 0; sp < nspinor; sp++)
      for (int b = 0; b < pp->natd; b++)
        memcpy(PD + ((size_t)r * nspinor + sp) * pp->nprojd + pp->dcol[b],
               XD + r * ldx + (size_t)sp * pp->ncol + pp->scol[pp->dsite[b]],
               sizeof *PD * (size_t)(pp->dcol[b + 1] - pp->dcol[b]));
}

/* X_D at bulk atom a's site += M_ab(k) · (raw projections of defect atom b
 * in XD0), for every pair. */
static pp_status add_pairs(const pp_pawpair *pp, const double kfrac[3], int nspinor, const double complex *XD0,
                           double complex *XD, int nrows, pp_err *err) {
  const size_t ldx = (size_t)nspinor * pp->ncol;
  for (int p = 0; p < pp->pairs.n; p++) {
    const pp_pairlink *L = &pp->pairs.link[p];
    double complex *M = malloc(sizeof *M * (size_t)L->na * L->nb);
    if (!M) PP_FAIL(err, PP_ERR_NOMEM, "out of memory for pair terms");
    pp_pairterm_matrix(&pp->pairs, p, kfrac, M);
    const int ca = pp->scol[L->a], cb = pp->scol[pp->dsite[L->b]];
    for (int r = 0; r < nrows; r++)
      for (int sp = 0; sp < nspinor; sp++) {
        double complex *x = XD + r * ldx + (size_t)sp * pp->ncol + ca;
        const double complex *y = XD0 + r * ldx + (size_t)sp * pp->ncol + cb;
        for (int i = 0; i < L->na; i++) {
          double complex s = 0;
          for (int j = 0; j < L->nb; j++) s += M[(size_t)i * L->nb + j] * y[j];
          x[i] += s;
        }
      }
    free(M);
  }
  return PP_OK;
}

size_t pp_pawpair_scratch_bytes(const pp_pawpair *pp, const pp_wavecar *wc, int k, int nbl, int nd) {
  const size_t row = sizeof(double complex) * (size_t)wc->nspinor * pp->ncol, pad = 64;
  const size_t x = ((size_t)nbl + 1) * row + pad + (1 + (pp->pairs.n > 0)) * (((size_t)nd + 1) * row + pad);
  return x + pp_kplan_bytes(&pp->paw, wc, k, pp->nonlyb + pp->nonlyd > 0);
}

pp_status pp_pawpair_dside(const pp_pawpair *pp, const pp_wavecar *wc, int k, const double complex *Cd, int nd,
                           int64_t ld, pp_kplan *kp, double complex **XD, double complex *PD, pp_pool *scratch,
                           pp_err *err) {
  const size_t row = sizeof(double complex) * (size_t)wc->nspinor * pp->ncol;
  double complex *XD0 = NULL;
  memset(kp, 0, sizeof *kp);
  PP_CALL(pp_pool_alloc(scratch, ((size_t)nd + 1) * row, (void **)XD, err));
  /* One plan for both sides: same k-point, same G list and tables. */
  PP_CALL(pp_kplan_create(&pp->paw, wc, k, scratch, kp, err));
  PP_CALL(pp_kplan_project_sites(kp, pp->dside, pp->nsites, Cd, nd, ld, *XD, 0, pp->ncol, pp->rs_defect, err));
  extract_defect(pp, wc->nspinor, *XD, nd, PD);
  if (pp->pairs.n > 0) {
    PP_CALL(pp_pool_alloc(scratch, ((size_t)nd + 1) * row, (void **)&XD0, err));
    memcpy(XD0, *XD, row * (size_t)nd);
  }
  apply_q(pp, wc->nspinor, *XD, nd);
  if (pp->pairs.n > 0) PP_CALL(add_pairs(pp, wc->kfrac[k], wc->nspinor, XD0, *XD, nd, err));
  return PP_OK;
}

pp_status pp_pawpair_bside(const pp_pawpair *pp, pp_kplan *kp, const double complex *Cb, int nbl, int64_t ld,
                           double complex *XB, pp_err *err) {
  return pp_kplan_project_sites(kp, pp->bside, pp->nsites, Cb, nbl, ld, XB, 0, pp->ncol, pp->rs_bulk, err);
}

void pp_pawpair_multiply(const pp_pawpair *pp, int nspinor, const double complex *XB, int nbl,
                         const double complex *XD, int nd, double complex *S, int lds) {
  if (nbl <= 0 || nd <= 0) return;
  const int ldx = nspinor * pp->ncol;
  const double complex one = 1;
  zgemm_("C", "N", &nbl, &nd, &ldx, &one, XB, &ldx, XD, &ldx, &one, S, &lds);
}

pp_status pp_pawpair_sides(const pp_pawpair *pp, const pp_wavecar *wc, int k, const double complex *Cb, int nbl,
                           const double complex *Cd, int nd, int64_t ld, double complex **XB, double complex **XD,
                           double complex *PB, double complex *PD, pp_pool *scratch, pp_err *err) {
  const size_t row = sizeof(double complex) * (size_t)wc->nspinor * pp->ncol;
  pp_kplan kp = {0};
  pp_status st = PP_OK;
  PP_TRY(pp_pool_alloc(scratch, ((size_t)nbl + 1) * row, (void **)XB, err));
  PP_TRY(pp_pawpair_dside(pp, wc, k, Cd, nd, ld, &kp, XD, PD, scratch, err));
  PP_TRY(pp_pawpair_bside(pp, &kp, Cb, nbl, ld, *XB, err));
  pp_pawpair_bulk_proj(pp, wc->nspinor, *XB, nbl, PB);
done:
  pp_kplan_free(&kp);
  return st;
}
