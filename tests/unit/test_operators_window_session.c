/* test_operators_window_session.c - SESSION window aggregation on the real runtime: sessions
 * per key, touching sessions merging, a row arriving out of order that bridges two sessions
 * into one, Flink's late rule (dropped only when the session it would end up in has fired),
 * deterministic order of sessions fired by one watermark, state released after firing, and
 * randomized inputs against an oracle at parallelism 1 and 4, also with the operator
 * checkpointed and restored after every batch and watermark. */
#include "test_operators_ckpt_proxy.h"
#include "test_operators_window_harness.h"

static wr_window_spec session(int64_t gap_ms)
{
    return (wr_window_spec){.kind = WR_WINDOW_SESSION, .gap_us = gap_ms * WT_MS};
}

static wr_window_agg_config *count_config(wr_window_spec w)
{
    wr_window_agg_config *c = wr_window_agg_config_new(1, 1, 5);
    assert_non_null(c);
    c->rowtime_col = WT_TS;
    c->window = w;
    c->keys[0] = WT_K;
    c->aggs[0].kind = WR_AGG_COUNT_STAR;
    c->outs[0] = (wr_window_col){WR_WCOL_KEY, 0};
    c->outs[1] = (wr_window_col){WR_WCOL_WINDOW_START, 0};
    c->outs[2] = (wr_window_col){WR_WCOL_WINDOW_END, 0};
    c->outs[3] = (wr_window_col){WR_WCOL_WINDOW_TIME, 0};
    c->outs[4] = (wr_window_col){WR_WCOL_AGG, 0};
    return c;
}

static void run_count(int64_t gap_ms, const wt_row *rows, size_t n, int64_t delay_ms,
                      wt_result *res)
{
    wt_opts o = {.delay_ms = delay_ms, .batch_rows = 3};
    wt_run_agg(rows, n, count_config(session(gap_ms)), &o, res);
    if (res->rc) fail_msg("job failed: %s", res->err);
    assert_int_equal(res->non_insert, 0);
}

static void test_sessions_per_key(void **state)
{
    /* Rows at 6 s, 7 s, 8 s with a 5 s gap form [6 s, 13 s) (the reference's example). */
    static const wt_row rows[] = {
        {.ts_ms = 6000, .k = "a"}, {.ts_ms = 1000, .k = "b"},  {.ts_ms = 7000, .k = "a"},
        {.ts_ms = 8000, .k = "a"}, {.ts_ms = 20000, .k = "a"}, {.ts_ms = 2000, .k = NULL},
    };
    static const char *const want[] = {
        "b,1000,6000,5999,1",
        "null,2000,7000,6999,1",
        "a,6000,13000,12999,3",
        "a,20000,25000,24999,1",
    };
    wt_result r;
    run_count(5000, rows, WR_ARRAY_LEN(rows), 60000, &r);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    wt_result_free(&r);
}

static void test_touching_sessions_merge(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 0, .k = "a"},     /* [0, 5 s) */
        {.ts_ms = 5000, .k = "a"},  /* [5 s, 10 s) touches it: one session [0, 10 s) */
        {.ts_ms = 10001, .k = "a"}, /* 1 ms past the end: a new session */
    };
    static const char *const want[] = {"a,0,10000,9999,2", "a,10001,15001,15000,1"};
    wt_result r;
    run_count(5000, rows, WR_ARRAY_LEN(rows), 60000, &r);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    wt_result_free(&r);
}

