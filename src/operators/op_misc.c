/* op_misc.c - set and ordering operators with little or no state: UNION ALL (forwards every
 * input's batches unchanged), the VALUES source (bounded inline rows, emitted by subtask 0),
 * ORDER BY [LIMIT/OFFSET] over a bounded input (rows buffered in an arena with their
 * order-preserving sort keys, sorted once at the end of input; with append-only input and a
 * limit the buffer is cut back to offset + limit rows whenever it doubles), and the streaming
 * LIMIT without ORDER BY (a counter over an append-only input; a changelog input runs the
 * Top-N operator without sort keys, so that a retracted row is replaced by the next one). */
#include "operators/op_misc.h"

#include <stdlib.h>

#include "operators/op_rank_internal.h"

/* ------------------------------------------------------------------------------------------
 * UNION ALL
 * ---------------------------------------------------------------------------------------- */
static int union_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    WR_UNUSED(config);
    const wr_schema *out = wr_op_output_schema(ctx);
    for (uint32_t i = 0;; i++) {
        const wr_schema *in = wr_op_input_schema(ctx, i);
        if (!in) break;
        bool same = in->ncols == out->ncols;
        for (uint32_t c = 0; same && c < in->ncols; c++)
            same = wr_type_phys(&in->cols[c].type) == wr_type_phys(&out->cols[c].type);
        if (!same)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                                "%s: input %u of UNION ALL does not have the output's column "
                                "types",
                                wr_op_name(ctx), i);
    }
    *state = NULL;
    return 0;
}

static int union_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    WR_UNUSED(state);
    WR_UNUSED(input);
    WR_UNUSED(err);
    if (in->len == 0) return 0;
    wr_batch_retain(in);
    return wr_op_emit(ctx, in);
}

static void union_close(void *state)
{
    WR_UNUSED(state);
}

const wr_op_vt wr_op_union_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "union",
    .description = "UNION ALL: forwards the rows of every input unchanged",
    .open = union_open,
    .process = union_process,
    .close = union_close,
    .ckpt = WR_CKPT_STATELESS,
};

/* ------------------------------------------------------------------------------------------
 * VALUES source
 * ---------------------------------------------------------------------------------------- */
wr_values_cfg *wr_values_cfg_new(uint32_t ncols, uint32_t nrows)
{
    wr_values_cfg *c = wr_calloc(1, sizeof(*c));
    if (!c) return NULL;
    size_t n = (size_t)ncols * nrows;
    if (!(c->values = wr_calloc(n ? n : 1, sizeof(wr_value)))) {
        wr_free(c);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        c->values[i].is_null = true;
    c->ncols = ncols;
    c->nrows = nrows;
    wr_arena_init(&c->arena, 0, NULL);
    return c;
}

int wr_values_cfg_set(wr_values_cfg *c, uint32_t r, uint32_t col, const wr_type *t,
                      const wr_value *v)
{
    if (r >= c->nrows || col >= c->ncols) return WR_EINVAL;
    wr_value *dst = &c->values[(size_t)r * c->ncols + col];
    *dst = *v;
    if (!v->is_null && wr_type_phys(t) == WR_PHYS_STR && v->s.len) {
        char *p = wr_arena_memdup(&c->arena, v->s.ptr, v->s.len);
        if (!p) return WR_ENOMEM;
        dst->s = wr_strv_make(p, v->s.len);
    }
    return 0;
}

void wr_values_cfg_free(void *p)
{
    wr_values_cfg *c = p;
    if (!c) return;
    wr_arena_destroy(&c->arena);
    wr_free(c->values);
    wr_free(c);
}

typedef struct values_state {
    const wr_values_cfg *cfg;
    uint32_t next;
    bool active;
} values_state;

static int values_open(void **state, wr_source_ctx *ctx, const void *config, wr_error *err)
{
    const wr_values_cfg *c = config;
    const wr_schema *s = wr_source_schema(ctx);
    if (s->ncols != c->ncols)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "%s: VALUES rows have %u columns, the schema %u", wr_source_name(ctx),
                            c->ncols, s->ncols);
    values_state *st = wr_calloc_owned(wr_source_mem(ctx), 1, sizeof(*st));
    if (!st) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    st->cfg = c;
    st->active = wr_source_subtask(ctx) == 0;
    *state = st;
    return 0;
}

