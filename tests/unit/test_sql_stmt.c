/* test_sql_stmt.c - the statement and query grammar of the SQL front end: every statement
 * form (DDL, INSERT, statement sets, EXPLAIN, SET/RESET, SHOW, DESCRIBE), queries (WITH,
 * SELECT clauses, grouping sets, set operations and their precedence, ORDER BY, LIMIT,
 * FETCH, OFFSET, VALUES) and FROM items (joins, hints, temporal joins, window TVFs in all
 * their spellings, UNNEST, LATERAL, MATCH_RECOGNIZE), checked through the canonical SQL text
 * and, where the text cannot show it, through the tree. */
#include "test_sql_util.h"

static void test_create_table(void **state)
{
    (void)state;
    const char *sql =
        "CREATE TEMPORARY TABLE IF NOT EXISTS cat.db.bids (\n"
        "  id BIGINT NOT NULL,\n"
        "  price DECIMAL(10, 2) COMMENT 'in cents',\n"
        "  `user` STRING,\n"
        "  ts TIMESTAMP(3),\n"
        "  proc AS PROCTIME(),\n"
        "  kt TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,\n"
        "  part INT METADATA,\n"
        "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,\n"
        "  PRIMARY KEY (id) NOT ENFORCED\n"
        ") COMMENT 'bids' PARTITIONED BY (id) WITH ('connector' = 'datagen', 'rows-per-second' = "
        "'10');";
    assert_string_equal(
        sql_stmt(sql),
        "CREATE TEMPORARY TABLE IF NOT EXISTS cat.db.bids (id BIGINT NOT NULL, price DECIMAL(10, "
        "2) COMMENT 'in cents', `user` STRING, ts TIMESTAMP(3), proc AS PROCTIME(), kt "
        "TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL, part INT METADATA, WATERMARK FOR ts "
        "AS (ts - INTERVAL '5' SECOND), PRIMARY KEY (id) NOT ENFORCED) COMMENT 'bids' "
        "PARTITIONED BY (id) WITH ('connector' = 'datagen', 'rows-per-second' = '10')");
    wr_sql_stmt *s = sql_stmt_tree(sql);
    assert_int_equal(s->kind, WR_SQL_STMT_CREATE_TABLE);
    assert_string_equal(wr_sql_stmt_kind_name(s->kind), "CREATE TABLE");
    const wr_sql_create_table *ct = &s->create_table;
    assert_true(ct->temporary);
    assert_true(ct->if_not_exists);
    assert_int_equal(ct->name.nparts, 3);
    assert_int_equal(ct->ncolumns, 7);
    assert_int_equal(ct->columns[0].kind, WR_SQL_COL_PHYSICAL);
    assert_false(ct->columns[0].type->type.nullable);
    assert_int_equal(ct->columns[0].pos.line, 2);
    assert_int_equal(ct->columns[0].pos.col, 3);
    assert_string_equal(ct->columns[1].comment, "in cents");
    assert_string_equal(ct->columns[2].name.name, "user");
    assert_int_equal(ct->columns[4].kind, WR_SQL_COL_COMPUTED);
    assert_int_equal(ct->columns[4].expr->kind, WR_SQL_E_CALL);
    assert_int_equal(ct->columns[5].kind, WR_SQL_COL_METADATA);
    assert_string_equal(ct->columns[5].metadata_key, "timestamp");
    assert_true(ct->columns[5].is_virtual);
    assert_null(ct->columns[6].metadata_key);
    assert_false(ct->columns[6].is_virtual);
    assert_int_equal(ct->nwatermarks, 1);
    assert_string_equal(ct->watermarks[0].column.parts[0].name, "ts");
    assert_int_equal(ct->watermarks[0].pos.line, 9);
    assert_non_null(ct->primary_key);
    assert_int_equal(ct->primary_key->ncols, 1);
    assert_string_equal(ct->primary_key->cols[0].name, "id");
    assert_string_equal(ct->comment, "bids");
    assert_int_equal(ct->npartitioned_by, 1);
    assert_int_equal(ct->noptions, 2);
    assert_string_equal(ct->options[0].key, "connector");
    assert_string_equal(ct->options[0].value, "datagen");
    assert_int_equal(ct->options[1].value_pos.line, 11);
    assert_null(ct->as_query);

    /* Inline primary key (also recorded as the table's key), constraint names. */
    assert_string_equal(sql_stmt("CREATE TABLE t (id INT PRIMARY KEY NOT ENFORCED, x INT) WITH "
                                 "('connector'='print')"),
                        "CREATE TABLE t (id INT PRIMARY KEY NOT ENFORCED, x INT) WITH "
                        "('connector' = 'print')");
    s = sql_stmt_tree("CREATE TABLE t (id INT CONSTRAINT pk PRIMARY KEY NOT ENFORCED)");
    assert_true(s->create_table.columns[0].primary_key);
    assert_string_equal(s->create_table.primary_key->constraint_name->name, "pk");
    assert_string_equal(s->create_table.primary_key->cols[0].name, "id");
    assert_string_equal(sql_stmt("CREATE TABLE t (a INT, b INT, CONSTRAINT pk PRIMARY KEY (a, b) "
                                 "NOT ENFORCED) WITH ('k' = 'it''s')"),
                        "CREATE TABLE t (a INT, b INT, CONSTRAINT pk PRIMARY KEY (a, b) NOT "
                        "ENFORCED) WITH ('k' = 'it''s')");
    /* Column names that are keywords but not reserved. */
    assert_string_equal(sql_stmt("CREATE TABLE t (value INT, watermark INT, primary INT, data "
                                 "STRING)"),
                        "CREATE TABLE t (value INT, `watermark` INT, `primary` INT, data STRING)");
    /* CTAS / RTAS and a table without columns. */
    assert_string_equal(sql_stmt("CREATE TABLE t WITH ('connector' = 'print') AS SELECT 1 AS x"),
                        "CREATE TABLE t WITH ('connector' = 'print') AS SELECT 1 AS x");
    assert_string_equal(sql_stmt("create or replace table t as select 1"),
                        "CREATE OR REPLACE TABLE t AS SELECT 1");
    assert_string_equal(sql_stmt("CREATE TABLE t WITH ()"), "CREATE TABLE t");
}

