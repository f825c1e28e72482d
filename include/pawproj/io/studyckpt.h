/* studyckpt.h — checkpoints of a defect study (`project --defects
 * --h5 FILE`), so that a job stopped by a signal, a time limit or a kill
 * loses at most the (spin, k) items it was working on.
 *
 * The study keeps a directory FILE.ckpt beside FILE until it is complete:
 *   manifest    first line: "pawproj study checkpoint: INCOMPLETE ...", then
 *               the study's fingerprint (what decides its numbers: runs,
 *               bands, method, options; not the rank count);
 *   LABEL.item-I.bin  one finished (spin, k) item of the defect at hand
 *               (itemckpt.h), removed when the defect's LABEL.h5 exists;
 *   LABEL.h5    one finished defect in the single-run layout of
 *               projectout.h (plus ipr, ipr_pseudo with --ipr), written as
 *               LABEL.h5.partial and renamed when complete, so its presence
 *               means done.
 * A later run with the same fingerprint skips the defects that have their
 * file (whatever rank count either run had); another study's directory is
 * refused. When every defect is done, rank 0 copies the files into FILE
 * (/defects/LABEL, bit for bit: H5Ocopy), writes the root attributes
 * (complete = "yes"), renames FILE.partial to FILE and removes the
 * directory. FILE therefore exists only when complete.
 * All functions are collective over comm; statuses are agreed.
 */
#ifndef PAWPROJ_STUDYCKPT_H
#define PAWPROJ_STUDYCKPT_H

#include <mpi.h>
#include <stddef.h>

#include "pawproj/core/error.h"
#include "pawproj/io/projectout.h"

typedef struct pp_studyckpt {
  MPI_Comm comm;    /* not owned */
  int rank;
  char final[4096]; /* FILE */
  char dir[4200];   /* FILE.ckpt */
  int resumed;      /* 1: the directory was there with this study's manifest */
} pp_studyckpt;

/* Opens FILE.ckpt for the study with this fingerprint, creating it (and
 * its manifest) when absent; must_exist = 1 (--resume) refuses a missing
 * one. */
pp_status pp_studyckpt_open(MPI_Comm comm, const char *file, const char *fingerprint, int must_exist,
                            pp_studyckpt *ck, pp_err *err);

/* The checkpoint file of a defect: FILE.ckpt/LABEL.h5. */
void pp_studyckpt_path(const pp_studyckpt *ck, const char *label, char *out, size_t n);

/* The checkpoint file of one finished (spin, k) item of a defect:
 * FILE.ckpt/LABEL.item-I.bin (itemckpt.h). */
void pp_studyckpt_item_path(const pp_studyckpt *ck, const char *label, int item, char *out, size_t n);

/* 1 on every rank when the defect's checkpoint file exists. */
int pp_studyckpt_done(const pp_studyckpt *ck, const char *label);

/* From a finished defect's file, on every rank: character (nspin, nd,
 * PP_PROJECTOUT_NCHAR); with ipr_ae non-NULL also ipr_ae, ipr_ps (nspin,
 * nd). The shapes are checked. */
pp_status pp_studyckpt_read(const pp_studyckpt *ck, const char *label, int nspin, int nd, double *character,
                            double *ipr_ae, double *ipr_ps, pp_err *err);

/* Assembles FILE from the n defects' files (labels, in order) and removes
 * the directory. */
pp_status pp_studyckpt_finish(const pp_studyckpt *ck, const char *const *labels, int n,
                              const pp_projectout_study *info, pp_err *err);

#endif
