/* types_type.c - SQL type descriptors: constructors with Flink's defaults, the mapping from
 * logical type to physical vector representation, predicates used by the binder and the
 * expression compiler, structural equality, and printing types the way Flink's
 * LogicalType.asSummaryString does (DESCRIBE, EXPLAIN and error messages depend on it).
 * Types are plain values; nothing here allocates except into the caller's wr_buf. */
#include "types/types.h"

#include <string.h>

static const char *const type_names[WR_TYPE__COUNT] = {
    [WR_TYPE_NULL] = "NULL",
    [WR_TYPE_BOOLEAN] = "BOOLEAN",
    [WR_TYPE_TINYINT] = "TINYINT",
    [WR_TYPE_SMALLINT] = "SMALLINT",
    [WR_TYPE_INT] = "INT",
    [WR_TYPE_BIGINT] = "BIGINT",
    [WR_TYPE_FLOAT] = "FLOAT",
    [WR_TYPE_DOUBLE] = "DOUBLE",
    [WR_TYPE_DECIMAL] = "DECIMAL",
    [WR_TYPE_CHAR] = "CHAR",
    [WR_TYPE_VARCHAR] = "VARCHAR",
    [WR_TYPE_BINARY] = "BINARY",
    [WR_TYPE_VARBINARY] = "VARBINARY",
    [WR_TYPE_DATE] = "DATE",
    [WR_TYPE_TIME] = "TIME",
    [WR_TYPE_TIMESTAMP] = "TIMESTAMP",
    [WR_TYPE_TIMESTAMP_LTZ] = "TIMESTAMP_LTZ",
    [WR_TYPE_INTERVAL_YM] = "INTERVAL YEAR TO MONTH",
    [WR_TYPE_INTERVAL_DT] = "INTERVAL DAY TO SECOND",
    [WR_TYPE_ARRAY] = "ARRAY",
    [WR_TYPE_MAP] = "MAP",
    [WR_TYPE_ROW] = "ROW",
};

const char *wr_type_id_name(wr_type_id id)
{
    if ((unsigned)id >= WR_TYPE__COUNT) return "UNKNOWN";
    return type_names[id];
}

/* Defaults follow Flink: DECIMAL = DECIMAL(10, 0), CHAR/BINARY = length 1, TIME = TIME(0),
 * TIMESTAMP = TIMESTAMP(6). VARCHAR and VARBINARY default to the maximum length (STRING and
 * BYTES) because that is what a caller asking for "a VARCHAR" nearly always means. */
wr_type wr_type_make(wr_type_id id)
{
    wr_type t = {.id = (uint8_t)id, .nullable = true};
    switch (id) {
    case WR_TYPE_DECIMAL:
        t.precision = 10;
        break;
    case WR_TYPE_CHAR:
    case WR_TYPE_BINARY:
        t.length = 1;
        break;
    case WR_TYPE_VARCHAR:
    case WR_TYPE_VARBINARY:
        t.length = WR_MAX_LENGTH;
        break;
    case WR_TYPE_TIMESTAMP:
    case WR_TYPE_TIMESTAMP_LTZ:
        t.precision = 6;
        break;
    case WR_TYPE_INTERVAL_YM:
    case WR_TYPE_INTERVAL_DT:
        t.precision = 2;
        break;
    default:
        break;
    }
    return t;
}

