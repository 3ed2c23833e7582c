/* datagen.c - the `datagen` source: rows of random or sequential values, per column as the
 * fields.#.* options say, at a limited rate, bounded by number-of-rows or by the shortest
 * sequence. Subtasks share the work as Flink's generator does: rows-per-second and
 * number-of-rows are divided among them, and subtask i of p emits the sequence values
 * start + i, start + i + p, ... so that every value is produced exactly once. Each subtask is
 * one split. Random values come from a xoshiro256** generator seeded per subtask (from the
 * 'seed' option, a weir addition, for reproducible output; otherwise from the clock).
 * Values are generated column by column straight into the batch vectors; strings go into
 * the batch arena. */
#include "connectors/connectors.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define US_PER_DAY (86400ll * 1000000ll)

/* ------------------------------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------------------------- */
static const char *const kinds[] = {"random", "sequence", NULL};

static const wr_option_def datagen_defs[] = {
    {"rows-per-second", WR_OPT_INT, "10000", 1, INFINITY, NULL, WR_OPT_BOUNDED,
     "Rows generated per second by the whole source (divided among its subtasks)."},
    {"number-of-rows", WR_OPT_INT, NULL, 0, INFINITY, NULL, WR_OPT_BOUNDED,
     "Total rows to generate; the source is bounded when set and unbounded otherwise."},
    {"scan.parallelism", WR_OPT_INT, NULL, 1, 65536, NULL, WR_OPT_BOUNDED,
     "Parallelism of the source (the job's default when not set)."},
    {"seed", WR_OPT_INT, NULL, 0, 0, NULL, 0,
     "Seed of the random generator, for reproducible output with the same parallelism (a weir "
     "addition; by default each run differs)."},
    {"fields.#.kind", WR_OPT_ENUM, "random", 0, 0, kinds, 0,
     "Generator of the column: random values, or a sequence from start to end."},
    {"fields.#.min", WR_OPT_STRING, NULL, 0, 0, NULL, 0,
     "Smallest random value of a numeric column (default: the type's minimum)."},
    {"fields.#.max", WR_OPT_STRING, NULL, 0, 0, NULL, 0,
     "Largest random value of a numeric column (default: the type's maximum)."},
    {"fields.#.max-past", WR_OPT_DURATION, "0 ms", 0, INFINITY, NULL, WR_OPT_BOUNDED,
     "Random DATE/TIME/TIMESTAMP columns take values between now minus max-past and now "
     "(UTC wall clock)."},
    {"fields.#.length", WR_OPT_INT, "100", 0, 1 << 24, NULL, WR_OPT_BOUNDED,
     "Length of random CHAR/VARCHAR/STRING (hex characters) and BINARY/BYTES values; at most "
     "the declared length."},
    {"fields.#.var-len", WR_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Random VARCHAR/VARBINARY values get a random length between 1 and 'length'."},
    {"fields.#.start", WR_OPT_INT, NULL, 0, 0, NULL, 0,
     "First value of a sequence (required with kind 'sequence')."},
    {"fields.#.end", WR_OPT_INT, NULL, 0, 0, NULL, 0,
     "Last value of a sequence (required with kind 'sequence'); the source ends when the "
     "first sequence ends."},
    {"fields.#.null-rate", WR_OPT_DOUBLE, "0", 0, 1, NULL, WR_OPT_BOUNDED,
     "Fraction of NULL values (0 to 1)."},
    {NULL, 0, NULL, 0, 0, NULL, 0, NULL},
};

static const wr_option_table datagen_table = {"connector", "datagen", datagen_defs};

/* ------------------------------------------------------------------------------------------
 * Configuration (shared by the subtasks, read-only)
 * ---------------------------------------------------------------------------------------- */
typedef enum dg_kind { DG_RANDOM = 0, DG_SEQUENCE = 1 } dg_kind;

typedef struct dg_field {
    dg_kind kind;
    double null_rate;
    int64_t imin, imax;  /* integers, DECIMAL p <= 18 (unscaled), intervals */
    wr_i128 dmin, dmax;  /* DECIMAL p > 18 (unscaled) */
    double fmin, fmax;   /* FLOAT, DOUBLE */
    int64_t max_past_us; /* temporal */
    uint32_t length;     /* strings, bytes */
    bool var_len;
    int64_t start, end; /* sequence */
} dg_field;

typedef struct dg_config {
    uint32_t ncols;
    dg_field *fields;
    int64_t rows_per_second;
    int64_t number_of_rows; /* -1: unbounded */
    bool has_seed;
    uint64_t seed;
} dg_config;

static void dg_config_free(void *p)
{
    dg_config *c = p;
    if (!c) return;
    wr_free(c->fields);
    wr_free(c);
}

static void field_key(char *buf, size_t cap, const char *col, const char *opt)
{
    snprintf(buf, cap, "fields.%s.%s", col, opt);
}

static int type_name(const wr_type *t, char *buf, size_t cap)
{
    wr_buf b;
    wr_buf_init(&b);
    wr_type plain = *t;
    plain.time_attr = WR_TIME_ATTR_NONE;
    plain.nullable = true;
    wr_type_format(&plain, &b);
    snprintf(buf, cap, "%s", b.len ? b.ptr : "?");
    wr_buf_free(&b);
    return WR_OK;
}

static int not_for_type(const char *key, const char *col, const wr_type *t, wr_error *err)
{
    char tn[64];
    type_name(t, tn, sizeof tn);
    return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                        "option '%s' is not supported for column '%s' of type %s", key, col, tn);
}

