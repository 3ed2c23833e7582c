/* test_expr_time.c - temporal functions: interval arithmetic, EXTRACT and the field
 * functions (including before 1970), FLOOR/CEIL to units, DATE_FORMAT with Java pattern
 * letters, TO_TIMESTAMP/TO_DATE/UNIX_TIMESTAMP parsing, FROM_UNIXTIME, TO_TIMESTAMP_LTZ,
 * TIMESTAMPADD/TIMESTAMPDIFF with month clamping, and the wall-clock functions. */
#include "test_expr_util.h"

#define US  1000000LL
#define DAY (86400 * US)

/* 2024-02-29 13:45:56.789123 */
static const int64_t TS = 1709214356789123LL;

static wr_expr *ts_lit(tx *t, int64_t us, int p)
{
    return lit_typed(t, wr_type_timestamp(p), (wr_value){.i = us});
}
static wr_expr *date_lit(tx *t, int64_t days)
{
    return lit_typed(t, T(WR_TYPE_DATE), (wr_value){.i = days});
}
static wr_expr *dt_lit(tx *t, int64_t us)
{
    return lit_typed(t, T(WR_TYPE_INTERVAL_DT), (wr_value){.i = us});
}
static wr_expr *ym_lit(tx *t, int64_t months)
{
    return lit_typed(t, T(WR_TYPE_INTERVAL_YM), (wr_value){.i = months});
}

