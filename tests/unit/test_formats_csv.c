/* test_formats_csv.c - the csv format: decoding every scalar type, quoting (delimiters, quotes
 * and line breaks inside fields), NULLs and the null literal, comments, escapes, custom
 * delimiters, error messages with line and column, ignore-parse-errors counting, records
 * split across buffers, and encode/decode round trips. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_formats_util.h"

static decoded decode_all(const wr_csv_config *cfg, const wr_schema *s, const char *input)
{
    return decode_with(&wr_format_csv, cfg, s, input);
}

static wr_csv_config defaults(void)
{
    wr_csv_config c;
    wr_format_csv.config_init(&c);
    return c;
}

static void test_all_types(void **state)
{
    (void)state;
    col_spec cols[] = {
        {"b", wr_type_make(WR_TYPE_BOOLEAN)},   {"ti", wr_type_make(WR_TYPE_TINYINT)},
        {"si", wr_type_make(WR_TYPE_SMALLINT)}, {"i", wr_type_make(WR_TYPE_INT)},
        {"bi", wr_type_make(WR_TYPE_BIGINT)},   {"f", wr_type_make(WR_TYPE_FLOAT)},
        {"d", wr_type_make(WR_TYPE_DOUBLE)},    {"dec", wr_type_decimal(10, 2)},
        {"s", wr_type_varchar(WR_MAX_LENGTH)},  {"by", wr_type_make(WR_TYPE_VARBINARY)},
        {"dt", wr_type_make(WR_TYPE_DATE)},     {"tm", wr_type_make(WR_TYPE_TIME)},
        {"ts", wr_type_timestamp(3)},           {"big", wr_type_decimal(30, 4)},
    };
    wr_schema *s = make_schema(cols, WR_ARRAY_LEN(cols));
    wr_csv_config cfg = defaults();
    decoded d = decode_all(&cfg, s,
                           "true,-128,32767,-2147483648,9223372036854775807,1.5,-2.25,12.34,"
                           "hello,AQID,2024-01-02,03:04:05,2024-01-02 03:04:05.678,"
                           "12345678901234567890.1234\n"
                           "FALSE,1,2,3,4,1e3,1E-3,-0.5,\"a,b\",,1970-01-01,00:00:00,"
                           "1999-12-31T23:59:59.999,-1\n");
    assert_int_equal(d.rc, WR_OK);
    assert_int_equal(d.res.rows, 2);
    assert_int_equal(d.res.lines, 2);
    assert_string_equal(d.text,
                        "true|-128|32767|-2147483648|9223372036854775807|1.5|-2.25|12.34|hello|"
                        "[1, 2, 3]|2024-01-02|03:04:05|2024-01-02T03:04:05.678|"
                        "12345678901234567890.1234\n"
                        "false|1|2|3|4|1000.0|0.001|-0.50|a,b|null|1970-01-01|00:00:00|"
                        "1999-12-31T23:59:59.999|-1.0000\n");
    wr_free(d.text);
    wr_schema_free(s);
}

static void test_nulls_and_empty(void **state)
{
    (void)state;
    col_spec cols[] = {{"i", wr_type_make(WR_TYPE_INT)},
                       {"s", wr_type_varchar(WR_MAX_LENGTH)},
                       {"d", wr_type_make(WR_TYPE_DOUBLE)}};
    wr_schema *s = make_schema(cols, 3);
    wr_csv_config cfg = defaults();
    /* Empty non-string fields are NULL; an empty STRING is "". */
    decoded d = decode_all(&cfg, s, ",,\n\"\",\"\",\"\"\n");
    assert_int_equal(d.rc, WR_OK);
    assert_string_equal(d.text, "null||null\nnull||null\n");
    wr_free(d.text);

    /* With a null literal, that text is NULL for every type, STRING included. */
    cfg.has_null_literal = true;
    strcpy(cfg.null_literal, "\\N");
    d = decode_all(&cfg, s, "\\N,\\N,\\N\n1,,2\n");
    assert_int_equal(d.rc, WR_OK);
    assert_string_equal(d.text, "null|null|null\n1||2.0\n");
    wr_free(d.text);
    wr_schema_free(s);
}

