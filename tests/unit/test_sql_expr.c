/* test_sql_expr.c - the expression grammar of the SQL front end: every expression form
 * (checked by printing the tree back as canonical SQL), operator precedence and
 * associativity, literal typing as Flink types literals, interval values, the special call
 * syntaxes, window specifications, and the expression errors. */
#include "test_sql_util.h"

static void test_precedence(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"1 + 2 * 3", "(1 + (2 * 3))"},
        {"1 * 2 + 3", "((1 * 2) + 3)"},
        {"1 - 2 - 3", "((1 - 2) - 3)"},
        {"8 / 4 / 2", "((8 / 4) / 2)"},
        {"7 % 3 * 2", "((7 % 3) * 2)"},
        {"a || b || c", "((a || b) || c)"},
        /* || binds like * in Flink (Calcite precedence 60, + is 40). */
        {"a || b + c", "((a || b) + c)"},
        {"a + b || c", "(a + (b || c))"},
        {"a || b * c", "((a || b) * c)"},
        {"a * b || c", "((a * b) || c)"},
        {"-a * b", "((-a) * b)"},
        {"-a + -b", "((-a) + (-b))"},
        {"- - a", "(-(-a))"},
        {"+a", "(+a)"},
        {"-a[1]", "(-a[1])"},
        {"a = b + 1", "(a = (b + 1))"},
        {"a < b = c", "((a < b) = c)"},
        {"a = 1 AND b = 2 OR c = 3", "(((a = 1) AND (b = 2)) OR (c = 3))"},
        {"a OR b AND c", "(a OR (b AND c))"},
        {"a OR b OR c", "((a OR b) OR c)"},
        {"NOT a AND b", "((NOT a) AND b)"},
        {"NOT a = b", "(NOT (a = b))"},
        {"NOT NOT a", "(NOT (NOT a))"},
        {"a AND NOT b OR c", "((a AND (NOT b)) OR c)"},
        {"a + 1 IS NULL", "((a + 1) IS NULL)"},
        {"NOT a IS NULL", "(NOT (a IS NULL))"},
        {"a = b IS TRUE", "((a = b) IS TRUE)"},
        {"a BETWEEN 1 + 1 AND 3 AND b", "((a BETWEEN (1 + 1) AND 3) AND b)"},
        {"a NOT BETWEEN 1 AND 2 OR c", "((a NOT BETWEEN 1 AND 2) OR c)"},
        {"a LIKE 'x' || 'y' AND b", "((a LIKE ('x' || 'y')) AND b)"},
        {"a IN (1, 2) = b", "((a IN (1, 2)) = b)"},
        {"a * (b + c)", "(a * (b + c))"},
        {"((a))", "a"},
        {"a IS DISTINCT FROM b + 1", "(a IS DISTINCT FROM (b + 1))"},
        {"x::INT + 1", "(CAST(x AS INT) + 1)"},
        {"a.b[2].c", "(a.b[2]).c"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++)
        assert_string_equal(sql_expr(cases[i].in), cases[i].out);
}

static void test_predicates(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a IS NULL", "(a IS NULL)"},
        {"a IS NOT NULL", "(a IS NOT NULL)"},
        {"a IS TRUE", "(a IS TRUE)"},
        {"a IS NOT TRUE", "(a IS NOT TRUE)"},
        {"a IS FALSE", "(a IS FALSE)"},
        {"a IS NOT FALSE", "(a IS NOT FALSE)"},
        {"a IS UNKNOWN", "(a IS UNKNOWN)"},
        {"a IS NOT UNKNOWN", "(a IS NOT UNKNOWN)"},
        {"a IS NOT DISTINCT FROM b", "(a IS NOT DISTINCT FROM b)"},
        {"a BETWEEN ASYMMETRIC 1 AND 2", "(a BETWEEN 1 AND 2)"},
        {"a NOT BETWEEN SYMMETRIC 2 AND 1", "(a NOT BETWEEN SYMMETRIC 2 AND 1)"},
        {"a IN (1)", "(a IN (1))"},
        {"a NOT IN ('x', 'y')", "(a NOT IN ('x', 'y'))"},
        {"a IN (SELECT b FROM t)", "(a IN (SELECT b FROM t))"},
        {"a NOT IN (SELECT b FROM t WHERE c > 1)", "(a NOT IN (SELECT b FROM t WHERE (c > 1)))"},
        {"EXISTS (SELECT 1)", "EXISTS (SELECT 1)"},
        {"NOT EXISTS (SELECT * FROM t)", "(NOT EXISTS (SELECT * FROM t))"},
        {"s LIKE 'a%'", "(s LIKE 'a%')"},
        {"s NOT LIKE 'a!%' ESCAPE '!'", "(s NOT LIKE 'a!%' ESCAPE '!')"},
        {"s SIMILAR TO '(a|b)+'", "(s SIMILAR TO '(a|b)+')"},
        {"s NOT SIMILAR TO 'x' ESCAPE '\\'", "(s NOT SIMILAR TO 'x' ESCAPE '\\')"},
        {"a <> b", "(a <> b)"},
        {"a != b", "(a <> b)"},
        {"a <= b", "(a <= b)"},
        {"a >= b", "(a >= b)"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++)
        assert_string_equal(sql_expr(cases[i].in), cases[i].out);
    wr_sql_expr *e = sql_expr_tree("x NOT BETWEEN SYMMETRIC 1 AND 2");
    assert_int_equal(e->kind, WR_SQL_E_BETWEEN);
    assert_true(e->between.negated);
    assert_true(e->between.symmetric);
    e = sql_expr_tree("a != b");
    assert_int_equal(e->kind, WR_SQL_E_BINARY);
    assert_int_equal(e->binary.op, WR_SQL_OP_NE);
    assert_int_equal(e->binary.op_pos.col, 3);
    assert_string_equal(wr_sql_binop_name(e->binary.op), "<>");
    e = sql_expr_tree("a IS NOT NULL");
    assert_string_equal(wr_sql_unop_name(e->unary.op), "IS NOT NULL");
}

