/* expr_numeric.c - exact DECIMAL arithmetic and number rendering. DECIMAL values are scaled
 * integers of up to 38 digits; sums, products and quotients are computed exactly in 256-bit
 * intermediates and then rounded HALF_UP to the result scale that Flink derives, failing
 * with WR_EOVERFLOW when the result does not fit its precision. Also here: Java's rendering
 * of doubles and floats (Double.toString: "1.0", "1.0E10") and the CAST(x AS STRING) text of
 * every scalar type. */
#include "expr/expr_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

typedef struct u256 {
    u128 hi, lo;
} u256;

static const uint64_t P10_64[20] = {1ull,
                                    10ull,
                                    100ull,
                                    1000ull,
                                    10000ull,
                                    100000ull,
                                    1000000ull,
                                    10000000ull,
                                    100000000ull,
                                    1000000000ull,
                                    10000000000ull,
                                    100000000000ull,
                                    1000000000000ull,
                                    10000000000000ull,
                                    100000000000000ull,
                                    1000000000000000ull,
                                    10000000000000000ull,
                                    100000000000000000ull,
                                    1000000000000000000ull,
                                    10000000000000000000ull};

static u128 pow10_u128(int n)
{
    u128 r = 1;
    for (int i = 0; i < n; i++)
        r *= 10;
    return r;
}

static u256 u256_of(u128 x)
{
    return (u256){0, x};
}

static int u256_cmp(u256 a, u256 b)
{
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
    return 0;
}

static u256 u256_add(u256 a, u256 b)
{
    u256 r;
    r.lo = a.lo + b.lo;
    r.hi = a.hi + b.hi + (r.lo < a.lo);
    return r;
}

static u256 u256_sub(u256 a, u256 b) /* a >= b */
{
    u256 r;
    r.lo = a.lo - b.lo;
    r.hi = a.hi - b.hi - (a.lo < b.lo);
    return r;
}

static u256 u256_mul(u128 a, u128 b)
{
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
    uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
    u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1, p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
    u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
    u256 r;
    r.lo = ((u128)(uint64_t)mid << 64) | (uint64_t)p00;
    r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    return r;
}

/* a * m for a 64-bit m; *ovf set when the product exceeds 256 bits. */
static u256 u256_mul64(u256 a, uint64_t m, bool *ovf)
{
    uint64_t w[4] = {(uint64_t)a.lo, (uint64_t)(a.lo >> 64), (uint64_t)a.hi,
                     (uint64_t)(a.hi >> 64)};
    u128 carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 t = (u128)w[i] * m + carry;
        w[i] = (uint64_t)t;
        carry = t >> 64;
    }
    if (carry) *ovf = true;
    return (u256){((u128)w[3] << 64) | w[2], ((u128)w[1] << 64) | w[0]};
}

static u256 u256_mul_pow10(u256 a, int k, bool *ovf)
{
    while (k > 0) {
        int step = k > 19 ? 19 : k;
        a = u256_mul64(a, P10_64[step], ovf);
        k -= step;
    }
    return a;
}

/* a /= d, returns the remainder */
static uint64_t u256_div64(u256 *a, uint64_t d)
{
    uint64_t w[4] = {(uint64_t)a->lo, (uint64_t)(a->lo >> 64), (uint64_t)a->hi,
                     (uint64_t)(a->hi >> 64)};
    u128 rem = 0;
    for (int i = 3; i >= 0; i--) {
        u128 cur = (rem << 64) | w[i];
        w[i] = (uint64_t)(cur / d);
        rem = cur % d;
    }
    a->hi = ((u128)w[3] << 64) | w[2];
    a->lo = ((u128)w[1] << 64) | w[0];
    return (uint64_t)rem;
}

/* Divide by 10^k rounding HALF_UP (away from zero on the magnitude). */
static u256 u256_div_pow10_round(u256 a, int k)
{
    if (k <= 0) return a;
    if (k > 77) return u256_of(0);
    int trunc = k - 1;
    while (trunc > 0) {
        int step = trunc > 19 ? 19 : trunc;
        u256_div64(&a, P10_64[step]);
        trunc -= step;
    }
    uint64_t digit = u256_div64(&a, 10);
    if (digit >= 5) a = u256_add(a, u256_of(1));
    return a;
}

