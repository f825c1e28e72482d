/* cmd_project.c — `pawproj project`: what each defect band is made of. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/bandsel.h"
#include "pawproj/analysis/bandstats.h"
#include "pawproj/analysis/gridopt.h"
#include "pawproj/analysis/ipr.h"
#include "pawproj/analysis/overlap.h"
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
#include "pawproj/io/wfset.h"
#include "pawproj/par/layout.h"
#include "pawproj/paw/projmode.h"

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
    {"kgroups", "N", "number of k-point groups (default: automatic)"},
    {"variant", "V", "force the WAVECAR variant of both inputs"},
    {"ipr", NULL, "also the inverse participation ratio of each defect band (k-weighted; all-electron with "
                  "method paw, and pseudo), on the defect run's FFT grid"},
    {"lreal", "F|T|Auto", "projectors both runs used (default: from each DIR's OUTCAR/vasprun.xml, else .FALSE.)"},
    {"proj-grid", "NX,NY,NZ", "real-space grid for LREAL = .TRUE./Auto (default: each run's, from OUTCAR/vasprun.xml)"},
    {NULL, NULL, NULL}};

static const char *const PSEUDO_NOTE =
    "pseudo method: overlaps of pseudo-wavefunctions only; per k-point the "
    "valence and conduction weights are renormalised so that valence + "
    "conduction = 1; 'captured' is the raw sum before renormalisation";
static const char *const PAW_NOTE =
    "paw method: all-electron overlaps (plane waves + PAW terms for matched, "
    "bulk-only and defect-only sites + two-centre terms between overlapping "
    "spheres of bulk and defect); not renormalised: "
    "'outside' = 1 - valence - conduction is the part the bulk bands miss";

typedef struct project_run {
  pp_dataset bulk, defect;
  pp_layout lay;
  int lo, hi;               /* defect bands [lo, hi), 0-based */
  double match_tol;         /* Å */
  double *character;        /* (nspin, nd, PP_CHAR_N) */
  int paw;                  /* 1 for --method paw */
  pp_pawpair pair;          /* PAW terms (paw only) */
  pp_projmode pm_bulk, pm_defect; /* projector representation of each run */
  double *ipr_ae, *ipr_ps;  /* (nspin, nd) with --ipr, else NULL */
  int ipr_grid[3];
} project_run;

static const char *method_name(const project_run *r) { return r->paw ? "paw" : "pseudo"; }
static const char *method_note(const project_run *r) { return r->paw ? PAW_NOTE : PSEUDO_NOTE; }

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

static void print_table(const project_run *r, FILE *f) {
  const pp_wavecar *d = &r->defect.wc;
  const int nd = r->hi - r->lo;
  fprintf(f, "\nBand character of defect bands (method: %s)\n", method_name(r));
  fprintf(f, "  bulk:   %s (%d bands)\n  defect: %s\n", r->bulk.wc.path, r->bulk.wc.nbands, d->path);
  fprintf(f, "  valence = bulk bands with occupation > 0.5; energies and occupations are\n"
             "  k-point weighted means; weights: %s\n", r->bulk.weight_source);
  if (r->paw)
    fprintf(f, "  sites: %d matched (within %.3g Å), %d only in bulk, %d only in defect\n",
            r->pair.match.nmatched, r->match_tol, r->pair.nonlyb, r->pair.nonlyd);
  if (r->paw) print_pairs(&r->pair.pairs, f);
  fprintf(f, "  note: %s\n\n", method_note(r));
  if (r->ipr_ae)
    fprintf(f, "  IPR = Ω ∫|ψ|⁴ / (∫|ψ|²)² (%s) on the %d × %d × %d grid: 1 = spread evenly, larger = localised\n",
            r->paw ? "all-electron; pseudo in the JSON" : "pseudo", r->ipr_grid[0], r->ipr_grid[1], r->ipr_grid[2]);
  fprintf(f, "  %5s %4s %12s %10s %9s %11s %9s%s\n", "band", "spin", "energy (eV)", "occupation",
          "valence", "conduction", r->paw ? "outside" : "captured", r->ipr_ae ? "       IPR" : "");
  for (int s = 0; s < d->nspin; s++)
    for (int n = 0; n < nd; n++) {
      double e, o;
      pp_bandstats_mean(d, r->defect.kweight, s, r->lo + n, &e, &o);
      const double *c = r->character + ((size_t)s * nd + n) * PP_CHAR_N;
      fprintf(f, "  %5d %4d %12.4f %10.4f %9.4f %11.4f %9.4f", r->lo + n + 1, s + 1, e, o,
              c[PP_CHAR_VALENCE], c[PP_CHAR_CONDUCTION],
              r->paw ? 1 - c[PP_CHAR_VALENCE] - c[PP_CHAR_CONDUCTION] : c[PP_CHAR_CAPTURED]);
      if (r->ipr_ae) fprintf(f, " %9.3f", r->ipr_ae[(size_t)s * nd + n]);
      fprintf(f, "\n");
    }
}

