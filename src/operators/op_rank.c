/* op_rank.c - the Top-N operator: ROW_NUMBER() OVER (PARTITION BY p ORDER BY s) restricted to a
 * constant rank range [rank_start, rank_end], over an append-only or a changelog input, with
 * or without the row number in the output. It behaves as Flink's AppendOnlyTopNFunction and
 * RetractableTopNFunction, one input row at a time (so the output is exactly Flink's per-record
 * changelog): with the row number, every rank slot in the range whose row changes gets
 * -U(old row, r) +U(new row, r) (+I when the slot was empty, -D when it empties); without it,
 * the rows that leave the range get -D and the rows that enter it get +I.
 *
 * State: a wr_htab from the partition key (order-preserving encoding) to a partition holding
 * its rows in an rk_list ordered by the encoded sort key plus an arrival sequence (ties by
 * arrival, earliest first). With append-only input a partition keeps at most rank_end rows (a
 * row beyond can never come back) and a row that cannot enter is rejected by one key
 * comparison with the last row, before anything is allocated. With a changelog input every
 * row is kept: a retraction (-U/-D) removes the earliest row equal in all columns, and the row
 * after the range moves in. Sort and partition keys are encoded for the whole batch column by
 * column; rows are then applied in order. */
#include "operators/op_rank_internal.h"

typedef struct tn_part {
    rk_list list;
    uint64_t hash; /* the partition key's hash: its key group in checkpoints */
} tn_part;

typedef struct tn_state {
    const wr_rank_cfg *cfg;
    wr_op_ctx *ctx;
    wr_mem_owner *mem;
    wr_htab parts;
    rk_keys pkeys, skeys;
    uint64_t *hash;
    uint32_t hash_cap;
    uint8_t *rec; /* scratch: a retracted row's encoding */
    size_t rec_cap;
    uint64_t seq;
    int64_t rows, nparts;
    rk_out out;
} tn_state;

/* ------------------------------------------------------------------------------------------
 * Config
 * ---------------------------------------------------------------------------------------- */
wr_rank_cfg *wr_rank_cfg_new(const uint32_t *partition, uint32_t npartition,
                             const wr_sort_key *sort, uint32_t nsort, int64_t rank_start,
                             int64_t rank_end, bool output_rank, bool input_append_only)
{
    wr_rank_cfg *c = wr_calloc(1, sizeof(*c));
    if (!c) return NULL;
    if (wr_rk_cfg_keys_dup(partition, npartition, sort, nsort, &c->partition, &c->sort) < 0) {
        wr_free(c);
        return NULL;
    }
    c->npartition = npartition;
    c->nsort = nsort;
    c->rank_start = rank_start;
    c->rank_end = rank_end;
    c->output_rank = output_rank;
    c->input_append_only = input_append_only;
    c->emit_update_before = true;
    return c;
}

void wr_rank_cfg_free(void *p)
{
    wr_rank_cfg *c = p;
    if (!c) return;
    wr_free(c->partition);
    wr_free(c->sort);
    wr_free(c);
}

/* Rank bounds: 1 <= start <= end, and end small enough that end + 1 cannot overflow. */
static int check_range(int64_t start, int64_t end, wr_error *err)
{
    if (start < 1 || end < start || end > (INT64_MAX >> 2))
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "invalid rank range [%lld, %lld]: need 1 <= start <= end",
                            (long long)start, (long long)end);
    return 0;
}

int wr_rank_check(const wr_rank_cfg *c, const wr_schema *in, wr_error *err)
{
    int rc = check_range(c->rank_start, c->rank_end, err);
    if (rc < 0) return rc;
    if ((rc = wr_rk_check_cols("PARTITION BY", c->partition, c->npartition, in, err)) < 0)
        return rc;
    return wr_rk_check_sort(c->sort, c->nsort, in, err);
}

int wr_rank_schema(const wr_rank_cfg *c, const wr_schema *in, const char *rank_name,
                   wr_schema **out, wr_error *err)
{
    return wr_rk_schema(in, c->output_rank, rank_name, out, err);
}

