/* wfunfold.h — a symmetry-reduced run seen on the full k-point mesh
 * (docs/symmetry.md §7), and this rank's coefficient slice read in that
 * view.
 *
 * The view is a pp_wavecar header for the target k-points (the full mesh,
 * or another run's full-zone list): kfrac the target points, npw the G
 * sphere of each (equal to its IBZ source's: a rotation maps the cutoff
 * sphere onto itself), eig / occ copied from the source IBZ point. Every
 * consumer of a pp_wavecar header (layout, overlaps, pair terms, IPR,
 * results files) then works unchanged on full-mesh items. Its records are
 * NOT the file's: nothing may read the file through the view; the file's
 * own header is pp_unfold.file and pp_wfset_read_unfolded reads through it.
 *
 * Each target point k_t has a generator: the IBZ point, operation {R|τ},
 * time-reversal flag and umklapp G0 with k_t = s·Rk·k_ibz + G0
 * (kunfold.h). Reading a target item reads the IBZ point's band slice
 * and maps it onto k_t's own G list (pwrot.h), so a rank holds only its
 * slice of the full-mesh items, never the whole unfolded set.
 *
 * Only standard (full-sphere, collinear) files: Gamma-only files hold Γ
 * alone and noncollinear spinors need an SU(2) rotation (not implemented);
 * pp_unfold_build refuses both with a clear message.
 */
#ifndef PAWPROJ_WFUNFOLD_H
#define PAWPROJ_WFUNFOLD_H

#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"
#include "pawproj/io/wavecar.h"
#include "pawproj/io/wfset.h"
#include "pawproj/model/kunfold.h"
#include "pawproj/model/symmetry.h"
#include "pawproj/par/layout.h"

/* Generator of one target k-point. */
typedef struct pp_unfold_src {
  int ibz;       /* the file's k-point index */
  int tr;        /* 1: time reversal */
  int G0[3];     /* umklapp, k_t = s·Rk·k_ibz + G0 (for k_t exactly as the view lists it) */
  pp_symop op;   /* the operation */
} pp_unfold_src;

typedef struct pp_unfold {
  pp_wavecar file;      /* the file's own header (IBZ points) */
  pp_unfold_src *src;   /* (view nkpts) */
} pp_unfold;

/* Builds the view *view over ntarget target points (fractional) from the
 * file header `file` and its unfolding u (kunfold.h, operations of sym):
 * each target must equal a point of u up to an integer vector (folded into
 * G0). The file header is copied into uf->file (its arrays are duplicated).
 * Fails for Gamma-only and noncollinear files, a target point the mesh
 * does not hold, or a G-sphere count that differs from the source's. */
pp_status pp_unfold_build(const pp_wavecar *file, const pp_symmetry *sym, const pp_kunfold *u,
                          const double (*target)[3], int ntarget, pp_wavecar *view, pp_unfold *uf, pp_err *err);

void pp_unfold_free(pp_unfold *uf);

/* Bytes pp_wfset_read_unfolded takes from io_pool on this rank, plus the
 * O(npw) G lists and map of one item it allocates while reading it. */
size_t pp_wfset_unfold_io_need(const pp_layout *lay, const pp_wavecar *view, const pp_unfold *uf, int lo, int hi);

/* pp_wfset_read (wfset.h) for the view: set->wc = view, items over the
 * view's k-points; item (s, k_t) holds the file's bands [b0, b0+nb) at
 * the source IBZ point rotated onto k_t's G list. flip as in wfset.h.
 * Collective over the world (errors agreed). */
pp_status pp_wfset_read_unfolded(const pp_layout *lay, const pp_wavecar *view, const pp_unfold *uf, int lo, int hi,
                                 int flip, pp_pool *wf_pool, pp_pool *io_pool, const char *progress, pp_wfset *set,
                                 pp_err *err);

#endif
