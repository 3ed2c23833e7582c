/* test_shell.c - the SQL shell's pieces: statement splitting across lines, quotes and
 * comments; the changelog table view (exact rendering, retractions, stream mode); the line
 * editor on plain input and on a real pseudo-terminal driven with key sequences; history
 * load/save round trips. */
#define _GNU_SOURCE
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "shell/shell.h"

static void feed(wr_stmt_splitter *s, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        assert_int_equal(wr_splitter_feed(s, p, n), WR_OK);
        p += n + (nl ? 1 : 0);
    }
}

static void test_splitter(void **state)
{
    (void)state;
    wr_stmt_splitter s;
    wr_splitter_init(&s);
    size_t line = 0;
    feed(&s, "SELECT 1");
    assert_null(wr_splitter_next(&s, &line));
    assert_true(wr_splitter_has_pending(&s));
    feed(&s, "  FROM t; SELECT ';' -- a ; in a comment\n, 2;");
    char *a = wr_splitter_next(&s, &line);
    assert_string_equal(a, "SELECT 1\n  FROM t;");
    assert_int_equal(line, 1);
    char *b = wr_splitter_next(&s, &line);
    assert_string_equal(b, " SELECT ';' -- a ; in a comment\n, 2;");
    assert_int_equal(line, 2);
    assert_null(wr_splitter_next(&s, &line));
    wr_free(a);
    wr_free(b);

    /* Block comments, backquotes, empty statements, and a last statement without ';'. */
    feed(&s, "\n\n/* ; */ SELECT `a;b` FROM t;;\nSELECT \"x;\"");
    char *c = wr_splitter_next(&s, &line);
    /* The text between statements (here the end of line 3 and blank lines 4 and 5) stays
     * with the next statement; its line is where its text starts. */
    assert_string_equal(c, "\n\n\n/* ; */ SELECT `a;b` FROM t;");
    assert_int_equal(line, 6);
    wr_free(c);
    assert_null(wr_splitter_next(&s, &line));
    char *d = wr_splitter_finish(&s, &line);
    assert_string_equal(d, "\nSELECT \"x;\"\n");
    assert_int_equal(line, 7);
    wr_free(d);
    /* Only a comment left: nothing. */
    feed(&s, "-- bye");
    assert_false(wr_splitter_has_pending(&s));
    assert_null(wr_splitter_finish(&s, &line));
    /* An open string keeps the statement pending; reset drops it. */
    feed(&s, "SELECT 'abc;");
    assert_null(wr_splitter_next(&s, &line));
    assert_true(wr_splitter_has_pending(&s));
    wr_splitter_reset(&s);
    assert_false(wr_splitter_has_pending(&s));
    wr_splitter_free(&s);
}

static void test_view_table(void **state)
{
    (void)state;
    int64_t live = wr_mem_live_allocs();
    const char *cols[] = {"user", "cnt"};
    wr_shell_view *v = wr_shell_view_new(WR_VIEW_TABLE, cols, 2);
    const char *r1[] = {"alice", "1"}, *r1b[] = {"alice", "2"}, *r2[] = {"bob", "1"};
    assert_int_equal(wr_shell_view_apply(v, 0, r1), WR_OK);
    assert_int_equal(wr_shell_view_apply(v, 0, r2), WR_OK);
    assert_int_equal(wr_shell_view_apply(v, 1, r1), WR_OK);
    assert_int_equal(wr_shell_view_apply(v, 2, r1b), WR_OK);
    assert_int_equal(wr_shell_view_apply(v, 3, r1), WR_ENOENT); /* already retracted */
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_shell_view_render(v, 100, &b), WR_OK);
    assert_string_equal(b.ptr, "+-------+-----+\n"
                               "| user  | cnt |\n"
                               "+-------+-----+\n"
                               "| bob   | 1   |\n"
                               "| alice | 2   |\n"
                               "+-------+-----+\n"
                               "2 rows in the result, 4 changes received\n");
    wr_buf_clear(&b);
    assert_int_equal(wr_shell_view_render(v, 1, &b), WR_OK);
    assert_non_null(strstr(b.ptr, "... 1 more rows\n"));
    assert_int_equal(wr_shell_view_rows(v), 2);
    wr_buf_free(&b);
    wr_shell_view_free(v);
    assert_int_equal(wr_mem_live_allocs(), live);
}

