/* itemckpt.c — one finished item of a study's defect (see itemckpt.h). */
#include "pawproj/io/itemckpt.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pawproj/core/agree.h"
#include "pawproj/core/interrupt.h"

#define MAGIC 0x6b63697070617770LL /* "pwappick" */
#define VERSION 1
#define HEAD (8 * (MPI_Offset)sizeof(int64_t))
#define CPX ((MPI_Offset)sizeof(double complex))

typedef struct offsets {
  MPI_Offset raw, S, PD, PB, end;
} offsets;

static offsets layout(const pp_itemckpt_shape *sh) {
  offsets o;
  o.raw = HEAD;
  o.S = o.raw + (MPI_Offset)sh->nd * 2 * (MPI_Offset)sizeof(double);
  o.PD = o.S + (MPI_Offset)sh->nd * sh->nbands * CPX;
  o.PB = o.PD + (MPI_Offset)sh->nd * sh->ncd * CPX;
  o.end = o.PB + (MPI_Offset)sh->nbands * sh->ncb * CPX;
  return o;
}

/* A view of this rank's columns [b0, b0 + nbl) of S's nd rows. */
static int s_view(MPI_File fh, const pp_itemckpt_shape *sh, MPI_Offset at, int b0, int nbl, MPI_Datatype *t) {
  if (nbl <= 0) {
    *t = MPI_DATATYPE_NULL;
    return MPI_File_set_view(fh, at, MPI_C_DOUBLE_COMPLEX, MPI_C_DOUBLE_COMPLEX, "native", MPI_INFO_NULL);
  }
  MPI_Type_vector(sh->nd, nbl, sh->nbands, MPI_C_DOUBLE_COMPLEX, t);
  MPI_Type_commit(t);
  return MPI_File_set_view(fh, at + (MPI_Offset)b0 * CPX, MPI_C_DOUBLE_COMPLEX, *t, "native", MPI_INFO_NULL);
}

/* This rank's bulk-band parts, PB and S, both ways (collective); then the
 * file is closed. Nonzero on any failure. */
static int slices(MPI_File fh, const pp_itemckpt_shape *sh, const offsets *o, int b0, int nbl, void *PB, void *S,
                  int write) {
  int bad = 0;
  const int npb = nbl > 0 ? nbl * sh->ncb : 0, ns = nbl > 0 ? sh->nd * nbl : 0;
  const MPI_Offset at = o->PB + (MPI_Offset)b0 * sh->ncb * CPX;
  if (sh->ncb > 0)
    bad |= (write ? MPI_File_write_at_all(fh, at, PB, npb, MPI_C_DOUBLE_COMPLEX, MPI_STATUS_IGNORE)
                  : MPI_File_read_at_all(fh, at, PB, npb, MPI_C_DOUBLE_COMPLEX, MPI_STATUS_IGNORE)) != MPI_SUCCESS;
  MPI_Datatype t;
  bad |= s_view(fh, sh, o->S, b0, nbl, &t) != MPI_SUCCESS;
  bad |= (write ? MPI_File_write_all(fh, S, ns, MPI_C_DOUBLE_COMPLEX, MPI_STATUS_IGNORE)
                : MPI_File_read_all(fh, S, ns, MPI_C_DOUBLE_COMPLEX, MPI_STATUS_IGNORE)) != MPI_SUCCESS;
  if (t != MPI_DATATYPE_NULL) MPI_Type_free(&t);
  bad |= MPI_File_close(&fh) != MPI_SUCCESS;
  return bad;
}