static void test_quoting(void **state)
{
    (void)state;
    col_spec cols[] = {{"a", wr_type_varchar(WR_MAX_LENGTH)},
                       {"b", wr_type_varchar(WR_MAX_LENGTH)},
                       {"n", wr_type_make(WR_TYPE_INT)}};
    wr_schema *s = make_schema(cols, 3);
    wr_csv_config cfg = defaults();
    const char *in = "\"x \"\"quoted\"\" y\",\"line1\nline2\",1\r\n"
                     "plain \"mid\" quote,\"a,b,c\",\"2\"\n"
                     "\"\",\"\"\"\",3";
    decoded d = decode_all(&cfg, s, in);
    assert_int_equal(d.rc, WR_OK);
    assert_int_equal(d.res.rows, 3);
    assert_int_equal(d.res.lines, 3); /* two line breaks end records, one is inside a field */
    assert_string_equal(d.text, "x \"quoted\" y|line1\nline2|1\n"
                                "plain \"mid\" quote|a,b,c|2\n"
                                "|\"|3\n");
    wr_free(d.text);

    /* Other delimiter and quote characters. */
    cfg.field_delimiter = '\t';
    cfg.quote_char = '\'';
    d = decode_all(&cfg, s, "'a\tb'\t'it''s'\t7\n");
    assert_int_equal(d.rc, WR_OK);
    assert_string_equal(d.text, "a\tb|it's|7\n");
    wr_free(d.text);

    /* Quoting disabled: quotes are ordinary characters. */
    cfg = defaults();
    cfg.disable_quote = true;
    d = decode_all(&cfg, s, "\"a\",\"b,5\n");
    assert_int_equal(d.rc, WR_OK);
    assert_string_equal(d.text, "\"a\"|\"b|5\n");
    wr_free(d.text);
    d = decode_all(&cfg, s, "\"a\",\"b\",5\n");
    assert_int_equal(d.rc, WR_OK);
    assert_string_equal(d.text, "\"a\"|\"b\"|5\n");
    wr_free(d.text);
    wr_schema_free(s);
}

static void test_comments_escapes(void **state)
{
    (void)state;
    col_spec cols[] = {{"a", wr_type_varchar(WR_MAX_LENGTH)}, {"n", wr_type_make(WR_TYPE_INT)}};
    wr_schema *s = make_schema(cols, 2);
    wr_csv_config cfg = defaults();
    cfg.allow_comments = true;
    cfg.escape_char = '\\';
    decoded d = decode_all(&cfg, s,
                           "# a comment, with commas\n"
                           "a\\,b,1\n"
                           "\n"
                           "\"q\\\"x\",2\n"
                           "tab\\there,3\n");
    assert_int_equal(d.rc, WR_OK);
    assert_int_equal(d.res.rows, 3);
    assert_int_equal(d.res.lines, 5);
    assert_string_equal(d.text, "a,b|1\nq\"x|2\ntab\there|3\n");
    wr_free(d.text);

    /* Without allow-comments a '#' line is data (and here the wrong shape). */
    cfg = defaults();
    d = decode_all(&cfg, s, "#x,1\n");
    assert_int_equal(d.rc, WR_OK);
    assert_string_equal(d.text, "#x|1\n");
    wr_free(d.text);
    wr_schema_free(s);
}

