/* stateout.c — the files of one state (see stateout.h). */
#include "pawproj/io/stateout.h"

#include <math.h>
#include <stdio.h>

#include "pawproj/core/agree.h"
#include "pawproj/io/h5out.h"
#include "pawproj/io/volfile.h"
#include "pawproj/model/lattice.h"

static pp_status write_part(const pp_stateout *o, const pp_rgrid *g, const char *spinor, const double complex *psi,
                            int imag, double *tmp, pp_state_files *f, pp_err *err) {
  const double scale = sqrt(fabs(pp_lat_volume(o->wc->lattice)));
  const ptrdiff_t n = pp_rgrid_local(g);
  for (ptrdiff_t i = 0; i < n; i++) tmp[i] = scale * (imag ? cimag(psi[i]) : creal(psi[i]));
  char title[256];
  snprintf(title, sizeof title, "pawproj %s state: spin %d k-point %d band %d%s%s, %s part x sqrt(cell volume)",
           o->ae ? "all-electron" : "pseudo", o->s + 1, o->k + 1, o->b + 1, spinor[0] ? " spinor " : "",
           spinor[0] ? spinor + 1 : "", imag ? "imaginary" : "real");
  for (int cube = 0; cube <= o->cube; cube++) {
    char *path = f->path[f->n];
    snprintf(path, sizeof f->path[0], "%s%s_%s.%s", o->prefix, spinor, imag ? "IMAG" : "REAL",
             cube ? "cube" : "vasp");
    if (cube)
      PP_CALL(pp_volfile_cube(path, title, o->cell, g, tmp, err));
    else
      PP_CALL(pp_volfile_vasp(path, title, o->cell, g, tmp, err));
    if (f->n < PP_STATE_MAXFILES - 1) f->n++;
  }
  return PP_OK;
}

pp_status pp_stateout_volumetric(const pp_stateout *o, const pp_rgrid *g, int sp, const double complex *psi,
                                 double *tmp, pp_state_files *f, pp_err *err) {
  const char *spinor = o->wc->nspinor == 1 ? "" : (sp == 0 ? "_UP" : "_DOWN");
  PP_CALL(write_part(o, g, spinor, psi, 0, tmp, f, err));
  if (o->imag) PP_CALL(write_part(o, g, spinor, psi, 1, tmp, f, err));
  return PP_OK;
}

pp_status pp_stateout_h5(const pp_stateout *o, MPI_Comm world, const pp_rgrid *g, const double complex *psi,
                         double norm, const char *cmdline, pp_state_files *f, pp_err *err) {
  const pp_wavecar *wc = o->wc;
  pp_h5 h = {.file = H5I_INVALID_HID, .ctype = H5I_INVALID_HID};
  pp_status st = PP_OK;
  char path[4300];
  snprintf(path, sizeof path, "%s.h5", o->prefix);
  PP_TRY(pp_h5_create(world, path, &h, err));
  /* Each rank its slab of every spinor component, one collective write. */
  const hsize_t dims[4] = {(hsize_t)wc->nspinor, (hsize_t)g->n[2], (hsize_t)g->n[1], (hsize_t)g->n[0]};
  hsize_t start[2][4];
  const hsize_t count[4] = {1, (hsize_t)g->nzl, (hsize_t)g->n[1], (hsize_t)g->n[0]};
  for (int sp = 0; sp < wc->nspinor; sp++) {
    start[sp][0] = (hsize_t)sp, start[sp][1] = (hsize_t)g->z0, start[sp][2] = start[sp][3] = 0;
  }
  PP_TRY(pp_h5_write_complex_blocks(&h, "psi", dims, g->nzl > 0 ? wc->nspinor : 0, (const hsize_t(*)[4])start,
                                    count, psi, "Angstrom^-3/2", err));
  PP_TRY(pp_h5_attr(&h, "psi", "layout", "[spinor][z][y][x], r = (x/NX, y/NY, z/NZ) in lattice coordinates", err));
  PP_TRY(pp_h5_attr(&h, "psi", "kind", o->ae ? "all-electron" : "pseudo", err));
  const hsize_t three = 3, one = 1;
  PP_TRY(pp_h5_write_double(&h, "lattice_A", 1, (hsize_t[]){9}, &wc->lattice[0][0], "Angstrom", err));
  PP_TRY(pp_h5_write_double(&h, "kpoint_frac", 1, &three, wc->kfrac[o->k], "reciprocal lattice units", err));
  PP_TRY(pp_h5_write_double(&h, "norm_on_grid", 1, &one, &norm, "dimensionless", err));
  PP_TRY(pp_h5_attr(&h, "/", "program", "pawproj " PAWPROJ_VERSION, err));
  PP_TRY(pp_h5_attr(&h, "/", "command_line", cmdline, err));
  st = pp_h5_close(&h, 1, err);
  if (f->n < PP_STATE_MAXFILES) snprintf(f->path[f->n++], sizeof f->path[0], "%s", path);
  PP_TRY(pp_agree(st, err, world));
done:
  if (h.file != H5I_INVALID_HID) pp_h5_close(&h, 0, err);
  return st;
}
