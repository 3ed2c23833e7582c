/* op_window_rank.c - window Top-N and window deduplication over rows that carry window_start
 * and window_end (from a window TVF or a window aggregation). Each window (start, end) has a
 * wr_htab from the partition key (order-preserving encoding) to an rk_list of at most rank_end
 * rows ordered by the encoded sort key plus an arrival sequence; a row that cannot enter a
 * full list is rejected by one key comparison, before anything is allocated. Windows are
 * found through a table keyed by (start, end) and scheduled in a min-heap on their end. When
 * the watermark reaches end - 1 ms (1000 us, as the window aggregation), the due windows are
 * emitted in (end, start) order, each window's partitions in key order and each partition's
 * rows in rank order, as +I rows; then the window is freed. Rows of a window that already
 * fired are late: dropped and counted, as Flink's slicing window processors do.
 *
 * Window deduplication is the same machinery with rank range [1, 1] and the rowtime as the
 * only sort key: ASC with ties to the earliest arrival (keep first), DESC with ties to the
 * latest arrival (keep last: a later row with an equal rowtime replaces the kept one, as
 * Flink's RowTimeDeduplicateRecordsCombiner does with `<=`). */
#include "operators/op_rank_internal.h"

#include <stdlib.h>

typedef struct wk_part {
    rk_list list;
    uint64_t phash; /* hash of the partition columns (the key of wk_window.parts) */
    uint64_t ehash; /* hash the input edge partitions by: its key group in checkpoints */
    uint32_t klen;
    uint8_t key[]; /* partition key, for ordering the output */
} wk_part;

typedef struct wk_window {
    int64_t start, end;
    wr_htab parts;
    uint32_t nparts;
} wk_window;

/* What both vtables run on. */
typedef struct wk_params {
    uint32_t ws_col, we_col;
    uint32_t npart;
    uint32_t *part; /* owned copy without the window columns */
    uint32_t nsort;
    wr_sort_key sort1; /* dedup's single sort key */
    const wr_sort_key *sort;
    int64_t rank_start, rank_end;
    bool output_rank;
    rk_seq_mode seq;
    wr_rank_stats *stats;
} wk_params;

typedef struct wk_state {
    wk_params p;
    wr_op_ctx *ctx;
    wr_mem_owner *mem;
    wr_htab windows; /* (start, end) -> wk_window */
    wr_heap sched;   /* end -> wk_window */
    rk_keys pkeys, skeys;
    uint64_t *hash, *ehash;
    uint32_t hash_cap;
    uint32_t *ekeys; /* the input edge's hash columns: partition as configured, ws, we */
    uint32_t nekeys;
    int64_t wm_floor; /* restored watermark: rows of windows it closed are late */
    uint64_t seq;
    int64_t rows, nparts;
    wk_window **due;
    uint32_t due_cap;
    wk_part **order;
    uint32_t order_cap;
    rk_out out;
} wk_state;

/* ------------------------------------------------------------------------------------------
 * Configs
 * ---------------------------------------------------------------------------------------- */
wr_window_rank_cfg *wr_window_rank_cfg_new(uint32_t window_start_col, uint32_t window_end_col,
                                           const uint32_t *partition, uint32_t npartition,
                                           const wr_sort_key *sort, uint32_t nsort,
                                           int64_t rank_start, int64_t rank_end, bool output_rank)
{
    wr_window_rank_cfg *c = wr_calloc(1, sizeof(*c));
    if (!c) return NULL;
    if (wr_rk_cfg_keys_dup(partition, npartition, sort, nsort, &c->partition, &c->sort) < 0) {
        wr_free(c);
        return NULL;
    }
    c->window_start_col = window_start_col;
    c->window_end_col = window_end_col;
    c->npartition = npartition;
    c->nsort = nsort;
    c->rank_start = rank_start;
    c->rank_end = rank_end;
    c->output_rank = output_rank;
    return c;
}

void wr_window_rank_cfg_free(void *p)
{
    wr_window_rank_cfg *c = p;
    if (!c) return;
    wr_free(c->partition);
    wr_free(c->sort);
    wr_free(c);
}