static void test_errors(void **state)
{
    (void)state;
    col_spec cols[] = {{"name", wr_type_varchar(WR_MAX_LENGTH)},
                       {"n", wr_type_make(WR_TYPE_INT)},
                       {"t", wr_type_make(WR_TYPE_TINYINT)}};
    wr_schema *s = make_schema(cols, 3);
    wr_csv_config cfg = defaults();

    decoded d = decode_all(&cfg, s, "a,1,1\nb,2,2\nhello,abc,3\n");
    assert_int_equal(d.rc, WR_EPARSE);
    assert_string_equal(d.err.msg, "expected an INT but found 'abc'");
    assert_int_equal(d.res.err_line, 2);
    assert_int_equal(d.res.err_col, 7);
    assert_int_equal(d.res.rows, 2);
    assert_int_equal(d.res.consumed, 12);
    wr_free(d.text);

    d = decode_all(&cfg, s, "a,1,300\n");
    assert_int_equal(d.rc, WR_EPARSE);
    assert_string_equal(d.err.msg, "value '300' is out of range for TINYINT");
    assert_int_equal(d.res.err_col, 5);
    wr_free(d.text);

    d = decode_all(&cfg, s, "a,1\n");
    assert_int_equal(d.rc, WR_EPARSE);
    assert_string_equal(d.err.msg, "expected 3 fields but found 2");
    wr_free(d.text);

    d = decode_all(&cfg, s, "a,1,2,3\n");
    assert_int_equal(d.rc, WR_EPARSE);
    assert_string_equal(d.err.msg, "expected 3 fields but found 4");
    assert_int_equal(d.res.err_col, 7);
    wr_free(d.text);

    /* A quoted field spanning lines: the error line is where the bad field starts. */
    d = decode_all(&cfg, s, "\"multi\nline\",1,1\nx,\"1\n2\",3\n");
    assert_int_equal(d.rc, WR_EPARSE);
    assert_string_equal(d.err.msg, "expected an INT but found '1\n2'");
    assert_int_equal(d.res.err_line, 2);
    assert_int_equal(d.res.err_col, 3);
    wr_free(d.text);
    /* ... and columns restart after a line break inside a quoted field. */
    d = decode_all(&cfg, s, "\"a\nb\",1,zz\n");
    assert_int_equal(d.rc, WR_EPARSE);
    assert_int_equal(d.res.err_line, 1);
    assert_int_equal(d.res.err_col, 6);
    wr_free(d.text);

    d = decode_all(&cfg, s, "\"abc\"x,1,1\n");
    assert_int_equal(d.rc, WR_EPARSE);
    assert_string_equal(d.err.msg, "expected a field delimiter or the end of the line after the "
                                   "closing quote but found 'x'");
    assert_int_equal(d.res.err_col, 6);
    wr_free(d.text);

    d = decode_all(&cfg, s, "ok,1,1\n\"never closed,1,1\n");
    assert_int_equal(d.rc, WR_EPARSE);
    assert_string_equal(d.err.msg, "unterminated quoted field (the closing \" is missing)");
    assert_int_equal(d.res.err_line, 1);
    assert_int_equal(d.res.err_col, 1);
    wr_free(d.text);

    wr_schema_free(s);
}

static void test_ignore_parse_errors(void **state)
{
    (void)state;
    col_spec cols[] = {{"name", wr_type_varchar(WR_MAX_LENGTH)}, {"n", wr_type_make(WR_TYPE_INT)}};
    wr_schema *s = make_schema(cols, 2);
    wr_csv_config cfg = defaults();
    cfg.ignore_parse_errors = true;
    decoded d = decode_all(&cfg, s, "a,1\nb,x\nc\n\"d\"z,4\ne,5\nf,6,7\ng,7");
    assert_int_equal(d.rc, WR_OK);
    assert_int_equal(d.res.skipped, 4);
    assert_int_equal(d.res.rows, 3);
    assert_int_equal(d.res.lines, 6);
    assert_string_equal(d.text, "a|1\ne|5\ng|7\n");
    wr_free(d.text);
    wr_schema_free(s);
}

