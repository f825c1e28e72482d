/* projectsetup.c — opening and setting up a project run (see
 * projectsetup.h). */
#include "pawproj/analysis/projectsetup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/bandsel.h"
#include "pawproj/analysis/bandstats.h"
#include "pawproj/io/datakmesh.h"

/* Where datasets are looked for when the setup names none: the first
 * defect's directory, for the bulk and every defect alike, so that one
 * study uses one set of datasets. */
static const char *dataset_fallback(const pp_project_setup *s) { return s->defects[0].dir; }

static void log_projectors(const pp_ctx *ctx, const char *who, const pp_projmode *pm) {
  if (ctx->rank == 0 && (!ctx->quiet || pm->lr.mode == PP_LREAL_AUTO))
    fprintf(stderr, "[pawproj] %s projectors: %s\n", who, pm->desc);
}

/* The bulk's PAW side: its datasets, and its own LREAL and grid (its
 * OUTCAR / vasprun.xml) unless the setup says otherwise; the description
 * is printed because Auto is only approximated (projmode.h). */
static pp_status setup_bulk_paw(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  char dir[4096];
  pp_dataset_dir(&r->bulk, dir, sizeof dir);
  PP_CALL(pp_pawrun_setup(&s->paw_opts, dataset_fallback(s), dir, &r->bulk.wc, &r->bulk.structure, &r->paw_bulk,
                          err));
  pp_pawrun_use_pools(&r->paw_bulk, ctx);
  log_projectors(ctx, "bulk", &r->paw_bulk.pm);
  return PP_OK;
}

pp_status pp_project_defect_begin(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r,
                                  pp_project_defect *d, pp_err *err) {
  if (!s->paw) return PP_OK;
  char dir[4096], who[128];
  pp_dataset_dir(&d->ds, dir, sizeof dir);
  PP_CALL(pp_pawrun_setup(&s->paw_opts, dataset_fallback(s), dir, &d->ds.wc, &d->ds.structure, &d->paw, err));
  /* Overlaps alternate bulk and defect projections: one real-space plan
   * between them (rsproj.h). Before the pair terms copy the defect's. */
  if (r->paw_bulk.pm.real_space && d->paw.pm.real_space) pp_rsproj_share_plan(&d->paw.pm.rs, &r->paw_bulk.pm.rs);
  pp_pawrun_use_pools(&d->paw, ctx);
  PP_CALL(pp_pawpair_setup(&r->paw_bulk, &d->paw, s->match_tol, sqrt(r->bulk.wc.encut * PP_VASP_C), &d->pair,
                           err));
  snprintf(who, sizeof who, s->study ? "defect %s" : "defect", d->label);
  log_projectors(ctx, who, &d->paw.pm);
  return PP_OK;
}

void pp_project_defect_end(pp_project_defect *d) {
  pp_pawpair_free(&d->pair);
  pp_pawrun_free(&d->paw);
}

/* Computed here, once, so that the outputs only print. */
static pp_status band_means(pp_project_defect *d, pp_err *err) {
  const pp_wavecar *w = &d->ds.wc;
  const int nd = d->hi - d->lo;
  d->energy = calloc(2 * (size_t)w->nspin * nd + 1, sizeof *d->energy);
  if (!d->energy) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  d->occupation = d->energy + (size_t)w->nspin * nd;
  for (int s = 0; s < w->nspin; s++)
    for (int n = 0; n < nd; n++)
      pp_bandstats_mean(w, d->ds.kweight, s, d->lo + n, &d->energy[(size_t)s * nd + n],
                        &d->occupation[(size_t)s * nd + n]);
  return PP_OK;
}

/* Each defect onto the bulk's k-points. The first defect whose set
 * differs may unfold the bulk (both symmetry-reduced): the defects before
 * it, which matched the bulk's IBZ, are then brought onto the full mesh
 * too. After that the bulk lists the whole mesh and is never changed
 * again (datakmesh.h keeps a full-zone run as it is). */
static pp_status common_kpoints(const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  const double symprec = s->symprec > 0 ? s->symprec : PP_SYMPREC_DEFAULT;
  for (int i = 0; i < r->ndefects; i++) {
    const int nk = r->bulk.wc.nkpts, was_unfolded = r->bulk.unfold != NULL;
    PP_CALL(pp_dataset_common_kpoints(&r->bulk, &r->defects[i].ds, symprec, s->unfold, err));
    const int bulk_changed = r->bulk.wc.nkpts != nk || (r->bulk.unfold != NULL) != was_unfolded;
    for (int j = 0; bulk_changed && j < i; j++)
      PP_CALL(pp_dataset_common_kpoints(&r->bulk, &r->defects[j].ds, symprec, 0, err));
  }
  for (int i = 0; i < r->ndefects; i++)
    if (!pp_dataset_same_kpoints(&r->bulk, &r->defects[i].ds))
      PP_FAIL(err, PP_ERR_MISMATCH, "%s: its k-points could not be brought onto the bulk's (%d k-points); run it "
              "separately", r->defects[i].ds.label, r->bulk.wc.nkpts);
  return PP_OK;
}

