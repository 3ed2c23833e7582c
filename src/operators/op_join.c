/* op_join.c - the regular (unbounded) equi-join of two changelogs: INNER, LEFT, RIGHT and
 * FULL OUTER, with Flink's StreamingJoinOperator semantics. Both sides live in keyed state:
 * a table (open addressing) from the encoded join key to a key entry holding, per side, the list of
 * distinct stored rows (each with its multiplicity and, on an outer side, the number of rows of the
 * other side it currently matches). A side that may retract also has a row set (open
 * addressing over the row bytes) so that a retraction finds its row in O(1); an append-only
 * side just appends.
 *
 * A batch arrives from one side. It is processed in passes: hash and encode the keys and the
 * rows of the whole batch, look up every row's key entry, collect for a run of rows the
 * candidate rows of the other side (at most WR_JOIN_PAIR_CHUNK pairs per run, or one row's
 * whole key), evaluate the residual predicate over all candidate pairs at once in a pair
 * batch, then walk the rows in order, applying Flink's changelog rules (which depend on the
 * match counts, so this last pass is sequential) and planning output rows that the writer
 * gathers into batches column by column. Key entries that a retraction emptied are removed at
 * the end of the batch, so the pointers looked up at its start stay valid throughout. */
#include "operators/op_join_internal.h"

typedef struct jrow {
    wr_list link;  /* in the key's list for this side */
    uint64_t hash; /* of the row bytes, for the row set */
    int64_t count; /* multiplicity */
    int64_t assoc; /* outer side: rows of the other side that match this row */
    uint32_t len;  /* bytes */
    uint32_t _pad;
    uint8_t bytes[]; /* jrow_codec layout */
} jrow;

typedef struct jkey {
    wr_list rows[2];
    uint64_t hash;
    uint32_t nrows[2]; /* distinct rows per side */
    uint32_t klen;
    uint8_t pending; /* listed for the end-of-batch emptiness check */
    uint8_t key[];
} jkey;

typedef struct join_state {
    const wr_join_config *cfg;
    wr_mem_owner *mem;
    jcore jc; /* codecs, residual, output writer, key and row scratch */
    uint32_t ncols[2];
    bool outer[2];
    bool has_set[2]; /* side may retract: keep a row set */
    jtab set[2];     /* distinct rows by their bytes */
    jtab keys;       /* join key -> jkey */

    /* Figures for wr_join_stats: current and last published. */
    int64_t rows[2], nkeys, bytes;
    int64_t pub_rows[2], pub_keys, pub_bytes;
    uint64_t pub_emitted;

    /* Per-batch scratch, grown to the largest batch seen. */
    uint32_t cap;
    uint64_t *hash, *rhash;
    uint8_t *nullkey;
    jkey **kent;
    uint32_t *moff;
    /* Candidate pairs of a run: other-side row and input row. */
    jrow **cand;
    uint32_t *prow;
    uint8_t *keep;
    uint32_t cand_cap, prow_cap, keep_cap;
    uintptr_t pl[WR_JOIN_PAIR_CHUNK], pr[WR_JOIN_PAIR_CHUNK];
    jkey **pending;
    uint32_t npending, pending_cap;
} join_state;

/* ------------------------------------------------------------------------------------------
 * Config
 * ---------------------------------------------------------------------------------------- */
int wr_join_check(const wr_join_config *c, const wr_schema *left, const wr_schema *right,
                  wr_error *err)
{
    if (c->join.type > WR_JOIN_FULL)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "a regular join is INNER, LEFT, RIGHT or FULL, not %s",
                            wr_join_type_name(c->join.type));
    return wr_join_spec_check(&c->join, left, right, false, false, err);
}

bool wr_join_output_append_only(const wr_join_config *c)
{
    return c->join.type == WR_JOIN_INNER && c->left_append_only && c->right_append_only;
}

/* ------------------------------------------------------------------------------------------
 * Open / close
 * ---------------------------------------------------------------------------------------- */
static void free_key(join_state *st, jkey *k)
{
    for (int s = 0; s < 2; s++)
        wr_list_for_each_safe(it, tmp, &k->rows[s])
        {
            jrow *x = WR_CONTAINER_OF(it, jrow, link);
            wr_free(x);
        }
    wr_free(k);
}