static uint8_t clamp_u8(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* Out-of-range precision/scale are stored (clamped to a byte) rather than asserted on:
 * they come from user DDL, and wr_type_check_supported reports them properly. */
wr_type wr_type_decimal(int precision, int scale)
{
    wr_type t = wr_type_make(WR_TYPE_DECIMAL);
    t.precision = clamp_u8(precision);
    t.scale = clamp_u8(scale);
    return t;
}

wr_type wr_type_varchar(int32_t length)
{
    wr_type t = wr_type_make(WR_TYPE_VARCHAR);
    t.length = length;
    return t;
}

wr_type wr_type_timestamp(int precision)
{
    wr_type t = wr_type_make(WR_TYPE_TIMESTAMP);
    t.precision = clamp_u8(precision);
    return t;
}

wr_type wr_type_timestamp_ltz(int precision)
{
    wr_type t = wr_type_make(WR_TYPE_TIMESTAMP_LTZ);
    t.precision = clamp_u8(precision);
    return t;
}

wr_type wr_type_not_null(wr_type t)
{
    t.nullable = false;
    return t;
}

wr_type wr_type_nullable(wr_type t)
{
    t.nullable = true;
    return t;
}

wr_phys wr_type_phys(const wr_type *t)
{
    switch ((wr_type_id)t->id) {
    case WR_TYPE_NULL:
        return WR_PHYS_NONE;
    case WR_TYPE_BOOLEAN:
        return WR_PHYS_U8;
    case WR_TYPE_TINYINT:
        return WR_PHYS_I8;
    case WR_TYPE_SMALLINT:
        return WR_PHYS_I16;
    case WR_TYPE_INT:
    case WR_TYPE_DATE:
    case WR_TYPE_INTERVAL_YM:
        return WR_PHYS_I32;
    case WR_TYPE_BIGINT:
    case WR_TYPE_TIME:
    case WR_TYPE_TIMESTAMP:
    case WR_TYPE_TIMESTAMP_LTZ:
    case WR_TYPE_INTERVAL_DT:
        return WR_PHYS_I64;
    case WR_TYPE_FLOAT:
        return WR_PHYS_F32;
    case WR_TYPE_DOUBLE:
        return WR_PHYS_F64;
    case WR_TYPE_DECIMAL:
        return t->precision <= WR_DECIMAL64_MAX_PRECISION ? WR_PHYS_I64 : WR_PHYS_I128;
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR:
    case WR_TYPE_BINARY:
    case WR_TYPE_VARBINARY:
        return WR_PHYS_STR;
    case WR_TYPE_ARRAY:
    case WR_TYPE_MAP:
    case WR_TYPE_ROW:
    case WR_TYPE__COUNT:
        break;
    }
    return WR_PHYS_NESTED;
}

size_t wr_phys_width(wr_phys p)
{
    switch (p) {
    case WR_PHYS_U8:
    case WR_PHYS_I8:
        return 1;
    case WR_PHYS_I16:
        return 2;
    case WR_PHYS_I32:
    case WR_PHYS_F32:
        return 4;
    case WR_PHYS_I64:
    case WR_PHYS_F64:
        return 8;
    case WR_PHYS_I128:
        return sizeof(wr_i128);
    case WR_PHYS_STR:
        return sizeof(wr_strv);
    case WR_PHYS_NONE:
    case WR_PHYS_NESTED:
        break;
    }
    return 0;
}

bool wr_type_is_numeric(const wr_type *t)
{
    return t->id >= WR_TYPE_TINYINT && t->id <= WR_TYPE_DECIMAL;
}

bool wr_type_is_integer(const wr_type *t)
{
    return t->id >= WR_TYPE_TINYINT && t->id <= WR_TYPE_BIGINT;
}

bool wr_type_is_string(const wr_type *t)
{
    return t->id == WR_TYPE_CHAR || t->id == WR_TYPE_VARCHAR;
}

bool wr_type_is_binary(const wr_type *t)
{
    return t->id == WR_TYPE_BINARY || t->id == WR_TYPE_VARBINARY;
}

bool wr_type_is_temporal(const wr_type *t)
{
    return t->id == WR_TYPE_DATE || t->id == WR_TYPE_TIME || t->id == WR_TYPE_TIMESTAMP ||
           t->id == WR_TYPE_TIMESTAMP_LTZ;
}

/* Only the attributes that are meaningful for a type take part; the time attribute marker
 * (*ROWTIME*) does not, since it does not change what values the type holds. */
bool wr_type_equal(const wr_type *a, const wr_type *b, bool ignore_null)
{
    if (a->id != b->id) return false;
    if (!ignore_null && a->nullable != b->nullable) return false;
    switch ((wr_type_id)a->id) {
    case WR_TYPE_DECIMAL:
        return a->precision == b->precision && a->scale == b->scale;
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR:
    case WR_TYPE_BINARY:
    case WR_TYPE_VARBINARY:
        return a->length == b->length;
    case WR_TYPE_TIME:
    case WR_TYPE_TIMESTAMP:
    case WR_TYPE_TIMESTAMP_LTZ:
        return a->precision == b->precision;
    case WR_TYPE_ARRAY:
        if (!a->elem || !b->elem) return a->elem == b->elem;
        return wr_type_equal(a->elem, b->elem, false);
    case WR_TYPE_MAP:
        if (!a->elem || !b->elem || !a->value || !b->value)
            return a->elem == b->elem && a->value == b->value;
        return wr_type_equal(a->elem, b->elem, false) && wr_type_equal(a->value, b->value, false);
    case WR_TYPE_ROW:
        if (a->nfields != b->nfields) return false;
        for (uint32_t i = 0; i < a->nfields; i++) {
            const wr_field *fa = &a->fields[i], *fb = &b->fields[i];
            if (strcmp(fa->name ? fa->name : "", fb->name ? fb->name : "") != 0) return false;
            if (!wr_type_equal(&fa->type, &fb->type, false)) return false;
        }
        return true;
    default:
        return true;
    }
}

static int format_inner(const wr_type *t, wr_buf *out)
{
    int rc = 0;
    switch ((wr_type_id)t->id) {
    case WR_TYPE_DECIMAL:
        rc = wr_buf_printf(out, "DECIMAL(%d, %d)", t->precision, t->scale);
        break;
    case WR_TYPE_CHAR:
        rc = wr_buf_printf(out, "CHAR(%d)", (int)t->length);
        break;
    case WR_TYPE_VARCHAR:
        if (t->length == WR_MAX_LENGTH)
            rc = wr_buf_append_c(out, "STRING");
        else
            rc = wr_buf_printf(out, "VARCHAR(%d)", (int)t->length);
        break;
    case WR_TYPE_BINARY:
        rc = wr_buf_printf(out, "BINARY(%d)", (int)t->length);
        break;
    case WR_TYPE_VARBINARY:
        if (t->length == WR_MAX_LENGTH)
            rc = wr_buf_append_c(out, "BYTES");
        else
            rc = wr_buf_printf(out, "VARBINARY(%d)", (int)t->length);
        break;
    case WR_TYPE_TIME:
    case WR_TYPE_TIMESTAMP:
    case WR_TYPE_TIMESTAMP_LTZ:
        rc = wr_buf_printf(out, "%s(%d)", type_names[t->id], t->precision);
        break;
    /* Flink's planner types every year-month interval as INTERVAL MONTH and every
     * day-time interval as INTERVAL SECOND(3); we only keep one representation of each. */
    case WR_TYPE_INTERVAL_YM:
        rc = wr_buf_append_c(out, "INTERVAL MONTH");
        break;
    case WR_TYPE_INTERVAL_DT:
        rc = wr_buf_append_c(out, "INTERVAL SECOND(3)");
        break;
    case WR_TYPE_ARRAY:
        if ((rc = wr_buf_append_c(out, "ARRAY<")) < 0) break;
        if (t->elem) rc = wr_type_format(t->elem, out);
        if (rc >= 0) rc = wr_buf_putc(out, '>');
        break;
    case WR_TYPE_MAP:
        if ((rc = wr_buf_append_c(out, "MAP<")) < 0) break;
        if (t->elem) rc = wr_type_format(t->elem, out);
        if (rc >= 0) rc = wr_buf_append_c(out, ", ");
        if (rc >= 0 && t->value) rc = wr_type_format(t->value, out);
        if (rc >= 0) rc = wr_buf_putc(out, '>');
        break;
    case WR_TYPE_ROW:
        if ((rc = wr_buf_append_c(out, "ROW<")) < 0) break;
        for (uint32_t i = 0; i < t->nfields && rc >= 0; i++) {
            const wr_field *f = &t->fields[i];
            if (i > 0) rc = wr_buf_append_c(out, ", ");
            if (rc >= 0) rc = wr_buf_printf(out, "`%s` ", f->name ? f->name : "");
            if (rc >= 0) rc = wr_type_format(&f->type, out);
        }
        if (rc >= 0) rc = wr_buf_putc(out, '>');
        break;
    default:
        rc = wr_buf_append_c(out, wr_type_id_name((wr_type_id)t->id));
        break;
    }
    return rc < 0 ? rc : 0;
}

int wr_type_format(const wr_type *t, wr_buf *out)
{
    int rc = format_inner(t, out);
    if (rc == 0 && !t->nullable) rc = wr_buf_append_c(out, " NOT NULL");
    if (rc >= 0 && t->time_attr == WR_TIME_ATTR_ROWTIME) rc = wr_buf_append_c(out, " *ROWTIME*");
    if (rc >= 0 && t->time_attr == WR_TIME_ATTR_PROCTIME) rc = wr_buf_append_c(out, " *PROCTIME*");
    return rc < 0 ? rc : 0;
}

static int unsupported(const wr_type *t, wr_error *err, const char *why)
{
    wr_buf b;
    wr_buf_init(&b);
    int rc = wr_type_format(t, &b);
    wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER, "type %s is not supported: %s",
                 rc == 0 && b.ptr ? b.ptr : wr_type_id_name((wr_type_id)t->id), why);
    wr_buf_free(&b);
    return WR_EUNSUPPORTED;
}

