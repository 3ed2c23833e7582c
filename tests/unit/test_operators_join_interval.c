/* test_operators_join_interval.c - the event-time interval join through the real runtime:
 * exact outputs and output watermarks (Flink's hold-back by max(-lower, upper)), inclusive
 * and exclusive bounds, outer rows emitted null-padded when they expire, rows behind the
 * watermark (joined with what is still buffered, padded or counted as late), bounds nothing
 * satisfies, residual predicates, state purged by watermarks back to the baseline of the rows
 * still needed, update rows rejected, and randomized runs against a nested-loop oracle at
 * parallelism 1 and 4. */
#include "test_operators_join_harness.h"

#include "expr/expr.h"

/* L(k INT, lt TIMESTAMP(3) rowtime, a STRING), R(k INT, rt TIMESTAMP(3) rowtime, b STRING) */
static wr_schema *side_schema(const char *t, const char *v)
{
    const char *const n[] = {"k", t, v};
    wr_type ty[] = {wr_type_make(WR_TYPE_INT), jt_rowtime(), wr_type_varchar(WR_MAX_LENGTH)};
    return jt_schema(3, n, ty);
}

static jt_script *script(int64_t delay_ms)
{
    return jt_script_new(side_schema("lt", "a"), side_schema("rt", "b"), 1, 1, delay_ms);
}

/* r.ts + lower <= l.ts <= r.ts + upper (milliseconds) */
static wr_interval_join_config *config(wr_join_type type, int64_t lower, int64_t upper, bool lexcl,
                                       bool uexcl)
{
    wr_interval_join_config *c = wr_interval_join_config_new(type, 1);
    assert_non_null(c);
    c->join.left_keys[0] = 0;
    c->join.right_keys[0] = 0;
    c->left_time_col = 1;
    c->right_time_col = 1;
    c->lower_us = lower * JT_MS;
    c->upper_us = upper * JT_MS;
    c->lower_exclusive = lexcl;
    c->upper_exclusive = uexcl;
    return c;
}

static void run(jt_script *s, wr_interval_join_config *c, const jt_opts *o, jt_result *r)
{
    jt_opts def = {0};
    wr_schema *out = NULL;
    wr_error err = {0};
    assert_int_equal(
        wr_join_output_schema(c->join.type, s->schema[0], s->schema[1], true, &out, &err), 0);
    jt_run(s, &wr_interval_join_vt, c, wr_interval_join_config_free, out, o ? o : &def, r);
}

static int64_t allocs0;

static int setup(void **state)
{
    allocs0 = wr_mem_live_allocs();
    return 0;
}

static int teardown(void **state)
{
    assert_int_equal(wr_mem_live_allocs(), allocs0);
    return 0;
}

/* l.ts BETWEEN r.ts - 2 s AND r.ts + 1 s: output watermark = input - 2 s. */
static void test_inner(void **state)
{
    jt_script *s = script(0);
    jt_row(s, 0, "+I|1|1000|a1");
    jt_row(s, 1, "+I|1|2000|b1");
    jt_row(s, 1, "+I|1|4000|b2");
    jt_row(s, 0, "+I|1|3000|a2");
    jt_row(s, 0, "+I|1|6000|a3");
    jt_row(s, 1, "+I|2|6000|c1");
    jt_result r;
    jt_opts o = {.record_wm = true};
    run(s, config(WR_JOIN_INNER, -2000, 1000, false, false), &o, &r);
    JT_EXPECT(&r, "+I[1, 1000, a1, 1, 2000, b1]", "WM -1000", "+I[1, 3000, a2, 1, 2000, b1]",
              "+I[1, 3000, a2, 1, 4000, b2]", "WM 1000", "WM 2000", "WM 4000", "WM MAX");
    assert_int_equal(r.late, 0);
    jt_result_free(&r);
    jt_script_free(s);

    wr_interval_join_config *c = config(WR_JOIN_INNER, -2000, 1000, false, false);
    jt_script *t = script(0);
    assert_int_equal(wr_interval_join_watermark_delay(c, t->schema[0], t->schema[1]), 2000000);
    c->lower_us = 500 * JT_MS; /* BETWEEN r.ts + 0.5 s AND r.ts + 1 s */
    assert_int_equal(wr_interval_join_watermark_delay(c, t->schema[0], t->schema[1]), 1000000);
    c->upper_exclusive = true;
    assert_int_equal(wr_interval_join_watermark_delay(c, t->schema[0], t->schema[1]), 999000);
    wr_interval_join_config_free(c);
    jt_script_free(t);
}

