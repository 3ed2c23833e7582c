/* expr_json.c - JSON_VALUE, JSON_QUERY, JSON_EXISTS and IS JSON over JSON text without
 * building a document: the path ($, .key, ['key'], ["key"], [index], with an optional leading
 * 'lax' or 'strict'; strict when neither is written, as in Flink) is followed by scanning the
 * text and skipping the members and elements that are not on it, after a scan that checks the
 * whole value is well-formed (Flink parses it all first; a key that occurs twice has its last
 * value, as in Jackson's map).
 * Each call sorts its row as Flink's SqlJsonUtils (Calcite's JsonFunctions) does: a value; an
 * empty result (lax mode: no value at the path, or the input is not JSON; either mode: JSON
 * null; JSON_VALUE: an object or array in lax mode; JSON_QUERY: a scalar in lax mode); or an
 * error (a path that does not parse; strict mode: no value at the path, input not JSON,
 * JSON_VALUE on an object or array, JSON_QUERY on a scalar). The behaviours in imm (NULL,
 * ERROR, EMPTY ARRAY, ...; wr_json_behavior) then decide; ERROR fails the job with the reason.
 * JSON_VALUE's result is the scalar as STRING (strings unescaped, numbers as written,
 * true/false); JSON_QUERY's is the value (wrapped in an array as its wrapper says) as compact
 * JSON text, strings re-escaped as Flink's Jackson writes them (put_json_string). */
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