/* ------------------------------------------------------------------------------------------
 * Open / close
 * ---------------------------------------------------------------------------------------- */
static void part_free(tn_part *p)
{
    wr_rk_list_clear(&p->list, true);
    wr_free(p);
}

static void tn_close(void *state)
{
    tn_state *st = state;
    if (!st) return;
    wr_htab_iter it;
    const void *k;
    size_t kl;
    void **v;
    wr_htab_iter_init(&st->parts, &it);
    while (wr_htab_iter_next(&it, &k, &kl, &v))
        if (*v) part_free(*v);
    wr_htab_free(&st->parts, NULL);
    wr_rk_stats_rows(st->cfg->stats, -st->rows, -st->nparts, 0);
    wr_rk_keys_free(&st->pkeys);
    wr_rk_keys_free(&st->skeys);
    wr_rk_out_discard(&st->out);
    wr_free(st->hash);
    wr_free(st->rec);
    wr_free(st);
}

static int tn_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_rank_cfg *cfg = config;
    const wr_schema *in = wr_op_input_schema(ctx, 0);
    int rc = wr_rank_check(cfg, in, err);
    if (rc < 0) {
        wr_error_prefix(err, "%s: ", wr_op_name(ctx));
        return rc;
    }
    if ((rc = wr_rk_check_output(ctx, cfg->output_rank, err)) < 0) return rc;
    tn_state *st = wr_calloc_owned(wr_op_mem(ctx), 1, sizeof(*st));
    if (!st) return wr_rk_nomem(ctx, err);
    st->cfg = cfg;
    st->ctx = ctx;
    st->mem = wr_op_mem(ctx);
    wr_htab_init(&st->parts, st->mem);
    wr_rk_keys_init(&st->pkeys, st->mem);
    wr_rk_keys_init(&st->skeys, st->mem);
    wr_rk_out_init(&st->out, ctx, in->ncols, cfg->output_rank, cfg->emit_update_before);
    *state = st;
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Per row
 * ---------------------------------------------------------------------------------------- */
static int emit(tn_state *st, const rk_row *r, uint8_t kind, int64_t rank)
{
    return wr_rk_out_row(&st->out, RK_ROW_REC(r), kind, rank);
}

/* The row was inserted at 1-based position pos (<= rank_end) of a list now holding L rows. */
static int emit_after_insert(tn_state *st, const rk_list *l, int64_t pos)
{
    const int64_t start = st->cfg->rank_start, end = st->cfg->rank_end;
    const int64_t L = (int64_t)l->count;
    const int64_t s = WR_MAX(pos, start);
    int rc = 0;
    if (!st->cfg->output_rank) {
        if (L > end && (rc = emit(st, wr_rk_list_at(l, (uint64_t)end + 1), WR_RK_DELETE, 0)) < 0)
            return rc;
        if (s <= L) rc = emit(st, wr_rk_list_at(l, (uint64_t)s), WR_RK_INSERT, 0);
        return rc;
    }
    /* Slot r held old[r] = new[r + 1] (r >= pos) and now holds new[r]. */
    const int64_t last = WR_MIN(end, L);
    if (s > last) return 0;
    rk_iter it;
    wr_rk_list_seek(l, (uint64_t)s, &it);
    rk_row *cur = wr_rk_iter_next(&it);
    for (int64_t r = s; r <= last && rc == 0; r++) {
        rk_row *nxt = wr_rk_iter_next(&it);
        if (nxt) {
            if ((rc = emit(st, nxt, WR_RK_UPDATE_BEFORE, r)) < 0) break;
            rc = emit(st, cur, WR_RK_UPDATE_AFTER, r);
        } else {
            rc = emit(st, cur, WR_RK_INSERT, r);
        }
        cur = nxt;
    }
    return rc;
}

