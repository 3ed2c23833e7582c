/* test_types_time.c - day numbers against an independent day-by-day calendar walk over
 * years 0000..9999, strict parsing of DATE/TIME/TIMESTAMP text, and formatting with an
 * exact number of fraction digits, including values before 1970. */
#include "testutil.h"
#include "types/types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US_PER_SEC 1000000ll
#define US_PER_DAY (86400ll * US_PER_SEC)

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int64_t y, unsigned m)
{
    static const unsigned dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : dim[m - 1];
}

static void test_known_days(void **state)
{
    (void)state;
    assert_int_equal(wr_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(wr_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(wr_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(wr_days_from_civil(2024, 1, 2), 19724);
    assert_int_equal(wr_days_from_civil(1, 1, 1), -719162);
    assert_int_equal(wr_days_from_civil(9999, 12, 31), 2932896);
    assert_int_equal(wr_days_from_civil(1900, 3, 1) - wr_days_from_civil(1900, 2, 28), 1);
    assert_int_equal(wr_days_from_civil(2000, 3, 1) - wr_days_from_civil(2000, 2, 28), 2);
}

/* Walk every day from 0000-01-01 to 9999-12-31 with a plain calendar (month lengths and the
 * leap-year rule) and compare both directions at each step. Year 0 is a leap year, so
 * 0000-01-01 is 366 days before 0001-01-01. */
static void test_calendar_walk(void **state)
{
    (void)state;
    int64_t y = 0;
    unsigned m = 1, d = 1;
    int32_t days = -719162 - 366;
    for (;;) {
        int32_t got = wr_days_from_civil(y, m, d);
        if (got != days)
            fail_msg("days_from_civil(%04lld-%02u-%02u) = %d, want %d", (long long)y, m, d, got,
                     days);
        int64_t cy;
        unsigned cm, cd;
        wr_civil_from_days(days, &cy, &cm, &cd);
        if (cy != y || cm != m || cd != d)
            fail_msg("civil_from_days(%d) = %04lld-%02u-%02u, want %04lld-%02u-%02u", days,
                     (long long)cy, cm, cd, (long long)y, m, d);
        if (y == 9999 && m == 12 && d == 31) break;
        days++;
        if (++d > month_days(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    assert_int_equal(days, 2932896);
}

/* Far outside the usual range (negative years, years past 9999) the two directions still
 * invert each other. */
static void test_wide_roundtrip(void **state)
{
    (void)state;
    for (int64_t x = -100000000; x <= 100000000; x += 9973) {
        int64_t y;
        unsigned m, d;
        wr_civil_from_days((int32_t)x, &y, &m, &d);
        assert_true(m >= 1 && m <= 12 && d >= 1 && d <= month_days(y < 0 ? -y : y, m));
        assert_int_equal(wr_days_from_civil(y, m, d), x);
    }
    int64_t y;
    unsigned m, d;
    wr_civil_from_days(wr_days_from_civil(-1, 12, 31), &y, &m, &d);
    assert_int_equal(y, -1);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    assert_int_equal(wr_days_from_civil(0, 1, 1) - wr_days_from_civil(-1, 1, 1), 365);
    assert_int_equal(wr_days_from_civil(-4, 3, 1) - wr_days_from_civil(-4, 2, 28), 2);
}

static void test_parse_date(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        int32_t days;
    } cases[] = {
        {"2024-01-02", 0, 19724},
        {"  2024-01-02\t", 0, 19724},
        {"2024-1-2", 0, 19724},
        {"1970-01-01", 0, 0},
        {"1969-12-31", 0, -1},
        {"0001-01-01", 0, -719162},
        {"9999-12-31", 0, 2932896},
        {"2024-02-29", 0, 19782},
        {"2000-02-29", 0, 11016},
        {"2023-02-29", WR_EPARSE, 0},
        {"1900-02-29", WR_EPARSE, 0},
        {"2024-13-01", WR_EPARSE, 0},
        {"2024-00-10", WR_EPARSE, 0},
        {"2024-01-00", WR_EPARSE, 0},
        {"2024-01-32", WR_EPARSE, 0},
        {"2024-04-31", WR_EPARSE, 0},
        {"24-01-01", WR_EPARSE, 0},
        {"20240-01-01", WR_EPARSE, 0},
        {"2024/01/02", WR_EPARSE, 0},
        {"2024-01-02x", WR_EPARSE, 0},
        {"2024-01-002", WR_EPARSE, 0},
        {"2024-01-02 03:04:05", WR_EPARSE, 0},
        {"", WR_EPARSE, 0},
        {"-2024-01-01", WR_EPARSE, 0},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        int32_t days = 0;
        int rc = wr_parse_date(cases[i].text, strlen(cases[i].text), &days);
        if (rc != cases[i].rc || (rc == 0 && days != cases[i].days))
            fail_msg("parse date '%s': rc %d days %d", cases[i].text, rc, days);
    }
}

static void test_parse_time(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        int64_t us;
    } cases[] = {
        {"03:04:05", 0, (3 * 3600 + 4 * 60 + 5) * US_PER_SEC},
        {"3:04:05", 0, (3 * 3600 + 4 * 60 + 5) * US_PER_SEC},
        {"00:00:00", 0, 0},
        {"23:59:59.999999", 0, US_PER_DAY - 1},
        {"12:00:00.5", 0, 12 * 3600 * US_PER_SEC + 500000},
        {"12:00:00.123", 0, 12 * 3600 * US_PER_SEC + 123000},
        {"00:00:00.123456789", 0, 123456},
        {" 00:00:01 ", 0, US_PER_SEC},
        {"24:00:00", WR_EPARSE, 0},
        {"12:60:00", WR_EPARSE, 0},
        {"12:00:60", WR_EPARSE, 0},
        {"12:00", WR_EPARSE, 0},
        {"12:00:00.", WR_EPARSE, 0},
        {"12:00:00.1234567890", WR_EPARSE, 0},
        {"12:0:00", WR_EPARSE, 0},
        {"123:00:00", WR_EPARSE, 0},
        {"12:00:00Z", WR_EPARSE, 0},
        {"", WR_EPARSE, 0},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        int64_t us = 0;
        int rc = wr_parse_time(cases[i].text, strlen(cases[i].text), &us);
        if (rc != cases[i].rc || (rc == 0 && us != cases[i].us))
            fail_msg("parse time '%s': rc %d us %lld", cases[i].text, rc, (long long)us);
    }
}

#define TS_20240102 (1704164645678000ll) /* 2024-01-02 03:04:05.678 */

static void test_parse_timestamp(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        int64_t us;
    } cases[] = {
        {"2024-01-02 03:04:05.678", 0, TS_20240102},
        {"2024-01-02T03:04:05.678", 0, TS_20240102},
        {"2024-01-02T03:04:05.678Z", 0, TS_20240102},
        {"2024-01-02 03:04:05.678000001", 0, TS_20240102},
        {" 2024-01-02 03:04:05.678 ", 0, TS_20240102},
        {"2024-01-02", 0, 19724 * US_PER_DAY},
        {"1970-01-01 00:00:00", 0, 0},
        {"1969-12-31 23:59:59.999", 0, -1000},
        {"1969-12-31 23:59:59.999999", 0, -1},
        {"1900-01-01 00:00:00", 0, -2208988800ll * US_PER_SEC},
        {"0001-01-01 00:00:00", 0, -62135596800ll * US_PER_SEC},
        {"9999-12-31 23:59:59.999999", 0, 253402300800ll * US_PER_SEC - 1},
        {"2024-01-02X03:04:05", WR_EPARSE, 0},
        {"2024-01-02 25:00:00", WR_EPARSE, 0},
        {"2024-01-02T", WR_EPARSE, 0},
        {"2024-01-02 ", 0, 19724 * US_PER_DAY}, /* trailing space is trimmed */
        {"2024-01-02 03:04:05ZZ", WR_EPARSE, 0},
        {"2024-01-02 03:04:05+01:00", WR_EPARSE, 0},
        {"2024-02-30 00:00:00", WR_EPARSE, 0},
        {"2024-01-02  03:04:05", WR_EPARSE, 0},
        {"03:04:05", WR_EPARSE, 0},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        int64_t us = 0;
        int rc = wr_parse_timestamp(cases[i].text, strlen(cases[i].text), &us);
        if (rc != cases[i].rc || (rc == 0 && us != cases[i].us))
            fail_msg("parse timestamp '%s': rc %d us %lld", cases[i].text, rc, (long long)us);
    }
}

static const char *ts(int64_t us, int p, char sep)
{
    static char out[64];
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_format_timestamp(us, p, sep, &b), 0);
    snprintf(out, sizeof out, "%s", b.ptr);
    wr_buf_free(&b);
    return out;
}

static const char *tm(int64_t us, int p)
{
    static char out[64];
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_format_time(us, p, &b), 0);
    snprintf(out, sizeof out, "%s", b.ptr);
    wr_buf_free(&b);
    return out;
}

static const char *dt(int32_t days)
{
    static char out[64];
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_format_date(days, &b), 0);
    snprintf(out, sizeof out, "%s", b.ptr);
    wr_buf_free(&b);
    return out;
}

