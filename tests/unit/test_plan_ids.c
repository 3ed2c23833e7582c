/* test_plan_ids.c - the uids of the physical vertices a plan builds: the same SQL gets the
 * same uids; a changed filter or projection changes only its Calc's uid, so the state of
 * aggregations, joins and sources still matches; a changed aggregate, key or column type
 * changes that operator's uid; equal statements in one statement set get distinct uids; and
 * statements before an INSERT do not move its uids. */
#include "test_plan_util.h"

#include <inttypes.h>

/* The job's vertices as text: one "name uid\n" line each, in the order they were built. */
static char *explain_of(const char *sql)
{
    wr_config *cfg = NULL;
    wr_error err = {0};
    assert_int_equal(wr_config_new(&cfg, &err), WR_OK);
    assert_int_equal(wr_config_set(cfg, "parallelism.default", "2", &err), WR_OK);
    wr_session *s = wr_session_new(cfg);
    assert_non_null(s);
    wr_buf out, errors, txt;
    wr_buf_init(&out);
    wr_buf_init(&errors);
    wr_buf_init(&txt);
    wr_plan_job *pj = NULL;
    int n = wr_session_exec(s, "q.sql", sql, strlen(sql), &out, &errors);
    if (n == 0) n = wr_session_build_job(s, &pj, &errors);
    if (n) {
        print_error("%s", errors.ptr ? errors.ptr : "");
        fail();
    }
    wr_job *job = wr_plan_job_graph(pj);
    for (uint32_t v = 0; v < wr_job_vertex_count(job); v++)
        wr_buf_printf(&txt, "%s %016" PRIx64 "\n", wr_job_vertex_name(job, (int)v),
                      wr_job_vertex_uid(job, (int)v));
    char *r = strdup(txt.ptr ? txt.ptr : "");
    wr_plan_job_free(pj);
    wr_buf_free(&out);
    wr_buf_free(&errors);
    wr_buf_free(&txt);
    wr_session_free(s);
    wr_config_free(cfg);
    return r;
}

/* The uid of the n-th (0-based) vertex called name in explain_of's text; 0 if none. */
static uint64_t uid_of(const char *vertices, const char *name, int nth)
{
    size_t len = strlen(name);
    for (const char *p = vertices; *p; p = strchr(p, '\n') + 1)
        if (!strncmp(p, name, len) && p[len] == ' ' && nth-- == 0)
            return strtoull(p + len + 1, NULL, 16);
    return 0;
}

#define AGG_SINK                                                                                   \
    "CREATE TABLE out2 (customer STRING, n BIGINT, m INT) WITH ('connector' = 'print');\n"

