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

#include "pawproj/core/error.h"
#include "pawproj/model/structure.h"

/* Reads path into s (allocating its arrays). */
pp_status pp_poscar_read(const char *path, pp_structure *s, pp_err *err);

/* Parses POSCAR text already in memory; `name` is used in messages. */
pp_status pp_poscar_parse(const char *text, const char *name, pp_structure *s,
                          pp_err *err);


#endif