static void test_views_and_drop(void **state)
{
    (void)state;
    assert_string_equal(sql_stmt("CREATE VIEW v AS SELECT a FROM t"),
                        "CREATE VIEW v AS SELECT a FROM t");
    assert_string_equal(
        sql_stmt("create temporary view if not exists v (x, y) comment 'c' as select 1, 2"),
        "CREATE TEMPORARY VIEW IF NOT EXISTS v (x, y) COMMENT 'c' AS SELECT 1, 2");
    wr_sql_stmt *s = sql_stmt_tree("CREATE VIEW db.v (x) AS VALUES (1)");
    assert_int_equal(s->kind, WR_SQL_STMT_CREATE_VIEW);
    assert_int_equal(s->create_view.ncols, 1);
    assert_int_equal(s->create_view.query->kind, WR_SQL_Q_VALUES);
    assert_string_equal(sql_stmt("DROP TABLE t"), "DROP TABLE t");
    assert_string_equal(sql_stmt("drop temporary table if exists db.t"),
                        "DROP TEMPORARY TABLE IF EXISTS db.t");
    assert_string_equal(sql_stmt("DROP VIEW IF EXISTS v"), "DROP VIEW IF EXISTS v");
    s = sql_stmt_tree("DROP TEMPORARY VIEW v");
    assert_int_equal(s->drop.object, WR_SQL_OBJ_VIEW);
    assert_true(s->drop.temporary);
    assert_false(s->drop.if_exists);
}

static void test_insert(void **state)
{
    (void)state;
    assert_string_equal(sql_stmt("INSERT INTO out SELECT * FROM src"),
                        "INSERT INTO out SELECT * FROM src");
    assert_string_equal(sql_stmt("insert into out (a, b) values (1, 'x'), (2, 'y')"),
                        "INSERT INTO out (a, b) VALUES (1, 'x'), (2, 'y')");
    assert_string_equal(sql_stmt("INSERT INTO out (SELECT * FROM src)"),
                        "INSERT INTO out SELECT * FROM src");
    assert_string_equal(sql_stmt("INSERT OVERWRITE t PARTITION (dt='2024-01-01', hr=10) SELECT 1"),
                        "INSERT OVERWRITE t PARTITION (dt = '2024-01-01', hr = '10') SELECT 1");
    assert_string_equal(sql_stmt("INSERT INTO t /*+ OPTIONS('sink.parallelism'='2') */ SELECT 1"),
                        "INSERT INTO t /*+ OPTIONS('sink.parallelism' = '2') */ SELECT 1");
    assert_string_equal(sql_stmt("EXECUTE INSERT INTO t SELECT 1"),
                        "EXECUTE INSERT INTO t SELECT 1");
    assert_string_equal(sql_stmt("INSERT INTO t WITH a AS (SELECT 1) SELECT * FROM a"),
                        "INSERT INTO t WITH a AS (SELECT 1) SELECT * FROM a");
    wr_sql_stmt *s = sql_stmt_tree("INSERT OVERWRITE t PARTITION (p = 'x') (a) SELECT 1");
    assert_true(s->insert.overwrite);
    assert_int_equal(s->insert.npartition, 1);
    assert_string_equal(s->insert.partition[0].key, "p");
    assert_string_equal(s->insert.partition[0].value, "x");
    assert_int_equal(s->insert.ncols, 1);
}

