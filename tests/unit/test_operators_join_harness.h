/* test_operators_join_harness.h - running a two-input operator (the joins) through the real
 * runtime with a scripted, deterministic interleaving of its inputs.
 *
 * A script is a list of steps: a batch for the left or the right input, or the end of one
 * input. Each input has its own source vertex. In "sync" mode a source emits its next step
 * only when the operator has processed every row of the earlier steps and its watermark has
 * reached the minimum of what the two sources have announced (a proxy operator wraps the
 * join and counts rows and watermarks), so the join sees exactly the script's order and the
 * changelog is exact. In free mode (parallelism > 1, hash edges on the keys) the sources run
 * unsynchronized and tests compare final states only.
 *
 * Rows are text: "+I|a|1|NULL" (columns separated by '|'); TIMESTAMP columns are given and
 * printed as milliseconds since the epoch. Output lines are "+I[a, 1, null]". A row oracle
 * works on the same text values. Header-only: each test file is one executable. */
#ifndef WR_TEST_OPERATORS_JOIN_HARNESS_H
#define WR_TEST_OPERATORS_JOIN_HARNESS_H

#include "test_operators_lines.h"
#include "testutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "operators/op_join.h"
#include "runtime/runtime.h"

#define JT_MS ((int64_t)1000)

/* ------------------------------------------------------------------------------------------
 * Schemas and rows
 * ---------------------------------------------------------------------------------------- */
static inline wr_schema *jt_schema(uint32_t n, const char *const *names, const wr_type *types)
{
    wr_schema *s = wr_schema_new(n);
    assert_non_null(s);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(wr_schema_set(s, i, names[i], types[i]), 0);
    return s;
}

static inline wr_type jt_rowtime(void)
{
    wr_type t = wr_type_timestamp(3);
    t.time_attr = WR_TIME_ATTR_ROWTIME;
    return t;
}

static inline uint8_t jt_kind(const char *k)
{
    if (strncmp(k, "+I", 2) == 0) return WR_RK_INSERT;
    if (strncmp(k, "-U", 2) == 0) return WR_RK_UPDATE_BEFORE;
    if (strncmp(k, "+U", 2) == 0) return WR_RK_UPDATE_AFTER;
    if (strncmp(k, "-D", 2) == 0) return WR_RK_DELETE;
    fail_msg("bad row kind in '%s'", k);
    return 0;
}

/* Append "KIND|v0|v1|..." to b; TIMESTAMP values are integer milliseconds. */
static inline void jt_add_row(wr_batch *b, const char *row)
{
    assert_true(b->len < b->cap);
    uint32_t r = b->len;
    b->rowkind[r] = jt_kind(row);
    const char *p = strchr(row, '|');
    for (uint32_t c = 0; c < b->ncols; c++) {
        if (!p) fail_msg("row '%s' has fewer than %u columns", row, b->ncols);
        p++;
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        wr_value v;
        memset(&v, 0, sizeof(v));
        const wr_type *t = &b->cols[c].type;
        if (n == 4 && memcmp(p, "NULL", 4) == 0) {
            v.is_null = true;
        } else if (t->id == WR_TYPE_TIMESTAMP || t->id == WR_TYPE_TIMESTAMP_LTZ) {
            char tmp[32];
            assert_true(n < sizeof(tmp));
            memcpy(tmp, p, n);
            tmp[n] = 0;
            v.i = strtoll(tmp, NULL, 10) * JT_MS;
        } else {
            wr_error err = {0};
            if (wr_value_parse(t, p, n, &v, &err) < 0)
                fail_msg("parsing '%.*s': %s", (int)n, p, err.msg);
        }
        assert_int_equal(wr_batch_set(b, c, r, &v), 0);
        p = e;
    }
    if (p) fail_msg("row '%s' has more than %u columns", row, b->ncols);
    b->len = r + 1;
}

/* ------------------------------------------------------------------------------------------
 * Scripts
 * ---------------------------------------------------------------------------------------- */
typedef struct jt_step {
    int side;        /* 0 left, 1 right */
    bool end;        /* the end of that input */
    wr_batch *batch; /* one reference, owned by the script */
    uint64_t rows_before;
    int64_t wm_before; /* operator watermark the step waits for */
} jt_step;

typedef struct jt_script {
    wr_schema *schema[2]; /* owned */
    int32_t time_col[2];  /* -1: no watermarks for that input */
    int64_t delay_us;     /* watermark = max rowtime - delay */
    jt_step *steps;
    size_t n, cap;
    uint64_t rows;
    int64_t side_wm[2];
    bool ended[2];
} jt_script;

