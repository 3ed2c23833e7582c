/* test_types_batch.c - batches: allocation and zeroing, reference counting and dependencies
 * (including the copy fallback when the dependency slots are full), clear, append, slice,
 * filter, validity helpers and single-value get/set. Every test checks through the base
 * allocation counters that it leaves nothing allocated. */
#include "testutil.h"
#include "types/types.h"

#include <stdio.h>
#include <string.h>

typedef struct leak_check {
    int64_t bytes, allocs;
} leak_check;

static leak_check leak_start(void)
{
    return (leak_check){wr_mem_allocated(), wr_mem_live_allocs()};
}

static void leak_end(leak_check lc)
{
    assert_int_equal(wr_mem_allocated(), lc.bytes);
    assert_int_equal(wr_mem_live_allocs(), lc.allocs);
}

/* (id INT, name STRING, price DECIMAL(10, 2), big DECIMAL(30, 3), ts TIMESTAMP(3),
 *  ok BOOLEAN, d DOUBLE) */
static wr_schema *test_schema(void)
{
    wr_schema *s = wr_schema_new(7);
    assert_non_null(s);
    assert_int_equal(wr_schema_set(s, 0, "id", wr_type_not_null(wr_type_make(WR_TYPE_INT))), 0);
    assert_int_equal(wr_schema_set(s, 1, "name", wr_type_varchar(WR_MAX_LENGTH)), 0);
    assert_int_equal(wr_schema_set(s, 2, "price", wr_type_decimal(10, 2)), 0);
    assert_int_equal(wr_schema_set(s, 3, "big", wr_type_decimal(30, 3)), 0);
    assert_int_equal(wr_schema_set(s, 4, "ts", wr_type_timestamp(3)), 0);
    assert_int_equal(wr_schema_set(s, 5, "ok", wr_type_make(WR_TYPE_BOOLEAN)), 0);
    assert_int_equal(wr_schema_set(s, 6, "d", wr_type_make(WR_TYPE_DOUBLE)), 0);
    return s;
}

static wr_schema *str_schema(void)
{
    wr_schema *s = wr_schema_new(2);
    assert_non_null(s);
    assert_int_equal(wr_schema_set(s, 0, "k", wr_type_make(WR_TYPE_BIGINT)), 0);
    assert_int_equal(wr_schema_set(s, 1, "s", wr_type_varchar(WR_MAX_LENGTH)), 0);
    return s;
}

/* Row i: id=i, name="name-i" (NULL when i%3==1), price=i*1.25, big=i*1000.001 (NULL when
 * i%4==2), ts=i ms, ok=i odd, d=i/2.0; row kind cycles through all four kinds. */
static void fill_row(wr_batch *b, uint32_t i)
{
    char name[32];
    int n = snprintf(name, sizeof name, "name-%u", i);
    wr_value v = {0};
    v.i = i;
    assert_int_equal(wr_batch_set(b, 0, i, &v), 0);
    v = (wr_value){.is_null = (i % 3 == 1), .s = wr_strv_make(name, (uint32_t)n)};
    assert_int_equal(wr_batch_set(b, 1, i, &v), 0);
    v = (wr_value){.i = (int64_t)i * 125};
    assert_int_equal(wr_batch_set(b, 2, i, &v), 0);
    v = (wr_value){.is_null = (i % 4 == 2), .dec = (wr_i128)i * 1000001};
    assert_int_equal(wr_batch_set(b, 3, i, &v), 0);
    v = (wr_value){.i = (int64_t)i * 1000};
    assert_int_equal(wr_batch_set(b, 4, i, &v), 0);
    v = (wr_value){.b = (i & 1) != 0};
    assert_int_equal(wr_batch_set(b, 5, i, &v), 0);
    v = (wr_value){.d = i / 2.0};
    assert_int_equal(wr_batch_set(b, 6, i, &v), 0);
    b->rowkind[i] = (uint8_t)(i % 4);
}

