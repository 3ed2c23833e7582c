/* expr_eval.c - runs compiled programs over batches. One switch per instruction per batch
 * picks the kernel; each kernel is a tight loop over the rows. Validity of NULL-propagating
 * instructions is computed word-wise (AND of the arguments' bitmaps and the active-row mask)
 * before the kernel runs, so kernels only do real work (and only raise errors) on rows whose
 * result bit is set. This file also holds the scratch (register vectors sized once and reused
 * across batches), the core kernels (arithmetic, comparison, three-valued logic, CASE
 * selection and masks) and the public evaluation entry points. */
#include "expr/expr_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const uint8_t wr_expr_op_flags[WR_OP__COUNT] = {
#define WR_X_OP(name, flags) flags,
    WR_EXPR_OPS(WR_X_OP)
#undef WR_X_OP
};

const char *const wr_expr_op_names[WR_OP__COUNT] = {
#define WR_X_OP(name, flags) #name,
    WR_EXPR_OPS(WR_X_OP)
#undef WR_X_OP
};

/* ------------------------------------------------------------------------------------------
 * Scratch
 * ---------------------------------------------------------------------------------------- */
wr_expr_scratch *wr_expr_scratch_new(const wr_expr_prog *p, wr_mem_owner *owner)
{
    wr_expr_scratch *s = wr_calloc_owned(owner, 1, sizeof(*s));
    if (!s) return NULL;
    s->p = p;
    s->owner = owner;
    s->vecs = wr_calloc_owned(owner, p->nregs ? p->nregs : 1, sizeof(wr_vec));
    s->bind = wr_calloc_owned(owner, p->nregs ? p->nregs : 1, sizeof(wr_vec *));
    s->slots = wr_calloc_owned(owner, p->nslots ? p->nslots : 1, sizeof(wr_expr_slot));
    if (!s->vecs || !s->bind || !s->slots) {
        wr_expr_scratch_free(s);
        return NULL;
    }
    for (uint32_t r = 0; r < p->nregs; r++) {
        wr_vec *v = &s->vecs[r];
        v->type = p->regs[r].type;
        v->phys = p->regs[r].phys;
        v->width = (uint8_t)wr_phys_width(v->phys);
    }
    wr_arena_init(&s->arena, 16 * 1024, owner);
    wr_buf_init(&s->buf);
    wr_buf_init(&s->buf2);
    s->buf.owner = owner;
    s->buf2.owner = owner;
    s->seed_base = (uint64_t)wr_wall_us() ^ ((uint64_t)(uintptr_t)s << 16);
    s->watermark = INT64_MIN;
    return s;
}

void wr_expr_scratch_free(wr_expr_scratch *s)
{
    if (!s) return;
    if (s->vecs) {
        for (uint32_t r = 0; r < s->p->nregs; r++) {
            wr_free(s->vecs[r].data);
            wr_free(s->vecs[r].validity);
        }
    }
    if (s->slots) {
        for (uint32_t i = 0; i < s->p->nslots; i++)
            if (s->slots[i].state) {
                if (s->slots[i].free_fn) s->slots[i].free_fn(s->slots[i].state);
                wr_free(s->slots[i].state);
            }
    }
    for (int k = 0; k < WR_EXPR_TMP_BUFS; k++)
        wr_free(s->tmp[k]);
    wr_free(s->vecs);
    wr_free(s->bind);
    wr_free(s->slots);
    wr_arena_destroy(&s->arena);
    wr_buf_free(&s->buf);
    wr_buf_free(&s->buf2);
    wr_free(s);
}

static void fill_const(const wr_expr_prog *p, const wr_expr_reg *r, wr_vec *v, uint32_t cap)
{
    const wr_value *val = &p->consts[r->idx];
    uint32_t nw = wr_expr_words(cap);
    if (val->is_null || !v->width) {
        memset(v->validity, 0, nw * sizeof(uint64_t));
        if (v->data) memset(v->data, 0, (size_t)cap * v->width);
        return;
    }
    for (uint32_t w = 0; w < nw; w++)
        v->validity[w] = ~0ull;
    v->validity[nw - 1] &= wr_expr_tail_mask(cap);
    for (uint32_t i = 0; i < cap; i++) {
        switch (v->phys) {
        case WR_PHYS_U8:
            WR_VEC_U8(v)[i] = val->b ? 1 : 0;
            break;
        case WR_PHYS_F32:
            WR_VEC_F32(v)[i] = (float)val->d;
            break;
        case WR_PHYS_F64:
            WR_VEC_F64(v)[i] = val->d;
            break;
        case WR_PHYS_I128:
            WR_VEC_I128(v)[i] = val->dec;
            break;
        case WR_PHYS_STR:
            WR_VEC_STR(v)[i] = val->s;
            break;
        default:
            wr_expr_store_i64(v, i, val->i);
            break;
        }
    }
}

