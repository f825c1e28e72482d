/* gridopt.h — the real-space grid a command runs on: the grid the user
 * gave; else the run's FFT grid (OUTCAR / vasprun.xml, lreal.h) or VASP's
 * default for ENCUT at PREC = Normal, times a factor. `source` says which,
 * for the log. */
#ifndef PAWPROJ_GRIDOPT_H
#define PAWPROJ_GRIDOPT_H

#include <stddef.h>
#include <stdint.h>

#include "pawproj/io/wavecar.h"

/* What a user may say about the grid (plain values). */
typedef struct pp_grid_opts {
  int grid[3];   /* --grid NX,NY,NZ; {0, 0, 0}: not given */
  double factor; /* --grid-factor, in (0, 64]; 1 by default */
} pp_grid_opts;

/* Points of one grid a run may ask for: 2^33 (128 GiB as complex128) is
 * beyond any node's memory per rank group; larger grids are refused before
 * anything is allocated rather than left to fail inside FFTW or malloc. */
#define PP_GRID_POINTS_MAX ((int64_t)1 << 33)

/* Fails (PP_ERR_ARG, naming `what` and the limit) if n has more points. */
pp_status pp_grid_size_check(const char *what, const int n[3], pp_err *err);

pp_status pp_gridopt_choose(const pp_grid_opts *o, const char *dir, const pp_wavecar *wc, int grid[3], char *source,
                            size_t n, pp_err *err);

#endif
