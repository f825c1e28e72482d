/* readstage.c — stage "read" of one run's slice (see readstage.h). */
#include "pawproj/analysis/readstage.h"

#include "pawproj/core/stage.h"
#include "pawproj/io/wfunfold.h"

size_t pp_read_stage_need(const pp_layout *lay, const pp_dataset *ds, int lo, int hi) {
  size_t n = pp_wfset_io_need(lay, &ds->wc, lo, hi);
  if (ds->unfold) n += pp_wfset_unfold_io_need(lay, &ds->wc, ds->unfold, lo, hi);
  return n;
}

pp_status pp_read_stage(pp_ctx *ctx, const pp_layout *lay, const pp_dataset *ds, int lo, int hi, int flip,
                        pp_pool *wf, const char *progress, pp_wfset *set, pp_err *err) {
  pp_stage sg = {0};
  pp_pool *io = NULL;
  pp_status st = PP_OK;
  PP_TRY(pp_stage_begin(ctx, "read", &sg, err));
  PP_TRY(pp_stage_need(&sg, "io-buffer", pp_read_stage_need(lay, ds, lo, hi), err));
  PP_TRY(pp_stage_pool(&sg, "io-buffer", NULL, 0, &io, err));
  PP_TRY(pp_dataset_read(lay, ds, lo, hi, flip, wf, io, ctx->quiet ? NULL : progress, set, err));
  pp_stage_add_work(&sg, set->bytes_read, 0);
  PP_TRY(pp_stage_end(&sg, err));
done:
  pp_stage_abort(&sg);
  return st;
}
