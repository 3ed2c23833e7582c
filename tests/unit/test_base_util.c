/* test_base_util.c - edit distance, suggestions, and the strict parsers for integers,
 * booleans, Flink durations and Flink memory sizes, with tables of good and bad inputs. */
#include "testutil.h"

#include <string.h>

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(wr_edit_distance("", ""), 0);
    assert_int_equal(wr_edit_distance("abc", ""), 3);
    assert_int_equal(wr_edit_distance("", "abcd"), 4);
    assert_int_equal(wr_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(wr_edit_distance("flaw", "lawn"), 2);
    assert_int_equal(wr_edit_distance("same", "same"), 0);
    assert_int_equal(wr_edit_distance("ab", "ba"), 2);
    /* Long strings take the heap path. */
    char a[301], b[301];
    memset(a, 'x', 300);
    memset(b, 'x', 300);
    a[300] = b[300] = '\0';
    b[150] = 'y';
    assert_int_equal(wr_edit_distance(a, b), 1);
    b[300] = '\0';
    assert_int_equal(wr_edit_distance(a, "x"), 299);
}

static void test_suggest(void **state)
{
    (void)state;
    const char *const opts[] = {"parallelism",   "checkpoint.interval",
                                "state.backend", "execution.runtime-mode",
                                "pipeline.name", NULL};
    assert_string_equal(wr_suggest("paralelism", opts), "parallelism");
    assert_string_equal(wr_suggest("PARALLELISM", opts), "parallelism");
    assert_string_equal(wr_suggest("checkpoint.intervall", opts), "checkpoint.interval");
    assert_string_equal(wr_suggest("state.backedn", opts), "state.backend");
    assert_null(wr_suggest("foo", opts));
    assert_null(wr_suggest("parallel", opts)); /* distance 3 > 8/3 */
    assert_null(wr_suggest("zzzzzzzzzzz", opts));
    /* Short words still allow one edit. */
    const char *const short_opts[] = {"ab", "xyz", NULL};
    assert_string_equal(wr_suggest("a", short_opts), "ab");
    assert_string_equal(wr_suggest("xz", short_opts), "xyz");
    assert_null(wr_suggest("q", short_opts));
    const char *const none[] = {NULL};
    assert_null(wr_suggest("x", none));
    assert_null(wr_suggest(NULL, opts));
}

typedef struct dur_case {
    const char *in;
    int rc;
    int64_t us;
} dur_case;

static void test_parse_duration(void **state)
{
    (void)state;
    const dur_case cases[] = {
        {"0", WR_OK, 0},
        {"10 s", WR_OK, 10000000},
        {"10s", WR_OK, 10000000},
        {"10 sec", WR_OK, 10000000},
        {"10 secs", WR_OK, 10000000},
        {"10 second", WR_OK, 10000000},
        {"10 seconds", WR_OK, 10000000},
        {"5 min", WR_OK, 300000000},
        {"5min", WR_OK, 300000000},
        {"5 m", WR_OK, 300000000},
        {"5 minute", WR_OK, 300000000},
        {"5 minutes", WR_OK, 300000000},
        {"1 h", WR_OK, 3600000000},
        {"1 hour", WR_OK, 3600000000},
        {"2 hours", WR_OK, 7200000000},
        {"2 d", WR_OK, 172800000000},
        {"1 day", WR_OK, 86400000000},
        {"3 days", WR_OK, 259200000000},
        {"200 ms", WR_OK, 200000},
        {"200ms", WR_OK, 200000},
        {"200 milli", WR_OK, 200000},
        {"200 millis", WR_OK, 200000},
        {"200 millisecond", WR_OK, 200000},
        {"200 milliseconds", WR_OK, 200000},
        {"50 us", WR_OK, 50},
        {"50 micro", WR_OK, 50},
        {"50 micros", WR_OK, 50},
        {"50 microseconds", WR_OK, 50},
        {"50 \xc2\xb5s", WR_OK, 50},
        {"5000 ns", WR_OK, 5},
        {"5000 nanos", WR_OK, 5},
        {"1500", WR_OK, 1500000}, /* bare number: milliseconds */
        {"  10 S  ", WR_OK, 10000000},
        {"10 SECONDS", WR_OK, 10000000},
        {"1 MIN", WR_OK, 60000000},
        {"007s", WR_OK, 7000000},
        {"9223372036854 ms", WR_OK, 9223372036854000},
        {"9223372036854775807 us", WR_OK, INT64_MAX},
        {"", WR_EPARSE, 0},
        {"   ", WR_EPARSE, 0},
        {"s", WR_EPARSE, 0},
        {"-1 s", WR_EPARSE, 0},
        {"+1 s", WR_EPARSE, 0},
        {"1.5 s", WR_EPARSE, 0},
        {"10 sx", WR_EPARSE, 0},
        {"10 years", WR_EPARSE, 0},
        {"10 s 5", WR_EPARSE, 0},
        {"ten seconds", WR_EPARSE, 0},
        {"0x10", WR_EPARSE, 0},
        {"9223372036854775808 us", WR_EOVERFLOW, 0},
        {"9223372036854776 ms", WR_EOVERFLOW, 0},
        {"106751992 d", WR_EOVERFLOW, 0},
        {"99999999999999999999999 s", WR_EOVERFLOW, 0},
        {"99999999999999999999999 bogus", WR_EPARSE, 0},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        int64_t us = -42;
        int rc = wr_parse_duration(cases[i].in, &us);
        if (rc != cases[i].rc) fail_msg("'%s': rc %d, expected %d", cases[i].in, rc, cases[i].rc);
        if (rc == WR_OK && us != cases[i].us)
            fail_msg("'%s': %lld, expected %lld", cases[i].in, (long long)us,
                     (long long)cases[i].us);
        if (rc != WR_OK) assert_int_equal(us, -42); /* untouched on failure */
    }
    assert_int_equal(wr_parse_duration(NULL, NULL), WR_EINVAL);
}

