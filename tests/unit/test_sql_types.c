/* test_sql_types.c - data types in the SQL front end: every type name and synonym with
 * Flink SQL's defaults (DECIMAL(10, 0), CHAR(1), BINARY(1), TIME(0), TIMESTAMP(6),
 * VARCHAR and VARBINARY without a length are STRING and BYTES), lengths and
 * precisions and their bounds, NOT NULL, nested ARRAY/MAP/ROW types built in the arena,
 * interval types, the printed form, and the errors. */
#include "test_sql_util.h"

static wr_sql_type *parse_type(const char *text)
{
    wr_sql_type *t = NULL;
    wr_error err;
    sql_test_reset();
    int rc = wr_sql_parse_type(text, strlen(text), "t.sql", &sql_test_arena, &t, &err);
    if (rc != WR_OK) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, WR_OK);
    return t;
}

static const char *type_error(const char *text)
{
    wr_sql_type *t = NULL;
    wr_error err;
    sql_test_reset();
    int rc = wr_sql_parse_type(text, strlen(text), "t.sql", &sql_test_arena, &t, &err);
    snprintf(sql_test_out, sizeof sql_test_out, "%s", rc == WR_OK ? "" : err.msg);
    return sql_test_out;
}

static const char *printed(const char *text)
{
    wr_sql_type *t = parse_type(text);
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_sql_format_type(t, &b), 0);
    /* The printed form reads back as the same type. */
    wr_sql_type *again = NULL;
    wr_error err;
    assert_int_equal(wr_sql_parse_type(b.ptr, b.len, "t.sql", &sql_test_arena, &again, &err),
                     WR_OK);
    assert_true(wr_type_equal(&t->type, &again->type, false));
    return sql_test_keep(&b);
}

static void test_scalar_types(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
        wr_type_id id;
    } cases[] = {
        {"BOOLEAN", "BOOLEAN", WR_TYPE_BOOLEAN},
        {"TINYINT", "TINYINT", WR_TYPE_TINYINT},
        {"SMALLINT", "SMALLINT", WR_TYPE_SMALLINT},
        {"INT", "INT", WR_TYPE_INT},
        {"integer", "INT", WR_TYPE_INT},
        {"BIGINT", "BIGINT", WR_TYPE_BIGINT},
        {"FLOAT", "FLOAT", WR_TYPE_FLOAT},
        {"REAL", "FLOAT", WR_TYPE_FLOAT},
        {"DOUBLE", "DOUBLE", WR_TYPE_DOUBLE},
        {"DOUBLE PRECISION", "DOUBLE", WR_TYPE_DOUBLE},
        {"DECIMAL", "DECIMAL(10, 0)", WR_TYPE_DECIMAL},
        {"DECIMAL(5)", "DECIMAL(5, 0)", WR_TYPE_DECIMAL},
        {"DECIMAL(38, 18)", "DECIMAL(38, 18)", WR_TYPE_DECIMAL},
        {"DEC(4, 2)", "DECIMAL(4, 2)", WR_TYPE_DECIMAL},
        {"NUMERIC(7,7)", "DECIMAL(7, 7)", WR_TYPE_DECIMAL},
        {"CHAR", "CHAR(1)", WR_TYPE_CHAR},
        {"CHAR(10)", "CHAR(10)", WR_TYPE_CHAR},
        {"CHARACTER(2)", "CHAR(2)", WR_TYPE_CHAR},
        {"VARCHAR", "STRING", WR_TYPE_VARCHAR},
        {"VARCHAR(255)", "VARCHAR(255)", WR_TYPE_VARCHAR},
        {"CHARACTER VARYING(3)", "VARCHAR(3)", WR_TYPE_VARCHAR},
        {"VARCHAR(2147483647)", "STRING", WR_TYPE_VARCHAR},
        {"STRING", "STRING", WR_TYPE_VARCHAR},
        {"BINARY", "BINARY(1)", WR_TYPE_BINARY},
        {"BINARY(16)", "BINARY(16)", WR_TYPE_BINARY},
        {"VARBINARY", "BYTES", WR_TYPE_VARBINARY},
        {"CHARACTER VARYING", "STRING", WR_TYPE_VARCHAR},
        {"VARBINARY(8)", "VARBINARY(8)", WR_TYPE_VARBINARY},
        {"BINARY VARYING(4)", "VARBINARY(4)", WR_TYPE_VARBINARY},
        {"BYTES", "BYTES", WR_TYPE_VARBINARY},
        {"DATE", "DATE", WR_TYPE_DATE},
        {"TIME", "TIME(0)", WR_TYPE_TIME},
        {"TIME(3)", "TIME(3)", WR_TYPE_TIME},
        {"TIME(3) WITHOUT TIME ZONE", "TIME(3)", WR_TYPE_TIME},
        {"TIMESTAMP", "TIMESTAMP(6)", WR_TYPE_TIMESTAMP},
        {"TIMESTAMP(3)", "TIMESTAMP(3)", WR_TYPE_TIMESTAMP},
        {"TIMESTAMP(9) WITHOUT TIME ZONE", "TIMESTAMP(9)", WR_TYPE_TIMESTAMP},
        {"TIMESTAMP WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(6)", WR_TYPE_TIMESTAMP_LTZ},
        {"TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(3)", WR_TYPE_TIMESTAMP_LTZ},
        {"TIMESTAMP_LTZ", "TIMESTAMP_LTZ(6)", WR_TYPE_TIMESTAMP_LTZ},
        {"timestamp_ltz(0)", "TIMESTAMP_LTZ(0)", WR_TYPE_TIMESTAMP_LTZ},
        {"INT NOT NULL", "INT NOT NULL", WR_TYPE_INT},
        {"STRING NULL", "STRING", WR_TYPE_VARCHAR},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        assert_int_equal(parse_type(cases[i].in)->type.id, cases[i].id);
        assert_string_equal(printed(cases[i].in), cases[i].out);
    }
    wr_sql_type *t = parse_type("DECIMAL(12, 3) NOT NULL");
    assert_int_equal(t->type.precision, 12);
    assert_int_equal(t->type.scale, 3);
    assert_false(t->type.nullable);
    assert_int_equal(t->pos.col, 1);
    assert_int_equal(t->end, 23);
    assert_int_equal(parse_type("VARCHAR")->type.length, WR_MAX_LENGTH);
    assert_int_equal(parse_type("CHAR")->type.length, 1);
    assert_int_equal(parse_type("BINARY")->type.length, 1);
    assert_int_equal(parse_type("STRING")->type.length, WR_MAX_LENGTH);
    assert_int_equal(parse_type("TIMESTAMP")->type.precision, 6);
    assert_int_equal(parse_type("TIME")->type.precision, 0);
    assert_true(parse_type("INT")->type.nullable);
}

