/* op_session.c - session window aggregation (SESSION TVF + GROUP BY window_start,
 * window_end, keys), the merging-window counterpart of op_window_agg.c. Per group key it
 * keeps the key's open sessions [start, end), end = last row's time + gap, in a list sorted
 * by start. A row opens [ts, ts + gap) and merges every session it intersects, using Flink's
 * TimeWindow.intersects (a.start <= b.end && a.end >= b.start: touching sessions merge); the
 * accumulators of merged sessions are combined with wr_agg_merge. A row is late, dropped and
 * counted, when the session it would end up in has end - 1 ms <= watermark; since merging
 * with an open session always gives an unfired end, that happens only to a row that merges
 * with nothing.
 *
 * A batch is done in two passes: the first assigns each row to a session (merging as it
 * goes, with a union-find so that rows assigned to a session that a later row merged away
 * follow it), the second updates all accumulators with one vectorized call per aggregate.
 * Firing uses a schedule of session ends (a FIFO for ends that arrive in order, the common
 * case, and a min-heap for the others); an entry whose session grew since is pushed back
 * with the new end, an entry of a merged-away session is recognised by its generation. */
#include "operators/op_window_internal.h"

#include <string.h>

#define NONE UINT32_MAX

typedef struct wsess {
    int64_t start, end;
    uint32_t key;    /* entry index in the key table */
    uint32_t next;   /* next session of the same key (ascending start), NONE at the end */
    uint32_t gen;    /* bumped when the id is freed: heap entries of older gens are stale */
    uint32_t parent; /* union-find while a batch is assigned; == own id otherwise */
    uint8_t alive;
} wsess;

typedef struct sagg {
    int kind; /* WR_WINDOW_SESSION; must stay first */
    const wr_window_agg_config *cfg;
    const char *name;
    wr_mem_owner *mem;
    wr_agg_layout *layout;
    wkey_codec codec;
    wkey_batch kb;
    wout out;
    int64_t gap;
    int64_t done; /* sessions with end <= done have fired */
    wtab keys;    /* group key -> aux: first session id, aux2: last session id */
    wsess *ss;    /* session pool, ids index it */
    uint8_t *acc; /* accumulator of session id at acc + id * acc_size */
    uint32_t ss_n, ss_cap, nlive;
    uint32_t *freel;
    uint32_t nfree, free_cap;
    uint32_t *pending; /* merged away in this batch, freed after the update */
    uint32_t npending, pending_cap;
    uint32_t *fired;
    uint32_t nfired, fired_cap;
    /* schedule of (end, gen << 32 | id): ends pushed in non-decreasing order go to the FIFO
     * ring, the others to the heap */
    wr_heap heap;
    int64_t *qend;
    uint64_t *qval;
    uint32_t qhead, qlen, qcap; /* qcap: power of two */
    /* per-batch scratch */
    uint64_t *hash;
    uint32_t *rsess;
    uint8_t **accs;
    uint32_t rcap;
    wstats_pub pub;
} sagg;

static inline uint8_t *sess_acc(const sagg *s, uint32_t id)
{
    return s->acc + (size_t)id * s->layout->acc_size;
}

void wr_session_agg_close(void *state)
{
    sagg *s = state;
    if (!s) return;
    if (s->layout && s->layout->owns_memory)
        for (uint32_t id = 0; id < s->ss_n; id++)
            if (s->ss[id].alive) wr_agg_destroy(s->layout, sess_acc(s, id));
    wr_free(s->ss);
    wr_free(s->acc);
    wr_free(s->freel);
    wr_free(s->pending);
    wr_free(s->fired);
    wr_heap_free(&s->heap);
    wr_free(s->qend);
    wr_free(s->qval);
    wr_wtab_free(&s->keys);
    wr_wout_free(&s->out);
    wr_wkey_batch_free(&s->kb);
    wr_wkey_codec_free(&s->codec);
    wr_agg_layout_free(s->layout);
    wr_free(s->hash);
    wr_free(s->rsess);
    wr_free(s->accs);
    wr_free(s);
}

