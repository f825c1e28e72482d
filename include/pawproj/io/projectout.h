/* projectout.h — the HDF5 results file of `pawproj project` (h5out.h):
 *
 *   overlaps                   [spin][kpoint][defect band][bulk band] <bulk m|defect n>
 *   site_match_bulk_to_defect  [bulk atom] 0-based defect atom, -1 = bulk-only   (all-electron only)
 *   site_match_distance        [bulk atom] Å, -1 = unmatched                     (all-electron only)
 *   bulk_projections           [spin][kpoint][bulk band][column] <p_ai|psi_n>    (all-electron only)
 *   defect_projections         [spin][kpoint][defect band][column]               (all-electron only)
 *   bulk_/defect_eigenvalues, bulk_/defect_occupations  [spin][kpoint][band]
 *   kpoints [kpoint][3], kweights [kpoint]  (the bulk run's)
 *   defect_bands [defect band] (1-based), character [spin][defect band][column]
 *   ipr, ipr_pseudo [spin][defect band]  (with --ipr)
 * and root attributes naming the program, command line, method, the
 * normalisation of the character, both WAVECARs and the weights' source.
 *
 * It takes plain values and io-layer structs only: the overlaps, character
 * and projections are computed above io (analysis, paw), which fills this
 * struct and calls the writer while its overlap buffers are still alive.
 */
#ifndef PAWPROJ_PROJECTOUT_H
#define PAWPROJ_PROJECTOUT_H

#include <complex.h>
#include <mpi.h>

#include "pawproj/core/error.h"
#include "pawproj/io/dataset.h"
#include "pawproj/io/h5out.h"
#include "pawproj/io/wfset.h"
#include "pawproj/model/sitematch.h"

/* Columns of `character`: valence, conduction, captured (in this order). */
#define PP_PROJECTOUT_NCHAR 3

typedef struct pp_projectout {
  const char *method;                /* "paw" or "pseudo": root attribute "method" */
  const char *normalisation;         /* what the character weights mean: root attribute "normalisation" */
  const char *command_line;          /* the run's command line: root attribute "command_line" */
  int all_electron;                  /* 1 (method paw): overlaps are all-electron; site match and projections written */
  const pp_dataset *bulk;            /* bulk run: eigenvalues, occupations, k-points, weights and their source, path */
  const pp_dataset *defect;          /* defect run: eigenvalues, occupations, path */
  const pp_wfset *bulk_wf;           /* this rank's bulk slice: its (spin, k) items and bands [b0, b0 + nb) */
  int lo, hi;                        /* selected defect bands [lo, hi), 0-based */
  const double complex *overlaps;    /* this rank's <bulk b0+m|defect lo+n>, (nlocal, hi - lo, bulk_wf->nb) */
  const double *character;           /* (nspin, hi - lo, PP_PROJECTOUT_NCHAR), identical on all ranks */
  const pp_sitematch *match;         /* all_electron: bulk <-> defect atoms (rank 0's is written) */
  const double complex *bulk_proj;   /* all_electron: per local item (bulk_wf->nb, nc_bulk), my bulk bands */
  const double complex *defect_proj; /* all_electron: per local item (hi - lo, nc_defect), all selected bands */
  int nc_bulk, nc_defect;            /* all_electron: projection columns, nspinor * projectors of all atoms */
  int writes_defect_proj;            /* 1 on one rank per k-point group: the group's ranks hold the same defect_proj */
  const double *ipr_ae, *ipr_ps;     /* (nspin, hi - lo) or NULL: datasets ipr, ipr_pseudo */
} pp_projectout;

/* Writes path (as path.partial, renamed into place only on success).
 * Collective over comm; the status is agreed on all ranks. */
pp_status pp_projectout_write(MPI_Comm comm, const char *path, const pp_projectout *o, pp_err *err);

/* A study (many defects against one bulk; studyckpt.h assembles it): a
 * group /defects/LABEL per defect holding the layout above (its
 * attributes on the group, plus "label"), and root attributes: program,
 * command_line, method, normalisation, bulk_wavecar, layout, ndefects and
 * complete = "yes", written last, before the rename. */
typedef struct pp_projectout_study {
  const char *command_line, *method, *normalisation, *bulk_path;
  int ndefects;
} pp_projectout_study;

/* ok = 1: writes the root attributes and renames the file into place
 * (status agreed); ok = 0 (the study failed, already agreed): removes the
 * partial file and returns PP_OK, keeping err's message. */
pp_status pp_projectout_study_close(pp_h5 *h, int ok, const pp_projectout_study *s, pp_err *err);

#endif
