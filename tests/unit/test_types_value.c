/* test_types_value.c - scalar values: Java-style float/double text, rendering of every type
 * in the print, CSV and JSON styles (CSV quoting, JSON escapes, base64), strict parsing with
 * its error messages, and the total order and hash. */
#include "testutil.h"
#include "types/types.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static char out_text[512];

static const char *render(wr_type t, wr_value v, wr_format_style style)
{
    wr_buf b;
    wr_buf_init(&b);
    int rc = wr_value_format(&t, &v, style, &b);
    if (rc != 0) fail_msg("wr_value_format failed: %d", rc);
    snprintf(out_text, sizeof out_text, "%s", b.ptr);
    wr_buf_free(&b);
    return out_text;
}

static const char *dbl(double d)
{
    return render(wr_type_make(WR_TYPE_DOUBLE), (wr_value){.d = d}, WR_STYLE_PRINT);
}

static const char *flt(float f)
{
    return render(wr_type_make(WR_TYPE_FLOAT), (wr_value){.d = f}, WR_STYLE_PRINT);
}

static void test_java_double(void **state)
{
    (void)state;
    static const struct {
        double d;
        const char *text;
    } cases[] = {
        {1.0, "1.0"},
        {0.1, "0.1"},
        {1e10, "1.0E10"},
        {1.234e-5, "1.234E-5"},
        {100.0, "100.0"},
        {1234567.0, "1234567.0"},
        {9999999.0, "9999999.0"},
        {1e7, "1.0E7"},
        {12345678.9, "1.23456789E7"},
        {0.001, "0.001"},
        {0.0001, "1.0E-4"},
        {0.00123, "0.00123"},
        {-1.5, "-1.5"},
        {123.456, "123.456"},
        {1.0 / 3, "0.3333333333333333"},
        {2.0 / 3, "0.6666666666666666"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1e21, "1.0E21"},
        {1e23, "1.0E23"},
        {-1e-300, "-1.0E-300"},
        {DBL_MAX, "1.7976931348623157E308"},
        {DBL_MIN, "2.2250738585072014E-308"},
        {4.9e-324, "4.9E-324"},
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {NAN, "NaN"},
        {INFINITY, "Infinity"},
        {-INFINITY, "-Infinity"},
        {100.5, "100.5"},
        {3.0e6, "3000000.0"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++)
        if (strcmp(dbl(cases[i].d), cases[i].text) != 0)
            fail_msg("Double.toString(%.17g): got %s want %s", cases[i].d, out_text, cases[i].text);
}

static void test_java_float(void **state)
{
    (void)state;
    static const struct {
        float f;
        const char *text;
    } cases[] = {
        {0.1f, "0.1"},
        {1.0f / 3, "0.33333334"},
        {1e10f, "1.0E10"},
        {1.1f, "1.1"},
        {16777216.0f, "1.6777216E7"},
        {FLT_MAX, "3.4028235E38"},
        {1.4e-45f, "1.4E-45"},
        {-2.5f, "-2.5"},
        {1234567.0f, "1234567.0"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++)
        if (strcmp(flt(cases[i].f), cases[i].text) != 0)
            fail_msg("Float.toString(%.9g): got %s want %s", (double)cases[i].f, out_text,
                     cases[i].text);
}

/* Shortest round-trip: parsing the text gives back exactly the double. */
static void test_double_roundtrip(void **state)
{
    (void)state;
    wr_type t = wr_type_make(WR_TYPE_DOUBLE);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 50000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double d;
        memcpy(&d, &x, sizeof d);
        if (!isfinite(d)) continue;
        const char *text = dbl(d);
        wr_value v;
        assert_int_equal(wr_value_parse(&t, text, strlen(text), &v, NULL), 0);
        if (memcmp(&v.d, &d, sizeof d) != 0) fail_msg("%s did not round-trip", text);
    }
}

typedef struct fmt_case {
    wr_type t;
    wr_value v;
    const char *print, *csv, *json;
} fmt_case;

#define STRV(lit) wr_strv_make((lit), sizeof(lit) - 1)

static void test_format_styles(void **state)
{
    (void)state;
    wr_type ym = wr_type_make(WR_TYPE_INTERVAL_YM), dtv = wr_type_make(WR_TYPE_INTERVAL_DT);
    wr_type time3 = wr_type_make(WR_TYPE_TIME);
    time3.precision = 3;
    const fmt_case cases[] = {
        {wr_type_make(WR_TYPE_INT), {.is_null = true}, "null", "", "null"},
        {wr_type_make(WR_TYPE_NULL), {.is_null = true}, "null", "", "null"},
        {wr_type_make(WR_TYPE_BOOLEAN), {.b = true}, "true", "true", "true"},
        {wr_type_make(WR_TYPE_BOOLEAN), {.b = false}, "false", "false", "false"},
        {wr_type_make(WR_TYPE_TINYINT), {.i = -128}, "-128", "-128", "-128"},
        {wr_type_make(WR_TYPE_BIGINT),
         {.i = INT64_MIN},
         "-9223372036854775808",
         "-9223372036854775808",
         "-9223372036854775808"},
        {wr_type_make(WR_TYPE_DOUBLE), {.d = 1e10}, "1.0E10", "1.0E10", "1.0E10"},
        {wr_type_make(WR_TYPE_DOUBLE), {.d = NAN}, "NaN", "NaN", "\"NaN\""},
        {wr_type_make(WR_TYPE_DOUBLE), {.d = -INFINITY}, "-Infinity", "-Infinity", "\"-Infinity\""},
        {wr_type_decimal(10, 2), {.i = -5}, "-0.05", "-0.05", "-0.05"},
        {wr_type_decimal(30, 3),
         {.dec = (wr_i128)123456789012345678ll * 1000000 + 123},
         "123456789012345678000.123",
         "123456789012345678000.123",
         "123456789012345678000.123"},
        {wr_type_varchar(WR_MAX_LENGTH), {.s = STRV("plain")}, "plain", "plain", "\"plain\""},
        {wr_type_varchar(WR_MAX_LENGTH), {.s = STRV("")}, "", "", "\"\""},
        {wr_type_varchar(WR_MAX_LENGTH), {.s = STRV("a,b")}, "a,b", "\"a,b\"", "\"a,b\""},
        {wr_type_varchar(WR_MAX_LENGTH),
         {.s = STRV("say \"hi\"")},
         "say \"hi\"",
         "\"say \"\"hi\"\"\"",
         "\"say \\\"hi\\\"\""},
        {wr_type_varchar(20),
         {.s = STRV("line\nbreak")},
         "line\nbreak",
         "\"line\nbreak\"",
         "\"line\\nbreak\""},
        {wr_type_varchar(20), {.s = STRV("cr\r")}, "cr\r", "\"cr\r\"", "\"cr\\r\""},
        {wr_type_varchar(20), {.s = STRV("\"")}, "\"", "\"\"\"\"", "\"\\\"\""},
        {wr_type_make(WR_TYPE_VARBINARY), {.s = STRV("Man")}, "[77, 97, 110]", "TWFu", "\"TWFu\""},
        {wr_type_make(WR_TYPE_VARBINARY), {.s = STRV("Ma")}, "[77, 97]", "TWE=", "\"TWE=\""},
        {wr_type_make(WR_TYPE_VARBINARY), {.s = STRV("\xff")}, "[-1]", "/w==", "\"/w==\""},
        {wr_type_make(WR_TYPE_VARBINARY), {.s = STRV("")}, "[]", "", "\"\""},
        {wr_type_make(WR_TYPE_DATE), {.i = 19724}, "2024-01-02", "2024-01-02", "\"2024-01-02\""},
        {wr_type_make(WR_TYPE_TIME), {.i = 11045000000ll}, "03:04:05", "03:04:05", "\"03:04:05\""},
        {time3, {.i = 11045678000ll}, "03:04:05.678", "03:04:05.678", "\"03:04:05.678\""},
        {wr_type_timestamp(3),
         {.i = 1704164645678000ll},
         "2024-01-02T03:04:05.678",
         "2024-01-02 03:04:05.678",
         "\"2024-01-02 03:04:05.678\""},
        {wr_type_timestamp(0),
         {.i = -1},
         "1969-12-31T23:59:59",
         "1969-12-31 23:59:59",
         "\"1969-12-31 23:59:59\""},
        {wr_type_timestamp_ltz(3),
         {.i = 1704164645678000ll},
         "2024-01-02T03:04:05.678Z",
         "2024-01-02 03:04:05.678Z",
         "\"2024-01-02 03:04:05.678Z\""},
        {ym, {.i = 14}, "+1-02", "+1-02", "\"+1-02\""},
        {ym, {.i = -14}, "-1-02", "-1-02", "\"-1-02\""},
        {dtv, {.i = 93784005000ll}, "+1 02:03:04.005", "+1 02:03:04.005", "\"+1 02:03:04.005\""},
        {dtv, {.i = -1000}, "-0 00:00:00.001", "-0 00:00:00.001", "\"-0 00:00:00.001\""},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        const fmt_case *c = &cases[i];
        const char *want[3] = {c->print, c->csv, c->json};
        for (int s = 0; s < 3; s++)
            if (strcmp(render(c->t, c->v, (wr_format_style)s), want[s]) != 0)
                fail_msg("case %zu style %d: got [%s] want [%s]", i, s, out_text, want[s]);
    }
    /* Nested types have no value representation yet. */
    wr_type arr = wr_type_make(WR_TYPE_ARRAY);
    wr_buf b;
    wr_buf_init(&b);
    wr_value v = {.i = 1};
    assert_int_equal(wr_value_format(&arr, &v, WR_STYLE_PRINT, &b), WR_EUNSUPPORTED);
    wr_buf_free(&b);
}

static void test_vec_format(void **state)
{
    (void)state;
    wr_schema *s = wr_schema_new(2);
    wr_schema_set(s, 0, "ts", wr_type_timestamp(3));
    wr_schema_set(s, 1, "f", wr_type_make(WR_TYPE_FLOAT));
    wr_batch *bt = wr_batch_new(s, 4, NULL);
    wr_value v = {.i = 1704164645678000ll};
    assert_int_equal(wr_batch_set(bt, 0, 0, &v), 0);
    v = (wr_value){.d = 0.1};
    assert_int_equal(wr_batch_set(bt, 1, 0, &v), 0);
    bt->len = 2;
    wr_buf b;
    wr_buf_init(&b);
    for (uint32_t r = 0; r < 2; r++)
        for (uint32_t c = 0; c < 2; c++) {
            if (b.len) wr_buf_append_c(&b, ", ");
            assert_int_equal(wr_vec_format(&bt->cols[c], r, WR_STYLE_PRINT, &b), 0);
        }
    assert_string_equal(b.ptr, "2024-01-02T03:04:05.678, 0.1, null, null");
    wr_buf_free(&b);
    wr_batch_release(bt);
    wr_schema_free(s);
}

typedef struct parse_case {
    wr_type t;
    const char *text;
    int rc;
    wr_value v;
} parse_case;

static bool same_value(const wr_type *t, const wr_value *a, const wr_value *b)
{
    if (a->is_null != b->is_null) return false;
    if (a->is_null) return true;
    if (t->id == WR_TYPE_DOUBLE || t->id == WR_TYPE_FLOAT)
        return (isnan(a->d) && isnan(b->d)) || a->d == b->d;
    return wr_value_cmp(t, a, b) == 0;
}

static void test_parse(void **state)
{
    (void)state;
    wr_type time3 = wr_type_make(WR_TYPE_TIME);
    time3.precision = 3;
    const parse_case cases[] = {
        {wr_type_make(WR_TYPE_BOOLEAN), "true", 0, {.b = true}},
        {wr_type_make(WR_TYPE_BOOLEAN), " FALSE ", 0, {.b = false}},
        {wr_type_make(WR_TYPE_BOOLEAN), "TrUe", 0, {.b = true}},
        {wr_type_make(WR_TYPE_BOOLEAN), "yes", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_BOOLEAN), "1", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_TINYINT), "-128", 0, {.i = -128}},
        {wr_type_make(WR_TYPE_TINYINT), "127", 0, {.i = 127}},
        {wr_type_make(WR_TYPE_TINYINT), "128", WR_EOVERFLOW, {0}},
        {wr_type_make(WR_TYPE_TINYINT), "-129", WR_EOVERFLOW, {0}},
        {wr_type_make(WR_TYPE_SMALLINT), "-32768", 0, {.i = -32768}},
        {wr_type_make(WR_TYPE_SMALLINT), "32768", WR_EOVERFLOW, {0}},
        {wr_type_make(WR_TYPE_INT), "2147483647", 0, {.i = 2147483647}},
        {wr_type_make(WR_TYPE_INT), "2147483648", WR_EOVERFLOW, {0}},
        {wr_type_make(WR_TYPE_INT), " 42 ", 0, {.i = 42}},
        {wr_type_make(WR_TYPE_INT), "+5", 0, {.i = 5}},
        {wr_type_make(WR_TYPE_INT), "007", 0, {.i = 7}},
        {wr_type_make(WR_TYPE_INT), "4 2", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_INT), "", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_INT), "-", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_INT), "1.0", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_INT), "0x10", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_BIGINT), "-9223372036854775808", 0, {.i = INT64_MIN}},
        {wr_type_make(WR_TYPE_BIGINT), "9223372036854775807", 0, {.i = INT64_MAX}},
        {wr_type_make(WR_TYPE_BIGINT), "9223372036854775808", WR_EOVERFLOW, {0}},
        {wr_type_make(WR_TYPE_BIGINT), "99999999999999999999999", WR_EOVERFLOW, {0}},
        {wr_type_make(WR_TYPE_DOUBLE), "1.5e3", 0, {.d = 1500}},
        {wr_type_make(WR_TYPE_DOUBLE), "-.5", 0, {.d = -0.5}},
        {wr_type_make(WR_TYPE_DOUBLE), "5.", 0, {.d = 5}},
        {wr_type_make(WR_TYPE_DOUBLE), "NaN", 0, {.d = NAN}},
        {wr_type_make(WR_TYPE_DOUBLE), "Infinity", 0, {.d = INFINITY}},
        {wr_type_make(WR_TYPE_DOUBLE), "-Infinity", 0, {.d = -INFINITY}},
        {wr_type_make(WR_TYPE_DOUBLE), "1e400", 0, {.d = INFINITY}},
        {wr_type_make(WR_TYPE_DOUBLE), "1.0E-4", 0, {.d = 1e-4}},
        {wr_type_make(WR_TYPE_DOUBLE), "0x10", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_DOUBLE), "inf", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_DOUBLE), "1e", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_DOUBLE), ".", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_DOUBLE), "abc", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_DOUBLE), "1.5d", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_FLOAT), "0.1", 0, {.d = (double)0.1f}},
        {wr_type_decimal(5, 2), "123.456", 0, {.i = 12346}},
        {wr_type_decimal(5, 2), "1234.5", WR_EOVERFLOW, {0}},
        {wr_type_decimal(5, 2), "1e2", WR_EPARSE, {0}},
        {wr_type_decimal(30, 2),
         "1234567890123456789012.345",
         0,
         {.dec = (wr_i128)123456789012345678ll * 1000000 + 901235}},
        {wr_type_make(WR_TYPE_DATE), "2024-01-02", 0, {.i = 19724}},
        {wr_type_make(WR_TYPE_DATE), "2024-02-30", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_TIME), "03:04:05.678", 0, {.i = 11045000000ll}},
        {time3, "03:04:05.678999", 0, {.i = 11045678000ll}},
        {wr_type_timestamp(3), "2024-01-02 03:04:05.678999", 0, {.i = 1704164645678000ll}},
        {wr_type_timestamp(3), "1969-12-31 23:59:59.9999", 0, {.i = -1000}},
        {wr_type_timestamp(6), "2024-01-02T03:04:05.678999Z", 0, {.i = 1704164645678999ll}},
        {wr_type_timestamp_ltz(3), "2024-01-02 03:04:05.678Z", 0, {.i = 1704164645678000ll}},
        {wr_type_timestamp(3), "yesterday", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_INTERVAL_YM), "+1-02", 0, {.i = 14}},
        {wr_type_make(WR_TYPE_INTERVAL_YM), "-1-02", 0, {.i = -14}},
        {wr_type_make(WR_TYPE_INTERVAL_YM), "1-12", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_INTERVAL_DT), "+1 02:03:04.005", 0, {.i = 93784005000ll}},
        {wr_type_make(WR_TYPE_INTERVAL_DT), "-0 00:00:00.001", 0, {.i = -1000}},
        {wr_type_make(WR_TYPE_INTERVAL_DT), "1 2:3:4", WR_EPARSE, {0}},
        {wr_type_make(WR_TYPE_NULL), "anything", 0, {.is_null = true}},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        const parse_case *c = &cases[i];
        wr_value v;
        wr_error err = {0};
        int rc = wr_value_parse(&c->t, c->text, strlen(c->text), &v, &err);
        if (rc != c->rc) fail_msg("parse '%s' (case %zu): rc %d want %d", c->text, i, rc, c->rc);
        if (rc == 0 && !same_value(&c->t, &v, &c->v))
            fail_msg("parse '%s' (case %zu): wrong value", c->text, i);
        if (rc != 0) {
            assert_int_equal(err.code, rc);
            assert_int_equal(err.domain, WR_DOMAIN_USER);
            assert_non_null(strstr(err.msg, c->text));
        }
    }
}

