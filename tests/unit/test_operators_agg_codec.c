/* test_operators_agg_codec.c - the accumulator byte format (wr_agg_encode / wr_agg_decode)
 * for every aggregate kind and argument type agg.c supports: accumulators built from
 * random batches (NULLs, FILTER, retractions where allowed) survive a round trip with
 * identical results, identical bytes when encoded again, and identical behaviour under
 * further updates, retractions and merges; truncated, extended, mutated and random bytes
 * and injected allocation failures give WR_ECORRUPT / WR_ENOMEM without leaks or crashes. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "operators/agg.h"

/* ------------------------------------------------------------------------------------------
 * Random rows: every row is generated from its own seed, so that a row accumulated earlier
 * can be generated again to be retracted.
 * ---------------------------------------------------------------------------------------- */
enum {
    C_INT = 0,
    C_BIGINT,
    C_TINYINT,
    C_SMALLINT,
    C_DOUBLE,
    C_FLOAT,
    C_DEC64,  /* DECIMAL(10, 2): 64-bit */
    C_DEC128, /* DECIMAL(30, 4): 128-bit */
    C_VARCHAR,
    C_BOOLEAN,
    C_TIMESTAMP,
    C_DATE,
    C_VARBINARY,
    C_FILTER, /* BOOLEAN, the FILTER column */
    NCOLS
};
#define NVALUE_COLS C_FILTER
#define BATCH_ROWS  64
#define NACC        3

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static wr_type col_type(int c)
{
    switch (c) {
    case C_INT:
        return wr_type_make(WR_TYPE_INT);
    case C_BIGINT:
        return wr_type_make(WR_TYPE_BIGINT);
    case C_TINYINT:
        return wr_type_make(WR_TYPE_TINYINT);
    case C_SMALLINT:
        return wr_type_make(WR_TYPE_SMALLINT);
    case C_DOUBLE:
        return wr_type_make(WR_TYPE_DOUBLE);
    case C_FLOAT:
        return wr_type_make(WR_TYPE_FLOAT);
    case C_DEC64:
        return wr_type_decimal(10, 2);
    case C_DEC128:
        return wr_type_decimal(30, 4);
    case C_VARCHAR:
        return wr_type_varchar(WR_MAX_LENGTH);
    case C_BOOLEAN:
    case C_FILTER:
        return wr_type_make(WR_TYPE_BOOLEAN);
    case C_TIMESTAMP:
        return wr_type_timestamp(3);
    case C_DATE:
        return wr_type_make(WR_TYPE_DATE);
    case C_VARBINARY:
        return wr_type_make(WR_TYPE_VARBINARY);
    }
    fail_msg("column %d", c);
    return wr_type_make(WR_TYPE_NULL);
}

static wr_schema *input_schema(void)
{
    wr_schema *s = wr_schema_new(NCOLS);
    assert_non_null(s);
    for (int c = 0; c < NCOLS; c++) {
        char name[16];
        snprintf(name, sizeof(name), "c%d", c);
        assert_int_equal(wr_schema_set(s, (uint32_t)c, name, col_type(c)), 0);
    }
    return s;
}

static double pick_double(uint64_t *rs)
{
    switch (splitmix(rs) % 10) {
    case 0:
        return NAN;
    case 1:
        return -0.0;
    case 2:
        return 0.0;
    case 3:
        return INFINITY;
    case 4:
        return -INFINITY;
    case 5:
        return 1e300;
    default:
        return (double)((int)(splitmix(rs) % 81) - 40) * 0.25;
    }
}

static void put_int(wr_vec *v, uint32_t r, int64_t x)
{
    switch (v->phys) {
    case WR_PHYS_U8:
        WR_VEC_U8(v)[r] = (uint8_t)x;
        break;
    case WR_PHYS_I8:
        WR_VEC_I8(v)[r] = (int8_t)x;
        break;
    case WR_PHYS_I16:
        WR_VEC_I16(v)[r] = (int16_t)x;
        break;
    case WR_PHYS_I32:
        WR_VEC_I32(v)[r] = (int32_t)x;
        break;
    case WR_PHYS_I64:
        WR_VEC_I64(v)[r] = x;
        break;
    default:
        fail_msg("put_int on phys %d", v->phys);
    }
}

