/* runtime_int.h - internals of the runtime shared by its files: the job graph as built, the
 * execution plan (chains), channels and their messages, tasks, the watermark valve and the
 * scheduler. Nothing outside src/runtime includes this, except the runtime's unit tests. */
#ifndef WR_RUNTIME_INT_H
#define WR_RUNTIME_INT_H

#include "runtime/runtime.h"

/* ------------------------------------------------------------------------------------------
 * Job graph (as built by the wr_job_* builder)
 * ---------------------------------------------------------------------------------------- */
#define WR_RT_MAX_INPUTS      64
#define WR_RT_MAX_PARALLELISM 32768

typedef struct wr_rt_vertex {
    int id;
    uint64_t uid; /* stable across runs of the same job: checkpoints match state by it */
    char *name;
    bool is_source;
    const wr_op_vt *op_vt;
    const wr_source_vt *src_vt;
    void *cfg;
    void (*cfg_free)(void *);
    wr_schema *out;
    uint32_t parallelism;
    wr_wm_spec wm;
    wr_mem_owner mem; /* everything the vertex's instances allocate is charged here */
} wr_rt_vertex;

typedef struct wr_rt_edge {
    int from, to;
    uint32_t input;
    wr_edge_kind kind;
    uint32_t *keys;
    uint32_t nkeys;
} wr_rt_edge;

struct wr_job {
    char *name;
    uint32_t max_par;
    wr_rt_vertex **v;
    uint32_t nv, cap_v;
    wr_rt_edge *e;
    uint32_t ne, cap_e;
    _Atomic bool running; /* an execution is using the graph */
};

/* The plan: the graph validated and cut into chains. A chain is a list of vertices where
 * each one after the first is fed by a forward edge from the one before, and it becomes
 * one task per subtask. */
typedef struct wr_rt_plan {
    uint32_t nv;
    int *chain_of;       /* vertex -> chain index */
    uint32_t *chain_pos; /* vertex -> position in its chain */
    uint32_t *ninputs;   /* vertex -> number of inputs (max input index + 1; 0 for sources) */
    uint32_t nchains;
    uint32_t *chain_start; /* chain c = members[chain_start[c] .. chain_start[c+1]) */
    int *members;
} wr_rt_plan;

/* Validate the whole graph (start-time checks) and compute chains. */
int wr_rt_plan_build(const wr_job *job, wr_rt_plan *p, wr_error *err);
void wr_rt_plan_free(wr_rt_plan *p);
/* The producer vertex that v is chained into, or -1 when v heads a chain. */
int wr_rt_chained_into(const wr_job *job, int v);

/* ------------------------------------------------------------------------------------------
 * Messages and channels
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_rt_msg_kind {
    WR_RT_MSG_BATCH = 0,
    WR_RT_MSG_WATERMARK,
    WR_RT_MSG_IDLE,
    WR_RT_MSG_ACTIVE,
    WR_RT_MSG_END,
    WR_RT_MSG_BARRIER, /* checkpoint barrier, u.id = checkpoint id */
    /* The channel treats every kind other than BATCH as control and never refuses it. */
} wr_rt_msg_kind;

#define WR_RT_END_DRAINED  1u /* END after WR_WATERMARK_MAX (not a cancel) */
#define WR_RT_BARRIER_STOP 1u /* BARRIER of a stop-with-savepoint: the input ends after it */

typedef struct wr_rt_msg {
    uint32_t kind; /* wr_rt_msg_kind */
    uint32_t flags;
    union {
        wr_batch *batch;
        int64_t wm;
        uint64_t id;
    } u;
} wr_rt_msg;

typedef struct wr_rt_task wr_rt_task;

/* A bounded single-producer single-consumer ring. The producer counts the batches it pushed,
 * the consumer the batches it popped; the channel has room while fewer than cap_batches are
 * in flight. Control messages always go in: the ring has twice the slots the batches need,
 * and when it is full anyway they wait in a producer-private overflow queue that the
 * producer moves into the ring on its next step. */
