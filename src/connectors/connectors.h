/* connectors.h - connector options, the connector contract and the built-in connectors
 * (datagen, print, blackhole, filesystem).
 *
 * Options are data: each connector and each format declares its WITH options in a table
 * (wr_option_def rows: key, type, default, bounds, flags, description). The same table
 * validates a table's WITH clause (unknown keys rejected with a suggestion, required keys
 * checked, values parsed by type), answers the typed getters, and generates
 * docs/connectors.md. Keys may hold one '#' segment standing for a column name
 * ("fields.#.kind" matches "fields.id.kind").
 *
 * A connector is a static const vtable: make_source/make_sink validate the options against
 * the table's schema and return the runtime vtable (wr_source_vt or a wr_op_vt for sinks)
 * with a configuration that is independent of parallelism and subtask (every subtask opens
 * its own instance from it). Configurations are owned by whoever adds them to a job
 * (wr_job_add_source/wr_job_add_op take them with their cfg_free). */
#ifndef WR_CONNECTORS_H
#define WR_CONNECTORS_H

#include "base/base.h"
#include "types/types.h"
#include "runtime/runtime.h"
#include "formats/formats.h"

/* ------------------------------------------------------------------------------------------
 * Option definitions
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_option_type {
    WR_OPT_STRING = 0,
    WR_OPT_INT,      /* 64-bit integer */
    WR_OPT_DOUBLE,   /* floating point number */
    WR_OPT_BOOL,     /* true / false */
    WR_OPT_DURATION, /* Flink duration: "10 s", "5 min", "200ms"; a bare number is ms */
    WR_OPT_SIZE,     /* Flink memory size: "128MB", "64 kb" */
    WR_OPT_ENUM,     /* one of enum_values (case-insensitive) */
    WR_OPT_CHAR,     /* one ASCII character; Java escapes allowed: "\t", "\u0001" */
} wr_option_type;

enum {
    WR_OPT_REQUIRED = 1u << 0, /* must be given */
    WR_OPT_SECRET = 1u << 1,   /* value never printed */
    WR_OPT_SOURCE = 1u << 2,   /* documentation: only used when reading */
    WR_OPT_SINK = 1u << 3,     /* documentation: only used when writing */
    WR_OPT_BOUNDED = 1u << 4,  /* min/max apply (INT, DOUBLE, DURATION in us, SIZE) */
    WR_OPT_NOT_YET = 1u << 5,  /* a Flink option weir knows but does not implement yet:
                                  rejected with a message saying so */
};

typedef struct wr_option_def {
    const char *key; /* NULL terminates a table */
    wr_option_type type;
    const char *def;                /* default as text; NULL = no default */
    double min, max;                /* inclusive bounds when flags has WR_OPT_BOUNDED */
    const char *const *enum_values; /* NULL-terminated, for WR_OPT_ENUM */
    unsigned flags;
    const char *description;
} wr_option_def;

typedef struct wr_option_table {
    const char *kind; /* "connector" or "format", for messages */
    const char *name; /* "datagen" */
    const wr_option_def *defs;
} wr_option_table;

/* ------------------------------------------------------------------------------------------
 * Option values: the key/value strings of a WITH clause (copied, owned by the map).
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_option_kv {
    char *key;
    char *value;
} wr_option_kv;

typedef struct wr_options {
    wr_option_kv *items;
    uint32_t len, cap;
} wr_options;

void wr_options_init(wr_options *o);
void wr_options_free(wr_options *o);
/* Set (or replace) key = value; both copied. */
int wr_options_set(wr_options *o, const char *key, const char *value);
/* NULL when absent. */
const char *wr_options_get(const wr_options *o, const char *key);
int wr_options_copy(wr_options *dst, const wr_options *src);

/* The definition matching key ("fields.id.kind" matches "fields.#.kind"), or NULL. */
const wr_option_def *wr_option_find(const wr_option_table *t, const char *key);
/* Check every key of o against t (keys in `skip`, a NULL-terminated list, and keys starting
 * with one of `skip_prefixes` are left alone), required options present, values well
 * formed. With a schema, a '#' segment must name one of its columns. Messages:
 *   unsupported option 'x' for connector 'y'; did you mean 'z'?
 *   missing required option 'path' for connector 'filesystem'
 *   option 'rows-per-second': expected a number but found 'abc'
 *   option 'fields.id.kind': expected one of 'random', 'sequence' but found 'rand' */
