/* cmd_overlap.c — `pawproj overlap`: the full overlap matrix between the
 * bands of two runs, on ScaLAPACK. Options into a pp_ovlmatrix_setup, one
 * pp_ovlmatrix_run (ovlmatrix.h), a summary per (spin, k-point) on rank 0;
 * the matrices themselves go to the HDF5 file. */
#include <stdio.h>
#include <string.h>

#include "pawproj/analysis/ovlmatrix.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/cli/setupopts.h"
#include "pawproj/core/agree.h"
#include "pawproj/model/symmetry.h"

static const pp_optdef overlap_opts[] = {
    {"bra", "DIR", "the run whose bands are the rows m of S_mn = <bra m|ket n> (WAVECAR + CONTCAR/POSCAR)"},
    {"ket", "DIR", "the run whose bands are the columns n, in the same cell"},
    {"bands-bra", "N-M", "bra bands, 1-based inclusive (default: all)"},
    {"bands-ket", "N-M", "ket bands, 1-based inclusive (default: all)"},
    {"method", "M", "paw (all-electron, default) or pseudo (plane-wave part only)"},
    {"datasets", "SPEC", "PAW datasets: a POTCAR, Sym=FILE.xml,... or a directory (default: the --ket DIR)"},
    {"match-tol", "A", "distance below which bra and ket atoms are one site (0.02 Å); moved atoms get pair terms"},
    {"svd", NULL, "singular values of each S(k): the cosines of the principal angles between the two subspaces"},
    {"match", NULL, "match every bra band to the ket band of largest |S|^2, with the weight of its level"},
    {"h5", "FILE", "the matrices (each rank writes its blocks), singular values, matching (parallel HDF5)"},
    {"blacs", "PRxPC", "BLACS grid of each k-point group (default: near-square over its ranks)"},
    {"kgroups", "N", "number of k-point groups (default: automatic)"},
    {"symprec", "A", "tolerance of each structure's symmetry when the runs' k-point sets differ (1e-5 Å)"},
    {"lreal", "F|T|Auto", "projectors the runs used (default: from each DIR's OUTCAR/vasprun.xml, else .FALSE.)"},
    {"proj-grid", "NX,NY,NZ", "real-space grid for LREAL = .TRUE./Auto (default: each run's)"},
    {NULL, NULL, NULL}};

static pp_status read_setup(const pp_args *a, pp_ovlmatrix_setup *s, pp_err *err) {
  if (!pp_args_has(a, "bra") || !pp_args_has(a, "ket"))
    PP_FAIL(err, PP_ERR_ARG, "overlap needs --bra DIR and --ket DIR (see --help)");
  if (a->npos != 0) PP_FAIL(err, PP_ERR_ARG, "overlap takes no positional argument ('%s')", a->pos[0]);
  s->bra = pp_args_get(a, "bra");
  s->ket = pp_args_get(a, "ket");
  s->bands_bra = pp_args_get(a, "bands-bra");
  s->bands_ket = pp_args_get(a, "bands-ket");
  const char *method = pp_args_has(a, "method") ? pp_args_get(a, "method") : "paw";
  if (strcmp(method, "pseudo") != 0 && strcmp(method, "paw") != 0)
    PP_FAIL(err, PP_ERR_ARG, "--method %s: expected paw or pseudo", method);
  s->paw = strcmp(method, "paw") == 0;
  PP_CALL(pp_cli_paw_opts(a, &s->paw_opts, err));
  if (!s->paw_opts.datasets) s->paw_opts.datasets = s->ket;
  PP_CALL(pp_cli_length(a, "match-tol", 0.02, &s->match_tol, err));
  PP_CALL(pp_cli_length(a, "symprec", PP_SYMPREC_DEFAULT, &s->symprec, err));
  PP_CALL(pp_args_int(a, "kgroups", 1, 1 << 20, &s->kgroups, err));
  if (pp_args_has(a, "blacs")) {
    const char *g = pp_args_get(a, "blacs");
    char tail;
    if (sscanf(g, "%dx%d%c", &s->nprow, &s->npcol, &tail) != 2 || s->nprow < 1 || s->npcol < 1)
      PP_FAIL(err, PP_ERR_ARG, "--blacs %s: expected PRxPC, e.g. 2x2", g);
  }
  s->svd = pp_args_has(a, "svd");
  s->match = pp_args_has(a, "match");
  s->h5 = pp_args_get(a, "h5");
  return PP_OK;
}