/* l.ts > r.ts - 2 s AND l.ts < r.ts + 1 s, FULL: boundaries excluded, unmatched rows padded
 * when they expire, a row behind the watermark still joins what is buffered. */
static void test_full_exclusive(void **state)
{
    jt_script *s = script(0);
    jt_row(s, 0, "+I|1|1000|a1");
    jt_row(s, 1, "+I|1|3000|b1"); /* 1000 > 3000 - 2000 is false */
    jt_row(s, 1, "+I|1|2000|b2");
    jt_row(s, 0, "+I|1|4999|a2");
    jt_row(s, 0, "+I|1|1500|a3"); /* behind the watermark (3000) but still buffered */
    jt_row(s, 0, "+I|1|500|a4");  /* nothing can match it any more: padded at once */
    jt_row(s, 1, "+I|2|3500|c1");
    jt_result r;
    jt_opts o = {.record_wm = true};
    run(s, config(WR_JOIN_FULL, -2000, 1000, true, true), &o, &r);
    JT_EXPECT(&r, "WM -999", "+I[1, 1000, a1, 1, 2000, b2]", "WM 1001",
              "+I[1, 1500, a3, 1, 3000, b1]", "+I[1, 500, a4, null, null, null]", "WM 1501",
              "+I[null, null, null, 2, 3500, c1]", "WM 3000", /* right ended first */
              "+I[1, 4999, a2, null, null, null]", "WM MAX");
    assert_int_equal(r.late, 0);
    jt_result_free(&r);
    jt_script_free(s);
}

/* LEFT and RIGHT pad only their own side; an inner side's row that nothing can match any
 * more is counted as late. */
static void test_left_right_late(void **state)
{
    for (int t = 0; t < 3; t++) {
        wr_join_type type = t == 0 ? WR_JOIN_INNER : t == 1 ? WR_JOIN_LEFT : WR_JOIN_RIGHT;
        jt_script *s = script(0);
        jt_row(s, 0, "+I|1|5000|a1");
        jt_row(s, 1, "+I|1|5000|b1");
        jt_row(s, 0, "+I|1|3000|a2"); /* its right range [2000, 4000] is behind: late */
        jt_row(s, 1, "+I|1|2000|b2"); /* its left range [1000, 3000] is behind: late */
        jt_row(s, 0, "+I|1|4500|a3");
        jt_row(s, 1, "+I|1|9000|b3");
        jt_result r;
        run(s, config(type, -1000, 1000, false, false), NULL, &r);
        if (type == WR_JOIN_INNER) {
            JT_EXPECT(&r, "+I[1, 5000, a1, 1, 5000, b1]", "+I[1, 4500, a3, 1, 5000, b1]");
            assert_int_equal(r.late, 2);
        } else if (type == WR_JOIN_LEFT) {
            JT_EXPECT(&r, "+I[1, 5000, a1, 1, 5000, b1]", "+I[1, 3000, a2, null, null, null]",
                      "+I[1, 4500, a3, 1, 5000, b1]");
            assert_int_equal(r.late, 1);
        } else {
            JT_EXPECT(&r, "+I[1, 5000, a1, 1, 5000, b1]", "+I[null, null, null, 1, 2000, b2]",
                      "+I[1, 4500, a3, 1, 5000, b1]", "+I[null, null, null, 1, 9000, b3]");
            assert_int_equal(r.late, 1);
        }
        jt_result_free(&r);
        jt_script_free(s);
    }
}

/* lower > upper: nothing matches, nothing is buffered, outer rows are padded at once. */
static void test_never(void **state)
{
    jt_script *s = script(0);
    jt_row(s, 0, "+I|1|1000|a1");
    jt_row(s, 1, "+I|1|1000|b1");
    jt_row(s, 0, "+I|1|2000|a2");
    jt_result r;
    jt_opts o = {.record_wm = true};
    run(s, config(WR_JOIN_LEFT, 1000, 999, false, false), &o, &r);
    JT_EXPECT(&r, "+I[1, 1000, a1, null, null, null]", "WM 1000",
              "+I[1, 2000, a2, null, null, null]", "WM 2000", "WM MAX");
    jt_result_free(&r);
    jt_script_free(s);
}

