/* wavecar.c — WAVECAR header, validation, variant detection, band reads
 * (see wavecar.h). */
#include "pawproj/io/wavecar.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pawproj/core/agree.h"
#include "pawproj/model/lattice.h"

/* A float64 that must hold a whole number in [lo, hi]. */
static int as_int(double v, double lo, double hi, int64_t *out) {
  if (!isfinite(v) || v < lo || v > hi || v != floor(v)) return 0;
  *out = (int64_t)v;
  return 1;
}

static pp_status read_main_header(pp_wavecar *wc, pp_bytesrc *src,
                                  pp_err *err) {
  double r0[3];
  PP_CALL(pp_bytesrc_read(src, 0, r0, sizeof r0, "record 1 (reclen, nspin, rtag)", err));
  int64_t reclen, nspin, rtag;
  if (!as_int(r0[0], 24, 1e12, &reclen) || reclen % 8 != 0)
    PP_FAIL(err, PP_ERR_FORMAT,
            "%s, record 1: record length %g is not a positive multiple of 8 "
            "bytes; not a WAVECAR (or a corrupted header)",
            wc->path, r0[0]);
  if (!as_int(r0[1], 1, 2, &nspin))
    PP_FAIL(err, PP_ERR_FORMAT,
            "%s, record 1: spin count %g, expected 1 or 2 (corrupted header?)",
            wc->path, r0[1]);
  if (!as_int(r0[2], 0, 1e9, &rtag) ||
      (rtag != 45200 && rtag != 45210 && rtag != 53300 && rtag != 53310))
    PP_FAIL(err, PP_ERR_FORMAT,
            "%s, record 1: unknown format tag (rtag) %g; expected 45200 or "
            "53300 (complex64) or 45210 or 53310 (complex128)",
            wc->path, r0[2]);
  wc->reclen = reclen;
  wc->nspin = (int)nspin;
  wc->rtag = (int)rtag;
  wc->coef_bytes = (rtag == 45210 || rtag == 53310) ? 16 : 8;
  if (reclen < 13 * 8)
    PP_FAIL(err, PP_ERR_FORMAT,
            "%s, record 1: record length %lld bytes cannot hold record 2 "
            "(104 bytes)",
            wc->path, (long long)reclen);
  double r1[13];
  PP_CALL(pp_bytesrc_read(src, reclen, r1, sizeof r1,
                          "record 2 (nkpts, nbands, ENCUT, lattice, E_Fermi)", err));
  int64_t nk, nb;
  if (!as_int(r1[0], 1, 1e7, &nk))
    PP_FAIL(err, PP_ERR_FORMAT, "%s, record 2: k-point count %g is not a positive integer",
            wc->path, r1[0]);
  if (!as_int(r1[1], 1, 1e7, &nb))
    PP_FAIL(err, PP_ERR_FORMAT, "%s, record 2: band count %g is not a positive integer",
            wc->path, r1[1]);
  wc->nkpts = (int)nk;
  wc->nbands = (int)nb;
  wc->encut = r1[2];
  if (!(wc->encut > 0 && wc->encut < 1e6))
    PP_FAIL(err, PP_ERR_FORMAT, "%s, record 2: ENCUT %g eV is not plausible",
            wc->path, r1[2]);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      wc->lattice[i][j] = r1[3 + 3 * i + j];
      if (!isfinite(wc->lattice[i][j]) || fabs(wc->lattice[i][j]) > 1e5)
        PP_FAIL(err, PP_ERR_FORMAT,
                "%s, record 2: lattice component (%d,%d) = %g Å is not plausible",
                wc->path, i + 1, j + 1, wc->lattice[i][j]);
    }
  if (!(fabs(pp_lat_volume(wc->lattice)) > 1e-3))
    PP_FAIL(err, PP_ERR_FORMAT, "%s, record 2: lattice vectors are degenerate",
            wc->path);
  wc->efermi = r1[12];
  if (!isfinite(wc->efermi))
    PP_FAIL(err, PP_ERR_FORMAT, "%s, record 2: Fermi energy is not finite", wc->path);
  const int64_t khead = (int64_t)8 * (4 + 3 * nb);
  wc->khdr = (int)((khead + reclen - 1) / reclen);
  if (wc->khdr > 1 && rtag < 53300)
    PP_FAIL(err, PP_ERR_FORMAT,
            "%s, record 1: record length %lld bytes is too short for %lld "
            "bands' energies (needs %lld; only VASP 6 tags 53300/53310 may "
            "continue a k-point header in the next record)",
            wc->path, (long long)reclen, (long long)nb, (long long)khead);
  return PP_OK;
}

