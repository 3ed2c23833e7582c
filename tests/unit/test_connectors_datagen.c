/* test_connectors_datagen.c - the datagen source run through real jobs: sequences produced
 * exactly once across 4 subtasks, number-of-rows divided among subtasks, the shortest
 * sequence ending the source, random values within min/max/max-past/length, null-rate,
 * reproducible output with 'seed', the rate limit, and option errors per column type. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/connectors.h"

/* ------------------------------------------------------------------------------------------
 * A collecting sink: every row as "v1|v2|..." (print style) into one shared buffer.
 * ---------------------------------------------------------------------------------------- */
typedef struct collector {
    wr_mutex mu;
    wr_buf text;
    uint64_t rows;
} collector;

static int coll_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    *state = (void *)config;
    return WR_OK;
}

static int coll_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    collector *c = state;
    wr_buf local;
    wr_buf_init(&local);
    for (uint32_t r = 0; r < in->len; r++) {
        for (uint32_t k = 0; k < in->ncols; k++) {
            if (k) wr_buf_putc(&local, '|');
            wr_vec_format(&in->cols[k], r, WR_STYLE_PRINT, &local);
        }
        wr_buf_putc(&local, '\n');
    }
    wr_mutex_lock(&c->mu);
    wr_buf_append(&c->text, local.ptr, local.len);
    c->rows += in->len;
    wr_mutex_unlock(&c->mu);
    wr_buf_free(&local);
    return WR_OK;
}

static void coll_close(void *state) {}

static const wr_op_vt coll_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "collect",
    .open = coll_open,
    .process = coll_process,
    .close = coll_close,
};

static wr_schema *make_schema(uint32_t n, const char *const *names, const wr_type *types)
{
    wr_schema *s = wr_schema_new(n);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(wr_schema_set(s, i, names[i], types[i]), WR_OK);
    return s;
}

/* Run datagen(options) with parallelism par into the collector; returns the job's rc. */
static int run_datagen(const char *const *kv, const wr_schema *s, uint32_t par, collector *c,
                       bool *bounded, wr_error *err)
{
    wr_options o;
    wr_options_init(&o);
    wr_options_set(&o, "connector", "datagen");
    for (size_t i = 0; kv[i]; i += 2)
        wr_options_set(&o, kv[i], kv[i + 1]);
    wr_source_def def;
    int rc = wr_connector_make_source(&o, s, &def, err);
    wr_options_free(&o);
    if (rc) return rc;
    if (bounded) *bounded = def.bounded;
    wr_mutex_init(&c->mu);
    wr_buf_init(&c->text);
    c->rows = 0;
    wr_job *job = wr_job_new("datagen-test");
    int src = wr_job_add_source(job, "gen", def.vt, def.cfg, def.cfg_free, s, par, NULL);
    int snk = wr_job_add_op(job, "collect", &coll_vt, c, NULL, s, par);
    assert_true(src >= 0 && snk >= 0);
    assert_int_equal(wr_job_connect(job, src, snk, 0, WR_EDGE_FORWARD, NULL, 0), WR_OK);
    wr_job_opts opts = {.workers = 4, .batch_rows = 64};
    rc = wr_job_run(job, &opts, NULL, err);
    wr_job_free(job);
    return rc;
}

static void coll_free(collector *c)
{
    wr_buf_free(&c->text);
    wr_mutex_destroy(&c->mu);
}