/* Feeding the input in pieces gives the same rows as all at once. */
static void test_incremental(void **state)
{
    (void)state;
    col_spec cols[] = {{"a", wr_type_varchar(WR_MAX_LENGTH)}, {"n", wr_type_make(WR_TYPE_BIGINT)}};
    wr_schema *s = make_schema(cols, 2);
    wr_csv_config cfg = defaults();
    const char *in = "\"one\ntwo\",1\r\nthree,22\n\"fo\"\"ur\",333\r\nfive,4444";
    size_t n = strlen(in);
    for (size_t step = 1; step <= n; step++) {
        void *dec;
        wr_error err;
        assert_int_equal(wr_format_csv.decoder_new(&cfg, s, &dec, &err), WR_OK);
        wr_batch *b = wr_batch_new(s, 64, NULL);
        /* A growing window: [start, avail) with avail advancing by step. */
        size_t start = 0, avail = 0;
        uint64_t lines = 0;
        while (start < n || avail < n) {
            avail = WR_MIN(n, avail + step);
            bool eof = avail == n;
            wr_decode_result res;
            assert_int_equal(
                wr_format_csv.decode(dec, in + start, avail - start, eof, b, &res, &err), WR_OK);
            start += res.consumed;
            lines += res.lines;
            if (eof && start == n) break;
        }
        wr_buf out;
        wr_buf_init(&out);
        dump(b, &out);
        assert_string_equal(out.ptr, "one\ntwo|1\nthree|22\nfo\"ur|333\nfive|4444\n");
        assert_int_equal(lines, 4);
        wr_buf_free(&out);
        wr_batch_release(b);
        wr_format_csv.decoder_free(dec);
    }
    wr_schema_free(s);
}

static void test_batch_full(void **state)
{
    (void)state;
    col_spec cols[] = {{"n", wr_type_make(WR_TYPE_INT)}};
    wr_schema *s = make_schema(cols, 1);
    wr_csv_config cfg = defaults();
    void *dec;
    wr_error err;
    assert_int_equal(wr_format_csv.decoder_new(&cfg, s, &dec, &err), WR_OK);
    wr_batch *b = wr_batch_new(s, 2, NULL);
    wr_decode_result res;
    const char *in = "1\n2\n3\n";
    assert_int_equal(wr_format_csv.decode(dec, in, 6, true, b, &res, &err), WR_OK);
    assert_int_equal(b->len, 2);
    assert_true(res.full);
    assert_int_equal(res.consumed, 4);
    wr_batch_release(b);
    wr_format_csv.decoder_free(dec);
    wr_schema_free(s);
}

static char *encode_all(const wr_csv_config *cfg, const wr_batch *b)
{
    void *enc;
    wr_error err;
    assert_int_equal(wr_format_csv.encoder_new(cfg, b->schema, &enc, &err), WR_OK);
    wr_buf out;
    wr_buf_init(&out);
    assert_int_equal(wr_format_csv.encode(enc, b, 0, b->len, &out, &err), WR_OK);
    wr_format_csv.encoder_free(enc);
    return wr_buf_steal(&out);
}

