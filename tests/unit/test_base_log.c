/* test_base_log.c - log records in text and JSON form, written to a file and parsed back;
 * level filtering and parsing; whole lines from concurrent threads. */
#define _GNU_SOURCE
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct log_fixture {
    char *dir;
    char path[512];
    int fd;
} log_fixture;

static int setup(void **state)
{
    log_fixture *f = calloc(1, sizeof *f);
    f->dir = wr_test_tmpdir("log");
    snprintf(f->path, sizeof f->path, "%s/out.log", f->dir);
    f->fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
    if (f->fd < 0) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    log_fixture *f = *state;
    wr_log_configure(WR_LOG_INFO, WR_LOG_TEXT, 2);
    close(f->fd);
    wr_test_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static char *read_log(log_fixture *f)
{
    char *s = wr_test_read_file(f->path, NULL);
    assert_non_null(s);
    return s;
}

/* Checks "YYYY-MM-DDTHH:MM:SS.mmmZ" and that it is within a minute of now. */
static void check_timestamp(const char *ts)
{
    int y, mo, d, h, mi, s, ms;
    char z;
    assert_int_equal(sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi, &s, &ms, &z),
                     8);
    assert_int_equal(z, 'Z');
    assert_int_equal(ts[4], '-');
    assert_int_equal(ts[19], '.');
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    int64_t t = (int64_t)timegm(&tm) * 1000 + ms;
    int64_t now = wr_wall_ms();
    assert_true(t <= now && now - t < 60000);
}

/* Value of a string field in one of our flat JSON objects, unescaped, or NULL. */
static char *json_field(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(line, pat);
    if (!p) return NULL;
    p += strlen(pat);
    char *out = malloc(strlen(p) + 1), *o = out;
    while (*p && *p != '"') {
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        p++;
        switch (*p) {
        case 'n':
            *o++ = '\n';
            break;
        case 't':
            *o++ = '\t';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'u': {
            unsigned v;
            sscanf(p + 1, "%4x", &v);
            *o++ = (char)v;
            p += 4;
            break;
        }
        default:
            *o++ = *p;
        }
        p++;
    }
    assert_int_equal(*p, '"');
    *o = '\0';
    return out;
}

static void test_log_text(void **state)
{
    log_fixture *f = *state;
    wr_log_configure(WR_LOG_INFO, WR_LOG_TEXT, f->fd);
    assert_int_equal(wr_log_get_level(), WR_LOG_INFO);
    assert_true(WR_LOG_ENABLED(WR_LOG_WARN));
    assert_false(WR_LOG_ENABLED(WR_LOG_DEBUG));
    wr_log(WR_LOG_DEBUG, "test", "hidden %d", 1);
    wr_log(WR_LOG_INFO, "runtime", "started workers=%d", 4);
    wr_log(WR_LOG_WARN, "kafka", "two\nlines");
    wr_log(WR_LOG_ERROR, NULL, "no component");
    wr_log(WR_LOG_OFF, "x", "never");
    char *s = read_log(f);
    char *save = NULL;
    char *l1 = strtok_r(s, "\n", &save), *l2 = strtok_r(NULL, "\n", &save),
         *l3 = strtok_r(NULL, "\n", &save);
    assert_non_null(l3);
    assert_null(strtok_r(NULL, "\n", &save));
    check_timestamp(l1);
    assert_int_equal(l1[24], ' ');
    assert_string_equal(l1 + 25, "INFO runtime: started workers=4");
    check_timestamp(l2);
    assert_string_equal(l2 + 25, "WARN kafka: two\\nlines");
    assert_string_equal(l3 + 25, "ERROR no component");
    free(s);
}

static void test_log_json(void **state)
{
    log_fixture *f = *state;
    wr_log_configure(WR_LOG_DEBUG, WR_LOG_JSON, f->fd);
    wr_log(WR_LOG_DEBUG, "sql", "quote \" backslash \\ tab \t nl \n ctl \x01 utf8 caf\xc3\xa9");
    wr_log(WR_LOG_INFO, "c\"omp", "plain");
    char *s = read_log(f);
    char *save = NULL;
    char *l1 = strtok_r(s, "\n", &save), *l2 = strtok_r(NULL, "\n", &save);
    assert_non_null(l2);
    assert_true(l1[0] == '{' && l1[strlen(l1) - 1] == '}');
    char *t = json_field(l1, "time");
    check_timestamp(t);
    char *lvl = json_field(l1, "level"), *comp = json_field(l1, "component"),
         *msg = json_field(l1, "msg");
    assert_string_equal(lvl, "DEBUG");
    assert_string_equal(comp, "sql");
    assert_string_equal(msg, "quote \" backslash \\ tab \t nl \n ctl \x01 utf8 caf\xc3\xa9");
    char *comp2 = json_field(l2, "component");
    assert_string_equal(comp2, "c\"omp");
    free(t);
    free(lvl);
    free(comp);
    free(msg);
    free(comp2);
    free(s);
}

