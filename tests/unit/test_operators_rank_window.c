/* test_operators_rank_window.c - window Top-N and window deduplication through the real
 * runtime, behind the window TVF operator (source -> TUMBLE/HOP -> window rank -> sink) with
 * watermarks from the rows: exact output (final rows only, at the window end, ordered by
 * window end, window start, partition key and rank), late rows dropped and counted, ties,
 * keep-first and keep-last deduplication with equal rowtimes, HOP windows sharing rows; then
 * randomized out-of-order input at parallelism 1 and 4 (hash edge on the partition key)
 * against an oracle that replays the watermark and ranks each window here; no leaks. */
#include "test_operators_ckpt_proxy.h"
#include "test_operators_rank_util.h"

#include <inttypes.h>

static const char *names[] = {"ts", "k", "v"};
#define SEC ((int64_t)1000000)

static wr_schema *schema_in(void)
{
    wr_type ts = wr_type_timestamp(3);
    ts.time_attr = WR_TIME_ATTR_ROWTIME;
    wr_type t[] = {ts, wr_type_varchar(WR_MAX_LENGTH), wr_type_make(WR_TYPE_INT)};
    return th_schema(3, names, t);
}

/* Columns after the TVF: ts, k, v, window_start, window_end, window_time. */
enum { C_TS = 0, C_K, C_V, C_WS, C_WE, C_WT };

static char *fmt_ts(int64_t us)
{
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_format_timestamp(us, 3, 'T', &b), 0);
    char *s = strdup(b.ptr);
    wr_buf_free(&b);
    return s;
}

typedef struct wr_case {
    wr_window_spec win;
    bool dedup, keep_last;
    wr_sort_key sort;
    int64_t start, end;
    bool rank;
    uint32_t par;
    bool roundtrip; /* checkpoint and restore the operator after every batch and watermark */
} wr_case;

/* Run the rows through TVF -> window rank/dedup; returns the sink and the late count. */
static th_sink *run_window(const wr_case *c, th_source_cfg *src, uint64_t *late)
{
    wr_schema *in = schema_in();
    wr_window_tvf_config *tvf = wr_calloc(1, sizeof(*tvf));
    tvf->rowtime_col = C_TS;
    tvf->window = c->win;
    wr_schema *mid = NULL;
    wr_error err = {0};
    assert_int_equal(wr_window_tvf_schema(tvf, in, &mid, &err), 0);
    uint32_t part[] = {C_K, C_WS, C_WE}; /* window columns in the list are ignored */
    void *cfg;
    void (*cfg_free)(void *);
    const wr_op_vt *vt;
    wr_schema *out = NULL;
    if (c->dedup) {
        cfg = wr_window_dedup_cfg_new(C_WS, C_WE, C_TS, part, 1, c->keep_last);
        assert_int_equal(wr_window_dedup_check(cfg, mid, &err), 0);
        out = wr_schema_copy(mid);
        cfg_free = wr_window_dedup_cfg_free;
        vt = &wr_op_window_dedup_vt;
    } else {
        wr_window_rank_cfg *rc =
            wr_window_rank_cfg_new(C_WS, C_WE, part, 3, &c->sort, 1, c->start, c->end, c->rank);
        assert_int_equal(wr_window_rank_check(rc, mid, &err), 0);
        assert_int_equal(wr_window_rank_schema(rc, mid, "rownum", &out, &err), 0);
        cfg = rc;
        cfg_free = wr_window_rank_cfg_free;
        vt = &wr_op_window_rank_vt;
    }
    th_sink *sink = th_sink_new(1);
    /* A checkpointed run hashes the edge as the planner does (the configured partition
     * columns, window_start, window_end): the operator files its state under that hash. */
    uint32_t keys[] = {C_K, C_WS, C_WE, C_WS, C_WE};
    ru_opts o = {.par = c->par,
                 .keys = keys,
                 .nkeys = !c->roundtrip ? 1
                          : c->dedup    ? 3
                                        : 5,
                 .watermarks = true,
                 .rowtime_col = C_TS,
                 .pre_vt = &wr_window_tvf_vt,
                 .pre_cfg = tvf,
                 .pre_cfg_free = wr_free,
                 .pre_out = mid};
    if (c->roundtrip) {
        cfg = cp_cfg_new(vt, cfg, cfg_free);
        cfg_free = cp_cfg_free;
        vt = &cp_vt;
    }
    ru_result r = ru_run(in, src, vt, cfg, cfg_free, out, sink, &o);
    if (r.rc) fail_msg("job failed: %s", r.err);
    *late = r.late;
    wr_schema_free(out);
    wr_schema_free(mid);
    wr_schema_free(in);
    return sink;
}

