/* test_state_heap.c - the heap keyed-state backend: upsert/find/remove, namespace order
 * and drop, iteration with removal (insertion order kept), growth to many keys, TTL with a
 * controlled clock (lookups, re-creation, incremental cleanup), codecs that own memory
 * (nothing leaks, checked with owner accounting), snapshot -> restore at the same and at
 * another parallelism, unknown tables, allocation failures, and an informal speed check. */
#include "testutil.h"

#include "state/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static wr_mem_owner mem = WR_MEM_OWNER_INIT("state-test");

static wr_state *new_state(uint32_t max_par, uint32_t k0, uint32_t k1, int64_t ttl)
{
    wr_state_opts o = {.kind = WR_STATE_HEAP,
                       .max_par = max_par,
                       .kg_start = k0,
                       .kg_end = k1,
                       .mem = &mem,
                       .ttl_us = ttl,
                       .name = "test[0]"};
    wr_state *s;
    wr_error err;
    assert_int_equal(wr_state_new(&o, &s, &err), WR_OK);
    return s;
}

static const wr_kv_codec plain16 = {.size = 16};

static size_t key_of(char *buf, uint64_t i)
{
    /* Every fifth key is longer than the entry's inline key bytes. */
    if (i % 5 == 0)
        return (size_t)snprintf(buf, 48, "a-long-key-beyond-inline-%llu", (unsigned long long)i);
    return (size_t)snprintf(buf, 48, "k%llu", (unsigned long long)i);
}
static uint64_t hash_of(uint64_t i)
{
    char k[48];
    size_t n = key_of(k, i);
    return wr_hash_bytes(k, n);
}
static uint64_t *upsert_i(wr_kv *t, int64_t ns, uint64_t i, bool *ins)
{
    char k[48];
    size_t n = key_of(k, i);
    return wr_kv_upsert(t, ns, wr_hash_bytes(k, n), k, (uint32_t)n, ins);
}
static uint64_t *find_i(wr_kv *t, int64_t ns, uint64_t i)
{
    char k[48];
    size_t n = key_of(k, i);
    return wr_kv_find(t, ns, wr_hash_bytes(k, n), k, (uint32_t)n);
}
static bool remove_i(wr_kv *t, int64_t ns, uint64_t i)
{
    char k[48];
    size_t n = key_of(k, i);
    return wr_kv_remove(t, ns, wr_hash_bytes(k, n), k, (uint32_t)n);
}

static void check_accounting(wr_state *s)
{
    assert_int_equal((int64_t)wr_state_bytes(s), atomic_load(&mem.bytes));
}

static void test_basic(void **state)
{
    (void)state;
    wr_state *s = new_state(128, 0, 127, 0);
    wr_kv *t, *t2;
    wr_error err;
    assert_int_equal(wr_state_kv(s, "acc", &plain16, &t, &err), WR_OK);
    assert_int_equal(wr_state_kv(s, "acc", &plain16, &t2, &err), WR_OK);
    assert_ptr_equal(t, t2);
    wr_kv_codec other = {.size = 24};
    assert_int_equal(wr_state_kv(s, "acc", &other, &t2, &err), WR_EINVAL);
    assert_null(find_i(t, 0, 1));
    bool ins;
    uint64_t *r = upsert_i(t, 0, 1, &ins);
    assert_non_null(r);
    assert_true(ins);
    assert_int_equal(r[0], 0);
    assert_int_equal(r[1], 0);
    r[0] = 42;
    r = upsert_i(t, 0, 1, &ins);
    assert_false(ins);
    assert_int_equal(r[0], 42);
    assert_ptr_equal(find_i(t, 0, 1), r);
    assert_null(find_i(t, 1, 1)); /* other namespace */
    assert_null(find_i(t, 0, 2));
    /* Empty key. */
    r = wr_kv_upsert(t, 0, 7, "", 0, &ins);
    assert_true(ins);
    r[0] = 9;
    assert_int_equal(((uint64_t *)wr_kv_find(t, 0, 7, "", 0))[0], 9);
    assert_int_equal(wr_kv_count(t), 2);
    assert_int_equal(wr_kv_ns_count(t, 0), 2);
    assert_true(remove_i(t, 0, 1));
    assert_false(remove_i(t, 0, 1));
    assert_null(find_i(t, 0, 1));
    assert_int_equal(wr_kv_count(t), 1);
    check_accounting(s);
    wr_state_free(s);
    assert_int_equal(atomic_load(&mem.bytes), 0);
    assert_int_equal(atomic_load(&mem.allocs), 0);
}

