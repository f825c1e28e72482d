/* cmd_dump.c — `pawproj dump`: per-band coefficient facts, read in parallel.
 *
 * For checking a WAVECAR read against another reader: per (spin, k) the
 * number of G vectors, the first and last Miller indices in file order,
 * and per band the coefficient norm Σ|C|² plus the first coefficients of
 * the first and last band as physical full-sphere values c(G) (for
 * Gamma-only files the stored √2·c(G) divided by √2 for G ≠ 0).
 * Each rank streams only its slice through a small cached buffer (memory
 * does not grow with the file: this is also the read benchmark); results
 * meet on rank 0 by a sum of zero-initialised arrays (each value has
 * exactly one owner: exact).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/json.h"
#include "pawproj/core/outfile.h"
#include "pawproj/io/dataset.h"
#include "pawproj/io/wfset.h"
#include "pawproj/par/layout.h"

#define NFIRST 6
#define NLAST 3

static const pp_optdef dump_opts[] = {
    {"json", "FILE", "write the facts as JSON ('-' = stdout; default)"},
    {"variant", "V", "force auto|standard|gamma-x|gamma-z|noncollinear"},
    {"kgroups", "N", "number of k-point groups (default: automatic)"},
    {NULL, NULL, NULL}};

typedef struct facts {
  double *norm;    /* (nspin, nkpts, nbands) */
  double *coef;    /* (nspin, nkpts, 2 [first, last band], NFIRST, 2) */
  double *miller;  /* (nkpts, NFIRST + NLAST, 3) */
} facts;

typedef struct scan_arg {
  const pp_wavecar *wc;
  facts *f;
} scan_arg;

static pp_status visit_piece(void *argp, int item, int band, int64_t g0, int64_t n,
                             const double complex *c, double sumsq, pp_err *err) {
  (void)err;
  const scan_arg *arg = argp;
  const pp_wavecar *wc = arg->wc;
  facts *f = arg->f;
  const int s = item / wc->nkpts, k = item % wc->nkpts;
  const double *x = (const double *)c;
  f->norm[pp_wavecar_idx(wc, s, k, band)] += sumsq;
  const double scale = pp_variant_is_gamma(wc->variant) ? 1.0 / sqrt(2.0) : 1.0;
  for (int which = 0; which < 2 && g0 == 0; which++) {
    if (band != (which ? wc->nbands - 1 : 0)) continue;
    double *dst = f->coef + ((((int64_t)s * wc->nkpts + k) * 2 + which) * NFIRST) * 2;
    for (int i = 0; i < NFIRST && i < n; i++) {
      const double sc = i == 0 ? 1.0 : scale;
      dst[2 * i] = x[2 * i] * sc;
      dst[2 * i + 1] = x[2 * i + 1] * sc;
    }
  }
  return PP_OK;
}

/* First and last Miller indices of every k-point of my group; the band
 * rank 0 of the group writes them (each value has one owner). */
static pp_status collect_miller(const pp_layout *lay, const pp_wavecar *wc, facts *f,
                                pp_err *err) {
  if (lay->brank != 0) return PP_OK;
  for (int k = 0; k < wc->nkpts; k++) {
    if (!pp_layout_owns_item(lay, k)) continue;
    const int64_t n = wc->npw[k];
    int(*m)[3] = malloc(sizeof *m * (size_t)n);
    if (!m) PP_FAIL(err, PP_ERR_NOMEM, "out of memory for G vectors");
    int64_t got;
    pp_status st = pp_gvec_generate(wc->lattice, wc->encut, wc->kfrac[k], wc->variant, m, n,
                                    &got, err);
    if (st == PP_OK && got != n)
      st = pp_fail_at(err, PP_ERR_INTERNAL, __FILE__, __LINE__, "G count changed");
    if (st == PP_OK)
      for (int i = 0; i < NFIRST + NLAST; i++) {
        const int64_t g = i < NFIRST ? i : n - (NFIRST + NLAST) + i;
        for (int x = 0; x < 3; x++)
          f->miller[((int64_t)k * (NFIRST + NLAST) + i) * 3 + x] = g >= 0 && g < n ? m[g][x] : 0;
      }
    free(m);
    if (st != PP_OK) return st;
  }
  return PP_OK;
}

typedef struct dump_out {
  const pp_wavecar *wc;
  const facts *f;
} dump_out;

static void write_json(FILE *out, const void *arg) {
  const pp_wavecar *wc = ((const dump_out *)arg)->wc;
  const facts *f = ((const dump_out *)arg)->f;
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
  int kgroups = 0;
  PP_CALL(pp_args_int(&a, "kgroups", 1, 1 << 20, &kgroups, err));
  pp_dataset ds;
  PP_CALL(pp_dataset_open("input", a.pos[0], force, 0, ctx->world, &ds, err));
  const pp_wavecar *wc = &ds.wc;
  pp_status st = PP_OK;
  pp_layout lay = {.kcomm = MPI_COMM_NULL, .xcomm = MPI_COMM_NULL};
  facts loc = {0}, tot = {0};
  const size_t nn = (size_t)wc->nspin * wc->nkpts * wc->nbands;
  const size_t nc = (size_t)wc->nspin * wc->nkpts * 2 * NFIRST * 2;
  const size_t nm = (size_t)wc->nkpts * (NFIRST + NLAST) * 3;
  pp_pool *meta = NULL, *io = NULL;
  st = pp_layout_create(ctx->world, wc->nspin * wc->nkpts, wc->nbands, kgroups, &lay, err);
  st = pp_agree(st, err, ctx->world);
  if (st != PP_OK) goto done;
  PP_TRY(pp_pool_create(&ctx->pools, "setup", "facts", NULL, 0, &meta, err));
  PP_TRY(pp_pool_alloc(meta, 2 * sizeof(double) * (nn + nc + nm), (void **)&loc.norm, err));
  loc.coef = loc.norm + nn;
  loc.miller = loc.coef + nc;
  tot.norm = loc.miller + nm;
  tot.coef = tot.norm + nn;
  tot.miller = tot.coef + nc;
  PP_TRY(pp_pool_create(&ctx->pools, "read", "io-buffer", &meta, 1, &io, err));
  double t0 = MPI_Wtime(), bytes = 0;
  scan_arg sa = {wc, &loc};
  PP_TRY(pp_wfset_scan(&lay, wc, 0, wc->nbands, io, ctx->quiet ? NULL : "WAVECAR", visit_piece,
                       &sa, &bytes, err));
  pp_stage_done(ctx, "read", &t0, bytes, 0);
  st = collect_miller(&lay, wc, &loc, err);
  PP_TRY(pp_agree(st, err, ctx->world));
  MPI_Reduce(loc.norm, tot.norm, (int)(nn + nc + nm), MPI_DOUBLE, MPI_SUM, 0, ctx->world);
  PP_TRY(pp_pools_release_stage(&ctx->pools, "read", err));
  if (ctx->rank == 0) {
    const char *path = pp_args_get(&a, "json");
    const dump_out out = {wc, &tot};
    st = pp_outfile_write(path ? path : "-", write_json, &out, err);
  }
  PP_TRY(pp_agree(st, err, ctx->world));
  PP_TRY(pp_pools_release_stage(&ctx->pools, "setup", err));
done:
  pp_layout_free(&lay);
  pp_dataset_free(&ds);
  return st;
}
