/* task.c - one task: a chain of vertices for one subtask, run one step at a time by a
 * worker. This file has what every task does: opening and closing the chain, calling the
 * operators (process, watermarks, timers, finish) with direct function calls along the
 * chain, routing what the last vertex emits to the output channels, the step of an operator
 * task (read input channels round robin, merge watermarks through the valve, end the chain
 * when every input ended), and the wr_op_* services operators call. Source tasks are in
 * task_source.c. All of it runs on the worker that runs the task; nothing here locks. */
#include "runtime/runtime_int.h"

#include <stdio.h>
#include <string.h>

#define STEP_MAX_MSGS 64
#define STEP_MAX_NS   1000000

/* ------------------------------------------------------------------------------------------
 * Failure
 * ---------------------------------------------------------------------------------------- */
int wr_rt_task_error(wr_rt_task *t, const char *vname, int rc, const wr_error *e)
{
    if (rc >= 0) rc = WR_EINTERNAL;
    if (t->failed) return t->err.code ? t->err.code : rc;
    t->failed = true;
    if (e)
        t->err = *e;
    else
        wr_error_clear(&t->err);
    if (t->err.code >= 0) t->err.code = rc;
    if (!t->err.msg[0]) snprintf(t->err.msg, sizeof t->err.msg, "%s", wr_err_str(t->err.code));
    wr_error_prefix(&t->err, "%s: ", vname);
    wr_rt_job_fail(t->x, &t->err);
    return t->err.code;
}

/* ------------------------------------------------------------------------------------------
 * Output routing
 * ---------------------------------------------------------------------------------------- */
int wr_rt_push_batch(wr_rt_task *t, wr_rt_chan *c, wr_batch *b)
{
    wr_rt_msg m = {.kind = WR_RT_MSG_BATCH};
    m.u.batch = b;
    int rc = wr_rt_chan_push(c, &m);
    if (rc != WR_OK) {
        wr_batch_release(b);
        return wr_rt_task_error(t, t->tail->name, rc, NULL);
    }
    return WR_OK;
}

/* Send b (one reference) along output o. */
static int route_one(wr_rt_task *t, wr_rt_out *o, wr_batch *b)
{
    switch (o->edge->kind) {
    case WR_EDGE_FORWARD:
        return wr_rt_push_batch(t, o->chans[0], b);
    case WR_EDGE_REBALANCE: {
        wr_rt_chan *c = o->chans[o->rr];
        o->rr = (o->rr + 1) % o->nchans;
        return wr_rt_push_batch(t, c, b);
    }
    case WR_EDGE_BROADCAST:
        for (uint32_t j = 1; j < o->nchans; j++)
            wr_batch_retain(b);
        for (uint32_t j = 0; j < o->nchans; j++) {
            int rc = wr_rt_push_batch(t, o->chans[j], b);
            if (rc != WR_OK) {
                for (uint32_t k = j + 1; k < o->nchans; k++)
                    wr_batch_release(b);
                return rc;
            }
        }
        return WR_OK;
    case WR_EDGE_HASH:
        return wr_rt_scatter_hash(t, o, b);
    }
    wr_batch_release(b);
    return WR_EINTERNAL;
}

int wr_rt_route_batch(wr_rt_task *t, wr_batch *b)
{
    if (t->failed) {
        wr_batch_release(b);
        return t->err.code;
    }
    if (b->len == 0 || t->nouts == 0) {
        if (t->nops == 0) /* a lone source: its rows end here */
            atomic_fetch_add_explicit(&t->sink_rows, b->len, memory_order_relaxed);
        wr_batch_release(b);
        return WR_OK;
    }
    atomic_fetch_add_explicit(&t->records_out, b->len, memory_order_relaxed);
    for (uint32_t i = 1; i < t->nouts; i++)
        wr_batch_retain(b);
    for (uint32_t i = 0; i < t->nouts; i++) {
        int rc = route_one(t, &t->outs[i], b);
        if (rc != WR_OK) {
            for (uint32_t k = i + 1; k < t->nouts; k++)
                wr_batch_release(b);
            return rc;
        }
    }
    return WR_OK;
}

