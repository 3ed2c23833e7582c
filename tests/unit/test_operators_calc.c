/* test_operators_calc.c - the calc operator through the real runtime: filter + projection
 * with NULLs and every row kind, filter only, projection only, both evaluation orders
 * (few and many survivors give the same rows), nothing passing, parallelism 4, and no
 * leaks. */
#include "test_operators_harness.h"

#include "expr/expr.h"
#include "operators/op_calc.h"

static const char *in_names[] = {"id", "name", "qty", "price"};

static wr_schema *input_schema(void)
{
    wr_type t[] = {wr_type_make(WR_TYPE_INT), wr_type_varchar(WR_MAX_LENGTH),
                   wr_type_make(WR_TYPE_INT), wr_type_decimal(10, 2)};
    return th_schema(4, in_names, t);
}

/* qty > 2 */
static wr_expr_prog *filter_prog(const wr_schema *in, wr_arena *a)
{
    wr_error err = {0};
    wr_value two = {.i = 2};
    wr_expr *args[2] = {wr_expr_column(a, 2, in->cols[2].type),
                        wr_expr_literal(a, wr_type_not_null(wr_type_make(WR_TYPE_INT)), &two)};
    wr_expr *gt = wr_expr_call(a, ">", args, 2, &err);
    if (!gt) fail_msg("%s", err.msg);
    wr_expr_prog *p = NULL;
    if (wr_expr_compile(&gt, 1, in, &p, &err) < 0) fail_msg("%s", err.msg);
    return p;
}

/* id, name, qty + id, name IS NULL, price */
static wr_expr_prog *project_prog(const wr_schema *in, wr_arena *a, wr_schema **out)
{
    wr_error err = {0};
    wr_expr *e[5];
    e[0] = wr_expr_column(a, 0, in->cols[0].type);
    e[1] = wr_expr_column(a, 1, in->cols[1].type);
    wr_expr *add[2] = {wr_expr_column(a, 2, in->cols[2].type),
                       wr_expr_column(a, 0, in->cols[0].type)};
    e[2] = wr_expr_call(a, "+", add, 2, &err);
    if (!e[2]) fail_msg("%s", err.msg);
    wr_expr *isn[1] = {wr_expr_column(a, 1, in->cols[1].type)};
    e[3] = wr_expr_call(a, "IS NULL", isn, 1, &err);
    if (!e[3]) fail_msg("%s", err.msg);
    e[4] = wr_expr_column(a, 3, in->cols[3].type);
    wr_expr_prog *p = NULL;
    if (wr_expr_compile(e, 5, in, &p, &err) < 0) fail_msg("%s", err.msg);
    static const char *names[] = {"id", "name", "s", "noname", "price"};
    wr_type t[5];
    for (int i = 0; i < 5; i++)
        t[i] = wr_expr_type(e[i]);
    *out = th_schema(5, names, t);
    return p;
}

