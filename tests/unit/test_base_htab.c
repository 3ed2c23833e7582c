/* test_base_htab.c - hash table: lookups across many incremental rehashes with interleaved
 * removes, iteration coverage, colliding hashes, value cleanup, allocation failures, and the
 * hash functions. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t make_key(char *buf, size_t i)
{
    return (size_t)snprintf(buf, 32, "key-%zu", i);
}

static void **find_i(wr_htab *h, size_t i)
{
    char k[32];
    size_t n = make_key(k, i);
    return wr_htab_find(h, wr_hash_bytes(k, n), k, n);
}

static void test_htab_basic(void **state)
{
    (void)state;
    int64_t bytes0 = wr_mem_allocated();
    wr_htab h;
    wr_htab_init(&h, NULL);
    assert_int_equal(wr_htab_count(&h), 0);
    assert_null(wr_htab_find(&h, 1, "a", 1));
    assert_false(wr_htab_remove(&h, 1, "a", 1, NULL));

    bool ins;
    void **slot = wr_htab_upsert(&h, wr_hash_bytes("a", 1), "a", 1, &ins);
    assert_non_null(slot);
    assert_true(ins);
    assert_null(*slot);
    *slot = (void *)0x11;
    slot = wr_htab_upsert(&h, wr_hash_bytes("a", 1), "a", 1, &ins);
    assert_false(ins);
    assert_ptr_equal(*slot, (void *)0x11);
    assert_int_equal(wr_htab_count(&h), 1);

    /* The key is copied: changing the caller's buffer does not change the table. */
    char key[4] = "bcd";
    uint64_t hk = wr_hash_bytes(key, 3);
    *wr_htab_upsert(&h, hk, key, 3, NULL) = (void *)0x22;
    key[0] = 'X';
    assert_null(wr_htab_find(&h, hk, key, 3));
    assert_ptr_equal(*wr_htab_find(&h, hk, "bcd", 3), (void *)0x22);

    /* Binary keys, the empty key, and a prefix of an existing key are distinct. */
    *wr_htab_upsert(&h, wr_hash_bytes("", 0), "", 0, NULL) = (void *)0x33;
    *wr_htab_upsert(&h, wr_hash_bytes("bc", 2), "bc", 2, NULL) = (void *)0x44;
    *wr_htab_upsert(&h, wr_hash_bytes("b\0d", 3), "b\0d", 3, NULL) = (void *)0x55;
    assert_ptr_equal(*wr_htab_find(&h, wr_hash_bytes("", 0), NULL, 0), (void *)0x33);
    assert_ptr_equal(*wr_htab_find(&h, wr_hash_bytes("bc", 2), "bc", 2), (void *)0x44);
    assert_ptr_equal(*wr_htab_find(&h, wr_hash_bytes("b\0d", 3), "b\0d", 3), (void *)0x55);
    assert_int_equal(wr_htab_count(&h), 5);

    void *old = NULL;
    assert_true(wr_htab_remove(&h, hk, "bcd", 3, &old));
    assert_ptr_equal(old, (void *)0x22);
    assert_false(wr_htab_remove(&h, hk, "bcd", 3, &old));
    assert_null(wr_htab_find(&h, hk, "bcd", 3));
    assert_int_equal(wr_htab_count(&h), 4);
    wr_htab_free(&h, NULL);
    assert_int_equal(wr_htab_count(&h), 0);
    /* A freed table can be used again. */
    assert_non_null(wr_htab_upsert(&h, 7, "z", 1, NULL));
    wr_htab_free(&h, NULL);
    assert_int_equal(wr_mem_allocated(), bytes0);
}

static void test_htab_collisions(void **state)
{
    (void)state;
    /* All keys share one hash: correctness must not depend on the hash being good. */
    wr_htab h;
    wr_htab_init(&h, NULL);
    char k[32];
    for (size_t i = 0; i < 500; i++) {
        size_t n = make_key(k, i);
        bool ins;
        void **slot = wr_htab_upsert(&h, 42, k, n, &ins);
        assert_true(ins);
        *slot = (void *)(i + 1);
    }
    for (size_t i = 0; i < 500; i++) {
        size_t n = make_key(k, i);
        void **slot = wr_htab_find(&h, 42, k, n);
        assert_non_null(slot);
        assert_int_equal((size_t)*slot, i + 1);
    }
    for (size_t i = 0; i < 500; i += 2) {
        size_t n = make_key(k, i);
        assert_true(wr_htab_remove(&h, 42, k, n, NULL));
    }
    for (size_t i = 0; i < 500; i++) {
        size_t n = make_key(k, i);
        assert_true((wr_htab_find(&h, 42, k, n) != NULL) == (i % 2 == 1));
    }
    assert_int_equal(wr_htab_count(&h), 250);
    wr_htab_free(&h, NULL);
}

