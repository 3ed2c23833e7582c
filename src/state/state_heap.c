/* state_heap.c - the heap keyed-state backend: every table (wr_kv) is a sorted directory of
 * namespaces, and every namespace is its own open-addressing hash table over dense entries,
 * so a lookup is one binary search (usually skipped: the last namespace is cached) plus one
 * short linear probe, dropping a namespace (a fired window slice) frees three blocks at
 * once, and "the next namespace after x" is a binary search in the directory.
 *
 * A namespace holds: `slots`, a power-of-two array of entry index + 1 (0 = empty), probed
 * linearly from a Fibonacci hash of the key hash (the low bits of the hash are the key
 * group, the same for many keys of one instance, so they are not used as they are);
 * `ents`, entries in insertion order, each a 32-byte header (hash, key length with a
 * tombstone bit, and the key itself when it has at most 20 bytes) followed by the record
 * (16-byte aligned) and, with a TTL, the record's last access time; `keys`, the bytes of
 * longer keys. A lookup of a short key touches one slot and one entry. A removed entry
 * becomes a tombstone (its slot is freed by backward-shift deletion, so probes never see
 * it), which keeps both insertion order and the entries of a running iteration in place;
 * tombstones and dead key bytes are squeezed out when the entry or key array would
 * otherwise have to grow. A large namespace doubles its slot array incrementally: the
 * entries not yet moved stay findable through the old array, and each upsert moves a few.
 *
 * TTL: each entry carries the time of its last find or upsert; a record older than the TTL
 * is invisible to find and iteration, re-created (zeroed) by upsert, skipped by snapshot,
 * and removed by an incremental sweep that looks at 32 entries every 16 upserts. The time is
 * the state's clock (wr_state_set_now or the wall clock read every 256 operations).
 *
 * Every byte of the tables is allocated with the wr_malloc family, charged to opts.mem and
 * counted in wr_state_bytes; memory a record owns is the codec's business. */
#include "state/state.h"

#include <string.h>

#define ENT_HDR         32u
#define SLOTS_MIN       4u
#define ENTS_MIN        2u
#define KEYS_MIN        64u
#define CLEAN_EVERY     16u    /* upserts between TTL sweeps */
#define CLEAN_BUDGET    32u    /* entries looked at by one sweep */
#define MIGRATE_STEP    16u    /* entries moved to the new slot array per upsert */
#define REHASH_INCR_MIN 16384u /* entries from which a namespace rehashes incrementally */
#define CLOCK_EVERY     256u   /* operations between clock reads (automatic clock) */
#define SNAP_VAL_HDR    16u    /* u64 hash, i64 last access, before the codec's bytes */

#define KEY_INLINE 20u
#define DEAD_BIT   0x80000000u

/* Keys of up to KEY_INLINE bytes live in the entry (one cache line holds the hash, the key
 * and the start of the record); a longer key's first 4 bytes of `key` hold its offset in
 * the namespace's key store. */
typedef struct kv_ent {
    uint64_t hash;
    uint32_t klen; /* | DEAD_BIT for a tombstone */
    uint8_t key[KEY_INLINE];
} kv_ent;
_Static_assert(sizeof(kv_ent) == ENT_HDR, "entry header is 32 bytes");

typedef struct kv_ns {
    int64_t ns;
    uint32_t *slots; /* NULL until the first insert */
    uint32_t mask;
    /* Incremental rehash: while `old` is set, entries [mig_pos, mig_end) are indexed only by
     * the previous, smaller slot array; every upsert moves a few of them to `slots`. */
    uint32_t *old;
    uint32_t old_mask;
    uint32_t mig_pos, mig_end;
    uint32_t n;    /* entries, tombstones included */
    uint32_t live; /* entries that are not tombstones */
    uint32_t cap;  /* entries allocated */
    uint8_t *ents;
    uint8_t *keys;
    uint32_t keys_len, keys_cap, keys_dead;
} kv_ns;

struct wr_kv {
    wr_state *s;
    char *name;
    wr_kv_codec codec;
    uint32_t stride;
    uint32_t atime_off; /* last access time (i64) of a record, after it; 0 without TTL */
    kv_ns **dir;        /* sorted by ns */
    uint32_t ndir, dircap;
    kv_ns *last; /* cache of the last namespace looked up */
    uint64_t count;
    int64_t clean_ns; /* TTL sweep cursor */
    uint32_t clean_pos;
    uint32_t clean_tick;
};

struct wr_state {
    wr_state_opts o;
    char *name;
    wr_mem_owner *mem;
    wr_kv **tables;
    uint32_t ntables;
    size_t bytes;
    int64_t now;
    bool manual_clock;
    uint32_t tick;
    wr_buf scratch;
};

