/* statereport.c — what a state reports: summary and JSON (see statereport.h). */
#include "pawproj/analysis/statereport.h"

#include "pawproj/core/units.h"

void pp_state_summary(const pp_state_setup *in, const pp_state_result *r, FILE *f) {
  const pp_wavecar *wc = &in->ds->wc;
  fprintf(f, "\n%s state: spin %d, k-point %d (%.6f %.6f %.6f), band %d, E = %.4f eV, occupation %.4f\n",
          in->ae ? "All-electron" : "Pseudo", in->s + 1, in->k + 1, wc->kfrac[in->k][0], wc->kfrac[in->k][1],
          wc->kfrac[in->k][2], in->b + 1, wc->eig[pp_wavecar_idx(wc, in->s, in->k, in->b)],
          wc->occ[pp_wavecar_idx(wc, in->s, in->k, in->b)]);
  fprintf(f, "  grid %d × %d × %d (%s)%s\n", r->grid[0], r->grid[1], r->grid[2], r->grid_source,
          in->remove_phase ? "; cell-periodic part (e^{ik·r} removed)" : "");
  if (in->ae) fprintf(f, "  projectors: %s\n", r->projectors);
  fprintf(f, "  pseudo norm  Σ|C|² %.8f   on the grid %.8f   IPR %.4f\n", r->pseudo_norm, r->grid_norm[0], r->ipr[0]);
  if (in->ae) {
    fprintf(f, "  AE norm      Σ|C|² + P†QP %.8f   on the grid %.8f   IPR %.4f\n", r->ae_norm, r->grid_norm[1],
            r->ipr[1]);
    fprintf(f, "  the grid resolves the PAW reconstruction up to %.1f Å⁻¹; predicted norm beyond: %.1e\n",
            r->q2 / PP_BOHR_A, r->deficit);
  }
  fprintf(f, "  (IPR = Ω ∫|ψ|⁴ / (∫|ψ|²)²: 1 for a state spread evenly over the cell, larger when localised)\n");
  if (r->have_sites) {
    fprintf(f, "  weight within %.3f Å of the sites (on the grid, of the written state):\n", r->sites.radius_A);
    for (int k = 0; k < r->sites.n; k++) fprintf(f, "    %-34s %.4f\n", r->sites.label[k], r->sites.fraction[k]);
    fprintf(f, "    %-34s %.4f\n", "within any of them", r->sites.fraction_all);
  }
  fprintf(f, "  files:");
  for (int i = 0; i < r->files.n; i++) fprintf(f, " %s", r->files.path[i]);
  fprintf(f, "\n");
}

void pp_state_json(pp_json *j, const pp_state_setup *in, const pp_state_result *r) {
  pp_json_obj(j, NULL);
  pp_json_str(j, "wavecar", in->ds->wc.path);
  pp_json_int(j, "spin", in->s + 1);
  pp_json_int(j, "kpoint", in->k + 1);
  pp_json_int(j, "band", in->b + 1);
  pp_json_str(j, "kind", in->ae ? "all-electron" : "pseudo");
  pp_json_bool(j, "remove_phase", in->remove_phase);
  const double grid[3] = {r->grid[0], r->grid[1], r->grid[2]};
  pp_json_num_array(j, "grid", grid, 3);
  pp_json_str(j, "grid_source", r->grid_source);
  pp_json_num(j, "pseudo_norm", r->pseudo_norm);
  pp_json_num(j, "pseudo_norm_grid", r->grid_norm[0]);
  pp_json_num(j, "pseudo_ipr", r->ipr[0]);
  if (in->ae) {
    pp_json_num(j, "ae_norm", r->ae_norm);
    pp_json_num(j, "ae_norm_grid", r->grid_norm[1]);
    pp_json_num(j, "ae_ipr", r->ipr[1]);
    pp_json_num(j, "ae_norm_beyond_grid_predicted", r->deficit);
  }
  if (r->have_sites) {
    pp_json_num(j, "site_radius_A", r->sites.radius_A);
    pp_json_arr(j, "sites");
    for (int k = 0; k < r->sites.n; k++) {
      pp_json_obj(j, NULL);
      pp_json_str(j, "site", r->sites.label[k]);
      pp_json_num_array(j, "frac", r->sites.frac[k], 3);
      pp_json_num(j, "fraction", r->sites.fraction[k]);
      pp_json_end(j);
    }
    pp_json_end(j);
    pp_json_num(j, "fraction_in_sites", r->sites.fraction_all);
  }
  const double rss[2] = {r->rss_min, r->rss_max};
  pp_json_num_array(j, "peak_rss_mib_min_max", rss, 2);
  pp_json_arr(j, "files");
  for (int i = 0; i < r->files.n; i++) pp_json_str(j, NULL, r->files.path[i]);
  pp_json_end(j);
  pp_json_end(j);
}
