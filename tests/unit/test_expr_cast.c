/* test_expr_cast.c - exact DECIMAL arithmetic (Flink's precision/scale derivation, HALF_UP,
 * overflow errors) and CAST / TRY_CAST between numerics, strings, booleans and temporals,
 * including the failures that CAST raises and TRY_CAST turns into NULL. */
#include "test_expr_util.h"

static void test_decimal_types(void **state)
{
    tx t;
    wr_type ty[3] = {wr_type_decimal(10, 2), wr_type_decimal(10, 3), T(WR_TYPE_INT)};
    tx_init(&t, 3, ty, 1);
    expect_type(CALL(&t, "+", col(&t, 0), col(&t, 1)), "DECIMAL(12, 3)");
    expect_type(CALL(&t, "*", col(&t, 0), col(&t, 1)), "DECIMAL(21, 5)");
    expect_type(CALL(&t, "/", col(&t, 0), col(&t, 1)), "DECIMAL(24, 13)");
    expect_type(CALL(&t, "%", col(&t, 0), col(&t, 1)), "DECIMAL(10, 3)");
    /* INT as DECIMAL(10, 0) */
    expect_type(CALL(&t, "+", col(&t, 0), col(&t, 2)), "DECIMAL(13, 2)");
    expect_type(CALL(&t, "/", col(&t, 2), col(&t, 0)), "DECIMAL(23, 11)");
    /* DECIMAL with DOUBLE is DOUBLE */
    expect_type(CALL(&t, "+", col(&t, 0), lit_d(&t, 1)), "DOUBLE");
    /* capped at 38 digits, keeping at least 6 fraction digits */
    wr_type big[2] = {wr_type_decimal(38, 10), wr_type_decimal(38, 10)};
    tx u;
    tx_init(&u, 2, big, 1);
    expect_type(CALL(&u, "*", col(&u, 0), col(&u, 1)), "DECIMAL(38, 6)");
    expect_type(CALL(&u, "+", col(&u, 0), col(&u, 1)), "DECIMAL(38, 9)");
    tx_free(&u);
    tx_free(&t);
}

