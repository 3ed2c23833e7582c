/* test_runtime_exec.c - jobs run on the real executor: an in-memory test source (rows with a
 * key, an event time and a string, spread over splits) and a collecting sink that records
 * rows, watermarks and finish in arrival order. Covers chaining, hash/broadcast/rebalance
 * partitioning at several parallelisms, watermark generation per split (exact batch cuts
 * with interval 0), merging across inputs, idleness, end of input, event- and
 * processing-time timers, backpressure bounds, failure, cancel, statistics, and leaks.
 * Nothing asserts durations: waits poll for a condition. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

static int64_t live_before;

static int setup(void **st)
{
    (void)st;
    live_before = wr_mem_live_allocs();
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    assert_int_equal(wr_mem_live_allocs(), live_before);
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Test source: rows (k, ts, s) spread over splits; subtask i reads the splits s with
 * s % parallelism == i, one batch per poll, visiting its splits round robin.
 * ---------------------------------------------------------------------------------------- */
enum { TAIL_END = 0, TAIL_WAIT, TAIL_INFINITE };

typedef struct src_cfg {
    uint32_t nrows;
    const int64_t *k, *ts;
    const int32_t *split; /* NULL: all split 0 */
    const bool *ts_null;  /* NULL: none */
    uint32_t batch;       /* rows per batch */
    int tail;             /* after the rows: end, wait forever, or generate forever */
    _Atomic uint64_t *produced_batches;
    int fail_poll_at; /* fail the n-th poll (1-based), 0 = never */
    /* TAIL_WAIT: once *gate is set, a second phase of rows on split 0: n2 rows with ts
     * ts2 + i, or (repeat2) batches of rows with ts ts2 forever */
    _Atomic int *gate;
    uint32_t n2;
    int64_t ts2;
    bool repeat2;
} src_cfg;

typedef struct src_state {
    const src_cfg *cfg;
    uint32_t sub, par;
    uint32_t nsplits;
    int32_t *splits;
    uint32_t *cursor; /* per split: index into the rows */
    bool *done;
    uint32_t next;
    int64_t gen;
    int polls;
    bool phase2_done;
} src_state;

static int32_t row_split(const src_cfg *c, uint32_t i)
{
    return c->split ? c->split[i] : 0;
}

static void src_close(void *state)
{
    src_state *s = state;
    wr_free(s->splits);
    wr_free(s->cursor);
    wr_free(s->done);
    wr_free(s);
}

static int src_open(void **state, wr_source_ctx *ctx, const void *config, wr_error *err)
{
    const src_cfg *c = config;
    src_state *s = wr_calloc(1, sizeof *s);
    if (!s) return WR_ENOMEM;
    s->cfg = c;
    s->sub = wr_source_subtask(ctx);
    s->par = wr_source_parallelism(ctx);
    int32_t maxs = -1;
    for (uint32_t i = 0; i < c->nrows; i++)
        if (row_split(c, i) > maxs) maxs = row_split(c, i);
    s->splits = wr_calloc((size_t)maxs + 2, sizeof *s->splits);
    s->cursor = wr_calloc((size_t)maxs + 2, sizeof *s->cursor);
    s->done = wr_calloc((size_t)maxs + 2, sizeof *s->done);
    if (!s->splits || !s->cursor || !s->done) {
        src_close(s); /* a failed open cleans up: close is not called */
        return WR_ENOMEM;
    }
    for (int32_t sp = 0; sp <= maxs; sp++)
        if ((uint32_t)sp % s->par == s->sub) s->splits[s->nsplits++] = sp;
    *state = s;
    return 0;
}

static int put_row(wr_batch *b, uint32_t j, int64_t k, int64_t ts, bool ts_null)
{
    WR_VEC_I64(&b->cols[0])[j] = k;
    WR_VEC_I64(&b->cols[1])[j] = ts;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "key-%lld", (long long)k);
    wr_vec_set_valid(&b->cols[0], j, true);
    wr_vec_set_valid(&b->cols[1], j, !ts_null);
    wr_vec_set_valid(&b->cols[2], j, true);
    b->rowkind[j] = WR_RK_INSERT;
    return wr_batch_copy_str(b, buf, (size_t)n, &WR_VEC_STR(&b->cols[2])[j]);
}

static int src_poll(void *state, wr_source_ctx *ctx, wr_source_poll *out, wr_error *err)
{
    src_state *s = state;
    const src_cfg *c = s->cfg;
    if (c->fail_poll_at && ++s->polls == c->fail_poll_at)
        return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "disk on fire");
    /* next split with rows left, round robin */
    for (uint32_t tries = 0; tries < s->nsplits; tries++) {
        uint32_t si = (s->next + tries) % s->nsplits;
        int32_t sp = s->splits[si];
        if (s->done[sp]) continue;
        s->next = si + 1;
        wr_batch *b = wr_batch_new(wr_source_schema(ctx), c->batch, wr_source_mem(ctx));
        if (!b) return WR_ENOMEM;
        uint32_t i = s->cursor[sp];
        while (i < c->nrows && b->len < c->batch) {
            if (row_split(c, i) == sp) {
                if (put_row(b, b->len, c->k[i], c->ts[i], c->ts_null && c->ts_null[i])) {
                    wr_batch_release(b);
                    return WR_ENOMEM;
                }
                b->len++;
            }
            i++;
        }
        while (i < c->nrows && row_split(c, i) != sp)
            i++;
        s->cursor[sp] = i;
        out->batch = b;
        out->split = sp;
        if (i >= c->nrows) {
            s->done[sp] = true;
            out->split_done = true;
        }
        if (c->produced_batches) atomic_fetch_add(c->produced_batches, 1);
        return 0;
    }
    switch (c->tail) {
    case TAIL_END:
        out->end = true;
        break;
    case TAIL_WAIT:
        if (c->gate && atomic_load(c->gate) && !s->phase2_done && s->sub == 0) {
            uint32_t n = c->repeat2 ? 8 : c->n2;
            wr_batch *b = wr_batch_new(wr_source_schema(ctx), n, wr_source_mem(ctx));
            if (!b) return WR_ENOMEM;
            for (uint32_t j = 0; j < n; j++)
                if (put_row(b, j, 1000000 + j, c->repeat2 ? c->ts2 : c->ts2 + j, false)) {
                    wr_batch_release(b);
                    return WR_ENOMEM;
                }
            b->len = n;
            out->batch = b;
            out->split = 0;
            s->phase2_done = !c->repeat2;
            break;
        }
        out->wait_until_us = wr_mono_us() + 20000;
        break;
    case TAIL_INFINITE: {
        wr_batch *b = wr_batch_new(wr_source_schema(ctx), c->batch, wr_source_mem(ctx));
        if (!b) return WR_ENOMEM;
        for (uint32_t j = 0; j < c->batch; j++, s->gen++)
            if (put_row(b, j, s->gen, s->gen, false)) {
                wr_batch_release(b);
                return WR_ENOMEM;
            }
        b->len = c->batch;
        out->batch = b;
        out->split = 100 + (int32_t)s->sub;
        if (c->produced_batches) atomic_fetch_add(c->produced_batches, 1);
        break;
    }
    }
    return 0;
}

