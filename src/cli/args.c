/* args.c — option parsing and input files (see args.h). */
#include "pawproj/cli/args.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pawproj/core/textfile.h"

static const pp_optdef *find(const pp_optdef *defs, const char *name,
                             size_t len) {
  for (const pp_optdef *d = defs; d->name; d++)
    if (strlen(d->name) == len && strncmp(d->name, name, len) == 0) return d;
  return NULL;
}

static void set(pp_args *a, const char *name, const char *value) {
  for (int i = 0; i < a->n; i++)
    if (strcmp(a->name[i], name) == 0) {
      a->value[i] = value;
      return;
    }
  a->name[a->n] = name;
  a->value[a->n] = value;
  a->n++;
}

pp_status pp_args_parse(const pp_optdef *defs, int argc, char **argv,
                        pp_args *a, pp_err *err) {
  memset(a, 0, sizeof *a);
  for (int i = 0; i < argc; i++) {
    const char *arg = argv[i];
    if (strncmp(arg, "--", 2) != 0 || strcmp(arg, "--") == 0 || arg[2] == '\0') {
      if (strcmp(arg, "-h") == 0) {
        set(a, "help", "");
        continue;
      }
      if (arg[0] == '-' && arg[1] != '\0' && !isdigit((unsigned char)arg[1])) {
        const pp_optdef *d = arg[1] == 'o' && arg[2] == '\0' ? find(defs, "output", 6) : NULL;
        if (!d)
          PP_FAIL(err, PP_ERR_ARG, "unknown option '%s' (see --help)", arg);
        if (i + 1 >= argc) PP_FAIL(err, PP_ERR_ARG, "option -o needs a value");
        set(a, d->name, argv[++i]);
        continue;
      }
      if (a->npos >= PP_ARGS_MAX) PP_FAIL(err, PP_ERR_ARG, "too many arguments");
      a->pos[a->npos++] = arg;
      continue;
    }
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    const size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const pp_optdef *d = find(defs, name, len);
    if (!d) {
      if (len == 4 && strncmp(name, "help", 4) == 0) {
        set(a, "help", "");
        continue;
      }
      PP_FAIL(err, PP_ERR_ARG, "unknown option '--%.*s' (see --help)", (int)len, name);
    }
    if (a->n >= PP_ARGS_MAX) PP_FAIL(err, PP_ERR_ARG, "too many options");
    if (!d->metavar) {
      if (eq) PP_FAIL(err, PP_ERR_ARG, "option --%s takes no value", d->name);
      set(a, d->name, "");
    } else if (eq) {
      set(a, d->name, eq + 1);
    } else {
      if (i + 1 >= argc)
        PP_FAIL(err, PP_ERR_ARG, "option --%s needs a value (%s)", d->name, d->metavar);
      set(a, d->name, argv[++i]);
    }
  }
  return PP_OK;
}

const char *pp_args_get(const pp_args *a, const char *name) {
  for (int i = 0; i < a->n; i++)
    if (strcmp(a->name[i], name) == 0) return a->value[i];
  return NULL;
}

int pp_args_has(const pp_args *a, const char *name) {
  return pp_args_get(a, name) != NULL;
}

pp_status pp_args_int(const pp_args *a, const char *name, int lo, int hi,
                      int *out, pp_err *err) {
  const char *v = pp_args_get(a, name);
  if (!v) return PP_OK;
  char *end;
  long x = strtol(v, &end, 10);
  if (end == v || *end || x < lo || x > hi)
    PP_FAIL(err, PP_ERR_ARG, "--%s %s: expected an integer in [%d, %d]", name, v, lo, hi);
  *out = (int)x;
  return PP_OK;
}

pp_status pp_args_double(const pp_args *a, const char *name, double *out,
                         pp_err *err) {
  const char *v = pp_args_get(a, name);
  if (!v) return PP_OK;
  char *end;
  double x = strtod(v, &end);
  if (end == v || *end || !isfinite(x))
    PP_FAIL(err, PP_ERR_ARG, "--%s %s: expected a number", name, v);
  *out = x;
  return PP_OK;
}

