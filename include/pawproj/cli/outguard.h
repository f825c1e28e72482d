/* outguard.h — outputs never destroy inputs.
 *
 * Every command calls pp_outguard_check right after reading its options and
 * before it opens anything (inputs or outputs). It refuses, with one
 * message naming the option and the file, a run in which
 *   - an output option (--json, --h5, --output/-o) names a file that is an
 *     input of the same run, compared by file identity (device + inode), so
 *     "DIR/WAVECAR", "./DIR/../DIR/WAVECAR", symlinks and hard links are one
 *     file;
 *   - a stem output (--output of density and state, which writes STEM,
 *     STEM.h5, STEM.cube, STEM_REAL.vasp, ...) shares its directory with an
 *     input named STEM, STEM.* or STEM_*;
 *   - an output lies in a directory that does not exist or cannot be
 *     written (found here, before any work, not when the result is ready);
 *   - an output names an existing directory or a symbolic link (renaming
 *     the finished file would replace the link), or two outputs name one
 *     file;
 *   - an HDF5 or stem output names a stream (a device, a FIFO: outfile.h);
 *     --json may, and is then written in place.
 * The inputs of a run are its positional arguments and the values of
 * --bulk / --defect / --ref (a WAVECAR file, or a run directory) and of every run
 * of --defects (defectlist.h, wildcards expanded), with the files
 * pawproj may read beside them (WAVECAR*, CONTCAR, POSCAR, POTCAR, OUTCAR,
 * vasprun.xml, IBZKPT, KPOINTS, INCAR and PAW datasets: *.xml, *.xml.gz,
 * *.PBE, *.PBE.gz, *.LDA, *.LDA.gz), the value of --datasets (a file, a
 * directory: every dataset-like file in it, or Sym=FILE,...), and the
 * --input file. "-" (stdout) is never an input.
 *
 * So that a new path option cannot bypass the check, an option whose
 * metavar is FILE, DIR, PREFIX or SPEC and that this module does not know
 * is an internal error. Collective over ctx->world: every rank checks, and
 * all return the same verdict.
 */
#ifndef PAWPROJ_OUTGUARD_H
#define PAWPROJ_OUTGUARD_H

#include "pawproj/cli/args.h"
#include "pawproj/core/ctx.h"
#include "pawproj/core/error.h"

pp_status pp_outguard_check(const pp_ctx *ctx, const pp_optdef *defs, const pp_args *a, pp_err *err);

#endif
