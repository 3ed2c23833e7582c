/* sql_parse_expr.c - expressions, literals and data types of the Flink SQL dialect.
 * Expressions are parsed by precedence climbing over the levels, loosest first:
 * OR < AND < NOT < comparison (=, <>, <, IS, BETWEEN, IN, LIKE, SIMILAR TO) < + - <
 * * / % || < unary + - < postfix ([i], .field, ::type); left-associative within a level.
 * || binds like * because it does in Flink (Calcite gives both precedence 60, + has 40):
 * a + b || c is a + (b || c).
 * Literals are typed as Flink types them (1 INT, 10000000000 BIGINT, 1.5 DECIMAL(2, 1),
 * 1e3 DOUBLE, 'ab' CHAR(2)) and carry their parsed value, including intervals (months or
 * microseconds, with Flink's field and precision checks). Types are built as wr_type with
 * Flink's defaults. The call forms with special syntax (CAST, EXTRACT, TRIM, POSITION,
 * SUBSTRING ... FROM, OVERLAY, FLOOR/CEIL ... TO, TIMESTAMPADD) and the argument forms of
 * table functions (TABLE t PARTITION BY k, DESCRIPTOR(ts), name => value) are here too. */
#include "sql/sql_parse.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    PREC_OR = 1,
    PREC_AND,
    PREC_NOT,
    PREC_CMP,
    PREC_ADD,
    PREC_MUL,
    PREC_UNARY,
};

static wr_sql_expr *expr_bp(wr_sql_parser *p, int min);

static const char *tok_text(const wr_sql_parser *p, const wr_sql_token *t)
{
    return p->text + t->pos.offset;
}

/* ------------------------------------------------------------------------------------------
 * Numbers
 * ---------------------------------------------------------------------------------------- */

static wr_sql_expr *new_literal(wr_sql_parser *p, wr_sql_lit_kind kind, wr_sql_pos pos)
{
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_LITERAL, pos);
    e->lit.kind = kind;
    return e;
}

static void set_text(wr_sql_parser *p, wr_sql_literal *l, const char *s, size_t n)
{
    l->text = wr_sql_p_strndup(p, s, n);
    l->text_len = (uint32_t)n;
}

/* digits -> 128-bit value; the caller has checked there are at most 38 of them. */
static unsigned __int128 digits_value(const char *s, size_t n)
{
    unsigned __int128 v = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] >= '0' && s[i] <= '9') v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

static size_t skip_zeros(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == '0')
        i++;
    return i;
}

static wr_sql_expr *number_literal(wr_sql_parser *p)
{
    const wr_sql_token *t = wr_sql_p_next(p);
    const char *s = tok_text(p, t);
    uint32_t n = t->len;
    wr_sql_expr *e = new_literal(p, WR_SQL_LIT_INTEGER, t->pos);
    wr_sql_literal *l = &e->lit;
    if (t->kind == WR_TK_APPROX) {
        set_text(p, l, s, n);
        double d = strtod(l->text, NULL);
        if (!isfinite(d))
            wr_sql_p_fail(p, WR_EPARSE, t->pos, "numeric literal %s is out of range", l->text);
        l->kind = WR_SQL_LIT_DOUBLE;
        l->type = wr_type_not_null(wr_type_make(WR_TYPE_DOUBLE));
        l->value.d = d;
        return wr_sql_p_finish_expr(p, e);
    }
    uint32_t dot = 0;
    while (dot < n && s[dot] != '.')
        dot++;
    uint32_t nfrac = dot < n ? n - dot - 1 : 0;
    if (nfrac == 0) {
        /* An integer ("12", or "12." which Flink also types as an integer). */
        set_text(p, l, s, dot);
        size_t z = skip_zeros(s, dot);
        size_t nd = dot - z;
        if (nd > WR_DECIMAL_MAX_PRECISION)
            wr_sql_p_fail(p, WR_EPARSE, t->pos,
                          "numeric literal %s is out of range (more than %d digits)", l->text,
                          WR_DECIMAL_MAX_PRECISION);
        unsigned __int128 v = digits_value(s + z, nd);
        if (v <= INT32_MAX) {
            l->type = wr_type_make(WR_TYPE_INT);
            l->value.i = (int64_t)v;
        } else if (v <= INT64_MAX) {
            l->type = wr_type_make(WR_TYPE_BIGINT);
            l->value.i = (int64_t)v;
        } else {
            l->type = wr_type_decimal((int)nd, 0);
            l->value.dec = (wr_i128)v;
        }
        l->type = wr_type_not_null(l->type);
        return wr_sql_p_finish_expr(p, e);
    }
    /* DECIMAL(p, s): p counts every digit written (as Calcite does), s the fraction. */
    set_text(p, l, s, n);
    uint32_t prec = dot + nfrac, scale = nfrac;
    if (prec > WR_DECIMAL_MAX_PRECISION) prec -= (uint32_t)skip_zeros(s, dot);
    if (prec > WR_DECIMAL_MAX_PRECISION)
        wr_sql_p_fail(p, WR_EPARSE, t->pos,
                      "numeric literal %s is out of range (more than %d digits)", l->text,
                      WR_DECIMAL_MAX_PRECISION);
    /* The unscaled value: all digits, leading zeros skipped so at most 38 are summed. */
    char digits[80];
    uint32_t nd = 0;
    for (uint32_t i = 0; i < n && nd < sizeof digits; i++)
        if (s[i] != '.') digits[nd++] = s[i];
    size_t z = skip_zeros(digits, nd);
    wr_i128 v = (wr_i128)digits_value(digits + z, nd - z);
    l->kind = WR_SQL_LIT_DECIMAL;
    l->type = wr_type_not_null(wr_type_decimal((int)prec, (int)scale));
    if (prec <= WR_DECIMAL64_MAX_PRECISION)
        l->value.i = (int64_t)v;
    else
        l->value.dec = v;
    return wr_sql_p_finish_expr(p, e);
}

/* DECIMAL '-1.50' (Calcite): DECIMAL(p, s) with p every digit written and s the fraction
 * digits, as a numeric literal; surrounding spaces are ignored. The keyword is current. */
static wr_sql_expr *decimal_string_literal(wr_sql_parser *p)
{
    wr_sql_pos pos = wr_sql_p_pos(p);
    wr_sql_p_next(p);
    wr_sql_pos spos = wr_sql_p_pos(p);
    uint32_t n;
    char *s = wr_sql_p_string_of(p, wr_sql_p_next(p), &n);
    while (n && s[0] == ' ')
        s++, n--;
    while (n && s[n - 1] == ' ')
        n--;
    wr_sql_expr *e = new_literal(p, WR_SQL_LIT_DECIMAL, pos);
    wr_sql_literal *l = &e->lit;
    set_text(p, l, s, n);
    bool neg = n && s[0] == '-';
    uint32_t b = n && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    uint32_t nint = 0, nfrac = 0, ndot = 0;
    bool ok = true;
    for (uint32_t i = b; i < n && ok; i++) {
        if (s[i] == '.')
            ok = ++ndot == 1;
        else if (s[i] >= '0' && s[i] <= '9')
            ndot ? nfrac++ : nint++;
        else
            ok = false;
    }
    if (!ok || nint + nfrac == 0)
        wr_sql_p_fail(p, WR_EPARSE, spos, "invalid DECIMAL literal '%s'", l->text);
    uint32_t prec = nint + nfrac;
    if (prec > WR_DECIMAL_MAX_PRECISION) prec -= (uint32_t)skip_zeros(s + b, nint);
    if (prec > WR_DECIMAL_MAX_PRECISION)
        wr_sql_p_fail(p, WR_EPARSE, spos,
                      "DECIMAL literal '%s' is out of range (more than %d digits)", l->text,
                      WR_DECIMAL_MAX_PRECISION);
    char digits[80];
    uint32_t nd = 0;
    for (uint32_t i = b; i < n && nd < sizeof digits; i++)
        if (s[i] != '.') digits[nd++] = s[i];
    size_t z = skip_zeros(digits, nd);
    wr_i128 v = (wr_i128)digits_value(digits + z, nd - z);
    if (neg) v = -v;
    l->type = wr_type_not_null(wr_type_decimal((int)prec, (int)nfrac));
    if (prec <= WR_DECIMAL64_MAX_PRECISION)
        l->value.i = (int64_t)v;
    else
        l->value.dec = v;
    return wr_sql_p_finish_expr(p, e);
}

/* ------------------------------------------------------------------------------------------
 * Strings
 * ---------------------------------------------------------------------------------------- */

static uint32_t count_code_points(const char *s, uint32_t n)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

static void string_value(wr_sql_literal *l, char *s, uint32_t n)
{
    l->kind = WR_SQL_LIT_STRING;
    l->text = s;
    l->text_len = n;
    l->value.s = wr_strv_make(s, n);
    wr_type t = wr_type_make(WR_TYPE_CHAR);
    t.length = (int32_t)count_code_points(s, n);
    l->type = wr_type_not_null(t);
}

/* 'a' 'b' (adjacent literals) is one literal 'ab', as in standard SQL. */
static wr_sql_expr *string_literal(wr_sql_parser *p)
{
    wr_sql_pos pos = wr_sql_p_pos(p);
    uint32_t total = 0, k = 0;
    while (wr_sql_p_ahead_is(p, k, WR_TK_STRING)) {
        total += wr_sql_p_ahead(p, k)->len;
        k++;
    }
    char *buf = wr_sql_p_alloc(p, (size_t)total + 1);
    uint32_t n = 0;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t len;
        char *part = wr_sql_p_string_of(p, wr_sql_p_next(p), &len);
        memcpy(buf + n, part, len);
        n += len;
    }
    buf[n] = '\0';
    wr_sql_expr *e = new_literal(p, WR_SQL_LIT_STRING, pos);
    string_value(&e->lit, buf, n);
    return wr_sql_p_finish_expr(p, e);
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool read_hex(const char *s, uint32_t n, uint32_t at, uint32_t digits, uint32_t *out)
{
    if (at + digits > n) return false;
    uint32_t v = 0;
    for (uint32_t i = 0; i < digits; i++) {
        int h = hex_val(s[at + i]);
        if (h < 0) return false;
        v = v * 16 + (uint32_t)h;
    }
    *out = v;
    return true;
}

/* U&'d\0061t\+01F600' [UESCAPE '!']: \XXXX and \+XXXXXX code points, \\ for a backslash
 * (or the UESCAPE character). */
