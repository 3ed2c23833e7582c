/* config.c - the settings table and the layered configuration object built from it: one
 * row per setting, values parsed and bounds-checked by type, unknown keys rejected with a
 * suggestion, environment overrides read once at creation. */
#include "config/config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const log_levels[] = {"debug", "info", "warn", "error", "off", NULL};
static const char *const log_formats[] = {"text", "json", NULL};
static const char *const rowtime_null[] = {"FAIL", "DROP", "SKIP_WATERMARK", NULL};
static const char *const not_null_enforcer[] = {"ERROR", "DROP", NULL};
static const char *const state_backends[] = {"hashmap", "rocksdb", NULL};

#define US_PER_DAY (86400ll * 1000000ll)

const wr_setting_def wr_settings[] = {
    {"parallelism.default", WR_SETTING_INT, "1", 1, 1024, NULL, 0,
     "Parallelism of every operator of a job unless the job says otherwise."},
    {"pipeline.max-parallelism", WR_SETTING_INT, "128", 1, 32768, NULL, 0,
     "Number of key groups: the upper bound for rescaling a job's keyed state. Never change "
     "it for an existing job."},
    {"pipeline.auto-watermark-interval", WR_SETTING_DURATION, "200 ms", 0, US_PER_DAY, NULL, 0,
     "How often sources emit watermarks. 0 emits a watermark as soon as it advances, as "
     "Flink's per-record emission does (exact, but smaller batches)."},
    {"table.exec.source.idle-timeout", WR_SETTING_DURATION, "0 ms", 0, 365 * US_PER_DAY, NULL, 0,
     "A source subtask that produced no rows for this long is marked idle and stops holding "
     "back the watermark downstream. 0 disables idleness detection."},
    {"table.exec.source.rowtime-null-handling", WR_SETTING_ENUM, "FAIL", 0, 0, rowtime_null, 0,
     "What a source does with a row whose rowtime is NULL: FAIL the job, DROP the row, or "
     "SKIP_WATERMARK (keep the row; it does not advance the watermark)."},
    {"table.exec.sink.not-null-enforcer", WR_SETTING_ENUM, "ERROR", 0, 0, not_null_enforcer, 0,
     "What INSERT does with a NULL value for a NOT NULL column of the sink table (written "
     "from a nullable query column): ERROR fails the job with a message naming the column, "
     "DROP drops the row silently."},
    {"execution.checkpointing.interval", WR_SETTING_DURATION, "0 ms", 0, 365 * US_PER_DAY, NULL, 0,
     "How often a checkpoint is taken. 0 turns periodic checkpoints off, unless a checkpoint "
     "directory is given (then every 60 s, Managed Flink's default)."},
    {"execution.checkpointing.min-pause", WR_SETTING_DURATION, "0 ms", 0, 365 * US_PER_DAY, NULL, 0,
     "Least time between the end of one checkpoint and the start of the next."},
    {"execution.checkpointing.timeout", WR_SETTING_DURATION, "10 min", 1000, 365 * US_PER_DAY, NULL,
     0, "A checkpoint not complete after this long is abandoned (and counts as failed)."},
    {"execution.checkpointing.tolerable-failed-checkpoints", WR_SETTING_INT, "0", 0, 1000000, NULL,
     0,
     "Checkpoint failures in a row that the job survives; one more fails the job (then its "
     "restart strategy applies)."},
    {"execution.checkpointing.max-concurrent-checkpoints", WR_SETTING_INT, "1", 1, 1, NULL, 0,
     "Checkpoints in flight at once. weir takes one at a time."},
    {"execution.checkpointing.unaligned.enabled", WR_SETTING_BOOL, "false", 0, 0, NULL, 0,
     "Unaligned checkpoints (barriers overtaking buffered data). Not supported yet: true is "
     "refused."},
    {"execution.checkpointing.snapshot-compression", WR_SETTING_BOOL, "true", 0, 0, NULL, 0,
     "Compress snapshot files with zstd (blocks that do not shrink are stored as they are)."},
    {"state.checkpoints.dir", WR_SETTING_STRING, "", 0, 0, NULL, 0,
     "Where checkpoints go: a directory, a file:// URL or s3://bucket/prefix (S3 settings: "
     "WEIR_S3_* environment variables, src/storage/README.md). `weir run --checkpoint-dir` sets "
     "it."},
    {"state.checkpoints.num-retained", WR_SETTING_INT, "1", 1, 1000, NULL, 0,
     "Completed checkpoints kept; older ones are deleted."},
    {"state.savepoints.dir", WR_SETTING_STRING, "", 0, 0, NULL, 0,
     "Where savepoints go (default: the checkpoint directory)."},
    {"execution.savepoint.path", WR_SETTING_STRING, "", 0, 0, NULL, 0,
     "Restore the job from this checkpoint or savepoint directory, or from 'latest' (the "
     "newest complete checkpoint in state.checkpoints.dir; none there starts fresh). `weir run "
     "--restore` sets it."},
    {"execution.savepoint.ignore-unclaimed-state", WR_SETTING_BOOL, "false", 0, 0, NULL, 0,
     "Restore even when the checkpoint holds state of operators the job no longer has (that "
     "state is dropped). Managed Flink's AllowNonRestoredState."},
    {"execution.stop-with-savepoint", WR_SETTING_BOOL, "false", 0, 0, NULL, 0,
     "`weir run`: on SIGINT/SIGTERM take a savepoint before stopping."},
    {"state.backend.type", WR_SETTING_ENUM, "hashmap", 0, 0, state_backends, 0,
     "Where keyed state lives: hashmap (in memory) or rocksdb (not supported yet)."},
    {"table.exec.state.ttl", WR_SETTING_DURATION, "0 ms", 0, 3650 * US_PER_DAY, NULL, 0,
     "Keyed state not read or written for this long is dropped. 0 keeps state forever."},
    {"restart-strategy.type", WR_SETTING_STRING, "", 0, 0, NULL, 0,
     "What `weir run` does when the job fails: none, fixed-delay, failure-rate or "
     "exponential-delay (restart from the latest checkpoint). Empty: exponential-delay when "
     "checkpointing is on, none otherwise."},
    {"restart-strategy.fixed-delay.attempts", WR_SETTING_INT, "1", 0, INT32_MAX, NULL, 0,
     "fixed-delay: restarts before the job fails for good."},
    {"restart-strategy.fixed-delay.delay", WR_SETTING_DURATION, "1 s", 0, 365 * US_PER_DAY, NULL, 0,
     "fixed-delay: wait before each restart."},
    {"restart-strategy.failure-rate.max-failures-per-interval", WR_SETTING_INT, "1", 1, INT32_MAX,
     NULL, 0, "failure-rate: failures allowed within one interval."},
    {"restart-strategy.failure-rate.failure-rate-interval", WR_SETTING_DURATION, "1 min", 1,
     365 * US_PER_DAY, NULL, 0, "failure-rate: the interval failures are counted over."},
    {"restart-strategy.failure-rate.delay", WR_SETTING_DURATION, "1 s", 0, 365 * US_PER_DAY, NULL,
     0, "failure-rate: wait before each restart."},
    {"restart-strategy.exponential-delay.initial-backoff", WR_SETTING_DURATION, "1 s", 0,
     365 * US_PER_DAY, NULL, 0, "exponential-delay: wait before the first restart."},
    {"restart-strategy.exponential-delay.max-backoff", WR_SETTING_DURATION, "1 min", 0,
     365 * US_PER_DAY, NULL, 0, "exponential-delay: the longest wait."},
    {"restart-strategy.exponential-delay.backoff-multiplier", WR_SETTING_STRING, "1.5", 0, 0, NULL,
     0, "exponential-delay: each wait is the previous one times this (>= 1)."},
    {"restart-strategy.exponential-delay.reset-backoff-threshold", WR_SETTING_DURATION, "1 h", 0,
     3650 * US_PER_DAY, NULL, 0,
     "exponential-delay: a job that ran this long before failing starts over from the "
     "initial backoff and attempt count."},
    {"restart-strategy.exponential-delay.jitter-factor", WR_SETTING_STRING, "0.1", 0, 0, NULL, 0,
     "exponential-delay: each wait varies randomly by up to this fraction (0..1)."},
    {"restart-strategy.exponential-delay.attempts-before-reset-backoff", WR_SETTING_INT,
     "2147483647", 0, INT32_MAX, NULL, 0,
     "exponential-delay: restarts before the job fails for good (counted since the last "
     "reset)."},
    {"weir.worker-threads", WR_SETTING_INT, "0", 0, 1024, NULL, 0,
     "Worker threads that run a job's tasks. 0 means one per CPU core."},
    {"weir.batch-rows", WR_SETTING_INT, "1024", 1, 65536, NULL, 0,
     "Preferred number of rows per columnar batch."},
    {"weir.channel-capacity", WR_SETTING_INT, "16", 2, 4096, NULL, 0,
     "Batches a channel between two tasks holds before its producer is backpressured."},
    {"log.level", WR_SETTING_ENUM, "info", 0, 0, log_levels, WR_SETTING_RUNTIME,
     "Least severe log level written: debug, info, warn, error or off."},
    {"log.format", WR_SETTING_ENUM, "text", 0, 0, log_formats, 0,
     "Log line format: text, or json (one JSON object per line)."},
    {NULL, 0, NULL, 0, 0, NULL, 0, NULL},
};

