/* registry.c - the table of built-in connectors: lookup by name with a "did you mean",
 * validation of a whole WITH clause (the connector's own options plus, for connectors that
 * take a format, the chosen format's prefixed options), the entry points that build a
 * source or sink from a WITH clause, and the generated text of docs/connectors.md. */
#include "connectors/connectors.h"

#include <stdio.h>
#include <string.h>

static const wr_connector_vt *const builtin_connectors[] = {
    &wr_connector_datagen,
    &wr_connector_filesystem,
    &wr_connector_print,
    &wr_connector_blackhole,
    NULL,
};

const wr_connector_vt *const *wr_connector_list(void)
{
    return builtin_connectors;
}

static void list_names(wr_buf *b)
{
    for (size_t i = 0; builtin_connectors[i]; i++)
        wr_buf_printf(b, "%s%s", i ? ", " : "", builtin_connectors[i]->name);
}

wr_type wr_metadata_type(const wr_metadata_def *d)
{
    wr_type t = d->type_id == WR_TYPE_VARCHAR ? wr_type_varchar(WR_MAX_LENGTH)
                                              : wr_type_make((wr_type_id)d->type_id);
    if (d->type_id == WR_TYPE_TIMESTAMP || d->type_id == WR_TYPE_TIMESTAMP_LTZ ||
        d->type_id == WR_TYPE_TIME)
        t.precision = d->precision;
    t.nullable = !d->not_null;
    return t;
}

const wr_metadata_def *wr_metadata_find(const wr_metadata_def *defs, const char *key)
{
    for (size_t i = 0; defs && defs[i].key; i++)
        if (strcmp(defs[i].key, key) == 0) return &defs[i];
    return NULL;
}

const char *wr_metadata_key_of(const char *column_name)
{
    size_t n = strlen(WR_METADATA_PREFIX);
    return strncmp(column_name, WR_METADATA_PREFIX, n) == 0 ? column_name + n : NULL;
}

static int metadata_markdown(const char *title, const wr_metadata_def *defs, wr_buf *out)
{
    if (!defs || !defs[0].key) return WR_OK;
    int rc = wr_buf_printf(out,
                           "\n%s metadata (columns `name TYPE METADATA [FROM 'key'] "
                           "[VIRTUAL]`):\n\n| Key | Type | Description |\n|---|---|---|\n",
                           title);
    for (size_t i = 0; rc == WR_OK && defs[i].key; i++) {
        wr_type t = wr_metadata_type(&defs[i]);
        wr_buf tb;
        wr_buf_init(&tb);
        wr_type_format(&t, &tb);
        rc = wr_buf_printf(out, "| `%s` | %s | %s |\n", defs[i].key, tb.ptr, defs[i].description);
        wr_buf_free(&tb);
    }
    return rc;
}

int wr_connector_find(const char *name, wr_connector_vt const **out, wr_error *err)
{
    *out = NULL;
    const char *names[16];
    size_t n = 0;
    for (size_t i = 0; builtin_connectors[i] && n + 1 < WR_ARRAY_LEN(names); i++) {
        if (name && strcmp(builtin_connectors[i]->name, name) == 0) {
            *out = builtin_connectors[i];
            return WR_OK;
        }
        names[n++] = builtin_connectors[i]->name;
    }
    names[n] = NULL;
    wr_buf list;
    wr_buf_init(&list);
    list_names(&list);
    const char *s = name ? wr_suggest(name, names) : NULL;
    if (!name)
        wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                     "missing required option 'connector' (available: %s)", list.ptr);
    else if (s)
        wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                     "unknown connector '%s'; did you mean '%s'? (available: %s)", name, s,
                     list.ptr);
    else
        wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER, "unknown connector '%s' (available: %s)",
                     name, list.ptr);
    wr_buf_free(&list);
    return WR_ECONFIG;
}

