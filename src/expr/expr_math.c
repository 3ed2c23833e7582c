/* expr_math.c - numeric function kernels: the DOUBLE functions (SQRT, EXP, LN, LOG*, POWER,
 * trigonometry), ABS and SIGN per type, ROUND/TRUNCATE (HALF_UP; on DOUBLE through the
 * shortest decimal text of the value, as Flink's BigDecimal.valueOf does, so ROUND(2.675, 2)
 * is 2.68), CEIL/FLOOR, and RAND/RAND_INTEGER with java.util.Random's generator so that a
 * seeded sequence equals Flink's. */
#include "expr/expr_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------
 * java.util.Random
 * ---------------------------------------------------------------------------------------- */
#define JR_MULT 0x5DEECE66DULL
#define JR_MASK ((1ULL << 48) - 1)

typedef struct jrand {
    uint64_t seed;
} jrand;

static void jr_seed(jrand *r, int64_t seed)
{
    r->seed = ((uint64_t)seed ^ JR_MULT) & JR_MASK;
}

static int32_t jr_next(jrand *r, int bits)
{
    r->seed = (r->seed * JR_MULT + 0xBULL) & JR_MASK;
    return (int32_t)(uint32_t)(r->seed >> (48 - bits));
}

static double jr_double(jrand *r)
{
    return (double)(((int64_t)jr_next(r, 26) << 27) + jr_next(r, 27)) * 0x1.0p-53;
}

static int32_t jr_int(jrand *r, int32_t bound)
{
    int32_t x = jr_next(r, 31);
    int32_t m = bound - 1;
    if ((bound & m) == 0) return (int32_t)(((int64_t)bound * x) >> 31);
    for (int32_t u = x; (int32_t)((uint32_t)u - (uint32_t)(x = u % bound) + (uint32_t)m) < 0;
         u = jr_next(r, 31))
        ;
    return x;
}

typedef struct rand_state {
    bool init;
    jrand r;
} rand_state;

