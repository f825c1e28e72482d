/* testfault.c — faults injected by the tests (see testfault.h). */
#include "pawproj/cli/testfault.h"

#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

void pp_testfault_point(int n) {
  const char *at = getenv("PAWPROJ_TEST_SIGNAL_AFTER"), *sig = getenv("PAWPROJ_TEST_SIGNAL");
  if (!at || !sig) return;
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0 && n == atoi(at)) raise(atoi(sig));
}

void pp_testfault_item(int defect, int round) {
  const char *at = getenv("PAWPROJ_TEST_SIGNAL_ITEM"), *sig = getenv("PAWPROJ_TEST_SIGNAL");
  int d, r, rank;
  if (!at || !sig || sscanf(at, "%d:%d", &d, &r) != 2) return;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0 && d == defect && r == round) raise(atoi(sig));
}
