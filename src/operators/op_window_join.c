/* op_window_join.c - the window join (Flink's WindowJoinOperator): two append-only inputs
 * that went through the same window TVF are joined per (window_start, window_end, key) when
 * the watermark reaches window_end - 1 ms. INNER, LEFT, RIGHT, FULL, SEMI and ANTI.
 *
 * State: a wr_htab of live windows (by start and end); each window owns an arena holding its
 * groups and the encoded rows of both sides (appended in arrival order: a row costs a bump
 * allocation, and firing a window frees everything at once), and a table (open addressing)
 * from the encoded join key to its group. A min-heap of window fire times finds the due windows. A
 * row whose window already fired (window_end - 1 ms <= watermark, Flink's isWindowFired) is dropped
 * and counted as late.
 *
 * Firing, on a watermark: due windows in (end, start) order, each window's groups in key
 * order (typed comparison, NULL first), and within a group Flink's loop order: for each left
 * row every right row (RIGHT OUTER: for each right row every left row), an outer row without
 * a match padded right after its pairs, FULL's unmatched right rows after all left rows. The
 * residual predicate is evaluated over the group's pairs in chunks, vectorized; a group whose
 * key has a NULL (not null-safe) has no pairs at all. Results are emitted before the
 * watermark is forwarded; a window's memory is released as soon as its rows are written. */
#include "operators/op_join_internal.h"
#include "operators/op_window.h"

#include <stdlib.h>

#define WJ_ARENA_CHUNK (8 * 1024)

typedef struct wnode {
    struct wnode *next;
    uint32_t len;
    uint32_t _pad;
    uint8_t bytes[];
} wnode;

typedef struct wgroup {
    wnode *head[2], *tail[2];
    uint32_t n[2];
    uint32_t klen;
    bool nullkey;
    uint8_t key[];
} wgroup;

typedef struct wwin {
    wr_list link; /* all live windows */
    int64_t start, end;
    wr_arena arena;
    jtab groups;    /* key bytes -> wgroup (groups live in the arena) */
    wgroup **glist; /* in creation order */
    uint32_t ngroups, gcap;
    bool fired;
} wwin;

typedef struct wj_state {
    const wr_window_join_config *cfg;
    wr_mem_owner *mem;
    jcore jc; /* codecs, residual, output writer, key and row scratch */
    uint32_t ncols[2];
    uint32_t start_col[2], end_col[2];
    /* The columns the input edges are hashed by: the join keys, window_start, window_end. */
    uint32_t pcols[2][WR_JOIN_MAX_KEYS + 2];
    uint32_t npcols;
    int64_t wm_floor; /* the watermark at the restored checkpoint (MIN without one) */
    wr_join_type type;
    wr_htab windows; /* (start, end) -> wwin */
    wr_list wins;
    wr_heap heap; /* (end - 1 ms, wwin) */

    int64_t rows[2], ngroups;
    int64_t pub_rows[2], pub_keys, pub_bytes;
    uint64_t pub_emitted;

    /* Scratch. */
    uint32_t cap;
    uint64_t *hash;
    uint8_t *nullkey;
    wwin **due;
    uint32_t due_cap;
    const uint8_t **grow_[2]; /* a group's rows per side, as arrays */
    uint32_t grow_cap[2];
    uint8_t *rmatched;
    uint32_t rmatched_cap;
    wgroup **gtmp;
    uint32_t gtmp_cap;
    uintptr_t pl[WR_JOIN_PAIR_CHUNK], pr[WR_JOIN_PAIR_CHUNK];
    uint8_t sel[WR_JOIN_PAIR_CHUNK];
} wj_state;

/* ------------------------------------------------------------------------------------------
 * Config
 * ---------------------------------------------------------------------------------------- */
