/* e2e_status_socket.c - `weir run --status-socket PATH` driven as the managed service
 * drives it (docs/status-socket.md): a bounded but slow job (datagen at a fixed rate) is
 * started from WEIR_BIN; its status shows the state, start time, per-task metrics and the
 * checkpoint statistics with their history; a savepoint lands in the directory asked for
 * with a _manifest; malformed, unknown, binary and oversized requests each get one error
 * response while the socket keeps serving this and other clients; stop takes a savepoint,
 * the job exits 0 printing its path, and the socket is removed. Also: a path that exists and
 * is not a socket is refused (exit 2), a stale socket is replaced, savepoints need
 * checkpointing, and cancel ends the job. */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *weir_bin(void)
{
    const char *b = getenv("WEIR_BIN");
    return b ? b : "build/weir";
}

static char *path_in(const char *dir, const char *name)
{
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
    return p;
}

/* Start weir with argv (NULL-terminated, without argv[0]); stdout to /dev/null, stderr to
 * errfile. */
static pid_t spawn(const char *errfile, const char *const *args)
{
    const char *argv[24] = {"weir"};
    int n = 1;
    for (; args[n - 1]; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int out = open("/dev/null", O_WRONLY);
        int err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0) _exit(127);
        dup2(out, 1);
        dup2(err, 2);
        execv(weir_bin(), (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Exit status of pid, waiting at most ~60 s (then it is killed and the test fails). */
static int wait_exit(pid_t pid)
{
    for (int i = 0; i < 6000; i++) {
        int st = 0;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            assert_true(WIFEXITED(st));
            return WEXITSTATUS(st);
        }
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    fail_msg("weir did not exit");
    return -1;
}

typedef struct conn {
    int fd;
    wr_buf in;
} conn;

/* Connect, retrying while the server starts (~20 s). */
static void conn_open(conn *c, const char *path)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    assert_true(strlen(path) < sizeof a.sun_path);
    strcpy(a.sun_path, path);
    wr_buf_init(&c->in);
    for (int i = 0; i < 2000; i++) {
        c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
        assert_true(c->fd >= 0);
        if (connect(c->fd, (struct sockaddr *)&a, sizeof a) == 0) return;
        close(c->fd);
        usleep(10000);
    }
    fail_msg("cannot connect to %s", path);
}

static void conn_close(conn *c)
{
    close(c->fd);
    wr_buf_free(&c->in);
}

static void conn_send(conn *c, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);
        assert_true(w > 0);
        s += w;
        n -= (size_t)w;
    }
}

/* The next response line (without '\n'; free()); fails after ~30 s. */
static char *conn_line(conn *c)
{
    for (int i = 0; i < 3000; i++) {
        char *nl = c->in.len ? memchr(c->in.ptr, '\n', c->in.len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - c->in.ptr);
            char *line = strndup(c->in.ptr, n);
            memmove(c->in.ptr, nl + 1, c->in.len - n - 1);
            c->in.len -= n + 1;
            return line;
        }
        struct pollfd p = {c->fd, POLLIN, 0};
        if (poll(&p, 1, 10) > 0) {
            char buf[65536];
            ssize_t r = recv(c->fd, buf, sizeof buf, 0);
            assert_true(r > 0);
            wr_buf_append(&c->in, buf, (size_t)r);
        }
    }
    fail_msg("no response");
    return NULL;
}

static char *request(conn *c, const char *line)
{
    conn_send(c, line, strlen(line));
    conn_send(c, "\n", 1);
    return conn_line(c);
}

static void assert_has(const char *resp, const char *needle)
{
    if (!strstr(resp, needle)) fail_msg("'%s' not in response: %s", needle, resp);
}

/* The string value of "key" (no escapes expected; free()), NULL if absent. */
static char *field_str(const char *resp, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(resp, pat);
    if (!p) return NULL;
    p += strlen(pat);
    return strndup(p, strcspn(p, "\""));
}

