/* op_rank_common.c - the machinery the ranking and ordering operators share: the
 * order-preserving key encoding (a batch's sort or partition keys become byte strings whose
 * memcmp order is the SQL order, encoded column by column over the whole batch), the row
 * encoding that stored rows keep (decodable, and equal exactly for rows equal in every
 * column), the blocked ordered list that holds a partition's rows sorted by key, the output
 * builder that turns stored rows into changelog batches, and config/schema checks.
 *
 * Key encoding, per column: a marker byte (0x00 NULL with NULLS FIRST, 0x01 a value, 0x02 NULL
 * with NULLS LAST), then the value: integers big-endian with the sign bit flipped; floats with
 * the IEEE trick (negative: all bits inverted, else the sign bit set; NaN canonical), which
 * gives Java's Double.compare order; DECIMAL(>18) as a 128-bit integer; strings and bytes with
 * every 0x00 written as 0x00 0xFF and a 0x00 0x00 terminator, so a shorter string sorts first
 * and the encoding is prefix-free. DESC inverts the value bytes (not the marker). An optional
 * 8-byte sequence suffix makes keys unique and breaks ties by arrival. */
#include "operators/op_rank_internal.h"

#include <stdio.h>

/* ------------------------------------------------------------------------------------------
 * Order-preserving keys
 * ---------------------------------------------------------------------------------------- */
int wr_rk_cfg_keys_dup(const uint32_t *partition, uint32_t npartition, const wr_sort_key *sort,
                       uint32_t nsort, uint32_t **partition_out, wr_sort_key **sort_out)
{
    uint32_t *p = wr_calloc(npartition ? npartition : 1, sizeof(uint32_t));
    wr_sort_key *k = sort_out ? wr_calloc(nsort ? nsort : 1, sizeof(wr_sort_key)) : NULL;
    if (!p || (sort_out && !k)) {
        wr_free(p);
        wr_free(k);
        return WR_ENOMEM;
    }
    if (npartition) memcpy(p, partition, npartition * sizeof(uint32_t));
    if (nsort && k) memcpy(k, sort, nsort * sizeof(wr_sort_key));
    *partition_out = p;
    if (sort_out) *sort_out = k;
    return WR_OK;
}

void wr_rk_keys_init(rk_keys *k, wr_mem_owner *mem)
{
    memset(k, 0, sizeof(*k));
    k->mem = mem;
}

void wr_rk_keys_free(rk_keys *k)
{
    wr_free(k->buf);
    wr_free(k->off);
    wr_free(k->len);
    k->buf = NULL;
    k->off = k->len = NULL;
    k->cap = k->rows_cap = 0;
}

static int keys_reserve_rows(rk_keys *k, uint32_t n)
{
    if (n <= k->rows_cap && k->off) return 0;
    uint32_t cap = (uint32_t)wr_next_pow2(WR_MAX(n, 16));
    uint32_t *off = wr_realloc_owned(k->mem, k->off, (size_t)cap * sizeof(uint32_t));
    if (!off) return WR_ENOMEM;
    k->off = off;
    uint32_t *len = wr_realloc_owned(k->mem, k->len, (size_t)cap * sizeof(uint32_t));
    if (!len) return WR_ENOMEM;
    k->len = len;
    k->rows_cap = cap;
    return 0;
}