static int ensure_cap(wr_expr_scratch *s, uint32_t n)
{
    if (n <= s->cap) return 0;
    uint32_t cap = (n + 63) & ~63u;
    if (cap < 64) cap = 64;
    const wr_expr_prog *p = s->p;
    size_t words = wr_expr_words(cap);
    for (uint32_t r = 0; r < p->nregs; r++) {
        const wr_expr_reg *reg = &p->regs[r];
        if (reg->kind == WR_RK_INPUT) continue;
        wr_vec *v = &s->vecs[r];
        uint64_t *val = wr_realloc_owned(s->owner, v->validity, words * sizeof(uint64_t));
        if (!val) return WR_ENOMEM;
        v->validity = val;
        memset(v->validity, 0, words * sizeof(uint64_t));
        if (v->width) {
            void *d = wr_realloc_owned(s->owner, v->data, (size_t)cap * v->width);
            if (!d) return WR_ENOMEM;
            v->data = d;
            memset(v->data, 0, (size_t)cap * v->width);
        }
        if (reg->kind == WR_RK_CONST) fill_const(p, reg, v, cap);
    }
    for (int k = 0; k < WR_EXPR_TMP_BUFS; k++) {
        void *t = wr_realloc_owned(s->owner, s->tmp[k], (size_t)cap * 16);
        if (!t) return WR_ENOMEM;
        s->tmp[k] = t;
    }
    s->cap = cap;
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Helpers for kernels
 * ---------------------------------------------------------------------------------------- */
int wr_expr_str_out(wr_expr_ctx *c, wr_strv *dst, const void *p, size_t n)
{
    if (n == 0) {
        *dst = wr_strv_make("", 0);
        return 0;
    }
    if (n > UINT32_MAX) return wr_expr_fail(c, WR_ELIMIT, "string result too long");
    char *d = wr_arena_alloc_aligned(c->arena, n, 1);
    if (!d) return wr_expr_fail(c, WR_ENOMEM, "out of memory");
    memcpy(d, p, n);
    *dst = wr_strv_make(d, (uint32_t)n);
    return 0;
}

void *wr_expr_tmp(wr_expr_ctx *c, int k)
{
    return c->s->tmp[k];
}

const int64_t *wr_expr_as_i64(wr_expr_ctx *c, const wr_vec *v, int tmp)
{
    if (v->phys == WR_PHYS_I64) return (const int64_t *)v->data;
    int64_t *t = c->s->tmp[tmp];
    uint32_t n = c->n;
    switch (v->phys) {
    case WR_PHYS_U8:
        for (uint32_t i = 0; i < n; i++)
            t[i] = WR_VEC_U8(v)[i];
        break;
    case WR_PHYS_I8:
        for (uint32_t i = 0; i < n; i++)
            t[i] = WR_VEC_I8(v)[i];
        break;
    case WR_PHYS_I16:
        for (uint32_t i = 0; i < n; i++)
            t[i] = WR_VEC_I16(v)[i];
        break;
    case WR_PHYS_I32:
        for (uint32_t i = 0; i < n; i++)
            t[i] = WR_VEC_I32(v)[i];
        break;
    default:
        memset(t, 0, (size_t)n * sizeof(int64_t));
        break;
    }
    return t;
}

const double *wr_expr_as_f64(wr_expr_ctx *c, const wr_vec *v, int tmp)
{
    if (v->phys == WR_PHYS_F64) return (const double *)v->data;
    double *t = c->s->tmp[tmp];
    uint32_t n = c->n;
    if (v->phys == WR_PHYS_F32) {
        for (uint32_t i = 0; i < n; i++)
            t[i] = WR_VEC_F32(v)[i];
    } else {
        const int64_t *x = wr_expr_as_i64(c, v, tmp);
        for (uint32_t i = 0; i < n; i++)
            t[i] = (double)x[i];
    }
    return t;
}

const wr_i128 *wr_expr_as_i128(wr_expr_ctx *c, const wr_vec *v, int tmp)
{
    if (v->phys == WR_PHYS_I128) return (const wr_i128 *)v->data;
    wr_i128 *t = c->s->tmp[tmp];
    uint32_t n = c->n;
    if (v->phys == WR_PHYS_I64) {
        const int64_t *x = (const int64_t *)v->data;
        for (uint32_t i = 0; i < n; i++)
            t[i] = x[i];
    } else {
        /* narrower: widen through the i64 helper using the same buffer is unsafe, go direct */
        for (uint32_t i = 0; i < n; i++) {
            switch (v->phys) {
            case WR_PHYS_I8:
                t[i] = WR_VEC_I8(v)[i];
                break;
            case WR_PHYS_I16:
                t[i] = WR_VEC_I16(v)[i];
                break;
            case WR_PHYS_I32:
                t[i] = WR_VEC_I32(v)[i];
                break;
            default:
                t[i] = 0;
                break;
            }
        }
    }
    return t;
}

void wr_expr_store_i64(wr_vec *v, uint32_t i, int64_t x)
{
    switch (v->phys) {
    case WR_PHYS_U8:
        WR_VEC_U8(v)[i] = (uint8_t)(x != 0);
        break;
    case WR_PHYS_I8:
        WR_VEC_I8(v)[i] = (int8_t)x;
        break;
    case WR_PHYS_I16:
        WR_VEC_I16(v)[i] = (int16_t)x;
        break;
    case WR_PHYS_I32:
        WR_VEC_I32(v)[i] = (int32_t)x;
        break;
    case WR_PHYS_I64:
        WR_VEC_I64(v)[i] = x;
        break;
    case WR_PHYS_I128:
        WR_VEC_I128(v)[i] = x;
        break;
    case WR_PHYS_F32:
        WR_VEC_F32(v)[i] = (float)x;
        break;
    case WR_PHYS_F64:
        WR_VEC_F64(v)[i] = (double)x;
        break;
    default:
        break;
    }
}

void *wr_expr_slot_get(wr_expr_ctx *c, const wr_expr_insn *I, size_t size,
                       void (*free_fn)(void *state))
{
    if (I->slot < 0) return NULL;
    wr_expr_slot *sl = &c->s->slots[I->slot];
    if (!sl->state) {
        sl->state = wr_calloc_owned(c->s->owner, 1, size);
        sl->free_fn = free_fn;
    }
    return sl->state;
}

int wr_expr_fail(wr_expr_ctx *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wr_error_setv(c->err, code, code == WR_ENOMEM ? WR_DOMAIN_INTERNAL : WR_DOMAIN_USER, fmt, ap);
    va_end(ap);
    return code;
}

const char *wr_expr_show(wr_expr_ctx *c, const wr_vec *v, uint32_t i)
{
    static _Thread_local char out[128];
    wr_value val;
    wr_vec_get(v, i, &val);
    if (val.is_null) return "NULL";
    if (v->phys == WR_PHYS_STR) {
        uint32_t n = val.s.len > 80 ? 80 : val.s.len;
        snprintf(out, sizeof out, "'%.*s%s'", (int)n, val.s.ptr, val.s.len > 80 ? "..." : "");
        return out;
    }
    wr_buf b;
    wr_buf_init(&b);
    if (wr_expr_value_to_string(&v->type, &val, &b) == 0 && b.ptr)
        snprintf(out, sizeof out, "%s", b.ptr);
    else
        snprintf(out, sizeof out, "?");
    wr_buf_free(&b);
    return out;
}

/* ------------------------------------------------------------------------------------------
 * Core kernels
 * ---------------------------------------------------------------------------------------- */
static void prop_validity(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    uint32_t nw = c->nw;
    uint64_t *dv = D->validity;
    const int32_t *a = wr_expr_args(c, I);
    if (I->nargs == 0) {
        for (uint32_t w = 0; w < nw; w++)
            dv[w] = ~0ull;
    } else {
        const uint64_t *v0 = c->R[a[0]]->validity;
        if (v0 != dv) memcpy(dv, v0, nw * sizeof(uint64_t));
        for (uint32_t k = 1; k < I->nargs; k++) {
            const uint64_t *vk = c->R[a[k]]->validity;
            for (uint32_t w = 0; w < nw; w++)
                dv[w] &= vk[w];
        }
    }
    if (I->mask >= 0) {
        const uint64_t *m = c->R[I->mask]->validity;
        for (uint32_t w = 0; w < nw; w++)
            dv[w] &= m[w];
    }
    dv[nw - 1] &= wr_expr_tail_mask(c->n);
}

static inline bool row_valid(const wr_vec *v, uint32_t i)
{
    return (v->validity[i >> 6] >> (i & 63)) & 1;
}

/* Value bits of a BOOLEAN vector for word w (rows w*64 .. w*64+63, below n). */
static inline uint64_t pack_bool(const uint8_t *x, uint32_t w, uint32_t n)
{
    uint32_t base = w * 64, cnt = n - base < 64 ? n - base : 64;
    uint64_t bits = 0;
    for (uint32_t j = 0; j < cnt; j++)
        bits |= (uint64_t)(x[base + j] != 0) << j;
    return bits;
}

static inline void unpack_bool(uint8_t *o, uint64_t bits, uint32_t w, uint32_t n)
{
    uint32_t base = w * 64, cnt = n - base < 64 ? n - base : 64;
    for (uint32_t j = 0; j < cnt; j++)
        o[base + j] = (uint8_t)((bits >> j) & 1);
}

static inline uint64_t mask_word(wr_expr_ctx *c, int32_t mask, uint32_t w)
{
    uint64_t m = mask >= 0 ? c->R[mask]->validity[w] : ~0ull;
    if (w == c->nw - 1) m &= wr_expr_tail_mask(c->n);
    return m;
}

static void k_logic(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    const wr_vec *A = wr_expr_arg(c, I, 0), *B = wr_expr_arg(c, I, 1);
    const uint8_t *x = A->data, *y = B->data;
    uint8_t *o = D->data;
    for (uint32_t w = 0; w < c->nw; w++) {
        uint64_t va = A->validity[w], vb = B->validity[w];
        uint64_t xa = pack_bool(x, w, c->n), xb = pack_bool(y, w, c->n);
        uint64_t ta = va & xa, tb = vb & xb, fa = va & ~xa, fb = vb & ~xb;
        uint64_t valid, val;
        if (I->op == WR_OP_AND) {
            val = ta & tb;
            valid = fa | fb | val;
        } else {
            val = ta | tb;
            valid = val | (fa & fb);
        }
        D->validity[w] = valid & mask_word(c, I->mask, w);
        unpack_bool(o, val, w, c->n);
    }
}

static void k_is(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    const wr_vec *A = wr_expr_arg(c, I, 0);
    uint8_t *o = D->data;
    for (uint32_t w = 0; w < c->nw; w++) {
        uint64_t v = A->validity[w], bits;
        uint64_t x = (I->op == WR_OP_IS_NULL || I->op == WR_OP_IS_NOT_NULL) || !A->data
                         ? 0
                         : pack_bool(A->data, w, c->n);
        switch (I->op) {
        case WR_OP_IS_NULL:
            bits = ~v;
            break;
        case WR_OP_IS_NOT_NULL:
            bits = v;
            break;
        case WR_OP_IS_TRUE:
            bits = v & x;
            break;
        case WR_OP_IS_NOT_TRUE:
            bits = ~(v & x);
            break;
        case WR_OP_IS_FALSE:
            bits = v & ~x;
            break;
        default: /* IS NOT FALSE */
            bits = ~(v & ~x);
            break;
        }
        D->validity[w] = mask_word(c, I->mask, w);
        unpack_bool(o, bits, w, c->n);
    }
}

static int cmp_str(wr_strv a, wr_strv b)
{
    uint32_t n = a.len < b.len ? a.len : b.len;
    int r = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (r) return r;
    return a.len < b.len ? -1 : a.len > b.len;
}

static void k_distinct(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    const wr_vec *A = wr_expr_arg(c, I, 0), *B = wr_expr_arg(c, I, 1);
    uint8_t *o = D->data;
    uint8_t neg = I->imm ? 1 : 0;
    for (uint32_t i = 0; i < c->n; i++) {
        bool va = row_valid(A, i), vb = row_valid(B, i);
        bool distinct;
        if (!va || !vb) {
            distinct = va != vb;
        } else {
            switch (A->phys) {
            case WR_PHYS_U8:
                distinct = (WR_VEC_U8(A)[i] != 0) != (WR_VEC_U8(B)[i] != 0);
                break;
            case WR_PHYS_I8:
                distinct = WR_VEC_I8(A)[i] != WR_VEC_I8(B)[i];
                break;
            case WR_PHYS_I16:
                distinct = WR_VEC_I16(A)[i] != WR_VEC_I16(B)[i];
                break;
            case WR_PHYS_I32:
                distinct = WR_VEC_I32(A)[i] != WR_VEC_I32(B)[i];
                break;
            case WR_PHYS_I64:
                distinct = WR_VEC_I64(A)[i] != WR_VEC_I64(B)[i];
                break;
            case WR_PHYS_F32:
                distinct = WR_VEC_F32(A)[i] != WR_VEC_F32(B)[i];
                break;
            case WR_PHYS_F64:
                distinct = WR_VEC_F64(A)[i] != WR_VEC_F64(B)[i];
                break;
            case WR_PHYS_I128:
                distinct = WR_VEC_I128(A)[i] != WR_VEC_I128(B)[i];
                break;
            case WR_PHYS_STR:
                distinct = cmp_str(WR_VEC_STR(A)[i], WR_VEC_STR(B)[i]) != 0;
                break;
            default:
                distinct = false;
                break;
            }
        }
        o[i] = (uint8_t)(distinct ^ neg);
    }
    for (uint32_t w = 0; w < c->nw; w++)
        D->validity[w] = mask_word(c, I->mask, w);
}

static void k_copy(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    const wr_vec *S = wr_expr_arg(c, I, 0);
    if (S == D) return;
    memcpy(D->validity, S->validity, c->nw * sizeof(uint64_t));
    D->validity[c->nw - 1] &= wr_expr_tail_mask(c->n);
    if (D->width && S->width == D->width) memcpy(D->data, S->data, (size_t)c->n * D->width);
}

static void k_select(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    const wr_vec *S = wr_expr_arg(c, I, 0);
    for (uint32_t w = 0; w < c->nw; w++) {
        uint64_t m = mask_word(c, I->mask, w);
        D->validity[w] = (D->validity[w] & ~m) | (S->validity[w] & m);
    }
    if (!D->width || S->width != D->width) return;
    switch (D->width) {
    case 1:
        for (uint32_t w = 0; w < c->nw; w++)
            for (uint64_t m = mask_word(c, I->mask, w); m; m &= m - 1) {
                uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(m);
                ((uint8_t *)D->data)[i] = ((const uint8_t *)S->data)[i];
            }
        break;
    case 2:
        for (uint32_t w = 0; w < c->nw; w++)
            for (uint64_t m = mask_word(c, I->mask, w); m; m &= m - 1) {
                uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(m);
                ((uint16_t *)D->data)[i] = ((const uint16_t *)S->data)[i];
            }
        break;
    case 4:
        for (uint32_t w = 0; w < c->nw; w++)
            for (uint64_t m = mask_word(c, I->mask, w); m; m &= m - 1) {
                uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(m);
                ((uint32_t *)D->data)[i] = ((const uint32_t *)S->data)[i];
            }
        break;
    case 8:
        for (uint32_t w = 0; w < c->nw; w++)
            for (uint64_t m = mask_word(c, I->mask, w); m; m &= m - 1) {
                uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(m);
                ((uint64_t *)D->data)[i] = ((const uint64_t *)S->data)[i];
            }
        break;
    default:
        for (uint32_t w = 0; w < c->nw; w++)
            for (uint64_t m = mask_word(c, I->mask, w); m; m &= m - 1) {
                uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(m);
                memcpy((char *)D->data + (size_t)i * D->width,
                       (const char *)S->data + (size_t)i * D->width, D->width);
            }
        break;
    }
}

static void k_mask(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    const wr_vec *S = wr_expr_arg(c, I, 0);
    for (uint32_t w = 0; w < c->nw; w++) {
        uint64_t p = mask_word(c, I->mask, w), v = S->validity[w], bits;
        switch (I->op) {
        case WR_OP_MASK_NULL:
            bits = ~v;
            break;
        case WR_OP_MASK_TRUE:
            bits = v & pack_bool(S->data, w, c->n);
            break;
        case WR_OP_MASK_NOT_TRUE:
            bits = ~(v & pack_bool(S->data, w, c->n));
            break;
        default: /* NOT FALSE */
            bits = ~(v & ~pack_bool(S->data, w, c->n));
            break;
        }
        D->validity[w] = p & bits;
    }
}

static int k_adopt(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    const char *lo = c->p->cstr, *hi = lo + c->p->cstr_len;
    if (!lo) return 0;
    wr_strv *s = D->data;
    WR_FOR_EACH_SET(D->validity, c->nw, i)
    {
        if (s[i].ptr >= lo && s[i].ptr < hi) {
            int rc = wr_expr_str_out(c, &s[i], s[i].ptr, s[i].len);
            if (rc < 0) return rc;
        }
    }
    return 0;
}

/* Arithmetic with Java semantics: integers wrap, integer division truncates and fails on a
 * zero divisor, MIN / -1 wraps, floating point follows IEEE 754. */
#define ARITH_LOOP(T, EXPR)                                                                        \
    do {                                                                                           \
        const T *x_ = wr_expr_arg(c, I, 0)->data, *y_ = wr_expr_arg(c, I, 1)->data;                \
        T *o_ = D->data;                                                                           \
        for (uint32_t i = 0; i < n; i++) {                                                         \
            T a = x_[i], b = y_[i];                                                                \
            o_[i] = (EXPR);                                                                        \
        }                                                                                          \
    } while (0)

#define INT_OPS(SUF, T)                                                                            \
    case WR_OP_ADD_##SUF:                                                                          \
        ARITH_LOOP(T, (T)((uint64_t)a + (uint64_t)b));                                             \
        break;                                                                                     \
    case WR_OP_SUB_##SUF:                                                                          \
        ARITH_LOOP(T, (T)((uint64_t)a - (uint64_t)b));                                             \
        break;                                                                                     \
    case WR_OP_MUL_##SUF:                                                                          \
        ARITH_LOOP(T, (T)((uint64_t)a * (uint64_t)b));                                             \
        break;                                                                                     \
    case WR_OP_DIV_##SUF:                                                                          \
    case WR_OP_MOD_##SUF: {                                                                        \
        const T *x_ = wr_expr_arg(c, I, 0)->data, *y_ = wr_expr_arg(c, I, 1)->data;                \
        T *o_ = D->data;                                                                           \
        bool div_ = I->op == WR_OP_DIV_##SUF;                                                      \
        for (uint32_t i = 0; i < n; i++) {                                                         \
            T a = x_[i], b = y_[i];                                                                \
            if (b == 0) {                                                                          \
                if (row_valid(D, i)) return wr_expr_fail(c, WR_EDIVZERO, "division by zero");      \
                o_[i] = 0;                                                                         \
            } else if (b == -1) {                                                                  \
                o_[i] = div_ ? (T)(0 - (uint64_t)a) : 0;                                           \
            } else {                                                                               \
                o_[i] = div_ ? (T)(a / b) : (T)(a % b);                                            \
            }                                                                                      \
        }                                                                                          \
        break;                                                                                     \
    }                                                                                              \
    case WR_OP_NEG_##SUF: {                                                                        \
        const T *x_ = wr_expr_arg(c, I, 0)->data;                                                  \
        T *o_ = D->data;                                                                           \
        for (uint32_t i = 0; i < n; i++)                                                           \
            o_[i] = (T)(0 - (uint64_t)x_[i]);                                                      \
        break;                                                                                     \
    }

