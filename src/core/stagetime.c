/* stagetime.c — wall time and rates of a finished stage (see ctx.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/ctx.h"

void pp_stage_done(const pp_ctx *ctx, const char *stage, double *t0,
                   double bytes, double flops) {
  double sums[2] = {bytes, flops}, tot[2] = {0, 0};
  MPI_Allreduce(sums, tot, 2, MPI_DOUBLE, MPI_SUM, ctx->world);
  const double t = MPI_Wtime() - *t0;
  if (ctx->rank == 0 && !ctx->quiet) {
    fprintf(stderr, "[pawproj] stage %-8s %9.3f s", stage, t);
    if (tot[0] > 0) fprintf(stderr, "  %.3f GB read, %.3f GB/s", tot[0] / 1e9, tot[0] / 1e9 / (t > 0 ? t : 1e-30));
    if (tot[1] > 0) fprintf(stderr, "  %.3f GFLOP, %.2f GFLOP/s", tot[1] / 1e9, tot[1] / 1e9 / (t > 0 ? t : 1e-30));
    fprintf(stderr, "\n");
  }
  *t0 = MPI_Wtime();
}

void pp_peak_rss(const pp_ctx *ctx, double *min_mib, double *max_mib) {
  double kib = 0;
  FILE *f = fopen("/proc/self/status", "r");
  if (f) {
    char line[256];
    while (fgets(line, sizeof line, f))
      if (!strncmp(line, "VmHWM:", 6)) kib = atof(line + 6);
    fclose(f);
  }
  const double mib = kib / 1024;
  MPI_Allreduce(&mib, min_mib, 1, MPI_DOUBLE, MPI_MIN, ctx->world);
  MPI_Allreduce(&mib, max_mib, 1, MPI_DOUBLE, MPI_MAX, ctx->world);
}
