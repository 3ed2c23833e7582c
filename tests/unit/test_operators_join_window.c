/* test_operators_join_window.c - the window join through the real runtime: every join type
 * (INNER, LEFT, RIGHT, FULL, SEMI, ANTI) with exact outputs and their order (window end,
 * key, Flink's loop order), results before the forwarded watermark, late rows dropped and
 * counted, NULL keys, residual predicates, several windows firing at once, state released
 * after firing, update rows rejected, and randomized TUMBLE/HOP runs against a nested-loop
 * oracle at parallelism 1 and 4. */
#include "test_operators_join_harness.h"

#include "expr/expr.h"

/* Each side: k INT, ts TIMESTAMP(3) rowtime, v STRING, ws/we TIMESTAMP(3) (window_start,
 * window_end as the window TVF appends them). */
static wr_schema *side_schema(void)
{
    static const char *const n[] = {"k", "ts", "v", "window_start", "window_end"};
    wr_type t[] = {wr_type_make(WR_TYPE_INT), jt_rowtime(), wr_type_varchar(WR_MAX_LENGTH),
                   wr_type_not_null(wr_type_timestamp(3)), wr_type_not_null(wr_type_timestamp(3))};
    return jt_schema(5, n, t);
}

static jt_script *script(int64_t delay_ms)
{
    return jt_script_new(side_schema(), side_schema(), 1, 1, delay_ms);
}

static wr_window_join_config *config(wr_join_type type)
{
    wr_window_join_config *c = wr_window_join_config_new(type, 1);
    assert_non_null(c);
    c->join.left_keys[0] = 0;
    c->join.right_keys[0] = 0;
    c->left_start_col = c->right_start_col = 3;
    c->left_end_col = c->right_end_col = 4;
    return c;
}