/* ------------------------------------------------------------------------------------------
 * Accounting
 * ---------------------------------------------------------------------------------------- */
static void *st_alloc(wr_state *s, size_t n, bool zero)
{
    void *p = zero ? wr_calloc_owned(s->mem, 1, n) : wr_malloc_owned(s->mem, n);
    if (p) s->bytes += n;
    return p;
}
static void *st_realloc(wr_state *s, void *p, size_t old, size_t n)
{
    void *q = wr_realloc_owned(s->mem, p, n);
    if (q) s->bytes += n - old;
    return q;
}
static void st_free(wr_state *s, void *p, size_t n)
{
    if (!p) return;
    wr_free(p);
    s->bytes -= n;
}

/* ------------------------------------------------------------------------------------------
 * Clock
 * ---------------------------------------------------------------------------------------- */
static inline int64_t state_now(wr_state *s)
{
    if (!s->manual_clock && WR_UNLIKELY((++s->tick & (CLOCK_EVERY - 1)) == 0))
        s->now = wr_wall_us();
    return s->now;
}

void wr_state_set_now(wr_state *s, int64_t now_us)
{
    s->manual_clock = true;
    s->now = now_us;
}

static inline bool expired(const wr_kv *t, const kv_ent *e, int64_t now)
{
    int64_t at;
    memcpy(&at, (const uint8_t *)e + t->atime_off, 8);
    return now - at > t->s->o.ttl_us;
}

/* ------------------------------------------------------------------------------------------
 * One namespace
 * ---------------------------------------------------------------------------------------- */