#define FLT_OPS(SUF, T, FMOD)                                                                      \
    case WR_OP_ADD_##SUF:                                                                          \
        ARITH_LOOP(T, a + b);                                                                      \
        break;                                                                                     \
    case WR_OP_SUB_##SUF:                                                                          \
        ARITH_LOOP(T, a - b);                                                                      \
        break;                                                                                     \
    case WR_OP_MUL_##SUF:                                                                          \
        ARITH_LOOP(T, a *b);                                                                       \
        break;                                                                                     \
    case WR_OP_DIV_##SUF:                                                                          \
        ARITH_LOOP(T, a / b);                                                                      \
        break;                                                                                     \
    case WR_OP_MOD_##SUF:                                                                          \
        ARITH_LOOP(T, FMOD(a, b));                                                                 \
        break;                                                                                     \
    case WR_OP_NEG_##SUF: {                                                                        \
        const T *x_ = wr_expr_arg(c, I, 0)->data;                                                  \
        T *o_ = D->data;                                                                           \
        for (uint32_t i = 0; i < n; i++)                                                           \
            o_[i] = -x_[i];                                                                        \
        break;                                                                                     \
    }

#define CMP_LOOP(T, OP)                                                                            \
    do {                                                                                           \
        const T *x_ = wr_expr_arg(c, I, 0)->data, *y_ = wr_expr_arg(c, I, 1)->data;                \
        uint8_t *o_ = D->data;                                                                     \
        for (uint32_t i = 0; i < n; i++)                                                           \
            o_[i] = (uint8_t)(x_[i] OP y_[i]);                                                     \
    } while (0)