int wr_window_join_check(const wr_window_join_config *c, const wr_schema *left,
                         const wr_schema *right, wr_error *err)
{
    int rc = wr_join_spec_check(&c->join, left, right, true, true, err);
    if (rc < 0) return rc;
    const uint32_t cols[4] = {c->left_start_col, c->left_end_col, c->right_start_col,
                              c->right_end_col};
    for (int i = 0; i < 4; i++) {
        const wr_schema *s = i < 2 ? left : right;
        if (cols[i] >= s->ncols)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                                "window join: window column %u out of range", cols[i]);
        const wr_type *t = &s->cols[cols[i]].type;
        if (t->id != WR_TYPE_TIMESTAMP && t->id != WR_TYPE_TIMESTAMP_LTZ)
            return wr_error_set(err, WR_ETYPE, WR_DOMAIN_INTERNAL,
                                "window join: window_start/window_end must be timestamps");
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Windows
 * ---------------------------------------------------------------------------------------- */
static void win_destroy(wj_state *st, wwin *w)
{
    wr_jtab_free(&w->groups);
    wr_arena_destroy(&w->arena);
    wr_free(w->glist);
    wr_free(w);
}

static void wj_close(void *state)
{
    wj_state *st = state;
    if (!st) return;
    wr_list_for_each_safe(it, tmp, &st->wins)
    {
        wwin *w = WR_CONTAINER_OF(it, wwin, link);
        wr_list_remove(&w->link);
        win_destroy(st, w);
    }
    wr_htab_free(&st->windows, NULL);
    wr_heap_free(&st->heap);
    for (int s = 0; s < 2; s++)
        wr_free(st->grow_[s]);
    wr_jcore_free(&st->jc);
    wr_free(st->hash);
    wr_free(st->nullkey);
    wr_free(st->due);
    wr_free(st->rmatched);
    wr_free(st->gtmp);
    wr_free(st);
}

static int wj_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_window_join_config *cfg = config;
    const wr_schema *ls, *rs;
    int rc = wr_join_inputs(ctx, &ls, &rs, err);
    if (rc < 0) return rc;
    if ((rc = wr_join_checked(ctx, &cfg->join, wr_window_join_check(cfg, ls, rs, err), err)) < 0)
        return rc;
    wj_state *st = wr_calloc_owned(wr_op_mem(ctx), 1, sizeof(*st));
    if (!st) return wr_join_nomem(ctx, err);
    st->cfg = cfg;
    st->mem = wr_op_mem(ctx);
    st->type = cfg->join.type;
    wr_htab_init(&st->windows, st->mem);
    wr_list_init(&st->wins);
    wr_heap_init(&st->heap, st->mem);
    st->ncols[0] = ls->ncols;
    st->ncols[1] = rs->ncols;
    st->start_col[0] = cfg->left_start_col;
    st->end_col[0] = cfg->left_end_col;
    st->start_col[1] = cfg->right_start_col;
    st->end_col[1] = cfg->right_end_col;
    const wr_join_spec *j = &cfg->join;
    st->wm_floor = WR_WATERMARK_MIN;
    for (int s = 0; s < 2; s++) {
        const uint32_t *keys = s == 0 ? j->left_keys : j->right_keys;
        memcpy(st->pcols[s], keys, (size_t)j->nkeys * sizeof(uint32_t));
        st->pcols[s][j->nkeys] = st->start_col[s];
        st->pcols[s][j->nkeys + 1] = st->end_col[s];
    }
    st->npcols = j->nkeys + 2;
    bool semi = st->type == WR_JOIN_SEMI || st->type == WR_JOIN_ANTI;
    if ((rc = wr_jcore_init(&st->jc, ctx, j, ls, rs, !semi, st->mem, err)) < 0) goto fail;
    *state = st;
    return 0;
fail:
    wj_close(st);
    return rc;
}

static void publish_stats(wj_state *st, wr_op_ctx *ctx, uint64_t late)
{
    if (late) wr_op_count_late(ctx, late);
    wr_join_stats *s = st->cfg->join.stats;
    if (!s) return;
    int64_t bytes = 0;
    wr_list_for_each(it, &st->wins)
    {
        const wwin *w = WR_CONTAINER_OF(it, wwin, link);
        bytes += (int64_t)(sizeof(wwin) + w->arena.reserved + w->gcap * sizeof(wgroup *) +
                           wr_jtab_bytes(&w->groups));
    }
    for (int i = 0; i < 2; i++) {
        atomic_fetch_add(&s->rows[i], st->rows[i] - st->pub_rows[i]);
        st->pub_rows[i] = st->rows[i];
    }
    atomic_fetch_add(&s->keys, st->ngroups - st->pub_keys);
    atomic_fetch_add(&s->state_bytes, bytes - st->pub_bytes);
    atomic_fetch_add(&s->emitted, st->jc.w.emitted - st->pub_emitted);
    atomic_fetch_add(&s->late_dropped, late);
    st->pub_keys = st->ngroups;
    st->pub_bytes = bytes;
    st->pub_emitted = st->jc.w.emitted;
}