static void test_namespaces(void **state)
{
    (void)state;
    wr_state *s = new_state(128, 0, 127, 0);
    wr_kv *t;
    wr_error err;
    assert_int_equal(wr_state_kv(s, "w", &plain16, &t, &err), WR_OK);
    int64_t nss[] = {50, 10, 30, -5, INT64_MAX, 10};
    bool ins;
    for (int i = 0; i < 6; i++)
        for (uint64_t k = 0; k < 3 + (uint64_t)i; k++)
            upsert_i(t, nss[i], k, &ins);
    int64_t want[] = {-5, 10, 30, 50, INT64_MAX};
    int64_t ns = INT64_MIN;
    for (int i = 0; i < 5; i++) {
        assert_true(wr_kv_ns_next(t, ns, &ns));
        assert_int_equal(ns, want[i]);
    }
    assert_false(wr_kv_ns_next(t, ns, &ns));
    assert_int_equal(wr_kv_ns_count(t, 10), 8);
    assert_int_equal(wr_kv_ns_count(t, 30), 5);
    assert_int_equal(wr_kv_ns_count(t, 31), 0);
    assert_true(wr_kv_ns_next(t, 11, &ns));
    assert_int_equal(ns, 30);
    uint64_t before = wr_kv_count(t);
    wr_kv_ns_drop(t, 30);
    wr_kv_ns_drop(t, 31); /* absent: nothing */
    assert_int_equal(wr_kv_count(t), before - 5);
    assert_true(wr_kv_ns_next(t, 10, &ns));
    assert_int_equal(ns, 50);
    assert_null(find_i(t, 30, 0));
    assert_non_null(find_i(t, 50, 0));
    /* A namespace emptied by removes disappears. */
    for (uint64_t k = 0; k < 6; k++)
        assert_true(remove_i(t, -5, k));
    assert_true(wr_kv_ns_next(t, INT64_MIN, &ns));
    assert_int_equal(ns, 10);
    check_accounting(s);
    wr_state_free(s);
    assert_int_equal(atomic_load(&mem.bytes), 0);
}

static void test_iteration(void **state)
{
    (void)state;
    wr_state *s = new_state(128, 0, 127, 0);
    wr_kv *t;
    wr_error err;
    assert_int_equal(wr_state_kv(s, "it", &plain16, &t, &err), WR_OK);
    bool ins;
    for (uint64_t k = 0; k < 1000; k++)
        upsert_i(t, 7, k, &ins)[0] = k;
    /* Remove a few before iterating (tombstones in the middle). */
    for (uint64_t k = 100; k < 110; k++)
        assert_true(remove_i(t, 7, k));
    wr_kv_iter it;
    const uint8_t *key;
    uint32_t klen;
    uint64_t hash;
    void *rec;
    uint64_t expect = 0, seen = 0;
    wr_kv_iter_init(&it, t, 7);
    while (wr_kv_iter_next(&it, &key, &klen, &hash, &rec)) {
        if (expect == 100) expect = 110;
        uint64_t v = ((uint64_t *)rec)[0];
        assert_int_equal(v, expect); /* insertion order */
        char k[48];
        size_t n = key_of(k, v);
        assert_int_equal(klen, n);
        assert_memory_equal(key, k, n);
        assert_int_equal(hash, hash_of(v));
        if (v % 2 == 0) wr_kv_iter_remove(&it);
        expect++;
        seen++;
    }
    assert_int_equal(seen, 990);
    assert_int_equal(wr_kv_count(t), 495);
    /* Growth after tombstones keeps order; then iterate the odd ones. */
    for (uint64_t k = 1000; k < 3000; k++)
        upsert_i(t, 7, k, &ins)[0] = k;
    expect = 1;
    uint64_t next_big = 1000;
    wr_kv_iter_init(&it, t, 7);
    while (wr_kv_iter_next(&it, &key, &klen, &hash, &rec)) {
        uint64_t v = ((uint64_t *)rec)[0];
        if (v < 1000) {
            if (expect == 101) expect = 111;
            assert_int_equal(next_big, 1000);
            assert_int_equal(v, expect);
            expect += 2;
        } else {
            assert_int_equal(v, next_big++);
        }
        assert_ptr_equal(find_i(t, 7, v), rec);
    }
    /* Removing everything through the iterator removes the namespace. */
    wr_kv_iter_init(&it, t, 7);
    while (wr_kv_iter_next(&it, &key, &klen, &hash, &rec))
        wr_kv_iter_remove(&it);
    assert_int_equal(wr_kv_count(t), 0);
    int64_t ns;
    assert_false(wr_kv_ns_next(t, INT64_MIN, &ns));
    wr_kv_iter_init(&it, t, 99); /* absent namespace */
    assert_false(wr_kv_iter_next(&it, &key, &klen, &hash, &rec));
    check_accounting(s);
    wr_state_free(s);
    assert_int_equal(atomic_load(&mem.bytes), 0);
}