static void test_decimal_exact(void **state)
{
    tx t;
    wr_type ty[2] = {wr_type_decimal(10, 2), wr_type_decimal(10, 3)};
    tx_init(&t, 2, ty, 3);
    set_i(&t, 0, 0, 10), set_i(&t, 1, 0, 200);    /* 0.10, 0.200 */
    set_i(&t, 0, 1, -125), set_i(&t, 1, 1, 2500); /* -1.25, 2.500 */
    set_i(&t, 0, 2, 100), set_i(&t, 1, 2, 3000);  /* 1.00, 3.000 */
    wr_vec *v = eval_e(&t, CALL(&t, "+", col(&t, 0), col(&t, 1)));
    expect_text(v, 0, "0.300"), expect_text(v, 1, "1.250"), expect_text(v, 2, "4.000");
    v = eval_e(&t, CALL(&t, "-", col(&t, 0), col(&t, 1)));
    expect_text(v, 0, "-0.100"), expect_text(v, 1, "-3.750"), expect_text(v, 2, "-2.000");
    v = eval_e(&t, CALL(&t, "*", col(&t, 0), col(&t, 1)));
    expect_text(v, 0, "0.02000"), expect_text(v, 1, "-3.12500"), expect_text(v, 2, "3.00000");
    v = eval_e(&t, CALL(&t, "/", col(&t, 0), col(&t, 1)));
    expect_text(v, 0, "0.5000000000000"), expect_text(v, 1, "-0.5000000000000");
    expect_text(v, 2, "0.3333333333333");
    v = eval_e(&t, CALL(&t, "%", col(&t, 1), col(&t, 0)));
    expect_text(v, 0, "0.000"), expect_text(v, 1, "0.000"), expect_text(v, 2, "0.000");
    v = eval_e(&t, CALL(&t, "%", lit_dec(&t, "-7.5", 3, 1), lit_dec(&t, "2", 1, 0)));
    expect_text(v, 0, "-1.5");
    v = eval_e(&t, CALL(&t, "-", col(&t, 0)));
    expect_text(v, 0, "-0.10"), expect_text(v, 1, "1.25");
    /* 2/3 rounds HALF_UP at the last digit */
    v = eval_e(&t, CALL(&t, "/", lit_dec(&t, "2", 1, 0), lit_dec(&t, "3", 1, 0)));
    expect_text(v, 0, "0.666667");
    v = eval_e(&t, CALL(&t, "/", lit_dec(&t, "-2", 1, 0), lit_dec(&t, "3", 1, 0)));
    expect_text(v, 0, "-0.666667");
    /* division by zero and overflow are runtime errors */
    eval_fails(&t, CALL(&t, "/", col(&t, 0), lit_dec(&t, "0", 1, 0)), WR_EDIVZERO,
               "division by zero");
    wr_type bt[2] = {wr_type_decimal(38, 0), wr_type_decimal(38, 0)};
    tx u;
    tx_init(&u, 2, bt, 1);
    wr_i128 big = wr_pow10_i128(37) * 9;
    set_dec128(&u, 0, 0, big), set_dec128(&u, 1, 0, big);
    eval_fails(&u, CALL(&u, "+", col(&u, 0), col(&u, 1)), WR_EOVERFLOW, "DECIMAL overflow");
    eval_fails(&u, CALL(&u, "*", col(&u, 0), col(&u, 1)), WR_EOVERFLOW, "DECIMAL overflow");
    wr_vec *w = eval_e(&u, CALL(&u, "-", col(&u, 0), col(&u, 1)));
    expect_text(w, 0, "0");
    tx_free(&u);
    /* wide intermediate: DECIMAL(20,2) * DECIMAL(20,2) is computed exactly */
    wr_type mt[2] = {wr_type_decimal(20, 2), wr_type_decimal(20, 2)};
    tx_init(&u, 2, mt, 1);
    set_dec128(&u, 0, 0, (wr_i128)123456789012345678LL * 10 + 9); /* 12345678901234567.89 */
    set_dec128(&u, 1, 0, 1000);                                   /* 10.00 */
    w = eval_e(&u, CALL(&u, "*", col(&u, 0), col(&u, 1)));
    expect_text(w, 0, "123456789012345678.9000");
    tx_free(&u);
    tx_free(&t);
}

