/* fuzz_common.h — what every libFuzzer target of the readers shares.
 *
 * The contract each target checks (tests/fuzz/README.md): for any input the
 * reader either succeeds with a result that satisfies its format, or fails
 * with a status other than PP_OK, err.code equal to it and a message that
 * names the file. It never crashes, hangs, leaks or trips ASan/UBSan; a
 * broken contract aborts, which libFuzzer reports as a crash and saves.
 *
 * The readers take paths, so the input is written to a file in a private
 * directory (made once per process under $PAWPROJ_FUZZ_TMP or $TMPDIR or
 * /tmp, removed at exit). MPI is initialised once, for the readers that use
 * MPI-IO; they are called with MPI_COMM_SELF. PAWPROJ_FUZZ_VERBOSE=1 prints
 * every refusal's message (to see what a seed exercises).
 */
#ifndef PAWPROJ_FUZZ_COMMON_H
#define PAWPROJ_FUZZ_COMMON_H

#include <mpi.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pawproj/core/error.h"

static char fz_dir_[512];

/* Keeps dlopen'ed Open MPI plugins mapped at exit (as tests/support/
 * nodlclose.c does for the sanitizer tests), so LeakSanitizer can name the
 * library that owns an allocation and tests/lsan.supp can suppress MPI's
 * own; an unloaded plugin shows as "<unknown module>". Defined in the
 * executable, it takes the place of libc's for the MPI libraries. */
int dlclose(void *handle);
int dlclose(void *handle) {
  (void)handle;
  return 0;
}

/* Aborts (a libFuzzer "crash") with a message when cond does not hold. */
#define FZ_REQUIRE(cond, ...)                                             \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "\n*** fuzz contract broken (%s:%d): ", __FILE__,   \
              __LINE__);                                                  \
      fprintf(stderr, __VA_ARGS__);                                       \
      fprintf(stderr, "\n");                                              \
      abort();                                                            \
    }                                                                     \
  } while (0)

static inline void fz_cleanup_(void) {
  static const char *const names[] = {"WAVECAR", "POSCAR", "POTCAR", "dataset.xml", "OUTCAR",
                                      "vasprun.xml", "IBZKPT", "input.in"};
  char p[640];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", fz_dir_, names[i]);
    unlink(p);
  }
  rmdir(fz_dir_);
}

static inline void fz_finalize_(void) {
  int done = 0;
  MPI_Finalized(&done);
  if (!done) MPI_Finalize();
}

/* Call from LLVMFuzzerInitialize. */
static inline void fz_init(void) {
  int inited = 0;
  MPI_Initialized(&inited);
  if (!inited) {
    /* Open MPI installs its own handlers of the deadly signals, and
     * libFuzzer does not replace a handler it finds, so a crash would not
     * be saved: put back the ones from before MPI_Init (ASan's, or none). */
    static const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    struct sigaction old[sizeof sigs / sizeof sigs[0]];
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], NULL, &old[i]);
    MPI_Init(NULL, NULL);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &old[i], NULL);
    atexit(fz_finalize_);
  }
  const char *base = getenv("PAWPROJ_FUZZ_TMP");
  if (!base || !*base) base = getenv("TMPDIR");
  if (!base || !*base) base = "/tmp";
  snprintf(fz_dir_, sizeof fz_dir_, "%s/pawproj-fuzz-XXXXXX", base);
  if (!mkdtemp(fz_dir_)) {
    perror(fz_dir_);
    abort();
  }
  atexit(fz_cleanup_);
}

static inline const char *fz_dir(void) { return fz_dir_; }

/* The input as a NUL-terminated string (malloc'd; caller frees). */
static inline char *fz_text(const uint8_t *data, size_t size) {
  char *t = malloc(size + 1);
  FZ_REQUIRE(t, "out of memory");
  memcpy(t, data, size);
  t[size] = '\0';
  return t;
}

/* The LLVMFuzzerInitialize every target uses: MPI and the private directory. */
#define FZ_DEFINE_INITIALIZE                             \
  int LLVMFuzzerInitialize(int *argc, char ***argv);     \
  int LLVMFuzzerInitialize(int *argc, char ***argv) {    \
    (void)argc, (void)argv;                              \
    fz_init();                                           \
    return 0;                                            \
  }

/* Writes the input to fz_dir()/name; returns the path (static storage). */
static inline const char *fz_write(const char *name, const uint8_t *data, size_t size) {
  static char path[640];
  snprintf(path, sizeof path, "%s/%s", fz_dir_, name);
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    abort();
  }
  if (size && fwrite(data, 1, size, f) != size) {
    perror(path);
    abort();
  }
  fclose(f);
  return path;
}

/* A failure must carry its status and one message naming the file. */
static inline void fz_check_failure(pp_status st, const pp_err *e, const char *path) {
  static int verbose = -1;
  if (verbose < 0) verbose = getenv("PAWPROJ_FUZZ_VERBOSE") != NULL;
  if (verbose) fprintf(stderr, "[refused] %s\n", e->msg);
  FZ_REQUIRE(st != PP_OK, "internal: fz_check_failure on success");
  FZ_REQUIRE(e->code == st, "status %d returned but err.code is %d (%s)", (int)st, (int)e->code,
             e->msg);
  FZ_REQUIRE(e->msg[0] != '\0', "status %d without a message", (int)st);
  FZ_REQUIRE(memchr(e->msg, '\0', sizeof e->msg) != NULL, "message not terminated");
  FZ_REQUIRE(strstr(e->msg, path) != NULL, "message does not name the file %s: %s", path,
             e->msg);
}

/* 1 if s (capacity n) is NUL-terminated within n bytes. */
static inline int fz_terminated(const char *s, size_t n) { return memchr(s, '\0', n) != NULL; }

#endif
