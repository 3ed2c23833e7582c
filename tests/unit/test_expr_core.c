/* test_expr_core.c - the expression core: columns and literals, integer and floating point
 * arithmetic with Java semantics, comparisons across numeric widths, three-valued logic,
 * IS [NOT] NULL/TRUE/FALSE/DISTINCT, CASE/COALESCE/NULLIF/IF with lazy branches, constant
 * folding, filters, formatting, and scratch reuse without allocation. */
#include "test_expr_util.h"

#include <stdint.h>

static void test_int_arith_nulls(void **state)
{
    tx t;
    wr_type ty[2] = {T(WR_TYPE_INT), T(WR_TYPE_INT)};
    tx_init(&t, 2, ty, 4);
    set_i(&t, 0, 0, 7), set_i(&t, 1, 0, 2);
    set_i(&t, 0, 1, -7), set_i(&t, 1, 1, 2);
    set_null(&t, 0, 2), set_i(&t, 1, 2, 5);
    set_i(&t, 0, 3, 9), set_null(&t, 1, 3);
    wr_vec *v = eval_e(&t, CALL(&t, "+", col(&t, 0), col(&t, 1)));
    expect_i(v, 0, 9), expect_i(v, 1, -5), expect_null(v, 2), expect_null(v, 3);
    v = eval_e(&t, CALL(&t, "-", col(&t, 0), col(&t, 1)));
    expect_i(v, 0, 5), expect_i(v, 1, -9), expect_null(v, 2), expect_null(v, 3);
    v = eval_e(&t, CALL(&t, "*", col(&t, 0), col(&t, 1)));
    expect_i(v, 0, 14), expect_i(v, 1, -14);
    /* integer division truncates toward zero; % is Java's remainder */
    v = eval_e(&t, CALL(&t, "/", col(&t, 0), col(&t, 1)));
    expect_i(v, 0, 3), expect_i(v, 1, -3), expect_null(v, 2), expect_null(v, 3);
    v = eval_e(&t, CALL(&t, "%", col(&t, 0), col(&t, 1)));
    expect_i(v, 0, 1), expect_i(v, 1, -1), expect_null(v, 2), expect_null(v, 3);
    v = eval_e(&t, CALL(&t, "MOD", col(&t, 0), lit_i(&t, -4)));
    expect_i(v, 0, 3), expect_i(v, 1, -3), expect_null(v, 2);
    v = eval_e(&t, CALL(&t, "-", col(&t, 0)));
    expect_i(v, 0, -7), expect_i(v, 1, 7), expect_null(v, 2), expect_i(v, 3, -9);
    expect_type(CALL(&t, "+", col(&t, 0), col(&t, 1)), "INT");
    tx_free(&t);
}

static void test_overflow_wraps(void **state)
{
    tx t;
    wr_type ty[3] = {T(WR_TYPE_BIGINT), T(WR_TYPE_INT), T(WR_TYPE_TINYINT)};
    tx_init(&t, 3, ty, 2);
    set_i(&t, 0, 0, INT64_MAX), set_i(&t, 1, 0, INT32_MAX), set_i(&t, 2, 0, 127);
    set_i(&t, 0, 1, INT64_MIN), set_i(&t, 1, 1, INT32_MIN), set_i(&t, 2, 1, -128);
    wr_vec *v = eval_e(&t, CALL(&t, "+", col(&t, 0), lit_l(&t, 1)));
    expect_i(v, 0, INT64_MIN), expect_i(v, 1, INT64_MIN + 1);
    v = eval_e(&t, CALL(&t, "*", col(&t, 0), lit_l(&t, 2)));
    expect_i(v, 0, -2), expect_i(v, 1, 0);
    v = eval_e(&t, CALL(&t, "+", col(&t, 1), lit_i(&t, 1)));
    expect_i(v, 0, INT32_MIN), expect_i(v, 1, INT32_MIN + 1);
    /* MIN / -1 wraps like Java, MIN % -1 is 0 */
    v = eval_e(&t, CALL(&t, "/", col(&t, 0), lit_l(&t, -1)));
    expect_i(v, 1, INT64_MIN);
    v = eval_e(&t, CALL(&t, "%", col(&t, 0), lit_l(&t, -1)));
    expect_i(v, 1, 0);
    v = eval_e(&t, CALL(&t, "-", col(&t, 0)));
    expect_i(v, 1, INT64_MIN);
    /* TINYINT + TINYINT stays TINYINT and wraps */
    wr_expr *e = CALL(&t, "+", col(&t, 2), col(&t, 2));
    expect_type(e, "TINYINT");
    v = eval_e(&t, e);
    expect_i(v, 0, -2), expect_i(v, 1, 0);
    /* INT + BIGINT widens */
    e = CALL(&t, "+", col(&t, 1), col(&t, 0));
    expect_type(e, "BIGINT");
    v = eval_e(&t, e);
    expect_i(v, 0, (int64_t)((uint64_t)INT32_MAX + (uint64_t)INT64_MAX));
    tx_free(&t);
}

