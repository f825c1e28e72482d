/* inforun.h — what `pawproj info` reports about one WAVECAR: its header
 * (dataset.h), band edges (bandstats.h), the LREAL and FFT grid the run
 * used (lreal.h, from its directory's OUTCAR / vasprun.xml) and the
 * structure's symmetry against VASP's (symreport.h). Headers only: no band
 * is read, nothing large is allocated.
 *
 * pp_info_run is collective over ctx->world and gives every rank the same
 * result; pp_info_result_free releases it whatever the status.
 */
#ifndef PAWPROJ_INFORUN_H
#define PAWPROJ_INFORUN_H

#include "pawproj/analysis/bandstats.h"
#include "pawproj/analysis/symreport.h"
#include "pawproj/core/ctx.h"
#include "pawproj/io/dataset.h"
#include "pawproj/io/lreal.h"

typedef struct pp_info_setup {
  const char *path;   /* WAVECAR or its directory */
  pp_variant force;   /* PP_VARIANT_AUTO: detected */
  double symprec;     /* Å, > 0 */
} pp_info_setup;

typedef struct pp_info_result {
  pp_dataset ds;           /* header, structure (if any), weights */
  pp_edges edges;          /* eigenvalue range, occupied bands, VBM / CBM */
  pp_lreal lreal;          /* projectors and FFT grid of the run */
  pp_symreport sym;        /* space group, time reversal, VASP's operations */
  double full_load_bytes;  /* every coefficient widened to complex128 */
} pp_info_result;

pp_status pp_info_run(pp_ctx *ctx, const pp_info_setup *s, pp_info_result *r, pp_err *err);
void pp_info_result_free(pp_info_result *r);

#endif