static void test_extract(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[2] = {wr_type_timestamp(6), T(WR_TYPE_DATE)};
    tx_init(t, 2, ty, 3);
    set_i(t, 0, 0, TS), set_i(t, 1, 0, TS / DAY);
    set_i(t, 0, 1, -500000), set_i(t, 1, 1, -1); /* 1969-12-31 23:59:59.5 */
    set_null(t, 0, 2), set_null(t, 1, 2);
    struct {
        const char *unit;
        int64_t want0, want1;
    } cases[] = {
        {"YEAR", 2024, 1969},
        {"QUARTER", 1, 4},
        {"MONTH", 2, 12},
        {"WEEK", 9, 1},
        {"DAY", 29, 31},
        {"DAYOFWEEK", 5, 4},
        {"DAYOFYEAR", 60, 365},
        {"HOUR", 13, 23},
        {"MINUTE", 45, 59},
        {"SECOND", 56, 59},
        {"MILLISECOND", 56789, 59500},
        {"MICROSECOND", 56789123, 59500000},
        {"EPOCH", 1709214356, -1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        wr_vec *v = eval_e(t, CALL(t, "EXTRACT", lit_s(t, cases[k].unit), col(t, 0)));
        expect_i(v, 0, cases[k].want0);
        expect_i(v, 1, cases[k].want1);
        expect_null(v, 2);
    }
    wr_vec *v = eval_e(t, CALL(t, "EXTRACT", lit_s(t, "day"), col(t, 1)));
    expect_i(v, 0, 29), expect_i(v, 1, 31), expect_null(v, 2);
    v = eval_e(t, CALL(t, "EXTRACT", lit_s(t, "EPOCH"), col(t, 1)));
    expect_i(v, 0, 1709164800), expect_i(v, 1, -86400);
    v = eval_e(t, CALL(t, "YEAR", col(t, 1)));
    expect_i(v, 0, 2024), expect_i(v, 1, 1969);
    v = eval_e(t, CALL(t, "MONTH", col(t, 0)));
    expect_i(v, 0, 2);
    v = eval_e(t, CALL(t, "DAYOFMONTH", col(t, 0)));
    expect_i(v, 0, 29);
    v = eval_e(t, CALL(t, "HOUR", col(t, 0)));
    expect_i(v, 0, 13), expect_i(v, 1, 23);
    v = eval_e(t, CALL(t, "MINUTE", col(t, 0)));
    expect_i(v, 0, 45);
    v = eval_e(t, CALL(t, "SECOND", col(t, 0)));
    expect_i(v, 0, 56);
    v = eval_e(t, CALL(t, "EXTRACT_QUARTER", col(t, 0)));
    expect_i(v, 0, 1);
    expect_type(CALL(t, "YEAR", col(t, 0)), "BIGINT");
    call_fails(t, "EXTRACT", (wr_expr *[]){lit_s(t, "HOUR"), col(t, 1)}, 2,
               "cannot extract HOUR from DATE");
    call_fails(t, "EXTRACT", (wr_expr *[]){lit_s(t, "FORTNIGHT"), col(t, 0)}, 2,
               "unknown time unit 'FORTNIGHT'");
    tx_free(t);
}

static void test_floor_ceil(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {wr_type_timestamp(6)};
    tx_init(t, 1, ty, 2);
    set_i(t, 0, 0, TS);
    set_i(t, 0, 1, 1709164800LL * US); /* 2024-02-29 00:00:00 */
    struct {
        const char *unit, *floor0, *ceil0, *ceil1;
    } cases[] = {
        {"SECOND", "2024-02-29 13:45:56.000000", "2024-02-29 13:45:57.000000",
         "2024-02-29 00:00:00.000000"},
        {"MINUTE", "2024-02-29 13:45:00.000000", "2024-02-29 13:46:00.000000",
         "2024-02-29 00:00:00.000000"},
        {"HOUR", "2024-02-29 13:00:00.000000", "2024-02-29 14:00:00.000000",
         "2024-02-29 00:00:00.000000"},
        {"DAY", "2024-02-29 00:00:00.000000", "2024-03-01 00:00:00.000000",
         "2024-02-29 00:00:00.000000"},
        {"WEEK", "2024-02-25 00:00:00.000000", "2024-03-03 00:00:00.000000",
         "2024-03-03 00:00:00.000000"},
        {"MONTH", "2024-02-01 00:00:00.000000", "2024-03-01 00:00:00.000000",
         "2024-03-01 00:00:00.000000"},
        {"QUARTER", "2024-01-01 00:00:00.000000", "2024-04-01 00:00:00.000000",
         "2024-04-01 00:00:00.000000"},
        {"YEAR", "2024-01-01 00:00:00.000000", "2025-01-01 00:00:00.000000",
         "2025-01-01 00:00:00.000000"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        wr_vec *f = eval_e(t, CALL(t, "FLOOR_TIME", lit_s(t, cases[k].unit), col(t, 0)));
        wr_vec *c = eval_e(t, CALL(t, "CEIL_TIME", lit_s(t, cases[k].unit), col(t, 0)));
        expect_text(f, 0, cases[k].floor0);
        expect_text(c, 0, cases[k].ceil0);
        expect_text(c, 1, cases[k].ceil1);
    }
    wr_vec *d = eval_e(t, CALL(t, "FLOOR_TIME", lit_s(t, "MONTH"), date_lit(t, TS / DAY)));
    expect_text(d, 0, "2024-02-01");
    d = eval_e(t, CALL(t, "CEIL_TIME", lit_s(t, "YEAR"), date_lit(t, TS / DAY)));
    expect_text(d, 0, "2025-01-01");
    tx_free(t);
}

static void test_date_format(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[2] = {wr_type_timestamp(6), STR()};
    tx_init(t, 2, ty, 2);
    set_i(t, 0, 0, TS), set_s(t, 1, 0, "yyyy");
    set_null(t, 0, 1), set_s(t, 1, 1, "MM");
    struct {
        const char *fmt, *want;
    } cases[] = {
        {"yyyy-MM-dd HH:mm:ss", "2024-02-29 13:45:56"},
        {"yyyy-MM-dd'T'HH:mm:ss.SSS", "2024-02-29T13:45:56.789"},
        {"EEE, d MMM yyyy hh:mm a", "Thu, 29 Feb 2024 01:45 PM"},
        {"EEEE MMMM yy", "Thursday February 24"},
        {"'at' H 'o''clock'", "at 13 o'clock"},
        {"SSSSSS D", "789123 60"},
        {"yyyyMMdd", "20240229"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        wr_vec *v = eval_e(t, CALL(t, "DATE_FORMAT", col(t, 0), lit_s(t, cases[k].fmt)));
        expect_s(v, 0, cases[k].want);
        expect_null(v, 1);
    }
    /* non-constant patterns, and a string input */
    wr_vec *v = eval_e(t, CALL(t, "DATE_FORMAT", col(t, 0), col(t, 1)));
    expect_s(v, 0, "2024"), expect_null(v, 1);
    v = eval_e(t, CALL(t, "DATE_FORMAT", lit_s(t, "2024-02-29 13:45:56"), lit_s(t, "dd/MM/yy")));
    expect_s(v, 0, "29/02/24");
    v = eval_e(t, CALL(t, "DATE_FORMAT", lit_s(t, "garbage"), lit_s(t, "dd/MM/yy")));
    expect_null(v, 0);
    tx_free(t);
}

static void test_parse(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {STR()};
    tx_init(t, 1, ty, 4);
    set_s(t, 0, 0, "2024-02-29 13:45:56");
    set_s(t, 0, 1, "2024-02-30 00:00:00");
    set_s(t, 0, 2, "bad");
    set_null(t, 0, 3);
    wr_expr *e = CALL(t, "TO_TIMESTAMP", col(t, 0));
    expect_type(e, "TIMESTAMP(3)");
    wr_vec *v = eval_e(t, e);
    expect_i(v, 0, 1709214356000000LL), expect_null(v, 1), expect_null(v, 2), expect_null(v, 3);
    v = eval_e(t, CALL(t, "UNIX_TIMESTAMP", col(t, 0)));
    expect_i(v, 0, 1709214356), expect_i(v, 2, INT64_MIN), expect_null(v, 3);
    v = eval_e(t,
               CALL(t, "TO_TIMESTAMP", lit_s(t, "29/02/2024 13:45"), lit_s(t, "dd/MM/yyyy HH:mm")));
    expect_text(v, 0, "2024-02-29 13:45:00.000");
    v = eval_e(t, CALL(t, "TO_TIMESTAMP", lit_s(t, "2024-02-29 13:45:56.123"),
                       lit_s(t, "yyyy-MM-dd HH:mm:ss.SSS")));
    expect_i(v, 0, 1709214356123000LL);
    v = eval_e(t, CALL(t, "TO_TIMESTAMP", lit_s(t, "Feb 29, 2024 1:45 PM"),
                       lit_s(t, "MMM d, yyyy h:mm a")));
    expect_text(v, 0, "2024-02-29 13:45:00.000");
    v = eval_e(t, CALL(t, "TO_TIMESTAMP", lit_s(t, "2024-02-29 extra"), lit_s(t, "yyyy-MM-dd")));
    expect_null(v, 0);
    v = eval_e(t, CALL(t, "TO_DATE", lit_s(t, "2024-02-29")));
    expect_text(v, 0, "2024-02-29");
    v = eval_e(t, CALL(t, "TO_DATE", lit_s(t, "20240229"), lit_s(t, "yyyyMMdd")));
    expect_text(v, 0, "2024-02-29");
    v = eval_e(t, CALL(t, "TO_DATE", lit_s(t, "2023-02-29")));
    expect_null(v, 0);
    v = eval_e(t, CALL(t, "UNIX_TIMESTAMP", lit_s(t, "29.02.2024"), lit_s(t, "dd.MM.yyyy")));
    expect_i(v, 0, 1709164800);
    v = eval_e(t, CALL(t, "FROM_UNIXTIME", lit_l(t, 1709214356)));
    expect_s(v, 0, "2024-02-29 13:45:56");
    v = eval_e(t, CALL(t, "FROM_UNIXTIME", lit_i(t, 0), lit_s(t, "yyyy/MM")));
    expect_s(v, 0, "1970/01");
    e = CALL(t, "TO_TIMESTAMP_LTZ", lit_l(t, 1709214356), lit_i(t, 0));
    expect_type(e, "TIMESTAMP_LTZ(3) NOT NULL");
    v = eval_e(t, e);
    expect_i(v, 0, 1709214356000000LL);
    v = eval_e(t, CALL(t, "TO_TIMESTAMP_LTZ", lit_l(t, 1709214356789LL), lit_i(t, 3)));
    expect_i(v, 0, 1709214356789000LL);
    v = eval_e(t, CALL(t, "TO_TIMESTAMP_LTZ", lit_d(t, 1.5), lit_i(t, 0)));
    expect_i(v, 0, 1500000);
    call_fails(t, "TO_TIMESTAMP_LTZ", (wr_expr *[]){lit_i(t, 1), lit_i(t, 6)}, 2, "0 or 3");
    tx_free(t);
}

static void test_arith_add_diff(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {wr_type_timestamp(3)};
    tx_init(t, 1, ty, 1);
    /* 2024-01-31 10:00:00 */
    int64_t jan31 = 1706695200LL * US;
    set_i(t, 0, 0, jan31);
    wr_vec *v = eval_e(t, CALL(t, "+", col(t, 0), dt_lit(t, DAY + 2 * 3600 * US)));
    expect_text(v, 0, "2024-02-01 12:00:00.000");
    v = eval_e(t, CALL(t, "+", dt_lit(t, 3600 * US), col(t, 0)));
    expect_text(v, 0, "2024-01-31 11:00:00.000");
    v = eval_e(t, CALL(t, "-", col(t, 0), dt_lit(t, 11 * 3600 * US)));
    expect_text(v, 0, "2024-01-30 23:00:00.000");
    v = eval_e(t, CALL(t, "+", col(t, 0), ym_lit(t, 1)));
    expect_text(v, 0, "2024-02-29 10:00:00.000");
    v = eval_e(t, CALL(t, "-", col(t, 0), ym_lit(t, 13)));
    expect_text(v, 0, "2022-12-31 10:00:00.000");
    v = eval_e(t, CALL(t, "+", date_lit(t, jan31 / DAY), ym_lit(t, 1)));
    expect_text(v, 0, "2024-02-29");
    v = eval_e(t, CALL(t, "-", date_lit(t, jan31 / DAY), dt_lit(t, 31 * DAY)));
    expect_text(v, 0, "2023-12-31");
    wr_expr *tm = lit_typed(t, T(WR_TYPE_TIME), (wr_value){.i = 23 * 3600 * US});
    v = eval_e(t, CALL(t, "+", tm, dt_lit(t, 2 * 3600 * US)));
    expect_i(v, 0, 3600 * US);
    v = eval_e(t, CALL(t, "+", dt_lit(t, US), dt_lit(t, 2 * US)));
    expect_i(v, 0, 3 * US);
    call_fails(t, "-", (wr_expr *[]){col(t, 0), col(t, 0)}, 2, "cannot apply '-'");

    v = eval_e(t, CALL(t, "TIMESTAMPADD", lit_s(t, "MONTH"), lit_i(t, 1), col(t, 0)));
    expect_text(v, 0, "2024-02-29 10:00:00.000");
    v = eval_e(t, CALL(t, "TIMESTAMPADD", lit_s(t, "HOUR"), lit_i(t, 25), col(t, 0)));
    expect_text(v, 0, "2024-02-01 11:00:00.000");
    v = eval_e(t, CALL(t, "TIMESTAMPADD", lit_s(t, "WEEK"), lit_i(t, -1), col(t, 0)));
    expect_text(v, 0, "2024-01-24 10:00:00.000");
    v = eval_e(
        t, CALL(t, "TIMESTAMPADD", lit_s(t, "DAY"), lit_i(t, -1), date_lit(t, jan31 / DAY + 30)));
    expect_text(v, 0, "2024-02-29");
    v = eval_e(
        t, CALL(t, "TIMESTAMPADD", lit_s(t, "YEAR"), lit_i(t, 1), ts_lit(t, 1709164800LL * US, 0)));
    expect_text(v, 0, "2025-02-28 00:00:00");

    int64_t mar1_noon = (1709251200LL + 12 * 3600) * US; /* 2024-03-01 12:00 */
    v = eval_e(t, CALL(t, "TIMESTAMPDIFF", lit_s(t, "DAY"), ts_lit(t, 1704067200LL * US, 3),
                       ts_lit(t, mar1_noon, 3)));
    expect_i(v, 0, 60);
    v = eval_e(t, CALL(t, "TIMESTAMPDIFF", lit_s(t, "HOUR"), ts_lit(t, mar1_noon, 3),
                       ts_lit(t, 1704067200LL * US, 3)));
    expect_i(v, 0, -1452);
    v = eval_e(
        t, CALL(t, "TIMESTAMPDIFF", lit_s(t, "MINUTE"), ts_lit(t, 90 * US, 3), ts_lit(t, 0, 3)));
    expect_i(v, 0, -1);
    v = eval_e(t, CALL(t, "TIMESTAMPDIFF", lit_s(t, "MONTH"), date_lit(t, jan31 / DAY),
                       date_lit(t, 1709164800LL / 86400)));
    expect_i(v, 0, 1);
    v = eval_e(t, CALL(t, "TIMESTAMPDIFF", lit_s(t, "MONTH"), col(t, 0),
                       ts_lit(t, 1709164800LL * US + 9 * 3600 * US, 3)));
    expect_i(v, 0, 0); /* 2024-02-29 09:00 is before Jan 31 10:00 + 1 month */
    v = eval_e(t, CALL(t, "TIMESTAMPDIFF", lit_s(t, "YEAR"), date_lit(t, 18321 /* 2020-02-29 */),
                       date_lit(t, 19781 /* 2024-02-28 */)));
    expect_i(v, 0, 3);
    v = eval_e(t,
               CALL(t, "TIMESTAMPDIFF", lit_s(t, "MONTH"), date_lit(t, 19781), date_lit(t, 18321)));
    expect_i(v, 0, -47);
    tx_free(t);
}

static void test_now(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {T(WR_TYPE_INT)};
    tx_init(t, 1, ty, 2);
    int64_t before = wr_wall_us();
    wr_vec *v = eval_e(t, CALL0(t, "CURRENT_TIMESTAMP"));
    int64_t after = wr_wall_us();
    wr_value a, b;
    wr_vec_get(v, 0, &a);
    wr_vec_get(v, 1, &b);
    assert_false(a.is_null);
    assert_true(a.i == b.i && a.i >= before / 1000 * 1000 && a.i <= after);
    expect_type(CALL0(t, "NOW"), "TIMESTAMP_LTZ(3) NOT NULL");
    v = eval_e(t, CALL0(t, "CURRENT_DATE"));
    wr_vec_get(v, 0, &a);
    assert_true(a.i >= before / DAY && a.i <= wr_wall_us() / DAY);
    v = eval_e(t, CALL0(t, "UNIX_TIMESTAMP"));
    wr_vec_get(v, 0, &a);
    assert_true(a.i >= before / US && a.i <= wr_wall_us() / US);
    v = eval_e(t, CALL0(t, "LOCALTIMESTAMP"));
    wr_vec_get(v, 0, &a);
    assert_true(a.i >= before / 1000 * 1000 && a.i <= wr_wall_us());
    tx_free(t);
}

/* CURRENT_WATERMARK: the scratch's watermark at millisecond precision, typed as the argument
 * (precision 3, nullable), NULL before the first watermark; never a constant. */
static void test_current_watermark(void **state)
{
    (void)state;
    tx tt, *t = &tt;
    wr_type ty[2] = {wr_type_timestamp(3), wr_type_timestamp_ltz(3)};
    tx_init(t, 2, ty, 2);
    wr_expr *es[2] = {CALL(t, "CURRENT_WATERMARK", col(t, 0)),
                      CALL(t, "CURRENT_WATERMARK", col(t, 1))};
    expect_type(es[0], "TIMESTAMP(3)");
    expect_type(es[1], "TIMESTAMP_LTZ(3)");
    assert_false(wr_expr_is_constant(es[0]));
    call_fails(t, "CURRENT_WATERMARK", (wr_expr *[]){lit_i(t, 1)}, 1, "CURRENT_WATERMARK");
    wr_expr_prog *p;
    assert_int_equal(wr_expr_compile(es, 2, t->schema, &p, &t->err), 0);
    wr_expr_scratch *s = wr_expr_scratch_new(p, NULL);
    wr_schema *os = wr_schema_new(2);
    wr_schema_set(os, 0, "a", wr_type_timestamp(3));
    wr_schema_set(os, 1, "b", wr_type_timestamp_ltz(3));
    wr_batch *o = wr_batch_new(os, 2, NULL);
    assert_int_equal(wr_expr_eval(p, s, t->in, o, 0, &t->err), 0);
    expect_null(&o->cols[0], 0);
    expect_null(&o->cols[1], 1);
    wr_expr_scratch_set_watermark(s, 1500123); /* microseconds */
    assert_int_equal(wr_expr_eval(p, s, t->in, o, 0, &t->err), 0);
    expect_i(&o->cols[0], 0, 1500000);
    expect_i(&o->cols[0], 1, 1500000);
    expect_i(&o->cols[1], 0, 1500000);
    wr_expr_scratch_set_watermark(s, -1); /* before the epoch: floored */
    assert_int_equal(wr_expr_eval(p, s, t->in, o, 0, &t->err), 0);
    expect_i(&o->cols[0], 0, -1000);
    wr_batch_release(o);
    wr_schema_free(os);
    wr_expr_scratch_free(s);
    wr_expr_prog_free(p);
    tx_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extract),           cmocka_unit_test(test_floor_ceil),
        cmocka_unit_test(test_date_format),       cmocka_unit_test(test_parse),
        cmocka_unit_test(test_arith_add_diff),    cmocka_unit_test(test_now),
        cmocka_unit_test(test_current_watermark),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
