/* types_batch.c - columnar batches: allocation of all vectors in one block, the atomic
 * reference count, dependencies on other batches whose arenas our string views point into,
 * and the slow-path row helpers (append, slice, filter, single-value get/set) used by
 * formats, tests and operators that cannot work column-wise.
 *
 * Layout: one wr_calloc'd block holds the wr_batch header, the wr_vec array and a data
 * region with, for each column, cap * width bytes of values (16-byte aligned), then the
 * validity bitmaps of all columns, then the row-kind bytes. One allocation per batch keeps
 * creation and release cheap; string bytes live separately in the batch arena. The data
 * region is zeroed on creation and on wr_batch_clear, so unwritten slots (and the rows of
 * NULL values) hold 0 / empty views rather than garbage. */
#include "types/types.h"

#include <string.h>

#define ARENA_CHUNK 8192

static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

static size_t validity_words(uint32_t cap)
{
    return ((size_t)cap + 63) / 64;
}

/* Size of the header part (batch + vecs) and of the data region for a schema and cap. */
static void batch_layout(const wr_schema *schema, uint32_t cap, size_t *hdr, size_t *data)
{
    uint32_t ncols = schema ? schema->ncols : 0;
    size_t d = 0;
    *hdr = align16(sizeof(wr_batch) + (size_t)ncols * sizeof(wr_vec));
    for (uint32_t c = 0; c < ncols; c++)
        d += align16((size_t)cap * wr_phys_width(wr_type_phys(&schema->cols[c].type)));
    d += (size_t)ncols * validity_words(cap) * sizeof(uint64_t);
    d += cap;
    *data = d;
}

static uint8_t *batch_data_region(const wr_batch *b)
{
    return (uint8_t *)b + align16(sizeof(wr_batch) + (size_t)b->ncols * sizeof(wr_vec));
}

/* Same as the data part of batch_layout, from the vectors (which keep their widths). */
static size_t batch_data_size(const wr_batch *b)
{
    size_t d = 0;
    for (uint32_t c = 0; c < b->ncols; c++)
        d += align16((size_t)b->cap * b->cols[c].width);
    return d + (size_t)b->ncols * validity_words(b->cap) * sizeof(uint64_t) + b->cap;
}

wr_batch *wr_batch_new(const wr_schema *schema, uint32_t cap, wr_mem_owner *owner)
{
    size_t hdr, data;
    batch_layout(schema, cap, &hdr, &data);
    wr_batch *b = wr_calloc_owned(owner, 1, hdr + data);
    if (!b) return NULL;

    uint32_t ncols = schema ? schema->ncols : 0;
    atomic_init(&b->refs, 1);
    b->cap = cap;
    b->ncols = ncols;
    b->schema = schema;
    b->cols = (wr_vec *)(b + 1);
    b->split = -1;
    b->owner = owner;
    wr_arena_init(&b->arena, ARENA_CHUNK, owner);

    uint8_t *p = (uint8_t *)b + hdr;
    for (uint32_t c = 0; c < ncols; c++) {
        wr_vec *v = &b->cols[c];
        v->type = schema->cols[c].type;
        v->phys = wr_type_phys(&v->type);
        v->width = (uint8_t)wr_phys_width(v->phys);
        v->data = v->width ? p : NULL;
        p += align16((size_t)cap * v->width);
    }
    for (uint32_t c = 0; c < ncols; c++) {
        b->cols[c].validity = (uint64_t *)p;
        p += validity_words(cap) * sizeof(uint64_t);
    }
    b->rowkind = p;
    return b;
}

void wr_batch_retain(wr_batch *b)
{
    int32_t prev = atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
    WR_ASSERT(prev > 0);
}

static void batch_drop_deps(wr_batch *b)
{
    for (uint32_t i = 0; i < b->ndeps; i++)
        wr_batch_release(b->deps[i]);
    b->ndeps = 0;
}

void wr_batch_release(wr_batch *b)
{
    if (!b) return;
    int32_t prev = atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel);
    WR_ASSERT(prev > 0);
    if (prev != 1) return;
    batch_drop_deps(b);
    wr_arena_destroy(&b->arena);
    wr_free(b);
}

static bool vec_is_str(const wr_vec *v)
{
    return v->phys == WR_PHYS_STR;
}

/* Copy the bytes of non-empty views in rows [0, n) of column col into b's arena. */
static int adopt_rows(wr_batch *b, uint32_t col, uint32_t n)
{
    wr_vec *v = &b->cols[col];
    if (!vec_is_str(v)) return 0;
    wr_strv *s = WR_VEC_STR(v);
    for (uint32_t i = 0; i < n; i++) {
        if (s[i].len == 0) continue;
        int rc = wr_batch_copy_str(b, s[i].ptr, s[i].len, &s[i]);
        if (rc < 0) return rc;
    }
    return 0;
}