static const wr_source_vt test_src = {.abi_version = WR_ABI_VERSION,
                                      .name = "test-src",
                                      .description = "rows from memory",
                                      .open = src_open,
                                      .poll = src_poll,
                                      .close = src_close,
                                      .ckpt = WR_CKPT_STATELESS};

/* ------------------------------------------------------------------------------------------
 * Collecting sink (and timer operator): events in arrival order per subtask.
 * ---------------------------------------------------------------------------------------- */
enum { EV_ROW = 0, EV_WM, EV_FINISH, EV_TIMER };

typedef struct ev {
    int kind;
    uint32_t sub;
    uint32_t input;
    int64_t k, ts;
} ev;

typedef struct collector {
    pthread_mutex_t mu;
    ev *evs;
    size_t n, cap;
    _Atomic int64_t max_wm;
    _Atomic int64_t max_ts;
    _Atomic uint64_t rows;
    _Atomic uint64_t finishes;
    /* key-group check for hash edges */
    bool check_kg;
    uint32_t kg_key;
    _Atomic uint64_t kg_violations;
    /* slow sink */
    int64_t sleep_us;
    _Atomic uint64_t *produced_batches;
    _Atomic uint64_t consumed_batches;
    _Atomic uint64_t max_in_flight;
    /* failing operator */
    int fail_at_batch;
    _Atomic int batches_seen;
    /* timer operator */
    int64_t timer_offset;
    int64_t proc_timer_in_us;
    _Atomic int proc_fired;
    _Atomic int proc_fired_on_time;
} collector;

static void coll_init(collector *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    atomic_store(&c->max_wm, WR_WATERMARK_MIN);
}

static void coll_free(collector *c)
{
    free(c->evs);
    pthread_mutex_destroy(&c->mu);
}

static void coll_add(collector *c, ev e)
{
    pthread_mutex_lock(&c->mu);
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->evs = realloc(c->evs, c->cap * sizeof *c->evs);
    }
    c->evs[c->n++] = e;
    pthread_mutex_unlock(&c->mu);
}

typedef struct sink_state {
    collector *c;
    uint32_t sub;
    wr_op_ctx *ctx;
} sink_state;

static int sink_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    sink_state *s = wr_calloc(1, sizeof *s);
    if (!s) return WR_ENOMEM;
    s->c = (collector *)config;
    s->sub = wr_op_subtask(ctx);
    s->ctx = ctx;
    *state = s;
    return 0;
}

static void sink_close(void *state)
{
    wr_free(state);
}

static int sink_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    sink_state *s = state;
    collector *c = s->c;
    if (c->produced_batches) {
        uint64_t inflight = atomic_load(c->produced_batches) - atomic_load(&c->consumed_batches);
        uint64_t prev = atomic_load(&c->max_in_flight);
        while (inflight > prev && !atomic_compare_exchange_weak(&c->max_in_flight, &prev, inflight))
            ;
    }
    if (c->check_kg) {
        uint64_t *h = malloc(in->len * sizeof *h);
        wr_batch_hash_keys(in, &c->kg_key, 1, h);
        uint32_t maxp = wr_op_max_parallelism(ctx), par = wr_op_parallelism(ctx);
        for (uint32_t i = 0; i < in->len; i++)
            if (wr_keygroup_subtask(wr_keygroup_of(h[i], maxp), par, maxp) != s->sub)
                atomic_fetch_add(&c->kg_violations, 1);
        free(h);
    }
    for (uint32_t i = 0; i < in->len; i++) {
        /* string column must still be readable (views into the producer's batch) */
        char buf[32];
        snprintf(buf, sizeof buf, "key-%lld", (long long)WR_VEC_I64(&in->cols[0])[i]);
        wr_strv sv = WR_VEC_STR(&in->cols[2])[i];
        if (sv.len != strlen(buf) || memcmp(sv.ptr, buf, sv.len) != 0)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL, "bad string");
        ev e = {EV_ROW, s->sub, input, WR_VEC_I64(&in->cols[0])[i],
                wr_vec_valid(&in->cols[1], i) ? WR_VEC_I64(&in->cols[1])[i] : INT64_MIN};
        coll_add(c, e);
    }
    for (uint32_t i = 0; i < in->len; i++) {
        int64_t ts = WR_VEC_I64(&in->cols[1])[i], prev = atomic_load(&c->max_ts);
        while (ts > prev && !atomic_compare_exchange_weak(&c->max_ts, &prev, ts))
            ;
    }
    atomic_fetch_add(&c->rows, in->len);
    if (c->sleep_us) wr_sleep_us(c->sleep_us);
    atomic_fetch_add(&c->consumed_batches, 1);
    return 0;
}

static int sink_watermark(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err)
{
    sink_state *s = state;
    assert_true(wm == wr_op_current_watermark(ctx));
    coll_add(s->c, (ev){EV_WM, s->sub, 0, 0, wm});
    int64_t prev = atomic_load(&s->c->max_wm);
    while (wm > prev && !atomic_compare_exchange_weak(&s->c->max_wm, &prev, wm))
        ;
    return wr_op_emit_watermark(ctx, wm);
}

static int sink_finish(void *state, wr_op_ctx *ctx, wr_error *err)
{
    sink_state *s = state;
    coll_add(s->c, (ev){EV_FINISH, s->sub, 0, 0, 0});
    atomic_fetch_add(&s->c->finishes, 1);
    return 0;
}

static const wr_op_vt sink_vt = {.abi_version = WR_ABI_VERSION,
                                 .name = "collect",
                                 .description = "test sink",
                                 .open = sink_open,
                                 .process = sink_process,
                                 .on_watermark = sink_watermark,
                                 .on_timer = NULL,
                                 .finish = sink_finish,
                                 .close = sink_close,
                                 .ckpt = WR_CKPT_STATELESS};

/* Pass-through operator (for chains). */
static int pass_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    wr_batch_retain(in);
    return wr_op_emit(ctx, in);
}

static const wr_op_vt pass_vt = {.abi_version = WR_ABI_VERSION,
                                 .name = "pass",
                                 .description = "test pass-through",
                                 .open = NULL,
                                 .process = pass_process,
                                 .on_watermark = NULL,
                                 .on_timer = NULL,
                                 .finish = NULL,
                                 .close = NULL,
                                 .ckpt = WR_CKPT_STATELESS};

/* Failing operator: fails on the n-th batch. */
static int boom_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    collector *c = (collector *)state;
    if (atomic_fetch_add(&c->batches_seen, 1) + 1 == c->fail_at_batch)
        return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "boom at batch %d", c->fail_at_batch);
    wr_batch_retain(in);
    return wr_op_emit(ctx, in);
}