static void test_htab_many(void **state)
{
    (void)state;
    enum { N = 100000 };
    int64_t bytes0 = wr_mem_allocated(), allocs0 = wr_mem_live_allocs();
    wr_mem_owner o = WR_MEM_OWNER_INIT("htab");
    wr_htab h;
    wr_htab_init(&h, &o);
    size_t rehashing_seen = 0;
    char k[32];
    for (size_t i = 0; i < N; i++) {
        size_t n = make_key(k, i);
        bool ins;
        void **slot = wr_htab_upsert(&h, wr_hash_bytes(k, n), k, n, &ins);
        assert_non_null(slot);
        assert_true(ins);
        *slot = (void *)(i + 1);
        if (wr_htab_is_rehashing(&h)) rehashing_seen++;
        /* Interleave removes of earlier keys (every 7th) and lookups during rehashes. */
        if (i % 7 == 3) {
            size_t j = i - 3;
            n = make_key(k, j);
            void *old;
            assert_true(wr_htab_remove(&h, wr_hash_bytes(k, n), k, n, &old));
            assert_int_equal((size_t)old, j + 1);
        }
        if (i % 1000 == 999) {
            for (size_t j = 0; j <= i; j++) {
                void **s = find_i(&h, j);
                bool removed = j % 7 == 0 && j + 3 <= i;
                if (removed) {
                    assert_null(s);
                } else {
                    assert_non_null(s);
                    assert_int_equal((size_t)*s, j + 1);
                }
                if (j > 2000) j += 97; /* sample the rest to keep the test fast */
            }
        }
    }
    assert_true(rehashing_seen > 0);
    size_t expect = N - (N - 4) / 7 - 1;
    assert_int_equal(wr_htab_count(&h), expect);
    for (size_t j = 0; j < N; j++) {
        void **s = find_i(&h, j);
        bool removed = j % 7 == 0 && j + 3 < N;
        if (removed) {
            assert_null(s);
        } else {
            assert_non_null(s);
            assert_int_equal((size_t)*s, j + 1);
        }
    }
    assert_true(o.bytes > 0);

    /* Remove everything; lookups still answer "absent" and the count reaches zero. */
    for (size_t j = 0; j < N; j++) {
        size_t n = make_key(k, j);
        bool removed = j % 7 == 0 && j + 3 < N;
        assert_true(wr_htab_remove(&h, wr_hash_bytes(k, n), k, n, NULL) == !removed);
    }
    assert_int_equal(wr_htab_count(&h), 0);
    wr_htab_free(&h, NULL);
    assert_int_equal(o.bytes, 0);
    assert_int_equal(wr_mem_allocated(), bytes0);
    assert_int_equal(wr_mem_live_allocs(), allocs0);
}

static void test_htab_iter(void **state)
{
    (void)state;
    enum { N = 20000 };
    wr_htab h;
    wr_htab_init(&h, NULL);
    char k[32];
    unsigned char *seen = calloc(N, 1);
    for (int pass = 0; pass < 2; pass++) {
        size_t start = pass ? N / 2 : 0, end = pass ? N : N / 2;
        for (size_t i = start; i < end; i++) {
            size_t n = make_key(k, i);
            *wr_htab_upsert(&h, wr_hash_bytes(k, n), k, n, NULL) = (void *)(i + 1);
        }
        /* Stop while a rehash is in progress so the iterator meets both tables. */
        while (!wr_htab_is_rehashing(&h)) {
            size_t n = make_key(k, end);
            *wr_htab_upsert(&h, wr_hash_bytes(k, n), k, n, NULL) = (void *)(end + 1);
            end++;
            assert_true(end < N + N / 2 + 2);
        }
        size_t count = wr_htab_count(&h);
        memset(seen, 0, N);
        size_t visited = 0, extra = 0;
        wr_htab_iter it;
        wr_htab_iter_init(&h, &it);
        const void *key;
        size_t key_len;
        void **val;
        while (wr_htab_iter_next(&it, &key, &key_len, &val)) {
            size_t i = (size_t)*val - 1;
            char expect[32];
            size_t n = make_key(expect, i);
            assert_int_equal(key_len, n);
            assert_memory_equal(key, expect, n);
            /* Lookups during iteration are allowed and must not disturb it. */
            assert_ptr_equal(wr_htab_find(&h, wr_hash_bytes(key, key_len), key, key_len), val);
            *val = (void *)(i + 1); /* writing through the slot is allowed */
            if (i < N) {
                assert_int_equal(seen[i], 0);
                seen[i] = 1;
            } else {
                extra++;
            }
            visited++;
        }
        assert_false(wr_htab_iter_next(&it, &key, &key_len, &val));
        assert_int_equal(visited, count);
        for (size_t i = 0; i < end && i < N; i++)
            assert_int_equal(seen[i], 1);
        assert_int_equal(visited, end < N ? end : N + extra);
    }
    free(seen);

    /* Empty table. */
    wr_htab e;
    wr_htab_init(&e, NULL);
    wr_htab_iter it;
    wr_htab_iter_init(&e, &it);
    assert_false(wr_htab_iter_next(&it, NULL, NULL, NULL));
    wr_htab_free(&h, NULL);
}

