/* cmd_info.c — `pawproj info`: a WAVECAR at a glance. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pawproj/analysis/bandstats.h"
#include "pawproj/analysis/symreport.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/json.h"
#include "pawproj/core/outfile.h"
#include "pawproj/io/dataset.h"
#include "pawproj/io/lreal.h"

static const pp_optdef info_opts[] = {
    {"json", "FILE", "also write the summary as JSON ('-' = stdout)"},
    {"variant", "V", "force auto|standard|gamma-x|gamma-z|noncollinear"},
    {"symprec", "A", "tolerance of the structure's space group, Å (1e-5, VASP's SYMPREC)"},
    {NULL, NULL, NULL}};

/* Bytes of all coefficients once widened to complex128 in memory. */
static double full_load_bytes(const pp_wavecar *wc) {
  double n = 0;
  for (int k = 0; k < wc->nkpts; k++) n += (double)pp_wavecar_nstored(wc, k);
  return n * wc->nbands * wc->nspin * 16.0;
}

static void print_text(const pp_dataset *ds, const pp_edges *e, const pp_lreal *lr, const pp_symreport *sr,
                       FILE *f) {
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
          pp_format_bytes((size_t)full_load_bytes(wc), b1, sizeof b1),
          wc->gzip ? "compressed" : pp_format_bytes((size_t)wc->file_size, b2, sizeof b2));
  pp_symreport_text(sr, f);
}

typedef struct info_out {
  const pp_dataset *ds;
  const pp_edges *e;
  const pp_lreal *lr;
  const pp_symreport *sym;
} info_out;

static void print_json(FILE *f, const void *arg) {
  const pp_dataset *ds = ((const info_out *)arg)->ds;
  const pp_edges *e = ((const info_out *)arg)->e;
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
  const pp_lreal *lr = ((const info_out *)arg)->lr;
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
  pp_json_num(&j, "full_load_bytes", full_load_bytes(wc));
  pp_json_int(&j, "extra_bytes", wc->extra_bytes);
  pp_symreport_json(&j, ((const info_out *)arg)->sym);
  pp_json_end(&j);
}

/* LREAL of the run whose WAVECAR this is (its directory's OUTCAR / vasprun.xml). */
static pp_status run_lreal(const pp_dataset *ds, pp_lreal *lr, pp_err *err) {
  char dir[4096];
  pp_dataset_dir(ds, dir, sizeof dir);
  return pp_lreal_detect(dir, lr, err);
}

pp_status pp_cmd_info(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  pp_args a;
  PP_CALL(pp_args_parse(info_opts, argc, argv, &a, err));
  if (pp_args_has(&a, "help")) {
    if (ctx->rank == 0)
      pp_args_help(stdout, "pawproj info WAVECAR|DIR [--json FILE] [--symprec A]",
                   "Summarises a WAVECAR: variant, precision, spins, k-points (with npw),\n"
                   "bands, ENCUT, lattice, Fermi level, band edges and the memory a full\n"
                   "load needs (headers only); the space group spglib finds, time reversal,\n"
                   "whether the k-points are symmetry-reduced and the operations VASP used\n"
                   "(OUTCAR; a warning on stderr when they differ from spglib's).",
                   info_opts);
    return PP_OK;
  }
  PP_CALL(pp_outguard_check(ctx, info_opts, &a, err));
  if (a.npos != 1) PP_FAIL(err, PP_ERR_ARG, "info needs exactly one WAVECAR or directory (see --help)");
  pp_variant force = PP_VARIANT_AUTO;
  if (pp_args_has(&a, "variant")) PP_CALL(pp_variant_parse(pp_args_get(&a, "variant"), &force, err));
  double symprec = PP_SYMPREC_DEFAULT;
  PP_CALL(pp_args_double(&a, "symprec", &symprec, err));
  if (!(symprec > 0)) PP_FAIL(err, PP_ERR_ARG, "--symprec %s: must be positive (Å)", pp_args_get(&a, "symprec"));
  pp_dataset ds;
  PP_CALL(pp_dataset_open("input", a.pos[0], force, 0, ctx->world, &ds, err));
  pp_status st = PP_OK;
  if (ctx->rank == 0) {
    pp_edges e;
    pp_bandstats_edges(&ds.wc, &e);
    pp_lreal lr;
    pp_symreport sr = {0};
    st = run_lreal(&ds, &lr, err);
    if (st == PP_OK) st = pp_symreport_build(&ds, symprec, &sr, err);
    const char *json = pp_args_get(&a, "json");
    if (st == PP_OK && (!json || strcmp(json, "-") != 0)) print_text(&ds, &e, &lr, &sr, stdout);
    if (st == PP_OK && sr.cmp == PP_SYMCMP_MISMATCH) fprintf(stderr, "pawproj: warning: %s\n", sr.cmpnote);
    const info_out out = {&ds, &e, &lr, &sr};
    if (st == PP_OK && json) st = pp_outfile_write(json, print_json, &out, err);
    pp_symreport_free(&sr);
  }
  pp_dataset_free(&ds);
  return pp_agree(st, err, ctx->world);
}