#define CMP_OPS(SUF, T)                                                                            \
    case WR_OP_EQ_##SUF:                                                                           \
        CMP_LOOP(T, ==);                                                                           \
        break;                                                                                     \
    case WR_OP_NE_##SUF:                                                                           \
        CMP_LOOP(T, !=);                                                                           \
        break;                                                                                     \
    case WR_OP_LT_##SUF:                                                                           \
        CMP_LOOP(T, <);                                                                            \
        break;                                                                                     \
    case WR_OP_LE_##SUF:                                                                           \
        CMP_LOOP(T, <=);                                                                           \
        break;

#define STR_CMP(OP)                                                                                \
    do {                                                                                           \
        const wr_strv *x_ = wr_expr_arg(c, I, 0)->data, *y_ = wr_expr_arg(c, I, 1)->data;          \
        uint8_t *o_ = D->data;                                                                     \
        WR_FOR_EACH_SET(D->validity, c->nw, i)                                                     \
        {                                                                                          \
            o_[i] = (uint8_t)(cmp_str(x_[i], y_[i]) OP 0);                                         \
        }                                                                                          \
    } while (0)

static int k_minmax(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    bool greatest = I->op == WR_OP_GREATEST;
    uint32_t n = c->n;
    const int32_t *a = wr_expr_args(c, I);
    const wr_vec *first = c->R[a[0]];
    if (first != D && D->width) memcpy(D->data, first->data, (size_t)n * D->width);
    uint64_t *dv = D->validity;
    for (uint32_t k = 1; k < I->nargs; k++) {
        const wr_vec *S = c->R[a[k]];
#define MM(T)                                                                                      \
    do {                                                                                           \
        T *o_ = D->data;                                                                           \
        const T *s_ = S->data;                                                                     \
        for (uint32_t i = 0; i < n; i++)                                                           \
            if (greatest ? s_[i] > o_[i] : s_[i] < o_[i]) o_[i] = s_[i];                           \
    } while (0)
        switch (D->phys) {
        case WR_PHYS_U8:
            MM(uint8_t);
            break;
        case WR_PHYS_I8:
            MM(int8_t);
            break;
        case WR_PHYS_I16:
            MM(int16_t);
            break;
        case WR_PHYS_I32:
            MM(int32_t);
            break;
        case WR_PHYS_I64:
            MM(int64_t);
            break;
        case WR_PHYS_F32:
            MM(float);
            break;
        case WR_PHYS_F64:
            MM(double);
            break;
        case WR_PHYS_I128:
            MM(wr_i128);
            break;
        case WR_PHYS_STR: {
            wr_strv *o_ = D->data;
            const wr_strv *s_ = S->data;
            WR_FOR_EACH_SET(dv, c->nw, i)
            {
                int r = cmp_str(s_[i], o_[i]);
                if (greatest ? r > 0 : r < 0) o_[i] = s_[i];
            }
            break;
        }
        default:
            break;
        }
#undef MM
    }
    return 0;
}

