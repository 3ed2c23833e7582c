/* test_plan_util.h - helpers for the planner's unit tests: run SQL text through a fresh
 * session and collect its output, its errors and the EXPLAIN of its pending statements. */
#ifndef WR_TEST_PLAN_UTIL_H
#define WR_TEST_PLAN_UTIL_H

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"

typedef struct plan_result {
    int nerrors;
    char *out;     /* SHOW/DESCRIBE/EXPLAIN output (free) */
    char *errors;  /* "FILE:LINE:COL: message" lines (free) */
    char *explain; /* EXPLAIN of the pending statements, when there were no errors (free) */
} plan_result;

static inline char *plan_dup(const wr_buf *b)
{
    return strdup(b->ptr ? b->ptr : "");
}

/* Run sql (file name "q.sql") with parallelism par; EXPLAIN the pending statements. */
static inline plan_result plan_sql(const char *sql, int par)
{
    plan_result r = {0};
    wr_config *cfg = NULL;
    wr_error err = {0};
    assert_int_equal(wr_config_new(&cfg, &err), WR_OK);
    char p[16];
    snprintf(p, sizeof p, "%d", par);
    assert_int_equal(wr_config_set(cfg, "parallelism.default", p, &err), WR_OK);
    wr_session *s = wr_session_new(cfg);
    assert_non_null(s);
    wr_buf out, errors, ex;
    wr_buf_init(&out);
    wr_buf_init(&errors);
    wr_buf_init(&ex);
    r.nerrors = wr_session_exec(s, "q.sql", sql, strlen(sql), &out, &errors);
    if (r.nerrors == 0 && wr_session_pending(s) > 0)
        r.nerrors = wr_session_explain_pending(s, &ex, &errors);
    r.out = plan_dup(&out);
    r.errors = plan_dup(&errors);
    r.explain = plan_dup(&ex);
    wr_buf_free(&out);
    wr_buf_free(&errors);
    wr_buf_free(&ex);
    wr_session_free(s);
    wr_config_free(cfg);
    return r;
}

static inline void plan_result_free(plan_result *r)
{
    free(r->out);
    free(r->errors);
    free(r->explain);
}

/* The text must contain needle (with a readable message when it does not). */
static inline void assert_contains(const char *text, const char *needle)
{
    if (!strstr(text, needle)) {
        print_error("expected to find\n  %s\nin\n%s\n", needle, text);
        fail();
    }
}

static inline void assert_not_contains(const char *text, const char *needle)
{
    if (strstr(text, needle)) {
        print_error("did not expect\n  %s\nin\n%s\n", needle, text);
        fail();
    }
}

/* Tables used by the tests: no files needed. */
#define PLAN_TABLES                                                                                \
    "CREATE TABLE orders (id BIGINT, customer STRING, amount INT, price DOUBLE,\n"                 \
    "  ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)\n"                           \
    "  WITH ('connector' = 'datagen', 'number-of-rows' = '10');\n"                                 \
    "CREATE TABLE customers (id BIGINT, name STRING, country STRING)\n"                            \
    "  WITH ('connector' = 'datagen', 'number-of-rows' = '10');\n"                                 \
    "CREATE TABLE out_print (customer STRING, n BIGINT) WITH ('connector' = 'print');\n"

#endif