/* Row r of b from seed; NULLs in about one value in seven. */
static void fill_row(wr_batch *b, uint32_t r, uint64_t seed)
{
    uint64_t rs = seed;
    for (int c = 0; c < NCOLS; c++) {
        wr_vec *v = &b->cols[c];
        if (splitmix(&rs) % 7 == 0) {
            wr_vec_set_valid(v, r, false);
            continue;
        }
        wr_vec_set_valid(v, r, true);
        int64_t small = (int64_t)(splitmix(&rs) % 61) - 30;
        switch (c) {
        case C_INT:
        case C_TINYINT:
        case C_SMALLINT:
            put_int(v, r, small);
            break;
        case C_BIGINT: /* near the ends too, for wrap-around sums */
            put_int(v, r, splitmix(&rs) % 4 == 0 ? INT64_MAX - (small + 30) : small * 1000003);
            break;
        case C_DOUBLE:
            WR_VEC_F64(v)[r] = pick_double(&rs);
            break;
        case C_FLOAT:
            WR_VEC_F32(v)[r] = (float)pick_double(&rs);
            break;
        case C_DEC64:
            put_int(v, r, small * 3333333);
            break;
        case C_DEC128:
            WR_VEC_I128(v)[r] = (wr_i128)small * wr_pow10_i128(25) + (wr_i128)(small * 7);
            break;
        case C_BOOLEAN:
        case C_FILTER:
            put_int(v, r, splitmix(&rs) % 4 != 0);
            break;
        case C_TIMESTAMP:
            put_int(v, r, 1700000000000 + small * 1000);
            break;
        case C_DATE:
            put_int(v, r, 19000 + small);
            break;
        case C_VARCHAR: {
            char s[160];
            int k = (int)(small + 30) % 12, n;
            if (k == 0)
                n = 0; /* the empty string */
            else if (k == 1)
                n = snprintf(s, sizeof(s), "%0120d", (int)small); /* a long one */
            else
                n = snprintf(s, sizeof(s), "v%d", k * 7 % 11);
            assert_int_equal(wr_batch_copy_str(b, s, (size_t)n, &WR_VEC_STR(v)[r]), 0);
            break;
        }
        case C_VARBINARY: {
            static const char alpha[] = {0, 1, (char)0xff};
            char s[5];
            size_t n = splitmix(&rs) % 4;
            for (size_t i = 0; i < n; i++)
                s[i] = alpha[splitmix(&rs) % 3];
            assert_int_equal(wr_batch_copy_str(b, s, n, &WR_VEC_STR(v)[r]), 0);
            break;
        }
        }
    }
}

/* ------------------------------------------------------------------------------------------
 * Aggregate lists
 * ---------------------------------------------------------------------------------------- */
static wr_agg_spec mk(wr_agg_kind kind, int arg, bool retract)
{
    return (wr_agg_spec){.kind = kind,
                         .arg = arg,
                         .filter = -1,
                         .arg_type = arg >= 0 ? col_type(arg) : wr_type_make(WR_TYPE_NULL),
                         .retract = retract};
}

static bool is_sum_col(int c)
{
    return c <= C_DEC128;
}

static bool is_string_col(int c)
{
    return c == C_VARCHAR || c == C_VARBINARY;
}

/* Every combination: COUNT(*), COUNT(x), COUNT(DISTINCT x), SUM and AVG over the numeric
 * columns, MIN and MAX over every column (retractable when retract), and some FILTERs. With
 * plain_only, only the aggregates that own no memory. Returns the number of specs. */
static uint32_t all_specs(wr_agg_spec *sp, bool retract, bool plain_only)
{
    uint32_t n = 0;
    sp[n++] = mk(WR_AGG_COUNT_STAR, -1, false);
    for (int c = 0; c < NVALUE_COLS; c++) {
        sp[n++] = mk(WR_AGG_COUNT, c, false);
        if (!plain_only) sp[n++] = mk(WR_AGG_COUNT_DISTINCT, c, false);
        if (is_sum_col(c)) {
            sp[n++] = mk(WR_AGG_SUM, c, false);
            sp[n++] = mk(WR_AGG_AVG, c, false);
        }
        if (!plain_only || !is_string_col(c)) {
            sp[n++] = mk(WR_AGG_MIN, c, retract && !plain_only);
            sp[n++] = mk(WR_AGG_MAX, c, retract && !plain_only);
        }
    }
    sp[n] = mk(WR_AGG_SUM, C_INT, false);
    sp[n++].filter = C_FILTER;
    sp[n] = mk(WR_AGG_MAX, C_DOUBLE, retract && !plain_only);
    sp[n++].filter = C_FILTER;
    if (!plain_only) {
        sp[n] = mk(WR_AGG_COUNT_DISTINCT, C_VARCHAR, false);
        sp[n++].filter = C_FILTER;
    }
    return n;
}