static void test_log_long_line(void **state)
{
    log_fixture *f = *state;
    wr_log_configure(WR_LOG_INFO, WR_LOG_JSON, f->fd);
    size_t n = 100000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    big[n] = '\0';
    int64_t bytes0 = wr_mem_allocated();
    wr_log(WR_LOG_INFO, "big", "%s", big);
    assert_int_equal(wr_mem_allocated(), bytes0); /* logging does not use wr_malloc */
    char *s = read_log(f);
    assert_int_equal(s[strlen(s) - 1], '\n');
    s[strlen(s) - 1] = '\0';
    char *msg = json_field(s, "msg");
    assert_string_equal(msg, big);
    free(msg);
    free(s);
    free(big);
}

typedef struct writer_arg {
    int id;
} writer_arg;

static void *writer(void *p)
{
    writer_arg *a = p;
    for (int i = 0; i < 500; i++)
        wr_log(WR_LOG_INFO, "thr", "writer=%d seq=%d pad=%0300d", a->id, i, 0);
    return NULL;
}

static void test_log_concurrent(void **state)
{
    log_fixture *f = *state;
    wr_log_configure(WR_LOG_INFO, WR_LOG_TEXT, f->fd);
    enum { T = 8 };
    wr_thread th[T];
    writer_arg args[T];
    for (int i = 0; i < T; i++) {
        args[i].id = i;
        assert_int_equal(wr_thread_start(&th[i], "log-writer", writer, &args[i]), WR_OK);
    }
    for (int i = 0; i < T; i++)
        assert_int_equal(wr_thread_join(&th[i]), WR_OK);
    char *s = read_log(f);
    int next[T] = {0};
    int lines = 0;
    char *save = NULL;
    for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        int id, seq;
        assert_int_equal(sscanf(l + 25, "INFO thr: writer=%d seq=%d pad=", &id, &seq), 2);
        assert_true(id >= 0 && id < T);
        assert_int_equal(seq, next[id]); /* each thread's lines intact and in order */
        next[id]++;
        assert_int_equal(strlen(l), 25 + strlen("INFO thr: writer=0 seq= pad=") + 300 +
                                        (seq >= 100  ? 3
                                         : seq >= 10 ? 2
                                                     : 1));
        lines++;
    }
    assert_int_equal(lines, T * 500);
    free(s);
}

static void test_log_parse_level(void **state)
{
    (void)state;
    wr_log_level l;
    assert_int_equal(wr_log_parse_level("debug", &l), WR_OK);
    assert_int_equal(l, WR_LOG_DEBUG);
    assert_int_equal(wr_log_parse_level("INFO", &l), WR_OK);
    assert_int_equal(l, WR_LOG_INFO);
    assert_int_equal(wr_log_parse_level("Warn", &l), WR_OK);
    assert_int_equal(l, WR_LOG_WARN);
    assert_int_equal(wr_log_parse_level("warning", &l), WR_OK);
    assert_int_equal(wr_log_parse_level("error", &l), WR_OK);
    assert_int_equal(l, WR_LOG_ERROR);
    assert_int_equal(wr_log_parse_level("off", &l), WR_OK);
    assert_int_equal(l, WR_LOG_OFF);
    assert_int_equal(wr_log_parse_level("verbose", &l), WR_EINVAL);
    assert_int_equal(wr_log_parse_level("", &l), WR_EINVAL);
    assert_int_equal(wr_log_parse_level(NULL, &l), WR_EINVAL);
}

static void test_log_off(void **state)
{
    log_fixture *f = *state;
    wr_log_configure(WR_LOG_OFF, WR_LOG_TEXT, f->fd);
    wr_log(WR_LOG_ERROR, "x", "suppressed");
    char *s = read_log(f);
    assert_string_equal(s, "");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_log_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_long_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_concurrent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_off, setup, teardown),
        cmocka_unit_test(test_log_parse_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
