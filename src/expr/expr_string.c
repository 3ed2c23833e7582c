/* expr_string.c - string function kernels. Strings are UTF-8; functions that Flink defines
 * in characters (CHAR_LENGTH, SUBSTRING, LPAD, POSITION, ...) count code points, not bytes.
 * Results that are a piece of an argument (SUBSTRING, TRIM, LEFT, RIGHT, SPLIT_INDEX) are
 * views into the argument; everything else is built in the scratch buffer and copied into
 * the evaluation arena (the output batch's). Case mapping covers ASCII, Latin-1, Latin
 * Extended-A, Greek and Cyrillic, plus Java's expanding upper-case mappings (ß -> SS). */
#define _GNU_SOURCE
#include "expr/expr_internal.h"

#include <inttypes.h>
#include <string.h>

#define MAX_RESULT (64u << 20) /* 64 MiB: REPEAT/LPAD beyond this fail instead of exhausting */

static inline uint32_t u8len(unsigned char b)
{
    return b < 0x80 ? 1 : b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

/* Decode one code point at p (n bytes available); *adv = bytes consumed. Invalid bytes
 * decode as themselves. */
static uint32_t u8dec(const char *p, uint32_t n, uint32_t *adv)
{
    const unsigned char *s = (const unsigned char *)p;
    uint32_t l = u8len(s[0]);
    if (l > n) l = 1;
    *adv = l;
    switch (l) {
    case 2:
        return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    case 3:
        return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    case 4:
        return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
               ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    default:
        return s[0];
    }
}

static uint32_t nchars(wr_strv s)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < s.len; i++)
        c += ((unsigned char)s.ptr[i] & 0xC0) != 0x80;
    return c;
}

/* Byte offset of character k (clamped to the end). */
static uint32_t char_off(wr_strv s, uint64_t k)
{
    uint32_t off = 0;
    while (k > 0 && off < s.len) {
        off += u8len((unsigned char)s.ptr[off]);
        k--;
    }
    return off > s.len ? s.len : off;
}

/* Latin Extended-A (U+0100..U+017F) pairs capitals with small letters: even/odd in
 * U+0100..U+0137, U+014A..U+0177; odd/even in U+0139..U+0148, U+0179..U+017E. */
static bool latin_a_small(uint32_t c)
{
    if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return c & 1;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return !(c & 1);
    return false;
}

static bool latin_a_capital(uint32_t c)
{
    if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return !(c & 1);
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c & 1;
    return false;
}

static uint32_t cp_upper(uint32_t c)
{
    if (c >= 'a' && c <= 'z') return c - 32;
    if (c < 0x80) return c;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
    if (c == 0xB5) return 0x39C; /* micro sign -> GREEK CAPITAL MU, as Java */
    if (c == 0xFF) return 0x178; /* y diaeresis */
    if (c == 0x131) return 'I';  /* dotless i */
    if (c == 0x17F) return 'S';  /* long s */
    if (latin_a_small(c)) return c - 1;
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
    if (c == 0x3C2) return 0x3A3;
    if (c >= 0x430 && c <= 0x44F) return c - 32;
    if (c >= 0x450 && c <= 0x45F) return c - 80;
    return c;
}

/* Java's String.toUpperCase maps a few characters to several (SpecialCasing.txt): the
 * sharp s, ŉ, ǰ and the Latin ligatures. Returns the replacement as UTF-8, or NULL. */
static const char *cp_upper_special(uint32_t c)
{
    switch (c) {
    case 0xDF:
        return "SS";
    case 0x149:
        return "\xCA\xBCN"; /* ŉ -> ʼN */
    case 0x1F0:
        return "J\xCC\x8C"; /* ǰ -> J + combining caron */
    case 0xFB00:
        return "FF";
    case 0xFB01:
        return "FI";
    case 0xFB02:
        return "FL";
    case 0xFB03:
        return "FFI";
    case 0xFB04:
        return "FFL";
    case 0xFB05:
    case 0xFB06:
        return "ST";
    default:
        return NULL;
    }
}

