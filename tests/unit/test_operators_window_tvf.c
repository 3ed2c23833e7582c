/* test_operators_window_tvf.c - window assignment arithmetic (negative timestamps, offsets,
 * HOP and CUMULATE window lists) and the stand-alone window TVF operator on the real runtime:
 * appended window columns, one row per window, row kinds kept, NULL rowtimes dropped, large
 * fan-out split over several batches, and SESSION rejected without an aggregation. */
#include "test_operators_window_harness.h"

static void test_window_start(void **state)
{
    assert_int_equal(wr_window_start(0, 10, 0), 0);
    assert_int_equal(wr_window_start(9, 10, 0), 0);
    assert_int_equal(wr_window_start(10, 10, 0), 10);
    assert_int_equal(wr_window_start(-1, 10, 0), -10);
    assert_int_equal(wr_window_start(-10, 10, 0), -10);
    assert_int_equal(wr_window_start(-11, 10, 0), -20);
    assert_int_equal(wr_window_start(9, 10, 3), 3);
    assert_int_equal(wr_window_start(2, 10, 3), -7);
    assert_int_equal(wr_window_start(-8, 10, 3), -17);
    assert_int_equal(wr_window_start(2, 10, -7), -7); /* -7 = 3 mod 10 */
    assert_int_equal(wr_window_start(2, 10, 13), -7);
}

static void test_window_assign(void **state)
{
    int64_t s[8], e[8];
    wr_window_spec t = {.kind = WR_WINDOW_TUMBLE, .size_us = 10, .offset_us = 3};
    assert_int_equal(wr_window_max_per_row(&t), 1);
    assert_int_equal(wr_window_assign(&t, -8, s, e, 8), 1);
    assert_int_equal(s[0], -17);
    assert_int_equal(e[0], -7);

    wr_window_spec h = {.kind = WR_WINDOW_HOP, .size_us = 15, .slide_us = 5};
    assert_int_equal(wr_window_max_per_row(&h), 3);
    assert_int_equal(wr_window_assign(&h, 1, s, e, 8), 3);
    int64_t hs[] = {0, -5, -10};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(s[i], hs[i]);
        assert_int_equal(e[i], hs[i] + 15);
    }
    assert_int_equal(wr_window_assign(&h, -5, s, e, 8), 3);
    assert_int_equal(s[0], -5);
    assert_int_equal(s[2], -15);

    wr_window_spec c = {.kind = WR_WINDOW_CUMULATE, .size_us = 6, .slide_us = 2};
    assert_int_equal(wr_window_max_per_row(&c), 3);
    assert_int_equal(wr_window_assign(&c, 3, s, e, 8), 2);
    assert_int_equal(s[0], 0);
    assert_int_equal(e[0], 4);
    assert_int_equal(s[1], 0);
    assert_int_equal(e[1], 6);
    assert_int_equal(wr_window_assign(&c, -1, s, e, 8), 1);
    assert_int_equal(s[0], -6);
    assert_int_equal(e[0], 0);
    assert_int_equal(wr_window_assign(&c, 6, s, e, 8), 3);
    assert_int_equal(e[0], 8);

    wr_window_spec g = {.kind = WR_WINDOW_SESSION, .gap_us = 7};
    assert_int_equal(wr_window_assign(&g, 5, s, e, 8), 1);
    assert_int_equal(s[0], 5);
    assert_int_equal(e[0], 12);
}

static void run_tvf_opts(wr_window_spec w, const wt_row *rows, size_t n, const wt_opts *o,
                         wt_result *r)
{
    wr_window_tvf_config *c = malloc(sizeof(*c));
    assert_non_null(c);
    c->rowtime_col = WT_TS;
    c->window = w;
    wr_schema *in = wt_input_schema();
    wr_schema *out = NULL;
    wr_error err;
    if (wr_window_tvf_schema(c, in, &out, &err)) fail_msg("%s", err.msg);
    wr_schema_free(in);
    wt_run(rows, n, &wr_window_tvf_vt, c, free, out, NULL, 0, o, r);
}

static void run_tvf(wr_window_spec w, const wt_row *rows, size_t n, wt_result *r)
{
    wt_opts o = {.delay_ms = 0, .batch_rows = 5};
    run_tvf_opts(w, rows, n, &o, r);
}

static void test_tvf_hop(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = 1000, .k = "a", .n = 1, .v = 2},
        {.ts_ms = WT_NULL_TS, .k = "x", .n = 9, .v = 9}, /* NULL rowtime: dropped */
        {.ts_ms = 7000, .k = "b", .n = 2, .v_null = true},
        {.ts_ms = 7500, .k = "c", .n = 3, .v = 1, .kind = WR_RK_DELETE},
    };
    /* ts, k, n, v, d, f, window_start, window_end, window_time */
    static const char *const want[] = {
        "1000,a,1,2,1,true,0,10000,9999",           "1000,a,1,2,1,true,-5000,5000,4999",
        "7000,b,2,null,null,null,5000,15000,14999", "7000,b,2,null,null,null,0,10000,9999",
        "7500,c,3,1,0.5,false,5000,15000,14999",    "7500,c,3,1,0.5,false,0,10000,9999",
    };
    wt_result r;
    run_tvf((wr_window_spec){.kind = WR_WINDOW_HOP, .size_us = 10 * WT_SEC, .slide_us = 5 * WT_SEC},
            rows, WR_ARRAY_LEN(rows), &r);
    if (r.rc) fail_msg("%s", r.err);
    wt_expect_lines(&r, want, WR_ARRAY_LEN(want));
    assert_int_equal(r.non_insert, 2); /* the -D row's kind is kept on both copies */
    assert_int_equal(r.late, 0);
    wt_result_free(&r);
}

