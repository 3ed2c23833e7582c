/* op_rank.h - ranking operators: Top-N (ROW_NUMBER() OVER (PARTITION BY .. ORDER BY ..) with a
 * constant rank range), deduplication (ROW_NUMBER over a time attribute with rn = 1), and
 * their windowed forms (window Top-N, window deduplication) that emit final results when the
 * watermark passes window_end - 1 ms.
 *
 * Output rows are the input columns, followed (Top-N with output_rank only) by the row
 * number as a BIGINT NOT NULL column. The planner projects what it needs with a calc after.
 *
 * Changelog rules (Flink's AppendOnlyTopNFunction / RetractableTopNFunction, see README.md,
 * "Ranking and set operators"), per partition, in the partition's order (sort keys, ties by
 * arrival, earliest first):
 *   with output_rank     every rank slot r in [rank_start, rank_end] whose row changes:
 *                        -U(old row, r) +U(new row, r); a slot that becomes filled +I(row, r),
 *                        one that becomes empty -D(row, r); slots in increasing r.
 *   without output_rank  rows that leave the range -D(row), then rows that enter +I(row).
 * Input +I/+U insert a row, -U/-D remove the earliest equal row (all columns equal); a
 * retraction of a row not held is ignored.
 *
 * Parallelism: hash edges on the partition columns (Top-N, dedup, window ops); without
 * partition columns run them at parallelism 1. */
#ifndef WR_OP_RANK_H
#define WR_OP_RANK_H

#include "operators/op_window.h"
#include "runtime/runtime.h"

/* One ORDER BY key. Flink's defaults are ASC NULLS FIRST and DESC NULLS LAST; the planner
 * states the choice explicitly here. Floating-point keys order as Java's Double.compare
 * (-0.0 < 0.0 < NaN); strings and bytes as unsigned bytes. */
typedef struct wr_sort_key {
    uint32_t col;     /* input column */
    bool desc;        /* DESC (else ASC) */
    bool nulls_first; /* NULLs before every value (else after), whatever the direction */
} wr_sort_key;

/* Counters an operator instance keeps up to date (summed over all subtasks) for metrics and
 * tests. Optional: a config may point at one; the caller owns it and keeps it alive for the
 * job's lifetime. */
typedef struct wr_rank_stats {
    _Atomic int64_t partitions;    /* partitions (keys, or window x key) held */
    _Atomic int64_t rows;          /* rows held in state */
    _Atomic int64_t peak_rows;     /* largest `rows` seen by one subtask */
    _Atomic uint64_t late_dropped; /* window ops: rows dropped as late */
    _Atomic uint64_t fired;        /* window ops: result rows emitted */
} wr_rank_stats;

/* ------------------------------------------------------------------------------------------
 * Top-N
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_rank_cfg {
    uint32_t npartition;
    uint32_t *partition; /* PARTITION BY input columns; owned (may be empty) */
    uint32_t nsort;
    wr_sort_key *sort;       /* ORDER BY keys; owned (empty = arrival order, for LIMIT) */
    int64_t rank_start;      /* first row number kept, >= 1 */
    int64_t rank_end;        /* last row number kept, >= rank_start */
    bool output_rank;        /* append the row number (BIGINT NOT NULL) as the last column */
    bool input_append_only;  /* +I only: at most rank_end rows are kept per partition */
    bool emit_update_before; /* false for upsert consumers: -U is never emitted */
    wr_rank_stats *stats;    /* optional, not owned */
} wr_rank_cfg;

/* New config copying the arrays; emit_update_before = true, stats = NULL (set them after).
 * NULL on ENOMEM. */
wr_rank_cfg *wr_rank_cfg_new(const uint32_t *partition, uint32_t npartition,
                             const wr_sort_key *sort, uint32_t nsort, int64_t rank_start,
                             int64_t rank_end, bool output_rank, bool input_append_only);
void wr_rank_cfg_free(void *cfg); /* the cfg_free for wr_job_add_op */
/* Validate against the input schema: column indexes, 1 <= rank_start <= rank_end, sort key
 * types (not ARRAY/MAP/ROW). WR_ECONFIG / WR_ETYPE with a message. */
int wr_rank_check(const wr_rank_cfg *c, const wr_schema *in, wr_error *err);
/* Input columns (time attributes kept), then, with output_rank, `rank_name` (NULL = "w0$o0",
 * Flink's generated name) BIGINT NOT NULL. Caller frees with wr_schema_free. */
int wr_rank_schema(const wr_rank_cfg *c, const wr_schema *in, const char *rank_name,
                   wr_schema **out, wr_error *err);

extern const wr_op_vt wr_op_rank_vt;

