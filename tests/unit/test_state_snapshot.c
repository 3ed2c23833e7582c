/* test_state_snapshot.c - snapshot files: round trips with several tables, key groups,
 * namespaces and operator records, with and without compression; readers over several
 * files written at another parallelism (every record read exactly once); and a fuzz-style
 * sweep that truncates a valid file at every length, flips every bit, overwrites random
 * bytes and feeds random garbage, asserting each time a clean WR_ECORRUPT. */
#include "testutil.h"

#include "state/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct rec_spec {
    const char *table;
    uint32_t kg;
    int64_t ns;
    char key[32];
    char val[64];
} rec_spec;

static uint64_t rng_state = 0x1234567u;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* n deterministic records over tables a/b/c, key groups [0, max_par), a few namespaces. */
static rec_spec *make_recs(uint32_t n, uint32_t max_par)
{
    static const char *tables[] = {"a", "bb", "window-acc"};
    rec_spec *r = calloc(n, sizeof(*r));
    for (uint32_t i = 0; i < n; i++) {
        r[i].table = tables[i % 3];
        r[i].kg = (i * 7u) % max_par;
        r[i].ns = (int64_t)(i % 5) * 1000 - 2000;
        snprintf(r[i].key, sizeof(r[i].key), "key-%u", i);
        /* Compressible values of varying length (some empty). */
        uint32_t vl = i % 40;
        for (uint32_t j = 0; j < vl; j++)
            r[i].val[j] = (char)('a' + (i + j / 8) % 4);
    }
    return r;
}

static void write_file(const rec_spec *r, uint32_t n, uint32_t max_par, uint32_t k0, uint32_t k1,
                       bool compress, uint32_t nop, const char *optag, wr_buf *out)
{
    wr_snap_writer *w;
    wr_error err;
    assert_int_equal(wr_snap_writer_new(max_par, k0, k1, compress, &w, &err), WR_OK);
    for (uint32_t i = 0; i < n; i++) {
        if (r[i].kg < k0 || r[i].kg > k1) continue;
        assert_int_equal(wr_snap_put(w, r[i].table, r[i].kg, r[i].ns, r[i].key,
                                     (uint32_t)strlen(r[i].key), r[i].val,
                                     (uint32_t)strlen(r[i].val), &err),
                         WR_OK);
    }
    for (uint32_t i = 0; i < nop; i++) {
        char v[64];
        int len = snprintf(v, sizeof(v), "%s-op-%u", optag, i);
        assert_int_equal(wr_snap_put_op(w, i % 2 ? "source" : "a", v, (uint32_t)len, &err), WR_OK);
    }
    assert_int_equal(wr_snap_finish(w, out, &err), WR_OK);
    wr_snap_writer_free(w);
}

static int find_rec(const rec_spec *r, uint32_t n, const char *table, const wr_snap_rec *rec)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(r[i].table, table) == 0 && strlen(r[i].key) == rec->klen &&
            memcmp(r[i].key, rec->key, rec->klen) == 0)
            return (int)i;
    return -1;
}

/* Read every keyed record of every table of r, marking seen[]; returns records read. */
static uint32_t read_all(wr_snap_reader *rd, const rec_spec *r, uint32_t n, uint8_t *seen,
                         uint32_t k0, uint32_t k1)
{
    static const char *tables[] = {"a", "bb", "window-acc"};
    uint32_t got = 0;
    wr_error err;
    for (int t = 0; t < 3; t++) {
        wr_snap_rec rec;
        int rc;
        uint32_t last_kg = 0;
        while ((rc = wr_snap_next(rd, tables[t], &rec, &err)) == 1) {
            int i = find_rec(r, n, tables[t], &rec);
            assert_true(i >= 0);
            assert_int_equal(rec.kg, r[i].kg);
            assert_true(rec.kg >= k0 && rec.kg <= k1);
            assert_int_equal(rec.ns, r[i].ns);
            assert_int_equal(rec.vlen, strlen(r[i].val));
            if (rec.vlen) assert_memory_equal(rec.val, r[i].val, rec.vlen);
            seen[i]++;
            got++;
            (void)last_kg;
        }
        assert_int_equal(rc, 0);
    }
    return got;
}

