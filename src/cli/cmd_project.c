/* cmd_project.c — `pawproj project`: what each defect band is made of.
 * Options into a pp_project_setup, one pp_project_run (projectrun.h), then
 * the band table and JSON on rank 0. */
#include <stdio.h>
#include <string.h>

#include "pawproj/analysis/overlap.h"
#include "pawproj/analysis/projectrun.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/cli/setupopts.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/json.h"
#include "pawproj/core/outfile.h"
#include "pawproj/model/gvec.h"
#include "pawproj/model/symmetry.h"
#include "pawproj/paw/pairterm.h"

static const pp_optdef project_opts[] = {
    {"bulk", "DIR", "pristine calculation: WAVECAR(.gz) + CONTCAR/POSCAR"},
    {"defect", "DIR", "defect calculation in the same cell"},
    {"method", "M", "paw (all-electron, default) or pseudo (plane-wave part only)"},
    {"datasets", "SPEC", "PAW datasets: a POTCAR, Sym=FILE.xml,... or a directory (default: --defect DIR)"},
    {"match-tol", "A", "distance below which bulk and defect sites match (0.02 Å)"},
    {"bands", "N-M", "defect bands to analyse, 1-based inclusive (default: window)"},
    {"window", "EV", "half-width of the default band window around E_Fermi (1.0 eV)"},
    {"json", "FILE", "write the band table as JSON ('-' = stdout)"},
    {"h5", "FILE", "write overlaps, projections (paw), energies, k-points (parallel HDF5)"},
    {"flip-spin", NULL, "project spin-up defect bands on spin-down bulk bands (and back)"},
    {"symprec", "A", "tolerance of each structure's symmetry when the runs' k-point sets differ (1e-5 Å)"},
    {"unfold", NULL, "unfold both runs to the full k-point mesh even when their k-point sets agree (a check)"},
    {"kgroups", "N", "number of k-point groups (default: automatic)"},
    {"variant", "V", "force the WAVECAR variant of both inputs"},
    {"ipr", NULL, "also the inverse participation ratio of each defect band (k-weighted; all-electron with "
                  "method paw, and pseudo), on the defect run's FFT grid"},
    {"lreal", "F|T|Auto", "projectors both runs used (default: from each DIR's OUTCAR/vasprun.xml, else .FALSE.)"},
    {"proj-grid", "NX,NY,NZ", "real-space grid for LREAL = .TRUE./Auto (default: each run's, from OUTCAR/vasprun.xml)"},
    {NULL, NULL, NULL}};

/* What the printers need: the run's answer and what it was asked. */
typedef struct project_view {
  const pp_project_setup *s;
  const pp_project_result *r;
} project_view;

static void print_pairs(const pp_pairterm *pt, FILE *f) {
  if (pt->n == 0) {
    fprintf(f, "  two-centre terms: none (no unmatched atom's sphere overlaps another structure's sphere)\n");
    return;
  }
  fprintf(f, "  two-centre terms: %d pair%s of overlapping spheres (bulk atom - defect atom, distance):\n", pt->n,
          pt->n == 1 ? "" : "s");
  for (int p = 0; p < pt->n; p++)
    fprintf(f, "    %d - %d: %.4f Å%s", pt->link[p].a + 1, pt->link[p].b + 1, pt->link[p].dist_A,
            p % 4 == 3 || p == pt->n - 1 ? "\n" : ";");
}

