/* test_types_type.c - type descriptors (defaults, physical mapping, predicates, equality,
 * Flink-style printing, support checks) and schemas (build, copy, find, free). */
#include "testutil.h"
#include "types/types.h"

#include <stdio.h>
#include <string.h>

static char text[256];

static const char *tf(wr_type t)
{
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_type_format(&t, &b), 0);
    snprintf(text, sizeof text, "%s", b.ptr);
    wr_buf_free(&b);
    return text;
}

static void test_defaults_and_phys(void **state)
{
    (void)state;
    static const struct {
        wr_type_id id;
        wr_phys phys;
        size_t width;
    } cases[] = {
        {WR_TYPE_NULL, WR_PHYS_NONE, 0},         {WR_TYPE_BOOLEAN, WR_PHYS_U8, 1},
        {WR_TYPE_TINYINT, WR_PHYS_I8, 1},        {WR_TYPE_SMALLINT, WR_PHYS_I16, 2},
        {WR_TYPE_INT, WR_PHYS_I32, 4},           {WR_TYPE_BIGINT, WR_PHYS_I64, 8},
        {WR_TYPE_FLOAT, WR_PHYS_F32, 4},         {WR_TYPE_DOUBLE, WR_PHYS_F64, 8},
        {WR_TYPE_DECIMAL, WR_PHYS_I64, 8},       {WR_TYPE_CHAR, WR_PHYS_STR, 16},
        {WR_TYPE_VARCHAR, WR_PHYS_STR, 16},      {WR_TYPE_BINARY, WR_PHYS_STR, 16},
        {WR_TYPE_VARBINARY, WR_PHYS_STR, 16},    {WR_TYPE_DATE, WR_PHYS_I32, 4},
        {WR_TYPE_TIME, WR_PHYS_I64, 8},          {WR_TYPE_TIMESTAMP, WR_PHYS_I64, 8},
        {WR_TYPE_TIMESTAMP_LTZ, WR_PHYS_I64, 8}, {WR_TYPE_INTERVAL_YM, WR_PHYS_I32, 4},
        {WR_TYPE_INTERVAL_DT, WR_PHYS_I64, 8},   {WR_TYPE_ARRAY, WR_PHYS_NESTED, 0},
        {WR_TYPE_MAP, WR_PHYS_NESTED, 0},        {WR_TYPE_ROW, WR_PHYS_NESTED, 0},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        wr_type t = wr_type_make(cases[i].id);
        assert_int_equal(t.id, cases[i].id);
        assert_true(t.nullable);
        assert_int_equal(wr_type_phys(&t), cases[i].phys);
        assert_int_equal(wr_phys_width(wr_type_phys(&t)), cases[i].width);
    }
    wr_type d = wr_type_decimal(18, 2);
    assert_int_equal(wr_type_phys(&d), WR_PHYS_I64);
    d = wr_type_decimal(19, 2);
    assert_int_equal(wr_type_phys(&d), WR_PHYS_I128);
    assert_int_equal(wr_phys_width(WR_PHYS_I128), 16);
    /* Flink's defaults. */
    assert_int_equal(wr_type_make(WR_TYPE_DECIMAL).precision, 10);
    assert_int_equal(wr_type_make(WR_TYPE_DECIMAL).scale, 0);
    assert_int_equal(wr_type_make(WR_TYPE_TIMESTAMP).precision, 6);
    assert_int_equal(wr_type_make(WR_TYPE_TIME).precision, 0);
    assert_int_equal(wr_type_make(WR_TYPE_VARCHAR).length, WR_MAX_LENGTH);
    assert_int_equal(wr_type_make(WR_TYPE_CHAR).length, 1);
    assert_false(wr_type_not_null(wr_type_make(WR_TYPE_INT)).nullable);
    assert_true(wr_type_nullable(wr_type_not_null(wr_type_make(WR_TYPE_INT))).nullable);
}

