/* state.c — a state on a distributed grid, pseudo or all-electron (see
 * state.h). */
#include "pawproj/analysis/state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/io/lreal.h"
#include "pawproj/model/gvec.h"
#include "pawproj/model/lattice.h"
#include "pawproj/paw/projector.h"
#include "pawproj/paw/radial.h"

#include "pawproj/core/units.h"

double pp_state_q2(const int n[3], const double lattice[3][3]) {
  double q2 = INFINITY;
  for (int i = 0; i < 3; i++) {
    const double qi = M_PI * (n[i] - 1) / (pp_vec_norm(lattice[i]) / PP_BOHR_A);
    if (qi < q2) q2 = qi;
  }
  return q2;
}

static double window_at(double q1, double q2, double q) {
  if (q <= q1) return 1;
  if (q >= q2) return 0;
  const double c = cos(0.5 * M_PI * (q - q1) / (q2 - q1));
  return c * c;
}

double pp_state_refine(const int base[3], const double lattice[3][3], double (*deficit)(void *, double), void *arg,
                       double tol, int n[3], double *loss) {
  static const double factors[] = {1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 5, 6};
  for (size_t f = 0; f < sizeof factors / sizeof *factors; f++) {
    for (int i = 0; i < 3; i++) n[i] = f == 0 ? base[i] : pp_fft_good_size((int)ceil(factors[f] * base[i]));
    *loss = deficit(arg, pp_state_q2(n, lattice));
    if (*loss <= tol) return factors[f];
  }
  return 0;
}

pp_status pp_state_tables(const pp_pawdata *const *data, int nspecies, pp_tcradial **tabs, pp_err *err) {
  *tabs = calloc((size_t)nspecies + 1, sizeof **tabs);
  if (!*tabs) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (int s = 0; s < nspecies; s++) {
    double *u = pp_pawdata_dphi(data[s]);
    if (!u) {
      pp_state_tables_free(*tabs, nspecies);
      *tabs = NULL;
      PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
    }
    /* To 100 Bohr⁻¹: the tail beyond is ~1e-6 of the s channel (docs/paw.md). */
    const pp_status st = pp_tcradial_build(data[s], u, 100.0, 0.01, &(*tabs)[s], err);
    free(u);
    if (st != PP_OK) {
      pp_state_tables_free(*tabs, nspecies);
      *tabs = NULL;
      return st;
    }
  }
  return PP_OK;
}

void pp_state_tables_free(pp_tcradial *tabs, int nspecies) {
  for (int s = 0; tabs && s < nspecies; s++) pp_tcradial_free(&tabs[s]);
  free(tabs);
}

double pp_state_deficit_occ(const pp_tcradial *tabs, const pp_structure *st, const double complex *D, double q2) {
  const double q1 = PP_STATE_Q1 * q2;
  double total = 0;
  size_t off = 0;
  for (int a = 0; a < st->natoms; a++) {
    const pp_tcradial *t = &tabs[st->type[a]];
    const int np = t->nproj;
    const double complex *d = D + off;
    int oi = 0;
    for (int i = 0; i < t->nj; oi += 2 * t->l[i] + 1, i++) {
      int oj = 0;
      for (int j = 0; j < t->nj; oj += 2 * t->l[j] + 1, j++) {
        if (t->l[i] != t->l[j]) continue;
        double integral = 0;
        for (int iq = 0; iq < t->nq; iq++) {
          const double q = iq * t->dq, w = window_at(q1, q2, q);
          const double simpson = (iq == 0 || iq == t->nq - 1) ? 1 : (iq % 2 ? 4 : 2);
          integral += simpson * t->dq / 3 * q * q * (1 - w * w) * t->F[(size_t)i * t->nq + iq] * t->F[(size_t)j * t->nq + iq];
        }
        double occ = 0;
        for (int m = 0; m < 2 * t->l[i] + 1; m++) occ += creal(d[(size_t)(oj + m) * np + oi + m]);
        total += (2 / M_PI) * integral * occ;
      }
    }
    off += (size_t)np * np;
  }
  return total;
}

