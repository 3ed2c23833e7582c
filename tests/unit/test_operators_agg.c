/* test_operators_agg.c - the aggregate library on hand-built batches: result types, Flink's
 * arithmetic (integer wrap-around, integer AVG, exact DECIMAL with HALF_UP), NULL handling,
 * FILTER columns, retraction (MIN/MAX multisets, COUNT DISTINCT maps, SUM/AVG back to
 * NULL), merging, the partial form, result equality, injected allocation failures and
 * leaks. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "operators/agg.h"

/* ------------------------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------------------------- */
typedef struct accbuf {
    _Alignas(WR_AGG_ACC_ALIGN) uint8_t b[8][512];
} accbuf;

static wr_schema *schema_of(uint32_t n, const wr_type *types)
{
    wr_schema *s = wr_schema_new(n);
    assert_non_null(s);
    for (uint32_t i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof(name), "c%u", i);
        assert_int_equal(wr_schema_set(s, i, name, types[i]), 0);
    }
    return s;
}

static void put_i64(wr_batch *b, uint32_t c, uint32_t r, int64_t v)
{
    wr_vec *vec = &b->cols[c];
    wr_vec_set_valid(vec, r, true);
    switch (vec->phys) {
    case WR_PHYS_U8:
        WR_VEC_U8(vec)[r] = (uint8_t)v;
        break;
    case WR_PHYS_I8:
        WR_VEC_I8(vec)[r] = (int8_t)v;
        break;
    case WR_PHYS_I16:
        WR_VEC_I16(vec)[r] = (int16_t)v;
        break;
    case WR_PHYS_I32:
        WR_VEC_I32(vec)[r] = (int32_t)v;
        break;
    case WR_PHYS_I64:
        WR_VEC_I64(vec)[r] = v;
        break;
    case WR_PHYS_I128:
        WR_VEC_I128(vec)[r] = v;
        break;
    default:
        fail_msg("put_i64 on phys %d", vec->phys);
    }
}

static void put_f64(wr_batch *b, uint32_t c, uint32_t r, double v)
{
    wr_vec *vec = &b->cols[c];
    wr_vec_set_valid(vec, r, true);
    if (vec->phys == WR_PHYS_F32)
        WR_VEC_F32(vec)[r] = (float)v;
    else
        WR_VEC_F64(vec)[r] = v;
}

static void put_str(wr_batch *b, uint32_t c, uint32_t r, const char *s)
{
    wr_vec *vec = &b->cols[c];
    wr_vec_set_valid(vec, r, true);
    assert_int_equal(wr_batch_copy_str(b, s, strlen(s), &WR_VEC_STR(vec)[r]), 0);
}

static void put_null(wr_batch *b, uint32_t c, uint32_t r)
{
    wr_vec_set_valid(&b->cols[c], r, false);
}

static int64_t get_i64(const wr_batch *b, uint32_t c, uint32_t r)
{
    const wr_vec *v = &b->cols[c];
    assert_true(wr_vec_valid(v, r));
    switch (v->phys) {
    case WR_PHYS_U8:
        return WR_VEC_U8(v)[r];
    case WR_PHYS_I8:
        return WR_VEC_I8(v)[r];
    case WR_PHYS_I16:
        return WR_VEC_I16(v)[r];
    case WR_PHYS_I32:
        return WR_VEC_I32(v)[r];
    case WR_PHYS_I64:
        return WR_VEC_I64(v)[r];
    default:
        fail_msg("get_i64 on phys %d", v->phys);
    }
    return 0;
}

static wr_i128 get_i128(const wr_batch *b, uint32_t c, uint32_t r)
{
    const wr_vec *v = &b->cols[c];
    assert_true(wr_vec_valid(v, r));
    assert_int_equal(v->phys, WR_PHYS_I128);
    return WR_VEC_I128(v)[r];
}

static bool is_null(const wr_batch *b, uint32_t c, uint32_t r)
{
    return !wr_vec_valid(&b->cols[c], r);
}

static void assert_str(const wr_batch *b, uint32_t c, uint32_t r, const char *want)
{
    const wr_vec *v = &b->cols[c];
    assert_true(wr_vec_valid(v, r));
    const wr_strv *s = &WR_VEC_STR(v)[r];
    assert_int_equal(s->len, strlen(want));
    assert_memory_equal(s->ptr, want, s->len);
}

static wr_agg_spec spec(wr_agg_kind kind, int32_t arg, wr_type t)
{
    return (wr_agg_spec){.kind = kind, .arg = arg, .filter = -1, .arg_type = t};
}

/* Output batch for a layout's results. */
static wr_batch *result_batch(const wr_agg_layout *l, wr_schema **s, uint32_t rows)
{
    wr_type t[16];
    for (uint32_t i = 0; i < l->naggs; i++)
        t[i] = l->slots[i].spec.result_type;
    *s = schema_of(l->naggs, t);
    wr_batch *b = wr_batch_new(*s, rows, NULL);
    assert_non_null(b);
    b->len = rows;
    return b;
}

