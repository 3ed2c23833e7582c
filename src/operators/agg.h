/* agg.h - the aggregate function library shared by group aggregation (op_group_agg.c) and
 * window aggregation (op_window.c).
 *
 * A list of aggregate specs (wr_agg_spec) is turned into a layout (wr_agg_layout) that gives
 * every aggregate a fixed-size slot in an accumulator record: a plain byte array of
 * layout->acc_size bytes, aligned to WR_AGG_ACC_ALIGN. Operators keep one record per key
 * (or per key and window slice) and call the vectorized functions below over whole
 * batches: every function loops over rows once per aggregate, with the switch on the
 * aggregate kind and physical type outside the row loop.
 *
 * Semantics and result types follow Flink SQL:
 *   COUNT(*), COUNT(x), COUNT(DISTINCT x)   BIGINT NOT NULL; COUNT(x) skips NULLs
 *   SUM(TINYINT..BIGINT)                    same type, Java wrap-around on overflow
 *   SUM(FLOAT) / SUM(DOUBLE)                FLOAT / DOUBLE (accumulated in that type)
 *   SUM(DECIMAL(p,s))                       DECIMAL(38, s); NULL when it exceeds 38 digits
 *   AVG(TINYINT..BIGINT)                    same type: BIGINT sum / BIGINT count, truncated
 *   AVG(FLOAT) / AVG(DOUBLE)                FLOAT / DOUBLE (DOUBLE sum)
 *   AVG(DECIMAL(p,s))                       DECIMAL(38, max(s, 6)), sum / count HALF_UP
 *   MIN(x), MAX(x)                          type of x (numeric, string, binary, boolean,
 *                                           temporal, interval)
 *   SUM/AVG/MIN/MAX over no non-NULL rows   NULL (also after retracting every row)
 * FILTER (WHERE c): spec.filter names a BOOLEAN input column; a row counts for that
 * aggregate only when the column is TRUE (NULL and FALSE skip it).
 *
 * Row kinds: +I/+U rows accumulate, -U/-D rows retract. COUNT, SUM and AVG retract by
 * subtraction (they keep the count of non-NULL values, so that retracting to zero gives
 * NULL); COUNT(DISTINCT) keeps a value -> count map and always retracts. MIN/MAX retract
 * only when spec.retract is set: then they keep an ordered value -> count multiset (a sorted
 * array, binary search) instead of a single value. Retracting into a non-retractable MIN/MAX
 * fails with WR_EUNSUPPORTED.
 *
 * Memory: accumulators that need more than their slot (strings of MIN/MAX, multisets,
 * distinct maps) own heap memory charged to the wr_mem_owner passed to the function that
 * allocates it. wr_agg_destroy frees it. An all-zero record is a valid empty accumulator
 * (wr_agg_init is a memset), so operators may allocate records with calloc.
 *
 * Two-phase aggregation: a layout whose aggregates are all "partial-capable" (not COUNT
 * DISTINCT, not retractable MIN/MAX) can write its accumulators as ordinary batch columns
 * (the partial schema) and merge such columns back; see wr_agg_partial_*. */
#ifndef WR_AGG_H
#define WR_AGG_H

#include "base/base.h"
#include "types/types.h"

/* Accumulator records must be aligned to this (they hold __int128 sums). */
#define WR_AGG_ACC_ALIGN 16

typedef enum wr_agg_kind {
    WR_AGG_COUNT_STAR = 0, /* COUNT(*): counts rows (arg ignored) */
    WR_AGG_COUNT,          /* COUNT(x): counts non-NULL x */
    WR_AGG_COUNT_DISTINCT, /* COUNT(DISTINCT x) */
    WR_AGG_SUM,
    WR_AGG_MIN,
    WR_AGG_MAX,
    WR_AGG_AVG,
    WR_AGG__COUNT
} wr_agg_kind;

const char *wr_agg_kind_name(wr_agg_kind k); /* "COUNT", "SUM", ... */

typedef struct wr_agg_spec {
    wr_agg_kind kind;
    int32_t arg;         /* argument column of the input batch; -1 for COUNT(*) */
    int32_t filter;      /* BOOLEAN column of the input batch (FILTER clause); -1 for none */
    wr_type arg_type;    /* type of the argument column (ignored for COUNT(*)) */
    wr_type result_type; /* wr_agg_result_type(); wr_agg_layout_new fills it in when its id
                            is WR_TYPE_NULL and otherwise checks it */
    bool retract;        /* the input may retract (-U/-D): MIN/MAX keep a multiset */
    const char *name;    /* output column name, may be NULL ("EXPR$<i>"); not owned */
} wr_agg_spec;

/* Result type of kind over an argument of type arg (see the table above). WR_ETYPE with a
 * message when the argument type is not allowed (e.g. SUM(VARCHAR)). */
int wr_agg_result_type(wr_agg_kind kind, const wr_type *arg, wr_type *out, wr_error *err);

/* Where aggregate i lives in the record. */
typedef struct wr_agg_slot {
    wr_agg_spec spec;  /* copy, result_type resolved */
    uint32_t offset;   /* byte offset of the slot in the record */
    uint32_t size;     /* bytes */
    uint8_t impl;      /* internal: which implementation (agg.c) */
    uint8_t arg_phys;  /* wr_phys of the argument */
    uint8_t res_phys;  /* wr_phys of the result */
    uint8_t npartial;  /* columns of this aggregate in the partial schema (0 = none) */
    uint32_t partial0; /* first partial column of this aggregate, relative to col0 */
} wr_agg_slot;

