/* opticsreport.c — the text and JSON of `pawproj optics` (see opticsreport.h). */
#include "pawproj/cli/opticsreport.h"

#include <complex.h>

#include "pawproj/analysis/opticspair.h"
#include "pawproj/core/json.h"

#define TEXT_PAIRS 24 /* beyond this many pairs per (spin, k) the table shows the strongest */

/* Pair (m, n) is listed: m one of the listed bands, each unordered pair once
 * (diagonal: only with diag). */
static int listed(const pp_optics_report *o, int m, int n, int diag) {
  if (m < o->plo || m >= o->phi) return 0;
  if (n < o->plo || n >= o->phi) return 1;
  return diag ? n >= m : n > m;
}

static int count_listed(const pp_optics_report *o) {
  int c = 0;
  for (int m = 0; m < o->r->nb; m++)
    for (int n = 0; n < o->r->nb; n++) c += listed(o, m, n, 0);
  return c;
}

static void print_pair(const pp_optics_report *o, int it, int m, int n, FILE *f) {
  pp_optics_pair q;
  pp_optics_pair_get(o->r, o->wc, o->lo, it, m, n, &q);
  fprintf(f, "  %5d %5d %10.4f %10.4f %11.5f %11.4e ", o->lo + m + 1, o->lo + n + 1, q.e_m, q.e_n, q.de, q.abs_p);
  if (q.degenerate)
    fprintf(f, "%10s %10s", "degen.", "-");
  else
    fprintf(f, "%10.4f %10.4e", q.abs_d_debye, q.f_avg);
  fprintf(f, "   %.2f:%.2f:%.2f\n", q.pol[0], q.pol[1], q.pol[2]);
}

/* The TEXT_PAIRS non-degenerate pairs m < n of largest f (ties: first found), in window order. */
static void strongest(const pp_optics_report *o, int it, int *pick, int *npick) {
  double fbest[TEXT_PAIRS];
  *npick = 0;
  for (int m = 0; m < o->r->nb; m++)
    for (int n = 0; n < o->r->nb; n++) {
      if (!listed(o, m, n, 0)) continue;
      pp_optics_pair q;
      pp_optics_pair_get(o->r, o->wc, o->lo, it, m, n, &q);
      if (q.degenerate) continue;
      int at = *npick;
      while (at > 0 && q.f_avg > fbest[at - 1]) at--;
      if (at >= TEXT_PAIRS) continue;
      const int last = *npick < TEXT_PAIRS ? (*npick)++ : TEXT_PAIRS - 1;
      for (int i = last; i > at; i--) fbest[i] = fbest[i - 1], pick[i] = pick[i - 1];
      fbest[at] = q.f_avg, pick[at] = m * o->r->nb + n;
    }
  for (int i = 1; i < *npick; i++) /* window order */
    for (int j = i; j > 0 && pick[j] < pick[j - 1]; j--) {
      const int t = pick[j];
      pick[j] = pick[j - 1], pick[j - 1] = t;
    }
}

void pp_optics_print_text(const pp_optics_report *o, FILE *f) {
  const pp_optics_result *r = o->r;
  const pp_wavecar *wc = o->wc;
  const int npairs = count_listed(o);
  fprintf(f, "\nMomentum matrix elements of %s, bands %d-%d\n", wc->path, o->lo + 1, o->hi);
  fprintf(f, "  method: %s\n  projectors: %s\n", pp_optics_method(o->paw_terms), r->projectors);
  if (o->plo > 0 || o->phi < r->nb)
    fprintf(f, "  pairs of bands %d-%d with every band of the window\n", o->lo + o->plo + 1, o->lo + o->phi);
  fprintf(f, "  |p| in ħ/Bohr, |d| = |e<m|r|n>| in Debye, f orientation-averaged; pairs closer than %.0f meV "
             "are degenerate (no d, f)\n", PP_OPTICS_DEGENERATE_EV * 1e3);
  if (npairs > TEXT_PAIRS)
    fprintf(f, "  %d pairs per (spin, k-point): the %d of largest f shown; every pair is in --json and --h5\n",
            npairs, TEXT_PAIRS);
  for (int it = 0; it < r->nitems; it++) {
    const double *kf = wc->kfrac[it % wc->nkpts];
    fprintf(f, "\n  spin %d, k-point %d (%.4f %.4f %.4f)\n", it / wc->nkpts + 1, it % wc->nkpts + 1, kf[0], kf[1],
            kf[2]);
    fprintf(f, "  %5s %5s %10s %10s %11s %11s %10s %10s   %-17s\n", "m", "n", "E_m (eV)", "E_n (eV)",
            "ΔE (eV)", "|p|", "|d| (D)", "f", "x:y:z share");
    if (npairs <= TEXT_PAIRS) {
      for (int m = 0; m < r->nb; m++)
        for (int n = 0; n < r->nb; n++)
          if (listed(o, m, n, 0)) print_pair(o, it, m, n, f);
      continue;
    }
    int pick[TEXT_PAIRS], npick;
    strongest(o, it, pick, &npick);
    for (int i = 0; i < npick; i++) print_pair(o, it, pick[i] / r->nb, pick[i] % r->nb, f);
  }
}

