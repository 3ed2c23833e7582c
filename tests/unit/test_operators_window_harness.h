/* test_operators_window_harness.h - what the window operator tests share: a fixed input
 * table (ts, k, n, v, d, f) given as C rows, an in-memory source that emits them in batches
 * with per-row watermarks (ts - delay), a collecting sink that formats every result row as a
 * compact line and can record the watermarks it sees, a runner that builds and runs the job
 * on the real runtime, and an independent oracle for the standard aggregation query.
 *
 * Line format: columns joined by ',', NULL as "null", TIMESTAMP columns as milliseconds
 * since the epoch (so "a,0,10000,9999,3" is key a, window [0 s, 10 s), window_time 9.999 s,
 * and 3), BOOLEAN as true/false. Header-only: each test file is one executable. */
#ifndef WR_TEST_OPERATORS_WINDOW_HARNESS_H
#define WR_TEST_OPERATORS_WINDOW_HARNESS_H

#include "test_operators_lines.h"
#include "testutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "operators/op_window.h"
#include "runtime/runtime.h"

#define WT_MS      ((int64_t)1000)
#define WT_SEC     ((int64_t)1000000)
#define WT_NULL_TS INT64_MIN

/* Input columns. */
enum { WT_TS = 0, WT_K, WT_N, WT_V, WT_D, WT_F, WT_NCOLS };

/* One input row: d = v / 2.0 and f = (v is even); both NULL when v is. */
typedef struct wt_row {
    int64_t ts_ms; /* WT_NULL_TS for a NULL rowtime */
    const char *k; /* NULL = SQL NULL; must outlive the job */
    int64_t n;
    int64_t v;
    bool v_null;
    uint8_t kind; /* wr_rowkind; 0 = +I */
} wt_row;

static inline wr_schema *wt_input_schema(void)
{
    wr_schema *s = wr_schema_new(WT_NCOLS);
    assert_non_null(s);
    wr_type ts = wr_type_timestamp(3);
    ts.time_attr = WR_TIME_ATTR_ROWTIME;
    assert_int_equal(wr_schema_set(s, WT_TS, "ts", ts), 0);
    assert_int_equal(wr_schema_set(s, WT_K, "k", wr_type_varchar(WR_MAX_LENGTH)), 0);
    assert_int_equal(wr_schema_set(s, WT_N, "n", wr_type_not_null(wr_type_make(WR_TYPE_BIGINT))),
                     0);
    assert_int_equal(wr_schema_set(s, WT_V, "v", wr_type_make(WR_TYPE_BIGINT)), 0);
    assert_int_equal(wr_schema_set(s, WT_D, "d", wr_type_make(WR_TYPE_DOUBLE)), 0);
    assert_int_equal(wr_schema_set(s, WT_F, "f", wr_type_make(WR_TYPE_BOOLEAN)), 0);
    return s;
}

/* ------------------------------------------------------------------------------------------
 * Source
 * ---------------------------------------------------------------------------------------- */
typedef struct wt_source_cfg {
    wt_row *rows;
    size_t n;
    uint32_t batch_rows;
} wt_source_cfg;

typedef struct wt_source_state {
    const wt_source_cfg *cfg;
    size_t next;
    bool active;
} wt_source_state;

static inline void wt_source_cfg_free(void *p)
{
    wt_source_cfg *c = p;
    free(c->rows);
    free(c);
}

static inline int wt_source_open(void **state, wr_source_ctx *ctx, const void *config,
                                 wr_error *err)
{
    wt_source_state *s = calloc(1, sizeof(*s));
    if (!s) return WR_ENOMEM;
    s->cfg = config;
    s->active = wr_source_subtask(ctx) == 0; /* one split, on subtask 0 */
    *state = s;
    return WR_OK;
}

