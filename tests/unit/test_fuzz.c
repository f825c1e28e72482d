/* Deterministic mutation fuzzing of the readers (run under ASan/UBSan in
 * the sanitizer build): every mutated input must give PP_OK or one error
 * message naming the file — never a crash, a hang or a silent garbage
 * result (a "successful" WAVECAR read must still satisfy the format).
 * Readers: POSCAR, WAVECAR, POTCAR, OUTCAR k-point weights. */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pawproj/io/kweights.h"
#include "pawproj/io/poscar.h"
#include "pawproj/io/potcar.h"
#include "pawproj/io/wavecar.h"
#include "pawproj/model/gvec.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static const char *poscar_seed =
    "Si7 vacancy\n 1.0\n 5.43 0 0\n 0 5.43 0\n 0 0 5.43\n Si Ge\n 2 1\nSelective dynamics\nDirect\n"
    " 0 0 0 T T T\n 0.25 0.25 0.25 F F F\n 0.5 0.5 0.0 T T T\n";

static void fuzz_poscar(void) {
  const size_t n = strlen(poscar_seed);
  char buf[1024];
  int ok = 0, bad = 0, unnamed = 0;
  for (int it = 0; it < 20000; it++) {
    memcpy(buf, poscar_seed, n + 1);
    const int muts = 1 + (int)(next() % 4);
    for (int m = 0; m < muts; m++) {
      const size_t at = next() % n;
      switch (next() % 4) {
        case 0: buf[at] = (char)(next() % 256 ? next() % 256 : 1); break;
        case 1: buf[at] = "0123456789.-eE \n"[next() % 16]; break;
        case 2: buf[at] = '\0'; break;
        default: memmove(buf + at, buf + at + 1, n - at); break;
      }
    }
    pp_err e;
    pp_err_clear(&e);
    pp_structure s;
    pp_status st = pp_poscar_parse(buf, "fuzz.vasp", &s, &e);
    if (st == PP_OK) {
      ok++;
      int sane = s.natoms > 0 && s.nspecies > 0;
      for (int a = 0; a < s.natoms; a++)
        for (int j = 0; j < 3; j++) sane &= isfinite(s.frac[a][j]);
      CHECK(sane, "accepted POSCAR must be sane (iteration %d)", it);
      pp_structure_free(&s);
    } else {
      bad++;
      unnamed += !strstr(e.msg, "fuzz.vasp");
    }
  }
  CHECK(unnamed == 0, "%d POSCAR errors did not name the file", unnamed);
  CHECK(ok > 100 && bad > 100, "mutations exercise both paths (%d ok, %d rejected)", ok, bad);
}

/* A small valid WAVECAR: cubic 3 Å cell, ENCUT 100 eV, 2 k-points, 3 bands. */
static size_t make_wavecar(unsigned char **out) {
  const double lat[3][3] = {{3, 0, 0}, {0, 3, 0}, {0, 0, 3}};
  const double k[2][3] = {{0, 0, 0}, {0.25, 0, 0.5}};
  const int nb = 3, nk = 2;
  int64_t npw[2];
  pp_err e;
  pp_err_clear(&e);
  for (int i = 0; i < nk; i++) pp_gvec_generate(lat, 100, k[i], PP_VARIANT_STANDARD, NULL, 0, &npw[i], &e);
  const int64_t maxnpw = npw[0] > npw[1] ? npw[0] : npw[1];
  const size_t reclen = (size_t)(maxnpw > 13 ? maxnpw : 13) * 8;
  const size_t nrec = 2 + (size_t)nk * (nb + 1);
  unsigned char *f = calloc(nrec, reclen);
  double *r = (double *)f;
  r[0] = (double)reclen, r[1] = 1, r[2] = 45200;
  r = (double *)(f + reclen);
  r[0] = nk, r[1] = nb, r[2] = 100;
  for (int i = 0; i < 9; i++) r[3 + i] = lat[i / 3][i % 3];
  r[12] = 1.5;
  for (int i = 0; i < nk; i++) {
    double *h = (double *)(f + (2 + (size_t)i * (nb + 1)) * reclen);
    h[0] = (double)npw[i];
    for (int j = 0; j < 3; j++) h[1 + j] = k[i][j];
    for (int b = 0; b < nb; b++) h[4 + 3 * b] = b, h[6 + 3 * b] = b < 1;
    for (int b = 0; b < nb; b++) {
      float *c = (float *)(f + (3 + (size_t)i * (nb + 1) + b) * reclen);
      for (int64_t g = 0; g < 2 * npw[i]; g++) c[g] = (float)((next() % 2000) / 1000.0 - 1.0);
    }
  }
  *out = f;
  return nrec * reclen;
}