static void test_predicates(void **state)
{
    (void)state;
    for (int id = 0; id < WR_TYPE__COUNT; id++) {
        wr_type t = wr_type_make((wr_type_id)id);
        assert_int_equal(wr_type_is_integer(&t), id >= WR_TYPE_TINYINT && id <= WR_TYPE_BIGINT);
        assert_int_equal(wr_type_is_numeric(&t), id >= WR_TYPE_TINYINT && id <= WR_TYPE_DECIMAL);
        assert_int_equal(wr_type_is_string(&t), id == WR_TYPE_CHAR || id == WR_TYPE_VARCHAR);
        assert_int_equal(wr_type_is_binary(&t), id == WR_TYPE_BINARY || id == WR_TYPE_VARBINARY);
        assert_int_equal(wr_type_is_temporal(&t), id == WR_TYPE_DATE || id == WR_TYPE_TIME ||
                                                      id == WR_TYPE_TIMESTAMP ||
                                                      id == WR_TYPE_TIMESTAMP_LTZ);
        assert_true(strlen(wr_type_id_name((wr_type_id)id)) > 0);
    }
    assert_string_equal(wr_type_id_name(WR_TYPE_BIGINT), "BIGINT");
    assert_string_equal(wr_type_id_name(WR_TYPE_TIMESTAMP_LTZ), "TIMESTAMP_LTZ");
}

static void test_equal(void **state)
{
    (void)state;
    wr_type a = wr_type_decimal(10, 2), b = wr_type_decimal(10, 2);
    assert_true(wr_type_equal(&a, &b, false));
    b = wr_type_decimal(10, 3);
    assert_false(wr_type_equal(&a, &b, false));
    b = wr_type_not_null(wr_type_decimal(10, 2));
    assert_false(wr_type_equal(&a, &b, false));
    assert_true(wr_type_equal(&a, &b, true));
    a = wr_type_varchar(10);
    b = wr_type_varchar(WR_MAX_LENGTH);
    assert_false(wr_type_equal(&a, &b, false));
    a = wr_type_timestamp(3);
    b = wr_type_timestamp(3);
    b.time_attr = WR_TIME_ATTR_ROWTIME;
    assert_true(wr_type_equal(&a, &b, false));
    b = wr_type_timestamp_ltz(3);
    assert_false(wr_type_equal(&a, &b, false));
    /* Irrelevant fields do not matter. */
    a = wr_type_make(WR_TYPE_INT);
    b = wr_type_make(WR_TYPE_INT);
    b.precision = 7;
    assert_true(wr_type_equal(&a, &b, false));

    wr_type i = wr_type_make(WR_TYPE_INT), s = wr_type_varchar(WR_MAX_LENGTH);
    wr_type arr1 = wr_type_make(WR_TYPE_ARRAY), arr2 = wr_type_make(WR_TYPE_ARRAY);
    arr1.elem = &i;
    arr2.elem = &s;
    assert_false(wr_type_equal(&arr1, &arr2, false));
    arr2.elem = &i;
    assert_true(wr_type_equal(&arr1, &arr2, false));
    wr_field f1[2] = {{"a", i}, {"b", s}}, f2[2] = {{"a", i}, {"c", s}};
    wr_type r1 = wr_type_make(WR_TYPE_ROW), r2 = wr_type_make(WR_TYPE_ROW);
    r1.fields = f1, r1.nfields = 2;
    r2.fields = f2, r2.nfields = 2;
    assert_false(wr_type_equal(&r1, &r2, false));
    r2.fields = f1;
    assert_true(wr_type_equal(&r1, &r2, false));
}

