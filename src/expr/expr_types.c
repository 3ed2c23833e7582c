/* expr_types.c - type rules used while building expression trees: Flink's common-type
 * derivation for comparisons, CASE and COALESCE (numeric widening TINYINT < SMALLINT < INT <
 * BIGINT < DECIMAL < FLOAT < DOUBLE, DECIMAL with FLOAT/DOUBLE giving DOUBLE, DATE with
 * TIMESTAMP giving TIMESTAMP), the decimal result types of arithmetic, and the matrix of
 * allowed casts mapped to the cast kernels' kinds. */
#include "expr/expr_internal.h"

#include <stdio.h>
#include <string.h>

const char *wr_expr_type_str(const wr_type *t)
{
    static _Thread_local char slots[4][96];
    static _Thread_local int next;
    char *s = slots[next++ & 3];
    wr_buf b;
    wr_buf_init(&b);
    if (wr_type_format(t, &b) == 0 && b.ptr) {
        snprintf(s, 96, "%s", b.ptr);
    } else {
        snprintf(s, 96, "%s", wr_type_id_name((wr_type_id)t->id));
    }
    wr_buf_free(&b);
    return s;
}

int wr_expr_int_digits(wr_type_id id)
{
    switch (id) {
    case WR_TYPE_TINYINT:
        return 3;
    case WR_TYPE_SMALLINT:
        return 5;
    case WR_TYPE_INT:
        return 10;
    case WR_TYPE_BIGINT:
        return 19;
    default:
        return 0;
    }
}

int wr_expr_num_idx(wr_phys p)
{
    switch (p) {
    case WR_PHYS_I8:
        return 0;
    case WR_PHYS_I16:
        return 1;
    case WR_PHYS_I32:
        return 2;
    case WR_PHYS_I64:
        return 3;
    case WR_PHYS_F32:
        return 4;
    case WR_PHYS_F64:
        return 5;
    default:
        return -1;
    }
}

int wr_expr_cmp_idx(wr_phys p)
{
    switch (p) {
    case WR_PHYS_U8:
        return 0;
    case WR_PHYS_I128:
        return 7;
    case WR_PHYS_STR:
        return 8;
    default: {
        int k = wr_expr_num_idx(p);
        return k < 0 ? -1 : k + 1;
    }
    }
}

static bool is_int(const wr_type *t)
{
    return t->id >= WR_TYPE_TINYINT && t->id <= WR_TYPE_BIGINT;
}
static bool is_approx(const wr_type *t)
{
    return t->id == WR_TYPE_FLOAT || t->id == WR_TYPE_DOUBLE;
}
static bool is_str(const wr_type *t)
{
    return t->id == WR_TYPE_CHAR || t->id == WR_TYPE_VARCHAR;
}
static bool is_bin(const wr_type *t)
{
    return t->id == WR_TYPE_BINARY || t->id == WR_TYPE_VARBINARY;
}
static bool is_ts(const wr_type *t)
{
    return t->id == WR_TYPE_TIMESTAMP || t->id == WR_TYPE_TIMESTAMP_LTZ;
}

/* The decimal an exact numeric converts to without loss. */
wr_type wr_expr_as_decimal(const wr_type *t)
{
    if (t->id == WR_TYPE_DECIMAL) return *t;
    wr_type d = wr_type_decimal(wr_expr_int_digits((wr_type_id)t->id), 0);
    d.nullable = t->nullable;
    return d;
}

static wr_type common_exact(const wr_type *a, const wr_type *b)
{
    if (a->id != WR_TYPE_DECIMAL && b->id != WR_TYPE_DECIMAL) return a->id >= b->id ? *a : *b;
    wr_type da = wr_expr_as_decimal(a), db = wr_expr_as_decimal(b);
    int d = WR_MAX(da.precision - da.scale, db.precision - db.scale);
    d = WR_MIN(d, WR_DECIMAL_MAX_PRECISION);
    int s = WR_MAX(da.scale, db.scale);
    s = WR_MIN(s, WR_DECIMAL_MAX_PRECISION - d);
    return wr_type_decimal(d + s, s);
}

