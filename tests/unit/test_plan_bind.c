/* test_plan_bind.c - the binder and the catalog: name and type errors with their exact
 * positions and suggestions, several errors of one script all reported (sorted by
 * position, broken tables not reported again), DDL semantics (IF NOT EXISTS, TEMPORARY,
 * DROP), SHOW TABLES / DESCRIBE output, and unsupported constructs named as such. */
#include "test_plan_util.h"

static void expect_errors(const char *sql, const char *expected)
{
    plan_result r = plan_sql(sql, 1);
    assert_string_equal(r.errors, expected);
    plan_result_free(&r);
}

static void test_name_errors(void **state)
{
    (void)state;
    expect_errors(PLAN_TABLES "SELECT custmer FROM orders;\n",
                  "q.sql:7:8: column 'custmer' not found in any table; did you mean 'customer'?\n");
    expect_errors(PLAN_TABLES "SELECT id FROM ordrs;\n",
                  "q.sql:7:16: object 'ordrs' not found; did you mean 'orders'?\n");
    expect_errors(PLAN_TABLES "SELECT o.id FROM orders AS o JOIN customers AS c ON o.id = c.id\n"
                              "WHERE c.nam = 'x';\n",
                  "q.sql:8:9: column 'nam' not found in table 'c'; did you mean 'name'?\n");
    expect_errors(PLAN_TABLES "SELECT id FROM orders AS o JOIN customers AS c ON o.id = c.id;\n",
                  "q.sql:7:8: column 'id' is ambiguous\n");
    expect_errors(PLAN_TABLES "SELECT customer, amount, COUNT(*) FROM orders GROUP BY customer;\n",
                  "q.sql:7:18: expression 'amount' is not being grouped\n");
    expect_errors(PLAN_TABLES "INSERT INTO out_prnt SELECT customer, 1 FROM orders;\n",
                  "q.sql:7:13: table 'out_prnt' not found; did you mean 'out_print'?\n");
}

static void test_type_errors(void **state)
{
    (void)state;
    expect_errors(PLAN_TABLES "SELECT amount + customer FROM orders;\n",
                  "q.sql:7:15: cannot apply '+' to arguments of type (INT, STRING); expected "
                  "NUMERIC + NUMERIC, TIMESTAMP + INTERVAL\n");
    expect_errors(PLAN_TABLES "SELECT id FROM orders WHERE amount;\n",
                  "q.sql:7:29: the WHERE clause must be a BOOLEAN expression, but it is INT\n");
    expect_errors(PLAN_TABLES "SELECT id FROM orders WHERE COUNT(*) > 1;\n",
                  "q.sql:7:29: aggregate functions are not allowed in WHERE (use HAVING)\n");
    expect_errors(PLAN_TABLES "INSERT INTO out_print SELECT customer FROM orders;\n",
                  "q.sql:7:23: column types of query result and sink for 'out_print' do not "
                  "match: different number of columns. Query schema: [customer: STRING] Sink "
                  "schema: [customer: STRING, n: BIGINT]\n");
    expect_errors(PLAN_TABLES "INSERT INTO out_print SELECT customer, ts FROM orders;\n",
                  "q.sql:7:40: Incompatible types for sink column 'n' at position 1: the "
                  "query gives TIMESTAMP(3), the sink column is BIGINT\n");
}

