/* e2e_windows.c - window aggregation jobs end to end: generated CSV files (a directory of
 * splits in time order) -> filesystem source with per-split watermarks -> hash by key ->
 * TUMBLE / HOP / CUMULATE / SESSION aggregation -> print. Every result is compared with
 * DuckDB running the equivalent batch query over the same files, at parallelism 1 and 4.
 * Out-of-order input with late records checks that exactly the rows behind the watermark
 * (as Flink's per-record watermark emission defines it) are dropped and counted. */
#define _GNU_SOURCE
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC     1000000ll
#define BASE_MS 1704067200000ll /* 2024-01-01T00:00:00Z */

static char *g_dir;      /* in-order input: 6 files of 60 s each */
static char *g_late_dir; /* out-of-order input with late rows: one file */
static long g_late_rows; /* rows of g_late_dir an independent count says are late */

static void fmt_ts(char *out, size_t cap, int64_t ms)
{
    int64_t days = ms / 86400000ll, rem = ms % 86400000ll;
    int64_t y;
    unsigned m, d;
    wr_civil_from_days((int32_t)days, &y, &m, &d);
    snprintf(out, cap, "%04lld-%02u-%02u %02lld:%02lld:%02lld.%03lld", (long long)y, m, d,
             (long long)(rem / 3600000), (long long)(rem / 60000 % 60),
             (long long)(rem / 1000 % 60), (long long)(rem % 1000));
}

/* id, k, v, ts. v is NULL for about 1 row in 20. */
static void gen_row(wr_buf *b, uint64_t *rng, long id, int64_t ms)
{
    char ts[64];
    fmt_ts(ts, sizeof ts, ms);
    uint64_t r = e2e_rand(rng);
    int key = (int)(r % 7);
    long v = (long)((r >> 8) % 2001) - 1000;
    if ((r >> 40) % 20 == 0)
        wr_buf_printf(b, "%ld,k%d,,%s\n", id, key, ts);
    else
        wr_buf_printf(b, "%ld,k%d,%ld,%s\n", id, key, v, ts);
}

static int setup(void **state)
{
    (void)state;
    uint64_t rng = 42;
    g_dir = wr_test_tmpdir("win");
    long id = 0;
    for (int f = 0; f < 6; f++) {
        wr_buf b;
        wr_buf_init(&b);
        for (int i = 0; i < 600; i++) {
            /* ~100 ms apart, jitter below the 1 s watermark delay: nothing is late. */
            int64_t ms = BASE_MS + f * 60000ll + i * 100ll + (int64_t)(e2e_rand(&rng) % 500);
            gen_row(&b, &rng, id++, ms);
        }
        char name[32];
        snprintf(name, sizeof name, "part-%02d.csv", f);
        e2e_write(g_dir, name, b.ptr);
        wr_buf_free(&b);
    }
    /* Files the source must ignore. */
    e2e_write(g_dir, ".hidden.csv", "garbage\n");
    e2e_write(g_dir, "_SUCCESS", "garbage\n");

    /* Late input: time moves forward ~200 ms a row; one row in 10 jumps back 0..20 s. */
    g_late_dir = wr_test_tmpdir("late");
    wr_buf b;
    wr_buf_init(&b);
    int64_t now = BASE_MS, max_wm = INT64_MIN;
    g_late_rows = 0;
    for (long i = 0; i < 3000; i++) {
        now += 200;
        int64_t ms = now;
        if (e2e_rand(&rng) % 10 == 0) ms -= (int64_t)(e2e_rand(&rng) % 20000);
        /* Independent count: late iff its tumble(5 s) window end - 1 ms <= watermark. */
        int64_t end = (ms / 5000) * 5000 + 5000;
        if (max_wm != INT64_MIN && end - 1 <= max_wm) g_late_rows++;
        if (ms - 1000 > max_wm) max_wm = ms - 1000;
        gen_row(&b, &rng, i, ms);
    }
    e2e_write(g_late_dir, "events.csv", b.ptr);
    wr_buf_free(&b);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wr_test_rmtree(g_dir);
    wr_test_rmtree(g_late_dir);
    free(g_dir);
    free(g_late_dir);
    return 0;
}

static const char *SCHEMA = "id BIGINT, k STRING, v INT, ts TIMESTAMP(3)";

