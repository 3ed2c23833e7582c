/* expr_json.c - JSON_VALUE(json, path) and JSON_QUERY(json, path) over JSON text without building a
 * document: the path
 * ($, .key, ['key'], ["key"], [index], with an optional leading 'lax' or 'strict') is
 * followed by scanning the text and skipping the members and elements that are not on it,
 * after a scan that checks the whole value is well-formed (Flink parses it all first; a key
 * that occurs twice has its last value, as in Jackson's map).
 * The result is the scalar at the path as STRING (strings unescaped, numbers as written,
 * true/false); a missing path, JSON null, an object or array, or malformed JSON or path give
 * NULL, as Flink's default NULL ON EMPTY / NULL ON ERROR do. JSON_QUERY returns the object or
 * array at the path as compact JSON text (NULL for scalars, as without a wrapper), its
 * strings re-escaped as Flink's Jackson writes them (put_json_string). */
#include "expr/expr_internal.h"

#include <string.h>

typedef struct jcur {
    const char *p, *end;
    int depth;
} jcur;

#define JSON_MAX_DEPTH 512

static void ws(jcur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int hexv(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static bool hex4(const char *p, const char *end, uint32_t *out)
{
    if (end - p < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexv(p[i]);
        if (h < 0) return false;
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return true;
}

static int put_utf8(wr_buf *b, uint32_t cp)
{
    char t[4];
    return wr_buf_append(b, t, wr_utf8_encode(cp, t));
}

/* Read a string at c->p (at the opening quote); decoded into b when b is not NULL. */
static bool read_string(jcur *c, wr_buf *b)
{
    if (c->p >= c->end || *c->p != '"') return false;
    c->p++;
    while (c->p < c->end) {
        char ch = *c->p++;
        if (ch == '"') return true;
        if ((unsigned char)ch < 0x20) return false;
        if (ch != '\\') {
            if (b && wr_buf_putc(b, ch) < 0) return false;
            continue;
        }
        if (c->p >= c->end) return false;
        char e = *c->p++;
        uint32_t cp;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            cp = (uint32_t)e;
            break;
        case 'b':
            cp = '\b';
            break;
        case 'f':
            cp = '\f';
            break;
        case 'n':
            cp = '\n';
            break;
        case 'r':
            cp = '\r';
            break;
        case 't':
            cp = '\t';
            break;
        case 'u':
            if (!hex4(c->p, c->end, &cp)) return false;
            c->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && c->end - c->p >= 6 && c->p[0] == '\\' &&
                c->p[1] == 'u') {
                uint32_t lo;
                if (hex4(c->p + 2, c->end, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    c->p += 6;
                }
            }
            break;
        default:
            return false;
        }
        if (b && put_utf8(b, cp) < 0) return false;
    }
    return false;
}

/* A string as Jackson writes it (Flink's JSON_QUERY re-serializes the value it found): '"'
 * and '\\' escaped, \b \t \n \f \r short, other control characters as \u00XX; '/' and
 * non-ASCII characters are written as they are. */
static int put_json_string(wr_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    if (wr_buf_putc(b, '"') < 0) return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char e = ch == '"'    ? '"'
                 : ch == '\\' ? '\\'
                 : ch == '\b' ? 'b'
                 : ch == '\t' ? 't'
                 : ch == '\n' ? 'n'
                 : ch == '\f' ? 'f'
                 : ch == '\r' ? 'r'
                              : 0;
        if (e) {
            char t[2] = {'\\', e};
            if (wr_buf_append(b, t, 2) < 0) return -1;
        } else if (ch < 0x20) {
            char t[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            if (wr_buf_append(b, t, 6) < 0) return -1;
        } else if (wr_buf_putc(b, (char)ch) < 0) {
            return -1;
        }
    }
    return wr_buf_putc(b, '"');
}

static bool skip_value(jcur *c);

static bool skip_container(jcur *c, char open, char close)
{
    if (++c->depth > JSON_MAX_DEPTH) return false;
    c->p++; /* open */
    ws(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        c->depth--;
        return true;
    }
    for (;;) {
        ws(c);
        if (open == '{') {
            if (!read_string(c, NULL)) return false;
            ws(c);
            if (c->p >= c->end || *c->p != ':') return false;
            c->p++;
            ws(c);
        }
        if (!skip_value(c)) return false;
        ws(c);
        if (c->p >= c->end) return false;
        if (*c->p == ',') {
            c->p++;
            continue;
        }
        if (*c->p == close) {
            c->p++;
            c->depth--;
            return true;
        }
        return false;
    }
}

static bool skip_literal(jcur *c, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0) return false;
    c->p += n;
    return true;
}

static bool skip_number(jcur *c)
{
    const char *s = c->p;
    if (c->p < c->end && *c->p == '-') c->p++;
    const char *digits = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    if (c->p == digits) return false;
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        const char *f = c->p;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
            c->p++;
        if (c->p == f) return false;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-')) c->p++;
        const char *f = c->p;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
            c->p++;
        if (c->p == f) return false;
    }
    return c->p > s;
}

