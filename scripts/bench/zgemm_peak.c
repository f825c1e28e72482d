/* zgemm_peak.c — ZGEMM throughput of this machine for overlap-like shapes.
 *
 * Build:  mpicc -O2 -std=c17 zgemm_peak.c -o zgemm_peak -lopenblas
 * Run:    [mpirun -n R] zgemm_peak [--m M] [--n N] [--k K] [--reps N]
 *                                  [--trans C|N] [--label TEXT]
 *
 * Every rank multiplies its own matrices, C(m×n) = op(A)·B with A (k×m)
 * for trans C (A^H·B, as pawproj's overlap does) or (m×k) for trans N,
 * B (k×n), all complex128, column-major. One untimed warm-up call (same
 * m, n, small k), then `reps` timed calls between barriers; the best rep
 * counts. Prints one line per shape:
 *
 *   zgemm label=... m=... n=... k=... trans=C ranks=R threads=T
 *         seconds=... gflop=... gflops=... gflops_per_rank=...
 *
 * gflops is the aggregate rate: total flops of all ranks / slowest rank's
 * time. FLOPs are counted as 8·m·n·k (complex multiply-add), as pawproj
 * counts its overlap stage.
 *
 * Big buffers come from mmap with MADV_HUGEPAGE where available: first
 * touch of fresh memory can be very slow on virtual machines, and that
 * set-up cost is not part of what is measured.
 */
#define _DEFAULT_SOURCE
#include <complex.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void zgemm_(const char *transa, const char *transb, const int *m, const int *n, const int *k,
            const double complex *alpha, const double complex *a, const int *lda,
            const double complex *b, const int *ldb, const double complex *beta,
            double complex *c, const int *ldc);
int openblas_get_num_threads(void);

static void *big_alloc(size_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
  madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return p;
}

static void fill(double complex *x, size_t n, uint64_t seed) {
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < n; i++) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    const double re = (double)(s >> 11) * 0x1.0p-53 - 0.5;
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    const double im = (double)(s >> 11) * 0x1.0p-53 - 0.5;
    x[i] = CMPLX(re, im);
  }
}

static int arg_int(int argc, char **argv, const char *name, int def) {
  for (int i = 1; i + 1 < argc; i++)
    if (!strcmp(argv[i], name)) return atoi(argv[i + 1]);
  return def;
}

static const char *arg_str(int argc, char **argv, const char *name, const char *def) {
  for (int i = 1; i + 1 < argc; i++)
    if (!strcmp(argv[i], name)) return argv[i + 1];
  return def;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      if (rank == 0)
        printf("usage: [mpirun -n R] zgemm_peak [--m M] [--n N] [--k K] [--reps N] "
               "[--trans C|N] [--label TEXT]\n");
      MPI_Finalize();
      return 0;
    }
  const int m = arg_int(argc, argv, "--m", 1000);
  const int n = arg_int(argc, argv, "--n", 1000);
  const int k = arg_int(argc, argv, "--k", 100000);
  const int reps = arg_int(argc, argv, "--reps", 1);
  const char *trans = arg_str(argc, argv, "--trans", "C");
  const char *label = arg_str(argc, argv, "--label", "zgemm");
  if (m < 1 || n < 1 || k < 1 || reps < 1 || (trans[0] != 'C' && trans[0] != 'N')) {
    if (rank == 0) fprintf(stderr, "zgemm_peak: bad arguments\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const size_t na = (size_t)k * m, nb = (size_t)k * n, nc = (size_t)m * n;
  double complex *a = big_alloc(na * 16), *b = big_alloc(nb * 16), *c = big_alloc(nc * 16);
  if (!a || !b || !c) {
    fprintf(stderr, "zgemm_peak: rank %d: cannot allocate %.2f GB\n", rank,
            (double)(na + nb + nc) * 16 / 1e9);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  fill(a, na, 1 + 2 * (uint64_t)rank);
  fill(b, nb, 2 + 2 * (uint64_t)rank);
  memset(c, 0, nc * 16);
  const double complex one = 1, zero = 0;
  const int ta = trans[0] == 'C';
  const int lda = ta ? k : m, ldb = k, ldc = m;
  /* Warm-up: thread pool start, page mapping of C, kernel selection. */
  {
    const int kw = k < 2000 ? k : 2000;
    zgemm_(trans, "N", &m, &n, &kw, &one, a, &lda, b, &ldb, &zero, c, &ldc);
  }
  double best = 1e300;
  for (int r = 0; r < reps; r++) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    zgemm_(trans, "N", &m, &n, &k, &one, a, &lda, b, &ldb, &zero, c, &ldc);
    const double t = MPI_Wtime() - t0;
    double tmax;
    MPI_Allreduce(&t, &tmax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    if (tmax < best) best = tmax;
  }
  const double flop = 8.0 * m * n * (double)k;
  /* Keep the result alive so the call cannot be dropped. */
  double check = creal(c[0]) + cimag(c[nc - 1]), sum;
  MPI_Reduce(&check, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  if (rank == 0)
    printf("zgemm label=%s m=%d n=%d k=%d trans=%c ranks=%d threads=%d seconds=%.4f "
           "gflop=%.2f gflops=%.2f gflops_per_rank=%.2f check=%.3e\n",
           label, m, n, k, trans[0], size, openblas_get_num_threads(), best,
           flop * size / 1e9, flop * size / 1e9 / best, flop / 1e9 / best, sum);
  munmap(a, na * 16);
  munmap(b, nb * 16);
  munmap(c, nc * 16);
  MPI_Finalize();
  return 0;
}