static void test_parse_messages(void **state)
{
    (void)state;
    wr_value v;
    wr_error err;
    wr_type t = wr_type_make(WR_TYPE_INT);
    assert_int_equal(wr_value_parse(&t, "abc", 3, &v, &err), WR_EPARSE);
    assert_string_equal(err.msg, "expected an INT but found 'abc'");
    t = wr_type_not_null(wr_type_make(WR_TYPE_BIGINT));
    assert_int_equal(wr_value_parse(&t, "1x", 2, &v, &err), WR_EPARSE);
    assert_string_equal(err.msg, "expected a BIGINT but found '1x'");
    t = wr_type_decimal(10, 2);
    assert_int_equal(wr_value_parse(&t, "x", 1, &v, &err), WR_EPARSE);
    assert_string_equal(err.msg, "expected a DECIMAL(10, 2) but found 'x'");
    t = wr_type_make(WR_TYPE_TINYINT);
    assert_int_equal(wr_value_parse(&t, "300", 3, &v, &err), WR_EOVERFLOW);
    assert_string_equal(err.msg, "value '300' is out of range for TINYINT");
    t = wr_type_timestamp(3);
    t.time_attr = WR_TIME_ATTR_ROWTIME;
    assert_int_equal(wr_value_parse(&t, "2024", 4, &v, &err), WR_EPARSE);
    assert_string_equal(err.msg, "expected a TIMESTAMP(3) but found '2024'");
    /* Long input is cut in the message. */
    char longtext[200];
    memset(longtext, 'q', sizeof longtext);
    t = wr_type_make(WR_TYPE_DOUBLE);
    assert_int_equal(wr_value_parse(&t, longtext, sizeof longtext, &v, &err), WR_EPARSE);
    assert_non_null(strstr(err.msg, "...'"));
    assert_true(strlen(err.msg) < 120);
    /* Strings are views into the input, untrimmed. */
    t = wr_type_varchar(WR_MAX_LENGTH);
    const char *text = " padded ";
    assert_int_equal(wr_value_parse(&t, text, 8, &v, &err), 0);
    assert_ptr_equal(v.s.ptr, text);
    assert_int_equal(v.s.len, 8);
    /* Nested types cannot be parsed from text. */
    t = wr_type_make(WR_TYPE_ROW);
    assert_int_equal(wr_value_parse(&t, "x", 1, &v, &err), WR_EUNSUPPORTED);
    /* A NULL error object is allowed. */
    t = wr_type_make(WR_TYPE_INT);
    assert_int_equal(wr_value_parse(&t, "x", 1, &v, NULL), WR_EPARSE);
}

