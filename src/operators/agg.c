/* agg.c - the aggregate function library: COUNT(*), COUNT, COUNT(DISTINCT), SUM, MIN, MAX
 * and AVG over columnar batches, with Flink's result types, FILTER columns and retraction.
 * A layout assigns each aggregate a fixed-size slot in an accumulator record; every entry
 * point loops over rows once per aggregate, choosing the loop (aggregate kind, physical
 * type, MIN or MAX) before the loop starts. Rows are processed in chunks of AGG_CHUNK: for
 * each aggregate a chunk first gets a per-row sign (+1 accumulate, -1 retract, 0 skip: no
 * record, FILTER not TRUE, NULL argument), then the kind's loop applies it.
 *
 * Value classes: every MIN/MAX/COUNT DISTINCT argument is handled as one of three classes:
 * 64-bit integers (BOOLEAN, TINYINT..BIGINT, DATE, TIME, TIMESTAMP*, INTERVAL*, DECIMAL with
 * p <= 18, and FLOAT/DOUBLE mapped to an int64 key whose signed order is Java's
 * Double.compare order: -Inf < -0.0 < 0.0 < +Inf < NaN), 128-bit integers (DECIMAL with
 * p > 18) and byte strings (CHAR/VARCHAR/BINARY/VARBINARY, unsigned byte order, shorter
 * first on a tie, as Flink compares UTF-8 strings and byte arrays).
 *
 * Owned memory: string MIN/MAX values (a growable buffer per slot), retractable MIN/MAX
 * multisets (sorted array of value -> count, strings copied per distinct value) and COUNT
 * DISTINCT maps (wr_htab of value bytes -> count). All are charged to the owner passed in. */
#include "operators/agg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AGG_CHUNK 1024

typedef unsigned __int128 wr_u128;

enum agg_impl {
    IMPL_COUNT_STAR = 0,
    IMPL_COUNT,
    IMPL_COUNT_DISTINCT,
    IMPL_SUM_INT,  /* integer SUM: int64 wrap-around sum, truncated to the result type */
    IMPL_SUM_F32,  /* SUM(FLOAT): float sum */
    IMPL_SUM_F64,  /* SUM(DOUBLE) */
    IMPL_SUM_DEC,  /* SUM(DECIMAL): int128 unscaled sum */
    IMPL_AVG_INT,  /* AVG(integer): int64 sum, integer division */
    IMPL_AVG_F64,  /* AVG(FLOAT|DOUBLE): double sum */
    IMPL_AVG_DEC,  /* AVG(DECIMAL): int128 sum, HALF_UP division */
    IMPL_MINMAX,   /* non-retractable MIN/MAX of a fixed-width value */
    IMPL_MINMAX_S, /* non-retractable MIN/MAX of a string */
    IMPL_MINMAX_R, /* retractable MIN/MAX: multiset */
};

enum vclass { VC_I64 = 0, VC_I128, VC_STR };

/* Slot shapes. Every one is valid when all zero (the empty accumulator). */
typedef struct acc_count {
    int64_t n;
} acc_count;
typedef struct acc_isum {
    uint64_t sum; /* wrap-around */
    int64_t n;    /* non-NULL values */
} acc_isum;
typedef struct acc_fsum {
    float sum;
    int64_t n;
} acc_fsum;
typedef struct acc_dsum {
    double sum;
    int64_t n;
} acc_dsum;
typedef struct acc_xsum {
    wr_i128 sum;
    int64_t n;
} acc_xsum;
typedef struct acc_mm {
    union {
        int64_t i; /* VC_I64 (floats as order keys) */
        wr_i128 x; /* VC_I128 */
    } v;
    uint8_t has;
} acc_mm;
typedef struct acc_mms {
    char *p; /* owned copy, cap bytes */
    uint32_t len;
    uint32_t cap;
    uint8_t has;
} acc_mms;
typedef struct acc_ptr {
    void *p; /* multiset or distinct map, allocated on first value */
} acc_ptr;

/* Retractable MIN/MAX: values in ascending order with their (positive) counts. */
typedef struct ms_ent {
    union {
        int64_t i;
        wr_i128 x;
        struct {
            char *p;
            uint32_t len;
        } s;
    } v;
    int64_t cnt;
} ms_ent;
typedef struct agg_ms {
    ms_ent *e;
    uint32_t n, cap;
    size_t str_bytes;
} agg_ms;

/* COUNT DISTINCT: value bytes -> count (stored in the value pointer). */
typedef struct agg_dmap {
    wr_htab h;
    size_t key_bytes;
} agg_dmap;

const char *wr_agg_kind_name(wr_agg_kind k)
{
    switch (k) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT:
        return "COUNT";
    case WR_AGG_COUNT_DISTINCT:
        return "COUNT DISTINCT";
    case WR_AGG_SUM:
        return "SUM";
    case WR_AGG_MIN:
        return "MIN";
    case WR_AGG_MAX:
        return "MAX";
    case WR_AGG_AVG:
        return "AVG";
    case WR_AGG__COUNT:
        break;
    }
    return "?";
}

/* ------------------------------------------------------------------------------------------
 * Types and layout
 * ---------------------------------------------------------------------------------------- */
static bool phys_is_value(wr_phys p)
{
    return p >= WR_PHYS_U8 && p <= WR_PHYS_STR;
}

static enum vclass phys_vclass(wr_phys p)
{
    if (p == WR_PHYS_I128) return VC_I128;
    if (p == WR_PHYS_STR) return VC_STR;
    return VC_I64;
}

static int type_err(wr_error *err, wr_agg_kind kind, const wr_type *arg)
{
    wr_buf b;
    wr_buf_init(&b);
    wr_type_format(arg, &b);
    int rc = wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                          "aggregate function %s does not accept an argument of type %s",
                          wr_agg_kind_name(kind), b.ptr ? b.ptr : "?");
    wr_buf_free(&b);
    return rc;
}

int wr_agg_result_type(wr_agg_kind kind, const wr_type *arg, wr_type *out, wr_error *err)
{
    wr_phys p = arg ? wr_type_phys(arg) : WR_PHYS_NONE;
    switch (kind) {
    case WR_AGG_COUNT_STAR:
    case WR_AGG_COUNT:
        *out = wr_type_not_null(wr_type_make(WR_TYPE_BIGINT));
        return 0;
    case WR_AGG_COUNT_DISTINCT:
        if (!phys_is_value(p)) return type_err(err, kind, arg);
        *out = wr_type_not_null(wr_type_make(WR_TYPE_BIGINT));
        return 0;
    case WR_AGG_SUM:
    case WR_AGG_AVG:
        if (wr_type_is_integer(arg) || arg->id == WR_TYPE_FLOAT || arg->id == WR_TYPE_DOUBLE) {
            *out = wr_type_make((wr_type_id)arg->id);
            return 0;
        }
        if (arg->id == WR_TYPE_DECIMAL) {
            int s = arg->scale;
            if (kind == WR_AGG_AVG) s = WR_MAX(s, 6);
            *out = wr_type_decimal(WR_DECIMAL_MAX_PRECISION, s);
            return 0;
        }
        return type_err(err, kind, arg);
    case WR_AGG_MIN:
    case WR_AGG_MAX:
        if (!phys_is_value(p)) return type_err(err, kind, arg);
        *out = wr_type_nullable(*arg);
        out->time_attr = WR_TIME_ATTR_NONE; /* aggregating materializes a time attribute */
        return 0;
    case WR_AGG__COUNT:
        break;
    }
    return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "unknown aggregate kind %d", (int)kind);
}

static enum agg_impl choose_impl(const wr_agg_spec *s, wr_phys ap)
{
    switch (s->kind) {
    case WR_AGG_COUNT_STAR:
        return IMPL_COUNT_STAR;
    case WR_AGG_COUNT:
        return IMPL_COUNT;
    case WR_AGG_COUNT_DISTINCT:
        return IMPL_COUNT_DISTINCT;
    case WR_AGG_SUM:
        if (s->arg_type.id == WR_TYPE_DECIMAL) return IMPL_SUM_DEC;
        if (ap == WR_PHYS_F32) return IMPL_SUM_F32;
        if (ap == WR_PHYS_F64) return IMPL_SUM_F64;
        return IMPL_SUM_INT;
    case WR_AGG_AVG:
        if (s->arg_type.id == WR_TYPE_DECIMAL) return IMPL_AVG_DEC;
        if (ap == WR_PHYS_F32 || ap == WR_PHYS_F64) return IMPL_AVG_F64;
        return IMPL_AVG_INT;
    case WR_AGG_MIN:
    case WR_AGG_MAX:
        if (s->retract) return IMPL_MINMAX_R;
        return ap == WR_PHYS_STR ? IMPL_MINMAX_S : IMPL_MINMAX;
    case WR_AGG__COUNT:
        break;
    }
    return IMPL_COUNT_STAR;
}

static void impl_shape(enum agg_impl impl, uint32_t *size, uint32_t *align, uint8_t *npartial)
{
    switch (impl) {
    case IMPL_COUNT_STAR:
    case IMPL_COUNT:
        *size = sizeof(acc_count), *align = _Alignof(acc_count), *npartial = 1;
        return;
    case IMPL_COUNT_DISTINCT:
    case IMPL_MINMAX_R:
        *size = sizeof(acc_ptr), *align = _Alignof(acc_ptr), *npartial = 0;
        return;
    case IMPL_SUM_INT:
    case IMPL_AVG_INT:
        *size = sizeof(acc_isum), *align = _Alignof(acc_isum), *npartial = 2;
        return;
    case IMPL_SUM_F32:
        *size = sizeof(acc_fsum), *align = _Alignof(acc_fsum), *npartial = 2;
        return;
    case IMPL_SUM_F64:
    case IMPL_AVG_F64:
        *size = sizeof(acc_dsum), *align = _Alignof(acc_dsum), *npartial = 2;
        return;
    case IMPL_SUM_DEC:
    case IMPL_AVG_DEC:
        *size = sizeof(acc_xsum), *align = _Alignof(acc_xsum), *npartial = 2;
        return;
    case IMPL_MINMAX:
        *size = sizeof(acc_mm), *align = _Alignof(acc_mm), *npartial = 1;
        return;
    case IMPL_MINMAX_S:
        *size = sizeof(acc_mms), *align = _Alignof(acc_mms), *npartial = 1;
        return;
    }
}