void wr_expr_scratch_set_watermark(wr_expr_scratch *s, int64_t watermark)
{
    s->watermark = watermark;
}

static int k_now(wr_expr_ctx *c, const wr_expr_insn *I, wr_vec *D)
{
    if (I->imm == WR_NOW_WATERMARK) {
        /* Milliseconds, as Flink's watermarks; NULL before the first one. */
        int64_t wm = c->s->watermark;
        bool none = wm == INT64_MIN;
        int64_t v = none ? 0 : wr_floor_div(wm, 1000) * 1000;
        for (uint32_t i = 0; i < c->n; i++)
            wr_expr_store_i64(D, i, v);
        for (uint32_t w = 0; w < c->nw; w++)
            D->validity[w] = none ? 0 : mask_word(c, I->mask, w);
        return 0;
    }
    if (!c->now_us) c->now_us = wr_wall_us();
    int64_t us = c->now_us, v;
    switch (I->imm) {
    case WR_NOW_DATE:
        v = wr_floor_div(us, 86400000000LL);
        break;
    case WR_NOW_TIME:
        v = wr_floor_mod(us, 86400000000LL) / 1000000 * 1000000;
        break;
    case WR_NOW_UNIX:
        v = wr_floor_div(us, 1000000);
        break;
    default:
        v = wr_floor_div(us, 1000) * 1000; /* precision 3 */
        break;
    }
    for (uint32_t i = 0; i < c->n; i++)
        wr_expr_store_i64(D, i, v);
    for (uint32_t w = 0; w < c->nw; w++)
        D->validity[w] = mask_word(c, I->mask, w);
    return 0;
}