static void test_cast_numeric(void **state)
{
    tx t;
    wr_type ty[3] = {T(WR_TYPE_INT), T(WR_TYPE_DOUBLE), wr_type_decimal(6, 3)};
    tx_init(&t, 3, ty, 3);
    set_i(&t, 0, 0, 300), set_d(&t, 1, 0, 2.675), set_i(&t, 2, 0, 1255);
    set_i(&t, 0, 1, -5), set_d(&t, 1, 1, -1.5), set_i(&t, 2, 1, -1255);
    set_null(&t, 0, 2), set_d(&t, 1, 2, 1e10), set_i(&t, 2, 2, 999);
    /* narrowing out of range fails for CAST, NULL for TRY_CAST */
    eval_fails(&t, cast(&t, col(&t, 0), T(WR_TYPE_TINYINT), false), WR_ECAST,
               "cannot cast 300 to TINYINT");
    wr_vec *v = eval_e(&t, cast(&t, col(&t, 0), T(WR_TYPE_TINYINT), true));
    expect_null(v, 0), expect_i(v, 1, -5), expect_null(v, 2);
    v = eval_e(&t, cast(&t, col(&t, 0), T(WR_TYPE_BIGINT), false));
    expect_i(v, 0, 300), expect_i(v, 1, -5), expect_null(v, 2);
    /* DOUBLE -> INT truncates toward zero; out of range fails */
    v = eval_e(&t, cast(&t, col(&t, 1), T(WR_TYPE_BIGINT), false));
    expect_i(v, 0, 2), expect_i(v, 1, -1), expect_i(v, 2, 10000000000LL);
    eval_fails(&t, cast(&t, col(&t, 1), T(WR_TYPE_INT), false), WR_ECAST,
               "cannot cast 1.0E10 to INT");
    /* DOUBLE -> DECIMAL rounds the shortest text HALF_UP (2.675 -> 2.68) */
    v = eval_e(&t, cast(&t, col(&t, 1), wr_type_decimal(13, 2), false));
    expect_text(v, 0, "2.68"), expect_text(v, 1, "-1.50"), expect_text(v, 2, "10000000000.00");
    /* DECIMAL scale reduction rounds HALF_UP, away from zero */
    v = eval_e(&t, cast(&t, col(&t, 2), wr_type_decimal(4, 2), false));
    expect_text(v, 0, "1.26"), expect_text(v, 1, "-1.26"), expect_text(v, 2, "1.00");
    eval_fails(&t, cast(&t, col(&t, 2), wr_type_decimal(2, 2), false), WR_ECAST,
               "cannot cast 1.255 to DECIMAL(2, 2)");
    /* DECIMAL -> INT truncates, -> DOUBLE exact enough */
    v = eval_e(&t, cast(&t, col(&t, 2), T(WR_TYPE_INT), false));
    expect_i(v, 0, 1), expect_i(v, 1, -1), expect_i(v, 2, 0);
    v = eval_e(&t, cast(&t, col(&t, 2), T(WR_TYPE_DOUBLE), false));
    expect_d(v, 0, 1.255), expect_d(v, 1, -1.255), expect_d(v, 2, 0.999);
    /* INT -> DECIMAL that does not fit */
    eval_fails(&t, cast(&t, col(&t, 0), wr_type_decimal(4, 2), false), WR_ECAST,
               "cannot cast 300 to DECIMAL(4, 2)");
    /* BOOLEAN <-> numeric */
    v = eval_e(&t, cast(&t, col(&t, 0), T(WR_TYPE_BOOLEAN), false));
    expect_b(v, 0, true), expect_null(v, 2);
    v = eval_e(&t, cast(&t, lit_b(&t, true), T(WR_TYPE_INT), false));
    expect_i(v, 0, 1);
    tx_free(&t);
}

static void test_cast_strings(void **state)
{
    tx t;
    wr_type ty[1] = {STR()};
    tx_init(&t, 1, ty, 6);
    set_s(&t, 0, 0, " 42 ");
    set_s(&t, 0, 1, "1.9");
    set_s(&t, 0, 2, "abc");
    set_null(&t, 0, 3);
    set_s(&t, 0, 4, "-2147483649");
    set_s(&t, 0, 5, "");
    wr_vec *v = eval_e(&t, cast(&t, col(&t, 0), T(WR_TYPE_INT), true));
    expect_i(v, 0, 42), expect_i(v, 1, 1), expect_null(v, 2), expect_null(v, 3);
    expect_null(v, 4), expect_null(v, 5);
    eval_fails(&t, cast(&t, col(&t, 0), T(WR_TYPE_INT), false), WR_ECAST,
               "cannot cast 'abc' to INT");
    v = eval_e(&t, cast(&t, col(&t, 0), T(WR_TYPE_DOUBLE), true));
    expect_d(v, 0, 42), expect_d(v, 1, 1.9), expect_null(v, 2), expect_d(v, 4, -2147483649.0);
    v = eval_e(&t, cast(&t, col(&t, 0), wr_type_decimal(5, 1), true));
    expect_text(v, 0, "42.0"), expect_text(v, 1, "1.9"), expect_null(v, 2), expect_null(v, 4);
    v = eval_e(&t, cast(&t, col(&t, 0), T(WR_TYPE_BOOLEAN), true));
    expect_null(v, 0), expect_null(v, 2);
    v = eval_e(&t, cast(&t, lit_s(&t, "TRUE"), T(WR_TYPE_BOOLEAN), false));
    expect_b(v, 0, true);
    /* to STRING */
    v = eval_e(&t, cast(&t, lit_i(&t, -17), STR(), false));
    expect_s(v, 0, "-17");
    v = eval_e(&t, cast(&t, lit_d(&t, 1e10), STR(), false));
    expect_s(v, 0, "1.0E10");
    v = eval_e(&t, cast(&t, lit_d(&t, 0.1), STR(), false));
    expect_s(v, 0, "0.1");
    v = eval_e(&t, cast(&t, lit_d(&t, 100), STR(), false));
    expect_s(v, 0, "100.0");
    v = eval_e(&t, cast(&t, lit_d(&t, 1.5e-5), STR(), false));
    expect_s(v, 0, "1.5E-5");
    v = eval_e(&t, cast(&t, lit_typed(&t, T(WR_TYPE_FLOAT), (wr_value){.d = 0.1f}), STR(), false));
    expect_s(v, 0, "0.1");
    v = eval_e(&t, cast(&t, lit_b(&t, false), STR(), false));
    expect_s(v, 0, "FALSE");
    v = eval_e(&t, cast(&t, lit_dec(&t, "-0.05", 4, 2), STR(), false));
    expect_s(v, 0, "-0.05");
    /* CHAR/VARCHAR lengths */
    v = eval_e(&t, cast(&t, lit_s(&t, "héllo"), wr_type_varchar(2), false));
    expect_s(v, 0, "hé");
    wr_type ch = T(WR_TYPE_CHAR);
    ch.length = 4;
    v = eval_e(&t, cast(&t, lit_s(&t, "ab"), ch, false));
    expect_s(v, 0, "ab  ");
    tx_free(&t);
}