static inline int wt_source_poll(void *state, wr_source_ctx *ctx, wr_source_poll *out,
                                 wr_error *err)
{
    wt_source_state *s = state;
    const wt_source_cfg *c = s->cfg;
    out->split = 0;
    if (!s->active || s->next >= c->n) {
        out->split_done = true;
        out->end = true;
        return WR_OK;
    }
    size_t m = c->n - s->next;
    if (m > c->batch_rows) m = c->batch_rows;
    wr_batch *b = wr_batch_new(wr_source_schema(ctx), (uint32_t)m, wr_source_mem(ctx));
    if (!b) return WR_ENOMEM;
    for (size_t j = 0; j < m; j++) {
        const wt_row *r = &c->rows[s->next + j];
        uint32_t i = (uint32_t)j;
        b->rowkind[i] = r->kind;
        bool ts_ok = r->ts_ms != WT_NULL_TS;
        WR_VEC_I64(&b->cols[WT_TS])[i] = ts_ok ? r->ts_ms * WT_MS : 0;
        wr_vec_set_valid(&b->cols[WT_TS], i, ts_ok);
        if (r->k) {
            wr_strv sv;
            if (wr_batch_copy_str(b, r->k, strlen(r->k), &sv)) {
                wr_batch_release(b);
                return WR_ENOMEM;
            }
            WR_VEC_STR(&b->cols[WT_K])[i] = sv;
        }
        wr_vec_set_valid(&b->cols[WT_K], i, r->k != NULL);
        WR_VEC_I64(&b->cols[WT_N])[i] = r->n;
        wr_vec_set_valid(&b->cols[WT_N], i, true);
        WR_VEC_I64(&b->cols[WT_V])[i] = r->v;
        WR_VEC_F64(&b->cols[WT_D])[i] = (double)r->v / 2.0;
        WR_VEC_U8(&b->cols[WT_F])[i] = (r->v % 2) == 0;
        wr_vec_set_valid(&b->cols[WT_V], i, !r->v_null);
        wr_vec_set_valid(&b->cols[WT_D], i, !r->v_null);
        wr_vec_set_valid(&b->cols[WT_F], i, !r->v_null);
    }
    b->len = (uint32_t)m;
    s->next += m;
    out->batch = b;
    if (s->next >= c->n) {
        out->split_done = true;
        out->end = true;
    }
    return WR_OK;
}

static inline void wt_source_close(void *state)
{
    free(state);
}

static const wr_source_vt wt_source_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "wt_source",
    .description = "window tests: in-memory rows",
    .open = wt_source_open,
    .poll = wt_source_poll,
    .close = wt_source_close,
};

/* ------------------------------------------------------------------------------------------
 * Sink
 * ---------------------------------------------------------------------------------------- */
typedef struct wt_sink {
    wr_mutex mu;
    bool record_wm;
    char **lines;
    size_t n, cap;
    uint64_t non_insert;
} wt_sink;

static inline void wt_sink_push(wt_sink *s, char *line)
{
    ot_lines_push(&s->lines, &s->n, &s->cap, line);
}

static inline char *wt_format_row(const wr_batch *b, uint32_t r)
{
    char buf[1024];
    size_t at = 0;
    for (uint32_t c = 0; c < b->ncols && at < sizeof(buf) - 1; c++) {
        if (c) buf[at++] = ',';
        at += ot_format_value(&b->cols[c], r, buf + at, sizeof(buf) - at);
    }
    buf[WR_MIN(at, sizeof(buf) - 1)] = 0;
    char *s = strdup(buf);
    assert_non_null(s);
    return s;
}

static inline int wt_sink_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    *state = (void *)config;
    return WR_OK;
}

static inline int wt_sink_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in,
                                  wr_error *err)
{
    wt_sink *s = state;
    wr_mutex_lock(&s->mu);
    for (uint32_t r = 0; r < in->len; r++) {
        if (in->rowkind[r] != WR_RK_INSERT) s->non_insert++;
        wt_sink_push(s, wt_format_row(in, r));
    }
    wr_mutex_unlock(&s->mu);
    return WR_OK;
}

static inline int wt_sink_watermark(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err)
{
    wt_sink *s = state;
    if (s->record_wm) {
        wr_mutex_lock(&s->mu);
        wt_sink_push(s, ot_watermark_line(wm));
        wr_mutex_unlock(&s->mu);
    }
    return wr_op_emit_watermark(ctx, wm);
}

static inline void wt_sink_close(void *state) {}

static const wr_op_vt wt_sink_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "wt_sink",
    .description = "window tests: collects rows",
    .open = wt_sink_open,
    .process = wt_sink_process,
    .on_watermark = wt_sink_watermark,
    .close = wt_sink_close,
};

/* ------------------------------------------------------------------------------------------
 * Running a job: source -> (forward | hash on the keys) -> operator -> sink
 * ---------------------------------------------------------------------------------------- */
typedef struct wt_result {
    int rc;
    char err[WR_ERROR_MSG_MAX];
    char **lines;
    size_t n;
    uint64_t late;
    uint64_t non_insert;
} wt_result;