/* The row at 1-based position pos (<= rank_end) of a list of L rows is about to be removed. */
static int emit_before_remove(tn_state *st, const rk_list *l, int64_t pos)
{
    const int64_t start = st->cfg->rank_start, end = st->cfg->rank_end;
    const int64_t L = (int64_t)l->count;
    const int64_t s = WR_MAX(pos, start);
    int rc = 0;
    if (!st->cfg->output_rank) {
        if (s <= L && (rc = emit(st, wr_rk_list_at(l, (uint64_t)s), WR_RK_DELETE, 0)) < 0)
            return rc;
        if (L > end) rc = emit(st, wr_rk_list_at(l, (uint64_t)end + 1), WR_RK_INSERT, 0);
        return rc;
    }
    /* Slot r holds old[r] and will hold old[r + 1]. */
    const int64_t last = WR_MIN(end, L);
    if (s > last) return 0;
    rk_iter it;
    wr_rk_list_seek(l, (uint64_t)s, &it);
    rk_row *cur = wr_rk_iter_next(&it);
    for (int64_t r = s; r <= last && rc == 0; r++) {
        rk_row *nxt = wr_rk_iter_next(&it);
        if (nxt) {
            if ((rc = emit(st, cur, WR_RK_UPDATE_BEFORE, r)) < 0) break;
            rc = emit(st, nxt, WR_RK_UPDATE_AFTER, r);
        } else {
            rc = emit(st, cur, WR_RK_DELETE, r);
        }
        cur = nxt;
    }
    return rc;
}

static int tn_add(tn_state *st, tn_part *p, const wr_batch *in, uint32_t i)
{
    const wr_rank_cfg *cfg = st->cfg;
    const uint8_t *key = st->skeys.buf + st->skeys.off[i];
    const uint32_t klen = st->skeys.len[i];
    rk_list *l = &p->list;
    if (cfg->input_append_only && (int64_t)l->count >= cfg->rank_end &&
        wr_rk_list_after_last(l, key, klen))
        return 0;
    rk_row *row = wr_rk_row_new(st->mem, key, klen, in, i);
    if (!row) return WR_ENOMEM;
    int64_t pos = wr_rk_list_insert(l, st->mem, row, (uint64_t)cfg->rank_end);
    if (pos < 0) {
        wr_free(row);
        return (int)pos;
    }
    st->rows++;
    int rc = 0;
    if (pos <= cfg->rank_end) rc = emit_after_insert(st, l, pos);
    if (cfg->input_append_only && (int64_t)l->count > cfg->rank_end) {
        wr_free(wr_rk_list_pop_last(l));
        st->rows--;
    }
    return rc;
}

static int tn_retract(tn_state *st, tn_part *p, const wr_batch *in, uint32_t i)
{
    const wr_rank_cfg *cfg = st->cfg;
    size_t rlen = wr_rk_row_size(in, i);
    if (rlen > st->rec_cap) {
        size_t cap = wr_next_pow2(WR_MAX(rlen, 64));
        uint8_t *nr = wr_realloc_owned(st->mem, st->rec, cap);
        if (!nr) return WR_ENOMEM;
        st->rec = nr;
        st->rec_cap = cap;
    }
    wr_rk_row_write(in, i, st->rec);
    const uint8_t *key = st->skeys.buf + st->skeys.off[i];
    const uint32_t klen = st->skeys.len[i] - 8; /* without the sequence suffix */
    rk_iter at;
    uint64_t pos =
        wr_rk_list_find(&p->list, key, klen, st->rec, (uint32_t)rlen, (uint64_t)cfg->rank_end, &at);
    if (pos == 0) return 0; /* not held: ignored, as Flink does without state */
    int rc = 0;
    if ((int64_t)pos <= cfg->rank_end) rc = emit_before_remove(st, &p->list, (int64_t)pos);
    wr_free(wr_rk_list_remove(&p->list, &at));
    st->rows--;
    return rc;
}