static void run(jt_script *s, wr_window_join_config *c, const jt_opts *o, jt_result *r)
{
    jt_opts def = {0};
    wr_schema *out = NULL;
    wr_error err = {0};
    assert_int_equal(
        wr_join_output_schema(c->join.type, s->schema[0], s->schema[1], true, &out, &err), 0);
    jt_run(s, &wr_window_join_vt, c, wr_window_join_config_free, out, o ? o : &def, r);
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

/* TUMBLE(10 s): [0, 10 s) and [10 s, 20 s). */
static jt_script *standard(void)
{
    jt_script *s = script(0);
    jt_row(s, 0, "+I|1|1000|a1|0|10000");
    jt_row(s, 0, "+I|2|2000|a2|0|10000");
    jt_row(s, 1, "+I|1|3000|b1|0|10000");
    jt_row(s, 1, "+I|1|4000|b2|0|10000");
    jt_row(s, 1, "+I|3|5000|b3|0|10000");
    jt_row(s, 0, "+I|NULL|6000|a0|0|10000");
    jt_row(s, 0, "+I|1|12000|a3|10000|20000");
    jt_row(s, 1, "+I|1|15000|b4|10000|20000"); /* watermark 12 s: [0, 10 s) fires */
    jt_row(s, 1, "+I|2|8000|late|0|10000");    /* its window fired: dropped */
    return s;
}

#define A1B1 "+I[1, 1000, a1, 0, 10000, 1, 3000, b1, 0, 10000]"
#define A1B2 "+I[1, 1000, a1, 0, 10000, 1, 4000, b2, 0, 10000]"
#define A3B4 "+I[1, 12000, a3, 10000, 20000, 1, 15000, b4, 10000, 20000]"
#define A0_  "+I[null, 6000, a0, 0, 10000, null, null, null, null, null]"
#define A2_  "+I[2, 2000, a2, 0, 10000, null, null, null, null, null]"
#define _B3  "+I[null, null, null, null, null, 3, 5000, b3, 0, 10000]"

static void test_inner(void **state)
{
    jt_script *s = standard();
    jt_opts o = {.record_wm = true};
    jt_result r;
    run(s, config(WR_JOIN_INNER), &o, &r);
    JT_EXPECT(&r, "WM 2000", "WM 5000", A1B1, A1B2, "WM 12000", "WM 15000", A3B4, "WM MAX");
    assert_int_equal(r.late, 1);
    jt_result_free(&r);
    jt_script_free(s);
}

static void test_outer_semi_anti(void **state)
{
    for (int t = WR_JOIN_LEFT; t <= WR_JOIN_ANTI; t++) {
        jt_script *s = standard();
        jt_result r;
        run(s, config((wr_join_type)t), NULL, &r);
        switch (t) {
        case WR_JOIN_LEFT: /* groups in key order: NULL, 1, 2, 3 */
            JT_EXPECT(&r, A0_, A1B1, A1B2, A2_, A3B4);
            break;
        case WR_JOIN_RIGHT:
            JT_EXPECT(&r, A1B1, A1B2, _B3, A3B4);
            break;
        case WR_JOIN_FULL:
            JT_EXPECT(&r, A0_, A1B1, A1B2, A2_, _B3, A3B4);
            break;
        case WR_JOIN_SEMI:
            JT_EXPECT(&r, "+I[1, 1000, a1, 0, 10000]", "+I[1, 12000, a3, 10000, 20000]");
            break;
        case WR_JOIN_ANTI:
            JT_EXPECT(&r, "+I[null, 6000, a0, 0, 10000]", "+I[2, 2000, a2, 0, 10000]");
            break;
        }
        assert_int_equal(r.late, 1);
        jt_result_free(&r);
        jt_script_free(s);
    }
}

/* Residual l.v < r.v; FULL is left-major (unmatched rights after), RIGHT is right-major. */
static void test_residual(void **state)
{
    for (int t = 0; t < 3; t++) {
        wr_join_type type = t == 0 ? WR_JOIN_FULL : t == 1 ? WR_JOIN_RIGHT : WR_JOIN_SEMI;
        jt_script *s = script(0);
        jt_row(s, 0, "+I|1|1000|m|0|10000");
        jt_row(s, 0, "+I|1|2000|z|0|10000");
        jt_row(s, 1, "+I|1|3000|n|0|10000");
        jt_row(s, 1, "+I|1|4000|a|0|10000");
        jt_row(s, 1, "+I|1|5000|NULL|0|10000");
        wr_window_join_config *c = config(type);
        wr_schema *row = wr_join_row_schema(s->schema[0], s->schema[1]);
        wr_arena a;
        wr_arena_init(&a, 4096, NULL);
        wr_error err = {0};
        wr_expr *args[2] = {wr_expr_column(&a, 2, row->cols[2].type),
                            wr_expr_column(&a, 7, row->cols[7].type)};
        wr_expr *e = wr_expr_call(&a, "<", args, 2, &err);
        assert_non_null(e);
        assert_int_equal(wr_expr_compile(&e, 1, row, &c->join.residual, &err), 0);
        wr_arena_destroy(&a);
        wr_schema_free(row);
        jt_result r;
        run(s, c, NULL, &r);
        if (type == WR_JOIN_FULL)
            JT_EXPECT(&r, "+I[1, 1000, m, 0, 10000, 1, 3000, n, 0, 10000]",
                      "+I[1, 2000, z, 0, 10000, null, null, null, null, null]",
                      "+I[null, null, null, null, null, 1, 4000, a, 0, 10000]",
                      "+I[null, null, null, null, null, 1, 5000, null, 0, 10000]");
        else if (type == WR_JOIN_RIGHT)
            JT_EXPECT(&r, "+I[1, 1000, m, 0, 10000, 1, 3000, n, 0, 10000]",
                      "+I[null, null, null, null, null, 1, 4000, a, 0, 10000]",
                      "+I[null, null, null, null, null, 1, 5000, null, 0, 10000]");
        else
            JT_EXPECT(&r, "+I[1, 1000, m, 0, 10000]");
        jt_result_free(&r);
        jt_script_free(s);
    }
}

/* HOP(5 s, 10 s): a row belongs to two windows (the TVF repeats it); windows due at the same
 * watermark fire in end order; groups with several keys fire in key order. */
static void test_hop_order(void **state)
{
    jt_script *s = script(0);
    static const char *const l[] = {"+I|2|6000|x|0|10000", "+I|2|6000|x|5000|15000",
                                    "+I|1|7000|y|0|10000", "+I|1|7000|y|5000|15000"};
    static const char *const r[] = {"+I|1|8000|p|0|10000", "+I|1|8000|p|5000|15000",
                                    "+I|2|9000|q|0|10000", "+I|2|9000|q|5000|15000"};
    jt_batch(s, 0, l, 4);
    jt_batch(s, 1, r, 4);
    jt_opts o = {.record_wm = true};
    jt_result res;
    run(s, config(WR_JOIN_INNER), &o, &res);
    JT_EXPECT(&res, "WM 7000", "WM 9000", "+I[1, 7000, y, 0, 10000, 1, 8000, p, 0, 10000]",
              "+I[2, 6000, x, 0, 10000, 2, 9000, q, 0, 10000]",
              "+I[1, 7000, y, 5000, 15000, 1, 8000, p, 5000, 15000]",
              "+I[2, 6000, x, 5000, 15000, 2, 9000, q, 5000, 15000]", "WM MAX");
    jt_result_free(&res);
    jt_script_free(s);
}

/* Fired windows release their state: after the run (cancelled, no final MAX) only the open
 * window's rows are held, as much as a run with only those rows holds. */
static void test_purge(void **state)
{
    wr_join_stats full, base;
    memset(&full, 0, sizeof(full));
    memset(&base, 0, sizeof(base));
    for (int variant = 0; variant < 2; variant++) {
        jt_script *s = script(0);
        if (variant == 0) {
            static const char *const l[] = {"+I|1|1000|a|0|10000", "+I|2|2000|b|0|10000",
                                            "+I|3|3000|c|0|10000"};
            jt_batch(s, 0, l, 3);
            jt_row(s, 1, "+I|2|2500|d|0|10000");
        }
        jt_row(s, 0, "+I|7|55000|x|50000|60000");
        jt_row(s, 1, "+I|7|55000|y|50000|60000");
        wr_window_join_config *c = config(WR_JOIN_FULL);
        c->join.stats = variant == 0 ? &full : &base;
        jt_opts o = {.cancel = true};
        jt_result r;
        run(s, c, &o, &r);
        assert_int_equal(r.rc, 0);
        if (variant == 0)
            JT_EXPECT(&r, "+I[1, 1000, a, 0, 10000, null, null, null, null, null]",
                      "+I[2, 2000, b, 0, 10000, 2, 2500, d, 0, 10000]",
                      "+I[3, 3000, c, 0, 10000, null, null, null, null, null]");
        else
            assert_int_equal(r.n, 0);
        jt_result_free(&r);
        jt_script_free(s);
    }
    assert_int_equal(full.rows[0], 1);
    assert_int_equal(full.rows[1], 1);
    assert_int_equal(full.keys, 1);
    assert_true(full.state_bytes > 0);
    assert_int_equal(full.state_bytes, base.state_bytes);
    assert_int_equal(full.late_dropped, 0);
}

static void test_rejects(void **state)
{
    jt_script *s = script(0);
    jt_row(s, 0, "-U|1|1000|a|0|10000");
    jt_result r;
    run(s, config(WR_JOIN_INNER), NULL, &r);
    assert_int_equal(r.rc, WR_EUNSUPPORTED);
    jt_result_free(&r);
    jt_script_free(s);

    s = script(0);
    wr_window_join_config *c = config(WR_JOIN_INNER);
    c->left_end_col = 2;
    wr_error err = {0};
    assert_int_equal(wr_window_join_check(c, s->schema[0], s->schema[1], &err), WR_ETYPE);
    wr_window_join_config_free(c);
    jt_script_free(s);
}

/* ------------------------------------------------------------------------------------------
 * Randomized against a nested-loop oracle
 * ---------------------------------------------------------------------------------------- */
typedef struct wrow {
    int k;
    int64_t ts, ws, we;
    char v[4];
} wrow;

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33) % n;
}

