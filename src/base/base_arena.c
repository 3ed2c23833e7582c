/* base_arena.c - bump allocation in chunks, freed all at once. Small requests are carved from
 * the current chunk; a request larger than half a chunk gets a chunk of its own, linked behind
 * the current one so the space left in the current chunk is not thrown away. Reset keeps one
 * ordinary chunk so that a per-batch arena reaches a steady state with no malloc at all. */
#include "base/base.h"

#include <string.h>

#define ARENA_DEFAULT_CHUNK (16 * 1024)

struct wr_arena_chunk {
    wr_arena_chunk *prev; /* older chunk */
    size_t cap;
    size_t off;
    _Alignas(max_align_t) unsigned char data[];
};

void wr_arena_init(wr_arena *a, size_t chunk_size, wr_mem_owner *owner)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : ARENA_DEFAULT_CHUNK;
    a->used = 0;
    a->reserved = 0;
    a->owner = owner;
}

static void *arena_alloc_slow(wr_arena *a, size_t size, size_t align)
{
    /* data[] is max_align_t aligned, so only larger alignments can need padding. */
    size_t pad = align > _Alignof(max_align_t) ? align - 1 : 0;
    size_t need;
    if (__builtin_add_overflow(size, pad, &need)) return NULL;
    bool dedicated = need > a->chunk_size / 2;
    size_t cap = dedicated ? need : a->chunk_size;
    if (cap > SIZE_MAX - sizeof(wr_arena_chunk)) return NULL;
    wr_arena_chunk *c = wr_malloc_owned(a->owner, sizeof(wr_arena_chunk) + cap);
    if (!c) return NULL;
    c->cap = cap;
    if (dedicated && a->head) {
        c->prev = a->head->prev;
        a->head->prev = c;
    } else {
        c->prev = a->head;
        a->head = c;
    }
    a->reserved += sizeof(wr_arena_chunk) + cap;
    uintptr_t base = (uintptr_t)c->data;
    size_t off = (size_t)(((base + align - 1) & ~(uintptr_t)(align - 1)) - base);
    c->off = off + size;
    a->used += size;
    return c->data + off;
}

void *wr_arena_alloc_aligned(wr_arena *a, size_t size, size_t align)
{
    WR_ASSERT(align != 0 && (align & (align - 1)) == 0);
    wr_arena_chunk *c = a->head;
    if (WR_LIKELY(c != NULL)) {
        uintptr_t base = (uintptr_t)c->data;
        size_t off = (size_t)(((base + c->off + align - 1) & ~(uintptr_t)(align - 1)) - base);
        if (off <= c->cap && size <= c->cap - off) {
            c->off = off + size;
            a->used += size;
            return c->data + off;
        }
    }
    return arena_alloc_slow(a, size, align);
}

void *wr_arena_alloc(wr_arena *a, size_t size)
{
    return wr_arena_alloc_aligned(a, size, 8);
}

char *wr_arena_strndup(wr_arena *a, const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = wr_arena_alloc_aligned(a, len + 1, 1);
    if (!d) return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

void *wr_arena_memdup(wr_arena *a, const void *p, size_t n)
{
    void *d = wr_arena_alloc(a, n);
    if (d && n) memcpy(d, p, n);
    return d;
}

void wr_arena_reset(wr_arena *a)
{
    wr_arena_chunk *keep = NULL;
    wr_arena_chunk *c = a->head;
    while (c) {
        wr_arena_chunk *prev = c->prev;
        /* Keep one ordinary chunk; dedicated big ones would pin memory for a rare case. */
        if (!keep && c->cap == a->chunk_size) {
            keep = c;
        } else {
            wr_free(c);
        }
        c = prev;
    }
    a->head = keep;
    a->used = 0;
    a->reserved = 0;
    if (keep) {
        keep->prev = NULL;
        keep->off = 0;
        a->reserved = sizeof(wr_arena_chunk) + keep->cap;
    }
}

void wr_arena_destroy(wr_arena *a)
{
    wr_arena_chunk *c = a->head;
    while (c) {
        wr_arena_chunk *prev = c->prev;
        wr_free(c);
        c = prev;
    }
    a->head = NULL;
    a->used = 0;
    a->reserved = 0;
}
