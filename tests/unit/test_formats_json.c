/* test_formats_json.c - the json format: fields by name in any order, missing and unknown
 * fields, every scalar type with Flink's coercions (numbers and numeric strings, truncation
 * into integers, range checks), string escapes and surrogate pairs, nested values kept as
 * compact JSON text in STRING columns, top-level arrays, timestamp standards, error
 * messages with columns, ignore-parse-errors, and the encoder's options. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_formats_util.h"

static decoded decode_all(const wr_json_config *cfg, const wr_schema *s, const char *input)
{
    return decode_with(&wr_format_json, cfg, s, input);
}

static wr_json_config defaults(void)
{
    wr_json_config c;
    wr_format_json.config_init(&c);
    return c;
}

static void test_fields_by_name(void **state)
{
    (void)state;
    col_spec cols[] = {{"id", wr_type_make(WR_TYPE_BIGINT)},
                       {"name", wr_type_varchar(WR_MAX_LENGTH)},
                       {"score", wr_type_make(WR_TYPE_DOUBLE)}};
    wr_schema *s = make_schema(cols, 3);
    wr_json_config cfg = defaults();
    decoded d = decode_all(&cfg, s,
                           "{\"id\": 1, \"name\": \"a\", \"score\": 1.5}\n"
                           "{\"score\":2,\"extra\":{\"x\":[1,2,{\"y\":null}]},\"id\":2}\r\n"
                           "\n"
                           "  {}  \n"
                           "{\"name\":null,\"id\":\"3\",\"score\":\"-4.5e1\"}");
    assert_int_equal(d.rc, WR_OK);
    assert_int_equal(d.res.rows, 4);
    assert_int_equal(d.res.lines, 4);
    assert_string_equal(d.text, "1|a|1.5\n2|null|2.0\nnull|null|null\n3|null|-45.0\n");
    wr_free(d.text);

    cfg.fail_on_missing_field = true;
    d = decode_all(&cfg, s, "{\"id\":1,\"name\":\"x\",\"score\":0}\n{\"id\":2,\"score\":1}\n");
    assert_int_equal(d.rc, WR_EPARSE);
    assert_string_equal(d.err.msg, "missing field 'name' (json.fail-on-missing-field is true)");
    assert_int_equal(d.res.err_line, 1);
    assert_int_equal(d.res.err_col, 1);
    wr_free(d.text);
    wr_schema_free(s);
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
        {"ts", wr_type_timestamp(3)},           {"ltz", wr_type_timestamp_ltz(3)},
    };
    wr_schema *s = make_schema(cols, WR_ARRAY_LEN(cols));
    wr_json_config cfg = defaults();
    decoded d = decode_all(
        &cfg, s,
        "{\"b\":true,\"ti\":-128,\"si\":32767,\"i\":-2147483648,\"bi\":9223372036854775807,"
        "\"f\":1.5,\"d\":-2.25e2,\"dec\":12.345,\"s\":\"h\\u00e9llo\",\"by\":\"AQID\","
        "\"dt\":\"2024-01-02\",\"tm\":\"03:04:05\",\"ts\":\"2024-01-02 03:04:05.678\","
        "\"ltz\":\"2024-01-02 03:04:05.678Z\"}\n"
        "{\"b\":\"FALSE\",\"ti\":\"7\",\"si\":1.9,\"i\":-2.5,\"bi\":\"-1\",\"f\":\"NaN\","
        "\"d\":1E400,\"dec\":1.5e1,\"s\":42.50,\"by\":\"\",\"dt\":null,\"tm\":\"23:59:59.999\","
        "\"ts\":\"1970-01-01 00:00:00\",\"ltz\":null}\n");
    assert_int_equal(d.rc, WR_OK);
    assert_string_equal(d.text,
                        "true|-128|32767|-2147483648|9223372036854775807|1.5|-225.0|12.35|"
                        "h\xc3\xa9llo|[1, 2, 3]|2024-01-02|03:04:05|2024-01-02T03:04:05.678|"
                        "2024-01-02T03:04:05.678Z\n"
                        "false|7|1|-2|-1|NaN|Infinity|15.00|42.50|[]|null|23:59:59|"
                        "1970-01-01T00:00:00.000|null\n");
    wr_free(d.text);
    wr_schema_free(s);
}

static void test_strings_and_nested(void **state)
{
    (void)state;
    col_spec cols[] = {{"s", wr_type_varchar(WR_MAX_LENGTH)}};
    wr_schema *s = make_schema(cols, 1);
    wr_json_config cfg = defaults();
    decoded d = decode_all(&cfg, s,
                           "{\"s\":\"q\\\"b\\\\s\\/n\\nt\\tu\\u0041\"}\n"
                           "{\"s\":\"\\ud83d\\ude00 pair, \\ud83d lone, \\ude00 low\"}\n"
                           "{\"s\": { \"a\" : [1, 2.50, \"x\\u0041\"], \"b\": {}, \"c\":[] } }\n"
                           "{\"s\":[true,false,null,\"\\n\"]}\n"
                           "{\"s\":true}\n"
                           "{\"\\u0073\":\"escaped key\"}\n");
    assert_int_equal(d.rc, WR_OK);
    assert_string_equal(d.text, "q\"b\\s/n\nt\tuA\n"
                                "\xf0\x9f\x98\x80 pair, \xef\xbf\xbd lone, \xef\xbf\xbd low\n"
                                "{\"a\":[1,2.50,\"xA\"],\"b\":{},\"c\":[]}\n"
                                "[true,false,null,\"\\n\"]\n"
                                "true\n"
                                "escaped key\n");
    wr_free(d.text);
    wr_schema_free(s);
}

static void test_top_level_array(void **state)
{
    (void)state;
    col_spec cols[] = {{"a", wr_type_make(WR_TYPE_INT)}};
    wr_schema *s = make_schema(cols, 1);
    wr_json_config cfg = defaults();
    decoded d = decode_all(&cfg, s, "[{\"a\":1},{\"a\":2}, {\"a\":3}]\n[]\n{\"a\":4}\n");
    assert_int_equal(d.rc, WR_OK);
    assert_string_equal(d.text, "1\n2\n3\n4\n");
    wr_free(d.text);

    /* An array that does not fit waits for the next batch. */
    void *dec;
    wr_error err;
    assert_int_equal(wr_format_json.decoder_new(&cfg, s, &dec, &err), WR_OK);
    wr_batch *b = wr_batch_new(s, 3, NULL);
    const char *in = "{\"a\":0}\n[{\"a\":1},{\"a\":2},{\"a\":3}]\n";
    wr_decode_result res;
    assert_int_equal(wr_format_json.decode(dec, in, strlen(in), true, b, &res, &err), WR_OK);
    assert_int_equal(b->len, 1);
    assert_true(res.full);
    assert_int_equal(res.consumed, 8);
    wr_batch_clear(b);
    assert_int_equal(wr_format_json.decode(dec, in + 8, strlen(in) - 8, true, b, &res, &err),
                     WR_OK);
    assert_int_equal(b->len, 3);
    /* One that never fits is an error. */
    wr_batch_clear(b);
    const char *big = "[{\"a\":1},{\"a\":2},{\"a\":3},{\"a\":4}]";
    assert_int_equal(wr_format_json.decode(dec, big, strlen(big), true, b, &res, &err), WR_EPARSE);
    assert_string_equal(err.msg,
                        "a top-level JSON array of 4 elements does not fit into a batch of 3 rows");
    wr_batch_release(b);
    wr_format_json.decoder_free(dec);
    wr_schema_free(s);
}

