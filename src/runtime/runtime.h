/* runtime.h - the streaming runtime: job graphs, the operator and source contracts, the
 * executor (worker pool, tasks, bounded channels, watermarks, timers) and job statistics.
 *
 * A job is built with the job-builder API (wr_job_*) as a graph of vertices, each with a
 * parallelism, joined by forward, hash (by key group), broadcast or rebalance edges. The
 * executor chains forward edges of equal parallelism into one task, runs tasks on a fixed
 * pool of worker threads and moves batches between tasks through bounded single-producer
 * single-consumer channels. A full channel stops its producer from being scheduled (that is
 * the backpressure) and the time it waits is accounted.
 *
 * Time: every timestamp, watermark and timer is int64_t microseconds (see types.h).
 * WR_WATERMARK_MAX is the watermark of a finished input: it fires every timer. */
#ifndef WR_RUNTIME_H
#define WR_RUNTIME_H

#include "base/base.h"
#include "state/state.h"
#include "types/types.h"

#define WR_ABI_VERSION             1
#define WR_WATERMARK_MIN           INT64_MIN
#define WR_WATERMARK_MAX           INT64_MAX
#define WR_DEFAULT_MAX_PARALLELISM 128

typedef struct wr_job wr_job;
typedef struct wr_op_ctx wr_op_ctx;
typedef struct wr_source_ctx wr_source_ctx;

/* ------------------------------------------------------------------------------------------
 * Operators. One instance per parallel subtask; the instance's state is owned by its task
 * and touched by one thread at a time, so it needs no locks. Callbacks return wr_err and
 * fill *err on failure; a failure fails the task and the job.
 *
 * Input batches are borrowed: an operator that keeps one past the call retains it.
 * Output batches are created by the operator and handed to wr_op_emit, which takes the
 * reference.
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_time_domain { WR_TIME_EVENT = 0, WR_TIME_PROCESSING = 1 } wr_time_domain;

typedef struct wr_op_vt {
    uint32_t abi_version; /* WR_ABI_VERSION */
    const char *name;
    const char *description;
    /* Create the instance state from the vertex config (shared, read-only). On failure open
     * releases what it allocated: close is called only after a successful open. */
    int (*open)(void **state, wr_op_ctx *ctx, const void *config, wr_error *err);
    /* A batch arrived on input `input` (0 for single-input operators). */
    int (*process)(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err);
    /* The operator's event-time clock advanced to wm (already the minimum over inputs, after
     * due event-time timers fired). NULL means: forward wm unchanged. An operator that
     * defines it must forward a watermark itself with wr_op_emit_watermark, after emitting
     * the results the watermark caused. */
    int (*on_watermark)(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err);
    /* A timer registered with wr_op_timer_register is due. May be NULL if none are used. */
    int (*on_timer)(void *state, wr_op_ctx *ctx, wr_time_domain domain, int64_t ts,
                    uint64_t payload, wr_error *err);
    /* Every input ended (after the final WR_WATERMARK_MAX): flush what is buffered. May be
     * NULL. Not called when the job is cancelled (then the operator only gets close). */
    int (*finish)(void *state, wr_op_ctx *ctx, wr_error *err);
    void (*close)(void *state);
    /* Checkpoints (see "Checkpoints" below). `ckpt` says whether the operator can take
     * part; the hooks are optional. The records in the operator's wr_op_state tables are
     * snapshotted and restored by the runtime; the hooks cover the rest. */
    uint32_t ckpt; /* wr_ckpt_support */
    /* Write the operator's own state for checkpoint `id` (a sink pre-commits here). */
    int (*snapshot)(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w, wr_error *err);
    /* After open, before any input, when the job restores: r holds the records of the
     * key groups this instance owns (keyed) and every instance's operator records. The
     * wr_op_state tables the operator created in open are already loaded; re-register
     * timers that follow from them. (An operator keeps its keyed state either in
     * wr_op_state tables or writes and reads it itself with these hooks, not both.) */
    int (*restore)(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err);
    /* Checkpoint `id` completed (every task acknowledged, manifest written): a
     * two-phase-commit sink commits what it pre-committed for checkpoints <= id. */
    int (*checkpoint_done)(void *state, wr_op_ctx *ctx, int64_t id, wr_error *err);
} wr_op_vt;