static int values_poll(void *state, wr_source_ctx *ctx, wr_source_poll *out, wr_error *err)
{
    values_state *st = state;
    const wr_values_cfg *c = st->cfg;
    out->split = 0;
    if (!st->active || st->next >= c->nrows) {
        out->split_done = true;
        out->end = true;
        return 0;
    }
    uint32_t rows = wr_source_batch_rows(ctx);
    if (rows == 0) rows = WR_BATCH_DEFAULT_ROWS;
    uint32_t n = WR_MIN(rows, c->nrows - st->next);
    wr_batch *b = wr_batch_new(wr_source_schema(ctx), n, wr_source_mem(ctx));
    if (!b) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        const wr_value *row = &c->values[(size_t)(st->next + i) * c->ncols];
        for (uint32_t col = 0; col < c->ncols; col++) {
            int rc = wr_batch_set(b, col, i, &row[col]);
            if (rc < 0) {
                wr_batch_release(b);
                return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: %s", wr_source_name(ctx),
                                    wr_err_str(rc));
            }
        }
        b->rowkind[i] = WR_RK_INSERT;
    }
    b->len = n;
    st->next += n;
    out->batch = b;
    if (st->next >= c->nrows) {
        out->split_done = true;
        out->end = true;
    }
    return 0;
}

static void values_close(void *state)
{
    wr_free(state);
}

/* Checkpoint: operator record "values.next", the u32 (little-endian) count of rows subtask
 * 0 has emitted; after a restore subtask 0 goes on from there. */
static int values_snapshot(void *state, wr_source_ctx *ctx, int64_t id, wr_snap_writer *w,
                           wr_error *err)
{
    values_state *st = state;
    if (!st->active) return WR_OK;
    uint8_t b[4];
    wr_le_put(b, st->next, 4);
    return wr_snap_put_op(w, "values.next", b, sizeof b, err);
}

static int values_restore(void *state, wr_source_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    values_state *st = state;
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next_op(r, "values.next", &rec, err)) == 1) {
        if (rec.vlen != 4)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: bad VALUES position record", wr_source_name(ctx));
        uint32_t next = (uint32_t)wr_le_get(rec.val, 4);
        if (st->active && next > st->next) st->next = WR_MIN(next, st->cfg->nrows);
    }
    return rc < 0 ? rc : WR_OK;
}

const wr_source_vt wr_source_values_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "values",
    .description = "bounded inline rows (VALUES), emitted once by subtask 0",
    .open = values_open,
    .poll = values_poll,
    .close = values_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = values_snapshot,
    .restore = values_restore,
};

/* ------------------------------------------------------------------------------------------
 * ORDER BY [LIMIT/OFFSET] over a bounded input
 * ---------------------------------------------------------------------------------------- */
wr_sort_cfg *wr_sort_cfg_new(const wr_sort_key *sort, uint32_t nsort, int64_t offset, int64_t limit,
                             bool input_append_only)
{
    wr_sort_cfg *c = wr_calloc(1, sizeof(*c));
    if (!c) return NULL;
    if (!(c->sort = wr_calloc(nsort ? nsort : 1, sizeof(wr_sort_key)))) {
        wr_free(c);
        return NULL;
    }
    if (nsort) memcpy(c->sort, sort, nsort * sizeof(wr_sort_key));
    c->nsort = nsort;
    c->offset = offset;
    c->limit = limit;
    c->input_append_only = input_append_only;
    return c;
}

