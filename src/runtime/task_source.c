/* task_source.c - the step of a source task: poll the source, generate watermarks per split
 * from the rows (largest candidate per split; the source's watermark is the minimum over the
 * splits in progress), cut batches where the watermark advances when the interval is 0 so
 * per-record semantics are exact, emit periodically otherwise, mark the output idle after
 * the idle timeout and active again before the next rows, and end the chain with
 * WR_WATERMARK_MAX and END (or END alone on cancel). Also the wr_source_* services. */
#include "runtime/runtime_int.h"

#include <string.h>

#define SRC_MAX_POLLS      16
#define SRC_STEP_US        1000
#define SRC_BACKOFF_MAX_US 1000

static const wr_wm_spec *spec(const wr_rt_task *t)
{
    return &t->src->v->wm;
}

static wr_rt_split *split_get(wr_rt_task *t, int32_t id, bool create)
{
    wr_rt_srcstate *s = &t->ss;
    for (uint32_t i = 0; i < s->nsplits; i++)
        if (s->splits[i].id == id) return &s->splits[i];
    if (!create) return NULL;
    if (s->nsplits == s->cap_splits) {
        uint32_t ncap = s->cap_splits ? s->cap_splits * 2 : 4;
        wr_rt_split *n = wr_realloc_owned(&t->src->v->mem, s->splits, ncap * sizeof *n);
        if (!n) return NULL;
        s->splits = n;
        s->cap_splits = ncap;
    }
    wr_rt_split *sp = &s->splits[s->nsplits++];
    sp->id = id;
    sp->wm = WR_WATERMARK_MIN;
    sp->done = false;
    /* After a restore a split resumes with the watermark it had. */
    for (uint32_t i = 0; i < s->nrsplits; i++)
        if (s->rsplits[i].id == id && s->rsplits[i].wm > sp->wm) sp->wm = s->rsplits[i].wm;
    return sp;
}

/* Minimum over the splits that produced rows and are not done; false when there is none. */
static bool split_min(const wr_rt_srcstate *s, int64_t *out)
{
    bool any = false;
    int64_t m = WR_WATERMARK_MAX;
    for (uint32_t i = 0; i < s->nsplits; i++) {
        if (s->splits[i].done) continue;
        any = true;
        if (s->splits[i].wm < m) m = s->splits[i].wm;
    }
    *out = m;
    return any;
}

static int emit_wm(wr_rt_task *t, int64_t wm, int64_t now)
{
    if (t->ss.idle) {
        /* Downstream ignores watermarks of an idle input: become active first. */
        t->ss.idle = false;
        t->ss.last_activity_us = now;
        int rc = wr_rt_route_control(t, WR_RT_MSG_ACTIVE, 0, 0);
        if (rc != WR_OK) return rc;
    }
    t->ss.out_wm = wm;
    t->ss.last_emit_us = now;
    t->ss.wm_pending = false;
    return wr_rt_deliver_watermark(t, wm);
}

/* After the split watermarks changed: emit now (interval 0, or the interval has passed), or
 * remember that a larger watermark waits. */
static int maybe_emit(wr_rt_task *t, int64_t now)
{
    int64_t m;
    if (!spec(t)->enabled || !split_min(&t->ss, &m) || m <= t->ss.out_wm) {
        t->ss.wm_pending = false;
        return WR_OK;
    }
    int64_t iv = spec(t)->interval_us;
    if (iv == 0 || t->ss.last_emit_us == 0 || now - t->ss.last_emit_us >= iv)
        return emit_wm(t, m, now);
    t->ss.wm_pending = true;
    return WR_OK;
}

/* Hand rows to the chain (or the outputs); takes the reference. */
static int src_output(wr_rt_task *t, wr_batch *b)
{
    if (t->nops == 0) return wr_rt_route_batch(t, b);
    int rc = wr_rt_chain_process(t, 0, 0, b);
    wr_batch_release(b);
    return rc;
}