/* The oracle reads the same files the job reads (not the hidden ones the source skips). */
static char *read_table_sql(const char *dir)
{
    char *sql = NULL;
    const char *glob = dir == g_dir ? "part-*.csv" : "events.csv";
    assert_true(asprintf(&sql,
                         "CREATE TABLE t AS SELECT * FROM read_csv('%s/%s', header=false, "
                         "columns={'id':'BIGINT','k':'VARCHAR','v':'INTEGER','ts':'TIMESTAMP'});\n",
                         dir, glob) > 0);
    return sql;
}

typedef struct win_case {
    wr_window_spec w;
    int naggs;
    wr_agg_kind aggs[6];
    int32_t args[6]; /* input column of each aggregate (-1 for COUNT(*)) */
} win_case;

/* Runs dir -> source -> hash(k) -> window agg -> print at parallelism par. Output columns:
 * k, window_start, window_end, aggregates... */
static e2e_result run_window(const char *dir, const win_case *c, uint32_t src_par, uint32_t par,
                             int64_t delay_us, int64_t interval_us, uint32_t batch_rows)
{
    wr_error err = {0};
    wr_schema *in = e2e_schema(SCHEMA);
    wr_job *job = wr_job_new("e2e-window");
    assert_non_null(job);
    char opts[4096];
    snprintf(opts, sizeof opts, "connector=filesystem;path=%s;format=csv", dir);
    int src = e2e_add_source(job, "files", opts, in, src_par, 3, delay_us, interval_us);
    assert_true(src >= 0);

    wr_window_agg_config *cfg =
        wr_window_agg_config_new(1, (uint32_t)c->naggs, 3 + (uint32_t)c->naggs);
    cfg->rowtime_col = 3;
    cfg->window = c->w;
    cfg->keys[0] = 1;
    for (int i = 0; i < c->naggs; i++) {
        cfg->aggs[i] = (wr_agg_spec){.kind = c->aggs[i], .arg = c->args[i], .filter = -1};
        if (c->args[i] >= 0) cfg->aggs[i].arg_type = in->cols[c->args[i]].type;
    }
    cfg->outs[0] = (wr_window_col){WR_WCOL_KEY, 0};
    cfg->outs[1] = (wr_window_col){WR_WCOL_WINDOW_START, 0};
    cfg->outs[2] = (wr_window_col){WR_WCOL_WINDOW_END, 0};
    for (int i = 0; i < c->naggs; i++)
        cfg->outs[3 + i] = (wr_window_col){WR_WCOL_AGG, (uint32_t)i};
    wr_schema *out = NULL;
    if (wr_window_agg_check(cfg, in, &err) != WR_OK ||
        wr_window_agg_schema(cfg, in, NULL, &out, &err) != WR_OK)
        fail_msg("window config: %s", err.msg);
    int win =
        wr_job_add_op(job, "window", &wr_window_agg_vt, cfg, wr_window_agg_config_free, out, par);
    assert_true(win >= 0);
    int sink = e2e_add_sink(job, "print", "connector=print", out, par);
    assert_true(sink >= 0);
    uint32_t key = 1;
    assert_true(wr_job_connect(job, src, win, 0, WR_EDGE_HASH, &key, 1) >= 0);
    assert_true(wr_job_connect(job, win, sink, 0, WR_EDGE_FORWARD, NULL, 0) >= 0);
    e2e_result r = e2e_run(job, batch_rows);
    wr_schema_free(in);
    wr_schema_free(out);
    return r;
}

static void check_case(const char *what, const char *dir, const win_case *c, const char *query)
{
    char *sql = read_table_sql(dir);
    char *full = NULL;
    assert_true(asprintf(&full, "%s%s", sql, query) > 0);
    char *expected = e2e_oracle(full);
    assert_true(strlen(expected) > 100); /* the oracle produced real rows */
    for (uint32_t par = 1; par <= 4; par += 3) {
        e2e_result r = run_window(dir, c, par, par, 1 * SEC, 0, 256);
        if (r.rc != WR_OK) fail_msg("%s p=%u: job failed: %s", what, par, r.err.msg);
        char *actual = e2e_normalize(r.out);
        char label[128];
        snprintf(label, sizeof label, "%s (parallelism %u)", what, par);
        e2e_assert_same(label, expected, actual);
        assert_int_equal(r.late_dropped, 0);
        free(actual);
        e2e_result_free(&r);
    }
    free(expected);
    free(full);
    free(sql);
}