void wr_sort_cfg_free(void *p)
{
    wr_sort_cfg *c = p;
    if (!c) return;
    wr_free(c->sort);
    wr_free(c);
}

int wr_sort_check(const wr_sort_cfg *c, const wr_schema *in, wr_error *err)
{
    if (c->offset < 0 || c->limit < -1)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER, "invalid OFFSET %lld / LIMIT %lld",
                            (long long)c->offset, (long long)c->limit);
    return wr_rk_check_sort(c->sort, c->nsort, in, err);
}

/* A buffered row with its key prefix, so that most comparisons of the sort stay in the array. */
typedef struct sort_ent {
    uint64_t pfx;
    rk_row *row;
} sort_ent;

typedef struct sort_state {
    const wr_sort_cfg *cfg;
    wr_op_ctx *ctx;
    wr_mem_owner *mem;
    wr_arena arena; /* the rows (rk_row), freed all at once */
    sort_ent *rows; /* in arrival order until sorted */
    size_t n, cap;
    wr_htab multiset; /* changelog input: row bytes -> rk_row (aux = multiplicity) */
    rk_keys keys;
    uint8_t *rec; /* scratch: one row's encoding */
    size_t rec_cap;
    uint64_t seq;
    uint64_t keep; /* offset + limit, or UINT64_MAX */
    rk_out out;
} sort_state;

static int cmp_rows(const void *a, const void *b)
{
    const sort_ent *x = a, *y = b;
    if (x->pfx != y->pfx) return x->pfx < y->pfx ? -1 : 1;
    return wr_rk_keycmp(RK_ROW_KEY(x->row), x->row->klen, RK_ROW_KEY(y->row), y->row->klen);
}

static void sort_close(void *state)
{
    sort_state *st = state;
    if (!st) return;
    wr_arena_destroy(&st->arena);
    wr_htab_free(&st->multiset, NULL);
    wr_rk_keys_free(&st->keys);
    wr_rk_out_discard(&st->out);
    wr_free(st->rows);
    wr_free(st->rec);
    wr_free(st);
}

static int sort_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_sort_cfg *cfg = config;
    const wr_schema *in = wr_op_input_schema(ctx, 0);
    int rc = wr_sort_check(cfg, in, err);
    if (rc < 0) {
        wr_error_prefix(err, "%s: ", wr_op_name(ctx));
        return rc;
    }
    if ((rc = wr_rk_check_output(ctx, false, err)) < 0) return rc;
    sort_state *st = wr_calloc_owned(wr_op_mem(ctx), 1, sizeof(*st));
    if (!st) return wr_rk_nomem(ctx, err);
    st->cfg = cfg;
    st->ctx = ctx;
    st->mem = wr_op_mem(ctx);
    wr_arena_init(&st->arena, 64 * 1024, st->mem);
    wr_htab_init(&st->multiset, st->mem);
    wr_rk_keys_init(&st->keys, st->mem);
    wr_rk_out_init(&st->out, ctx, in->ncols, false, true);
    st->keep = cfg->limit < 0 ? UINT64_MAX : (uint64_t)cfg->offset + (uint64_t)cfg->limit;
    *state = st;
    return 0;
}

static rk_row *arena_row(wr_arena *a, const uint8_t *key, uint32_t klen, const uint8_t *rec,
                         uint32_t rlen)
{
    rk_row *r = wr_arena_alloc(a, sizeof(rk_row) + klen + rlen);
    if (!r) return NULL;
    r->klen = klen;
    r->rlen = rlen;
    r->aux = 1;
    memcpy(r->data, key, klen);
    memcpy(r->data + klen, rec, rlen);
    return r;
}

/* Sort and keep the first `keep` rows, copied into a fresh arena (on failure nothing
 * changes). */