static void test_round_trip(void **state)
{
    (void)state;
    int64_t live0 = wr_mem_live_allocs();
    const uint32_t n = 3000, max_par = 32;
    rec_spec *r = make_recs(n, max_par);
    size_t sizes[2];
    for (int c = 0; c < 2; c++) {
        wr_buf f;
        wr_buf_init(&f);
        write_file(r, n, max_par, 0, max_par - 1, c == 1, 5, "x", &f);
        sizes[c] = f.len;
        wr_snap_reader *rd;
        wr_error err;
        assert_int_equal(wr_snap_reader_new(max_par, 0, max_par - 1, &rd, &err), WR_OK);
        assert_int_equal(wr_snap_reader_add(rd, f.ptr, f.len, "f", &err), WR_OK);
        wr_buf_free(&f); /* the reader keeps what it needs */
        uint8_t *seen = calloc(n, 1);
        assert_int_equal(read_all(rd, r, n, seen, 0, max_par - 1), n);
        for (uint32_t i = 0; i < n; i++)
            assert_int_equal(seen[i], 1);
        /* Within a file, by key group. */
        wr_snap_rewind(rd, "bb");
        wr_snap_rec rec;
        uint32_t prev = 0;
        while (wr_snap_next(rd, "bb", &rec, &err) == 1) {
            assert_true(rec.kg >= prev);
            prev = rec.kg;
        }
        /* Operator records, in order, per table. */
        const char *want_a[] = {"x-op-0", "x-op-2", "x-op-4"};
        for (int k = 0; k < 3; k++) {
            assert_int_equal(wr_snap_next_op(rd, "a", &rec, &err), 1);
            assert_int_equal(rec.vlen, strlen(want_a[k]));
            assert_memory_equal(rec.val, want_a[k], rec.vlen);
        }
        assert_int_equal(wr_snap_next_op(rd, "a", &rec, &err), 0);
        assert_int_equal(wr_snap_next_op(rd, "source", &rec, &err), 1);
        assert_int_equal(wr_snap_next_op(rd, "source", &rec, &err), 1);
        assert_int_equal(wr_snap_next_op(rd, "source", &rec, &err), 0);
        assert_int_equal(wr_snap_next_op(rd, "bb", &rec, &err), 0);
        assert_int_equal(wr_snap_next(rd, "nope", &rec, &err), 0);
        /* Table listing. */
        assert_int_equal(wr_snap_reader_ntables(rd), 4);
        uint64_t keyed, op;
        for (uint32_t i = 0; i < 4; i++) {
            const char *nm = wr_snap_reader_table(rd, i, &keyed, &op);
            if (strcmp(nm, "source") == 0) {
                assert_int_equal(keyed, 0);
                assert_int_equal(op, 2);
            } else if (strcmp(nm, "a") == 0) {
                assert_int_equal(keyed, n / 3);
                assert_int_equal(op, 3);
            }
        }
        free(seen);
        wr_snap_reader_free(rd);
    }
    assert_true(sizes[1] < sizes[0] / 2); /* compressible values */
    free(r);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_empty_and_bad_args(void **state)
{
    (void)state;
    wr_snap_writer *w;
    wr_snap_reader *rd;
    wr_error err;
    wr_buf f;
    wr_buf_init(&f);
    assert_int_equal(wr_snap_writer_new(8, 3, 2, false, &w, &err), WR_EINVAL);
    assert_int_equal(wr_snap_writer_new(8, 0, 8, false, &w, &err), WR_EINVAL);
    assert_int_equal(wr_snap_writer_new(8, 2, 5, true, &w, &err), WR_OK);
    assert_int_equal(wr_snap_put(w, "t", 6, 0, "k", 1, "v", 1, &err), WR_EINVAL);
    assert_int_equal(wr_snap_put(w, "", 3, 0, "k", 1, "v", 1, &err), WR_EINVAL);
    assert_int_equal(wr_snap_finish(w, &f, &err), WR_OK);
    wr_snap_writer_free(w);
    assert_int_equal(wr_snap_reader_new(8, 0, 7, &rd, &err), WR_OK);
    assert_int_equal(wr_snap_reader_add(rd, f.ptr, f.len, "empty", &err), WR_OK);
    wr_snap_rec rec;
    assert_int_equal(wr_snap_next(rd, "t", &rec, &err), 0);
    assert_int_equal(wr_snap_reader_ntables(rd), 0);
    wr_snap_reader_free(rd);
    /* max_par mismatch. */
    assert_int_equal(wr_snap_reader_new(16, 0, 15, &rd, &err), WR_OK);
    assert_int_equal(wr_snap_reader_add(rd, f.ptr, f.len, "m.snap", &err), WR_EINVAL);
    assert_non_null(strstr(err.msg, "m.snap"));
    wr_snap_reader_free(rd);
    wr_buf_free(&f);
}

/* Two instances own halves of 128 key groups; three restore with new ranges. */
static void test_rescale(void **state)
{
    (void)state;
    const uint32_t n = 4000, max_par = 128;
    rec_spec *r = make_recs(n, max_par);
    for (uint32_t i = 0; i < n; i++)
        r[i].kg = (uint32_t)(rnd() % max_par);
    wr_buf f[2];
    for (int k = 0; k < 2; k++) {
        wr_buf_init(&f[k]);
        write_file(r, n, max_par, k ? 64 : 0, k ? 127 : 63, k == 0, 3, k ? "B" : "A", &f[k]);
    }
    uint8_t *seen = calloc(n, 1);
    uint32_t total = 0;
    uint32_t ranges[3][2] = {{0, 42}, {43, 85}, {86, 127}};
    for (int p = 0; p < 3; p++) {
        wr_snap_reader *rd;
        wr_error err;
        assert_int_equal(wr_snap_reader_new(max_par, ranges[p][0], ranges[p][1], &rd, &err), WR_OK);
        assert_int_equal(wr_snap_reader_add(rd, f[0].ptr, f[0].len, "f0", &err), WR_OK);
        assert_int_equal(wr_snap_reader_add(rd, f[1].ptr, f[1].len, "f1", &err), WR_OK);
        total += read_all(rd, r, n, seen, ranges[p][0], ranges[p][1]);
        /* Every reader sees every operator record of both files, files in order. */
        wr_snap_rec rec;
        const char *want[] = {"A-op-1", "B-op-1"};
        for (int k = 0; k < 2; k++) {
            assert_int_equal(wr_snap_next_op(rd, "source", &rec, &err), 1);
            assert_memory_equal(rec.val, want[k], 6);
            assert_int_equal(rec.kg, 0xFFFFFFFFu);
        }
        assert_int_equal(wr_snap_next_op(rd, "source", &rec, &err), 0);
        /* Rewind restarts both iterations. */
        wr_snap_rewind(rd, "source");
        assert_int_equal(wr_snap_next_op(rd, "source", &rec, &err), 1);
        assert_memory_equal(rec.val, "A-op-1", 6);
        wr_snap_reader_free(rd);
    }
    assert_int_equal(total, n);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(seen[i], 1);
    free(seen);
    free(r);
    wr_buf_free(&f[0]);
    wr_buf_free(&f[1]);
}

/* Flink's ranges: subtask i of par owns [ceil(i*max/par), floor(((i+1)*max-1)/par)]. */
static void kg_range(uint32_t i, uint32_t par, uint32_t max_par, uint32_t *k0, uint32_t *k1)
{
    *k0 = (uint32_t)(((uint64_t)i * max_par + par - 1) / par);
    *k1 = (uint32_t)((((uint64_t)i + 1) * max_par - 1) / par);
}

/* nold writers, nnew readers, each reader given all old files: every keyed record read
 * exactly once overall, every operator record by every reader. */
static void rescale_case(uint32_t nold, uint32_t nnew)
{
    const uint32_t n = 3000, max_par = 128;
    rec_spec *r = make_recs(n, max_par);
    for (uint32_t i = 0; i < n; i++)
        r[i].kg = (uint32_t)(rnd() % max_par);
    wr_buf f[4];
    for (uint32_t k = 0; k < nold; k++) {
        uint32_t k0, k1;
        kg_range(k, nold, max_par, &k0, &k1);
        char tag[16];
        snprintf(tag, sizeof(tag), "T%u", k);
        wr_buf_init(&f[k]);
        write_file(r, n, max_par, k0, k1, k % 2 == 0, 2, tag, &f[k]);
    }
    uint8_t *seen = calloc(n, 1);
    uint32_t total = 0;
    for (uint32_t p = 0; p < nnew; p++) {
        uint32_t k0, k1;
        kg_range(p, nnew, max_par, &k0, &k1);
        wr_snap_reader *rd;
        wr_error err;
        assert_int_equal(wr_snap_reader_new(max_par, k0, k1, &rd, &err), WR_OK);
        for (uint32_t k = 0; k < nold; k++)
            assert_int_equal(wr_snap_reader_add(rd, f[k].ptr, f[k].len, "old", &err), WR_OK);
        total += read_all(rd, r, n, seen, k0, k1);
        wr_snap_rec rec;
        for (uint32_t k = 0; k < nold; k++) {
            char want[16];
            int len = snprintf(want, sizeof(want), "T%u-op-1", k);
            assert_int_equal(wr_snap_next_op(rd, "source", &rec, &err), 1);
            assert_int_equal(rec.vlen, (uint32_t)len);
            assert_memory_equal(rec.val, want, (size_t)len);
        }
        assert_int_equal(wr_snap_next_op(rd, "source", &rec, &err), 0);
        wr_snap_reader_free(rd);
    }
    assert_int_equal(total, n);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(seen[i], 1);
    free(seen);
    free(r);
    for (uint32_t k = 0; k < nold; k++)
        wr_buf_free(&f[k]);
}

static void test_rescale_more(void **state)
{
    (void)state;
    rescale_case(4, 2);
    rescale_case(3, 1);
    rescale_case(1, 4);
    rescale_case(4, 3);
}

/* add must reject the bytes with WR_ECORRUPT, leave the reader usable and leak nothing. */
static void expect_corrupt(wr_snap_reader *rd, const void *p, size_t len)
{
    wr_error err;
    wr_error_clear(&err);
    int rc = wr_snap_reader_add(rd, p, len, "fuzz.snap", &err);
    if (rc != WR_ECORRUPT) fail_msg("len %zu: rc %d (%s)", len, rc, err.msg);
    assert_non_null(strstr(err.msg, "fuzz.snap"));
}

static void test_corrupt(void **state)
{
    (void)state;
    int64_t live0 = wr_mem_live_allocs();
    const uint32_t max_par = 8;
    uint32_t n = 300;
    rec_spec *r = make_recs(n, max_par);
    size_t plain_len = 0;
    for (int c = 0; c < 2; c++) {
        wr_buf f;
        wr_buf_init(&f);
        /* A small plain file; a larger one whose blocks are compressed. */
        n = c ? 300 : 40;
        write_file(r, n, max_par, 0, max_par - 1, c == 1, 3, "z", &f);
        if (c == 0) {
            wr_buf p;
            wr_buf_init(&p);
            write_file(r, 300, max_par, 0, max_par - 1, false, 3, "z", &p);
            plain_len = p.len;
            wr_buf_free(&p);
        } else {
            assert_true(f.len < plain_len);
        }
        uint8_t *copy = malloc(f.len + 64);
        wr_snap_reader *rd;
        wr_error err;
        assert_int_equal(wr_snap_reader_new(max_par, 2, 5, &rd, &err), WR_OK);
        /* Truncation at every length (malloc'd copies so ASan sees any overread). */
        size_t step = c ? 7 : 1; /* every length / bit of the small file, a sample of the big */
        for (size_t len = 0; len < f.len; len += (len < 64 ? 1 : step)) {
            uint8_t *t = malloc(len ? len : 1);
            memcpy(t, f.ptr, len);
            expect_corrupt(rd, t, len);
            free(t);
        }
        /* Trailing garbage. */
        memcpy(copy, f.ptr, f.len);
        memset(copy + f.len, 0, 64);
        expect_corrupt(rd, copy, f.len + 1);
        expect_corrupt(rd, copy, f.len + 64);
        /* Every bit flipped. */
        for (size_t i = 0; i < f.len * 8; i += step) {
            memcpy(copy, f.ptr, f.len);
            copy[i / 8] ^= (uint8_t)(1u << (i % 8));
            expect_corrupt(rd, copy, f.len);
        }
        /* Random overwrites of 1-8 bytes. */
        for (int it = 0; it < 3000; it++) {
            memcpy(copy, f.ptr, f.len);
            int k = 1 + (int)(rnd() % 8);
            bool changed = false;
            for (int j = 0; j < k; j++) {
                size_t at = rnd() % f.len;
                uint8_t v = (uint8_t)rnd();
                changed |= copy[at] != v;
                copy[at] = v;
            }
            if (changed) expect_corrupt(rd, copy, f.len);
        }
        /* The reader still works after all those failures. */
        assert_int_equal(wr_snap_reader_add(rd, f.ptr, f.len, "good", &err), WR_OK);
        uint8_t *seen = calloc(n, 1);
        uint32_t want = 0;
        for (uint32_t i = 0; i < n; i++)
            want += r[i].kg >= 2 && r[i].kg <= 5;
        assert_int_equal(read_all(rd, r, n, seen, 2, 5), want);
        free(seen);
        wr_snap_reader_free(rd);
        free(copy);
        wr_buf_free(&f);
    }
    /* Random garbage, some of it starting with the magic. */
    wr_snap_reader *rd;
    wr_error err;
    assert_int_equal(wr_snap_reader_new(max_par, 0, 7, &rd, &err), WR_OK);
    for (int it = 0; it < 2000; it++) {
        size_t len = rnd() % 300;
        uint8_t *g = malloc(len ? len : 1);
        for (size_t j = 0; j < len; j++)
            g[j] = (uint8_t)rnd();
        if (len >= 8 && it % 2) memcpy(g, "WRSNAP\0\1", 8);
        if (len >= 40 && it % 4 == 1) memcpy(g + len - 8, "WRSNEND\1", 8);
        expect_corrupt(rd, g, len);
        free(g);
    }
    wr_snap_reader_free(rd);
    free(r);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static uint64_t le64_at(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Re-seal the header/index checksum of a file edited on purpose (see the layout in
 * state_snapshot.c), so the reader's semantic checks are what rejects it. */
static void reseal(uint8_t *f, size_t len, size_t names_end)
{
    uint64_t index_off = le64_at(f + len - 32);
    uint64_t sum =
        XXH3_64bits_withSeed(f + index_off, len - 16 - index_off, XXH3_64bits(f, names_end));
    for (int i = 0; i < 8; i++)
        f[len - 16 + i] = (uint8_t)(sum >> (8 * i));
}

static void test_crafted(void **state)
{
    (void)state;
    wr_snap_writer *w;
    wr_snap_reader *rd;
    wr_error err;
    wr_buf f;
    wr_buf_init(&f);
    assert_int_equal(wr_snap_writer_new(8, 0, 3, false, &w, &err), WR_OK);
    assert_int_equal(wr_snap_put(w, "aa", 1, 0, "k", 1, "v", 1, &err), WR_OK);
    assert_int_equal(wr_snap_put(w, "bb", 2, 0, "k", 1, "v", 1, &err), WR_OK);
    assert_int_equal(wr_snap_finish(w, &f, &err), WR_OK);
    wr_snap_writer_free(w);
    uint8_t *c = malloc(f.len);
    assert_int_equal(wr_snap_reader_new(8, 0, 7, &rd, &err), WR_OK);
    /* Names at 32: [2]"aa" [2]"bb"; the names end at 38. The copy reads fine resealed. */
    memcpy(c, f.ptr, f.len);
    reseal(c, f.len, 38);
    assert_int_equal(wr_snap_reader_add(rd, c, f.len, "same", &err), WR_OK);
    memcpy(c + 36, "aa", 2);
    reseal(c, f.len, 38);
    assert_int_equal(wr_snap_reader_add(rd, c, f.len, "dup", &err), WR_ECORRUPT);
    assert_non_null(strstr(err.msg, "repeated"));
    /* kg_end beyond max_par, and flags with unknown bits. */
    memcpy(c, f.ptr, f.len);
    c[20] = 9;
    reseal(c, f.len, 38);
    assert_int_equal(wr_snap_reader_add(rd, c, f.len, "kg", &err), WR_ECORRUPT);
    memcpy(c, f.ptr, f.len);
    c[24] = 2;
    reseal(c, f.len, 38);
    assert_int_equal(wr_snap_reader_add(rd, c, f.len, "flags", &err), WR_ECORRUPT);
    /* A file range that excludes its own blocks' key groups. */
    memcpy(c, f.ptr, f.len);
    c[16] = 2; /* kg_start 2, but a block of key group 1 */
    reseal(c, f.len, 38);
    assert_int_equal(wr_snap_reader_add(rd, c, f.len, "range", &err), WR_ECORRUPT);
    assert_non_null(strstr(err.msg, "key group"));
    /* A newer format version. */
    memcpy(c, f.ptr, f.len);
    c[8] = 2;
    reseal(c, f.len, 38);
    assert_int_equal(wr_snap_reader_add(rd, c, f.len, "v2", &err), WR_ECORRUPT);
    assert_non_null(strstr(err.msg, "version 2"));
    wr_snap_reader_free(rd);
    free(c);
    wr_buf_free(&f);
}

/* Every allocation of a write + read cycle fails in turn: errors, never crashes or leaks. */
static void test_alloc_failures(void **state)
{
    (void)state;
    const uint32_t n = 200, max_par = 16;
    rec_spec *r = make_recs(n, max_par);
    int64_t live0 = wr_mem_live_allocs();
    int ok_runs = 0;
    for (int64_t k = 1; k < 400; k++) {
        wr_error err;
        wr_snap_writer *w = NULL;
        wr_snap_reader *rd = NULL;
        wr_buf f;
        wr_buf_init(&f);
        wr_buf_append(&f, "head", 4); /* finish appends after what is there */
        wr_mem_fail_after(k);
        int rc = wr_snap_writer_new(max_par, 0, max_par - 1, k % 2 == 0, &w, &err);
        for (uint32_t i = 0; rc == WR_OK && i < n; i++)
            rc = wr_snap_put(w, r[i].table, r[i].kg, r[i].ns, r[i].key, (uint32_t)strlen(r[i].key),
                             r[i].val, (uint32_t)strlen(r[i].val), &err);
        if (rc == WR_OK) rc = wr_snap_put_op(w, "op", "x", 1, &err);
        if (rc == WR_OK) rc = wr_snap_finish(w, &f, &err);
        if (rc == WR_OK) rc = wr_snap_reader_new(max_par, 3, 9, &rd, &err);
        if (rc == WR_OK) rc = wr_snap_reader_add(rd, f.ptr + 4, f.len - 4, "f", &err);
        wr_mem_fail_off();
        if (rc == WR_OK) {
            uint8_t *seen = calloc(n, 1);
            uint32_t want = 0;
            for (uint32_t i = 0; i < n; i++)
                want += r[i].kg >= 3 && r[i].kg <= 9;
            assert_int_equal(read_all(rd, r, n, seen, 3, 9), want);
            free(seen);
            ok_runs++;
        } else {
            assert_int_equal(rc, WR_ENOMEM);
        }
        wr_snap_reader_free(rd);
        wr_snap_writer_free(w);
        wr_buf_free(&f);
        assert_int_equal(wr_mem_live_allocs(), live0);
    }
    assert_true(ok_runs > 0);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),     cmocka_unit_test(test_empty_and_bad_args),
        cmocka_unit_test(test_rescale),        cmocka_unit_test(test_rescale_more),
        cmocka_unit_test(test_corrupt),        cmocka_unit_test(test_crafted),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
