/* kweights.h — k-point weights, which a WAVECAR does not hold.
 * Sources, first found wins: vasprun.xml (<varray name="weights">), IBZKPT.
 * Weights are normalised to sum 1; their count (and, for IBZKPT in
 * reciprocal coordinates, the k-points) must match the WAVECAR. */
#ifndef PAWPROJ_KWEIGHTS_H
#define PAWPROJ_KWEIGHTS_H

#include "pawproj/error.h"

/* Reads weights of nk k-points from vasprun.xml text. kfrac is used only
 * to name the file in messages. Fails if the count differs. */
pp_status pp_kweights_vasprun(const char *path, int nk, double *w,
                              pp_err *err);

/* Reads weights from an IBZKPT file; checks its k-points against kfrac
 * (nk × 3) when they are given in reciprocal (fractional) coordinates. */
pp_status pp_kweights_ibzkpt(const char *path, int nk,
                             const double (*kfrac)[3], double *w,
                             pp_err *err);

#endif