void pp_state_occ_add(const pp_structure *st, const int *nproj_of_species, const double complex *P, int nspinor,
                      int nproj, double weight, double complex *D) {
  for (int sp = 0; sp < nspinor; sp++) {
    size_t off = 0;
    for (int a = 0, pa = 0; a < st->natoms; a++) {
      const int np = nproj_of_species[st->type[a]];
      const double complex *p = P + (size_t)sp * nproj + pa;
      for (int j = 0; j < np; j++)
        for (int i = 0; i < np; i++) D[off + (size_t)j * np + i] += weight * conj(p[i]) * p[j];
      off += (size_t)np * np;
      pa += np;
    }
  }
}

double pp_state_deficit(const pp_tcradial *tabs, const pp_structure *st, const double complex *P, int nspinor,
                        int nproj, double q2) {
  size_t n = 0;
  int np_s[64] = {0};
  for (int s = 0; s < st->nspecies && s < 64; s++) np_s[s] = tabs[s].nproj;
  for (int a = 0; a < st->natoms; a++) n += (size_t)np_s[st->type[a]] * np_s[st->type[a]];
  double complex *D = calloc(n + 1, sizeof *D);
  if (!D) return NAN;
  pp_state_occ_add(st, np_s, P, nspinor, nproj, 1.0, D);
  const double r = pp_state_deficit_occ(tabs, st, D, q2);
  free(D);
  return r;
}

#define RS_POINTS 800 /* radial table of the filtered Δφ, per channel */

/* Δφ_j filtered by the window, back in real space on [0, rcut]:
 *   Δφ^w_j(r) = (2/π) ∫ q² w(q) F_j(q) j_l(qr) dq   (Simpson, dq = 0.005 Bohr⁻¹). */
static pp_status filtered_table(const pp_pawdata *d, const pp_ftable *F, double q1, double q2, pp_rstable *t,
                                pp_err *err) {
  memset(t, 0, sizeof *t);
  const double rcut = pp_pawdata_dphi_radius(d);
  t->nj = d->nj;
  t->nr = RS_POINTS;
  t->dr = rcut / (RS_POINTS - 1);
  t->rmax = rcut;
  t->y = calloc((size_t)d->nj * RS_POINTS, sizeof *t->y);
  if (!t->y) PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory", d->path);
  const int nq = 2 * (int)ceil(q2 / 0.005 / 2) + 1;
  const double dq = q2 / (nq - 1);
  for (int j = 0; j < d->nj; j++) {
    double *y = t->y + (size_t)j * RS_POINTS;
#pragma omp parallel for schedule(static)
    for (int i = 0; i < RS_POINTS; i++) {
      double sum = 0;
      for (int iq = 0; iq < nq; iq++) {
        const double q = iq * dq;
        const double simpson = (iq == 0 || iq == nq - 1) ? 1 : (iq % 2 ? 4 : 2);
        sum += simpson * q * q * window_at(q1, q2, q) * pp_ftable_eval(F, j, q) * pp_sph_bessel(d->l[j], q * i * t->dr);
      }
      y[i] = (2 / M_PI) * dq / 3 * sum;
    }
  }
  return PP_OK;
}

pp_status pp_aeplan_setup(const pp_pawdata *const *data, int nspecies, const pp_rgrid *g,
                          const double lattice[3][3], pp_aeplan *p, pp_err *err) {
  memset(p, 0, sizeof *p);
  const double q2 = pp_state_q2(g->n, lattice);
  p->q2 = q2;
  p->q1 = PP_STATE_Q1 * q2;
  p->nspecies = nspecies;
  p->data = malloc(sizeof *p->data * (size_t)(nspecies + 1));
  p->rtab = calloc((size_t)nspecies + 1, sizeof *p->rtab);
  if (!p->data || !p->rtab) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (int s = 0; s < nspecies; s++) {
    p->data[s] = data[s];
    pp_ftable F;
    PP_CALL(pp_paw_diff_table(data[s], q2 * 1.01, &F, err));
    const pp_status st = filtered_table(data[s], &F, p->q1, q2, &p->rtab[s], err);
    pp_ftable_free(&F);
    PP_CALL(st);
  }
  return PP_OK;
}