typedef struct wr_config_value {
    char *text; /* owned */
    int64_t num;
    bool set_explicitly;
} wr_config_value;

struct wr_config {
    size_t n;
    wr_config_value *v;
};

static size_t settings_count(void)
{
    size_t n = 0;
    while (wr_settings[n].key)
        n++;
    return n;
}

static int find_setting(const char *key)
{
    for (size_t i = 0; wr_settings[i].key; i++)
        if (strcmp(wr_settings[i].key, key) == 0) return (int)i;
    return -1;
}

static const char *type_name(wr_setting_type t)
{
    switch (t) {
    case WR_SETTING_INT:
        return "an integer";
    case WR_SETTING_BOOL:
        return "true or false";
    case WR_SETTING_DURATION:
        return "a duration such as '10 s' or '200 ms'";
    case WR_SETTING_SIZE:
        return "a size such as '64 mb'";
    case WR_SETTING_STRING:
        return "a string";
    case WR_SETTING_ENUM:
        return "one of the listed values";
    }
    return "a value";
}

/* Parse `text` for setting d into *num; on failure fill err naming `where`. */
static int parse_value(const wr_setting_def *d, const char *where, const char *text, int64_t *num,
                       wr_error *err)
{
    int rc = WR_OK;
    bool b;
    *num = 0;
    switch (d->type) {
    case WR_SETTING_INT:
        rc = wr_parse_i64(text, num);
        break;
    case WR_SETTING_BOOL:
        rc = wr_parse_bool(text, &b);
        *num = b;
        break;
    case WR_SETTING_DURATION:
        rc = wr_parse_duration(text, num);
        break;
    case WR_SETTING_SIZE:
        rc = wr_parse_size(text, num);
        break;
    case WR_SETTING_STRING:
        return WR_OK;
    case WR_SETTING_ENUM:
        for (int64_t i = 0; d->enum_values[i]; i++) {
            if (strcasecmp(d->enum_values[i], text) == 0) {
                *num = i;
                return WR_OK;
            }
        }
        {
            wr_buf allowed;
            wr_buf_init(&allowed);
            for (size_t i = 0; d->enum_values[i]; i++)
                wr_buf_printf(&allowed, "%s'%s'", i ? ", " : "", d->enum_values[i]);
            wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                         "%s: '%s' is not allowed; expected one of %s", where, text,
                         allowed.ptr ? allowed.ptr : "");
            wr_buf_free(&allowed);
        }
        return WR_ECONFIG;
    }
    if (rc != WR_OK)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER, "%s: expected %s but found '%s'",
                            where, type_name(d->type), text);
    if (d->type != WR_SETTING_BOOL && (*num < d->min || *num > d->max)) {
        if (d->type == WR_SETTING_DURATION)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "%s: '%s' is out of range (at most %lld ms)", where, text,
                                (long long)(d->max / 1000));
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER, "%s: %s is out of range [%lld, %lld]",
                            where, text, (long long)d->min, (long long)d->max);
    }
    return WR_OK;
}