bool wr_expr_common_type(const wr_type *a, const wr_type *b, wr_type *out)
{
    bool nullable = a->nullable || b->nullable;
    wr_type r;
    if (a->id == WR_TYPE_NULL) {
        r = *b;
    } else if (b->id == WR_TYPE_NULL) {
        r = *a;
    } else if (wr_type_is_numeric(a) && wr_type_is_numeric(b)) {
        if (is_approx(a) || is_approx(b)) {
            if (a->id == WR_TYPE_DOUBLE || b->id == WR_TYPE_DOUBLE || a->id == WR_TYPE_DECIMAL ||
                b->id == WR_TYPE_DECIMAL)
                r = wr_type_make(WR_TYPE_DOUBLE);
            else
                r = wr_type_make(WR_TYPE_FLOAT);
        } else {
            r = common_exact(a, b);
        }
    } else if (is_str(a) && is_str(b)) {
        int32_t len = WR_MAX(a->length, b->length);
        if (a->id == WR_TYPE_CHAR && b->id == WR_TYPE_CHAR && a->length == b->length) {
            r = *a;
        } else {
            r = wr_type_varchar(len);
        }
    } else if (is_bin(a) && is_bin(b)) {
        r = a->id == WR_TYPE_BINARY && b->id == WR_TYPE_BINARY && a->length == b->length
                ? *a
                : wr_type_make(WR_TYPE_VARBINARY);
        if (r.id == WR_TYPE_VARBINARY) r.length = WR_MAX(a->length, b->length);
    } else if (a->id == WR_TYPE_BOOLEAN && b->id == WR_TYPE_BOOLEAN) {
        r = *a;
    } else if (a->id == WR_TYPE_DATE && b->id == WR_TYPE_DATE) {
        r = *a;
    } else if ((is_ts(a) || a->id == WR_TYPE_DATE) && (is_ts(b) || b->id == WR_TYPE_DATE)) {
        int p = 0;
        if (is_ts(a)) p = a->precision;
        if (is_ts(b)) p = WR_MAX(p, b->precision);
        bool ltz = a->id == WR_TYPE_TIMESTAMP_LTZ || b->id == WR_TYPE_TIMESTAMP_LTZ;
        r = ltz ? wr_type_timestamp_ltz(p) : wr_type_timestamp(p);
    } else if (a->id == WR_TYPE_TIME && b->id == WR_TYPE_TIME) {
        r = *a;
        r.precision = WR_MAX(a->precision, b->precision);
    } else if (a->id == b->id && (a->id == WR_TYPE_INTERVAL_DT || a->id == WR_TYPE_INTERVAL_YM)) {
        r = *a;
        r.precision = WR_MAX(a->precision, b->precision);
    } else {
        return false;
    }
    r.nullable = nullable;
    r.time_attr = WR_TIME_ATTR_NONE;
    *out = r;
    return true;
}

/* Can `from` be converted to `to` implicitly (function arguments)? */
bool wr_expr_implicit_ok(const wr_type *from, const wr_type *to)
{
    if (from->id == WR_TYPE_NULL) return true;
    if (from->id == to->id) return true;
    if (wr_type_is_numeric(from) && wr_type_is_numeric(to)) {
        if (is_int(from) && is_int(to)) return from->id <= to->id;
        if (is_int(from) && to->id == WR_TYPE_DECIMAL) return true;
        if (is_approx(to)) return from->id <= to->id || to->id == WR_TYPE_DOUBLE;
        return false;
    }
    if (is_str(from) && is_str(to)) return true;
    if (is_bin(from) && is_bin(to)) return true;
    if (from->id == WR_TYPE_DATE && is_ts(to)) return true;
    if (from->id == WR_TYPE_TIMESTAMP && to->id == WR_TYPE_TIMESTAMP_LTZ) return true;
    return false;
}

/* Flink/Calcite decimal result types (LogicalTypeMerging): adjusted to at most 38 digits by
 * giving up scale, keeping at least min(scale, 6) fraction digits. */
static wr_type adjust_decimal(int p, int s)
{
    if (p <= WR_DECIMAL_MAX_PRECISION) return wr_type_decimal(p, s);
    int digits = p - s;
    int min_scale = WR_MIN(s, 6);
    int adj = WR_MAX(WR_DECIMAL_MAX_PRECISION - digits, min_scale);
    return wr_type_decimal(WR_DECIMAL_MAX_PRECISION, adj);
}

