/* test_sql_errors.c - how the SQL front end reports errors: "FILE:LINE:COL: message" with
 * the exact position and what was expected, "did you mean" for misspelled keywords, every
 * broken statement of a script reported (recovery at ';', also inside statement sets),
 * "not supported" for Flink statements weir does not run, the limits on nesting and on the
 * number of errors, and the error helpers the binder shares. */
#include "test_sql_util.h"

#include <stdlib.h>

static void test_positions_and_expectations(void **state)
{
    (void)state;
    assert_string_equal(sql_errors("SELECT a,\n       b\n  FROM t WHERE (x > 1 FROM u"),
                        "q.sql:3:23: syntax error: expected ')' but found 'FROM'\n");
    assert_string_equal(sql_errors("SELECT * FROM"),
                        "q.sql:1:14: syntax error: expected a table name, subquery or table "
                        "function but found end of input\n");
    assert_string_equal(sql_errors("SELECT * FROM t JOIN u"),
                        "q.sql:1:23: syntax error: expected ON or USING but found end of input\n");
    assert_string_equal(sql_errors("CREATE TABLE t (a INT) WITH ('k' 'v')"),
                        "q.sql:1:34: syntax error: expected '=' but found string 'v'\n");
    assert_string_equal(sql_errors("CREATE TABLE t (a INT) WITH (k = 'v')"),
                        "q.sql:1:30: syntax error: expected an option key such as 'connector' (a "
                        "string literal) but found 'k'\n");
    assert_string_equal(sql_errors("CREATE TABLE t (a INT, PRIMARY KEY (a))"),
                        "q.sql:1:39: syntax error: expected NOT ENFORCED (Flink only supports "
                        "PRIMARY KEY ... NOT ENFORCED) but found ')'\n");
    assert_string_equal(sql_errors("CREATE TABLE t (a INT PRIMARY KEY ENFORCED)"),
                        "q.sql:1:35: PRIMARY KEY ... ENFORCED is not supported: Flink does not "
                        "own the data, so the only mode is NOT ENFORCED\n");
    assert_string_equal(
        sql_errors("CREATE TABLE t (a INT PRIMARY KEY NOT ENFORCED,\n  PRIMARY KEY (a) NOT "
                   "ENFORCED)"),
        "q.sql:2:3: duplicate PRIMARY KEY: a table has at most one (the first is at line 1, "
        "column 23)\n");
    assert_string_equal(sql_errors("CREATE TABLE t (a FOO)"), "q.sql:1:19: unknown type 'FOO'\n");
    assert_string_equal(sql_errors("SET table.exec.state.ttl = '1 h'"),
                        "q.sql:1:5: syntax error: expected a quoted key: SET 'key' = 'value' but "
                        "found 'table'\n");
    assert_string_equal(sql_errors("SET 'a' = 1"),
                        "q.sql:1:11: syntax error: expected a quoted value: SET 'key' = 'value' "
                        "but found '1'\n");
    assert_string_equal(sql_errors("INSERT INTO t"),
                        "q.sql:1:14: syntax error: expected SELECT or VALUES but found end of "
                        "input\n");
    assert_string_equal(sql_errors("SELECT 1 2"),
                        "q.sql:1:10: syntax error: expected ';' or the end of the statement but "
                        "found '2'\n");
    assert_string_equal(sql_errors("SELECT (SELECT 1) ORDER BY 1 ORDER BY 2"),
                        "q.sql:1:30: syntax error: expected ';' or the end of the statement but "
                        "found 'ORDER'\n");
    assert_string_equal(sql_errors("(SELECT 1 LIMIT 1) LIMIT 2"),
                        "q.sql:1:20: syntax error: this query already has ORDER BY, LIMIT or "
                        "OFFSET; put it in parentheses to add another\n");
    assert_string_equal(sql_errors("EXECUTE STATEMENT SET BEGIN END"),
                        "q.sql:1:1: a STATEMENT SET needs at least one INSERT\n");
    assert_string_equal(sql_errors("EXECUTE STATEMENT SET BEGIN SELECT 1; END"),
                        "q.sql:1:29: syntax error: expected INSERT (a STATEMENT SET holds only "
                        "INSERT statements) but found 'SELECT'\n");
    assert_string_equal(sql_errors("BEGIN STATEMENT SET; INSERT INTO a SELECT 1;"),
                        "q.sql:1:45: syntax error: expected END of the STATEMENT SET but found "
                        "end of input\n");
}

