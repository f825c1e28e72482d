/* dataset.h — one calculation on disk: a directory (or a WAVECAR path)
 * holding WAVECAR or WAVECAR.gz, CONTCAR or POSCAR, and optionally
 * vasprun.xml / IBZKPT / OUTCAR for k-point weights (kweights.h) and OUTCAR
 * for the VASP version.
 *
 * pp_dataset_open is collective over ctx->world; every rank gets the same
 * header, structure and weights. The structure is cross-checked against
 * the WAVECAR lattice (|ΔA_ij| ≤ 1e-4 Å).
 */
#ifndef PAWPROJ_DATASET_H
#define PAWPROJ_DATASET_H

#include <mpi.h>

#include "pawproj/core/ctx.h"
#include "pawproj/core/error.h"
#include "pawproj/io/poscar.h"
#include "pawproj/io/wavecar.h"
#include "pawproj/io/wfunfold.h"

typedef struct pp_dataset {
  char label[96];            /* "bulk", "defect", "defect vac1", ... for messages */
  char wavecar_path[4096];   /* PP_PATH_MAX */   /* resolved WAVECAR file */
  char structure_path[4096]; /* resolved CONTCAR/POSCAR, "" if none */
  pp_wavecar wc;             /* header of the WAVECAR */
  int has_structure;         /* 1 if a POSCAR/CONTCAR was read */
  pp_structure structure;    /* the structure (valid if has_structure) */
  double *kweight;           /* k-point weights summing to 1, (nkpts) */
  char weight_source[4200];  /* where the weights came from */
  pp_unfold *unfold;         /* non-NULL: wc is the full-mesh view of a symmetry-reduced run (datakmesh.h) */
  char kpoint_note[512];     /* with unfold: how the k-points were unfolded, for the log; else "" */
} pp_dataset;

/* The directory of the resolved WAVECAR ("." if it has none), into dir. */
void pp_dataset_dir(const pp_dataset *ds, char *dir, size_t n);

/* Opens path (directory or WAVECAR file). need_structure = 1 makes a
 * missing POSCAR/CONTCAR an error. The scratch of the WAVECAR's
 * Gamma-half test (pp_wavecar_open_in) comes from a pool
 * "wavecar-scratch" of stage "open", released before return, so the
 * budget applies to it and --mem-report lists it. */
pp_status pp_dataset_open(const char *label, const char *path,
                          pp_variant force, int need_structure, pp_ctx *ctx,
                          pp_dataset *ds, pp_err *err);

void pp_dataset_free(pp_dataset *ds);

/* Checks that two datasets can be compared band by band: same lattice,
 * ENCUT, spin count, k-points and plane-wave counts. */
pp_status pp_dataset_check_compatible(const pp_dataset *a,
                                      const pp_dataset *b, pp_err *err);

#endif
