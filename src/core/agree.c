/* agree.c — collective error agreement (see agree.h). */
#include "pawproj/core/agree.h"

#include <string.h>

pp_status pp_bcast_status(pp_status st, pp_err *err, int root,
                          MPI_Comm comm) {
  int code = (int)st;
  MPI_Bcast(&code, 1, MPI_INT, root, comm);
  if (code == PP_OK) return PP_OK;
  MPI_Bcast(err->msg, (int)sizeof err->msg, MPI_CHAR, root, comm);
  MPI_Bcast(err->trace, (int)sizeof err->trace, MPI_CHAR, root, comm);
  err->code = (pp_status)code;
  return (pp_status)code;
}

pp_status pp_agree(pp_status st, pp_err *err, MPI_Comm comm) {
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int mine = st != PP_OK ? rank : size, first = size;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == size) return PP_OK;
  return pp_bcast_status(first == rank ? st : PP_ERR_REMOTE, err, first, comm);
}