wr_window_dedup_cfg *wr_window_dedup_cfg_new(uint32_t window_start_col, uint32_t window_end_col,
                                             uint32_t rowtime_col, const uint32_t *partition,
                                             uint32_t npartition, bool keep_last)
{
    wr_window_dedup_cfg *c = wr_calloc(1, sizeof(*c));
    if (!c) return NULL;
    if (wr_rk_cfg_keys_dup(partition, npartition, NULL, 0, &c->partition, NULL) < 0) {
        wr_free(c);
        return NULL;
    }
    c->window_start_col = window_start_col;
    c->window_end_col = window_end_col;
    c->rowtime_col = rowtime_col;
    c->npartition = npartition;
    c->keep_last = keep_last;
    return c;
}

void wr_window_dedup_cfg_free(void *p)
{
    wr_window_dedup_cfg *c = p;
    if (!c) return;
    wr_free(c->partition);
    wr_free(c);
}

static int check_window_col(const char *what, uint32_t col, const wr_schema *in, wr_error *err)
{
    if (col >= in->ncols)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "%s column %u out of range (%u columns)", what, col, in->ncols);
    uint8_t id = in->cols[col].type.id;
    if (id != WR_TYPE_TIMESTAMP && id != WR_TYPE_TIMESTAMP_LTZ)
        return wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER, "%s column '%s' must be a TIMESTAMP",
                            what, in->cols[col].name);
    return 0;
}

int wr_window_rank_check(const wr_window_rank_cfg *c, const wr_schema *in, wr_error *err)
{
    int rc;
    if (c->rank_start < 1 || c->rank_end < c->rank_start || c->rank_end > (INT64_MAX >> 2))
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "invalid rank range [%lld, %lld]: need 1 <= start <= end",
                            (long long)c->rank_start, (long long)c->rank_end);
    if ((rc = check_window_col("window_start", c->window_start_col, in, err)) < 0 ||
        (rc = check_window_col("window_end", c->window_end_col, in, err)) < 0 ||
        (rc = wr_rk_check_cols("PARTITION BY", c->partition, c->npartition, in, err)) < 0)
        return rc;
    return wr_rk_check_sort(c->sort, c->nsort, in, err);
}

int wr_window_rank_schema(const wr_window_rank_cfg *c, const wr_schema *in, const char *rank_name,
                          wr_schema **out, wr_error *err)
{
    return wr_rk_schema(in, c->output_rank, rank_name, out, err);
}

int wr_window_dedup_check(const wr_window_dedup_cfg *c, const wr_schema *in, wr_error *err)
{
    int rc;
    if ((rc = check_window_col("window_start", c->window_start_col, in, err)) < 0 ||
        (rc = check_window_col("window_end", c->window_end_col, in, err)) < 0 ||
        (rc = check_window_col("rowtime", c->rowtime_col, in, err)) < 0)
        return rc;
    return wr_rk_check_cols("PARTITION BY", c->partition, c->npartition, in, err);
}

/* ------------------------------------------------------------------------------------------
 * Open / close
 * ---------------------------------------------------------------------------------------- */
static void window_free(wk_window *w)
{
    wr_htab_iter it;
    const void *k;
    size_t kl;
    void **v;
    wr_htab_iter_init(&w->parts, &it);
    while (wr_htab_iter_next(&it, &k, &kl, &v)) {
        wk_part *p = *v;
        if (!p) continue;
        wr_rk_list_clear(&p->list, true);
        wr_free(p);
    }
    wr_htab_free(&w->parts, NULL);
    wr_free(w);
}

static void wk_close(void *state)
{
    wk_state *st = state;
    if (!st) return;
    wr_htab_iter it;
    const void *k;
    size_t kl;
    void **v;
    wr_htab_iter_init(&st->windows, &it);
    while (wr_htab_iter_next(&it, &k, &kl, &v))
        if (*v) window_free(*v);
    wr_htab_free(&st->windows, NULL);
    wr_heap_free(&st->sched);
    wr_rk_stats_rows(st->p.stats, -st->rows, -st->nparts, 0);
    wr_rk_keys_free(&st->pkeys);
    wr_rk_keys_free(&st->skeys);
    wr_rk_out_discard(&st->out);
    wr_free(st->hash);
    wr_free(st->ehash);
    wr_free(st->ekeys);
    wr_free(st->due);
    wr_free(st->order);
    wr_free(st->p.part);
    wr_free(st);
}