static void test_errors(void **state)
{
    (void)state;
    col_spec cols[] = {{"a", wr_type_make(WR_TYPE_INT)},
                       {"t", wr_type_make(WR_TYPE_TINYINT)},
                       {"ts", wr_type_timestamp(3)},
                       {"nn", wr_type_not_null(wr_type_varchar(WR_MAX_LENGTH))}};
    wr_schema *s = make_schema(cols, 4);
    wr_json_config cfg = defaults();
    struct {
        const char *in;
        const char *msg;
        uint32_t col;
    } cases[] = {
        {"{\"nn\":\"\",\"a\":\"abc\"}", "field 'a': expected an INT but found 'abc'", 14},
        {"{\"nn\":\"\",\"t\":300}", "field 't': value '300' is out of range for TINYINT", 14},
        {"{\"nn\":\"\",\"a\":{\"x\":1}}", "field 'a': expected an INT but found an object", 14},
        {"{\"nn\":\"\",\"a\":true}", "field 'a': expected an INT but found true", 14},
        {"{\"nn\":\"\",\"a\":1e10}", "field 'a': value '1e10' is out of range for INT", 14},
        {"{\"nn\":\"\",\"ts\":\"2024-01-02T03:04:05\"}",
         "field 'ts': expected a TIMESTAMP(3) but found '2024-01-02T03:04:05' "
         "(json.timestamp-format.standard is SQL: '2024-01-02 03:04:05.678')",
         15},
        {"{\"a\":1}", "missing field 'nn' but the column is NOT NULL", 1},
        {"{\"nn\":null}", "field 'nn' is null but the column is NOT NULL", 7},
        {"{\"nn\":\"x\",\"a\":01}", "invalid JSON: expected ',' or '}' but found '1'", 16},
        {"{\"nn\":\"x\" \"a\":1}", "invalid JSON: expected ',' or '}' but found '\"'", 11},
        {"{\"nn\":\"x\"", "invalid JSON: expected ',' or '}' but found the end of the line", 10},
        {"{\"nn\":\"x}", "invalid JSON: unterminated string (the closing quote is missing)", 7},
        {"{\"nn\":\"\\x\"}", "invalid JSON: unknown escape '\\x' in a string", 8},
        {"{\"nn\":\"\\u12\"}", "invalid JSON: \\u must be followed by four hex digits", 8},
        {"{\"nn\":\"a\tb\"}", "invalid JSON: control character 0x09 must be escaped in a string",
         9},
        {"{\"nn\":\"x\"} x",
         "invalid JSON: expected the end of the line after the JSON value "
         "but found 'x'",
         12},
        {"[1]", "invalid JSON: expected a JSON object as array element but found '1'", 2},
        {"\"x\"", "invalid JSON: expected a JSON object but found '\"'", 1},
        {"{\"nn\":\"x\",\"q\":[1,2}", "invalid JSON: expected ',' or ']' but found '}'", 19},
        {"{\"nn\":\"x\",\"q\":tru}", "invalid JSON: expected a JSON value but found 't'", 15},
        {"{\"nn\":\"x\",\"a\":-}", "invalid JSON: expected a digit but found '}'", 16},
        {"{\"nn\":\"x\",\"a\":1.}",
         "invalid JSON: expected a digit after the decimal point but "
         "found '}'",
         17},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        char in[256];
        snprintf(in, sizeof in, "{\"nn\":\"ok\"}\n%s\n", cases[i].in);
        decoded d = decode_all(&cfg, s, in);
        assert_int_equal(d.rc, WR_EPARSE);
        if (strcmp(d.err.msg, cases[i].msg) != 0 || d.res.err_col != cases[i].col)
            fail_msg("case %zu: got \"%s\" at column %u", i, d.err.msg, d.res.err_col);
        assert_int_equal(d.res.err_line, 1);
        assert_int_equal(d.res.rows, 1);
        wr_free(d.text);
    }

    /* Deep nesting is bounded, not a stack overflow. */
    wr_buf deep;
    wr_buf_init(&deep);
    wr_buf_append_c(&deep, "{\"nn\":\"x\",\"q\":");
    for (int i = 0; i < 5000; i++)
        wr_buf_putc(&deep, '[');
    decoded d = decode_all(&cfg, s, deep.ptr);
    assert_int_equal(d.rc, WR_EPARSE);
    assert_string_equal(d.err.msg, "invalid JSON: nesting deeper than 1000 levels");
    wr_free(d.text);
    wr_buf_free(&deep);
    wr_schema_free(s);
}