static int exec(wr_expr_ctx *c, const wr_expr_insn *I)
{
    wr_vec *D = I->dst >= 0 ? c->R[I->dst] : NULL;
    uint32_t n = c->n;
    uint8_t fl = wr_expr_op_flags[I->op];
    if (fl & WR_OPF_PROP) prop_validity(c, I, D);
    int rc = 0;
    switch ((wr_expr_op)I->op) {
    case WR_OP_NOP:
        return 0;
    case WR_OP_COPY:
        k_copy(c, I, D);
        return 0;
    case WR_OP_CASE_INIT:
        memset(D->validity, 0, c->nw * sizeof(uint64_t));
        return 0;
    case WR_OP_SELECT:
        k_select(c, I, D);
        return 0;
    case WR_OP_MASK_TRUE:
    case WR_OP_MASK_NOT_TRUE:
    case WR_OP_MASK_NOT_FALSE:
    case WR_OP_MASK_NULL:
        k_mask(c, I, D);
        return 0;
    case WR_OP_ADOPT:
        return k_adopt(c, I, D);

        INT_OPS(I8, int8_t)
        INT_OPS(I16, int16_t)
        INT_OPS(I32, int32_t)
        INT_OPS(I64, int64_t)
        FLT_OPS(F32, float, fmodf)
        FLT_OPS(F64, double, fmod)

        CMP_OPS(U8, uint8_t)
        CMP_OPS(I8, int8_t)
        CMP_OPS(I16, int16_t)
        CMP_OPS(I32, int32_t)
        CMP_OPS(I64, int64_t)
        CMP_OPS(F32, float)
        CMP_OPS(F64, double)
        CMP_OPS(I128, wr_i128)
    case WR_OP_EQ_STR:
        STR_CMP(==);
        break;
    case WR_OP_NE_STR:
        STR_CMP(!=);
        break;
    case WR_OP_LT_STR:
        STR_CMP(<);
        break;
    case WR_OP_LE_STR:
        STR_CMP(<=);
        break;

    case WR_OP_DEC_ADD:
    case WR_OP_DEC_SUB:
    case WR_OP_DEC_MUL:
    case WR_OP_DEC_DIV:
    case WR_OP_DEC_MOD:
    case WR_OP_DEC_NEG:
        rc = wr_expr_k_decimal(c, I);
        break;

    case WR_OP_AND:
    case WR_OP_OR:
        k_logic(c, I, D);
        return 0;
    case WR_OP_NOT: {
        const uint8_t *x = wr_expr_arg(c, I, 0)->data;
        uint8_t *o = D->data;
        for (uint32_t i = 0; i < n; i++)
            o[i] = x[i] == 0;
        break;
    }
    case WR_OP_IS_NULL:
    case WR_OP_IS_NOT_NULL:
    case WR_OP_IS_TRUE:
    case WR_OP_IS_NOT_TRUE:
    case WR_OP_IS_FALSE:
    case WR_OP_IS_NOT_FALSE:
        k_is(c, I, D);
        return 0;
    case WR_OP_DISTINCT:
        k_distinct(c, I, D);
        return 0;
    case WR_OP_COALESCE:
    case WR_OP_NULLIF:
    case WR_OP_IF:
        return wr_expr_fail(c, WR_EINTERNAL, "internal: %s reached the evaluator",
                            wr_expr_op_names[I->op]);
    case WR_OP_CAST:
        rc = wr_expr_k_cast(c, I);
        break;
    case WR_OP_GREATEST:
    case WR_OP_LEAST:
        rc = k_minmax(c, I, D);
        break;
    case WR_OP_NOW:
        rc = k_now(c, I, D);
        break;
    case WR_OP_TYPEOF:
        return wr_expr_fail(c, WR_EINTERNAL, "internal: TYPEOF reached the evaluator");
    case WR_OP_RAISE: {
        /* Any active row fails; none: the result is all NULL. */
        for (uint32_t w = 0; w < c->nw; w++) {
            if (mask_word(c, I->mask, w)) {
                const wr_vec *M = wr_expr_arg(c, I, 1);
                const wr_strv *sv = &WR_VEC_STR(M)[0];
                return wr_expr_fail(c, WR_EINVAL, "%.*s", (int)sv->len, sv->ptr);
            }
            D->validity[w] = 0;
        }
        return 0;
    }

    case WR_OP_CONCAT:
    case WR_OP_CONCAT_WS:
    case WR_OP_CHAR_LENGTH:
    case WR_OP_UPPER:
    case WR_OP_LOWER:
    case WR_OP_TRIM:
    case WR_OP_SUBSTRING:
    case WR_OP_POSITION:
    case WR_OP_REPLACE:
    case WR_OP_LPAD:
    case WR_OP_RPAD:
    case WR_OP_REPEAT:
    case WR_OP_REVERSE:
    case WR_OP_INITCAP:
    case WR_OP_LEFT:
    case WR_OP_RIGHT:
    case WR_OP_SPLIT_INDEX:
    case WR_OP_ASCII:
    case WR_OP_CHR:
    case WR_OP_IS_CLASS:
    case WR_OP_HEX:
    case WR_OP_BIN:
    case WR_OP_OVERLAY:
        rc = wr_expr_k_string(c, I);
        break;
    case WR_OP_LIKE:
    case WR_OP_REGEXP:
    case WR_OP_SIMILAR:
    case WR_OP_REGEXP_EXTRACT:
    case WR_OP_REGEXP_REPLACE:
        rc = wr_expr_k_pattern(c, I);
        break;
    case WR_OP_MD5:
    case WR_OP_SHA1:
    case WR_OP_SHA256:
    case WR_OP_TO_BASE64:
    case WR_OP_FROM_BASE64:
        rc = wr_expr_k_digest(c, I);
        break;
    case WR_OP_JSON_VALUE:
    case WR_OP_JSON_QUERY:
    case WR_OP_JSON_EXISTS:
    case WR_OP_JSON_STATUS:
    case WR_OP_IS_JSON:
        rc = wr_expr_k_json(c, I);
        break;
    case WR_OP_MATH1:
    case WR_OP_MATH2:
    case WR_OP_ABS:
    case WR_OP_SIGN:
    case WR_OP_ROUND:
    case WR_OP_CEIL:
    case WR_OP_FLOOR:
    case WR_OP_RAND:
    case WR_OP_RAND_INTEGER:
    case WR_OP_UUID:
        rc = wr_expr_k_math(c, I);
        break;
    case WR_OP_TS_ADD_DT:
    case WR_OP_TS_ADD_YM:
    case WR_OP_DATE_ADD_DT:
    case WR_OP_DATE_ADD_YM:
    case WR_OP_TIME_ADD_DT:
    case WR_OP_EXTRACT:
    case WR_OP_FLOOR_TIME:
    case WR_OP_CEIL_TIME:
    case WR_OP_DATE_FORMAT:
    case WR_OP_PARSE_TS:
    case WR_OP_TO_TIMESTAMP_LTZ:
    case WR_OP_UNIX_TIMESTAMP:
    case WR_OP_FROM_UNIXTIME:
    case WR_OP_TIMESTAMPADD:
    case WR_OP_TIMESTAMPDIFF:
        rc = wr_expr_k_time(c, I);
        break;
    case WR_OP__COUNT:
        return wr_expr_fail(c, WR_EINTERNAL, "internal: bad opcode");
    }
    if (rc < 0) return rc;
    if (!(fl & WR_OPF_PROP) && I->mask >= 0 && D) {
        const uint64_t *m = c->R[I->mask]->validity;
        for (uint32_t w = 0; w < c->nw; w++)
            D->validity[w] &= m[w];
    }
    if (D && D->validity) D->validity[c->nw - 1] &= wr_expr_tail_mask(n);
    return 0;
}