static int wk_open_params(void **state, wr_op_ctx *ctx, const wk_params *p, const uint32_t *part,
                          uint32_t npart, wr_error *err)
{
    const wr_schema *in = wr_op_input_schema(ctx, 0);
    int rc = wr_rk_check_output(ctx, p->output_rank, err);
    if (rc < 0) return rc;
    wk_state *st = wr_calloc_owned(wr_op_mem(ctx), 1, sizeof(*st));
    if (!st) return wr_rk_nomem(ctx, err);
    st->p = *p;
    st->ctx = ctx;
    st->mem = wr_op_mem(ctx);
    wr_htab_init(&st->windows, st->mem);
    wr_heap_init(&st->sched, st->mem);
    wr_rk_keys_init(&st->pkeys, st->mem);
    wr_rk_keys_init(&st->skeys, st->mem);
    wr_rk_out_init(&st->out, ctx, in->ncols, p->output_rank, true);
    /* The window columns are always part of the key: drop them from the partition list. */
    st->p.part = wr_malloc_owned(st->mem, (npart ? npart : 1) * sizeof(uint32_t));
    if (!st->p.part) {
        wk_close(st);
        return wr_rk_nomem(ctx, err);
    }
    st->p.npart = 0;
    for (uint32_t i = 0; i < npart; i++)
        if (part[i] != p->ws_col && part[i] != p->we_col) st->p.part[st->p.npart++] = part[i];
    /* The planner hashes the input edge by the configured partition columns, then window_start
     * and window_end: checkpoints file each partition under that hash's key group. */
    st->wm_floor = WR_WATERMARK_MIN;
    if (!(st->ekeys = wr_malloc_owned(st->mem, (npart + 2) * sizeof(uint32_t)))) {
        wk_close(st);
        return wr_rk_nomem(ctx, err);
    }
    if (npart) memcpy(st->ekeys, part, npart * sizeof(uint32_t));
    st->ekeys[npart] = p->ws_col;
    st->ekeys[npart + 1] = p->we_col;
    st->nekeys = npart + 2;
    if (p->sort == &p->sort1) st->p.sort = &st->p.sort1;
    *state = st;
    return 0;
}

static int wk_open_rank(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_window_rank_cfg *c = config;
    int rc = wr_window_rank_check(c, wr_op_input_schema(ctx, 0), err);
    if (rc < 0) {
        wr_error_prefix(err, "%s: ", wr_op_name(ctx));
        return rc;
    }
    wk_params p = {
        .ws_col = c->window_start_col,
        .we_col = c->window_end_col,
        .nsort = c->nsort,
        .sort = c->sort,
        .rank_start = c->rank_start,
        .rank_end = c->rank_end,
        .output_rank = c->output_rank,
        .seq = RK_SEQ_ASC,
        .stats = c->stats,
    };
    return wk_open_params(state, ctx, &p, c->partition, c->npartition, err);
}

static int wk_open_dedup(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_window_dedup_cfg *c = config;
    int rc = wr_window_dedup_check(c, wr_op_input_schema(ctx, 0), err);
    if (rc < 0) {
        wr_error_prefix(err, "%s: ", wr_op_name(ctx));
        return rc;
    }
    wk_params p = {
        .ws_col = c->window_start_col,
        .we_col = c->window_end_col,
        .nsort = 1,
        .sort1 = {.col = c->rowtime_col, .desc = c->keep_last, .nulls_first = !c->keep_last},
        .rank_start = 1,
        .rank_end = 1,
        .output_rank = false,
        .seq = c->keep_last ? RK_SEQ_DESC : RK_SEQ_ASC,
        .stats = c->stats,
    };
    p.sort = &p.sort1;
    return wk_open_params(state, ctx, &p, c->partition, c->npartition, err);
}

/* ------------------------------------------------------------------------------------------
 * Rows
 * ---------------------------------------------------------------------------------------- */
static wk_window *window_get(wk_state *st, int64_t start, int64_t end, int *rc)
{
    int64_t k[2] = {start, end};
    uint64_t h = wr_hash_bytes(k, sizeof(k));
    bool inserted;
    void **slot = wr_htab_upsert(&st->windows, h, k, sizeof(k), &inserted);
    if (!slot) goto nomem;
    if (!inserted) return *slot;
    wk_window *w = wr_calloc_owned(st->mem, 1, sizeof(*w));
    if (!w) goto undo;
    w->start = start;
    w->end = end;
    wr_htab_init(&w->parts, st->mem);
    if (wr_heap_push(&st->sched, end, (uint64_t)(uintptr_t)w) < 0) {
        wr_free(w);
        goto undo;
    }
    *slot = w;
    return w;
undo:
    wr_htab_remove(&st->windows, h, k, sizeof(k), NULL);
nomem:
    *rc = WR_ENOMEM;
    return NULL;
}