static void test_cast_temporal(void **state)
{
    tx t;
    wr_type ty[1] = {STR()};
    tx_init(&t, 1, ty, 3);
    set_s(&t, 0, 0, "2024-02-29");
    set_s(&t, 0, 1, "2024-02-30");
    set_s(&t, 0, 2, "2024-03-01 12:34:56.789");
    wr_vec *v = eval_e(&t, cast(&t, col(&t, 0), T(WR_TYPE_DATE), true));
    expect_text(v, 0, "2024-02-29"), expect_null(v, 1), expect_null(v, 2);
    eval_fails(&t, cast(&t, col(&t, 0), T(WR_TYPE_DATE), false), WR_ECAST,
               "cannot cast '2024-02-30' to DATE");
    v = eval_e(&t, cast(&t, col(&t, 0), wr_type_timestamp(3), true));
    expect_text(v, 0, "2024-02-29 00:00:00.000"), expect_null(v, 1);
    expect_text(v, 2, "2024-03-01 12:34:56.789");
    /* TIMESTAMP(3) -> TIMESTAMP(0) truncates; -> DATE; -> STRING with a space */
    wr_expr *ts = cast(&t, col(&t, 0), wr_type_timestamp(3), true);
    v = eval_e(&t, cast(&t, ts, wr_type_timestamp(0), false));
    expect_text(v, 2, "2024-03-01 12:34:56");
    v = eval_e(&t, cast(&t, ts, T(WR_TYPE_DATE), false));
    expect_text(v, 0, "2024-02-29"), expect_text(v, 2, "2024-03-01");
    v = eval_e(&t, cast(&t, ts, STR(), false));
    expect_s(v, 0, "2024-02-29 00:00:00.000"), expect_null(v, 1);
    expect_s(v, 2, "2024-03-01 12:34:56.789");
    v = eval_e(&t, cast(&t, ts, wr_type_timestamp_ltz(3), false));
    expect_i(v, 2, 1709296496789000LL);
    wr_expr *d = cast(&t, col(&t, 0), T(WR_TYPE_DATE), true);
    v = eval_e(&t, cast(&t, d, wr_type_timestamp(6), false));
    expect_i(v, 0, 1709164800000000LL);
    v = eval_e(&t, cast(&t, d, STR(), false));
    expect_s(v, 0, "2024-02-29");
    /* not allowed at all */
    wr_error_clear(&t.err);
    assert_null(wr_expr_cast(&t.arena, lit_i(&t, 1), T(WR_TYPE_DATE), false, &t.err));
    assert_non_null(strstr(t.err.msg, "cannot cast INT NOT NULL to DATE"));
    tx_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimal_types), cmocka_unit_test(test_decimal_exact),
        cmocka_unit_test(test_cast_numeric),  cmocka_unit_test(test_cast_strings),
        cmocka_unit_test(test_cast_temporal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