static void test_did_you_mean(void **state)
{
    (void)state;
    assert_string_equal(sql_errors("SELEC a FROM t"),
                        "q.sql:1:1: syntax error: expected a statement (CREATE, DROP, INSERT, "
                        "SELECT, EXPLAIN, SET, RESET, SHOW, DESCRIBE, EXECUTE STATEMENT SET) but "
                        "found 'SELEC'; did you mean SELECT?\n");
    assert_string_equal(sql_errors("CRATE TABLE t (a INT)"),
                        "q.sql:1:1: syntax error: expected a statement (CREATE, DROP, INSERT, "
                        "SELECT, EXPLAIN, SET, RESET, SHOW, DESCRIBE, EXECUTE STATEMENT SET) but "
                        "found 'CRATE'; did you mean CREATE?\n");
    /* A misspelled clause keyword is first read as an alias; the error names the word. */
    assert_string_equal(sql_errors("SELECT a FROM t WHER x > 1"),
                        "q.sql:1:17: syntax error: unexpected 'WHER'; did you mean WHERE?\n");
    assert_string_equal(sql_errors("SELECT a FORM t"),
                        "q.sql:1:10: syntax error: unexpected 'FORM'; did you mean FROM?\n");
    assert_string_equal(sql_errors("SELECT a FROM t GROPU BY a"),
                        "q.sql:1:17: syntax error: unexpected 'GROPU'; did you mean GROUP?\n");
    assert_string_equal(sql_errors("INSERT INT t SELECT 1"),
                        "q.sql:1:8: syntax error: expected INTO but found 'INT'; did you mean "
                        "INTO?\n");
    assert_string_equal(sql_errors("INSERT INTO t SELEC 1"),
                        "q.sql:1:15: syntax error: expected SELECT or VALUES but found 'SELEC'; "
                        "did you mean SELECT?\n");
    assert_string_equal(sql_errors("CREATE TABEL t (a INT)"),
                        "q.sql:1:8: syntax error: expected TABLE, VIEW or FUNCTION but found "
                        "'TABEL'; did you mean TABLE?\n");
    assert_string_equal(sql_errors("SELECT a FROM t ORDER BY a DESCC"),
                        "q.sql:1:28: syntax error: expected ';' or the end of the statement but "
                        "found 'DESCC'; did you mean DESC?\n");
    assert_string_equal(sql_errors("CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts) "
                                   "WITH ('a'='b') LIKEE x"),
                        "q.sql:1:73: syntax error: expected ';' or the end of the statement but "
                        "found 'LIKEE'; did you mean LIKE?\n");
    assert_string_equal(sql_errors("CREATE TABLE t (a VARCHR(3))"),
                        "q.sql:1:19: unknown type 'VARCHR'; did you mean VARCHAR?\n");
    /* Nothing close: no suggestion. */
    assert_string_equal(sql_errors("FOO BAR"),
                        "q.sql:1:1: syntax error: expected a statement (CREATE, DROP, INSERT, "
                        "SELECT, EXPLAIN, SET, RESET, SHOW, DESCRIBE, EXECUTE STATEMENT SET) but "
                        "found 'FOO'\n");
}