typedef struct wr_rt_chan {
    /* consumer side */
    _Atomic uint64_t head;
    _Atomic uint64_t popped_batches;
    uint64_t c_tail; /* consumer's cached tail */
    bool ended;      /* END received */
    bool blocked;    /* checkpoint alignment: the barrier arrived, read no further */
    char pad0[WR_CACHELINE];
    /* producer side */
    _Atomic uint64_t tail;
    uint64_t p_head; /* producer's cached head */
    uint64_t pushed_batches;
    wr_rt_msg *ovf; /* overflow FIFO: ovf[ovf_head .. ovf_head + ovf_len) */
    uint32_t ovf_head, ovf_len, ovf_cap;
    char pad1[WR_CACHELINE];
    /* shared flag: the producer waits for room */
    _Atomic int producer_waiting;
    char pad2[WR_CACHELINE];
    /* immutable after setup (padding instead of _Alignas: the allocator aligns to 16) */
    wr_rt_msg *ring;
    uint32_t mask;
    uint32_t cap_batches;
    wr_rt_task *producer, *consumer;
    uint32_t input; /* the consumer's input index */
    uint32_t slot;  /* index among the consumer's input channels */
    wr_mem_owner *owner;
} wr_rt_chan;

int wr_rt_chan_init(wr_rt_chan *c, uint32_t cap_batches, wr_mem_owner *owner);
/* Releases the batches still queued. */
void wr_rt_chan_destroy(wr_rt_chan *c);
/* Producer: enqueue (never refused for lack of room; WR_ENOMEM only if the overflow cannot
 * grow, and then the message is not taken). Wakes the consumer when the channel was empty. */
int wr_rt_chan_push(wr_rt_chan *c, const wr_rt_msg *m);
/* Producer: move overflow into the ring; true when the overflow is empty. */
bool wr_rt_chan_flush(wr_rt_chan *c);
/* Producer: fewer than cap batches in flight and nothing in overflow. */
bool wr_rt_chan_has_room(wr_rt_chan *c);
/* Producer: announce waiting for room; returns true when still without room (then the
 * consumer wakes the producer after its next pop). */
bool wr_rt_chan_wait_room(wr_rt_chan *c);
/* Consumer: take the next message; false when empty. Wakes a waiting producer. */
bool wr_rt_chan_pop(wr_rt_chan *c, wr_rt_msg *m);
/* Consumer: is a message waiting? */
bool wr_rt_chan_nonempty(wr_rt_chan *c);
/* Producer-side count of batches in flight (tests). */
uint64_t wr_rt_chan_in_flight(wr_rt_chan *c);

/* ------------------------------------------------------------------------------------------
 * Watermark valve: the merge of watermarks and idle status over input channels (reference
 * section 1.4). Pure logic, no I/O.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_rt_valve_ch {
    int64_t wm;
    bool idle;
    bool aligned;
    bool ended;
} wr_rt_valve_ch;

typedef struct wr_rt_valve {
    uint32_t n;
    wr_rt_valve_ch *ch;
    int64_t last_out;
    bool out_idle;
} wr_rt_valve;

typedef enum wr_rt_status_change {
    WR_RT_STATUS_SAME = 0,
    WR_RT_STATUS_TO_IDLE,
    WR_RT_STATUS_TO_ACTIVE,
} wr_rt_status_change;

/* What the caller must do after feeding the valve: announce ACTIVE first (TO_ACTIVE), then
 * emit the watermark (emit_wm), then announce IDLE (TO_IDLE). */
typedef struct wr_rt_valve_out {
    bool emit_wm;
    int64_t wm;
    wr_rt_status_change status;
} wr_rt_valve_out;

