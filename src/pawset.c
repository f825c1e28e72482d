/* pawset.c — datasets per species (see pawset.h). */
#include "pawproj/pawset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pawproj/textfile.h"

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

pp_status pp_pawset_load(const char *spec, const pp_structure *st, pp_pawset *set, pp_err *err) {
  memset(set, 0, sizeof *set);
  set->data = calloc((size_t)st->nspecies, sizeof *set->data);
  set->ptr = calloc((size_t)st->nspecies, sizeof *set->ptr);
  if (!set->data || !set->ptr) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
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
    PP_FAIL(err, PP_ERR_ARG, "--datasets %s: no PAW dataset for %s (give Sym=FILE,... or a directory)",
            spec, missing);
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
