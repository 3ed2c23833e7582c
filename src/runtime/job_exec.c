/* job_exec.c - one execution of a job graph: turns the plan into tasks (one per chain and
 * subtask) and channels (one per producer subtask, consumer subtask and edge), starts the
 * workers and the timer thread, and handles the life of the run: cancellation, failure
 * (the first error wins, every task stops at its next step), completion, statistics while
 * running and at the end, and teardown, which releases whatever was still in flight. */
#include "runtime/runtime_int.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------
 * Status
 * ---------------------------------------------------------------------------------------- */
static void wake_all(wr_job_exec *x)
{
    for (uint32_t i = 0; i < x->ntasks; i++)
        wr_rt_wake(x->tasks[i]);
}

void wr_rt_job_fail(wr_job_exec *x, const wr_error *e)
{
    wr_mutex_lock(&x->err_mu);
    if (!atomic_load(&x->failed)) {
        x->err = *e;
        atomic_store(&x->failed, 1);
    }
    wr_mutex_unlock(&x->err_mu);
    atomic_store(&x->cancelled, 1);
    wake_all(x);
}

void wr_rt_job_task_done(wr_job_exec *x)
{
    if (atomic_fetch_sub(&x->live, 1) != 1) return;
    atomic_store(&x->finished_us, wr_mono_us());
    wr_mutex_lock(&x->done_mu);
    x->done = true;
    wr_cond_broadcast(&x->done_cv);
    wr_mutex_unlock(&x->done_mu);
    wr_mutex_lock(&x->q_mu);
    x->q_stop = true;
    wr_cond_broadcast(&x->q_cv);
    wr_mutex_unlock(&x->q_mu);
}

void wr_rt_job_first_record(wr_job_exec *x)
{
    if (atomic_load_explicit(&x->first_record_us, memory_order_relaxed)) return;
    int64_t zero = 0;
    atomic_compare_exchange_strong(&x->first_record_us, &zero, wr_mono_us());
}

void wr_job_fail(wr_job_exec *x, const wr_error *err)
{
    if (x && err) wr_rt_job_fail(x, err);
}

void wr_job_cancel(wr_job_exec *x)
{
    if (!x) return;
    atomic_store(&x->cancelled, 1);
    wake_all(x);
}

/* ------------------------------------------------------------------------------------------
 * Building tasks and channels
 * ---------------------------------------------------------------------------------------- */
static void task_free(wr_rt_task *t)
{
    if (!t) return;
    wr_rt_task_close(t);
    for (uint32_t k = 0; k < t->nops; k++) {
        wr_heap_free(&t->ops[k].ev_timers);
        wr_heap_free(&t->ops[k].pt_timers);
        wr_free(t->ops[k].in_schema);
    }
    wr_free(t->ops);
    for (uint32_t i = 0; i < t->nfinal; i++)
        wr_buf_free(&t->final[i]);
    wr_free(t->final);
    if (t->src) wr_rt_source_free(t);
    wr_free(t->src);
    for (uint32_t i = 0; t->outs && i < t->nouts; i++)
        wr_free(t->outs[i].chans);
    wr_free(t->outs);
    wr_free(t->in);
    wr_rt_valve_free(&t->valve);
    wr_free(t->hash);
    wr_free(t->tgt);
    wr_free(t->perm);
    wr_free(t->counts);
    wr_free(t);
}

static void task_name(wr_rt_task *t, const wr_job *job, const int *members, uint32_t len)
{
    size_t n = 0, cap = sizeof t->name;
    char suffix[32];
    snprintf(suffix, sizeof suffix, " (%u/%u)", t->subtask + 1, t->parallelism);
    size_t room = cap - strlen(suffix) - 1;
    for (uint32_t k = 0; k < len && n < room; k++) {
        int w =
            snprintf(t->name + n, room - n + 1, "%s%s", k ? " -> " : "", job->v[members[k]]->name);
        if (w < 0) break;
        n += (size_t)w;
        if (n > room) n = room;
    }
    snprintf(t->name + n, cap - n, "%s", suffix);
}

