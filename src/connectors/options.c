/* options.c - connector and format options as data: the key/value map of a WITH clause,
 * matching keys against option tables (with '#' wildcard segments for per-column options),
 * validation with messages that name the option, the expected form and the value found
 * (and a "did you mean" for unknown keys), typed getters that fall back to the table's
 * defaults, and the markdown rendering used for docs/connectors.md. */
#include "connectors/connectors.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------------------------
 * The map
 * ---------------------------------------------------------------------------------------- */
void wr_options_init(wr_options *o)
{
    o->items = NULL;
    o->len = o->cap = 0;
}

void wr_options_free(wr_options *o)
{
    for (uint32_t i = 0; i < o->len; i++) {
        wr_free(o->items[i].key);
        wr_free(o->items[i].value);
    }
    wr_free(o->items);
    wr_options_init(o);
}

static int find_index(const wr_options *o, const char *key)
{
    for (uint32_t i = 0; i < o->len; i++)
        if (strcmp(o->items[i].key, key) == 0) return (int)i;
    return -1;
}

int wr_options_set(wr_options *o, const char *key, const char *value)
{
    char *v = wr_strdup(value);
    if (!v) return WR_ENOMEM;
    int i = find_index(o, key);
    if (i >= 0) {
        wr_free(o->items[i].value);
        o->items[i].value = v;
        return WR_OK;
    }
    if (o->len == o->cap) {
        uint32_t cap = o->cap ? o->cap * 2 : 8;
        wr_option_kv *items = wr_realloc(o->items, cap * sizeof *items);
        if (!items) {
            wr_free(v);
            return WR_ENOMEM;
        }
        o->items = items;
        o->cap = cap;
    }
    char *k = wr_strdup(key);
    if (!k) {
        wr_free(v);
        return WR_ENOMEM;
    }
    o->items[o->len].key = k;
    o->items[o->len].value = v;
    o->len++;
    return WR_OK;
}

const char *wr_options_get(const wr_options *o, const char *key)
{
    int i = find_index(o, key);
    return i >= 0 ? o->items[i].value : NULL;
}

int wr_options_copy(wr_options *dst, const wr_options *src)
{
    wr_options_init(dst);
    for (uint32_t i = 0; i < src->len; i++) {
        int rc = wr_options_set(dst, src->items[i].key, src->items[i].value);
        if (rc) {
            wr_options_free(dst);
            return rc;
        }
    }
    return WR_OK;
}

bool wr_opt_is_set(const wr_options *o, const char *key)
{
    return wr_options_get(o, key) != NULL;
}

/* ------------------------------------------------------------------------------------------
 * Matching keys against definitions
 * ---------------------------------------------------------------------------------------- */

/* When def_key has a '#' segment and key matches it, the span of key that stands for '#'. */
static bool wildcard_match(const char *def_key, const char *key, const char **mid, size_t *mid_len)
{
    const char *hash = strchr(def_key, '#');
    if (!hash) return false;
    size_t pre = (size_t)(hash - def_key);
    size_t suf = strlen(hash + 1);
    size_t klen = strlen(key);
    if (klen < pre + suf + 1) return false;
    if (strncmp(key, def_key, pre) != 0) return false;
    if (strcmp(key + klen - suf, hash + 1) != 0) return false;
    if (mid) *mid = key + pre;
    if (mid_len) *mid_len = klen - pre - suf;
    return true;
}

const wr_option_def *wr_option_find(const wr_option_table *t, const char *key)
{
    for (const wr_option_def *d = t->defs; d->key; d++)
        if (!strchr(d->key, '#') && strcmp(d->key, key) == 0) return d;
    for (const wr_option_def *d = t->defs; d->key; d++)
        if (wildcard_match(d->key, key, NULL, NULL)) return d;
    return NULL;
}

/* ------------------------------------------------------------------------------------------
 * Parsing values
 * ---------------------------------------------------------------------------------------- */