int wr_type_check_supported(const wr_type *t, wr_error *err)
{
    switch ((wr_type_id)t->id) {
    case WR_TYPE_ARRAY:
    case WR_TYPE_MAP:
    case WR_TYPE_ROW:
        return unsupported(t, err, "columns of ARRAY, MAP and ROW types are not implemented yet");
    case WR_TYPE_DECIMAL:
        if (t->precision < 1 || t->precision > WR_DECIMAL_MAX_PRECISION)
            return unsupported(t, err, "DECIMAL precision must be between 1 and 38");
        if (t->scale > t->precision)
            return unsupported(t, err, "DECIMAL scale must be between 0 and the precision");
        return 0;
    case WR_TYPE_TIME:
    case WR_TYPE_TIMESTAMP:
    case WR_TYPE_TIMESTAMP_LTZ:
        if (t->precision > 6)
            return unsupported(t, err,
                               "fractional second precision above 6 (microseconds) is not "
                               "supported");
        return 0;
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR:
    case WR_TYPE_BINARY:
    case WR_TYPE_VARBINARY:
        if (t->length < 0) return unsupported(t, err, "length must not be negative");
        return 0;
    case WR_TYPE__COUNT:
        return unsupported(t, err, "unknown type id");
    default:
        if (t->id >= WR_TYPE__COUNT) return unsupported(t, err, "unknown type id");
        return 0;
    }
}
