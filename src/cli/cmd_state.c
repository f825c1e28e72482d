/* cmd_state.c — `pawproj state`: one Kohn-Sham state in real space, all-
 * electron (or pseudo), on a grid distributed in z-slabs over the ranks,
 * written as VASP volumetric files, optional cube files and HDF5, with its
 * norm on the grid and its inverse participation ratio. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/analysis/bandsel.h"
#include "pawproj/analysis/gridopt.h"
#include "pawproj/analysis/ipr.h"
#include "pawproj/analysis/sites.h"
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
#include "pawproj/paw/projmode.h"

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

typedef struct state_run {
  pp_dataset ds;
  int s, k, b, ae, remove_phase;
  int grid[3];
  char grid_source[4300];
  double ae_norm_formula;   /* Σ|C|² + P†QP (ae only) */
  int refine;               /* ae without --grid / --grid-factor: refine the default grid */
  double deficit;           /* predicted norm the grid cannot resolve (ae) */
  double q2;                /* the window's edge, Bohr⁻¹ (ae) */
  double pseudo_norm;       /* Σ|C|² */
  double grid_norm[2];      /* ∫|ψ|² on the grid: [pseudo, written state] */
  double ipr[2];            /* Ω ∫|ψ|⁴ / (∫|ψ|²)²: [pseudo, written state] */
  char files[8][4300];
  int nfiles;
  char projectors[9000];
  int have_sites;
  pp_sites sites;
  char prefix[4200];        /* output names of this state */
} state_run;


/* The all-electron state's default grid: the base grid refined until the
 * reconstruction beyond the grid's resolution is predicted to carry at
 * most AE_DEFICIT of the norm (state.h). */
#define AE_DEFICIT 5e-4
typedef struct loss_arg {
  const pp_tcradial *tabs;
  const pp_structure *cell;
  const double complex *P;
  int nspinor, nproj;
} loss_arg;

static double state_loss(void *arg, double q2) {
  const loss_arg *l = arg;
  return pp_state_deficit(l->tabs, l->cell, l->P, l->nspinor, l->nproj, q2);
}

static pp_status refine_grid(const pp_wavecar *wc, const pp_structure *cell, const pp_pawdata *const *data,
                             const double complex *P, int nproj, state_run *r, pp_err *err) {
  pp_tcradial *tabs = NULL;
  PP_CALL(pp_state_tables(data, cell->nspecies, &tabs, err));
  loss_arg l = {tabs, cell, P, wc->nspinor, nproj};
  const int base[3] = {r->grid[0], r->grid[1], r->grid[2]};
  const double f = pp_state_refine(base, wc->lattice, state_loss, &l, AE_DEFICIT, r->grid, &r->deficit);
  pp_state_tables_free(tabs, cell->nspecies);
  char tmp[4300];
  if (f == 0)
    snprintf(tmp, sizeof tmp, "%.4000s, refined ×6 (the most allowed by default; the reconstruction beyond it "
             "still carries %.1e of the norm)", r->grid_source, r->deficit);
  else if (f > 1)
    snprintf(tmp, sizeof tmp, "%.4000s, refined ×%g so that the PAW reconstruction the grid cannot resolve "
             "carries < %.0e of the norm", r->grid_source, f, AE_DEFICIT);
  else
    return PP_OK;
  memcpy(r->grid_source, tmp, sizeof r->grid_source);
  return PP_OK;
}

static pp_status write_part(const pp_args *a, state_run *r, const pp_rgrid *g, const char *prefix,
                            const char *spinor, int imag, double scale, double *tmp, pp_err *err) {
  const ptrdiff_t n = pp_rgrid_local(g);
  for (ptrdiff_t i = 0; i < n; i++) tmp[i] = scale * (imag ? cimag(g->buf[i]) : creal(g->buf[i]));
  char title[256];
  snprintf(title, sizeof title, "pawproj %s state: spin %d k-point %d band %d%s%s, %s part x sqrt(cell volume)",
           r->ae ? "all-electron" : "pseudo", r->s + 1, r->k + 1, r->b + 1, spinor[0] ? " spinor " : "",
           spinor[0] ? spinor + 1 : "", imag ? "imaginary" : "real");
  for (int cube = 0; cube <= pp_args_has(a, "cube"); cube++) {
    char *path = r->files[r->nfiles];
    snprintf(path, sizeof r->files[0], "%s%s_%s.%s", prefix, spinor, imag ? "IMAG" : "REAL", cube ? "cube" : "vasp");
    if (cube)
      PP_CALL(pp_volfile_cube(path, title, &r->ds.structure, g, tmp, err));
    else
      PP_CALL(pp_volfile_vasp(path, title, &r->ds.structure, g, tmp, err));
    if (r->nfiles < 7) r->nfiles++;
  }
  return PP_OK;
}

