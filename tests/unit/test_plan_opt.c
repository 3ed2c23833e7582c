/* test_plan_opt.c - the optimizer and the changelog rules, observed through EXPLAIN:
 * predicate/projection pushdown into scans, constant folding, calc merging, two-phase
 * aggregation (and when it is not possible), rank recognition (Top-N, deduplication, window
 * variants), changelog modes per node, upsert negotiation with a primary-key sink, Flink's
 * refusal to write updates into an append-only sink, and stable node ids. */
#include "test_plan_util.h"

#include "plan/plan_int.h"

#include <stdio.h>

static char *explain(const char *sql, int par)
{
    plan_result r = plan_sql(sql, par);
    if (r.nerrors) {
        print_error("unexpected errors:\n%s", r.errors);
        fail();
    }
    char *e = r.explain;
    r.explain = NULL;
    plan_result_free(&r);
    return e;
}

static void test_exact_explain(void **state)
{
    (void)state;
    char *e = explain(PLAN_TABLES "INSERT INTO out_print\n"
                                  "SELECT customer, COUNT(*) FROM (SELECT * FROM orders WHERE "
                                  "amount > 1 + 2)\n"
                                  "WHERE price < 10 GROUP BY customer;\n",
                      1);
    assert_string_equal(
        e, "== Optimized Logical Plan ==\n"
           "Sink(table=[out_print], fields=[customer, n])\n"
           "+- GroupAggregate(groupBy=[customer], select=[customer, COUNT(*) AS EXPR$0], "
           "changelogMode=[I,UB,UA])\n"
           "   +- TableSourceScan(table=[orders], fields=[customer], filter=[((amount > 3) AND "
           "(price < 10))], watermark=[ts - INTERVAL '2' SECOND], changelogMode=[I])\n"
           "\n"
           "== Physical Job Graph ==\n"
           "job 'weir' (max parallelism 128)\n"
           "vertices:\n"
           "  [0] Source: orders: source, parallelism 1\n"
           "  [1] Calc: operator, parallelism 1\n"
           "  [2] GroupAggregate: operator, parallelism 1\n"
           "  [3] Sink: out_print: operator, parallelism 1\n"
           "edges:\n"
           "  Source: orders -> Calc (input 0): FORWARD\n"
           "  Calc -> GroupAggregate (input 0): FORWARD\n"
           "  GroupAggregate -> Sink: out_print (input 0): FORWARD\n"
           "chains:\n"
           "  chain 0 (1 tasks): Source: orders -> Calc -> GroupAggregate -> Sink: out_print\n");
    free(e);
}

static void test_pushdown_folding_merging(void **state)
{
    (void)state;
    /* Three nested projections/filters end up in the scan. */
    char *e = explain(PLAN_TABLES "SELECT x FROM (SELECT amount * 2 AS x, customer FROM (SELECT "
                                  "* FROM orders WHERE id > 10) WHERE customer <> 'a') WHERE "
                                  "x < 2 * 5;\n",
                      1);
    assert_contains(e, "Sink(table=[*stdout*], fields=[x])\n"
                       "+- TableSourceScan(table=[orders], fields=[(amount * 2) AS x], "
                       "filter=[(((id > 10) AND (customer <> 'a')) AND ((amount * 2) < 10))]");
    assert_not_contains(e, "Calc(");
    free(e);
    /* Through a join: each input reads only what is used; filters on the side that is not
     * null-padded go below the join, the others stay above it. */
    e = explain(PLAN_TABLES "SELECT o.amount, c.country FROM orders AS o LEFT JOIN customers AS "
                            "c ON o.id = c.id WHERE o.price > 1 AND c.name <> 'x';\n",
                1);
    assert_contains(e, "+- Calc(select=[amount, country], where=[(name <> 'x')], "
                       "changelogMode=[I,UB,UA,D])\n"
                       "   +- Join(joinType=[LEFT], where=[(id = id0)], select=[id, amount, id0, "
                       "name, country], changelogMode=[I,UB,UA,D])\n"
                       "      +- TableSourceScan(table=[orders], fields=[id, amount], "
                       "filter=[(price > 1)]");
    free(e);
    /* A calc over an aggregation stays a calc; an identity calc disappears. */
    e = explain(PLAN_TABLES "SELECT * FROM (SELECT customer, COUNT(*) AS n FROM orders GROUP BY "
                            "customer) WHERE n > 1;\n",
                1);
    assert_contains(e, "+- Calc(select=[customer, EXPR$0 AS n], where=[(EXPR$0 > 1)]");
    free(e);
}