/* Run all rows of `in` into one accumulator and return the results batch (1 row). */
static wr_batch *run_one(const wr_agg_layout *l, wr_batch *in, uint8_t *acc, wr_schema **s)
{
    uint8_t *accs[64];
    assert_true(in->len <= 64);
    for (uint32_t i = 0; i < in->len; i++)
        accs[i] = acc;
    wr_error err = {0};
    assert_int_equal(wr_agg_update(l, accs, in, false, NULL, &err), 0);
    wr_batch *out = result_batch(l, s, 1);
    assert_int_equal(wr_agg_result(l, acc, out, 0, 0, &err), 0);
    return out;
}

/* ------------------------------------------------------------------------------------------
 * Tests
 * ---------------------------------------------------------------------------------------- */
static void test_result_types(void **unused)
{
    wr_error err = {0};
    wr_type t;
    assert_int_equal(wr_agg_result_type(WR_AGG_COUNT, &(wr_type){.id = WR_TYPE_VARCHAR}, &t, &err),
                     0);
    assert_int_equal(t.id, WR_TYPE_BIGINT);
    assert_false(t.nullable);
    wr_type i8 = wr_type_make(WR_TYPE_TINYINT);
    assert_int_equal(wr_agg_result_type(WR_AGG_SUM, &i8, &t, &err), 0);
    assert_int_equal(t.id, WR_TYPE_TINYINT);
    assert_true(t.nullable);
    wr_type f = wr_type_make(WR_TYPE_FLOAT);
    assert_int_equal(wr_agg_result_type(WR_AGG_SUM, &f, &t, &err), 0);
    assert_int_equal(t.id, WR_TYPE_FLOAT);
    assert_int_equal(wr_agg_result_type(WR_AGG_AVG, &f, &t, &err), 0);
    assert_int_equal(t.id, WR_TYPE_FLOAT);
    wr_type d = wr_type_decimal(10, 2);
    assert_int_equal(wr_agg_result_type(WR_AGG_SUM, &d, &t, &err), 0);
    assert_int_equal(t.id, WR_TYPE_DECIMAL);
    assert_int_equal(t.precision, 38);
    assert_int_equal(t.scale, 2);
    assert_int_equal(wr_agg_result_type(WR_AGG_AVG, &d, &t, &err), 0);
    assert_int_equal(t.precision, 38);
    assert_int_equal(t.scale, 6);
    wr_type d8 = wr_type_decimal(20, 8);
    assert_int_equal(wr_agg_result_type(WR_AGG_AVG, &d8, &t, &err), 0);
    assert_int_equal(t.scale, 8);
    wr_type ts = wr_type_timestamp(3);
    ts.time_attr = WR_TIME_ATTR_ROWTIME;
    assert_int_equal(wr_agg_result_type(WR_AGG_MAX, &ts, &t, &err), 0);
    assert_int_equal(t.id, WR_TYPE_TIMESTAMP);
    assert_int_equal(t.time_attr, WR_TIME_ATTR_NONE);
    wr_type s = wr_type_varchar(WR_MAX_LENGTH);
    assert_int_equal(wr_agg_result_type(WR_AGG_SUM, &s, &t, &err), WR_ETYPE);
    assert_non_null(strstr(err.msg, "SUM"));
    assert_int_equal(wr_agg_result_type(WR_AGG_AVG, &s, &t, &err), WR_ETYPE);
}

/* COUNT(*), COUNT(x), SUM, AVG, MIN, MAX over INT with NULLs; empty inputs. */
static void test_basic_int(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_type it = wr_type_make(WR_TYPE_INT);
    wr_schema *in_s = schema_of(1, &it);
    wr_agg_spec sp[] = {
        spec(WR_AGG_COUNT_STAR, -1, it), spec(WR_AGG_COUNT, 0, it), spec(WR_AGG_SUM, 0, it),
        spec(WR_AGG_AVG, 0, it),         spec(WR_AGG_MIN, 0, it),   spec(WR_AGG_MAX, 0, it),
    };
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, 6, &err);
    assert_non_null(l);
    assert_true(l->partial_capable);
    assert_int_equal(l->acc_size % WR_AGG_ACC_ALIGN, 0);

    /* Empty: COUNT 0, the rest NULL. */
    accbuf ab;
    memset(&ab, 0xAB, sizeof(ab));
    wr_agg_init(l, ab.b[0]);
    wr_schema *os;
    wr_batch *out = result_batch(l, &os, 1);
    assert_int_equal(wr_agg_result(l, ab.b[0], out, 0, 0, &err), 0);
    assert_int_equal(get_i64(out, 0, 0), 0);
    assert_int_equal(get_i64(out, 1, 0), 0);
    for (int c = 2; c < 6; c++)
        assert_true(is_null(out, c, 0));
    wr_batch_release(out);
    wr_schema_free(os);

    /* 7, NULL, -2, 4 */
    wr_batch *in = wr_batch_new(in_s, 4, NULL);
    put_i64(in, 0, 0, 7);
    put_null(in, 0, 1);
    put_i64(in, 0, 2, -2);
    put_i64(in, 0, 3, 4);
    in->len = 4;
    out = run_one(l, in, ab.b[0], &os);
    assert_int_equal(get_i64(out, 0, 0), 4); /* COUNT(*) counts the NULL row */
    assert_int_equal(get_i64(out, 1, 0), 3);
    assert_int_equal(get_i64(out, 2, 0), 9);
    assert_int_equal(get_i64(out, 3, 0), 3); /* 9 / 3 */
    assert_int_equal(get_i64(out, 4, 0), -2);
    assert_int_equal(get_i64(out, 5, 0), 7);
    assert_true(wr_agg_result_equal(l, ab.b[0], out, 0, 0));
    wr_batch_release(out);
    wr_schema_free(os);
    wr_agg_destroy(l, ab.b[0]);

    /* AVG truncates toward zero like Java: (-7 + 0) / 2 = -3 */
    wr_agg_init(l, ab.b[1]);
    put_i64(in, 0, 0, -7);
    put_i64(in, 0, 1, 0);
    in->len = 2;
    out = run_one(l, in, ab.b[1], &os);
    assert_int_equal(get_i64(out, 3, 0), -3);
    wr_batch_release(out);
    wr_schema_free(os);

    wr_batch_release(in);
    wr_schema_free(in_s);
    wr_agg_layout_free(l);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* SUM(INT) and SUM(TINYINT) wrap around like Java; AVG(TINYINT) sums in BIGINT. */