/* NULL keys never match (padded at once on an outer side); a residual a < b. */
static void test_null_key_residual(void **state)
{
    jt_script *s = script(0);
    jt_row(s, 0, "+I|NULL|1000|a0");
    jt_row(s, 1, "+I|NULL|1000|b0");
    jt_row(s, 0, "+I|1|1000|x5");
    jt_row(s, 1, "+I|1|1000|x3");
    jt_row(s, 1, "+I|1|1100|x7");
    jt_row(s, 1, "+I|1|1200|NULL");
    wr_interval_join_config *c = config(WR_JOIN_FULL, -1000, 1000, false, false);
    wr_schema *row = wr_join_row_schema(s->schema[0], s->schema[1]);
    wr_arena a;
    wr_arena_init(&a, 4096, NULL);
    wr_error err = {0};
    wr_expr *args[2] = {wr_expr_column(&a, 2, row->cols[2].type),
                        wr_expr_column(&a, 5, row->cols[5].type)};
    wr_expr *e = wr_expr_call(&a, "<", args, 2, &err);
    assert_non_null(e);
    assert_int_equal(wr_expr_compile(&e, 1, row, &c->join.residual, &err), 0);
    wr_arena_destroy(&a);
    wr_schema_free(row);
    jt_result r;
    run(s, c, NULL, &r);
    JT_EXPECT(&r, "+I[null, 1000, a0, null, null, null]", "+I[null, null, null, null, 1000, b0]",
              "+I[1, 1000, x5, 1, 1100, x7]", "+I[null, null, null, 1, 1000, x3]",
              "+I[null, null, null, 1, 1200, null]");
    jt_result_free(&r);
    jt_script_free(s);
}

/* Watermarks purge the state: after the run (cancelled, so no final MAX) only the rows that
 * can still match are held, exactly as much as a run with only those rows holds. */
static void test_purge(void **state)
{
    wr_join_stats full, base;
    memset(&full, 0, sizeof(full));
    memset(&base, 0, sizeof(base));
    for (int variant = 0; variant < 2; variant++) {
        jt_script *s = script(0);
        if (variant == 0) {
            static const char *const l1[] = {"+I|1|1000|a1", "+I|1|2000|a2", "+I|3|2500|a3"};
            static const char *const r1[] = {"+I|1|1500|b1", "+I|3|9000|b2", "+I|4|9000|b3"};
            jt_batch(s, 0, l1, 3);
            jt_batch(s, 1, r1, 3);
        }
        jt_row(s, 0, "+I|2|100000|x");
        jt_row(s, 1, "+I|2|100000|y");
        wr_interval_join_config *c = config(WR_JOIN_FULL, -1000, 1000, false, false);
        c->join.stats = variant == 0 ? &full : &base;
        jt_opts o = {.cancel = true};
        jt_result r;
        run(s, c, &o, &r);
        assert_int_equal(r.rc, 0);
        if (variant == 0)
            JT_EXPECT(&r, "+I[1, 1000, a1, 1, 1500, b1]", "+I[1, 2000, a2, 1, 1500, b1]",
                      "+I[3, 2500, a3, null, null, null]", "+I[2, 100000, x, 2, 100000, y]",
                      "+I[null, null, null, 3, 9000, b2]", "+I[null, null, null, 4, 9000, b3]");
        jt_result_free(&r);
        jt_script_free(s);
    }
    assert_int_equal(full.rows[0], 1);
    assert_int_equal(full.rows[1], 1);
    assert_int_equal(full.keys, 1);
    assert_true(full.state_bytes > 0);
    assert_int_equal(full.state_bytes, base.state_bytes);
}

