/* The k-point group × band group layout (par/layout.h), checked against
 * arithmetic written here from the header's rules, never against the
 * layout code's own output:
 *   - band slices of a group are contiguous, disjoint, cover every band
 *     and differ in size by at most one;
 *   - blocked slices (ScaLAPACK's block distribution, what a 1 × p BLACS
 *     grid with block ceil(n/p) holds: numroc's rule) tile the bands in
 *     rank order, ceil(n/p) each until the bands run out;
 *   - (spin, k) items are dealt round-robin: item i belongs to group
 *     i mod nkgroups, so exactly one group owns it;
 *   - --kgroups is honoured when it divides the rank count and does not
 *     exceed the items, and refused with a message naming it otherwise;
 *   - the automatic choice minimises the largest per-rank share
 *     ceil(items/g) · ceil(bands/(ranks/g)), more groups on a tie.
 * One process (as ctest runs it) checks every rank count by building the
 * layout each rank would hold; run under mpiexec -n N it also checks
 * pp_layout_create on MPI_COMM_WORLD with N ranks. */
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pawproj/par/layout.h"

/* ---- band slices ---------------------------------------------------- */

static void test_slices(void) {
  /* Hand-worked example: 10 bands over 4 ranks are slices of 3, 3, 2, 2
   * (in some order) that tile 0..9. */
  int cover[10] = {0};
  int sizes[4], n3 = 0, n2 = 0;
  for (int r = 0; r < 4; r++) {
    int b0, nb;
    pp_layout_slice(10, 4, r, &b0, &nb);
    sizes[r] = nb;
    for (int b = b0; b < b0 + nb; b++)
      if (b >= 0 && b < 10) cover[b]++;
    n3 += nb == 3;
    n2 += nb == 2;
  }
  int once = 1;
  for (int b = 0; b < 10; b++) once &= cover[b] == 1;
  CHECK(once && n3 == 2 && n2 == 2, "10 bands / 4 ranks: sizes %d %d %d %d", sizes[0], sizes[1], sizes[2],
        sizes[3]);
  /* 3 bands over 5 ranks: three ranks get one band, two get none. */
  int ones = 0, zeros = 0;
  for (int r = 0; r < 5; r++) {
    int b0, nb;
    pp_layout_slice(3, 5, r, &b0, &nb);
    ones += nb == 1;
    zeros += nb == 0;
  }
  CHECK(ones == 3 && zeros == 2, "3 bands / 5 ranks: %d slices of 1, %d empty", ones, zeros);

  /* Every (n, p): in rank order the slices follow each other from 0 to n,
   * sizes are floor(n/p) or ceil(n/p). */
  int bad_tile = 0, bad_size = 0, cases = 0;
  for (int n = 0; n <= 67; n++)
    for (int p = 1; p <= 17; p++) {
      int next = 0, lo = n / p, hi = (n + p - 1) / p, total = 0;
      for (int r = 0; r < p; r++) {
        int b0, nb;
        pp_layout_slice(n, p, r, &b0, &nb);
        if (b0 != next || nb < 0) bad_tile++;
        if (nb < lo || nb > hi) bad_size++;
        next = b0 + nb;
        total += nb;
      }
      if (next != n || total != n) bad_tile++;
      cases++;
    }
  CHECK(bad_tile == 0, "%d (n, p) cases whose slices do not tile [0, n) in rank order", bad_tile);
  CHECK(bad_size == 0, "%d slices outside floor(n/p)..ceil(n/p)", bad_size);
  CHECK(cases == 68 * 17, "all cases ran");
}

/* Blocked slices: rank r holds bands [r·B, min((r+1)·B, n)), B = ceil(n/p),
 * empty once r·B >= n; 10 over 4: 3, 3, 3, 1; 5 over 4: 2, 2, 1, 0. */