/* Check that row `row` of b holds what fill_row(i) wrote. */
static void check_row(const wr_batch *b, uint32_t row, uint32_t i)
{
    wr_value v;
    wr_vec_get(&b->cols[0], row, &v);
    assert_false(v.is_null);
    assert_int_equal(v.i, i);
    wr_vec_get(&b->cols[1], row, &v);
    if (i % 3 == 1) {
        assert_true(v.is_null);
    } else {
        char name[32];
        int n = snprintf(name, sizeof name, "name-%u", i);
        assert_false(v.is_null);
        assert_int_equal(v.s.len, n);
        assert_memory_equal(v.s.ptr, name, n);
    }
    wr_vec_get(&b->cols[2], row, &v);
    assert_int_equal(v.i, (int64_t)i * 125);
    wr_vec_get(&b->cols[3], row, &v);
    assert_int_equal(v.is_null, i % 4 == 2);
    if (!v.is_null) assert_true(v.dec == (wr_i128)i * 1000001);
    wr_vec_get(&b->cols[4], row, &v);
    assert_int_equal(v.i, (int64_t)i * 1000);
    wr_vec_get(&b->cols[5], row, &v);
    assert_int_equal(v.b, (i & 1) != 0);
    wr_vec_get(&b->cols[6], row, &v);
    assert_true(v.d == i / 2.0);
    assert_int_equal(b->rowkind[row], i % 4);
}

/* Bits at and beyond len must be zero (the batch invariant). */
static void check_validity_tail(const wr_batch *b)
{
    for (uint32_t c = 0; c < b->ncols; c++)
        for (uint32_t i = b->len; i < b->cap; i++)
            assert_false(wr_vec_valid(&b->cols[c], i));
}

static void test_new_layout(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_mem_owner owner = WR_MEM_OWNER_INIT("batch-test");
    wr_schema *s = test_schema();
    wr_batch *b = wr_batch_new(s, 100, &owner);
    assert_non_null(b);
    assert_int_equal(b->len, 0);
    assert_int_equal(b->cap, 100);
    assert_int_equal(b->ncols, 7);
    assert_ptr_equal(b->schema, s);
    assert_int_equal(b->split, -1);
    assert_int_equal(atomic_load(&b->refs), 1);
    assert_true(atomic_load(&owner.bytes) > 0);
    const wr_phys phys[7] = {WR_PHYS_I32, WR_PHYS_STR, WR_PHYS_I64, WR_PHYS_I128,
                             WR_PHYS_I64, WR_PHYS_U8,  WR_PHYS_F64};
    const int widths[7] = {4, 16, 8, 16, 8, 1, 8};
    for (uint32_t c = 0; c < 7; c++) {
        wr_vec *v = &b->cols[c];
        assert_int_equal(v->phys, phys[c]);
        assert_int_equal(v->width, widths[c]);
        assert_true(((uintptr_t)v->data & 15) == 0);
        for (uint32_t i = 0; i < 100; i++) {
            assert_false(wr_vec_valid(v, i));
            for (int k = 0; k < widths[c]; k++)
                assert_int_equal(((uint8_t *)v->data)[i * widths[c] + k], 0);
        }
    }
    for (uint32_t i = 0; i < 100; i++)
        assert_int_equal(b->rowkind[i], WR_RK_INSERT);
    assert_true(wr_batch_bytes(b) >= 100 * (4 + 16 + 8 + 16 + 8 + 1 + 8));
    wr_batch_release(b);
    assert_int_equal(atomic_load(&owner.bytes), 0);
    wr_schema_free(s);

    /* A zero-capacity batch and a batch without a schema are valid. */
    b = wr_batch_new(NULL, 0, NULL);
    assert_non_null(b);
    assert_int_equal(b->ncols, 0);
    wr_batch_release(b);
    leak_end(lc);
}

static void test_set_get_roundtrip(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = test_schema();
    wr_batch *b = wr_batch_new(s, 70, NULL);
    for (uint32_t i = 0; i < 70; i++)
        fill_row(b, i);
    b->len = 70;
    for (uint32_t i = 0; i < 70; i++)
        check_row(b, i, i);
    /* Strings were copied into the batch arena. */
    assert_true(b->arena.used > 0);
    /* Overwriting with NULL clears the bit and the slot. */
    wr_value null = {.is_null = true};
    assert_int_equal(wr_batch_set(b, 0, 5, &null), 0);
    assert_false(wr_vec_valid(&b->cols[0], 5));
    assert_int_equal(WR_VEC_I32(&b->cols[0])[5], 0);
    wr_batch_release(b);
    wr_schema_free(s);
    leak_end(lc);
}

