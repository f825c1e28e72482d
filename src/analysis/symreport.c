/* symreport.c — the symmetry summary of one run for `info` (see symreport.h). */
#include "pawproj/analysis/symreport.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/textfile.h"

const char *pp_symcmp_name(pp_symcmp c) {
  switch (c) {
    case PP_SYMCMP_MATCH: return "match";
    case PP_SYMCMP_MISMATCH: return "mismatch";
    case PP_SYMCMP_NOT_USED: return "ISYM <= 0";
    case PP_SYMCMP_NONE: break;
  }
  return "not compared";
}

const char *pp_kset_name(pp_kset k) {
  switch (k) {
    case PP_KSET_FULL: return "full mesh";
    case PP_KSET_REDUCED: return "symmetry-reduced";
    case PP_KSET_UNKNOWN: break;
  }
  return "unknown";
}

static void mesh_name(const pp_kmesh *m, char *out, size_t n) {
  const int gamma = m->shift[0] == 0 && m->shift[1] == 0 && m->shift[2] == 0;
  const int mp = m->shift[0] == 0.5 && m->shift[1] == 0.5 && m->shift[2] == 0.5;
  if (gamma || mp)
    snprintf(out, n, "%d×%d×%d %s mesh", m->n[0], m->n[1], m->n[2], gamma ? "Γ-centred" : "Monkhorst-Pack");
  else
    snprintf(out, n, "%d×%d×%d mesh (shift %g, %g, %g)", m->n[0], m->n[1], m->n[2], m->shift[0], m->shift[1],
             m->shift[2]);
}

static void kpoint_set(const pp_dataset *ds, pp_symreport *r) {
  const double(*k)[3] = (const double(*)[3])ds->wc.kfrac;
  pp_err e;
  pp_err_clear(&e);
  if (!r->have_sym) {
    snprintf(r->knote, sizeof r->knote, "%d k-point(s); not checked against a mesh (no space group)", r->nkpts);
    return;
  }
  if (pp_kmesh_recover(k, r->nkpts, &r->sym, &r->mesh, &e) != PP_OK) {
    snprintf(r->knote, sizeof r->knote, "%d k-point(s); no Γ / Monkhorst-Pack mesh recovered from them: %.900s",
             r->nkpts, e.msg);
    return;
  }
  char name[160];
  r->have_mesh = 1;
  r->nmesh = r->mesh.n[0] * r->mesh.n[1] * r->mesh.n[2];
  mesh_name(&r->mesh, name, sizeof name);
  if (pp_kmesh_lists(&r->mesh, k, r->nkpts)) {
    r->kset = PP_KSET_FULL;
    snprintf(r->knote, sizeof r->knote, "%d k-point(s): the whole %s, not symmetry-reduced", r->nkpts, name);
    return;
  }
  pp_kunfold u = {0};
  if (pp_kunfold_build(k, r->nkpts, &r->sym, &r->mesh, &u, &e) != PP_OK) {
    snprintf(r->knote, sizeof r->knote,
             "%d k-point(s) of the %s (%d points), but not its irreducible set under spglib's operations%s: %.700s",
             r->nkpts, name, r->nmesh, r->time_reversal ? " and time reversal" : "", e.msg);
    return;
  }
  pp_kunfold_free(&u);
  r->kset = PP_KSET_REDUCED;
  snprintf(r->knote, sizeof r->knote,
           "%d irreducible k-point(s) of the %s (%d points): symmetry-reduced (spglib's operations%s)", r->nkpts,
           name, r->nmesh, r->time_reversal ? " and time reversal" : "");
}