/* One line per (spin, k-point): what the SVD and the matching say. */
static void print_summary(const pp_ovlmatrix_setup *s, const pp_ovlmatrix_result *r) {
  const pp_wavecar *wc = &r->pr.bulk.wc;
  const int nbra = r->bhi - r->blo;
  printf("overlap: bra %s bands %d-%d, ket %s bands %d-%d (%s), %d × %d BLACS grid per k-point group\n",
         wc->path, r->blo + 1, r->bhi, r->pr.defects[0].ds.wc.path, r->klo + 1, r->khi,
         s->paw ? "all-electron" : "pseudo", r->nprow, r->npcol);
  for (int it = 0; (s->svd || s->match) && it < wc->nspin * wc->nkpts; it++) {
    printf("spin %d k-point %3d:", it / wc->nkpts + 1, it % wc->nkpts + 1);
    if (s->svd) {
      const double *sv = r->sv + (size_t)it * r->nsv;
      int near1 = 0;
      for (int i = 0; i < r->nsv; i++) near1 += sv[i] > 0.99;
      printf("  singular values %.6f .. %.6f (%d of %d above 0.99)", sv[0], sv[r->nsv - 1], near1, r->nsv);
    }
    if (s->match) {
      int sure = 0, lowest = 0;
      const double *lev = r->w_level + (size_t)it * nbra;
      for (int m = 0; m < nbra; m++) {
        sure += lev[m] >= 0.9;
        if (lev[m] < lev[lowest]) lowest = m;
      }
      printf("  matched %d of %d bra bands with level weight >= 0.9 (lowest %.3f: bra band %d -> ket band %d)", sure,
             nbra, lev[lowest], r->blo + lowest + 1, r->best[(size_t)it * nbra + lowest] + r->klo + 1);
    }
    printf("\n");
  }
  printf("product: %.3g GFLOP in %.3f s (%.2f GFLOP/s over all ranks); largest matrix memory per rank %.1f MiB\n",
         r->flops / 1e9, r->seconds_gemm, r->seconds_gemm > 0 ? r->flops / 1e9 / r->seconds_gemm : 0,
         r->bytes_matrix / 1048576.0);
  if (s->h5) printf("matrices: %s\n", s->h5);
}

pp_status pp_cmd_overlap(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  pp_args a;
  PP_CALL(pp_args_parse(overlap_opts, argc, argv, &a, err));
  if (pp_args_has(&a, "help")) {
    if (ctx->rank == 0)
      pp_args_help(stdout, "pawproj overlap --bra DIR --ket DIR [--bands-bra N-M] [--bands-ket N-M] [--svd] [--match] "
                           "[--h5 FILE]",
                   "The full overlap matrix S_mn(k) = <bra m|ket n> between all selected bands of two runs in\n"
                   "one cell (all-electron: plane waves, matched sites, moved atoms' two-centre terms), as\n"
                   "a ScaLAPACK matrix per (spin, k-point) distributed over each k-point group's ranks: no\n"
                   "rank holds a whole matrix, each writes its blocks to the HDF5 file. --svd: the\n"
                   "subspace angles; --match: band matching with its confidence (docs/overlap.md).",
                   overlap_opts);
    return PP_OK;
  }
  PP_CALL(pp_outguard_check(ctx, overlap_opts, &a, err));
  pp_ovlmatrix_setup s = {0};
  pp_ovlmatrix_result r = PP_OVLMATRIX_RESULT_INIT;
  pp_status st = PP_OK;
  PP_TRY(pp_agree(read_setup(&a, &s, err), err, ctx->world));
  PP_TRY(pp_ovlmatrix_run(ctx, &s, &r, err));
  if (ctx->rank == 0) print_summary(&s, &r);
done:
  pp_ovlmatrix_result_free(&r);
  return st;
}
