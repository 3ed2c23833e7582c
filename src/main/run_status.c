/* run_status.c - the status socket of `weir run --status-socket PATH`: a Unix stream socket
 * speaking JSON lines (one request object per line in, one response object per line out),
 * through which a supervisor (the managed service) watches a job and drives it: status with
 * per-task metrics and checkpoint statistics, savepoint, stop with a savepoint, cancel. The
 * byte-level protocol is docs/status-socket.md; keep the two in step.
 *
 * One thread serves every client with poll(2). It touches the job only through the public
 * APIs (wr_job_exec_stats, wr_job_cancel, wr_ckpt_coord_stats/_history/_savepoint), always
 * under `mu`, which is also what attach/detach take: so the execution and the coordinator it
 * uses are alive whenever it uses them. A savepoint waits for the checkpoint to complete, so
 * it runs on a helper thread of its own (one at a time) and its response is queued when it
 * ends; meanwhile the socket keeps serving, and the client that asked gets no other response
 * before it (responses come in request order on each connection).
 *
 * wr_job_wait frees the execution as soon as it ended, so detach (called right before it)
 * waits until the tasks have all ended - polling wr_job_exec_stats - and only then lets go;
 * the final statistics stay readable until the process exits. The server is one per process
 * (a static), like the stop-signal state of main.c, so the calls fit anywhere in cmd_run.c. */
#define _GNU_SOURCE /* accept4, pipe2 */
#include "main/main.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "checkpoint/checkpoint.h"
#include "formats/formats.h"

#define LOG              "status"
#define LINE_MAX_BYTES   65536      /* longest request line, without its '\n' */
#define OUT_MAX_BYTES    (8u << 20) /* a client that reads nothing is dropped after this */
#define MAX_CLIENTS      32
#define DETACH_POLL_US   5000
#define PROTOCOL_VERSION 1

typedef enum job_state {
    JS_CREATED = 0, /* the socket is up, the job's execution has not started */
    JS_RUNNING,
    JS_FINISHED,
    JS_FAILED,
    JS_CANCELED,
} job_state;

static const char *const state_names[] = {"CREATED", "RUNNING", "FINISHED", "FAILED", "CANCELED"};

typedef struct client {
    int fd; /* -1: free slot */
    uint64_t gen;
    wr_buf in, out;
    bool discarding; /* inside an oversized line: drop bytes up to its '\n' */
    bool waiting;    /* a savepoint response is due before anything else */
    bool eof;        /* the client shut its side: answer what it sent, then close */
} client;

/* The savepoint (or stop) in flight: run by `thread`, answered to client `slot` if it is
 * still the same connection (`gen`). */
typedef struct sp_op {
    bool active, done, joined;
    bool stop;
    int slot;
    uint64_t gen;
    char *dir;
    wr_thread thread;
    /* result (under mu) */
    int rc;
    char *path;
    char msg[512];
} sp_op;

static struct {
    bool on;
    char *path;
    int lfd;
    int wake[2];
    wr_thread thread;
    bool quit; /* under mu */

    wr_mutex mu;
    wr_cond cv; /* an sp_op ended */
    /* the job, under mu */
    job_state state;
    uint32_t attempt;
    wr_job_exec *x;
    wr_ckpt_coord *coord;
    char *savepoint_dir;
    bool cancel_requested;
    bool stop_failed;
    int64_t start_ms; /* wall clock when the execution started */
    int64_t end_ms;
    char failure[512];
    /* what is reported when the execution is not attached */
    wr_job_stats last;
    bool have_ckpt;
    wr_ckpt_stats ckpt;
    wr_ckpt_history hist[WR_CKPT_HISTORY];
    uint32_t nhist;
    sp_op op;

    /* serving thread only */
    client clients[MAX_CLIENTS];
    uint64_t next_gen;
    void *dec;
    wr_schema *schema;
    wr_batch *req;
} S = {.lfd = -1, .wake = {-1, -1}, .mu = PTHREAD_MUTEX_INITIALIZER};

enum { REQ_OP, REQ_DIR, REQ_SAVEPOINT };