/* The records the header promises must be in the file before anything is
 * allocated from its counts: a corrupted header of a few bytes claiming
 * 1e7 k-points × 1e7 bands made alloc_arrays ask for 10^15 bytes (fuzz
 * seed tests/fuzz/corpus/fuzz_wavecar/regress-huge-header-counts). A gzip
 * stream's size is not known until it is read, but deflate expands at most
 * 1032-fold, which bounds it by the compressed size. */
static pp_status check_size(const pp_wavecar *wc, const char *path, pp_err *err) {
  const double nrec = 2.0 + (double)wc->nspin * wc->nkpts * ((double)wc->nbands + wc->khdr);
  const double need = nrec * (double)wc->reclen;
  if (!wc->gzip) {
    if (need > (double)wc->file_size)
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s: file is truncated: %d spin(s) × %d k-points × %d bands need %.0f records of "
              "%lld bytes = %.0f bytes, the file has %lld",
              path, wc->nspin, wc->nkpts, wc->nbands, nrec, (long long)wc->reclen, need,
              (long long)wc->file_size);
    return PP_OK;
  }
  struct stat sb;
  if (stat(path, &sb) == 0 && need > 1032.0 * (double)sb.st_size + 65536.0)
    PP_FAIL(err, PP_ERR_FORMAT,
            "%s: file is truncated or its header corrupted: %d spin(s) × %d k-points × %d bands "
            "need %.0f bytes, more than %lld gzip-compressed bytes can hold",
            path, wc->nspin, wc->nkpts, wc->nbands, need, (long long)sb.st_size);
  return PP_OK;
}

static pp_status alloc_arrays(pp_wavecar *wc, pp_err *err) {
  size_t n = (size_t)wc->nspin * wc->nkpts * wc->nbands;
  wc->npw = calloc((size_t)wc->nkpts, sizeof *wc->npw);
  wc->kfrac = calloc((size_t)wc->nkpts, sizeof *wc->kfrac);
  wc->eig = calloc(n, sizeof *wc->eig);
  wc->occ = calloc(n, sizeof *wc->occ);
  if (!wc->npw || !wc->kfrac || !wc->eig || !wc->occ)
    PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory for the header", wc->path);
  return PP_OK;
}

