/* datakmesh.c — two runs onto one k-point set (see datakmesh.h). */
#include "pawproj/io/datakmesh.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/textfile.h"
#include "pawproj/io/outcarsym.h"
#include "pawproj/io/wfunfold.h"
#include "pawproj/model/kunfold.h"
#include "pawproj/model/symmetry.h"

int pp_dataset_same_kpoints(const pp_dataset *a, const pp_dataset *b) {
  if (a->wc.nkpts != b->wc.nkpts) return 0;
  for (int k = 0; k < a->wc.nkpts; k++)
    for (int i = 0; i < 3; i++)
      if (fabs(a->wc.kfrac[k][i] - b->wc.kfrac[k][i]) > PP_KTOL) return 0;
  return 1;
}

/* The model layer's messages do not know which run they are about. */
static pp_status about(pp_status st, pp_err *err, const pp_dataset *ds) {
  if (st == PP_OK) return st;
  char m[sizeof err->msg];
  snprintf(m, sizeof m, "%.31s run (%.300s): %.1150s", ds->label, ds->wavecar_path, err->msg);
  memcpy(err->msg, m, sizeof m);
  return st;
}

typedef struct side {
  pp_dataset *ds;
  pp_symmetry sym;
  pp_kmesh mesh;
  int full;
  int isym_off;  /* 0: crystal operations; else the run's OUTCAR turned symmetry off (ISYM of vasp_ops) */
  int isym;
  char why[160]; /* with isym_off: "its OUTCAR (line N) says ISYM = 0" */
} side;

static const int identity[1][3][3] = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
static const double no_shift[1][3] = {{0, 0, 0}};

/* With symmetry off (ISYM <= 0 or "NOSYMM" in the run's OUTCAR) VASP
 * reduces the mesh by time reversal alone (ISYM = 0) or not at all
 * (ISYM = -1): unfolding with the crystal's operations would then find IBZ
 * points "equivalent" that VASP kept apart. x->sym becomes the identity
 * (+ time reversal) and the mesh is recovered, and checked, with it; a
 * set those cannot unfold is a run whose OUTCAR does not fit its
 * k-points, and the message says so. */
static pp_status vasp_ops(side *x, double symprec, pp_err *err) {
  pp_dataset *ds = x->ds;
  char dir[PP_PATH_MAX], path[PP_PATH_MAX];
  pp_dataset_dir(ds, dir, sizeof dir);
  PP_CALL(pp_path_join(path, sizeof path, dir, "OUTCAR", err));
  if (!pp_file_exists(path)) return PP_OK;
  pp_outcar_sym o;
  PP_CALL(about(pp_outcar_sym_read(path, &o, err), err, ds));
  if (!((o.isym != PP_ISYM_UNKNOWN && o.isym <= 0) || o.nosym)) return PP_OK;
  x->isym_off = 1;
  x->isym = o.isym == PP_ISYM_UNKNOWN ? 0 : o.isym;
  if (o.isym_line)
    snprintf(x->why, sizeof x->why, "its OUTCAR (line %d) says ISYM = %d", o.isym_line, x->isym);
  else
    snprintf(x->why, sizeof x->why, "its OUTCAR says symmetrisation is switched off");
  pp_symmetry_free(&x->sym);
  PP_CALL(about(pp_symmetry_from_ops(&ds->structure, identity, no_shift, 1, symprec, x->isym == 0, &x->sym, err),
                err, ds));
  pp_kunfold u = {0};
  pp_status st = pp_kmesh_recover((const double(*)[3])ds->wc.kfrac, ds->wc.nkpts, &x->sym, &x->mesh, err);
  if (st == PP_OK)
    st = pp_kunfold_build((const double(*)[3])ds->wc.kfrac, ds->wc.nkpts, &x->sym, &x->mesh, &u, err);
  pp_kunfold_free(&u);
  if (st != PP_OK)
    pp_err_prefix(err, "%s, so VASP reduced its mesh by %s, but its %d k-point(s) are not such a set (the "
                  "OUTCAR belongs to another run?): ", x->why, x->isym == 0 ? "time reversal alone" : "nothing",
                  ds->wc.nkpts);
  return about(st, err, ds);
}