/* ------------------------------------------------------------------------------------------
 * Responses
 * ---------------------------------------------------------------------------------------- */
static void put_key(wr_buf *b, const char *key)
{
    wr_buf_printf(b, ",\"%s\":", key);
}

static void put_str(wr_buf *b, const char *key, const char *s)
{
    put_key(b, key);
    wr_buf_append_json_str(b, s, strlen(s));
}

static void put_i64(wr_buf *b, const char *key, int64_t v)
{
    put_key(b, key);
    wr_buf_printf(b, "%" PRId64, v);
}

static void put_u64(wr_buf *b, const char *key, uint64_t v)
{
    put_key(b, key);
    wr_buf_printf(b, "%" PRIu64, v);
}

static void reply_error(client *c, const char *fmt, ...) WR_PRINTF(2, 3);
static void reply_error(client *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    wr_buf_append_c(&c->out, "{\"ok\":false");
    put_str(&c->out, "error", msg);
    wr_buf_append_c(&c->out, "}\n");
}

static void reply_ok(client *c)
{
    wr_buf_append_c(&c->out, "{\"ok\":true}\n");
}

/* Event time in ms for watermarks: null before the first, Flink's Long.MAX_VALUE at the end. */
static void put_watermark(wr_buf *b, int64_t wm)
{
    put_key(b, "watermark");
    if (wm == WR_WATERMARK_MIN)
        wr_buf_append_c(b, "null");
    else if (wm == WR_WATERMARK_MAX)
        wr_buf_printf(b, "%" PRId64, INT64_MAX);
    else
        wr_buf_printf(b, "%" PRId64, wm >= 0 ? wm / 1000 : -((-wm + 999) / 1000));
}

static void put_tasks(wr_buf *b, const wr_job_stats *st)
{
    put_u64(b, "records_in_sources", st->records_in_sources);
    put_u64(b, "records_out_sinks", st->records_out_sinks);
    put_key(b, "tasks");
    wr_buf_putc(b, '[');
    for (uint32_t i = 0; i < st->ntasks; i++) {
        const wr_task_stats *t = &st->tasks[i];
        wr_buf_append_c(b, i ? ",{\"name\":" : "{\"name\":");
        wr_buf_append_json_str(b, t->name, strlen(t->name));
        put_u64(b, "subtask", t->subtask);
        put_key(b, "source");
        wr_buf_append_c(b, t->source ? "true" : "false");
        put_u64(b, "records_in", t->records_in);
        put_u64(b, "records_out", t->records_out);
        put_u64(b, "batches_in", t->batches_in);
        put_i64(b, "busy_ms", t->busy_ns / 1000000);
        put_i64(b, "idle_ms", t->idle_ns / 1000000);
        put_i64(b, "backpressured_ms", t->backpressured_ns / 1000000);
        put_watermark(b, t->watermark);
        put_u64(b, "late_dropped", t->late_dropped);
        put_u64(b, "errors_skipped", t->errors_skipped);
        wr_buf_putc(b, '}');
    }
    wr_buf_putc(b, ']');
}

static void put_checkpoints(wr_buf *b, bool on, const wr_ckpt_stats *cs, const wr_ckpt_history *h,
                            uint32_t nh)
{
    put_key(b, "checkpoints");
    if (!on) {
        wr_buf_append_c(b, "null");
        return;
    }
    wr_buf_printf(b, "{\"completed\":%" PRIu64, cs->completed);
    put_u64(b, "failed", cs->failed);
    put_i64(b, "last_id", cs->last_id);
    put_i64(b, "last_duration_ms", cs->last_duration_us / 1000);
    put_u64(b, "last_bytes", cs->last_bytes);
    put_i64(b, "last_completed_ms", cs->last_completed_ms);
    put_key(b, "history");
    wr_buf_putc(b, '[');
    for (uint32_t i = 0; i < nh; i++) {
        wr_buf_printf(b, "%s{\"id\":%" PRId64, i ? "," : "", h[i].id);
        put_str(b, "kind", h[i].savepoint ? "savepoint" : "checkpoint");
        put_str(b, "status", h[i].completed ? "COMPLETED" : "FAILED");
        put_i64(b, "trigger_ms", h[i].trigger_ms);
        put_i64(b, "duration_ms", h[i].duration_us / 1000);
        put_u64(b, "bytes", h[i].bytes);
        if (!h[i].completed) put_str(b, "error", h[i].error);
        wr_buf_putc(b, '}');
    }
    wr_buf_append_c(b, "]}");
}

