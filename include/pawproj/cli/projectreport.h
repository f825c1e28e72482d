/* projectreport.h — what `pawproj project` prints: per defect the band
 * table (stdout) as soon as the defect is done, and at the end the JSON:
 * for a single run the band list of today's layout, for a study one
 * summary table with a row per (defect, spin, band): label, band, spin,
 * energy_eV, occupation, valence, conduction, captured, outside (paw),
 * ipr and ipr_pseudo (with --ipr). Rank 0 prints; the others return. */
#ifndef PAWPROJ_PROJECTREPORT_H
#define PAWPROJ_PROJECTREPORT_H

#include <stdio.h>

#include "pawproj/analysis/projectrun.h"

/* The band table of defect d (its PAW side still set up). */
void pp_project_print_table(const pp_project_setup *s, const pp_project_result *r, const pp_project_defect *d,
                            FILE *f);

/* A dry run's plan (projectplan.h): text, and its JSON. */
void pp_project_print_plan(const pp_project_setup *s, const pp_project_result *r, int nranks, FILE *f);
void pp_project_write_plan_json(const pp_project_setup *s, const pp_project_result *r, int nranks, FILE *f);

/* The JSON of the whole run. */
void pp_project_write_json(const pp_project_setup *s, const pp_project_result *r, FILE *f);

#endif
