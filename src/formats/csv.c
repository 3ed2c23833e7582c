/* csv.c - Flink's `csv` format: RFC 4180 records without a header line, a configurable
 * field delimiter and quote character (or none), an optional escape character, '#'
 * comment lines, a null literal, and ignore-parse-errors. The decoder splits a record into
 * field spans in one pass over the buffer (a quoted field may hold delimiters and line
 * breaks, so records are found by the same scan, never by searching for '\n'), then parses
 * each field by its column type straight into the batch: an empty field is NULL for every
 * type but CHAR/VARCHAR (which get ""), BYTES are base64. The encoder writes the CSV text
 * forms of types.h, quoting a field only when it holds the delimiter, the quote or escape
 * character, or a line break. */
#include "formats/formats.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------
 * Configuration
 * ---------------------------------------------------------------------------------------- */
static void csv_config_init(void *p)
{
    wr_csv_config *c = p;
    memset(c, 0, sizeof *c);
    c->field_delimiter = ',';
    c->quote_char = '"';
    c->escape_char = -1;
    strcpy(c->array_element_delimiter, ";");
}

/* ------------------------------------------------------------------------------------------
 * Decoder
 * ---------------------------------------------------------------------------------------- */
typedef struct csv_field {
    size_t start;  /* offset of the field's content in the record (inside the quotes) */
    size_t len;    /* content length, escapes not yet resolved */
    uint64_t line; /* line of the field's first byte, counted from the record start */
    uint32_t col;  /* 1-based column of the field's first byte (the quote if quoted) */
    bool quoted;
    bool needs_unescape; /* doubled quotes or escape characters inside */
} csv_field;

typedef enum col_kind { COL_STRING, COL_BINARY, COL_NULL, COL_INTERVAL, COL_PARSED } col_kind;

typedef struct csv_dec {
    wr_csv_config cfg;
    const wr_schema *schema;
    uint32_t ncols;
    csv_field *fields; /* ncols + 1 slots: one more to notice extra fields */
    uint8_t *kinds;    /* col_kind per column */
    wr_buf scratch;    /* unescaped field text, base64 output */
} csv_dec;

/* How a record scan ended. */
typedef enum scan_status { SCAN_OK, SCAN_NEED_MORE, SCAN_ERROR } scan_status;

typedef struct scan_state {
    const char *p; /* record start */
    size_t n;      /* bytes available from p */
    bool eof;
    size_t end;     /* on SCAN_OK: record length including its line break */
    uint64_t lines; /* line breaks in the record */
    uint32_t nfields;
    uint64_t err_line; /* on SCAN_ERROR */
    uint32_t err_col;
} scan_state;