static void print_summary(const state_run *r, FILE *f) {
  const pp_wavecar *wc = &r->ds.wc;
  fprintf(f, "\n%s state: spin %d, k-point %d (%.6f %.6f %.6f), band %d, E = %.4f eV, occupation %.4f\n",
          r->ae ? "All-electron" : "Pseudo", r->s + 1, r->k + 1, wc->kfrac[r->k][0], wc->kfrac[r->k][1],
          wc->kfrac[r->k][2], r->b + 1, wc->eig[pp_wavecar_idx(wc, r->s, r->k, r->b)],
          wc->occ[pp_wavecar_idx(wc, r->s, r->k, r->b)]);
  fprintf(f, "  grid %d × %d × %d (%s)%s\n", r->grid[0], r->grid[1], r->grid[2], r->grid_source,
          r->remove_phase ? "; cell-periodic part (e^{ik·r} removed)" : "");
  if (r->ae) fprintf(f, "  projectors: %s\n", r->projectors);
  fprintf(f, "  pseudo norm  Σ|C|² %.8f   on the grid %.8f   IPR %.4f\n", r->pseudo_norm, r->grid_norm[0], r->ipr[0]);
  if (r->ae) {
    fprintf(f, "  AE norm      Σ|C|² + P†QP %.8f   on the grid %.8f   IPR %.4f\n", r->ae_norm_formula,
            r->grid_norm[1], r->ipr[1]);
    fprintf(f, "  the grid resolves the PAW reconstruction up to %.1f Å⁻¹; predicted norm beyond: %.1e\n",
            r->q2 / 0.529177210903, r->deficit);
  }
  fprintf(f, "  (IPR = Ω ∫|ψ|⁴ / (∫|ψ|²)²: 1 for a state spread evenly over the cell, larger when localised)\n");
  if (r->have_sites) {
    fprintf(f, "  weight within %.3f Å of the sites (on the grid, of the written state):\n", r->sites.radius_A);
    for (int k = 0; k < r->sites.n; k++) fprintf(f, "    %-34s %.4f\n", r->sites.label[k], r->sites.fraction[k]);
    fprintf(f, "    %-34s %.4f\n", "within any of them", r->sites.fraction_all);
  }
  fprintf(f, "  files:");
  for (int i = 0; i < r->nfiles; i++) fprintf(f, " %s", r->files[i]);
  fprintf(f, "\n");
}

static void state_json(pp_json *j, const state_run *r) {
  pp_json_obj(j, NULL);
  pp_json_str(j, "wavecar", r->ds.wc.path);
  pp_json_int(j, "spin", r->s + 1);
  pp_json_int(j, "kpoint", r->k + 1);
  pp_json_int(j, "band", r->b + 1);
  pp_json_str(j, "kind", r->ae ? "all-electron" : "pseudo");
  pp_json_bool(j, "remove_phase", r->remove_phase);
  const double grid[3] = {r->grid[0], r->grid[1], r->grid[2]};
  pp_json_num_array(j, "grid", grid, 3);
  pp_json_str(j, "grid_source", r->grid_source);
  pp_json_num(j, "pseudo_norm", r->pseudo_norm);
  pp_json_num(j, "pseudo_norm_grid", r->grid_norm[0]);
  pp_json_num(j, "pseudo_ipr", r->ipr[0]);
  if (r->ae) {
    pp_json_num(j, "ae_norm", r->ae_norm_formula);
    pp_json_num(j, "ae_norm_grid", r->grid_norm[1]);
    pp_json_num(j, "ae_ipr", r->ipr[1]);
    pp_json_num(j, "ae_norm_beyond_grid_predicted", r->deficit);
  }
  if (r->have_sites) {
    pp_json_num(j, "site_radius_A", r->sites.radius_A);
    pp_json_arr(j, "sites");
    for (int k = 0; k < r->sites.n; k++) {
      pp_json_obj(j, NULL);
      pp_json_str(j, "site", r->sites.label[k]);
      pp_json_num_array(j, "frac", r->sites.frac[k], 3);
      pp_json_num(j, "fraction", r->sites.fraction[k]);
      pp_json_end(j);
    }
    pp_json_end(j);
    pp_json_num(j, "fraction_in_sites", r->sites.fraction_all);
  }
  pp_json_arr(j, "files");
  for (int i = 0; i < r->nfiles; i++) pp_json_str(j, NULL, r->files[i]);
  pp_json_end(j);
  pp_json_end(j);
}