static void write_json(FILE *f, const void *arg) {
  const project_run *r = arg;
  const pp_wavecar *d = &r->defect.wc;
  const int nd = r->hi - r->lo;
  pp_json j;
  pp_json_init(&j, f);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "method", method_name(r));
  pp_json_str(&j, "normalisation", method_note(r));
  pp_json_str(&j, "bulk", r->bulk.wc.path);
  pp_json_str(&j, "defect", d->path);
  pp_json_str(&j, "weights_source", r->bulk.weight_source);
  pp_json_arr(&j, "bands");
  for (int s = 0; s < d->nspin; s++)
    for (int n = 0; n < nd; n++) {
      double e, o;
      pp_bandstats_mean(d, r->defect.kweight, s, r->lo + n, &e, &o);
      const double *c = r->character + ((size_t)s * nd + n) * PP_CHAR_N;
      pp_json_obj(&j, NULL);
      pp_json_int(&j, "band", r->lo + n + 1);
      pp_json_int(&j, "spin", s + 1);
      pp_json_num(&j, "energy_eV", e);
      pp_json_num(&j, "occupation", o);
      pp_json_num(&j, "valence", c[PP_CHAR_VALENCE]);
      pp_json_num(&j, "conduction", c[PP_CHAR_CONDUCTION]);
      pp_json_num(&j, "captured", c[PP_CHAR_CAPTURED]);
      if (r->paw) pp_json_num(&j, "outside", 1 - c[PP_CHAR_VALENCE] - c[PP_CHAR_CONDUCTION]);
      if (r->ipr_ae) {
        pp_json_num(&j, "ipr", r->ipr_ae[(size_t)s * nd + n]);
        pp_json_num(&j, "ipr_pseudo", r->ipr_ps[(size_t)s * nd + n]);
      }
      pp_json_end(&j);
    }
  pp_json_end(&j);
  pp_json_end(&j);
}

/* The PAW projections at each structure's own atoms: bulk blocks from
 * every rank (its band slice), defect blocks from band rank 0 of each
 * k-point group (all ranks of a group hold the same defect projections). */
static pp_status write_projections(const project_run *r, pp_h5 *h, const pp_wfset *bulk,
                                   const pp_overlap_proj *proj, pp_err *err) {
  const pp_wavecar *b = &r->bulk.wc;
  const int nd = r->hi - r->lo;
  static const char *const LAYOUT =
      "[spin][kpoint][band][spinor * nproj + atom offset + (j, m)] = <p_ai|psi_n> at the "
      "structure's own atoms (POSCAR order; per atom the channels j of the dataset, m = -l..l); "
      "with --flip-spin [spin] is the defect spin and the bulk values belong to the other spin";
  const hsize_t bdims[4] = {(hsize_t)b->nspin, (hsize_t)b->nkpts, (hsize_t)b->nbands,
                            (hsize_t)proj->ncb};
  const hsize_t bcount[4] = {1, 1, (hsize_t)bulk->nb, (hsize_t)proj->ncb};
  hsize_t(*start)[4] = calloc((size_t)bulk->nlocal + 1, sizeof *start);
  if (!start) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (int j = 0; j < bulk->nlocal; j++) {
    start[j][0] = (hsize_t)(bulk->item[j] / b->nkpts);
    start[j][1] = (hsize_t)(bulk->item[j] % b->nkpts);
    start[j][2] = (hsize_t)bulk->b0;
  }
  pp_status st = PP_OK;
  PP_TRY(pp_h5_write_complex_blocks(h, "bulk_projections", bdims, bulk->nb > 0 ? bulk->nlocal : 0,
                                    (const hsize_t(*)[4])start, bcount, proj->PB,
                                    "dimensionless (projector normalisation of the dataset)", err));
  PP_TRY(pp_h5_attr(h, "bulk_projections", "layout", LAYOUT, err));
  for (int j = 0; j < bulk->nlocal; j++) start[j][2] = 0;
  const hsize_t ddims[4] = {(hsize_t)b->nspin, (hsize_t)b->nkpts, (hsize_t)nd, (hsize_t)proj->ncd};
  const hsize_t dcount[4] = {1, 1, (hsize_t)nd, (hsize_t)proj->ncd};
  PP_TRY(pp_h5_write_complex_blocks(h, "defect_projections", ddims,
                                    r->lay.brank == 0 && nd > 0 ? bulk->nlocal : 0,
                                    (const hsize_t(*)[4])start, dcount, proj->PD,
                                    "dimensionless (projector normalisation of the dataset)", err));
  PP_TRY(pp_h5_attr(h, "defect_projections", "layout", LAYOUT, err));
done:
  free(start);
  return st;
}

