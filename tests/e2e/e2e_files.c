/* e2e_files.c - filesystem source and sink end to end: malformed CSV and JSON records fail
 * the job with file, line and column, or with '<format>.ignore-parse-errors' are skipped
 * and counted while every good row is processed; and a job writing CSV to a filesystem sink
 * leaves exactly its results in committed part files, compared with DuckDB. */
#define _GNU_SOURCE
#include "util.h"

#include <dirent.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *g_dir;

static int setup(void **state)
{
    (void)state;
    g_dir = wr_test_tmpdir("files");
    char path[4096];
    snprintf(path, sizeof path, "%s/csv", g_dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/json", g_dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/good", g_dir);
    assert_int_equal(mkdir(path, 0755), 0);
    /* Line 3 has a bad INT in column 2 (byte column 3); line 5 has too few fields. */
    e2e_write(g_dir, "csv/a.csv", "x,1\ny,2\nz,zz\nx,4\nbroken\ny,6\n");
    /* The good rows, for the oracle. */
    e2e_write(g_dir, "good/a.csv", "x,1\ny,2\nx,4\ny,6\n");
    /* Line 2 is not JSON; line 4 has a string where a number belongs. */
    e2e_write(g_dir, "json/a.json",
              "{\"k\":\"x\",\"v\":1}\n{\"k\":\"y\",\"v\":\n{\"k\":\"y\",\"v\":2}\n"
              "{\"k\":\"x\",\"v\":\"four\"}\n{\"k\":\"x\",\"v\":4}\n{\"k\":\"y\",\"v\":6}\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wr_test_rmtree(g_dir);
    free(g_dir);
    return 0;
}

/* files -> print (identity) */
static e2e_result run_copy(const char *options)
{
    wr_schema *in = e2e_schema("k STRING, v INT");
    wr_job *job = wr_job_new("e2e-files");
    int src = e2e_add_source(job, "files", options, in, 1, -1, 0, 0);
    int sink = e2e_add_sink(job, "print", "connector=print", in, 1);
    assert_true(src >= 0 && sink >= 0);
    assert_true(wr_job_connect(job, src, sink, 0, WR_EDGE_FORWARD, NULL, 0) >= 0);
    e2e_result r = e2e_run(job, 1024);
    wr_schema_free(in);
    return r;
}

static void test_csv_errors(void **state)
{
    (void)state;
    char opts[4096];
    snprintf(opts, sizeof opts, "connector=filesystem;path=%s/csv;format=csv", g_dir);
    e2e_result r = run_copy(opts);
    assert_int_not_equal(r.rc, WR_OK);
    /* The message names the file, the line and the column. */
    if (!strstr(r.err.msg, "a.csv:3:3")) fail_msg("message without position: %s", r.err.msg);
    e2e_result_free(&r);

    snprintf(opts, sizeof opts,
             "connector=filesystem;path=%s/csv;format=csv;csv.ignore-parse-errors=true", g_dir);
    r = run_copy(opts);
    if (r.rc != WR_OK) fail_msg("job failed: %s", r.err.msg);
    assert_int_equal(r.errors_skipped, 2);
    char *actual = e2e_normalize(r.out);
    char *sql = NULL;
    assert_true(asprintf(&sql,
                         "SELECT * FROM read_csv('%s/good/a.csv', header=false, "
                         "columns={'k':'VARCHAR','v':'INTEGER'});",
                         g_dir) > 0);
    char *expected = e2e_oracle(sql);
    e2e_assert_same("csv with skipped records", expected, actual);
    free(sql);
    free(expected);
    free(actual);
    e2e_result_free(&r);
}

static void test_json_errors(void **state)
{
    (void)state;
    char opts[4096];
    snprintf(opts, sizeof opts, "connector=filesystem;path=%s/json;format=json", g_dir);
    e2e_result r = run_copy(opts);
    assert_int_not_equal(r.rc, WR_OK);
    if (!strstr(r.err.msg, "a.json:2:")) fail_msg("message without position: %s", r.err.msg);
    e2e_result_free(&r);

    snprintf(opts, sizeof opts,
             "connector=filesystem;path=%s/json;format=json;json.ignore-parse-errors=true", g_dir);
    r = run_copy(opts);
    if (r.rc != WR_OK) fail_msg("job failed: %s", r.err.msg);
    /* Flink's json.ignore-parse-errors skips the unparsable line and sets the field that
     * cannot be converted to NULL. */
    assert_true(r.errors_skipped >= 1);
    char *actual = e2e_normalize(r.out);
    assert_non_null(strstr(actual, "+I[x, 1]\n"));
    assert_non_null(strstr(actual, "+I[y, 2]\n"));
    assert_non_null(strstr(actual, "+I[x, 4]\n"));
    assert_non_null(strstr(actual, "+I[y, 6]\n"));
    assert_null(strstr(actual, "four"));
    free(actual);
    e2e_result_free(&r);
}

/* Read every committed part file of dir (sorted lines); fail on in-progress files. */
static char *read_parts(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    wr_buf b;
    wr_buf_init(&b);
    int parts = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (e->d_name[0] == '.') fail_msg("in-progress file left behind: %s", e->d_name);
        assert_true(strncmp(e->d_name, "part-", 5) == 0);
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *text = wr_test_read_file(path, NULL);
        assert_non_null(text);
        wr_buf_append_c(&b, text);
        free(text);
        parts++;
    }
    closedir(d);
    assert_true(parts >= 1);
    char *out = strdup(b.ptr);
    wr_buf_free(&b);
    wr_test_sort_lines(out);
    return out;
}