static void test_many_keys(void **state)
{
    (void)state;
    wr_state *s = new_state(128, 0, 127, 0);
    wr_kv *t;
    wr_error err;
    assert_int_equal(wr_state_kv(s, "big", &plain16, &t, &err), WR_OK);
    const uint64_t n = 200000;
    bool ins;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t *r = upsert_i(t, (int64_t)(k % 3), k, &ins);
        assert_true(ins);
        r[0] = k * 3;
    }
    assert_int_equal(wr_kv_count(t), n);
    for (uint64_t k = 0; k < n; k++) {
        uint64_t *r = find_i(t, (int64_t)(k % 3), k);
        assert_non_null(r);
        assert_int_equal(r[0], k * 3);
        assert_null(find_i(t, (int64_t)((k + 1) % 3), k));
    }
    for (uint64_t k = 0; k < n; k += 2)
        assert_true(remove_i(t, (int64_t)(k % 3), k));
    /* Re-insert a quarter: tombstones get compacted away, finds stay right. */
    for (uint64_t k = 0; k < n; k += 4)
        assert_true(upsert_i(t, (int64_t)(k % 3), k, &ins) && ins);
    for (uint64_t k = 0; k < n; k++) {
        bool present = k % 2 == 1 || k % 4 == 0;
        assert_int_equal(find_i(t, (int64_t)(k % 3), k) != NULL, present);
    }
    assert_true(wr_state_bytes(s) > n * 32);
    check_accounting(s);
    wr_state_free(s);
    assert_int_equal(atomic_load(&mem.bytes), 0);
}

/* A record owning a string (allocated from its own owner to check for leaks). */
static wr_mem_owner strmem = WR_MEM_OWNER_INIT("strings");
typedef struct srec {
    char *str;
    uint32_t len;
    uint32_t n;
} srec;
static int srec_encode(const void *arg, const void *rec, wr_buf *out)
{
    const srec *r = rec;
    uint8_t h[8];
    memcpy(h, &r->len, 4);
    memcpy(h + 4, &r->n, 4);
    int rc = wr_buf_append(out, h, 8);
    return rc ? rc : wr_buf_append(out, r->str, r->len);
}
static int srec_decode(const void *arg, const uint8_t *p, size_t n, void *rec, wr_error *err)
{
    srec *r = rec;
    uint32_t len;
    if (n < 8) return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL, "short srec");
    memcpy(&len, p, 4);
    memcpy(&r->n, p + 4, 4);
    if (len != n - 8) return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL, "bad srec length");
    r->str = wr_malloc_owned(&strmem, len + 1);
    if (!r->str) return WR_ENOMEM;
    memcpy(r->str, p + 8, len);
    r->len = len;
    if (r->n == 0xDEAD) return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL, "poisoned");
    return WR_OK;
}
static void srec_destroy(const void *arg, void *rec)
{
    srec *r = rec;
    wr_free(r->str);
    r->str = NULL;
}
static const wr_kv_codec scodec = {
    .size = sizeof(srec), .encode = srec_encode, .decode = srec_decode, .destroy = srec_destroy};

static void srec_set(srec *r, uint64_t k)
{
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "value-%llu-%s", (unsigned long long)k,
                     k % 3 ? "xxxxxxxxxxxxxxxx" : "");
    wr_free(r->str);
    r->str = wr_malloc_owned(&strmem, (size_t)n + 1);
    memcpy(r->str, buf, (size_t)n + 1);
    r->len = (uint32_t)n;
    r->n = (uint32_t)k;
}