typedef enum wr_ckpt_support {
    WR_CKPT_UNSUPPORTED = 0, /* the default: a job with this vertex cannot checkpoint */
    WR_CKPT_STATELESS,       /* nothing to snapshot */
    WR_CKPT_STATEFUL,        /* state in wr_op_state tables and/or the hooks */
} wr_ckpt_support;

/* Services of the runtime for the operator running in ctx. */
int wr_op_emit(wr_op_ctx *ctx, wr_batch *b);           /* takes the reference, b may be empty */
int wr_op_emit_watermark(wr_op_ctx *ctx, int64_t wm);  /* ignored unless it increases */
int64_t wr_op_current_watermark(const wr_op_ctx *ctx); /* WR_WATERMARK_MIN before any */
/* Register a timer; event-time timers fire when the watermark reaches ts (ts <= wm),
 * processing-time timers when the wall clock (wr_wall_us) reaches ts. Same (domain, ts,
 * payload) registered twice fires twice. */
int wr_op_timer_register(wr_op_ctx *ctx, wr_time_domain domain, int64_t ts, uint64_t payload);
uint32_t wr_op_subtask(const wr_op_ctx *ctx);
uint32_t wr_op_parallelism(const wr_op_ctx *ctx);
uint32_t wr_op_max_parallelism(const wr_op_ctx *ctx);
const wr_schema *wr_op_input_schema(const wr_op_ctx *ctx, uint32_t input);
const wr_schema *wr_op_output_schema(const wr_op_ctx *ctx);
uint32_t wr_op_batch_rows(const wr_op_ctx *ctx);     /* preferred rows per output batch */
wr_mem_owner *wr_op_mem(wr_op_ctx *ctx);             /* charge state memory here */
void wr_op_count_late(wr_op_ctx *ctx, uint64_t n);   /* numLateRecordsDropped */
void wr_op_count_errors(wr_op_ctx *ctx, uint64_t n); /* numRecordsInErrors (skipped records) */
const char *wr_op_name(const wr_op_ctx *ctx);        /* vertex name, for messages */
/* The instance's keyed state (created on first use with the job's backend and this
 * subtask's key groups); NULL with *err set on failure. */
wr_state *wr_op_state(wr_op_ctx *ctx, wr_error *err);
/* Whether the job checkpoints (a sink then commits on checkpoint_done, not in finish). */
bool wr_op_checkpointing(const wr_op_ctx *ctx);

/* ------------------------------------------------------------------------------------------
 * Sources. A source instance per subtask reads the splits it owns (it decides which from
 * its subtask index and the parallelism) and returns batches from poll. The runtime
 * generates watermarks per split from the rows of each batch (see wr_wm_spec), takes the
 * minimum over the splits in progress, and marks the subtask idle after the idle timeout.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_source_poll {
    wr_batch *batch;       /* rows read (reference handed to the runtime), or NULL */
    int32_t split;         /* the split the rows came from */
    bool split_done;       /* that split has no more rows after this batch */
    bool end;              /* the source has no more rows at all (bounded input ended) */
    int64_t wait_until_us; /* nothing now: poll again at this wr_mono_us time (0 = soon) */
} wr_source_poll;

typedef struct wr_source_vt {
    uint32_t abi_version;
    const char *name;
    const char *description;
    /* As for operators: close is called only after a successful open. */
    int (*open)(void **state, wr_source_ctx *ctx, const void *config, wr_error *err);
    /* Fill *out; at most wr_source_batch_rows rows per batch. */
    int (*poll)(void *state, wr_source_ctx *ctx, wr_source_poll *out, wr_error *err);
    void (*close)(void *state);
    /* Checkpoints, as for operators. A source writes its read positions as operator
     * records (every restoring instance sees all of them and resumes the splits it owns);
     * snapshot is called between polls, so the positions match the rows emitted. */
    uint32_t ckpt; /* wr_ckpt_support */
    int (*snapshot)(void *state, wr_source_ctx *ctx, int64_t id, wr_snap_writer *w, wr_error *err);
    int (*restore)(void *state, wr_source_ctx *ctx, wr_snap_reader *r, wr_error *err);
    int (*checkpoint_done)(void *state, wr_source_ctx *ctx, int64_t id, wr_error *err);
} wr_source_vt;

