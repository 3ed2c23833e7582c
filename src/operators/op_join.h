/* op_join.h - the join operators: the regular (unbounded) equi-join over changelogs, the
 * event-time interval join and the window join. All three are two-input operators: input 0
 * is the left table, input 1 the right table. For parallelism > 1 both inputs arrive over
 * HASH edges on their key columns (left_keys on input 0, right_keys on input 1), so that
 * equal keys meet in the same subtask.
 *
 * Keys: left_keys[i] = right_keys[i] for every i (conjunction). The planner casts the two
 * columns of a key pair to their common type first (a calc before the join), as Flink's
 * planner does. The operator compares keys by value within a type family: integers of any
 * width (TINYINT..BIGINT) meet by value, as do FLOAT/DOUBLE (the float widened; -0.0 equals
 * 0.0), DECIMALs of equal scale, CHAR/VARCHAR and BINARY/VARBINARY; any other pair must have
 * the same type. Open (and wr_*_check) fails with WR_ETYPE, asking for a cast, otherwise; so
 * INT vs DECIMAL or DATE vs TIMESTAMP never meet silently. A NULL in any key column never
 * matches (SQL equality) unless null_safe[i] is set for that key (IS NOT DISTINCT FROM);
 * rows with such a NULL key still appear null-padded in outer joins.
 *
 * Residual: an optional non-equi predicate, compiled (wr_expr_compile) over the joined row
 * left ++ right (wr_join_row_schema gives that schema). A pair matches when the keys are
 * equal and the residual is TRUE (NULL and FALSE reject the pair, as in SQL).
 *
 * Output: left columns ++ right columns (wr_join_output_schema), the columns of the side
 * that is padded with NULLs in an outer join made nullable; SEMI and ANTI output the left
 * columns only. See src/operators/README.md ("Joins") for the exact changelog rules. */
#ifndef WR_OP_JOIN_H
#define WR_OP_JOIN_H

#include "expr/expr.h"
#include "runtime/runtime.h"

typedef enum wr_join_type {
    WR_JOIN_INNER = 0,
    WR_JOIN_LEFT,  /* LEFT OUTER: every left row, null-padded when nothing matches */
    WR_JOIN_RIGHT, /* RIGHT OUTER */
    WR_JOIN_FULL,  /* FULL OUTER */
    WR_JOIN_SEMI,  /* window join only: left rows with at least one match (IN / EXISTS) */
    WR_JOIN_ANTI,  /* window join only: left rows without a match (NOT IN / NOT EXISTS) */
} wr_join_type;

const char *wr_join_type_name(wr_join_type t); /* "INNER", "LEFT", ... */
/* Whether the left / right side is preserved (emitted null-padded when unmatched). */
bool wr_join_left_outer(wr_join_type t);  /* LEFT, FULL */
bool wr_join_right_outer(wr_join_type t); /* RIGHT, FULL */

/* Counters an operator instance keeps up to date (summed over all its subtasks), for
 * metrics and tests. Optional: a config may point at one; the caller owns it and keeps it
 * alive for the job's lifetime. Updated after every batch and every watermark. */
typedef struct wr_join_stats {
    _Atomic int64_t rows[2];     /* rows held per side (input 0, input 1), with multiplicity */
    _Atomic int64_t keys;        /* key entries (window join: (window, key) groups) */
    _Atomic int64_t state_bytes; /* bytes of join state (tables, stored rows) */
    _Atomic uint64_t late_dropped;
    _Atomic uint64_t emitted; /* output rows */
} wr_join_stats;

/* What every join config starts with. Arrays are owned by the config (allocated by the
 * *_config_new constructors for nkeys keys, zeroed: fill them in). */
typedef struct wr_join_spec {
    wr_join_type type;
    uint32_t nkeys;         /* >= 1 (window join: may be 0) */
    uint32_t *left_keys;    /* columns of input 0 */
    uint32_t *right_keys;   /* columns of input 1 */
    bool *null_safe;        /* per key: NULL matches NULL (IS NOT DISTINCT FROM); default false */
    wr_expr_prog *residual; /* optional BOOLEAN over wr_join_row_schema; owned, freed with cfg */
    wr_join_stats *stats;   /* optional, not owned */
} wr_join_spec;

/* Schema of the joined row left ++ right, types and names as in the inputs (for compiling
 * the residual predicate). Caller frees with wr_schema_free; NULL on ENOMEM. */
wr_schema *wr_join_row_schema(const wr_schema *left, const wr_schema *right);
/* Output schema for a join type: left ++ right (SEMI/ANTI: left only); the columns of a
 * side that an outer join pads with NULLs become nullable. With keep_time_attrs false every
 * time attribute is dropped (regular joins materialize rowtime, as Flink does); interval and
 * window joins keep them (the planner decides which one stays the time attribute). */
int wr_join_output_schema(wr_join_type type, const wr_schema *left, const wr_schema *right,
                          bool keep_time_attrs, wr_schema **out, wr_error *err);

