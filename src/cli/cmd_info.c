/* cmd_info.c — `pawproj info`: a WAVECAR at a glance. */
#include <stdio.h>
#include <string.h>

#include "pawproj/analysis/inforun.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/inforeport.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/outfile.h"

static const pp_optdef info_opts[] = {
    {"json", "FILE", "also write the summary as JSON ('-' = stdout)"},
    {"variant", "V", "force auto|standard|gamma-x|gamma-z|noncollinear"},
    {"symprec", "A", "tolerance of the structure's space group, Å (1e-5, VASP's SYMPREC)"},
    {NULL, NULL, NULL}};

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
  const pp_info_setup setup = {.path = a.pos[0], .force = force, .symprec = symprec};
  pp_info_result r;
  PP_CALL(pp_info_run(ctx, &setup, &r, err));
  pp_status st = PP_OK;
  if (ctx->rank == 0) {
    const char *json = pp_args_get(&a, "json");
    if (!json || strcmp(json, "-") != 0) pp_info_print_text(&r, stdout);
    if (r.sym.cmp == PP_SYMCMP_MISMATCH) fprintf(stderr, "pawproj: warning: %s\n", r.sym.cmpnote);
    if (json) st = pp_outfile_write(json, pp_info_write_json, &r, err);
  }
  pp_info_result_free(&r);
  return pp_agree(st, err, ctx->world);
}
