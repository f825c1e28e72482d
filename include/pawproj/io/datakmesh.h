/* datakmesh.h — bringing two runs onto one k-point set (issue 11 point 3;
 * docs/symmetry.md §7).
 *
 * When bulk and defect list the same k-points nothing is done (unless forced). Otherwise
 * each run's own operations (spglib on its own structure within symprec,
 * time reversal: collinear runs) recover its mesh from its k-points
 * (kunfold.h); the two meshes must be the same, else a clear error. A run
 * that already lists the whole mesh is kept as it is, and the other is
 * unfolded onto its k-points in its order (both full-zone in different
 * orders: the defect is reordered onto the bulk's); when neither does, both are
 * unfolded onto the mesh (kunfold.h order). An unfolded run's ds->wc
 * becomes the full-mesh view (wfunfold.h) — read it only with
 * pp_wfset_read_unfolded through ds->unfold — and its weights 1/Nmesh.
 * Every failure names the run: noncollinear or Gamma-only files, a mesh
 * that cannot be recovered, IBZ points not closed under the run's
 * operations (kunfold.h's checks), meshes that differ.
 * Same on every rank (the inputs are), no communication. */
#ifndef PAWPROJ_DATAKMESH_H
#define PAWPROJ_DATAKMESH_H

#include "pawproj/core/error.h"
#include "pawproj/io/dataset.h"
#include "pawproj/io/wfset.h"

/* 1 when a and b list the same k-points (within PP_KTOL, in order). */
int pp_dataset_same_kpoints(const pp_dataset *a, const pp_dataset *b);

/* Makes a and b list the same k-points as above; symprec in Å (> 0).
 * force = 1 unfolds even when the sets agree (a check: the character of
 * the unfolded pair must equal the IBZ-weighted one). */
pp_status pp_dataset_common_kpoints(pp_dataset *a, pp_dataset *b, double symprec, int force, pp_err *err);

/* One run's slice of bands [lo, hi) on lay (pp_wfset_read's arguments):
 * from its file, or rotated from its IBZ points when the run was unfolded
 * onto the full mesh (pp_wfset_read_unfolded through ds->unfold). The one
 * reader every command uses for a dataset's bands. */
pp_status pp_dataset_read(const pp_layout *lay, const pp_dataset *ds, int lo, int hi, int flip, pp_pool *wf,
                          pp_pool *io, const char *progress, pp_wfset *set, pp_err *err);

#endif