static void test_ttl(void **state)
{
    (void)state;
    wr_state *s = new_state(128, 0, 127, 1000);
    wr_state_set_now(s, 0);
    wr_kv *t;
    wr_error err;
    assert_int_equal(wr_state_kv(s, "ttl", &scodec, &t, &err), WR_OK);
    bool ins;
    srec *r = (srec *)upsert_i(t, 0, 1, &ins);
    srec_set(r, 1);
    wr_state_set_now(s, 500);
    assert_non_null(find_i(t, 0, 1)); /* read: last access 500 */
    wr_state_set_now(s, 1400);
    assert_non_null(find_i(t, 0, 1)); /* 900 after the read */
    wr_state_set_now(s, 2401);
    assert_null(find_i(t, 0, 1)); /* 1001 > ttl */
    r = (srec *)upsert_i(t, 0, 1, &ins);
    assert_true(ins); /* re-created: old string destroyed, record zeroed */
    assert_null(r->str);
    assert_int_equal(atomic_load(&strmem.allocs), 0);
    srec_set(r, 2);
    /* Incremental cleanup: 5000 records expire, later upserts sweep them away. */
    wr_state_set_now(s, 10000);
    for (uint64_t k = 0; k < 5000; k++)
        srec_set((srec *)upsert_i(t, (int64_t)(k % 4), 100 + k, &ins), k);
    /* Key 1 (last access 2401) expired by 10000: the sweep has removed it already. */
    assert_null(find_i(t, 0, 1));
    assert_true(wr_kv_count(t) >= 5000 && wr_kv_count(t) <= 5001);
    wr_state_set_now(s, 20000);
    wr_kv_iter it;
    const uint8_t *key;
    uint32_t klen;
    uint64_t hash;
    void *rec;
    wr_kv_iter_init(&it, t, 1);
    assert_false(wr_kv_iter_next(&it, &key, &klen, &hash, &rec)); /* all expired */
    for (uint64_t k = 0; k < 20000; k++)
        upsert_i(t, 9, k % 10, &ins);
    assert_int_equal(wr_kv_count(t), 10); /* only the fresh ones remain */
    assert_int_equal(atomic_load(&strmem.allocs), 0);
    int64_t ns;
    assert_true(wr_kv_ns_next(t, INT64_MIN, &ns));
    assert_int_equal(ns, 9);
    check_accounting(s);
    wr_state_free(s);
    assert_int_equal(atomic_load(&mem.bytes), 0);
}

/* Contents of a state as sorted text lines "table ns key value". */
static char *dump(wr_state *s, wr_kv **tabs, const char **names, int ntabs)
{
    wr_buf b;
    wr_buf_init(&b);
    for (int i = 0; i < ntabs; i++) {
        int64_t ns = INT64_MIN;
        while (wr_kv_ns_next(tabs[i], ns, &ns)) {
            wr_kv_iter it;
            const uint8_t *key;
            uint32_t klen;
            uint64_t hash;
            void *rec;
            wr_kv_iter_init(&it, tabs[i], ns);
            while (wr_kv_iter_next(&it, &key, &klen, &hash, &rec)) {
                wr_buf_printf(&b, "%s %lld %.*s %llx ", names[i], (long long)ns, (int)klen,
                              (const char *)key, (unsigned long long)hash);
                if (i == 0) {
                    srec *r = rec;
                    wr_buf_printf(&b, "%.*s %u\n", (int)r->len, r->str, r->n);
                } else {
                    wr_buf_printf(&b, "%llu\n", (unsigned long long)((uint64_t *)rec)[0]);
                }
            }
        }
    }
    char *txt = strdup(b.ptr);
    wr_buf_free(&b);
    wr_test_sort_lines(txt);
    return txt;
}

static const char *tnames[] = {"strings", "counts"};

static void fill(wr_state *s, wr_kv **tabs, uint32_t max_par, uint32_t k0, uint32_t k1, uint64_t n)
{
    wr_error err;
    assert_int_equal(wr_state_kv(s, tnames[0], &scodec, &tabs[0], &err), WR_OK);
    assert_int_equal(wr_state_kv(s, tnames[1], &plain16, &tabs[1], &err), WR_OK);
    bool ins;
    for (uint64_t k = 0; k < n; k++) {
        uint32_t kg = (uint32_t)(hash_of(k) % max_par);
        if (kg < k0 || kg > k1) continue;
        srec_set((srec *)upsert_i(tabs[0], (int64_t)(k % 7) * 10, k, &ins), k);
        if (k % 2) upsert_i(tabs[1], -(int64_t)(k % 3), k, &ins)[0] = k * k;
    }
}

static void snapshot_to(wr_state *s, uint32_t max_par, uint32_t k0, uint32_t k1, bool compress,
                        wr_buf *out)
{
    wr_snap_writer *w;
    wr_error err;
    assert_int_equal(wr_snap_writer_new(max_par, k0, k1, compress, &w, &err), WR_OK);
    assert_int_equal(wr_state_snapshot(s, w, &err), WR_OK);
    assert_int_equal(wr_snap_put_op(w, "offsets", "abc", 3, &err), WR_OK);
    assert_int_equal(wr_snap_finish(w, out, &err), WR_OK);
    wr_snap_writer_free(w);
}