static void test_out_of_order_row_bridges_sessions(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "a", .v = 1},  /* [1 s, 6 s) */
        {.ts_ms = 12000, .k = "a", .v = 2}, /* [12 s, 17 s) */
        {.ts_ms = 6500, .k = "a", .v = 3},  /* [6.5 s, 11.5 s): touches neither */
        {.ts_ms = 3000, .k = "b", .v = 4},
        {.ts_ms = 6000, .k = "a", .v = 5},  /* touches [1 s, 6 s) and overlaps [6.5, 11.5) */
        {.ts_ms = 11500, .k = "a", .v = 6}, /* bridges [1 s, 11.5 s) and [12 s, 17 s) */
    };
    /* k, start, end, time, COUNT(*), SUM, MIN, MAX, AVG, COUNT(DISTINCT), COUNT FILTER even */
    static const char *const want[] = {
        "b,3000,8000,7999,1,4,4,4,4,1,1",
        "a,1000,17000,16999,5,17,1,6,3,5,2",
    };
    wt_opts o = {.delay_ms = 60000, .batch_rows = 1};
    wt_result r;
    wt_run_agg(rows, WR_ARRAY_LEN(rows), wt_std_config(session(5000), WT_KEYS_K), &o, &r);
    assert_int_equal(r.rc, 0);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    wt_result_free(&r);
    /* All rows in one batch: the merges happen inside one assignment pass. */
    o.batch_rows = 100;
    wt_run_agg(rows, WR_ARRAY_LEN(rows), wt_std_config(session(5000), WT_KEYS_K), &o, &r);
    assert_int_equal(r.rc, 0);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    wt_result_free(&r);
    size_t no;
    char **ol = wt_oracle_session(rows, WR_ARRAY_LEN(rows), 5000, WT_KEYS_K, &no);
    wt_expect_same(ol, no, (char **)want, WR_ARRAY_LEN(want), true, "oracle");
    wt_free_lines(ol, no);
}

static void test_late_rows(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "a"},  /* [1 s, 6 s) */
        {.ts_ms = 10000, .k = "b"}, /* watermark 10 s fires a's session */
        {.ts_ms = 2000, .k = "a"},  /* [2 s, 7 s) fired already, nothing open: dropped */
        {.ts_ms = 6500, .k = "a"},  /* [6.5 s, 11.5 s) is open: a new session */
        {.ts_ms = 9000, .k = "b"},  /* behind the watermark but merges with b's open one */
    };
    static const char *const want[] = {"a,1000,6000,5999,1", "a,6500,11500,11499,1",
                                       "b,9000,15000,14999,2"};
    wr_window_stats stats = {0};
    wr_window_agg_config *c = count_config(session(5000));
    c->stats = &stats;
    wt_opts o = {.delay_ms = 0};
    wt_result r;
    wt_run_agg(rows, WR_ARRAY_LEN(rows), c, &o, &r);
    assert_int_equal(r.rc, 0);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    assert_int_equal(r.late, 1);
    assert_int_equal(atomic_load(&stats.late_dropped), 1);
    wt_result_free(&r);
}

static void test_fire_order_and_timing(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "c"}, {.ts_ms = 1000, .k = "b"}, {.ts_ms = 2000, .k = "e"},
        {.ts_ms = 500, .k = "d"},  {.ts_ms = 0, .k = "f"},    {.ts_ms = 1000, .k = "f"},
        {.ts_ms = 2000, .k = "a"}, {.ts_ms = 8000, .k = "g"}, {.ts_ms = 8001, .k = "g"},
    };
    /* Delay 1 s: watermark 7000 ms (at g's first row) fires every session ending by 8 s,
     * before it is forwarded; they come ordered by end, start, key. */
    static const char *const want[] = {
        "WM 0",
        "WM 1000",
        "d,500,5500,5499,1",
        "f,0,6000,5999,2",
        "b,1000,6000,5999,1",
        "c,1000,6000,5999,1",
        "a,2000,7000,6999,1",
        "e,2000,7000,6999,1",
        "WM 7000",
        "WM 7001",
        "g,8000,13001,13000,2",
        "WM MAX",
    };
    wt_opts o = {.delay_ms = 1000, .record_wm = true, .batch_rows = 100};
    wt_result r;
    wt_run_agg(rows, WR_ARRAY_LEN(rows), count_config(session(5000)), &o, &r);
    assert_int_equal(r.rc, 0);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    wt_result_free(&r);
}

static void test_state_released(void **state)
{
    size_t n = 3000;
    wt_row *rows = wt_random_rows(n, 11, -10000, 400, 600, 2, false);
    wr_window_stats stats = {0};
    int64_t before = wr_mem_allocated();
    wr_window_agg_config *c = wt_std_config(session(1001), WT_KEYS_KN);
    c->stats = &stats;
    wt_opts o = {.delay_ms = 600, .batch_rows = 50, .wm_interval_us = 1000};
    wt_result r;
    wt_run_agg(rows, n, c, &o, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.late, 0);
    assert_int_equal(atomic_load(&stats.windows), 0);
    assert_int_equal(atomic_load(&stats.entries), 0);
    assert_int_equal(atomic_load(&stats.state_bytes), 0);
    assert_true(atomic_load(&stats.peak_entries) > 0);
    assert_int_equal(atomic_load(&stats.fired), r.n);
    wt_result_free(&r);
    assert_int_equal(wr_mem_allocated(), before);
    free(rows);
}