static void test_rejects_updates(void **state)
{
    jt_script *s = script(0);
    jt_row(s, 0, "+I|1|1000|a1");
    jt_row(s, 1, "-D|1|1000|b1");
    jt_result r;
    run(s, config(WR_JOIN_INNER, -1000, 1000, false, false), NULL, &r);
    assert_int_equal(r.rc, WR_EUNSUPPORTED);
    assert_non_null(strstr(r.err, "update and delete"));
    jt_result_free(&r);
    jt_script_free(s);

    wr_interval_join_config *c = config(WR_JOIN_SEMI, -1000, 1000, false, false);
    s = script(0);
    wr_error err = {0};
    assert_int_equal(wr_interval_join_check(c, s->schema[0], s->schema[1], &err), WR_ECONFIG);
    c->join.type = WR_JOIN_INNER;
    c->left_time_col = 2;
    assert_int_equal(wr_interval_join_check(c, s->schema[0], s->schema[1], &err), WR_ETYPE);
    wr_interval_join_config_free(c);
    jt_script_free(s);
}

/* ------------------------------------------------------------------------------------------
 * Randomized against a nested-loop oracle
 * ---------------------------------------------------------------------------------------- */
typedef struct irow_t {
    int k; /* -1 = NULL */
    int64_t ts;
    char s[4];
} irow_t;

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33) % n;
}

static void out_row(const irow_t *x, char *buf, size_t cap)
{
    if (x->k < 0)
        snprintf(buf, cap, "null, %" PRId64 ", %s", x->ts, x->s);
    else
        snprintf(buf, cap, "%d, %" PRId64 ", %s", x->k, x->ts, x->s);
}

static void add_line(char ***out, size_t *n, size_t *cap, const char *line)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        *out = realloc(*out, *cap * sizeof(char *));
    }
    (*out)[(*n)++] = strdup(line);
}

static char *oracle(wr_join_type type, int64_t lo, int64_t hi, bool lx, bool ux, const irow_t *L,
                    size_t nl, const irow_t *R, size_t nr)
{
    char **out = NULL;
    size_t n = 0, cap = 0;
    char a[64], b[64], line[160];
    bool *rm = calloc(nr + 1, 1);
    for (size_t i = 0; i < nl; i++) {
        bool m = false;
        out_row(&L[i], a, sizeof(a));
        for (size_t j = 0; j < nr; j++) {
            if (L[i].k < 0 || L[i].k != R[j].k) continue;
            int64_t d = L[i].ts - R[j].ts;
            bool ok = (lx ? d > lo : d >= lo) && (ux ? d < hi : d <= hi);
            if (!ok) continue;
            m = rm[j] = true;
            out_row(&R[j], b, sizeof(b));
            snprintf(line, sizeof(line), "%s, %s", a, b);
            add_line(&out, &n, &cap, line);
        }
        if (!m && wr_join_left_outer(type)) {
            snprintf(line, sizeof(line), "%s, null, null, null", a);
            add_line(&out, &n, &cap, line);
        }
    }
    for (size_t j = 0; j < nr; j++)
        if (!rm[j] && wr_join_right_outer(type)) {
            out_row(&R[j], b, sizeof(b));
            snprintf(line, sizeof(line), "null, null, null, %s", b);
            add_line(&out, &n, &cap, line);
        }
    char *text = jt_sorted(out, n);
    for (size_t i = 0; i < n; i++)
        free(out[i]);
    free(out);
    free(rm);
    return text;
}

