/* test_formats_fuzz.c - robustness of the csv and json decoders: random bytes, and valid
 * records with random mutations (bytes flipped, inserted, deleted, truncated), fed whole and
 * in random pieces, under several configurations and schemas covering every scalar type.
 * Every call must return WR_OK or WR_EPARSE with a sane result (never crash, never read
 * outside the buffer - run under ASan - never loop), and whatever was decoded must encode
 * again. Deterministic: a fixed seed. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static size_t rnd_below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

static wr_schema *all_types_schema(void)
{
    wr_type types[] = {
        wr_type_make(WR_TYPE_BOOLEAN),     wr_type_make(WR_TYPE_TINYINT),
        wr_type_make(WR_TYPE_SMALLINT),    wr_type_make(WR_TYPE_INT),
        wr_type_make(WR_TYPE_BIGINT),      wr_type_make(WR_TYPE_FLOAT),
        wr_type_make(WR_TYPE_DOUBLE),      wr_type_decimal(10, 2),
        wr_type_decimal(38, 10),           wr_type_varchar(WR_MAX_LENGTH),
        wr_type_make(WR_TYPE_VARBINARY),   wr_type_make(WR_TYPE_DATE),
        wr_type_make(WR_TYPE_TIME),        wr_type_timestamp(3),
        wr_type_timestamp_ltz(6),          wr_type_make(WR_TYPE_INTERVAL_DT),
        wr_type_make(WR_TYPE_INTERVAL_YM), wr_type_not_null(wr_type_make(WR_TYPE_INT)),
    };
    const char *names[] = {"b", "ti", "si", "i",  "bi", "f",   "d",   "dec", "dec38",
                           "s", "by", "dt", "tm", "ts", "ltz", "ids", "iym", "nn"};
    wr_schema *s = wr_schema_new(WR_ARRAY_LEN(types));
    for (uint32_t i = 0; i < WR_ARRAY_LEN(types); i++)
        wr_schema_set(s, i, names[i], types[i]);
    return s;
}

static const char *csv_seeds[] = {
    "true,1,2,3,4,1.5,2.5,1.25,12345678901234567890.5,\"a,b\",AQID,2024-01-02,03:04:05,"
    "2024-01-02 03:04:05.678,2024-01-02 03:04:05.678901Z,86400000,13,7\n",
    "FALSE,-128,-32768,-2147483648,-9223372036854775808,NaN,-Infinity,-0.01,0,\"x\"\"y\nz\","
    ",1970-01-01,23:59:59.999999,1970-01-01T00:00:00,1999-12-31 23:59:59Z,+1 02:03:04.000,"
    "-1-02,0\r\n",
    ",,,,,,,,,,,,,,,,,1\n# comment\n\n",
};

static const char *json_seeds[] = {
    "{\"b\":true,\"ti\":1,\"si\":\"2\",\"i\":3.7,\"bi\":-4,\"f\":1e3,\"d\":\"NaN\",\"dec\":1.5e1,"
    "\"dec38\":\"123.456\",\"s\":{\"a\":[1,\"\\ud83d\\ude00\",null]},\"by\":\"AQID\","
    "\"dt\":\"2024-01-02\",\"tm\":\"03:04:05\",\"ts\":\"2024-01-02 03:04:05.678\","
    "\"ltz\":\"2024-01-02 03:04:05Z\",\"ids\":5000,\"iym\":\"14\",\"nn\":1}\n",
    "[{\"nn\":1,\"s\":\"\\u00e9\\n\\\"\"},{\"nn\":2,\"b\":\"false\",\"x\":[[[]]]}]\n",
    "{\"nn\":3,\"s\":true,\"by\":\"\",\"dec\":-0.005,\"bi\":9223372036854775807}\r\n\n",
};

/* Check one decode call's contract. */
static void check_result(int rc, const wr_decode_result *res, size_t n, const wr_batch *b,
                         const wr_error *err)
{
    if (rc != WR_OK && rc != WR_EPARSE) fail_msg("decode returned %d: %s", rc, err->msg);
    assert_true(res->consumed <= n);
    assert_true(b->len <= b->cap);
    if (rc == WR_EPARSE) {
        assert_true(err->msg[0] != 0);
        assert_true(res->err_col >= 1);
    }
}

/* Decode `in` in random pieces with a sliding window, the way the file source does. */
static void drive(const wr_format_vt *fmt, const void *cfg, const wr_schema *s, const char *in,
                  size_t n, bool whole)
{
    void *dec = NULL, *enc = NULL;
    wr_error err;
    assert_int_equal(fmt->decoder_new(cfg, s, &dec, &err), WR_OK);
    assert_int_equal(fmt->encoder_new(cfg, s, &enc, &err), WR_OK);
    wr_batch *b = wr_batch_new(s, 1 + (uint32_t)rnd_below(8), NULL);
    wr_buf out;
    wr_buf_init(&out);
    size_t start = 0, avail = whole ? n : 0;
    int guard = 0;
    for (;;) {
        assert_true(++guard < 100000);
        bool eof = avail == n;
        wr_decode_result res;
        int rc = fmt->decode(dec, in + start, avail - start, eof, b, &res, &err);
        check_result(rc, &res, avail - start, b, &err);
        start += res.consumed;
        /* Whatever was decoded encodes again. */
        wr_buf_clear(&out);
        assert_int_equal(fmt->encode(enc, b, 0, b->len, &out, &err), WR_OK);
        if (rc == WR_EPARSE) break;
        if (b->len == b->cap || res.full) {
            wr_batch_clear(b);
            continue;
        }
        if (eof && (start == n || !res.need_more)) {
            /* At eof everything is consumed unless a record's rows never fit a batch. */
            assert_true(start == n || res.full);
            break;
        }
        if (!eof) {
            size_t step = 1 + rnd_below(40); /* WR_MIN evaluates twice */
            avail = WR_MIN(n, avail + step);
        }
    }
    wr_buf_free(&out);
    wr_batch_release(b);
    fmt->decoder_free(dec);
    fmt->encoder_free(enc);
}

