/* expr_pattern.c - LIKE and the REGEXP family. A LIKE pattern is compiled to a token list
 * once (at compile time when it is constant) and classified so that the common shapes run
 * as plain byte comparisons: 'abc' (equality), 'abc%' (prefix), '%abc' (suffix), '%abc%'
 * (contains); other patterns use a greedy matcher with backtracking to the last '%', where
 * '_' matches one UTF-8 character. Regular expressions use PCRE2 (UTF mode, JIT when
 * available), close enough to Java's java.util.regex for Flink's functions; constant
 * patterns are compiled once per program, others per row through a small per-scratch cache.
 * An invalid regular expression yields NULL, as Flink's functions do. */
#define _GNU_SOURCE
#include "expr/expr_internal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------
 * LIKE
 * ---------------------------------------------------------------------------------------- */
enum { LK_EQ, LK_PREFIX, LK_SUFFIX, LK_CONTAINS, LK_ANY, LK_GENERAL };
enum { TK_LIT = 0, TK_ONE = 1, TK_ANY = 2 };

typedef struct like_pat {
    int kind;
    uint32_t n;   /* tokens */
    uint8_t *tok; /* TK_* */
    char *bytes;  /* literal byte for TK_LIT */
    char *lit;    /* the literal for the fast paths */
    uint32_t lit_len;
} like_pat;

static void like_destroy(like_pat *lp)
{
    wr_free(lp->tok);
    wr_free(lp->bytes);
    wr_free(lp->lit);
    memset(lp, 0, sizeof(*lp));
}

void wr_expr_like_free(void *like)
{
    if (!like) return;
    like_destroy(like);
    wr_free(like);
}

/* Parse into *lp. esc < 0: no escape character. Returns 0, WR_EINVAL (bad escape) or
 * WR_ENOMEM. */
static int like_parse(like_pat *lp, const char *pat, size_t n, int esc)
{
    memset(lp, 0, sizeof(*lp));
    lp->tok = wr_malloc(n + 1);
    lp->bytes = wr_malloc(n + 1);
    lp->lit = wr_malloc(n + 1);
    if (!lp->tok || !lp->bytes || !lp->lit) {
        like_destroy(lp);
        return WR_ENOMEM;
    }
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)pat[i];
        if (esc >= 0 && ch == (unsigned char)esc) {
            if (i + 1 >= n) {
                like_destroy(lp);
                return WR_EINVAL;
            }
            lp->tok[k] = TK_LIT;
            lp->bytes[k++] = pat[++i];
        } else if (ch == '%') {
            if (k == 0 || lp->tok[k - 1] != TK_ANY) lp->tok[k++] = TK_ANY;
        } else if (ch == '_') {
            lp->tok[k++] = TK_ONE;
        } else {
            lp->tok[k] = TK_LIT;
            lp->bytes[k++] = (char)ch;
        }
    }
    lp->n = k;
    /* classify */
    uint32_t lo = 0, hi = k;
    bool lead = k && lp->tok[0] == TK_ANY, trail = k > (lead ? 1u : 0u) && lp->tok[k - 1] == TK_ANY;
    if (lead) lo = 1;
    if (trail) hi = k - 1;
    bool plain = true;
    for (uint32_t i = lo; i < hi; i++)
        if (lp->tok[i] != TK_LIT) plain = false;
    lp->kind = LK_GENERAL;
    if (plain) {
        lp->lit_len = hi > lo ? hi - lo : 0;
        if (lp->lit_len) memcpy(lp->lit, lp->bytes + lo, lp->lit_len);
        if (k == 1 && lead)
            lp->kind = LK_ANY;
        else if (!lead && !trail)
            lp->kind = LK_EQ;
        else if (!lead && trail)
            lp->kind = LK_PREFIX;
        else if (lead && !trail)
            lp->kind = LK_SUFFIX;
        else
            lp->kind = LK_CONTAINS;
    }
    return 0;
}

int wr_expr_like_compile(wr_expr_prog *p, const char *pat, size_t n, int esc, void **out,
                         wr_error *err)
{
    (void)p;
    *out = NULL;
    like_pat *lp = wr_malloc(sizeof(*lp));
    if (!lp) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    int rc = like_parse(lp, pat, n, esc);
    if (rc < 0) {
        wr_free(lp);
        if (rc == WR_EINVAL)
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                                "LIKE: invalid escape sequence in pattern '%.*s'", (int)n, pat);
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory");
    }
    *out = lp;
    return 0;
}

