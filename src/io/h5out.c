/* h5out.c — parallel HDF5 results file (see h5out.h). */
#include "pawproj/io/h5out.h"

#include "pawproj/core/interrupt.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

pp_status pp_h5_create(MPI_Comm comm, const char *path, pp_h5 *h, pp_err *err) {
  memset(h, 0, sizeof *h);
  h->file = H5I_INVALID_HID;
  h->ctype = H5I_INVALID_HID;
  h->comm = comm;
  MPI_Comm_rank(comm, &h->rank);
  snprintf(h->path, sizeof h->path, "%s", path);
  snprintf(h->partial, sizeof h->partial, "%s.partial", path);
  h->tracked = pp_interrupt_track(h->partial);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported by us */
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  h->file = H5Fcreate(h->partial, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  int ok = h->file >= 0, all = 0;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, comm);
  if (!all) {
    if (h->file >= 0) H5Fclose(h->file);
    h->file = H5I_INVALID_HID;
    pp_interrupt_untrack(h->tracked);
    h->tracked = -1;
    PP_FAIL(err, PP_ERR_IO, "%s: cannot create HDF5 file (directory missing or not writable?)",
            h->partial);
  }
  h->ctype = H5Tcreate(H5T_COMPOUND, 2 * sizeof(double));
  H5Tinsert(h->ctype, "r", 0, H5T_NATIVE_DOUBLE);
  H5Tinsert(h->ctype, "i", sizeof(double), H5T_NATIVE_DOUBLE);
  return PP_OK;
}

pp_status pp_h5_attr(pp_h5 *h, const char *object, const char *name,
                     const char *value, pp_err *err) {
  hid_t obj = H5Oopen(h->file, object, H5P_DEFAULT);
  if (obj < 0) PP_FAIL(err, PP_ERR_IO, "%s: no object %s for attribute %s", h->partial, object, name);
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, strlen(value) + 1);
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t at = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t rc = at >= 0 ? H5Awrite(at, t, value) : -1;
  if (at >= 0) H5Aclose(at);
  H5Sclose(sp);
  H5Tclose(t);
  H5Oclose(obj);
  if (rc < 0) PP_FAIL(err, PP_ERR_IO, "%s: cannot write attribute %s", h->partial, name);
  return PP_OK;
}

/* One collective write of dataset ds (memory space ms, file space fs),
 * which it closes with the spaces; every rank learns whether any failed. */
static pp_status write_collective(pp_h5 *h, const char *name, hid_t ds, hid_t type, hid_t ms, hid_t fs,
                                  const void *data, const char *units, pp_err *err) {
  hid_t xfer = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  herr_t rc = H5Dwrite(ds, type, ms, fs, xfer, data);
  H5Pclose(xfer);
  H5Sclose(ms);
  H5Sclose(fs);
  H5Dclose(ds);
  int ok = rc >= 0, all = 0;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, h->comm);
  if (!all) PP_FAIL(err, PP_ERR_IO, "%s: cannot write dataset %s", h->partial, name);
  return units ? pp_h5_attr(h, name, "units", units, err) : PP_OK;
}