static inline uint32_t slot_home(uint64_t hash, uint32_t mask)
{
    return (uint32_t)((hash * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}
static inline kv_ent *ent_at(const wr_kv *t, const kv_ns *n, uint32_t i)
{
    return (kv_ent *)(n->ents + (size_t)i * t->stride);
}
static inline void *rec_of(kv_ent *e)
{
    return (uint8_t *)e + ENT_HDR;
}
static inline void set_atime(const wr_kv *t, kv_ent *e, int64_t now)
{
    memcpy((uint8_t *)e + t->atime_off, &now, 8);
}
static inline int64_t get_atime(const wr_kv *t, const kv_ent *e)
{
    int64_t at;
    memcpy(&at, (const uint8_t *)e + t->atime_off, 8);
    return at;
}
static inline bool ent_dead(const kv_ent *e)
{
    return e->klen & DEAD_BIT;
}
static inline uint32_t ent_klen(const kv_ent *e)
{
    return e->klen & ~DEAD_BIT;
}
static inline uint32_t ent_key_off(const kv_ent *e)
{
    uint32_t off;
    memcpy(&off, e->key, 4);
    return off;
}
static inline const uint8_t *ent_key(const kv_ns *n, const kv_ent *e)
{
    return e->klen <= KEY_INLINE ? e->key : n->keys + ent_key_off(e);
}

static inline bool in_old(const kv_ns *n, uint32_t i)
{
    return n->old && i >= n->mig_pos && i < n->mig_end;
}

static inline int64_t probe_in(const wr_kv *t, const kv_ns *n, const uint32_t *slots, uint32_t mask,
                               uint64_t hash, const void *key, uint32_t klen, uint32_t *slot)
{
    uint32_t s = slot_home(hash, mask);
    for (;;) {
        uint32_t v = slots[s];
        if (!v) break;
        const kv_ent *e = ent_at(t, n, v - 1);
        if (e->hash == hash && e->klen == klen && wr_bytes_eq(ent_key(n, e), key, klen)) {
            *slot = s;
            return (int64_t)(v - 1);
        }
        s = (s + 1) & mask;
    }
    *slot = s;
    return -1;
}

/* Index of the live entry with this key, or -1. *slot gets the entry's slot (in the array
 * that indexes it, see in_old) or, when absent, the empty slot of `slots` where it goes. */
static inline int64_t ns_probe(const wr_kv *t, const kv_ns *n, uint64_t hash, const void *key,
                               uint32_t klen, uint32_t *slot)
{
    int64_t i = probe_in(t, n, n->slots, n->mask, hash, key, klen, slot);
    if (i >= 0 || WR_LIKELY(!n->old)) return i;
    uint32_t os;
    int64_t j = probe_in(t, n, n->old, n->old_mask, hash, key, klen, &os);
    /* A match below mig_pos was moved (and would have been found) or is dead (never
     * matches): only not-yet-moved entries count. */
    if (j < 0 || !in_old(n, (uint32_t)j)) return -1;
    *slot = os;
    return j;
}

static void slot_insert(uint32_t *slots, uint32_t mask, uint64_t hash, uint32_t i)
{
    uint32_t h = slot_home(hash, mask);
    while (slots[h])
        h = (h + 1) & mask;
    slots[h] = i + 1;
}

static void ns_drop_old(wr_kv *t, kv_ns *n)
{
    if (!n->old) return;
    st_free(t->s, n->old, ((size_t)n->old_mask + 1) * sizeof(uint32_t));
    n->old = NULL;
}

/* Move up to `budget` entries from the old slot array to the new one. */
static void ns_migrate(wr_kv *t, kv_ns *n, uint32_t budget)
{
    while (budget-- && n->mig_pos < n->mig_end) {
        const kv_ent *e = ent_at(t, n, n->mig_pos);
        if (!ent_dead(e)) slot_insert(n->slots, n->mask, e->hash, n->mig_pos);
        n->mig_pos++;
    }
    if (n->mig_pos == n->mig_end) ns_drop_old(t, n);
}

static int ns_rehash(wr_kv *t, kv_ns *n, uint32_t nslots)
{
    uint32_t *sl = st_alloc(t->s, (size_t)nslots * sizeof(uint32_t), true);
    if (!sl) return WR_ENOMEM;
    uint32_t mask = nslots - 1;
    for (uint32_t i = 0; i < n->n; i++) {
        const kv_ent *e = ent_at(t, n, i);
        if (ent_dead(e)) continue;
        uint32_t h = slot_home(e->hash, mask);
        while (sl[h])
            h = (h + 1) & mask;
        sl[h] = i + 1;
    }
    ns_drop_old(t, n);
    if (n->slots) st_free(t->s, n->slots, ((size_t)n->mask + 1) * sizeof(uint32_t));
    n->slots = sl;
    n->mask = mask;
    return WR_OK;
}

/* Grow the slot array to nslots: at once for a small namespace, else incrementally. */
static int ns_grow_slots(wr_kv *t, kv_ns *n, uint32_t nslots)
{
    if (n->old) ns_migrate(t, n, UINT32_MAX);
    if (n->n < REHASH_INCR_MIN) return ns_rehash(t, n, nslots);
    uint32_t *sl = st_alloc(t->s, (size_t)nslots * sizeof(uint32_t), true);
    if (!sl) return WR_ENOMEM;
    n->old = n->slots;
    n->old_mask = n->mask;
    n->slots = sl;
    n->mask = nslots - 1;
    n->mig_pos = 0;
    n->mig_end = n->n;
    ns_migrate(t, n, MIGRATE_STEP);
    return WR_OK;
}

/* Squeeze out tombstones and dead key bytes, keeping the order of the live entries. */
static int ns_compact(wr_kv *t, kv_ns *n)
{
    uint32_t live_keys = n->keys_len - n->keys_dead;
    uint32_t kcap = n->keys ? WR_MAX(live_keys, KEYS_MIN) : 0;
    uint8_t *nk = kcap ? st_alloc(t->s, kcap, false) : NULL;
    if (kcap && !nk) return WR_ENOMEM;
    uint32_t j = 0, at = 0;
    for (uint32_t i = 0; i < n->n; i++) {
        kv_ent *e = ent_at(t, n, i);
        if (ent_dead(e)) continue;
        if (e->klen > KEY_INLINE) {
            memcpy(nk + at, n->keys + ent_key_off(e), e->klen);
            memcpy(e->key, &at, 4);
            at += e->klen;
        }
        if (i != j) memcpy(n->ents + (size_t)j * t->stride, e, t->stride);
        j++;
    }
    st_free(t->s, n->keys, n->keys_cap);
    n->keys = nk;
    n->keys_cap = kcap;
    n->keys_len = at;
    n->keys_dead = 0;
    n->n = j;
    WR_ASSERT(j == n->live);
    /* Entry indexes changed: rebuild the slots in place (which ends any rehash). */
    ns_drop_old(t, n);
    memset(n->slots, 0, ((size_t)n->mask + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < n->n; i++) {
        uint32_t h = slot_home(ent_at(t, n, i)->hash, n->mask);
        while (n->slots[h])
            h = (h + 1) & n->mask;
        n->slots[h] = i + 1;
    }
    return WR_OK;
}

/* Room for one more entry with a key of klen bytes. */
static int ns_make_room(wr_kv *t, kv_ns *n, uint32_t klen)
{
    if (WR_UNLIKELY(n->old != NULL)) ns_migrate(t, n, MIGRATE_STEP);
    if (WR_UNLIKELY(!n->slots || (uint64_t)(n->live + 1) * 2 > (uint64_t)n->mask + 1)) {
        uint64_t ns = n->slots ? ((uint64_t)n->mask + 1) * 2 : SLOTS_MIN;
        if (ns > (1u << 31)) return WR_ELIMIT;
        int rc = n->slots ? ns_grow_slots(t, n, (uint32_t)ns) : ns_rehash(t, n, (uint32_t)ns);
        if (rc) return rc;
    }
    bool ents_full = n->n == n->cap;
    bool keys_full = (uint64_t)n->keys_len + klen > n->keys_cap;
    if (WR_LIKELY(!ents_full && !keys_full)) return WR_OK;
    uint32_t dead = n->n - n->live;
    if ((ents_full && dead >= n->n / 4 && dead) ||
        (keys_full && n->keys_dead >= n->keys_len / 4 && n->keys_dead)) {
        int rc = ns_compact(t, n);
        if (rc) return rc;
        ents_full = n->n == n->cap;
        keys_full = (uint64_t)n->keys_len + klen > n->keys_cap;
    }
    if (ents_full) {
        uint64_t ncap = n->cap ? (uint64_t)n->cap * 2 : ENTS_MIN;
        if (ncap > (1u << 31)) return WR_ELIMIT;
        uint8_t *e =
            st_realloc(t->s, n->ents, (size_t)n->cap * t->stride, (size_t)ncap * t->stride);
        if (!e) return WR_ENOMEM;
        n->ents = e;
        n->cap = (uint32_t)ncap;
    }
    if (keys_full) {
        uint64_t need = (uint64_t)n->keys_len + klen;
        uint64_t ncap = n->keys_cap ? n->keys_cap : KEYS_MIN;
        while (ncap < need)
            ncap *= 2;
        if (ncap > UINT32_MAX) return WR_ELIMIT;
        uint8_t *k = st_realloc(t->s, n->keys, n->keys_cap, (size_t)ncap);
        if (!k) return WR_ENOMEM;
        n->keys = k;
        n->keys_cap = (uint32_t)ncap;
    }
    return WR_OK;
}

static void destroy_rec(wr_kv *t, kv_ent *e)
{
    if (t->codec.destroy) t->codec.destroy(t->codec.arg, rec_of(e));
}

/* Make entry i (whose slot is `slot`) a tombstone, destroying its record. */
static void ns_kill(wr_kv *t, kv_ns *n, uint32_t i, uint32_t slot)
{
    kv_ent *e = ent_at(t, n, i);
    bool old = in_old(n, i);
    uint32_t *slots = old ? n->old : n->slots;
    uint32_t mask = old ? n->old_mask : n->mask, hole = slot, j = slot;
    WR_ASSERT(!ent_dead(e) && slots[slot] == i + 1);
    destroy_rec(t, e);
    /* Backward-shift deletion keeps every probe chain unbroken. */
    for (;;) {
        j = (j + 1) & mask;
        uint32_t v = slots[j];
        if (!v) break;
        uint32_t home = slot_home(ent_at(t, n, v - 1)->hash, mask);
        bool movable = (j > hole) ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            slots[hole] = v;
            hole = j;
        }
    }
    slots[hole] = 0;
    if (e->klen > KEY_INLINE) n->keys_dead += e->klen;
    e->klen |= DEAD_BIT;
    n->live--;
    t->count--;
}

static uint32_t ns_slot_of(const wr_kv *t, const kv_ns *n, uint32_t i)
{
    bool old = in_old(n, i);
    const uint32_t *slots = old ? n->old : n->slots;
    uint32_t mask = old ? n->old_mask : n->mask;
    uint32_t s = slot_home(ent_at(t, n, i)->hash, mask);
    while (slots[s] != i + 1)
        s = (s + 1) & mask;
    return s;
}

/* ------------------------------------------------------------------------------------------
 * The namespace directory
 * ---------------------------------------------------------------------------------------- */
/* First position whose namespace is >= ns. */
static uint32_t dir_lower(const wr_kv *t, int64_t ns)
{
    uint32_t lo = 0, hi = t->ndir;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->dir[mid]->ns < ns)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static inline kv_ns *ns_get(wr_kv *t, int64_t ns)
{
    if (WR_LIKELY(t->last && t->last->ns == ns)) return t->last;
    uint32_t i = dir_lower(t, ns);
    if (i == t->ndir || t->dir[i]->ns != ns) return NULL;
    t->last = t->dir[i];
    return t->last;
}

static kv_ns *ns_get_or_create(wr_kv *t, int64_t ns)
{
    if (WR_LIKELY(t->last && t->last->ns == ns)) return t->last;
    uint32_t i = dir_lower(t, ns);
    if (i < t->ndir && t->dir[i]->ns == ns) return t->last = t->dir[i];
    if (t->ndir == t->dircap) {
        uint32_t ncap = t->dircap ? t->dircap * 2 : 8;
        kv_ns **nd = st_realloc(t->s, t->dir, (size_t)t->dircap * sizeof(kv_ns *),
                                (size_t)ncap * sizeof(kv_ns *));
        if (!nd) return NULL;
        t->dir = nd;
        t->dircap = ncap;
    }
    WR_ASSERT(ns != INT64_MIN); /* reserved: wr_kv_ns_next starts below every namespace */
    kv_ns *n = st_alloc(t->s, sizeof(kv_ns), true);
    if (!n) return NULL;
    n->ns = ns;
    memmove(t->dir + i + 1, t->dir + i, (size_t)(t->ndir - i) * sizeof(kv_ns *));
    t->dir[i] = n;
    t->ndir++;
    return t->last = n;
}

/* Destroy every record of n and free it. */
static void ns_free(wr_kv *t, kv_ns *n)
{
    if (n->live)
        for (uint32_t i = 0; i < n->n; i++) {
            kv_ent *e = ent_at(t, n, i);
            if (!ent_dead(e)) destroy_rec(t, e);
        }
    t->count -= n->live;
    uint32_t i = dir_lower(t, n->ns);
    WR_ASSERT(i < t->ndir && t->dir[i] == n);
    memmove(t->dir + i, t->dir + i + 1, (size_t)(t->ndir - i - 1) * sizeof(kv_ns *));
    t->ndir--;
    if (t->last == n) t->last = NULL;
    ns_drop_old(t, n);
    if (n->slots) st_free(t->s, n->slots, ((size_t)n->mask + 1) * sizeof(uint32_t));
    st_free(t->s, n->ents, (size_t)n->cap * t->stride);
    st_free(t->s, n->keys, n->keys_cap);
    st_free(t->s, n, sizeof(kv_ns));
}

/* ------------------------------------------------------------------------------------------
 * TTL sweep
 * ---------------------------------------------------------------------------------------- */
static void ttl_sweep(wr_kv *t)
{
    if (!t->ndir) return;
    int64_t now = t->s->now;
    uint32_t budget = CLEAN_BUDGET;
    uint32_t di = dir_lower(t, t->clean_ns);
    if (di == t->ndir) {
        di = 0;
        t->clean_pos = 0;
    }
    kv_ns *n = t->dir[di];
    if (n->ns != t->clean_ns) t->clean_pos = 0;
    uint32_t pos = t->clean_pos;
    while (budget && pos < n->n) {
        kv_ent *e = ent_at(t, n, pos);
        if (!ent_dead(e) && expired(t, e, now)) ns_kill(t, n, pos, ns_slot_of(t, n, pos));
        pos++;
        budget--;
    }
    if (pos < n->n) {
        t->clean_ns = n->ns;
        t->clean_pos = pos;
        return;
    }
    /* Done with this namespace: move on (wrapping to the first). */
    t->clean_pos = 0;
    t->clean_ns = di + 1 < t->ndir ? t->dir[di + 1]->ns : INT64_MIN;
    if (n->live == 0) ns_free(t, n);
}

/* ------------------------------------------------------------------------------------------
 * Tables
 * ---------------------------------------------------------------------------------------- */
void *wr_kv_find(wr_kv *t, int64_t ns, uint64_t hash, const void *key, uint32_t klen)
{
    kv_ns *n = ns_get(t, ns);
    if (!n || !n->live) return NULL;
    uint32_t slot;
    int64_t i = ns_probe(t, n, hash, key, klen, &slot);
    if (i < 0) return NULL;
    kv_ent *e = ent_at(t, n, (uint32_t)i);
    if (t->s->o.ttl_us) {
        int64_t now = state_now(t->s);
        if (expired(t, e, now)) return NULL;
        set_atime(t, e, now);
    }
    return rec_of(e);
}

static kv_ent *kv_upsert_ent(wr_kv *t, int64_t ns, uint64_t hash, const void *key, uint32_t klen,
                             bool *inserted)
{
    wr_state *s = t->s;
    int64_t now = 0;
    if (s->o.ttl_us) {
        now = state_now(s);
        if (WR_UNLIKELY(++t->clean_tick >= CLEAN_EVERY)) {
            t->clean_tick = 0;
            ttl_sweep(t);
        }
    }
    kv_ns *n = ns_get_or_create(t, ns);
    if (!n) return NULL;
    if (WR_UNLIKELY(klen & DEAD_BIT)) return NULL;
    if (WR_UNLIKELY(ns_make_room(t, n, klen > KEY_INLINE ? klen : 0) != WR_OK)) return NULL;
    uint32_t slot;
    int64_t i = ns_probe(t, n, hash, key, klen, &slot);
    if (i >= 0) {
        kv_ent *e = ent_at(t, n, (uint32_t)i);
        *inserted = false;
        if (s->o.ttl_us) {
            if (expired(t, e, now)) {
                destroy_rec(t, e);
                memset(rec_of(e), 0, t->codec.size);
                *inserted = true;
            }
            set_atime(t, e, now);
        }
        return e;
    }
    uint32_t kg = (uint32_t)(hash % s->o.max_par);
    WR_ASSERT(kg >= s->o.kg_start && kg <= s->o.kg_end);
    uint32_t idx = n->n++;
    kv_ent *e = ent_at(t, n, idx);
    memset(e, 0, t->stride);
    e->hash = hash;
    e->klen = klen;
    if (klen <= KEY_INLINE) {
        if (klen) memcpy(e->key, key, klen);
    } else {
        memcpy(e->key, &n->keys_len, 4);
        memcpy(n->keys + n->keys_len, key, klen);
        n->keys_len += klen;
    }
    if (t->atime_off) set_atime(t, e, now);
    n->slots[slot] = idx + 1;
    n->live++;
    t->count++;
    *inserted = true;
    return e;
}

void *wr_kv_upsert(wr_kv *t, int64_t ns, uint64_t hash, const void *key, uint32_t klen,
                   bool *inserted)
{
    kv_ent *e = kv_upsert_ent(t, ns, hash, key, klen, inserted);
    return e ? rec_of(e) : NULL;
}

bool wr_kv_remove(wr_kv *t, int64_t ns, uint64_t hash, const void *key, uint32_t klen)
{
    kv_ns *n = ns_get(t, ns);
    if (!n || !n->live) return false;
    uint32_t slot;
    int64_t i = ns_probe(t, n, hash, key, klen, &slot);
    if (i < 0) return false;
    bool visible = !t->s->o.ttl_us || !expired(t, ent_at(t, n, (uint32_t)i), state_now(t->s));
    ns_kill(t, n, (uint32_t)i, slot);
    if (n->live == 0) ns_free(t, n);
    return visible;
}

uint64_t wr_kv_count(const wr_kv *t)
{
    return t->count;
}

uint32_t wr_kv_ns_count(const wr_kv *t, int64_t ns)
{
    uint32_t i = dir_lower(t, ns);
    return i < t->ndir && t->dir[i]->ns == ns ? t->dir[i]->live : 0;
}

bool wr_kv_ns_next(const wr_kv *t, int64_t after, int64_t *ns)
{
    if (after == INT64_MAX) return false;
    for (uint32_t i = dir_lower(t, after + 1); i < t->ndir; i++)
        if (t->dir[i]->live) {
            *ns = t->dir[i]->ns;
            return true;
        }
    return false;
}

void wr_kv_ns_drop(wr_kv *t, int64_t ns)
{
    kv_ns *n = ns_get(t, ns);
    if (n) ns_free(t, n);
}

void wr_kv_iter_init(wr_kv_iter *it, wr_kv *t, int64_t ns)
{
    it->t = t;
    it->ns = ns;
    it->priv = ns_get(t, ns);
    it->pos = 0;
}

bool wr_kv_iter_next(wr_kv_iter *it, const uint8_t **key, uint32_t *klen, uint64_t *hash,
                     void **rec)
{
    kv_ns *n = it->priv;
    if (!n) return false;
    wr_kv *t = it->t;
    int64_t ttl = t->s->o.ttl_us;
    int64_t now = ttl ? state_now(t->s) : 0;
    while (it->pos < n->n) {
        kv_ent *e = ent_at(t, n, (uint32_t)it->pos++);
        if (ent_dead(e) || (ttl && expired(t, e, now))) continue;
        *key = ent_key(n, e);
        *klen = e->klen;
        *hash = e->hash;
        *rec = rec_of(e);
        return true;
    }
    /* At the end: a namespace emptied by wr_kv_iter_remove goes now. */
    if (n->live == 0) ns_free(t, n);
    it->priv = NULL;
    return false;
}

void wr_kv_iter_remove(wr_kv_iter *it)
{
    kv_ns *n = it->priv;
    WR_ASSERT(n && it->pos > 0);
    uint32_t i = (uint32_t)it->pos - 1;
    WR_ASSERT(!ent_dead(ent_at(it->t, n, i)));
    ns_kill(it->t, n, i, ns_slot_of(it->t, n, i));
}

/* ------------------------------------------------------------------------------------------
 * State
 * ---------------------------------------------------------------------------------------- */
int wr_state_new(const wr_state_opts *o, wr_state **out, wr_error *err)
{
    *out = NULL;
    if (o->kind == WR_STATE_ROCKSDB)
        return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                            "state backend 'rocksdb' is not supported yet (use the heap backend)");
    if (o->kind != WR_STATE_HEAP || o->max_par == 0 || o->kg_start > o->kg_end ||
        o->kg_end >= o->max_par || o->ttl_us < 0)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "state: bad options (key groups [%u, %u] of %u, ttl %lld)", o->kg_start,
                            o->kg_end, o->max_par, (long long)o->ttl_us);
    wr_state *s = wr_calloc_owned(o->mem, 1, sizeof(*s));
    if (!s) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    s->o = *o;
    s->mem = o->mem;
    s->name = wr_strdup(o->name ? o->name : "state");
    if (!s->name) {
        wr_free(s);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    s->o.name = s->name;
    s->bytes = sizeof(*s);
    s->now = wr_wall_us();
    wr_buf_init(&s->scratch);
    *out = s;
    return WR_OK;
}

void wr_state_free(wr_state *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < s->ntables; i++) {
        wr_kv *t = s->tables[i];
        while (t->ndir)
            ns_free(t, t->dir[t->ndir - 1]);
        st_free(s, t->dir, (size_t)t->dircap * sizeof(kv_ns *));
        wr_free(t->name);
        st_free(s, t, sizeof(*t));
    }
    st_free(s, s->tables, (size_t)s->ntables * sizeof(wr_kv *));
    wr_buf_free(&s->scratch);
    wr_free(s->name);
    wr_free(s);
}

