/* e2e_groupagg.c - regular GROUP BY aggregation end to end, including an aggregation over
 * another aggregation's changelog (so retractions -U/-D flow into COUNT, SUM and
 * retraction-aware MIN/MAX, and groups empty out with -D):
 *
 *   agg1: SELECT u, COUNT(*) AS c, SUM(a) AS s, MAX(a), AVG(a) FROM t GROUP BY u
 *   agg2: SELECT c, COUNT(*), MIN(s), MAX(s) FROM agg1 GROUP BY c
 *
 * The exact change sequence is checked on a small input derived by hand from Flink's rules;
 * final states on a generated input are compared with DuckDB, at parallelism 1 and 4, with
 * one-phase and two-phase (local/global) aggregation. */
#define _GNU_SOURCE
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *g_small, *g_big;

static int setup(void **state)
{
    (void)state;
    g_small = wr_test_tmpdir("ga-small");
    e2e_write(g_small, "t.csv", "a,1\nb,2\na,3\nb,4\n");
    g_big = wr_test_tmpdir("ga-big");
    uint64_t rng = 7;
    for (int f = 0; f < 3; f++) {
        wr_buf b;
        wr_buf_init(&b);
        for (int i = 0; i < 2000; i++) {
            uint64_t r = e2e_rand(&rng);
            wr_buf_printf(&b, "user%03d,%d\n", (int)(r % 300), (int)((r >> 16) % 151) - 50);
        }
        char name[32];
        snprintf(name, sizeof name, "part-%d.csv", f);
        e2e_write(g_big, name, b.ptr);
        wr_buf_free(&b);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wr_test_rmtree(g_small);
    wr_test_rmtree(g_big);
    free(g_small);
    free(g_big);
    return 0;
}

static wr_group_agg_cfg *agg1_cfg(const wr_schema *in, bool with_avg)
{
    wr_error err = {0};
    uint32_t key = 0;
    wr_agg_spec aggs[4] = {
        {.kind = WR_AGG_COUNT_STAR, .arg = -1, .filter = -1, .name = "c"},
        {.kind = WR_AGG_SUM, .arg = 1, .filter = -1, .arg_type = in->cols[1].type, .name = "s"},
        {.kind = WR_AGG_MAX, .arg = 1, .filter = -1, .arg_type = in->cols[1].type, .name = "mx"},
        {.kind = WR_AGG_AVG, .arg = 1, .filter = -1, .arg_type = in->cols[1].type, .name = "av"},
    };
    wr_group_agg_cfg *c = wr_group_agg_cfg_new(&key, 1, aggs, with_avg ? 4 : 2, true, &err);
    if (!c) fail_msg("agg1: %s", err.msg);
    return c;
}

static wr_group_agg_cfg *agg2_cfg(const wr_schema *in)
{
    wr_error err = {0};
    uint32_t key = 1; /* c */
    wr_agg_spec aggs[3] = {
        {.kind = WR_AGG_COUNT_STAR, .arg = -1, .filter = -1, .name = "users"},
        {.kind = WR_AGG_MIN,
         .arg = 2,
         .filter = -1,
         .arg_type = in->cols[2].type,
         .retract = true,
         .name = "min_s"},
        {.kind = WR_AGG_MAX,
         .arg = 2,
         .filter = -1,
         .arg_type = in->cols[2].type,
         .retract = true,
         .name = "max_s"},
    };
    wr_group_agg_cfg *c = wr_group_agg_cfg_new(&key, 1, aggs, 3, true, &err);
    if (!c) fail_msg("agg2: %s", err.msg);
    return c;
}

/* source -> [local ->] hash(u) -> agg1 [-> hash(c) -> agg2] -> print */
static e2e_result run(const char *dir, uint32_t par, bool two_phase, bool second_level,
                      bool with_avg, uint32_t batch_rows)
{
    wr_error err = {0};
    wr_schema *in = e2e_schema("u STRING, a INT");
    wr_job *job = wr_job_new("e2e-groupagg");
    char opts[4096];
    snprintf(opts, sizeof opts, "connector=filesystem;path=%s;format=csv", dir);
    int src = e2e_add_source(job, "files", opts, in, par, -1, 0, 0);
    assert_true(src >= 0);
    wr_group_agg_cfg *c1 = agg1_cfg(in, with_avg);
    wr_schema *out1 = wr_group_agg_output_schema(c1, in, &err);
    if (!out1) fail_msg("agg1 schema: %s", err.msg);
    int prev = src;
    uint32_t key = 0;
    int a1;
    if (two_phase) {
        assert_true(wr_group_agg_can_two_phase(c1->aggs, c1->naggs, false));
        wr_group_agg_cfg *cl = agg1_cfg(in, with_avg);
        wr_schema *partial = wr_group_agg_partial_schema(cl, in, &err);
        if (!partial) fail_msg("partial schema: %s", err.msg);
        int local = wr_job_add_op(job, "local-agg", &wr_op_local_group_agg_vt, cl,
                                  wr_group_agg_cfg_free, partial, par);
        assert_true(local >= 0);
        assert_true(wr_job_connect(job, src, local, 0, WR_EDGE_FORWARD, NULL, 0) >= 0);
        a1 = wr_job_add_op(job, "global-agg", &wr_op_global_group_agg_vt, c1, wr_group_agg_cfg_free,
                           out1, par);
        prev = local;
        wr_schema_free(partial);
    } else {
        a1 = wr_job_add_op(job, "agg", &wr_op_group_agg_vt, c1, wr_group_agg_cfg_free, out1, par);
    }
    assert_true(a1 >= 0);
    assert_true(wr_job_connect(job, prev, a1, 0, WR_EDGE_HASH, &key, 1) >= 0);
    int last = a1;
    wr_schema *out = out1, *out2 = NULL;
    if (second_level) {
        wr_group_agg_cfg *c2 = agg2_cfg(out1);
        out2 = wr_group_agg_output_schema(c2, out1, &err);
        if (!out2) fail_msg("agg2 schema: %s", err.msg);
        int a2 =
            wr_job_add_op(job, "agg2", &wr_op_group_agg_vt, c2, wr_group_agg_cfg_free, out2, par);
        assert_true(a2 >= 0);
        uint32_t ckey = 1;
        assert_true(wr_job_connect(job, a1, a2, 0, WR_EDGE_HASH, &ckey, 1) >= 0);
        last = a2;
        out = out2;
    }
    int sink = e2e_add_sink(job, "print", "connector=print", out, par);
    assert_true(wr_job_connect(job, last, sink, 0, WR_EDGE_FORWARD, NULL, 0) >= 0);
    e2e_result r = e2e_run(job, batch_rows);
    wr_schema_free(in);
    wr_schema_free(out1);
    wr_schema_free(out2);
    return r;
}

static void test_change_sequence(void **state)
{
    (void)state;
    /* Rows one per batch, parallelism 1: every change is visible, in order.
     * agg1 emits +I[a,1,1] +I[b,1,2] -U[a,1,1]+U[a,2,4] -U[b,1,2]+U[b,2,6]; agg2 turns
     * them into the lines below (derived by hand: COUNT(*), MIN(s), MAX(s) per c). */
    const char *expected = "+I[1, 1, 1, 1]\n"
                           "-U[1, 1, 1, 1]\n"
                           "+U[1, 2, 1, 2]\n"
                           "-U[1, 2, 1, 2]\n"
                           "+U[1, 1, 2, 2]\n"
                           "+I[2, 1, 4, 4]\n"
                           "-D[1, 1, 2, 2]\n"
                           "-U[2, 1, 4, 4]\n"
                           "+U[2, 2, 4, 6]\n";
    e2e_result r = run(g_small, 1, false, true, false, 1);
    if (r.rc != WR_OK) fail_msg("job failed: %s", r.err.msg);
    e2e_assert_same("change sequence", expected, r.out);
    char *final = e2e_changelog_final(r.out);
    assert_string_equal(final, "+I[2, 2, 4, 6]\n");
    free(final);
    e2e_result_free(&r);

    /* The same with the whole input in one batch: mini-batch semantics emit only the
     * net change of the batch per key. */
    r = run(g_small, 1, false, true, false, 1024);
    if (r.rc != WR_OK) fail_msg("job failed: %s", r.err.msg);
    assert_string_equal(r.out, "+I[2, 2, 4, 6]\n");
    e2e_result_free(&r);
}

static void test_first_level_vs_duckdb(void **state)
{
    (void)state;
    char *sql = NULL;
    assert_true(asprintf(&sql,
                         "CREATE TABLE t AS SELECT * FROM read_csv('%s/part-*.csv', header=false, "
                         "columns={'u':'VARCHAR','a':'INTEGER'});\n"
                         "SELECT u, count(*)::BIGINT, sum(a)::INTEGER, max(a), "
                         "CAST(trunc(sum(a)::DECIMAL(38,6) / count(a)) AS INTEGER) FROM t "
                         "GROUP BY u;",
                         g_big) > 0);
    char *expected = e2e_oracle(sql);
    assert_true(strlen(expected) > 1000);
    for (uint32_t par = 1; par <= 4; par += 3) {
        for (int two = 0; two <= 1; two++) {
            e2e_result r = run(g_big, par, two, false, true, 128);
            if (r.rc != WR_OK) fail_msg("job failed: %s", r.err.msg);
            char *final = e2e_changelog_final(r.out);
            char label[64];
            snprintf(label, sizeof label, "agg1 p=%u two-phase=%d", par, two);
            e2e_assert_same(label, expected, final);
            free(final);
            e2e_result_free(&r);
        }
    }
    free(expected);
    free(sql);
}

static void test_two_levels_vs_duckdb(void **state)
{
    (void)state;
    char *sql = NULL;
    assert_true(asprintf(&sql,
                         "CREATE TABLE t AS SELECT * FROM read_csv('%s/part-*.csv', header=false, "
                         "columns={'u':'VARCHAR','a':'INTEGER'});\n"
                         "SELECT c, count(*)::BIGINT, min(s), max(s) FROM (SELECT u, "
                         "count(*)::BIGINT AS c, sum(a)::INTEGER AS s FROM t GROUP BY u) "
                         "GROUP BY c;",
                         g_big) > 0);
    char *expected = e2e_oracle(sql);
    assert_true(strlen(expected) > 50);
    for (uint32_t par = 1; par <= 4; par += 3) {
        for (int two = 0; two <= 1; two++) {
            for (uint32_t batch = 1; batch <= 1024; batch *= 32) {
                e2e_result r = run(g_big, par, two, true, false, batch);
                if (r.rc != WR_OK) fail_msg("job failed: %s", r.err.msg);
                char *final = e2e_changelog_final(r.out);
                char label[96];
                snprintf(label, sizeof label, "agg2 p=%u two-phase=%d batch=%u", par, two, batch);
                e2e_assert_same(label, expected, final);
                /* Retractions really flowed: the changelog is longer than its final state. */
                assert_true(strlen(r.out) > strlen(final));
                free(final);
                e2e_result_free(&r);
            }
        }
    }
    free(expected);
    free(sql);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_change_sequence),
        cmocka_unit_test(test_first_level_vs_duckdb),
        cmocka_unit_test(test_two_levels_vs_duckdb),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