pp_status pp_args_int3(const pp_args *a, const char *name, int lo, int hi, int out[3], pp_err *err) {
  const char *v = pp_args_get(a, name);
  if (!v) return PP_OK;
  int g[3];
  char tail;
  if (sscanf(v, "%d%*[,x ]%d%*[,x ]%d%c", &g[0], &g[1], &g[2], &tail) != 3)
    PP_FAIL(err, PP_ERR_ARG, "--%s '%s': expected three integers, e.g. 40,40,48", name, v);
  for (int i = 0; i < 3; i++)
    if (g[i] < lo || g[i] > hi) PP_FAIL(err, PP_ERR_ARG, "--%s '%s': each value must be in %d..%d", name, v, lo, hi);
  memcpy(out, g, sizeof g);
  return PP_OK;
}

void pp_args_help(FILE *f, const char *usage, const char *about,
                  const pp_optdef *defs) {
  fprintf(f, "usage: %s\n\n%s\n\noptions:\n", usage, about);
  for (const pp_optdef *d = defs; d->name; d++) {
    char left[64];
    snprintf(left, sizeof left, "--%s%s%s", d->name, d->metavar ? " " : "",
             d->metavar ? d->metavar : "");
    fprintf(f, "  %-28s %s\n", left, d->help);
  }
  fprintf(f, "  %-28s %s\n", "--help", "show this help");
}

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
  return s;
}

pp_status pp_args_input_file(const char *path, char **buf, char ***argv_out,
                             int **line_out, int *argc_out, char *command,
                             size_t cmdlen, pp_err *err) {
  *buf = NULL;
  *argv_out = NULL;
  *line_out = NULL;
  *argc_out = 0;
  command[0] = '\0';
  size_t len;
  PP_CALL(pp_text_read(path, 1 << 20, buf, &len, err));
  pp_status st = PP_OK;
  /* Worst case two argv entries per line. */
  size_t lines = 1;
  for (const char *p = *buf; *p; p++) lines += *p == '\n';
  /* Option names ("--key") live in the same buffer, after the text. */
  char *grown = realloc(*buf, 2 * len + 3 * lines + 2);
  if (!grown) PP_THROW(PP_ERR_NOMEM, "out of memory");
  *buf = grown;
  char *keys = grown + len + 1;
  char **av = calloc(2 * lines + 1, sizeof *av);
  if (!av) PP_THROW(PP_ERR_NOMEM, "out of memory");
  *argv_out = av;
  int *lines_of = calloc(2 * lines + 1, sizeof *lines_of);
  if (!lines_of) PP_THROW(PP_ERR_NOMEM, "out of memory");
  *line_out = lines_of;
  int n = 0, lineno = 0;
  char *save = NULL;
  for (char *line = strtok_r(*buf, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    lineno++;
    char *c = strpbrk(line, "#!");
    if (c) *c = '\0';
    line = trim(line);
    if (!*line) continue;
    char *eq = strchr(line, '=');
    if (!eq)
      PP_THROW(PP_ERR_FORMAT, "%s line %d: expected KEY = value, found \"%s\"", path, lineno, line);
    *eq = '\0';
    char *key = trim(line), *val = trim(eq + 1);
    if (!*key)
      PP_THROW(PP_ERR_FORMAT, "%s line %d: missing key before '='", path, lineno);
    /* "--" + key, lower-cased, '_' → '-'. */
    size_t kl = strlen(key);
    char *opt = keys;
    keys += kl + 3;
    opt[0] = opt[1] = '-';
    for (size_t i = 0; i <= kl; i++)
      opt[2 + i] = key[i] == '_' ? '-' : (char)tolower((unsigned char)key[i]);
    if (strcmp(opt, "--command") == 0) {
      snprintf(command, cmdlen, "%s", val);
      continue;
    }
    lines_of[n] = lineno;
    av[n++] = opt;
    const int yes = strcasecmp(val, "true") == 0 || strcasecmp(val, ".true.") == 0 ||
                    strcasecmp(val, "t") == 0 || strcasecmp(val, ".t.") == 0;
    const int no = strcasecmp(val, "false") == 0 || strcasecmp(val, ".false.") == 0 ||
                   strcasecmp(val, "f") == 0 || strcasecmp(val, ".f.") == 0;
    if (no) {
      lines_of[--n] = 0;
      av[n] = NULL;
    } else if (!yes) {
      av[n++] = val;
    }
  }
  *argc_out = n;
done:
  return st;
}