#define BUCKET(S) "(epoch_ms(ts) // " #S ") * " #S

static void test_tumble(void **state)
{
    (void)state;
    win_case c = {
        .w = {.kind = WR_WINDOW_TUMBLE, .size_us = 10 * SEC},
        .naggs = 6,
        .aggs = {WR_AGG_COUNT_STAR, WR_AGG_SUM, WR_AGG_MIN, WR_AGG_MAX, WR_AGG_AVG, WR_AGG_COUNT},
        .args = {-1, 2, 2, 2, 2, 2}};
    check_case("tumble", g_dir, &c,
               "SELECT k, epoch_ms(b), epoch_ms(b + 10000), count(*)::BIGINT, "
               "sum(v)::INTEGER, min(v), max(v), "
               "CASE WHEN count(v) = 0 THEN NULL ELSE CAST(trunc(sum(v)::DECIMAL(38,6) / count(v)) "
               "AS INTEGER) END, count(v)::BIGINT "
               "FROM (SELECT *, " BUCKET(10000) " AS b FROM t) GROUP BY k, b;");
}

static void test_tumble_offset(void **state)
{
    (void)state;
    /* 10 s windows shifted by -3 s: boundaries at ...:07, ...:17. */
    win_case c = {.w = {.kind = WR_WINDOW_TUMBLE, .size_us = 10 * SEC, .offset_us = -3 * SEC},
                  .naggs = 1,
                  .aggs = {WR_AGG_COUNT_STAR},
                  .args = {-1}};
    check_case("tumble with offset", g_dir, &c,
               "SELECT k, epoch_ms(b), epoch_ms(b + 10000), count(*)::BIGINT "
               "FROM (SELECT *, ((epoch_ms(ts) - 7000) // 10000) * 10000 + 7000 AS b FROM t) "
               "GROUP BY k, b;");
}

static void test_hop(void **state)
{
    (void)state;
    win_case c = {.w = {.kind = WR_WINDOW_HOP, .size_us = 15 * SEC, .slide_us = 5 * SEC},
                  .naggs = 3,
                  .aggs = {WR_AGG_COUNT_STAR, WR_AGG_SUM, WR_AGG_MAX},
                  .args = {-1, 2, 2}};
    check_case("hop", g_dir, &c,
               "SELECT k, epoch_ms(ws), epoch_ms(ws + 15000), count(*)::BIGINT, "
               "sum(v)::INTEGER, max(v) FROM (SELECT k, v, unnest([b - 10000, b - 5000, b]) AS ws "
               "FROM (SELECT k, v, " BUCKET(5000) " AS b FROM t)) GROUP BY k, ws;");
}

static void test_cumulate(void **state)
{
    (void)state;
    win_case c = {.w = {.kind = WR_WINDOW_CUMULATE, .size_us = 20 * SEC, .slide_us = 5 * SEC},
                  .naggs = 3,
                  .aggs = {WR_AGG_COUNT_STAR, WR_AGG_MIN, WR_AGG_COUNT_DISTINCT},
                  .args = {-1, 2, 2}};
    check_case("cumulate", g_dir, &c,
               "SELECT k, epoch_ms(base), epoch_ms(e), count(*)::BIGINT, min(v), "
               "count(DISTINCT v)::BIGINT FROM (SELECT k, v, base, "
               "unnest(range(base + 5000 * ((ms - base) // 5000 + 1), base + 20001, 5000)) AS e "
               "FROM (SELECT k, v, epoch_ms(ts) AS ms, " BUCKET(20000) " AS base FROM t)) "
                                                                       "GROUP BY k, base, e;");
}

