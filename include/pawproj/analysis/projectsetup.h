/* projectsetup.h — the parts of pp_project_run (projectrun.h) before any
 * wavefunction is read.
 *
 * pp_project_open: the bulk and every defect run opened (headers,
 * structures, k-point weights), brought onto one k-point set when their
 * sets differ (datakmesh.h: symmetry-reduced runs unfolded to the full
 * mesh, each with its own structure's operations; the bulk is unfolded at
 * most once, and every defect is then brought onto the bulk's k-points, so
 * that one bulk slice serves them all) and checked to be comparable; each
 * defect's bands chosen (its own, the setup's, else the window); the ranks
 * laid out on the bulk; the k-weighted energy and occupation of each
 * chosen band; with paw the bulk's PAW side (logged on rank 0).
 *
 * pp_project_defect_begin / _end: one defect's PAW side (its datasets and
 * projector representation, site matching and pair terms against the
 * bulk), set up when its turn comes and freed after it.
 */
#ifndef PAWPROJ_PROJECTSETUP_H
#define PAWPROJ_PROJECTSETUP_H

#include "pawproj/analysis/projectrun.h"

/* Fills r's inputs, defects (ds, lo, hi, energy, occupation) and lay; r
 * must be zeroed with its layout's communicators MPI_COMM_NULL. Collective
 * over ctx->world (the dataset reads); the caller agrees on the status. */
pp_status pp_project_open(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err);

/* With paw: d->paw and d->pair; nothing without. Not collective: the
 * caller agrees on the status. The runs' real-space plans take their
 * buffers from ctx's open stages (pp_pawrun_use_pools). */
pp_status pp_project_defect_begin(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r,
                                  pp_project_defect *d, pp_err *err);
void pp_project_defect_end(pp_project_defect *d);

#endif