static bool is_var_length(const wr_type *t)
{
    return t->id == WR_TYPE_VARCHAR || t->id == WR_TYPE_VARBINARY;
}

static void integer_bounds(const wr_type *t, int64_t *lo, int64_t *hi)
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
}

/* Parse a min/max option value as a value of the column's type. */
static int bound_value(const wr_options *o, const char *key, const wr_type *t, wr_value *v,
                       bool *given, wr_error *err)
{
    const char *s = wr_options_get(o, key);
    *given = s != NULL;
    if (!s) return WR_OK;
    wr_error e;
    if (wr_value_parse(t, s, strlen(s), v, &e) != WR_OK)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER, "option '%s': %s", key, e.msg);
    return WR_OK;
}

static int configure_field(const wr_options *o, const wr_field *col, dg_field *f, wr_error *err)
{
    const char *name = col->name;
    const wr_type *t = &col->type;
    char key[320];
    int rc, kind;
    int64_t iv;
    field_key(key, sizeof key, name, "kind");
    if ((rc = wr_opt_enum(o, &datagen_table, key, &kind, err))) return rc;
    f->kind = (dg_kind)kind;
    field_key(key, sizeof key, name, "null-rate");
    if ((rc = wr_opt_double(o, &datagen_table, key, &f->null_rate, err))) return rc;

    bool numeric = wr_type_is_numeric(t);
    bool temporal = wr_type_is_temporal(t);
    bool sized = wr_type_is_string(t) || wr_type_is_binary(t);
    /* Options that only make sense for some types or kinds. */
    struct {
        const char *opt;
        bool allowed;
    } rules[] = {
        {"min", numeric && f->kind == DG_RANDOM},
        {"max", numeric && f->kind == DG_RANDOM},
        {"max-past", temporal && f->kind == DG_RANDOM},
        {"length", sized && f->kind == DG_RANDOM},
        {"var-len", is_var_length(t) && f->kind == DG_RANDOM},
        {"start", f->kind == DG_SEQUENCE},
        {"end", f->kind == DG_SEQUENCE},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(rules); i++) {
        field_key(key, sizeof key, name, rules[i].opt);
        if (!wr_opt_is_set(o, key) || rules[i].allowed) continue;
        if ((!strcmp(rules[i].opt, "start") || !strcmp(rules[i].opt, "end")))
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "option '%s' needs 'fields.%s.kind' = 'sequence'", key, name);
        if (f->kind == DG_SEQUENCE)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "option '%s' is for random values, but column '%s' is a "
                                "sequence",
                                key, name);
        return not_for_type(key, name, t, err);
    }

    if (f->kind == DG_SEQUENCE) {
        bool ok_type = wr_type_is_integer(t) || t->id == WR_TYPE_FLOAT || t->id == WR_TYPE_DOUBLE ||
                       t->id == WR_TYPE_DECIMAL || wr_type_is_string(t);
        if (!ok_type) {
            field_key(key, sizeof key, name, "kind");
            char tn[64];
            type_name(t, tn, sizeof tn);
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "option '%s': 'sequence' is not supported for column '%s' of "
                                "type %s",
                                key, name, tn);
        }
        const char *which[2] = {"start", "end"};
        int64_t *dst[2] = {&f->start, &f->end};
        for (int k = 0; k < 2; k++) {
            field_key(key, sizeof key, name, which[k]);
            if (!wr_opt_is_set(o, key))
                return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                    "missing option '%s' for the sequence of column '%s'", key,
                                    name);
            if ((rc = wr_opt_int(o, &datagen_table, key, dst[k], err))) return rc;
        }
        if (f->end < f->start)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "column '%s': sequence end %" PRId64 " is before start %" PRId64,
                                name, f->end, f->start);
        if (wr_type_is_integer(t)) {
            int64_t lo, hi;
            integer_bounds(t, &lo, &hi);
            if (f->start < lo || f->end > hi) {
                char tn[64];
                type_name(t, tn, sizeof tn);
                return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                    "column '%s': sequence %" PRId64 "..%" PRId64
                                    " does not fit %s",
                                    name, f->start, f->end, tn);
            }
        }
        if (t->id == WR_TYPE_DECIMAL) {
            wr_i128 scale = wr_pow10_i128(t->scale);
            if (!wr_decimal_fits((wr_i128)f->start * scale, t->precision) ||
                !wr_decimal_fits((wr_i128)f->end * scale, t->precision)) {
                char tn[64];
                type_name(t, tn, sizeof tn);
                return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                    "column '%s': sequence %" PRId64 "..%" PRId64
                                    " does not fit %s",
                                    name, f->start, f->end, tn);
            }
        }
        return WR_OK;
    }

    /* Random. */
    if (wr_type_is_integer(t) || t->id == WR_TYPE_DECIMAL) {
        if (t->id == WR_TYPE_DECIMAL) {
            wr_i128 lim = wr_pow10_i128(t->precision) - 1;
            f->dmin = -lim;
            f->dmax = lim;
        } else {
            integer_bounds(t, &f->imin, &f->imax);
        }
        wr_value v;
        bool given;
        char kmin[320], kmax[320];
        field_key(kmin, sizeof kmin, name, "min");
        field_key(kmax, sizeof kmax, name, "max");
        if ((rc = bound_value(o, kmin, t, &v, &given, err))) return rc;
        if (given) {
            if (t->id == WR_TYPE_DECIMAL)
                f->dmin = t->precision <= WR_DECIMAL64_MAX_PRECISION ? v.i : v.dec;
            else
                f->imin = v.i;
        }
        if ((rc = bound_value(o, kmax, t, &v, &given, err))) return rc;
        if (given) {
            if (t->id == WR_TYPE_DECIMAL)
                f->dmax = t->precision <= WR_DECIMAL64_MAX_PRECISION ? v.i : v.dec;
            else
                f->imax = v.i;
        }
        bool bad = t->id == WR_TYPE_DECIMAL ? f->dmin > f->dmax : f->imin > f->imax;
        if (bad)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "options '%s' and '%s': the minimum is larger than the maximum",
                                kmin, kmax);
        if (t->id == WR_TYPE_DECIMAL && t->precision <= WR_DECIMAL64_MAX_PRECISION) {
            f->imin = (int64_t)f->dmin;
            f->imax = (int64_t)f->dmax;
        }
    } else if (t->id == WR_TYPE_FLOAT || t->id == WR_TYPE_DOUBLE) {
        /* Flink's defaults: the smallest positive to the largest value of the type. */
        bool is_float = t->id == WR_TYPE_FLOAT;
        f->fmin = is_float ? FLT_TRUE_MIN : DBL_TRUE_MIN;
        f->fmax = is_float ? FLT_MAX : DBL_MAX;
        wr_value v;
        bool given;
        char kmin[320], kmax[320];
        field_key(kmin, sizeof kmin, name, "min");
        field_key(kmax, sizeof kmax, name, "max");
        if ((rc = bound_value(o, kmin, t, &v, &given, err))) return rc;
        if (given) f->fmin = v.d;
        if ((rc = bound_value(o, kmax, t, &v, &given, err))) return rc;
        if (given) f->fmax = v.d;
        if (!(f->fmin <= f->fmax) || !isfinite(f->fmin) || !isfinite(f->fmax))
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "options '%s' and '%s': expected finite numbers with the "
                                "minimum not above the maximum",
                                kmin, kmax);
    } else if (t->id == WR_TYPE_INTERVAL_YM) {
        f->imin = 0;
        f->imax = 1200;
    } else if (t->id == WR_TYPE_INTERVAL_DT) {
        f->imin = 0;
        f->imax = 100 * US_PER_DAY;
    }
    if (temporal) {
        field_key(key, sizeof key, name, "max-past");
        if ((rc = wr_opt_duration(o, &datagen_table, key, &f->max_past_us, err))) return rc;
    }
    if (sized) {
        field_key(key, sizeof key, name, "length");
        bool given = wr_opt_is_set(o, key);
        if ((rc = wr_opt_int(o, &datagen_table, key, &iv, err))) return rc;
        bool fixed_decl = t->length > 0 && t->length < WR_MAX_LENGTH;
        if (given && fixed_decl && iv > t->length)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "option '%s': %" PRId64 " is longer than the declared length %d "
                                "of column '%s'",
                                key, iv, (int)t->length, name);
        if (!given && fixed_decl && iv > t->length) iv = t->length;
        /* CHAR(n)/BINARY(n) hold exactly n characters. */
        if (!given && (t->id == WR_TYPE_CHAR || t->id == WR_TYPE_BINARY) && t->length > 0)
            iv = t->length;
        f->length = (uint32_t)iv;
        field_key(key, sizeof key, name, "var-len");
        if ((rc = wr_opt_bool(o, &datagen_table, key, &f->var_len, err))) return rc;
    }
    return WR_OK;
}

