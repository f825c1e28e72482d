/* wfunfold.c — the full-mesh view of a symmetry-reduced run and its
 * distributed read (see wfunfold.h). */
#include "pawproj/io/wfunfold.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/agree.h"
#include "pawproj/model/gvec.h"
#include "pawproj/model/pwrot.h"

/* Read buffer for the source records: whole records, as wfset.c. */
#define IO_CHUNK ((size_t)32 << 20)

static pp_status dup_header(const pp_wavecar *in, int nk, pp_wavecar *out, pp_err *err) {
  *out = *in;
  out->nkpts = nk;
  const size_t nb = (size_t)in->nspin * nk * in->nbands;
  out->npw = calloc((size_t)nk, sizeof *out->npw);
  out->kfrac = calloc((size_t)nk, sizeof *out->kfrac);
  out->eig = calloc(nb, sizeof *out->eig);
  out->occ = calloc(nb, sizeof *out->occ);
  if (!out->npw || !out->kfrac || !out->eig || !out->occ) {
    pp_wavecar_free(out);
    PP_FAIL(err, PP_ERR_NOMEM, "out of memory");
  }
  return PP_OK;
}

/* The entry of u equal to k up to an integer vector, and that vector. */
static int find_point(const pp_kunfold *u, const double k[3], int d[3]) {
  for (int f = 0; f < u->nfull; f++) {
    int ok = 1;
    for (int i = 0; i < 3 && ok; i++) {
      const double x = k[i] - u->k[f].k[i];
      d[i] = (int)lround(x);
      ok = fabs(x - d[i]) < PP_KTOL;
    }
    if (ok) return f;
  }
  return -1;
}

pp_status pp_unfold_build(const pp_wavecar *file, const pp_symmetry *sym, const pp_kunfold *u,
                          const double (*target)[3], int ntarget, pp_wavecar *view, pp_unfold *uf, pp_err *err) {
  memset(uf, 0, sizeof *uf);
  memset(view, 0, sizeof *view);
  if (file->nspinor != 1)
    PP_FAIL(err, PP_ERR_ARG,
            "%s: a noncollinear run on a symmetry-reduced k-point set cannot be unfolded (the SU(2) rotation of "
            "spinors is not implemented); rerun with ISYM = 0 or give both runs the same k-points",
            file->path);
  if (pp_variant_is_gamma(file->variant))
    PP_FAIL(err, PP_ERR_ARG, "%s: a Gamma-only file holds Γ alone; there is nothing to unfold", file->path);
  pp_status st = PP_OK;
  PP_CALL(dup_header(file, file->nkpts, &uf->file, err));
  memcpy(uf->file.npw, file->npw, sizeof *file->npw * (size_t)file->nkpts);
  memcpy(uf->file.kfrac, file->kfrac, sizeof *file->kfrac * (size_t)file->nkpts);
  const size_t fb = (size_t)file->nspin * file->nkpts * file->nbands;
  memcpy(uf->file.eig, file->eig, sizeof *file->eig * fb);
  memcpy(uf->file.occ, file->occ, sizeof *file->occ * fb);
  PP_TRY(dup_header(file, ntarget, view, err));
  uf->src = calloc((size_t)ntarget, sizeof *uf->src);
  if (!uf->src) PP_TRY(pp_fail_at(err, PP_ERR_NOMEM, __FILE__, __LINE__, "out of memory"));
  for (int t = 0; t < ntarget; t++) {
    int d[3];
    const int f = find_point(u, target[t], d);
    if (f < 0)
      PP_TRY(pp_fail_at(err, PP_ERR_MISMATCH, __FILE__, __LINE__,
                        "%s: k-point (%g %g %g) is not on the %d×%d×%d mesh its IBZ points unfold to", file->path,
                        target[t][0], target[t][1], target[t][2], u->mesh.n[0], u->mesh.n[1], u->mesh.n[2]));
    const pp_kfull *kf = &u->k[f];
    pp_unfold_src *s = &uf->src[t];
    s->ibz = kf->ibz;
    s->tr = kf->tr;
    s->op = sym->op[kf->op];
    for (int i = 0; i < 3; i++) {
      s->G0[i] = kf->G0[i] + d[i]; /* k_t = k_full + d */
      view->kfrac[t][i] = target[t][i];
    }
    PP_TRY(pp_gvec_generate(file->lattice, file->encut, view->kfrac[t], file->variant, NULL, 0, &view->npw[t],
                            err));
    if (view->npw[t] != file->npw[s->ibz])
      PP_TRY(pp_fail_at(err, PP_ERR_MISMATCH, __FILE__, __LINE__,
                        "%s: k-point (%g %g %g) has %lld plane waves, its IBZ source %d has %lld; the operation "
                        "does not map the cutoff sphere onto itself (lattice not symmetric within symprec?)",
                        file->path, target[t][0], target[t][1], target[t][2], (long long)view->npw[t], s->ibz + 1,
                        (long long)file->npw[s->ibz]));
    for (int sp = 0; sp < file->nspin; sp++)
      for (int b = 0; b < file->nbands; b++) {
        view->eig[pp_wavecar_idx(view, sp, t, b)] = file->eig[pp_wavecar_idx(file, sp, s->ibz, b)];
        view->occ[pp_wavecar_idx(view, sp, t, b)] = file->occ[pp_wavecar_idx(file, sp, s->ibz, b)];
      }
  }
  return PP_OK;
done:
  pp_wavecar_free(view);
  pp_unfold_free(uf);
  return st;
}