/* {"op":"status"}. mu held. */
static void reply_status(client *c)
{
    wr_job_stats live = {0};
    const wr_job_stats *st = &S.last;
    if (S.x && wr_job_exec_stats(S.x, &live) == WR_OK) st = &live;
    wr_ckpt_stats cs = S.ckpt;
    wr_ckpt_history *h = S.hist;
    uint32_t nh = S.nhist;
    wr_ckpt_history hist[WR_CKPT_HISTORY];
    if (S.coord) {
        wr_ckpt_coord_stats(S.coord, &cs);
        nh = wr_ckpt_coord_history(S.coord, hist, WR_CKPT_HISTORY);
        h = hist;
    }
    wr_buf *b = &c->out;
    wr_buf_printf(b, "{\"ok\":true,\"protocol\":%d", PROTOCOL_VERSION);
    put_str(b, "state", state_names[S.state]);
    put_u64(b, "attempt", S.attempt);
    if (S.state == JS_FAILED) put_str(b, "failure", S.failure);
    put_key(b, "start_time_ms");
    if (S.state == JS_CREATED)
        wr_buf_append_c(b, "null");
    else
        wr_buf_printf(b, "%" PRId64, S.start_ms);
    put_i64(b, "duration_ms",
            S.state == JS_CREATED ? 0 : (S.end_ms ? S.end_ms : wr_wall_ms()) - S.start_ms);
    put_key(b, "savepoint_in_progress");
    wr_buf_append_c(b, S.op.active && !S.op.done ? "true" : "false");
    put_tasks(b, st);
    put_checkpoints(b, S.coord || S.have_ckpt, &cs, h, nh);
    wr_buf_append_c(b, "}\n");
    wr_job_stats_free(&live);
}

/* ------------------------------------------------------------------------------------------
 * Savepoints (helper thread)
 * ---------------------------------------------------------------------------------------- */
static void wake_server(void)
{
    char one = 1;
    ssize_t w;
    do
        w = write(S.wake[1], &one, 1);
    while (w < 0 && errno == EINTR);
}

static void *savepoint_main(void *arg)
{
    (void)arg;
    /* S.coord stays set until wr_run_status_ended, which waits for this thread. */
    wr_mutex_lock(&S.mu);
    wr_ckpt_coord *coord = S.coord;
    const char *dir = S.op.dir ? S.op.dir : S.savepoint_dir;
    bool stop = S.op.stop;
    wr_mutex_unlock(&S.mu);
    char *path = NULL;
    wr_error err = {0};
    int rc = wr_ckpt_coord_savepoint(coord, dir, stop, &path, &err);
    if (rc == WR_OK) {
        wr_log(WR_LOG_INFO, LOG, "savepoint written to %s", path);
        fprintf(stderr, "weir: savepoint %s\n", path);
    } else {
        wr_log(WR_LOG_ERROR, LOG, "savepoint failed: %s", err.msg);
    }
    wr_mutex_lock(&S.mu);
    S.op.rc = rc;
    S.op.path = path;
    snprintf(S.op.msg, sizeof S.op.msg, "%s", rc == WR_OK ? "" : err.msg);
    if (rc != WR_OK && stop) S.stop_failed = true;
    S.op.done = true;
    wr_cond_broadcast(&S.cv);
    wr_mutex_unlock(&S.mu);
    wake_server();
    return NULL;
}