static int add_row(wk_state *st, wk_window *w, const wr_batch *in, uint32_t i)
{
    const uint8_t *pk = st->pkeys.buf + st->pkeys.off[i];
    const uint32_t pklen = st->pkeys.len[i];
    const uint8_t *key = st->skeys.buf + st->skeys.off[i];
    const uint32_t klen = st->skeys.len[i];
    bool inserted;
    void **slot = wr_htab_upsert(&w->parts, st->hash[i], pk, pklen, &inserted);
    if (!slot) return WR_ENOMEM;
    if (inserted) {
        wk_part *p = wr_calloc_owned(st->mem, 1, sizeof(wk_part) + pklen);
        if (!p) {
            wr_htab_remove(&w->parts, st->hash[i], pk, pklen, NULL);
            return WR_ENOMEM;
        }
        p->klen = pklen;
        p->phash = st->hash[i];
        p->ehash = st->ehash[i];
        memcpy(p->key, pk, pklen);
        *slot = p;
        w->nparts++;
        st->nparts++;
    }
    wk_part *p = *slot;
    rk_list *l = &p->list;
    if ((int64_t)l->count >= st->p.rank_end && wr_rk_list_after_last(l, key, klen)) return 0;
    rk_row *row = wr_rk_row_new(st->mem, key, klen, in, i);
    if (!row) return WR_ENOMEM; /* an empty new partition is freed with its window */
    int64_t pos = wr_rk_list_insert(l, st->mem, row, (uint64_t)st->p.rank_end);
    if (pos < 0) {
        wr_free(row);
        return (int)pos;
    }
    st->rows++;
    if ((int64_t)l->count > st->p.rank_end) {
        wr_free(wr_rk_list_pop_last(l));
        st->rows--;
    }
    return 0;
}

static int wk_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    WR_UNUSED(input);
    wk_state *st = state;
    const uint32_t n = in->len;
    const int64_t wm = WR_MAX(wr_op_current_watermark(ctx), st->wm_floor);
    int64_t rows0 = st->rows, parts0 = st->nparts;
    uint64_t late = 0;
    int rc = 0;
    if (n == 0) return 0;
    const wr_vec *sv = &in->cols[st->p.ws_col], *ev = &in->cols[st->p.we_col];
    for (uint32_t i = 0; i < n; i++) {
        if (in->rowkind[i] != WR_RK_INSERT)
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "%s: window rank doesn't support consuming update and delete "
                                "changes (got a %s row)",
                                wr_op_name(ctx), wr_rowkind_str(in->rowkind[i]));
        if (!wr_vec_valid(sv, i) || !wr_vec_valid(ev, i))
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                                "%s: window_start and window_end must not be NULL",
                                wr_op_name(ctx));
    }
    if (n > st->hash_cap) {
        uint32_t cap = (uint32_t)wr_next_pow2(n);
        uint64_t *h = wr_realloc_owned(st->mem, st->hash, (size_t)cap * sizeof(uint64_t));
        if (!h) return wr_rk_nomem(ctx, err);
        st->hash = h;
        h = wr_realloc_owned(st->mem, st->ehash, (size_t)cap * sizeof(uint64_t));
        if (!h) return wr_rk_nomem(ctx, err);
        st->ehash = h;
        st->hash_cap = cap;
    }
    wr_batch_hash_keys(in, st->ekeys, st->nekeys, st->ehash);
    if (st->p.npart)
        wr_batch_hash_keys(in, st->p.part, st->p.npart, st->hash);
    else
        memset(st->hash, 0, (size_t)n * sizeof(uint64_t));
    if ((rc = wr_rk_keys_encode_cols(&st->pkeys, in, st->p.part, st->p.npart)) < 0 ||
        (rc = wr_rk_keys_encode(&st->skeys, in, st->p.sort, st->p.nsort, st->p.seq, st->seq)) < 0)
        goto fail;
    st->seq += n;

    const int64_t *starts = WR_VEC_I64(sv), *ends = WR_VEC_I64(ev);
    wk_window *w = NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (ends[i] - WR_WINDOW_MAX_TS_DELTA <= wm) {
            late++;
            continue;
        }
        if (!w || w->start != starts[i] || w->end != ends[i]) {
            if (!(w = window_get(st, starts[i], ends[i], &rc))) goto fail;
        }
        if ((rc = add_row(st, w, in, i)) < 0) goto fail;
    }
    rc = 0;