static void test_view_stream(void **state)
{
    (void)state;
    const char *cols[] = {"k", "v"};
    wr_shell_view *v = wr_shell_view_new(WR_VIEW_STREAM, cols, 2);
    const char *r1[] = {"a", NULL}, *r2[] = {"b", "2"};
    assert_int_equal(wr_shell_view_apply(v, 0, r1), WR_OK);
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_shell_view_render(v, 10, &b), WR_OK);
    assert_string_equal(b.ptr, "op | k | v\n+I | a | null\n");
    wr_buf_clear(&b);
    assert_int_equal(wr_shell_view_apply(v, 0, r2), WR_OK);
    assert_int_equal(wr_shell_view_render(v, 10, &b), WR_OK);
    assert_string_equal(b.ptr, "+I | b | 2\n"); /* only what was not shown yet */
    wr_buf_free(&b);
    assert_int_equal(wr_shell_view_changes(v), 2);
    wr_shell_view_free(v);
}

static void test_lineedit_plain(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    const char *in = "SELECT 1;\r\nsecond line\nlast without newline";
    assert_int_equal(write(fds[1], in, strlen(in)), (ssize_t)strlen(in));
    close(fds[1]);
    int devnull = open("/dev/null", O_WRONLY);
    wr_lineedit *le = wr_lineedit_new(fds[0], devnull);
    assert_false(wr_lineedit_is_tty(le));
    const char *line;
    size_t len;
    assert_int_equal(wr_lineedit_read(le, "> ", &line, &len), WR_LE_LINE);
    assert_string_equal(line, "SELECT 1;");
    assert_int_equal(wr_lineedit_read(le, "> ", &line, &len), WR_LE_LINE);
    assert_string_equal(line, "second line");
    assert_int_equal(wr_lineedit_read(le, "> ", &line, &len), WR_LE_LINE);
    assert_string_equal(line, "last without newline");
    assert_int_equal(wr_lineedit_read(le, "> ", &line, &len), WR_LE_EOF);
    wr_lineedit_free(le);
    close(fds[0]);
    close(devnull);
}

/* Type keys into a pseudo-terminal and read the line the editor returns. */
static int g_slave = -1;

/* Wait until the editor has switched the terminal to raw mode (keys typed before that
 * would be flushed by its TCSAFLUSH). The master side sees the terminal's settings. */
static void wait_raw(int master)
{
    for (int i = 0; i < 100000; i++) {
        struct termios t;
        if (tcgetattr(master, &t) == 0 && !(t.c_lflag & ICANON)) return;
        usleep(1000);
    }
}

static int pty_read(wr_lineedit **le_out, int *master_out, const char *keys, const char **line)
{
    if (g_slave >= 0) close(g_slave);
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);
    g_slave = slave;
    wr_lineedit *le = *le_out ? *le_out : wr_lineedit_new(slave, slave);
    assert_true(wr_lineedit_is_tty(le));
    /* The editor switches the terminal to raw mode before reading; a child types the keys
     * once it has. */
    pid_t pid = fork();
    if (pid == 0) {
        wait_raw(master);
        ssize_t w = write(master, keys, strlen(keys));
        _exit(w == (ssize_t)strlen(keys) ? 0 : 1);
    }
    size_t len;
    int rc = wr_lineedit_read(le, "sql> ", line, &len);
    int st;
    waitpid(pid, &st, 0);
    *le_out = le;
    *master_out = master;
    return rc;
}