static int ensure_scratch(wr_rt_task *t, uint32_t n)
{
    wr_rt_srcstate *s = &t->ss;
    if (n <= s->scratch_cap) return WR_OK;
    uint32_t cap = (uint32_t)wr_next_pow2(n);
    int64_t *cand = wr_realloc_owned(&t->src->v->mem, s->cand, cap * sizeof *cand);
    if (!cand) return WR_ENOMEM;
    s->cand = cand;
    uint64_t *valid = wr_realloc_owned(&t->src->v->mem, s->valid, (cap / 64 + 1) * sizeof *valid);
    if (!valid) return WR_ENOMEM;
    s->valid = valid;
    s->scratch_cap = cap;
    return WR_OK;
}

/* Watermark candidates of every row of b into ss.cand, their validity into ss.valid. */
static int candidates(wr_rt_task *t, wr_batch *b, int32_t split)
{
    const wr_wm_spec *w = spec(t);
    const wr_rt_vertex *v = t->src->v;
    uint32_t n = b->len, words = (n + 63) / 64;
    int rc = ensure_scratch(t, n);
    if (rc != WR_OK) return wr_rt_task_error(t, v->name, rc, NULL);
    int64_t *cand = t->ss.cand;
    uint64_t *valid = t->ss.valid;
    const wr_vec *rt = NULL;
    if (w->rowtime_col >= 0 && (uint32_t)w->rowtime_col < b->ncols) rt = &b->cols[w->rowtime_col];
    if (rt && !w->null_rowtime_skip) {
        for (uint32_t i = 0; i < n; i++) {
            if (wr_vec_valid(rt, i)) continue;
            wr_error e;
            wr_error_set(&e, WR_EINVAL, WR_DOMAIN_USER,
                         "NULL value in rowtime column '%s' (split %d); rows need an event "
                         "time, or skip such rows with table.exec.source.rowtime-null-handling",
                         v->out->cols[w->rowtime_col].name, split);
            return wr_rt_task_error(t, v->name, WR_EINVAL, &e);
        }
    }
    if (w->eval) {
        memset(valid, 0, words * sizeof *valid);
        wr_error e;
        wr_error_clear(&e);
        rc = w->eval(w->eval_arg, b, cand, valid, &e);
        if (rc != 0) return wr_rt_task_error(t, v->name, rc, &e);
        if (rt)
            for (uint32_t k = 0; k < words; k++)
                valid[k] &= rt->validity[k];
    } else {
        const int64_t *ts = WR_VEC_I64(rt);
        for (uint32_t i = 0; i < n; i++) {
            int64_t c;
            if (__builtin_sub_overflow(ts[i], w->delay_us, &c))
                c = w->delay_us > 0 ? WR_WATERMARK_MIN : WR_WATERMARK_MAX;
            cand[i] = c;
        }
        memcpy(valid, rt->validity, words * sizeof *valid);
    }
    if (n % 64) valid[words - 1] &= (1ull << (n % 64)) - 1;
    return WR_OK;
}

/* Rows polled from split `split`: count them, generate watermarks, send them on. Takes the
 * reference to b. */
static int src_batch(wr_rt_task *t, int32_t split, wr_batch *b, int64_t now)
{
    wr_rt_srcstate *s = &t->ss;
    const wr_wm_spec *w = spec(t);
    int rc;
    atomic_fetch_add_explicit(&t->records_in, b->len, memory_order_relaxed);
    atomic_fetch_add_explicit(&t->batches_in, 1, memory_order_relaxed);
    wr_rt_job_first_record(t->x);
    s->last_activity_us = now;
    if (s->idle) {
        s->idle = false;
        if ((rc = wr_rt_route_control(t, WR_RT_MSG_ACTIVE, 0, 0)) != WR_OK) goto fail;
    }
    b->split = split;
    if (!w->enabled) return src_output(t, b);

    wr_rt_split *sp = split_get(t, split, true);
    if (!sp) {
        rc = wr_rt_task_error(t, t->src->v->name, WR_ENOMEM, NULL);
        goto fail;
    }
    sp->done = false; /* a split that reported done and has rows again is back in the min */
    if ((rc = candidates(t, b, split)) != WR_OK) goto fail;
    const int64_t *cand = s->cand;
    const uint64_t *valid = s->valid;
    uint32_t n = b->len;

    if (w->interval_us > 0) {
        for (uint32_t i = 0; i < n; i++)
            if ((valid[i >> 6] >> (i & 63) & 1) && cand[i] > sp->wm) sp->wm = cand[i];
        if ((rc = src_output(t, b)) != WR_OK) return rc;
        return maybe_emit(t, now);
    }

    /* Interval 0: cut the batch right after each row that advances the source watermark,
     * so the rows before it, then the watermark, then the rest go downstream. */
    uint32_t start = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!(valid[i >> 6] >> (i & 63) & 1) || cand[i] <= sp->wm) continue;
        sp->wm = cand[i];
        int64_t m;
        if (!split_min(s, &m) || m <= s->out_wm) continue;
        wr_batch *piece;
        if (start == 0 && i + 1 == n) {
            wr_batch_retain(b);
            piece = b;
        } else {
            piece = wr_batch_slice(b, start, i + 1 - start);
            if (!piece) {
                rc = wr_rt_task_error(t, t->src->v->name, WR_ENOMEM, NULL);
                goto fail;
            }
        }
        start = i + 1;
        if ((rc = src_output(t, piece)) != WR_OK) goto fail;
        if ((rc = emit_wm(t, m, now)) != WR_OK) goto fail;
    }
    if (start == 0) return src_output(t, b);
    if (start < n) {
        wr_batch *piece = wr_batch_slice(b, start, n - start);
        if (!piece) {
            rc = wr_rt_task_error(t, t->src->v->name, WR_ENOMEM, NULL);
            goto fail;
        }
        if ((rc = src_output(t, piece)) != WR_OK) goto fail;
    }
    wr_batch_release(b);
    return WR_OK;
