/* inforeport.h — what `pawproj info` prints: the text summary (stdout)
 * and its JSON (one object; keys as documented in README). */
#ifndef PAWPROJ_INFOREPORT_H
#define PAWPROJ_INFOREPORT_H

#include <stdio.h>

#include "pawproj/analysis/inforun.h"

void pp_info_print_text(const pp_info_result *r, FILE *f);

/* Signature of pp_outfile_write's writer: arg is a const pp_info_result *. */
void pp_info_write_json(FILE *f, const void *arg);

#endif