wr_agg_layout *wr_agg_layout_new(const wr_agg_spec *specs, uint32_t n, wr_error *err)
{
    wr_agg_layout *l = wr_calloc(1, sizeof(*l));
    if (!l) goto nomem;
    if (n > 0 && !(l->slots = wr_calloc(n, sizeof(*l->slots)))) goto nomem;
    l->naggs = n;
    l->partial_capable = true;
    uint32_t off = 0, pcol = 0;
    for (uint32_t i = 0; i < n; i++) {
        wr_agg_slot *s = &l->slots[i];
        s->spec = specs[i];
        wr_agg_spec *sp = &s->spec;
        if (sp->kind >= WR_AGG__COUNT) {
            wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "aggregate %u: bad kind", i);
            goto fail;
        }
        if (sp->kind == WR_AGG_COUNT_STAR) {
            sp->arg = -1;
            sp->arg_type = wr_type_make(WR_TYPE_NULL);
        } else if (sp->arg < 0) {
            wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "aggregate %u (%s) has no argument", i,
                         wr_agg_kind_name(sp->kind));
            goto fail;
        }
        wr_type rt;
        if (wr_agg_result_type(sp->kind, &sp->arg_type, &rt, err) < 0) goto fail;
        if (sp->result_type.id == WR_TYPE_NULL) {
            sp->result_type = rt;
        } else if (!wr_type_equal(&sp->result_type, &rt, true)) {
            wr_buf a, b;
            wr_buf_init(&a);
            wr_buf_init(&b);
            wr_type_format(&sp->result_type, &a);
            wr_type_format(&rt, &b);
            wr_error_set(err, WR_ETYPE, WR_DOMAIN_INTERNAL,
                         "aggregate %u (%s): result type %s given, %s expected", i,
                         wr_agg_kind_name(sp->kind), a.ptr ? a.ptr : "?", b.ptr ? b.ptr : "?");
            wr_buf_free(&a);
            wr_buf_free(&b);
            goto fail;
        }
        s->arg_phys = (uint8_t)wr_type_phys(&sp->arg_type);
        s->res_phys = (uint8_t)wr_type_phys(&sp->result_type);
        s->impl = (uint8_t)choose_impl(sp, (wr_phys)s->arg_phys);
        uint32_t size, align;
        impl_shape((enum agg_impl)s->impl, &size, &align, &s->npartial);
        off = (off + align - 1) & ~(align - 1);
        s->offset = off;
        s->size = size;
        off += size;
        s->partial0 = pcol;
        pcol += s->npartial;
        if (s->npartial == 0) l->partial_capable = false;
        if (s->impl == IMPL_COUNT_DISTINCT || s->impl == IMPL_MINMAX_R || s->impl == IMPL_MINMAX_S)
            l->owns_memory = true;
        if (sp->retract) l->needs_retract = true;
    }
    l->acc_size = (off + WR_AGG_ACC_ALIGN - 1) & ~(uint32_t)(WR_AGG_ACC_ALIGN - 1);
    l->npartial = l->partial_capable ? pcol : 0;
    return l;
nomem:
    wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory building aggregates");
fail:
    wr_agg_layout_free(l);
    return NULL;
}

void wr_agg_layout_free(wr_agg_layout *l)
{
    if (!l) return;
    wr_free(l->slots);
    wr_free(l);
}

void wr_agg_init(const wr_agg_layout *l, uint8_t *acc)
{
    if (l->acc_size) memset(acc, 0, l->acc_size);
}

/* ------------------------------------------------------------------------------------------
 * Value helpers
 * ---------------------------------------------------------------------------------------- */

/* int64 key whose signed order is Double.compare's total order; NaNs are made canonical. */
static inline int64_t dbl_key(double d)
{
    int64_t b;
    if (d != d) d = NAN;
    memcpy(&b, &d, sizeof(b));
    return b ^ ((b >> 63) & INT64_MAX);
}

static inline double key_dbl(int64_t k)
{
    int64_t b = k ^ ((k >> 63) & INT64_MAX);
    double d;
    memcpy(&d, &b, sizeof(d));
    return d;
}

static inline int str_cmp(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
    uint32_t n = alen < blen ? alen : blen;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return (alen > blen) - (alen < blen);
}

/* Loop helper: run BODY with T bound to the C type of a VC_I64 physical type and KEY(x)
 * turning a T into the int64 form. */
#define KEY_INT(x) ((int64_t)(x))
#define KEY_DBL(x) dbl_key((double)(x))
#define DISPATCH_I64(phys, ...)                                                                    \
    switch ((wr_phys)(phys)) {                                                                     \
    case WR_PHYS_U8: {                                                                             \
        typedef uint8_t T;                                                                         \
        __VA_ARGS__(KEY_INT);                                                                      \
    } break;                                                                                       \
    case WR_PHYS_I8: {                                                                             \
        typedef int8_t T;                                                                          \
        __VA_ARGS__(KEY_INT);                                                                      \
    } break;                                                                                       \
    case WR_PHYS_I16: {                                                                            \
        typedef int16_t T;                                                                         \
        __VA_ARGS__(KEY_INT);                                                                      \
    } break;                                                                                       \
    case WR_PHYS_I32: {                                                                            \
        typedef int32_t T;                                                                         \
        __VA_ARGS__(KEY_INT);                                                                      \
    } break;                                                                                       \
    case WR_PHYS_I64: {                                                                            \
        typedef int64_t T;                                                                         \
        __VA_ARGS__(KEY_INT);                                                                      \
    } break;                                                                                       \
    case WR_PHYS_F32: {                                                                            \
        typedef float T;                                                                           \
        __VA_ARGS__(KEY_DBL);                                                                      \
    } break;                                                                                       \
    case WR_PHYS_F64: {                                                                            \
        typedef double T;                                                                          \
        __VA_ARGS__(KEY_DBL);                                                                      \
    } break;                                                                                       \
    default:                                                                                       \
        break;                                                                                     \
    }

static int nomem(wr_error *err)
{
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory in aggregation");
}

/* ------------------------------------------------------------------------------------------
 * String MIN/MAX buffer
 * ---------------------------------------------------------------------------------------- */