static int k_rand(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    rand_state *st = wr_expr_slot_get(c, I, sizeof(rand_state), NULL);
    if (!st) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
    if (!st->init) {
        int64_t seed = I->imm
                           ? I->imm2
                           : (int64_t)(c->s->seed_base * 0x9E3779B97F4A7C15ull + (uint64_t)I->slot);
        jr_seed(&st->r, seed);
        st->init = true;
    }
    if (I->op == WR_OP_RAND) {
        WR_FOR_EACH_SET(D->validity, c->nw, i)
        {
            WR_VEC_F64(D)[i] = jr_double(&st->r);
        }
        return 0;
    }
    const int64_t *b = wr_expr_as_i64(c, wr_expr_arg(c, I, 0), 0);
    WR_FOR_EACH_SET(D->validity, c->nw, i)
    {
        if (b[i] <= 0 || b[i] > INT32_MAX)
            return wr_expr_fail(c, WR_EINVAL, "RAND_INTEGER: the bound must be positive, got %lld",
                                (long long)b[i]);
        WR_VEC_I32(D)[i] = jr_int(&st->r, (int32_t)b[i]);
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Rounding
 * ---------------------------------------------------------------------------------------- */
/* Round (or truncate) a double to d decimal places, HALF_UP on its shortest decimal text. */
static double round_double(double x, int64_t d, bool trunc_only)
{
    if (!isfinite(x) || x == 0) return x;
    if (d > 340) return x;
    char dig[40];
    int e10;
    int n = wr_expr_shortest_digits(fabs(x), false, dig, &e10);
    int64_t keep = e10 + d;
    if (keep >= n) return x;
    char out[48];
    int k = 0;
    if (keep < 0) {
        return 0.0;
    }
    for (int i = 0; i < keep; i++)
        out[k++] = dig[i];
    bool up = !trunc_only && dig[keep] >= '5';
    if (up) {
        int i = k - 1;
        while (i >= 0 && out[i] == '9') {
            out[i] = '0';
            i--;
        }
        if (i >= 0) {
            out[i]++;
        } else {
            memmove(out + 1, out, (size_t)k);
            out[0] = '1';
            k++;
            e10++;
        }
    }
    if (k == 0) return 0.0;
    out[k] = 0;
    char text[80];
    snprintf(text, sizeof text, "%s0.%se%d", x < 0 ? "-" : "", out, e10);
    return strtod(text, NULL);
}

static int64_t round_int(int64_t x, int64_t d, bool trunc_only)
{
    if (d >= 0) return x;
    if (d < -18) return 0;
    int64_t p = wr_pow10_i64((int)-d);
    int64_t q = x / p, r = x % p;
    if (!trunc_only && (r < 0 ? -r : r) * 2 >= p) q += x < 0 ? -1 : 1;
    return (int64_t)((uint64_t)q * (uint64_t)p);
}

static int round_dec(wr_i128 v, int s, int64_t d, bool trunc_only, int out_scale, wr_i128 *out)
{
    if (d >= s) {
        *out = v;
        return wr_dec_rescale_round(v, s, out_scale, out);
    }
    int64_t k = s - d;
    wr_i128 q;
    if (k > 38) {
        q = 0;
    } else {
        wr_i128 p = wr_pow10_i128((int)k);
        q = v / p;
        wr_i128 r = v % p;
        if (r < 0) r = -r;
        if (!trunc_only && r >= p - r) q += v < 0 ? -1 : 1;
    }
    if (d >= 0) return wr_dec_rescale_round(q, (int)d, out_scale, out);
    if (-d > 38) {
        *out = 0;
        return q == 0 ? 0 : WR_EOVERFLOW;
    }
    return wr_dec_rescale_round(q, 0, (int)-d + out_scale, out) == 0 ? 0 : WR_EOVERFLOW;
}

static void store_dec(wr_vec *D, uint32_t i, wr_i128 v)
{
    if (D->phys == WR_PHYS_I128)
        WR_VEC_I128(D)[i] = v;
    else
        WR_VEC_I64(D)[i] = (int64_t)v;
}

static double math1(int fn, double x)
{
    switch (fn) {
    case WR_MF_SQRT:
        return sqrt(x);
    case WR_MF_EXP:
        return exp(x);
    case WR_MF_LN:
        return log(x);
    case WR_MF_LOG10:
        return log10(x);
    case WR_MF_LOG2:
        return log2(x);
    case WR_MF_SIN:
        return sin(x);
    case WR_MF_COS:
        return cos(x);
    case WR_MF_TAN:
        return tan(x);
    case WR_MF_ASIN:
        return asin(x);
    case WR_MF_ACOS:
        return acos(x);
    case WR_MF_ATAN:
        return atan(x);
    case WR_MF_DEGREES:
        return x * (180.0 / M_PI);
    default:
        return x / 180.0 * M_PI;
    }
}

/* UUID(): random (version 4) UUIDs from a per-scratch xorshift generator. */
typedef struct uuid_state {
    bool init;
    uint64_t s0, s1;
} uuid_state;

static uint64_t xs_next(uuid_state *st)
{
    uint64_t a = st->s0, b = st->s1;
    st->s0 = b;
    a ^= a << 23;
    st->s1 = a ^ b ^ (a >> 17) ^ (b >> 26);
    return st->s1 + b;
}

static int k_uuid(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    uuid_state *st = wr_expr_slot_get(c, I, sizeof(uuid_state), NULL);
    if (!st) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
    if (!st->init) {
        st->s0 = wr_hash_u64(c->s->seed_base ^ (uint64_t)wr_mono_ns()) | 1;
        st->s1 = wr_hash_u64(st->s0 + 0x9E3779B97F4A7C15ull) | 2;
        st->init = true;
    }
    static const char hexd[] = "0123456789abcdef";
    WR_FOR_EACH_SET(D->validity, c->nw, i)
    {
        uint64_t hi = xs_next(st), lo = xs_next(st);
        hi = (hi & ~0xF000ull) | 0x4000ull;                        /* version 4 */
        lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull; /* variant 10 */
        char text[36];
        int k = 0;
        for (int nib = 0; nib < 32; nib++) {
            if (nib == 8 || nib == 12 || nib == 16 || nib == 20) text[k++] = '-';
            uint64_t w = nib < 16 ? hi : lo;
            text[k++] = hexd[(w >> (60 - 4 * (nib % 16))) & 15];
        }
        int rc = wr_expr_str_out(c, &WR_VEC_STR(D)[i], text, 36);
        if (rc < 0) return rc;
    }
    return 0;
}

int wr_expr_k_math(wr_expr_ctx *c, const wr_expr_insn *I)
{
    wr_vec *D = c->R[I->dst];
    uint32_t n = c->n, nw = c->nw;
    const wr_vec *A = I->nargs > 0 ? wr_expr_arg(c, I, 0) : NULL;
    switch (I->op) {
    case WR_OP_RAND:
    case WR_OP_RAND_INTEGER:
        return k_rand(c, I, D);
    case WR_OP_UUID:
        return k_uuid(c, I, D);
    case WR_OP_MATH1: {
        const double *x = A->data;
        double *o = D->data;
        int fn = (int)I->imm;
        switch (fn) { /* the common ones get their own loop */
        case WR_MF_SQRT:
            for (uint32_t i = 0; i < n; i++)
                o[i] = sqrt(x[i]);
            break;
        case WR_MF_LN:
            for (uint32_t i = 0; i < n; i++)
                o[i] = log(x[i]);
            break;
        default:
            for (uint32_t i = 0; i < n; i++)
                o[i] = math1(fn, x[i]);
            break;
        }
        return 0;
    }
    case WR_OP_MATH2: {
        const double *x = A->data, *y = wr_expr_arg(c, I, 1)->data;
        double *o = D->data;
        for (uint32_t i = 0; i < n; i++) {
            switch (I->imm) {
            case WR_MF_POWER:
                o[i] = pow(x[i], y[i]);
                break;
            case WR_MF_LOG:
                o[i] = log(y[i]) / log(x[i]);
                break;
            default:
                o[i] = atan2(x[i], y[i]);
                break;
            }
        }
        return 0;
    }
    case WR_OP_ABS:
    case WR_OP_SIGN: {
        bool abs_ = I->op == WR_OP_ABS;
#define ABS_SIGN_INT(T)                                                                            \
    do {                                                                                           \
        const T *x_ = A->data;                                                                     \
        T *o_ = D->data;                                                                           \
        for (uint32_t i = 0; i < n; i++)                                                           \
            o_[i] = abs_ ? (T)(x_[i] < 0 ? 0 - (uint64_t)x_[i] : (uint64_t)x_[i])                  \
                         : (T)((x_[i] > 0) - (x_[i] < 0));                                         \
    } while (0)
        switch (D->phys) {
        case WR_PHYS_I8:
            ABS_SIGN_INT(int8_t);
            break;
        case WR_PHYS_I16:
            ABS_SIGN_INT(int16_t);
            break;
        case WR_PHYS_I32:
            ABS_SIGN_INT(int32_t);
            break;
        case WR_PHYS_I64:
            if (I->type.id == WR_TYPE_DECIMAL && !abs_) {
                const int64_t *x = A->data;
                int64_t one = wr_pow10_i64(I->type.scale);
                for (uint32_t i = 0; i < n; i++)
                    WR_VEC_I64(D)[i] = ((x[i] > 0) - (x[i] < 0)) * one;
            } else {
                ABS_SIGN_INT(int64_t);
            }
            break;
        case WR_PHYS_I128: {
            const wr_i128 *x = A->data;
            wr_i128 one = abs_ ? 1 : wr_pow10_i128(I->type.scale);
            for (uint32_t i = 0; i < n; i++)
                WR_VEC_I128(D)
            [i] = abs_ ? (x[i] < 0 ? -x[i] : x[i]) : ((x[i] > 0) - (x[i] < 0)) * one;
            break;
        }
        case WR_PHYS_F32: {
            const float *x = A->data;
            for (uint32_t i = 0; i < n; i++)
                WR_VEC_F32(D)[i] = abs_ ? fabsf(x[i]) : (x[i] > 0 ? 1.0f : x[i] < 0 ? -1.0f : x[i]);
            break;
        }
        case WR_PHYS_F64: {
            const double *x = A->data;
            for (uint32_t i = 0; i < n; i++)
                WR_VEC_F64(D)[i] = abs_ ? fabs(x[i]) : (x[i] > 0 ? 1.0 : x[i] < 0 ? -1.0 : x[i]);
            break;
        }
        default:
            break;
        }
#undef ABS_SIGN_INT
        return 0;
    }
    case WR_OP_CEIL:
    case WR_OP_FLOOR: {
        bool up = I->op == WR_OP_CEIL;
        if (D->phys == WR_PHYS_F64 || D->phys == WR_PHYS_F32) {
            const double *x = wr_expr_as_f64(c, A, 0);
            for (uint32_t i = 0; i < n; i++) {
                double r = up ? ceil(x[i]) : floor(x[i]);
                if (D->phys == WR_PHYS_F32)
                    WR_VEC_F32(D)[i] = (float)r;
                else
                    WR_VEC_F64(D)[i] = r;
            }
            return 0;
        }
        const wr_i128 *x = wr_expr_as_i128(c, A, 0);
        wr_i128 p = wr_pow10_i128(I->atype.scale);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_i128 q = x[i] / p, r = x[i] % p;
            if (r != 0 && up && x[i] > 0) q++;
            if (r != 0 && !up && x[i] < 0) q--;
            if (!wr_dec_fits(q, I->type.precision))
                return wr_expr_fail(c, WR_EOVERFLOW, "DECIMAL overflow in %s",
                                    up ? "CEIL" : "FLOOR");
            store_dec(D, i, q);
        }
        return 0;
    }
    case WR_OP_ROUND: {
        bool tr = (I->imm2 & 1) != 0;
        const int64_t *dv = I->nargs > 1 ? wr_expr_as_i64(c, wr_expr_arg(c, I, 1), 1) : NULL;
        switch (D->phys) {
        case WR_PHYS_F32:
        case WR_PHYS_F64: {
            const double *x = wr_expr_as_f64(c, A, 0);
            WR_FOR_EACH_SET(D->validity, nw, i)
            {
                double r = round_double(x[i], dv ? dv[i] : I->imm, tr);
                if (D->phys == WR_PHYS_F32)
                    WR_VEC_F32(D)[i] = (float)r;
                else
                    WR_VEC_F64(D)[i] = r;
            }
            return 0;
        }
        default:
            break;
        }
        if (I->type.id == WR_TYPE_DECIMAL) {
            const wr_i128 *x = wr_expr_as_i128(c, A, 0);
            WR_FOR_EACH_SET(D->validity, nw, i)
            {
                wr_i128 r;
                if (round_dec(x[i], I->atype.scale, I->imm, tr, I->type.scale, &r) < 0 ||
                    !wr_dec_fits(r, I->type.precision))
                    return wr_expr_fail(c, WR_EOVERFLOW, "DECIMAL overflow in %s",
                                        tr ? "TRUNCATE" : "ROUND");
                store_dec(D, i, r);
            }
            return 0;
        }
        const int64_t *x = wr_expr_as_i64(c, A, 0);
        WR_FOR_EACH_SET(D->validity, nw, i)
        {
            wr_expr_store_i64(D, i, round_int(x[i], dv ? dv[i] : I->imm, tr));
        }
        return 0;
    }
    default:
        return wr_expr_fail(c, WR_EINTERNAL, "internal: %s is not a math kernel",
                            wr_expr_op_names[I->op]);
    }
}
