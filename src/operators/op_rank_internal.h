/* op_rank_internal.h - pieces shared by the ranking and ordering operators (op_rank.c,
 * op_dedup.c, op_window_rank.c, op_misc.c); not for other modules.
 *
 * - Order-preserving key encoding: a tuple of columns becomes bytes whose memcmp order is the
 *   SQL order of the tuple (ASC/DESC, NULLS FIRST/LAST per column). Used for sort keys and,
 *   with ASC NULLS FIRST, for partition keys (so partitions also sort by their values).
 * - Row encoding: every column of a row in a compact, decodable form (a presence byte, then
 *   the fixed-width value or a u32 length and the bytes); two rows are equal in all columns
 *   exactly when their encodings are equal.
 * - rk_row: one stored row (sort key + row bytes in one allocation).
 * - rk_list: rows ordered by key, in blocks of at most RK_BLK_MAX pointers, so that an insert
 *   or a removal moves at most one block's pointers and finding the n-th row walks block
 *   counts.
 * - rk_out: builds output batches from stored rows (row kind, optional rank column). */
#ifndef WR_OP_RANK_INTERNAL_H
#define WR_OP_RANK_INTERNAL_H

#include <string.h>

#include "operators/op_rank.h"

/* ------------------------------------------------------------------------------------------
 * Order-preserving keys for a whole batch
 * ---------------------------------------------------------------------------------------- */
typedef struct rk_keys {
    uint8_t *buf;
    size_t cap;
    uint32_t *off; /* row i's key starts at buf + off[i] */
    uint32_t *len; /* and has len[i] bytes */
    uint32_t rows_cap;
    wr_mem_owner *mem;
} rk_keys;

typedef enum rk_seq_mode {
    RK_SEQ_NONE = 0, /* no suffix */
    RK_SEQ_ASC,      /* 8-byte big-endian sequence: ties by arrival, earliest first */
    RK_SEQ_DESC,     /* inverted sequence: ties by arrival, latest first */
} rk_seq_mode;

/* Copies of a config's partition columns and, when sort_out is not NULL, sort keys (either
 * list may be empty: a one-element allocation then), for the operators' cfg_new. WR_ENOMEM,
 * with nothing allocated. */
int wr_rk_cfg_keys_dup(const uint32_t *partition, uint32_t npartition, const wr_sort_key *sort,
                       uint32_t nsort, uint32_t **partition_out, wr_sort_key **sort_out);

void wr_rk_keys_init(rk_keys *k, wr_mem_owner *mem);
void wr_rk_keys_free(rk_keys *k);
/* Encode the keys of rows [0, in->len); with a sequence mode, row i gets seq0 + i as its
 * suffix. WR_ENOMEM / WR_ELIMIT (more than 4 GiB of keys in one batch). */
int wr_rk_keys_encode(rk_keys *k, const wr_batch *in, const wr_sort_key *keys, uint32_t nkeys,
                      rk_seq_mode seq, uint64_t seq0);
/* Partition keys: the columns ASC NULLS FIRST, no suffix. */
int wr_rk_keys_encode_cols(rk_keys *k, const wr_batch *in, const uint32_t *cols, uint32_t ncols);

