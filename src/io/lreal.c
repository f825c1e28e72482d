/* lreal.c — the projector representation of a VASP run (see lreal.h). */
#include "pawproj/io/lreal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pawproj/core/textfile.h"
#include "pawproj/io/xmlscan.h"
#include "pawproj/model/gvec.h"

/* Both files give these in their first few hundred lines; a long MD OUTCAR
 * or vasprun.xml is not read further than this. */
#define HEAD_LINES 20000

const char *pp_lreal_name(pp_lreal_mode mode) {
  switch (mode) {
    case PP_LREAL_FALSE: return ".FALSE.";
    case PP_LREAL_TRUE: return ".TRUE.";
    case PP_LREAL_AUTO: return "Auto";
  }
  return "?";
}

int pp_lreal_real_space(pp_lreal_mode mode) { return mode == PP_LREAL_TRUE; }

const char *pp_lreal_projections(pp_lreal_mode mode) {
  switch (mode) {
    case PP_LREAL_FALSE: return "reciprocal-space projectors, as the run used";
    case PP_LREAL_TRUE: return "real-space projectors (the POTCAR's real-space table), as the run used";
    case PP_LREAL_AUTO:
      return "reciprocal-space projectors: VASP re-optimised its real-space projectors for this run and stored "
             "them nowhere; the reciprocal ones are closer to them (~1e-4) than the POTCAR's real-space table "
             "(~1e-3); --lreal T forces that table; 'pawproj norms' shows the orthonormality reached";
  }
  return "?";
}

pp_status pp_lreal_parse(const char *text, const char *opt, pp_lreal_mode *mode, pp_err *err) {
  char w[16] = "";
  size_t n = 0;
  for (const char *p = text; *p && n + 1 < sizeof w; p++)
    if (!isspace((unsigned char)*p) && *p != '.') w[n++] = (char)tolower((unsigned char)*p);
  w[n] = '\0';
  if (!strcmp(w, "f") || !strcmp(w, "false")) *mode = PP_LREAL_FALSE;
  else if (!strcmp(w, "t") || !strcmp(w, "true")) *mode = PP_LREAL_TRUE;
  else if (!strcmp(w, "a") || !strcmp(w, "auto") || !strcmp(w, "o") || !strcmp(w, "on")) *mode = PP_LREAL_AUTO;
  else
    PP_FAIL(err, PP_ERR_ARG, "%s: LREAL value '%s' is not one of .FALSE., .TRUE., Auto, On", opt, text);
  return PP_OK;
}

/* "dimension x,y,z NGX =    20 NGY =   20 NGZ =   20". Parsed into a local
 * array: a line that gives only NGX (or NGX and NGY) used to leave those in
 * the result without a grid source, a partial grid (found by fuzzing). */
static int outcar_grid(const char *line, int g[3]) {
  const char *p = strstr(line, "NGX =");
  int v[3];
  if (!p || sscanf(p, "NGX = %d NGY = %d NGZ = %d", &v[0], &v[1], &v[2]) != 3) return 0;
  memcpy(g, v, sizeof v);
  return 1;
}

static pp_status from_outcar(const char *path, pp_lreal *lr, int *found, pp_err *err) {
  FILE *f = fopen(path, "r");
  *found = 0;
  if (!f) return PP_OK;
  char line[1024];
  int lreal = -1, optimised = 0, grid_line = 0, lreal_line = 0;
  for (int ln = 1; ln <= HEAD_LINES && fgets(line, sizeof line, f); ln++) {
    if (strstr(line, "Optimization of the real space projectors")) optimised = 1;
    if (!grid_line && strstr(line, "dimension x,y,z NGX") && outcar_grid(line, lr->grid)) grid_line = ln;
    const char *p = strstr(line, "LREAL  =");
    if (p && lreal < 0 && strstr(line, "real-space projection")) {
      char v[16] = "";
      if (sscanf(p + 8, "%15s", v) != 1) {
        fclose(f);
        PP_FAIL(err, PP_ERR_FORMAT, "%s, line %d: LREAL line without a value", path, ln);
      }
      pp_lreal_mode m;
      const pp_status st = pp_lreal_parse(v, path, &m, err);
      if (st != PP_OK) {
        fclose(f);
        return st;
      }
      lreal = (int)m;
      lreal_line = ln;
    }
    if (lreal >= 0 && grid_line) break;
  }
  fclose(f);
  if (lreal < 0) return PP_OK;
  *found = 1;
  lr->mode = (lreal == PP_LREAL_TRUE && optimised) ? PP_LREAL_AUTO : (pp_lreal_mode)lreal;
  snprintf(lr->source, sizeof lr->source, "%s, line %d%s", path, lreal_line,
           lr->mode == PP_LREAL_AUTO ? " (with 'Optimization of the real space projectors': Auto)" : "");
  if (grid_line) snprintf(lr->grid_source, sizeof lr->grid_source, "%s, line %d", path, grid_line);
  return PP_OK;
}

