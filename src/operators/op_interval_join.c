/* op_interval_join.c - the event-time interval join (Flink's RowTimeIntervalJoin): equal keys
 * and r.ts + lower <= l.ts <= r.ts + upper over two append-only inputs, INNER, LEFT, RIGHT or
 * FULL. Keyed state is a table (open addressing) from the encoded join key to a key entry holding,
 * per side, the buffered rows sorted by rowtime (an array of (ts, row) with a moving head, so
 * expiry removes a prefix and matching is a binary search for the other side's time range).
 *
 * A batch arrives from one side. Keys and rows of the whole batch are encoded, each row's
 * candidate rows of the other side are found by binary search, the residual predicate is
 * evaluated over all candidate pairs at once, and then each row emits its joined rows, marks
 * the matched rows of an outer other side, and is buffered if rows of the other side that are
 * still to come can match it (Flink's test: watermark < ts + its side's relative size). A row
 * that is not buffered and matched nothing is emitted null-padded at once on an outer side,
 * else it is dropped and counted as late.
 *
 * Expiry uses one min-heap of (cleanup time, key entry, side), with at most one live entry per
 * key side (the key records the time it scheduled; older entries are recognized as stale when
 * popped). On a watermark every due key side loses the rows whose last possible match is
 * behind it, unmatched rows of an outer side are emitted null-padded, and the output
 * watermark is the input watermark held back by Flink's delay max(-lower, upper). */
#include "operators/op_join_internal.h"

typedef struct irow {
    int64_t ts;
    uint32_t len;
    uint8_t emitted; /* joined at least once (outer sides) */
    uint8_t _pad[3];
    uint8_t bytes[];
} irow;

typedef struct islot {
    int64_t ts;
    irow *r;
} islot;

typedef struct iside {
    islot *s; /* live rows are [head, len), sorted by ts, equal ts in arrival order */
    uint32_t head, len, cap;
    bool scheduled;
    int64_t sched; /* cleanup time of the live heap entry */
} iside;

typedef struct ikey {
    iside side[2];
    uint64_t hash;
    uint32_t refs; /* heap entries pointing here (live or stale) */
    uint32_t klen;
    uint8_t key[];
} ikey;

typedef struct ij_state {
    const wr_interval_join_config *cfg;
    wr_mem_owner *mem;
    jcore jc; /* codecs, residual, output writer, key and row scratch */
    uint32_t ncols[2];
    uint32_t time_col[2];
    bool outer[2];
    int64_t tick;         /* Flink's 1 ms for millisecond rowtimes, else 1 us */
    int64_t lower, upper; /* inclusive bounds */
    int64_t rel[2];       /* Flink's leftRelativeSize (-lower), rightRelativeSize (upper) */
    int64_t delay;        /* watermark hold-back */
    bool never;           /* lower > upper: nothing can ever match */
    int64_t wm_floor;     /* the watermark at the restored checkpoint (MIN without one) */
    jtab keys;            /* join key -> ikey */
    wr_heap heap;         /* value: ikey address | side */

    int64_t rows[2], nkeys, bytes;
    int64_t pub_rows[2], pub_keys, pub_bytes;
    uint64_t pub_emitted;

    /* Scratch. */
    uint32_t cap;
    uint64_t *hash;
    uint8_t *nullkey;
    ikey **kent;
    uint32_t *moff;
    irow **cand;
    uint32_t *prow;
    uint8_t *keep;
    uint32_t cand_cap, prow_cap, keep_cap;
    uintptr_t pl[WR_JOIN_PAIR_CHUNK], pr[WR_JOIN_PAIR_CHUNK];
    irow **dead; /* expired rows, freed after the output that refers to them is flushed */
    uint32_t ndead, dead_cap;
} ij_state;

static inline int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static inline int64_t sat_neg(int64_t a)
{
    return a == INT64_MIN ? INT64_MAX : -a;
}

/* ------------------------------------------------------------------------------------------
 * Config
 * ---------------------------------------------------------------------------------------- */