static void test_wraparound(void **unused)
{
    wr_type t[] = {wr_type_make(WR_TYPE_INT), wr_type_make(WR_TYPE_TINYINT),
                   wr_type_make(WR_TYPE_BIGINT)};
    wr_schema *in_s = schema_of(3, t);
    wr_agg_spec sp[] = {spec(WR_AGG_SUM, 0, t[0]), spec(WR_AGG_SUM, 1, t[1]),
                        spec(WR_AGG_AVG, 1, t[1]), spec(WR_AGG_SUM, 2, t[2])};
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, 4, &err);
    assert_non_null(l);
    wr_batch *in = wr_batch_new(in_s, 2, NULL);
    put_i64(in, 0, 0, INT32_MAX);
    put_i64(in, 0, 1, 1);
    put_i64(in, 1, 0, 100);
    put_i64(in, 1, 1, 100);
    put_i64(in, 2, 0, INT64_MAX);
    put_i64(in, 2, 1, 2);
    in->len = 2;
    accbuf ab = {0};
    wr_schema *os;
    wr_batch *out = run_one(l, in, ab.b[0], &os);
    assert_int_equal(get_i64(out, 0, 0), INT32_MIN);
    assert_int_equal(get_i64(out, 1, 0), (int8_t)200); /* -56 */
    assert_int_equal(get_i64(out, 2, 0), 100);         /* 200 / 2 in BIGINT */
    assert_int_equal(get_i64(out, 3, 0), INT64_MIN + 1);
    /* Retracting restores the exact value after a wrap. */
    in->rowkind[0] = WR_RK_DELETE;
    in->len = 1;
    uint8_t *accs[1] = {ab.b[0]};
    assert_int_equal(wr_agg_update(l, accs, in, false, NULL, &err), 0);
    assert_int_equal(wr_agg_result(l, ab.b[0], out, 0, 0, &err), 0);
    assert_int_equal(get_i64(out, 0, 0), 1);
    assert_int_equal(get_i64(out, 1, 0), 100);
    assert_int_equal(get_i64(out, 3, 0), 2);
    wr_batch_release(out);
    wr_schema_free(os);
    wr_batch_release(in);
    wr_schema_free(in_s);
    wr_agg_layout_free(l);
}

