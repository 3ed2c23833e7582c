/* op_join_internal.h - what the three join operators (op_join.c, op_interval_join.c,
 * op_window_join.c) share and nothing else uses: the join-key codec, the stored-row codec,
 * the typed gathers that build output batches from input rows and stored rows, the residual
 * predicate evaluator over (left, right) pairs, and the output writer.
 *
 * Join keys are encoded so that equal values give equal bytes on both sides: per key column
 * a tag byte (0 = NULL, 1 = value) and, for a value, integers of any width as 8 bytes
 * (int64), FLOAT/DOUBLE as a double (-0.0 folded into 0.0, one NaN), DECIMAL as 16 bytes
 * (int128 unscaled; both sides must have the same scale), BOOLEAN as one byte, strings and
 * bytes as a u32 length and the bytes. A NULL has no payload.
 *
 * Stored rows use a fixed layout so that any column can be read at a constant offset: a
 * validity bitmap (one bit per column), then one slot per column (the raw value, `width`
 * bytes; a string is a u32 offset from the row start and a u32 length), then the string
 * bytes in column order. A NULL has its bit clear and a zeroed slot, so equal rows have equal
 * bytes (the multiset of a regular join compares rows with memcmp, as Flink compares binary
 * rows). */
#ifndef WR_OP_JOIN_INTERNAL_H
#define WR_OP_JOIN_INTERNAL_H

#include "operators/op_join.h"

#include <string.h>

/* Pairs evaluated per residual call (rows of the temporary pair batch). */
#define WR_JOIN_PAIR_CHUNK 1024u

/* ------------------------------------------------------------------------------------------
 * Scratch growth
 * ---------------------------------------------------------------------------------------- */
/* Grow *p (elements of size sz) to at least n elements (capacity doubles); WR_ENOMEM. */
int wr_join_grow(wr_mem_owner *mem, void **p, uint32_t *cap, uint32_t n, size_t sz);

/* ------------------------------------------------------------------------------------------
 * Entry table: open addressing (linear probing, backward-shift deletion) over entries that
 * the caller allocates, each holding its key bytes at key_off and their u32 length at
 * len_off. A slot keeps the full hash beside the entry pointer, so a probe touches the entry
 * only when the hashes agree, and growing never rehashes keys. Doubles at load 1/2.
 * ---------------------------------------------------------------------------------------- */
typedef struct jtslot {
    uint64_t hash;
    void *e; /* NULL: empty */
} jtslot;

typedef struct jtab {
    jtslot *s;
    uint32_t cap; /* power of two; 0 before the first insert */
    uint32_t n;
    uint32_t len_off, key_off;
    wr_mem_owner *mem;
} jtab;

void wr_jtab_init(jtab *t, size_t len_off, size_t key_off, wr_mem_owner *mem);
void wr_jtab_free(jtab *t); /* the slot array only */
void *wr_jtab_find(const jtab *t, uint64_t hash, const uint8_t *key, uint32_t len);
/* Insert an entry that is not present; WR_ENOMEM (the table is unchanged then). */
int wr_jtab_insert(jtab *t, uint64_t hash, void *e);
void wr_jtab_remove(jtab *t, uint64_t hash, const void *e);
static inline size_t wr_jtab_bytes(const jtab *t)
{
    return (size_t)t->cap * sizeof(jtslot);
}

/* ------------------------------------------------------------------------------------------
 * Encoded byte strings of one batch: row i is buf[off[i] .. off[i+1]).
 * ---------------------------------------------------------------------------------------- */
typedef struct jenc {
    uint8_t *buf;
    size_t buf_cap;
    uint32_t *off; /* rows + 1 */
    uint32_t *len; /* per-row scratch */
    uint32_t cap;  /* rows allocated */
} jenc;

void wr_jenc_free(jenc *e);
static inline const uint8_t *wr_jenc_row(const jenc *e, uint32_t i)
{
    return e->buf + e->off[i];
}
static inline uint32_t wr_jenc_len(const jenc *e, uint32_t i)
{
    return e->off[i + 1] - e->off[i];
}

/* ------------------------------------------------------------------------------------------
 * Join-key codec
 * ---------------------------------------------------------------------------------------- */
typedef enum jkey_class {
    JK_BOOL = 0, /* 1 byte */
    JK_I64,      /* integers, DATE, TIME, TIMESTAMP*, INTERVAL*: 8 bytes */
    JK_F64,      /* FLOAT, DOUBLE: 8 bytes */
    JK_DEC,      /* DECIMAL: 16 bytes */
    JK_STR,      /* CHAR/VARCHAR/BINARY/VARBINARY: u32 length + bytes */
    JK_NONE,     /* NULL type: always NULL */
} jkey_class;

#define WR_JOIN_MAX_KEYS 32u

typedef struct jkey_codec {
    uint32_t n;
    uint32_t cols[WR_JOIN_MAX_KEYS];
    uint8_t cls[WR_JOIN_MAX_KEYS]; /* jkey_class */
    uint8_t phys[WR_JOIN_MAX_KEYS];
    bool null_safe[WR_JOIN_MAX_KEYS];
} jkey_codec;

