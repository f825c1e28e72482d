/* pawdata.h — one species' PAW dataset: radial grid, AE and pseudo
 * partial waves φ_j, φ̃_j with their l, projectors p̃_j, and the radial
 * overlaps Q_ij = ∫ (φ_i φ_j − φ̃_i φ̃_j) r² dr (same l only).
 * Atomic units inside (Bohr, Hartree), as the datasets are written.
 *
 * Readers: pp_pawxml_read (PAW-XML, the open standard of GPAW / ABINIT
 * / atompaw, plain or gzip) and pp_potcar_read (potcar.h). A POTCAR gives
 * no projector on the radial grid but its own reciprocal-space table
 * (qtab), which is what VASP applies with LREAL = .FALSE. Channels j are in the order of
 * <valence_states>; projector index i runs over (j, m), m = −l..l in the
 * real-harmonic order of pp_ylm (paw/radial.h; GPAW's and VASP's: l=1: y,
 * z, x; l=2: xy, yz, 3z²−r², zx, x²−y²), so nproj = Σ_j (2 l_j + 1).
 */
#ifndef PAWPROJ_PAWDATA_H
#define PAWPROJ_PAWDATA_H

#include "pawproj/core/error.h"

typedef struct pp_pawdata {
  char path[4096];     /* file it came from */
  char symbol[8];      /* element symbol */
  double z, zval;      /* nuclear and valence charge */
  int ng;              /* radial grid points */
  double *r;           /* radii, Bohr, (ng) */
  double *dr;          /* integration weights dr/di, Bohr, (ng) */
  int nj;              /* partial-wave channels */
  int *l;              /* angular momentum per channel, (nj) */
  double *phi;         /* AE partial waves, (nj, ng) */
  double *phit;        /* pseudo partial waves, (nj, ng) */
  double *pt;          /* projectors, (nj, ng) */
  int gcut;            /* grid points up to the last non-zero projector */
  int nproj;           /* Σ_j (2 l_j + 1) */
  int lmax;            /* largest l */
  double *Q;           /* radial overlaps, (nj, nj), zero for l_i != l_j */
  double *drq;         /* weights of the Q_ij sum, Bohr, (ng); NULL: dr. A POTCAR's
                        * are VASP's (Simpson in the index of its logarithmic grid,
                        * dr/di = r_i h), so that Q_ij is the one VASP used */
  /* Projector form factors as tabulated by the file, or nqtab = 0:
   * f_j(q_i) = ∫ r² j_l(q_i r) p̃_j(r) dr at q_i = i·qtab_dq (Bohr⁻¹),
   * zero beyond the table (POTCAR: LREAL = .FALSE. representation). */
  int nqtab;
  double qtab_dq;
  double *qtab;        /* (nj, nqtab), Bohr^{3/2} */
  /* Real-space projectors as tabulated by the file, or nrtab = 0:
   * p̃_j(r_i) at r_i = i·rtab_rmax/nrtab (Bohr, Bohr^{-3/2}), i < nrtab
   * (POTCAR: what VASP applies with LREAL = .TRUE.). */
  int nrtab;
  double rtab_rmax;
  double *rtab;        /* (nj, nrtab) */
  double rcore;        /* PAW sphere radius, Bohr (0 = not given) */
  double enmax;        /* suggested cutoff, eV (0 = not given) */
  char title[80];      /* TITEL of a POTCAR, "" otherwise */
} pp_pawdata;

pp_status pp_pawxml_read(const char *path, pp_pawdata *d, pp_err *err);
void pp_pawdata_free(pp_pawdata *d);

/* out = Q·p for one atom's projections p (nproj values, channel-major,
 * m fastest): Q is diagonal in m and couples channels of equal l only.
 * out must not alias p. */
void pp_pawdata_apply_q(const pp_pawdata *d, const double _Complex *p, double _Complex *out);

/* Q_ij = Σ_g (φ_i φ_j − φ̃_i φ̃_j) r_g² w_g with w = drq, else dr (every
 * reader calls it). */
void pp_pawdata_compute_q(pp_pawdata *d);

/* Δφ_j = φ_j − φ̃_j on the grid, (nj, ng), malloc'd (NULL: out of memory). */
double *pp_pawdata_dphi(const pp_pawdata *d);

/* Radius (Bohr) beyond which every Δφ_j is below 1e-14: where the
 * augmentation sphere ends. */
double pp_pawdata_dphi_radius(const pp_pawdata *d);

/* ∫ f g r² dr on the dataset's grid (first n points). */
double pp_radial_dot(const pp_pawdata *d, const double *f, const double *g,
                     int n);

#endif
