/* json.c - Flink's `json` format over JSON lines: one object per line (or a top-level array
 * of objects, one row per element), fields matched to columns by name, missing fields NULL
 * (or an error with json.fail-on-missing-field), unknown fields ignored. A small tokenizer
 * written for this decoder (no tree, no allocation per record) reads strings with every
 * escape including \uXXXX surrogate pairs into UTF-8, validates numbers by the JSON grammar
 * and walks nested values without recursion (a bounded explicit stack), either to skip
 * them or to re-serialize them compactly for STRING columns, as Flink stores nested JSON
 * in a STRING column. Values are coerced as Flink's json format does: numbers and numeric
 * strings into numeric columns (range checked; fractions truncated into integer columns),
 * temporal values from strings in the configured timestamp standard, BYTES as base64.
 * The encoder writes one compact object per line. */
#include "formats/formats.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 1000

/* ------------------------------------------------------------------------------------------
 * Configuration
 * ---------------------------------------------------------------------------------------- */
static void json_config_init(void *p)
{
    wr_json_config *c = p;
    memset(c, 0, sizeof *c);
    c->ts_standard = WR_JSON_TS_SQL;
    c->map_null_key = WR_JSON_MAP_NULL_KEY_FAIL;
    strcpy(c->map_null_key_literal, "null");
}

/* ------------------------------------------------------------------------------------------
 * Decoder state
 * ---------------------------------------------------------------------------------------- */
typedef enum jcol_kind {
    JK_STRING,
    JK_BINARY,
    JK_BOOLEAN,
    JK_INTEGER,
    JK_FLOAT,
    JK_DECIMAL,
    JK_TIMESTAMP,
    JK_OTHER_TEMPORAL, /* DATE, TIME */
    JK_INTERVAL,
    JK_NULL,
} jcol_kind;

typedef struct json_dec {
    wr_json_config cfg;
    const wr_schema *schema;
    uint32_t ncols;
    uint8_t *kinds;                /* jcol_kind per column */
    uint8_t *seen;                 /* per column: present in the current object */
    uint32_t *slots;               /* name hash table: column index + 1, 0 = empty */
    size_t *name_len;              /* per column */
    uint32_t guess;                /* column expected next: keys usually come in schema order */
    uint32_t nslots;               /* power of two */
    wr_buf sval;                   /* unescaped string value */
    wr_buf skey;                   /* unescaped key */
    wr_buf tmp;                    /* strings inside nested values being re-serialized */
    wr_buf raw;                    /* compact text of a nested value */
    wr_buf num;                    /* number text expanded from exponent notation */
    uint8_t stack[JSON_MAX_DEPTH]; /* '{' or '[' per open container */
} json_dec;

/* Parser cursor over one line. */
typedef struct jp {
    const char *p;
    size_t n, i;
    size_t err_pos; /* byte offset of the error within the line */
} jp;

static uint32_t name_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static int find_column(json_dec *d, const char *s, size_t n)
{
    uint32_t g = d->guess;
    if (g < d->ncols && d->name_len[g] == n && memcmp(d->schema->cols[g].name, s, n) == 0) {
        d->guess = g + 1;
        return (int)g;
    }
    uint32_t mask = d->nslots - 1;
    for (uint32_t h = name_hash(s, n) & mask;; h = (h + 1) & mask) {
        uint32_t slot = d->slots[h];
        if (!slot) return -1;
        uint32_t c = slot - 1;
        if (d->name_len[c] == n && memcmp(d->schema->cols[c].name, s, n) == 0) {
            d->guess = c + 1;
            return (int)c;
        }
    }
}

static jcol_kind kind_of(const wr_type *t)
{
    switch ((wr_type_id)t->id) {
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR:
        return JK_STRING;
    case WR_TYPE_BINARY:
    case WR_TYPE_VARBINARY:
        return JK_BINARY;
    case WR_TYPE_BOOLEAN:
        return JK_BOOLEAN;
    case WR_TYPE_TINYINT:
    case WR_TYPE_SMALLINT:
    case WR_TYPE_INT:
    case WR_TYPE_BIGINT:
        return JK_INTEGER;
    case WR_TYPE_FLOAT:
    case WR_TYPE_DOUBLE:
        return JK_FLOAT;
    case WR_TYPE_DECIMAL:
        return JK_DECIMAL;
    case WR_TYPE_TIMESTAMP:
    case WR_TYPE_TIMESTAMP_LTZ:
        return JK_TIMESTAMP;
    case WR_TYPE_DATE:
    case WR_TYPE_TIME:
        return JK_OTHER_TEMPORAL;
    case WR_TYPE_INTERVAL_YM:
    case WR_TYPE_INTERVAL_DT:
        return JK_INTERVAL;
    default:
        return JK_NULL;
    }
}

static void json_decoder_free(void *p)
{
    json_dec *d = p;
    if (!d) return;
    wr_free(d->kinds);
    wr_free(d->seen);
    wr_free(d->slots);
    wr_free(d->name_len);
    wr_buf_free(&d->sval);
    wr_buf_free(&d->skey);
    wr_buf_free(&d->tmp);
    wr_buf_free(&d->raw);
    wr_buf_free(&d->num);
    wr_free(d);
}

