/* cmd_state.c — `pawproj state`: options into a pp_state_setup per band,
 * pp_state_run (staterun.h) for each, then the summary and JSON of each
 * (statereport.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/bandsel.h"
#include "pawproj/analysis/sites.h"
#include "pawproj/analysis/statereport.h"
#include "pawproj/analysis/staterun.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/cli/setupopts.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/json.h"
#include "pawproj/core/outfile.h"
#include "pawproj/io/dataset.h"

static const pp_optdef state_opts[] = {
    {"band", "N|N-M", "band(s), 1-based (required); several get PREFIX_B<n>_... names"},
    {"kpoint", "K", "k-point, 1-based (default 1)"},
    {"spin", "S", "spin channel, 1 or 2 (default 1)"},
    {"pseudo", NULL, "the pseudo-wavefunction only (no PAW reconstruction)"},
    {"remove-phase", NULL, "drop e^{ik·r}: write the cell-periodic part u(r)"},
    {"grid", "NX,NY,NZ", "real-space grid (default: the run's FFT grid from OUTCAR/vasprun.xml, "
                         "else VASP's for ENCUT at PREC = Normal)"},
    {"grid-factor", "F", "the default grid times F per axis (rounded)"},
    {"output", "PREFIX", "output names (default pawproj_state): PREFIX_REAL.vasp, PREFIX_IMAG.vasp, PREFIX.h5"},
    {"cube", NULL, "also write Gaussian cube files (Bohr): PREFIX_REAL.cube, ..."},
    {"datasets", "SPEC", "PAW datasets: a POTCAR, Sym=FILE.xml,... or a directory (default: DIR)"},
    {"lreal", "F|T|Auto", "projectors the run used (default: from DIR/OUTCAR or DIR/vasprun.xml)"},
    {"proj-grid", "NX,NY,NZ", "real-space projector grid for LREAL = .TRUE./Auto"},
    {"sites", "LIST", "report the state's weight within spheres around these atoms (1-based, e.g. 1,5-7)"},
    {"bulk", "DIR", "... or around the defect sites against this bulk run (atoms only in DIR, empty bulk sites)"},
    {"site-radius", "R", "sphere radius for --sites / --bulk, Å (default: half the shortest interatomic distance)"},
    {"match-tol", "A", "distance below which bulk and defect sites match, for --bulk (0.02 Å)"},
    {"json", "FILE", "write the summary as JSON ('-' = stdout)"},
    {"variant", "V", "force the WAVECAR variant"},
    {NULL, NULL, NULL}};

typedef struct state_item {
  pp_state_setup in;
  pp_state_result out;
  char prefix[4200]; /* in.prefix points here */
} state_item;

typedef struct states_out {
  const state_item *it;
  int n;
} states_out;

/* One state: its object; several: {"states": [...]}. */
static void write_json(FILE *f, const void *arg) {
  const states_out *o = arg;
  pp_json j;
  pp_json_init(&j, f);
  if (o->n == 1) {
    pp_state_json(&j, &o->it[0].in, &o->it[0].out);
    return;
  }
  pp_json_obj(&j, NULL);
  pp_json_arr(&j, "states");
  for (int i = 0; i < o->n; i++) pp_state_json(&j, &o->it[i].in, &o->it[i].out);
  pp_json_end(&j);
  pp_json_end(&j);
}

/* --sites or --bulk into spheres around atoms / defect sites; *have = 0 for neither. */
static pp_status read_sites(pp_ctx *ctx, const pp_args *a, const pp_structure *cell, pp_sites *s, int *have,
                            pp_err *err) {
  *have = 0;
  if (pp_args_has(a, "sites") && pp_args_has(a, "bulk"))
    PP_FAIL(err, PP_ERR_ARG, "give --sites or --bulk, not both");
  if (pp_args_has(a, "sites")) {
    PP_CALL(pp_sites_from_list(pp_args_get(a, "sites"), cell, s, err));
  } else if (pp_args_has(a, "bulk")) {
    double tol = 0.02;
    PP_CALL(pp_args_double(a, "match-tol", &tol, err));
    pp_dataset b;
    PP_CALL(pp_dataset_open("bulk", pp_args_get(a, "bulk"), PP_VARIANT_AUTO, 1, ctx, &b, err));
    const pp_status st = pp_sites_from_pair(&b.structure, cell, tol, s, err);
    pp_dataset_free(&b);
    PP_CALL(st);
  } else {
    return PP_OK;
  }
  *have = 1;
  s->radius_A = pp_sites_default_radius(cell);
  PP_CALL(pp_args_double(a, "site-radius", &s->radius_A, err));
  if (!(s->radius_A > 0)) PP_FAIL(err, PP_ERR_ARG, "--site-radius must be positive");
  return PP_OK;
}

