/* cmd_density.c — `pawproj density`: the all-electron (or pseudo) valence
 * density from the occupied bands, or a band-decomposed density, on a
 * z-slab distributed grid; k-point groups each build their part, the slabs
 * are summed across groups, and group 0 writes the files. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/bandsel.h"
#include "pawproj/analysis/gridopt.h"
#include "pawproj/analysis/state.h"
#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/cli/outguard.h"
#include "pawproj/cli/setupopts.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/json.h"
#include "pawproj/core/outfile.h"
#include "pawproj/io/bytesrc.h"
#include "pawproj/io/dataset.h"
#include "pawproj/io/h5out.h"
#include "pawproj/io/pawset.h"
#include "pawproj/io/volfile.h"
#include "pawproj/io/wfset.h"
#include "pawproj/model/lattice.h"
#include "pawproj/par/layout.h"
#include "pawproj/paw/projmode.h"

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

#define AE_DEFICIT 5e-4 /* per electron, as for one state */

typedef struct density_run {
  pp_dataset ds;
  pp_layout lay;
  int ae, lo, hi, partial;
  int grid[3];
  char grid_source[4400];
  char projectors[9000];
  double electrons_expected, electrons_grid, deficit;
  long long nstates;        /* states put on the grid (all groups) */
  double seconds;           /* wall time of the density loop */
  double rss_min, rss_max;  /* peak resident memory per rank, MiB */
  char files[4][4300];
  int nfiles;
  pp_pawset set;
  pp_paw paw;
  pp_projmode pm;
} density_run;

/* Weight of band b of item (s, k) in the density: k-weight × occupation ×
 * (2 for spin-paired collinear runs); bands outside the selection, and
 * empty bands (Fermi tails below 1e-12 electrons), get 0. */
static double band_weight(const density_run *r, int s, int k, int b) {
  const pp_wavecar *wc = &r->ds.wc;
  if (b < r->lo || b >= r->hi) return 0;
  const double f = r->partial ? 1.0 : wc->occ[pp_wavecar_idx(wc, s, k, b)];
  const double spin = (wc->nspin == 1 && wc->nspinor == 1) ? 2.0 : 1.0;
  const double w = r->ds.kweight[k] * f * spin;
  return w < 1e-12 ? 0 : w;
}

typedef struct occ_arg {
  const pp_tcradial *tabs;
  const pp_structure *cell;
  const double complex *D;
  double electrons;
} occ_arg;

static double density_loss(void *arg, double q2) {
  const occ_arg *o = arg;
  return pp_state_deficit_occ(o->tabs, o->cell, o->D, q2) / o->electrons;
}

/* First pass (AE, no --grid): the occupation matrices Σ w P*P per atom of
 * the whole density, then the grid refined as for one state. */