static bool is_time(const wr_type *t)
{
    return t->id == WR_TYPE_TIMESTAMP || t->id == WR_TYPE_TIMESTAMP_LTZ;
}

int wr_interval_join_check(const wr_interval_join_config *c, const wr_schema *left,
                           const wr_schema *right, wr_error *err)
{
    if (c->join.type > WR_JOIN_FULL)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "an interval join is INNER, LEFT, RIGHT or FULL, not %s",
                            wr_join_type_name(c->join.type));
    int rc = wr_join_spec_check(&c->join, left, right, false, false, err);
    if (rc < 0) return rc;
    if (c->left_time_col >= left->ncols || c->right_time_col >= right->ncols)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "interval join time column out of range");
    if (!is_time(&left->cols[c->left_time_col].type) ||
        !is_time(&right->cols[c->right_time_col].type))
        return wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                            "an interval join needs TIMESTAMP or TIMESTAMP_LTZ rowtime columns "
                            "on both sides");
    return 0;
}

/* Flink's time unit is the millisecond: its "+1"/"-1" (exclusive bounds, expiry) are 1 ms for
 * rowtimes of precision <= 3, and 1 us for finer ones. */
static int64_t time_tick(const wr_interval_join_config *c, const wr_schema *l, const wr_schema *r)
{
    int p =
        WR_MAX(l->cols[c->left_time_col].type.precision, r->cols[c->right_time_col].type.precision);
    return p <= 3 ? 1000 : 1;
}

static void bounds(const wr_interval_join_config *c, int64_t tick, int64_t *lo, int64_t *hi)
{
    *lo = c->lower_exclusive ? sat_add(c->lower_us, tick) : c->lower_us;
    *hi = c->upper_exclusive ? sat_add(c->upper_us, -tick) : c->upper_us;
}

int64_t wr_interval_join_watermark_delay(const wr_interval_join_config *c, const wr_schema *left,
                                         const wr_schema *right)
{
    int64_t lo, hi;
    bounds(c, time_tick(c, left, right), &lo, &hi);
    if (lo > hi) return 0;
    int64_t d = WR_MAX(sat_neg(lo), hi);
    return d > 0 ? d : 0;
}

/* ------------------------------------------------------------------------------------------
 * Open / close
 * ---------------------------------------------------------------------------------------- */
static void free_key(ikey *k)
{
    for (int s = 0; s < 2; s++) {
        for (uint32_t i = k->side[s].head; i < k->side[s].len; i++)
            wr_free(k->side[s].s[i].r);
        wr_free(k->side[s].s);
    }
    wr_free(k);
}

static void ij_close(void *state)
{
    ij_state *st = state;
    if (!st) return;
    for (uint32_t i = 0; i < st->keys.cap; i++)
        if (st->keys.s[i].e) free_key(st->keys.s[i].e);
    wr_jtab_free(&st->keys);
    wr_heap_free(&st->heap);
    for (uint32_t i = 0; i < st->ndead; i++)
        wr_free(st->dead[i]);
    wr_jcore_free(&st->jc);
    wr_free(st->hash);
    wr_free(st->nullkey);
    wr_free(st->kent);
    wr_free(st->moff);
    wr_free(st->cand);
    wr_free(st->prow);
    wr_free(st->keep);
    wr_free(st->dead);
    wr_free(st);
}