static const char *expected_form(wr_option_type t)
{
    switch (t) {
    case WR_OPT_STRING:
        return "a string";
    case WR_OPT_INT:
        return "a number";
    case WR_OPT_DOUBLE:
        return "a number";
    case WR_OPT_BOOL:
        return "true or false";
    case WR_OPT_DURATION:
        return "a duration such as '10 s' or '5 min'";
    case WR_OPT_SIZE:
        return "a memory size such as '128mb'";
    case WR_OPT_ENUM:
        return "one of the listed values";
    case WR_OPT_CHAR:
        return "a single character";
    }
    return "a value";
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One character, after Java string unescaping as Flink applies it to delimiters. */
static int parse_char(const char *s, char *out)
{
    size_t n = strlen(s);
    if (n == 1) {
        if ((unsigned char)s[0] > 0x7f) return WR_EPARSE;
        *out = s[0];
        return WR_OK;
    }
    if (n < 2 || s[0] != '\\') return WR_EPARSE;
    if (n == 2) {
        switch (s[1]) {
        case 't':
            *out = '\t';
            return WR_OK;
        case 'n':
            *out = '\n';
            return WR_OK;
        case 'r':
            *out = '\r';
            return WR_OK;
        case 'b':
            *out = '\b';
            return WR_OK;
        case 'f':
            *out = '\f';
            return WR_OK;
        case '0':
            *out = '\0';
            return WR_EPARSE; /* NUL cannot be a delimiter */
        case '\\':
            *out = '\\';
            return WR_OK;
        case '\'':
            *out = '\'';
            return WR_OK;
        case '"':
            *out = '"';
            return WR_OK;
        default:
            return WR_EPARSE;
        }
    }
    if (n == 6 && s[1] == 'u') {
        int v = 0;
        for (int i = 2; i < 6; i++) {
            int h = hexval(s[i]);
            if (h < 0) return WR_EPARSE;
            v = v * 16 + h;
        }
        if (v == 0 || v > 0x7f) return WR_EPARSE;
        *out = (char)v;
        return WR_OK;
    }
    return WR_EPARSE;
}

static int parse_double(const char *s, double *out)
{
    if (!*s) return WR_EPARSE;
    char *end;
    double v = strtod(s, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end || end == s || isnan(v)) return WR_EPARSE;
    *out = v;
    return WR_OK;
}

static void format_bound(char *buf, size_t cap, wr_option_type t, double v)
{
    if (t == WR_OPT_DURATION) {
        double ms = v / 1000.0;
        if (ms >= 1000 && fmod(ms, 1000) == 0)
            snprintf(buf, cap, "%.0f s", ms / 1000);
        else
            snprintf(buf, cap, "%g ms", ms);
    } else if (t == WR_OPT_SIZE) {
        snprintf(buf, cap, "%.0f bytes", v);
    } else {
        snprintf(buf, cap, "%.15g", v);
    }
}

static int out_of_bounds(const wr_option_def *d, const char *key, const char *value, wr_error *err)
{
    char lo[48], hi[48];
    format_bound(lo, sizeof lo, d->type, d->min);
    format_bound(hi, sizeof hi, d->type, d->max);
    const char *what = d->type == WR_OPT_DURATION ? "a duration"
                       : d->type == WR_OPT_SIZE   ? "a size"
                                                  : "a number";
    if (isinf(d->max))
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "option '%s': expected %s >= %s but found '%s'", key, what, lo, value);
    return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                        "option '%s': expected %s between %s and %s but found '%s'", key, what, lo,
                        hi, value);
}