static int csv_decoder_new(const void *cfgp, const wr_schema *schema, void **out, wr_error *err)
{
    const wr_csv_config *cfg = cfgp;
    *out = NULL;
    int rc = wr_format_check_schema("csv", schema, err);
    if (rc) return rc;
    csv_dec *d = wr_calloc(1, sizeof *d);
    if (!d) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    d->cfg = *cfg;
    d->schema = schema;
    d->ncols = schema->ncols;
    d->fields = wr_calloc((size_t)d->ncols + 1, sizeof *d->fields);
    d->kinds = wr_calloc((size_t)d->ncols + 1, 1);
    wr_buf_init(&d->scratch);
    if (!d->fields || !d->kinds) {
        wr_free(d->fields);
        wr_free(d->kinds);
        wr_free(d);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    for (uint32_t c = 0; c < d->ncols; c++) {
        const wr_type *t = &schema->cols[c].type;
        d->kinds[c] = wr_type_is_string(t)    ? COL_STRING
                      : wr_type_is_binary(t)  ? COL_BINARY
                      : t->id == WR_TYPE_NULL ? COL_NULL
                      : (t->id == WR_TYPE_INTERVAL_YM || t->id == WR_TYPE_INTERVAL_DT)
                          ? COL_INTERVAL
                          : COL_PARSED;
    }
    *out = d;
    return WR_OK;
}

static void csv_decoder_free(void *p)
{
    csv_dec *d = p;
    if (!d) return;
    wr_buf_free(&d->scratch);
    wr_free(d->fields);
    wr_free(d->kinds);
    wr_free(d);
}

static void note_field(csv_dec *d, scan_state *s, size_t start, size_t len, uint64_t line,
                       uint32_t col, bool quoted, bool unesc)
{
    if (s->nfields <= d->ncols) {
        csv_field *f = &d->fields[s->nfields];
        f->start = start;
        f->len = len;
        f->line = line;
        f->col = col;
        f->quoted = quoted;
        f->needs_unescape = unesc;
    }
    if (s->nfields < UINT32_MAX) s->nfields++;
}

static scan_status scan_error(scan_state *s, uint64_t line, size_t line_start, size_t pos)
{
    s->err_line = line;
    size_t col = pos - line_start + 1;
    s->err_col = col > UINT32_MAX ? UINT32_MAX : (uint32_t)col;
    return SCAN_ERROR;
}

/* Split the record at s->p into fields (d->fields). On SCAN_ERROR err says what. */
static scan_status scan_record(csv_dec *d, scan_state *s, wr_error *err)
{
    const char *p = s->p;
    size_t n = s->n, i = 0, line_start = 0;
    uint64_t line = 0;
    const char delim = d->cfg.field_delimiter;
    const int quote = d->cfg.disable_quote ? -1 : (unsigned char)d->cfg.quote_char;
    const int esc = d->cfg.escape_char;
    s->nfields = 0;
    for (;;) {
        size_t fstart = i;
        uint64_t fline = line;
        uint32_t fcol = (uint32_t)WR_MIN(i - line_start + 1, (size_t)UINT32_MAX);
        bool unesc = false;
        if (quote >= 0 && i < n && (unsigned char)p[i] == quote) {
            size_t cstart = ++i, cend;
            for (;;) {
                if (i >= n) {
                    if (!s->eof) return SCAN_NEED_MORE;
                    wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                                 "unterminated quoted field (the closing %c is missing)",
                                 (char)quote);
                    return scan_error(s, fline, fstart - (fcol - 1), fstart);
                }
                unsigned char c = (unsigned char)p[i];
                if (esc >= 0 && c == esc) {
                    if (i + 1 >= n) {
                        if (!s->eof) return SCAN_NEED_MORE;
                        i++;
                        continue; /* reported as unterminated above */
                    }
                    if (p[i + 1] == '\n') {
                        line++;
                        line_start = i + 2;
                    }
                    i += 2;
                    unesc = true;
                    continue;
                }
                if (c == quote) {
                    if (i + 1 >= n && !s->eof) return SCAN_NEED_MORE;
                    if (i + 1 < n && (unsigned char)p[i + 1] == quote) {
                        i += 2;
                        unesc = true;
                        continue;
                    }
                    cend = i++;
                    break;
                }
                if (c == '\n') {
                    line++;
                    line_start = i + 1;
                }
                i++;
            }
            /* After the closing quote: a delimiter, a line break, or the end. */
            if (i < n && p[i] == '\r' && i + 1 >= n && !s->eof) return SCAN_NEED_MORE;
            if (i < n && p[i] != delim && p[i] != '\n' &&
                !(p[i] == '\r' && (i + 1 == n || p[i + 1] == '\n'))) {
                unsigned char bad = (unsigned char)p[i];
                if (bad >= 0x20 && bad < 0x7f)
                    wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                                 "expected a field delimiter or the end of the line after "
                                 "the closing quote but found '%c'",
                                 bad);
                else
                    wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                                 "expected a field delimiter or the end of the line after "
                                 "the closing quote but found byte 0x%02x",
                                 bad);
                return scan_error(s, line, line_start, i);
            }
            note_field(d, s, cstart, cend - cstart, fline, fcol, true, unesc);
        } else {
            for (;;) {
                if (i >= n) {
                    if (!s->eof) return SCAN_NEED_MORE;
                    break;
                }
                char c = p[i];
                if (c == delim || c == '\n') break;
                if (esc >= 0 && (unsigned char)c == esc) {
                    if (i + 1 >= n && !s->eof) return SCAN_NEED_MORE;
                    if (i + 1 < n && p[i + 1] == '\n') {
                        line++;
                        line_start = i + 2;
                    }
                    i = i + 2 <= n ? i + 2 : n;
                    unesc = true;
                    continue;
                }
                i++;
            }
            size_t len = i - fstart;
            /* CRLF: the CR belongs to the line break, not to the field. */
            if (len > 0 && p[i - 1] == '\r' && (i == n || p[i] == '\n')) len--;
            note_field(d, s, fstart, len, fline, fcol, false, unesc);
        }
        if (i < n && p[i] == delim) {
            i++;
            continue;
        }
        if (i < n && p[i] == '\r') i++; /* CR before LF after a quoted field */
        if (i < n && p[i] == '\n') {
            i++;
            line++;
        }
        break;
    }
    s->end = i;
    s->lines = line;
    return SCAN_OK;
}