static wr_sql_expr *unicode_literal(wr_sql_parser *p)
{
    const wr_sql_token *t = wr_sql_p_next(p);
    uint32_t n;
    char *raw = wr_sql_p_string_of(p, t, &n);
    char esc = '\\';
    if (wr_sql_p_is_kw(p, WR_KW_UESCAPE)) {
        wr_sql_p_next(p);
        wr_sql_pos epos = wr_sql_p_pos(p);
        uint32_t elen;
        if (!wr_sql_p_at(p, WR_TK_STRING)) wr_sql_p_fail_expected(p, "an escape character");
        char *e = wr_sql_p_string_of(p, wr_sql_p_next(p), &elen);
        if (elen != 1 || hex_val(e[0]) >= 0 || e[0] == '+' || e[0] == '\'' || e[0] == ' ' ||
            (unsigned char)e[0] >= 0x80)
            wr_sql_p_fail(p, WR_EPARSE, epos, "invalid UESCAPE character '%s'", e);
        esc = e[0];
    }
    char *out = wr_sql_p_alloc(p, (size_t)n * 4 + 1);
    uint32_t o = 0;
    for (uint32_t i = 0; i < n;) {
        if (raw[i] != esc) {
            out[o++] = raw[i++];
            continue;
        }
        uint32_t cp;
        if (i + 1 < n && raw[i + 1] == esc) {
            out[o++] = esc;
            i += 2;
            continue;
        }
        if (i + 1 < n && raw[i + 1] == '+' && read_hex(raw, n, i + 2, 6, &cp)) {
            i += 8;
        } else if (read_hex(raw, n, i + 1, 4, &cp)) {
            i += 5;
            uint32_t lo;
            if (cp >= 0xD800 && cp <= 0xDBFF && i < n && raw[i] == esc &&
                read_hex(raw, n, i + 1, 4, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 5;
            }
        } else {
            wr_sql_p_fail(p, WR_EPARSE, t->pos,
                          "invalid unicode escape in U&'...': expected %cXXXX, %c+XXXXXX or %c%c",
                          esc, esc, esc, esc);
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            wr_sql_p_fail(p, WR_EPARSE, t->pos, "invalid code point U+%04X in U&'...'", cp);
        o += (uint32_t)wr_utf8_encode(cp, out + o);
    }
    out[o] = '\0';
    wr_sql_expr *e = new_literal(p, WR_SQL_LIT_STRING, t->pos);
    string_value(&e->lit, out, o);
    return wr_sql_p_finish_expr(p, e);
}

static wr_sql_expr *binary_literal(wr_sql_parser *p)
{
    const wr_sql_token *t = wr_sql_p_next(p);
    const char *s = tok_text(p, t) + 2; /* past X' */
    uint32_t nhex = t->len - 3, nb = nhex / 2;
    char *b = wr_sql_p_alloc(p, (size_t)nb + 1);
    for (uint32_t i = 0; i < nb; i++)
        b[i] = (char)(hex_val(s[2 * i]) * 16 + hex_val(s[2 * i + 1]));
    wr_sql_expr *e = new_literal(p, WR_SQL_LIT_BINARY, t->pos);
    wr_sql_literal *l = &e->lit;
    set_text(p, l, s, nhex);
    l->value.s = wr_strv_make(b, nb);
    wr_type ty = wr_type_make(WR_TYPE_BINARY);
    ty.length = (int32_t)nb;
    l->type = wr_type_not_null(ty);
    return wr_sql_p_finish_expr(p, e);
}

/* Digits after the '.' of the time part: the literal's precision. */
static int fraction_digits(const char *s)
{
    const char *dot = strrchr(s, '.');
    if (!dot) return 0;
    int n = 0;
    while (dot[1 + n] >= '0' && dot[1 + n] <= '9')
        n++;
    return n;
}

/* DATE '...', TIME '...', TIMESTAMP '...', TIMESTAMP_LTZ '...'; the keyword is current. */
static wr_sql_expr *typed_literal(wr_sql_parser *p, wr_sql_lit_kind kind, uint32_t nkw)
{
    wr_sql_pos pos = wr_sql_p_pos(p);
    for (uint32_t i = 0; i < nkw; i++)
        wr_sql_p_next(p);
    wr_sql_pos spos = wr_sql_p_pos(p);
    uint32_t n;
    char *s = wr_sql_p_string_of(p, wr_sql_p_next(p), &n);
    wr_sql_expr *e = new_literal(p, kind, pos);
    wr_sql_literal *l = &e->lit;
    l->text = s;
    l->text_len = n;
    int rc;
    int64_t v = 0;
    const char *what, *form;
    switch (kind) {
    case WR_SQL_LIT_DATE: {
        int32_t d = 0;
        rc = wr_parse_date(s, n, &d);
        v = d;
        l->type = wr_type_make(WR_TYPE_DATE);
        what = "DATE", form = "'yyyy-MM-dd'";
        break;
    }
    case WR_SQL_LIT_TIME:
        rc = wr_parse_time(s, n, &v);
        l->type = wr_type_make(WR_TYPE_TIME);
        l->type.precision = (uint8_t)fraction_digits(s);
        what = "TIME", form = "'HH:mm:ss[.fff]'";
        break;
    case WR_SQL_LIT_TIMESTAMP:
        rc = memchr(s, 'Z', n) ? WR_EPARSE : wr_parse_timestamp(s, n, &v);
        l->type = wr_type_timestamp(strchr(s, ':') ? fraction_digits(s) : 0);
        what = "TIMESTAMP", form = "'yyyy-MM-dd HH:mm:ss[.fff]'";
        break;
    default:
        rc = wr_parse_timestamp(s, n, &v);
        l->type = wr_type_timestamp_ltz(strchr(s, ':') ? fraction_digits(s) : 0);
        what = "TIMESTAMP_LTZ", form = "'yyyy-MM-dd HH:mm:ss[.fff]'";
        break;
    }
    if (rc < 0 || memchr(s, '\0', n))
        wr_sql_p_fail(p, WR_EPARSE, spos, "invalid %s literal '%s': expected %s", what, s, form);
    l->type = wr_type_not_null(l->type);
    l->value.i = v;
    return wr_sql_p_finish_expr(p, e);
}

/* ------------------------------------------------------------------------------------------
 * Units and intervals
 * ---------------------------------------------------------------------------------------- */

wr_sql_unit wr_sql_p_unit_of(const wr_sql_token *t)
{
    if (t->kind != WR_TK_IDENT) return WR_SQL_UNIT_NONE;
    switch ((wr_sql_kw)t->kw) {
    case WR_KW_MILLENNIUM:
        return WR_SQL_UNIT_MILLENNIUM;
    case WR_KW_CENTURY:
        return WR_SQL_UNIT_CENTURY;
    case WR_KW_DECADE:
        return WR_SQL_UNIT_DECADE;
    case WR_KW_YEAR:
    case WR_KW_YEARS:
        return WR_SQL_UNIT_YEAR;
    case WR_KW_QUARTER:
        return WR_SQL_UNIT_QUARTER;
    case WR_KW_MONTH:
    case WR_KW_MONTHS:
        return WR_SQL_UNIT_MONTH;
    case WR_KW_WEEK:
        return WR_SQL_UNIT_WEEK;
    case WR_KW_DAY:
    case WR_KW_DAYS:
        return WR_SQL_UNIT_DAY;
    case WR_KW_HOUR:
    case WR_KW_HOURS:
        return WR_SQL_UNIT_HOUR;
    case WR_KW_MINUTE:
    case WR_KW_MINUTES:
        return WR_SQL_UNIT_MINUTE;
    case WR_KW_SECOND:
    case WR_KW_SECONDS:
        return WR_SQL_UNIT_SECOND;
    case WR_KW_MILLISECOND:
        return WR_SQL_UNIT_MILLISECOND;
    case WR_KW_MICROSECOND:
        return WR_SQL_UNIT_MICROSECOND;
    case WR_KW_NANOSECOND:
        return WR_SQL_UNIT_NANOSECOND;
    case WR_KW_DOY:
        return WR_SQL_UNIT_DOY;
    case WR_KW_DOW:
        return WR_SQL_UNIT_DOW;
    case WR_KW_ISODOW:
        return WR_SQL_UNIT_ISODOW;
    case WR_KW_ISOYEAR:
        return WR_SQL_UNIT_ISOYEAR;
    case WR_KW_EPOCH:
        return WR_SQL_UNIT_EPOCH;
    default:
        return WR_SQL_UNIT_NONE;
    }
}

static wr_sql_unit time_unit(wr_sql_parser *p, const char *what)
{
    wr_sql_unit u = wr_sql_p_unit_of(wr_sql_p_tok(p));
    if (u == WR_SQL_UNIT_NONE) wr_sql_p_fail_expected(p, what);
    wr_sql_p_next(p);
    return u;
}

static bool is_interval_unit(wr_sql_unit u)
{
    return u == WR_SQL_UNIT_YEAR || u == WR_SQL_UNIT_MONTH || u == WR_SQL_UNIT_DAY ||
           u == WR_SQL_UNIT_HOUR || u == WR_SQL_UNIT_MINUTE || u == WR_SQL_UNIT_SECOND;
}

static const char *const interval_units_what =
    "an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)";

static wr_sql_unit interval_unit(wr_sql_parser *p)
{
    wr_sql_unit u = wr_sql_p_unit_of(wr_sql_p_tok(p));
    if (!is_interval_unit(u)) wr_sql_p_fail_expected(p, interval_units_what);
    wr_sql_p_next(p);
    return u;
}

/* An unsigned integer token in [lo, hi] (precisions, lengths). */
static int64_t small_int(wr_sql_parser *p, int64_t lo, int64_t hi, const char *what)
{
    const wr_sql_token *t = wr_sql_p_tok(p);
    if (t->kind != WR_TK_INTEGER) wr_sql_p_fail_expected(p, what);
    const char *s = tok_text(p, t);
    int64_t v = 0;
    for (uint32_t i = 0; i < t->len; i++) {
        v = v * 10 + (s[i] - '0');
        if (v > hi) break;
    }
    if (v < lo || v > hi)
        wr_sql_p_fail(p, WR_EPARSE, t->pos, "%s must be between %lld and %lld", what, (long long)lo,
                      (long long)hi);
    wr_sql_p_next(p);
    return v;
}

typedef struct qualifier {
    wr_sql_unit start, end;
    int lp, fp; /* leading precision, fractional second precision */
} qualifier;

#define LP_DEFAULT 2
#define FP_DEFAULT 6

static void interval_qualifier(wr_sql_parser *p, qualifier *q)
{
    q->start = interval_unit(p);
    q->end = WR_SQL_UNIT_NONE;
    q->lp = LP_DEFAULT;
    q->fp = FP_DEFAULT;
    if (wr_sql_p_accept(p, WR_TK_LPAREN)) {
        q->lp = (int)small_int(p, 1, 10, "the interval leading precision");
        if (q->start == WR_SQL_UNIT_SECOND && wr_sql_p_accept(p, WR_TK_COMMA))
            q->fp = (int)small_int(p, 0, 9, "the fractional second precision");
        wr_sql_p_expect(p, WR_TK_RPAREN);
    }
    if (!wr_sql_p_is_kw(p, WR_KW_TO)) return;
    wr_sql_p_next(p);
    wr_sql_pos at = wr_sql_p_pos(p);
    q->end = interval_unit(p);
    bool ok = (q->start == WR_SQL_UNIT_YEAR && q->end == WR_SQL_UNIT_MONTH) ||
              (q->start == WR_SQL_UNIT_DAY && q->end >= WR_SQL_UNIT_HOUR &&
               q->end <= WR_SQL_UNIT_SECOND) ||
              (q->start == WR_SQL_UNIT_HOUR &&
               (q->end == WR_SQL_UNIT_MINUTE || q->end == WR_SQL_UNIT_SECOND)) ||
              (q->start == WR_SQL_UNIT_MINUTE && q->end == WR_SQL_UNIT_SECOND);
    if (!ok)
        wr_sql_p_fail(p, WR_EPARSE, at, "INTERVAL %s TO %s is not a valid interval qualifier",
                      wr_sql_unit_name(q->start), wr_sql_unit_name(q->end));
    if (q->end == WR_SQL_UNIT_SECOND && wr_sql_p_accept(p, WR_TK_LPAREN)) {
        q->fp = (int)small_int(p, 0, 9, "the fractional second precision");
        wr_sql_p_expect(p, WR_TK_RPAREN);
    }
}

static bool is_ym(wr_sql_unit u)
{
    return u == WR_SQL_UNIT_YEAR || u == WR_SQL_UNIT_MONTH;
}

static const char *interval_form(const qualifier *q)
{
    wr_sql_unit e = q->end ? q->end : q->start;
    switch (q->start) {
    case WR_SQL_UNIT_YEAR:
        return e == WR_SQL_UNIT_MONTH ? "'Y-M'" : "'Y'";
    case WR_SQL_UNIT_MONTH:
        return "'M'";
    case WR_SQL_UNIT_DAY:
        return e == WR_SQL_UNIT_SECOND   ? "'D H:M:S[.F]'"
               : e == WR_SQL_UNIT_MINUTE ? "'D H:M'"
               : e == WR_SQL_UNIT_HOUR   ? "'D H'"
                                         : "'D'";
    case WR_SQL_UNIT_HOUR:
        return e == WR_SQL_UNIT_SECOND ? "'H:M:S[.F]'" : e == WR_SQL_UNIT_MINUTE ? "'H:M'" : "'H'";
    case WR_SQL_UNIT_MINUTE:
        return e == WR_SQL_UNIT_SECOND ? "'M:S[.F]'" : "'M'";
    default:
        return "'S[.F]'";
    }
}

/* Parse the text of an interval literal for its qualifier into months or microseconds. */
static void interval_value(wr_sql_parser *p, wr_sql_literal *l, const qualifier *q, wr_sql_pos pos,
                           bool neg_outside)
{
    static const wr_sql_unit ym[] = {WR_SQL_UNIT_YEAR, WR_SQL_UNIT_MONTH};
    static const wr_sql_unit dt[] = {WR_SQL_UNIT_DAY, WR_SQL_UNIT_HOUR, WR_SQL_UNIT_MINUTE,
                                     WR_SQL_UNIT_SECOND};
    static const int64_t dt_limit[] = {0, 23, 59, 59};
    bool year_month = is_ym(q->start);
    const wr_sql_unit *units = year_month ? ym : dt;
    size_t first = 0, last;
    while (units[first] != q->start)
        first++;
    last = first;
    if (q->end)
        while (units[last] != q->end)
            last++;

    const char *s = l->text, *end = s + l->text_len;
    char qual[64];
    snprintf(qual, sizeof qual, "INTERVAL %s%s%s", wr_sql_unit_name(q->start), q->end ? " TO " : "",
             q->end ? wr_sql_unit_name(q->end) : "");
    while (s < end && *s == ' ')
        s++;
    while (end > s && end[-1] == ' ')
        end--;
    bool neg = false;
    if (s < end && (*s == '-' || *s == '+')) neg = *s++ == '-';
    int64_t field[4] = {0};
    int64_t frac_us = 0;
    bool bad = s == end;
    for (size_t i = first; i <= last && !bad; i++) {
        if (i > first) {
            char sep = year_month ? '-' : (units[i] == WR_SQL_UNIT_HOUR ? ' ' : ':');
            if (s >= end || *s != sep) {
                bad = true;
                break;
            }
            s++;
            while (sep == ' ' && s < end && *s == ' ')
                s++;
        }
        int nd = 0;
        int64_t v = 0;
        while (s < end && *s >= '0' && *s <= '9' && nd < 18) {
            v = v * 10 + (*s++ - '0');
            nd++;
        }
        if (nd == 0 || (s < end && *s >= '0' && *s <= '9')) {
            bad = true;
            break;
        }
        if (i == first) {
            int64_t max = 1;
            for (int k = 0; k < q->lp; k++)
                max *= 10;
            if (v >= max)
                wr_sql_p_fail(p, WR_EPARSE, pos,
                              "interval field value %lld exceeds precision of %s(%d) field; "
                              "write %s(%d)",
                              (long long)v, wr_sql_unit_name(q->start), q->lp,
                              wr_sql_unit_name(q->start), nd > 10 ? 10 : nd);
        } else if (v > (year_month ? 11 : dt_limit[i])) {
            wr_sql_p_fail(p, WR_EPARSE, pos,
                          "invalid %s literal '%s': %s field value %lld is out of range", qual,
                          l->text, wr_sql_unit_name(units[i]), (long long)v);
        }
        field[i] = v;
        if (units[i] == WR_SQL_UNIT_SECOND && s < end && *s == '.') {
            s++;
            int nf = 0;
            while (s < end && *s >= '0' && *s <= '9') {
                if (nf < 6) frac_us = frac_us * 10 + (*s - '0');
                nf++;
                s++;
            }
            if (nf == 0) bad = true;
            if (nf > q->fp)
                wr_sql_p_fail(p, WR_EPARSE, pos,
                              "invalid %s literal '%s': more fraction digits than the "
                              "precision %d",
                              qual, l->text, q->fp);
            for (; nf < 6; nf++)
                frac_us *= 10;
        }
    }
    if (bad || s != end)
        wr_sql_p_fail(p, WR_EPARSE, pos, "invalid %s literal '%s': expected %s", qual, l->text,
                      interval_form(q));
    int64_t v;
    bool ovf;
    if (year_month) {
        ovf = __builtin_mul_overflow(field[0], 12, &v) || __builtin_add_overflow(v, field[1], &v);
        l->type = wr_type_make(WR_TYPE_INTERVAL_YM);
    } else {
        ovf = __builtin_mul_overflow(field[0], 24, &v) || __builtin_add_overflow(v, field[1], &v) ||
              __builtin_mul_overflow(v, 60, &v) || __builtin_add_overflow(v, field[2], &v) ||
              __builtin_mul_overflow(v, 60, &v) || __builtin_add_overflow(v, field[3], &v) ||
              __builtin_mul_overflow(v, 1000000, &v) || __builtin_add_overflow(v, frac_us, &v);
        l->type = wr_type_make(WR_TYPE_INTERVAL_DT);
    }
    if (ovf) wr_sql_p_fail(p, WR_EPARSE, pos, "%s literal '%s' is out of range", qual, l->text);
    l->negative = neg != neg_outside;
    l->value.i = l->negative ? -v : v;
    l->type.precision = (uint8_t)q->lp;
    l->type = wr_type_not_null(l->type);
}

/* INTERVAL [+|-] 'text' qualifier; also INTERVAL 5 MINUTE. */
static wr_sql_expr *interval_literal(wr_sql_parser *p)
{
    wr_sql_pos pos = wr_sql_p_pos(p);
    wr_sql_p_expect_kw(p, WR_KW_INTERVAL);
    bool neg_outside = false;
    if (wr_sql_p_at(p, WR_TK_MINUS) || wr_sql_p_at(p, WR_TK_PLUS))
        neg_outside = wr_sql_p_next(p)->kind == WR_TK_MINUS;
    wr_sql_pos tpos = wr_sql_p_pos(p);
    const wr_sql_token *t = wr_sql_p_tok(p);
    char *text;
    uint32_t n;
    if (t->kind == WR_TK_STRING) {
        text = wr_sql_p_string_of(p, wr_sql_p_next(p), &n);
    } else if (t->kind == WR_TK_INTEGER || t->kind == WR_TK_DECIMAL) {
        n = t->len;
        text = wr_sql_p_strndup(p, tok_text(p, wr_sql_p_next(p)), n);
    } else {
        wr_sql_p_fail_expected(p, "the interval value as a string, as in INTERVAL '10' SECOND");
    }
    qualifier q;
    interval_qualifier(p, &q);
    wr_sql_expr *e = new_literal(p, WR_SQL_LIT_INTERVAL, pos);
    wr_sql_literal *l = &e->lit;
    l->text = text;
    l->text_len = n;
    if (memchr(text, '\0', n))
        wr_sql_p_fail(p, WR_EPARSE, tpos, "invalid interval literal: NUL character");
    interval_value(p, l, &q, tpos, neg_outside);
    /* The text is kept in the canonical form that carries the sign inside the quotes. */
    const char *c = text;
    while (*c == ' ')
        c++;
    bool inner_sign = *c == '-' || *c == '+';
    if (neg_outside) {
        size_t len = strlen(c);
        char *t2 = wr_sql_p_alloc(p, len + 2);
        if (inner_sign && *c == '-')
            memcpy(t2, c + 1, len - 1);
        else {
            t2[0] = '-';
            memcpy(t2 + 1, c + (inner_sign ? 1 : 0), len - (inner_sign ? 1 : 0));
        }
        l->text = t2;
        l->text_len = (uint32_t)strlen(t2);
    }
    l->unit_start = q.start;
    l->unit_end = q.end;
    l->leading_precision = (uint8_t)q.lp;
    l->frac_precision = (uint8_t)q.fp;
    return wr_sql_p_finish_expr(p, e);
}

/* ------------------------------------------------------------------------------------------
 * Types
 * ---------------------------------------------------------------------------------------- */

static const char *const type_names[] = {
    "BOOLEAN",   "TINYINT",       "SMALLINT", "INT",       "INTEGER", "BIGINT", "FLOAT",
    "REAL",      "DOUBLE",        "DECIMAL",  "DEC",       "NUMERIC", "CHAR",   "CHARACTER",
    "VARCHAR",   "STRING",        "BINARY",   "VARBINARY", "BYTES",   "DATE",   "TIME",
    "TIMESTAMP", "TIMESTAMP_LTZ", "INTERVAL", "ARRAY",     "MAP",     "ROW",    NULL,
};

static wr_type type_inner(wr_sql_parser *p, wr_sql_type *top);

static wr_type *arena_type(wr_sql_parser *p, wr_type t)
{
    wr_type *c = wr_sql_p_alloc(p, sizeof *c);
    *c = t;
    return c;
}

static void expect_gt(wr_sql_parser *p)
{
    wr_sql_p_expect(p, WR_TK_GT);
}

static int32_t opt_length(wr_sql_parser *p, int32_t dflt)
{
    if (!wr_sql_p_accept(p, WR_TK_LPAREN)) return dflt;
    int32_t n = (int32_t)small_int(p, 1, WR_MAX_LENGTH, "the length");
    wr_sql_p_expect(p, WR_TK_RPAREN);
    return n;
}

static int opt_precision(wr_sql_parser *p, int dflt)
{
    if (!wr_sql_p_accept(p, WR_TK_LPAREN)) return dflt;
    int v = (int)small_int(p, 0, 9, "the precision");
    wr_sql_p_expect(p, WR_TK_RPAREN);
    return v;
}

/* ROW<name type ['description'], ...> or ROW(name type, ...). */
static wr_type row_type(wr_sql_parser *p)
{
    wr_type t = wr_type_make(WR_TYPE_ROW);
    wr_sql_tk close;
    if (wr_sql_p_accept(p, WR_TK_NE)) return t; /* ROW<> */
    if (wr_sql_p_accept(p, WR_TK_LT)) {
        close = WR_TK_GT;
    } else if (wr_sql_p_accept(p, WR_TK_LPAREN)) {
        close = WR_TK_RPAREN;
    } else {
        wr_sql_p_fail_expected(p, "'<' or '(' after ROW");
    }
    if (wr_sql_p_accept(p, close)) return t;
    wr_field *fields = NULL;
    uint32_t n = 0, cap = 0;
    do {
        wr_field f = {0};
        f.name = wr_sql_p_ident(p, "a field name").name;
        f.type = type_inner(p, NULL);
        if (wr_sql_p_at(p, WR_TK_STRING)) wr_sql_p_next(p); /* field description */
        WR_SQL_PUSH(p, fields, n, cap, f);
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
    wr_sql_p_expect(p, close);
    t.fields = fields;
    t.nfields = n;
    return t;
}

static wr_type base_type(wr_sql_parser *p, wr_sql_type *top)
{
    const wr_sql_token *tk = wr_sql_p_tok(p);
    wr_sql_pos pos = tk->pos;
    wr_type t;
    if (tk->kind != WR_TK_IDENT && tk->kind != WR_TK_QIDENT) wr_sql_p_fail_expected(p, "a type");
    wr_sql_kw kw = tk->kind == WR_TK_IDENT ? (wr_sql_kw)tk->kw : WR_KW_NONE;
    if (kw != WR_KW_INTERVAL) wr_sql_p_next(p);
    switch (kw) {
    case WR_KW_BOOLEAN:
        return wr_type_make(WR_TYPE_BOOLEAN);
    case WR_KW_TINYINT:
        return wr_type_make(WR_TYPE_TINYINT);
    case WR_KW_SMALLINT:
        return wr_type_make(WR_TYPE_SMALLINT);
    case WR_KW_INT:
    case WR_KW_INTEGER:
        return wr_type_make(WR_TYPE_INT);
    case WR_KW_BIGINT:
        return wr_type_make(WR_TYPE_BIGINT);
    case WR_KW_FLOAT:
    case WR_KW_REAL:
        return wr_type_make(WR_TYPE_FLOAT);
    case WR_KW_DOUBLE:
        wr_sql_p_accept_kw(p, WR_KW_PRECISION);
        return wr_type_make(WR_TYPE_DOUBLE);
    case WR_KW_DECIMAL:
    case WR_KW_DEC:
    case WR_KW_NUMERIC: {
        int prec = 10, scale = 0;
        if (wr_sql_p_accept(p, WR_TK_LPAREN)) {
            prec = (int)small_int(p, 1, WR_DECIMAL_MAX_PRECISION, "the DECIMAL precision");
            if (wr_sql_p_accept(p, WR_TK_COMMA)) {
                wr_sql_pos spos = wr_sql_p_pos(p);
                scale = (int)small_int(p, 0, WR_DECIMAL_MAX_PRECISION, "the DECIMAL scale");
                if (scale > prec)
                    wr_sql_p_fail(p, WR_EPARSE, spos,
                                  "the DECIMAL scale must be between 0 and the precision (%d)",
                                  prec);
            }
            wr_sql_p_expect(p, WR_TK_RPAREN);
        }
        return wr_type_decimal(prec, scale);
    }
    /* Without a length, CHAR and BINARY have length 1 while VARCHAR and VARBINARY have the
     * maximum (STRING, BYTES): that is what Flink SQL does (FlinkTypeSystem's default
     * precision for VARCHAR/VARBINARY is Integer.MAX_VALUE), so CAST(x AS VARCHAR) keeps the
     * whole string. */
    case WR_KW_CHAR:
    case WR_KW_CHARACTER:
        if (wr_sql_p_accept_kw(p, WR_KW_VARYING)) {
            t = wr_type_make(WR_TYPE_VARCHAR);
            t.length = opt_length(p, WR_MAX_LENGTH);
            return t;
        }
        t = wr_type_make(WR_TYPE_CHAR);
        t.length = opt_length(p, 1);
        return t;
    case WR_KW_VARCHAR:
        t = wr_type_make(WR_TYPE_VARCHAR);
        t.length = opt_length(p, WR_MAX_LENGTH);
        return t;
    case WR_KW_STRING:
        return wr_type_varchar(WR_MAX_LENGTH);
    case WR_KW_BINARY: {
        bool varying = wr_sql_p_accept_kw(p, WR_KW_VARYING);
        t = wr_type_make(varying ? WR_TYPE_VARBINARY : WR_TYPE_BINARY);
        t.length = opt_length(p, varying ? WR_MAX_LENGTH : 1);
        return t;
    }
    case WR_KW_VARBINARY:
        t = wr_type_make(WR_TYPE_VARBINARY);
        t.length = opt_length(p, WR_MAX_LENGTH);
        return t;
    case WR_KW_BYTES:
        t = wr_type_make(WR_TYPE_VARBINARY);
        t.length = WR_MAX_LENGTH;
        return t;
    case WR_KW_DATE:
        return wr_type_make(WR_TYPE_DATE);
    case WR_KW_TIME:
        t = wr_type_make(WR_TYPE_TIME);
        t.precision = (uint8_t)opt_precision(p, 0);
        if (wr_sql_p_is_kw(p, WR_KW_WITHOUT)) {
            wr_sql_p_next(p);
            wr_sql_p_expect_kw(p, WR_KW_TIME);
            wr_sql_p_expect_kw(p, WR_KW_ZONE);
        } else if (wr_sql_p_is_kw(p, WR_KW_WITH) &&
                   (wr_sql_p_ahead_kw(p, 1, WR_KW_LOCAL) || wr_sql_p_ahead_kw(p, 1, WR_KW_TIME))) {
            wr_sql_p_unsupported(p, pos, "TIME WITH [LOCAL] TIME ZONE");
        }
        return t;
    case WR_KW_TIMESTAMP: {
        int prec = opt_precision(p, 6);
        if (wr_sql_p_is_kw(p, WR_KW_WITHOUT)) {
            wr_sql_p_next(p);
            wr_sql_p_expect_kw(p, WR_KW_TIME);
            wr_sql_p_expect_kw(p, WR_KW_ZONE);
        } else if (wr_sql_p_is_kw(p, WR_KW_WITH) && wr_sql_p_ahead_kw(p, 1, WR_KW_LOCAL)) {
            wr_sql_p_next(p);
            wr_sql_p_next(p);
            wr_sql_p_expect_kw(p, WR_KW_TIME);
            wr_sql_p_expect_kw(p, WR_KW_ZONE);
            return wr_type_timestamp_ltz(prec);
        } else if (wr_sql_p_is_kw(p, WR_KW_WITH) && wr_sql_p_ahead_kw(p, 1, WR_KW_TIME)) {
            wr_sql_p_unsupported(p, pos, "TIMESTAMP WITH TIME ZONE (use TIMESTAMP_LTZ)");
        }
        return wr_type_timestamp(prec);
    }
    case WR_KW_TIMESTAMP_LTZ:
        return wr_type_timestamp_ltz(opt_precision(p, 6));
    case WR_KW_INTERVAL: {
        wr_sql_p_next(p);
        qualifier q;
        interval_qualifier(p, &q);
        t = wr_type_make(is_ym(q.start) ? WR_TYPE_INTERVAL_YM : WR_TYPE_INTERVAL_DT);
        t.precision = (uint8_t)q.lp;
        if (top) {
            top->interval_start = q.start;
            top->interval_end = q.end;
            top->interval_frac = (uint8_t)q.fp;
        }
        return t;
    }
    case WR_KW_ARRAY: {
        t = wr_type_make(WR_TYPE_ARRAY);
        wr_sql_p_expect(p, WR_TK_LT);
        t.elem = arena_type(p, type_inner(p, NULL));
        expect_gt(p);
        return t;
    }
    case WR_KW_MAP: {
        t = wr_type_make(WR_TYPE_MAP);
        wr_sql_p_expect(p, WR_TK_LT);
        t.elem = arena_type(p, type_inner(p, NULL));
        wr_sql_p_expect(p, WR_TK_COMMA);
        t.value = arena_type(p, type_inner(p, NULL));
        expect_gt(p);
        return t;
    }
    case WR_KW_ROW:
        return row_type(p);
    case WR_KW_MULTISET:
        wr_sql_p_unsupported(p, pos, "the MULTISET type");
    case WR_KW_RAW:
        wr_sql_p_unsupported(p, pos, "the RAW type");
    default:
        break;
    }
    if (tk->kind == WR_TK_IDENT && tk->len == 4 && strncasecmp(tok_text(p, tk), "NULL", 4) == 0)
        wr_sql_p_unsupported(p, pos, "the NULL type");
    if (wr_sql_p_at(p, WR_TK_DOT)) wr_sql_p_unsupported(p, pos, "a user-defined type");
    char word[40];
    uint32_t n = WR_MIN(tk->len, 32u);
    for (uint32_t i = 0; i < n; i++) {
        char c = tok_text(p, tk)[i];
        word[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    word[n] = '\0';
    const char *s = tk->len < 32 && tk->len >= 3 ? wr_suggest(word, type_names) : NULL;
    if (s)
        wr_sql_p_fail(p, WR_EPARSE, pos, "unknown type '%.*s'; did you mean %s?", (int)n,
                      tok_text(p, tk), s);
    wr_sql_p_fail(p, WR_EPARSE, pos, "unknown type '%.*s%s'", (int)n, tok_text(p, tk),
                  tk->len > n ? "..." : "");
}

static void nullability(wr_sql_parser *p, wr_type *t)
{
    if (wr_sql_p_is_kw(p, WR_KW_NOT) && wr_sql_p_ahead_kw(p, 1, WR_KW_NULL)) {
        wr_sql_p_next(p);
        wr_sql_p_next(p);
        t->nullable = false;
    } else if (wr_sql_p_is_kw(p, WR_KW_NULL) && !wr_sql_p_ahead_kw(p, 1, WR_KW_ON)) {
        /* JSON_VALUE(... RETURNING INT NULL ON EMPTY): that NULL is a behaviour */
        wr_sql_p_next(p);
        t->nullable = true;
    }
}

static wr_type type_inner(wr_sql_parser *p, wr_sql_type *top)
{
    wr_sql_p_enter(p);
    int extra = 0;
    wr_type t = base_type(p, top);
    nullability(p, &t);
    /* INT ARRAY is ARRAY<INT>; each level counts towards the nesting limit. */
    while (wr_sql_p_is_kw(p, WR_KW_ARRAY) || wr_sql_p_is_kw(p, WR_KW_MULTISET)) {
        if (wr_sql_p_is_kw(p, WR_KW_MULTISET))
            wr_sql_p_unsupported(p, wr_sql_p_pos(p), "the MULTISET type");
        wr_sql_p_next(p);
        wr_type arr = wr_type_make(WR_TYPE_ARRAY);
        arr.elem = arena_type(p, t);
        t = arr;
        nullability(p, &t);
        if (top) top->interval_start = top->interval_end = WR_SQL_UNIT_NONE;
        wr_sql_p_enter(p);
        extra++;
    }
    p->depth -= extra;
    wr_sql_p_leave(p);
    return t;
}

wr_sql_type *wr_sql_p_type(wr_sql_parser *p)
{
    wr_sql_type *st = wr_sql_p_alloc(p, sizeof *st);
    st->pos = wr_sql_p_pos(p);
    int depth = p->depth;
    st->type = type_inner(p, st);
    p->depth = depth;
    st->end = wr_sql_p_end(p);
    return st;
}

/* ------------------------------------------------------------------------------------------
 * Calls and their argument forms
 * ---------------------------------------------------------------------------------------- */

static wr_sql_expr **expr_list(wr_sql_parser *p, uint32_t *n, wr_sql_tk close)
{
    wr_sql_expr **v = NULL;
    uint32_t cap = 0;
    *n = 0;
    if (wr_sql_p_accept(p, close)) return NULL;
    do {
        WR_SQL_PUSH(p, v, *n, cap, wr_sql_p_expr(p));
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
    wr_sql_p_expect(p, close);
    return v;
}

void wr_sql_p_order_by(wr_sql_parser *p, wr_sql_order_item **out, uint32_t *n)
{
    uint32_t cap = 0;
    *out = NULL;
    *n = 0;
    do {
        wr_sql_order_item it = {.pos = wr_sql_p_pos(p)};
        it.expr = wr_sql_p_expr(p);
        if (wr_sql_p_accept_kw(p, WR_KW_DESC))
            it.desc = true;
        else if (wr_sql_p_accept_kw(p, WR_KW_ASC))
            it.asc_written = true;
        if (wr_sql_p_accept_kw(p, WR_KW_NULLS)) {
            if (wr_sql_p_accept_kw(p, WR_KW_FIRST))
                it.nulls = WR_SQL_NULLS_FIRST;
            else if (wr_sql_p_accept_kw(p, WR_KW_LAST))
                it.nulls = WR_SQL_NULLS_LAST;
            else
                wr_sql_p_fail_expected(p, "FIRST or LAST");
        }
        WR_SQL_PUSH(p, *out, *n, cap, it);
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
}

static void frame_bound(wr_sql_parser *p, wr_sql_bound *b)
{
    b->pos = wr_sql_p_pos(p);
    if (wr_sql_p_accept_kw(p, WR_KW_UNBOUNDED)) {
        if (wr_sql_p_accept_kw(p, WR_KW_PRECEDING))
            b->kind = WR_SQL_BOUND_UNBOUNDED_PRECEDING;
        else if (wr_sql_p_accept_kw(p, WR_KW_FOLLOWING))
            b->kind = WR_SQL_BOUND_UNBOUNDED_FOLLOWING;
        else
            wr_sql_p_fail_expected(p, "PRECEDING or FOLLOWING");
        return;
    }
    if (wr_sql_p_is_kw(p, WR_KW_CURRENT)) {
        wr_sql_p_next(p);
        wr_sql_p_expect_kw(p, WR_KW_ROW);
        b->kind = WR_SQL_BOUND_CURRENT_ROW;
        return;
    }
    b->offset = expr_bp(p, PREC_ADD);
    if (wr_sql_p_accept_kw(p, WR_KW_PRECEDING))
        b->kind = WR_SQL_BOUND_PRECEDING;
    else if (wr_sql_p_accept_kw(p, WR_KW_FOLLOWING))
        b->kind = WR_SQL_BOUND_FOLLOWING;
    else
        wr_sql_p_fail_expected(p, "PRECEDING or FOLLOWING");
}

wr_sql_window *wr_sql_p_window_spec(wr_sql_parser *p, wr_sql_pos pos)
{
    wr_sql_window *w = wr_sql_p_alloc(p, sizeof *w);
    w->pos = pos;
    if (wr_sql_p_at_ident(p) && !wr_sql_p_is_kw(p, WR_KW_ROWS) && !wr_sql_p_is_kw(p, WR_KW_RANGE)) {
        w->ref = wr_sql_p_alloc(p, sizeof *w->ref);
        *w->ref = wr_sql_p_ident(p, "a window name");
    }
    if (wr_sql_p_accept_kw(p, WR_KW_PARTITION)) {
        wr_sql_p_expect_kw(p, WR_KW_BY);
        uint32_t cap = 0;
        do {
            WR_SQL_PUSH(p, w->partition_by, w->npartition_by, cap, wr_sql_p_expr(p));
        } while (wr_sql_p_accept(p, WR_TK_COMMA));
    }
    if (wr_sql_p_accept_kw(p, WR_KW_ORDER)) {
        wr_sql_p_expect_kw(p, WR_KW_BY);
        wr_sql_p_order_by(p, &w->order_by, &w->norder_by);
    }
    if (wr_sql_p_is_kw(p, WR_KW_ROWS) || wr_sql_p_is_kw(p, WR_KW_RANGE)) {
        w->frame = wr_sql_p_next(p)->kw == WR_KW_ROWS ? WR_SQL_FRAME_ROWS : WR_SQL_FRAME_RANGE;
        if (wr_sql_p_accept_kw(p, WR_KW_BETWEEN)) {
            w->between = true;
            frame_bound(p, &w->lower);
            wr_sql_p_expect_kw(p, WR_KW_AND);
            frame_bound(p, &w->upper);
        } else {
            frame_bound(p, &w->lower);
            w->upper.kind = WR_SQL_BOUND_CURRENT_ROW;
            w->upper.pos = w->lower.pos;
        }
    }
    wr_sql_p_expect(p, WR_TK_RPAREN);
    return w;
}

/* ", key" continues a PARTITION BY / ORDER BY list of a table argument only when the key
 * is a plain name followed by ',' or ')' (or ORDER/ASC/DESC): in SESSION(TABLE t
 * PARTITION BY a, b, DESCRIPTOR(ts), ...) the list ends before DESCRIPTOR. */
static bool more_keys_ahead(const wr_sql_parser *p)
{
    if (!wr_sql_p_at(p, WR_TK_COMMA)) return false;
    const wr_sql_token *k = wr_sql_p_ahead(p, 1), *after = wr_sql_p_ahead(p, 2);
    if (k->kind != WR_TK_QIDENT && (k->kind != WR_TK_IDENT || wr_sql_kw_reserved(k->kw)))
        return false;
    if (after->kind == WR_TK_COMMA || after->kind == WR_TK_RPAREN) return true;
    return after->kind == WR_TK_IDENT &&
           (after->kw == WR_KW_ORDER || after->kw == WR_KW_ASC || after->kw == WR_KW_DESC);
}

/* TABLE t [PARTITION BY k | (k1, k2)] [ORDER BY ts]; TABLE (query) */
static wr_sql_expr *table_arg(wr_sql_parser *p)
{
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_TABLE_ARG, wr_sql_p_pos(p));
    wr_sql_p_expect_kw(p, WR_KW_TABLE);
    if (wr_sql_p_accept(p, WR_TK_LPAREN)) {
        e->table_arg.query = wr_sql_p_query(p);
        wr_sql_p_expect(p, WR_TK_RPAREN);
    } else {
        e->table_arg.table = wr_sql_p_name(p, "a table name");
    }
    if (wr_sql_p_accept_kw(p, WR_KW_PARTITION)) {
        wr_sql_p_expect_kw(p, WR_KW_BY);
        if (wr_sql_p_accept(p, WR_TK_LPAREN)) {
            e->table_arg.partition_parens = true;
            e->table_arg.partition_by = expr_list(p, &e->table_arg.npartition_by, WR_TK_RPAREN);
            if (e->table_arg.npartition_by == 0)
                wr_sql_p_fail(p, WR_EPARSE, e->pos, "PARTITION BY () needs at least one key");
        } else {
            uint32_t cap = 0;
            WR_SQL_PUSH(p, e->table_arg.partition_by, e->table_arg.npartition_by, cap,
                        wr_sql_p_expr(p));
            while (more_keys_ahead(p)) {
                wr_sql_p_next(p);
                WR_SQL_PUSH(p, e->table_arg.partition_by, e->table_arg.npartition_by, cap,
                            wr_sql_p_expr(p));
            }
        }
    }
    if (wr_sql_p_accept_kw(p, WR_KW_ORDER)) {
        wr_sql_p_expect_kw(p, WR_KW_BY);
        uint32_t cap = 0;
        do {
            wr_sql_order_item it = {.pos = wr_sql_p_pos(p)};
            it.expr = wr_sql_p_expr(p);
            if (wr_sql_p_accept_kw(p, WR_KW_DESC))
                it.desc = true;
            else if (wr_sql_p_accept_kw(p, WR_KW_ASC))
                it.asc_written = true;
            WR_SQL_PUSH(p, e->table_arg.order_by, e->table_arg.norder_by, cap, it);
        } while (more_keys_ahead(p) && wr_sql_p_next(p));
    }
    return wr_sql_p_finish_expr(p, e);
}

static bool named_arg_ahead(const wr_sql_parser *p)
{
    const wr_sql_token *t = wr_sql_p_tok(p);
    /* OFFSET is reserved but is also a window TVF parameter name: accept it unquoted too. */
    return (t->kind == WR_TK_QIDENT || t->kind == WR_TK_IDENT) &&
           wr_sql_p_ahead_is(p, 1, WR_TK_ARROW);
}

static wr_sql_expr *call_arg(wr_sql_parser *p)
{
    if (named_arg_ahead(p)) {
        wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_NAMED_ARG, wr_sql_p_pos(p));
        e->named_arg.name = wr_sql_p_ident_of(p, wr_sql_p_next(p));
        wr_sql_p_next(p); /* => */
        e->named_arg.value = wr_sql_p_is_kw(p, WR_KW_TABLE) ? table_arg(p) : wr_sql_p_expr(p);
        return wr_sql_p_finish_expr(p, e);
    }
    if (wr_sql_p_is_kw(p, WR_KW_TABLE)) return table_arg(p);
    return wr_sql_p_expr(p);
}

static wr_sql_expr *new_call(wr_sql_parser *p, wr_sql_pos pos, const char *name)
{
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_CALL, pos);
    e->call.name.parts = wr_sql_p_alloc(p, sizeof *e->call.name.parts);
    e->call.name.nparts = 1;
    e->call.name.parts[0] = (wr_sql_ident){.name = name, .len = (uint32_t)strlen(name), .pos = pos};
    return e;
}

static void push_arg(wr_sql_parser *p, wr_sql_expr *call, wr_sql_expr *arg, uint32_t *cap)
{
    WR_SQL_PUSH(p, call->call.args, call->call.nargs, *cap, arg);
}

/* The words of the JSON clauses (ERROR, EMPTY, WRAPPER, JSON, VALUE, ...) are not keywords:
 * they are read from identifier tokens where the grammar expects them, so columns with those
 * names need no quotes. */
static bool is_word(const wr_sql_parser *p, const char *w)
{
    const wr_sql_token *t = wr_sql_p_tok(p);
    size_t n = strlen(w);
    return t->kind == WR_TK_IDENT && t->len == n && strncasecmp(tok_text(p, t), w, n) == 0;
}

static bool accept_word(wr_sql_parser *p, const char *w)
{
    if (!is_word(p, w)) return false;
    wr_sql_p_next(p);
    return true;
}

/* Which of JSON_VALUE / JSON_QUERY / JSON_EXISTS a call's name is (those take clauses after
 * the path), 0 for any other name. */
enum { JSON_FN_VALUE = 1, JSON_FN_QUERY, JSON_FN_EXISTS };

static int json_function(const wr_sql_name *n)
{
    if (n->nparts != 1 || n->parts[0].quoted) return 0;
    static const char *const names[] = {"JSON_VALUE", "JSON_QUERY", "JSON_EXISTS"};
    for (int i = 0; i < 3; i++)
        if (n->parts[0].len == strlen(names[i]) &&
            strncasecmp(n->parts[0].name, names[i], n->parts[0].len) == 0)
            return i + 1;
    return 0;
}

/* One behaviour before ON EMPTY / ON ERROR; a DEFAULT's expression goes to the args. */
static wr_sql_json_behavior json_behavior(wr_sql_parser *p, wr_sql_expr *e, int fn, uint32_t *cap)
{
    if (accept_word(p, "ERROR")) return WR_SQL_JSON_ERROR;
    switch (fn) {
    case JSON_FN_VALUE:
        if (wr_sql_p_accept_kw(p, WR_KW_NULL)) return WR_SQL_JSON_NULL;
        if (accept_word(p, "DEFAULT")) {
            push_arg(p, e, wr_sql_p_expr(p), cap);
            return WR_SQL_JSON_DEFAULT;
        }
        wr_sql_p_fail_expected(p, "NULL, ERROR, DEFAULT expr or ')'");
    case JSON_FN_QUERY:
        if (wr_sql_p_accept_kw(p, WR_KW_NULL)) return WR_SQL_JSON_NULL;
        if (accept_word(p, "EMPTY")) {
            if (wr_sql_p_accept_kw(p, WR_KW_ARRAY)) return WR_SQL_JSON_EMPTY_ARRAY;
            if (accept_word(p, "OBJECT")) return WR_SQL_JSON_EMPTY_OBJECT;
            wr_sql_p_fail_expected(p, "ARRAY or OBJECT after EMPTY");
        }
        wr_sql_p_fail_expected(p, "NULL, EMPTY ARRAY, EMPTY OBJECT, ERROR or ')'");
    default:
        if (wr_sql_p_accept_kw(p, WR_KW_TRUE)) return WR_SQL_JSON_TRUE;
        if (wr_sql_p_accept_kw(p, WR_KW_FALSE)) return WR_SQL_JSON_FALSE;
        if (wr_sql_p_accept_kw(p, WR_KW_UNKNOWN)) return WR_SQL_JSON_UNKNOWN;
        wr_sql_p_fail_expected(p, "TRUE, FALSE, UNKNOWN, ERROR or ')'");
    }
}

/* The clauses after JSON_VALUE's / JSON_QUERY's / JSON_EXISTS's path (and RETURNING):
 * JSON_QUERY's wrapper, then [b ON EMPTY] [b ON ERROR] in that order (JSON_EXISTS: ON ERROR
 * only). */
static void json_clauses(wr_sql_parser *p, wr_sql_expr *e, int fn, uint32_t *cap)
{
    wr_sql_json_clauses j = {0};
    bool any = false;
    if (fn == JSON_FN_QUERY &&
        (wr_sql_p_is_kw(p, WR_KW_WITHOUT) || wr_sql_p_is_kw(p, WR_KW_WITH))) {
        j.wrapper_pos = wr_sql_p_pos(p);
        if (wr_sql_p_accept_kw(p, WR_KW_WITHOUT)) {
            j.wrapper = WR_SQL_JSON_WITHOUT;
        } else {
            wr_sql_p_next(p); /* WITH */
            if (accept_word(p, "CONDITIONAL")) {
                j.wrapper = WR_SQL_JSON_WITH_CONDITIONAL;
            } else {
                accept_word(p, "UNCONDITIONAL");
                j.wrapper = WR_SQL_JSON_WITH_UNCONDITIONAL;
            }
        }
        wr_sql_p_accept_kw(p, WR_KW_ARRAY);
        if (!accept_word(p, "WRAPPER")) wr_sql_p_fail_expected(p, "WRAPPER");
        any = true;
    }
    while (!wr_sql_p_at(p, WR_TK_RPAREN)) {
        wr_sql_pos bpos = wr_sql_p_pos(p);
        wr_sql_json_behavior b = json_behavior(p, e, fn, cap);
        wr_sql_p_expect_kw(p, WR_KW_ON);
        if (fn != JSON_FN_EXISTS && j.on_error == WR_SQL_JSON_NONE &&
            j.on_empty == WR_SQL_JSON_NONE && accept_word(p, "EMPTY")) {
            j.on_empty = b;
            j.on_empty_pos = bpos;
        } else if (j.on_error == WR_SQL_JSON_NONE && accept_word(p, "ERROR")) {
            j.on_error = b;
            j.on_error_pos = bpos;
        } else {
            wr_sql_p_fail_expected(p, j.on_error != WR_SQL_JSON_NONE ? "')' after ON ERROR"
                                      : fn == JSON_FN_EXISTS || j.on_empty != WR_SQL_JSON_NONE
                                          ? "ERROR after ON"
                                          : "EMPTY or ERROR after ON");
        }
        any = true;
    }
    if (!any) return;
    e->call.json = wr_sql_p_alloc(p, sizeof *e->call.json);
    *e->call.json = j;
}

/* Plain call after the name: ( [DISTINCT|ALL] args [RETURNING type] ) [FILTER] [OVER]. */
wr_sql_expr *wr_sql_p_call(wr_sql_parser *p, wr_sql_name name, wr_sql_pos pos)
{
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_CALL, pos);
    e->call.name = name;
    /* Flink's JSON constructors have clauses of their own (KEY ... VALUE ..., ... ON NULL) */
    static const char *const json_ctors[] = {"JSON_OBJECT", "JSON_ARRAY", "JSON_OBJECTAGG",
                                             "JSON_ARRAYAGG"};
    for (size_t i = 0; i < WR_ARRAY_LEN(json_ctors) && name.nparts == 1 && !name.parts[0].quoted;
         i++)
        if (name.parts[0].len == strlen(json_ctors[i]) &&
            strncasecmp(name.parts[0].name, json_ctors[i], name.parts[0].len) == 0)
            wr_sql_p_fail(p, WR_EUNSUPPORTED, pos, "not supported yet: %s(...)", json_ctors[i]);
    wr_sql_p_expect(p, WR_TK_LPAREN);
    if (wr_sql_p_at(p, WR_TK_STAR) && wr_sql_p_ahead_is(p, 1, WR_TK_RPAREN)) {
        wr_sql_p_next(p);
        e->call.star = true;
    } else if (!wr_sql_p_at(p, WR_TK_RPAREN)) {
        if (wr_sql_p_accept_kw(p, WR_KW_DISTINCT))
            e->call.distinct = true;
        else
            wr_sql_p_accept_kw(p, WR_KW_ALL);
        uint32_t cap = 0;
        do {
            push_arg(p, e, call_arg(p), &cap);
        } while (wr_sql_p_accept(p, WR_TK_COMMA));
        if (wr_sql_p_accept_kw(p, WR_KW_RETURNING)) e->call.returning = wr_sql_p_type(p);
        int jf = json_function(&name);
        if (jf && cap && e->call.nargs == 2) json_clauses(p, e, jf, &cap);
    }
    wr_sql_p_expect(p, WR_TK_RPAREN);
    if (wr_sql_p_is_kw(p, WR_KW_WITHIN) && wr_sql_p_ahead_kw(p, 1, WR_KW_GROUP))
        wr_sql_p_unsupported(p, wr_sql_p_pos(p), "WITHIN GROUP");
    if (wr_sql_p_is_kw(p, WR_KW_FILTER) && wr_sql_p_ahead_is(p, 1, WR_TK_LPAREN)) {
        wr_sql_p_next(p);
        wr_sql_p_next(p);
        wr_sql_p_expect_kw(p, WR_KW_WHERE);
        e->call.filter = wr_sql_p_expr(p);
        wr_sql_p_expect(p, WR_TK_RPAREN);
    }
    if (wr_sql_p_is_kw(p, WR_KW_OVER)) {
        wr_sql_pos opos = wr_sql_p_next(p)->pos;
        if (wr_sql_p_accept(p, WR_TK_LPAREN)) {
            e->call.over = wr_sql_p_window_spec(p, opos);
        } else {
            wr_sql_window *w = wr_sql_p_alloc(p, sizeof *w);
            w->pos = opos;
            w->ref_only = true;
            w->ref = wr_sql_p_alloc(p, sizeof *w->ref);
            *w->ref = wr_sql_p_ident(p, "a window name or '('");
            e->call.over = w;
        }
    }
    return wr_sql_p_finish_expr(p, e);
}

/* Special call syntaxes; the name token is current and '(' follows. */
static wr_sql_expr *special_call(wr_sql_parser *p, wr_sql_kw kw)
{
    const wr_sql_token *nt = wr_sql_p_next(p);
    wr_sql_pos pos = nt->pos;
    char upper[24];
    snprintf(upper, sizeof upper, "%s", wr_sql_kw_name(kw));
    wr_sql_expr *e = new_call(p, pos, wr_sql_p_strndup(p, upper, strlen(upper)));
    wr_sql_call *c = &e->call;
    uint32_t cap = 0;
    wr_sql_p_expect(p, WR_TK_LPAREN);
    switch (kw) {
    case WR_KW_EXTRACT:
        c->form = WR_SQL_CALL_EXTRACT;
        c->unit = time_unit(p, "a time unit (YEAR, MONTH, DAY, HOUR, ...)");
        wr_sql_p_expect_kw(p, WR_KW_FROM);
        push_arg(p, e, wr_sql_p_expr(p), &cap);
        break;
    case WR_KW_FLOOR:
    case WR_KW_CEIL:
    case WR_KW_CEILING:
        if (kw == WR_KW_CEILING) c->name.parts[0].name = "CEIL", c->name.parts[0].len = 4;
        push_arg(p, e, wr_sql_p_expr(p), &cap);
        if (wr_sql_p_accept_kw(p, WR_KW_TO)) {
            c->form = kw == WR_KW_FLOOR ? WR_SQL_CALL_FLOOR_TO : WR_SQL_CALL_CEIL_TO;
            c->unit = time_unit(p, "a time unit (YEAR, MONTH, DAY, HOUR, ...)");
        } else {
            while (wr_sql_p_accept(p, WR_TK_COMMA))
                push_arg(p, e, wr_sql_p_expr(p), &cap);
        }
        break;
    case WR_KW_TIMESTAMPADD:
    case WR_KW_TIMESTAMPDIFF:
        c->form = WR_SQL_CALL_UNIT_ARG;
        c->unit = time_unit(p, "a time unit (SECOND, MINUTE, HOUR, DAY, ...)");
        wr_sql_p_expect(p, WR_TK_COMMA);
        push_arg(p, e, wr_sql_p_expr(p), &cap);
        wr_sql_p_expect(p, WR_TK_COMMA);
        push_arg(p, e, wr_sql_p_expr(p), &cap);
        break;
    case WR_KW_POSITION:
        c->form = WR_SQL_CALL_POSITION;
        push_arg(p, e, expr_bp(p, PREC_ADD), &cap);
        wr_sql_p_expect_kw(p, WR_KW_IN);
        push_arg(p, e, wr_sql_p_expr(p), &cap);
        break;
    case WR_KW_SUBSTRING:
        push_arg(p, e, wr_sql_p_expr(p), &cap);
        if (wr_sql_p_accept_kw(p, WR_KW_FROM)) {
            c->form = WR_SQL_CALL_SUBSTRING;
            push_arg(p, e, wr_sql_p_expr(p), &cap);
            if (wr_sql_p_accept_kw(p, WR_KW_FOR)) push_arg(p, e, wr_sql_p_expr(p), &cap);
        } else {
            while (wr_sql_p_accept(p, WR_TK_COMMA))
                push_arg(p, e, wr_sql_p_expr(p), &cap);
        }
        break;
    case WR_KW_OVERLAY:
        c->form = WR_SQL_CALL_OVERLAY;
        push_arg(p, e, wr_sql_p_expr(p), &cap);
        wr_sql_p_expect_kw(p, WR_KW_PLACING);
        push_arg(p, e, wr_sql_p_expr(p), &cap);
        wr_sql_p_expect_kw(p, WR_KW_FROM);
        push_arg(p, e, wr_sql_p_expr(p), &cap);
        if (wr_sql_p_accept_kw(p, WR_KW_FOR)) push_arg(p, e, wr_sql_p_expr(p), &cap);
        break;
    case WR_KW_TRIM: {
        c->form = WR_SQL_CALL_TRIM;
        if (wr_sql_p_accept_kw(p, WR_KW_BOTH))
            c->trim = WR_SQL_TRIM_BOTH;
        else if (wr_sql_p_accept_kw(p, WR_KW_LEADING))
            c->trim = WR_SQL_TRIM_LEADING;
        else if (wr_sql_p_accept_kw(p, WR_KW_TRAILING))
            c->trim = WR_SQL_TRIM_TRAILING;
        if (wr_sql_p_accept_kw(p, WR_KW_FROM)) {
            push_arg(p, e, wr_sql_p_expr(p), &cap);
            break;
        }
        wr_sql_expr *x = wr_sql_p_expr(p);
        push_arg(p, e, x, &cap);
        if (wr_sql_p_accept_kw(p, WR_KW_FROM))
            push_arg(p, e, wr_sql_p_expr(p), &cap);
        else if (c->trim != WR_SQL_TRIM_DEFAULT)
            wr_sql_p_fail_expected(p, "FROM");
        break;
    }
    default:
        WR_ASSERT(!"special_call: unexpected keyword");
    }
    wr_sql_p_expect(p, WR_TK_RPAREN);
    return wr_sql_p_finish_expr(p, e);
}

static wr_sql_expr *cast_expr(wr_sql_parser *p)
{
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_CAST, wr_sql_p_pos(p));
    e->cast.try_cast = wr_sql_p_next(p)->kw == WR_KW_TRY_CAST;
    wr_sql_p_expect(p, WR_TK_LPAREN);
    e->cast.arg = wr_sql_p_expr(p);
    wr_sql_p_expect_kw(p, WR_KW_AS);
    e->cast.type = wr_sql_p_type(p);
    wr_sql_p_expect(p, WR_TK_RPAREN);
    return wr_sql_p_finish_expr(p, e);
}

static wr_sql_expr *case_expr(wr_sql_parser *p)
{
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_CASE, wr_sql_p_pos(p));
    wr_sql_p_expect_kw(p, WR_KW_CASE);
    if (wr_sql_p_is_kw(p, WR_KW_END)) wr_sql_p_fail_expected(p, "WHEN");
    if (!wr_sql_p_is_kw(p, WR_KW_WHEN)) e->case_.operand = wr_sql_p_expr(p);
    uint32_t wcap = 0, tcap = 0, nt = 0;
    if (!wr_sql_p_is_kw(p, WR_KW_WHEN)) wr_sql_p_fail_expected(p, "WHEN");
    while (wr_sql_p_accept_kw(p, WR_KW_WHEN)) {
        WR_SQL_PUSH(p, e->case_.whens, e->case_.nwhens, wcap, wr_sql_p_expr(p));
        wr_sql_p_expect_kw(p, WR_KW_THEN);
        WR_SQL_PUSH(p, e->case_.thens, nt, tcap, wr_sql_p_expr(p));
    }
    if (wr_sql_p_accept_kw(p, WR_KW_ELSE)) e->case_.else_ = wr_sql_p_expr(p);
    wr_sql_p_expect_kw(p, WR_KW_END);
    return wr_sql_p_finish_expr(p, e);
}

static wr_sql_expr *list_ctor(wr_sql_parser *p, wr_sql_expr_kind kind, wr_sql_tk open,
                              wr_sql_tk close)
{
    wr_sql_expr *e = wr_sql_p_new_expr(p, kind, wr_sql_p_pos(p));
    wr_sql_p_next(p);
    wr_sql_p_expect(p, open);
    e->list.items = expr_list(p, &e->list.nitems, close);
    if (kind == WR_SQL_E_MAP && e->list.nitems % 2 != 0)
        wr_sql_p_fail(p, WR_EPARSE, e->pos, "MAP[...] needs key, value pairs (found %u items)",
                      e->list.nitems);
    return wr_sql_p_finish_expr(p, e);
}

static wr_sql_expr *descriptor_expr(wr_sql_parser *p)
{
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_DESCRIPTOR, wr_sql_p_pos(p));
    wr_sql_p_next(p);
    wr_sql_p_ident_list(p, &e->descriptor.cols, &e->descriptor.ncols, "a column name");
    return wr_sql_p_finish_expr(p, e);
}