static pp_status find_mesh(side *x, double symprec, pp_err *err) {
  pp_dataset *ds = x->ds;
  if (ds->wc.nspinor != 1)
    return about(pp_fail_at(err, PP_ERR_ARG, __FILE__, __LINE__,
                            "noncollinear: its k-points cannot be unfolded (rotating spinors needs an SU(2) "
                            "rotation, which is not implemented); give both runs the same k-points (ISYM = 0)"),
                 err, ds);
  if (pp_variant_is_gamma(ds->wc.variant))
    return about(pp_fail_at(err, PP_ERR_ARG, __FILE__, __LINE__,
                            "Gamma-only: a Gamma-only file holds Γ alone, there is nothing to unfold; run both at "
                            "Γ or both on the same mesh"),
                 err, ds);
  /* Collinear runs: ψ_k* is a state at −k (symmetry.h). */
  PP_CALL(about(pp_symmetry_find(&ds->structure, symprec, 1, &x->sym, err), err, ds));
  PP_CALL(about(pp_kmesh_recover((const double(*)[3])ds->wc.kfrac, ds->wc.nkpts, &x->sym, &x->mesh, err), err, ds));
  x->full = pp_kmesh_lists(&x->mesh, (const double(*)[3])ds->wc.kfrac, ds->wc.nkpts);
  if (!x->full) {
    PP_CALL(vasp_ops(x, symprec, err));
    if (x->isym_off) x->full = pp_kmesh_lists(&x->mesh, (const double(*)[3])ds->wc.kfrac, ds->wc.nkpts);
  }
  return PP_OK;
}

/* Replaces x's header by the view over target (nt points) and its weights
 * by 1/nt. */
static pp_status unfold_side(side *x, const double (*target)[3], int nt, pp_err *err) {
  pp_dataset *ds = x->ds;
  pp_kunfold u = {0};
  pp_wavecar view;
  double *w = NULL;
  pp_status st = PP_OK;
  const int nibz = ds->wc.nkpts;
  PP_TRY(about(pp_kunfold_build((const double(*)[3])ds->wc.kfrac, nibz, &x->sym, &x->mesh, &u, err), err, ds));
  ds->unfold = calloc(1, sizeof *ds->unfold);
  w = malloc(sizeof *w * (size_t)nt);
  if (!ds->unfold || !w)
    PP_TRY(pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__, "out of memory"));
  PP_TRY(about(pp_unfold_build(&ds->wc, &x->sym, &u, target, nt, &view, ds->unfold, err), err, ds));
  pp_wavecar_free(&ds->wc);
  ds->wc = view;
  for (int k = 0; k < nt; k++) w[k] = 1.0 / nt;
  free(ds->kweight);
  ds->kweight = w;
  w = NULL;
  if (x->isym_off)
    snprintf(ds->kpoint_note, sizeof ds->kpoint_note,
             "%s: %d k-point(s) unfolded to the %d×%d×%d mesh (%d points) by time reversal alone (%s)", ds->label,
             nibz, x->mesh.n[0], x->mesh.n[1], x->mesh.n[2], nt, x->why);
  else
    snprintf(ds->kpoint_note, sizeof ds->kpoint_note,
             "%s: %d IBZ k-point(s) unfolded to the %d×%d×%d mesh (%d points) with the %d operations of %s (No. %d) "
             "and time reversal, symprec %g Å",
             ds->label, nibz, x->mesh.n[0], x->mesh.n[1], x->mesh.n[2], nt, x->sym.nops, x->sym.international,
             x->sym.spacegroup, x->sym.symprec);
  snprintf(ds->weight_source, sizeof ds->weight_source, "full %d×%d×%d mesh, 1/%d each (%s unfolded from its IBZ)",
           x->mesh.n[0], x->mesh.n[1], x->mesh.n[2], nt, ds->label);
done:
  free(w);
  pp_kunfold_free(&u);
  if (st != PP_OK && ds->unfold && !ds->unfold->src) {
    free(ds->unfold); /* pp_unfold_build cleaned up after itself */
    ds->unfold = NULL;
  }
  return st;
}