static void test_fill_valid(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = str_schema();
    wr_batch *b = wr_batch_new(s, 200, NULL);
    wr_vec *v = &b->cols[0];
    wr_vec_fill_valid(v, 130, true);
    for (uint32_t i = 0; i < 200; i++)
        assert_int_equal(wr_vec_valid(v, i), i < 130);
    wr_vec_fill_valid(v, 70, false);
    for (uint32_t i = 0; i < 200; i++)
        assert_int_equal(wr_vec_valid(v, i), i >= 70 && i < 130);
    wr_vec_fill_valid(v, 64, true);
    for (uint32_t i = 0; i < 200; i++)
        assert_int_equal(wr_vec_valid(v, i), i < 64 || (i >= 70 && i < 130));
    wr_vec_fill_valid(v, 0, false);
    assert_true(wr_vec_valid(v, 0));
    wr_batch_release(b);
    wr_schema_free(s);
    leak_end(lc);
}

static void test_refcount(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = str_schema();
    wr_batch *b = wr_batch_new(s, 8, NULL);
    int64_t live = wr_mem_live_allocs();
    wr_batch_retain(b);
    wr_batch_retain(b);
    assert_int_equal(atomic_load(&b->refs), 3);
    wr_batch_release(b);
    wr_batch_release(b);
    assert_int_equal(wr_mem_live_allocs(), live);
    assert_int_equal(atomic_load(&b->refs), 1);
    wr_batch_release(b);
    wr_batch_release(NULL);
    wr_schema_free(s);
    leak_end(lc);
}

static wr_batch *one_string_batch(const wr_schema *s, const char *text)
{
    wr_batch *b = wr_batch_new(s, 4, NULL);
    assert_non_null(b);
    wr_value v = {.s = wr_strv_make(text, (uint32_t)strlen(text))};
    assert_int_equal(wr_batch_set(b, 1, 0, &v), 0);
    v = (wr_value){.i = 7};
    assert_int_equal(wr_batch_set(b, 0, 0, &v), 0);
    b->len = 1;
    return b;
}

static void test_depend_dedupe_and_release(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = str_schema();
    wr_batch *src = one_string_batch(s, "hello world");
    wr_batch *dst = wr_batch_new(s, 4, NULL);
    assert_int_equal(wr_batch_depend(dst, src), 0);
    assert_int_equal(wr_batch_depend(dst, src), 0);
    assert_int_equal(wr_batch_depend(dst, dst), 0);
    assert_int_equal(dst->ndeps, 1);
    assert_int_equal(atomic_load(&src->refs), 2);
    /* dst views src's bytes without copying. */
    WR_VEC_STR(&dst->cols[1])[0] = WR_VEC_STR(&src->cols[1])[0];
    wr_vec_set_valid(&dst->cols[1], 0, true);
    dst->len = 1;
    wr_batch_release(src); /* the producer lets go; dst keeps it alive */
    assert_int_equal(atomic_load(&src->refs), 1);
    wr_value v;
    wr_vec_get(&dst->cols[1], 0, &v);
    assert_int_equal(v.s.len, 11);
    assert_memory_equal(v.s.ptr, "hello world", 11);
    wr_batch_release(dst); /* frees src too */
    wr_schema_free(s);
    leak_end(lc);
}

static void test_depend_overflow_copies(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = str_schema();
    enum { NSRC = WR_BATCH_MAX_DEPS + 3 };
    wr_batch *dst = wr_batch_new(s, 32, NULL);
    char texts[NSRC][32];
    const char *orig[NSRC];
    for (int k = 0; k < NSRC; k++) {
        snprintf(texts[k], sizeof texts[k], "value from source %d", k);
        wr_batch *src = one_string_batch(s, texts[k]);
        orig[k] = WR_VEC_STR(&src->cols[1])[0].ptr;
        if (k % 2 == 0) {
            /* View written first (len raised), then depend. */
            WR_VEC_STR(&dst->cols[1])[k] = WR_VEC_STR(&src->cols[1])[0];
            wr_vec_set_valid(&dst->cols[1], k, true);
            dst->len = k + 1;
            assert_int_equal(wr_batch_depend(dst, src), 0);
        } else {
            /* Depend first, then write the view into a row beyond len. */
            assert_int_equal(wr_batch_depend(dst, src), 0);
            WR_VEC_STR(&dst->cols[1])[k] = WR_VEC_STR(&src->cols[1])[0];
            wr_vec_set_valid(&dst->cols[1], k, true);
        }
        wr_batch_release(src);
        assert_true(dst->ndeps <= WR_BATCH_MAX_DEPS);
    }
    dst->len = NSRC;
    /* The ninth dependency triggered the copy: only the sources after it are still held. */
    assert_int_equal(dst->ndeps, NSRC - WR_BATCH_MAX_DEPS);
    for (int k = 0; k < NSRC; k++) {
        wr_value v;
        wr_vec_get(&dst->cols[1], k, &v);
        assert_int_equal(v.s.len, strlen(texts[k]));
        assert_memory_equal(v.s.ptr, texts[k], v.s.len);
        if (k < WR_BATCH_MAX_DEPS) assert_ptr_not_equal(v.s.ptr, orig[k]);
    }
    wr_batch_release(dst);
    wr_schema_free(s);
    leak_end(lc);
}