static void test_filesystem_sink(void **state)
{
    (void)state;
    char in_dir[4096], out_dir[4096];
    snprintf(in_dir, sizeof in_dir, "%s/events", g_dir);
    assert_int_equal(mkdir(in_dir, 0755), 0);
    uint64_t rng = 99;
    wr_buf b;
    wr_buf_init(&b);
    for (int i = 0; i < 5000; i++) {
        uint64_t r = e2e_rand(&rng);
        wr_buf_printf(&b, "k%d,%d,2024-03-0%d %02d:%02d:%02d.%03d\n", (int)(r % 5),
                      (int)(r >> 20) % 1000, 1 + i / 2000, (i / 120) % 24, (i / 2) % 60,
                      (i * 7) % 60, (int)(r >> 40) % 1000);
    }
    e2e_write(in_dir, "e.csv", b.ptr);
    wr_buf_free(&b);

    for (uint32_t par = 1; par <= 4; par += 3) {
        snprintf(out_dir, sizeof out_dir, "%s/out-%u", g_dir, par);
        wr_schema *in = e2e_schema("k STRING, v INT, ts TIMESTAMP(3)");
        wr_job *job = wr_job_new("e2e-sink");
        char opts[8192];
        snprintf(opts, sizeof opts, "connector=filesystem;path=%s;format=csv", in_dir);
        int src = e2e_add_source(job, "files", opts, in, par, -1, 0, 0);
        snprintf(opts, sizeof opts,
                 "connector=filesystem;path=%s;format=csv;sink.rolling-policy.file-size=16kb",
                 out_dir);
        int sink = e2e_add_sink(job, "files-out", opts, in, par);
        assert_true(src >= 0 && sink >= 0);
        assert_true(wr_job_connect(job, src, sink, 0, WR_EDGE_REBALANCE, NULL, 0) >= 0);
        e2e_result r = e2e_run(job, 100);
        if (r.rc != WR_OK) fail_msg("job failed: %s", r.err.msg);
        e2e_result_free(&r);
        char *actual = read_parts(out_dir);
        /* The rows written are the rows read: compare with the input as DuckDB reads and
         * prints it in the CSV form (TIMESTAMP(3) as 'yyyy-MM-dd HH:mm:ss.SSS'). */
        char *sql = NULL;
        assert_true(
            asprintf(&sql,
                     "SELECT concat_ws(',', k, v, strftime(ts, '%%Y-%%m-%%d %%H:%%M:%%S.%%g')) "
                     "FROM read_csv('%s/e.csv', header=false, "
                     "columns={'k':'VARCHAR','v':'INTEGER','ts':'TIMESTAMP'});",
                     in_dir) > 0);
        char *oracle = e2e_oracle(sql);
        /* Oracle lines are "+I[csv]": strip the brackets. */
        wr_buf exp;
        wr_buf_init(&exp);
        for (char *l = oracle; *l;) {
            char *nl = strchr(l, '\n');
            assert_true(strncmp(l, "+I[", 3) == 0);
            wr_buf_append(&exp, l + 3, (size_t)(nl - l) - 4);
            wr_buf_putc(&exp, '\n');
            l = nl + 1;
        }
        wr_test_sort_lines(exp.ptr);
        e2e_assert_same("filesystem sink", exp.ptr, actual);
        wr_buf_free(&exp);
        free(oracle);
        free(sql);
        free(actual);
        wr_schema_free(in);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_filesystem_sink),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