static void jn_close(void *state)
{
    join_state *st = state;
    if (!st) return;
    for (uint32_t i = 0; i < st->keys.cap; i++)
        if (st->keys.s[i].e) free_key(st, st->keys.s[i].e);
    wr_jtab_free(&st->keys);
    for (int s = 0; s < 2; s++)
        wr_jtab_free(&st->set[s]);
    wr_jcore_free(&st->jc);
    wr_free(st->hash);
    wr_free(st->rhash);
    wr_free(st->nullkey);
    wr_free(st->kent);
    wr_free(st->moff);
    wr_free(st->cand);
    wr_free(st->prow);
    wr_free(st->keep);
    wr_free(st->pending);
    wr_free(st);
}

static int jn_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_join_config *cfg = config;
    const wr_schema *ls, *rs;
    int rc = wr_join_inputs(ctx, &ls, &rs, err);
    if (rc < 0) return rc;
    if ((rc = wr_join_checked(ctx, &cfg->join, wr_join_check(cfg, ls, rs, err), err)) < 0)
        return rc;
    join_state *st = wr_calloc_owned(wr_op_mem(ctx), 1, sizeof(*st));
    if (!st) return wr_join_nomem(ctx, err);
    st->cfg = cfg;
    st->mem = wr_op_mem(ctx);
    wr_jtab_init(&st->keys, offsetof(jkey, klen), offsetof(jkey, key), st->mem);
    for (int s = 0; s < 2; s++)
        wr_jtab_init(&st->set[s], offsetof(jrow, len), offsetof(jrow, bytes), st->mem);
    const wr_join_spec *j = &cfg->join;
    st->outer[0] = wr_join_left_outer(j->type);
    st->outer[1] = wr_join_right_outer(j->type);
    st->has_set[0] = !cfg->left_append_only;
    st->has_set[1] = !cfg->right_append_only;
    st->ncols[0] = ls->ncols;
    st->ncols[1] = rs->ncols;
    if ((rc = wr_jcore_init(&st->jc, ctx, j, ls, rs, true, st->mem, err)) < 0) goto fail;
    *state = st;
    return 0;
fail:
    jn_close(st);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Processing
 * ---------------------------------------------------------------------------------------- */
static int reserve(join_state *st, uint32_t n)
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
    GROW(rhash, cap);
    GROW(nullkey, cap);
    GROW(kent, cap);
    GROW(moff, cap + 1);
#undef GROW
    st->cap = cap;
    return 0;
}

static void publish_stats(join_state *st)
{
    wr_join_stats *s = st->cfg->join.stats;
    if (!s) return;
    for (int i = 0; i < 2; i++) {
        atomic_fetch_add(&s->rows[i], st->rows[i] - st->pub_rows[i]);
        st->pub_rows[i] = st->rows[i];
    }
    int64_t bytes = st->bytes + (int64_t)(wr_jtab_bytes(&st->keys) + wr_jtab_bytes(&st->set[0]) +
                                          wr_jtab_bytes(&st->set[1]));
    atomic_fetch_add(&s->keys, st->nkeys - st->pub_keys);
    atomic_fetch_add(&s->state_bytes, bytes - st->pub_bytes);
    atomic_fetch_add(&s->emitted, st->jc.w.emitted - st->pub_emitted);
    st->pub_keys = st->nkeys;
    st->pub_bytes = bytes;
    st->pub_emitted = st->jc.w.emitted;
}

/* A new, empty key entry in the table; NULL when out of memory. */
static jkey *key_new(join_state *st, uint64_t hash, const uint8_t *kb, uint32_t kl)
{
    jkey *k = wr_malloc_owned(st->mem, sizeof(jkey) + kl);
    if (!k || wr_jtab_insert(&st->keys, hash, k) < 0) {
        wr_free(k);
        return NULL;
    }
    memset(k, 0, sizeof(*k));
    wr_list_init(&k->rows[0]);
    wr_list_init(&k->rows[1]);
    k->hash = hash;
    k->klen = kl;
    memcpy(k->key, kb, kl);
    st->nkeys++;
    st->bytes += (int64_t)(sizeof(jkey) + kl);
    return k;
}

static jkey *key_get(join_state *st, uint32_t i, bool create, int *rc)
{
    if (st->kent[i]) return st->kent[i];
    const uint8_t *kb = wr_jenc_row(&st->jc.kenc, i);
    uint32_t kl = wr_jenc_len(&st->jc.kenc, i);
    jkey *k = wr_jtab_find(&st->keys, st->hash[i], kb, kl);
    if (k) return create ? (st->kent[i] = k) : k;
    if (!create) return NULL;
    if (!(k = key_new(st, st->hash[i], kb, kl))) {
        *rc = WR_ENOMEM;
        return NULL;
    }
    return st->kent[i] = k;
}