static void test_division_by_zero(void **state)
{
    tx t;
    wr_type ty[2] = {T(WR_TYPE_INT), T(WR_TYPE_INT)};
    tx_init(&t, 2, ty, 3);
    set_i(&t, 0, 0, 10), set_i(&t, 1, 0, 2);
    set_i(&t, 0, 1, 10), set_i(&t, 1, 1, 0);
    set_i(&t, 0, 2, 10), set_null(&t, 1, 2);
    eval_fails(&t, CALL(&t, "/", col(&t, 0), col(&t, 1)), WR_EDIVZERO, "division by zero");
    eval_fails(&t, CALL(&t, "%", col(&t, 0), col(&t, 1)), WR_EDIVZERO, "division by zero");
    /* CASE WHEN b <> 0 THEN a / b END never fails */
    wr_expr *cond = CALL(&t, "<>", col(&t, 1), lit_i(&t, 0));
    wr_expr *div = CALL(&t, "/", col(&t, 0), col(&t, 1));
    wr_expr *cs = wr_expr_case(&t.arena, &cond, &div, 1, NULL, &t.err);
    assert_non_null(cs);
    wr_vec *v = eval_e(&t, cs);
    expect_i(v, 0, 5), expect_null(v, 1), expect_null(v, 2);
    /* nor IF / COALESCE branches not reached */
    v = eval_e(&t, CALL(&t, "IF", CALL(&t, "=", col(&t, 1), lit_i(&t, 0)), lit_i(&t, -1),
                        CALL(&t, "/", col(&t, 0), col(&t, 1))));
    expect_i(v, 0, 5), expect_i(v, 1, -1), expect_null(v, 2);
    v = eval_e(&t,
               CALL(&t, "COALESCE", CALL(&t, "NULLIF", col(&t, 1), lit_i(&t, 0)), lit_i(&t, 99)));
    expect_i(v, 0, 2), expect_i(v, 1, 99), expect_i(v, 2, 99);
    /* AND / OR short-circuit: b <> 0 AND a / b > 1 */
    v = eval_e(&t, CALL(&t, "AND", CALL(&t, "<>", col(&t, 1), lit_i(&t, 0)),
                        CALL(&t, ">", CALL(&t, "/", col(&t, 0), col(&t, 1)), lit_i(&t, 1))));
    expect_b(v, 0, true), expect_b(v, 1, false), expect_null(v, 2);
    v = eval_e(&t, CALL(&t, "OR", CALL(&t, "=", col(&t, 1), lit_i(&t, 0)),
                        CALL(&t, ">", CALL(&t, "/", col(&t, 0), col(&t, 1)), lit_i(&t, 1))));
    expect_b(v, 0, true), expect_b(v, 1, true), expect_null(v, 2);
    /* a constant 1/0 in a branch never taken neither folds into an error nor runs */
    wr_expr *never = lit_b(&t, false);
    wr_expr *bad = CALL(&t, "/", lit_i(&t, 1), lit_i(&t, 0));
    wr_expr *cs2 = wr_expr_case(&t.arena, &never, &bad, 1, lit_i(&t, 3), &t.err);
    v = eval_e(&t, cs2);
    expect_i(v, 0, 3), expect_i(v, 1, 3), expect_i(v, 2, 3);
    /* ... but a reached one fails */
    eval_fails(&t, bad, WR_EDIVZERO, "division by zero");
    /* DOUBLE division by zero is IEEE */
    v = eval_e(&t, CALL(&t, "/", cast(&t, col(&t, 0), T(WR_TYPE_DOUBLE), false),
                        cast(&t, col(&t, 1), T(WR_TYPE_DOUBLE), false)));
    expect_d(v, 0, 5.0), expect_d(v, 1, INFINITY), expect_null(v, 2);
    v = eval_e(&t, CALL(&t, "/", lit_d(&t, 0.0), lit_d(&t, 0.0)));
    expect_d(v, 0, NAN);
    tx_free(&t);
}