static wr_rt_task *task_new(wr_job_exec *x, uint32_t chain, uint32_t subtask)
{
    const wr_job *job = x->job;
    const wr_rt_plan *p = &x->plan;
    const int *members = p->members + p->chain_start[chain];
    uint32_t len = p->chain_start[chain + 1] - p->chain_start[chain];
    wr_rt_vertex *head = job->v[members[0]];

    wr_rt_task *t = wr_calloc_owned(&x->mem, 1, sizeof *t);
    if (!t) return NULL;
    t->x = x;
    t->chain = chain;
    t->subtask = subtask;
    t->parallelism = head->parallelism;
    t->tail = job->v[members[len - 1]];
    atomic_init(&t->state, WR_RT_TS_IDLE);
    atomic_init(&t->acct_state, WR_RT_ACCT_IDLE);
    atomic_init(&t->acct_since, wr_mono_ns());
    atomic_init(&t->watermark, WR_WATERMARK_MIN);
    wr_list_init(&t->qnode);
    task_name(t, job, members, len);

    uint32_t first_op = 0;
    if (head->is_source) {
        t->src = wr_calloc_owned(&x->mem, 1, sizeof *t->src);
        if (!t->src) goto fail;
        t->src->task = t;
        t->src->v = head;
        t->ss.out_wm = WR_WATERMARK_MIN;
        first_op = 1;
    }
    t->nops = len - first_op;
    if (t->nops) {
        t->ops = wr_calloc_owned(&x->mem, t->nops, sizeof *t->ops);
        if (!t->ops) {
            t->nops = 0;
            goto fail;
        }
    }
    for (uint32_t k = 0; k < t->nops; k++) {
        wr_op_ctx *c = &t->ops[k];
        int vid = members[first_op + k];
        c->task = t;
        c->v = job->v[vid];
        c->pos = k;
        c->wm_in = c->wm_out = WR_WATERMARK_MIN;
        wr_heap_init(&c->ev_timers, &c->v->mem);
        wr_heap_init(&c->pt_timers, &c->v->mem);
        c->ninputs = first_op + k == 0 ? p->ninputs[vid] : 1;
        c->in_schema = wr_calloc_owned(&x->mem, c->ninputs, sizeof *c->in_schema);
        if (!c->in_schema) goto fail;
        if (first_op + k > 0) {
            c->in_schema[0] = job->v[members[first_op + k - 1]]->out;
            continue;
        }
        for (uint32_t i = 0; i < job->ne; i++) {
            const wr_rt_edge *e = &job->e[i];
            if (e->to == vid && !c->in_schema[e->input])
                c->in_schema[e->input] = job->v[e->from]->out;
        }
    }
    return t;
fail:
    task_free(t);
    return NULL;
}

static bool edge_chained(const wr_job *job, const wr_rt_edge *e)
{
    return wr_rt_chained_into(job, e->to) == e->from;
}

static int build(wr_job_exec *x, wr_error *err)
{
    const wr_job *job = x->job;
    const wr_rt_plan *p = &x->plan;
    int rc = WR_ENOMEM;
    uint32_t *base = wr_calloc_owned(&x->mem, p->nchains, sizeof *base);
    uint32_t *filled = NULL;
    if (!base) goto fail;

    uint32_t ntasks = 0;
    for (uint32_t c = 0; c < p->nchains; c++) {
        base[c] = ntasks;
        ntasks += job->v[p->members[p->chain_start[c]]]->parallelism;
    }
    x->tasks = wr_calloc_owned(&x->mem, ntasks, sizeof *x->tasks);
    if (!x->tasks) goto fail;
    x->ntasks = ntasks;
    for (uint32_t c = 0; c < p->nchains; c++) {
        uint32_t par = job->v[p->members[p->chain_start[c]]]->parallelism;
        for (uint32_t s = 0; s < par; s++) {
            wr_rt_task *t = task_new(x, c, s);
            if (!t) goto fail;
            t->index = base[c] + s;
            x->tasks[t->index] = t;
        }
    }

    /* Count outputs per producer task and input channels per consumer task. */
    uint32_t nchans = 0;
    for (uint32_t i = 0; i < job->ne; i++) {
        const wr_rt_edge *e = &job->e[i];
        if (edge_chained(job, e)) continue;
        uint32_t pf = job->v[e->from]->parallelism, pt = job->v[e->to]->parallelism;
        uint32_t cf = (uint32_t)p->chain_of[e->from], ct = (uint32_t)p->chain_of[e->to];
        for (uint32_t s = 0; s < pf; s++)
            x->tasks[base[cf] + s]->nouts++;
        for (uint32_t s = 0; s < pt; s++)
            x->tasks[base[ct] + s]->nin += e->kind == WR_EDGE_FORWARD ? 1 : pf;
        nchans += e->kind == WR_EDGE_FORWARD ? pf : pf * pt;
    }
    filled = wr_calloc_owned(&x->mem, x->ntasks, sizeof *filled);
    x->chans = wr_calloc_owned(&x->mem, nchans ? nchans : 1, sizeof *x->chans);
    if (!filled || !x->chans) goto fail;
    for (uint32_t i = 0; i < x->ntasks; i++) {
        wr_rt_task *t = x->tasks[i];
        if (t->nouts) {
            t->outs = wr_calloc_owned(&x->mem, t->nouts, sizeof *t->outs);
            if (!t->outs) {
                t->nouts = 0;
                goto fail;
            }
        }
        if (t->nin) {
            t->in = wr_calloc_owned(&x->mem, t->nin, sizeof *t->in);
            if (!t->in) goto fail;
        }
        if (!t->src && wr_rt_valve_init(&t->valve, t->nin, &x->mem) != WR_OK) goto fail;
        t->nin = 0;
    }

    for (uint32_t i = 0; i < job->ne; i++) {
        const wr_rt_edge *e = &job->e[i];
        if (edge_chained(job, e)) continue;
        uint32_t pf = job->v[e->from]->parallelism, pt = job->v[e->to]->parallelism;
        uint32_t cf = (uint32_t)p->chain_of[e->from], ct = (uint32_t)p->chain_of[e->to];
        bool fwd = e->kind == WR_EDGE_FORWARD;
        for (uint32_t s = 0; s < pf; s++) {
            wr_rt_task *prod = x->tasks[base[cf] + s];
            wr_rt_out *o = &prod->outs[filled[prod->index]++];
            o->edge = e;
            o->nchans = fwd ? 1 : pt;
            o->rr = s % o->nchans;
            o->chans = wr_calloc_owned(&x->mem, o->nchans, sizeof *o->chans);
            if (!o->chans) goto fail;
            for (uint32_t d = 0; d < pt; d++) {
                if (fwd && d != s) continue;
                wr_rt_task *cons = x->tasks[base[ct] + d];
                wr_rt_chan *ch = wr_calloc_owned(&x->mem, 1, sizeof *ch);
                if (!ch) goto fail;
                x->chans[x->nchans++] = ch;
                if (wr_rt_chan_init(ch, x->opts.channel_batches, &x->mem) != WR_OK) goto fail;
                ch->producer = prod;
                ch->consumer = cons;
                ch->input = e->input;
                ch->slot = cons->nin;
                cons->in[cons->nin++] = ch;
                o->chans[fwd ? 0 : d] = ch;
            }
        }
    }
    rc = WR_OK;
fail:
    wr_free(base);
    wr_free(filled);
    if (rc != WR_OK)
        wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "job '%s': out of memory", job->name);
    return rc;
}