static int json_decoder_new(const void *cfgp, const wr_schema *schema, void **out, wr_error *err)
{
    *out = NULL;
    int rc = wr_format_check_schema("json", schema, err);
    if (rc) return rc;
    json_dec *d = wr_calloc(1, sizeof *d);
    if (!d) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    d->cfg = *(const wr_json_config *)cfgp;
    d->schema = schema;
    d->ncols = schema->ncols;
    d->nslots = (uint32_t)wr_next_pow2((uint64_t)d->ncols * 2 + 2);
    d->kinds = wr_calloc((size_t)d->ncols + 1, 1);
    d->seen = wr_calloc((size_t)d->ncols + 1, 1);
    d->slots = wr_calloc(d->nslots, sizeof *d->slots);
    d->name_len = wr_calloc((size_t)d->ncols + 1, sizeof *d->name_len);
    wr_buf_init(&d->sval);
    wr_buf_init(&d->skey);
    wr_buf_init(&d->tmp);
    wr_buf_init(&d->raw);
    wr_buf_init(&d->num);
    if (!d->kinds || !d->seen || !d->slots || !d->name_len) {
        json_decoder_free(d);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    d->guess = UINT32_MAX; /* only the hash table while it is being built */
    for (uint32_t c = 0; c < d->ncols; c++) {
        d->kinds[c] = (uint8_t)kind_of(&schema->cols[c].type);
        const char *name = schema->cols[c].name ? schema->cols[c].name : "";
        size_t n = strlen(name);
        d->name_len[c] = schema->cols[c].name ? n : SIZE_MAX; /* unnamed: never matches */
        if (find_column(d, name, n) >= 0) continue;           /* duplicate name: first wins */
        uint32_t mask = d->nslots - 1;
        uint32_t h = name_hash(name, n) & mask;
        while (d->slots[h])
            h = (h + 1) & mask;
        d->slots[h] = c + 1;
    }
    d->guess = 0;
    *out = d;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Tokenizer
 * ---------------------------------------------------------------------------------------- */
static inline void skip_ws(jp *j)
{
    while (j->i < j->n) {
        char c = j->p[j->i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
        j->i++;
    }
}

/* Describe the byte at the cursor for messages: 'x', "the end of the line", byte 0x01. */
static void describe_here(const jp *j, char *buf, size_t cap)
{
    if (j->i >= j->n) {
        snprintf(buf, cap, "the end of the line");
        return;
    }
    unsigned char c = (unsigned char)j->p[j->i];
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, cap, "'%c'", c);
    else
        snprintf(buf, cap, "byte 0x%02x", c);
}

static int syntax_error(jp *j, wr_error *err, const char *expected)
{
    char found[32];
    describe_here(j, found, sizeof found);
    j->err_pos = j->i;
    return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER, "invalid JSON: expected %s but found %s",
                        expected, found);
}

static int hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        int h = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (h < 0) return -1;
        v = v * 16 + (uint32_t)h;
    }
    *out = v;
    return 0;
}

/* Read the string at the cursor (which is at '"'). Without escapes the result is a view
 * into the line; otherwise it is unescaped into buf. Unpaired surrogates become U+FFFD. */
static int read_string(jp *j, wr_buf *buf, const char **out, size_t *out_len, wr_error *err)
{
    size_t start = ++j->i;
    const char *p = j->p;
    size_t i = start;
    while (i < j->n) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"') {
            *out = p + start;
            *out_len = i - start;
            j->i = i + 1;
            return WR_OK;
        }
        if (c == '\\' || c < 0x20) break;
        i++;
    }
    /* Slow path: escapes. The unescaped text is never longer than the escaped one. */
    wr_buf_clear(buf);
    if (wr_buf_reserve(buf, j->n - start + 4))
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    char *d = buf->ptr;
    size_t o = i - start;
    memcpy(d, p + start, o);
    while (i < j->n) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"') {
            d[o] = 0;
            buf->len = o;
            *out = d;
            *out_len = o;
            j->i = i + 1;
            return WR_OK;
        }
        if (c < 0x20) {
            j->i = i;
            j->err_pos = i;
            return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                                "invalid JSON: control character 0x%02x must be escaped in a "
                                "string",
                                c);
        }
        if (c != '\\') {
            d[o++] = (char)c;
            i++;
            continue;
        }
        if (i + 1 >= j->n) break;
        char e = p[i + 1];
        i += 2;
        switch (e) {
        case '"':
            d[o++] = '"';
            break;
        case '\\':
            d[o++] = '\\';
            break;
        case '/':
            d[o++] = '/';
            break;
        case 'b':
            d[o++] = '\b';
            break;
        case 'f':
            d[o++] = '\f';
            break;
        case 'n':
            d[o++] = '\n';
            break;
        case 'r':
            d[o++] = '\r';
            break;
        case 't':
            d[o++] = '\t';
            break;
        case 'u': {
            uint32_t cp;
            if (i + 4 > j->n || hex4(p + i, &cp) < 0) {
                j->i = i - 2;
                j->err_pos = i - 2;
                return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                                    "invalid JSON: \\u must be followed by four hex digits");
            }
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (i + 6 <= j->n && p[i] == '\\' && p[i + 1] == 'u' && hex4(p + i + 2, &lo) == 0 &&
                    lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            o += wr_utf8_encode(cp, d + o);
            break;
        }
        default:
            j->i = i - 2;
            j->err_pos = i - 2;
            return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                                "invalid JSON: unknown escape '\\%c' in a string",
                                (e >= 0x20 && e < 0x7f) ? e : '?');
        }
    }
    j->i = j->n;
    j->err_pos = start - 1;
    return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                        "invalid JSON: unterminated string (the closing quote is missing)");
}

