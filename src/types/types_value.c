/* types_value.c - scalar values outside the vectorized paths: rendering a value as text in
 * the three output styles (Flink's print sink, CSV files, JSON documents), strict parsing of
 * text into a value of a given type (CSV/JSON decoding, literal folding), and the total
 * order and hash used for sorting, MIN/MAX, grouping and partitioning. Floating-point
 * numbers are written the way Java's Double.toString / Float.toString write them, because
 * that is what Flink prints. */
#include "types/types.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US_PER_SEC 1000000ll
#define US_PER_DAY (86400ll * US_PER_SEC)

/* ------------------------------------------------------------------------------------------
 * Java-style floating point text
 * ---------------------------------------------------------------------------------------- */

/* Shortest decimal digits that read back as the same value, as Java (JDK 19+) chooses them:
 * try 2, 3, ... significant digits (printf rounds correctly, so the first count that
 * round-trips gives the nearest shortest string). Starting at 2 rather than 1 follows Java's
 * rule that, since "d.d" shows two digits anyway, a one-digit result is replaced by the
 * closest two-digit one: Double.MIN_VALUE is 4.9E-324, not 5.0E-324. digits gets the
 * significant digits without trailing zeros; returns the decimal exponent of the first. */
static int shortest_digits(double d, bool is_float, char *digits, int *ndigits)
{
    char tmp[40];
    int maxp = is_float ? 9 : 17;
    for (int prec = 2; prec <= maxp; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
        if (is_float ? strtof(tmp, NULL) == (float)d : strtod(tmp, NULL) == d) break;
    }
    int n = 0;
    const char *p = tmp;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    *ndigits = n;
    return atoi(p + 1);
}

/* Double.toString: plain notation for 1e-3 <= |d| < 1e7 with at least one fraction digit,
 * otherwise computerized scientific notation "d.dddE[-]n". Returns the length written. */
static int java_double_text(double d, bool is_float, char *buf)
{
    if (isnan(d)) return sprintf(buf, "NaN");
    if (isinf(d)) return sprintf(buf, d < 0 ? "-Infinity" : "Infinity");
    if (d == 0) return sprintf(buf, signbit(d) ? "-0.0" : "0.0");
    char digits[24];
    int nd;
    int exp = shortest_digits(fabs(d), is_float, digits, &nd);
    int len = 0;
    if (d < 0) buf[len++] = '-';
    if (exp >= -3 && exp < 7) {
        if (exp >= 0) {
            for (int i = 0; i <= exp; i++)
                buf[len++] = i < nd ? digits[i] : '0';
            buf[len++] = '.';
            if (nd > exp + 1)
                for (int i = exp + 1; i < nd; i++)
                    buf[len++] = digits[i];
            else
                buf[len++] = '0';
        } else {
            buf[len++] = '0';
            buf[len++] = '.';
            for (int i = 0; i < -exp - 1; i++)
                buf[len++] = '0';
            for (int i = 0; i < nd; i++)
                buf[len++] = digits[i];
        }
    } else {
        buf[len++] = digits[0];
        buf[len++] = '.';
        if (nd > 1)
            for (int i = 1; i < nd; i++)
                buf[len++] = digits[i];
        else
            buf[len++] = '0';
        len += sprintf(buf + len, "E%d", exp);
    }
    buf[len] = '\0';
    return len;
}

/* ------------------------------------------------------------------------------------------
 * Other renderings
 * ---------------------------------------------------------------------------------------- */
static int append_base64(wr_buf *out, const uint8_t *p, size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int rc = wr_buf_reserve(out, (n + 2) / 3 * 4 + 1);
    if (rc < 0) return rc;
    char *d = out->ptr + out->len;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        *d++ = alphabet[v >> 18];
        *d++ = alphabet[(v >> 12) & 63];
        *d++ = alphabet[(v >> 6) & 63];
        *d++ = alphabet[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
        *d++ = alphabet[v >> 18];
        *d++ = alphabet[(v >> 12) & 63];
        *d++ = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
        *d++ = '=';
    }
    *d = '\0';
    out->len = (size_t)(d - out->ptr);
    return 0;
}

/* RFC 4180: a field containing a comma, a quote, CR or LF is quoted, quotes doubled. */
static int append_csv_field(wr_buf *out, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) return wr_buf_append(out, s, n);
    int rc = wr_buf_putc(out, '"');
    size_t start = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        if (s[i] != '"') continue;
        rc = wr_buf_append(out, s + start, i + 1 - start); /* through the quote... */
        if (rc >= 0) rc = wr_buf_putc(out, '"');           /* ...and once more */
        start = i + 1;
    }
    if (rc >= 0) rc = wr_buf_append(out, s + start, n - start);
    if (rc >= 0) rc = wr_buf_putc(out, '"');
    return rc;
}