int wr_rt_route_control(wr_rt_task *t, wr_rt_msg_kind kind, int64_t wm, uint32_t flags)
{
    wr_rt_msg m = {.kind = kind, .flags = flags};
    m.u.wm = wm;
    for (uint32_t i = 0; i < t->nouts; i++)
        for (uint32_t j = 0; j < t->outs[i].nchans; j++) {
            int rc = wr_rt_chan_push(t->outs[i].chans[j], &m);
            if (rc != WR_OK) return wr_rt_task_error(t, t->tail->name, rc, NULL);
        }
    return WR_OK;
}

bool wr_rt_outputs_room(wr_rt_task *t)
{
    for (uint32_t i = 0; i < t->nouts; i++)
        for (uint32_t j = 0; j < t->outs[i].nchans; j++)
            if (!wr_rt_chan_has_room(t->outs[i].chans[j])) return false;
    return true;
}

bool wr_rt_outputs_flush(wr_rt_task *t)
{
    bool all = true;
    for (uint32_t i = 0; i < t->nouts; i++)
        for (uint32_t j = 0; j < t->outs[i].nchans; j++)
            if (!wr_rt_chan_flush(t->outs[i].chans[j])) all = false;
    return all;
}

/* The task cannot go on until its outputs have room (flush_only: until the overflow is
 * out). Announce it on every channel concerned; the consumers wake the task. Returns the
 * step result: WAIT_OUTPUT, or RERUN when room appeared meanwhile. */
static int wait_outputs(wr_rt_task *t, bool flush_only)
{
    bool blocked = false;
    for (uint32_t i = 0; i < t->nouts; i++)
        for (uint32_t j = 0; j < t->outs[i].nchans; j++) {
            wr_rt_chan *c = t->outs[i].chans[j];
            bool short_of_room = flush_only ? c->ovf_len > 0 : !wr_rt_chan_has_room(c);
            if (!short_of_room) continue;
            if (wr_rt_chan_wait_room(c) && (!flush_only || c->ovf_len > 0)) blocked = true;
        }
    return blocked ? WR_RT_STEP_WAIT_OUTPUT : WR_RT_STEP_RERUN;
}

int wr_rt_wait_outputs(wr_rt_task *t)
{
    return wait_outputs(t, false);
}

/* ------------------------------------------------------------------------------------------
 * The chain
 * ---------------------------------------------------------------------------------------- */
int wr_rt_chain_process(wr_rt_task *t, uint32_t k, uint32_t input, wr_batch *b)
{
    if (t->failed) return t->err.code;
    wr_op_ctx *c = &t->ops[k];
    if (k + 1 == t->nops && t->nouts == 0)
        atomic_fetch_add_explicit(&t->sink_rows, b->len, memory_order_relaxed);
    wr_error e;
    wr_error_clear(&e);
    int rc = c->v->op_vt->process(c->state, c, input, b, &e);
    if (rc != 0) return wr_rt_task_error(t, c->v->name, rc, &e);
    return t->failed ? t->err.code : WR_OK;
}

static int fire_event_timers(wr_rt_task *t, wr_op_ctx *c, int64_t wm)
{
    int64_t ts;
    uint64_t payload;
    while (!t->failed && wr_heap_peek(&c->ev_timers, &ts, &payload) && ts <= wm) {
        wr_heap_pop(&c->ev_timers, &ts, &payload);
        wr_error e;
        wr_error_clear(&e);
        int rc = c->v->op_vt->on_timer(c->state, c, WR_TIME_EVENT, ts, payload, &e);
        if (rc != 0) return wr_rt_task_error(t, c->v->name, rc, &e);
    }
    return t->failed ? t->err.code : WR_OK;
}

/* Operator k's event-time clock advances to wm: fire its due timers, then let it (or the
 * runtime for it) forward the watermark, so results caused by wm precede wm downstream. */
static int chain_watermark(wr_rt_task *t, uint32_t k, int64_t wm)
{
    if (t->failed) return t->err.code;
    wr_op_ctx *c = &t->ops[k];
    if (wm <= c->wm_in) return WR_OK;
    c->wm_in = wm;
    int rc = fire_event_timers(t, c, wm);
    if (rc != WR_OK) return rc;
    if (c->v->op_vt->on_watermark) {
        wr_error e;
        wr_error_clear(&e);
        rc = c->v->op_vt->on_watermark(c->state, c, wm, &e);
        if (rc != 0) return wr_rt_task_error(t, c->v->name, rc, &e);
        return t->failed ? t->err.code : WR_OK;
    }
    return wr_op_emit_watermark(c, wm);
}