/* A number by the JSON grammar at the cursor. *is_int: no fraction and no exponent. */
static int read_number(jp *j, const char **out, size_t *out_len, bool *is_int, wr_error *err)
{
    const char *p = j->p;
    size_t i = j->i, start = i, n = j->n;
    bool integral = true;
    if (i < n && p[i] == '-') i++;
    if (i < n && p[i] == '0') {
        i++;
    } else if (i < n && p[i] >= '1' && p[i] <= '9') {
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
    } else {
        j->i = i;
        return syntax_error(j, err, "a digit");
    }
    if (i < n && p[i] == '.') {
        integral = false;
        i++;
        if (i >= n || p[i] < '0' || p[i] > '9') {
            j->i = i;
            return syntax_error(j, err, "a digit after the decimal point");
        }
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        integral = false;
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-')) i++;
        if (i >= n || p[i] < '0' || p[i] > '9') {
            j->i = i;
            return syntax_error(j, err, "a digit in the exponent");
        }
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
    }
    *out = p + start;
    *out_len = i - start;
    *is_int = integral;
    j->i = i;
    return WR_OK;
}

static int read_literal(jp *j, const char *lit, wr_error *err)
{
    size_t len = strlen(lit);
    if (j->n - j->i >= len && memcmp(j->p + j->i, lit, len) == 0) {
        j->i += len;
        return WR_OK;
    }
    return syntax_error(j, err, "a JSON value");
}

/* Walk the value at the cursor without recursion: validate it and, when out is not NULL,
 * append its compact text (no whitespace; strings re-escaped canonically). *count gets the
 * number of elements when the value is an array (for top-level arrays). */
static int walk_value(json_dec *d, jp *j, wr_buf *out, uint32_t *count, wr_error *err)
{
    int depth = 0;
    int rc = WR_OK;
    if (count) *count = 0;
    for (;;) {
        /* A value. */
        skip_ws(j);
        if (j->i >= j->n) return syntax_error(j, err, "a JSON value");
        char c = j->p[j->i];
        bool opened = false;
        if (c == '{' || c == '[') {
            if (depth >= JSON_MAX_DEPTH) {
                j->err_pos = j->i;
                return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                                    "invalid JSON: nesting deeper than %d levels", JSON_MAX_DEPTH);
            }
            d->stack[depth++] = (uint8_t)c;
            if (out && wr_buf_putc(out, c)) goto nomem;
            j->i++;
            skip_ws(j);
            char close = c == '{' ? '}' : ']';
            if (j->i < j->n && j->p[j->i] == close) {
                j->i++;
                depth--;
                if (out && wr_buf_putc(out, close)) goto nomem;
            } else {
                opened = true;
                if (count && depth == 1 && c == '[') (*count)++;
            }
        } else if (c == '"') {
            const char *s;
            size_t n;
            if ((rc = read_string(j, &d->tmp, &s, &n, err))) return rc;
            if (out && wr_buf_append_json_str(out, s, n)) goto nomem;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const char *s;
            size_t n;
            bool is_int;
            if ((rc = read_number(j, &s, &n, &is_int, err))) return rc;
            if (out && wr_buf_append(out, s, n)) goto nomem;
        } else {
            const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
            if ((rc = read_literal(j, lit, err))) return rc;
            if (out && wr_buf_append_c(out, lit)) goto nomem;
        }
        if (opened && d->stack[depth - 1] == '{') goto member_key;
        if (opened) continue;
        /* After a value: close containers or go on with the next element. */
        for (;;) {
            if (depth == 0) return WR_OK;
            skip_ws(j);
            char top = (char)d->stack[depth - 1];
            char close = top == '{' ? '}' : ']';
            if (j->i < j->n && j->p[j->i] == close) {
                j->i++;
                depth--;
                if (out && wr_buf_putc(out, close)) goto nomem;
                continue;
            }
            if (j->i < j->n && j->p[j->i] == ',') {
                j->i++;
                if (out && wr_buf_putc(out, ',')) goto nomem;
                if (count && depth == 1 && top == '[') (*count)++;
                if (top == '{') goto member_key;
                break; /* next array element */
            }
            return syntax_error(j, err, top == '{' ? "',' or '}'" : "',' or ']'");
        }
        continue;
    member_key:
        skip_ws(j);
        if (j->i >= j->n || j->p[j->i] != '"') return syntax_error(j, err, "a field name");
        {
            const char *s;
            size_t n;
            if ((rc = read_string(j, &d->tmp, &s, &n, err))) return rc;
            if (out && wr_buf_append_json_str(out, s, n)) goto nomem;
        }
        skip_ws(j);
        if (j->i >= j->n || j->p[j->i] != ':') return syntax_error(j, err, "':'");
        j->i++;
        if (out && wr_buf_putc(out, ':')) goto nomem;
    }