static void test_columns_and_access(void **state)
{
    (void)state;
    assert_string_equal(sql_expr("a"), "a");
    assert_string_equal(sql_expr("t.a"), "t.a");
    assert_string_equal(sql_expr("cat.db.t.a"), "cat.db.t.a");
    assert_string_equal(sql_expr("`select`"), "`select`");
    assert_string_equal(sql_expr("`a b`.`c``d`"), "`a b`.`c``d`");
    assert_string_equal(sql_expr("`user`"), "`user`");
    assert_string_equal(sql_expr("user"), "`user`"); /* USER is a keyword, not reserved */
    assert_string_equal(sql_expr("value + `timestamp`"), "(value + `timestamp`)");
    assert_string_equal(sql_expr("arr[1]"), "arr[1]");
    assert_string_equal(sql_expr("m['k']['j']"), "m['k']['j']");
    assert_string_equal(sql_expr("(r).f"), "(r).f");
    assert_string_equal(sql_expr("f(x).g"), "(f(x)).g");
    assert_string_equal(sql_expr("ünï"), "`ünï`");
    wr_sql_expr *e = sql_expr_tree("Cat.`My Table`.Col");
    assert_int_equal(e->kind, WR_SQL_E_COLUMN);
    assert_int_equal(e->column.nparts, 3);
    assert_string_equal(e->column.parts[0].name, "Cat"); /* spelling kept */
    assert_false(e->column.parts[0].quoted);
    assert_string_equal(e->column.parts[1].name, "My Table");
    assert_true(e->column.parts[1].quoted);
    assert_int_equal(e->column.parts[2].pos.col, 16);
}

