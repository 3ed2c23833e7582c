/* test_types_decimal.c - DECIMAL parsing with HALF_UP rounding, rescaling, precision
 * checks and plain formatting, including the 128-bit range. */
#include "testutil.h"
#include "types/types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static wr_i128 i128_from_str(const char *s)
{
    bool neg = *s == '-';
    if (neg) s++;
    wr_i128 v = 0;
    for (; *s; s++)
        v = v * 10 + (*s - '0');
    return neg ? -v : v;
}

static const char *fmt(wr_i128 v, int scale)
{
    static char out[128];
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_decimal_format(v, scale, &b), 0);
    snprintf(out, sizeof out, "%s", b.ptr);
    wr_buf_free(&b);
    return out;
}

static void test_pow10(void **state)
{
    (void)state;
    wr_i128 p = 1;
    for (int n = 0; n <= 38; n++) {
        assert_true(wr_pow10_i128(n) == p);
        if (n <= 18) assert_true(wr_pow10_i64(n) == (int64_t)p);
        if (n < 38) p *= 10;
    }
}

static void test_parse_rounding(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int p, s;
        const char *expect; /* unscaled value */
    } cases[] = {
        {"1.005", 10, 2, "101"},
        {"-1.005", 10, 2, "-101"},
        {"2.5", 10, 0, "3"},
        {"-2.5", 10, 0, "-3"},
        {"2.4", 10, 0, "2"},
        {"-2.4", 10, 0, "-2"},
        {"1.0049999", 10, 2, "100"},
        {"0.5", 1, 0, "1"},
        {"0.49", 1, 0, "0"},
        {"  12.345  ", 10, 3, "12345"},
        {"+7", 5, 0, "7"},
        {".5", 3, 1, "5"},
        {"5.", 3, 0, "5"},
        {"0.000", 5, 2, "0"},
        {"-0.004", 5, 2, "0"},
        {"-0.005", 5, 2, "-1"},
        {"12.3", 10, 4, "123000"},
        {"99.995", 5, 2, "10000"},
        {"12345678.9", 8, 0, "12345679"},
        {"000000000000000000000000000000000000000000000001.5", 2, 1, "15"},
        {"99999999999999999999999999999999999999", 38, 0, "99999999999999999999999999999999999999"},
        {"-9999999999999999999999999999.9999999999", 38, 10,
         "-99999999999999999999999999999999999999"},
        {"0.12345678901234567890123456789012345678", 38, 38,
         "12345678901234567890123456789012345678"},
        {"123456789012345678.5", 18, 0, "123456789012345679"},
        {"123456789012345678901.25", 25, 1, "1234567890123456789013"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        wr_i128 v = 0;
        int rc = wr_decimal_parse(cases[i].text, strlen(cases[i].text), cases[i].p, cases[i].s, &v);
        if (rc != 0 || v != i128_from_str(cases[i].expect))
            fail_msg("parse '%s' as DECIMAL(%d, %d): rc %d, got %s want %s", cases[i].text,
                     cases[i].p, cases[i].s, rc, fmt(v, 0), cases[i].expect);
    }
}

static void test_parse_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int p, s, rc;
    } cases[] = {
        {"", 10, 2, WR_EPARSE},
        {"   ", 10, 2, WR_EPARSE},
        {"-", 10, 2, WR_EPARSE},
        {".", 10, 2, WR_EPARSE},
        {"1e3", 10, 2, WR_EPARSE},
        {"1.2.3", 10, 2, WR_EPARSE},
        {"abc", 10, 2, WR_EPARSE},
        {"1 2", 10, 2, WR_EPARSE},
        {"--1", 10, 2, WR_EPARSE},
        {"+-1", 10, 2, WR_EPARSE},
        {"1,5", 10, 2, WR_EPARSE},
        {"99.995", 4, 2, WR_EOVERFLOW},
        {"123", 4, 2, WR_EOVERFLOW},
        {"-123", 4, 2, WR_EOVERFLOW},
        {"99.99", 4, 2, 0},
        {"9.5", 1, 0, WR_EOVERFLOW},
        {"999999999999999999999999999999999999999", 38, 0, WR_EOVERFLOW},
        {"99999999999999999999999999999999999999.5", 38, 0, WR_EOVERFLOW},
        {"1", 0, 0, WR_EINVAL},
        {"1", 39, 0, WR_EINVAL},
        {"1", 5, 6, WR_EINVAL},
        {"1", 5, -1, WR_EINVAL},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        wr_i128 v = 12345;
        int rc = wr_decimal_parse(cases[i].text, strlen(cases[i].text), cases[i].p, cases[i].s, &v);
        if (rc != cases[i].rc)
            fail_msg("parse '%s' as DECIMAL(%d, %d): rc %d want %d", cases[i].text, cases[i].p,
                     cases[i].s, rc, cases[i].rc);
        if (rc != 0) assert_true(v == 12345); /* output untouched on failure */
    }
    /* Length-delimited: bytes after n are not looked at. */
    wr_i128 v;
    assert_int_equal(wr_decimal_parse("12.34xyz", 5, 10, 2, &v), 0);
    assert_true(v == 1234);
}

