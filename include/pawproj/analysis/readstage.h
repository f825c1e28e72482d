/* readstage.h — stage "read": one run's slice of bands into a pool of the
 * enclosing stage, the one way every command reads its coefficients.
 *
 * The stage owns only its file buffer ("io-buffer", with the unfolding
 * buffers of a symmetry-reduced run), released when the stage ends; the
 * slice itself lives in `wf`, which the caller's later stages use. The
 * buffer's need is checked against the budget first (collective over
 * ctx->world, as every read is). Progress lines carry `progress` unless
 * ctx->quiet. The bytes read count as the stage's work.
 */
#ifndef PAWPROJ_READSTAGE_H
#define PAWPROJ_READSTAGE_H

#include "pawproj/core/ctx.h"
#include "pawproj/io/datakmesh.h"

/* Bytes of the read stage's own buffers for ds's bands [lo, hi) on lay. */
size_t pp_read_stage_need(const pp_layout *lay, const pp_dataset *ds, int lo, int hi);

/* pp_dataset_read of ds's bands [lo, hi) (flip: the other spin channel)
 * inside its own stage "read". */
pp_status pp_read_stage(pp_ctx *ctx, const pp_layout *lay, const pp_dataset *ds, int lo, int hi, int flip,
                        pp_pool *wf, const char *progress, pp_wfset *set, pp_err *err);

#endif
