/* wfset.c — reading this rank's coefficient slice (see wfset.h). */
#include "pawproj/io/wfset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/agree.h"

/* Streaming piece: raw bytes plus their widened copy (3× this) fit in a
 * core's L2, so the consumer reads the piece from cache; measured with
 * scripts/bench (docs/performance.md). */
#define SCAN_PIECE ((size_t)256 << 10)

/* Read buffer: whole records, up to this many bytes (at least one). */
#define IO_CHUNK ((size_t)32 << 20)

/* Never more than the slice itself, never less than one record. */
static size_t io_bytes(const pp_wavecar *wc, int nb) {
  size_t want = (size_t)(nb > 0 ? nb : 1) * (size_t)wc->reclen;
  if (want > IO_CHUNK) want = IO_CHUNK;
  return want < (size_t)wc->reclen ? (size_t)wc->reclen : want;
}

static int count_local(const pp_layout *lay) {
  int n = 0;
  for (int i = 0; i < lay->nitems; i++) n += pp_layout_owns_item(lay, i);
  return n;
}

size_t pp_wfset_need(const pp_layout *lay, const pp_wavecar *wc, int lo,
                     int hi) {
  int b0, nb;
  pp_layout_bands(lay, hi - lo, lay->brank, &b0, &nb);
  size_t bytes = 0;
  for (int i = 0; i < lay->nitems; i++)
    if (pp_layout_owns_item(lay, i))
      bytes += (size_t)nb * (size_t)pp_wavecar_nstored(wc, i % wc->nkpts) * 16;
  const int n = count_local(lay);
  return bytes + (size_t)n * (sizeof(int) + sizeof(void *)) + pp_wfset_io_need(lay, wc, lo, hi);
}

size_t pp_wfset_io_need(const pp_layout *lay, const pp_wavecar *wc, int lo, int hi) {
  int b0, nb;
  pp_layout_bands(lay, hi - lo, lay->brank, &b0, &nb);
  return io_bytes(wc, nb);
}

size_t pp_wfset_scan_need(const pp_layout *lay, const pp_wavecar *wc, int lo, int hi) {
  int b0, nb;
  pp_layout_bands(lay, hi - lo, lay->brank, &b0, &nb);
  if (nb <= 0 || count_local(lay) == 0) return 0; /* scan_local allocates nothing */
  return SCAN_PIECE + (size_t)(SCAN_PIECE / (size_t)wc->coef_bytes) * 16;
}

static void report(const char *progress, const pp_layout *lay, int s, int k, int j, int n) {
  if (progress && lay->rank == 0)
    fprintf(stderr, "[pawproj] reading %s: spin %d k-point %d (%d/%d on rank 0)\n", progress,
            s + 1, k + 1, j, n);
}

static pp_status read_local(const pp_layout *lay, const pp_wavecar *wc,
                            pp_pool *wf_pool, pp_pool *io_pool,
                            const char *progress, pp_wfset *set,
                            pp_err *err) {
  set->nlocal = count_local(lay);
  PP_CALL(pp_pool_alloc(wf_pool, sizeof(int) * (size_t)(set->nlocal + 1),
                        (void **)&set->item, err));
  PP_CALL(pp_pool_alloc(wf_pool, sizeof(void *) * (size_t)(set->nlocal + 1),
                        (void **)&set->c, err));
  for (int i = 0, j = 0; i < lay->nitems; i++)
    if (pp_layout_owns_item(lay, i)) set->item[j++] = i;
  void *scratch = NULL;
  const size_t sb = io_bytes(wc, set->nb);
  if (set->nb > 0 && set->nlocal > 0)
    PP_CALL(pp_pool_alloc(io_pool, sb, &scratch, err));
  pp_bytesrc src;
  memset(&src, 0, sizeof src);
  if (set->nb > 0 && set->nlocal > 0)
    PP_CALL(pp_bytesrc_open(wc->path, &src, err));
  pp_status st = PP_OK;
  for (int j = 0; j < set->nlocal; j++) {
    const int s = pp_wfset_spin(set, j), k = set->item[j] % wc->nkpts;
    const int64_t ld = pp_wavecar_nstored(wc, k);
    PP_TRY(pp_pool_alloc(wf_pool, (size_t)set->nb * (size_t)ld * 16 + 16,
                         (void **)&set->c[j], err));
    if (set->nb > 0)
      PP_TRY(pp_wavecar_read_bands(wc, &src, s, k, set->b0, set->nb,
                                   set->c[j], ld, scratch, sb, err));
    set->bytes_read += (double)set->nb * (double)wc->reclen;
    report(progress, lay, s, k, j + 1, set->nlocal);
  }
done:
  pp_bytesrc_close(&src);
  return st;
}

pp_status pp_wfset_begin(const pp_layout *lay, const pp_wavecar *wc, int lo, int hi, int flip, pp_wfset *set,
                         pp_err *err) {
  memset(set, 0, sizeof *set);
  if (flip && wc->nspin != 2)
    PP_FAIL(err, PP_ERR_ARG, "%s: spin flip needs a spin-polarised (ISPIN = 2) file", wc->path);
  set->flip = flip;
  set->wc = wc;
  set->lo = lo;
  set->hi = hi;
  int off, nb;
  pp_layout_bands(lay, hi - lo, lay->brank, &off, &nb);
  set->b0 = lo + off;
  set->nb = nb;
  return PP_OK;
}

