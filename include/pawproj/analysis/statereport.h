/* statereport.h — what one state of `pawproj state` reports
 * (from the setup and result of staterun.h):
 *
 *   pp_state_summary  the lines for a terminal: the state, its grid and
 *                     where it came from, the projectors, pseudo and AE
 *                     norms (Σ|C|², on the grid) and IPRs, what the grid
 *                     resolves of the reconstruction (Å⁻¹) and the norm
 *                     predicted beyond it, the weight near the sites, the
 *                     files;
 *   pp_state_json     the same as one JSON object (keys: wavecar, spin,
 *                     kpoint, band, kind, remove_phase, grid, grid_source,
 *                     pseudo_norm[_grid], pseudo_ipr, ae_* for the AE
 *                     state, site_radius_A / sites / fraction_in_sites
 *                     with sites, peak_rss_mib_min_max, files).
 *
 * Band, k-point and spin are printed 1-based, as in VASP. Neither fails. */
#ifndef PAWPROJ_STATEREPORT_H
#define PAWPROJ_STATEREPORT_H

#include <stdio.h>

#include "pawproj/analysis/staterun.h"
#include "pawproj/core/json.h"

/* The summary of one state on f. */
void pp_state_summary(const pp_state_setup *in, const pp_state_result *r, FILE *f);

/* One state as a JSON object (the value of key NULL, or inside an array). */
void pp_state_json(pp_json *j, const pp_state_setup *in, const pp_state_result *r);

#endif