static void test_decimal(void **unused)
{
    wr_type t[] = {wr_type_decimal(10, 2), wr_type_decimal(10, 6), wr_type_decimal(30, 2)};
    wr_schema *in_s = schema_of(3, t);
    wr_agg_spec sp[] = {spec(WR_AGG_SUM, 0, t[0]), spec(WR_AGG_AVG, 0, t[0]),
                        spec(WR_AGG_AVG, 1, t[1]), spec(WR_AGG_SUM, 2, t[2]),
                        spec(WR_AGG_MIN, 2, t[2]), spec(WR_AGG_AVG, 2, t[2])};
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, 6, &err);
    assert_non_null(l);
    assert_int_equal(l->slots[0].spec.result_type.precision, 38);
    wr_batch *in = wr_batch_new(in_s, 3, NULL);
    /* c0: 1.00, 2.00, 2.00 -> SUM 5.00, AVG 1.666667 (HALF_UP of 1.6666...) */
    put_i64(in, 0, 0, 100);
    put_i64(in, 0, 1, 200);
    put_i64(in, 0, 2, 200);
    /* c1: -0.000001, 0, NULL -> AVG -0.0000005 -> HALF_UP (away from zero) -0.000001 */
    put_i64(in, 1, 0, -1);
    put_i64(in, 1, 1, 0);
    put_null(in, 1, 2);
    /* c2: 10^27 (as DECIMAL(30,2) unscaled), 1.01, -3.00 */
    wr_i128 big = wr_pow10_i128(27);
    put_i64(in, 2, 0, 0);
    WR_VEC_I128(&in->cols[2])[0] = big;
    put_i64(in, 2, 1, 101);
    put_i64(in, 2, 2, -300);
    in->len = 3;
    accbuf ab = {0};
    wr_schema *os;
    wr_batch *out = run_one(l, in, ab.b[0], &os);
    assert_true(get_i128(out, 0, 0) == 500);
    assert_true(get_i128(out, 1, 0) == 1666667);
    assert_true(get_i128(out, 2, 0) == -1);
    assert_true(get_i128(out, 3, 0) == big + 101 - 300);
    assert_true(get_i128(out, 4, 0) == -300);
    /* AVG scale 6: (big - 199) / 3 * 10^4, exactly (10^27 - 199) * 10^4 / 3 rounded */
    wr_i128 num = (big - 199) * 10000;
    wr_i128 q = num / 3, r = num % 3;
    if (2 * r >= 3) q++;
    assert_true(get_i128(out, 5, 0) == q);
    wr_batch_release(out);
    wr_schema_free(os);

    /* A sum beyond 38 digits is NULL (Flink's decimal overflow). */
    wr_agg_layout *l2 = wr_agg_layout_new(&sp[3], 1, &err);
    assert_non_null(l2);
    accbuf ab2 = {0};
    WR_VEC_I128(&in->cols[2])[0] = wr_pow10_i128(38) - 1;
    WR_VEC_I128(&in->cols[2])[1] = 1;
    in->len = 2;
    out = run_one(l2, in, ab2.b[0], &os);
    assert_true(is_null(out, 0, 0));
    wr_batch_release(out);
    wr_schema_free(os);
    wr_agg_layout_free(l2);

    wr_batch_release(in);
    wr_schema_free(in_s);
    wr_agg_layout_free(l);
}

static void test_float(void **unused)
{
    wr_type t[] = {wr_type_make(WR_TYPE_FLOAT), wr_type_make(WR_TYPE_DOUBLE)};
    wr_schema *in_s = schema_of(2, t);
    wr_agg_spec sp[] = {spec(WR_AGG_SUM, 0, t[0]), spec(WR_AGG_AVG, 0, t[0]),
                        spec(WR_AGG_SUM, 1, t[1]), spec(WR_AGG_MIN, 1, t[1]),
                        spec(WR_AGG_MAX, 1, t[1]), spec(WR_AGG_MAX, 0, t[0])};
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, 6, &err);
    assert_non_null(l);
    wr_batch *in = wr_batch_new(in_s, 3, NULL);
    put_f64(in, 0, 0, 0.1);
    put_f64(in, 0, 1, 0.2);
    put_f64(in, 0, 2, -1.5);
    put_f64(in, 1, 0, 0.0);
    put_f64(in, 1, 1, -0.0);
    put_f64(in, 1, 2, NAN);
    in->len = 3;
    accbuf ab = {0};
    wr_schema *os;
    wr_batch *out = run_one(l, in, ab.b[0], &os);
    float fs = 0.0f;
    fs += 0.1f;
    fs += 0.2f;
    fs += -1.5f;
    assert_int_equal(out->cols[0].phys, WR_PHYS_F32);
    assert_true(WR_VEC_F32(&out->cols[0])[0] == fs); /* accumulated in FLOAT */
    double avg = ((double)0.1f + (double)0.2f + (double)-1.5f) / 3;
    assert_true(WR_VEC_F32(&out->cols[1])[0] == (float)avg); /* DOUBLE sum, FLOAT result */
    assert_true(isnan(WR_VEC_F64(&out->cols[2])[0]));
    /* Double.compare order: -0.0 < 0.0 < NaN */
    double mn = WR_VEC_F64(&out->cols[3])[0];
    assert_true(mn == 0.0 && signbit(mn));
    assert_true(isnan(WR_VEC_F64(&out->cols[4])[0]));
    assert_true(WR_VEC_F32(&out->cols[5])[0] == 0.2f);
    assert_true(wr_agg_result_equal(l, ab.b[0], out, 0, 0));
    wr_batch_release(out);
    wr_schema_free(os);
    wr_batch_release(in);
    wr_schema_free(in_s);
    wr_agg_layout_free(l);
}

