/* projectplan.h — `project --dry-run`: the plan of a run without its
 * stages. After pp_project_open (headers, structures, weights, layout,
 * the bulk's PAW side), each defect's PAW side is set up in turn (its pair
 * terms size the PAW scratch) and the per-rank bytes of every pool the
 * stages would take are computed by the functions the stages check their
 * needs with (wfset.h, overlap.h, ipr.h), on the slices' shapes alone:
 * nothing is read but headers. The resident memory after setup is
 * measured, and the estimated peak is that plus the pools at their peak
 * (the bulk slice and the largest defect). The plan is refused, as the
 * run would be, when its pools exceed --mem-per-rank. Collective over
 * ctx->world; the status is agreed.
 */
#ifndef PAWPROJ_PROJECTPLAN_H
#define PAWPROJ_PROJECTPLAN_H

#include "pawproj/analysis/projectrun.h"

/* What stage "project" checks before it reads the bulk, per rank: the
 * bulk slice, and a first estimate of one defect's slice and gathered
 * bands (its PAW side does not exist yet; stage "defect" checks the exact
 * figure of pp_project_defect_plan when it does). */
size_t pp_project_bulk_need(const pp_project_result *r);

/* Bytes of one run's slice [lo, hi) under lay and of the buffers reading
 * it takes (with the unfolding of a symmetry-reduced run). */
size_t pp_project_run_need(const pp_layout *lay, const pp_dataset *ds, int lo, int hi);
size_t pp_project_defect_need(const pp_project_result *r, const pp_project_defect *d);

/* The exact bytes of d's stage "defect" on this rank (its slice, then the
 * larger of the IPR and overlap stages, with the PAW scratch of one item
 * and, with --h5, the projections kept), its reads and flops; d's PAW side
 * must be set up (pp_project_defect_begin); bulk may be a shape only
 * (pp_wfset_shape); items: lay->nitems ints of scratch. */
pp_status pp_project_defect_plan(const pp_project_setup *s, const pp_project_result *r, const pp_project_defect *d,
                                 const pp_wfset *bulk, int *items, double *bytes, double *read, double *flops,
                                 pp_err *err);

/* Fills r->plan. */
pp_status pp_project_plan_make(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err);

#endif