/* source -> calc -> sink (parallelism par for source and calc, 1 for the sink). */
static void run_calc(th_source_cfg *src, const wr_schema *in, wr_calc_cfg *cfg,
                     const wr_schema *out, uint32_t par, th_sink *sink)
{
    wr_job *job = wr_job_new("calc-test");
    assert_non_null(job);
    int s = wr_job_add_source(job, "src", &th_source_vt, src, th_source_cfg_free, in, par, NULL);
    int c = wr_job_add_op(job, "calc", &wr_op_calc_vt, cfg, wr_calc_cfg_free, out, par);
    int k = wr_job_add_op(job, "sink", &th_sink_vt, sink, NULL, out, 1);
    assert_true(s >= 0 && c >= 0 && k >= 0);
    assert_int_equal(wr_job_connect(job, s, c, 0, WR_EDGE_FORWARD, NULL, 0), 0);
    assert_int_equal(wr_job_connect(job, c, k, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    th_run(job, 2, 0);
    wr_job_free(job);
}

static const char *rows1[] = {
    "+I|1|apple|5|1.50", "+I|2|NULL|3|2.00",  "-U|3|pear|NULL|0.10",
    "+U|4|fig|1|3.00",   "-D|5|kiwi|10|NULL",
};

static void test_filter_project(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_arena a;
    wr_arena_init(&a, 4096, NULL);
    wr_schema *in = input_schema();
    wr_schema *out = NULL;
    wr_calc_cfg *cfg = wr_calc_cfg_new(filter_prog(in, &a), project_prog(in, &a, &out));
    th_source_cfg *src = th_source_cfg_new();
    th_source_add(src, th_batch(in, rows1, 5), 0);
    static const char *all_pass[] = {"+U|7|z|9|0.01", "-U|8|NULL|3|NULL"};
    th_source_add(src, th_batch(in, all_pass, 2), 0);
    th_sink *sink = th_sink_new(1);
    run_calc(src, in, cfg, out, 1, sink);
    th_assert_lines(sink, "+I[1, apple, 6, false, 1.50]\n"
                          "+I[2, null, 5, true, 2.00]\n"
                          "-D[5, kiwi, 15, false, null]\n"
                          "+U[7, z, 16, false, 0.01]\n"
                          "-U[8, null, 11, true, null]\n");
    th_sink_free(sink);
    wr_schema_free(out);
    wr_schema_free(in);
    wr_arena_destroy(&a);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_filter_only_and_project_only(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_arena a;
    wr_arena_init(&a, 4096, NULL);
    wr_schema *in = input_schema();

    /* Filter only: the input rows that pass, unchanged. */
    th_source_cfg *src = th_source_cfg_new();
    th_source_add(src, th_batch(in, rows1, 5), 0);
    th_sink *sink = th_sink_new(1);
    run_calc(src, in, wr_calc_cfg_new(filter_prog(in, &a), NULL), in, 1, sink);
    th_assert_lines(sink, "+I[1, apple, 5, 1.50]\n"
                          "+I[2, null, 3, 2.00]\n"
                          "-D[5, kiwi, 10, null]\n");
    th_sink_free(sink);

    /* Projection only: every row, kinds kept. */
    wr_schema *out = NULL;
    wr_expr_prog *pp = project_prog(in, &a, &out);
    src = th_source_cfg_new();
    th_source_add(src, th_batch(in, rows1, 5), 0);
    sink = th_sink_new(1);
    run_calc(src, in, wr_calc_cfg_new(NULL, pp), out, 1, sink);
    th_assert_lines(sink, "+I[1, apple, 6, false, 1.50]\n"
                          "+I[2, null, 5, true, 2.00]\n"
                          "-U[3, pear, null, false, 0.10]\n"
                          "+U[4, fig, 5, false, 3.00]\n"
                          "-D[5, kiwi, 15, false, null]\n");
    th_sink_free(sink);
    wr_schema_free(out);

    /* Neither: pass-through. Nothing passing: no rows. */
    src = th_source_cfg_new();
    th_source_add(src, th_batch(in, rows1, 5), 0);
    static const char *none[] = {"+I|1|a|0|1.00", "+I|2|b|NULL|1.00"};
    th_source_add(src, th_batch(in, none, 2), 0);
    sink = th_sink_new(1);
    run_calc(src, in, wr_calc_cfg_new(NULL, NULL), in, 1, sink);
    assert_int_equal(sink->n, 7);
    th_sink_free(sink);

    src = th_source_cfg_new();
    th_source_add(src, th_batch(in, none, 2), 0);
    sink = th_sink_new(1);
    wr_schema *out2 = NULL;
    wr_expr_prog *pp2 = project_prog(in, &a, &out2);
    run_calc(src, in, wr_calc_cfg_new(filter_prog(in, &a), pp2), out2, 1, sink);
    assert_int_equal(sink->n, 0);
    th_sink_free(sink);
    wr_schema_free(out2);

    wr_schema_free(in);
    wr_arena_destroy(&a);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* Batches where few rows pass (filter first) and where most pass (project first), over
 * parallelism 1 and 4: the same multiset of rows as computed directly. */
static void test_selectivity_paths(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = input_schema();
    char expected_buf[64 * 1024], *ep = expected_buf;
    wr_batch *batches[8];
    uint32_t seed = 42;
    for (int b = 0; b < 8; b++) {
        /* Even batches: ~10% pass; odd: ~90% pass. */
        batches[b] = wr_batch_new(in, 100, NULL);
        for (int r = 0; r < 100; r++) {
            seed = seed * 1664525 + 1013904223;
            int id = b * 1000 + r;
            bool pass = (seed >> 16) % 10 < (b % 2 ? 9u : 1u);
            int qty = pass ? 3 + (int)((seed >> 8) % 50) : (int)((seed >> 8) % 3);
            bool null_qty = !pass && r % 5 == 0;
            bool null_name = r % 7 == 0;
            char row[128];
            char qbuf[16];
            if (null_qty)
                snprintf(qbuf, sizeof(qbuf), "NULL");
            else
                snprintf(qbuf, sizeof(qbuf), "%d", qty);
            snprintf(row, sizeof(row), "%s|%d|%s|%s|%d.%02d", r % 4 == 1 ? "-U" : "+I", id,
                     null_name ? "NULL" : (r % 2 ? "odd-name-long-enough" : "x"), qbuf, r, r % 100);
            th_add_row(batches[b], row);
            if (pass)
                ep += sprintf(ep, "%s[%d, %s, %d, %s, %d.%02d]\n", r % 4 == 1 ? "-U" : "+I", id,
                              null_name ? "null" : (r % 2 ? "odd-name-long-enough" : "x"), qty + id,
                              null_name ? "true" : "false", r, r % 100);
        }
    }
    char *expected = strdup(expected_buf);
    wr_test_sort_lines(expected);

    for (uint32_t par = 1; par <= 4; par += 3) {
        wr_arena a;
        wr_arena_init(&a, 4096, NULL);
        wr_schema *out = NULL;
        wr_calc_cfg *cfg = wr_calc_cfg_new(filter_prog(in, &a), project_prog(in, &a, &out));
        th_source_cfg *src = th_source_cfg_new();
        for (int b = 0; b < 8; b++) {
            wr_batch_retain(batches[b]);
            th_source_add(src, batches[b], (uint32_t)b);
        }
        th_sink *sink = th_sink_new(1);
        run_calc(src, in, cfg, out, par, sink);
        char *got = th_sink_text(sink);
        wr_test_sort_lines(got);
        assert_string_equal(got, expected);
        free(got);
        th_sink_free(sink);
        wr_schema_free(out);
        wr_arena_destroy(&a);
    }
    for (int b = 0; b < 8; b++)
        wr_batch_release(batches[b]);
    free(expected);
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_project),
        cmocka_unit_test(test_filter_only_and_project_only),
        cmocka_unit_test(test_selectivity_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