int wr_rt_valve_init(wr_rt_valve *v, uint32_t n, wr_mem_owner *owner);
void wr_rt_valve_free(wr_rt_valve *v);
void wr_rt_valve_watermark(wr_rt_valve *v, uint32_t ch, int64_t wm, wr_rt_valve_out *out);
void wr_rt_valve_idle(wr_rt_valve *v, uint32_t ch, wr_rt_valve_out *out);
void wr_rt_valve_active(wr_rt_valve *v, uint32_t ch, wr_rt_valve_out *out);
/* drained: the channel ended after WR_WATERMARK_MAX (it then counts as MAX); otherwise
 * (cancel) it keeps holding its last watermark. */
void wr_rt_valve_end(wr_rt_valve *v, uint32_t ch, bool drained, wr_rt_valve_out *out);

/* ------------------------------------------------------------------------------------------
 * Tasks
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_rt_task_state {
    WR_RT_TS_IDLE = 0, /* waiting for a wake-up */
    WR_RT_TS_QUEUED,   /* in the run queue */
    WR_RT_TS_RUNNING,  /* a worker runs its step */
    WR_RT_TS_NOTIFIED, /* running, and woken meanwhile: run again */
    WR_RT_TS_DONE,
} wr_rt_task_state;

typedef enum wr_rt_step {
    WR_RT_STEP_RERUN = 0,   /* more to do now */
    WR_RT_STEP_WAIT_INPUT,  /* idle until input or a timer */
    WR_RT_STEP_WAIT_OUTPUT, /* backpressured until an output has room */
    WR_RT_STEP_DONE,
} wr_rt_step;

typedef enum wr_rt_acct {
    WR_RT_ACCT_BUSY = 0,
    WR_RT_ACCT_IDLE,
    WR_RT_ACCT_BP,
    WR_RT_ACCT_DONE,
} wr_rt_acct;

/* One outgoing edge of a task's last vertex. */
typedef struct wr_rt_out {
    const wr_rt_edge *edge;
    uint32_t nchans;
    wr_rt_chan **chans; /* by consumer subtask (a forward edge has one) */
    uint32_t rr;        /* rebalance position */
} wr_rt_out;

struct wr_op_ctx {
    wr_rt_task *task;
    wr_rt_vertex *v;
    uint32_t pos; /* index in the task's chain of operators */
    void *state;
    bool opened;
    uint32_t ninputs;
    const wr_schema **in_schema;
    int64_t wm_in;  /* the operator's event-time clock */
    int64_t wm_out; /* the last watermark it forwarded */
    wr_heap ev_timers;
    wr_heap pt_timers;
    wr_state *kstate; /* wr_op_state, created on first use */
};

struct wr_source_ctx {
    wr_rt_task *task;
    wr_rt_vertex *v;
    void *state;
    bool opened;
};

typedef struct wr_rt_split {
    int32_t id;
    int64_t wm;
    bool done;
} wr_rt_split;

/* Source-side state of a source task. */
typedef struct wr_rt_srcstate {
    wr_rt_split *splits;
    uint32_t nsplits, cap_splits;
    int64_t out_wm;       /* last watermark emitted */
    int64_t last_emit_us; /* interval > 0: when */
    bool wm_pending;      /* interval > 0: a larger watermark waits for the interval */
    int64_t wait_until_us;
    int64_t last_activity_us; /* last rows (or end of a backpressure period) */
    bool idle;
    bool blocked;
    uint32_t empty_polls;
    int64_t *cand;
    uint64_t *valid;
    uint32_t scratch_cap;
    /* restored from a checkpoint: split watermarks (taken when the split shows up) and the
     * watermark to announce before the first rows */
    wr_rt_split *rsplits;
    uint32_t nrsplits;
    bool restored;       /* restored_wm is to be announced */
    int64_t restored_wm; /* the smallest watermark the old subtasks had emitted */
} wr_rt_srcstate;

struct wr_rt_task {
    wr_job_exec *x;
    uint32_t index;
    uint32_t chain;
    uint32_t subtask, parallelism;
    char name[96];
    _Atomic int state; /* wr_rt_task_state */
    wr_list qnode;

