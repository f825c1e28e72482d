/* densitysum.c — the density summed over the (spin, k) items in a fixed
 * order (see densitypass.h). */
#include "pawproj/analysis/densitypass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/io/wfset.h"

/* ri += Σ_b w_b |ψ_b|² of one (spin, k) item on my slab; *states counts
 * the spinor components put on the grid (on band rank 0 only, so that the
 * sum over the world counts each once). */
static pp_status add_item(const pp_density_pass *p, pp_rgrid *g, const pp_aeplan *ae, int s, int k, double *ri,
                          long long *states, pp_err *err) {
  const pp_wavecar *wc = &p->ds->wc;
  const pp_structure *cell = &p->ds->structure;
  const int64_t npw = wc->npw[k];
  const ptrdiff_t nloc = pp_rgrid_local(g);
  for (int b = p->lo; b < p->hi; b++) {
    const double w = pp_density_weight(p, s, k, b);
    if (w == 0) continue;
    PP_CALL(pp_wfset_read_band(wc, p->src, s, k, b, p->c, p->lay->kcomm, err));
    if (ae) PP_CALL(pp_project(p->paw, cell, wc, k, p->c, 1, pp_wavecar_nstored(wc, k), p->P, err));
    for (int sp = 0; sp < wc->nspinor; sp++) {
      *states += p->lay->brank == 0;
      PP_CALL(pp_state_fill(g, wc, k, p->c + (int64_t)sp * npw, ae, cell, ae ? p->P + (size_t)sp * p->paw->nproj : NULL,
                            1, err));
      for (ptrdiff_t i = 0; i < nloc; i++)
        ri[i] += w * (creal(g->buf[i]) * creal(g->buf[i]) + cimag(g->buf[i]) * cimag(g->buf[i]));
    }
  }
  return PP_OK;
}

pp_status pp_density_sum(const pp_density_pass *p, pp_rgrid *g, const pp_aeplan *ae, int progress, double **rho,
                         long long *nstates, double *seconds, pp_err *err) {
  const pp_wavecar *wc = &p->ds->wc;
  const pp_layout *lay = p->lay;
  const ptrdiff_t nloc = pp_rgrid_local(g);
  /* With one group the items are added at once in item order; with more,
   * each group keeps its items apart until the end, when the owner groups
   * broadcast them in item order: the same additions in the same order as
   * on one rank. */
  const int ngroups = lay->nkgroups;
  int nown = 0;
  for (int item = 0; item < lay->nitems; item++) nown += pp_layout_owns_item(lay, item);
  const int nbuf = ngroups == 1 ? 1 : (nown > 0 ? nown : 1);
  double *part = calloc((size_t)nbuf * (size_t)nloc + 1, sizeof *part), *tmp = NULL;
  pp_status st = PP_OK;
  *rho = calloc((size_t)nloc + 1, sizeof **rho);
  if (!*rho || !part) PP_THROW(PP_ERR_NOMEM, "out of memory for the density slabs (%d × %td points)", nbuf + 1, nloc);
  int done_items = 0;
  long long states = 0;
  const double t0 = MPI_Wtime();
  for (int item = 0; item < lay->nitems; item++) {
    if (!pp_layout_owns_item(lay, item)) continue;
    const int s = item / wc->nkpts, k = item % wc->nkpts;
    double *ri = part + (size_t)(ngroups == 1 ? 0 : done_items) * nloc;
    memset(ri, 0, sizeof *ri * (size_t)nloc);
    PP_TRY(add_item(p, g, ae, s, k, ri, &states, err));
    if (ngroups == 1)
      for (ptrdiff_t i = 0; i < nloc; i++) (*rho)[i] += ri[i];
    done_items++;
    if (progress && lay->rank == 0)
      fprintf(stderr, "[pawproj] density: spin %d k-point %d done (%d of %d on group 0)\n", s + 1, k + 1,
              done_items, nown);
  }
  if (ngroups > 1) {
    tmp = malloc(sizeof *tmp * ((size_t)nloc + 1));
    if (!tmp) PP_THROW(PP_ERR_NOMEM, "out of memory for the density slabs");
    for (int item = 0, mine = 0; item < lay->nitems; item++) {
      const int owner = pp_layout_item_group(lay, item);
      if (owner == lay->kgroup) memcpy(tmp, part + (size_t)mine++ * nloc, sizeof *tmp * (size_t)nloc);
      MPI_Bcast(tmp, (int)nloc, MPI_DOUBLE, owner, lay->xcomm);
      for (ptrdiff_t i = 0; i < nloc; i++) (*rho)[i] += tmp[i];
    }
  }
  MPI_Allreduce(&states, nstates, 1, MPI_LONG_LONG, MPI_SUM, lay->world);
  *seconds = MPI_Wtime() - t0;
  if (progress && lay->rank == 0)
    fprintf(stderr, "[pawproj] density: %lld states on the %d × %d × %d grid in %.3f s (%.2f states/s)\n", *nstates,
            g->n[0], g->n[1], g->n[2], *seconds, *nstates / (*seconds > 0 ? *seconds : 1e-30));
done:
  free(tmp);
  free(part);
  return st;
}
