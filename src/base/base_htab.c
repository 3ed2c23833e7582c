/* base_htab.c - chained hash table that grows by incremental rehash. When the load reaches
 * one entry per bucket a second table of twice the size is allocated and every later
 * find/upsert/remove moves one non-empty bucket (looking at a bounded number of empty ones)
 * from the old table to the new, so the cost of growing is spread over the operations that
 * follow instead of landing on one unlucky insert. Each entry is one allocation holding the
 * key bytes and the full hash, so moving an entry never rehashes its key. */
#include "base/base.h"

#include <string.h>

#define HTAB_INITIAL_SIZE 8
#define HTAB_EMPTY_VISITS 10 /* empty buckets a step may skip per bucket moved */

struct wr_htab_entry {
    wr_htab_entry *next;
    uint64_t hash;
    void *value;
    size_t key_len;
    char key[];
};

void wr_htab_init(wr_htab *h, wr_mem_owner *owner)
{
    h->t[0] = h->t[1] = NULL;
    h->size[0] = h->size[1] = 0;
    h->used[0] = h->used[1] = 0;
    h->rehash_idx = -1;
    h->owner = owner;
}

void wr_htab_free(wr_htab *h, void (*free_value)(void *value))
{
    for (int t = 0; t < 2; t++) {
        for (size_t b = 0; b < h->size[t]; b++) {
            wr_htab_entry *e = h->t[t][b];
            while (e) {
                wr_htab_entry *next = e->next;
                if (free_value && e->value) free_value(e->value);
                wr_free(e);
                e = next;
            }
        }
        wr_free(h->t[t]);
    }
    wr_htab_init(h, h->owner);
}

size_t wr_htab_count(const wr_htab *h)
{
    return h->used[0] + h->used[1];
}

bool wr_htab_is_rehashing(const wr_htab *h)
{
    return h->rehash_idx != -1;
}

/* Move up to n non-empty buckets from t[0] to t[1]; finish the rehash when t[0] is empty. */
static void rehash_step(wr_htab *h, size_t n)
{
    if (h->rehash_idx == -1) return;
    size_t empty_visits = n * HTAB_EMPTY_VISITS;
    size_t idx = (size_t)h->rehash_idx;
    size_t mask1 = h->size[1] - 1;
    while (n-- && h->used[0] != 0) {
        /* used[0] > 0 guarantees a non-empty bucket at or after idx. */
        while (h->t[0][idx] == NULL) {
            idx++;
            if (--empty_visits == 0) goto out;
        }
        wr_htab_entry *e = h->t[0][idx];
        while (e) {
            wr_htab_entry *next = e->next;
            size_t b = e->hash & mask1;
            e->next = h->t[1][b];
            h->t[1][b] = e;
            h->used[0]--;
            h->used[1]++;
            e = next;
        }
        h->t[0][idx] = NULL;
        idx++;
    }
out:
    h->rehash_idx = (ssize_t)idx;
    if (h->used[0] == 0) {
        wr_free(h->t[0]);
        h->t[0] = h->t[1];
        h->size[0] = h->size[1];
        h->used[0] = h->used[1];
        h->t[1] = NULL;
        h->size[1] = 0;
        h->used[1] = 0;
        h->rehash_idx = -1;
    }
}

static inline bool entry_matches(const wr_htab_entry *e, uint64_t hash, const void *key,
                                 size_t key_len)
{
    return e->hash == hash && e->key_len == key_len &&
           (key_len == 0 || memcmp(e->key, key, key_len) == 0);
}

/* The link that points at the matching entry (so remove can unlink it), or NULL. */
static wr_htab_entry **lookup_link(wr_htab *h, uint64_t hash, const void *key, size_t key_len,
                                   int *table)
{
    for (int t = 0; t < 2; t++) {
        if (h->size[t] == 0) continue;
        wr_htab_entry **link = &h->t[t][hash & (h->size[t] - 1)];
        for (; *link; link = &(*link)->next)
            if (entry_matches(*link, hash, key, key_len)) {
                if (table) *table = t;
                return link;
            }
        if (h->rehash_idx == -1) break;
    }
    return NULL;
}

