/* projectreport.c — project's band tables and JSON (see projectreport.h). */
#include "pawproj/cli/projectreport.h"

#include "pawproj/analysis/overlap.h"
#include "pawproj/core/json.h"
#include "pawproj/paw/pairterm.h"

static void print_pairs(const pp_pairterm *pt, FILE *f) {
  if (pt->n == 0) {
    fprintf(f, "  two-centre terms: none (no unmatched atom's sphere overlaps another structure's sphere)\n");
    return;
  }
  fprintf(f, "  two-centre terms: %d pair%s of overlapping spheres (bulk atom - defect atom, distance):\n", pt->n,
          pt->n == 1 ? "" : "s");
  for (int p = 0; p < pt->n; p++)
    fprintf(f, "    %d - %d: %.4f Å%s", pt->link[p].a + 1, pt->link[p].b + 1, pt->link[p].dist_A,
            p % 4 == 3 || p == pt->n - 1 ? "\n" : ";");
}

void pp_project_print_table(const pp_project_setup *s, const pp_project_result *r, const pp_project_defect *d,
                            FILE *f) {
  const int paw = s->paw, nd = d->hi - d->lo;
  fprintf(f, "\nBand character of defect bands (method: %s)\n", r->method);
  if (s->study) fprintf(f, "  defect: %s\n", d->label);
  fprintf(f, "  bulk:   %s (%d bands)\n  defect: %s\n", r->bulk.wc.path, r->bulk.wc.nbands, d->ds.wc.path);
  fprintf(f, "  valence = bulk bands with occupation > 0.5; energies and occupations are\n"
             "  k-point weighted means; weights: %s\n", r->bulk.weight_source);
  if (paw) {
    fprintf(f, "  sites: %d matched (within %.3g Å), %d only in bulk, %d only in defect\n", d->pair.match.nmatched,
            s->match_tol, d->pair.nonlyb, d->pair.nonlyd);
    print_pairs(&d->pair.pairs, f);
  }
  fprintf(f, "  note: %s\n\n", r->note);
  if (d->ipr_ae)
    fprintf(f, "  IPR = Ω ∫|ψ|⁴ / (∫|ψ|²)² (%s) on the %d × %d × %d grid: 1 = spread evenly, larger = localised\n",
            paw ? "all-electron; pseudo in the JSON" : "pseudo", d->ipr_grid[0], d->ipr_grid[1], d->ipr_grid[2]);
  fprintf(f, "  %5s %4s %12s %10s %9s %11s %9s%s\n", "band", "spin", "energy (eV)", "occupation", "valence",
          "conduction", paw ? "outside" : "captured", d->ipr_ae ? "       IPR" : "");
  for (int sp = 0; sp < d->ds.wc.nspin; sp++)
    for (int n = 0; n < nd; n++) {
      const size_t i = (size_t)sp * nd + n;
      const double *c = d->character + i * PP_CHAR_N;
      fprintf(f, "  %5d %4d %12.4f %10.4f %9.4f %11.4f %9.4f", d->lo + n + 1, sp + 1, d->energy[i],
              d->occupation[i], c[PP_CHAR_VALENCE], c[PP_CHAR_CONDUCTION],
              paw ? 1 - c[PP_CHAR_VALENCE] - c[PP_CHAR_CONDUCTION] : c[PP_CHAR_CAPTURED]);
      if (d->ipr_ae) fprintf(f, " %9.3f", d->ipr_ae[i]);
      fprintf(f, "\n");
    }
}

/* The rows of defect d; with_label: each row names its defect. */
static void band_rows(const pp_project_setup *s, const pp_project_defect *d, int with_label, pp_json *j) {
  const int nd = d->hi - d->lo;
  for (int sp = 0; sp < d->ds.wc.nspin; sp++)
    for (int n = 0; n < nd; n++) {
      const size_t i = (size_t)sp * nd + n;
      const double *c = d->character + i * PP_CHAR_N;
      pp_json_obj(j, NULL);
      if (with_label) pp_json_str(j, "label", d->label);
      pp_json_int(j, "band", d->lo + n + 1);
      pp_json_int(j, "spin", sp + 1);
      pp_json_num(j, "energy_eV", d->energy[i]);
      pp_json_num(j, "occupation", d->occupation[i]);
      pp_json_num(j, "valence", c[PP_CHAR_VALENCE]);
      pp_json_num(j, "conduction", c[PP_CHAR_CONDUCTION]);
      pp_json_num(j, "captured", c[PP_CHAR_CAPTURED]);
      if (s->paw) pp_json_num(j, "outside", 1 - c[PP_CHAR_VALENCE] - c[PP_CHAR_CONDUCTION]);
      if (d->ipr_ae) {
        pp_json_num(j, "ipr", d->ipr_ae[i]);
        pp_json_num(j, "ipr_pseudo", d->ipr_ps[i]);
      }
      pp_json_end(j);
    }
}