int wr_state_kv(wr_state *s, const char *name, const wr_kv_codec *codec, wr_kv **out, wr_error *err)
{
    *out = NULL;
    for (uint32_t i = 0; i < s->ntables; i++)
        if (strcmp(s->tables[i]->name, name) == 0) {
            if (s->tables[i]->codec.size != codec->size)
                return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                                    "%s: state table '%s' exists with records of %u bytes, not "
                                    "%u",
                                    s->name, name, s->tables[i]->codec.size, codec->size);
            *out = s->tables[i];
            return WR_OK;
        }
    size_t len = strlen(name);
    if (codec->size == 0 || codec->size > (1u << 30) || len == 0 || len > 255)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "%s: state table '%s': bad name or record size %u", s->name, name,
                            codec->size);
    wr_kv *t = st_alloc(s, sizeof(*t), true);
    char *nm = wr_strdup(name);
    wr_kv **nt = t && nm ? st_realloc(s, s->tables, (size_t)s->ntables * sizeof(wr_kv *),
                                      (size_t)(s->ntables + 1) * sizeof(wr_kv *))
                         : NULL;
    if (!nt) {
        if (t) st_free(s, t, sizeof(*t));
        wr_free(nm);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    s->tables = nt;
    t->s = s;
    t->name = nm;
    t->codec = *codec;
    /* Records start 16-byte aligned; with a TTL the access time follows the record. */
    uint32_t rsize = (codec->size + 7) & ~7u;
    if (s->o.ttl_us) {
        t->atime_off = ENT_HDR + rsize;
        rsize += 8;
    }
    t->stride = ENT_HDR + ((rsize + 15) & ~15u);
    t->clean_ns = INT64_MIN;
    s->tables[s->ntables++] = t;
    *out = t;
    return WR_OK;
}