static void test_sink_assignability(void **state)
{
    (void)state;
    /* Narrowing is rejected (Flink's implicit casts only widen). */
    expect_errors(PLAN_TABLES "INSERT INTO out_print SELECT customer, CAST(1.5 AS DOUBLE) FROM "
                              "orders;\n",
                  "q.sql:7:40: Incompatible types for sink column 'n' at position 1: the "
                  "query gives DOUBLE NOT NULL, the sink column is BIGINT\n");
    expect_errors(PLAN_TABLES "INSERT INTO out_print SELECT customer, CAST(1 AS DECIMAL(20, 0)) "
                              "FROM orders;\n",
                  "q.sql:7:40: Incompatible types for sink column 'n' at position 1: the "
                  "query gives DECIMAL(20, 0) NOT NULL, the sink column is BIGINT\n");
    expect_errors(PLAN_TABLES "INSERT INTO out_print (n, customer) SELECT 1.5e0, customer FROM "
                              "orders;\n",
                  "q.sql:7:44: Incompatible types for sink column 'n' at position 0: the "
                  "query gives DOUBLE NOT NULL, the sink column is BIGINT\n");
    /* Widening is accepted. */
    expect_errors(PLAN_TABLES "INSERT INTO out_print SELECT customer, CAST(amount AS TINYINT) "
                              "FROM orders;\n",
                  "");
    expect_errors(PLAN_TABLES "INSERT INTO out_print SELECT CAST(customer AS CHAR(3)), 1 FROM "
                              "orders;\n",
                  "");
    /* TIMESTAMP and TIMESTAMP_LTZ need a CAST both ways; precisions within a type do not;
     * nested types element by element. */
    expect_errors(PLAN_TABLES
                  "CREATE TABLE o2 (a TIMESTAMP_LTZ(3), b TIMESTAMP(3)) WITH "
                  "('connector' = 'blackhole');\n"
                  "INSERT INTO o2 SELECT ts, CAST(ts AS TIMESTAMP(6)) FROM orders;\n"
                  "INSERT INTO o2 SELECT CAST(ts AS TIMESTAMP_LTZ(3)), "
                  "CAST(ts AS TIMESTAMP_LTZ(3)) FROM orders;\n"
                  "INSERT INTO o2 SELECT CAST(ts AS TIMESTAMP_LTZ(6)), ts FROM orders;\n",
                  "q.sql:8:23: Incompatible types for sink column 'a' at position 0: the query "
                  "gives TIMESTAMP(3), the sink column is TIMESTAMP_LTZ(3)\n"
                  "q.sql:9:53: Incompatible types for sink column 'b' at position 1: the query "
                  "gives TIMESTAMP_LTZ(3), the sink column is TIMESTAMP(3)\n");
    /* Nullable into NOT NULL is left to the run-time enforcer; an untyped NULL is not. */
    expect_errors(PLAN_TABLES "CREATE TABLE o3 (a BIGINT NOT NULL) WITH "
                              "('connector' = 'blackhole');\n"
                              "INSERT INTO o3 SELECT id FROM orders;\n"
                              "INSERT INTO o3 SELECT NULL FROM orders;\n",
                  "q.sql:9:23: Incompatible types for sink column 'a' at position 0: the query "
                  "gives NULL, the sink column is BIGINT NOT NULL\n");
}

static void test_current_watermark(void **state)
{
    (void)state;
    expect_errors(PLAN_TABLES "SELECT id FROM orders WHERE ts > CURRENT_WATERMARK(ts);\n", "");
    expect_errors(PLAN_TABLES "SELECT CURRENT_WATERMARK(CAST(ts AS TIMESTAMP(3))) FROM orders;\n",
                  "q.sql:7:26: the argument of CURRENT_WATERMARK must be a rowtime attribute\n");
    expect_errors(PLAN_TABLES "SELECT CURRENT_WATERMARK() FROM orders;\n",
                  "q.sql:7:8: CURRENT_WATERMARK takes one argument, a rowtime attribute\n");
}

