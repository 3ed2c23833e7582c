/* test_operators_rank.c - the Top-N operator through the real runtime: exact changelog
 * sequences (Flink's AppendOnlyTopNFunction / RetractableTopNFunction) with and without the
 * rank column, append-only and retracting input, ties broken by arrival, NULLS FIRST/LAST,
 * several partitions, rank ranges starting after 1, upsert mode without -U, the bound on the
 * state of an append-only Top-N, failures on bad input; then randomized runs at parallelism 1
 * and 4 (hash edge on the partition key) whose applied changelog must equal an oracle that
 * sorts the live rows of each partition here; no leaks. */
#include "test_operators_rank_util.h"

static const char *names3[] = {"k", "v", "s"};

static wr_schema *schema3(void)
{
    wr_type t[] = {wr_type_varchar(WR_MAX_LENGTH), wr_type_make(WR_TYPE_INT),
                   wr_type_varchar(WR_MAX_LENGTH)};
    return th_schema(3, names3, t);
}

typedef struct tn_case {
    wr_sort_key sort[2];
    uint32_t nsort;
    int64_t start, end;
    bool rank;
    bool append_only;
    bool no_ub;
} tn_case;

/* Run the batches through a Top-N partitioned by k; returns the sink (caller frees). */
static th_sink *run_topn(const tn_case *c, const char *const *batches, size_t n)
{
    wr_schema *in = schema3();
    uint32_t part[] = {0};
    wr_rank_cfg *cfg =
        wr_rank_cfg_new(part, 1, c->sort, c->nsort, c->start, c->end, c->rank, c->append_only);
    assert_non_null(cfg);
    cfg->emit_update_before = !c->no_ub;
    wr_schema *out = NULL;
    wr_error err = {0};
    assert_int_equal(wr_rank_schema(cfg, in, "rn", &out, &err), 0);
    th_sink *sink = th_sink_new(1);
    ru_run_ok(in, ru_source(in, batches, n), &wr_op_rank_vt, cfg, wr_rank_cfg_free, out, sink,
              NULL);
    wr_schema_free(out);
    wr_schema_free(in);
    return sink;
}

static const char *append_batches[] = {
    "+I|a|1|p;+I|a|3|q",
    "+I|a|2|r;+I|a|5|s;+I|a|0|t;+I|b|4|u",
};