size_t wr_state_bytes(const wr_state *s)
{
    return s->bytes;
}

/* ------------------------------------------------------------------------------------------
 * Snapshot and restore. A record goes into the snapshot as (key group, ns, key bytes,
 * value) where value = u64 key hash, i64 last access time (both little-endian; the time is
 * the snapshot's time when the table has no TTL), then the codec's encoding. The hash is
 * kept because it is the operator's partitioning hash, which the state cannot recompute.
 * ---------------------------------------------------------------------------------------- */
static void le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

int wr_state_snapshot(wr_state *s, wr_snap_writer *w, wr_error *err)
{
    int64_t now = s->manual_clock ? s->now : (s->now = wr_wall_us());
    wr_buf *b = &s->scratch;
    for (uint32_t ti = 0; ti < s->ntables; ti++) {
        wr_kv *t = s->tables[ti];
        bool ttl = s->o.ttl_us != 0;
        for (uint32_t d = 0; d < t->ndir; d++) {
            kv_ns *n = t->dir[d];
            for (uint32_t i = 0; i < n->n; i++) {
                kv_ent *e = ent_at(t, n, i);
                if (ent_dead(e) || (ttl && expired(t, e, now))) continue;
                wr_buf_clear(b);
                uint8_t hdr[SNAP_VAL_HDR];
                le64(hdr, e->hash);
                le64(hdr + 8, (uint64_t)(ttl ? get_atime(t, e) : now));
                int rc = wr_buf_append(b, hdr, sizeof(hdr));
                if (!rc)
                    rc = t->codec.encode ? t->codec.encode(t->codec.arg, rec_of(e), b)
                                         : wr_buf_append(b, rec_of(e), t->codec.size);
                if (rc)
                    return wr_error_set(err, rc, WR_DOMAIN_INTERNAL,
                                        "%s: encoding a record of state table '%s': %s", s->name,
                                        t->name, wr_err_str(rc));
                if (b->len > UINT32_MAX)
                    return wr_error_set(err, WR_ELIMIT, WR_DOMAIN_INTERNAL,
                                        "%s: a record of state table '%s' encodes to %zu bytes",
                                        s->name, t->name, b->len);
                rc = wr_snap_put(w, t->name, (uint32_t)(e->hash % s->o.max_par), n->ns,
                                 ent_key(n, e), e->klen, b->ptr, (uint32_t)b->len, err);
                if (rc) return rc;
            }
        }
    }
    return WR_OK;
}