static int sort_compact(sort_state *st)
{
    if (st->n > 1) qsort(st->rows, st->n, sizeof(*st->rows), cmp_rows);
    size_t keep = (size_t)WR_MIN((uint64_t)st->n, st->keep);
    rk_row **copies = wr_malloc_owned(st->mem, (keep ? keep : 1) * sizeof(rk_row *));
    if (!copies) return WR_ENOMEM;
    wr_arena fresh;
    wr_arena_init(&fresh, 64 * 1024, st->mem);
    for (size_t i = 0; i < keep; i++) {
        const rk_row *r = st->rows[i].row;
        if (!(copies[i] = arena_row(&fresh, RK_ROW_KEY(r), r->klen, RK_ROW_REC(r), r->rlen))) {
            wr_arena_destroy(&fresh);
            wr_free(copies);
            return WR_ENOMEM;
        }
    }
    for (size_t i = 0; i < keep; i++)
        st->rows[i].row = copies[i];
    wr_free(copies);
    wr_arena_destroy(&st->arena);
    st->arena = fresh;
    st->n = keep;
    return 0;
}

static int sort_push(sort_state *st, rk_row *r)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 1024;
        sort_ent *nr = wr_realloc_owned(st->mem, st->rows, cap * sizeof(*nr));
        if (!nr) return WR_ENOMEM;
        st->rows = nr;
        st->cap = cap;
    }
    st->rows[st->n].pfx = wr_rk_key_prefix(RK_ROW_KEY(r), r->klen);
    st->rows[st->n++].row = r;
    return 0;
}

static int sort_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    WR_UNUSED(input);
    sort_state *st = state;
    const wr_sort_cfg *cfg = st->cfg;
    int rc;
    if (in->len == 0 || st->keep == 0) return 0;
    if (cfg->input_append_only)
        for (uint32_t i = 0; i < in->len; i++)
            if (!wr_rowkind_is_add(in->rowkind[i]))
                return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_INTERNAL,
                                    "%s: sort planned for an append-only input received a %s row",
                                    wr_op_name(ctx), wr_rowkind_str(in->rowkind[i]));
    if ((rc = wr_rk_keys_encode(&st->keys, in, cfg->sort, cfg->nsort, RK_SEQ_ASC, st->seq)) < 0)
        goto fail;
    st->seq += in->len;
    for (uint32_t i = 0; i < in->len; i++) {
        size_t rlen = wr_rk_row_size(in, i);
        const uint8_t *key = st->keys.buf + st->keys.off[i];
        const uint32_t klen = st->keys.len[i];
        if (rlen > st->rec_cap) {
            size_t cap = wr_next_pow2(WR_MAX(rlen, 64));
            uint8_t *nr = wr_realloc_owned(st->mem, st->rec, cap);
            if (!nr) {
                rc = WR_ENOMEM;
                goto fail;
            }
            st->rec = nr;
            st->rec_cap = cap;
        }
        wr_rk_row_write(in, i, st->rec);
        uint64_t h = 0;
        if (!cfg->input_append_only) {
            /* Changelog: a multiset of rows, each stored once with its multiplicity. */
            h = wr_hash_bytes(st->rec, rlen);
            void **slot = wr_htab_find(&st->multiset, h, st->rec, rlen);
            bool add = wr_rowkind_is_add(in->rowkind[i]);
            if (slot) {
                ((rk_row *)*slot)->aux += add ? 1 : -1;
                continue;
            }
            if (!add) continue; /* retraction of a row never seen */
        }
        rk_row *r = arena_row(&st->arena, key, klen, st->rec, (uint32_t)rlen);
        if (!r) {
            rc = WR_ENOMEM;
            goto fail;
        }
        if (!cfg->input_append_only) {
            bool inserted;
            void **slot = wr_htab_upsert(&st->multiset, h, RK_ROW_REC(r), rlen, &inserted);
            if (!slot) {
                rc = WR_ENOMEM;
                goto fail;
            }
            *slot = r;
        }
        if ((rc = sort_push(st, r)) < 0) {
            if (!cfg->input_append_only)
                wr_htab_remove(&st->multiset, h, RK_ROW_REC(r), rlen, NULL);
            goto fail;
        }
    }
    if (cfg->input_append_only && st->keep != UINT64_MAX && st->n >= 2 * st->keep + 1024)
        if ((rc = sort_compact(st)) < 0) goto fail;
    return 0;