static pp_status open_defect(pp_ctx *ctx, const pp_project_setup *s, int i, pp_project_defect *d, pp_err *err) {
  const pp_project_target *t = &s->defects[i];
  char label[128];
  d->label = t->label ? t->label : "defect";
  const char *side = s->names[1] ? s->names[1] : "defect";
  if (t->label) snprintf(label, sizeof label, "%s %s", side, t->label);
  else snprintf(label, sizeof label, "%s", side);
  return pp_dataset_open(label, t->dir, s->variant, 1, ctx, &d->ds, err);
}

/* VASP's S(Q0): the defect's plane waves projected at the bulk's sites. */
static pp_status take_bulk_sites(const pp_dataset *bulk, pp_dataset *d, pp_err *err) {
  const pp_structure *b = &bulk->structure;
  pp_structure *x = &d->structure;
  int same = b->natoms == x->natoms && b->nspecies == x->nspecies;
  for (int a = 0; same && a < b->natoms; a++) same = b->type[a] == x->type[a];
  for (int t = 0; same && t < b->nspecies; t++) same = !strcmp(b->species[t], x->species[t]);
  if (bulk->unfold || d->unfold)
    PP_FAIL(err, PP_ERR_ARG, "%s: the reference's overlap operator S(Q0) is not available for "
            "symmetry-reduced runs (ISYM >= 1); use the full overlap or runs with ISYM = 0", d->label);
  if (!same)
    PP_FAIL(err, PP_ERR_MISMATCH, "%s: its atoms (%d) are not the bulk's (%d) in number, species and order; the "
            "reference's overlap operator S(Q0) needs the same atoms", d->label, x->natoms, b->natoms);
  memcpy(x->frac, b->frac, sizeof *x->frac * (size_t)b->natoms);
  return PP_OK;
}

static pp_status choose_bands(const pp_project_setup *s, int i, pp_project_defect *d, pp_err *err) {
  const char *bands = s->defects[i].bands ? s->defects[i].bands : s->bands;
  if (bands) return pp_bandsel_parse(bands, d->ds.wc.nbands, &d->lo, &d->hi, err);
  pp_bandsel_window(&d->ds.wc, s->window, &d->lo, &d->hi);
  return PP_OK;
}

pp_status pp_project_open(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  if (s->ndefects < 1) PP_FAIL(err, PP_ERR_ARG, "project needs at least one defect run");
  PP_CALL(pp_dataset_open(s->names[0] ? s->names[0] : "bulk", s->bulk, s->variant, 1, ctx, &r->bulk, err));
  r->defects = calloc((size_t)s->ndefects, sizeof *r->defects);
  if (!r->defects) PP_FAIL(err, PP_ERR_NOMEM, "out of memory (%d defects)", s->ndefects);
  for (int i = 0; i < s->ndefects; i++) {
    r->ndefects = i + 1;
    PP_CALL(open_defect(ctx, s, i, &r->defects[i], err));
  }
  /* Different k-point sets (symmetry-reduced runs): onto one mesh first,
   * so that everything below sees full-mesh items. */
  PP_CALL(common_kpoints(s, r, err));
  if (ctx->rank == 0 && !ctx->quiet) {
    if (r->bulk.unfold) fprintf(stderr, "[pawproj] %s\n", r->bulk.kpoint_note);
    for (int i = 0; i < r->ndefects; i++)
      if (r->defects[i].ds.unfold) fprintf(stderr, "[pawproj] %s\n", r->defects[i].ds.kpoint_note);
  }
  for (int i = 0; i < r->ndefects; i++) {
    PP_CALL(pp_dataset_check_compatible(&r->bulk, &r->defects[i].ds, err));
    if (s->bulk_sites) PP_CALL(take_bulk_sites(&r->bulk, &r->defects[i].ds, err));
    PP_CALL(choose_bands(s, i, &r->defects[i], err));
    PP_CALL(band_means(&r->defects[i], err));
  }
  if (s->paw) PP_CALL(setup_bulk_paw(ctx, s, r, err));
  PP_CALL(pp_layout_create(ctx->world, r->bulk.wc.nspin * r->bulk.wc.nkpts, r->bulk.wc.nbands, s->kgroups,
                           &r->lay, err));
  if (ctx->rank == 0 && !ctx->quiet) {
    fprintf(stderr, "[pawproj] %d rank(s): %d k-point group(s) × %d band group(s)", ctx->size, r->lay.nkgroups,
            r->lay.nbranks);
    if (r->ndefects == 1)
      fprintf(stderr, "; defect bands %d-%d%s\n", r->defects[0].lo + 1, r->defects[0].hi,
              s->defects[0].bands || s->bands ? "" : " (window around the defect Fermi level)");
    else
      fprintf(stderr, "; %d defects against one bulk read\n", r->ndefects);
  }
  return PP_OK;
}