static void mutate(char *buf, size_t *n, size_t cap)
{
    static const char interesting[] = "\"\\,\n\r{}[]:-.eE0u#'\t ";
    int edits = 1 + (int)rnd_below(4);
    for (int k = 0; k < edits; k++) {
        size_t pos = rnd_below(*n + 1);
        switch (rnd_below(5)) {
        case 0: /* flip */
            if (*n) buf[rnd_below(*n)] ^= (char)(1u << rnd_below(8));
            break;
        case 1: /* insert an interesting byte */
            if (*n + 1 < cap) {
                memmove(buf + pos + 1, buf + pos, *n - pos);
                buf[pos] = interesting[rnd_below(sizeof interesting - 1)];
                (*n)++;
            }
            break;
        case 2: /* delete */
            if (pos < *n) {
                memmove(buf + pos, buf + pos + 1, *n - pos - 1);
                (*n)--;
            }
            break;
        case 3: /* truncate */
            *n = pos;
            break;
        default: /* replace with an interesting byte */
            if (pos < *n) buf[pos] = interesting[rnd_below(sizeof interesting - 1)];
            break;
        }
    }
}

static void fuzz_format(const wr_format_vt *fmt, const char *const *seeds, size_t nseeds,
                        void (*configure)(void *cfg, int variant))
{
    wr_schema *s = all_types_schema();
    char cfg[512];
    assert_true(fmt->config_size <= sizeof cfg);
    char *buf = malloc(8192);
    for (int iter = 0; iter < 40000; iter++) {
        fmt->config_init(cfg);
        configure(cfg, iter % 4);
        size_t n;
        if (iter % 3 == 0) {
            /* Random bytes, biased towards the format's structural characters. */
            n = rnd_below(300);
            for (size_t i = 0; i < n; i++)
                buf[i] =
                    rnd_below(3) ? "\"\\,\n{}[]:0123456789aeE-.tfnu #"[rnd_below(31)] : (char)rnd();
        } else {
            /* Some valid records, then mutations. */
            n = 0;
            int records = 1 + (int)rnd_below(4);
            for (int r = 0; r < records; r++) {
                const char *seed = seeds[rnd_below(nseeds)];
                size_t len = strlen(seed);
                if (n + len >= 4096) break;
                memcpy(buf + n, seed, len);
                n += len;
            }
            mutate(buf, &n, 8192);
        }
        drive(fmt, cfg, s, buf, n, iter % 2 == 0);
    }
    free(buf);
    wr_schema_free(s);
}

static void csv_variant(void *p, int v)
{
    wr_csv_config *c = p;
    c->ignore_parse_errors = v & 1;
    if (v & 2) {
        c->escape_char = '\\';
        c->allow_comments = true;
        c->has_null_literal = true;
        strcpy(c->null_literal, "null");
    }
    if (v == 3) c->disable_quote = true;
}

static void json_variant(void *p, int v)
{
    wr_json_config *c = p;
    c->ignore_parse_errors = v & 1;
    c->fail_on_missing_field = v == 2;
    c->ts_standard = v == 3 ? WR_JSON_TS_ISO_8601 : WR_JSON_TS_SQL;
}

static void test_fuzz_csv(void **state)
{
    (void)state;
    fuzz_format(&wr_format_csv, csv_seeds, WR_ARRAY_LEN(csv_seeds), csv_variant);
}

static void test_fuzz_json(void **state)
{
    (void)state;
    fuzz_format(&wr_format_json, json_seeds, WR_ARRAY_LEN(json_seeds), json_variant);
}

/* The seeds themselves decode without errors (so the mutations start from valid input). */
static void test_seeds_valid(void **state)
{
    (void)state;
    wr_schema *s = all_types_schema();
    wr_error err;
    for (int f = 0; f < 2; f++) {
        const wr_format_vt *fmt = f ? &wr_format_json : &wr_format_csv;
        const char *const *seeds = f ? json_seeds : csv_seeds;
        char cfg[512];
        fmt->config_init(cfg);
        if (!f) csv_variant(cfg, 2);
        for (size_t i = 0; i < 3; i++) {
            void *dec;
            assert_int_equal(fmt->decoder_new(cfg, s, &dec, &err), WR_OK);
            wr_batch *b = wr_batch_new(s, 8, NULL);
            wr_decode_result res;
            int rc = fmt->decode(dec, seeds[i], strlen(seeds[i]), true, b, &res, &err);
            if (rc) fail_msg("%s seed %zu: %s", fmt->name, i, err.msg);
            assert_true(b->len >= 1);
            wr_batch_release(b);
            fmt->decoder_free(dec);
        }
    }
    wr_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seeds_valid),
        cmocka_unit_test(test_fuzz_csv),
        cmocka_unit_test(test_fuzz_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
