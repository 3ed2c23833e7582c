/* test_expr_util.h - helpers shared by the expression tests: a small fixture holding an
 * arena for trees, an input batch built by hand, and one-call evaluation of an expression
 * into a fresh output batch, plus exact checks of output values and validity. */
#ifndef WR_TEST_EXPR_UTIL_H
#define WR_TEST_EXPR_UTIL_H

#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "expr/expr.h"

typedef struct tx {
    wr_arena arena;
    wr_schema *schema;
    wr_batch *in;
    wr_error err;
    wr_schema *out_schemas[64];
    wr_batch *outs[64];
    int nout;
} tx;

static inline wr_type T(wr_type_id id)
{
    return wr_type_make(id);
}
static inline wr_type STR(void)
{
    return wr_type_varchar(WR_MAX_LENGTH);
}

/* A fixture with `ncols` input columns of the given types and `rows` rows (all NULL). */
static inline void tx_init(tx *t, uint32_t ncols, const wr_type *types, uint32_t rows)
{
    memset(t, 0, sizeof(*t));
    wr_arena_init(&t->arena, 0, NULL);
    t->schema = wr_schema_new(ncols);
    for (uint32_t i = 0; i < ncols; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%u", i);
        assert_int_equal(wr_schema_set(t->schema, i, name, types[i]), 0);
    }
    t->in = wr_batch_new(t->schema, rows ? rows : 1, NULL);
    assert_non_null(t->in);
    t->in->len = rows;
}

static inline void tx_free(tx *t)
{
    for (int i = 0; i < t->nout; i++) {
        wr_batch_release(t->outs[i]);
        wr_schema_free(t->out_schemas[i]);
    }
    wr_batch_release(t->in);
    wr_schema_free(t->schema);
    wr_arena_destroy(&t->arena);
}

static inline void set_val(tx *t, uint32_t col, uint32_t row, wr_value v)
{
    assert_int_equal(wr_batch_set(t->in, col, row, &v), 0);
}
static inline void set_null(tx *t, uint32_t col, uint32_t row)
{
    set_val(t, col, row, (wr_value){.is_null = true});
}
static inline void set_i(tx *t, uint32_t col, uint32_t row, int64_t v)
{
    set_val(t, col, row, (wr_value){.i = v});
}
static inline void set_d(tx *t, uint32_t col, uint32_t row, double v)
{
    set_val(t, col, row, (wr_value){.d = v});
}
static inline void set_b(tx *t, uint32_t col, uint32_t row, bool v)
{
    set_val(t, col, row, (wr_value){.b = v});
}
static inline void set_s(tx *t, uint32_t col, uint32_t row, const char *s)
{
    set_val(t, col, row, (wr_value){.s = wr_strv_make(s, (uint32_t)strlen(s))});
}
static inline void set_dec128(tx *t, uint32_t col, uint32_t row, wr_i128 v)
{
    set_val(t, col, row, (wr_value){.dec = v});
}

/* Expressions */
static inline wr_expr *col(tx *t, uint32_t i)
{
    return wr_expr_column(&t->arena, i, t->schema->cols[i].type);
}
static inline wr_expr *lit_typed(tx *t, wr_type ty, wr_value v)
{
    wr_expr *e = wr_expr_literal(&t->arena, ty, &v);
    assert_non_null(e);
    return e;
}
static inline wr_expr *lit_i(tx *t, int64_t v)
{
    return lit_typed(t, T(WR_TYPE_INT), (wr_value){.i = v});
}
static inline wr_expr *lit_l(tx *t, int64_t v)
{
    return lit_typed(t, T(WR_TYPE_BIGINT), (wr_value){.i = v});
}
static inline wr_expr *lit_d(tx *t, double v)
{
    return lit_typed(t, T(WR_TYPE_DOUBLE), (wr_value){.d = v});
}
static inline wr_expr *lit_b(tx *t, bool v)
{
    return lit_typed(t, T(WR_TYPE_BOOLEAN), (wr_value){.b = v});
}
static inline wr_expr *lit_s(tx *t, const char *s)
{
    return lit_typed(t, wr_type_varchar((int32_t)strlen(s)),
                     (wr_value){.s = wr_strv_make(s, (uint32_t)strlen(s))});
}
/* DECIMAL literal from text ("1.25"), precision p scale s */
static inline wr_expr *lit_dec(tx *t, const char *txt, int p, int s)
{
    wr_i128 v;
    assert_int_equal(wr_decimal_parse(txt, strlen(txt), p, s, &v), 0);
    wr_value val = {0};
    if (p > WR_DECIMAL64_MAX_PRECISION)
        val.dec = v;
    else
        val.i = (int64_t)v;
    return lit_typed(t, wr_type_decimal(p, s), val);
}
static inline wr_expr *lit_null(tx *t, wr_type ty)
{
    wr_expr *e = wr_expr_null(&t->arena, ty);
    assert_non_null(e);
    return e;
}

static inline wr_expr *call_v(tx *t, const char *fn, wr_expr **args, uint32_t n)
{
    wr_error_clear(&t->err);
    wr_expr *e = wr_expr_call(&t->arena, fn, args, n, &t->err);
    if (!e) fail_msg("%s: %s", fn, t->err.msg);
    return e;
}
#define CALL(t, fn, ...)                                                                           \
    call_v((t), (fn), (wr_expr *[]){__VA_ARGS__},                                                  \
           (uint32_t)(sizeof((wr_expr *[]){__VA_ARGS__}) / sizeof(wr_expr *)))
#define CALL0(t, fn) call_v((t), (fn), NULL, 0)

