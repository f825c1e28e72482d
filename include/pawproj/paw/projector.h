/* projector.h — PAW projections P_ani = <p̃_ai|ψ̃_n> in reciprocal space:
 *
 *   P_ani = (4π/√Ω) Σ_G C_nG · i^l · Y_lm(q̂) · e^{i q·R_a} · f_j(|q|),   q = k+G
 *
 * (Ω, q, R in Bohr units; f_j from radial.h). FFTW's plan/execute split:
 * a pp_kplan of one (structure, k-point) holds the G list (Miller indices),
 * k+G, q and |q|, per species the harmonics times the form factors (built
 * on first use, shared by its atoms) and the block workspace; it is built
 * once and used for every band of that k-point. Projections then build the
 * projector rows of a block of consecutive atoms (up to 256 rows, 96 MiB)
 * and apply them to the bands with one ZGEMM, block by block, so the full
 * projector matrix never exists. pp_project / pp_project_sites are the
 * one-shot forms (a plan made and freed around one call). Gamma-only files: the stored
 * half sphere holds √2·c(G), the projections are real. Noncollinear files:
 * each spinor component is projected separately.
 *
 * The same machinery projects on the partial-wave differences
 * Δφ_j = φ_j − φ̃_j (kind PP_SITE_DIFF): <Δφ_ai|ψ̃_n> is exact in reciprocal
 * space because ψ̃ is band-limited. It is what the all-electron overlap
 * needs at sites present in only one of two structures.
 */
#ifndef PAWPROJ_PROJECTOR_H
#define PAWPROJ_PROJECTOR_H

#include <complex.h>

#include "pawproj/core/error.h"
#include "pawproj/core/pool.h"
#include "pawproj/io/wavecar.h"
#include "pawproj/model/pawdata.h"
#include "pawproj/model/site.h"
#include "pawproj/model/structure.h"
#include "pawproj/paw/radial.h"

struct pp_rsproj;

typedef struct pp_paw {
  int nspecies;                 /* as in the structure */
  const pp_pawdata **data;      /* dataset per species (not owned) */
  pp_ftable *table;             /* projector form factors per species */
  pp_ftable *dtable;            /* Δφ form factors per species */
  unsigned char *owned;         /* per species: 1 if table/dtable are this paw's, 0 if a donor's (pp_paw_share) */
  double qmax_A;                /* the tables' reach, as given to the setup */
  int natoms;                   /* atoms of the structure */
  int *offset;                  /* first projector of each atom, (natoms+1) */
  int nproj;                    /* projectors of all atoms */
  /* Real-space projectors (LREAL = .TRUE., rsproj.h) that pp_project
   * uses for p̃ instead of the reciprocal formula; NULL: none. Not owned;
   * given to pp_paw_setup (pawrun.h holds both together). */
  const struct pp_rsproj *rs;
} pp_paw;

/* Plans projections for a structure whose species use `data`; qmax_A is
 * the largest |k+G| in Å⁻¹ (from ENCUT); rs: the structure's real-space
 * projectors in the same species order, or NULL. data and rs must outlive
 * paw. */
pp_status pp_paw_setup(const pp_structure *st, const pp_pawdata **data, double qmax_A,
                       const struct pp_rsproj *rs, pp_paw *paw, pp_err *err);
void pp_paw_free(pp_paw *paw);

/* pp_paw_setup whose form factors are, for every species with the same
 * dataset (same address) and reach in one of the donors, the donor's
 * (not copied; the donors must outlive paw), and computed otherwise. The
 * tables are a function of dataset and reach alone: results as setup's. */
pp_status pp_paw_share(const pp_structure *st, const pp_pawdata **data, double qmax_A, const struct pp_rsproj *rs,
                       const pp_paw *const *donors, int ndonors, pp_paw *paw, pp_err *err);