static int restore_table(wr_state *s, wr_kv *t, wr_snap_reader *r, wr_error *err)
{
    wr_snap_rec rec;
    int rc;
    int64_t now = s->manual_clock ? s->now : wr_wall_us();
    wr_snap_rewind(r, t->name);
    while ((rc = wr_snap_next(r, t->name, &rec, err)) == 1) {
        if (rec.vlen < SNAP_VAL_HDR || rd64(rec.val) % s->o.max_par != rec.kg)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL,
                                "%s: restoring state table '%s': a record of key group %u is "
                                "malformed or hashes to another key group",
                                s->name, t->name, rec.kg);
        uint64_t hash = rd64(rec.val);
        int64_t atime = (int64_t)rd64(rec.val + 8);
        if (s->o.ttl_us && now - atime > s->o.ttl_us) continue;
        bool inserted;
        kv_ent *e = kv_upsert_ent(t, rec.ns, hash, rec.key, rec.klen, &inserted);
        if (!e)
            return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL,
                                "%s: restoring state table '%s': out of memory", s->name, t->name);
        if (!inserted)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL,
                                "%s: restoring state table '%s': a key appears twice in "
                                "namespace %lld",
                                s->name, t->name, (long long)rec.ns);
        if (t->atime_off) set_atime(t, e, atime);
        const uint8_t *p = rec.val + SNAP_VAL_HDR;
        size_t len = rec.vlen - SNAP_VAL_HDR;
        if (t->codec.decode) {
            wr_error_clear(err);
            rc = t->codec.decode(t->codec.arg, p, len, rec_of(e), err);
            /* A decoder may return a code without a message (WR_ENOMEM). */
            if (rc && err && err->code != rc)
                wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "decoding a record: %s", wr_err_str(rc));
        } else if (len != t->codec.size) {
            rc = wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL,
                              "record of %zu bytes, expected %u", len, t->codec.size);
        } else {
            memcpy(rec_of(e), p, len);
            rc = WR_OK;
        }
        if (rc) {
            wr_kv_remove(t, rec.ns, hash, rec.key, rec.klen);
            if (err) wr_error_prefix(err, "%s: restoring state table '%s': ", s->name, t->name);
            return rc;
        }
    }
    return rc;
}

