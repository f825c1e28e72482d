/* wswqout.c — writing WSWQ files (see wswqout.h). */
#include "pawproj/io/wswqout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/agree.h"
#include "pawproj/core/outfile.h"

#define DEGENERATE_EV 1e-3

size_t pp_wswqout_need(const pp_wswq_in *in, int rank) {
  if (rank != 0) return 0;
  const size_t nd = (size_t)(in->hi - in->lo), nb = (size_t)in->ref->wc->nbands;
  return nd * nb * sizeof(double complex) * 2 + 64; /* the matrix of one k-point and one received block */
}

/* This rank's part of the layout, gathered: kgroup, b0, nb per world rank. */
static pp_status gather_slices(MPI_Comm world, const pp_wswq_in *in, int **slices, pp_err *err) {
  int size;
  MPI_Comm_size(world, &size);
  *slices = malloc(sizeof **slices * 3 * (size_t)size);
  if (!*slices) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  const int mine[3] = {in->lay->kgroup, in->ref->b0, in->ref->nb};
  MPI_Allgather(mine, 3, MPI_INT, *slices, 3, MPI_INT, world);
  return PP_OK;
}

/* Degenerate groups of Q0 bands wholly inside the window, at (s, k). */
static void group_checks(const pp_wavecar *wc, int s, int k, int lo, int hi, const double complex *M, int nb,
                         pp_wswq_checks *c) {
  const double *e = wc->eig + pp_wavecar_idx(wc, s, k, 0);
  for (int j0 = lo; j0 < hi;) {
    int j1 = j0 + 1;
    while (j1 < wc->nbands && fabs(e[j1] - e[j1 - 1]) < DEGENERATE_EV) j1++;
    const int inside = (j0 == 0 || fabs(e[j0] - e[j0 - 1]) >= DEGENERATE_EV) && j1 <= hi;
    if (inside) {
      double sum = 0;
      for (int j = j0; j < j1; j++)
        for (int n = 0; n < hi - lo; n++) {
          const double complex w = M[(size_t)n * nb + j];
          sum += creal(w) * creal(w) + cimag(w) * cimag(w);
        }
      sum /= j1 - j0;
      if (c->ngroups == 0 || sum < c->group_min) c->group_min = sum;
      if (c->ngroups == 0 || sum > c->group_max) c->group_max = sum;
      c->ngroups++;
    }
    j0 = j1;
  }
}

/* Rank 0: receives item it's blocks into M (nd, nbands) and, unless f is
 * NULL (an earlier write failed), writes them. */
static pp_status write_item(MPI_Comm world, const pp_wswq_in *in, const int *slices, int it, double complex *M,
                            double complex *blk, FILE *f, pp_wswq_checks *c, pp_err *err) {
  const pp_wavecar *wc = in->ref->wc;
  const int nd = in->hi - in->lo, nb = wc->nbands;
  int size;
  MPI_Comm_size(world, &size);
  for (int r = 0; r < size; r++) {
    const int g = slices[3 * r], b0 = slices[3 * r + 1], cnt = slices[3 * r + 2];
    if (g != it % in->lay->nkgroups || cnt <= 0) continue;
    const double complex *src = blk;
    if (r == 0) {
      int j = 0;
      while (in->ref->item[j] != it) j++;
      src = in->S + (size_t)j * nd * in->ref->nb;
    } else if (MPI_Recv(blk, nd * cnt, MPI_C_DOUBLE_COMPLEX, r, it, world, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
      PP_FAIL(err, PP_ERR_MPI, "MPI_Recv of overlaps for the WSWQ file failed");
    }
    for (int n = 0; n < nd; n++) memcpy(M + (size_t)n * nb + b0, src + (size_t)n * cnt, sizeof *M * (size_t)cnt);
  }
  if (!f) return PP_OK;
  const int s = it / wc->nkpts, k = it % wc->nkpts;
  fprintf(f, "   spin=%d, kpoint=%6d\n", s + 1, k + 1);
  for (int j = in->lo; j < in->hi; j++)
    for (int i = in->lo; i < in->hi; i++) {
      const double complex w = M[(size_t)(j - in->lo) * nb + i]; /* <ψ_i(Q0)|S|ψ_j(Q)> */
      fprintf(f, "i=%6d, j=%6d : %17.12f %17.12f\n", i + 1, j + 1, creal(w), cimag(w));
      const double dev = cabs(w - (i == j ? 1.0 : 0.0));
      if (dev > c->identity) c->identity = dev;
    }
  group_checks(wc, s, k, in->lo, in->hi, M, nb, c);
  return PP_OK;
}

pp_status pp_wswqout_write(MPI_Comm world, const char *path, const pp_wswq_in *in, pp_pool *pool,
                           pp_wswq_checks *checks, pp_err *err) {
  int rank;
  MPI_Comm_rank(world, &rank);
  memset(checks, 0, sizeof *checks);
  const pp_wavecar *wc = in->ref->wc;
  const int nd = in->hi - in->lo, nitems = wc->nspin * wc->nkpts;
  pp_outfile o = {0};
  double complex *M = NULL;
  int *slices = NULL;
  pp_status st = gather_slices(world, in, &slices, err);
  if (st == PP_OK && rank == 0) st = pp_pool_alloc(pool, pp_wswqout_need(in, 0), (void **)&M, err);
  if (st == PP_OK && rank == 0) st = pp_outfile_open(path, &o, err);
  st = pp_agree(st, err, world);
  if (st != PP_OK) {
    free(slices);
    return st;
  }
  /* Rank 0 receives every block, also after a failed write, so that no
   * sender waits forever; the file is then discarded. */
  MPI_Request *req = malloc(sizeof *req * ((size_t)in->ref->nlocal + 1));
  int nreq = 0;
  if (!req) st = pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
  for (int j = 0; st == PP_OK && rank != 0 && in->ref->nb > 0 && j < in->ref->nlocal; j++)
    MPI_Isend(in->S + (size_t)j * nd * in->ref->nb, nd * in->ref->nb, MPI_C_DOUBLE_COMPLEX, 0, in->ref->item[j],
              world, &req[nreq++]);
  if (rank == 0) {
    double complex *blk = M + (size_t)nd * wc->nbands;
    pp_status ws = PP_OK;
    for (int it = 0; it < nitems && st == PP_OK; it++) {
      memset(M, 0, sizeof *M * (size_t)nd * wc->nbands);
      const pp_status is = write_item(world, in, slices, it, M, blk, ws == PP_OK ? o.f : NULL, checks, err);
      if (ws == PP_OK) ws = is;
    }
    if (st == PP_OK) st = ws;
    if (st == PP_OK) st = pp_outfile_commit(&o, err);
    else pp_outfile_abort(&o);
  }
  if (nreq) MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE);
  free(req);
  free(slices);
  st = pp_agree(st, err, world);
  MPI_Bcast(checks, (int)(sizeof *checks), MPI_BYTE, 0, world);
  return st;
}
