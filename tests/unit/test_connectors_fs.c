/* test_connectors_fs.c - the filesystem connector through real jobs. Source: a directory
 * read in path-name order with hidden ('.') and private ('_') files and directories
 * skipped, one split per file, csv and json, a single file as path, errors naming file,
 * line and column (also after a quoted field spanning lines), ignore-parse-errors counted
 * in the job stats, records across read-buffer boundaries. Sink: committed part files only
 * after the end of input (in-progress files hidden until then), rolling by size and by
 * age (timer), a sink directory created when absent, -D rows rejected, and a csv/json
 * write-then-read round trip. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connectors/connectors.h"

/* ------------------------------------------------------------------------------------------
 * A collecting sink: rows as "v1|v2|..." in arrival order (per subtask order is kept).
 * ---------------------------------------------------------------------------------------- */
typedef struct collector {
    wr_mutex mu;
    wr_buf text;
    uint64_t rows;
    int32_t splits[64]; /* split of each batch, in order (first 64) */
    uint32_t nsplits;
} collector;

static int coll_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    *state = (void *)config;
    return WR_OK;
}

static int coll_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    collector *c = state;
    wr_mutex_lock(&c->mu);
    for (uint32_t r = 0; r < in->len; r++) {
        for (uint32_t k = 0; k < in->ncols; k++) {
            if (k) wr_buf_putc(&c->text, '|');
            wr_vec_format(&in->cols[k], r, WR_STYLE_PRINT, &c->text);
        }
        wr_buf_putc(&c->text, '\n');
    }
    c->rows += in->len;
    if (c->nsplits < 64) c->splits[c->nsplits++] = in->split;
    wr_mutex_unlock(&c->mu);
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

static void coll_init(collector *c)
{
    memset(c, 0, sizeof *c);
    wr_mutex_init(&c->mu);
    wr_buf_init(&c->text);
}

static void coll_free(collector *c)
{
    wr_buf_free(&c->text);
    wr_mutex_destroy(&c->mu);
}

static wr_options opts_of(const char *const *kv)
{
    wr_options o;
    wr_options_init(&o);
    for (size_t i = 0; kv[i]; i += 2)
        wr_options_set(&o, kv[i], kv[i + 1]);
    return o;
}

/* Read a filesystem table into the collector. Returns the job's rc; stats are freed. */
static int read_table(const char *const *kv, const wr_schema *s, uint32_t par, uint32_t batch_rows,
                      collector *c, uint64_t *errors_skipped, wr_error *err)
{
    wr_options o = opts_of(kv);
    wr_source_def def;
    int rc = wr_connector_make_source(&o, s, &def, err);
    wr_options_free(&o);
    if (rc) return rc;
    assert_true(def.bounded);
    wr_job *job = wr_job_new("fs-read");
    int src = wr_job_add_source(job, "files", def.vt, def.cfg, def.cfg_free, s, par, NULL);
    int snk = wr_job_add_op(job, "collect", &coll_vt, c, NULL, s, par);
    assert_int_equal(wr_job_connect(job, src, snk, 0, WR_EDGE_FORWARD, NULL, 0), WR_OK);
    wr_job_opts jo = {.workers = 2, .batch_rows = batch_rows};
    wr_job_stats stats;
    memset(&stats, 0, sizeof stats);
    rc = wr_job_run(job, &jo, &stats, err);
    if (errors_skipped) {
        *errors_skipped = 0;
        for (uint32_t i = 0; i < stats.ntasks; i++)
            *errors_skipped += stats.tasks[i].errors_skipped;
    }
    wr_job_stats_free(&stats);
    wr_job_free(job);
    return rc;
}

static wr_schema *schema_id_name(void)
{
    wr_schema *s = wr_schema_new(2);
    wr_schema_set(s, 0, "id", wr_type_make(WR_TYPE_INT));
    wr_schema_set(s, 1, "name", wr_type_varchar(WR_MAX_LENGTH));
    return s;
}

static char data_path[4096];

static const char *data(const char *name)
{
    snprintf(data_path, sizeof data_path, "%s", wr_test_data(name));
    return data_path;
}

