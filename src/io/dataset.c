/* dataset.c — a calculation directory (see dataset.h). */
#include "pawproj/io/dataset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pawproj/core/agree.h"
#include "pawproj/core/textfile.h"
#include "pawproj/io/kweights.h"
#include "pawproj/model/lattice.h"

static int is_dir(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int nonempty_file(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

static int empty_file(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0;
}

/* Directory part of a path ("." if none). */
static void dirname_of(const char *path, char *dir, size_t n) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(dir, n, ".");
  else
    snprintf(dir, n, "%.*s", (int)(slash - path), path);
}

static pp_status resolve(const char *label, const char *path,
                         pp_dataset *ds, char *dir, size_t dirlen,
                         pp_err *err) {
  if (is_dir(path)) {
    snprintf(dir, dirlen, "%s", path);
    char cand[PP_PATH_MAX];
    PP_CALL(pp_path_join(cand, sizeof cand, path, "WAVECAR", err));
    if (!nonempty_file(cand)) PP_CALL(pp_path_join(cand, sizeof cand, path, "WAVECAR.gz", err));
    if (!nonempty_file(cand)) {
      PP_CALL(pp_path_join(cand, sizeof cand, path, "WAVECAR", err));
      if (empty_file(cand))
        PP_FAIL(err, PP_ERR_IO, "%s directory %s: no WAVECAR or WAVECAR.gz in it (%s is empty, 0 bytes: "
                "VASP did not write it; LWAVE = .TRUE.?)", label, path, cand);
      PP_FAIL(err, PP_ERR_IO, "%s directory %s: no WAVECAR or WAVECAR.gz in it", label, path);
    }
    memcpy(ds->wavecar_path, cand, sizeof cand);
  } else {
    if (!pp_file_exists(path))
      PP_FAIL(err, PP_ERR_IO, "%s: %s does not exist (expected a directory or a WAVECAR)",
              label, path);
    dirname_of(path, dir, dirlen);
    snprintf(ds->wavecar_path, sizeof ds->wavecar_path, "%s", path);
  }
  const char *names[] = {"CONTCAR", "POSCAR"};
  ds->structure_path[0] = '\0';
  for (int i = 0; i < 2; i++) {
    char cand[PP_PATH_MAX];
    PP_CALL(pp_path_join(cand, sizeof cand, dir, names[i], err));
    if (nonempty_file(cand)) {
      memcpy(ds->structure_path, cand, sizeof cand);
      break;
    }
  }
  return PP_OK;
}

/* VASP <= 5.2 wrote the z half of the sphere in Gamma-only files; its
 * OUTCAR names the version on the first line. */
static pp_variant gamma_default_from_outcar(const char *dir) {
  char path[PP_PATH_MAX];
  pp_err ignored;
  pp_err_clear(&ignored);
  if (pp_path_join(path, sizeof path, dir, "OUTCAR", &ignored) != PP_OK) return PP_VARIANT_GAMMA_X;
  FILE *f = fopen(path, "r");
  if (!f) return PP_VARIANT_GAMMA_X;
  char line[256] = "";
  pp_variant v = PP_VARIANT_GAMMA_X;
  if (fgets(line, sizeof line, f)) {
    const char *p = strstr(line, "vasp.");
    int major = 0, minor = 0;
    if (p && sscanf(p, "vasp.%d.%d", &major, &minor) == 2 &&
        (major < 5 || (major == 5 && minor <= 2)))
      v = PP_VARIANT_GAMMA_Z;
  }
  fclose(f);
  return v;
}

static pp_status load_weights(pp_dataset *ds, const char *dir, pp_err *err) {
  const int nk = ds->wc.nkpts;
  ds->kweight = calloc((size_t)nk, sizeof *ds->kweight);
  if (!ds->kweight) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  char path[PP_PATH_MAX];
  PP_CALL(pp_path_join(path, sizeof path, dir, "vasprun.xml", err));
  if (pp_file_exists(path)) {
    PP_CALL(pp_kweights_vasprun(path, nk, ds->kweight, err));
    snprintf(ds->weight_source, sizeof ds->weight_source, "%s", path);
    return PP_OK;
  }
  PP_CALL(pp_path_join(path, sizeof path, dir, "IBZKPT", err));
  if (pp_file_exists(path)) {
    PP_CALL(pp_kweights_ibzkpt(path, nk, (const double(*)[3])ds->wc.kfrac,
                               ds->kweight, err));
    snprintf(ds->weight_source, sizeof ds->weight_source, "%s", path);
    return PP_OK;
  }
  /* Last: its weights have 3 decimals (see kweights.h); the source says so
   * because every output that reports the source should carry the caveat.
   * One k-point needs no weights, and an OUTCAR cut short before its k-point
   * list must not make such a run fail. */
  PP_CALL(pp_path_join(path, sizeof path, dir, "OUTCAR", err));
  if (nk > 1 && pp_file_exists(path)) {
    PP_CALL(pp_kweights_outcar(path, nk, (const double(*)[3])ds->wc.kfrac,
                               ds->kweight, err));
    snprintf(ds->weight_source, sizeof ds->weight_source,
             "%s (weights printed with 3 decimals)", path);
    return PP_OK;
  }
  for (int k = 0; k < nk; k++) ds->kweight[k] = 1.0 / nk;
  snprintf(ds->weight_source, sizeof ds->weight_source,
           nk == 1 ? "single k-point" : "uniform (no vasprun.xml, IBZKPT or OUTCAR found)");
  return PP_OK;
}

pp_status pp_dataset_open(const char *label, const char *path,
                          pp_variant force, int need_structure, pp_ctx *ctx,
                          pp_dataset *ds, pp_err *err) {
  MPI_Comm comm = ctx->world;
  memset(ds, 0, sizeof *ds);
  snprintf(ds->label, sizeof ds->label, "%s", label);
  char dir[PP_PATH_MAX];
  int rank;
  MPI_Comm_rank(comm, &rank);
  pp_status st = resolve(label, path, ds, dir, sizeof dir, err);
  st = pp_agree(st, err, comm);
  if (st != PP_OK) return st;
  /* No stage object: opening is not a stage of its own in the log, but
   * its one large buffer is counted like every other. */
  pp_pool *scratch = NULL;
  PP_CALL(pp_agree(pp_pool_create(&ctx->pools, "open", "wavecar-scratch", NULL, 0, &scratch, err), err, comm));
  st = pp_wavecar_open_in(ds->wavecar_path, force, gamma_default_from_outcar(dir), comm, scratch, &ds->wc, err);
  pp_err ignored = {0};
  (void)pp_pool_release(scratch, &ignored); /* nothing depends on it */
  PP_CALL(st);
  /* Small text inputs are parsed on every rank: cheaper than packing. */
  if (ds->structure_path[0]) {
    st = pp_poscar_read(ds->structure_path, &ds->structure, err);
    if (st == PP_OK) {
      ds->has_structure = 1;
      double d = pp_lat_maxdiff(ds->structure.lattice, ds->wc.lattice);
      if (d > 1e-4)
        st = pp_fail_at(err, PP_ERR_MISMATCH, __FILE__, __LINE__,
                        "%s: lattice differs from the WAVECAR's (%s) by up to "
                        "%.3g Å; the structure does not belong to this WAVECAR",
                        ds->structure_path, ds->wavecar_path, d);
    }
  } else if (need_structure) {
    /* VASP creates CONTCAR empty when a run starts: say so, not "missing". */
    char pos[PP_PATH_MAX];
    const int empty = pp_path_join(pos, sizeof pos, dir, "POSCAR", err) == PP_OK && empty_file(pos);
    st = pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: no CONTCAR or POSCAR beside %s%s", label,
                    ds->wavecar_path, empty ? " (POSCAR is empty, 0 bytes; so is CONTCAR, or it is missing)" : "");
  }
  if (st == PP_OK) st = load_weights(ds, dir, err);
  st = pp_agree(st, err, comm);
  if (st != PP_OK) pp_dataset_free(ds);
  return st;
}