/* Binary long division of 256-bit values (rare paths only). */
static u256 u256_divmod(u256 a, u256 b, u256 *rem)
{
    u256 q = {0, 0}, r = {0, 0};
    for (int i = 255; i >= 0; i--) {
        r.hi = (r.hi << 1) | (r.lo >> 127);
        r.lo <<= 1;
        u128 bit = i >= 128 ? (a.hi >> (i - 128)) & 1 : (a.lo >> i) & 1;
        r.lo |= bit;
        if (u256_cmp(r, b) >= 0) {
            r = u256_sub(r, b);
            if (i >= 128)
                q.hi |= (u128)1 << (i - 128);
            else
                q.lo |= (u128)1 << i;
        }
    }
    if (rem) *rem = r;
    return q;
}

static u128 mag(wr_i128 v)
{
    return v < 0 ? (u128)0 - (u128)v : (u128)v;
}

static const u128 I128_MAX_MAG = ((u128)1 << 127) - 1;

static int to_i128(u256 m, bool neg, wr_i128 *out)
{
    if (m.hi != 0 || m.lo > I128_MAX_MAG) return WR_EOVERFLOW;
    *out = neg ? -(wr_i128)m.lo : (wr_i128)m.lo;
    return 0;
}

bool wr_dec_fits(wr_i128 v, int precision)
{
    if (precision >= 39) return true;
    return mag(v) < pow10_u128(precision);
}

int wr_dec_rescale_round(wr_i128 v, int from_scale, int to_scale, wr_i128 *out)
{
    bool neg = v < 0, ovf = false;
    u256 m = u256_of(mag(v));
    if (to_scale >= from_scale)
        m = u256_mul_pow10(m, to_scale - from_scale, &ovf);
    else
        m = u256_div_pow10_round(m, from_scale - to_scale);
    if (ovf) return WR_EOVERFLOW;
    return to_i128(m, neg, out);
}

/* Signed magnitude sum of a*10^(s-sa) and b*10^(s-sb) with s = max(sa, sb). */
int wr_dec_add(wr_i128 a, int sa, wr_i128 b, int sb, int s, wr_i128 *out)
{
    int sm = WR_MAX(sa, sb);
    bool ovf = false;
    u256 x = u256_mul_pow10(u256_of(mag(a)), sm - sa, &ovf);
    u256 y = u256_mul_pow10(u256_of(mag(b)), sm - sb, &ovf);
    bool na = a < 0, nb = b < 0, neg;
    u256 r;
    if (na == nb) {
        r = u256_add(x, y);
        neg = na;
    } else if (u256_cmp(x, y) >= 0) {
        r = u256_sub(x, y);
        neg = na;
    } else {
        r = u256_sub(y, x);
        neg = nb;
    }
    if (s < sm) r = u256_div_pow10_round(r, sm - s);
    if (s > sm) r = u256_mul_pow10(r, s - sm, &ovf);
    if (ovf) return WR_EOVERFLOW;
    return to_i128(r, neg, out);
}

int wr_dec_mul(wr_i128 a, wr_i128 b, int s_in, int s_out, wr_i128 *out)
{
    bool neg = (a < 0) != (b < 0), ovf = false;
    u256 r = u256_mul(mag(a), mag(b));
    if (s_out < s_in) r = u256_div_pow10_round(r, s_in - s_out);
    if (s_out > s_in) r = u256_mul_pow10(r, s_out - s_in, &ovf);
    if (ovf) return WR_EOVERFLOW;
    return to_i128(r, neg, out);
}

/* round(a / 10^sa / (b / 10^sb) * 10^s) HALF_UP */
int wr_dec_div(wr_i128 a, int sa, wr_i128 b, int sb, int s, wr_i128 *out)
{
    if (b == 0) return WR_EDIVZERO;
    bool neg = (a < 0) != (b < 0);
    u128 x = mag(a), y = mag(b);
    int e = sb + s - sa;
    u128 q, r;
    if (e >= 0) {
        q = x / y;
        r = x % y;
        for (int i = 0; i < e; i++) {
            /* t = r * 10 needs up to 131 bits: split into (hi, lo) */
            u256 t = u256_mul(r, 10);
            unsigned d = 0;
            u256 yy = u256_of(y);
            while (u256_cmp(t, yy) >= 0) {
                t = u256_sub(t, yy);
                d++;
            }
            if (q > (I128_MAX_MAG - d) / 10) return WR_EOVERFLOW;
            q = q * 10 + d;
            r = t.lo;
        }
    } else {
        bool ovf = false;
        u256 dd = u256_mul_pow10(u256_of(y), -e, &ovf);
        if (ovf || dd.hi != 0 || dd.lo > x) {
            /* quotient 0; rounds to 1 when 2x >= divisor */
            u256 twox = u256_add(u256_of(x), u256_of(x));
            q = (!ovf && u256_cmp(twox, dd) >= 0) ? 1 : 0;
            *out = neg ? -(wr_i128)q : (wr_i128)q;
            return 0;
        }
        y = dd.lo;
        q = x / y;
        r = x % y;
    }
    if (r >= y - r) { /* 2r >= y without overflow */
        if (q == I128_MAX_MAG) return WR_EOVERFLOW;
        q++;
    }
    if (q > I128_MAX_MAG) return WR_EOVERFLOW;
    *out = neg ? -(wr_i128)q : (wr_i128)q;
    return 0;
}