/* FILTER: a row counts only when the BOOLEAN column is TRUE (not NULL, not FALSE). */
static void test_filter(void **unused)
{
    wr_type t[] = {wr_type_make(WR_TYPE_BIGINT), wr_type_make(WR_TYPE_BOOLEAN)};
    wr_schema *in_s = schema_of(2, t);
    wr_agg_spec sp[] = {spec(WR_AGG_COUNT_STAR, -1, t[0]), spec(WR_AGG_SUM, 0, t[0]),
                        spec(WR_AGG_COUNT_STAR, -1, t[0]), spec(WR_AGG_MAX, 0, t[0])};
    sp[0].filter = 1;
    sp[1].filter = 1;
    sp[3].filter = 1;
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, 4, &err);
    assert_non_null(l);
    wr_batch *in = wr_batch_new(in_s, 4, NULL);
    int64_t v[] = {10, 20, 30, 40};
    for (uint32_t i = 0; i < 4; i++)
        put_i64(in, 0, i, v[i]);
    put_i64(in, 1, 0, 1);
    put_i64(in, 1, 1, 0);
    put_null(in, 1, 2);
    put_i64(in, 1, 3, 1);
    in->len = 4;
    accbuf ab = {0};
    wr_schema *os;
    wr_batch *out = run_one(l, in, ab.b[0], &os);
    assert_int_equal(get_i64(out, 0, 0), 2);
    assert_int_equal(get_i64(out, 1, 0), 50);
    assert_int_equal(get_i64(out, 2, 0), 4);
    assert_int_equal(get_i64(out, 3, 0), 40);
    wr_batch_release(out);
    wr_schema_free(os);
    wr_batch_release(in);
    wr_schema_free(in_s);
    wr_agg_layout_free(l);
}

/* Retraction: SUM/AVG back to NULL, MIN/MAX multisets (retracting the current min),
 * COUNT DISTINCT, strings; and non-retractable MIN refuses a retraction. */