static pp_status refine_for_density(density_run *r, pp_bytesrc *src, double complex *c,
                                    double complex *P, pp_err *err) {
  const pp_wavecar *wc = &r->ds.wc;
  const pp_structure *cell = &r->ds.structure;
  int np_s[64] = {0};
  size_t nd = 0;
  for (int s = 0; s < cell->nspecies && s < 64; s++) np_s[s] = r->set.ptr[s]->nproj;
  for (int a = 0; a < cell->natoms; a++) nd += (size_t)np_s[cell->type[a]] * np_s[cell->type[a]];
  double complex *D = calloc(nd + 1, sizeof *D);
  pp_tcradial *tabs = NULL;
  pp_status st = PP_OK;
  if (!D) PP_THROW(PP_ERR_NOMEM, "out of memory");
  for (int item = 0; item < r->lay.nitems; item++) {
    if (!pp_layout_owns_item(&r->lay, item)) continue;
    const int s = item / wc->nkpts, k = item % wc->nkpts;
    for (int b = r->lo; b < r->hi; b++) {
      const double w = band_weight(r, s, k, b);
      if (w == 0) continue;
      PP_TRY(pp_wfset_read_band(wc, src, s, k, b, c, r->lay.kcomm, err));
      if (r->lay.brank != 0) continue; /* one contribution per group */
      PP_TRY(pp_project(&r->paw, cell, wc, k, c, 1, pp_wavecar_nstored(wc, k), P, err));
      pp_state_occ_add(cell, np_s, P, wc->nspinor, r->paw.nproj, w, D);
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, D, (int)(2 * nd), MPI_DOUBLE, MPI_SUM, r->lay.world);
  PP_TRY(pp_state_tables(r->set.ptr, cell->nspecies, &tabs, err));
  occ_arg o = {tabs, cell, D, r->electrons_expected > 0 ? r->electrons_expected : 1};
  const int base[3] = {r->grid[0], r->grid[1], r->grid[2]};
  const double f = pp_state_refine(base, wc->lattice, density_loss, &o, AE_DEFICIT, r->grid, &r->deficit);
  char tmp[4400];
  if (f != 1) {
    snprintf(tmp, sizeof tmp, "%.4000s, refined ×%g: the reconstruction beyond the grid carries %.1e of the charge",
             r->grid_source, f == 0 ? 6 : f, r->deficit);
    memcpy(r->grid_source, tmp, sizeof r->grid_source);
  }
done:
  pp_state_tables_free(tabs, cell->nspecies);
  free(D);
  return st;
}


static pp_status write_files(pp_ctx *ctx, const pp_args *a, density_run *r, const pp_rgrid *g, const double *rho,
                             pp_err *err) {
  const pp_wavecar *wc = &r->ds.wc;
  const double omega = fabs(pp_lat_volume(wc->lattice));
  const char *path = pp_args_has(a, "output") ? pp_args_get(a, "output") : "PAWPROJ_AECCAR.vasp";
  const ptrdiff_t nloc = pp_rgrid_local(g);
  double *v = malloc(sizeof *v * ((size_t)nloc + 1));
  pp_h5 h = {.file = H5I_INVALID_HID, .ctype = H5I_INVALID_HID};
  pp_status st = PP_OK;
  if (!v) PP_THROW(PP_ERR_NOMEM, "out of memory");
  for (ptrdiff_t i = 0; i < nloc; i++) v[i] = rho[i] * omega;
  char title[200];
  snprintf(title, sizeof title, "pawproj %s %s density x cell volume (CHGCAR convention)",
           r->ae ? "all-electron" : "pseudo", r->partial ? "band-decomposed" : "valence");
  snprintf(r->files[r->nfiles++], sizeof r->files[0], "%s", path);
  PP_TRY(pp_volfile_vasp(path, title, &r->ds.structure, g, v, err));
  if (pp_args_has(a, "cube")) {
    snprintf(r->files[r->nfiles], sizeof r->files[0], "%s.cube", path);
    PP_TRY(pp_volfile_cube(r->files[r->nfiles++], title, &r->ds.structure, g, v, err));
  }
  snprintf(r->files[r->nfiles], sizeof r->files[0], "%s.h5", path);
  PP_TRY(pp_h5_create(g->comm, r->files[r->nfiles++], &h, err));
  {
    const hsize_t dims[4] = {1, (hsize_t)g->n[2], (hsize_t)g->n[1], (hsize_t)g->n[0]};
    const hsize_t start[1][4] = {{0, (hsize_t)g->z0, 0, 0}};
    const hsize_t count[4] = {1, (hsize_t)g->nzl, (hsize_t)g->n[1], (hsize_t)g->n[0]};
    PP_TRY(pp_h5_write_double_blocks(&h, "density", dims, g->nzl > 0 ? 1 : 0, start, count, rho,
                                     "electrons / Angstrom^3", err));
    PP_TRY(pp_h5_attr(&h, "density", "layout", "[1][z][y][x], r = (x/NX, y/NY, z/NZ) in lattice coordinates", err));
    PP_TRY(pp_h5_write_double(&h, "lattice_A", 1, (hsize_t[]){9}, &wc->lattice[0][0], "Angstrom", err));
    PP_TRY(pp_h5_write_double(&h, "electrons_on_grid", 1, (hsize_t[]){1}, &r->electrons_grid, "electrons", err));
    PP_TRY(pp_h5_attr(&h, "/", "program", "pawproj " PAWPROJ_VERSION, err));
    PP_TRY(pp_h5_attr(&h, "/", "command_line", ctx->cmdline, err));
  }
  st = pp_h5_close(&h, 1, err);
done:
  if (h.file != H5I_INVALID_HID) pp_h5_close(&h, 0, err);
  free(v);
  return st;
}

static pp_status run_density(pp_ctx *ctx, const pp_args *a, density_run *r, pp_err *err) {
  const pp_wavecar *wc = &r->ds.wc;
  const pp_structure *cell = &r->ds.structure;
  const char *dir = a->pos[0];
  int kgroups = 0;
  PP_CALL(pp_args_int(a, "kgroups", 1, 1 << 20, &kgroups, err));
  PP_CALL(pp_layout_create(ctx->world, wc->nspin * wc->nkpts, wc->nbands, kgroups, &r->lay, err));
  int64_t maxst = 0;
  for (int k = 0; k < wc->nkpts; k++)
    if (pp_wavecar_nstored(wc, k) > maxst) maxst = pp_wavecar_nstored(wc, k);
  double complex *c = malloc(sizeof *c * (size_t)(maxst + 1)), *P = NULL;
  double *rho = NULL, *part = NULL;
  pp_bytesrc src = {0};
  int src_open = 0;
  pp_rgrid g = {0};
  pp_aeplan plan = {0};
  pp_status st = PP_OK;
  if (!c) PP_THROW(PP_ERR_NOMEM, "out of memory");
  r->electrons_expected = 0;
  for (int s = 0; s < wc->nspin; s++)
    for (int k = 0; k < wc->nkpts; k++)
      for (int b = 0; b < wc->nbands; b++) r->electrons_expected += band_weight(r, s, k, b);
  pp_grid_opts gopt;
  PP_TRY(pp_cli_grid_opts(a, &gopt, err));
  PP_TRY(pp_gridopt_choose(&gopt, dir, wc, r->grid, r->grid_source, sizeof r->grid_source, err));
  if (r->ae) {
    pp_paw_opts popt;
    st = pp_cli_paw_opts(a, &popt, err);
    if (st == PP_OK) st = pp_projmode_paw(&popt, dir, dir, wc, cell, &r->set, &r->paw, &r->pm, err);
    PP_TRY(pp_agree(st, err, ctx->world));
    snprintf(r->projectors, sizeof r->projectors, "%s", r->pm.desc);
    P = malloc(sizeof *P * ((size_t)wc->nspinor * r->paw.nproj + 1));
    if (!P) PP_THROW(PP_ERR_NOMEM, "out of memory");
  }
  if (r->lay.brank == 0) {
    st = pp_bytesrc_open(wc->path, &src, err);
    src_open = st == PP_OK;
  }
  PP_TRY(pp_agree(st, err, ctx->world));
  if (r->ae && !pp_args_has(a, "grid") && !pp_args_has(a, "grid-factor"))
    PP_TRY(refine_for_density(r, &src, c, P, err));
  PP_TRY(pp_rgrid_create(r->grid, r->lay.kcomm, &g, err));
  if (r->ae) PP_TRY(pp_aeplan_setup(r->set.ptr, cell->nspecies, &g, wc->lattice, &plan, err));
  const ptrdiff_t nloc = pp_rgrid_local(&g);
  /* Summation order fixed by the items, whatever the rank count: each
   * (spin, k) item's density is built alone, then the items are added in
   * item order — at once with one group, else after the run, each owner
   * group broadcasting its items in turn (so 1 rank = N ranks bit for bit). */
  const int ngroups = r->lay.nkgroups;
  int nown = 0;
  for (int item = 0; item < r->lay.nitems; item++) nown += pp_layout_owns_item(&r->lay, item);
  const int nbuf = ngroups == 1 ? 1 : (nown > 0 ? nown : 1);
  rho = calloc((size_t)nloc + 1, sizeof *rho);
  part = calloc((size_t)nbuf * (size_t)nloc + 1, sizeof *part);
  if (!rho || !part) PP_THROW(PP_ERR_NOMEM, "out of memory for the density slabs (%d × %td points)", nbuf + 1, nloc);
  int done_items = 0;
  long long states = 0;
  double t0 = MPI_Wtime();
  for (int item = 0; item < r->lay.nitems; item++) {
    if (!pp_layout_owns_item(&r->lay, item)) continue;
    const int s = item / wc->nkpts, k = item % wc->nkpts;
    const int64_t npw = wc->npw[k];
    double *ri = part + (size_t)(ngroups == 1 ? 0 : done_items) * nloc;
    memset(ri, 0, sizeof *ri * (size_t)nloc);
    for (int b = r->lo; b < r->hi; b++) {
      const double w = band_weight(r, s, k, b);
      if (w == 0) continue;
      PP_TRY(pp_wfset_read_band(wc, &src, s, k, b, c, r->lay.kcomm, err));
      if (r->ae) PP_TRY(pp_project(&r->paw, cell, wc, k, c, 1, pp_wavecar_nstored(wc, k), P, err));
      for (int sp = 0; sp < wc->nspinor; sp++) {
        states += r->lay.brank == 0;
        PP_TRY(pp_state_fill(&g, wc, k, c + (int64_t)sp * npw, r->ae ? &plan : NULL, cell,
                             r->ae ? P + (size_t)sp * r->paw.nproj : NULL, 1, err));
        for (ptrdiff_t i = 0; i < nloc; i++)
          ri[i] += w * (creal(g.buf[i]) * creal(g.buf[i]) + cimag(g.buf[i]) * cimag(g.buf[i]));
      }
    }
    if (ngroups == 1)
      for (ptrdiff_t i = 0; i < nloc; i++) rho[i] += ri[i];
    done_items++;
    if (ctx->rank == 0 && !ctx->quiet)
      fprintf(stderr, "[pawproj] density: spin %d k-point %d done (%d of %d on group 0)\n", s + 1, k + 1,
              done_items, nown);
  }
  if (ngroups > 1) {
    double *tmp = malloc(sizeof *tmp * ((size_t)nloc + 1));
    if (!tmp) PP_THROW(PP_ERR_NOMEM, "out of memory for the density slabs");
    for (int item = 0, mine = 0; item < r->lay.nitems; item++) {
      const int owner = pp_layout_item_group(&r->lay, item);
      if (owner == r->lay.kgroup) memcpy(tmp, part + (size_t)mine++ * nloc, sizeof *tmp * (size_t)nloc);
      MPI_Bcast(tmp, (int)nloc, MPI_DOUBLE, owner, r->lay.xcomm);
      for (ptrdiff_t i = 0; i < nloc; i++) rho[i] += tmp[i];
    }
    free(tmp);
  }
  MPI_Allreduce(&states, &r->nstates, 1, MPI_LONG_LONG, MPI_SUM, ctx->world);
  r->seconds = MPI_Wtime() - t0;
  if (ctx->rank == 0 && !ctx->quiet)
    fprintf(stderr, "[pawproj] density: %lld states on the %d × %d × %d grid in %.3f s (%.2f states/s)\n", r->nstates,
            g.n[0], g.n[1], g.n[2], r->seconds, r->nstates / (r->seconds > 0 ? r->seconds : 1e-30));
  double loc = 0;
  for (ptrdiff_t i = 0; i < nloc; i++) loc += rho[i];
  MPI_Allreduce(&loc, &r->electrons_grid, 1, MPI_DOUBLE, MPI_SUM, g.comm);
  r->electrons_grid *= fabs(pp_lat_volume(wc->lattice)) / ((double)g.n[0] * g.n[1] * g.n[2]);
  st = r->lay.kgroup == 0 ? write_files(ctx, a, r, &g, rho, err) : PP_OK;
  PP_TRY(pp_agree(st, err, ctx->world));
  pp_peak_rss(ctx, &r->rss_min, &r->rss_max);
done:
  if (src_open) pp_bytesrc_close(&src);
  free(c);
  free(P);
  free(rho);
  free(part);
  pp_aeplan_free(&plan);
  pp_rgrid_free(&g);
  return st;
}

static void print_summary(const density_run *r, FILE *f) {
  fprintf(f, "\n%s %s density of %s\n", r->ae ? "All-electron" : "Pseudo",
          r->partial ? "band-decomposed" : "valence", r->ds.wc.path);
  fprintf(f, "  bands %d-%d%s\n", r->lo + 1, r->hi,
          r->partial ? " (each counted as filled, k-point weighted)" : " (occupations and k-point weights)");
  fprintf(f, "  grid %d × %d × %d (%s)\n", r->grid[0], r->grid[1], r->grid[2], r->grid_source);
  if (r->ae) fprintf(f, "  projectors: %s\n", r->projectors);
  fprintf(f, "  electrons: expected %.6f, on the grid %.6f (difference %.2e)\n", r->electrons_expected,
          r->electrons_grid, r->electrons_grid - r->electrons_expected);
  fprintf(f, "  %lld states in %.3f s (%.2f states/s); peak memory per rank %.0f-%.0f MiB\n", r->nstates,
          r->seconds, r->nstates / (r->seconds > 0 ? r->seconds : 1e-30), r->rss_min, r->rss_max);
  fprintf(f, "  files:");
  for (int i = 0; i < r->nfiles; i++) fprintf(f, " %s", r->files[i]);
  fprintf(f, "\n");
}

static void write_json(FILE *f, const void *arg) {
  const density_run *r = arg;
  pp_json j;
  pp_json_init(&j, f);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "wavecar", r->ds.wc.path);
  pp_json_str(&j, "kind", r->ae ? "all-electron" : "pseudo");
  pp_json_int(&j, "band_first", r->lo + 1);
  pp_json_int(&j, "band_last", r->hi);
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
  for (int i = 0; i < r->nfiles; i++) pp_json_str(&j, NULL, r->files[i]);
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
  density_run *r = calloc(1, sizeof *r);
  if (!r) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  r->lay.kcomm = r->lay.xcomm = MPI_COMM_NULL;
  pp_status st = pp_dataset_open("input", a.pos[0], force, 1, ctx->world, &r->ds, err);
  if (st == PP_OK) {
    r->ae = !pp_args_has(&a, "pseudo");
    r->lo = 0, r->hi = r->ds.wc.nbands;
    r->partial = pp_args_has(&a, "bands");
    if (r->partial) st = pp_bandsel_parse(pp_args_get(&a, "bands"), r->ds.wc.nbands, &r->lo, &r->hi, err);
  }
  if (st == PP_OK) st = run_density(ctx, &a, r, err);
  if (st == PP_OK && ctx->rank == 0) {
    const char *json = pp_args_get(&a, "json");
    if (!json || strcmp(json, "-") != 0) print_summary(r, stdout);
    if (json) st = pp_outfile_write(json, write_json, r, err);
  }
  st = pp_agree(st, err, ctx->world);
  pp_layout_free(&r->lay);
  pp_projmode_free(&r->pm);
  pp_paw_free(&r->paw);
  pp_pawset_free(&r->set);
  pp_dataset_free(&r->ds);
  free(r);
  return st;
}
