/* projectout.c — the HDF5 results file of `pawproj project` (see
 * projectout.h). */
#include "pawproj/io/projectout.h"

#include <stdio.h>
#include <stdlib.h>

#include "pawproj/core/agree.h"
#include "pawproj/io/h5out.h"

/* The file position (spin, k-point, first band) of each local item, one
 * block per item in item order, which is the file order h5out needs. */
static hsize_t (*item_starts(const pp_wfset *set, int b0))[4] {
  hsize_t(*start)[4] = calloc((size_t)set->nlocal + 1, sizeof *start);
  if (!start) return NULL;
  for (int j = 0; j < set->nlocal; j++) {
    start[j][0] = (hsize_t)(set->item[j] / set->wc->nkpts);
    start[j][1] = (hsize_t)(set->item[j] % set->wc->nkpts);
    start[j][2] = (hsize_t)b0;
  }
  return start;
}

/* The PAW projections at each structure's own atoms: bulk blocks from
 * every rank (its band slice), defect blocks from one rank of each k-point
 * group (all ranks of a group hold the same defect projections). */
static pp_status write_projections(const pp_projectout *o, pp_h5 *h, pp_err *err) {
  const pp_wavecar *b = &o->bulk->wc;
  const pp_wfset *bulk = o->bulk_wf;
  const int nd = o->hi - o->lo;
  static const char *const LAYOUT =
      "[spin][kpoint][band][spinor * nproj + atom offset + (j, m)] = <p_ai|psi_n> at the "
      "structure's own atoms (POSCAR order; per atom the channels j of the dataset, m = -l..l); "
      "with --flip-spin [spin] is the defect spin and the bulk values belong to the other spin";
  const hsize_t bdims[4] = {(hsize_t)b->nspin, (hsize_t)b->nkpts, (hsize_t)b->nbands, (hsize_t)o->nc_bulk};
  const hsize_t bcount[4] = {1, 1, (hsize_t)bulk->nb, (hsize_t)o->nc_bulk};
  hsize_t(*start)[4] = item_starts(bulk, bulk->b0);
  if (!start) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  pp_status st = PP_OK;
  PP_TRY(pp_h5_write_complex_blocks(h, "bulk_projections", bdims, bulk->nb > 0 ? bulk->nlocal : 0,
                                    (const hsize_t(*)[4])start, bcount, o->bulk_proj,
                                    "dimensionless (projector normalisation of the dataset)", err));
  PP_TRY(pp_h5_attr(h, "bulk_projections", "layout", LAYOUT, err));
  for (int j = 0; j < bulk->nlocal; j++) start[j][2] = 0;
  const hsize_t ddims[4] = {(hsize_t)b->nspin, (hsize_t)b->nkpts, (hsize_t)nd, (hsize_t)o->nc_defect};
  const hsize_t dcount[4] = {1, 1, (hsize_t)nd, (hsize_t)o->nc_defect};
  PP_TRY(pp_h5_write_complex_blocks(h, "defect_projections", ddims,
                                    o->writes_defect_proj && nd > 0 ? bulk->nlocal : 0,
                                    (const hsize_t(*)[4])start, dcount, o->defect_proj,
                                    "dimensionless (projector normalisation of the dataset)", err));
  PP_TRY(pp_h5_attr(h, "defect_projections", "layout", LAYOUT, err));
done:
  free(start);
  return st;
}

/* The overlaps: each rank its bulk band slice of every local item. */
static pp_status write_overlaps(const pp_projectout *o, pp_h5 *h, pp_err *err) {
  const pp_wavecar *b = &o->bulk->wc;
  const pp_wfset *bulk = o->bulk_wf;
  const int nd = o->hi - o->lo;
  hsize_t(*start)[4] = item_starts(bulk, 0);
  if (!start) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (int j = 0; j < bulk->nlocal; j++) start[j][3] = (hsize_t)bulk->b0;
  const hsize_t odims[4] = {(hsize_t)b->nspin, (hsize_t)b->nkpts, (hsize_t)nd, (hsize_t)b->nbands};
  const hsize_t count[4] = {1, 1, (hsize_t)nd, (hsize_t)bulk->nb};
  pp_status st = PP_OK;
  PP_TRY(pp_h5_write_complex_blocks(h, "overlaps", odims, bulk->nb > 0 ? bulk->nlocal : 0,
                                    (const hsize_t(*)[4])start, count, o->overlaps, "dimensionless", err));
  PP_TRY(pp_h5_attr(h, "overlaps", "layout",
                    o->all_electron ? "[spin][kpoint][defect band][bulk band] = <bulk m|defect n> (all-electron)"
                                    : "[spin][kpoint][defect band][bulk band] = <bulk m|defect n> (pseudo)",
                    err));
done:
  free(start);
  return st;
}