static void print_table(const project_view *v, FILE *f) {
  const pp_project_result *r = v->r;
  const int paw = v->s->paw, nd = r->hi - r->lo;
  fprintf(f, "\nBand character of defect bands (method: %s)\n", r->method);
  fprintf(f, "  bulk:   %s (%d bands)\n  defect: %s\n", r->bulk.wc.path, r->bulk.wc.nbands, r->defect.wc.path);
  fprintf(f, "  valence = bulk bands with occupation > 0.5; energies and occupations are\n"
             "  k-point weighted means; weights: %s\n", r->bulk.weight_source);
  if (paw)
    fprintf(f, "  sites: %d matched (within %.3g Å), %d only in bulk, %d only in defect\n",
            r->pair.match.nmatched, v->s->match_tol, r->pair.nonlyb, r->pair.nonlyd);
  if (paw) print_pairs(&r->pair.pairs, f);
  fprintf(f, "  note: %s\n\n", r->note);
  if (r->ipr_ae)
    fprintf(f, "  IPR = Ω ∫|ψ|⁴ / (∫|ψ|²)² (%s) on the %d × %d × %d grid: 1 = spread evenly, larger = localised\n",
            paw ? "all-electron; pseudo in the JSON" : "pseudo", r->ipr_grid[0], r->ipr_grid[1], r->ipr_grid[2]);
  fprintf(f, "  %5s %4s %12s %10s %9s %11s %9s%s\n", "band", "spin", "energy (eV)", "occupation",
          "valence", "conduction", paw ? "outside" : "captured", r->ipr_ae ? "       IPR" : "");
  for (int s = 0; s < r->defect.wc.nspin; s++)
    for (int n = 0; n < nd; n++) {
      const size_t i = (size_t)s * nd + n;
      const double *c = r->character + i * PP_CHAR_N;
      fprintf(f, "  %5d %4d %12.4f %10.4f %9.4f %11.4f %9.4f", r->lo + n + 1, s + 1, r->energy[i],
              r->occupation[i], c[PP_CHAR_VALENCE], c[PP_CHAR_CONDUCTION],
              paw ? 1 - c[PP_CHAR_VALENCE] - c[PP_CHAR_CONDUCTION] : c[PP_CHAR_CAPTURED]);
      if (r->ipr_ae) fprintf(f, " %9.3f", r->ipr_ae[i]);
      fprintf(f, "\n");
    }
}

static void write_json(FILE *f, const void *arg) {
  const project_view *v = arg;
  const pp_project_result *r = v->r;
  const int nd = r->hi - r->lo;
  pp_json j;
  pp_json_init(&j, f);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "method", r->method);
  pp_json_str(&j, "normalisation", r->note);
  pp_json_str(&j, "bulk", r->bulk.wc.path);
  pp_json_str(&j, "defect", r->defect.wc.path);
  pp_json_str(&j, "weights_source", r->bulk.weight_source);
  const double rss[2] = {r->rss_min, r->rss_max};
  pp_json_num_array(&j, "peak_rss_mib_min_max", rss, 2);
  pp_json_arr(&j, "bands");
  for (int s = 0; s < r->defect.wc.nspin; s++)
    for (int n = 0; n < nd; n++) {
      const size_t i = (size_t)s * nd + n;
      const double *c = r->character + i * PP_CHAR_N;
      pp_json_obj(&j, NULL);
      pp_json_int(&j, "band", r->lo + n + 1);
      pp_json_int(&j, "spin", s + 1);
      pp_json_num(&j, "energy_eV", r->energy[i]);
      pp_json_num(&j, "occupation", r->occupation[i]);
      pp_json_num(&j, "valence", c[PP_CHAR_VALENCE]);
      pp_json_num(&j, "conduction", c[PP_CHAR_CONDUCTION]);
      pp_json_num(&j, "captured", c[PP_CHAR_CAPTURED]);
      if (v->s->paw) pp_json_num(&j, "outside", 1 - c[PP_CHAR_VALENCE] - c[PP_CHAR_CONDUCTION]);
      if (r->ipr_ae) {
        pp_json_num(&j, "ipr", r->ipr_ae[i]);
        pp_json_num(&j, "ipr_pseudo", r->ipr_ps[i]);
      }
      pp_json_end(&j);
    }
  pp_json_end(&j);
  pp_json_end(&j);
}

/* Option values only: what needs the inputs (the band range against the
 * band count, the LREAL value) is checked by the run. */
