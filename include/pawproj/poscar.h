/* poscar.h — VASP POSCAR / CONTCAR reader.
 *
 * Accepts VASP 5 files (species line present) and VASP 4 files (no species
 * line; species then come from the title line if it lists exactly the right
 * number of names, else they are "X1", "X2", ...). Handles the universal
 * scale factor (negative = target volume), "Selective dynamics", Direct and
 * Cartesian coordinates. Velocities and predictor blocks after the
 * positions are ignored. Every failure names file and line.
 */
#ifndef PAWPROJ_POSCAR_H
#define PAWPROJ_POSCAR_H

#include "pawproj/error.h"

#define PP_SPECIES_NAME 16

typedef struct pp_structure {
  char title[128];          /* first line, trimmed */
  double lattice[3][3];     /* rows = lattice vectors, Å, scale applied */
  int nspecies;             /* number of species */
  char (*species)[PP_SPECIES_NAME]; /* species names, (nspecies) */
  int *count;               /* atoms per species, (nspecies) */
  int natoms;               /* total atoms */
  int *type;                /* species index of each atom, (natoms) */
  double (*frac)[3];        /* fractional positions, (natoms, 3) */
} pp_structure;

/* Reads path into s (allocating its arrays). */
pp_status pp_poscar_read(const char *path, pp_structure *s, pp_err *err);

/* Parses POSCAR text already in memory; `name` is used in messages. */
pp_status pp_poscar_parse(const char *text, const char *name, pp_structure *s,
                          pp_err *err);

/* Frees the arrays of s and zeroes it. */
void pp_structure_free(pp_structure *s);

#endif