fail:
    if (late) {
        wr_op_count_late(ctx, late);
        if (st->p.stats)
            atomic_fetch_add_explicit(&st->p.stats->late_dropped, late, memory_order_relaxed);
    }
    wr_rk_stats_rows(st->p.stats, st->rows - rows0, st->nparts - parts0, st->rows);
    if (rc == WR_ENOMEM) return wr_rk_nomem(ctx, err);
    if (rc < 0)
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: %s", wr_op_name(ctx), wr_err_str(rc));
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Firing
 * ---------------------------------------------------------------------------------------- */
static int cmp_window(const void *a, const void *b)
{
    const wk_window *x = *(wk_window *const *)a, *y = *(wk_window *const *)b;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return 0;
}

static int cmp_part(const void *a, const void *b)
{
    const wk_part *x = *(wk_part *const *)a, *y = *(wk_part *const *)b;
    return wr_rk_keycmp(x->key, x->klen, y->key, y->klen);
}

static int grow_ptrs(wk_state *st, void ***arr, uint32_t *cap, uint32_t need)
{
    if (need <= *cap) return 0;
    uint32_t ncap = (uint32_t)wr_next_pow2(WR_MAX(need, 16));
    void **na = wr_realloc_owned(st->mem, *arr, (size_t)ncap * sizeof(void *));
    if (!na) return WR_ENOMEM;
    *arr = na;
    *cap = ncap;
    return 0;
}

/* Emit one window's results (partitions in key order) and free it. */
static int fire_window(wk_state *st, wk_window *w)
{
    int rc = grow_ptrs(st, (void ***)&st->order, &st->order_cap, w->nparts);
    if (rc < 0) return rc;
    uint32_t np = 0;
    wr_htab_iter it;
    const void *k;
    size_t kl;
    void **v;
    wr_htab_iter_init(&w->parts, &it);
    while (wr_htab_iter_next(&it, &k, &kl, &v))
        if (*v) st->order[np++] = *v;
    if (np > 1) qsort(st->order, np, sizeof(*st->order), cmp_part);
    for (uint32_t j = 0; j < np && rc == 0; j++) {
        const rk_list *l = &st->order[j]->list;
        rk_iter ri;
        wr_rk_list_seek(l, (uint64_t)st->p.rank_start, &ri);
        int64_t r = st->p.rank_start;
        for (rk_row *row; r <= st->p.rank_end && (row = wr_rk_iter_next(&ri)) && rc == 0; r++)
            rc = wr_rk_out_row(&st->out, RK_ROW_REC(row), WR_RK_INSERT, r);
    }
    return rc;
}

static int fire(wk_state *st, int64_t wm)
{
    int64_t end;
    uint64_t val;
    uint32_t nd = 0;
    int rc = 0;
    while (wr_heap_peek(&st->sched, &end, &val) && end - WR_WINDOW_MAX_TS_DELTA <= wm) {
        if ((rc = grow_ptrs(st, (void ***)&st->due, &st->due_cap, nd + 1)) < 0) break;
        wr_heap_pop(&st->sched, &end, &val);
        st->due[nd++] = (wk_window *)(uintptr_t)val;
    }
    if (nd == 0) return rc;
    if (nd > 1) qsort(st->due, nd, sizeof(*st->due), cmp_window);
    int64_t rows0 = st->rows, parts0 = st->nparts;
    uint64_t out0 = st->out.rows;
    for (uint32_t d = 0; d < nd; d++) {
        wk_window *w = st->due[d];
        if (rc == 0) rc = fire_window(st, w);
        wr_htab_iter it;
        const void *k;
        size_t kl;
        void **v;
        wr_htab_iter_init(&w->parts, &it);
        while (wr_htab_iter_next(&it, &k, &kl, &v))
            if (*v) st->rows -= (int64_t)((wk_part *)*v)->list.count;
        st->nparts -= w->nparts;
        int64_t key[2] = {w->start, w->end};
        wr_htab_remove(&st->windows, wr_hash_bytes(key, sizeof(key)), key, sizeof(key), NULL);
        window_free(w);
    }
    if (rc == 0) rc = wr_rk_out_flush(&st->out);
    wr_rk_stats_rows(st->p.stats, st->rows - rows0, st->nparts - parts0, st->rows);
    if (st->p.stats)
        atomic_fetch_add_explicit(&st->p.stats->fired, st->out.rows - out0, memory_order_relaxed);
    return rc;
}