static pp_status write_h5(pp_ctx *ctx, const project_run *r, const char *path,
                          const pp_wfset *bulk, const double complex *S,
                          const pp_overlap_proj *proj, pp_err *err) {
  const pp_wavecar *b = &r->bulk.wc, *d = &r->defect.wc;
  const int nd = r->hi - r->lo;
  pp_h5 h;
  PP_CALL(pp_h5_create(ctx->world, path, &h, err));
  pp_status st = PP_OK;
  hsize_t (*start)[4] = calloc((size_t)bulk->nlocal + 1, sizeof *start);
  int *bands = calloc((size_t)nd, sizeof *bands);
  if (!start || !bands) PP_THROW(PP_ERR_NOMEM, "out of memory");
  const hsize_t odims[4] = {(hsize_t)b->nspin, (hsize_t)b->nkpts, (hsize_t)nd, (hsize_t)b->nbands};
  const hsize_t count[4] = {1, 1, (hsize_t)nd, (hsize_t)bulk->nb};
  for (int j = 0; j < bulk->nlocal; j++) {
    start[j][0] = (hsize_t)(bulk->item[j] / b->nkpts);
    start[j][1] = (hsize_t)(bulk->item[j] % b->nkpts);
    start[j][2] = 0;
    start[j][3] = (hsize_t)bulk->b0;
  }
  PP_TRY(pp_h5_write_complex_blocks(&h, "overlaps", odims, bulk->nb > 0 ? bulk->nlocal : 0,
                                    (const hsize_t(*)[4])start, count, S, "dimensionless", err));
  PP_TRY(pp_h5_attr(&h, "overlaps", "layout",
                    r->paw ? "[spin][kpoint][defect band][bulk band] = <bulk m|defect n> (all-electron)"
                           : "[spin][kpoint][defect band][bulk band] = <bulk m|defect n> (pseudo)", err));
  if (r->paw) {
    const hsize_t mdim[1] = {(hsize_t)r->pair.match.nb};
    PP_TRY(pp_h5_write_int(&h, "site_match_bulk_to_defect", 1, mdim, r->pair.match.b2d,
                           "0-based defect atom index, -1 = bulk-only site", err));
    PP_TRY(pp_h5_write_double(&h, "site_match_distance", 1, mdim, r->pair.match.dist, "Angstrom, -1 = unmatched", err));
    PP_TRY(write_projections(r, &h, bulk, proj, err));
  }
  const hsize_t edims[3] = {(hsize_t)b->nspin, (hsize_t)b->nkpts, (hsize_t)b->nbands};
  const hsize_t ddims[3] = {(hsize_t)d->nspin, (hsize_t)d->nkpts, (hsize_t)d->nbands};
  PP_TRY(pp_h5_write_double(&h, "bulk_eigenvalues", 3, edims, b->eig, "eV", err));
  PP_TRY(pp_h5_write_double(&h, "bulk_occupations", 3, edims, b->occ, "dimensionless", err));
  PP_TRY(pp_h5_write_double(&h, "defect_eigenvalues", 3, ddims, d->eig, "eV", err));
  PP_TRY(pp_h5_write_double(&h, "defect_occupations", 3, ddims, d->occ, "dimensionless", err));
  const hsize_t kdims[2] = {(hsize_t)b->nkpts, 3};
  PP_TRY(pp_h5_write_double(&h, "kpoints", 2, kdims, &b->kfrac[0][0], "fractional (reciprocal lattice)", err));
  PP_TRY(pp_h5_write_double(&h, "kweights", 1, kdims, r->bulk.kweight, "dimensionless, sum 1", err));
  for (int n = 0; n < nd; n++) bands[n] = r->lo + n + 1;
  const hsize_t bdim[1] = {(hsize_t)nd};
  PP_TRY(pp_h5_write_int(&h, "defect_bands", 1, bdim, bands, "1-based band index", err));
  const hsize_t cdims[3] = {(hsize_t)d->nspin, (hsize_t)nd, PP_CHAR_N};
  PP_TRY(pp_h5_write_double(&h, "character", 3, cdims, r->character,
                            "dimensionless; columns valence, conduction, captured", err));
  PP_TRY(pp_h5_attr(&h, "/", "program", "pawproj " PAWPROJ_VERSION, err));
  PP_TRY(pp_h5_attr(&h, "/", "command_line", ctx->cmdline, err));
  PP_TRY(pp_h5_attr(&h, "/", "method", method_name(r), err));
  PP_TRY(pp_h5_attr(&h, "/", "normalisation", method_note(r), err));
  PP_TRY(pp_h5_attr(&h, "/", "bulk_wavecar", b->path, err));
  PP_TRY(pp_h5_attr(&h, "/", "defect_wavecar", d->path, err));
  PP_TRY(pp_h5_attr(&h, "/", "weights_source", r->bulk.weight_source, err));
  PP_TRY(pp_h5_attr(&h, "/", "energy_units", "eV", err));
done:
  free(start);
  free(bands);
  {
    pp_status cs = pp_h5_close(&h, st == PP_OK, err);
    if (st == PP_OK) st = cs;
  }
  return pp_agree(st, err, ctx->world);
}