static int freed_values;
static void count_free(void *v)
{
    freed_values++;
    wr_free(v);
}

static void test_htab_free_values(void **state)
{
    (void)state;
    int64_t bytes0 = wr_mem_allocated();
    wr_htab h;
    wr_htab_init(&h, NULL);
    char k[32];
    for (size_t i = 0; i < 100; i++) {
        size_t n = make_key(k, i);
        void **slot = wr_htab_upsert(&h, wr_hash_bytes(k, n), k, n, NULL);
        *slot = i % 10 ? wr_strdup(k) : NULL; /* NULL values are skipped */
    }
    freed_values = 0;
    wr_htab_free(&h, count_free);
    assert_int_equal(freed_values, 90);
    assert_int_equal(wr_mem_allocated(), bytes0);
}

static void test_htab_enomem(void **state)
{
    (void)state;
    int64_t bytes0 = wr_mem_allocated(), allocs0 = wr_mem_live_allocs();
    wr_htab h;
    wr_htab_init(&h, NULL);
    char k[32];
    wr_mem_fail_after(1); /* the first table */
    assert_null(wr_htab_upsert(&h, 1, "a", 1, NULL));
    assert_int_equal(wr_htab_count(&h), 0);
    wr_mem_fail_after(2); /* the first entry */
    assert_null(wr_htab_upsert(&h, 1, "a", 1, NULL));
    assert_int_equal(wr_htab_count(&h), 0);
    assert_null(wr_htab_find(&h, 1, "a", 1));

    /* Fail every 5th allocation over many inserts: failed inserts are absent, the others
     * present, and nothing leaks. Table growth may fail too; the table keeps working. */
    wr_mem_fail_every(5);
    bool ok[5000];
    for (size_t i = 0; i < 5000; i++) {
        size_t n = make_key(k, i);
        void **slot = wr_htab_upsert(&h, wr_hash_bytes(k, n), k, n, NULL);
        ok[i] = slot != NULL;
        if (slot) *slot = (void *)(i + 1);
    }
    wr_mem_fail_off();
    size_t good = 0;
    for (size_t i = 0; i < 5000; i++) {
        void **s = find_i(&h, i);
        assert_true((s != NULL) == ok[i]);
        if (s) {
            assert_int_equal((size_t)*s, i + 1);
            good++;
        }
    }
    assert_true(good > 0 && good < 5000);
    assert_int_equal(wr_htab_count(&h), good);
    wr_htab_free(&h, NULL);
    assert_int_equal(wr_mem_allocated(), bytes0);
    assert_int_equal(wr_mem_live_allocs(), allocs0);
}

static void test_hash_functions(void **state)
{
    (void)state;
    assert_true(wr_hash_bytes("abc", 3) == wr_hash_bytes("abc", 3));
    assert_true(wr_hash_bytes("abc", 3) != wr_hash_bytes("abd", 3));
    assert_true(wr_hash_bytes("", 0) == wr_hash_bytes(NULL, 0));
    /* fmix64 reference values. */
    assert_true(wr_hash_u64(0) == 0);
    assert_true(wr_hash_u64(1) != 1);
    assert_true(wr_hash_u64(1) != wr_hash_u64(2));
    /* Avalanche: flipping one input bit flips about half the output bits. */
    int total = 0;
    for (int b = 0; b < 64; b++)
        total += __builtin_popcountll(wr_hash_u64(12345) ^ wr_hash_u64(12345 ^ (1ull << b)));
    assert_true(total > 64 * 24 && total < 64 * 40);
    assert_true(wr_hash_combine(wr_hash_u64(1), wr_hash_u64(2)) !=
                wr_hash_combine(wr_hash_u64(2), wr_hash_u64(1)));
    assert_int_equal(wr_next_pow2(0), 1);
    assert_int_equal(wr_next_pow2(5), 8);
    assert_int_equal(wr_next_pow2(8), 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_htab_basic),       cmocka_unit_test(test_htab_collisions),
        cmocka_unit_test(test_htab_many),        cmocka_unit_test(test_htab_iter),
        cmocka_unit_test(test_htab_free_values), cmocka_unit_test(test_htab_enomem),
        cmocka_unit_test(test_hash_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