static void test_double_arith(void **state)
{
    tx t;
    wr_type ty[2] = {T(WR_TYPE_DOUBLE), T(WR_TYPE_INT)};
    tx_init(&t, 2, ty, 2);
    set_d(&t, 0, 0, 1.5), set_i(&t, 1, 0, 2);
    set_d(&t, 0, 1, -7.5), set_i(&t, 1, 1, 2);
    wr_expr *e = CALL(&t, "*", col(&t, 0), col(&t, 1));
    expect_type(e, "DOUBLE");
    wr_vec *v = eval_e(&t, e);
    expect_d(v, 0, 3.0), expect_d(v, 1, -15.0);
    v = eval_e(&t, CALL(&t, "%", col(&t, 0), col(&t, 1)));
    expect_d(v, 0, 1.5), expect_d(v, 1, -1.5);
    v = eval_e(&t, CALL(&t, "/", col(&t, 1), col(&t, 0)));
    expect_d(v, 0, 2.0 / 1.5), expect_d(v, 1, 2.0 / -7.5);
    /* FLOAT + INT stays FLOAT; FLOAT + DECIMAL goes to DOUBLE */
    e = CALL(&t, "+", lit_typed(&t, T(WR_TYPE_FLOAT), (wr_value){.d = 1.5}), col(&t, 1));
    expect_type(e, "FLOAT");
    e = CALL(&t, "+", lit_typed(&t, T(WR_TYPE_FLOAT), (wr_value){.d = 1.5}),
             lit_dec(&t, "1.5", 3, 1));
    expect_type(e, "DOUBLE NOT NULL");
    tx_free(&t);
}

static void test_compare(void **state)
{
    tx t;
    wr_type ty[4] = {T(WR_TYPE_INT), T(WR_TYPE_BIGINT), T(WR_TYPE_DOUBLE), STR()};
    tx_init(&t, 4, ty, 3);
    set_i(&t, 0, 0, 1), set_i(&t, 1, 0, 1), set_d(&t, 2, 0, 1.0), set_s(&t, 3, 0, "abc");
    set_i(&t, 0, 1, 2), set_i(&t, 1, 1, 1), set_d(&t, 2, 1, 2.5), set_s(&t, 3, 1, "abd");
    set_null(&t, 0, 2), set_i(&t, 1, 2, 1), set_d(&t, 2, 2, 0.5), set_s(&t, 3, 2, "ab");
    wr_vec *v = eval_e(&t, CALL(&t, "=", col(&t, 0), col(&t, 1)));
    expect_b(v, 0, true), expect_b(v, 1, false), expect_null(v, 2);
    v = eval_e(&t, CALL(&t, "<", col(&t, 0), col(&t, 2)));
    expect_b(v, 0, false), expect_b(v, 1, true), expect_null(v, 2);
    v = eval_e(&t, CALL(&t, ">", col(&t, 2), col(&t, 0)));
    expect_b(v, 0, false), expect_b(v, 1, true), expect_null(v, 2);
    v = eval_e(&t, CALL(&t, ">=", col(&t, 0), col(&t, 1)));
    expect_b(v, 0, true), expect_b(v, 1, true), expect_null(v, 2);
    v = eval_e(&t, CALL(&t, "<=", col(&t, 0), col(&t, 1)));
    expect_b(v, 0, true), expect_b(v, 1, false);
    v = eval_e(&t, CALL(&t, "<>", col(&t, 0), col(&t, 1)));
    expect_b(v, 0, false), expect_b(v, 1, true);
    /* strings compare by bytes, shorter first on a common prefix */
    v = eval_e(&t, CALL(&t, "<", col(&t, 3), lit_s(&t, "abd")));
    expect_b(v, 0, true), expect_b(v, 1, false), expect_b(v, 2, true);
    v = eval_e(&t, CALL(&t, "=", col(&t, 3), lit_s(&t, "abc")));
    expect_b(v, 0, true), expect_b(v, 1, false), expect_b(v, 2, false);
    /* DECIMAL vs INT */
    v = eval_e(&t, CALL(&t, "<", lit_dec(&t, "1.50", 5, 2), col(&t, 0)));
    expect_b(v, 0, false), expect_b(v, 1, true), expect_null(v, 2);
    /* BETWEEN and IN */
    v = eval_e(&t, CALL(&t, "BETWEEN", col(&t, 2), lit_i(&t, 1), lit_i(&t, 2)));
    expect_b(v, 0, true), expect_b(v, 1, false), expect_b(v, 2, false);
    v = eval_e(&t, CALL(&t, "IN", col(&t, 0), lit_i(&t, 2), lit_i(&t, 5)));
    expect_b(v, 0, false), expect_b(v, 1, true), expect_null(v, 2);
    v = eval_e(&t, CALL(&t, "IN", col(&t, 1), lit_i(&t, 2), lit_null(&t, T(WR_TYPE_INT))));
    expect_null(v, 0); /* 1 IN (2, NULL) is UNKNOWN */
    v = eval_e(&t, CALL(&t, "NOT IN", col(&t, 0), lit_i(&t, 2)));
    expect_b(v, 0, true), expect_b(v, 1, false), expect_null(v, 2);
    /* string vs number and string vs DATE are errors */
    call_fails(&t, "=", (wr_expr *[]){col(&t, 3), col(&t, 0)}, 2, "cannot compare");
    call_fails(
        &t, "<",
        (wr_expr *[]){lit_s(&t, "2024-01-01"), lit_typed(&t, T(WR_TYPE_DATE), (wr_value){.i = 0})},
        2, "cannot compare");
    tx_free(&t);
}

