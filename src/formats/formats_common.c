/* formats_common.c - what the csv and json formats share: the registry of built-in formats
 * with lookup by name ("did you mean"), the schema check that rejects column types the
 * formats cannot hold yet, base64 decoding for BYTES, and the wording of type mismatch
 * errors so that both formats say "expected an INT but found ..." the same way. */
#include "formats/formats.h"

#include <string.h>
#include <strings.h>

static const wr_format_vt *const builtin_formats[] = {&wr_format_csv, &wr_format_json, NULL};

const wr_format_vt *const *wr_format_list(void)
{
    return builtin_formats;
}

int wr_format_find(const char *name, const wr_format_vt **out, wr_error *err)
{
    *out = NULL;
    const char *names[8];
    size_t n = 0;
    for (size_t i = 0; builtin_formats[i]; i++) {
        if (name && strcasecmp(builtin_formats[i]->name, name) == 0) {
            *out = builtin_formats[i];
            return WR_OK;
        }
        names[n++] = builtin_formats[i]->name;
    }
    names[n] = NULL;
    wr_buf list;
    wr_buf_init(&list);
    for (size_t i = 0; names[i]; i++)
        wr_buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
    const char *s = name ? wr_suggest(name, names) : NULL;
    if (s)
        wr_error_set(err, WR_ENOENT, WR_DOMAIN_USER,
                     "unknown format '%s'; did you mean '%s'? (available: %s)", name ? name : "", s,
                     list.ptr);
    else
        wr_error_set(err, WR_ENOENT, WR_DOMAIN_USER, "unknown format '%s' (available: %s)",
                     name ? name : "", list.ptr);
    wr_buf_free(&list);
    return WR_ENOENT;
}

int wr_format_type_error(wr_error *err, const wr_type *t, const char *what)
{
    wr_type plain = *t;
    plain.nullable = true;
    plain.time_attr = WR_TIME_ATTR_NONE;
    wr_buf name;
    wr_buf_init(&name);
    const char *tn = wr_type_format(&plain, &name) == WR_OK && name.len ? name.ptr : "value";
    const char *article = strchr("AEIOU", tn[0]) ? "an" : "a";
    wr_error_set(err, WR_EPARSE, WR_DOMAIN_USER, "expected %s %s but found %s", article, tn, what);
    wr_buf_free(&name);
    return WR_EPARSE;
}

int wr_format_check_schema(const char *fmt, const wr_schema *schema, wr_error *err)
{
    for (uint32_t c = 0; c < schema->ncols; c++) {
        const wr_type *t = &schema->cols[c].type;
        if (t->id == WR_TYPE_ARRAY || t->id == WR_TYPE_MAP || t->id == WR_TYPE_ROW) {
            wr_buf tn;
            wr_buf_init(&tn);
            wr_type_format(t, &tn);
            wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                         "format '%s' cannot read or write column '%s' of type %s: %s columns "
                         "are not supported yet",
                         fmt, schema->cols[c].name ? schema->cols[c].name : "?",
                         tn.len ? tn.ptr : "?", wr_type_id_name((wr_type_id)t->id));
            wr_buf_free(&tn);
            return WR_EUNSUPPORTED;
        }
        wr_error e;
        if (wr_type_check_supported(t, &e) != WR_OK)
            return wr_error_set(err, e.code, WR_DOMAIN_USER, "format '%s', column '%s': %s", fmt,
                                schema->cols[c].name ? schema->cols[c].name : "?", e.msg);
    }
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Base64
 * ---------------------------------------------------------------------------------------- */
static int b64_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int wr_base64_decode(const char *s, size_t n, uint8_t *dst, size_t *out_len)
{
    /* Padding only at the end: strip it, then the rest must be alphabet characters. */
    size_t pad = 0;
    while (n > 0 && s[n - 1] == '=' && pad < 2) {
        n--;
        pad++;
    }
    if (pad && (n + pad) % 4 != 0) return WR_EPARSE;
    if (n % 4 == 1) return WR_EPARSE;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_val((unsigned char)s[i]);
        if (v < 0) return WR_EPARSE;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    *out_len = o;
    return WR_OK;
}
