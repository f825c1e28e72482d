/* densityout.c — the VASP, cube and HDF5 files of a density (see
 * densityout.h). */
#include "pawproj/io/densityout.h"

#include <math.h>
#include <stdio.h>

#include "pawproj/io/h5out.h"
#include "pawproj/io/volfile.h"
#include "pawproj/model/lattice.h"

static pp_status write_h5(const pp_densityout *o, const pp_rgrid *g, const double *rho, const char *path,
                          pp_err *err) {
  pp_h5 h = {.file = H5I_INVALID_HID, .ctype = H5I_INVALID_HID};
  pp_status st = PP_OK;
  PP_TRY(pp_h5_create(g->comm, path, &h, err));
  const hsize_t dims[4] = {1, (hsize_t)g->n[2], (hsize_t)g->n[1], (hsize_t)g->n[0]};
  const hsize_t start[1][4] = {{0, (hsize_t)g->z0, 0, 0}};
  const hsize_t count[4] = {1, (hsize_t)g->nzl, (hsize_t)g->n[1], (hsize_t)g->n[0]};
  PP_TRY(pp_h5_write_double_blocks(&h, "density", dims, g->nzl > 0 ? 1 : 0, start, count, rho,
                                   "electrons / Angstrom^3", err));
  PP_TRY(pp_h5_attr(&h, "density", "layout", "[1][z][y][x], r = (x/NX, y/NY, z/NZ) in lattice coordinates", err));
  PP_TRY(pp_h5_write_double(&h, "lattice_A", 1, (hsize_t[]){9}, &o->lattice[0][0], "Angstrom", err));
  PP_TRY(pp_h5_write_double(&h, "electrons_on_grid", 1, (hsize_t[]){1}, &o->electrons_on_grid, "electrons", err));
  PP_TRY(pp_h5_attr(&h, "/", "program", "pawproj " PAWPROJ_VERSION, err));
  PP_TRY(pp_h5_attr(&h, "/", "command_line", o->cmdline, err));
  st = pp_h5_close(&h, 1, err);
done:
  if (h.file != H5I_INVALID_HID) pp_h5_close(&h, 0, err);
  return st;
}

size_t pp_densityout_bytes(ptrdiff_t nloc) { return sizeof(double) * ((size_t)nloc + 1); }

pp_status pp_densityout_write(const pp_densityout *o, const pp_rgrid *g, const double *rho, pp_pool *pool,
                              pp_density_files *files, pp_err *err) {
  const double omega = fabs(pp_lat_volume(o->lattice));
  const ptrdiff_t nloc = pp_rgrid_local(g);
  /* The volumetric files hold ρ·Ω, as VASP's CHGCAR and AECCAR do, so
   * that tools reading those read these unchanged. */
  double *v = NULL;
  pp_status st = PP_OK;
  files->n = 0;
  PP_TRY(pp_pool_alloc(pool, pp_densityout_bytes(nloc), (void **)&v, err));
  for (ptrdiff_t i = 0; i < nloc; i++) v[i] = rho[i] * omega;
  char title[200];
  snprintf(title, sizeof title, "pawproj %s %s density x cell volume (CHGCAR convention)",
           o->ae ? "all-electron" : "pseudo", o->partial ? "band-decomposed" : "valence");
  snprintf(files->path[files->n++], sizeof files->path[0], "%s", o->path);
  PP_TRY(pp_volfile_vasp(o->path, title, o->cell, g, v, err));
  if (o->cube) {
    snprintf(files->path[files->n], sizeof files->path[0], "%s.cube", o->path);
    PP_TRY(pp_volfile_cube(files->path[files->n++], title, o->cell, g, v, err));
  }
  snprintf(files->path[files->n], sizeof files->path[0], "%s.h5", o->path);
  PP_TRY(write_h5(o, g, rho, files->path[files->n++], err));
done:
  return st; /* v belongs to the pool */
}
