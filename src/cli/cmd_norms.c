/* cmd_norms.c — `pawproj norms`: does this PAW dataset belong to this
 * WAVECAR? The options into a pp_norms_setup, the computation
 * (analysis/normsrun.h), then the table of pseudo and all-electron norms
 * and the largest departure from orthonormality per k-point, or the JSON. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pawproj/analysis/normsrun.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/cli/setupopts.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/json.h"
#include "pawproj/core/outfile.h"
#include "pawproj/io/dataset.h"

static const pp_optdef norms_opts[] = {
    {"datasets", "SPEC", "PAW datasets: a POTCAR, Sym=FILE.xml,... or a directory (default: DIR)"},
    {"json", "FILE", "write norms as JSON ('-' = stdout)"},
    {"h5", "FILE", "write norms and projections (parallel HDF5)"},
    {"kgroups", "N", "number of k-point groups (default: automatic)"},
    {"variant", "V", "force the WAVECAR variant"},
    {"lreal", "F|T|Auto", "projectors the run used (default: from DIR/OUTCAR or DIR/vasprun.xml, else .FALSE.)"},
    {"proj-grid", "NX,NY,NZ", "real-space grid for LREAL = .TRUE./Auto (default: the run's, from OUTCAR/vasprun.xml)"},
    {NULL, NULL, NULL}};

static void print_summary(const pp_wavecar *wc, const pp_norms_result *r, FILE *f) {
  fprintf(f, "\nAll-electron norms of %s\n", wc->path);
  fprintf(f, "  projectors: %s\n", r->projectors);
  fprintf(f, "  %4s %7s %13s %13s %13s %16s\n", "spin", "k-point", "min pseudo", "min AE norm", "max AE norm",
          "max |<m|n>-δ|");
  double worst = 0;
  for (int s = 0; s < wc->nspin; s++)
    for (int k = 0; k < wc->nkpts; k++) {
      double pmin = INFINITY, amin = INFINITY, amax = -INFINITY;
      for (int b = 0; b < wc->nbands; b++) {
        const int64_t i = pp_wavecar_idx(wc, s, k, b);
        pmin = fmin(pmin, r->pseudo[i]);
        amin = fmin(amin, r->ae[i]);
        amax = fmax(amax, r->ae[i]);
        worst = fmax(worst, fabs(r->ae[i] - 1));
      }
      const double off = r->maxoff[s * wc->nkpts + k];
      worst = fmax(worst, off);
      fprintf(f, "  %4d %7d %13.8f %13.8f %13.8f %16.3e\n", s + 1, k + 1, pmin, amin, amax, off);
    }
  fprintf(f, "  largest departure from orthonormality: %.3e%s\n", worst,
          worst < 1e-4 ? "" : "  (large: is this the dataset the calculation used?)");
}

typedef struct norms_out {
  const pp_wavecar *wc;
  const pp_norms_result *r;
} norms_out;

static void write_json(FILE *f, const void *arg) {
  const pp_wavecar *wc = ((const norms_out *)arg)->wc;
  const pp_norms_result *r = ((const norms_out *)arg)->r;
  pp_json j;
  pp_json_init(&j, f);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "wavecar", wc->path);
  pp_json_str(&j, "lreal", r->lreal);
  pp_json_str(&j, "projectors", r->projectors);
  pp_json_arr(&j, "bands");
  for (int s = 0; s < wc->nspin; s++)
    for (int k = 0; k < wc->nkpts; k++)
      for (int b = 0; b < wc->nbands; b++) {
        const int64_t i = pp_wavecar_idx(wc, s, k, b);
        pp_json_obj(&j, NULL);
        pp_json_int(&j, "spin", s + 1);
        pp_json_int(&j, "kpoint", k + 1);
        pp_json_int(&j, "band", b + 1);
        pp_json_num(&j, "pseudo_norm", r->pseudo[i]);
        pp_json_num(&j, "ae_norm", r->ae[i]);
        pp_json_end(&j);
      }
  pp_json_end(&j);
  pp_json_arr(&j, "max_offdiag");
  for (int s = 0; s < wc->nspin; s++) pp_json_num_array(&j, NULL, r->maxoff + s * wc->nkpts, wc->nkpts);
  pp_json_end(&j);
  pp_json_end(&j);
}

pp_status pp_cmd_norms(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  pp_args a;
  PP_CALL(pp_args_parse(norms_opts, argc, argv, &a, err));
  if (pp_args_has(&a, "help")) {
    if (ctx->rank == 0)
      pp_args_help(stdout, "pawproj norms DIR [--datasets SPEC] [--json FILE] [--h5 FILE]",
                   "For every spin, k-point and band: the pseudo norm Σ|C|², the all-electron norm\n"
                   "Σ|C|² + Σ P* Q P, and per k-point the largest |<ψ_m|ψ_n> - δ_mn|. A converged\n"
                   "calculation with the dataset it used gives 1 to ~1e-6: the check that a\n"
                   "dataset belongs to a WAVECAR. Projections use the projectors the run used:\n"
                   "reciprocal-space for LREAL = .FALSE., real-space on the run's grid for .TRUE.\n"
                   "(and, as the closest available, for Auto); see --lreal.",
                   norms_opts);
    return PP_OK;
  }
  PP_CALL(pp_outguard_check(ctx, norms_opts, &a, err));
  if (a.npos != 1) PP_FAIL(err, PP_ERR_ARG, "norms needs exactly one directory (see --help)");
  pp_variant force = PP_VARIANT_AUTO;
  if (pp_args_has(&a, "variant")) PP_CALL(pp_variant_parse(pp_args_get(&a, "variant"), &force, err));
  pp_norms_setup s = {.dir = a.pos[0], .h5 = pp_args_get(&a, "h5")};
  PP_CALL(pp_args_int(&a, "kgroups", 1, 1 << 20, &s.kgroups, err));
  pp_dataset ds;
  PP_CALL(pp_dataset_open("input", a.pos[0], force, 1, ctx, &ds, err));
  s.ds = &ds;
  pp_norms_result r = {0};
  pp_status st = pp_cli_paw_opts(&a, &s.paw, err);
  if (st == PP_OK) st = pp_norms_run(ctx, &s, &r, err);
  if (st == PP_OK && ctx->rank == 0) {
    const char *json = pp_args_get(&a, "json");
    if (!json || strcmp(json, "-") != 0) print_summary(&ds.wc, &r, stdout);
    const norms_out out = {&ds.wc, &r};
    if (json) st = pp_outfile_write(json, write_json, &out, err);
  }
  st = pp_agree(st, err, ctx->world);
  pp_norms_result_free(&r);
  pp_dataset_free(&ds);
  return st;
}