static void test_snapshot_restore(void **state)
{
    (void)state;
    const uint32_t max_par = 64;
    const uint64_t n = 5000;
    wr_error err;
    /* Same parallelism. */
    wr_state *a = new_state(max_par, 0, max_par - 1, 0);
    wr_kv *ta[2], *tb[2];
    fill(a, ta, max_par, 0, max_par - 1, n);
    char *want = dump(a, ta, tnames, 2);
    wr_buf f;
    wr_buf_init(&f);
    snapshot_to(a, max_par, 0, max_par - 1, true, &f);
    wr_state_free(a);
    assert_int_equal(atomic_load(&strmem.allocs), 0);
    wr_state *b = new_state(max_par, 0, max_par - 1, 0);
    assert_int_equal(wr_state_kv(b, tnames[0], &scodec, &tb[0], &err), WR_OK);
    assert_int_equal(wr_state_kv(b, tnames[1], &plain16, &tb[1], &err), WR_OK);
    wr_snap_reader *r;
    assert_int_equal(wr_snap_reader_new(max_par, 0, max_par - 1, &r, &err), WR_OK);
    assert_int_equal(wr_snap_reader_add(r, f.ptr, f.len, "a.snap", &err), WR_OK);
    assert_int_equal(wr_state_restore(b, r, &err), WR_OK);
    wr_snap_reader_free(r);
    char *got = dump(b, tb, tnames, 2);
    assert_string_equal(got, want);
    free(got);
    check_accounting(b);
    wr_state_free(b);
    wr_buf_free(&f);

    /* Two instances -> three. */
    uint32_t old_r[2][2] = {{0, 31}, {32, 63}};
    uint32_t new_r[3][2] = {{0, 21}, {22, 42}, {43, 63}};
    wr_buf files[2];
    for (int i = 0; i < 2; i++) {
        wr_state *s = new_state(max_par, old_r[i][0], old_r[i][1], 0);
        wr_kv *t[2];
        fill(s, t, max_par, old_r[i][0], old_r[i][1], n);
        wr_buf_init(&files[i]);
        snapshot_to(s, max_par, old_r[i][0], old_r[i][1], i == 0, &files[i]);
        wr_state_free(s);
    }
    wr_buf all;
    wr_buf_init(&all);
    for (int i = 0; i < 3; i++) {
        wr_state *s = new_state(max_par, new_r[i][0], new_r[i][1], 0);
        wr_kv *t[2];
        assert_int_equal(wr_state_kv(s, tnames[0], &scodec, &t[0], &err), WR_OK);
        assert_int_equal(wr_state_kv(s, tnames[1], &plain16, &t[1], &err), WR_OK);
        assert_int_equal(wr_snap_reader_new(max_par, new_r[i][0], new_r[i][1], &r, &err), WR_OK);
        assert_int_equal(wr_snap_reader_add(r, files[0].ptr, files[0].len, "f0", &err), WR_OK);
        assert_int_equal(wr_snap_reader_add(r, files[1].ptr, files[1].len, "f1", &err), WR_OK);
        assert_int_equal(wr_state_restore(s, r, &err), WR_OK);
        wr_snap_reader_free(r);
        char *d = dump(s, t, tnames, 2);
        wr_buf_append_c(&all, d);
        free(d);
        /* What a fresh fill of this range holds. */
        wr_state *x = new_state(max_par, new_r[i][0], new_r[i][1], 0);
        wr_kv *tx[2];
        fill(x, tx, max_par, new_r[i][0], new_r[i][1], n);
        char *e = dump(x, tx, tnames, 2);
        d = dump(s, t, tnames, 2);
        assert_string_equal(d, e);
        free(d);
        free(e);
        wr_state_free(x);
        wr_state_free(s);
    }
    char *allt = strdup(all.ptr);
    wr_test_sort_lines(allt);
    assert_string_equal(allt, want);
    free(allt);
    free(want);
    wr_buf_free(&all);
    wr_buf_free(&files[0]);
    wr_buf_free(&files[1]);
    assert_int_equal(atomic_load(&strmem.allocs), 0);
    assert_int_equal(atomic_load(&mem.bytes), 0);
}

static void restore_into(wr_state *s, const wr_buf *f, uint32_t max_par, int want_rc,
                         const char *want_msg)
{
    wr_snap_reader *r;
    wr_error err;
    assert_int_equal(wr_snap_reader_new(max_par, 0, max_par - 1, &r, &err), WR_OK);
    assert_int_equal(wr_snap_reader_add(r, f->ptr, f->len, "s.snap", &err), WR_OK);
    wr_error_clear(&err);
    int rc = wr_state_restore(s, r, &err);
    if (rc != want_rc) fail_msg("rc %d (%s)", rc, err.msg);
    if (want_msg && !strstr(err.msg, want_msg)) fail_msg("message: %s", err.msg);
    wr_snap_reader_free(r);
}