static void compare(pp_symreport *r) {
  const pp_outcar_sym *v = &r->vasp;
  if (!r->have_outcar) {
    snprintf(r->cmpnote, sizeof r->cmpnote, "no OUTCAR beside the WAVECAR: what VASP used is unknown");
    return;
  }
  if (!v->found) {
    snprintf(r->cmpnote, sizeof r->cmpnote, "%s says nothing about symmetry (no ISYM, no operation count)",
             r->outcar);
    return;
  }
  if (v->used == 1 && ((v->isym != PP_ISYM_UNKNOWN && v->isym <= 0) || v->nosym)) {
    r->cmp = PP_SYMCMP_NOT_USED;
    char isym[32] = "symmetrisation switched off";
    if (v->isym != PP_ISYM_UNKNOWN) snprintf(isym, sizeof isym, "ISYM = %d", v->isym);
    snprintf(r->cmpnote, sizeof r->cmpnote,
             "VASP used no symmetry (%s, %s line %d): the identity alone, its k-points are not reduced "
             "(spglib finds %d for the structure; not compared)",
             isym, r->outcar, v->isym_line, r->have_sym ? r->sym.nops : 0);
    return;
  }
  if (v->used == 0) {
    snprintf(r->cmpnote, sizeof r->cmpnote, "%s gives ISYM = %d but no operation count; not compared", r->outcar,
             v->isym);
    return;
  }
  if (!r->have_sym) {
    snprintf(r->cmpnote, sizeof r->cmpnote, "VASP used %d operation(s); not compared (no spglib group)", v->used);
    return;
  }
  char how[96] = "";
  if (v->ntrans > 1) snprintf(how, sizeof how, "%d × %d primitive translations = ", v->nops, v->ntrans);
  if (v->used == r->sym.nops) {
    r->cmp = PP_SYMCMP_MATCH;
    snprintf(r->cmpnote, sizeof r->cmpnote, "VASP used %s%d operation(s) (%s line %d): the same as spglib", how,
             v->used, r->outcar, v->nops_line);
    return;
  }
  r->cmp = PP_SYMCMP_MISMATCH;
  const int magnetic = !strcmp(v->config, "magnetic") || !strcmp(v->config, "(compounded)");
  const char *why =
      v->used > r->sym.nops
          ? "VASP found more: its SYMPREC was looser than --symprec (try a larger --symprec)"
          : magnetic ? "VASP's group is that of its magnetic configuration: MAGMOM or noncollinear moments may "
                       "lower the structure's symmetry (or VASP's SYMPREC was tighter than --symprec)"
                     : "VASP found fewer: its SYMPREC was tighter than --symprec, or MAGMOM lowered the symmetry";
  snprintf(r->cmpnote, sizeof r->cmpnote,
           "VASP used %s%d space group operation(s) (%s line %d%s%s%s) but spglib finds %d for the structure "
           "(%s, No. %d, symprec %g Å); %s. Unfolding this run's k-points with spglib's operations would not fit it",
           how, v->used, r->outcar, v->nops_line, v->config[0] ? ", the " : "", v->config,
           v->config[0] ? " configuration" : "",
           r->sym.nops, r->sym.international, r->sym.spacegroup, r->symprec, why);
}

pp_status pp_symreport_build(const pp_dataset *ds, double symprec, pp_symreport *r, pp_err *err) {
  memset(r, 0, sizeof *r);
  r->symprec = symprec;
  r->nkpts = ds->wc.nkpts;
  r->time_reversal = ds->wc.nspinor == 1;
  r->tr_reason = r->time_reversal
                     ? "collinear run: each spin channel's Hamiltonian is real, so ψ_k* is a state at −k"
                     : "noncollinear run: time reversal flips the spinors, it is not a symmetry of one k-point set";
  if (!ds->has_structure) {
    snprintf(r->symnote, sizeof r->symnote, "no space group: no CONTCAR or POSCAR beside the WAVECAR");
  } else {
    pp_err e;
    pp_err_clear(&e);
    if (pp_symmetry_find(&ds->structure, symprec, r->time_reversal, &r->sym, &e) == PP_OK)
      r->have_sym = 1;
    else
      snprintf(r->symnote, sizeof r->symnote, "no space group: %.1000s", e.msg);
  }
  kpoint_set(ds, r);
  char dir[PP_PATH_MAX];
  pp_dataset_dir(ds, dir, sizeof dir);
  if (pp_path_join(r->outcar, sizeof r->outcar, dir, "OUTCAR", err) != PP_OK) {
    pp_symreport_free(r);
    return err->code;
  }
  r->have_outcar = pp_file_exists(r->outcar);
  if (r->have_outcar && pp_outcar_sym_read(r->outcar, &r->vasp, err) != PP_OK) {
    pp_err_trace(err, __FILE__, __LINE__);
    pp_symreport_free(r);
    return err->code;
  }
  compare(r);
  return PP_OK;
}

