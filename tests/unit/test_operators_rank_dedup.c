/* test_operators_rank_dedup.c - deduplication through the real runtime: exact changelogs for
 * keep-first and keep-last on processing time (arrival order), keep-last over a changelog
 * input, keep-first and keep-last on a rowtime (Flink's RowTimeDeduplicateFunction: a strictly
 * smaller rowtime replaces the kept row for keep-first, a greater or equal one for
 * keep-last), upsert mode without -U, failures on a NULL rowtime and on retractions into an
 * append-only dedup; then randomized runs at parallelism 1 and 4 (hash edge on the key)
 * whose applied changelog must equal an oracle computed here; no leaks. */
#include "test_operators_rank_util.h"

static const char *names[] = {"k", "ts", "v"};

static wr_schema *schema_kts(void)
{
    wr_type ts = wr_type_timestamp(0);
    ts.time_attr = WR_TIME_ATTR_ROWTIME;
    wr_type t[] = {wr_type_varchar(WR_MAX_LENGTH), ts, wr_type_make(WR_TYPE_INT)};
    return th_schema(3, names, t);
}

typedef struct dd_case {
    bool keep_last, rowtime, changelog, no_ub;
} dd_case;

static th_sink *run_dedup(const dd_case *c, const char *const *batches, size_t n, ru_result *res)
{
    wr_schema *in = schema_kts();
    uint32_t keys[] = {0};
    wr_dedup_cfg *cfg = wr_dedup_cfg_new(keys, 1, c->keep_last, c->rowtime, 1);
    assert_non_null(cfg);
    cfg->input_append_only = !c->changelog;
    cfg->emit_update_before = !c->no_ub;
    th_sink *sink = th_sink_new(1);
    ru_result r = ru_run(in, ru_source(in, batches, n), &wr_op_dedup_vt, cfg, wr_dedup_cfg_free, in,
                         sink, NULL);
    if (res)
        *res = r;
    else if (r.rc)
        fail_msg("job failed: %s", r.err);
    wr_schema_free(in);
    return sink;
}

#define T(s) "1970-01-01 00:00:" s