static uint32_t cp_lower(uint32_t c)
{
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c < 0x80) return c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
    if (c == 0x178) return 0xFF;
    if (latin_a_capital(c)) return c + 1;
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    return c;
}

static bool cp_alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int oom(wr_expr_ctx *c)
{
    return wr_expr_fail(c, WR_ENOMEM, "out of memory");
}

/* Case mapping (mode 0 UPPER, 1 LOWER, 2 INITCAP) per code point, as Java's
 * String.toUpperCase/toLowerCase (root locale) for the scripts above; UPPER also expands
 * the characters of cp_upper_special (ß -> SS), so the result may be longer or shorter
 * than s (at most 3 bytes per input byte: U+FB03 is 3 bytes, "FFI" 3; ß 2, "SS" 2). The
 * result is written straight into the arena, with a plain loop for the ASCII prefix. */
static uint32_t map_cp(uint32_t cp, int mode, bool *start)
{
    if (mode == 0) return cp_upper(cp);
    if (mode == 1) return cp_lower(cp);
    bool an = cp_alnum(cp);
    uint32_t m = an ? (*start ? cp_upper(cp) : cp_lower(cp)) : cp;
    *start = !an;
    return m;
}

static bool cp_cased(uint32_t c)
{
    return cp_upper(c) != c || cp_lower(c) != c;
}

/* Java's toLowerCase writes the capital sigma at s[i] (adv bytes) as the final ς when a
 * cased letter comes before it and none right after it (SpecialCasing's Final_Sigma,
 * without its case-ignorable characters). */
static bool final_sigma(wr_strv s, uint32_t i, uint32_t adv)
{
    if (i == 0) return false;
    uint32_t b = i - 1;
    while (b > 0 && ((unsigned char)s.ptr[b] & 0xC0) == 0x80)
        b--;
    uint32_t a, prev = u8dec(s.ptr + b, i - b, &a);
    if (!cp_cased(prev)) return false;
    if (i + adv >= s.len) return true;
    uint32_t next = u8dec(s.ptr + i + adv, s.len - i - adv, &a);
    return !cp_cased(next);
}

static int map_case(wr_expr_ctx *c, wr_strv s, int mode, wr_strv *out)
{
    if (s.len == 0) {
        *out = s;
        return 0;
    }
    /* No mapping here writes more than 1.5x the bytes it reads (ŉ: 2 bytes -> 3; an
     * invalid byte stays one byte), so 2x is enough. */
    uint64_t cap = (uint64_t)s.len * 2;
    if (cap > UINT32_MAX) return wr_expr_fail(c, WR_EINVAL, "string too long");
    char *dst = wr_arena_alloc_aligned(c->arena, cap, 1);
    if (!dst) return oom(c);
    const unsigned char *src = (const unsigned char *)s.ptr;
    uint32_t i = 0, o = 0;
    if (mode != 2) {
        unsigned char lo = mode == 0 ? 'a' : 'A';
        int delta = mode == 0 ? -32 : 32;
        for (; i < s.len && src[i] < 0x80; i++)
            dst[i] = (char)(src[i] + ((unsigned char)(src[i] - lo) < 26 ? delta : 0));
        o = i;
    }
    bool start = true;
    while (i < s.len) {
        uint32_t adv, cp = u8dec(s.ptr + i, s.len - i, &adv);
        const char *sp = mode == 0 ? cp_upper_special(cp) : NULL;
        uint32_t m = map_cp(cp, mode, &start);
        if (cp >= 0x80 && adv == 1) {
            dst[o++] = s.ptr[i]; /* an invalid byte stays as it is */
        } else if (sp) {
            size_t n = strlen(sp);
            memcpy(dst + o, sp, n);
            o += (uint32_t)n;
        } else if (mode == 1 && cp == 0x3A3 && final_sigma(s, i, adv)) {
            o += (uint32_t)wr_utf8_encode(0x3C2, dst + o);
        } else if (m != cp) {
            o += (uint32_t)wr_utf8_encode(m, dst + o);
        } else {
            memcpy(dst + o, s.ptr + i, adv);
            o += adv;
        }
        i += adv;
    }
    WR_ASSERT(o <= cap);
    *out = wr_strv_make(dst, o);
    return 0;
}