static pp_status read_kpoint_headers(pp_wavecar *wc, pp_bytesrc *src,
                                     pp_err *err) {
  const int nb = wc->nbands;
  double *rec = malloc(sizeof(double) * (size_t)(4 + 3 * nb));
  if (!rec) PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory", wc->path);
  pp_status st = PP_OK;
  for (int s = 0; s < wc->nspin; s++)
    for (int k = 0; k < wc->nkpts; k++) {
      const int64_t r = pp_wavecar_krec(wc, s, k);
      char what[128];
      snprintf(what, sizeof what, "record %lld (header of spin %d, k-point %d)",
               (long long)r + 1, s + 1, k + 1);
      PP_TRY(pp_bytesrc_read(src, pp_wavecar_offset(wc, r), rec,
                             sizeof(double) * (size_t)(4 + 3 * nb), what, err));
      int64_t npw;
      if (!as_int(rec[0], 1, 1e10, &npw))
        PP_THROW(PP_ERR_FORMAT, "%s, %s: plane-wave count %g is not a positive integer",
                 wc->path, what, rec[0]);
      if (npw * wc->coef_bytes > wc->reclen)
        PP_THROW(PP_ERR_FORMAT,
                 "%s, %s: %lld coefficients of %d bytes do not fit the record "
                 "length %lld",
                 wc->path, what, (long long)npw, wc->coef_bytes, (long long)wc->reclen);
      for (int i = 0; i < 3; i++)
        if (!isfinite(rec[1 + i]) || fabs(rec[1 + i]) > 1.0 + 1e-6)
          PP_THROW(PP_ERR_FORMAT,
                   "%s, %s: k-point component %g is not a fractional coordinate",
                   wc->path, what, rec[1 + i]);
      if (s == 0) {
        wc->npw[k] = npw;
        for (int i = 0; i < 3; i++) wc->kfrac[k][i] = rec[1 + i];
      } else {
        double d = 0;
        for (int i = 0; i < 3; i++) d = fmax(d, fabs(wc->kfrac[k][i] - rec[1 + i]));
        if (npw != wc->npw[k] || d > 1e-8)
          PP_THROW(PP_ERR_FORMAT,
                   "%s, %s: spin-down k-point or npw (%lld) differs from "
                   "spin-up (%lld)",
                   wc->path, what, (long long)npw, (long long)wc->npw[k]);
      }
      for (int b = 0; b < nb; b++) {
        const double e = rec[4 + 3 * b], o = rec[6 + 3 * b];
        if (!isfinite(e) || fabs(e) > 1e6 || !isfinite(o) || o < -1e-3 ||
            o > 1.0 + 1e-3)
          PP_THROW(PP_ERR_FORMAT,
                   "%s, %s: band %d has energy %g eV and occupation %g; "
                   "expected a finite energy and an occupation in [0, 1]",
                   wc->path, what, b + 1, e, o);
        wc->eig[pp_wavecar_idx(wc, s, k, b)] = e;
        wc->occ[pp_wavecar_idx(wc, s, k, b)] = o;
      }
    }
done:
  free(rec);
  return st;
}

static int is_gamma_point(const double k[3]) {
  return fabs(k[0]) < 1e-8 && fabs(k[1]) < 1e-8 && fabs(k[2]) < 1e-8;
}

/* pp_gvec_generate for k-point k; its messages do not name the file, so a
 * failure is reported again with the path and the k-point. */
static pp_status basis_size(const pp_wavecar *wc, int k, pp_variant v, int (*miller)[3],
                            int64_t cap, int64_t *n, pp_err *err) {
  pp_err e;
  pp_err_clear(&e);
  const pp_status st = pp_gvec_generate(wc->lattice, wc->encut, wc->kfrac[k], v, miller, cap, n, &e);
  if (st != PP_OK)
    PP_FAIL(err, st, "%s, k-point %d (ENCUT %g eV, header of record 2): %s", wc->path, k + 1,
            wc->encut, e.msg);
  return PP_OK;
}

/* Counting VASP's basis visits every G of the box |G_i| <= qmax |a_i| / 2π
 * + |k_i|; the box holds about (6/π)·(|a1||a2||a3|/Ω) times the sphere's G
 * vectors (2× that for a Gamma-only half), a small factor for any real
 * cell. A corrupted ENCUT or lattice could make it 10^15 and the count
 * hang (fuzz seed regress-basis-box-1e15); so a box far larger than the
 * stored coefficients (128×, or 4096 G vectors for tiny bases) is refused
 * before counting. Work is then bounded by the coefficients the file holds. */