void **wr_htab_find(wr_htab *h, uint64_t hash, const void *key, size_t key_len)
{
    rehash_step(h, 1);
    wr_htab_entry **link = lookup_link(h, hash, key, key_len, NULL);
    return link ? &(*link)->value : NULL;
}

/* Returns false only when there is no table at all and none could be allocated; failing to
 * grow an existing table just leaves its chains a little longer. */
static bool ensure_capacity(wr_htab *h)
{
    if (h->size[0] == 0) {
        h->t[0] = wr_calloc_owned(h->owner, HTAB_INITIAL_SIZE, sizeof(wr_htab_entry *));
        if (!h->t[0]) return false;
        h->size[0] = HTAB_INITIAL_SIZE;
        return true;
    }
    if (h->rehash_idx != -1 || h->used[0] < h->size[0]) return true;
    size_t size = h->size[0] * 2;
    if (size > SIZE_MAX / sizeof(wr_htab_entry *)) return true;
    wr_htab_entry **t = wr_calloc_owned(h->owner, size, sizeof(wr_htab_entry *));
    if (!t) return true;
    h->t[1] = t;
    h->size[1] = size;
    h->used[1] = 0;
    h->rehash_idx = 0;
    return true;
}

void **wr_htab_upsert(wr_htab *h, uint64_t hash, const void *key, size_t key_len, bool *inserted)
{
    rehash_step(h, 1);
    if (inserted) *inserted = false;
    wr_htab_entry **link = lookup_link(h, hash, key, key_len, NULL);
    if (link) return &(*link)->value;

    if (key_len > SIZE_MAX - sizeof(wr_htab_entry)) return NULL;
    if (!ensure_capacity(h)) return NULL;
    wr_htab_entry *e = wr_malloc_owned(h->owner, sizeof(wr_htab_entry) + key_len);
    if (!e) return NULL;
    e->hash = hash;
    e->value = NULL;
    e->key_len = key_len;
    if (key_len) memcpy(e->key, key, key_len);
    /* New entries go to the new table while rehashing so the old one only ever shrinks. */
    int t = h->rehash_idx != -1 ? 1 : 0;
    wr_htab_entry **bucket = &h->t[t][hash & (h->size[t] - 1)];
    e->next = *bucket;
    *bucket = e;
    h->used[t]++;
    if (inserted) *inserted = true;
    return &e->value;
}

bool wr_htab_remove(wr_htab *h, uint64_t hash, const void *key, size_t key_len, void **value)
{
    rehash_step(h, 1);
    int t = 0;
    wr_htab_entry **link = lookup_link(h, hash, key, key_len, &t);
    if (!link) return false;
    wr_htab_entry *e = *link;
    *link = e->next;
    h->used[t]--;
    if (value) *value = e->value;
    wr_free(e);
    return true;
}

void wr_htab_iter_init(wr_htab *h, wr_htab_iter *it)
{
    /* Finish any rehash first: a find during the iteration would otherwise move buckets
     * under the iterator (visiting entries twice or not at all) and could free t[0]. With
     * one table, nothing but an insert or remove (which the contract forbids) changes it. */
    while (h->rehash_idx != -1)
        rehash_step(h, SIZE_MAX / HTAB_EMPTY_VISITS);
    it->h = h;
    it->table = 0;
    it->bucket = 0;
    it->next = NULL;
}

bool wr_htab_iter_next(wr_htab_iter *it, const void **key, size_t *key_len, void ***value)
{
    wr_htab *h = it->h;
    while (!it->next) {
        if (it->table > 1) return false;
        if (it->bucket >= h->size[it->table]) {
            it->table++;
            it->bucket = 0;
            continue;
        }
        it->next = h->t[it->table][it->bucket++];
    }
    wr_htab_entry *e = it->next;
    it->next = e->next;
    if (key) *key = e->key;
    if (key_len) *key_len = e->key_len;
    if (value) *value = &e->value;
    return true;
}
