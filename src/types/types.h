/* types.h - SQL data types, scalar values, decimals, temporal values, and the columnar
 * batch that every operator consumes and produces.
 *
 * Physical representation (one C type per SQL type, fixed width except strings):
 *   BOOLEAN                      uint8_t (0/1)
 *   TINYINT/SMALLINT/INT/BIGINT  int8_t/int16_t/int32_t/int64_t
 *   FLOAT/DOUBLE                 float/double
 *   DECIMAL(p,s) p <= 18         int64_t, the value times 10^s (exact)
 *   DECIMAL(p,s) p > 18          __int128, the value times 10^s (exact), p <= 38
 *   CHAR/VARCHAR/STRING          wr_strv view (bytes live in the batch arena or a retained batch)
 *   BINARY/VARBINARY/BYTES       wr_strv view
 *   DATE                         int32_t days since 1970-01-01
 *   TIME(p)                      int64_t microseconds since midnight
 *   TIMESTAMP(p), TIMESTAMP_LTZ  int64_t microseconds since 1970-01-01T00:00:00 (UTC for LTZ)
 *   INTERVAL DAY TO SECOND       int64_t microseconds
 *   INTERVAL YEAR TO MONTH       int32_t months
 * All event time in the engine (watermarks, timers, windows) is int64_t microseconds.
 * Precision above 6 for TIME/TIMESTAMP is rejected with WR_EUNSUPPORTED.
 * ARRAY, MAP and ROW exist as types (for the catalog and planner); vectors of them are not
 * implemented yet and wr_vec_init fails with WR_EUNSUPPORTED naming the type. */
#ifndef WR_TYPES_H
#define WR_TYPES_H

#include "base/base.h"

typedef enum wr_type_id {
    WR_TYPE_NULL = 0, /* the type of an untyped NULL literal */
    WR_TYPE_BOOLEAN,
    WR_TYPE_TINYINT,
    WR_TYPE_SMALLINT,
    WR_TYPE_INT,
    WR_TYPE_BIGINT,
    WR_TYPE_FLOAT,
    WR_TYPE_DOUBLE,
    WR_TYPE_DECIMAL,
    WR_TYPE_CHAR,
    WR_TYPE_VARCHAR, /* STRING is VARCHAR(WR_MAX_LENGTH) */
    WR_TYPE_BINARY,
    WR_TYPE_VARBINARY, /* BYTES is VARBINARY(WR_MAX_LENGTH) */
    WR_TYPE_DATE,
    WR_TYPE_TIME,
    WR_TYPE_TIMESTAMP,
    WR_TYPE_TIMESTAMP_LTZ,
    WR_TYPE_INTERVAL_YM,
    WR_TYPE_INTERVAL_DT,
    WR_TYPE_ARRAY,
    WR_TYPE_MAP,
    WR_TYPE_ROW,
    WR_TYPE__COUNT
} wr_type_id;

#define WR_MAX_LENGTH              2147483647
#define WR_DECIMAL_MAX_PRECISION   38
#define WR_DECIMAL64_MAX_PRECISION 18

typedef enum wr_time_attr {
    WR_TIME_ATTR_NONE = 0,
    WR_TIME_ATTR_ROWTIME,
    WR_TIME_ATTR_PROCTIME,
} wr_time_attr;

typedef enum wr_phys {
    WR_PHYS_NONE = 0, /* NULL type: no storage */
    WR_PHYS_U8,       /* BOOLEAN */
    WR_PHYS_I8,
    WR_PHYS_I16,
    WR_PHYS_I32,
    WR_PHYS_I64,
    WR_PHYS_F32,
    WR_PHYS_F64,
    WR_PHYS_I128,
    WR_PHYS_STR,
    WR_PHYS_NESTED, /* ARRAY/MAP/ROW: not implemented in vectors yet */
} wr_phys;

typedef struct wr_type wr_type;
typedef struct wr_field wr_field;

/* A SQL type. A plain value for scalar types; nested types point at children that live as
 * long as the plan or catalog that created them. */
struct wr_type {
    uint8_t id;           /* wr_type_id */
    bool nullable;        /* false only for NOT NULL */
    uint8_t precision;    /* DECIMAL p, TIME/TIMESTAMP fractional digits, INTERVAL leading digits */
    uint8_t scale;        /* DECIMAL s */
    uint8_t time_attr;    /* wr_time_attr, for DESCRIBE and the planner */
    int32_t length;       /* CHAR/VARCHAR/BINARY/VARBINARY length */
    const wr_type *elem;  /* ARRAY element, MAP key */
    const wr_type *value; /* MAP value */
    const wr_field *fields; /* ROW fields */
    uint32_t nfields;
};

