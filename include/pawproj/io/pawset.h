/* pawset.h — finding and loading the PAW dataset of every species.
 *
 * --datasets takes "Si=FILE,Ga=FILE" (one PAW-XML file per species), a
 * POTCAR file (potcar.h; one dataset per species in POSCAR order), or a
 * directory: its POTCAR if it has one, else it is searched for <Sym>.xml,
 * <Sym>.xml.gz, dataset_<Sym>.xml, <Sym>.PBE.gz, <Sym>.PBE, <Sym>.LDA.gz
 * (GPAW's gpaw-data layout). Every species of the structure must be
 * found, and each dataset's element must be the species' element;
 * otherwise one message lists what is missing or disagrees.
 */
#ifndef PAWPROJ_PAWSET_H
#define PAWPROJ_PAWSET_H

#include "pawproj/core/error.h"
#include "pawproj/model/pawdata.h"
#include "pawproj/model/structure.h"

typedef struct pp_pawset {
  int n;              /* species */
  pp_pawdata *data;   /* one per species, (n) */
  const pp_pawdata **ptr; /* data[i] addresses, for pp_paw_setup */
} pp_pawset;

pp_status pp_pawset_load(const char *spec, const pp_structure *st, pp_pawset *set, pp_err *err);
void pp_pawset_free(pp_pawset *set);

#endif