/* ------------------------------------------------------------------------------------------
 * One scenario: NACC accumulators fed by random batches, encoded, decoded, compared,
 * updated and merged further, and their bytes corrupted.
 * ---------------------------------------------------------------------------------------- */
typedef struct row_ref {
    uint64_t seed;
    int acc; /* index of the accumulator it went to */
} row_ref;

typedef struct scen {
    const wr_agg_layout *l;
    bool retract;
    uint64_t rng;
    wr_schema *in_s, *out_s;
    row_ref *hist; /* rows accumulated and not retracted yet */
    uint32_t nhist, caphist;
    uint64_t next_seed;
} scen;

static uint8_t *acc_new(const wr_agg_layout *l)
{
    size_t n = l->acc_size ? l->acc_size : WR_AGG_ACC_ALIGN;
    uint8_t *p = aligned_alloc(WR_AGG_ACC_ALIGN, n);
    assert_non_null(p);
    memset(p, 0xA5, n);
    wr_agg_init(l, p);
    return p;
}

static void hist_push(scen *sc, uint64_t seed, int acc)
{
    if (sc->nhist == sc->caphist) {
        sc->caphist = sc->caphist ? sc->caphist * 2 : 64;
        sc->hist = realloc(sc->hist, sc->caphist * sizeof(*sc->hist));
        assert_non_null(sc->hist);
    }
    sc->hist[sc->nhist++] = (row_ref){seed, acc};
}

/* A random batch for the accumulators of two sets (a[] and b[], updated alike): new rows,
 * retractions of earlier rows and of rows never seen (when sc->retract), rows to no
 * accumulator. With retract_all, the batch retracts every remaining row instead. */
static void feed(scen *sc, uint8_t *const *a, uint8_t *const *b, bool retract_all)
{
    wr_batch *in = wr_batch_new(sc->in_s, BATCH_ROWS, NULL);
    assert_non_null(in);
    uint8_t *accs_a[BATCH_ROWS], *accs_b[BATCH_ROWS];
    uint32_t r = 0;
    while (r < BATCH_ROWS) {
        uint64_t x = splitmix(&sc->rng);
        uint64_t seed;
        int k;
        uint8_t kind;
        if (retract_all) {
            if (sc->nhist == 0) break;
            row_ref h = sc->hist[--sc->nhist];
            seed = h.seed, k = h.acc, kind = WR_RK_DELETE;
        } else if (sc->retract && sc->nhist > 0 && x % 4 == 0) {
            uint32_t j = (uint32_t)((x >> 8) % sc->nhist);
            row_ref h = sc->hist[j];
            sc->hist[j] = sc->hist[--sc->nhist];
            seed = h.seed, k = h.acc, kind = (x >> 40) % 2 ? WR_RK_DELETE : WR_RK_UPDATE_BEFORE;
        } else if (sc->retract && x % 29 == 1) {
            seed = sc->next_seed++, k = (int)((x >> 8) % NACC), kind = WR_RK_DELETE;
        } else if (x % 23 == 2) {
            seed = sc->next_seed++, k = -1, kind = WR_RK_INSERT;
        } else {
            seed = sc->next_seed++, k = (int)((x >> 8) % NACC);
            kind = (x >> 40) % 2 ? WR_RK_INSERT : WR_RK_UPDATE_AFTER;
            hist_push(sc, seed, k);
        }
        fill_row(in, r, seed);
        in->rowkind[r] = kind;
        accs_a[r] = k >= 0 ? a[k] : NULL;
        accs_b[r] = k >= 0 ? b[k] : NULL;
        r++;
    }
    in->len = r;
    wr_error err = {0};
    assert_int_equal(wr_agg_update(sc->l, accs_a, in, false, NULL, &err), 0);
    if (b != a) assert_int_equal(wr_agg_update(sc->l, accs_b, in, false, NULL, &err), 0);
    wr_batch_release(in);
}

