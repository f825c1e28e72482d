/* studyckpt.c — a study's checkpoint directory (see studyckpt.h). */
#include "pawproj/io/studyckpt.h"

#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pawproj/core/agree.h"
#include "pawproj/core/interrupt.h"
#include "pawproj/core/textfile.h"
#include "pawproj/io/h5out.h"

#define HEAD "pawproj study checkpoint: INCOMPLETE until the results file exists; rerun the same command (or add --resume) to continue\n"

/* Rank 0's part of open: an existing manifest must hold this fingerprint. */
static pp_status open_root(const char *manifest, const char *fingerprint, int must_exist, pp_studyckpt *ck,
                           pp_err *err) {
  struct stat st;
  if (stat(ck->dir, &st) == 0) {
    if (!S_ISDIR(st.st_mode)) PP_FAIL(err, PP_ERR_IO, "%s: exists and is not a checkpoint directory", ck->dir);
    char *text = NULL;
    size_t len = 0;
    pp_err quiet; /* its message is replaced by ours */
    pp_err_clear(&quiet);
    if (pp_text_read(manifest, (size_t)1 << 20, &text, &len, &quiet) != PP_OK) {
      free(text);
      PP_FAIL(err, PP_ERR_FORMAT, "%s: a directory without a manifest: not a pawproj checkpoint; remove it or "
              "choose another --h5", ck->dir);
    }
    const int same = len >= strlen(HEAD) && !strncmp(text, HEAD, strlen(HEAD)) &&
                     !strcmp(text + strlen(HEAD), fingerprint);
    free(text);
    if (!same)
      PP_FAIL(err, PP_ERR_MISMATCH, "%s: holds the checkpoints of another study (other runs, bands or options; "
              "see its manifest); remove it to start afresh, or rerun the study that wrote it", ck->dir);
    ck->resumed = 1;
    return PP_OK;
  }
  if (must_exist)
    PP_FAIL(err, PP_ERR_ARG, "--resume: no checkpoints to resume from (%s does not exist)", ck->dir);
  if (mkdir(ck->dir, 0777) != 0) PP_FAIL(err, PP_ERR_IO, "%s: cannot create (%s)", ck->dir, strerror(errno));
  char tmp[4400];
  snprintf(tmp, sizeof tmp, "%s.partial", manifest);
  const int tracked = pp_interrupt_track(tmp);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    pp_interrupt_untrack(tracked);
    PP_FAIL(err, PP_ERR_IO, "%s: cannot create (%s)", tmp, strerror(errno));
  }
  const int ok = fputs(HEAD, f) >= 0 && fputs(fingerprint, f) >= 0;
  const int bad = fclose(f) != 0 || !ok || rename(tmp, manifest) != 0;
  if (bad) remove(tmp);
  pp_interrupt_untrack(tracked);
  if (bad) {
    PP_FAIL(err, PP_ERR_IO, "%s: cannot write the manifest", manifest);
  }
  return PP_OK;
}

pp_status pp_studyckpt_open(MPI_Comm comm, const char *file, const char *fingerprint, int must_exist,
                            pp_studyckpt *ck, pp_err *err) {
  memset(ck, 0, sizeof *ck);
  ck->comm = comm;
  MPI_Comm_rank(comm, &ck->rank);
  snprintf(ck->final, sizeof ck->final, "%s", file);
  snprintf(ck->dir, sizeof ck->dir, "%s.ckpt", file);
  char manifest[4300];
  snprintf(manifest, sizeof manifest, "%s/manifest", ck->dir);
  pp_status st = ck->rank == 0 ? open_root(manifest, fingerprint, must_exist, ck, err) : PP_OK;
  MPI_Bcast(&ck->resumed, 1, MPI_INT, 0, comm);
  return pp_agree(st, err, comm);
}

void pp_studyckpt_path(const pp_studyckpt *ck, const char *label, char *out, size_t n) {
  snprintf(out, n, "%s/%s.h5", ck->dir, label);
}

void pp_studyckpt_item_path(const pp_studyckpt *ck, const char *label, int item, char *out, size_t n) {
  snprintf(out, n, "%s/%s.item-%d.bin", ck->dir, label, item);
}

int pp_studyckpt_done(const pp_studyckpt *ck, const char *label) {
  char path[4400];
  pp_studyckpt_path(ck, label, path, sizeof path);
  int done = ck->rank == 0 && access(path, F_OK) == 0;
  MPI_Bcast(&done, 1, MPI_INT, 0, ck->comm);
  return done;
}

