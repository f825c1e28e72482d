/* bandstats.h — quantities derived from eigenvalues and occupations only:
 * band edges, occupied counts, k-weighted band energies. A band with
 * occupation > 0.5 counts as occupied (valence), as everywhere in pawproj. */
#ifndef PAWPROJ_BANDSTATS_H
#define PAWPROJ_BANDSTATS_H

#include "pawproj/io/wavecar.h"

#define PP_OCC_VALENCE 0.5

typedef struct pp_edges {
  double vbm;      /* highest occupied eigenvalue, eV (-inf if none) */
  double cbm;      /* lowest empty eigenvalue, eV (+inf if none) */
  double gap;      /* max(cbm - vbm, 0), eV; 0 when bands overlap;
                      NaN when vbm or cbm is missing (infinite) */
  double emin, emax; /* eigenvalue range, eV */
  int nocc[2];     /* per spin: most bands with occ > 0.5 at any k */
} pp_edges;

void pp_bandstats_edges(const pp_wavecar *wc, pp_edges *e);

/* k-weighted mean energy and occupation of band b in spin s. */
void pp_bandstats_mean(const pp_wavecar *wc, const double *kweight, int s,
                       int b, double *energy, double *occ);

#endif
