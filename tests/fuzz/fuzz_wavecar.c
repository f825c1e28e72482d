/* fuzz_wavecar — WAVECAR header and band records (io/wavecar, io/bytesrc;
 * a gzip input goes through the zlib stream). An accepted header must
 * satisfy the layout of wavecar.h; then every band record of every (spin,
 * k-point) is read, in chunks and as pieces, and must be finite or fail
 * cleanly. The variant found is then forced (must give the same header) and
 * another variant is forced (must fail or succeed cleanly). */
#include <complex.h>
#include <math.h>

#include "fuzz_common.h"
#include "pawproj/io/bytesrc.h"
#include "pawproj/io/wavecar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

FZ_DEFINE_INITIALIZE

static void check_header(const pp_wavecar *wc, size_t size) {
  FZ_REQUIRE(wc->reclen >= 104 && wc->reclen % 8 == 0, "reclen %lld", (long long)wc->reclen);
  FZ_REQUIRE(wc->nspin == 1 || wc->nspin == 2, "nspin %d", wc->nspin);
  FZ_REQUIRE(wc->rtag == 45200 || wc->rtag == 45210 || wc->rtag == 53300 || wc->rtag == 53310,
             "rtag %d", wc->rtag);
  FZ_REQUIRE(wc->coef_bytes == ((wc->rtag == 45210 || wc->rtag == 53310) ? 16 : 8), "coef_bytes");
  FZ_REQUIRE(wc->nkpts >= 1 && wc->nbands >= 1, "nkpts %d nbands %d", wc->nkpts, wc->nbands);
  FZ_REQUIRE(wc->khdr >= 1 && (int64_t)wc->khdr * wc->reclen >= 8 * (4 + 3 * (int64_t)wc->nbands),
             "khdr %d", wc->khdr);
  FZ_REQUIRE(wc->khdr == 1 || wc->rtag >= 53300, "khdr %d with rtag %d", wc->khdr, wc->rtag);
  FZ_REQUIRE(wc->encut > 0 && isfinite(wc->encut) && isfinite(wc->efermi), "encut/efermi");
  for (int i = 0; i < 9; i++) FZ_REQUIRE(isfinite(wc->lattice[i / 3][i % 3]), "lattice");
  FZ_REQUIRE(wc->variant != PP_VARIANT_AUTO, "variant left at auto");
  FZ_REQUIRE(wc->nspinor == (wc->variant == PP_VARIANT_NONCOLLINEAR ? 2 : 1), "nspinor");
  FZ_REQUIRE(fz_terminated(wc->variant_note, sizeof wc->variant_note), "variant_note");
  for (int k = 0; k < wc->nkpts; k++) {
    FZ_REQUIRE(wc->npw[k] >= 1 && pp_wavecar_nstored(wc, k) * wc->coef_bytes <= wc->reclen,
               "npw[%d] = %lld", k, (long long)wc->npw[k]);
    for (int i = 0; i < 3; i++) FZ_REQUIRE(isfinite(wc->kfrac[k][i]), "kfrac");
  }
  for (int s = 0; s < wc->nspin; s++)
    for (int k = 0; k < wc->nkpts; k++)
      for (int b = 0; b < wc->nbands; b++) {
        const int64_t i = pp_wavecar_idx(wc, s, k, b);
        FZ_REQUIRE(isfinite(wc->eig[i]) && wc->occ[i] >= -1e-3 && wc->occ[i] <= 1 + 1e-3,
                   "eig/occ");
      }
  const int64_t need = pp_wavecar_brec(wc, wc->nspin - 1, wc->nkpts - 1, wc->nbands) * wc->reclen;
  if (!wc->gzip) {
    FZ_REQUIRE(wc->file_size == (int64_t)size && need <= wc->file_size &&
                   wc->extra_bytes == wc->file_size - need,
               "size %lld, need %lld, extra %lld", (long long)wc->file_size, (long long)need,
               (long long)wc->extra_bytes);
  }
}