/* The text of a field with doubled quotes and escapes resolved (into d->scratch). */
static int field_text(csv_dec *d, const char *rec, const csv_field *f, const char **out,
                      size_t *out_len)
{
    const char *src = rec + f->start;
    if (!f->needs_unescape) {
        *out = src;
        *out_len = f->len;
        return WR_OK;
    }
    wr_buf_clear(&d->scratch);
    int rc = wr_buf_reserve(&d->scratch, f->len + 1);
    if (rc) return rc;
    char *dst = d->scratch.ptr;
    size_t o = 0;
    const int quote = d->cfg.disable_quote ? -1 : (unsigned char)d->cfg.quote_char;
    const int esc = d->cfg.escape_char;
    for (size_t i = 0; i < f->len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (esc >= 0 && c == esc && i + 1 < f->len) {
            char e = src[++i];
            /* The escapes Jackson's CSV reader resolves; others stand for themselves. */
            switch (e) {
            case 'n':
                e = '\n';
                break;
            case 'r':
                e = '\r';
                break;
            case 't':
                e = '\t';
                break;
            case '0':
                e = '\0';
                break;
            default:
                break;
            }
            dst[o++] = e;
        } else if (f->quoted && c == quote && i + 1 < f->len &&
                   (unsigned char)src[i + 1] == quote) {
            dst[o++] = (char)c;
            i++;
        } else {
            dst[o++] = (char)c;
        }
    }
    dst[o] = 0;
    d->scratch.len = o;
    *out = dst;
    *out_len = o;
    return WR_OK;
}

static bool is_null_text(const csv_dec *d, const char *s, size_t n)
{
    return d->cfg.has_null_literal && strlen(d->cfg.null_literal) == n &&
           memcmp(d->cfg.null_literal, s, n) == 0;
}

/* An interval written as a plain integer: months (YEAR TO MONTH) or ms (DAY TO SECOND). */
static int interval_number(const wr_type *t, const char *s, size_t n, wr_value *v)
{
    wr_type bt = wr_type_make(WR_TYPE_BIGINT);
    wr_slice tr = wr_slice_trim((wr_slice){s, n});
    size_t i = tr.len && (tr.ptr[0] == '-' || tr.ptr[0] == '+') ? 1 : 0;
    if (i == tr.len) return WR_EPARSE;
    for (; i < tr.len; i++)
        if (tr.ptr[i] < '0' || tr.ptr[i] > '9') return WR_EPARSE;
    if (wr_value_parse(&bt, tr.ptr, tr.len, v, NULL)) return WR_EPARSE;
    if (t->id == WR_TYPE_INTERVAL_YM) return v->i >= INT32_MIN && v->i <= INT32_MAX ? 0 : WR_EPARSE;
    return __builtin_mul_overflow(v->i, 1000, &v->i) ? WR_EPARSE : WR_OK;
}

/* Fill row `row` of b from the fields. On error, *bad is the failing field. */
static int decode_fields(csv_dec *d, const char *rec, wr_batch *b, uint32_t row,
                         const csv_field **bad, wr_error *err)
{
    for (uint32_t c = 0; c < d->ncols; c++) {
        const csv_field *f = &d->fields[c];
        const wr_type *t = &d->schema->cols[c].type;
        const char *s;
        size_t n;
        *bad = f;
        int rc = field_text(d, rec, f, &s, &n);
        if (rc) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory");
        wr_value v;
        memset(&v, 0, sizeof v);
        uint8_t kind = d->kinds[c];
        if (is_null_text(d, s, n) || kind == COL_NULL || (n == 0 && kind != COL_STRING)) {
            v.is_null = true;
        } else if (kind == COL_STRING) {
            if (n > UINT32_MAX)
                return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER, "field is too long");
            v.s = wr_strv_make(s, (uint32_t)n);
        } else if (kind == COL_BINARY) {
            uint8_t *dst = wr_arena_alloc_aligned(&b->arena, n / 4 * 3 + 3, 1);
            if (!dst) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            size_t len;
            wr_slice tr = wr_slice_trim((wr_slice){s, n});
            if (wr_base64_decode(tr.ptr, tr.len, dst, &len) != WR_OK) {
                char what[96];
                snprintf(what, sizeof what, "'%.*s%s' (not base64)", (int)WR_MIN(n, 40), s,
                         n > 40 ? "..." : "");
                return wr_format_type_error(err, t, what);
            }
            /* Already in the arena: store the view without a second copy. */
            wr_vec *vec = &b->cols[c];
            WR_VEC_STR(vec)[row] = wr_strv_make((const char *)dst, (uint32_t)len);
            wr_vec_set_valid(vec, row, true);
            continue;
        } else if (kind == COL_INTERVAL && interval_number(t, s, n, &v) == WR_OK) {
            /* Flink's csv writes intervals as numbers: months, or milliseconds. */
        } else {
            rc = wr_value_parse(t, s, n, &v, err);
            if (rc) {
                if (err && err->code != WR_ENOMEM) err->code = WR_EPARSE;
                return rc == WR_ENOMEM ? rc : WR_EPARSE;
            }
        }
        if (v.is_null && !t->nullable)
            return wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER,
                                "column '%s' is NOT NULL but the field is %s",
                                d->schema->cols[c].name, n == 0 ? "empty" : "the null literal");
        rc = wr_batch_set(b, c, row, &v);
        if (rc) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory");
    }
    b->rowkind[row] = WR_RK_INSERT;
    return WR_OK;
}

