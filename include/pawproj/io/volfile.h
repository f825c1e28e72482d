/* volfile.h — real fields on z-slab distributed grids (rgrid.h) written
 * without gathering the grid anywhere.
 *
 * VASP volumetric files (CHGCAR layout, opens in VESTA): the structure as
 * a POSCAR (Direct), a blank line, "NX NY NZ", then the values x fastest,
 * five per line. Ranks append their slabs in turn (z order), each line
 * continuing where the previous rank stopped, into PATH.partial; rank 0
 * renames it to PATH only when every rank succeeded.
 *
 * Gaussian cube files (Bohr): two comment lines, the atoms with their
 * nuclear charge, the voxel vectors, then the values with z fastest. That
 * order runs across all slabs, so rank 0 collects one x-plane at a time
 * (never more) from the slabs and writes it.
 */
#ifndef PAWPROJ_VOLFILE_H
#define PAWPROJ_VOLFILE_H

#include "pawproj/core/error.h"
#include "pawproj/model/structure.h"
#include "pawproj/par/rgrid.h"

/* vals: my slab, (nzl, ny, nx). Collective over g->comm. */
pp_status pp_volfile_vasp(const char *path, const char *title, const pp_structure *st, const pp_rgrid *g,
                          const double *vals, pp_err *err);
pp_status pp_volfile_cube(const char *path, const char *title, const pp_structure *st, const pp_rgrid *g,
                          const double *vals, pp_err *err);

#endif
