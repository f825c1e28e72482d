/* densityout.h — the files of `pawproj density`, written slab by slab from
 * a density on a z-slab distributed grid (rgrid.h), never gathered:
 *
 *   PATH        VASP volumetric file of ρ·Ω (CHGCAR / AECCAR convention)
 *   PATH.cube   the same as a Gaussian cube file (Bohr), if asked for
 *   PATH.h5     ρ itself (electrons/Å³) as "density" [1][z][y][x], with
 *               "lattice_A", "electrons_on_grid" and the program and
 *               command line as root attributes
 *
 * Each is written as NAME.partial and renamed only when complete
 * (volfile.h, h5out.h). Collective over the grid's communicator.
 */
#ifndef PAWPROJ_DENSITYOUT_H
#define PAWPROJ_DENSITYOUT_H

#include <stddef.h>

#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"
#include "pawproj/model/structure.h"
#include "pawproj/par/rgrid.h"

#define PP_DENSITY_MAXFILES 3
#define PP_DENSITY_PATH 4300 /* room for PATH (PP_PATH_MAX) and a suffix */

/* The names of the files written, in writing order. */
typedef struct pp_density_files {
  int n;                                          /* names in path */
  char path[PP_DENSITY_MAXFILES][PP_DENSITY_PATH]; /* PATH, [PATH.cube,] PATH.h5 */
} pp_density_files;

/* What goes into the files besides the density values (plain values). */
typedef struct pp_densityout {
  const char *path;              /* the VASP file; the others are named after it */
  int cube;                      /* 1: also PATH.cube */
  int ae;                        /* 1: all-electron, 0: pseudo (for the title) */
  int partial;                   /* 1: band-decomposed, 0: valence (for the title) */
  const pp_structure *cell;      /* atoms and lattice of the volumetric headers */
  const double (*lattice)[3];    /* [3][3] WAVECAR lattice, Å: Ω and "lattice_A" */
  double electrons_on_grid;      /* Ω/N Σ ρ over the whole grid, for "electrons_on_grid" */
  const char *cmdline;           /* the command line, for the HDF5 attribute */
} pp_densityout;

/* rho: my slab of g, (nzl, ny, nx), electrons/Å³. The buffer of ρ·Ω for
 * the volumetric files (pp_densityout_bytes) comes from pool. files->n
 * counts every file begun, so on failure it names the last one tried. */
pp_status pp_densityout_write(const pp_densityout *o, const pp_rgrid *g, const double *rho, pp_pool *pool,
                              pp_density_files *files, pp_err *err);

/* Bytes pp_densityout_write takes from its pool for a slab of nloc points. */
size_t pp_densityout_bytes(ptrdiff_t nloc);

#endif