fail:
    wr_batch_release(b);
    return rc;
}

/* The source ended (drained: its input is exhausted) or was cancelled. */
static int source_end(wr_rt_task *t, bool drained)
{
    wr_rt_srcstate *s = &t->ss;
    int rc = WR_OK;
    if (drained) {
        if (s->idle) {
            s->idle = false;
            rc = wr_rt_route_control(t, WR_RT_MSG_ACTIVE, 0, 0);
        }
        if (rc == WR_OK && s->out_wm < WR_WATERMARK_MAX) {
            s->out_wm = WR_WATERMARK_MAX;
            rc = wr_rt_deliver_watermark(t, WR_WATERMARK_MAX);
        }
    }
    if (rc == WR_OK) rc = wr_rt_end_chain(t, drained);
    return rc;
}

static int poll_once(wr_rt_task *t, int64_t now, bool *produced, bool *ended, bool *stop)
{
    wr_source_ctx *src = t->src;
    wr_rt_srcstate *s = &t->ss;
    wr_source_poll p;
    memset(&p, 0, sizeof p);
    p.split = -1;
    wr_error e;
    wr_error_clear(&e);
    int rc = src->v->src_vt->poll(src->state, src, &p, &e);
    if (rc != 0) {
        if (p.batch) wr_batch_release(p.batch);
        return wr_rt_task_error(t, src->v->name, rc, &e);
    }
    bool rows = p.batch && p.batch->len > 0;
    if (rows) {
        *produced = true;
        s->empty_polls = 0;
        if ((rc = src_batch(t, p.split, p.batch, now)) != WR_OK) return rc;
    } else if (p.batch) {
        wr_batch_release(p.batch);
    }
    if (p.split_done) {
        wr_rt_split *sp = split_get(t, p.split, false);
        if (sp && !sp->done) {
            sp->done = true;
            if ((rc = maybe_emit(t, now)) != WR_OK) return rc;
        }
    }
    if (p.end) {
        *ended = true;
        return source_end(t, true);
    }
    if (!rows) {
        if (p.wait_until_us > now)
            s->wait_until_us = p.wait_until_us;
        else
            s->empty_polls++;
        *stop = true;
    }
    return WR_OK;
}

static int64_t min_deadline(int64_t a, int64_t b)
{
    if (!a) return b;
    if (!b) return a;
    return a < b ? a : b;
}