int wr_connector_validate(const wr_connector_vt *c, const wr_options *o, const wr_schema *schema,
                          wr_error *err)
{
    static const char *const skip[] = {"connector", NULL};
    const wr_format_plugin *const *plugins = wr_format_plugins();
    /* Prefixes of every format ("csv.", "json."): checked below, not as connector options. */
    char prefixes[16][32];
    const char *prefix_list[17];
    size_t np = 0;
    if (c->takes_format) {
        for (size_t i = 0; plugins[i] && np < 16; i++) {
            snprintf(prefixes[np], sizeof prefixes[np], "%s.", plugins[i]->vt->name);
            prefix_list[np] = prefixes[np];
            np++;
        }
    }
    prefix_list[np] = NULL;
    int rc = wr_options_validate(o, c->options, schema, skip, prefix_list, err);
    if (rc || !c->takes_format) return rc;

    const char *fmt = wr_options_get(o, "format");
    const wr_format_plugin *chosen = NULL;
    if (fmt && (rc = wr_format_plugin_find(fmt, c->name, &chosen, err))) return rc;
    /* The chosen format's options; an option of another format is named as such. */
    wr_options mine;
    wr_options_init(&mine);
    for (uint32_t i = 0; i < o->len && rc == WR_OK; i++) {
        const char *key = o->items[i].key;
        for (size_t p = 0; plugins[p]; p++) {
            size_t len = strlen(plugins[p]->vt->name);
            if (strncmp(key, plugins[p]->vt->name, len) != 0 || key[len] != '.') continue;
            if (plugins[p] == chosen) {
                rc = wr_options_set(&mine, key, o->items[i].value);
                if (rc) rc = wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory");
            } else {
                rc = wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                  "option '%s' belongs to format '%s' but the table's format is "
                                  "'%s'",
                                  key, plugins[p]->vt->name, fmt ? fmt : "(none)");
            }
            break;
        }
    }
    if (rc == WR_OK && chosen)
        rc = wr_options_validate(&mine, chosen->options, NULL, NULL, NULL, err);
    wr_options_free(&mine);
    return rc;
}

int wr_connector_make_source(const wr_options *o, const wr_schema *schema, wr_source_def *out,
                             wr_error *err)
{
    memset(out, 0, sizeof *out);
    const wr_connector_vt *c;
    int rc = wr_connector_find(wr_options_get(o, "connector"), &c, err);
    if (rc) return rc;
    if (!c->make_source)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "connector '%s' can only be written to, not read from", c->name);
    return c->make_source(o, schema, out, err);
}

int wr_connector_make_sink(const wr_options *o, const wr_schema *schema, wr_sink_def *out,
                           wr_error *err)
{
    memset(out, 0, sizeof *out);
    const wr_connector_vt *c;
    int rc = wr_connector_find(wr_options_get(o, "connector"), &c, err);
    if (rc) return rc;
    if (!c->make_sink)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "connector '%s' can only be read from, not written to", c->name);
    return c->make_sink(o, schema, out, err);
}

int wr_connector_doc_markdown(wr_buf *out)
{
    int rc = wr_buf_append_c(
        out, "# Connectors\n\n"
             "Tables name their connector and its options in the `WITH` clause of `CREATE "
             "TABLE`, with Flink's option names:\n\n"
             "```sql\n"
             "CREATE TABLE bids (auction BIGINT, price DECIMAL(10, 2), ts TIMESTAMP(3))\n"
             "WITH ('connector' = 'filesystem', 'path' = '/data/bids', 'format' = 'csv');\n"
             "```\n\n"
             "Unknown options are errors (with a suggestion when one is close), and so are "
             "malformed values. Durations are written as Flink writes them (`10 s`, `5 min`, "
             "`200ms`; a bare number is milliseconds), memory sizes as `128MB` or `64 kb`. "
             "Options whose key holds `#` exist once per column: `fields.id.kind`.\n\n"
             "This file is generated from the option tables in `src/connectors` "
             "(`wr_connector_doc_markdown`); edit those, not this file.\n");
    for (size_t i = 0; rc == WR_OK && builtin_connectors[i]; i++) {
        const wr_connector_vt *c = builtin_connectors[i];
        const char *dir = c->make_source && c->make_sink ? "source and sink"
                          : c->make_source               ? "source"
                                                         : "sink";
        rc = wr_buf_printf(out, "\n## %s (%s)\n\n%s\n\n", c->name, dir, c->description);
        if (rc == WR_OK) rc = wr_option_table_markdown(c->options, out);
        if (rc == WR_OK) rc = metadata_markdown("Readable", c->readable_metadata, out);
        if (rc == WR_OK) rc = metadata_markdown("Writable", c->writable_metadata, out);
    }
    if (rc == WR_OK)
        rc = wr_buf_append_c(out, "\n# Formats\n\n"
                                  "Connectors that take a `format` option accept that format's "
                                  "options, prefixed with its name.\n");
    const wr_format_plugin *const *plugins = wr_format_plugins();
    for (size_t i = 0; rc == WR_OK && plugins[i]; i++) {
        rc = wr_buf_printf(out, "\n## %s\n\n%s.\n\n", plugins[i]->vt->name,
                           plugins[i]->vt->description);
        if (rc == WR_OK) rc = wr_option_table_markdown(plugins[i]->options, out);
    }
    return rc;
}
