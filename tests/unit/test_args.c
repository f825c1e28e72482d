/* Option parsing, input files and the JSON writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pawproj/cli/args.h"
#include "pawproj/core/json.h"

static const pp_optdef defs[] = {{"bulk", "DIR", "b"}, {"bands", "N-M", "x"}, {"flag", NULL, "f"},
                                 {"output", "FILE", "o"}, {NULL, NULL, NULL}};

int main(void) {
  pp_err e;
  pp_err_clear(&e);
  pp_args a;
  char *argv1[] = {"--bulk", "dirA", "--bands=3-5", "--flag", "pos", "-o", "out", "--bulk", "dirB"};
  CHECK(pp_args_parse(defs, 9, argv1, &a, &e) == PP_OK, "parse: %s", e.msg);
  CHECK(!strcmp(pp_args_get(&a, "bulk"), "dirB"), "later overrides");
  CHECK(!strcmp(pp_args_get(&a, "bands"), "3-5") && pp_args_has(&a, "flag"), "= form and flag");
  CHECK(a.npos == 1 && !strcmp(a.pos[0], "pos") && !strcmp(pp_args_get(&a, "output"), "out"), "pos and -o");
  char *argv2[] = {"--nope"};
  CHECK(pp_args_parse(defs, 1, argv2, &a, &e) == PP_ERR_ARG && strstr(e.msg, "--nope"), "unknown: %s", e.msg);
  pp_err_clear(&e);
  char *argv3[] = {"--bulk"};
  CHECK(pp_args_parse(defs, 1, argv3, &a, &e) == PP_ERR_ARG && strstr(e.msg, "needs a value"), "missing value");
  pp_err_clear(&e);

  /* Input file: KEY = value, comments, booleans. */
  const char *path = "test_args_input.tmp";
  FILE *f = fopen(path, "w");
  fprintf(f, "# a job\nCOMMAND = project\nBULK = ../bulk   ! comment\nFLAG = .TRUE.\nOTHER_KEY = .FALSE.\n\n");
  fclose(f);
  char *buf, **av, cmd[32];
  int ac, *ln;
  CHECK(pp_args_input_file(path, &buf, &av, &ln, &ac, cmd, sizeof cmd, &e) == PP_OK, "input file: %s", e.msg);
  CHECK(!strcmp(cmd, "project"), "command key");
  CHECK(ac == 3 && !strcmp(av[0], "--bulk") && !strcmp(av[1], "../bulk") && !strcmp(av[2], "--flag"),
        "argv from file (%d)", ac);
  /* Keys carry their file line (BULK on line 3, FLAG on line 4), values 0. */
  CHECK(ln[0] == 3 && ln[1] == 0 && ln[2] == 4, "lines of keys %d %d %d", ln[0], ln[1], ln[2]);
  free(buf);
  free(av);
  free(ln);
  f = fopen(path, "w");
  fprintf(f, "COMMAND = info\nno equals sign here\n");
  fclose(f);
  CHECK(pp_args_input_file(path, &buf, &av, &ln, &ac, cmd, sizeof cmd, &e) == PP_ERR_FORMAT &&
            strstr(e.msg, "line 2"), "bad input line: %s", e.msg);
  free(buf);
  free(av);
  free(ln);
  remove(path);

  /* JSON writer output, compared literally. */
  char out[512];
  FILE *m = fmemopen(out, sizeof out, "w");
  pp_json j;
  pp_json_init(&j, m);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "s", "a\"b");
  double v[2] = {0.5, 1.0 / 0.0};
  pp_json_num_array(&j, "v", v, 2);
  pp_json_arr(&j, "e");
  pp_json_end(&j);
  pp_json_end(&j);
  fclose(m);
  CHECK(!strcmp(out, "{\n  \"s\": \"a\\\"b\",\n  \"v\": [0.5, null],\n  \"e\": []\n}\n"), "json: [%s]", out);
  return CHECK_DONE("test_args");
}
