/* test_operators_wm_expr.c - watermark candidates from a compiled expression: values and
 * NULLs per row, type checking, and that a freed expression's per-thread scratch is never
 * reused by a new expression allocated at the same address. */
#include "testutil.h"

#include <string.h>

#include "operators/wm_expr.h"

static wr_schema *schema(void)
{
    wr_schema *s = wr_schema_new(1);
    wr_schema_set(s, 0, "ts", wr_type_timestamp(3));
    return s;
}

/* ts - delay over column 0. */
static wr_wm_expr *make(const wr_schema *s, wr_arena *a, int64_t delay_us)
{
    wr_error err = {0};
    wr_value v = {0};
    v.i = delay_us;
    wr_expr *args[2] = {wr_expr_column(a, 0, wr_type_timestamp(3)),
                        wr_expr_literal(a, wr_type_make(WR_TYPE_INTERVAL_DT), &v)};
    wr_expr *e = wr_expr_call(a, "-", args, 2, &err);
    assert_non_null(e);
    wr_expr_prog *p = NULL;
    assert_int_equal(wr_expr_compile(&e, 1, s, &p, &err), WR_OK);
    wr_wm_expr *w = wr_wm_expr_new(p, &err);
    assert_non_null(w);
    return w;
}

static void test_candidates(void **state)
{
    (void)state;
    int64_t live = wr_mem_live_allocs();
    wr_schema *s = schema();
    wr_arena a;
    wr_arena_init(&a, 1024, NULL);
    wr_batch *b = wr_batch_new(s, 8, NULL);
    for (uint32_t i = 0; i < 5; i++) {
        WR_VEC_I64(&b->cols[0])[i] = 1000000 * (int64_t)i;
        wr_vec_set_valid(&b->cols[0], i, i != 3);
    }
    b->len = 5;
    int64_t cand[8];
    uint64_t valid[1] = {0};
    wr_error err = {0};
    /* Two expressions in turn, freed and re-created: each must use its own delay. */
    for (int round = 0; round < 4; round++) {
        int64_t delay = round % 2 ? 250000 : 1000;
        wr_wm_expr *w = make(s, &a, delay);
        assert_int_equal(wr_wm_expr_eval(w, b, cand, valid, &err), WR_OK);
        for (uint32_t i = 0; i < 5; i++) {
            if (i == 3) {
                assert_false((valid[0] >> i) & 1);
                continue;
            }
            assert_true((valid[0] >> i) & 1);
            assert_int_equal(cand[i], 1000000 * (int64_t)i - delay);
        }
        wr_wm_expr_free(w);
    }
    wr_batch_release(b);
    wr_arena_destroy(&a);
    wr_schema_free(s);
    /* The thread's cache holds scratch for the last expression until the thread ends. */
    assert_true(wr_mem_live_allocs() >= live);
}

static void test_type_check(void **state)
{
    (void)state;
    wr_schema *s = wr_schema_new(1);
    wr_schema_set(s, 0, "n", wr_type_make(WR_TYPE_BIGINT));
    wr_arena a;
    wr_arena_init(&a, 1024, NULL);
    wr_error err = {0};
    wr_expr *e = wr_expr_column(&a, 0, wr_type_make(WR_TYPE_BIGINT));
    wr_expr_prog *p = NULL;
    assert_int_equal(wr_expr_compile(&e, 1, s, &p, &err), WR_OK);
    assert_null(wr_wm_expr_new(p, &err));
    assert_int_equal(err.code, WR_ETYPE);
    assert_non_null(strstr(err.msg, "TIMESTAMP(3)"));
    wr_arena_destroy(&a);
    wr_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_candidates),
        cmocka_unit_test(test_type_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