static inline jt_script *jt_script_new(wr_schema *left, wr_schema *right, int32_t ltime,
                                       int32_t rtime, int64_t delay_ms)
{
    jt_script *s = calloc(1, sizeof(*s));
    assert_non_null(s);
    s->schema[0] = left;
    s->schema[1] = right;
    s->time_col[0] = ltime;
    s->time_col[1] = rtime;
    s->delay_us = delay_ms * JT_MS;
    s->side_wm[0] = s->side_wm[1] = WR_WATERMARK_MIN;
    return s;
}

static inline void jt_script_free(jt_script *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->steps[i].batch) wr_batch_release(s->steps[i].batch);
    free(s->steps);
    wr_schema_free(s->schema[0]);
    wr_schema_free(s->schema[1]);
    free(s);
}

static inline jt_step *jt_push(jt_script *s)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 32;
        s->steps = realloc(s->steps, s->cap * sizeof(jt_step));
        assert_non_null(s->steps);
    }
    jt_step *st = &s->steps[s->n++];
    memset(st, 0, sizeof(*st));
    st->rows_before = s->rows;
    st->wm_before = WR_MIN(s->side_wm[0], s->side_wm[1]);
    return st;
}

/* A batch of n text rows for input `side`. */
static inline void jt_batch(jt_script *s, int side, const char *const *rows, uint32_t n)
{
    assert_false(s->ended[side]);
    assert_true(n > 0);
    jt_step *st = jt_push(s);
    st->side = side;
    st->batch = wr_batch_new(s->schema[side], n, NULL);
    assert_non_null(st->batch);
    for (uint32_t i = 0; i < n; i++)
        jt_add_row(st->batch, rows[i]);
    s->rows += n;
    int32_t tc = s->time_col[side];
    if (tc >= 0) {
        const wr_vec *v = &st->batch->cols[tc];
        for (uint32_t i = 0; i < n; i++)
            if (wr_vec_valid(v, i) && WR_VEC_I64(v)[i] - s->delay_us > s->side_wm[side])
                s->side_wm[side] = WR_VEC_I64(v)[i] - s->delay_us;
    }
}

/* One row as its own batch. */
static inline void jt_row(jt_script *s, int side, const char *row)
{
    jt_batch(s, side, &row, 1);
}

static inline void jt_end(jt_script *s, int side)
{
    if (s->ended[side]) return;
    jt_step *st = jt_push(s);
    st->side = side;
    st->end = true;
    s->ended[side] = true;
    s->side_wm[side] = WR_WATERMARK_MAX;
}

/* ------------------------------------------------------------------------------------------
 * Proxy operator: runs the operator under test and reports progress to the sources.
 * ---------------------------------------------------------------------------------------- */
typedef struct jt_ctl {
    _Atomic uint64_t rows;
    _Atomic int64_t wm;
} jt_ctl;

typedef struct jt_proxy_cfg {
    const wr_op_vt *vt;
    void *cfg;
    void (*cfg_free)(void *);
    jt_ctl *ctl;
    bool roundtrip; /* checkpoint, close, reopen and restore after every input and watermark */
} jt_proxy_cfg;

/* Every jt_run round-trips the operator through its checkpoint hooks while this is set (a
 * test reruns exact-changelog tests with it: the output must not change). */
static bool jt_force_roundtrip;

typedef struct jt_proxy {
    const jt_proxy_cfg *pc;
    void *inner;
} jt_proxy;

static inline void jt_proxy_cfg_free(void *p)
{
    jt_proxy_cfg *pc = p;
    if (pc->cfg_free) pc->cfg_free(pc->cfg);
    free(pc);
}

static inline int jt_proxy_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const jt_proxy_cfg *pc = config;
    jt_proxy *p = calloc(1, sizeof(*p));
    if (!p) return WR_ENOMEM;
    p->pc = pc;
    int rc = pc->vt->open(&p->inner, ctx, pc->cfg, err);
    if (rc < 0) {
        free(p);
        return rc;
    }
    *state = p;
    return 0;
}

/* Snapshot the operator into a file, close it, open a new instance and restore it from the
 * file, as a stop and a restore at the same parallelism would. */