/* Parse value for d; numeric results in *num / *dbl, enum index in *num. */
static int parse_value(const wr_option_def *d, const char *key, const char *value, int64_t *num,
                       double *dbl, wr_error *err)
{
    int rc = WR_OK;
    bool b = false;
    char c = 0;
    *num = 0;
    *dbl = 0;
    switch (d->type) {
    case WR_OPT_STRING:
        return WR_OK;
    case WR_OPT_INT: {
        wr_slice s = wr_slice_trim(wr_slice_c(value));
        char tmp[64];
        if (s.len == 0 || s.len >= sizeof tmp) {
            rc = WR_EPARSE;
            break;
        }
        memcpy(tmp, s.ptr, s.len);
        tmp[s.len] = 0;
        rc = wr_parse_i64(tmp, num);
        *dbl = (double)*num;
        break;
    }
    case WR_OPT_DOUBLE:
        rc = parse_double(value, dbl);
        break;
    case WR_OPT_BOOL:
        rc = wr_parse_bool(value, &b);
        *num = b;
        break;
    case WR_OPT_DURATION:
        rc = wr_parse_duration(value, num);
        *dbl = (double)*num;
        break;
    case WR_OPT_SIZE:
        rc = wr_parse_size(value, num);
        *dbl = (double)*num;
        break;
    case WR_OPT_CHAR:
        rc = parse_char(value, &c);
        *num = (unsigned char)c;
        break;
    case WR_OPT_ENUM: {
        wr_slice s = wr_slice_trim(wr_slice_c(value));
        for (int64_t i = 0; d->enum_values && d->enum_values[i]; i++) {
            if (strlen(d->enum_values[i]) == s.len &&
                strncasecmp(d->enum_values[i], s.ptr, s.len) == 0) {
                *num = i;
                return WR_OK;
            }
        }
        wr_buf allowed;
        wr_buf_init(&allowed);
        for (size_t i = 0; d->enum_values && d->enum_values[i]; i++)
            wr_buf_printf(&allowed, "%s'%s'", i ? ", " : "", d->enum_values[i]);
        wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                     "option '%s': expected one of %s but found '%s'", key, allowed.ptr, value);
        wr_buf_free(&allowed);
        return WR_ECONFIG;
    }
    }
    if (rc != WR_OK) {
        const char *shown = (d->flags & WR_OPT_SECRET) ? "******" : value;
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "option '%s': expected %s but found '%s'", key, expected_form(d->type),
                            shown);
    }
    if ((d->flags & WR_OPT_BOUNDED) && (*dbl < d->min || *dbl > d->max))
        return out_of_bounds(d, key, value, err);
    return WR_OK;
}

int wr_option_check(const wr_option_def *d, const char *key, const char *value, wr_error *err)
{
    int64_t num;
    double dbl;
    return parse_value(d, key, value, &num, &dbl, err);
}

/* ------------------------------------------------------------------------------------------
 * Validation
 * ---------------------------------------------------------------------------------------- */
static bool in_list(const char *key, const char *const *list)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(list[i], key) == 0) return true;
    return false;
}

static bool has_prefix_in(const char *key, const char *const *prefixes)
{
    for (size_t i = 0; prefixes && prefixes[i]; i++)
        if (strncmp(key, prefixes[i], strlen(prefixes[i])) == 0) return true;
    return false;
}

/* Candidate keys for a suggestion: the plain keys, and '#' keys with the segment filled in
 * from the unknown key's own segment (fields.id.knd -> fields.id.kind) and from every
 * column of the schema. Strings live in arena a. */
static const char **suggestion_candidates(const wr_option_table *t, const char *key,
                                          const wr_schema *schema, wr_arena *a)
{
    size_t ndefs = 0;
    for (const wr_option_def *d = t->defs; d->key; d++)
        ndefs++;
    size_t ncols = schema ? schema->ncols : 0;
    if (ncols > 256) ncols = 256;
    const char **c = wr_arena_alloc(a, (ndefs * (ncols + 2) + 1) * sizeof *c);
    if (!c) return NULL;
    size_t n = 0;
    /* The segment of `key` at the position of the first '.'-separated wildcard. */
    const char *dot1 = strchr(key, '.');
    const char *seg = NULL;
    size_t seg_len = 0;
    if (dot1) {
        seg = dot1 + 1;
        const char *dot2 = strrchr(seg, '.');
        seg_len = dot2 ? (size_t)(dot2 - seg) : 0;
    }
    for (const wr_option_def *d = t->defs; d->key; d++) {
        if (d->flags & WR_OPT_NOT_YET) continue;
        const char *hash = strchr(d->key, '#');
        if (!hash) {
            c[n++] = d->key;
            continue;
        }
        size_t pre = (size_t)(hash - d->key);
        for (size_t j = 0; j < ncols + 1; j++) {
            const char *fill;
            size_t fill_len;
            if (j < ncols) {
                fill = schema->cols[j].name;
                fill_len = fill ? strlen(fill) : 0;
            } else {
                fill = seg;
                fill_len = seg_len;
            }
            if (!fill || fill_len == 0) continue;
            size_t suf = strlen(hash + 1);
            char *s = wr_arena_alloc(a, pre + fill_len + suf + 1);
            if (!s) return NULL;
            memcpy(s, d->key, pre);
            memcpy(s + pre, fill, fill_len);
            memcpy(s + pre + fill_len, hash + 1, suf + 1);
            c[n++] = s;
        }
    }
    c[n] = NULL;
    return c;
}

