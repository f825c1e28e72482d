/* check.h — the unit tests' minimal harness: CHECK records a failure with
 * its location and carries on; CHECK_DONE prints the ctest-readable
 * summary and returns the exit status. */
#ifndef PAWPROJ_TEST_CHECK_H
#define PAWPROJ_TEST_CHECK_H

#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                          \
  do {                                                            \
    if (cond) {                                                   \
      check_passed++;                                             \
    } else {                                                      \
      check_failed++;                                             \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);        \
      fprintf(stderr, __VA_ARGS__);                               \
      fprintf(stderr, "\n");                                      \
    }                                                             \
  } while (0)

#define CHECK_DONE(name)                                                  \
  (printf("%s: %d passed, %d failed\n", (name), check_passed, check_failed), \
   check_failed ? 1 : 0)

#endif