static void test_adopt_strings(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = str_schema();
    wr_batch *src = one_string_batch(s, "adopt me");
    wr_batch *dst = wr_batch_new(s, 4, NULL);
    WR_VEC_STR(&dst->cols[1])[0] = WR_VEC_STR(&src->cols[1])[0];
    wr_vec_set_valid(&dst->cols[1], 0, true);
    dst->len = 1;
    assert_int_equal(wr_batch_adopt_strings(dst, 1), 0);
    assert_int_equal(wr_batch_adopt_strings(dst, 0), 0); /* not a string column: no-op */
    assert_int_equal(wr_batch_adopt_strings(dst, 9), WR_EINVAL);
    wr_batch_release(src);
    wr_value v;
    wr_vec_get(&dst->cols[1], 0, &v);
    assert_int_equal(v.s.len, 8);
    assert_memory_equal(v.s.ptr, "adopt me", 8);
    wr_batch_release(dst);
    wr_schema_free(s);
    leak_end(lc);
}

static void test_clear(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = test_schema();
    wr_batch *src = one_string_batch(s, "x"); /* column 1 is STRING in both schemas */
    wr_batch *b = wr_batch_new(s, 10, NULL);
    for (uint32_t i = 0; i < 10; i++)
        fill_row(b, i);
    b->len = 10;
    b->split = 3;
    assert_int_equal(wr_batch_depend(b, src), 0);
    wr_batch_release(src);
    wr_batch_clear(b);
    assert_int_equal(b->len, 0);
    assert_int_equal(b->ndeps, 0);
    assert_int_equal(b->cap, 10);
    assert_int_equal(b->arena.used, 0);
    check_validity_tail(b);
    for (uint32_t i = 0; i < 10; i++) {
        assert_int_equal(b->rowkind[i], WR_RK_INSERT);
        assert_int_equal(WR_VEC_STR(&b->cols[1])[i].len, 0);
    }
    /* Reusable after clear. */
    for (uint32_t i = 0; i < 10; i++)
        fill_row(b, i);
    b->len = 10;
    for (uint32_t i = 0; i < 10; i++)
        check_row(b, i, i);
    wr_batch_release(b);
    wr_schema_free(s);
    leak_end(lc);
}

static void test_copy_str(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = str_schema();
    wr_batch *b = wr_batch_new(s, 1, NULL);
    char text[] = "mutable";
    wr_strv v;
    assert_int_equal(wr_batch_copy_str(b, text, 7, &v), 0);
    text[0] = 'X';
    assert_int_equal(v.len, 7);
    assert_memory_equal(v.ptr, "mutable", 7);
    assert_int_equal(wr_batch_copy_str(b, NULL, 0, &v), 0);
    assert_int_equal(v.len, 0);
    /* A large string gets its own arena chunk and is still copied whole. */
    char big[20000];
    memset(big, 'z', sizeof big);
    assert_int_equal(wr_batch_copy_str(b, big, sizeof big, &v), 0);
    assert_int_equal(v.len, sizeof big);
    assert_memory_equal(v.ptr, big, sizeof big);
    wr_batch_release(b);
    wr_schema_free(s);
    leak_end(lc);
}