static void test_multiple_errors(void **state)
{
    (void)state;
    const char *sql = "SELECT 1;\n"
                      "SELEC 2;\n"
                      "CREATE TABLE t (a INT) WITH ('x' = 'y');\n"
                      "SELECT (1 + FROM t;\n"
                      "INSERT INTO t VALUES (1);\n"
                      "SELECT 'unterminated FROM t;\n";
    wr_sql_script s = sql_parse(sql);
    assert_int_equal(s.nstmts, 3); /* the good statements are kept */
    assert_int_equal(s.stmts[0]->kind, WR_SQL_STMT_QUERY);
    assert_int_equal(s.stmts[1]->kind, WR_SQL_STMT_CREATE_TABLE);
    assert_int_equal(s.stmts[2]->kind, WR_SQL_STMT_INSERT);
    assert_int_equal(s.nerrors, 3);
    assert_string_equal(sql_errors(sql),
                        "q.sql:2:1: syntax error: expected a statement (CREATE, DROP, INSERT, "
                        "SELECT, EXPLAIN, SET, RESET, SHOW, DESCRIBE, EXECUTE STATEMENT SET) but "
                        "found 'SELEC'; did you mean SELECT?\n"
                        "q.sql:4:13: syntax error: expected an expression but found 'FROM'\n"
                        "q.sql:6:8: unterminated string literal\n");
    /* Errors inside a statement set: each broken INSERT is reported, parsing goes on. */
    assert_string_equal(sql_errors("EXECUTE STATEMENT SET BEGIN\n"
                                   "INSERT INTO a SELEC 1;\n"
                                   "INSERT INTO b SELECT 2;\n"
                                   "INSERT INTO c SELECT FROM;\n"
                                   "END;\n"
                                   "SELECT 1 +;"),
                        "q.sql:2:15: syntax error: expected SELECT or VALUES but found 'SELEC'; "
                        "did you mean SELECT?\n"
                        "q.sql:4:22: syntax error: expected an expression but found 'FROM'\n"
                        "q.sql:6:11: syntax error: expected an expression but found ';'\n");
    /* Lexical errors are reported with the parse errors, in source order. */
    assert_string_equal(sql_errors("SELECT 1 +;\nSELECT \"x\";\nSELECT 2 # 3;\nSELECT 4 /* open"),
                        "q.sql:1:11: syntax error: expected an expression but found ';'\n"
                        "q.sql:2:8: double quotes are not used in Flink SQL: write 'text' for a "
                        "string and `name` for an identifier\n"
                        "q.sql:3:10: unexpected character '#'\n"
                        "q.sql:4:10: unterminated comment\n");
    s = sql_parse("SELECT 1;\nSELECT 4 /* open");
    assert_int_equal(s.nstmts, 2); /* the comment error does not hide the statement */
}