static bool skip_value(jcur *c)
{
    ws(c);
    if (c->p >= c->end) return false;
    switch (*c->p) {
    case '{':
        return skip_container(c, '{', '}');
    case '[':
        return skip_container(c, '[', ']');
    case '"':
        return read_string(c, NULL);
    case 't':
        return skip_literal(c, "true");
    case 'f':
        return skip_literal(c, "false");
    case 'n':
        return skip_literal(c, "null");
    default:
        return skip_number(c);
    }
}

/* Path steps */
typedef struct jstep {
    bool is_index;
    int64_t index;
    const char *key;
    size_t key_len;
    bool key_escaped; /* key needs decoding before comparison ('\'' inside quotes) */
} jstep;

#define JSON_MAX_STEPS 64

static int parse_path(wr_strv path, jstep *steps)
{
    const char *p = path.ptr, *end = path.ptr + path.len;
    while (p < end && *p == ' ')
        p++;
    if (end - p >= 4 && memcmp(p, "lax ", 4) == 0)
        p += 4;
    else if (end - p >= 7 && memcmp(p, "strict ", 7) == 0)
        p += 7;
    while (p < end && *p == ' ')
        p++;
    if (p >= end || *p != '$') return -1;
    p++;
    int n = 0;
    while (p < end) {
        if (n >= JSON_MAX_STEPS) return -1;
        jstep *s = &steps[n];
        memset(s, 0, sizeof(*s));
        if (*p == '.') {
            p++;
            const char *k = p;
            while (p < end && *p != '.' && *p != '[')
                p++;
            if (p == k) return -1;
            s->key = k;
            s->key_len = (size_t)(p - k);
        } else if (*p == '[') {
            p++;
            if (p < end && (*p == '\'' || *p == '"')) {
                char q = *p++;
                const char *k = p;
                while (p < end && *p != q) {
                    if (*p == '\\') {
                        s->key_escaped = true;
                        p++;
                    }
                    p++;
                }
                if (p >= end) return -1;
                s->key = k;
                s->key_len = (size_t)(p - k);
                p++;
            } else {
                int64_t v = 0;
                const char *d = p;
                while (p < end && *p >= '0' && *p <= '9' && v < 1000000000)
                    v = v * 10 + (*p++ - '0');
                if (p == d) return -1;
                s->is_index = true;
                s->index = v;
            }
            if (p >= end || *p != ']') return -1;
            p++;
        } else {
            return -1;
        }
        n++;
    }
    return n;
}

static bool key_equals(const jstep *s, const char *k, size_t n)
{
    if (!s->key_escaped) return n == s->key_len && memcmp(k, s->key, n) == 0;
    size_t j = 0;
    for (size_t i = 0; i < s->key_len; i++, j++) {
        char ch = s->key[i];
        if (ch == '\\' && i + 1 < s->key_len) ch = s->key[++i];
        if (j >= n || k[j] != ch) return false;
    }
    return j == n;
}