pp_status pp_itemckpt_write(MPI_Comm kcomm, const char *path, const pp_itemckpt_shape *sh, int item, int b0,
                            int nbl, const double *raw, const double complex *S, const double complex *PB,
                            const double complex *PD, pp_err *err) {
  int rank;
  MPI_Comm_rank(kcomm, &rank);
  char tmp[4400];
  snprintf(tmp, sizeof tmp, "%s.partial", path);
  const offsets o = layout(sh);
  MPI_File fh;
  const int tracked = pp_interrupt_track(tmp);
  if (MPI_File_open(kcomm, tmp, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh) != MPI_SUCCESS) {
    pp_interrupt_untrack(tracked);
    return pp_agree(pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: cannot create", tmp), err, kcomm);
  }
  /* A stale .partial of a killed run must not lend its tail. */
  int bad = MPI_File_set_size(fh, 0) != MPI_SUCCESS;
  if (rank == 0) {
    const int64_t head[8] = {MAGIC, VERSION, item, sh->nd, sh->nbands, sh->ncb, sh->ncd, 0};
    bad |= MPI_File_write_at(fh, 0, head, 8, MPI_INT64_T, MPI_STATUS_IGNORE) != MPI_SUCCESS;
    bad |= MPI_File_write_at(fh, o.raw, raw, 2 * sh->nd, MPI_DOUBLE, MPI_STATUS_IGNORE) != MPI_SUCCESS;
    if (sh->ncd > 0)
      bad |= MPI_File_write_at(fh, o.PD, PD, sh->nd * sh->ncd, MPI_C_DOUBLE_COMPLEX, MPI_STATUS_IGNORE) != MPI_SUCCESS;
  }
  bad |= slices(fh, sh, &o, b0, nbl, (void *)PB, (void *)S, 1);
  int any = 0;
  MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, kcomm);
  if (!any && rank == 0 && rename(tmp, path) != 0) any = 2;
  MPI_Bcast(&any, 1, MPI_INT, 0, kcomm);
  if (any && rank == 0) remove(tmp);
  pp_interrupt_untrack(tracked);
  if (any) {
    PP_FAIL(err, PP_ERR_IO, "%s: cannot write the item checkpoint (disk full?)", path);
  }
  return PP_OK;
}

int pp_itemckpt_exists(MPI_Comm kcomm, const char *path) {
  int rank, yes = 0;
  MPI_Comm_rank(kcomm, &rank);
  if (rank == 0) yes = access(path, F_OK) == 0;
  MPI_Bcast(&yes, 1, MPI_INT, 0, kcomm);
  return yes;
}

pp_status pp_itemckpt_read(MPI_Comm kcomm, const char *path, const pp_itemckpt_shape *sh, int item, int b0, int nbl,
                           double *raw, double complex *S, double complex *PB, double complex *PD, pp_err *err) {
  const offsets o = layout(sh);
  MPI_File fh;
  if (MPI_File_open(kcomm, path, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh) != MPI_SUCCESS)
    return pp_agree(pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: cannot open the item checkpoint (remove it "
                               "to redo this item)", path), err, kcomm);
  int64_t head[8] = {0};
  MPI_Offset size = 0;
  int bad = MPI_File_read_at_all(fh, 0, head, 8, MPI_INT64_T, MPI_STATUS_IGNORE) != MPI_SUCCESS;
  bad |= MPI_File_get_size(fh, &size) != MPI_SUCCESS;
  const int64_t want[7] = {MAGIC, VERSION, item, sh->nd, sh->nbands, sh->ncb, sh->ncd};
  if (bad || size != o.end || memcmp(head, want, sizeof want) != 0) {
    MPI_File_close(&fh);
    return pp_agree(pp_fail_at(err, PP_ERR_FORMAT, __FILE__, __LINE__, "%s: not this item's checkpoint (%lld bytes, "
                               "%lld expected, or another header); remove it to redo this item",
                               path, (long long)size, (long long)o.end), err, kcomm);
  }
  bad |= MPI_File_read_at_all(fh, o.raw, raw, 2 * sh->nd, MPI_DOUBLE, MPI_STATUS_IGNORE) != MPI_SUCCESS;
  if (sh->ncd > 0)
    bad |= MPI_File_read_at_all(fh, o.PD, PD, sh->nd * sh->ncd, MPI_C_DOUBLE_COMPLEX, MPI_STATUS_IGNORE) != MPI_SUCCESS;
  bad |= slices(fh, sh, &o, b0, nbl, PB, S, 0);
  int any = 0;
  MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, kcomm);
  if (any) PP_FAIL(err, PP_ERR_IO, "%s: cannot read the item checkpoint", path);
  return PP_OK;
}