struct wr_field {
    const char *name;
    wr_type type;
};

/* Constructors for scalar types (nullable). */
wr_type wr_type_make(wr_type_id id);
wr_type wr_type_decimal(int precision, int scale);
wr_type wr_type_varchar(int32_t length);  /* WR_MAX_LENGTH = STRING */
wr_type wr_type_timestamp(int precision); /* TIMESTAMP(p) */
wr_type wr_type_timestamp_ltz(int precision);
wr_type wr_type_not_null(wr_type t);
wr_type wr_type_nullable(wr_type t);

wr_phys wr_type_phys(const wr_type *t);
size_t wr_phys_width(wr_phys p);            /* bytes per value; 0 for NONE/NESTED */
bool wr_type_is_numeric(const wr_type *t);  /* TINYINT..DOUBLE, DECIMAL */
bool wr_type_is_integer(const wr_type *t);  /* TINYINT..BIGINT */
bool wr_type_is_string(const wr_type *t);   /* CHAR, VARCHAR */
bool wr_type_is_binary(const wr_type *t);   /* BINARY, VARBINARY */
bool wr_type_is_temporal(const wr_type *t); /* DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ */
/* Same logical type; nullability ignored when ignore_null. */
bool wr_type_equal(const wr_type *a, const wr_type *b, bool ignore_null);
/* "DECIMAL(10, 2) NOT NULL", "TIMESTAMP(3) *ROWTIME*", "STRING" - as Flink prints them. */
int wr_type_format(const wr_type *t, wr_buf *out);
const char *wr_type_id_name(wr_type_id id); /* "BIGINT" */
/* Check a type can be stored in a vector; WR_EUNSUPPORTED with a message otherwise. */
int wr_type_check_supported(const wr_type *t, wr_error *err);

/* ------------------------------------------------------------------------------------------
 * Schemas: an ordered list of named, typed columns. Immutable once built, shared by all
 * batches of a stream; owned by the job (it outlives every batch that points at it).
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_schema {
    uint32_t ncols;
    wr_field *cols;
} wr_schema;

wr_schema *wr_schema_new(uint32_t ncols); /* names NULL, types NULL-type; fill then share */
int wr_schema_set(wr_schema *s, uint32_t i, const char *name, wr_type type);
wr_schema *wr_schema_copy(const wr_schema *s);
void wr_schema_free(wr_schema *s);
int wr_schema_find(const wr_schema *s, const char *name); /* case-sensitive, -1 if absent */

/* ------------------------------------------------------------------------------------------
 * Strings, decimals, temporal helpers
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_strv {
    const char *ptr;
    uint32_t len;
    uint32_t _pad;
} wr_strv;

static inline wr_strv wr_strv_make(const char *p, uint32_t n)
{
    return (wr_strv){p, n, 0};
}

typedef __int128 wr_i128;

/* 10^n for n in 0..38 */
wr_i128 wr_pow10_i128(int n);
int64_t wr_pow10_i64(int n); /* n in 0..18 */
/* Parse "-12.345", "1e3" is rejected (DECIMAL literals are plain). Rounds HALF_UP to scale.
 * WR_EOVERFLOW when the value does not fit precision. */
int wr_decimal_parse(const char *s, size_t n, int precision, int scale, wr_i128 *out);
/* Rescale with HALF_UP rounding (as Java BigDecimal ROUND_HALF_UP); overflow checked
 * against precision. */
int wr_decimal_rescale(wr_i128 v, int from_scale, int to_scale, int precision, wr_i128 *out);
bool wr_decimal_fits(wr_i128 v, int precision);
/* Plain notation with exactly `scale` fraction digits: "12.30", "-0.05". */
int wr_decimal_format(wr_i128 v, int scale, wr_buf *out);

/* Days since epoch <-> civil date (proleptic Gregorian). */
int32_t wr_days_from_civil(int64_t y, unsigned m, unsigned d);
void wr_civil_from_days(int32_t days, int64_t *y, unsigned *m, unsigned *d);
/* Floor division for time arithmetic on negative values. */
static inline int64_t wr_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}
static inline int64_t wr_floor_mod(int64_t a, int64_t b)
{
    return a - wr_floor_div(a, b) * b;
}

