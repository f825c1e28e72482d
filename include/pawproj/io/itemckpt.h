/* itemckpt.h — the checkpoint of one finished (spin, k-point) item of a
 * defect in a study, so that a job stopped inside a defect redoes only the
 * items it had not finished (studyckpt.h keeps the finished defects).
 *
 * One binary file per item, FILE.ckpt/LABEL.item-I.bin (native byte
 * order): a header of 8 int64 {magic, version, item, nd, nbands, ncb, ncd,
 * 0}; raw (nd, 2) doubles, the item's valence and conduction sums over all
 * bulk bands; S (nd, nbands) complex, row n = <bulk m|defect n> over every
 * bulk band m; then PD (nd, ncd) and PB (nbands, ncb) complex, the
 * projections a results file keeps (ncb = ncd = 0: none).
 *
 * Written by the k-point group that computed the item, with MPI-IO over its
 * communicator: each rank its bulk-band slice of S and PB, the group's rank
 * 0 the header, raw and PD; as FILE.partial, renamed by the group's rank 0
 * once every part is written, so its presence means done. Read back by
 * whichever group owns the item in a later run, whatever its band slices;
 * a file of the wrong size or header is refused by name. All calls are
 * collective over kcomm; statuses are agreed there.
 */
#ifndef PAWPROJ_ITEMCKPT_H
#define PAWPROJ_ITEMCKPT_H

#include <complex.h>
#include <mpi.h>

#include "pawproj/core/error.h"

typedef struct pp_itemckpt_shape {
  int nd, nbands;   /* defect bands, all bulk bands */
  int ncb, ncd;     /* projection columns per bulk / defect band; 0: no projections */
} pp_itemckpt_shape;

/* This rank's part of item `item`: its bulk bands [b0, b0 + nbl); S
 * (nd, nbl) as overlap.h lays out one item, PB (nbl, ncb); raw and PD
 * (identical on the group's ranks) from its rank 0. PB, PD may be NULL
 * when ncb = ncd = 0. */
pp_status pp_itemckpt_write(MPI_Comm kcomm, const char *path, const pp_itemckpt_shape *sh, int item, int b0,
                            int nbl, const double *raw, const double complex *S, const double complex *PB,
                            const double complex *PD, pp_err *err);

/* 1 on every rank of kcomm when the item's file exists. */
int pp_itemckpt_exists(MPI_Comm kcomm, const char *path);

/* The same parts back into this rank's buffers (raw and PD on every rank). */
pp_status pp_itemckpt_read(MPI_Comm kcomm, const char *path, const pp_itemckpt_shape *sh, int item, int b0, int nbl,
                           double *raw, double complex *S, double complex *PB, double complex *PD, pp_err *err);

#endif