static pp_status check_basis_box(const pp_wavecar *wc, int k, pp_err *err) {
  const double qmax = sqrt(wc->encut * PP_VASP_C);
  double box = 1;
  for (int i = 0; i < 3; i++) {
    const double len = sqrt(wc->lattice[i][0] * wc->lattice[i][0] +
                            wc->lattice[i][1] * wc->lattice[i][1] +
                            wc->lattice[i][2] * wc->lattice[i][2]);
    const double bound = qmax * len / (2.0 * M_PI) + fabs(wc->kfrac[k][i]);
    box *= 2 * (floor(bound) + 1) + 1;
  }
  const double limit = fmax(4096.0, 128.0 * (double)wc->npw[k]);
  if (!(box <= limit))
    PP_FAIL(err, PP_ERR_FORMAT,
            "%s, record %lld (k-point %d): %lld coefficients per band, but ENCUT %g eV and the "
            "lattice of record 2 span %.3g candidate G vectors; the header is corrupted or not "
            "a WAVECAR's",
            wc->path, (long long)pp_wavecar_krec(wc, 0, k) + 1, k + 1, (long long)wc->npw[k],
            wc->encut, box);
  return PP_OK;
}

/* Decides the variant from npw of every k-point against VASP's basis. */
static pp_status detect_variant(pp_wavecar *wc, pp_variant force,
                                pp_variant gamma_default, pp_err *err) {
  pp_variant found = PP_VARIANT_AUTO;
  for (int k = 0; k < wc->nkpts; k++) {
    const int64_t npw = wc->npw[k];
    PP_CALL(check_basis_box(wc, k, err));
    int64_t nfull = 0;
    PP_CALL(basis_size(wc, k, PP_VARIANT_STANDARD, NULL, 0, &nfull, err));
    pp_variant here;
    if (npw == nfull)
      here = PP_VARIANT_STANDARD;
    else if (npw == 2 * nfull)
      here = PP_VARIANT_NONCOLLINEAR;
    else if (is_gamma_point(wc->kfrac[k]) && npw == (nfull + 1) / 2)
      here = PP_VARIANT_GAMMA_X;
    else
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s, record %lld (k-point %d): %lld coefficients per band match "
              "no WAVECAR variant: VASP's basis for ENCUT %g eV has %lld G "
              "vectors (standard), %lld (noncollinear)%s",
              wc->path, (long long)pp_wavecar_krec(wc, 0, k) + 1, k + 1,
              (long long)npw, wc->encut, (long long)nfull, (long long)2 * nfull,
              is_gamma_point(wc->kfrac[k]) ? " or half of it (Gamma-only)" : "");
    if (force != PP_VARIANT_AUTO) {
      const int ok = (force == here) ||
                     (pp_variant_is_gamma(force) && here == PP_VARIANT_GAMMA_X);
      if (!ok)
        PP_FAIL(err, PP_ERR_FORMAT,
                "%s, k-point %d: --variant %s was forced but npw = %lld fits "
                "the %s variant (standard basis: %lld G vectors)",
                wc->path, k + 1, pp_variant_name(force), (long long)npw,
                pp_variant_name(here), (long long)nfull);
    }
    if (found == PP_VARIANT_AUTO) found = here;
    if (here != found)
      PP_FAIL(err, PP_ERR_FORMAT,
              "%s: k-point 1 looks %s but k-point %d looks %s", wc->path,
              pp_variant_name(found), k + 1, pp_variant_name(here));
  }
  if (force != PP_VARIANT_AUTO) {
    wc->variant = force;
    snprintf(wc->variant_note, sizeof wc->variant_note,
             "forced by the user; npw consistent");
  } else if (found == PP_VARIANT_GAMMA_X) {
    wc->variant = gamma_default == PP_VARIANT_GAMMA_Z ? PP_VARIANT_GAMMA_Z
                                                      : PP_VARIANT_GAMMA_X;
    snprintf(wc->variant_note, sizeof wc->variant_note,
             "detected from npw (half sphere: Gamma-only); %s half order "
             "assumed (%s), --variant gamma-%c to override",
             wc->variant == PP_VARIANT_GAMMA_X ? "x" : "z",
             wc->variant == PP_VARIANT_GAMMA_X ? "VASP >= 5.4" : "VASP <= 5.2",
             wc->variant == PP_VARIANT_GAMMA_X ? 'z' : 'x');
  } else {
    wc->variant = found;
    snprintf(wc->variant_note, sizeof wc->variant_note, "detected from npw");
  }
  wc->nspinor = wc->variant == PP_VARIANT_NONCOLLINEAR ? 2 : 1;
  if (wc->nspinor == 2)
    for (int k = 0; k < wc->nkpts; k++) wc->npw[k] /= 2;
  return PP_OK;
}

