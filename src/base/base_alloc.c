/* base_alloc.c - the wr_malloc family. Every block carries a small header with its size and
 * owner so that wr_free and wr_realloc can take the bytes off the right counters without the
 * caller remembering either. Counters are relaxed atomics: they feed budgets and metrics,
 * which need totals, not ordering. Failure injection lets tests make any chosen allocation
 * fail; when it is off it costs one relaxed atomic load per allocation. */
#include "base/base.h"

#include <stdlib.h>
#include <string.h>

/* The magic in the top bits of the size word catches wr_free of a pointer that did not come
 * from wr_malloc (or a double free that has not been reused yet) before it corrupts the heap. */
#define MEM_MAGIC       0x5752ull /* "WR" */
#define MEM_MAGIC_SHIFT 48
#define MEM_SIZE_MASK   ((1ull << MEM_MAGIC_SHIFT) - 1)
#define MEM_MAX_SIZE    (MEM_SIZE_MASK - 4096)

typedef struct mem_hdr {
    uint64_t size_magic;
    wr_mem_owner *owner;
} mem_hdr;

/* Round the header up so the user pointer keeps malloc's alignment guarantee. */
#define HDR_SIZE ((sizeof(mem_hdr) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1))

static wr_mem_owner default_owner = WR_MEM_OWNER_INIT("default");

/* The three global counters change together, so they share one cache line on purpose. */
static _Alignas(WR_CACHELINE) struct {
    _Atomic int64_t bytes;
    _Atomic int64_t peak;
    _Atomic int64_t allocs;
} totals;

enum { FAIL_OFF = 0, FAIL_AFTER, FAIL_EVERY };
static _Atomic int fail_mode;
static _Atomic int64_t fail_n;     /* countdown (AFTER) or period (EVERY) */
static _Atomic int64_t fail_seen;  /* allocations counted in EVERY mode */
static _Atomic int64_t fail_count; /* failures injected so far */

static bool inject_slow(int mode)
{
    if (mode == FAIL_AFTER) {
        int64_t left = atomic_fetch_sub_explicit(&fail_n, 1, memory_order_relaxed);
        if (left != 1) return false;
        atomic_store_explicit(&fail_mode, FAIL_OFF, memory_order_relaxed);
    } else {
        int64_t k = atomic_load_explicit(&fail_n, memory_order_relaxed);
        int64_t seen = atomic_fetch_add_explicit(&fail_seen, 1, memory_order_relaxed) + 1;
        if (k <= 0 || seen % k != 0) return false;
    }
    atomic_fetch_add_explicit(&fail_count, 1, memory_order_relaxed);
    return true;
}

static inline bool inject_failure(void)
{
    int mode = atomic_load_explicit(&fail_mode, memory_order_relaxed);
    if (WR_LIKELY(mode == FAIL_OFF)) return false;
    return inject_slow(mode);
}

void wr_mem_fail_after(int64_t n)
{
    if (n <= 0) {
        wr_mem_fail_off();
        return;
    }
    atomic_store_explicit(&fail_n, n, memory_order_relaxed);
    atomic_store_explicit(&fail_mode, FAIL_AFTER, memory_order_release);
}

void wr_mem_fail_every(int64_t k)
{
    if (k <= 0) {
        wr_mem_fail_off();
        return;
    }
    atomic_store_explicit(&fail_n, k, memory_order_relaxed);
    atomic_store_explicit(&fail_seen, 0, memory_order_relaxed);
    atomic_store_explicit(&fail_mode, FAIL_EVERY, memory_order_release);
}

void wr_mem_fail_off(void)
{
    atomic_store_explicit(&fail_mode, FAIL_OFF, memory_order_release);
}

int64_t wr_mem_failures_injected(void)
{
    return atomic_load_explicit(&fail_count, memory_order_relaxed);
}

static inline void peak_raise(_Atomic int64_t *peak, int64_t now)
{
    int64_t p = atomic_load_explicit(peak, memory_order_relaxed);
    while (now > p && !atomic_compare_exchange_weak_explicit(peak, &p, now, memory_order_relaxed,
                                                             memory_order_relaxed)) {
    }
}

