/* pool.h — per-rank memory pools with declared dependencies.
 *
 * Every stage of a run (setup, read, project, ...) allocates its large
 * buffers from pools it creates. A pool names the pools it depends on
 * (projections depend on wavefunctions, which depend on geometry). The
 * contract, checked at run time in every build type:
 *   - a pool may only be created after the pools it depends on, and while
 *     they are alive;
 *   - releasing a pool that a live pool still depends on fails with
 *     PP_ERR_POOL and names both pools (nothing is freed);
 *   - pp_pools_release_stage() releases all pools of a stage in dependency
 *     order (dependents first), so a correct program never trips the check;
 *   - an allocation that would take the live total of the rank above the
 *     budget fails with PP_ERR_BUDGET before allocating (message: stage,
 *     pool, need, budget). pp_pools_check_budget lets a stage test its whole
 *     need up front.
 * Each pool records its peak bytes; the registry keeps one record per
 * released pool for the per-stage memory report (pp_memreport_print,
 * declared in core/ctx.h).
 */
#ifndef PAWPROJ_POOL_H
#define PAWPROJ_POOL_H

#include <stddef.h>

#include "pawproj/core/error.h"

#define PP_POOL_MAX_DEPS 4
#define PP_POOL_NAME 32

typedef struct pp_block pp_block;

typedef struct pp_pool {
  char name[PP_POOL_NAME];  /* e.g. "coefficients" */
  char stage[PP_POOL_NAME]; /* stage that owns it, e.g. "read" */
  struct pp_pool *deps[PP_POOL_MAX_DEPS]; /* pools this one depends on */
  int ndeps;                /* number of entries in deps */
  int ndependents;          /* live pools that depend on this one */
  size_t bytes;             /* bytes currently allocated */
  size_t peak;              /* largest value bytes ever had */
  pp_block *blocks;         /* allocations, newest first */
  unsigned long serial;     /* its number in the registry, never reused (pp_pool_alive) */
  struct pp_pools *owner;   /* registry it belongs to */
  struct pp_pool *next;     /* next live pool in the registry */
} pp_pool;

typedef struct pp_pool_record {
  char name[PP_POOL_NAME];  /* pool name */
  char stage[PP_POOL_NAME]; /* owning stage */
  size_t peak;              /* peak bytes on this rank */
} pp_pool_record;

typedef struct pp_pools {
  pp_pool *live;            /* live pools, newest first */
  size_t live_bytes;        /* bytes allocated in all live pools */
  size_t peak_bytes;        /* largest live_bytes ever */
  size_t budget;            /* per-rank budget in bytes, 0 = unlimited */
  pp_pool_record *records;  /* one per released pool, (nrecords) */
  int nrecords;             /* used entries in records */
  int caprecords;           /* allocated entries in records */
  unsigned long serials;    /* pools created so far */
} pp_pools;

/* Initialises an empty registry with a per-rank budget (0 = none). */
void pp_pools_init(pp_pools *reg, size_t budget);

/* Creates pool `name` of `stage` depending on deps[0..ndeps). */
pp_status pp_pool_create(pp_pools *reg, const char *stage, const char *name,
                         pp_pool *const *deps, int ndeps, pp_pool **out,
                         pp_err *err);

/* 1 if the pool that had `serial` when created is still live in reg. For
 * a cache whose pools belong to a stage: after the stage released them the
 * pointer may name a new pool, the serial does not. */
int pp_pool_alive(const pp_pools *reg, const pp_pool *pool, unsigned long serial);
/* Allocates `bytes` zeroed bytes from the pool (aligned to 64 bytes). */
pp_status pp_pool_alloc(pp_pool *pool, size_t bytes, void **out, pp_err *err);

/* Frees everything in the pool and the pool itself, recording its peak.
 * Fails (and frees nothing) while another live pool depends on it. */
pp_status pp_pool_release(pp_pool *pool, pp_err *err);

/* Releases every live pool of `stage`, dependents first. */
pp_status pp_pools_release_stage(pp_pools *reg, const char *stage,
                                 pp_err *err);

/* Fails with PP_ERR_BUDGET if `need` more bytes would exceed the budget. */
pp_status pp_pools_check_budget(const pp_pools *reg, const char *stage,
                                size_t need, pp_err *err);

/* Releases all live pools in dependency order and frees the records.
 * For the end of a run and for error paths; never fails. */
void pp_pools_destroy(pp_pools *reg);

/* Formats a byte count with a binary unit ("1.50 GiB") into buf. */
const char *pp_format_bytes(size_t bytes, char *buf, size_t len);

/* Parses "4G", "512M", "1.5GiB", "1000000" into bytes. */
pp_status pp_parse_bytes(const char *text, size_t *out, pp_err *err);

#endif