/* Java's Arrays.toString(byte[]) (what Flink's Row.toString prints): "[1, -2, 3]". */
static int append_java_bytes(wr_buf *out, const uint8_t *p, size_t n)
{
    int rc = wr_buf_putc(out, '[');
    for (size_t i = 0; i < n && rc >= 0; i++)
        rc = wr_buf_printf(out, i ? ", %d" : "%d", (int)(int8_t)p[i]);
    if (rc >= 0) rc = wr_buf_putc(out, ']');
    return rc;
}

/* Flink's interval text: "+1 02:03:04.000" (day-time), "+1-02" (year-month). */
static int append_interval(wr_buf *out, const wr_type *t, int64_t v)
{
    char sign = v < 0 ? '-' : '+';
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (t->id == WR_TYPE_INTERVAL_YM)
        return wr_buf_printf(out, "%c%" PRIu64 "-%02u", sign, mag / 12, (unsigned)(mag % 12));
    uint64_t secs = mag / US_PER_SEC;
    return wr_buf_printf(out, "%c%" PRIu64 " %02u:%02u:%02u.%03u", sign, secs / 86400,
                         (unsigned)(secs / 3600 % 24), (unsigned)(secs / 60 % 60),
                         (unsigned)(secs % 60), (unsigned)(mag % US_PER_SEC / 1000));
}

/* Temporal text goes to a scratch buffer first so JSON can quote it in one piece. */
static int format_temporal(const wr_type *t, int64_t v, wr_format_style style, wr_buf *out)
{
    char sep = style == WR_STYLE_PRINT ? 'T' : ' ';
    switch ((wr_type_id)t->id) {
    case WR_TYPE_DATE:
        return wr_format_date((int32_t)v, out);
    case WR_TYPE_TIME:
        return wr_format_time(v, t->precision, out);
    case WR_TYPE_TIMESTAMP:
        return wr_format_timestamp(v, t->precision, sep, out);
    case WR_TYPE_TIMESTAMP_LTZ: {
        int rc = wr_format_timestamp(v, t->precision, sep, out);
        return rc < 0 ? rc : wr_buf_putc(out, 'Z');
    }
    default:
        return append_interval(out, t, v);
    }
}

int wr_value_format(const wr_type *t, const wr_value *val, wr_format_style style, wr_buf *out)
{
    if (val->is_null || t->id == WR_TYPE_NULL)
        return style == WR_STYLE_CSV ? 0 : wr_buf_append_c(out, "null");
    char num[64];
    switch ((wr_type_id)t->id) {
    case WR_TYPE_BOOLEAN:
        return wr_buf_append_c(out, val->b ? "true" : "false");
    case WR_TYPE_TINYINT:
    case WR_TYPE_SMALLINT:
    case WR_TYPE_INT:
    case WR_TYPE_BIGINT:
        return wr_buf_printf(out, "%" PRId64, val->i);
    case WR_TYPE_FLOAT:
    case WR_TYPE_DOUBLE: {
        int len = java_double_text(val->d, t->id == WR_TYPE_FLOAT, num);
        /* JSON has no NaN/Infinity literals; Jackson (Flink's JSON format) quotes them. */
        if (style == WR_STYLE_JSON && !isfinite(val->d))
            return wr_buf_append_json_str(out, num, (size_t)len);
        return wr_buf_append(out, num, (size_t)len);
    }
    case WR_TYPE_DECIMAL:
        return wr_decimal_format(t->precision <= WR_DECIMAL64_MAX_PRECISION ? val->i : val->dec,
                                 t->scale, out);
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR:
        if (style == WR_STYLE_JSON) return wr_buf_append_json_str(out, val->s.ptr, val->s.len);
        if (style == WR_STYLE_CSV) return append_csv_field(out, val->s.ptr, val->s.len);
        return wr_buf_append(out, val->s.ptr, val->s.len);
    case WR_TYPE_BINARY:
    case WR_TYPE_VARBINARY: {
        const uint8_t *p = (const uint8_t *)val->s.ptr;
        if (style == WR_STYLE_PRINT) return append_java_bytes(out, p, val->s.len);
        int rc = style == WR_STYLE_JSON ? wr_buf_putc(out, '"') : 0;
        if (rc >= 0) rc = append_base64(out, p, val->s.len);
        if (rc >= 0 && style == WR_STYLE_JSON) rc = wr_buf_putc(out, '"');
        return rc;
    }
    case WR_TYPE_DATE:
    case WR_TYPE_TIME:
    case WR_TYPE_TIMESTAMP:
    case WR_TYPE_TIMESTAMP_LTZ:
    case WR_TYPE_INTERVAL_YM:
    case WR_TYPE_INTERVAL_DT: {
        if (style != WR_STYLE_JSON) return format_temporal(t, val->i, style, out);
        /* The text has no characters JSON must escape: quote it directly. */
        int rc = wr_buf_putc(out, '"');
        if (rc >= 0) rc = format_temporal(t, val->i, style, out);
        if (rc >= 0) rc = wr_buf_putc(out, '"');
        return rc;
    }
    default:
        return WR_EUNSUPPORTED;
    }
}