/* Bytes up to and including the next line break from p (or all when there is none). */
static size_t to_line_end(const char *p, size_t n, bool *found)
{
    const char *nl = memchr(p, '\n', n);
    *found = nl != NULL;
    return nl ? (size_t)(nl - p) + 1 : n;
}

static int csv_decode(void *dp, const char *p, size_t n, bool eof, wr_batch *b,
                      wr_decode_result *res, wr_error *err)
{
    csv_dec *d = dp;
    memset(res, 0, sizeof *res);
    size_t pos = 0;
    while (pos < n && b->len < b->cap) {
        const char *rec = p + pos;
        size_t avail = n - pos;
        /* Blank lines and comment lines are skipped. */
        bool blank = rec[0] == '\n' || (rec[0] == '\r' && avail > 1 && rec[1] == '\n');
        bool comment = d->cfg.allow_comments && rec[0] == '#';
        if (rec[0] == '\r' && avail == 1 && !eof) {
            res->need_more = true;
            break;
        }
        if (blank || comment) {
            bool found;
            size_t len = to_line_end(rec, avail, &found);
            if (!found && !eof) {
                res->need_more = true;
                break;
            }
            pos += len;
            res->lines += found;
            res->consumed = pos;
            continue;
        }
        scan_state s = {.p = rec, .n = avail, .eof = eof};
        scan_status st = scan_record(d, &s, err);
        if (st == SCAN_NEED_MORE) {
            res->need_more = true;
            break;
        }
        int rc = WR_OK;
        uint64_t eline = 0;
        uint32_t ecol = 1;
        if (st == SCAN_ERROR) {
            rc = WR_EPARSE;
            eline = s.err_line;
            ecol = s.err_col;
        } else if (s.nfields != d->ncols) {
            rc = wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER, "expected %u field%s but found %u",
                              d->ncols, d->ncols == 1 ? "" : "s", s.nfields);
            const csv_field *f = &d->fields[s.nfields > d->ncols ? d->ncols : 0];
            eline = f->line;
            ecol = f->col;
        } else {
            const csv_field *bad = NULL;
            rc = decode_fields(d, rec, b, b->len, &bad, err);
            if (rc == WR_ENOMEM) return rc;
            if (rc && bad) {
                eline = bad->line;
                ecol = bad->col;
            }
        }
        if (rc == WR_OK) {
            b->len++;
            res->rows++;
            pos += s.end;
            res->lines += s.lines;
            res->consumed = pos;
            continue;
        }
        if (!d->cfg.ignore_parse_errors) {
            res->err_line = res->lines + eline;
            res->err_col = ecol;
            return WR_EPARSE;
        }
        /* Skip the bad record: after a scan error, up to the end of the line of the error. */
        size_t skip;
        uint64_t lines;
        if (st == SCAN_ERROR) {
            size_t off = 0;
            uint64_t l = 0;
            for (; off < avail && l < s.err_line; off++)
                if (rec[off] == '\n') l++;
            bool found;
            skip = off + to_line_end(rec + off, avail - off, &found);
            if (!found && !eof) {
                res->need_more = true;
                break;
            }
            lines = l + found;
        } else {
            skip = s.end;
            lines = s.lines;
        }
        pos += skip;
        res->lines += lines;
        res->consumed = pos;
        res->skipped++;
    }
    if (pos < n && b->len >= b->cap) res->full = true;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Encoder
 * ---------------------------------------------------------------------------------------- */
typedef struct csv_enc {
    wr_csv_config cfg;
    const wr_schema *schema;
    wr_buf scratch;
} csv_enc;

static int csv_encoder_new(const void *cfgp, const wr_schema *schema, void **out, wr_error *err)
{
    *out = NULL;
    int rc = wr_format_check_schema("csv", schema, err);
    if (rc) return rc;
    csv_enc *e = wr_calloc(1, sizeof *e);
    if (!e) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    e->cfg = *(const wr_csv_config *)cfgp;
    e->schema = schema;
    wr_buf_init(&e->scratch);
    *out = e;
    return WR_OK;
}