static int tn_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    WR_UNUSED(input);
    tn_state *st = state;
    const wr_rank_cfg *cfg = st->cfg;
    const uint32_t n = in->len;
    int64_t rows0 = st->rows, parts0 = st->nparts;
    int rc = 0;
    if (n == 0) return 0;
    if (cfg->input_append_only) {
        for (uint32_t i = 0; i < n; i++)
            if (!wr_rowkind_is_add(in->rowkind[i]))
                return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_INTERNAL,
                                    "%s: Top-N planned for an append-only input received a "
                                    "%s row",
                                    wr_op_name(ctx), wr_rowkind_str(in->rowkind[i]));
    }
    if (n > st->hash_cap) {
        uint32_t cap = (uint32_t)wr_next_pow2(n);
        uint64_t *h = wr_realloc_owned(st->mem, st->hash, (size_t)cap * sizeof(uint64_t));
        if (!h) return wr_rk_nomem(ctx, err);
        st->hash = h;
        st->hash_cap = cap;
    }
    if (cfg->npartition)
        wr_batch_hash_keys(in, cfg->partition, cfg->npartition, st->hash);
    else
        memset(st->hash, 0, (size_t)n * sizeof(uint64_t));
    if ((rc = wr_rk_keys_encode_cols(&st->pkeys, in, cfg->partition, cfg->npartition)) < 0 ||
        (rc = wr_rk_keys_encode(&st->skeys, in, cfg->sort, cfg->nsort, RK_SEQ_ASC, st->seq)) < 0)
        goto fail;
    st->seq += n;

    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *pk = st->pkeys.buf + st->pkeys.off[i];
        const uint32_t pklen = st->pkeys.len[i];
        const bool add = wr_rowkind_is_add(in->rowkind[i]);
        tn_part *p;
        if (add) {
            bool inserted;
            void **slot = wr_htab_upsert(&st->parts, st->hash[i], pk, pklen, &inserted);
            if (!slot) {
                rc = WR_ENOMEM;
                goto fail;
            }
            if (inserted) {
                if (!(*slot = wr_calloc_owned(st->mem, 1, sizeof(tn_part)))) {
                    wr_htab_remove(&st->parts, st->hash[i], pk, pklen, NULL);
                    rc = WR_ENOMEM;
                    goto fail;
                }
                ((tn_part *)*slot)->hash = st->hash[i];
                st->nparts++;
            }
            p = *slot;
            rc = tn_add(st, p, in, i);
        } else {
            void **slot = wr_htab_find(&st->parts, st->hash[i], pk, pklen);
            if (!slot) continue;
            p = *slot;
            rc = tn_retract(st, p, in, i);
        }
        if (p->list.count == 0) {
            wr_htab_remove(&st->parts, st->hash[i], pk, pklen, NULL);
            part_free(p);
            st->nparts--;
        }
        if (rc < 0) goto fail;
    }
    rc = wr_rk_out_flush(&st->out);
    wr_rk_stats_rows(cfg->stats, st->rows - rows0, st->nparts - parts0, st->rows);
    if (rc < 0)
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: emitting results failed",
                            wr_op_name(ctx));
    return 0;
fail:
    wr_rk_out_discard(&st->out);
    wr_rk_stats_rows(cfg->stats, st->rows - rows0, st->nparts - parts0, st->rows);
    if (rc == WR_ENOMEM) return wr_rk_nomem(ctx, err);
    return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: %s", wr_op_name(ctx), wr_err_str(rc));
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints. Keyed records of table "rank.row", one per stored row (with an append-only
 * input at most rank_end per partition, with a changelog input every row held), written in
 * the partition's order: namespace 0, key = the encoded partition key (as in the table),
 * value = the partition hash (u64 little-endian; key group and table slot), the sort key's
 * length (u32 little-endian), the sort key with its 8-byte arrival sequence suffix, then
 * the row in the row encoding of op_rank_internal.h. The stored rows are exactly what the
 * operator compares new rows with and what it retracts (-U/-D) later, so a restored
 * partition continues as it would have. The arrival sequence restarts after the largest one
 * restored, so rows arriving after the restore still rank after equal rows from before.
 * ---------------------------------------------------------------------------------------- */
#define TN_TABLE "rank.row"

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int k = 0; k < 8; k++)
        v = (v << 8) | p[k];
    return v;
}