static inline int jt_proxy_roundtrip(jt_proxy *p, wr_op_ctx *ctx, wr_error *err)
{
    const wr_op_vt *vt = p->pc->vt;
    const uint32_t mp = wr_op_max_parallelism(ctx);
    wr_snap_writer *w = NULL;
    wr_snap_reader *r = NULL;
    wr_buf file;
    wr_buf_init(&file);
    assert_int_equal(vt->ckpt, WR_CKPT_STATEFUL);
    int rc = wr_snap_writer_new(mp, 0, mp - 1, false, &w, err);
    if (rc == 0) rc = vt->snapshot(p->inner, ctx, 1, w, err);
    if (rc == 0) rc = wr_snap_finish(w, &file, err);
    wr_snap_writer_free(w);
    if (rc == 0) {
        vt->close(p->inner);
        p->inner = NULL;
        rc = vt->open(&p->inner, ctx, p->pc->cfg, err);
    }
    if (rc == 0) rc = wr_snap_reader_new(mp, 0, mp - 1, &r, err);
    if (rc == 0) rc = wr_snap_reader_add(r, file.ptr, file.len, "roundtrip", err);
    if (rc == 0) rc = vt->restore(p->inner, ctx, r, err);
    wr_snap_reader_free(r);
    wr_buf_free(&file);
    return rc;
}

static inline int jt_proxy_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in,
                                   wr_error *err)
{
    jt_proxy *p = state;
    int rc = p->pc->vt->process(p->inner, ctx, input, in, err);
    if (rc == 0 && p->pc->roundtrip) rc = jt_proxy_roundtrip(p, ctx, err);
    atomic_fetch_add(&p->pc->ctl->rows, in->len);
    return rc;
}

static inline int jt_proxy_watermark(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err)
{
    jt_proxy *p = state;
    int rc = p->pc->vt->on_watermark ? p->pc->vt->on_watermark(p->inner, ctx, wm, err)
                                     : wr_op_emit_watermark(ctx, wm);
    if (rc == 0 && p->pc->roundtrip) rc = jt_proxy_roundtrip(p, ctx, err);
    int64_t cur = atomic_load(&p->pc->ctl->wm);
    while (wm > cur && !atomic_compare_exchange_weak(&p->pc->ctl->wm, &cur, wm)) {
    }
    return rc;
}

static inline int jt_proxy_timer(void *state, wr_op_ctx *ctx, wr_time_domain d, int64_t ts,
                                 uint64_t payload, wr_error *err)
{
    jt_proxy *p = state;
    return p->pc->vt->on_timer(p->inner, ctx, d, ts, payload, err);
}

static inline int jt_proxy_finish(void *state, wr_op_ctx *ctx, wr_error *err)
{
    jt_proxy *p = state;
    return p->pc->vt->finish ? p->pc->vt->finish(p->inner, ctx, err) : 0;
}

static inline void jt_proxy_close(void *state)
{
    jt_proxy *p = state;
    p->pc->vt->close(p->inner);
    free(p);
}

/* ------------------------------------------------------------------------------------------
 * Sources
 * ---------------------------------------------------------------------------------------- */
typedef struct jt_src_cfg {
    const jt_script *script;
    int side;
    bool sync;
    bool never_end; /* END steps wait for ever (the test cancels the job) */
    jt_ctl *ctl;
} jt_src_cfg;

typedef struct jt_src {
    const jt_src_cfg *c;
    size_t next;
} jt_src;

static inline int jt_src_open(void **state, wr_source_ctx *ctx, const void *config, wr_error *err)
{
    jt_src *s = calloc(1, sizeof(*s));
    if (!s) return WR_ENOMEM;
    s->c = config;
    *state = s;
    return 0;
}

static inline int jt_src_poll(void *state, wr_source_ctx *ctx, wr_source_poll *out, wr_error *err)
{
    jt_src *s = state;
    const jt_script *sc = s->c->script;
    out->split = 0;
    while (s->next < sc->n && sc->steps[s->next].side != s->c->side)
        s->next++;
    if (s->next >= sc->n) {
        out->end = out->split_done = true;
        return 0;
    }
    const jt_step *st = &sc->steps[s->next];
    if (s->c->sync) {
        jt_ctl *ctl = s->c->ctl;
        if (atomic_load(&ctl->rows) < st->rows_before ||
            (st->wm_before != WR_WATERMARK_MIN && atomic_load(&ctl->wm) < st->wm_before)) {
            out->wait_until_us = wr_mono_us() + 100;
            return 0;
        }
    }
    if (st->end && s->c->never_end) {
        out->wait_until_us = wr_mono_us() + 1000;
        return 0;
    }
    s->next++;
    if (st->end) {
        out->end = out->split_done = true;
        return 0;
    }
    wr_batch_retain(st->batch);
    out->batch = st->batch;
    return 0;
}