/* The buffers of the kinetic-energy test: the G list and the first bands
 * of k-point 1, and one record of raw bytes to read them through. */
typedef struct ekin_buf {
  int (*g)[3];         /* npw[0] Miller indices */
  double complex *c;   /* (nb, npw[0]) coefficients */
  void *scratch;       /* one record */
  int nb;              /* bands used: the first min(4, nbands) */
  int owned;           /* 1: malloc'ed here (no pool given) */
} ekin_buf;

static pp_status ekin_alloc(const pp_wavecar *wc, pp_pool *pool, ekin_buf *b, pp_err *err) {
  const size_t n = (size_t)wc->npw[0];
  b->nb = wc->nbands < 4 ? wc->nbands : 4;
  const size_t gb = sizeof *b->g * n, cb = sizeof *b->c * n * (size_t)b->nb, sb = (size_t)wc->reclen;
  if (pool) {
    PP_CALL(pp_pool_alloc(pool, gb, (void **)&b->g, err));
    PP_CALL(pp_pool_alloc(pool, cb, (void **)&b->c, err));
    PP_CALL(pp_pool_alloc(pool, sb, &b->scratch, err));
    return PP_OK;
  }
  b->owned = 1;
  b->g = malloc(gb);
  b->c = malloc(cb);
  b->scratch = malloc(sb);
  if (!b->g || !b->c || !b->scratch) PP_FAIL(err, PP_ERR_NOMEM, "%s: out of memory", wc->path);
  return PP_OK;
}

static void ekin_free(ekin_buf *b) {
  if (!b->owned) return; /* the pool's: released with its stage */
  free(b->g);
  free(b->c);
  free(b->scratch);
}

/* Kinetic energy Σ|c|²|k+G|²·ħ²/2m (eV) of the first bands of (spin 1,
 * k-point 1) with the G order of variant v. The true order gives the
 * smallest value: coefficients decay with |G|, and pairing them with the
 * wrong G vectors scrambles that decay (rearrangement inequality). */
static pp_status kinetic_energy(const pp_wavecar *wc, pp_bytesrc *src, pp_variant v, const ekin_buf *buf,
                                double *ekin, pp_err *err) {
  const int64_t n = wc->npw[0];
  const int nb = buf->nb;
  int(*g)[3] = buf->g;
  double complex *c = buf->c;
  int64_t got;
  PP_CALL(basis_size(wc, 0, v, g, n, &got, err));
  pp_wavecar tmp = *wc;
  tmp.variant = v;
  tmp.nspinor = 1;
  PP_CALL(pp_wavecar_read_bands(&tmp, src, 0, 0, 0, nb, c, n, buf->scratch, (size_t)wc->reclen, err));
  double b[3][3], e = 0;
  pp_lat_reciprocal(wc->lattice, b);
  for (int64_t i = 0; i < n; i++) {
    double q2 = 0;
    for (int j = 0; j < 3; j++) {
      const double q = g[i][0] * b[0][j] + g[i][1] * b[1][j] + g[i][2] * b[2][j];
      q2 += q * q;
    }
    for (int m = 0; m < nb; m++) {
      const double complex x = c[(int64_t)m * n + i];
      e += (creal(x) * creal(x) + cimag(x) * cimag(x)) * q2 / PP_VASP_C;
    }
  }
  *ekin = e / nb;
  return PP_OK;
}