/* Everything that is the same on all ranks (rank 0's buffers are written). */
static pp_status write_common(const pp_projectout *o, pp_h5 *h, pp_err *err) {
  const pp_wavecar *b = &o->bulk->wc, *d = &o->defect->wc;
  const int nd = o->hi - o->lo;
  const hsize_t edims[3] = {(hsize_t)b->nspin, (hsize_t)b->nkpts, (hsize_t)b->nbands};
  const hsize_t ddims[3] = {(hsize_t)d->nspin, (hsize_t)d->nkpts, (hsize_t)d->nbands};
  PP_CALL(pp_h5_write_double(h, "bulk_eigenvalues", 3, edims, b->eig, "eV", err));
  PP_CALL(pp_h5_write_double(h, "bulk_occupations", 3, edims, b->occ, "dimensionless", err));
  PP_CALL(pp_h5_write_double(h, "defect_eigenvalues", 3, ddims, d->eig, "eV", err));
  PP_CALL(pp_h5_write_double(h, "defect_occupations", 3, ddims, d->occ, "dimensionless", err));
  const hsize_t kdims[2] = {(hsize_t)b->nkpts, 3};
  PP_CALL(pp_h5_write_double(h, "kpoints", 2, kdims, &b->kfrac[0][0], "fractional (reciprocal lattice)", err));
  PP_CALL(pp_h5_write_double(h, "kweights", 1, kdims, o->bulk->kweight, "dimensionless, sum 1", err));
  int *bands = calloc((size_t)nd + 1, sizeof *bands);
  if (!bands) PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  for (int n = 0; n < nd; n++) bands[n] = o->lo + n + 1;
  const hsize_t bdim[1] = {(hsize_t)nd};
  pp_status st = pp_h5_write_int(h, "defect_bands", 1, bdim, bands, "1-based band index", err);
  free(bands);
  PP_CALL(st);
  const hsize_t cdims[3] = {(hsize_t)d->nspin, (hsize_t)nd, PP_PROJECTOUT_NCHAR};
  PP_CALL(pp_h5_write_double(h, "character", 3, cdims, o->character,
                             "dimensionless; columns valence, conduction, captured", err));
  if (o->ipr_ae) {
    const hsize_t idims[2] = {(hsize_t)d->nspin, (hsize_t)nd};
    PP_CALL(pp_h5_write_double(h, "ipr", 2, idims, o->ipr_ae,
                               "dimensionless, Omega int |psi|^4 / (int |psi|^2)^2 (all-electron with method paw)", err));
    PP_CALL(pp_h5_write_double(h, "ipr_pseudo", 2, idims, o->ipr_ps, "dimensionless, of the pseudo-wavefunction",
                               err));
  }
  PP_CALL(pp_h5_attr(h, ".", "program", "pawproj " PAWPROJ_VERSION, err));
  PP_CALL(pp_h5_attr(h, ".", "command_line", o->command_line, err));
  PP_CALL(pp_h5_attr(h, ".", "method", o->method, err));
  PP_CALL(pp_h5_attr(h, ".", "normalisation", o->normalisation, err));
  PP_CALL(pp_h5_attr(h, ".", "bulk_wavecar", b->path, err));
  PP_CALL(pp_h5_attr(h, ".", "defect_wavecar", d->path, err));
  PP_CALL(pp_h5_attr(h, ".", "weights_source", o->bulk->weight_source, err));
  PP_CALL(pp_h5_attr(h, ".", "energy_units", "eV", err));
  return PP_OK;
}

/* The single-run layout at h's current group. */
static pp_status write_into(pp_h5 *h, const pp_projectout *o, pp_err *err) {
  PP_CALL(write_overlaps(o, h, err));
  if (o->all_electron) {
    const hsize_t mdim[1] = {(hsize_t)o->match->nb};
    PP_CALL(pp_h5_write_int(h, "site_match_bulk_to_defect", 1, mdim, o->match->b2d,
                            "0-based defect atom index, -1 = bulk-only site", err));
    PP_CALL(pp_h5_write_double(h, "site_match_distance", 1, mdim, o->match->dist, "Angstrom, -1 = unmatched",
                               err));
    PP_CALL(write_projections(o, h, err));
  }
  return write_common(o, h, err);
}

pp_status pp_projectout_write(MPI_Comm comm, const char *path, const pp_projectout *o, pp_err *err) {
  pp_h5 h;
  PP_CALL(pp_h5_create(comm, path, &h, err));
  pp_status st = write_into(&h, o, err);
  const pp_status cs = pp_h5_close(&h, st == PP_OK, err);
  if (st == PP_OK) st = cs;
  return pp_agree(st, err, comm);
}

pp_status pp_projectout_study_close(pp_h5 *h, int ok, const pp_projectout_study *s, pp_err *err) {
  pp_status st = ok ? PP_OK : PP_ERR_INTERNAL;
  if (ok) {
    char n[32];
    snprintf(n, sizeof n, "%d", s->ndefects);
    const char *const attrs[][2] = {{"program", "pawproj " PAWPROJ_VERSION},
                                    {"command_line", s->command_line},
                                    {"method", s->method},
                                    {"normalisation", s->normalisation},
                                    {"bulk_wavecar", s->bulk_path},
                                    {"layout", "a defect study: one group per defect under /defects, each with the "
                                               "datasets and attributes of a single project run's file"},
                                    {"ndefects", n},
                                    {"complete", "yes"}};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0] && st == PP_OK; i++)
      st = pp_h5_attr(h, "/", attrs[i][0], attrs[i][1], err);
  }
  const pp_status cs = pp_h5_close(h, ok && st == PP_OK, err);
  if (st == PP_OK) st = cs;
  return ok ? pp_agree(st, err, h->comm) : PP_OK;
}
