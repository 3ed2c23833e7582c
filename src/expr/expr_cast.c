/* expr_cast.c - CAST and TRY_CAST kernels. The compiler picks a cast kind from the source
 * and target types (see wr_expr_cast_kind); each kind is one loop here. A value that cannot
 * be converted (a string that is not a number, a number out of the target's range, an
 * invalid date) fails the evaluation with "cannot cast 'x' to T" for CAST, and becomes NULL
 * for TRY_CAST. Narrowing DECIMAL scale rounds HALF_UP; float and DECIMAL to integer
 * truncate toward zero; TIMESTAMP_LTZ is UTC. */
#include "expr/expr_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct cast_ctx {
    wr_expr_ctx *c;
    const wr_expr_insn *I;
    const wr_vec *S;
    wr_vec *D;
    bool try_cast;
} cast_ctx;

/* A row failed: NULL for TRY_CAST, an error for CAST. */
static int bad(cast_ctx *x, uint32_t i, const char *why)
{
    if (x->try_cast) {
        wr_vec_set_valid(x->D, i, false);
        return 0;
    }
    return wr_expr_fail(x->c, WR_ECAST, "cannot cast %s to %s%s%s", wr_expr_show(x->c, x->S, i),
                        wr_expr_type_str(&x->I->type), why ? ": " : "", why ? why : "");
}

