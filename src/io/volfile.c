/* volfile.c — streamed VASP volumetric and Gaussian cube files (see
 * volfile.h). */
#include "pawproj/io/volfile.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pawproj/core/agree.h"
#include "pawproj/core/interrupt.h"
#include "pawproj/core/numfmt.h"
#include "pawproj/model/lattice.h"

#include "pawproj/core/units.h"
#define PER_LINE 5

static void poscar_header(FILE *f, const char *title, const pp_structure *st) {
  fprintf(f, "%s\n   1.00000000000000\n", title);
  for (int i = 0; i < 3; i++)
    fprintf(f, "  %20.14f %20.14f %20.14f\n", st->lattice[i][0], st->lattice[i][1], st->lattice[i][2]);
  for (int s = 0; s < st->nspecies; s++) fprintf(f, " %4s", st->species[s]);
  fprintf(f, "\n");
  for (int s = 0; s < st->nspecies; s++) fprintf(f, " %4d", st->count[s]);
  fprintf(f, "\nDirect\n");
  for (int a = 0; a < st->natoms; a++)
    fprintf(f, "  %18.14f %18.14f %18.14f\n", st->frac[a][0], st->frac[a][1], st->frac[a][2]);
}

/* The agreed status st: rank 0 renames PATH.partial to PATH on success and
 * removes it otherwise, so no file that looks complete is left half-written. */
static pp_status finish(const pp_rgrid *g, const char *partial, int tracked, const char *path, pp_status st,
                        pp_err *err) {
  if (g->rank == 0) {
    if (st == PP_OK && rename(partial, path) != 0)
      st = pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: cannot rename to %s", partial, path);
    if (st != PP_OK) remove(partial);
  }
  pp_interrupt_untrack(tracked);
  return pp_agree(st, err, g->comm);
}

pp_status pp_volfile_vasp(const char *path, const char *title, const pp_structure *st, const pp_rgrid *g,
                          const double *vals, pp_err *err) {
  char partial[4200];
  snprintf(partial, sizeof partial, "%s.partial", path);
  const int tracked = pp_interrupt_track(partial);
  int ok = 1;
  /* Token ring in z order: rank r appends after rank r − 1. */
  if (g->rank > 0) MPI_Recv(&ok, 1, MPI_INT, g->rank - 1, 77, g->comm, MPI_STATUS_IGNORE);
  if (ok) {
    FILE *f = fopen(partial, g->rank == 0 ? "w" : "a");
    if (!f) {
      ok = 0;
      pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: cannot write", partial);
    } else {
      if (g->rank == 0) {
        poscar_header(f, title, st);
        fprintf(f, "\n %5d %5d %5d\n", g->n[0], g->n[1], g->n[2]);
      }
      const long long first = (long long)g->z0 * g->n[0] * g->n[1];
      const long long total = (long long)g->n[0] * g->n[1] * g->n[2];
      const ptrdiff_t nloc = pp_rgrid_local(g);
      /* Formatted by pp_fmt_e (what printf's " %18.11E" writes, at a
       * fraction of its cost) into a buffer written in large pieces. */
      char line[1 << 16];
      size_t used = 0;
      int short_write = 0;
      for (ptrdiff_t i = 0; i < nloc; i++) {
        const long long gi = first + i;
        line[used++] = ' ';
        used += (size_t)pp_fmt_e(line + used, vals[i], 11, 18);
        if ((gi + 1) % PER_LINE == 0 || gi + 1 == total) line[used++] = '\n';
        if (used > sizeof line - 2 * PP_FMT_E_MAX) {
          short_write |= fwrite(line, 1, used, f) != used;
          used = 0;
        }
      }
      short_write |= fwrite(line, 1, used, f) != used;
      if ((fclose(f) != 0) | short_write) {
        ok = 0;
        pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: write failed (disk full?)", partial);
      }
    }
  }
  if (g->rank + 1 < g->size) MPI_Send(&ok, 1, MPI_INT, g->rank + 1, 77, g->comm);
  return finish(g, partial, tracked, path, pp_agree(ok ? PP_OK : PP_ERR_IO, err, g->comm), err);
}

/* Nuclear charge of an element symbol (POSCAR species may carry suffixes
 * such as "Si_pv" or "Mo1": the leading letters count). 0 if unknown. */
static int atomic_number(const char *species) {
  static const char *const sym[] = {
      "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si", "P",  "S",  "Cl", "Ar",
      "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr",
      "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe",
      "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf",
      "Ta", "W",  "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th",
      "Pa", "U",  "Np", "Pu"};
  char e[3] = {0};
  if (!isalpha((unsigned char)species[0])) return 0;
  e[0] = (char)toupper((unsigned char)species[0]);
  if (islower((unsigned char)species[1])) e[1] = species[1];
  for (size_t z = 0; z < sizeof sym / sizeof *sym; z++)
    if (!strcmp(sym[z], e)) return (int)z + 1;
  return 0;
}