static void test_blocked(void) {
  pp_layout lay = {.nbranks = 4, .blocked = 1};
  const int want10[4] = {3, 3, 3, 1}, want5[4] = {2, 2, 1, 0};
  for (int r = 0; r < 4; r++) {
    int b0, nb;
    pp_layout_bands(&lay, 10, r, &b0, &nb);
    CHECK(b0 == 3 * r && nb == want10[r], "10 bands / 4 ranks blocked: rank %d holds %d at %d", r, nb, b0);
    pp_layout_bands(&lay, 5, r, &b0, &nb);
    CHECK(nb == want5[r] && (nb == 0 || b0 == 2 * r), "5 bands / 4 ranks blocked: rank %d holds %d at %d", r, nb,
          b0);
  }
  int bad = 0;
  for (int n = 0; n <= 67; n++)
    for (int p = 1; p <= 17; p++) {
      lay.nbranks = p;
      const int B = n > 0 ? (n + p - 1) / p : 1;
      int next = 0;
      for (int r = 0; r < p; r++) {
        int b0, nb;
        pp_layout_bands(&lay, n, r, &b0, &nb);
        const int want = n - r * B > B ? B : (n - r * B > 0 ? n - r * B : 0);
        if (nb != want || (nb > 0 && b0 != next)) bad++;
        next += nb;
      }
      if (next != n) bad++;
    }
  CHECK(bad == 0, "%d blocked (n, p) cases off ScaLAPACK's block distribution", bad);
  lay.blocked = 0, lay.nbranks = 4;
  int b0, nb;
  pp_layout_bands(&lay, 10, 3, &b0, &nb);
  CHECK(b0 == 8 && nb == 2, "not blocked: pp_layout_bands is pp_layout_slice (rank 3 of 10/4: %d at %d)", nb, b0);
}

/* ---- items over groups ---------------------------------------------- */

/* The layout rank `rank` of `size` would hold with g groups. Consecutive
 * ranks form a group (layout.c); the checks below only rely on each group
 * having size/g ranks and ids 0..g-1. */
static pp_layout fake_layout(int size, int g, int group, int nitems) {
  pp_layout l;
  memset(&l, 0, sizeof l);
  l.size = size;
  l.nkgroups = g;
  l.kgroup = group;
  l.nbranks = size / g;
  l.nitems = nitems;
  return l;
}

static void test_items(void) {
  int bad_owner = 0, bad_rr = 0, bad_balance = 0, bad_bands = 0, grids = 0;
  for (int size = 1; size <= 16; size++)
    for (int g = 1; g <= size; g++) {
      if (size % g) continue;
      for (int nitems = g; nitems <= 24; nitems++) {
        grids++;
        int *count = calloc((size_t)g, sizeof *count);
        for (int i = 0; i < nitems; i++) {
          int owners = 0, owner = -1;
          for (int grp = 0; grp < g; grp++) {
            const pp_layout l = fake_layout(size, g, grp, nitems);
            if (pp_layout_owns_item(&l, i)) owners++, owner = grp;
            if (pp_layout_item_group(&l, i) != i % g) bad_rr++;
          }
          if (owners != 1) bad_owner++;
          else count[owner]++;
          if (owner != i % g) bad_rr++;
        }
        /* Round-robin: each group has floor or ceil of nitems/g items. */
        for (int grp = 0; grp < g; grp++)
          if (count[grp] != nitems / g && count[grp] != (nitems + g - 1) / g) bad_balance++;
        free(count);
        /* The band slices of every group are the same partition of the
         * bands over its size/g ranks (checked for a few band counts). */
        for (int nbands = 1; nbands <= 13; nbands += 4) {
          int next = 0;
          for (int r = 0; r < size / g; r++) {
            int b0, nb;
            pp_layout_slice(nbands, size / g, r, &b0, &nb);
            if (b0 != next) bad_bands++;
            next = b0 + nb;
          }
          if (next != nbands) bad_bands++;
        }
      }
    }
  CHECK(grids > 500, "%d (ranks, groups, items) grids", grids);
  CHECK(bad_owner == 0, "%d items owned by no group or several", bad_owner);
  CHECK(bad_rr == 0, "%d items not in group item mod nkgroups", bad_rr);
  CHECK(bad_balance == 0, "%d groups with an unbalanced item count", bad_balance);
  CHECK(bad_bands == 0, "%d band partitions of a group that do not tile", bad_bands);

  /* Hand-worked: 2 spins × 3 k-points = 6 items over 4 groups: groups 0
   * and 1 get items {0, 4} and {1, 5}, groups 2 and 3 get {2} and {3}. */
  const int want[6] = {0, 1, 2, 3, 0, 1};
  int ok = 1;
  for (int i = 0; i < 6; i++) {
    const pp_layout l = fake_layout(8, 4, want[i], 6);
    ok &= pp_layout_owns_item(&l, i) && pp_layout_item_group(&l, i) == want[i];
  }
  CHECK(ok, "6 items over 4 groups: 0,1,2,3,0,1");
}