static void test_statement_sets(void **state)
{
    (void)state;
    assert_string_equal(
        sql_stmt("EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b VALUES (2); "
                 "END;"),
        "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b VALUES (2); END");
    assert_string_equal(sql_stmt("BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nINSERT INTO b "
                                 "SELECT 2;\nEND;"),
                        "BEGIN STATEMENT SET; INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END");
    /* The ';' before END may be left out. */
    wr_sql_stmt *s = sql_stmt_tree("EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1 END");
    assert_int_equal(s->kind, WR_SQL_STMT_STATEMENT_SET);
    assert_int_equal(s->stmt_set.nstmts, 1);
    assert_false(s->stmt_set.begin_form);
    assert_int_equal(s->stmt_set.stmts[0]->kind, WR_SQL_STMT_INSERT);
    /* A script with a set between other statements. */
    wr_sql_script sc = sql_parse("CREATE TABLE a (x INT);\nBEGIN STATEMENT SET;\nINSERT INTO a "
                                 "SELECT 1;\nEND;\nSELECT 2");
    assert_int_equal(sc.nerrors, 0);
    assert_int_equal(sc.nstmts, 3);
    assert_int_equal(sc.stmts[1]->kind, WR_SQL_STMT_STATEMENT_SET);
    assert_int_equal(sc.stmts[2]->pos.line, 5);
}

static void test_utility_statements(void **state)
{
    (void)state;
    assert_string_equal(sql_stmt("EXPLAIN SELECT 1"), "EXPLAIN SELECT 1");
    assert_string_equal(sql_stmt("explain plan for select 1"), "EXPLAIN PLAN FOR SELECT 1");
    assert_string_equal(sql_stmt("EXPLAIN CHANGELOG_MODE, ESTIMATED_COST INSERT INTO a SELECT 1"),
                        "EXPLAIN ESTIMATED_COST, CHANGELOG_MODE INSERT INTO a SELECT 1");
    assert_string_equal(sql_stmt("EXPLAIN PLAN_ADVICE, JSON_EXECUTION_PLAN SELECT 1"),
                        "EXPLAIN PLAN_ADVICE, JSON_EXECUTION_PLAN SELECT 1");
    assert_string_equal(sql_stmt("EXPLAIN STATEMENT SET BEGIN INSERT INTO a SELECT 1; END"),
                        "EXPLAIN EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; END");
    wr_sql_stmt *s = sql_stmt_tree("EXPLAIN CHANGELOG_MODE SELECT 1");
    assert_int_equal(s->explain.details, WR_SQL_EXPLAIN_CHANGELOG_MODE);
    assert_int_equal(s->explain.stmt->kind, WR_SQL_STMT_QUERY);
    assert_string_equal(sql_stmt("SET"), "SET");
    assert_string_equal(sql_stmt("SET 'table.exec.state.ttl' = '1 h'"),
                        "SET 'table.exec.state.ttl' = '1 h'");
    s = sql_stmt_tree("SET 'parallelism.default'='4';");
    assert_string_equal(s->set.key, "parallelism.default");
    assert_string_equal(s->set.value, "4");
    assert_int_equal(s->set.value_pos.col, 27);
    assert_string_equal(sql_stmt("RESET"), "RESET");
    assert_string_equal(sql_stmt("RESET 'a.b'"), "RESET 'a.b'");
    assert_string_equal(sql_stmt("SHOW TABLES"), "SHOW TABLES");
    assert_string_equal(sql_stmt("show views"), "SHOW VIEWS");
    assert_string_equal(sql_stmt("SHOW FUNCTIONS"), "SHOW FUNCTIONS");
    assert_string_equal(sql_stmt("SHOW USER FUNCTIONS"), "SHOW USER FUNCTIONS");
    assert_string_equal(sql_stmt("DESCRIBE t"), "DESCRIBE t");
    assert_string_equal(sql_stmt("DESC db.t"), "DESCRIBE db.t");
    assert_string_equal(sql_stmt("DESCRIBE EXTENDED t"), "DESCRIBE EXTENDED t");
}