static void test_three_valued_logic(void **state)
{
    tx t;
    wr_type ty[2] = {T(WR_TYPE_BOOLEAN), T(WR_TYPE_BOOLEAN)};
    tx_init(&t, 2, ty, 9);
    /* rows: all pairs of {TRUE, FALSE, NULL} */
    for (uint32_t r = 0; r < 9; r++) {
        uint32_t a = r / 3, b = r % 3;
        if (a == 2)
            set_null(&t, 0, r);
        else
            set_b(&t, 0, r, a == 0);
        if (b == 2)
            set_null(&t, 1, r);
        else
            set_b(&t, 1, r, b == 0);
    }
    /* expected: 1 TRUE, 0 FALSE, -1 NULL */
    static const int and_tab[9] = {1, 0, -1, 0, 0, 0, -1, 0, -1};
    static const int or_tab[9] = {1, 1, 1, 1, 0, -1, 1, -1, -1};
    wr_vec *va = eval_e(&t, CALL(&t, "AND", col(&t, 0), col(&t, 1)));
    wr_vec *vo = eval_e(&t, CALL(&t, "OR", col(&t, 0), col(&t, 1)));
    wr_vec *vn = eval_e(&t, CALL(&t, "NOT", col(&t, 0)));
    for (uint32_t r = 0; r < 9; r++) {
        if (and_tab[r] < 0)
            expect_null(va, r);
        else
            expect_b(va, r, and_tab[r]);
        if (or_tab[r] < 0)
            expect_null(vo, r);
        else
            expect_b(vo, r, or_tab[r]);
        uint32_t a = r / 3;
        if (a == 2)
            expect_null(vn, r);
        else
            expect_b(vn, r, a != 0);
    }
    /* IS TRUE / IS NOT TRUE / IS FALSE / IS NOT FALSE / IS UNKNOWN never return NULL */
    wr_vec *it = eval_e(&t, CALL(&t, "IS TRUE", col(&t, 0)));
    wr_vec *int_ = eval_e(&t, CALL(&t, "IS NOT TRUE", col(&t, 0)));
    wr_vec *iff = eval_e(&t, CALL(&t, "IS FALSE", col(&t, 0)));
    wr_vec *inf = eval_e(&t, CALL(&t, "IS NOT FALSE", col(&t, 0)));
    wr_vec *iu = eval_e(&t, CALL(&t, "IS UNKNOWN", col(&t, 0)));
    for (uint32_t r = 0; r < 9; r++) {
        uint32_t a = r / 3; /* 0 TRUE, 1 FALSE, 2 NULL */
        expect_b(it, r, a == 0);
        expect_b(int_, r, a != 0);
        expect_b(iff, r, a == 1);
        expect_b(inf, r, a != 1);
        expect_b(iu, r, a == 2);
    }
    /* variadic AND */
    wr_vec *v3 = eval_e(&t, CALL(&t, "AND", col(&t, 0), col(&t, 1), lit_b(&t, true)));
    for (uint32_t r = 0; r < 9; r++) {
        if (and_tab[r] < 0)
            expect_null(v3, r);
        else
            expect_b(v3, r, and_tab[r]);
    }
    tx_free(&t);
}

