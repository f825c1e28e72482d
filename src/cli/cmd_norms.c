/* cmd_norms.c — `pawproj norms`: does this PAW dataset belong to this
 * WAVECAR? Pseudo and all-electron norms of every band and the largest
 * departure from orthonormality per k-point. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/aenorm.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/cli/setupopts.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/json.h"
#include "pawproj/core/outfile.h"
#include "pawproj/io/dataset.h"
#include "pawproj/io/h5out.h"
#include "pawproj/io/pawset.h"
#include "pawproj/paw/projmode.h"

static const pp_optdef norms_opts[] = {
    {"datasets", "SPEC", "PAW datasets: a POTCAR, Sym=FILE.xml,... or a directory (default: DIR)"},
    {"json", "FILE", "write norms as JSON ('-' = stdout)"},
    {"h5", "FILE", "write norms and projections (parallel HDF5)"},
    {"kgroups", "N", "number of k-point groups (default: automatic)"},
    {"variant", "V", "force the WAVECAR variant"},
    {"lreal", "F|T|Auto", "projectors the run used (default: from DIR/OUTCAR or DIR/vasprun.xml, else .FALSE.)"},
    {"proj-grid", "NX,NY,NZ", "real-space grid for LREAL = .TRUE./Auto (default: the run's, from OUTCAR/vasprun.xml)"},
    {NULL, NULL, NULL}};

static void print_summary(const pp_wavecar *wc, const pp_aenorm *r, const char *projectors, FILE *f) {
  fprintf(f, "\nAll-electron norms of %s\n", wc->path);
  fprintf(f, "  projectors: %s\n", projectors);
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
  const pp_aenorm *r;
  const pp_projmode *pm;
} norms_out;

static void write_json(FILE *f, const void *arg) {
  const pp_wavecar *wc = ((const norms_out *)arg)->wc;
  const pp_aenorm *r = ((const norms_out *)arg)->r;
  pp_json j;
  pp_json_init(&j, f);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "wavecar", wc->path);
  pp_json_str(&j, "lreal", pp_lreal_name(((const norms_out *)arg)->pm->lr.mode));
  pp_json_str(&j, "projectors", ((const norms_out *)arg)->pm->desc);
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

static pp_status write_h5(pp_ctx *ctx, const char *path, const pp_wavecar *wc, const pp_wfset *set,
                          const pp_paw *paw, const pp_aenorm *r, pp_err *err) {
  pp_h5 h;
  PP_CALL(pp_h5_create(ctx->world, path, &h, err));
  pp_status st = PP_OK;
  const int ldp = wc->nspinor * paw->nproj;
  hsize_t(*start)[4] = calloc((size_t)set->nlocal + 1, sizeof *start);
  double complex *buf = malloc(sizeof *buf * ((size_t)set->nlocal * set->nb * ldp + 1));
  if (!start || !buf) PP_THROW(PP_ERR_NOMEM, "out of memory");
  for (int j = 0; j < set->nlocal; j++) {
    start[j][0] = (hsize_t)(set->item[j] / wc->nkpts);
    start[j][1] = (hsize_t)(set->item[j] % wc->nkpts);
    start[j][2] = (hsize_t)set->b0;
    start[j][3] = 0;
    memcpy(buf + (size_t)j * set->nb * ldp, r->P[j], sizeof *buf * (size_t)set->nb * ldp);
  }
  const hsize_t dims[4] = {(hsize_t)wc->nspin, (hsize_t)wc->nkpts, (hsize_t)wc->nbands, (hsize_t)ldp};
  const hsize_t count[4] = {1, 1, (hsize_t)set->nb, (hsize_t)ldp};
  PP_TRY(pp_h5_write_complex_blocks(&h, "projections", dims, set->nb > 0 ? set->nlocal : 0,
                                    (const hsize_t(*)[4])start, count, buf, "dimensionless", err));
  PP_TRY(pp_h5_attr(&h, "projections", "layout",
                    "[spin][kpoint][band][spinor * nproj + atom offset + (j, m)] = <p_ai|psi_n>", err));
  const hsize_t ndims[3] = {(hsize_t)wc->nspin, (hsize_t)wc->nkpts, (hsize_t)wc->nbands};
  PP_TRY(pp_h5_write_double(&h, "pseudo_norms", 3, ndims, r->pseudo, "dimensionless", err));
  PP_TRY(pp_h5_write_double(&h, "ae_norms", 3, ndims, r->ae, "dimensionless", err));
  PP_TRY(pp_h5_write_double(&h, "max_offdiag", 2, ndims, r->maxoff, "dimensionless", err));
  PP_TRY(pp_h5_attr(&h, "/", "program", "pawproj " PAWPROJ_VERSION, err));
  PP_TRY(pp_h5_attr(&h, "/", "command_line", ctx->cmdline, err));
done:
  free(start);
  free(buf);
  {
    pp_status cs = pp_h5_close(&h, st == PP_OK, err);
    if (st == PP_OK) st = cs;
  }
  return pp_agree(st, err, ctx->world);
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
  int kgroups = 0;
  PP_CALL(pp_args_int(&a, "kgroups", 1, 1 << 20, &kgroups, err));
  pp_dataset ds;
  PP_CALL(pp_dataset_open("input", a.pos[0], force, 1, ctx->world, &ds, err));
  const pp_wavecar *wc = &ds.wc;
  pp_pawset set = {0};
  pp_paw paw = {0};
  pp_projmode pm = {0};
  pp_layout lay = {.kcomm = MPI_COMM_NULL, .xcomm = MPI_COMM_NULL};
  pp_paw_opts popt;
  pp_status st = pp_cli_paw_opts(&a, &popt, err);
  if (st == PP_OK) st = pp_projmode_paw(&popt, a.pos[0], a.pos[0], wc, &ds.structure, &set, &paw, &pm, err);
  st = pp_agree(st, err, ctx->world);
  if (st == PP_OK && ctx->rank == 0 && pm.lr.mode == PP_LREAL_AUTO)
    fprintf(stderr, "[pawproj] %s\n", pm.desc);
  if (st != PP_OK) goto done;
  PP_TRY(pp_layout_create(ctx->world, wc->nspin * wc->nkpts, wc->nbands, kgroups, &lay, err));
  pp_pool *small, *wf, *io, *proj;
  PP_TRY(pp_pool_create(&ctx->pools, "setup", "norm-tables", NULL, 0, &small, err));
  PP_TRY(pp_pool_create(&ctx->pools, "read", "wavefunctions", &small, 1, &wf, err));
  PP_TRY(pp_pool_create(&ctx->pools, "read", "io-buffer", NULL, 0, &io, err));
  pp_wfset bands;
  double t0 = MPI_Wtime();
  PP_TRY(pp_wfset_read(&lay, wc, 0, wc->nbands, 0, wf, io, ctx->quiet ? NULL : "WAVECAR", &bands, err));
  PP_TRY(pp_pool_release(io, err));
  pp_stage_done(ctx, "read", &t0, bands.bytes_read, 0);
  PP_TRY(pp_pool_create(&ctx->pools, "project", "projections", &wf, 1, &proj, err));
  pp_aenorm r;
  PP_TRY(pp_aenorm_project(&lay, &bands, &paw, &ds.structure, proj, small, &r, err));
  pp_stage_done(ctx, "project", &t0, 0, r.proj_flops);
  PP_TRY(pp_aenorm_compute(&lay, &bands, &paw, &ds.structure, &r, err));
  pp_stage_done(ctx, "gram", &t0, 0, 0);
  const char *h5 = pp_args_get(&a, "h5");
  if (h5) PP_TRY(write_h5(ctx, h5, wc, &bands, &paw, &r, err));
  PP_TRY(pp_pools_release_stage(&ctx->pools, "project", err));
  PP_TRY(pp_pools_release_stage(&ctx->pools, "read", err));
  if (ctx->rank == 0) {
    const char *json = pp_args_get(&a, "json");
    if (!json || strcmp(json, "-") != 0) print_summary(wc, &r, pm.desc, stdout);
    const norms_out out = {wc, &r, &pm};
    if (json) st = pp_outfile_write(json, write_json, &out, err);
  }
  PP_TRY(pp_agree(st, err, ctx->world));
  PP_TRY(pp_pools_release_stage(&ctx->pools, "setup", err));
done:
  pp_layout_free(&lay);
  pp_paw_free(&paw);
  pp_projmode_free(&pm);
  pp_pawset_free(&set);
  pp_dataset_free(&ds);
  return st;
}