typedef struct wr_agg_layout {
    uint32_t naggs;
    wr_agg_slot *slots;
    uint32_t acc_size;    /* bytes per accumulator record, multiple of WR_AGG_ACC_ALIGN */
    bool owns_memory;     /* some slot may own heap memory: wr_agg_destroy is needed */
    bool partial_capable; /* every aggregate can be written as partial columns */
    uint32_t npartial;    /* columns of the partial schema (when partial_capable) */
    bool needs_retract;   /* some aggregate was declared with retract */
} wr_agg_layout;

/* Build a layout from n specs (copied). NULL and *err on invalid specs or ENOMEM. */
wr_agg_layout *wr_agg_layout_new(const wr_agg_spec *specs, uint32_t n, wr_error *err);
void wr_agg_layout_free(wr_agg_layout *l);

/* Empty accumulator (same as zero-filling layout->acc_size bytes). */
void wr_agg_init(const wr_agg_layout *l, uint8_t *acc);
/* Free what the accumulator owns; the record is left as an empty accumulator. */
void wr_agg_destroy(const wr_agg_layout *l, uint8_t *acc);
/* Bytes of heap memory the accumulator owns (state size metrics, budgets). */
size_t wr_agg_owned_bytes(const wr_agg_layout *l, const uint8_t *acc);

/* Accumulate or retract rows [0, in->len) of `in`: row i goes to the record accs[i]
 * (accs[i] == NULL skips the row; several rows may share a record). The row kind of row i
 * decides between accumulate (+I, +U) and retract (-U, -D); with ignore_rowkind every row
 * accumulates (append-only inputs whose kinds are not meaningful). Allocations are charged
 * to mem. On error (WR_ENOMEM, WR_EUNSUPPORTED) some rows may have been applied: the
 * caller fails the task. */
int wr_agg_update(const wr_agg_layout *l, uint8_t *const *accs, const wr_batch *in,
                  bool ignore_rowkind, wr_mem_owner *mem, wr_error *err);

/* dst += src for every aggregate (slices into windows, partials into the global state).
 * src is unchanged. Works for every aggregate kind, including COUNT DISTINCT and
 * retractable MIN/MAX (their maps are merged). */
int wr_agg_merge(const wr_agg_layout *l, uint8_t *dst, const uint8_t *src, wr_mem_owner *mem,
                 wr_error *err);

/* Write the result of every aggregate of accs[k] into row row0 + k of out, aggregate i into
 * column col0 + i, for k in [0, n). accs[k] == NULL leaves that row untouched. String results
 * are copied into out's arena. Does not change out->len. */
int wr_agg_results(const wr_agg_layout *l, const uint8_t *const *accs, uint32_t n, wr_batch *out,
                   uint32_t col0, uint32_t row0, wr_error *err);
/* Single record convenience. */
int wr_agg_result(const wr_agg_layout *l, const uint8_t *acc, wr_batch *out, uint32_t col0,
                  uint32_t row, wr_error *err);
/* True when the current results of acc equal the results already written in row `row`,
 * columns col0.., of b (NULL equals NULL; floating point compares bit patterns, as Flink's
 * binary row equality does). Used to suppress -U/+U pairs that change nothing. */
bool wr_agg_result_equal(const wr_agg_layout *l, const uint8_t *acc, const wr_batch *b,
                         uint32_t col0, uint32_t row);

/* Partial (intermediate) form for two-phase aggregation. Only when l->partial_capable;
 * otherwise these return WR_EUNSUPPORTED. Columns per aggregate:
 *   COUNT(*), COUNT(x)   <name>$count BIGINT NOT NULL
 *   SUM(x), AVG(x)       <name>$sum (BIGINT for integer x, FLOAT/DOUBLE, DECIMAL(38,s)),
 *                        <name>$count BIGINT NOT NULL (non-NULL values)
 *   MIN(x), MAX(x)       <name>$value (type of x, NULL when no value yet)
 * Fill columns col0 .. col0 + l->npartial - 1 of s (names are generated). */
int wr_agg_partial_schema_fill(const wr_agg_layout *l, wr_schema *s, uint32_t col0, wr_error *err);
/* Write the accumulators accs[k] as row row0 + k of out, columns col0..; accs[k] == NULL
 * leaves the row untouched. Strings are copied into out's arena. */
int wr_agg_partial_write(const wr_agg_layout *l, const uint8_t *const *accs, uint32_t n,
                         wr_batch *out, uint32_t col0, uint32_t row0, wr_error *err);
/* Merge row i of the partial columns col0.. of `in` into accs[i] for i in [0, in->len)
 * (accs[i] == NULL skips the row). */
int wr_agg_partial_merge(const wr_agg_layout *l, uint8_t *const *accs, const wr_batch *in,
                         uint32_t col0, wr_mem_owner *mem, wr_error *err);

/* Serialized form for checkpoints; the byte format is documented in agg.c ("Serialized
 * form"): a version byte, then the record image when the layout owns no memory, else every
 * slot in order with strings, multisets and maps written as values (u32 counts and lengths,
 * little-endian, entries in ascending value order).
 *
 * Append the accumulator's serialized form to out (self-contained: no pointers). Equal
 * accumulators give equal bytes. WR_ENOMEM leaves out as it was. */
int wr_agg_encode(const wr_agg_layout *l, const uint8_t *acc, wr_buf *out);
/* Rebuild acc (acc_size bytes, overwritten without freeing what it held: pass a fresh or
 * destroyed record) from bytes p[0..n) written by wr_agg_encode for the same layout; heap
 * memory is charged to mem. WR_ECORRUPT with a message on malformed bytes, WR_ENOMEM; on
 * failure nothing is allocated and acc is an empty accumulator. */
int wr_agg_decode(const wr_agg_layout *l, const uint8_t *p, size_t n, uint8_t *acc,
                  wr_mem_owner *mem, wr_error *err);

#endif