static int tn_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w, wr_error *err)
{
    WR_UNUSED(id);
    tn_state *st = state;
    const uint32_t max_par = wr_op_max_parallelism(ctx);
    wr_buf val;
    wr_buf_init(&val);
    wr_htab_iter it;
    const void *k;
    size_t kl;
    void **v;
    int rc = 0;
    wr_htab_iter_init(&st->parts, &it);
    while (rc == 0 && wr_htab_iter_next(&it, &k, &kl, &v)) {
        const tn_part *p = *v;
        if (!p) continue;
        const uint32_t kg = wr_keygroup_of(p->hash, max_par);
        rk_iter ri;
        wr_rk_list_seek(&p->list, 1, &ri);
        const rk_row *r;
        while (rc == 0 && (r = wr_rk_iter_next(&ri))) {
            uint8_t hdr[12];
            wr_le_put(hdr, p->hash, 8);
            for (int b = 0; b < 4; b++)
                hdr[8 + b] = (uint8_t)(r->klen >> (8 * b));
            wr_buf_clear(&val);
            if (wr_buf_append(&val, hdr, sizeof hdr) ||
                wr_buf_append(&val, r->data, (size_t)r->klen + r->rlen)) {
                rc = wr_rk_nomem(ctx, err);
                break;
            }
            rc = wr_snap_put(w, TN_TABLE, kg, 0, k, (uint32_t)kl, val.ptr, (uint32_t)val.len, err);
        }
    }
    wr_buf_free(&val);
    return rc;
}

static int tn_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    tn_state *st = state;
    int64_t rows0 = st->rows, parts0 = st->nparts;
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next(r, TN_TABLE, &rec, err)) == 1) {
        uint32_t klen = 0;
        if (rec.vlen >= 12)
            for (int b = 0; b < 4; b++)
                klen |= (uint32_t)rec.val[8 + b] << (8 * b);
        if (rec.vlen < 12 || klen < 8 || klen > rec.vlen - 12) {
            rc = wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL, "%s: bad Top-N state record",
                              wr_op_name(ctx));
            break;
        }
        const uint64_t h = wr_le_get(rec.val, 8);
        const uint32_t rlen = rec.vlen - 12 - klen;
        bool inserted;
        void **slot = wr_htab_upsert(&st->parts, h, rec.key, rec.klen, &inserted);
        if (!slot) {
            rc = wr_rk_nomem(ctx, err);
            break;
        }
        if (inserted) {
            tn_part *np = wr_calloc_owned(st->mem, 1, sizeof(tn_part));
            if (!np) {
                wr_htab_remove(&st->parts, h, rec.key, rec.klen, NULL);
                rc = wr_rk_nomem(ctx, err);
                break;
            }
            np->hash = h;
            *slot = np;
            st->nparts++;
        }
        tn_part *p = *slot;
        rk_row *row = wr_malloc_owned(st->mem, sizeof(rk_row) + klen + rlen);
        if (!row) {
            rc = wr_rk_nomem(ctx, err);
            break;
        }
        row->klen = klen;
        row->rlen = rlen;
        row->aux = 0;
        memcpy(row->data, rec.val + 12, (size_t)klen + rlen);
        int64_t pos = wr_rk_list_insert(&p->list, st->mem, row, (uint64_t)st->cfg->rank_end);
        if (pos < 0) {
            wr_free(row);
            rc = wr_rk_nomem(ctx, err);
            break;
        }
        st->rows++;
        uint64_t seq = get_be64(RK_ROW_KEY(row) + klen - 8);
        if (seq >= st->seq) st->seq = seq + 1;
    }
    wr_rk_stats_rows(st->cfg->stats, st->rows - rows0, st->nparts - parts0, st->rows);
    return rc < 0 ? rc : 0;
}

const wr_op_vt wr_op_rank_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "rank",
    .description = "Top-N: ROW_NUMBER() over a partition restricted to a constant rank range, "
                   "emitting a changelog as Flink's AppendOnly/RetractableTopNFunction",
    .open = tn_open,
    .process = tn_process,
    .close = tn_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = tn_snapshot,
    .restore = tn_restore,
};
