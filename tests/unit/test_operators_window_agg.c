/* test_operators_window_agg.c - window aggregation over TUMBLE, HOP and CUMULATE run on the
 * real runtime: exact results for hand-computed inputs (offsets, negative timestamps,
 * several windows per row, cumulative windows, every aggregate kind, any output column
 * order), Flink's late-row rules per window kind, results emitted before the watermark that
 * fires them and only once it reaches window_end - 1 ms, state released after firing, the
 * same results at parallelism 1 and 4, and randomized inputs against an oracle. */
#include "test_operators_window_harness.h"

static wr_window_spec tumble(int64_t size_ms, int64_t offset_ms)
{
    return (wr_window_spec){
        .kind = WR_WINDOW_TUMBLE, .size_us = size_ms * WT_MS, .offset_us = offset_ms * WT_MS};
}

static wr_window_spec hop(int64_t slide_ms, int64_t size_ms, int64_t offset_ms)
{
    return (wr_window_spec){.kind = WR_WINDOW_HOP,
                            .size_us = size_ms * WT_MS,
                            .slide_us = slide_ms * WT_MS,
                            .offset_us = offset_ms * WT_MS};
}

static wr_window_spec cumulate(int64_t step_ms, int64_t size_ms, int64_t offset_ms)
{
    return (wr_window_spec){.kind = WR_WINDOW_CUMULATE,
                            .size_us = size_ms * WT_MS,
                            .slide_us = step_ms * WT_MS,
                            .offset_us = offset_ms * WT_MS};
}

/* SELECT k, window_start, window_end, window_time, COUNT(*) ... GROUP BY k, window */
static wr_window_agg_config *count_config(wr_window_spec w, wr_window_stats *stats)
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
    c->stats = stats;
    return c;
}

#define ROWS(...)   ((const wt_row[]){__VA_ARGS__})
#define NROWS(...)  (sizeof((const wt_row[]){__VA_ARGS__}) / sizeof(wt_row))
#define LINES(...)  ((const char *const[]){__VA_ARGS__})
#define NLINES(...) (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *))

static void run_count(wr_window_spec w, const wt_row *rows, size_t n, int64_t delay_ms,
                      wt_result *res)
{
    wt_opts o = {.delay_ms = delay_ms};
    wt_run_agg(rows, n, count_config(w, NULL), &o, res);
    if (res->rc) fail_msg("job failed: %s", res->err);
    assert_int_equal(res->non_insert, 0);
}

/* ------------------------------------------------------------------------------------------ */
static void test_tumble_offset_negative(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = -1000, .k = "a"}, {.ts_ms = -8000, .k = "b"}, {.ts_ms = 2999, .k = "a"},
        {.ts_ms = 3000, .k = "a"},  {.ts_ms = 12999, .k = "b"}, {.ts_ms = 13000, .k = "a"},
    };
    static const char *const want[] = {
        "b,-17000,-7000,-7001,1", "a,-7000,3000,2999,2",   "a,3000,13000,12999,1",
        "b,3000,13000,12999,1",   "a,13000,23000,22999,1",
    };
    /* Offsets 3 s and -7 s align a 10 s window the same way. */
    int64_t offsets[] = {3000, -7000, 13000};
    for (size_t i = 0; i < 3; i++) {
        wt_result r;
        run_count(tumble(10000, offsets[i]), rows, WR_ARRAY_LEN(rows), 60000, &r);
        wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
        assert_int_equal(r.late, 0);
        wt_result_free(&r);
    }
}

static void test_hop_multiple_windows(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "a"},
        {.ts_ms = 6000, .k = "a"},
        {.ts_ms = 12000, .k = "b"},
        {.ts_ms = 14999, .k = "a"},
    };
    static const char *const want[] = {
        "a,-10000,5000,4999,1",  "a,-5000,10000,9999,2",  "a,0,15000,14999,3",
        "b,0,15000,14999,1",     "a,5000,20000,19999,2",  "b,5000,20000,19999,1",
        "a,10000,25000,24999,1", "b,10000,25000,24999,1",
    };
    wt_result r;
    run_count(hop(5000, 15000, 0), rows, WR_ARRAY_LEN(rows), 60000, &r);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    wt_result_free(&r);
}