static bool in_set(uint32_t cp, wr_strv set)
{
    for (uint32_t i = 0; i < set.len;) {
        uint32_t adv, x = u8dec(set.ptr + i, set.len - i, &adv);
        if (x == cp) return true;
        i += adv;
    }
    return false;
}

static wr_strv trim(wr_strv s, wr_strv set, int mode)
{
    uint32_t lo = 0, hi = s.len;
    if (mode != WR_TRIM_TRAILING) {
        while (lo < hi) {
            uint32_t adv, cp = u8dec(s.ptr + lo, hi - lo, &adv);
            if (!in_set(cp, set)) break;
            lo += adv;
        }
    }
    if (mode != WR_TRIM_LEADING) {
        while (hi > lo) {
            uint32_t st = hi - 1;
            while (st > lo && ((unsigned char)s.ptr[st] & 0xC0) == 0x80)
                st--;
            uint32_t adv, cp = u8dec(s.ptr + st, hi - st, &adv);
            if (!in_set(cp, set)) break;
            hi = st;
        }
    }
    return wr_strv_make(s.ptr + lo, hi - lo);
}

/* Flink's substringSQL: 1-based start, negative start counts from the end, 0 acts as 1;
 * a negative length yields NULL. */
static bool substring(wr_strv s, int64_t pos, int64_t len, wr_strv *out)
{
    if (len < 0) return false;
    if (s.len == 0) {
        *out = s;
        return true;
    }
    int64_t n = nchars(s), start;
    if (pos > 0) {
        start = pos - 1;
        if (start >= n) {
            *out = wr_strv_make(s.ptr, 0);
            return true;
        }
    } else if (pos < 0) {
        start = n + pos;
        if (start < 0) {
            *out = wr_strv_make(s.ptr, 0);
            return true;
        }
    } else {
        start = 0;
    }
    int64_t end = (n - start) < len ? n : start + len;
    uint32_t b0 = char_off(s, (uint64_t)start);
    uint32_t b1 = b0 + char_off(wr_strv_make(s.ptr + b0, s.len - b0), (uint64_t)(end - start));
    *out = wr_strv_make(s.ptr + b0, b1 - b0);
    return true;
}

static const char *find(const char *hay, size_t hn, const char *nd, size_t nn)
{
    if (nn == 0) return hay;
    if (nn > hn) return NULL;
    return memmem(hay, hn, nd, nn);
}

/* 1-based character position of needle in hay at or after character `start`; 0 when
 * absent. */
static int64_t position(wr_strv nd, wr_strv hay, int64_t start)
{
    if (start < 1) start = 1; /* Java's indexOf treats a negative start as 0 */
    uint32_t off = char_off(hay, (uint64_t)(start - 1));
    if ((int64_t)nchars(wr_strv_make(hay.ptr, off)) < start - 1) return 0;
    const char *f = find(hay.ptr + off, hay.len - off, nd.ptr, nd.len);
    if (!f) return 0;
    return (int64_t)nchars(wr_strv_make(hay.ptr, (uint32_t)(f - hay.ptr))) + 1;
}