/* delta_bytes may be negative; delta_allocs is -1, 0 or +1. */
static inline void account(wr_mem_owner *o, int64_t delta_bytes, int64_t delta_allocs)
{
    int64_t now = atomic_fetch_add_explicit(&o->bytes, delta_bytes, memory_order_relaxed);
    if (delta_bytes > 0) peak_raise(&o->peak, now + delta_bytes);
    if (delta_allocs) atomic_fetch_add_explicit(&o->allocs, delta_allocs, memory_order_relaxed);

    now = atomic_fetch_add_explicit(&totals.bytes, delta_bytes, memory_order_relaxed);
    if (delta_bytes > 0) peak_raise(&totals.peak, now + delta_bytes);
    if (delta_allocs) atomic_fetch_add_explicit(&totals.allocs, delta_allocs, memory_order_relaxed);
}

static inline mem_hdr *hdr_of(void *p)
{
    mem_hdr *h = (mem_hdr *)((char *)p - HDR_SIZE);
    WR_ASSERT((h->size_magic >> MEM_MAGIC_SHIFT) == MEM_MAGIC);
    return h;
}

static inline void *finish(mem_hdr *h, wr_mem_owner *owner, size_t size)
{
    h->size_magic = (uint64_t)size | (MEM_MAGIC << MEM_MAGIC_SHIFT);
    h->owner = owner;
    account(owner, (int64_t)size, 1);
    return (char *)h + HDR_SIZE;
}

void *wr_malloc_owned(wr_mem_owner *owner, size_t size)
{
    if (size > MEM_MAX_SIZE || inject_failure()) return NULL;
    mem_hdr *h = malloc(HDR_SIZE + size);
    if (!h) return NULL;
    return finish(h, owner ? owner : &default_owner, size);
}

void *wr_calloc_owned(wr_mem_owner *owner, size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total) || total > MEM_MAX_SIZE) return NULL;
    if (inject_failure()) return NULL;
    mem_hdr *h = calloc(1, HDR_SIZE + total);
    if (!h) return NULL;
    return finish(h, owner ? owner : &default_owner, total);
}

/* keep_owner: wr_realloc leaves the block with whoever it was charged to. */
static void *realloc_impl(wr_mem_owner *owner, bool keep_owner, void *p, size_t size)
{
    if (!p) return wr_malloc_owned(owner, size);
    mem_hdr *h = hdr_of(p);
    if (size > MEM_MAX_SIZE || inject_failure()) return NULL;
    size_t old_size = (size_t)(h->size_magic & MEM_SIZE_MASK);
    wr_mem_owner *old_owner = h->owner;
    wr_mem_owner *new_owner = keep_owner ? old_owner : (owner ? owner : &default_owner);
    mem_hdr *nh = realloc(h, HDR_SIZE + size);
    if (!nh) return NULL;
    nh->size_magic = (uint64_t)size | (MEM_MAGIC << MEM_MAGIC_SHIFT);
    nh->owner = new_owner;
    if (new_owner == old_owner) {
        account(new_owner, (int64_t)size - (int64_t)old_size, 0);
    } else {
        account(old_owner, -(int64_t)old_size, -1);
        account(new_owner, (int64_t)size, 1);
    }
    return (char *)nh + HDR_SIZE;
}

void *wr_realloc_owned(wr_mem_owner *owner, void *p, size_t size)
{
    return realloc_impl(owner, false, p, size);
}

void *wr_malloc(size_t size)
{
    return wr_malloc_owned(NULL, size);
}

void *wr_calloc(size_t n, size_t size)
{
    return wr_calloc_owned(NULL, n, size);
}

void *wr_realloc(void *p, size_t size)
{
    return realloc_impl(NULL, true, p, size);
}

void wr_free(void *p)
{
    if (!p) return;
    mem_hdr *h = hdr_of(p);
    account(h->owner, -(int64_t)(h->size_magic & MEM_SIZE_MASK), -1);
    h->size_magic = 0;
    free(h);
}

char *wr_strndup(const char *s, size_t n)
{
    if (!s) return NULL;
    size_t len = strnlen(s, n);
    char *d = wr_malloc(len + 1);
    if (!d) return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *wr_strdup(const char *s)
{
    return s ? wr_strndup(s, strlen(s)) : NULL;
}

int64_t wr_mem_allocated(void)
{
    return atomic_load_explicit(&totals.bytes, memory_order_relaxed);
}

int64_t wr_mem_peak(void)
{
    return atomic_load_explicit(&totals.peak, memory_order_relaxed);
}

int64_t wr_mem_live_allocs(void)
{
    return atomic_load_explicit(&totals.allocs, memory_order_relaxed);
}
