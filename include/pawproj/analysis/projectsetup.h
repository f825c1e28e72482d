/* projectsetup.h — the part of pp_project_run (projectrun.h) before any
 * wavefunction is read: both runs opened, brought onto one k-point set
 * when their sets differ (datakmesh.h: symmetry-reduced runs unfolded to
 * the full mesh, each with its own structure's operations) and checked to
 * be comparable;
 * with paw the datasets, site matching, PAW pair terms and each run's
 * projector representation (logged on rank 0); the defect bands chosen
 * (setup bands, else the window); the ranks laid out; the k-weighted
 * energy and occupation of each chosen band. */
#ifndef PAWPROJ_PROJECTSETUP_H
#define PAWPROJ_PROJECTSETUP_H

#include "pawproj/analysis/projectrun.h"

/* Fills r's inputs, lo, hi, lay, energy and occupation; r must be zeroed
 * with its layout's communicators MPI_COMM_NULL. Collective over
 * ctx->world (the dataset reads); the caller agrees on the status. */
pp_status pp_project_open(pp_ctx *ctx, const pp_project_setup *s, pp_project_result *r, pp_err *err);

#endif