static void test_sequence_exactly_once(void **state)
{
    (void)state;
    const char *names[] = {"id", "s", "d"};
    wr_type types[] = {wr_type_make(WR_TYPE_BIGINT), wr_type_varchar(WR_MAX_LENGTH),
                       wr_type_decimal(10, 2)};
    wr_schema *s = make_schema(3, names, types);
    collector c;
    wr_error err;
    bool bounded = false;
    int rc = run_datagen((const char *[]){"rows-per-second",
                                          "100000000",
                                          "fields.id.kind",
                                          "sequence",
                                          "fields.id.start",
                                          "-3",
                                          "fields.id.end",
                                          "996",
                                          "fields.s.kind",
                                          "sequence",
                                          "fields.s.start",
                                          "100",
                                          "fields.s.end",
                                          "2000",
                                          "fields.d.kind",
                                          "sequence",
                                          "fields.d.start",
                                          "0",
                                          "fields.d.end",
                                          "5000",
                                          NULL},
                         s, 4, &c, &bounded, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_true(bounded);
    /* The id sequence (1000 values) is the shortest and ends the source. */
    assert_int_equal(c.rows, 1000);
    static uint8_t seen[1000];
    memset(seen, 0, sizeof seen);
    char *line = c.text.ptr;
    for (uint64_t i = 0; i < c.rows; i++) {
        long long id, sv;
        double d;
        assert_int_equal(sscanf(line, "%lld|%lld|%lf", &id, &sv, &d), 3);
        assert_true(id >= -3 && id <= 996);
        assert_int_equal(seen[id + 3]++, 0);
        /* All three sequences advance together within a subtask. */
        assert_int_equal(sv - 100, id + 3);
        assert_true(d == (double)(id + 3));
        line = strchr(line, '\n') + 1;
    }
    coll_free(&c);
    wr_schema_free(s);
}

static void test_number_of_rows(void **state)
{
    (void)state;
    const char *names[] = {"x"};
    wr_type types[] = {wr_type_make(WR_TYPE_INT)};
    wr_schema *s = make_schema(1, names, types);
    collector c;
    wr_error err;
    bool bounded = false;
    for (uint32_t par = 1; par <= 4; par++) {
        int rc = run_datagen(
            (const char *[]){"rows-per-second", "100000000", "number-of-rows", "1001", NULL}, s,
            par, &c, &bounded, &err);
        if (rc) fail_msg("%s", err.msg);
        assert_true(bounded);
        assert_int_equal(c.rows, 1001);
        coll_free(&c);
    }
    /* number-of-rows below the sequence length wins. */
    int rc = run_datagen((const char *[]){"rows-per-second", "100000000", "number-of-rows", "10",
                                          "fields.x.kind", "sequence", "fields.x.start", "1",
                                          "fields.x.end", "100", NULL},
                         s, 2, &c, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(c.rows, 10);
    wr_test_sort_lines(c.text.ptr);
    assert_string_equal(c.text.ptr, "1\n10\n2\n3\n4\n5\n6\n7\n8\n9\n");
    coll_free(&c);
    /* Zero rows: the source ends at once. */
    rc = run_datagen((const char *[]){"number-of-rows", "0", NULL}, s, 3, &c, NULL, &err);
    assert_int_equal(rc, WR_OK);
    assert_int_equal(c.rows, 0);
    coll_free(&c);
    wr_schema_free(s);
}

static void test_random_bounds(void **state)
{
    (void)state;
    const char *names[] = {"i", "d", "dec", "ts", "s", "v", "c", "b", "n", "half", "by", "big"};
    wr_type types[] = {wr_type_make(WR_TYPE_INT),
                       wr_type_make(WR_TYPE_DOUBLE),
                       wr_type_decimal(5, 2),
                       wr_type_timestamp(3),
                       wr_type_varchar(WR_MAX_LENGTH),
                       wr_type_varchar(WR_MAX_LENGTH),
                       wr_type_varchar(5),
                       wr_type_make(WR_TYPE_BOOLEAN),
                       wr_type_make(WR_TYPE_BIGINT),
                       wr_type_make(WR_TYPE_SMALLINT),
                       wr_type_make(WR_TYPE_VARBINARY),
                       wr_type_decimal(30, 0)};
    wr_schema *s = make_schema(WR_ARRAY_LEN(types), names, types);
    collector c;
    wr_error err;
    int64_t before = wr_wall_us();
    int rc = run_datagen((const char *[]){"rows-per-second",
                                          "100000000",
                                          "number-of-rows",
                                          "2000",
                                          "fields.i.min",
                                          "-5",
                                          "fields.i.max",
                                          "5",
                                          "fields.d.min",
                                          "1",
                                          "fields.d.max",
                                          "2",
                                          "fields.dec.min",
                                          "1.50",
                                          "fields.dec.max",
                                          "1.55",
                                          "fields.ts.max-past",
                                          "1 h",
                                          "fields.s.length",
                                          "10",
                                          "fields.v.length",
                                          "8",
                                          "fields.v.var-len",
                                          "true",
                                          "fields.n.null-rate",
                                          "1",
                                          "fields.half.null-rate",
                                          "0.5",
                                          "fields.by.length",
                                          "3",
                                          "fields.big.min",
                                          "99999999999999999999",
                                          "fields.big.max",
                                          "100000000000000000001",
                                          NULL},
                         s, 2, &c, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    int64_t after = wr_wall_us();
    assert_int_equal(c.rows, 2000);
    int seen_i[11] = {0};
    int nulls_half = 0, trues = 0, vlen[9] = {0};
    char *line = c.text.ptr;
    for (uint64_t r = 0; r < c.rows; r++) {
        char *end = strchr(line, '\n');
        *end = 0;
        char *f[12];
        int nf = 0;
        for (char *p = line; nf < 12; p = strchr(p, '|') + 1) {
            f[nf++] = p;
            if (!strchr(p, '|')) break;
        }
        assert_int_equal(nf, 12);
        for (int k = 0; k < 11; k++)
            *strchr(f[k], '|') = 0;
        int i = atoi(f[0]);
        assert_true(i >= -5 && i <= 5);
        seen_i[i + 5]++;
        double d = atof(f[1]);
        assert_true(d >= 1 && d <= 2);
        double dec = atof(f[2]);
        assert_true(dec >= 1.495 && dec <= 1.555);
        assert_int_equal(strlen(f[2]), 4); /* two fraction digits */
        /* ts within [before - 1 h, after], at millisecond precision */
        wr_value tv;
        wr_type tt = wr_type_timestamp(3);
        assert_int_equal(wr_value_parse(&tt, f[3], strlen(f[3]), &tv, &err), WR_OK);
        assert_true(tv.i >= before - 3600000000ll - 1000 && tv.i <= after);
        assert_int_equal(tv.i % 1000, 0);
        assert_int_equal(strlen(f[4]), 10);
        assert_int_equal(strspn(f[4], "0123456789abcdef"), 10);
        size_t vl = strlen(f[5]);
        assert_true(vl >= 1 && vl <= 8);
        vlen[vl]++;
        assert_int_equal(strlen(f[6]), 5); /* VARCHAR(5): default length capped at 5 */
        assert_true(!strcmp(f[7], "true") || !strcmp(f[7], "false"));
        trues += !strcmp(f[7], "true");
        assert_string_equal(f[8], "null");
        nulls_half += !strcmp(f[9], "null");
        assert_true(f[10][0] == '['); /* 3 bytes: "[a, b, c]" */
        assert_true(!strcmp(f[11], "99999999999999999999") ||
                    !strcmp(f[11], "100000000000000000000") ||
                    !strcmp(f[11], "100000000000000000001"));
        line = end + 1;
    }
    for (int k = 0; k < 11; k++)
        assert_true(seen_i[k] > 0); /* every value of the small range shows up */
    assert_true(nulls_half > 800 && nulls_half < 1200);
    assert_true(trues > 800 && trues < 1200);
    assert_true(vlen[1] > 0 && vlen[8] > 0);
    coll_free(&c);
    wr_schema_free(s);
}

static void test_seed_reproducible(void **state)
{
    (void)state;
    const char *names[] = {"a", "b", "c"};
    wr_type types[] = {wr_type_make(WR_TYPE_BIGINT), wr_type_varchar(WR_MAX_LENGTH),
                       wr_type_make(WR_TYPE_DOUBLE)};
    wr_schema *s = make_schema(3, names, types);
    const char *kv[] = {
        "rows-per-second", "100000000", "number-of-rows", "300", "seed", "42", NULL};
    collector c1, c2, c3;
    wr_error err;
    assert_int_equal(run_datagen(kv, s, 3, &c1, NULL, &err), WR_OK);
    assert_int_equal(run_datagen(kv, s, 3, &c2, NULL, &err), WR_OK);
    const char *kv2[] = {
        "rows-per-second", "100000000", "number-of-rows", "300", "seed", "43", NULL};
    assert_int_equal(run_datagen(kv2, s, 3, &c3, NULL, &err), WR_OK);
    wr_test_sort_lines(c1.text.ptr);
    wr_test_sort_lines(c2.text.ptr);
    wr_test_sort_lines(c3.text.ptr);
    assert_string_equal(c1.text.ptr, c2.text.ptr);
    assert_true(strcmp(c1.text.ptr, c3.text.ptr) != 0);
    coll_free(&c1);
    coll_free(&c2);
    coll_free(&c3);
    wr_schema_free(s);
}

/* 40 rows at 100 rows/s cannot take less than about 0.39 s (one 10 ms chunk is released at
 * once): a lower bound on the rate limit, not a speed measurement. */
static void test_rate_limit(void **state)
{
    (void)state;
    const char *names[] = {"a"};
    wr_type types[] = {wr_type_make(WR_TYPE_INT)};
    wr_schema *s = make_schema(1, names, types);
    collector c;
    wr_error err;
    int64_t t0 = wr_mono_us();
    assert_int_equal(
        run_datagen((const char *[]){"rows-per-second", "100", "number-of-rows", "40", NULL}, s, 2,
                    &c, NULL, &err),
        WR_OK);
    int64_t took = wr_mono_us() - t0;
    assert_int_equal(c.rows, 40);
    assert_true(took >= 350000);
    coll_free(&c);
    wr_schema_free(s);
}

static void test_option_errors(void **state)
{
    (void)state;
    const char *names[] = {"id", "name", "flag", "c"};
    wr_type types[] = {wr_type_make(WR_TYPE_INT), wr_type_varchar(WR_MAX_LENGTH),
                       wr_type_make(WR_TYPE_BOOLEAN), wr_type_varchar(4)};
    wr_schema *s = make_schema(4, names, types);
    struct {
        const char *k1, *v1, *k2, *v2, *msg;
    } cases[] = {
        {"fields.id.kind", "sequence", "fields.id.end", "5",
         "missing option 'fields.id.start' for the sequence of column 'id'"},
        {"fields.name.min", "1", NULL, NULL,
         "option 'fields.name.min' is not supported for column 'name' of type STRING"},
        {"fields.id.start", "1", NULL, NULL,
         "option 'fields.id.start' needs 'fields.id.kind' = 'sequence'"},
        {"fields.flag.kind", "sequence", NULL, NULL,
         "option 'fields.flag.kind': 'sequence' is not supported for column 'flag' of type "
         "BOOLEAN"},
        {"fields.id.min", "10", "fields.id.max", "5",
         "options 'fields.id.min' and 'fields.id.max': the minimum is larger than the maximum"},
        {"fields.id.min", "x", NULL, NULL, "option 'fields.id.min': expected an INT but found 'x'"},
        {"fields.id.max", "3000000000", NULL, NULL,
         "option 'fields.id.max': value '3000000000' is out of range for INT"},
        {"fields.c.length", "5", NULL, NULL,
         "option 'fields.c.length': 5 is longer than the declared length 4 of column 'c'"},
        {"fields.id.kind", "sequence", "fields.id.min", "1",
         "option 'fields.id.min' is for random values, but column 'id' is a sequence"},
    };
    wr_options po;
    wr_options_init(&po);
    wr_options_set(&po, "connector", "datagen");
    wr_options_set(&po, "scan.parallelism", "3");
    wr_source_def pdef;
    wr_error perr;
    assert_int_equal(wr_connector_make_source(&po, s, &pdef, &perr), WR_OK);
    assert_int_equal(pdef.parallelism, 3);
    assert_false(pdef.bounded);
    pdef.cfg_free(pdef.cfg);
    wr_options_free(&po);
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        wr_options o;
        wr_options_init(&o);
        wr_options_set(&o, "connector", "datagen");
        wr_options_set(&o, cases[i].k1, cases[i].v1);
        if (cases[i].k2) wr_options_set(&o, cases[i].k2, cases[i].v2);
        wr_source_def def;
        wr_error err;
        assert_int_equal(wr_connector_make_source(&o, s, &def, &err), WR_ECONFIG);
        if (strcmp(err.msg, cases[i].msg) != 0) fail_msg("case %zu: %s", i, err.msg);
        wr_options_free(&o);
    }
    wr_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequence_exactly_once),
        cmocka_unit_test(test_number_of_rows),
        cmocka_unit_test(test_random_bounds),
        cmocka_unit_test(test_seed_reproducible),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_option_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