static inline void jt_src_close(void *state)
{
    free(state);
}

static const wr_source_vt jt_src_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "jt_source",
    .description = "join tests: scripted batches of one input",
    .open = jt_src_open,
    .poll = jt_src_poll,
    .close = jt_src_close,
};

/* ------------------------------------------------------------------------------------------
 * Sink
 * ---------------------------------------------------------------------------------------- */
typedef struct jt_sink {
    wr_mutex mu;
    bool record_wm;
    char **lines;
    size_t n, cap;
} jt_sink;

static inline void jt_sink_push(jt_sink *s, const char *line)
{
    ot_lines_push(&s->lines, &s->n, &s->cap, strdup(line));
}

static inline void jt_format_row(const wr_batch *b, uint32_t r, bool kind, char *buf, size_t cap)
{
    size_t at = 0;
    if (kind) at += (size_t)snprintf(buf, cap, "%s[", wr_rowkind_str(b->rowkind[r]));
    for (uint32_t c = 0; c < b->ncols && at + 8 < cap; c++) {
        if (c) at += (size_t)snprintf(buf + at, cap - at, ", ");
        at += ot_format_value(&b->cols[c], r, buf + at, cap - at);
    }
    if (kind && at + 2 < cap) buf[at++] = ']';
    buf[WR_MIN(at, cap - 1)] = 0;
}

static inline int jt_sink_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    *state = (void *)config;
    return 0;
}

static inline int jt_sink_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in,
                                  wr_error *err)
{
    jt_sink *s = state;
    char buf[1024];
    wr_mutex_lock(&s->mu);
    for (uint32_t r = 0; r < in->len; r++) {
        jt_format_row(in, r, true, buf, sizeof(buf));
        jt_sink_push(s, buf);
    }
    wr_mutex_unlock(&s->mu);
    return 0;
}

static inline int jt_sink_watermark(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err)
{
    jt_sink *s = state;
    if (s->record_wm) {
        wr_mutex_lock(&s->mu);
        ot_lines_push(&s->lines, &s->n, &s->cap, ot_watermark_line(wm));
        wr_mutex_unlock(&s->mu);
    }
    return wr_op_emit_watermark(ctx, wm);
}

static inline void jt_sink_close(void *state) {}

static const wr_op_vt jt_sink_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "jt_sink",
    .description = "join tests: collects rows as text",
    .open = jt_sink_open,
    .process = jt_sink_process,
    .on_watermark = jt_sink_watermark,
    .close = jt_sink_close,
};

/* ------------------------------------------------------------------------------------------
 * Running
 * ---------------------------------------------------------------------------------------- */
typedef struct jt_result {
    int rc;
    char err[WR_ERROR_MSG_MAX];
    char **lines;
    size_t n;
    uint64_t late;
} jt_result;

static inline void jt_result_free(jt_result *r)
{
    ot_lines_free(r->lines, r->n);
    memset(r, 0, sizeof(*r));
}

typedef struct jt_opts {
    uint32_t par; /* operator parallelism; > 1 runs the sources unsynchronized */
    bool record_wm;
    uint32_t workers;   /* default 3 */
    bool cancel;        /* do not end the inputs: once the script ran, cancel the job (no final
                         * MAX watermark, so what is still buffered stays) */
    int64_t fail_after; /* > 0: that allocation of the run fails */
    const uint32_t *lkeys, *rkeys; /* hash-edge columns when par > 1 */
    uint32_t nkeys;
    bool roundtrip; /* see jt_proxy_cfg */
} jt_opts;

/* Run the script through `vt` (cfg and out_schema: ownership taken). Ends the inputs the
 * script did not end (the one with the lower watermark first). */