static void test_lineedit_tty(void **state)
{
    (void)state;
    struct {
        const char *keys, *want;
    } cases[] = {
        {"abc\r", "abc"},
        {"abd\x7f"
         "c\r",
         "abc"}, /* backspace */
        {"bc\x01"
         "a\r",
         "abc"},                        /* Ctrl-A then insert */
        {"ac\x1b[Db\r", "abc"},         /* left arrow */
        {"xabc\x1b[H\x1b[3~\r", "abc"}, /* Home, Delete */
        {"abc def\x17\x7f\r", "abc"},   /* Ctrl-W, backspace */
        {"zzz\x15"
         "abc\r",
         "abc"},                             /* Ctrl-U */
        {"abcdef\x02\x02\x02\x0b\r", "abc"}, /* Ctrl-B x3, Ctrl-K */
        {"h\xc3\xa9llo\x1b[D\x1b[D\x1b[D\x7f"
         "e\r",
         "hello"}, /* UTF-8 é */
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        wr_lineedit *le = NULL;
        int master;
        const char *line;
        assert_int_equal(pty_read(&le, &master, cases[i].keys, &line), WR_LE_LINE);
        assert_string_equal(line, cases[i].want);
        wr_lineedit_free(le);
        close(master);
    }
    wr_lineedit *le = NULL;
    int master;
    const char *line;
    /* Ctrl-C cancels, Ctrl-D on an empty line ends. */
    assert_int_equal(pty_read(&le, &master, "abc\x03", &line), WR_LE_CANCELED);
    wr_lineedit_free(le);
    close(master);
    le = NULL;
    assert_int_equal(pty_read(&le, &master, "\x04", &line), WR_LE_EOF);
    wr_lineedit_free(le);
    close(master);
}

static void test_history_navigation(void **state)
{
    (void)state;
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(master);
    unlockpt(master);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    wr_lineedit *le = wr_lineedit_new(slave, slave);
    wr_lineedit_history_add(le, "first");
    wr_lineedit_history_add(le, "second");
    wr_lineedit_history_add(le, "second"); /* duplicate: not added */
    assert_int_equal(wr_lineedit_history_len(le), 2);
    struct {
        const char *keys, *want;
    } cases[] = {
        {"\x1b[A\r", "second"},
        {"\x1b[A\x1b[A\r", "first"},
        {"\x1b[A\x1b[A\x1b[A\r", "first"}, /* stops at the oldest */
        {"typed\x1b[A\x1b[B\r", "typed"},  /* back to the line being typed */
        {"\x10\x10\x0e\r", "second"},      /* Ctrl-P Ctrl-P Ctrl-N */
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        pid_t pid = fork();
        if (pid == 0) {
            wait_raw(master);
            ssize_t w = write(master, cases[i].keys, strlen(cases[i].keys));
            _exit(w > 0 ? 0 : 1);
        }
        const char *line;
        size_t len;
        assert_int_equal(wr_lineedit_read(le, "> ", &line, &len), WR_LE_LINE);
        int st;
        waitpid(pid, &st, 0);
        assert_string_equal(line, cases[i].want);
        /* Drain the echo so the pty buffer never fills. */
        char sink[4096];
        int fl = fcntl(master, F_GETFL);
        fcntl(master, F_SETFL, fl | O_NONBLOCK);
        while (read(master, sink, sizeof sink) > 0) {
        }
        fcntl(master, F_SETFL, fl);
    }
    /* Save and load keep multi-line entries. */
    char *dir = wr_test_tmpdir("hist");
    char path[4096];
    snprintf(path, sizeof path, "%s/history", dir);
    wr_lineedit_history_add(le, "SELECT 1\nFROM t;");
    assert_int_equal(wr_lineedit_history_save(le, path), WR_OK);
    wr_lineedit *le2 = wr_lineedit_new(0, 1);
    assert_int_equal(wr_lineedit_history_load(le2, path), WR_OK);
    assert_int_equal(wr_lineedit_history_len(le2), 3);
    assert_string_equal(wr_lineedit_history_get(le2, 2), "SELECT 1\nFROM t;");
    wr_lineedit_history_max(le2, 1);
    assert_int_equal(wr_lineedit_history_len(le2), 1);
    assert_string_equal(wr_lineedit_history_get(le2, 0), "SELECT 1\nFROM t;");
    wr_lineedit_free(le2);
    wr_lineedit_free(le);
    close(slave);
    close(master);
    wr_test_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_splitter),     cmocka_unit_test(test_view_table),
        cmocka_unit_test(test_view_stream),  cmocka_unit_test(test_lineedit_plain),
        cmocka_unit_test(test_lineedit_tty), cmocka_unit_test(test_history_navigation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