/* ------------------------------------------------------------------------------------------
 * Deduplication: ROW_NUMBER() OVER (PARTITION BY keys ORDER BY time_attr ASC|DESC) = 1.
 * Output = input columns.
 *   proctime, keep first   first row per key +I, later rows dropped (append-only output).
 *   proctime, keep last    first row +I, each later row -U(previous) +U(new) (nothing when the
 *                          new row equals the previous one, as Flink without state TTL).
 *                          With a changelog input (input_append_only false): +I/+U as above,
 *                          -U/-D emit -D(kept row) and clear the key (Flink's
 *                          processLastRowOnChangelog).
 *   rowtime, keep first    Flink's RowTimeDeduplicateFunction: a row replaces the kept one
 *                          when its rowtime is strictly smaller (first row +I, replacement
 *                          -U(kept) +U(new)); a NULL rowtime fails the task.
 *   rowtime, keep last     a row replaces the kept one when its rowtime is >= the kept one's.
 * Rowtime dedup and proctime keep-first need append-only input (a -U/+U/-D row fails the task
 * with Flink's message). With emit_update_before false, -U is never emitted.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_dedup_cfg {
    uint32_t nkeys;
    uint32_t *keys;          /* PARTITION BY input columns; owned (may be empty: parallelism 1) */
    bool keep_last;          /* ORDER BY .. DESC */
    bool rowtime;            /* ORDER BY a rowtime attribute (else proctime: arrival order) */
    uint32_t rowtime_col;    /* with rowtime: TIMESTAMP/TIMESTAMP_LTZ input column */
    bool input_append_only;  /* proctime keep-last only: false accepts a changelog */
    bool emit_update_before; /* default true */
    wr_rank_stats *stats;    /* optional, not owned (partitions = keys held) */
} wr_dedup_cfg;

/* New config copying keys; input_append_only = true, emit_update_before = true. */
wr_dedup_cfg *wr_dedup_cfg_new(const uint32_t *keys, uint32_t nkeys, bool keep_last, bool rowtime,
                               uint32_t rowtime_col);
void wr_dedup_cfg_free(void *cfg);
int wr_dedup_check(const wr_dedup_cfg *c, const wr_schema *in, wr_error *err);

extern const wr_op_vt wr_op_dedup_vt;

/* ------------------------------------------------------------------------------------------
 * Window Top-N and window deduplication. Input: append-only rows carrying window_start and
 * window_end (TIMESTAMP(3) columns from a window TVF or a window aggregation). State per
 * (window, partition key): the best rank_end rows. When the watermark W reaches
 * window_end - 1000 us the window's results are emitted as +I rows and its state freed.
 * A row whose window already fired (window_end - 1000 <= W on arrival) is late: dropped and
 * counted (wr_op_count_late). Output within one watermark: by window_end, window_start, then
 * partition key values (NULLs first), then rank; before the watermark is forwarded.
 * Output = input columns (+ the row number with output_rank, window Top-N only).
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_window_rank_cfg {
    uint32_t window_start_col;
    uint32_t window_end_col;
    uint32_t npartition;
    uint32_t *partition; /* other PARTITION BY columns (window columns here are ignored); owned */
    uint32_t nsort;
    wr_sort_key *sort; /* owned */
    int64_t rank_start;
    int64_t rank_end;
    bool output_rank;
    wr_rank_stats *stats; /* optional, not owned */
} wr_window_rank_cfg;

wr_window_rank_cfg *wr_window_rank_cfg_new(uint32_t window_start_col, uint32_t window_end_col,
                                           const uint32_t *partition, uint32_t npartition,
                                           const wr_sort_key *sort, uint32_t nsort,
                                           int64_t rank_start, int64_t rank_end, bool output_rank);
void wr_window_rank_cfg_free(void *cfg);
int wr_window_rank_check(const wr_window_rank_cfg *c, const wr_schema *in, wr_error *err);
/* As wr_rank_schema. */
int wr_window_rank_schema(const wr_window_rank_cfg *c, const wr_schema *in, const char *rank_name,
                          wr_schema **out, wr_error *err);

extern const wr_op_vt wr_op_window_rank_vt;

/* Window deduplication: ORDER BY rowtime ASC keeps the row with the smallest rowtime per
 * (window, key) (the first arrival among equal rowtimes), DESC the largest (the last arrival
 * among equal rowtimes), as Flink's RowTimeWindowDeduplicateProcessor. Output = input
 * columns. */
typedef struct wr_window_dedup_cfg {
    uint32_t window_start_col;
    uint32_t window_end_col;
    uint32_t rowtime_col;
    uint32_t npartition;
    uint32_t *partition; /* other PARTITION BY columns; owned */
    bool keep_last;
    wr_rank_stats *stats; /* optional, not owned */
} wr_window_dedup_cfg;

wr_window_dedup_cfg *wr_window_dedup_cfg_new(uint32_t window_start_col, uint32_t window_end_col,
                                             uint32_t rowtime_col, const uint32_t *partition,
                                             uint32_t npartition, bool keep_last);
void wr_window_dedup_cfg_free(void *cfg);
int wr_window_dedup_check(const wr_window_dedup_cfg *c, const wr_schema *in, wr_error *err);

extern const wr_op_vt wr_op_window_dedup_vt;

#endif