void pp_aeplan_free(pp_aeplan *p) {
  for (int s = 0; p->rtab && s < p->nspecies; s++) free(p->rtab[s].y);
  free(p->rtab);
  free(p->data);
  memset(p, 0, sizeof *p);
}

/* Linear interpolation in the (fine) filtered table. */
static double rtab_at(const pp_rstable *t, int j, double r) {
  const double x = r / t->dr;
  int i = (int)x;
  if (i >= t->nr - 1) return 0;
  const double f = x - i;
  const double *y = t->y + (size_t)j * t->nr;
  return (1 - f) * y[i] + f * y[i + 1];
}

/* After the transform, on my planes: buf(r) += scale · √Ω e^{−ik·r} Σ_a
 * Σ_i P_ai Δφ^w_i(r − R_a − T) e^{−ik·T} over the images T whose sphere
 * holds r (the buffer holds scale · √Ω e^{−ik·r} ψ, scale = 1/√Ω). */
static pp_status add_reconstruction(pp_rgrid *g, const pp_wavecar *wc, int k, const pp_aeplan *ae,
                                    const pp_structure *st, const double complex *P, double omega_bohr, double scale,
                                    pp_err *err) {
  const int *n = g->n;
  int *off = malloc(sizeof *off * (size_t)(st->natoms + 1));
  if (!off) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  off[0] = 0;
  for (int a = 0; a < st->natoms; a++) off[a + 1] = off[a] + ae->data[st->type[a]]->nproj;
  const double pref = sqrt(omega_bohr) * scale;
  /* Atoms in turn (their spheres do not overlap in one structure, but
   * images of one atom can meet in small cells: serial per atom keeps the
   * sums race-free; points inside a sphere in parallel). */
  for (int a = 0; a < st->natoms; a++) {
    const pp_pawdata *d = ae->data[st->type[a]];
    const pp_rstable *t = &ae->rtab[st->type[a]];
    int lo[3], hi[3];
    pp_rgrid_sphere_box(n, wc->lattice, st->frac[a], t->rmax, lo, hi);
    const int ny = hi[1] - lo[1] + 1, nx = hi[0] - lo[0] + 1;
    for (int z = lo[2]; z <= hi[2]; z++) {
      const int wz = pp_rgrid_wrap(z, n[2]);
      if (wz < g->z0 || wz >= g->z0 + g->nzl) continue;
      /* Distinct (x, y) are distinct points unless the sphere spans a whole period. */
#pragma omp parallel for schedule(static) if (nx <= n[0] && ny <= n[1])
      for (int yx = 0; yx < ny * nx; yx++) {
        const int y = lo[1] + yx / nx, x = lo[0] + yx % nx;
        const double f[3] = {(double)x / n[0], (double)y / n[1], (double)z / n[2]};
        const double df[3] = {f[0] - st->frac[a][0], f[1] - st->frac[a][1], f[2] - st->frac[a][2]};
        double dv[3];
        pp_lat_frac_to_cart(wc->lattice, df, dv);
        for (int v = 0; v < 3; v++) dv[v] /= PP_BOHR_A;
        const double dist = pp_vec_norm(dv);
        if (dist >= t->rmax) continue;
        double u[3] = {0, 0, 1};
        if (dist > 1e-12)
          for (int v = 0; v < 3; v++) u[v] = dv[v] / dist;
        double complex val = 0;
        int i = off[a];
        for (int j = 0; j < d->nj; j++) {
          double ylm[7];
          pp_ylm(d->l[j], u, ylm);
          const double rad = rtab_at(t, j, dist);
          for (int m = 0; m < 2 * d->l[j] + 1; m++, i++) val += rad * ylm[m] * P[i];
        }
        /* The wrapped point sees the image R_a − T (T = r − r_wrapped), whose
         * projections carry e^{−ik·T}; with the buffer's e^{−ik·r_wrapped}
         * the phase is e^{−ik·r} of the unwrapped point. */
        const double arg = -2 * M_PI * (wc->kfrac[k][0] * f[0] + wc->kfrac[k][1] * f[1] + wc->kfrac[k][2] * f[2]);
        const int wx = pp_rgrid_wrap(x, n[0]), wy = pp_rgrid_wrap(y, n[1]);
        g->buf[((size_t)(wz - g->z0) * n[1] + (size_t)wy) * n[0] + (size_t)wx] += pref * val * CMPLX(cos(arg), sin(arg));
      }
    }
  }
  free(off);
  return PP_OK;
}