static wr_sql_expr *subquery_expr(wr_sql_parser *p, wr_sql_expr_kind kind, wr_sql_pos pos)
{
    wr_sql_expr *e = wr_sql_p_new_expr(p, kind, pos);
    e->subquery.query = wr_sql_p_query(p);
    wr_sql_p_expect(p, WR_TK_RPAREN);
    return wr_sql_p_finish_expr(p, e);
}

/* ( expr ), ( a, b ) (an implicit ROW) or ( SELECT ... ) (a scalar subquery). */
static wr_sql_expr *paren_expr(wr_sql_parser *p)
{
    wr_sql_pos pos = wr_sql_p_pos(p);
    wr_sql_p_expect(p, WR_TK_LPAREN);
    if (wr_sql_p_at_query_start(p)) return subquery_expr(p, WR_SQL_E_SUBQUERY, pos);
    wr_sql_expr *first = wr_sql_p_expr(p);
    if (wr_sql_p_accept(p, WR_TK_RPAREN)) return first;
    if (!wr_sql_p_at(p, WR_TK_COMMA)) wr_sql_p_fail_expected(p, "')'");
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_ROW, pos);
    e->list.implicit = true;
    uint32_t cap = 0;
    WR_SQL_PUSH(p, e->list.items, e->list.nitems, cap, first);
    while (wr_sql_p_accept(p, WR_TK_COMMA))
        WR_SQL_PUSH(p, e->list.items, e->list.nitems, cap, wr_sql_p_expr(p));
    wr_sql_p_expect(p, WR_TK_RPAREN);
    return wr_sql_p_finish_expr(p, e);
}

