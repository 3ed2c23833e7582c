/* task_ckpt.c - the task side of checkpoints (asynchronous barrier snapshots): a source task
 * answers a trigger between two polls by snapshotting its chain and sending the barrier; an
 * operator task stops reading each input channel whose barrier arrived until every channel
 * delivered it or ended, then snapshots its chain and forwards the barrier; every task
 * delivers checkpoint_done when a checkpoint completes; a task whose input ended takes a
 * final snapshot and parks, answering later checkpoints with it until the job releases it;
 * and at open, each stateful vertex is restored from the reader the coordinator gives.
 *
 * A chain's vertices are numbered source first (when the task has one), then its operators.
 * Each vertex with state becomes one snapshot file per checkpoint, handed to the
 * coordinator's on_state hook; on_ack follows once the whole chain is done. Everything here
 * runs on the worker running the task's step, so it touches task state without locks. */
#include "runtime/runtime_int.h"

#include <string.h>

static void kg_range(const wr_rt_task *t, uint32_t *start, uint32_t *end)
{
    wr_keygroup_range(t->subtask, t->parallelism, wr_rt_job_max_par(t->x), start, end);
}

static uint32_t nverts(const wr_rt_task *t)
{
    return (t->src ? 1u : 0u) + t->nops;
}

static wr_rt_vertex *vert(const wr_rt_task *t, uint32_t i)
{
    if (t->src) return i == 0 ? t->src->v : t->ops[i - 1].v;
    return t->ops[i].v;
}

static wr_op_ctx *op_of(wr_rt_task *t, uint32_t i)
{
    if (t->src) return i == 0 ? NULL : &t->ops[i - 1];
    return &t->ops[i];
}

static uint32_t support(const wr_rt_vertex *v)
{
    return v->is_source ? v->src_vt->ckpt : v->op_vt->ckpt;
}

/* Snapshot vertex i into file (left empty when the vertex has no state). */
static int snap_vertex(wr_rt_task *t, uint32_t i, int64_t id, wr_buf *file, wr_error *err)
{
    wr_rt_vertex *v = vert(t, i);
    wr_op_ctx *c = op_of(t, i);
    /* A source always has the runtime's split watermarks; a stateless operator nothing. */
    if (c && support(v) == WR_CKPT_STATELESS) return WR_OK;
    uint32_t kgs, kge;
    kg_range(t, &kgs, &kge);
    wr_snap_writer *w = NULL;
    int rc = wr_snap_writer_new(wr_rt_job_max_par(t->x), kgs, kge, t->x->opts.compress_snapshots,
                                &w, err);
    if (rc != WR_OK) return rc;
    if (!c) {
        rc = wr_rt_source_snapshot(t, w, err);
        if (rc == WR_OK && v->src_vt->snapshot)
            rc = v->src_vt->snapshot(t->src->state, t->src, id, w, err);
    } else {
        if (c->kstate) rc = wr_state_snapshot(c->kstate, w, err);
        if (rc == WR_OK && v->op_vt->snapshot) rc = v->op_vt->snapshot(c->state, c, id, w, err);
    }
    if (rc == WR_OK) rc = wr_snap_finish(w, file, err);
    wr_snap_writer_free(w);
    return rc;
}

/* Snapshot every vertex of the chain for checkpoint id and hand the files over; a failure
 * declines the checkpoint (the job goes on). */
static void snapshot_chain(wr_rt_task *t, int64_t id)
{
    const wr_ckpt_hooks *h = t->x->opts.ckpt;
    uint32_t kgs, kge;
    kg_range(t, &kgs, &kge);
    for (uint32_t i = 0; i < nverts(t); i++) {
        wr_buf file;
        wr_buf_init(&file);
        wr_error e;
        wr_error_clear(&e);
        int rc = snap_vertex(t, i, id, &file, &e);
        if (rc != WR_OK) {
            wr_buf_free(&file);
            if (!e.code) wr_error_set(&e, rc, WR_DOMAIN_INTERNAL, "%s", wr_err_str(rc));
            wr_error f;
            wr_error_set(&f, e.code, e.domain, "snapshot of '%s' failed: %s", vert(t, i)->name,
                         e.msg);
            if (h->on_decline) h->on_decline(h->arg, id, t->index, &f);
            return;
        }
        if (file.len) h->on_state(h->arg, id, vert(t, i)->uid, t->subtask, kgs, kge, &file);
        wr_buf_free(&file);
    }
    h->on_ack(h->arg, id, t->index);
}