static void test_ddl_errors(void **state)
{
    (void)state;
    expect_errors("CREATE TABLE t (a INT, a STRING) WITH ('connector' = 'blackhole');\n",
                  "q.sql:1:24: duplicate column 'a' in table 't'\n");
    expect_errors(
        "CREATE TABLE t (a INT, WATERMARK FOR a AS a) WITH ('connector' = 'blackhole');\n",
        "q.sql:1:38: invalid data type of time field for watermark definition: 'a' "
        "is INT, but it must be TIMESTAMP(p) or TIMESTAMP_LTZ(p) with p from 0 to 3\n");
    expect_errors(
        "CREATE TABLE t (a INT, WATERMARK FOR b AS a) WITH ('connector' = 'blackhole');\n",
        "q.sql:1:38: the rowtime column 'b' of the WATERMARK is not a column of table "
        "'t'\n");
    expect_errors("CREATE TABLE t (a INT, PRIMARY KEY (x) NOT ENFORCED)\n"
                  "  WITH ('connector' = 'blackhole');\n",
                  "q.sql:1:37: primary key column 'x' is not a column of table 't'\n");
    expect_errors(
        "CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'rows-per-secnd' = '1');\n",
        "q.sql:1:55: unsupported option 'rows-per-secnd' for connector 'datagen'; did "
        "you mean 'rows-per-second'?\n");
    expect_errors("CREATE TABLE t (a INT) WITH ('connector' = 'datagn');\n",
                  "q.sql:1:44: unknown connector 'datagn'; did you mean 'datagen'? (available: "
                  "datagen, filesystem, print, blackhole)\n");
    expect_errors("CREATE TABLE t (a INT) WITH ('format' = 'csv');\n",
                  "q.sql:1:30: table 't' has no 'connector' option in its WITH clause (e.g. "
                  "'connector' = 'datagen'; available: datagen, filesystem, print, blackhole)\n");
    expect_errors("CREATE TABLE t (a INT) WITH ('connector' = 'blackhole');\n"
                  "CREATE TABLE t (b INT) WITH ('connector' = 'blackhole');\n",
                  "q.sql:2:14: table 't' already exists (use CREATE TABLE IF NOT EXISTS to keep "
                  "the existing one)\n");
    expect_errors("DROP TABLE nope;\n", "q.sql:1:12: table 'nope' does not exist\n");
    expect_errors("SET 'parallelism.defualt' = '2';\n",
                  "q.sql:1:5: unknown setting 'parallelism.defualt'; did you mean "
                  "'parallelism.default'?\n");
}

static void test_many_errors_sorted_and_not_repeated(void **state)
{
    (void)state;
    /* The broken table is reported once; its users are not reported again. */
    expect_errors("CREATE TABLE bad (a INT) WITH ('connector' = 'datagn');\n"
                  "SELECT a FROM bad;\n"
                  "SELECT b FROM bad;\n"
                  "SELECT x;\n"
                  "SELECT 1 +;\n",
                  "q.sql:1:46: unknown connector 'datagn'; did you mean 'datagen'? (available: "
                  "datagen, filesystem, print, blackhole)\n"
                  "q.sql:4:8: column 'x' not found in any table\n"
                  "q.sql:5:11: syntax error: expected an expression but found ';'\n");
}

static void test_unsupported(void **state)
{
    (void)state;
    expect_errors(PLAN_TABLES "SELECT * FROM orders MATCH_RECOGNIZE (ORDER BY ts MEASURES A.id AS "
                              "i PATTERN (A) DEFINE A AS A.id > 1);\n",
                  "q.sql:7:15: not supported yet: MATCH_RECOGNIZE\n");
    expect_errors(PLAN_TABLES "SELECT SUM(amount) OVER (PARTITION BY customer ORDER BY ts) FROM "
                              "orders;\n",
                  "q.sql:7:8: not supported yet: SUM(...) OVER (...) (OVER aggregation)\n");
    expect_errors(PLAN_TABLES "SELECT o.id FROM orders AS o, customers AS c;\n",
                  "q.sql:7:18: not supported yet: cross joins (FROM a, b needs an equality "
                  "between a and b in WHERE)\n");
    expect_errors(PLAN_TABLES "SELECT id FROM orders WHERE id IN (SELECT id FROM customers);\n",
                  "q.sql:7:29: not supported yet: IN (SELECT ...) subqueries\n");
    expect_errors(PLAN_TABLES "SELECT LISTAGG(customer) FROM orders;\n",
                  "q.sql:7:8: not supported yet: aggregate function LISTAGG\n");
}

