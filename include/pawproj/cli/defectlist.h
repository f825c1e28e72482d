/* defectlist.h — the defects of a study, from `--defects LIST` (input
 * file: DEFECTS = LIST).
 *
 * LIST is whitespace-separated entries [LABEL=]PATH[@BANDS]:
 *   PATH   a defect run (directory or WAVECAR); shell wildcards (* ? [...])
 *          expand to every match, in sorted order (glob(3)); a pattern that
 *          matches nothing is an error, not an empty study;
 *   LABEL  names the defect in the outputs (HDF5 group /defects/LABEL, the
 *          JSON summary); letters, digits and _ . + - only; default: the
 *          name of the run's directory (other characters become _). A
 *          label with a pattern that matches more than one run is refused;
 *   BANDS  that defect's bands "N" or "N-M" (1-based inclusive); default:
 *          the command's --bands, else its window around E_Fermi.
 * Labels must be unique (two runs in directories of one name need labels).
 * Same result on every rank (pure function of LIST and the file system).
 */
#ifndef PAWPROJ_DEFECTLIST_H
#define PAWPROJ_DEFECTLIST_H

#include "pawproj/core/error.h"

#define PP_LABEL_MAX 64

typedef struct pp_defect_spec {
  char label[PP_LABEL_MAX];
  char *path;  /* owned */
  char *bands; /* owned; NULL: the command's choice */
} pp_defect_spec;

typedef struct pp_defect_list {
  int n;
  pp_defect_spec *v;
} pp_defect_list;

/* Parses list into *out (zeroed first; give it to pp_defect_list_free
 * whatever the status). `opt` names the option in messages. */
pp_status pp_defect_list_parse(const char *list, const char *opt, pp_defect_list *out, pp_err *err);
/* The same from literal paths (no label, bands or wildcards: positional
 * arguments, which the shell has expanded), with default labels. */
pp_status pp_defect_list_paths(const char *const *paths, int n, const char *opt, pp_defect_list *out,
                               pp_err *err);
void pp_defect_list_free(pp_defect_list *l);

#endif
