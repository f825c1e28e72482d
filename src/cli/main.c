/* main.c — `pawproj <command> [options]`: MPI start-up, common options,
 * input files, error reporting and the exit status. */
#include <mpi.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pawproj/cli/args.h"
#include "pawproj/cli/commands.h"
#include "pawproj/core/ctx.h"
#include "pawproj/core/interrupt.h"
#include "pawproj/io/h5out.h"

typedef pp_status (*command_fn)(pp_ctx *, int, char **);

static const struct {
  const char *name;
  command_fn fn;
  const char *about;
} commands[] = {
    {"info", pp_cmd_info, "summarise a WAVECAR (headers only)"},
    {"project", pp_cmd_project, "band character of defect levels from bulk/defect overlaps"},
    {"norms", pp_cmd_norms, "pseudo and all-electron norms: does a PAW dataset fit a WAVECAR?"},
    {"density", pp_cmd_density, "all-electron (or pseudo) valence / band density: VASP, cube, HDF5"},
    {"state", pp_cmd_state, "one state in real space (all-electron or pseudo): VASP, cube, HDF5"},
    {"overlap", pp_cmd_overlap, "full overlap matrices <bra m|ket n> on ScaLAPACK, subspace angles, band matching"},
    {"optics", pp_cmd_optics, "momentum matrix elements, transition dipoles, oscillator strengths of a band window"},
    {"wswq", pp_cmd_wswq, "VASP's WSWQ files <psi_i(Q0)|S|psi_j(Q)> for displaced geometries"},
    {"dump", pp_cmd_dump, "per-band coefficient facts, for cross-checking readers"},
};
#define NCOMMANDS (int)(sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
  fprintf(f,
          "pawproj %s — all-electron analysis of plane-wave PAW wavefunctions\n\n"
          "usage: [mpirun -n N] pawproj <command> [options]\n"
          "       [mpirun -n N] pawproj --input FILE     (KEY = value file; COMMAND = ...)\n\n"
          "commands:\n",
          PAWPROJ_VERSION);
  for (int i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].about);
  fprintf(f,
          "\noptions for every command:\n"
          "  --mem-per-rank SIZE   stop before a stage would exceed SIZE per rank (e.g. 4G)\n"
          "  --mem-report          print peak memory per stage and pool (min/avg/max over ranks)\n"
          "  --quiet               no progress lines on stderr\n"
          "  --help                help of a command: pawproj <command> --help\n");
}

/* Removes the common options from argv, applying them to ctx. As for every
 * option, the last --mem-per-rank counts (the command line overrides the
 * input file), so only that one is parsed. */