/* format in any style, then parse, gives the value back (the text forms are consistent). */
static void test_format_parse_roundtrip(void **state)
{
    (void)state;
    wr_type time6 = wr_type_make(WR_TYPE_TIME);
    time6.precision = 6;
    const struct {
        wr_type t;
        wr_value v;
    } cases[] = {
        {wr_type_make(WR_TYPE_INT), {.i = -17}},
        {wr_type_make(WR_TYPE_DOUBLE), {.d = 1.234e-5}},
        {wr_type_make(WR_TYPE_FLOAT), {.d = (double)1.1f}},
        {wr_type_decimal(20, 4), {.dec = -123456789012345ll}},
        {wr_type_make(WR_TYPE_DATE), {.i = -719162}},
        {time6, {.i = 86399999999ll}},
        {wr_type_timestamp(6), {.i = -62135596800000000ll + 1}},
        {wr_type_timestamp_ltz(3), {.i = 1704164645678000ll}},
        {wr_type_make(WR_TYPE_INTERVAL_YM), {.i = -123}},
        {wr_type_make(WR_TYPE_INTERVAL_DT), {.i = -93784005000ll}},
        {wr_type_make(WR_TYPE_BOOLEAN), {.b = true}},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        for (int s = 0; s < 2; s++) { /* print and CSV produce unquoted text */
            const char *text = render(cases[i].t, cases[i].v, (wr_format_style)s);
            wr_value back;
            assert_int_equal(wr_value_parse(&cases[i].t, text, strlen(text), &back, NULL), 0);
            if (!same_value(&cases[i].t, &back, &cases[i].v))
                fail_msg("case %zu: '%s' did not parse back", i, text);
        }
    }
}