static long long field_int(const char *resp, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(resp, pat);
    if (!p) fail_msg("no \"%s\" in %s", key, resp);
    return strtoll(p + strlen(pat), NULL, 10);
}

static void assert_file(const char *dir, const char *name)
{
    char *p = path_in(dir, name);
    struct stat st;
    if (stat(p, &st) != 0) fail_msg("%s does not exist", p);
    free(p);
}

static void assert_error(conn *c, const char *line, const char *msg)
{
    conn_send(c, line, strlen(line));
    char *r = conn_line(c);
    assert_has(r, "{\"ok\":false,\"error\":\"");
    assert_has(r, msg);
    free(r);
}

/* 100 000 rows at 400 rows/s: bounded, but far longer than the test runs. */
static const char job_sql[] =
    "CREATE TABLE g (id BIGINT, k INT, ts AS TO_TIMESTAMP_LTZ(1704067200000 + id * 10, 3), "
    "WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'datagen', "
    "'rows-per-second' = '400', 'number-of-rows' = '100000', 'fields.id.kind' = 'sequence', "
    "'fields.id.start' = '0', 'fields.id.end' = '99999', 'fields.k.min' = '0', "
    "'fields.k.max' = '9');\n"
    "CREATE TABLE b (k INT, n BIGINT) WITH ('connector' = 'blackhole');\n"
    "INSERT INTO b SELECT k, COUNT(*) FROM TABLE(TUMBLE(TABLE g, DESCRIPTOR(ts), INTERVAL '1' "
    "SECOND)) GROUP BY k, window_start, window_end;\n";

