/* op_misc.h - set and ordering operators: UNION ALL (n inputs, one output), the VALUES
 * source (bounded inline rows), ORDER BY [LIMIT/OFFSET] over a bounded input, and a
 * streaming LIMIT [OFFSET] without ORDER BY. */
#ifndef WR_OP_MISC_H
#define WR_OP_MISC_H

#include "operators/op_rank.h"
#include "runtime/runtime.h"

/* ------------------------------------------------------------------------------------------
 * UNION ALL: every input's batches are forwarded unchanged (row kinds kept). The inputs must
 * have the output's column types (the planner casts before); checked at open. The config may
 * be NULL. The watermark is the minimum over the inputs (the runtime does that) and is
 * forwarded as is. Any parallelism; connect each input with a forward or rebalance edge.
 * ---------------------------------------------------------------------------------------- */
extern const wr_op_vt wr_op_union_vt;

/* ------------------------------------------------------------------------------------------
 * VALUES source: bounded inline rows (INSERT ... VALUES, SELECT ... FROM (VALUES ...)).
 * Subtask 0 emits every row as +I, in order, in batches of wr_source_batch_rows; other
 * subtasks emit nothing. One split. The values must be of the schema's column types
 * (the planner folds and casts literals first).
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_values_cfg {
    uint32_t ncols;
    uint32_t nrows;
    wr_value *values; /* nrows * ncols, row-major; owned */
    wr_arena arena;   /* string bytes of the values; owned */
} wr_values_cfg;

/* New config with every value NULL. NULL on ENOMEM. */
wr_values_cfg *wr_values_cfg_new(uint32_t ncols, uint32_t nrows);
/* Set row r, column col to v, a value of type t (the column's type; string and binary bytes
 * are copied into the config). WR_ENOMEM / WR_EINVAL. */
int wr_values_cfg_set(wr_values_cfg *c, uint32_t r, uint32_t col, const wr_type *t,
                      const wr_value *v);
void wr_values_cfg_free(void *cfg);

extern const wr_source_vt wr_source_values_vt;

/* ------------------------------------------------------------------------------------------
 * ORDER BY [LIMIT n] [OFFSET m] over a bounded input (batch semantics): rows are buffered and
 * emitted as +I at the end of input (finish), sorted by the keys (ties by arrival), rows
 * [offset, offset + limit). A changelog input is applied first (+I/+U add a row, -U/-D
 * remove an equal one). Run at parallelism 1 (or per partition before a final sort).
 * With append-only input and a limit only offset + limit rows are kept.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_sort_cfg {
    uint32_t nsort;
    wr_sort_key *sort; /* owned; may be empty (then only OFFSET/LIMIT apply) */
    int64_t offset;    /* rows skipped, >= 0 */
    int64_t limit;     /* rows emitted after the offset; -1 = all */
    bool input_append_only;
} wr_sort_cfg;

wr_sort_cfg *wr_sort_cfg_new(const wr_sort_key *sort, uint32_t nsort, int64_t offset, int64_t limit,
                             bool input_append_only);
void wr_sort_cfg_free(void *cfg);
int wr_sort_check(const wr_sort_cfg *c, const wr_schema *in, wr_error *err);

extern const wr_op_vt wr_op_sort_vt;

/* ------------------------------------------------------------------------------------------
 * Streaming LIMIT n [OFFSET m] without ORDER BY (parallelism 1). Append-only input: rows
 * [offset, offset + limit) in arrival order are forwarded as +I, the rest dropped. A
 * changelog input is a Top-N without sort keys (arrival order) over rank range
 * [offset + 1, offset + limit] without rank output: a retraction of an emitted row emits its
 * -D and the next held row's +I (every row is kept then, as Flink's RetractableTopNFunction).
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_limit_cfg {
    int64_t offset; /* >= 0 */
    int64_t limit;  /* >= 0 */
    bool input_append_only;
} wr_limit_cfg;

wr_limit_cfg *wr_limit_cfg_new(int64_t offset, int64_t limit, bool input_append_only);
void wr_limit_cfg_free(void *cfg);

extern const wr_op_vt wr_op_limit_vt;

#endif