/* Move c to the value at step s inside the container at c->p; false when absent. */
static bool descend(jcur *c, const jstep *s, wr_buf *kb)
{
    ws(c);
    if (c->p >= c->end) return false;
    if (s->is_index) {
        if (*c->p != '[') return false;
        c->p++;
        ws(c);
        if (c->p < c->end && *c->p == ']') return false;
        for (int64_t i = 0;; i++) {
            ws(c);
            if (i == s->index) return true;
            if (!skip_value(c)) return false;
            ws(c);
            if (c->p >= c->end || *c->p != ',') return false;
            c->p++;
        }
    }
    if (*c->p != '{') return false;
    c->p++;
    ws(c);
    if (c->p < c->end && *c->p == '}') return false;
    /* A key that occurs twice has its last value, as Jackson's map (Flink) keeps it. */
    const char *found = NULL;
    for (;;) {
        ws(c);
        wr_buf_clear(kb);
        if (!read_string(c, kb)) return false;
        ws(c);
        if (c->p >= c->end || *c->p != ':') return false;
        c->p++;
        ws(c);
        if (key_equals(s, kb->ptr ? kb->ptr : "", kb->len)) found = c->p;
        if (!skip_value(c)) return false;
        ws(c);
        if (c->p < c->end && *c->p == '}') break;
        if (c->p >= c->end || *c->p != ',') return false;
        c->p++;
    }
    if (!found) return false;
    c->p = found;
    return true;
}

int wr_expr_k_json(wr_expr_ctx *c, const wr_expr_insn *I)
{
    wr_vec *D = c->R[I->dst];
    const wr_strv *js = wr_expr_arg(c, I, 0)->data, *ps = wr_expr_arg(c, I, 1)->data;
    wr_strv *o = D->data;
    wr_buf *b = &c->s->buf, *kb = &c->s->buf2;
    jstep steps[JSON_MAX_STEPS];
    WR_FOR_EACH_SET(D->validity, c->nw, i)
    {
        int ns = parse_path(ps[i], steps);
        jcur cur = {js[i].ptr, js[i].ptr + js[i].len, 0};
        /* Flink parses the whole document first: malformed JSON anywhere in the first value
         * is an error (NULL), even after the path's target; what follows it is ignored, as
         * Jackson ignores trailing tokens by default. */
        jcur whole = cur;
        bool ok = ns >= 0 && skip_value(&whole);
        for (int k = 0; ok && k < ns; k++)
            ok = descend(&cur, &steps[k], kb);
        if (ok) {
            ws(&cur);
            ok = cur.p < cur.end;
        }
        if (!ok) {
            wr_vec_set_valid(D, i, false);
            continue;
        }
        const char *start = cur.p;
        wr_buf_clear(b);
        int rc;
        if (I->op == WR_OP_JSON_QUERY) {
            /* objects and arrays, re-written without insignificant whitespace */
            if ((*cur.p != '{' && *cur.p != '[') || !skip_value(&cur)) {
                wr_vec_set_valid(D, i, false);
                continue;
            }
            jcur q = {start, cur.p, 0};
            while (q.p < q.end) {
                char ch = *q.p;
                if (ch == '"') {
                    wr_buf_clear(kb);
                    /* skip_value checked the whole value: only allocation can fail here */
                    if (!read_string(&q, kb) || put_json_string(b, kb->ptr, kb->len) < 0)
                        return wr_expr_fail(c, WR_ENOMEM, "out of memory");
                    continue;
                }
                q.p++;
                if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') continue;
                if (wr_buf_putc(b, ch) < 0) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
            }
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
            continue;
        }
        switch (*cur.p) {
        case '"':
            if (!read_string(&cur, b)) {
                wr_vec_set_valid(D, i, false);
                continue;
            }
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
            break;
        case 't':
        case 'f':
        case '-':
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
        case '8':
        case '9':
            if (!skip_value(&cur)) {
                wr_vec_set_valid(D, i, false);
                continue;
            }
            o[i] = wr_strv_make(start, (uint32_t)(cur.p - start));
            break;
        default: /* null, objects, arrays */
            wr_vec_set_valid(D, i, false);
            break;
        }
    }
    return 0;
}