int wr_options_validate(const wr_options *o, const wr_option_table *t, const wr_schema *schema,
                        const char *const *skip, const char *const *skip_prefixes, wr_error *err);
/* Parse one value for a definition (the validation of a single option). */
int wr_option_check(const wr_option_def *d, const char *key, const char *value, wr_error *err);

/* Typed getters: the value given in o, else the definition's default. The key must match a
 * definition of t (asserted). WR_ENOENT (with a message) when there is neither a value nor
 * a default; WR_ECONFIG when the value is malformed. */
bool wr_opt_is_set(const wr_options *o, const char *key);
int wr_opt_str(const wr_options *o, const wr_option_table *t, const char *key, const char **out,
               wr_error *err);
int wr_opt_int(const wr_options *o, const wr_option_table *t, const char *key, int64_t *out,
               wr_error *err);
int wr_opt_double(const wr_options *o, const wr_option_table *t, const char *key, double *out,
                  wr_error *err);
int wr_opt_bool(const wr_options *o, const wr_option_table *t, const char *key, bool *out,
                wr_error *err);
int wr_opt_duration(const wr_options *o, const wr_option_table *t, const char *key, int64_t *out_us,
                    wr_error *err);
int wr_opt_size(const wr_options *o, const wr_option_table *t, const char *key, int64_t *out_bytes,
                wr_error *err);
/* Index into enum_values. */
int wr_opt_enum(const wr_options *o, const wr_option_table *t, const char *key, int *out,
                wr_error *err);
int wr_opt_char(const wr_options *o, const wr_option_table *t, const char *key, char *out,
                wr_error *err);

/* Markdown table of an option table (docs/connectors.md). */
int wr_option_table_markdown(const wr_option_table *t, wr_buf *out);

/* ------------------------------------------------------------------------------------------
 * Formats as seen by connectors: the 'format' option chooses one, its options carry the
 * format's name as prefix ('csv.field-delimiter').
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_format_choice {
    const wr_format_vt *vt;
    union {
        wr_csv_config csv;
        wr_json_config json;
    } cfg;
} wr_format_choice;

typedef struct wr_format_plugin {
    const wr_format_vt *vt;
    const wr_option_table *options;
    /* Fill the format config from (validated) options. */
    int (*configure)(const wr_options *o, wr_format_choice *out, wr_error *err);
} wr_format_plugin;

/* NULL-terminated list of formats usable by connectors. */
const wr_format_plugin *const *wr_format_plugins(void);
/* The plugin of a format by name; unknown: WR_ECONFIG with the available ones listed. */
int wr_format_plugin_find(const char *name, const char *connector, const wr_format_plugin **out,
                          wr_error *err);
/* Read option 'format' (or `format_key`) of o and configure that format. */
int wr_format_choose(const wr_options *o, const char *format_key, const char *connector,
                     wr_format_choice *out, wr_error *err);

/* ------------------------------------------------------------------------------------------
 * The connector contract
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_source_def {
    const wr_source_vt *vt;
    void *cfg;
    void (*cfg_free)(void *cfg);
    bool bounded;         /* the source ends by itself (files, datagen with number-of-rows) */
    uint32_t parallelism; /* 'scan.parallelism' when given, else 0 */
} wr_source_def;

typedef struct wr_sink_def {
    const wr_op_vt *vt; /* a sink is an operator without outputs */
    void *cfg;
    void (*cfg_free)(void *cfg);
    bool append_only;     /* accepts +I/+U only (rejects -U/-D at run time) */
    uint32_t parallelism; /* 'sink.parallelism' when given, else 0 */
} wr_sink_def;

