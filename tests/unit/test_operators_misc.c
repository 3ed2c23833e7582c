/* test_operators_misc.c - UNION ALL, the VALUES source, ORDER BY [LIMIT/OFFSET] and the
 * streaming LIMIT through the real runtime: a union of three inputs keeps every row and row
 * kind (parallelism 1 and 2); VALUES rows come out once, in order, from subtask 0 only (source
 * parallelism 3), strings and NULLs included; sort orders exactly with ASC/DESC and NULLS
 * FIRST/LAST on integers, doubles (-0.0, NaN, infinities), 128-bit decimals and strings, with
 * OFFSET/LIMIT, over a changelog input, and on 50 000 random rows (buffer compaction) against
 * qsort; LIMIT takes the first rows of an append-only input and replaces retracted rows of a
 * changelog; sort (changelog and random input) and append-only LIMIT also checkpointed and
 * restored after every batch (same output); no leaks. */
#include "test_operators_ckpt_proxy.h"
#include "test_operators_rank_util.h"

#include <math.h>

/* ------------------------------------------------------------------------------------------
 * UNION ALL
 * ---------------------------------------------------------------------------------------- */
static const char *names2[] = {"k", "v"};

static wr_schema *schema2(void)
{
    wr_type t[] = {wr_type_varchar(WR_MAX_LENGTH), wr_type_make(WR_TYPE_BIGINT)};
    return th_schema(2, names2, t);
}