static void test_cmp(void **state)
{
    (void)state;
    wr_value null = {.is_null = true};
    wr_type ti = wr_type_make(WR_TYPE_BIGINT);
    wr_value a = {.i = 1}, b = {.i = 2}, m = {.i = INT64_MIN};
    assert_true(wr_value_cmp(&ti, &null, &a) < 0);
    assert_true(wr_value_cmp(&ti, &a, &null) > 0);
    assert_int_equal(wr_value_cmp(&ti, &null, &null), 0);
    assert_true(wr_value_cmp(&ti, &a, &b) < 0);
    assert_true(wr_value_cmp(&ti, &m, &a) < 0);
    assert_int_equal(wr_value_cmp(&ti, &a, &a), 0);

    wr_type td = wr_type_make(WR_TYPE_DOUBLE);
    const double order[] = {-INFINITY, -1e300, -1, 0, 1e-300, 1, INFINITY, NAN};
    for (size_t i = 0; i < WR_ARRAY_LEN(order); i++)
        for (size_t j = 0; j < WR_ARRAY_LEN(order); j++) {
            wr_value x = {.d = order[i]}, y = {.d = order[j]};
            int c = wr_value_cmp(&td, &x, &y);
            assert_int_equal(c < 0, i < j);
            assert_int_equal(c == 0, i == j);
            assert_true(wr_value_cmp(&td, &null, &x) < 0);
        }
    wr_value pz = {.d = 0.0}, nz = {.d = -0.0}, n1 = {.d = NAN}, n2 = {.d = -NAN};
    assert_int_equal(wr_value_cmp(&td, &pz, &nz), 0);
    assert_int_equal(wr_value_cmp(&td, &n1, &n2), 0);

    wr_type ts = wr_type_varchar(WR_MAX_LENGTH);
    const char *strs[] = {"", "A", "a", "ab", "b", "\x7f", "\x80", "\xff"};
    for (size_t i = 0; i < WR_ARRAY_LEN(strs); i++)
        for (size_t j = 0; j < WR_ARRAY_LEN(strs); j++) {
            wr_value x = {.s = wr_strv_make(strs[i], (uint32_t)strlen(strs[i]))};
            wr_value y = {.s = wr_strv_make(strs[j], (uint32_t)strlen(strs[j]))};
            int c = wr_value_cmp(&ts, &x, &y);
            assert_int_equal(c < 0, i < j);
            assert_int_equal(c == 0, i == j);
        }

    wr_type tdec = wr_type_decimal(38, 0);
    wr_value big = {.dec = wr_pow10_i128(37)}, neg = {.dec = -wr_pow10_i128(37)};
    assert_true(wr_value_cmp(&tdec, &neg, &big) < 0);
    assert_true(wr_value_cmp(&tdec, &big, &neg) > 0);
    wr_type tb = wr_type_make(WR_TYPE_BOOLEAN);
    wr_value f = {.b = false}, t = {.b = true};
    assert_true(wr_value_cmp(&tb, &f, &t) < 0);
    wr_type tts = wr_type_timestamp(3);
    wr_value before = {.i = -1000}, epoch = {.i = 0};
    assert_true(wr_value_cmp(&tts, &before, &epoch) < 0);
}