static wwin *win_get(wj_state *st, int64_t start, int64_t end)
{
    int64_t kb[2] = {start, end};
    uint64_t h = wr_hash_combine(wr_hash_u64((uint64_t)start), wr_hash_u64((uint64_t)end));
    bool ins;
    void **v = wr_htab_upsert(&st->windows, h, kb, sizeof(kb), &ins);
    if (!v) return NULL;
    if (!ins) return *v;
    wwin *w = wr_calloc_owned(st->mem, 1, sizeof(*w));
    if (!w || wr_heap_push(&st->heap, end - WR_WINDOW_MAX_TS_DELTA, (uint64_t)(uintptr_t)w) < 0) {
        wr_free(w);
        wr_htab_remove(&st->windows, h, kb, sizeof(kb), NULL);
        return NULL;
    }
    w->start = start;
    w->end = end;
    wr_arena_init(&w->arena, WJ_ARENA_CHUNK, st->mem);
    wr_jtab_init(&w->groups, offsetof(wgroup, klen), offsetof(wgroup, key), st->mem);
    wr_list_push_back(&st->wins, &w->link);
    *v = w;
    return w;
}

static void win_remove(wj_state *st, wwin *w)
{
    int64_t kb[2] = {w->start, w->end};
    uint64_t h = wr_hash_combine(wr_hash_u64((uint64_t)w->start), wr_hash_u64((uint64_t)w->end));
    bool removed = wr_htab_remove(&st->windows, h, kb, sizeof(kb), NULL);
    WR_ASSERT(removed);
    wr_list_remove(&w->link);
    for (uint32_t g = 0; g < w->ngroups; g++) {
        st->rows[0] -= w->glist[g]->n[0];
        st->rows[1] -= w->glist[g]->n[1];
    }
    st->ngroups -= w->ngroups;
    win_destroy(st, w);
}

/* The group of key kb (kl bytes, hash h) in window w, created when absent; NULL when out of
 * memory. */
static wgroup *group_find_or_new(wj_state *st, wwin *w, uint64_t h, const uint8_t *kb, uint32_t kl,
                                 bool nullkey)
{
    wgroup *g = wr_jtab_find(&w->groups, h, kb, kl);
    if (g) return g;
    g = wr_arena_alloc(&w->arena, sizeof(wgroup) + kl);
    if (!g ||
        wr_join_grow(st->mem, (void **)&w->glist, &w->gcap, w->ngroups + 1, sizeof(wgroup *)) < 0)
        return NULL;
    memset(g, 0, sizeof(*g));
    memcpy(g->key, kb, kl);
    g->klen = kl;
    g->nullkey = nullkey;
    if (wr_jtab_insert(&w->groups, h, g) < 0) return NULL;
    w->glist[w->ngroups++] = g;
    st->ngroups++;
    return g;
}

static wgroup *group_get(wj_state *st, wwin *w, uint32_t i)
{
    return group_find_or_new(st, w, st->hash[i], wr_jenc_row(&st->jc.kenc, i),
                             wr_jenc_len(&st->jc.kenc, i), st->nullkey[i]);
}

