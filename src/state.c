/* state.c — a state on a distributed grid, pseudo or all-electron (see
 * state.h). */
#include "pawproj/state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/gvec.h"
#include "pawproj/lattice.h"
#include "pawproj/lreal.h"
#include "pawproj/projector.h"

#define BOHR_A 0.529177210903

double pp_state_q2(const int n[3], const double lattice[3][3]) {
  double q2 = INFINITY;
  for (int i = 0; i < 3; i++) {
    const double qi = M_PI * (n[i] - 1) / (pp_vec_norm(lattice[i]) / BOHR_A);
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
      PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
    }
    /* To 100 Bohr⁻¹: the tail beyond is ~1e-6 of the s channel (docs/paw.md). */
    const pp_status st = pp_tcradial_build(data[s], u, 100.0, 0.01, &(*tabs)[s], err);
    free(u);
    if (st != PP_OK) {
      pp_state_tables_free(*tabs, nspecies);
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

pp_status pp_aeplan_setup(const pp_pawdata *const *data, int nspecies, const pp_rgrid *g,
                          const double lattice[3][3], pp_aeplan *p, pp_err *err) {
  memset(p, 0, sizeof *p);
  /* The grid resolves Miller indices |m_i| <= (n_i − 1)/2: the sphere
   * |q| <= π (n_i − 1)/|a_i| fits along every axis. */
  const double q2 = pp_state_q2(g->n, lattice);
  p->q2 = q2;
  p->q1 = PP_STATE_Q1 * q2;
  p->nspecies = nspecies;
  p->data = malloc(sizeof *p->data * (size_t)(nspecies + 1));
  p->dtab = calloc((size_t)nspecies + 1, sizeof *p->dtab);
  if (!p->data || !p->dtab) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (int s = 0; s < nspecies; s++) {
    p->data[s] = data[s];
    PP_CALL(pp_paw_diff_table(data[s], q2 * 1.01, &p->dtab[s], err));
  }
  return PP_OK;
}

void pp_aeplan_free(pp_aeplan *p) {
  for (int s = 0; p->dtab && s < p->nspecies; s++) pp_ftable_free(&p->dtab[s]);
  free(p->dtab);
  free(p->data);
  memset(p, 0, sizeof *p);
}

static double window(const pp_aeplan *p, double q) { return window_at(p->q1, p->q2, q); }

/* Adds Σ_a Σ_i P_ai Δ_ai(G) to every coefficient of my planes. */
static void add_reconstruction(pp_rgrid *g, const pp_wavecar *wc, int k, const pp_aeplan *ae,
                               const pp_structure *st, const double complex *P, double omega_bohr) {
  static const double complex mil[4] = {1, -I, -1, I}; /* (−i)^l */
  const int *n = g->n;
  double rec[3][3];
  pp_lat_reciprocal(wc->lattice, rec);
  int *off = malloc(sizeof *off * (size_t)(st->natoms + 1));
  if (!off) return;
  off[0] = 0;
  for (int a = 0; a < st->natoms; a++) off[a + 1] = off[a] + ae->data[st->type[a]]->nproj;
  const double pref = 4 * M_PI / sqrt(omega_bohr);
  const ptrdiff_t nloc = pp_rgrid_local(g);
#pragma omp parallel for schedule(static)
  for (ptrdiff_t idx = 0; idx < nloc; idx++) {
    const int x = (int)(idx % n[0]), y = (int)((idx / n[0]) % n[1]), z = (int)(idx / ((ptrdiff_t)n[0] * n[1]) + g->z0);
    const int m[3] = {x <= n[0] / 2 ? x : x - n[0], y <= n[1] / 2 ? y : y - n[1], z <= n[2] / 2 ? z : z - n[2]};
    const double kg[3] = {wc->kfrac[k][0] + m[0], wc->kfrac[k][1] + m[1], wc->kfrac[k][2] + m[2]};
    double q[3];
    for (int j = 0; j < 3; j++) q[j] = (kg[0] * rec[0][j] + kg[1] * rec[1][j] + kg[2] * rec[2][j]) * BOHR_A;
    const double qlen = pp_vec_norm(q), w = window(ae, qlen);
    if (w == 0) continue;
    double u[3] = {0, 0, 1};
    if (qlen > 1e-12)
      for (int j = 0; j < 3; j++) u[j] = q[j] / qlen;
    double y4[4][7];
    for (int l = 0; l < 4; l++) pp_ylm(l, u, y4[l]);
    double complex sum = 0;
    for (int a = 0; a < st->natoms; a++) {
      const int s = st->type[a];
      const pp_pawdata *d = ae->data[s];
      const double *f = st->frac[a];
      const double arg = -2 * M_PI * (kg[0] * f[0] + kg[1] * f[1] + kg[2] * f[2]);
      double complex t = 0;
      int i = off[a];
      for (int j = 0; j < d->nj; j++) {
        const int l = d->l[j];
        double complex ylm_p = 0;
        for (int mm = 0; mm < 2 * l + 1; mm++, i++) ylm_p += y4[l][mm] * P[i];
        t += mil[l % 4] * pp_ftable_eval(&ae->dtab[s], j, qlen) * ylm_p;
      }
      sum += t * CMPLX(cos(arg), sin(arg));
    }
    g->buf[idx] += pref * w * sum;
  }
  free(off);
}

pp_status pp_state_fill(pp_rgrid *g, const pp_wavecar *wc, int k, const double complex *c, const pp_aeplan *ae,
                        const pp_structure *st, const double complex *P, int remove_phase, pp_err *err) {
  const int64_t npw = wc->npw[k];
  int(*m)[3] = malloc(sizeof *m * (size_t)(npw + 1));
  if (!m) PP_FAIL(err, PP_ERR_NOMEM, "out of memory for the G list of k-point %d", k + 1);
  int64_t got;
  pp_status st_ = pp_gvec_generate(wc->lattice, wc->encut, wc->kfrac[k], wc->variant, m, npw, &got, err);
  if (st_ == PP_OK)
    st_ = pp_rgrid_set_sphere(g, (const int(*)[3])m, npw, c, pp_variant_is_gamma(wc->variant), wc->path, k, err);
  free(m);
  PP_CALL(st_);
  const double omega_A = fabs(pp_lat_volume(wc->lattice));
  if (ae) add_reconstruction(g, wc, k, ae, st, P, omega_A / (BOHR_A * BOHR_A * BOHR_A));
  pp_rgrid_backward(g);
  const int *n = g->n;
  const double scale = 1 / sqrt(omega_A);
  const ptrdiff_t nloc = pp_rgrid_local(g);
#pragma omp parallel for schedule(static)
  for (ptrdiff_t idx = 0; idx < nloc; idx++) {
    double complex ph = scale;
    if (!remove_phase) {
      const int x = (int)(idx % n[0]), y = (int)((idx / n[0]) % n[1]), z = (int)(idx / ((ptrdiff_t)n[0] * n[1]) + g->z0);
      const double arg = 2 * M_PI * (wc->kfrac[k][0] * x / n[0] + wc->kfrac[k][1] * y / n[1] + wc->kfrac[k][2] * z / n[2]);
      ph *= CMPLX(cos(arg), sin(arg));
    }
    g->buf[idx] *= ph;
  }
  return PP_OK;
}
