/* outguard.c — refusing outputs that would overwrite inputs (see outguard.h). */
#include "pawproj/cli/outguard.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pawproj/cli/defectlist.h"
#include "pawproj/core/agree.h"
#include "pawproj/core/outfile.h"
#include "pawproj/core/textfile.h"

typedef enum { ROLE_OUT, ROLE_OUT_STEM, ROLE_IN_RUN, ROLE_IN_RUNS, ROLE_IN_DATASETS } role;

/* Every option of any command that names a path, with its role; `stream`:
 * the output may be a stream (/dev/stdout, a FIFO: text written in place,
 * outfile.h) rather than a file renamed into place (HDF5, volumetric). */
static const struct {
  const char *name;
  role r;
  int stream;
} path_options[] = {
    {"json", ROLE_OUT, 1},     {"h5", ROLE_OUT, 0},        {"output", ROLE_OUT_STEM, 0},
    {"bulk", ROLE_IN_RUN, 0},  {"defect", ROLE_IN_RUN, 0}, {"datasets", ROLE_IN_DATASETS, 0},
    {"defects", ROLE_IN_RUNS, 0}, {"ref", ROLE_IN_RUN, 0},  {"bra", ROLE_IN_RUN, 0},
    {"ket", ROLE_IN_RUN, 0},
};
#define NPATH_OPTIONS (int)(sizeof path_options / sizeof path_options[0])

/* One input file as seen through one path to it. */
typedef struct in_file {
  dev_t dev;              /* identity of the file */
  ino_t ino;
  dev_t ddev;             /* identity of the directory the path names it in */
  ino_t dino;
  char base[256];         /* its name in that directory */
  char shown[PP_PATH_MAX]; /* the path, for messages */
} in_file;

typedef struct in_set {
  int n, cap;
  in_file *v;
} in_set;

/* Directory part of path ("." if none) into dir, name part into base. */
static void split_path(const char *path, char *dir, size_t ndir, char *base, size_t nbase) {
  const char *slash = strrchr(path, '/');
  if (!slash) {
    snprintf(dir, ndir, ".");
    snprintf(base, nbase, "%s", path);
  } else if (slash == path) {
    snprintf(dir, ndir, "/");
    snprintf(base, nbase, "%s", slash + 1);
  } else {
    snprintf(dir, ndir, "%.*s", (int)(slash - path), path);
    snprintf(base, nbase, "%s", slash + 1);
  }
}

static pp_status add_entry(in_set *s, const struct stat *st, const char *path, pp_err *err) {
  char dir[PP_PATH_MAX];
  struct stat ds;
  in_file f = {.dev = st->st_dev, .ino = st->st_ino};
  split_path(path, dir, sizeof dir, f.base, sizeof f.base);
  if (stat(dir, &ds) != 0) return PP_OK;
  f.ddev = ds.st_dev, f.dino = ds.st_ino;
  snprintf(f.shown, sizeof f.shown, "%s", path);
  if (s->n == s->cap) {
    const int cap = s->cap ? 2 * s->cap : 32;
    in_file *v = realloc(s->v, (size_t)cap * sizeof *v);
    if (!v) PP_FAIL(err, PP_ERR_NOMEM, "out of memory (list of input files)");
    s->v = v, s->cap = cap;
  }
  s->v[s->n++] = f;
  return PP_OK;
}

/* Adds path if it is an existing regular file, under its own name and,
 * when that differs (a symlink), under the name of the file it resolves to. */
static pp_status add_file(in_set *s, const char *path, pp_err *err) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return PP_OK;
  PP_CALL(add_entry(s, &st, path, err));
  char *real = realpath(path, NULL);
  pp_status rc = PP_OK;
  if (real && strcmp(real, path) != 0) rc = add_entry(s, &st, real, err);
  free(real);
  return rc;
}

static int ends_with(const char *s, const char *suffix) {
  const size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A PAW dataset pawset.c may pick from a directory. */
static int dataset_like(const char *name) {
  static const char *suffix[] = {".xml", ".xml.gz", ".PBE", ".PBE.gz", ".LDA", ".LDA.gz"};
  if (strncmp(name, "POTCAR", 6) == 0) return 1;
  for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++)
    if (ends_with(name, suffix[i])) return 1;
  return 0;
}

/* A file a run directory may supply (dataset.c, kweights.c, lreal.c, pawset.c). */
static int run_file_like(const char *name) {
  static const char *exact[] = {"CONTCAR", "POSCAR", "OUTCAR", "vasprun.xml", "IBZKPT", "KPOINTS", "INCAR"};
  if (strncmp(name, "WAVECAR", 7) == 0) return 1;
  for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
    if (strcmp(name, exact[i]) == 0) return 1;
  return dataset_like(name);
}

