/* cmd_dump.c — `pawproj dump`: the options into a pp_dump_setup, the
 * per-band coefficient facts (analysis/dumprun.h), then their JSON, for
 * checking a WAVECAR read against another reader. */
#include <stdio.h>
#include <string.h>

#include "pawproj/analysis/dumprun.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/json.h"
#include "pawproj/core/outfile.h"
#include "pawproj/io/dataset.h"

#define NFIRST PP_DUMP_NFIRST
#define NLAST PP_DUMP_NLAST

static const pp_optdef dump_opts[] = {
    {"json", "FILE", "write the facts as JSON ('-' = stdout; default)"},
    {"variant", "V", "force auto|standard|gamma-x|gamma-z|noncollinear"},
    {"kgroups", "N", "number of k-point groups (default: automatic)"},
    {NULL, NULL, NULL}};

typedef struct dump_out {
  const pp_wavecar *wc;
  const pp_dump_result *f;
} dump_out;

static void write_json(FILE *out, const void *arg) {
  const pp_wavecar *wc = ((const dump_out *)arg)->wc;
  const pp_dump_result *f = ((const dump_out *)arg)->f;
  pp_json j;
  pp_json_init(&j, out);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "variant", pp_variant_name(wc->variant));
  pp_json_arr(&j, "spins");
  for (int s = 0; s < wc->nspin; s++) {
    pp_json_obj(&j, NULL);
    pp_json_arr(&j, "kpoints");
    for (int k = 0; k < wc->nkpts; k++) {
      pp_json_obj(&j, NULL);
      pp_json_int(&j, "npw", wc->npw[k]);
      pp_json_num_array(&j, "coeff_norms", f->norm + pp_wavecar_idx(wc, s, k, 0), wc->nbands);
      for (int which = 0; which < 2; which++) {
        pp_json_arr(&j, which ? "band_last_first_coeffs" : "band0_first_coeffs");
        const double *c = f->coef + ((((int64_t)s * wc->nkpts + k) * 2 + which) * NFIRST) * 2;
        for (int g = 0; g < NFIRST && g < pp_wavecar_nstored(wc, k); g++)
          pp_json_num_array(&j, NULL, c + 2 * g, 2);
        pp_json_end(&j);
      }
      for (int which = 0; which < 2; which++) {
        pp_json_arr(&j, which ? "last_G_miller" : "first_G_miller");
        for (int i = which ? NFIRST : 0; i < (which ? NFIRST + NLAST : NFIRST); i++)
          pp_json_num_array(&j, NULL, f->miller + ((int64_t)k * (NFIRST + NLAST) + i) * 3, 3);
        pp_json_end(&j);
      }
      pp_json_end(&j);
    }
    pp_json_end(&j);
    pp_json_end(&j);
  }
  pp_json_end(&j);
  pp_json_end(&j);
}

pp_status pp_cmd_dump(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  pp_args a;
  PP_CALL(pp_args_parse(dump_opts, argc, argv, &a, err));
  if (pp_args_has(&a, "help")) {
    if (ctx->rank == 0)
      pp_args_help(stdout, "pawproj dump WAVECAR|DIR [--json FILE]",
                   "Reads every band in parallel (each rank its slice) and reports per band\n"
                   "the coefficient norm and, for the first and last band, the first\n"
                   "coefficients and Miller indices: facts to compare with another reader.",
                   dump_opts);
    return PP_OK;
  }
  PP_CALL(pp_outguard_check(ctx, dump_opts, &a, err));
  if (a.npos != 1) PP_FAIL(err, PP_ERR_ARG, "dump needs exactly one WAVECAR or directory");
  pp_variant force = PP_VARIANT_AUTO;
  if (pp_args_has(&a, "variant")) PP_CALL(pp_variant_parse(pp_args_get(&a, "variant"), &force, err));
  pp_dump_setup s = {0};
  PP_CALL(pp_args_int(&a, "kgroups", 1, 1 << 20, &s.kgroups, err));
  pp_dataset ds;
  PP_CALL(pp_dataset_open("input", a.pos[0], force, 0, ctx, &ds, err));
  s.ds = &ds;
  pp_dump_result r = {0};
  pp_status st = pp_dump_run(ctx, &s, &r, err);
  if (st == PP_OK && ctx->rank == 0) {
    const char *path = pp_args_get(&a, "json");
    const dump_out out = {&ds.wc, &r};
    st = pp_outfile_write(path ? path : "-", write_json, &out, err);
  }
  st = pp_agree(st, err, ctx->world);
  pp_dump_result_free(&r);
  pp_dataset_free(&ds);
  return st;
}