/* wt_run_agg through the SESSION vtable the planner uses, wrapped in the checkpoint
 * round-trip proxy. */
static void run_agg_roundtrip(const wt_row *rows, size_t n, wr_window_agg_config *cfg,
                              const wt_opts *o, wt_result *res)
{
    wr_schema *in = wt_input_schema();
    wr_schema *out = NULL;
    wr_error err;
    wr_error_clear(&err);
    if (wr_window_agg_schema(cfg, in, NULL, &out, &err)) fail_msg("schema: %s", err.msg);
    wr_schema_free(in);
    uint32_t keys[8];
    uint32_t nkeys = cfg->nkeys;
    assert_true(nkeys <= 8);
    memcpy(keys, cfg->keys, nkeys * sizeof(uint32_t));
    cp_cfg *pc = cp_cfg_new(&wr_session_window_agg_vt, cfg, wr_window_agg_config_free);
    wt_run(rows, n, &cp_vt, pc, cp_cfg_free, out, keys, nkeys, o, res);
}

/* Even timestamps, an odd gap and an even delay: no row can touch a session that has
 * already fired, so the result does not depend on arrival order and the oracle (sessions
 * of the sorted rows) is exact. */
static void check_random(int64_t gap_ms, wt_keys keys, uint64_t seed, bool in_order,
                         int64_t max_step)
{
    size_t n = 3000;
    int64_t delay = in_order ? 0 : 800;
    wt_row *rows = wt_random_rows(n, seed, -30000, max_step, delay, 2, in_order);
    size_t no;
    char **want = wt_oracle_session(rows, n, gap_ms, keys, &no);
    uint32_t pars[] = {1, 4, 1, 4}; /* the last two round-trip through checkpoints */
    for (size_t p = 0; p < 4; p++) {
        if (pars[p] > 1 && keys == WT_KEYS_NONE) continue;
        wt_opts o = {.delay_ms = delay,
                     .batch_rows = 64,
                     .par = pars[p],
                     .workers = 3,
                     .wm_interval_us = pars[p] > 1 ? 2000 : 0};
        wt_result r;
        if (p < 2)
            wt_run_agg(rows, n, wt_std_config(session(gap_ms), keys), &o, &r);
        else
            run_agg_roundtrip(rows, n, wt_std_config(session(gap_ms), keys), &o, &r);
        if (r.rc) fail_msg("%s", r.err);
        assert_int_equal(r.late, 0);
        char what[96];
        snprintf(what, sizeof(what), "SESSION gap %lld seed %llu par %u%s", (long long)gap_ms,
                 (unsigned long long)seed, pars[p], p < 2 ? "" : " checkpointed");
        char **w2 = malloc((no + 1) * sizeof(char *));
        for (size_t i = 0; i < no; i++)
            w2[i] = strdup(want[i]);
        wt_expect_same(r.lines, r.n, w2, no, pars[p] == 1, what);
        wt_free_lines(w2, no);
        wt_result_free(&r);
    }
    wt_free_lines(want, no);
    free(rows);
}

static void test_random_sessions(void **state)
{
    check_random(1001, WT_KEYS_KN, 21, false, 300);
    check_random(301, WT_KEYS_K, 22, false, 120);
    check_random(2001, WT_KEYS_K, 23, true, 900);
    check_random(99, WT_KEYS_NONE, 24, false, 60);
    check_random(5001, WT_KEYS_KN, 25, false, 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sessions_per_key),
        cmocka_unit_test(test_touching_sessions_merge),
        cmocka_unit_test(test_out_of_order_row_bridges_sessions),
        cmocka_unit_test(test_late_rows),
        cmocka_unit_test(test_fire_order_and_timing),
        cmocka_unit_test(test_state_released),
        cmocka_unit_test(test_random_sessions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