static void random_round(uint64_t seed)
{
    rng_state = seed;
    wr_join_type type = (wr_join_type)rnd(4);
    int64_t lo = -3000 + 100 * (int64_t)rnd(40), hi = lo + 100 * (int64_t)rnd(40);
    bool lx = rnd(2), ux = rnd(2);
    const int64_t delay = 2500; /* watermark delay; disorder stays below it: nothing late */
    irow_t rows[2][150];
    size_t nrow[2] = {0, 0};
    int64_t clock[2] = {0, 0};
    char text[300][48];
    int side_of[300];
    uint32_t batch_end[300];
    size_t ntext = 0, nb = 0;
    for (int step = 0; step < 40; step++) {
        int side = (int)rnd(2);
        uint32_t m = 1 + rnd(6);
        for (uint32_t q = 0; q < m && nrow[side] < 150; q++) {
            irow_t *x = &rows[side][nrow[side]++];
            clock[side] += 100 * (int64_t)rnd(6);
            x->ts = clock[side] - 100 * (int64_t)rnd(20); /* up to 1.9 s out of order */
            x->k = rnd(10) == 0 ? -1 : (int)rnd(4);
            snprintf(x->s, sizeof(x->s), "%c%d", side ? 'r' : 'l', (int)(nrow[side] % 100));
            char k[16];
            if (x->k < 0)
                snprintf(k, sizeof(k), "NULL");
            else
                snprintf(k, sizeof(k), "%d", x->k);
            snprintf(text[ntext], sizeof(text[ntext]), "+I|%s|%" PRId64 "|%s", k, x->ts, x->s);
            side_of[ntext++] = side;
        }
        batch_end[nb++] = (uint32_t)ntext;
    }
    char *want = oracle(type, lo, hi, lx, ux, rows[0], nrow[0], rows[1], nrow[1]);
    if (getenv("JT_DEBUG"))
        print_message("%s [%" PRId64 ", %" PRId64 "]: %zu bytes of output\n",
                      wr_join_type_name(type), lo, hi, strlen(want));
    for (int p = 0; p < 2; p++) {
        jt_script *s = script(delay);
        size_t start = 0;
        for (size_t b = 0; b < nb; b++) {
            const char *ptrs[8];
            uint32_t m = 0;
            for (size_t i = start; i < batch_end[b]; i++)
                ptrs[m++] = text[i];
            if (m) jt_batch(s, side_of[start], ptrs, m);
            start = batch_end[b];
        }
        wr_join_stats stats;
        memset(&stats, 0, sizeof(stats));
        wr_interval_join_config *c = config(type, lo, hi, lx, ux);
        c->join.stats = &stats;
        static const uint32_t keys[] = {0};
        jt_opts o = {.par = p ? 4 : 1, .lkeys = keys, .rkeys = keys, .nkeys = 1};
        jt_result r;
        run(s, c, &o, &r);
        if (r.rc) fail_msg("job failed: %s", r.err);
        char *got = jt_apply(&r);
        if (strcmp(got, want) != 0)
            fail_msg("seed %llu %s [%" PRId64 "%s, %" PRId64 "%s] par %u:\n--- want\n%s--- got\n%s",
                     (unsigned long long)seed, wr_join_type_name(type), lo, lx ? " excl" : "", hi,
                     ux ? " excl" : "", o.par, want, got);
        assert_int_equal(r.late, 0);
        /* The final MAX watermark expired everything. */
        assert_int_equal(stats.rows[0] + stats.rows[1] + stats.keys + stats.state_bytes, 0);
        free(got);
        jt_result_free(&r);
        jt_script_free(s);
    }
    free(want);
}

static void test_random(void **state)
{
    for (uint64_t seed = 1; seed <= 40; seed++)
        random_round(seed * 104729);
}

static void test_alloc_failures(void **state)
{
    char *want = NULL;
    for (int64_t k = 0; k < 300; k += (k < 150 ? 1 : 5)) {
        jt_script *s = script(0);
        static const char *const l1[] = {"+I|1|1000|a1", "+I|2|1200|a2", "+I|1|1500|a3"};
        static const char *const r1[] = {"+I|1|1100|b1", "+I|3|1300|b2"};
        jt_batch(s, 0, l1, 3);
        jt_batch(s, 1, r1, 2);
        jt_row(s, 0, "+I|3|5000|a4");
        jt_row(s, 1, "+I|3|5000|b3");
        jt_opts o = {.fail_after = k};
        jt_result r;
        run(s, config(WR_JOIN_FULL, -500, 500, false, false), &o, &r);
        if (k == 0) {
            assert_int_equal(r.rc, 0);
            want = jt_apply(&r);
        } else if (r.rc == 0) {
            char *got = jt_apply(&r);
            assert_string_equal(got, want);
            free(got);
        }
        jt_result_free(&r);
        jt_script_free(s);
        assert_int_equal(wr_mem_live_allocs(), allocs0);
    }
    free(want);
}

/* Checkpoints: the exact-changelog tests again, with the operator snapshotted, closed,
 * reopened and restored after every batch and watermark (buffered rows, their joined flags
 * and cleanup times come back): the output must not change. */
static void test_checkpoint_roundtrip(void **state)
{
    jt_force_roundtrip = true;
    test_inner(state);
    test_full_exclusive(state);
    test_left_right_late(state);
    test_never(state);
    test_null_key_residual(state);
    jt_force_roundtrip = false;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_inner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_exclusive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_left_right_late, setup, teardown),
        cmocka_unit_test_setup_teardown(test_never, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_key_residual, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejects_updates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_roundtrip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