static int keys_reserve_bytes(rk_keys *k, uint64_t total)
{
    if (total > UINT32_MAX) return WR_ELIMIT;
    if (total <= k->cap && k->buf) return 0;
    size_t cap = wr_next_pow2(WR_MAX(total, 64));
    uint8_t *nb = wr_realloc_owned(k->mem, k->buf, cap);
    if (!nb) return WR_ENOMEM;
    k->buf = nb;
    k->cap = cap;
    return 0;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
    for (int b = 7; b >= 0; b--) {
        p[b] = (uint8_t)v;
        v >>= 8;
    }
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Encode one column for rows [0, n): cur[i] is row i's write position and advances. */
static void encode_col(const wr_vec *v, uint32_t n, bool desc, bool nulls_first, uint8_t *buf,
                       uint32_t *cur)
{
    const uint8_t null_mark = nulls_first ? 0x00 : 0x02;
    const uint8_t inv = desc ? 0xFF : 0x00;
    switch (v->phys) {
    case WR_PHYS_NONE:
    case WR_PHYS_NESTED:
        for (uint32_t i = 0; i < n; i++)
            buf[cur[i]++] = null_mark;
        return;
    case WR_PHYS_STR: {
        const wr_strv *s = WR_VEC_STR(v);
        for (uint32_t i = 0; i < n; i++) {
            uint8_t *p = buf + cur[i];
            if (!wr_vec_valid(v, i)) {
                *p = null_mark;
                cur[i]++;
                continue;
            }
            uint8_t *q = p + 1;
            *p = 0x01;
            const uint8_t *src = (const uint8_t *)s[i].ptr;
            for (uint32_t j = 0; j < s[i].len; j++) {
                uint8_t c = src[j];
                *q++ = c ^ inv;
                if (c == 0) *q++ = 0xFF ^ inv;
            }
            *q++ = inv;
            *q++ = inv;
            cur[i] = (uint32_t)(q - buf);
        }
        return;
    }
    default:
        break;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *p = buf + cur[i];
        if (!wr_vec_valid(v, i)) {
            *p = null_mark;
            cur[i]++;
            continue;
        }
        *p++ = 0x01;
        uint32_t w = 0;
        switch (v->phys) {
        case WR_PHYS_U8:
            p[0] = WR_VEC_U8(v)[i] ? 1 : 0;
            w = 1;
            break;
        case WR_PHYS_I8:
            p[0] = (uint8_t)WR_VEC_I8(v)[i] ^ 0x80;
            w = 1;
            break;
        case WR_PHYS_I16:
            put_be16(p, (uint16_t)WR_VEC_I16(v)[i] ^ 0x8000u);
            w = 2;
            break;
        case WR_PHYS_I32:
            put_be32(p, (uint32_t)WR_VEC_I32(v)[i] ^ 0x80000000u);
            w = 4;
            break;
        case WR_PHYS_I64:
            put_be64(p, (uint64_t)WR_VEC_I64(v)[i] ^ 0x8000000000000000ull);
            w = 8;
            break;
        case WR_PHYS_F32: {
            float f = WR_VEC_F32(v)[i];
            uint32_t bits;
            if (f != f) f = __builtin_nanf("");
            memcpy(&bits, &f, 4);
            bits = (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
            put_be32(p, bits);
            w = 4;
            break;
        }
        case WR_PHYS_F64: {
            double d = WR_VEC_F64(v)[i];
            uint64_t bits;
            if (d != d) d = __builtin_nan("");
            memcpy(&bits, &d, 8);
            bits = (bits & 0x8000000000000000ull) ? ~bits : bits | 0x8000000000000000ull;
            put_be64(p, bits);
            w = 8;
            break;
        }
        case WR_PHYS_I128: {
            unsigned __int128 x = (unsigned __int128)WR_VEC_I128(v)[i];
            put_be64(p, (uint64_t)(x >> 64) ^ 0x8000000000000000ull);
            put_be64(p + 8, (uint64_t)x);
            w = 16;
            break;
        }
        default:
            break;
        }
        if (desc)
            for (uint32_t j = 0; j < w; j++)
                p[j] = (uint8_t)~p[j];
        cur[i] += 1 + w;
    }
}

/* Upper bound of a column's encoded bytes for row i. */
static inline uint32_t col_bound(const wr_vec *v, uint32_t i)
{
    if (!wr_vec_valid(v, i)) return 1;
    if (v->phys == WR_PHYS_STR) return 3 + 2 * WR_VEC_STR(v)[i].len;
    return 1 + v->width;
}

static int keys_encode(rk_keys *k, const wr_batch *in, const wr_sort_key *sk, const uint32_t *cols,
                       uint32_t nkeys, rk_seq_mode seq, uint64_t seq0)
{
    const uint32_t n = in->len;
    int rc = keys_reserve_rows(k, n);
    if (rc < 0) return rc;
    uint32_t *len = k->len;
    const uint32_t fixed = seq != RK_SEQ_NONE ? 8 : 0;
    for (uint32_t i = 0; i < n; i++)
        len[i] = fixed;
    for (uint32_t c = 0; c < nkeys; c++) {
        const wr_vec *v = &in->cols[sk ? sk[c].col : cols[c]];
        if (v->phys == WR_PHYS_STR) {
            for (uint32_t i = 0; i < n; i++)
                len[i] += col_bound(v, i);
        } else {
            const uint32_t w = 1 + v->width;
            for (uint32_t i = 0; i < n; i++)
                len[i] += wr_vec_valid(v, i) ? w : 1;
        }
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        k->off[i] = (uint32_t)WR_MIN(total, UINT32_MAX);
        total += len[i];
    }
    if ((rc = keys_reserve_bytes(k, total)) < 0) return rc;
    uint32_t *cur = len; /* reused: write positions */
    for (uint32_t i = 0; i < n; i++)
        cur[i] = k->off[i];
    for (uint32_t c = 0; c < nkeys; c++) {
        if (sk)
            encode_col(&in->cols[sk[c].col], n, sk[c].desc, sk[c].nulls_first, k->buf, cur);
        else
            encode_col(&in->cols[cols[c]], n, false, true, k->buf, cur);
    }
    if (seq != RK_SEQ_NONE) {
        const uint64_t inv = seq == RK_SEQ_DESC ? ~0ull : 0;
        for (uint32_t i = 0; i < n; i++) {
            put_be64(k->buf + cur[i], (seq0 + i) ^ inv);
            cur[i] += 8;
        }
    }
    for (uint32_t i = 0; i < n; i++)
        len[i] = cur[i] - k->off[i];
    return 0;
}

int wr_rk_keys_encode(rk_keys *k, const wr_batch *in, const wr_sort_key *keys, uint32_t nkeys,
                      rk_seq_mode seq, uint64_t seq0)
{
    static const wr_sort_key none = {0};
    return keys_encode(k, in, nkeys ? keys : &none, NULL, nkeys, seq, seq0);
}

int wr_rk_keys_encode_cols(rk_keys *k, const wr_batch *in, const uint32_t *cols, uint32_t ncols)
{
    static const uint32_t none = 0;
    return keys_encode(k, in, NULL, ncols ? cols : &none, ncols, RK_SEQ_NONE, 0);
}

/* ------------------------------------------------------------------------------------------
 * Row encoding
 * ---------------------------------------------------------------------------------------- */
size_t wr_rk_row_size(const wr_batch *in, uint32_t i)
{
    size_t n = in->ncols;
    for (uint32_t c = 0; c < in->ncols; c++) {
        const wr_vec *v = &in->cols[c];
        if (!wr_vec_valid(v, i)) continue;
        if (v->phys == WR_PHYS_STR)
            n += 4 + WR_VEC_STR(v)[i].len;
        else
            n += v->width;
    }
    return n;
}

void wr_rk_row_write(const wr_batch *in, uint32_t i, uint8_t *p)
{
    for (uint32_t c = 0; c < in->ncols; c++) {
        const wr_vec *v = &in->cols[c];
        bool valid = wr_vec_valid(v, i);
        *p++ = valid;
        if (!valid) continue;
        if (v->phys == WR_PHYS_STR) {
            const wr_strv *s = &WR_VEC_STR(v)[i];
            memcpy(p, &s->len, 4);
            if (s->len) memcpy(p + 4, s->ptr, s->len);
            p += 4 + s->len;
        } else if (v->width) {
            memcpy(p, (const uint8_t *)v->data + (size_t)i * v->width, v->width);
            p += v->width;
        }
    }
}

rk_row *wr_rk_row_new(wr_mem_owner *mem, const uint8_t *key, uint32_t klen, const wr_batch *in,
                      uint32_t i)
{
    size_t rlen = wr_rk_row_size(in, i);
    if (rlen > UINT32_MAX) return NULL;
    rk_row *r = wr_malloc_owned(mem, sizeof(rk_row) + klen + rlen);
    if (!r) return NULL;
    r->klen = klen;
    r->rlen = (uint32_t)rlen;
    r->aux = 0;
    if (klen) memcpy(r->data, key, klen);
    wr_rk_row_write(in, i, r->data + klen);
    return r;
}

bool wr_rk_row_equals(const wr_batch *in, uint32_t i, const uint8_t *rec, uint32_t rlen)
{
    const uint8_t *p = rec, *end = rec + rlen;
    for (uint32_t c = 0; c < in->ncols; c++) {
        const wr_vec *v = &in->cols[c];
        if (p >= end) return false;
        bool valid = wr_vec_valid(v, i);
        if (*p++ != valid) return false;
        if (!valid) continue;
        if (v->phys == WR_PHYS_STR) {
            const wr_strv *s = &WR_VEC_STR(v)[i];
            uint32_t l;
            if (end - p < 4) return false;
            memcpy(&l, p, 4);
            if (l != s->len || (size_t)(end - p - 4) < l) return false;
            if (l && memcmp(p + 4, s->ptr, l) != 0) return false;
            p += 4 + l;
        } else if (v->width) {
            if ((size_t)(end - p) < v->width) return false;
            if (memcmp(p, (const uint8_t *)v->data + (size_t)i * v->width, v->width) != 0)
                return false;
            p += v->width;
        }
    }
    return p == end;
}

int wr_rk_row_decode(const uint8_t *p, wr_batch *b, uint32_t ncols, uint32_t r)
{
    for (uint32_t c = 0; c < ncols; c++) {
        wr_vec *v = &b->cols[c];
        bool valid = *p++;
        wr_vec_set_valid(v, r, valid);
        if (v->phys == WR_PHYS_STR) {
            wr_strv *out = &WR_VEC_STR(v)[r];
            if (!valid) {
                *out = wr_strv_make(NULL, 0);
                continue;
            }
            uint32_t l;
            memcpy(&l, p, 4);
            int rc = wr_batch_copy_str(b, (const char *)p + 4, l, out);
            if (rc < 0) return rc;
            p += 4 + l;
        } else if (v->width) {
            uint8_t *dst = (uint8_t *)v->data + (size_t)r * v->width;
            if (valid) {
                memcpy(dst, p, v->width);
                p += v->width;
            } else {
                memset(dst, 0, v->width);
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Ordered list
 * ---------------------------------------------------------------------------------------- */
void wr_rk_list_clear(rk_list *l, bool free_rows)
{
    for (uint32_t b = 0; b < l->nblk; b++) {
        if (free_rows)
            for (uint32_t i = 0; i < l->blks[b]->n; i++)
                wr_free(l->blks[b]->rows[i]);
        wr_free(l->blks[b]);
    }
    wr_free(l->blks);
    memset(l, 0, sizeof(*l));
}

/* A block's key prefixes follow its row pointers: pfx[i] is the prefix of rows[i]'s key, so
 * binary searches compare integers and touch a row only when the prefixes are equal. */
static inline uint64_t *blk_pfx(const rk_blk *b)
{
    return (uint64_t *)(b->rows + b->cap);
}

static inline size_t blk_bytes(uint32_t cap)
{
    return sizeof(rk_blk) + (size_t)cap * (sizeof(rk_row *) + sizeof(uint64_t));
}

static void update_last(rk_list *l)
{
    if (!l->nblk) {
        l->last_pfx = 0;
        return;
    }
    const rk_blk *b = l->blks[l->nblk - 1];
    l->last_pfx = blk_pfx(b)[b->n - 1];
}

/* Compare row i of block b with key (prefix kp). */
static inline int blk_cmp(const rk_blk *b, uint32_t i, const uint8_t *key, uint32_t klen,
                          uint64_t kp)
{
    uint64_t p = blk_pfx(b)[i];
    if (p != kp) return p < kp ? -1 : 1;
    const rk_row *r = b->rows[i];
    return wr_rk_keycmp(RK_ROW_KEY(r), r->klen, key, klen);
}

/* First block whose last key is >= key (nblk when none); with `after`, the first whose last
 * key is > key. */
static uint32_t find_block(const rk_list *l, const uint8_t *key, uint32_t klen, uint64_t kp,
                           bool after)
{
    uint32_t lo = 0, hi = l->nblk;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const rk_blk *b = l->blks[mid];
        int c = blk_cmp(b, b->n - 1, key, klen, kp);
        if (after ? c > 0 : c >= 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static uint32_t find_in_block(const rk_blk *b, const uint8_t *key, uint32_t klen, uint64_t kp,
                              bool after)
{
    uint32_t lo = 0, hi = b->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = blk_cmp(b, mid, key, klen, kp);
        if (after ? c > 0 : c >= 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* 1-based position of (b, i), or cap + 1 when beyond cap. */
static uint64_t position_of(const rk_list *l, uint32_t b, uint32_t i, uint64_t cap)
{
    uint64_t pos = 0;
    for (uint32_t x = 0; x < b; x++) {
        pos += l->blks[x]->n;
        if (pos > cap) return cap + 1;
    }
    pos += (uint64_t)i + 1;
    return pos > cap ? cap + 1 : pos;
}

static rk_blk *blk_new(wr_mem_owner *mem, uint32_t cap)
{
    rk_blk *b = wr_malloc_owned(mem, blk_bytes(cap));
    if (!b) return NULL;
    b->n = 0;
    b->cap = cap;
    return b;
}

/* Grow a block's capacity (its prefixes move to the new end of the pointer array). */
static rk_blk *blk_grow(wr_mem_owner *mem, rk_blk *b, uint32_t ncap)
{
    rk_blk *nb = wr_realloc_owned(mem, b, blk_bytes(ncap));
    if (!nb) return NULL;
    uint64_t *old = (uint64_t *)(nb->rows + nb->cap);
    nb->cap = ncap;
    memmove(blk_pfx(nb), old, (size_t)nb->n * sizeof(uint64_t));
    return nb;
}

static int blks_insert(rk_list *l, wr_mem_owner *mem, uint32_t at, rk_blk *b)
{
    if (l->nblk == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 4;
        rk_blk **nb = wr_realloc_owned(mem, l->blks, (size_t)cap * sizeof(*nb));
        if (!nb) return WR_ENOMEM;
        l->blks = nb;
        l->cap = cap;
    }
    memmove(l->blks + at + 1, l->blks + at, (size_t)(l->nblk - at) * sizeof(*l->blks));
    l->blks[at] = b;
    l->nblk++;
    return 0;
}

int64_t wr_rk_list_insert(rk_list *l, wr_mem_owner *mem, rk_row *row, uint64_t cap)
{
    const uint8_t *key = RK_ROW_KEY(row);
    const uint64_t kp = wr_rk_key_prefix(key, row->klen);
    if (l->nblk == 0) {
        rk_blk *b = blk_new(mem, 2);
        if (!b) return WR_ENOMEM;
        if (blks_insert(l, mem, 0, b) < 0) {
            wr_free(b);
            return WR_ENOMEM;
        }
        b->rows[0] = row;
        blk_pfx(b)[0] = kp;
        b->n = 1;
        l->count = 1;
        l->last_pfx = kp;
        return 1;
    }
    uint32_t bi = find_block(l, key, row->klen, kp, true);
    if (bi == l->nblk) bi--; /* after every row: append to the last block */
    rk_blk *b = l->blks[bi];
    uint32_t i = find_in_block(b, key, row->klen, kp, true);
    if (b->n == b->cap) {
        if (b->cap < RK_BLK_MAX) {
            rk_blk *nb = blk_grow(mem, b, WR_MIN(b->cap * 2, RK_BLK_MAX));
            if (!nb) return WR_ENOMEM;
            l->blks[bi] = b = nb;
        } else {
            /* Split: the upper half moves to a new block after this one. */
            rk_blk *nb = blk_new(mem, RK_BLK_MAX);
            if (!nb) return WR_ENOMEM;
            uint32_t half = b->n / 2;
            nb->n = b->n - half;
            memcpy(nb->rows, b->rows + half, (size_t)nb->n * sizeof(rk_row *));
            memcpy(blk_pfx(nb), blk_pfx(b) + half, (size_t)nb->n * sizeof(uint64_t));
            if (blks_insert(l, mem, bi + 1, nb) < 0) {
                wr_free(nb);
                return WR_ENOMEM;
            }
            b->n = half;
            if (i > half) {
                i -= half;
                bi++;
                b = nb;
            }
        }
    }
    uint64_t *pf = blk_pfx(b);
    memmove(b->rows + i + 1, b->rows + i, (size_t)(b->n - i) * sizeof(rk_row *));
    memmove(pf + i + 1, pf + i, (size_t)(b->n - i) * sizeof(uint64_t));
    b->rows[i] = row;
    pf[i] = kp;
    b->n++;
    l->count++;
    update_last(l);
    return (int64_t)position_of(l, bi, i, cap);
}

uint64_t wr_rk_list_find(const rk_list *l, const uint8_t *key, uint32_t klen, const uint8_t *rec,
                         uint32_t rlen, uint64_t cap, rk_iter *it)
{
    const uint64_t kp = wr_rk_key_prefix(key, klen);
    uint32_t bi = find_block(l, key, klen, kp, false);
    if (bi == l->nblk) return 0;
    uint32_t i = find_in_block(l->blks[bi], key, klen, kp, false);
    for (;;) {
        if (bi >= l->nblk) return 0;
        const rk_blk *b = l->blks[bi];
        if (i >= b->n) {
            bi++;
            i = 0;
            continue;
        }
        const rk_row *r = b->rows[i];
        if (r->klen < klen || memcmp(RK_ROW_KEY(r), key, klen) != 0) return 0;
        if (r->rlen == rlen && memcmp(RK_ROW_REC(r), rec, rlen) == 0) {
            it->l = l;
            it->b = bi;
            it->i = i;
            return position_of(l, bi, i, cap);
        }
        i++;
    }
}

rk_row *wr_rk_list_remove(rk_list *l, const rk_iter *it)
{
    rk_blk *b = l->blks[it->b];
    rk_row *r = b->rows[it->i];
    uint64_t *pf = blk_pfx(b);
    size_t tail = (size_t)(b->n - it->i - 1);
    memmove(b->rows + it->i, b->rows + it->i + 1, tail * sizeof(rk_row *));
    memmove(pf + it->i, pf + it->i + 1, tail * sizeof(uint64_t));
    b->n--;
    l->count--;
    if (b->n == 0) {
        wr_free(b);
        memmove(l->blks + it->b, l->blks + it->b + 1,
                (size_t)(l->nblk - it->b - 1) * sizeof(*l->blks));
        l->nblk--;
    }
    update_last(l);
    return r;
}

rk_row *wr_rk_list_pop_last(rk_list *l)
{
    rk_iter it = {.l = l, .b = l->nblk - 1, .i = l->blks[l->nblk - 1]->n - 1};
    return wr_rk_list_remove(l, &it);
}

void wr_rk_list_seek(const rk_list *l, uint64_t pos, rk_iter *it)
{
    it->l = l;
    uint64_t skip = pos ? pos - 1 : 0;
    uint32_t b = 0;
    while (b < l->nblk && skip >= l->blks[b]->n) {
        skip -= l->blks[b]->n;
        b++;
    }
    it->b = b;
    it->i = (uint32_t)skip;
}

/* ------------------------------------------------------------------------------------------
 * Output batches
 * ---------------------------------------------------------------------------------------- */
void wr_rk_out_init(rk_out *o, wr_op_ctx *ctx, uint32_t ncols, bool rank_col, bool emit_ub)
{
    memset(o, 0, sizeof(*o));
    o->ctx = ctx;
    o->schema = wr_op_output_schema(ctx);
    o->mem = wr_op_mem(ctx);
    o->batch_rows = wr_op_batch_rows(ctx);
    if (o->batch_rows == 0) o->batch_rows = WR_BATCH_DEFAULT_ROWS;
    o->ncols = ncols;
    o->rank_col = rank_col;
    o->emit_ub = emit_ub;
}

int wr_rk_out_flush(rk_out *o)
{
    wr_batch *b = o->cur;
    o->cur = NULL;
    if (!b) return 0;
    return wr_op_emit(o->ctx, b);
}

void wr_rk_out_discard(rk_out *o)
{
    if (o->cur) wr_batch_release(o->cur);
    o->cur = NULL;
}

int wr_rk_out_row(rk_out *o, const uint8_t *rec, uint8_t kind, int64_t rank)
{
    if (kind == WR_RK_UPDATE_BEFORE && !o->emit_ub) return 0;
    if (!o->cur) {
        o->cur = wr_batch_new(o->schema, o->batch_rows, o->mem);
        if (!o->cur) return WR_ENOMEM;
    }
    wr_batch *b = o->cur;
    uint32_t r = b->len;
    int rc = wr_rk_row_decode(rec, b, o->ncols, r);
    if (rc < 0) return rc;
    if (o->rank_col) {
        wr_vec *v = &b->cols[o->ncols];
        WR_VEC_I64(v)[r] = rank;
        wr_vec_set_valid(v, r, true);
    }
    b->rowkind[r] = kind;
    b->len = r + 1;
    o->rows++;
    if (b->len == b->cap) return wr_rk_out_flush(o);
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Config helpers
 * ---------------------------------------------------------------------------------------- */
int wr_rk_nomem(wr_op_ctx *ctx, wr_error *err)
{
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory",
                        ctx ? wr_op_name(ctx) : "rank");
}

int wr_rk_check_cols(const char *what, const uint32_t *cols, uint32_t n, const wr_schema *in,
                     wr_error *err)
{
    for (uint32_t i = 0; i < n; i++) {
        if (cols[i] >= in->ncols)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                                "%s column %u out of range (%u columns)", what, cols[i], in->ncols);
        wr_phys p = wr_type_phys(&in->cols[cols[i]].type);
        if (p == WR_PHYS_NESTED)
            return wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                                "%s column '%s' has a type that cannot be compared (%s)", what,
                                in->cols[cols[i]].name,
                                wr_type_id_name((wr_type_id)in->cols[cols[i]].type.id));
    }
    return 0;
}

int wr_rk_check_sort(const wr_sort_key *keys, uint32_t n, const wr_schema *in, wr_error *err)
{
    for (uint32_t i = 0; i < n; i++) {
        int rc = wr_rk_check_cols("ORDER BY", &keys[i].col, 1, in, err);
        if (rc < 0) return rc;
    }
    return 0;
}

int wr_rk_schema(const wr_schema *in, bool rank_col, const char *rank_name, wr_schema **out,
                 wr_error *err)
{
    wr_schema *s = wr_schema_new(in->ncols + (rank_col ? 1 : 0));
    if (!s) goto nomem;
    for (uint32_t c = 0; c < in->ncols; c++)
        if (wr_schema_set(s, c, in->cols[c].name, in->cols[c].type) < 0) goto nomem;
    if (rank_col && wr_schema_set(s, in->ncols, rank_name ? rank_name : "w0$o0",
                                  wr_type_not_null(wr_type_make(WR_TYPE_BIGINT))) < 0)
        goto nomem;
    *out = s;
    return 0;
nomem:
    wr_schema_free(s);
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
}

int wr_rk_check_output(wr_op_ctx *ctx, bool rank_col, wr_error *err)
{
    const wr_schema *in = wr_op_input_schema(ctx, 0);
    const wr_schema *out = wr_op_output_schema(ctx);
    uint32_t want = in->ncols + (rank_col ? 1 : 0);
    if (out->ncols != want)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "%s: output schema has %u columns, %u expected", wr_op_name(ctx),
                            out->ncols, want);
    for (uint32_t c = 0; c < in->ncols; c++)
        if (wr_type_phys(&in->cols[c].type) != wr_type_phys(&out->cols[c].type))
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                                "%s: output column %u ('%s') differs in type from the input",
                                wr_op_name(ctx), c, out->cols[c].name);
    if (rank_col && wr_type_phys(&out->cols[in->ncols].type) != WR_PHYS_I64)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "%s: the rank column must be BIGINT", wr_op_name(ctx));
    return 0;
}

void wr_rk_stats_rows(wr_rank_stats *s, int64_t delta_rows, int64_t delta_parts, int64_t now_rows)
{
    if (!s) return;
    if (delta_rows) atomic_fetch_add_explicit(&s->rows, delta_rows, memory_order_relaxed);
    if (delta_parts) atomic_fetch_add_explicit(&s->partitions, delta_parts, memory_order_relaxed);
    int64_t peak = atomic_load_explicit(&s->peak_rows, memory_order_relaxed);
    while (now_rows > peak &&
           !atomic_compare_exchange_weak_explicit(&s->peak_rows, &peak, now_rows,
                                                  memory_order_relaxed, memory_order_relaxed)) {
    }
}
