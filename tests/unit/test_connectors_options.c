/* test_connectors_options.c - options as data: the map, '#' wildcard keys, validation messages
 * (unknown option with a suggestion, unknown column, malformed numbers/booleans/durations/
 * sizes/characters, enums, bounds, missing required options), typed getters with defaults,
 * format options routed to the chosen format, the connector registry, and that
 * docs/connectors.md is the text generated from the tables. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/connectors.h"

static void set_all(wr_options *o, const char *const *kv)
{
    wr_options_init(o);
    for (size_t i = 0; kv[i]; i += 2)
        assert_int_equal(wr_options_set(o, kv[i], kv[i + 1]), WR_OK);
}

static wr_schema *schema_id_name_ts(void)
{
    wr_schema *s = wr_schema_new(3);
    wr_schema_set(s, 0, "id", wr_type_make(WR_TYPE_BIGINT));
    wr_schema_set(s, 1, "name", wr_type_varchar(WR_MAX_LENGTH));
    wr_schema_set(s, 2, "ts", wr_type_timestamp(3));
    return s;
}

/* Validate a WITH clause for its connector; returns the error message ("" when valid). */
static const char *check(const char *const *kv, const wr_schema *s)
{
    static wr_error err;
    wr_options o;
    set_all(&o, kv);
    const wr_connector_vt *c;
    int rc = wr_connector_find(wr_options_get(&o, "connector"), &c, &err);
    if (rc == WR_OK) rc = wr_connector_validate(c, &o, s, &err);
    wr_options_free(&o);
    if (rc == WR_OK) err.msg[0] = 0;
    return err.msg;
}

static void test_map(void **state)
{
    (void)state;
    wr_options o;
    wr_options_init(&o);
    assert_int_equal(wr_options_set(&o, "a", "1"), WR_OK);
    assert_int_equal(wr_options_set(&o, "b", "2"), WR_OK);
    assert_int_equal(wr_options_set(&o, "a", "3"), WR_OK);
    assert_int_equal(o.len, 2);
    assert_string_equal(wr_options_get(&o, "a"), "3");
    assert_null(wr_options_get(&o, "c"));
    wr_options copy;
    assert_int_equal(wr_options_copy(&copy, &o), WR_OK);
    wr_options_free(&o);
    assert_string_equal(wr_options_get(&copy, "b"), "2");
    wr_options_free(&copy);
}

static void test_unknown_options(void **state)
{
    (void)state;
    wr_schema *s = schema_id_name_ts();
    assert_string_equal(
        check((const char *[]){"connector", "datagen", "rows-per-secnd", "5", NULL}, s),
        "unsupported option 'rows-per-secnd' for connector 'datagen'; did you "
        "mean 'rows-per-second'?");
    assert_string_equal(
        check((const char *[]){"connector", "datagen", "fields.id.knd", "random", NULL}, s),
        "unsupported option 'fields.id.knd' for connector 'datagen'; did you mean "
        "'fields.id.kind'?");
    assert_string_equal(
        check((const char *[]){"connector", "datagen", "fields.idd.kind", "random", NULL}, s),
        "unsupported option 'fields.idd.kind' for connector 'datagen': the table has no column "
        "'idd'; did you mean 'id'?");
    assert_string_equal(check((const char *[]){"connector", "blackhole", "zzz", "1", NULL}, s),
                        "unsupported option 'zzz' for connector 'blackhole' (supported: "
                        "'sink.parallelism')");
    /* Format options: for the chosen format only. */
    assert_string_equal(check((const char *[]){"connector", "filesystem", "path", "/tmp", "format",
                                               "csv", "csv.feild-delimiter", ";", NULL},
                              s),
                        "unsupported option 'csv.feild-delimiter' for format 'csv'; did you mean "
                        "'csv.field-delimiter'?");
    assert_string_equal(check((const char *[]){"connector", "filesystem", "path", "/tmp", "format",
                                               "csv", "json.ignore-parse-errors", "true", NULL},
                              s),
                        "option 'json.ignore-parse-errors' belongs to format 'json' but the "
                        "table's format is 'csv'");
    assert_string_equal(
        check((const char *[]){"connector", "filesystem", "path", "/tmp", "format", "xml", NULL},
              s),
        "unsupported format 'xml' for connector 'filesystem' (available: csv, "
        "json)");
    assert_string_equal(
        check((const char *[]){"connector", "print", "csv.field-delimiter", ";", NULL}, s),
        "unsupported option 'csv.field-delimiter' for connector 'print' "
        "(supported: 'print-identifier', 'standard-error', 'sink.parallelism')");
    wr_schema_free(s);
}