nomem:
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
}

/* ------------------------------------------------------------------------------------------
 * Values into columns
 * ---------------------------------------------------------------------------------------- */
static const char *col_name(const json_dec *d, uint32_t c)
{
    return d->schema->cols[c].name ? d->schema->cols[c].name : "?";
}

/* Type mismatch: "field 'a': expected an INT but found an object". */
static int mismatch(json_dec *d, uint32_t c, const char *what, wr_error *err)
{
    wr_format_type_error(err, &d->schema->cols[c].type, what);
    wr_error_prefix(err, "field '%s': ", col_name(d, c));
    return WR_EPARSE;
}

static int quoted_mismatch(json_dec *d, uint32_t c, const char *s, size_t n, wr_error *err)
{
    char what[96];
    snprintf(what, sizeof what, "'%.*s%s'", (int)WR_MIN(n, 64), s, n > 64 ? "..." : "");
    return mismatch(d, c, what, err);
}

/* Parse text with wr_value_parse; its message gets the field name. */
static int parse_text(json_dec *d, uint32_t c, const char *s, size_t n, wr_value *v, wr_error *err)
{
    int rc = wr_value_parse(&d->schema->cols[c].type, s, n, v, err);
    if (rc == WR_OK) return WR_OK;
    if (rc == WR_ENOMEM) return rc;
    if (err) err->code = WR_EPARSE;
    wr_error_prefix(err, "field '%s': ", col_name(d, c));
    return WR_EPARSE;
}

