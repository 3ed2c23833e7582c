/* config.h - job and process settings as data. Every setting is one row of a table (key,
 * type, default, bounds, flags, description); parsing, validation, `weir help config` and
 * docs/configuration.md all come from that table. Keys follow Flink where Flink has one.
 *
 * Values are layered: table defaults, then WEIR_* environment variables (key upper-cased,
 * '.' and '-' turned into '_': WEIR_PARALLELISM_DEFAULT), then explicit wr_config_set calls
 * (`--set KEY=VALUE`, SQL SET). Unknown keys are rejected with a suggestion. */
#ifndef WR_CONFIG_H
#define WR_CONFIG_H

#include "base/base.h"

typedef enum wr_setting_type {
    WR_SETTING_INT = 0,
    WR_SETTING_BOOL,
    WR_SETTING_DURATION, /* stored as microseconds */
    WR_SETTING_SIZE,     /* stored as bytes */
    WR_SETTING_STRING,
    WR_SETTING_ENUM, /* stored as the index into enum_values */
} wr_setting_type;

enum {
    WR_SETTING_SECRET = 1u << 0,  /* never printed */
    WR_SETTING_RUNTIME = 1u << 1, /* may change while a job runs */
};

typedef struct wr_setting_def {
    const char *key;
    wr_setting_type type;
    const char *def;                /* default, as text */
    int64_t min, max;               /* bounds for INT/DURATION/SIZE (inclusive) */
    const char *const *enum_values; /* NULL-terminated, for ENUM */
    unsigned flags;
    const char *description;
} wr_setting_def;

typedef struct wr_config wr_config;

/* The table (NULL key terminates). */
extern const wr_setting_def wr_settings[];

/* Defaults, then environment. On a bad environment value: error naming the variable. */
int wr_config_new(wr_config **out, wr_error *err);
void wr_config_free(wr_config *c);
/* Set by key; validates the value. */
int wr_config_set(wr_config *c, const char *key, const char *value, wr_error *err);
/* Parse "KEY=VALUE" (as given to --set). */
int wr_config_set_pair(wr_config *c, const char *pair, wr_error *err);
/* Back to the default (or environment) value. */
int wr_config_reset(wr_config *c, const char *key, wr_error *err);
/* Typed getters; the key must be in the table (asserted). */
int64_t wr_config_int(const wr_config *c,
                      const char *key); /* INT, DURATION (us), SIZE, ENUM index */
bool wr_config_bool(const wr_config *c, const char *key);
const char *wr_config_str(const wr_config *c, const char *key); /* the text value */
/* The markdown table of docs/configuration.md. */
int wr_config_doc_markdown(wr_buf *out);
/* "key = value" lines of every setting (secrets masked). */
int wr_config_dump(const wr_config *c, wr_buf *out);

#endif