/* Build the codec of one side; WR_ECONFIG when a column is out of range or there are more
 * than WR_JOIN_MAX_KEYS keys. */
int wr_jkey_codec_init(jkey_codec *k, const uint32_t *cols, uint32_t n, const bool *null_safe,
                       const wr_schema *in, wr_error *err);
/* Check that key i of the left codec and of the right one encode alike (WR_ETYPE with a
 * message naming both types and asking for a cast otherwise). */
int wr_jkey_check_pair(const wr_schema *left, const uint32_t *lcols, const wr_schema *right,
                       const uint32_t *rcols, uint32_t n, wr_error *err);
/* Encode the keys of rows [0, b->len); nullkey[i] = 1 when a key that is not null-safe is
 * NULL (the row can never match). WR_ENOMEM / WR_ELIMIT. */
int wr_jkey_encode(const jkey_codec *k, const wr_batch *b, jenc *e, uint8_t *nullkey,
                   wr_mem_owner *mem);
/* Typed order of two encoded keys of this codec: NULL first, numbers by value (doubles in
 * the IEEE total order), strings by unsigned bytes, shorter first. */
int wr_jkey_cmp(const jkey_codec *k, const uint8_t *a, const uint8_t *b);
/* Whether len bytes at key are a well-formed encoded key of this codec (restored keys). */
bool wr_jkey_check(const jkey_codec *k, const uint8_t *key, uint32_t len);
/* Whether an encoded key has a NULL in a column that is not null-safe. */
bool wr_jkey_has_null(const jkey_codec *k, const uint8_t *key);

/* ------------------------------------------------------------------------------------------
 * Stored-row codec
 * ---------------------------------------------------------------------------------------- */
typedef struct jrow_codec {
    uint32_t ncols;
    uint32_t bitmap; /* bytes of the validity bitmap */
    uint32_t fixed;  /* bitmap + slots: the length of a row without string bytes */
    uint32_t *slot;  /* offset of column c's slot */
    uint8_t *phys;
    uint8_t *width; /* slot bytes (strings: 8) */
    bool has_str;
} jrow_codec;

int wr_jrow_codec_init(jrow_codec *c, const wr_schema *s, wr_mem_owner *mem);
void wr_jrow_codec_free(jrow_codec *c);
/* Encode every row of b (all columns). WR_ENOMEM / WR_ELIMIT. */
int wr_jrow_encode(const jrow_codec *c, const wr_batch *b, jenc *e, wr_mem_owner *mem);
static inline bool wr_jrow_valid(const uint8_t *row, uint32_t col)
{
    return (row[col >> 3] >> (col & 7)) & 1;
}
static inline int64_t wr_jrow_i64(const jrow_codec *c, const uint8_t *row, uint32_t col)
{
    int64_t v;
    memcpy(&v, row + c->slot[col], 8);
    return v;
}

/* Whether len bytes at row are a well-formed stored row of c (fixed part present, string
 * slots inside the row): restored rows are checked before they are used. */
bool wr_jrow_check(const jrow_codec *c, const uint8_t *row, uint32_t len);

/* ------------------------------------------------------------------------------------------
 * Checkpoint helpers: the record value buffer (integers in it: wr_le_put/wr_le_get).
 * ---------------------------------------------------------------------------------------- */
/* buf = head (hlen bytes) ++ row (rlen bytes); WR_ENOMEM. */
int wr_join_rec_value(wr_buf *buf, const uint8_t *head, uint32_t hlen, const uint8_t *row,
                      uint32_t rlen);
/* An operator record holding one i64 (the watermark at the snapshot): write it / take the
 * largest over every instance's record into *v (left alone when there is none). */
int wr_join_put_wm(wr_snap_writer *w, const char *table, int64_t wm, wr_error *err);
int wr_join_get_wm(wr_op_ctx *ctx, wr_snap_reader *r, const char *table, int64_t *v, wr_error *err);
/* WR_ECORRUPT naming the vertex and the table. */
int wr_join_bad_record(wr_op_ctx *ctx, const char *table, wr_error *err);

/* ------------------------------------------------------------------------------------------
 * Filling batches from row references. A reference to a side's row is a uintptr_t: 0 is
 * NULL (the side is padded); for JSRC_INPUT it is 1 + the row index in the input batch, for
 * JSRC_STORED the address of a stored row (jrow_codec layout).
 * ---------------------------------------------------------------------------------------- */
typedef enum jsrc {
    JSRC_NONE = 0, /* the side has no columns in the batch (SEMI / ANTI output) */
    JSRC_INPUT,
    JSRC_STORED,
} jsrc;

#define JREF_NULL           ((uintptr_t)0)
#define JREF_INPUT(i)       ((uintptr_t)(i) + 1)
#define JREF_STORED(p)      ((uintptr_t)(p))
#define JREF_INPUT_INDEX(r) ((uint32_t)((r)-1))
#define JREF_STORED_ROW(r)  ((const uint8_t *)(r))

typedef struct jside {
    jsrc src;
    const wr_batch *in;   /* JSRC_INPUT */
    const jrow_codec *rc; /* JSRC_STORED */
    uint32_t ncols;
} jside;