static void test_append_without_rank(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    tn_case c = {
        .sort = {{.col = 1, .desc = true}}, .nsort = 1, .start = 1, .end = 2, .append_only = true};
    th_sink *sink = run_topn(&c, append_batches, 2);
    th_assert_lines(sink, "+I[a, 1, p]\n"
                          "+I[a, 3, q]\n"
                          "-D[a, 1, p]\n"
                          "+I[a, 2, r]\n"
                          "-D[a, 2, r]\n"
                          "+I[a, 5, s]\n"
                          "+I[b, 4, u]\n");
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_append_with_rank(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    tn_case c = {.sort = {{.col = 1, .desc = true}},
                 .nsort = 1,
                 .start = 1,
                 .end = 2,
                 .rank = true,
                 .append_only = true};
    th_sink *sink = run_topn(&c, append_batches, 2);
    th_assert_lines(sink, "+I[a, 1, p, 1]\n"
                          "-U[a, 1, p, 1]\n"
                          "+U[a, 3, q, 1]\n"
                          "+I[a, 1, p, 2]\n"
                          "-U[a, 1, p, 2]\n"
                          "+U[a, 2, r, 2]\n"
                          "-U[a, 3, q, 1]\n"
                          "+U[a, 5, s, 1]\n"
                          "-U[a, 2, r, 2]\n"
                          "+U[a, 3, q, 2]\n"
                          "+I[b, 4, u, 1]\n");
    th_sink_free(sink);

    /* Upsert consumers: the same without -U. */
    c.no_ub = true;
    sink = run_topn(&c, append_batches, 2);
    th_assert_lines(sink, "+I[a, 1, p, 1]\n"
                          "+U[a, 3, q, 1]\n"
                          "+I[a, 1, p, 2]\n"
                          "+U[a, 2, r, 2]\n"
                          "+U[a, 5, s, 1]\n"
                          "+U[a, 3, q, 2]\n"
                          "+I[b, 4, u, 1]\n");
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* Ties go by arrival; NULLS FIRST puts the NULL on top; a retraction removes the earliest
 * equal row and a re-inserted equal row goes after its ties. */
static void test_ties_nulls_retract_with_rank(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    static const char *batches[] = {
        "+I|a|1|x;+I|a|1|y",
        "+I|a|NULL|n",
        "-D|a|1|x",
        "+I|a|1|x",
    };
    tn_case c = {
        .sort = {{.col = 1, .nulls_first = true}}, .nsort = 1, .start = 1, .end = 3, .rank = true};
    th_sink *sink = run_topn(&c, batches, 4);
    th_assert_lines(sink, "+I[a, 1, x, 1]\n"
                          "+I[a, 1, y, 2]\n"
                          "-U[a, 1, x, 1]\n"
                          "+U[a, null, n, 1]\n"
                          "-U[a, 1, y, 2]\n"
                          "+U[a, 1, x, 2]\n"
                          "+I[a, 1, y, 3]\n"
                          "-U[a, 1, x, 2]\n"
                          "+U[a, 1, y, 2]\n"
                          "-D[a, 1, y, 3]\n"
                          "+I[a, 1, x, 3]\n");
    th_sink_free(sink);

    /* NULLS LAST: the NULL row stays below the ties. */
    c.sort[0].nulls_first = false;
    sink = run_topn(&c, batches, 4);
    th_assert_lines(sink, "+I[a, 1, x, 1]\n"
                          "+I[a, 1, y, 2]\n"
                          "+I[a, null, n, 3]\n"
                          "-U[a, 1, x, 1]\n"
                          "+U[a, 1, y, 1]\n"
                          "-U[a, 1, y, 2]\n"
                          "+U[a, null, n, 2]\n"
                          "-D[a, null, n, 3]\n"
                          "-U[a, null, n, 2]\n"
                          "+U[a, 1, x, 2]\n"
                          "+I[a, null, n, 3]\n");
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* Retracting input without the rank column: the next row moves in with +I. */
static void test_retract_without_rank(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    static const char *batches[] = {
        "+I|a|1|x;+I|a|2|x;+I|a|3|x", "-D|a|1|x", "-U|a|3|x;+U|a|0|x",
        "-D|z|9|x;-D|a|7|x", /* unknown partition, absent row: ignored */
    };
    tn_case c = {.sort = {{.col = 1}}, .nsort = 1, .start = 1, .end = 2};
    th_sink *sink = run_topn(&c, batches, 4);
    th_assert_lines(sink, "+I[a, 1, x]\n"
                          "+I[a, 2, x]\n"
                          "-D[a, 1, x]\n"
                          "+I[a, 3, x]\n"
                          "-D[a, 3, x]\n"
                          "+I[a, 0, x]\n");
    th_sink_free(sink);

    /* Same with the rank column. */
    c.rank = true;
    sink = run_topn(&c, batches, 4);
    th_assert_lines(sink, "+I[a, 1, x, 1]\n"
                          "+I[a, 2, x, 2]\n"
                          "-U[a, 1, x, 1]\n"
                          "+U[a, 2, x, 1]\n"
                          "-U[a, 2, x, 2]\n"
                          "+U[a, 3, x, 2]\n"
                          "-D[a, 3, x, 2]\n"
                          "-U[a, 2, x, 1]\n"
                          "+U[a, 0, x, 1]\n"
                          "+I[a, 2, x, 2]\n");
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* rank range [2, 3]: membership changes at both ends of the range. */
static void test_rank_range_offset(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    static const char *batches[] = {"+I|a|5|x;+I|a|3|x;+I|a|4|x;+I|a|1|x;+I|a|2|x"};
    tn_case c = {.sort = {{.col = 1}}, .nsort = 1, .start = 2, .end = 3, .append_only = true};
    th_sink *sink = run_topn(&c, batches, 1);
    th_assert_lines(sink, "+I[a, 5, x]\n"
                          "+I[a, 4, x]\n"
                          "-D[a, 5, x]\n"
                          "+I[a, 3, x]\n"
                          "-D[a, 4, x]\n"
                          "+I[a, 2, x]\n");
    th_sink_free(sink);

    c.rank = true;
    sink = run_topn(&c, batches, 1);
    th_assert_lines(sink, "+I[a, 5, x, 2]\n"
                          "-U[a, 5, x, 2]\n"
                          "+U[a, 4, x, 2]\n"
                          "+I[a, 5, x, 3]\n"
                          "-U[a, 4, x, 2]\n"
                          "+U[a, 3, x, 2]\n"
                          "-U[a, 5, x, 3]\n"
                          "+U[a, 4, x, 3]\n"
                          "-U[a, 3, x, 2]\n"
                          "+U[a, 2, x, 2]\n"
                          "-U[a, 4, x, 3]\n"
                          "+U[a, 3, x, 3]\n");
    th_sink_free(sink);

    /* Changelog input: removing rank 1 moves rank 2 out (-D) and rank 4 in (+I). */
    static const char *cl[] = {"+I|a|1|x;+I|a|2|x;+I|a|3|x;+I|a|4|x", "-D|a|1|x"};
    c.rank = false;
    c.append_only = false;
    sink = run_topn(&c, cl, 2);
    th_assert_lines(sink, "+I[a, 2, x]\n"
                          "+I[a, 3, x]\n"
                          "-D[a, 2, x]\n"
                          "+I[a, 4, x]\n");
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* An append-only Top-N keeps at most N rows per partition; a changelog one keeps all. */
static void test_state_bound(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema3();
    for (int append = 0; append < 2; append++) {
        th_source_cfg *src = th_source_cfg_new();
        char row[64];
        for (int b = 0; b < 20; b++) {
            wr_batch *batch = wr_batch_new(in, 50, NULL);
            for (int i = 0; i < 50; i++) {
                snprintf(row, sizeof(row), "+I|p%d|%d|x", (b * 50 + i) % 10, b * 50 + i);
                th_add_row(batch, row);
            }
            th_source_add(src, batch, 0);
        }
        uint32_t part[] = {0};
        wr_sort_key sk = {.col = 1, .desc = true};
        wr_rank_cfg *cfg = wr_rank_cfg_new(part, 1, &sk, 1, 1, 3, false, append);
        wr_rank_stats stats;
        memset(&stats, 0, sizeof(stats));
        cfg->stats = &stats;
        wr_schema *out = NULL;
        assert_int_equal(wr_rank_schema(cfg, in, NULL, &out, NULL), 0);
        th_sink *sink = th_sink_new(1);
        ru_run_ok(in, src, &wr_op_rank_vt, cfg, wr_rank_cfg_free, out, sink, NULL);
        char *final = ru_apply_multiset(sink);
        char want[1024] = "", line[64];
        for (int p = 0; p < 10; p++)
            for (int j = 0; j < 3; j++) {
                snprintf(line, sizeof(line), "p%d, %d, x\n", p, 990 + p - 10 * j);
                strcat(want, line);
            }
        char *lines[30];
        size_t nl = 0;
        for (char *save = NULL, *l = strtok_r(want, "\n", &save); l;
             l = strtok_r(NULL, "\n", &save))
            lines[nl++] = strdup(l);
        char *sorted = ru_join_sorted(lines, nl);
        ru_assert_text(final, sorted);
        for (size_t i = 0; i < nl; i++)
            free(lines[i]);
        free(sorted);
        free(final);
        if (append)
            assert_true(stats.peak_rows <= 30);
        else
            assert_int_equal(stats.peak_rows, 1000);
        assert_int_equal(stats.rows, 0); /* released at close */
        assert_int_equal(stats.partitions, 0);
        th_sink_free(sink);
        wr_schema_free(out);
    }
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_bad_input(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema3();
    static const char *batches[] = {"+I|a|1|x;-D|a|1|x"};
    uint32_t part[] = {0};
    wr_sort_key sk = {.col = 1};
    wr_rank_cfg *cfg = wr_rank_cfg_new(part, 1, &sk, 1, 1, 3, false, true);
    th_sink *sink = th_sink_new(1);
    ru_result r = ru_run(in, ru_source(in, batches, 1), &wr_op_rank_vt, cfg, wr_rank_cfg_free, in,
                         sink, NULL);
    assert_int_equal(r.rc, WR_EUNSUPPORTED);
    assert_non_null(strstr(r.err, "append-only"));
    th_sink_free(sink);

    /* Bad configs are rejected by the check (and at open). */
    wr_error err = {0};
    cfg = wr_rank_cfg_new(part, 1, &sk, 1, 0, 3, false, true);
    assert_int_equal(wr_rank_check(cfg, in, &err), WR_ECONFIG);
    cfg->rank_start = 4;
    assert_int_equal(wr_rank_check(cfg, in, &err), WR_ECONFIG);
    cfg->rank_start = 1;
    cfg->sort[0].col = 7;
    assert_int_equal(wr_rank_check(cfg, in, &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "out of range"));
    wr_rank_cfg_free(cfg);
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* ------------------------------------------------------------------------------------------
 * Randomized runs against an oracle
 * ---------------------------------------------------------------------------------------- */
static const char *names4[] = {"k", "v", "w", "id"};

static wr_schema *schema4(void)
{
    wr_type t[] = {wr_type_make(WR_TYPE_INT), wr_type_make(WR_TYPE_INT),
                   wr_type_varchar(WR_MAX_LENGTH), wr_type_make(WR_TYPE_BIGINT)};
    return th_schema(4, names4, t);
}

typedef struct orow {
    int k;
    int v;
    bool v_null;
    char w[8];
    bool w_null;
    long id;
    uint64_t seq; /* arrival of the live version */
} orow;

static const tn_case *g_case; /* for the qsort comparator */

static int cmp_nullable(bool an, bool bn, int c, const wr_sort_key *sk)
{
    if (an || bn) {
        if (an && bn) return 0;
        return (an ? -1 : 1) * (sk->nulls_first ? 1 : -1);
    }
    return sk->desc ? -c : c;
}

static int orow_cmp(const void *pa, const void *pb)
{
    const orow *a = pa, *b = pb;
    if (a->k != b->k) return a->k < b->k ? -1 : 1;
    for (uint32_t i = 0; i < g_case->nsort; i++) {
        const wr_sort_key *sk = &g_case->sort[i];
        int c;
        if (sk->col == 1)
            c = cmp_nullable(a->v_null, b->v_null, (a->v > b->v) - (a->v < b->v), sk);
        else
            c = cmp_nullable(a->w_null, b->w_null, a->w_null || b->w_null ? 0 : strcmp(a->w, b->w),
                             sk);
        if (c) return c;
    }
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static void orow_format(const orow *r, char *out, size_t cap, bool kind, const char *k_, long rank)
{
    char v[16], w[16];
    if (r->v_null)
        snprintf(v, sizeof(v), "NULL");
    else
        snprintf(v, sizeof(v), "%d", r->v);
    snprintf(w, sizeof(w), "%s", r->w_null ? "NULL" : r->w);
    if (kind)
        snprintf(out, cap, "%s|%d|%s|%s|%ld", k_, r->k, v, w, r->id);
    else if (rank > 0)
        snprintf(out, cap, "%d, %s, %s, %ld, %ld", r->k, r->v_null ? "null" : v,
                 r->w_null ? "null" : w, r->id, rank);
    else
        snprintf(out, cap, "%d, %s, %s, %ld", r->k, r->v_null ? "null" : v, r->w_null ? "null" : w,
                 r->id);
}

static void random_row(uint64_t *seed, orow *r, long id)
{
    r->k = (int)(ru_rand(seed) % 7);
    r->v_null = ru_rand(seed) % 10 == 0;
    r->v = (int)(ru_rand(seed) % 20) - 5;
    r->w_null = ru_rand(seed) % 8 == 0;
    snprintf(r->w, sizeof(r->w), "%c%c", 'a' + (int)(ru_rand(seed) % 3),
             'a' + (int)(ru_rand(seed) % 2));
    r->id = id;
}

/* Generate `nrows` operations, run them at parallelism par, and compare the applied changelog
 * with the oracle's final table. */
static void random_run(const tn_case *c, uint64_t seed0, int nops, uint32_t par, char **result)
{
    uint64_t seed = seed0;
    wr_schema *in = schema4();
    orow *live = calloc((size_t)nops + 1, sizeof(orow));
    size_t nlive = 0;
    uint64_t seq = 0;
    long next_id = 1;
    th_source_cfg *src = th_source_cfg_new();
    char line[128];
    int done = 0;
    while (done < nops) {
        uint32_t bn = 1 + (uint32_t)(ru_rand(&seed) % 40);
        wr_batch *b = wr_batch_new(in, 2 * bn, NULL);
        for (uint32_t j = 0; j < bn && done < nops; j++, done++) {
            bool retract = !c->append_only && nlive > 0 && ru_rand(&seed) % 10 < 3;
            if (!retract) {
                orow r;
                random_row(&seed, &r, next_id++);
                r.seq = seq++;
                live[nlive++] = r;
                orow_format(&r, line, sizeof(line), true, "+I", 0);
                th_add_row(b, line);
                continue;
            }
            size_t x = ru_rand(&seed) % nlive;
            orow r = live[x];
            bool update = ru_rand(&seed) % 2;
            orow_format(&r, line, sizeof(line), true, update ? "-U" : "-D", 0);
            th_add_row(b, line);
            live[x] = live[--nlive];
            if (update) {
                r.v = (int)(ru_rand(&seed) % 20) - 5;
                r.v_null = false;
                r.seq = seq++;
                live[nlive++] = r;
                orow_format(&r, line, sizeof(line), true, "+U", 0);
                th_add_row(b, line);
            }
        }
        th_source_add(src, b, 0);
    }

    uint32_t part[] = {0};
    wr_rank_cfg *cfg =
        wr_rank_cfg_new(part, 1, c->sort, c->nsort, c->start, c->end, c->rank, c->append_only);
    wr_schema *out = NULL;
    assert_int_equal(wr_rank_schema(cfg, in, NULL, &out, NULL), 0);
    th_sink *sink = th_sink_new(1);
    ru_opts o = {.par = par, .keys = part, .nkeys = 1, .batch_rows = 16};
    ru_run_ok(in, src, &wr_op_rank_vt, cfg, wr_rank_cfg_free, out, sink, &o);
    char *got = ru_apply_multiset(sink);

    /* Oracle: sort by partition, then the sort keys, then arrival; number per partition. */
    g_case = c;
    qsort(live, nlive, sizeof(orow), orow_cmp);
    char **lines = calloc(nlive + 1, sizeof(char *));
    size_t nl = 0;
    long rank = 0;
    for (size_t i = 0; i < nlive; i++) {
        rank = (i > 0 && live[i].k == live[i - 1].k) ? rank + 1 : 1;
        if (rank < c->start || rank > c->end) continue;
        orow_format(&live[i], line, sizeof(line), false, NULL, c->rank ? rank : 0);
        lines[nl++] = strdup(line);
    }
    char *want = ru_join_sorted(lines, nl);
    ru_assert_text(got, want);
    for (size_t i = 0; i < nl; i++)
        free(lines[i]);
    free(lines);
    free(want);
    *result = got;
    th_sink_free(sink);
    wr_schema_free(out);
    wr_schema_free(in);
    free(live);
}

static void test_random_vs_oracle(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    const tn_case cases[] = {
        {.sort = {{.col = 1, .desc = true}}, .nsort = 1, .start = 1, .end = 3, .append_only = true},
        {.sort = {{.col = 1, .desc = true}, {.col = 2, .nulls_first = true}},
         .nsort = 2,
         .start = 1,
         .end = 3,
         .rank = true,
         .append_only = true},
        {.sort = {{.col = 1}}, .nsort = 1, .start = 1, .end = 4},
        {.sort = {{.col = 1, .nulls_first = true}, {.col = 2, .desc = true}},
         .nsort = 2,
         .start = 1,
         .end = 5,
         .rank = true},
        {.sort = {{.col = 2}, {.col = 1, .desc = true, .nulls_first = true}},
         .nsort = 2,
         .start = 3,
         .end = 6},
        {.sort = {{.col = 1, .desc = true}}, .nsort = 1, .start = 2, .end = 4, .rank = true},
        {.nsort = 0, .start = 1, .end = 3}, /* arrival order only */
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        char *r1 = NULL, *r4 = NULL;
        random_run(&cases[i], 0x9E3779B97F4A7C15ull + i, 3000, 1, &r1);
        random_run(&cases[i], 0x9E3779B97F4A7C15ull + i, 3000, 4, &r4);
        ru_assert_text(r4, r1);
        free(r1);
        free(r4);
    }
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* Large partitions (thousands of rows, many blocks) with retractions deep in the list. */
static void test_random_large_partitions(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    tn_case c = {
        .sort = {{.col = 1}, {.col = 2}}, .nsort = 2, .start = 1, .end = 200, .rank = true};
    char *r = NULL;
    random_run(&c, 12345, 20000, 1, &r);
    free(r);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_without_rank),
        cmocka_unit_test(test_append_with_rank),
        cmocka_unit_test(test_ties_nulls_retract_with_rank),
        cmocka_unit_test(test_retract_without_rank),
        cmocka_unit_test(test_rank_range_offset),
        cmocka_unit_test(test_state_bound),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_random_vs_oracle),
        cmocka_unit_test(test_random_large_partitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