static void test_status_savepoint_errors_stop(void **state)
{
    (void)state;
    char *dir = wr_test_tmpdir("statussock");
    char *sql = path_in(dir, "job.sql"), *sock = path_in(dir, "s.sock");
    char *ck = path_in(dir, "ck"), *sp = path_in(dir, "sp"), *errf = path_in(dir, "stderr");
    assert_int_equal(wr_test_write_file(sql, job_sql), 0);
    const char *args[] = {"run",
                          sql,
                          "--checkpoint-dir",
                          ck,
                          "--set",
                          "execution.checkpointing.interval=200ms",
                          "--parallelism",
                          "2",
                          "--status-socket",
                          sock,
                          NULL};
    pid_t pid = spawn(errf, args);
    conn a, b, idle;
    conn_open(&a, sock);
    struct stat st;
    assert_int_equal(lstat(sock, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);

    /* Status, until a checkpoint completed and rows flowed. */
    char *r = NULL;
    for (int i = 0; i < 300; i++) {
        free(r);
        if (i) usleep(50000);
        r = request(&a, "{\"op\":\"status\"}");
        if (strstr(r, "\"state\":\"CREATED\",\"attempt\":0,")) continue; /* still planning */
        assert_has(r, "{\"ok\":true,\"protocol\":1,\"state\":\"RUNNING\",\"attempt\":1,");
        if (field_int(r, "completed") >= 1 && field_int(r, "records_in_sources") > 0 &&
            strstr(r, "\"watermark\":170")) /* event time starts at 2024-01-01 */
            break;
    }
    assert_true(field_int(r, "completed") >= 1);
    assert_has(r, "\"watermark\":170");
    assert_true(field_int(r, "start_time_ms") > 1600000000000ll);
    assert_has(r, "\"tasks\":[{\"name\":\"Source: g");
    assert_has(r, "(2/2)\",\"subtask\":1,");
    const char *keys[] = {"records_in",       "records_out",  "busy_ms",   "idle_ms",
                          "backpressured_ms", "late_dropped", "watermark", "last_id",
                          "last_duration_ms", "last_bytes",   "failed"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        char pat[64];
        snprintf(pat, sizeof pat, "\"%s\":", keys[i]);
        assert_has(r, pat);
    }
    assert_has(r, "\"history\":[{\"id\":");
    assert_has(r, "\"kind\":\"checkpoint\",\"status\":\"COMPLETED\"");
    assert_true(field_int(r, "last_bytes") > 0);
    free(r);

    /* A second client, and one that sends half a line and waits: neither blocks anyone. */
    conn_open(&b, sock);
    conn_open(&idle, sock);
    conn_send(&idle, "{\"op\":\"sta", 10);

    /* A savepoint into a directory of our choosing. */
    char req[512];
    snprintf(req, sizeof req, "{\"op\":\"savepoint\",\"dir\":\"%s\"}", sp);
    r = request(&a, req);
    assert_has(r, "{\"ok\":true,\"savepoint\":\"");
    char *sp_path = field_str(r, "savepoint");
    assert_non_null(sp_path);
    assert_int_equal(strncmp(sp_path, sp, strlen(sp)), 0);
    assert_file(sp_path, "_manifest");
    free(r);
    r = request(&b, "{\"op\":\"status\"}");
    assert_has(r, "\"kind\":\"savepoint\",\"status\":\"COMPLETED\"");
    free(r);

    /* Bad requests: one error each, and the connection goes on. */
    assert_error(&a, "garbage\n", "malformed request");
    assert_error(&a, "{\"op\":\n", "malformed request");
    assert_error(&a, "[{\"op\":\"status\"}]\n", "one JSON object");
    assert_error(&a, "{\"op\":\"nope\"}\n", "unknown op \\\"nope\\\"");
    assert_error(&a, "{\"dir\":\"x\"}\n", "no \\\"op\\\"");
    assert_error(&a, "{\"op\":\"status\"} trailing\n", "malformed request");
    char bin[256];
    for (int i = 0; i < 256; i++)
        bin[i] = (char)(i == '\n' ? 'x' : i);
    bin[0] = '{';
    conn_send(&a, bin, sizeof bin);
    assert_error(&a, "\n", "malformed request");
    /* Oversized: 100 KiB in one line, then the same without a line break until later. */
    size_t big = 100 * 1024;
    char *junk = malloc(big);
    memset(junk, 'x', big);
    conn_send(&a, junk, big);
    assert_error(&a, "\n", "request longer than 65536 bytes");
    conn_send(&a, junk, big);
    char *e = conn_line(&a); /* answered before the line even ends */
    assert_has(e, "request longer than 65536 bytes");
    free(e);
    conn_send(&a, junk, big);
    conn_send(&a, "\n{\"op\":\"status\"}\n", 17); /* the rest of that line is dropped */
    e = conn_line(&a);
    assert_has(e, "\"state\":\"RUNNING\"");
    free(e);
    free(junk);
    /* Several requests in one write come back in order. */
    const char *three = "{\"op\":\"status\"}\n\n{\"op\":\"x\"}\n{\"op\":\"status\"}\n";
    conn_send(&b, three, strlen(three));
    for (int i = 0; i < 3; i++) {
        e = conn_line(&b);
        assert_has(e, i == 1 ? "unknown op" : "\"ok\":true,");
        free(e);
    }
    /* The half-written request completes. */
    conn_send(&idle, "tus\"}\n", 6);
    e = conn_line(&idle);
    assert_has(e, "\"state\":\"RUNNING\"");
    free(e);

    /* A client that asks for a savepoint and leaves at once: the savepoint is taken, the
     * response goes nowhere, the socket serves on. */
    conn gone;
    conn_open(&gone, sock);
    conn_send(&gone, "{\"op\":\"savepoint\"}\n", 19);
    conn_close(&gone);
    for (int i = 0;; i++) {
        assert_true(i < 1000);
        char *log = wr_test_read_file(errf, NULL);
        int n = 0;
        for (const char *p = log; (p = strstr(p, "weir: savepoint ")); p++)
            n++;
        free(log);
        r = request(&b, "{\"op\":\"status\"}");
        bool sp_idle = strstr(r, "\"savepoint_in_progress\":false") != NULL;
        free(r);
        if (n == 2 && sp_idle) break;
        usleep(20000);
    }

    /* Stop with a savepoint: the job finishes, exit 0, the path is printed, socket gone. */
    r = request(&a, "{\"op\":\"stop\",\"savepoint\":true}");
    assert_has(r, "{\"ok\":true,\"savepoint\":\"");
    char *stop_path = field_str(r, "savepoint");
    assert_int_equal(strncmp(stop_path, ck, strlen(ck)), 0);
    assert_file(stop_path, "_manifest");
    free(r);
    assert_int_equal(wait_exit(pid), 0);
    char *err = wr_test_read_file(errf, NULL);
    char line[600];
    snprintf(line, sizeof line, "weir: savepoint %s\n", stop_path);
    if (!strstr(err, line)) fail_msg("stderr lacks '%s':\n%s", line, err);
    snprintf(line, sizeof line, "weir: savepoint %s\n", sp_path);
    if (!strstr(err, line)) fail_msg("stderr lacks '%s':\n%s", line, err);
    assert_int_equal(lstat(sock, &st), -1);
    free(err);
    conn_close(&a);
    conn_close(&b);
    conn_close(&idle);
    free(sp_path);
    free(stop_path);
    wr_test_rmtree(dir);
    free(dir);
    free(sql);
    free(sock);
    free(ck);
    free(sp);
    free(errf);
}

static const char unbounded_sql[] =
    "CREATE TABLE g (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '100');\n"
    "CREATE TABLE b (id BIGINT) WITH ('connector' = 'blackhole');\n"
    "INSERT INTO b SELECT id FROM g;\n";

static void test_paths_and_cancel(void **state)
{
    (void)state;
    char *dir = wr_test_tmpdir("statussock2");
    char *sql = path_in(dir, "job.sql"), *sock = path_in(dir, "s.sock");
    char *errf = path_in(dir, "stderr");
    assert_int_equal(wr_test_write_file(sql, unbounded_sql), 0);

    /* A regular file at the path: refused, left alone. */
    assert_int_equal(wr_test_write_file(sock, "keep me"), 0);
    const char *args[] = {"run", sql, "--status-socket", sock, NULL};
    assert_int_equal(wait_exit(spawn(errf, args)), 2);
    char *err = wr_test_read_file(errf, NULL);
    assert_non_null(strstr(err, "exists and is not a socket"));
    free(err);
    err = wr_test_read_file(sock, NULL);
    assert_string_equal(err, "keep me");
    free(err);
    unlink(sock);

    /* A stale socket (bound, nobody listening) is replaced. */
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, sock);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    close(fd);
    pid_t pid = spawn(errf, args);
    conn c;
    conn_open(&c, sock);
    /* A second run on the same path while this one serves it: refused. */
    char *errf2 = path_in(dir, "stderr2");
    assert_int_equal(wait_exit(spawn(errf2, args)), 2);
    err = wr_test_read_file(errf2, NULL);
    assert_non_null(strstr(err, "another process is serving this socket"));
    free(err);
    free(errf2);

    char *r = NULL;
    for (int i = 0; i < 500 && (!r || strstr(r, "\"state\":\"CREATED\"")); i++) {
        free(r);
        usleep(10000);
        r = request(&c, "{\"op\":\"status\"}");
    }
    assert_has(r, "\"state\":\"RUNNING\"");
    assert_has(r, "\"checkpoints\":null");
    free(r);
    r = request(&c, "{\"op\":\"savepoint\"}");
    assert_has(r, "{\"ok\":false,\"error\":\"checkpointing is off");
    free(r);
    r = request(&c, "{\"op\":\"cancel\"}");
    assert_string_equal(r, "{\"ok\":true}");
    free(r);
    assert_int_equal(wait_exit(pid), 0);
    struct stat st;
    assert_int_equal(lstat(sock, &st), -1);
    conn_close(&c);
    wr_test_rmtree(dir);
    free(dir);
    free(sql);
    free(sock);
    free(errf);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_savepoint_errors_stop),
        cmocka_unit_test(test_paths_and_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
