/* format_options.c - the WITH options of the csv and json formats ('csv.field-delimiter',
 * 'json.ignore-parse-errors', ...) as option tables, and their translation into the typed
 * configurations of src/formats. The formats module stays free of SQL option names; a
 * connector that takes a 'format' option validates and configures it through here. */
#include "connectors/connectors.h"

#include <string.h>

/* ------------------------------------------------------------------------------------------
 * csv
 * ---------------------------------------------------------------------------------------- */
static const wr_option_def csv_defs[] = {
    {"csv.field-delimiter", WR_OPT_CHAR, ",", 0, 0, NULL, 0,
     "Field delimiter, a single character. Java escapes are accepted: '\\t' is a tab, "
     "'\\u0001' the character 1."},
    {"csv.disable-quote-character", WR_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Disable quoting: quote characters are ordinary characters when reading, and fields are "
     "never quoted when writing. Cannot be combined with 'csv.quote-character'."},
    {"csv.quote-character", WR_OPT_CHAR, "\"", 0, 0, NULL, 0,
     "Quote character enclosing field values (RFC 4180: a quote inside is doubled)."},
    {"csv.allow-comments", WR_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Ignore lines starting with '#' when reading."},
    {"csv.ignore-parse-errors", WR_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Skip records that cannot be parsed (counted in numRecordsInErrors) instead of failing "
     "the job."},
    {"csv.array-element-delimiter", WR_OPT_STRING, ";", 0, 0, NULL, 0,
     "Delimiter of ARRAY elements. Accepted for compatibility; ARRAY columns are not "
     "supported yet."},
    {"csv.escape-character", WR_OPT_CHAR, NULL, 0, 0, NULL, 0,
     "Escape character (none by default). An escaped character is taken literally; \\n, \\r, "
     "\\t and \\0 stand for their control characters, as in Jackson's CSV reader."},
    {"csv.null-literal", WR_OPT_STRING, NULL, 0, 0, NULL, 0,
     "Text read as NULL (for every type, STRING included) and written for NULL values. By "
     "default an empty field is NULL for every type but STRING, and NULL is written as an "
     "empty field."},
    {NULL, 0, NULL, 0, 0, NULL, 0, NULL},
};

static const wr_option_table csv_table = {"format", "csv", csv_defs};

static int csv_configure(const wr_options *o, wr_format_choice *out, wr_error *err)
{
    wr_csv_config *c = &out->cfg.csv;
    out->vt = &wr_format_csv;
    wr_format_csv.config_init(c);
    const wr_option_table *t = &csv_table;
    const char *s;
    char ch;
    int rc;
    if ((rc = wr_opt_char(o, t, "csv.field-delimiter", &c->field_delimiter, err))) return rc;
    if ((rc = wr_opt_bool(o, t, "csv.disable-quote-character", &c->disable_quote, err))) return rc;
    if ((rc = wr_opt_char(o, t, "csv.quote-character", &c->quote_char, err))) return rc;
    if (c->disable_quote && wr_opt_is_set(o, "csv.quote-character"))
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "options 'csv.quote-character' and 'csv.disable-quote-character' "
                            "cannot be used together");
    if ((rc = wr_opt_bool(o, t, "csv.allow-comments", &c->allow_comments, err))) return rc;
    if ((rc = wr_opt_bool(o, t, "csv.ignore-parse-errors", &c->ignore_parse_errors, err)))
        return rc;
    if (wr_opt_is_set(o, "csv.escape-character")) {
        if ((rc = wr_opt_char(o, t, "csv.escape-character", &ch, err))) return rc;
        c->escape_char = (unsigned char)ch;
    }
    if (wr_opt_is_set(o, "csv.null-literal")) {
        if ((rc = wr_opt_str(o, t, "csv.null-literal", &s, err))) return rc;
        if (strlen(s) >= sizeof c->null_literal)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "option 'csv.null-literal': at most %zu bytes are supported",
                                sizeof c->null_literal - 1);
        strcpy(c->null_literal, s);
        c->has_null_literal = true;
    }
    if ((rc = wr_opt_str(o, t, "csv.array-element-delimiter", &s, err))) return rc;
    if (strlen(s) >= sizeof c->array_element_delimiter || !*s)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "option 'csv.array-element-delimiter': expected 1 to %zu bytes but "
                            "found '%s'",
                            sizeof c->array_element_delimiter - 1, s);
    strcpy(c->array_element_delimiter, s);
    /* Characters with two roles would make records ambiguous. */
    char d = c->field_delimiter;
    if (d == '\n' || d == '\r')
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "option 'csv.field-delimiter': a line break cannot be the delimiter");
    if (!c->disable_quote && c->quote_char == d)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "options 'csv.field-delimiter' and 'csv.quote-character' must "
                            "differ");
    if (c->escape_char >= 0 &&
        ((char)c->escape_char == d || (!c->disable_quote && (char)c->escape_char == c->quote_char)))
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "option 'csv.escape-character' must differ from the delimiter and "
                            "the quote character");
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * json
 * ---------------------------------------------------------------------------------------- */
static const char *const ts_standards[] = {"SQL", "ISO-8601", NULL};
static const char *const null_key_modes[] = {"FAIL", "DROP", "LITERAL", NULL};