static void test_select_clauses(void **state)
{
    (void)state;
    assert_string_equal(sql_stmt("select 1"), "SELECT 1");
    assert_string_equal(sql_stmt("SELECT a, b AS x, c y, t.*, * FROM t"),
                        "SELECT a, b AS x, c AS y, t.*, * FROM t");
    assert_string_equal(sql_stmt("SELECT DISTINCT a FROM t"), "SELECT DISTINCT a FROM t");
    assert_string_equal(sql_stmt("SELECT ALL a FROM t"), "SELECT ALL a FROM t");
    assert_string_equal(sql_stmt("SELECT `db`.`t`.* FROM db.t"), "SELECT db.t.* FROM db.t");
    assert_string_equal(
        sql_stmt("SELECT k, COUNT(*) AS c FROM t WHERE x > 1 GROUP BY k HAVING COUNT(*) > 2"),
        "SELECT k, COUNT(*) AS c FROM t WHERE (x > 1) GROUP BY k HAVING (COUNT(*) > 2)");
    assert_string_equal(
        sql_stmt("SELECT a FROM t GROUP BY GROUPING SETS ((a, b), (a), ()), ROLLUP (a, b), "
                 "CUBE (c, (d, e))"),
        "SELECT a FROM t GROUP BY GROUPING SETS ((a, b), a, ()), ROLLUP (a, b), CUBE (c, (d, "
        "e))");
    assert_string_equal(sql_stmt("SELECT a FROM t GROUP BY ()"), "SELECT a FROM t GROUP BY ()");
    assert_string_equal(sql_stmt("SELECT GROUPING(a) FROM t GROUP BY a"),
                        "SELECT GROUPING(a) FROM t GROUP BY a");
    assert_string_equal(
        sql_stmt("SELECT SUM(x) OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS "
                 "BETWEEN 10 PRECEDING AND CURRENT ROW), w2 AS (w)"),
        "SELECT SUM(x) OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 10 "
        "PRECEDING AND CURRENT ROW), w2 AS (w)");
    assert_string_equal(
        sql_stmt("SELECT user, TUMBLE_START(order_time, INTERVAL '1' DAY) AS wStart FROM Orders "
                 "GROUP BY TUMBLE(order_time, INTERVAL '1' DAY), user"),
        "SELECT `user`, TUMBLE_START(order_time, INTERVAL '1' DAY) AS wStart FROM Orders GROUP "
        "BY TUMBLE(order_time, INTERVAL '1' DAY), `user`");
    assert_string_equal(sql_stmt("SELECT /*+ BROADCAST(t1), STATE_TTL('t1'='1d') */ * FROM t1"),
                        "SELECT /*+ BROADCAST(t1), STATE_TTL('t1' = '1d') */ * FROM t1");
    wr_sql_stmt *s = sql_stmt_tree("SELECT a FROM t GROUP BY GROUPING SETS ((a, b), ())");
    const wr_sql_select *sel = &s->query.query->select;
    assert_int_equal(sel->ngroup_by, 1);
    assert_int_equal(sel->group_by[0].kind, WR_SQL_GROUP_GROUPING_SETS);
    assert_int_equal(sel->group_by[0].nitems, 2);
    assert_int_equal(sel->group_by[0].items[0].kind, WR_SQL_GROUP_LIST);
    assert_int_equal(sel->group_by[0].items[1].kind, WR_SQL_GROUP_EMPTY);
    s = sql_stmt_tree("SELECT /*+ LOOKUP('table'='c', 'async'='true') */ 1");
    sel = &s->query.query->select;
    assert_int_equal(sel->nhints, 1);
    assert_string_equal(sel->hints[0].name.name, "LOOKUP");
    assert_int_equal(sel->hints[0].nargs, 2);
    assert_string_equal(sel->hints[0].args[1].key, "async");
    assert_string_equal(sel->hints[0].args[1].value, "true");
}