/* Parsing of SQL text forms; all accept surrounding whitespace and nothing else.
 * DATE "2024-01-02"; TIME "03:04:05[.fff...]"; TIMESTAMP "2024-01-02 03:04:05[.fff]" or with
 * 'T'; a trailing 'Z' is accepted for TIMESTAMP_LTZ. */
int wr_parse_date(const char *s, size_t n, int32_t *out);
int wr_parse_time(const char *s, size_t n, int64_t *out_us);
int wr_parse_timestamp(const char *s, size_t n, int64_t *out_us);
/* Formatting: precision p (0..6) fraction digits; sep is ' ' (SQL/CSV/JSON) or 'T' (print). */
int wr_format_date(int32_t days, wr_buf *out);
int wr_format_time(int64_t us, int precision, wr_buf *out);
int wr_format_timestamp(int64_t us, int precision, char sep, wr_buf *out);

/* ------------------------------------------------------------------------------------------
 * Columnar batches.
 *
 * A batch holds up to `cap` rows: one vector per column, each with a validity bitmap (bit
 * set = value present; always allocated, bits beyond len are zero), a row-kind byte per
 * row, and an arena for string bytes. Batches are reference counted (atomic): a batch
 * handed to several consumers (broadcast) is retained once per consumer, and a batch whose
 * string views point into another batch's arena retains that batch (wr_batch_depend).
 * A batch is mutable only while its creator holds the only reference; once emitted it is
 * read-only.
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_rowkind {
    WR_RK_INSERT = 0,        /* +I */
    WR_RK_UPDATE_BEFORE = 1, /* -U */
    WR_RK_UPDATE_AFTER = 2,  /* +U */
    WR_RK_DELETE = 3,        /* -D */
} wr_rowkind;

const char *wr_rowkind_str(wr_rowkind k); /* "+I", "-U", "+U", "-D" */
/* +I and +U add a row; -U and -D retract one. */
static inline bool wr_rowkind_is_add(uint8_t k)
{
    return k == WR_RK_INSERT || k == WR_RK_UPDATE_AFTER;
}

typedef struct wr_vec {
    wr_type type;
    wr_phys phys;
    uint8_t width;
    uint64_t *validity; /* ceil(cap/64) words */
    void *data;         /* cap * width bytes */
} wr_vec;

#define WR_BATCH_DEFAULT_ROWS 1024
#define WR_BATCH_MAX_DEPS     8

typedef struct wr_batch wr_batch;
struct wr_batch {
    _Atomic int32_t refs;
    uint32_t len; /* rows in use */
    uint32_t cap; /* rows allocated */
    uint32_t ncols;
    const wr_schema *schema; /* not owned */
    wr_vec *cols;
    uint8_t *rowkind; /* cap bytes, wr_rowkind */
    wr_arena arena;   /* string bytes of this batch */
    uint32_t ndeps;
    wr_batch *deps[WR_BATCH_MAX_DEPS]; /* batches whose bytes our views point into */
    int32_t split;                     /* source split that produced the rows, -1 if none */
    wr_mem_owner *owner;
};

/* New batch with every vector allocated for cap rows, len = 0. NULL on ENOMEM. */
wr_batch *wr_batch_new(const wr_schema *schema, uint32_t cap, wr_mem_owner *owner);
void wr_batch_retain(wr_batch *b);
void wr_batch_release(wr_batch *b); /* frees at zero, releasing its deps */
/* Make `b` keep `dep` alive (for string views into dep's arena). A dep already present is
 * not added twice; past WR_BATCH_MAX_DEPS the views are copied instead (see
 * wr_batch_adopt_strings), so callers may always call this. */
int wr_batch_depend(wr_batch *b, wr_batch *dep);
/* Copy the bytes of every string view of column `col` rows [0, len) into b's own arena. */
int wr_batch_adopt_strings(wr_batch *b, uint32_t col);
/* Reset to len 0 (keeps capacity; drops deps and arena contents). Only for the sole owner. */
void wr_batch_clear(wr_batch *b);
/* Copy string bytes into the batch arena and return the view. */
int wr_batch_copy_str(wr_batch *b, const char *p, size_t n, wr_strv *out);
/* Append row `row` of `src` (all columns, same schema) including its row kind; strings are
 * copied. For slow paths (tests, formats); the hot paths work column-wise. */
