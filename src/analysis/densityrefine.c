/* densityrefine.c — the grid refined for an all-electron density (see
 * densitypass.h). */
#include "pawproj/analysis/densitypass.h"

#include <stdio.h>

#include "pawproj/core/stage.h"
#include "pawproj/io/wfset.h"

typedef struct occ_arg {
  const pp_tcradial *tabs;
  const pp_structure *cell;
  const double complex *D;
  double electrons;
} occ_arg;

static double density_loss(void *arg, double q2) {
  const occ_arg *o = arg;
  return pp_state_deficit_occ(o->tabs, o->cell, o->D, q2) / o->electrons;
}

pp_status pp_density_refine(const pp_density_pass *p, double electrons, int grid[3], char *source, size_t n,
                            pp_err *err) {
  const pp_wavecar *wc = &p->ds->wc;
  const pp_structure *cell = &p->ds->structure;
  const pp_layout *lay = p->lay;
  int np_s[64] = {0};
  size_t nd = 0;
  for (int s = 0; s < cell->nspecies && s < 64; s++) np_s[s] = p->set->ptr[s]->nproj;
  for (int a = 0; a < cell->natoms; a++) nd += (size_t)np_s[cell->type[a]] * np_s[cell->type[a]];
  pp_stage sg = {0};
  pp_pool *pool = NULL;
  double complex *D = NULL;
  pp_tcradial *tabs = NULL;
  pp_kplan kp = {0};
  pp_pool *kpool = NULL;
  pp_status st = PP_OK;
  const size_t dbytes = sizeof *D * (nd + 1);
  PP_TRY(pp_stage_begin(p->ctx, "refine", &sg, err));
  PP_TRY(pp_stage_need(&sg, "occupations, kpoint-plan", dbytes + pp_density_plan_bytes(p), err));
  PP_TRY(pp_stage_pool(&sg, "occupations", NULL, 0, &pool, err));
  PP_TRY(pp_pool_alloc(pool, dbytes, (void **)&D, err)); /* zeroed */
  for (int item = 0; item < lay->nitems; item++) {
    if (!pp_layout_owns_item(lay, item)) continue;
    const int s = item / wc->nkpts, k = item % wc->nkpts;
    pp_kplan_free(&kp);
    if (kpool) PP_TRY(pp_pool_release(kpool, err));
    kpool = NULL;
    if (lay->brank == 0) { /* once for all bands of the item */
      PP_TRY(pp_stage_pool(&sg, "kpoint-plan", NULL, 0, &kpool, err));
      PP_TRY(pp_kplan_create(p->paw, wc, k, kpool, &kp, err));
    }
    for (int b = p->lo; b < p->hi; b++) {
      const double w = pp_density_weight(p, s, k, b);
      if (w == 0) continue;
      PP_TRY(pp_wfset_read_band_buf(wc, p->src, s, k, b, p->c, p->rec, lay->kcomm, err));
      if (lay->brank != 0) continue; /* one contribution per group */
      pp_stage_add_work(&sg, (double)wc->coef_bytes * (double)pp_wavecar_nstored(wc, k), 0);
      PP_TRY(pp_kplan_project(&kp, cell, p->c, 1, pp_wavecar_nstored(wc, k), p->P, err));
      pp_state_occ_add(cell, np_s, p->P, wc->nspinor, p->paw->nproj, w, D);
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, D, (int)(2 * nd), MPI_DOUBLE, MPI_SUM, lay->world);
  PP_TRY(pp_state_tables(p->set->ptr, cell->nspecies, &tabs, err));
  occ_arg o = {tabs, cell, D, electrons > 0 ? electrons : 1};
  const int base[3] = {grid[0], grid[1], grid[2]};
  double deficit = 0;
  const double f = pp_state_refine(base, wc->lattice, density_loss, &o, PP_DENSITY_DEFICIT, grid, &deficit);
  if (f != 1) {
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%.4000s, refined ×%g: the reconstruction beyond the grid carries %.1e of the charge",
             source, f == 0 ? 6 : f, deficit);
    snprintf(source, n, "%s", tmp);
  }
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_kplan_free(&kp);
  pp_state_tables_free(tabs, cell->nspecies);
  pp_stage_abort(&sg); /* error paths: D's pool */
  return st;
}