static int unknown_option(const wr_option_table *t, const char *key, const wr_schema *schema,
                          wr_error *err)
{
    wr_arena a;
    wr_arena_init(&a, 4096, NULL);
    const char **cands = suggestion_candidates(t, key, schema, &a);
    const char *s = cands ? wr_suggest(key, cands) : NULL;
    if (s) {
        wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                     "unsupported option '%s' for %s '%s'; did you mean '%s'?", key, t->kind,
                     t->name, s);
    } else {
        wr_buf list;
        wr_buf_init(&list);
        for (const wr_option_def *d = t->defs; d->key; d++)
            if (!(d->flags & WR_OPT_NOT_YET))
                wr_buf_printf(&list, "%s'%s'", list.len ? ", " : "", d->key);
        wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                     "unsupported option '%s' for %s '%s' (supported: %s)", key, t->kind, t->name,
                     list.len ? list.ptr : "none");
        wr_buf_free(&list);
    }
    wr_arena_destroy(&a);
    return WR_ECONFIG;
}

static int unknown_column(const wr_option_table *t, const char *key, const char *mid,
                          size_t mid_len, const wr_schema *schema, wr_error *err)
{
    char col[256];
    size_t n = WR_MIN(mid_len, sizeof col - 1);
    memcpy(col, mid, n);
    col[n] = 0;
    const char *cands[257];
    size_t k = 0;
    for (uint32_t i = 0; i < schema->ncols && k < 256; i++)
        if (schema->cols[i].name) cands[k++] = schema->cols[i].name;
    cands[k] = NULL;
    const char *s = wr_suggest(col, cands);
    if (s)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "unsupported option '%s' for %s '%s': the table has no column "
                            "'%s'; did you mean '%s'?",
                            key, t->kind, t->name, col, s);
    return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                        "unsupported option '%s' for %s '%s': the table has no column '%s'", key,
                        t->kind, t->name, col);
}

int wr_options_validate(const wr_options *o, const wr_option_table *t, const wr_schema *schema,
                        const char *const *skip, const char *const *skip_prefixes, wr_error *err)
{
    for (uint32_t i = 0; i < o->len; i++) {
        const char *key = o->items[i].key;
        if (in_list(key, skip) || has_prefix_in(key, skip_prefixes)) continue;
        const wr_option_def *d = wr_option_find(t, key);
        if (!d) return unknown_option(t, key, schema, err);
        if (d->flags & WR_OPT_NOT_YET)
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "option '%s' of %s '%s' is not supported yet", key, t->kind,
                                t->name);
        const char *mid;
        size_t mid_len;
        if (schema && strchr(d->key, '#') && wildcard_match(d->key, key, &mid, &mid_len)) {
            bool found = false;
            for (uint32_t c = 0; c < schema->ncols && !found; c++) {
                const char *name = schema->cols[c].name;
                found = name && strlen(name) == mid_len && memcmp(name, mid, mid_len) == 0;
            }
            if (!found) return unknown_column(t, key, mid, mid_len, schema, err);
        }
        int rc = wr_option_check(d, key, o->items[i].value, err);
        if (rc) return rc;
    }
    for (const wr_option_def *d = t->defs; d->key; d++) {
        if (!(d->flags & WR_OPT_REQUIRED) || strchr(d->key, '#')) continue;
        if (!wr_options_get(o, d->key))
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "missing required option '%s' for %s '%s'", d->key, t->kind,
                                t->name);
    }
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Getters
 * ---------------------------------------------------------------------------------------- */
static int lookup(const wr_options *o, const wr_option_table *t, const char *key,
                  const wr_option_def **d, const char **value, wr_error *err)
{
    *d = wr_option_find(t, key);
    WR_ASSERT(*d != NULL);
    *value = wr_options_get(o, key);
    if (!*value) *value = (*d)->def;
    if (!*value)
        return wr_error_set(err, WR_ENOENT, WR_DOMAIN_USER,
                            "missing required option '%s' for %s '%s'", key, t->kind, t->name);
    return WR_OK;
}

static int get_num(const wr_options *o, const wr_option_table *t, const char *key,
                   wr_option_type want, int64_t *num, double *dbl, wr_error *err)
{
    const wr_option_def *d;
    const char *v;
    int rc = lookup(o, t, key, &d, &v, err);
    if (rc) return rc;
    WR_ASSERT(d->type == want);
    return parse_value(d, key, v, num, dbl, err);
}

int wr_opt_str(const wr_options *o, const wr_option_table *t, const char *key, const char **out,
               wr_error *err)
{
    const wr_option_def *d;
    return lookup(o, t, key, &d, out, err);
}