/* Remainder with the sign of the dividend (Java BigDecimal.remainder), at scale s. */
int wr_dec_mod(wr_i128 a, int sa, wr_i128 b, int sb, int s, wr_i128 *out)
{
    if (b == 0) return WR_EDIVZERO;
    int sm = WR_MAX(sa, sb);
    bool ovf = false;
    u256 x = u256_mul_pow10(u256_of(mag(a)), sm - sa, &ovf);
    u256 y = u256_mul_pow10(u256_of(mag(b)), sm - sb, &ovf);
    if (ovf) return WR_EOVERFLOW;
    u256 r;
    if (x.hi == 0 && y.hi == 0)
        r = u256_of(x.lo % y.lo);
    else
        u256_divmod(x, y, &r);
    if (s < sm) r = u256_div_pow10_round(r, sm - s);
    if (s > sm) r = u256_mul_pow10(r, s - sm, &ovf);
    if (ovf) return WR_EOVERFLOW;
    return to_i128(r, a < 0, out);
}

static void store_dec(wr_vec *D, uint32_t i, wr_i128 v)
{
    if (D->phys == WR_PHYS_I128)
        WR_VEC_I128(D)[i] = v;
    else
        WR_VEC_I64(D)[i] = (int64_t)v;
}

int wr_expr_k_decimal(wr_expr_ctx *c, const wr_expr_insn *I)
{
    wr_vec *D = c->R[I->dst];
    const int32_t *args = wr_expr_args(c, I);
    const wr_type *ta = &c->p->regs[args[0]].type;
    const wr_i128 *x = wr_expr_as_i128(c, c->R[args[0]], 0);
    int p = I->type.precision, s = I->type.scale;
    if (I->op == WR_OP_DEC_NEG) {
        WR_FOR_EACH_SET(D->validity, c->nw, i)
        {
            store_dec(D, i, -x[i]);
        }
        return 0;
    }
    const wr_type *tb = &c->p->regs[args[1]].type;
    const wr_i128 *y = wr_expr_as_i128(c, c->R[args[1]], 1);
    int sa = ta->scale, sb = tb->scale;
    const char *sym = "?";
    WR_FOR_EACH_SET(D->validity, c->nw, i)
    {
        wr_i128 r = 0;
        int rc;
        switch (I->op) {
        case WR_OP_DEC_ADD:
            rc = wr_dec_add(x[i], sa, y[i], sb, s, &r);
            sym = "+";
            break;
        case WR_OP_DEC_SUB:
            rc = wr_dec_add(x[i], sa, -y[i], sb, s, &r);
            sym = "-";
            break;
        case WR_OP_DEC_MUL:
            rc = wr_dec_mul(x[i], y[i], sa + sb, s, &r);
            sym = "*";
            break;
        case WR_OP_DEC_DIV:
            rc = wr_dec_div(x[i], sa, y[i], sb, s, &r);
            sym = "/";
            break;
        default:
            rc = wr_dec_mod(x[i], sa, y[i], sb, s, &r);
            sym = "%";
            break;
        }
        if (rc == WR_EDIVZERO) return wr_expr_fail(c, WR_EDIVZERO, "division by zero");
        if (rc < 0 || !wr_dec_fits(r, p))
            return wr_expr_fail(c, WR_EOVERFLOW, "DECIMAL overflow: %s %s %s does not fit %s",
                                wr_expr_show(c, c->R[args[0]], i), sym,
                                wr_expr_show(c, c->R[args[1]], i), wr_expr_type_str(&I->type));
        store_dec(D, i, r);
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Rendering
 * ---------------------------------------------------------------------------------------- */
int wr_expr_shortest_digits(double d, bool is_float, char *digits, int *exp10)
{
    char tmp[48];
    int maxp = is_float ? 9 : 17;
    /* from 2 digits, as Java: "d.d" shows two anyway (Double.MIN_VALUE is 4.9E-324) */
    for (int prec = 2; prec <= maxp; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
        bool ok = is_float ? strtof(tmp, NULL) == (float)d : strtod(tmp, NULL) == d;
        if (ok || prec == maxp) break;
    }
    /* tmp: [-]d.ddde[+-]xx */
    const char *p = tmp;
    if (*p == '-') p++;
    int n = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digits[n++] = *p;
    int e = *p == 'e' ? atoi(p + 1) : 0;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = 0;
    *exp10 = e + 1;
    return n;
}

int wr_expr_format_double(double d, bool is_float, wr_buf *out)
{
    if (isnan(d)) return wr_buf_append_c(out, "NaN");
    if (isinf(d)) return wr_buf_append_c(out, d > 0 ? "Infinity" : "-Infinity");
    if (d == 0) return wr_buf_append_c(out, signbit(d) ? "-0.0" : "0.0");
    char dig[32];
    int e10;
    int n = wr_expr_shortest_digits(d, is_float, dig, &e10);
    int rc = 0;
    if (d < 0) rc = wr_buf_putc(out, '-');
    double a = fabs(d);
    if (a >= 1e-3 && a < 1e7) {
        if (e10 <= 0) {
            rc |= wr_buf_append_c(out, "0.");
            for (int i = 0; i < -e10; i++)
                rc |= wr_buf_putc(out, '0');
            rc |= wr_buf_append(out, dig, (size_t)n);
        } else {
            for (int i = 0; i < e10; i++)
                rc |= wr_buf_putc(out, i < n ? dig[i] : '0');
            rc |= wr_buf_putc(out, '.');
            if (n > e10)
                rc |= wr_buf_append(out, dig + e10, (size_t)(n - e10));
            else
                rc |= wr_buf_putc(out, '0');
        }
    } else {
        rc |= wr_buf_putc(out, dig[0]);
        rc |= wr_buf_putc(out, '.');
        if (n > 1)
            rc |= wr_buf_append(out, dig + 1, (size_t)(n - 1));
        else
            rc |= wr_buf_putc(out, '0');
        rc |= wr_buf_printf(out, "E%d", e10 - 1);
    }
    return rc < 0 ? WR_ENOMEM : 0;
}

static int format_interval_dt(int64_t us, int precision, wr_buf *out)
{
    char sign = us < 0 ? '-' : '+';
    u128 m = mag(us);
    uint64_t total = (uint64_t)m;
    uint64_t frac = total % 1000000;
    uint64_t secs = total / 1000000;
    int rc = wr_buf_printf(out, "%c%" PRIu64 " %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, sign,
                           secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    int p = precision > 6 ? 6 : precision;
    if (p <= 0) p = 3;
    if (rc == 0) rc = wr_buf_printf(out, ".%0*" PRIu64, p, frac / (uint64_t)P10_64[6 - p]);
    return rc;
}

int wr_expr_value_to_string(const wr_type *t, const wr_value *v, wr_buf *out)
{
    if (v->is_null) return wr_buf_append_c(out, "NULL");
    switch ((wr_type_id)t->id) {
    case WR_TYPE_BOOLEAN:
        return wr_buf_append_c(out, v->b ? "TRUE" : "FALSE");
    case WR_TYPE_TINYINT:
    case WR_TYPE_SMALLINT:
    case WR_TYPE_INT:
    case WR_TYPE_BIGINT:
        return wr_buf_printf(out, "%" PRId64, v->i);
    case WR_TYPE_FLOAT:
        return wr_expr_format_double(v->d, true, out);
    case WR_TYPE_DOUBLE:
        return wr_expr_format_double(v->d, false, out);
    case WR_TYPE_DECIMAL:
        return wr_decimal_format(t->precision > WR_DECIMAL64_MAX_PRECISION ? v->dec : v->i,
                                 t->scale, out);
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR:
    case WR_TYPE_BINARY:
    case WR_TYPE_VARBINARY:
        return wr_buf_append(out, v->s.ptr, v->s.len);
    case WR_TYPE_DATE:
        return wr_format_date((int32_t)v->i, out);
    case WR_TYPE_TIME:
        return wr_format_time(v->i, t->precision, out);
    case WR_TYPE_TIMESTAMP:
    case WR_TYPE_TIMESTAMP_LTZ:
        return wr_format_timestamp(v->i, t->precision, ' ', out);
    case WR_TYPE_INTERVAL_DT:
        return format_interval_dt(v->i, t->precision, out);
    case WR_TYPE_INTERVAL_YM: {
        int64_t m = v->i;
        char sign = m < 0 ? '-' : '+';
        if (m < 0) m = -m;
        return wr_buf_printf(out, "%c%" PRId64 "-%02" PRId64, sign, m / 12, m % 12);
    }
    default:
        return WR_EUNSUPPORTED;
    }
}