static int boom_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    *state = (void *)config;
    return 0;
}

static const wr_op_vt boom_vt = {.abi_version = WR_ABI_VERSION,
                                 .name = "boom",
                                 .description = "fails",
                                 .open = boom_open,
                                 .process = boom_process,
                                 .on_watermark = NULL,
                                 .on_timer = NULL,
                                 .finish = NULL,
                                 .close = NULL,
                                 .ckpt = WR_CKPT_STATELESS};

/* Timer operator: registers an event timer at ts + offset for every row (payload k), emits a
 * row (k = payload, ts) when it fires; on finish emits a row with k = -1. With
 * proc_timer_in_us it also registers one processing-time timer at open. */
typedef struct timer_state {
    collector *c;
    const wr_schema *out;
} timer_state;

static int timer_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    timer_state *s = wr_calloc(1, sizeof *s);
    if (!s) return WR_ENOMEM;
    s->c = (collector *)config;
    s->out = wr_op_output_schema(ctx);
    *state = s;
    if (s->c->proc_timer_in_us)
        return wr_op_timer_register(ctx, WR_TIME_PROCESSING, wr_wall_us() + s->c->proc_timer_in_us,
                                    77);
    return 0;
}

static int timer_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    timer_state *s = state;
    for (uint32_t i = 0; i < in->len; i++) {
        int64_t ts = WR_VEC_I64(&in->cols[1])[i] + s->c->timer_offset;
        int rc =
            wr_op_timer_register(ctx, WR_TIME_EVENT, ts, (uint64_t)WR_VEC_I64(&in->cols[0])[i]);
        if (rc) return rc;
    }
    return 0;
}

static int emit_one(timer_state *s, wr_op_ctx *ctx, int64_t k, int64_t ts)
{
    wr_batch *b = wr_batch_new(s->out, 1, wr_op_mem(ctx));
    if (!b) return WR_ENOMEM;
    if (put_row(b, 0, k, ts, false)) {
        wr_batch_release(b);
        return WR_ENOMEM;
    }
    b->len = 1;
    return wr_op_emit(ctx, b);
}

static int timer_fire(void *state, wr_op_ctx *ctx, wr_time_domain domain, int64_t ts,
                      uint64_t payload, wr_error *err)
{
    timer_state *s = state;
    if (domain == WR_TIME_PROCESSING) {
        assert_int_equal(payload, 77);
        if (wr_wall_us() >= ts) atomic_store(&s->c->proc_fired_on_time, 1);
        atomic_fetch_add(&s->c->proc_fired, 1);
        return 0;
    }
    /* the clock has reached the timer */
    if (wr_op_current_watermark(ctx) < ts)
        return wr_error_set(err, WR_EINTERNAL, WR_DOMAIN_INTERNAL, "timer fired early");
    return emit_one(s, ctx, (int64_t)payload, ts);
}

static int timer_finish(void *state, wr_op_ctx *ctx, wr_error *err)
{
    return emit_one(state, ctx, -1, 0);
}

static const wr_op_vt timer_vt = {.abi_version = WR_ABI_VERSION,
                                  .name = "timers",
                                  .description = "test timers",
                                  .open = timer_open,
                                  .process = timer_process,
                                  .on_watermark = NULL,
                                  .on_timer = timer_fire,
                                  .finish = timer_finish,
                                  .close = sink_close,
                                  .ckpt = WR_CKPT_STATELESS};

/* ------------------------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------------------------- */
static wr_schema *schema3(void)
{
    wr_schema *s = wr_schema_new(3);
    wr_schema_set(s, 0, "k", wr_type_make(WR_TYPE_BIGINT));
    wr_schema_set(s, 1, "ts", wr_type_timestamp(3));
    wr_schema_set(s, 2, "s", wr_type_varchar(WR_MAX_LENGTH));
    return s;
}

static wr_wm_spec wm_spec(int64_t delay, int64_t interval, int64_t idle)
{
    wr_wm_spec w = {.enabled = true,
                    .rowtime_col = 1,
                    .delay_us = delay,
                    .interval_us = interval,
                    .idle_timeout_us = idle};
    return w;
}

/* Wait for a condition, polling; fails the test after a generous limit (liveness, not
 * speed). */
#define WAIT_FOR(cond)                                                                             \
    do {                                                                                           \
        int64_t deadline_ = wr_mono_us() + 60 * 1000000;                                           \
        while (!(cond)) {                                                                          \
            assert_true(wr_mono_us() < deadline_);                                                 \
            wr_sleep_us(1000);                                                                     \
        }                                                                                          \
    } while (0)

typedef struct data {
    uint32_t n;
    int64_t *k, *ts;
    int32_t *split;
} data;

static data data_make(uint32_t n, uint32_t nsplits)
{
    data d = {n, calloc(n, 8), calloc(n, 8), calloc(n, 4)};
    for (uint32_t i = 0; i < n; i++) {
        d.k[i] = (int64_t)(i * 7919 % 1000);
        d.ts[i] = i;
        d.split[i] = (int32_t)(i % nsplits);
    }
    return d;
}

static void data_free(data *d)
{
    free(d->k);
    free(d->ts);
    free(d->split);
}

static src_cfg *src_cfg_for(const data *d, uint32_t batch, int tail)
{
    src_cfg *c = wr_calloc(1, sizeof *c);
    c->nrows = d->n;
    c->k = d->k;
    c->ts = d->ts;
    c->split = d->split;
    c->batch = batch;
    c->tail = tail;
    return c;
}

static wr_job_opts opts(uint32_t workers, uint32_t chan)
{
    wr_job_opts o = {.workers = workers, .channel_batches = chan};
    return o;
}

/* Rows seen per (subtask, key). */
static void count_rows(collector *c, uint32_t sub, int64_t key, uint64_t *n)
{
    *n = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->evs[i].kind == EV_ROW && c->evs[i].sub == sub && c->evs[i].k == key) (*n)++;
}

/* ------------------------------------------------------------------------------------------
 * Tests
 * ---------------------------------------------------------------------------------------- */
