/* gridopt.h — the real-space grid a command runs on, from its options:
 * --grid NX,NY,NZ; else the run's FFT grid (OUTCAR / vasprun.xml, lreal.h)
 * or VASP's default for ENCUT at PREC = Normal, times --grid-factor F.
 * `source` says which, for the log. */
#ifndef PAWPROJ_GRIDOPT_H
#define PAWPROJ_GRIDOPT_H

#include <stddef.h>

#include "pawproj/args.h"
#include "pawproj/wavecar.h"

pp_status pp_gridopt_choose(const pp_args *a, const char *dir, const pp_wavecar *wc, int grid[3], char *source,
                            size_t n, pp_err *err);

#endif