static void test_cumulate_windows(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 500, .k = "a"},  {.ts_ms = 2500, .k = "a"},  {.ts_ms = 3000, .k = "b"},
        {.ts_ms = 6100, .k = "a"}, {.ts_ms = 11999, .k = "b"},
    };
    /* [6000, 8000) and [6000, 10000) are empty for b: not emitted. */
    static const char *const want[] = {
        "a,0,2000,1999,1",     "a,0,4000,3999,2",      "b,0,4000,3999,1",
        "a,0,6000,5999,2",     "b,0,6000,5999,1",      "a,6000,8000,7999,1",
        "a,6000,10000,9999,1", "a,6000,12000,11999,1", "b,6000,12000,11999,1",
    };
    /* Once with every window fired at the end, once with a watermark that fires them as
     * rows arrive: the same rows. */
    int64_t delays[] = {60000, 0};
    for (size_t i = 0; i < 2; i++) {
        wt_result r;
        run_count(cumulate(2000, 6000, 0), rows, WR_ARRAY_LEN(rows), delays[i], &r);
        wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
        assert_int_equal(r.late, 0);
        wt_result_free(&r);
    }
}

static void test_empty_windows_not_emitted(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "a"}, {.ts_ms = 35000, .k = "a"}, {.ts_ms = 36000, .k = NULL}};
    static const char *const want[] = {"a,0,10000,9999,1", "null,30000,40000,39999,1",
                                       "a,30000,40000,39999,1"};
    wt_result r;
    run_count(tumble(10000, 0), rows, WR_ARRAY_LEN(rows), 0, &r);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    wt_result_free(&r);
    static const char *const want_hop[] = {
        "a,-10000,10000,9999,1", "a,0,20000,19999,1",        "null,20000,40000,39999,1",
        "a,20000,40000,39999,1", "null,30000,50000,49999,1", "a,30000,50000,49999,1",
    };
    run_count(hop(10000, 20000, 0), rows, WR_ARRAY_LEN(rows), 0, &r);
    wt_expect_lines(&r, want_hop, WR_ARRAY_LEN(want_hop));
    wt_result_free(&r);
}

/* ------------------------------------------------------------------------------------------
 * Lateness: Flink drops a row when the last window containing its slice has fired.
 * ---------------------------------------------------------------------------------------- */
static void test_late_tumble(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "a"},
        {.ts_ms = 12000, .k = "a"}, /* watermark 12 s: [0, 10 s) fires */
        {.ts_ms = 9000, .k = "a"},  /* its window fired: dropped */
        {.ts_ms = 11000, .k = "a"}, /* ts <= watermark, but [10 s, 20 s) is open: kept */
    };
    static const char *const want[] = {"a,0,10000,9999,1", "a,10000,20000,19999,2"};
    wt_result r;
    run_count(tumble(10000, 0), rows, WR_ARRAY_LEN(rows), 0, &r);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    assert_int_equal(r.late, 1);
    wt_result_free(&r);
}

static void test_late_hop(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "a"},
        {.ts_ms = 7000, .k = "b"},  /* fires [-5 s, 5 s) */
        {.ts_ms = 2000, .k = "a"},  /* slice [0, 5 s) fired, [0, 10 s) has not: kept */
        {.ts_ms = -1000, .k = "a"}, /* slice [-5 s, 0) is in no open window: dropped */
    };
    static const char *const want[] = {"a,-5000,5000,4999,1", "a,0,10000,9999,2",
                                       "b,0,10000,9999,1", "b,5000,15000,14999,1"};
    wt_result r;
    run_count(hop(5000, 10000, 0), rows, WR_ARRAY_LEN(rows), 0, &r);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    assert_int_equal(r.late, 1);
    wt_result_free(&r);
}

