/* base_err.c - the error table turned into names and messages, error objects that carry a
 * code, a domain, a retry hint and a message, and the failure path of WR_ASSERT. Error
 * objects are plain values so they can be copied across threads and layers without any
 * ownership questions; messages are truncated rather than allocated for the same reason. */
#include "base/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *wr_err_str(int err)
{
    switch (err) {
#define WR_X_STR(name, code, text)                                                                 \
    case code:                                                                                     \
        return text;
        WR_ERROR_TABLE(WR_X_STR)
#undef WR_X_STR
    default:
        return "unknown error";
    }
}

const char *wr_err_name(int err)
{
    switch (err) {
#define WR_X_NAME(name, code, text)                                                                \
    case code:                                                                                     \
        return #name;
        WR_ERROR_TABLE(WR_X_NAME)
#undef WR_X_NAME
    default:
        return "WR_E?";
    }
}

/* Retry only helps when someone else (a peer, the OS) may recover; the domain says who. */
static bool default_retryable(int code, wr_err_domain domain)
{
    if (code == WR_EAGAIN) return true;
    return domain == WR_DOMAIN_EXTERNAL;
}

int wr_error_setv(wr_error *e, int code, wr_err_domain domain, const char *fmt, va_list ap)
{
    if (!e) return code;
    e->code = code;
    e->domain = domain;
    e->retryable = default_retryable(code, domain);
    if (fmt) {
        /* Format into a temporary first: arguments may point into e->msg itself. */
        char tmp[WR_ERROR_MSG_MAX];
        vsnprintf(tmp, sizeof tmp, fmt, ap);
        memcpy(e->msg, tmp, sizeof tmp);
    } else {
        snprintf(e->msg, sizeof e->msg, "%s", wr_err_str(code));
    }
    return code;
}

int wr_error_set(wr_error *e, int code, wr_err_domain domain, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = wr_error_setv(e, code, domain, fmt, ap);
    va_end(ap);
    return rc;
}

void wr_error_clear(wr_error *e)
{
    if (!e) return;
    e->code = WR_OK;
    e->domain = WR_DOMAIN_USER;
    e->retryable = false;
    e->msg[0] = '\0';
}

void wr_error_prefix(wr_error *e, const char *fmt, ...)
{
    if (!e || !fmt) return;
    char prefix[WR_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Concatenate by hand: truncating the old message's tail is intended. */
    char tmp[WR_ERROR_MSG_MAX];
    size_t plen = strlen(prefix);
    size_t mlen = strnlen(e->msg, sizeof e->msg - 1);
    if (mlen > sizeof tmp - 1 - plen) mlen = sizeof tmp - 1 - plen;
    memcpy(tmp, prefix, plen);
    memcpy(tmp + plen, e->msg, mlen);
    tmp[plen + mlen] = '\0';
    memcpy(e->msg, tmp, plen + mlen + 1);
}

_Noreturn void wr_assert_fail(const char *expr, const char *file, int line)
{
    /* No allocation and no logging lock here: the process may be in any state. */
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "weir: assertion failed: %s (%s:%d)\n", expr, file, line);
    if (n > 0) {
        size_t len = (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
        ssize_t w = write(STDERR_FILENO, msg, len);
        (void)w;
    }
    abort();
}