static void exec_free(wr_job_exec *x)
{
    if (!x) return;
    for (uint32_t i = 0; i < x->ntasks; i++)
        task_free(x->tasks[i]);
    for (uint32_t i = 0; i < x->nchans; i++) {
        wr_rt_chan_destroy(x->chans[i]);
        wr_free(x->chans[i]);
    }
    wr_free(x->tasks);
    wr_free(x->chans);
    wr_free(x->workers);
    wr_heap_free(&x->tm_heap);
    wr_rt_plan_free(&x->plan);
    wr_mutex_destroy(&x->q_mu);
    wr_cond_destroy(&x->q_cv);
    wr_mutex_destroy(&x->tm_mu);
    wr_cond_destroy(&x->tm_cv);
    wr_mutex_destroy(&x->err_mu);
    wr_mutex_destroy(&x->done_mu);
    wr_cond_destroy(&x->done_cv);
    atomic_store(&x->job->running, false);
    wr_free(x);
}

/* ------------------------------------------------------------------------------------------
 * Start, wait, stats
 * ---------------------------------------------------------------------------------------- */
int wr_job_start(wr_job *job, const wr_job_opts *opts, wr_job_exec **out, wr_error *err)
{
    *out = NULL;
    if (!job) return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "no job");
    bool idle = false;
    if (!atomic_compare_exchange_strong(&job->running, &idle, true))
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "job '%s' is already running",
                            job->name);
    wr_job_exec *x = wr_calloc(1, sizeof *x);
    if (!x) {
        atomic_store(&job->running, false);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    x->job = job;
    x->mem.name = "runtime";
    wr_mutex_init(&x->q_mu);
    wr_cond_init(&x->q_cv);
    wr_list_init(&x->q);
    wr_mutex_init(&x->tm_mu);
    wr_cond_init(&x->tm_cv);
    wr_heap_init(&x->tm_heap, &x->mem);
    wr_mutex_init(&x->err_mu);
    wr_mutex_init(&x->done_mu);
    wr_cond_init(&x->done_cv);
    if (opts) x->opts = *opts;
    if (!x->opts.batch_rows) x->opts.batch_rows = WR_BATCH_DEFAULT_ROWS;
    if (!x->opts.channel_batches) x->opts.channel_batches = 16;
    if (!x->opts.workers) x->opts.workers = (uint32_t)wr_cpu_count();

    int rc = wr_rt_plan_build(job, &x->plan, err);
    if (rc != WR_OK) goto fail;
    for (uint32_t i = 0; x->opts.ckpt && i < job->nv; i++) {
        const wr_rt_vertex *v = job->v[i];
        uint32_t sup = v->is_source ? v->src_vt->ckpt : v->op_vt->ckpt;
        if (sup == WR_CKPT_UNSUPPORTED) {
            rc = wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                              "checkpointing is not supported yet by '%s' (%s); turn "
                              "execution.checkpointing.interval off for this job",
                              v->name, v->is_source ? v->src_vt->name : v->op_vt->name);
            goto fail;
        }
    }
    if ((rc = build(x, err)) != WR_OK) goto fail;
    if (x->opts.workers > x->ntasks) x->opts.workers = x->ntasks;
    atomic_store(&x->live, x->ntasks);
    x->started_us = wr_mono_us();
    if ((rc = wr_rt_sched_start(x, err)) != WR_OK) goto fail;
    for (uint32_t i = 0; i < x->ntasks; i++)
        wr_rt_wake(x->tasks[i]);
    *out = x;
    return WR_OK;