static int ij_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_interval_join_config *cfg = config;
    const wr_schema *ls, *rs;
    int rc = wr_join_inputs(ctx, &ls, &rs, err);
    if (rc < 0) return rc;
    if ((rc = wr_join_checked(ctx, &cfg->join, wr_interval_join_check(cfg, ls, rs, err), err)) < 0)
        return rc;
    ij_state *st = wr_calloc_owned(wr_op_mem(ctx), 1, sizeof(*st));
    if (!st) return wr_join_nomem(ctx, err);
    st->cfg = cfg;
    st->mem = wr_op_mem(ctx);
    wr_jtab_init(&st->keys, offsetof(ikey, klen), offsetof(ikey, key), st->mem);
    wr_heap_init(&st->heap, st->mem);
    const wr_join_spec *j = &cfg->join;
    st->outer[0] = wr_join_left_outer(j->type);
    st->outer[1] = wr_join_right_outer(j->type);
    st->ncols[0] = ls->ncols;
    st->ncols[1] = rs->ncols;
    st->time_col[0] = cfg->left_time_col;
    st->time_col[1] = cfg->right_time_col;
    st->tick = time_tick(cfg, ls, rs);
    bounds(cfg, st->tick, &st->lower, &st->upper);
    st->never = st->lower > st->upper;
    st->rel[0] = sat_neg(st->lower);
    st->rel[1] = st->upper;
    st->delay = wr_interval_join_watermark_delay(cfg, ls, rs);
    st->wm_floor = WR_WATERMARK_MIN;
    if ((rc = wr_jcore_init(&st->jc, ctx, j, ls, rs, true, st->mem, err)) < 0) goto fail;
    *state = st;
    return 0;
fail:
    ij_close(st);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * State helpers
 * ---------------------------------------------------------------------------------------- */
static void publish_stats(ij_state *st, wr_op_ctx *ctx, uint64_t late)
{
    if (late) wr_op_count_late(ctx, late);
    wr_join_stats *s = st->cfg->join.stats;
    if (!s) return;
    for (int i = 0; i < 2; i++) {
        atomic_fetch_add(&s->rows[i], st->rows[i] - st->pub_rows[i]);
        st->pub_rows[i] = st->rows[i];
    }
    int64_t bytes = st->bytes + (int64_t)wr_jtab_bytes(&st->keys);
    atomic_fetch_add(&s->keys, st->nkeys - st->pub_keys);
    atomic_fetch_add(&s->state_bytes, bytes - st->pub_bytes);
    atomic_fetch_add(&s->emitted, st->jc.w.emitted - st->pub_emitted);
    atomic_fetch_add(&s->late_dropped, late);
    st->pub_keys = st->nkeys;
    st->pub_bytes = bytes;
    st->pub_emitted = st->jc.w.emitted;
}

static int reserve(ij_state *st, uint32_t n)
{
    if (n <= st->cap) return 0;
    uint32_t cap = (uint32_t)wr_next_pow2(n);
#define GROW(f, m)                                                                                 \
    do {                                                                                           \
        void *p_ = wr_realloc_owned(st->mem, st->f, (size_t)(m) * sizeof(*st->f));                 \
        if (!p_) return WR_ENOMEM;                                                                 \
        st->f = p_;                                                                                \
    } while (0)
    GROW(hash, cap);
    GROW(nullkey, cap);
    GROW(kent, cap);
    GROW(moff, cap + 1);
#undef GROW
    st->cap = cap;
    return 0;
}

static ikey *key_find_or_new(ij_state *st, uint64_t hash, const uint8_t *kb, uint32_t kl)
{
    ikey *k = wr_jtab_find(&st->keys, hash, kb, kl);
    if (k) return k;
    k = wr_calloc_owned(st->mem, 1, sizeof(ikey) + kl);
    if (!k || wr_jtab_insert(&st->keys, hash, k) < 0) {
        wr_free(k);
        return NULL;
    }
    k->hash = hash;
    k->klen = kl;
    memcpy(k->key, kb, kl);
    st->nkeys++;
    st->bytes += (int64_t)(sizeof(ikey) + kl);
    return k;
}

static ikey *key_create(ij_state *st, uint32_t i, int *rc)
{
    const uint8_t *kb = wr_jenc_row(&st->jc.kenc, i);
    uint32_t kl = wr_jenc_len(&st->jc.kenc, i);
    ikey *k = key_find_or_new(st, st->hash[i], kb, kl);
    if (!k) *rc = WR_ENOMEM;
    return k;
}