static void test_format(void **state)
{
    (void)state;
    assert_string_equal(tf(wr_type_make(WR_TYPE_BIGINT)), "BIGINT");
    assert_string_equal(tf(wr_type_not_null(wr_type_make(WR_TYPE_INT))), "INT NOT NULL");
    assert_string_equal(tf(wr_type_decimal(10, 2)), "DECIMAL(10, 2)");
    assert_string_equal(tf(wr_type_not_null(wr_type_decimal(10, 2))), "DECIMAL(10, 2) NOT NULL");
    assert_string_equal(tf(wr_type_varchar(WR_MAX_LENGTH)), "STRING");
    assert_string_equal(tf(wr_type_varchar(20)), "VARCHAR(20)");
    assert_string_equal(tf(wr_type_make(WR_TYPE_CHAR)), "CHAR(1)");
    assert_string_equal(tf(wr_type_make(WR_TYPE_VARBINARY)), "BYTES");
    wr_type vb = wr_type_make(WR_TYPE_VARBINARY);
    vb.length = 8;
    assert_string_equal(tf(vb), "VARBINARY(8)");
    assert_string_equal(tf(wr_type_make(WR_TYPE_BINARY)), "BINARY(1)");
    assert_string_equal(tf(wr_type_make(WR_TYPE_DATE)), "DATE");
    assert_string_equal(tf(wr_type_make(WR_TYPE_TIME)), "TIME(0)");
    assert_string_equal(tf(wr_type_timestamp(3)), "TIMESTAMP(3)");
    assert_string_equal(tf(wr_type_timestamp_ltz(3)), "TIMESTAMP_LTZ(3)");
    wr_type rt = wr_type_timestamp(3);
    rt.time_attr = WR_TIME_ATTR_ROWTIME;
    assert_string_equal(tf(rt), "TIMESTAMP(3) *ROWTIME*");
    wr_type pt = wr_type_not_null(wr_type_timestamp_ltz(3));
    pt.time_attr = WR_TIME_ATTR_PROCTIME;
    assert_string_equal(tf(pt), "TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*");
    assert_string_equal(tf(wr_type_make(WR_TYPE_INTERVAL_DT)), "INTERVAL SECOND(3)");
    assert_string_equal(tf(wr_type_make(WR_TYPE_INTERVAL_YM)), "INTERVAL MONTH");
    assert_string_equal(tf(wr_type_make(WR_TYPE_NULL)), "NULL");
    assert_string_equal(tf(wr_type_make(WR_TYPE_DOUBLE)), "DOUBLE");
    assert_string_equal(tf(wr_type_make(WR_TYPE_BOOLEAN)), "BOOLEAN");

    wr_type i = wr_type_make(WR_TYPE_INT), s = wr_type_varchar(WR_MAX_LENGTH);
    wr_type inn = wr_type_not_null(i);
    wr_type arr = wr_type_make(WR_TYPE_ARRAY);
    arr.elem = &i;
    assert_string_equal(tf(arr), "ARRAY<INT>");
    arr.elem = &inn;
    assert_string_equal(tf(wr_type_not_null(arr)), "ARRAY<INT NOT NULL> NOT NULL");
    wr_type map = wr_type_make(WR_TYPE_MAP);
    map.elem = &s;
    map.value = &i;
    assert_string_equal(tf(map), "MAP<STRING, INT>");
    wr_field fields[2] = {{"a", i}, {"b", s}};
    wr_type row = wr_type_make(WR_TYPE_ROW);
    row.fields = fields;
    row.nfields = 2;
    assert_string_equal(tf(row), "ROW<`a` INT, `b` STRING>");
    wr_type nested = wr_type_make(WR_TYPE_ARRAY);
    nested.elem = &row;
    assert_string_equal(tf(nested), "ARRAY<ROW<`a` INT, `b` STRING>>");
}

