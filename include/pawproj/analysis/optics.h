/* optics.h — `pawproj optics` as one computation: the all-electron momentum
 * matrix elements between every pair of bands of a window of one run,
 *
 *   p^v_mn(k) = <ψ_m|−i∂_v|ψ_n>
 *             = Σ_G C*_mG (k+G)_v C_nG  +  Σ_a Σ_ij P*_ami (−i N^{a,v}_ij) P_anj
 *
 * in atomic units (ħ/Bohr), per (spin, k), v = x, y, z Cartesian; N the
 * one-centre gradient matrices of paw/nabla.h, P the projections of the
 * run's own representation (projmode.h: LREAL), noncollinear files summed
 * over both spinor components. Gamma-only files hold real wavefunctions:
 * p is purely imaginary, taken from the half sphere as i·Im(2 Σ_half).
 *
 * Distribution as norms (aenorm.h): k-point groups take (spin, k) items,
 * the ranks of a group band slices of the window; each k-point's plan
 * (projector.h: k+G and the projectors) is made once and serves both the
 * projections and the plane-wave part. The slices [C; P] go round the
 * group's ring; per step one ZGEMM per direction for the plane waves (on
 * the (k+G)_v-weighted copy of the slice in hand) and one for the PAW
 * part (on N·P), so no rank holds more than two slices. Each (m, n) entry
 * is computed by exactly one rank and the tables are summed over the
 * world (exact: the others hold zeros), so every rank gets the same
 * tables; other rank counts cut the products differently and agree to
 * rounding.
 *
 * Stages (core/stage.h): "optics" (pools nabla, optics-wf) holding "read"
 * (io-buffer), "momentum" (pool optics-item per item: the plan and the
 * ring) and, with an HDF5 file, "write" (write-buffer). The whole need is
 * checked against the budget first.
 */
#ifndef PAWPROJ_OPTICS_H
#define PAWPROJ_OPTICS_H

#include <complex.h>

#include "pawproj/core/ctx.h"
#include "pawproj/core/error.h"
#include "pawproj/io/dataset.h"
#include "pawproj/paw/projmode.h"

typedef struct pp_optics_setup {
  const pp_dataset *ds; /* the run (open, with its structure) */
  const char *dir;      /* the run as given: datasets by default, OUTCAR / vasprun.xml (LREAL, grid) */
  pp_paw_opts paw;      /* datasets and projector representation */
  int paw_terms;        /* 1: all-electron (one-centre terms); 0: plane waves only */
  int lo, hi;           /* band window, 0-based [lo, hi) */
  int kgroups;          /* k-point groups; 0: automatic (layout.h) */
  const char *h5;       /* the HDF5 file (io/opticsout.h); NULL: none */
} pp_optics_setup;

/* On every rank when pp_optics_run succeeded (owned: pp_optics_result_free).
 * Matrices (nspin·nkpts, 3, nb, nb), row-major: entry m, n of direction v
 * of item it = s·nkpts + k at ((it·3 + v)·nb + m)·nb + n, m and n counted
 * from the window's first band. */
typedef struct pp_optics_result {
  int nb, nitems;          /* window width, spin × k items */
  double complex *pseudo;  /* Σ_G C*_m (k+G)_v C_n, ħ/Bohr */
  double complex *onsite;  /* Σ_a P* (−iN) P, ħ/Bohr; zeros without paw_terms */
  const char *lreal;       /* the LREAL the projectors follow (pp_lreal_name) */
  char projectors[9000];   /* the projector representation, as projmode.h states it */
  double flops;            /* of the momentum products, all ranks */
  double seconds;          /* the momentum stage, the slowest rank */
} pp_optics_result;

/* Collective over ctx->world; the status is agreed on all ranks. Whatever
 * the status, r may be given to pp_optics_result_free. */
pp_status pp_optics_run(pp_ctx *ctx, const pp_optics_setup *s, pp_optics_result *r, pp_err *err);
void pp_optics_result_free(pp_optics_result *r);

/* "paw: plane waves + one-centre terms" or "pseudo: plane waves only". */
const char *pp_optics_method(int paw_terms);

#endif