static void test_null_predicates(void **state)
{
    tx t;
    wr_type ty[2] = {T(WR_TYPE_INT), STR()};
    tx_init(&t, 2, ty, 4);
    set_i(&t, 0, 0, 1), set_s(&t, 1, 0, "x");
    set_null(&t, 0, 1), set_null(&t, 1, 1);
    set_i(&t, 0, 2, 2), set_s(&t, 1, 2, "y");
    set_null(&t, 0, 3), set_s(&t, 1, 3, "x");
    wr_vec *v = eval_e(&t, CALL(&t, "IS NULL", col(&t, 0)));
    expect_b(v, 0, false), expect_b(v, 1, true), expect_b(v, 2, false), expect_b(v, 3, true);
    v = eval_e(&t, CALL(&t, "IS NOT NULL", col(&t, 1)));
    expect_b(v, 0, true), expect_b(v, 1, false), expect_b(v, 2, true), expect_b(v, 3, true);
    /* IS DISTINCT FROM: NULL-safe */
    v = eval_e(&t, CALL(&t, "IS DISTINCT FROM", col(&t, 0), lit_i(&t, 1)));
    expect_b(v, 0, false), expect_b(v, 1, true), expect_b(v, 2, true), expect_b(v, 3, true);
    v = eval_e(&t, CALL(&t, "IS NOT DISTINCT FROM", col(&t, 0), lit_null(&t, T(WR_TYPE_INT))));
    expect_b(v, 0, false), expect_b(v, 1, true), expect_b(v, 2, false), expect_b(v, 3, true);
    v = eval_e(&t, CALL(&t, "IS NOT DISTINCT FROM", col(&t, 1), lit_s(&t, "x")));
    expect_b(v, 0, true), expect_b(v, 1, false), expect_b(v, 2, false), expect_b(v, 3, true);
    /* NULL literal of NULL type in arithmetic takes the other type */
    v = eval_e(&t, CALL(&t, "+", col(&t, 0), lit_null(&t, T(WR_TYPE_NULL))));
    for (uint32_t r = 0; r < 4; r++)
        expect_null(v, r);
    tx_free(&t);
}

static void test_case_coalesce(void **state)
{
    tx t;
    wr_type ty[2] = {T(WR_TYPE_INT), STR()};
    tx_init(&t, 2, ty, 4);
    set_i(&t, 0, 0, 1), set_s(&t, 1, 0, "one");
    set_i(&t, 0, 1, 2), set_null(&t, 1, 1);
    set_null(&t, 0, 2), set_s(&t, 1, 2, "three");
    set_i(&t, 0, 3, 7), set_s(&t, 1, 3, "seven");
    wr_expr *conds[2] = {CALL(&t, "=", col(&t, 0), lit_i(&t, 1)),
                         CALL(&t, "=", col(&t, 0), lit_i(&t, 2))};
    wr_expr *vals[2] = {lit_s(&t, "a"), col(&t, 1)};
    wr_expr *e = wr_expr_case(&t.arena, conds, vals, 2, lit_s(&t, "other"), &t.err);
    assert_non_null(e);
    expect_type(e, "STRING");
    wr_vec *v = eval_e(&t, e);
    expect_s(v, 0, "a"), expect_null(v, 1), expect_s(v, 2, "other"), expect_s(v, 3, "other");
    e = wr_expr_case(&t.arena, conds, vals, 2, NULL, &t.err);
    v = eval_e(&t, e);
    expect_s(v, 0, "a"), expect_null(v, 1), expect_null(v, 2), expect_null(v, 3);
    /* numeric branches widen: INT and DOUBLE give DOUBLE */
    wr_expr *c1 = CALL(&t, "IS NULL", col(&t, 0));
    wr_expr *d1 = lit_d(&t, 0.5);
    e = wr_expr_case(&t.arena, &c1, &d1, 1, col(&t, 0), &t.err);
    expect_type(e, "DOUBLE");
    v = eval_e(&t, e);
    expect_d(v, 0, 1.0), expect_d(v, 1, 2.0), expect_d(v, 2, 0.5), expect_d(v, 3, 7.0);
    /* COALESCE / IFNULL / NULLIF / IF */
    e = CALL(&t, "COALESCE", col(&t, 1), lit_s(&t, "dflt"));
    expect_type(e, "STRING NOT NULL");
    v = eval_e(&t, e);
    expect_s(v, 0, "one"), expect_s(v, 1, "dflt"), expect_s(v, 2, "three");
    v = eval_e(&t, CALL(&t, "IFNULL", col(&t, 0), lit_i(&t, -1)));
    expect_i(v, 0, 1), expect_i(v, 1, 2), expect_i(v, 2, -1), expect_i(v, 3, 7);
    v = eval_e(&t, CALL(&t, "NULLIF", col(&t, 0), lit_i(&t, 2)));
    expect_i(v, 0, 1), expect_null(v, 1), expect_null(v, 2), expect_i(v, 3, 7);
    v = eval_e(&t, CALL(&t, "IF", CALL(&t, ">", col(&t, 0), lit_i(&t, 1)), lit_s(&t, "big"),
                        lit_s(&t, "small")));
    expect_s(v, 0, "small"), expect_s(v, 1, "big"), expect_s(v, 2, "small"), expect_s(v, 3, "big");
    /* GREATEST / LEAST: NULL if any argument is NULL */
    v = eval_e(&t, CALL(&t, "GREATEST", col(&t, 0), lit_i(&t, 2), lit_l(&t, -5)));
    expect_i(v, 0, 2), expect_i(v, 1, 2), expect_null(v, 2), expect_i(v, 3, 7);
    v = eval_e(&t, CALL(&t, "LEAST", col(&t, 1), lit_s(&t, "p")));
    expect_s(v, 0, "one"), expect_null(v, 1), expect_s(v, 2, "p"), expect_s(v, 3, "p");
    tx_free(&t);
}