static void test_proctime_keep_first(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    static const char *b[] = {
        "+I|a|" T("05") "|1;+I|b|" T("01") "|2;+I|a|" T("00") "|3",
        "+I|b|" T("09") "|4;+I|c|" T("02") "|5;+I|NULL|" T("02") "|6;+I|NULL|" T("03") "|7",
    };
    dd_case c = {0};
    th_sink *sink = run_dedup(&c, b, 2, NULL);
    th_assert_lines(sink, "+I[a, 1970-01-01T00:00:05, 1]\n"
                          "+I[b, 1970-01-01T00:00:01, 2]\n"
                          "+I[c, 1970-01-01T00:00:02, 5]\n"
                          "+I[null, 1970-01-01T00:00:02, 6]\n");
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_proctime_keep_last(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    static const char *b[] = {
        "+I|a|" T("05") "|1;+I|b|" T("01") "|2;+I|a|" T("00") "|3",
        "+I|a|" T("00") "|3;+I|a|" T("07") "|4",
    };
    dd_case c = {.keep_last = true};
    th_sink *sink = run_dedup(&c, b, 2, NULL);
    th_assert_lines(sink, "+I[a, 1970-01-01T00:00:05, 1]\n"
                          "+I[b, 1970-01-01T00:00:01, 2]\n"
                          "-U[a, 1970-01-01T00:00:05, 1]\n"
                          "+U[a, 1970-01-01T00:00:00, 3]\n"
                          "-U[a, 1970-01-01T00:00:00, 3]\n"
                          "+U[a, 1970-01-01T00:00:07, 4]\n");
    th_sink_free(sink);

    c.no_ub = true;
    sink = run_dedup(&c, b, 2, NULL);
    th_assert_lines(sink, "+I[a, 1970-01-01T00:00:05, 1]\n"
                          "+I[b, 1970-01-01T00:00:01, 2]\n"
                          "+U[a, 1970-01-01T00:00:00, 3]\n"
                          "+U[a, 1970-01-01T00:00:07, 4]\n");
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* Keep-last over a changelog (Flink's processLastRowOnChangelog). */
static void test_keep_last_changelog(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    static const char *b[] = {
        "+I|a|" T("01") "|1;-D|a|" T("01") "|1;-D|a|" T("01") "|1",
        "+U|a|" T("02") "|2;-U|a|" T("09") "|9", /* the stored row is deleted, whatever -U says */
        "+I|b|" T("03") "|3;+U|b|" T("04") "|4",
    };
    dd_case c = {.keep_last = true, .changelog = true};
    th_sink *sink = run_dedup(&c, b, 3, NULL);
    th_assert_lines(sink, "+I[a, 1970-01-01T00:00:01, 1]\n"
                          "-D[a, 1970-01-01T00:00:01, 1]\n"
                          "+I[a, 1970-01-01T00:00:02, 2]\n"
                          "-D[a, 1970-01-01T00:00:02, 2]\n"
                          "+I[b, 1970-01-01T00:00:03, 3]\n"
                          "-U[b, 1970-01-01T00:00:03, 3]\n"
                          "+U[b, 1970-01-01T00:00:04, 4]\n");
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_rowtime(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    static const char *b[] = {
        "+I|a|" T("05") "|1;+I|a|" T("03") "|2",
        "+I|a|" T("03") "|3;+I|a|" T("04") "|4;+I|b|" T("01") "|5;+I|a|" T("05") "|6",
        "+I|a|" T("07") "|7",
    };
    /* Keep first: the smallest rowtime wins, the first arrival among equal ones. */
    dd_case c = {.rowtime = true};
    th_sink *sink = run_dedup(&c, b, 3, NULL);
    th_assert_lines(sink, "+I[a, 1970-01-01T00:00:05, 1]\n"
                          "-U[a, 1970-01-01T00:00:05, 1]\n"
                          "+U[a, 1970-01-01T00:00:03, 2]\n"
                          "+I[b, 1970-01-01T00:00:01, 5]\n");
    th_sink_free(sink);

    /* Keep last: the largest rowtime wins, the last arrival among equal ones. */
    c.keep_last = true;
    sink = run_dedup(&c, b, 3, NULL);
    th_assert_lines(sink, "+I[a, 1970-01-01T00:00:05, 1]\n"
                          "+I[b, 1970-01-01T00:00:01, 5]\n"
                          "-U[a, 1970-01-01T00:00:05, 1]\n"
                          "+U[a, 1970-01-01T00:00:05, 6]\n"
                          "-U[a, 1970-01-01T00:00:05, 6]\n"
                          "+U[a, 1970-01-01T00:00:07, 7]\n");
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_errors(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    static const char *null_ts[] = {"+I|a|" T("05") "|1;+I|a|NULL|2"};
    dd_case c = {.rowtime = true};
    ru_result r;
    th_sink *sink = run_dedup(&c, null_ts, 1, &r);
    assert_int_equal(r.rc, WR_EINVAL);
    assert_non_null(strstr(r.err, "RowTime field should not be null"));
    th_sink_free(sink);

    static const char *retract[] = {"+I|a|" T("05") "|1;-D|a|" T("05") "|1"};
    c.rowtime = false;
    sink = run_dedup(&c, retract, 1, &r);
    assert_int_equal(r.rc, WR_EUNSUPPORTED);
    assert_non_null(strstr(r.err, "doesn't support consuming update and delete changes"));
    th_sink_free(sink);

    wr_schema *in = schema_kts();
    uint32_t keys[] = {0};
    wr_dedup_cfg *cfg = wr_dedup_cfg_new(keys, 1, false, true, 2); /* v is not a timestamp */
    wr_error err = {0};
    assert_int_equal(wr_dedup_check(cfg, in, &err), WR_ETYPE);
    cfg->rowtime_col = 1;
    cfg->input_append_only = false; /* only keep-last on proctime reads a changelog */
    assert_int_equal(wr_dedup_check(cfg, in, &err), WR_EUNSUPPORTED);
    wr_dedup_cfg_free(cfg);
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* ------------------------------------------------------------------------------------------
 * Randomized runs
 * ---------------------------------------------------------------------------------------- */
static const char *rnames[] = {"k", "ts", "id"};

static void random_dedup(const dd_case *c, uint64_t seed, int nrows, uint32_t par, char **result)
{
    wr_type ts = wr_type_timestamp(0);
    wr_type t[] = {wr_type_make(WR_TYPE_INT), ts, wr_type_make(WR_TYPE_BIGINT)};
    wr_schema *in = th_schema(3, rnames, t);
    enum { NK = 40 };
    long keep_id[NK], keep_ts[NK];
    bool have[NK] = {false};
    th_source_cfg *src = th_source_cfg_new();
    char line[96];
    int done = 0;
    while (done < nrows) {
        uint32_t bn = 1 + (uint32_t)(ru_rand(&seed) % 50);
        wr_batch *b = wr_batch_new(in, bn, NULL);
        for (uint32_t j = 0; j < bn && done < nrows; j++, done++) {
            int k = (int)(ru_rand(&seed) % NK);
            long sec = (long)(ru_rand(&seed) % 60), id = done + 1;
            snprintf(line, sizeof(line), "+I|%d|1970-01-01 00:00:%02ld|%ld", k, sec, id);
            th_add_row(b, line);
            bool take;
            if (!have[k])
                take = true;
            else if (!c->rowtime)
                take = c->keep_last;
            else
                take = c->keep_last ? sec >= keep_ts[k] : sec < keep_ts[k];
            if (take) {
                have[k] = true;
                keep_id[k] = id;
                keep_ts[k] = sec;
            }
        }
        th_source_add(src, b, 0);
    }
    uint32_t keys[] = {0};
    wr_dedup_cfg *cfg = wr_dedup_cfg_new(keys, 1, c->keep_last, c->rowtime, 1);
    th_sink *sink = th_sink_new(1);
    ru_opts o = {.par = par, .keys = keys, .nkeys = 1, .batch_rows = 8};
    ru_run_ok(in, src, &wr_op_dedup_vt, cfg, wr_dedup_cfg_free, in, sink, &o);
    char *got = ru_apply_multiset(sink);
    if (!c->keep_last && !c->rowtime)
        for (size_t i = 0; i < sink->n; i++)
            assert_int_equal(sink->kinds[i], WR_RK_INSERT); /* append-only output */
    char *lines[NK];
    size_t nl = 0;
    for (int k = 0; k < NK; k++) {
        if (!have[k]) continue;
        snprintf(line, sizeof(line), "%d, 1970-01-01T00:00:%02ld, %ld", k, keep_ts[k], keep_id[k]);
        lines[nl++] = strdup(line);
    }
    char *want = ru_join_sorted(lines, nl);
    ru_assert_text(got, want);
    for (size_t i = 0; i < nl; i++)
        free(lines[i]);
    free(want);
    *result = got;
    th_sink_free(sink);
    wr_schema_free(in);
}

static void test_random_parallel(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    const dd_case cases[] = {
        {0}, {.keep_last = true}, {.rowtime = true}, {.rowtime = true, .keep_last = true}};
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        char *r1 = NULL, *r4 = NULL;
        random_dedup(&cases[i], 77 + i, 4000, 1, &r1);
        random_dedup(&cases[i], 77 + i, 4000, 4, &r4);
        ru_assert_text(r4, r1);
        free(r1);
        free(r4);
    }
    assert_int_equal(wr_mem_live_allocs(), live0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proctime_keep_first),
        cmocka_unit_test(test_proctime_keep_last),
        cmocka_unit_test(test_keep_last_changelog),
        cmocka_unit_test(test_rowtime),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_random_parallel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