int wr_batch_adopt_strings(wr_batch *b, uint32_t col)
{
    if (col >= b->ncols) return WR_EINVAL;
    return adopt_rows(b, col, b->len);
}

/* When all dependency slots are taken, every view of every string column, in all cap rows
 * (not only [0, len): callers may write views before or after depending, and before
 * raising len), is copied into b's own arena. Then no view points into any old dependency,
 * so they are all released and dep takes the first slot. This relies on the batch
 * invariant that every view, valid or not, either has length 0 or points at live bytes;
 * wr_batch_new and wr_batch_clear zero all views so this holds for unwritten rows. */
int wr_batch_depend(wr_batch *b, wr_batch *dep)
{
    if (dep == b) return 0;
    for (uint32_t i = 0; i < b->ndeps; i++)
        if (b->deps[i] == dep) return 0;
    if (b->ndeps == WR_BATCH_MAX_DEPS) {
        for (uint32_t c = 0; c < b->ncols; c++) {
            int rc = adopt_rows(b, c, b->cap);
            if (rc < 0) return rc;
        }
        batch_drop_deps(b);
    }
    wr_batch_retain(dep);
    b->deps[b->ndeps++] = dep;
    return 0;
}

void wr_batch_clear(wr_batch *b)
{
    batch_drop_deps(b);
    wr_arena_reset(&b->arena);
    memset(batch_data_region(b), 0, batch_data_size(b));
    b->len = 0;
}

int wr_batch_copy_str(wr_batch *b, const char *p, size_t n, wr_strv *out)
{
    if (n == 0) {
        *out = wr_strv_make("", 0);
        return 0;
    }
    if (n > UINT32_MAX) return WR_ELIMIT;
    /* Byte alignment: strings need none, and small strings then pack densely. */
    char *copy = wr_arena_alloc_aligned(&b->arena, n, 1);
    if (!copy) return WR_ENOMEM;
    memcpy(copy, p, n);
    *out = wr_strv_make(copy, (uint32_t)n);
    return 0;
}

void wr_vec_fill_valid(wr_vec *v, uint32_t n, bool valid)
{
    size_t full = n / 64;
    uint64_t fill = valid ? ~0ull : 0;
    for (size_t w = 0; w < full; w++)
        v->validity[w] = fill;
    uint32_t rest = n % 64;
    if (rest) {
        uint64_t mask = (1ull << rest) - 1;
        if (valid)
            v->validity[full] |= mask;
        else
            v->validity[full] &= ~mask;
    }
}

static void batch_check_same_shape(const wr_batch *a, const wr_batch *b)
{
    WR_ASSERT(a->ncols == b->ncols);
    for (uint32_t c = 0; c < a->ncols; c++)
        WR_ASSERT(a->cols[c].phys == b->cols[c].phys);
}

int wr_batch_append_row(wr_batch *dst, const wr_batch *src, uint32_t row)
{
    batch_check_same_shape(dst, src);
    WR_ASSERT(row < src->len);
    if (dst->len >= dst->cap) return WR_ELIMIT;
    uint32_t d = dst->len;
    for (uint32_t c = 0; c < dst->ncols; c++) {
        wr_vec *dv = &dst->cols[c];
        const wr_vec *sv = &src->cols[c];
        bool valid = wr_vec_valid(sv, row);
        wr_vec_set_valid(dv, d, valid);
        if (!dv->width) continue;
        if (vec_is_str(dv)) {
            wr_strv *out = &WR_VEC_STR(dv)[d];
            if (!valid) {
                *out = wr_strv_make(NULL, 0);
                continue;
            }
            const wr_strv *in = &WR_VEC_STR(sv)[row];
            int rc = wr_batch_copy_str(dst, in->ptr, in->len, out);
            if (rc < 0) return rc;
        } else {
            memcpy((uint8_t *)dv->data + (size_t)d * dv->width,
                   (const uint8_t *)sv->data + (size_t)row * sv->width, dv->width);
        }
    }
    dst->rowkind[d] = src->rowkind[row];
    dst->len = d + 1;
    return 0;
}

static bool batch_has_strings(const wr_batch *b)
{
    for (uint32_t c = 0; c < b->ncols; c++)
        if (vec_is_str(&b->cols[c])) return true;
    return false;
}