static void test_ignore_parse_errors(void **state)
{
    (void)state;
    col_spec cols[] = {{"a", wr_type_make(WR_TYPE_INT)}};
    wr_schema *s = make_schema(cols, 1);
    wr_json_config cfg = defaults();
    cfg.ignore_parse_errors = true;
    decoded d = decode_all(
        &cfg, s, "{\"a\":1}\n{\"a\":\"x\"}\nnot json\n[{\"a\":2},{\"a\":\"y\"}]\n{\"a\":3}");
    assert_int_equal(d.rc, WR_OK);
    assert_int_equal(d.res.skipped, 3);
    assert_int_equal(d.res.rows, 2);
    assert_string_equal(d.text, "1\n3\n");
    wr_free(d.text);
    wr_schema_free(s);
}

static void test_timestamp_standard(void **state)
{
    (void)state;
    col_spec cols[] = {{"ts", wr_type_timestamp(3)}, {"l", wr_type_timestamp_ltz(3)}};
    wr_schema *s = make_schema(cols, 2);
    wr_json_config cfg = defaults();
    cfg.ts_standard = WR_JSON_TS_ISO_8601;
    decoded d =
        decode_all(&cfg, s, "{\"ts\":\"2024-01-02T03:04:05.6\",\"l\":\"2024-01-02T03:04:05Z\"}");
    assert_int_equal(d.rc, WR_OK);
    assert_string_equal(d.text, "2024-01-02T03:04:05.600|2024-01-02T03:04:05.000Z\n");
    wr_free(d.text);
    d = decode_all(&cfg, s, "{\"ts\":\"2024-01-02 03:04:05\"}");
    assert_int_equal(d.rc, WR_EPARSE);
    assert_non_null(strstr(d.err.msg, "json.timestamp-format.standard is ISO-8601"));
    wr_free(d.text);
    wr_schema_free(s);
}