void pp_dataset_free(pp_dataset *ds) {
  pp_wavecar_free(&ds->wc);
  if (ds->unfold) pp_unfold_free(ds->unfold);
  free(ds->unfold);
  ds->unfold = NULL;
  pp_structure_free(&ds->structure);
  free(ds->kweight);
  ds->kweight = NULL;
}

pp_status pp_dataset_check_compatible(const pp_dataset *a,
                                      const pp_dataset *b, pp_err *err) {
  const pp_wavecar *x = &a->wc, *y = &b->wc;
  double d = pp_lat_maxdiff(x->lattice, y->lattice);
  if (d > 1e-6)
    PP_FAIL(err, PP_ERR_MISMATCH,
            "lattices differ by up to %.3g Å between %s (%s) and %s (%s); "
            "band overlaps need the same cell",
            d, a->label, x->path, b->label, y->path);
  if (fabs(x->encut - y->encut) > 1e-6)
    PP_FAIL(err, PP_ERR_MISMATCH, "ENCUT differs: %s %g eV, %s %g eV", a->label,
            x->encut, b->label, y->encut);
  if (x->nspin != y->nspin)
    PP_FAIL(err, PP_ERR_MISMATCH, "spin count differs: %s has %d, %s has %d",
            a->label, x->nspin, b->label, y->nspin);
  if (x->variant != y->variant)
    PP_FAIL(err, PP_ERR_MISMATCH, "WAVECAR variants differ: %s is %s, %s is %s",
            a->label, pp_variant_name(x->variant), b->label,
            pp_variant_name(y->variant));
  if (x->nkpts != y->nkpts)
    PP_FAIL(err, PP_ERR_MISMATCH, "k-point count differs: %s has %d, %s has %d",
            a->label, x->nkpts, b->label, y->nkpts);
  for (int k = 0; k < x->nkpts; k++) {
    double dk = 0;
    for (int i = 0; i < 3; i++) dk = fmax(dk, fabs(x->kfrac[k][i] - y->kfrac[k][i]));
    if (dk > 1e-6 || x->npw[k] != y->npw[k])
      PP_FAIL(err, PP_ERR_MISMATCH,
              "k-point %d differs: %s (%g %g %g, %lld plane waves), %s (%g %g "
              "%g, %lld plane waves)",
              k + 1, a->label, x->kfrac[k][0], x->kfrac[k][1], x->kfrac[k][2],
              (long long)x->npw[k], b->label, y->kfrac[k][0], y->kfrac[k][1],
              y->kfrac[k][2], (long long)y->npw[k]);
  }
  return PP_OK;
}

void pp_dataset_dir(const pp_dataset *ds, char *dir, size_t n) {
  snprintf(dir, n, "%s", ds->wavecar_path);
  char *slash = strrchr(dir, '/');
  if (slash == dir) slash[1] = '\0';
  else if (slash) *slash = '\0';
  else snprintf(dir, n, ".");
}
