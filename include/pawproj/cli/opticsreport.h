/* opticsreport.h — what `pawproj optics` prints: a table per (spin, k) of
 * the pairs m < n (stdout) and the JSON: per band its Σ_n f (the sum rule
 * over the window), and the pairs (m, n) for m in [plo, phi) and every n
 * of the window, n ≥ m where n is also such a band (p_nm = conj(p_mn)
 * gives the rest). Quantities and units: opticspair.h. */
#ifndef PAWPROJ_OPTICSREPORT_H
#define PAWPROJ_OPTICSREPORT_H

#include <stdio.h>

#include "pawproj/analysis/optics.h"
#include "pawproj/io/wavecar.h"

typedef struct pp_optics_report {
  const pp_optics_result *r;
  const pp_wavecar *wc;
  int lo, hi;       /* the window, 0-based [lo, hi) */
  int paw_terms;    /* 1: all-electron */
  int plo, phi;     /* the bands m whose pairs (m, n) are listed, 0-based [plo, phi) inside the window */
} pp_optics_report;

void pp_optics_print_text(const pp_optics_report *o, FILE *f);

/* Signature of pp_outfile_write's writer: arg is a const pp_optics_report *. */
void pp_optics_write_json(FILE *f, const void *arg);

#endif