static void key_maybe_drop(ij_state *st, ikey *k)
{
    if (k->refs || k->side[0].head < k->side[0].len || k->side[1].head < k->side[1].len) return;
    wr_jtab_remove(&st->keys, k->hash, k);
    if (st->keys.n == 0) wr_jtab_free(&st->keys);
    st->nkeys--;
    st->bytes -= (int64_t)(sizeof(ikey) + k->klen);
    st->bytes -= (int64_t)(k->side[0].cap + k->side[1].cap) * (int64_t)sizeof(islot);
    free_key(k);
}

static int schedule(ij_state *st, ikey *k, int s, int64_t when)
{
    iside *sd = &k->side[s];
    if (sd->scheduled && sd->sched <= when) return 0;
    uint64_t v = (uint64_t)(uintptr_t)k | (uint64_t)s;
    if (wr_heap_push(&st->heap, when, v) < 0) return WR_ENOMEM;
    sd->scheduled = true;
    sd->sched = when;
    k->refs++;
    return 0;
}

/* Buffer a row (side s, time ts, rl bytes at rb) under key k. */
static int buffer_bytes(ij_state *st, ikey *k, int s, int64_t ts, const uint8_t *rb, uint32_t rl,
                        bool emitted)
{
    iside *sd = &k->side[s];
    if (sd->len == sd->cap) {
        if (sd->head > 0 && sd->head >= sd->len / 2) {
            memmove(sd->s, sd->s + sd->head, (size_t)(sd->len - sd->head) * sizeof(islot));
            sd->len -= sd->head;
            sd->head = 0;
        } else {
            uint32_t nc = sd->cap ? 2 * sd->cap : 4;
            islot *ns = wr_realloc_owned(st->mem, sd->s, (size_t)nc * sizeof(islot));
            if (!ns) return WR_ENOMEM;
            st->bytes += (int64_t)(nc - sd->cap) * (int64_t)sizeof(islot);
            sd->s = ns;
            sd->cap = nc;
        }
    }
    irow *r = wr_malloc_owned(st->mem, sizeof(irow) + rl);
    if (!r) return WR_ENOMEM;
    r->ts = ts;
    r->len = rl;
    r->emitted = emitted;
    memset(r->_pad, 0, sizeof(r->_pad));
    memcpy(r->bytes, rb, rl);
    /* Insert after every row with ts' <= ts (mostly an append). */
    uint32_t pos = sd->len;
    if (pos > sd->head && sd->s[pos - 1].ts > ts) {
        uint32_t lo = sd->head, hi = sd->len;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (sd->s[mid].ts <= ts)
                lo = mid + 1;
            else
                hi = mid;
        }
        pos = lo;
        memmove(sd->s + pos + 1, sd->s + pos, (size_t)(sd->len - pos) * sizeof(islot));
    }
    sd->s[pos] = (islot){ts, r};
    sd->len++;
    st->rows[s]++;
    st->bytes += (int64_t)(sizeof(irow) + rl);
    if (schedule(st, k, s, sat_add(sat_add(ts, st->rel[s]), st->tick)) < 0) {
        /* The row stays buffered; the failure fails the task anyway. */
        return WR_ENOMEM;
    }
    return 0;
}

/* Buffer input row i (side s, time ts) under key k. */
static int buffer_row(ij_state *st, ikey *k, int s, uint32_t i, int64_t ts, bool emitted)
{
    return buffer_bytes(st, k, s, ts, wr_jenc_row(&st->jc.renc, i), wr_jenc_len(&st->jc.renc, i),
                        emitted);
}