/* Write rows [row0, row0 + n) of `out` from refs: the left side into columns
 * [0, left.ncols), the right into [left.ncols, ...). String values of stored rows are copied
 * into out's arena when copy_strings, else viewed in place (for temporary batches). out must
 * depend on the input batch if a side is JSRC_INPUT and out outlives the call. */
int wr_join_fill(wr_batch *out, uint32_t row0, const jside *left, const uintptr_t *lrefs,
                 const jside *right, const uintptr_t *rrefs, uint32_t n, bool copy_strings);

/* ------------------------------------------------------------------------------------------
 * Residual predicate over pairs
 * ---------------------------------------------------------------------------------------- */
typedef struct jresid {
    const wr_expr_prog *prog; /* NULL: every pair passes */
    wr_expr_scratch *scratch;
    wr_schema *row_schema; /* left ++ right, owned */
    wr_batch *pairs;       /* WR_JOIN_PAIR_CHUNK rows, reused */
    wr_mem_owner *mem;
} jresid;

int wr_jresid_init(jresid *r, const wr_expr_prog *prog, const wr_schema *left,
                   const wr_schema *right, wr_mem_owner *mem, wr_error *err);
void wr_jresid_free(jresid *r);
/* sel[j] = 1 iff pair j (lrefs[j], rrefs[j]) satisfies the residual; n <= WR_JOIN_PAIR_CHUNK.
 * Returns the number selected in *nsel. */
int wr_jresid_eval(jresid *r, const jside *left, const uintptr_t *lrefs, const jside *right,
                   const uintptr_t *rrefs, uint32_t n, uint8_t *sel, wr_error *err);

/* ------------------------------------------------------------------------------------------
 * Output writer: collects (kind, left ref, right ref) and emits a batch each time
 * `cap` rows are planned (and on flush).
 * ---------------------------------------------------------------------------------------- */
typedef struct jwriter {
    wr_op_ctx *ctx;
    const wr_schema *out;
    wr_mem_owner *mem;
    uint32_t cap, n;
    uint8_t *kind;
    uintptr_t *lref, *rref;
    jside left, right;
    wr_batch *in; /* the input batch a JSRC_INPUT side refers to */
    uint64_t emitted;
} jwriter;

int wr_jw_init(jwriter *w, wr_op_ctx *ctx, uint32_t left_ncols, uint32_t right_ncols,
               const jrow_codec *lrc, const jrow_codec *rrc);
void wr_jw_free(jwriter *w);
/* Set where each side's rows come from until the next begin (flushes nothing). */
void wr_jw_begin(jwriter *w, wr_batch *in, jsrc left, jsrc right);
int wr_jw_flush(jwriter *w, wr_error *err);
static inline int wr_jw_add(jwriter *w, uint8_t kind, uintptr_t l, uintptr_t r, wr_error *err)
{
    if (w->n == w->cap) {
        int rc = wr_jw_flush(w, err);
        if (rc < 0) return rc;
    }
    w->kind[w->n] = kind;
    w->lref[w->n] = l;
    w->rref[w->n] = r;
    w->n++;
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * What every join operator's state holds: both sides' key and stored-row codecs, the
 * residual predicate, the output writer, and the encoded keys and rows of the current batch.
 * ---------------------------------------------------------------------------------------- */
typedef struct jcore {
    jkey_codec kc[2];
    jrow_codec rc[2];
    jresid resid;
    jwriter w;
    jenc kenc, renc;
} jcore;

/* The two input schemas of a join operator (WR_ECONFIG naming the vertex when it has fewer). */
int wr_join_inputs(wr_op_ctx *ctx, const wr_schema **left, const wr_schema **right, wr_error *err);
/* After the operator's own check of its config (rc): the output schema check, and the vertex
 * name before the message of either's error. */
int wr_join_checked(wr_op_ctx *ctx, const wr_join_spec *j, int rc, wr_error *err);
/* Set up c (zeroed) for j over left and right; the output has the right side's columns
 * unless right_out is false (SEMI / ANTI). On failure c is left for wr_jcore_free. */
int wr_jcore_init(jcore *c, wr_op_ctx *ctx, const wr_join_spec *j, const wr_schema *left,
                  const wr_schema *right, bool right_out, wr_mem_owner *mem, wr_error *err);
void wr_jcore_free(jcore *c);

/* ------------------------------------------------------------------------------------------
 * Common checks and helpers
 * ---------------------------------------------------------------------------------------- */
int wr_join_spec_check(const wr_join_spec *j, const wr_schema *left, const wr_schema *right,
                       bool allow_semi, bool allow_no_keys, wr_error *err);
int wr_join_spec_alloc(wr_join_spec *j, wr_join_type type, uint32_t nkeys);
void wr_join_spec_free(wr_join_spec *j);
int wr_join_nomem(wr_op_ctx *ctx, wr_error *err);
/* The output schema given to the vertex must have the expected column count. */
int wr_join_check_output(wr_op_ctx *ctx, const wr_join_spec *j, wr_error *err);

#endif