uint32_t wr_source_subtask(const wr_source_ctx *ctx);
uint32_t wr_source_parallelism(const wr_source_ctx *ctx);
const wr_schema *wr_source_schema(const wr_source_ctx *ctx);
uint32_t wr_source_batch_rows(const wr_source_ctx *ctx);
wr_mem_owner *wr_source_mem(wr_source_ctx *ctx);
void wr_source_count_errors(wr_source_ctx *ctx, uint64_t n); /* skipped corrupt records */
const char *wr_source_name(const wr_source_ctx *ctx);

/* Watermark generation for a source vertex.
 * candidate(row) = rowtime(row) - delay_us, or the value of `eval` when given (for SQL
 * watermark expressions). The split's watermark is the largest candidate seen. With
 * interval_us == 0 the watermark is emitted as soon as it advances (the batch is cut there,
 * so a row is late exactly when Flink's per-record emission would make it late); otherwise
 * at most every interval_us, at batch boundaries. A NULL rowtime fails the job unless
 * null_rowtime_skip is set (then the row is kept and does not advance the watermark). */
typedef int (*wr_wm_eval_fn)(void *arg, const wr_batch *b, int64_t *cand, uint64_t *valid,
                             wr_error *err);
typedef struct wr_wm_spec {
    bool enabled;
    int32_t rowtime_col;
    int64_t delay_us;
    wr_wm_eval_fn eval; /* optional */
    void *eval_arg;
    int64_t interval_us;     /* pipeline.auto-watermark-interval; default 200 ms */
    int64_t idle_timeout_us; /* table.exec.source.idle-timeout; 0 = never idle */
    bool null_rowtime_skip;
} wr_wm_spec;

/* ------------------------------------------------------------------------------------------
 * Job builder. Vertex configs are owned by the job once added (freed with cfg_free).
 * Schemas passed in are copied. Functions return a vertex id >= 0 or a negative wr_err.
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_edge_kind {
    WR_EDGE_FORWARD = 0, /* subtask i -> subtask i; equal parallelism required */
    WR_EDGE_HASH,        /* by key group of the key columns */
    WR_EDGE_BROADCAST,   /* every batch to every subtask */
    WR_EDGE_REBALANCE,   /* round robin by batch */
} wr_edge_kind;

const char *wr_edge_kind_str(wr_edge_kind k); /* "FORWARD", "HASH", ... */

wr_job *wr_job_new(const char *name);
void wr_job_free(wr_job *job);
int wr_job_set_max_parallelism(wr_job *job, uint32_t max_parallelism);
int wr_job_add_source(wr_job *job, const char *name, const wr_source_vt *vt, void *cfg,
                      void (*cfg_free)(void *), const wr_schema *out, uint32_t parallelism,
                      const wr_wm_spec *wm);
int wr_job_add_op(wr_job *job, const char *name, const wr_op_vt *vt, void *cfg,
                  void (*cfg_free)(void *), const wr_schema *out, uint32_t parallelism);
/* Connect vertex `from` to input `input` of vertex `to`. For WR_EDGE_HASH, keys are column
 * indexes of from's output. */
int wr_job_connect(wr_job *job, int from, int to, uint32_t input, wr_edge_kind kind,
                   const uint32_t *keys, uint32_t nkeys);
/* Every vertex has a uid, the same every time the same job is built: checkpoints and
 * savepoints match operator state by it. By default it hashes the vertex name and how many
 * earlier vertices share that name; a planner sets its own (derived from the plan) with
 * wr_job_set_uid, which fails with WR_EEXIST when another vertex has that uid. */
