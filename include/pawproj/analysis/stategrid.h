/* stategrid.h — how well a grid holds one all-electron state (state.h):
 * the norm its PAW reconstruction carries beyond the grid's window, and the
 * default grid refined until that is small. Why: a grid fit for the
 * pseudo state (the run's FFT grid) need not resolve the reconstruction,
 * and the loss is predicted from the projections alone, before any grid
 * is built, so the default grid can be chosen to keep it small. */
#ifndef PAWPROJ_STATEGRID_H
#define PAWPROJ_STATEGRID_H

#include <complex.h>
#include <stddef.h>

#include "pawproj/core/error.h"
#include "pawproj/model/pawdata.h"
#include "pawproj/model/structure.h"

/* The predicted norm the default grid may leave unresolved. */
#define PP_STATE_AE_DEFICIT 5e-4

/* Common inputs: data the PAW datasets per species of cell, P (nspinor,
 * nproj) the state's projections in atom order (pp_project). */

/* grid (in: the default grid; out: the one to use) refined by the
 * smallest factor of pp_state_refine (up to ×6) that brings the predicted
 * loss to PP_STATE_AE_DEFICIT; source (n bytes, in: where the default came
 * from) gets what was done appended when the grid changed; *deficit the
 * predicted loss on the returned grid. lattice: the cell, Å. */
pp_status pp_stategrid_refine(const pp_pawdata *const *data, const pp_structure *cell, const double lattice[3][3],
                              const double complex *P, int nspinor, int nproj, int grid[3], char *source, size_t n,
                              double *deficit, pp_err *err);

/* *deficit := the predicted loss of a grid whose window ends at q2
 * (Bohr⁻¹), for a grid the user chose. */
pp_status pp_stategrid_deficit(const pp_pawdata *const *data, const pp_structure *cell, const double complex *P,
                               int nspinor, int nproj, double q2, double *deficit, pp_err *err);

#endif