wr_type wr_expr_decimal_result(char op, const wr_type *a, const wr_type *b)
{
    int p1 = a->precision, s1 = a->scale, p2 = b->precision, s2 = b->scale;
    switch (op) {
    case '+':
    case '-': {
        int s = WR_MAX(s1, s2);
        return adjust_decimal(WR_MAX(p1 - s1, p2 - s2) + s + 1, s);
    }
    case '*':
        return adjust_decimal(p1 + p2 + 1, s1 + s2);
    case '/': {
        int s = WR_MAX(6, s1 + p2 + 1);
        return adjust_decimal(p1 - s1 + s2 + s, s);
    }
    default: { /* % */
        int s = WR_MAX(s1, s2);
        return adjust_decimal(WR_MIN(p1 - s1, p2 - s2) + s, s);
    }
    }
}

/* ROUND/TRUNCATE(DECIMAL(p, s), r) result type. */
wr_type wr_expr_round_decimal_type(int p, int s, int r)
{
    if (r >= s) return wr_type_decimal(p, s);
    if (r < 0) return wr_type_decimal(WR_MIN(WR_DECIMAL_MAX_PRECISION, 1 + p - s), 0);
    return wr_type_decimal(WR_MIN(WR_DECIMAL_MAX_PRECISION, 1 + p - s + r), r);
}

/* The cast kernel for from -> to, or -1 when the cast is not allowed. */
int wr_expr_cast_kind(const wr_type *from, const wr_type *to)
{
    wr_type_id f = (wr_type_id)from->id, t = (wr_type_id)to->id;
    if (f == WR_TYPE_NULL) return WR_CK_IDENT;
    if (t == WR_TYPE_NULL) return -1;
    bool fnum = wr_type_is_numeric(from), tnum = wr_type_is_numeric(to);
    if (fnum && tnum) {
        if (is_int(from)) {
            if (is_int(to)) return f == t ? WR_CK_IDENT : WR_CK_INT_INT;
            if (is_approx(to)) return WR_CK_INT_FLT;
            return WR_CK_INT_DEC;
        }
        if (is_approx(from)) {
            if (is_int(to)) return WR_CK_FLT_INT;
            if (is_approx(to)) return f == t ? WR_CK_IDENT : WR_CK_FLT_FLT;
            return WR_CK_FLT_DEC;
        }
        if (is_int(to)) return WR_CK_DEC_INT;
        if (is_approx(to)) return WR_CK_DEC_FLT;
        return WR_CK_DEC_DEC;
    }
    if (f == WR_TYPE_BOOLEAN && t == WR_TYPE_BOOLEAN) return WR_CK_IDENT;
    if (f == WR_TYPE_BOOLEAN && tnum) return WR_CK_BOOL_NUM;
    if (fnum && t == WR_TYPE_BOOLEAN) {
        if (is_int(from)) return WR_CK_INT_BOOL;
        if (is_approx(from)) return WR_CK_FLT_BOOL;
        return WR_CK_DEC_BOOL;
    }
    if (is_str(to)) {
        if (is_str(from)) return WR_CK_STR_STR;
        if (f == WR_TYPE_ARRAY || f == WR_TYPE_MAP || f == WR_TYPE_ROW) return -1;
        return WR_CK_TO_STR;
    }
    if (is_str(from)) {
        if (is_int(to)) return WR_CK_STR_INT;
        if (is_approx(to)) return WR_CK_STR_FLT;
        if (t == WR_TYPE_DECIMAL) return WR_CK_STR_DEC;
        if (t == WR_TYPE_BOOLEAN) return WR_CK_STR_BOOL;
        if (t == WR_TYPE_DATE) return WR_CK_STR_DATE;
        if (t == WR_TYPE_TIME) return WR_CK_STR_TIME;
        if (is_ts(to)) return WR_CK_STR_TS;
        if (is_bin(to)) return WR_CK_STR_BIN;
        return -1;
    }
    if (is_bin(from) && is_bin(to)) return WR_CK_BIN_BIN;
    if (is_ts(from)) {
        if (t == WR_TYPE_DATE) return WR_CK_TS_DATE;
        if (is_ts(to)) return WR_CK_TS_TS;
        if (t == WR_TYPE_TIME) return WR_CK_TS_TIME;
        return -1;
    }
    if (f == WR_TYPE_DATE) {
        if (t == WR_TYPE_DATE) return WR_CK_IDENT;
        if (is_ts(to)) return WR_CK_DATE_TS;
        return -1;
    }
    if (f == WR_TYPE_TIME && t == WR_TYPE_TIME) return WR_CK_TIME_TIME;
    if (f == t && (f == WR_TYPE_INTERVAL_DT || f == WR_TYPE_INTERVAL_YM)) return WR_CK_IDENT;
    return -1;
}