/* ---- pp_layout_create ----------------------------------------------- */

/* The documented automatic choice, written out independently. */
static long rule_share(int nitems, int nbands, int size, int g) {
  const long items = (nitems + g - 1) / g, ranks = size / g;
  return items * ((nbands + ranks - 1) / ranks);
}

static int rule_auto(int size, int nitems, int nbands) {
  int best = 1;
  long best_share = rule_share(nitems, nbands, size, 1);
  for (int g = 2; g <= size && g <= nitems; g++) {
    if (size % g) continue;
    const long s = rule_share(nitems, nbands, size, g);
    if (s <= best_share) best = g, best_share = s;
  }
  return best;
}

static void test_rule_examples(void) {
  /* Hand-computed shares, to pin the rule itself:
   * 4 ranks, 2 items, 10 bands: g=1 → 2·ceil(10/4)=6, g=2 → 1·5=5 → 2.
   * 4 ranks, 8 items, 1 band:  g=4 → 2·1=2 (g=2: 4·1, g=1: 8·1) → 4.
   * 6 ranks, 4 items, 12 bands: g=1 → 4·2=8, g=2 → 2·4=8, g=3 → 2·6=12
   *   → 2 (tie with 1, more groups win).
   * 4 ranks, 3 items, 8 bands: g=1 → 3·2=6, g=2 → 2·4=8 → 1. */
  CHECK(rule_auto(4, 2, 10) == 2, "rule 4/2/10");
  CHECK(rule_auto(4, 8, 1) == 4, "rule 4/8/1");
  CHECK(rule_auto(6, 4, 12) == 2, "rule 6/4/12");
  CHECK(rule_auto(4, 3, 8) == 1, "rule 4/3/8");
}

static void test_create_self(void) {
  pp_err e;
  const int items[] = {1, 2, 7, 64};
  const int bands[] = {1, 5, 96};
  for (int i = 0; i < 4; i++)
    for (int b = 0; b < 3; b++)
      for (int req = 0; req <= 1; req++) {
        pp_err_clear(&e);
        pp_layout l;
        const pp_status st = pp_layout_create(MPI_COMM_SELF, items[i], bands[b], req, &l, &e);
        CHECK(st == PP_OK, "self %d items %d bands req %d: %s", items[i], bands[b], req, e.msg);
        if (st != PP_OK) continue;
        int ks = -1, xs = -1;
        MPI_Comm_size(l.kcomm, &ks);
        MPI_Comm_size(l.xcomm, &xs);
        int all = 1;
        for (int it = 0; it < items[i]; it++) all &= pp_layout_owns_item(&l, it);
        CHECK(l.size == 1 && l.rank == 0 && l.nkgroups == 1 && l.kgroup == 0 && l.nbranks == 1 &&
                  l.brank == 0 && l.nitems == items[i] && ks == 1 && xs == 1 && all,
              "one rank owns everything (%d groups, %d ranks/group)", l.nkgroups, l.nbranks);
        pp_layout_free(&l);
      }
  /* --kgroups 2 and 3 on one rank: refused, naming the option. */
  for (int req = 2; req <= 3; req++) {
    pp_err_clear(&e);
    pp_layout l;
    const pp_status st = pp_layout_create(MPI_COMM_SELF, 8, 8, req, &l, &e);
    char want[32];
    snprintf(want, sizeof want, "--kgroups %d", req);
    CHECK(st == PP_ERR_ARG && strstr(e.msg, want) && strstr(e.msg, "1 MPI rank"),
          "--kgroups %d on 1 rank refused: %s", req, e.msg);
    if (st == PP_OK) pp_layout_free(&l);
  }
}