static pp_status write_small(pp_h5 *h, const char *name, int ndim, const hsize_t *dims,
                             hid_t type, const void *data, const char *units, pp_err *err) {
  hid_t fs = H5Screate_simple(ndim, dims, NULL);
  hid_t ds = H5Dcreate2(h->file, name, type, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (ds < 0) {
    H5Sclose(fs);
    PP_FAIL(err, PP_ERR_IO, "%s: cannot create dataset %s", h->partial, name);
  }
  hid_t ms = H5Scopy(fs);
  if (h->rank != 0) {
    H5Sselect_none(fs);
    H5Sselect_none(ms);
  }
  return write_collective(h, name, ds, type, ms, fs, data, units, err);
}

pp_status pp_h5_write_double(pp_h5 *h, const char *name, int ndim, const hsize_t *dims,
                             const double *data, const char *units, pp_err *err) {
  return write_small(h, name, ndim, dims, H5T_NATIVE_DOUBLE, data, units, err);
}

pp_status pp_h5_write_int(pp_h5 *h, const char *name, int ndim, const hsize_t *dims,
                          const int *data, const char *units, pp_err *err) {
  return write_small(h, name, ndim, dims, H5T_NATIVE_INT, data, units, err);
}

/* One collective write of nblocks hyperslabs of a 4-D dataset of `type`. */
static pp_status write_blocks(pp_h5 *h, const char *name, hid_t type, const hsize_t dims[4], int nblocks,
                              const hsize_t (*start)[4], const hsize_t count[4], const void *buf,
                              const void *dummy, const char *units, pp_err *err) {
  hid_t fs = H5Screate_simple(4, dims, NULL);
  hid_t ds = H5Dcreate2(h->file, name, type, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (ds < 0) {
    H5Sclose(fs);
    PP_FAIL(err, PP_ERR_IO, "%s: cannot create dataset %s", h->partial, name);
  }
  const hsize_t per = count[0] * count[1] * count[2] * count[3];
  const hsize_t total = per * (hsize_t)nblocks;
  hid_t ms = H5Screate_simple(1, total ? &total : &per, NULL);
  H5Sselect_none(fs);
  if (total == 0)
    H5Sselect_none(ms);
  else
    for (int b = 0; b < nblocks; b++)
      H5Sselect_hyperslab(fs, H5S_SELECT_OR, start[b], NULL, count, NULL);
  return write_collective(h, name, ds, type, ms, fs, total ? buf : dummy, units, err);
}

pp_status pp_h5_write_complex_blocks(pp_h5 *h, const char *name, const hsize_t dims[4],
                                     int nblocks, const hsize_t (*start)[4],
                                     const hsize_t count[4], const double complex *buf,
                                     const char *units, pp_err *err) {
  static const double complex dummy = 0;
  return write_blocks(h, name, h->ctype, dims, nblocks, start, count, buf, &dummy, units, err);
}

pp_status pp_h5_write_double_blocks(pp_h5 *h, const char *name, const hsize_t dims[4], int nblocks,
                                    const hsize_t (*start)[4], const hsize_t count[4], const double *buf,
                                    const char *units, pp_err *err) {
  static const double dummy = 0;
  return write_blocks(h, name, H5T_NATIVE_DOUBLE, dims, nblocks, start, count, buf, &dummy, units, err);
}

/* This rank's part of one cyclic dimension as at most two regular
 * patterns (start, stride, count, block): the whole blocks, the last
 * partial one; returns how many, and the indices they hold in *nmine. */
static int cyclic_runs(const pp_h5_cyclic *c, hsize_t run[2][4], hsize_t *nmine) {
  const hsize_t full = c->n / c->block, nblocks = (c->n + c->block - 1) / c->block;
  int k = 0;
  *nmine = 0;
  if (full > (hsize_t)c->me) {
    const hsize_t cnt = (full - (hsize_t)c->me - 1) / (hsize_t)c->nproc + 1;
    run[k][0] = (hsize_t)c->me * c->block, run[k][1] = (hsize_t)c->nproc * c->block, run[k][2] = cnt;
    run[k][3] = c->block;
    *nmine += cnt * c->block, k++;
  }
  if (nblocks > full && (nblocks - 1) % (hsize_t)c->nproc == (hsize_t)c->me) {
    run[k][0] = full * c->block, run[k][1] = 1, run[k][2] = 1, run[k][3] = c->n - full * c->block;
    *nmine += run[k][3], k++;
  }
  return k;
}

pp_status pp_h5_write_complex_cyclic(pp_h5 *h, const char *name, hsize_t d0, hsize_t d1, int nitem,
                                     const hsize_t (*lead)[2], const pp_h5_cyclic cy[2], const double complex *buf,
                                     const char *units, pp_err *err) {
  static const double complex dummy = 0;
  const hsize_t dims[4] = {d0, d1, cy[0].n, cy[1].n};
  hsize_t r2[2][4], r3[2][4], n2, n3;
  const int k2 = cyclic_runs(&cy[0], r2, &n2), k3 = cyclic_runs(&cy[1], r3, &n3);
  const hsize_t total = n2 * n3 * (hsize_t)nitem, one = 1;
  hid_t fs = H5Screate_simple(4, dims, NULL);
  const int exists = H5Lexists(h->file, name, H5P_DEFAULT) > 0;
  hid_t ds = exists ? H5Dopen2(h->file, name, H5P_DEFAULT)
                    : H5Dcreate2(h->file, name, h->ctype, fs, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (ds < 0) {
    H5Sclose(fs);
    PP_FAIL(err, PP_ERR_IO, "%s: cannot create dataset %s", h->partial, name);
  }
  hid_t ms = H5Screate_simple(1, total ? &total : &one, NULL);
  H5Sselect_none(fs);
  if (total == 0) H5Sselect_none(ms);
  for (int j = 0; total && j < nitem; j++)
    for (int a = 0; a < k2; a++)
      for (int b = 0; b < k3; b++) {
        const hsize_t start[4] = {lead[j][0], lead[j][1], r2[a][0], r3[b][0]};
        const hsize_t stride[4] = {1, 1, r2[a][1], r3[b][1]};
        const hsize_t count[4] = {1, 1, r2[a][2], r3[b][2]};
        const hsize_t block[4] = {1, 1, r2[a][3], r3[b][3]};
        H5Sselect_hyperslab(fs, H5S_SELECT_OR, start, stride, count, block);
      }
  return write_collective(h, name, ds, h->ctype, ms, fs, total ? (const void *)buf : (const void *)&dummy,
                          exists ? NULL : units, err);
}

int pp_h5_library_close(void) {
  if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_FILE) > 0) return 1;
  H5close();
  return 0;
}

pp_status pp_h5_close(pp_h5 *h, int ok, pp_err *err) {
  if (h->ctype >= 0) H5Tclose(h->ctype);
  h->ctype = H5I_INVALID_HID;
  if (h->file < 0) return PP_OK;
  /* A close that fails (a full disk) leaves the file half-open inside HDF5
   * (pp_h5_library_close). To make that rarer the metadata is flushed
   * first; if that or any write failed, the partial file, discarded anyway,
   * is emptied, which frees space for the close. */
  int good = 0, all = 0;
  if (ok) good = H5Fflush(h->file, H5F_SCOPE_LOCAL) >= 0;
  MPI_Allreduce(&good, &all, 1, MPI_INT, MPI_MIN, h->comm);
  if (!all) {
    if (h->rank == 0 && truncate(h->partial, 0) != 0) { /* nothing more to free */
    }
    MPI_Barrier(h->comm);
  }
  herr_t rc = H5Fclose(h->file);
  h->file = H5I_INVALID_HID;
  good = rc >= 0 && all;
  MPI_Allreduce(&good, &all, 1, MPI_INT, MPI_MIN, h->comm);
  pp_status st = PP_OK;
  if (h->rank == 0) {
    if (ok && all) {
      if (rename(h->partial, h->path) != 0)
        st = pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: cannot rename to %s",
                        h->partial, h->path);
    } else {
      remove(h->partial);
    }
  }
  pp_interrupt_untrack(h->tracked);
  h->tracked = -1;
  if (st == PP_OK && ok && !all)
    st = pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: closing the HDF5 file failed",
                    h->partial);
  return st;
}