static pp_status parse_setup(pp_ctx *ctx, const pp_args *a, project_run *r, pp_err *err) {
  const char *method = pp_args_get(a, "method");
  if (!method) method = "paw";
  if (strcmp(method, "pseudo") != 0 && strcmp(method, "paw") != 0)
    PP_FAIL(err, PP_ERR_ARG, "--method %s: expected paw or pseudo", method);
  r->paw = strcmp(method, "paw") == 0;
  r->match_tol = 0.02;
  PP_CALL(pp_args_double(a, "match-tol", &r->match_tol, err));
  if (!(r->match_tol > 0)) PP_FAIL(err, PP_ERR_ARG, "--match-tol must be positive (Å)");
  if (!pp_args_has(a, "bulk") || !pp_args_has(a, "defect"))
    PP_FAIL(err, PP_ERR_ARG, "project needs --bulk DIR and --defect DIR (see --help)");
  pp_variant force = PP_VARIANT_AUTO;
  if (pp_args_has(a, "variant")) PP_CALL(pp_variant_parse(pp_args_get(a, "variant"), &force, err));
  int kgroups = 0;
  PP_CALL(pp_args_int(a, "kgroups", 1, 1 << 20, &kgroups, err));
  double window = 1.0;
  PP_CALL(pp_args_double(a, "window", &window, err));
  PP_CALL(pp_dataset_open("bulk", pp_args_get(a, "bulk"), force, 1, ctx->world, &r->bulk, err));
  PP_CALL(pp_dataset_open("defect", pp_args_get(a, "defect"), force, 1, ctx->world, &r->defect, err));
  PP_CALL(pp_dataset_check_compatible(&r->bulk, &r->defect, err));
  if (r->paw)
    PP_CALL(pp_pawpair_setup(pp_args_has(a, "datasets") ? pp_args_get(a, "datasets") : pp_args_get(a, "defect"),
                             &r->bulk.structure, &r->defect.structure,
                             r->match_tol, sqrt(r->bulk.wc.encut * PP_VASP_C), &r->pair, err));
  if (r->paw) {
    char dir[4096];
    int pgrid[3] = {0, 0, 0};
    PP_CALL(pp_args_int3(a, "proj-grid", 2, 1 << 16, pgrid, err));
    const pp_pawdata *const *data = r->pair.set.ptr;
    pp_dataset_dir(&r->bulk, dir, sizeof dir);
    PP_CALL(pp_projmode_setup(dir, pp_args_get(a, "lreal"), pgrid, &r->bulk.wc, data,
                              r->pair.species.nspecies, &r->pm_bulk, err));
    pp_dataset_dir(&r->defect, dir, sizeof dir);
    PP_CALL(pp_projmode_setup(dir, pp_args_get(a, "lreal"), pgrid, &r->defect.wc, data,
                              r->pair.species.nspecies, &r->pm_defect, err));
    r->pair.rs_bulk = pp_projmode_rs(&r->pm_bulk);
    r->pair.rs_defect = pp_projmode_rs(&r->pm_defect);
    if (ctx->rank == 0)
      for (int x = 0; x < 2; x++) {
        const pp_projmode *pm = x ? &r->pm_defect : &r->pm_bulk;
        if (!ctx->quiet || pm->lr.mode == PP_LREAL_AUTO)
          fprintf(stderr, "[pawproj] %s projectors: %s\n", x ? "defect" : "bulk", pm->desc);
      }
  }
  if (pp_args_has(a, "bands"))
    PP_CALL(pp_bandsel_parse(pp_args_get(a, "bands"), r->defect.wc.nbands, &r->lo, &r->hi, err));
  else
    pp_bandsel_window(&r->defect.wc, window, &r->lo, &r->hi);
  PP_CALL(pp_layout_create(ctx->world, r->bulk.wc.nspin * r->bulk.wc.nkpts, r->bulk.wc.nbands, kgroups, &r->lay, err));
  if (ctx->rank == 0 && !ctx->quiet)
    fprintf(stderr,
            "[pawproj] %d rank(s): %d k-point group(s) × %d band group(s); defect bands %d-%d%s\n",
            ctx->size, r->lay.nkgroups, r->lay.nbranks, r->lo + 1, r->hi,
            pp_args_has(a, "bands") ? "" : " (window around the defect Fermi level)");
  return PP_OK;
}