static void test_calls(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"f()", "f()"},
        {"upper(s)", "upper(s)"},
        {"db.myfunc(1, 2)", "db.myfunc(1, 2)"},
        {"COUNT(*)", "COUNT(*)"},
        {"COUNT(DISTINCT a)", "COUNT(DISTINCT a)"},
        {"SUM(ALL a)", "SUM(a)"},
        {"SUM(x) FILTER (WHERE x > 0)", "SUM(x) FILTER (WHERE (x > 0))"},
        {"COUNT(*) FILTER (WHERE a) OVER w", "COUNT(*) FILTER (WHERE a) OVER w"},
        {"PROCTIME()", "PROCTIME()"},
        {"CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"},
        {"current_date", "CURRENT_DATE"},
        {"CURRENT_TIME", "CURRENT_TIME"},
        {"LOCALTIME", "LOCALTIME"},
        {"LOCALTIMESTAMP", "LOCALTIMESTAMP"},
        {"CURRENT_WATERMARK(ts)", "CURRENT_WATERMARK(ts)"},
        {"LEFT(s, 2) || RIGHT(s, 1)", "(LEFT(s, 2) || RIGHT(s, 1))"},
        {"YEAR(ts) + HOUR(ts)", "(YEAR(ts) + HOUR(ts))"},
        {"IF(a, 1, 2)", "IF(a, 1, 2)"},
        {"CAST(a AS DECIMAL(10, 2))", "CAST(a AS DECIMAL(10, 2))"},
        {"TRY_CAST(b AS INT NOT NULL)", "TRY_CAST(b AS INT NOT NULL)"},
        {"CAST(a AS ROW<x INT>)", "CAST(a AS ROW<x INT>)"},
        {"a::BIGINT", "CAST(a AS BIGINT)"},
        {"EXTRACT(YEAR FROM ts)", "EXTRACT(YEAR FROM ts)"},
        {"EXTRACT(doy FROM ts)", "EXTRACT(DOY FROM ts)"},
        {"FLOOR(ts TO HOUR)", "FLOOR(ts TO HOUR)"},
        {"CEIL(ts TO MINUTE)", "CEIL(ts TO MINUTE)"},
        {"CEILING(x)", "CEIL(x)"},
        {"FLOOR(x)", "FLOOR(x)"},
        {"POSITION('a' IN s)", "POSITION('a' IN s)"},
        {"POSITION('a' || 'b' IN s)", "POSITION(('a' || 'b') IN s)"},
        {"TRIM(s)", "TRIM(s)"},
        {"TRIM(FROM s)", "TRIM(s)"},
        {"TRIM(BOTH 'x' FROM s)", "TRIM(BOTH 'x' FROM s)"},
        {"TRIM(LEADING FROM s)", "TRIM(LEADING FROM s)"},
        {"TRIM(TRAILING 'ab' FROM s)", "TRIM(TRAILING 'ab' FROM s)"},
        {"TRIM('x' FROM s)", "TRIM('x' FROM s)"},
        {"SUBSTRING(s FROM 2)", "SUBSTRING(s FROM 2)"},
        {"SUBSTRING(s FROM 2 FOR 3)", "SUBSTRING(s FROM 2 FOR 3)"},
        {"SUBSTRING(s, 2, 3)", "SUBSTRING(s, 2, 3)"},
        {"OVERLAY(s PLACING 'ab' FROM 2)", "OVERLAY(s PLACING 'ab' FROM 2)"},
        {"OVERLAY(s PLACING 'ab' FROM 2 FOR 1)", "OVERLAY(s PLACING 'ab' FROM 2 FOR 1)"},
        {"TIMESTAMPADD(HOUR, 1, ts)", "TIMESTAMPADD(HOUR, 1, ts)"},
        {"TIMESTAMPDIFF(DAY, a, b)", "TIMESTAMPDIFF(DAY, a, b)"},
        {"JSON_VALUE(j, '$.a' RETURNING INT)", "JSON_VALUE(j, '$.a' RETURNING INT)"},
        {"JSON_VALUE(j, '$.a' RETURNING INT NULL ON EMPTY DEFAULT x + 1 ON ERROR)",
         "JSON_VALUE(j, '$.a' RETURNING INT NULL ON EMPTY DEFAULT (x + 1) ON ERROR)"},
        {"json_value(j, 'lax $' default 'd' on empty error on error)",
         "json_value(j, 'lax $' DEFAULT 'd' ON EMPTY ERROR ON ERROR)"},
        {"JSON_QUERY(j, '$' WITH WRAPPER EMPTY ARRAY ON EMPTY)",
         "JSON_QUERY(j, '$' WITH UNCONDITIONAL ARRAY WRAPPER EMPTY ARRAY ON EMPTY)"},
        {"JSON_QUERY(j, '$' WITH CONDITIONAL WRAPPER EMPTY OBJECT ON ERROR)",
         "JSON_QUERY(j, '$' WITH CONDITIONAL ARRAY WRAPPER EMPTY OBJECT ON ERROR)"},
        {"JSON_QUERY(j, '$' WITHOUT ARRAY WRAPPER)", "JSON_QUERY(j, '$' WITHOUT ARRAY WRAPPER)"},
        {"JSON_EXISTS(j, '$.a' UNKNOWN ON ERROR)", "JSON_EXISTS(j, '$.a' UNKNOWN ON ERROR)"},
        {"j IS JSON", "(j IS JSON VALUE)"},
        {"j IS NOT JSON OBJECT", "(j IS NOT JSON OBJECT)"},
        {"json IS JSON SCALAR AND value IS NOT JSON ARRAY",
         "((json IS JSON SCALAR) AND (value IS NOT JSON ARRAY))"},
        {"DESCRIPTOR(ts)", "DESCRIPTOR(ts)"},
        {"DESCRIPTOR(a, `b c`)", "DESCRIPTOR(a, `b c`)"},
        {"f(a => 1, `OFFSET` => 2, OFFSET => 3)", "f(a => 1, `OFFSET` => 2, `OFFSET` => 3)"},
        {"`EXTRACT`(x)", "`EXTRACT`(x)"},
        {"`FLOOR`()", "`FLOOR`()"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++)
        assert_string_equal(sql_expr(cases[i].in), cases[i].out);
    wr_sql_expr *e = sql_expr_tree("EXTRACT(MONTH FROM ts)");
    assert_int_equal(e->kind, WR_SQL_E_CALL);
    assert_int_equal(e->call.form, WR_SQL_CALL_EXTRACT);
    assert_int_equal(e->call.unit, WR_SQL_UNIT_MONTH);
    assert_int_equal(e->call.nargs, 1);
    e = sql_expr_tree("TRIM(LEADING 'x' FROM s)");
    assert_int_equal(e->call.trim, WR_SQL_TRIM_LEADING);
    assert_int_equal(e->call.nargs, 2);
    e = sql_expr_tree("count(*)");
    assert_true(e->call.star);
    assert_string_equal(e->call.name.parts[0].name, "count");
    e = sql_expr_tree("CURRENT_TIMESTAMP");
    assert_int_equal(e->call.form, WR_SQL_CALL_NO_PARENS);
}