pp_status pp_volfile_cube(const char *path, const char *title, const pp_structure *st, const pp_rgrid *g,
                          const double *vals, pp_err *err) {
  const int *n = g->n;
  char partial[4200];
  snprintf(partial, sizeof partial, "%s.partial", path);
  const int tracked = pp_interrupt_track(partial);
  FILE *f = NULL;
  int ok = 1;
  double *plane = NULL; /* one x-plane, (ny, nz), on rank 0 */
  int *counts = NULL, *displs = NULL;
  double *mine = malloc(sizeof *mine * ((size_t)g->nzl * n[1] + 1));
  if (!mine) ok = 0;
  if (g->rank == 0) {
    plane = malloc(sizeof *plane * (size_t)n[1] * n[2]);
    counts = malloc(sizeof *counts * (size_t)g->size);
    displs = malloc(sizeof *displs * (size_t)g->size);
    f = fopen(partial, "w");
    if (!plane || !counts || !displs || !f) ok = 0;
  }
  pp_status st_ = pp_agree(ok ? PP_OK : PP_ERR_IO, err, g->comm);
  if (st_ != PP_OK && g->rank == 0 && err->msg[0] == '\0')
    pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: cannot write (or out of memory)", partial);
  int nzl = (int)g->nzl, z0 = (int)g->z0;
  int *zl = NULL, *zs = NULL;
  if (st_ == PP_OK) {
    if (g->rank == 0) {
      zl = malloc(sizeof *zl * (size_t)g->size * 2);
      zs = zl ? zl + g->size : NULL;
    }
    MPI_Gather(&nzl, 1, MPI_INT, zl, 1, MPI_INT, 0, g->comm);
    MPI_Gather(&z0, 1, MPI_INT, zs, 1, MPI_INT, 0, g->comm);
  }
  if (st_ == PP_OK && g->rank == 0) {
    fprintf(f, "%s\n pawproj cube file: Bohr, values as in the VASP file; z runs fastest\n", title);
    fprintf(f, "%5d %12.6f %12.6f %12.6f\n", st->natoms, 0.0, 0.0, 0.0);
    for (int i = 0; i < 3; i++)
      fprintf(f, "%5d %12.6f %12.6f %12.6f\n", n[i], st->lattice[i][0] / n[i] / PP_BOHR_A,
              st->lattice[i][1] / n[i] / PP_BOHR_A, st->lattice[i][2] / n[i] / PP_BOHR_A);
    for (int a = 0; a < st->natoms; a++) {
      double r[3];
      pp_lat_frac_to_cart(st->lattice, st->frac[a], r);
      const int z = atomic_number(st->species[st->type[a]]);
      fprintf(f, "%5d %12.6f %12.6f %12.6f %12.6f\n", z, (double)z, r[0] / PP_BOHR_A, r[1] / PP_BOHR_A, r[2] / PP_BOHR_A);
    }
    for (int r = 0; r < g->size; r++) counts[r] = zl[r] * n[1], displs[r] = r ? displs[r - 1] + counts[r - 1] : 0;
  }
  for (int x = 0; st_ == PP_OK && x < n[0]; x++) {
    /* my part of plane x as [z][y] */
    for (int z = 0; z < nzl; z++)
      for (int y = 0; y < n[1]; y++) mine[(size_t)z * n[1] + y] = vals[((size_t)z * n[1] + y) * n[0] + x];
    MPI_Gatherv(mine, nzl * n[1], MPI_DOUBLE, plane, counts, displs, MPI_DOUBLE, 0, g->comm);
    if (g->rank == 0) {
      /* plane holds [z][y] in rank (= z) order; the file wants y outer, z inner. */
      char num[PP_FMT_E_MAX];
      for (int y = 0; y < n[1]; y++)
        for (int z = 0; z < n[2]; z++) {
          pp_fmt_e(num, plane[(size_t)z * n[1] + y], 6, 13);
          fprintf(f, " %s%s", num, (z % 6 == 5 || z == n[2] - 1) ? "\n" : "");
        }
    }
  }
  if (g->rank == 0 && f && fclose(f) != 0) ok = 0;
  free(mine);
  free(plane);
  free(counts);
  free(displs);
  free(zl);
  if (st_ == PP_OK && !ok) st_ = pp_fail_at(err, PP_ERR_IO, __FILE__, __LINE__, "%s: write failed", partial);
  return finish(g, partial, tracked, path, pp_agree(st_, err, g->comm), err);
}
