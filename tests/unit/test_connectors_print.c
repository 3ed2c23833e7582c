/* test_connectors_print.c - the print and blackhole sinks run through real jobs: Flink's
 * line format for every row kind and type (NULL as null, TIMESTAMP with 'T'), the "N> "
 * prefix with parallelism above 1, print-identifier with and without a subtask number, and
 * the blackhole's row count. Output goes to a temporary file through the config's fd. */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connectors/connectors.h"

/* ------------------------------------------------------------------------------------------
 * A source of fixed rows "KIND|v1|v2" (NULL for null); subtask k emits rows i with
 * i % parallelism == k, in one batch.
 * ---------------------------------------------------------------------------------------- */
typedef struct rows_cfg {
    const char *const *rows;
    uint32_t n;
} rows_cfg;

typedef struct rows_state {
    const rows_cfg *cfg;
    const wr_schema *schema;
    uint32_t sub, par;
    bool done;
} rows_state;

static int rows_open(void **state, wr_source_ctx *ctx, const void *config, wr_error *err)
{
    rows_state *s = calloc(1, sizeof *s);
    s->cfg = config;
    s->schema = wr_source_schema(ctx);
    s->sub = wr_source_subtask(ctx);
    s->par = wr_source_parallelism(ctx);
    *state = s;
    return WR_OK;
}

static wr_rowkind kind_of(const char *k)
{
    if (!strncmp(k, "-U", 2)) return WR_RK_UPDATE_BEFORE;
    if (!strncmp(k, "+U", 2)) return WR_RK_UPDATE_AFTER;
    if (!strncmp(k, "-D", 2)) return WR_RK_DELETE;
    return WR_RK_INSERT;
}

static int rows_poll(void *state, wr_source_ctx *ctx, wr_source_poll *out, wr_error *err)
{
    rows_state *s = state;
    memset(out, 0, sizeof *out);
    out->split = (int32_t)s->sub;
    out->split_done = out->end = true;
    if (s->done) return WR_OK;
    s->done = true;
    wr_batch *b = wr_batch_new(s->schema, s->cfg->n ? s->cfg->n : 1, NULL);
    for (uint32_t i = s->sub; i < s->cfg->n; i += s->par) {
        const char *p = s->cfg->rows[i];
        uint32_t r = b->len++;
        b->rowkind[r] = (uint8_t)kind_of(p);
        p = strchr(p, '|');
        for (uint32_t c = 0; c < b->ncols; c++) {
            p++;
            const char *e = strchr(p, '|');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            wr_value v = {0};
            if (n == 4 && !memcmp(p, "NULL", 4))
                v.is_null = true;
            else
                assert_int_equal(wr_value_parse(&b->cols[c].type, p, n, &v, err), WR_OK);
            assert_int_equal(wr_batch_set(b, c, r, &v), WR_OK);
            p = e;
        }
    }
    out->batch = b;
    return WR_OK;
}

static void rows_close(void *state)
{
    free(state);
}

static const wr_source_vt rows_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "rows",
    .open = rows_open,
    .poll = rows_poll,
    .close = rows_close,
};