static void test_interval_types(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
        wr_type_id id;
        int precision;
    } cases[] = {
        {"INTERVAL YEAR", "INTERVAL YEAR", WR_TYPE_INTERVAL_YM, 2},
        {"INTERVAL YEAR(4) TO MONTH", "INTERVAL YEAR(4) TO MONTH", WR_TYPE_INTERVAL_YM, 4},
        {"INTERVAL MONTH", "INTERVAL MONTH", WR_TYPE_INTERVAL_YM, 2},
        {"INTERVAL DAY", "INTERVAL DAY", WR_TYPE_INTERVAL_DT, 2},
        {"INTERVAL DAY(3) TO SECOND(3)", "INTERVAL DAY(3) TO SECOND(3)", WR_TYPE_INTERVAL_DT, 3},
        {"INTERVAL HOUR TO MINUTE", "INTERVAL HOUR TO MINUTE", WR_TYPE_INTERVAL_DT, 2},
        {"INTERVAL SECOND(3)", "INTERVAL SECOND(3)", WR_TYPE_INTERVAL_DT, 3},
        {"INTERVAL SECOND(2, 3)", "INTERVAL SECOND(2, 3)", WR_TYPE_INTERVAL_DT, 2},
        {"INTERVAL MINUTE TO SECOND NOT NULL", "INTERVAL MINUTE TO SECOND NOT NULL",
         WR_TYPE_INTERVAL_DT, 2},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        wr_sql_type *t = parse_type(cases[i].in);
        assert_int_equal(t->type.id, cases[i].id);
        assert_int_equal(t->type.precision, cases[i].precision);
        assert_string_equal(printed(cases[i].in), cases[i].out);
    }
    wr_sql_type *t = parse_type("INTERVAL DAY TO SECOND(3)");
    assert_int_equal(t->interval_start, WR_SQL_UNIT_DAY);
    assert_int_equal(t->interval_end, WR_SQL_UNIT_SECOND);
    assert_int_equal(t->interval_frac, 3);
}