static void test_format(void **state)
{
    (void)state;
    assert_string_equal(ts(TS_20240102, 3, 'T'), "2024-01-02T03:04:05.678");
    assert_string_equal(ts(TS_20240102, 3, ' '), "2024-01-02 03:04:05.678");
    assert_string_equal(ts(TS_20240102, 0, ' '), "2024-01-02 03:04:05");
    assert_string_equal(ts(TS_20240102, 1, ' '), "2024-01-02 03:04:05.6");
    assert_string_equal(ts(TS_20240102, 6, ' '), "2024-01-02 03:04:05.678000");
    assert_string_equal(ts(TS_20240102 + 999, 3, ' '), "2024-01-02 03:04:05.678");
    assert_string_equal(ts(TS_20240102, 9, ' '), "2024-01-02 03:04:05.678000000");
    assert_string_equal(ts(0, 0, ' '), "1970-01-01 00:00:00");
    assert_string_equal(ts(-1, 6, ' '), "1969-12-31 23:59:59.999999");
    assert_string_equal(ts(-1, 3, 'T'), "1969-12-31T23:59:59.999");
    assert_string_equal(ts(-1000, 3, 'T'), "1969-12-31T23:59:59.999");
    assert_string_equal(ts(-1001, 3, 'T'), "1969-12-31T23:59:59.998");
    assert_string_equal(ts(-US_PER_DAY, 3, ' '), "1969-12-31 00:00:00.000");
    assert_string_equal(ts(-2208988800ll * US_PER_SEC + 500000, 2, ' '), "1900-01-01 00:00:00.50");
    assert_string_equal(ts(-62135596800ll * US_PER_SEC, 0, 'T'), "0001-01-01T00:00:00");

    assert_string_equal(tm(3723 * US_PER_SEC, 0), "01:02:03");
    assert_string_equal(tm(3723 * US_PER_SEC, 3), "01:02:03.000");
    assert_string_equal(tm(3723 * US_PER_SEC + 456789, 3), "01:02:03.456");
    assert_string_equal(tm(US_PER_DAY - 1, 6), "23:59:59.999999");
    assert_string_equal(tm(0, 0), "00:00:00");

    assert_string_equal(dt(0), "1970-01-01");
    assert_string_equal(dt(19724), "2024-01-02");
    assert_string_equal(dt(-719162), "0001-01-01");
    assert_string_equal(dt(2932896), "9999-12-31");
    assert_string_equal(dt(wr_days_from_civil(10000, 1, 1)), "+10000-01-01");
    assert_string_equal(dt(wr_days_from_civil(-1, 6, 15)), "-0001-06-15");
}

