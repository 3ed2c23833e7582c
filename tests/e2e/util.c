/* e2e_util.c - see util.h. Built into every e2e test binary (the CMake rule compiles
 * tests/e2e/util.c with each e2e_*.c). */
#define _GNU_SOURCE
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static wr_type parse_type(const char *t)
{
    int p = 0, s = 0;
    if (strcmp(t, "BIGINT") == 0) return wr_type_make(WR_TYPE_BIGINT);
    if (strcmp(t, "INT") == 0) return wr_type_make(WR_TYPE_INT);
    if (strcmp(t, "STRING") == 0) return wr_type_varchar(WR_MAX_LENGTH);
    if (strcmp(t, "DOUBLE") == 0) return wr_type_make(WR_TYPE_DOUBLE);
    if (strcmp(t, "BOOLEAN") == 0) return wr_type_make(WR_TYPE_BOOLEAN);
    if (strcmp(t, "TIMESTAMP(3)") == 0) return wr_type_timestamp(3);
    if (sscanf(t, "DECIMAL(%d,%d)", &p, &s) == 2) return wr_type_decimal(p, s);
    fail_msg("e2e_schema: unknown type '%s'", t);
    return wr_type_make(WR_TYPE_NULL);
}

wr_schema *e2e_schema(const char *spec)
{
    char *copy = strdup(spec);
    char *cols[64];
    uint32_t n = 0;
    char *save = NULL;
    for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        /* DECIMAL(p,s) contains a comma: glue it back. */
        if (n > 0 && strchr(cols[n - 1], '(') && !strchr(cols[n - 1], ')')) {
            c[-1] = ',';
            continue;
        }
        cols[n++] = c;
    }
    wr_schema *s = wr_schema_new(n);
    assert_non_null(s);
    for (uint32_t i = 0; i < n; i++) {
        char name[64], type[64];
        assert_int_equal(sscanf(cols[i], " %63s %63[^\n]", name, type), 2);
        assert_int_equal(wr_schema_set(s, i, name, parse_type(type)), WR_OK);
    }
    free(copy);
    return s;
}

static void parse_options(const char *text, wr_options *o)
{
    wr_options_init(o);
    char *copy = strdup(text);
    char *save = NULL;
    for (char *kv = strtok_r(copy, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        assert_non_null(eq);
        *eq = 0;
        assert_int_equal(wr_options_set(o, kv, eq + 1), WR_OK);
    }
    free(copy);
}

int e2e_add_source(wr_job *job, const char *name, const char *options, const wr_schema *schema,
                   uint32_t par, int32_t rowtime_col, int64_t delay_us, int64_t interval_us)
{
    wr_options o;
    parse_options(options, &o);
    wr_source_def def = {0};
    wr_error err = {0};
    int rc = wr_connector_make_source(&o, schema, &def, &err);
    wr_options_free(&o);
    if (rc != WR_OK) fail_msg("make_source %s: %s", name, err.msg);
    wr_wm_spec wm = {
        .enabled = rowtime_col >= 0,
        .rowtime_col = rowtime_col,
        .delay_us = delay_us,
        .interval_us = interval_us,
    };
    return wr_job_add_source(job, name, def.vt, def.cfg, def.cfg_free, schema, par, &wm);
}

int e2e_add_sink(wr_job *job, const char *name, const char *options, const wr_schema *schema,
                 uint32_t par)
{
    wr_options o;
    parse_options(options, &o);
    wr_sink_def def = {0};
    wr_error err = {0};
    int rc = wr_connector_make_sink(&o, schema, &def, &err);
    wr_options_free(&o);
    if (rc != WR_OK) fail_msg("make_sink %s: %s", name, err.msg);
    return wr_job_add_op(job, name, def.vt, def.cfg, def.cfg_free, schema, par);
}

e2e_result e2e_run(wr_job *job, uint32_t batch_rows)
{
    e2e_result r = {0};
    char path[] = "/tmp/weir-e2e-out-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    dup2(fd, STDOUT_FILENO);
    wr_job_opts opts = {.workers = 2, .batch_rows = batch_rows};
    wr_job_stats stats = {0};
    r.rc = wr_job_run(job, &opts, &stats, &r.err);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(fd);
    r.out = wr_test_read_file(path, NULL);
    unlink(path);
    assert_non_null(r.out);
    for (uint32_t i = 0; i < stats.ntasks; i++) {
        r.late_dropped += stats.tasks[i].late_dropped;
        r.errors_skipped += stats.tasks[i].errors_skipped;
    }
    r.sink_rows = stats.records_out_sinks;
    wr_job_stats_free(&stats);
    wr_job_free(job);
    return r;
}

void e2e_result_free(e2e_result *r)
{
    free(r->out);
    r->out = NULL;
}

char *e2e_oracle(const char *sql)
{
    char path[] = "/tmp/weir-e2e-sql-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(sql);
    assert_int_equal(write(fd, sql, n), (ssize_t)n);
    close(fd);
    const char *src = getenv("WEIR_SRC");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "node %s/tests/oracle/duckdb-query.mjs %s", src ? src : ".", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    wr_buf b;
    wr_buf_init(&b);
    char chunk[4096];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, p)) > 0)
        wr_buf_append(&b, chunk, r);
    int st = pclose(p);
    unlink(path);
    if (st != 0) fail_msg("the DuckDB oracle failed (exit %d) on:\n%s", st, sql);
    char *out = strdup(b.ptr);
    wr_buf_free(&b);
    char *norm = e2e_normalize(out);
    free(out);
    return norm;
}

