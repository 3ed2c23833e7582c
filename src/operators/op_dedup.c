/* op_dedup.c - deduplication: ROW_NUMBER() OVER (PARTITION BY k ORDER BY time_attr ASC|DESC)
 * = 1, as Flink's deduplicate functions do it (see op_rank.h for the exact changelog). State is
 * a wr_htab from the encoded key to what the mode needs: nothing (proctime keep-first: a marker
 * that the key was seen) or the kept row (keep-last, and rowtime modes, which also keep the
 * row's rowtime to compare with). Keep-first on proctime emits the first row of each key
 * straight from the input batch (a gather, no decoding); the other modes emit from the stored
 * rows. A replaced row's allocation is reused when the new row fits in it, so a key updated
 * again and again does not allocate. Every key remembers its partition hash (checkpoints
 * need its key group): a kept row carries it as its 8 key bytes (dedup rows have no sort
 * key), and in proctime keep-first mode the value slot itself holds it. */
#include "operators/op_rank_internal.h"

typedef struct dd_state {
    const wr_dedup_cfg *cfg;
    wr_mem_owner *mem;
    wr_htab keys;
    rk_keys pkeys;
    uint64_t *hash;
    uint32_t *sel;
    uint32_t cap;
    int64_t nkeys_held, rows;
    rk_out out;
} dd_state;

/* Keep-first on processing time keeps no row: the value slot of a seen key holds the key's
 * hash (possibly 0, so the slot's value is never tested for NULL in that mode). */
_Static_assert(sizeof(void *) >= sizeof(uint64_t), "a hash fits in a value slot");
#define DD_HASH_SLOT(h) ((void *)(uintptr_t)(h))
#define DD_SLOT_HASH(v) ((uint64_t)(uintptr_t)(v))

static bool dd_keeps_rows(const wr_dedup_cfg *c)
{
    return c->rowtime || c->keep_last;
}

/* ------------------------------------------------------------------------------------------
 * Config
 * ---------------------------------------------------------------------------------------- */
wr_dedup_cfg *wr_dedup_cfg_new(const uint32_t *keys, uint32_t nkeys, bool keep_last, bool rowtime,
                               uint32_t rowtime_col)
{
    wr_dedup_cfg *c = wr_calloc(1, sizeof(*c));
    if (!c) return NULL;
    if (wr_rk_cfg_keys_dup(keys, nkeys, NULL, 0, &c->keys, NULL) < 0) {
        wr_free(c);
        return NULL;
    }
    c->nkeys = nkeys;
    c->keep_last = keep_last;
    c->rowtime = rowtime;
    c->rowtime_col = rowtime_col;
    c->input_append_only = true;
    c->emit_update_before = true;
    return c;
}

void wr_dedup_cfg_free(void *p)
{
    wr_dedup_cfg *c = p;
    if (!c) return;
    wr_free(c->keys);
    wr_free(c);
}

static bool is_time_type(const wr_type *t)
{
    return t->id == WR_TYPE_TIMESTAMP || t->id == WR_TYPE_TIMESTAMP_LTZ;
}

int wr_dedup_check(const wr_dedup_cfg *c, const wr_schema *in, wr_error *err)
{
    int rc = wr_rk_check_cols("PARTITION BY", c->keys, c->nkeys, in, err);
    if (rc < 0) return rc;
    if (c->rowtime) {
        if (c->rowtime_col >= in->ncols)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                                "rowtime column %u out of range (%u columns)", c->rowtime_col,
                                in->ncols);
        if (!is_time_type(&in->cols[c->rowtime_col].type))
            return wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                                "deduplication rowtime column '%s' must be a TIMESTAMP or "
                                "TIMESTAMP_LTZ",
                                in->cols[c->rowtime_col].name);
    }
    if (!c->input_append_only && (c->rowtime || !c->keep_last))
        return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                            "deduplication on an updating input is only supported for keep-last "
                            "rows on processing time");
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Open / close
 * ---------------------------------------------------------------------------------------- */
