/* op_window.h - windowing table-valued functions (TUMBLE, HOP, CUMULATE, SESSION) and the
 * operators built on them: window aggregation (slicing for TUMBLE/HOP/CUMULATE, merging
 * sessions for SESSION) and the stand-alone window-assign operator that appends
 * window_start, window_end and window_time to every row.
 *
 * Time is int64_t microseconds everywhere (types.h). Flink works in milliseconds: a window
 * [start, end) fires when the watermark W >= end - 1 ms, and its window_time is end - 1 ms.
 * With microseconds we use exactly those rules with 1 ms = 1000 us (WR_WINDOW_MAX_TS_DELTA):
 * fire when W >= end - 1000, window_time = end - 1000. For millisecond-precision data (every
 * TIMESTAMP(3) rowtime) this is identical to Flink.
 *
 * Window assignment uses the arithmetic of Flink's TimeWindow.getWindowStartWithOffset and
 * SliceAssigners (see wr_window_start):
 *   TUMBLE(size, offset)        [start, start + size), start = wr_window_start(ts, size, offset)
 *   HOP(slide, size, offset)    size / slide windows; size must be a multiple of slide
 *   CUMULATE(step, size, off)   [base, base + k*step) for every k*step > ts - base, k*step <= size
 *   SESSION(gap)                [first_ts, last_ts + gap), merged per group key
 * See README.md ("Windows") for the firing, lateness and ordering rules. */
#ifndef WR_OP_WINDOW_H
#define WR_OP_WINDOW_H

#include "runtime/runtime.h"
#include "operators/agg.h"

/* 1 ms in microseconds: a window's max timestamp is end - WR_WINDOW_MAX_TS_DELTA. */
#define WR_WINDOW_MAX_TS_DELTA 1000

typedef enum wr_window_kind {
    WR_WINDOW_TUMBLE = 0,
    WR_WINDOW_HOP,
    WR_WINDOW_CUMULATE,
    WR_WINDOW_SESSION,
} wr_window_kind;

const char *wr_window_kind_name(wr_window_kind k); /* "TUMBLE", "HOP", ... */

/* A window TVF's parameters. All durations in microseconds. */
typedef struct wr_window_spec {
    wr_window_kind kind;
    int64_t size_us;   /* TUMBLE size, HOP size, CUMULATE max size; unused for SESSION */
    int64_t slide_us;  /* HOP slide, CUMULATE step; unused otherwise */
    int64_t offset_us; /* alignment offset (may be negative); unused for SESSION */
    int64_t gap_us;    /* SESSION gap; unused otherwise */
} wr_window_spec;

/* Check sizes (> 0), HOP size % slide == 0 and CUMULATE size % step == 0 (WR_ECONFIG with
 * Flink's message otherwise). */
int wr_window_spec_check(const wr_window_spec *w, wr_error *err);

/* Start of the window of length size (aligned to offset) that contains ts:
 * ts - ((ts - offset) mod size) with the mod made non-negative (negative ts included). */
static inline int64_t wr_window_start(int64_t ts, int64_t size, int64_t offset)
{
    int64_t r = (ts - offset) % size;
    if (r < 0) r += size;
    return ts - r;
}

/* Maximum number of windows one row belongs to: 1 for TUMBLE and SESSION, size / slide for
 * HOP, size / step for CUMULATE. */
uint32_t wr_window_max_per_row(const wr_window_spec *w);

/* The windows [starts[i], ends[i]) a row with timestamp ts belongs to, at most max of them
 * (wr_window_max_per_row is always enough), in Flink's assignment order (HOP: latest start
 * first; CUMULATE: shortest window first). Returns the count. SESSION: the single
 * unmerged window [ts, ts + gap). */
uint32_t wr_window_assign(const wr_window_spec *w, int64_t ts, int64_t *starts, int64_t *ends,
                          uint32_t max);

/* Counters an operator instance keeps up to date (summed over all its subtasks), for
 * metrics and tests. Optional: a config may point at one; the caller owns it and keeps it
 * alive for the job's lifetime. The state figures are refreshed after every watermark. */
typedef struct wr_window_stats {
    _Atomic int64_t windows;     /* slices (TUMBLE/HOP/CUMULATE) or sessions held */
    _Atomic int64_t entries;     /* (key, slice) or (key) entries held */
    _Atomic int64_t state_bytes; /* bytes held by the window state (tables, accumulators) */
    _Atomic int64_t peak_entries;
    _Atomic uint64_t late_dropped; /* rows dropped as late */
    _Atomic uint64_t fired;        /* result rows emitted */
} wr_window_stats;