static int mms_set(acc_mms *m, const char *p, uint32_t len, wr_mem_owner *mem)
{
    if (len > m->cap) {
        uint32_t cap = m->cap ? m->cap : 16;
        while (cap < len)
            cap = cap > UINT32_MAX / 2 ? len : cap * 2;
        char *np = wr_malloc_owned(mem, cap);
        if (!np) return WR_ENOMEM;
        wr_free(m->p);
        m->p = np;
        m->cap = cap;
    }
    if (len) memcpy(m->p, p, len);
    m->len = len;
    m->has = 1;
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Multiset (retractable MIN/MAX)
 * ---------------------------------------------------------------------------------------- */
static uint32_t ms_lb_i64(const agg_ms *m, int64_t v)
{
    uint32_t lo = 0, hi = m->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->e[mid].v.i < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint32_t ms_lb_i128(const agg_ms *m, wr_i128 v)
{
    uint32_t lo = 0, hi = m->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->e[mid].v.x < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint32_t ms_lb_str(const agg_ms *m, const char *p, uint32_t len)
{
    uint32_t lo = 0, hi = m->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (str_cmp(m->e[mid].v.s.p, m->e[mid].v.s.len, p, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Get the multiset of a slot, creating it for an accumulation. NULL with *rc = 0 when a
 * retraction finds none (nothing to retract), *rc = WR_ENOMEM on failure. */
static agg_ms *ms_get(acc_ptr *a, int64_t d, wr_mem_owner *mem, int *rc)
{
    *rc = 0;
    if (a->p || d <= 0) return a->p;
    a->p = wr_calloc_owned(mem, 1, sizeof(agg_ms));
    if (!a->p) *rc = WR_ENOMEM;
    return a->p;
}

/* Make room for an entry at idx. */
static int ms_open(agg_ms *m, uint32_t idx, wr_mem_owner *mem)
{
    if (m->n == m->cap) {
        uint32_t cap = m->cap ? m->cap * 2 : 4;
        ms_ent *ne = wr_realloc_owned(mem, m->e, (size_t)cap * sizeof(*ne));
        if (!ne) return WR_ENOMEM;
        m->e = ne;
        m->cap = cap;
    }
    memmove(&m->e[idx + 1], &m->e[idx], (size_t)(m->n - idx) * sizeof(ms_ent));
    m->n++;
    return 0;
}

static void ms_close(agg_ms *m, uint32_t idx)
{
    memmove(&m->e[idx], &m->e[idx + 1], (size_t)(m->n - idx - 1) * sizeof(ms_ent));
    m->n--;
}

static int ms_add_i64(acc_ptr *a, int64_t v, int64_t d, wr_mem_owner *mem)
{
    int rc;
    agg_ms *m = ms_get(a, d, mem, &rc);
    if (!m) return rc;
    uint32_t idx = ms_lb_i64(m, v);
    if (idx < m->n && m->e[idx].v.i == v) {
        if ((m->e[idx].cnt += d) <= 0) ms_close(m, idx);
        return 0;
    }
    if (d <= 0) return 0; /* retracting a value never accumulated: ignored */
    if ((rc = ms_open(m, idx, mem)) < 0) return rc;
    memset(&m->e[idx], 0, sizeof(ms_ent));
    m->e[idx].v.i = v;
    m->e[idx].cnt = d;
    return 0;
}

static int ms_add_i128(acc_ptr *a, wr_i128 v, int64_t d, wr_mem_owner *mem)
{
    int rc;
    agg_ms *m = ms_get(a, d, mem, &rc);
    if (!m) return rc;
    uint32_t idx = ms_lb_i128(m, v);
    if (idx < m->n && m->e[idx].v.x == v) {
        if ((m->e[idx].cnt += d) <= 0) ms_close(m, idx);
        return 0;
    }
    if (d <= 0) return 0;
    if ((rc = ms_open(m, idx, mem)) < 0) return rc;
    m->e[idx].v.x = v;
    m->e[idx].cnt = d;
    return 0;
}

static int ms_add_str(acc_ptr *a, const char *p, uint32_t len, int64_t d, wr_mem_owner *mem)
{
    int rc;
    agg_ms *m = ms_get(a, d, mem, &rc);
    if (!m) return rc;
    uint32_t idx = ms_lb_str(m, p, len);
    if (idx < m->n && str_cmp(m->e[idx].v.s.p, m->e[idx].v.s.len, p, len) == 0) {
        if ((m->e[idx].cnt += d) <= 0) {
            m->str_bytes -= m->e[idx].v.s.len;
            wr_free(m->e[idx].v.s.p);
            ms_close(m, idx);
        }
        return 0;
    }
    if (d <= 0) return 0;
    char *copy = NULL;
    if (len && !(copy = wr_malloc_owned(mem, len))) return WR_ENOMEM;
    if ((rc = ms_open(m, idx, mem)) < 0) {
        wr_free(copy);
        return rc;
    }
    if (len) memcpy(copy, p, len);
    memset(&m->e[idx], 0, sizeof(ms_ent));
    m->e[idx].v.s.p = copy;
    m->e[idx].v.s.len = len;
    m->e[idx].cnt = d;
    m->str_bytes += len;
    return 0;
}

static void ms_free(agg_ms *m, enum vclass vc)
{
    if (!m) return;
    if (vc == VC_STR)
        for (uint32_t i = 0; i < m->n; i++)
            wr_free(m->e[i].v.s.p);
    wr_free(m->e);
    wr_free(m);
}

/* ------------------------------------------------------------------------------------------
 * Distinct map (COUNT DISTINCT)
 * ---------------------------------------------------------------------------------------- */
static int dm_add(acc_ptr *a, const void *key, size_t len, int64_t d, wr_mem_owner *mem)
{
    agg_dmap *m = a->p;
    if (!m) {
        if (d <= 0) return 0;
        if (!(m = wr_calloc_owned(mem, 1, sizeof(*m)))) return WR_ENOMEM;
        wr_htab_init(&m->h, mem);
        a->p = m;
    }
    uint64_t h = wr_hash_bytes(key, len);
    if (d > 0) {
        bool ins;
        void **slot = wr_htab_upsert(&m->h, h, key, len, &ins);
        if (!slot) return WR_ENOMEM;
        *slot = (void *)((intptr_t)*slot + (intptr_t)d);
        if (ins) m->key_bytes += len;
        return 0;
    }
    void **slot = wr_htab_find(&m->h, h, key, len);
    if (!slot) return 0; /* retracting a value never accumulated: ignored */
    intptr_t c = (intptr_t)*slot + (intptr_t)d;
    if (c > 0) {
        *slot = (void *)c;
    } else {
        wr_htab_remove(&m->h, h, key, len, NULL);
        m->key_bytes -= len;
    }
    return 0;
}

static void dm_free(agg_dmap *m)
{
    if (!m) return;
    wr_htab_free(&m->h, NULL);
    wr_free(m);
}

void wr_agg_destroy(const wr_agg_layout *l, uint8_t *acc)
{
    if (!l->owns_memory) return;
    for (uint32_t a = 0; a < l->naggs; a++) {
        const wr_agg_slot *s = &l->slots[a];
        uint8_t *p = acc + s->offset;
        switch ((enum agg_impl)s->impl) {
        case IMPL_COUNT_DISTINCT:
            dm_free(((acc_ptr *)p)->p);
            break;
        case IMPL_MINMAX_R:
            ms_free(((acc_ptr *)p)->p, phys_vclass((wr_phys)s->arg_phys));
            break;
        case IMPL_MINMAX_S:
            wr_free(((acc_mms *)p)->p);
            break;
        default:
            continue;
        }
        memset(p, 0, s->size);
    }
}

size_t wr_agg_owned_bytes(const wr_agg_layout *l, const uint8_t *acc)
{
    size_t total = 0;
    if (!l->owns_memory) return 0;
    for (uint32_t a = 0; a < l->naggs; a++) {
        const wr_agg_slot *s = &l->slots[a];
        const uint8_t *p = acc + s->offset;
        switch ((enum agg_impl)s->impl) {
        case IMPL_COUNT_DISTINCT: {
            const agg_dmap *m = ((const acc_ptr *)p)->p;
            /* entry header (next, hash, value, len) + key, and a bucket pointer */
            if (m) total += sizeof(*m) + m->key_bytes + wr_htab_count(&m->h) * (4 * 8 + 8);
            break;
        }
        case IMPL_MINMAX_R: {
            const agg_ms *m = ((const acc_ptr *)p)->p;
            if (m) total += sizeof(*m) + (size_t)m->cap * sizeof(ms_ent) + m->str_bytes;
            break;
        }
        case IMPL_MINMAX_S:
            total += ((const acc_mms *)p)->cap;
            break;
        default:
            break;
        }
    }
    return total;
}

/* ------------------------------------------------------------------------------------------
 * Update
 * ---------------------------------------------------------------------------------------- */

/* Signs for rows [base, base+n): +1 accumulate, -1 retract, 0 skip. Returns the number of
 * non-zero signs and the number of negative ones in *nneg. */
static uint32_t chunk_signs(const wr_agg_slot *s, uint8_t *const *accs, const wr_batch *in,
                            bool ignore_rk, uint32_t base, uint32_t n, int8_t *sg, uint32_t *nneg)
{
    const uint8_t *rk = in->rowkind + base;
    if (ignore_rk) {
        for (uint32_t i = 0; i < n; i++)
            sg[i] = accs[base + i] ? 1 : 0;
    } else {
        for (uint32_t i = 0; i < n; i++)
            sg[i] = accs[base + i] ? (int8_t)(1 - 2 * (rk[i] & 1)) : 0;
    }
    if (s->spec.filter >= 0) {
        const wr_vec *f = &in->cols[s->spec.filter];
        const uint8_t *fv = WR_VEC_U8(f) + base;
        for (uint32_t i = 0; i < n; i++)
            if (!(fv[i] && wr_vec_valid(f, base + i))) sg[i] = 0;
    }
    if (s->spec.kind != WR_AGG_COUNT_STAR) {
        const wr_vec *v = &in->cols[s->spec.arg];
        for (uint32_t i = 0; i < n; i++)
            if (!wr_vec_valid(v, base + i)) sg[i] = 0;
    }
    uint32_t act = 0, neg = 0;
    for (uint32_t i = 0; i < n; i++) {
        act += sg[i] != 0;
        neg += sg[i] < 0;
    }
    *nneg = neg;
    return act;
}

#define ACC(T) ((T *)(accs[base + i] + off))

static void upd_count(uint32_t off, uint8_t *const *accs, uint32_t base, uint32_t n,
                      const int8_t *sg)
{
    for (uint32_t i = 0; i < n; i++)
        if (sg[i]) ACC(acc_count)->n += sg[i];
}

static void upd_isum(uint32_t off, uint8_t *const *accs, const wr_vec *v, uint32_t base, uint32_t n,
                     const int8_t *sg)
{
#define ISUM_LOOP(KEY)                                                                             \
    const T *x = (const T *)v->data + base;                                                        \
    for (uint32_t i = 0; i < n; i++) {                                                             \
        if (!sg[i]) continue;                                                                      \
        acc_isum *a = ACC(acc_isum);                                                               \
        a->sum += (uint64_t)(int64_t)x[i] * (uint64_t)(int64_t)sg[i];                              \
        a->n += sg[i];                                                                             \
    }
    DISPATCH_I64(v->phys, ISUM_LOOP)
#undef ISUM_LOOP
}

static void upd_fsum(uint32_t off, uint8_t *const *accs, const wr_vec *v, uint32_t base, uint32_t n,
                     const int8_t *sg)
{
    const float *x = WR_VEC_F32(v) + base;
    for (uint32_t i = 0; i < n; i++) {
        if (!sg[i]) continue;
        acc_fsum *a = ACC(acc_fsum);
        if (sg[i] > 0)
            a->sum += x[i];
        else
            a->sum -= x[i];
        a->n += sg[i];
    }
}

static void upd_dsum(uint32_t off, uint8_t *const *accs, const wr_vec *v, uint32_t base, uint32_t n,
                     const int8_t *sg)
{
#define DSUM_LOOP(T)                                                                               \
    do {                                                                                           \
        const T *x = (const T *)v->data + base;                                                    \
        for (uint32_t i = 0; i < n; i++) {                                                         \
            if (!sg[i]) continue;                                                                  \
            acc_dsum *a = ACC(acc_dsum);                                                           \
            if (sg[i] > 0)                                                                         \
                a->sum += (double)x[i];                                                            \
            else                                                                                   \
                a->sum -= (double)x[i];                                                            \
            a->n += sg[i];                                                                         \
        }                                                                                          \
    } while (0)
    if (v->phys == WR_PHYS_F32)
        DSUM_LOOP(float);
    else
        DSUM_LOOP(double);
#undef DSUM_LOOP
}

static void upd_xsum(uint32_t off, uint8_t *const *accs, const wr_vec *v, uint32_t base, uint32_t n,
                     const int8_t *sg)
{
#define XSUM_LOOP(T)                                                                               \
    do {                                                                                           \
        const T *x = (const T *)v->data + base;                                                    \
        for (uint32_t i = 0; i < n; i++) {                                                         \
            if (!sg[i]) continue;                                                                  \
            acc_xsum *a = ACC(acc_xsum);                                                           \
            wr_u128 d = (wr_u128)(wr_i128)x[i];                                                    \
            a->sum = (wr_i128)(sg[i] > 0 ? (wr_u128)a->sum + d : (wr_u128)a->sum - d);             \
            a->n += sg[i];                                                                         \
        }                                                                                          \
    } while (0)
    if (v->phys == WR_PHYS_I64)
        XSUM_LOOP(int64_t);
    else
        XSUM_LOOP(wr_i128);
#undef XSUM_LOOP
}

static void upd_minmax(uint32_t off, bool is_max, uint8_t *const *accs, const wr_vec *v,
                       uint32_t base, uint32_t n, const int8_t *sg)
{
#define MM_LOOP(KEY)                                                                               \
    const T *x = (const T *)v->data + base;                                                        \
    for (uint32_t i = 0; i < n; i++) {                                                             \
        if (!sg[i]) continue;                                                                      \
        acc_mm *a = ACC(acc_mm);                                                                   \
        int64_t k = KEY(x[i]);                                                                     \
        if (!a->has || (is_max ? k > a->v.i : k < a->v.i)) {                                       \
            a->v.i = k;                                                                            \
            a->has = 1;                                                                            \
        }                                                                                          \
    }
    if (v->phys == WR_PHYS_I128) {
        const wr_i128 *x = WR_VEC_I128(v) + base;
        for (uint32_t i = 0; i < n; i++) {
            if (!sg[i]) continue;
            acc_mm *a = ACC(acc_mm);
            if (!a->has || (is_max ? x[i] > a->v.x : x[i] < a->v.x)) {
                a->v.x = x[i];
                a->has = 1;
            }
        }
        return;
    }
    DISPATCH_I64(v->phys, MM_LOOP)
#undef MM_LOOP
}

static int upd_minmax_s(uint32_t off, bool is_max, uint8_t *const *accs, const wr_vec *v,
                        uint32_t base, uint32_t n, const int8_t *sg, wr_mem_owner *mem)
{
    const wr_strv *x = WR_VEC_STR(v) + base;
    for (uint32_t i = 0; i < n; i++) {
        if (!sg[i]) continue;
        acc_mms *a = ACC(acc_mms);
        int c = a->has ? str_cmp(x[i].ptr, x[i].len, a->p, a->len) : 0;
        if (!a->has || (is_max ? c > 0 : c < 0))
            if (mms_set(a, x[i].ptr, x[i].len, mem) < 0) return WR_ENOMEM;
    }
    return 0;
}

static int upd_multiset(uint32_t off, uint8_t *const *accs, const wr_vec *v, uint32_t base,
                        uint32_t n, const int8_t *sg, wr_mem_owner *mem)
{
    int rc = 0;
    if (v->phys == WR_PHYS_STR) {
        const wr_strv *x = WR_VEC_STR(v) + base;
        for (uint32_t i = 0; i < n && rc == 0; i++)
            if (sg[i]) rc = ms_add_str(ACC(acc_ptr), x[i].ptr, x[i].len, sg[i], mem);
    } else if (v->phys == WR_PHYS_I128) {
        const wr_i128 *x = WR_VEC_I128(v) + base;
        for (uint32_t i = 0; i < n && rc == 0; i++)
            if (sg[i]) rc = ms_add_i128(ACC(acc_ptr), x[i], sg[i], mem);
    } else {
#define MS_LOOP(KEY)                                                                               \
    const T *x = (const T *)v->data + base;                                                        \
    for (uint32_t i = 0; i < n && rc == 0; i++)                                                    \
        if (sg[i]) rc = ms_add_i64(ACC(acc_ptr), KEY(x[i]), sg[i], mem);
        DISPATCH_I64(v->phys, MS_LOOP)
#undef MS_LOOP
    }
    return rc;
}

static int upd_distinct(uint32_t off, uint8_t *const *accs, const wr_vec *v, uint32_t base,
                        uint32_t n, const int8_t *sg, wr_mem_owner *mem)
{
    int rc = 0;
    if (v->phys == WR_PHYS_STR) {
        const wr_strv *x = WR_VEC_STR(v) + base;
        for (uint32_t i = 0; i < n && rc == 0; i++)
            if (sg[i]) rc = dm_add(ACC(acc_ptr), x[i].ptr, x[i].len, sg[i], mem);
    } else if (v->phys == WR_PHYS_I128) {
        const wr_i128 *x = WR_VEC_I128(v) + base;
        for (uint32_t i = 0; i < n && rc == 0; i++)
            if (sg[i]) rc = dm_add(ACC(acc_ptr), &x[i], sizeof(wr_i128), sg[i], mem);
    } else {
#define DM_LOOP(KEY)                                                                               \
    const T *x = (const T *)v->data + base;                                                        \
    for (uint32_t i = 0; i < n && rc == 0; i++) {                                                  \
        if (!sg[i]) continue;                                                                      \
        int64_t k = KEY(x[i]);                                                                     \
        rc = dm_add(ACC(acc_ptr), &k, sizeof(k), sg[i], mem);                                      \
    }
        DISPATCH_I64(v->phys, DM_LOOP)
#undef DM_LOOP
    }
    return rc;
}

int wr_agg_update(const wr_agg_layout *l, uint8_t *const *accs, const wr_batch *in,
                  bool ignore_rowkind, wr_mem_owner *mem, wr_error *err)
{
    int8_t sg[AGG_CHUNK];
    for (uint32_t a = 0; a < l->naggs; a++) {
        const wr_agg_slot *s = &l->slots[a];
        const uint32_t off = s->offset;
        const bool is_max = s->spec.kind == WR_AGG_MAX;
        const wr_vec *v = s->spec.arg >= 0 ? &in->cols[s->spec.arg] : NULL;
        for (uint32_t base = 0; base < in->len; base += AGG_CHUNK) {
            uint32_t n = WR_MIN(AGG_CHUNK, in->len - base), nneg;
            if (chunk_signs(s, accs, in, ignore_rowkind, base, n, sg, &nneg) == 0) continue;
            int rc = 0;
            switch ((enum agg_impl)s->impl) {
            case IMPL_COUNT_STAR:
            case IMPL_COUNT:
                upd_count(off, accs, base, n, sg);
                break;
            case IMPL_COUNT_DISTINCT:
                rc = upd_distinct(off, accs, v, base, n, sg, mem);
                break;
            case IMPL_SUM_INT:
            case IMPL_AVG_INT:
                upd_isum(off, accs, v, base, n, sg);
                break;
            case IMPL_SUM_F32:
                upd_fsum(off, accs, v, base, n, sg);
                break;
            case IMPL_SUM_F64:
            case IMPL_AVG_F64:
                upd_dsum(off, accs, v, base, n, sg);
                break;
            case IMPL_SUM_DEC:
            case IMPL_AVG_DEC:
                upd_xsum(off, accs, v, base, n, sg);
                break;
            case IMPL_MINMAX:
            case IMPL_MINMAX_S:
                if (nneg)
                    return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_INTERNAL,
                                        "%s aggregate %u was not built for retraction but "
                                        "received a retraction (-U/-D) row",
                                        wr_agg_kind_name(s->spec.kind), a);
                if (s->impl == IMPL_MINMAX)
                    upd_minmax(off, is_max, accs, v, base, n, sg);
                else
                    rc = upd_minmax_s(off, is_max, accs, v, base, n, sg, mem);
                break;
            case IMPL_MINMAX_R:
                rc = upd_multiset(off, accs, v, base, n, sg, mem);
                break;
            }
            if (rc < 0) return nomem(err);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Merge
 * ---------------------------------------------------------------------------------------- */
static int merge_slot(const wr_agg_slot *s, uint8_t *dp, const uint8_t *sp, wr_mem_owner *mem)
{
    const bool is_max = s->spec.kind == WR_AGG_MAX;
    switch ((enum agg_impl)s->impl) {
    case IMPL_COUNT_STAR:
    case IMPL_COUNT:
        ((acc_count *)dp)->n += ((const acc_count *)sp)->n;
        return 0;
    case IMPL_SUM_INT:
    case IMPL_AVG_INT:
        ((acc_isum *)dp)->sum += ((const acc_isum *)sp)->sum;
        ((acc_isum *)dp)->n += ((const acc_isum *)sp)->n;
        return 0;
    case IMPL_SUM_F32:
        ((acc_fsum *)dp)->sum += ((const acc_fsum *)sp)->sum;
        ((acc_fsum *)dp)->n += ((const acc_fsum *)sp)->n;
        return 0;
    case IMPL_SUM_F64:
    case IMPL_AVG_F64:
        ((acc_dsum *)dp)->sum += ((const acc_dsum *)sp)->sum;
        ((acc_dsum *)dp)->n += ((const acc_dsum *)sp)->n;
        return 0;
    case IMPL_SUM_DEC:
    case IMPL_AVG_DEC: {
        acc_xsum *d = (acc_xsum *)dp;
        const acc_xsum *x = (const acc_xsum *)sp;
        d->sum = (wr_i128)((wr_u128)d->sum + (wr_u128)x->sum);
        d->n += x->n;
        return 0;
    }
    case IMPL_MINMAX: {
        acc_mm *d = (acc_mm *)dp;
        const acc_mm *x = (const acc_mm *)sp;
        if (!x->has) return 0;
        bool better;
        if (s->arg_phys == WR_PHYS_I128)
            better = is_max ? x->v.x > d->v.x : x->v.x < d->v.x;
        else
            better = is_max ? x->v.i > d->v.i : x->v.i < d->v.i;
        if (!d->has || better) *d = *x;
        return 0;
    }
    case IMPL_MINMAX_S: {
        acc_mms *d = (acc_mms *)dp;
        const acc_mms *x = (const acc_mms *)sp;
        if (!x->has) return 0;
        int c = d->has ? str_cmp(x->p, x->len, d->p, d->len) : 0;
        if (!d->has || (is_max ? c > 0 : c < 0)) return mms_set(d, x->p, x->len, mem);
        return 0;
    }
    case IMPL_MINMAX_R: {
        const agg_ms *m = ((const acc_ptr *)sp)->p;
        acc_ptr *d = (acc_ptr *)dp;
        if (!m) return 0;
        enum vclass vc = phys_vclass((wr_phys)s->arg_phys);
        for (uint32_t i = 0; i < m->n; i++) {
            const ms_ent *e = &m->e[i];
            int rc = vc == VC_STR    ? ms_add_str(d, e->v.s.p, e->v.s.len, e->cnt, mem)
                     : vc == VC_I128 ? ms_add_i128(d, e->v.x, e->cnt, mem)
                                     : ms_add_i64(d, e->v.i, e->cnt, mem);
            if (rc < 0) return rc;
        }
        return 0;
    }
    case IMPL_COUNT_DISTINCT: {
        agg_dmap *m = ((const acc_ptr *)sp)->p;
        if (!m) return 0;
        wr_htab_iter it;
        const void *key;
        size_t len;
        void **val;
        wr_htab_iter_init(&m->h, &it);
        while (wr_htab_iter_next(&it, &key, &len, &val)) {
            int rc = dm_add((acc_ptr *)dp, key, len, (int64_t)(intptr_t)*val, mem);
            if (rc < 0) return rc;
        }
        return 0;
    }
    }
    return 0;
}

int wr_agg_merge(const wr_agg_layout *l, uint8_t *dst, const uint8_t *src, wr_mem_owner *mem,
                 wr_error *err)
{
    for (uint32_t a = 0; a < l->naggs; a++) {
        const wr_agg_slot *s = &l->slots[a];
        if (merge_slot(s, dst + s->offset, src + s->offset, mem) < 0) return nomem(err);
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Results
 * ---------------------------------------------------------------------------------------- */

/* One result value: `i` for integer physical types (before truncation to the width), `d`
 * for FLOAT/DOUBLE, `x` for 128-bit decimals, p/len for strings. */
typedef struct agg_rval {
    bool null;
    int64_t i;
    double d;
    wr_i128 x;
    const char *p;
    uint32_t len;
} agg_rval;

/* round_half_up(sum * 10^k / cnt) for cnt > 0; false when it does not fit 38 digits. */
static bool dec_avg(wr_i128 sum, int64_t cnt, int k, wr_i128 *out)
{
    bool neg = sum < 0;
    wr_u128 a = neg ? -(wr_u128)sum : (wr_u128)sum;
    wr_u128 c = (wr_u128)cnt;
    wr_u128 q = a / c, r = a % c;
    const wr_u128 lim = (wr_u128)wr_pow10_i128(38) - 1;
    for (int j = 0; j < k; j++) {
        if (q > lim / 10) return false;
        r *= 10;
        q = q * 10 + r / c;
        r %= c;
    }
    if (2 * r >= c) q++;
    if (q > lim) return false;
    *out = neg ? -(wr_i128)q : (wr_i128)q;
    return true;
}

static void slot_result(const wr_agg_slot *s, const uint8_t *p, agg_rval *r)
{
    r->null = false;
    switch ((enum agg_impl)s->impl) {
    case IMPL_COUNT_STAR:
    case IMPL_COUNT:
        r->i = ((const acc_count *)p)->n;
        return;
    case IMPL_COUNT_DISTINCT: {
        const agg_dmap *m = ((const acc_ptr *)p)->p;
        r->i = m ? (int64_t)wr_htab_count(&m->h) : 0;
        return;
    }
    case IMPL_SUM_INT: {
        const acc_isum *a = (const acc_isum *)p;
        r->null = a->n <= 0;
        r->i = (int64_t)a->sum;
        return;
    }
    case IMPL_AVG_INT: {
        const acc_isum *a = (const acc_isum *)p;
        r->null = a->n <= 0;
        if (!r->null) r->i = (int64_t)a->sum / a->n;
        return;
    }
    case IMPL_SUM_F32: {
        const acc_fsum *a = (const acc_fsum *)p;
        r->null = a->n <= 0;
        r->d = a->sum;
        return;
    }
    case IMPL_SUM_F64: {
        const acc_dsum *a = (const acc_dsum *)p;
        r->null = a->n <= 0;
        r->d = a->sum;
        return;
    }
    case IMPL_AVG_F64: {
        const acc_dsum *a = (const acc_dsum *)p;
        r->null = a->n <= 0;
        if (!r->null) r->d = a->sum / (double)a->n;
        return;
    }
    case IMPL_SUM_DEC: {
        const acc_xsum *a = (const acc_xsum *)p;
        /* Flink turns a DECIMAL that overflows its precision into NULL. */
        r->null = a->n <= 0 || !wr_decimal_fits(a->sum, WR_DECIMAL_MAX_PRECISION);
        r->x = a->sum;
        return;
    }
    case IMPL_AVG_DEC: {
        const acc_xsum *a = (const acc_xsum *)p;
        r->null = a->n <= 0 ||
                  !dec_avg(a->sum, a->n, s->spec.result_type.scale - s->spec.arg_type.scale, &r->x);
        return;
    }
    case IMPL_MINMAX: {
        const acc_mm *a = (const acc_mm *)p;
        r->null = !a->has;
        if (s->arg_phys == WR_PHYS_I128)
            r->x = a->v.x;
        else if (s->arg_phys == WR_PHYS_F32 || s->arg_phys == WR_PHYS_F64)
            r->d = key_dbl(a->v.i);
        else
            r->i = a->v.i;
        return;
    }
    case IMPL_MINMAX_S: {
        const acc_mms *a = (const acc_mms *)p;
        r->null = !a->has;
        r->p = a->p;
        r->len = a->len;
        return;
    }
    case IMPL_MINMAX_R: {
        const agg_ms *m = ((const acc_ptr *)p)->p;
        r->null = !m || m->n == 0;
        if (r->null) return;
        const ms_ent *e = &m->e[s->spec.kind == WR_AGG_MAX ? m->n - 1 : 0];
        switch (phys_vclass((wr_phys)s->arg_phys)) {
        case VC_STR:
            r->p = e->v.s.p;
            r->len = e->v.s.len;
            break;
        case VC_I128:
            r->x = e->v.x;
            break;
        case VC_I64:
            if (s->arg_phys == WR_PHYS_F32 || s->arg_phys == WR_PHYS_F64)
                r->d = key_dbl(e->v.i);
            else
                r->i = e->v.i;
            break;
        }
        return;
    }
    }
}

/* Store r into row i of v (a vector of out). Integers are truncated to the width (Java's
 * narrowing casts wrap the same way). */
static int rval_store(wr_batch *out, wr_vec *v, uint32_t i, const agg_rval *r)
{
    if (r->null) {
        wr_vec_set_valid(v, i, false);
        if (v->width) memset((uint8_t *)v->data + (size_t)i * v->width, 0, v->width);
        return 0;
    }
    wr_vec_set_valid(v, i, true);
    switch ((wr_phys)v->phys) {
    case WR_PHYS_U8:
        WR_VEC_U8(v)[i] = (uint8_t)r->i;
        break;
    case WR_PHYS_I8:
        WR_VEC_I8(v)[i] = (int8_t)r->i;
        break;
    case WR_PHYS_I16:
        WR_VEC_I16(v)[i] = (int16_t)r->i;
        break;
    case WR_PHYS_I32:
        WR_VEC_I32(v)[i] = (int32_t)r->i;
        break;
    case WR_PHYS_I64:
        WR_VEC_I64(v)[i] = r->i;
        break;
    case WR_PHYS_F32:
        WR_VEC_F32(v)[i] = (float)r->d;
        break;
    case WR_PHYS_F64:
        WR_VEC_F64(v)[i] = r->d;
        break;
    case WR_PHYS_I128:
        WR_VEC_I128(v)[i] = r->x;
        break;
    case WR_PHYS_STR:
        return wr_batch_copy_str(out, r->p, r->len, &WR_VEC_STR(v)[i]);
    default:
        break;
    }
    return 0;
}

static bool rval_equal(const wr_vec *v, uint32_t i, const agg_rval *r)
{
    bool valid = wr_vec_valid(v, i);
    if (r->null || !valid) return r->null && !valid;
    switch ((wr_phys)v->phys) {
    case WR_PHYS_U8:
        return WR_VEC_U8(v)[i] == (uint8_t)r->i;
    case WR_PHYS_I8:
        return WR_VEC_I8(v)[i] == (int8_t)r->i;
    case WR_PHYS_I16:
        return WR_VEC_I16(v)[i] == (int16_t)r->i;
    case WR_PHYS_I32:
        return WR_VEC_I32(v)[i] == (int32_t)r->i;
    case WR_PHYS_I64:
        return WR_VEC_I64(v)[i] == r->i;
    case WR_PHYS_F32: {
        float f = (float)r->d;
        return memcmp(&WR_VEC_F32(v)[i], &f, sizeof(f)) == 0;
    }
    case WR_PHYS_F64:
        return memcmp(&WR_VEC_F64(v)[i], &r->d, sizeof(r->d)) == 0;
    case WR_PHYS_I128:
        return WR_VEC_I128(v)[i] == r->x;
    case WR_PHYS_STR: {
        const wr_strv *sv = &WR_VEC_STR(v)[i];
        return str_cmp(sv->ptr, sv->len, r->p, r->len) == 0;
    }
    default:
        return true;
    }
}

int wr_agg_results(const wr_agg_layout *l, const uint8_t *const *accs, uint32_t n, wr_batch *out,
                   uint32_t col0, uint32_t row0, wr_error *err)
{
    for (uint32_t a = 0; a < l->naggs; a++) {
        const wr_agg_slot *s = &l->slots[a];
        wr_vec *v = &out->cols[col0 + a];
        WR_ASSERT(v->phys == s->res_phys);
        for (uint32_t k = 0; k < n; k++) {
            if (!accs[k]) continue;
            agg_rval r;
            slot_result(s, accs[k] + s->offset, &r);
            if (rval_store(out, v, row0 + k, &r) < 0) return nomem(err);
        }
    }
    return 0;
}

int wr_agg_result(const wr_agg_layout *l, const uint8_t *acc, wr_batch *out, uint32_t col0,
                  uint32_t row, wr_error *err)
{
    return wr_agg_results(l, &acc, 1, out, col0, row, err);
}

bool wr_agg_result_equal(const wr_agg_layout *l, const uint8_t *acc, const wr_batch *b,
                         uint32_t col0, uint32_t row)
{
    for (uint32_t a = 0; a < l->naggs; a++) {
        const wr_agg_slot *s = &l->slots[a];
        agg_rval r;
        slot_result(s, acc + s->offset, &r);
        if (!rval_equal(&b->cols[col0 + a], row, &r)) return false;
    }
    return true;
}

/* ------------------------------------------------------------------------------------------
 * Partial form
 * ---------------------------------------------------------------------------------------- */
static int partial_unsupported(wr_error *err)
{
    return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_INTERNAL,
                        "these aggregates have no partial form (COUNT DISTINCT or retractable "
                        "MIN/MAX): two-phase aggregation is not possible");
}

int wr_agg_partial_schema_fill(const wr_agg_layout *l, wr_schema *sc, uint32_t col0, wr_error *err)
{
    if (!l->partial_capable) return partial_unsupported(err);
    const wr_type cnt_t = wr_type_not_null(wr_type_make(WR_TYPE_BIGINT));
    for (uint32_t a = 0; a < l->naggs; a++) {
        const wr_agg_slot *s = &l->slots[a];
        char base[96], name[128];
        if (s->spec.name)
            snprintf(base, sizeof(base), "%s", s->spec.name);
        else
            snprintf(base, sizeof(base), "EXPR$%u", a);
        uint32_t c = col0 + s->partial0;
        int rc = 0;
        wr_type sum_t;
        switch ((enum agg_impl)s->impl) {
        case IMPL_COUNT_STAR:
        case IMPL_COUNT:
            snprintf(name, sizeof(name), "%s$count", base);
            rc = wr_schema_set(sc, c, name, cnt_t);
            break;
        case IMPL_SUM_INT:
        case IMPL_AVG_INT:
        case IMPL_SUM_F32:
        case IMPL_SUM_F64:
        case IMPL_AVG_F64:
        case IMPL_SUM_DEC:
        case IMPL_AVG_DEC:
            if (s->impl == IMPL_SUM_INT || s->impl == IMPL_AVG_INT)
                sum_t = wr_type_make(WR_TYPE_BIGINT);
            else if (s->impl == IMPL_SUM_F32)
                sum_t = wr_type_make(WR_TYPE_FLOAT);
            else if (s->impl == IMPL_SUM_F64 || s->impl == IMPL_AVG_F64)
                sum_t = wr_type_make(WR_TYPE_DOUBLE);
            else
                sum_t = wr_type_decimal(WR_DECIMAL_MAX_PRECISION, s->spec.arg_type.scale);
            snprintf(name, sizeof(name), "%s$sum", base);
            rc = wr_schema_set(sc, c, name, sum_t);
            snprintf(name, sizeof(name), "%s$count", base);
            if (rc == 0) rc = wr_schema_set(sc, c + 1, name, cnt_t);
            break;
        case IMPL_MINMAX:
        case IMPL_MINMAX_S: {
            wr_type vt = wr_type_nullable(s->spec.arg_type);
            vt.time_attr = WR_TIME_ATTR_NONE;
            snprintf(name, sizeof(name), "%s$value", base);
            rc = wr_schema_set(sc, c, name, vt);
            break;
        }
        case IMPL_COUNT_DISTINCT:
        case IMPL_MINMAX_R:
            return partial_unsupported(err);
        }
        if (rc < 0)
            return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "building the partial schema: %s",
                                wr_err_str(rc));
    }
    return 0;
}

int wr_agg_partial_write(const wr_agg_layout *l, const uint8_t *const *accs, uint32_t n,
                         wr_batch *out, uint32_t col0, uint32_t row0, wr_error *err)
{
    if (!l->partial_capable) return partial_unsupported(err);
    for (uint32_t a = 0; a < l->naggs; a++) {
        const wr_agg_slot *s = &l->slots[a];
        const uint32_t off = s->offset;
        wr_vec *v0 = &out->cols[col0 + s->partial0];
        wr_vec *v1 = s->npartial > 1 ? &out->cols[col0 + s->partial0 + 1] : NULL;
        for (uint32_t k = 0; k < n; k++) {
            const uint8_t *p = accs[k];
            if (!p) continue;
            p += off;
            uint32_t i = row0 + k;
            int64_t cnt = 0;
            switch ((enum agg_impl)s->impl) {
            case IMPL_COUNT_STAR:
            case IMPL_COUNT:
                WR_VEC_I64(v0)[i] = ((const acc_count *)p)->n;
                wr_vec_set_valid(v0, i, true);
                continue;
            case IMPL_SUM_INT:
            case IMPL_AVG_INT:
                WR_VEC_I64(v0)[i] = (int64_t)((const acc_isum *)p)->sum;
                cnt = ((const acc_isum *)p)->n;
                break;
            case IMPL_SUM_F32:
                WR_VEC_F32(v0)[i] = ((const acc_fsum *)p)->sum;
                cnt = ((const acc_fsum *)p)->n;
                break;
            case IMPL_SUM_F64:
            case IMPL_AVG_F64:
                WR_VEC_F64(v0)[i] = ((const acc_dsum *)p)->sum;
                cnt = ((const acc_dsum *)p)->n;
                break;
            case IMPL_SUM_DEC:
            case IMPL_AVG_DEC:
                WR_VEC_I128(v0)[i] = ((const acc_xsum *)p)->sum;
                cnt = ((const acc_xsum *)p)->n;
                break;
            case IMPL_MINMAX:
            case IMPL_MINMAX_S: {
                /* The value column has the argument's type: same storage as the result. */
                agg_rval r;
                slot_result(s, p, &r);
                if (rval_store(out, v0, i, &r) < 0) return nomem(err);
                continue;
            }
            case IMPL_COUNT_DISTINCT:
            case IMPL_MINMAX_R:
                return partial_unsupported(err);
            }
            wr_vec_set_valid(v0, i, true);
            WR_VEC_I64(v1)[i] = cnt;
            wr_vec_set_valid(v1, i, true);
        }
    }
    return 0;
}

int wr_agg_partial_merge(const wr_agg_layout *l, uint8_t *const *accs, const wr_batch *in,
                         uint32_t col0, wr_mem_owner *mem, wr_error *err)
{
    if (!l->partial_capable) return partial_unsupported(err);
    for (uint32_t a = 0; a < l->naggs; a++) {
        const wr_agg_slot *s = &l->slots[a];
        const uint32_t off = s->offset;
        const bool is_max = s->spec.kind == WR_AGG_MAX;
        const wr_vec *v0 = &in->cols[col0 + s->partial0];
        const int64_t *cnt = s->npartial > 1 ? WR_VEC_I64(&in->cols[col0 + s->partial0 + 1]) : NULL;
        const uint32_t base = 0, n = in->len;
        switch ((enum agg_impl)s->impl) {
        case IMPL_COUNT_STAR:
        case IMPL_COUNT: {
            const int64_t *x = WR_VEC_I64(v0);
            for (uint32_t i = 0; i < n; i++)
                if (accs[i]) ACC(acc_count)->n += x[i];
            break;
        }
        case IMPL_SUM_INT:
        case IMPL_AVG_INT: {
            const int64_t *x = WR_VEC_I64(v0);
            for (uint32_t i = 0; i < n; i++) {
                if (!accs[i]) continue;
                ACC(acc_isum)->sum += (uint64_t)x[i];
                ACC(acc_isum)->n += cnt[i];
            }
            break;
        }
        case IMPL_SUM_F32: {
            const float *x = WR_VEC_F32(v0);
            for (uint32_t i = 0; i < n; i++) {
                if (!accs[i]) continue;
                ACC(acc_fsum)->sum += x[i];
                ACC(acc_fsum)->n += cnt[i];
            }
            break;
        }
        case IMPL_SUM_F64:
        case IMPL_AVG_F64: {
            const double *x = WR_VEC_F64(v0);
            for (uint32_t i = 0; i < n; i++) {
                if (!accs[i]) continue;
                ACC(acc_dsum)->sum += x[i];
                ACC(acc_dsum)->n += cnt[i];
            }
            break;
        }
        case IMPL_SUM_DEC:
        case IMPL_AVG_DEC: {
            const wr_i128 *x = WR_VEC_I128(v0);
            for (uint32_t i = 0; i < n; i++) {
                if (!accs[i]) continue;
                acc_xsum *d = ACC(acc_xsum);
                d->sum = (wr_i128)((wr_u128)d->sum + (wr_u128)x[i]);
                d->n += cnt[i];
            }
            break;
        }
        case IMPL_MINMAX: {
            int8_t sg[AGG_CHUNK];
            for (uint32_t b = 0; b < n; b += AGG_CHUNK) {
                uint32_t m = WR_MIN(AGG_CHUNK, n - b);
                for (uint32_t i = 0; i < m; i++)
                    sg[i] = accs[b + i] && wr_vec_valid(v0, b + i) ? 1 : 0;
                upd_minmax(off, is_max, accs, v0, b, m, sg);
            }
            break;
        }
        case IMPL_MINMAX_S: {
            int8_t sg[AGG_CHUNK];
            for (uint32_t b = 0; b < n; b += AGG_CHUNK) {
                uint32_t m = WR_MIN(AGG_CHUNK, n - b);
                for (uint32_t i = 0; i < m; i++)
                    sg[i] = accs[b + i] && wr_vec_valid(v0, b + i) ? 1 : 0;
                if (upd_minmax_s(off, is_max, accs, v0, b, m, sg, mem) < 0) return nomem(err);
            }
            break;
        }
        case IMPL_COUNT_DISTINCT:
        case IMPL_MINMAX_R:
            return partial_unsupported(err);
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Serialized form (checkpoints)
 *
 * wr_agg_encode writes an accumulator as self-contained bytes (no pointers) and
 * wr_agg_decode rebuilds it for the same layout. All integers are little-endian. Format
 * version 1:
 *
 *   u8 version (= 1)
 *   then, when the layout owns no memory (!owns_memory): the record image, acc_size bytes,
 *   every slot at its offset (padding as found in memory); otherwise every slot in layout
 *   order, nothing after the last one:
 *     COUNT(*), COUNT, SUM, AVG and non-string MIN/MAX: the slot's bytes (slot->size) as
 *       laid out in memory, since they hold no pointers:
 *         COUNT         i64 n
 *         SUM/AVG int   u64 wrap-around sum, i64 n (non-NULL values)
 *         SUM FLOAT     f32 sum, 4 padding bytes, i64 n
 *         SUM/AVG f64   f64 sum, i64 n
 *         SUM/AVG dec   i128 unscaled sum, i64 n, 8 padding bytes
 *         MIN/MAX       16-byte value (i64 key in the first 8 bytes, or i128), u8 has (0/1),
 *                       15 padding bytes; the i64 key of FLOAT/DOUBLE is the order key
 *     string MIN/MAX: u8 has (0 or 1); when 1: u32 length + bytes
 *     retractable MIN/MAX (multiset) and COUNT(DISTINCT) (map): u32 count, then count
 *       entries (value, i64 count > 0) with values strictly ascending in the aggregate's
 *       order (the map, unordered in memory, is sorted on encode so that equal accumulators
 *       encode to equal bytes). A value is
 *         BOOLEAN, integers, temporal types, DECIMAL(p <= 18)   i64 (in the argument's range)
 *         FLOAT, DOUBLE                                          f64 bits (NaN canonical)
 *         DECIMAL(p > 18)                                        i128 (16 bytes)
 *         CHAR, VARCHAR, BINARY, VARBINARY                       u32 length + bytes
 *
 * The raw slot images tie version 1 to the slot structs above (LP64, little-endian); a
 * change to them needs a new version. Decoding checks every length against the bytes left
 * before reading or allocating, and the invariants the update code relies on (flags 0/1,
 * counts positive, values ordered and in range); a violation is WR_ECORRUPT.
 * ---------------------------------------------------------------------------------------- */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the accumulator format is "
                                                          "little-endian");
#define AGG_CODEC_VERSION 1

/* A multiset or map value in a form common to encoding and decoding. */
typedef struct agg_val {
    int64_t i;
    wr_i128 x;
    const char *p;
    uint32_t len;
} agg_val;

static bool phys_is_float(wr_phys p)
{
    return p == WR_PHYS_F32 || p == WR_PHYS_F64;
}

static int val_cmp(enum vclass vc, const agg_val *a, const agg_val *b)
{
    switch (vc) {
    case VC_STR:
        return str_cmp(a->p, a->len, b->p, b->len);
    case VC_I128:
        return (a->x > b->x) - (a->x < b->x);
    case VC_I64:
        break;
    }
    return (a->i > b->i) - (a->i < b->i);
}

static size_t val_size(enum vclass vc)
{
    return vc == VC_STR ? 4 : vc == VC_I128 ? 16 : 8; /* strings: plus their bytes */
}

static uint8_t *put_bytes(uint8_t *w, const void *p, size_t n)
{
    if (n) memcpy(w, p, n);
    return w + n;
}

static uint8_t *put_val(uint8_t *w, wr_phys ph, enum vclass vc, const agg_val *v)
{
    switch (vc) {
    case VC_STR:
        w = put_bytes(w, &v->len, 4);
        return put_bytes(w, v->p, v->len);
    case VC_I128:
        return put_bytes(w, &v->x, 16);
    case VC_I64:
        break;
    }
    if (phys_is_float(ph)) {
        double d = key_dbl(v->i);
        return put_bytes(w, &d, 8);
    }
    return put_bytes(w, &v->i, 8);
}

static size_t enc_slot_size(const wr_agg_slot *s, const uint8_t *p)
{
    enum vclass vc = phys_vclass((wr_phys)s->arg_phys);
    switch ((enum agg_impl)s->impl) {
    case IMPL_MINMAX_S: {
        const acc_mms *a = (const acc_mms *)p;
        return a->has ? 1 + 4 + (size_t)a->len : 1;
    }
    case IMPL_MINMAX_R: {
        const agg_ms *m = ((const acc_ptr *)p)->p;
        if (!m) return 4;
        return 4 + (size_t)m->n * (val_size(vc) + 8) + (vc == VC_STR ? m->str_bytes : 0);
    }
    case IMPL_COUNT_DISTINCT: {
        const agg_dmap *m = ((const acc_ptr *)p)->p;
        if (!m) return 4;
        return 4 + wr_htab_count(&m->h) * (val_size(vc) + 8) + (vc == VC_STR ? m->key_bytes : 0);
    }
    default:
        return s->size;
    }
}

typedef struct dm_item {
    agg_val v;
    int64_t cnt;
} dm_item;

static int dm_item_cmp_i64(const void *a, const void *b)
{
    return val_cmp(VC_I64, &((const dm_item *)a)->v, &((const dm_item *)b)->v);
}
static int dm_item_cmp_i128(const void *a, const void *b)
{
    return val_cmp(VC_I128, &((const dm_item *)a)->v, &((const dm_item *)b)->v);
}
static int dm_item_cmp_str(const void *a, const void *b)
{
    return val_cmp(VC_STR, &((const dm_item *)a)->v, &((const dm_item *)b)->v);
}

/* The map's entries in ascending value order (the hash table has none). */
static int enc_dmap(const wr_agg_slot *s, agg_dmap *m, uint8_t **wp)
{
    enum vclass vc = phys_vclass((wr_phys)s->arg_phys);
    uint32_t n = (uint32_t)wr_htab_count(&m->h);
    dm_item *items = n ? wr_malloc((size_t)n * sizeof(*items)) : NULL;
    if (n && !items) return WR_ENOMEM;
    wr_htab_iter it;
    const void *key;
    size_t len;
    void **val;
    uint32_t k = 0;
    wr_htab_iter_init(&m->h, &it);
    while (wr_htab_iter_next(&it, &key, &len, &val)) {
        WR_ASSERT(k < n);
        dm_item *d = &items[k++];
        memset(d, 0, sizeof(*d));
        if (vc == VC_STR) {
            d->v.p = key;
            d->v.len = (uint32_t)len;
        } else if (vc == VC_I128) {
            memcpy(&d->v.x, key, sizeof(d->v.x));
        } else {
            memcpy(&d->v.i, key, sizeof(d->v.i));
        }
        d->cnt = (int64_t)(intptr_t)*val;
    }
    WR_ASSERT(k == n);
    if (n > 1)
        qsort(items, n, sizeof(*items),
              vc == VC_STR    ? dm_item_cmp_str
              : vc == VC_I128 ? dm_item_cmp_i128
                              : dm_item_cmp_i64);
    uint8_t *w = put_bytes(*wp, &n, 4);
    for (uint32_t i = 0; i < n; i++) {
        w = put_val(w, (wr_phys)s->arg_phys, vc, &items[i].v);
        w = put_bytes(w, &items[i].cnt, 8);
    }
    wr_free(items);
    *wp = w;
    return 0;
}

static int enc_slot(const wr_agg_slot *s, const uint8_t *p, uint8_t **wp)
{
    enum vclass vc = phys_vclass((wr_phys)s->arg_phys);
    uint8_t *w = *wp;
    switch ((enum agg_impl)s->impl) {
    case IMPL_MINMAX_S: {
        const acc_mms *a = (const acc_mms *)p;
        *w++ = a->has ? 1 : 0;
        if (a->has) {
            w = put_bytes(w, &a->len, 4);
            w = put_bytes(w, a->p, a->len);
        }
        break;
    }
    case IMPL_MINMAX_R: {
        const agg_ms *m = ((const acc_ptr *)p)->p;
        uint32_t n = m ? m->n : 0;
        w = put_bytes(w, &n, 4);
        for (uint32_t i = 0; i < n; i++) {
            const ms_ent *e = &m->e[i];
            agg_val v = {.i = e->v.i};
            if (vc == VC_STR) {
                v.p = e->v.s.p;
                v.len = e->v.s.len;
            } else if (vc == VC_I128) {
                v.x = e->v.x;
            }
            w = put_val(w, (wr_phys)s->arg_phys, vc, &v);
            w = put_bytes(w, &e->cnt, 8);
        }
        break;
    }
    case IMPL_COUNT_DISTINCT: {
        agg_dmap *m = ((const acc_ptr *)p)->p;
        if (m) return enc_dmap(s, m, wp);
        uint32_t n = 0;
        w = put_bytes(w, &n, 4);
        break;
    }
    default:
        w = put_bytes(w, p, s->size);
        break;
    }
    *wp = w;
    return 0;
}

int wr_agg_encode(const wr_agg_layout *l, const uint8_t *acc, wr_buf *out)
{
    size_t need = 1 + (size_t)l->acc_size;
    if (l->owns_memory) {
        need = 1;
        for (uint32_t a = 0; a < l->naggs; a++)
            need += enc_slot_size(&l->slots[a], acc + l->slots[a].offset);
    }
    int rc = wr_buf_reserve(out, need);
    if (rc < 0) return rc;
    uint8_t *w0 = (uint8_t *)out->ptr + out->len, *w = w0;
    *w++ = AGG_CODEC_VERSION;
    if (!l->owns_memory) {
        w = put_bytes(w, acc, l->acc_size);
    } else {
        for (uint32_t a = 0; a < l->naggs; a++)
            if ((rc = enc_slot(&l->slots[a], acc + l->slots[a].offset, &w)) < 0) return rc;
    }
    WR_ASSERT((size_t)(w - w0) == need);
    out->len += need;
    out->ptr[out->len] = '\0';
    return 0;
}

/* Decoding: a cursor over the input that never moves past its end. */
typedef struct agg_rd {
    const uint8_t *p, *end;
} agg_rd;

static bool rd_take(agg_rd *r, size_t n, const uint8_t **out)
{
    if ((size_t)(r->end - r->p) < n) return false;
    *out = r->p;
    r->p += n;
    return true;
}

static bool rd_copy(agg_rd *r, void *dst, size_t n)
{
    const uint8_t *q;
    if (!rd_take(r, n, &q)) return false;
    memcpy(dst, q, n);
    return true;
}

/* A VC_I64 value as the update code would have stored it for an argument of type ph. */
static bool key_valid(wr_phys ph, int64_t k)
{
    switch (ph) {
    case WR_PHYS_U8:
        return k >= 0 && k <= UINT8_MAX;
    case WR_PHYS_I8:
        return k >= INT8_MIN && k <= INT8_MAX;
    case WR_PHYS_I16:
        return k >= INT16_MIN && k <= INT16_MAX;
    case WR_PHYS_I32:
        return k >= INT32_MIN && k <= INT32_MAX;
    case WR_PHYS_F32:
    case WR_PHYS_F64: {
        double d = key_dbl(k);
        if (dbl_key(d) != k) return false; /* a NaN other than the canonical one */
        return ph == WR_PHYS_F64 || d != d || (double)(float)d == d;
    }
    default:
        return true;
    }
}

/* One multiset/map value; strings point into the input. NULL or what is wrong. */
static const char *rd_val(agg_rd *r, wr_phys ph, enum vclass vc, agg_val *v)
{
    memset(v, 0, sizeof(*v));
    switch (vc) {
    case VC_STR: {
        const uint8_t *q;
        if (!rd_copy(r, &v->len, 4)) return "truncated string length";
        if (!rd_take(r, v->len, &q)) return "string longer than the bytes left";
        v->p = (const char *)q;
        return NULL;
    }
    case VC_I128:
        return rd_copy(r, &v->x, 16) ? NULL : "truncated value";
    case VC_I64:
        break;
    }
    if (phys_is_float(ph)) {
        double d, back;
        if (!rd_copy(r, &d, 8)) return "truncated value";
        v->i = dbl_key(d);
        back = key_dbl(v->i);
        if (memcmp(&back, &d, sizeof(d)) != 0) return "non-canonical NaN";
    } else if (!rd_copy(r, &v->i, 8)) {
        return "truncated value";
    }
    return key_valid(ph, v->i) ? NULL : "value out of the argument type's range";
}

/* Entry count of a multiset or map, checked against the bytes left. */
static const char *rd_count(agg_rd *r, enum vclass vc, uint32_t *n)
{
    if (!rd_copy(r, n, 4)) return "truncated entry count";
    if (*n > (size_t)(r->end - r->p) / (val_size(vc) + 8)) return "more entries than bytes left";
    return NULL;
}

static const char *rd_entry(agg_rd *r, wr_phys ph, enum vclass vc, uint32_t i, agg_val *prev,
                            agg_val *v, int64_t *cnt)
{
    const char *why = rd_val(r, ph, vc, v);
    if (why) return why;
    if (!rd_copy(r, cnt, 8)) return "truncated entry count";
    if (*cnt <= 0) return "entry count not positive";
    if (i > 0 && val_cmp(vc, prev, v) >= 0) return "values not strictly ascending";
    *prev = *v;
    return NULL;
}

static int dec_ms(const wr_agg_slot *s, agg_rd *r, acc_ptr *a, wr_mem_owner *mem, const char **why)
{
    const wr_phys ph = (wr_phys)s->arg_phys;
    const enum vclass vc = phys_vclass(ph);
    uint32_t n;
    if ((*why = rd_count(r, vc, &n))) return WR_ECORRUPT;
    if (n == 0) return 0;
    agg_ms *m = wr_calloc_owned(mem, 1, sizeof(*m));
    if (!m) return WR_ENOMEM;
    a->p = m; /* from here on wr_agg_destroy frees what was built */
    if (!(m->e = wr_malloc_owned(mem, (size_t)n * sizeof(ms_ent)))) return WR_ENOMEM;
    m->cap = n;
    agg_val prev = {0}, v;
    for (uint32_t i = 0; i < n; i++) {
        ms_ent *e = &m->e[m->n];
        memset(e, 0, sizeof(*e));
        if ((*why = rd_entry(r, ph, vc, i, &prev, &v, &e->cnt))) return WR_ECORRUPT;
        if (vc == VC_STR) {
            if (v.len && !(e->v.s.p = wr_malloc_owned(mem, v.len))) return WR_ENOMEM;
            if (v.len) memcpy(e->v.s.p, v.p, v.len);
            e->v.s.len = v.len;
            m->str_bytes += v.len;
        } else if (vc == VC_I128) {
            e->v.x = v.x;
        } else {
            e->v.i = v.i;
        }
        m->n++;
    }
    return 0;
}

static int dec_dmap(const wr_agg_slot *s, agg_rd *r, acc_ptr *a, wr_mem_owner *mem,
                    const char **why)
{
    const wr_phys ph = (wr_phys)s->arg_phys;
    const enum vclass vc = phys_vclass(ph);
    uint32_t n;
    if ((*why = rd_count(r, vc, &n))) return WR_ECORRUPT;
    if (n == 0) return 0;
    agg_dmap *m = wr_calloc_owned(mem, 1, sizeof(*m));
    if (!m) return WR_ENOMEM;
    wr_htab_init(&m->h, mem);
    a->p = m;
    agg_val prev = {0}, v;
    for (uint32_t i = 0; i < n; i++) {
        int64_t cnt;
        if ((*why = rd_entry(r, ph, vc, i, &prev, &v, &cnt))) return WR_ECORRUPT;
        const void *key = vc == VC_STR    ? (const void *)v.p
                          : vc == VC_I128 ? (const void *)&v.x
                                          : (const void *)&v.i;
        size_t len = vc == VC_STR ? v.len : val_size(vc);
        bool ins;
        void **slot = wr_htab_upsert(&m->h, wr_hash_bytes(key, len), key, len, &ins);
        if (!slot) return WR_ENOMEM;
        WR_ASSERT(ins); /* values are strictly ascending, hence distinct */
        *slot = (void *)(intptr_t)cnt;
        m->key_bytes += len;
    }
    return 0;
}

static int dec_mms(agg_rd *r, acc_mms *a, wr_mem_owner *mem, const char **why)
{
    uint8_t has;
    uint32_t len;
    const uint8_t *q;
    if (!rd_copy(r, &has, 1)) return *why = "truncated flag", WR_ECORRUPT;
    if (has > 1) return *why = "flag not 0 or 1", WR_ECORRUPT;
    if (!has) return 0;
    if (!rd_copy(r, &len, 4)) return *why = "truncated string length", WR_ECORRUPT;
    if (!rd_take(r, len, &q)) return *why = "string longer than the bytes left", WR_ECORRUPT;
    return mms_set(a, (const char *)q, len, mem);
}

/* Invariants of a plain slot image: MIN/MAX flags are 0 or 1 and values in range. */
static const char *check_plain(const wr_agg_slot *s, const uint8_t *p)
{
    if (s->impl != IMPL_MINMAX) return NULL;
    const acc_mm *a = (const acc_mm *)p;
    if (a->has > 1) return "flag not 0 or 1";
    if (a->has && s->arg_phys != WR_PHYS_I128 && !key_valid((wr_phys)s->arg_phys, a->v.i))
        return "value out of the argument type's range";
    return NULL;
}

int wr_agg_decode(const wr_agg_layout *l, const uint8_t *p, size_t n, uint8_t *acc,
                  wr_mem_owner *mem, wr_error *err)
{
    agg_rd r = {p, p};
    const char *why = NULL;
    uint32_t a = l->naggs; /* the aggregate being decoded, for the message */
    int rc = WR_ECORRUPT;
    wr_agg_init(l, acc);
    if (n == 0) {
        why = "no bytes";
        goto fail;
    }
    r.end = p + n;
    if (p[0] != AGG_CODEC_VERSION) {
        why = "unknown format version";
        goto fail;
    }
    r.p++;
    if (!l->owns_memory) {
        if (n - 1 != l->acc_size) {
            why = "length does not match the layout";
            goto fail;
        }
        memcpy(acc, r.p, l->acc_size);
        for (a = 0; a < l->naggs; a++) {
            r.p = p + 1 + l->slots[a].offset;
            if ((why = check_plain(&l->slots[a], acc + l->slots[a].offset))) goto fail;
        }
        return 0;
    }
    for (a = 0; a < l->naggs; a++) {
        const wr_agg_slot *s = &l->slots[a];
        uint8_t *sp = acc + s->offset;
        switch ((enum agg_impl)s->impl) {
        case IMPL_MINMAX_S:
            rc = dec_mms(&r, (acc_mms *)sp, mem, &why);
            break;
        case IMPL_MINMAX_R:
            rc = dec_ms(s, &r, (acc_ptr *)sp, mem, &why);
            break;
        case IMPL_COUNT_DISTINCT:
            rc = dec_dmap(s, &r, (acc_ptr *)sp, mem, &why);
            break;
        default:
            rc = rd_copy(&r, sp, s->size) ? 0 : WR_ECORRUPT;
            if (rc < 0)
                why = "truncated slot";
            else if ((why = check_plain(s, sp)))
                rc = WR_ECORRUPT;
            break;
        }
        if (rc < 0) goto fail;
    }
    if (r.p != r.end) {
        rc = WR_ECORRUPT;
        why = "bytes after the last aggregate";
        goto fail;
    }
    return 0;
fail:
    wr_agg_destroy(l, acc);
    wr_agg_init(l, acc);
    if (rc == WR_ENOMEM) return nomem(err);
    if (a < l->naggs)
        return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                            "corrupt accumulator bytes: aggregate %u (%s): %s at byte %zu of %zu",
                            a, wr_agg_kind_name(l->slots[a].spec.kind), why, (size_t)(r.p - p), n);
    return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                        "corrupt accumulator bytes: %s at byte %zu of %zu", why, (size_t)(r.p - p),
                        n);
}