static void test_single_chain(void **st)
{
    data d = data_make(1000, 4);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    wr_job *job = wr_job_new("chain");
    int src = wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 64, TAIL_END), wr_free, s, 2,
                                NULL);
    int p = wr_job_add_op(job, "pass", &pass_vt, NULL, NULL, s, 2);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 2);
    assert_int_equal(wr_job_connect(job, src, p, 0, WR_EDGE_FORWARD, NULL, 0), 0);
    assert_int_equal(wr_job_connect(job, p, k, 0, WR_EDGE_FORWARD, NULL, 0), 0);
    wr_job_stats stats;
    wr_error err;
    wr_job_opts o = opts(2, 0);
    assert_int_equal(wr_job_run(job, &o, &stats, &err), WR_OK);
    assert_int_equal(stats.ntasks, 2); /* one task per subtask for the whole chain */
    assert_string_equal(stats.tasks[0].name, "src -> pass -> sink (1/2)");
    assert_string_equal(stats.tasks[1].name, "src -> pass -> sink (2/2)");
    assert_int_equal(stats.records_out_sinks, 1000);
    assert_int_equal(stats.tasks[0].records_in + stats.tasks[1].records_in, 1000);
    assert_true(stats.first_record_mono_us >= stats.started_mono_us);
    assert_true(stats.finished_mono_us >= stats.first_record_mono_us);
    assert_int_equal(stats.tasks[0].watermark, WR_WATERMARK_MAX);
    wr_job_stats_free(&stats);
    assert_int_equal(c.rows, 1000);
    assert_int_equal(c.finishes, 2);
    /* each subtask ends with MAX then finish */
    for (uint32_t sub = 0; sub < 2; sub++) {
        int64_t last_kind = -1, prev_kind = -1, last_wm = 0;
        for (size_t i = 0; i < c.n; i++) {
            if (c.evs[i].sub != sub) continue;
            prev_kind = last_kind;
            last_kind = c.evs[i].kind;
            if (c.evs[i].kind == EV_WM) last_wm = c.evs[i].ts;
        }
        assert_int_equal(last_kind, EV_FINISH);
        assert_int_equal(prev_kind, EV_WM);
        assert_true(last_wm == WR_WATERMARK_MAX);
    }
    /* a job can run again */
    coll_free(&c);
    coll_init(&c);
    assert_int_equal(wr_job_run(job, &o, NULL, &err), WR_OK);
    assert_int_equal(c.rows, 1000);
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void run_hash(uint32_t src_par, uint32_t sink_par, uint32_t workers)
{
    data d = data_make(5000, 6);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    c.check_kg = sink_par > 1;
    c.kg_key = 0;
    wr_job *job = wr_job_new("hash");
    int src = wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 100, TAIL_END), wr_free, s,
                                src_par, NULL);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, sink_par);
    uint32_t key = 0;
    assert_int_equal(wr_job_connect(job, src, k, 0, WR_EDGE_HASH, &key, 1), 0);
    wr_job_stats stats;
    wr_error err;
    wr_job_opts o = opts(workers, 4);
    assert_int_equal(wr_job_run(job, &o, &stats, &err), WR_OK);
    assert_int_equal(stats.ntasks, src_par + sink_par);
    assert_int_equal(stats.records_out_sinks, 5000);
    wr_job_stats_free(&stats);
    assert_int_equal(c.rows, 5000);
    assert_int_equal(c.kg_violations, 0);
    assert_int_equal(c.finishes, sink_par);
    /* every row exactly once: count per key over all subtasks equals the input count; and a
     * key lands in exactly one subtask */
    for (int64_t key_v = 0; key_v < 1000; key_v += 37) {
        uint64_t expect = 0, total = 0, holders = 0;
        for (uint32_t i = 0; i < d.n; i++)
            if (d.k[i] == key_v) expect++;
        for (uint32_t sub = 0; sub < sink_par; sub++) {
            uint64_t n;
            count_rows(&c, sub, key_v, &n);
            total += n;
            holders += n > 0;
        }
        assert_int_equal(total, expect);
        assert_true(holders <= 1);
    }
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void test_hash_p1(void **st)
{
    run_hash(1, 1, 1);
}

static void test_hash_p4(void **st)
{
    run_hash(2, 4, 3);
}

static void test_hash_p3_to_7(void **st)
{
    run_hash(3, 7, 2);
}