/* {"op":"savepoint"} and {"op":"stop","savepoint":true}. mu held. */
static void start_savepoint(client *c, int slot, bool stop, const char *dir, size_t dirlen)
{
    if (S.state != JS_RUNNING || !S.x) {
        reply_error(c, "the job is not running (state %s)", state_names[S.state]);
        return;
    }
    if (!S.coord) {
        reply_error(c, "checkpointing is off: start weir run with --checkpoint-dir DIR");
        return;
    }
    if (S.op.active) {
        reply_error(c, "a savepoint is already in progress");
        return;
    }
    if (dir && !dirlen) {
        reply_error(c, "\"dir\" is empty");
        return;
    }
    memset(&S.op, 0, sizeof S.op);
    S.op.dir = dir ? wr_strndup(dir, dirlen) : NULL;
    if (dir && !S.op.dir) {
        reply_error(c, "out of memory");
        return;
    }
    S.op.stop = stop;
    S.op.slot = slot;
    S.op.gen = c->gen;
    S.op.active = true;
    if (wr_thread_start(&S.op.thread, "weir-status-sp", savepoint_main, NULL) != WR_OK) {
        wr_free(S.op.dir);
        memset(&S.op, 0, sizeof S.op);
        reply_error(c, "cannot start a thread for the savepoint");
        return;
    }
    c->waiting = true;
}

/* The helper thread ended: answer its client, if still connected. Serving thread. */
static void finish_savepoint(void)
{
    wr_mutex_lock(&S.mu);
    bool done = S.op.active && S.op.done && !S.op.joined;
    wr_mutex_unlock(&S.mu);
    if (!done) return;
    wr_thread_join(&S.op.thread);
    wr_mutex_lock(&S.mu);
    S.op.joined = true;
    client *c = &S.clients[S.op.slot];
    if (c->fd >= 0 && c->gen == S.op.gen) {
        c->waiting = false;
        if (S.op.rc == WR_OK) {
            wr_buf_append_c(&c->out, "{\"ok\":true");
            put_str(&c->out, "savepoint", S.op.path ? S.op.path : "");
            wr_buf_append_c(&c->out, "}\n");
        } else {
            reply_error(c, "savepoint failed: %s", S.op.msg[0] ? S.op.msg : "unknown error");
        }
    }
    wr_free(S.op.dir);
    wr_free(S.op.path);
    memset(&S.op, 0, sizeof S.op);
    wr_mutex_unlock(&S.mu);
}

/* ------------------------------------------------------------------------------------------
 * Requests
 * ---------------------------------------------------------------------------------------- */
static int parser_init(wr_error *err)
{
    S.schema = wr_schema_new(3);
    if (!S.schema) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    wr_schema_set(S.schema, REQ_OP, "op", wr_type_varchar(WR_MAX_LENGTH));
    wr_schema_set(S.schema, REQ_DIR, "dir", wr_type_varchar(WR_MAX_LENGTH));
    wr_schema_set(S.schema, REQ_SAVEPOINT, "savepoint", wr_type_make(WR_TYPE_BOOLEAN));
    wr_json_config jc;
    wr_format_json.config_init(&jc);
    jc.fail_on_missing_field = false;
    jc.ignore_parse_errors = false;
    int rc = wr_format_json.decoder_new(&jc, S.schema, &S.dec, err);
    if (rc != WR_OK) return rc;
    S.req = wr_batch_new(S.schema, 1, NULL);
    if (!S.req) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    return WR_OK;
}

static void parser_free(void)
{
    if (S.req) wr_batch_release(S.req);
    if (S.dec) wr_format_json.decoder_free(S.dec);
    wr_schema_free(S.schema);
    S.req = NULL;
    S.dec = NULL;
    S.schema = NULL;
}

static bool req_str(int col, const char **s, size_t *n)
{
    const wr_vec *v = &S.req->cols[col];
    if (!wr_vec_valid(v, 0)) return false;
    *s = WR_VEC_STR(v)[0].ptr;
    *n = WR_VEC_STR(v)[0].len;
    return true;
}