typedef struct states_out {
  const state_run *r;
  int n;
} states_out;

/* One state: its object; several: {"states": [...]}. */
static void write_json(FILE *f, const void *arg) {
  const states_out *o = arg;
  pp_json j;
  pp_json_init(&j, f);
  if (o->n == 1) {
    state_json(&j, &o->r[0]);
    return;
  }
  pp_json_obj(&j, NULL);
  pp_json_arr(&j, "states");
  for (int i = 0; i < o->n; i++) state_json(&j, &o->r[i]);
  pp_json_end(&j);
  pp_json_end(&j);
}

static pp_status run_state(pp_ctx *ctx, const pp_args *a, state_run *r, pp_err *err) {
  const pp_wavecar *wc = &r->ds.wc;
  const pp_structure *cell = &r->ds.structure;
  const char *dir = a->pos[0];
  const char *prefix = r->prefix;
  const int64_t npw = wc->npw[r->k], nst = pp_wavecar_nstored(wc, r->k);
  const double omega = fabs(pp_lat_volume(wc->lattice));
  pp_pawset set = {0};
  pp_paw paw = {0};
  pp_projmode pm = {0};
  pp_aeplan plan = {0};
  pp_rgrid g = {0};
  pp_h5 h = {.file = H5I_INVALID_HID, .ctype = H5I_INVALID_HID};
  double complex *c = malloc(sizeof *c * (size_t)(nst + 1));
  double complex *P = NULL, *QP = NULL, *keep = NULL;
  double *tmp = NULL, *rho = NULL;
  pp_status st = PP_OK;
  if (!c) PP_THROW(PP_ERR_NOMEM, "out of memory");
  st = pp_wfset_read_band(wc, NULL, r->s, r->k, r->b, c, ctx->world, err);
  if (st != PP_OK) goto done;
  r->pseudo_norm = 0;
  for (int64_t i = 0; i < nst; i++) r->pseudo_norm += creal(c[i]) * creal(c[i]) + cimag(c[i]) * cimag(c[i]);
  r->refine = r->ae && !pp_args_has(a, "grid") && !pp_args_has(a, "grid-factor");
  pp_grid_opts gopt;
  PP_TRY(pp_cli_grid_opts(a, &gopt, err));
  PP_TRY(pp_gridopt_choose(&gopt, dir, wc, r->grid, r->grid_source, sizeof r->grid_source, err));
  if (r->ae) {
    pp_paw_opts popt;
    st = pp_cli_paw_opts(a, &popt, err);
    if (st == PP_OK) st = pp_projmode_paw(&popt, dir, dir, wc, cell, &set, &paw, &pm, err);
    PP_TRY(pp_agree(st, err, ctx->world));
    snprintf(r->projectors, sizeof r->projectors, "%s", pm.desc);
    P = malloc(sizeof *P * ((size_t)wc->nspinor * paw.nproj + 1));
    QP = malloc(sizeof *QP * ((size_t)wc->nspinor * paw.nproj + 1));
    if (!P || !QP) PP_THROW(PP_ERR_NOMEM, "out of memory");
    /* Every rank projects the one band itself: no communication, same result. */
    PP_TRY(pp_project(&paw, cell, wc, r->k, c, 1, nst, P, err));
    pp_paw_apply_q(&paw, cell, wc->nspinor, P, QP);
    r->ae_norm_formula = r->pseudo_norm;
    for (int i = 0; i < wc->nspinor * paw.nproj; i++) r->ae_norm_formula += creal(conj(P[i]) * QP[i]);
  }
  if (r->ae && r->refine) PP_TRY(refine_grid(wc, cell, set.ptr, P, paw.nproj, r, err));
  PP_TRY(pp_rgrid_create(r->grid, ctx->world, &g, err));
  if (r->ae) {
    PP_TRY(pp_aeplan_setup(set.ptr, cell->nspecies, &g, wc->lattice, &plan, err));
    r->q2 = plan.q2;
    if (!r->refine) {
      /* Report the prediction for the grid the user chose as well. */
      pp_tcradial *tabs = NULL;
      st = pp_state_tables(set.ptr, cell->nspecies, &tabs, err);
      if (st == PP_OK) r->deficit = pp_state_deficit(tabs, cell, P, wc->nspinor, paw.nproj, plan.q2);
      pp_state_tables_free(tabs, cell->nspecies);
      PP_TRY(st);
    }
  }
  const ptrdiff_t nloc = pp_rgrid_local(&g);
  tmp = malloc(sizeof *tmp * ((size_t)nloc + 1));
  keep = malloc(sizeof *keep * ((size_t)wc->nspinor * nloc + 1));
  rho = calloc(2 * (size_t)nloc + 1, sizeof *rho);
  if (!tmp || !keep || !rho) PP_THROW(PP_ERR_NOMEM, "out of memory for a grid slab (%td points)", nloc);
  const int gamma = pp_variant_is_gamma(wc->variant);
  for (int sp = 0; sp < wc->nspinor; sp++) {
    /* Pseudo state first (its norm and IPR for comparison), then the AE
     * one; densities |ψ|² summed over the spinor components. */
    for (int kind = 0; kind <= r->ae; kind++) {
      PP_TRY(pp_state_fill(&g, wc, r->k, c + (int64_t)sp * npw, kind ? &plan : NULL, cell,
                           kind ? P + (size_t)sp * paw.nproj : NULL, r->remove_phase, err));
      double *rk = rho + (size_t)kind * nloc;
      for (ptrdiff_t i = 0; i < nloc; i++) rk[i] += creal(g.buf[i]) * creal(g.buf[i]) + cimag(g.buf[i]) * cimag(g.buf[i]);
    }
    const char *spinor = wc->nspinor == 1 ? "" : (sp == 0 ? "_UP" : "_DOWN");
    PP_TRY(write_part(a, r, &g, prefix, spinor, 0, sqrt(omega), tmp, err));
    if (!gamma || !r->remove_phase) PP_TRY(write_part(a, r, &g, prefix, spinor, 1, sqrt(omega), tmp, err));
    memcpy(keep + (size_t)sp * nloc, g.buf, sizeof *keep * (size_t)nloc);
  }
  const double dv = omega / ((double)g.n[0] * g.n[1] * g.n[2]);
  for (int kind = 0; kind <= r->ae; kind++)
    pp_ipr_moments(rho + (size_t)kind * nloc, nloc, dv, omega, g.comm, &r->grid_norm[kind], &r->ipr[kind]);
  if (!r->ae) r->grid_norm[1] = r->grid_norm[0], r->ipr[1] = r->ipr[0];
  if (r->have_sites) pp_sites_measure(&r->sites, &g, wc->lattice, rho + (size_t)r->ae * nloc);
  /* HDF5: psi[spinor][z][y][x] in Å^{-3/2}, each rank its slab, one collective write. */
  char h5path[4300];
  snprintf(h5path, sizeof h5path, "%s.h5", prefix);
  PP_TRY(pp_h5_create(ctx->world, h5path, &h, err));
  {
    const hsize_t dims[4] = {(hsize_t)wc->nspinor, (hsize_t)g.n[2], (hsize_t)g.n[1], (hsize_t)g.n[0]};
    hsize_t start[2][4];
    const hsize_t count[4] = {1, (hsize_t)g.nzl, (hsize_t)g.n[1], (hsize_t)g.n[0]};
    for (int sp = 0; sp < wc->nspinor; sp++) {
      start[sp][0] = (hsize_t)sp, start[sp][1] = (hsize_t)g.z0, start[sp][2] = start[sp][3] = 0;
    }
    PP_TRY(pp_h5_write_complex_blocks(&h, "psi", dims, g.nzl > 0 ? wc->nspinor : 0, (const hsize_t(*)[4])start,
                                      count, keep, "Angstrom^-3/2", err));
    PP_TRY(pp_h5_attr(&h, "psi", "layout", "[spinor][z][y][x], r = (x/NX, y/NY, z/NZ) in lattice coordinates",
                      err));
    PP_TRY(pp_h5_attr(&h, "psi", "kind", r->ae ? "all-electron" : "pseudo", err));
    const hsize_t three = 3, one = 1;
    PP_TRY(pp_h5_write_double(&h, "lattice_A", 1, (hsize_t[]){9}, &wc->lattice[0][0], "Angstrom", err));
    PP_TRY(pp_h5_write_double(&h, "kpoint_frac", 1, &three, wc->kfrac[r->k], "reciprocal lattice units", err));
    PP_TRY(pp_h5_write_double(&h, "norm_on_grid", 1, &one, &r->grid_norm[1], "dimensionless", err));
    PP_TRY(pp_h5_attr(&h, "/", "program", "pawproj " PAWPROJ_VERSION, err));
    PP_TRY(pp_h5_attr(&h, "/", "command_line", ctx->cmdline, err));
  }
  st = pp_h5_close(&h, 1, err);
  if (r->nfiles < 8) snprintf(r->files[r->nfiles++], sizeof r->files[0], "%s", h5path);
  PP_TRY(pp_agree(st, err, ctx->world));
done:
  if (h.file != H5I_INVALID_HID) pp_h5_close(&h, 0, err);
  free(c);
  free(P);
  free(QP);
  free(tmp);
  free(rho);
  free(keep);
  pp_rgrid_free(&g);
  pp_aeplan_free(&plan);
  pp_projmode_free(&pm);
  pp_paw_free(&paw);
  pp_pawset_free(&set);
  return st;
}