static void test_broadcast(void **st)
{
    data d = data_make(300, 2);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    wr_job *job = wr_job_new("bcast");
    int src = wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 32, TAIL_END), wr_free, s, 1,
                                NULL);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 3);
    assert_int_equal(wr_job_connect(job, src, k, 0, WR_EDGE_BROADCAST, NULL, 0), 0);
    wr_error err;
    wr_job_opts o = opts(2, 2);
    assert_int_equal(wr_job_run(job, &o, NULL, &err), WR_OK);
    assert_int_equal(c.rows, 900);
    for (uint32_t sub = 0; sub < 3; sub++) {
        uint64_t rows = 0;
        for (size_t i = 0; i < c.n; i++)
            if (c.evs[i].kind == EV_ROW && c.evs[i].sub == sub) rows++;
        assert_int_equal(rows, 300);
    }
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void test_rebalance(void **st)
{
    data d = data_make(90, 1);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    wr_job *job = wr_job_new("rebalance");
    int src = wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 10, TAIL_END), wr_free, s, 1,
                                NULL);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 3);
    assert_int_equal(wr_job_connect(job, src, k, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    wr_error err;
    wr_job_opts o = opts(2, 0);
    assert_int_equal(wr_job_run(job, &o, NULL, &err), WR_OK);
    assert_int_equal(c.rows, 90);
    /* round robin by batch: 9 batches of 10 rows, 3 per subtask, and each subtask gets the
     * batches i, i+3, i+6 */
    for (uint32_t sub = 0; sub < 3; sub++) {
        uint64_t rows = 0;
        for (size_t i = 0; i < c.n; i++)
            if (c.evs[i].kind == EV_ROW && c.evs[i].sub == sub) {
                rows++;
                assert_int_equal((c.evs[i].ts / 10) % 3, sub);
            }
        assert_int_equal(rows, 30);
    }
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

/* Reference for interval-0 per-split watermarks: replay the polls the test source makes
 * (one batch per poll, splits round robin) and emit rows and watermarks per record. */
static size_t expected_events(const data *d, uint32_t batch, int64_t delay, ev *out)
{
    uint32_t nsplits = 0;
    for (uint32_t i = 0; i < d->n; i++)
        if ((uint32_t)d->split[i] + 1 > nsplits) nsplits = (uint32_t)d->split[i] + 1;
    uint32_t cursor[16] = {0};
    bool done[16] = {0}, seen[16] = {0};
    int64_t swm[16];
    for (int i = 0; i < 16; i++)
        swm[i] = WR_WATERMARK_MIN;
    int64_t last = WR_WATERMARK_MIN;
    size_t n = 0;
    uint32_t next = 0;
    for (;;) {
        int32_t sp = -1;
        for (uint32_t t = 0; t < nsplits; t++) {
            uint32_t si = (next + t) % nsplits;
            if (!done[si]) {
                sp = (int32_t)si;
                next = si + 1;
                break;
            }
        }
        if (sp < 0) break;
        uint32_t i = cursor[sp], taken = 0;
        seen[sp] = true;
        while (i < d->n && taken < batch) {
            if (d->split[i] == sp) {
                out[n++] = (ev){EV_ROW, 0, 0, d->k[i], d->ts[i]};
                taken++;
                if (d->ts[i] - delay > swm[sp]) {
                    swm[sp] = d->ts[i] - delay;
                    int64_t m = WR_WATERMARK_MAX;
                    for (uint32_t q = 0; q < nsplits; q++)
                        if (seen[q] && !done[q] && swm[q] < m) m = swm[q];
                    if (m > last) {
                        last = m;
                        out[n++] = (ev){EV_WM, 0, 0, 0, m};
                    }
                }
            }
            i++;
        }
        while (i < d->n && d->split[i] != sp)
            i++;
        cursor[sp] = i;
        if (i >= d->n) {
            done[sp] = true;
            int64_t m = WR_WATERMARK_MAX;
            bool any = false;
            for (uint32_t q = 0; q < nsplits; q++)
                if (seen[q] && !done[q]) {
                    any = true;
                    if (swm[q] < m) m = swm[q];
                }
            if (any && m > last) {
                last = m;
                out[n++] = (ev){EV_WM, 0, 0, 0, m};
            }
        }
    }
    out[n++] = (ev){EV_WM, 0, 0, 0, WR_WATERMARK_MAX};
    out[n++] = (ev){EV_FINISH, 0, 0, 0, 0};
    return n;
}

static void run_split_watermarks(wr_edge_kind kind)
{
    /* two splits with out-of-order times; split 1 runs behind split 0 */
    int64_t ts0[] = {100, 300, 200, 500, 400, 600, 650, 610, 700};
    int64_t ts1[] = {50, 150, 120, 250, 350, 340, 360};
    data d = {16, calloc(16, 8), calloc(16, 8), calloc(16, 4)};
    uint32_t a = 0, b = 0;
    for (uint32_t i = 0; i < 16; i++) {
        bool take0 = (i % 2 == 0 && a < 9) || b >= 7;
        d.split[i] = take0 ? 0 : 1;
        d.ts[i] = take0 ? ts0[a++] : ts1[b++];
        d.k[i] = (int64_t)i;
    }
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    wr_job *job = wr_job_new("splits");
    wr_wm_spec w = wm_spec(10, 0, 0);
    int src =
        wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 3, TAIL_END), wr_free, s, 1, &w);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 1);
    assert_int_equal(wr_job_connect(job, src, k, 0, kind, NULL, 0), 0);
    wr_error err;
    wr_job_stats stats;
    wr_job_opts o = opts(2, 2);
    assert_int_equal(wr_job_run(job, &o, &stats, &err), WR_OK);
    assert_int_equal(stats.ntasks, kind == WR_EDGE_FORWARD ? 1 : 2);
    wr_job_stats_free(&stats);

    ev expect[64];
    size_t ne = expected_events(&d, 3, 10, expect);
    assert_int_equal(c.n, ne);
    size_t late = 0, late_expect = 0;
    int64_t wm = WR_WATERMARK_MIN, wm_e = WR_WATERMARK_MIN;
    for (size_t i = 0; i < ne; i++) {
        assert_int_equal(c.evs[i].kind, expect[i].kind);
        assert_int_equal(c.evs[i].ts, expect[i].ts);
        if (c.evs[i].kind == EV_WM) wm = c.evs[i].ts;
        if (expect[i].kind == EV_WM) wm_e = expect[i].ts;
        if (c.evs[i].kind == EV_ROW && c.evs[i].ts <= wm) late++;
        if (expect[i].kind == EV_ROW && expect[i].ts <= wm_e) late_expect++;
    }
    assert_int_equal(late, late_expect);
    assert_true(late > 0); /* the data has late rows: 610 after 650 - 10 = 640 */
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void test_split_watermarks_chained(void **st)
{
    run_split_watermarks(WR_EDGE_FORWARD);
}

static void test_split_watermarks_channel(void **st)
{
    run_split_watermarks(WR_EDGE_REBALANCE);
}

static void test_periodic_watermarks(void **st)
{
    /* a huge interval: the first batch emits (nothing emitted before), then nothing until the
     * end raises to MAX */
    data d = data_make(100, 1);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    wr_job *job = wr_job_new("periodic");
    wr_wm_spec w = wm_spec(0, 3600LL * 1000000, 0);
    int src =
        wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 10, TAIL_END), wr_free, s, 1, &w);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 1);
    wr_job_connect(job, src, k, 0, WR_EDGE_FORWARD, NULL, 0);
    wr_error err;
    assert_int_equal(wr_job_run(job, NULL, NULL, &err), WR_OK);
    int64_t wms[8];
    size_t nw = 0;
    for (size_t i = 0; i < c.n; i++)
        if (c.evs[i].kind == EV_WM && nw < 8) wms[nw++] = c.evs[i].ts;
    assert_int_equal(nw, 2);
    assert_int_equal(wms[0], 9);
    assert_true(wms[1] == WR_WATERMARK_MAX);
    /* the first watermark comes after the first batch (10 rows) */
    assert_int_equal(c.evs[10].kind, EV_WM);
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void test_null_rowtime(void **st)
{
    data d = data_make(50, 1);
    bool nulls[50] = {0};
    nulls[17] = true;
    wr_schema *s = schema3();
    for (int skip = 0; skip < 2; skip++) {
        collector c;
        coll_init(&c);
        wr_job *job = wr_job_new("nulls");
        wr_wm_spec w = wm_spec(0, 0, 0);
        w.null_rowtime_skip = skip;
        src_cfg *cfg = src_cfg_for(&d, 8, TAIL_END);
        cfg->ts_null = nulls;
        int src = wr_job_add_source(job, "orders", &test_src, cfg, wr_free, s, 1, &w);
        int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 1);
        wr_job_connect(job, src, k, 0, WR_EDGE_FORWARD, NULL, 0);
        wr_error err;
        int rc = wr_job_run(job, NULL, NULL, &err);
        if (skip) {
            assert_int_equal(rc, WR_OK);
            assert_int_equal(c.rows, 50);
        } else {
            assert_int_equal(rc, WR_EINVAL);
            assert_non_null(strstr(err.msg, "orders"));
            assert_non_null(strstr(err.msg, "'ts'"));
            assert_int_equal(err.domain, WR_DOMAIN_USER);
        }
        wr_job_free(job);
        coll_free(&c);
    }
    wr_schema_free(s);
    data_free(&d);
}