int wr_job_set_uid(wr_job *job, int vertex, uint64_t uid);
uint64_t wr_job_vertex_uid(const wr_job *job, int vertex); /* 0 for a bad vertex */
uint32_t wr_job_vertex_count(const wr_job *job);
const char *wr_job_vertex_name(const wr_job *job, int vertex);     /* NULL for a bad vertex */
uint32_t wr_job_vertex_parallelism(const wr_job *job, int vertex); /* 0 for a bad vertex */
uint32_t wr_job_max_parallelism(const wr_job *job);
/* Print the job graph: vertices, parallelism, edges, chains (for EXPLAIN and logs). */
int wr_job_describe(const wr_job *job, wr_buf *out);

/* Key groups (Flink's scheme): key group = hash % max_parallelism; a subtask owns the
 * contiguous range [start, end] of key groups. */
static inline uint32_t wr_keygroup_of(uint64_t hash, uint32_t max_par)
{
    return (uint32_t)(hash % max_par);
}
static inline uint32_t wr_keygroup_subtask(uint32_t kg, uint32_t par, uint32_t max_par)
{
    return (uint32_t)((uint64_t)kg * par / max_par);
}
/* The contiguous key-group range [*start, *end] owned by `subtask`: exactly the key groups kg
 * with wr_keygroup_subtask(kg, par, max_par) == subtask (empty, start > end, only when
 * par > max_par, which the builder rejects). */
static inline void wr_keygroup_range(uint32_t subtask, uint32_t par, uint32_t max_par,
                                     uint32_t *start, uint32_t *end)
{
    *start = (uint32_t)(((uint64_t)subtask * max_par + par - 1) / par);
    *end = (uint32_t)((((uint64_t)subtask + 1) * max_par - 1) / par);
}
/* Hash of the key columns of every row of b into out[0..b->len). Equal keys hash equal
 * across batches and subtasks; NULLs hash to a constant. */
void wr_batch_hash_keys(const wr_batch *b, const uint32_t *keys, uint32_t nkeys, uint64_t *out);

/* ------------------------------------------------------------------------------------------
 * Execution
 * ---------------------------------------------------------------------------------------- */
/* Checkpoints. The runtime implements the task side of asynchronous barrier snapshots;
 * a coordinator (src/checkpoint) drives it through these hooks and functions:
 *   - wr_job_trigger_checkpoint(x, id): every source task, at its next step (between
 *     polls), snapshots its chain and sends BARRIER(id) on every output. A task with
 *     several input channels stops reading a channel once its barrier arrived and
 *     snapshots when every channel delivered it or ended (aligned checkpoints), then
 *     forwards the barrier. A barrier with a higher id abandons an alignment in progress.
 *   - per vertex of a snapshotting task that has state: on_state(id, uid, subtask,
 *     key groups, file) with the snapshot file (wr_snap_writer format; the hook takes the
 *     bytes: *file is left empty); then on_ack(id, task) once per task.
 *   - wr_job_notify_checkpoint(x, id) after the manifest is written: every task calls the
 *     checkpoint_done hooks of its vertices at its next step.
 *   - at open, restore(uid, subtask, key groups) gives the reader of the restored
 *     checkpoint for each stateful vertex (WR_ENOENT: start that vertex empty).
 *   - a task whose input ended (drained) takes its final snapshot after finish and parks:
 *     it answers later triggers with that snapshot at once. When every task has parked,
 *     on_all_finished is called; the coordinator takes a final checkpoint, notifies it
 *     (sinks commit) and calls wr_job_release(x), and the tasks close and end.
 * Hooks are called on worker threads, several at once; they must not block (hand the
 * bytes to an uploader). */
typedef struct wr_ckpt_hooks {
    void *arg;
    void (*on_state)(void *arg, int64_t id, uint64_t uid, uint32_t subtask, uint32_t kg_start,
                     uint32_t kg_end, wr_buf *file);
    void (*on_ack)(void *arg, int64_t id, uint32_t task);
    void (*on_decline)(void *arg, int64_t id, uint32_t task, const wr_error *err);
    void (*on_all_finished)(void *arg);
    int (*restore)(void *arg, uint64_t uid, uint32_t subtask, uint32_t kg_start, uint32_t kg_end,
                   wr_snap_reader **out, wr_error *err);
} wr_ckpt_hooks;