/* Form factors of Δφ_j = φ_j − φ̃_j up to qmax (Bohr⁻¹), as dtable. */
pp_status pp_paw_diff_table(const pp_pawdata *d, double qmax, pp_ftable *t, pp_err *err);

/* The plan of k-point k of wc for the datasets and tables of paw (both
 * must outlive it). With a pool (pool.h) every buffer of the plan, also
 * the species tables made on first use, comes from it and is returned
 * with the pool, after pp_kplan_free; pp_kplan_bytes is the most it takes
 * (with_diff: also the Δφ tables of PP_SITE_DIFF sites).
 * pool NULL: the plan allocates and frees its own. Fails only when out of
 * memory or over the budget. */
typedef struct pp_kplan {
  const pp_paw *paw;        /* datasets and form-factor tables (not owned) */
  const pp_wavecar *wc;     /* the run whose k-point this is (not owned) */
  int k;                    /* k-point index, 0-based */
  int64_t npw;              /* plane waves stored for k */
  int (*miller)[3];         /* G in file order, (npw, 3) */
  double *kg;               /* k+G fractional, (npw, 3) */
  double *q;                /* k+G Cartesian, Bohr⁻¹, (npw, 3) */
  double *qlen;             /* |k+G|, Bohr⁻¹, (npw) */
  double _Complex **T;      /* [kind · nspecies + species]: i^l Y_lm f_j(|q|), (npw, nproj), NULL until used */
  double _Complex *M;       /* projector block workspace, (maxrows, npw) */
  int maxrows;              /* rows of M */
  pp_pool *pool;            /* where the buffers are from; NULL: malloc */
} pp_kplan;

size_t pp_kplan_bytes(const pp_paw *paw, const pp_wavecar *wc, int k, int with_diff);
pp_status pp_kplan_create(const pp_paw *paw, const pp_wavecar *wc, int k, pp_pool *pool, pp_kplan *p,
                          pp_err *err);
void pp_kplan_free(pp_kplan *p);

/* pp_project_sites / pp_project on a plan (same layouts and results). */
pp_status pp_kplan_project_sites(pp_kplan *p, const pp_site *sites, int nsites, const double complex *C, int nb,
                                 int64_t ld, double complex *out, int col0, int ncol_total,
                                 const struct pp_rsproj *rs, pp_err *err);
pp_status pp_kplan_project(pp_kplan *p, const pp_structure *st, const double complex *C, int nb, int64_t ld,
                           double complex *P, pp_err *err);

/* Projections on a list of sites: out (nb, nspinor, ncol) row-major with
 * ncol = Σ_sites nproj(species), site s starting at column col0 + its
 * offset; ldo = nspinor·ncol_total is the row length of out. With rs (the
 * run's real-space projectors, rsproj.h; NULL: none) the sites of kind
 * PP_SITE_PROJ are projected in real space and only the others here. */
pp_status pp_project_sites(const pp_paw *paw, const pp_site *sites, int nsites,
                           const pp_wavecar *wc, int k, const double complex *C, int nb,
                           int64_t ld, double complex *out, int col0, int ncol_total,
                           const struct pp_rsproj *rs, pp_err *err);

/* P (nb, nspinor, paw->nproj), row-major, for bands C (nb, ld) of k-point
 * k of wc, projectors at the atoms of st (real-space ones if paw->rs). */
pp_status pp_project(const pp_paw *paw, const pp_structure *st, const pp_wavecar *wc, int k,
                     const double complex *C, int nb, int64_t ld, double complex *P,
                     pp_err *err);

/* out = Q·P for one projection row (length nspinor · nproj): the radial
 * overlaps Q^a_ij of each atom, diagonal in m and in the spinor. Then
 * Σ_i conj(P_m,i) (QP_n)_i is the augmentation part of <ψ_m|ψ_n>. */
void pp_paw_apply_q(const pp_paw *paw, const pp_structure *st, int nspinor,
                    const double complex *P, double complex *out);

#endif