static void test_late_cumulate(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 500, .k = "a"},  {.ts_ms = 4500, .k = "b"}, /* fires [0, 2 s) and [0, 4 s) */
        {.ts_ms = 1000, .k = "a"}, /* late for both, [0, 6 s) still open: kept */
        {.ts_ms = 3000, .k = "c"}, /* same */
        {.ts_ms = -100, .k = "e"}, /* [-6 s, 0) has fired: dropped */
    };
    static const char *const want[] = {"a,0,2000,1999,1", "a,0,4000,3999,1", "a,0,6000,5999,2",
                                       "b,0,6000,5999,1", "c,0,6000,5999,1"};
    wt_result r;
    run_count(cumulate(2000, 6000, 0), rows, WR_ARRAY_LEN(rows), 0, &r);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    assert_int_equal(r.late, 1);
    wt_result_free(&r);
}

/* ------------------------------------------------------------------------------------------
 * When results appear
 * ---------------------------------------------------------------------------------------- */
static void test_fires_at_end_minus_1ms_before_watermark(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "a"}, {.ts_ms = 5000, .k = "a"},  {.ts_ms = 9998, .k = "b"},
        {.ts_ms = 9999, .k = "b"}, {.ts_ms = 15000, .k = "c"},
    };
    /* Watermark 9998 ms does not fire [0, 10 s); 9999 ms (= end - 1 ms) does, and the
     * results come before that watermark. */
    static const char *const want[] = {
        "WM 1000",          "WM 5000", "WM 9998",  "a,0,10000,9999,2",
        "b,0,10000,9999,2", "WM 9999", "WM 15000", "c,10000,20000,19999,1",
        "WM MAX",
    };
    wt_opts o = {.delay_ms = 0, .record_wm = true};
    wt_result r;
    wt_run_agg(rows, WR_ARRAY_LEN(rows), count_config(tumble(10000, 0), NULL), &o, &r);
    assert_int_equal(r.rc, 0);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    wt_result_free(&r);
}

static void test_end_of_input_fires_everything(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "a"},  {.ts_ms = 25000, .k = "b"}, {.ts_ms = 47000, .k = "a"},
        {.ts_ms = 48000, .k = "a"}, {.ts_ms = 99000, .k = "c"},
    };
    /* A 1-hour delay keeps every window open until the end of the input. */
    static const char *const want[] = {
        "WM -3599000",
        "WM -3575000",
        "WM -3553000",
        "WM -3552000",
        "WM -3501000",
        "a,0,10000,9999,1",
        "b,20000,30000,29999,1",
        "a,40000,50000,49999,2",
        "c,90000,100000,99999,1",
        "WM MAX",
    };
    wt_opts o = {.delay_ms = 3600000, .record_wm = true};
    wt_result r;
    wt_run_agg(rows, WR_ARRAY_LEN(rows), count_config(tumble(10000, 0), NULL), &o, &r);
    assert_int_equal(r.rc, 0);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    wt_result_free(&r);
}

/* ------------------------------------------------------------------------------------------
 * Aggregates and output mapping
 * ---------------------------------------------------------------------------------------- */
static void test_all_aggregates(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "a", .v = 4},  {.ts_ms = 2000, .k = "a", .v = 7},
        {.ts_ms = 3000, .k = "a", .v = 4},  {.ts_ms = 4000, .k = "a", .v_null = true},
        {.ts_ms = 5000, .k = "b", .v = -3}, {.ts_ms = 6000, .k = "b", .v_null = true},
        {.ts_ms = 6500, .k = "b", .v = -4}, {.ts_ms = 7000, .k = "c", .v_null = true},
        {.ts_ms = 12000, .k = "a", .v = 5},
    };
    /* k, start, end, time, COUNT(*), SUM, MIN, MAX, AVG, COUNT(DISTINCT), COUNT FILTER even */
    static const char *const want[] = {
        "a,0,10000,9999,4,15,4,7,5,2,2",
        "b,0,10000,9999,3,-7,-4,-3,-3,2,1",
        "c,0,10000,9999,1,null,null,null,null,0,0",
        "a,10000,20000,19999,1,5,5,5,5,1,0",
    };
    wt_opts o = {.delay_ms = 0};
    wt_result r;
    wt_run_agg(rows, WR_ARRAY_LEN(rows), wt_std_config(tumble(10000, 0), WT_KEYS_K), &o, &r);
    assert_int_equal(r.rc, 0);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    wt_result_free(&r);
    /* The oracle agrees. */
    size_t no;
    char **ol = wt_oracle_sliding(rows, WR_ARRAY_LEN(rows), tumble(10000, 0), WT_KEYS_K, &no);
    wt_expect_same(ol, no, (char **)want, WR_ARRAY_LEN(want), true, "oracle");
    wt_free_lines(ol, no);
}