int wr_expr_run(const wr_expr_prog *p, wr_expr_scratch *s, const wr_vec *in_cols, uint32_t in_ncols,
                uint32_t n, wr_arena *arena, wr_vec *const *outs, wr_error *err)
{
    if (s->p != p)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "scratch was created for another program");
    if (ensure_cap(s, n ? n : 1) < 0)
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    for (uint32_t r = 0; r < p->nregs; r++) {
        const wr_expr_reg *reg = &p->regs[r];
        switch (reg->kind) {
        case WR_RK_INPUT:
            if (reg->idx >= in_ncols || in_cols[reg->idx].phys != reg->phys)
                return wr_error_set(err, WR_ETYPE, WR_DOMAIN_INTERNAL,
                                    "input column %u does not match the compiled program "
                                    "(expected %s)",
                                    reg->idx, wr_expr_type_str(&reg->type));
            s->bind[r] = (wr_vec *)&in_cols[reg->idx];
            break;
        case WR_RK_OUT:
            s->bind[r] = outs && outs[reg->idx] ? outs[reg->idx] : &s->vecs[r];
            break;
        default:
            s->bind[r] = &s->vecs[r];
            break;
        }
    }
    if (n == 0) return 0;
    wr_expr_ctx c = {
        .p = p, .s = s, .R = s->bind, .n = n, .nw = wr_expr_words(n), .arena = arena, .err = err};
    for (uint32_t k = 0; k < p->ninsns; k++) {
        int rc = exec(&c, &p->insns[k]);
        if (rc < 0) return rc;
    }
    return 0;
}