static void test_session(void **state)
{
    (void)state;
    win_case c = {.w = {.kind = WR_WINDOW_SESSION, .gap_us = 1 * SEC},
                  .naggs = 2,
                  .aggs = {WR_AGG_COUNT_STAR, WR_AGG_SUM},
                  .args = {-1, 2}};
    /* Rows of one key are ~700 ms apart on average: some gaps exceed 1 s, most don't, so
     * sessions of many sizes form. Two rows exactly `gap` apart share a session (Flink's
     * windows [a, a+gap) and [a+gap, ...) intersect). */
    check_case("session", g_dir, &c,
               "WITH s AS (SELECT k, v, id, epoch_ms(ts) AS ms, CASE WHEN epoch_ms(ts) - "
               "lag(epoch_ms(ts)) OVER (PARTITION BY k ORDER BY epoch_ms(ts), id) <= 1000 THEN 0 "
               "ELSE 1 END AS brk FROM t), g AS (SELECT *, sum(brk) OVER (PARTITION BY k ORDER BY "
               "ms, id ROWS UNBOUNDED PRECEDING) AS sid FROM s) SELECT k, epoch_ms(min(ms)), "
               "epoch_ms(max(ms) + 1000), count(*)::BIGINT, sum(v)::INTEGER FROM g GROUP BY k, "
               "sid;");
}

static void test_late_records(void **state)
{
    (void)state;
    win_case c = {.w = {.kind = WR_WINDOW_TUMBLE, .size_us = 5 * SEC},
                  .naggs = 2,
                  .aggs = {WR_AGG_COUNT_STAR, WR_AGG_SUM},
                  .args = {-1, 2}};
    char *sql = read_table_sql(g_late_dir);
    /* The watermark a row meets is the largest (ts - 1 s) of the rows before it (per-record
     * emission, interval 0); a row is late when its window's end - 1 ms <= that. */
    const char *q =
        "CREATE TABLE w AS SELECT *, max(epoch_ms(ts) - 1000) OVER (ORDER BY id ROWS BETWEEN "
        "UNBOUNDED PRECEDING AND 1 PRECEDING) AS wm, " BUCKET(
            5000) " AS b FROM t;\n"
                  "SELECT k, epoch_ms(b), epoch_ms(b + 5000), count(*)::BIGINT, sum(v)::INTEGER "
                  "FROM w "
                  "WHERE wm IS NULL OR b + 5000 - 1 > wm GROUP BY k, b;";
    char *full = NULL;
    assert_true(asprintf(&full, "%s%s", sql, q) > 0);
    char *expected = e2e_oracle(full);
    char *late_sql = NULL;
    assert_true(asprintf(&late_sql,
                         "%sCREATE TABLE w AS SELECT *, max(epoch_ms(ts) - 1000) OVER "
                         "(ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 "
                         "PRECEDING) AS wm, " BUCKET(
                             5000) " AS b FROM t;\n"
                                   "SELECT count(*) FROM w WHERE b + 5000 - 1 <= wm;",
                         sql) > 0);
    char *late = e2e_oracle(late_sql);
    char want[64];
    snprintf(want, sizeof want, "+I[%ld]\n", g_late_rows);
    /* Two independent counts of the late rows agree, and there are some. */
    assert_string_equal(late, want);
    assert_true(g_late_rows > 20);
    for (uint32_t par = 1; par <= 4; par += 3) {
        for (uint32_t batch = 1; batch <= 1024; batch *= 32) {
            /* One source subtask: which rows are late then depends only on the input order.
             * (With several source subtasks it also depends on when the idle ones' end
             * reaches the window operator, in Flink as here.) */
            e2e_result r = run_window(g_late_dir, &c, 1, par, 1 * SEC, 0, batch);
            if (r.rc != WR_OK) fail_msg("late p=%u: job failed: %s", par, r.err.msg);
            char *actual = e2e_normalize(r.out);
            if (getenv("E2E_DEBUG"))
                fprintf(stderr, "late p=%u batch=%u: dropped %llu, expected %ld\n", par, batch,
                        (unsigned long long)r.late_dropped, g_late_rows);
            e2e_assert_same("late records", expected, actual);
            assert_int_equal(r.late_dropped, (uint64_t)g_late_rows);
            free(actual);
            e2e_result_free(&r);
        }
    }
    free(late);
    free(late_sql);
    free(expected);
    free(full);
    free(sql);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tumble),  cmocka_unit_test(test_tumble_offset),
        cmocka_unit_test(test_hop),     cmocka_unit_test(test_cumulate),
        cmocka_unit_test(test_session), cmocka_unit_test(test_late_records),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