static void test_unsupported(void **state)
{
    (void)state;
    static const struct {
        const char *sql, *err;
    } cases[] = {
        {"CREATE FUNCTION f AS 'com.x.F'", "q.sql:1:1: CREATE FUNCTION is not supported\n"},
        {"CREATE TEMPORARY SYSTEM FUNCTION f AS 'x' LANGUAGE JAVA",
         "q.sql:1:1: CREATE FUNCTION is not supported\n"},
        {"DROP FUNCTION f", "q.sql:1:1: DROP FUNCTION is not supported\n"},
        {"CREATE CATALOG c WITH ('type'='x')", "q.sql:1:1: CREATE CATALOG is not supported\n"},
        {"CREATE DATABASE d", "q.sql:1:1: CREATE DATABASE is not supported\n"},
        {"USE CATALOG c", "q.sql:1:1: USE statements are not supported\n"},
        {"ALTER TABLE t RENAME TO u", "q.sql:1:1: ALTER statements are not supported\n"},
        {"COMPILE PLAN 'f' FOR INSERT INTO t SELECT 1",
         "q.sql:1:1: COMPILE statements are not supported\n"},
        {"EXECUTE PLAN 'file:///p.json'", "q.sql:1:1: EXECUTE PLAN is not supported\n"},
        {"SHOW CATALOGS", "q.sql:1:1: SHOW CATALOGS is not supported\n"},
        {"SHOW TABLES LIKE 'a%'", "q.sql:1:13: SHOW ... FROM / LIKE is not supported\n"},
        {"CREATE OR REPLACE VIEW v AS SELECT 1",
         "q.sql:1:1: CREATE OR REPLACE VIEW is not supported\n"},
        {"CREATE TABLE t (a INT) WITH ('connector'='x') LIKE base (EXCLUDING ALL)",
         "q.sql:1:47: CREATE TABLE ... LIKE is not supported\n"},
        {"CREATE TABLE t (a INT) DISTRIBUTED BY HASH(a) INTO 4 BUCKETS",
         "q.sql:1:24: DISTRIBUTED BY / INTO is not supported\n"},
        {"CREATE TABLE t (a INT, UNIQUE (a))",
         "q.sql:1:24: a constraint other than PRIMARY KEY is not supported\n"},
        {"CREATE TABLE t (a MULTISET<INT>)", "q.sql:1:19: the MULTISET type is not supported\n"},
        {"CREATE TABLE t (a RAW('x', 'y'))", "q.sql:1:19: the RAW type is not supported\n"},
        {"CREATE TABLE t (a TIMESTAMP WITH TIME ZONE)",
         "q.sql:1:19: TIMESTAMP WITH TIME ZONE (use TIMESTAMP_LTZ) is not supported\n"},
        {"CREATE TABLE t (a db.mytype)", "q.sql:1:19: a user-defined type is not supported\n"},
        {"WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r",
         "q.sql:1:6: WITH RECURSIVE is not supported\n"},
        {"SELECT ARRAY(SELECT 1)", "q.sql:1:8: ARRAY(subquery) is not supported\n"},
        {"SELECT * FROM t MATCH_RECOGNIZE (PATTERN (A) SUBSET S = (A) DEFINE A AS TRUE)",
         "q.sql:1:46: SUBSET is not supported\n"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        wr_sql_script s = sql_parse(cases[i].sql);
        assert_int_equal(s.nerrors, 1);
        assert_int_equal(s.errors[0].code, WR_EUNSUPPORTED);
        assert_string_equal(sql_errors(cases[i].sql), cases[i].err);
    }
}

static char *repeat(const char *prefix, const char *unit, int n, const char *suffix)
{
    size_t len = strlen(prefix) + strlen(unit) * (size_t)n + strlen(suffix) + 1;
    char *s = malloc(len);
    assert_non_null(s);
    strcpy(s, prefix);
    for (int i = 0; i < n; i++)
        strcat(s, unit);
    strcat(s, suffix);
    return s;
}

static void test_limits(void **state)
{
    (void)state;
    /* Nesting just under the limit parses; past it is an error, not a stack overflow. */
    char *ok = repeat("SELECT ", "(", 200, "1");
    char *ok2 = repeat(ok, ")", 200, "");
    wr_sql_script s = sql_parse(ok2);
    assert_int_equal(s.nerrors, 0);
    free(ok);
    free(ok2);
    char *deep = repeat("SELECT ", "(", 100000, "1");
    s = sql_parse(deep);
    assert_int_equal(s.nerrors, 1);
    assert_int_equal(s.errors[0].code, WR_ELIMIT);
    assert_string_equal(s.errors[0].msg, "expression nested too deeply (more than 256 levels)");
    assert_int_equal(s.errors[0].pos.col, 8 + 255);
    free(deep);
    deep = repeat("SELECT ", "- ", 5000, "1");
    s = sql_parse(deep);
    assert_int_equal(s.nerrors, 1);
    assert_int_equal(s.errors[0].code, WR_ELIMIT);
    free(deep);
    deep = repeat("SELECT * FROM ", "(SELECT * FROM ", 5000, "t");
    s = sql_parse(deep);
    assert_int_equal(s.nerrors, 1);
    assert_int_equal(s.errors[0].code, WR_ELIMIT);
    free(deep);
    deep = repeat("CREATE TABLE t (a ", "ARRAY<", 3000, "INT");
    s = sql_parse(deep);
    assert_int_equal(s.nerrors, 1);
    assert_int_equal(s.errors[0].code, WR_ELIMIT);
    free(deep);
    deep = repeat("CREATE TABLE t (a INT", " ARRAY", 3000, ")");
    s = sql_parse(deep);
    assert_int_equal(s.nerrors, 1);
    assert_int_equal(s.errors[0].code, WR_ELIMIT);
    free(deep);
    /* Long flat chains are fine up to the tree height limit. */
    char *chain = repeat("SELECT 1", " + 1", 900, "");
    s = sql_parse(chain);
    assert_int_equal(s.nerrors, 0);
    assert_int_equal(s.stmts[0]->query.query->select.items[0].expr->height, 901);
    free(chain);
    chain = repeat("SELECT 1", " AND 1", 5000, "");
    s = sql_parse(chain);
    assert_int_equal(s.nerrors, 1);
    assert_int_equal(s.errors[0].code, WR_ELIMIT);
    assert_string_equal(s.errors[0].msg, "expression too complex (more than 1000 levels)");
    free(chain);
    chain = repeat("SELECT 1", " UNION SELECT 1", 5000, "");
    s = sql_parse(chain);
    assert_int_equal(s.nerrors, 1);
    assert_int_equal(s.errors[0].code, WR_ELIMIT);
    free(chain);
    chain = repeat("SELECT * FROM t", " JOIN t ON TRUE", 5000, "");
    s = sql_parse(chain);
    assert_int_equal(s.nerrors, 1);
    free(chain);
    /* Many statements are fine; many errors stop at the limit. */
    char *many = repeat("", "SELECT 1;", 20000, "");
    s = sql_parse(many);
    assert_int_equal(s.nerrors, 0);
    assert_int_equal(s.nstmts, 20000);
    free(many);
    many = repeat("", "SELEC 1;\n", 500, "");
    s = sql_parse(many);
    assert_int_equal(s.nerrors, WR_SQL_MAX_ERRORS);
    assert_int_equal(s.errors[WR_SQL_MAX_ERRORS - 1].code, WR_ELIMIT);
    assert_string_equal(s.errors[WR_SQL_MAX_ERRORS - 1].msg, "too many errors (100), giving up");
    free(many);
}

static void test_error_api(void **state)
{
    (void)state;
    wr_sql_script s = sql_parse("SELECT 1;\nSELECT +;");
    wr_error err;
    assert_int_equal(wr_sql_script_error(&s, &err), WR_EPARSE);
    assert_string_equal(err.msg, "q.sql:2:9: syntax error: expected an expression but found ';'");
    assert_int_equal(err.domain, WR_DOMAIN_USER);
    assert_false(err.retryable);
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_sql_error_format(&s, &s.errors[0], &b), 0);
    assert_string_equal(b.ptr, "q.sql:2:9: syntax error: expected an expression but found ';'");
    wr_buf_free(&b);
    s = sql_parse("SELECT 1");
    assert_int_equal(wr_sql_script_error(&s, &err), WR_OK);

    wr_sql_pos pos = {.offset = 10, .line = 3, .col = 7};
    assert_int_equal(
        wr_sql_error_set(&err, WR_ETYPE, "job.sql", pos, "cannot add %s and %s", "INT", "STRING"),
        WR_ETYPE);
    assert_string_equal(err.msg, "job.sql:3:7: cannot add INT and STRING");
    assert_int_equal(err.code, WR_ETYPE);
    wr_sql_error_set(&err, WR_ENOENT, NULL, pos, "x");
    assert_string_equal(err.msg, "<sql>:3:7: x");

    /* No file name given. */
    wr_arena a;
    wr_arena_init(&a, 4096, NULL);
    wr_sql_script s2;
    assert_int_equal(wr_sql_parse("SELECT (", 8, NULL, &a, &s2), WR_EPARSE);
    assert_int_equal(wr_sql_script_error(&s2, &err), WR_EPARSE);
    assert_string_equal(err.msg,
                        "<sql>:1:9: syntax error: expected an expression but found end of input");
    wr_sql_type *t;
    assert_int_equal(wr_sql_parse_type("INT NOT NULL x", 14, "t.sql", &a, &t, &err), WR_EPARSE);
    assert_string_equal(err.msg,
                        "t.sql:1:14: syntax error: expected the end of the type but found 'x'");
    wr_sql_expr *e;
    assert_int_equal(wr_sql_parse_expr("'abc", 4, NULL, &a, &e, &err), WR_EPARSE);
    assert_string_equal(err.msg, "<sql>:1:1: unterminated string literal");
    assert_null(e);
    /* No text at all is an empty script. */
    assert_int_equal(wr_sql_parse(NULL, 5, NULL, &a, &s2), WR_OK);
    assert_int_equal(s2.nstmts, 0);
    /* Text that is not NUL-terminated is read up to len only. */
    assert_int_equal(wr_sql_parse_expr("1 + 2garbage", 5, NULL, &a, &e, &err), WR_OK);
    wr_arena_destroy(&a);
}

/* Allocation failures at every point fail the parse cleanly with WR_ENOMEM. */
static void test_out_of_memory(void **state)
{
    (void)state;
    const char *sql = "CREATE TABLE t (a INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL "
                      "'1' SECOND) WITH ('connector' = 'x');\n"
                      "SELECT a, COUNT(*) FROM t GROUP BY a;\nSELEC 1;";
    int ok = 0, failed = 0;
    for (int64_t n = 1; n < 400; n++) {
        wr_arena a;
        wr_arena_init(&a, 256, NULL);
        wr_sql_script s;
        wr_mem_fail_after(n);
        int rc = wr_sql_parse(sql, strlen(sql), "q.sql", &a, &s);
        wr_mem_fail_off();
        if (rc == WR_ENOMEM) {
            failed++;
        } else {
            assert_int_equal(rc, WR_EPARSE);
            assert_int_equal(s.nstmts, 2);
            assert_int_equal(s.nerrors, 1);
            ok++;
        }
        wr_arena_destroy(&a);
    }
    assert_true(failed > 10);
    assert_true(ok > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions_and_expectations),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_multiple_errors),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_error_api),
        cmocka_unit_test(test_out_of_memory),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    wr_arena_destroy(&sql_test_arena);
    return rc;
}