typedef struct wr_job_opts {
    uint32_t workers;         /* 0 = number of cores */
    uint32_t batch_rows;      /* 0 = WR_BATCH_DEFAULT_ROWS */
    uint32_t channel_batches; /* channel capacity in batches; 0 = 16 */
    /* Checkpointing: NULL = off. When set, every vertex must support checkpoints
     * (wr_job_start fails naming the first that does not). */
    const wr_ckpt_hooks *ckpt;
    wr_state_backend_kind state_backend;
    int64_t state_ttl_us;    /* table.exec.state.ttl; 0 = never expire */
    bool compress_snapshots; /* zstd blocks in snapshot files */
} wr_job_opts;

typedef struct wr_task_stats {
    char name[96]; /* "vertex names of the chain (subtask i/p)" */
    uint32_t subtask;
    bool source;              /* the chain starts with a source (records_in = rows read) */
    int64_t busy_ns;          /* running operator code */
    int64_t idle_ns;          /* waiting for input */
    int64_t backpressured_ns; /* had input but an output channel was full */
    uint64_t records_in;
    uint64_t records_out;
    uint64_t batches_in;
    uint64_t late_dropped;
    uint64_t errors_skipped;
    int64_t watermark; /* current input watermark */
} wr_task_stats;

typedef struct wr_job_stats {
    uint32_t ntasks;
    wr_task_stats *tasks; /* owned; wr_job_stats_free */
    int64_t started_mono_us;
    int64_t first_record_mono_us; /* when a source first produced a row; 0 if never */
    int64_t restored_mono_us;     /* when the last task finished restoring; 0 if none did */
    int64_t finished_mono_us;
    uint64_t records_out_sinks;  /* rows consumed by vertices without outputs */
    uint64_t records_in_sources; /* rows produced by the sources */
} wr_job_stats;

void wr_job_stats_free(wr_job_stats *s);

typedef struct wr_job_exec wr_job_exec;
/* Start running; returns immediately. */
int wr_job_start(wr_job *job, const wr_job_opts *opts, wr_job_exec **out, wr_error *err);
/* Ask the job to stop (sources end, in-flight data drains, the job finishes normally).
 * Unlike the end of a bounded input, no WR_WATERMARK_MAX is sent and operators' finish is
 * not called, so windows and timers that are not due do not fire; operators are closed. */
void wr_job_cancel(wr_job_exec *x);
/* Wait for the end. Returns WR_OK when every task finished, or the first task's error.
 * Stats (optional) are filled. Frees the execution. */
int wr_job_wait(wr_job_exec *x, wr_job_stats *stats, wr_error *err);
/* Snapshot of the stats while running (for status and metrics). */
int wr_job_exec_stats(wr_job_exec *x, wr_job_stats *stats);
/* Checkpoints (see wr_ckpt_hooks). Trigger: WR_EINVAL unless id is larger than every id
 * triggered before and checkpointing is on. */
int wr_job_trigger_checkpoint(wr_job_exec *x, int64_t id);
/* Stop with a savepoint (Flink's "stop"): like a trigger, but every source ends right after
 * sending this barrier (without the final watermark: windows that are not due do not fire),
 * and every task, once its snapshot is taken, waits for the checkpoint to complete (its
 * sinks commit) or for wr_job_release, and then ends. The job then finishes normally. */
int wr_job_trigger_stop(wr_job_exec *x, int64_t id);
void wr_job_notify_checkpoint(wr_job_exec *x, int64_t id);
/* Let parked (finished) tasks close once the final checkpoint is done. */
void wr_job_release(wr_job_exec *x);
uint32_t wr_job_exec_ntasks(const wr_job_exec *x);
/* Fail the running job from outside (a checkpoint coordinator over its failure budget):
 * the first error wins, as for task failures. */
void wr_job_fail(wr_job_exec *x, const wr_error *err);
/* Convenience: start + wait. */
int wr_job_run(wr_job *job, const wr_job_opts *opts, wr_job_stats *stats, wr_error *err);

#endif