static inline void jt_run(jt_script *s, const wr_op_vt *vt, void *cfg, void (*cfg_free)(void *),
                          wr_schema *out_schema, const jt_opts *o, jt_result *res)
{
    memset(res, 0, sizeof(*res));
    const uint64_t target_rows = s->rows;
    const int64_t target_wm = WR_MIN(s->side_wm[0], s->side_wm[1]);
    /* End the input with the lower watermark first: the operator's watermark then moves to
     * the other one's, which the second end waits for, so the order is deterministic. */
    int first = s->side_wm[1] < s->side_wm[0] ? 1 : 0;
    jt_end(s, first);
    jt_end(s, 1 - first);
    uint32_t par = o->par ? o->par : 1;
    jt_ctl *ctl = calloc(1, sizeof(*ctl));
    assert_non_null(ctl);
    atomic_init(&ctl->wm, WR_WATERMARK_MIN);
    jt_proxy_cfg *pc = calloc(1, sizeof(*pc));
    assert_non_null(pc);
    pc->vt = vt;
    pc->cfg = cfg;
    pc->cfg_free = cfg_free;
    pc->ctl = ctl;
    pc->roundtrip = o->roundtrip || jt_force_roundtrip;
    static const wr_op_vt proxy_vt_timers = {
        .abi_version = WR_ABI_VERSION,
        .name = "jt_proxy",
        .description = "join tests: the operator under test, with progress reports",
        .open = jt_proxy_open,
        .process = jt_proxy_process,
        .on_watermark = jt_proxy_watermark,
        .on_timer = jt_proxy_timer,
        .finish = jt_proxy_finish,
        .close = jt_proxy_close,
    };
    static const wr_op_vt proxy_vt = {
        .abi_version = WR_ABI_VERSION,
        .name = "jt_proxy",
        .description = "join tests: the operator under test, with progress reports",
        .open = jt_proxy_open,
        .process = jt_proxy_process,
        .on_watermark = jt_proxy_watermark,
        .finish = jt_proxy_finish,
        .close = jt_proxy_close,
    };
    jt_sink *sink = calloc(1, sizeof(*sink));
    assert_non_null(sink);
    wr_mutex_init(&sink->mu);
    sink->record_wm = o->record_wm;

    wr_job *job = wr_job_new("join-test");
    assert_non_null(job);
    int src[2];
    for (int side = 0; side < 2; side++) {
        jt_src_cfg *sc = calloc(1, sizeof(*sc));
        assert_non_null(sc);
        sc->script = s;
        sc->side = side;
        sc->sync = par == 1;
        sc->never_end = o->cancel;
        sc->ctl = ctl;
        wr_wm_spec wm = {.enabled = s->time_col[side] >= 0,
                         .rowtime_col = s->time_col[side],
                         .delay_us = s->delay_us,
                         .null_rowtime_skip = true};
        src[side] = wr_job_add_source(job, side ? "right" : "left", &jt_src_vt, sc, free,
                                      s->schema[side], 1, &wm);
        assert_true(src[side] >= 0);
    }
    int op = wr_job_add_op(job, "join", vt->on_timer ? &proxy_vt_timers : &proxy_vt, pc,
                           jt_proxy_cfg_free, out_schema, par);
    assert_true(op >= 0);
    int snk = wr_job_add_op(job, "sink", &jt_sink_vt, sink, NULL, out_schema, 1);
    assert_true(snk >= 0);
    if (par == 1) {
        assert_int_equal(wr_job_connect(job, src[0], op, 0, WR_EDGE_FORWARD, NULL, 0), 0);
        assert_int_equal(wr_job_connect(job, src[1], op, 1, WR_EDGE_FORWARD, NULL, 0), 0);
        assert_int_equal(wr_job_connect(job, op, snk, 0, WR_EDGE_FORWARD, NULL, 0), 0);
    } else {
        assert_int_equal(wr_job_connect(job, src[0], op, 0, WR_EDGE_HASH, o->lkeys, o->nkeys), 0);
        assert_int_equal(wr_job_connect(job, src[1], op, 1, WR_EDGE_HASH, o->rkeys, o->nkeys), 0);
        assert_int_equal(wr_job_connect(job, op, snk, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    }
    wr_job_opts jo = {.workers = o->workers ? o->workers : 3};
    wr_job_stats st;
    memset(&st, 0, sizeof(st));
    wr_error err;
    wr_error_clear(&err);
    if (o->fail_after > 0) wr_mem_fail_after(o->fail_after);
    if (o->cancel) {
        wr_job_exec *x = NULL;
        res->rc = wr_job_start(job, &jo, &x, &err);
        assert_int_equal(res->rc, 0);
        while (atomic_load(&ctl->rows) < target_rows ||
               (target_wm != WR_WATERMARK_MIN && atomic_load(&ctl->wm) < target_wm))
            wr_sleep_us(200);
        wr_job_cancel(x);
        res->rc = wr_job_wait(x, &st, &err);
    } else {
        res->rc = wr_job_run(job, &jo, &st, &err);
    }
    wr_mem_fail_off();
    if (res->rc) snprintf(res->err, sizeof(res->err), "%s", err.msg);
    for (uint32_t i = 0; i < st.ntasks; i++)
        res->late += st.tasks[i].late_dropped;
    wr_job_stats_free(&st);
    wr_job_free(job);
    wr_schema_free(out_schema);
    res->lines = sink->lines;
    res->n = sink->n;
    wr_mutex_destroy(&sink->mu);
    free(sink);
    free(ctl);
}

static inline void jt_expect(const jt_result *r, const char *const *want, size_t n)
{
    if (r->rc) fail_msg("job failed: %s (%s)", r->err, wr_err_name(r->rc));
    bool ok = r->n == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = strcmp(r->lines[i], want[i]) == 0;
    if (ok) return;
    for (size_t j = 0; j < n; j++)
        print_message("want %2zu: %s\n", j, want[j]);
    for (size_t j = 0; j < r->n; j++)
        print_message("got  %2zu: %s\n", j, r->lines[j]);
    fail_msg("output differs (%zu lines, %zu expected)", r->n, n);
}

#define JT_EXPECT(res, ...)                                                                        \
    do {                                                                                           \
        static const char *const want_[] = {__VA_ARGS__};                                          \
        jt_expect((res), want_, WR_ARRAY_LEN(want_));                                              \
    } while (0)

/* ------------------------------------------------------------------------------------------
 * Final states: apply a changelog of rows without a key (+I/+U add a row, -U/-D remove one
 * equal row; removing an absent row fails the test) and compare sorted multisets.
 * ---------------------------------------------------------------------------------------- */
static int jt_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The body of a line "+I[...]" (what is inside the brackets). */
static inline const char *jt_body(const char *line, size_t *len)
{
    const char *b = strchr(line, '[');
    assert_non_null(b);
    *len = strlen(b + 1) - 1;
    return b + 1;
}

/* Final multiset of rows, sorted, as "a, 1, null\n..." (caller frees). */
static inline char *jt_apply(const jt_result *r)
{
    char **rows = calloc(r->n + 1, sizeof(char *));
    size_t *cnt = calloc(r->n + 1, sizeof(size_t));
    size_t nr = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (strncmp(r->lines[i], "WM", 2) == 0) continue;
        size_t len;
        const char *b = jt_body(r->lines[i], &len);
        bool add = r->lines[i][0] == '+';
        size_t j = 0;
        for (; j < nr; j++)
            if (strlen(rows[j]) == len && memcmp(rows[j], b, len) == 0) break;
        if (add) {
            if (j == nr) {
                rows[nr] = strndup(b, len);
                cnt[nr++] = 0;
            }
            cnt[j]++;
        } else {
            if (j == nr || cnt[j] == 0) fail_msg("retraction of an absent row: %s", r->lines[i]);
            cnt[j]--;
        }
    }
    size_t total = 0, len = 1;
    for (size_t j = 0; j < nr; j++)
        total += cnt[j], len += cnt[j] * (strlen(rows[j]) + 1);
    char **flat = calloc(total + 1, sizeof(char *));
    size_t k = 0;
    for (size_t j = 0; j < nr; j++)
        for (size_t c = 0; c < cnt[j]; c++)
            flat[k++] = rows[j];
    qsort(flat, total, sizeof(char *), jt_cmp_str);
    char *out = malloc(len), *p = out;
    *p = 0;
    for (size_t j = 0; j < total; j++)
        p += sprintf(p, "%s\n", flat[j]);
    free(flat);
    for (size_t j = 0; j < nr; j++)
        free(rows[j]);
    free(rows);
    free(cnt);
    return out;
}

/* Sorted lines (caller frees) from an array of strings. */
static inline char *jt_sorted(char **lines, size_t n)
{
    char **c = calloc(n + 1, sizeof(char *));
    size_t len = 1;
    for (size_t i = 0; i < n; i++) {
        c[i] = lines[i];
        len += strlen(lines[i]) + 1;
    }
    qsort(c, n, sizeof(char *), jt_cmp_str);
    char *out = malloc(len), *p = out;
    *p = 0;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s\n", c[i]);
    free(c);
    return out;
}

#endif