static int assign(wr_config *c, size_t i, const char *text, const char *where, wr_error *err)
{
    int64_t num;
    int rc = parse_value(&wr_settings[i], where, text, &num, err);
    if (rc != WR_OK) return rc;
    char *copy = wr_strdup(text);
    if (!copy) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    wr_free(c->v[i].text);
    c->v[i].text = copy;
    c->v[i].num = num;
    return WR_OK;
}

static void env_name(const char *key, char *out, size_t cap)
{
    size_t j = 0;
    j += (size_t)snprintf(out, cap, "WEIR_");
    for (size_t i = 0; key[i] && j + 1 < cap; i++) {
        char ch = key[i];
        out[j++] = (ch == '.' || ch == '-') ? '_' : (char)toupper((unsigned char)ch);
    }
    out[j] = 0;
}

static int load_default(wr_config *c, size_t i, wr_error *err)
{
    char name[128];
    env_name(wr_settings[i].key, name, sizeof name);
    const char *env = getenv(name);
    if (env) {
        char where[160];
        snprintf(where, sizeof where, "environment variable %s", name);
        return assign(c, i, env, where, err);
    }
    return assign(c, i, wr_settings[i].def, wr_settings[i].key, err);
}

int wr_config_new(wr_config **out, wr_error *err)
{
    *out = NULL;
    wr_config *c = wr_calloc(1, sizeof *c);
    if (!c) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    c->n = settings_count();
    c->v = wr_calloc(c->n, sizeof *c->v);
    if (!c->v) {
        wr_free(c);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    for (size_t i = 0; i < c->n; i++) {
        int rc = load_default(c, i, err);
        if (rc != WR_OK) {
            wr_config_free(c);
            return rc;
        }
    }
    *out = c;
    return WR_OK;
}

void wr_config_free(wr_config *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++)
        wr_free(c->v[i].text);
    wr_free(c->v);
    wr_free(c);
}