static wr_sql_expr *literal_kw(wr_sql_parser *p, wr_sql_kw kw)
{
    const wr_sql_token *t = wr_sql_p_next(p);
    wr_sql_expr *e = new_literal(p, WR_SQL_LIT_NULL, t->pos);
    wr_sql_literal *l = &e->lit;
    set_text(p, l, wr_sql_kw_name(kw), strlen(wr_sql_kw_name(kw)));
    if (kw == WR_KW_NULL) {
        l->type = wr_type_make(WR_TYPE_NULL);
        l->value.is_null = true;
    } else {
        l->kind = WR_SQL_LIT_BOOLEAN;
        l->type = wr_type_make(WR_TYPE_BOOLEAN);
        if (kw == WR_KW_UNKNOWN) {
            l->value.is_null = true;
        } else {
            l->type = wr_type_not_null(l->type);
            l->value.b = kw == WR_KW_TRUE;
        }
    }
    return wr_sql_p_finish_expr(p, e);
}

/* Identifiers: a column reference a, t.a, db.t.a, or a call f(...), db.f(...). */
static wr_sql_expr *name_expr(wr_sql_parser *p)
{
    wr_sql_pos pos = wr_sql_p_pos(p);
    wr_sql_name name = {0};
    uint32_t cap = 0;
    WR_SQL_PUSH(p, name.parts, name.nparts, cap, wr_sql_p_ident_of(p, wr_sql_p_next(p)));
    while (wr_sql_p_at(p, WR_TK_DOT) &&
           (wr_sql_p_ahead_is(p, 1, WR_TK_IDENT) || wr_sql_p_ahead_is(p, 1, WR_TK_QIDENT))) {
        const wr_sql_token *t = wr_sql_p_ahead(p, 1);
        if (t->kind == WR_TK_IDENT && wr_sql_kw_reserved(t->kw)) break;
        wr_sql_p_next(p);
        WR_SQL_PUSH(p, name.parts, name.nparts, cap, wr_sql_p_ident_of(p, wr_sql_p_next(p)));
        wr_sql_p_check_height(p, name.nparts, pos);
    }
    if (wr_sql_p_at(p, WR_TK_LPAREN)) return wr_sql_p_call(p, name, pos);
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_COLUMN, pos);
    e->column = name;
    return wr_sql_p_finish_expr(p, e);
}