static void test_restore_errors(void **state)
{
    (void)state;
    wr_error err;
    wr_state *a = new_state(16, 0, 15, 0);
    wr_kv *tx, *ty;
    assert_int_equal(wr_state_kv(a, "x", &scodec, &tx, &err), WR_OK);
    assert_int_equal(wr_state_kv(a, "y", &plain16, &ty, &err), WR_OK);
    bool ins;
    for (uint64_t k = 0; k < 50; k++) {
        upsert_i(ty, 0, k, &ins)[0] = k;
        srec_set((srec *)upsert_i(tx, 1, k, &ins), k == 33 ? 0xDEAD : k);
    }
    wr_buf f;
    wr_buf_init(&f);
    snapshot_to(a, 16, 0, 15, false, &f);
    wr_state_free(a);

    /* Unknown table. */
    wr_state *b = new_state(16, 0, 15, 0);
    assert_int_equal(wr_state_kv(b, "y", &plain16, &ty, &err), WR_OK);
    restore_into(b, &f, 16, WR_EUNSUPPORTED, "'x'");
    wr_state_free(b);
    /* A record that does not decode: clean error, nothing leaks. */
    b = new_state(16, 0, 15, 0);
    assert_int_equal(wr_state_kv(b, "x", &scodec, &tx, &err), WR_OK);
    assert_int_equal(wr_state_kv(b, "y", &plain16, &ty, &err), WR_OK);
    restore_into(b, &f, 16, WR_ECORRUPT, "poisoned");
    wr_state_free(b);
    assert_int_equal(atomic_load(&strmem.allocs), 0);
    /* Records of the wrong size for a table without a decoder. */
    b = new_state(16, 0, 15, 0);
    wr_kv_codec c24 = {.size = 24};
    assert_int_equal(wr_state_kv(b, "x", &scodec, &tx, &err), WR_OK);
    assert_int_equal(wr_state_kv(b, "y", &c24, &ty, &err), WR_OK);
    wr_snap_reader *r;
    assert_int_equal(wr_snap_reader_new(16, 0, 15, &r, &err), WR_OK);
    assert_int_equal(wr_snap_reader_add(r, f.ptr, f.len, "s.snap", &err), WR_OK);
    assert_int_not_equal(wr_state_restore(b, r, &err), WR_OK);
    wr_snap_reader_free(r);
    wr_state_free(b);
    /* A reader whose key groups the state does not own. */
    b = new_state(16, 0, 7, 0);
    assert_int_equal(wr_snap_reader_new(16, 0, 15, &r, &err), WR_OK);
    assert_int_equal(wr_state_restore(b, r, &err), WR_EINVAL);
    wr_snap_reader_free(r);
    wr_state_free(b);
    wr_buf_free(&f);
    assert_int_equal(atomic_load(&strmem.allocs), 0);
    assert_int_equal(atomic_load(&mem.bytes), 0);
}

static void test_ttl_restore(void **state)
{
    (void)state;
    wr_error err;
    wr_state *a = new_state(16, 0, 15, 1000);
    wr_kv *t;
    assert_int_equal(wr_state_kv(a, "t", &plain16, &t, &err), WR_OK);
    bool ins;
    wr_state_set_now(a, 3000);
    upsert_i(t, 0, 1, &ins)[0] = 1; /* expired at the snapshot */
    wr_state_set_now(a, 4200);
    upsert_i(t, 0, 2, &ins)[0] = 2;
    wr_state_set_now(a, 4500);
    upsert_i(t, 0, 3, &ins)[0] = 3;
    wr_state_set_now(a, 5000);
    wr_buf f;
    wr_buf_init(&f);
    snapshot_to(a, 16, 0, 15, false, &f);
    wr_state_free(a);
    wr_state *b = new_state(16, 0, 15, 1000);
    wr_state_set_now(b, 5300);
    assert_int_equal(wr_state_kv(b, "t", &plain16, &t, &err), WR_OK);
    restore_into(b, &f, 16, WR_OK, NULL);
    assert_int_equal(wr_kv_count(t), 1); /* 2 is 1100 old at 5300 */
    assert_int_equal(find_i(t, 0, 3)[0], 3);
    wr_state_free(b);
    wr_buf_free(&f);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    wr_error err;
    wr_state *s = new_state(16, 0, 15, 0);
    wr_kv *t;
    assert_int_equal(wr_state_kv(s, "t", &plain16, &t, &err), WR_OK);
    bool ins;
    int failures = 0;
    for (uint64_t k = 0; k < 5000; k++) {
        wr_mem_fail_after(1 + (int64_t)(k % 3));
        uint64_t *r = upsert_i(t, (int64_t)(k % 5), k, &ins);
        wr_mem_fail_off();
        if (!r) {
            failures++;
            r = upsert_i(t, (int64_t)(k % 5), k, &ins);
            assert_non_null(r);
            assert_true(ins);
        }
        r[0] = k;
    }
    assert_true(failures > 0);
    for (uint64_t k = 0; k < 5000; k++)
        assert_int_equal(find_i(t, (int64_t)(k % 5), k)[0], k);
    assert_int_equal(wr_kv_count(t), 5000);
    check_accounting(s);
    wr_state_free(s);
    assert_int_equal(atomic_load(&mem.bytes), 0);
}