/* Metadata a connector reads (or writes) besides the physical columns: the keys a column
 * `name TYPE METADATA [FROM 'key'] [VIRTUAL]` may name, with the type the connector
 * produces (Flink's SupportsReadingMetadata / SupportsWritingMetadata). A table's column of
 * another type is cast from it. The schema handed to make_source holds the physical columns
 * followed by one column per metadata column that the scan uses, named
 * WR_METADATA_PREFIX + key and typed as declared here; the source fills them. */
#define WR_METADATA_PREFIX "$metadata$"

typedef struct wr_metadata_def {
    const char *key; /* NULL terminates a list */
    uint8_t type_id; /* wr_type_id; VARCHAR is STRING */
    uint8_t precision;
    bool not_null;
    const char *description;
} wr_metadata_def;

/* The type of a metadata key. */
wr_type wr_metadata_type(const wr_metadata_def *d);
/* The definition of key in a NULL-terminated list (NULL list: none), or NULL. */
const wr_metadata_def *wr_metadata_find(const wr_metadata_def *defs, const char *key);
/* The metadata key of a schema column named WR_METADATA_PREFIX + key, or NULL for a
 * physical column. */
const char *wr_metadata_key_of(const char *column_name);

typedef struct wr_connector_vt {
    uint32_t abi_version; /* WR_ABI_VERSION */
    const char *name;
    const char *description;
    const wr_option_table *options;
    bool takes_format; /* has a 'format' option whose '<format>.*' options are accepted */
    /* Validate options against the table schema and build a source. NULL: not a source. */
    int (*make_source)(const wr_options *o, const wr_schema *schema, wr_source_def *out,
                       wr_error *err);
    /* Same for a sink. NULL: not a sink. */
    int (*make_sink)(const wr_options *o, const wr_schema *schema, wr_sink_def *out, wr_error *err);
    const wr_metadata_def *readable_metadata; /* NULL-terminated; NULL: none */
    const wr_metadata_def *writable_metadata; /* NULL-terminated; NULL: none */
} wr_connector_vt;

/* The runtime vtables behind them (make_source/make_sink hand these out). */
extern const wr_source_vt wr_connector_datagen_source;
extern const wr_source_vt wr_connector_filesystem_source;
extern const wr_op_vt wr_connector_print_sink;
extern const wr_op_vt wr_connector_blackhole_sink;
extern const wr_op_vt wr_connector_filesystem_sink;

extern const wr_connector_vt wr_connector_datagen;
extern const wr_connector_vt wr_connector_print;
extern const wr_connector_vt wr_connector_blackhole;
extern const wr_connector_vt wr_connector_filesystem;

/* Built-in connectors, NULL-terminated, in documentation order. */
const wr_connector_vt *const *wr_connector_list(void);
/* By name. Unknown: WR_ECONFIG, "unknown connector 'x'; did you mean 'y'? (available: ...)". */
int wr_connector_find(const char *name, wr_connector_vt const **out, wr_error *err);
/* Validate every option of a table's WITH clause for connector c: 'connector' itself, the
 * connector's options, and, for connectors taking a format, the chosen format's options
 * ('csv.*'); an option of another format is named as such. */
int wr_connector_validate(const wr_connector_vt *c, const wr_options *o, const wr_schema *schema,
                          wr_error *err);
/* Look up o's 'connector' and build the source / sink. */
int wr_connector_make_source(const wr_options *o, const wr_schema *schema, wr_source_def *out,
                             wr_error *err);
int wr_connector_make_sink(const wr_options *o, const wr_schema *schema, wr_sink_def *out,
                           wr_error *err);
/* The text of docs/connectors.md. */
int wr_connector_doc_markdown(wr_buf *out);

/* ------------------------------------------------------------------------------------------
 * Configurations of the built-in sinks that tests may adjust after make_sink.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_print_config {
    char *identifier;    /* print-identifier, NULL if not set */
    bool standard_error; /* write to fd 2 instead of 1 */
    int fd;              /* when >= 0, write here instead (tests); default -1 */
} wr_print_config;

typedef struct wr_blackhole_config {
    _Atomic uint64_t rows; /* rows discarded by all subtasks */
} wr_blackhole_config;

/* Largest file record the filesystem source reads (a line, or a CSV record with quoted
 * line breaks). */
#define WR_FS_MAX_RECORD (256u << 20)

#endif
