/* defectlist.c — parsing `--defects` (see defectlist.h). */
#include "pawproj/cli/defectlist.h"

#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int label_char(int c) { return isalnum(c) || c == '_' || c == '.' || c == '+' || c == '-'; }

/* The run's directory name: PATH itself, or the directory of a WAVECAR
 * file; other characters than label_char become '_'. */
static void default_label(const char *path, char *out, size_t n) {
  char buf[4096];
  snprintf(buf, sizeof buf, "%s", path);
  size_t len = strlen(buf);
  while (len > 1 && buf[len - 1] == '/') buf[--len] = '\0';
  struct stat st;
  if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
    char *slash = strrchr(buf, '/');
    if (slash) *slash = '\0';
    else snprintf(buf, sizeof buf, ".");
  }
  if (strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0) {
    char cwd[4096];
    if (realpath(buf, cwd)) snprintf(buf, sizeof buf, "%s", cwd);
  }
  const char *base = strrchr(buf, '/');
  base = base && base[1] ? base + 1 : buf;
  snprintf(out, n, "%s", base);
  for (char *c = out; *c; c++)
    if (!label_char((unsigned char)*c)) *c = '_';
}

static pp_status add(pp_defect_list *l, const char *label, const char *path, const char *bands, pp_err *err) {
  pp_defect_spec *v = realloc(l->v, sizeof *v * (size_t)(l->n + 1));
  if (!v) PP_FAIL(err, PP_ERR_NOMEM, "out of memory (defect list)");
  l->v = v;
  pp_defect_spec *d = &v[l->n];
  memset(d, 0, sizeof *d);
  l->n++;
  d->path = strdup(path);
  d->bands = bands ? strdup(bands) : NULL;
  if (!d->path || (bands && !d->bands)) PP_FAIL(err, PP_ERR_NOMEM, "out of memory (defect list)");
  if (label) snprintf(d->label, sizeof d->label, "%s", label);
  else default_label(path, d->label, sizeof d->label);
  return PP_OK;
}

/* One entry [LABEL=]PATH[@BANDS], in place (entry is modified). */
static pp_status parse_entry(char *entry, const char *opt, pp_defect_list *l, pp_err *err) {
  char *label = NULL, *path = entry, *bands = NULL;
  char *eq = strchr(entry, '=');
  if (eq) {
    *eq = '\0';
    label = entry, path = eq + 1;
    if (!*label || strlen(label) >= PP_LABEL_MAX)
      PP_FAIL(err, PP_ERR_ARG, "--%s: entry '%s=%s': a label has 1 to %d characters", opt, label, path,
              PP_LABEL_MAX - 1);
    for (const char *c = label; *c; c++)
      if (!label_char((unsigned char)*c))
        PP_FAIL(err, PP_ERR_ARG, "--%s: label '%s': only letters, digits and _ . + - are allowed", opt, label);
  }
  char *at = strrchr(path, '@');
  if (at) *at = '\0', bands = at + 1;
  if (!*path) PP_FAIL(err, PP_ERR_ARG, "--%s: an entry without a path (expected [LABEL=]PATH[@BANDS])", opt);
  if (bands && !*bands) PP_FAIL(err, PP_ERR_ARG, "--%s: %s@: no bands after '@' (expected N or N-M)", opt, path);
  if (!strpbrk(path, "*?[")) return add(l, label, path, bands, err);
  glob_t g;
  const int rc = glob(path, 0, NULL, &g);
  if (rc == GLOB_NOMATCH) PP_FAIL(err, PP_ERR_ARG, "--%s: '%s' matches no file or directory", opt, path);
  if (rc != 0) PP_FAIL(err, PP_ERR_IO, "--%s: cannot expand '%s' (glob error %d)", opt, path, rc);
  pp_status st = PP_OK;
  if (label && g.gl_pathc > 1)
    st = pp_fail_at(err, PP_ERR_ARG, __FILE__, __LINE__,
                    "--%s: label '%s' names one defect, but '%s' matches %zu runs; drop the label or the wildcard",
                    opt, label, path, (size_t)g.gl_pathc);
  for (size_t i = 0; i < g.gl_pathc && st == PP_OK; i++) st = add(l, label, g.gl_pathv[i], bands, err);
  globfree(&g);
  return st;
}

static pp_status unique_labels(const pp_defect_list *out, const char *opt, int listed, pp_err *err);

pp_status pp_defect_list_parse(const char *list, const char *opt, pp_defect_list *out, pp_err *err) {
  memset(out, 0, sizeof *out);
  char *buf = strdup(list);
  if (!buf) PP_FAIL(err, PP_ERR_NOMEM, "out of memory (defect list)");
  pp_status st = PP_OK;
  char *save = NULL;
  for (char *e = strtok_r(buf, " \t\r\n", &save); e && st == PP_OK; e = strtok_r(NULL, " \t\r\n", &save))
    st = parse_entry(e, opt, out, err);
  free(buf);
  PP_CALL(st);
  if (out->n == 0) PP_FAIL(err, PP_ERR_ARG, "--%s: no defect given (expected [LABEL=]PATH[@BANDS] ...)", opt);
  return unique_labels(out, opt, 1, err);
}

pp_status pp_defect_list_paths(const char *const *paths, int n, const char *opt, pp_defect_list *out,
                               pp_err *err) {
  memset(out, 0, sizeof *out);
  for (int i = 0; i < n; i++) PP_CALL(add(out, NULL, paths[i], NULL, err));
  return unique_labels(out, opt, 0, err);
}

/* listed: from a --opt list, where labels can be given; else positional
 * paths of command opt, labelled by their directories' names. */
static pp_status unique_labels(const pp_defect_list *out, const char *opt, int listed, pp_err *err) {
  for (int i = 0; i < out->n; i++)
    for (int j = 0; j < i; j++)
      if (strcmp(out->v[i].label, out->v[j].label) == 0)
        PP_FAIL(err, PP_ERR_ARG, "%s%s: two runs labelled '%s' (%s and %s); %s", listed ? "--" : "", opt,
                out->v[i].label, out->v[j].path, out->v[i].path,
                listed ? "give them labels, LABEL=PATH" : "labels are the directories' names: rename one");
  return PP_OK;
}

void pp_defect_list_free(pp_defect_list *l) {
  for (int i = 0; i < l->n; i++) {
    free(l->v[i].path);
    free(l->v[i].bands);
  }
  free(l->v);
  memset(l, 0, sizeof *l);
}