static bool digits_only(const char *s, size_t n)
{
    size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (i == n) return false;
    for (; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* Rewrite a JSON number with an exponent in plain notation ("1.5e2" -> "150", "1e-3" ->
 * "0.001") for the DECIMAL parser. Exponents beyond +-400 are out of any DECIMAL range. */
static int plain_number(json_dec *d, const char *s, size_t n, const char **out, size_t *out_len)
{
    wr_buf *b = &d->num;
    wr_buf_clear(b);
    size_t i = 0;
    bool neg = s[0] == '-';
    if (neg) i++;
    char digits[96];
    size_t nd = 0;
    long point = -1; /* digits before the decimal point */
    for (; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
        if (s[i] == '.') {
            point = (long)nd;
            continue;
        }
        if (nd >= sizeof digits) return WR_EOVERFLOW;
        digits[nd++] = s[i];
    }
    if (point < 0) point = (long)nd;
    long exp = 0;
    if (i < n) {
        i++;
        bool eneg = false;
        if (s[i] == '+' || s[i] == '-') eneg = s[i++] == '-';
        for (; i < n; i++) {
            exp = exp * 10 + (s[i] - '0');
            if (exp > 400) return WR_EOVERFLOW;
        }
        if (eneg) exp = -exp;
    }
    point += exp;
    int rc = neg ? wr_buf_putc(b, '-') : WR_OK;
    if (point <= 0) {
        rc = rc ? rc : wr_buf_append_c(b, "0.");
        for (long k = 0; !rc && k < -point; k++)
            rc = wr_buf_putc(b, '0');
        if (!rc) rc = wr_buf_append(b, digits, nd);
    } else if ((size_t)point >= nd) {
        rc = rc ? rc : wr_buf_append(b, digits, nd);
        for (long k = 0; !rc && k < point - (long)nd; k++)
            rc = wr_buf_putc(b, '0');
    } else {
        rc = rc ? rc : wr_buf_append(b, digits, (size_t)point);
        if (!rc) rc = wr_buf_putc(b, '.');
        if (!rc) rc = wr_buf_append(b, digits + point, nd - (size_t)point);
    }
    if (rc) return rc;
    *out = b->ptr;
    *out_len = b->len;
    return WR_OK;
}

static int integer_range(const wr_type *t, int64_t *lo, int64_t *hi)
{
    switch ((wr_type_id)t->id) {
    case WR_TYPE_TINYINT:
        *lo = INT8_MIN, *hi = INT8_MAX;
        break;
    case WR_TYPE_SMALLINT:
        *lo = INT16_MIN, *hi = INT16_MAX;
        break;
    case WR_TYPE_INT:
        *lo = INT32_MIN, *hi = INT32_MAX;
        break;
    default:
        *lo = INT64_MIN, *hi = INT64_MAX;
        break;
    }
    return WR_OK;
}

static int out_of_range(json_dec *d, uint32_t c, const char *s, size_t n, wr_error *err)
{
    wr_buf tn;
    wr_buf_init(&tn);
    wr_type plain = d->schema->cols[c].type;
    plain.nullable = true;
    plain.time_attr = WR_TIME_ATTR_NONE;
    wr_type_format(&plain, &tn);
    wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                 "field '%s': value '%.*s%s' is out of range for %s", col_name(d, c),
                 (int)WR_MIN(n, 64), s, n > 64 ? "..." : "", tn.ptr);
    wr_buf_free(&tn);
    return WR_EPARSE;
}

/* A JSON number token into column c. */
static int number_value(json_dec *d, uint32_t c, const char *s, size_t n, bool is_int, wr_value *v,
                        wr_error *err)
{
    const wr_type *t = &d->schema->cols[c].type;
    switch ((jcol_kind)d->kinds[c]) {
    case JK_INTEGER: {
        int64_t lo, hi;
        integer_range(t, &lo, &hi);
        if (is_int) {
            int rc = wr_value_parse(t, s, n, v, NULL);
            if (rc) return out_of_range(d, c, s, n, err);
            return WR_OK;
        }
        /* As Jackson's int conversion of a floating-point node: truncate, range checked. */
        char tmp[512];
        if (n >= sizeof tmp) return out_of_range(d, c, s, n, err);
        memcpy(tmp, s, n);
        tmp[n] = 0;
        double x = trunc(strtod(tmp, NULL));
        if (!(x >= (double)lo && x <= (double)hi) || (hi == INT64_MAX && x >= 0x1p63))
            return out_of_range(d, c, s, n, err);
        v->i = (int64_t)x;
        return WR_OK;
    }
    case JK_FLOAT:
        return parse_text(d, c, s, n, v, err);
    case JK_DECIMAL:
        if (!is_int && (memchr(s, 'e', n) || memchr(s, 'E', n))) {
            const char *ps;
            size_t pn;
            int rc = plain_number(d, s, n, &ps, &pn);
            if (rc == WR_ENOMEM) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory");
            if (rc) return out_of_range(d, c, s, n, err);
            return parse_text(d, c, ps, pn, v, err);
        }
        return parse_text(d, c, s, n, v, err);
    case JK_STRING:
        v->s = wr_strv_make(s, (uint32_t)n);
        return WR_OK;
    case JK_INTERVAL: {
        if (!is_int) return quoted_mismatch(d, c, s, n, err);
        wr_type bt = wr_type_make(WR_TYPE_BIGINT);
        if (wr_value_parse(&bt, s, n, v, NULL)) return out_of_range(d, c, s, n, err);
        /* Flink's JSON carries INTERVAL YEAR TO MONTH as months and DAY TO SECOND as ms. */
        if (t->id == WR_TYPE_INTERVAL_YM) {
            if (v->i < INT32_MIN || v->i > INT32_MAX) return out_of_range(d, c, s, n, err);
        } else if (__builtin_mul_overflow(v->i, 1000, &v->i)) {
            return out_of_range(d, c, s, n, err);
        }
        return WR_OK;
    }
    default: {
        char what[96];
        snprintf(what, sizeof what, "the number %.*s%s", (int)WR_MIN(n, 64), s,
                 n > 64 ? "..." : "");
        return mismatch(d, c, what, err);
    }
    }
}

/* Check the date/time separator of a TIMESTAMP string against the configured standard. */
static int check_ts_standard(json_dec *d, uint32_t c, const char *s, size_t n, wr_error *err)
{
    wr_slice t = wr_slice_trim((wr_slice){s, n});
    const char *sep = NULL;
    for (size_t i = 1; i < t.len; i++) {
        char ch = t.ptr[i];
        if (ch == ' ' || ch == 'T') {
            sep = t.ptr + i;
            break;
        }
    }
    if (!sep) return WR_OK;
    bool iso = d->cfg.ts_standard == WR_JSON_TS_ISO_8601;
    if ((iso && *sep == 'T') || (!iso && *sep == ' ')) return WR_OK;
    char what[160];
    snprintf(what, sizeof what, "'%.*s%s' (json.timestamp-format.standard is %s: '%s')",
             (int)WR_MIN(n, 64), s, n > 64 ? "..." : "", iso ? "ISO-8601" : "SQL",
             iso ? "2024-01-02T03:04:05.678" : "2024-01-02 03:04:05.678");
    return mismatch(d, c, what, err);
}

/* A JSON string token into column c (strings are views into the line or d->sval). */
static int string_value(json_dec *d, uint32_t c, wr_batch *b, uint32_t row, const char *s, size_t n,
                        wr_value *v, bool *stored, wr_error *err)
{
    *stored = false;
    switch ((jcol_kind)d->kinds[c]) {
    case JK_STRING:
        if (n > UINT32_MAX)
            return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER, "field '%s': string too long",
                                col_name(d, c));
        v->s = wr_strv_make(s, (uint32_t)n);
        return WR_OK;
    case JK_BINARY: {
        if (n > UINT32_MAX) return quoted_mismatch(d, c, s, n, err);
        uint8_t *dst = wr_arena_alloc_aligned(&b->arena, n / 4 * 3 + 3, 1);
        if (!dst) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        size_t len;
        if (wr_base64_decode(s, n, dst, &len)) {
            char what[96];
            snprintf(what, sizeof what, "'%.*s%s' (not base64)", (int)WR_MIN(n, 40), s,
                     n > 40 ? "..." : "");
            return mismatch(d, c, what, err);
        }
        wr_vec *vec = &b->cols[c];
        WR_VEC_STR(vec)[row] = wr_strv_make((const char *)dst, (uint32_t)len);
        wr_vec_set_valid(vec, row, true);
        *stored = true;
        return WR_OK;
    }
    case JK_TIMESTAMP: {
        int rc = check_ts_standard(d, c, s, n, err);
        return rc ? rc : parse_text(d, c, s, n, v, err);
    }
    case JK_INTERVAL: {
        wr_slice t = wr_slice_trim((wr_slice){s, n});
        if (digits_only(t.ptr, t.len)) {
            bool is_int = true;
            return number_value(d, c, t.ptr, t.len, is_int, v, err);
        }
        return parse_text(d, c, s, n, v, err);
    }
    case JK_NULL:
        v->is_null = true;
        return WR_OK;
    default:
        return parse_text(d, c, s, n, v, err);
    }
}

