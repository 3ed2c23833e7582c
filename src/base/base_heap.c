/* base_heap.c - binary min-heap of (key, seq, value) in one array. The insertion sequence
 * breaks ties between equal keys, which makes the order fully deterministic: timers for the
 * same instant fire in registration order, on every run and after every restore. */
#include "base/base.h"

static inline bool item_less(const wr_heap_item *a, const wr_heap_item *b)
{
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

void wr_heap_init(wr_heap *h, wr_mem_owner *owner)
{
    h->items = NULL;
    h->len = 0;
    h->cap = 0;
    h->next_seq = 0;
    h->owner = owner;
}

void wr_heap_free(wr_heap *h)
{
    wr_free(h->items);
    h->items = NULL;
    h->len = 0;
    h->cap = 0;
}

int wr_heap_push(wr_heap *h, int64_t key, uint64_t value)
{
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        if (cap > SIZE_MAX / sizeof(wr_heap_item)) return WR_ENOMEM;
        wr_heap_item *items = wr_realloc_owned(h->owner, h->items, cap * sizeof *items);
        if (!items) return WR_ENOMEM;
        h->items = items;
        h->cap = cap;
    }
    wr_heap_item it = {.key = key, .seq = h->next_seq++, .value = value};
    /* Sift up by moving parents into the hole, writing the new item once at the end. */
    size_t i = h->len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!item_less(&it, &h->items[parent])) break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i] = it;
    return WR_OK;
}

bool wr_heap_peek(const wr_heap *h, int64_t *key, uint64_t *value)
{
    if (h->len == 0) return false;
    if (key) *key = h->items[0].key;
    if (value) *value = h->items[0].value;
    return true;
}

bool wr_heap_pop(wr_heap *h, int64_t *key, uint64_t *value)
{
    if (h->len == 0) return false;
    if (key) *key = h->items[0].key;
    if (value) *value = h->items[0].value;
    wr_heap_item last = h->items[--h->len];
    size_t n = h->len, i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && item_less(&h->items[child + 1], &h->items[child])) child++;
        if (!item_less(&h->items[child], &last)) break;
        h->items[i] = h->items[child];
        i = child;
    }
    if (n) h->items[i] = last;
    return true;
}