static void test_case_and_constructors(void **state)
{
    (void)state;
    assert_string_equal(sql_expr("CASE WHEN a > 1 THEN 'x' WHEN a < 0 THEN 'y' ELSE 'z' END"),
                        "CASE WHEN (a > 1) THEN 'x' WHEN (a < 0) THEN 'y' ELSE 'z' END");
    assert_string_equal(sql_expr("case a when 1 then 2 end"), "CASE a WHEN 1 THEN 2 END");
    assert_string_equal(sql_expr("ARRAY[1, 2, 3]"), "ARRAY[1, 2, 3]");
    assert_string_equal(sql_expr("ARRAY[]"), "ARRAY[]");
    assert_string_equal(sql_expr("MAP['a', 1, 'b', 2]"), "MAP['a', 1, 'b', 2]");
    assert_string_equal(sql_expr("ROW(1, 'a')"), "ROW(1, 'a')");
    assert_string_equal(sql_expr("(1, 'a')"), "(1, 'a')");
    assert_string_equal(sql_expr("(SELECT MAX(x) FROM t)"), "(SELECT MAX(x) FROM t)");
    wr_sql_expr *e = sql_expr_tree("CASE WHEN a THEN 1 END");
    assert_null(e->case_.operand);
    assert_null(e->case_.else_);
    assert_int_equal(e->case_.nwhens, 1);
    e = sql_expr_tree("(1, 2)");
    assert_int_equal(e->kind, WR_SQL_E_ROW);
    assert_true(e->list.implicit);
    assert_string_equal(sql_expr_error("MAP['a']"),
                        "e.sql:1:1: MAP[...] needs key, value pairs (found 1 items)");
}

static void test_windows(void **state)
{
    (void)state;
    assert_string_equal(sql_expr("ROW_NUMBER() OVER (PARTITION BY a ORDER BY ts DESC NULLS LAST)"),
                        "ROW_NUMBER() OVER (PARTITION BY a ORDER BY ts DESC NULLS LAST)");
    assert_string_equal(
        sql_expr("SUM(x) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR "
                 "PRECEDING AND CURRENT ROW)"),
        "SUM(x) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND "
        "CURRENT ROW)");
    assert_string_equal(sql_expr("SUM(x) OVER (ORDER BY ts ROWS 10 PRECEDING)"),
                        "SUM(x) OVER (ORDER BY ts ROWS 10 PRECEDING)");
    assert_string_equal(
        sql_expr("SUM(x) OVER (ORDER BY ts ASC ROWS BETWEEN UNBOUNDED PRECEDING AND "
                 "UNBOUNDED FOLLOWING)"),
        "SUM(x) OVER (ORDER BY ts ASC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)");
    assert_string_equal(sql_expr("SUM(x) OVER (w ORDER BY ts)"), "SUM(x) OVER (w ORDER BY ts)");
    assert_string_equal(sql_expr("AVG(x) OVER w"), "AVG(x) OVER w");
    assert_string_equal(sql_expr("RANK() OVER ()"), "RANK() OVER ()");
    wr_sql_expr *e = sql_expr_tree("SUM(x) OVER (ORDER BY ts ROWS 5 PRECEDING)");
    wr_sql_window *w = e->call.over;
    assert_non_null(w);
    assert_int_equal(w->frame, WR_SQL_FRAME_ROWS);
    assert_false(w->between);
    assert_int_equal(w->lower.kind, WR_SQL_BOUND_PRECEDING);
    assert_int_equal(w->lower.offset->lit.value.i, 5);
    assert_int_equal(w->upper.kind, WR_SQL_BOUND_CURRENT_ROW);
    e = sql_expr_tree("AVG(x) OVER w1");
    assert_true(e->call.over->ref_only);
    assert_string_equal(e->call.over->ref->name, "w1");
}

static const wr_sql_literal *lit(const char *sql)
{
    wr_sql_expr *e = sql_expr_tree(sql);
    assert_int_equal(e->kind, WR_SQL_E_LITERAL);
    return &e->lit;
}

static const char *type_text(const wr_type *t)
{
    static char buf[128];
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_type_format(t, &b), 0);
    snprintf(buf, sizeof buf, "%s", b.ptr);
    wr_buf_free(&b);
    return buf;
}