static void dd_close(void *state)
{
    dd_state *st = state;
    if (!st) return;
    wr_htab_iter it;
    const void *k;
    size_t kl;
    void **v;
    wr_htab_iter_init(&st->keys, &it);
    while (wr_htab_iter_next(&it, &k, &kl, &v))
        if (dd_keeps_rows(st->cfg)) wr_free(*v);
    wr_htab_free(&st->keys, NULL);
    wr_rk_stats_rows(st->cfg->stats, -st->rows, -st->nkeys_held, 0);
    wr_rk_keys_free(&st->pkeys);
    wr_rk_out_discard(&st->out);
    wr_free(st->hash);
    wr_free(st->sel);
    wr_free(st);
}

static int dd_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_dedup_cfg *cfg = config;
    const wr_schema *in = wr_op_input_schema(ctx, 0);
    int rc = wr_dedup_check(cfg, in, err);
    if (rc < 0) {
        wr_error_prefix(err, "%s: ", wr_op_name(ctx));
        return rc;
    }
    if ((rc = wr_rk_check_output(ctx, false, err)) < 0) return rc;
    dd_state *st = wr_calloc_owned(wr_op_mem(ctx), 1, sizeof(*st));
    if (!st) return wr_rk_nomem(ctx, err);
    st->cfg = cfg;
    st->mem = wr_op_mem(ctx);
    wr_htab_init(&st->keys, st->mem);
    wr_rk_keys_init(&st->pkeys, st->mem);
    wr_rk_out_init(&st->out, ctx, in->ncols, false, cfg->emit_update_before);
    *state = st;
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Processing
 * ---------------------------------------------------------------------------------------- */

/* Replace *slot's row by row i of `in` (reusing the allocation when it fits); the row's key
 * bytes are the partition hash h. */
static int store_row(dd_state *st, void **slot, const wr_batch *in, uint32_t i, uint64_t h,
                     int64_t ts)
{
    rk_row *old = *slot;
    size_t rlen = wr_rk_row_size(in, i);
    if (rlen > UINT32_MAX) return WR_ELIMIT;
    if (!old || old->rlen < rlen) {
        rk_row *r = wr_realloc_owned(st->mem, old, sizeof(rk_row) + sizeof h + rlen);
        if (!r) return WR_ENOMEM;
        if (!old) {
            st->rows++;
            r->klen = sizeof h;
            memcpy(RK_ROW_KEY(r), &h, sizeof h);
        }
        *slot = old = r;
    }
    old->rlen = (uint32_t)rlen;
    old->aux = ts;
    wr_rk_row_write(in, i, RK_ROW_REC(old));
    return 0;
}

static int dd_first_proctime(dd_state *st, wr_op_ctx *ctx, wr_batch *in)
{
    uint32_t nsel = 0;
    for (uint32_t i = 0; i < in->len; i++) {
        const uint8_t *pk = st->pkeys.buf + st->pkeys.off[i];
        bool inserted;
        void **slot = wr_htab_upsert(&st->keys, st->hash[i], pk, st->pkeys.len[i], &inserted);
        if (!slot) return WR_ENOMEM;
        if (!inserted) continue;
        *slot = DD_HASH_SLOT(st->hash[i]);
        st->nkeys_held++;
        st->sel[nsel++] = i;
    }
    if (nsel == 0) return 0;
    wr_batch *out = wr_batch_gather(in, st->sel, nsel, st->mem);
    if (!out) return WR_ENOMEM;
    memset(out->rowkind, WR_RK_INSERT, nsel);
    return wr_op_emit(ctx, out);
}