static char *encode_all(const wr_json_config *cfg, const wr_batch *b)
{
    void *enc;
    wr_error err;
    assert_int_equal(wr_format_json.encoder_new(cfg, b->schema, &enc, &err), WR_OK);
    wr_buf out;
    wr_buf_init(&out);
    assert_int_equal(wr_format_json.encode(enc, b, 0, b->len, &out, &err), WR_OK);
    wr_format_json.encoder_free(enc);
    return wr_buf_steal(&out);
}

static wr_batch *decode_batch(const wr_json_config *cfg, const wr_schema *s, const char *in)
{
    void *dec;
    wr_error err;
    assert_int_equal(wr_format_json.decoder_new(cfg, s, &dec, &err), WR_OK);
    wr_batch *b = wr_batch_new(s, 16, NULL);
    wr_decode_result res;
    int rc = wr_format_json.decode(dec, in, strlen(in), true, b, &res, &err);
    if (rc) fail_msg("decode: %s", err.msg);
    wr_format_json.decoder_free(dec);
    return b;
}

static void test_encode_roundtrip(void **state)
{
    (void)state;
    col_spec cols[] = {
        {"b", wr_type_make(WR_TYPE_BOOLEAN)},  {"i", wr_type_make(WR_TYPE_INT)},
        {"d", wr_type_make(WR_TYPE_DOUBLE)},   {"dec", wr_type_decimal(10, 8)},
        {"s", wr_type_varchar(WR_MAX_LENGTH)}, {"by", wr_type_make(WR_TYPE_VARBINARY)},
        {"dt", wr_type_make(WR_TYPE_DATE)},    {"ts", wr_type_timestamp(3)},
        {"l", wr_type_timestamp_ltz(3)},       {"weird \"name\"", wr_type_make(WR_TYPE_BIGINT)},
    };
    wr_schema *s = make_schema(cols, WR_ARRAY_LEN(cols));
    wr_json_config cfg = defaults();
    const char *in =
        "{\"b\":true,\"i\":-5,\"d\":0.1,\"dec\":0.00000001,\"s\":\"a\\\"\\n\\u0001\xc3\xa9\","
        "\"by\":\"AAEC\",\"dt\":\"2024-01-02\",\"ts\":\"2024-01-02 03:04:05.678\","
        "\"l\":\"2024-01-02 03:04:05.678Z\",\"weird \\\"name\\\"\":7}\n"
        "{\"d\":\"NaN\",\"dec\":12.5}\n";
    wr_batch *b = decode_batch(&cfg, s, in);
    assert_int_equal(b->len, 2);
    char *text = encode_all(&cfg, b);
    assert_string_equal(
        text, "{\"b\":true,\"i\":-5,\"d\":0.1,\"dec\":1E-8,\"s\":\"a\\\"\\n\\u0001\xc3\xa9\","
              "\"by\":\"AAEC\",\"dt\":\"2024-01-02\",\"ts\":\"2024-01-02 03:04:05.678\","
              "\"l\":\"2024-01-02 03:04:05.678Z\",\"weird \\\"name\\\"\":7}\n"
              "{\"b\":null,\"i\":null,\"d\":\"NaN\",\"dec\":12.50000000,\"s\":null,"
              "\"by\":null,\"dt\":null,\"ts\":null,\"l\":null,\"weird \\\"name\\\"\":null}\n");
    /* ... which decodes to the same rows. */
    wr_batch *b2 = decode_batch(&cfg, s, text);
    char *again = encode_all(&cfg, b2);
    assert_string_equal(again, text);
    wr_free(again);
    wr_free(text);

    cfg.encode_decimal_as_plain_number = true;
    cfg.encode_ignore_null_fields = true;
    cfg.ts_standard = WR_JSON_TS_ISO_8601;
    text = encode_all(&cfg, b);
    assert_string_equal(
        text, "{\"b\":true,\"i\":-5,\"d\":0.1,\"dec\":0.00000001,\"s\":\"a\\\"\\n\\u0001"
              "\xc3\xa9\",\"by\":\"AAEC\",\"dt\":\"2024-01-02\",\"ts\":\"2024-01-02T03:04:"
              "05.678\",\"l\":\"2024-01-02T03:04:05.678Z\",\"weird \\\"name\\\"\":7}\n"
              "{\"d\":\"NaN\",\"dec\":12.50000000}\n");
    wr_free(text);
    wr_batch_release(b);
    wr_batch_release(b2);
    wr_schema_free(s);
}