wr_batch *wr_batch_slice(wr_batch *src, uint32_t start, uint32_t n)
{
    WR_ASSERT(start <= src->len && n <= src->len - start);
    wr_batch *b = wr_batch_new(src->schema, n, src->owner);
    if (!b) return NULL;
    if (n > 0 && batch_has_strings(src) && wr_batch_depend(b, src) < 0) {
        wr_batch_release(b);
        return NULL;
    }
    for (uint32_t c = 0; c < src->ncols; c++) {
        wr_vec *dv = &b->cols[c];
        const wr_vec *sv = &src->cols[c];
        if (dv->width)
            memcpy(dv->data, (const uint8_t *)sv->data + (size_t)start * sv->width,
                   (size_t)n * dv->width);
        if ((start & 63) == 0) {
            memcpy(dv->validity, sv->validity + start / 64, validity_words(n) * 8);
            if (n % 64) dv->validity[n / 64] &= (1ull << (n % 64)) - 1;
        } else {
            for (uint32_t i = 0; i < n; i++)
                if (wr_vec_valid(sv, start + i)) wr_vec_set_valid(dv, i, true);
        }
    }
    if (n) memcpy(b->rowkind, src->rowkind + start, n);
    b->len = n;
    b->split = src->split;
    return b;
}

/* Typed gather loops so the compiler can move whole values instead of calling memcpy. */
#define GATHER(T)                                                                                  \
    do {                                                                                           \
        const T *s = (const T *)sv->data;                                                          \
        T *d = (T *)dv->data;                                                                      \
        for (uint32_t i = 0, j = 0; i < src->len; i++)                                             \
            if (sel[i]) d[j++] = s[i];                                                             \
    } while (0)

wr_batch *wr_batch_filter(wr_batch *src, const uint8_t *sel)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < src->len; i++)
        n += sel[i] != 0;
    wr_batch *b = wr_batch_new(src->schema, n, src->owner);
    if (!b) return NULL;
    if (n > 0 && batch_has_strings(src) && wr_batch_depend(b, src) < 0) {
        wr_batch_release(b);
        return NULL;
    }
    for (uint32_t c = 0; c < src->ncols; c++) {
        wr_vec *dv = &b->cols[c];
        const wr_vec *sv = &src->cols[c];
        switch (dv->width) {
        case 0:
            break;
        case 1:
            GATHER(uint8_t);
            break;
        case 2:
            GATHER(uint16_t);
            break;
        case 4:
            GATHER(uint32_t);
            break;
        case 8:
            GATHER(uint64_t);
            break;
        case 16:
            if (vec_is_str(dv))
                GATHER(wr_strv);
            else
                GATHER(wr_i128);
            break;
        default:
            WR_ASSERT(!"unexpected vector width");
        }
        for (uint32_t i = 0, j = 0; i < src->len; i++) {
            if (!sel[i]) continue;
            if (wr_vec_valid(sv, i)) wr_vec_set_valid(dv, j, true);
            j++;
        }
    }
    for (uint32_t i = 0, j = 0; i < src->len; i++)
        if (sel[i]) b->rowkind[j++] = src->rowkind[i];
    b->len = n;
    b->split = src->split;
    return b;
}

#define GATHER_ROWS(T)                                                                             \
    do {                                                                                           \
        const T *s_ = (const T *)src->data;                                                        \
        T *d_ = (T *)dst->data + drow0;                                                            \
        for (uint32_t j = 0; j < n; j++)                                                           \
            d_[j] = s_[rows[j]];                                                                   \
    } while (0)

void wr_vec_gather(wr_vec *dst, uint32_t drow0, const wr_vec *src, const uint32_t *rows, uint32_t n)
{
    switch (src->width) {
    case 0:
        break;
    case 1:
        GATHER_ROWS(uint8_t);
        break;
    case 2:
        GATHER_ROWS(uint16_t);
        break;
    case 4:
        GATHER_ROWS(uint32_t);
        break;
    case 8:
        GATHER_ROWS(uint64_t);
        break;
    case 16:
        if (src->phys == WR_PHYS_STR)
            GATHER_ROWS(wr_strv);
        else
            GATHER_ROWS(wr_i128);
        break;
    default:
        for (uint32_t j = 0; j < n; j++)
            memcpy((uint8_t *)dst->data + (size_t)(drow0 + j) * src->width,
                   (const uint8_t *)src->data + (size_t)rows[j] * src->width, src->width);
    }
    if ((drow0 & 63) == 0) {
        /* Whole validity words at a time: the common case (a fresh output batch). */
        for (uint32_t w = 0; w * 64 < n; w++) {
            uint64_t word = 0;
            uint32_t end = WR_MIN(n, (w + 1) * 64);
            for (uint32_t j = w * 64; j < end; j++)
                word |= (uint64_t)wr_vec_valid(src, rows[j]) << (j & 63);
            if (end - w * 64 == 64) {
                dst->validity[(drow0 >> 6) + w] = word;
            } else {
                uint64_t mask = (1ull << (end - w * 64)) - 1;
                uint64_t *dw = &dst->validity[(drow0 >> 6) + w];
                *dw = (*dw & ~mask) | word;
            }
        }
    } else {
        for (uint32_t j = 0; j < n; j++)
            wr_vec_set_valid(dst, drow0 + j, wr_vec_valid(src, rows[j]));
    }
}