/* The value at the cursor into row `row`, column c. */
static int decode_value(json_dec *d, jp *j, uint32_t c, wr_batch *b, uint32_t row, wr_error *err)
{
    wr_value v;
    memset(&v, 0, sizeof v);
    size_t vstart = j->i;
    char ch = j->p[j->i];
    int rc = WR_OK;
    bool stored = false;
    if (ch == '"') {
        const char *s;
        size_t n;
        if ((rc = read_string(j, &d->sval, &s, &n, err))) return rc;
        rc = string_value(d, c, b, row, s, n, &v, &stored, err);
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
        const char *s;
        size_t n;
        bool is_int;
        if ((rc = read_number(j, &s, &n, &is_int, err))) return rc;
        rc = number_value(d, c, s, n, is_int, &v, err);
    } else if (ch == 't' || ch == 'f') {
        bool val = ch == 't';
        if ((rc = read_literal(j, val ? "true" : "false", err))) return rc;
        if (d->kinds[c] == JK_BOOLEAN)
            v.b = val;
        else if (d->kinds[c] == JK_STRING)
            v.s = val ? wr_strv_make("true", 4) : wr_strv_make("false", 5);
        else if (d->kinds[c] == JK_NULL)
            v.is_null = true;
        else
            rc = mismatch(d, c, val ? "true" : "false", err);
    } else if (ch == 'n') {
        if ((rc = read_literal(j, "null", err))) return rc;
        v.is_null = true;
    } else if (ch == '{' || ch == '[') {
        bool keep = d->kinds[c] == JK_STRING;
        if (keep) wr_buf_clear(&d->raw);
        if ((rc = walk_value(d, j, keep ? &d->raw : NULL, NULL, err))) return rc;
        if (keep)
            v.s = wr_strv_make(d->raw.ptr, (uint32_t)WR_MIN(d->raw.len, UINT32_MAX));
        else if (d->kinds[c] == JK_NULL)
            v.is_null = true;
        else
            rc = mismatch(d, c, ch == '{' ? "an object" : "an array", err);
    } else {
        return syntax_error(j, err, "a JSON value");
    }
    if (rc) {
        if (rc != WR_ENOMEM) j->err_pos = vstart;
        return rc;
    }
    if (stored) return WR_OK;
    if (v.is_null && !d->schema->cols[c].type.nullable) {
        j->err_pos = vstart;
        return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                            "field '%s' is null but the column is NOT NULL", col_name(d, c));
    }
    rc = wr_batch_set(b, c, row, &v);
    if (rc) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory");
    return WR_OK;
}

/* The object at the cursor into row `row`. */
static int decode_object(json_dec *d, jp *j, wr_batch *b, uint32_t row, wr_error *err)
{
    size_t obj_start = j->i;
    memset(d->seen, 0, d->ncols);
    d->guess = 0;
    j->i++; /* '{' */
    skip_ws(j);
    int rc;
    if (j->i < j->n && j->p[j->i] == '}') {
        j->i++;
    } else {
        for (;;) {
            skip_ws(j);
            if (j->i >= j->n || j->p[j->i] != '"') return syntax_error(j, err, "a field name");
            const char *key;
            size_t klen;
            if ((rc = read_string(j, &d->skey, &key, &klen, err))) return rc;
            skip_ws(j);
            if (j->i >= j->n || j->p[j->i] != ':') return syntax_error(j, err, "':'");
            j->i++;
            skip_ws(j);
            if (j->i >= j->n) return syntax_error(j, err, "a JSON value");
            int c = find_column(d, key, klen);
            if (c >= 0) {
                if ((rc = decode_value(d, j, (uint32_t)c, b, row, err))) return rc;
                d->seen[c] = 1;
            } else if ((rc = walk_value(d, j, NULL, NULL, err))) {
                return rc;
            }
            skip_ws(j);
            if (j->i < j->n && j->p[j->i] == ',') {
                j->i++;
                continue;
            }
            if (j->i < j->n && j->p[j->i] == '}') {
                j->i++;
                break;
            }
            return syntax_error(j, err, "',' or '}'");
        }
    }
    for (uint32_t c = 0; c < d->ncols; c++) {
        if (d->seen[c]) continue;
        if (d->cfg.fail_on_missing_field) {
            j->err_pos = obj_start;
            return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                                "missing field '%s' (json.fail-on-missing-field is true)",
                                col_name(d, c));
        }
        if (!d->schema->cols[c].type.nullable) {
            j->err_pos = obj_start;
            return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                                "missing field '%s' but the column is NOT NULL", col_name(d, c));
        }
        wr_value nv = {.is_null = true};
        wr_batch_set(b, c, row, &nv);
    }
    b->rowkind[row] = WR_RK_INSERT;
    return WR_OK;
}