pp_status pp_state_fill(pp_rgrid *g, const pp_wavecar *wc, int k, const double complex *c, const pp_aeplan *ae,
                        const pp_structure *st, const double complex *P, int remove_phase, pp_err *err) {
  int(*m)[3] = malloc(sizeof *m * (size_t)(wc->npw[k] + 1));
  if (!m) PP_FAIL(err, PP_ERR_NOMEM, "out of memory for the G list of k-point %d", k + 1);
  const pp_status st_ = pp_state_fill_in(g, wc, k, c, ae, st, P, remove_phase, m, err);
  free(m);
  PP_CALL(st_);
  return PP_OK;
}

pp_status pp_state_fill_in(pp_rgrid *g, const pp_wavecar *wc, int k, const double complex *c, const pp_aeplan *ae,
                           const pp_structure *st, const double complex *P, int remove_phase, int (*m)[3],
                           pp_err *err) {
  int64_t got;
  PP_CALL(pp_gvec_generate(wc->lattice, wc->encut, wc->kfrac[k], wc->variant, m, wc->npw[k], &got, err));
  return pp_state_fill_glist(g, wc, k, c, ae, st, P, remove_phase, (const int(*)[3])m, err);
}

pp_status pp_state_fill_glist(pp_rgrid *g, const pp_wavecar *wc, int k, const double complex *c,
                              const pp_aeplan *ae, const pp_structure *st, const double complex *P, int remove_phase,
                              const int (*m)[3], pp_err *err) {
  const int64_t npw = wc->npw[k];
  /* 1/√Ω goes with the coefficients and the reconstruction: no pass over
   * the grid unless the Bloch phase is put back. */
  const double omega_A = fabs(pp_lat_volume(wc->lattice)), scale = 1 / sqrt(omega_A);
  PP_CALL(pp_rgrid_sphere_backward(g, m, npw, c, pp_variant_is_gamma(wc->variant), scale, wc->path, k, err));
  if (ae) PP_CALL(add_reconstruction(g, wc, k, ae, st, P, omega_A / (PP_BOHR_A * PP_BOHR_A * PP_BOHR_A), scale, err));
  if (remove_phase) return PP_OK;
  const int *n = g->n;
  const ptrdiff_t nloc = pp_rgrid_local(g);
#pragma omp parallel for schedule(static)
  for (ptrdiff_t idx = 0; idx < nloc; idx++) {
    const int x = (int)(idx % n[0]), y = (int)((idx / n[0]) % n[1]), z = (int)(idx / ((ptrdiff_t)n[0] * n[1]) + g->z0);
    const double arg = 2 * M_PI * (wc->kfrac[k][0] * x / n[0] + wc->kfrac[k][1] * y / n[1] + wc->kfrac[k][2] * z / n[2]);
    g->buf[idx] *= CMPLX(cos(arg), sin(arg));
  }
  return PP_OK;
}