static void test_output_mapping_and_string_aggs(void **state)
{
    /* SELECT MAX(k), window_end, n, MIN(k), window_start, COUNT(DISTINCT k), window_time,
     *        SUM(d), n ... GROUP BY n, window */
    wr_window_agg_config *c = wr_window_agg_config_new(1, 4, 9);
    c->rowtime_col = WT_TS;
    c->window = tumble(10000, 0);
    c->keys[0] = WT_N;
    wr_agg_kind kinds[4] = {WR_AGG_MIN, WR_AGG_MAX, WR_AGG_SUM, WR_AGG_COUNT_DISTINCT};
    int32_t args[4] = {WT_K, WT_K, WT_D, WT_K};
    for (int j = 0; j < 4; j++) {
        c->aggs[j].kind = kinds[j];
        c->aggs[j].arg = args[j];
        c->aggs[j].arg_type =
            args[j] == WT_D ? wr_type_make(WR_TYPE_DOUBLE) : wr_type_varchar(WR_MAX_LENGTH);
    }
    wr_window_col outs[9] = {
        {WR_WCOL_AGG, 1},         {WR_WCOL_WINDOW_END, 0},   {WR_WCOL_KEY, 0},
        {WR_WCOL_AGG, 0},         {WR_WCOL_WINDOW_START, 0}, {WR_WCOL_AGG, 3},
        {WR_WCOL_WINDOW_TIME, 0}, {WR_WCOL_AGG, 2},          {WR_WCOL_KEY, 0},
    };
    memcpy(c->outs, outs, sizeof(outs));
    wr_window_stats stats = {0};
    c->stats = &stats;
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "b", .n = 1, .v = 3},
        {.ts_ms = 2000, .k = "a", .n = 1, .v = 4},
        {.ts_ms = 3000, .k = "ccc", .n = 1, .v = 5},
        {.ts_ms = 4000, .k = NULL, .n = 1, .v = 1},
        {.ts_ms = 5000, .k = "zz", .n = 2, .v_null = true},
        {.ts_ms = 5500, .k = "a", .n = 1, .v = 0},
    };
    static const char *const want[] = {"ccc,10000,1,a,0,3,9999,6.5,1",
                                       "zz,10000,2,zz,0,1,9999,null,2"};
    wt_opts o = {.delay_ms = 0, .batch_rows = 2};
    wt_result r;
    wt_run_agg(rows, WR_ARRAY_LEN(rows), c, &o, &r);
    if (r.rc) fail_msg("%s", r.err);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    wt_result_free(&r);
    /* The string accumulators own memory; everything is released after firing. */
    assert_int_equal(atomic_load(&stats.entries), 0);
    assert_int_equal(atomic_load(&stats.state_bytes), 0);
    assert_int_equal(atomic_load(&stats.fired), 2);
}

/* ------------------------------------------------------------------------------------------
 * State is released after firing
 * ---------------------------------------------------------------------------------------- */