/* Expect a bind error containing `frag`. */
static inline void call_fails(tx *t, const char *fn, wr_expr **args, uint32_t n, const char *frag)
{
    wr_error_clear(&t->err);
    wr_expr *e = wr_expr_call(&t->arena, fn, args, n, &t->err);
    assert_null(e);
    if (!strstr(t->err.msg, frag)) fail_msg("error '%s' lacks '%s'", t->err.msg, frag);
}

static inline wr_expr *cast(tx *t, wr_expr *e, wr_type ty, bool try_cast)
{
    wr_error_clear(&t->err);
    wr_expr *c = wr_expr_cast(&t->arena, e, ty, try_cast, &t->err);
    if (!c) fail_msg("cast: %s", t->err.msg);
    return c;
}

/* Evaluate e over the fixture's input; returns the output vector (the batch is kept by the
 * fixture). Fails the test on error. */
static inline wr_vec *eval_e(tx *t, wr_expr *e)
{
    wr_expr_prog *p = NULL;
    wr_error_clear(&t->err);
    if (wr_expr_compile(&e, 1, t->schema, &p, &t->err) < 0) fail_msg("compile: %s", t->err.msg);
    wr_expr_scratch *s = wr_expr_scratch_new(p, NULL);
    assert_non_null(s);
    assert_true(t->nout < 64);
    wr_schema *os = wr_schema_new(1);
    assert_int_equal(wr_schema_set(os, 0, "out", wr_expr_type(e)), 0);
    wr_batch *out = wr_batch_new(os, t->in->cap, NULL);
    assert_non_null(out);
    t->out_schemas[t->nout] = os;
    t->outs[t->nout++] = out;
    if (wr_expr_eval(p, s, t->in, out, 0, &t->err) < 0) fail_msg("eval: %s", t->err.msg);
    assert_int_equal(out->len, t->in->len);
    wr_expr_scratch_free(s);
    wr_expr_prog_free(p);
    return &out->cols[0];
}

/* Evaluate e and expect a runtime error whose message contains frag. */
static inline void eval_fails(tx *t, wr_expr *e, int code, const char *frag)
{
    wr_expr_prog *p = NULL;
    wr_error_clear(&t->err);
    if (wr_expr_compile(&e, 1, t->schema, &p, &t->err) < 0) fail_msg("compile: %s", t->err.msg);
    wr_expr_scratch *s = wr_expr_scratch_new(p, NULL);
    wr_schema *os = wr_schema_new(1);
    assert_int_equal(wr_schema_set(os, 0, "out", wr_expr_type(e)), 0);
    wr_batch *out = wr_batch_new(os, t->in->cap, NULL);
    int rc = wr_expr_eval(p, s, t->in, out, 0, &t->err);
    if (rc >= 0) fail_msg("expected an error containing '%s'", frag);
    assert_int_equal(rc, code);
    if (!strstr(t->err.msg, frag)) fail_msg("error '%s' lacks '%s'", t->err.msg, frag);
    wr_batch_release(out);
    wr_schema_free(os);
    wr_expr_scratch_free(s);
    wr_expr_prog_free(p);
}

static inline void expect_null(const wr_vec *v, uint32_t row)
{
    if (wr_vec_valid(v, row)) fail_msg("row %u: expected NULL", row);
}
static inline void expect_i(const wr_vec *v, uint32_t row, int64_t x)
{
    wr_value val;
    wr_vec_get(v, row, &val);
    if (val.is_null) fail_msg("row %u: expected %lld, got NULL", row, (long long)x);
    if (val.i != x)
        fail_msg("row %u: expected %lld, got %lld", row, (long long)x, (long long)val.i);
}
static inline void expect_d(const wr_vec *v, uint32_t row, double x)
{
    wr_value val;
    wr_vec_get(v, row, &val);
    if (val.is_null) fail_msg("row %u: expected %g, got NULL", row, x);
    if (isnan(x) ? !isnan(val.d) : val.d != x)
        fail_msg("row %u: expected %.17g, got %.17g", row, x, val.d);
}
static inline void expect_b(const wr_vec *v, uint32_t row, bool x)
{
    wr_value val;
    wr_vec_get(v, row, &val);
    if (val.is_null) fail_msg("row %u: expected %s, got NULL", row, x ? "TRUE" : "FALSE");
    if (val.b != x) fail_msg("row %u: expected %s", row, x ? "TRUE" : "FALSE");
}
static inline void expect_s(const wr_vec *v, uint32_t row, const char *x)
{
    wr_value val;
    wr_vec_get(v, row, &val);
    if (val.is_null) fail_msg("row %u: expected '%s', got NULL", row, x);
    if (val.s.len != strlen(x) || memcmp(val.s.ptr, x, val.s.len) != 0)
        fail_msg("row %u: expected '%s', got '%.*s'", row, x, (int)val.s.len, val.s.ptr);
}
/* Any value rendered through the types module's CSV style (decimals, dates, timestamps). */
static inline void expect_text(const wr_vec *v, uint32_t row, const char *x)
{
    wr_buf b;
    wr_buf_init(&b);
    if (!wr_vec_valid(v, row)) fail_msg("row %u: expected '%s', got NULL", row, x);
    assert_int_equal(wr_vec_format(v, row, WR_STYLE_CSV, &b), 0);
    if (strcmp(b.ptr ? b.ptr : "", x) != 0)
        fail_msg("row %u: expected '%s', got '%s'", row, x, b.ptr ? b.ptr : "");
    wr_buf_free(&b);
}
static inline void expect_type(wr_expr *e, const char *name)
{
    wr_type ty = wr_expr_type(e);
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_type_format(&ty, &b), 0);
    if (strcmp(b.ptr, name) != 0) fail_msg("type: expected %s, got %s", name, b.ptr);
    wr_buf_free(&b);
}

#endif