static void test_two_phase(void **state)
{
    (void)state;
    const char *q = PLAN_TABLES "SELECT customer, SUM(amount), MAX(price) FROM orders GROUP BY "
                                "customer;\n";
    char *e = explain(q, 1);
    assert_not_contains(e, "LocalGroupAggregate");
    assert_contains(e, "Calc -> GroupAggregate (input 0): FORWARD");
    free(e);
    e = explain(q, 4);
    assert_contains(e, "Calc -> LocalGroupAggregate (input 0): FORWARD");
    assert_contains(e, "LocalGroupAggregate -> GlobalGroupAggregate (input 0): HASH keys "
                       "[customer]");
    free(e);
    /* COUNT(DISTINCT) has no partial form. */
    e = explain(PLAN_TABLES "SELECT customer, COUNT(DISTINCT amount) FROM orders GROUP BY "
                            "customer;\n",
                4);
    assert_not_contains(e, "LocalGroupAggregate");
    assert_contains(e, "Calc -> GroupAggregate (input 0): HASH keys [customer]");
    free(e);
    /* scan.parallelism sets the source's parallelism; keyed operators use the default. */
    e = explain("CREATE TABLE g (k INT, v INT) WITH ('connector' = 'datagen', "
                "'scan.parallelism' = '2');\n"
                "SELECT k, SUM(v) FROM g GROUP BY k;\n",
                4);
    assert_contains(e, "[0] Source: g: source, parallelism 2\n"
                       "  [1] LocalGroupAggregate: operator, parallelism 2\n"
                       "  [2] GlobalGroupAggregate: operator, parallelism 4\n");
    free(e);
    /* A global aggregation runs at parallelism 1. */
    e = explain(PLAN_TABLES "SELECT COUNT(*) FROM orders;\n", 4);
    assert_contains(e, "GlobalGroupAggregate: operator, parallelism 1");
    assert_contains(e, "LocalGroupAggregate -> GlobalGroupAggregate (input 0): REBALANCE");
    free(e);
}

static void test_ranks(void **state)
{
    (void)state;
    char *e = explain(PLAN_TABLES "SELECT customer, id, rn FROM (SELECT *, ROW_NUMBER() OVER "
                                  "(PARTITION BY customer ORDER BY price DESC) AS rn FROM orders) "
                                  "WHERE rn <= 3 AND amount > 0;\n",
                      4);
    assert_contains(e, "Rank(rankRange=[rankStart=1, rankEnd=3], partitionBy=[customer], "
                       "orderBy=[price DESC]");
    assert_contains(e, "HASH keys [customer]");
    free(e);
    e = explain(PLAN_TABLES "SELECT id FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY customer "
                            "ORDER BY ts DESC) AS rn FROM orders) WHERE rn = 1;\n",
                1);
    assert_contains(e, "Deduplicate(keep=[LastRow], key=[customer], order=[ROWTIME], "
                       "changelogMode=[I,UB,UA])");
    free(e);
    e = explain(PLAN_TABLES "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY "
                            "window_start, window_end ORDER BY price) AS rn FROM "
                            "TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))) "
                            "WHERE rn < 3;\n",
                1);
    assert_contains(e, "WindowRank(window=[window_start, window_end], rankRange=[rankStart=1, "
                       "rankEnd=2]");
    free(e);
    /* Without a filter on the row number there is no operator for it. */
    plan_result r = plan_sql(PLAN_TABLES "SELECT * FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY "
                                         "ts) AS rn FROM orders);\n",
                             1);
    assert_contains(r.errors, "q.sql:7:27: ROW_NUMBER() OVER (...) must be filtered on the row "
                              "number in the enclosing query");
    plan_result_free(&r);
}

static void test_changelog_modes(void **state)
{
    (void)state;
    char *e = explain(PLAN_TABLES "SELECT o.id, c.name FROM orders AS o LEFT JOIN customers AS c "
                                  "ON o.id = c.id;\n",
                      1);
    assert_contains(e, "Join(joinType=[LEFT], where=[(id = id0)], select=[id, id0, name], "
                       "changelogMode=[I,UB,UA,D])\n"
                       "      +- TableSourceScan(table=[orders], fields=[id], watermark=[ts - "
                       "INTERVAL '2' SECOND], changelogMode=[I])\n"
                       "      +- TableSourceScan(table=[customers], fields=[id, name], "
                       "changelogMode=[I])\n");
    free(e);
    e = explain(PLAN_TABLES "SELECT o.id, c.name FROM orders AS o JOIN customers AS c ON o.id = "
                            "c.id;\n",
                1);
    assert_contains(e, "changelogMode=[I])");
    assert_not_contains(e, "UB");
    free(e);
    e = explain(PLAN_TABLES "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, "
                            "DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, "
                            "window_end;\n",
                1);
    assert_contains(e, "WindowAggregate(groupBy=[], window=[TUMBLE(time_col=[ts], "
                       "size=[INTERVAL '10' SECOND])]");
    assert_contains(e, "changelogMode=[I])");
    free(e);
}

