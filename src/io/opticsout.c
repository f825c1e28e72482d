/* opticsout.c — the HDF5 file of `pawproj optics` (see opticsout.h). */
#include "pawproj/io/opticsout.h"

#include "pawproj/core/agree.h"
#include "pawproj/io/h5out.h"

static size_t items(const pp_opticsout *o) { return (size_t)o->nspin * o->nkpts; }

size_t pp_opticsout_bytes(const pp_opticsout *o) {
  return sizeof(hsize_t[4]) * (items(o) + 1) + sizeof(double complex) * (items(o) * o->nb * o->nb + 1) +
         sizeof(double) * (items(o) * o->nb + 1) + 3 * 64;
}

/* Direction v of the matrices (with_pseudo: pseudo + onsite, else onsite)
 * into copy, one (nb × nb) block per item. */
static void gather(const pp_opticsout *o, int v, int with_pseudo, double complex *copy) {
  const size_t nn = (size_t)o->nb * o->nb;
  for (size_t it = 0; it < items(o); it++) {
    const size_t at = (it * 3 + v) * nn;
    for (size_t e = 0; e < nn; e++) copy[it * nn + e] = o->onsite[at + e] + (with_pseudo ? o->pseudo[at + e] : 0);
  }
}

pp_status pp_opticsout_write(MPI_Comm comm, const char *path, const pp_opticsout *o, pp_pool *buf, pp_err *err) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  pp_h5 h;
  PP_CALL(pp_h5_create(comm, path, &h, err));
  pp_status st = PP_OK;
  hsize_t(*start)[4] = NULL;
  double complex *copy = NULL;
  double *eig = NULL;
  PP_TRY(pp_pool_alloc(buf, sizeof *start * (items(o) + 1), (void **)&start, err));
  PP_TRY(pp_pool_alloc(buf, sizeof *copy * (items(o) * o->nb * o->nb + 1), (void **)&copy, err));
  PP_TRY(pp_pool_alloc(buf, sizeof *eig * (items(o) * o->nb + 1), (void **)&eig, err));
  for (size_t it = 0; it < items(o); it++) {
    start[it][0] = it / (size_t)o->nkpts, start[it][1] = it % (size_t)o->nkpts, start[it][2] = start[it][3] = 0;
    for (int b = 0; b < o->nb; b++) eig[it * o->nb + b] = o->eig[it * o->nbands + o->lo + b];
  }
  const hsize_t dims[4] = {(hsize_t)o->nspin, (hsize_t)o->nkpts, (hsize_t)o->nb, (hsize_t)o->nb};
  const hsize_t count[4] = {1, 1, (hsize_t)o->nb, (hsize_t)o->nb};
  static const char *const names[2][3] = {{"onsite_x", "onsite_y", "onsite_z"},
                                          {"momentum_x", "momentum_y", "momentum_z"}};
  for (int part = 0; part < 2; part++)
    for (int v = 0; v < 3; v++) {
      gather(o, v, part, copy);
      PP_TRY(pp_h5_write_complex_blocks(&h, names[part][v], dims, rank == 0 ? (int)items(o) : 0,
                                        (const hsize_t(*)[4])start, count, copy, "hbar/Bohr", err));
      PP_TRY(pp_h5_attr(&h, names[part][v], "layout", "[spin][kpoint][m][n] = <psi_m|-i d/dx_v|psi_n>, m and n "
                        "counted from the first band of the window (bands)", err));
    }
  const hsize_t edims[3] = {(hsize_t)o->nspin, (hsize_t)o->nkpts, (hsize_t)o->nb};
  PP_TRY(pp_h5_write_double(&h, "eigenvalues", 3, edims, eig, "eV", err));
  const int bands[2] = {o->lo + 1, o->lo + o->nb};
  const hsize_t two = 2;
  PP_TRY(pp_h5_write_int(&h, "bands", 1, &two, bands, "first and last band, 1-based", err));
  PP_TRY(pp_h5_attr(&h, "/", "program", "pawproj " PAWPROJ_VERSION, err));
  PP_TRY(pp_h5_attr(&h, "/", "command_line", o->command_line, err));
  PP_TRY(pp_h5_attr(&h, "/", "wavecar", o->wavecar, err));
  PP_TRY(pp_h5_attr(&h, "/", "method", o->method, err));
done:
  {
    const pp_status cs = pp_h5_close(&h, st == PP_OK, err);
    if (st == PP_OK) st = cs;
  }
  return pp_agree(st, err, comm);
}