static void test_ddl_semantics(void **state)
{
    (void)state;
    plan_result r = plan_sql("CREATE TABLE t (a INT) WITH ('connector' = 'blackhole');\n"
                             "CREATE TABLE IF NOT EXISTS t (b INT) WITH ('connector' = 'print');\n"
                             "CREATE TEMPORARY TABLE t (c INT) WITH ('connector' = 'datagen');\n"
                             "CREATE VIEW v AS SELECT c FROM t;\n"
                             "SHOW TABLES;\n"
                             "DROP TEMPORARY TABLE t;\n"
                             "DROP TABLE IF EXISTS nope;\n"
                             "DROP VIEW v;\n"
                             "SHOW TABLES;\n"
                             "DESCRIBE t;\n",
                             1);
    assert_string_equal(r.errors, "");
    assert_string_equal(r.out, "+------------+\n"
                               "| table name |\n"
                               "+------------+\n"
                               "|          t |\n"
                               "|          v |\n"
                               "+------------+\n"
                               "2 rows in set\n"
                               "+------------+\n"
                               "| table name |\n"
                               "+------------+\n"
                               "|          t |\n"
                               "+------------+\n"
                               "1 row in set\n"
                               "+------+------+------+-----+--------+-----------+\n"
                               "| name | type | null | key | extras | watermark |\n"
                               "+------+------+------+-----+--------+-----------+\n"
                               "|    a |  INT | TRUE |     |        |           |\n"
                               "+------+------+------+-----+--------+-----------+\n"
                               "1 row in set\n");
    plan_result_free(&r);
}

static void test_describe(void **state)
{
    (void)state;
    plan_result r = plan_sql("CREATE TABLE t (\n"
                             "  id BIGINT,\n"
                             "  v DECIMAL(10, 2),\n"
                             "  ts AS TO_TIMESTAMP_LTZ(id, 3),\n"
                             "  pt AS PROCTIME(),\n"
                             "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,\n"
                             "  PRIMARY KEY (id) NOT ENFORCED\n"
                             ") WITH ('connector' = 'datagen');\n"
                             "DESCRIBE t;\n",
                             1);
    assert_string_equal(r.errors, "");
    assert_string_equal(
        r.out,
        "+------+-----------------------------+-------+---------+----------------------------"
        "+--------------------------+\n"
        "| name |                        type |  null |     key |                     extras "
        "|                watermark |\n"
        "+------+-----------------------------+-------+---------+----------------------------"
        "+--------------------------+\n"
        "|   id |                      BIGINT | FALSE | PRI(id) |                            "
        "|                          |\n"
        "|    v |              DECIMAL(10, 2) |  TRUE |         |                            "
        "|                          |\n"
        "|   ts |  TIMESTAMP_LTZ(3) *ROWTIME* | FALSE |         | AS TO_TIMESTAMP_LTZ(id, 3) "
        "| ts - INTERVAL '5' SECOND |\n"
        "|   pt | TIMESTAMP_LTZ(3) *PROCTIME* | FALSE |         |              AS PROCTIME() "
        "|                          |\n"
        "+------+-----------------------------+-------+---------+----------------------------"
        "+--------------------------+\n"
        "4 rows in set\n");
    plan_result_free(&r);
}

static void test_set_reset(void **state)
{
    (void)state;
    /* plan_sql starts the session at parallelism 2 (as --parallelism would). */
    plan_result r = plan_sql("SET 'parallelism.default' = '3';\n"
                             "SET 'sql-client.execution.result-mode' = 'tableau';\n"
                             "SET 'pipeline.name' = 'my job';\n"
                             "SET;\n"
                             "RESET;\n"
                             "SET;\n",
                             2);
    assert_string_equal(r.errors, "");
    const char *first = strstr(r.out, "parallelism.default = 3\n");
    assert_non_null(first);
    assert_contains(r.out, "pipeline.name = my job\n");
    const char *second = strstr(first + 1, "parallelism.default = 2\n");
    assert_non_null(second);
    assert_not_contains(second, "pipeline.name");
    plan_result_free(&r);
    expect_errors("SET 'execution.runtime-mode' = 'batch';\n",
                  "q.sql:1:32: not supported yet: execution.runtime-mode other than 'streaming' "
                  "(bounded sources already end by themselves in streaming mode)\n");
    expect_errors("SET 'parallelism.default' = 'many';\n"
                  "RESET 'nope';\n",
                  "q.sql:1:29: parallelism.default: expected an integer but found 'many'\n"
                  "q.sql:2:7: unknown setting 'nope' (`weir help config` lists them)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_errors),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_sink_assignability),
        cmocka_unit_test(test_current_watermark),
        cmocka_unit_test(test_ddl_errors),
        cmocka_unit_test(test_many_errors_sorted_and_not_repeated),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_ddl_semantics),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_set_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