static void unblock_all(wr_rt_task *t)
{
    for (uint32_t i = 0; i < t->nin; i++)
        t->in[i]->blocked = false;
}

/* Snapshot, forward the barrier and resume reading once every channel is aligned. */
static int maybe_aligned(wr_rt_task *t)
{
    if (!t->ck_align) return WR_OK;
    for (uint32_t i = 0; i < t->nin; i++)
        if (!t->in[i]->blocked && !t->in[i]->ended) return WR_OK;
    int64_t id = t->ck_align;
    snapshot_chain(t, id);
    t->ck_done = id;
    t->ck_align = 0;
    unblock_all(t);
    bool stop = id == atomic_load_explicit(&t->x->ck_stop, memory_order_acquire);
    if (stop) t->ck_stop = id;
    return wr_rt_route_control(t, WR_RT_MSG_BARRIER, id, stop ? WR_RT_BARRIER_STOP : 0);
}

int wr_rt_ckpt_barrier(wr_rt_task *t, wr_rt_chan *c, int64_t id, bool stop)
{
    (void)stop; /* the execution's ck_stop says the same */
    if (id <= t->ck_done || id < t->ck_align) return WR_OK; /* stale */
    if (id > t->ck_align) {
        /* A newer checkpoint overtakes the alignment in progress (which was aborted). */
        unblock_all(t);
        t->ck_align = id;
    }
    c->blocked = true;
    return maybe_aligned(t);
}

int wr_rt_ckpt_channel_ended(wr_rt_task *t)
{
    return maybe_aligned(t);
}

/* ------------------------------------------------------------------------------------------
 * Every step
 * ---------------------------------------------------------------------------------------- */
static int notify(wr_rt_task *t, int64_t id)
{
    for (uint32_t i = 0; i < nverts(t); i++) {
        wr_rt_vertex *v = vert(t, i);
        wr_op_ctx *c = op_of(t, i);
        wr_error e;
        wr_error_clear(&e);
        int rc = WR_OK;
        if (!c && v->src_vt->checkpoint_done && t->src->opened)
            rc = v->src_vt->checkpoint_done(t->src->state, t->src, id, &e);
        else if (c && v->op_vt->checkpoint_done && c->opened)
            rc = v->op_vt->checkpoint_done(c->state, c, id, &e);
        if (rc != WR_OK) return wr_rt_task_error(t, v->name, rc, &e);
    }
    return WR_OK;
}

/* Parked: the final snapshot answers every later checkpoint. */
static void answer_parked(wr_rt_task *t, int64_t id)
{
    const wr_ckpt_hooks *h = t->x->opts.ckpt;
    uint32_t kgs, kge;
    kg_range(t, &kgs, &kge);
    for (uint32_t i = 0; i < t->nfinal; i++) {
        if (!t->final[i].len) continue;
        wr_buf copy;
        wr_buf_init(&copy);
        if (wr_buf_append(&copy, t->final[i].ptr, t->final[i].len) != WR_OK) {
            wr_error e;
            wr_error_set(&e, WR_ENOMEM, WR_DOMAIN_INTERNAL,
                         "out of memory copying the final "
                         "snapshot of '%s'",
                         vert(t, i)->name);
            if (h->on_decline) h->on_decline(h->arg, id, t->index, &e);
            wr_buf_free(&copy);
            return;
        }
        h->on_state(h->arg, id, vert(t, i)->uid, t->subtask, kgs, kge, &copy);
        wr_buf_free(&copy);
    }
    h->on_ack(h->arg, id, t->index);
}