static wr_sql_expr *niladic(wr_sql_parser *p, wr_sql_kw kw)
{
    wr_sql_pos pos = wr_sql_p_pos(p);
    const char *name = wr_sql_kw_name(kw);
    if (wr_sql_p_ahead_is(p, 1, WR_TK_LPAREN)) {
        wr_sql_p_next(p);
        wr_sql_name n = {.parts = wr_sql_p_alloc(p, sizeof(wr_sql_ident)), .nparts = 1};
        n.parts[0] = (wr_sql_ident){.name = name, .len = (uint32_t)strlen(name), .pos = pos};
        return wr_sql_p_call(p, n, pos);
    }
    wr_sql_p_next(p);
    wr_sql_expr *e = new_call(p, pos, name);
    e->call.form = WR_SQL_CALL_NO_PARENS;
    return wr_sql_p_finish_expr(p, e);
}

static wr_sql_expr *primary(wr_sql_parser *p)
{
    const wr_sql_token *t = wr_sql_p_tok(p);
    switch ((wr_sql_tk)t->kind) {
    case WR_TK_INTEGER:
    case WR_TK_DECIMAL:
    case WR_TK_APPROX:
        return number_literal(p);
    case WR_TK_STRING:
        return string_literal(p);
    case WR_TK_USTRING:
        return unicode_literal(p);
    case WR_TK_BSTRING:
        return binary_literal(p);
    case WR_TK_LPAREN:
        return paren_expr(p);
    case WR_TK_QIDENT:
        return name_expr(p);
    case WR_TK_QUESTION:
        wr_sql_p_unsupported(p, t->pos, "a parameter marker '?'");
    case WR_TK_IDENT:
        break;
    default:
        wr_sql_p_fail_expected(p, "an expression");
    }
    wr_sql_kw kw = (wr_sql_kw)t->kw;
    bool call = wr_sql_p_ahead_is(p, 1, WR_TK_LPAREN);
    bool string_next = wr_sql_p_ahead_is(p, 1, WR_TK_STRING);
    switch (kw) {
    case WR_KW_NULL:
    case WR_KW_TRUE:
    case WR_KW_FALSE:
    case WR_KW_UNKNOWN:
        return literal_kw(p, kw);
    case WR_KW_DATE:
        if (string_next) return typed_literal(p, WR_SQL_LIT_DATE, 1);
        break;
    case WR_KW_TIME:
        if (string_next) return typed_literal(p, WR_SQL_LIT_TIME, 1);
        break;
    case WR_KW_TIMESTAMP:
        if (string_next) return typed_literal(p, WR_SQL_LIT_TIMESTAMP, 1);
        if (wr_sql_p_ahead_kw(p, 1, WR_KW_WITH) && wr_sql_p_ahead_kw(p, 2, WR_KW_LOCAL) &&
            wr_sql_p_ahead_kw(p, 3, WR_KW_TIME) && wr_sql_p_ahead_kw(p, 4, WR_KW_ZONE) &&
            wr_sql_p_ahead_is(p, 5, WR_TK_STRING))
            return typed_literal(p, WR_SQL_LIT_TIMESTAMP_LTZ, 5);
        break;
    case WR_KW_TIMESTAMP_LTZ:
        if (string_next) return typed_literal(p, WR_SQL_LIT_TIMESTAMP_LTZ, 1);
        break;
    case WR_KW_DECIMAL:
        if (string_next) return decimal_string_literal(p);
        break;
    case WR_KW_INTERVAL:
        return interval_literal(p);
    case WR_KW_CASE:
        return case_expr(p);
    case WR_KW_CAST:
    case WR_KW_TRY_CAST:
        if (call) return cast_expr(p);
        break;
    case WR_KW_EXISTS:
        if (call) {
            wr_sql_pos pos = t->pos;
            wr_sql_p_next(p);
            wr_sql_p_next(p);
            if (!wr_sql_p_at_query_start(p)) wr_sql_p_fail_expected(p, "a subquery");
            return subquery_expr(p, WR_SQL_E_EXISTS, pos);
        }
        break;
    case WR_KW_ARRAY:
        if (wr_sql_p_ahead_is(p, 1, WR_TK_LBRACKET))
            return list_ctor(p, WR_SQL_E_ARRAY, WR_TK_LBRACKET, WR_TK_RBRACKET);
        if (call) wr_sql_p_unsupported(p, t->pos, "ARRAY(subquery)");
        break;
    case WR_KW_MAP:
        if (wr_sql_p_ahead_is(p, 1, WR_TK_LBRACKET))
            return list_ctor(p, WR_SQL_E_MAP, WR_TK_LBRACKET, WR_TK_RBRACKET);
        if (call) wr_sql_p_unsupported(p, t->pos, "MAP(subquery)");
        break;
    case WR_KW_ROW:
        if (call) return list_ctor(p, WR_SQL_E_ROW, WR_TK_LPAREN, WR_TK_RPAREN);
        break;
    case WR_KW_DESCRIPTOR:
        if (call) return descriptor_expr(p);
        break;
    case WR_KW_CURRENT_DATE:
    case WR_KW_CURRENT_TIME:
    case WR_KW_CURRENT_TIMESTAMP:
    case WR_KW_LOCALTIME:
    case WR_KW_LOCALTIMESTAMP:
        return niladic(p, kw);
    case WR_KW_EXTRACT:
    case WR_KW_FLOOR:
    case WR_KW_CEIL:
    case WR_KW_CEILING:
    case WR_KW_TIMESTAMPADD:
    case WR_KW_TIMESTAMPDIFF:
    case WR_KW_POSITION:
    case WR_KW_SUBSTRING:
    case WR_KW_OVERLAY:
    case WR_KW_TRIM:
        if (call) return special_call(p, kw);
        break;
    case WR_KW_LEFT:
    case WR_KW_RIGHT:
        /* LEFT(s, n) and RIGHT(s, n) are functions although the words are reserved. */
        if (call) {
            wr_sql_pos pos = t->pos;
            wr_sql_name n = {.parts = wr_sql_p_alloc(p, sizeof(wr_sql_ident)), .nparts = 1};
            n.parts[0] = wr_sql_p_ident_of(p, wr_sql_p_next(p));
            return wr_sql_p_call(p, n, pos);
        }
        break;
    default:
        break;
    }
    if (wr_sql_kw_reserved(kw)) {
        if (kw == WR_KW_SELECT || kw == WR_KW_WITH || kw == WR_KW_VALUES)
            wr_sql_p_fail(p, WR_EPARSE, t->pos,
                          "syntax error: a subquery must be written in parentheses");
        wr_sql_p_fail_expected(p, "an expression");
    }
    return name_expr(p);
}