static void read_all(const pp_wavecar *wc, const char *path) {
  pp_err e;
  pp_err_clear(&e);
  pp_bytesrc src;
  pp_status st = pp_bytesrc_open(path, &src, &e);
  FZ_REQUIRE(st == PP_OK, "reopen: %s", e.msg);
  /* Two records per chunk exercises the chunked read. */
  const size_t scratch_bytes = 2 * (size_t)wc->reclen;
  void *scratch = malloc(scratch_bytes);
  FZ_REQUIRE(scratch, "out of memory");
  for (int s = 0; st == PP_OK && s < wc->nspin; s++)
    for (int k = 0; st == PP_OK && k < wc->nkpts; k++) {
      const int64_t ld = pp_wavecar_nstored(wc, k);
      double complex *c = malloc(sizeof *c * (size_t)ld * (size_t)wc->nbands);
      FZ_REQUIRE(c, "out of memory");
      st = pp_wavecar_read_bands(wc, &src, s, k, 0, wc->nbands, c, ld, scratch, scratch_bytes, &e);
      if (st == PP_OK) {
        for (int64_t i = 0; i < ld * wc->nbands; i++)
          FZ_REQUIRE(isfinite(creal(c[i])) && isfinite(cimag(c[i])), "non-finite coefficient");
        /* The second half of the last band, as a piece, must be the same. */
        const int b = wc->nbands - 1;
        const int64_t g0 = ld / 2, n = ld - g0;
        double complex *piece = malloc(sizeof *piece * (size_t)(n ? n : 1));
        double sumsq = -1;
        FZ_REQUIRE(piece, "out of memory");
        st = pp_wavecar_read_piece(wc, &src, s, k, b, g0, n, piece, scratch, &sumsq, &e);
        FZ_REQUIRE(st == PP_OK, "piece of a band that read whole: %s", e.msg);
        FZ_REQUIRE(sumsq >= 0, "sumsq %g", sumsq);
        FZ_REQUIRE(memcmp(piece, c + (int64_t)b * ld + g0, sizeof *piece * (size_t)n) == 0,
                   "piece differs from the band read whole");
        free(piece);
      }
      free(c);
    }
  if (st != PP_OK) fz_check_failure(st, &e, path);
  free(scratch);
  pp_bytesrc_close(&src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fz_write("WAVECAR", data, size);
  /* Which half a Gamma-only file is assumed to hold when the kinetic
   * energy cannot tell: vary it with the input. */
  const pp_variant gdef = size % 2 ? PP_VARIANT_GAMMA_Z : PP_VARIANT_GAMMA_X;
  pp_err e;
  pp_err_clear(&e);
  pp_wavecar wc;
  pp_status st = pp_wavecar_open(path, PP_VARIANT_AUTO, gdef, MPI_COMM_SELF, &wc, &e);
  if (st != PP_OK) {
    fz_check_failure(st, &e, path);
    FZ_REQUIRE(!wc.npw && !wc.eig, "arrays left after a failure");
    return 0;
  }
  check_header(&wc, size);
  read_all(&wc, path);
  /* Forcing the variant found must give the same header. */
  pp_wavecar w2;
  pp_err_clear(&e);
  st = pp_wavecar_open(path, wc.variant, gdef, MPI_COMM_SELF, &w2, &e);
  FZ_REQUIRE(st == PP_OK, "forcing the detected variant %s failed: %s", pp_variant_name(wc.variant),
             e.msg);
  FZ_REQUIRE(w2.nkpts == wc.nkpts && w2.nspinor == wc.nspinor && w2.npw[0] == wc.npw[0],
             "forced header differs");
  pp_wavecar_free(&w2);
  /* Another variant: accepted only as a Gamma half, else a clean failure. */
  static const pp_variant order[] = {PP_VARIANT_STANDARD, PP_VARIANT_GAMMA_X, PP_VARIANT_GAMMA_Z,
                                     PP_VARIANT_NONCOLLINEAR};
  const pp_variant other = order[(wc.variant + size) % 4];
  if (other != wc.variant) {
    pp_err_clear(&e);
    st = pp_wavecar_open(path, other, gdef, MPI_COMM_SELF, &w2, &e);
    if (st == PP_OK) {
      FZ_REQUIRE(pp_variant_is_gamma(other) && pp_variant_is_gamma(wc.variant),
                 "%s file accepted as %s", pp_variant_name(wc.variant), pp_variant_name(other));
      check_header(&w2, size);
      pp_wavecar_free(&w2);
    } else {
      fz_check_failure(st, &e, path);
    }
  }
  pp_wavecar_free(&wc);
  return 0;
}