static int unknown_key(const char *key, wr_error *err)
{
    const char *cands[64];
    size_t n = 0;
    for (size_t i = 0; wr_settings[i].key && n + 1 < WR_ARRAY_LEN(cands); i++)
        cands[n++] = wr_settings[i].key;
    cands[n] = NULL;
    const char *s = wr_suggest(key, cands);
    if (s)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "unknown setting '%s'; did you mean '%s'?", key, s);
    return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                        "unknown setting '%s' (`weir help config` lists them)", key);
}

int wr_config_set(wr_config *c, const char *key, const char *value, wr_error *err)
{
    int i = find_setting(key);
    if (i < 0) return unknown_key(key, err);
    int rc = assign(c, (size_t)i, value, key, err);
    if (rc == WR_OK) c->v[i].set_explicitly = true;
    return rc;
}

int wr_config_set_pair(wr_config *c, const char *pair, wr_error *err)
{
    const char *eq = strchr(pair, '=');
    if (!eq || eq == pair)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER, "expected KEY=VALUE but found '%s'",
                            pair);
    char key[256];
    size_t klen = (size_t)(eq - pair);
    if (klen >= sizeof key)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER, "setting key too long");
    memcpy(key, pair, klen);
    key[klen] = 0;
    wr_slice k = wr_slice_trim((wr_slice){key, klen});
    char kbuf[256];
    memcpy(kbuf, k.ptr, k.len);
    kbuf[k.len] = 0;
    wr_slice v = wr_slice_trim(wr_slice_c(eq + 1));
    char *vbuf = wr_strndup(v.ptr, v.len);
    if (!vbuf) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    int rc = wr_config_set(c, kbuf, vbuf, err);
    wr_free(vbuf);
    return rc;
}

int wr_config_reset(wr_config *c, const char *key, wr_error *err)
{
    int i = find_setting(key);
    if (i < 0) return unknown_key(key, err);
    c->v[i].set_explicitly = false;
    return load_default(c, (size_t)i, err);
}

int64_t wr_config_int(const wr_config *c, const char *key)
{
    int i = find_setting(key);
    WR_ASSERT(i >= 0);
    return c->v[i].num;
}

bool wr_config_bool(const wr_config *c, const char *key)
{
    return wr_config_int(c, key) != 0;
}

const char *wr_config_str(const wr_config *c, const char *key)
{
    int i = find_setting(key);
    WR_ASSERT(i >= 0);
    return c->v[i].text;
}

static const char *type_label(const wr_setting_def *d)
{
    switch (d->type) {
    case WR_SETTING_INT:
        return "integer";
    case WR_SETTING_BOOL:
        return "boolean";
    case WR_SETTING_DURATION:
        return "duration";
    case WR_SETTING_SIZE:
        return "size";
    case WR_SETTING_STRING:
        return "string";
    case WR_SETTING_ENUM:
        return "enum";
    }
    return "";
}

int wr_config_doc_markdown(wr_buf *out)
{
    int rc = wr_buf_append_c(out, "| key | type | default | description |\n|---|---|---|---|\n");
    for (size_t i = 0; rc == WR_OK && wr_settings[i].key; i++) {
        const wr_setting_def *d = &wr_settings[i];
        rc = wr_buf_printf(out, "| `%s` | %s | `%s` | %s", d->key, type_label(d), d->def,
                           d->description);
        if (rc == WR_OK && d->type == WR_SETTING_ENUM) {
            rc = wr_buf_append_c(out, " Values:");
            for (size_t j = 0; rc == WR_OK && d->enum_values[j]; j++)
                rc = wr_buf_printf(out, " `%s`", d->enum_values[j]);
            if (rc == WR_OK) rc = wr_buf_append_c(out, ".");
        }
        if (rc == WR_OK) rc = wr_buf_append_c(out, " |\n");
    }
    return rc;
}

int wr_config_dump(const wr_config *c, wr_buf *out)
{
    int rc = WR_OK;
    for (size_t i = 0; rc == WR_OK && i < c->n; i++) {
        const char *v = (wr_settings[i].flags & WR_SETTING_SECRET) ? "******" : c->v[i].text;
        rc = wr_buf_printf(out, "%s = %s\n", wr_settings[i].key, v);
    }
    return rc;
}
