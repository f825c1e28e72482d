/* memtouch.c — how fast can a process put data into fresh memory?
 *
 * Build:  cc -O2 -std=c17 memtouch.c -o memtouch
 * Run:    memtouch [MiB]          (default 1024)
 *
 * Maps MiB of anonymous memory and writes every byte once ("first touch":
 * page faults + kernel zeroing + the write), then once more ("second
 * touch": plain memory bandwidth). Done twice: with 4 KiB pages
 * (MADV_NOHUGEPAGE) and with transparent huge pages (MADV_HUGEPAGE).
 * Prints one line per mode:
 *
 *   memtouch pages=4k mib=1024 first_touch_gbs=... second_touch_gbs=...
 *
 * A reader that stores N bytes of coefficients must pay first-touch cost
 * for N bytes; on virtual machines this can be far below disk or page-cache
 * bandwidth, and it bounds any "read into memory" benchmark.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int run(size_t bytes, int huge) {
  char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("memtouch: mmap");
    return 1;
  }
#if defined(MADV_HUGEPAGE) && defined(MADV_NOHUGEPAGE)
  madvise(p, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
#endif
  double t = now();
  memset(p, 1, bytes);
  const double t1 = now() - t;
  t = now();
  memset(p, 2, bytes);
  const double t2 = now() - t;
  volatile char sink = p[bytes - 1];
  (void)sink;
  printf("memtouch pages=%s mib=%zu first_touch_gbs=%.3f second_touch_gbs=%.3f\n",
         huge ? "thp" : "4k", bytes >> 20, (double)bytes / 1e9 / t1, (double)bytes / 1e9 / t2);
  fflush(stdout);
  munmap(p, bytes);
  return 0;
}

int main(int argc, char **argv) {
  const long mib = argc > 1 ? atol(argv[1]) : 1024;
  if (mib < 1) {
    fprintf(stderr, "usage: memtouch [MiB]\n");
    return 2;
  }
  const size_t bytes = (size_t)mib << 20;
  return run(bytes, 0) || run(bytes, 1);
}
