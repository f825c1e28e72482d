/* projectsetup.c — opening and setting up a project run (see
 * projectsetup.h). */
#include "pawproj/analysis/projectsetup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "pawproj/analysis/bandsel.h"
#include "pawproj/analysis/bandstats.h"
#include "pawproj/io/datakmesh.h"

/* Each run's PAW side: datasets, and its own LREAL and grid (its OUTCAR /
 * vasprun.xml) unless the setup says otherwise; the descriptions are
 * printed because Auto is only approximated (projmode.h). Then the terms
 * between the two, from what the runs set up. */
static pp_status setup_paw(const pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  char dir[4096];
  pp_dataset_dir(&r->bulk, dir, sizeof dir);
  PP_CALL(pp_pawrun_setup(&s->paw_opts, s->defect, dir, &r->bulk.wc, &r->bulk.structure, &r->paw_bulk, err));
  pp_dataset_dir(&r->defect, dir, sizeof dir);
  PP_CALL(pp_pawrun_setup(&s->paw_opts, s->defect, dir, &r->defect.wc, &r->defect.structure, &r->paw_defect,
                          err));
  /* Overlaps alternate bulk and defect projections: one real-space plan
   * between them (rsproj.h). Before the pair terms copy the defect's. */
  if (r->paw_bulk.pm.real_space && r->paw_defect.pm.real_space)
    pp_rsproj_share_plan(&r->paw_defect.pm.rs, &r->paw_bulk.pm.rs);
  PP_CALL(pp_pawpair_setup(&r->paw_bulk, &r->paw_defect, s->match_tol, sqrt(r->bulk.wc.encut * PP_VASP_C),
                           &r->pair, err));
  if (ctx->rank == 0)
    for (int x = 0; x < 2; x++) {
      const pp_projmode *pm = x ? &r->paw_defect.pm : &r->paw_bulk.pm;
      if (!ctx->quiet || pm->lr.mode == PP_LREAL_AUTO)
        fprintf(stderr, "[pawproj] %s projectors: %s\n", x ? "defect" : "bulk", pm->desc);
    }
  return PP_OK;
}

/* Computed here, once, so that the outputs only print. */
static pp_status band_means(pp_project_result *r, pp_err *err) {
  const pp_wavecar *d = &r->defect.wc;
  const int nd = r->hi - r->lo;
  r->energy = calloc(2 * (size_t)d->nspin * nd, sizeof *r->energy);
  if (!r->energy) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  r->occupation = r->energy + (size_t)d->nspin * nd;
  for (int s = 0; s < d->nspin; s++)
    for (int n = 0; n < nd; n++)
      pp_bandstats_mean(d, r->defect.kweight, s, r->lo + n, &r->energy[(size_t)s * nd + n],
                        &r->occupation[(size_t)s * nd + n]);
  return PP_OK;
}

pp_status pp_project_open(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err) {
  PP_CALL(pp_dataset_open("bulk", s->bulk, s->variant, 1, ctx->world, &r->bulk, err));
  PP_CALL(pp_dataset_open("defect", s->defect, s->variant, 1, ctx->world, &r->defect, err));
  /* Different k-point sets (symmetry-reduced runs): both onto one mesh
   * first, so that everything below sees full-mesh items. */
  PP_CALL(pp_dataset_common_kpoints(&r->bulk, &r->defect, s->symprec > 0 ? s->symprec : PP_SYMPREC_DEFAULT,
                                    s->unfold, err));
  if (ctx->rank == 0 && !ctx->quiet)
    for (int x = 0; x < 2; x++) {
      const pp_dataset *ds = x ? &r->defect : &r->bulk;
      if (ds->unfold) fprintf(stderr, "[pawproj] %s\n", ds->kpoint_note);
    }
  PP_CALL(pp_dataset_check_compatible(&r->bulk, &r->defect, err));
  if (s->paw) PP_CALL(setup_paw(ctx, s, r, err));
  if (s->bands)
    PP_CALL(pp_bandsel_parse(s->bands, r->defect.wc.nbands, &r->lo, &r->hi, err));
  else
    pp_bandsel_window(&r->defect.wc, s->window, &r->lo, &r->hi);
  PP_CALL(pp_layout_create(ctx->world, r->bulk.wc.nspin * r->bulk.wc.nkpts, r->bulk.wc.nbands, s->kgroups,
                           &r->lay, err));
  if (ctx->rank == 0 && !ctx->quiet)
    fprintf(stderr, "[pawproj] %d rank(s): %d k-point group(s) × %d band group(s); defect bands %d-%d%s\n",
            ctx->size, r->lay.nkgroups, r->lay.nbranks, r->lo + 1, r->hi,
            s->bands ? "" : " (window around the defect Fermi level)");
  return band_means(r, err);
}