int wr_rt_ckpt_step(wr_rt_task *t, bool *release)
{
    *release = false;
    wr_job_exec *x = t->x;
    if (!wr_rt_ckpt_on(x) || !t->opened) return WR_OK;
    int64_t trig = atomic_load_explicit(&x->ck_trigger, memory_order_acquire);
    if (trig > t->ck_done) {
        if (t->parked) {
            answer_parked(t, trig);
            t->ck_done = trig;
        } else if (t->src && !t->logic_done) {
            snapshot_chain(t, trig);
            t->ck_done = trig;
            bool stop = trig == atomic_load_explicit(&x->ck_stop, memory_order_acquire);
            int rc = wr_rt_route_control(t, WR_RT_MSG_BARRIER, trig, stop ? WR_RT_BARRIER_STOP : 0);
            if (rc != WR_OK) return rc;
            if (stop) t->ck_stop = trig; /* the source step ends the input now */
        }
    }
    int64_t done = atomic_load_explicit(&x->ck_complete, memory_order_acquire);
    if (done > t->ck_notified) {
        t->ck_notified = done;
        int rc = notify(t, done);
        if (rc != WR_OK) return rc;
    }
    /* A parked task ends when released, cancelled, or when the job was stopped with a
     * savepoint and that savepoint completed (the tasks still running end then too). */
    int64_t stop = atomic_load_explicit(&x->ck_stop, memory_order_acquire);
    if (t->parked && (atomic_load_explicit(&x->ck_release, memory_order_acquire) ||
                      wr_rt_job_cancelled(x) || (stop && t->ck_notified >= stop)))
        *release = true;
    return WR_OK;
}

bool wr_rt_ckpt_stop_done(wr_rt_task *t)
{
    wr_job_exec *x = t->x;
    return !t->ck_stop || t->ck_notified >= t->ck_stop ||
           atomic_load_explicit(&x->ck_release, memory_order_acquire) || wr_rt_job_failed(x);
}