fail:
    wr_rt_sched_join(x);
    exec_free(x);
    return rc;
}

static int fill_stats(wr_job_exec *x, wr_job_stats *s)
{
    memset(s, 0, sizeof *s);
    s->started_mono_us = x->started_us;
    s->first_record_mono_us = atomic_load(&x->first_record_us);
    s->restored_mono_us = atomic_load(&x->restored_us);
    s->finished_mono_us = atomic_load(&x->finished_us);
    s->tasks = wr_calloc(x->ntasks ? x->ntasks : 1, sizeof *s->tasks);
    if (!s->tasks) return WR_ENOMEM;
    s->ntasks = x->ntasks;
    int64_t now = wr_mono_ns();
    for (uint32_t i = 0; i < x->ntasks; i++) {
        wr_rt_task *t = x->tasks[i];
        wr_task_stats *ts = &s->tasks[i];
        snprintf(ts->name, sizeof ts->name, "%s", t->name);
        ts->subtask = t->subtask;
        int64_t acct[3];
        for (int k = 0; k < 3; k++)
            acct[k] = atomic_load_explicit(&t->acct_ns[k], memory_order_relaxed);
        int st = atomic_load_explicit(&t->acct_state, memory_order_relaxed);
        int64_t since = atomic_load_explicit(&t->acct_since, memory_order_relaxed);
        if (st < WR_RT_ACCT_DONE && now > since) acct[st] += now - since;
        ts->busy_ns = acct[WR_RT_ACCT_BUSY];
        ts->idle_ns = acct[WR_RT_ACCT_IDLE];
        ts->backpressured_ns = acct[WR_RT_ACCT_BP];
        ts->records_in = atomic_load_explicit(&t->records_in, memory_order_relaxed);
        ts->records_out = atomic_load_explicit(&t->records_out, memory_order_relaxed);
        ts->batches_in = atomic_load_explicit(&t->batches_in, memory_order_relaxed);
        ts->late_dropped = atomic_load_explicit(&t->late, memory_order_relaxed);
        ts->errors_skipped = atomic_load_explicit(&t->errors, memory_order_relaxed);
        ts->watermark = atomic_load_explicit(&t->watermark, memory_order_relaxed);
        ts->source = t->src != NULL;
        if (ts->source) s->records_in_sources += ts->records_in;
        if (t->nouts == 0)
            s->records_out_sinks += atomic_load_explicit(&t->sink_rows, memory_order_relaxed);
    }
    return WR_OK;
}

int wr_job_exec_stats(wr_job_exec *x, wr_job_stats *stats)
{
    return fill_stats(x, stats);
}

void wr_job_stats_free(wr_job_stats *s)
{
    if (!s) return;
    wr_free(s->tasks);
    s->tasks = NULL;
    s->ntasks = 0;
}

int wr_job_wait(wr_job_exec *x, wr_job_stats *stats, wr_error *err)
{
    wr_mutex_lock(&x->done_mu);
    while (!x->done)
        wr_cond_wait(&x->done_cv, &x->done_mu);
    wr_mutex_unlock(&x->done_mu);
    wr_rt_sched_join(x);
    if (stats) fill_stats(x, stats);
    int rc = WR_OK;
    if (atomic_load(&x->failed)) {
        rc = x->err.code ? x->err.code : WR_EINTERNAL;
        if (err) *err = x->err;
    } else if (err) {
        wr_error_clear(err);
    }
    exec_free(x);
    return rc;
}

int wr_job_run(wr_job *job, const wr_job_opts *opts, wr_job_stats *stats, wr_error *err)
{
    wr_job_exec *x;
    int rc = wr_job_start(job, opts, &x, err);
    if (rc != WR_OK) return rc;
    return wr_job_wait(x, stats, err);
}
