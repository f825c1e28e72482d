/* structure.h — a crystal structure: lattice, species and atoms. The noun
 * every layer above the model shares (readers fill it: poscar.h; sites,
 * projectors and writers use it). */
#ifndef PAWPROJ_STRUCTURE_H
#define PAWPROJ_STRUCTURE_H

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
  int unnamed;              /* 1: the file named no species (VASP 4), they are X1, X2, ... */
} pp_structure;

/* Frees the arrays of s and zeroes it. */
void pp_structure_free(pp_structure *s);

#endif