int wr_rt_source_step(wr_rt_task *t)
{
    wr_rt_srcstate *s = &t->ss;
    const wr_wm_spec *w = spec(t);
    if (wr_rt_job_failed(t->x)) return wr_rt_task_abort(t);
    if (!t->opened) {
        if (wr_rt_task_open(t) != WR_OK) return wr_rt_task_abort(t);
        s->last_activity_us = wr_mono_us();
        /* Restored: downstream operators get the watermark they had at the checkpoint
         * before any row, so rows late then are late now. */
        if (s->restored && s->restored_wm > s->out_wm &&
            emit_wm(t, s->restored_wm, s->last_activity_us) != WR_OK)
            return wr_rt_task_abort(t);
    }
    if (t->logic_done) return wr_rt_task_finish_flush(t);
    if (wr_rt_job_cancelled(t->x)) {
        if (source_end(t, false) != WR_OK) return wr_rt_task_abort(t);
        return wr_rt_task_finish_flush(t);
    }
    bool release;
    if (wr_rt_ckpt_step(t, &release) != WR_OK) return wr_rt_task_abort(t);
    if (t->ck_stop) {
        /* Stop with a savepoint: the barrier is out; the input ends here, undrained. */
        if (source_end(t, false) != WR_OK) return wr_rt_task_abort(t);
        return wr_rt_task_finish_flush(t);
    }
    if (!wr_rt_outputs_flush(t) || !wr_rt_outputs_room(t)) {
        s->blocked = true;
        return wr_rt_wait_outputs(t);
    }
    int64_t now = wr_mono_us(), t0 = now;
    if (s->blocked) {
        /* Time spent backpressured is not time without data. */
        s->blocked = false;
        s->last_activity_us = now;
    }
    if (wr_rt_fire_proc_timers(t) != WR_OK) return wr_rt_task_abort(t);
    if (s->wm_pending && maybe_emit(t, now) != WR_OK) return wr_rt_task_abort(t);

    bool produced = false, ended = false, stop = false;
    for (uint32_t polls = 0; polls < SRC_MAX_POLLS && s->wait_until_us <= now; polls++) {
        if (poll_once(t, now, &produced, &ended, &stop) != WR_OK) return wr_rt_task_abort(t);
        if (ended || stop || !wr_rt_outputs_room(t)) break;
        now = wr_mono_us();
        if (now - t0 >= SRC_STEP_US) break;
    }
    if (t->failed) return wr_rt_task_abort(t);
    if (ended) return wr_rt_task_finish_flush(t);

    now = wr_mono_us();
    if (!produced && w->idle_timeout_us > 0 && !s->idle &&
        now - s->last_activity_us >= w->idle_timeout_us) {
        /* A watermark waiting for the interval goes out before the source turns idle. */
        int64_t m;
        if (s->wm_pending && split_min(s, &m) && m > s->out_wm && emit_wm(t, m, now) != WR_OK)
            return wr_rt_task_abort(t);
        s->idle = true;
        if (wr_rt_route_control(t, WR_RT_MSG_IDLE, 0, 0) != WR_OK) return wr_rt_task_abort(t);
    }
    if (!wr_rt_outputs_room(t)) {
        s->blocked = true;
        return wr_rt_wait_outputs(t);
    }
    if (s->wait_until_us <= now) {
        if (produced || s->empty_polls <= 4) return WR_RT_STEP_RERUN;
        /* A source that keeps saying "nothing, poll again soon": back off a little. */
        uint32_t k = WR_MIN(s->empty_polls - 4, 10u);
        s->wait_until_us = now + WR_MIN((int64_t)SRC_BACKOFF_MAX_US, (int64_t)10 << k);
    }
    int64_t dl = s->wait_until_us;
    if (w->idle_timeout_us > 0 && !s->idle)
        dl = min_deadline(dl, s->last_activity_us + w->idle_timeout_us);
    if (s->wm_pending) dl = min_deadline(dl, s->last_emit_us + w->interval_us);
    dl = min_deadline(dl, wr_rt_next_proc_deadline(t, now));
    if (dl <= now) return WR_RT_STEP_RERUN;
    if (wr_rt_task_arm(t, dl, now) != WR_OK) return wr_rt_task_abort(t);
    return WR_RT_STEP_WAIT_INPUT;
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints. Operator records of table "wr.source", 14 bytes, little-endian:
 *   u8 kind (0 = a split, 1 = the subtask's last emitted watermark), i32 split id (0 for
 *   kind 1), i64 watermark, u8 done.
 * Every restoring subtask reads all of them: a split takes its watermark when it shows up
 * again, and the subtask first announces the smallest emitted watermark of the old
 * subtasks (with several old subtasks, downstream held the minimum of theirs).
 * ---------------------------------------------------------------------------------------- */
#define SRC_REC_LEN 14

static void put_rec(uint8_t *p, uint8_t kind, int32_t id, int64_t wm, bool done)
{
    p[0] = kind;
    wr_le_put(p + 1, (uint32_t)id, 4);
    wr_le_put(p + 5, (uint64_t)wm, 8);
    p[13] = done;
}

int wr_rt_source_snapshot(wr_rt_task *t, wr_snap_writer *w, wr_error *err)
{
    wr_rt_srcstate *s = &t->ss;
    uint8_t rec[SRC_REC_LEN];
    for (uint32_t i = 0; i < s->nsplits; i++) {
        put_rec(rec, 0, s->splits[i].id, s->splits[i].wm, s->splits[i].done);
        int rc = wr_snap_put_op(w, "wr.source", rec, sizeof rec, err);
        if (rc != WR_OK) return rc;
    }
    /* Restored splits this subtask has not seen again keep their watermarks (another
     * subtask may write the same split too; a restore takes the largest). */
    for (uint32_t i = 0; i < s->nrsplits; i++) {
        if (split_get(t, s->rsplits[i].id, false)) continue;
        put_rec(rec, 0, s->rsplits[i].id, s->rsplits[i].wm, s->rsplits[i].done);
        int rc = wr_snap_put_op(w, "wr.source", rec, sizeof rec, err);
        if (rc != WR_OK) return rc;
    }
    put_rec(rec, 1, 0, s->out_wm, false);
    return wr_snap_put_op(w, "wr.source", rec, sizeof rec, err);
}

int wr_rt_source_restore(wr_rt_task *t, wr_snap_reader *r, wr_error *err)
{
    wr_rt_srcstate *s = &t->ss;
    wr_snap_rec rec;
    int rc;
    int64_t minwm = WR_WATERMARK_MAX;
    bool any = false;
    while ((rc = wr_snap_next_op(r, "wr.source", &rec, err)) == 1) {
        if (rec.vlen != SRC_REC_LEN || rec.val[0] > 1)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "bad source position record (%u bytes)", rec.vlen);
        uint32_t u = (uint32_t)wr_le_get(rec.val + 1, 4);
        uint64_t w = wr_le_get(rec.val + 5, 8);
        if (rec.val[0] == 1) {
            any = true;
            if ((int64_t)w < minwm) minwm = (int64_t)w;
            continue;
        }
        if (s->nrsplits % 16 == 0) {
            wr_rt_split *n =
                wr_realloc_owned(&t->src->v->mem, s->rsplits, (s->nrsplits + 16) * sizeof *n);
            if (!n) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            s->rsplits = n;
        }
        s->rsplits[s->nrsplits++] = (wr_rt_split){(int32_t)u, (int64_t)w, rec.val[13] != 0};
    }
    if (rc < 0) return rc;
    if (any && minwm > WR_WATERMARK_MIN) {
        s->restored = true;
        s->restored_wm = minwm;
    }
    return WR_OK;
}