/* Append a row (rl bytes at rb) to side `side` of group g of window w; WR_ENOMEM. */
static int group_append(wj_state *st, wwin *w, wgroup *g, int side, const uint8_t *rb, uint32_t rl)
{
    wnode *nd = wr_arena_alloc(&w->arena, sizeof(wnode) + rl);
    if (!nd) return WR_ENOMEM;
    nd->next = NULL;
    nd->len = rl;
    nd->_pad = 0;
    memcpy(nd->bytes, rb, rl);
    if (g->tail[side])
        g->tail[side]->next = nd;
    else
        g->head[side] = nd;
    g->tail[side] = nd;
    g->n[side]++;
    st->rows[side]++;
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Processing
 * ---------------------------------------------------------------------------------------- */
static int reserve(wj_state *st, uint32_t n)
{
    if (n <= st->cap) return 0;
    uint32_t cap = (uint32_t)wr_next_pow2(n);
    uint64_t *h = wr_realloc_owned(st->mem, st->hash, (size_t)cap * sizeof(uint64_t));
    if (!h) return WR_ENOMEM;
    st->hash = h;
    uint8_t *nk = wr_realloc_owned(st->mem, st->nullkey, cap);
    if (!nk) return WR_ENOMEM;
    st->nullkey = nk;
    st->cap = cap;
    return 0;
}

static int wj_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    wj_state *st = state;
    const uint32_t n = in->len;
    const int side = input == 0 ? 0 : 1;
    uint64_t late = 0, bad = 0;
    if (n == 0) return 0;
    for (uint32_t i = 0; i < n; i++)
        if (in->rowkind[i] != WR_RK_INSERT)
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "%s: a window join does not support consuming update and "
                                "delete changes (input %u has a %s row)",
                                wr_op_name(ctx), input, wr_rowkind_str(in->rowkind[i]));
    if (reserve(st, n) < 0) return wr_join_nomem(ctx, err);
    const wr_vec *sv = &in->cols[st->start_col[side]], *ev = &in->cols[st->end_col[side]];
    const int64_t *ws = WR_VEC_I64(sv), *we = WR_VEC_I64(ev);
    /* After a restore, the watermark of the checkpoint until the sources pass it again. */
    const int64_t wm = WR_MAX(wr_op_current_watermark(ctx), st->wm_floor);

    /* The partition hash (keys and window) also finds the group in its window's table. */
    wr_batch_hash_keys(in, st->pcols[side], st->npcols, st->hash);
    if (wr_jkey_encode(&st->jc.kc[side], in, &st->jc.kenc, st->nullkey, st->mem) < 0 ||
        wr_jrow_encode(&st->jc.rc[side], in, &st->jc.renc, st->mem) < 0)
        return wr_join_nomem(ctx, err);
    wwin *w = NULL;
    int rc = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!wr_vec_valid(sv, i) || !wr_vec_valid(ev, i)) {
            bad++;
            continue;
        }
        if (we[i] - WR_WINDOW_MAX_TS_DELTA <= wm) { /* the window already fired */
            late++;
            continue;
        }
        if (!w || w->start != ws[i] || w->end != we[i]) w = win_get(st, ws[i], we[i]);
        wgroup *g = w ? group_get(st, w, i) : NULL;
        if (!g || group_append(st, w, g, side, wr_jenc_row(&st->jc.renc, i),
                               wr_jenc_len(&st->jc.renc, i)) < 0) {
            rc = wr_join_nomem(ctx, err);
            break;
        }
    }
    if (bad) wr_op_count_errors(ctx, bad);
    publish_stats(st, ctx, late);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Firing
 * ---------------------------------------------------------------------------------------- */
static int cmp_win(const void *a, const void *b)
{
    const wwin *x = *(wwin *const *)a, *y = *(wwin *const *)b;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return (x->start > y->start) - (x->start < y->start);
}

/* Merge sort of a window's groups by key (a few hundred compares per window, typically). */
static void sort_groups(const jkey_codec *k, wgroup **g, wgroup **tmp, uint32_t n)
{
    if (n < 2) return;
    if (n <= 8) {
        for (uint32_t i = 1; i < n; i++) {
            wgroup *x = g[i];
            uint32_t j = i;
            for (; j > 0 && wr_jkey_cmp(k, g[j - 1]->key, x->key) > 0; j--)
                g[j] = g[j - 1];
            g[j] = x;
        }
        return;
    }
    uint32_t h = n / 2;
    sort_groups(k, g, tmp, h);
    sort_groups(k, g + h, tmp, n - h);
    uint32_t a = 0, b = h, o = 0;
    while (a < h && b < n)
        tmp[o++] = wr_jkey_cmp(k, g[b]->key, g[a]->key) < 0 ? g[b++] : g[a++];
    while (a < h)
        tmp[o++] = g[a++];
    while (b < n)
        tmp[o++] = g[b++];
    memcpy(g, tmp, (size_t)n * sizeof(*g));
}