int wr_session_agg_open(void **state, wr_op_ctx *ctx, const wr_window_agg_config *cfg,
                        wr_error *err)
{
    wr_mem_owner *mem = wr_op_mem(ctx);
    sagg *s = wr_calloc_owned(mem, 1, sizeof(*s));
    if (!s) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    s->kind = WR_WINDOW_SESSION;
    s->cfg = cfg;
    s->name = wr_op_name(ctx);
    s->mem = mem;
    wr_heap_init(&s->heap, mem);
    wr_wtab_init(&s->keys, 0, mem);
    int rc = wr_window_agg_common_open(cfg, ctx, &s->layout, &s->codec, &s->out, err);
    if (rc) {
        wr_session_agg_close(s);
        return rc;
    }
    s->gap = cfg->window.gap_us;
    s->done = wr_window_fire_limit(WR_WATERMARK_MIN);
    *state = s;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Session pool
 * ---------------------------------------------------------------------------------------- */
static int sess_alloc(sagg *s, uint32_t *out)
{
    uint32_t id;
    if (s->nfree) {
        id = s->freel[--s->nfree];
    } else {
        if (s->ss_n == s->ss_cap) {
            uint64_t nc = s->ss_cap ? (uint64_t)s->ss_cap * 2 : 64;
            if (nc >= NONE) return WR_ELIMIT;
            wsess *ns = wr_realloc_owned(s->mem, s->ss, (size_t)nc * sizeof(wsess));
            if (!ns) return WR_ENOMEM;
            s->ss = ns;
            size_t asz = s->layout->acc_size;
            if (asz) {
                uint8_t *na = wr_realloc_owned(s->mem, s->acc, (size_t)nc * asz);
                if (!na) return WR_ENOMEM;
                s->acc = na;
            }
            s->ss_cap = (uint32_t)nc;
        }
        id = s->ss_n++;
        s->ss[id].gen = 0;
    }
    wsess *x = &s->ss[id];
    x->alive = 1;
    x->parent = id;
    x->next = NONE;
    if (s->layout->acc_size) memset(sess_acc(s, id), 0, s->layout->acc_size);
    s->nlive++;
    *out = id;
    return WR_OK;
}

static int push_u32(uint32_t **arr, uint32_t *n, uint32_t *cap, uint32_t v, wr_mem_owner *mem)
{
    if (*n == *cap && wr_window_grow((void **)arr, cap, *n + 1, sizeof(uint32_t), mem))
        return WR_ENOMEM;
    (*arr)[(*n)++] = v;
    return WR_OK;
}

/* The id goes back to the free list; its heap entries become stale. */
static int sess_free(sagg *s, uint32_t id)
{
    wsess *x = &s->ss[id];
    x->alive = 0;
    x->gen++;
    x->parent = id;
    s->nlive--;
    return push_u32(&s->freel, &s->nfree, &s->free_cap, id, s->mem);
}

static uint32_t sess_find(sagg *s, uint32_t id)
{
    uint32_t r = id;
    while (s->ss[r].parent != r)
        r = s->ss[r].parent;
    while (s->ss[id].parent != r) {
        uint32_t p = s->ss[id].parent;
        s->ss[id].parent = r;
        id = p;
    }
    return r;
}

static inline uint64_t heap_val(const sagg *s, uint32_t id)
{
    return ((uint64_t)s->ss[id].gen << 32) | id;
}

static int sched_push(sagg *s, int64_t end, uint64_t v)
{
    if (s->qlen && end < s->qend[(s->qhead + s->qlen - 1) & (s->qcap - 1)])
        return wr_heap_push(&s->heap, end, v);
    if (s->qlen == s->qcap) {
        uint32_t nc = s->qcap ? s->qcap * 2 : 256;
        int64_t *ne = wr_malloc_owned(s->mem, (size_t)nc * sizeof(int64_t));
        uint64_t *nv = ne ? wr_malloc_owned(s->mem, (size_t)nc * sizeof(uint64_t)) : NULL;
        if (!nv) {
            wr_free(ne);
            return WR_ENOMEM;
        }
        for (uint32_t i = 0; i < s->qlen; i++) {
            ne[i] = s->qend[(s->qhead + i) & (s->qcap - 1)];
            nv[i] = s->qval[(s->qhead + i) & (s->qcap - 1)];
        }
        wr_free(s->qend);
        wr_free(s->qval);
        s->qend = ne;
        s->qval = nv;
        s->qhead = 0;
        s->qcap = nc;
    }
    uint32_t at = (s->qhead + s->qlen++) & (s->qcap - 1);
    s->qend[at] = end;
    s->qval[at] = v;
    return WR_OK;
}

/* Pop the smallest scheduled end if it is <= limit. */
static bool sched_pop(sagg *s, int64_t limit, int64_t *end, uint64_t *v)
{
    int64_t he;
    uint64_t hv;
    bool h = wr_heap_peek(&s->heap, &he, &hv);
    if (s->qlen && (!h || s->qend[s->qhead] <= he)) {
        if (s->qend[s->qhead] > limit) return false;
        *end = s->qend[s->qhead];
        *v = s->qval[s->qhead];
        s->qhead = (s->qhead + 1) & (s->qcap - 1);
        s->qlen--;
        return true;
    }
    if (!h || he > limit) return false;
    wr_heap_pop(&s->heap, end, v);
    return true;
}

/* ------------------------------------------------------------------------------------------
 * Processing
 * ---------------------------------------------------------------------------------------- */
static int scratch_reserve(sagg *s, uint32_t n)
{
    if (n <= s->rcap) return WR_OK;
    uint32_t c = s->rcap ? s->rcap : 256;
    while (c < n)
        c *= 2;
    void *p;
    if (!(p = wr_realloc_owned(s->mem, s->hash, (size_t)c * sizeof(*s->hash)))) return WR_ENOMEM;
    s->hash = p;
    if (!(p = wr_realloc_owned(s->mem, s->rsess, (size_t)c * sizeof(*s->rsess)))) return WR_ENOMEM;
    s->rsess = p;
    if (!(p = wr_realloc_owned(s->mem, s->accs, (size_t)c * sizeof(*s->accs)))) return WR_ENOMEM;
    s->accs = p;
    s->rcap = c;
    return WR_OK;
}

/* Put the row [t, t + gap) of key `key` (hash h) into its session; *id gets the session or
 * NONE when the row is late. */
static int assign_row(sagg *s, uint64_t h, const uint8_t *key, uint32_t klen, int64_t t,
                      uint32_t *id, wr_error *err)
{
    int64_t wend = t + s->gap;
    int64_t ki = wr_wtab_find(&s->keys, h, key, klen);
    uint32_t prev = NONE, cur = NONE;
    if (ki >= 0) {
        const wtab_ent *e = wr_wtab_ent(&s->keys, (uint32_t)ki);
        uint32_t tail = (uint32_t)e->aux2;
        if (s->ss[tail].start <= t) {
            /* At or after the last session (in-order rows): no earlier session can intersect
             * the row's window, only the last one. */
            if (s->ss[tail].end >= t)
                cur = tail;
            else
                prev = tail;
        } else {
            /* Sessions of a key never intersect one another, so the ones the new window
             * intersects are consecutive in start order. */
            cur = (uint32_t)e->aux;
            while (cur != NONE && s->ss[cur].end < t) {
                prev = cur;
                cur = s->ss[cur].next;
            }
        }
    }
    if (cur == NONE || s->ss[cur].start > wend) {
        /* Merges with nothing: a new session, unless it has already fired. */
        if (wend <= s->done) {
            *id = NONE;
            return WR_OK;
        }
        if (ki < 0) {
            bool ins;
            ki = wr_wtab_upsert(&s->keys, h, key, klen, &ins);
            if (ki < 0) goto nomem;
            wr_wtab_ent(&s->keys, (uint32_t)ki)->aux = NONE;
        }
        uint32_t n;
        int rc = sess_alloc(s, &n);
        if (rc) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
        wsess *x = &s->ss[n];
        x->start = t;
        x->end = wend;
        x->key = (uint32_t)ki;
        x->next = cur;
        wtab_ent *ke = wr_wtab_ent(&s->keys, (uint32_t)ki);
        if (prev == NONE)
            ke->aux = n;
        else
            s->ss[prev].next = n;
        if (cur == NONE) ke->aux2 = n; /* the new last session */
        if (sched_push(s, wend, heap_val(s, n))) goto nomem;
        *id = n;
        return WR_OK;
    }
    /* cur intersects: it absorbs the row and every following session the row reaches. */
    wsess *w = &s->ss[cur];
    if (t < w->start) w->start = t;
    if (wend > w->end) w->end = wend;
    uint32_t o = w->next;
    while (o != NONE && s->ss[o].start <= w->end) {
        wsess *x = &s->ss[o];
        if (x->end > w->end) w->end = x->end;
        if (s->layout->naggs) {
            int rc = wr_agg_merge(s->layout, sess_acc(s, cur), sess_acc(s, o), s->mem, err);
            if (rc) return rc;
            if (s->layout->owns_memory) wr_agg_destroy(s->layout, sess_acc(s, o));
        }
        uint32_t nx = x->next;
        x->alive = 0;
        x->parent = cur;
        x->next = NONE;
        if (push_u32(&s->pending, &s->npending, &s->pending_cap, o, s->mem)) goto nomem;
        o = nx;
        w = &s->ss[cur];
    }
    w->next = o;
    /* It may have absorbed the last session. */
    if (o == NONE) wr_wtab_ent(&s->keys, s->ss[cur].key)->aux2 = cur;
    *id = cur;
    return WR_OK;
nomem:
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
}

int wr_session_agg_process(void *state, wr_op_ctx *ctx, wr_batch *in, wr_error *err)
{
    sagg *s = state;
    const wr_window_agg_config *cfg = s->cfg;
    uint32_t n = in->len;
    if (n == 0) return WR_OK;
    int rc = wr_window_check_input(in, cfg->rowtime_col, s->name, err);
    if (rc) return rc;
    if (scratch_reserve(s, n))
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
    const int64_t *ts = WR_VEC_I64(&in->cols[cfg->rowtime_col]);
    wr_batch_hash_keys(in, cfg->keys, cfg->nkeys, s->hash);
    rc = wr_wkey_encode(&s->codec, in, &s->kb, err);
    if (rc) return rc;
    const uint32_t *off = s->kb.off;
    uint64_t dropped = 0;
    for (uint32_t i = 0; i < n; i++) {
        rc = assign_row(s, s->hash[i], s->kb.buf + off[i], off[i + 1] - off[i], ts[i], &s->rsess[i],
                        err);
        if (rc) return rc;
        dropped += s->rsess[i] == NONE;
    }
    /* Sessions merged away count as freed only now (rows may still point at them). */
    for (uint32_t i = 0; i < n; i++)
        s->accs[i] = s->rsess[i] == NONE ? NULL : sess_acc(s, sess_find(s, s->rsess[i]));
    if (cfg->naggs) {
        rc = wr_agg_update(s->layout, s->accs, in, true, s->mem, err);
        if (rc) return rc;
    }
    for (uint32_t j = 0; j < s->npending; j++) {
        if (sess_free(s, s->pending[j]))
            return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
    }
    s->npending = 0;
    if (dropped) {
        wr_op_count_late(ctx, dropped);
        if (cfg->stats)
            atomic_fetch_add_explicit(&cfg->stats->late_dropped, dropped, memory_order_relaxed);
    }
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Firing
 * ---------------------------------------------------------------------------------------- */
/* Unlink session id from its key; drop the key when it has no session left. */
static void sess_unlink(sagg *s, uint32_t id)
{
    uint32_t ki = s->ss[id].key;
    wtab_ent *e = wr_wtab_ent(&s->keys, ki);
    if (e->aux == id) {
        e->aux = s->ss[id].next;
    } else {
        uint32_t p = (uint32_t)e->aux;
        while (s->ss[p].next != id)
            p = s->ss[p].next;
        s->ss[p].next = s->ss[id].next;
        if (e->aux2 == id) e->aux2 = p;
    }
    if (e->aux != NONE) return;
    uint32_t last = s->keys.n - 1;
    wr_wtab_remove(&s->keys, ki);
    if (ki != last) {
        /* The table moved its last entry into the hole: repoint that key's sessions. */
        for (uint32_t x = (uint32_t)wr_wtab_ent(&s->keys, ki)->aux; x != NONE; x = s->ss[x].next)
            s->ss[x].key = ki;
    }
}

static void session_publish(sagg *s)
{
    if (!s->cfg->stats) return;
    int64_t bytes = (int64_t)wr_wtab_bytes(&s->keys) +
                    (int64_t)s->ss_cap * (int64_t)(sizeof(wsess) + s->layout->acc_size) +
                    (int64_t)s->heap.cap * (int64_t)sizeof(wr_heap_item) + (int64_t)s->qcap * 16 +
                    (int64_t)s->free_cap * 4;
    wr_window_stats_publish(s->cfg->stats, &s->pub, s->nlive, s->keys.n, bytes);
    wr_window_stats_fired(s->cfg->stats, &s->pub, s->out.emitted);
}

int wr_session_agg_fire(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err)
{
    sagg *s = state;
    int64_t limit = wr_window_fire_limit(wm);
    if (limit <= s->done) return WR_OK;
    s->done = limit;
    int64_t end;
    uint64_t v;
    s->nfired = 0;
    while (sched_pop(s, limit, &end, &v)) {
        uint32_t id = (uint32_t)v, gen = (uint32_t)(v >> 32);
        if (id >= s->ss_n || !s->ss[id].alive || s->ss[id].gen != gen) continue;
        if (s->ss[id].end <= limit) {
            if (push_u32(&s->fired, &s->nfired, &s->fired_cap, id, s->mem)) goto nomem;
        } else if (sched_push(s, s->ss[id].end, v)) {
            goto nomem; /* grew since it was scheduled */
        }
    }
    for (uint32_t j = 0; j < s->nfired; j++) {
        uint32_t id = s->fired[j];
        const wtab_ent *e = wr_wtab_ent(&s->keys, s->ss[id].key);
        if (wr_wout_add(&s->out, s->ss[id].start, s->ss[id].end, wr_wtab_key(&s->keys, e),
                        sess_acc(s, id)))
            goto nomem;
    }
    int rc = wr_wout_write(&s->out, ctx, true, err);
    if (rc) return rc;
    for (uint32_t j = 0; j < s->nfired; j++) {
        uint32_t id = s->fired[j];
        if (s->layout->owns_memory) wr_agg_destroy(s->layout, sess_acc(s, id));
        sess_unlink(s, id);
        if (sess_free(s, id)) goto nomem;
    }
    s->nfired = 0;
    if ((rc = wr_wout_end(&s->out, ctx, err))) return rc;
    if (s->nlive == 0) {
        /* No session left: return every byte of state. */
        wr_free(s->ss);
        wr_free(s->acc);
        wr_free(s->freel);
        wr_free(s->fired);
        s->ss = NULL;
        s->acc = NULL;
        s->freel = NULL;
        s->fired = NULL;
        s->ss_n = s->ss_cap = s->nfree = s->free_cap = s->fired_cap = 0;
        wr_heap_free(&s->heap);
        wr_heap_init(&s->heap, s->mem);
        wr_free(s->qend);
        wr_free(s->qval);
        s->qend = NULL;
        s->qval = NULL;
        s->qhead = s->qlen = s->qcap = 0;
        wr_wtab_free(&s->keys);
    }
    session_publish(s);
    return WR_OK;
nomem:
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints. Keyed records of table "session.acc", one per open session: namespace = the
 * session's start, key = the encoded group key, value = the key's hash (u64, little-endian;
 * the hash the input edge partitions by, so it gives the key group and the table slot), the
 * session's end (i64, little-endian), then the accumulator (wr_agg_encode). Sessions of one
 * key never intersect, so (start, key) is unique. One operator record "session.done" per
 * instance: i64 little-endian, every session with end <= it has fired (the fire limit of the
 * last watermark; all instances see the same watermarks, so a restore takes the largest).
 * It also decides lateness after a restore, before the sources' watermark catches up.
 * ---------------------------------------------------------------------------------------- */
int wr_session_agg_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w,
                            wr_error *err)
{
    WR_UNUSED(id);
    sagg *s = state;
    uint32_t max_par = wr_op_max_parallelism(ctx);
    wr_buf val;
    wr_buf_init(&val);
    int rc = WR_OK;
    for (uint32_t i = 0; i < s->ss_n && rc == WR_OK; i++) {
        const wsess *x = &s->ss[i];
        if (!x->alive) continue;
        const wtab_ent *e = wr_wtab_ent(&s->keys, x->key);
        uint8_t hdr[16];
        wr_le_put(hdr, e->hash, 8);
        wr_le_put(hdr + 8, (uint64_t)x->end, 8);
        wr_buf_clear(&val);
        if (wr_buf_append(&val, hdr, sizeof hdr) ||
            (s->layout->naggs && wr_agg_encode(s->layout, sess_acc(s, i), &val))) {
            rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
            break;
        }
        rc = wr_snap_put(w, "session.acc", wr_keygroup_of(e->hash, max_par), x->start,
                         wr_wtab_key(&s->keys, e), e->key_len, val.ptr, (uint32_t)val.len, err);
    }
    wr_buf_free(&val);
    if (rc != WR_OK) return rc;
    uint8_t d[8];
    wr_le_put(d, (uint64_t)s->done, 8);
    return wr_snap_put_op(w, "session.done", d, sizeof d, err);
}

/* Insert a restored session [start, end) of a key into the key's list (ascending start). */
static int restore_session(sagg *s, const wr_snap_rec *rec, uint64_t h, int64_t end, wr_error *err)
{
    int64_t start = rec->ns;
    if (end <= start)
        return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                            "%s: bad session in the checkpoint (end before start)", s->name);
    bool ins;
    int64_t ki = wr_wtab_upsert(&s->keys, h, rec->key, rec->klen, &ins);
    if (ki < 0) goto nomem;
    wtab_ent *ke = wr_wtab_ent(&s->keys, (uint32_t)ki);
    if (ins) ke->aux = ke->aux2 = NONE;
    uint32_t prev = NONE, cur = (uint32_t)ke->aux;
    while (cur != NONE && s->ss[cur].start < start) {
        prev = cur;
        cur = s->ss[cur].next;
    }
    if ((prev != NONE && s->ss[prev].end >= start) || (cur != NONE && s->ss[cur].start <= end))
        return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                            "%s: overlapping sessions of one key in the checkpoint", s->name);
    uint32_t n;
    int rc = sess_alloc(s, &n);
    if (rc) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
    wsess *x = &s->ss[n];
    x->start = start;
    x->end = end;
    x->key = (uint32_t)ki;
    x->next = cur;
    ke = wr_wtab_ent(&s->keys, (uint32_t)ki);
    if (prev == NONE)
        ke->aux = n;
    else
        s->ss[prev].next = n;
    if (cur == NONE) ke->aux2 = n;
    if (s->layout->naggs) {
        rc = wr_agg_decode(s->layout, rec->val + 16, rec->vlen - 16, sess_acc(s, n), s->mem, err);
        if (rc != WR_OK) return rc;
    }
    if (sched_push(s, end, heap_val(s, n))) goto nomem;
    return WR_OK;
nomem:
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
}

int wr_session_agg_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    WR_UNUSED(ctx);
    sagg *s = state;
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next_op(r, "session.done", &rec, err)) == 1) {
        if (rec.vlen != 8)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: bad session progress record", s->name);
        int64_t d = (int64_t)wr_le_get(rec.val, 8);
        if (d > s->done) s->done = d;
    }
    if (rc < 0) return rc;
    while ((rc = wr_snap_next(r, "session.acc", &rec, err)) == 1) {
        if (rec.vlen < 16)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: bad session state record", s->name);
        rc = restore_session(s, &rec, wr_le_get(rec.val, 8), (int64_t)wr_le_get(rec.val + 8, 8),
                             err);
        if (rc != WR_OK) return rc;
    }
    if (rc < 0) return rc;
    session_publish(s);
    return WR_OK;
}