static int dd_row(dd_state *st, const wr_batch *in, uint32_t i, int64_t ts)
{
    const wr_dedup_cfg *cfg = st->cfg;
    const uint8_t *pk = st->pkeys.buf + st->pkeys.off[i];
    const uint32_t pklen = st->pkeys.len[i];
    int rc;
    if (!wr_rowkind_is_add(in->rowkind[i])) {
        /* Keep-last on a changelog: the kept row is deleted (Flink emits the stored row, which
         * has every column, whatever the retraction carried). */
        void *old = NULL;
        if (!wr_htab_remove(&st->keys, st->hash[i], pk, pklen, &old)) return 0;
        st->nkeys_held--;
        st->rows--;
        rc = wr_rk_out_row(&st->out, RK_ROW_REC((rk_row *)old), WR_RK_DELETE, 0);
        wr_free(old);
        return rc;
    }
    bool inserted;
    void **slot = wr_htab_upsert(&st->keys, st->hash[i], pk, pklen, &inserted);
    if (!slot) return WR_ENOMEM;
    if (inserted) {
        st->nkeys_held++;
        if ((rc = store_row(st, slot, in, i, st->hash[i], ts)) < 0) {
            wr_htab_remove(&st->keys, st->hash[i], pk, pklen, NULL);
            st->nkeys_held--;
            return rc;
        }
        return wr_rk_out_row(&st->out, RK_ROW_REC((rk_row *)*slot), WR_RK_INSERT, 0);
    }
    rk_row *old = *slot;
    if (cfg->rowtime) {
        bool replace = cfg->keep_last ? old->aux <= ts : ts < old->aux;
        if (!replace) return 0;
    } else if (wr_rk_row_equals(in, i, RK_ROW_REC(old), old->rlen)) {
        return 0; /* same row again: Flink (without state TTL) emits nothing */
    }
    if ((rc = wr_rk_out_row(&st->out, RK_ROW_REC(old), WR_RK_UPDATE_BEFORE, 0)) < 0) return rc;
    if ((rc = store_row(st, slot, in, i, st->hash[i], ts)) < 0) return rc;
    return wr_rk_out_row(&st->out, RK_ROW_REC((rk_row *)*slot), WR_RK_UPDATE_AFTER, 0);
}

static int dd_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    WR_UNUSED(input);
    dd_state *st = state;
    const wr_dedup_cfg *cfg = st->cfg;
    const uint32_t n = in->len;
    int64_t rows0 = st->rows, keys0 = st->nkeys_held;
    int rc = 0;
    if (n == 0) return 0;
    if (cfg->input_append_only) {
        for (uint32_t i = 0; i < n; i++)
            if (in->rowkind[i] != WR_RK_INSERT)
                return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                    "%s: deduplication doesn't support consuming update and "
                                    "delete changes (got a %s row)",
                                    wr_op_name(ctx), wr_rowkind_str(in->rowkind[i]));
    }
    const wr_vec *tv = cfg->rowtime ? &in->cols[cfg->rowtime_col] : NULL;
    if (tv)
        for (uint32_t i = 0; i < n; i++)
            if (!wr_vec_valid(tv, i))
                return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                                    "%s: RowTime field should not be null, please convert it to "
                                    "a non-null long value.",
                                    wr_op_name(ctx));
    if (n > st->cap) {
        uint32_t cap = (uint32_t)wr_next_pow2(n);
        uint64_t *h = wr_realloc_owned(st->mem, st->hash, (size_t)cap * sizeof(uint64_t));
        if (!h) return wr_rk_nomem(ctx, err);
        st->hash = h;
        uint32_t *s = wr_realloc_owned(st->mem, st->sel, (size_t)cap * sizeof(uint32_t));
        if (!s) return wr_rk_nomem(ctx, err);
        st->sel = s;
        st->cap = cap;
    }
    if (cfg->nkeys)
        wr_batch_hash_keys(in, cfg->keys, cfg->nkeys, st->hash);
    else
        memset(st->hash, 0, (size_t)n * sizeof(uint64_t));
    if ((rc = wr_rk_keys_encode_cols(&st->pkeys, in, cfg->keys, cfg->nkeys)) < 0) goto fail;

    if (!cfg->rowtime && !cfg->keep_last) {
        rc = dd_first_proctime(st, ctx, in);
    } else {
        const int64_t *ts = tv ? WR_VEC_I64(tv) : NULL;
        for (uint32_t i = 0; i < n && rc == 0; i++)
            rc = dd_row(st, in, i, ts ? ts[i] : 0);
        if (rc == 0) rc = wr_rk_out_flush(&st->out);
    }
    if (rc < 0) goto fail;
    wr_rk_stats_rows(cfg->stats, st->rows - rows0, st->nkeys_held - keys0, st->rows);
    return 0;
fail:
    wr_rk_out_discard(&st->out);
    wr_rk_stats_rows(cfg->stats, st->rows - rows0, st->nkeys_held - keys0, st->rows);
    if (rc == WR_ENOMEM) return wr_rk_nomem(ctx, err);
    return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: %s", wr_op_name(ctx), wr_err_str(rc));
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints. Keyed records, namespace 0, key = the encoded partition key (as in the table):
 *   "dedup.row"   modes that keep a row (keep-last, rowtime): value = the partition hash
 *                 (u64 little-endian; key group and table slot), the kept row's rowtime (i64
 *                 little-endian; 0 on processing time), then the row in the row encoding of
 *                 op_rank_internal.h. After a restore the kept row is what -U retracts and
 *                 what a later row's rowtime is compared with.
 *   "dedup.seen"  keep-first on processing time: value = the partition hash (u64).
 * ---------------------------------------------------------------------------------------- */