static pp_status add_dir(in_set *s, const char *dir, int (*wanted)(const char *), pp_err *err) {
  DIR *d = opendir(dir);
  if (!d) return PP_OK; /* the reader that needs it reports it */
  pp_status rc = PP_OK;
  for (struct dirent *e; rc == PP_OK && (e = readdir(d));) {
    if (!wanted(e->d_name)) continue;
    char path[PP_PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
    rc = add_file(s, path, err);
  }
  closedir(d);
  return rc;
}

/* A run: a directory, or a WAVECAR file (whose directory supplies the rest). */
static pp_status add_run(in_set *s, const char *path, pp_err *err) {
  struct stat st;
  if (stat(path, &st) != 0) return PP_OK;
  if (S_ISDIR(st.st_mode)) return add_dir(s, path, run_file_like, err);
  char dir[PP_PATH_MAX], base[256];
  split_path(path, dir, sizeof dir, base, sizeof base);
  PP_CALL(add_file(s, path, err));
  return add_dir(s, dir, run_file_like, err);
}

/* --datasets: a file, a directory, or Sym=FILE,Sym=FILE. */
/* Every run of a --defects list (defectlist.h), wildcards expanded as the
 * run will expand them. */
static pp_status add_runs(in_set *s, const char *list, pp_err *err) {
  pp_defect_list l;
  pp_status st = pp_defect_list_parse(list, "defects", &l, err);
  for (int i = 0; i < l.n && st == PP_OK; i++) st = add_run(s, l.v[i].path, err);
  pp_defect_list_free(&l);
  return st;
}

static pp_status add_datasets(in_set *s, const char *spec, pp_err *err) {
  if (!strchr(spec, '=')) {
    struct stat st;
    if (stat(spec, &st) == 0 && S_ISDIR(st.st_mode)) return add_dir(s, spec, dataset_like, err);
    return add_file(s, spec, err);
  }
  char item[PP_PATH_MAX];
  for (const char *p = spec; *p;) {
    const size_t len = strcspn(p, ",");
    const char *eq = memchr(p, '=', len);
    if (eq && len < sizeof item) {
      snprintf(item, sizeof item, "%.*s", (int)(len - (size_t)(eq + 1 - p)), eq + 1);
      PP_CALL(add_file(s, item, err));
    }
    p += len + (p[len] == ',');
  }
  return PP_OK;
}

static int find_role(const char *name, role *r) {
  for (int i = 0; i < NPATH_OPTIONS; i++)
    if (strcmp(path_options[i].name, name) == 0) {
      *r = path_options[i].r;
      return 1;
    }
  return 0;
}

static int stream_ok(const char *name) {
  for (int i = 0; i < NPATH_OPTIONS; i++)
    if (strcmp(path_options[i].name, name) == 0) return path_options[i].stream;
  return 0;
}

static int names_path(const char *metavar) {
  static const char *kinds[] = {"FILE", "DIR", "PREFIX", "SPEC"};
  for (size_t i = 0; metavar && i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(metavar, kinds[i]) == 0) return 1;
  return 0;
}

static pp_status collect_inputs(const pp_ctx *ctx, const pp_optdef *defs, const pp_args *a, in_set *s,
                                pp_err *err) {
  for (int i = 0; i < a->npos; i++) PP_CALL(add_run(s, a->pos[i], err));
  if (ctx->input_file[0]) PP_CALL(add_file(s, ctx->input_file, err));
  for (const pp_optdef *d = defs; d->name; d++) {
    role r;
    if (!find_role(d->name, &r)) {
      if (names_path(d->metavar))
        PP_FAIL(err, PP_ERR_INTERNAL, "option --%s names a path, but outguard.c does not say whether it is an "
                "input or an output", d->name);
      continue;
    }
    const char *v = pp_args_get(a, d->name);
    if (!v) continue;
    if (r == ROLE_IN_RUN) PP_CALL(add_run(s, v, err));
    if (r == ROLE_IN_RUNS) PP_CALL(add_runs(s, v, err));
    if (r == ROLE_IN_DATASETS) PP_CALL(add_datasets(s, v, err));
  }
  return PP_OK;
}

/* Refuses out (the value of --opt) if it is, or as a stem would write over, an input. */
static pp_status check_output(const in_set *s, const char *opt, const char *out, int stem, pp_err *err) {
  struct stat st;
  /* Renaming a finished file over a device or a link would replace the
   * device or the link itself (outfile.h). */
  if (pp_outfile_is_stream(out)) {
    if (stream_ok(opt)) return PP_OK;
    PP_FAIL(err, PP_ERR_ARG, "--%s %s: not a regular file; this output is written as NAME.partial and renamed, "
            "so it needs a file name", opt, out);
  }
  /* Before any work, so a missing directory costs no compute time. */
  char dir[PP_PATH_MAX], base[256];
  split_path(out, dir, sizeof dir, base, sizeof base);
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    PP_FAIL(err, PP_ERR_ARG, "--%s %s: the directory %s does not exist; create it first", opt, out, dir);
  if (access(dir, W_OK | X_OK) != 0)
    PP_FAIL(err, PP_ERR_ARG, "--%s %s: cannot write in the directory %s: %s", opt, out, dir, strerror(errno));
  if (stat(out, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      PP_FAIL(err, PP_ERR_ARG, "--%s %s: is a directory; give a file name", opt, out);
    for (int i = 0; i < s->n; i++)
      if (s->v[i].dev == st.st_dev && s->v[i].ino == st.st_ino)
        PP_FAIL(err, PP_ERR_ARG, "--%s %s: refused, this is an input of the run (%s); outputs never overwrite "
                "inputs, choose another path", opt, out, s->v[i].shown);
  }
  if (lstat(out, &st) == 0 && S_ISLNK(st.st_mode))
    PP_FAIL(err, PP_ERR_ARG, "--%s %s: is a symbolic link; outputs are renamed into place, which would replace "
            "the link: give the file it points to", opt, out);
  if (!stem) return PP_OK;
  const size_t n = strlen(base);
  if (stat(dir, &st) != 0 || n == 0) return PP_OK;
  for (int i = 0; i < s->n; i++) {
    const in_file *f = &s->v[i];
    if (f->ddev != st.st_dev || f->dino != st.st_ino || strncmp(f->base, base, n) != 0) continue;
    if (f->base[n] == '\0' || f->base[n] == '.' || f->base[n] == '_')
      PP_FAIL(err, PP_ERR_ARG, "--%s %s: refused, the files it names (%s, %s.h5, %s_REAL.vasp, ...) could "
              "overwrite the input %s; choose another name", opt, out, base, base, base, f->shown);
  }
  return PP_OK;
}

/* Two outputs of one run must be two files. */
static pp_status check_distinct(const pp_optdef *defs, const pp_args *a, pp_err *err) {
  for (const pp_optdef *d = defs; d->name; d++) {
    role r;
    const char *v = pp_args_get(a, d->name);
    if (!v || !strcmp(v, "-") || !find_role(d->name, &r) || r != ROLE_OUT) continue;
    for (const pp_optdef *e = d + 1; e->name; e++) {
      const char *w = pp_args_get(a, e->name);
      if (!w || !find_role(e->name, &r) || (r != ROLE_OUT && r != ROLE_OUT_STEM)) continue;
      char d1[PP_PATH_MAX], b1[256], d2[PP_PATH_MAX], b2[256];
      struct stat s1, s2;
      split_path(v, d1, sizeof d1, b1, sizeof b1);
      split_path(w, d2, sizeof d2, b2, sizeof b2);
      if (strcmp(b1, b2) == 0 && stat(d1, &s1) == 0 && stat(d2, &s2) == 0 && s1.st_dev == s2.st_dev &&
          s1.st_ino == s2.st_ino)
        PP_FAIL(err, PP_ERR_ARG, "--%s %s and --%s %s name the same file; give each output its own", d->name, v,
                e->name, w);
    }
  }
  return PP_OK;
}

static pp_status check_local(const pp_ctx *ctx, const pp_optdef *defs, const pp_args *a, pp_err *err) {
  in_set s = {0};
  pp_status st = collect_inputs(ctx, defs, a, &s, err);
  for (const pp_optdef *d = defs; st == PP_OK && d->name; d++) {
    role r;
    const char *v = pp_args_get(a, d->name);
    if (!v || !strcmp(v, "-") || !find_role(d->name, &r) || (r != ROLE_OUT && r != ROLE_OUT_STEM)) continue;
    st = check_output(&s, d->name, v, r == ROLE_OUT_STEM, err);
  }
  if (st == PP_OK) st = check_distinct(defs, a, err);
  free(s.v);
  return st;
}

pp_status pp_outguard_check(const pp_ctx *ctx, const pp_optdef *defs, const pp_args *a, pp_err *err) {
  return pp_agree(check_local(ctx, defs, a, err), err, ctx->world);
}
