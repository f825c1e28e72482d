/* inforun.c — the summary `pawproj info` reports (see inforun.h). */
#include "pawproj/analysis/inforun.h"

#include <string.h>

#include "pawproj/core/agree.h"

/* Bytes of all coefficients once widened to complex128 in memory. */
static double full_load_bytes(const pp_wavecar *wc) {
  double n = 0;
  for (int k = 0; k < wc->nkpts; k++) n += (double)pp_wavecar_nstored(wc, k);
  return n * wc->nbands * wc->nspin * 16.0;
}

/* Every rank computes it (small text files and spglib on the cell), so
 * that the result is the same everywhere without packing it. */
static pp_status summarise(const pp_info_setup *s, pp_info_result *r, pp_err *err) {
  pp_bandstats_edges(&r->ds.wc, &r->edges);
  r->full_load_bytes = full_load_bytes(&r->ds.wc);
  char dir[4096];
  pp_dataset_dir(&r->ds, dir, sizeof dir);
  PP_CALL(pp_lreal_detect(dir, &r->lreal, err));
  return pp_symreport_build(&r->ds, s->symprec, &r->sym, err);
}

pp_status pp_info_run(pp_ctx *ctx, const pp_info_setup *s, pp_info_result *r, pp_err *err) {
  memset(r, 0, sizeof *r);
  const pp_status st = pp_dataset_open("input", s->path, s->force, 0, ctx, &r->ds, err);
  if (st != PP_OK) { /* the dataset freed itself */
    memset(r, 0, sizeof *r);
    return st;
  }
  const pp_status sum = pp_agree(summarise(s, r, err), err, ctx->world);
  if (sum != PP_OK) pp_info_result_free(r); /* the caller frees only a result it got */
  return sum;
}

void pp_info_result_free(pp_info_result *r) {
  pp_symreport_free(&r->sym);
  pp_dataset_free(&r->ds);
  memset(r, 0, sizeof *r);
}