static int parse_path(wr_strv path, jstep *steps, bool *strict)
{
    const char *p = path.ptr, *end = path.ptr + path.len;
    while (p < end && *p == ' ')
        p++;
    *strict = true;
    if (end - p >= 4 && memcmp(p, "lax ", 4) == 0) {
        p += 4;
        *strict = false;
    } else if (end - p >= 7 && memcmp(p, "strict ", 7) == 0) {
        p += 7;
    }
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

typedef enum jres { JR_VALUE, JR_EMPTY, JR_ERROR } jres;

/* Why a row is an error, for ERROR ON ERROR. */
typedef enum jwhy {
    JW_PATH = 0,
    JW_NOT_JSON,
    JW_MISSING,
    JW_NOT_SCALAR,
    JW_SCALAR,
} jwhy;

/* Follow path in json: JR_VALUE with cur at a value other than JSON null, JR_EMPTY, or
 * JR_ERROR with *why (see the comment at the top for which is which). */
static jres locate(wr_strv json, wr_strv path, jcur *cur, wr_buf *kb, bool *strict, jwhy *why)
{
    jstep steps[JSON_MAX_STEPS];
    int ns = parse_path(path, steps, strict);
    if (ns < 0) {
        *why = JW_PATH;
        return JR_ERROR;
    }
    *cur = (jcur){json.ptr, json.ptr + json.len, 0};
    /* Flink parses the whole document first: malformed JSON anywhere in the first value
     * counts, even after the path's target; what follows it is ignored, as Jackson ignores
     * trailing tokens by default. */
    jcur whole = *cur;
    if (!skip_value(&whole)) {
        *why = JW_NOT_JSON;
        return *strict ? JR_ERROR : JR_EMPTY;
    }
    for (int k = 0; k < ns; k++) {
        if (!descend(cur, &steps[k], kb)) {
            *why = JW_MISSING;
            return *strict ? JR_ERROR : JR_EMPTY;
        }
    }
    ws(cur);
    if (cur->p >= cur->end || *cur->p == 'n') return JR_EMPTY; /* JSON null */
    return JR_VALUE;
}

static int json_fail(wr_expr_ctx *c, const wr_expr_insn *I, wr_strv path, bool empty, jwhy why)
{
    const char *fn = I->op == WR_OP_JSON_VALUE   ? "JSON_VALUE"
                     : I->op == WR_OP_JSON_QUERY ? "JSON_QUERY"
                                                 : "JSON_EXISTS";
    int n = path.len > 200 ? 200 : (int)path.len;
    if (empty)
        return wr_expr_fail(c, WR_EINVAL,
                            "%s: empty result for path '%.*s' (no value, or JSON null) with ERROR "
                            "ON EMPTY",
                            fn, n, path.ptr);
    static const char *const whys[] = {
        [JW_PATH] = "is not a valid JSON path",
        [JW_NOT_JSON] = "cannot be applied: the input is not valid JSON",
        [JW_MISSING] = "matched no value (strict mode)",
        [JW_NOT_SCALAR] = "found an object or array where strict mode requires a scalar",
        [JW_SCALAR] = "found a scalar where strict mode requires an object or array",
    };
    return wr_expr_fail(c, WR_EINVAL, "%s: path '%.*s' %s, with ERROR ON ERROR", fn, n, path.ptr,
                        whys[why]);
}

/* Apply behaviour b (JSON_VALUE / JSON_QUERY) to row i. */
static int json_behave(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D, uint32_t i, wr_strv path,
                       bool empty, jwhy why)
{
    int b = (int)(empty ? I->imm & 15 : I->imm >> 4 & 15);
    wr_strv *o = D->data;
    switch (b) {
    case WR_JB_ERROR:
        return json_fail(c, I, path, empty, why);
    case WR_JB_EMPTY_ARRAY:
        o[i] = wr_strv_make("[]", 2);
        return 0;
    case WR_JB_EMPTY_OBJECT:
        o[i] = wr_strv_make("{}", 2);
        return 0;
    default:
        wr_vec_set_valid(D, i, false);
        return 0;
    }
}

/* The JSON value at q (checked well-formed) into b without insignificant whitespace. */
static int put_compact(wr_buf *b, wr_buf *kb, jcur q)
{
    while (q.p < q.end) {
        char ch = *q.p;
        if (ch == '"') {
            wr_buf_clear(kb);
            /* skip_value checked the whole value: only allocation can fail here */
            if (!read_string(&q, kb) || put_json_string(b, kb->ptr, kb->len) < 0) return -1;
            continue;
        }
        q.p++;
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') continue;
        if (wr_buf_putc(b, ch) < 0) return -1;
    }
    return 0;
}

static bool json_kind_ok(const char *s, uint32_t len, int kind)
{
    jcur cur = {s, s + len, 0};
    ws(&cur);
    char first = cur.p < cur.end ? *cur.p : 0;
    if (!skip_value(&cur)) return false;
    switch (kind) {
    case WR_IJ_SCALAR:
        return first != '{' && first != '[';
    case WR_IJ_ARRAY:
        return first == '[';
    case WR_IJ_OBJECT:
        return first == '{';
    default:
        return true;
    }
}

/* x IS [NOT] JSON kind: FALSE for NULL (TRUE for IS NOT). */
static int k_is_json(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    const wr_vec *A = wr_expr_arg(c, I, 0);
    const wr_strv *s = A->data;
    bool neg = (I->imm & WR_IJ_NOT) != 0;
    int kind = (int)(I->imm & 7);
    for (uint32_t i = 0; i < c->n; i++) {
        bool ok = wr_vec_valid(A, i) && json_kind_ok(s[i].ptr, s[i].len, kind);
        WR_VEC_U8(D)[i] = ok != neg;
    }
    for (uint32_t w = 0; w < c->nw; w++)
        D->validity[w] = ~0ull;
    return 0;
}

int wr_expr_k_json(wr_expr_ctx *c, const wr_expr_insn *I)
{
    wr_vec *D = c->R[I->dst];
    if (I->op == WR_OP_IS_JSON) return k_is_json(c, I, D);
    const wr_strv *js = wr_expr_arg(c, I, 0)->data, *ps = wr_expr_arg(c, I, 1)->data;
    wr_strv *o = D->data;
    wr_buf *b = &c->s->buf, *kb = &c->s->buf2;
    int rc;
    WR_FOR_EACH_SET(D->validity, c->nw, i)
    {
        bool strict;
        jwhy why = JW_PATH;
        jcur cur;
        jres r = locate(js[i], ps[i], &cur, kb, &strict, &why);
        if (I->op == WR_OP_JSON_EXISTS) {
            bool v = r == JR_VALUE;
            if (r == JR_ERROR) {
                switch ((int)(I->imm >> 4 & 15)) {
                case WR_JB_ERROR:
                    return json_fail(c, I, ps[i], false, why);
                case WR_JB_TRUE:
                    v = true;
                    break;
                case WR_JB_UNKNOWN:
                    wr_vec_set_valid(D, i, false);
                    continue;
                default:
                    break;
                }
            }
            WR_VEC_U8(D)[i] = v;
            continue;
        }
        bool container = r == JR_VALUE && (*cur.p == '{' || *cur.p == '[');
        if (I->op == WR_OP_JSON_QUERY) {
            int wrapper = (int)(I->imm >> 8 & 15);
            bool wrap = wrapper == WR_JW_UNCONDITIONAL ||
                        (wrapper == WR_JW_CONDITIONAL && r == JR_VALUE && *cur.p != '[');
            if (r == JR_VALUE && !container && !wrap) {
                r = strict ? JR_ERROR : JR_EMPTY;
                why = JW_SCALAR;
            }
            if (r != JR_VALUE) {
                if ((rc = json_behave(c, I, D, i, ps[i], r == JR_EMPTY, why)) < 0) return rc;
                continue;
            }
            const char *start = cur.p;
            skip_value(&cur); /* checked by locate */
            wr_buf_clear(b);
            if ((wrap && wr_buf_putc(b, '[') < 0) ||
                put_compact(b, kb, (jcur){start, cur.p, 0}) < 0 ||
                (wrap && wr_buf_putc(b, ']') < 0))
                return wr_expr_fail(c, WR_ENOMEM, "out of memory");
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
            continue;
        }
        /* JSON_VALUE and its status */
        if (container) {
            r = strict ? JR_ERROR : JR_EMPTY;
            why = JW_NOT_SCALAR;
        }
        if (I->op == WR_OP_JSON_STATUS) {
            wr_expr_store_i64(D, i, r == JR_VALUE ? 0 : r == JR_EMPTY ? 1 : 2);
            continue;
        }
        if (r != JR_VALUE) {
            if ((rc = json_behave(c, I, D, i, ps[i], r == JR_EMPTY, why)) < 0) return rc;
            continue;
        }
        const char *start = cur.p;
        if (*cur.p == '"') {
            wr_buf_clear(b);
            if (!read_string(&cur, b)) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
        } else {
            skip_value(&cur); /* a number, true or false, checked by locate */
            o[i] = wr_strv_make(start, (uint32_t)(cur.p - start));
        }
    }
    return 0;
}