/* Gamma-only: npw cannot tell the x half from the z half; the kinetic
 * energy can. A clear winner (20% apart) decides; otherwise the OUTCAR's
 * VASP version (gamma_default) does, and the note says so. The test's
 * buffers come from pool (NULL: malloc'ed). */
static pp_status decide_gamma_half(pp_wavecar *wc, pp_bytesrc *src, pp_variant gamma_default, pp_pool *pool,
                                   pp_err *err) {
  double ex, ez;
  ekin_buf buf = {0};
  pp_status st = PP_OK;
  PP_TRY(ekin_alloc(wc, pool, &buf, err));
  PP_TRY(kinetic_energy(wc, src, PP_VARIANT_GAMMA_X, &buf, &ex, err));
  PP_TRY(kinetic_energy(wc, src, PP_VARIANT_GAMMA_Z, &buf, &ez, err));
  const double lo = ex < ez ? ex : ez, hi = ex < ez ? ez : ex;
  if (hi > 1.2 * lo) {
    wc->variant = ex < ez ? PP_VARIANT_GAMMA_X : PP_VARIANT_GAMMA_Z;
    snprintf(wc->variant_note, sizeof wc->variant_note,
             "Gamma-only (half sphere, from npw); %s half order chosen by kinetic energy of the "
             "first bands: %.2f eV (x half) vs %.2f eV (z half)",
             wc->variant == PP_VARIANT_GAMMA_X ? "x" : "z", ex, ez);
  } else {
    wc->variant = gamma_default == PP_VARIANT_GAMMA_Z ? PP_VARIANT_GAMMA_Z : PP_VARIANT_GAMMA_X;
    snprintf(wc->variant_note, sizeof wc->variant_note,
             "Gamma-only (half sphere, from npw); kinetic energy cannot tell the halves apart "
             "(%.2f vs %.2f eV): %s half assumed (%s); use --variant to override",
             ex, ez, wc->variant == PP_VARIANT_GAMMA_X ? "x" : "z",
             wc->variant == PP_VARIANT_GAMMA_X ? "VASP >= 5.4" : "VASP <= 5.2 per OUTCAR");
  }
done:
  ekin_free(&buf);
  return st;
}

static pp_status open_on_root(const char *path, pp_variant force,
                              pp_variant gamma_default, pp_pool *pool, pp_wavecar *wc,
                              pp_err *err) {
  pp_bytesrc src;
  PP_CALL(pp_bytesrc_open(path, &src, err));
  pp_status st = PP_OK;
  wc->gzip = src.gzip;
  wc->file_size = src.size;
  PP_TRY(read_main_header(wc, &src, err));
  PP_TRY(check_size(wc, path, err));
  PP_TRY(alloc_arrays(wc, err));
  PP_TRY(read_kpoint_headers(wc, &src, err));
  PP_TRY(detect_variant(wc, force, gamma_default, err));
  if (force == PP_VARIANT_AUTO && pp_variant_is_gamma(wc->variant))
    PP_TRY(decide_gamma_half(wc, &src, gamma_default, pool, err));
  const int64_t nrec = pp_wavecar_brec(wc, wc->nspin - 1, wc->nkpts - 1, wc->nbands);
  const int64_t need = nrec * wc->reclen;
  if (!wc->gzip) {
    if (wc->file_size < need)
      PP_THROW(PP_ERR_FORMAT,
               "%s: file is truncated: %d spin(s) × %d k-points × %d bands "
               "need %lld records of %lld bytes = %lld bytes, the file has "
               "%lld",
               path, wc->nspin, wc->nkpts, wc->nbands, (long long)nrec,
               (long long)wc->reclen, (long long)need, (long long)wc->file_size);
    wc->extra_bytes = wc->file_size - need;
  } else {
    /* Prove the last record is complete: stream to its final byte. */
    char last;
    PP_TRY(pp_bytesrc_read(&src, need - 1, &last, 1,
                           "the end of the last band record", err));
  }
done:
  pp_bytesrc_close(&src);
  return st;
}