static void test_append_row(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = test_schema();
    wr_batch *src = wr_batch_new(s, 20, NULL);
    for (uint32_t i = 0; i < 20; i++)
        fill_row(src, i);
    src->len = 20;
    wr_batch *dst = wr_batch_new(s, 5, NULL);
    const uint32_t pick[5] = {19, 1, 2, 7, 4};
    for (int k = 0; k < 5; k++)
        assert_int_equal(wr_batch_append_row(dst, src, pick[k]), 0);
    assert_int_equal(wr_batch_append_row(dst, src, 0), WR_ELIMIT);
    assert_int_equal(dst->len, 5);
    assert_int_equal(dst->ndeps, 0);
    /* Strings were copied: dst lives on after src is gone. */
    wr_batch_release(src);
    for (int k = 0; k < 5; k++)
        check_row(dst, k, pick[k]);
    wr_batch_release(dst);
    wr_schema_free(s);
    leak_end(lc);
}

static void test_slice(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = test_schema();
    wr_batch *src = wr_batch_new(s, 300, NULL);
    for (uint32_t i = 0; i < 300; i++)
        fill_row(src, i);
    src->len = 300;
    src->split = 4;
    const uint32_t cases[][2] = {{0, 300}, {0, 64}, {64, 130}, {3, 200},
                                 {299, 1}, {17, 0}, {128, 5}};
    for (size_t c = 0; c < WR_ARRAY_LEN(cases); c++) {
        uint32_t start = cases[c][0], n = cases[c][1];
        wr_batch *sl = wr_batch_slice(src, start, n);
        assert_non_null(sl);
        assert_int_equal(sl->len, n);
        assert_int_equal(sl->split, 4);
        for (uint32_t i = 0; i < n; i++)
            check_row(sl, i, start + i);
        check_validity_tail(sl);
        if (n) {
            /* Views point into src, which the slice keeps alive. */
            assert_int_equal(sl->ndeps, 1);
            assert_ptr_equal(sl->deps[0], src);
            assert_int_equal(atomic_load(&src->refs), 2);
        }
        wr_batch_release(sl);
    }
    /* The slice outlives the producer's reference. */
    wr_batch *sl = wr_batch_slice(src, 10, 20);
    wr_batch_release(src);
    for (uint32_t i = 0; i < 20; i++)
        check_row(sl, i, 10 + i);
    /* A slice of a slice. */
    wr_batch *sl2 = wr_batch_slice(sl, 5, 10);
    wr_batch_release(sl);
    for (uint32_t i = 0; i < 10; i++)
        check_row(sl2, i, 15 + i);
    wr_batch_release(sl2);
    wr_schema_free(s);
    leak_end(lc);
}

static void test_filter(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = test_schema();
    wr_batch *src = wr_batch_new(s, 150, NULL);
    for (uint32_t i = 0; i < 150; i++)
        fill_row(src, i);
    src->len = 150;
    uint8_t sel[150];
    uint32_t expect[150], n = 0;
    for (uint32_t i = 0; i < 150; i++) {
        sel[i] = (i % 7 == 0 || i % 5 == 3) ? (uint8_t)(1 + i % 3) : 0;
        if (sel[i]) expect[n++] = i;
    }
    wr_batch *f = wr_batch_filter(src, sel);
    assert_non_null(f);
    wr_batch_release(src);
    assert_int_equal(f->len, n);
    for (uint32_t j = 0; j < n; j++)
        check_row(f, j, expect[j]);
    check_validity_tail(f);
    wr_batch_release(f);

    /* Nothing selected: an empty batch without dependencies. */
    src = wr_batch_new(s, 10, NULL);
    for (uint32_t i = 0; i < 10; i++)
        fill_row(src, i);
    src->len = 10;
    memset(sel, 0, sizeof sel);
    f = wr_batch_filter(src, sel);
    assert_int_equal(f->len, 0);
    assert_int_equal(f->ndeps, 0);
    wr_batch_release(f);
    wr_batch_release(src);
    wr_schema_free(s);
    leak_end(lc);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = str_schema();
    wr_mem_fail_after(1);
    assert_null(wr_batch_new(s, 16, NULL));
    wr_mem_fail_off();
    wr_batch *b = wr_batch_new(s, 16, NULL);
    wr_value v = {.s = wr_strv_make("abc", 3)};
    wr_mem_fail_after(1);
    assert_int_equal(wr_batch_set(b, 1, 0, &v), WR_ENOMEM);
    wr_mem_fail_off();
    assert_int_equal(wr_batch_set(b, 1, 0, &v), 0);
    b->len = 1;
    wr_mem_fail_after(1);
    assert_null(wr_batch_slice(b, 0, 1));
    wr_mem_fail_off();
    wr_batch_release(b);
    wr_schema_free(s);
    leak_end(lc);
}

