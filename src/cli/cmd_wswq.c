/* cmd_wswq.c — `pawproj wswq`: VASP's WSWQ files (the overlaps
 * <ψ_i(Q0)|S|ψ_j(Q)> nonradiative-capture codes read) for many displaced
 * geometries Q against one reference Q0, from the WAVECARs alone. Options
 * into a study of project (projectrun.h: Q0 as the bulk read once, every Q
 * as a defect, the reference itself first as a check), the files written
 * by io/wswqout.h from the overlap stage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/projectrun.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/defectlist.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/cli/setupopts.h"
#include "pawproj/cli/testfault.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/stage.h"
#include "pawproj/io/wswqout.h"
#include "pawproj/model/symmetry.h"

static const pp_optdef wswq_opts[] = {
    {"ref", "DIR", "reference geometry Q0 (WAVECAR + CONTCAR/POSCAR)"},
    {"datasets", "SPEC", "PAW datasets: a POTCAR, Sym=FILE.xml,... or a directory (default: the --ref DIR)"},
    {"bands", "N-M", "bands i and j of the files, 1-based inclusive, or all (default: all)"},
    {"output", "STEM", "write STEM.LABEL per geometry (default: WSWQ; LABEL = its directory's name)"},
    {"h5", "FILE", "also the overlaps, one group per geometry (a study's layout, checkpointed)"},
    {"convention", "full|vasp", "full: the all-electron overlap between the geometries (default); vasp: VASP's "
     "LWSWQ, S(Q0) with Q's plane waves projected at Q0's sites"},
    {"match-tol", "A", "distance below which atoms of Q0 and Q are one site (0.02 Å); moved atoms get pair terms"},
    PP_CLI_STUDY_STOP_OPTDEFS,
    {"kgroups", "N", "number of k-point groups (default: automatic)"},
    {"lreal", "F|T|Auto", "projectors the runs used (default: from each DIR's OUTCAR/vasprun.xml, else .FALSE.)"},
    {"proj-grid", "NX,NY,NZ", "real-space grid for LREAL = .TRUE./Auto (default: each run's)"},
    {NULL, NULL, NULL}};

typedef struct wswq_cli {
  pp_project_setup s;
  pp_defect_list list;
  pp_project_target *targets;
  const char *stem;
} wswq_cli;

/* In the overlap stage of each geometry: its file, and one line of checks. */
static pp_status write_file(void *arg, pp_stage *sg, const pp_project_result *r, const pp_project_defect *d,
                            const pp_wfset *ref, const double complex *S, pp_err *err) {
  const wswq_cli *c = arg;
  const pp_wswq_in in = {.lay = &r->lay, .ref = ref, .S = S, .lo = d->lo, .hi = d->hi};
  char path[4200];
  snprintf(path, sizeof path, "%s.%s", c->stem, d->label);
  pp_pool *pool;
  pp_wswq_checks ck;
  PP_CALL(pp_stage_need(sg, "wswq-buffer", pp_wswqout_need(&in, sg->ctx->rank), err));
  PP_CALL(pp_stage_pool(sg, "wswq-buffer", NULL, 0, &pool, err));
  PP_CALL(pp_wswqout_write(sg->ctx->world, path, &in, pool, &ck, err));
  if (sg->ctx->rank == 0 && !strcmp(d->label, "reference"))
    printf("%-24s %-28s bands %d-%d: max |W - 1| %.2e (Q0 against itself)\n", path, d->ds.wc.path, d->lo + 1, d->hi,
           ck.identity);
  else if (sg->ctx->rank == 0)
    printf("%-24s %-28s bands %d-%d: per degenerate group of Q0, sum |W|^2 %.6f .. %.6f (%d groups)\n", path,
           d->ds.wc.path, d->lo + 1, d->hi, ck.group_min, ck.group_max, ck.ngroups);
  return PP_OK;
}

/* After each geometry: where the tests stop a run (cli/testfault.h). */
static pp_status after_geometry(void *arg, const pp_project_result *r, const pp_project_defect *d, pp_err *err) {
  (void)arg, (void)err;
  pp_testfault_point((int)(d - r->defects));
  return PP_OK;
}

/* Q0 itself first (label "reference": W must be the identity), then the
 * positional runs as a --defects list. */
