/* ovlmatrix.h — `pawproj overlap`: the full all-electron overlap matrix
 * S_mn(k) = <ψ^bra_m|ψ^ket_n> between every selected band of two runs in
 * one cell, as a ScaLAPACK matrix per (spin, k), and what is read off it.
 *
 * The runs are opened and matched as by project (projectsetup.h: the bra
 * run plays the bulk, the ket run the one defect; same checks, same PAW
 * terms of pawpair.h). Each k-point group reads both band windows in
 * ScaLAPACK's block distribution (layout.h, blocked). S = C_B^H C_D +
 * X_B^H X_D (X the PAW sides of pawpair.h) is formed in row strips: the
 * ket blocks [C_D; X_D] go round the group's ring while each rank
 * multiplies them with its own bra bands (one full ZGEMM per step, the
 * next block arriving meanwhile), so S lies on a P × 1 BLACS grid. It is
 * then moved (pzgemr2d) onto an nprow × npcol grid with square blocks,
 * where the SVD (pzgesvd: the singular values are the cosines of the
 * principal angles between the two subspaces, whatever the basis inside
 * degenerate levels) and the band matching run, and each rank writes its
 * own blocks of it to the HDF5 file (h5out.h: no rank holds the whole
 * matrix). One (spin, k) item at a time: the matrix memory per rank is
 * ∝ 1/P for each.
 *
 * Matching: each bra band m to the ket band n* of largest |S_mn|², with
 * its weight, the runner-up's, and the weight of n*'s degenerate level
 * (ket energies within 1 meV): Σ_{n∈G(n*)} |S_mn|², the confidence.
 */
#ifndef PAWPROJ_OVLMATRIX_H
#define PAWPROJ_OVLMATRIX_H

#include "pawproj/analysis/projectrun.h"

typedef struct pp_ovlmatrix_setup {
  const char *bra, *ket;             /* runs: directory or WAVECAR */
  const char *bands_bra, *bands_ket; /* "N" or "N-M", 1-based inclusive; NULL: all */
  int paw;                           /* 1: all-electron (PAW terms); 0: pseudo-wavefunctions only */
  pp_paw_opts paw_opts;              /* datasets (NULL: from the ket's directory), LREAL, projector grid */
  double match_tol;                  /* Å: atoms closer than this are one site */
  double symprec;                    /* Å: k-point unfolding of symmetry-reduced runs */
  int kgroups;                       /* 0: automatic */
  int nprow, npcol;                  /* BLACS grid of a k-point group; 0, 0: near-square */
  int svd, match;                    /* 1: singular values, band matching */
  const char *h5;                    /* results file; NULL: none */
} pp_ovlmatrix_setup;

typedef struct pp_ovlmatrix_result {
  pp_project_result pr;              /* the runs, the layout, the PAW sides */
  int blo, bhi, klo, khi;            /* the windows, 0-based [lo, hi) */
  int nprow, npcol, block;           /* the grid of S and its block size */
  int nsv;                           /* min(nbra, nket) */
  double *sv;                        /* svd: (nitems, nsv) descending, identical on all ranks; else NULL */
  int *best;                         /* match: (nitems, nbra) ket band (global, 0-based) */
  double *w_best, *w_next, *w_level; /* match: (nitems, nbra) |S|² of n*, of the runner-up, of n*'s level */
  double seconds_gemm, flops;        /* the product's time (max over ranks) and flops (all ranks) */
  double bytes_matrix;               /* largest per-rank bytes of one item's matrices */
} pp_ovlmatrix_result;

#define PP_OVLMATRIX_RESULT_INIT {.pr = PP_PROJECT_RESULT_INIT}

/* Collective over ctx->world; afterwards r can be given to
 * pp_ovlmatrix_result_free whatever the status. */
pp_status pp_ovlmatrix_run(pp_ctx *ctx, const pp_ovlmatrix_setup *s, pp_ovlmatrix_result *r, pp_err *err);
void pp_ovlmatrix_result_free(pp_ovlmatrix_result *r);

#endif
