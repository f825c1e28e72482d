/* Memory pools: dependency order is enforced, budgets stop allocations
 * before they happen, peaks are recorded. */
#include <string.h>

#include "check.h"
#include "pawproj/core/pool.h"

static void test_order(void) {
  pp_pools reg;
  pp_pools_init(&reg, 0);
  pp_err e;
  pp_err_clear(&e);
  pp_pool *geo, *wf, *proj;
  CHECK(pp_pool_create(&reg, "setup", "geometry", NULL, 0, &geo, &e) == PP_OK, "create geometry");
  CHECK(pp_pool_create(&reg, "read", "wavefunctions", &geo, 1, &wf, &e) == PP_OK, "create wf");
  CHECK(pp_pool_create(&reg, "project", "projections", &wf, 1, &proj, &e) == PP_OK, "create proj");
  void *p;
  CHECK(pp_pool_alloc(wf, 1000, &p, &e) == PP_OK && p && ((size_t)p % 64) == 0, "aligned alloc");
  /* Out of order: wavefunctions still needed by projections. */
  pp_status st = pp_pool_release(wf, &e);
  CHECK(st == PP_ERR_POOL, "release of a pool with a live dependent must fail (got %d)", st);
  CHECK(strstr(e.msg, "wavefunctions") && strstr(e.msg, "projections"),
        "message names both pools: %s", e.msg);
  CHECK(reg.live_bytes == 1000, "nothing freed by the refused release");
  pp_err_clear(&e);
  /* Releasing the read stage while the project stage lives is refused too. */
  st = pp_pools_release_stage(&reg, "read", &e);
  CHECK(st == PP_ERR_POOL, "stage release out of order must fail");
  pp_err_clear(&e);
  CHECK(pp_pools_release_stage(&reg, "project", &e) == PP_OK, "project stage first");
  CHECK(pp_pools_release_stage(&reg, "read", &e) == PP_OK, "then read");
  CHECK(pp_pools_release_stage(&reg, "setup", &e) == PP_OK, "then setup");
  CHECK(reg.live == NULL && reg.live_bytes == 0, "all released");
  CHECK(reg.nrecords == 3, "three records (%d)", reg.nrecords);
  int found = 0;
  for (int i = 0; i < reg.nrecords; i++)
    if (!strcmp(reg.records[i].name, "wavefunctions")) found = reg.records[i].peak == 1000;
  CHECK(found, "peak of wavefunctions recorded as 1000 bytes");
  pp_pools_destroy(&reg);
}

static void test_stage_release_order(void) {
  /* Within one stage, dependents go first whatever the creation order. */
  pp_pools reg;
  pp_pools_init(&reg, 0);
  pp_err e;
  pp_err_clear(&e);
  pp_pool *a, *b, *c;
  pp_pool_create(&reg, "s", "a", NULL, 0, &a, &e);
  pp_pool_create(&reg, "s", "b", &a, 1, &b, &e);
  pp_pool *ab[2] = {a, b};
  pp_pool_create(&reg, "s", "c", ab, 2, &c, &e);
  CHECK(pp_pools_release_stage(&reg, "s", &e) == PP_OK, "stage release in dependency order");
  CHECK(reg.nrecords == 3 && !strcmp(reg.records[0].name, "c") && !strcmp(reg.records[2].name, "a"),
        "released c, b, a");
  pp_pools_destroy(&reg);
}

static void test_budget(void) {
  pp_pools reg;
  pp_pools_init(&reg, 4096);
  pp_err e;
  pp_err_clear(&e);
  pp_pool *p;
  pp_pool_create(&reg, "read", "coefficients", NULL, 0, &p, &e);
  void *x;
  CHECK(pp_pool_alloc(p, 3000, &x, &e) == PP_OK, "within budget");
  pp_status st = pp_pool_alloc(p, 2000, &x, &e);
  CHECK(st == PP_ERR_BUDGET && x == NULL, "over budget refused");
  CHECK(strstr(e.msg, "read") && strstr(e.msg, "budget"), "message names stage and budget: %s", e.msg);
  CHECK(reg.live_bytes == 3000, "refused allocation not counted");
  pp_err_clear(&e);
  CHECK(pp_pools_check_budget(&reg, "project", 5000, &e) == PP_ERR_BUDGET, "pre-check refuses");
  pp_pools_destroy(&reg);
  CHECK(reg.live == NULL, "destroy releases live pools");
}

static void test_dead_dependency(void) {
  pp_pools reg;
  pp_pools_init(&reg, 0);
  pp_err e;
  pp_err_clear(&e);
  pp_pool *a, *b;
  pp_pool_create(&reg, "s", "a", NULL, 0, &a, &e);
  pp_pool_release(a, &e);
  CHECK(pp_pool_create(&reg, "t", "b", &a, 1, &b, &e) == PP_ERR_POOL, "dependency on a released pool refused");
  pp_pools_destroy(&reg);
}

static void test_bytes(void) {
  pp_err e;
  pp_err_clear(&e);
  size_t v;
  CHECK(pp_parse_bytes("4G", &v, &e) == PP_OK && v == (size_t)4 << 30, "4G");
  CHECK(pp_parse_bytes("512MiB", &v, &e) == PP_OK && v == (size_t)512 << 20, "512MiB");
  CHECK(pp_parse_bytes("1000", &v, &e) == PP_OK && v == 1000, "1000");
  CHECK(pp_parse_bytes("4X", &v, &e) == PP_ERR_ARG, "bad unit");
  pp_err_clear(&e);
  CHECK(pp_parse_bytes("-1G", &v, &e) == PP_ERR_ARG, "negative");
  char buf[32];
  CHECK(!strcmp(pp_format_bytes(1536, buf, sizeof buf), "1.50 KiB"), "format %s", buf);
}

int main(void) {
  test_order();
  test_stage_release_order();
  test_budget();
  test_dead_dependency();
  test_bytes();
  return CHECK_DONE("test_pool");
}