void pp_unfold_free(pp_unfold *uf) {
  pp_wavecar_free(&uf->file);
  free(uf->src);
  uf->src = NULL;
}

static size_t rec_bytes(const pp_wavecar *wc, int nb) {
  size_t want = (size_t)(nb > 0 ? nb : 1) * (size_t)wc->reclen;
  if (want > IO_CHUNK) want = IO_CHUNK;
  return want < (size_t)wc->reclen ? (size_t)wc->reclen : want;
}

/* Largest source slice over my items: the buffer the rotation reads from. */
static int64_t max_src_npw(const pp_layout *lay, const pp_wavecar *view, const pp_unfold *uf) {
  int64_t m = 0;
  for (int i = 0; i < lay->nitems; i++)
    if (pp_layout_owns_item(lay, i)) {
      const int64_t n = uf->file.npw[uf->src[i % view->nkpts].ibz];
      if (n > m) m = n;
    }
  return m;
}

size_t pp_wfset_unfold_io_need(const pp_layout *lay, const pp_wavecar *view, const pp_unfold *uf, int lo, int hi) {
  int b0, nb;
  pp_layout_bands(lay, hi - lo, lay->brank, &b0, &nb);
  const size_t npw = (size_t)max_src_npw(lay, view, uf);
  /* records + source slice + two G lists + the map (index and phase) */
  return rec_bytes(&uf->file, nb) + (size_t)(nb > 0 ? nb : 0) * npw * 16 + npw * (2 * sizeof(int[3]) + 24) + 256;
}

static pp_status glist(const pp_wavecar *wc, const double k[3], int64_t n, int (**m)[3], pp_err *err) {
  int64_t got = 0;
  *m = malloc(sizeof **m * (size_t)(n > 0 ? n : 1));
  if (!*m) PP_FAIL(err, PP_ERR_NOMEM, "out of memory for %lld G vectors", (long long)n);
  PP_CALL(pp_gvec_generate(wc->lattice, wc->encut, k, wc->variant, *m, n, &got, err));
  if (got != n) PP_FAIL(err, PP_ERR_MISMATCH, "%s: G list of %lld vectors, expected %lld", wc->path, (long long)got,
                        (long long)n);
  return PP_OK;
}