static pp_status setup_sites(pp_ctx *ctx, const pp_args *a, state_run *r, pp_err *err) {
  if (pp_args_has(a, "sites") && pp_args_has(a, "bulk"))
    PP_FAIL(err, PP_ERR_ARG, "give --sites or --bulk, not both");
  if (pp_args_has(a, "sites")) {
    PP_CALL(pp_sites_from_list(pp_args_get(a, "sites"), &r->ds.structure, &r->sites, err));
  } else if (pp_args_has(a, "bulk")) {
    double tol = 0.02;
    PP_CALL(pp_args_double(a, "match-tol", &tol, err));
    pp_dataset b;
    PP_CALL(pp_dataset_open("bulk", pp_args_get(a, "bulk"), PP_VARIANT_AUTO, 1, ctx->world, &b, err));
    const pp_status st = pp_sites_from_pair(&b.structure, &r->ds.structure, tol, &r->sites, err);
    pp_dataset_free(&b);
    PP_CALL(st);
  } else {
    return PP_OK;
  }
  r->have_sites = 1;
  r->sites.radius_A = pp_sites_default_radius(&r->ds.structure);
  PP_CALL(pp_args_double(a, "site-radius", &r->sites.radius_A, err));
  if (!(r->sites.radius_A > 0)) PP_FAIL(err, PP_ERR_ARG, "--site-radius must be positive");
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
  PP_CALL(pp_dataset_open("input", a.pos[0], force, 1, ctx->world, &ds, err));
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
  state_run *rs = calloc((size_t)n + 1, sizeof *rs);
  if (!rs) st = pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
  const char *prefix = pp_args_has(&a, "output") ? pp_args_get(&a, "output") : "pawproj_state";
  for (int i = 0; st == PP_OK && i < n; i++) {
    state_run *r = &rs[i];
    r->ds = ds; /* shared, freed once below */
    r->b = lo + i, r->k = kpt - 1, r->s = spin - 1;
    r->ae = !pp_args_has(&a, "pseudo");
    r->remove_phase = pp_args_has(&a, "remove-phase");
    if (n == 1) snprintf(r->prefix, sizeof r->prefix, "%.4100s", prefix);
    else snprintf(r->prefix, sizeof r->prefix, "%.4100s_B%d", prefix, r->b + 1);
    st = setup_sites(ctx, &a, r, err);
    if (st == PP_OK) st = run_state(ctx, &a, r, err);
  }
  if (st == PP_OK && ctx->rank == 0) {
    const char *json = pp_args_get(&a, "json");
    for (int i = 0; i < n && (!json || strcmp(json, "-") != 0); i++) print_summary(&rs[i], stdout);
    const states_out out = {rs, n};
    if (json) st = pp_outfile_write(json, write_json, &out, err);
  }
  st = pp_agree(st, err, ctx->world);
  free(rs);
  pp_dataset_free(&ds);
  return st;
}