static void test_bad_values(void **state)
{
    (void)state;
    wr_schema *s = schema_id_name_ts();
    struct {
        const char *key, *value, *msg;
    } cases[] = {
        {"rows-per-second", "abc", "option 'rows-per-second': expected a number but found 'abc'"},
        {"rows-per-second", "0", "option 'rows-per-second': expected a number >= 1 but found '0'"},
        {"fields.id.kind", "rand",
         "option 'fields.id.kind': expected one of 'random', 'sequence' but found 'rand'"},
        {"fields.id.null-rate", "1.5",
         "option 'fields.id.null-rate': expected a number between 0 and 1 but found '1.5'"},
        {"fields.ts.max-past", "soon",
         "option 'fields.ts.max-past': expected a duration such as '10 s' or '5 min' but found "
         "'soon'"},
        {"fields.name.var-len", "yes",
         "option 'fields.name.var-len': expected true or false but found 'yes'"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++)
        assert_string_equal(
            check((const char *[]){"connector", "datagen", cases[i].key, cases[i].value, NULL}, s),
            cases[i].msg);
    assert_string_equal(check((const char *[]){"connector", "filesystem", "path", "/x", "format",
                                               "csv", "sink.rolling-policy.file-size", "big", NULL},
                              s),
                        "option 'sink.rolling-policy.file-size': expected a memory size such as "
                        "'128mb' but found 'big'");
    assert_string_equal(check((const char *[]){"connector", "filesystem", "path", "/x", "format",
                                               "csv", "csv.field-delimiter", "ab", NULL},
                              s),
                        "option 'csv.field-delimiter': expected a single character but found "
                        "'ab'");
    assert_string_equal(
        check((const char *[]){"connector", "filesystem", "path", "/x", "format", "json",
                               "json.timestamp-format.standard", "RFC", NULL},
              s),
        "option 'json.timestamp-format.standard': expected one of 'SQL', "
        "'ISO-8601' but found 'RFC'");
    /* Enums are case-insensitive. */
    assert_string_equal(
        check((const char *[]){"connector", "filesystem", "path", "/x", "format", "json",
                               "json.timestamp-format.standard", "iso-8601", NULL},
              s),
        "");
    wr_schema_free(s);
}

static void test_required(void **state)
{
    (void)state;
    wr_schema *s = schema_id_name_ts();
    assert_string_equal(
        check((const char *[]){"connector", "filesystem", "format", "csv", NULL}, s),
        "missing required option 'path' for connector 'filesystem'");
    assert_string_equal(check((const char *[]){"connector", "filesystem", "path", "/x", NULL}, s),
                        "missing required option 'format' for connector 'filesystem'");
    assert_string_equal(check((const char *[]){"connector", "kafak", NULL}, s),
                        "unknown connector 'kafak' (available: datagen, filesystem, print, "
                        "blackhole)");
    assert_string_equal(check((const char *[]){"connector", "prnt", NULL}, s),
                        "unknown connector 'prnt'; did you mean 'print'? (available: datagen, "
                        "filesystem, print, blackhole)");
    assert_string_equal(check((const char *[]){"path", "/x", NULL}, s),
                        "missing required option 'connector' (available: datagen, filesystem, "
                        "print, blackhole)");
    wr_schema_free(s);
}

static void test_getters(void **state)
{
    (void)state;
    static const char *const colors[] = {"red", "green", NULL};
    static const wr_option_def defs[] = {
        {"n", WR_OPT_INT, "7", 0, 0, NULL, 0, "n"},
        {"d", WR_OPT_DURATION, "1 min", 0, 0, NULL, 0, "d"},
        {"z", WR_OPT_SIZE, "1kb", 0, 0, NULL, 0, "z"},
        {"b", WR_OPT_BOOL, "false", 0, 0, NULL, 0, "b"},
        {"e", WR_OPT_ENUM, "red", 0, 0, colors, 0, "e"},
        {"c", WR_OPT_CHAR, ",", 0, 0, NULL, 0, "c"},
        {"x", WR_OPT_DOUBLE, "0.5", 0, 0, NULL, 0, "x"},
        {"s", WR_OPT_STRING, NULL, 0, 0, NULL, 0, "s"},
        {"f.#.g", WR_OPT_INT, "1", 0, 0, NULL, 0, "per column"},
        {NULL, 0, NULL, 0, 0, NULL, 0, NULL},
    };
    static const wr_option_table t = {"connector", "test", defs};
    wr_options o;
    set_all(&o, (const char *[]){"n", "42", "d", "10 s", "b", "TRUE", "e", "GREEN", "c", "\\t",
                                 "f.a.b.g", "5", NULL});
    int64_t i;
    bool b;
    int e;
    char c;
    double x;
    const char *str;
    wr_error err;
    assert_int_equal(wr_opt_int(&o, &t, "n", &i, &err), WR_OK);
    assert_int_equal(i, 42);
    assert_int_equal(wr_opt_duration(&o, &t, "d", &i, &err), WR_OK);
    assert_int_equal(i, 10000000);
    assert_int_equal(wr_opt_size(&o, &t, "z", &i, &err), WR_OK);
    assert_int_equal(i, 1024);
    assert_int_equal(wr_opt_bool(&o, &t, "b", &b, &err), WR_OK);
    assert_true(b);
    assert_int_equal(wr_opt_enum(&o, &t, "e", &e, &err), WR_OK);
    assert_int_equal(e, 1);
    assert_int_equal(wr_opt_char(&o, &t, "c", &c, &err), WR_OK);
    assert_int_equal(c, '\t');
    assert_int_equal(wr_opt_double(&o, &t, "x", &x, &err), WR_OK);
    assert_true(x == 0.5);
    assert_int_equal(wr_opt_str(&o, &t, "s", &str, &err), WR_ENOENT);
    assert_string_equal(err.msg, "missing required option 's' for connector 'test'");
    assert_int_equal(wr_opt_int(&o, &t, "f.a.b.g", &i, &err), WR_OK); /* '#' spans dots */
    assert_int_equal(i, 5);
    assert_int_equal(wr_opt_int(&o, &t, "f.other.g", &i, &err), WR_OK);
    assert_int_equal(i, 1);
    assert_null(wr_option_find(&t, "f..g"));
    wr_options_free(&o);

    /* Unicode escapes and the characters Flink users write for delimiters. */
    set_all(&o, (const char *[]){"c", "\\u0001", NULL});
    assert_int_equal(wr_opt_char(&o, &t, "c", &c, &err), WR_OK);
    assert_int_equal(c, 1);
    wr_options_free(&o);
    set_all(&o, (const char *[]){"c", "\xc2\xa6", NULL});
    assert_int_equal(wr_opt_char(&o, &t, "c", &c, &err), WR_ECONFIG);
    wr_options_free(&o);
}

static void test_format_choose(void **state)
{
    (void)state;
    wr_options o;
    set_all(&o,
            (const char *[]){"format", "csv", "csv.field-delimiter", "|", "csv.null-literal", "\\N",
                             "csv.allow-comments", "true", "csv.escape-character", "\\\\", NULL});
    wr_format_choice f;
    wr_error err;
    assert_int_equal(wr_format_choose(&o, "format", "filesystem", &f, &err), WR_OK);
    assert_ptr_equal(f.vt, &wr_format_csv);
    assert_int_equal(f.cfg.csv.field_delimiter, '|');
    assert_true(f.cfg.csv.has_null_literal);
    assert_string_equal(f.cfg.csv.null_literal, "\\N");
    assert_true(f.cfg.csv.allow_comments);
    assert_int_equal(f.cfg.csv.escape_char, '\\');
    assert_int_equal(f.cfg.csv.quote_char, '"');
    wr_options_free(&o);

    set_all(&o, (const char *[]){"format", "csv", "csv.quote-character", "'",
                                 "csv.disable-quote-character", "true", NULL});
    assert_int_equal(wr_format_choose(&o, "format", "filesystem", &f, &err), WR_ECONFIG);
    assert_string_equal(err.msg, "options 'csv.quote-character' and "
                                 "'csv.disable-quote-character' cannot be used together");
    wr_options_free(&o);

    set_all(&o, (const char *[]){"format", "json", "json.timestamp-format.standard", "ISO-8601",
                                 "json.encode.ignore-null-fields", "true", NULL});
    assert_int_equal(wr_format_choose(&o, "format", "filesystem", &f, &err), WR_OK);
    assert_ptr_equal(f.vt, &wr_format_json);
    assert_int_equal(f.cfg.json.ts_standard, WR_JSON_TS_ISO_8601);
    assert_true(f.cfg.json.encode_ignore_null_fields);
    assert_false(f.cfg.json.fail_on_missing_field);
    wr_options_free(&o);
}

static void test_make_errors(void **state)
{
    (void)state;
    wr_schema *s = schema_id_name_ts();
    wr_options o;
    wr_source_def src;
    wr_sink_def sink;
    wr_error err;
    set_all(&o, (const char *[]){"connector", "print", NULL});
    assert_int_equal(wr_connector_make_source(&o, s, &src, &err), WR_ECONFIG);
    assert_string_equal(err.msg, "connector 'print' can only be written to, not read from");
    wr_options_free(&o);
    set_all(&o, (const char *[]){"connector", "datagen", NULL});
    assert_int_equal(wr_connector_make_sink(&o, s, &sink, &err), WR_ECONFIG);
    assert_string_equal(err.msg, "connector 'datagen' can only be read from, not written to");
    wr_options_free(&o);
    set_all(&o, (const char *[]){"connector", "filesystem", "path", "/nonexistent/weir/x", "format",
                                 "json", NULL});
    assert_int_equal(wr_connector_make_source(&o, s, &src, &err), WR_ENOENT);
    assert_string_equal(err.msg, "option 'path': '/nonexistent/weir/x' does not exist");
    wr_options_free(&o);
    set_all(&o, (const char *[]){"connector", "filesystem", "path", "s3://bucket/x", "format",
                                 "json", NULL});
    assert_int_equal(wr_connector_make_sink(&o, s, &sink, &err), WR_EUNSUPPORTED);
    wr_options_free(&o);
    wr_schema_free(s);
}

/* docs/connectors.md is exactly what the tables generate. */
static void test_docs_in_sync(void **state)
{
    (void)state;
    wr_buf doc;
    wr_buf_init(&doc);
    assert_int_equal(wr_connector_doc_markdown(&doc), WR_OK);
    char path[4096];
    const char *data = getenv("WEIR_TEST_DATA");
    assert_non_null(data);
    snprintf(path, sizeof path, "%s/../../docs/connectors.md", data);
    char *file = wr_test_read_file(path, NULL);
    if (!file || strcmp(file, doc.ptr) != 0) {
        const char *regen = getenv("WEIR_REGEN_DOCS");
        if (regen && *regen) {
            wr_test_write_file(path, doc.ptr);
        } else {
            fail_msg("%s is out of date: rerun this test with WEIR_REGEN_DOCS=1", path);
        }
    }
    free(file);
    wr_buf_free(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map),         cmocka_unit_test(test_unknown_options),
        cmocka_unit_test(test_bad_values),  cmocka_unit_test(test_required),
        cmocka_unit_test(test_getters),     cmocka_unit_test(test_format_choose),
        cmocka_unit_test(test_make_errors), cmocka_unit_test(test_docs_in_sync),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