static void encode(const wr_agg_layout *l, const uint8_t *acc, wr_buf *out)
{
    wr_buf_clear(out);
    assert_int_equal(wr_agg_encode(l, acc, out), 0);
    assert_true(out->len >= 1);
    if (!l->owns_memory) assert_int_equal(out->len, 1 + (size_t)l->acc_size);
}

/* Results of x and y are the same values, bit for bit; so are their encodings. */
static void assert_same(const scen *sc, const uint8_t *x, const uint8_t *y)
{
    const wr_agg_layout *l = sc->l;
    wr_error err = {0};
    wr_batch *out = wr_batch_new(sc->out_s, 2, NULL);
    assert_non_null(out);
    out->len = 2;
    assert_int_equal(wr_agg_result(l, x, out, 0, 0, &err), 0);
    assert_int_equal(wr_agg_result(l, y, out, 0, 1, &err), 0);
    for (uint32_t c = 0; c < l->naggs; c++) {
        const wr_vec *v = &out->cols[c];
        bool valid = wr_vec_valid(v, 0);
        assert_int_equal(valid, wr_vec_valid(v, 1));
        if (!valid) continue;
        if (v->phys == WR_PHYS_STR) {
            const wr_strv *s = WR_VEC_STR(v);
            assert_int_equal(s[0].len, s[1].len);
            if (s[0].len) assert_memory_equal(s[0].ptr, s[1].ptr, s[0].len);
        } else {
            const uint8_t *d = v->data;
            assert_memory_equal(d, d + v->width, v->width);
        }
    }
    assert_true(wr_agg_result_equal(l, y, out, 0, 0));
    wr_batch_release(out);
    wr_buf bx, by;
    wr_buf_init(&bx);
    wr_buf_init(&by);
    encode(l, x, &bx);
    encode(l, y, &by);
    assert_int_equal(bx.len, by.len);
    assert_memory_equal(bx.ptr, by.ptr, bx.len);
    wr_buf_free(&bx);
    wr_buf_free(&by);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

/* Decoding bytes that must fail: WR_ECORRUPT with a message, acc left empty, nothing kept. */
static void assert_corrupt(const wr_agg_layout *l, const uint8_t *p, size_t n, uint8_t *acc)
{
    wr_mem_owner mo = WR_MEM_OWNER_INIT("codec-corrupt");
    int64_t live = wr_mem_live_allocs();
    wr_error err = {0};
    int rc = wr_agg_decode(l, p, n, acc, &mo, &err);
    if (rc != WR_ECORRUPT) fail_msg("decoding %zu bytes gave %d, not WR_ECORRUPT", n, rc);
    assert_int_equal(err.code, WR_ECORRUPT);
    assert_non_null(strstr(err.msg, "corrupt accumulator"));
    assert_true(all_zero(acc, l->acc_size));
    assert_int_equal(mo.bytes, 0);
    assert_int_equal(wr_mem_live_allocs(), live);
}

/* Bytes that may or may not be well-formed: either error, or an accumulator that works. */
static void decode_any(scen *sc, const uint8_t *p, size_t n, uint8_t *acc)
{
    const wr_agg_layout *l = sc->l;
    wr_mem_owner mo = WR_MEM_OWNER_INIT("codec-any");
    int64_t live = wr_mem_live_allocs();
    wr_error err = {0};
    int rc = wr_agg_decode(l, p, n, acc, &mo, &err);
    if (rc == 0) {
        wr_batch *out = wr_batch_new(sc->out_s, 1, NULL);
        out->len = 1;
        assert_int_equal(wr_agg_result(l, acc, out, 0, 0, &err), 0);
        wr_batch_release(out);
        wr_buf b;
        wr_buf_init(&b);
        assert_int_equal(wr_agg_encode(l, acc, &b), 0);
        wr_buf_free(&b);
        wr_agg_destroy(l, acc);
    } else {
        assert_int_equal(rc, WR_ECORRUPT);
        assert_true(all_zero(acc, l->acc_size));
    }
    assert_int_equal(mo.bytes, 0);
    assert_int_equal(wr_mem_live_allocs(), live);
}

static void corrupt_sweep(scen *sc, const uint8_t *p, size_t n, uint8_t *scratch)
{
    const wr_agg_layout *l = sc->l;
    /* every truncation */
    for (size_t k = 0; k < n; k++)
        assert_corrupt(l, p, k, scratch);
    assert_corrupt(l, NULL, 0, scratch);
    uint8_t *q = malloc(n + 64);
    assert_non_null(q);
    /* one byte too many, another version */
    memcpy(q, p, n);
    q[n] = 0;
    assert_corrupt(l, q, n + 1, scratch);
    q[0] = 2;
    assert_corrupt(l, q, n, scratch);
    q[0] = 0;
    assert_corrupt(l, q, n, scratch);
    /* a few random bytes changed */
    for (int t = 0; t < 300; t++) {
        memcpy(q, p, n);
        int flips = 1 + (int)(splitmix(&sc->rng) % 3);
        for (int f = 0; f < flips; f++) {
            uint64_t x = splitmix(&sc->rng);
            size_t at = 1 + (size_t)(x % (n > 1 ? n - 1 : 1));
            if (at < n) q[at] = (x >> 32) % 3 == 0 ? 0xff : (uint8_t)(q[at] ^ (uint8_t)(x >> 40));
        }
        decode_any(sc, q, n, scratch);
    }
    /* random bytes, half of them behind a valid version byte */
    for (int t = 0; t < 300; t++) {
        size_t len = (size_t)(splitmix(&sc->rng) % (n + 64));
        uint8_t *rb = malloc(len + 1);
        assert_non_null(rb);
        for (size_t i = 0; i < len; i++)
            rb[i] = (uint8_t)splitmix(&sc->rng);
        if (len && t % 2) rb[0] = 1;
        decode_any(sc, rb, len, scratch);
        free(rb);
    }
    free(q);
}

/* Allocation failures at every step of a decode: WR_ENOMEM, nothing kept, acc empty. */
static void enomem_sweep(const wr_agg_layout *l, const uint8_t *p, size_t n, uint8_t *scratch)
{
    int64_t live = wr_mem_live_allocs();
    for (int64_t k = 1;; k++) {
        wr_mem_owner mo = WR_MEM_OWNER_INIT("codec-enomem");
        wr_error err = {0};
        wr_mem_fail_after(k);
        int rc = wr_agg_decode(l, p, n, scratch, &mo, &err);
        wr_mem_fail_off();
        if (rc == 0) {
            wr_agg_destroy(l, scratch);
            assert_int_equal(mo.bytes, 0);
            break;
        }
        assert_int_equal(rc, WR_ENOMEM);
        assert_true(all_zero(scratch, l->acc_size));
        assert_int_equal(mo.bytes, 0);
        assert_int_equal(wr_mem_live_allocs(), live);
    }
    assert_int_equal(wr_mem_live_allocs(), live);
}

static void run_scenario(const wr_agg_spec *specs, uint32_t n, bool retract, uint64_t seed,
                         bool sweep)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(specs, n, &err);
    if (!l) fail_msg("layout: %s", err.msg);
    scen sc = {.l = l, .retract = retract, .rng = seed, .next_seed = seed * 1000003};
    sc.in_s = input_schema();
    sc.out_s = wr_schema_new(n);
    for (uint32_t i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof(name), "r%u", i);
        assert_int_equal(wr_schema_set(sc.out_s, i, name, l->slots[i].spec.result_type), 0);
    }

    uint8_t *orig[NACC], *dec[NACC], *scratch = acc_new(l);
    for (int k = 0; k < NACC; k++)
        orig[k] = acc_new(l);
    for (int b = 0; b < 4; b++)
        feed(&sc, orig, orig, false);

    /* Round trip (accumulator NACC-1 may be empty when few rows reach it: also fine). */
    wr_mem_owner mo = WR_MEM_OWNER_INIT("codec-decoded");
    wr_buf bytes[NACC];
    for (int k = 0; k < NACC; k++) {
        wr_buf_init(&bytes[k]);
        encode(l, orig[k], &bytes[k]);
        dec[k] = acc_new(l);
        int rc = wr_agg_decode(l, (const uint8_t *)bytes[k].ptr, bytes[k].len, dec[k], &mo, &err);
        if (rc) fail_msg("decode: %s", err.msg);
        if (!l->owns_memory) assert_memory_equal(orig[k], dec[k], l->acc_size);
        assert_same(&sc, orig[k], dec[k]);
        if (wr_agg_owned_bytes(l, dec[k]) > 0) assert_true(mo.bytes > 0);
    }
    /* Appending to a buffer that already holds bytes keeps them. */
    {
        wr_buf b;
        wr_buf_init(&b);
        assert_int_equal(wr_buf_append(&b, "xyz", 3), 0);
        assert_int_equal(wr_agg_encode(l, orig[0], &b), 0);
        assert_int_equal(b.len, 3 + bytes[0].len);
        assert_memory_equal(b.ptr, "xyz", 3);
        assert_memory_equal(b.ptr + 3, bytes[0].ptr, bytes[0].len);
        wr_buf_free(&b);
    }
    /* An empty accumulator round-trips too. */
    {
        wr_buf b;
        wr_buf_init(&b);
        uint8_t *e = acc_new(l);
        encode(l, e, &b);
        assert_int_equal(wr_agg_decode(l, (const uint8_t *)b.ptr, b.len, scratch, &mo, &err), 0);
        assert_same(&sc, e, scratch);
        wr_agg_destroy(l, scratch);
        free(e);
        wr_buf_free(&b);
    }

    if (sweep) {
        for (int k = 0; k < NACC; k++) {
            corrupt_sweep(&sc, (const uint8_t *)bytes[k].ptr, bytes[k].len, scratch);
            enomem_sweep(l, (const uint8_t *)bytes[k].ptr, bytes[k].len, scratch);
        }
    }

    /* Further updates (and retractions of the same rows) act alike on both. */
    for (int b = 0; b < 3; b++) {
        feed(&sc, orig, dec, false);
        for (int k = 0; k < NACC; k++)
            assert_same(&sc, orig[k], dec[k]);
    }
    /* Merges: a decoded target merged with an original or with a decoded source. */
    {
        uint8_t *t1 = acc_new(l), *t2 = acc_new(l);
        assert_int_equal(
            wr_agg_decode(l, (const uint8_t *)bytes[2].ptr, bytes[2].len, t1, &mo, &err), 0);
        assert_int_equal(
            wr_agg_decode(l, (const uint8_t *)bytes[2].ptr, bytes[2].len, t2, &mo, &err), 0);
        assert_int_equal(wr_agg_merge(l, t1, orig[0], &mo, &err), 0);
        assert_int_equal(wr_agg_merge(l, t2, dec[0], &mo, &err), 0);
        assert_same(&sc, t1, t2);
        wr_agg_destroy(l, t1);
        wr_agg_destroy(l, t2);
        free(t1);
        free(t2);
        assert_int_equal(wr_agg_merge(l, orig[0], orig[1], NULL, &err), 0);
        assert_int_equal(wr_agg_merge(l, dec[0], dec[1], &mo, &err), 0);
        assert_same(&sc, orig[0], dec[0]);
        /* rows of accumulator 1 now also live in 0; retracting them below hits both */
    }
    if (retract) {
        feed(&sc, orig, dec, true);
        for (int k = 0; k < NACC; k++)
            assert_same(&sc, orig[k], dec[k]);
    }

    for (int k = 0; k < NACC; k++) {
        wr_agg_destroy(l, orig[k]);
        wr_agg_destroy(l, dec[k]);
        free(orig[k]);
        free(dec[k]);
        wr_buf_free(&bytes[k]);
    }
    assert_int_equal(mo.bytes, 0);
    free(scratch);
    free(sc.hist);
    wr_schema_free(sc.in_s);
    wr_schema_free(sc.out_s);
    wr_agg_layout_free(l);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* ------------------------------------------------------------------------------------------
 * Tests
 * ---------------------------------------------------------------------------------------- */