static void test_constants_and_format(void **state)
{
    tx t;
    wr_type ty[1] = {T(WR_TYPE_INT)};
    tx_init(&t, 1, ty, 2);
    set_i(&t, 0, 0, 10), set_i(&t, 0, 1, 20);
    wr_expr *k = CALL(&t, "*", CALL(&t, "+", lit_i(&t, 1), lit_i(&t, 2)), lit_i(&t, 4));
    assert_true(wr_expr_is_constant(k));
    wr_value val;
    assert_int_equal(wr_expr_eval_constant(k, &t.arena, &val, &t.err), 0);
    assert_false(val.is_null);
    assert_int_equal(val.i, 12);
    wr_expr *s = CALL(&t, "UPPER", CALL(&t, "||", lit_s(&t, "ab"), lit_s(&t, "c")));
    assert_int_equal(wr_expr_eval_constant(s, &t.arena, &val, &t.err), 0);
    assert_int_equal(val.s.len, 3);
    assert_memory_equal(val.s.ptr, "ABC", 3);
    wr_expr *e = CALL(&t, "+", col(&t, 0), k);
    assert_false(wr_expr_is_constant(e));
    wr_vec *v = eval_e(&t, e);
    expect_i(v, 0, 22), expect_i(v, 1, 32);
    assert_false(wr_expr_is_constant(CALL0(&t, "RAND")));
    assert_false(wr_expr_is_constant(CALL0(&t, "NOW")));

    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_expr_format(CALL(&t, "+", col(&t, 0), lit_i(&t, 1)), NULL, &b), 0);
    assert_string_equal(b.ptr, "($0 + 1)");
    wr_buf_clear(&b);
    assert_int_equal(wr_expr_format(CALL(&t, "IS NULL", col(&t, 0)), t.schema, &b), 0);
    assert_string_equal(b.ptr, "(c0 IS NULL)");
    wr_buf_clear(&b);
    wr_expr *c = cast(&t, CALL(&t, "UPPER", lit_s(&t, "it's")), STR(), false);
    assert_int_equal(wr_expr_format(c, NULL, &b), 0);
    assert_string_equal(b.ptr, "CAST(UPPER('it''s') AS STRING)");
    wr_buf_free(&b);
    tx_free(&t);
}

static void test_unknown_function(void **state)
{
    tx t;
    wr_type ty[1] = {STR()};
    tx_init(&t, 1, ty, 1);
    wr_expr *a = col(&t, 0);
    call_fails(&t, "UPPPER", &a, 1, "unknown function 'UPPPER' (did you mean 'UPPER'?)");
    call_fails(&t, "FROBNICATE", &a, 1, "unknown function 'FROBNICATE'");
    call_fails(&t, "UPPER", NULL, 0, "expects 1 argument");
    wr_expr *i = lit_i(&t, 3);
    call_fails(&t, "UPPER", &i, 1, "cannot apply 'UPPER' to arguments of type (INT NOT NULL)");
    call_fails(&t, "+", (wr_expr *[]){a, i}, 2, "cannot apply '+'");
    /* function names are case-insensitive */
    assert_non_null(CALL(&t, "upper", a));
    tx_free(&t);
}