static void test_encode_roundtrip(void **state)
{
    (void)state;
    col_spec cols[] = {
        {"s", wr_type_varchar(WR_MAX_LENGTH)},   {"i", wr_type_make(WR_TYPE_INT)},
        {"d", wr_type_make(WR_TYPE_DOUBLE)},     {"ts", wr_type_timestamp(3)},
        {"dec", wr_type_decimal(12, 3)},         {"b", wr_type_make(WR_TYPE_BOOLEAN)},
        {"by", wr_type_make(WR_TYPE_VARBINARY)},
    };
    wr_schema *s = make_schema(cols, WR_ARRAY_LEN(cols));
    wr_csv_config cfg = defaults();
    const char *in = "plain,1,0.5,2024-01-02 03:04:05.678,1.500,true,AAEC\n"
                     "\"with,comma\",-7,1.0E10,1970-01-01 00:00:00.000,-0.001,false,\n"
                     "\"with \"\"quote\"\"\",,,,,,\n"
                     "\"multi\nline\",0,-0.0,2000-02-29 12:00:00.001,0.000,true,/w==\n";
    decoded d = decode_all(&cfg, s, in);
    assert_int_equal(d.rc, WR_OK);
    wr_free(d.text);

    void *dec;
    wr_error err;
    assert_int_equal(wr_format_csv.decoder_new(&cfg, s, &dec, &err), WR_OK);
    wr_batch *b = wr_batch_new(s, 16, NULL);
    wr_decode_result res;
    assert_int_equal(wr_format_csv.decode(dec, in, strlen(in), true, b, &res, &err), WR_OK);
    char *text = encode_all(&cfg, b);
    assert_string_equal(text, in);
    wr_free(text);

    /* Other delimiter/quote/null literal survive a round trip too. */
    cfg.field_delimiter = ';';
    cfg.quote_char = '\'';
    cfg.has_null_literal = true;
    strcpy(cfg.null_literal, "NULL");
    text = encode_all(&cfg, b);
    assert_string_equal(text, "plain;1;0.5;2024-01-02 03:04:05.678;1.500;true;AAEC\n"
                              "with,comma;-7;1.0E10;1970-01-01 00:00:00.000;-0.001;false;NULL\n"
                              "with \"quote\";NULL;NULL;NULL;NULL;NULL;NULL\n"
                              "'multi\nline';0;-0.0;2000-02-29 12:00:00.001;0.000;true;/w==\n");
    wr_batch *b2 = wr_batch_new(s, 16, NULL);
    void *dec2;
    assert_int_equal(wr_format_csv.decoder_new(&cfg, s, &dec2, &err), WR_OK);
    assert_int_equal(wr_format_csv.decode(dec2, text, strlen(text), true, b2, &res, &err), WR_OK);
    char *again = encode_all(&cfg, b2);
    assert_string_equal(again, text);
    wr_free(again);
    wr_free(text);

    /* No quoting, with an escape character. */
    cfg = defaults();
    cfg.disable_quote = true;
    cfg.escape_char = '\\';
    text = encode_all(&cfg, b);
    assert_string_equal(text, "plain,1,0.5,2024-01-02 03:04:05.678,1.500,true,AAEC\n"
                              "with\\,comma,-7,1.0E10,1970-01-01 00:00:00.000,-0.001,false,\n"
                              "with \"quote\",,,,,,\n"
                              "multi\\nline,0,-0.0,2000-02-29 12:00:00.001,0.000,true,/w==\n");
    wr_batch_clear(b2);
    void *dec3;
    assert_int_equal(wr_format_csv.decoder_new(&cfg, s, &dec3, &err), WR_OK);
    assert_int_equal(wr_format_csv.decode(dec3, text, strlen(text), true, b2, &res, &err), WR_OK);
    assert_int_equal(b2->len, 4);
    again = encode_all(&cfg, b2);
    assert_string_equal(again, text);
    wr_free(again);
    wr_free(text);

    wr_format_csv.decoder_free(dec);
    wr_format_csv.decoder_free(dec2);
    wr_format_csv.decoder_free(dec3);
    wr_batch_release(b);
    wr_batch_release(b2);
    wr_schema_free(s);
}

static void test_unsupported_types(void **state)
{
    (void)state;
    static const wr_type elem = {.id = WR_TYPE_INT, .nullable = true};
    wr_type arr = wr_type_make(WR_TYPE_ARRAY);
    arr.elem = &elem;
    col_spec cols[] = {{"a", arr}};
    wr_schema *s = make_schema(cols, 1);
    wr_csv_config cfg = defaults();
    void *dec = NULL;
    wr_error err;
    assert_int_equal(wr_format_csv.decoder_new(&cfg, s, &dec, &err), WR_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "column 'a' of type ARRAY<INT>"));
    assert_null(dec);
    wr_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_types),        cmocka_unit_test(test_nulls_and_empty),
        cmocka_unit_test(test_quoting),          cmocka_unit_test(test_comments_escapes),
        cmocka_unit_test(test_errors),           cmocka_unit_test(test_ignore_parse_errors),
        cmocka_unit_test(test_incremental),      cmocka_unit_test(test_batch_full),
        cmocka_unit_test(test_encode_roundtrip), cmocka_unit_test(test_unsupported_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