/* Rows a subtask emits out of `total` spread over `par` subtasks. */
static int64_t share(uint64_t total, uint32_t subtask, uint32_t par)
{
    return (int64_t)(total / par + (total % par > subtask ? 1 : 0));
}

static int datagen_make_source(const wr_options *o, const wr_schema *schema, wr_source_def *out,
                               wr_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = wr_connector_validate(&wr_connector_datagen, o, schema, err);
    if (rc) return rc;
    for (uint32_t c = 0; c < schema->ncols; c++) {
        const wr_type *t = &schema->cols[c].type;
        wr_error e;
        if (wr_type_check_supported(t, &e) != WR_OK)
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "datagen cannot generate column '%s': %s", schema->cols[c].name,
                                e.msg);
    }
    dg_config *cfg = wr_calloc(1, sizeof *cfg);
    if (!cfg) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    cfg->ncols = schema->ncols;
    cfg->fields = wr_calloc(schema->ncols ? schema->ncols : 1, sizeof *cfg->fields);
    if (!cfg->fields) {
        dg_config_free(cfg);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    bool bounded = false;
    if ((rc = wr_opt_int(o, &datagen_table, "rows-per-second", &cfg->rows_per_second, err)))
        goto fail;
    cfg->number_of_rows = -1;
    if (wr_opt_is_set(o, "number-of-rows")) {
        if ((rc = wr_opt_int(o, &datagen_table, "number-of-rows", &cfg->number_of_rows, err)))
            goto fail;
        bounded = true;
    }
    if (wr_opt_is_set(o, "scan.parallelism")) {
        int64_t par;
        if ((rc = wr_opt_int(o, &datagen_table, "scan.parallelism", &par, err))) goto fail;
        out->parallelism = (uint32_t)par;
    }
    if (wr_opt_is_set(o, "seed")) {
        int64_t seed;
        if ((rc = wr_opt_int(o, &datagen_table, "seed", &seed, err))) goto fail;
        cfg->has_seed = true;
        cfg->seed = (uint64_t)seed;
    }
    for (uint32_t c = 0; c < schema->ncols; c++) {
        if ((rc = configure_field(o, &schema->cols[c], &cfg->fields[c], err))) goto fail;
        if (cfg->fields[c].kind == DG_SEQUENCE) bounded = true;
    }
    out->vt = &wr_connector_datagen_source;
    out->cfg = cfg;
    out->cfg_free = dg_config_free;
    out->bounded = bounded;
    return WR_OK;
fail:
    dg_config_free(cfg);
    memset(out, 0, sizeof *out);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Random numbers: xoshiro256** seeded through splitmix64.
 * ---------------------------------------------------------------------------------------- */
typedef struct dg_rng {
    uint64_t s[4];
} dg_rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void rng_seed(dg_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(dg_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static inline double rng_unit(dg_rng *r) /* [0, 1) */
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [lo, hi] (inclusive). */
static inline int64_t rng_range(dg_rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1; /* 0 means the full 64-bit range */
    uint64_t x = rng_next(r);
    if (span == 0) return (int64_t)x;
    return (int64_t)((uint64_t)lo + (uint64_t)(((unsigned __int128)x * span) >> 64));
}

static wr_i128 rng_range128(dg_rng *r, wr_i128 lo, wr_i128 hi)
{
    unsigned __int128 span = (unsigned __int128)(hi - lo) + 1;
    unsigned __int128 x = ((unsigned __int128)rng_next(r) << 64) | rng_next(r);
    return lo + (wr_i128)(x % span);
}

/* ------------------------------------------------------------------------------------------
 * The source
 * ---------------------------------------------------------------------------------------- */
typedef struct dg_state {
    const dg_config *cfg;
    const wr_schema *schema;
    uint32_t subtask, par, batch_rows;
    wr_mem_owner *mem;
    dg_rng rng;
    int64_t total; /* rows this subtask emits, -1 = unbounded */
    int64_t emitted;
    double rate;      /* rows per second of this subtask */
    uint32_t chunk;   /* rows worth waiting for before emitting */
    int64_t start_us; /* wr_mono_us of the first poll */
    bool ended;
} dg_state;

static int dg_open(void **state, wr_source_ctx *ctx, const void *config, wr_error *err)
{
    const dg_config *cfg = config;
    dg_state *s = wr_calloc(1, sizeof *s);
    if (!s) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    s->cfg = cfg;
    s->schema = wr_source_schema(ctx);
    s->subtask = wr_source_subtask(ctx);
    s->par = wr_source_parallelism(ctx);
    if (s->par == 0) s->par = 1;
    s->batch_rows = wr_source_batch_rows(ctx);
    if (s->batch_rows == 0) s->batch_rows = WR_BATCH_DEFAULT_ROWS;
    s->mem = wr_source_mem(ctx);
    if (s->schema->ncols != cfg->ncols) {
        wr_free(s);
        return wr_error_set(err, WR_EINTERNAL, WR_DOMAIN_INTERNAL,
                            "datagen: the source schema has %u columns but the table %u",
                            s->schema->ncols, cfg->ncols);
    }
    uint64_t seed = cfg->has_seed ? cfg->seed : (uint64_t)wr_wall_us() ^ (uint64_t)wr_mono_ns();
    seed ^= 0xD1B54A32D192ED03ull * (s->subtask + 1);
    rng_seed(&s->rng, seed);

    s->total =
        cfg->number_of_rows >= 0 ? share((uint64_t)cfg->number_of_rows, s->subtask, s->par) : -1;
    for (uint32_t c = 0; c < cfg->ncols; c++) {
        const dg_field *f = &cfg->fields[c];
        if (f->kind != DG_SEQUENCE) continue;
        uint64_t count = (uint64_t)f->end - (uint64_t)f->start + 1;
        /* count 0 means the full 2^64 range: effectively endless. */
        int64_t mine = count ? share(count, s->subtask, s->par) : INT64_MAX;
        if (s->total < 0 || mine < s->total) s->total = mine;
    }
    s->rate = (double)cfg->rows_per_second / s->par;
    double chunk = s->rate / 100; /* 10 ms worth of rows */
    s->chunk = chunk < 1 ? 1 : chunk > s->batch_rows ? s->batch_rows : (uint32_t)chunk;
    *state = s;
    return WR_OK;
}

static void dg_close(void *state)
{
    wr_free(state);
}

static void gen_hex(dg_rng *r, char *dst, uint32_t n)
{
    static const char hex[] = "0123456789abcdef";
    uint32_t i = 0;
    while (i < n) {
        uint64_t x = rng_next(r);
        for (int k = 0; k < 16 && i < n; k++, x >>= 4)
            dst[i++] = hex[x & 15];
    }
}

static int64_t truncate_precision(int64_t us, int precision)
{
    if (precision >= 6) return us;
    int64_t unit = wr_pow10_i64(6 - precision);
    return us - wr_floor_mod(us, unit);
}

/* Fill rows [0, n) of column c. `first` is the index of the first row among this subtask's
 * rows. */
static int gen_column(dg_state *s, wr_batch *b, uint32_t c, uint32_t n, int64_t first,
                      int64_t now_us, wr_error *err)
{
    const dg_field *f = &s->cfg->fields[c];
    wr_vec *v = &b->cols[c];
    const wr_type *t = &v->type;
    dg_rng *r = &s->rng;
    if (t->id == WR_TYPE_NULL) {
        wr_vec_fill_valid(v, n, false);
        return WR_OK;
    }
    wr_vec_fill_valid(v, n, true);
    for (uint32_t i = 0; i < n; i++) {
        if (f->null_rate > 0 && rng_unit(r) < f->null_rate) {
            wr_vec_set_valid(v, i, false);
            continue;
        }
        if (f->kind == DG_SEQUENCE) {
            /* Strided: subtask k of p emits start + k, start + k + p, ... */
            int64_t seq = (int64_t)((uint64_t)f->start + (uint64_t)s->subtask +
                                    (uint64_t)(first + i) * s->par);
            switch (v->phys) {
            case WR_PHYS_I8:
                WR_VEC_I8(v)[i] = (int8_t)seq;
                break;
            case WR_PHYS_I16:
                WR_VEC_I16(v)[i] = (int16_t)seq;
                break;
            case WR_PHYS_I32:
                WR_VEC_I32(v)[i] = (int32_t)seq;
                break;
            case WR_PHYS_I64:
                WR_VEC_I64(v)[i] = t->id == WR_TYPE_DECIMAL ? seq * wr_pow10_i64(t->scale) : seq;
                break;
            case WR_PHYS_I128:
                WR_VEC_I128(v)[i] = (wr_i128)seq * wr_pow10_i128(t->scale);
                break;
            case WR_PHYS_F32:
                WR_VEC_F32(v)[i] = (float)seq;
                break;
            case WR_PHYS_F64:
                WR_VEC_F64(v)[i] = (double)seq;
                break;
            case WR_PHYS_STR: {
                char tmp[24];
                int len = snprintf(tmp, sizeof tmp, "%" PRId64, seq);
                if (wr_batch_copy_str(b, tmp, (size_t)len, &WR_VEC_STR(v)[i]))
                    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
                break;
            }
            default:
                break;
            }
            continue;
        }
        switch ((wr_type_id)t->id) {
        case WR_TYPE_BOOLEAN:
            WR_VEC_U8(v)[i] = (uint8_t)(rng_next(r) >> 63);
            break;
        case WR_TYPE_TINYINT:
            WR_VEC_I8(v)[i] = (int8_t)rng_range(r, f->imin, f->imax);
            break;
        case WR_TYPE_SMALLINT:
            WR_VEC_I16(v)[i] = (int16_t)rng_range(r, f->imin, f->imax);
            break;
        case WR_TYPE_INT:
        case WR_TYPE_INTERVAL_YM:
            WR_VEC_I32(v)[i] = (int32_t)rng_range(r, f->imin, f->imax);
            break;
        case WR_TYPE_BIGINT:
        case WR_TYPE_INTERVAL_DT:
            WR_VEC_I64(v)[i] = rng_range(r, f->imin, f->imax);
            break;
        case WR_TYPE_DECIMAL:
            if (v->phys == WR_PHYS_I64)
                WR_VEC_I64(v)[i] = rng_range(r, f->imin, f->imax);
            else
                WR_VEC_I128(v)[i] = rng_range128(r, f->dmin, f->dmax);
            break;
        case WR_TYPE_FLOAT:
        case WR_TYPE_DOUBLE: {
            double u = rng_unit(r);
            double x = f->fmin * (1 - u) + f->fmax * u; /* no overflow for wide ranges */
            if (x > f->fmax) x = f->fmax;
            if (t->id == WR_TYPE_FLOAT)
                WR_VEC_F32(v)[i] = (float)x;
            else
                WR_VEC_F64(v)[i] = x;
            break;
        }
        case WR_TYPE_CHAR:
        case WR_TYPE_VARCHAR:
        case WR_TYPE_BINARY:
        case WR_TYPE_VARBINARY: {
            uint32_t len = f->length;
            if (f->var_len && len > 0) len = (uint32_t)rng_range(r, 1, len);
            char *dst = len ? wr_arena_alloc_aligned(&b->arena, len, 1) : NULL;
            if (len && !dst)
                return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            if (wr_type_is_string(t)) {
                gen_hex(r, dst, len);
            } else {
                for (uint32_t k = 0; k < len; k += 8) {
                    uint64_t x = rng_next(r);
                    memcpy(dst + k, &x, WR_MIN(8u, len - k));
                }
            }
            WR_VEC_STR(v)[i] = wr_strv_make(len ? dst : "", len);
            break;
        }
        case WR_TYPE_DATE:
        case WR_TYPE_TIME:
        case WR_TYPE_TIMESTAMP:
        case WR_TYPE_TIMESTAMP_LTZ: {
            int64_t ts = now_us - (f->max_past_us > 0 ? rng_range(r, 0, f->max_past_us) : 0);
            if (t->id == WR_TYPE_DATE)
                WR_VEC_I32(v)[i] = (int32_t)wr_floor_div(ts, US_PER_DAY);
            else if (t->id == WR_TYPE_TIME)
                WR_VEC_I64(v)[i] = truncate_precision(wr_floor_mod(ts, US_PER_DAY), t->precision);
            else
                WR_VEC_I64(v)[i] = truncate_precision(ts, t->precision);
            break;
        }
        default:
            wr_vec_set_valid(v, i, false);
            break;
        }
    }
    return WR_OK;
}

static int dg_poll(void *state, wr_source_ctx *ctx, wr_source_poll *out, wr_error *err)
{
    dg_state *s = state;
    memset(out, 0, sizeof *out);
    out->split = (int32_t)s->subtask;
    if (s->ended || (s->total >= 0 && s->emitted >= s->total)) {
        s->ended = true;
        out->split_done = true;
        out->end = true;
        return WR_OK;
    }
    int64_t now = wr_mono_us();
    if (s->emitted == 0 && s->start_us == 0) s->start_us = now;
    /* Rate limit: rows due by now, released in chunks of about 10 ms. */
    double due = (double)(now - s->start_us) * s->rate / 1e6 + s->chunk;
    int64_t n = (int64_t)due - s->emitted;
    if (s->total >= 0) n = WR_MIN(n, s->total - s->emitted);
    int64_t need = s->total >= 0 ? WR_MIN((int64_t)s->chunk, s->total - s->emitted) : s->chunk;
    if (n < need) {
        double at = (double)(s->emitted + need - s->chunk) * 1e6 / s->rate;
        out->wait_until_us = s->start_us + (int64_t)ceil(at);
        if (out->wait_until_us <= now) out->wait_until_us = now + 1;
        return WR_OK;
    }
    if (n > s->batch_rows) n = s->batch_rows;
    wr_batch *b = wr_batch_new(s->schema, (uint32_t)n, s->mem);
    if (!b) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    int64_t wall = wr_wall_us();
    for (uint32_t c = 0; c < s->schema->ncols; c++) {
        int rc = gen_column(s, b, c, (uint32_t)n, s->emitted, wall, err);
        if (rc) {
            wr_batch_release(b);
            return rc;
        }
    }
    memset(b->rowkind, WR_RK_INSERT, (size_t)n);
    b->len = (uint32_t)n;
    b->split = (int32_t)s->subtask;
    s->emitted += n;
    out->batch = b;
    if (s->total >= 0 && s->emitted >= s->total) {
        s->ended = true;
        out->split_done = true;
        out->end = true;
    }
    return WR_OK;
}

/* Checkpoint: one operator record "datagen" per subtask, little-endian: u32 subtask, u32
 * parallelism, i64 rows emitted, u64 x 4 random generator state (so random values continue
 * exactly as without the restart). Which sequence values a subtask emits depends on the
 * parallelism, so a restore needs the same parallelism. */
#define DG_REC_LEN 48

static int dg_snapshot(void *state, wr_source_ctx *ctx, int64_t id, wr_snap_writer *w,
                       wr_error *err)
{
    dg_state *s = state;
    uint8_t rec[DG_REC_LEN];
    wr_le_put(rec, s->subtask, 4);
    wr_le_put(rec + 4, s->par, 4);
    wr_le_put(rec + 8, (uint64_t)s->emitted, 8);
    for (int i = 0; i < 4; i++)
        wr_le_put(rec + 16 + 8 * i, s->rng.s[i], 8);
    return wr_snap_put_op(w, "datagen", rec, sizeof rec, err);
}

static int dg_restore(void *state, wr_source_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    dg_state *s = state;
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next_op(r, "datagen", &rec, err)) == 1) {
        if (rec.vlen != DG_REC_LEN)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: bad datagen position record", wr_source_name(ctx));
        uint32_t sub = (uint32_t)wr_le_get(rec.val, 4), par = (uint32_t)wr_le_get(rec.val + 4, 4);
        if (par != s->par)
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "%s: the datagen source was checkpointed with parallelism %u and "
                                "cannot restore with %u (not supported yet)",
                                wr_source_name(ctx), par, s->par);
        if (sub != s->subtask) continue;
        s->emitted = (int64_t)wr_le_get(rec.val + 8, 8);
        for (int i = 0; i < 4; i++)
            s->rng.s[i] = wr_le_get(rec.val + 16 + 8 * i, 8);
        /* The rate goes on from the restored count. */
        s->start_us =
            wr_mono_us() - (s->rate > 0 ? (int64_t)((double)s->emitted * 1e6 / s->rate) : 0);
        if (s->start_us == 0) s->start_us = 1;
    }
    return rc < 0 ? rc : WR_OK;
}

const wr_source_vt wr_connector_datagen_source = {
    .abi_version = WR_ABI_VERSION,
    .name = "datagen",
    .description = "Generated rows: random values or sequences",
    .open = dg_open,
    .poll = dg_poll,
    .close = dg_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = dg_snapshot,
    .restore = dg_restore,
};

const wr_connector_vt wr_connector_datagen = {
    .abi_version = WR_ABI_VERSION,
    .name = "datagen",
    .description =
        "Generates rows: per column random values (numbers within min/max, hex strings of a "
        "length, times up to max-past before now) or sequences from start to end. Bounded when "
        "'number-of-rows' is set or a column is a sequence (it ends with the shortest "
        "sequence). Rows, rate and sequence values are divided among the subtasks so that each "
        "sequence value is produced exactly once. Random values are reproducible with 'seed'.",
    .options = &datagen_table,
    .takes_format = false,
    .make_source = datagen_make_source,
    .make_sink = NULL,
};