/* ------------------------------------------------------------------------------------------
 * Regular join: INNER, LEFT, RIGHT, FULL over append-only or updating inputs.
 *
 * Both sides are kept in keyed state (join key -> multiset of rows, with per-row match
 * counts on outer sides) for ever (no state TTL yet). Every row on one side is joined with
 * all stored rows of the other side; output follows Flink's StreamingJoinOperator:
 *   INNER: joined rows carry the input row's kind (+I, +U, -U, -D).
 *   outer: +I(l, NULL...) when a left row has no match; the first match of a padded row
 *   turns it into -D(l, NULL...) +I(l, r); losing the last match gives -D(l, r)
 *   +I(l, NULL...); rows on an outer side are emitted as +I / -D.
 * The output is append-only only for INNER over two append-only inputs. Watermarks are
 * forwarded unchanged (the runtime gives the minimum of both inputs).
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_join_config {
    wr_join_spec join;      /* type INNER, LEFT, RIGHT or FULL */
    bool left_append_only;  /* input 0 carries +I only (no row lookup table is kept) */
    bool right_append_only; /* input 1 carries +I only */
} wr_join_config;

/* Zeroed config with key arrays for nkeys keys; NULL on ENOMEM. */
wr_join_config *wr_join_config_new(wr_join_type type, uint32_t nkeys);
void wr_join_config_free(void *cfg); /* frees the arrays and the residual program */
/* Validate against the input schemas: type, key columns and types, residual. */
int wr_join_check(const wr_join_config *c, const wr_schema *left, const wr_schema *right,
                  wr_error *err);
/* Whether the output is append-only: INNER with both inputs append-only. */
bool wr_join_output_append_only(const wr_join_config *c);

extern const wr_op_vt wr_join_vt;

/* ------------------------------------------------------------------------------------------
 * Interval join (event time): keys equal AND
 *     r.ts + lower <= l.ts <= r.ts + upper     ('<' instead of '<=' with the exclusive flags)
 * e.g. l.ts BETWEEN r.ts - INTERVAL '10' SECOND AND r.ts + INTERVAL '5' SECOND is lower =
 * -10 s, upper = 5 s. Inputs must be append-only (+I; anything else fails the task).
 * Output is append-only (+I) and keeps both rowtime columns.
 *
 * Rows are buffered per key until the watermark passes their last possible match, then
 * purged; an outer side's rows that never matched are emitted null-padded at that moment.
 * A row that rows still to come cannot match any more (Flink: watermark >= ts + its side's
 * relative size) joins what is still buffered and is not buffered itself: unmatched, it is
 * padded at once on an outer side, and otherwise dropped - counted as late when its rowtime
 * is behind the watermark. Output watermark = input watermark - max(-lower, upper) (Flink's
 * delay of the interval join; WR_WATERMARK_MAX passes unchanged). README.md has the rules.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_interval_join_config {
    wr_join_spec join;       /* type INNER, LEFT, RIGHT or FULL */
    uint32_t left_time_col;  /* input 0: TIMESTAMP(p) / TIMESTAMP_LTZ(p) rowtime */
    uint32_t right_time_col; /* input 1 */
    int64_t lower_us;        /* bounds in microseconds (may be negative) */
    int64_t upper_us;
    bool lower_exclusive; /* r.ts + lower < l.ts */
    bool upper_exclusive; /* l.ts < r.ts + upper */
} wr_interval_join_config;

wr_interval_join_config *wr_interval_join_config_new(wr_join_type type, uint32_t nkeys);
void wr_interval_join_config_free(void *cfg);
int wr_interval_join_check(const wr_interval_join_config *c, const wr_schema *left,
                           const wr_schema *right, wr_error *err);
/* The amount by which the operator holds back watermarks (microseconds, >= 0). */
int64_t wr_interval_join_watermark_delay(const wr_interval_join_config *c, const wr_schema *left,
                                         const wr_schema *right);

extern const wr_op_vt wr_interval_join_vt;

/* ------------------------------------------------------------------------------------------
 * Window join: both inputs went through the same window TVF (wr_window_tvf_vt: TUMBLE, HOP
 * or CUMULATE), so each row carries window_start and window_end; the join condition is
 * L.window_start = R.window_start AND L.window_end = R.window_end AND keys [AND residual].
 * Inputs must be append-only. Rows are buffered per (window, key) and joined when the
 * watermark reaches window_end - 1 ms; unmatched outer rows are emitted null-padded, the
 * window's state is purged, and rows of a window that already fired are dropped and
 * counted as late. Output is append-only (+I), emitted before the watermark is forwarded,
 * ordered by window_end, window_start, key, then arrival (Flink's loop order).
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_window_join_config {
    wr_join_spec join;                       /* any wr_join_type */
    uint32_t left_start_col, left_end_col;   /* input 0: window_start, window_end */
    uint32_t right_start_col, right_end_col; /* input 1 */
} wr_window_join_config;

wr_window_join_config *wr_window_join_config_new(wr_join_type type, uint32_t nkeys);
void wr_window_join_config_free(void *cfg);
int wr_window_join_check(const wr_window_join_config *c, const wr_schema *left,
                         const wr_schema *right, wr_error *err);

extern const wr_op_vt wr_window_join_vt;

#endif