/* Skip a "N> " or "id:N> " prefix. */
static const char *skip_prefix(const char *line)
{
    const char *gt = strstr(line, "> ");
    const char *br = strchr(line, '[');
    if (gt && (!br || gt < br)) return gt + 2;
    return line;
}

char *e2e_normalize(const char *text)
{
    wr_buf b;
    wr_buf_init(&b);
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);
        if (len > 0) {
            wr_buf_append_c(&b, skip_prefix(line));
            wr_buf_putc(&b, '\n');
        }
        free(line);
        p += len + (nl ? 1 : 0);
    }
    char *out = strdup(b.ptr);
    wr_buf_free(&b);
    wr_test_sort_lines(out);
    return out;
}

char *e2e_changelog_final(const char *text)
{
    /* Rows as strings without their kind; a multiset kept as an array. */
    size_t n = 0, cap = 1024;
    char **rows = malloc(cap * sizeof *rows);
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);
        p += len + (nl ? 1 : 0);
        if (len == 0) {
            free(line);
            continue;
        }
        const char *l = skip_prefix(line);
        assert_true(strlen(l) > 2);
        const char *row = l + 2;
        if (strncmp(l, "+I", 2) == 0 || strncmp(l, "+U", 2) == 0) {
            if (n == cap) rows = realloc(rows, (cap *= 2) * sizeof *rows);
            rows[n++] = strdup(row);
        } else if (strncmp(l, "-U", 2) == 0 || strncmp(l, "-D", 2) == 0) {
            size_t i;
            for (i = 0; i < n; i++)
                if (strcmp(rows[i], row) == 0) break;
            if (i == n) fail_msg("changelog retracts a row that is not there: %s", l);
            free(rows[i]);
            rows[i] = rows[--n];
        } else {
            fail_msg("not a changelog line: %s", l);
        }
        free(line);
    }
    wr_buf b;
    wr_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        wr_buf_printf(&b, "+I%s\n", rows[i]);
        free(rows[i]);
    }
    free(rows);
    char *out = strdup(b.ptr);
    wr_buf_free(&b);
    wr_test_sort_lines(out);
    return out;
}

void e2e_assert_same(const char *what, const char *expected, const char *actual)
{
    if (strcmp(expected, actual) == 0) return;
    /* Print the first differing line with context. */
    const char *e = expected, *a = actual;
    int line = 1;
    while (*e && *e == *a) {
        if (*e == '\n') line++;
        e++;
        a++;
    }
    size_t el = strlen(expected), al = strlen(actual);
    print_error("%s: outputs differ at line %d (expected %zu bytes, got %zu)\n", what, line, el,
                al);
    const char *es = e, *as = a;
    while (es > expected && es[-1] != '\n')
        es--;
    while (as > actual && as[-1] != '\n')
        as--;
    print_error("expected: %.200s\nactual:   %.200s\n", es, as);
    fail_msg("%s: results differ", what);
}

uint64_t e2e_rand(uint64_t *s)
{
    /* splitmix64 */
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void e2e_write(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(wr_test_write_file(path, text), 0);
}