static void test_parse_size(void **state)
{
    (void)state;
    const dur_case cases[] = {
        {"0", WR_OK, 0},
        {"100", WR_OK, 100},
        {"100b", WR_OK, 100},
        {"100 bytes", WR_OK, 100},
        {"64 kb", WR_OK, 65536},
        {"64k", WR_OK, 65536},
        {"64 KB", WR_OK, 65536},
        {"64 kibibytes", WR_OK, 65536},
        {"128MB", WR_OK, 134217728},
        {"128 m", WR_OK, 134217728},
        {"128 mebibytes", WR_OK, 134217728},
        {"1g", WR_OK, 1073741824},
        {"1 GB", WR_OK, 1073741824},
        {"1 gibibytes", WR_OK, 1073741824},
        {"2t", WR_OK, 2199023255552},
        {"2 TB", WR_OK, 2199023255552},
        {"2 tebibytes", WR_OK, 2199023255552},
        {" 7 B ", WR_OK, 7},
        {"8388607 tb", WR_OK, 9223370937343148032},
        {"8388608 tb", WR_EOVERFLOW, 0},
        {"99999999999999999999", WR_EOVERFLOW, 0},
        {"", WR_EPARSE, 0},
        {"mb", WR_EPARSE, 0},
        {"-1 mb", WR_EPARSE, 0},
        {"1.5 gb", WR_EPARSE, 0},
        {"1 pb", WR_EPARSE, 0},
        {"1 mbb", WR_EPARSE, 0},
        {"1 ms", WR_EPARSE, 0},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        int64_t v = -42;
        int rc = wr_parse_size(cases[i].in, &v);
        if (rc != cases[i].rc) fail_msg("'%s': rc %d, expected %d", cases[i].in, rc, cases[i].rc);
        if (rc == WR_OK && v != cases[i].us)
            fail_msg("'%s': %lld, expected %lld", cases[i].in, (long long)v,
                     (long long)cases[i].us);
    }
    assert_int_equal(wr_parse_size(NULL, NULL), WR_EINVAL);
}

static void test_parse_i64(void **state)
{
    (void)state;
    const dur_case cases[] = {
        {"0", WR_OK, 0},
        {"42", WR_OK, 42},
        {"-42", WR_OK, -42},
        {"+42", WR_OK, 42},
        {"-0", WR_OK, 0},
        {"0012", WR_OK, 12},
        {"9223372036854775807", WR_OK, INT64_MAX},
        {"-9223372036854775808", WR_OK, INT64_MIN},
        {"9223372036854775808", WR_EOVERFLOW, 0},
        {"-9223372036854775809", WR_EOVERFLOW, 0},
        {"123456789012345678901234567890", WR_EOVERFLOW, 0},
        {"", WR_EPARSE, 0},
        {"-", WR_EPARSE, 0},
        {"+", WR_EPARSE, 0},
        {" 1", WR_EPARSE, 0},
        {"1 ", WR_EPARSE, 0},
        {"1x", WR_EPARSE, 0},
        {"0x1f", WR_EPARSE, 0},
        {"1.0", WR_EPARSE, 0},
        {"--1", WR_EPARSE, 0},
        {"99999999999999999999x", WR_EPARSE, 0},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        int64_t v = -42;
        int rc = wr_parse_i64(cases[i].in, &v);
        if (rc != cases[i].rc) fail_msg("'%s': rc %d, expected %d", cases[i].in, rc, cases[i].rc);
        if (rc == WR_OK && v != cases[i].us)
            fail_msg("'%s': %lld, expected %lld", cases[i].in, (long long)v,
                     (long long)cases[i].us);
    }
    assert_int_equal(wr_parse_i64(NULL, NULL), WR_EINVAL);
}

static void test_parse_bool(void **state)
{
    (void)state;
    bool b = false;
    assert_int_equal(wr_parse_bool("true", &b), WR_OK);
    assert_true(b);
    assert_int_equal(wr_parse_bool("FALSE", &b), WR_OK);
    assert_false(b);
    assert_int_equal(wr_parse_bool("True", &b), WR_OK);
    assert_true(b);
    assert_int_equal(wr_parse_bool("fAlSe", &b), WR_OK);
    assert_false(b);
    const char *bad[] = {"", "yes", "1", "0", "t", "true ", " false", "truee", NULL};
    for (int i = 0; bad[i]; i++)
        assert_int_equal(wr_parse_bool(bad[i], &b), WR_EPARSE);
    assert_int_equal(wr_parse_bool(NULL, &b), WR_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_distance),  cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_parse_duration), cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_parse_i64),      cmocka_unit_test(test_parse_bool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