    wr_source_ctx *src; /* source tasks */
    wr_rt_srcstate ss;
    wr_op_ctx *ops;
    uint32_t nops;
    wr_rt_vertex *tail; /* the chain's last vertex (owns the outputs) */

    wr_rt_chan **in;
    uint32_t nin;
    uint32_t rr_in;
    uint32_t nended;
    bool end_cancelled;
    wr_rt_valve valve;

    wr_rt_out *outs;
    uint32_t nouts;

    bool opened;
    bool logic_done;  /* END sent downstream; waiting only for overflow to flush */
    bool end_drained; /* that END followed the end of the input (not a cancel) */
    bool failed;
    wr_error err;
    int64_t armed_us; /* deadline of the timer-thread wake-up asked for, 0 = none */

    /* checkpoints (touched only by the task's step, like everything above) */
    int64_t ck_done;     /* last checkpoint snapshotted (or answered when parked) */
    int64_t ck_align;    /* alignment in progress for this id (> ck_done); 0 = none */
    int64_t ck_notified; /* last checkpoint_done delivered */
    int64_t ck_stop;     /* snapshotted for this stop-with-savepoint: end after it completes */
    bool parked;         /* finished with checkpointing on: waits for wr_job_release */
    wr_buf *final;       /* parked: the final snapshot per chain vertex (len 0: none) */
    uint32_t nfinal;

    /* scatter scratch */
    uint32_t *tgt, *perm, *counts;
    uint64_t *hash;
    uint32_t scratch_cap, counts_cap;

    /* statistics, written by the task, read by anyone */
    _Atomic int64_t acct_ns[3];
    _Atomic int acct_state;
    _Atomic int64_t acct_since;
    _Atomic uint64_t records_in, records_out, batches_in, late, errors, sink_rows;
    _Atomic int64_t watermark;
};

/* task.c */
int wr_rt_task_step(wr_rt_task *t);
int wr_rt_task_open(wr_rt_task *t);
void wr_rt_task_close(wr_rt_task *t);
int wr_rt_task_abort(wr_rt_task *t);
int wr_rt_task_finish_flush(wr_rt_task *t);
int wr_rt_task_error(wr_rt_task *t, const char *vname, int rc, const wr_error *e);
int wr_rt_task_arm(wr_rt_task *t, int64_t deadline, int64_t now);
int wr_rt_push_batch(wr_rt_task *t, wr_rt_chan *c, wr_batch *b);
int wr_rt_route_batch(wr_rt_task *t, wr_batch *b);
int wr_rt_route_control(wr_rt_task *t, wr_rt_msg_kind kind, int64_t wm, uint32_t flags);
bool wr_rt_outputs_room(wr_rt_task *t);
bool wr_rt_outputs_flush(wr_rt_task *t);
int wr_rt_wait_outputs(wr_rt_task *t);
int wr_rt_deliver_watermark(wr_rt_task *t, int64_t wm);
int wr_rt_chain_process(wr_rt_task *t, uint32_t k, uint32_t input, wr_batch *b);
int wr_rt_end_chain(wr_rt_task *t, bool drained);
int wr_rt_fire_proc_timers(wr_rt_task *t);
int64_t wr_rt_next_proc_deadline(wr_rt_task *t, int64_t now_mono);

/* task_ckpt.c */
/* At the start of every step: answer triggers (sources, parked tasks), deliver
 * checkpoint_done, and for a parked task whether it may close now (returns true). */
int wr_rt_ckpt_step(wr_rt_task *t, bool *release);
/* A barrier arrived on channel c (operator tasks); stop: it is a stop-with-savepoint's. */
int wr_rt_ckpt_barrier(wr_rt_task *t, wr_rt_chan *c, int64_t id, bool stop);
/* After a stop-with-savepoint snapshot: the task may end once this returns true (the
 * savepoint completed and checkpoint_done was delivered, or the job released it). */
