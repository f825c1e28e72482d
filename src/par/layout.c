/* layout.c — k-point groups × band groups (see layout.h). */
#include "pawproj/par/layout.h"

void pp_layout_slice(int n, int p, int r, int *b0, int *nb) {
  const int base = n / p, rem = n % p;
  *nb = base + (r < rem ? 1 : 0);
  *b0 = r * base + (r < rem ? r : rem);
}

void pp_layout_bands(const pp_layout *lay, int n, int r, int *b0, int *nb) {
  if (!lay->blocked) {
    pp_layout_slice(n, lay->nbranks, r, b0, nb);
    return;
  }
  const int block = n > 0 ? (n + lay->nbranks - 1) / lay->nbranks : 1;
  *b0 = r * block < n ? r * block : n;
  *nb = n - *b0 < block ? n - *b0 : block;
}

/* Largest per-rank share of (item, band) pairs with g k-point groups. */
static long share(int nitems, int nbands, int size, int g) {
  const long items = (nitems + g - 1) / g, ranks = size / g;
  return items * ((nbands + ranks - 1) / ranks);
}

pp_status pp_layout_create(MPI_Comm world, int nitems, int nbands,
                           int kgroups_request, pp_layout *lay, pp_err *err) {
  lay->world = world;
  lay->kcomm = lay->xcomm = MPI_COMM_NULL;
  MPI_Comm_rank(world, &lay->rank);
  MPI_Comm_size(world, &lay->size);
  lay->nitems = nitems;
  lay->blocked = 0;
  int g = kgroups_request;
  if (g > 0) {
    if (lay->size % g != 0)
      PP_FAIL(err, PP_ERR_ARG,
              "--kgroups %d does not divide the %d MPI ranks", g, lay->size);
    if (g > nitems)
      PP_FAIL(err, PP_ERR_ARG,
              "--kgroups %d exceeds the %d (spin, k-point) pairs of the run",
              g, nitems);
  } else {
    g = 1;
    for (int d = 2; d <= lay->size && d <= nitems; d++)
      if (lay->size % d == 0 &&
          share(nitems, nbands, lay->size, d) <= share(nitems, nbands, lay->size, g))
        g = d;
  }
  lay->nkgroups = g;
  lay->nbranks = lay->size / g;
  /* Consecutive ranks share a group: they are usually on the same node. */
  lay->kgroup = lay->rank / lay->nbranks;
  lay->brank = lay->rank % lay->nbranks;
  if (MPI_Comm_split(world, lay->kgroup, lay->brank, &lay->kcomm) !=
          MPI_SUCCESS ||
      MPI_Comm_split(world, lay->brank, lay->kgroup, &lay->xcomm) !=
          MPI_SUCCESS)
    PP_FAIL(err, PP_ERR_MPI, "MPI_Comm_split failed");
  return PP_OK;
}

void pp_layout_free(pp_layout *lay) {
  if (lay->kcomm != MPI_COMM_NULL) MPI_Comm_free(&lay->kcomm);
  if (lay->xcomm != MPI_COMM_NULL) MPI_Comm_free(&lay->xcomm);
}