/* "ts|k|v" rows (ts in seconds) as one batch each. */
static th_source_cfg *source_rows(const char *const *rows, size_t n)
{
    wr_schema *in = schema_in();
    th_source_cfg *src = th_source_cfg_new();
    char line[128];
    for (size_t i = 0; i < n; i++) {
        int sec;
        char k[16], v[16];
        assert_int_equal(sscanf(rows[i], "%d|%15[^|]|%15s", &sec, k, v), 3);
        snprintf(line, sizeof(line), "+I|1970-01-01 00:%02d:%02d|%s|%s", sec / 60, sec % 60, k, v);
        const char *one[] = {line};
        th_source_add(src, th_batch(in, one, 1), 0);
    }
    wr_schema_free(in);
    return src;
}

/* Compact view of the sink: "k v ws-we [rank]" with times in seconds. */
static char *compact(const th_sink *s, bool rank)
{
    wr_buf b;
    wr_buf_init(&b);
    for (size_t i = 0; i < s->n; i++) {
        /* vals: "ts, k, v, ws, we, wt[, rank]" */
        char ts[32], k[16], v[16], ws[32], we[32], wt[32];
        long rk = 0;
        int n = sscanf(s->vals[i], "%31[^,], %15[^,], %15[^,], %31[^,], %31[^,], %31[^,], %ld", ts,
                       k, v, ws, we, wt, &rk);
        assert_true(n >= 6);
        int h, m, sec, ms, h2, m2, s2, ms2;
        sscanf(ws + 11, "%d:%d:%d.%d", &h, &m, &sec, &ms);
        sscanf(we + 11, "%d:%d:%d.%d", &h2, &m2, &s2, &ms2);
        wr_buf_printf(&b, "%s%s %s %d-%d", wr_rowkind_str((wr_rowkind)s->kinds[i]), k, v,
                      m * 60 + sec, m2 * 60 + s2);
        if (rank) wr_buf_printf(&b, " #%ld", rk);
        wr_buf_putc(&b, '\n');
    }
    char *t = strdup(b.ptr ? b.ptr : "");
    wr_buf_free(&b);
    return t;
}