static inline uint32_t u8len(unsigned char b)
{
    return b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

static bool like_general(const like_pat *lp, const char *s, uint32_t slen)
{
    uint32_t si = 0, pi = 0, star_s = 0;
    int64_t star_p = -1;
    while (si < slen) {
        if (pi < lp->n && lp->tok[pi] == TK_LIT && s[si] == lp->bytes[pi]) {
            si++;
            pi++;
        } else if (pi < lp->n && lp->tok[pi] == TK_ONE) {
            si += u8len((unsigned char)s[si]);
            pi++;
        } else if (pi < lp->n && lp->tok[pi] == TK_ANY) {
            star_p = pi++;
            star_s = si;
        } else if (star_p >= 0) {
            pi = (uint32_t)star_p + 1;
            star_s += u8len((unsigned char)s[star_s]);
            si = star_s;
        } else {
            return false;
        }
    }
    if (si > slen) return false; /* a '_' consumed a truncated character */
    while (pi < lp->n && lp->tok[pi] == TK_ANY)
        pi++;
    return pi == lp->n;
}

static bool like_match(const like_pat *lp, wr_strv s)
{
    switch (lp->kind) {
    case LK_ANY:
        return true;
    case LK_EQ:
        return s.len == lp->lit_len && memcmp(s.ptr, lp->lit, s.len) == 0;
    case LK_PREFIX:
        return s.len >= lp->lit_len && memcmp(s.ptr, lp->lit, lp->lit_len) == 0;
    case LK_SUFFIX:
        return s.len >= lp->lit_len &&
               memcmp(s.ptr + s.len - lp->lit_len, lp->lit, lp->lit_len) == 0;
    case LK_CONTAINS:
        return lp->lit_len == 0 || memmem(s.ptr, s.len, lp->lit, lp->lit_len) != NULL;
    default:
        return like_general(lp, s.ptr, s.len);
    }
}

/* Per-scratch state for a non-constant LIKE pattern: the last pattern, compiled. */
typedef struct like_state {
    char *pat;
    uint32_t len;
    bool valid;
    like_pat lp;
} like_state;

static void like_state_free(void *p)
{
    like_state *st = p;
    wr_free(st->pat);
    if (st->valid) like_destroy(&st->lp);
}

static int k_like(wr_expr_ctx *c, const wr_expr_insn *I)
{
    wr_vec *D = c->R[I->dst];
    const wr_strv *s = wr_expr_arg(c, I, 0)->data, *p = wr_expr_arg(c, I, 1)->data;
    uint8_t *o = D->data;
    if (I->aux) {
        const like_pat *lp = I->aux;
        switch (lp->kind) {
        case LK_PREFIX: {
            const char *lit = lp->lit;
            uint32_t ll = lp->lit_len;
            WR_FOR_EACH_SET(D->validity, c->nw, i)
            {
                o[i] = s[i].len >= ll && memcmp(s[i].ptr, lit, ll) == 0;
            }
            return 0;
        }
        default:
            WR_FOR_EACH_SET(D->validity, c->nw, i)
            {
                o[i] = like_match(lp, s[i]);
            }
            return 0;
        }
    }
    like_state *st = wr_expr_slot_get(c, I, sizeof(like_state), like_state_free);
    if (!st) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
    WR_FOR_EACH_SET(D->validity, c->nw, i)
    {
        if (!st->valid || st->len != p[i].len || memcmp(st->pat, p[i].ptr, p[i].len) != 0) {
            if (st->valid) like_destroy(&st->lp);
            st->valid = false;
            char *np = wr_realloc(st->pat, p[i].len + 1);
            if (!np) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
            st->pat = np;
            memcpy(st->pat, p[i].ptr, p[i].len);
            st->len = p[i].len;
            int rc = like_parse(&st->lp, p[i].ptr, p[i].len, (int)I->imm);
            if (rc == WR_EINVAL)
                return wr_expr_fail(c, WR_EINVAL, "LIKE: invalid escape sequence in pattern '%.*s'",
                                    (int)p[i].len, p[i].ptr);
            if (rc < 0) return wr_expr_fail(c, rc, "out of memory");
            st->valid = true;
        }
        o[i] = like_match(&st->lp, s[i]);
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Regular expressions
 * ---------------------------------------------------------------------------------------- */
static void *pcre_alloc(size_t n, void *ud)
{
    (void)ud;
    return wr_malloc(n);
}

static void pcre_free(void *p, void *ud)
{
    (void)ud;
    wr_free(p);
}

/* A general context only carries the allocator; compiled codes and match data copy it, so
 * the context itself is freed right after use. */
static pcre2_general_context *gctx_new(void)
{
    return pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
}

static pcre2_match_data *md_new(const pcre2_code *code)
{
    pcre2_general_context *g = gctx_new();
    if (!g) return NULL;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, g);
    pcre2_general_context_free(g);
    return md;
}

typedef struct regex {
    pcre2_code *code;
    uint32_t ngroups;
} regex;

/* NULL with *oom false: the pattern is invalid; with *oom true: out of memory. */
static regex *regex_new_flags(const char *pat, size_t n, uint32_t flags, bool java_newlines,
                              bool *oom)
{
    *oom = true;
    pcre2_general_context *g = gctx_new();
    if (!g) return NULL;
    pcre2_compile_context *cc = pcre2_compile_context_create(g);
    if (cc && java_newlines) pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
    int errcode;
    PCRE2_SIZE erroff;
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | flags;
    pcre2_code *code = cc ? pcre2_compile((PCRE2_SPTR)pat, n, opts, &errcode, &erroff, cc) : NULL;
    pcre2_compile_context_free(cc);
    pcre2_general_context_free(g);
    if (!code) {
        /* PCRE2 reports a failed allocation as a compile error: tell the two apart by
         * compiling again with its own allocator. */
        pcre2_code *probe = pcre2_compile((PCRE2_SPTR)pat, n, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                                          &errcode, &erroff, NULL);
        *oom = probe != NULL;
        pcre2_code_free(probe);
        return NULL;
    }
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    regex *re = wr_malloc(sizeof(*re));
    if (!re) {
        pcre2_code_free(code);
        return NULL;
    }
    re->code = code;
    uint32_t cnt = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &cnt);
    re->ngroups = cnt;
    return re;
}

/* Java's POSIX character classes (\p{Alpha}, ...: US-ASCII only in java.util.regex) as
 * PCRE2's POSIX classes, which are ASCII-only in UTF mode without UCP. PCRE2 itself reads
 * \p{Alpha} and \p{Upper} as the Unicode properties Alphabetic and Uppercase (é matches)
 * and rejects \p{Digit} or \p{Punct}. */
static const struct {
    const char *java, *posix;
} java_posix[] = {
    {"Lower", "lower"}, {"Upper", "upper"}, {"ASCII", "ascii"}, {"Alpha", "alpha"},
    {"Digit", "digit"}, {"Alnum", "alnum"}, {"Punct", "punct"}, {"Graph", "graph"},
    {"Print", "print"}, {"Blank", "blank"}, {"Cntrl", "cntrl"}, {"XDigit", "xdigit"},
    {"Space", "space"},
};

/* Rewrites the Java-only syntax of pat into out; false when there is none (out unused).
 * Escapes are skipped as pairs and \Q...\E as a whole; inside a character class
 * (depth > 0, Java nests them) a class becomes [:name:] / [:^name:], outside [[:name:]] /
 * [^[:name:]]. */
static bool java_to_pcre2(const char *pat, size_t n, wr_buf *out, bool *oom)
{
    bool changed = false;
    int depth = 0;
    *oom = false;
    for (size_t i = 0; i < n;) {
        char ch = pat[i];
        if (ch == '\\' && i + 1 < n && pat[i + 1] == 'Q') {
            size_t e = i + 2;
            while (e + 1 < n && !(pat[e] == '\\' && pat[e + 1] == 'E'))
                e++;
            e = e + 1 < n ? e + 2 : n;
            if (wr_buf_append(out, pat + i, e - i) < 0) goto oom;
            i = e;
            continue;
        }
        if (ch == '\\' && i + 2 < n && (pat[i + 1] == 'p' || pat[i + 1] == 'P') &&
            pat[i + 2] == '{') {
            const char *name = pat + i + 3;
            const char *close = memchr(name, '}', n - (i + 3));
            size_t k = 0, nk = sizeof java_posix / sizeof java_posix[0];
            for (; close && k < nk; k++)
                if (strlen(java_posix[k].java) == (size_t)(close - name) &&
                    memcmp(java_posix[k].java, name, (size_t)(close - name)) == 0)
                    break;
            if (close && k < nk) {
                bool neg = pat[i + 1] == 'P';
                int rc =
                    depth > 0
                        ? wr_buf_printf(out, "[:%s%s:]", neg ? "^" : "", java_posix[k].posix)
                        : wr_buf_printf(out, "[%s[:%s:]]", neg ? "^" : "", java_posix[k].posix);
                if (rc < 0) goto oom;
                changed = true;
                i = (size_t)(close - pat) + 1;
                continue;
            }
        }
        size_t len = ch == '\\' && i + 1 < n ? 2 : 1;
        if (ch == '[') {
            depth++;
            /* a ']' right after '[' or '[^' is a literal */
            size_t j = i + 1;
            if (j < n && pat[j] == '^') j++;
            if (j < n && pat[j] == ']') len = j + 1 - i;
        } else if (ch == ']' && depth > 0) {
            depth--;
        }
        if (wr_buf_append(out, pat + i, len) < 0) goto oom;
        i += len;
    }
    return changed;
oom:
    *oom = true;
    return false;
}

/* A java.util.regex pattern of Flink's REGEXP functions: its POSIX classes rewritten, and
 * '.', '^' and '$' seeing Java's line terminators (\r, \n, \r\n, U+0085, U+2028, U+2029;
 * PCRE2's NEWLINE_ANY also counts VT and FF) instead of PCRE2's default of only \n. */
static regex *regex_new(const char *pat, size_t n, bool *oom)
{
    wr_buf b;
    wr_buf_init(&b);
    bool changed = java_to_pcre2(pat, n, &b, oom);
    regex *re = NULL;
    if (!*oom)
        re = changed ? regex_new_flags(b.ptr, b.len, 0, true, oom)
                     : regex_new_flags(pat, n, 0, true, oom);
    wr_buf_free(&b);
    return re;
}

void *wr_expr_regex_compile(const char *pat, size_t n, bool *oom)
{
    return regex_new(pat, n, oom);
}

/* SQL SIMILAR TO -> PCRE2: '%' is ".*", '_' is ".", the regex operators | * + ? { } ( )
 * and [...] classes keep their meaning, every other character is literal, and the whole
 * string must match. Returns false for a dangling escape or an unclosed class. */
static bool similar_to_regex(const char *pat, size_t n, int esc, wr_buf *out)
{
    int rc = wr_buf_append_c(out, "^(?:");
    for (size_t i = 0; i < n && rc == 0; i++) {
        unsigned char ch = (unsigned char)pat[i];
        if (esc >= 0 && ch == (unsigned char)esc) {
            if (++i >= n) return false;
            ch = (unsigned char)pat[i];
            if (strchr("\\.^$|*+?{}()[]", ch)) rc = wr_buf_putc(out, '\\');
            if (rc == 0) rc = wr_buf_putc(out, (char)ch);
            continue;
        }
        switch (ch) {
        case '%':
            rc = wr_buf_append_c(out, ".*");
            break;
        case '_':
            rc = wr_buf_putc(out, '.');
            break;
        case '[': {
            size_t j = i + 1;
            if (j < n && pat[j] == '^') j++;
            if (j < n && pat[j] == ']') j++;
            while (j < n && pat[j] != ']')
                j++;
            if (j >= n) return false;
            rc = wr_buf_append(out, pat + i, j - i + 1);
            i = j;
            break;
        }
        case '|':
        case '*':
        case '+':
        case '?':
        case '{':
        case '}':
        case '(':
        case ')':
            rc = wr_buf_putc(out, (char)ch);
            break;
        case '\\':
        case '.':
        case '^':
        case '$':
        case ']':
            rc = wr_buf_putc(out, '\\');
            if (rc == 0) rc = wr_buf_putc(out, (char)ch);
            break;
        default:
            rc = wr_buf_putc(out, (char)ch);
            break;
        }
    }
    if (rc == 0) rc = wr_buf_append_c(out, ")$");
    return rc == 0;
}

void *wr_expr_similar_compile(const char *pat, size_t n, int esc, bool *oom)
{
    wr_buf b;
    wr_buf_init(&b);
    *oom = false;
    void *re = NULL;
    if (similar_to_regex(pat, n, esc, &b))
        re = regex_new_flags(b.ptr, b.len, PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY, false, oom);
    else if (!b.ptr && n)
        *oom = true;
    wr_buf_free(&b);
    return re;
}

void wr_expr_regex_free(void *p)
{
    regex *re = p;
    if (!re) return;
    pcre2_code_free(re->code);
    wr_free(re);
}

#define RX_CACHE 8

typedef struct rx_entry {
    char *pat;
    uint32_t len;
    bool used;
    regex *re; /* NULL: the pattern is invalid */
    pcre2_match_data *md;
} rx_entry;

typedef struct rx_state {
    pcre2_match_data *md; /* for the constant pattern */
    rx_entry ent[RX_CACHE];
    uint32_t next;
} rx_state;

static void rx_entry_clear(rx_entry *e)
{
    wr_free(e->pat);
    wr_expr_regex_free(e->re);
    if (e->md) pcre2_match_data_free(e->md);
    memset(e, 0, sizeof(*e));
}

static void rx_state_free(void *p)
{
    rx_state *st = p;
    if (st->md) pcre2_match_data_free(st->md);
    for (int i = 0; i < RX_CACHE; i++)
        rx_entry_clear(&st->ent[i]);
}

/* The compiled regex and match data for row i; *re NULL when invalid. */
static int rx_for_row(wr_expr_ctx *c, const wr_expr_insn *I, rx_state *st, wr_strv pat, regex **re,
                      pcre2_match_data **md)
{
    if (I->aux) {
        *re = I->aux;
        if (!st->md) st->md = md_new((*re)->code);
        if (!st->md) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
        *md = st->md;
        return 0;
    }
    for (int k = 0; k < RX_CACHE; k++) {
        rx_entry *e = &st->ent[k];
        if (e->used && e->len == pat.len && memcmp(e->pat, pat.ptr, pat.len) == 0) {
            *re = e->re;
            *md = e->md;
            return 0;
        }
    }
    rx_entry *e = &st->ent[st->next];
    st->next = (st->next + 1) % RX_CACHE;
    rx_entry_clear(e);
    e->pat = wr_malloc(pat.len + 1);
    if (!e->pat) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
    memcpy(e->pat, pat.ptr, pat.len);
    e->len = pat.len;
    e->used = true;
    bool oom;
    e->re = I->op == WR_OP_SIMILAR ? wr_expr_similar_compile(pat.ptr, pat.len, (int)I->imm, &oom)
                                   : regex_new(pat.ptr, pat.len, &oom);
    if (!e->re && oom) {
        rx_entry_clear(e);
        return wr_expr_fail(c, WR_ENOMEM, "out of memory");
    }
    if (e->re) {
        e->md = md_new(e->re->code);
        if (!e->md) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
    }
    *re = e->re;
    *md = e->md;
    return 0;
}

/* 1 match, 0 none, <0 a matching error (treated as no result: NULL). */
static int rx_find(regex *re, pcre2_match_data *md, wr_strv s, size_t start)
{
    int rc = pcre2_match(re->code, (PCRE2_SPTR)(s.len ? s.ptr : ""), s.len, start, 0, md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc == PCRE2_ERROR_NOMEMORY) return -2;
    return rc < 0 ? -1 : 1;
}

/* REGEXP_REPLACE: every match replaced by the literal replacement (Flink quotes it); an
 * empty match advances by one character, as Java's Matcher.replaceAll does. */
static int rx_replace(wr_expr_ctx *c, regex *re, pcre2_match_data *md, wr_strv s, wr_strv rep,
                      wr_strv *out, bool *null)
{
    wr_buf *b = &c->s->buf;
    wr_buf_clear(b);
    size_t pos = 0, copied = 0;
    *null = false;
    while (pos <= s.len) {
        int m = rx_find(re, md, s, pos);
        if (m == -2) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
        if (m < 0) {
            *null = true;
            return 0;
        }
        if (m == 0) break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t ms = ov[0], me = ov[1];
        if (wr_buf_append(b, s.ptr + copied, ms - copied) < 0 ||
            wr_buf_append(b, rep.ptr, rep.len) < 0)
            return wr_expr_fail(c, WR_ENOMEM, "out of memory");
        copied = me;
        if (me == ms) {
            if (me >= s.len) break;
            size_t step = u8len((unsigned char)s.ptr[me]);
            if (me + step > s.len) step = s.len - me;
            if (wr_buf_append(b, s.ptr + me, step) < 0)
                return wr_expr_fail(c, WR_ENOMEM, "out of memory");
            copied = me + step;
            pos = me + step;
        } else {
            pos = me;
        }
        if (b->len > (64u << 20)) return wr_expr_fail(c, WR_ELIMIT, "REGEXP_REPLACE: too long");
    }
    if (copied < s.len && wr_buf_append(b, s.ptr + copied, s.len - copied) < 0)
        return wr_expr_fail(c, WR_ENOMEM, "out of memory");
    return wr_expr_str_out(c, out, b->ptr, b->len);
}

static int k_regex(wr_expr_ctx *c, const wr_expr_insn *I)
{
    wr_vec *D = c->R[I->dst];
    if (I->imm2 & 2) { /* constant invalid pattern */
        memset(D->validity, 0, c->nw * sizeof(uint64_t));
        return 0;
    }
    const wr_strv *s = wr_expr_arg(c, I, 0)->data, *p = wr_expr_arg(c, I, 1)->data;
    rx_state *st = wr_expr_slot_get(c, I, sizeof(rx_state), rx_state_free);
    if (!st) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
    const int64_t *grp = NULL;
    const wr_strv *rep = NULL;
    if (I->op == WR_OP_REGEXP_EXTRACT && I->nargs > 2)
        grp = wr_expr_as_i64(c, wr_expr_arg(c, I, 2), 0);
    if (I->op == WR_OP_REGEXP_REPLACE) rep = wr_expr_arg(c, I, 2)->data;
    WR_FOR_EACH_SET(D->validity, c->nw, i)
    {
        regex *re = NULL;
        pcre2_match_data *md = NULL;
        int rc = rx_for_row(c, I, st, p[i], &re, &md);
        if (rc < 0) return rc;
        if (!re) {
            if (I->op == WR_OP_SIMILAR)
                return wr_expr_fail(c, WR_EINVAL, "SIMILAR TO: invalid pattern '%.*s'",
                                    (int)p[i].len, p[i].ptr);
            wr_vec_set_valid(D, i, false);
            continue;
        }
        switch (I->op) {
        case WR_OP_SIMILAR:
        case WR_OP_REGEXP: {
            int m = rx_find(re, md, s[i], 0);
            if (m == -2) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
            if (m < 0)
                wr_vec_set_valid(D, i, false);
            else
                WR_VEC_U8(D)[i] = (uint8_t)m;
            break;
        }
        case WR_OP_REGEXP_EXTRACT: {
            int64_t g = grp ? grp[i] : 0;
            int m = rx_find(re, md, s[i], 0);
            if (m == -2) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
            if (m <= 0 || g < 0 || g > (int64_t)re->ngroups) {
                wr_vec_set_valid(D, i, false);
                break;
            }
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            if (ov[2 * g] == PCRE2_UNSET) {
                wr_vec_set_valid(D, i, false);
                break;
            }
            WR_VEC_STR(D)
            [i] = wr_strv_make(s[i].ptr + ov[2 * g], (uint32_t)(ov[2 * g + 1] - ov[2 * g]));
            break;
        }
        default: {
            bool null;
            if ((rc = rx_replace(c, re, md, s[i], rep[i], &WR_VEC_STR(D)[i], &null)) < 0) return rc;
            if (null) wr_vec_set_valid(D, i, false);
            break;
        }
        }
    }
    return 0;
}

int wr_expr_k_pattern(wr_expr_ctx *c, const wr_expr_insn *I)
{
    if (I->op == WR_OP_LIKE) return k_like(c, I);
    return k_regex(c, I);
}