/* Layouts without owned memory: the record image behind the version byte. */
static void test_plain_layout(void **unused)
{
    wr_agg_spec sp[96];
    uint32_t n = all_specs(sp, false, true);
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, n, &err);
    assert_non_null(l);
    assert_false(l->owns_memory);
    wr_agg_layout_free(l);
    for (uint64_t seed = 1; seed <= 3; seed++)
        run_scenario(sp, n, false, seed, seed == 1);
}

/* Every aggregate and argument type together, append-only input (non-retractable MIN/MAX). */
static void test_all_append(void **unused)
{
    wr_agg_spec sp[96];
    uint32_t n = all_specs(sp, false, false);
    for (uint64_t seed = 11; seed <= 13; seed++)
        run_scenario(sp, n, false, seed, seed == 11);
}

/* Every aggregate and argument type together with retractions (MIN/MAX multisets). */
static void test_all_retract(void **unused)
{
    wr_agg_spec sp[96];
    uint32_t n = all_specs(sp, true, false);
    for (uint64_t seed = 21; seed <= 23; seed++)
        run_scenario(sp, n, true, seed, seed == 21);
}

/* Each aggregate alone, so that every slot kind is first, last and only once. */
static void test_each_alone(void **unused)
{
    for (int retract = 0; retract <= 1; retract++) {
        wr_agg_spec sp[96];
        uint32_t n = all_specs(sp, retract, false);
        for (uint32_t i = 0; i < n; i++)
            run_scenario(&sp[i], 1, retract, 100 + i, true);
    }
}