static void fmt(const wrow *x, char *buf, size_t cap)
{
    char k[12];
    if (x->k < 0)
        snprintf(k, sizeof(k), "null");
    else
        snprintf(k, sizeof(k), "%d", x->k);
    snprintf(buf, cap, "%s, %" PRId64 ", %s, %" PRId64 ", %" PRId64, k, x->ts, x->v, x->ws, x->we);
}

static void push(char ***out, size_t *n, size_t *cap, const char *line)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        *out = realloc(*out, *cap * sizeof(char *));
    }
    (*out)[(*n)++] = strdup(line);
}

static bool same_group(const wrow *a, const wrow *b)
{
    return a->ws == b->ws && a->we == b->we && a->k >= 0 && a->k == b->k;
}

/* residual: l.v < r.v (strings) */
static char *oracle(wr_join_type t, bool residual, const wrow *L, size_t nl, const wrow *R,
                    size_t nr)
{
    char **out = NULL;
    size_t n = 0, cap = 0;
    char a[96], b[96], line[200];
    static const char pad[] = "null, null, null, null, null";
    bool *rm = calloc(nr + 1, 1);
    for (size_t i = 0; i < nl; i++) {
        fmt(&L[i], a, sizeof(a));
        bool m = false;
        for (size_t j = 0; j < nr; j++) {
            if (!same_group(&L[i], &R[j])) continue;
            if (residual && !(strcmp(L[i].v, R[j].v) < 0)) continue;
            m = rm[j] = true;
            if (t == WR_JOIN_SEMI || t == WR_JOIN_ANTI) continue;
            fmt(&R[j], b, sizeof(b));
            snprintf(line, sizeof(line), "%s, %s", a, b);
            push(&out, &n, &cap, line);
        }
        if (t == WR_JOIN_SEMI && m) push(&out, &n, &cap, a);
        if (t == WR_JOIN_ANTI && !m) push(&out, &n, &cap, a);
        if (!m && wr_join_left_outer(t)) {
            snprintf(line, sizeof(line), "%s, %s", a, pad);
            push(&out, &n, &cap, line);
        }
    }
    for (size_t j = 0; j < nr; j++)
        if (!rm[j] && wr_join_right_outer(t)) {
            fmt(&R[j], b, sizeof(b));
            snprintf(line, sizeof(line), "%s, %s", pad, b);
            push(&out, &n, &cap, line);
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
    wr_join_type type = (wr_join_type)rnd(6);
    bool residual = rnd(2);
    int64_t size = 1000 * (int64_t)(2 + rnd(4)), slide = rnd(2) ? size : size / 2;
    const int64_t delay = 1500;
    wrow rows[2][400];
    size_t nrow[2] = {0, 0};
    int64_t clock[2] = {0, 0};
    char text[800][64];
    int side_of[800];
    uint32_t batch_end[200];
    size_t ntext = 0, nb = 0;
    for (int step = 0; step < 50; step++) {
        int side = (int)rnd(2);
        uint32_t m = 1 + rnd(4);
        for (uint32_t q = 0; q < m; q++) {
            clock[side] += 100 * (int64_t)rnd(5);
            int64_t ts = clock[side] - 100 * (int64_t)rnd(10); /* < delay out of order */
            if (ts < 0) ts = 0;
            int k = rnd(12) == 0 ? -1 : (int)rnd(4);
            char v[4];
            snprintf(v, sizeof(v), "%c%d", 'a' + (int)rnd(3), (int)rnd(10));
            /* the windows of ts, as the TVF assigns them */
            for (int64_t ws = ts - ts % slide; ws > ts - size; ws -= slide) {
                if (ws < 0 && slide != size) break;
                wrow *x = &rows[side][nrow[side]++];
                x->k = k;
                x->ts = ts;
                x->ws = ws;
                x->we = ws + size;
                memcpy(x->v, v, sizeof(v));
                char ks[16];
                if (k < 0)
                    snprintf(ks, sizeof(ks), "NULL");
                else
                    snprintf(ks, sizeof(ks), "%d", k);
                snprintf(text[ntext], sizeof(text[ntext]),
                         "+I|%s|%" PRId64 "|%s|%" PRId64 "|%" PRId64, ks, ts, v, x->ws, x->we);
                side_of[ntext++] = side;
            }
        }
        batch_end[nb++] = (uint32_t)ntext;
    }
    char *want = oracle(type, residual, rows[0], nrow[0], rows[1], nrow[1]);
    if (getenv("JT_DEBUG"))
        print_message("%s size %" PRId64 " slide %" PRId64 ": %zu bytes\n", wr_join_type_name(type),
                      size, slide, strlen(want));
    for (int p = 0; p < 2; p++) {
        jt_script *s = script(delay);
        size_t start = 0;
        for (size_t b = 0; b < nb; b++) {
            const char *ptrs[16];
            uint32_t m = 0;
            for (size_t i = start; i < batch_end[b]; i++)
                ptrs[m++] = text[i];
            if (m) jt_batch(s, side_of[start], ptrs, m);
            start = batch_end[b];
        }
        wr_join_stats stats;
        memset(&stats, 0, sizeof(stats));
        wr_window_join_config *c = config(type);
        c->join.stats = &stats;
        if (residual) {
            wr_schema *row = wr_join_row_schema(s->schema[0], s->schema[1]);
            wr_arena a;
            wr_arena_init(&a, 4096, NULL);
            wr_error err = {0};
            wr_expr *args[2] = {wr_expr_column(&a, 2, row->cols[2].type),
                                wr_expr_column(&a, 7, row->cols[7].type)};
            wr_expr *e = wr_expr_call(&a, "<", args, 2, &err);
            assert_int_equal(wr_expr_compile(&e, 1, row, &c->join.residual, &err), 0);
            wr_arena_destroy(&a);
            wr_schema_free(row);
        }
        static const uint32_t keys[] = {0};
        jt_opts o = {.par = p ? 4 : 1, .lkeys = keys, .rkeys = keys, .nkeys = 1};
        jt_result r;
        run(s, c, &o, &r);
        if (r.rc) fail_msg("job failed: %s", r.err);
        char *got = jt_apply(&r);
        if (strcmp(got, want) != 0)
            fail_msg("seed %llu %s size %" PRId64 " slide %" PRId64 " residual %d par %u:\n"
                     "--- want\n%s--- got\n%s",
                     (unsigned long long)seed, wr_join_type_name(type), size, slide, residual,
                     o.par, want, got);
        assert_int_equal(r.late, 0);
        assert_int_equal(stats.rows[0] + stats.rows[1] + stats.keys + stats.state_bytes, 0);
        free(got);
        jt_result_free(&r);
        jt_script_free(s);
    }
    free(want);
}

static void test_random(void **state)
{
    for (uint64_t seed = 1; seed <= 48; seed++)
        random_round(seed * 15485863);
}

static void test_alloc_failures(void **state)
{
    char *want = NULL;
    for (int64_t k = 0; k < 300; k += (k < 150 ? 1 : 5)) {
        jt_script *s = standard();
        jt_opts o = {.fail_after = k};
        jt_result r;
        run(s, config(WR_JOIN_FULL), &o, &r);
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
 * reopened and restored after every batch and watermark (open windows with their groups and
 * rows in arrival order come back): the output must not change. */
static void test_checkpoint_roundtrip(void **state)
{
    jt_force_roundtrip = true;
    test_inner(state);
    test_outer_semi_anti(state);
    test_residual(state);
    test_hop_order(state);
    jt_force_roundtrip = false;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_inner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outer_semi_anti, setup, teardown),
        cmocka_unit_test_setup_teardown(test_residual, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hop_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_roundtrip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
