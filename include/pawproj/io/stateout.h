/* stateout.h — the files of one Kohn-Sham state on a z-slab grid
 * (rgrid.h), each rank writing its own slab:
 *
 *   PREFIX[S]_REAL.vasp, PREFIX[S]_IMAG.vasp   VASP volumetric (volfile.h)
 *   PREFIX[S]_REAL.cube, PREFIX[S]_IMAG.cube   Gaussian cube, on request
 *   PREFIX.h5                                  ψ in Å^{-3/2} (h5out.h)
 *
 * with S = "" for one spinor component, _UP / _DOWN for two. The
 * volumetric files hold ψ·√Ω (Ω the cell volume), so that their square
 * follows CHGCAR's ρ·Ω convention. The HDF5 layout:
 *
 *   psi           complex (nspinor, NZ, NY, NX), Å^{-3/2}; attributes
 *                 "layout" and "kind" (all-electron | pseudo)
 *   lattice_A     (9) the cell vectors as rows, Å
 *   kpoint_frac   (3) reciprocal lattice units
 *   norm_on_grid  (1) ∫|ψ|² of the written state
 *   /             attributes "program", "command_line"
 */
#ifndef PAWPROJ_STATEOUT_H
#define PAWPROJ_STATEOUT_H

#include <complex.h>
#include <mpi.h>

#include "pawproj/core/error.h"
#include "pawproj/io/wavecar.h"
#include "pawproj/model/structure.h"
#include "pawproj/par/rgrid.h"

#define PP_STATE_MAXFILES 9

/* The names a state's files were written under, in order: at most 8
 * volumetric files (2 spinor components × real, imaginary × VASP, cube)
 * and the HDF5 file. */
typedef struct pp_state_files {
  char path[PP_STATE_MAXFILES][4300]; /* file names */
  int n;                              /* names in path */
} pp_state_files;

/* What the files say about the state and where they go. */
typedef struct pp_stateout {
  const pp_wavecar *wc;      /* lattice (Ω, lattice_A), k-point, spinor count */
  const pp_structure *cell;  /* the atoms of the volumetric headers */
  int s, k, b;               /* spin, k-point, band, 0-based (titles) */
  int ae;                    /* 1: all-electron, 0: pseudo (titles, "kind") */
  int imag;                  /* 1: write the imaginary part too (0 for a real u(r) at Γ) */
  int cube;                  /* 1: also the cube files */
  const char *prefix;        /* output names, see above */
} pp_stateout;

/* Spinor component sp, psi its values on my slab of g (pp_rgrid_local(g),
 * Å^{-3/2}): its REAL (and with o->imag its IMAG) files, VASP then cube;
 * names appended to f. tmp: scratch of pp_rgrid_local(g) doubles (the
 * caller's, from a pool). Collective over g->comm. */
pp_status pp_stateout_volumetric(const pp_stateout *o, const pp_rgrid *g, int sp, const double complex *psi,
                                 double *tmp, pp_state_files *f, pp_err *err);

/* PREFIX.h5: psi from my slabs (nspinor, g->nzl, NY, NX), contiguous per
 * spinor; norm its ∫|ψ|²; cmdline the run's command line. Name appended to
 * f. Collective over world (g's communicator); the status is agreed. */
pp_status pp_stateout_h5(const pp_stateout *o, MPI_Comm world, const pp_rgrid *g, const double complex *psi,
                         double norm, const char *cmdline, pp_state_files *f, pp_err *err);

#endif