void pp_project_write_json(const pp_project_setup *s, const pp_project_result *r, FILE *f) {
  pp_json j;
  pp_json_init(&j, f);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "method", r->method);
  pp_json_str(&j, "normalisation", r->note);
  pp_json_str(&j, "bulk", r->bulk.wc.path);
  if (!s->study) pp_json_str(&j, "defect", r->defects[0].ds.wc.path);
  pp_json_str(&j, "weights_source", r->bulk.weight_source);
  const double rss[2] = {r->rss_min, r->rss_max};
  pp_json_num_array(&j, "peak_rss_mib_min_max", rss, 2);
  pp_json_num(&j, "bulk_bytes_read", r->bulk_bytes_read);
  if (s->study) {
    pp_json_arr(&j, "defects");
    for (int i = 0; i < r->ndefects; i++) {
      const pp_project_defect *d = &r->defects[i];
      pp_json_obj(&j, NULL);
      pp_json_str(&j, "label", d->label);
      pp_json_str(&j, "defect", d->ds.wc.path);
      pp_json_int(&j, "first_band", d->lo + 1);
      pp_json_int(&j, "last_band", d->hi);
      pp_json_num(&j, "bytes_read", d->bytes_read);
      pp_json_end(&j);
    }
    pp_json_end(&j);
  }
  pp_json_arr(&j, s->study ? "table" : "bands");
  for (int i = 0; i < r->ndefects; i++) band_rows(s, &r->defects[i], s->study, &j);
  pp_json_end(&j);
  pp_json_end(&j);
}

static double mib(double b) { return b / (1024.0 * 1024.0); }

void pp_project_print_plan(const pp_project_setup *s, const pp_project_result *r, int nranks, FILE *f) {
  const pp_project_plan *p = &r->plan;
  const pp_wavecar *b = &r->bulk.wc;
  fprintf(f, "\nPlan of project (dry run: headers and setup only, nothing read but headers)\n");
  fprintf(f, "  bulk:    %s (%d spin × %d k-point(s) × %d bands)\n", b->path, b->nspin, b->nkpts, b->nbands);
  for (int i = 0; i < r->ndefects; i++) {
    const pp_project_defect *d = &r->defects[i];
    fprintf(f, "  defect:  %s%s%s bands %d-%d\n", s->study ? d->label : "", s->study ? " = " : "", d->ds.wc.path,
            d->lo + 1, d->hi);
  }
  fprintf(f, "  layout:  %d rank(s) = %d k-point group(s) × %d band group(s)\n", nranks, r->lay.nkgroups,
          r->lay.nbranks);
  fprintf(f, "  per rank (min .. max over ranks):\n");
  fprintf(f, "    stage project, pool bulk-wf   %10.2f .. %10.2f MiB\n", mib(p->bulk_wf[0]), mib(p->bulk_wf[1]));
  fprintf(f, "    stage defect, the largest     %10.2f .. %10.2f MiB (%s)\n", mib(p->defect[0]),
          mib(p->defect[1]), r->defects[p->largest].label);
  fprintf(f, "    all pools at the peak         %10.2f .. %10.2f MiB\n", mib(p->pools[0]), mib(p->pools[1]));
  fprintf(f, "    resident after setup          %10.2f .. %10.2f MiB (measured)\n", p->rss_setup[0],
          p->rss_setup[1]);
  fprintf(f, "    estimated peak resident       %10.2f .. %10.2f MiB (after setup + pools)\n", p->rss_peak[0],
          p->rss_peak[1]);
  fprintf(f, "    read                          %10.2f .. %10.2f MiB (bulk once, every defect)\n",
          mib(p->bytes_read[0]), mib(p->bytes_read[1]));
  fprintf(f, "    work                          %10.3f .. %10.3f GFLOP (overlaps and projections)\n",
          p->flops[0] / 1e9, p->flops[1] / 1e9);
}

void pp_project_write_plan_json(const pp_project_setup *s, const pp_project_result *r, int nranks, FILE *f) {
  const pp_project_plan *p = &r->plan;
  pp_json j;
  pp_json_init(&j, f);
  pp_json_obj(&j, NULL);
  pp_json_str(&j, "bulk", r->bulk.wc.path);
  pp_json_int(&j, "ranks", nranks);
  pp_json_int(&j, "kgroups", r->lay.nkgroups);
  pp_json_int(&j, "band_groups", r->lay.nbranks);
  pp_json_arr(&j, "defects");
  for (int i = 0; i < r->ndefects; i++) {
    pp_json_obj(&j, NULL);
    pp_json_str(&j, "label", r->defects[i].label);
    pp_json_str(&j, "defect", r->defects[i].ds.wc.path);
    pp_json_int(&j, "first_band", r->defects[i].lo + 1);
    pp_json_int(&j, "last_band", r->defects[i].hi);
    pp_json_end(&j);
  }
  pp_json_end(&j);
  pp_json_str(&j, "largest_defect", r->defects[p->largest].label);
  pp_json_num_array(&j, "bulk_wf_bytes_min_max", p->bulk_wf, 2);
  pp_json_num_array(&j, "defect_stage_bytes_min_max", p->defect, 2);
  pp_json_num_array(&j, "pools_peak_bytes_min_max", p->pools, 2);
  pp_json_num_array(&j, "rss_after_setup_mib_min_max", p->rss_setup, 2);
  pp_json_num_array(&j, "rss_peak_estimate_mib_min_max", p->rss_peak, 2);
  pp_json_num_array(&j, "bytes_read_min_max", p->bytes_read, 2);
  pp_json_num_array(&j, "flops_min_max", p->flops, 2);
  (void)s;
  pp_json_end(&j);
}