static void test_retract(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_mem_owner mem = WR_MEM_OWNER_INIT("test");
    wr_type t[] = {wr_type_make(WR_TYPE_INT), wr_type_varchar(WR_MAX_LENGTH)};
    wr_schema *in_s = schema_of(2, t);
    wr_agg_spec sp[] = {spec(WR_AGG_SUM, 0, t[0]),
                        spec(WR_AGG_AVG, 0, t[0]),
                        spec(WR_AGG_MIN, 0, t[0]),
                        spec(WR_AGG_MAX, 0, t[0]),
                        spec(WR_AGG_COUNT_DISTINCT, 0, t[0]),
                        spec(WR_AGG_MIN, 1, t[1]),
                        spec(WR_AGG_MAX, 1, t[1]),
                        spec(WR_AGG_COUNT_DISTINCT, 1, t[1]),
                        spec(WR_AGG_COUNT, 1, t[1])};
    for (int i = 0; i < 9; i++)
        sp[i].retract = true;
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, 9, &err);
    assert_non_null(l);
    assert_false(l->partial_capable);
    assert_true(l->owns_memory);
    wr_batch *in = wr_batch_new(in_s, 8, NULL);
    accbuf ab = {0};
    uint8_t *accs[8];
    for (int i = 0; i < 8; i++)
        accs[i] = ab.b[0];
    wr_schema *os;
    wr_batch *out = result_batch(l, &os, 1);

    /* +I 5 "m", +I 3 "b", +I 3 "b", +I 9 "z", +I 7 NULL */
    int32_t iv[] = {5, 3, 3, 9, 7};
    const char *sv[] = {"m", "b", "b", "z", NULL};
    for (uint32_t i = 0; i < 5; i++) {
        put_i64(in, 0, i, iv[i]);
        if (sv[i])
            put_str(in, 1, i, sv[i]);
        else
            put_null(in, 1, i);
        in->rowkind[i] = WR_RK_INSERT;
    }
    in->len = 5;
    assert_int_equal(wr_agg_update(l, accs, in, false, &mem, &err), 0);
    assert_true(mem.bytes > 0);
    assert_int_equal(wr_agg_result(l, ab.b[0], out, 0, 0, &err), 0);
    assert_int_equal(get_i64(out, 0, 0), 27);
    assert_int_equal(get_i64(out, 1, 0), 5);
    assert_int_equal(get_i64(out, 2, 0), 3);
    assert_int_equal(get_i64(out, 3, 0), 9);
    assert_int_equal(get_i64(out, 4, 0), 4);
    assert_str(out, 5, 0, "b");
    assert_str(out, 6, 0, "z");
    assert_int_equal(get_i64(out, 7, 0), 3);
    assert_int_equal(get_i64(out, 8, 0), 4);
    assert_true(wr_agg_result_equal(l, ab.b[0], out, 0, 0));
    assert_true(wr_agg_owned_bytes(l, ab.b[0]) > 0);

    /* -U 3 "b" (one of two copies: min stays 3/"b"), -D 9 "z" (max goes back to 7/"m") */
    put_i64(in, 0, 0, 3);
    put_str(in, 1, 0, "b");
    in->rowkind[0] = WR_RK_UPDATE_BEFORE;
    put_i64(in, 0, 1, 9);
    put_str(in, 1, 1, "z");
    in->rowkind[1] = WR_RK_DELETE;
    in->len = 2;
    assert_int_equal(wr_agg_update(l, accs, in, false, &mem, &err), 0);
    assert_false(wr_agg_result_equal(l, ab.b[0], out, 0, 0));
    assert_int_equal(wr_agg_result(l, ab.b[0], out, 0, 0, &err), 0);
    assert_int_equal(get_i64(out, 0, 0), 15);
    assert_int_equal(get_i64(out, 2, 0), 3);
    assert_int_equal(get_i64(out, 3, 0), 7);
    assert_int_equal(get_i64(out, 4, 0), 3);
    assert_str(out, 5, 0, "b");
    assert_str(out, 6, 0, "m");
    assert_int_equal(get_i64(out, 7, 0), 2);
    assert_int_equal(get_i64(out, 8, 0), 2);

    /* Retract the current min (3) -> 5; retract a never-seen value: ignored. */
    put_i64(in, 0, 0, 3);
    put_str(in, 1, 0, "b");
    in->rowkind[0] = WR_RK_DELETE;
    put_i64(in, 0, 1, 1000);
    put_str(in, 1, 1, "nope");
    in->rowkind[1] = WR_RK_DELETE;
    assert_int_equal(wr_agg_update(l, accs, in, false, &mem, &err), 0);
    assert_int_equal(wr_agg_result(l, ab.b[0], out, 0, 0, &err), 0);
    assert_int_equal(get_i64(out, 2, 0), 5);
    assert_int_equal(get_i64(out, 4, 0), 2);
    assert_str(out, 5, 0, "m");
    assert_int_equal(get_i64(out, 7, 0), 1);

    /* Retract everything left (5 "m", 7 NULL): SUM/AVG/MIN/MAX NULL, counts 0. */
    put_i64(in, 0, 0, 5);
    put_str(in, 1, 0, "m");
    in->rowkind[0] = WR_RK_DELETE;
    put_i64(in, 0, 1, 7);
    put_null(in, 1, 1);
    in->rowkind[1] = WR_RK_UPDATE_BEFORE;
    /* The 1000 retraction above changed SUM by -1000 with one fewer non-NULL value; undo. */
    put_i64(in, 0, 2, 1000);
    put_str(in, 1, 2, "nope");
    in->rowkind[2] = WR_RK_INSERT;
    in->len = 3;
    assert_int_equal(wr_agg_update(l, accs, in, false, &mem, &err), 0);
    assert_int_equal(wr_agg_result(l, ab.b[0], out, 0, 0, &err), 0);
    for (int c = 0; c < 4; c++)
        assert_true(is_null(out, c, 0) == (c != 2 && c != 3));
    /* MIN/MAX hold 1000 ("nope"), the only value left */
    assert_int_equal(get_i64(out, 2, 0), 1000);
    put_i64(in, 0, 0, 1000);
    put_str(in, 1, 0, "nope");
    in->rowkind[0] = WR_RK_DELETE;
    in->len = 1;
    assert_int_equal(wr_agg_update(l, accs, in, false, &mem, &err), 0);
    assert_int_equal(wr_agg_result(l, ab.b[0], out, 0, 0, &err), 0);
    for (int c = 0; c < 4; c++)
        assert_true(is_null(out, c, 0));
    assert_int_equal(get_i64(out, 4, 0), 0);
    assert_true(is_null(out, 5, 0));
    assert_true(is_null(out, 6, 0));
    assert_int_equal(get_i64(out, 7, 0), 0);
    /* COUNT counted the retraction of "nope" in step 3, which was never accumulated. */
    assert_int_equal(get_i64(out, 8, 0), -1);

    wr_agg_destroy(l, ab.b[0]);
    assert_int_equal(mem.bytes, 0);
    wr_batch_release(out);
    wr_schema_free(os);

    /* A non-retractable MIN refuses -D. */
    wr_agg_spec mn = spec(WR_AGG_MIN, 0, t[0]);
    wr_agg_layout *l2 = wr_agg_layout_new(&mn, 1, &err);
    assert_int_equal(wr_agg_update(l2, accs, in, false, &mem, &err), WR_EUNSUPPORTED);
    /* ... but accepts it when row kinds are ignored. */
    assert_int_equal(wr_agg_update(l2, accs, in, true, &mem, &err), 0);
    wr_agg_layout_free(l2);

    wr_batch_release(in);
    wr_schema_free(in_s);
    wr_agg_layout_free(l);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* Merging two accumulators gives the results of one accumulator over all rows, for every
 * kind; the partial form round-trips. */