static void test_check_supported(void **state)
{
    (void)state;
    wr_error err;
    for (int id = WR_TYPE_NULL; id <= WR_TYPE_INTERVAL_DT; id++) {
        wr_type t = wr_type_make((wr_type_id)id);
        assert_int_equal(wr_type_check_supported(&t, &err), 0);
    }
    wr_type i = wr_type_make(WR_TYPE_INT);
    wr_type arr = wr_type_make(WR_TYPE_ARRAY);
    arr.elem = &i;
    assert_int_equal(wr_type_check_supported(&arr, &err), WR_EUNSUPPORTED);
    assert_int_equal(err.code, WR_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "ARRAY<INT>"));
    wr_type m = wr_type_make(WR_TYPE_MAP);
    assert_int_equal(wr_type_check_supported(&m, &err), WR_EUNSUPPORTED);
    wr_type r = wr_type_make(WR_TYPE_ROW);
    assert_int_equal(wr_type_check_supported(&r, &err), WR_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "ROW"));
    wr_type ts9 = wr_type_timestamp(9);
    assert_int_equal(wr_type_check_supported(&ts9, &err), WR_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "TIMESTAMP(9)"));
    assert_non_null(strstr(err.msg, "precision"));
    wr_type time7 = wr_type_make(WR_TYPE_TIME);
    time7.precision = 7;
    assert_int_equal(wr_type_check_supported(&time7, &err), WR_EUNSUPPORTED);
    wr_type ts6 = wr_type_timestamp_ltz(6);
    assert_int_equal(wr_type_check_supported(&ts6, &err), 0);
    wr_type d = wr_type_decimal(39, 2);
    assert_int_equal(wr_type_check_supported(&d, &err), WR_EUNSUPPORTED);
    d = wr_type_decimal(5, 6);
    assert_int_equal(wr_type_check_supported(&d, &err), WR_EUNSUPPORTED);
    d = wr_type_decimal(38, 38);
    assert_int_equal(wr_type_check_supported(&d, &err), 0);
    assert_int_equal(wr_type_check_supported(&ts9, NULL), WR_EUNSUPPORTED);
}

static void test_schema(void **state)
{
    (void)state;
    int64_t bytes = wr_mem_allocated(), allocs = wr_mem_live_allocs();
    wr_schema *s = wr_schema_new(3);
    assert_non_null(s);
    assert_int_equal(s->ncols, 3);
    for (uint32_t i = 0; i < 3; i++) {
        assert_null(s->cols[i].name);
        assert_int_equal(s->cols[i].type.id, WR_TYPE_NULL);
    }
    char name[8] = "id";
    assert_int_equal(wr_schema_set(s, 0, name, wr_type_make(WR_TYPE_BIGINT)), 0);
    name[0] = 'X'; /* the name was copied */
    assert_int_equal(wr_schema_set(s, 1, "name", wr_type_varchar(WR_MAX_LENGTH)), 0);
    assert_int_equal(wr_schema_set(s, 2, "ts", wr_type_timestamp(3)), 0);
    assert_int_equal(wr_schema_set(s, 2, "ts2", wr_type_timestamp(3)), 0); /* replace */
    assert_int_equal(wr_schema_set(s, 3, "nope", wr_type_make(WR_TYPE_INT)), WR_EINVAL);
    assert_int_equal(wr_schema_find(s, "id"), 0);
    assert_int_equal(wr_schema_find(s, "name"), 1);
    assert_int_equal(wr_schema_find(s, "ts2"), 2);
    assert_int_equal(wr_schema_find(s, "ts"), -1);
    assert_int_equal(wr_schema_find(s, "ID"), -1);
    wr_schema *c = wr_schema_copy(s);
    assert_non_null(c);
    assert_ptr_not_equal(c->cols[1].name, s->cols[1].name);
    assert_string_equal(c->cols[1].name, "name");
    assert_true(wr_type_equal(&c->cols[2].type, &s->cols[2].type, false));
    wr_schema_free(s);
    assert_int_equal(wr_schema_find(c, "ts2"), 2);
    wr_schema_free(c);
    wr_schema_free(NULL);
    wr_schema *e = wr_schema_new(0);
    assert_non_null(e);
    assert_int_equal(wr_schema_find(e, "x"), -1);
    wr_schema_free(e);
    assert_int_equal(wr_mem_allocated(), bytes);
    assert_int_equal(wr_mem_live_allocs(), allocs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_phys),
        cmocka_unit_test(test_predicates),
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_check_supported),
        cmocka_unit_test(test_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