pp_status pp_wfset_shape(const pp_layout *lay, const pp_wavecar *wc, int lo, int hi, int *items, pp_wfset *set,
                         pp_err *err) {
  PP_CALL(pp_wfset_begin(lay, wc, lo, hi, 0, set, err));
  set->item = items;
  for (int i = 0; i < lay->nitems; i++)
    if (pp_layout_owns_item(lay, i)) items[set->nlocal++] = i;
  return PP_OK;
}

pp_status pp_wfset_read(const pp_layout *lay, const pp_wavecar *wc, int lo,
                        int hi, int flip, pp_pool *wf_pool, pp_pool *io_pool,
                        const char *progress, pp_wfset *set, pp_err *err) {
  PP_CALL(pp_wfset_begin(lay, wc, lo, hi, flip, set, err));
  pp_status st = read_local(lay, wc, wf_pool, io_pool, progress, set, err);
  return pp_agree(st, err, lay->world);
}

static pp_status scan_local(const pp_layout *lay, const pp_wavecar *wc, int b0, int nb,
                            pp_pool *io_pool, const char *progress, pp_wfset_visit visit,
                            void *arg, double *bytes_read, pp_err *err) {
  const int nlocal = count_local(lay);
  if (nb <= 0 || nlocal == 0) return PP_OK;
  const int64_t per = (int64_t)(SCAN_PIECE / (size_t)wc->coef_bytes);
  void *raw;
  double complex *piece;
  PP_CALL(pp_pool_alloc(io_pool, SCAN_PIECE, &raw, err));
  PP_CALL(pp_pool_alloc(io_pool, (size_t)per * 16, (void **)&piece, err));
  pp_bytesrc src;
  PP_CALL(pp_bytesrc_open(wc->path, &src, err));
  pp_status st = PP_OK;
  for (int i = 0, j = 0; i < lay->nitems; i++) {
    if (!pp_layout_owns_item(lay, i)) continue;
    const int s = i / wc->nkpts, k = i % wc->nkpts;
    const int64_t nst = pp_wavecar_nstored(wc, k);
    for (int b = b0; b < b0 + nb; b++)
      for (int64_t g0 = 0; g0 < nst; g0 += per) {
        const int64_t n = nst - g0 < per ? nst - g0 : per;
        double ss;
        PP_TRY(pp_wavecar_read_piece(wc, &src, s, k, b, g0, n, piece, raw, &ss, err));
        PP_TRY(visit(arg, i, b, g0, n, piece, ss, err));
      }
    *bytes_read += (double)nb * (double)wc->reclen;
    report(progress, lay, s, k, ++j, nlocal);
  }
done:
  pp_bytesrc_close(&src);
  return st;
}

pp_status pp_wfset_scan(const pp_layout *lay, const pp_wavecar *wc, int lo, int hi,
                        pp_pool *io_pool, const char *progress, pp_wfset_visit visit, void *arg,
                        double *bytes_read, pp_err *err) {
  int off, nb;
  pp_layout_bands(lay, hi - lo, lay->brank, &off, &nb);
  *bytes_read = 0;
  pp_status st = scan_local(lay, wc, lo + off, nb, io_pool, progress, visit, arg, bytes_read, err);
  return pp_agree(st, err, lay->world);
}

size_t pp_wfset_band_scratch_bytes(const pp_wavecar *wc) { return (size_t)wc->reclen; }

pp_status pp_wfset_read_band_buf(const pp_wavecar *wc, pp_bytesrc *src, int s, int k, int b, double complex *c,
                                 void *scratch, MPI_Comm comm, pp_err *err) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  pp_status st = PP_OK;
  if (rank == 0) {
    pp_bytesrc own;
    void *mine = NULL; /* the scratch of a caller that passed none */
    if (!scratch && !(scratch = mine = malloc(pp_wfset_band_scratch_bytes(wc))))
      st = pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    if (st == PP_OK && !src && (st = pp_bytesrc_open(wc->path, &own, err)) == PP_OK) src = &own;
    if (st == PP_OK)
      st = pp_wavecar_read_bands(wc, src, s, k, b, 1, c, pp_wavecar_nstored(wc, k), scratch,
                                 pp_wfset_band_scratch_bytes(wc), err);
    if (src == &own) pp_bytesrc_close(&own);
    free(mine);
  }
  PP_CALL(pp_agree(st, err, comm));
  MPI_Bcast(c, (int)pp_wavecar_nstored(wc, k), MPI_C_DOUBLE_COMPLEX, 0, comm);
  return PP_OK;
}

pp_status pp_wfset_read_band(const pp_wavecar *wc, pp_bytesrc *src, int s, int k, int b, double complex *c,
                             MPI_Comm comm, pp_err *err) {
  return pp_wfset_read_band_buf(wc, src, s, k, b, c, NULL, comm, err);
}