static int side_rows(wj_state *st, const wgroup *g, int s)
{
    if (wr_join_grow(st->mem, (void **)&st->grow_[s], &st->grow_cap[s], g->n[s] + 1,
                     sizeof(uint8_t *)) < 0)
        return WR_ENOMEM;
    uint32_t i = 0;
    for (const wnode *nd = g->head[s]; nd; nd = nd->next)
        st->grow_[s][i++] = nd->bytes;
    return 0;
}

#define OUT(l, r)                                                                                  \
    do {                                                                                           \
        int rc_ = wr_jw_add(&st->jc.w, WR_RK_INSERT, (l), (r), err);                               \
        if (rc_ < 0) return rc_;                                                                   \
    } while (0)

/* Join one group: outer loop over side `os` (left, or right for RIGHT OUTER), inner loop over
 * the other side, pairs evaluated in chunks. */
static int join_group(wj_state *st, const wgroup *g, wr_error *err)
{
    const wr_join_type t = st->type;
    const uint32_t nl = g->n[0], nr = g->n[1];
    if (nl == 0 &&
        (t == WR_JOIN_INNER || t == WR_JOIN_LEFT || t == WR_JOIN_SEMI || t == WR_JOIN_ANTI))
        return 0;
    if (nr == 0 && (t == WR_JOIN_INNER || t == WR_JOIN_RIGHT || t == WR_JOIN_SEMI)) return 0;
    if (side_rows(st, g, 0) < 0 || side_rows(st, g, 1) < 0) return wr_join_nomem(st->jc.w.ctx, err);
    const uint8_t **L = st->grow_[0], **R = st->grow_[1];
    const bool right_major = t == WR_JOIN_RIGHT;
    const int os = right_major ? 1 : 0;
    const uint32_t no = right_major ? nr : nl, ni = right_major ? nl : nr;
    const uint8_t **O = right_major ? R : L, **I = right_major ? L : R;
    const bool pad_outer = t == WR_JOIN_LEFT || t == WR_JOIN_RIGHT || t == WR_JOIN_FULL;
    const bool semi = t == WR_JOIN_SEMI, anti = t == WR_JOIN_ANTI;
    if (t == WR_JOIN_FULL) {
        if (wr_join_grow(st->mem, (void **)&st->rmatched, &st->rmatched_cap, nr + 1, 1) < 0)
            return wr_join_nomem(st->jc.w.ctx, err);
        memset(st->rmatched, 0, nr);
    }
    jside ls = {.src = JSRC_STORED, .rc = &st->jc.rc[0], .ncols = st->ncols[0]};
    jside rs = {.src = JSRC_STORED, .rc = &st->jc.rc[1], .ncols = st->ncols[1]};
    const bool all_pass = !g->nullkey && !st->jc.resid.prog;
    const uint64_t npairs = g->nullkey ? 0 : (uint64_t)no * ni;
    uint32_t o = 0, q = 0;
    bool matched = false;
    uint64_t p = 0;
    /* Walk the outer rows; pairs are consumed chunk by chunk. */
    while (o < no) {
        uint32_t m = 0;
        if (p < npairs) {
            m = (uint32_t)WR_MIN((uint64_t)WR_JOIN_PAIR_CHUNK, npairs - p);
            if (all_pass) {
                memset(st->sel, 1, m);
            } else {
                uint32_t oo = o, qq = q;
                for (uint32_t j = 0; j < m; j++) {
                    const uint8_t *a = O[oo], *b = I[qq];
                    st->pl[j] = JREF_STORED(right_major ? b : a);
                    st->pr[j] = JREF_STORED(right_major ? a : b);
                    if (++qq == ni) qq = 0, oo++;
                }
                int rc = wr_jresid_eval(&st->jc.resid, &ls, st->pl, &rs, st->pr, m, st->sel, err);
                if (rc < 0) return rc;
            }
            p += m;
        }
        /* Consume the m evaluated pairs, finishing outer rows as their inner loop ends (an
         * outer row with no inner rows at all finishes at once). */
        uint32_t j = 0;
        while (o < no && (j < m || ni == 0 || g->nullkey)) {
            if (ni > 0 && !g->nullkey) {
                if (st->sel[j]) {
                    matched = true;
                    const uint8_t *a = O[o], *b = I[q];
                    if (!semi && !anti) {
                        const uint8_t *l = right_major ? b : a, *r = right_major ? a : b;
                        OUT(JREF_STORED(l), JREF_STORED(r));
                    }
                    if (t == WR_JOIN_FULL) st->rmatched[q] = 1;
                }
                j++;
                if (++q < ni) continue;
                q = 0;
            }
            /* Outer row o is complete. */
            if (semi ? matched : anti ? !matched : pad_outer && !matched) {
                uintptr_t me = JREF_STORED(O[o]);
                if (os == 0)
                    OUT(me, JREF_NULL);
                else
                    OUT(JREF_NULL, me);
            }
            matched = false;
            o++;
        }
    }
    if (t == WR_JOIN_FULL)
        for (uint32_t r = 0; r < nr; r++)
            if (g->nullkey || nl == 0 || !st->rmatched[r]) OUT(JREF_NULL, JREF_STORED(R[r]));
    return 0;
}

