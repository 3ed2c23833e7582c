/* e2e_shell.c - `weir sql` on a real pseudo-terminal: a multi-line CREATE TABLE, an
 * updating query shown as a table (checked against the counts the generator must produce),
 * an append-only query streamed, SHOW TABLES, an error with its position and suggestion,
 * and QUIT. Also a script piped in (not a terminal) runs like `weir run`. */
#define _GNU_SOURCE
#include "util.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *weir_bin(void)
{
    const char *b = getenv("WEIR_BIN");
    return b ? b : "build/weir";
}

typedef struct term {
    int fd;
    pid_t pid;
    wr_buf out; /* everything the shell printed, escape sequences included */
} term;

static void term_start(term *t)
{
    wr_buf_init(&t->out);
    char *dir = wr_test_tmpdir("shellhome");
    t->pid = forkpty(&t->fd, NULL, NULL, NULL);
    assert_true(t->pid >= 0);
    if (t->pid == 0) {
        setenv("HOME", dir, 1);
        execl(weir_bin(), "weir", "sql", (char *)NULL);
        _exit(127);
    }
    free(dir);
}

/* Read until `needle` appears after offset `from` (or fail after ~20 s). */
static size_t term_expect(term *t, size_t from, const char *needle)
{
    for (int i = 0; i < 400; i++) {
        const char *hit = t->out.len > from ? strstr(t->out.ptr + from, needle) : NULL;
        if (hit) return (size_t)(hit - t->out.ptr) + strlen(needle);
        struct pollfd p = {t->fd, POLLIN, 0};
        if (poll(&p, 1, 50) > 0) {
            char buf[4096];
            ssize_t n = read(t->fd, buf, sizeof buf);
            if (n > 0) wr_buf_append(&t->out, buf, (size_t)n);
        }
    }
    fail_msg("the shell never printed '%s'; it printed:\n%s", needle, t->out.ptr + from);
    return 0;
}

static void term_type(term *t, const char *keys)
{
    size_t n = strlen(keys);
    assert_int_equal(write(t->fd, keys, n), (ssize_t)n);
}

static void test_interactive(void **state)
{
    (void)state;
    term t;
    term_start(&t);
    size_t at = term_expect(&t, 0, "weir> ");
    /* A statement over two lines: the prompt shows the continuation. */
    term_type(&t, "CREATE TABLE t (k INT, n BIGINT) WITH ('connector' = 'datagen',\r");
    at = term_expect(&t, at, "    -> ");
    term_type(&t, "'fields.k.min' = '1', 'fields.k.max' = '3', 'fields.n.kind' = 'sequence', "
                  "'fields.n.start' = '1', 'fields.n.end' = '600');\r");
    at = term_expect(&t, at, "[INFO] OK");
    /* An updating result: a table. The sequence 1..600 sums to 180300 whatever the keys. */
    term_type(&t, "SELECT COUNT(*) AS c, SUM(n) AS s FROM t;\r");
    at = term_expect(&t, at, "| c   | s      |");
    at = term_expect(&t, at, "| 600 | 180300 |");
    at = term_expect(&t, at, "1 row in the result");
    at = term_expect(&t, at, "weir> ");
    /* An append-only result: streamed changes. */
    term_type(&t, "SELECT n FROM t WHERE n <= 2;\r");
    at = term_expect(&t, at, "op | n");
    at = term_expect(&t, at, "weir> ");
    assert_non_null(strstr(t.out.ptr, "+I | 1"));
    assert_non_null(strstr(t.out.ptr, "+I | 2"));
    term_type(&t, "SHOW TABLES;\r");
    at = term_expect(&t, at, " t |");
    at = term_expect(&t, at, "weir> ");
    /* Errors say where and suggest. */
    term_type(&t, "SELEC 1;\r");
    at = term_expect(&t, at, "<shell>:1:1: ");
    at = term_expect(&t, at, "did you mean SELECT?");
    at = term_expect(&t, at, "weir> ");
    /* Ctrl-C drops a half-typed statement. */
    term_type(&t, "SELECT\r");
    at = term_expect(&t, at, "    -> ");
    term_type(&t, "\x03");
    at = term_expect(&t, at, "weir> ");
    term_type(&t, "QUIT;\r");
    int st = 0;
    for (int i = 0; i < 200 && waitpid(t.pid, &st, WNOHANG) == 0; i++)
        usleep(50000);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    close(t.fd);
    wr_buf_free(&t.out);
}

static void test_script_on_stdin(void **state)
{
    (void)state;
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "printf \"CREATE TABLE t (n BIGINT) WITH ('connector'='datagen', 'fields.n.kind'="
             "'sequence', 'fields.n.start'='1', 'fields.n.end'='4');\\nSELECT n * 10 FROM t;\\n\" "
             "| %s sql | sort",
             weir_bin());
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char buf[4096] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = 0;
    assert_int_equal(pclose(p), 0);
    assert_string_equal(buf, "+I[10]\n+I[20]\n+I[30]\n+I[40]\n");
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interactive),
        cmocka_unit_test(test_script_on_stdin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