void pp_symreport_free(pp_symreport *r) {
  pp_symmetry_free(&r->sym);
  r->have_sym = 0;
}

void pp_symreport_text(const pp_symreport *r, FILE *f) {
  if (r->have_sym)
    fprintf(f, "space group %s (No. %d), %d operations (spglib, symprec %g Å)\n", r->sym.international,
            r->sym.spacegroup, r->sym.nops, r->symprec);
  else
    fprintf(f, "space group %s (symprec %g Å)\n", r->symnote, r->symprec);
  fprintf(f, "time rev.   %s (%s)\n", r->time_reversal ? "yes" : "no", r->tr_reason);
  fprintf(f, "k-point set %s\n", r->knote);
  fprintf(f, "VASP        %s\n", r->cmpnote);
  if (r->have_outcar && r->vasp.pointgroup[0])
    fprintf(f, "            VASP: the %s configuration has the point symmetry %s%s%s%s\n",
            r->vasp.config[0] ? r->vasp.config : "?", r->vasp.pointgroup,
            r->vasp.fullgroup[0] ? " (its full space group's point group: " : "", r->vasp.fullgroup,
            r->vasp.fullgroup[0] ? ")" : "");
}

static void json_str_or_null(pp_json *j, const char *key, const char *s) {
  if (s && s[0])
    pp_json_str(j, key, s);
  else
    pp_json_num(j, key, NAN);
}

void pp_symreport_json(pp_json *j, const pp_symreport *r) {
  pp_json_obj(j, "symmetry");
  pp_json_num(j, "symprec_A", r->symprec);
  pp_json_bool(j, "found", r->have_sym);
  pp_json_num(j, "spacegroup_number", r->have_sym ? r->sym.spacegroup : NAN);
  json_str_or_null(j, "spacegroup_symbol", r->have_sym ? r->sym.international : NULL);
  pp_json_num(j, "nops", r->have_sym ? r->sym.nops : NAN);
  json_str_or_null(j, "note", r->symnote);
  pp_json_bool(j, "time_reversal", r->time_reversal);
  pp_json_str(j, "time_reversal_reason", r->tr_reason);
  pp_json_obj(j, "kpoints");
  pp_json_int(j, "nkpts", r->nkpts);
  pp_json_str(j, "set", pp_kset_name(r->kset));
  const double n[3] = {r->mesh.n[0], r->mesh.n[1], r->mesh.n[2]};
  pp_json_num_array(j, "mesh", n, r->have_mesh ? 3 : 0);
  pp_json_num_array(j, "shift", r->mesh.shift, r->have_mesh ? 3 : 0);
  pp_json_num(j, "nmesh", r->have_mesh ? r->nmesh : NAN);
  pp_json_str(j, "note", r->knote);
  pp_json_end(j);
  if (r->have_outcar) {
    const pp_outcar_sym *v = &r->vasp;
    pp_json_obj(j, "vasp");
    pp_json_str(j, "outcar", r->outcar);
    pp_json_num(j, "isym", v->isym == PP_ISYM_UNKNOWN ? NAN : v->isym);
    pp_json_int(j, "isym_line", v->isym_line);
    pp_json_num(j, "nops_primitive", v->nops ? v->nops : NAN);
    pp_json_int(j, "nops_line", v->nops_line);
    json_str_or_null(j, "routine", v->nops_from);
    pp_json_num(j, "pure_point_ops", v->npure >= 0 ? v->npure : NAN);
    pp_json_int(j, "primitive_translations", v->ntrans);
    pp_json_num(j, "nops_used", v->used ? v->used : NAN);
    pp_json_bool(j, "symmetry_off", v->nosym || (v->isym != PP_ISYM_UNKNOWN && v->isym <= 0));
    json_str_or_null(j, "point_group", v->pointgroup);
    json_str_or_null(j, "full_point_group", v->fullgroup);
    json_str_or_null(j, "configuration", v->config);
    pp_json_end(j);
  } else {
    pp_json_num(j, "vasp", NAN);
  }
  pp_json_str(j, "comparison", pp_symcmp_name(r->cmp));
  pp_json_str(j, "comparison_note", r->cmpnote);
  json_str_or_null(j, "warning", r->cmp == PP_SYMCMP_MISMATCH ? r->cmpnote : NULL);
  pp_json_end(j);
}