static void test_state_released_after_firing(void **state)
{
    wr_window_spec specs[] = {tumble(1000, 0), hop(500, 2000, 0), cumulate(250, 1000, 100)};
    for (size_t s = 0; s < WR_ARRAY_LEN(specs); s++) {
        size_t n = 2000;
        wt_row *rows = wt_random_rows(n, 7 + s, -5000, 20, 200, 1, false);
        wr_window_stats stats = {0};
        int64_t before = wr_mem_allocated();
        wr_window_agg_config *c = wt_std_config(specs[s], WT_KEYS_KN);
        c->stats = &stats;
        wt_opts o = {.delay_ms = 200, .batch_rows = 64, .wm_interval_us = 1000};
        wt_result r;
        wt_run_agg(rows, n, c, &o, &r);
        assert_int_equal(r.rc, 0);
        assert_int_equal(r.late, 0);
        assert_int_equal(atomic_load(&stats.windows), 0);
        assert_int_equal(atomic_load(&stats.entries), 0);
        assert_int_equal(atomic_load(&stats.state_bytes), 0);
        assert_true(atomic_load(&stats.peak_entries) > 0);
        assert_int_equal(atomic_load(&stats.fired), r.n);
        assert_int_equal(atomic_load(&stats.late_dropped), 0);
        wt_result_free(&r);
        /* and nothing leaked once the job is gone */
        assert_int_equal(wr_mem_allocated(), before);
        free(rows);
    }
}

/* A long in-order stream keeps only the open windows: the peak number of entries stays
 * near (keys x live slices), far below the number of (key, window) results. */
static void test_state_bounded_in_order(void **state)
{
    size_t n = 20000;
    wt_row *rows = wt_random_rows(n, 99, 0, 10, 0, 1, true);
    wr_window_stats stats = {0};
    wr_window_agg_config *c = wt_std_config(tumble(1000, 0), WT_KEYS_KN);
    c->stats = &stats;
    wt_opts o = {.delay_ms = 0, .batch_rows = 256};
    wt_result r;
    wt_run_agg(rows, n, c, &o, &r);
    assert_int_equal(r.rc, 0);
    assert_true(r.n > 1000);
    /* 9 keys x 3 n = 27 groups per window, at most 2 windows open at a time */
    assert_true(atomic_load(&stats.peak_entries) <= 2 * 27);
    assert_int_equal(atomic_load(&stats.entries), 0);
    wt_result_free(&r);
    free(rows);
}

/* ------------------------------------------------------------------------------------------
 * Randomized: against the oracle, at parallelism 1 (exact order) and 4 (same multiset)
 * ---------------------------------------------------------------------------------------- */
static void check_random(wr_window_spec w, wt_keys keys, uint64_t seed, bool in_order)
{
    size_t n = 3000;
    int64_t delay = in_order ? 0 : 700;
    wt_row *rows = wt_random_rows(n, seed, -20000, 37, delay, 1, in_order);
    size_t no;
    char **want = wt_oracle_sliding(rows, n, w, keys, &no);
    assert_true(no > 0);
    uint32_t pars[] = {1, 4};
    for (size_t p = 0; p < 2; p++) {
        if (pars[p] > 1 && keys == WT_KEYS_NONE) continue;
        /* parallelism 4: watermarks every 2 ms of wall time, so batches stay large (the
         * results do not depend on when watermarks come: every row is on time) */
        wt_opts o = {.delay_ms = delay,
                     .batch_rows = 100,
                     .par = pars[p],
                     .workers = 3,
                     .wm_interval_us = pars[p] > 1 ? 2000 : 0};
        wt_result r;
        wt_run_agg(rows, n, wt_std_config(w, keys), &o, &r);
        if (r.rc) fail_msg("%s", r.err);
        assert_int_equal(r.late, 0);
        char what[96];
        snprintf(what, sizeof(what), "%s seed %llu par %u", wr_window_kind_name(w.kind),
                 (unsigned long long)seed, pars[p]);
        char **w2 = malloc(no * sizeof(char *));
        for (size_t i = 0; i < no; i++)
            w2[i] = strdup(want[i]);
        wt_expect_same(r.lines, r.n, w2, no, pars[p] == 1, what);
        wt_free_lines(w2, no);
        wt_result_free(&r);
    }
    wt_free_lines(want, no);
    free(rows);
}

static void test_random_tumble(void **state)
{
    check_random(tumble(1000, 0), WT_KEYS_KN, 1, true);
    check_random(tumble(1500, -400), WT_KEYS_K, 2, false);
    check_random(tumble(700, 0), WT_KEYS_NONE, 3, false);
}

