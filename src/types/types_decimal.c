/* types_decimal.c - exact DECIMAL(p, s) arithmetic helpers. A decimal value is an integer
 * holding value * 10^s: int64_t when p <= 18 and __int128 when p <= 38; these helpers work on
 * __int128 for both (callers widen and narrow). Parsing and rescaling round HALF_UP (away
 * from zero at exactly one half), the way Java's BigDecimal ROUND_HALF_UP does, which is
 * what Flink uses for casts and literals; every result is checked against the precision. */
#include "types/types.h"

#include <ctype.h>

typedef unsigned __int128 wr_u128;

#define P10_18 ((wr_i128)1000000000000000000ll)

static const wr_i128 pow10_table[WR_DECIMAL_MAX_PRECISION + 1] = {
    1,
    10,
    100,
    1000,
    10000,
    100000,
    1000000,
    10000000,
    100000000,
    1000000000,
    10000000000ll,
    100000000000ll,
    1000000000000ll,
    10000000000000ll,
    100000000000000ll,
    1000000000000000ll,
    10000000000000000ll,
    100000000000000000ll,
    P10_18,
    P10_18 * 10,
    P10_18 * 100,
    P10_18 * 1000,
    P10_18 * 10000,
    P10_18 * 100000,
    P10_18 * 1000000,
    P10_18 * 10000000,
    P10_18 * 100000000,
    P10_18 * 1000000000,
    P10_18 * 10000000000ll,
    P10_18 * 100000000000ll,
    P10_18 * 1000000000000ll,
    P10_18 * 10000000000000ll,
    P10_18 * 100000000000000ll,
    P10_18 * 1000000000000000ll,
    P10_18 * 10000000000000000ll,
    P10_18 * 100000000000000000ll,
    P10_18 *P10_18,
    P10_18 *P10_18 * 10,
    P10_18 *P10_18 * 100,
};

wr_i128 wr_pow10_i128(int n)
{
    WR_ASSERT(n >= 0 && n <= WR_DECIMAL_MAX_PRECISION);
    return pow10_table[n];
}

int64_t wr_pow10_i64(int n)
{
    WR_ASSERT(n >= 0 && n <= WR_DECIMAL64_MAX_PRECISION);
    return (int64_t)pow10_table[n];
}

static wr_u128 abs_u128(wr_i128 v)
{
    return v < 0 ? (wr_u128)0 - (wr_u128)v : (wr_u128)v;
}

bool wr_decimal_fits(wr_i128 v, int precision)
{
    if (precision < 1) return false;
    if (precision > WR_DECIMAL_MAX_PRECISION) precision = WR_DECIMAL_MAX_PRECISION;
    return abs_u128(v) < (wr_u128)pow10_table[precision];
}

static bool valid_ps(int precision, int scale)
{
    return precision >= 1 && precision <= WR_DECIMAL_MAX_PRECISION && scale >= 0 &&
           scale <= precision;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int wr_decimal_parse(const char *s, size_t n, int precision, int scale, wr_i128 *out)
{
    if (!valid_ps(precision, scale)) return WR_EINVAL;
    const char *p = s, *end = s + n;
    while (p < end && is_space(*p))
        p++;
    while (end > p && is_space(end[-1]))
        end--;

    bool neg = false;
    if (p < end && (*p == '-' || *p == '+')) neg = *p++ == '-';
    const char *int_start = p;
    while (p < end && isdigit((unsigned char)*p))
        p++;
    const char *int_end = p;
    const char *frac_start = p, *frac_end = p;
    if (p < end && *p == '.') {
        frac_start = ++p;
        while (p < end && isdigit((unsigned char)*p))
            p++;
        frac_end = p;
    }
    if (p != end || (int_end == int_start && frac_end == frac_start)) return WR_EPARSE;

    while (int_start < int_end && *int_start == '0')
        int_start++;
    /* Integer digits beyond p - s cannot fit whatever the fraction rounds to; checking
     * first also keeps the accumulation below 10^38, inside the 128-bit range. */
    if (int_end - int_start > precision - scale) return WR_EOVERFLOW;

    wr_i128 v = 0;
    for (const char *q = int_start; q < int_end; q++)
        v = v * 10 + (*q - '0');
    size_t nfrac = (size_t)(frac_end - frac_start);
    for (int k = 0; k < scale; k++)
        v = v * 10 + ((size_t)k < nfrac ? frac_start[k] - '0' : 0);
    /* HALF_UP: the first dropped digit decides (>= 5 means the dropped part is >= 1/2). */
    if (nfrac > (size_t)scale && frac_start[scale] >= '5') v += 1;
    if (!wr_decimal_fits(v, precision)) return WR_EOVERFLOW;
    *out = neg ? -v : v;
    return 0;
}

int wr_decimal_rescale(wr_i128 v, int from_scale, int to_scale, int precision, wr_i128 *out)
{
    if (from_scale < 0 || to_scale < 0 || from_scale > WR_DECIMAL_MAX_PRECISION ||
        to_scale > WR_DECIMAL_MAX_PRECISION || precision < 1 ||
        precision > WR_DECIMAL_MAX_PRECISION)
        return WR_EINVAL;
    wr_i128 r;
    if (to_scale >= from_scale) {
        if (__builtin_mul_overflow(v, pow10_table[to_scale - from_scale], &r)) return WR_EOVERFLOW;
    } else {
        wr_u128 mag = abs_u128(v);
        wr_u128 div = (wr_u128)pow10_table[from_scale - to_scale];
        wr_u128 q = mag / div, rem = mag % div;
        if (rem >= div / 2) q++; /* div is even: rem >= div/2 is exactly "at least a half" */
        r = v < 0 ? -(wr_i128)q : (wr_i128)q;
    }
    if (!wr_decimal_fits(r, precision)) return WR_EOVERFLOW;
    *out = r;
    return 0;
}

int wr_decimal_format(wr_i128 v, int scale, wr_buf *out)
{
    if (scale < 0 || scale > WR_DECIMAL_MAX_PRECISION) return WR_EINVAL;
    /* 39 digits for the 128-bit magnitude, or scale + 1 with leading zeros. */
    char digits[48];
    int nd = 0;
    wr_u128 mag = abs_u128(v);
    if (mag <= UINT64_MAX) {
        uint64_t m = (uint64_t)mag;
        do {
            digits[nd++] = (char)('0' + m % 10);
            m /= 10;
        } while (m);
    } else {
        do {
            digits[nd++] = (char)('0' + (int)(mag % 10));
            mag /= 10;
        } while (mag);
    }
    while (nd < scale + 1)
        digits[nd++] = '0';

    char text[64];
    int len = 0;
    if (v < 0) text[len++] = '-';
    for (int i = nd - 1; i >= 0; i--) {
        text[len++] = digits[i];
        if (i == scale && scale > 0) text[len++] = '.';
    }
    return wr_buf_append(out, text, (size_t)len);
}