static pp_status read_setup(const pp_args *a, pp_project_setup *s, pp_err *err) {
  memset(s, 0, sizeof *s);
  const char *method = pp_args_get(a, "method");
  if (!method) method = "paw";
  if (strcmp(method, "pseudo") != 0 && strcmp(method, "paw") != 0)
    PP_FAIL(err, PP_ERR_ARG, "--method %s: expected paw or pseudo", method);
  s->paw = strcmp(method, "paw") == 0;
  s->match_tol = 0.02;
  PP_CALL(pp_args_double(a, "match-tol", &s->match_tol, err));
  if (!(s->match_tol > 0)) PP_FAIL(err, PP_ERR_ARG, "--match-tol must be positive (Å)");
  if (!pp_args_has(a, "bulk") || !pp_args_has(a, "defect"))
    PP_FAIL(err, PP_ERR_ARG, "project needs --bulk DIR and --defect DIR (see --help)");
  s->bulk = pp_args_get(a, "bulk");
  s->defect = pp_args_get(a, "defect");
  s->variant = PP_VARIANT_AUTO;
  if (pp_args_has(a, "variant")) PP_CALL(pp_variant_parse(pp_args_get(a, "variant"), &s->variant, err));
  PP_CALL(pp_args_int(a, "kgroups", 1, 1 << 20, &s->kgroups, err));
  s->window = 1.0;
  PP_CALL(pp_args_double(a, "window", &s->window, err));
  if (s->paw) PP_CALL(pp_cli_paw_opts(a, &s->paw_opts, err));
  s->bands = pp_args_get(a, "bands");
  s->flip_spin = pp_args_has(a, "flip-spin");
  s->unfold = pp_args_has(a, "unfold");
  s->symprec = PP_SYMPREC_DEFAULT;
  PP_CALL(pp_args_double(a, "symprec", &s->symprec, err));
  if (!(s->symprec > 0)) PP_FAIL(err, PP_ERR_ARG, "--symprec must be positive (Å)");
  s->ipr = pp_args_has(a, "ipr");
  if (s->ipr) PP_CALL(pp_cli_grid_opts(a, &s->grid_opts, err));
  s->h5 = pp_args_get(a, "h5");
  return PP_OK;
}

/* The table on stdout unless the JSON goes there; the JSON file if asked. */
static pp_status report(const pp_ctx *ctx, const pp_args *a, const project_view *v, pp_err *err) {
  pp_status st = PP_OK;
  if (ctx->rank == 0) {
    const char *json = pp_args_get(a, "json");
    if (!json || strcmp(json, "-") != 0) print_table(v, stdout);
    if (json) st = pp_outfile_write(json, write_json, v, err);
  }
  return pp_agree(st, err, ctx->world);
}

pp_status pp_cmd_project(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  pp_args a;
  PP_CALL(pp_args_parse(project_opts, argc, argv, &a, err));
  if (pp_args_has(&a, "help")) {
    if (ctx->rank == 0)
      pp_args_help(stdout, "pawproj project --bulk DIR --defect DIR [--method paw [--datasets SPEC] | --method pseudo] [options]",
                   "For each selected defect band: its overlap with every bulk band at the same\n"
                   "k-point and spin, and its valence / conduction character. Lattices, ENCUT\n"
                   "and spins of the two calculations must match; symmetry-reduced k-point sets\n"
                   "of one mesh are unfolded to the full mesh (docs/symmetry.md).",
                   project_opts);
    return PP_OK;
  }
  PP_CALL(pp_outguard_check(ctx, project_opts, &a, err));
  if (a.npos != 0) PP_FAIL(err, PP_ERR_ARG, "project takes no positional argument ('%s')", a.pos[0]);
  pp_project_setup s;
  PP_CALL(pp_agree(read_setup(&a, &s, err), err, ctx->world));
  pp_project_result r;
  pp_status st = PP_OK;
  PP_TRY(pp_project_run(ctx, &s, &r, err));
  PP_TRY(report(ctx, &a, &(project_view){&s, &r}, err));
  PP_TRY(pp_project_result_release(&r, err));
done:
  pp_project_result_free(&r);
  return st;
}