static int pad(wr_expr_ctx *c, wr_strv s, int64_t len, wr_strv p, bool left, wr_strv *out,
               bool *null)
{
    *null = false;
    if (len < 0 || p.len == 0) {
        *null = true;
        return 0;
    }
    int64_t sn = nchars(s);
    uint64_t pn = nchars(p);
    wr_buf *b = &c->s->buf;
    wr_buf_clear(b);
    if ((uint64_t)len * 4 > MAX_RESULT)
        return wr_expr_fail(c, WR_ELIMIT, "%s: result longer than %u bytes", left ? "LPAD" : "RPAD",
                            MAX_RESULT);
    int64_t npad = len > sn ? len - sn : 0;
    int64_t keep = len < sn ? len : sn;
    uint32_t sb = char_off(s, (uint64_t)keep);
    if (!left && wr_buf_append(b, s.ptr, sb) < 0) return oom(c);
    for (int64_t k = 0; k < npad;) {
        uint64_t take = (uint64_t)(npad - k) < pn ? (uint64_t)(npad - k) : pn;
        if (wr_buf_append(b, p.ptr, char_off(p, take)) < 0) return oom(c);
        k += (int64_t)take;
    }
    if (left && wr_buf_append(b, s.ptr, sb) < 0) return oom(c);
    return wr_expr_str_out(c, out, b->ptr, b->len);
}

/* Java's Character.isWhitespace: ASCII white space and separators U+001C..U+001F, and the
 * Unicode space, line and paragraph separators except the non-breaking ones. */
static bool cp_java_whitespace(uint32_t c)
{
    if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
    return c == 0x1680 || (c >= 0x2000 && c <= 0x200A && c != 0x2007) || c == 0x2028 ||
           c == 0x2029 || c == 0x205F || c == 0x3000;
}

/* Flink's SPLIT_INDEX is commons-lang's splitByWholeSeparatorPreserveAllTokens: an empty
 * separator splits at every white-space character (keeping empty tokens). */
static bool split_index_ws(wr_strv s, int64_t idx, wr_strv *out)
{
    uint32_t start = 0;
    int64_t k = 0;
    for (uint32_t i = 0; i < s.len;) {
        uint32_t adv, cp = u8dec(s.ptr + i, s.len - i, &adv);
        if (cp_java_whitespace(cp)) {
            if (k++ == idx) {
                *out = wr_strv_make(s.ptr + start, i - start);
                return true;
            }
            start = i + adv;
        }
        i += adv;
    }
    if (k != idx) return false;
    *out = wr_strv_make(s.ptr + start, s.len - start);
    return true;
}

static bool split_index(wr_strv s, wr_strv sep, int64_t idx, wr_strv *out)
{
    if (idx < 0 || s.len == 0) return false;
    if (sep.len == 0) return split_index_ws(s, idx, out);
    const char *p = s.ptr, *end = s.ptr + s.len;
    for (int64_t k = 0;; k++) {
        const char *f = find(p, (size_t)(end - p), sep.ptr, sep.len);
        const char *tok_end = f ? f : end;
        if (k == idx) {
            *out = wr_strv_make(p, (uint32_t)(tok_end - p));
            return true;
        }
        if (!f) return false;
        p = f + sep.len;
    }
}

static bool is_class(wr_strv s, int cls)
{
    if (s.len == 0) return false;
    if (cls == WR_SC_DECIMAL) {
        uint32_t i = 0;
        if (s.ptr[i] == '+' || s.ptr[i] == '-') i++;
        bool digits = false, dot = false;
        for (; i < s.len; i++) {
            char ch = s.ptr[i];
            if (ch >= '0' && ch <= '9') {
                digits = true;
            } else if (ch == '.' && !dot) {
                dot = true;
            } else if ((ch == 'e' || ch == 'E') && digits) {
                i++;
                if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-')) i++;
                if (i >= s.len) return false;
                for (; i < s.len; i++)
                    if (s.ptr[i] < '0' || s.ptr[i] > '9') return false;
                return true;
            } else {
                return false;
            }
        }
        return digits;
    }
    for (uint32_t i = 0; i < s.len;) {
        uint32_t adv, cp = u8dec(s.ptr + i, s.len - i, &adv);
        bool ok = cls == WR_SC_DIGIT ? (cp >= '0' && cp <= '9')
                                     : ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
                                        (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7));
        if (!ok) return false;
        i += adv;
    }
    return true;
}