int wr_batch_append_row(wr_batch *dst, const wr_batch *src, uint32_t row);
/* New batch with rows [start, start+n) of src (same schema); string views retain src. */
wr_batch *wr_batch_slice(wr_batch *src, uint32_t start, uint32_t n);
/* New batch with rows rows[0..n) of src in that order (values, validity, row kinds, split);
 * string views retain src. owner NULL = src's owner. */
wr_batch *wr_batch_gather(wr_batch *src, const uint32_t *rows, uint32_t n, wr_mem_owner *owner);
/* dst rows [drow0, drow0 + n) = src rows rows[0..n): values and validity. dst and src have the
 * same physical type. String views are copied as views: the caller makes dst's batch depend
 * on src's (wr_batch_depend). */
void wr_vec_gather(wr_vec *dst, uint32_t drow0, const wr_vec *src, const uint32_t *rows,
                   uint32_t n);
/* New batch with the rows of src whose sel[i] != 0, in order. */
wr_batch *wr_batch_filter(wr_batch *src, const uint8_t *sel);
size_t wr_batch_bytes(const wr_batch *b); /* approximate memory held */

static inline bool wr_vec_valid(const wr_vec *v, uint32_t i)
{
    return (v->validity[i >> 6] >> (i & 63)) & 1;
}
static inline void wr_vec_set_valid(wr_vec *v, uint32_t i, bool valid)
{
    if (valid)
        v->validity[i >> 6] |= 1ull << (i & 63);
    else
        v->validity[i >> 6] &= ~(1ull << (i & 63));
}
/* Set all rows [0, n) valid / invalid. */
void wr_vec_fill_valid(wr_vec *v, uint32_t n, bool valid);

#define WR_VEC_U8(v)   ((uint8_t *)(v)->data)
#define WR_VEC_I8(v)   ((int8_t *)(v)->data)
#define WR_VEC_I16(v)  ((int16_t *)(v)->data)
#define WR_VEC_I32(v)  ((int32_t *)(v)->data)
#define WR_VEC_I64(v)  ((int64_t *)(v)->data)
#define WR_VEC_F32(v)  ((float *)(v)->data)
#define WR_VEC_F64(v)  ((double *)(v)->data)
#define WR_VEC_I128(v) ((wr_i128 *)(v)->data)
#define WR_VEC_STR(v)  ((wr_strv *)(v)->data)

/* ------------------------------------------------------------------------------------------
 * Scalar values: constants, single-row access and formatting. A string value points at
 * bytes the caller keeps alive.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_value {
    bool is_null;
    union {
        bool b;
        int64_t i;   /* all integer types, DATE, TIME, TIMESTAMP*, INTERVAL*, DECIMAL p<=18 */
        double d;    /* FLOAT, DOUBLE */
        wr_i128 dec; /* DECIMAL p>18 */
        wr_strv s;
    };
} wr_value;

/* Read row i of v into a value (strings are views into the batch). */
void wr_vec_get(const wr_vec *v, uint32_t i, wr_value *out);
/* Write a value into row i of column col (strings copied into b's arena). */
int wr_batch_set(wr_batch *b, uint32_t col, uint32_t i, const wr_value *val);

typedef enum wr_format_style {
    WR_STYLE_PRINT = 0, /* Flink print sink: TIMESTAMP as 2024-01-02T03:04:05.678, NULL as null */
    WR_STYLE_CSV,       /* TIMESTAMP as 2024-01-02 03:04:05.678, NULL as empty */
    WR_STYLE_JSON,      /* strings/temporals quoted and escaped, NULL as null */
} wr_format_style;

/* Append the text form of row i of v. */
int wr_vec_format(const wr_vec *v, uint32_t i, wr_format_style style, wr_buf *out);
int wr_value_format(const wr_type *t, const wr_value *val, wr_format_style style, wr_buf *out);
/* Parse text into a value of type t (strings are views into s). Error message names what
 * was expected. Used by csv/json formats and literal folding. */
int wr_value_parse(const wr_type *t, const char *s, size_t n, wr_value *out, wr_error *err);
/* Total order for sorting and MIN/MAX: NULLs first; returns <0, 0, >0. */
int wr_value_cmp(const wr_type *t, const wr_value *a, const wr_value *b);
uint64_t wr_value_hash(const wr_type *t, const wr_value *v);

#endif
