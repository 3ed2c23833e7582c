/* base_log.c - structured logging as text or JSON lines. A record is assembled in a stack
 * buffer (libc heap only for very long messages) and written with a single write(2), so that
 * lines from concurrent threads never interleave and no lock is needed. Logging bypasses
 * wr_malloc on purpose: a log call must not move the memory counters or consume a failure
 * that a test injected for the code under test. */
#define _GNU_SOURCE
#include "base/base.h"
#include "base/base_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static _Atomic int log_level = WR_LOG_INFO;
static _Atomic int log_format = WR_LOG_TEXT;
static _Atomic int log_fd = STDERR_FILENO;

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

void wr_log_configure(wr_log_level level, wr_log_format format, int fd)
{
    atomic_store_explicit(&log_level, (int)level, memory_order_relaxed);
    atomic_store_explicit(&log_format, (int)format, memory_order_relaxed);
    atomic_store_explicit(&log_fd, fd < 0 ? STDERR_FILENO : fd, memory_order_relaxed);
}

wr_log_level wr_log_get_level(void)
{
    return (wr_log_level)atomic_load_explicit(&log_level, memory_order_relaxed);
}

int wr_log_parse_level(const char *s, wr_log_level *out)
{
    static const struct {
        const char *name;
        wr_log_level level;
    } names[] = {
        {"debug", WR_LOG_DEBUG},  {"info", WR_LOG_INFO},   {"warn", WR_LOG_WARN},
        {"warning", WR_LOG_WARN}, {"error", WR_LOG_ERROR}, {"off", WR_LOG_OFF},
    };
    if (!s) return WR_EINVAL;
    for (size_t i = 0; i < WR_ARRAY_LEN(names); i++) {
        if (strcasecmp(s, names[i].name) == 0) {
            if (out) *out = names[i].level;
            return WR_OK;
        }
    }
    return WR_EINVAL;
}

/* A line under construction. On allocation failure it stops growing and the line is
 * truncated rather than lost. */
typedef struct line {
    char *p;
    size_t len, cap;
    bool heap;
} line;

static bool line_room(line *l, size_t n)
{
    if (l->cap - l->len >= n) return true;
    size_t cap = l->cap * 2;
    while (cap - l->len < n)
        cap *= 2;
    char *np = l->heap ? realloc(l->p, cap) : malloc(cap);
    if (!np) return false;
    if (!l->heap) memcpy(np, l->p, l->len);
    l->p = np;
    l->cap = cap;
    l->heap = true;
    return true;
}

static void line_put(line *l, const char *s, size_t n)
{
    if (!line_room(l, n)) n = l->cap - l->len;
    memcpy(l->p + l->len, s, n);
    l->len += n;
}

static void line_json_str(line *l, const char *s, size_t n)
{
    size_t elen = wr_json_escaped_len(s, n);
    if (!line_room(l, elen + 2)) return;
    l->p[l->len++] = '"';
    l->len = (size_t)(wr_json_escape_to(l->p + l->len, s, n) - l->p);
    l->p[l->len++] = '"';
}

/* Text lines stay one record per line: control characters in the message are escaped. */
static void line_text_str(line *l, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && (unsigned char)s[j] >= 0x20)
            j++;
        line_put(l, s + i, j - i);
        if (j == n) break;
        char esc[5];
        unsigned char c = (unsigned char)s[j];
        if (c == '\n')
            memcpy(esc, "\\n", 3);
        else if (c == '\t')
            memcpy(esc, "\\t", 3);
        else if (c == '\r')
            memcpy(esc, "\\r", 3);
        else
            snprintf(esc, sizeof esc, "\\x%02x", c);
        line_put(l, esc, strlen(esc));
        i = j + 1;
    }
}

static void format_time(char out[64])
{
    int64_t us = wr_wall_us();
    time_t sec = (time_t)(us / 1000000);
    struct tm tm;
    gmtime_r(&sec, &tm);
    snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)((us / 1000) % 1000));
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

void wr_logv(wr_log_level level, const char *component, const char *fmt, va_list ap)
{
    if (level < wr_log_get_level() || level >= WR_LOG_OFF || level < WR_LOG_DEBUG) return;
    int saved_errno = errno;

    char msg_stack[1024];
    char *msg = msg_stack;
    va_list ap2;
    va_copy(ap2, ap);
    int mlen = vsnprintf(msg_stack, sizeof msg_stack, fmt, ap2);
    va_end(ap2);
    if (mlen < 0) {
        mlen = 0;
        msg_stack[0] = '\0';
    } else if ((size_t)mlen >= sizeof msg_stack) {
        char *big = malloc((size_t)mlen + 1);
        if (big) {
            vsnprintf(big, (size_t)mlen + 1, fmt, ap);
            msg = big;
        } else {
            mlen = sizeof msg_stack - 1;
        }
    }

    char ts[64];
    format_time(ts);
    const char *lvl = level_names[level];
    char line_stack[2048];
    line l = {line_stack, 0, sizeof line_stack, false};

    if (atomic_load_explicit(&log_format, memory_order_relaxed) == WR_LOG_JSON) {
        line_put(&l, "{\"time\":\"", 9);
        line_put(&l, ts, strlen(ts));
        line_put(&l, "\",\"level\":\"", 11);
        line_put(&l, lvl, strlen(lvl));
        line_put(&l, "\"", 1);
        if (component) {
            line_put(&l, ",\"component\":", 13);
            line_json_str(&l, component, strlen(component));
        }
        line_put(&l, ",\"msg\":", 7);
        line_json_str(&l, msg, (size_t)mlen);
        line_put(&l, "}", 1);
    } else {
        line_put(&l, ts, strlen(ts));
        line_put(&l, " ", 1);
        line_put(&l, lvl, strlen(lvl));
        line_put(&l, " ", 1);
        if (component) {
            line_text_str(&l, component, strlen(component));
            line_put(&l, ": ", 2);
        }
        line_text_str(&l, msg, (size_t)mlen);
    }
    /* The newline always fits: if the line was truncated, overwrite its last byte. */
    if (l.len == l.cap) l.len--;
    l.p[l.len++] = '\n';

    write_all(atomic_load_explicit(&log_fd, memory_order_relaxed), l.p, l.len);

    if (l.heap) free(l.p);
    if (msg != msg_stack) free(msg);
    errno = saved_errno;
}

void wr_log(wr_log_level level, const char *component, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wr_logv(level, component, fmt, ap);
    va_end(ap);
}