static void test_merge_and_partial(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_type t[] = {wr_type_make(WR_TYPE_SMALLINT), wr_type_varchar(WR_MAX_LENGTH),
                   wr_type_decimal(12, 3), wr_type_make(WR_TYPE_DOUBLE)};
    wr_schema *in_s = schema_of(4, t);
    wr_agg_spec sp[] = {
        spec(WR_AGG_COUNT_STAR, -1, t[0]), spec(WR_AGG_COUNT, 1, t[1]), spec(WR_AGG_SUM, 0, t[0]),
        spec(WR_AGG_AVG, 0, t[0]),         spec(WR_AGG_MIN, 1, t[1]),   spec(WR_AGG_MAX, 1, t[1]),
        spec(WR_AGG_SUM, 2, t[2]),         spec(WR_AGG_AVG, 2, t[2]),   spec(WR_AGG_MAX, 3, t[3]),
        spec(WR_AGG_MIN, 2, t[2]),
    };
    const uint32_t na = 10;
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, na, &err);
    assert_non_null(l);
    assert_true(l->partial_capable);
    wr_batch *in = wr_batch_new(in_s, 40, NULL);
    uint32_t seed = 7;
    for (uint32_t i = 0; i < 40; i++) {
        seed = seed * 1103515245 + 12345;
        put_i64(in, 0, i, (int16_t)(seed >> 8));
        char s[8];
        snprintf(s, sizeof(s), "k%u", (seed >> 4) % 13);
        if (i % 7 == 3)
            put_null(in, 1, i);
        else
            put_str(in, 1, i, s);
        put_i64(in, 2, i, (int64_t)(seed % 100000) - 50000);
        put_f64(in, 3, i, (double)(seed % 1000) / 8.0);
    }
    in->len = 40;
    accbuf ab = {0};
    uint8_t *all[40], *split[40];
    for (uint32_t i = 0; i < 40; i++) {
        all[i] = ab.b[0];
        split[i] = ab.b[1 + (i % 3)];
    }
    assert_int_equal(wr_agg_update(l, all, in, false, NULL, &err), 0);
    assert_int_equal(wr_agg_update(l, split, in, false, NULL, &err), 0);
    /* acc4 = merge(1, 2, 3) */
    for (int k = 1; k <= 3; k++)
        assert_int_equal(wr_agg_merge(l, ab.b[4], ab.b[k], NULL, &err), 0);
    wr_schema *os;
    wr_batch *out = result_batch(l, &os, 3);
    assert_int_equal(wr_agg_result(l, ab.b[0], out, 0, 0, &err), 0);
    assert_true(wr_agg_result_equal(l, ab.b[4], out, 0, 0));

    /* Partial: write accs 1..3 as rows, merge them into acc 5. */
    wr_schema *ps = wr_schema_new(l->npartial);
    assert_int_equal(wr_agg_partial_schema_fill(l, ps, 0, &err), 0);
    assert_string_equal(ps->cols[0].name, "EXPR$0$count");
    assert_int_equal(ps->cols[l->slots[6].partial0].type.id, WR_TYPE_DECIMAL);
    assert_int_equal(ps->cols[l->slots[6].partial0].type.precision, 38);
    wr_batch *pb = wr_batch_new(ps, 3, NULL);
    const uint8_t *src[3] = {ab.b[1], ab.b[2], ab.b[3]};
    assert_int_equal(wr_agg_partial_write(l, src, 3, pb, 0, 0, &err), 0);
    pb->len = 3;
    uint8_t *dst[3] = {ab.b[5], ab.b[5], ab.b[5]};
    assert_int_equal(wr_agg_partial_merge(l, dst, pb, 0, NULL, &err), 0);
    assert_true(wr_agg_result_equal(l, ab.b[5], out, 0, 0));

    /* Results for several accumulators at once, NULL entries skipped. */
    const uint8_t *three[3] = {ab.b[1], NULL, ab.b[3]};
    assert_int_equal(wr_agg_results(l, three, 3, out, 0, 0, &err), 0);
    assert_true(wr_agg_result_equal(l, ab.b[1], out, 0, 0));
    assert_true(wr_agg_result_equal(l, ab.b[3], out, 0, 2));
    assert_false(wr_agg_result_equal(l, ab.b[1], out, 0, 2));

    for (int k = 0; k < 6; k++)
        wr_agg_destroy(l, ab.b[k]);
    wr_batch_release(pb);
    wr_schema_free(ps);
    wr_batch_release(out);
    wr_schema_free(os);
    wr_batch_release(in);
    wr_schema_free(in_s);
    wr_agg_layout_free(l);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* Merging retractable MIN/MAX and COUNT DISTINCT maps. */