/* Restores where every allocation fails in turn: a clean error, and freeing the
 * half-restored state releases everything (records' strings included). */
static void test_restore_alloc_failures(void **state)
{
    (void)state;
    wr_error err;
    wr_state *a = new_state(16, 0, 15, 0);
    wr_kv *tx, *ty;
    assert_int_equal(wr_state_kv(a, "x", &scodec, &tx, &err), WR_OK);
    assert_int_equal(wr_state_kv(a, "y", &plain16, &ty, &err), WR_OK);
    bool ins;
    for (uint64_t k = 0; k < 300; k++) {
        upsert_i(ty, (int64_t)(k % 4), k, &ins)[0] = k;
        srec_set((srec *)upsert_i(tx, 1, k, &ins), k);
    }
    wr_buf f;
    wr_buf_init(&f);
    snapshot_to(a, 16, 0, 15, true, &f);
    wr_state_free(a);
    int ok = 0;
    for (int64_t k = 1; k < 1000; k += k < 100 ? 1 : 7) {
        wr_state *b = new_state(16, 0, 15, 0);
        assert_int_equal(wr_state_kv(b, "x", &scodec, &tx, &err), WR_OK);
        assert_int_equal(wr_state_kv(b, "y", &plain16, &ty, &err), WR_OK);
        wr_snap_reader *r;
        assert_int_equal(wr_snap_reader_new(16, 0, 15, &r, &err), WR_OK);
        assert_int_equal(wr_snap_reader_add(r, f.ptr, f.len, "s.snap", &err), WR_OK);
        wr_mem_fail_after(k);
        int rc = wr_state_restore(b, r, &err);
        wr_mem_fail_off();
        if (rc == WR_OK) {
            ok++;
            assert_int_equal(wr_kv_count(tx), 300);
            assert_int_equal(wr_kv_count(ty), 300);
        } else {
            assert_int_equal(rc, WR_ENOMEM);
            assert_non_null(strstr(err.msg, "restoring state table"));
        }
        check_accounting(b);
        wr_snap_reader_free(r);
        wr_state_free(b);
        assert_int_equal(atomic_load(&strmem.allocs), 0);
        assert_int_equal(atomic_load(&mem.bytes), 0);
    }
    assert_true(ok > 0);
    wr_buf_free(&f);
}

/* Random operations checked against a plain array model: growth, incremental rehash,
 * tombstones, compaction, iteration with removal and namespace drops interleave. */