static int fire_window(wj_state *st, wwin *w, wr_error *err)
{
    if (wr_join_grow(st->mem, (void **)&st->gtmp, &st->gtmp_cap, w->ngroups, sizeof(wgroup *)) < 0)
        return wr_join_nomem(st->jc.w.ctx, err);
    sort_groups(&st->jc.kc[0], w->glist, st->gtmp, w->ngroups);
    for (uint32_t g = 0; g < w->ngroups; g++) {
        int rc = join_group(st, w->glist[g], err);
        if (rc < 0) return rc;
    }
    return wr_jw_flush(&st->jc.w, err);
}

static int wj_watermark(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err)
{
    wj_state *st = state;
    uint32_t nd = 0;
    int64_t t;
    uint64_t v;
    int rc = 0;
    while (wr_heap_peek(&st->heap, &t, &v) && t <= wm) {
        if (wr_join_grow(st->mem, (void **)&st->due, &st->due_cap, nd + 1, sizeof(wwin *)) < 0)
            return wr_join_nomem(ctx, err);
        wr_heap_pop(&st->heap, &t, &v);
        st->due[nd++] = (wwin *)(uintptr_t)v;
    }
    if (nd > 1) qsort(st->due, nd, sizeof(wwin *), cmp_win);
    const bool semi = st->type == WR_JOIN_SEMI || st->type == WR_JOIN_ANTI;
    wr_jw_begin(&st->jc.w, NULL, JSRC_STORED, semi ? JSRC_NONE : JSRC_STORED);
    uint32_t i = 0;
    for (; i < nd && rc == 0; i++) {
        rc = fire_window(st, st->due[i], err);
        st->jc.w.n = 0;
        win_remove(st, st->due[i]);
    }
    /* After a failure the windows not fired yet are dropped too (the task fails). */
    for (; i < nd; i++)
        win_remove(st, st->due[i]);
    publish_stats(st, ctx, 0);
    if (rc < 0) return rc;
    return wr_op_emit_watermark(ctx, wm);
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints. Keyed records of table "window_join.row", one per buffered row: namespace =
 * the side (0 left, 1 right), key = window_start and window_end (i64 little-endian each,
 * microseconds) followed by the encoded join key, value = the group's partition hash (u64
 * LE: wr_batch_hash_keys over the join key columns, window_start and window_end, as the HASH
 * edges of both inputs compute it; it gives the key group and the group's table slot), then
 * the row (jrow_codec layout of that side's input). A group side's rows come in arrival
 * order, which is the order they are joined in when the window fires. One operator record
 * "window_join.wm" per instance: the watermark at the snapshot (i64 LE); a restore takes the
 * largest and drops rows of windows fired before it as late until the sources' watermark
 * passes it again. Windows fired are gone from the state; the restore schedules each
 * restored window's firing.
 * ---------------------------------------------------------------------------------------- */
#define WJ_TABLE    "window_join.row"
#define WJ_WM_TABLE "window_join.wm"

static int wj_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w, wr_error *err)
{
    wj_state *st = state;
    (void)id;
    const uint32_t max_par = wr_op_max_parallelism(ctx);
    wr_buf key, val;
    wr_buf_init(&key);
    wr_buf_init(&val);
    int rc = 0;
    wr_list_for_each(it, &st->wins)
    {
        const wwin *win = WR_CONTAINER_OF(it, wwin, link);
        uint8_t se[16];
        wr_le_put(se, (uint64_t)win->start, 8);
        wr_le_put(se + 8, (uint64_t)win->end, 8);
        for (uint32_t i = 0; i < win->groups.cap && rc == 0; i++) {
            const wgroup *g = win->groups.s[i].e;
            if (!g) continue;
            const uint64_t h = win->groups.s[i].hash;
            uint8_t hb[8];
            wr_le_put(hb, h, 8);
            if (wr_join_rec_value(&key, se, 16, g->key, g->klen) < 0) {
                rc = wr_join_nomem(ctx, err);
                break;
            }
            for (int s = 0; s < 2 && rc == 0; s++)
                for (const wnode *nd = g->head[s]; nd; nd = nd->next) {
                    if (wr_join_rec_value(&val, hb, 8, nd->bytes, nd->len) < 0) {
                        rc = wr_join_nomem(ctx, err);
                        break;
                    }
                    if ((rc = wr_snap_put(w, WJ_TABLE, wr_keygroup_of(h, max_par), s, key.ptr,
                                          (uint32_t)key.len, val.ptr, (uint32_t)val.len, err)) < 0)
                        break;
                }
        }
        if (rc < 0) break;
    }
    wr_buf_free(&key);
    wr_buf_free(&val);
    if (rc < 0) return rc;
    return wr_join_put_wm(w, WJ_WM_TABLE, WR_MAX(wr_op_current_watermark(ctx), st->wm_floor), err);
}

static int wj_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    wj_state *st = state;
    int rc = wr_join_get_wm(ctx, r, WJ_WM_TABLE, &st->wm_floor, err);
    if (rc < 0) return rc;
    wr_snap_rec rec;
    while ((rc = wr_snap_next(r, WJ_TABLE, &rec, err)) == 1) {
        if ((rec.ns != 0 && rec.ns != 1) || rec.klen < 16 || rec.vlen < 8)
            return wr_join_bad_record(ctx, WJ_TABLE, err);
        const int s = (int)rec.ns;
        const int64_t start = (int64_t)wr_le_get(rec.key, 8);
        const int64_t end = (int64_t)wr_le_get(rec.key + 8, 8);
        const uint8_t *kb = rec.key + 16, *rb = rec.val + 8;
        const uint32_t kl = rec.klen - 16, rl = rec.vlen - 8;
        if (!wr_jrow_check(&st->jc.rc[s], rb, rl) || !wr_jkey_check(&st->jc.kc[s], kb, kl))
            return wr_join_bad_record(ctx, WJ_TABLE, err);
        wwin *w = win_get(st, start, end);
        wgroup *g = w ? group_find_or_new(st, w, wr_le_get(rec.val, 8), kb, kl,
                                          wr_jkey_has_null(&st->jc.kc[s], kb))
                      : NULL;
        if (!g || group_append(st, w, g, s, rb, rl) < 0) return wr_join_nomem(ctx, err);
    }
    if (rc < 0) return rc;
    publish_stats(st, ctx, 0);
    return 0;
}

const wr_op_vt wr_window_join_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "window_join",
    .description = "window join (INNER, LEFT, RIGHT, FULL, SEMI, ANTI) of two windowed "
                   "append-only inputs, emitted when the watermark passes the window end",
    .open = wj_open,
    .process = wj_process,
    .on_watermark = wj_watermark,
    .close = wj_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = wj_snapshot,
    .restore = wj_restore,
};