pp_status pp_wavecar_open(const char *path, pp_variant force,
                          pp_variant gamma_default, MPI_Comm comm,
                          pp_wavecar *wc, pp_err *err) {
  return pp_wavecar_open_in(path, force, gamma_default, comm, NULL, wc, err);
}

pp_status pp_wavecar_open_in(const char *path, pp_variant force, pp_variant gamma_default, MPI_Comm comm,
                             pp_pool *scratch, pp_wavecar *wc, pp_err *err) {
  memset(wc, 0, sizeof *wc);
  snprintf(wc->path, sizeof wc->path, "%s", path);
  int rank;
  MPI_Comm_rank(comm, &rank);
  pp_status st = PP_OK;
  if (rank == 0) st = open_on_root(path, force, gamma_default, scratch, wc, err);
  st = pp_bcast_status(st, err, 0, comm);
  if (st != PP_OK) {
    pp_wavecar_free(wc);
    return st;
  }
  /* Scalars travel as bytes; the pointers are rebuilt on each rank. */
  pp_wavecar head = *wc;
  MPI_Bcast(&head, (int)sizeof head, MPI_BYTE, 0, comm);
  if (rank != 0) {
    *wc = head;
    wc->npw = NULL;
    wc->kfrac = NULL;
    wc->eig = wc->occ = NULL;
    st = alloc_arrays(wc, err);
  }
  st = pp_agree(st, err, comm);
  if (st != PP_OK) {
    pp_wavecar_free(wc);
    return st;
  }
  const int n = wc->nspin * wc->nkpts * wc->nbands;
  MPI_Bcast(wc->npw, wc->nkpts, MPI_INT64_T, 0, comm);
  MPI_Bcast(wc->kfrac, 3 * wc->nkpts, MPI_DOUBLE, 0, comm);
  MPI_Bcast(wc->eig, n, MPI_DOUBLE, 0, comm);
  MPI_Bcast(wc->occ, n, MPI_DOUBLE, 0, comm);
  return PP_OK;
}

void pp_wavecar_free(pp_wavecar *wc) {
  free(wc->npw);
  free(wc->kfrac);
  free(wc->eig);
  free(wc->occ);
  wc->npw = NULL;
  wc->kfrac = NULL;
  wc->eig = wc->occ = NULL;
}

/* One pass: widen (or copy) a record's coefficients and prove them finite.
 * A value is Inf or NaN exactly when its exponent bits are all set; OR-ing
 * that test over the record is an integer reduction the compiler
 * vectorises (omp simd), so the check costs nothing next to the copy. The caller
 * searches for the culprit only when the record is bad. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static int widen_checked(
    const char *rec, int coef_bytes, int64_t n, double complex *dst, double *sumsq) {
  double *d = (double *)dst, acc = 0.0;
  if (coef_bytes == 8) {
    const uint32_t *u = (const uint32_t *)(const void *)rec;
    const float *f = (const float *)(const void *)rec;
    uint32_t bad = 0;
#pragma omp simd reduction(| : bad) reduction(+ : acc)
    for (int64_t g = 0; g < 2 * n; g++) {
      bad |= (u[g] & 0x7f800000u) == 0x7f800000u;
      d[g] = (double)f[g];
      acc += d[g] * d[g];
    }
    *sumsq = acc;
    return !bad;
  }
  memcpy(dst, rec, (size_t)n * 16);
  const uint64_t *u = (const uint64_t *)(const void *)dst;
  uint64_t bad = 0;
#pragma omp simd reduction(| : bad) reduction(+ : acc)
  for (int64_t g = 0; g < 2 * n; g++) {
    bad |= (u[g] & 0x7ff0000000000000ull) == 0x7ff0000000000000ull;
    acc += d[g] * d[g];
  }
  *sumsq = acc;
  return !bad;
}

/* Widens n coefficients of band `band` (record rec, 0-based), the first
 * being coefficient g0 of the band; names the first bad one if any. */