static inline void wt_result_free(wt_result *r)
{
    ot_lines_free(r->lines, r->n);
    memset(r, 0, sizeof(*r));
}

typedef struct wt_opts {
    uint32_t par;        /* window operator parallelism (default 1) */
    int64_t delay_ms;    /* watermark = max ts - delay */
    uint32_t batch_rows; /* rows per source batch (default 7) */
    bool record_wm;
    uint32_t workers;       /* default 2 */
    int64_t wm_interval_us; /* 0: a watermark after every advancing row (batches cut there) */
    int64_t fail_after;     /* > 0: the fail_after-th allocation of the run fails */
} wt_opts;

/* Run rows through `vt` configured with cfg (ownership taken, freed by the job with
 * cfg_free); keys are the hash-edge columns when par > 1. out_schema is the operator's
 * output schema (ownership taken). */
static inline void wt_run(const wt_row *rows, size_t n, const wr_op_vt *vt, void *cfg,
                          void (*cfg_free)(void *), wr_schema *out_schema, const uint32_t *keys,
                          uint32_t nkeys, const wt_opts *o, wt_result *res)
{
    memset(res, 0, sizeof(*res));
    wr_schema *in = wt_input_schema();
    wt_source_cfg *sc = calloc(1, sizeof(*sc));
    assert_non_null(sc);
    sc->rows = malloc((n ? n : 1) * sizeof(wt_row));
    assert_non_null(sc->rows);
    if (n) memcpy(sc->rows, rows, n * sizeof(wt_row));
    sc->n = n;
    sc->batch_rows = o->batch_rows ? o->batch_rows : 7;
    wt_sink *sink = calloc(1, sizeof(*sink));
    assert_non_null(sink);
    wr_mutex_init(&sink->mu);
    sink->record_wm = o->record_wm;
    uint32_t par = o->par ? o->par : 1;

    wr_job *job = wr_job_new("window-test");
    assert_non_null(job);
    wr_wm_spec wm = {.enabled = true,
                     .rowtime_col = WT_TS,
                     .delay_us = o->delay_ms * WT_MS,
                     .interval_us = o->wm_interval_us,
                     .null_rowtime_skip = true};
    int src = wr_job_add_source(job, "src", &wt_source_vt, sc, wt_source_cfg_free, in, 1, &wm);
    assert_true(src >= 0);
    int op = wr_job_add_op(job, "window", vt, cfg, cfg_free, out_schema, par);
    assert_true(op >= 0);
    int snk = wr_job_add_op(job, "sink", &wt_sink_vt, sink, NULL, out_schema, 1);
    assert_true(snk >= 0);
    if (par == 1) {
        assert_int_equal(wr_job_connect(job, src, op, 0, WR_EDGE_FORWARD, NULL, 0), 0);
        assert_int_equal(wr_job_connect(job, op, snk, 0, WR_EDGE_FORWARD, NULL, 0), 0);
    } else {
        assert_int_equal(wr_job_connect(job, src, op, 0, WR_EDGE_HASH, keys, nkeys), 0);
        assert_int_equal(wr_job_connect(job, op, snk, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    }
    wr_job_opts jo = {.workers = o->workers ? o->workers : 2};
    wr_job_stats st;
    memset(&st, 0, sizeof(st));
    wr_error err;
    wr_error_clear(&err);
    if (o->fail_after > 0) wr_mem_fail_after(o->fail_after);
    res->rc = wr_job_run(job, &jo, &st, &err);
    wr_mem_fail_off();
    if (res->rc) snprintf(res->err, sizeof(res->err), "%s", err.msg);
    for (uint32_t i = 0; i < st.ntasks; i++)
        res->late += st.tasks[i].late_dropped;
    wr_job_stats_free(&st);
    wr_job_free(job);
    wr_schema_free(in);
    wr_schema_free(out_schema);
    res->lines = sink->lines;
    res->n = sink->n;
    res->non_insert = sink->non_insert;
    wr_mutex_destroy(&sink->mu);
    free(sink);
}

/* Window aggregation run: the output schema comes from the config. */
static inline void wt_run_agg(const wt_row *rows, size_t n, wr_window_agg_config *cfg,
                              const wt_opts *o, wt_result *res)
{
    wr_schema *in = wt_input_schema();
    wr_schema *out = NULL;
    wr_error err;
    wr_error_clear(&err);
    int rc = wr_window_agg_schema(cfg, in, NULL, &out, &err);
    if (rc) fail_msg("wr_window_agg_schema: %s", err.msg);
    wr_schema_free(in);
    uint32_t keys[8];
    uint32_t nkeys = cfg->nkeys;
    assert_true(nkeys <= 8);
    memcpy(keys, cfg->keys, nkeys * sizeof(uint32_t));
    wt_run(rows, n, &wr_window_agg_vt, cfg, wr_window_agg_config_free, out, keys, nkeys, o, res);
}

static inline void wt_expect_lines(const wt_result *r, const char *const *want, size_t n)
{
    for (size_t i = 0; i < r->n && i < n; i++) {
        if (strcmp(r->lines[i], want[i]) != 0) {
            for (size_t j = 0; j < r->n; j++)
                print_message("got  %zu: %s\n", j, r->lines[j]);
            fail_msg("line %zu: got '%s', want '%s'", i, r->lines[i], want[i]);
        }
    }
    if (r->n != n) {
        for (size_t j = 0; j < r->n; j++)
            print_message("got  %zu: %s\n", j, r->lines[j]);
        fail_msg("got %zu lines, want %zu", r->n, n);
    }
}

/* ------------------------------------------------------------------------------------------
 * The standard query and its oracle.
 *
 *   SELECT <keys>, window_start, window_end, window_time,
 *          COUNT(*), SUM(v), MIN(v), MAX(v), AVG(v), COUNT(DISTINCT v),
 *          COUNT(*) FILTER (WHERE f)
 *   FROM <window>(...) GROUP BY window_start, window_end, <keys>
 *
 * keys: WT_KEYS_K (k), WT_KEYS_KN (k, n) or WT_KEYS_NONE.
 * ---------------------------------------------------------------------------------------- */
typedef enum { WT_KEYS_NONE = 0, WT_KEYS_K, WT_KEYS_KN } wt_keys;

#define WT_STD_NAGGS 7

static inline wr_window_agg_config *wt_std_config(wr_window_spec w, wt_keys keys)
{
    uint32_t nk = keys == WT_KEYS_NONE ? 0 : keys == WT_KEYS_K ? 1 : 2;
    wr_window_agg_config *c = wr_window_agg_config_new(nk, WT_STD_NAGGS, nk + 3 + WT_STD_NAGGS);
    assert_non_null(c);
    c->rowtime_col = WT_TS;
    c->window = w;
    if (nk >= 1) c->keys[0] = WT_K;
    if (nk >= 2) c->keys[1] = WT_N;
    wr_type vt = wr_type_make(WR_TYPE_BIGINT);
    static const wr_agg_kind kinds[WT_STD_NAGGS] = {
        WR_AGG_COUNT_STAR,     WR_AGG_SUM,       WR_AGG_MIN, WR_AGG_MAX, WR_AGG_AVG,
        WR_AGG_COUNT_DISTINCT, WR_AGG_COUNT_STAR};
    for (uint32_t j = 0; j < WT_STD_NAGGS; j++) {
        c->aggs[j].kind = kinds[j];
        c->aggs[j].arg = kinds[j] == WR_AGG_COUNT_STAR ? -1 : WT_V;
        c->aggs[j].arg_type = vt;
        c->aggs[j].filter = -1;
    }
    c->aggs[6].filter = WT_F;
    uint32_t o = 0;
    for (uint32_t k = 0; k < nk; k++)
        c->outs[o++] = (wr_window_col){WR_WCOL_KEY, k};
    c->outs[o++] = (wr_window_col){WR_WCOL_WINDOW_START, 0};
    c->outs[o++] = (wr_window_col){WR_WCOL_WINDOW_END, 0};
    c->outs[o++] = (wr_window_col){WR_WCOL_WINDOW_TIME, 0};
    for (uint32_t j = 0; j < WT_STD_NAGGS; j++)
        c->outs[o++] = (wr_window_col){WR_WCOL_AGG, j};
    return c;
}

/* One (window, row) pair of the oracle. */
typedef struct wt_pair {
    int64_t start, end; /* ms */
    const wt_row *row;
} wt_pair;

static inline int64_t wt_floor_start(int64_t ts, int64_t size, int64_t offset)
{
    /* Written independently of wr_window_start: floor((ts - offset) / size) * size + offset. */
    int64_t x = ts - offset;
    int64_t q = x / size;
    if (x % size != 0 && x < 0) q -= 1;
    return q * size + offset;
}

static inline int wt_key_cmp(wt_keys keys, const wt_row *a, const wt_row *b)
{
    if (keys == WT_KEYS_NONE) return 0;
    if (!a->k != !b->k) return a->k ? 1 : -1; /* NULL first */
    if (a->k && b->k) {
        int c = strcmp(a->k, b->k);
        if (c) return c < 0 ? -1 : 1;
    }
    if (keys == WT_KEYS_KN && a->n != b->n) return a->n < b->n ? -1 : 1;
    return 0;
}

static wt_keys wt_sort_keys;

static inline int wt_pair_cmp(const void *pa, const void *pb)
{
    const wt_pair *a = pa, *b = pb;
    if (a->end != b->end) return a->end < b->end ? -1 : 1;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    return wt_key_cmp(wt_sort_keys, a->row, b->row);
}

static inline int wt_i64_cmp(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

/* Aggregate sorted pairs into lines of the standard query. */
static inline char **wt_oracle_lines(wt_pair *p, size_t np, wt_keys keys, size_t *nout)
{
    wt_sort_keys = keys;
    qsort(p, np, sizeof(*p), wt_pair_cmp);
    char **lines = calloc(np + 1, sizeof(char *));
    int64_t *vals = malloc((np + 1) * sizeof(int64_t));
    assert_non_null(lines);
    assert_non_null(vals);
    size_t nl = 0;
    for (size_t i = 0; i < np;) {
        size_t j = i;
        while (j < np && p[j].start == p[i].start && p[j].end == p[i].end &&
               wt_key_cmp(keys, p[j].row, p[i].row) == 0)
            j++;
        int64_t cnt = 0, sum = 0, mn = 0, mx = 0, nv = 0, fc = 0;
        for (size_t x = i; x < j; x++) {
            const wt_row *r = p[x].row;
            cnt++;
            if (r->v_null) continue;
            if (nv == 0 || r->v < mn) mn = r->v;
            if (nv == 0 || r->v > mx) mx = r->v;
            sum += r->v;
            vals[nv++] = r->v;
            if (r->v % 2 == 0) fc++;
        }
        qsort(vals, (size_t)nv, sizeof(int64_t), wt_i64_cmp);
        int64_t distinct = 0;
        for (int64_t x = 0; x < nv; x++)
            distinct += x == 0 || vals[x] != vals[x - 1];
        wr_buf b;
        wr_buf_init(&b);
        const wt_row *kr = p[i].row;
        if (keys != WT_KEYS_NONE) wr_buf_printf(&b, "%s,", kr->k ? kr->k : "null");
        if (keys == WT_KEYS_KN) wr_buf_printf(&b, "%" PRId64 ",", kr->n);
        wr_buf_printf(&b, "%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",", p[i].start, p[i].end,
                      p[i].end - 1, cnt);
        if (nv)
            wr_buf_printf(&b, "%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",", sum, mn, mx,
                          sum / nv);
        else
            wr_buf_append_c(&b, "null,null,null,null,");
        wr_buf_printf(&b, "%" PRId64 ",%" PRId64, distinct, fc);
        lines[nl++] = strdup(b.ptr);
        wr_buf_free(&b);
        i = j;
    }
    free(vals);
    *nout = nl;
    return lines;
}

/* Oracle for TUMBLE/HOP/CUMULATE: every row in every window it belongs to (no late rows). */
static inline char **wt_oracle_sliding(const wt_row *rows, size_t n, wr_window_spec w, wt_keys keys,
                                       size_t *nout)
{
    int64_t size = w.size_us / WT_MS, slide = w.slide_us / WT_MS, off = w.offset_us / WT_MS;
    size_t cap = 16, np = 0;
    wt_pair *p = malloc(cap * sizeof(*p));
    for (size_t i = 0; i < n; i++) {
        int64_t ts = rows[i].ts_ms;
        int64_t starts[4096], ends[4096];
        int nw = 0;
        if (w.kind == WR_WINDOW_TUMBLE) {
            starts[0] = wt_floor_start(ts, size, off);
            ends[0] = starts[0] + size;
            nw = 1;
        } else if (w.kind == WR_WINDOW_HOP) {
            /* every aligned start s with s <= ts < s + size */
            for (int64_t s = wt_floor_start(ts - size + 1, slide, off); s <= ts; s += slide) {
                if (s + size <= ts || s > ts) continue;
                starts[nw] = s;
                ends[nw++] = s + size;
            }
        } else {
            int64_t base = wt_floor_start(ts, size, off);
            for (int64_t e = base + slide; e <= base + size; e += slide) {
                if (e <= ts) continue;
                starts[nw] = base;
                ends[nw++] = e;
            }
        }
        for (int x = 0; x < nw; x++) {
            if (np == cap) p = realloc(p, (cap *= 2) * sizeof(*p));
            p[np++] = (wt_pair){starts[x], ends[x], &rows[i]};
        }
    }
    char **lines = wt_oracle_lines(p, np, keys, nout);
    free(p);
    return lines;
}

static inline int wt_row_key_ts_cmp(const void *pa, const void *pb)
{
    const wt_row *a = *(const wt_row *const *)pa, *b = *(const wt_row *const *)pb;
    int c = wt_key_cmp(wt_sort_keys, a, b);
    if (c) return c;
    return (a->ts_ms > b->ts_ms) - (a->ts_ms < b->ts_ms);
}

/* Oracle for SESSION: per key, rows sorted by time; a row continues the session while
 * ts <= last_ts + gap (touching sessions merge). */
static inline char **wt_oracle_session(const wt_row *rows, size_t n, int64_t gap_ms, wt_keys keys,
                                       size_t *nout)
{
    const wt_row **sorted = malloc((n + 1) * sizeof(*sorted));
    for (size_t i = 0; i < n; i++)
        sorted[i] = &rows[i];
    wt_sort_keys = keys;
    qsort(sorted, n, sizeof(*sorted), wt_row_key_ts_cmp);
    wt_pair *p = malloc((n + 1) * sizeof(*p));
    size_t np = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        int64_t end = sorted[i]->ts_ms + gap_ms;
        while (j < n && wt_key_cmp(keys, sorted[j], sorted[i]) == 0 && sorted[j]->ts_ms <= end) {
            if (sorted[j]->ts_ms + gap_ms > end) end = sorted[j]->ts_ms + gap_ms;
            j++;
        }
        for (size_t x = i; x < j; x++)
            p[np++] = (wt_pair){sorted[i]->ts_ms, end, sorted[x]};
        i = j;
    }
    char **lines = wt_oracle_lines(p, np, keys, nout);
    free(p);
    free(sorted);
    return lines;
}

static inline void wt_free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static inline int wt_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Same lines in the same order (ordered) or as multisets. */
static inline void wt_expect_same(char **got, size_t ngot, char **want, size_t nwant, bool ordered,
                                  const char *what)
{
    if (!ordered) {
        qsort(got, ngot, sizeof(char *), wt_str_cmp);
        qsort(want, nwant, sizeof(char *), wt_str_cmp);
    }
    for (size_t i = 0; i < ngot && i < nwant; i++)
        if (strcmp(got[i], want[i]) != 0)
            fail_msg("%s: line %zu: got '%s', want '%s' (%zu vs %zu lines)", what, i, got[i],
                     want[i], ngot, nwant);
    if (ngot != nwant) fail_msg("%s: got %zu lines, want %zu", what, ngot, nwant);
}

/* Deterministic pseudo-random numbers (xorshift64*). */
static inline uint64_t wt_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static const char *const wt_keyset[] = {"a", "b", "c", "dd", "e", "ffff", "g", "h", NULL};

/* n rows, all on time for a watermark delay of delay_ms: a clock advances by a random step
 * (multiple of `quantum` ms, at most max_step), each row is at most delay_ms - quantum
 * behind it (in_order: exactly on it). Timestamps are multiples of quantum. */
static inline wt_row *wt_random_rows(size_t n, uint64_t seed, int64_t start_ms, int64_t max_step,
                                     int64_t delay_ms, int64_t quantum, bool in_order)
{
    wt_row *rows = calloc(n + 1, sizeof(*rows));
    uint64_t s = seed * 2654435761u + 1;
    int64_t t = start_ms;
    for (size_t i = 0; i < n; i++) {
        t += (int64_t)(wt_rand(&s) % (uint64_t)(max_step / quantum + 1)) * quantum;
        int64_t back = 0;
        if (!in_order && delay_ms > quantum)
            back = (int64_t)(wt_rand(&s) % (uint64_t)(delay_ms / quantum)) * quantum;
        rows[i].ts_ms = t - back;
        rows[i].k = wt_keyset[wt_rand(&s) % 9];
        rows[i].n = (int64_t)(wt_rand(&s) % 3);
        rows[i].v = (int64_t)(wt_rand(&s) % 23) - 5;
        rows[i].v_null = wt_rand(&s) % 10 == 0;
    }
    return rows;
}

#endif