static void test_filter(void **state)
{
    tx t;
    wr_type ty[1] = {T(WR_TYPE_INT)};
    tx_init(&t, 1, ty, 5);
    for (uint32_t r = 0; r < 5; r++)
        set_i(&t, 0, r, r);
    set_null(&t, 0, 2);
    wr_expr *e = CALL(&t, ">", col(&t, 0), lit_i(&t, 1));
    wr_expr_prog *p;
    assert_int_equal(wr_expr_compile(&e, 1, t.schema, &p, &t.err), 0);
    wr_expr_scratch *s = wr_expr_scratch_new(p, NULL);
    uint8_t sel[5];
    uint32_t nsel = 99;
    assert_int_equal(wr_expr_eval_filter(p, s, t.in, sel, &nsel, &t.err), 0);
    assert_int_equal(nsel, 2);
    uint8_t want[5] = {0, 0, 0, 1, 1};
    assert_memory_equal(sel, want, 5);
    assert_int_equal(wr_expr_prog_outputs(p), 1);
    assert_int_equal(wr_expr_prog_output_type(p, 0).id, WR_TYPE_BOOLEAN);
    wr_expr_scratch_free(s);
    wr_expr_prog_free(p);
    tx_free(&t);
}

/* Several outputs into one batch, strings viewing the input, and scratch reuse. */
static void test_multi_output_and_reuse(void **state)
{
    tx t;
    wr_type ty[2] = {T(WR_TYPE_BIGINT), STR()};
    tx_init(&t, 2, ty, 1024);
    for (uint32_t r = 0; r < 1024; r++) {
        if (r % 7 == 0)
            set_null(&t, 0, r);
        else
            set_i(&t, 0, r, r);
        set_s(&t, 1, r, r % 2 ? "odd" : "even");
    }
    wr_expr *es[4] = {
        CALL(&t, "*", col(&t, 0), lit_l(&t, 3)),
        CALL(&t, "SUBSTRING", col(&t, 1), lit_i(&t, 2)),
        CALL(&t, "COALESCE",
             CALL(&t, "IF", CALL(&t, ">", col(&t, 0), lit_l(&t, 500)), col(&t, 1),
                  lit_null(&t, STR())),
             lit_s(&t, "small")),
        col(&t, 0),
    };
    wr_expr_prog *p;
    assert_int_equal(wr_expr_compile(es, 4, t.schema, &p, &t.err), 0);
    wr_schema *os = wr_schema_new(5);
    wr_schema_set(os, 0, "pad", T(WR_TYPE_INT));
    for (uint32_t i = 0; i < 4; i++)
        wr_schema_set(os, i + 1, "o", wr_expr_prog_output_type(p, i));
    wr_expr_scratch *s = wr_expr_scratch_new(p, NULL);
    wr_batch *out = wr_batch_new(os, 1024, NULL);
    assert_int_equal(wr_expr_eval(p, s, t.in, out, 1, &t.err), 0);
    int64_t allocs = wr_mem_live_allocs();
    wr_batch_clear(out);
    assert_int_equal(wr_expr_eval(p, s, t.in, out, 1, &t.err), 0);
    assert_int_equal(wr_mem_live_allocs(), allocs);
    for (uint32_t r = 0; r < 1024; r++) {
        if (r % 7 == 0) {
            expect_null(&out->cols[1], r);
            expect_null(&out->cols[4], r);
            expect_s(&out->cols[3], r, "small");
        } else {
            expect_i(&out->cols[1], r, 3 * (int64_t)r);
            expect_i(&out->cols[4], r, r);
            expect_s(&out->cols[3], r, r > 500 ? (r % 2 ? "odd" : "even") : "small");
        }
        expect_s(&out->cols[2], r, r % 2 ? "dd" : "ven");
    }
    /* the output keeps the input alive for its views */
    assert_true(out->ndeps >= 1);
    /* constant strings are copied into the output batch, not left pointing at the program */
    wr_expr_scratch_free(s);
    wr_expr_prog_free(p);
    expect_s(&out->cols[3], 0, "small");
    wr_batch_release(out);
    wr_schema_free(os);
    tx_free(&t);
}