static wr_sql_expr *postfix(wr_sql_parser *p, wr_sql_expr *e)
{
    for (;;) {
        if (wr_sql_p_at(p, WR_TK_LBRACKET)) {
            wr_sql_p_next(p);
            wr_sql_expr *x = wr_sql_p_new_expr(p, WR_SQL_E_INDEX, e->pos);
            x->index.arg = e;
            x->index.index = wr_sql_p_expr(p);
            wr_sql_p_expect(p, WR_TK_RBRACKET);
            e = wr_sql_p_finish_expr(p, x);
        } else if (wr_sql_p_at(p, WR_TK_DOT)) {
            wr_sql_p_next(p);
            wr_sql_expr *x = wr_sql_p_new_expr(p, WR_SQL_E_FIELD, e->pos);
            x->field.arg = e;
            x->field.name = wr_sql_p_ident(p, "a field name");
            e = wr_sql_p_finish_expr(p, x);
        } else if (wr_sql_p_at(p, WR_TK_DCOLON)) {
            wr_sql_p_next(p);
            wr_sql_expr *x = wr_sql_p_new_expr(p, WR_SQL_E_CAST, e->pos);
            x->cast.arg = e;
            x->cast.type = wr_sql_p_type(p);
            e = wr_sql_p_finish_expr(p, x);
        } else {
            return e;
        }
    }
}

