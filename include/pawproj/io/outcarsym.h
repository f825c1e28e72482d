/* outcarsym.h — which symmetry a VASP run used, as its OUTCAR says
 * (issue 11 point 1; shown and checked by `pawproj info`).
 *
 * What is read (VASP 5.2 – 6.x; the first HEAD_LINES lines only, where VASP
 * prints its symmetry analysis before the first electronic step):
 *   - the parameter line "ISYM   =      2    0-nonsym 1-usesym 2-fastsym"
 *     (the last "ISYM =" line wins: VASP 6 also echoes the INCAR as
 *     "ISYM = 0        default is 1" near the top);
 *   - "Found  N space group operations": the final count is the one of
 *     "Subroutine INISYM returns: Found N ..." (VASP 5.4+, 6); without it
 *     the last such line (VASP 5.2: "Subroutine DYNSYM returns: Found ...");
 *   - "(whereof  M operations are pure point group operations)";
 *   - "and found [also]  T 'primitive' translations" (a supercell of T
 *     primitive cells; VASP counts the operations of the primitive cell, so
 *     the supercell has N·T, which is what spglib returns);
 *   - "The <static|dynamic|magnetic|(compounded)> configuration has the
 *     point symmetry C_2h." (last one) and "The point group associated
 *     with its full space group is D_2h.";
 *   - "All symmetrisations will be switched off" / "NOSYMM:" (ISYM = 0).
 * With ISYM ≤ 0 VASP uses the identity alone, whatever else it printed.
 *
 * A line that has the anchor text but no valid number is malformed: one
 * error naming the file and the line. Counts are checked: 1 ≤ N ≤ 48 (the
 * operations of a primitive cell are at most the 48 of O_h), 0 ≤ M ≤ N,
 * 1 ≤ T ≤ 1e6, −1 ≤ ISYM ≤ 3. An OUTCAR that says nothing about symmetry
 * is not an error (found = 0).
 */
#ifndef PAWPROJ_OUTCARSYM_H
#define PAWPROJ_OUTCARSYM_H

#include "pawproj/core/error.h"

#define PP_ISYM_UNKNOWN (-99)

typedef struct pp_outcar_sym {
  int found;            /* 1: ISYM or an operation count was read */
  int isym;             /* ISYM of the run, PP_ISYM_UNKNOWN if not printed */
  int isym_line;        /* its line (1-based), 0 if none */
  int nops;             /* space group operations of the primitive cell VASP found; 0: none printed */
  int nops_line;        /* the line of that count */
  char nops_from[16];   /* "INISYM", "DYNSYM", "GETGRP" or "" (the routine that printed it) */
  int npure;            /* of which pure point-group operations, -1 if not printed */
  int ntrans;           /* 'primitive' translations (1 if not printed) */
  int ntrans_printed;   /* 1 if the translations line was read */
  char pointgroup[16];  /* e.g. "C_2h", "" if not printed */
  char fullgroup[16];   /* point group of the full space group, e.g. "D_2h", "" */
  char config[16];      /* "static", "dynamic", "magnetic", "(compounded)", "" */
  int nosym;            /* 1: VASP said symmetrisation is switched off */
  int used;             /* operations VASP used in the cell of the run: 1 for ISYM <= 0 or nosym, else nops·ntrans; 0 unknown */
} pp_outcar_sym;

/* Reads path (an OUTCAR) as above into o. Fails if the file cannot be
 * opened or a symmetry line is malformed (message: "PATH, line N: ..."). */
pp_status pp_outcar_sym_read(const char *path, pp_outcar_sym *o, pp_err *err);

#endif
