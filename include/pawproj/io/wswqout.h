/* wswqout.h — VASP's WSWQ text file from distributed overlaps.
 *
 * VASP writes WSWQ (LWSWQ = .TRUE.) in the run of the reference geometry
 * Q0 with the displaced run's WAVECAR as WAVECAR.qqq, so its entry (i, j)
 * is <ψ_i(Q0)|S|ψ_j(Q)> (pymatgen.io.vasp.outputs.WSWQ: "W" the current
 * directory, "WQ" WAVECAR.qqq). The layout both pymatgen's reader and
 * nonrad's parser accept (nonrad requires "spin=" directly followed by the
 * number): per spin and k-point a header line
 *   "   spin=S, kpoint=     K"
 * then one line per pair, the band j of Q slow and the band i of Q0 fast,
 *   "i=     I, j=     J :   re   im"
 * 1-based, in fixed-point (neither reader accepts an exponent). Q0 is the
 * reference run (project's "bulk" side) and Q the displaced one (its
 * "defect" side); both band indices run over the same window [lo, hi), so
 * the file is a square matrix per (spin, k) as VASP's is for all bands.
 *
 * The overlaps stay where project computed them: each rank sends its
 * blocks of each k-point to rank 0, which writes them in file order
 * (outfile.h: FILE.partial, renamed when complete); rank 0's row buffer
 * comes from the caller's pool. Collective over world; status agreed.
 */
#ifndef PAWPROJ_WSWQOUT_H
#define PAWPROJ_WSWQOUT_H

#include <complex.h>
#include <mpi.h>

#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"
#include "pawproj/io/wfset.h"
#include "pawproj/par/layout.h"

typedef struct pp_wswq_in {
  const pp_layout *lay;
  const pp_wfset *ref;           /* this rank's slice of the reference run Q0 (all its bands) */
  const double complex *S;       /* (ref->nlocal, hi - lo, ref->nb): <Q0 b0+m|Q lo+n> */
  int lo, hi;                    /* the window, 0-based [lo, hi) */
} pp_wswq_in;

/* What the file says about itself, for the log (identical on all ranks). */
typedef struct pp_wswq_checks {
  double identity;  /* max |W_ij − δ_ij| over the file: ~0 when Q = Q0 */
  double group_min, group_max; /* per degenerate group G of Q0 bands inside the window (1e-3 eV):
                                * (1/|G|) Σ_{i∈G} Σ_j |W_ij|², the part of G that the window of Q keeps */
  int ngroups;
} pp_wswq_checks;

/* Bytes of rank 0's buffer (0 on the others). */
size_t pp_wswqout_need(const pp_wswq_in *in, int rank);

pp_status pp_wswqout_write(MPI_Comm world, const char *path, const pp_wswq_in *in, pp_pool *pool,
                           pp_wswq_checks *checks, pp_err *err);

#endif