wr_vec *wr_expr_result(wr_expr_scratch *s, uint32_t i)
{
    return s->bind[s->p->out_regs[i]];
}

int wr_expr_eval(const wr_expr_prog *p, wr_expr_scratch *s, wr_batch *in, wr_batch *out,
                 uint32_t out_col0, wr_error *err)
{
    if (out->cap < in->len)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "output batch holds %u rows, input has %u", out->cap, in->len);
    if (out_col0 + p->nout > out->ncols)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "output batch has %u columns, program writes %u from column %u",
                            out->ncols, p->nout, out_col0);
    wr_vec *outs[p->nout ? p->nout : 1];
    bool strings = false;
    for (uint32_t i = 0; i < p->nout; i++) {
        outs[i] = &out->cols[out_col0 + i];
        if (outs[i]->phys != wr_type_phys(&p->out_types[i]))
            return wr_error_set(err, WR_ETYPE, WR_DOMAIN_INTERNAL,
                                "output column %u has type %s, expression %u yields %s",
                                out_col0 + i, wr_expr_type_str(&outs[i]->type), i,
                                wr_expr_type_str(&p->out_types[i]));
        if (p->out_views[i]) strings = true;
    }
    int rc = wr_expr_run(p, s, in->cols, in->ncols, in->len, &out->arena, outs, err);
    if (rc < 0) return rc;
    out->len = in->len;
    if (strings && out != in && in->len) {
        rc = wr_batch_depend(out, in);
        if (rc < 0) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory");
    }
    return 0;
}

int wr_expr_eval_filter(const wr_expr_prog *p, wr_expr_scratch *s, wr_batch *in, uint8_t *sel,
                        uint32_t *nsel, wr_error *err)
{
    if (p->nout < 1 || p->out_types[0].id != WR_TYPE_BOOLEAN)
        return wr_error_set(err, WR_ETYPE, WR_DOMAIN_INTERNAL,
                            "a filter needs a BOOLEAN expression");
    wr_arena_reset(&s->arena);
    int rc = wr_expr_run(p, s, in->cols, in->ncols, in->len, &s->arena, NULL, err);
    if (rc < 0) return rc;
    const wr_vec *r = wr_expr_result(s, 0);
    const uint8_t *x = r->data;
    uint32_t cnt = 0;
    for (uint32_t i = 0; i < in->len; i++) {
        sel[i] = (uint8_t)(row_valid(r, i) && x[i]);
        cnt += sel[i];
    }
    *nsel = cnt;
    return 0;
}

int wr_expr_eval_constant_opts(const wr_expr *e, bool fold, wr_arena *a, wr_value *out,
                               wr_error *err)
{
    if (!wr_expr_is_constant(e))
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER, "expression is not constant");
    wr_expr_prog *p = NULL;
    wr_expr *const roots[1] = {(wr_expr *)e};
    int rc = wr_expr_compile_opts(roots, 1, NULL, fold, &p, err);
    if (rc < 0) return rc;
    wr_expr_scratch *s = wr_expr_scratch_new(p, NULL);
    if (!s) {
        wr_expr_prog_free(p);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    rc = wr_expr_run(p, s, NULL, 0, 1, &s->arena, NULL, err);
    if (rc == 0) {
        wr_vec_get(wr_expr_result(s, 0), 0, out);
        if (!out->is_null && wr_type_phys(&e->type) == WR_PHYS_STR) {
            char *d = wr_arena_alloc_aligned(a, out->s.len + 1, 1);
            if (!d) {
                rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            } else {
                if (out->s.len) memcpy(d, out->s.ptr, out->s.len);
                d[out->s.len] = 0;
                out->s = wr_strv_make(d, out->s.len);
            }
        }
    }
    wr_expr_scratch_free(s);
    wr_expr_prog_free(p);
    return rc;
}

int wr_expr_eval_constant(const wr_expr *e, wr_arena *a, wr_value *out, wr_error *err)
{
    return wr_expr_eval_constant_opts(e, true, a, out, err);
}
