/* symreport.h — the symmetry summary `pawproj info` shows (issue 11 point 1):
 * the space group spglib finds for the run's structure, whether time
 * reversal applies, whether the k-point set is symmetry-reduced, and which
 * operations VASP used (OUTCAR) compared with spglib's.
 *
 * Nothing here fails the command except a malformed OUTCAR (outcarsym.h):
 * no structure, spglib finding nothing, a mesh that cannot be recovered or
 * a k-point set that is not the IBZ of spglib's group are reported in the
 * notes. Serial (one rank), no communication.
 *
 * The comparison. VASP counts the space-group operations of the primitive
 * cell and the 'primitive' translations separately; spglib lists every
 * operation of the cell it is given (a supercell's translations included),
 * so VASP's N·T is compared with spglib's count. With ISYM ≤ 0 VASP used
 * the identity alone and the k-points are the full set: nothing to compare
 * (PP_SYMCMP_NOT_USED). Fewer operations in VASP than in spglib usually
 * mean magnetic moments (MAGMOM) or noncollinear spins lowered the group
 * (VASP's "magnetic" / "(compounded)" configuration) or a tighter SYMPREC;
 * more mean a looser SYMPREC in VASP than --symprec. Either is a
 * mismatch: unfolding with spglib's operations would not fit the run.
 */
#ifndef PAWPROJ_SYMREPORT_H
#define PAWPROJ_SYMREPORT_H

#include <stdio.h>

#include "pawproj/core/json.h"
#include "pawproj/io/dataset.h"
#include "pawproj/io/outcarsym.h"
#include "pawproj/model/kunfold.h"

typedef enum {
  PP_SYMCMP_NONE = 0,   /* no OUTCAR, or it says nothing about symmetry, or no spglib group */
  PP_SYMCMP_MATCH,      /* VASP's N·T = spglib's count */
  PP_SYMCMP_MISMATCH,   /* they differ: warning */
  PP_SYMCMP_NOT_USED    /* ISYM <= 0: VASP used the identity alone */
} pp_symcmp;

typedef enum {
  PP_KSET_UNKNOWN = 0,  /* no mesh recovered or the points are not its IBZ (see knote) */
  PP_KSET_FULL,         /* the points are the whole mesh */
  PP_KSET_REDUCED       /* the points are the irreducible set of the mesh under spglib's group */
} pp_kset;

typedef struct pp_symreport {
  double symprec;          /* Å */
  int have_sym;            /* 1: spglib found the group (sym valid) */
  pp_symmetry sym;         /* spglib's operations of the run's structure */
  char symnote[1024];      /* why there is no group, if !have_sym */
  int time_reversal;       /* 1 collinear, 0 noncollinear */
  const char *tr_reason;   /* one phrase */
  /* k-points */
  int nkpts;               /* k-points of the WAVECAR */
  int have_mesh;           /* 1: pp_kmesh_recover found a mesh */
  pp_kmesh mesh;
  int nmesh;               /* points of the mesh */
  pp_kset kset;
  char knote[1024];        /* one sentence on the k-point set */
  /* VASP */
  int have_outcar;         /* 1: the run directory has an OUTCAR */
  char outcar[4096];       /* its path */
  pp_outcar_sym vasp;      /* what it says (valid if have_outcar) */
  pp_symcmp cmp;
  char cmpnote[6144];      /* the comparison in one sentence; for a mismatch, the warning */
} pp_symreport;

/* The summary of ds (its structure, k-points, spinors, and the OUTCAR in
 * its directory) within symprec (Å, > 0). Fails only on a malformed or
 * unreadable OUTCAR. */
pp_status pp_symreport_build(const pp_dataset *ds, double symprec, pp_symreport *r, pp_err *err);

/* "match", "mismatch", "ISYM <= 0", "not compared". */
const char *pp_symcmp_name(pp_symcmp c);
/* "symmetry-reduced", "full mesh", "unknown". */
const char *pp_kset_name(pp_kset k);

/* The summary as `info` lines on f ("space group", "time rev.",
 * "k-point set", "VASP used"). */
void pp_symreport_text(const pp_symreport *r, FILE *f);

/* The summary as the JSON object "symmetry" (keys: symprec_A, found,
 * spacegroup_number, spacegroup_symbol, nops, note, time_reversal,
 * time_reversal_reason, kpoints{nkpts, set, mesh, shift, nmesh, note},
 * vasp{outcar, isym, isym_line, nops_primitive, nops_line, routine,
 * pure_point_ops, primitive_translations, nops_used, point_group,
 * full_point_group, configuration} or null without an OUTCAR,
 * comparison, comparison_note, warning (the note for a mismatch, else null)). */
void pp_symreport_json(pp_json *j, const pp_symreport *r);

void pp_symreport_free(pp_symreport *r);

#endif