static int same_mesh(const pp_kmesh *a, const pp_kmesh *b) {
  for (int i = 0; i < 3; i++)
    if (a->n[i] != b->n[i] || fabs(a->shift[i] - b->shift[i]) > 1e-9) return 0;
  return 1;
}

pp_status pp_dataset_common_kpoints(pp_dataset *a, pp_dataset *b, double symprec, int force, pp_err *err) {
  if (!force && pp_dataset_same_kpoints(a, b)) return PP_OK;
  if (!(symprec > 0)) PP_FAIL(err, PP_ERR_ARG, "symprec %g Å: must be positive", symprec);
  side x[2] = {{.ds = a}, {.ds = b}};
  pp_kunfold mesh_points = {0};
  double(*target)[3] = NULL;
  pp_status st = PP_OK;
  for (int i = 0; i < 2; i++) PP_TRY(find_mesh(&x[i], symprec, err));
  if (!same_mesh(&x[0].mesh, &x[1].mesh))
    PP_TRY(pp_fail_at(err, PP_ERR_MISMATCH, __FILE__, __LINE__,
                      "the runs are on different k-point meshes: %s %d×%d×%d (shift %g %g %g), %s %d×%d×%d (shift "
                      "%g %g %g), recovered from each run's k-points and its own operations; band overlaps need one "
                      "mesh",
                      a->label, x[0].mesh.n[0], x[0].mesh.n[1], x[0].mesh.n[2], x[0].mesh.shift[0],
                      x[0].mesh.shift[1], x[0].mesh.shift[2], b->label, x[1].mesh.n[0], x[1].mesh.n[1],
                      x[1].mesh.n[2], x[1].mesh.shift[0], x[1].mesh.shift[1], x[1].mesh.shift[2]));
  /* Both full-zone, in different orders: the second is only reordered
   * (identity alone: each point is its own generator, up to G0). */
  if (x[0].full && x[1].full) {
    pp_symmetry_free(&x[1].sym);
    PP_TRY(about(pp_symmetry_from_ops(&b->structure, identity, no_shift, 1, symprec, 0, &x[1].sym, err), err, b));
    x[1].full = 0;
  }
  /* The target list: a full-zone run's own (its order, its G), else the
   * mesh in kunfold.h's order (both unfoldings then agree). */
  const int nt = x[0].mesh.n[0] * x[0].mesh.n[1] * x[0].mesh.n[2];
  if (x[0].full || x[1].full) {
    target = (x[0].full ? a : b)->wc.kfrac;
  } else {
    PP_TRY(about(pp_kunfold_build((const double(*)[3])a->wc.kfrac, a->wc.nkpts, &x[0].sym, &x[0].mesh,
                                  &mesh_points, err),
                 err, a));
    target = malloc(sizeof *target * (size_t)nt);
    if (!target) PP_TRY(pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__, "out of memory"));
    for (int k = 0; k < nt; k++) memcpy(target[k], mesh_points.k[k].k, sizeof target[k]);
  }
  for (int i = 0; i < 2; i++)
    if (!x[i].full) PP_TRY(unfold_side(&x[i], (const double(*)[3])target, nt, err));
  if (!(x[0].full || x[1].full)) free(target);
  target = NULL;
done:
  if (target && !(x[0].full || x[1].full)) free(target);
  pp_kunfold_free(&mesh_points);
  pp_symmetry_free(&x[0].sym);
  pp_symmetry_free(&x[1].sym);
  return st;
}

pp_status pp_dataset_read(const pp_layout *lay, const pp_dataset *ds, int lo, int hi, int flip, pp_pool *wf,
                          pp_pool *io, const char *progress, pp_wfset *set, pp_err *err) {
  if (ds->unfold) return pp_wfset_read_unfolded(lay, &ds->wc, ds->unfold, lo, hi, flip, wf, io, progress, set, err);
  return pp_wfset_read(lay, &ds->wc, lo, hi, flip, wf, io, progress, set, err);
}
