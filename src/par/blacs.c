/* blacs.c — BLACS grids and block-cyclic descriptors (see blacs.h). */
#include "pawproj/par/blacs.h"

int Csys2blacs_handle(MPI_Comm comm);
void Cfree_blacs_system_handle(int handle);
void Cblacs_gridinit(int *ctxt, const char *order, int nprow, int npcol);
void Cblacs_gridinfo(int ctxt, int *nprow, int *npcol, int *myrow, int *mycol);
void Cblacs_gridexit(int ctxt);
int numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc, const int *nprocs);
void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb, const int *irsrc,
               const int *icsrc, const int *ictxt, const int *lld, int *info);

pp_status pp_blacs_grid(MPI_Comm comm, int nprow, int npcol, pp_blacs *g, pp_err *err) {
  int size;
  MPI_Comm_size(comm, &size);
  *g = (pp_blacs)PP_BLACS_NONE;
  if (nprow < 1 || npcol < 1 || nprow * npcol != size)
    PP_FAIL(err, PP_ERR_ARG, "a %d × %d BLACS grid needs %d ranks per k-point group, not %d", nprow, npcol,
            nprow * npcol, size);
  if (MPI_Comm_dup(comm, &g->comm) != MPI_SUCCESS) PP_FAIL(err, PP_ERR_MPI, "MPI_Comm_dup failed");
  g->handle = Csys2blacs_handle(g->comm);
  g->ctxt = g->handle;
  Cblacs_gridinit(&g->ctxt, "Row", nprow, npcol);
  Cblacs_gridinfo(g->ctxt, &g->nprow, &g->npcol, &g->myrow, &g->mycol);
  if (g->nprow != nprow || g->npcol != npcol || g->myrow < 0)
    PP_FAIL(err, PP_ERR_MPI, "BLACS could not make a %d × %d grid", nprow, npcol);
  return PP_OK;
}

void pp_blacs_free(pp_blacs *g) {
  if (g->ctxt >= 0 && g->myrow >= 0) Cblacs_gridexit(g->ctxt);
  if (g->handle >= 0) Cfree_blacs_system_handle(g->handle);
  if (g->comm != MPI_COMM_NULL) MPI_Comm_free(&g->comm);
  *g = (pp_blacs)PP_BLACS_NONE;
}

void pp_blacs_shape(int n, int *nprow, int *npcol) {
  int r = 1;
  for (int d = 1; d * d <= n; d++)
    if (n % d == 0) r = d;
  *nprow = r;
  *npcol = n / r;
}

pp_status pp_bcmat_init(const pp_blacs *g, int m, int n, int mb, int nb, int lld_min, pp_bcmat *a, pp_err *err) {
  const int zero = 0;
  int info = 0;
  a->m = m, a->n = n, a->mb = mb, a->nb = nb;
  a->locr = numroc_(&m, &mb, &g->myrow, &zero, &g->nprow);
  a->locc = numroc_(&n, &nb, &g->mycol, &zero, &g->npcol);
  a->lld = a->locr > 1 ? a->locr : 1;
  if (lld_min > a->lld) a->lld = lld_min;
  descinit_(a->desc, &m, &n, &mb, &nb, &zero, &zero, &g->ctxt, &a->lld, &info);
  if (info != 0) PP_FAIL(err, PP_ERR_INTERNAL, "descinit of a %d × %d matrix (blocks %d × %d): info %d", m, n, mb, nb, info);
  return PP_OK;
}

size_t pp_bcmat_elems(const pp_bcmat *a) {
  const size_t e = (size_t)a->lld * (size_t)a->locc;
  return e > 0 ? e : 1;
}

/* Local index l of a block-cyclic dimension (block b, p processes, mine q). */
static int global(int l, int b, int p, int q) { return (l / b) * p * b + q * b + l % b; }

int pp_bcmat_grow(const pp_bcmat *a, const pp_blacs *g, int li) { return global(li, a->mb, g->nprow, g->myrow); }
int pp_bcmat_gcol(const pp_bcmat *a, const pp_blacs *g, int lj) { return global(lj, a->nb, g->npcol, g->mycol); }