static void test_merge_maps(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_type t[] = {wr_type_make(WR_TYPE_BIGINT), wr_type_varchar(WR_MAX_LENGTH)};
    wr_schema *in_s = schema_of(2, t);
    wr_agg_spec sp[] = {spec(WR_AGG_MIN, 0, t[0]), spec(WR_AGG_MAX, 1, t[1]),
                        spec(WR_AGG_COUNT_DISTINCT, 0, t[0]), spec(WR_AGG_COUNT_DISTINCT, 1, t[1])};
    sp[0].retract = sp[1].retract = true;
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, 4, &err);
    wr_batch *in = wr_batch_new(in_s, 6, NULL);
    int64_t iv[] = {4, 2, 8, 2, 6, 4};
    const char *sv[] = {"d", "b", "h", "b", "f", "zz"};
    for (uint32_t i = 0; i < 6; i++) {
        put_i64(in, 0, i, iv[i]);
        put_str(in, 1, i, sv[i]);
    }
    in->len = 6;
    accbuf ab = {0};
    uint8_t *accs[6];
    for (uint32_t i = 0; i < 6; i++)
        accs[i] = ab.b[i % 2];
    assert_int_equal(wr_agg_update(l, accs, in, false, NULL, &err), 0);
    assert_int_equal(wr_agg_merge(l, ab.b[0], ab.b[1], NULL, &err), 0);
    wr_schema *os;
    wr_batch *out = result_batch(l, &os, 1);
    assert_int_equal(wr_agg_result(l, ab.b[0], out, 0, 0, &err), 0);
    assert_int_equal(get_i64(out, 0, 0), 2);
    assert_str(out, 1, 0, "zz");
    assert_int_equal(get_i64(out, 2, 0), 4);
    assert_int_equal(get_i64(out, 3, 0), 5);
    /* Both copies of 2 are in the merged multiset: retracting one keeps MIN = 2. */
    in->rowkind[0] = WR_RK_DELETE;
    put_i64(in, 0, 0, 2);
    put_str(in, 1, 0, "zz");
    in->len = 1;
    accs[0] = ab.b[0];
    assert_int_equal(wr_agg_update(l, accs, in, false, NULL, &err), 0);
    assert_int_equal(wr_agg_result(l, ab.b[0], out, 0, 0, &err), 0);
    assert_int_equal(get_i64(out, 0, 0), 2);
    assert_str(out, 1, 0, "h");
    assert_int_equal(get_i64(out, 2, 0), 4);
    assert_int_equal(get_i64(out, 3, 0), 4);
    wr_agg_destroy(l, ab.b[0]);
    wr_agg_destroy(l, ab.b[1]);
    wr_batch_release(out);
    wr_schema_free(os);
    wr_batch_release(in);
    wr_schema_free(in_s);
    wr_agg_layout_free(l);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* Injected allocation failures return WR_ENOMEM (never crash) and leak nothing. */
static void test_alloc_failures(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_type t[] = {wr_type_make(WR_TYPE_INT), wr_type_varchar(WR_MAX_LENGTH)};
    wr_schema *in_s = schema_of(2, t);
    wr_agg_spec sp[] = {spec(WR_AGG_MIN, 1, t[1]), spec(WR_AGG_MAX, 0, t[0]),
                        spec(WR_AGG_COUNT_DISTINCT, 1, t[1]), spec(WR_AGG_MAX, 1, t[1])};
    sp[1].retract = true;
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, 4, &err);
    wr_batch *in = wr_batch_new(in_s, 32, NULL);
    for (uint32_t i = 0; i < 32; i++) {
        put_i64(in, 0, i, (int32_t)(i * 7919 % 101));
        char s[32];
        snprintf(s, sizeof(s), "value-%u-with-some-length", 40 - i);
        put_str(in, 1, i, s);
    }
    in->len = 32;
    int failures = 0;
    for (int64_t n = 1; n < 200; n++) {
        accbuf ab = {0};
        uint8_t *accs[32];
        for (uint32_t i = 0; i < 32; i++)
            accs[i] = ab.b[i % 4];
        wr_mem_fail_after(n);
        int rc = wr_agg_update(l, accs, in, false, NULL, &err);
        if (rc == 0) rc = wr_agg_merge(l, ab.b[4], ab.b[0], NULL, &err);
        wr_mem_fail_off();
        if (rc < 0) {
            assert_int_equal(rc, WR_ENOMEM);
            failures++;
        }
        for (int k = 0; k < 5; k++)
            wr_agg_destroy(l, ab.b[k]);
        if (rc == 0) break;
    }
    assert_true(failures > 0);
    wr_batch_release(in);
    wr_schema_free(in_s);
    wr_agg_layout_free(l);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_bad_specs(void **unused)
{
    wr_error err = {0};
    wr_agg_spec s = spec(WR_AGG_SUM, 0, wr_type_make(WR_TYPE_BOOLEAN));
    assert_null(wr_agg_layout_new(&s, 1, &err));
    assert_int_equal(err.code, WR_ETYPE);
    s = spec(WR_AGG_SUM, -1, wr_type_make(WR_TYPE_INT));
    assert_null(wr_agg_layout_new(&s, 1, &err));
    s = spec(WR_AGG_SUM, 0, wr_type_make(WR_TYPE_INT));
    s.result_type = wr_type_make(WR_TYPE_BIGINT);
    assert_null(wr_agg_layout_new(&s, 1, &err));
    assert_non_null(strstr(err.msg, "expected"));
    wr_agg_layout *l = wr_agg_layout_new(NULL, 0, &err);
    assert_non_null(l);
    assert_int_equal(l->acc_size, 0);
    wr_agg_layout_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_types), cmocka_unit_test(test_basic_int),
        cmocka_unit_test(test_wraparound),   cmocka_unit_test(test_decimal),
        cmocka_unit_test(test_float),        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_retract),      cmocka_unit_test(test_merge_and_partial),
        cmocka_unit_test(test_merge_maps),   cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_bad_specs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