static void csv_encoder_free(void *p)
{
    csv_enc *e = p;
    if (!e) return;
    wr_buf_free(&e->scratch);
    wr_free(e);
}

static int put_field(const csv_enc *e, const char *s, size_t n, wr_buf *out)
{
    const char delim = e->cfg.field_delimiter;
    const int esc = e->cfg.escape_char;
    bool special = false;
    for (size_t i = 0; i < n && !special; i++) {
        char c = s[i];
        special = c == delim || c == '\n' || c == '\r' ||
                  (!e->cfg.disable_quote && c == e->cfg.quote_char) ||
                  (esc >= 0 && (unsigned char)c == esc);
    }
    if (!special) return wr_buf_append(out, s, n);
    int rc = wr_buf_reserve(out, n * 2 + 2);
    if (rc) return rc;
    if (!e->cfg.disable_quote) {
        /* Quoted: double the quote, escape the escape character. */
        const char q = e->cfg.quote_char;
        char *d = out->ptr + out->len;
        *d++ = q;
        for (size_t i = 0; i < n; i++) {
            if (s[i] == q)
                *d++ = q;
            else if (esc >= 0 && (unsigned char)s[i] == esc)
                *d++ = (char)esc;
            *d++ = s[i];
        }
        *d++ = q;
        *d = 0;
        out->len = (size_t)(d - out->ptr);
        return WR_OK;
    }
    if (esc < 0) return wr_buf_append(out, s, n); /* no way to protect it: written as is */
    char *d = out->ptr + out->len;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n') {
            *d++ = (char)esc;
            *d++ = 'n';
        } else if (c == '\r') {
            *d++ = (char)esc;
            *d++ = 'r';
        } else {
            if (c == delim || (unsigned char)c == esc) *d++ = (char)esc;
            *d++ = c;
        }
    }
    *d = 0;
    out->len = (size_t)(d - out->ptr);
    return WR_OK;
}

static int csv_encode(void *ep, const wr_batch *b, uint32_t from, uint32_t to, wr_buf *out,
                      wr_error *err)
{
    csv_enc *e = ep;
    int rc = WR_OK;
    for (uint32_t r = from; r < to && rc == WR_OK; r++) {
        for (uint32_t c = 0; c < b->ncols && rc == WR_OK; c++) {
            if (c > 0) rc = wr_buf_putc(out, e->cfg.field_delimiter);
            if (rc) break;
            const wr_vec *v = &b->cols[c];
            if (!wr_vec_valid(v, r) || v->phys == WR_PHYS_NONE) {
                if (e->cfg.has_null_literal) rc = wr_buf_append_c(out, e->cfg.null_literal);
                continue;
            }
            if (wr_type_is_string(&v->type)) {
                wr_strv s = WR_VEC_STR(v)[r];
                rc = put_field(e, s.ptr, s.len, out);
                continue;
            }
            wr_buf_clear(&e->scratch);
            if (v->type.id == WR_TYPE_INTERVAL_YM)
                rc = wr_buf_printf(&e->scratch, "%d", (int)WR_VEC_I32(v)[r]);
            else if (v->type.id == WR_TYPE_INTERVAL_DT)
                rc = wr_buf_printf(&e->scratch, "%lld",
                                   (long long)wr_floor_div(WR_VEC_I64(v)[r], 1000));
            else
                rc = wr_vec_format(v, r, WR_STYLE_CSV, &e->scratch);
            if (rc == WR_OK) rc = put_field(e, e->scratch.ptr, e->scratch.len, out);
        }
        if (rc == WR_OK) rc = wr_buf_putc(out, '\n');
    }
    if (rc)
        return wr_error_set(err, rc, rc == WR_ENOMEM ? WR_DOMAIN_INTERNAL : WR_DOMAIN_USER,
                            "csv: cannot encode a row: %s", wr_err_str(rc));
    return WR_OK;
}

const wr_format_vt wr_format_csv = {
    .abi_version = WR_FORMAT_ABI_VERSION,
    .name = "csv",
    .description = "Comma-separated values (RFC 4180), without a header line, as Flink's csv "
                   "format",
    .file_ext = "csv",
    .config_size = sizeof(wr_csv_config),
    .config_init = csv_config_init,
    .decoder_new = csv_decoder_new,
    .decode = csv_decode,
    .decoder_free = csv_decoder_free,
    .encoder_new = csv_encoder_new,
    .encode = csv_encode,
    .encoder_free = csv_encoder_free,
};