static void test_hash(void **state)
{
    (void)state;
    wr_type td = wr_type_make(WR_TYPE_DOUBLE);
    wr_value pz = {.d = 0.0}, nz = {.d = -0.0}, n1 = {.d = NAN}, n2 = {.d = -NAN}, one = {.d = 1};
    assert_true(wr_value_hash(&td, &pz) == wr_value_hash(&td, &nz));
    assert_true(wr_value_hash(&td, &n1) == wr_value_hash(&td, &n2));
    assert_true(wr_value_hash(&td, &pz) != wr_value_hash(&td, &one));

    wr_type ts = wr_type_varchar(WR_MAX_LENGTH);
    char buf1[] = "key-1", buf2[] = "key-1";
    wr_value s1 = {.s = wr_strv_make(buf1, 5)}, s2 = {.s = wr_strv_make(buf2, 5)};
    wr_value s3 = {.s = wr_strv_make("key-2", 5)}, empty = {.s = wr_strv_make(NULL, 0)};
    assert_true(wr_value_hash(&ts, &s1) == wr_value_hash(&ts, &s2));
    assert_true(wr_value_hash(&ts, &s1) != wr_value_hash(&ts, &s3));
    wr_value empty2 = {.s = wr_strv_make("", 0)};
    assert_true(wr_value_hash(&ts, &empty) == wr_value_hash(&ts, &empty2));

    wr_type ti = wr_type_make(WR_TYPE_INT);
    wr_value null = {.is_null = true}, null2 = {.is_null = true, .i = 99};
    assert_true(wr_value_hash(&ti, &null) == wr_value_hash(&ti, &null2));
    /* Distinct small integers spread. */
    uint64_t seen[256];
    for (int i = 0; i < 256; i++) {
        wr_value v = {.i = i};
        seen[i] = wr_value_hash(&ti, &v);
        for (int j = 0; j < i; j++)
            assert_true(seen[i] != seen[j]);
    }
    wr_type tdec = wr_type_decimal(30, 2);
    wr_value d1 = {.dec = wr_pow10_i128(25) + 1}, d2 = {.dec = wr_pow10_i128(25) + 1};
    wr_value d3 = {.dec = wr_pow10_i128(25) + 2};
    assert_true(wr_value_hash(&tdec, &d1) == wr_value_hash(&tdec, &d2));
    assert_true(wr_value_hash(&tdec, &d1) != wr_value_hash(&tdec, &d3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_java_double),
        cmocka_unit_test(test_java_float),
        cmocka_unit_test(test_double_roundtrip),
        cmocka_unit_test(test_format_styles),
        cmocka_unit_test(test_vec_format),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_messages),
        cmocka_unit_test(test_format_parse_roundtrip),
        cmocka_unit_test(test_cmp),
        cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