/* One line: an object, or an array of objects. Appends rows to b; on error the rows of
 * this line are not kept. *full: the line's rows do not fit into what is left of b. */
static int decode_line(json_dec *d, jp *j, wr_batch *b, bool *full, wr_error *err)
{
    *full = false;
    skip_ws(j);
    if (j->i >= j->n) return WR_OK; /* blank line */
    char c = j->p[j->i];
    int rc;
    uint32_t first = b->len;
    if (c == '{') {
        if ((rc = decode_object(d, j, b, b->len, err))) return rc;
        b->len++;
    } else if (c == '[') {
        /* Count the elements first, so that an array that does not fit waits for the next
         * batch instead of being split. */
        jp probe = *j;
        uint32_t count;
        if ((rc = walk_value(d, &probe, NULL, &count, err))) {
            j->err_pos = probe.err_pos;
            return rc;
        }
        if (count > b->cap - b->len) {
            if (b->len > 0) {
                *full = true;
                return WR_OK;
            }
            j->err_pos = j->i;
            return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                                "a top-level JSON array of %u elements does not fit into a batch "
                                "of %u rows",
                                count, b->cap);
        }
        j->i++;
        skip_ws(j);
        if (j->i < j->n && j->p[j->i] == ']') {
            j->i++;
        } else {
            for (;;) {
                skip_ws(j);
                if (j->i >= j->n || j->p[j->i] != '{') {
                    rc = syntax_error(j, err, "a JSON object as array element");
                    goto fail;
                }
                if ((rc = decode_object(d, j, b, b->len, err))) goto fail;
                b->len++;
                skip_ws(j);
                if (j->i < j->n && j->p[j->i] == ',') {
                    j->i++;
                    continue;
                }
                if (j->i < j->n && j->p[j->i] == ']') {
                    j->i++;
                    break;
                }
                rc = syntax_error(j, err, "',' or ']'");
                goto fail;
            }
        }
    } else {
        return syntax_error(j, err, "a JSON object");
    }
    skip_ws(j);
    if (j->i < j->n) {
        rc = syntax_error(j, err, "the end of the line after the JSON value");
        goto fail;
    }
    return WR_OK;
fail:
    b->len = first;
    return rc;
}