static wr_sql_expr *unary(wr_sql_parser *p, wr_sql_unop op, wr_sql_pos pos, wr_sql_expr *arg)
{
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_UNARY, pos);
    e->unary.op = op;
    e->unary.arg = arg;
    return wr_sql_p_finish_expr(p, e);
}

static wr_sql_expr *prefix(wr_sql_parser *p)
{
    const wr_sql_token *t = wr_sql_p_tok(p);
    if (t->kind == WR_TK_IDENT && t->kw == WR_KW_NOT) {
        wr_sql_p_next(p);
        return unary(p, WR_SQL_OP_NOT, t->pos, expr_bp(p, PREC_NOT));
    }
    if (t->kind == WR_TK_MINUS || t->kind == WR_TK_PLUS) {
        wr_sql_p_next(p);
        wr_sql_expr *arg = expr_bp(p, PREC_UNARY);
        return unary(p, t->kind == WR_TK_MINUS ? WR_SQL_OP_NEG : WR_SQL_OP_PLUS, t->pos, arg);
    }
    return postfix(p, primary(p));
}

static wr_sql_expr *binary(wr_sql_parser *p, wr_sql_binop op, wr_sql_expr *l, wr_sql_expr *r,
                           wr_sql_pos op_pos)
{
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_BINARY, l->pos);
    e->binary.op = op;
    e->binary.left = l;
    e->binary.right = r;
    e->binary.op_pos = op_pos;
    return wr_sql_p_finish_expr(p, e);
}

