/* cmd_density.c — `pawproj density`: the options into a pp_density_setup,
 * the computation (analysis/density.h), then the summary or the JSON. */
#include <stdio.h>
#include <string.h>

#include "pawproj/analysis/bandsel.h"
#include "pawproj/analysis/density.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/cli/setupopts.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/json.h"
#include "pawproj/core/outfile.h"
#include "pawproj/io/dataset.h"

static const pp_optdef density_opts[] = {
    {"bands", "N-M", "band-decomposed density of bands N..M (each counted as filled, k-weighted); "
                     "default: the occupied bands with their occupations"},
    {"pseudo", NULL, "the pseudo density only (no PAW reconstruction)"},
    {"grid", "NX,NY,NZ", "real-space grid (default: the run's FFT grid, refined for the AE density, "
                         "see docs/realspace.md)"},
    {"grid-factor", "F", "the run's grid times F per axis"},
    {"output", "FILE", "VASP volumetric file (default PAWPROJ_AECCAR.vasp); FILE.h5 beside it"},
    {"cube", NULL, "also write FILE.cube (Bohr)"},
    {"datasets", "SPEC", "PAW datasets: a POTCAR, Sym=FILE.xml,... or a directory (default: DIR)"},
    {"lreal", "F|T|Auto", "projectors the run used (default: from DIR/OUTCAR or DIR/vasprun.xml)"},
    {"proj-grid", "NX,NY,NZ", "real-space projector grid for LREAL = .TRUE./Auto"},
    {"kgroups", "N", "number of k-point groups (default: automatic)"},
    {"json", "FILE", "write the summary as JSON ('-' = stdout)"},
    {"variant", "V", "force the WAVECAR variant"},
    {NULL, NULL, NULL}};

/* The options that need the dataset opened: --bands is checked against its
 * band count, and the rest follow so that errors come in the order they
 * always did. The PAW options are read for the AE density only. */
static pp_status read_setup(const pp_args *a, const pp_dataset *ds, pp_density_setup *s, pp_err *err) {
  memset(s, 0, sizeof *s);
  s->ds = ds;
  s->dir = a->pos[0];
  s->ae = !pp_args_has(a, "pseudo");
  s->lo = 0, s->hi = ds->wc.nbands;
  s->filled = pp_args_has(a, "bands");
  if (s->filled) PP_CALL(pp_bandsel_parse_named("--bands", "input", pp_args_get(a, "bands"), ds->wc.nbands, &s->lo, &s->hi, err));
  PP_CALL(pp_args_int(a, "kgroups", 1, 1 << 20, &s->kgroups, err));
  PP_CALL(pp_cli_grid_opts(a, &s->grid, err));
  s->refine = !pp_args_has(a, "grid") && !pp_args_has(a, "grid-factor");
  if (s->ae) PP_CALL(pp_cli_paw_opts(a, &s->paw, err));
  s->output = pp_args_has(a, "output") ? pp_args_get(a, "output") : "PAWPROJ_AECCAR.vasp";
  s->cube = pp_args_has(a, "cube");
  return PP_OK;
}

typedef struct density_out {
  const pp_density_setup *s;
  const pp_density_result *r;
} density_out;

static void print_summary(const pp_density_setup *s, const pp_density_result *r, FILE *f) {
  fprintf(f, "\n%s %s density of %s\n", s->ae ? "All-electron" : "Pseudo",
          s->filled ? "band-decomposed" : "valence", s->ds->wc.path);
  fprintf(f, "  bands %d-%d%s\n", s->lo + 1, s->hi,
          s->filled ? " (each counted as filled, k-point weighted)" : " (occupations and k-point weights)");
  fprintf(f, "  grid %d × %d × %d (%s)\n", r->grid[0], r->grid[1], r->grid[2], r->grid_source);
  if (s->ae) fprintf(f, "  projectors: %s\n", r->projectors);
  fprintf(f, "  electrons: expected %.6f, on the grid %.6f (difference %.2e)\n", r->electrons_expected,
          r->electrons_grid, r->electrons_grid - r->electrons_expected);
  fprintf(f, "  %lld states in %.3f s (%.2f states/s); peak memory per rank %.0f-%.0f MiB\n", r->nstates,
          r->seconds, r->nstates / (r->seconds > 0 ? r->seconds : 1e-30), r->rss_min, r->rss_max);
  fprintf(f, "  files:");
  for (int i = 0; i < r->files.n; i++) fprintf(f, " %s", r->files.path[i]);
  fprintf(f, "\n");
}

