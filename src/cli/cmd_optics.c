/* cmd_optics.c — `pawproj optics`: momentum matrix elements, transition
 * dipoles and oscillator strengths between the bands of a window of one
 * run. Options into a pp_optics_setup, one pp_optics_run (optics.h), then
 * the table or JSON of opticsreport.h on rank 0; the matrices go to the
 * HDF5 file. */
#include <stdio.h>
#include <string.h>

#include "pawproj/analysis/bandsel.h"
#include "pawproj/analysis/optics.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/opticsreport.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/cli/setupopts.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/outfile.h"
#include "pawproj/io/dataset.h"

static const pp_optdef optics_opts[] = {
    {"bands", "N-M", "the window: every pair of its bands (1-based inclusive; required)"},
    {"pairs", "N-M", "list only the pairs of these bands (with every band of the window; default: the window)"},
    {"method", "M", "paw (all-electron: plane waves + one-centre terms, default) or pseudo (plane waves only)"},
    {"datasets", "SPEC", "PAW datasets: a POTCAR, Sym=FILE.xml,... or a directory (default: DIR)"},
    {"json", "FILE", "every pair m <= n: p, dipole, oscillator strengths, polarisation ('-' = stdout)"},
    {"h5", "FILE", "the full matrices <m|-i nabla|n> and their one-centre part (parallel HDF5)"},
    {"kgroups", "N", "number of k-point groups (default: automatic)"},
    {"variant", "V", "force the WAVECAR variant"},
    {"lreal", "F|T|Auto", "projectors the run used (default: from DIR/OUTCAR or DIR/vasprun.xml, else .FALSE.)"},
    {"proj-grid", "NX,NY,NZ", "real-space grid for LREAL = .TRUE./Auto (default: the run's, from OUTCAR/vasprun.xml)"},
    {NULL, NULL, NULL}};

static pp_status read_setup(const pp_args *a, pp_optics_setup *s, pp_err *err) {
  if (a->npos != 1) PP_FAIL(err, PP_ERR_ARG, "optics needs exactly one directory or WAVECAR (see --help)");
  if (!pp_args_has(a, "bands"))
    PP_FAIL(err, PP_ERR_ARG, "optics needs --bands N-M: the tables grow as the square of the window (see --help)");
  const char *method = pp_args_has(a, "method") ? pp_args_get(a, "method") : "paw";
  if (strcmp(method, "pseudo") != 0 && strcmp(method, "paw") != 0)
    PP_FAIL(err, PP_ERR_ARG, "--method %s: expected paw or pseudo", method);
  s->paw_terms = strcmp(method, "paw") == 0;
  s->dir = a->pos[0];
  s->h5 = pp_args_get(a, "h5");
  PP_CALL(pp_cli_paw_opts(a, &s->paw, err));
  return pp_args_int(a, "kgroups", 1, 1 << 20, &s->kgroups, err);
}

pp_status pp_cmd_optics(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  pp_args a;
  PP_CALL(pp_args_parse(optics_opts, argc, argv, &a, err));
  if (pp_args_has(&a, "help")) {
    if (ctx->rank == 0)
      pp_args_help(stdout, "pawproj optics DIR --bands N-M [--pairs N-M] [--json FILE] [--h5 FILE]",
                   "Momentum matrix elements p_mn = <psi_m|-i nabla|psi_n> (hbar/Bohr) for every pair of\n"
                   "bands of the window, per spin and k-point: plane waves sum_G C*_m (k+G) C_n plus the\n"
                   "PAW one-centre terms sum_a P* (<phi|nabla|phi> - <phi~|nabla|phi~>) P. From them the\n"
                   "transition dipoles e<m|r|n> = i e hbar p / (m_e dE) (e*Angstrom, Debye), the\n"
                   "oscillator strengths f = 2|p|^2 / (m_e dE) per direction, and the share of x, y, z.\n"
                   "Pairs closer than 1 meV are reported as degenerate (no dipole). Noncollinear files sum\n"
                   "both spinor components; Gamma-only files give purely imaginary p. See docs/optics.md.",
                   optics_opts);
    return PP_OK;
  }
  PP_CALL(pp_outguard_check(ctx, optics_opts, &a, err));
  pp_optics_setup s = {0};
  PP_CALL(read_setup(&a, &s, err));
  pp_variant force = PP_VARIANT_AUTO;
  if (pp_args_has(&a, "variant")) PP_CALL(pp_variant_parse(pp_args_get(&a, "variant"), &force, err));
  pp_dataset ds;
  PP_CALL(pp_dataset_open("input", a.pos[0], force, s.paw_terms, ctx, &ds, err));
  s.ds = &ds;
  pp_optics_result r = {0};
  pp_status st = pp_bandsel_parse_named("--bands", "input", pp_args_get(&a, "bands"), ds.wc.nbands, &s.lo, &s.hi, err);
  int plo = s.lo, phi = s.hi;
  if (st == PP_OK && pp_args_has(&a, "pairs")) {
    st = pp_bandsel_parse_named("--pairs", "input", pp_args_get(&a, "pairs"), ds.wc.nbands, &plo, &phi, err);
    if (st == PP_OK && (plo < s.lo || phi > s.hi))
      st = pp_fail_at(err, PP_ERR_ARG, __FILE__, __LINE__, "--pairs %s: outside the window --bands %d-%d",
                      pp_args_get(&a, "pairs"), s.lo + 1, s.hi);
  }
  if (st == PP_OK) st = pp_optics_run(ctx, &s, &r, err);
  if (st == PP_OK && ctx->rank == 0) {
    const pp_optics_report o = {.r = &r, .wc = &ds.wc, .lo = s.lo, .hi = s.hi, .paw_terms = s.paw_terms,
                                .plo = plo - s.lo, .phi = phi - s.lo};
    const char *json = pp_args_get(&a, "json");
    if (!json || strcmp(json, "-") != 0) pp_optics_print_text(&o, stdout);
    if (json) st = pp_outfile_write(json, pp_optics_write_json, &o, err);
  }
  st = pp_agree(st, err, ctx->world);
  pp_optics_result_free(&r);
  pp_dataset_free(&ds);
  return st;
}