wr_batch *wr_batch_gather(wr_batch *src, const uint32_t *rows, uint32_t n, wr_mem_owner *owner)
{
    wr_batch *b = wr_batch_new(src->schema, n, owner ? owner : src->owner);
    if (!b) return NULL;
    for (uint32_t c = 0; c < src->ncols; c++)
        wr_vec_gather(&b->cols[c], 0, &src->cols[c], rows, n);
    for (uint32_t j = 0; j < n; j++)
        b->rowkind[j] = src->rowkind[rows[j]];
    b->len = n;
    b->split = src->split;
    if (n > 0 && batch_has_strings(src) && wr_batch_depend(b, src) < 0) {
        wr_batch_release(b);
        return NULL;
    }
    return b;
}

size_t wr_batch_bytes(const wr_batch *b)
{
    return (size_t)(batch_data_region(b) - (const uint8_t *)b) + batch_data_size(b) +
           b->arena.reserved;
}

const char *wr_rowkind_str(wr_rowkind k)
{
    switch (k) {
    case WR_RK_INSERT:
        return "+I";
    case WR_RK_UPDATE_BEFORE:
        return "-U";
    case WR_RK_UPDATE_AFTER:
        return "+U";
    case WR_RK_DELETE:
        return "-D";
    }
    return "??";
}

void wr_vec_get(const wr_vec *v, uint32_t i, wr_value *out)
{
    memset(out, 0, sizeof(*out));
    if (v->phys == WR_PHYS_NONE || v->phys == WR_PHYS_NESTED || !wr_vec_valid(v, i)) {
        out->is_null = true;
        return;
    }
    switch (v->phys) {
    case WR_PHYS_U8:
        out->b = WR_VEC_U8(v)[i] != 0;
        break;
    case WR_PHYS_I8:
        out->i = WR_VEC_I8(v)[i];
        break;
    case WR_PHYS_I16:
        out->i = WR_VEC_I16(v)[i];
        break;
    case WR_PHYS_I32:
        out->i = WR_VEC_I32(v)[i];
        break;
    case WR_PHYS_I64:
        out->i = WR_VEC_I64(v)[i];
        break;
    case WR_PHYS_F32:
        out->d = WR_VEC_F32(v)[i];
        break;
    case WR_PHYS_F64:
        out->d = WR_VEC_F64(v)[i];
        break;
    case WR_PHYS_I128:
        out->dec = WR_VEC_I128(v)[i];
        break;
    case WR_PHYS_STR:
        out->s = WR_VEC_STR(v)[i];
        break;
    default:
        out->is_null = true;
        break;
    }
}

int wr_batch_set(wr_batch *b, uint32_t col, uint32_t i, const wr_value *val)
{
    WR_ASSERT(col < b->ncols && i < b->cap);
    wr_vec *v = &b->cols[col];
    if (val->is_null || !v->width) {
        if (!val->is_null) return WR_EUNSUPPORTED;
        wr_vec_set_valid(v, i, false);
        if (v->width) memset((uint8_t *)v->data + (size_t)i * v->width, 0, v->width);
        return 0;
    }
    switch (v->phys) {
    case WR_PHYS_U8:
        WR_VEC_U8(v)[i] = val->b ? 1 : 0;
        break;
    case WR_PHYS_I8:
        WR_VEC_I8(v)[i] = (int8_t)val->i;
        break;
    case WR_PHYS_I16:
        WR_VEC_I16(v)[i] = (int16_t)val->i;
        break;
    case WR_PHYS_I32:
        WR_VEC_I32(v)[i] = (int32_t)val->i;
        break;
    case WR_PHYS_I64:
        WR_VEC_I64(v)[i] = val->i;
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
    case WR_PHYS_STR: {
        int rc = wr_batch_copy_str(b, val->s.ptr, val->s.len, &WR_VEC_STR(v)[i]);
        if (rc < 0) return rc;
        break;
    }
    default:
        return WR_EUNSUPPORTED;
    }
    wr_vec_set_valid(v, i, true);
    return 0;
}
