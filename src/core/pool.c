/* pool.c — per-rank memory pools with dependency checks (see pool.h). */
#include "pawproj/core/pool.h"

#include <ctype.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct pp_block {
  struct pp_block *next;
  size_t bytes;
};

/* The header is padded so user memory stays 64-byte aligned for SIMD BLAS. */
#define BLOCK_HEADER 64

void pp_pools_init(pp_pools *reg, size_t budget) {
  memset(reg, 0, sizeof *reg);
  reg->budget = budget;
}

static int pool_is_live(const pp_pools *reg, const pp_pool *p) {
  for (const pp_pool *q = reg->live; q; q = q->next)
    if (q == p) return 1;
  return 0;
}

int pp_pool_alive(const pp_pools *reg, const pp_pool *pool, unsigned long serial) {
  for (const pp_pool *q = reg->live; q; q = q->next)
    if (q == pool) return q->serial == serial;
  return 0;
}

pp_status pp_pool_create(pp_pools *reg, const char *stage, const char *name,
                         pp_pool *const *deps, int ndeps, pp_pool **out,
                         pp_err *err) {
  *out = NULL;
  if (ndeps < 0 || ndeps > PP_POOL_MAX_DEPS)
    PP_FAIL(err, PP_ERR_POOL, "pool '%s': %d dependencies (at most %d)", name,
            ndeps, PP_POOL_MAX_DEPS);
  for (int i = 0; i < ndeps; i++)
    if (!deps[i] || !pool_is_live(reg, deps[i]))
      PP_FAIL(err, PP_ERR_POOL,
              "pool '%s' (stage %s) declared a dependency that is not a live "
              "pool",
              name, stage);
  pp_pool *p = calloc(1, sizeof *p);
  if (!p) PP_FAIL(err, PP_ERR_NOMEM, "cannot allocate pool '%s'", name);
  snprintf(p->name, sizeof p->name, "%s", name);
  snprintf(p->stage, sizeof p->stage, "%s", stage);
  for (int i = 0; i < ndeps; i++) {
    p->deps[i] = deps[i];
    deps[i]->ndependents++;
  }
  p->ndeps = ndeps;
  p->serial = ++reg->serials;
  p->owner = reg;
  p->next = reg->live;
  reg->live = p;
  *out = p;
  return PP_OK;
}

pp_status pp_pools_check_budget(const pp_pools *reg, const char *stage,
                                size_t need, pp_err *err) {
  if (reg->budget == 0 || reg->live_bytes + need <= reg->budget) return PP_OK;
  char b1[32], b2[32], b3[32];
  PP_FAIL(err, PP_ERR_BUDGET,
          "stage '%s' needs %s more per rank, %s already in use, budget "
          "(--mem-per-rank) is %s; use more ranks or a larger budget",
          stage, pp_format_bytes(need, b1, sizeof b1),
          pp_format_bytes(reg->live_bytes, b2, sizeof b2),
          pp_format_bytes(reg->budget, b3, sizeof b3));
}

pp_status pp_pool_alloc(pp_pool *pool, size_t bytes, void **out, pp_err *err) {
  *out = NULL;
  pp_pools *reg = pool->owner;
  if (bytes > SIZE_MAX - BLOCK_HEADER)
    PP_FAIL(err, PP_ERR_NOMEM, "pool '%s': request of %zu bytes overflows",
            pool->name, bytes);
  PP_CALL(pp_pools_check_budget(reg, pool->stage, bytes, err));
  /* Large blocks (wavefunction slices) are 2 MiB aligned and offered to
   * transparent huge pages: first touch of fresh memory is what bounds
   * reading a WAVECAR on virtual machines, and huge pages take 512× fewer
   * faults. */
  const size_t huge = (size_t)2 << 20;
  const int big = bytes >= 8 * huge;
  const size_t align = big ? huge : 64;
  const size_t total = ((bytes + BLOCK_HEADER + align - 1) / align) * align;
  char *raw = aligned_alloc(align, total);
#ifdef MADV_HUGEPAGE
  if (raw && big) (void)madvise(raw, total, MADV_HUGEPAGE);
#endif
  if (!raw) {
    char b[32];
    PP_FAIL(err, PP_ERR_NOMEM, "stage '%s', pool '%s': cannot allocate %s",
            pool->stage, pool->name, pp_format_bytes(bytes, b, sizeof b));
  }
  memset(raw + BLOCK_HEADER, 0, bytes);
  pp_block *blk = (pp_block *)raw;
  blk->bytes = bytes;
  blk->next = pool->blocks;
  pool->blocks = blk;
  pool->bytes += bytes;
  if (pool->bytes > pool->peak) pool->peak = pool->bytes;
  reg->live_bytes += bytes;
  if (reg->live_bytes > reg->peak_bytes) reg->peak_bytes = reg->live_bytes;
  *out = raw + BLOCK_HEADER;
  return PP_OK;
}