static pp_status read_setup(const pp_args *a, wswq_cli *c, pp_err *err) {
  pp_project_setup *s = &c->s;
  if (!pp_args_has(a, "ref") || a->npos == 0)
    PP_FAIL(err, PP_ERR_ARG, "wswq needs --ref DIR and at least one displaced geometry DIR (see --help)");
  PP_CALL(pp_defect_list_paths((const char *const *)a->pos, a->npos, "wswq", &c->list, err));
  c->targets = calloc((size_t)c->list.n + 1, sizeof *c->targets);
  if (!c->targets) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  s->bulk = pp_args_get(a, "ref");
  c->targets[0] = (pp_project_target){"reference", s->bulk, NULL};
  for (int i = 0; i < c->list.n; i++) {
    if (!strcmp(c->list.v[i].label, "reference"))
      PP_FAIL(err, PP_ERR_ARG, "wswq: the label 'reference' is the check of Q0 against itself; rename the directory of %s",
              c->list.v[i].path);
    c->targets[i + 1] = (pp_project_target){c->list.v[i].label, c->list.v[i].path, c->list.v[i].bands};
  }
  s->defects = c->targets;
  s->ndefects = c->list.n + 1;
  s->study = 1;
  s->paw = 1;
  s->variant = PP_VARIANT_AUTO;
  s->symprec = PP_SYMPREC_DEFAULT;
  const char *conv = pp_args_has(a, "convention") ? pp_args_get(a, "convention") : "full";
  if (strcmp(conv, "full") && strcmp(conv, "vasp"))
    PP_FAIL(err, PP_ERR_ARG, "--convention must be full or vasp, not '%s'", conv);
  s->bulk_sites = !strcmp(conv, "vasp");
  PP_CALL(pp_cli_length(a, "match-tol", 0.02, &s->match_tol, err));
  PP_CALL(pp_args_int(a, "kgroups", 1, 1 << 20, &s->kgroups, err));
  PP_CALL(pp_cli_paw_opts(a, &s->paw_opts, err));
  if (!s->paw_opts.datasets) s->paw_opts.datasets = s->bulk;
  s->bands = pp_args_has(a, "bands") ? pp_args_get(a, "bands") : "all";
  s->h5 = pp_args_get(a, "h5");
  PP_CALL(pp_cli_study_stop_opts(a, s, err));
  c->stem = pp_args_has(a, "output") ? pp_args_get(a, "output") : "WSWQ";
  s->report = after_geometry;
  s->on_overlaps = write_file;
  s->overlaps_arg = c;
  return PP_OK;
}

pp_status pp_cmd_wswq(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  pp_args a;
  PP_CALL(pp_args_parse(wswq_opts, argc, argv, &a, err));
  if (pp_args_has(&a, "help")) {
    if (ctx->rank == 0)
      pp_args_help(stdout, "pawproj wswq --ref DIR_Q0 DIR_Q1 [DIR_Q2 ...] [--datasets SPEC] [--bands N-M] [-o STEM]",
                   "VASP's WSWQ file <psi_i(Q0)|S|psi_j(Q)> for every displaced geometry Q against the\n"
                   "reference Q0, from the WAVECARs alone (the file VASP writes with LWSWQ in the run of Q0\n"
                   "with Q's WAVECAR as WAVECAR.qqq). Default: the full all-electron overlap between the two\n"
                   "geometries (matched sites, two-centre terms for moved atoms); --convention vasp: VASP's\n"
                   "S(Q0). docs/wswq.md. Q0 against itself is written too (STEM.reference): the identity.",
                   wswq_opts);
    return PP_OK;
  }
  PP_CALL(pp_outguard_check(ctx, wswq_opts, &a, err));
  wswq_cli c = {0};
  pp_project_result r = PP_PROJECT_RESULT_INIT;
  pp_status st = PP_OK;
  PP_TRY(pp_agree(read_setup(&a, &c, err), err, ctx->world));
  PP_TRY(pp_project_run(ctx, &c.s, &r, err));
  PP_TRY(pp_project_result_release(&r, err));
done:
  pp_project_result_free(&r);
  pp_defect_list_free(&c.list);
  free(c.targets);
  return st;
}
