/* stategrid.c — an all-electron state's predicted loss on a grid and the
 * refined default grid (see stategrid.h). */
#include "pawproj/analysis/stategrid.h"

#include <stdio.h>

#include "pawproj/analysis/state.h"

typedef struct loss_arg {
  const pp_tcradial *tabs;
  const pp_structure *cell;
  const double complex *P;
  int nspinor, nproj;
} loss_arg;

static double state_loss(void *arg, double q2) {
  const loss_arg *l = arg;
  return pp_state_deficit(l->tabs, l->cell, l->P, l->nspinor, l->nproj, q2);
}

pp_status pp_stategrid_refine(const pp_pawdata *const *data, const pp_structure *cell, const double lattice[3][3],
                              const double complex *P, int nspinor, int nproj, int grid[3], char *source, size_t n,
                              double *deficit, pp_err *err) {
  pp_tcradial *tabs = NULL;
  PP_CALL(pp_state_tables(data, cell->nspecies, &tabs, err));
  loss_arg l = {tabs, cell, P, nspinor, nproj};
  const int base[3] = {grid[0], grid[1], grid[2]};
  const double f = pp_state_refine(base, lattice, state_loss, &l, PP_STATE_AE_DEFICIT, grid, deficit);
  pp_state_tables_free(tabs, cell->nspecies);
  char tmp[4300];
  if (f == 0)
    snprintf(tmp, sizeof tmp, "%.4000s, refined ×6 (the most allowed by default; the reconstruction beyond it "
             "still carries %.1e of the norm)", source, *deficit);
  else if (f > 1)
    snprintf(tmp, sizeof tmp, "%.4000s, refined ×%g so that the PAW reconstruction the grid cannot resolve "
             "carries < %.0e of the norm", source, f, PP_STATE_AE_DEFICIT);
  else
    return PP_OK;
  snprintf(source, n, "%s", tmp);
  return PP_OK;
}

pp_status pp_stategrid_deficit(const pp_pawdata *const *data, const pp_structure *cell, const double complex *P,
                               int nspinor, int nproj, double q2, double *deficit, pp_err *err) {
  pp_tcradial *tabs = NULL;
  PP_CALL(pp_state_tables(data, cell->nspecies, &tabs, err));
  *deficit = pp_state_deficit(tabs, cell, P, nspinor, nproj, q2);
  pp_state_tables_free(tabs, cell->nspecies);
  return PP_OK;
}
