/* kweights.h — k-point weights, which a WAVECAR does not hold.
 *
 * Sources, beside the WAVECAR, first one present wins (most precise first):
 *   vasprun.xml  <varray name="weights">, 8 decimals;
 *   IBZKPT       VASP's k-point multiplicities;
 *   OUTCAR       its k-point list, whose weights VASP prints with only 3
 *                decimals (±0.0005 each: 1/9 reads 0.111), hence last.
 * A source that is present but does not fit the WAVECAR is an error, never
 * skipped for the next one: the run directory is then inconsistent.
 * Weights must be > 0 and are normalised to sum 1; their count must equal
 * the WAVECAR's, and where the file gives the k-points (IBZKPT in reciprocal
 * coordinates, OUTCAR) they must be the WAVECAR's, in its order. */
#ifndef PAWPROJ_KWEIGHTS_H
#define PAWPROJ_KWEIGHTS_H

#include "pawproj/core/error.h"

/* Reads weights of nk k-points from vasprun.xml text. Fails if the count
 * differs. */
pp_status pp_kweights_vasprun(const char *path, int nk, double *w,
                              pp_err *err);

/* Reads weights from an IBZKPT file; checks its k-points against kfrac
 * (nk × 3) when they are given in reciprocal (fractional) coordinates.
 * There a k-point may differ from the WAVECAR's by a reciprocal lattice
 * vector. */
pp_status pp_kweights_ibzkpt(const char *path, int nk,
                             const double (*kfrac)[3], double *w,
                             pp_err *err);

/* Reads weights from an OUTCAR: the lines "kx ky kz weight" after the first
 * line containing "k-points in reciprocal lattice and weights", up to the
 * next blank line (or the end of the file). The file is streamed and read
 * no further than that list (near its top), so long MD OUTCARs cost little.
 * kfrac (nk × 3, required) are the WAVECAR's fractional k-points: the list
 * must hold exactly nk points equal to them in order, each coordinate
 * within 1e-5 (OUTCAR prints 8 decimals of the array the WAVECAR is written
 * from). Equivalent points (k + G, -k) are not accepted: VASP prints the
 * very points it wrote, so any difference means another run's OUTCAR.
 * A weight printed as 0.000 (a mesh too fine for 3 decimals) is an error.
 * Failures (no list, too few / too many points, a differing point, a line
 * that is not four numbers) name the file, the line and what was expected. */
pp_status pp_kweights_outcar(const char *path, int nk,
                             const double (*kfrac)[3], double *w,
                             pp_err *err);

#endif