static void test_set_operations_and_tails(void **state)
{
    (void)state;
    assert_string_equal(sql_stmt("SELECT 1 UNION SELECT 2"), "SELECT 1 UNION SELECT 2");
    assert_string_equal(sql_stmt("SELECT 1 UNION ALL SELECT 2 UNION DISTINCT SELECT 3"),
                        "(SELECT 1 UNION ALL SELECT 2) UNION DISTINCT SELECT 3");
    /* INTERSECT binds tighter than UNION and EXCEPT. */
    assert_string_equal(sql_stmt("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3"),
                        "SELECT 1 UNION (SELECT 2 INTERSECT SELECT 3)");
    assert_string_equal(sql_stmt("SELECT 1 INTERSECT SELECT 2 EXCEPT SELECT 3"),
                        "(SELECT 1 INTERSECT SELECT 2) EXCEPT SELECT 3");
    assert_string_equal(sql_stmt("SELECT 1 MINUS SELECT 2"), "SELECT 1 EXCEPT SELECT 2");
    assert_string_equal(sql_stmt("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3"),
                        "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
    assert_string_equal(sql_stmt("SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 5"),
                        "SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 5");
    assert_string_equal(sql_stmt("SELECT a FROM t ORDER BY a DESC, b ASC NULLS FIRST"),
                        "SELECT a FROM t ORDER BY a DESC, b ASC NULLS FIRST");
    assert_string_equal(sql_stmt("SELECT a FROM t LIMIT 10 OFFSET 5"),
                        "SELECT a FROM t LIMIT 10 OFFSET 5");
    assert_string_equal(sql_stmt("SELECT a FROM t OFFSET 5"), "SELECT a FROM t OFFSET 5");
    assert_string_equal(sql_stmt("SELECT a FROM t FETCH FIRST 5 ROWS ONLY"),
                        "SELECT a FROM t FETCH FIRST 5 ROWS ONLY");
    assert_string_equal(sql_stmt("SELECT a FROM t OFFSET 3 ROW FETCH NEXT 1 ROW ONLY"),
                        "SELECT a FROM t OFFSET 3 ROWS FETCH FIRST 1 ROWS ONLY");
    assert_string_equal(sql_stmt("(SELECT a FROM t ORDER BY a LIMIT 1) UNION SELECT 2"),
                        "(SELECT a FROM t ORDER BY a LIMIT 1) UNION SELECT 2");
    assert_string_equal(sql_stmt("SELECT * FROM (SELECT * FROM t) LIMIT 3"),
                        "SELECT * FROM (SELECT * FROM t) LIMIT 3");
    assert_string_equal(sql_stmt("VALUES (1, 'a'), (2, 'b')"), "VALUES (1, 'a'), (2, 'b')");
    assert_string_equal(sql_stmt("VALUES 1, 2"), "VALUES (1), (2)");
    assert_string_equal(
        sql_stmt("WITH a AS (SELECT 1 AS x), b (y) AS (SELECT 2) SELECT * FROM a, b"),
        "WITH a AS (SELECT 1 AS x), b (y) AS (SELECT 2) SELECT * FROM a, b");
    wr_sql_stmt *s =
        sql_stmt_tree("SELECT 1 UNION ALL SELECT 2 ORDER BY 1 FETCH FIRST 2 ROWS ONLY");
    const wr_sql_query *q = s->query.query;
    assert_int_equal(q->kind, WR_SQL_Q_SETOP);
    assert_true(q->setop.all);
    assert_int_equal(q->norder_by, 1);
    assert_true(q->fetch);
    assert_int_equal(q->limit->lit.value.i, 2);
    s = sql_stmt_tree("WITH a AS (SELECT 1) SELECT * FROM a");
    assert_int_equal(s->query.query->nwith, 1);
    assert_string_equal(s->query.query->with[0].name.name, "a");
}

static void test_from_items(void **state)
{
    (void)state;
    assert_string_equal(sql_stmt("SELECT * FROM t AS x (a, b)"), "SELECT * FROM t AS x (a, b)");
    assert_string_equal(sql_stmt("SELECT * FROM t x"), "SELECT * FROM t AS x");
    assert_string_equal(
        sql_stmt("SELECT * FROM t LEFT JOIN u USING (k) RIGHT OUTER JOIN v ON TRUE FULL JOIN w "
                 "ON w.k = t.k CROSS JOIN z INNER JOIN y ON 1 = 1 NATURAL JOIN n"),
        "SELECT * FROM t LEFT JOIN u USING (k) RIGHT OUTER JOIN v ON TRUE FULL JOIN w ON (w.k = "
        "t.k) CROSS JOIN z JOIN y ON (1 = 1) NATURAL JOIN n");
    /* Commas and joins chain left-deep in the order written, as in Flink. */
    assert_string_equal(sql_stmt("SELECT * FROM a, b LEFT JOIN c ON a.x = c.x"),
                        "SELECT * FROM a, b LEFT JOIN c ON (a.x = c.x)");
    wr_sql_stmt *s = sql_stmt_tree("SELECT * FROM a, b LEFT JOIN c ON a.x = c.x");
    const wr_sql_from *f = s->query.query->select.from;
    assert_int_equal(f->kind, WR_SQL_FROM_JOIN);
    assert_int_equal(f->join.kind, WR_SQL_JOIN_LEFT);
    assert_int_equal(f->join.left->join.kind, WR_SQL_JOIN_COMMA);
    assert_string_equal(sql_stmt("SELECT * FROM a JOIN (b JOIN c ON b.x = c.x) ON a.y = b.y"),
                        "SELECT * FROM a JOIN (b JOIN c ON (b.x = c.x)) ON (a.y = b.y)");
    assert_string_equal(
        sql_stmt("SELECT * FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.c "
                 "= r.c"),
        "SELECT * FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON (o.c = r.c)");
    assert_string_equal(
        sql_stmt("SELECT * FROM t /*+ OPTIONS('scan.startup.mode'='earliest-offset') */ x"),
        "SELECT * FROM t /*+ OPTIONS('scan.startup.mode' = 'earliest-offset') */ AS x");
    assert_string_equal(sql_stmt("SELECT * FROM (SELECT 1 AS a) AS s"),
                        "SELECT * FROM (SELECT 1 AS a) AS s");
    assert_string_equal(sql_stmt("SELECT * FROM (VALUES (1), (2)) AS t(x)"),
                        "SELECT * FROM (VALUES (1), (2)) AS t (x)");
    assert_string_equal(
        sql_stmt("SELECT * FROM t CROSS JOIN UNNEST(t.arr) WITH ORDINALITY AS x (e, o)"),
        "SELECT * FROM t CROSS JOIN UNNEST(t.arr) WITH ORDINALITY AS x (e, o)");
    assert_string_equal(sql_stmt("SELECT * FROM t, LATERAL TABLE(split(t.s)) AS s(w)"),
                        "SELECT * FROM t, LATERAL TABLE(split(t.s)) AS s (w)");
    assert_string_equal(sql_stmt("SELECT * FROM t LEFT JOIN LATERAL TABLE(f(x)) AS g ON TRUE"),
                        "SELECT * FROM t LEFT JOIN LATERAL TABLE(f(x)) AS g ON TRUE");
    assert_string_equal(sql_stmt("SELECT * FROM t, LATERAL (SELECT t.a)"),
                        "SELECT * FROM t, LATERAL (SELECT t.a)");
    s = sql_stmt_tree("SELECT * FROM a JOIN b FOR SYSTEM_TIME AS OF a.ts ON TRUE");
    f = s->query.query->select.from->join.right;
    assert_int_equal(f->kind, WR_SQL_FROM_TABLE);
    assert_non_null(f->table.system_time);
    assert_null(f->alias);
    assert_string_equal(wr_sql_from_kind_name(f->kind), "table");
}

static void test_window_tvfs(void **state)
{
    (void)state;
    assert_string_equal(
        sql_stmt("SELECT window_start, window_end, SUM(price) FROM TABLE(TUMBLE(TABLE Bid, "
                 "DESCRIPTOR(bidtime), INTERVAL '10' MINUTES)) GROUP BY window_start, window_end"),
        "SELECT window_start, window_end, SUM(price) FROM TABLE(TUMBLE(TABLE Bid, "
        "DESCRIPTOR(bidtime), INTERVAL '10' MINUTE)) GROUP BY window_start, window_end");
    assert_string_equal(
        sql_stmt("SELECT * FROM TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES)"),
        "SELECT * FROM TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTE)");
    assert_string_equal(
        sql_stmt("SELECT * FROM TUMBLE(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), SIZE => "
                 "INTERVAL '10' MINUTES, `OFFSET` => INTERVAL '1' MINUTES)"),
        "SELECT * FROM TUMBLE(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '10' "
        "MINUTE, `OFFSET` => INTERVAL '1' MINUTE)");
    assert_string_equal(
        sql_stmt("SELECT * FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' MINUTES, "
                 "INTERVAL '10' MINUTES))"),
        "SELECT * FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' MINUTE, INTERVAL '10' "
        "MINUTE))");
    assert_string_equal(
        sql_stmt("SELECT * FROM CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '2' MINUTES, "
                 "INTERVAL '10' MINUTES)"),
        "SELECT * FROM CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '2' MINUTE, INTERVAL '10' "
        "MINUTE)");
    assert_string_equal(
        sql_stmt("SELECT * FROM SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), INTERVAL '5' "
                 "MINUTES)"),
        "SELECT * FROM SESSION(TABLE t PARTITION BY (k), DESCRIPTOR(ts), INTERVAL '5' MINUTE)");
    assert_string_equal(
        sql_stmt("SELECT * FROM SESSION(TABLE t PARTITION BY (a, b), DESCRIPTOR(ts), INTERVAL "
                 "'5' MINUTE)"),
        "SELECT * FROM SESSION(TABLE t PARTITION BY (a, b), DESCRIPTOR(ts), INTERVAL '5' MINUTE)");
    assert_string_equal(
        sql_stmt("SELECT * FROM TABLE(SESSION(TABLE t PARTITION BY a, b, DESCRIPTOR(ts), "
                 "INTERVAL '5' MINUTE))"),
        "SELECT * FROM TABLE(SESSION(TABLE t PARTITION BY (a, b), DESCRIPTOR(ts), INTERVAL '5' "
        "MINUTE))");
    assert_string_equal(sql_stmt("SELECT * FROM SESSION(TABLE t, DESCRIPTOR(ts), INTERVAL '5' "
                                 "MINUTE) AS s"),
                        "SELECT * FROM SESSION(TABLE t, DESCRIPTOR(ts), INTERVAL '5' MINUTE) AS s");
    assert_string_equal(
        sql_stmt("SELECT * FROM TO_CHANGELOG(input => TABLE t PARTITION BY k ORDER BY ts)"),
        "SELECT * FROM TO_CHANGELOG(input => TABLE t PARTITION BY (k) ORDER BY ts)");
    wr_sql_stmt *s = sql_stmt_tree(
        "SELECT * FROM SESSION(TABLE t PARTITION BY a, b, DESCRIPTOR(ts), INTERVAL '5' MINUTE)");
    const wr_sql_from *f = s->query.query->select.from;
    assert_int_equal(f->kind, WR_SQL_FROM_FUNCTION);
    assert_false(f->func.table_wrapped);
    const wr_sql_call *c = &f->func.call->call;
    assert_string_equal(c->name.parts[0].name, "SESSION");
    assert_int_equal(c->nargs, 3);
    assert_int_equal(c->args[0]->kind, WR_SQL_E_TABLE_ARG);
    assert_int_equal(c->args[0]->table_arg.npartition_by, 2);
    assert_false(c->args[0]->table_arg.partition_parens);
    assert_int_equal(c->args[1]->kind, WR_SQL_E_DESCRIPTOR);
    assert_int_equal(c->args[2]->kind, WR_SQL_E_LITERAL);
    s = sql_stmt_tree("SELECT * FROM TABLE(TUMBLE(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), "
                      "SIZE => INTERVAL '1' HOUR))");
    f = s->query.query->select.from;
    assert_true(f->func.table_wrapped);
    c = &f->func.call->call;
    assert_int_equal(c->args[0]->kind, WR_SQL_E_NAMED_ARG);
    assert_string_equal(c->args[0]->named_arg.name.name, "DATA");
    assert_int_equal(c->args[0]->named_arg.value->kind, WR_SQL_E_TABLE_ARG);
    assert_int_equal(c->args[2]->named_arg.value->lit.value.i, 3600000000LL);
}

static void test_match_recognize(void **state)
{
    (void)state;
    const char *sql = "SELECT * FROM transactions MATCH_RECOGNIZE (\n"
                      "  PARTITION BY card_id ORDER BY tx_time\n"
                      "  MEASURES FIRST(SMALL.tx_time) AS first_small_time, COUNT(SMALL.amount) AS "
                      "small_count, BIG.amount AS big_amount, MATCH_ROWTIME() AS match_time\n"
                      "  ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW\n"
                      "  PATTERN (SMALL{2,} BIG) WITHIN INTERVAL '10' MINUTE\n"
                      "  DEFINE SMALL AS SMALL.amount < 1.00, BIG AS BIG.amount > 500.00\n"
                      ") AS fraud";
    assert_string_equal(
        sql_stmt(sql),
        "SELECT * FROM transactions MATCH_RECOGNIZE (PARTITION BY card_id ORDER BY tx_time "
        "MEASURES FIRST(SMALL.tx_time) AS first_small_time, COUNT(SMALL.amount) AS small_count, "
        "BIG.amount AS big_amount, MATCH_ROWTIME() AS match_time ONE ROW PER MATCH AFTER MATCH "
        "SKIP PAST LAST ROW PATTERN (SMALL{2,} BIG) WITHIN INTERVAL '10' MINUTE DEFINE SMALL AS "
        "(SMALL.amount < 1.00), BIG AS (BIG.amount > 500.00)) AS fraud");
    wr_sql_stmt *s = sql_stmt_tree(sql);
    const wr_sql_from *f = s->query.query->select.from;
    assert_int_equal(f->kind, WR_SQL_FROM_MATCH);
    assert_string_equal(f->alias->name, "fraud");
    const wr_sql_match_recognize *m = &f->match;
    assert_int_equal(m->input->kind, WR_SQL_FROM_TABLE);
    assert_int_equal(m->npartition_by, 1);
    assert_int_equal(m->nmeasures, 4);
    assert_int_equal(m->rows_per_match, WR_SQL_ONE_ROW_PER_MATCH);
    assert_int_equal(m->skip, WR_SQL_SKIP_PAST_LAST_ROW);
    assert_int_equal(m->pattern->kind, WR_SQL_PAT_SEQ);
    assert_int_equal(m->pattern->nitems, 2);
    assert_int_equal(m->pattern->items[0]->min, 2);
    assert_int_equal(m->pattern->items[0]->max, -1);
    assert_non_null(m->within);
    assert_int_equal(m->ndefines, 2);

    assert_string_equal(
        sql_stmt("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts AFTER MATCH SKIP TO FIRST B "
                 "PATTERN (A B*? (C | D)+ E{1,3} F{2} G? H{,4}) DEFINE A AS A.x > 0)"),
        "SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts AFTER MATCH SKIP TO FIRST B PATTERN (A "
        "B*? (C | D)+ E{1,3} F{2} G? H{0,4}) DEFINE A AS (A.x > 0))");
    assert_string_equal(sql_stmt("SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts AFTER MATCH SKIP "
                                 "TO NEXT ROW PATTERN (A) DEFINE A AS TRUE)"),
                        "SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts AFTER MATCH SKIP TO NEXT "
                        "ROW PATTERN (A) DEFINE A AS TRUE)");
    assert_string_equal(sql_errors("SELECT * FROM t MATCH_RECOGNIZE (PATTERN (^A) DEFINE A AS "
                                   "TRUE)"),
                        "q.sql:1:43: pattern anchors ^ and $ is not supported\n");
    assert_string_equal(sql_errors("SELECT * FROM t MATCH_RECOGNIZE (PATTERN (A{3,1}) DEFINE A "
                                   "AS TRUE)"),
                        "q.sql:1:44: invalid quantifier: {3,1} has max < min\n");
}

static void test_script_shapes(void **state)
{
    (void)state;
    /* Empty statements, no final ';', comments everywhere. */
    wr_sql_script s = sql_parse(";;\n-- only a comment\n;SELECT 1;;SELECT /* x */ 2 -- end");
    assert_int_equal(s.nerrors, 0);
    assert_int_equal(s.nstmts, 2);
    assert_int_equal(s.stmts[0]->pos.line, 3);
    assert_int_equal(s.stmts[0]->pos.col, 2);
    assert_int_equal(s.stmts[1]->pos.col, 12);
    wr_slice src = wr_sql_source(&s, s.stmts[1]->pos, s.stmts[1]->end);
    assert_int_equal(src.len, strlen("SELECT /* x */ 2"));
    assert_memory_equal(src.ptr, "SELECT /* x */ 2", src.len);
    s = sql_parse("");
    assert_int_equal(s.nstmts, 0);
    assert_int_equal(s.nerrors, 0);
    s = sql_parse("  \n\t ");
    assert_int_equal(s.nstmts, 0);
    assert_int_equal(s.nerrors, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_table),
        cmocka_unit_test(test_views_and_drop),
        cmocka_unit_test(test_insert),
        cmocka_unit_test(test_statement_sets),
        cmocka_unit_test(test_utility_statements),
        cmocka_unit_test(test_select_clauses),
        cmocka_unit_test(test_set_operations_and_tails),
        cmocka_unit_test(test_from_items),
        cmocka_unit_test(test_window_tvfs),
        cmocka_unit_test(test_match_recognize),
        cmocka_unit_test(test_script_shapes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    wr_arena_destroy(&sql_test_arena);
    return rc;
}