/* Add row i of the input (side s) to the state; assoc is its match count (outer sides). */
static int store_row(join_state *st, const wr_batch *in, int s, uint32_t i, int64_t assoc)
{
    if (st->nullkey[i]) return 0; /* can never match: nothing needs it */
    int rc = 0;
    jkey *k = key_get(st, i, true, &rc);
    if (!k) return rc;
    const uint8_t *rb = wr_jenc_row(&st->jc.renc, i);
    uint32_t rl = wr_jenc_len(&st->jc.renc, i);
    if (st->has_set[s]) {
        jrow *x = wr_jtab_find(&st->set[s], st->rhash[i], rb, rl);
        if (x) {
            x->count++;
            x->assoc = assoc;
            st->rows[s]++;
            return 0;
        }
    }
    jrow *x = wr_malloc_owned(st->mem, sizeof(jrow) + rl);
    if (!x) return WR_ENOMEM;
    x->count = 1;
    x->assoc = assoc;
    x->len = rl;
    x->_pad = 0;
    memcpy(x->bytes, rb, rl);
    if (st->has_set[s] && wr_jtab_insert(&st->set[s], st->rhash[i], x) < 0) {
        wr_free(x);
        return WR_ENOMEM;
    }
    wr_list_push_back(&k->rows[s], &x->link);
    k->nrows[s]++;
    st->rows[s]++;
    st->bytes += (int64_t)(sizeof(jrow) + rl);
    return 0;
}

/* Retract row i (side s) from the state: one copy less; a row never stored is ignored (as
 * Flink's state views do). */
static int retract_row(join_state *st, const wr_batch *in, int s, uint32_t i)
{
    if (st->nullkey[i]) return 0;
    jkey *k = key_get(st, i, false, NULL);
    if (!k) return 0;
    const uint8_t *rb = wr_jenc_row(&st->jc.renc, i);
    uint32_t rl = wr_jenc_len(&st->jc.renc, i);
    jrow *x = NULL;
    if (st->has_set[s]) {
        x = wr_jtab_find(&st->set[s], st->rhash[i], rb, rl);
    } else {
        wr_list_for_each(it, &k->rows[s])
        {
            jrow *y = WR_CONTAINER_OF(it, jrow, link);
            if (y->len == rl && memcmp(y->bytes, rb, rl) == 0) {
                x = y;
                break;
            }
        }
    }
    if (!x) return 0;
    st->rows[s]--;
    if (--x->count > 0) return 0;
    wr_list_remove(&x->link);
    k->nrows[s]--;
    if (st->has_set[s]) {
        wr_jtab_remove(&st->set[s], st->rhash[i], x);
        if (st->set[s].n == 0) wr_jtab_free(&st->set[s]); /* an emptied table goes back */
    }
    st->bytes -= (int64_t)(sizeof(jrow) + x->len);
    wr_free(x);
    if (k->nrows[0] == 0 && k->nrows[1] == 0 && !k->pending) {
        int rc = wr_join_grow(st->mem, (void **)&st->pending, &st->pending_cap, st->npending + 1,
                              sizeof(jkey *));
        if (rc < 0) return rc;
        k->pending = 1;
        st->pending[st->npending++] = k;
    }
    return 0;
}

/* Remove the listed key entries that are still empty. */
static void drop_empty_keys(join_state *st)
{
    for (uint32_t p = 0; p < st->npending; p++) {
        jkey *k = st->pending[p];
        k->pending = 0;
        if (k->nrows[0] || k->nrows[1]) continue;
        wr_jtab_remove(&st->keys, k->hash, k);
        st->nkeys--;
        st->bytes -= (int64_t)(sizeof(jkey) + k->klen);
        wr_free(k);
    }
    st->npending = 0;
    if (st->keys.n == 0) wr_jtab_free(&st->keys);
}

/* Collect the candidate pairs of rows [i, end) (stopping early at WR_JOIN_PAIR_CHUNK pairs,
 * but always taking row i whole); returns the end row. moff[r - i] is row r's first pair. */