static void write_json(FILE *f, const void *arg) {
  const pp_density_setup *s = ((const density_out *)arg)->s;
  const pp_density_result *r = ((const density_out *)arg)->r;
  pp_json j;
  pp_json_init(&j, f);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "wavecar", s->ds->wc.path);
  pp_json_str(&j, "kind", s->ae ? "all-electron" : "pseudo");
  pp_json_int(&j, "band_first", s->lo + 1);
  pp_json_int(&j, "band_last", s->hi);
  const double grid[3] = {r->grid[0], r->grid[1], r->grid[2]};
  pp_json_num_array(&j, "grid", grid, 3);
  pp_json_str(&j, "grid_source", r->grid_source);
  pp_json_num(&j, "electrons_expected", r->electrons_expected);
  pp_json_num(&j, "electrons_on_grid", r->electrons_grid);
  pp_json_int(&j, "states", r->nstates);
  pp_json_num(&j, "density_seconds", r->seconds);
  const double rss[2] = {r->rss_min, r->rss_max};
  pp_json_num_array(&j, "peak_rss_mib_min_max", rss, 2);
  pp_json_arr(&j, "files");
  for (int i = 0; i < r->files.n; i++) pp_json_str(&j, NULL, r->files.path[i]);
  pp_json_end(&j);
  pp_json_end(&j);
}

pp_status pp_cmd_density(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  pp_args a;
  PP_CALL(pp_args_parse(density_opts, argc, argv, &a, err));
  if (pp_args_has(&a, "help")) {
    if (ctx->rank == 0)
      pp_args_help(stdout, "pawproj density DIR [--bands N-M] [-o FILE] [options]",
                   "The all-electron valence density Σ_k w_k Σ_n f_n |ψ_nk(r)|² (states as in\n"
                   "`pawproj state`), or with --bands a band-decomposed density, on a grid split\n"
                   "in z-slabs over the ranks of each k-point group; groups are summed\n"
                   "collectively. Writes FILE (default PAWPROJ_AECCAR.vasp; values ρ·Ω as in\n"
                   "CHGCAR/AECCAR files), FILE.h5 (ρ in electrons/Å³) and, with --cube, FILE.cube.",
                   density_opts);
    return PP_OK;
  }
  PP_CALL(pp_outguard_check(ctx, density_opts, &a, err));
  if (a.npos != 1) PP_FAIL(err, PP_ERR_ARG, "density needs exactly one directory (see --help)");
  pp_variant force = PP_VARIANT_AUTO;
  if (pp_args_has(&a, "variant")) PP_CALL(pp_variant_parse(pp_args_get(&a, "variant"), &force, err));
  pp_dataset ds = {0};
  pp_density_setup s;
  pp_density_result r;
  pp_status st = pp_dataset_open("input", a.pos[0], force, 1, ctx, &ds, err);
  if (st == PP_OK) st = read_setup(&a, &ds, &s, err);
  if (st == PP_OK) st = pp_density_run(ctx, &s, &r, err);
  if (st == PP_OK && ctx->rank == 0) {
    const char *json = pp_args_get(&a, "json");
    if (!json || strcmp(json, "-") != 0) print_summary(&s, &r, stdout);
    const density_out out = {&s, &r};
    if (json) st = pp_outfile_write(json, write_json, &out, err);
  }
  st = pp_agree(st, err, ctx->world);
  pp_dataset_free(&ds);
  return st;
}