static void test_sinks_and_updates(void **state)
{
    (void)state;
    /* An upsert sink keyed like the aggregation: -U is not produced. */
    char *e = explain(PLAN_TABLES "CREATE TABLE pk (customer STRING, n BIGINT, PRIMARY KEY "
                                  "(customer) NOT ENFORCED) WITH ('connector' = 'print');\n"
                                  "INSERT INTO pk SELECT customer, COUNT(*) FROM orders GROUP BY "
                                  "customer;\n",
                      1);
    assert_contains(e, "Sink(table=[pk], fields=[customer, n], upsert=[true])\n"
                       "+- GroupAggregate(groupBy=[customer], select=[customer, COUNT(*) AS "
                       "EXPR$0], changelogMode=[I,UA])");
    free(e);
    /* An append-only sink refuses updates, as Flink does. */
    plan_result r = plan_sql(PLAN_TABLES "CREATE TABLE f (customer STRING, n BIGINT) WITH "
                                         "('connector' = 'filesystem', 'path' = "
                                         "'/tmp/weir-never', 'format' = 'csv');\n"
                                         "INSERT INTO f SELECT customer, COUNT(*) FROM orders "
                                         "GROUP BY customer;\n",
                             1);
    assert_string_equal(r.errors,
                        "q.sql:8:13: Table sink 'f' doesn't support consuming update changes "
                        "which is produced by node GroupAggregate(groupBy=[customer], "
                        "select=[customer, COUNT(*) AS EXPR$0])\n");
    plan_result_free(&r);
    /* So does a window aggregation. */
    r = plan_sql(PLAN_TABLES "CREATE VIEW v AS SELECT customer, MAX(ts) AS t FROM orders GROUP "
                             "BY customer;\n"
                             "SELECT * FROM TUMBLE(TABLE v, DESCRIPTOR(t), INTERVAL '1' MINUTE);\n",
                 1);
    assert_contains(r.errors, "the window function requires the time column 't' to be a time "
                              "attribute");
    plan_result_free(&r);
}

static void test_stable_ids(void **state)
{
    (void)state;
    const char *q = PLAN_TABLES "SELECT customer, COUNT(*) FROM orders WHERE amount > 2 GROUP BY "
                                "customer;\nSELECT id FROM orders;\n";
    uint64_t ids[2][3];
    for (int run = 0; run < 2; run++) {
        wr_config *cfg = NULL;
        wr_error err = {0};
        assert_int_equal(wr_config_new(&cfg, &err), WR_OK);
        wr_session *s = wr_session_new(cfg);
        wr_buf out, errs;
        wr_buf_init(&out);
        wr_buf_init(&errs);
        assert_int_equal(wr_session_exec(s, "q.sql", q, strlen(q), &out, &errs), 0);
        assert_int_equal(wr_session_pending(s), 2);
        wr_lnode *a = wr_session_pending_root(s, 0), *b = wr_session_pending_root(s, 1);
        ids[run][0] = a->id;
        ids[run][1] = a->inputs[0]->id;
        ids[run][2] = b->id;
        assert_int_not_equal(a->id, a->inputs[0]->id);
        wr_buf_free(&out);
        wr_buf_free(&errs);
        wr_session_free(s);
        wr_config_free(cfg);
    }
    assert_memory_equal(ids[0], ids[1], sizeof ids[0]);
    char want[64];
    snprintf(want, sizeof want, " #%016llx\n", (unsigned long long)ids[0][0]);
    wr_config *cfg = NULL;
    wr_error err = {0};
    assert_int_equal(wr_config_new(&cfg, &err), WR_OK);
    wr_session *s = wr_session_new(cfg);
    wr_buf out, errs, ser;
    wr_buf_init(&out);
    wr_buf_init(&errs);
    wr_buf_init(&ser);
    assert_int_equal(wr_session_exec(s, "q.sql", q, strlen(q), &out, &errs), 0);
    wr_ln_serialize(wr_session_pending_root(s, 0), &ser);
    assert_contains(ser.ptr, want);
    assert_contains(ser.ptr, "+- GroupAggregate(groupBy=[customer]");
    wr_buf_free(&out);
    wr_buf_free(&errs);
    wr_buf_free(&ser);
    wr_session_free(s);
    wr_config_free(cfg);
    assert_int_not_equal(ids[0][0], ids[0][2]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_explain),   cmocka_unit_test(test_pushdown_folding_merging),
        cmocka_unit_test(test_two_phase),       cmocka_unit_test(test_ranks),
        cmocka_unit_test(test_changelog_modes), cmocka_unit_test(test_sinks_and_updates),
        cmocka_unit_test(test_stable_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