static int json_decode(void *dp, const char *p, size_t n, bool eof, wr_batch *b,
                       wr_decode_result *res, wr_error *err)
{
    json_dec *d = dp;
    memset(res, 0, sizeof *res);
    size_t pos = 0;
    while (pos < n && b->len < b->cap) {
        const char *line = p + pos;
        const char *nl = memchr(line, '\n', n - pos);
        if (!nl && !eof) {
            res->need_more = true;
            break;
        }
        size_t len = nl ? (size_t)(nl - line) : n - pos;
        jp j = {.p = line, .n = len, .i = 0};
        uint32_t before = b->len;
        bool full;
        int rc = decode_line(d, &j, b, &full, err);
        if (rc == WR_ENOMEM) return rc;
        if (rc == WR_OK && full) {
            res->full = true;
            break;
        }
        if (rc) {
            if (!d->cfg.ignore_parse_errors) {
                res->err_line = res->lines;
                res->err_col = (uint32_t)WR_MIN(j.err_pos + 1, (size_t)UINT32_MAX);
                return WR_EPARSE;
            }
            res->skipped++;
            b->len = before;
        }
        res->rows += b->len - before;
        pos += len + (nl ? 1 : 0);
        res->lines += nl ? 1 : 0;
        res->consumed = pos;
    }
    if (pos < n && b->len >= b->cap) res->full = true;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Encoder
 * ---------------------------------------------------------------------------------------- */
typedef struct json_enc {
    wr_json_config cfg;
    const wr_schema *schema;
    wr_buf keys;     /* "\"name\":" of every column, back to back */
    size_t *key_off; /* ncols + 1 offsets into keys */
    wr_buf scratch;
} json_enc;

static void json_encoder_free(void *p)
{
    json_enc *e = p;
    if (!e) return;
    wr_buf_free(&e->keys);
    wr_buf_free(&e->scratch);
    wr_free(e->key_off);
    wr_free(e);
}

static int json_encoder_new(const void *cfgp, const wr_schema *schema, void **out, wr_error *err)
{
    *out = NULL;
    int rc = wr_format_check_schema("json", schema, err);
    if (rc) return rc;
    json_enc *e = wr_calloc(1, sizeof *e);
    if (!e) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    e->cfg = *(const wr_json_config *)cfgp;
    e->schema = schema;
    wr_buf_init(&e->keys);
    wr_buf_init(&e->scratch);
    e->key_off = wr_calloc((size_t)schema->ncols + 1, sizeof *e->key_off);
    if (!e->key_off) goto nomem;
    for (uint32_t c = 0; c < schema->ncols; c++) {
        e->key_off[c] = e->keys.len;
        const char *name = schema->cols[c].name ? schema->cols[c].name : "";
        if (wr_buf_append_json_str(&e->keys, name, strlen(name)) || wr_buf_putc(&e->keys, ':'))
            goto nomem;
    }
    e->key_off[schema->ncols] = e->keys.len;
    *out = e;
    return WR_OK;
nomem:
    json_encoder_free(e);
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
}

/* java.math.BigDecimal.toString: scientific notation when the adjusted exponent is below
 * -6 ("1E-8", "0E-10"), which is what Flink writes unless decimal-as-plain-number. */
static int put_decimal(const json_enc *e, const wr_type *t, wr_i128 v, wr_buf *out)
{
    if (e->cfg.encode_decimal_as_plain_number) return wr_decimal_format(v, t->scale, out);
    char digits[48];
    int nd = 0;
    bool neg = v < 0;
    unsigned __int128 mag =
        neg ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    do {
        digits[nd++] = (char)('0' + (int)(mag % 10));
        mag /= 10;
    } while (mag);
    int adjusted = (nd - 1) - t->scale;
    if (adjusted >= -6) return wr_decimal_format(v, t->scale, out);
    int rc = neg ? wr_buf_putc(out, '-') : WR_OK;
    if (!rc) rc = wr_buf_putc(out, digits[nd - 1]);
    if (!rc && nd > 1) {
        rc = wr_buf_putc(out, '.');
        for (int k = nd - 2; !rc && k >= 0; k--)
            rc = wr_buf_putc(out, digits[k]);
    }
    if (!rc) rc = wr_buf_printf(out, "E%d", adjusted);
    return rc;
}

static int put_value(const json_enc *e, const wr_vec *v, uint32_t r, wr_buf *out)
{
    const wr_type *t = &v->type;
    switch ((wr_type_id)t->id) {
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR: {
        wr_strv s = WR_VEC_STR(v)[r];
        return wr_buf_append_json_str(out, s.ptr, s.len);
    }
    case WR_TYPE_DECIMAL:
        return put_decimal(
            e, t, t->precision <= WR_DECIMAL64_MAX_PRECISION ? WR_VEC_I64(v)[r] : WR_VEC_I128(v)[r],
            out);
    case WR_TYPE_TIMESTAMP:
    case WR_TYPE_TIMESTAMP_LTZ: {
        char sep = e->cfg.ts_standard == WR_JSON_TS_ISO_8601 ? 'T' : ' ';
        int rc = wr_buf_putc(out, '"');
        if (!rc) rc = wr_format_timestamp(WR_VEC_I64(v)[r], t->precision, sep, out);
        if (!rc && t->id == WR_TYPE_TIMESTAMP_LTZ) rc = wr_buf_putc(out, 'Z');
        if (!rc) rc = wr_buf_putc(out, '"');
        return rc;
    }
    case WR_TYPE_INTERVAL_YM:
        return wr_buf_printf(out, "%" PRId32, WR_VEC_I32(v)[r]);
    case WR_TYPE_INTERVAL_DT:
        return wr_buf_printf(out, "%" PRId64, wr_floor_div(WR_VEC_I64(v)[r], 1000));
    default:
        return wr_vec_format(v, r, WR_STYLE_JSON, out);
    }
}

static int json_encode(void *ep, const wr_batch *b, uint32_t from, uint32_t to, wr_buf *out,
                       wr_error *err)
{
    json_enc *e = ep;
    int rc = WR_OK;
    for (uint32_t r = from; r < to && rc == WR_OK; r++) {
        rc = wr_buf_putc(out, '{');
        bool first = true;
        for (uint32_t c = 0; c < b->ncols && rc == WR_OK; c++) {
            const wr_vec *v = &b->cols[c];
            bool valid = v->phys != WR_PHYS_NONE && wr_vec_valid(v, r);
            if (!valid && e->cfg.encode_ignore_null_fields) continue;
            if (!first) rc = wr_buf_putc(out, ',');
            first = false;
            if (!rc)
                rc = wr_buf_append(out, e->keys.ptr + e->key_off[c],
                                   e->key_off[c + 1] - e->key_off[c]);
            if (rc) break;
            rc = valid ? put_value(e, v, r, out) : wr_buf_append_c(out, "null");
        }
        if (!rc) rc = wr_buf_append_c(out, "}\n");
    }
    if (rc)
        return wr_error_set(err, rc, rc == WR_ENOMEM ? WR_DOMAIN_INTERNAL : WR_DOMAIN_USER,
                            "json: cannot encode a row: %s", wr_err_str(rc));
    return WR_OK;
}

const wr_format_vt wr_format_json = {
    .abi_version = WR_FORMAT_ABI_VERSION,
    .name = "json",
    .description = "JSON lines: one object per line with the columns as fields, as Flink's json "
                   "format",
    .file_ext = "json",
    .config_size = sizeof(wr_json_config),
    .config_init = json_config_init,
    .decoder_new = json_decoder_new,
    .decode = json_decode,
    .decoder_free = json_decoder_free,
    .encoder_new = json_encoder_new,
    .encode = json_encode,
    .encoder_free = json_encoder_free,
};