/* The documented bytes, written by hand: COUNT(*), string MAX, retractable MIN(INT) and
 * COUNT(DISTINCT DOUBLE). */
static void test_format_by_hand(void **unused)
{
    wr_agg_spec sp[] = {mk(WR_AGG_COUNT_STAR, -1, false), mk(WR_AGG_MAX, C_VARCHAR, false),
                        mk(WR_AGG_MIN, C_INT, true), mk(WR_AGG_COUNT_DISTINCT, C_DOUBLE, false)};
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, 4, &err);
    assert_non_null(l);
    uint8_t bytes[256], *w = bytes;
#define PUT(v)                                                                                     \
    do {                                                                                           \
        __typeof__(v) v_ = (v);                                                                    \
        memcpy(w, &v_, sizeof(v_));                                                                \
        w += sizeof(v_);                                                                           \
    } while (0)
    PUT((uint8_t)1);       /* version */
    PUT((int64_t)5);       /* COUNT(*) = 5 */
    PUT((uint8_t)1);       /* MAX: has a value, */
    PUT((uint32_t)2);      /* 2 bytes, */
    PUT((uint16_t)0x6b6f); /* "ok" */
    PUT((uint32_t)2);      /* MIN multiset: 2 entries, -3 once and 7 twice */
    PUT((int64_t)-3);
    PUT((int64_t)1);
    PUT((int64_t)7);
    PUT((int64_t)2);
    PUT((uint32_t)3); /* COUNT DISTINCT map: -1.5, 0.0 (twice), NaN */
    PUT(-1.5);
    PUT((int64_t)1);
    PUT(0.0);
    PUT((int64_t)2);
    PUT((double)NAN);
    PUT((int64_t)1);