static void union_run(uint32_t par, th_sink *sink)
{
    wr_schema *in = schema2();
    static const char *b0[] = {"+I|a|1;+I|b|2", "-D|a|1"};
    static const char *b1[] = {"+I|c|3", "-U|c|3;+U|c|4", "+I|NULL|NULL"};
    static const char *b2[] = {"+I|a|1;+I|a|1;+I|d|5"};
    const char *const *inputs[] = {b0, b1, b2};
    size_t counts[] = {2, 3, 1};
    wr_job *job = wr_job_new("union-test");
    int u = wr_job_add_op(job, "union", &wr_op_union_vt, NULL, NULL, in, par);
    assert_true(u >= 0);
    for (uint32_t i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof(name), "src%u", i);
        int s = wr_job_add_source(job, name, &th_source_vt, ru_source(in, inputs[i], counts[i]),
                                  th_source_cfg_free, in, 1, NULL);
        assert_true(s >= 0);
        assert_int_equal(wr_job_connect(job, s, u, i, WR_EDGE_REBALANCE, NULL, 0), 0);
    }
    int k = wr_job_add_op(job, "sink", &th_sink_vt, sink, NULL, in, 1);
    assert_int_equal(wr_job_connect(job, u, k, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    th_run(job, 3, 0);
    wr_job_free(job);
    wr_schema_free(in);
}

static void test_union_three_inputs(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    for (uint32_t par = 1; par <= 2; par++) {
        th_sink *sink = th_sink_new(1);
        union_run(par, sink);
        char **lines = calloc(sink->n + 1, sizeof(char *));
        for (size_t i = 0; i < sink->n; i++)
            lines[i] = sink->lines[i];
        char *got = ru_join_sorted(lines, sink->n);
        ru_assert_text(got, "+I[a, 1]\n"
                            "+I[a, 1]\n"
                            "+I[a, 1]\n"
                            "+I[b, 2]\n"
                            "+I[c, 3]\n"
                            "+I[d, 5]\n"
                            "+I[null, null]\n"
                            "+U[c, 4]\n"
                            "-D[a, 1]\n"
                            "-U[c, 3]\n");
        free(got);
        free(lines);
        th_sink_free(sink);
    }
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* An input whose column types differ from the output fails at open. */
static void test_union_schema_mismatch(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema2();
    const char *vn[] = {"k"};
    wr_type vt[] = {wr_type_make(WR_TYPE_INT)};
    wr_schema *other = th_schema(1, vn, vt);
    wr_job *job = wr_job_new("union-bad");
    int u = wr_job_add_op(job, "union", &wr_op_union_vt, NULL, NULL, in, 1);
    int s0 = wr_job_add_source(job, "a", &th_source_vt, th_source_cfg_new(), th_source_cfg_free, in,
                               1, NULL);
    int s1 = wr_job_add_source(job, "b", &th_source_vt, th_source_cfg_new(), th_source_cfg_free,
                               other, 1, NULL);
    assert_int_equal(wr_job_connect(job, s0, u, 0, WR_EDGE_FORWARD, NULL, 0), 0);
    assert_int_equal(wr_job_connect(job, s1, u, 1, WR_EDGE_FORWARD, NULL, 0), 0);
    th_sink *sink = th_sink_new(1);
    int k = wr_job_add_op(job, "sink", &th_sink_vt, sink, NULL, in, 1);
    assert_int_equal(wr_job_connect(job, u, k, 0, WR_EDGE_FORWARD, NULL, 0), 0);
    wr_error err = {0};
    wr_job_opts o = {.workers = 2};
    assert_int_equal(wr_job_run(job, &o, NULL, &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "input 1 of UNION ALL"));
    wr_job_free(job);
    th_sink_free(sink);
    wr_schema_free(other);
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* ------------------------------------------------------------------------------------------
 * VALUES
 * ---------------------------------------------------------------------------------------- */
static void test_values_source(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    const char *vn[] = {"id", "name", "x"};
    wr_type vt[] = {wr_type_make(WR_TYPE_INT), wr_type_varchar(WR_MAX_LENGTH),
                    wr_type_make(WR_TYPE_DOUBLE)};
    wr_schema *s = th_schema(3, vn, vt);
    const uint32_t n = 2500;
    wr_values_cfg *cfg = wr_values_cfg_new(3, n);
    assert_non_null(cfg);
    char buf[32];
    for (uint32_t r = 0; r < n; r++) {
        wr_value v = {.i = (int64_t)r};
        assert_int_equal(wr_values_cfg_set(cfg, r, 0, &vt[0], &v), 0);
        if (r % 7 != 3) { /* every 7th name stays NULL */
            int len = snprintf(buf, sizeof(buf), "name-%u", r);
            wr_value sv = {.s = wr_strv_make(buf, (uint32_t)len)};
            assert_int_equal(wr_values_cfg_set(cfg, r, 1, &vt[1], &sv), 0); /* copied */
            memset(buf, 'X', sizeof(buf));
        }
        wr_value d = {.d = r / 4.0};
        assert_int_equal(wr_values_cfg_set(cfg, r, 2, &vt[2], &d), 0);
    }
    wr_value v = {.i = 1};
    assert_int_equal(wr_values_cfg_set(cfg, n, 0, &vt[0], &v), WR_EINVAL);

    wr_job *job = wr_job_new("values-test");
    int src =
        wr_job_add_source(job, "values", &wr_source_values_vt, cfg, wr_values_cfg_free, s, 3, NULL);
    th_sink *sink = th_sink_new(1);
    int k = wr_job_add_op(job, "sink", &th_sink_vt, sink, NULL, s, 1);
    assert_int_equal(wr_job_connect(job, src, k, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    th_run(job, 3, 1024);
    wr_job_free(job);
    assert_int_equal(sink->n, n);
    assert_true(sink->batches >= 3);
    char want[96];
    for (uint32_t r = 0; r < n; r++) {
        if (r % 7 == 3)
            snprintf(want, sizeof(want), "+I[%u, null, %g]", r, r / 4.0);
        else
            snprintf(want, sizeof(want), "+I[%u, name-%u, %g]", r, r, r / 4.0);
        /* Doubles print as Java does ("0.0", "0.25"): compare the prefix before them. */
        char *comma = strrchr(want, ',');
        assert_memory_equal(sink->lines[r], want, (size_t)(comma - want));
    }
    th_sink_free(sink);
    wr_schema_free(s);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* When set, the operator under test runs behind the checkpoint round-trip proxy. */
static bool g_roundtrip;

static void maybe_roundtrip(const wr_op_vt **vt, void **cfg, void (**cfg_free)(void *))
{
    if (!g_roundtrip) return;
    *cfg = cp_cfg_new(*vt, *cfg, *cfg_free);
    *cfg_free = cp_cfg_free;
    *vt = &cp_vt;
}

/* ------------------------------------------------------------------------------------------
 * ORDER BY [LIMIT/OFFSET]
 * ---------------------------------------------------------------------------------------- */
static th_sink *run_sort(const wr_schema *in, const char *const *batches, size_t n,
                         const wr_sort_key *keys, uint32_t nkeys, int64_t offset, int64_t limit,
                         bool append_only)
{
    wr_sort_cfg *cfg = wr_sort_cfg_new(keys, nkeys, offset, limit, append_only);
    assert_non_null(cfg);
    wr_error err = {0};
    assert_int_equal(wr_sort_check(cfg, in, &err), 0);
    th_sink *sink = th_sink_new(1);
    const wr_op_vt *vt = &wr_op_sort_vt;
    void *c = cfg;
    void (*cfg_free)(void *) = wr_sort_cfg_free;
    maybe_roundtrip(&vt, &c, &cfg_free);
    ru_run_ok(in, ru_source(in, batches, n), vt, c, cfg_free, in, sink, NULL);
    return sink;
}

static const char *names3[] = {"k", "v", "d"};

static wr_schema *schema3(void)
{
    wr_type t[] = {wr_type_varchar(WR_MAX_LENGTH), wr_type_make(WR_TYPE_INT),
                   wr_type_make(WR_TYPE_DOUBLE)};
    return th_schema(3, names3, t);
}

/* Column `col` of every sink row, joined with ' '. */
static char *column(const th_sink *s, int col)
{
    wr_buf b;
    wr_buf_init(&b);
    for (size_t i = 0; i < s->n; i++) {
        const char *p = s->vals[i];
        for (int c = 0; c < col; c++)
            p = strstr(p, ", ") + 2;
        const char *e = strstr(p, ", ");
        if (i) wr_buf_putc(&b, ' ');
        wr_buf_append(&b, p, e ? (size_t)(e - p) : strlen(p));
    }
    char *t = strdup(b.ptr ? b.ptr : "");
    wr_buf_free(&b);
    return t;
}

static void expect_column(const th_sink *s, int col, const char *want)
{
    char *got = column(s, col);
    if (strcmp(got, want) != 0) fail_msg("column %d: got '%s', want '%s'", col, got, want);
    free(got);
}

static void test_sort_nulls_and_directions(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema3();
    static const char *b[] = {"+I|x|3|0;+I|y|NULL|0", "+I|z|1|0;+I|w|2|0"};
    struct {
        bool desc, nf;
        const char *want;
    } cases[] = {
        {false, true, "null 1 2 3"},
        {false, false, "1 2 3 null"},
        {true, true, "null 3 2 1"},
        {true, false, "3 2 1 null"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        wr_sort_key k = {.col = 1, .desc = cases[i].desc, .nulls_first = cases[i].nf};
        th_sink *s = run_sort(in, b, 2, &k, 1, 0, -1, true);
        expect_column(s, 1, cases[i].want);
        th_sink_free(s);
    }
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_sort_doubles_strings(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema3();
    /* Java's Double.compare order: -Infinity < -1.5 < -0.0 < 0.0 < 2.5 < Infinity < NaN. */
    static const char *b[] = {"+I|ab|0|NaN;+I|a|0|0.0;+I||0|-0.0",
                              "+I|b|0|Infinity;+I|a\x01|0|-1.5;+I|aa|0|-Infinity;+I|A|0|2.5"};
    wr_sort_key k = {.col = 2};
    th_sink *s = run_sort(in, b, 2, &k, 1, 0, -1, true);
    expect_column(s, 0, "aa a\x01  a A b ab");
    th_sink_free(s);
    k.desc = true;
    s = run_sort(in, b, 2, &k, 1, 0, -1, true);
    expect_column(s, 0, "ab b A a  a\x01 aa");
    th_sink_free(s);
    /* Strings: unsigned bytes, a prefix first ("" < "A" < "a" < "a\x01" < "aa" < "ab" < "b"). */
    k = (wr_sort_key){.col = 0};
    s = run_sort(in, b, 2, &k, 1, 0, -1, true);
    expect_column(s, 0, " A a a\x01 aa ab b");
    th_sink_free(s);
    k.desc = true;
    s = run_sort(in, b, 2, &k, 1, 0, -1, true);
    expect_column(s, 0, "b ab aa a\x01 a A ");
    th_sink_free(s);
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_sort_decimal_multikey_offset_limit(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    const char *dn[] = {"g", "amount", "id"};
    wr_type dt[] = {wr_type_make(WR_TYPE_BOOLEAN), wr_type_decimal(30, 2),
                    wr_type_make(WR_TYPE_BIGINT)};
    wr_schema *in = th_schema(3, dn, dt);
    static const char *b[] = {
        "+I|true|12345678901234567890.50|1;+I|false|-0.01|2;+I|true|-99999999999999999999.99|3",
        "+I|false|0.00|4;+I|true|0.00|5;+I|NULL|7.25|6;+I|false|-0.01|7",
    };
    /* ORDER BY g DESC NULLS LAST, amount ASC: ties keep arrival order (2 before 7). */
    wr_sort_key k[] = {{.col = 0, .desc = true}, {.col = 1}};
    th_sink *s = run_sort(in, b, 2, k, 2, 0, -1, true);
    expect_column(s, 2, "3 5 1 2 7 4 6");
    th_sink_free(s);
    /* OFFSET 2 LIMIT 3, and the limit reaching past the end. */
    s = run_sort(in, b, 2, k, 2, 2, 3, true);
    expect_column(s, 2, "1 2 7");
    th_sink_free(s);
    s = run_sort(in, b, 2, k, 2, 5, 10, true);
    expect_column(s, 2, "4 6");
    th_sink_free(s);
    s = run_sort(in, b, 2, k, 2, 0, 0, true);
    assert_int_equal(s->n, 0);
    th_sink_free(s);
    /* No keys: OFFSET/LIMIT over arrival order. */
    s = run_sort(in, b, 2, NULL, 0, 1, 2, true);
    expect_column(s, 2, "2 3");
    th_sink_free(s);
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_sort_changelog(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema3();
    static const char *b[] = {"+I|a|1|0;+I|b|2|0;-D|a|1|0", "+I|c|3|0;+U|b|2|0;-U|b|2|0;-D|q|9|0",
                              "+I|a|5|0;+I|a|5|0;-D|a|5|0"};
    wr_sort_key k = {.col = 1, .desc = true};
    for (int rt = 0; rt < 2; rt++) {
        g_roundtrip = rt; /* the multiset with its counts survives a restore */
        th_sink *s = run_sort(in, b, 3, &k, 1, 0, -1, false);
        th_assert_lines(s, "+I[a, 5, 0.0]\n"
                           "+I[c, 3, 0.0]\n"
                           "+I[b, 2, 0.0]\n");
        th_sink_free(s);
    }
    g_roundtrip = false;
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* 50 000 random rows: sorted by (v DESC NULLS LAST, id) against qsort, with and without a
 * limit (the limited run compacts its buffer many times). */
typedef struct srow {
    int v;
    bool null;
    long id;
} srow;

static int srow_cmp(const void *pa, const void *pb)
{
    const srow *a = pa, *b = pb;
    if (a->null != b->null) return a->null ? 1 : -1;
    if (!a->null && a->v != b->v) return a->v > b->v ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static void test_sort_random(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    const char *rn[] = {"v", "id"};
    wr_type rt[] = {wr_type_make(WR_TYPE_INT), wr_type_make(WR_TYPE_BIGINT)};
    wr_schema *in = th_schema(2, rn, rt);
    const int n = 50000;
    srow *rows = calloc(n, sizeof(srow));
    uint64_t seed = 4242;
    for (int i = 0; i < n; i++) {
        rows[i].null = ru_rand(&seed) % 50 == 0;
        rows[i].v = (int)(ru_rand(&seed) % 2000) - 1000;
        rows[i].id = i;
    }
    struct {
        int64_t offset, limit;
        bool roundtrip;
    } runs[] = {{0, -1, false}, {5, 10, false}, {0, 1, false}, {0, -1, true}, {5, 10, true}};
    for (size_t r = 0; r < WR_ARRAY_LEN(runs); r++) {
        g_roundtrip = runs[r].roundtrip; /* buffered rows and the arrival sequence survive */
        th_source_cfg *src = th_source_cfg_new();
        char line[64];
        for (int i = 0; i < n;) {
            wr_batch *b = wr_batch_new(in, 1000, NULL);
            for (int j = 0; j < 1000; j++, i++) {
                if (rows[i].null)
                    snprintf(line, sizeof(line), "+I|NULL|%ld", rows[i].id);
                else
                    snprintf(line, sizeof(line), "+I|%d|%ld", rows[i].v, rows[i].id);
                th_add_row(b, line);
            }
            th_source_add(src, b, 0);
        }
        wr_sort_key k = {.col = 0, .desc = true};
        const wr_op_vt *vt = &wr_op_sort_vt;
        void *cfg = wr_sort_cfg_new(&k, 1, runs[r].offset, runs[r].limit, true);
        void (*cfg_free)(void *) = wr_sort_cfg_free;
        maybe_roundtrip(&vt, &cfg, &cfg_free);
        th_sink *sink = th_sink_new(1);
        ru_run_ok(in, src, vt, cfg, cfg_free, in, sink, NULL);
        srow *sorted = malloc(n * sizeof(srow));
        memcpy(sorted, rows, n * sizeof(srow));
        qsort(sorted, n, sizeof(srow), srow_cmp);
        size_t want_n = runs[r].limit < 0 ? (size_t)n : (size_t)runs[r].limit;
        assert_int_equal(sink->n, want_n);
        for (size_t i = 0; i < sink->n; i++) {
            const srow *x = &sorted[runs[r].offset + (int64_t)i];
            char want[64];
            if (x->null)
                snprintf(want, sizeof(want), "null, %ld", x->id);
            else
                snprintf(want, sizeof(want), "%d, %ld", x->v, x->id);
            assert_string_equal(sink->vals[i], want);
        }
        free(sorted);
        th_sink_free(sink);
    }
    g_roundtrip = false;
    free(rows);
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* ------------------------------------------------------------------------------------------
 * Streaming LIMIT
 * ---------------------------------------------------------------------------------------- */
static void test_limit_append(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema2();
    static const char *b[] = {"+I|a|0;+I|a|1;+I|a|2;+I|a|3", "+I|a|4;+I|a|5;+I|a|6;+I|a|7",
                              "+I|a|8;+I|a|9"};
    struct {
        int64_t offset, limit;
        const char *want;
    } cases[] = {
        {3, 5, "3 4 5 6 7"}, {0, 4, "0 1 2 3"}, {4, 4, "4 5 6 7"}, {9, 5, "9"}, {2, 0, ""},
    };
    for (size_t i = 0; i < 2 * WR_ARRAY_LEN(cases); i++) {
        size_t c = i % WR_ARRAY_LEN(cases);
        g_roundtrip = i >= WR_ARRAY_LEN(cases); /* the count of rows seen survives */
        const wr_op_vt *vt = &wr_op_limit_vt;
        void *cfg = wr_limit_cfg_new(cases[c].offset, cases[c].limit, true);
        void (*cfg_free)(void *) = wr_limit_cfg_free;
        maybe_roundtrip(&vt, &cfg, &cfg_free);
        th_sink *sink = th_sink_new(1);
        ru_run_ok(in, ru_source(in, b, 3), vt, cfg, cfg_free, in, sink, NULL);
        expect_column(sink, 1, cases[c].want);
        th_sink_free(sink);
    }
    g_roundtrip = false;
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_limit_changelog(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema2();
    static const char *b[] = {"+I|a|1;+I|b|2;+I|c|3;+I|d|4", "-D|a|1;-U|c|3;+U|c|5", "-D|x|0"};
    wr_limit_cfg *cfg = wr_limit_cfg_new(0, 2, false);
    th_sink *sink = th_sink_new(1);
    ru_run_ok(in, ru_source(in, b, 3), &wr_op_limit_vt, cfg, wr_limit_cfg_free, in, sink, NULL);
    th_assert_lines(sink, "+I[a, 1]\n"
                          "+I[b, 2]\n"
                          "-D[a, 1]\n"
                          "+I[c, 3]\n"
                          "-D[c, 3]\n"
                          "+I[d, 4]\n");
    th_sink_free(sink);

    /* An append-only LIMIT fails on a retraction. */
    cfg = wr_limit_cfg_new(0, 2, true);
    sink = th_sink_new(1);
    ru_result r =
        ru_run(in, ru_source(in, b, 3), &wr_op_limit_vt, cfg, wr_limit_cfg_free, in, sink, NULL);
    assert_int_equal(r.rc, WR_EUNSUPPORTED);
    th_sink_free(sink);
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_union_three_inputs),
        cmocka_unit_test(test_union_schema_mismatch),
        cmocka_unit_test(test_values_source),
        cmocka_unit_test(test_sort_nulls_and_directions),
        cmocka_unit_test(test_sort_doubles_strings),
        cmocka_unit_test(test_sort_decimal_multikey_offset_limit),
        cmocka_unit_test(test_sort_changelog),
        cmocka_unit_test(test_sort_random),
        cmocka_unit_test(test_limit_append),
        cmocka_unit_test(test_limit_changelog),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