/* One target item: the source slice read into buf, rotated into out. */
static pp_status rotate_item(const pp_unfold *uf, const pp_wavecar *view, int s, int kt, int b0, int nb,
                             pp_bytesrc *src, double complex *buf, void *scratch, size_t sb, double complex *out,
                             pp_err *err) {
  const pp_wavecar *f = &uf->file;
  const pp_unfold_src *g = &uf->src[kt];
  const int64_t n = f->npw[g->ibz];
  int(*gs)[3] = NULL, (*gt)[3] = NULL;
  pp_pwmap map = {0};
  pp_status st = PP_OK;
  PP_TRY(pp_wavecar_read_bands(f, src, s, g->ibz, b0, nb, buf, n, scratch, sb, err));
  PP_TRY(glist(f, f->kfrac[g->ibz], n, &gs, err));
  PP_TRY(glist(f, view->kfrac[kt], view->npw[kt], &gt, err));
  PP_TRY(pp_pwmap_build((const int(*)[3])gs, n, f->kfrac[g->ibz], (const int(*)[3])gt, view->npw[kt], &g->op,
                        g->tr, g->G0, &map, err));
  for (int b = 0; b < nb; b++) pp_pwmap_apply(&map, buf + (int64_t)b * n, out + (int64_t)b * n);
done:
  pp_pwmap_free(&map);
  free(gs);
  free(gt);
  return st;
}

static pp_status read_local(const pp_layout *lay, const pp_wavecar *view, const pp_unfold *uf, pp_pool *wf_pool,
                            pp_pool *io_pool, const char *progress, pp_wfset *set, pp_err *err) {
  for (int i = 0; i < lay->nitems; i++) set->nlocal += pp_layout_owns_item(lay, i);
  PP_CALL(pp_pool_alloc(wf_pool, sizeof(int) * (size_t)(set->nlocal + 1), (void **)&set->item, err));
  PP_CALL(pp_pool_alloc(wf_pool, sizeof(void *) * (size_t)(set->nlocal + 1), (void **)&set->c, err));
  for (int i = 0, j = 0; i < lay->nitems; i++)
    if (pp_layout_owns_item(lay, i)) set->item[j++] = i;
  const int work = set->nb > 0 && set->nlocal > 0;
  const size_t sb = rec_bytes(&uf->file, set->nb);
  void *scratch = NULL;
  double complex *buf = NULL;
  pp_bytesrc src;
  memset(&src, 0, sizeof src);
  if (work) {
    PP_CALL(pp_pool_alloc(io_pool, sb, &scratch, err));
    PP_CALL(pp_pool_alloc(io_pool, (size_t)set->nb * (size_t)max_src_npw(lay, view, uf) * 16, (void **)&buf, err));
    PP_CALL(pp_bytesrc_open(uf->file.path, &src, err));
  }
  pp_status st = PP_OK;
  for (int j = 0; j < set->nlocal; j++) {
    const int s = pp_wfset_spin(set, j), kt = set->item[j] % view->nkpts;
    const int64_t ld = view->npw[kt];
    PP_TRY(pp_pool_alloc(wf_pool, (size_t)set->nb * (size_t)ld * 16 + 16, (void **)&set->c[j], err));
    if (set->nb > 0) PP_TRY(rotate_item(uf, view, s, kt, set->b0, set->nb, &src, buf, scratch, sb, set->c[j], err));
    set->bytes_read += (double)set->nb * (double)uf->file.reclen;
    if (progress && lay->rank == 0)
      fprintf(stderr, "[pawproj] reading %s: spin %d k-point %d from IBZ point %d (%d/%d on rank 0)\n", progress,
              s + 1, kt + 1, uf->src[kt].ibz + 1, j + 1, set->nlocal);
  }
done:
  pp_bytesrc_close(&src);
  return st;
}

pp_status pp_wfset_read_unfolded(const pp_layout *lay, const pp_wavecar *view, const pp_unfold *uf, int lo, int hi,
                                 int flip, pp_pool *wf_pool, pp_pool *io_pool, const char *progress, pp_wfset *set,
                                 pp_err *err) {
  PP_CALL(pp_wfset_begin(lay, view, lo, hi, flip, set, err));
  pp_status st = read_local(lay, view, uf, wf_pool, io_pool, progress, set, err);
  return pp_agree(st, err, lay->world);
}