/* A double dataset of exactly the given shape into out (rank 0). */
static pp_status read_doubles(hid_t f, const char *path, const char *name, int ndim, const hsize_t *want,
                              double *out, pp_err *err) {
  const hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
  if (ds < 0) PP_FAIL(err, PP_ERR_FORMAT, "%s: no dataset %s", path, name);
  const hid_t sp = H5Dget_space(ds);
  hsize_t dims[8] = {0};
  const int nd = H5Sget_simple_extent_dims(sp, dims, NULL);
  int same = nd == ndim;
  for (int i = 0; same && i < ndim; i++) same = dims[i] == want[i];
  const herr_t rc = same ? H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) : -1;
  H5Sclose(sp);
  H5Dclose(ds);
  if (!same) PP_FAIL(err, PP_ERR_FORMAT, "%s: dataset %s has another shape than this study's", path, name);
  if (rc < 0) PP_FAIL(err, PP_ERR_IO, "%s: cannot read %s", path, name);
  return PP_OK;
}

pp_status pp_studyckpt_read(const pp_studyckpt *ck, const char *label, int nspin, int nd, double *character,
                            double *ipr_ae, double *ipr_ps, pp_err *err) {
  char path[4400];
  pp_studyckpt_path(ck, label, path, sizeof path);
  pp_status st = PP_OK;
  if (ck->rank == 0) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
      st = pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: cannot open the checkpoint (remove it to redo "
                      "this defect)", path);
    } else {
      const hsize_t c[3] = {(hsize_t)nspin, (hsize_t)nd, PP_PROJECTOUT_NCHAR}, p[2] = {(hsize_t)nspin, (hsize_t)nd};
      st = read_doubles(f, path, "character", 3, c, character, err);
      if (st == PP_OK && ipr_ae) st = read_doubles(f, path, "ipr", 2, p, ipr_ae, err);
      if (st == PP_OK && ipr_ae) st = read_doubles(f, path, "ipr_pseudo", 2, p, ipr_ps, err);
      H5Fclose(f);
    }
  }
  PP_CALL(pp_agree(st, err, ck->comm));
  MPI_Bcast(character, nspin * nd * PP_PROJECTOUT_NCHAR, MPI_DOUBLE, 0, ck->comm);
  if (ipr_ae) {
    MPI_Bcast(ipr_ae, nspin * nd, MPI_DOUBLE, 0, ck->comm);
    MPI_Bcast(ipr_ps, nspin * nd, MPI_DOUBLE, 0, ck->comm);
  }
  return PP_OK;
}

/* Rank 0: FILE from the checkpoint files, then the directory removed. */
static pp_status assemble(const pp_studyckpt *ck, const char *const *labels, int n, const pp_projectout_study *info,
                          pp_err *err) {
  pp_h5 h;
  PP_CALL(pp_h5_create(MPI_COMM_SELF, ck->final, &h, err));
  pp_status st = PP_OK;
  const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  for (int i = 0; i < n && st == PP_OK; i++) {
    char path[4400], dst[128];
    pp_studyckpt_path(ck, labels[i], path, sizeof path);
    snprintf(dst, sizeof dst, "defects/%s", labels[i]);
    const hid_t src = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    const herr_t rc = src >= 0 ? H5Ocopy(src, ".", h.file, dst, H5P_DEFAULT, lcpl) : -1;
    if (src >= 0) H5Fclose(src);
    if (rc < 0) st = pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: cannot copy into %s", path, h.partial);
  }
  H5Pclose(lcpl);
  PP_CALL(pp_projectout_study_close(&h, st == PP_OK, info, err));
  PP_CALL(st);
  for (int i = 0; i < n; i++) {
    char path[4400];
    pp_studyckpt_path(ck, labels[i], path, sizeof path);
    remove(path);
  }
  char manifest[4300];
  snprintf(manifest, sizeof manifest, "%s/manifest", ck->dir);
  remove(manifest);
  if (rmdir(ck->dir) != 0)
    fprintf(stderr, "[pawproj] note: %s could not be removed (%s); the results file %s is complete\n", ck->dir,
            strerror(errno), ck->final);
  return PP_OK;
}

pp_status pp_studyckpt_finish(const pp_studyckpt *ck, const char *const *labels, int n,
                              const pp_projectout_study *info, pp_err *err) {
  const pp_status st = ck->rank == 0 ? assemble(ck, labels, n, info, err) : PP_OK;
  return pp_agree(st, err, ck->comm);
}