int wr_vec_format(const wr_vec *v, uint32_t i, wr_format_style style, wr_buf *out)
{
    wr_value val;
    wr_vec_get(v, i, &val);
    return wr_value_format(&v->type, &val, style, out);
}

/* ------------------------------------------------------------------------------------------
 * Parsing
 * ---------------------------------------------------------------------------------------- */
static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static wr_slice trimmed(const char *s, size_t n)
{
    while (n > 0 && is_space(*s))
        s++, n--;
    while (n > 0 && is_space(s[n - 1]))
        n--;
    return (wr_slice){s, n};
}

/* "expected an INT but found 'abc'" (the text cut at 64 bytes). */
static int parse_error(const wr_type *t, const char *s, size_t n, int code, wr_error *err)
{
    wr_type plain = *t;
    plain.nullable = true;
    plain.time_attr = WR_TIME_ATTR_NONE;
    wr_buf name;
    wr_buf_init(&name);
    const char *tn = wr_type_format(&plain, &name) == 0 && name.ptr ? name.ptr : "value";
    const char *article = strchr("AEIOU", tn[0]) ? "an" : "a";
    int shown = n > 64 ? 64 : (int)n;
    if (code == WR_EOVERFLOW)
        wr_error_set(err, code, WR_DOMAIN_USER, "value '%.*s%s' is out of range for %s", shown, s,
                     n > 64 ? "..." : "", tn);
    else
        wr_error_set(err, code, WR_DOMAIN_USER, "expected %s %s but found '%.*s%s'", article, tn,
                     shown, s, n > 64 ? "..." : "");
    wr_buf_free(&name);
    return code;
}

/* Optional sign and decimal digits only; the magnitude must fit in 64 bits. */
static int parse_int(wr_slice s, int64_t lo, int64_t hi, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < s.len && (s.ptr[i] == '-' || s.ptr[i] == '+')) neg = s.ptr[i++] == '-';
    if (i == s.len) return WR_EPARSE;
    uint64_t mag = 0;
    bool over = false;
    for (; i < s.len; i++) {
        char c = s.ptr[i];
        if (c < '0' || c > '9') return WR_EPARSE;
        if (mag > (UINT64_MAX - 9) / 10)
            over = true;
        else
            mag = mag * 10 + (uint64_t)(c - '0');
    }
    if (over) return WR_EOVERFLOW;
    if (neg) {
        if (mag > (uint64_t)0 - (uint64_t)lo) return WR_EOVERFLOW;
        *out = (int64_t)((uint64_t)0 - mag);
    } else {
        if (mag > (uint64_t)hi) return WR_EOVERFLOW;
        *out = (int64_t)mag;
    }
    return 0;
}

static bool ieq(wr_slice s, const char *lit)
{
    return wr_slice_ieq_c(s, lit);
}

/* Java's Double.parseDouble for decimal text: [+-]digits[.digits][(e|E)[+-]digits], also
 * NaN and [+-]Infinity (case-insensitive). Hexadecimal and C's "inf"/"nan(...)" forms
 * are rejected. Values
 * beyond the range become infinities, as in Java. */