static int collect(join_state *st, int other, uint32_t n, uint32_t i, uint32_t *end,
                   uint32_t *npairs)
{
    uint32_t np = 0, j = i;
    for (; j < n; j++) {
        jkey *k = st->kent[j];
        uint32_t c = k ? k->nrows[other] : 0;
        if (j > i && np + c > WR_JOIN_PAIR_CHUNK) break;
        st->moff[j - i] = np;
        if (!c) continue;
        if (wr_join_grow(st->mem, (void **)&st->cand, &st->cand_cap, np + c, sizeof(jrow *)) < 0 ||
            wr_join_grow(st->mem, (void **)&st->prow, &st->prow_cap, np + c, sizeof(uint32_t)) < 0)
            return WR_ENOMEM;
        wr_list_for_each(it, &k->rows[other])
        {
            st->cand[np] = WR_CONTAINER_OF(it, jrow, link);
            st->prow[np++] = j;
        }
    }
    st->moff[j - i] = np;
    *end = j;
    *npairs = np;
    return 0;
}

/* Evaluate the residual over the collected pairs and keep the matching ones. */
static int filter_pairs(join_state *st, int side, const wr_batch *in, uint32_t i, uint32_t end,
                        uint32_t np, wr_error *err)
{
    if (wr_join_grow(st->mem, (void **)&st->keep, &st->keep_cap, np, 1) < 0) return WR_ENOMEM;
    jside in_side = {.src = JSRC_INPUT, .in = in, .ncols = st->ncols[side]};
    jside st_side = {.src = JSRC_STORED, .rc = &st->jc.rc[1 - side], .ncols = st->ncols[1 - side]};
    for (uint32_t p0 = 0; p0 < np; p0 += WR_JOIN_PAIR_CHUNK) {
        uint32_t m = WR_MIN(WR_JOIN_PAIR_CHUNK, np - p0);
        uintptr_t *a = side == 0 ? st->pl : st->pr, *b = side == 0 ? st->pr : st->pl;
        for (uint32_t q = 0; q < m; q++) {
            a[q] = JREF_INPUT(st->prow[p0 + q]);
            b[q] = JREF_STORED(st->cand[p0 + q]->bytes);
        }
        const jside *l = side == 0 ? &in_side : &st_side, *r = side == 0 ? &st_side : &in_side;
        int rc = wr_jresid_eval(&st->jc.resid, l, st->pl, r, st->pr, m, st->keep + p0, err);
        if (rc < 0) return rc;
    }
    /* Compact the pairs and the per-row offsets. */
    uint32_t w = 0;
    for (uint32_t r = i; r < end; r++) {
        uint32_t a = st->moff[r - i], b = st->moff[r - i + 1];
        st->moff[r - i] = w;
        for (uint32_t p = a; p < b; p++)
            if (st->keep[p]) st->cand[w++] = st->cand[p];
    }
    st->moff[end - i] = w;
    return 0;
}

#define EMIT(kind, aref, bref)                                                                     \
    do {                                                                                           \
        int rc_ = side == 0 ? wr_jw_add(&st->jc.w, (kind), (aref), (bref), err)                    \
                            : wr_jw_add(&st->jc.w, (kind), (bref), (aref), err);                   \
        if (rc_ < 0) return rc_;                                                                   \
    } while (0)

#define STORED(x) JREF_STORED((x)->bytes)