static void test_tvf_tumble_cumulate(void **state)
{
    static const wt_row rows[] = {
        {.ts_ms = -1, .k = "a", .n = 1, .v = 2},
        {.ts_ms = 2500, .k = "b", .n = 2, .v = 4},
    };
    static const char *const want_t[] = {
        "-1,a,1,2,1,true,-7000,3000,2999",
        "2500,b,2,4,2,true,-7000,3000,2999",
    };
    wt_result r;
    run_tvf(
        (wr_window_spec){.kind = WR_WINDOW_TUMBLE, .size_us = 10 * WT_SEC, .offset_us = 3 * WT_SEC},
        rows, WR_ARRAY_LEN(rows), &r);
    assert_int_equal(r.rc, 0);
    wt_expect_lines(&r, want_t, WR_ARRAY_LEN(want_t));
    wt_result_free(&r);
    static const char *const want_c[] = {
        "-1,a,1,2,1,true,-6000,0,-1",
        "2500,b,2,4,2,true,0,4000,3999",
        "2500,b,2,4,2,true,0,6000,5999",
    };
    run_tvf(
        (wr_window_spec){.kind = WR_WINDOW_CUMULATE, .size_us = 6 * WT_SEC, .slide_us = 2 * WT_SEC},
        rows, WR_ARRAY_LEN(rows), &r);
    assert_int_equal(r.rc, 0);
    wt_expect_lines(&r, want_c, WR_ARRAY_LEN(want_c));
    wt_result_free(&r);
}

/* 300 rows x 40 windows each = 12000 output rows, many result batches per input batch. */
static void test_tvf_large_fanout(void **state)
{
    size_t n = 300;
    wt_row *rows = calloc(n, sizeof(*rows));
    for (size_t i = 0; i < n; i++) {
        rows[i].ts_ms = (int64_t)i * 37 - 5000;
        rows[i].k = wt_keyset[i % 8];
        rows[i].n = (int64_t)i;
        rows[i].v = (int64_t)i;
    }
    /* Watermarks at most every 10 s of wall time, so the source batches stay whole. */
    wt_opts o = {.delay_ms = 0, .batch_rows = 100, .wm_interval_us = 10 * WT_SEC};
    wt_result r;
    run_tvf_opts(
        (wr_window_spec){.kind = WR_WINDOW_HOP, .size_us = 4 * WT_SEC, .slide_us = 100 * WT_MS},
        rows, n, &o, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, n * 40);
    for (size_t i = 0; i < n; i++) {
        int64_t ts = rows[i].ts_ms;
        int64_t s0 = ts - (((ts % 100) + 100) % 100); /* latest start first */
        for (size_t j = 0; j < 40; j++) {
            int64_t s = s0 - (int64_t)j * 100;
            char want[160];
            snprintf(want, sizeof(want), "%lld,%s,%zu,%zu,%g,%s,%lld,%lld,%lld", (long long)ts,
                     rows[i].k, i, i, (double)i / 2.0, i % 2 == 0 ? "true" : "false", (long long)s,
                     (long long)(s + 4000), (long long)(s + 3999));
            assert_string_equal(r.lines[i * 40 + j], want);
        }
    }
    wt_result_free(&r);
    free(rows);
}

static void test_tvf_session_rejected(void **state)
{
    wr_window_tvf_config c = {.rowtime_col = WT_TS,
                              .window = {.kind = WR_WINDOW_SESSION, .gap_us = WT_SEC}};
    wr_schema *in = wt_input_schema();
    wr_schema *out = NULL;
    wr_error err;
    assert_int_equal(wr_window_tvf_check(&c, in, &err), WR_EUNSUPPORTED);
    assert_string_equal(err.msg, "SESSION window TVF must be followed by an aggregation");
    assert_int_equal(wr_window_tvf_schema(&c, in, &out, &err), WR_EUNSUPPORTED);
    assert_null(out);

    /* Opening the operator with such a config fails the job with the same message. */
    wr_window_tvf_config ok = {.rowtime_col = WT_TS,
                               .window = {.kind = WR_WINDOW_TUMBLE, .size_us = WT_SEC}};
    assert_int_equal(wr_window_tvf_schema(&ok, in, &out, &err), WR_OK);
    assert_int_equal(out->ncols, WT_NCOLS + 3);
    assert_int_equal(out->cols[WT_TS].type.time_attr, WR_TIME_ATTR_NONE);
    assert_int_equal(out->cols[WT_NCOLS + 2].type.time_attr, WR_TIME_ATTR_ROWTIME);
    wr_window_tvf_config *bad = malloc(sizeof(*bad));
    *bad = c;
    static const wt_row rows[] = {{.ts_ms = 1, .k = "a"}};
    wt_opts o = {.delay_ms = 0};
    wt_result r;
    wt_run(rows, 1, &wr_window_tvf_vt, bad, free, out, NULL, 0, &o, &r);
    assert_int_not_equal(r.rc, 0);
    assert_non_null(strstr(r.err, "SESSION window TVF must be followed by an aggregation"));
    wt_result_free(&r);
    wr_schema_free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_start),     cmocka_unit_test(test_window_assign),
        cmocka_unit_test(test_tvf_hop),          cmocka_unit_test(test_tvf_tumble_cumulate),
        cmocka_unit_test(test_tvf_large_fanout), cmocka_unit_test(test_tvf_session_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