/* ------------------------------------------------------------------------------------------
 * Source
 * ---------------------------------------------------------------------------------------- */
static void test_read_directory_in_order(void **state)
{
    (void)state;
    wr_schema *s = schema_id_name();
    collector c;
    coll_init(&c);
    wr_error err;
    int rc = read_table(
        (const char *[]){"connector", "filesystem", "path", data("fs/dir"), "format", "csv", NULL},
        s, 1, 0, &c, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    /* a/1.csv, a/2.csv, b.csv, c/z.csv - nothing from .hidden.csv, _SUCCESS, _tmp/, c/.x/ */
    assert_string_equal(c.text.ptr, "1|a\n2|b\n3|c\n4|d,e\n5|multi\nline\n6|z\n");
    /* One split per file, in order. */
    assert_int_equal(c.nsplits, 4);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(c.splits[i], (int32_t)i);
    coll_free(&c);

    /* With 3 subtasks the same rows (split i read by subtask i % 3), in batches of 1 row. */
    coll_init(&c);
    rc = read_table(
        (const char *[]){"connector", "filesystem", "path", data("fs/dir"), "format", "csv", NULL},
        s, 3, 1, &c, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(c.rows, 6);
    assert_int_equal(c.nsplits, 6);
    coll_free(&c);

    /* file:// URI naming a single file. */
    coll_init(&c);
    char uri[4200];
    snprintf(uri, sizeof uri, "file://%s", data("fs/dir/b.csv"));
    rc = read_table((const char *[]){"connector", "filesystem", "path", uri, "format", "csv", NULL},
                    s, 1, 0, &c, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_string_equal(c.text.ptr, "4|d,e\n5|multi\nline\n");
    coll_free(&c);
    wr_schema_free(s);
}

/* Metadata columns behind the physical ones (named WR_METADATA_PREFIX + key), filled per
 * file; an unknown key is refused. */
static void test_read_metadata(void **state)
{
    (void)state;
    wr_schema *s = wr_schema_new(4);
    wr_schema_set(s, 0, "id", wr_type_make(WR_TYPE_INT));
    wr_schema_set(s, 1, "name", wr_type_varchar(WR_MAX_LENGTH));
    wr_schema_set(s, 2, WR_METADATA_PREFIX "file.name",
                  wr_type_not_null(wr_type_varchar(WR_MAX_LENGTH)));
    wr_schema_set(s, 3, WR_METADATA_PREFIX "file.size",
                  wr_type_not_null(wr_type_make(WR_TYPE_BIGINT)));
    for (uint32_t batch = 1; batch <= 1024; batch += 1023) {
        collector c;
        coll_init(&c);
        wr_error err;
        int rc = read_table((const char *[]){"connector", "filesystem", "path", data("fs/dir"),
                                             "format", "csv", NULL},
                            s, 1, batch, &c, NULL, &err);
        if (rc) fail_msg("%s", err.msg);
        assert_string_equal(c.text.ptr, "1|a|1.csv|8\n2|b|1.csv|8\n3|c|2.csv|4\n4|d,e|b.csv|23\n"
                                        "5|multi\nline|b.csv|23\n6|z|z.csv|3\n");
        coll_free(&c);
    }
    wr_schema_set(s, 3, WR_METADATA_PREFIX "file.nope", wr_type_make(WR_TYPE_BIGINT));
    wr_options o = opts_of(
        (const char *[]){"connector", "filesystem", "path", data("fs/dir"), "format", "csv", NULL});
    wr_source_def def;
    wr_error err;
    assert_int_equal(wr_connector_make_source(&o, s, &def, &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "not a metadata key of connector 'filesystem'"));
    wr_options_free(&o);
    wr_schema_free(s);
    /* The declared keys and their types. */
    const wr_metadata_def *d =
        wr_metadata_find(wr_connector_filesystem.readable_metadata, "file.modification-time");
    assert_non_null(d);
    wr_type t = wr_metadata_type(d);
    assert_int_equal(t.id, WR_TYPE_TIMESTAMP_LTZ);
    assert_int_equal(t.precision, 3);
    assert_false(t.nullable);
    assert_null(wr_metadata_find(wr_connector_datagen.readable_metadata, "file.name"));
    assert_string_equal(wr_metadata_key_of(WR_METADATA_PREFIX "file.path"), "file.path");
    assert_null(wr_metadata_key_of("file.path"));
}

static void test_read_json(void **state)
{
    (void)state;
    wr_schema *s = wr_schema_new(3);
    wr_schema_set(s, 0, "id", wr_type_make(WR_TYPE_BIGINT));
    wr_schema_set(s, 1, "name", wr_type_varchar(WR_MAX_LENGTH));
    wr_schema_set(s, 2, "ts", wr_type_timestamp(3));
    collector c;
    coll_init(&c);
    wr_error err;
    int rc = read_table((const char *[]){"connector", "filesystem", "path", data("fs/json"),
                                         "format", "json", NULL},
                        s, 1, 0, &c, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_string_equal(c.text.ptr, "1|a|2024-01-02T03:04:05.000\n"
                                    "2|b|null\n"
                                    "3|null|2024-01-02T03:04:06.500\n"
                                    "4|null|null\n"
                                    "5|\xc3\xa9|null\n");
    coll_free(&c);
    wr_schema_free(s);
}

static wr_schema *all_types_schema(void)
{
    const char *names[] = {"b",   "ti", "si", "i",  "bi", "f", "d",
                           "dec", "s",  "by", "dt", "tm", "ts"};
    wr_type types[] = {
        wr_type_make(WR_TYPE_BOOLEAN),  wr_type_make(WR_TYPE_TINYINT),
        wr_type_make(WR_TYPE_SMALLINT), wr_type_make(WR_TYPE_INT),
        wr_type_make(WR_TYPE_BIGINT),   wr_type_make(WR_TYPE_FLOAT),
        wr_type_make(WR_TYPE_DOUBLE),   wr_type_decimal(10, 2),
        wr_type_varchar(WR_MAX_LENGTH), wr_type_make(WR_TYPE_VARBINARY),
        wr_type_make(WR_TYPE_DATE),     wr_type_make(WR_TYPE_TIME),
        wr_type_timestamp(3),
    };
    wr_schema *s = wr_schema_new(13);
    for (uint32_t i = 0; i < 13; i++)
        wr_schema_set(s, i, names[i], types[i]);
    return s;
}

/* The csv and json samples under tests/data/formats hold the same rows. */
static void test_read_samples(void **state)
{
    (void)state;
    wr_schema *s = all_types_schema();
    const char *expected =
        "true|-128|32767|-2147483648|9223372036854775807|1.5|-2.25|12.34|hello|[1, 2, 3]|"
        "2024-01-02|03:04:05|2024-01-02T03:04:05.678\n"
        "null|null|null|null|null|null|null|null||null|null|null|null\n"
        "false|0|0|0|0|0.0|1.0E10|-0.01|quoted \"x\", y|null|1970-01-01|23:59:59|"
        "1999-12-31T23:59:59.999\n";
    collector c;
    wr_error err;
    coll_init(&c);
    int rc = read_table((const char *[]){"connector", "filesystem", "path",
                                         data("formats/all_types.csv"), "format", "csv", NULL},
                        s, 1, 0, &c, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_string_equal(c.text.ptr, expected);
    coll_free(&c);
    coll_init(&c);
    rc = read_table((const char *[]){"connector", "filesystem", "path",
                                     data("formats/all_types.json"), "format", "json", NULL},
                    s, 1, 0, &c, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    /* JSON: a missing string is NULL, not "". */
    const char *json_expected =
        "true|-128|32767|-2147483648|9223372036854775807|1.5|-2.25|12.34|hello|[1, 2, 3]|"
        "2024-01-02|03:04:05|2024-01-02T03:04:05.678\n"
        "null|null|null|null|null|null|null|null|null|null|null|null|null\n"
        "false|0|0|0|0|0.0|1.0E10|-0.01|quoted \"x\", y|null|1970-01-01|23:59:59|"
        "1999-12-31T23:59:59.999\n";
    assert_string_equal(c.text.ptr, json_expected);
    coll_free(&c);
    wr_schema_free(s);
}

static void test_parse_errors(void **state)
{
    (void)state;
    wr_schema *s = wr_schema_new(2);
    wr_schema_set(s, 0, "name", wr_type_varchar(WR_MAX_LENGTH));
    wr_schema_set(s, 1, "n", wr_type_make(WR_TYPE_INT));
    collector c;
    coll_init(&c);
    wr_error err;
    int rc = read_table(
        (const char *[]){"connector", "filesystem", "path", data("fs/bad"), "format", "csv", NULL},
        s, 1, 0, &c, NULL, &err);
    assert_int_equal(rc, WR_EPARSE);
    /* Line 4: the record before it spans lines 2 and 3. */
    char want[4300];
    snprintf(want, sizeof want, "%s:4:7: expected an INT but found 'abc'", data("fs/bad/x.csv"));
    if (!strstr(err.msg, want)) fail_msg("got: %s", err.msg);
    coll_free(&c);

    coll_init(&c);
    uint64_t skipped = 0;
    rc = read_table((const char *[]){"connector", "filesystem", "path", data("fs/bad"), "format",
                                     "csv", "csv.ignore-parse-errors", "true", NULL},
                    s, 1, 0, &c, &skipped, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_string_equal(c.text.ptr, "a|1\nb\nb|2\n");
    assert_int_equal(skipped, 1);
    coll_free(&c);
    wr_schema_free(s);
}

/* Records longer than a read and crossing the 1 MiB buffer boundary, quoted line breaks
 * included: every row arrives intact, and line numbers stay right after them. */
static void test_large_records(void **state)
{
    (void)state;
    char *dir = wr_test_tmpdir("fs-large");
    char path[4096];
    snprintf(path, sizeof path, "%s/big.csv", dir);
    FILE *f = fopen(path, "w");
    const int rows = 3000;
    char *big = malloc(3 << 20);
    for (int i = 0; i < rows; i++) {
        if (i == 1500) {
            /* A 3 MiB quoted field with line breaks: the buffer must grow. */
            for (int k = 0; k < (3 << 20) - 1; k++)
                big[k] = k % 100 == 99 ? '\n' : 'x';
            big[(3 << 20) - 1] = 0;
            fprintf(f, "%d,\"%s\"\n", i, big);
        } else {
            fprintf(f, "%d,\"row %d\nsecond line, with \"\"quotes\"\"\"\n", i, i);
        }
    }
    fprintf(f, "oops,x\n");
    fclose(f);
    wr_schema *s = schema_id_name();
    collector c;
    coll_init(&c);
    wr_error err;
    int rc =
        read_table((const char *[]){"connector", "filesystem", "path", path, "format", "csv", NULL},
                   s, 1, 100, &c, NULL, &err);
    assert_int_equal(rc, WR_EPARSE);
    /* 2999 two-line records + one of 3 MiB with (3 MiB / 100) line breaks before "oops". */
    long line = 2999L * 2 + 1 + ((3L << 20) - 1) / 100 + 1;
    char want[4300];
    snprintf(want, sizeof want, "%s:%ld:1: expected an INT but found 'oops'", path, line);
    if (!strstr(err.msg, want)) fail_msg("got: %s want %s", err.msg, want);
    assert_int_equal(c.rows, rows);
    char *p = c.text.ptr;
    for (int i = 0; i < rows; i++) {
        assert_int_equal(atoi(p), i);
        if (i != 1500) {
            char expect[128];
            int n =
                snprintf(expect, sizeof expect, "%d|row %d\nsecond line, with \"quotes\"\n", i, i);
            assert_memory_equal(p, expect, (size_t)n);
            p += n;
        } else {
            p = strchr(p, '|') + 1;
            assert_memory_equal(p, big, (3 << 20) - 1);
            p += (3 << 20) - 1 + 1;
        }
    }
    coll_free(&c);
    free(big);
    wr_schema_free(s);
    wr_test_rmtree(dir);
    free(dir);
}

/* ------------------------------------------------------------------------------------------
 * Sink
 * ---------------------------------------------------------------------------------------- */

/* A source that emits `batches` batches of `rows` rows (id = running number, name = "n<id>"
 * or a given row kind) and, between batches, records what the sink directory holds. It can
 * wait `pause_us` between batches. */
typedef struct gen_cfg {
    const char *dir;
    uint32_t batches, rows;
    uint8_t kind;
    int64_t pause_us;
    /* Observations: committed/in-progress files seen before each batch after the first. */
    int committed[16], inprogress[16];
} gen_cfg;

typedef struct gen_state {
    gen_cfg *cfg;
    const wr_schema *schema;
    uint32_t sub, par, done;
    int64_t next_at;
} gen_state;

static void count_files(const char *dir, int *committed, int *inprogress)
{
    *committed = *inprogress = 0;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strncmp(e->d_name, "part-", 5)) (*committed)++;
        if (!strncmp(e->d_name, ".part-", 6) && strstr(e->d_name, ".inprogress")) (*inprogress)++;
    }
    closedir(d);
}

static int gen_open(void **state, wr_source_ctx *ctx, const void *config, wr_error *err)
{
    gen_state *s = calloc(1, sizeof *s);
    s->cfg = (gen_cfg *)config;
    s->schema = wr_source_schema(ctx);
    s->sub = wr_source_subtask(ctx);
    s->par = wr_source_parallelism(ctx);
    *state = s;
    return WR_OK;
}

static int gen_poll(void *state, wr_source_ctx *ctx, wr_source_poll *out, wr_error *err)
{
    gen_state *s = state;
    memset(out, 0, sizeof *out);
    out->split = (int32_t)s->sub;
    if (s->done == s->cfg->batches) {
        out->split_done = out->end = true;
        return WR_OK;
    }
    if (s->done > 0 && s->cfg->pause_us) {
        int64_t now = wr_mono_us();
        if (!s->next_at) s->next_at = now + s->cfg->pause_us;
        if (now < s->next_at) {
            out->wait_until_us = s->next_at;
            return WR_OK;
        }
        s->next_at = 0;
    }
    if (s->done > 0 && s->par == 1 && s->done <= 16)
        count_files(s->cfg->dir, &s->cfg->committed[s->done - 1], &s->cfg->inprogress[s->done - 1]);
    wr_batch *b = wr_batch_new(s->schema, s->cfg->rows, NULL);
    for (uint32_t r = 0; r < s->cfg->rows; r++) {
        int32_t id = (int32_t)((s->done * s->cfg->rows + r) * s->par + s->sub);
        char name[32];
        snprintf(name, sizeof name, "n%d", id);
        wr_value v = {.i = id};
        wr_batch_set(b, 0, r, &v);
        wr_value nv = {.s = wr_strv_make(name, (uint32_t)strlen(name))};
        wr_batch_set(b, 1, r, &nv);
        b->rowkind[r] = r == s->cfg->rows - 1 ? s->cfg->kind : WR_RK_INSERT;
    }
    b->len = s->cfg->rows;
    s->done++;
    out->batch = b;
    return WR_OK;
}

static void gen_close(void *state)
{
    free(state);
}

static const wr_source_vt gen_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "gen",
    .open = gen_open,
    .poll = gen_poll,
    .close = gen_close,
};

static int write_table(gen_cfg *g, const char *const *kv, const wr_schema *s, uint32_t par,
                       wr_error *err)
{
    wr_options o = opts_of(kv);
    wr_sink_def def;
    int rc = wr_connector_make_sink(&o, s, &def, err);
    wr_options_free(&o);
    if (rc) return rc;
    assert_true(def.append_only);
    wr_job *job = wr_job_new("fs-write");
    int src = wr_job_add_source(job, "gen", &gen_vt, g, NULL, s, par, NULL);
    int snk = wr_job_add_op(job, "files", def.vt, def.cfg, def.cfg_free, s, par);
    assert_int_equal(wr_job_connect(job, src, snk, 0, WR_EDGE_FORWARD, NULL, 0), WR_OK);
    wr_job_opts jo = {.workers = 2};
    rc = wr_job_run(job, &jo, NULL, err);
    wr_job_free(job);
    return rc;
}

/* Names of the files in dir, sorted, one per line. */
static char *list_dir(const char *dir)
{
    wr_buf b;
    wr_buf_init(&b);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        wr_buf_printf(&b, "%s\n", e->d_name);
    }
    if (d) closedir(d);
    char *s = wr_buf_steal(&b);
    wr_test_sort_lines(s);
    return s;
}

static void test_sink_commit_on_finish(void **state)
{
    (void)state;
    char *tmp = wr_test_tmpdir("fs-sink");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/out/nested", tmp); /* created by the sink */
    wr_schema *s = schema_id_name();
    gen_cfg g = {.dir = dir, .batches = 3, .rows = 4, .kind = WR_RK_INSERT};
    wr_error err;
    int rc = write_table(
        &g, (const char *[]){"connector", "filesystem", "path", dir, "format", "csv", NULL}, s, 1,
        &err);
    if (rc) fail_msg("%s", err.msg);
    /* While the job ran, rows went to one hidden in-progress file only. */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(g.committed[i], 0);
        assert_int_equal(g.inprogress[i], 1);
    }
    /* After the end: one committed part, nothing in progress. */
    char *names = list_dir(dir);
    assert_int_equal(strncmp(names, "part-", 5), 0);
    assert_non_null(strstr(names, "-0-0.csv\n"));
    assert_ptr_equal(strchr(names, '\n') + 1, names + strlen(names)); /* exactly one file */
    char path[8192];
    snprintf(path, sizeof path, "%s/%.*s", dir, (int)(strchr(names, '\n') - names), names);
    char *text = wr_test_read_file(path, NULL);
    assert_string_equal(text, "0,n0\n1,n1\n2,n2\n3,n3\n4,n4\n5,n5\n6,n6\n7,n7\n8,n8\n9,n9\n"
                              "10,n10\n11,n11\n");
    free(text);
    wr_free(names);

    /* Read back what was written: the reader skips nothing but finds every row. */
    collector c;
    coll_init(&c);
    rc = read_table((const char *[]){"connector", "filesystem", "path", tmp, "format", "csv", NULL},
                    s, 1, 0, &c, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(c.rows, 12);
    coll_free(&c);
    wr_schema_free(s);
    wr_test_rmtree(tmp);
    free(tmp);
}

static void test_sink_rolling_by_size(void **state)
{
    (void)state;
    char *dir = wr_test_tmpdir("fs-roll");
    wr_schema *s = schema_id_name();
    gen_cfg g = {.dir = dir, .batches = 5, .rows = 10, .kind = WR_RK_INSERT};
    wr_error err;
    int rc = write_table(&g,
                         (const char *[]){"connector", "filesystem", "path", dir, "format", "json",
                                          "sink.rolling-policy.file-size", "100b", NULL},
                         s, 2, &err);
    if (rc) fail_msg("%s", err.msg);
    /* Every batch (10 rows, > 100 bytes) fills a part: 5 parts per subtask, all committed. */
    char *names = list_dir(dir);
    int committed = 0, hidden = 0;
    for (char *p = names; *p; p = strchr(p, '\n') + 1) {
        if (!strncmp(p, "part-", 5))
            committed++;
        else
            hidden++;
    }
    assert_int_equal(committed, 10);
    assert_int_equal(hidden, 0);
    assert_non_null(strstr(names, "-0-4.json\n"));
    assert_non_null(strstr(names, "-1-4.json\n"));
    wr_free(names);
    /* All 100 rows are there, as JSON. */
    collector c;
    coll_init(&c);
    rc =
        read_table((const char *[]){"connector", "filesystem", "path", dir, "format", "json", NULL},
                   s, 1, 0, &c, NULL, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(c.rows, 100);
    wr_test_sort_lines(c.text.ptr);
    assert_non_null(strstr(c.text.ptr, "99|n99\n"));
    coll_free(&c);
    wr_schema_free(s);
    wr_test_rmtree(dir);
    free(dir);
}

static void test_sink_rolling_by_age(void **state)
{
    (void)state;
    char *dir = wr_test_tmpdir("fs-age");
    wr_schema *s = schema_id_name();
    /* A part may stay open 20 ms; the source pauses 300 ms between batches, so the timer
     * commits each part before the next batch arrives. */
    gen_cfg g = {.dir = dir, .batches = 3, .rows = 2, .kind = WR_RK_INSERT, .pause_us = 300000};
    wr_error err;
    int rc = write_table(&g,
                         (const char *[]){"connector", "filesystem", "path", dir, "format", "csv",
                                          "sink.rolling-policy.rollover-interval", "20 ms", NULL},
                         s, 1, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(g.committed[0], 1);
    assert_int_equal(g.inprogress[0], 0);
    assert_int_equal(g.committed[1], 2);
    char *names = list_dir(dir);
    assert_non_null(strstr(names, "-0-2.csv\n"));
    assert_null(strstr(names, ".inprogress"));
    wr_free(names);
    wr_schema_free(s);
    wr_test_rmtree(dir);
    free(dir);
}

static void test_sink_rejects_deletes(void **state)
{
    (void)state;
    char *dir = wr_test_tmpdir("fs-del");
    wr_schema *s = schema_id_name();
    gen_cfg g = {.dir = dir, .batches = 1, .rows = 3, .kind = WR_RK_DELETE};
    wr_error err;
    int rc = write_table(
        &g, (const char *[]){"connector", "filesystem", "path", dir, "format", "csv", NULL}, s, 1,
        &err);
    assert_int_equal(rc, WR_EUNSUPPORTED);
    if (!strstr(err.msg, "is append-only and cannot write delete (-D) rows"))
        fail_msg("got: %s", err.msg);
    /* Nothing committed. */
    char *names = list_dir(dir);
    assert_int_equal(strncmp(names, "part-", 5) != 0, 1);
    assert_null(strstr(names, "\npart-"));
    wr_free(names);
    /* +U rows are fine (written as rows). */
    gen_cfg g2 = {.dir = dir, .batches = 1, .rows = 2, .kind = WR_RK_UPDATE_AFTER};
    rc = write_table(
        &g2, (const char *[]){"connector", "filesystem", "path", dir, "format", "csv", NULL}, s, 1,
        &err);
    if (rc) fail_msg("%s", err.msg);
    wr_schema_free(s);
    wr_test_rmtree(dir);
    free(dir);
}

static void test_sink_errors(void **state)
{
    (void)state;
    wr_schema *s = schema_id_name();
    wr_options o = opts_of((const char *[]){"connector", "filesystem", "path", data("fs/dir/b.csv"),
                                            "format", "csv", NULL});
    wr_sink_def def;
    wr_error err;
    assert_int_equal(wr_connector_make_sink(&o, s, &def, &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "is a file; the filesystem sink writes into a directory"));
    wr_options_free(&o);
    o = opts_of((const char *[]){"connector", "filesystem", "path", "/tmp/x", "format", "csv",
                                 "sink.rolling-policy.rollover-interval", "0", NULL});
    assert_int_equal(wr_connector_make_sink(&o, s, &def, &err), WR_ECONFIG);
    assert_string_equal(err.msg, "option 'sink.rolling-policy.rollover-interval': expected a "
                                 "duration >= 1 ms but found '0'");
    wr_options_free(&o);
    wr_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_directory_in_order),
        cmocka_unit_test(test_read_metadata),
        cmocka_unit_test(test_read_json),
        cmocka_unit_test(test_read_samples),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_large_records),
        cmocka_unit_test(test_sink_commit_on_finish),
        cmocka_unit_test(test_sink_rolling_by_size),
        cmocka_unit_test(test_sink_rolling_by_age),
        cmocka_unit_test(test_sink_rejects_deletes),
        cmocka_unit_test(test_sink_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