static void test_random_hop(void **state)
{
    check_random(hop(500, 2000, 0), WT_KEYS_KN, 4, true);
    check_random(hop(300, 900, 77), WT_KEYS_K, 5, false);
    check_random(hop(1000, 1000, 0), WT_KEYS_KN, 6, false);
}

static void test_random_cumulate(void **state)
{
    check_random(cumulate(250, 1000, 0), WT_KEYS_KN, 7, true);
    check_random(cumulate(400, 2000, -150), WT_KEYS_K, 8, false);
    check_random(cumulate(500, 500, 0), WT_KEYS_NONE, 9, false);
}

/* ------------------------------------------------------------------------------------------
 * Errors
 * ---------------------------------------------------------------------------------------- */
static void test_rejects_changelog_input(void **state)
{
    static const wt_row rows[] = {{.ts_ms = 1000, .k = "a"},
                                  {.ts_ms = 2000, .k = "a", .kind = WR_RK_DELETE}};
    wt_opts o = {.delay_ms = 0};
    wt_result r;
    wt_run_agg(rows, 2, count_config(tumble(10000, 0), NULL), &o, &r);
    assert_int_not_equal(r.rc, 0);
    assert_non_null(strstr(r.err, "does not support consuming update and delete changes"));
    wt_result_free(&r);
}

static void test_rejects_null_rowtime(void **state)
{
    static const wt_row rows[] = {{.ts_ms = 1000, .k = "a"}, {.ts_ms = WT_NULL_TS, .k = "a"}};
    wt_opts o = {.delay_ms = 0};
    wt_result r;
    wt_run_agg(rows, 2, count_config(tumble(10000, 0), NULL), &o, &r);
    assert_int_not_equal(r.rc, 0);
    assert_non_null(strstr(r.err, "RowTime field should not be null"));
    wt_result_free(&r);
}

static void test_config_errors(void **state)
{
    wr_error err;
    wr_window_spec h = hop(3000, 10000, 0);
    assert_int_equal(wr_window_spec_check(&h, &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "integral multiple of slide"));
    wr_window_spec c = cumulate(3000, 10000, 0);
    assert_int_equal(wr_window_spec_check(&c, &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "integral multiple of step"));
    wr_window_spec t = tumble(0, 0);
    assert_int_equal(wr_window_spec_check(&t, &err), WR_ECONFIG);
    wr_window_spec s = {.kind = WR_WINDOW_SESSION, .gap_us = -1};
    assert_int_equal(wr_window_spec_check(&s, &err), WR_ECONFIG);

    wr_schema *in = wt_input_schema();
    wr_window_agg_config *cfg = count_config(tumble(10000, 0), NULL);
    assert_int_equal(wr_window_agg_check(cfg, in, &err), WR_OK);
    cfg->rowtime_col = WT_N; /* BIGINT: not a time column */
    assert_int_equal(wr_window_agg_check(cfg, in, &err), WR_ETYPE);
    cfg->rowtime_col = WT_TS;
    cfg->outs[4].index = 3; /* no aggregate 3 */
    assert_int_equal(wr_window_agg_check(cfg, in, &err), WR_ECONFIG);
    cfg->outs[4].index = 0;
    cfg->window = h;
    assert_int_equal(wr_window_agg_check(cfg, in, &err), WR_ECONFIG);
    wr_window_agg_config_free(cfg);

    /* Output schema: keys keep their type, window columns are TIMESTAMP(3) NOT NULL and
     * window_time is the rowtime. */
    cfg = count_config(tumble(10000, 0), NULL);
    wr_schema *out = NULL;
    assert_int_equal(wr_window_agg_schema(cfg, in, NULL, &out, &err), WR_OK);
    assert_int_equal(out->ncols, 5);
    assert_string_equal(out->cols[0].name, "k");
    assert_string_equal(out->cols[1].name, "window_start");
    assert_string_equal(out->cols[3].name, "window_time");
    assert_int_equal(out->cols[1].type.id, WR_TYPE_TIMESTAMP);
    assert_int_equal(out->cols[1].type.precision, 3);
    assert_false(out->cols[2].type.nullable);
    assert_int_equal(out->cols[1].type.time_attr, WR_TIME_ATTR_NONE);
    assert_int_equal(out->cols[3].type.time_attr, WR_TIME_ATTR_ROWTIME);
    assert_int_equal(out->cols[4].type.id, WR_TYPE_BIGINT);
    wr_schema_free(out);
    wr_window_agg_config_free(cfg);

    uint32_t part[] = {WT_K}, keys_ok[] = {WT_K}, keys_bad[] = {WT_K, WT_N};
    assert_int_equal(wr_window_session_keys_check(part, 1, keys_ok, 1, in, &err), WR_OK);
    assert_int_equal(wr_window_session_keys_check(part, 1, keys_bad, 2, in, &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "Session partition keys are [k]"));
    wr_schema_free(in);
}