/* First index in [head, len) with ts >= t. */
static uint32_t lower_bound(const iside *sd, int64_t t)
{
    uint32_t lo = sd->head, hi = sd->len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (sd->s[mid].ts < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ------------------------------------------------------------------------------------------
 * Processing
 * ---------------------------------------------------------------------------------------- */
/* Candidate range of side `other` for a row of `side` at ts: [ts + a, ts + b]. */
static void range_of(const ij_state *st, int side, int64_t ts, int64_t *a, int64_t *b)
{
    if (side == 0) { /* l.ts - upper <= r.ts <= l.ts - lower */
        *a = sat_add(ts, sat_neg(st->upper));
        *b = sat_add(ts, sat_neg(st->lower));
    } else { /* r.ts + lower <= l.ts <= r.ts + upper */
        *a = sat_add(ts, st->lower);
        *b = sat_add(ts, st->upper);
    }
}

static int collect(ij_state *st, int side, const int64_t *ts, uint32_t n, uint32_t i, uint32_t *end,
                   uint32_t *npairs)
{
    const int other = 1 - side;
    uint32_t np = 0, j = i;
    for (; j < n; j++) {
        ikey *k = st->kent[j];
        uint32_t a = 0, b = 0;
        if (k) {
            int64_t lo, hi;
            range_of(st, side, ts[j], &lo, &hi);
            const iside *sd = &k->side[other];
            a = lower_bound(sd, lo);
            b = hi == INT64_MAX ? sd->len : lower_bound(sd, hi + 1);
            if (b < a) b = a;
        }
        uint32_t c = b - a;
        if (j > i && np + c > WR_JOIN_PAIR_CHUNK) break;
        st->moff[j - i] = np;
        if (!c) continue;
        if (wr_join_grow(st->mem, (void **)&st->cand, &st->cand_cap, np + c, sizeof(irow *)) < 0 ||
            wr_join_grow(st->mem, (void **)&st->prow, &st->prow_cap, np + c, sizeof(uint32_t)) < 0)
            return WR_ENOMEM;
        for (uint32_t q = a; q < b; q++) {
            st->cand[np] = k->side[other].s[q].r;
            st->prow[np++] = j;
        }
    }
    st->moff[j - i] = np;
    *end = j;
    *npairs = np;
    return 0;
}

static int filter_pairs(ij_state *st, int side, const wr_batch *in, uint32_t i, uint32_t end,
                        uint32_t np, wr_error *err)
{
    if (wr_join_grow(st->mem, (void **)&st->keep, &st->keep_cap, np, 1) < 0) return WR_ENOMEM;
    jside in_side = {.src = JSRC_INPUT, .in = in, .ncols = st->ncols[side]};
    jside st_side = {.src = JSRC_STORED, .rc = &st->jc.rc[1 - side], .ncols = st->ncols[1 - side]};
    const jside *l = side == 0 ? &in_side : &st_side, *r = side == 0 ? &st_side : &in_side;
    for (uint32_t p0 = 0; p0 < np; p0 += WR_JOIN_PAIR_CHUNK) {
        uint32_t m = WR_MIN(WR_JOIN_PAIR_CHUNK, np - p0);
        uintptr_t *a = side == 0 ? st->pl : st->pr, *b = side == 0 ? st->pr : st->pl;
        for (uint32_t q = 0; q < m; q++) {
            a[q] = JREF_INPUT(st->prow[p0 + q]);
            b[q] = JREF_STORED(st->cand[p0 + q]->bytes);
        }
        int rc = wr_jresid_eval(&st->jc.resid, l, st->pl, r, st->pr, m, st->keep + p0, err);
        if (rc < 0) return rc;
    }
    uint32_t w = 0;
    for (uint32_t r0 = i; r0 < end; r0++) {
        uint32_t a = st->moff[r0 - i], b = st->moff[r0 - i + 1];
        st->moff[r0 - i] = w;
        for (uint32_t p = a; p < b; p++)
            if (st->keep[p]) st->cand[w++] = st->cand[p];
    }
    st->moff[end - i] = w;
    return 0;
}

#define EMIT(aref, bref)                                                                           \
    do {                                                                                           \
        int rc_ = side == 0 ? wr_jw_add(&st->jc.w, WR_RK_INSERT, (aref), (bref), err)              \
                            : wr_jw_add(&st->jc.w, WR_RK_INSERT, (bref), (aref), err);             \
        if (rc_ < 0) return rc_;                                                                   \
    } while (0)

/* TimeIntervalJoin.processElement1/2 for input row i and its matches. */
static int handle_row(ij_state *st, int side, uint32_t i, int64_t ts, bool ts_ok, int64_t wm,
                      irow **m, uint32_t nm, uint64_t *late, wr_error *err)
{
    const uintptr_t me = JREF_INPUT(i);
    for (uint32_t q = 0; q < nm; q++) {
        EMIT(me, JREF_STORED(m[q]->bytes));
        m[q]->emitted = 1;
    }
    bool can_match = ts_ok && !st->nullkey[i];
    /* Rows of the other side still to come (ts > wm) can match this one. */
    if (can_match && wm < sat_add(ts, st->rel[side])) {
        int rc = 0;
        ikey *k = st->kent[i] ? st->kent[i] : key_create(st, i, &rc);
        if (!k || buffer_row(st, k, side, i, ts, nm > 0) < 0)
            return wr_join_nomem(st->jc.w.ctx, err);
        return 0;
    }
    if (nm > 0) return 0;
    if (st->outer[side])
        EMIT(me, JREF_NULL);
    else if (can_match && ts <= wm)
        (*late)++; /* behind the watermark: its matches may have been purged already */
    return 0;
}

static int ij_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    ij_state *st = state;
    const uint32_t n = in->len;
    const int side = input == 0 ? 0 : 1;
    uint64_t late = 0;
    int rc = 0;
    if (n == 0) return 0;
    for (uint32_t i = 0; i < n; i++)
        if (in->rowkind[i] != WR_RK_INSERT)
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "%s: an interval join does not support consuming update and "
                                "delete changes (input %u has a %s row)",
                                wr_op_name(ctx), input, wr_rowkind_str(in->rowkind[i]));
    if (reserve(st, n) < 0) return wr_join_nomem(ctx, err);
    const wr_vec *tv = &in->cols[st->time_col[side]];
    const int64_t *ts = WR_VEC_I64(tv);
    /* After a restore, the watermark of the checkpoint until the sources pass it again. */
    const int64_t wm = WR_MAX(wr_op_current_watermark(ctx), st->wm_floor);

    wr_jw_begin(&st->jc.w, in, side == 0 ? JSRC_INPUT : JSRC_STORED,
                side == 0 ? JSRC_STORED : JSRC_INPUT);
    if (st->never) { /* bounds that nothing satisfies: Flink pads or drops every row */
        if (st->outer[side])
            for (uint32_t i = 0; i < n; i++)
                if ((rc = side == 0
                              ? wr_jw_add(&st->jc.w, WR_RK_INSERT, JREF_INPUT(i), 0, err)
                              : wr_jw_add(&st->jc.w, WR_RK_INSERT, 0, JREF_INPUT(i), err)) < 0)
                    goto out;
        rc = wr_jw_flush(&st->jc.w, err);
        goto out;
    }

    wr_batch_hash_keys(in, st->jc.kc[side].cols, st->jc.kc[side].n, st->hash);
    if (wr_jkey_encode(&st->jc.kc[side], in, &st->jc.kenc, st->nullkey, st->mem) < 0 ||
        wr_jrow_encode(&st->jc.rc[side], in, &st->jc.renc, st->mem) < 0)
        return wr_join_nomem(ctx, err);
    /* One table lookup per row: a row that will be buffered creates its key entry now. */
    for (uint32_t i = 0; i < n; i++) {
        st->kent[i] = NULL;
        if (st->nullkey[i] || !wr_vec_valid(tv, i)) continue;
        if (wm < sat_add(ts[i], st->rel[side])) {
            if (!(st->kent[i] = key_create(st, i, &rc))) {
                rc = wr_join_nomem(ctx, err);
                goto out;
            }
            continue;
        }
        st->kent[i] = wr_jtab_find(&st->keys, st->hash[i], wr_jenc_row(&st->jc.kenc, i),
                                   wr_jenc_len(&st->jc.kenc, i));
    }
    for (uint32_t i = 0; i < n;) {
        uint32_t end, np;
        if (collect(st, side, ts, n, i, &end, &np) < 0) {
            rc = wr_join_nomem(ctx, err);
            goto out;
        }
        if (st->jc.resid.prog && np && (rc = filter_pairs(st, side, in, i, end, np, err)) < 0) {
            if (rc == WR_ENOMEM) rc = wr_join_nomem(ctx, err);
            goto out;
        }
        for (uint32_t r = i; r < end; r++) {
            uint32_t a = st->moff[r - i], b = st->moff[r - i + 1];
            if ((rc = handle_row(st, side, r, ts[r], wr_vec_valid(tv, r), wm, st->cand + a, b - a,
                                 &late, err)) < 0)
                goto out;
        }
        i = end;
    }
    rc = wr_jw_flush(&st->jc.w, err);
out:
    st->jc.w.n = 0;
    publish_stats(st, ctx, late);
    return rc;
}