static void complex3(pp_json *j, const char *key, const double complex *z) {
  pp_json_arr(j, key);
  for (int v = 0; v < 3; v++) {
    const double c[2] = {creal(z[v]), cimag(z[v])};
    pp_json_num_array(j, NULL, c, 2);
  }
  pp_json_end(j);
}

void pp_optics_write_json(FILE *f, const void *arg) {
  const pp_optics_report *o = arg;
  const pp_optics_result *r = o->r;
  const pp_wavecar *wc = o->wc;
  pp_json j;
  pp_json_init(&j, f);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "wavecar", wc->path);
  pp_json_str(&j, "method", pp_optics_method(o->paw_terms));
  pp_json_str(&j, "lreal", r->lreal);
  pp_json_str(&j, "projectors", r->projectors);
  const double bands[2] = {o->lo + 1, o->hi};
  pp_json_num_array(&j, "bands", bands, 2);
  pp_json_num(&j, "degenerate_below_eV", PP_OPTICS_DEGENERATE_EV);
  pp_json_obj(&j, "units");
  pp_json_str(&j, "p", "hbar/Bohr (atomic units), <m|-i nabla|n>, Cartesian x, y, z");
  pp_json_str(&j, "dipole", "e*Angstrom, e<m|r|n> = i e hbar p / (m_e (E_n - E_m))");
  pp_json_str(&j, "abs_dipole_debye", "Debye");
  pp_json_str(&j, "f", "dimensionless, 2|p_v|^2 / (m_e (E_n - E_m)) per direction; f_avg their mean");
  pp_json_str(&j, "energies", "eV");
  pp_json_str(&j, "f_sum", "sum over the window's bands n not degenerate with m of f_mn, per direction (1 in a complete basis for a local Hamiltonian)");
  pp_json_end(&j);
  const double pairs[2] = {o->lo + o->plo + 1, o->lo + o->phi};
  pp_json_num_array(&j, "pairs_of_bands", pairs, 2);
  pp_json_arr(&j, "band_sums");
  for (int it = 0; it < r->nitems; it++)
    for (int m = 0; m < r->nb; m++) {
      double fs[3];
      pp_optics_fsum(r, wc, o->lo, it, m, fs);
      pp_json_obj(&j, NULL);
      pp_json_int(&j, "spin", it / wc->nkpts + 1);
      pp_json_int(&j, "kpoint", it % wc->nkpts + 1);
      pp_json_int(&j, "band", o->lo + m + 1);
      pp_json_num(&j, "energy_eV", wc->eig[pp_wavecar_idx(wc, it / wc->nkpts, it % wc->nkpts, o->lo + m)]);
      pp_json_num(&j, "occupation", wc->occ[pp_wavecar_idx(wc, it / wc->nkpts, it % wc->nkpts, o->lo + m)]);
      pp_json_num_array(&j, "f_sum", fs, 3);
      pp_json_end(&j);
    }
  pp_json_end(&j);
  pp_json_arr(&j, "pairs");
  for (int it = 0; it < r->nitems; it++)
    for (int m = 0; m < r->nb; m++)
      for (int n = 0; n < r->nb; n++) {
        if (!listed(o, m, n, 1)) continue;
        pp_optics_pair q;
        pp_optics_pair_get(r, wc, o->lo, it, m, n, &q);
        pp_json_obj(&j, NULL);
        pp_json_int(&j, "spin", it / wc->nkpts + 1);
        pp_json_int(&j, "kpoint", it % wc->nkpts + 1);
        pp_json_int(&j, "m", o->lo + m + 1);
        pp_json_int(&j, "n", o->lo + n + 1);
        pp_json_num(&j, "e_m_eV", q.e_m);
        pp_json_num(&j, "e_n_eV", q.e_n);
        pp_json_num(&j, "delta_e_eV", q.de);
        complex3(&j, "p", q.p);
        complex3(&j, "p_onsite", q.onsite);
        pp_json_num(&j, "abs_p", q.abs_p);
        pp_json_num_array(&j, "polarisation", q.pol, 3);
        pp_json_bool(&j, "degenerate", q.degenerate);
        if (!q.degenerate) {
          complex3(&j, "dipole_eA", q.d);
          pp_json_num(&j, "abs_dipole_eA", q.abs_d);
          pp_json_num(&j, "abs_dipole_debye", q.abs_d_debye);
          pp_json_num_array(&j, "f", q.f, 3);
          pp_json_num(&j, "f_avg", q.f_avg);
        }
        pp_json_end(&j);
      }
  pp_json_end(&j);
  pp_json_end(&j);
}
