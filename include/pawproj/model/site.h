/* site.h — a place where PAW terms are evaluated: an atom's position, its
 * species and what is projected there. Shared by the reciprocal-space
 * (projector.h) and real-space (rsproj.h) projections. */
#ifndef PAWPROJ_SITE_H
#define PAWPROJ_SITE_H

/* What is projected at a site. */
typedef enum { PP_SITE_PROJ, PP_SITE_DIFF } pp_site_kind;

typedef struct pp_site {
  double frac[3];       /* position, fractional */
  int species;          /* index into paw->data */
  pp_site_kind kind;    /* projectors p̃ or differences φ − φ̃ */
} pp_site;

#endif
