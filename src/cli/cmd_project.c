/* cmd_project.c — `pawproj project`: what each defect band is made of.
 * Options into a pp_project_setup, one pp_project_run (projectrun.h),
 * each defect's band table as it is done and the JSON at the end on rank
 * 0 (projectreport.h). */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "pawproj/analysis/projectrun.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/defectlist.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/cli/projectreport.h"
#include "pawproj/cli/setupopts.h"
#include "pawproj/cli/testfault.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/outfile.h"
#include "pawproj/model/gvec.h"
#include "pawproj/model/symmetry.h"

static const pp_optdef project_opts[] = {
    {"bulk", "DIR", "pristine calculation: WAVECAR(.gz) + CONTCAR/POSCAR"},
    {"defect", "DIR", "defect calculation in the same cell"},
    {"defects", "LIST", "many defects against one bulk read once: [LABEL=]DIR[@N-M] ..., wildcards allowed"},
    {"method", "M", "paw (all-electron, default) or pseudo (plane-wave part only)"},
    {"datasets", "SPEC", "PAW datasets: a POTCAR, Sym=FILE.xml,... or a directory (default: --defect DIR)"},
    {"match-tol", "A", "distance below which bulk and defect sites match (0.02 Å)"},
    {"bands", "N-M", "defect bands to analyse, 1-based inclusive (default: window)"},
    {"window", "EV", "half-width of the default band window around E_Fermi (1.0 eV)"},
    {"json", "FILE", "write the band table as JSON ('-' = stdout)"},
    {"h5", "FILE", "write overlaps, projections (paw), energies, k-points (parallel HDF5)"},
    {"dry-run", NULL, "read headers and set up only; print the plan: layout, memory per rank per stage, "
                      "bytes read, work; refuse it if it exceeds --mem-per-rank"},
    PP_CLI_STUDY_STOP_OPTDEFS,
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

/* What the JSON writer needs: the run's answer and what it was asked. */
typedef struct project_view {
  const pp_project_setup *s;
  const pp_project_result *r;
  int nranks;
} project_view;

/* What the run asked and the defect targets read from the options. */
typedef struct project_cli {
  pp_project_setup s;
  pp_defect_list list;        /* --defects */
  pp_project_target one;      /* --defect */
  pp_project_target *targets; /* from list */
  int table;                  /* rank 0 prints each defect's table to stdout */
} project_cli;

static pp_status print_defect(void *arg, const pp_project_result *r, const pp_project_defect *d, pp_err *err) {
  (void)err;
  const project_cli *c = arg;
  if (c->table) {
    pp_project_print_table(&c->s, r, d, stdout);
    fflush(stdout);
  }
  pp_testfault_point((int)(d - r->defects));
  return PP_OK;
}

/* Where the tests stop a study inside a defect (cli/testfault.h). */
static void after_round(void *arg, int defect, int round) {
  (void)arg;
  pp_testfault_item(defect, round);
}

static void write_json(FILE *f, const void *arg) {
  const project_view *v = arg;
  if (v->s->dry_run)
    pp_project_write_plan_json(v->s, v->r, v->nranks, f);
  else
    pp_project_write_json(v->s, v->r, f);
}

/* --defect DIR (one run, the single-run layout) or --defects LIST (a
 * study, defectlist.h), not both. */
static pp_status read_targets(const pp_args *a, project_cli *c, pp_err *err) {
  pp_project_setup *s = &c->s;
  const int one = pp_args_has(a, "defect"), many = pp_args_has(a, "defects");
  if (!pp_args_has(a, "bulk") || (!one && !many))
    PP_FAIL(err, PP_ERR_ARG, "project needs --bulk DIR and --defect DIR (or --defects LIST; see --help)");
  if (one && many) PP_FAIL(err, PP_ERR_ARG, "give --defect DIR or --defects LIST, not both");
  s->bulk = pp_args_get(a, "bulk");
  if (one) {
    c->one = (pp_project_target){.dir = pp_args_get(a, "defect")};
    s->defects = &c->one;
    s->ndefects = 1;
    return PP_OK;
  }
  PP_CALL(pp_defect_list_parse(pp_args_get(a, "defects"), "defects", &c->list, err));
  c->targets = calloc((size_t)c->list.n, sizeof *c->targets);
  if (!c->targets) PP_FAIL(err, PP_ERR_NOMEM, "out of memory (%d defects)", c->list.n);
  for (int i = 0; i < c->list.n; i++)
    c->targets[i] = (pp_project_target){c->list.v[i].label, c->list.v[i].path, c->list.v[i].bands};
  s->defects = c->targets;
  s->ndefects = c->list.n;
  s->study = 1;
  return PP_OK;
}

/* Option values only: what needs the inputs (the band range against the
 * band count, the LREAL value) is checked by the run. */
static pp_status read_setup(const pp_args *a, project_cli *c, pp_err *err) {
  pp_project_setup *s = &c->s;
  const char *method = pp_args_get(a, "method");
  if (!method) method = "paw";
  if (strcmp(method, "pseudo") != 0 && strcmp(method, "paw") != 0)
    PP_FAIL(err, PP_ERR_ARG, "--method %s: expected paw or pseudo", method);
  s->paw = strcmp(method, "paw") == 0;
  PP_CALL(pp_cli_length(a, "match-tol", 0.02, &s->match_tol, err));
  PP_CALL(read_targets(a, c, err));
  s->variant = PP_VARIANT_AUTO;
  if (pp_args_has(a, "variant")) PP_CALL(pp_variant_parse(pp_args_get(a, "variant"), &s->variant, err));
  PP_CALL(pp_args_int(a, "kgroups", 1, 1 << 20, &s->kgroups, err));
  s->window = 1.0;
  PP_CALL(pp_args_double(a, "window", &s->window, err));
  if (!(s->window > 0))
    PP_FAIL(err, PP_ERR_ARG, "--window %s: the half-width must be positive (eV)", pp_args_get(a, "window"));
  if (s->paw) PP_CALL(pp_cli_paw_opts(a, &s->paw_opts, err));
  s->bands = pp_args_get(a, "bands");
  s->flip_spin = pp_args_has(a, "flip-spin");
  s->unfold = pp_args_has(a, "unfold");
  PP_CALL(pp_cli_length(a, "symprec", PP_SYMPREC_DEFAULT, &s->symprec, err));
  s->ipr = pp_args_has(a, "ipr");
  if (s->ipr) PP_CALL(pp_cli_grid_opts(a, &s->grid_opts, err));
  s->h5 = pp_args_get(a, "h5");
  s->dry_run = pp_args_has(a, "dry-run");
  PP_CALL(pp_cli_study_stop_opts(a, s, err));
  s->report = print_defect;
  s->report_arg = c;
  s->after_round = after_round;
  return PP_OK;
}

/* The JSON file if asked (the tables were printed per defect); a dry
 * run's plan. */
static pp_status report(const pp_ctx *ctx, const pp_args *a, const project_view *v, pp_err *err) {
  pp_status st = PP_OK;
  const char *json = pp_args_get(a, "json");
  if (ctx->rank == 0 && v->s->dry_run && (!json || strcmp(json, "-") != 0))
    pp_project_print_plan(v->s, v->r, v->nranks, stdout);
  if (ctx->rank == 0 && json) st = pp_outfile_write(json, write_json, v, err);
  return pp_agree(st, err, ctx->world);
}

pp_status pp_cmd_project(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  pp_args a;
  PP_CALL(pp_args_parse(project_opts, argc, argv, &a, err));
  if (pp_args_has(&a, "help")) {
    if (ctx->rank == 0)
      pp_args_help(stdout,
                   "pawproj project --bulk DIR (--defect DIR | --defects LIST) [--method paw [--datasets SPEC] | "
                   "--method pseudo] [options]",
                   "For each selected defect band: its overlap with every bulk band at the same\n"
                   "k-point and spin, and its valence / conduction character. Lattices, ENCUT\n"
                   "and spins of the calculations must match; symmetry-reduced k-point sets\n"
                   "of one mesh are unfolded to the full mesh (docs/symmetry.md). With --defects\n"
                   "(input file: DEFECTS = ...) many defects are projected onto one bulk read once:\n"
                   "LIST = [LABEL=]DIR[@N-M] ..., wildcards allowed; --h5 then holds a group\n"
                   "/defects/LABEL per defect and --json one summary table.",
                   project_opts);
    return PP_OK;
  }
  PP_CALL(pp_outguard_check(ctx, project_opts, &a, err));
  if (a.npos != 0) PP_FAIL(err, PP_ERR_ARG, "project takes no positional argument ('%s')", a.pos[0]);
  project_cli c = {0};
  pp_project_result r = PP_PROJECT_RESULT_INIT;
  pp_status st = PP_OK;
  PP_TRY(pp_agree(read_setup(&a, &c, err), err, ctx->world));
  const char *json = pp_args_get(&a, "json");
  c.table = ctx->rank == 0 && (!json || strcmp(json, "-") != 0);
  PP_TRY(pp_project_run(ctx, &c.s, &r, err));
  PP_TRY(report(ctx, &a, &(project_view){&c.s, &r, ctx->size}, err));
  PP_TRY(pp_project_result_release(&r, err));
done:
  pp_project_result_free(&r);
  pp_defect_list_free(&c.list);
  free(c.targets);
  return st;
}