static void fuzz_wavecar(void) {
  unsigned char *good;
  const size_t n = make_wavecar(&good);
  unsigned char *buf = malloc(n);
  const char *path = "test_fuzz_WAVECAR.tmp";
  int ok = 0, bad = 0, unnamed = 0;
  for (int it = 0; it < 400; it++) {
    memcpy(buf, good, n);
    size_t len = n;
    const uint64_t kind = next() % 5;
    if (kind == 0) {
      len = next() % n; /* truncation */
    } else if (kind == 1) { /* a header double replaced by an odd value */
      static const double odd[] = {0, -1, 1e300, NAN, INFINITY, 2.5, 3, 45210, 53300, 1e9};
      const size_t slot = next() % 13, rec = next() % 3;
      double v = odd[next() % 10];
      memcpy(buf + rec * (size_t)((double *)good)[0] + slot * 8, &v, 8);
    } else {
      for (int m = 0; m < 1 + (int)(next() % 8); m++) buf[next() % 400] = (unsigned char)next();
    }
    FILE *f = fopen(path, "wb");
    fwrite(buf, 1, len, f);
    fclose(f);
    pp_err e;
    pp_err_clear(&e);
    pp_wavecar wc;
    pp_status st = pp_wavecar_open(path, PP_VARIANT_AUTO, PP_VARIANT_GAMMA_X, MPI_COMM_SELF, &wc, &e);
    if (st == PP_OK) {
      /* Accepted: every band must read or fail cleanly. */
      pp_bytesrc src;
      st = pp_bytesrc_open(path, &src, &e);
      void *scratch = malloc((size_t)wc.reclen);
      for (int s = 0; st == PP_OK && s < wc.nspin; s++)
        for (int k = 0; st == PP_OK && k < wc.nkpts; k++) {
          const int64_t ld = pp_wavecar_nstored(&wc, k);
          double complex *c = malloc(sizeof *c * (size_t)ld * (size_t)wc.nbands);
          st = pp_wavecar_read_bands(&wc, &src, s, k, 0, wc.nbands, c, ld, scratch, (size_t)wc.reclen, &e);
          free(c);
        }
      free(scratch);
      pp_bytesrc_close(&src);
      pp_wavecar_free(&wc);
    }
    if (st == PP_OK)
      ok++;
    else {
      bad++;
      unnamed += !strstr(e.msg, path);
    }
  }
  remove(path);
  CHECK(unnamed == 0, "%d WAVECAR errors did not name the file", unnamed);
  CHECK(ok > 10 && bad > 100, "mutations exercise both paths (%d ok, %d rejected)", ok, bad);
  free(buf);
  free(good);
}

/* A small valid POTCAR-layout dataset: one s projector, 8-point tables,
 * a 12-point radial grid. */
static size_t make_potcar(char *buf, size_t cap) {
  size_t n = (size_t)snprintf(buf, cap,
                              "  PAW_PBE Si 05Jan2001\n  4.0\n   TITEL  = PAW_PBE Si 05Jan2001\n"
                              "   POMASS = 28.085; ZVAL = 4.000 mass and valenz\n"
                              "   ENMAX = 245.345; ENMIN = 184.009 eV\n   RCORE = 1.900 radius\n"
                              "     12.0 T\n Non local Part\n  0  1  1.9\n  0.5\n"
                              " Reciprocal Space Part\n");
  for (int i = 0; i < 8; i++) n += (size_t)snprintf(buf + n, cap - n, "  %.6f", exp(-0.1 * i));
  n += (size_t)snprintf(buf + n, cap - n, "\n Real Space Part\n");
  for (int i = 0; i < 8; i++) n += (size_t)snprintf(buf + n, cap - n, "  %.6f", 1.0 - i / 8.0);
  n += (size_t)snprintf(buf + n, cap - n, "\n PAW radial sets\n  12  1.9\n grid\n");
  for (int i = 0; i < 12; i++) n += (size_t)snprintf(buf + n, cap - n, "  %.6E", 0.01 * exp(0.4 * i));
  for (int w = 0; w < 2; w++) {
    n += (size_t)snprintf(buf + n, cap - n, "\n %s wavefunction\n", w ? "ae" : "pseudo");
    for (int i = 0; i < 12; i++) n += (size_t)snprintf(buf + n, cap - n, "  %.6E", 0.1 * i * (1 + w));
  }
  n += (size_t)snprintf(buf + n, cap - n, "\n End of Dataset\n");
  return n;
}