pp_status pp_cmd_state(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  pp_args a;
  PP_CALL(pp_args_parse(state_opts, argc, argv, &a, err));
  if (pp_args_has(&a, "help")) {
    if (ctx->rank == 0)
      pp_args_help(stdout, "pawproj state DIR --band N [--kpoint K] [--spin S] [-o PREFIX] [options]",
                   "One Kohn-Sham state in real space: the pseudo-wavefunction by a distributed\n"
                   "FFT (each rank holds a z-slab of the grid) plus the PAW reconstruction\n"
                   "Σ (φ_i − φ̃_i)(r − R_a) P_ai, band-limited smoothly to what the grid resolves\n"
                   "(docs/realspace.md). Writes PREFIX_REAL.vasp / PREFIX_IMAG.vasp (VASP volumetric\n"
                   "layout, values ψ·√Ω so that their square follows CHGCAR's ρ·Ω convention;\n"
                   "_UP/_DOWN for spinors), PREFIX.h5 (ψ in Å^-3/2) and, with --cube, cube files.\n"
                   "Reports the norm on the grid and the inverse participation ratio.",
                   state_opts);
    return PP_OK;
  }
  PP_CALL(pp_outguard_check(ctx, state_opts, &a, err));
  if (a.npos != 1) PP_FAIL(err, PP_ERR_ARG, "state needs exactly one directory (see --help)");
  if (!pp_args_has(&a, "band")) PP_FAIL(err, PP_ERR_ARG, "state needs --band N (see --help)");
  pp_variant force = PP_VARIANT_AUTO;
  if (pp_args_has(&a, "variant")) PP_CALL(pp_variant_parse(pp_args_get(&a, "variant"), &force, err));
  pp_dataset ds;
  PP_CALL(pp_dataset_open("input", a.pos[0], force, 1, ctx, &ds, err));
  const pp_wavecar *wc = &ds.wc;
  int lo = 0, hi = 0, kpt = 1, spin = 1;
  pp_status st = PP_OK;
  {
    const char *t = pp_args_get(&a, "band");
    long b1 = 0, b2 = 0;
    if (!pp_range_parse(t, &b1, &b2) || b2 > wc->nbands)
      st = pp_fail_at(err, PP_ERR_ARG, __FILE__, __LINE__, "--band %s: expected N or N-M, 1 <= N <= M <= %d (the "
                      "WAVECAR's bands)", t, wc->nbands);
    lo = (int)b1 - 1, hi = (int)b2;
  }
  if (st == PP_OK) st = pp_args_int(&a, "kpoint", 1, wc->nkpts, &kpt, err);
  if (st == PP_OK) st = pp_args_int(&a, "spin", 1, wc->nspin, &spin, err);
  const int n = st == PP_OK ? hi - lo : 0;
  state_item *it = calloc((size_t)n + 1, sizeof *it);
  if (!it) st = pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
  const char *prefix = pp_args_has(&a, "output") ? pp_args_get(&a, "output") : "pawproj_state";
  pp_sites sites;
  int have_sites = 0;
  pp_state_setup in = {.ds = &ds, .dir = a.pos[0], .s = spin - 1, .k = kpt - 1, .ae = !pp_args_has(&a, "pseudo"),
                       .remove_phase = pp_args_has(&a, "remove-phase"), .cube = pp_args_has(&a, "cube"),
                       .grid_chosen = pp_args_has(&a, "grid") || pp_args_has(&a, "grid-factor")};
  if (st == PP_OK) st = read_sites(ctx, &a, &ds.structure, &sites, &have_sites, err);
  if (st == PP_OK) st = pp_cli_grid_opts(&a, &in.grid, err);
  if (st == PP_OK && in.ae) st = pp_cli_paw_opts(&a, &in.paw, err);
  in.sites = have_sites ? &sites : NULL;
  for (int i = 0; st == PP_OK && i < n; i++) {
    it[i].in = in;
    it[i].in.b = lo + i;
    if (n == 1) snprintf(it[i].prefix, sizeof it[i].prefix, "%.4100s", prefix);
    else snprintf(it[i].prefix, sizeof it[i].prefix, "%.4100s_B%d", prefix, lo + i + 1);
    it[i].in.prefix = it[i].prefix;
    st = pp_state_run(ctx, &it[i].in, &it[i].out, err);
  }
  if (st == PP_OK && ctx->rank == 0) {
    const char *json = pp_args_get(&a, "json");
    for (int i = 0; i < n && (!json || strcmp(json, "-") != 0); i++) pp_state_summary(&it[i].in, &it[i].out, stdout);
    const states_out out = {it, n};
    if (json) st = pp_outfile_write(json, write_json, &out, err);
  }
  st = pp_agree(st, err, ctx->world);
  free(it);
  pp_dataset_free(&ds);
  return st;
}
