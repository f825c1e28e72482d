/* fft_slab.c — FFTW-MPI's distributed 3-D transform alone, timed per
 * state as `density` used it on a z-slab grid until 2026-12-06: fill the
 * reciprocal slab, backward FFT over the ranks, accumulate |ψ|² in the
 * z-slab output. It is the reference for par/rgrid.c's communication-free
 * transform (docs/performance.md, "Distributed FFT"). Two plans side by
 * side in one run:
 *   plain          reciprocal z-slabs in, z-slabs out (two global transposes)
 *   transposed-in  reciprocal y-slabs in, z-slabs out (one)
 * Both FFTW_ESTIMATE. Run it with 1 and with N ranks; the ratio of
 * per-state times is the scaling of the transform.
 *
 *   mpicc -O2 -std=c17 fft_slab.c -o fft_slab -lfftw3_mpi -lfftw3 -lm
 *   mpirun -n 2 ./fft_slab 288 16      (grid edge, states per plan)
 *
 * Prints one JSON object per plan on rank 0: seconds per state (median of
 * three passes of STATES states) and a checksum of Σ|ψ|² that must be the
 * same for both plans and every rank count (to rounding).
 */
#include <complex.h>
#include <fftw3-mpi.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double median3(double a, double b, double c) {
  if (a > b) { double t = a; a = b; b = t; }
  if (b > c) { double t = b; b = c; c = t; }
  return a > b ? a : b;
}

/* One pass: STATES transforms of a few random-looking low-G coefficients. */
static double pass(fftw_plan p, fftw_complex *buf, ptrdiff_t in_len, int transposed, ptrdiff_t lo, ptrdiff_t nl,
                   int n, ptrdiff_t out_len, double *rho, int states, double *sum) {
  MPI_Barrier(MPI_COMM_WORLD);
  const double t0 = MPI_Wtime();
  for (int s = 0; s < states; s++) {
    memset(buf, 0, sizeof *buf * (size_t)in_len);
    /* 9³ coefficients around G = 0 (indices wrap), in the input layout. */
    for (int a = -4; a <= 4; a++)
      for (int b = -4; b <= 4; b++)
        for (int c = -4; c <= 4; c++) {
          const ptrdiff_t x = (a + n) % n, y = (b + n) % n, z = (c + n) % n;
          const ptrdiff_t slab = transposed ? y : z;
          if (slab < lo || slab >= lo + nl) continue;
          const double complex v = cos(a + 2.0 * b + 3.0 * c + s) + I * sin(3.0 * a - b + c + s);
          const size_t i = transposed ? ((size_t)(y - lo) * n + z) * n + x : ((size_t)(z - lo) * n + y) * n + x;
          buf[i] = v;
        }
    fftw_execute(p);
    for (ptrdiff_t i = 0; i < out_len; i++) rho[i] += creal(buf[i]) * creal(buf[i]) + cimag(buf[i]) * cimag(buf[i]);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  const double t = MPI_Wtime() - t0;
  double loc = 0;
  for (ptrdiff_t i = 0; i < out_len; i++) loc += rho[i];
  MPI_Allreduce(&loc, sum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return t / states;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  fftw_mpi_init();
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int n = argc > 1 ? atoi(argv[1]) : 288, states = argc > 2 ? atoi(argv[2]) : 16;
  if (n < 16 || n > 1024 || states < 1) {
    if (!rank) fprintf(stderr, "usage: fft_slab [EDGE 16..1024] [STATES >= 1]\n");
    MPI_Finalize();
    return 2;
  }
  ptrdiff_t nzl, z0, nyl, y0;
  const ptrdiff_t alloc = fftw_mpi_local_size_3d_transposed(n, n, n, MPI_COMM_WORLD, &nzl, &z0, &nyl, &y0);
  fftw_complex *buf = fftw_alloc_complex((size_t)(alloc > 0 ? alloc : 1));
  const ptrdiff_t out_len = nzl * n * n;
  double *rho = calloc((size_t)(out_len > 0 ? out_len : 1), sizeof *rho);
  if (!buf || !rho) {
    fprintf(stderr, "fft_slab: out of memory for a %d^3 slab\n", n);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  /* Touch everything once so neither plan pays the first-touch faults. */
  memset(buf, 0, sizeof *buf * (size_t)(alloc > 0 ? alloc : 1));
  const char *names[2] = {"plain", "transposed-in"};
  for (int t = 0; t < 2; t++) {
    const unsigned flags = FFTW_ESTIMATE | (t ? FFTW_MPI_TRANSPOSED_IN : 0);
    fftw_plan p = fftw_mpi_plan_dft_3d(n, n, n, buf, buf, MPI_COMM_WORLD, FFTW_BACKWARD, flags);
    if (!p) {
      fprintf(stderr, "fft_slab: FFTW-MPI could not plan %s\n", names[t]);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    double sec[3], sum = 0;
    for (int r = 0; r < 3; r++) {
      memset(rho, 0, sizeof *rho * (size_t)(out_len > 0 ? out_len : 1));
      sec[r] = pass(p, buf, t ? nyl * n * n : nzl * n * n, t, t ? y0 : z0, t ? nyl : nzl, n, out_len, rho, states,
                    &sum);
    }
    if (!rank)
      printf("{\"plan\": \"%s\", \"ranks\": %d, \"edge\": %d, \"states\": %d, \"seconds_per_state\": %.6f, "
             "\"checksum\": %.15e}\n", names[t], size, n, states, median3(sec[0], sec[1], sec[2]), sum);
    fftw_destroy_plan(p);
  }
  fftw_free(buf);
  free(rho);
  fftw_mpi_cleanup();
  MPI_Finalize();
  return 0;
}