/* ------------------------------------------------------------------------------------------
 * Allocation failures: the k-th allocation of a run fails. The job either fails with an
 * error or (when the failure hit nothing that mattered) produces exactly the right result;
 * it never crashes and never leaks.
 * ---------------------------------------------------------------------------------------- */
static void test_allocation_failures(void **state)
{
    size_t n = 120;
    wt_row *rows = wt_random_rows(n, 5, -3000, 150, 400, 2, false);
    wr_window_spec specs[] = {
        tumble(1000, 0),
        hop(500, 1500, 0),
        cumulate(400, 1200, 0),
        {.kind = WR_WINDOW_SESSION, .gap_us = 301 * WT_MS},
    };
    for (size_t s = 0; s < WR_ARRAY_LEN(specs); s++) {
        wt_opts o = {.delay_ms = 400, .batch_rows = 16};
        wt_result ref;
        wt_run_agg(rows, n, wt_std_config(specs[s], WT_KEYS_KN), &o, &ref);
        assert_int_equal(ref.rc, 0);
        uint32_t failed = 0;
        for (int64_t k = 1; k < 700; k += 2) {
            int64_t before = wr_mem_allocated();
            wr_window_agg_config *c = wt_std_config(specs[s], WT_KEYS_KN);
            o.fail_after = k;
            wt_result r;
            wt_run_agg(rows, n, c, &o, &r);
            if (r.rc == 0) {
                char what[64];
                snprintf(what, sizeof(what), "%s, allocation %lld failed",
                         wr_window_kind_name(specs[s].kind), (long long)k);
                wt_expect_same(r.lines, r.n, ref.lines, ref.n, true, what);
            } else {
                failed++;
            }
            wt_result_free(&r);
            if (wr_mem_allocated() != before)
                fail_msg("%s: %lld bytes leaked after allocation %lld failed",
                         wr_window_kind_name(specs[s].kind),
                         (long long)(wr_mem_allocated() - before), (long long)k);
        }
        assert_true(failed > 10);
        wt_result_free(&ref);
    }
    free(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tumble_offset_negative),
        cmocka_unit_test(test_hop_multiple_windows),
        cmocka_unit_test(test_cumulate_windows),
        cmocka_unit_test(test_empty_windows_not_emitted),
        cmocka_unit_test(test_late_tumble),
        cmocka_unit_test(test_late_hop),
        cmocka_unit_test(test_late_cumulate),
        cmocka_unit_test(test_fires_at_end_minus_1ms_before_watermark),
        cmocka_unit_test(test_end_of_input_fires_everything),
        cmocka_unit_test(test_all_aggregates),
        cmocka_unit_test(test_output_mapping_and_string_aggs),
        cmocka_unit_test(test_state_released_after_firing),
        cmocka_unit_test(test_state_bounded_in_order),
        cmocka_unit_test(test_random_tumble),
        cmocka_unit_test(test_random_hop),
        cmocka_unit_test(test_random_cumulate),
        cmocka_unit_test(test_rejects_changelog_input),
        cmocka_unit_test(test_rejects_null_rowtime),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