static void test_tumble_top2(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    static const char *rows[] = {
        "1|a|5",  "2|a|7",     "3|b|1", "4|a|6", "5|a|9", "6|a|9", /* a tie with 5|a|9 */
        "11|a|3",                                                  /* fires [0, 10) */
        "12|b|4", "2|a|100",                                       /* late */
        "15|a|8", "13|NULL|2",
    };
    wr_case c = {.win = {.kind = WR_WINDOW_TUMBLE, .size_us = 10 * SEC},
                 .sort = {.col = C_V, .desc = true},
                 .start = 1,
                 .end = 2,
                 .rank = true};
    uint64_t late = 0;
    th_sink *sink = run_window(&c, source_rows(rows, WR_ARRAY_LEN(rows)), &late);
    char *got = compact(sink, true);
    ru_assert_text(got, "+Ia 9 0-10 #1\n"
                        "+Ia 9 0-10 #2\n"
                        "+Ib 1 0-10 #1\n"
                        "+Inull 2 10-20 #1\n"
                        "+Ia 8 10-20 #1\n"
                        "+Ia 3 10-20 #2\n"
                        "+Ib 4 10-20 #1\n");
    /* The tie keeps arrival order: ts 5 before ts 6. */
    assert_non_null(strstr(sink->lines[0], "00:00:05.000, a, 9"));
    assert_non_null(strstr(sink->lines[1], "00:00:06.000, a, 9"));
    assert_int_equal(late, 1);
    free(got);
    th_sink_free(sink);

    /* Rank range [2, 2] without the rank column. */
    c.start = 2;
    c.rank = false;
    sink = run_window(&c, source_rows(rows, WR_ARRAY_LEN(rows)), &late);
    got = compact(sink, false);
    ru_assert_text(got, "+Ia 9 0-10\n"
                        "+Ia 3 10-20\n");
    free(got);
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_hop_top1(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    static const char *rows[] = {"1|a|1", "6|a|2", "7|a|0", "30|b|0"};
    wr_case c = {.win = {.kind = WR_WINDOW_HOP, .size_us = 10 * SEC, .slide_us = 5 * SEC},
                 .sort = {.col = C_V, .desc = true},
                 .start = 1,
                 .end = 1,
                 .rank = true};
    uint64_t late = 0;
    th_sink *sink = run_window(&c, source_rows(rows, WR_ARRAY_LEN(rows)), &late);
    char *got = compact(sink, true);
    /* Window starts before 0 print as negative seconds of the previous minute; check ends. */
    assert_int_equal(sink->n, 5);
    assert_non_null(strstr(got, "+Ia 2 0-10 #1\n+Ia 2 5-15 #1\n+Ib 0 25-35 #1\n+Ib 0 30-40 #1\n"));
    assert_non_null(
        strstr(sink->vals[0], "a, 1, 1969-12-31T23:59:55.000, 1970-01-01T00:00:05.000"));
    assert_int_equal(late, 0);
    free(got);
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_window_dedup(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    static const char *rows[] = {"1|a|1", "3|a|2",  "1|a|3", "5|b|4",
                                 "3|a|5", "25|a|6", "4|a|7" /* late */};
    wr_case c = {.win = {.kind = WR_WINDOW_TUMBLE, .size_us = 10 * SEC}, .dedup = true};
    uint64_t late = 0;
    th_sink *sink = run_window(&c, source_rows(rows, WR_ARRAY_LEN(rows)), &late);
    char *got = compact(sink, false);
    ru_assert_text(got, "+Ia 1 0-10\n+Ib 4 0-10\n+Ia 6 20-30\n");
    assert_int_equal(late, 1);
    free(got);
    th_sink_free(sink);

    c.keep_last = true;
    sink = run_window(&c, source_rows(rows, WR_ARRAY_LEN(rows)), &late);
    got = compact(sink, false);
    ru_assert_text(got, "+Ia 5 0-10\n+Ib 4 0-10\n+Ia 6 20-30\n");
    free(got);
    th_sink_free(sink);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* ------------------------------------------------------------------------------------------
 * Randomized against an oracle
 * ---------------------------------------------------------------------------------------- */
typedef struct wrow {
    int64_t ts; /* us */
    int k;      /* -1 = NULL */
    int v;
    int64_t ws, we;
    size_t seq;
} wrow;

static const wr_case *g_c;

static int wrow_cmp(const void *pa, const void *pb)
{
    const wrow *a = pa, *b = pb;
    if (a->we != b->we) return a->we < b->we ? -1 : 1;
    if (a->ws != b->ws) return a->ws < b->ws ? -1 : 1;
    if (a->k != b->k) return a->k < b->k ? -1 : 1;
    if (g_c->dedup) {
        if (a->ts != b->ts) return (a->ts < b->ts ? -1 : 1) * (g_c->keep_last ? -1 : 1);
        return (a->seq < b->seq ? -1 : 1) * (g_c->keep_last ? -1 : 1);
    }
    if (a->v != b->v) return (a->v < b->v ? -1 : 1) * (g_c->sort.desc ? -1 : 1);
    return a->seq < b->seq ? -1 : 1;
}

static void random_window(const wr_case *c, uint64_t seed, int nrows, char **result)
{
    wr_schema *in = schema_in();
    th_source_cfg *src = th_source_cfg_new();
    uint32_t maxw = wr_window_max_per_row(&c->win);
    wrow *ws = calloc((size_t)nrows * maxw + 1, sizeof(wrow));
    size_t nw = 0;
    uint64_t late = 0;
    int64_t wm = INT64_MIN, base = 0;
    char line[128];
    for (int i = 0; i < nrows;) {
        uint32_t bn = 1 + (uint32_t)(ru_rand(&seed) % 20);
        wr_batch *b = wr_batch_new(in, bn, NULL);
        for (uint32_t j = 0; j < bn && i < nrows; j++, i++) {
            base += (int64_t)(ru_rand(&seed) % 300) * 1000;
            int64_t ts = base - (int64_t)(ru_rand(&seed) % 4000) * 1000; /* up to 4 s late */
            if (ts < 0) ts = 0;
            int k = (int)(ru_rand(&seed) % 6) - 1;
            int v = (int)(ru_rand(&seed) % 50);
            char *t = fmt_ts(ts);
            t[10] = ' ';
            if (k < 0)
                snprintf(line, sizeof(line), "+I|%s|NULL|%d", t, v);
            else
                snprintf(line, sizeof(line), "+I|%s|k%d|%d", t, k, v);
            free(t);
            th_add_row(b, line);
            int64_t starts[16], ends[16];
            uint32_t n = wr_window_assign(&c->win, ts, starts, ends, 16);
            for (uint32_t x = 0; x < n; x++) {
                if (ends[x] - 1000 <= wm) {
                    late++;
                    continue;
                }
                ws[nw++] = (wrow){
                    .ts = ts, .k = k, .v = v, .ws = starts[x], .we = ends[x], .seq = (size_t)i};
            }
            if (ts > wm) wm = ts; /* watermark after the row, delay 0 */
        }
        th_source_add(src, b, 0);
    }
    g_c = c;
    qsort(ws, nw, sizeof(wrow), wrow_cmp);
    char **lines = calloc(nw + 1, sizeof(char *));
    size_t nl = 0;
    long rank = 0;
    for (size_t i = 0; i < nw; i++) {
        bool same =
            i > 0 && ws[i].we == ws[i - 1].we && ws[i].ws == ws[i - 1].ws && ws[i].k == ws[i - 1].k;
        rank = same ? rank + 1 : 1;
        int64_t lo = c->dedup ? 1 : c->start, hi = c->dedup ? 1 : c->end;
        if (rank < lo || rank > hi) continue;
        char *t = fmt_ts(ws[i].ts), *a = fmt_ts(ws[i].ws), *e = fmt_ts(ws[i].we),
             *w = fmt_ts(ws[i].we - 1000);
        char k[16];
        if (ws[i].k < 0)
            snprintf(k, sizeof(k), "null");
        else
            snprintf(k, sizeof(k), "k%d", ws[i].k);
        if (c->rank && !c->dedup)
            snprintf(line, sizeof(line), "%s, %s, %d, %s, %s, %s, %ld", t, k, ws[i].v, a, e, w,
                     rank);
        else
            snprintf(line, sizeof(line), "%s, %s, %d, %s, %s, %s", t, k, ws[i].v, a, e, w);
        lines[nl++] = strdup(line);
        free(t);
        free(a);
        free(e);
        free(w);
    }
    char *want = ru_join_sorted(lines, nl);
    uint64_t got_late = 0;
    th_sink *sink = run_window(c, src, &got_late);
    char **gl = calloc(sink->n + 1, sizeof(char *));
    for (size_t i = 0; i < sink->n; i++) {
        assert_int_equal(sink->kinds[i], WR_RK_INSERT);
        gl[i] = sink->vals[i];
    }
    char *got = ru_join_sorted(gl, sink->n);
    ru_assert_text(got, want);
    assert_int_equal(got_late, late);
    assert_true(late > 0); /* the input is out of order enough to have late rows */
    *result = got;
    free(gl);
    for (size_t i = 0; i < nl; i++)
        free(lines[i]);
    free(lines);
    free(want);
    free(ws);
    th_sink_free(sink);
    wr_schema_free(in);
}

static void test_random_vs_oracle(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_case cases[] = {
        {.win = {.kind = WR_WINDOW_TUMBLE, .size_us = 10 * SEC},
         .sort = {.col = C_V, .desc = true},
         .start = 1,
         .end = 3,
         .rank = true},
        {.win = {.kind = WR_WINDOW_HOP, .size_us = 20 * SEC, .slide_us = 5 * SEC},
         .sort = {.col = C_V},
         .start = 2,
         .end = 4},
        {.win = {.kind = WR_WINDOW_TUMBLE, .size_us = 7 * SEC}, .dedup = true},
        {.win = {.kind = WR_WINDOW_CUMULATE, .size_us = 20 * SEC, .slide_us = 5 * SEC},
         .dedup = true,
         .keep_last = true},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        char *r1 = NULL, *r4 = NULL;
        cases[i].par = 1;
        random_window(&cases[i], 1000 + i, 3000, &r1);
        cases[i].par = 4;
        random_window(&cases[i], 1000 + i, 3000, &r4);
        ru_assert_text(r4, r1);
        free(r1);
        free(r4);
    }
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* The same random input, with the operator checkpointed, closed, reopened and restored after
 * every batch and watermark (at parallelism 1 and 4): the buffered rows, their arrival order
 * for ties and the windows already fired survive, so the output still matches the oracle. */
static void test_random_checkpoint_roundtrip(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_case cases[] = {
        {.win = {.kind = WR_WINDOW_TUMBLE, .size_us = 10 * SEC},
         .sort = {.col = C_V, .desc = true},
         .start = 1,
         .end = 3,
         .rank = true},
        {.win = {.kind = WR_WINDOW_HOP, .size_us = 20 * SEC, .slide_us = 5 * SEC},
         .sort = {.col = C_V},
         .start = 2,
         .end = 4},
        {.win = {.kind = WR_WINDOW_TUMBLE, .size_us = 7 * SEC}, .dedup = true},
        {.win = {.kind = WR_WINDOW_TUMBLE, .size_us = 7 * SEC}, .dedup = true, .keep_last = true},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        char *r1 = NULL, *r4 = NULL;
        cases[i].roundtrip = true;
        cases[i].par = 1;
        random_window(&cases[i], 2000 + i, 1500, &r1);
        cases[i].par = 4;
        random_window(&cases[i], 2000 + i, 1500, &r4);
        ru_assert_text(r4, r1);
        free(r1);
        free(r4);
    }
    assert_int_equal(wr_mem_live_allocs(), live0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tumble_top2),
        cmocka_unit_test(test_hop_top1),
        cmocka_unit_test(test_window_dedup),
        cmocka_unit_test(test_random_vs_oracle),
        cmocka_unit_test(test_random_checkpoint_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