static void test_same_sql_same_uids(void **state)
{
    (void)state;
    const char *q = PLAN_TABLES AGG_SINK
        "INSERT INTO out2 SELECT customer, COUNT(*), MAX(amount) FROM orders WHERE amount > 2 "
        "GROUP BY customer;\n";
    char *a = explain_of(q), *b = explain_of(q);
    assert_string_equal(a, b);
    const char *names[] = {"Source: orders", "Calc", "LocalGroupAggregate", "GlobalGroupAggregate",
                           "Sink: out2"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        assert_int_not_equal(uid_of(a, names[i], 0), 0);
    /* All distinct. */
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        for (size_t j = i + 1; j < sizeof names / sizeof *names; j++)
            assert_int_not_equal(uid_of(a, names[i], 0), uid_of(a, names[j], 0));
    free(a);
    free(b);
}

static void test_filter_change_keeps_state_uids(void **state)
{
    (void)state;
    const char *q1 = PLAN_TABLES AGG_SINK
        "INSERT INTO out2 SELECT customer, COUNT(*), MAX(amount) FROM orders WHERE amount > 2 "
        "GROUP BY customer;\n";
    const char *q2 =
        PLAN_TABLES AGG_SINK "INSERT INTO out2 SELECT customer, COUNT(*), MAX(amount) FROM orders "
                             "WHERE amount > 7 AND customer <> 'x' GROUP BY customer;\n";
    char *a = explain_of(q1), *b = explain_of(q2);
    assert_int_equal(uid_of(a, "Source: orders", 0), uid_of(b, "Source: orders", 0));
    assert_int_equal(uid_of(a, "LocalGroupAggregate", 0), uid_of(b, "LocalGroupAggregate", 0));
    assert_int_equal(uid_of(a, "GlobalGroupAggregate", 0), uid_of(b, "GlobalGroupAggregate", 0));
    assert_int_equal(uid_of(a, "Sink: out2", 0), uid_of(b, "Sink: out2", 0));
    /* The source's calc holds the pushed-down filter: it changed. */
    assert_int_not_equal(uid_of(a, "Calc", 0), uid_of(b, "Calc", 0));
    free(a);
    free(b);
}

static void test_changed_operator_changes_uid(void **state)
{
    (void)state;
    const char *base = PLAN_TABLES AGG_SINK
        "INSERT INTO out2 SELECT customer, COUNT(*), MAX(amount) FROM orders GROUP BY customer;\n";
    const char *other_agg = PLAN_TABLES AGG_SINK
        "INSERT INTO out2 SELECT customer, COUNT(*), MIN(amount) FROM orders GROUP BY customer;\n";
    const char *other_key = PLAN_TABLES AGG_SINK
        "INSERT INTO out2 SELECT CAST(id AS STRING), COUNT(*), MAX(amount) FROM orders "
        "GROUP BY CAST(id AS STRING);\n";
    /* The same query over a table whose column has another type. */
    const char *other_type =
        "CREATE TABLE orders (id BIGINT, customer STRING, amount BIGINT, price DOUBLE,\n"
        "  ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)\n"
        "  WITH ('connector' = 'datagen', 'number-of-rows' = '10');\n"
        "CREATE TABLE out2 (customer STRING, n BIGINT, m BIGINT) WITH ('connector' = 'print');\n"
        "INSERT INTO out2 SELECT customer, COUNT(*), MAX(amount) FROM orders GROUP BY customer;\n";
    char *a = explain_of(base);
    const char *variants[] = {other_agg, other_key, other_type};
    for (size_t i = 0; i < 3; i++) {
        char *b = explain_of(variants[i]);
        assert_int_not_equal(uid_of(a, "GlobalGroupAggregate", 0),
                             uid_of(b, "GlobalGroupAggregate", 0));
        if (i < 2) /* the source itself is unchanged */
            assert_int_equal(uid_of(a, "Source: orders", 0), uid_of(b, "Source: orders", 0));
        else
            assert_int_not_equal(uid_of(a, "Source: orders", 0), uid_of(b, "Source: orders", 0));
        free(b);
    }
    free(a);
}

static void test_statement_set_and_order(void **state)
{
    (void)state;
    const char *ins = "INSERT INTO out2 SELECT customer, COUNT(*), MAX(amount) FROM orders "
                      "GROUP BY customer;\n";
    char q1[2048], q2[2048], q3[2048];
    snprintf(q1, sizeof q1, "%s%s%s", PLAN_TABLES, AGG_SINK, ins);
    /* Another statement before it. */
    snprintf(q2, sizeof q2,
             "%s%sEXECUTE STATEMENT SET BEGIN\nINSERT INTO out_print SELECT name, id FROM "
             "customers;\n%sEND;\n",
             PLAN_TABLES, AGG_SINK, ins);
    /* The same INSERT twice. */
    snprintf(q3, sizeof q3, "%s%sEXECUTE STATEMENT SET BEGIN\n%s%sEND;\n", PLAN_TABLES, AGG_SINK,
             ins, ins);
    char *a = explain_of(q1), *b = explain_of(q2), *c = explain_of(q3);
    assert_int_equal(uid_of(a, "GlobalGroupAggregate", 0), uid_of(b, "GlobalGroupAggregate", 0));
    assert_int_equal(uid_of(a, "Sink: out2", 0), uid_of(b, "Sink: out2", 0));
    uint64_t g0 = uid_of(c, "GlobalGroupAggregate", 0), g1 = uid_of(c, "GlobalGroupAggregate", 1);
    assert_int_not_equal(g0, 0);
    assert_int_not_equal(g1, 0);
    assert_int_not_equal(g0, g1);
    assert_int_equal(g0, uid_of(a, "GlobalGroupAggregate", 0));
    assert_int_not_equal(uid_of(c, "Sink: out2", 0), uid_of(c, "Sink: out2", 1));
    free(a);
    free(b);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_sql_same_uids),
        cmocka_unit_test(test_filter_change_keeps_state_uids),
        cmocka_unit_test(test_changed_operator_changes_uid),
        cmocka_unit_test(test_statement_set_and_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