/* format(parse(x)) == x and parse(format(v)) == v over random instants of years 0..9999. */
static void test_roundtrip(void **state)
{
    (void)state;
    srand(11);
    int64_t lo = -62167219200ll * US_PER_SEC; /* 0000-01-01 */
    int64_t hi = 253402300800ll * US_PER_SEC; /* 10000-01-01 */
    for (int i = 0; i < 200000; i++) {
        uint64_t r = ((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^ (uint64_t)rand();
        int64_t us = lo + (int64_t)(r % (uint64_t)(hi - lo));
        char sep = (i & 1) ? 'T' : ' ';
        const char *text = ts(us, 6, sep);
        int64_t back;
        assert_int_equal(wr_parse_timestamp(text, strlen(text), &back), 0);
        if (back != us)
            fail_msg("round trip %lld -> %s -> %lld", (long long)us, text, (long long)back);
        /* Time of day and date parts agree with the split. */
        int32_t days;
        assert_int_equal(wr_parse_date(text, 10, &days), 0);
        int64_t tod;
        assert_int_equal(wr_parse_time(text + 11, strlen(text) - 11, &tod), 0);
        assert_int_equal((int64_t)days * US_PER_DAY + tod, us);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_days),     cmocka_unit_test(test_calendar_walk),
        cmocka_unit_test(test_wide_roundtrip), cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_parse_time),     cmocka_unit_test(test_parse_timestamp),
        cmocka_unit_test(test_format),         cmocka_unit_test(test_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