/* Flink's StreamingJoinOperator.processElement for input row i with its matches. */
static int handle_row(join_state *st, int side, const wr_batch *in, uint32_t i, jrow **m,
                      uint32_t nm, wr_error *err)
{
    const int other = 1 - side;
    const bool in_outer = st->outer[side], other_outer = st->outer[other];
    const uint8_t kind = in->rowkind[i];
    const uintptr_t me = JREF_INPUT(i);
    int64_t total = 0;
    for (uint32_t q = 0; q < nm; q++)
        total += m[q]->count;
    int rc;

    if (wr_rowkind_is_add(kind)) {
        if (in_outer && total == 0) {
            EMIT(WR_RK_INSERT, me, JREF_NULL);
            rc = store_row(st, in, side, i, 0);
            return rc < 0 ? wr_join_nomem(st->jc.w.ctx, err) : 0;
        }
        if (!in_outer && (rc = store_row(st, in, side, i, 0)) < 0)
            return wr_join_nomem(st->jc.w.ctx, err);
        if (other_outer)
            for (uint32_t q = 0; q < nm; q++) {
                if (m[q]->assoc == 0)
                    for (int64_t c = 0; c < m[q]->count; c++)
                        EMIT(WR_RK_DELETE, JREF_NULL, STORED(m[q]));
                m[q]->assoc++;
            }
        const uint8_t ok = in_outer || other_outer ? WR_RK_INSERT : kind;
        for (uint32_t q = 0; q < nm; q++)
            for (int64_t c = 0; c < m[q]->count; c++)
                EMIT(ok, me, STORED(m[q]));
        if (in_outer && (rc = store_row(st, in, side, i, total)) < 0)
            return wr_join_nomem(st->jc.w.ctx, err);
        return 0;
    }

    if ((rc = retract_row(st, in, side, i)) < 0) return wr_join_nomem(st->jc.w.ctx, err);
    if (total == 0) {
        if (in_outer) EMIT(WR_RK_DELETE, me, JREF_NULL);
        return 0;
    }
    const uint8_t ok = in_outer ? WR_RK_DELETE : kind;
    for (uint32_t q = 0; q < nm; q++)
        for (int64_t c = 0; c < m[q]->count; c++)
            EMIT(ok, me, STORED(m[q]));
    if (other_outer)
        for (uint32_t q = 0; q < nm; q++) {
            if (m[q]->assoc == 1)
                for (int64_t c = 0; c < m[q]->count; c++)
                    EMIT(WR_RK_INSERT, JREF_NULL, STORED(m[q]));
            m[q]->assoc--;
        }
    return 0;
}

static int jn_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    join_state *st = state;
    const uint32_t n = in->len;
    const int side = input == 0 ? 0 : 1, other = 1 - side;
    int rc = 0;
    if (n == 0) return 0;
    if (reserve(st, n) < 0) return wr_join_nomem(ctx, err);

    wr_batch_hash_keys(in, st->jc.kc[side].cols, st->jc.kc[side].n, st->hash);
    if (wr_jkey_encode(&st->jc.kc[side], in, &st->jc.kenc, st->nullkey, st->mem) < 0 ||
        wr_jrow_encode(&st->jc.rc[side], in, &st->jc.renc, st->mem) < 0)
        return wr_join_nomem(ctx, err);
    if (st->has_set[side])
        for (uint32_t i = 0; i < n; i++)
            st->rhash[i] =
                wr_hash_bytes(wr_jenc_row(&st->jc.renc, i), wr_jenc_len(&st->jc.renc, i));
    /* Every added row (with a key that can match) will be stored: create its key entry now,
     * so that each row costs one table lookup. */
    for (uint32_t i = 0; i < n; i++) {
        st->kent[i] = NULL;
        if (st->nullkey[i]) continue;
        if (!wr_rowkind_is_add(in->rowkind[i])) {
            st->kent[i] = key_get(st, i, false, NULL);
        } else if (!key_get(st, i, true, &rc)) {
            rc = wr_join_nomem(ctx, err);
            goto out;
        }
    }

    wr_jw_begin(&st->jc.w, in, side == 0 ? JSRC_INPUT : JSRC_STORED,
                side == 0 ? JSRC_STORED : JSRC_INPUT);
    for (uint32_t i = 0; i < n;) {
        uint32_t end, np;
        if ((rc = collect(st, other, n, i, &end, &np)) < 0) {
            rc = wr_join_nomem(ctx, err);
            goto out;
        }
        if (st->jc.resid.prog && np && (rc = filter_pairs(st, side, in, i, end, np, err)) < 0) {
            if (rc == WR_ENOMEM) rc = wr_join_nomem(ctx, err);
            goto out;
        }
        for (uint32_t r = i; r < end; r++) {
            uint32_t a = st->moff[r - i], b = st->moff[r - i + 1];
            if ((rc = handle_row(st, side, in, r, st->cand + a, b - a, err)) < 0) goto out;
        }
        i = end;
    }
    rc = wr_jw_flush(&st->jc.w, err);