int wr_opt_int(const wr_options *o, const wr_option_table *t, const char *key, int64_t *out,
               wr_error *err)
{
    double dbl;
    return get_num(o, t, key, WR_OPT_INT, out, &dbl, err);
}

int wr_opt_double(const wr_options *o, const wr_option_table *t, const char *key, double *out,
                  wr_error *err)
{
    int64_t num;
    return get_num(o, t, key, WR_OPT_DOUBLE, &num, out, err);
}

int wr_opt_bool(const wr_options *o, const wr_option_table *t, const char *key, bool *out,
                wr_error *err)
{
    int64_t num;
    double dbl;
    int rc = get_num(o, t, key, WR_OPT_BOOL, &num, &dbl, err);
    if (rc == WR_OK) *out = num != 0;
    return rc;
}

int wr_opt_duration(const wr_options *o, const wr_option_table *t, const char *key, int64_t *out_us,
                    wr_error *err)
{
    double dbl;
    return get_num(o, t, key, WR_OPT_DURATION, out_us, &dbl, err);
}

int wr_opt_size(const wr_options *o, const wr_option_table *t, const char *key, int64_t *out_bytes,
                wr_error *err)
{
    double dbl;
    return get_num(o, t, key, WR_OPT_SIZE, out_bytes, &dbl, err);
}

int wr_opt_enum(const wr_options *o, const wr_option_table *t, const char *key, int *out,
                wr_error *err)
{
    int64_t num;
    double dbl;
    int rc = get_num(o, t, key, WR_OPT_ENUM, &num, &dbl, err);
    if (rc == WR_OK) *out = (int)num;
    return rc;
}

int wr_opt_char(const wr_options *o, const wr_option_table *t, const char *key, char *out,
                wr_error *err)
{
    int64_t num;
    double dbl;
    int rc = get_num(o, t, key, WR_OPT_CHAR, &num, &dbl, err);
    if (rc == WR_OK) *out = (char)num;
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Documentation
 * ---------------------------------------------------------------------------------------- */
static const char *type_label(wr_option_type t)
{
    switch (t) {
    case WR_OPT_STRING:
        return "string";
    case WR_OPT_INT:
        return "integer";
    case WR_OPT_DOUBLE:
        return "double";
    case WR_OPT_BOOL:
        return "boolean";
    case WR_OPT_DURATION:
        return "duration";
    case WR_OPT_SIZE:
        return "memory size";
    case WR_OPT_ENUM:
        return "enum";
    case WR_OPT_CHAR:
        return "character";
    }
    return "";
}

int wr_option_table_markdown(const wr_option_table *t, wr_buf *out)
{
    int rc = wr_buf_append_c(out, "| Option | Type | Default | Description |\n"
                                  "|---|---|---|---|\n");
    for (const wr_option_def *d = t->defs; rc == WR_OK && d->key; d++) {
        const char *def = d->def;
        rc = wr_buf_printf(out, "| `%s` | %s | ", d->key, type_label(d->type));
        if (rc) break;
        if (d->flags & WR_OPT_REQUIRED)
            rc = wr_buf_append_c(out, "(required)");
        else if (def)
            rc = wr_buf_printf(out, "`%s`", def);
        else
            rc = wr_buf_append_c(out, "(none)");
        if (rc == WR_OK) rc = wr_buf_printf(out, " | %s", d->description);
        if (rc == WR_OK && d->type == WR_OPT_ENUM) {
            rc = wr_buf_append_c(out, " Values:");
            for (size_t j = 0; rc == WR_OK && d->enum_values[j]; j++)
                rc = wr_buf_printf(out, "%s `%s`", j ? "," : "", d->enum_values[j]);
            if (rc == WR_OK) rc = wr_buf_append_c(out, ".");
        }
        if (rc == WR_OK && (d->flags & WR_OPT_SOURCE)) rc = wr_buf_append_c(out, " (source)");
        if (rc == WR_OK && (d->flags & WR_OPT_SINK)) rc = wr_buf_append_c(out, " (sink)");
        if (rc == WR_OK && (d->flags & WR_OPT_NOT_YET))
            rc = wr_buf_append_c(out, " **Not supported yet** (rejected).");
        if (rc == WR_OK) rc = wr_buf_append_c(out, " |\n");
    }
    return rc;
}
