/* test_base_alloc.c - allocation accounting per owner and in total, failure injection, and
 * arenas (including their behaviour when allocations fail). */
#include "testutil.h"

#include <stdint.h>
#include <string.h>

static void test_accounting(void **state)
{
    (void)state;
    int64_t bytes0 = wr_mem_allocated(), allocs0 = wr_mem_live_allocs();
    char *a = wr_malloc(100);
    char *b = wr_calloc(10, 30);
    assert_non_null(a);
    assert_non_null(b);
    for (int i = 0; i < 300; i++)
        assert_int_equal(b[i], 0);
    assert_int_equal(wr_mem_allocated() - bytes0, 400);
    assert_int_equal(wr_mem_live_allocs() - allocs0, 2);
    assert_true(wr_mem_peak() >= bytes0 + 400);
    memset(a, 7, 100);
    a = wr_realloc(a, 1000);
    assert_non_null(a);
    assert_int_equal(a[99], 7);
    assert_int_equal(wr_mem_allocated() - bytes0, 1300);
    assert_int_equal(wr_mem_live_allocs() - allocs0, 2);
    a = wr_realloc(a, 10);
    assert_int_equal(wr_mem_allocated() - bytes0, 310);
    wr_free(a);
    wr_free(b);
    wr_free(NULL);
    assert_int_equal(wr_mem_allocated(), bytes0);
    assert_int_equal(wr_mem_live_allocs(), allocs0);

    /* Allocations are aligned for any type. */
    for (int i = 1; i < 50; i++) {
        void *p = wr_malloc((size_t)i);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        wr_free(p);
    }
    char *s = wr_strdup("hello");
    assert_string_equal(s, "hello");
    char *t = wr_strndup("hello", 3);
    assert_string_equal(t, "hel");
    wr_free(s);
    wr_free(t);
    assert_null(wr_strdup(NULL));
    assert_null(wr_calloc(SIZE_MAX / 2, 4));
    assert_null(wr_malloc(SIZE_MAX - 8));
    assert_int_equal(wr_mem_allocated(), bytes0);
}

static void test_owners(void **state)
{
    (void)state;
    wr_mem_owner o1 = WR_MEM_OWNER_INIT("o1"), o2 = WR_MEM_OWNER_INIT("o2");
    int64_t bytes0 = wr_mem_allocated();
    void *p = wr_malloc_owned(&o1, 64);
    void *q = wr_calloc_owned(&o2, 4, 8);
    assert_int_equal(o1.bytes, 64);
    assert_int_equal(o1.allocs, 1);
    assert_int_equal(o2.bytes, 32);
    assert_int_equal(wr_mem_allocated() - bytes0, 96);
    /* wr_realloc keeps the owner; wr_realloc_owned moves the block to the new one. */
    p = wr_realloc(p, 128);
    assert_int_equal(o1.bytes, 128);
    assert_int_equal(o1.peak, 128);
    p = wr_realloc_owned(&o2, p, 16);
    assert_int_equal(o1.bytes, 0);
    assert_int_equal(o1.allocs, 0);
    assert_int_equal(o2.bytes, 48);
    assert_int_equal(o2.allocs, 2);
    void *r = wr_realloc_owned(&o1, NULL, 5);
    assert_int_equal(o1.bytes, 5);
    wr_free(p);
    wr_free(q);
    wr_free(r);
    assert_int_equal(o1.bytes, 0);
    assert_int_equal(o2.bytes, 0);
    assert_int_equal(o2.allocs, 0);
    assert_int_equal(o1.peak, 128);
    assert_int_equal(wr_mem_allocated(), bytes0);
}

static void test_fail_injection(void **state)
{
    (void)state;
    int64_t inj0 = wr_mem_failures_injected();
    wr_mem_fail_after(3);
    void *a = wr_malloc(8), *b = wr_malloc(8), *c = wr_malloc(8), *d = wr_malloc(8);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(c);
    assert_non_null(d); /* one-shot */
    assert_int_equal(wr_mem_failures_injected() - inj0, 1);
    wr_mem_fail_after(1);
    void *e = wr_realloc(a, 100);
    assert_null(e); /* a is still valid */
    wr_free(a);
    wr_free(b);
    wr_free(d);

    wr_mem_fail_every(2);
    int fails = 0;
    for (int i = 0; i < 10; i++) {
        void *p = wr_malloc(4);
        if (!p) fails++;
        assert_true((p == NULL) == (i % 2 == 1));
        wr_free(p);
    }
    wr_mem_fail_off();
    assert_int_equal(fails, 5);
    void *p = wr_calloc(1, 1);
    assert_non_null(p);
    wr_free(p);
    assert_int_equal(wr_mem_failures_injected() - inj0, 7);
}