fail:
    if (rc == WR_ENOMEM) return wr_rk_nomem(ctx, err);
    return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: %s", wr_op_name(ctx), wr_err_str(rc));
}

static int sort_finish(void *state, wr_op_ctx *ctx, wr_error *err)
{
    sort_state *st = state;
    if (st->n > 1) qsort(st->rows, st->n, sizeof(*st->rows), cmp_rows);
    uint64_t skip = (uint64_t)st->cfg->offset, left = st->keep - WR_MIN(st->keep, skip);
    if (st->cfg->limit < 0) left = UINT64_MAX;
    int rc = 0;
    for (size_t i = 0; i < st->n && left && rc == 0; i++) {
        const rk_row *r = st->rows[i].row;
        for (int64_t m = r->aux; m > 0 && left && rc == 0; m--) {
            if (skip) {
                skip--;
                continue;
            }
            rc = wr_rk_out_row(&st->out, RK_ROW_REC(r), WR_RK_INSERT, 0);
            left--;
        }
    }
    if (rc == 0) rc = wr_rk_out_flush(&st->out);
    if (rc < 0) {
        wr_rk_out_discard(&st->out);
        if (rc == WR_ENOMEM) return wr_rk_nomem(ctx, err);
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: %s", wr_op_name(ctx), wr_err_str(rc));
    }
    return 0;
}

/* Checkpoints. The sort runs at parallelism 1 (the planner gives it a single instance over
 * a bounded input, and it emits only at the end of input, so a savepoint before the end holds
 * every row buffered so far). Operator records, integers little-endian:
 *   - "sort.row", one per buffered row: u32 sort key length | sort key (with its arrival
 *     sequence suffix) | i64 multiplicity (1 for append-only input; a changelog input's
 *     count of the row, which may be 0 or below) | row encoding (to the end);
 *   - "sort.seq": u64, the next arrival sequence.
 * Only subtask 0 restores them (all of them, from every old instance: a union, which is what
 * a global sort needs), so the restored rows keep their order and ties their arrival order. */
static int sort_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w, wr_error *err)
{
    WR_UNUSED(id);
    sort_state *st = state;
    wr_buf val;
    wr_buf_init(&val);
    int rc = WR_OK;
    for (size_t i = 0; i < st->n && rc == WR_OK; i++) {
        const rk_row *r = st->rows[i].row;
        uint8_t kl[4], aux[8];
        wr_le_put(kl, r->klen, 4);
        wr_le_put(aux, (uint64_t)r->aux, 8);
        wr_buf_clear(&val);
        if (wr_buf_append(&val, kl, 4) || wr_buf_append(&val, RK_ROW_KEY(r), r->klen) ||
            wr_buf_append(&val, aux, 8) || wr_buf_append(&val, RK_ROW_REC(r), r->rlen)) {
            rc = wr_rk_nomem(ctx, err);
            break;
        }
        rc = wr_snap_put_op(w, "sort.row", val.ptr, (uint32_t)val.len, err);
    }
    wr_buf_free(&val);
    if (rc != WR_OK) return rc;
    uint8_t seq[8];
    wr_le_put(seq, st->seq, 8);
    return wr_snap_put_op(w, "sort.seq", seq, sizeof seq, err);
}