int wr_rt_ckpt_park(wr_rt_task *t)
{
    wr_job_exec *x = t->x;
    uint32_t n = nverts(t);
    t->final = wr_calloc_owned(&x->mem, n ? n : 1, sizeof *t->final);
    if (!t->final) return wr_rt_task_error(t, t->tail->name, WR_ENOMEM, NULL);
    t->nfinal = n;
    /* Pre-commits in the final snapshot belong to the next checkpoint: every checkpoint
     * completed from now on includes them. */
    int64_t id = atomic_load_explicit(&x->ck_trigger, memory_order_acquire) + 1;
    for (uint32_t i = 0; i < n; i++) {
        wr_buf_init(&t->final[i]);
        wr_error e;
        wr_error_clear(&e);
        int rc = snap_vertex(t, i, id, &t->final[i], &e);
        if (rc != WR_OK) return wr_rt_task_error(t, vert(t, i)->name, rc, &e);
    }
    t->parked = true;
    const wr_ckpt_hooks *h = x->opts.ckpt;
    if (atomic_fetch_add(&x->nparked, 1) + 1 == x->ntasks && h->on_all_finished)
        h->on_all_finished(h->arg);
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Restore
 * ---------------------------------------------------------------------------------------- */
int wr_rt_ckpt_restore(wr_rt_task *t)
{
    const wr_ckpt_hooks *h = t->x->opts.ckpt;
    if (!h || !h->restore) return WR_OK;
    uint32_t kgs, kge;
    kg_range(t, &kgs, &kge);
    bool restored = false;
    for (uint32_t i = 0; i < nverts(t); i++) {
        wr_rt_vertex *v = vert(t, i);
        wr_op_ctx *c = op_of(t, i);
        if (c && support(v) == WR_CKPT_STATELESS) continue;
        wr_snap_reader *r = NULL;
        wr_error e;
        wr_error_clear(&e);
        int rc = h->restore(h->arg, v->uid, t->subtask, kgs, kge, &r, &e);
        if (rc == WR_ENOENT) continue;
        restored = true;
        if (rc == WR_OK && !c) {
            rc = wr_rt_source_restore(t, r, &e);
            if (rc == WR_OK && v->src_vt->restore)
                rc = v->src_vt->restore(t->src->state, t->src, r, &e);
        } else if (rc == WR_OK) {
            /* An operator keeps its keyed state either in wr_op_state tables (it created
             * them in open; the runtime loads them) or writes it itself in its hooks. */
            if (c->kstate) rc = wr_state_restore(c->kstate, r, &e);
            if (rc == WR_OK && v->op_vt->restore) rc = v->op_vt->restore(c->state, c, r, &e);
        }
        wr_snap_reader_free(r);
        if (rc != WR_OK) {
            wr_error f;
            wr_error_set(&f, rc, e.code ? e.domain : WR_DOMAIN_INTERNAL,
                         "restoring the state of '%s' failed: %s", v->name,
                         e.code ? e.msg : wr_err_str(rc));
            return wr_rt_task_error(t, v->name, rc, &f);
        }
    }
    if (!restored) return WR_OK;
    /* The job's restore ends when its last task's does (reported in the job's stats). */
    int64_t now = wr_mono_us(), prev = atomic_load(&t->x->restored_us);
    while (prev < now && !atomic_compare_exchange_weak(&t->x->restored_us, &prev, now)) {
    }
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Services
 * ---------------------------------------------------------------------------------------- */
wr_state *wr_op_state(wr_op_ctx *ctx, wr_error *err)
{
    if (ctx->kstate) return ctx->kstate;
    wr_rt_task *t = ctx->task;
    wr_state_opts o = {
        .kind = t->x->opts.state_backend,
        .max_par = wr_rt_job_max_par(t->x),
        .mem = &ctx->v->mem,
        .ttl_us = t->x->opts.state_ttl_us,
        .name = t->name,
    };
    kg_range(t, &o.kg_start, &o.kg_end);
    if (wr_state_new(&o, &ctx->kstate, err) != WR_OK) ctx->kstate = NULL;
    return ctx->kstate;
}

bool wr_op_checkpointing(const wr_op_ctx *ctx)
{
    return wr_rt_ckpt_on(ctx->task->x);
}

int wr_job_trigger_stop(wr_job_exec *x, int64_t id)
{
    if (!x || !wr_rt_ckpt_on(x)) return WR_EINVAL;
    atomic_store(&x->ck_stop, id);
    int rc = wr_job_trigger_checkpoint(x, id);
    if (rc != WR_OK) atomic_store(&x->ck_stop, 0);
    return rc;
}

int wr_job_trigger_checkpoint(wr_job_exec *x, int64_t id)
{
    if (!x || !wr_rt_ckpt_on(x)) return WR_EINVAL;
    int64_t cur = atomic_load(&x->ck_trigger);
    do {
        if (id <= cur) return WR_EINVAL;
    } while (!atomic_compare_exchange_weak(&x->ck_trigger, &cur, id));
    /* Sources start the checkpoint; parked tasks answer it. */
    for (uint32_t i = 0; i < x->ntasks; i++)
        if (x->tasks[i]->src || atomic_load(&x->nparked)) wr_rt_wake(x->tasks[i]);
    return WR_OK;
}

void wr_job_notify_checkpoint(wr_job_exec *x, int64_t id)
{
    if (!x) return;
    int64_t cur = atomic_load(&x->ck_complete);
    while (id > cur && !atomic_compare_exchange_weak(&x->ck_complete, &cur, id)) {
    }
    for (uint32_t i = 0; i < x->ntasks; i++)
        wr_rt_wake(x->tasks[i]);
}

void wr_job_release(wr_job_exec *x)
{
    if (!x) return;
    atomic_store(&x->ck_release, 1);
    for (uint32_t i = 0; i < x->ntasks; i++)
        wr_rt_wake(x->tasks[i]);
}

uint32_t wr_job_exec_ntasks(const wr_job_exec *x)
{
    return x ? x->ntasks : 0;
}