static int parse_float(wr_slice s, bool is_float, double *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < s.len && (s.ptr[i] == '-' || s.ptr[i] == '+')) neg = s.ptr[i++] == '-';
    wr_slice rest = {s.ptr + i, s.len - i};
    if (ieq(rest, "nan")) {
        *out = NAN;
        return 0;
    }
    if (ieq(rest, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return 0;
    }
    size_t mant = 0;
    while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9')
        i++, mant++;
    if (i < s.len && s.ptr[i] == '.') {
        i++;
        while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9')
            i++, mant++;
    }
    if (mant == 0) return WR_EPARSE;
    if (i < s.len && (s.ptr[i] == 'e' || s.ptr[i] == 'E')) {
        i++;
        if (i < s.len && (s.ptr[i] == '-' || s.ptr[i] == '+')) i++;
        size_t ed = 0;
        while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9')
            i++, ed++;
        if (ed == 0) return WR_EPARSE;
    }
    if (i != s.len) return WR_EPARSE;

    char stack[128];
    char *text = s.len < sizeof stack ? stack : wr_malloc(s.len + 1);
    if (!text) return WR_ENOMEM;
    memcpy(text, s.ptr, s.len);
    text[s.len] = '\0';
    *out = is_float ? (double)strtof(text, NULL) : strtod(text, NULL);
    if (text != stack) wr_free(text);
    return 0;
}

/* Interval text as written by wr_value_format: "+1 02:03:04.000" or "-1-02"; the sign is
 * optional. */
static int parse_interval(const wr_type *t, wr_slice s, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < s.len && (s.ptr[i] == '-' || s.ptr[i] == '+')) neg = s.ptr[i++] == '-';
    const char *p = s.ptr + i, *end = s.ptr + s.len;
    int64_t a = 0;
    int nd = 0;
    while (p < end && *p >= '0' && *p <= '9' && nd < 12)
        a = a * 10 + (*p++ - '0'), nd++;
    if (nd == 0) return WR_EPARSE;
    int64_t v;
    if (t->id == WR_TYPE_INTERVAL_YM) {
        int64_t m = 0;
        if (p == end || *p++ != '-') return WR_EPARSE;
        if (end - p < 1 || end - p > 2) return WR_EPARSE;
        while (p < end) {
            if (*p < '0' || *p > '9') return WR_EPARSE;
            m = m * 10 + (*p++ - '0');
        }
        if (m > 11) return WR_EPARSE;
        v = a * 12 + m;
        if (v > INT32_MAX) return WR_EOVERFLOW;
    } else {
        int64_t tod;
        if (p == end || *p++ != ' ') return WR_EPARSE;
        if (wr_parse_time(p, (size_t)(end - p), &tod) < 0 || is_space(*p)) return WR_EPARSE;
        v = a * US_PER_DAY + tod;
    }
    *out = neg ? -v : v;
    return 0;
}

