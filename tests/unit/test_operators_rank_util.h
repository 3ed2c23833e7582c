/* test_operators_rank_util.h - what the ranking and set operator tests share, on top of
 * test_operators_harness.h: batches from ';'-separated text rows, a runner for
 * source -> operator -> sink jobs (hash edge on given columns when the operator runs at
 * parallelism > 1, optional watermarks, late-row counts from the job stats), and the
 * multiset application of a changelog (+I/+U add a row, -U/-D remove an equal one, a
 * retraction of an absent row fails the test), whose sorted result is compared with oracles.
 * Header-only: each test file is one executable. */
#ifndef WR_TEST_OPERATORS_RANK_UTIL_H
#define WR_TEST_OPERATORS_RANK_UTIL_H

#include "test_operators_harness.h"

#include "operators/operators.h"

/* One batch from rows separated by ';' ("+I|a|1;-D|a|1"). */
static inline wr_batch *ru_batch(const wr_schema *s, const char *text)
{
    char *copy = strdup(text);
    assert_non_null(copy);
    size_t cap = 16, n = 0;
    const char **rows = malloc(cap * sizeof(char *));
    for (char *save = NULL, *r = strtok_r(copy, ";", &save); r; r = strtok_r(NULL, ";", &save)) {
        if (n == cap) rows = realloc(rows, (cap *= 2) * sizeof(char *));
        rows[n++] = r;
    }
    wr_batch *b = th_batch(s, rows, (uint32_t)n);
    free(rows);
    free(copy);
    return b;
}

/* A source config with one batch per element of `batches` (all on source subtask 0). */
static inline th_source_cfg *ru_source(const wr_schema *s, const char *const *batches, size_t n)
{
    th_source_cfg *src = th_source_cfg_new();
    for (size_t i = 0; i < n; i++)
        th_source_add(src, ru_batch(s, batches[i]), 0);
    return src;
}

typedef struct ru_opts {
    uint32_t par;         /* operator parallelism (default 1) */
    const uint32_t *keys; /* hash-edge columns when par > 1 */
    uint32_t nkeys;
    bool watermarks; /* watermarks = max rowtime - delay, emitted as they advance */
    uint32_t rowtime_col;
    int64_t delay_us;
    uint32_t workers;       /* default 3 */
    uint32_t batch_rows;    /* job batch rows (0 = default) */
    const wr_op_vt *pre_vt; /* optional operator between source and op (forward edge) */
    void *pre_cfg;
    void (*pre_cfg_free)(void *);
    const wr_schema *pre_out;
    int64_t fail_after; /* > 0: the fail_after-th allocation of the run fails */
} ru_opts;

typedef struct ru_result {
    int rc;
    char err[WR_ERROR_MSG_MAX];
    uint64_t late;
} ru_result;

/* Run src -> [pre ->] op(vt, cfg) -> sink. Takes src and cfg. Returns the job's result (a
 * failure is returned, not asserted, so tests can check error messages). */
static inline ru_result ru_run(const wr_schema *in, th_source_cfg *src, const wr_op_vt *vt,
                               void *cfg, void (*cfg_free)(void *), const wr_schema *out,
                               th_sink *sink, const ru_opts *o)
{
    ru_result res;
    memset(&res, 0, sizeof(res));
    uint32_t par = o && o->par ? o->par : 1;
    wr_wm_spec wm = {0};
    if (o && o->watermarks) {
        wm.enabled = true;
        wm.rowtime_col = (int32_t)o->rowtime_col;
        wm.delay_us = o->delay_us;
        wm.interval_us = 0;
    }
    wr_job *job = wr_job_new("rank-test");
    int s = wr_job_add_source(job, "src", &th_source_vt, src, th_source_cfg_free, in, 1,
                              wm.enabled ? &wm : NULL);
    assert_true(s >= 0);
    int from = s;
    if (o && o->pre_vt) {
        int pre = wr_job_add_op(job, "pre", o->pre_vt, o->pre_cfg, o->pre_cfg_free, o->pre_out, 1);
        assert_true(pre >= 0);
        assert_int_equal(wr_job_connect(job, s, pre, 0, WR_EDGE_FORWARD, NULL, 0), 0);
        from = pre;
    }
    int op = wr_job_add_op(job, "op", vt, cfg, cfg_free, out, par);
    assert_true(op >= 0);
    if (par > 1 && o->nkeys)
        assert_int_equal(wr_job_connect(job, from, op, 0, WR_EDGE_HASH, o->keys, o->nkeys), 0);
    else if (par > 1)
        assert_int_equal(wr_job_connect(job, from, op, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    else
        assert_int_equal(wr_job_connect(job, from, op, 0, WR_EDGE_FORWARD, NULL, 0), 0);
    int k = wr_job_add_op(job, "sink", &th_sink_vt, sink, NULL, out, 1);
    assert_true(k >= 0);
    assert_int_equal(wr_job_connect(job, op, k, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    wr_job_opts jo = {.workers = o && o->workers ? o->workers : 3,
                      .batch_rows = o ? o->batch_rows : 0};
    wr_job_stats st;
    memset(&st, 0, sizeof(st));
    wr_error err;
    wr_error_clear(&err);
    if (o && o->fail_after > 0) wr_mem_fail_after(o->fail_after);
    res.rc = wr_job_run(job, &jo, &st, &err);
    wr_mem_fail_off();
    if (res.rc) snprintf(res.err, sizeof(res.err), "%s", err.msg);
    for (uint32_t i = 0; i < st.ntasks; i++)
        res.late += st.tasks[i].late_dropped;
    wr_job_stats_free(&st);
    wr_job_free(job);
    return res;
}

static inline void ru_run_ok(const wr_schema *in, th_source_cfg *src, const wr_op_vt *vt, void *cfg,
                             void (*cfg_free)(void *), const wr_schema *out, th_sink *sink,
                             const ru_opts *o)
{
    ru_result r = ru_run(in, src, vt, cfg, cfg_free, out, sink, o);
    if (r.rc) fail_msg("job failed: %s (%s)", r.err, wr_err_name(r.rc));
}

/* Apply the sink's changelog as a multiset of whole rows; returns the remaining rows sorted,
 * one per line (caller frees). */
static inline char *ru_apply_multiset(const th_sink *s)
{
    char **live = calloc(s->n + 1, sizeof(char *));
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (wr_rowkind_is_add(s->kinds[i])) {
            live[n++] = s->vals[i];
            continue;
        }
        size_t j = 0;
        while (j < n && strcmp(live[j], s->vals[i]) != 0)
            j++;
        if (j == n) fail_msg("retraction of a row not present: %s", s->lines[i]);
        live[j] = live[--n];
    }
    qsort(live, n, sizeof(char *), th_cmp_str);
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(live[i]) + 1;
    char *t = malloc(len), *p = t;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s\n", live[i]);
    *p = 0;
    free(live);
    return t;
}

/* Sort the lines of a heap string array and join them. */
static inline char *ru_join_sorted(char **lines, size_t n)
{
    qsort(lines, n, sizeof(char *), th_cmp_str);
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(lines[i]) + 1;
    char *t = malloc(len), *p = t;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s\n", lines[i]);
    *p = 0;
    return t;
}

#define ru_assert_text(got, want)                                                                  \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        if (strcmp(g_, w_) != 0) fail_msg("differs.\n--- expected:\n%s--- got:\n%s", w_, g_);      \
    } while (0)

/* Simple deterministic PRNG for the randomized tests. */
static inline uint64_t ru_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

#endif
