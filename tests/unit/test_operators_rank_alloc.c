/* test_operators_rank_alloc.c - allocation failures in the ranking and ordering operators: a
 * small job (Top-N over a changelog with the rank column, rowtime deduplication, window Top-N
 * behind a TVF, sort with a compacting limit, changelog LIMIT) is run once per allocation with
 * that allocation made to fail. Every run must either fail or give exactly the fault-free
 * result, and never leak (live allocation count back to where it was). */
#include "test_operators_rank_util.h"

typedef char *(*run_fn)(int64_t fail_after, int *rc);

static void sweep(run_fn f)
{
    int rc = 0;
    int64_t live0 = wr_mem_live_allocs();
    char *want = f(0, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(wr_mem_live_allocs(), live0);
    int failed_runs = 0;
    for (int64_t k = 1;; k++) {
        int64_t inj0 = wr_mem_failures_injected();
        char *got = f(k, &rc);
        bool injected = wr_mem_failures_injected() != inj0;
        if (rc == 0)
            ru_assert_text(got, want);
        else
            failed_runs++;
        free(got);
        if (wr_mem_live_allocs() != live0)
            fail_msg("allocation %lld failing leaked %lld allocations", (long long)k,
                     (long long)(wr_mem_live_allocs() - live0));
        if (!injected) {
            print_message("sweep: %lld runs, %d failed\n", (long long)k, failed_runs);
            break;
        }
        assert_true(k < 100000);
    }
    assert_true(failed_runs > 0);
    free(want);
}

/* Text of the sink: the applied changelog when the job succeeded. */
static char *finish(th_sink *sink, ru_result r, int *rc)
{
    *rc = r.rc;
    char *t = r.rc == 0 ? th_sink_text(sink) : strdup("");
    th_sink_free(sink);
    return t;
}

static const char *names3[] = {"k", "v", "s"};

static wr_schema *schema3(void)
{
    wr_type t[] = {wr_type_varchar(WR_MAX_LENGTH), wr_type_make(WR_TYPE_INT),
                   wr_type_varchar(WR_MAX_LENGTH)};
    return th_schema(3, names3, t);
}

static const char *cl_batches[] = {
    "+I|a|5|x;+I|a|3|y;+I|b|1|z;+I|a|4|w;+I|a|3|y",
    "-D|a|3|y;+I|c|2|v;-U|a|5|x;+U|a|0|x",
    "+I|b|7|long-string-value-to-copy;-D|b|1|z;+I|a|9|q",
};

static char *run_topn(int64_t fail_after, int *rc)
{
    wr_schema *in = schema3();
    uint32_t part[] = {0};
    wr_sort_key sk[] = {{.col = 1, .desc = true}, {.col = 2}};
    wr_rank_cfg *cfg = wr_rank_cfg_new(part, 1, sk, 2, 1, 2, true, false);
    wr_schema *out = NULL;
    assert_int_equal(wr_rank_schema(cfg, in, NULL, &out, NULL), 0);
    th_sink *sink = th_sink_new(1);
    ru_opts o = {.fail_after = fail_after, .workers = 2};
    ru_result r = ru_run(in, ru_source(in, cl_batches, 3), &wr_op_rank_vt, cfg, wr_rank_cfg_free,
                         out, sink, &o);
    wr_schema_free(out);
    wr_schema_free(in);
    return finish(sink, r, rc);
}

static char *run_limit(int64_t fail_after, int *rc)
{
    wr_schema *in = schema3();
    wr_limit_cfg *cfg = wr_limit_cfg_new(1, 2, false);
    th_sink *sink = th_sink_new(1);
    ru_opts o = {.fail_after = fail_after, .workers = 2};
    ru_result r = ru_run(in, ru_source(in, cl_batches, 3), &wr_op_limit_vt, cfg, wr_limit_cfg_free,
                         in, sink, &o);
    wr_schema_free(in);
    return finish(sink, r, rc);
}

static char *run_sort(int64_t fail_after, int *rc)
{
    wr_schema *in = schema3();
    th_source_cfg *src = th_source_cfg_new();
    char line[64];
    for (int b = 0; b < 3; b++) {
        wr_batch *batch = wr_batch_new(in, 700, NULL);
        for (int i = 0; i < 700; i++) {
            snprintf(line, sizeof(line), "+I|k%d|%d|s%d", i % 5, (i * 7919 + b * 13) % 1000, i);
            th_add_row(batch, line);
        }
        th_source_add(src, batch, 0);
    }
    wr_sort_key sk[] = {{.col = 1}, {.col = 2, .desc = true}};
    wr_sort_cfg *cfg = wr_sort_cfg_new(sk, 2, 3, 5, true); /* compacts after 1 024 + 16 rows */
    th_sink *sink = th_sink_new(1);
    ru_opts o = {.fail_after = fail_after, .workers = 2};
    ru_result r = ru_run(in, src, &wr_op_sort_vt, cfg, wr_sort_cfg_free, in, sink, &o);
    wr_schema_free(in);
    return finish(sink, r, rc);
}

static const char *tnames[] = {"k", "ts", "v"};

static wr_schema *schema_ts(void)
{
    wr_type ts = wr_type_timestamp(3);
    ts.time_attr = WR_TIME_ATTR_ROWTIME;
    wr_type t[] = {wr_type_varchar(WR_MAX_LENGTH), ts, wr_type_make(WR_TYPE_INT)};
    return th_schema(3, tnames, t);
}

static const char *ts_batches[] = {
    "+I|a|1970-01-01 00:00:05|1;+I|a|1970-01-01 00:00:03|2;+I|b|1970-01-01 00:00:01|3",
    "+I|a|1970-01-01 00:00:12|4;+I|b|1970-01-01 00:00:02|5;+I|a|1970-01-01 00:00:13|6",
    "+I|c|1970-01-01 00:00:25|7;+I|a|1970-01-01 00:00:14|8",
};

static char *run_dedup(int64_t fail_after, int *rc)
{
    wr_schema *in = schema_ts();
    uint32_t keys[] = {0};
    wr_dedup_cfg *cfg = wr_dedup_cfg_new(keys, 1, true, true, 1);
    th_sink *sink = th_sink_new(1);
    ru_opts o = {.fail_after = fail_after, .workers = 2};
    ru_result r = ru_run(in, ru_source(in, ts_batches, 3), &wr_op_dedup_vt, cfg, wr_dedup_cfg_free,
                         in, sink, &o);
    wr_schema_free(in);
    return finish(sink, r, rc);
}

static char *run_window_rank(int64_t fail_after, int *rc)
{
    wr_schema *in = schema_ts();
    wr_window_tvf_config *tvf = wr_calloc(1, sizeof(*tvf));
    tvf->rowtime_col = 1;
    tvf->window = (wr_window_spec){.kind = WR_WINDOW_HOP, .size_us = 10000000, .slide_us = 5000000};
    wr_schema *mid = NULL;
    assert_int_equal(wr_window_tvf_schema(tvf, in, &mid, NULL), 0);
    uint32_t part[] = {0};
    wr_sort_key sk = {.col = 2, .desc = true};
    wr_window_rank_cfg *cfg = wr_window_rank_cfg_new(3, 4, part, 1, &sk, 1, 1, 2, true);
    wr_schema *out = NULL;
    assert_int_equal(wr_window_rank_schema(cfg, mid, NULL, &out, NULL), 0);
    th_sink *sink = th_sink_new(1);
    ru_opts o = {.fail_after = fail_after,
                 .workers = 2,
                 .watermarks = true,
                 .rowtime_col = 1,
                 .pre_vt = &wr_window_tvf_vt,
                 .pre_cfg = tvf,
                 .pre_cfg_free = wr_free,
                 .pre_out = mid};
    ru_result r = ru_run(in, ru_source(in, ts_batches, 3), &wr_op_window_rank_vt, cfg,
                         wr_window_rank_cfg_free, out, sink, &o);
    wr_schema_free(out);
    wr_schema_free(mid);
    wr_schema_free(in);
    return finish(sink, r, rc);
}

static void test_topn_alloc_failures(void **unused)
{
    sweep(run_topn);
}

static void test_limit_alloc_failures(void **unused)
{
    sweep(run_limit);
}

static void test_sort_alloc_failures(void **unused)
{
    sweep(run_sort);
}

static void test_dedup_alloc_failures(void **unused)
{
    sweep(run_dedup);
}

static void test_window_rank_alloc_failures(void **unused)
{
    sweep(run_window_rank);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topn_alloc_failures),
        cmocka_unit_test(test_limit_alloc_failures),
        cmocka_unit_test(test_sort_alloc_failures),
        cmocka_unit_test(test_dedup_alloc_failures),
        cmocka_unit_test(test_window_rank_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
