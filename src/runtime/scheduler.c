/* scheduler.c - the worker pool and the timer thread of one execution. Tasks are run
 * cooperatively: a worker takes a task from the run queue, runs one bounded step and puts it
 * back only when the step says there is more to do now or someone woke it meanwhile. A task
 * is in the queue at most once, thanks to its atomic state (IDLE, QUEUED, RUNNING,
 * NOTIFIED, DONE): a wake-up of an idle task queues it, a wake-up of a running task marks it
 * NOTIFIED so it runs again after its step, and nothing is lost in between. The run queue is
 * a list under a mutex and condition variable: it is touched once per step, never per
 * record. The timer thread keeps a min-heap of (monotonic deadline, task) and wakes tasks
 * that wait for time: a source's next poll, processing-time timers, idle timeouts and
 * periodic watermarks. Per-task time accounting (busy, idle, backpressured) is updated here,
 * around each step. */
#include "runtime/runtime_int.h"

#include <stdio.h>

static void enqueue(wr_job_exec *x, wr_rt_task *t)
{
    wr_mutex_lock(&x->q_mu);
    wr_list_push_back(&x->q, &t->qnode);
    wr_cond_signal(&x->q_cv);
    wr_mutex_unlock(&x->q_mu);
}

void wr_rt_wake(wr_rt_task *t)
{
    int s = atomic_load(&t->state);
    for (;;) {
        switch (s) {
        case WR_RT_TS_IDLE:
            if (atomic_compare_exchange_weak(&t->state, &s, WR_RT_TS_QUEUED)) {
                enqueue(t->x, t);
                return;
            }
            break;
        case WR_RT_TS_RUNNING:
            if (atomic_compare_exchange_weak(&t->state, &s, WR_RT_TS_NOTIFIED)) return;
            break;
        default:
            return; /* already queued, notified or done */
        }
    }
}

static void acct_switch(wr_rt_task *t, int64_t now, wr_rt_acct next)
{
    int st = atomic_load_explicit(&t->acct_state, memory_order_relaxed);
    int64_t since = atomic_load_explicit(&t->acct_since, memory_order_relaxed);
    if (st < WR_RT_ACCT_DONE && now > since)
        atomic_fetch_add_explicit(&t->acct_ns[st], now - since, memory_order_relaxed);
    atomic_store_explicit(&t->acct_since, now, memory_order_relaxed);
    atomic_store_explicit(&t->acct_state, next, memory_order_relaxed);
}

static void run_task(wr_job_exec *x, wr_rt_task *t)
{
    atomic_store(&t->state, WR_RT_TS_RUNNING);
    acct_switch(t, wr_mono_ns(), WR_RT_ACCT_BUSY);
    int r = wr_rt_task_step(t);
    /* A runnable task waiting for a worker counts as busy, as in Flink busy = the rest. */
    static const wr_rt_acct next[] = {
        [WR_RT_STEP_RERUN] = WR_RT_ACCT_BUSY,
        [WR_RT_STEP_WAIT_INPUT] = WR_RT_ACCT_IDLE,
        [WR_RT_STEP_WAIT_OUTPUT] = WR_RT_ACCT_BP,
        [WR_RT_STEP_DONE] = WR_RT_ACCT_DONE,
    };
    acct_switch(t, wr_mono_ns(), next[r]);
    switch (r) {
    case WR_RT_STEP_DONE:
        atomic_store(&t->state, WR_RT_TS_DONE);
        wr_rt_job_task_done(x);
        return;
    case WR_RT_STEP_RERUN:
        atomic_store(&t->state, WR_RT_TS_QUEUED);
        enqueue(x, t);
        return;
    default: {
        int s = WR_RT_TS_RUNNING;
        if (!atomic_compare_exchange_strong(&t->state, &s, WR_RT_TS_IDLE)) {
            /* Woken while running: the event may have come after the step looked. */
            atomic_store(&t->state, WR_RT_TS_QUEUED);
            enqueue(x, t);
        }
        return;
    }
    }
}

static void *worker_main(void *arg)
{
    wr_job_exec *x = arg;
    for (;;) {
        wr_mutex_lock(&x->q_mu);
        while (!x->q_stop && wr_list_empty(&x->q))
            wr_cond_wait(&x->q_cv, &x->q_mu);
        wr_list *n = wr_list_pop_front(&x->q);
        wr_mutex_unlock(&x->q_mu);
        if (!n) break;
        run_task(x, WR_CONTAINER_OF(n, wr_rt_task, qnode));
    }
    return NULL;
}

static void *timer_main(void *arg)
{
    wr_job_exec *x = arg;
    wr_mutex_lock(&x->tm_mu);
    while (!x->tm_stop) {
        int64_t key;
        uint64_t val;
        if (!wr_heap_peek(&x->tm_heap, &key, &val)) {
            wr_cond_wait(&x->tm_cv, &x->tm_mu);
            continue;
        }
        if (key > wr_mono_us()) {
            wr_cond_wait_until(&x->tm_cv, &x->tm_mu, key);
            continue;
        }
        wr_heap_pop(&x->tm_heap, &key, &val);
        wr_mutex_unlock(&x->tm_mu);
        wr_rt_wake((wr_rt_task *)(uintptr_t)val);
        wr_mutex_lock(&x->tm_mu);
    }
    wr_mutex_unlock(&x->tm_mu);
    return NULL;
}

int wr_rt_timer_arm(wr_job_exec *x, wr_rt_task *t, int64_t deadline_mono_us)
{
    wr_mutex_lock(&x->tm_mu);
    int64_t top;
    uint64_t val;
    bool earliest = !wr_heap_peek(&x->tm_heap, &top, &val) || deadline_mono_us < top;
    int rc = wr_heap_push(&x->tm_heap, deadline_mono_us, (uint64_t)(uintptr_t)t);
    if (rc == WR_OK && earliest) wr_cond_signal(&x->tm_cv);
    wr_mutex_unlock(&x->tm_mu);
    return rc;
}

int wr_rt_sched_start(wr_job_exec *x, wr_error *err)
{
    int rc = wr_thread_start(&x->timer, "wr-timer", timer_main, x);
    if (rc != WR_OK)
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "cannot start the timer thread");
    x->timer_started = true;
    x->workers = wr_calloc_owned(&x->mem, x->opts.workers, sizeof *x->workers);
    if (!x->workers) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    for (uint32_t i = 0; i < x->opts.workers; i++) {
        char name[32];
        snprintf(name, sizeof name, "wr-worker-%u", i);
        rc = wr_thread_start(&x->workers[i], name, worker_main, x);
        if (rc != WR_OK) break;
        x->nworkers++;
    }
    if (x->nworkers == 0)
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "cannot start worker threads");
    return WR_OK;
}

void wr_rt_sched_join(wr_job_exec *x)
{
    wr_mutex_lock(&x->q_mu);
    x->q_stop = true;
    wr_cond_broadcast(&x->q_cv);
    wr_mutex_unlock(&x->q_mu);
    for (uint32_t i = 0; i < x->nworkers; i++)
        wr_thread_join(&x->workers[i]);
    x->nworkers = 0;
    if (x->timer_started) {
        wr_mutex_lock(&x->tm_mu);
        x->tm_stop = true;
        wr_cond_signal(&x->tm_cv);
        wr_mutex_unlock(&x->tm_mu);
        wr_thread_join(&x->timer);
        x->timer_started = false;
    }
}
