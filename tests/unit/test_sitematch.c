/* Site matching (model/sitematch.h) on hand-built structures: itself, a
 * vacancy, an atom moved beyond / within the tolerance, the periodic
 * boundary, species by name (not by index), one match per atom; and the
 * minimum-image distance against a brute-force search over images. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "pawproj/model/sitematch.h"

/* A cubic cell of side a. */
static void fx_cubic(fixture *f, double a, int nspecies, const char *sp0, const char *sp1) {
  const double lat[3][3] = {{a, 0, 0}, {0, a, 0}, {0, 0, a}};
  fx_init(f, lat, nspecies, sp0, sp1);
}

/* Conventional diamond cell, 8 atoms of one species. */
static const double diamond[8][3] = {{0, 0, 0},          {0.5, 0.5, 0},   {0.5, 0, 0.5},
                                     {0, 0.5, 0.5},      {0.25, 0.25, 0.25}, {0.75, 0.75, 0.25},
                                     {0.75, 0.25, 0.75}, {0.25, 0.75, 0.75}};
#define A_SI 5.43
#define TOL 0.02

static void fx_diamond(fixture *f) {
  fx_cubic(f, A_SI, 1, "Si", NULL);
  for (int i = 0; i < 8; i++) fx_add(f, 0, diamond[i][0], diamond[i][1], diamond[i][2]);
}

static void test_self(void) {
  fixture b;
  fx_diamond(&b);
  pp_sitematch m;
  pp_err e;
  pp_err_clear(&e);
  CHECK(pp_sitematch_build(&b.s, &b.s, TOL, &m, &e) == PP_OK, "self: %s", e.msg);
  int ok = m.nb == 8 && m.nd == 8 && m.nmatched == 8;
  for (int i = 0; i < 8; i++) ok &= m.b2d[i] == i && m.d2b[i] == i && fabs(m.dist[i]) < 1e-12;
  CHECK(ok, "bulk vs itself: all 8 matched to themselves at distance 0 (%d matched)", m.nmatched);
  pp_sitematch_free(&m);
}

static void test_vacancy(void) {
  fixture b, d;
  fx_diamond(&b);
  fx_cubic(&d, A_SI, 1, "Si", NULL);
  /* Atom 3 removed; the defect lists the others in a shuffled order. */
  const int order[7] = {7, 0, 5, 1, 6, 2, 4};
  for (int i = 0; i < 7; i++) fx_add(&d, 0, diamond[order[i]][0], diamond[order[i]][1], diamond[order[i]][2]);
  pp_sitematch m;
  pp_err e;
  pp_err_clear(&e);
  CHECK(pp_sitematch_build(&b.s, &d.s, TOL, &m, &e) == PP_OK, "vacancy: %s", e.msg);
  CHECK(m.nmatched == 7, "vacancy: 7 matched (%d)", m.nmatched);
  CHECK(m.b2d[3] == -1 && m.dist[3] == -1, "vacancy: bulk atom 3 unmatched (b2d %d)", m.b2d[3]);
  int ok = 1;
  for (int i = 0; i < 7; i++) ok &= m.d2b[i] == order[i] && m.b2d[order[i]] == i;
  CHECK(ok, "vacancy: every other atom matched to its own site");
  pp_sitematch_free(&m);
}

static void test_moved(void) {
  fixture b, d;
  fx_diamond(&b);
  fx_diamond(&d);
  /* Atom 5 moved by 0.1 Å along z (> tol), atom 2 by 0.01 Å along x
   * (< tol): distances 0.1 and 0.01 Å in the cubic cell. */
  d.frac[5][2] += 0.1 / A_SI;
  d.frac[2][0] += 0.01 / A_SI;
  pp_sitematch m;
  pp_err e;
  pp_err_clear(&e);
  CHECK(pp_sitematch_build(&b.s, &d.s, TOL, &m, &e) == PP_OK, "moved: %s", e.msg);
  CHECK(m.nmatched == 7, "moved: 7 matched (%d)", m.nmatched);
  CHECK(m.b2d[5] == -1 && m.d2b[5] == -1, "atom moved 0.1 Å unmatched on both sides (%d, %d)", m.b2d[5],
        m.d2b[5]);
  CHECK(m.b2d[2] == 2 && m.d2b[2] == 2 && fabs(m.dist[2] - 0.01) < 1e-9,
        "atom moved 0.01 Å still matched, distance %.6f Å", m.dist[2]);
  pp_sitematch_free(&m);
  /* Tolerance is a distance: 0.1 Å matches with tol 0.15. */
  pp_err_clear(&e);
  CHECK(pp_sitematch_build(&b.s, &d.s, 0.15, &m, &e) == PP_OK && m.nmatched == 8 && m.b2d[5] == 5 &&
            fabs(m.dist[5] - 0.1) < 1e-9,
        "tol 0.15 Å: the 0.1 Å move matches (%d matched)", m.nmatched);
  pp_sitematch_free(&m);
}

