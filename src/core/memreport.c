/* memreport.c — per-stage memory table over ranks (see ctx.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/ctx.h"

/* Peak of (stage, name) on this rank: the largest of its instances. */
static double local_peak(const pp_pools *p, const char *stage,
                         const char *name) {
  size_t m = 0;
  for (int i = 0; i < p->nrecords; i++)
    if (!strcmp(p->records[i].stage, stage) && !strcmp(p->records[i].name, name) &&
        p->records[i].peak > m)
      m = p->records[i].peak;
  return (double)m;
}

void pp_memreport_print(const pp_ctx *ctx, FILE *f) {
  const pp_pools *p = &ctx->pools;
  /* Rank 0's list of pools defines the rows; every rank creates the same
   * pools (possibly empty), so the others look theirs up by name. */
  int n = ctx->rank == 0 ? p->nrecords : 0;
  MPI_Bcast(&n, 1, MPI_INT, 0, ctx->world);
  pp_pool_record *rows = calloc((size_t)n + 1, sizeof *rows);
  if (ctx->rank == 0 && n) memcpy(rows, p->records, (size_t)n * sizeof *rows);
  MPI_Bcast(rows, (int)((size_t)n * sizeof *rows), MPI_BYTE, 0, ctx->world);
  if (ctx->rank == 0) {
    fprintf(f, "\nMemory per rank (peak bytes over %d rank%s)\n", ctx->size,
            ctx->size > 1 ? "s" : "");
    fprintf(f, "  %-10s %-18s %12s %12s %12s\n", "stage", "pool", "min", "avg", "max");
  }
  for (int i = 0; i <= n; i++) {
    int dup = 0;
    for (int j = 0; j < i && i < n; j++)
      dup |= !strcmp(rows[j].stage, rows[i].stage) && !strcmp(rows[j].name, rows[i].name);
    if (dup) continue;
    double v = i < n ? local_peak(p, rows[i].stage, rows[i].name) : (double)p->peak_bytes;
    double mn, mx, sum;
    MPI_Reduce(&v, &mn, 1, MPI_DOUBLE, MPI_MIN, 0, ctx->world);
    MPI_Reduce(&v, &mx, 1, MPI_DOUBLE, MPI_MAX, 0, ctx->world);
    MPI_Reduce(&v, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, ctx->world);
    if (ctx->rank == 0) {
      char a[32], b[32], c[32];
      fprintf(f, "  %-10s %-18s %12s %12s %12s\n", i < n ? rows[i].stage : "all",
              i < n ? rows[i].name : "(live total)",
              pp_format_bytes((size_t)mn, a, sizeof a),
              pp_format_bytes((size_t)(sum / ctx->size), b, sizeof b),
              pp_format_bytes((size_t)mx, c, sizeof c));
    }
  }
  free(rows);
}
