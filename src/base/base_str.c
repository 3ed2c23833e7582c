/* base_str.c - slices (borrowed views of bytes) and buffers (owned, growable, always
 * NUL-terminated so their bytes can be handed to C string functions), plus JSON string
 * escaping, which the log and every JSON writer share. An empty buffer points at a static ""
 * rather than NULL so that b.ptr is always a valid C string. */
#include "base/base.h"
#include "base/base_internal.h"

#include <stdio.h>
#include <string.h>

static char empty_str[1];

wr_slice wr_slice_c(const char *s)
{
    return (wr_slice){s, s ? strlen(s) : 0};
}

bool wr_slice_eq(wr_slice a, wr_slice b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool wr_slice_eq_c(wr_slice a, const char *s)
{
    return wr_slice_eq(a, wr_slice_c(s));
}

static inline unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

bool wr_slice_ieq_c(wr_slice a, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (a.len != n) return false;
    for (size_t i = 0; i < n; i++)
        if (ascii_lower((unsigned char)a.ptr[i]) != ascii_lower((unsigned char)s[i])) return false;
    return true;
}

int wr_slice_cmp(wr_slice a, wr_slice b)
{
    size_t n = WR_MIN(a.len, b.len);
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return a.len < b.len ? -1 : (a.len > b.len ? 1 : 0);
}

static inline bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

wr_slice wr_slice_trim(wr_slice s)
{
    while (s.len && is_space(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && is_space(s.ptr[s.len - 1]))
        s.len--;
    return s;
}

void wr_buf_init(wr_buf *b)
{
    b->ptr = empty_str;
    b->len = 0;
    b->cap = 0;
    b->owner = NULL;
}

void wr_buf_free(wr_buf *b)
{
    if (b->cap) wr_free(b->ptr);
    b->ptr = empty_str;
    b->len = 0;
    b->cap = 0;
}

void wr_buf_clear(wr_buf *b)
{
    b->len = 0;
    if (b->cap) b->ptr[0] = '\0';
}

int wr_buf_reserve(wr_buf *b, size_t extra)
{
    size_t need;
    /* +1 for the NUL that always follows len. */
    if (__builtin_add_overflow(b->len, extra, &need) || need == SIZE_MAX) return WR_ENOMEM;
    need++;
    if (need <= b->cap) return WR_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = wr_realloc_owned(b->owner, b->cap ? b->ptr : NULL, cap);
    if (!p) return WR_ENOMEM;
    if (!b->cap) p[0] = '\0';
    b->ptr = p;
    b->cap = cap;
    return WR_OK;
}

int wr_buf_append(wr_buf *b, const void *p, size_t n)
{
    if (!n) return WR_OK;
    if (WR_UNLIKELY(b->cap - b->len <= n)) {
        int rc = wr_buf_reserve(b, n);
        if (rc) return rc;
    }
    memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return WR_OK;
}

int wr_buf_append_c(wr_buf *b, const char *s)
{
    return wr_buf_append(b, s, strlen(s));
}

int wr_buf_putc(wr_buf *b, char c)
{
    return wr_buf_append(b, &c, 1);
}

int wr_buf_vprintf(wr_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    size_t room = b->cap ? b->cap - b->len : 0;
    int n = vsnprintf(room ? b->ptr + b->len : NULL, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) return WR_EINVAL;
    if ((size_t)n >= room) {
        int rc = wr_buf_reserve(b, (size_t)n);
        if (rc) {
            /* vsnprintf may have written a truncated tail; restore the terminator. */
            if (b->cap) b->ptr[b->len] = '\0';
            return rc;
        }
        vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
    }
    b->len += (size_t)n;
    return WR_OK;
}

int wr_buf_printf(wr_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = wr_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

/* 0: copy as is; 1: two-character escape; 2: \u00XX. */
static inline int json_class(unsigned char c)
{
    if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t')
        return 1;
    return c < 0x20 ? 2 : 0;
}

size_t wr_json_escaped_len(const char *s, size_t n)
{
    size_t len = n;
    for (size_t i = 0; i < n; i++) {
        int k = json_class((unsigned char)s[i]);
        len += k == 0 ? 0 : (k == 1 ? 1 : 5);
    }
    return len;
}

char *wr_json_escape_to(char *dst, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    while (i < n) {
        /* Copy runs of plain bytes in one go; most strings have few or no escapes. */
        size_t j = i;
        while (j < n && json_class((unsigned char)s[j]) == 0)
            j++;
        memcpy(dst, s + i, j - i);
        dst += j - i;
        if (j == n) break;
        unsigned char c = (unsigned char)s[j];
        *dst++ = '\\';
        switch (c) {
        case '"':
            *dst++ = '"';
            break;
        case '\\':
            *dst++ = '\\';
            break;
        case '\b':
            *dst++ = 'b';
            break;
        case '\f':
            *dst++ = 'f';
            break;
        case '\n':
            *dst++ = 'n';
            break;
        case '\r':
            *dst++ = 'r';
            break;
        case '\t':
            *dst++ = 't';
            break;
        default:
            *dst++ = 'u';
            *dst++ = '0';
            *dst++ = '0';
            *dst++ = hex[c >> 4];
            *dst++ = hex[c & 15];
        }
        i = j + 1;
    }
    return dst;
}

int wr_buf_append_json_str(wr_buf *b, const char *s, size_t n)
{
    size_t elen = wr_json_escaped_len(s, n);
    if (elen > SIZE_MAX - 2) return WR_ENOMEM;
    int rc = wr_buf_reserve(b, elen + 2);
    if (rc) return rc;
    char *d = b->ptr + b->len;
    *d++ = '"';
    d = wr_json_escape_to(d, s, n);
    *d++ = '"';
    *d = '\0';
    b->len += elen + 2;
    return WR_OK;
}

char *wr_buf_steal(wr_buf *b)
{
    char *p;
    if (b->cap) {
        p = b->ptr;
    } else {
        /* The caller must be able to wr_free the result, so never hand out empty_str. */
        p = wr_malloc(1);
        if (!p) return NULL;
        p[0] = '\0';
    }
    b->ptr = empty_str;
    b->len = 0;
    b->cap = 0;
    return p;
}