int wr_state_restore(wr_state *s, wr_snap_reader *r, wr_error *err)
{
    uint32_t max_par, k0, k1;
    wr_snap_reader_range(r, &max_par, &k0, &k1);
    if (max_par != s->o.max_par || k0 < s->o.kg_start || k1 > s->o.kg_end)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "%s: restoring key groups [%u, %u] of %u into state owning [%u, %u] "
                            "of %u",
                            s->name, k0, k1, max_par, s->o.kg_start, s->o.kg_end, s->o.max_par);
    for (uint32_t i = 0; i < wr_snap_reader_ntables(r); i++) {
        uint64_t keyed;
        const char *name = wr_snap_reader_table(r, i, &keyed, NULL);
        if (!keyed) continue;
        bool known = false;
        for (uint32_t j = 0; j < s->ntables && !known; j++)
            known = strcmp(s->tables[j]->name, name) == 0;
        if (!known)
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "%s: the snapshot holds state table '%s' (%llu records) that "
                                "this operator does not have: state this version of the "
                                "operator cannot read",
                                s->name, name, (unsigned long long)keyed);
    }
    for (uint32_t i = 0; i < s->ntables; i++) {
        int rc = restore_table(s, s->tables[i], r, err);
        if (rc) return rc;
    }
    return WR_OK;
}