static void test_random_model(void **state)
{
    (void)state;
    enum { NS = 4, KEYS = 40000 };
    wr_state *s = new_state(64, 0, 63, 0);
    wr_kv *t;
    wr_error err;
    assert_int_equal(wr_state_kv(s, "m", &plain16, &t, &err), WR_OK);
    uint64_t *model = calloc((size_t)NS * KEYS, sizeof(uint64_t)); /* 0 = absent, else value */
    uint64_t present = 0, rng = 42;
    for (int op = 0; op < 600000; op++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t x = rng >> 20;
        int64_t ns = (int64_t)(x % NS);
        /* Phases: mostly inserts first, then a mix. */
        uint64_t k = (x / NS) % (op < 200000 ? KEYS : KEYS / 2 + (uint64_t)op % (KEYS / 2));
        uint64_t *m = &model[ns * KEYS + k];
        uint32_t what = (uint32_t)((x >> 30) % 100);
        bool ins;
        if (what < 55) {
            uint64_t *r = upsert_i(t, ns, k, &ins);
            assert_int_equal(ins, *m == 0);
            if (ins) present++;
            r[0] = *m = (uint64_t)op + 1;
        } else if (what < 85) {
            uint64_t *r = find_i(t, ns, k);
            if (*m)
                assert_int_equal(r ? r[0] : 0, *m);
            else
                assert_null(r);
        } else if (what < 99) {
            assert_int_equal(remove_i(t, ns, k), *m != 0);
            if (*m) present--;
            *m = 0;
        } else if (op % 7 == 0) {
            /* Walk a namespace removing a third of it. */
            wr_kv_iter it;
            const uint8_t *key;
            uint32_t klen;
            uint64_t hash;
            void *rec;
            uint64_t seen = 0, want = 0;
            for (uint64_t j = 0; j < KEYS; j++)
                want += model[ns * KEYS + j] != 0;
            wr_kv_iter_init(&it, t, ns);
            while (wr_kv_iter_next(&it, &key, &klen, &hash, &rec)) {
                uint64_t v = ((uint64_t *)rec)[0];
                seen++;
                if (v % 3 == 0) {
                    uint64_t j;
                    for (j = 0; j < KEYS && model[ns * KEYS + j] != v; j++) {
                    }
                    assert_true(j < KEYS);
                    model[ns * KEYS + j] = 0;
                    present--;
                    wr_kv_iter_remove(&it);
                }
            }
            assert_int_equal(seen, want);
        } else if (op % 101 == 0) {
            wr_kv_ns_drop(t, ns);
            for (uint64_t j = 0; j < KEYS; j++) {
                if (model[ns * KEYS + j]) present--;
                model[ns * KEYS + j] = 0;
            }
        }
        if (op % 50000 == 0) assert_int_equal(wr_kv_count(t), present);
    }
    assert_int_equal(wr_kv_count(t), present);
    for (int64_t ns = 0; ns < NS; ns++)
        for (uint64_t k = 0; k < KEYS; k++) {
            uint64_t *r = find_i(t, ns, k);
            uint64_t m = model[ns * KEYS + k];
            assert_int_equal(r ? r[0] : 0, m);
        }
    check_accounting(s);
    wr_state_free(s);
    free(model);
    assert_int_equal(atomic_load(&mem.bytes), 0);
}

static void bench(void **state)
{
    (void)state;
    const uint64_t n = 1000000;
    wr_state *s = new_state(128, 0, 127, 0);
    wr_kv *t;
    wr_error err;
    wr_kv_codec c8 = {.size = 8};
    assert_int_equal(wr_state_kv(s, "bench", &c8, &t, &err), WR_OK);
    uint64_t *hashes = malloc(n * sizeof(uint64_t));
    for (uint64_t i = 0; i < n; i++)
        hashes[i] = wr_hash_u64(i);
    bool ins;
    int64_t t0 = wr_thread_cpu_ns();
    for (uint64_t i = 0; i < n; i++)
        *(uint64_t *)wr_kv_upsert(t, 0, hashes[i], &i, 8, &ins) += 1;
    int64_t t1 = wr_thread_cpu_ns();
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++)
        sum += *(uint64_t *)wr_kv_find(t, 0, hashes[i], &i, 8);
    int64_t t2 = wr_thread_cpu_ns();
    for (uint64_t i = 0; i < n; i++)
        *(uint64_t *)wr_kv_upsert(t, 0, hashes[i], &i, 8, &ins) += 1;
    int64_t t3 = wr_thread_cpu_ns();
    assert_int_equal(sum, n);
    printf("  1M keys: insert %.1f ns/op, find %.1f ns/op, update %.1f ns/op, %.1f bytes/key\n",
           (double)(t1 - t0) / n, (double)(t2 - t1) / n, (double)(t3 - t2) / n,
           (double)wr_state_bytes(s) / n);
    wr_state_free(s);
    /* Many small namespaces (timer-like sets): bytes per namespace holding one record. */
    s = new_state(128, 0, 127, 0);
    assert_int_equal(wr_state_kv(s, "small", &c8, &t, &err), WR_OK);
    size_t b0 = wr_state_bytes(s);
    for (uint64_t i = 0; i < 10000; i++)
        assert_non_null(wr_kv_upsert(t, (int64_t)i, hashes[i], &i, 8, &ins));
    printf("  10k namespaces of one record: %.1f bytes each\n",
           (double)(wr_state_bytes(s) - b0) / 10000);
    wr_state_free(s);
    free(hashes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_namespaces),
        cmocka_unit_test(test_iteration),
        cmocka_unit_test(test_many_keys),
        cmocka_unit_test(test_ttl),
        cmocka_unit_test(test_snapshot_restore),
        cmocka_unit_test(test_restore_errors),
        cmocka_unit_test(test_ttl_restore),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_restore_alloc_failures),
        cmocka_unit_test(test_random_model),
        cmocka_unit_test(bench),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
