/* agree.h — making every rank of a communicator reach the same verdict.
 *
 * A failure on one rank must not leave the others waiting in a collective.
 * Each stage ends with pp_agree: all ranks learn whether any failed, and
 * every rank returns the message of the lowest failing rank, so rank 0 can
 * print it and all ranks exit with the same non-zero status.
 */
#ifndef PAWPROJ_AGREE_H
#define PAWPROJ_AGREE_H

#include <mpi.h>

#include "pawproj/core/error.h"

/* Collective over comm. Returns PP_OK if st == PP_OK on every rank; else
 * the failing rank's status, with its message copied into err everywhere. */
pp_status pp_agree(pp_status st, pp_err *err, MPI_Comm comm);

/* Collective: root's status and message become everyone's. */
pp_status pp_bcast_status(pp_status st, pp_err *err, int root, MPI_Comm comm);

#endif
