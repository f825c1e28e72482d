/* pawset.c — datasets per species (see pawset.h). */
#include "pawproj/io/pawset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pawproj/core/textfile.h"
#include "pawproj/io/potcar.h"

static int is_dir(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* File for species `sym`: from a "Sym=FILE,..." list or a directory. */
static pp_status locate(const char *spec, const char *sym, char *out, size_t n, pp_err *err) {
  out[0] = '\0';
  if (is_dir(spec)) {
    static const char *pat[] = {"%s.xml", "%s.xml.gz", "dataset_%s.xml", "%s.PBE.gz", "%s.PBE", "%s.LDA.gz"};
    for (size_t i = 0; i < sizeof pat / sizeof pat[0]; i++) {
      char name[64];
      snprintf(name, sizeof name, pat[i], sym);
      PP_CALL(pp_path_join(out, n, spec, name, err));
      if (pp_file_exists(out)) return PP_OK;
    }
    out[0] = '\0';
    return PP_OK;
  }
  const size_t sl = strlen(sym);
  for (const char *p = spec; *p;) {
    const char *comma = strchr(p, ',');
    const size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if (len > sl && strncmp(p, sym, sl) == 0 && p[sl] == '=') {
      if (len - sl - 1 >= n) PP_FAIL(err, PP_ERR_ARG, "--datasets: path for %s is too long", sym);
      memcpy(out, p + sl + 1, len - sl - 1);
      out[len - sl - 1] = '\0';
      return PP_OK;
    }
    p += len + (comma ? 1 : 0);
  }
  return PP_OK;
}

/* A POTCAR holds one dataset per species in POSCAR order. With exactly as
 * many datasets as species the order is checked; otherwise (a structure
 * whose species are a subset, e.g. the union of bulk and defect) each
 * species is looked up by element. */
static pp_status load_potcar(const char *path, const pp_structure *str, pp_pawset *set, pp_err *err) {
  pp_pawdata *all = NULL;
  int n = 0;
  PP_CALL(pp_potcar_read(path, &all, &n, err));
  pp_status st = PP_OK;
  char list[256] = "", bad[512] = "";
  for (int i = 0; i < n; i++) {
    const size_t u = strlen(list);
    snprintf(list + u, sizeof list - u, "%s%s", i ? " " : "", all[i].symbol);
  }
  int *pick = calloc((size_t)str->nspecies + 1, sizeof *pick);
  if (!pick) PP_THROW(PP_ERR_NOMEM, "out of memory");
  for (int s = 0; s < str->nspecies; s++) {
    pick[s] = -1;
    if (n == str->nspecies) {
      if (!strcmp(all[s].symbol, str->species[s])) pick[s] = s;
    } else {
      for (int i = 0; i < n; i++)
        if (!strcmp(all[i].symbol, str->species[s])) pick[s] = i;
    }
    if (pick[s] < 0) {
      const size_t u = strlen(bad);
      if (n == str->nspecies)
        snprintf(bad + u, sizeof bad - u, "%sspecies %d is %s in the POSCAR but %s in the POTCAR",
                 u ? "; " : "", s + 1, str->species[s], all[s].symbol);
      else
        snprintf(bad + u, sizeof bad - u, "%s%s is not in the POTCAR", u ? "; " : "", str->species[s]);
    }
  }
  if (bad[0])
    PP_THROW(PP_ERR_MISMATCH, "%s (datasets: %s) does not fit the structure: %s", path, list, bad);
  for (int s = 0; s < str->nspecies; s++) {
    set->data[s] = all[pick[s]];
    memset(&all[pick[s]], 0, sizeof all[pick[s]]);
    set->ptr[s] = &set->data[s];
    set->n = s + 1;
  }
done:
  for (int i = 0; i < n; i++) pp_pawdata_free(&all[i]);
  free(all);
  free(pick);
  return st;
}

static int is_file(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

pp_status pp_pawset_load(const char *spec, const pp_structure *st, pp_pawset *set, pp_err *err) {
  memset(set, 0, sizeof *set);
  set->data = calloc((size_t)st->nspecies, sizeof *set->data);
  set->ptr = calloc((size_t)st->nspecies, sizeof *set->ptr);
  if (!set->data || !set->ptr) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  if (is_file(spec)) return load_potcar(spec, st, set, err);
  if (is_dir(spec)) {
    char potcar[PP_PATH_MAX];
    PP_CALL(pp_path_join(potcar, sizeof potcar, spec, "POTCAR", err));
    if (is_file(potcar)) return load_potcar(potcar, st, set, err);
  }
  char missing[512] = "";
  for (int s = 0; s < st->nspecies; s++) {
    char path[PP_PATH_MAX];
    PP_CALL(locate(spec, st->species[s], path, sizeof path, err));
    if (!path[0] || !pp_file_exists(path)) {
      const size_t u = strlen(missing);
      const int w = snprintf(missing + u, sizeof missing - u, "%s%s", u ? ", " : "", st->species[s]);
      if (w < 0 || (size_t)w >= sizeof missing - u) break;
    }
  }
  if (missing[0])
    PP_FAIL(err, PP_ERR_ARG,
            "--datasets %s: no PAW dataset for %s (no POTCAR there either; give --datasets a POTCAR, "
            "Sym=FILE.xml,... or a directory)", spec, missing);
  for (int s = 0; s < st->nspecies; s++) {
    char path[PP_PATH_MAX];
    PP_CALL(locate(spec, st->species[s], path, sizeof path, err));
    PP_CALL(pp_pawxml_read(path, &set->data[s], err));
    set->n = s + 1;
    set->ptr[s] = &set->data[s];
    if (strcmp(set->data[s].symbol, st->species[s]) != 0)
      PP_FAIL(err, PP_ERR_MISMATCH, "%s is a dataset for %s, but species %d of the structure is %s",
              path, set->data[s].symbol, s + 1, st->species[s]);
  }
  return PP_OK;
}

void pp_pawset_free(pp_pawset *set) {
  for (int s = 0; s < set->n; s++) pp_pawdata_free(&set->data[s]);
  free(set->data);
  free(set->ptr);
  memset(set, 0, sizeof *set);
}