int wr_rt_deliver_watermark(wr_rt_task *t, int64_t wm)
{
    atomic_store_explicit(&t->watermark, wm, memory_order_relaxed);
    if (t->nops > 0) return chain_watermark(t, 0, wm);
    return wr_rt_route_control(t, WR_RT_MSG_WATERMARK, wm, 0);
}

int wr_rt_fire_proc_timers(wr_rt_task *t)
{
    int64_t now = 0;
    for (uint32_t k = 0; k < t->nops && !t->failed; k++) {
        wr_op_ctx *c = &t->ops[k];
        int64_t ts;
        uint64_t payload;
        while (!t->failed && wr_heap_peek(&c->pt_timers, &ts, &payload)) {
            if (!now) now = wr_wall_us();
            if (ts > now) break;
            wr_heap_pop(&c->pt_timers, &ts, &payload);
            wr_error e;
            wr_error_clear(&e);
            int rc = c->v->op_vt->on_timer(c->state, c, WR_TIME_PROCESSING, ts, payload, &e);
            if (rc != 0) return wr_rt_task_error(t, c->v->name, rc, &e);
        }
    }
    return t->failed ? t->err.code : WR_OK;
}

int64_t wr_rt_next_proc_deadline(wr_rt_task *t, int64_t now_mono)
{
    int64_t best = 0, now_wall = 0;
    for (uint32_t k = 0; k < t->nops; k++) {
        int64_t ts;
        uint64_t payload;
        if (!wr_heap_peek(&t->ops[k].pt_timers, &ts, &payload)) continue;
        if (!now_wall) now_wall = wr_wall_us();
        int64_t d = ts <= now_wall ? now_mono : now_mono + (ts - now_wall);
        if (!best || d < best) best = d;
    }
    return best;
}

/* Ask the timer thread to wake the task at deadline, unless a wake-up no later than that is
 * already pending. */
int wr_rt_task_arm(wr_rt_task *t, int64_t deadline, int64_t now)
{
    if (deadline <= 0) return WR_OK;
    if (t->armed_us > now && t->armed_us <= deadline) return WR_OK;
    int rc = wr_rt_timer_arm(t->x, t, deadline);
    if (rc != WR_OK) return wr_rt_task_error(t, t->tail->name, rc, NULL);
    t->armed_us = deadline;
    return WR_OK;
}

/* End of the chain's input. Drained (the input is exhausted): every operator first reaches
 * WR_WATERMARK_MAX (firing all event timers), then finish is called in chain order, so what
 * operator k flushes reaches operator k+1 before k+1 finishes. Cancelled: neither (finish
 * would flush windows and buffers as if the input were complete). Then END goes to every
 * output. */
