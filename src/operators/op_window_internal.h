/* op_window_internal.h - pieces shared by the window operators (op_window_agg.c,
 * op_session.c, op_window_assign.c) and nothing else: the group-key codec, the key table
 * that holds accumulators, the sort of fired rows and the writer of result batches.
 *
 * Key encoding: the GROUP BY columns of a row become one byte string, column after column:
 * a tag byte (0 = NULL, 1 = value) and then, for fixed-width types, `width` bytes of the
 * value (zeros for NULL), for strings a 4-byte length and the bytes (length 0 for NULL).
 * Equal keys encode to equal bytes, so the table compares keys with memcmp; the typed
 * comparison (wkey_cmp) orders them by value for deterministic output. */
#ifndef WR_OP_WINDOW_INTERNAL_H
#define WR_OP_WINDOW_INTERNAL_H

#include "operators/op_window.h"

#include <string.h>

/* ------------------------------------------------------------------------------------------
 * Key codec
 * ---------------------------------------------------------------------------------------- */
typedef struct wkey_codec {
    uint32_t nkeys;
    uint32_t *cols; /* input columns */
    uint8_t *phys;  /* wr_phys per key */
    uint8_t *width; /* bytes per value (strings: 0) */
    uint32_t fixed; /* encoded bytes of a row apart from string payloads */
    bool has_str;
    wr_mem_owner *mem;
} wkey_codec;

int wr_wkey_codec_init(wkey_codec *k, const uint32_t *cols, uint32_t n, const wr_schema *in,
                       wr_mem_owner *mem, wr_error *err);
void wr_wkey_codec_free(wkey_codec *k);

/* Scratch of one batch's encoded keys: row i is buf[off[i] .. off[i+1]). */
typedef struct wkey_batch {
    uint8_t *buf;
    size_t buf_cap;
    uint32_t *off; /* n + 1 */
    uint32_t *cur; /* per-row write cursor */
    uint32_t cap;  /* rows allocated */
    wr_mem_owner *mem;
} wkey_batch;

void wr_wkey_batch_free(wkey_batch *kb);
/* Encode rows [0, b->len) of b. WR_ENOMEM / WR_ELIMIT (key bytes of one batch over 4 GiB). */
int wr_wkey_encode(const wkey_codec *k, const wr_batch *b, wkey_batch *kb, wr_error *err);
/* Typed order of two encoded keys: NULL first, numbers by value (floating point in the
 * IEEE total order: -NaN < -Inf < ... < -0.0 < 0.0 < ... < NaN), strings by bytes. */
int wr_wkey_cmp(const wkey_codec *k, const uint8_t *a, const uint8_t *b);
/* 64 bits that order like the key's first column: prefix(a) < prefix(b) implies a < b
 * (equal prefixes decide nothing). */
uint64_t wr_wkey_prefix(const wkey_codec *k, const uint8_t *key);

/* Decode key column `key` of n encoded keys (keys[r], each starting at its column `key`
 * through cursors that the caller advances: pos[r] is the offset of column `key` in keys[r];
 * it is moved past the column) into rows [row0, row0 + n) of column col of out. */
int wr_wkey_decode_col(const wkey_codec *k, uint32_t key, const uint8_t *const *keys, uint32_t *pos,
                       uint32_t n, wr_batch *out, int32_t col, uint32_t row0);

/* ------------------------------------------------------------------------------------------
 * Key table: open addressing (linear probing) over an index array; entries live densely in
 * insertion order, each a 32-byte header followed by `payload` bytes (an accumulator
 * record, 16-byte aligned). Key bytes are copied into the table's key store. Entry indexes
 * are stable until a wtab_remove, which moves the last entry into the hole.
 * ---------------------------------------------------------------------------------------- */
typedef struct wtab_ent {
    uint64_t hash;
    uint32_t key_off;
    uint32_t key_len;
    uint64_t aux; /* free for the user (sessions: first session id) */
    uint64_t aux2;
} wtab_ent;

#define WTAB_HDR ((uint32_t)sizeof(wtab_ent))

typedef struct wtab {
    uint32_t *slots; /* 0 = empty, else entry index + 1 */
    uint32_t mask;   /* slots - 1; 0 with slots == NULL before the first insert */
    uint32_t n;      /* entries */
    uint32_t ents_cap;
    uint32_t stride;
    uint8_t *ents;
    uint8_t *keys;
    size_t keys_len, keys_cap, keys_dead;
    wr_mem_owner *mem;
} wtab;

void wr_wtab_init(wtab *t, uint32_t payload, wr_mem_owner *mem);
/* Frees memory only; destroying payloads is the caller's business. */
void wr_wtab_free(wtab *t);
/* Make room for n entries without growing (presizing a new slice like the last one). */
int wr_wtab_reserve(wtab *t, uint32_t n);
static inline wtab_ent *wr_wtab_ent(const wtab *t, uint32_t i)
{
    return (wtab_ent *)(t->ents + (size_t)i * t->stride);
}
static inline uint8_t *wr_wtab_payload(const wtab *t, uint32_t i)
{
    return t->ents + (size_t)i * t->stride + WTAB_HDR;
}
static inline const uint8_t *wr_wtab_key(const wtab *t, const wtab_ent *e)
{
    return t->keys + e->key_off;
}
/* Index of the entry with this key, or -1. */
static inline int64_t wr_wtab_find(const wtab *t, uint64_t hash, const uint8_t *key, uint32_t len)
{
    if (!t->slots) return -1;
    uint32_t s = (uint32_t)hash & t->mask;
    for (;;) {
        uint32_t v = t->slots[s];
        if (!v) return -1;
        const wtab_ent *e = wr_wtab_ent(t, v - 1);
        if (e->hash == hash && e->key_len == len && wr_bytes_eq(t->keys + e->key_off, key, len))
            return (int64_t)(v - 1);
        s = (s + 1) & t->mask;
    }
}
/* Find or insert (payload zeroed); *inserted tells which. Returns the index or -1 on
 * ENOMEM / ELIMIT. */