static void test_boundary(void) {
  fixture b, d;
  fx_cubic(&b, 5.0, 1, "Si", NULL);
  fx_cubic(&d, 5.0, 1, "Si", NULL);
  fx_add(&b, 0, 0.999, 0.5, 0.0005);
  fx_add(&b, 0, 0.5, 0.5, 0.5);
  fx_add(&d, 0, 0.5, 0.5, 0.5);
  fx_add(&d, 0, 0.001, 0.5, 0.9995);
  /* |Δ| = (0.002·5, 0, 0.001·5) Å = (0.01, 0, 0.005): √1.25e-4 Å. */
  const double want = sqrt(0.01 * 0.01 + 0.005 * 0.005);
  const double dist = pp_periodic_distance(b.s.lattice, b.frac[0], d.frac[1]);
  CHECK(fabs(dist - want) < 1e-12, "0.999 vs 0.001 across the boundary: %.6f Å, expected %.6f", dist, want);
  pp_sitematch m;
  pp_err e;
  pp_err_clear(&e);
  CHECK(pp_sitematch_build(&b.s, &d.s, TOL, &m, &e) == PP_OK, "boundary: %s", e.msg);
  CHECK(m.nmatched == 2 && m.b2d[0] == 1 && m.b2d[1] == 0 && fabs(m.dist[0] - want) < 1e-12,
        "boundary: matched across the cell face (%d matched, b2d[0] %d)", m.nmatched, m.b2d[0]);
  pp_sitematch_free(&m);
}

static void test_species(void) {
  fixture b, d;
  fx_diamond(&b);
  /* Same positions; atom 4 is C. The defect lists C first, so species
   * indices differ from the bulk's: matching must go by name. */
  fx_cubic(&d, A_SI, 2, "C", "Si");
  for (int i = 0; i < 8; i++) fx_add(&d, i == 4 ? 0 : 1, diamond[i][0], diamond[i][1], diamond[i][2]);
  pp_sitematch m;
  pp_err e;
  pp_err_clear(&e);
  CHECK(pp_sitematch_build(&b.s, &d.s, TOL, &m, &e) == PP_OK, "species: %s", e.msg);
  int ok = m.nmatched == 7 && m.b2d[4] == -1 && m.d2b[4] == -1;
  for (int i = 0; i < 8; i++)
    if (i != 4) ok &= m.b2d[i] == i && m.d2b[i] == i;
  CHECK(ok, "substitution: the C on a Si site is unmatched on both sides, the rest match by name (%d)",
        m.nmatched);
  pp_sitematch_free(&m);
  /* Bulk with species index 0 = "Si" against a defect whose index 0 is
   * "Ge" at the same positions: nothing matches. */
  fixture g;
  fx_cubic(&g, A_SI, 1, "Ge", NULL);
  for (int i = 0; i < 8; i++) fx_add(&g, 0, diamond[i][0], diamond[i][1], diamond[i][2]);
  pp_err_clear(&e);
  CHECK(pp_sitematch_build(&b.s, &g.s, TOL, &m, &e) == PP_OK && m.nmatched == 0,
        "Si vs Ge at the same sites: none matched (%d)", m.nmatched);
  pp_sitematch_free(&m);
}

