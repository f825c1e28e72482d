/* fuzz_input — pawproj input files ("KEY = value" lines, '#'/'!'
 * comments; cli/args pp_args_input_file through core/textfile), then the
 * argv they give through the option parser (pp_args_parse) and the value
 * parsers (int, double, int3, variant, LREAL) as the commands use them.
 * Checks: a failure of the file names it; an accepted file gives an argv
 * of non-NULL strings whose options start with "--", a NUL-terminated
 * command; option errors carry their status and a message. */
#include "fuzz_common.h"
#include "pawproj/cli/args.h"
#include "pawproj/io/lreal.h"
#include "pawproj/model/gvec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

FZ_DEFINE_INITIALIZE

static const pp_optdef defs[] = {{"bulk", "DIR", "b"},       {"defect", "DIR", "d"},
                                 {"bands", "N-M", "x"},      {"datasets", "SPEC", "p"},
                                 {"lreal", "MODE", "l"},     {"grid", "NX,NY,NZ", "g"},
                                 {"grid-factor", "F", "f"},  {"nbands", "N", "n"},
                                 {"variant", "V", "v"},      {"output", "FILE", "o"},
                                 {"spin-resolved", NULL, "s"}, {"force", NULL, "F"},
                                 {NULL, NULL, NULL}};

static void option_error(pp_status st, const pp_err *e) {
  FZ_REQUIRE(st != PP_OK && e->code == st && e->msg[0], "option failure %d without its message",
             (int)st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("input.in", data, size);
  char *buf = NULL, **av = NULL, cmd[32];
  int ac = -1, *ln = NULL;
  pp_err e;
  pp_err_clear(&e);
  pp_status st = pp_args_input_file(path, &buf, &av, &ln, &ac, cmd, sizeof cmd, &e);
  if (st != PP_OK) {
    fz_check_failure(st, &e, path);
    free(buf);
    free(av);
    free(ln);
    return 0;
  }
  FZ_REQUIRE(ac >= 0 && fz_terminated(cmd, sizeof cmd), "argc %d", ac);
  for (int i = 0; i < ac; i++) FZ_REQUIRE(av[i] != NULL, "argv[%d] is NULL", i);
  pp_args a;
  pp_err_clear(&e);
  st = pp_args_parse(defs, ac, av, &a, &e);
  if (st == PP_OK) {
    FZ_REQUIRE(a.n >= 0 && a.n <= PP_ARGS_MAX && a.npos >= 0 && a.npos <= PP_ARGS_MAX, "counts");
    int iv = 0, g[3] = {0, 0, 0};
    double dv = 0;
    pp_err_clear(&e);
    if ((st = pp_args_int(&a, "nbands", 1, 100000, &iv, &e)) != PP_OK) option_error(st, &e);
    pp_err_clear(&e);
    if ((st = pp_args_double(&a, "grid-factor", &dv, &e)) != PP_OK) option_error(st, &e);
    pp_err_clear(&e);
    if ((st = pp_args_int3(&a, "grid", 1, 100000, g, &e)) != PP_OK) option_error(st, &e);
    const char *v = pp_args_get(&a, "variant");
    pp_variant var;
    pp_err_clear(&e);
    if (v && (st = pp_variant_parse(v, &var, &e)) != PP_OK) option_error(st, &e);
    const char *l = pp_args_get(&a, "lreal");
    pp_lreal_mode mode;
    pp_err_clear(&e);
    if (l && (st = pp_lreal_parse(l, "--lreal", &mode, &e)) != PP_OK) option_error(st, &e);
  } else {
    option_error(st, &e);
  }
  free(buf);
  free(av);
  free(ln);
  return 0;
}