static pp_status convert(const pp_wavecar *wc, const char *raw, int64_t n, double complex *dst,
                         int64_t g0, int s, int k, int band, int64_t rec, double *sumsq,
                         pp_err *err) {
  double ss;
  if (widen_checked(raw, wc->coef_bytes, n, dst, sumsq ? sumsq : &ss)) return PP_OK;
  int64_t g = 0;
  while (g < n && isfinite(creal(dst[g])) && isfinite(cimag(dst[g]))) g++;
  PP_FAIL(err, PP_ERR_FORMAT,
          "%s, record %lld (spin %d, k-point %d, band %d): coefficient %lld is not a finite "
          "number",
          wc->path, (long long)rec + 1, s + 1, k + 1, band + 1, (long long)(g0 + g) + 1);
}

pp_status pp_wavecar_read_piece(const pp_wavecar *wc, pp_bytesrc *src, int s, int k, int band,
                                int64_t g0, int64_t n, double complex *out, void *scratch,
                                double *sumsq, pp_err *err) {
  if (band < 0 || band >= wc->nbands || g0 < 0 || n < 0 || g0 + n > pp_wavecar_nstored(wc, k))
    PP_FAIL(err, PP_ERR_INTERNAL, "pp_wavecar_read_piece: bad arguments");
  const int64_t r = pp_wavecar_brec(wc, s, k, band);
  char what[160];
  snprintf(what, sizeof what, "record %lld (spin %d, k-point %d, band %d)", (long long)r + 1,
           s + 1, k + 1, band + 1);
  PP_CALL(pp_bytesrc_read(src, pp_wavecar_offset(wc, r) + g0 * wc->coef_bytes, scratch,
                          (size_t)(n * wc->coef_bytes), what, err));
  return convert(wc, scratch, n, out, g0, s, k, band, r, sumsq, err);
}

pp_status pp_wavecar_read_bands(const pp_wavecar *wc, pp_bytesrc *src, int s,
                                int k, int b0, int nb, double complex *out,
                                int64_t ld, void *scratch,
                                size_t scratch_bytes, pp_err *err) {
  const int64_t nst = pp_wavecar_nstored(wc, k);
  if (ld < nst || b0 < 0 || nb < 0 || b0 + nb > wc->nbands || scratch_bytes < (size_t)wc->reclen)
    PP_FAIL(err, PP_ERR_INTERNAL, "pp_wavecar_read_bands: bad arguments");
  const int per_chunk = (int)(scratch_bytes / (size_t)wc->reclen);
  const int64_t r0 = pp_wavecar_brec(wc, s, k, b0);
  for (int done = 0; done < nb;) {
    const int m = nb - done < per_chunk ? nb - done : per_chunk;
    char what[160];
    snprintf(what, sizeof what,
             "records %lld-%lld (spin %d, k-point %d, bands %d-%d)",
             (long long)(r0 + done + 1), (long long)(r0 + done + m), s + 1,
             k + 1, b0 + done + 1, b0 + done + m);
    /* The last record of a file may be short: read only what is used. */
    const size_t bytes = (size_t)(m - 1) * (size_t)wc->reclen +
                         (size_t)nst * (size_t)wc->coef_bytes;
    PP_CALL(pp_bytesrc_read(src, pp_wavecar_offset(wc, r0 + done), scratch,
                            bytes, what, err));
    for (int j = 0; j < m; j++)
      PP_CALL(convert(wc, (const char *)scratch + (size_t)j * (size_t)wc->reclen, nst,
                      out + (int64_t)(done + j) * ld, 0, s, k, b0 + done + j, r0 + done + j,
                      NULL, err));
    done += m;
  }
  return PP_OK;
}