static int record_push(pp_pools *reg, const pp_pool *p) {
  if (reg->nrecords == reg->caprecords) {
    int cap = reg->caprecords ? 2 * reg->caprecords : 16;
    pp_pool_record *r = realloc(reg->records, (size_t)cap * sizeof *r);
    if (!r) return 0;
    reg->records = r;
    reg->caprecords = cap;
  }
  pp_pool_record *r = &reg->records[reg->nrecords++];
  memcpy(r->name, p->name, sizeof r->name);
  memcpy(r->stage, p->stage, sizeof r->stage);
  r->peak = p->peak;
  return 1;
}

static void pool_free(pp_pools *reg, pp_pool *pool) {
  for (pp_pool **pp = &reg->live; *pp; pp = &(*pp)->next)
    if (*pp == pool) {
      *pp = pool->next;
      break;
    }
  for (int i = 0; i < pool->ndeps; i++) pool->deps[i]->ndependents--;
  pp_block *b = pool->blocks;
  while (b) {
    pp_block *n = b->next;
    free(b);
    b = n;
  }
  reg->live_bytes -= pool->bytes;
  free(pool);
}

static const char *first_dependent(const pp_pools *reg, const pp_pool *p) {
  for (const pp_pool *q = reg->live; q; q = q->next)
    for (int i = 0; i < q->ndeps; i++)
      if (q->deps[i] == p) return q->name;
  return "?";
}

pp_status pp_pool_release(pp_pool *pool, pp_err *err) {
  pp_pools *reg = pool->owner;
  if (pool->ndependents > 0)
    PP_FAIL(err, PP_ERR_POOL,
            "pool '%s' (stage %s) released while pool '%s' still depends on "
            "it; release dependents first",
            pool->name, pool->stage, first_dependent(reg, pool));
  if (!record_push(reg, pool))
    PP_FAIL(err, PP_ERR_NOMEM, "cannot record statistics of pool '%s'",
            pool->name);
  pool_free(reg, pool);
  return PP_OK;
}

pp_status pp_pools_release_stage(pp_pools *reg, const char *stage,
                                 pp_err *err) {
  /* Repeatedly release a pool of the stage that nothing depends on; if
   * pools of the stage remain but each is depended on, a pool of a later
   * stage still needs them: that is a misuse, reported by pp_pool_release. */
  for (;;) {
    pp_pool *pick = NULL, *blocked = NULL;
    for (pp_pool *q = reg->live; q; q = q->next) {
      if (strcmp(q->stage, stage) != 0) continue;
      if (q->ndependents == 0) {
        pick = q;
        break;
      }
      blocked = q;
    }
    if (pick) {
      PP_CALL(pp_pool_release(pick, err));
      continue;
    }
    if (blocked) PP_CALL(pp_pool_release(blocked, err));
    return PP_OK;
  }
}

void pp_pools_destroy(pp_pools *reg) {
  while (reg->live) {
    pp_pool *pick = NULL;
    for (pp_pool *q = reg->live; q; q = q->next)
      if (q->ndependents == 0) {
        pick = q;
        break;
      }
    if (!pick) pick = reg->live; /* unreachable: dependencies are acyclic */
    pool_free(reg, pick);
  }
  free(reg->records);
  reg->records = NULL;
  reg->nrecords = reg->caprecords = 0;
}

const char *pp_format_bytes(size_t bytes, char *buf, size_t len) {
  static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = (double)bytes;
  int u = 0;
  while (v >= 1024.0 && u < 4) {
    v /= 1024.0;
    u++;
  }
  if (u == 0)
    snprintf(buf, len, "%zu B", bytes);
  else
    snprintf(buf, len, "%.2f %s", v, unit[u]);
  return buf;
}

pp_status pp_parse_bytes(const char *text, size_t *out, pp_err *err) {
  char *end = NULL;
  double v = strtod(text, &end);
  if (end == text || !(v >= 0) || !isfinite(v))
    PP_FAIL(err, PP_ERR_ARG, "'%s' is not a memory size (e.g. 4G, 512M)",
            text);
  double mult = 1;
  switch (toupper((unsigned char)*end)) {
    case '\0': break;
    case 'K': mult = 1024.0; end++; break;
    case 'M': mult = 1024.0 * 1024; end++; break;
    case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
    case 'T': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
    default:
      PP_FAIL(err, PP_ERR_ARG, "'%s': unknown unit (use K, M, G or T)", text);
  }
  if (*end == 'i' || *end == 'I') end++;
  if (*end == 'B' || *end == 'b') end++;
  if (*end != '\0')
    PP_FAIL(err, PP_ERR_ARG, "'%s' is not a memory size (e.g. 4G, 512M)",
            text);
  *out = (size_t)(v * mult);
  return PP_OK;
}
