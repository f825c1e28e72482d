/* inforeport.c — the text and JSON of `pawproj info` (see inforeport.h). */
#include "pawproj/cli/inforeport.h"

#include <math.h>

#include "pawproj/core/json.h"

void pp_info_print_text(const pp_info_result *r, FILE *f) {
  const pp_dataset *ds = &r->ds;
  const pp_edges *e = &r->edges;
  const pp_lreal *lr = &r->lreal;
  const pp_wavecar *wc = &ds->wc;
  char b1[32], b2[32];
  fprintf(f, "WAVECAR     %s%s\n", wc->path, wc->gzip ? " (gzip, streamed)" : "");
  fprintf(f, "variant     %s (%s)\n", pp_variant_name(wc->variant), wc->variant_note);
  fprintf(f, "rtag        %d (%s coefficients), record length %lld bytes\n", wc->rtag,
          wc->coef_bytes == 8 ? "complex64" : "complex128", (long long)wc->reclen);
  if (wc->extra_bytes > 0)
    fprintf(f, "note        %lld bytes after the last record (left by an earlier run; ignored)\n",
            (long long)wc->extra_bytes);
  fprintf(f, "spins       %d\nk-points    %d\nbands       %d\n", wc->nspin, wc->nkpts, wc->nbands);
  fprintf(f, "ENCUT       %.4f eV\nE_Fermi     %.6f eV\n", wc->encut, wc->efermi);
  fprintf(f, "lattice (Å)\n");
  for (int i = 0; i < 3; i++)
    fprintf(f, "  a%d  %14.8f %14.8f %14.8f\n", i + 1, wc->lattice[i][0], wc->lattice[i][1],
            wc->lattice[i][2]);
  fprintf(f, "k-points (fractional)                     npw   weight\n");
  for (int k = 0; k < wc->nkpts; k++)
    fprintf(f, "  %4d  %10.6f %10.6f %10.6f  %9lld   %.6f\n", k + 1, wc->kfrac[k][0],
            wc->kfrac[k][1], wc->kfrac[k][2], (long long)wc->npw[k], ds->kweight[k]);
  fprintf(f, "weights     %s\n", ds->weight_source);
  fprintf(f, "LREAL       %s (%s)\n", pp_lreal_name(lr->mode), lr->source);
  fprintf(f, "projections %s\n", pp_lreal_projections(lr->mode));
  if (lr->grid[0] > 0)
    fprintf(f, "FFT grid    %d × %d × %d (%s)\n", lr->grid[0], lr->grid[1], lr->grid[2], lr->grid_source);
  fprintf(f, "eigenvalues %.4f .. %.4f eV\n", e->emin, e->emax);
  fprintf(f, "occupied    (occ > 0.5)");
  for (int s = 0; s < wc->nspin; s++) fprintf(f, "  spin %d: %d bands", s + 1, e->nocc[s]);
  fprintf(f, "\n");
  if (isfinite(e->vbm) && isfinite(e->cbm))
    fprintf(f, "band edges  VBM %.4f eV  CBM %.4f eV  gap %.4f eV%s\n", e->vbm, e->cbm, e->gap,
            e->cbm <= e->vbm ? " (bands overlap: metallic)" : " (estimated from these k-points)");
  else
    fprintf(f, "band edges  not available (%s)\n", isfinite(e->vbm) ? "no empty band" : "no occupied band");
  fprintf(f, "full load   %s in memory (complex128); file %s\n",
          pp_format_bytes((size_t)r->full_load_bytes, b1, sizeof b1),
          wc->gzip ? "compressed" : pp_format_bytes((size_t)wc->file_size, b2, sizeof b2));
  pp_symreport_text(&r->sym, f);
}

void pp_info_write_json(FILE *f, const void *arg) {
  const pp_info_result *r = arg;
  const pp_dataset *ds = &r->ds;
  const pp_edges *e = &r->edges;
  const pp_wavecar *wc = &ds->wc;
  pp_json j;
  pp_json_init(&j, f);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "file", wc->path);
  pp_json_bool(&j, "gzip", wc->gzip);
  pp_json_str(&j, "variant", pp_variant_name(wc->variant));
  pp_json_str(&j, "variant_note", wc->variant_note);
  pp_json_int(&j, "rtag", wc->rtag);
  pp_json_str(&j, "precision", wc->coef_bytes == 8 ? "complex64" : "complex128");
  pp_json_int(&j, "reclen_bytes", wc->reclen);
  pp_json_int(&j, "nspin", wc->nspin);
  pp_json_int(&j, "nkpts", wc->nkpts);
  pp_json_int(&j, "nbands", wc->nbands);
  pp_json_num(&j, "encut_eV", wc->encut);
  pp_json_num(&j, "efermi_eV", wc->efermi);
  pp_json_arr(&j, "lattice_A");
  for (int i = 0; i < 3; i++) pp_json_num_array(&j, NULL, wc->lattice[i], 3);
  pp_json_end(&j);
  pp_json_arr(&j, "kpoints");
  for (int k = 0; k < wc->nkpts; k++) {
    pp_json_obj(&j, NULL);
    pp_json_num_array(&j, "frac", wc->kfrac[k], 3);
    pp_json_int(&j, "npw", wc->npw[k]);
    pp_json_num(&j, "weight", ds->kweight[k]);
    pp_json_end(&j);
  }
  pp_json_end(&j);
  pp_json_str(&j, "weights_source", ds->weight_source);
  const pp_lreal *lr = &r->lreal;
  pp_json_str(&j, "lreal", pp_lreal_name(lr->mode));
  pp_json_str(&j, "lreal_source", lr->source);
  pp_json_str(&j, "projections", pp_lreal_projections(lr->mode));
  const double grid[3] = {lr->grid[0], lr->grid[1], lr->grid[2]};
  pp_json_num_array(&j, "fft_grid", grid, lr->grid[0] > 0 ? 3 : 0);
  for (int which = 0; which < 2; which++) {
    pp_json_arr(&j, which ? "occupations" : "eigenvalues_eV");
    for (int s = 0; s < wc->nspin; s++) {
      pp_json_arr(&j, NULL);
      for (int k = 0; k < wc->nkpts; k++)
        pp_json_num_array(&j, NULL, (which ? wc->occ : wc->eig) + pp_wavecar_idx(wc, s, k, 0),
                          wc->nbands);
      pp_json_end(&j);
    }
    pp_json_end(&j);
  }
  pp_json_num(&j, "eigenvalue_min_eV", e->emin);
  pp_json_num(&j, "eigenvalue_max_eV", e->emax);
  double nocc[2] = {e->nocc[0], e->nocc[1]};
  pp_json_num_array(&j, "occupied_bands", nocc, wc->nspin);
  pp_json_num(&j, "vbm_eV", e->vbm);
  pp_json_num(&j, "cbm_eV", e->cbm);
  pp_json_num(&j, "gap_eV", e->gap);
  pp_json_num(&j, "full_load_bytes", r->full_load_bytes);
  pp_json_int(&j, "extra_bytes", wc->extra_bytes);
  pp_symreport_json(&j, &r->sym);
  pp_json_end(&j);
}