/* Two sources into one two-input sink; each source keeps waiting after its rows. */
static void test_watermark_min_across_inputs(void **st)
{
    data da = data_make(200, 2), db = data_make(60, 1); /* final A: 199, B: 59 */
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    wr_job *job = wr_job_new("min");
    wr_wm_spec w = wm_spec(0, 0, 0);
    int a =
        wr_job_add_source(job, "a", &test_src, src_cfg_for(&da, 16, TAIL_WAIT), wr_free, s, 2, &w);
    int b =
        wr_job_add_source(job, "b", &test_src, src_cfg_for(&db, 7, TAIL_WAIT), wr_free, s, 1, &w);
    int k = wr_job_add_op(job, "join", &sink_vt, &c, NULL, s, 1);
    assert_int_equal(wr_job_connect(job, a, k, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    assert_int_equal(wr_job_connect(job, b, k, 1, WR_EDGE_FORWARD, NULL, 0), 0);
    wr_job_exec *x;
    wr_error err;
    wr_job_opts o = opts(2, 0);
    assert_int_equal(wr_job_start(job, &o, &x, &err), WR_OK);
    WAIT_FOR(atomic_load(&c.max_wm) == 59 && atomic_load(&c.rows) == 260);
    wr_job_stats stats;
    assert_int_equal(wr_job_exec_stats(x, &stats), WR_OK);
    assert_int_equal(stats.ntasks, 4);
    bool found = false;
    for (uint32_t i = 0; i < stats.ntasks; i++)
        if (strncmp(stats.tasks[i].name, "join", 4) == 0) {
            assert_int_equal(stats.tasks[i].watermark, 59);
            found = true;
        }
    assert_true(found);
    wr_job_stats_free(&stats);
    wr_job_cancel(x);
    assert_int_equal(wr_job_wait(x, NULL, &err), WR_OK);
    /* never above the slower input, strictly increasing, no MAX on cancel */
    int64_t prev = WR_WATERMARK_MIN;
    for (size_t i = 0; i < c.n; i++) {
        if (c.evs[i].kind != EV_WM) continue;
        assert_true(c.evs[i].ts > prev);
        assert_true(c.evs[i].ts <= 59);
        prev = c.evs[i].ts;
    }
    assert_int_equal(c.finishes, 0); /* cancelled */
    /* inputs arrive with their index */
    size_t in1 = 0;
    for (size_t i = 0; i < c.n; i++)
        if (c.evs[i].kind == EV_ROW && c.evs[i].input == 1) in1++;
    assert_int_equal(in1, 60);
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&da);
    data_free(&db);
}

static void test_idle_input(void **st)
{
    /* A stops early and goes idle; B continues. The merged watermark reaches B's. */
    data da = data_make(10, 1), db = data_make(1000, 1);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    wr_job *job = wr_job_new("idle");
    wr_wm_spec wa = wm_spec(0, 0, 20000), wb = wm_spec(0, 0, 0);
    int a =
        wr_job_add_source(job, "a", &test_src, src_cfg_for(&da, 5, TAIL_WAIT), wr_free, s, 1, &wa);
    int b =
        wr_job_add_source(job, "b", &test_src, src_cfg_for(&db, 50, TAIL_WAIT), wr_free, s, 1, &wb);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 1);
    wr_job_connect(job, a, k, 0, WR_EDGE_FORWARD, NULL, 0);
    wr_job_connect(job, b, k, 0, WR_EDGE_FORWARD, NULL, 0);
    wr_job_exec *x;
    wr_error err;
    assert_int_equal(wr_job_start(job, NULL, &x, &err), WR_OK);
    WAIT_FOR(atomic_load(&c.max_wm) == 999);
    wr_job_cancel(x);
    assert_int_equal(wr_job_wait(x, NULL, &err), WR_OK);
    int64_t prev = WR_WATERMARK_MIN;
    for (size_t i = 0; i < c.n; i++)
        if (c.evs[i].kind == EV_WM) {
            assert_true(c.evs[i].ts > prev && c.evs[i].ts <= 999);
            prev = c.evs[i].ts;
        }
    assert_int_equal(c.rows, 1010);
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&da);
    data_free(&db);
}

static void test_idle_then_active(void **st)
{
    /* A goes idle (the watermark follows B to 999), then A has rows again at ts 2000 and
     * keeps producing: it must be active again, so when B moves to 3009 the watermark stops
     * at A's 2000 instead of following B. Phases are gated on what the sink has seen. */
    data da = data_make(10, 1), db = data_make(1000, 1);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    _Atomic int gate_a = 0, gate_b = 0;
    wr_job *job = wr_job_new("idle-active");
    wr_wm_spec wa = wm_spec(0, 0, 20000), wb = wm_spec(0, 0, 0);
    src_cfg *ca = src_cfg_for(&da, 5, TAIL_WAIT), *cb = src_cfg_for(&db, 50, TAIL_WAIT);
    ca->gate = &gate_a;
    ca->ts2 = 2000;
    ca->repeat2 = true;
    cb->gate = &gate_b;
    cb->ts2 = 3000;
    cb->n2 = 10;
    int a = wr_job_add_source(job, "a", &test_src, ca, wr_free, s, 1, &wa);
    int b = wr_job_add_source(job, "b", &test_src, cb, wr_free, s, 1, &wb);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 1);
    wr_job_connect(job, a, k, 0, WR_EDGE_FORWARD, NULL, 0);
    wr_job_connect(job, b, k, 1, WR_EDGE_FORWARD, NULL, 0);
    wr_job_exec *x;
    wr_error err;
    assert_int_equal(wr_job_start(job, NULL, &x, &err), WR_OK);
    WAIT_FOR(atomic_load(&c.max_wm) == 999);
    atomic_store(&gate_a, 1);
    WAIT_FOR(atomic_load(&c.max_ts) >= 2000);
    atomic_store(&gate_b, 1);
    WAIT_FOR(atomic_load(&c.max_ts) >= 3009 && atomic_load(&c.max_wm) >= 2000);
    wr_job_cancel(x);
    assert_int_equal(wr_job_wait(x, NULL, &err), WR_OK);
    assert_int_equal(atomic_load(&c.max_wm), 2000);
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&da);
    data_free(&db);
}

static void test_end_fires_timers_in_order(void **st)
{
    /* no watermarks from the source: every timer fires at the end (MAX), by time then
     * registration order; then the timer operator's finish, then the sink's */
    int64_t ts[] = {30, 10, 20, 10, 30, 5, 20};
    int64_t kk[] = {1, 2, 3, 4, 5, 6, 7};
    data d = {7, kk, ts, NULL};
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    wr_job *job = wr_job_new("timers");
    src_cfg *cfg = src_cfg_for(&d, 3, TAIL_END);
    int src = wr_job_add_source(job, "src", &test_src, cfg, wr_free, s, 1, NULL);
    int t = wr_job_add_op(job, "timers", &timer_vt, &c, NULL, s, 1);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 1);
    wr_job_connect(job, src, t, 0, WR_EDGE_REBALANCE, NULL, 0);
    wr_job_connect(job, t, k, 0, WR_EDGE_FORWARD, NULL, 0);
    wr_error err;
    assert_int_equal(wr_job_run(job, NULL, NULL, &err), WR_OK);
    int64_t expect_k[] = {6, 2, 4, 3, 7, 1, 5};
    assert_int_equal(c.n, 7 + 3);
    for (int i = 0; i < 7; i++) {
        assert_int_equal(c.evs[i].kind, EV_ROW);
        assert_int_equal(c.evs[i].k, expect_k[i]);
    }
    assert_int_equal(c.evs[7].kind, EV_WM);
    assert_true(c.evs[7].ts == WR_WATERMARK_MAX);
    assert_int_equal(c.evs[8].kind, EV_ROW); /* timer operator's finish */
    assert_int_equal(c.evs[8].k, -1);
    assert_int_equal(c.evs[9].kind, EV_FINISH);
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
}