static void int_range(wr_type_id id, int64_t *lo, int64_t *hi)
{
    switch (id) {
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

static void store_dec(wr_vec *D, uint32_t i, wr_i128 v)
{
    if (D->phys == WR_PHYS_I128)
        WR_VEC_I128(D)[i] = v;
    else
        WR_VEC_I64(D)[i] = (int64_t)v;
}

static void store_f(wr_vec *D, uint32_t i, double v)
{
    if (D->phys == WR_PHYS_F32)
        WR_VEC_F32(D)[i] = (float)v;
    else
        WR_VEC_F64(D)[i] = v;
}

/* Java's String.trim(): strip chars <= ' ' at both ends. */
static wr_strv jtrim(wr_strv s)
{
    const char *p = s.ptr;
    uint32_t n = s.len;
    while (n && (unsigned char)*p <= ' ') {
        p++;
        n--;
    }
    while (n && (unsigned char)p[n - 1] <= ' ')
        n--;
    return wr_strv_make(p, n);
}

/* Integer text: [+-]digits[.digits] (a fraction is truncated, as Flink does). */
static bool parse_int_text(wr_strv s, int64_t *out)
{
    s = jtrim(s);
    const char *p = s.ptr, *e = s.ptr + s.len;
    if (p == e) return false;
    bool neg = false;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    if (p == e || !isdigit((unsigned char)*p)) return false;
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; p < e && isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (limit - d) / 10) return false;
        v = v * 10 + d;
    }
    if (p < e && *p == '.') {
        for (p++; p < e; p++)
            if (!isdigit((unsigned char)*p)) return false;
    }
    if (p != e) return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

static bool parse_double_text(wr_strv s, double *out)
{
    s = jtrim(s);
    char buf[128];
    if (s.len == 0 || s.len >= sizeof buf) return false;
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = 0;
    const char *p = buf;
    if (*p == '+' || *p == '-') p++;
    if (strcmp(p, "NaN") == 0) {
        *out = NAN;
        return true;
    }
    if (strcmp(p, "Infinity") == 0) {
        *out = buf[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    for (const char *q = p; *q; q++) {
        char ch = *q;
        if (!isdigit((unsigned char)ch) && ch != '.' && ch != 'e' && ch != 'E' && ch != '+' &&
            ch != '-' && ch != 'd' && ch != 'D' && ch != 'f' && ch != 'F')
            return false;
    }
    /* Java accepts a trailing d/D/f/F type suffix */
    size_t len = strlen(buf);
    if (len && strchr("dDfF", buf[len - 1])) buf[--len] = 0;
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (end == buf || *end) return false;
    *out = d;
    return true;
}

static bool parse_bool_text(wr_strv s, bool *out)
{
    s = jtrim(s);
    static const char *const t[] = {"true", "t", "yes", "y", "1"};
    static const char *const f[] = {"false", "f", "no", "n", "0"};
    for (size_t k = 0; k < 5; k++) {
        if (strlen(t[k]) == s.len && strncasecmp(t[k], s.ptr, s.len) == 0) {
            *out = true;
            return true;
        }
        if (strlen(f[k]) == s.len && strncasecmp(f[k], s.ptr, s.len) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static int64_t trunc_us(int64_t us, int precision)
{
    if (precision >= 6 || precision < 0) return us;
    int64_t unit = wr_pow10_i64(6 - precision);
    return wr_floor_div(us, unit) * unit;
}

/* DOUBLE -> DECIMAL(p, s) through the shortest decimal text of the double (as Java's
 * BigDecimal.valueOf), rounded HALF_UP. */
static int double_to_dec(double d, bool is_float, int p, int s, wr_i128 *out)
{
    if (!isfinite(d)) return WR_EOVERFLOW;
    if (d == 0) {
        *out = 0;
        return 0;
    }
    char dig[32];
    int e10;
    int n = wr_expr_shortest_digits(d, is_float, dig, &e10);
    int keep = e10 + s; /* digits of the unscaled value */
    if (keep > 38) return WR_EOVERFLOW;
    wr_i128 v = 0;
    for (int k = 0; k < keep; k++)
        v = v * 10 + (k < n ? dig[k] - '0' : 0);
    if (keep >= 0 && keep < n && dig[keep] >= '5') v += 1;
    if (d < 0) v = -v;
    if (!wr_dec_fits(v, p)) return WR_EOVERFLOW;
    *out = v;
    return 0;
}

static double dec_to_double(wr_i128 v, int scale)
{
    if (scale <= 22 && v > -((wr_i128)1 << 53) && v < ((wr_i128)1 << 53))
        return (double)v / (double)wr_pow10_i128(scale);
    wr_buf b;
    wr_buf_init(&b);
    double d = 0;
    if (wr_decimal_format(v, scale, &b) == 0 && b.ptr) d = strtod(b.ptr, NULL);
    wr_buf_free(&b);
    return d;
}

/* Apply a CHAR(n)/VARCHAR(n) target length to row i's string (which is in *sv). */
static int fit_length(cast_ctx *x, uint32_t i, wr_strv *sv)
{
    const wr_type *t = &x->I->type;
    if (t->length <= 0 || t->length >= WR_MAX_LENGTH) return 0;
    uint32_t chars = 0, k = 0;
    while (k < sv->len && chars < (uint32_t)t->length) {
        unsigned char ch = (unsigned char)sv->ptr[k];
        k += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
        chars++;
    }
    if (k > sv->len) k = sv->len;
    sv->len = k;
    if (t->id == WR_TYPE_CHAR && chars < (uint32_t)t->length) {
        wr_buf *b = &x->c->s->buf;
        wr_buf_clear(b);
        if (wr_buf_append(b, sv->ptr, sv->len) < 0) return wr_expr_fail(x->c, WR_ENOMEM, "oom");
        for (; chars < (uint32_t)t->length; chars++)
            if (wr_buf_putc(b, ' ') < 0) return wr_expr_fail(x->c, WR_ENOMEM, "out of memory");
        return wr_expr_str_out(x->c, sv, b->ptr, b->len);
    }
    return 0;
}

int wr_expr_k_cast(wr_expr_ctx *c, const wr_expr_insn *I)
{
    cast_ctx x = {c, I, wr_expr_arg(c, I, 0), c->R[I->dst], (I->imm2 & 1) != 0};
    const wr_vec *S = x.S;
    wr_vec *D = x.D;
    const wr_type *from = &I->atype, *to = &I->type;
    uint32_t n = c->n, nw = c->nw;
    int rc = 0;
    switch ((wr_cast_kind)I->imm) {
    case WR_CK_IDENT:
        if (D->width && S->width == D->width) memcpy(D->data, S->data, (size_t)n * D->width);
        return 0;
    case WR_CK_INT_INT: {
        const int64_t *v = wr_expr_as_i64(c, S, 0);
        int64_t lo, hi;
        int_range((wr_type_id)to->id, &lo, &hi);
        if (to->id >= from->id) {
            for (uint32_t i = 0; i < n; i++)
                wr_expr_store_i64(D, i, v[i]);
            return 0;
        }
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            if (v[i] < lo || v[i] > hi) {
                if ((rc = bad(&x, i, "value out of range")) < 0) return rc;
            } else {
                wr_expr_store_i64(D, i, v[i]);
            }
        }
        return 0;
    }
    case WR_CK_INT_FLT: {
        const int64_t *v = wr_expr_as_i64(c, S, 0);
        for (uint32_t i = 0; i < n; i++)
            store_f(D, i, (double)v[i]);
        return 0;
    }
    case WR_CK_INT_DEC: {
        const int64_t *v = wr_expr_as_i64(c, S, 0);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_i128 r;
            if (wr_dec_rescale_round(v[i], 0, to->scale, &r) < 0 ||
                !wr_dec_fits(r, to->precision)) {
                if ((rc = bad(&x, i, "value out of range")) < 0) return rc;
            } else {
                store_dec(D, i, r);
            }
        }
        return 0;
    }
    case WR_CK_INT_BOOL: {
        const int64_t *v = wr_expr_as_i64(c, S, 0);
        for (uint32_t i = 0; i < n; i++)
            WR_VEC_U8(D)[i] = v[i] != 0;
        return 0;
    }
    case WR_CK_FLT_INT: {
        const double *v = wr_expr_as_f64(c, S, 0);
        int64_t lo, hi;
        int_range((wr_type_id)to->id, &lo, &hi);
        (void)hi;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            double t = trunc(v[i]);
            /* [lo, hi] as doubles: lo is exact, hi + 1 = -lo is exact */
            if (!(t >= (double)lo && t < -(double)lo)) {
                if ((rc = bad(&x, i, "value out of range")) < 0) return rc;
            } else {
                wr_expr_store_i64(D, i, (int64_t)t);
            }
        }
        return 0;
    }
    case WR_CK_FLT_FLT: {
        const double *v = wr_expr_as_f64(c, S, 0);
        for (uint32_t i = 0; i < n; i++)
            store_f(D, i, v[i]);
        return 0;
    }
    case WR_CK_FLT_DEC: {
        const double *v = wr_expr_as_f64(c, S, 0);
        bool is_float = S->phys == WR_PHYS_F32;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_i128 r;
            if (double_to_dec(v[i], is_float, to->precision, to->scale, &r) < 0) {
                if ((rc = bad(&x, i, "value out of range")) < 0) return rc;
            } else {
                store_dec(D, i, r);
            }
        }
        return 0;
    }
    case WR_CK_FLT_BOOL: {
        const double *v = wr_expr_as_f64(c, S, 0);
        for (uint32_t i = 0; i < n; i++)
            WR_VEC_U8(D)[i] = v[i] != 0;
        return 0;
    }
    case WR_CK_DEC_INT: {
        const wr_i128 *v = wr_expr_as_i128(c, S, 0);
        int64_t lo, hi;
        int_range((wr_type_id)to->id, &lo, &hi);
        wr_i128 div = wr_pow10_i128(from->scale);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_i128 t = v[i] / div;
            if (t < lo || t > hi) {
                if ((rc = bad(&x, i, "value out of range")) < 0) return rc;
            } else {
                wr_expr_store_i64(D, i, (int64_t)t);
            }
        }
        return 0;
    }
    case WR_CK_DEC_FLT: {
        const wr_i128 *v = wr_expr_as_i128(c, S, 0);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            store_f(D, i, dec_to_double(v[i], from->scale));
        }
        return 0;
    }
    case WR_CK_DEC_DEC: {
        const wr_i128 *v = wr_expr_as_i128(c, S, 0);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_i128 r;
            if (wr_dec_rescale_round(v[i], from->scale, to->scale, &r) < 0 ||
                !wr_dec_fits(r, to->precision)) {
                if ((rc = bad(&x, i, "value out of range")) < 0) return rc;
            } else {
                store_dec(D, i, r);
            }
        }
        return 0;
    }
    case WR_CK_DEC_BOOL: {
        const wr_i128 *v = wr_expr_as_i128(c, S, 0);
        for (uint32_t i = 0; i < n; i++)
            WR_VEC_U8(D)[i] = v[i] != 0;
        return 0;
    }
    case WR_CK_BOOL_NUM: {
        const uint8_t *v = S->data;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            int64_t one = v[i] ? 1 : 0;
            if (to->id == WR_TYPE_DECIMAL) {
                if (one && to->precision - to->scale < 1) {
                    if ((rc = bad(&x, i, "value out of range")) < 0) return rc;
                    continue;
                }
                store_dec(D, i, one * wr_pow10_i128(to->scale));
            } else if (to->id == WR_TYPE_FLOAT || to->id == WR_TYPE_DOUBLE) {
                store_f(D, i, (double)one);
            } else {
                wr_expr_store_i64(D, i, one);
            }
        }
        return 0;
    }
    case WR_CK_TO_STR: {
        wr_buf *b = &c->s->buf;
        wr_strv *o = D->data;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_value v;
            wr_vec_get(S, i, &v);
            wr_buf_clear(b);
            if (from->id == WR_TYPE_FLOAT) v.d = (float)v.d;
            rc = wr_expr_value_to_string(from, &v, b);
            if (rc < 0) return wr_expr_fail(c, rc, "cannot render %s", wr_expr_type_str(from));
            if ((rc = wr_expr_str_out(c, &o[i], b->ptr, b->len)) < 0) return rc;
            if ((rc = fit_length(&x, i, &o[i])) < 0) return rc;
        }
        return 0;
    }
    case WR_CK_STR_STR:
    case WR_CK_STR_BIN:
    case WR_CK_BIN_BIN: {
        const wr_strv *s = S->data;
        wr_strv *o = D->data;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            o[i] = s[i];
            if (I->imm == WR_CK_STR_STR && (rc = fit_length(&x, i, &o[i])) < 0) return rc;
        }
        return 0;
    }
    case WR_CK_STR_INT: {
        const wr_strv *s = S->data;
        int64_t lo, hi;
        int_range((wr_type_id)to->id, &lo, &hi);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            int64_t v;
            if (!parse_int_text(s[i], &v) || v < lo || v > hi) {
                if ((rc = bad(&x, i, NULL)) < 0) return rc;
            } else {
                wr_expr_store_i64(D, i, v);
            }
        }
        return 0;
    }
    case WR_CK_STR_FLT: {
        const wr_strv *s = S->data;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            double v;
            if (!parse_double_text(s[i], &v)) {
                if ((rc = bad(&x, i, NULL)) < 0) return rc;
            } else {
                store_f(D, i, v);
            }
        }
        return 0;
    }
    case WR_CK_STR_DEC: {
        const wr_strv *s = S->data;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_strv t = jtrim(s[i]);
            wr_i128 v;
            double d;
            int prc =
                t.len ? wr_decimal_parse(t.ptr, t.len, to->precision, to->scale, &v) : WR_EPARSE;
            if (prc < 0 && prc != WR_EOVERFLOW && t.len &&
                (memchr(t.ptr, 'e', t.len) || memchr(t.ptr, 'E', t.len)) &&
                parse_double_text(t, &d))
                prc = double_to_dec(d, false, to->precision, to->scale, &v);
            if (prc < 0) {
                if ((rc = bad(&x, i, NULL)) < 0) return rc;
            } else {
                store_dec(D, i, v);
            }
        }
        return 0;
    }
    case WR_CK_STR_BOOL: {
        const wr_strv *s = S->data;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            bool v;
            if (!parse_bool_text(s[i], &v)) {
                if ((rc = bad(&x, i, NULL)) < 0) return rc;
            } else {
                WR_VEC_U8(D)[i] = v;
            }
        }
        return 0;
    }
    case WR_CK_STR_DATE: {
        const wr_strv *s = S->data;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            int32_t d;
            if (wr_parse_date(s[i].ptr, s[i].len, &d) < 0) {
                if ((rc = bad(&x, i, NULL)) < 0) return rc;
            } else {
                WR_VEC_I32(D)[i] = d;
            }
        }
        return 0;
    }
    case WR_CK_STR_TIME: {
        const wr_strv *s = S->data;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            int64_t us;
            if (wr_parse_time(s[i].ptr, s[i].len, &us) < 0) {
                if ((rc = bad(&x, i, NULL)) < 0) return rc;
            } else {
                WR_VEC_I64(D)[i] = trunc_us(us, to->precision);
            }
        }
        return 0;
    }
    case WR_CK_STR_TS: {
        const wr_strv *s = S->data;
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            int64_t us;
            int32_t days;
            if (wr_parse_timestamp(s[i].ptr, s[i].len, &us) == 0) {
                WR_VEC_I64(D)[i] = trunc_us(us, to->precision);
            } else if (wr_parse_date(s[i].ptr, s[i].len, &days) == 0) {
                WR_VEC_I64(D)[i] = (int64_t)days * 86400000000LL;
            } else if ((rc = bad(&x, i, NULL)) < 0) {
                return rc;
            }
        }
        return 0;
    }
    case WR_CK_TS_DATE: {
        const int64_t *v = S->data;
        for (uint32_t i = 0; i < n; i++)
            WR_VEC_I32(D)[i] = (int32_t)wr_floor_div(v[i], 86400000000LL);
        return 0;
    }
    case WR_CK_DATE_TS: {
        const int32_t *v = S->data;
        for (uint32_t i = 0; i < n; i++)
            WR_VEC_I64(D)[i] = (int64_t)v[i] * 86400000000LL;
        return 0;
    }
    case WR_CK_TS_TS:
    case WR_CK_TIME_TIME: {
        const int64_t *v = S->data;
        for (uint32_t i = 0; i < n; i++)
            WR_VEC_I64(D)[i] = trunc_us(v[i], to->precision);
        return 0;
    }
    case WR_CK_TS_TIME: {
        const int64_t *v = S->data;
        for (uint32_t i = 0; i < n; i++)
            WR_VEC_I64(D)[i] = trunc_us(wr_floor_mod(v[i], 86400000000LL), to->precision);
        return 0;
    }
    }
    return wr_expr_fail(c, WR_EINTERNAL, "internal: unknown cast kind %d", (int)I->imm);
}