void wr_rt_source_free(wr_rt_task *t)
{
    wr_free(t->ss.rsplits);
    wr_free(t->ss.splits);
    wr_free(t->ss.cand);
    wr_free(t->ss.valid);
    memset(&t->ss, 0, sizeof t->ss);
}

/* ------------------------------------------------------------------------------------------
 * Services for sources
 * ---------------------------------------------------------------------------------------- */
uint32_t wr_source_subtask(const wr_source_ctx *ctx)
{
    return ctx->task->subtask;
}

uint32_t wr_source_parallelism(const wr_source_ctx *ctx)
{
    return ctx->task->parallelism;
}

const wr_schema *wr_source_schema(const wr_source_ctx *ctx)
{
    return ctx->v->out;
}

uint32_t wr_source_batch_rows(const wr_source_ctx *ctx)
{
    return wr_rt_job_batch_rows(ctx->task->x);
}

wr_mem_owner *wr_source_mem(wr_source_ctx *ctx)
{
    return &ctx->v->mem;
}

void wr_source_count_errors(wr_source_ctx *ctx, uint64_t n)
{
    atomic_fetch_add_explicit(&ctx->task->errors, n, memory_order_relaxed);
}

const char *wr_source_name(const wr_source_ctx *ctx)
{
    return ctx->v->name;
}
