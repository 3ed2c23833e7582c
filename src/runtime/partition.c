/* partition.c - hash partitioning by key group. wr_batch_hash_keys hashes the key columns of
 * every row, column by column in typed loops: integers by value (so INT 5 and BIGINT 5 hash
 * alike), doubles and floats by the bits of the double (with -0.0 folded into 0.0 and every
 * NaN into one), wide decimals by their 128 bits (by value when they fit 64), strings by
 * their bytes, NULL as a constant; columns are combined in order. A row goes to key group
 * hash % max_parallelism, and key group kg to subtask kg * parallelism / max_parallelism
 * (Flink's KeyGroupRangeAssignment). wr_rt_scatter_hash splits a batch into one batch per
 * target subtask with a counting sort of the row indexes and a typed gather per column;
 * string views keep pointing into the input batch, which the new batch retains. */
#include "runtime/runtime_int.h"

#include <string.h>

#define HASH_SEED 0x2545f4914f6cdd1dull
#define HASH_NULL 0x9ae16a3b2f90404full

static inline uint64_t hash_i64(int64_t v)
{
    return wr_hash_u64((uint64_t)v);
}

static inline uint64_t hash_f64(double d)
{
    uint64_t bits;
    if (d == 0.0) d = 0.0; /* -0.0 == 0.0 */
    if (d != d)
        bits = 0x7ff8000000000000ull;
    else
        memcpy(&bits, &d, sizeof bits);
    return wr_hash_u64(bits ^ 0x5851f42d4c957f2dull);
}

static inline uint64_t hash_i128(wr_i128 v)
{
    int64_t lo = (int64_t)v;
    if ((wr_i128)lo == v) return hash_i64(lo);
    return wr_hash_combine(wr_hash_u64((uint64_t)v), wr_hash_u64((uint64_t)(v >> 64)));
}

#define HASH_COLUMN(EXPR)                                                                          \
    do {                                                                                           \
        for (uint32_t i = 0; i < n; i++) {                                                         \
            uint64_t h = wr_vec_valid(v, i) ? (EXPR) : HASH_NULL;                                  \
            out[i] = wr_hash_combine(out[i], h);                                                   \
        }                                                                                          \
    } while (0)

void wr_batch_hash_keys(const wr_batch *b, const uint32_t *keys, uint32_t nkeys, uint64_t *out)
{
    uint32_t n = b->len;
    for (uint32_t i = 0; i < n; i++)
        out[i] = HASH_SEED;
    for (uint32_t k = 0; k < nkeys; k++) {
        const wr_vec *v = &b->cols[keys[k]];
        switch (v->phys) {
        case WR_PHYS_U8:
            HASH_COLUMN(hash_i64(WR_VEC_U8(v)[i]));
            break;
        case WR_PHYS_I8:
            HASH_COLUMN(hash_i64(WR_VEC_I8(v)[i]));
            break;
        case WR_PHYS_I16:
            HASH_COLUMN(hash_i64(WR_VEC_I16(v)[i]));
            break;
        case WR_PHYS_I32:
            HASH_COLUMN(hash_i64(WR_VEC_I32(v)[i]));
            break;
        case WR_PHYS_I64:
            HASH_COLUMN(hash_i64(WR_VEC_I64(v)[i]));
            break;
        case WR_PHYS_F32:
            HASH_COLUMN(hash_f64((double)WR_VEC_F32(v)[i]));
            break;
        case WR_PHYS_F64:
            HASH_COLUMN(hash_f64(WR_VEC_F64(v)[i]));
            break;
        case WR_PHYS_I128:
            HASH_COLUMN(hash_i128(WR_VEC_I128(v)[i]));
            break;
        case WR_PHYS_STR:
            HASH_COLUMN(wr_hash_bytes(WR_VEC_STR(v)[i].ptr, WR_VEC_STR(v)[i].len));
            break;
        case WR_PHYS_NONE:
        case WR_PHYS_NESTED:
        default:
            for (uint32_t i = 0; i < n; i++)
                out[i] = wr_hash_combine(out[i], HASH_NULL);
            break;
        }
    }
}

static int ensure_scratch(wr_rt_task *t, uint32_t rows, uint32_t par)
{
    if (rows > t->scratch_cap) {
        uint32_t cap = (uint32_t)wr_next_pow2(rows);
        wr_mem_owner *o = &t->tail->mem;
        uint64_t *h = wr_realloc_owned(o, t->hash, cap * sizeof *h);
        if (!h) return WR_ENOMEM;
        t->hash = h;
        uint32_t *tg = wr_realloc_owned(o, t->tgt, cap * sizeof *tg);
        if (!tg) return WR_ENOMEM;
        t->tgt = tg;
        uint32_t *pm = wr_realloc_owned(o, t->perm, cap * sizeof *pm);
        if (!pm) return WR_ENOMEM;
        t->perm = pm;
        t->scratch_cap = cap;
    }
    if (par + 1 > t->counts_cap) {
        uint32_t *c = wr_realloc_owned(&t->tail->mem, t->counts, 2 * (par + 1) * sizeof *c);
        if (!c) return WR_ENOMEM;
        t->counts = c;
        t->counts_cap = par + 1;
    }
    return WR_OK;
}

int wr_rt_scatter_hash(wr_rt_task *t, wr_rt_out *o, wr_batch *b)
{
    uint32_t n = b->len, par = o->nchans, maxp = wr_rt_job_max_par(t->x);
    if (par == 1) return wr_rt_push_batch(t, o->chans[0], b);
    int rc = ensure_scratch(t, n, par);
    if (rc != WR_OK) {
        wr_batch_release(b);
        return wr_rt_task_error(t, t->tail->name, rc, NULL);
    }
    uint32_t *counts = t->counts, *starts = t->counts + (par + 1);
    wr_batch_hash_keys(b, o->edge->keys, o->edge->nkeys, t->hash);
    memset(counts, 0, (par + 1) * sizeof *counts);
    if ((maxp & (maxp - 1)) == 0) {
        /* Power-of-two max parallelism (the default 128): the same key group and subtask as
         * the general formula, with a mask and a shift instead of two divisions per row. */
        uint64_t mask = maxp - 1;
        unsigned shift = (unsigned)__builtin_ctz(maxp);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t target = (uint32_t)(((t->hash[i] & mask) * par) >> shift);
            t->tgt[i] = target;
            counts[target]++;
        }
    } else {
        for (uint32_t i = 0; i < n; i++) {
            uint32_t target = wr_keygroup_subtask(wr_keygroup_of(t->hash[i], maxp), par, maxp);
            t->tgt[i] = target;
            counts[target]++;
        }
    }
    if (counts[t->tgt[0]] == n) return wr_rt_push_batch(t, o->chans[t->tgt[0]], b);

    uint32_t acc = 0;
    for (uint32_t j = 0; j < par; j++) {
        starts[j] = acc;
        acc += counts[j];
    }
    for (uint32_t i = 0; i < n; i++)
        t->perm[starts[t->tgt[i]]++] = i;
    rc = WR_OK;
    uint32_t begin = 0;
    for (uint32_t j = 0; j < par && rc == WR_OK; j++) {
        if (!counts[j]) continue;
        wr_batch *part = wr_batch_gather(b, t->perm + begin, counts[j], &t->tail->mem);
        begin += counts[j];
        if (!part) {
            rc = wr_rt_task_error(t, t->tail->name, WR_ENOMEM, NULL);
            break;
        }
        rc = wr_rt_push_batch(t, o->chans[j], part);
    }
    wr_batch_release(b);
    return rc;
}