int wr_value_parse(const wr_type *t, const char *s, size_t n, wr_value *out, wr_error *err)
{
    memset(out, 0, sizeof(*out));
    static const int64_t lo[] = {[WR_TYPE_TINYINT] = INT8_MIN,
                                 [WR_TYPE_SMALLINT] = INT16_MIN,
                                 [WR_TYPE_INT] = INT32_MIN,
                                 [WR_TYPE_BIGINT] = INT64_MIN};
    static const int64_t hi[] = {[WR_TYPE_TINYINT] = INT8_MAX,
                                 [WR_TYPE_SMALLINT] = INT16_MAX,
                                 [WR_TYPE_INT] = INT32_MAX,
                                 [WR_TYPE_BIGINT] = INT64_MAX};
    wr_slice v = trimmed(s, n);
    int rc = 0;
    switch ((wr_type_id)t->id) {
    case WR_TYPE_NULL:
        out->is_null = true;
        return 0;
    case WR_TYPE_BOOLEAN:
        if (ieq(v, "true"))
            out->b = true;
        else if (ieq(v, "false"))
            out->b = false;
        else
            rc = WR_EPARSE;
        break;
    case WR_TYPE_TINYINT:
    case WR_TYPE_SMALLINT:
    case WR_TYPE_INT:
    case WR_TYPE_BIGINT:
        rc = parse_int(v, lo[t->id], hi[t->id], &out->i);
        break;
    case WR_TYPE_FLOAT:
    case WR_TYPE_DOUBLE:
        rc = parse_float(v, t->id == WR_TYPE_FLOAT, &out->d);
        break;
    case WR_TYPE_DECIMAL: {
        wr_i128 d;
        rc = wr_decimal_parse(v.ptr, v.len, t->precision, t->scale, &d);
        if (rc == WR_EINVAL)
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER, "invalid DECIMAL(%d, %d)",
                                t->precision, t->scale);
        if (rc == 0 && t->precision <= WR_DECIMAL64_MAX_PRECISION)
            out->i = (int64_t)d;
        else if (rc == 0)
            out->dec = d;
        break;
    }
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR:
    case WR_TYPE_BINARY:
    case WR_TYPE_VARBINARY:
        /* Text and bytes are taken as they are (no trimming, no base64 decoding: formats that
         * encode bytes decode them themselves). */
        if (n > UINT32_MAX)
            return wr_error_set(err, WR_ELIMIT, WR_DOMAIN_USER, "value of %zu bytes is too long",
                                n);
        out->s = wr_strv_make(s, (uint32_t)n);
        return 0;
    case WR_TYPE_DATE: {
        int32_t days;
        rc = wr_parse_date(v.ptr, v.len, &days);
        out->i = days;
        break;
    }
    case WR_TYPE_TIME:
        rc = wr_parse_time(v.ptr, v.len, &out->i);
        break;
    case WR_TYPE_TIMESTAMP:
    case WR_TYPE_TIMESTAMP_LTZ:
        rc = wr_parse_timestamp(v.ptr, v.len, &out->i);
        break;
    case WR_TYPE_INTERVAL_YM:
    case WR_TYPE_INTERVAL_DT:
        rc = parse_interval(t, v, &out->i);
        break;
    default:
        return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                            "parsing %s values from text is not supported",
                            wr_type_id_name((wr_type_id)t->id));
    }
    if (rc == WR_ENOMEM)
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory parsing a value");
    if (rc < 0) return parse_error(t, s, n, rc, err);
    /* Digits beyond the type's precision are dropped (truncation toward the past). */
    if ((t->id == WR_TYPE_TIME || t->id == WR_TYPE_TIMESTAMP || t->id == WR_TYPE_TIMESTAMP_LTZ) &&
        t->precision < 6) {
        int64_t unit = 1;
        for (int k = t->precision; k < 6; k++)
            unit *= 10;
        out->i -= wr_floor_mod(out->i, unit);
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Order and hash
 * ---------------------------------------------------------------------------------------- */

/* Total order on doubles: -0.0 equals 0.0 (as SQL compares them), NaN equals NaN and sorts
 * after every number, +Infinity included. */
static int cmp_double(double a, double b)
{
    bool na = isnan(a), nb = isnan(b);
    if (na || nb) return na - nb;
    return (a > b) - (a < b);
}

static int cmp_strv(wr_strv a, wr_strv b)
{
    uint32_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return (a.len > b.len) - (a.len < b.len);
}

static bool is_dec128(const wr_type *t)
{
    return t->id == WR_TYPE_DECIMAL && t->precision > WR_DECIMAL64_MAX_PRECISION;
}

int wr_value_cmp(const wr_type *t, const wr_value *a, const wr_value *b)
{
    if (a->is_null || b->is_null) return (int)b->is_null - (int)a->is_null;
    switch ((wr_type_id)t->id) {
    case WR_TYPE_NULL:
        return 0;
    case WR_TYPE_BOOLEAN:
        return (int)a->b - (int)b->b;
    case WR_TYPE_FLOAT:
    case WR_TYPE_DOUBLE:
        return cmp_double(a->d, b->d);
    case WR_TYPE_DECIMAL:
        if (is_dec128(t)) return (a->dec > b->dec) - (a->dec < b->dec);
        return (a->i > b->i) - (a->i < b->i);
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR:
    case WR_TYPE_BINARY:
    case WR_TYPE_VARBINARY:
        return cmp_strv(a->s, b->s);
    default:
        return (a->i > b->i) - (a->i < b->i);
    }
}

#define HASH_NULL 0x6e756c6c6e756c6cull /* arbitrary, distinct from small integers' hashes */

uint64_t wr_value_hash(const wr_type *t, const wr_value *v)
{
    if (v->is_null || t->id == WR_TYPE_NULL) return wr_hash_u64(HASH_NULL);
    switch ((wr_type_id)t->id) {
    case WR_TYPE_BOOLEAN:
        return wr_hash_u64(v->b ? 1 : 0);
    case WR_TYPE_FLOAT:
    case WR_TYPE_DOUBLE: {
        /* Equal under cmp_double must hash equal: one zero, one NaN. */
        double d = v->d == 0 ? 0.0 : isnan(v->d) ? NAN : v->d;
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        return wr_hash_u64(bits);
    }
    case WR_TYPE_DECIMAL:
        if (is_dec128(t)) {
            unsigned __int128 u = (unsigned __int128)v->dec;
            return wr_hash_combine(wr_hash_u64((uint64_t)u), wr_hash_u64((uint64_t)(u >> 64)));
        }
        return wr_hash_u64((uint64_t)v->i);
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR:
    case WR_TYPE_BINARY:
    case WR_TYPE_VARBINARY:
        return wr_hash_bytes(v->s.ptr ? v->s.ptr : "", v->s.len);
    default:
        return wr_hash_u64((uint64_t)v->i);
    }
}