/* --ipr: each rank its own defect bands, on the defect run's grid. */
static pp_status compute_ipr(pp_ctx *ctx, const pp_args *a, project_run *r, const pp_wfset *defect,
                             pp_pool *meta, pp_err *err) {
  const pp_wavecar *d = &r->defect.wc;
  const int nd = r->hi - r->lo;
  char dir[4096], src[4300];
  pp_dataset_dir(&r->defect, dir, sizeof dir);
  pp_grid_opts gopt;
  PP_CALL(pp_cli_grid_opts(a, &gopt, err));
  PP_CALL(pp_gridopt_choose(&gopt, dir, d, r->ipr_grid, src, sizeof src, err));
  PP_CALL(pp_pool_alloc(meta, sizeof(double) * 2 * (size_t)d->nspin * nd, (void **)&r->ipr_ae, err));
  r->ipr_ps = r->ipr_ae + (size_t)d->nspin * nd;
  pp_pawset set = {0};
  pp_paw paw = {0};
  pp_projmode pm = {0};
  pp_status st = PP_OK;
  pp_paw_opts popt;
  if (r->paw) st = pp_cli_paw_opts(a, &popt, err);
  if (r->paw && st == PP_OK) st = pp_projmode_paw(&popt, pp_args_get(a, "defect"), dir, d, &r->defect.structure, &set, &paw, &pm, err);
  PP_TRY(pp_agree(st, err, ctx->world));
  if (ctx->rank == 0 && !ctx->quiet)
    fprintf(stderr, "[pawproj] IPR of %d defect band(s) on the %d × %d × %d grid (%s)\n", nd, r->ipr_grid[0],
            r->ipr_grid[1], r->ipr_grid[2], src);
  st = pp_ipr_bands(defect, r->defect.kweight, r->ipr_grid, r->paw ? &paw : NULL, &r->defect.structure, ctx->world,
                    r->ipr_ae, r->ipr_ps, err);
done:
  pp_projmode_free(&pm);
  pp_paw_free(&paw);
  pp_pawset_free(&set);
  return st;
}