static void test_event_timers_with_watermarks(void **st)
{
    /* timers at ts + 5 fire as the watermark passes them, before the watermark goes on (one
     * split in time order, so no row is late) */
    data d = data_make(400, 1);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    c.timer_offset = 5;
    wr_job *job = wr_job_new("timers-wm");
    wr_wm_spec w = wm_spec(0, 0, 0);
    int src =
        wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 16, TAIL_END), wr_free, s, 1, &w);
    int t = wr_job_add_op(job, "timers", &timer_vt, &c, NULL, s, 2);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 2);
    uint32_t key = 0;
    wr_job_connect(job, src, t, 0, WR_EDGE_HASH, &key, 1);
    wr_job_connect(job, t, k, 0, WR_EDGE_FORWARD, NULL, 0);
    wr_error err;
    assert_int_equal(wr_job_run(job, NULL, NULL, &err), WR_OK);
    size_t timers = 0;
    for (uint32_t sub = 0; sub < 2; sub++) {
        int64_t wm = WR_WATERMARK_MIN, last_ts = WR_WATERMARK_MIN;
        for (size_t i = 0; i < c.n; i++) {
            const ev *e = &c.evs[i];
            if (e->sub != sub) continue;
            if (e->kind == EV_WM) {
                wm = e->ts;
            } else if (e->kind == EV_ROW && e->k >= 0) {
                timers++;
                assert_true(e->ts > wm);       /* fired by a later watermark ... */
                assert_true(e->ts >= last_ts); /* ... in time order */
                last_ts = e->ts;
                /* and the watermark that fired it follows before any later timer row */
                size_t j = i + 1;
                while (j < c.n && !(c.evs[j].sub == sub && c.evs[j].kind == EV_WM))
                    j++;
                assert_true(j < c.n && c.evs[j].ts >= e->ts);
            }
        }
    }
    assert_int_equal(timers, 400);
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void test_processing_timer(void **st)
{
    data d = data_make(10, 1);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    c.proc_timer_in_us = 20000;
    wr_job *job = wr_job_new("proc");
    int src = wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 5, TAIL_WAIT), wr_free, s, 1,
                                NULL);
    int t = wr_job_add_op(job, "timers", &timer_vt, &c, NULL, s, 1);
    wr_job_connect(job, src, t, 0, WR_EDGE_REBALANCE, NULL, 0);
    wr_job_exec *x;
    wr_error err;
    assert_int_equal(wr_job_start(job, NULL, &x, &err), WR_OK);
    WAIT_FOR(atomic_load(&c.proc_fired) == 1);
    wr_job_cancel(x);
    assert_int_equal(wr_job_wait(x, NULL, &err), WR_OK);
    assert_int_equal(c.proc_fired, 1);
    assert_int_equal(c.proc_fired_on_time, 1);
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void test_backpressure(void **st)
{
    data d = data_make(2000, 1);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    _Atomic uint64_t produced = 0;
    c.produced_batches = &produced;
    c.sleep_us = 300;
    wr_job *job = wr_job_new("bp");
    src_cfg *cfg = src_cfg_for(&d, 10, TAIL_END);
    cfg->produced_batches = &produced;
    int src = wr_job_add_source(job, "src", &test_src, cfg, wr_free, s, 1, NULL);
    int k = wr_job_add_op(job, "slow", &sink_vt, &c, NULL, s, 1);
    wr_job_connect(job, src, k, 0, WR_EDGE_REBALANCE, NULL, 0);
    wr_error err;
    wr_job_stats stats;
    wr_job_opts o = opts(2, 4);
    assert_int_equal(wr_job_run(job, &o, &stats, &err), WR_OK);
    assert_int_equal(c.rows, 2000);
    /* capacity 4 in the channel, one batch polled but not yet pushed, one being processed */
    assert_true(atomic_load(&c.max_in_flight) <= 4 + 2);
    assert_int_equal(stats.ntasks, 2);
    assert_true(stats.tasks[0].busy_ns + stats.tasks[0].idle_ns + stats.tasks[0].backpressured_ns >
                0);
    wr_job_stats_free(&stats);
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void test_failure_propagates(void **st)
{
    data d = data_make(10, 1);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    c.fail_at_batch = 3;
    wr_job *job = wr_job_new("fail");
    int src = wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 4, TAIL_INFINITE), wr_free,
                                s, 2, NULL);
    int b = wr_job_add_op(job, "boomer", &boom_vt, &c, NULL, s, 1);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 3);
    uint32_t key = 0;
    wr_job_connect(job, src, b, 0, WR_EDGE_REBALANCE, NULL, 0);
    wr_job_connect(job, b, k, 0, WR_EDGE_HASH, &key, 1);
    wr_error err;
    wr_job_opts o = opts(3, 2);
    assert_int_equal(wr_job_run(job, &o, NULL, &err), WR_EIO);
    assert_non_null(strstr(err.msg, "boomer"));
    assert_non_null(strstr(err.msg, "boom at batch 3"));
    assert_int_equal(err.domain, WR_DOMAIN_EXTERNAL);
    wr_job_free(job);

    /* a failing source */
    job = wr_job_new("fail-src");
    src_cfg *cfg = src_cfg_for(&d, 4, TAIL_INFINITE);
    cfg->fail_poll_at = 5;
    src = wr_job_add_source(job, "reader", &test_src, cfg, wr_free, s, 1, NULL);
    k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 2);
    wr_job_connect(job, src, k, 0, WR_EDGE_BROADCAST, NULL, 0);
    assert_int_equal(wr_job_run(job, &o, NULL, &err), WR_EIO);
    assert_non_null(strstr(err.msg, "reader"));
    assert_non_null(strstr(err.msg, "disk on fire"));
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void test_cancel_unbounded(void **st)
{
    data d = data_make(10, 1);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    c.timer_offset = 1000000000; /* far future: would fire only with MAX */
    wr_job *job = wr_job_new("cancel");
    wr_wm_spec w = wm_spec(0, 1000, 0);
    int src = wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 64, TAIL_INFINITE), wr_free,
                                s, 2, &w);
    int t = wr_job_add_op(job, "timers", &timer_vt, &c, NULL, s, 2);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 2);
    uint32_t key = 0;
    wr_job_connect(job, src, t, 0, WR_EDGE_HASH, &key, 1);
    wr_job_connect(job, t, k, 0, WR_EDGE_FORWARD, NULL, 0);
    wr_job_exec *x;
    wr_error err;
    wr_job_opts o = opts(2, 4);
    assert_int_equal(wr_job_start(job, &o, &x, &err), WR_OK);
    WAIT_FOR(atomic_load(&c.max_wm) > 5000);
    wr_job_cancel(x);
    wr_job_stats stats;
    assert_int_equal(wr_job_wait(x, &stats, &err), WR_OK);
    assert_true(stats.finished_mono_us > 0);
    wr_job_stats_free(&stats);
    /* no MAX watermark, so no timer fired, and no finish (it would flush as if the input were
     * complete): the sink saw watermarks only */
    assert_true(atomic_load(&c.max_wm) < WR_WATERMARK_MAX);
    assert_int_equal(c.finishes, 0);
    assert_int_equal(c.rows, 0);
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void test_fan_out_and_union(void **st)
{
    /* src -> (pass1, pass2) -> union sink: src is not chained (two consumers), the sink reads
     * both over forward channels into the same input */
    data d = data_make(500, 2);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    wr_job *job = wr_job_new("fan");
    wr_wm_spec w = wm_spec(0, 0, 0);
    int src =
        wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 25, TAIL_END), wr_free, s, 2, &w);
    int p1 = wr_job_add_op(job, "p1", &pass_vt, NULL, NULL, s, 2);
    int p2 = wr_job_add_op(job, "p2", &pass_vt, NULL, NULL, s, 2);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 2);
    wr_job_connect(job, src, p1, 0, WR_EDGE_FORWARD, NULL, 0);
    wr_job_connect(job, src, p2, 0, WR_EDGE_FORWARD, NULL, 0);
    wr_job_connect(job, p1, k, 0, WR_EDGE_FORWARD, NULL, 0);
    wr_job_connect(job, p2, k, 0, WR_EDGE_FORWARD, NULL, 0);
    wr_error err;
    wr_job_stats stats;
    assert_int_equal(wr_job_run(job, NULL, &stats, &err), WR_OK);
    assert_int_equal(stats.ntasks, 8);
    assert_int_equal(stats.records_out_sinks, 1000);
    wr_job_stats_free(&stats);
    assert_int_equal(c.rows, 1000);
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void test_deep_pipeline_small_channels(void **st)
{
    /* many tasks, channels of one batch, a watermark after nearly every row: exercises the
     * overflow of control messages and the wake-ups under contention */
    data d = data_make(20000, 5);
    wr_schema *s = schema3();
    collector c;
    coll_init(&c);
    wr_job *job = wr_job_new("deep");
    wr_wm_spec w = wm_spec(0, 0, 0);
    int src =
        wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 50, TAIL_END), wr_free, s, 3, &w);
    int a = wr_job_add_op(job, "a", &pass_vt, NULL, NULL, s, 2);
    int b = wr_job_add_op(job, "b", &pass_vt, NULL, NULL, s, 4);
    int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 2);
    uint32_t key = 2;
    assert_int_equal(wr_job_connect(job, src, a, 0, WR_EDGE_HASH, &key, 1), 0);
    assert_int_equal(wr_job_connect(job, a, b, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    assert_int_equal(wr_job_connect(job, b, k, 0, WR_EDGE_BROADCAST, NULL, 0), 0);
    wr_error err;
    wr_job_stats stats;
    wr_job_opts o = opts(3, 1);
    assert_int_equal(wr_job_run(job, &o, &stats, &err), WR_OK);
    assert_int_equal(stats.ntasks, 11);
    assert_int_equal(stats.records_out_sinks, 40000);
    for (uint32_t i = 0; i < stats.ntasks; i++)
        assert_true(stats.tasks[i].watermark == WR_WATERMARK_MAX);
    wr_job_stats_free(&stats);
    assert_int_equal(c.rows, 40000);
    assert_int_equal(c.finishes, 2);
    /* per sink subtask: watermarks strictly increase and end at MAX */
    for (uint32_t sub = 0; sub < 2; sub++) {
        int64_t wm = WR_WATERMARK_MIN;
        for (size_t i = 0; i < c.n; i++) {
            const ev *e = &c.evs[i];
            if (e->sub != sub) continue;
            if (e->kind == EV_WM) {
                assert_true(e->ts > wm);
                wm = e->ts;
            }
        }
        assert_true(wm == WR_WATERMARK_MAX);
    }
    wr_job_free(job);
    wr_schema_free(s);
    coll_free(&c);
    data_free(&d);
}

static void test_alloc_failures(void **st)
{
    /* Fail the n-th allocation of a run, for every n until a run sees no failure: each run
     * ends with OK or WR_ENOMEM, never crashes or leaks (teardown checks). */
    data d = data_make(300, 3);
    wr_schema *s = schema3();
    bool clean = false;
    int ok = 0, enomem = 0;
    for (int64_t n = 1; n < 5000 && !clean; n++) {
        collector c;
        coll_init(&c);
        c.timer_offset = 3;
        wr_job *job = wr_job_new("alloc");
        wr_wm_spec w = wm_spec(0, 0, 0);
        int src = wr_job_add_source(job, "src", &test_src, src_cfg_for(&d, 32, TAIL_END), wr_free,
                                    s, 2, &w);
        int t = wr_job_add_op(job, "timers", &timer_vt, &c, NULL, s, 2);
        int k = wr_job_add_op(job, "sink", &sink_vt, &c, NULL, s, 1);
        uint32_t key = 0;
        wr_job_connect(job, src, t, 0, WR_EDGE_HASH, &key, 1);
        wr_job_connect(job, t, k, 0, WR_EDGE_REBALANCE, NULL, 0);
        wr_error err;
        wr_job_opts o = opts(2, 2);
        int64_t before = wr_mem_failures_injected();
        wr_mem_fail_after(n);
        int rc = wr_job_run(job, &o, NULL, &err);
        wr_mem_fail_off();
        clean = wr_mem_failures_injected() == before;
        if (rc == WR_OK) {
            ok++;
            assert_int_equal(c.rows, 300 + 2); /* timer rows and the finish markers */
        } else {
            enomem++;
            assert_int_equal(rc, WR_ENOMEM);
        }
        wr_job_free(job);
        coll_free(&c);
    }
    assert_true(clean);
    assert_true(enomem > 10);
    wr_schema_free(s);
    data_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_single_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_p1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_p4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_p3_to_7, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broadcast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebalance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_watermarks_chained, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_watermarks_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_periodic_watermarks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_rowtime, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watermark_min_across_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_then_active, setup, teardown),
        cmocka_unit_test_setup_teardown(test_end_fires_timers_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_timers_with_watermarks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_processing_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backpressure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_propagates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_unbounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fan_out_and_union, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_pipeline_small_channels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