/* ENOMEM while copying views in the dependency fallback: an error, and nothing released. */
static void test_depend_overflow_enomem(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = str_schema();
    wr_batch *dst = wr_batch_new(s, 16, NULL);
    for (int k = 0; k <= WR_BATCH_MAX_DEPS; k++) {
        wr_batch *src = one_string_batch(s, "a string long enough to matter");
        WR_VEC_STR(&dst->cols[1])[k] = WR_VEC_STR(&src->cols[1])[0];
        wr_vec_set_valid(&dst->cols[1], k, true);
        dst->len = k + 1;
        if (k == WR_BATCH_MAX_DEPS) {
            wr_mem_fail_after(1);
            assert_int_equal(wr_batch_depend(dst, src), WR_ENOMEM);
            wr_mem_fail_off();
            assert_int_equal(dst->ndeps, WR_BATCH_MAX_DEPS);
            assert_int_equal(atomic_load(&src->refs), 1);
            assert_int_equal(wr_batch_depend(dst, src), 0);
            assert_int_equal(dst->ndeps, 1);
        } else {
            assert_int_equal(wr_batch_depend(dst, src), 0);
        }
        wr_batch_release(src);
    }
    for (int k = 0; k <= WR_BATCH_MAX_DEPS; k++) {
        wr_value v;
        wr_vec_get(&dst->cols[1], k, &v);
        assert_int_equal(v.s.len, 30);
        assert_memory_equal(v.s.ptr, "a string long enough to matter", 30);
    }
    wr_batch_release(dst);
    wr_schema_free(s);
    leak_end(lc);
}

/* Fail each allocation in turn across a mix of operations: every failure is reported and
 * nothing leaks. */
static void test_alloc_failure_sweep(void **state)
{
    (void)state;
    leak_check lc = leak_start();
    wr_schema *s = test_schema();
    for (int64_t k = 1; k < 40; k++) {
        wr_mem_fail_after(k);
        wr_batch *b = wr_batch_new(s, 64, NULL), *sl = NULL, *f = NULL;
        bool ok = b != NULL;
        for (uint32_t i = 0; ok && i < 64; i++) {
            char name[80];
            memset(name, 'n', sizeof name);
            wr_value v = {.s = wr_strv_make(name, (uint32_t)(i % 2 ? 80 : 3))};
            ok = wr_batch_set(b, 1, i, &v) == 0;
        }
        if (ok) {
            b->len = 64;
            sl = wr_batch_slice(b, 3, 40);
            uint8_t sel[64];
            for (int i = 0; i < 64; i++)
                sel[i] = i % 3 == 0;
            f = wr_batch_filter(b, sel);
        }
        wr_mem_fail_off();
        wr_batch_release(f);
        wr_batch_release(sl);
        wr_batch_release(b);
    }
    wr_schema_free(s);
    leak_end(lc);
}

static void test_rowkind(void **state)
{
    (void)state;
    assert_string_equal(wr_rowkind_str(WR_RK_INSERT), "+I");
    assert_string_equal(wr_rowkind_str(WR_RK_UPDATE_BEFORE), "-U");
    assert_string_equal(wr_rowkind_str(WR_RK_UPDATE_AFTER), "+U");
    assert_string_equal(wr_rowkind_str(WR_RK_DELETE), "-D");
    assert_true(wr_rowkind_is_add(WR_RK_INSERT));
    assert_true(wr_rowkind_is_add(WR_RK_UPDATE_AFTER));
    assert_false(wr_rowkind_is_add(WR_RK_UPDATE_BEFORE));
    assert_false(wr_rowkind_is_add(WR_RK_DELETE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_layout),
        cmocka_unit_test(test_set_get_roundtrip),
        cmocka_unit_test(test_fill_valid),
        cmocka_unit_test(test_refcount),
        cmocka_unit_test(test_depend_dedupe_and_release),
        cmocka_unit_test(test_depend_overflow_copies),
        cmocka_unit_test(test_adopt_strings),
        cmocka_unit_test(test_clear),
        cmocka_unit_test(test_copy_str),
        cmocka_unit_test(test_append_row),
        cmocka_unit_test(test_slice),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_depend_overflow_enomem),
        cmocka_unit_test(test_alloc_failure_sweep),
        cmocka_unit_test(test_rowkind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