static bool str_is(const char *s, size_t n, const char *lit)
{
    return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

/* One request line (without its '\n'). */
static void handle_line(client *c, int slot, const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
        i++;
    if (i == len) return; /* blank lines are ignored */
    if (line[i] != '{') {
        reply_error(c, "malformed request: a request is one JSON object on one line");
        return;
    }
    wr_batch_clear(S.req);
    wr_decode_result res;
    wr_error err = {0};
    int rc = wr_format_json.decode(S.dec, line, len, true, S.req, &res, &err);
    if (rc != WR_OK || S.req->len != 1) {
        reply_error(c, "malformed request: %s",
                    rc == WR_OK  ? "expected one JSON object"
                    : err.msg[0] ? err.msg
                                 : "bad JSON");
        return;
    }
    const char *op = NULL, *dir = NULL;
    size_t oplen = 0, dirlen = 0;
    if (!req_str(REQ_OP, &op, &oplen)) {
        reply_error(c, "the request has no \"op\" (status, savepoint, stop or cancel)");
        return;
    }
    bool has_dir = req_str(REQ_DIR, &dir, &dirlen);
    const wr_vec *spv = &S.req->cols[REQ_SAVEPOINT];
    bool savepoint = !wr_vec_valid(spv, 0) || WR_VEC_U8(spv)[0];
    wr_mutex_lock(&S.mu);
    if (str_is(op, oplen, "status")) {
        reply_status(c);
    } else if (str_is(op, oplen, "savepoint")) {
        start_savepoint(c, slot, false, has_dir ? dir : NULL, dirlen);
    } else if (str_is(op, oplen, "stop") && savepoint) {
        start_savepoint(c, slot, true, has_dir ? dir : NULL, dirlen);
    } else if (str_is(op, oplen, "cancel") || str_is(op, oplen, "stop")) {
        if (S.state != JS_RUNNING || !S.x) {
            reply_error(c, "the job is not running (state %s)", state_names[S.state]);
        } else {
            S.cancel_requested = true;
            wr_log(WR_LOG_INFO, LOG, "cancel requested through the status socket");
            wr_job_cancel(S.x);
            reply_ok(c);
        }
    } else {
        reply_error(c, "unknown op \"%.*s\" (status, savepoint, stop or cancel)",
                    (int)WR_MIN(oplen, (size_t)64), op);
    }
    wr_mutex_unlock(&S.mu);
}

/* Handle the complete lines buffered for client c, unless it waits for a savepoint. */
static void handle_input(client *c, int slot)
{
    size_t pos = 0;
    while (!c->waiting && pos < c->in.len) {
        char *start = c->in.ptr + pos;
        char *nl = memchr(start, '\n', c->in.len - pos);
        if (c->discarding) {
            if (!nl) {
                pos = c->in.len;
                break;
            }
            c->discarding = false;
            pos = (size_t)(nl - c->in.ptr) + 1;
            continue;
        }
        if (!nl) {
            if (c->in.len - pos > LINE_MAX_BYTES) {
                reply_error(c, "request longer than %d bytes", LINE_MAX_BYTES);
                c->discarding = true;
                pos = c->in.len;
            }
            break;
        }
        size_t len = (size_t)(nl - start);
        if (len > LINE_MAX_BYTES)
            reply_error(c, "request longer than %d bytes", LINE_MAX_BYTES);
        else
            handle_line(c, slot, start, len);
        pos += len + 1;
    }
    if (pos) {
        memmove(c->in.ptr, c->in.ptr + pos, c->in.len - pos);
        c->in.len -= pos;
    }
}

/* ------------------------------------------------------------------------------------------
 * Connections (serving thread)
 * ---------------------------------------------------------------------------------------- */
static void client_close(client *c)
{
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    wr_buf_free(&c->in);
    wr_buf_free(&c->out);
    c->discarding = c->waiting = c->eof = false;
}

static void accept_clients(void)
{
    for (;;) {
        int fd = accept4(S.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        int slot = -1;
        for (int i = 0; i < MAX_CLIENTS && slot < 0; i++)
            if (S.clients[i].fd < 0) slot = i;
        if (slot < 0) {
            static const char full[] = "{\"ok\":false,\"error\":\"too many clients\"}\n";
            ssize_t w = send(fd, full, sizeof full - 1, MSG_NOSIGNAL);
            (void)w;
            close(fd);
            continue;
        }
        client *c = &S.clients[slot];
        c->fd = fd;
        c->gen = ++S.next_gen;
        wr_buf_init(&c->in);
        wr_buf_init(&c->out);
    }
}

/* Read what is there; false when the client is gone or must be dropped. */
static bool client_read(client *c, int slot)
{
    for (;;) {
        if (wr_buf_reserve(&c->in, 16384) != WR_OK) return false;
        ssize_t n = recv(c->fd, c->in.ptr + c->in.len, 16384, 0);
        if (n == 0) {
            /* A last request without its '\n' still counts. */
            c->eof = true;
            if (c->in.len && !c->discarding && wr_buf_putc(&c->in, '\n') != WR_OK) return false;
            handle_input(c, slot);
            return true;
        }
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        c->in.len += (size_t)n;
        handle_input(c, slot);
        if (c->waiting) return true; /* the rest is read after the savepoint's response */
        if (c->out.len > OUT_MAX_BYTES) return false;
    }
}

static bool client_write(client *c)
{
    size_t done = 0;
    while (done < c->out.len) {
        ssize_t n = send(c->fd, c->out.ptr + done, c->out.len - done, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            return false;
        }
        done += (size_t)n;
    }
    memmove(c->out.ptr, c->out.ptr + done, c->out.len - done);
    c->out.len -= done;
    return true;
}

static void *serve_main(void *arg)
{
    (void)arg;
    struct pollfd pfd[2 + MAX_CLIENTS];
    int slot_of[2 + MAX_CLIENTS];
    for (;;) {
        wr_mutex_lock(&S.mu);
        bool quit = S.quit;
        wr_mutex_unlock(&S.mu);
        if (quit) break;
        nfds_t n = 0;
        pfd[n++] = (struct pollfd){.fd = S.lfd, .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = S.wake[0], .events = POLLIN};
        for (int i = 0; i < MAX_CLIENTS; i++) {
            client *c = &S.clients[i];
            if (c->fd < 0) continue;
            short ev = c->waiting || c->eof ? 0 : POLLIN;
            if (c->out.len) ev |= POLLOUT;
            slot_of[n] = i;
            pfd[n++] = (struct pollfd){.fd = c->fd, .events = ev};
        }
        if (poll(pfd, n, -1) < 0) {
            if (errno == EINTR) continue;
            wr_log(WR_LOG_ERROR, LOG, "poll: %s", strerror(errno));
            break;
        }
        if (pfd[1].revents) {
            char drain[64];
            while (read(S.wake[0], drain, sizeof drain) > 0) {
            }
            finish_savepoint();
        }
        for (nfds_t k = 2; k < n; k++) {
            client *c = &S.clients[slot_of[k]];
            bool ok = true;
            short re = pfd[k].revents;
            if ((re & POLLERR) || ((re & POLLHUP) && c->eof)) ok = false; /* the peer is gone */
            if (ok && !c->eof && (re & (POLLIN | POLLHUP))) ok = client_read(c, slot_of[k]);
            if (ok && !c->waiting && c->in.len) handle_input(c, slot_of[k]);
            if (ok && c->out.len) ok = client_write(c) && c->out.len <= OUT_MAX_BYTES;
            if (ok && c->eof && !c->waiting && !c->out.len) ok = false; /* all answered */
            if (!ok) client_close(c);
        }
        /* A savepoint response may have been queued for a client polled without POLLOUT. */
        for (int i = 0; i < MAX_CLIENTS; i++) {
            client *c = &S.clients[i];
            if (c->fd >= 0 && c->out.len && !client_write(c)) client_close(c);
            if (c->fd >= 0 && c->eof && !c->waiting && !c->out.len) client_close(c);
        }
        if (pfd[0].revents & POLLIN) accept_clients();
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------------
 * Socket setup
 * ---------------------------------------------------------------------------------------- */
/* PATH must not exist, or be a socket nobody listens on (left by a killed run). */
static int claim_path(const char *path, struct sockaddr_un *addr)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT) return WR_OK;
        wr_main_error("--status-socket %s: %s", path, strerror(errno));
        return WR_EIO;
    }
    if (!S_ISSOCK(st.st_mode)) {
        wr_main_error("--status-socket %s: the path exists and is not a socket", path);
        return WR_EEXIST;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        wr_main_error("--status-socket: socket: %s", strerror(errno));
        return WR_EIO;
    }
    int rc = connect(fd, (struct sockaddr *)addr, sizeof *addr);
    int e = errno;
    close(fd);
    if (rc == 0) {
        wr_main_error("--status-socket %s: another process is serving this socket", path);
        return WR_EEXIST;
    }
    if (e != ECONNREFUSED) {
        wr_main_error("--status-socket %s: %s", path, strerror(e));
        return WR_EIO;
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        wr_main_error("--status-socket %s: cannot remove the stale socket: %s", path,
                      strerror(errno));
        return WR_EIO;
    }
    wr_log(WR_LOG_INFO, LOG, "removed the stale socket %s", path);
    return WR_OK;
}

static int open_socket(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (!*path || strlen(path) >= sizeof addr.sun_path) {
        wr_main_error("--status-socket: the path must have 1 to %zu bytes",
                      sizeof addr.sun_path - 1);
        return WR_EINVAL;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    int rc = claim_path(path, &addr);
    if (rc != WR_OK) return rc;
    S.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (S.lfd < 0) {
        wr_main_error("--status-socket: socket: %s", strerror(errno));
        return WR_EIO;
    }
    /* Created 0600: only the owner may drive the job. umask is process-wide, but no other
     * thread creates files while `weir run` starts. */
    mode_t old = umask(0177);
    rc = bind(S.lfd, (struct sockaddr *)&addr, sizeof addr);
    int e = errno;
    umask(old);
    if (rc != 0 || listen(S.lfd, 16) != 0) {
        wr_main_error("--status-socket %s: %s", path, strerror(rc != 0 ? e : errno));
        if (rc == 0) unlink(path);
        return WR_EIO;
    }
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * API (main thread)
 * ---------------------------------------------------------------------------------------- */
int wr_run_status_start(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--status-socket"))
            path = argv[++i];
        else if (!strcmp(argv[i], "--set") || !strcmp(argv[i], "--parallelism") ||
                 !strcmp(argv[i], "--checkpoint-dir") || !strcmp(argv[i], "--restore"))
            i++;
    if (!path) return WR_EXIT_OK;
    wr_error err = {0};
    for (int i = 0; i < MAX_CLIENTS; i++)
        S.clients[i].fd = -1;
    wr_cond_init(&S.cv);
    S.path = wr_strdup(path);
    if (!S.path || parser_init(&err) != WR_OK) {
        wr_main_error("--status-socket: %s", S.path ? err.msg : "out of memory");
        goto fail;
    }
    if (open_socket(path) != WR_OK) goto fail_usage;
    S.on = true; /* from here on, stop removes the socket */
    /* The serving thread (and the savepoint threads it starts) take no signals, wherever
     * in cmd_run.c the signal handling is set up. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int trc = pipe2(S.wake, O_NONBLOCK | O_CLOEXEC) != 0
                  ? WR_EIO
                  : wr_thread_start(&S.thread, "weir-status", serve_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (trc != WR_OK) {
        wr_main_error("--status-socket: cannot start its thread");
        wr_run_status_stop();
        return WR_EXIT_FAILED;
    }
    return WR_EXIT_OK;
fail_usage:
    parser_free();
    wr_free(S.path);
    S.path = NULL;
    if (S.lfd >= 0) close(S.lfd);
    S.lfd = -1;
    return WR_EXIT_USAGE;
fail:
    parser_free();
    wr_free(S.path);
    S.path = NULL;
    return WR_EXIT_FAILED;
}

void wr_run_status_attach(wr_job_exec *x, wr_ckpt_coord *coord, const char *savepoint_dir)
{
    if (!S.on) return;
    wr_mutex_lock(&S.mu);
    S.x = x;
    S.coord = coord;
    wr_free(S.savepoint_dir);
    S.savepoint_dir = savepoint_dir ? wr_strdup(savepoint_dir) : NULL;
    S.state = JS_RUNNING;
    /* Logged here, once the script's log settings apply. */
    if (!S.attempt++) wr_log(WR_LOG_INFO, LOG, "serving status on %s", S.path);
    S.cancel_requested = false;
    S.failure[0] = 0;
    S.end_ms = 0;
    wr_job_stats st = {0};
    S.start_ms = wr_wall_ms();
    if (wr_job_exec_stats(x, &st) == WR_OK)
        S.start_ms -= (wr_mono_us() - st.started_mono_us) / 1000;
    wr_job_stats_free(&st);
    wr_mutex_unlock(&S.mu);
}

void wr_run_status_detach(void)
{
    if (!S.on) return;
    for (;;) {
        wr_mutex_lock(&S.mu);
        if (!S.x) {
            wr_mutex_unlock(&S.mu);
            return;
        }
        wr_job_stats st = {0};
        bool ended = wr_job_exec_stats(S.x, &st) == WR_OK && st.finished_mono_us != 0;
        if (ended) {
            wr_job_stats_free(&S.last);
            S.last = st;
            S.x = NULL;
        } else {
            wr_job_stats_free(&st);
        }
        wr_mutex_unlock(&S.mu);
        if (ended) return;
        wr_sleep_us(DETACH_POLL_US);
    }
}

bool wr_run_status_ended(int rc, const wr_error *err)
{
    if (!S.on) return false;
    wr_mutex_lock(&S.mu);
    S.x = NULL;
    if (S.coord && S.op.active && !S.op.done) {
        /* A savepoint still waiting after the job ended can only end with the coordinator. */
        wr_mutex_unlock(&S.mu);
        wr_ckpt_coord_stop(S.coord);
        wr_mutex_lock(&S.mu);
    }
    while (S.op.active && !S.op.done)
        wr_cond_wait(&S.cv, &S.mu);
    if (S.coord) {
        wr_ckpt_coord_stats(S.coord, &S.ckpt);
        S.nhist = wr_ckpt_coord_history(S.coord, S.hist, WR_CKPT_HISTORY);
        S.have_ckpt = true;
    }
    S.coord = NULL;
    S.end_ms = wr_wall_ms();
    if (rc != WR_OK) {
        S.state = JS_FAILED;
        snprintf(S.failure, sizeof S.failure, "%s", err && err->msg[0] ? err->msg : wr_err_str(rc));
    } else {
        S.state = S.cancel_requested ? JS_CANCELED : JS_FINISHED;
    }
    bool stop_failed = S.stop_failed;
    S.stop_failed = false;
    wr_mutex_unlock(&S.mu);
    return stop_failed;
}

void wr_run_status_stop(void)
{
    if (!S.on) return;
    if (S.wake[1] >= 0) {
        wr_mutex_lock(&S.mu);
        S.quit = true;
        wr_mutex_unlock(&S.mu);
        wake_server();
        if (S.thread.started) wr_thread_join(&S.thread);
    }
    if (S.op.active && !S.op.joined) wr_thread_join(&S.op.thread);
    wr_free(S.op.dir);
    wr_free(S.op.path);
    memset(&S.op, 0, sizeof S.op);
    for (int i = 0; i < MAX_CLIENTS; i++)
        client_close(&S.clients[i]);
    if (S.lfd >= 0) close(S.lfd);
    unlink(S.path);
    for (int i = 0; i < 2; i++)
        if (S.wake[i] >= 0) close(S.wake[i]);
    parser_free();
    wr_job_stats_free(&S.last);
    wr_free(S.path);
    wr_free(S.savepoint_dir);
    S.path = S.savepoint_dir = NULL;
    S.lfd = S.wake[0] = S.wake[1] = -1;
    wr_cond_destroy(&S.cv);
    S.on = false;
}