static int sort_restore_row(sort_state *st, const wr_snap_rec *rec)
{
    if (rec->vlen < 4) return WR_ECORRUPT;
    uint32_t klen = (uint32_t)wr_le_get(rec->val, 4);
    if ((uint64_t)klen + 12 > rec->vlen) return WR_ECORRUPT;
    uint32_t rlen = rec->vlen - klen - 12;
    const uint8_t *key = rec->val + 4, *row = rec->val + 4 + klen + 8;
    rk_row *r = arena_row(&st->arena, key, klen, row, rlen);
    if (!r) return WR_ENOMEM;
    r->aux = (int64_t)wr_le_get(rec->val + 4 + klen, 8);
    uint64_t h = 0;
    if (!st->cfg->input_append_only) {
        h = wr_hash_bytes(RK_ROW_REC(r), rlen);
        bool inserted;
        void **slot = wr_htab_upsert(&st->multiset, h, RK_ROW_REC(r), rlen, &inserted);
        if (!slot) return WR_ENOMEM;
        if (!inserted) return WR_ECORRUPT; /* each row is stored once */
        *slot = r;
    }
    int rc = sort_push(st, r);
    if (rc < 0 && !st->cfg->input_append_only)
        wr_htab_remove(&st->multiset, h, RK_ROW_REC(r), rlen, NULL);
    return rc;
}

static int sort_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    sort_state *st = state;
    if (wr_op_subtask(ctx) != 0) return WR_OK;
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next_op(r, "sort.seq", &rec, err)) == 1) {
        if (rec.vlen != 8)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: bad sort position record", wr_op_name(ctx));
        uint64_t seq = wr_le_get(rec.val, 8);
        if (seq > st->seq) st->seq = seq;
    }
    if (rc < 0) return rc;
    while ((rc = wr_snap_next_op(r, "sort.row", &rec, err)) == 1) {
        rc = sort_restore_row(st, &rec);
        if (rc == WR_ENOMEM) return wr_rk_nomem(ctx, err);
        if (rc < 0)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL, "%s: bad sort state record",
                                wr_op_name(ctx));
    }
    return rc < 0 ? rc : WR_OK;
}

const wr_op_vt wr_op_sort_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "sort",
    .description = "ORDER BY [LIMIT/OFFSET] over a bounded input: emits the sorted rows at "
                   "the end of input",
    .open = sort_open,
    .process = sort_process,
    .finish = sort_finish,
    .close = sort_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = sort_snapshot,
    .restore = sort_restore,
};

/* ------------------------------------------------------------------------------------------
 * Streaming LIMIT without ORDER BY
 * ---------------------------------------------------------------------------------------- */
wr_limit_cfg *wr_limit_cfg_new(int64_t offset, int64_t limit, bool input_append_only)
{
    wr_limit_cfg *c = wr_calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->offset = offset;
    c->limit = limit;
    c->input_append_only = input_append_only;
    return c;
}

void wr_limit_cfg_free(void *p)
{
    wr_free(p);
}

typedef struct limit_state {
    const wr_limit_cfg *cfg;
    uint64_t seen;         /* append-only: rows received */
    wr_rank_cfg *rank_cfg; /* changelog: the Top-N that does the work */
    void *rank;
} limit_state;

static void limit_close(void *state)
{
    limit_state *st = state;
    if (!st) return;
    if (st->rank) wr_op_rank_vt.close(st->rank);
    wr_rank_cfg_free(st->rank_cfg);
    wr_free(st);
}

static int limit_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_limit_cfg *cfg = config;
    if (cfg->offset < 0 || cfg->limit < 0)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER, "%s: invalid OFFSET %lld / LIMIT %lld",
                            wr_op_name(ctx), (long long)cfg->offset, (long long)cfg->limit);
    int rc = wr_rk_check_output(ctx, false, err);
    if (rc < 0) return rc;
    limit_state *st = wr_calloc_owned(wr_op_mem(ctx), 1, sizeof(*st));
    if (!st) return wr_rk_nomem(ctx, err);
    st->cfg = cfg;
    if (!cfg->input_append_only && cfg->limit > 0) {
        st->rank_cfg = wr_rank_cfg_new(NULL, 0, NULL, 0, cfg->offset + 1, cfg->offset + cfg->limit,
                                       false, false);
        if (!st->rank_cfg) {
            limit_close(st);
            return wr_rk_nomem(ctx, err);
        }
        if ((rc = wr_op_rank_vt.open(&st->rank, ctx, st->rank_cfg, err)) < 0) {
            st->rank = NULL;
            limit_close(st);
            return rc;
        }
        if (wr_op_checkpointing(ctx) && wr_op_rank_vt.ckpt == WR_CKPT_UNSUPPORTED) {
            limit_close(st);
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "%s: checkpointing a LIMIT over an updating input is not "
                                "supported yet (it runs the Top-N operator, which cannot "
                                "checkpoint)",
                                wr_op_name(ctx));
        }
    }
    *state = st;
    return 0;
}