int wr_expr_k_string(wr_expr_ctx *c, const wr_expr_insn *I)
{
    wr_vec *D = c->R[I->dst];
    uint32_t nw = c->nw;
    const wr_vec *A = I->nargs > 0 ? wr_expr_arg(c, I, 0) : NULL;
    const wr_vec *B = I->nargs > 1 ? wr_expr_arg(c, I, 1) : NULL;
    const wr_vec *C = I->nargs > 2 ? wr_expr_arg(c, I, 2) : NULL;
    const wr_strv *s = A && A->phys == WR_PHYS_STR ? A->data : NULL;
    const wr_strv *t = B && B->phys == WR_PHYS_STR ? B->data : NULL;
    wr_strv *o = D->phys == WR_PHYS_STR ? D->data : NULL;
    wr_buf *b = &c->s->buf;
    int rc = 0;
    switch (I->op) {
    case WR_OP_CONCAT: {
        const int32_t *args = wr_expr_args(c, I);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            size_t total = 0;
            for (uint32_t k = 0; k < I->nargs; k++)
                total += WR_VEC_STR(c->R[args[k]])[i].len;
            if (total > MAX_RESULT)
                return wr_expr_fail(c, WR_ELIMIT, "CONCAT: result longer than %u bytes",
                                    MAX_RESULT);
            char *p = total ? wr_arena_alloc_aligned(c->arena, total, 1) : NULL;
            if (total && !p) return oom(c);
            size_t off = 0;
            for (uint32_t k = 0; k < I->nargs; k++) {
                wr_strv x = WR_VEC_STR(c->R[args[k]])[i];
                if (x.len) memcpy(p + off, x.ptr, x.len);
                off += x.len;
            }
            o[i] = total ? wr_strv_make(p, (uint32_t)total) : wr_strv_make("", 0);
        }
        return 0;
    }
    case WR_OP_CONCAT_WS: {
        /* NULL only when the separator is NULL; NULL arguments are skipped */
        const int32_t *args = wr_expr_args(c, I);
        memcpy(D->validity, A->validity, nw * sizeof(uint64_t));
        D->validity[nw - 1] &= wr_expr_tail_mask(c->n);
        if (I->mask >= 0)
            for (uint32_t w = 0; w < nw; w++)
                D->validity[w] &= c->R[I->mask]->validity[w];
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_buf_clear(b);
            bool first = true;
            for (uint32_t k = 1; k < I->nargs; k++) {
                const wr_vec *v = c->R[args[k]];
                if (!wr_vec_valid(v, i)) continue;
                if (!first && wr_buf_append(b, s[i].ptr, s[i].len) < 0) return oom(c);
                wr_strv x = WR_VEC_STR(v)[i];
                if (wr_buf_append(b, x.ptr, x.len) < 0) return oom(c);
                first = false;
            }
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
        }
        return 0;
    }
    case WR_OP_CHAR_LENGTH:
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            WR_VEC_I32(D)[i] = (int32_t)nchars(s[i]);
        }
        return 0;
    case WR_OP_UPPER:
    case WR_OP_LOWER:
    case WR_OP_INITCAP: {
        int mode = I->op == WR_OP_UPPER ? 0 : I->op == WR_OP_LOWER ? 1 : 2;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            if ((rc = map_case(c, s[i], mode, &o[i])) < 0) return rc;
        }
        return 0;
    }
    case WR_OP_TRIM: {
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_strv set = t ? t[i] : wr_strv_make(" ", 1);
            o[i] = trim(s[i], set, (int)I->imm);
        }
        return 0;
    }
    case WR_OP_SUBSTRING: {
        const int64_t *pos = wr_expr_as_i64(c, B, 0);
        const int64_t *len = C ? wr_expr_as_i64(c, C, 1) : NULL;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            if (!substring(s[i], pos[i], len ? len[i] : INT32_MAX, &o[i]))
                wr_vec_set_valid(D, i, false);
        }
        return 0;
    }
    case WR_OP_POSITION: {
        const int64_t *st = C ? wr_expr_as_i64(c, C, 0) : NULL;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            WR_VEC_I32(D)[i] = (int32_t)position(s[i], t[i], st ? st[i] : 1);
        }
        return 0;
    }
    case WR_OP_REPLACE: {
        const wr_strv *r = C->data;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_strv x = s[i], from = t[i], to = r[i];
            wr_buf_clear(b);
            if (from.len == 0) {
                /* Java's String.replace("", to) puts `to` around every character */
                for (uint32_t k = 0; k <= x.len;) {
                    if (wr_buf_append(b, to.ptr, to.len) < 0) return oom(c);
                    if (k == x.len) break;
                    uint32_t l = u8len((unsigned char)x.ptr[k]);
                    if (k + l > x.len) l = x.len - k;
                    if (wr_buf_append(b, x.ptr + k, l) < 0) return oom(c);
                    k += l;
                    if (b->len > MAX_RESULT)
                        return wr_expr_fail(c, WR_ELIMIT, "REPLACE: result too long");
                }
                if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
                continue;
            }
            const char *p = x.ptr, *end = x.ptr + x.len, *f;
            while ((f = find(p, (size_t)(end - p), from.ptr, from.len)) != NULL) {
                if (wr_buf_append(b, p, (size_t)(f - p)) < 0 ||
                    wr_buf_append(b, to.ptr, to.len) < 0)
                    return oom(c);
                if (b->len > MAX_RESULT)
                    return wr_expr_fail(c, WR_ELIMIT, "REPLACE: result too long");
                p = f + from.len;
            }
            if (wr_buf_append(b, p, (size_t)(end - p)) < 0) return oom(c);
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
        }
        return 0;
    }
    case WR_OP_LPAD:
    case WR_OP_RPAD: {
        const int64_t *len = wr_expr_as_i64(c, B, 0);
        const wr_strv *p = C->data;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            bool null;
            if ((rc = pad(c, s[i], len[i], p[i], I->op == WR_OP_LPAD, &o[i], &null)) < 0) return rc;
            if (null) wr_vec_set_valid(D, i, false);
        }
        return 0;
    }
    case WR_OP_REPEAT: {
        const int64_t *k = wr_expr_as_i64(c, B, 0);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            if (k[i] <= 0 || s[i].len == 0) {
                o[i] = wr_strv_make("", 0);
                continue;
            }
            if ((uint64_t)k[i] * s[i].len > MAX_RESULT)
                return wr_expr_fail(c, WR_ELIMIT, "REPEAT: result longer than %u bytes",
                                    MAX_RESULT);
            size_t total = (size_t)k[i] * s[i].len;
            char *q = wr_arena_alloc_aligned(c->arena, total, 1);
            if (!q) return oom(c);
            for (int64_t r = 0; r < k[i]; r++)
                memcpy(q + (size_t)r * s[i].len, s[i].ptr, s[i].len);
            o[i] = wr_strv_make(q, (uint32_t)total);
        }
        return 0;
    }
    case WR_OP_REVERSE:
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_strv x = s[i];
            wr_buf_clear(b);
            if (wr_buf_reserve(b, x.len + 1) < 0) return oom(c);
            uint32_t w = x.len;
            for (uint32_t k = 0; k < x.len;) {
                uint32_t l = u8len((unsigned char)x.ptr[k]);
                if (k + l > x.len) l = x.len - k;
                w -= l;
                memcpy(b->ptr + w, x.ptr + k, l);
                k += l;
            }
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, x.len)) < 0) return rc;
        }
        return 0;
    case WR_OP_LEFT:
    case WR_OP_RIGHT: {
        const int64_t *k = wr_expr_as_i64(c, B, 0);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_strv x = s[i];
            if (k[i] <= 0) {
                o[i] = wr_strv_make(x.ptr, 0);
                continue;
            }
            if (I->op == WR_OP_LEFT) {
                o[i] = wr_strv_make(x.ptr, char_off(x, (uint64_t)k[i]));
            } else {
                int64_t n = nchars(x);
                uint32_t off = k[i] >= n ? 0 : char_off(x, (uint64_t)(n - k[i]));
                o[i] = wr_strv_make(x.ptr + off, x.len - off);
            }
        }
        return 0;
    }
    case WR_OP_SPLIT_INDEX: {
        const int64_t *k = wr_expr_as_i64(c, C, 0);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            if (!split_index(s[i], t[i], k[i], &o[i])) wr_vec_set_valid(D, i, false);
        }
        return 0;
    }
    case WR_OP_ASCII:
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            uint32_t adv;
            WR_VEC_I32(D)[i] = s[i].len ? (int32_t)u8dec(s[i].ptr, s[i].len, &adv) : 0;
        }
        return 0;
    case WR_OP_CHR: {
        const int64_t *k = wr_expr_as_i64(c, A, 0);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            if (k[i] < 0) {
                o[i] = wr_strv_make("", 0);
                continue;
            }
            char tmp[4];
            int l = (int)wr_utf8_encode((uint32_t)(k[i] & 0xFF), tmp);
            if ((rc = wr_expr_str_out(c, &o[i], tmp, (size_t)l)) < 0) return rc;
        }
        return 0;
    }
    case WR_OP_IS_CLASS:
        for (uint32_t i = 0; i < c->n; i++)
            WR_VEC_U8(D)[i] = wr_vec_valid(A, i) && is_class(s[i], (int)I->imm);
        for (uint32_t w = 0; w < nw; w++)
            D->validity[w] = ~0ull;
        return 0;
    case WR_OP_HEX: {
        static const char hexd[] = "0123456789ABCDEF";
        const int64_t *v = I->imm == 0 ? wr_expr_as_i64(c, A, 0) : NULL;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_buf_clear(b);
            if (v) {
                if (wr_buf_printf(b, "%" PRIX64, (uint64_t)v[i]) < 0) return oom(c);
            } else {
                for (uint32_t k = 0; k < s[i].len; k++) {
                    unsigned char ch = (unsigned char)s[i].ptr[k];
                    if (wr_buf_putc(b, hexd[ch >> 4]) < 0 || wr_buf_putc(b, hexd[ch & 15]) < 0)
                        return oom(c);
                }
            }
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
        }
        return 0;
    }
    case WR_OP_BIN: {
        const int64_t *v = wr_expr_as_i64(c, A, 0);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            char tmp[65];
            uint64_t x = (uint64_t)v[i];
            int k = 64;
            tmp[k] = 0;
            do {
                tmp[--k] = (char)('0' + (x & 1));
                x >>= 1;
            } while (x);
            if ((rc = wr_expr_str_out(c, &o[i], tmp + k, (size_t)(64 - k))) < 0) return rc;
        }
        return 0;
    }
    case WR_OP_OVERLAY: {
        /* OVERLAY(s PLACING r FROM pos [FOR len]): len defaults to r's length */
        const int64_t *pos = wr_expr_as_i64(c, C, 0);
        const int64_t *len = I->nargs > 3 ? wr_expr_as_i64(c, wr_expr_arg(c, I, 3), 1) : NULL;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_strv x = s[i], r = t[i];
            int64_t n = nchars(x), p = pos[i], l = len ? len[i] : (int64_t)nchars(r);
            if (p <= 0 || p > n) {
                o[i] = x;
                continue;
            }
            uint32_t head = char_off(x, (uint64_t)(p - 1));
            int64_t rest_at = p - 1 + (l > 0 ? l : 0);
            uint32_t tail = rest_at >= n ? x.len : char_off(x, (uint64_t)rest_at);
            wr_buf_clear(b);
            if (wr_buf_append(b, x.ptr, head) < 0 || wr_buf_append(b, r.ptr, r.len) < 0 ||
                wr_buf_append(b, x.ptr + tail, x.len - tail) < 0)
                return oom(c);
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
        }
        return 0;
    }
    default:
        return wr_expr_fail(c, WR_EINTERNAL, "internal: %s is not a string kernel",
                            wr_expr_op_names[I->op]);
    }
}
