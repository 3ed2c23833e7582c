/* test_base_heap.c - min-heap order, stable ties, and a randomized comparison with a sorted
 * oracle. */
#include "testutil.h"

#include <stdlib.h>

static void test_heap_basic(void **state)
{
    (void)state;
    int64_t bytes0 = wr_mem_allocated();
    wr_heap h;
    wr_heap_init(&h, NULL);
    int64_t k;
    uint64_t v;
    assert_false(wr_heap_peek(&h, &k, &v));
    assert_false(wr_heap_pop(&h, &k, &v));
    int64_t keys[] = {5, 3, 9, -1, 3, 0, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < WR_ARRAY_LEN(keys); i++)
        assert_int_equal(wr_heap_push(&h, keys[i], i), WR_OK);
    assert_int_equal(wr_heap_len(&h), 8);
    assert_true(wr_heap_peek(&h, &k, &v));
    assert_true(k == INT64_MIN);
    assert_int_equal(v, 7);
    int64_t expect_k[] = {INT64_MIN, -1, 0, 3, 3, 5, 9, INT64_MAX};
    uint64_t expect_v[] = {7, 3, 5, 1, 4, 0, 2, 6};
    for (size_t i = 0; i < 8; i++) {
        assert_true(wr_heap_pop(&h, &k, &v));
        assert_true(k == expect_k[i]);
        assert_int_equal(v, expect_v[i]);
    }
    assert_int_equal(wr_heap_len(&h), 0);
    assert_true(wr_heap_push(&h, 1, 1) == WR_OK);
    assert_true(wr_heap_pop(&h, NULL, NULL));
    wr_heap_free(&h);
    assert_int_equal(wr_mem_allocated(), bytes0);
}

static void test_heap_ties(void **state)
{
    (void)state;
    wr_heap h;
    wr_heap_init(&h, NULL);
    /* Interleave three keys; within a key, values must come out in push order. */
    for (uint64_t i = 0; i < 3000; i++)
        wr_heap_push(&h, (int64_t)(i % 3), i);
    int64_t k, prev_k = -1;
    uint64_t v, prev_v = 0;
    for (int i = 0; i < 3000; i++) {
        assert_true(wr_heap_pop(&h, &k, &v));
        assert_true(k >= prev_k);
        if (k == prev_k) assert_true(v > prev_v);
        assert_int_equal((int64_t)(v % 3), k);
        prev_k = k;
        prev_v = v;
    }
    wr_heap_free(&h);
}

typedef struct oracle_item {
    int64_t key;
    uint64_t value; /* doubles as insertion order */
} oracle_item;

static int oracle_cmp(const void *a, const void *b)
{
    const oracle_item *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->value < y->value ? -1 : (x->value > y->value);
}

static void test_heap_random(void **state)
{
    (void)state;
    enum { N = 10000 };
    static oracle_item items[N];
    srand(12345);
    wr_heap h;
    wr_heap_init(&h, NULL);
    for (uint64_t i = 0; i < N; i++) {
        items[i].key = rand() % 500 - 250; /* plenty of ties */
        items[i].value = i;
        assert_int_equal(wr_heap_push(&h, items[i].key, i), WR_OK);
    }
    qsort(items, N, sizeof items[0], oracle_cmp);
    for (size_t i = 0; i < N; i++) {
        int64_t k;
        uint64_t v;
        assert_true(wr_heap_pop(&h, &k, &v));
        assert_true(k == items[i].key);
        assert_int_equal(v, items[i].value);
    }
    assert_false(wr_heap_pop(&h, NULL, NULL));

    /* Mixed pushes and pops keep the minimum on top. */
    int64_t last = INT64_MIN;
    for (int round = 0; round < 20000; round++) {
        if (rand() % 3 != 0) {
            wr_heap_push(&h, last + rand() % 1000, 0); /* never below what was popped */
        } else if (wr_heap_len(&h)) {
            int64_t k;
            assert_true(wr_heap_pop(&h, &k, NULL));
            assert_true(k >= last);
            last = k;
        }
    }
    wr_heap_free(&h);
}

static void test_heap_enomem(void **state)
{
    (void)state;
    int64_t bytes0 = wr_mem_allocated();
    wr_heap h;
    wr_heap_init(&h, NULL);
    wr_mem_fail_after(1);
    assert_int_equal(wr_heap_push(&h, 1, 1), WR_ENOMEM);
    assert_int_equal(wr_heap_len(&h), 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(wr_heap_push(&h, 16 - i, (uint64_t)i), WR_OK);
    wr_mem_fail_after(1);
    assert_int_equal(wr_heap_push(&h, 0, 99), WR_ENOMEM); /* growth fails */
    wr_mem_fail_off();
    assert_int_equal(wr_heap_len(&h), 16);
    int64_t k;
    assert_true(wr_heap_pop(&h, &k, NULL));
    assert_int_equal(k, 1);
    wr_heap_free(&h);
    assert_int_equal(wr_mem_allocated(), bytes0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heap_basic),
        cmocka_unit_test(test_heap_ties),
        cmocka_unit_test(test_heap_random),
        cmocka_unit_test(test_heap_enomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