static void test_unsupported_types(void **state)
{
    (void)state;
    static const wr_type k = {.id = WR_TYPE_VARCHAR, .nullable = true, .length = WR_MAX_LENGTH};
    wr_type map = wr_type_make(WR_TYPE_MAP);
    map.elem = &k;
    map.value = &k;
    col_spec cols[] = {{"id", wr_type_make(WR_TYPE_INT)}, {"m", map}};
    wr_schema *s = make_schema(cols, 2);
    wr_json_config cfg = defaults();
    void *dec = NULL;
    wr_error err;
    assert_int_equal(wr_format_json.decoder_new(&cfg, s, &dec, &err), WR_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "format 'json' cannot read or write column 'm' of type MAP"));
    assert_int_equal(wr_format_json.encoder_new(&cfg, s, &dec, &err), WR_EUNSUPPORTED);
    wr_schema_free(s);
}

static void test_registry(void **state)
{
    (void)state;
    const wr_format_vt *f;
    wr_error err;
    assert_int_equal(wr_format_find("JSON", &f, &err), WR_OK);
    assert_ptr_equal(f, &wr_format_json);
    assert_int_equal(wr_format_find("jsn", &f, &err), WR_ENOENT);
    assert_string_equal(err.msg,
                        "unknown format 'jsn'; did you mean 'json'? (available: csv, json)");
    assert_int_equal(wr_format_find("avro", &f, &err), WR_ENOENT);
    assert_string_equal(err.msg, "unknown format 'avro' (available: csv, json)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_by_name),
        cmocka_unit_test(test_all_types),
        cmocka_unit_test(test_strings_and_nested),
        cmocka_unit_test(test_top_level_array),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_ignore_parse_errors),
        cmocka_unit_test(test_timestamp_standard),
        cmocka_unit_test(test_encode_roundtrip),
        cmocka_unit_test(test_unsupported_types),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