bool wr_rt_ckpt_stop_done(wr_rt_task *t);
/* Channel c ended: an alignment in progress may be complete now. */
int wr_rt_ckpt_channel_ended(wr_rt_task *t);
/* After open: restore every vertex of the chain from the hooks' readers. */
int wr_rt_ckpt_restore(wr_rt_task *t);
/* The task's logic is done (END sent after finish): take the final snapshot and park. */
int wr_rt_ckpt_park(wr_rt_task *t);

/* task_source.c */
int wr_rt_source_step(wr_rt_task *t);
void wr_rt_source_free(wr_rt_task *t);
/* The runtime's part of a source's state: per-split watermarks and the last watermark
 * emitted (operator records of table "wr.source"). */
int wr_rt_source_snapshot(wr_rt_task *t, wr_snap_writer *w, wr_error *err);
int wr_rt_source_restore(wr_rt_task *t, wr_snap_reader *r, wr_error *err);

/* partition.c */
int wr_rt_scatter_hash(wr_rt_task *t, wr_rt_out *o, wr_batch *b);

/* ------------------------------------------------------------------------------------------
 * Execution: the tasks and channels of one run, its workers and timer thread.
 * ---------------------------------------------------------------------------------------- */
struct wr_job_exec {
    wr_job *job;
    wr_rt_plan plan;
    wr_job_opts opts;
    uint32_t ntasks;
    wr_rt_task **tasks;
    uint32_t nchans;
    wr_rt_chan **chans;

    /* run queue (the scheduling path: at most once per step, never per record) */
    wr_mutex q_mu;
    wr_cond q_cv;
    wr_list q;
    bool q_stop;
    wr_thread *workers;
    uint32_t nworkers;

    /* timer thread: min-heap of (wr_mono_us deadline, task) */
    wr_mutex tm_mu;
    wr_cond tm_cv;
    wr_heap tm_heap;
    bool tm_stop;
    wr_thread timer;
    bool timer_started;

    /* status */
    _Atomic int cancelled;
    _Atomic int failed;
    wr_mutex err_mu;
    wr_error err;
    _Atomic uint32_t live; /* tasks not done */
    wr_mutex done_mu;
    wr_cond done_cv;
    bool done;

    /* checkpoints */
    _Atomic int64_t ck_trigger;  /* highest checkpoint triggered */
    _Atomic int64_t ck_stop;     /* the trigger that is a stop-with-savepoint (0 = none) */
    _Atomic int64_t ck_complete; /* highest checkpoint completed */
    _Atomic int ck_release;      /* parked tasks may close */
    _Atomic uint32_t nparked;

    int64_t started_us;
    _Atomic int64_t first_record_us;
    _Atomic int64_t restored_us; /* the last task that restored state finished it */
    _Atomic int64_t finished_us;
    wr_mem_owner mem; /* channels, tasks */
};

/* scheduler.c */
void wr_rt_wake(wr_rt_task *t);
int wr_rt_timer_arm(wr_job_exec *x, wr_rt_task *t, int64_t deadline_mono_us);
int wr_rt_sched_start(wr_job_exec *x, wr_error *err);
void wr_rt_sched_join(wr_job_exec *x);

/* job_exec.c */
void wr_rt_job_fail(wr_job_exec *x, const wr_error *e);
void wr_rt_job_task_done(wr_job_exec *x);
static inline bool wr_rt_job_failed(const wr_job_exec *x)
{
    return atomic_load_explicit(&x->failed, memory_order_acquire);
}
static inline bool wr_rt_job_cancelled(const wr_job_exec *x)
{
    return atomic_load_explicit(&x->cancelled, memory_order_acquire);
}
static inline bool wr_rt_ckpt_on(const wr_job_exec *x)
{
    return x->opts.ckpt != NULL;
}
static inline uint32_t wr_rt_job_batch_rows(const wr_job_exec *x)
{
    return x->opts.batch_rows;
}
static inline uint32_t wr_rt_job_max_par(const wr_job_exec *x)
{
    return x->job->max_par;
}
void wr_rt_job_first_record(wr_job_exec *x);

#endif