static void test_once(void) {
  /* Two defect atoms within tol of one bulk atom (0.012 and 0.005 Å
   * away): the bulk atom takes the closer one, the other stays unmatched. */
  fixture b, d;
  fx_cubic(&b, 5.0, 1, "Si", NULL);
  fx_cubic(&d, 5.0, 1, "Si", NULL);
  fx_add(&b, 0, 0.5, 0.5, 0.5);
  fx_add(&d, 0, 0.5 + 0.012 / 5.0, 0.5, 0.5);
  fx_add(&d, 0, 0.5, 0.5 - 0.005 / 5.0, 0.5);
  pp_sitematch m;
  pp_err e;
  pp_err_clear(&e);
  CHECK(pp_sitematch_build(&b.s, &d.s, TOL, &m, &e) == PP_OK, "once: %s", e.msg);
  CHECK(m.nmatched == 1 && m.b2d[0] == 1 && m.d2b[1] == 0 && m.d2b[0] == -1 && fabs(m.dist[0] - 0.005) < 1e-9,
        "one bulk atom, two candidates: the closer (0.005 Å) is taken (b2d %d, d2b %d %d)", m.b2d[0], m.d2b[0],
        m.d2b[1]);
  pp_sitematch_free(&m);
  /* The other way round: two bulk atoms 0.01 Å apart, one defect atom
   * between them (0.004 and 0.006 Å away). It is matched once: one bulk
   * atom gets it, the other stays unmatched. */
  fixture b2, d2;
  fx_cubic(&b2, 5.0, 1, "Si", NULL);
  fx_cubic(&d2, 5.0, 1, "Si", NULL);
  fx_add(&b2, 0, 0.5, 0.5, 0.5);
  fx_add(&b2, 0, 0.5 + 0.01 / 5.0, 0.5, 0.5);
  fx_add(&d2, 0, 0.5 + 0.004 / 5.0, 0.5, 0.5);
  pp_err_clear(&e);
  CHECK(pp_sitematch_build(&b2.s, &d2.s, TOL, &m, &e) == PP_OK, "once (bulk side): %s", e.msg);
  const int taker = m.b2d[0] == 0 ? 0 : m.b2d[1] == 0 ? 1 : -1;
  CHECK(m.nmatched == 1 && taker >= 0 && m.b2d[1 - taker] == -1 && m.d2b[0] == taker,
        "two bulk atoms, one defect atom: matched once (nmatched %d, b2d %d %d, d2b %d)", m.nmatched, m.b2d[0],
        m.b2d[1], m.d2b[0]);
  pp_sitematch_free(&m);
}

/* Minimum-image distance in a skewed cell against a brute force over
 * images −3..3 (far more than any of these cells needs). */
static double brute_distance(const double L[3][3], const double a[3], const double b[3]) {
  double best = INFINITY;
  for (int x = -3; x <= 3; x++)
    for (int y = -3; y <= 3; y++)
      for (int z = -3; z <= 3; z++) {
        const double f[3] = {b[0] - a[0] + x, b[1] - a[1] + y, b[2] - a[2] + z};
        double r2 = 0;
        for (int j = 0; j < 3; j++) {
          const double c = f[0] * L[0][j] + f[1] * L[1][j] + f[2] * L[2][j];
          r2 += c * c;
        }
        if (r2 < best) best = r2;
      }
  return sqrt(best);
}

static void test_skewed(void) {
  /* Monoclinic (β = 110°) and hexagonal cells, as VASP runs use. */
  const double mono[3][3] = {{5.0, 0, 0}, {0, 6.0, 0}, {7.0 * cos(110 * M_PI / 180), 0, 7.0 * sin(110 * M_PI / 180)}};
  const double hex[3][3] = {{3.2, 0, 0}, {-1.6, 1.6 * sqrt(3.0), 0}, {0, 0, 5.2}};
  const double (*cells[2])[3] = {mono, hex};
  unsigned seed = 12345;
  int bad = 0;
  double worst = 0;
  for (int c = 0; c < 2; c++)
    for (int t = 0; t < 2000; t++) {
      double a[3], b[3];
      for (int i = 0; i < 3; i++) {
        seed = seed * 1103515245u + 12345u;
        a[i] = (seed >> 8) / 16777216.0;
        seed = seed * 1103515245u + 12345u;
        b[i] = (seed >> 8) / 16777216.0 * 3 - 1; /* also outside [0, 1) */
      }
      const double got = pp_periodic_distance(cells[c], a, b), want = brute_distance(cells[c], a, b);
      if (fabs(got - want) > 1e-12) bad++, worst = fmax(worst, fabs(got - want));
    }
  CHECK(bad == 0, "%d of 4000 skewed-cell distances differ from the brute force (worst %.3g Å)", bad, worst);
}

int main(void) {
  test_self();
  test_vacancy();
  test_moved();
  test_boundary();
  test_species();
  test_once();
  test_skewed();
  return CHECK_DONE("test_sitematch");
}