static void test_arena_basic(void **state)
{
    (void)state;
    int64_t bytes0 = wr_mem_allocated();
    wr_mem_owner o = WR_MEM_OWNER_INIT("arena");
    wr_arena a;
    wr_arena_init(&a, 1024, &o);
    assert_int_equal(a.reserved, 0);
    char *ptrs[200];
    for (int i = 0; i < 200; i++) {
        ptrs[i] = wr_arena_alloc(&a, (size_t)(i % 13) + 1);
        assert_non_null(ptrs[i]);
        assert_int_equal((uintptr_t)ptrs[i] % 8, 0);
        memset(ptrs[i], i, (size_t)(i % 13) + 1);
    }
    for (int i = 0; i < 200; i++)
        for (int j = 0; j < (i % 13) + 1; j++)
            assert_int_equal((unsigned char)ptrs[i][j], (unsigned char)i);
    assert_true(a.reserved >= a.used);
    assert_int_equal(o.bytes, (int64_t)a.reserved);

    /* Larger alignments. */
    wr_arena_alloc_aligned(&a, 3, 1);
    void *p64 = wr_arena_alloc_aligned(&a, 10, 64);
    assert_int_equal((uintptr_t)p64 % 64, 0);
    void *p4k = wr_arena_alloc_aligned(&a, 10, 4096);
    assert_int_equal((uintptr_t)p4k % 4096, 0);

    char *s = wr_arena_strndup(&a, "hello world", 5);
    assert_string_equal(s, "hello");
    int v[4] = {1, 2, 3, 4};
    int *w = wr_arena_memdup(&a, v, sizeof v);
    assert_memory_equal(v, w, sizeof v);
    assert_non_null(wr_arena_alloc(&a, 0));

    wr_arena_destroy(&a);
    assert_int_equal(o.bytes, 0);
    assert_int_equal(wr_mem_allocated(), bytes0);
}

static void test_arena_big_and_reset(void **state)
{
    (void)state;
    int64_t bytes0 = wr_mem_allocated();
    wr_arena a;
    wr_arena_init(&a, 4096, NULL);
    char *small = wr_arena_alloc(&a, 16);
    size_t one_chunk = a.reserved;
    assert_true(one_chunk >= 4096);
    /* A block larger than the chunk gets its own chunk and keeps the current one in use. */
    char *big = wr_arena_alloc(&a, 100000);
    assert_non_null(big);
    memset(big, 0xab, 100000);
    assert_true(a.reserved >= one_chunk + 100000);
    char *small2 = wr_arena_alloc(&a, 16);
    assert_ptr_equal(small2, small + 16);
    assert_int_equal(a.used, 100032);

    /* Fill several chunks, then reset: exactly one ordinary chunk remains. */
    for (int i = 0; i < 100; i++)
        assert_non_null(wr_arena_alloc(&a, 1000));
    wr_arena_reset(&a);
    assert_int_equal(a.used, 0);
    assert_int_equal(a.reserved, one_chunk);
    int64_t after_reset = wr_mem_allocated();
    /* The kept chunk is reused without allocating. */
    char *again = wr_arena_alloc(&a, 16);
    assert_non_null(again);
    assert_int_equal(wr_mem_allocated(), after_reset);
    wr_arena_reset(&a);
    wr_arena_reset(&a);
    assert_int_equal(a.reserved, one_chunk);
    wr_arena_destroy(&a);
    assert_int_equal(wr_mem_allocated(), bytes0);

    /* An arena whose first allocation is big still ends up with one ordinary chunk. */
    wr_arena_init(&a, 4096, NULL);
    assert_non_null(wr_arena_alloc(&a, 50000));
    assert_non_null(wr_arena_alloc(&a, 8));
    wr_arena_reset(&a);
    assert_int_equal(a.reserved, one_chunk);
    wr_arena_destroy(&a);
    wr_arena_init(&a, 0, NULL);
    assert_true(a.chunk_size > 0);
    wr_arena_reset(&a); /* reset of an empty arena */
    assert_int_equal(a.reserved, 0);
    wr_arena_destroy(&a);
    assert_int_equal(wr_mem_allocated(), bytes0);
}

static void test_arena_enomem(void **state)
{
    (void)state;
    int64_t bytes0 = wr_mem_allocated(), allocs0 = wr_mem_live_allocs();
    wr_arena a;
    wr_arena_init(&a, 256, NULL);
    wr_mem_fail_after(1);
    assert_null(wr_arena_alloc(&a, 8));
    assert_non_null(wr_arena_alloc(&a, 8));
    /* Failure in the middle of a run: the arena stays usable and frees everything. */
    int failed = 0;
    for (int n = 1; n < 20; n++) {
        wr_mem_fail_after(n);
        for (int i = 0; i < 100; i++)
            if (!wr_arena_alloc(&a, 100)) failed++;
        wr_mem_fail_off();
        wr_arena_reset(&a);
    }
    assert_true(failed > 0);
    assert_null(wr_arena_alloc(&a, SIZE_MAX - 4));
    wr_arena_destroy(&a);
    assert_int_equal(wr_mem_allocated(), bytes0);
    assert_int_equal(wr_mem_live_allocs(), allocs0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accounting),          cmocka_unit_test(test_owners),
        cmocka_unit_test(test_fail_injection),      cmocka_unit_test(test_arena_basic),
        cmocka_unit_test(test_arena_big_and_reset), cmocka_unit_test(test_arena_enomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
