/* normsout.c — the HDF5 file of `pawproj norms` (see normsout.h). */
#include "pawproj/io/normsout.h"

#include <string.h>

#include "pawproj/core/agree.h"
#include "pawproj/io/h5out.h"

/* The two requests pp_normsout_write makes, sized as it makes them. */
static size_t start_bytes(int nlocal) { return sizeof(hsize_t[4]) * ((size_t)nlocal + 1); }
static size_t copy_bytes(int nlocal, int nb, int ldp) {
  return sizeof(double complex) * ((size_t)nlocal * nb * ldp + 1);
}

size_t pp_normsout_bytes(int nlocal, int nb, int ldp) {
  return start_bytes(nlocal) + copy_bytes(nlocal, nb, ldp);
}

pp_status pp_normsout_write(MPI_Comm comm, const char *path, const pp_normsout *o, pp_pool *buf, pp_err *err) {
  const pp_wfset *set = o->set;
  const pp_wavecar *wc = set->wc;
  const int ldp = o->ldp;
  pp_h5 h;
  PP_CALL(pp_h5_create(comm, path, &h, err));
  pp_status st = PP_OK;
  /* One contiguous block per item, so the blocks go out in one collective write. */
  hsize_t(*start)[4] = NULL;
  double complex *copy = NULL;
  PP_TRY(pp_pool_alloc(buf, start_bytes(set->nlocal), (void **)&start, err));
  PP_TRY(pp_pool_alloc(buf, copy_bytes(set->nlocal, set->nb, ldp), (void **)&copy, err));
  for (int j = 0; j < set->nlocal; j++) {
    start[j][0] = (hsize_t)(set->item[j] / wc->nkpts);
    start[j][1] = (hsize_t)(set->item[j] % wc->nkpts);
    start[j][2] = (hsize_t)set->b0;
    start[j][3] = 0;
    memcpy(copy + (size_t)j * set->nb * ldp, o->P[j], sizeof *copy * (size_t)set->nb * ldp);
  }
  const hsize_t dims[4] = {(hsize_t)wc->nspin, (hsize_t)wc->nkpts, (hsize_t)wc->nbands, (hsize_t)ldp};
  const hsize_t count[4] = {1, 1, (hsize_t)set->nb, (hsize_t)ldp};
  PP_TRY(pp_h5_write_complex_blocks(&h, "projections", dims, set->nb > 0 ? set->nlocal : 0,
                                    (const hsize_t(*)[4])start, count, copy, "dimensionless", err));
  PP_TRY(pp_h5_attr(&h, "projections", "layout",
                    "[spin][kpoint][band][spinor * nproj + atom offset + (j, m)] = <p_ai|psi_n>", err));
  const hsize_t ndims[3] = {(hsize_t)wc->nspin, (hsize_t)wc->nkpts, (hsize_t)wc->nbands};
  PP_TRY(pp_h5_write_double(&h, "pseudo_norms", 3, ndims, o->pseudo, "dimensionless", err));
  PP_TRY(pp_h5_write_double(&h, "ae_norms", 3, ndims, o->ae, "dimensionless", err));
  PP_TRY(pp_h5_write_double(&h, "max_offdiag", 2, ndims, o->maxoff, "dimensionless", err));
  PP_TRY(pp_h5_attr(&h, "/", "program", "pawproj " PAWPROJ_VERSION, err));
  PP_TRY(pp_h5_attr(&h, "/", "command_line", o->command_line, err));
done:
  {
    pp_status cs = pp_h5_close(&h, st == PP_OK, err);
    if (st == PP_OK) st = cs;
  }
  return pp_agree(st, err, comm);
}
