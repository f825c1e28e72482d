/* lreal.h — which projector representation a VASP run used, and on which
 * real-space grid.
 *
 * A WAVECAR is orthonormal in the PAW metric (<ψ̃_m|ψ̃_n> + Σ P*_m Q P_n =
 * δ_mn; docs/paw.md) only with the projectors of the run
 * that wrote it: LREAL = .FALSE. → the POTCAR's reciprocal-space table;
 * .TRUE. → its real-space table applied on the wavefunction FFT grid
 * (NGX, NGY, NGZ); Auto (also On) → real-space projectors VASP re-optimises
 * for the run and does not write anywhere, so the closest available is the
 * .TRUE. representation (documented accuracy ~1e-3 in the AE norms).
 *
 * Detection, first match wins: DIR/OUTCAR (the parameter line "LREAL = T/F";
 * T with "Optimization of the real space projectors" means Auto; the first
 * "dimension x,y,z NGX = … NGY = … NGZ = …" line is the grid), then
 * DIR/vasprun.xml (<i name="LREAL"> of the incar block, else of the
 * parameters; <i name="NGX"> etc.). Without either file: .FALSE. and no
 * grid (the default grid of pp_vasp_grid then serves if needed).
 */
#ifndef PAWPROJ_LREAL_H
#define PAWPROJ_LREAL_H

#include "pawproj/core/error.h"

typedef enum { PP_LREAL_FALSE = 0, PP_LREAL_TRUE, PP_LREAL_AUTO } pp_lreal_mode;

typedef struct pp_lreal {
  pp_lreal_mode mode;
  char source[4200];   /* where the mode came from: a file, the option, or "default" */
  int grid[3];         /* NGX, NGY, NGZ of the run, 0 = unknown */
  char grid_source[4200];
} pp_lreal;

/* Reads DIR/OUTCAR or DIR/vasprun.xml as above; a file that exists but
 * cannot be read or says nothing about LREAL is not an error (the next
 * source is tried), a malformed value is. */
pp_status pp_lreal_detect(const char *dir, pp_lreal *lr, pp_err *err);

/* "F", ".FALSE.", "false", "T", ".TRUE.", "true", "A", "Auto", "On", "O"
 * (case-insensitive) into mode; anything else is an error naming opt. */
pp_status pp_lreal_parse(const char *text, const char *opt, pp_lreal_mode *mode, pp_err *err);

const char *pp_lreal_name(pp_lreal_mode mode);

/* The projector representation pawproj applies for a mode: real space
 * (the POTCAR's real-space table) for .TRUE. only. For Auto VASP
 * re-optimised its real-space projectors inside the run and stored them
 * nowhere; the reciprocal ones, with VASP's interpolation of the POTCAR's
 * table, reproduce VASP's projections to ~1e-4 and orthonormality to ~2e-7
 * (H), the POTCAR's real-space table only to ~1e-3 (docs/paw.md). So Auto
 * is projected in reciprocal space; `--lreal T` forces the real-space
 * table. */
int pp_lreal_real_space(pp_lreal_mode mode);

/* One line saying which representation that is, and why (for info/norms). */
const char *pp_lreal_projections(pp_lreal_mode mode);

/* VASP's default FFT grid for ENCUT (eV) and a lattice in Å: per axis the
 * smallest even n >= factor · G_cut |a_i| / 2π with prime factors 2, 3, 5,
 * 7 (factor 3 for PREC = Normal, 4 for Accurate/High). */
void pp_vasp_grid(const double lattice[3][3], double encut, double factor, int n[3]);

/* The smallest even n' >= n whose prime factors are 2, 3, 5, 7. */
int pp_fft_good_size(int n);

#endif