/* Every allocation of compile, scratch creation and evaluation may fail: each run either
 * succeeds with the right values or reports WR_ENOMEM, and nothing leaks. */
static void test_allocation_failures(void **state)
{
    tx t;
    wr_type ty[2] = {T(WR_TYPE_INT), STR()};
    tx_init(&t, 2, ty, 3);
    set_i(&t, 0, 0, 4), set_s(&t, 1, 0, "abbc");
    set_i(&t, 0, 1, 0), set_s(&t, 1, 1, "xyz");
    set_null(&t, 0, 2), set_s(&t, 1, 2, "bb");
    wr_expr *c0 = CALL(&t, ">", col(&t, 0), lit_i(&t, 1));
    wr_expr *v0 = CALL(&t, "/", lit_i(&t, 100), col(&t, 0));
    wr_expr *es[8] = {
        wr_expr_case(&t.arena, &c0, &v0, 1, lit_i(&t, -1), &t.err),
        CALL(&t, "||", CALL(&t, "UPPER", col(&t, 1)), lit_s(&t, "!")),
        CALL(&t, "REGEXP_EXTRACT", col(&t, 1), lit_s(&t, "(b+)"), lit_i(&t, 1)),
        cast(&t, col(&t, 0), STR(), false),
        CALL(&t, "LIKE", col(&t, 1), lit_s(&t, "%b_%")),
        CALL(&t, "LIKE", col(&t, 1), col(&t, 1)),
        CALL(&t, "REGEXP", col(&t, 1), col(&t, 1)),
        CALL(&t, "DATE_FORMAT", lit_typed(&t, wr_type_timestamp(3), (wr_value){.i = 0}),
             col(&t, 1)),
    };
    wr_schema *os = wr_schema_new(8);
    for (uint32_t i = 0; i < 8; i++)
        wr_schema_set(os, i, "o", wr_expr_type(es[i]));
    int64_t base = wr_mem_live_allocs();
    bool done = false;
    for (int64_t k = 1; k < 4000 && !done; k++) {
        wr_batch *out = wr_batch_new(os, 3, NULL);
        assert_non_null(out);
        int64_t injected = wr_mem_failures_injected();
        wr_mem_fail_after(k);
        wr_expr_prog *p = NULL;
        wr_expr_scratch *s = NULL;
        wr_error err;
        int rc = wr_expr_compile(es, 8, t.schema, &p, &err);
        if (rc == 0) {
            s = wr_expr_scratch_new(p, NULL);
            rc = s ? wr_expr_eval(p, s, t.in, out, 0, &err) : WR_ENOMEM;
        }
        wr_mem_fail_off();
        if (rc != 0 && rc != WR_ENOMEM) fail_msg("k=%lld: rc %d: %s", (long long)k, rc, err.msg);
        if (rc == 0) {
            expect_i(&out->cols[0], 0, 25), expect_i(&out->cols[0], 1, -1);
            expect_i(&out->cols[0], 2, -1);
            expect_s(&out->cols[1], 1, "XYZ!"), expect_s(&out->cols[2], 0, "bb");
            expect_null(&out->cols[2], 1), expect_s(&out->cols[3], 0, "4");
            expect_b(&out->cols[4], 0, true), expect_b(&out->cols[4], 1, false);
            expect_b(&out->cols[5], 1, true), expect_b(&out->cols[6], 2, true);
            expect_s(&out->cols[7], 0, "AMbbc"), expect_s(&out->cols[7], 2, "bb");
            if (wr_mem_failures_injected() == injected) done = true;
        }
        wr_expr_scratch_free(s);
        wr_expr_prog_free(p);
        wr_batch_release(out);
        if (wr_mem_live_allocs() != base)
            fail_msg("k=%lld: %lld allocations leaked (rc %d)", (long long)k,
                     (long long)(wr_mem_live_allocs() - base), rc);
    }
    assert_true(done);
    wr_schema_free(os);
    tx_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int_arith_nulls),
        cmocka_unit_test(test_overflow_wraps),
        cmocka_unit_test(test_division_by_zero),
        cmocka_unit_test(test_double_arith),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_three_valued_logic),
        cmocka_unit_test(test_null_predicates),
        cmocka_unit_test(test_case_coalesce),
        cmocka_unit_test(test_constants_and_format),
        cmocka_unit_test(test_unknown_function),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_multi_output_and_reuse),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
