/* layout.h — how the ranks share the work.
 *
 * MPI_COMM_WORLD = kgroups × bandgroups. The (spin, k-point) items are
 * dealt round-robin to k-point groups; a k-point never spans groups. Inside
 * a group each rank owns a contiguous slice of the bands, for every
 * structure of the run. Derived communicators:
 *   kcomm   ranks of my k-point group (band slices of the same k-points)
 *   xcomm   ranks holding the same band slice in every group (for sums
 *           over k-points)
 */
#ifndef PAWPROJ_LAYOUT_H
#define PAWPROJ_LAYOUT_H

#include <mpi.h>

#include "pawproj/core/error.h"

typedef struct pp_layout {
  MPI_Comm world;  /* the run's communicator (not owned) */
  MPI_Comm kcomm;  /* my k-point group (owned) */
  MPI_Comm xcomm;  /* same position in every group (owned) */
  int rank, size;  /* in world */
  int nkgroups;    /* number of k-point groups */
  int kgroup;      /* my group, 0..nkgroups-1 */
  int nbranks;     /* ranks per group */
  int brank;       /* my rank inside the group */
  int nitems;      /* (spin, k) items in the run: nspin · nkpts */
  int blocked;     /* 0: band slices as even as possible (pp_layout_slice); 1: ScaLAPACK's block
                    * distribution, ceil(n / nbranks) bands per rank, the last ranks fewer or none
                    * (pp_layout_bands), so a slice is a column block of a 1 × nbranks BLACS grid */
} pp_layout;

/* A layout that owns no communicator yet: what a caller initialises one to
 * so that pp_layout_free is safe on every path. */
#define PP_LAYOUT_NONE {.kcomm = MPI_COMM_NULL, .xcomm = MPI_COMM_NULL}

/* Chooses the grid. kgroups_request > 0 forces the number of k-point groups
 * (it must divide the rank count and not exceed the items); 0 picks the
 * divisor of the rank count that minimises the largest per-rank share
 * (items of a group × bands of a slice), preferring more k-point groups on
 * a tie since they need no communication. */
pp_status pp_layout_create(MPI_Comm world, int nitems, int nbands,
                           int kgroups_request, pp_layout *lay, pp_err *err);

/* Frees the communicators. */
void pp_layout_free(pp_layout *lay);

/* 1 if item (0..nitems-1) belongs to my k-point group. */
static inline int pp_layout_owns_item(const pp_layout *lay, int item) {
  return item % lay->nkgroups == lay->kgroup;
}

/* Group that owns the item. */
static inline int pp_layout_item_group(const pp_layout *lay, int item) {
  return item % lay->nkgroups;
}

/* Contiguous slice [*b0, *b0 + *nb) of n bands for group rank r of p. */
void pp_layout_slice(int n, int p, int r, int *b0, int *nb);

/* The slice of n bands that group rank r holds under lay (lay->blocked
 * decides how they are cut). */
void pp_layout_bands(const pp_layout *lay, int n, int r, int *b0, int *nb);

#endif