static void test_literal_types(void **state)
{
    (void)state;
    static const struct {
        const char *in, *type, *out;
    } cases[] = {
        {"1", "INT NOT NULL", "1"},
        {"2147483647", "INT NOT NULL", "2147483647"},
        {"2147483648", "BIGINT NOT NULL", "2147483648"},
        {"10000000000", "BIGINT NOT NULL", "10000000000"},
        {"9223372036854775807", "BIGINT NOT NULL", "9223372036854775807"},
        {"9223372036854775808", "DECIMAL(19, 0) NOT NULL", "9223372036854775808"},
        {"007", "INT NOT NULL", "007"},
        {"5.", "INT NOT NULL", "5"},
        {"1.5", "DECIMAL(2, 1) NOT NULL", "1.5"},
        {"0.05", "DECIMAL(3, 2) NOT NULL", "0.05"},
        {".5", "DECIMAL(1, 1) NOT NULL", ".5"},
        {"123.4500", "DECIMAL(7, 4) NOT NULL", "123.4500"},
        {"1e3", "DOUBLE NOT NULL", "1e3"},
        {"1.5E-2", "DOUBLE NOT NULL", "1.5E-2"},
        {"'abc'", "CHAR(3) NOT NULL", "'abc'"},
        {"''", "CHAR(0) NOT NULL", "''"},
        {"'it''s'", "CHAR(4) NOT NULL", "'it''s'"},
        {"'a' 'bc'", "CHAR(3) NOT NULL", "'abc'"},
        {"'ü€'", "CHAR(2) NOT NULL", "'ü€'"},
        {"N'nat'", "CHAR(3) NOT NULL", "'nat'"},
        {"X'0aFF'", "BINARY(2) NOT NULL", "X'0aFF'"},
        {"TRUE", "BOOLEAN NOT NULL", "TRUE"},
        {"false", "BOOLEAN NOT NULL", "FALSE"},
        {"UNKNOWN", "BOOLEAN", "UNKNOWN"},
        {"NULL", "NULL", "NULL"},
        {"DATE '2024-01-02'", "DATE NOT NULL", "DATE '2024-01-02'"},
        {"TIME '03:04:05'", "TIME(0) NOT NULL", "TIME '03:04:05'"},
        {"TIME '03:04:05.123'", "TIME(3) NOT NULL", "TIME '03:04:05.123'"},
        {"TIMESTAMP '2024-01-02 03:04:05'", "TIMESTAMP(0) NOT NULL",
         "TIMESTAMP '2024-01-02 03:04:05'"},
        {"TIMESTAMP '2024-01-02 03:04:05.123456'", "TIMESTAMP(6) NOT NULL",
         "TIMESTAMP '2024-01-02 03:04:05.123456'"},
        {"TIMESTAMP_LTZ '2024-01-02 03:04:05.5'", "TIMESTAMP_LTZ(1) NOT NULL",
         "TIMESTAMP_LTZ '2024-01-02 03:04:05.5'"},
        {"TIMESTAMP WITH LOCAL TIME ZONE '2024-01-02 03:04:05'", "TIMESTAMP_LTZ(0) NOT NULL",
         "TIMESTAMP_LTZ '2024-01-02 03:04:05'"},
        {"INTERVAL '10' MINUTE", "INTERVAL SECOND(3) NOT NULL", "INTERVAL '10' MINUTE"},
        {"INTERVAL '1' YEAR", "INTERVAL MONTH NOT NULL", "INTERVAL '1' YEAR"},
        {"DECIMAL '1.50'", "DECIMAL(3, 2) NOT NULL", "1.50"},
        {"DECIMAL ' 12 '", "DECIMAL(2, 0) NOT NULL", "DECIMAL '12'"},
        {"DECIMAL '5.'", "DECIMAL(1, 0) NOT NULL", "DECIMAL '5.'"},
        {"decimal '-0.05'", "DECIMAL(3, 2) NOT NULL", "DECIMAL '-0.05'"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        const wr_sql_literal *l = lit(cases[i].in);
        assert_string_equal(type_text(&l->type), cases[i].type);
        assert_string_equal(sql_expr(cases[i].in), cases[i].out);
    }
    assert_int_equal(lit("2147483647")->value.i, 2147483647);
    assert_int_equal(lit("10000000000")->value.i, 10000000000LL);
    assert_true(lit("9223372036854775808")->value.dec == (wr_i128)9223372036854775807LL + 1);
    const wr_sql_literal *l = lit("12345678901234567890123456789012345678");
    assert_int_equal(l->type.precision, 38);
    assert_true(l->value.dec / 1000000000000000000LL == (wr_i128)12345678901234567890ULL);
    assert_int_equal(lit("1.5")->value.i, 15);
    assert_int_equal(lit("0.05")->value.i, 5);
    l = lit("1234567890.1234567890");
    assert_int_equal(l->type.precision, 20);
    assert_int_equal(l->type.scale, 10);
    assert_true(l->value.dec == (wr_i128)12345678901234567890ULL);
    assert_true(lit("1.5E-2")->value.d == 0.015);
    assert_int_equal(lit("DECIMAL '1.50'")->kind, WR_SQL_LIT_DECIMAL);
    assert_int_equal(lit("DECIMAL '1.50'")->value.i, 150);
    assert_int_equal(lit("DECIMAL '-0.05'")->value.i, -5);
    l = lit("DECIMAL '1234567890.1234567890'");
    assert_int_equal(l->type.precision, 20);
    assert_true(l->value.dec == (wr_i128)12345678901234567890ULL);
    assert_int_equal(lit("'a' 'bc'")->value.s.len, 3);
    assert_memory_equal(lit("X'0aFF'")->value.s.ptr, "\x0a\xff", 2);
    assert_true(lit("TRUE")->value.b);
    assert_true(lit("UNKNOWN")->value.is_null);
    assert_true(lit("NULL")->value.is_null);
    assert_int_equal(lit("DATE '1970-01-02'")->value.i, 1);
    assert_int_equal(lit("TIME '00:00:01.5'")->value.i, 1500000);
    assert_int_equal(lit("TIMESTAMP '1970-01-01 00:00:01'")->value.i, 1000000);
    /* Unicode escapes. */
    l = lit("U&'d\\0061t\\+01F600'");
    assert_int_equal(l->kind, WR_SQL_LIT_STRING);
    assert_string_equal(l->text, "dat\xF0\x9F\x98\x80");
    assert_int_equal(l->type.length, 4);
    assert_string_equal(lit("U&'!0041!!' UESCAPE '!'")->text, "A!");
    assert_string_equal(lit("U&'\\D83D\\DE00'")->text, "\xF0\x9F\x98\x80");
    assert_string_equal(lit("U&'a\\\\b'")->text, "a\\b");
}

typedef struct interval_case {
    const char *in;
    int64_t value;
    wr_type_id type;
    const char *out;
} interval_case;

static void test_intervals(void **state)
{
    (void)state;
    const int64_t S = 1000000, M = 60 * S, H = 60 * M, D = 24 * H;
    const interval_case cases[] = {
        {"INTERVAL '10' SECOND", 10 * S, WR_TYPE_INTERVAL_DT, "INTERVAL '10' SECOND"},
        {"INTERVAL '5' SECONDS", 5 * S, WR_TYPE_INTERVAL_DT, "INTERVAL '5' SECOND"},
        {"INTERVAL '1.25' SECOND", 1250000, WR_TYPE_INTERVAL_DT, "INTERVAL '1.25' SECOND"},
        {"INTERVAL '10' MINUTES", 10 * M, WR_TYPE_INTERVAL_DT, "INTERVAL '10' MINUTE"},
        {"INTERVAL '1' HOUR", H, WR_TYPE_INTERVAL_DT, "INTERVAL '1' HOUR"},
        {"INTERVAL '2' HOURS", 2 * H, WR_TYPE_INTERVAL_DT, "INTERVAL '2' HOUR"},
        {"INTERVAL '3' DAY", 3 * D, WR_TYPE_INTERVAL_DT, "INTERVAL '3' DAY"},
        {"INTERVAL '3' DAYS", 3 * D, WR_TYPE_INTERVAL_DT, "INTERVAL '3' DAY"},
        {"INTERVAL '1 02' DAY TO HOUR", D + 2 * H, WR_TYPE_INTERVAL_DT,
         "INTERVAL '1 02' DAY TO HOUR"},
        {"INTERVAL '1 2:03' DAY TO MINUTE", D + 2 * H + 3 * M, WR_TYPE_INTERVAL_DT,
         "INTERVAL '1 2:03' DAY TO MINUTE"},
        {"INTERVAL '1 02:03:04.5' DAY TO SECOND", D + 2 * H + 3 * M + 4 * S + 500000,
         WR_TYPE_INTERVAL_DT, "INTERVAL '1 02:03:04.5' DAY TO SECOND"},
        {"INTERVAL '1:30' HOUR TO MINUTE", H + 30 * M, WR_TYPE_INTERVAL_DT,
         "INTERVAL '1:30' HOUR TO MINUTE"},
        {"INTERVAL '1:30:15' HOUR TO SECOND", H + 30 * M + 15 * S, WR_TYPE_INTERVAL_DT,
         "INTERVAL '1:30:15' HOUR TO SECOND"},
        {"INTERVAL '30:15.001' MINUTE TO SECOND", 30 * M + 15 * S + 1000, WR_TYPE_INTERVAL_DT,
         "INTERVAL '30:15.001' MINUTE TO SECOND"},
        {"INTERVAL '1' YEAR", 12, WR_TYPE_INTERVAL_YM, "INTERVAL '1' YEAR"},
        {"INTERVAL '2' YEARS", 24, WR_TYPE_INTERVAL_YM, "INTERVAL '2' YEAR"},
        {"INTERVAL '1-2' YEAR TO MONTH", 14, WR_TYPE_INTERVAL_YM, "INTERVAL '1-2' YEAR TO MONTH"},
        {"INTERVAL '7' MONTH", 7, WR_TYPE_INTERVAL_YM, "INTERVAL '7' MONTH"},
        {"INTERVAL '-3' HOUR", -3 * H, WR_TYPE_INTERVAL_DT, "INTERVAL '-3' HOUR"},
        {"INTERVAL -'5' DAY", -5 * D, WR_TYPE_INTERVAL_DT, "INTERVAL '-5' DAY"},
        {"INTERVAL -'-5' DAY", 5 * D, WR_TYPE_INTERVAL_DT, "INTERVAL '5' DAY"},
        {"INTERVAL '-1-6' YEAR TO MONTH", -18, WR_TYPE_INTERVAL_YM,
         "INTERVAL '-1-6' YEAR TO MONTH"},
        {"INTERVAL '100' DAY(3)", 100 * D, WR_TYPE_INTERVAL_DT, "INTERVAL '100' DAY(3)"},
        {"INTERVAL '1.123456789' SECOND(2, 9)", 1123456, WR_TYPE_INTERVAL_DT,
         "INTERVAL '1.123456789' SECOND(2, 9)"},
        {"INTERVAL 5 MINUTE", 5 * M, WR_TYPE_INTERVAL_DT, "INTERVAL '5' MINUTE"},
        {"INTERVAL ' 7 ' DAY", 7 * D, WR_TYPE_INTERVAL_DT, "INTERVAL ' 7 ' DAY"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        const wr_sql_literal *l = lit(cases[i].in);
        assert_int_equal(l->kind, WR_SQL_LIT_INTERVAL);
        assert_int_equal(l->value.i, cases[i].value);
        assert_int_equal(l->type.id, cases[i].type);
        assert_false(l->type.nullable);
        assert_string_equal(sql_expr(cases[i].in), cases[i].out);
    }
    const wr_sql_literal *l = lit("INTERVAL '1 02:03' DAY TO MINUTE");
    assert_int_equal(l->unit_start, WR_SQL_UNIT_DAY);
    assert_int_equal(l->unit_end, WR_SQL_UNIT_MINUTE);
    assert_string_equal(l->text, "1 02:03");
    assert_int_equal(l->leading_precision, 2);
    l = lit("INTERVAL -'5' DAY");
    assert_true(l->negative);
    assert_string_equal(sql_expr("ts - INTERVAL '5' SECOND"), "(ts - INTERVAL '5' SECOND)");

    /* Flink's checks: leading field within its precision, other fields within range. */
    assert_string_equal(sql_expr_error("INTERVAL '100' DAY"),
                        "e.sql:1:10: interval field value 100 exceeds precision of DAY(2) field; "
                        "write DAY(3)");
    assert_string_equal(sql_expr_error("INTERVAL '1 25' DAY TO HOUR"),
                        "e.sql:1:10: invalid INTERVAL DAY TO HOUR literal '1 25': HOUR field "
                        "value 25 is out of range");
    assert_string_equal(sql_expr_error("INTERVAL '1-12' YEAR TO MONTH"),
                        "e.sql:1:10: invalid INTERVAL YEAR TO MONTH literal '1-12': MONTH field "
                        "value 12 is out of range");
    assert_string_equal(sql_expr_error("INTERVAL 'x' SECOND"),
                        "e.sql:1:10: invalid INTERVAL SECOND literal 'x': expected 'S[.F]'");
    assert_string_equal(sql_expr_error("INTERVAL '1 2' DAY TO SECOND"),
                        "e.sql:1:10: invalid INTERVAL DAY TO SECOND literal '1 2': expected 'D "
                        "H:M:S[.F]'");
    assert_string_equal(sql_expr_error("INTERVAL '1.1234567' SECOND"),
                        "e.sql:1:10: invalid INTERVAL SECOND literal '1.1234567': more fraction "
                        "digits than the precision 6");
    assert_string_equal(sql_expr_error("INTERVAL '1' WEEK"),
                        "e.sql:1:14: syntax error: expected an interval unit (YEAR, MONTH, DAY, "
                        "HOUR, MINUTE or SECOND) but found 'WEEK'");
    assert_string_equal(sql_expr_error("INTERVAL '1' MONTH TO DAY"),
                        "e.sql:1:23: INTERVAL MONTH TO DAY is not a valid interval qualifier");
    assert_string_equal(sql_expr_error("INTERVAL '1' DAY(11)"),
                        "e.sql:1:18: the interval leading precision must be between 1 and 10");
    assert_string_equal(sql_expr_error("INTERVAL '9999999999' DAY(10) TO SECOND"),
                        "e.sql:1:10: invalid INTERVAL DAY TO SECOND literal '9999999999': "
                        "expected 'D H:M:S[.F]'");
    assert_string_equal(sql_expr_error("INTERVAL '9999999999' DAY(10)"),
                        "e.sql:1:10: INTERVAL DAY literal '9999999999' is out of range");
    assert_string_equal(sql_expr_error("INTERVAL x"),
                        "e.sql:1:10: syntax error: expected the interval value as a string, as in "
                        "INTERVAL '10' SECOND but found 'x'");
}

static void test_literal_errors(void **state)
{
    (void)state;
    assert_string_equal(sql_expr_error("123456789012345678901234567890123456789"),
                        "e.sql:1:1: numeric literal 123456789012345678901234567890123456789 is out "
                        "of range (more than 38 digits)");
    assert_string_equal(sql_expr_error("1e999"),
                        "e.sql:1:1: numeric literal 1e999 is out of range");
    assert_string_equal(sql_expr_error("DATE '2024-13-01'"),
                        "e.sql:1:6: invalid DATE literal '2024-13-01': expected 'yyyy-MM-dd'");
    assert_string_equal(sql_expr_error("TIME '25:00:00'"),
                        "e.sql:1:6: invalid TIME literal '25:00:00': expected 'HH:mm:ss[.fff]'");
    assert_string_equal(sql_expr_error("TIMESTAMP '2024-01-02 03:04'"),
                        "e.sql:1:11: invalid TIMESTAMP literal '2024-01-02 03:04': expected "
                        "'yyyy-MM-dd HH:mm:ss[.fff]'");
    assert_string_equal(sql_expr_error("U&'\\12'"),
                        "e.sql:1:1: invalid unicode escape in U&'...': expected \\XXXX, \\+XXXXXX "
                        "or \\\\");
    assert_string_equal(sql_expr_error("U&'\\D800'"),
                        "e.sql:1:1: invalid code point U+D800 in U&'...'");
    assert_string_equal(sql_expr_error("U&'x' UESCAPE 'a'"),
                        "e.sql:1:15: invalid UESCAPE character 'a'");
    assert_string_equal(sql_expr_error("X'0'"),
                        "e.sql:1:1: invalid binary literal: odd number of hexadecimal digits");
    assert_string_equal(sql_expr_error("X'0g'"),
                        "e.sql:1:4: invalid binary literal: expected hexadecimal digits");
    assert_string_equal(sql_expr_error("1abc"), "e.sql:1:1: invalid number '1abc'");
    assert_string_equal(sql_expr_error("DECIMAL '1.2.3'"),
                        "e.sql:1:9: invalid DECIMAL literal '1.2.3'");
    assert_string_equal(sql_expr_error("DECIMAL 'abc'"),
                        "e.sql:1:9: invalid DECIMAL literal 'abc'");
    assert_string_equal(sql_expr_error("1e+"), "e.sql:1:1: invalid number: exponent has no digits");
}

static void test_expression_errors(void **state)
{
    (void)state;
    assert_string_equal(sql_expr_error("1 +"),
                        "e.sql:1:4: syntax error: expected an expression but found end of input");
    assert_string_equal(sql_expr_error("(1 + 2"),
                        "e.sql:1:7: syntax error: expected ')' but found end of input");
    assert_string_equal(
        sql_expr_error("a b"),
        "e.sql:1:3: syntax error: expected the end of the expression but found 'b'");
    assert_string_equal(sql_expr_error("f(1,)"),
                        "e.sql:1:5: syntax error: expected an expression but found ')'");
    assert_string_equal(sql_expr_error("CASE END"),
                        "e.sql:1:6: syntax error: expected WHEN but found 'END'");
    assert_string_equal(sql_expr_error("CAST(a INT)"),
                        "e.sql:1:8: syntax error: expected AS but found 'INT'");
    assert_string_equal(sql_expr_error("a IS NOT 5"),
                        "e.sql:1:10: syntax error: expected NULL, TRUE, FALSE, UNKNOWN, JSON or "
                        "DISTINCT FROM after IS but found '5'");
    assert_string_equal(sql_expr_error("a IN ()"),
                        "e.sql:1:7: syntax error: expected a value in the IN list but found ')'");
    assert_string_equal(sql_expr_error("a BETWEEN 1"),
                        "e.sql:1:12: syntax error: expected AND but found end of input");
    assert_string_equal(sql_expr_error("SELECT 1"),
                        "e.sql:1:1: syntax error: a subquery must be written in parentheses");
    assert_string_equal(sql_expr_error("a = ANY (SELECT 1)"),
                        "e.sql:1:5: a quantified comparison (ANY, SOME, ALL) is not supported");
    assert_string_equal(sql_expr_error("?"), "e.sql:1:1: a parameter marker '?' is not supported");
    assert_string_equal(sql_expr_error("EXTRACT(FOO FROM ts)"),
                        "e.sql:1:9: syntax error: expected a time unit (YEAR, MONTH, DAY, HOUR, "
                        "...) but found 'FOO'");
    assert_string_equal(sql_expr_error("COUNT(*) WITHIN GROUP (ORDER BY a)"),
                        "e.sql:1:10: WITHIN GROUP is not supported");
    assert_string_equal(sql_expr_error("a CASE"),
                        "e.sql:1:3: syntax error: expected the end of the expression but found "
                        "'CASE'");
    assert_string_equal(sql_expr_error("CASE WHEN a THN 1 END"),
                        "e.sql:1:13: syntax error: expected THEN but found 'THN'; did you mean "
                        "THEN?");
}

static void test_positions(void **state)
{
    (void)state;
    wr_sql_expr *e = sql_expr_tree("a +\n  (b * c)");
    assert_int_equal(e->pos.line, 1);
    assert_int_equal(e->pos.col, 1);
    assert_int_equal(e->end, 13);
    wr_sql_expr *r = e->binary.right;
    assert_int_equal(r->pos.line, 2);
    assert_int_equal(r->pos.col, 4);
    assert_int_equal(r->pos.offset, 7);
    assert_int_equal(e->binary.op_pos.col, 3);
    /* Columns count code points. */
    e = sql_expr_tree("'ü€' || x");
    assert_int_equal(e->binary.right->pos.col, 9);
    assert_int_equal(e->binary.right->pos.offset, 11);
    assert_int_equal(e->height, 2);
    assert_string_equal(sql_expr_error("'ü€' || )"),
                        "e.sql:1:9: syntax error: expected an expression but found ')'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_predicates),
        cmocka_unit_test(test_columns_and_access),
        cmocka_unit_test(test_calls),
        cmocka_unit_test(test_case_and_constructors),
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_literal_types),
        cmocka_unit_test(test_intervals),
        cmocka_unit_test(test_literal_errors),
        cmocka_unit_test(test_expression_errors),
        cmocka_unit_test(test_positions),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sql_test_reset();
    wr_arena_destroy(&sql_test_arena);
    return rc;
}