static int wk_on_watermark(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err)
{
    wk_state *st = state;
    int rc = fire(st, wm);
    if (rc < 0) {
        wr_rk_out_discard(&st->out);
        if (rc == WR_ENOMEM) return wr_rk_nomem(ctx, err);
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: %s", wr_op_name(ctx), wr_err_str(rc));
    }
    return wr_op_emit_watermark(ctx, wm);
}

static int wk_finish(void *state, wr_op_ctx *ctx, wr_error *err)
{
    wk_state *st = state;
    int rc = fire(st, WR_WATERMARK_MAX);
    if (rc < 0) {
        wr_rk_out_discard(&st->out);
        if (rc == WR_ENOMEM) return wr_rk_nomem(ctx, err);
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: %s", wr_op_name(ctx), wr_err_str(rc));
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints. Keyed records of table "window_rank.row", one per buffered row: key group of
 * the input edge's hash (partition columns, window_start, window_end: every row of a
 * partition of a window lands in the same key group), namespace = the window end, key = the
 * encoded partition key, value (integers little-endian):
 *     u64 edge hash | u64 partition-column hash | i64 window start | u32 sort key length |
 *     sort key (with its arrival-sequence suffix) | i64 aux | row encoding (to the end)
 * A partition's rows all come from one instance, so their sequence suffixes keep their order
 * after a restore at another parallelism. One operator record "window_rank.pos" per
 * instance: i64 watermark (windows with end - 1 ms <= it have fired; all instances see the
 * same watermarks) and u64 next arrival sequence; a restore takes the largest of each, so
 * rows arriving later sort after every restored row, and rows of fired windows stay late
 * until the sources' watermark catches up.
 * ---------------------------------------------------------------------------------------- */
#define WK_HDR 28 /* edge hash, partition hash, start, sort key length */

static int snap_part(wk_state *st, const wk_window *w, const wk_part *p, uint32_t max_par,
                     wr_buf *val, wr_snap_writer *sw, wr_error *err)
{
    uint8_t hdr[WK_HDR];
    wr_le_put(hdr, p->ehash, 8);
    wr_le_put(hdr + 8, p->phash, 8);
    wr_le_put(hdr + 16, (uint64_t)w->start, 8);
    rk_iter ri;
    wr_rk_list_seek(&p->list, 1, &ri);
    for (rk_row *row; (row = wr_rk_iter_next(&ri));) {
        uint8_t aux[8];
        wr_le_put(hdr + 24, row->klen, 4);
        wr_le_put(aux, (uint64_t)row->aux, 8);
        wr_buf_clear(val);
        if (wr_buf_append(val, hdr, sizeof hdr) || wr_buf_append(val, RK_ROW_KEY(row), row->klen) ||
            wr_buf_append(val, aux, sizeof aux) || wr_buf_append(val, RK_ROW_REC(row), row->rlen))
            return wr_rk_nomem(st->ctx, err);
        int rc = wr_snap_put(sw, "window_rank.row", wr_keygroup_of(p->ehash, max_par), w->end,
                             p->key, p->klen, val->ptr, (uint32_t)val->len, err);
        if (rc != WR_OK) return rc;
    }
    return WR_OK;
}

static int wk_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *sw, wr_error *err)
{
    WR_UNUSED(id);
    wk_state *st = state;
    const uint32_t max_par = wr_op_max_parallelism(ctx);
    wr_buf val;
    wr_buf_init(&val);
    int rc = WR_OK;
    wr_htab_iter wi;
    const void *k;
    size_t kl;
    void **v;
    wr_htab_iter_init(&st->windows, &wi);
    while (rc == WR_OK && wr_htab_iter_next(&wi, &k, &kl, &v)) {
        const wk_window *w = *v;
        if (!w) continue;
        wr_htab_iter pi;
        void **pv;
        wr_htab_iter_init((wr_htab *)&w->parts, &pi);
        while (rc == WR_OK && wr_htab_iter_next(&pi, &k, &kl, &pv))
            if (*pv) rc = snap_part(st, w, *pv, max_par, &val, sw, err);
    }
    wr_buf_free(&val);
    if (rc != WR_OK) return rc;
    uint8_t pos[16];
    wr_le_put(pos, (uint64_t)WR_MAX(wr_op_current_watermark(ctx), st->wm_floor), 8);
    wr_le_put(pos + 8, st->seq, 8);
    return wr_snap_put_op(sw, "window_rank.pos", pos, sizeof pos, err);
}