/* Writes good (n bytes) to path with up to 3 random mutations (none in
 * iteration 0): a random byte, a byte from `alphabet`, a cut, a deletion.
 * buf holds at least n + 1 bytes. Returns 0 if the file cannot be written. */
static int write_mutant(const char *good, size_t n, char *buf, const char *alphabet, int it, const char *path) {
  memcpy(buf, good, n + 1);
  size_t len = n;
  const size_t na = strlen(alphabet);
  const int muts = it == 0 ? 0 : 1 + (int)(next() % 3);
  for (int m = 0; m < muts && len > 0; m++) {
    const size_t at = next() % len;
    switch (next() % 4) {
      case 0: buf[at] = (char)(1 + next() % 255); break;
      case 1: buf[at] = alphabet[next() % na]; break;
      case 2: len = at; buf[len] = '\0'; break;
      default: memmove(buf + at, buf + at + 1, len - at), len--; break;
    }
  }
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL, "cannot write %s", path);
  if (!f) return 0;
  fwrite(buf, 1, len, f);
  fclose(f);
  return 1;
}

static void fuzz_potcar(void) {
  char good[4096], buf[4096];
  const size_t n = make_potcar(good, sizeof good);
  const char *path = "fuzz_POTCAR.tmp";
  int ok = 0, bad = 0, unnamed = 0;
  for (int it = 0; it < 3000; it++) {
    if (!write_mutant(good, n, buf, "0123456789.-eED \n", it, path)) return;
    pp_err e;
    pp_err_clear(&e);
    pp_pawdata *sets = NULL;
    int nsets = 0;
    if (pp_potcar_read(path, &sets, &nsets, &e) == PP_OK) {
      ok++;
      int sane = nsets >= 1;
      for (int i = 0; i < nsets; i++) {
        sane &= sets[i].nj >= 1 && sets[i].ng >= 8 && sets[i].nqtab >= 4;
        pp_pawdata_free(&sets[i]);
      }
      CHECK(sane, "accepted POTCAR must be sane (iteration %d)", it);
      free(sets);
    } else {
      bad++;
      unnamed += !strstr(e.msg, path);
    }
  }
  remove(path);
  CHECK(unnamed == 0, "%d POTCAR errors did not name the file", unnamed);
  CHECK(ok > 10 && bad > 100, "mutations exercise both paths (%d ok, %d rejected)", ok, bad);
}

/* The part of an OUTCAR the weights come from, for 2 k-points. */
static const char *outcar_seed =
    " k-points in units of 2pi/SCALE and weight: Auto\n"
    "   0.00000000  0.00000000  0.00000000       0.250\n"
    "   0.08333333  0.00000000  0.16666667       0.750\n\n"
    " k-points in reciprocal lattice and weights: Auto\n"
    "   0.00000000  0.00000000  0.00000000       0.250\n"
    "   0.25000000  0.00000000  0.50000000       0.750\n\n"
    " position of ions in fractional coordinates (direct lattice)\n";

static void fuzz_outcar_weights(void) {
  static const double kfrac[2][3] = {{0, 0, 0}, {0.25, 0, 0.5}};
  const size_t n = strlen(outcar_seed);
  char buf[1024];
  const char *path = "fuzz_OUTCAR.tmp";
  int ok = 0, bad = 0, unnamed = 0;
  for (int it = 0; it < 3000; it++) {
    if (!write_mutant(outcar_seed, n, buf, "0123456789.-eE \n", it, path)) return;
    pp_err e;
    pp_err_clear(&e);
    double w[2] = {-1, -1};
    if (pp_kweights_outcar(path, 2, kfrac, w, &e) == PP_OK) {
      ok++;
      CHECK(w[0] > 0 && w[1] > 0 && fabs(w[0] + w[1] - 1) < 1e-12,
            "accepted OUTCAR weights must be > 0 and sum 1 (iteration %d: %g %g)", it, w[0], w[1]);
    } else {
      bad++;
      unnamed += !strstr(e.msg, path);
    }
  }
  remove(path);
  CHECK(unnamed == 0, "%d OUTCAR errors did not name the file", unnamed);
  CHECK(ok > 10 && bad > 100, "mutations exercise both paths (%d ok, %d rejected)", ok, bad);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  fuzz_poscar();
  fuzz_wavecar();
  fuzz_potcar();
  fuzz_outcar_weights();
  const int rc = CHECK_DONE("test_fuzz");
  MPI_Finalize();
  return rc;
}