static const wr_option_def json_defs[] = {
    {"json.fail-on-missing-field", WR_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Fail when a field of the table is missing from a record (by default it is NULL)."},
    {"json.ignore-parse-errors", WR_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Skip records that cannot be parsed (counted in numRecordsInErrors) instead of failing "
     "the job."},
    {"json.timestamp-format.standard", WR_OPT_ENUM, "SQL", 0, 0, ts_standards, 0,
     "Text form of TIMESTAMP and TIMESTAMP_LTZ values: SQL is '2024-01-02 03:04:05.678' "
     "(LTZ with a trailing 'Z'), ISO-8601 is '2024-01-02T03:04:05.678'."},
    {"json.map-null-key.mode", WR_OPT_ENUM, "FAIL", 0, 0, null_key_modes, 0,
     "What to do with a NULL key of a MAP value when writing. Accepted for compatibility; MAP "
     "columns are not supported yet."},
    {"json.map-null-key.literal", WR_OPT_STRING, "null", 0, 0, NULL, 0,
     "Key written for NULL map keys with mode LITERAL (MAP columns are not supported yet)."},
    {"json.encode.decimal-as-plain-number", WR_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Write DECIMAL values in plain notation (0.00000001) instead of Java's BigDecimal text "
     "(1E-8)."},
    {"json.encode.ignore-null-fields", WR_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Leave NULL fields out of written objects instead of writing null."},
    {"json.decode.json-parser.enabled", WR_OPT_BOOL, "true", 0, 0, NULL, 0,
     "Accepted for compatibility with Flink; weir always uses its own streaming tokenizer."},
    {NULL, 0, NULL, 0, 0, NULL, 0, NULL},
};

static const wr_option_table json_table = {"format", "json", json_defs};

static int json_configure(const wr_options *o, wr_format_choice *out, wr_error *err)
{
    wr_json_config *c = &out->cfg.json;
    out->vt = &wr_format_json;
    wr_format_json.config_init(c);
    const wr_option_table *t = &json_table;
    int rc, idx;
    const char *s;
    if ((rc = wr_opt_bool(o, t, "json.fail-on-missing-field", &c->fail_on_missing_field, err)))
        return rc;
    if ((rc = wr_opt_bool(o, t, "json.ignore-parse-errors", &c->ignore_parse_errors, err)))
        return rc;
    if (c->fail_on_missing_field && c->ignore_parse_errors)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "options 'json.fail-on-missing-field' and "
                            "'json.ignore-parse-errors' cannot both be true");
    if ((rc = wr_opt_enum(o, t, "json.timestamp-format.standard", &idx, err))) return rc;
    c->ts_standard = idx == 1 ? WR_JSON_TS_ISO_8601 : WR_JSON_TS_SQL;
    if ((rc = wr_opt_enum(o, t, "json.map-null-key.mode", &idx, err))) return rc;
    c->map_null_key = (wr_json_map_null_key)idx;
    if ((rc = wr_opt_str(o, t, "json.map-null-key.literal", &s, err))) return rc;
    if (strlen(s) >= sizeof c->map_null_key_literal)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "option 'json.map-null-key.literal': at most %zu bytes are supported",
                            sizeof c->map_null_key_literal - 1);
    strcpy(c->map_null_key_literal, s);
    if ((rc = wr_opt_bool(o, t, "json.encode.decimal-as-plain-number",
                          &c->encode_decimal_as_plain_number, err)))
        return rc;
    if ((rc = wr_opt_bool(o, t, "json.encode.ignore-null-fields", &c->encode_ignore_null_fields,
                          err)))
        return rc;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Registry of formats for connectors
 * ---------------------------------------------------------------------------------------- */
static const wr_format_plugin csv_plugin = {&wr_format_csv, &csv_table, csv_configure};
static const wr_format_plugin json_plugin = {&wr_format_json, &json_table, json_configure};
static const wr_format_plugin *const plugins[] = {&csv_plugin, &json_plugin, NULL};

const wr_format_plugin *const *wr_format_plugins(void)
{
    return plugins;
}

int wr_format_plugin_find(const char *name, const char *connector, const wr_format_plugin **out,
                          wr_error *err)
{
    *out = NULL;
    const char *names[8];
    size_t n = 0;
    for (size_t i = 0; plugins[i]; i++) {
        if (strcmp(plugins[i]->vt->name, name) == 0) {
            *out = plugins[i];
            return WR_OK;
        }
        names[n++] = plugins[i]->vt->name;
    }
    names[n] = NULL;
    wr_buf list;
    wr_buf_init(&list);
    for (size_t i = 0; names[i]; i++)
        wr_buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
    const char *s = wr_suggest(name, names);
    if (s)
        wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                     "unsupported format '%s' for connector '%s'; did you mean '%s'? "
                     "(available: %s)",
                     name, connector, s, list.ptr);
    else
        wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                     "unsupported format '%s' for connector '%s' (available: %s)", name, connector,
                     list.ptr);
    wr_buf_free(&list);
    return WR_ECONFIG;
}

int wr_format_choose(const wr_options *o, const char *format_key, const char *connector,
                     wr_format_choice *out, wr_error *err)
{
    memset(out, 0, sizeof *out);
    const char *name = wr_options_get(o, format_key ? format_key : "format");
    if (!name)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "missing required option '%s' for connector '%s'",
                            format_key ? format_key : "format", connector);
    const wr_format_plugin *p;
    int rc = wr_format_plugin_find(name, connector, &p, err);
    if (rc) return rc;
    return p->configure(o, out, err);
}