/* Value of <i ... name="KEY"> VALUE </i> on this line, or NULL. */
static const char *xml_item(const char *line, const char *key, char *val, size_t n) {
  char pat[64];
  snprintf(pat, sizeof pat, "name=\"%s\"", key);
  const char *p = strstr(line, pat);
  if (!p || !(p = strchr(p, '>'))) return NULL;
  const char *e = strstr(++p, "</i>");
  if (!e) return NULL;
  size_t len = (size_t)(e - p);
  if (len >= n) len = n - 1;
  memcpy(val, p, len);
  val[len] = '\0';
  return val;
}

static pp_status from_vasprun(const char *path, pp_lreal *lr, int *found, pp_err *err) {
  FILE *f = fopen(path, "r");
  *found = 0;
  if (!f) return PP_OK;
  char line[1024], val[64];
  int in_incar = 0, incar_done = 0, lreal_line = 0, lreal_incar = 0, have_grid = 0, grid_line = 0;
  pp_lreal_mode mode = PP_LREAL_FALSE;
  pp_status st = PP_OK;
  for (int ln = 1; ln <= HEAD_LINES && fgets(line, sizeof line, f); ln++) {
    st = pp_xml_refuse_declaration(line, path, ln, err);
    if (st != PP_OK) break;
    if (strstr(line, "<incar>")) in_incar = 1;
    if (strstr(line, "</incar>")) in_incar = 0, incar_done = 1;
    if (strstr(line, "<calculation>")) break;
    if (xml_item(line, "LREAL", val, sizeof val) && (in_incar || !lreal_incar)) {
      /* The INCAR's word (Auto, On) is more telling than the parameters' T. */
      if ((st = pp_lreal_parse(val, path, &mode, err)) != PP_OK) break;
      lreal_line = ln;
      lreal_incar = in_incar;
    }
    static const char *const axes[3] = {"NGX", "NGY", "NGZ"};
    for (int a = 0; a < 3; a++)
      if (xml_item(line, axes[a], val, sizeof val)) {
        lr->grid[a] = atoi(val);
        have_grid |= 1 << a;
        grid_line = ln;
      }
    if (incar_done && lreal_line && have_grid == 7) break;
  }
  fclose(f);
  if (st != PP_OK || !lreal_line) return st;
  *found = 1;
  lr->mode = mode;
  snprintf(lr->source, sizeof lr->source, "%s, line %d", path, lreal_line);
  if (have_grid == 7) snprintf(lr->grid_source, sizeof lr->grid_source, "%s, line %d", path, grid_line);
  else lr->grid[0] = lr->grid[1] = lr->grid[2] = 0;
  return PP_OK;
}

pp_status pp_lreal_detect(const char *dir, pp_lreal *lr, pp_err *err) {
  memset(lr, 0, sizeof *lr);
  char path[PP_PATH_MAX];
  int found = 0;
  PP_CALL(pp_path_join(path, sizeof path, dir, "OUTCAR", err));
  PP_CALL(from_outcar(path, lr, &found, err));
  if (!found) {
    memset(lr->grid, 0, sizeof lr->grid);
    PP_CALL(pp_path_join(path, sizeof path, dir, "vasprun.xml", err));
    PP_CALL(from_vasprun(path, lr, &found, err));
  }
  if (!found) {
    memset(lr, 0, sizeof *lr);
    snprintf(lr->source, sizeof lr->source, "default (no OUTCAR or vasprun.xml in %s says otherwise)", dir);
  }
  /* A grid is unknown (0 0 0) or has every axis: users of lr test grid[0]
   * only, so 20 × 0 × 20 would reach the projectors (found by fuzzing). */
  const int any = lr->grid[0] || lr->grid[1] || lr->grid[2];
  for (int a = 0; a < 3; a++)
    if (lr->grid[a] < 0 || lr->grid[a] > 100000 || (any && lr->grid[a] == 0))
      PP_FAIL(err, PP_ERR_FORMAT, "%s: FFT grid %d × %d × %d is not plausible", lr->grid_source, lr->grid[0],
              lr->grid[1], lr->grid[2]);
  return PP_OK;
}

static int fft_friendly(int n) {
  if (n % 2) return 0;
  static const int primes[4] = {2, 3, 5, 7};
  for (int i = 0; i < 4; i++)
    while (n % primes[i] == 0) n /= primes[i];
  return n == 1;
}

int pp_fft_good_size(int n) {
  if (n < 2) n = 2;
  while (!fft_friendly(n)) n++;
  return n;
}

void pp_vasp_grid(const double lattice[3][3], double encut, double factor, int n[3]) {
  /* G_cut in Å⁻¹: ħ²G²/2m = ENCUT. */
  const double gcut = sqrt(encut * PP_VASP_C);
  for (int i = 0; i < 3; i++) {
    const double len = sqrt(lattice[i][0] * lattice[i][0] + lattice[i][1] * lattice[i][1] +
                            lattice[i][2] * lattice[i][2]);
    n[i] = pp_fft_good_size((int)ceil(factor * gcut * len / (2 * M_PI) - 1e-9));
  }
}