/* ------------------------------------------------------------------------------------------
 * Window aggregation: GROUP BY window_start, window_end [, window_time], keys...
 *
 * Input: append-only rows (+I only; a -U/+U/-D row fails the task with a message, as
 * Flink's window aggregate rejects update changes). Output: append-only +I rows, one per
 * (window, key) that received rows, emitted when the watermark reaches window_end - 1 ms,
 * before that watermark is forwarded; within one watermark ordered by window_end, then
 * window_start, then key values (NULLs first).
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_window_col_kind {
    WR_WCOL_KEY = 0,      /* group key `index` (position in keys[]) */
    WR_WCOL_WINDOW_START, /* TIMESTAMP(3) NOT NULL */
    WR_WCOL_WINDOW_END,   /* TIMESTAMP(3) NOT NULL */
    WR_WCOL_WINDOW_TIME,  /* TIMESTAMP(3) NOT NULL *ROWTIME*, window_end - 1 ms */
    WR_WCOL_AGG,          /* aggregate `index` (position in aggs[]) */
} wr_window_col_kind;

typedef struct wr_window_col {
    wr_window_col_kind kind;
    uint32_t index; /* for WR_WCOL_KEY and WR_WCOL_AGG */
} wr_window_col;

typedef struct wr_window_agg_config {
    uint32_t rowtime_col; /* input column: TIMESTAMP(p)/TIMESTAMP_LTZ(p) event time */
    wr_window_spec window;
    uint32_t nkeys;
    uint32_t *keys; /* input columns of the GROUP BY keys (SESSION: the PARTITION BY keys) */
    uint32_t naggs;
    wr_agg_spec *aggs; /* arg/filter columns refer to the input */
    uint32_t nouts;
    wr_window_col *outs;    /* output column i is outs[i] */
    wr_window_stats *stats; /* optional, not owned */
} wr_window_agg_config;

/* One allocation holding the config and its three arrays (zeroed); free it with
 * wr_window_agg_config_free, which is the cfg_free to pass to wr_job_add_op. */
wr_window_agg_config *wr_window_agg_config_new(uint32_t nkeys, uint32_t naggs, uint32_t nouts);
void wr_window_agg_config_free(void *cfg);
/* Validate a config against its input schema (window spec, column indexes, rowtime type,
 * aggregate specs, output mapping). WR_ECONFIG / WR_ETYPE with a message. */
int wr_window_agg_check(const wr_window_agg_config *c, const wr_schema *in, wr_error *err);
/* The output schema the config produces; names[i] names output column i (NULL: keys keep
 * their input name, window columns are window_start/window_end/window_time, aggregates use
 * spec.name or EXPR$<j>). Caller frees with wr_schema_free. */
int wr_window_agg_schema(const wr_window_agg_config *c, const wr_schema *in,
                         const char *const *names, wr_schema **out, wr_error *err);
/* Flink requires the GROUP BY keys of a session window aggregation to be exactly the
 * session's PARTITION BY keys (in any order); WR_ECONFIG with Flink's message otherwise. */
int wr_window_session_keys_check(const uint32_t *partition, uint32_t npartition,
                                 const uint32_t *keys, uint32_t nkeys, const wr_schema *in,
                                 wr_error *err);

/* The window aggregation operator (config: wr_window_agg_config). TUMBLE/HOP/CUMULATE are
 * computed on slices, SESSION on merging sessions per key. */
extern const wr_op_vt wr_window_agg_vt;
/* The same operator for SESSION windows without checkpoint support (not implemented yet):
 * planners use it for SESSION so that a checkpointing job says so at start. */
extern const wr_op_vt wr_session_window_agg_vt;

/* ------------------------------------------------------------------------------------------
 * Stand-alone window TVF: SELECT * FROM TUMBLE/HOP/CUMULATE(...). Output = every input
 * column, then window_start, window_end, window_time; one output row per window the row
 * belongs to (HOP and CUMULATE repeat rows), row kinds kept. Rows with a NULL rowtime are
 * dropped (as Flink's AlignedWindowTableFunctionOperator does). Rows are not checked for
 * lateness and nothing is buffered. SESSION is rejected at open: "SESSION window TVF must be
 * followed by an aggregation".
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_window_tvf_config {
    uint32_t rowtime_col;
    wr_window_spec window;
} wr_window_tvf_config;

int wr_window_tvf_check(const wr_window_tvf_config *c, const wr_schema *in, wr_error *err);
/* Input columns + window_start, window_end TIMESTAMP(3) NOT NULL, window_time TIMESTAMP(3)
 * NOT NULL *ROWTIME*; the input's rowtime column loses its time attribute. */
int wr_window_tvf_schema(const wr_window_tvf_config *c, const wr_schema *in, wr_schema **out,
                         wr_error *err);

extern const wr_op_vt wr_window_tvf_vt;

#endif