/* Run rows -> print (options kv) with parallelism par; returns the printed text. */
static char *run_print(const wr_schema *s, const char *const *rows, uint32_t n, uint32_t par,
                       const char *const *kv)
{
    wr_options o;
    wr_options_init(&o);
    wr_options_set(&o, "connector", "print");
    for (size_t i = 0; kv && kv[i]; i += 2)
        wr_options_set(&o, kv[i], kv[i + 1]);
    wr_sink_def def;
    wr_error err;
    int rc = wr_connector_make_sink(&o, s, &def, &err);
    if (rc) fail_msg("%s", err.msg);
    wr_options_free(&o);
    assert_false(def.append_only);
    char *dir = wr_test_tmpdir("print");
    char path[4096];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    ((wr_print_config *)def.cfg)->fd = fd;
    rows_cfg rc_cfg = {rows, n};
    wr_job *job = wr_job_new("print-test");
    int src = wr_job_add_source(job, "rows", &rows_vt, &rc_cfg, NULL, s, par, NULL);
    int snk = wr_job_add_op(job, "print", def.vt, def.cfg, def.cfg_free, s, par);
    assert_int_equal(wr_job_connect(job, src, snk, 0, WR_EDGE_FORWARD, NULL, 0), WR_OK);
    wr_job_opts opts = {.workers = 2};
    rc = wr_job_run(job, &opts, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    wr_job_free(job);
    close(fd);
    char *text = wr_test_read_file(path, NULL);
    wr_test_rmtree(dir);
    free(dir);
    return text;
}

static wr_schema *schema4(void)
{
    wr_schema *s = wr_schema_new(4);
    wr_schema_set(s, 0, "id", wr_type_make(WR_TYPE_BIGINT));
    wr_schema_set(s, 1, "name", wr_type_varchar(WR_MAX_LENGTH));
    wr_schema_set(s, 2, "ts", wr_type_timestamp(3));
    wr_schema_set(s, 3, "price", wr_type_decimal(10, 2));
    return s;
}

static const char *const rows4[] = {
    "+I|1|apple|2024-01-02 03:04:05.678|1.50",
    "-U|2|NULL|NULL|NULL",
    "+U|3|a, b|1970-01-01 00:00:00|0",
    "-D|4||2024-01-02 03:04:05|-2.5",
};

static void test_print_lines(void **state)
{
    (void)state;
    wr_schema *s = schema4();
    char *text = run_print(s, rows4, 4, 1, NULL);
    assert_string_equal(text, "+I[1, apple, 2024-01-02T03:04:05.678, 1.50]\n"
                              "-U[2, null, null, null]\n"
                              "+U[3, a, b, 1970-01-01T00:00:00.000, 0.00]\n"
                              "-D[4, , 2024-01-02T03:04:05.000, -2.50]\n");
    free(text);
    wr_schema_free(s);
}

static void test_print_prefixes(void **state)
{
    (void)state;
    wr_schema *s = schema4();
    char *text = run_print(s, rows4, 4, 2, NULL);
    wr_test_sort_lines(text);
    assert_string_equal(text, "1> +I[1, apple, 2024-01-02T03:04:05.678, 1.50]\n"
                              "1> +U[3, a, b, 1970-01-01T00:00:00.000, 0.00]\n"
                              "2> -D[4, , 2024-01-02T03:04:05.000, -2.50]\n"
                              "2> -U[2, null, null, null]\n");
    free(text);

    text = run_print(s, rows4, 2, 1, (const char *[]){"print-identifier", "out", NULL});
    assert_string_equal(text, "out> +I[1, apple, 2024-01-02T03:04:05.678, 1.50]\n"
                              "out> -U[2, null, null, null]\n");
    free(text);

    text = run_print(s, rows4, 4, 4, (const char *[]){"print-identifier", "out", NULL});
    wr_test_sort_lines(text);
    assert_string_equal(text, "out:1> +I[1, apple, 2024-01-02T03:04:05.678, 1.50]\n"
                              "out:2> -U[2, null, null, null]\n"
                              "out:3> +U[3, a, b, 1970-01-01T00:00:00.000, 0.00]\n"
                              "out:4> -D[4, , 2024-01-02T03:04:05.000, -2.50]\n");
    free(text);
    wr_schema_free(s);
}

static void test_print_options(void **state)
{
    (void)state;
    wr_schema *s = schema4();
    wr_options o;
    wr_options_init(&o);
    wr_options_set(&o, "connector", "print");
    wr_options_set(&o, "standard-error", "true");
    wr_options_set(&o, "sink.parallelism", "3");
    wr_sink_def def;
    wr_error err;
    assert_int_equal(wr_connector_make_sink(&o, s, &def, &err), WR_OK);
    assert_true(((wr_print_config *)def.cfg)->standard_error);
    assert_int_equal(((wr_print_config *)def.cfg)->fd, -1);
    assert_int_equal(def.parallelism, 3);
    def.cfg_free(def.cfg);
    wr_options_set(&o, "sink.parallelism", "0");
    assert_int_equal(wr_connector_make_sink(&o, s, &def, &err), WR_ECONFIG);
    assert_string_equal(err.msg, "option 'sink.parallelism': expected a number between 1 and "
                                 "65536 but found '0'");
    wr_options_free(&o);
    wr_schema_free(s);
}

static void test_blackhole(void **state)
{
    (void)state;
    wr_schema *s = schema4();
    wr_options o;
    wr_options_init(&o);
    wr_options_set(&o, "connector", "blackhole");
    wr_sink_def def;
    wr_error err;
    assert_int_equal(wr_connector_make_sink(&o, s, &def, &err), WR_OK);
    wr_options_free(&o);
    wr_blackhole_config *bc = def.cfg;
    rows_cfg rc_cfg = {rows4, 4};
    wr_job *job = wr_job_new("blackhole-test");
    int src = wr_job_add_source(job, "rows", &rows_vt, &rc_cfg, NULL, s, 3, NULL);
    int snk = wr_job_add_op(job, "bh", def.vt, def.cfg, NULL, s, 3);
    assert_int_equal(wr_job_connect(job, src, snk, 0, WR_EDGE_FORWARD, NULL, 0), WR_OK);
    wr_job_opts opts = {.workers = 2};
    assert_int_equal(wr_job_run(job, &opts, NULL, &err), WR_OK);
    wr_job_free(job);
    assert_int_equal(atomic_load(&bc->rows), 4);
    def.cfg_free(def.cfg);
    wr_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_print_lines),
        cmocka_unit_test(test_print_prefixes),
        cmocka_unit_test(test_print_options),
        cmocka_unit_test(test_blackhole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