int wr_rt_end_chain(wr_rt_task *t, bool drained)
{
    int rc = WR_OK;
    for (uint32_t k = 0; drained && k < t->nops && rc == WR_OK; k++)
        rc = chain_watermark(t, k, WR_WATERMARK_MAX);
    for (uint32_t k = 0; drained && k < t->nops && rc == WR_OK; k++) {
        wr_op_ctx *c = &t->ops[k];
        if (!c->v->op_vt->finish) continue;
        wr_error e;
        wr_error_clear(&e);
        int r = c->v->op_vt->finish(c->state, c, &e);
        if (r != 0)
            rc = wr_rt_task_error(t, c->v->name, r, &e);
        else if (t->failed)
            rc = t->err.code;
    }
    if (rc != WR_OK) return rc;
    rc = wr_rt_route_control(t, WR_RT_MSG_END, 0, drained ? WR_RT_END_DRAINED : 0);
    t->logic_done = true;
    t->end_drained = drained;
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Open and close
 * ---------------------------------------------------------------------------------------- */
int wr_rt_task_open(wr_rt_task *t)
{
    t->opened = true;
    wr_error e;
    if (t->src) {
        wr_source_ctx *s = t->src;
        wr_error_clear(&e);
        if (s->v->src_vt->open) {
            int rc = s->v->src_vt->open(&s->state, s, s->v->cfg, &e);
            if (rc != 0) return wr_rt_task_error(t, s->v->name, rc, &e);
        }
        s->opened = true;
    }
    for (uint32_t k = 0; k < t->nops; k++) {
        wr_op_ctx *c = &t->ops[k];
        wr_error_clear(&e);
        if (c->v->op_vt->open) {
            int rc = c->v->op_vt->open(&c->state, c, c->v->cfg, &e);
            if (rc != 0) return wr_rt_task_error(t, c->v->name, rc, &e);
        }
        c->opened = true;
    }
    return wr_rt_ckpt_restore(t);
}

void wr_rt_task_close(wr_rt_task *t)
{
    for (uint32_t k = t->nops; k-- > 0;) {
        wr_op_ctx *c = &t->ops[k];
        if (c->opened && c->v->op_vt->close) c->v->op_vt->close(c->state);
        c->opened = false;
        c->state = NULL;
        wr_state_free(c->kstate);
        c->kstate = NULL;
    }
    if (t->src) {
        if (t->src->opened && t->src->v->src_vt->close) t->src->v->src_vt->close(t->src->state);
        t->src->opened = false;
        t->src->state = NULL;
    }
}

/* The job failed: stop here, drop the chain; queued messages are released at teardown. */
int wr_rt_task_abort(wr_rt_task *t)
{
    wr_rt_task_close(t);
    return WR_RT_STEP_DONE;
}

/* END was sent: finish once the overflow queues are empty. With checkpointing on, a task
 * whose input was drained first takes its final snapshot and parks until the job releases
 * it (after the final checkpoint, whose completion lets sinks commit). */
int wr_rt_task_finish_flush(wr_rt_task *t)
{
    if (wr_rt_ckpt_on(t->x) && t->end_drained && !t->parked && !wr_rt_job_cancelled(t->x)) {
        if (wr_rt_ckpt_park(t) != WR_OK) return wr_rt_task_abort(t);
    }
    if (!wr_rt_outputs_flush(t)) {
        int r = wait_outputs(t, true);
        if (r == WR_RT_STEP_WAIT_OUTPUT) return r;
        if (!wr_rt_outputs_flush(t)) return WR_RT_STEP_RERUN;
    }
    if (t->parked || t->ck_stop) {
        bool release;
        if (wr_rt_ckpt_step(t, &release) != WR_OK) return wr_rt_task_abort(t);
        if (t->parked && !release) return WR_RT_STEP_WAIT_INPUT;
        /* Stopped with a savepoint: sinks commit it before the task ends. */
        if (!t->parked && !wr_rt_ckpt_stop_done(t)) return WR_RT_STEP_WAIT_INPUT;
    }
    wr_rt_task_close(t);
    return WR_RT_STEP_DONE;
}

/* ------------------------------------------------------------------------------------------
 * Operator tasks
 * ---------------------------------------------------------------------------------------- */
static int apply_valve(wr_rt_task *t, const wr_rt_valve_out *o)
{
    int rc = WR_OK;
    if (o->status == WR_RT_STATUS_TO_ACTIVE) rc = wr_rt_route_control(t, WR_RT_MSG_ACTIVE, 0, 0);
    if (rc == WR_OK && o->emit_wm) rc = wr_rt_deliver_watermark(t, o->wm);
    if (rc == WR_OK && o->status == WR_RT_STATUS_TO_IDLE)
        rc = wr_rt_route_control(t, WR_RT_MSG_IDLE, 0, 0);
    return rc;
}

static int handle_msg(wr_rt_task *t, wr_rt_chan *c, wr_rt_msg *m)
{
    wr_rt_valve_out o;
    switch ((wr_rt_msg_kind)m->kind) {
    case WR_RT_MSG_BATCH: {
        wr_batch *b = m->u.batch;
        atomic_fetch_add_explicit(&t->batches_in, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&t->records_in, b->len, memory_order_relaxed);
        int rc = b->len ? wr_rt_chain_process(t, 0, c->input, b) : WR_OK;
        wr_batch_release(b);
        return rc;
    }
    case WR_RT_MSG_WATERMARK:
        wr_rt_valve_watermark(&t->valve, c->slot, m->u.wm, &o);
        return apply_valve(t, &o);
    case WR_RT_MSG_IDLE:
        wr_rt_valve_idle(&t->valve, c->slot, &o);
        return apply_valve(t, &o);
    case WR_RT_MSG_ACTIVE:
        wr_rt_valve_active(&t->valve, c->slot, &o);
        return apply_valve(t, &o);
    case WR_RT_MSG_END: {
        bool drained = m->flags & WR_RT_END_DRAINED;
        c->ended = true;
        t->nended++;
        if (!drained) t->end_cancelled = true;
        wr_rt_valve_end(&t->valve, c->slot, drained, &o);
        int rc = apply_valve(t, &o);
        if (rc == WR_OK) rc = wr_rt_ckpt_channel_ended(t);
        if (rc == WR_OK && t->nended == t->nin) rc = wr_rt_end_chain(t, !t->end_cancelled);
        return rc;
    }
    case WR_RT_MSG_BARRIER:
        return wr_rt_ckpt_barrier(t, c, m->u.wm, m->flags & WR_RT_BARRIER_STOP);
    }
    return wr_rt_task_error(t, t->tail->name, WR_EINTERNAL, NULL);
}

/* Pop the next message, visiting the input channels round robin. */
static wr_rt_chan *next_input(wr_rt_task *t, wr_rt_msg *m)
{
    for (uint32_t i = 0; i < t->nin; i++) {
        uint32_t idx = (t->rr_in + i) % t->nin;
        wr_rt_chan *c = t->in[idx];
        if (c->ended || c->blocked) continue;
        if (wr_rt_chan_pop(c, m)) {
            t->rr_in = idx + 1;
            return c;
        }
    }
    return NULL;
}

static bool has_input(wr_rt_task *t)
{
    for (uint32_t i = 0; i < t->nin; i++)
        if (!t->in[i]->ended && !t->in[i]->blocked && wr_rt_chan_nonempty(t->in[i])) return true;
    return false;
}

static bool outputs_overflowing(wr_rt_task *t)
{
    for (uint32_t i = 0; i < t->nouts; i++)
        for (uint32_t j = 0; j < t->outs[i].nchans; j++)
            if (t->outs[i].chans[j]->ovf_len > 0) return true;
    return false;
}

/* Out of input: wait for a push, or for the next processing-time timer. */
static int idle_wait(wr_rt_task *t)
{
    int64_t now = wr_mono_us();
    int64_t dl = wr_rt_next_proc_deadline(t, now);
    if (dl && dl <= now) return WR_RT_STEP_RERUN;
    if (wr_rt_task_arm(t, dl, now) != WR_OK) return wr_rt_task_abort(t);
    return WR_RT_STEP_WAIT_INPUT;
}

/* An output is full. The task is backpressured if it has work waiting (input, a due timer,
 * or messages in overflow); otherwise it simply waits for input (a push wakes it; it then
 * finds the output full and waits for room) and counts as idle. */
static int blocked_wait(wr_rt_task *t)
{
    if (!outputs_overflowing(t) && !has_input(t)) {
        int64_t now = wr_mono_us();
        int64_t dl = wr_rt_next_proc_deadline(t, now);
        if (!dl || dl > now) {
            if (wr_rt_task_arm(t, dl, now) != WR_OK) return wr_rt_task_abort(t);
            return WR_RT_STEP_WAIT_INPUT;
        }
    }
    return wait_outputs(t, false);
}

static int op_task_step(wr_rt_task *t)
{
    if (wr_rt_job_failed(t->x)) return wr_rt_task_abort(t);
    if (!t->opened && wr_rt_task_open(t) != WR_OK) return wr_rt_task_abort(t);
    if (t->logic_done) return wr_rt_task_finish_flush(t);
    bool release;
    if (wr_rt_ckpt_step(t, &release) != WR_OK) return wr_rt_task_abort(t);
    if (!wr_rt_outputs_flush(t) || !wr_rt_outputs_room(t)) return blocked_wait(t);
    if (wr_rt_fire_proc_timers(t) != WR_OK) return wr_rt_task_abort(t);

    int64_t t0 = wr_mono_ns();
    uint32_t n = 0;
    bool input_empty = false;
    for (;;) {
        wr_rt_msg m;
        wr_rt_chan *c = next_input(t, &m);
        if (!c) {
            input_empty = true;
            break;
        }
        handle_msg(t, c, &m);
        n++;
        if (t->failed || t->logic_done) break;
        if (!wr_rt_outputs_room(t)) break;
        if (n >= STEP_MAX_MSGS) break;
        if ((n & 7) == 0 && wr_mono_ns() - t0 > STEP_MAX_NS) break;
    }
    if (t->failed) return wr_rt_task_abort(t);
    if (t->logic_done) return wr_rt_task_finish_flush(t);
    if (!wr_rt_outputs_room(t)) return blocked_wait(t);
    if (!input_empty) return WR_RT_STEP_RERUN;
    return idle_wait(t);
}

int wr_rt_task_step(wr_rt_task *t)
{
    return t->src ? wr_rt_source_step(t) : op_task_step(t);
}

/* ------------------------------------------------------------------------------------------
 * Services for operators
 * ---------------------------------------------------------------------------------------- */
int wr_op_emit(wr_op_ctx *ctx, wr_batch *b)
{
    if (!b) return WR_EINVAL;
    wr_rt_task *t = ctx->task;
    if (t->failed) {
        wr_batch_release(b);
        return t->err.code;
    }
    if (b->len == 0) {
        wr_batch_release(b);
        return WR_OK;
    }
    if (ctx->pos + 1 < t->nops) {
        int rc = wr_rt_chain_process(t, ctx->pos + 1, 0, b);
        wr_batch_release(b);
        return rc;
    }
    return wr_rt_route_batch(t, b);
}

int wr_op_emit_watermark(wr_op_ctx *ctx, int64_t wm)
{
    wr_rt_task *t = ctx->task;
    if (t->failed) return t->err.code;
    if (wm <= ctx->wm_out) return WR_OK;
    ctx->wm_out = wm;
    if (ctx->pos + 1 < t->nops) return chain_watermark(t, ctx->pos + 1, wm);
    return wr_rt_route_control(t, WR_RT_MSG_WATERMARK, wm, 0);
}

int64_t wr_op_current_watermark(const wr_op_ctx *ctx)
{
    return ctx->wm_in;
}

int wr_op_timer_register(wr_op_ctx *ctx, wr_time_domain domain, int64_t ts, uint64_t payload)
{
    if (!ctx->v->op_vt->on_timer) return WR_EINVAL;
    wr_heap *h = domain == WR_TIME_EVENT ? &ctx->ev_timers : &ctx->pt_timers;
    return wr_heap_push(h, ts, payload);
}

uint32_t wr_op_subtask(const wr_op_ctx *ctx)
{
    return ctx->task->subtask;
}

uint32_t wr_op_parallelism(const wr_op_ctx *ctx)
{
    return ctx->task->parallelism;
}

uint32_t wr_op_max_parallelism(const wr_op_ctx *ctx)
{
    return wr_rt_job_max_par(ctx->task->x);
}

const wr_schema *wr_op_input_schema(const wr_op_ctx *ctx, uint32_t input)
{
    return input < ctx->ninputs ? ctx->in_schema[input] : NULL;
}

const wr_schema *wr_op_output_schema(const wr_op_ctx *ctx)
{
    return ctx->v->out;
}

uint32_t wr_op_batch_rows(const wr_op_ctx *ctx)
{
    return wr_rt_job_batch_rows(ctx->task->x);
}

wr_mem_owner *wr_op_mem(wr_op_ctx *ctx)
{
    return (wr_mem_owner *)&ctx->v->mem;
}

void wr_op_count_late(wr_op_ctx *ctx, uint64_t n)
{
    atomic_fetch_add_explicit(&ctx->task->late, n, memory_order_relaxed);
}

void wr_op_count_errors(wr_op_ctx *ctx, uint64_t n)
{
    atomic_fetch_add_explicit(&ctx->task->errors, n, memory_order_relaxed);
}

const char *wr_op_name(const wr_op_ctx *ctx)
{
    return ctx->v->name;
}