#undef PUT
    size_t n = (size_t)(w - bytes);

    uint8_t *acc = acc_new(l);
    wr_mem_owner mo = WR_MEM_OWNER_INIT("codec-hand");
    int rc = wr_agg_decode(l, bytes, n, acc, &mo, &err);
    if (rc) fail_msg("%s", err.msg);
    wr_schema *os = wr_schema_new(4);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(wr_schema_set(os, i, "r", l->slots[i].spec.result_type), 0);
    wr_batch *out = wr_batch_new(os, 1, NULL);
    out->len = 1;
    assert_int_equal(wr_agg_result(l, acc, out, 0, 0, &err), 0);
    assert_int_equal(WR_VEC_I64(&out->cols[0])[0], 5);
    assert_int_equal(WR_VEC_STR(&out->cols[1])[0].len, 2);
    assert_memory_equal(WR_VEC_STR(&out->cols[1])[0].ptr, "ok", 2);
    assert_int_equal(WR_VEC_I32(&out->cols[2])[0], -3);
    assert_int_equal(WR_VEC_I64(&out->cols[3])[0], 3);
    /* Encoding gives the same bytes back. */
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_agg_encode(l, acc, &b), 0);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.ptr, bytes, n);
    wr_buf_free(&b);
    wr_agg_destroy(l, acc);

    /* Out-of-order, duplicate, non-positive and out-of-range entries are rejected. */
    uint8_t bad[256];
    size_t ms_at = 1 + 8 + 1 + 4 + 2 + 4; /* first multiset value */
    memcpy(bad, bytes, n);
    memcpy(bad + ms_at, &(int64_t){8}, 8); /* -3 -> 8: not ascending */
    assert_corrupt(l, bad, n, acc);
    memcpy(bad, bytes, n);
    memcpy(bad + ms_at + 8, &(int64_t){0}, 8); /* count 0 */
    assert_corrupt(l, bad, n, acc);
    memcpy(bad, bytes, n);
    memcpy(bad + ms_at, &(int64_t){INT64_C(1) << 40}, 8); /* not an INT */
    assert_corrupt(l, bad, n, acc);
    memcpy(bad, bytes, n);
    memcpy(bad + ms_at + 16, &(int64_t){-3}, 8); /* duplicate */
    assert_corrupt(l, bad, n, acc);
    memcpy(bad, bytes, n);
    bad[1 + 8] = 2; /* has flag */
    assert_corrupt(l, bad, n, acc);
    memcpy(bad, bytes, n);
    memcpy(bad + 1 + 8 + 1, &(uint32_t){UINT32_MAX}, 4); /* string length */
    assert_corrupt(l, bad, n, acc);
    memcpy(bad, bytes, n);
    memcpy(bad + ms_at - 4, &(uint32_t){UINT32_MAX}, 4); /* entry count */
    assert_corrupt(l, bad, n, acc);
    memcpy(bad, bytes, n);
    uint64_t nan2 = 0x7ff8000000000001ull; /* a NaN that is not the canonical one */
    memcpy(bad + n - 8 - 8, &nan2, 8);
    assert_corrupt(l, bad, n, acc);

    free(acc);
    assert_int_equal(mo.bytes, 0);
    wr_batch_release(out);
    wr_schema_free(os);
    wr_agg_layout_free(l);
}