/* Expire the rows of key side (k, s) whose last possible match is behind wm. */
static int expire(ij_state *st, ikey *k, int s, int64_t wm, wr_error *err)
{
    iside *sd = &k->side[s];
    const int64_t keep = sat_add(st->rel[s], st->tick);
    uint32_t i = sd->head;
    for (; i < sd->len && sat_add(sd->s[i].ts, keep) <= wm; i++) {
        irow *r = sd->s[i].r;
        int rc =
            wr_join_grow(st->mem, (void **)&st->dead, &st->dead_cap, st->ndead + 1, sizeof(irow *));
        if (rc < 0) {
            sd->head = i;
            return wr_join_nomem(st->jc.w.ctx, err);
        }
        st->dead[st->ndead++] = r;
        st->rows[s]--;
        st->bytes -= (int64_t)(sizeof(irow) + r->len);
        if (st->outer[s] && !r->emitted) {
            uintptr_t me = JREF_STORED(r->bytes);
            sd->head = i + 1;
            rc = s == 0 ? wr_jw_add(&st->jc.w, WR_RK_INSERT, me, 0, err)
                        : wr_jw_add(&st->jc.w, WR_RK_INSERT, 0, me, err);
            if (rc < 0) return rc;
        }
    }
    sd->head = i;
    if (sd->head == sd->len) sd->head = sd->len = 0;
    if (sd->head < sd->len) {
        if (schedule(st, k, s, sat_add(sd->s[sd->head].ts, keep)) < 0)
            return wr_join_nomem(st->jc.w.ctx, err);
    }
    return 0;
}