/* IS ..., [NOT] BETWEEN / IN / LIKE / SIMILAR TO after `left`. */
static wr_sql_expr *comparison_tail(wr_sql_parser *p, wr_sql_expr *left)
{
    wr_sql_pos op_pos = wr_sql_p_pos(p);
    if (wr_sql_p_accept_kw(p, WR_KW_IS)) {
        bool neg = wr_sql_p_accept_kw(p, WR_KW_NOT);
        static const struct {
            wr_sql_kw kw;
            wr_sql_unop op, neg_op;
        } tests[] = {
            {WR_KW_NULL, WR_SQL_OP_IS_NULL, WR_SQL_OP_IS_NOT_NULL},
            {WR_KW_TRUE, WR_SQL_OP_IS_TRUE, WR_SQL_OP_IS_NOT_TRUE},
            {WR_KW_FALSE, WR_SQL_OP_IS_FALSE, WR_SQL_OP_IS_NOT_FALSE},
            {WR_KW_UNKNOWN, WR_SQL_OP_IS_UNKNOWN, WR_SQL_OP_IS_NOT_UNKNOWN},
        };
        for (size_t i = 0; i < WR_ARRAY_LEN(tests); i++)
            if (wr_sql_p_accept_kw(p, tests[i].kw))
                return unary(p, neg ? tests[i].neg_op : tests[i].op, left->pos, left);
        if (accept_word(p, "JSON")) {
            wr_sql_unop op = WR_SQL_OP_IS_JSON_VALUE;
            if (accept_word(p, "SCALAR"))
                op = WR_SQL_OP_IS_JSON_SCALAR;
            else if (wr_sql_p_accept_kw(p, WR_KW_ARRAY))
                op = WR_SQL_OP_IS_JSON_ARRAY;
            else if (accept_word(p, "OBJECT"))
                op = WR_SQL_OP_IS_JSON_OBJECT;
            else
                accept_word(p, "VALUE");
            /* each IS NOT JSON kind follows its IS JSON kind */
            return unary(p, neg ? (wr_sql_unop)(op + 1) : op, left->pos, left);
        }
        if (wr_sql_p_accept_kw(p, WR_KW_DISTINCT)) {
            wr_sql_p_expect_kw(p, WR_KW_FROM);
            wr_sql_expr *r = expr_bp(p, PREC_CMP + 1);
            return binary(p, neg ? WR_SQL_OP_IS_NOT_DISTINCT_FROM : WR_SQL_OP_IS_DISTINCT_FROM,
                          left, r, op_pos);
        }
        wr_sql_p_fail_expected(p, "NULL, TRUE, FALSE, UNKNOWN, JSON or DISTINCT FROM after IS");
    }
    bool neg = wr_sql_p_accept_kw(p, WR_KW_NOT);
    if (wr_sql_p_accept_kw(p, WR_KW_BETWEEN)) {
        wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_BETWEEN, left->pos);
        e->between.arg = left;
        e->between.negated = neg;
        if (wr_sql_p_accept_kw(p, WR_KW_SYMMETRIC))
            e->between.symmetric = true;
        else
            wr_sql_p_accept_kw(p, WR_KW_ASYMMETRIC);
        e->between.low = expr_bp(p, PREC_ADD);
        wr_sql_p_expect_kw(p, WR_KW_AND);
        e->between.high = expr_bp(p, PREC_ADD);
        return wr_sql_p_finish_expr(p, e);
    }
    if (wr_sql_p_accept_kw(p, WR_KW_IN)) {
        wr_sql_p_expect(p, WR_TK_LPAREN);
        if (wr_sql_p_at_query_start(p)) {
            wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_IN_QUERY, left->pos);
            e->in_query.arg = left;
            e->in_query.negated = neg;
            e->in_query.query = wr_sql_p_query(p);
            wr_sql_p_expect(p, WR_TK_RPAREN);
            return wr_sql_p_finish_expr(p, e);
        }
        wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_IN_LIST, left->pos);
        e->in_list.arg = left;
        e->in_list.negated = neg;
        if (wr_sql_p_at(p, WR_TK_RPAREN)) wr_sql_p_fail_expected(p, "a value in the IN list");
        e->in_list.items = expr_list(p, &e->in_list.nitems, WR_TK_RPAREN);
        return wr_sql_p_finish_expr(p, e);
    }
    bool similar = false;
    if (wr_sql_p_accept_kw(p, WR_KW_SIMILAR)) {
        wr_sql_p_expect_kw(p, WR_KW_TO);
        similar = true;
    } else if (!wr_sql_p_accept_kw(p, WR_KW_LIKE)) {
        wr_sql_p_fail_expected(p, "BETWEEN, IN, LIKE or SIMILAR TO");
    }
    wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_LIKE, left->pos);
    e->like.arg = left;
    e->like.negated = neg;
    e->like.similar = similar;
    e->like.pattern = expr_bp(p, PREC_ADD);
    if (wr_sql_p_accept_kw(p, WR_KW_ESCAPE)) e->like.escape = expr_bp(p, PREC_ADD);
    return wr_sql_p_finish_expr(p, e);
}

static wr_sql_expr *expr_bp(wr_sql_parser *p, int min)
{
    wr_sql_p_enter(p);
    wr_sql_expr *left = prefix(p);
    for (;;) {
        const wr_sql_token *t = wr_sql_p_tok(p);
        int prec = 0;
        bool special = false;
        wr_sql_binop op = WR_SQL_OP_OR;
        switch ((wr_sql_tk)t->kind) {
        case WR_TK_EQ:
            prec = PREC_CMP, op = WR_SQL_OP_EQ;
            break;
        case WR_TK_NE:
            prec = PREC_CMP, op = WR_SQL_OP_NE;
            break;
        case WR_TK_LT:
            prec = PREC_CMP, op = WR_SQL_OP_LT;
            break;
        case WR_TK_LE:
            prec = PREC_CMP, op = WR_SQL_OP_LE;
            break;
        case WR_TK_GT:
            prec = PREC_CMP, op = WR_SQL_OP_GT;
            break;
        case WR_TK_GE:
            prec = PREC_CMP, op = WR_SQL_OP_GE;
            break;
        case WR_TK_PLUS:
            prec = PREC_ADD, op = WR_SQL_OP_ADD;
            break;
        case WR_TK_MINUS:
            prec = PREC_ADD, op = WR_SQL_OP_SUB;
            break;
        case WR_TK_CONCAT:
            prec = PREC_MUL, op = WR_SQL_OP_CONCAT;
            break;
        case WR_TK_STAR:
            prec = PREC_MUL, op = WR_SQL_OP_MUL;
            break;
        case WR_TK_SLASH:
            prec = PREC_MUL, op = WR_SQL_OP_DIV;
            break;
        case WR_TK_PERCENT:
            prec = PREC_MUL, op = WR_SQL_OP_MOD;
            break;
        case WR_TK_IDENT:
            switch ((wr_sql_kw)t->kw) {
            case WR_KW_OR:
                prec = PREC_OR, op = WR_SQL_OP_OR;
                break;
            case WR_KW_AND:
                prec = PREC_AND, op = WR_SQL_OP_AND;
                break;
            case WR_KW_IS:
            case WR_KW_BETWEEN:
            case WR_KW_IN:
            case WR_KW_LIKE:
            case WR_KW_SIMILAR:
                prec = PREC_CMP, special = true;
                break;
            case WR_KW_NOT:
                if (wr_sql_p_ahead_kw(p, 1, WR_KW_BETWEEN) || wr_sql_p_ahead_kw(p, 1, WR_KW_IN) ||
                    wr_sql_p_ahead_kw(p, 1, WR_KW_LIKE) || wr_sql_p_ahead_kw(p, 1, WR_KW_SIMILAR))
                    prec = PREC_CMP, special = true;
                break;
            default:
                break;
            }
            break;
        default:
            break;
        }
        if (prec == 0 || prec < min) break;
        if (special) {
            left = comparison_tail(p, left);
            continue;
        }
        wr_sql_pos op_pos = wr_sql_p_next(p)->pos;
        if (prec == PREC_CMP &&
            (wr_sql_p_is_kw(p, WR_KW_ANY) || wr_sql_p_is_kw(p, WR_KW_SOME) ||
             wr_sql_p_is_kw(p, WR_KW_ALL)) &&
            wr_sql_p_ahead_is(p, 1, WR_TK_LPAREN))
            wr_sql_p_unsupported(p, wr_sql_p_pos(p), "a quantified comparison (ANY, SOME, ALL)");
        wr_sql_expr *right = expr_bp(p, prec + 1);
        left = binary(p, op, left, right, op_pos);
    }
    wr_sql_p_leave(p);
    return left;
}

wr_sql_expr *wr_sql_p_expr(wr_sql_parser *p)
{
    return expr_bp(p, PREC_OR);
}

wr_sql_expr *wr_sql_p_expr_additive(wr_sql_parser *p)
{
    return expr_bp(p, PREC_ADD);
}