/* Put one restored row into its window and partition. */
static int restore_row(wk_state *st, const wr_snap_rec *rec)
{
    const uint8_t *vp = rec->val;
    uint32_t klen = (uint32_t)wr_le_get(vp + 24, 4);
    if ((uint64_t)WK_HDR + klen + 8 > rec->vlen) return WR_ECORRUPT;
    uint32_t rlen = rec->vlen - WK_HDR - klen - 8;
    int rc = WR_OK;
    wk_window *w = window_get(st, (int64_t)wr_le_get(vp + 16, 8), rec->ns, &rc);
    if (!w) return rc;
    uint64_t ph = wr_le_get(vp + 8, 8);
    bool inserted;
    void **slot = wr_htab_upsert(&w->parts, ph, rec->key, rec->klen, &inserted);
    if (!slot) return WR_ENOMEM;
    if (inserted) {
        wk_part *p = wr_calloc_owned(st->mem, 1, sizeof(wk_part) + rec->klen);
        if (!p) {
            wr_htab_remove(&w->parts, ph, rec->key, rec->klen, NULL);
            return WR_ENOMEM;
        }
        p->klen = rec->klen;
        p->phash = ph;
        p->ehash = wr_le_get(vp, 8);
        memcpy(p->key, rec->key, rec->klen);
        *slot = p;
        w->nparts++;
        st->nparts++;
    }
    wk_part *p = *slot;
    rk_row *row = wr_malloc_owned(st->mem, sizeof(rk_row) + klen + rlen);
    if (!row) return WR_ENOMEM;
    row->klen = klen;
    row->rlen = rlen;
    row->aux = (int64_t)wr_le_get(vp + WK_HDR + klen, 8);
    memcpy(row->data, vp + WK_HDR, klen);
    memcpy(row->data + klen, vp + WK_HDR + klen + 8, rlen);
    int64_t at = wr_rk_list_insert(&p->list, st->mem, row, (uint64_t)st->p.rank_end);
    if (at < 0) {
        wr_free(row);
        return (int)at;
    }
    st->rows++;
    if ((int64_t)p->list.count > st->p.rank_end) {
        wr_free(wr_rk_list_pop_last(&p->list));
        st->rows--;
    }
    return WR_OK;
}

static int wk_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    wk_state *st = state;
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next_op(r, "window_rank.pos", &rec, err)) == 1) {
        if (rec.vlen != 16)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: bad window rank progress record", wr_op_name(ctx));
        int64_t wm = (int64_t)wr_le_get(rec.val, 8);
        uint64_t seq = wr_le_get(rec.val + 8, 8);
        if (wm > st->wm_floor) st->wm_floor = wm;
        if (seq > st->seq) st->seq = seq;
    }
    if (rc < 0) return rc;
    int64_t rows0 = st->rows, parts0 = st->nparts;
    while ((rc = wr_snap_next(r, "window_rank.row", &rec, err)) == 1) {
        if (rec.vlen < WK_HDR || (rc = restore_row(st, &rec)) == WR_ECORRUPT)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: bad window rank state record", wr_op_name(ctx));
        if (rc == WR_ENOMEM) return wr_rk_nomem(ctx, err);
        if (rc < 0)
            return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: %s", wr_op_name(ctx),
                                wr_err_str(rc));
    }
    wr_rk_stats_rows(st->p.stats, st->rows - rows0, st->nparts - parts0, st->rows);
    return rc < 0 ? rc : WR_OK;
}

const wr_op_vt wr_op_window_rank_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "window_rank",
    .description = "window Top-N: the best rows per window and partition, emitted once when "
                   "the watermark passes the window end",
    .open = wk_open_rank,
    .process = wk_process,
    .on_watermark = wk_on_watermark,
    .finish = wk_finish,
    .close = wk_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = wk_snapshot,
    .restore = wk_restore,
};

const wr_op_vt wr_op_window_dedup_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "window_deduplicate",
    .description = "window deduplication: the first or last row (by rowtime) per window and "
                   "key, emitted once when the watermark passes the window end",
    .open = wk_open_dedup,
    .process = wk_process,
    .on_watermark = wk_on_watermark,
    .finish = wk_finish,
    .close = wk_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = wk_snapshot,
    .restore = wk_restore,
};