/* The map is unordered in memory, the bytes are not: insertion order does not matter. */
static void test_distinct_canonical(void **unused)
{
    wr_agg_spec sp[] = {mk(WR_AGG_COUNT_DISTINCT, C_VARCHAR, false),
                        mk(WR_AGG_COUNT_DISTINCT, C_BIGINT, false),
                        mk(WR_AGG_COUNT_DISTINCT, C_DEC128, false)};
    wr_error err = {0};
    wr_agg_layout *l = wr_agg_layout_new(sp, 3, &err);
    wr_schema *in_s = input_schema();
    wr_batch *in = wr_batch_new(in_s, BATCH_ROWS, NULL);
    for (uint32_t r = 0; r < BATCH_ROWS; r++)
        fill_row(in, r, 777 + r);
    in->len = BATCH_ROWS;
    uint8_t *a = acc_new(l), *b = acc_new(l);
    uint8_t *accs[BATCH_ROWS];
    for (uint32_t r = 0; r < BATCH_ROWS; r++)
        accs[r] = a;
    assert_int_equal(wr_agg_update(l, accs, in, false, NULL, &err), 0);
    for (uint32_t r = BATCH_ROWS; r-- > 0;) {
        uint8_t *one[1] = {b};
        wr_batch *in1 = wr_batch_new(in_s, 1, NULL);
        fill_row(in1, 0, 777 + r);
        in1->len = 1;
        assert_int_equal(wr_agg_update(l, one, in1, false, NULL, &err), 0);
        wr_batch_release(in1);
    }
    wr_buf ba, bb;
    wr_buf_init(&ba);
    wr_buf_init(&bb);
    assert_int_equal(wr_agg_encode(l, a, &ba), 0);
    assert_int_equal(wr_agg_encode(l, b, &bb), 0);
    assert_int_equal(ba.len, bb.len);
    assert_memory_equal(ba.ptr, bb.ptr, ba.len);
    wr_buf_free(&ba);
    wr_buf_free(&bb);
    wr_agg_destroy(l, a);
    wr_agg_destroy(l, b);
    free(a);
    free(b);
    wr_batch_release(in);
    wr_schema_free(in_s);
    wr_agg_layout_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_by_hand), cmocka_unit_test(test_distinct_canonical),
        cmocka_unit_test(test_plain_layout),   cmocka_unit_test(test_all_append),
        cmocka_unit_test(test_all_retract),    cmocka_unit_test(test_each_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