static void test_rescale(void **state)
{
    (void)state;
    static const struct {
        const char *v;
        int from, to, p, rc;
        const char *expect;
    } cases[] = {
        {"1005", 3, 2, 10, 0, "101"},
        {"-1005", 3, 2, 10, 0, "-101"},
        {"25", 1, 0, 10, 0, "3"},
        {"-25", 1, 0, 10, 0, "-3"},
        {"24", 1, 0, 10, 0, "2"},
        {"15", 1, 0, 10, 0, "2"},
        {"-15", 1, 0, 10, 0, "-2"},
        {"-14", 1, 0, 10, 0, "-1"},
        {"123", 2, 4, 10, 0, "12300"},
        {"123", 2, 2, 10, 0, "123"},
        {"99999", 2, 4, 6, WR_EOVERFLOW, ""},
        {"9995", 1, 0, 3, WR_EOVERFLOW, ""},
        {"9994", 1, 0, 3, 0, "999"},
        {"10000000000000000000000000000000000000", 0, 1, 38, WR_EOVERFLOW, ""},
        {"170000000000000000000000000000000000000", 0, 2, 38, WR_EOVERFLOW, ""},
        {"50000000000000000000000000000000000000", 38, 0, 1, 0, "1"},
        {"-49999999999999999999999999999999999999", 38, 0, 1, 0, "0"},
        {"5", 0, 38, 38, WR_EOVERFLOW, ""},
        {"5", 0, 37, 38, 0, "50000000000000000000000000000000000000"},
        {"123456789012345678901234567", 10, 2, 38, 0, "1234567890123456789"},
        {"1", -1, 0, 10, WR_EINVAL, ""},
        {"1", 0, 39, 10, WR_EINVAL, ""},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        wr_i128 out = 0;
        int rc = wr_decimal_rescale(i128_from_str(cases[i].v), cases[i].from, cases[i].to,
                                    cases[i].p, &out);
        if (rc != cases[i].rc || (rc == 0 && out != i128_from_str(cases[i].expect)))
            fail_msg("rescale %s from %d to %d (p %d): rc %d got %s", cases[i].v, cases[i].from,
                     cases[i].to, cases[i].p, rc, fmt(out, 0));
    }
}

static void test_fits(void **state)
{
    (void)state;
    assert_true(wr_decimal_fits(wr_pow10_i128(18) - 1, 18));
    assert_false(wr_decimal_fits(wr_pow10_i128(18), 18));
    assert_true(wr_decimal_fits(-(wr_pow10_i128(18) - 1), 18));
    assert_false(wr_decimal_fits(-wr_pow10_i128(18), 18));
    assert_true(wr_decimal_fits(wr_pow10_i128(38) - 1, 38));
    assert_false(wr_decimal_fits(wr_pow10_i128(38), 38));
    assert_true(wr_decimal_fits(0, 1));
    assert_true(wr_decimal_fits(9, 1));
    assert_false(wr_decimal_fits(10, 1));
    assert_false(wr_decimal_fits(0, 0));
    /* The most negative 128-bit value does not fit anything (and must not overflow). */
    wr_i128 min = (wr_i128)((unsigned __int128)1 << 127);
    assert_false(wr_decimal_fits(min, 38));
}

static void test_format(void **state)
{
    (void)state;
    assert_string_equal(fmt(1230, 2), "12.30");
    assert_string_equal(fmt(-5, 2), "-0.05");
    assert_string_equal(fmt(0, 0), "0");
    assert_string_equal(fmt(0, 3), "0.000");
    assert_string_equal(fmt(7, 0), "7");
    assert_string_equal(fmt(-12345, 5), "-0.12345");
    assert_string_equal(fmt(-123456, 5), "-1.23456");
    assert_string_equal(fmt(100, 2), "1.00");
    assert_string_equal(fmt((wr_i128)UINT64_MAX + 1, 0), "18446744073709551616");
    assert_string_equal(fmt(-(wr_pow10_i128(38) - 1), 0),
                        "-99999999999999999999999999999999999999");
    assert_string_equal(fmt(wr_pow10_i128(38) - 1, 38), "0.99999999999999999999999999999999999999");
    assert_string_equal(fmt(1, 38), "0.00000000000000000000000000000000000001");
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_decimal_format(1, 39, &b), WR_EINVAL);
    wr_buf_free(&b);
}

/* format then parse gives the same value, for random values across the range. */
static void test_roundtrip(void **state)
{
    (void)state;
    srand(7);
    for (int i = 0; i < 20000; i++) {
        int p = 1 + rand() % 38;
        int s = rand() % (p + 1);
        wr_i128 v = 0;
        int digits = 1 + rand() % p;
        for (int k = 0; k < digits; k++)
            v = v * 10 + rand() % 10;
        if (rand() & 1) v = -v;
        wr_buf b;
        wr_buf_init(&b);
        assert_int_equal(wr_decimal_format(v, s, &b), 0);
        wr_i128 back;
        assert_int_equal(wr_decimal_parse(b.ptr, b.len, p, s, &back), 0);
        if (back != v) fail_msg("round trip of %s at DECIMAL(%d, %d)", b.ptr, p, s);
        /* Rescaling up and back down is exact. */
        if (s < p) {
            wr_i128 up, down;
            int rc = wr_decimal_rescale(v, s, s + 1, 38, &up);
            if (rc == 0) {
                assert_int_equal(wr_decimal_rescale(up, s + 1, s, 38, &down), 0);
                assert_true(down == v);
            }
        }
        wr_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pow10),        cmocka_unit_test(test_parse_rounding),
        cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_rescale),
        cmocka_unit_test(test_fits),         cmocka_unit_test(test_format),
        cmocka_unit_test(test_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