#define DD_TABLE_ROW  "dedup.row"
#define DD_TABLE_SEEN "dedup.seen"

static int dd_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w, wr_error *err)
{
    WR_UNUSED(id);
    dd_state *st = state;
    const bool rows = dd_keeps_rows(st->cfg);
    const uint32_t max_par = wr_op_max_parallelism(ctx);
    wr_buf val;
    wr_buf_init(&val);
    wr_htab_iter it;
    const void *k;
    size_t kl;
    void **v;
    int rc = 0;
    wr_htab_iter_init(&st->keys, &it);
    while (rc == 0 && wr_htab_iter_next(&it, &k, &kl, &v)) {
        uint8_t hdr[16];
        const rk_row *r = rows ? *v : NULL;
        if (rows && !r) continue;
        uint64_t h;
        if (r)
            memcpy(&h, RK_ROW_KEY(r), sizeof h);
        else
            h = DD_SLOT_HASH(*v);
        wr_le_put(hdr, h, 8);
        if (!rows) {
            rc = wr_snap_put(w, DD_TABLE_SEEN, wr_keygroup_of(h, max_par), 0, k, (uint32_t)kl, hdr,
                             8, err);
            continue;
        }
        wr_le_put(hdr + 8, (uint64_t)r->aux, 8);
        wr_buf_clear(&val);
        if (wr_buf_append(&val, hdr, sizeof hdr) || wr_buf_append(&val, RK_ROW_REC(r), r->rlen)) {
            rc = wr_rk_nomem(ctx, err);
            break;
        }
        rc = wr_snap_put(w, DD_TABLE_ROW, wr_keygroup_of(h, max_par), 0, k, (uint32_t)kl, val.ptr,
                         (uint32_t)val.len, err);
    }
    wr_buf_free(&val);
    return rc;
}

static int dd_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    dd_state *st = state;
    const bool rows = dd_keeps_rows(st->cfg);
    const char *table = rows ? DD_TABLE_ROW : DD_TABLE_SEEN;
    int64_t rows0 = st->rows, keys0 = st->nkeys_held;
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next(r, table, &rec, err)) == 1) {
        if (rows ? rec.vlen < 16 : rec.vlen != 8) {
            rc = wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                              "%s: bad deduplication state record", wr_op_name(ctx));
            break;
        }
        uint64_t h = wr_le_get(rec.val, 8);
        bool ins;
        void **slot = wr_htab_upsert(&st->keys, h, rec.key, rec.klen, &ins);
        if (!slot) {
            rc = wr_rk_nomem(ctx, err);
            break;
        }
        if (!ins) {
            rc = wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                              "%s: a key appears twice in the checkpoint", wr_op_name(ctx));
            break;
        }
        st->nkeys_held++;
        if (!rows) {
            *slot = DD_HASH_SLOT(h);
            continue;
        }
        uint32_t rlen = rec.vlen - 16;
        rk_row *row = wr_malloc_owned(st->mem, sizeof(rk_row) + sizeof h + rlen);
        if (!row) {
            wr_htab_remove(&st->keys, h, rec.key, rec.klen, NULL);
            st->nkeys_held--;
            rc = wr_rk_nomem(ctx, err);
            break;
        }
        row->klen = sizeof h;
        row->rlen = rlen;
        row->aux = (int64_t)wr_le_get(rec.val + 8, 8);
        memcpy(RK_ROW_KEY(row), &h, sizeof h);
        memcpy(RK_ROW_REC(row), rec.val + 16, rlen);
        *slot = row;
        st->rows++;
    }
    wr_rk_stats_rows(st->cfg->stats, st->rows - rows0, st->nkeys_held - keys0, st->rows);
    return rc < 0 ? rc : 0;
}

const wr_op_vt wr_op_dedup_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "deduplicate",
    .description = "deduplication (ROW_NUMBER() over a time attribute = 1): keep the first or "
                   "last row per key on processing or event time",
    .open = dd_open,
    .process = dd_process,
    .close = dd_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = dd_snapshot,
    .restore = dd_restore,
};
