/* test_types_gather.c - wr_vec_gather and wr_batch_gather: values, validity (word-aligned
 * and unaligned destinations, partial last words that must keep neighbouring bits), row
 * kinds, and string views that keep the source batch alive. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "types/types.h"

static wr_schema *schema(void)
{
    wr_schema *s = wr_schema_new(3);
    wr_schema_set(s, 0, "i", wr_type_make(WR_TYPE_INT));
    wr_schema_set(s, 1, "s", wr_type_varchar(WR_MAX_LENGTH));
    wr_schema_set(s, 2, "d", wr_type_decimal(30, 2));
    return s;
}

static wr_batch *source(const wr_schema *s, uint32_t n)
{
    wr_batch *b = wr_batch_new(s, n, NULL);
    for (uint32_t i = 0; i < n; i++) {
        WR_VEC_I32(&b->cols[0])[i] = (int32_t)i * 3;
        wr_vec_set_valid(&b->cols[0], i, i % 5 != 0);
        char text[16];
        int len = snprintf(text, sizeof text, "row%u", i);
        assert_int_equal(wr_batch_copy_str(b, text, (size_t)len, &WR_VEC_STR(&b->cols[1])[i]),
                         WR_OK);
        wr_vec_set_valid(&b->cols[1], i, i % 7 != 0);
        WR_VEC_I128(&b->cols[2])[i] = (wr_i128)i * 1000000007;
        wr_vec_set_valid(&b->cols[2], i, true);
        b->rowkind[i] = (uint8_t)(i % 4);
    }
    b->len = n;
    return b;
}

static void test_batch_gather(void **state)
{
    (void)state;
    int64_t live = wr_mem_live_allocs();
    wr_schema *s = schema();
    wr_batch *src = source(s, 200);
    uint32_t rows[150];
    for (uint32_t j = 0; j < 150; j++)
        rows[j] = (j * 37) % 200;
    wr_batch *g = wr_batch_gather(src, rows, 150, NULL);
    assert_non_null(g);
    wr_batch_release(src); /* g keeps it alive for its string views */
    assert_int_equal(g->len, 150);
    for (uint32_t j = 0; j < 150; j++) {
        uint32_t i = rows[j];
        assert_int_equal(wr_vec_valid(&g->cols[0], j), i % 5 != 0);
        if (i % 5) assert_int_equal(WR_VEC_I32(&g->cols[0])[j], (int32_t)i * 3);
        assert_int_equal(wr_vec_valid(&g->cols[1], j), i % 7 != 0);
        char text[16];
        int len = snprintf(text, sizeof text, "row%u", i);
        assert_int_equal(WR_VEC_STR(&g->cols[1])[j].len, (uint32_t)len);
        assert_memory_equal(WR_VEC_STR(&g->cols[1])[j].ptr, text, (size_t)len);
        assert_true(WR_VEC_I128(&g->cols[2])[j] == (wr_i128)i * 1000000007);
        assert_int_equal(g->rowkind[j], i % 4);
    }
    /* Validity bits past len stay clear. */
    assert_int_equal(g->cols[0].validity[2] >> (150 - 128), 0);
    wr_batch_release(g);
    wr_schema_free(s);
    assert_int_equal(wr_mem_live_allocs(), live);
}

static void test_vec_gather_offsets(void **state)
{
    (void)state;
    wr_schema *s = schema();
    wr_batch *src = source(s, 100);
    for (uint32_t drow0 = 0; drow0 < 130; drow0 += 13) {
        wr_batch *dst = wr_batch_new(s, 256, NULL);
        /* Neighbouring rows already valid must stay valid. */
        wr_vec_fill_valid(&dst->cols[0], 256, true);
        uint32_t rows[70];
        for (uint32_t j = 0; j < 70; j++)
            rows[j] = 99 - j;
        wr_vec_gather(&dst->cols[0], drow0, &src->cols[0], rows, 70);
        for (uint32_t r = 0; r < 256; r++) {
            bool in = r >= drow0 && r < drow0 + 70;
            if (!in) {
                assert_true(wr_vec_valid(&dst->cols[0], r));
                continue;
            }
            uint32_t i = rows[r - drow0];
            assert_int_equal(wr_vec_valid(&dst->cols[0], r), i % 5 != 0);
            assert_int_equal(WR_VEC_I32(&dst->cols[0])[r], (int32_t)i * 3);
        }
        wr_batch_release(dst);
    }
    wr_batch_release(src);
    wr_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_gather),
        cmocka_unit_test(test_vec_gather_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