static void test_nested_types(void **state)
{
    (void)state;
    wr_sql_type *t = parse_type("ARRAY<INT NOT NULL>");
    assert_int_equal(t->type.id, WR_TYPE_ARRAY);
    assert_int_equal(t->type.elem->id, WR_TYPE_INT);
    assert_false(t->type.elem->nullable);
    assert_string_equal(printed("ARRAY<INT NOT NULL>"), "ARRAY<INT NOT NULL>");
    assert_string_equal(printed("INT ARRAY"), "ARRAY<INT>");
    assert_string_equal(printed("INT NOT NULL ARRAY NOT NULL"), "ARRAY<INT NOT NULL> NOT NULL");
    assert_string_equal(printed("ARRAY<ARRAY<STRING>>"), "ARRAY<ARRAY<STRING>>");
    t = parse_type("MAP<STRING, ARRAY<BIGINT>>");
    assert_int_equal(t->type.id, WR_TYPE_MAP);
    assert_int_equal(t->type.elem->id, WR_TYPE_VARCHAR);
    assert_int_equal(t->type.value->id, WR_TYPE_ARRAY);
    assert_int_equal(t->type.value->elem->id, WR_TYPE_BIGINT);
    assert_string_equal(printed("MAP<STRING, ARRAY<BIGINT>>"), "MAP<STRING, ARRAY<BIGINT>>");
    t = parse_type("ROW<a INT, `b c` STRING 'a description', d ROW(e DOUBLE)>");
    assert_int_equal(t->type.id, WR_TYPE_ROW);
    assert_int_equal(t->type.nfields, 3);
    assert_string_equal(t->type.fields[0].name, "a");
    assert_string_equal(t->type.fields[1].name, "b c");
    assert_int_equal(t->type.fields[1].type.id, WR_TYPE_VARCHAR);
    assert_int_equal(t->type.fields[2].type.nfields, 1);
    assert_string_equal(t->type.fields[2].type.fields[0].name, "e");
    assert_string_equal(printed("ROW<a INT, `b c` STRING 'a description', d ROW(e DOUBLE)>"),
                        "ROW<a INT, `b c` STRING, d ROW<e DOUBLE>>");
    assert_string_equal(printed("ROW(`x``y` INT NOT NULL)"), "ROW<`x``y` INT NOT NULL>");
    assert_string_equal(printed("ROW<>"), "ROW<>");
    assert_string_equal(printed("ROW()"), "ROW<>");
    assert_string_equal(printed("ARRAY<INTERVAL DAY(3)>"), "ARRAY<INTERVAL DAY(3) TO SECOND>");
    /* In DDL and CAST. */
    assert_string_equal(sql_stmt("CREATE TABLE t (a ARRAY<ROW<x INT, y MAP<STRING, INT>>>)"),
                        "CREATE TABLE t (a ARRAY<ROW<x INT, y MAP<STRING, INT>>>)");
    assert_string_equal(sql_expr("CAST(x AS MAP<INT, ARRAY<INT>>)"),
                        "CAST(x AS MAP<INT, ARRAY<INT>>)");
}

static void test_type_errors(void **state)
{
    (void)state;
    static const struct {
        const char *in, *err;
    } cases[] = {
        {"DECIMAL(0)", "t.sql:1:9: the DECIMAL precision must be between 1 and 38"},
        {"DECIMAL(39, 2)", "t.sql:1:9: the DECIMAL precision must be between 1 and 38"},
        {"DECIMAL(5, 6)", "t.sql:1:12: the DECIMAL scale must be between 0 and the precision (5)"},
        {"VARCHAR(0)", "t.sql:1:9: the length must be between 1 and 2147483647"},
        {"CHAR(2147483648)", "t.sql:1:6: the length must be between 1 and 2147483647"},
        {"BINARY(99999999999999999999999)",
         "t.sql:1:8: the length must be between 1 and 2147483647"},
        {"TIMESTAMP(10)", "t.sql:1:11: the precision must be between 0 and 9"},
        {"TIME(x)", "t.sql:1:6: syntax error: expected the precision but found 'x'"},
        {"INTERVAL", "t.sql:1:9: syntax error: expected an interval unit (YEAR, MONTH, DAY, "
                     "HOUR, MINUTE or SECOND) but found end of input"},
        {"INTERVAL DAY TO YEAR", "t.sql:1:17: INTERVAL DAY TO YEAR is not a valid interval "
                                 "qualifier"},
        {"ARRAY", "t.sql:1:6: syntax error: expected '<' but found end of input"},
        {"ARRAY<INT", "t.sql:1:10: syntax error: expected '>' but found end of input"},
        {"MAP<INT>", "t.sql:1:8: syntax error: expected ',' but found '>'"},
        {"ROW<INT>", "t.sql:1:8: syntax error: expected a type but found '>'"},
        {"ROW<a>", "t.sql:1:6: syntax error: expected a type but found '>'"},
        {"INTEGR", "t.sql:1:1: unknown type 'INTEGR'; did you mean INTEGER?"},
        {"STRNG", "t.sql:1:1: unknown type 'STRNG'; did you mean STRING?"},
        {"foo", "t.sql:1:1: unknown type 'foo'"},
        {"MULTISET<INT>", "t.sql:1:1: the MULTISET type is not supported"},
        {"INT MULTISET", "t.sql:1:5: the MULTISET type is not supported"},
        {"NULL", "t.sql:1:1: the NULL type is not supported"},
        {"TIME WITH LOCAL TIME ZONE", "t.sql:1:1: TIME WITH [LOCAL] TIME ZONE is not supported"},
        {"INT NOT", "t.sql:1:5: syntax error: expected the end of the type but found 'NOT'"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++)
        assert_string_equal(type_error(cases[i].in), cases[i].err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalar_types),
        cmocka_unit_test(test_interval_types),
        cmocka_unit_test(test_nested_types),
        cmocka_unit_test(test_type_errors),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    wr_arena_destroy(&sql_test_arena);
    return rc;
}