static inline int wr_rk_keycmp(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

/* The first 8 key bytes as a big-endian integer (zero-padded): a < b as integers implies
 * key a < key b, so comparisons look at the bytes only when the prefixes are equal. */
static inline uint64_t wr_rk_key_prefix(const uint8_t *key, uint32_t klen)
{
    uint8_t b[8] = {0};
    memcpy(b, key, klen < 8 ? klen : 8);
    return ((uint64_t)b[0] << 56) | ((uint64_t)b[1] << 48) | ((uint64_t)b[2] << 40) |
           ((uint64_t)b[3] << 32) | ((uint64_t)b[4] << 24) | ((uint64_t)b[5] << 16) |
           ((uint64_t)b[6] << 8) | (uint64_t)b[7];
}

/* ------------------------------------------------------------------------------------------
 * Stored rows
 * ---------------------------------------------------------------------------------------- */
typedef struct rk_row {
    uint32_t klen;  /* sort key bytes (with the sequence suffix, if any) */
    uint32_t rlen;  /* row bytes */
    int64_t aux;    /* per operator: the rowtime for deduplication */
    uint8_t data[]; /* key, then row */
} rk_row;

#define RK_ROW_KEY(r) ((r)->data)
#define RK_ROW_REC(r) ((r)->data + (r)->klen)

/* Bytes of row i of `in` in the row encoding. */
size_t wr_rk_row_size(const wr_batch *in, uint32_t i);
/* Write row i of `in` (wr_rk_row_size bytes) at dst. */
void wr_rk_row_write(const wr_batch *in, uint32_t i, uint8_t *dst);
/* New stored row: the given key bytes and row i of `in`. NULL on ENOMEM. */
rk_row *wr_rk_row_new(wr_mem_owner *mem, const uint8_t *key, uint32_t klen, const wr_batch *in,
                      uint32_t i);
/* Whether row i of `in` encodes to exactly rec[0..rlen). */
bool wr_rk_row_equals(const wr_batch *in, uint32_t i, const uint8_t *rec, uint32_t rlen);
/* Decode a row encoding into row r of b (columns [0, ncols)); strings copied into b. */
int wr_rk_row_decode(const uint8_t *rec, wr_batch *b, uint32_t ncols, uint32_t r);

/* ------------------------------------------------------------------------------------------
 * Ordered list of stored rows
 * ---------------------------------------------------------------------------------------- */
#define RK_BLK_MAX 128

/* A block: n rows of cap; the cap row pointers are followed by cap key prefixes. */
typedef struct rk_blk {
    uint32_t n, cap;
    rk_row *rows[];
} rk_blk;

typedef struct rk_list {
    rk_blk **blks;
    uint32_t nblk, cap;
    uint64_t count;
    uint64_t last_pfx; /* key prefix of the last row (when count > 0) */
} rk_list;

typedef struct rk_iter {
    const rk_list *l;
    uint32_t b, i;
} rk_iter;

/* Free every block and, with free_rows, every row. The list is empty after. */
void wr_rk_list_clear(rk_list *l, bool free_rows);
/* Insert `row` after every row whose key is <= its key. Returns its 1-based position, or
 * cap + 1 when that position is beyond cap (the exact position is not computed then).
 * WR_ENOMEM (negative) on failure (the row is not inserted then). */
int64_t wr_rk_list_insert(rk_list *l, wr_mem_owner *mem, rk_row *row, uint64_t cap);
/* Find the earliest row whose key starts with key[0..klen) and whose row bytes are rec[0..rlen)
 * (the key is the row's sort key without its suffix). Returns its 1-based position (or
 * cap + 1 when beyond cap) and its place in *it; 0 when absent. */
uint64_t wr_rk_list_find(const rk_list *l, const uint8_t *key, uint32_t klen, const uint8_t *rec,
                         uint32_t rlen, uint64_t cap, rk_iter *it);
/* Remove the row at it (from wr_rk_list_find) and return it. */
rk_row *wr_rk_list_remove(rk_list *l, const rk_iter *it);
/* Iterator at 1-based position pos (pos may be count + 1: the end). */
void wr_rk_list_seek(const rk_list *l, uint64_t pos, rk_iter *it);
/* The row at the iterator and advance; NULL at the end. */
static inline rk_row *wr_rk_iter_next(rk_iter *it)
{
    const rk_list *l = it->l;
    while (it->b < l->nblk) {
        rk_blk *b = l->blks[it->b];
        if (it->i < b->n) return b->rows[it->i++];
        it->b++;
        it->i = 0;
    }
    return NULL;
}
static inline rk_row *wr_rk_list_at(const rk_list *l, uint64_t pos)
{
    rk_iter it;
    wr_rk_list_seek(l, pos, &it);
    return wr_rk_iter_next(&it);
}
static inline rk_row *wr_rk_list_last(const rk_list *l)
{
    if (!l->nblk) return NULL;
    rk_blk *b = l->blks[l->nblk - 1];
    return b->rows[b->n - 1];
}
/* Whether a key sorts at or after the last row's (the list is not empty): a row with that
 * key would go to the end. Usually decided by the cached prefix, without touching a row. */
static inline bool wr_rk_list_after_last(const rk_list *l, const uint8_t *key, uint32_t klen)
{
    uint64_t p = wr_rk_key_prefix(key, klen);
    if (p != l->last_pfx) return p > l->last_pfx;
    const rk_row *last = wr_rk_list_last(l);
    return wr_rk_keycmp(key, klen, RK_ROW_KEY(last), last->klen) >= 0;
}
/* Remove and return the last row (the list is not empty). */
rk_row *wr_rk_list_pop_last(rk_list *l);

/* ------------------------------------------------------------------------------------------
 * Output batches
 * ---------------------------------------------------------------------------------------- */
typedef struct rk_out {
    wr_op_ctx *ctx;
    const wr_schema *schema;
    wr_mem_owner *mem;
    uint32_t batch_rows;
    uint32_t ncols; /* row columns (the input's) */
    bool rank_col;  /* column ncols is the rank */
    bool emit_ub;   /* -U rows are emitted */
    wr_batch *cur;  /* being filled, or NULL */
    uint64_t rows;  /* rows emitted so far */
} rk_out;

void wr_rk_out_init(rk_out *o, wr_op_ctx *ctx, uint32_t ncols, bool rank_col, bool emit_ub);
/* Append a stored row with a row kind (and the rank when rank_col). */
int wr_rk_out_row(rk_out *o, const uint8_t *rec, uint8_t kind, int64_t rank);
/* Emit the batch being filled, if any. */
int wr_rk_out_flush(rk_out *o);
void wr_rk_out_discard(rk_out *o);

/* ------------------------------------------------------------------------------------------
 * Config helpers
 * ---------------------------------------------------------------------------------------- */
/* Check sort keys / columns against a schema (index in range, type orderable). */
int wr_rk_check_cols(const char *what, const uint32_t *cols, uint32_t n, const wr_schema *in,
                     wr_error *err);
int wr_rk_check_sort(const wr_sort_key *keys, uint32_t n, const wr_schema *in, wr_error *err);
/* Output schema = input (+ rank column BIGINT NOT NULL named rank_name or "w0$o0"). */
int wr_rk_schema(const wr_schema *in, bool rank_col, const char *rank_name, wr_schema **out,
                 wr_error *err);
/* Check that the operator's output schema matches input (+ rank). */
int wr_rk_check_output(wr_op_ctx *ctx, bool rank_col, wr_error *err);
void wr_rk_stats_rows(wr_rank_stats *s, int64_t delta_rows, int64_t delta_parts, int64_t now_rows);
int wr_rk_nomem(wr_op_ctx *ctx, wr_error *err);

#endif