static pp_status run(pp_ctx *ctx, const pp_args *a, project_run *r, pp_err *err) {
  pp_pools *pools = &ctx->pools;
  const pp_wavecar *bwc = &r->bulk.wc;
  const int nd = r->hi - r->lo;
  pp_pool *meta, *bwf, *dwf, *io, *gath, *ovl;
  PP_CALL(pp_pool_create(pools, "setup", "results", NULL, 0, &meta, err));
  PP_CALL(pp_pool_alloc(meta, (size_t)bwc->nspin * nd * PP_CHAR_N * sizeof(double),
                        (void **)&r->character, err));
  /* Stop before allocating if the read + overlap stages cannot fit. */
  const size_t need = pp_wfset_need(&r->lay, bwc, 0, bwc->nbands) +
                      pp_wfset_need(&r->lay, &r->defect.wc, r->lo, r->hi) +
                      (size_t)nd * 16 * (size_t)bwc->npw[0] * bwc->nspinor;
  pp_status st = pp_pools_check_budget(pools, "read+overlap", need, err);
  PP_CALL(pp_agree(st, err, ctx->world));
  PP_CALL(pp_pool_create(pools, "read", "bulk-wf", &meta, 1, &bwf, err));
  PP_CALL(pp_pool_create(pools, "read", "defect-wf", &meta, 1, &dwf, err));
  PP_CALL(pp_pool_create(pools, "read", "io-buffer", NULL, 0, &io, err));
  pp_wfset bulk, defect;
  double t0 = MPI_Wtime();
  PP_CALL(pp_wfset_read(&r->lay, bwc, 0, bwc->nbands, pp_args_has(a, "flip-spin"), bwf, io, ctx->quiet ? NULL : "bulk", &bulk, err));
  PP_CALL(pp_wfset_read(&r->lay, &r->defect.wc, r->lo, r->hi, 0, dwf, io, ctx->quiet ? NULL : "defect",
                        &defect, err));
  PP_CALL(pp_pool_release(io, err));
  pp_stage_done(ctx, "read", &t0, bulk.bytes_read + defect.bytes_read, 0);
  if (pp_args_has(a, "ipr")) {
    PP_CALL(compute_ipr(ctx, a, r, &defect, meta, err));
    pp_stage_done(ctx, "ipr", &t0, 0, 0);
  }
  pp_pool *ovl_deps[2];
  PP_CALL(pp_pool_create(pools, "overlap", "defect-gathered", &dwf, 1, &gath, err));
  ovl_deps[0] = bwf;
  ovl_deps[1] = gath;
  PP_CALL(pp_pool_create(pools, "overlap", "overlaps", ovl_deps, 2, &ovl, err));
  double complex *S = NULL;
  pp_overlap_proj proj = {0};
  const char *h5 = pp_args_get(a, "h5");
  if (ctx->rank == 0 && !ctx->quiet) fprintf(stderr, "[pawproj] computing overlaps\n");
  PP_CALL(pp_overlap_compute(&r->lay, &bulk, &defect, r->paw ? &r->pair : NULL, r->bulk.kweight,
                             gath, ovl, &S, r->paw && h5 ? &proj : NULL, r->character, err));
  double flops = 0;
  for (int j = 0; j < bulk.nlocal; j++)
    flops += 8.0 * nd * bulk.nb * (double)pp_wavecar_nstored(bwc, bulk.item[j] % bwc->nkpts);
  pp_stage_done(ctx, "overlap", &t0, 0, flops);
  if (h5) {
    PP_CALL(write_h5(ctx, r, h5, &bulk, S, &proj, err));
    pp_stage_done(ctx, "write", &t0, 0, 0);
  }
  PP_CALL(pp_pools_release_stage(pools, "overlap", err));
  PP_CALL(pp_pools_release_stage(pools, "read", err));
  st = PP_OK;
  if (ctx->rank == 0) {
    const char *json = pp_args_get(a, "json");
    if (!json || strcmp(json, "-") != 0) print_table(r, stdout);
    if (json) st = pp_outfile_write(json, write_json, r, err);
  }
  PP_CALL(pp_agree(st, err, ctx->world));
  PP_CALL(pp_pools_release_stage(pools, "setup", err));
  return PP_OK;
}

pp_status pp_cmd_project(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  pp_args a;
  PP_CALL(pp_args_parse(project_opts, argc, argv, &a, err));
  if (pp_args_has(&a, "help")) {
    if (ctx->rank == 0)
      pp_args_help(stdout, "pawproj project --bulk DIR --defect DIR [--method paw [--datasets SPEC] | --method pseudo] [options]",
                   "For each selected defect band: its overlap with every bulk band at the same\n"
                   "k-point and spin, and its valence / conduction character. Lattices, ENCUT,\n"
                   "k-points and spins of the two calculations must match.",
                   project_opts);
    return PP_OK;
  }
  PP_CALL(pp_outguard_check(ctx, project_opts, &a, err));
  if (a.npos != 0) PP_FAIL(err, PP_ERR_ARG, "project takes no positional argument ('%s')", a.pos[0]);
  project_run r;
  memset(&r, 0, sizeof r);
  r.lay.kcomm = r.lay.xcomm = MPI_COMM_NULL;
  pp_status st = parse_setup(ctx, &a, &r, err);
  st = pp_agree(st, err, ctx->world);
  if (st == PP_OK) st = run(ctx, &a, &r, err);
  pp_layout_free(&r.lay);
  pp_pawpair_free(&r.pair);
  pp_projmode_free(&r.pm_bulk);
  pp_projmode_free(&r.pm_defect);
  pp_dataset_free(&r.defect);
  pp_dataset_free(&r.bulk);
  return st;
}