static pp_status take_common(pp_ctx *ctx, int *argc, char **argv, pp_err *err) {
  int out = 0;
  const char *budget = NULL;
  for (int i = 0; i < *argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--mem-report")) {
      ctx->mem_report = 1;
    } else if (!strcmp(a, "--quiet")) {
      ctx->quiet = 1;
    } else if (!strncmp(a, "--mem-per-rank", 14) && (a[14] == '\0' || a[14] == '=')) {
      const char *v = a[14] == '=' ? a + 15 : (i + 1 < *argc ? argv[++i] : NULL);
      if (!v) PP_FAIL(err, PP_ERR_ARG, "--mem-per-rank needs a value (e.g. 4G)");
      budget = v;
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
  if (budget) {
    size_t bytes;
    if (pp_parse_bytes(budget, &bytes, err) != PP_OK) {
      pp_err_prefix(err, "--mem-per-rank: ");
      return PP_ERR_ARG;
    }
    ctx->pools.budget = bytes;
  }
  return PP_OK;
}

static void record_cmdline(pp_ctx *ctx, int argc, char **argv) {
  size_t used = 0;
  for (int i = 0; i < argc && used + 2 < sizeof ctx->cmdline; i++)
    used += (size_t)snprintf(ctx->cmdline + used, sizeof ctx->cmdline - used, "%s%s", i ? " " : "", argv[i]);
}

/* 1 if msg names option opt ("--window") as a whole word. */
static int names_option(const char *msg, const char *opt) {
  const size_t n = strlen(opt);
  for (const char *p = strstr(msg, opt); p; p = strstr(p + 1, opt)) {
    const char c = p[n];
    if (c != '-' && c != '_' && !isalnum((unsigned char)c)) return 1;
  }
  return 0;
}

/* A usage error about an option the input file set (and the command line
 * did not override) names the file and line, so a user edits the right
 * place: "run.in line 4: --window wide: expected a number". */
static void locate_in_input(pp_err *err, const char *path, char **fileargv, const int *line,
                            int fargc, char **argv, int argc) {
  for (int i = 0; i < fargc; i++) {
    if (!line[i] || !names_option(err->msg, fileargv[i])) continue;
    const size_t n = strlen(fileargv[i]);
    int overridden = 0;
    for (int j = 0; j < argc; j++)
      overridden |= !strncmp(argv[j], fileargv[i], n) && (argv[j][n] == '\0' || argv[j][n] == '=');
    if (overridden) continue;
    pp_err_prefix(err, "%s line %d: ", path, line[i]);
    return;
  }
}

static pp_status dispatch(pp_ctx *ctx, int argc, char **argv) {
  pp_err *err = &ctx->err;
  char *filebuf = NULL;
  char **fileargv = NULL, **merged = NULL;
  int *fileline = NULL;
  pp_status st = PP_OK;
  char command[64] = "";
  int fargc = 0;
  /* argv[1] is the command, or --input FILE names a file that holds it. */
  if (argc >= 3 && (!strcmp(argv[1], "--input") || !strcmp(argv[1], "-i"))) {
    PP_TRY(pp_args_input_file(argv[2], &filebuf, &fileargv, &fileline, &fargc, command,
                              sizeof command, err));
    if (!command[0]) PP_THROW(PP_ERR_ARG, "%s: no COMMAND = ... line (e.g. COMMAND = project)", argv[2]);
    snprintf(ctx->input_file, sizeof ctx->input_file, "%s", argv[2]);
    argv += 3;
    argc -= 3;
  } else {
    snprintf(command, sizeof command, "%s", argv[1]);
    argv += 2;
    argc -= 2;
  }
  /* File options first, so the command line overrides them. */
  merged = calloc((size_t)(fargc + argc + 1), sizeof *merged);
  if (!merged) PP_THROW(PP_ERR_NOMEM, "out of memory");
  for (int i = 0; i < fargc; i++) merged[i] = fileargv[i];
  for (int i = 0; i < argc; i++) merged[fargc + i] = argv[i];
  int n = fargc + argc;
  st = take_common(ctx, &n, merged, err);
  for (int i = 0; st == PP_OK && i < NCOMMANDS; i++)
    if (!strcmp(command, commands[i].name)) {
      st = commands[i].fn(ctx, n, merged);
      goto located;
    }
  if (st == PP_OK)
    PP_THROW(PP_ERR_ARG, "unknown command '%s' (commands: info, project, overlap, norms, state, density, optics, wswq, dump; see pawproj --help)", command);
located:
  if (st == PP_ERR_ARG && fargc)
    locate_in_input(err, ctx->input_file, fileargv, fileline, fargc, argv, argc);
done:
  free(merged);
  free(fileargv);
  free(fileline);
  free(filebuf);
  return st;
}

/* 0 done, 1 failed, 2 usage error, 3 stopped cleanly and resumable. */
static int exit_status(pp_status st) {
  if (st == PP_OK) return 0;
  if (st == PP_ERR_ARG) return 2;
  return st == PP_STOPPED ? 3 : 1;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  pp_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.world = MPI_COMM_WORLD;
  MPI_Comm_rank(ctx.world, &ctx.rank);
  MPI_Comm_size(ctx.world, &ctx.size);
  pp_interrupt_install(ctx.rank);
  pp_err_clear(&ctx.err);
  pp_pools_init(&ctx.pools, 0);
  record_cmdline(&ctx, argc, argv);
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    if (ctx.rank == 0) usage(stdout);
    MPI_Finalize();
    return argc < 2 ? 2 : 0;
  }
  if (!strcmp(argv[1], "--version")) {
    if (ctx.rank == 0) printf("pawproj %s\n", PAWPROJ_VERSION);
    MPI_Finalize();
    return 0;
  }
  pp_status st = dispatch(&ctx, argc, argv);
  if (st == PP_OK && ctx.mem_report) pp_memreport_print(&ctx, stdout);
  if (st != PP_OK && ctx.rank == 0) {
    fprintf(stderr, "pawproj: %s: %s\n", st == PP_STOPPED ? "stopped" : "error",
            ctx.err.msg[0] ? ctx.err.msg : pp_status_name(st));
    if (getenv("PAWPROJ_DEBUG")) fprintf(stderr, "pawproj: trace: %s\n", ctx.err.trace);
  }
  pp_interrupt_finished();
  pp_pools_destroy(&ctx.pools);
  fflush(stdout);
  if (pp_h5_library_close()) { /* see h5out.h: MPI_Finalize would crash */
    fflush(stderr);
    _exit(st == PP_OK ? 1 : exit_status(st));
  }
  MPI_Finalize();
  return exit_status(st);
}