/* With several ranks (mpiexec -n N): the real thing on MPI_COMM_WORLD. */
static void test_create_world(int size, int rank) {
  pp_err e;
  const int items[] = {1, 2, 3, 4, 6, 8, 16};
  const int bands[] = {1, 3, 8, 10, 33};
  for (size_t i = 0; i < sizeof items / sizeof *items; i++)
    for (size_t b = 0; b < sizeof bands / sizeof *bands; b++)
      for (int req = 0; req <= size + 1; req++) {
        pp_err_clear(&e);
        pp_layout l;
        const pp_status st = pp_layout_create(MPI_COMM_WORLD, items[i], bands[b], req, &l, &e);
        if (req > 0 && (size % req || req > items[i])) {
          /* Every rank refuses: collective failure, no layout. */
          const char *why = size % req ? "divide" : "exceeds";
          CHECK(st == PP_ERR_ARG && strstr(e.msg, "--kgroups") && strstr(e.msg, why),
                "--kgroups %d with %d ranks, %d items refused (%s): %s", req, size, items[i], why, e.msg);
          if (st == PP_OK) pp_layout_free(&l);
          continue;
        }
        CHECK(st == PP_OK, "create %d ranks %d items %d bands req %d: %s", size, items[i], bands[b], req,
              e.msg);
        if (st != PP_OK) continue;
        const int g = req > 0 ? req : rule_auto(size, items[i], bands[b]);
        CHECK(l.nkgroups == g, "%d ranks, %d items, %d bands, req %d: %d groups, expected %d", size, items[i],
              bands[b], req, l.nkgroups, g);
        CHECK(l.nbranks * l.nkgroups == size && l.kgroup >= 0 && l.kgroup < l.nkgroups && l.brank >= 0 &&
                  l.brank < l.nbranks,
              "grid %d × %d, me (%d, %d)", l.nkgroups, l.nbranks, l.kgroup, l.brank);
        int ks, kr, xs, xr;
        MPI_Comm_size(l.kcomm, &ks);
        MPI_Comm_rank(l.kcomm, &kr);
        MPI_Comm_size(l.xcomm, &xs);
        MPI_Comm_rank(l.xcomm, &xr);
        CHECK(ks == l.nbranks && kr == l.brank && xs == l.nkgroups && xr == l.kgroup,
              "kcomm %d/%d, xcomm %d/%d", kr, ks, xr, xs);
        /* Every (group, band rank) pair is held by exactly one rank. */
        int me[2] = {l.kgroup, l.brank};
        int *all = malloc(sizeof *all * 2 * (size_t)size);
        MPI_Allgather(me, 2, MPI_INT, all, 2, MPI_INT, MPI_COMM_WORLD);
        int *seen = calloc((size_t)size, sizeof *seen);
        int bad = 0;
        for (int r = 0; r < size; r++) {
          const int id = all[2 * r] * l.nbranks + all[2 * r + 1];
          if (id < 0 || id >= size || seen[id]++) bad++;
        }
        CHECK(bad == 0, "%d ranks share a (group, band rank) position", bad);
        free(seen);
        free(all);
        /* Each item: owned by exactly one group, counted over all ranks. */
        int bad_items = 0;
        for (int it = 0; it < items[i]; it++) {
          int mine = pp_layout_owns_item(&l, it) && l.brank == 0, owners = 0;
          MPI_Allreduce(&mine, &owners, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
          if (owners != 1 || (pp_layout_owns_item(&l, it) != (it % g == l.kgroup))) bad_items++;
        }
        CHECK(bad_items == 0, "%d items not owned by exactly group item mod %d", bad_items, g);
        (void)rank;
        pp_layout_free(&l);
      }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int size, rank;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  test_slices();
  test_blocked();
  test_items();
  test_rule_examples();
  test_create_self();
  if (size > 1) test_create_world(size, rank);
  int failed = check_failed, any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  int rc = 0;
  if (rank == 0 || check_failed) rc = CHECK_DONE("test_layout");
  MPI_Finalize();
  return any ? 1 : rc;
}
