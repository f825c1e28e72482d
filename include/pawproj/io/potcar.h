/* potcar.h — VASP POTCAR files: the PAW datasets of a run, one per
 * species in POSCAR order, concatenated, each ending with "End of Dataset".
 *
 * Read per dataset: TITEL (the element is its second word up to '_'),
 * ZVAL, ENMAX, RCORE (PAW sphere radius); the nonlocal part ("Non local
 * Part" per l: l, number of projectors, real-space cutoff, D_ij, then per
 * projector its "Reciprocal Space Part" and "Real Space Part" tables; the
 * reciprocal table runs over q_i = i·GMAX/n with GMAX on the line before
 * the first "Non local Part"); and the "PAW radial sets": the radial grid
 * and per channel the pseudo and AE partial waves (stored as r·φ(r)).
 * The grid must be logarithmic, as VASP writes it: Q_ij is then VASP's
 * Simpson sum in the grid index (pawdata.h drq, docs/paw.md §4); the
 * reciprocal table is kept as it is and evaluated with VASP's 4-point
 * interpolation (radial.h).
 *
 * Units in the file are VASP's (Å, eV). The reciprocal table f_V obeys
 *   <p̃|ψ̃> = Ω_Å^{-1/2} Σ_G C_G i^l Y_lm(q̂) f_V(|q|) e^{i q·R},
 * so f_j(q) of pawdata.h (Bohr units, with the 4π/√Ω of projector.h) is
 * f_V(q / a0) · a0^{-3/2} / 4π. Partial waves become φ(r) = (rφ)(r) / r
 * on the grid in Bohr. The real-space table holds the radial part of the
 * real-space projector itself, p̃(r) = f_R(|r|) Y_lm(r̂) in Å^{-3/2}, on
 * r_i = i·RMAX/n (RMAX = the Non local Part's cutoff, the same for every
 * l); it becomes rtab in Bohr^{-3/2} (rsproj.h applies it). This is the
 * normalisation public readers validated against VASP's own LREAL
 * projections (NormalCAR): P = (Ω/N) Σ_grid p̃(r − R) ψ̃(r).
 */
#ifndef PAWPROJ_POTCAR_H
#define PAWPROJ_POTCAR_H

#include "pawproj/core/error.h"
#include "pawproj/model/pawdata.h"

/* Reads every dataset of the file into *sets (caller frees each with
 * pp_pawdata_free, then the array); *n gets their number. Fails with the
 * file, dataset and line on anything missing, truncated or malformed. */
pp_status pp_potcar_read(const char *path, pp_pawdata **sets, int *n, pp_err *err);

#endif