out:
    st->jc.w.n = 0;
    drop_empty_keys(st);
    publish_stats(st);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints. Keyed records of table "join.row", one per distinct stored row: namespace =
 * the side (0 left, 1 right), key = the encoded join key, value = the key's partition hash
 * (u64 little-endian: wr_batch_hash_keys over the join key columns, as the HASH edges of
 * both inputs compute it; it gives the key group and the table slot), the row's
 * multiplicity (i64 LE), its match count (i64 LE; on an outer side the number of rows of the
 * other side it joins with, which decides when a null-padded row is retracted or emitted,
 * else 0), then the row (jrow_codec layout of that side's input). The rows of a key side
 * come in list order, so matches are emitted in the same order after a restore. The join
 * uses neither watermarks nor timers: the rows are all of its state.
 * ---------------------------------------------------------------------------------------- */
#define JN_TABLE "join.row"
#define JN_HEAD  24u

static int jn_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w, wr_error *err)
{
    join_state *st = state;
    (void)id;
    const uint32_t max_par = wr_op_max_parallelism(ctx);
    wr_buf val;
    wr_buf_init(&val);
    int rc = 0;
    for (uint32_t i = 0; i < st->keys.cap && rc == 0; i++) {
        const jkey *k = st->keys.s[i].e;
        if (!k) continue;
        const uint32_t kg = wr_keygroup_of(k->hash, max_par);
        for (int s = 0; s < 2 && rc == 0; s++)
            wr_list_for_each(it, &k->rows[s])
            {
                const jrow *x = WR_CONTAINER_OF(it, jrow, link);
                uint8_t head[JN_HEAD];
                wr_le_put(head, k->hash, 8);
                wr_le_put(head + 8, (uint64_t)x->count, 8);
                wr_le_put(head + 16, (uint64_t)x->assoc, 8);
                if (wr_join_rec_value(&val, head, JN_HEAD, x->bytes, x->len) < 0) {
                    rc = wr_join_nomem(ctx, err);
                    break;
                }
                if ((rc = wr_snap_put(w, JN_TABLE, kg, s, k->key, k->klen, val.ptr,
                                      (uint32_t)val.len, err)) < 0)
                    break;
            }
    }
    wr_buf_free(&val);
    return rc;
}

/* Add one restored row to the state. */
static int restore_row(join_state *st, wr_op_ctx *ctx, const wr_snap_rec *rec, wr_error *err)
{
    if (rec->ns != 0 && rec->ns != 1) return wr_join_bad_record(ctx, JN_TABLE, err);
    const int s = (int)rec->ns;
    if (rec->vlen < JN_HEAD) return wr_join_bad_record(ctx, JN_TABLE, err);
    const uint64_t hash = wr_le_get(rec->val, 8);
    const int64_t count = (int64_t)wr_le_get(rec->val + 8, 8);
    const int64_t assoc = (int64_t)wr_le_get(rec->val + 16, 8);
    const uint8_t *rb = rec->val + JN_HEAD;
    const uint32_t rl = rec->vlen - JN_HEAD;
    if (count <= 0 || assoc < 0 || !wr_jrow_check(&st->jc.rc[s], rb, rl) ||
        !wr_jkey_check(&st->jc.kc[s], rec->key, rec->klen))
        return wr_join_bad_record(ctx, JN_TABLE, err);
    jkey *k = wr_jtab_find(&st->keys, hash, rec->key, rec->klen);
    if (!k && !(k = key_new(st, hash, rec->key, rec->klen))) return wr_join_nomem(ctx, err);
    const uint64_t rh = wr_hash_bytes(rb, rl);
    if (st->has_set[s] && wr_jtab_find(&st->set[s], rh, rb, rl))
        return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                            "%s: a row appears twice under one join key in the checkpoint",
                            wr_op_name(ctx));
    jrow *x = wr_malloc_owned(st->mem, sizeof(jrow) + rl);
    if (!x) return wr_join_nomem(ctx, err);
    x->hash = rh;
    x->count = count;
    x->assoc = assoc;
    x->len = rl;
    x->_pad = 0;
    memcpy(x->bytes, rb, rl);
    if (st->has_set[s] && wr_jtab_insert(&st->set[s], rh, x) < 0) {
        wr_free(x);
        return wr_join_nomem(ctx, err);
    }
    wr_list_push_back(&k->rows[s], &x->link);
    k->nrows[s]++;
    st->rows[s] += count;
    st->bytes += (int64_t)(sizeof(jrow) + rl);
    return 0;
}

static int jn_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    join_state *st = state;
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next(r, JN_TABLE, &rec, err)) == 1)
        if ((rc = restore_row(st, ctx, &rec, err)) < 0) return rc;
    if (rc < 0) return rc;
    publish_stats(st);
    return 0;
}

const wr_op_vt wr_join_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "join",
    .description = "regular equi-join (INNER, LEFT, RIGHT, FULL) of two changelogs, keeping "
                   "both sides in keyed state",
    .open = jn_open,
    .process = jn_process,
    .close = jn_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = jn_snapshot,
    .restore = jn_restore,
};