static void free_dead(ij_state *st)
{
    for (uint32_t i = 0; i < st->ndead; i++)
        wr_free(st->dead[i]);
    st->ndead = 0;
}

static int ij_watermark(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err)
{
    ij_state *st = state;
    int rc = 0;
    wr_jw_begin(&st->jc.w, NULL, JSRC_STORED, JSRC_STORED);
    int64_t t;
    uint64_t v;
    while (wr_heap_peek(&st->heap, &t, &v) && t <= wm) {
        wr_heap_pop(&st->heap, &t, &v);
        ikey *k = (ikey *)(uintptr_t)(v & ~(uint64_t)1);
        int s = (int)(v & 1);
        k->refs--;
        iside *sd = &k->side[s];
        if (sd->scheduled && sd->sched == t) {
            sd->scheduled = false;
            if ((rc = expire(st, k, s, wm, err)) < 0) break;
        }
        key_maybe_drop(st, k);
    }
    if (rc == 0) rc = wr_jw_flush(&st->jc.w, err);
    st->jc.w.n = 0;
    free_dead(st);
    publish_stats(st, ctx, 0);
    if (rc < 0) return rc;
    if (st->never) return wr_op_emit_watermark(ctx, wm);
    int64_t out = wm == WR_WATERMARK_MAX ? wm : sat_add(wm, -st->delay);
    return wr_op_emit_watermark(ctx, out);
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints. Keyed records of table "interval_join.row", one per buffered row: namespace =
 * the side (0 left, 1 right), key = the encoded join key, value = the key's partition hash
 * (u64 little-endian: wr_batch_hash_keys over the join key columns, as the HASH edges of
 * both inputs compute it; it gives the key group and the table slot), the rowtime (i64 LE,
 * microseconds), a flag byte (1: the row has been joined, so an outer side does not pad it
 * at expiry), then the row (jrow_codec layout of that side's input). A key side's rows come
 * in buffer order (by rowtime, ties in arrival order). One operator record
 * "interval_join.wm" per instance: the watermark at the snapshot (i64 LE); a restore takes
 * the largest and uses it for the buffering and lateness decisions until the sources'
 * watermark passes it again. The cleanup heap is not written: a key side's due time is always
 * its first row's rowtime + relative size + 1 tick, so the restore schedules it from the rows.
 * ---------------------------------------------------------------------------------------- */
#define IJ_TABLE    "interval_join.row"
#define IJ_WM_TABLE "interval_join.wm"
#define IJ_HEAD     17u

static int ij_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w, wr_error *err)
{
    ij_state *st = state;
    (void)id;
    const uint32_t max_par = wr_op_max_parallelism(ctx);
    wr_buf val;
    wr_buf_init(&val);
    int rc = 0;
    for (uint32_t i = 0; i < st->keys.cap && rc == 0; i++) {
        const ikey *k = st->keys.s[i].e;
        if (!k) continue;
        const uint32_t kg = wr_keygroup_of(k->hash, max_par);
        for (int s = 0; s < 2 && rc == 0; s++) {
            const iside *sd = &k->side[s];
            for (uint32_t j = sd->head; j < sd->len; j++) {
                const irow *r = sd->s[j].r;
                uint8_t head[IJ_HEAD];
                wr_le_put(head, k->hash, 8);
                wr_le_put(head + 8, (uint64_t)r->ts, 8);
                head[16] = r->emitted;
                if (wr_join_rec_value(&val, head, IJ_HEAD, r->bytes, r->len) < 0) {
                    rc = wr_join_nomem(ctx, err);
                    break;
                }
                if ((rc = wr_snap_put(w, IJ_TABLE, kg, s, k->key, k->klen, val.ptr,
                                      (uint32_t)val.len, err)) < 0)
                    break;
            }
        }
    }
    wr_buf_free(&val);
    if (rc < 0) return rc;
    return wr_join_put_wm(w, IJ_WM_TABLE, WR_MAX(wr_op_current_watermark(ctx), st->wm_floor), err);
}

static int ij_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    ij_state *st = state;
    int rc = wr_join_get_wm(ctx, r, IJ_WM_TABLE, &st->wm_floor, err);
    if (rc < 0) return rc;
    wr_snap_rec rec;
    while ((rc = wr_snap_next(r, IJ_TABLE, &rec, err)) == 1) {
        if ((rec.ns != 0 && rec.ns != 1) || rec.vlen < IJ_HEAD)
            return wr_join_bad_record(ctx, IJ_TABLE, err);
        const int s = (int)rec.ns;
        const uint8_t *rb = rec.val + IJ_HEAD;
        const uint32_t rl = rec.vlen - IJ_HEAD;
        if (rec.val[16] > 1 || !wr_jrow_check(&st->jc.rc[s], rb, rl) ||
            !wr_jkey_check(&st->jc.kc[s], rec.key, rec.klen))
            return wr_join_bad_record(ctx, IJ_TABLE, err);
        ikey *k = key_find_or_new(st, wr_le_get(rec.val, 8), rec.key, rec.klen);
        if (!k ||
            buffer_bytes(st, k, s, (int64_t)wr_le_get(rec.val + 8, 8), rb, rl, rec.val[16]) < 0)
            return wr_join_nomem(ctx, err);
    }
    if (rc < 0) return rc;
    publish_stats(st, ctx, 0);
    return 0;
}

const wr_op_vt wr_interval_join_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "interval_join",
    .description = "event-time interval join (INNER, LEFT, RIGHT, FULL) of two append-only "
                   "inputs; rows buffered until the watermark passes their last match",
    .open = ij_open,
    .process = ij_process,
    .on_watermark = ij_watermark,
    .close = ij_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = ij_snapshot,
    .restore = ij_restore,
};