int64_t wr_wtab_upsert(wtab *t, uint64_t hash, const uint8_t *key, uint32_t len, bool *inserted);
/* Remove entry i; the last entry moves to index i (its index changes from n-1 to i). When
 * the table becomes empty all its memory is released. */
void wr_wtab_remove(wtab *t, uint32_t i);
/* Remove every entry, keeping capacity. */
void wr_wtab_clear(wtab *t);
/* Make dst (same payload size) a byte copy of src: entries, payloads, keys, index. */
int wr_wtab_copy(wtab *dst, const wtab *src);
size_t wr_wtab_bytes(const wtab *t);

/* ------------------------------------------------------------------------------------------
 * Fired rows: collected, sorted by (end, start, key), then written as result batches.
 * ---------------------------------------------------------------------------------------- */
typedef struct wrow {
    int64_t end;
    int64_t start;
    uint64_t prefix; /* order-preserving prefix of the key (wr_wkey_prefix), set when sorting */
    const uint8_t *key;
    uint8_t *acc;
} wrow;

typedef struct wout {
    const wr_window_agg_config *cfg;
    const wkey_codec *codec;
    const wr_agg_layout *layout;
    const wr_schema *out_schema;
    wr_schema *agg_schema; /* result types of the aggregates, when not written in place */
    int32_t agg_col0;      /* output column of aggregate 0 when they are in place, or -1 */
    int32_t *key_col;      /* per key: output column or -1 (first occurrence) */
    uint32_t batch_rows;
    wr_batch *cur; /* result batch being filled */
    uint64_t emitted;
    /* growable scratch */
    wrow *rows, *tmp;
    uint32_t nrows, cap;
    const uint8_t **kptr;
    uint32_t *kpos;
    uint8_t **accs;
    uint32_t scratch_cap;
    wr_mem_owner *mem;
} wout;

int wr_wout_init(wout *o, const wr_window_agg_config *cfg, const wkey_codec *codec,
                 const wr_agg_layout *layout, const wr_schema *out, uint32_t batch_rows,
                 wr_mem_owner *mem, wr_error *err);
void wr_wout_free(wout *o);
int wr_wout_grow(wout *o);
/* Sort the queued rows by (end, start, key) when asked and write them into result batches
 * (emitting every full one); then the queue is empty and the queued keys and accumulators
 * are no longer referenced. */
int wr_wout_write(wout *o, wr_op_ctx *ctx, bool sort, wr_error *err);
/* Emit the partly filled result batch, if any. */
int wr_wout_end(wout *o, wr_op_ctx *ctx, wr_error *err);

/* Queue one fired row. */
static inline int wr_wout_add(wout *o, int64_t start, int64_t end, const uint8_t *key, uint8_t *acc)
{
    if (WR_UNLIKELY(o->nrows == o->cap) && wr_wout_grow(o) != WR_OK) return WR_ENOMEM;
    o->rows[o->nrows++] = (wrow){end, start, 0, key, acc};
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Misc
 * ---------------------------------------------------------------------------------------- */
/* The largest window end that has fired at watermark wm: end - 1 ms <= wm. */
static inline int64_t wr_window_fire_limit(int64_t wm)
{
    if (wm > INT64_MAX - WR_WINDOW_MAX_TS_DELTA) return INT64_MAX;
    return wm + WR_WINDOW_MAX_TS_DELTA;
}

/* Grow *p (elements of size sz) to hold at least need elements; charged to mem. */
int wr_window_grow(void **p, uint32_t *cap, uint32_t need, size_t sz, wr_mem_owner *mem);

/* Fail unless every row of b is +I and no rowtime is NULL. */
int wr_window_check_input(const wr_batch *b, uint32_t rowtime_col, const char *opname,
                          wr_error *err);

/* Add the instance's state figures to the shared stats as deltas from what it last
 * published (so several subtasks sum up). */
typedef struct wstats_pub {
    int64_t windows, entries, bytes;
    uint64_t fired;
} wstats_pub;
void wr_window_stats_publish(wr_window_stats *s, wstats_pub *last, int64_t windows, int64_t entries,
                             int64_t bytes);
void wr_window_stats_fired(wr_window_stats *s, wstats_pub *last, uint64_t fired);

/* Open steps both window aggregation implementations share: validate the config, build the
 * aggregate layout, check the output schema, set up the key codec and the result writer. */
int wr_window_agg_common_open(const wr_window_agg_config *cfg, wr_op_ctx *ctx,
                              wr_agg_layout **layout, wkey_codec *codec, wout *out, wr_error *err);

/* The session implementation (op_session.c) behind wr_window_agg_vt. Its state starts with
 * an int holding WR_WINDOW_SESSION, the slicing state's with its window kind. */
int wr_session_agg_open(void **state, wr_op_ctx *ctx, const wr_window_agg_config *cfg,
                        wr_error *err);
int wr_session_agg_process(void *state, wr_op_ctx *ctx, wr_batch *in, wr_error *err);
/* Fire the sessions that watermark wm closes (does not forward wm). */
int wr_session_agg_fire(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err);
void wr_session_agg_close(void *state);
/* Checkpoint hooks of the session implementation (record formats in op_session.c). */
int wr_session_agg_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w,
                            wr_error *err);
int wr_session_agg_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err);

#endif