static int limit_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    limit_state *st = state;
    const wr_limit_cfg *cfg = st->cfg;
    if (cfg->limit == 0 || in->len == 0) return 0;
    if (st->rank) return wr_op_rank_vt.process(st->rank, ctx, input, in, err);
    for (uint32_t i = 0; i < in->len; i++)
        if (in->rowkind[i] != WR_RK_INSERT)
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_INTERNAL,
                                "%s: LIMIT planned for an append-only input received a %s row",
                                wr_op_name(ctx), wr_rowkind_str(in->rowkind[i]));
    /* Rows [seen, seen + len) arrive; forward those in [offset, offset + limit). */
    const uint64_t lo = (uint64_t)cfg->offset, hi = lo + (uint64_t)cfg->limit;
    const uint64_t a = st->seen, b = st->seen + in->len;
    st->seen = b;
    uint64_t from = WR_MAX(a, lo), to = WR_MIN(b, hi);
    if (from >= to) return 0;
    if (from == a && to == b) {
        wr_batch_retain(in);
        return wr_op_emit(ctx, in);
    }
    wr_batch *out = wr_batch_slice(in, (uint32_t)(from - a), (uint32_t)(to - from));
    if (!out) return wr_rk_nomem(ctx, err);
    return wr_op_emit(ctx, out);
}

/* Checkpoints. An append-only input: one operator record "limit.seen" per instance, u64
 * little-endian, the rows received so far. The LIMIT runs at parallelism 1 (the planner puts
 * one instance after any parallel input, so the limit is global); subtask 0 restores the sum
 * of every old instance's count. (Which rows pass depends on the arrival order from parallel
 * inputs, as in Flink; the count makes the total exact.) A changelog input: the embedded
 * Top-N's hooks and its keyed state tables (created in open through the same ctx). */
static int limit_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w, wr_error *err)
{
    limit_state *st = state;
    if (st->rank)
        return wr_op_rank_vt.snapshot ? wr_op_rank_vt.snapshot(st->rank, ctx, id, w, err) : WR_OK;
    uint8_t b[8];
    wr_le_put(b, st->seen, 8);
    return wr_snap_put_op(w, "limit.seen", b, sizeof b, err);
}

static int limit_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    limit_state *st = state;
    if (st->rank)
        return wr_op_rank_vt.restore ? wr_op_rank_vt.restore(st->rank, ctx, r, err) : WR_OK;
    if (wr_op_subtask(ctx) != 0) return WR_OK;
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next_op(r, "limit.seen", &rec, err)) == 1) {
        if (rec.vlen != 8)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: bad LIMIT position record", wr_op_name(ctx));
        uint64_t n = wr_le_get(rec.val, 8);
        st->seen = n > UINT64_MAX - st->seen ? UINT64_MAX : st->seen + n;
    }
    return rc < 0 ? rc : WR_OK;
}

const wr_op_vt wr_op_limit_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "limit",
    .description = "streaming LIMIT [OFFSET] without ORDER BY: the first rows in arrival order",
    .open = limit_open,
    .process = limit_process,
    .close = limit_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = limit_snapshot,
    .restore = limit_restore,
};
