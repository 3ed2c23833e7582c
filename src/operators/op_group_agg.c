/* op_group_agg.c - regular GROUP BY aggregation emitting a changelog (one-phase and global
 * operators) and its local pre-aggregation. Keyed state is a wr_htab from the encoded key
 * bytes (a presence byte per key column, then the fixed-width value or a u32 length and the
 * bytes of a string) to an entry holding the key's row count, its key group and its
 * accumulator record. A batch is processed in passes, never row by row through the
 * aggregates: hash and encode all keys, find or create the entry of every row (one pass,
 * which also lists the keys the batch touches), snapshot the touched keys' current results,
 * apply the aggregates (one loop per aggregate inside agg.c), then compare each touched
 * key's new result with its snapshot and emit +I / -U +U / -D for the batch as a whole.
 * That is Flink's mini-batch behaviour with the batch as the bundle: -U carries the result
 * before the batch and +U the result after it, intermediate results inside a batch are
 * never emitted, and a key created and emptied within one batch emits nothing.
 *
 * As in Flink's MiniBatchGroupAggFunction, retraction rows (-U/-D) for a key that has no
 * state are dropped (they may follow a state clean-up); once the batch has created the key,
 * later retractions in the same batch apply. The local operator keeps no state across
 * batches: a small open-addressing table (reused, reset per batch) groups the rows of one
 * batch, and every group becomes one partial row. */
#include "operators/op_group_agg.h"

#include <stdio.h>
#include <string.h>

typedef enum ga_mode { GA_SINGLE = 0, GA_LOCAL, GA_GLOBAL } ga_mode;

/* Keyed state entry; the accumulator record follows the 32-byte header, so it keeps the
 * 16-byte alignment of wr_malloc. */
typedef struct ga_entry {
    int64_t rows;   /* +1 per +I/+U, -1 per -U/-D (global: sum of the partial deltas) */
    uint64_t hash;  /* the key's partition hash: its key group in checkpoints, its table slot */
    uint32_t touch; /* 1 + index in the current batch's touched list; 0 between batches */
    uint32_t pad_[3];
} ga_entry;
_Static_assert(sizeof(ga_entry) % WR_AGG_ACC_ALIGN == 0, "accumulator alignment");
#define ENTRY_ACC(e) ((uint8_t *)((e) + 1))

typedef struct ga_state {
    const wr_group_agg_cfg *cfg;
    const wr_agg_layout *l;
    ga_mode mode;
    wr_mem_owner *mem;
    const wr_schema *out_schema;
    uint32_t max_par;
    uint32_t batch_rows;
    wr_htab state; /* one-phase and global: key bytes -> ga_entry */
    uint64_t nkeys_live;

    /* Per-batch scratch, grown to the largest batch seen. */
    uint32_t cap;
    uint64_t *hash;
    uint8_t **accs;
    uint32_t *koff; /* cap + 1 */
    uint32_t *kcur;
    uint8_t *kbuf;
    size_t kbuf_cap;
    ga_entry **touched;
    uint32_t *first_row;
    uint8_t *existed;
    uint32_t *plan_row; /* 2 * cap */
    uint8_t *plan_kind;
    const uint8_t **plan_acc;

    /* Local: per-batch grouping. */
    uint32_t *lslots; /* open addressing, group index + 1 */
    uint32_t lslot_cap;
    uint8_t *laccs; /* cap records of lstride bytes */
    uint32_t lstride;
    int64_t *ldelta;
} ga_state;

/* ------------------------------------------------------------------------------------------
 * Config and schemas
 * ---------------------------------------------------------------------------------------- */
void wr_group_agg_cfg_free(void *p)
{
    wr_group_agg_cfg *c = p;
    if (!c) return;
    for (uint32_t i = 0; i < c->naggs && c->aggs; i++)
        wr_free((void *)c->aggs[i].name);
    wr_free(c->aggs);
    wr_free(c->keys);
    wr_free(c->pkeys);
    wr_agg_layout_free(c->layout);
    wr_free(c);
}

wr_group_agg_cfg *wr_group_agg_cfg_new(const uint32_t *keys, uint32_t nkeys,
                                       const wr_agg_spec *aggs, uint32_t naggs,
                                       bool emit_update_before, wr_error *err)
{
    wr_group_agg_cfg *c = wr_calloc(1, sizeof(*c));
    if (!c) goto nomem;
    c->nkeys = nkeys;
    c->naggs = naggs;
    c->emit_update_before = emit_update_before;
    c->keys = wr_calloc(nkeys ? nkeys : 1, sizeof(uint32_t));
    c->pkeys = wr_calloc(nkeys ? nkeys : 1, sizeof(uint32_t));
    c->aggs = wr_calloc(naggs ? naggs : 1, sizeof(wr_agg_spec));
    if (!c->keys || !c->pkeys || !c->aggs) goto nomem;
    for (uint32_t i = 0; i < nkeys; i++) {
        c->keys[i] = keys[i];
        c->pkeys[i] = i;
    }
    for (uint32_t i = 0; i < naggs; i++) {
        c->aggs[i] = aggs[i];
        c->aggs[i].name = NULL;
        if (aggs[i].name && !(c->aggs[i].name = wr_strdup(aggs[i].name))) goto nomem;
    }
    if (!(c->layout = wr_agg_layout_new(c->aggs, naggs, err))) goto fail;
    /* The layout resolved the result types; keep the specs in step with it. */
    for (uint32_t i = 0; i < naggs; i++)
        c->aggs[i].result_type = c->layout->slots[i].spec.result_type;
    return c;
nomem:
    wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory building group aggregation");
fail:
    wr_group_agg_cfg_free(c);
    return NULL;
}

bool wr_group_agg_can_two_phase(const wr_agg_spec *specs, uint32_t n, bool input_is_changelog)
{
    for (uint32_t i = 0; i < n; i++) {
        if (specs[i].kind == WR_AGG_COUNT_DISTINCT) return false;
        if ((specs[i].kind == WR_AGG_MIN || specs[i].kind == WR_AGG_MAX) &&
            (input_is_changelog || specs[i].retract))
            return false;
    }
    return true;
}

static int schema_keys(const wr_group_agg_cfg *cfg, const wr_schema *in, wr_schema *s,
                       wr_error *err)
{
    for (uint32_t k = 0; k < cfg->nkeys; k++) {
        if (cfg->keys[k] >= in->ncols)
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                                "group key column %u out of range (%u columns)", cfg->keys[k],
                                in->ncols);
        const wr_field *f = &in->cols[cfg->keys[k]];
        wr_type t = f->type;
        t.time_attr = WR_TIME_ATTR_NONE;
        if (wr_schema_set(s, k, f->name, t) < 0)
            return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    return 0;
}

wr_schema *wr_group_agg_output_schema(const wr_group_agg_cfg *cfg, const wr_schema *input,
                                      wr_error *err)
{
    wr_schema *s = wr_schema_new(cfg->nkeys + cfg->naggs);
    if (!s) {
        wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        return NULL;
    }
    if (schema_keys(cfg, input, s, err) < 0) goto fail;
    for (uint32_t a = 0; a < cfg->naggs; a++) {
        char name[32];
        const char *nm = cfg->aggs[a].name;
        if (!nm) {
            snprintf(name, sizeof(name), "EXPR$%u", a);
            nm = name;
        }
        if (wr_schema_set(s, cfg->nkeys + a, nm, cfg->layout->slots[a].spec.result_type) < 0) {
            wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            goto fail;
        }
    }
    return s;
fail:
    wr_schema_free(s);
    return NULL;
}

wr_schema *wr_group_agg_partial_schema(const wr_group_agg_cfg *cfg, const wr_schema *input,
                                       wr_error *err)
{
    const wr_agg_layout *l = cfg->layout;
    if (!l->partial_capable) {
        wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_INTERNAL,
                     "group aggregation with COUNT DISTINCT or retractable MIN/MAX cannot be "
                     "split into local and global phases");
        return NULL;
    }
    wr_schema *s = wr_schema_new(cfg->nkeys + l->npartial + 1);
    if (!s) {
        wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        return NULL;
    }
    if (schema_keys(cfg, input, s, err) < 0) goto fail;
    if (wr_agg_partial_schema_fill(l, s, cfg->nkeys, err) < 0) goto fail;
    if (wr_schema_set(s, cfg->nkeys + l->npartial, "$row_count",
                      wr_type_not_null(wr_type_make(WR_TYPE_BIGINT))) < 0) {
        wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        goto fail;
    }
    return s;
fail:
    wr_schema_free(s);
    return NULL;
}

/* ------------------------------------------------------------------------------------------
 * Scratch, keys, gathering
 * ---------------------------------------------------------------------------------------- */
static int ga_nomem(wr_op_ctx *ctx, wr_error *err)
{
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", wr_op_name(ctx));
}

#define GROW(field, n)                                                                             \
    do {                                                                                           \
        void *np_ = wr_realloc_owned(st->mem, st->field, (size_t)(n) * sizeof(*st->field));        \
        if (!np_) return WR_ENOMEM;                                                                \
        st->field = np_;                                                                           \
    } while (0)

static int ga_reserve(ga_state *st, uint32_t n)
{
    if (n <= st->cap) return 0;
    uint32_t cap = (uint32_t)wr_next_pow2(n);
    GROW(hash, cap);
    GROW(accs, cap);
    GROW(koff, cap + 1);
    GROW(kcur, cap);
    GROW(touched, cap);
    GROW(first_row, cap);
    GROW(existed, cap);
    GROW(plan_row, 2 * cap);
    GROW(plan_kind, 2 * cap);
    GROW(plan_acc, 2 * cap);
    if (st->mode == GA_LOCAL) {
        GROW(ldelta, cap);
        GROW(lslots, 2 * cap);
        st->lslot_cap = 2 * cap;
        uint8_t *la = wr_malloc_owned(st->mem, (size_t)cap * st->lstride);
        if (!la) return WR_ENOMEM;
        wr_free(st->laccs);
        st->laccs = la;
    }
    st->cap = cap;
    return 0;
}

static void hash_rows(const wr_batch *in, const uint32_t *keys, uint32_t nkeys, uint64_t *out)
{
    if (nkeys == 0)
        memset(out, 0, (size_t)in->len * sizeof(*out));
    else
        wr_batch_hash_keys(in, keys, nkeys, out);
}

/* Encode the key columns of every row into st->kbuf; row i is [koff[i], koff[i+1]). */
static int encode_keys(ga_state *st, const wr_batch *in, const uint32_t *keys, uint32_t nkeys)
{
    const uint32_t n = in->len;
    uint32_t *len = st->kcur;
    for (uint32_t i = 0; i < n; i++)
        len[i] = nkeys;
    for (uint32_t k = 0; k < nkeys; k++) {
        const wr_vec *v = &in->cols[keys[k]];
        if (v->phys == WR_PHYS_STR) {
            const wr_strv *s = WR_VEC_STR(v);
            for (uint32_t i = 0; i < n; i++)
                if (wr_vec_valid(v, i)) len[i] += 4 + s[i].len;
        } else {
            const uint32_t w = v->width;
            for (uint32_t i = 0; i < n; i++)
                len[i] += wr_vec_valid(v, i) * w;
        }
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        st->koff[i] = (uint32_t)total;
        total += len[i];
        st->kcur[i] = st->koff[i];
    }
    if (total > UINT32_MAX) return WR_ELIMIT;
    st->koff[n] = (uint32_t)total;
    if (total > st->kbuf_cap || !st->kbuf) {
        /* Never NULL, even for zero-length keys (global aggregation). */
        size_t cap = wr_next_pow2(WR_MAX(total, 16));
        uint8_t *nb = wr_realloc_owned(st->mem, st->kbuf, cap);
        if (!nb) return WR_ENOMEM;
        st->kbuf = nb;
        st->kbuf_cap = cap;
    }
    uint8_t *buf = st->kbuf;
    uint32_t *cur = st->kcur;
    for (uint32_t k = 0; k < nkeys; k++) {
        const wr_vec *v = &in->cols[keys[k]];
        if (v->phys == WR_PHYS_STR) {
            const wr_strv *s = WR_VEC_STR(v);
            for (uint32_t i = 0; i < n; i++) {
                uint8_t *p = buf + cur[i];
                if (!wr_vec_valid(v, i)) {
                    *p = 0;
                    cur[i] += 1;
                    continue;
                }
                uint32_t sl = s[i].len;
                p[0] = 1;
                memcpy(p + 1, &sl, 4);
                if (sl) memcpy(p + 5, s[i].ptr, sl);
                cur[i] += 5 + sl;
            }
        } else {
            const uint32_t w = v->width;
            const uint8_t *d = v->data;
            for (uint32_t i = 0; i < n; i++) {
                uint8_t *p = buf + cur[i];
                bool valid = wr_vec_valid(v, i);
                p[0] = valid;
                if (valid) memcpy(p + 1, d + (size_t)i * w, w);
                cur[i] += 1 + (valid ? w : 0);
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Open / close
 * ---------------------------------------------------------------------------------------- */
static void ga_close(void *state)
{
    ga_state *st = state;
    if (!st) return;
    if (st->mode != GA_LOCAL) {
        wr_htab_iter it;
        const void *k;
        size_t kl;
        void **v;
        wr_htab_iter_init(&st->state, &it);
        while (wr_htab_iter_next(&it, &k, &kl, &v)) {
            ga_entry *e = *v;
            if (!e) continue;
            wr_agg_destroy(st->l, ENTRY_ACC(e));
            wr_free(e);
            *v = NULL;
        }
        wr_htab_free(&st->state, NULL);
    }
    wr_free(st->hash);
    wr_free(st->accs);
    wr_free(st->koff);
    wr_free(st->kcur);
    wr_free(st->kbuf);
    wr_free(st->touched);
    wr_free(st->first_row);
    wr_free(st->existed);
    wr_free(st->plan_row);
    wr_free(st->plan_kind);
    wr_free(st->plan_acc);
    wr_free(st->lslots);
    wr_free(st->laccs);
    wr_free(st->ldelta);
    wr_free(st);
}

static int ga_open_mode(void **state, wr_op_ctx *ctx, const void *config, ga_mode mode,
                        wr_error *err)
{
    const wr_group_agg_cfg *cfg = config;
    const wr_agg_layout *l = cfg->layout;
    const wr_schema *out = wr_op_output_schema(ctx);
    uint32_t want = mode == GA_LOCAL ? cfg->nkeys + l->npartial + 1 : cfg->nkeys + cfg->naggs;
    if (mode != GA_SINGLE && !l->partial_capable)
        return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_INTERNAL,
                            "%s: these aggregates cannot run as local/global phases",
                            wr_op_name(ctx));
    if (out->ncols != want)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "%s: output schema has %u columns, %u expected", wr_op_name(ctx),
                            out->ncols, want);
    ga_state *st = wr_calloc_owned(wr_op_mem(ctx), 1, sizeof(*st));
    if (!st) return ga_nomem(ctx, err);
    st->cfg = cfg;
    st->l = l;
    st->mode = mode;
    st->mem = wr_op_mem(ctx);
    st->out_schema = out;
    st->max_par = wr_op_max_parallelism(ctx);
    if (st->max_par == 0) st->max_par = WR_DEFAULT_MAX_PARALLELISM;
    st->batch_rows = wr_op_batch_rows(ctx);
    if (st->batch_rows == 0) st->batch_rows = WR_BATCH_DEFAULT_ROWS;
    st->lstride = WR_MAX(l->acc_size, WR_AGG_ACC_ALIGN);
    wr_htab_init(&st->state, st->mem);
    *state = st;
    return 0;
}

static int ga_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    return ga_open_mode(state, ctx, config, GA_SINGLE, err);
}

static int ga_open_local(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    return ga_open_mode(state, ctx, config, GA_LOCAL, err);
}

static int ga_open_global(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    return ga_open_mode(state, ctx, config, GA_GLOBAL, err);
}

/* ------------------------------------------------------------------------------------------
 * One-phase and global processing
 * ---------------------------------------------------------------------------------------- */

/* Find or create the entry of every row; fills accs[], the touched list, and the rows
 * counters. Returns the number of touched keys in *nt. */
static int ga_lookup(ga_state *st, const wr_batch *in, uint32_t *nt_out)
{
    const wr_agg_layout *l = st->l;
    const uint32_t nkeys = st->cfg->nkeys;
    const uint8_t *rk = in->rowkind;
    const int64_t *delta =
        st->mode == GA_GLOBAL ? WR_VEC_I64(&in->cols[nkeys + l->npartial]) : NULL;
    uint32_t nt = 0;
    int rc = 0;
    for (uint32_t i = 0; i < in->len; i++) {
        const uint8_t *key = st->kbuf + st->koff[i];
        size_t klen = st->koff[i + 1] - st->koff[i];
        uint64_t h = st->hash[i];
        void **slot = wr_htab_find(&st->state, h, key, klen);
        ga_entry *e = slot ? *slot : NULL;
        bool created = false;
        if (!e) {
            if (!delta && !wr_rowkind_is_add(rk[i])) {
                st->accs[i] = NULL; /* retraction of a key without state: dropped */
                continue;
            }
            e = wr_malloc_owned(st->mem, sizeof(ga_entry) + l->acc_size);
            if (!e) {
                rc = WR_ENOMEM;
                break;
            }
            e->rows = 0;
            e->hash = h;
            e->touch = 0;
            wr_agg_init(l, ENTRY_ACC(e));
            bool ins;
            slot = wr_htab_upsert(&st->state, h, key, klen, &ins);
            if (!slot) {
                wr_free(e);
                rc = WR_ENOMEM;
                break;
            }
            *slot = e;
            st->nkeys_live++;
            created = true;
        }
        if (!e->touch) {
            st->touched[nt] = e;
            st->first_row[nt] = i;
            st->existed[nt] = !created;
            e->touch = ++nt;
        }
        e->rows += delta ? delta[i] : (wr_rowkind_is_add(rk[i]) ? 1 : -1);
        st->accs[i] = ENTRY_ACC(e);
    }
    *nt_out = nt;
    if (rc < 0)
        for (uint32_t t = 0; t < nt; t++)
            st->touched[t]->touch = 0;
    return rc;
}

/* Emit the planned rows [0, R): keys and old results gathered from `before`, new results
 * computed from the accumulators. */
static int ga_emit_plan(ga_state *st, wr_op_ctx *ctx, wr_batch *before, uint32_t R, wr_error *err)
{
    const uint32_t ncols = st->out_schema->ncols, nkeys = st->cfg->nkeys;
    for (uint32_t start = 0; start < R; start += st->batch_rows) {
        uint32_t m = WR_MIN(st->batch_rows, R - start);
        wr_batch *out = wr_batch_new(st->out_schema, m, st->mem);
        if (!out) return ga_nomem(ctx, err);
        if (wr_batch_depend(out, before) < 0) {
            wr_batch_release(out);
            return ga_nomem(ctx, err);
        }
        for (uint32_t c = 0; c < ncols; c++)
            wr_vec_gather(&out->cols[c], 0, &before->cols[c], st->plan_row + start, m);
        int rc = wr_agg_results(st->l, st->plan_acc + start, m, out, nkeys, 0, err);
        if (rc < 0) {
            wr_batch_release(out);
            return rc;
        }
        memcpy(out->rowkind, st->plan_kind + start, m);
        out->len = m;
        if ((rc = wr_op_emit(ctx, out)) < 0) return rc;
    }
    return 0;
}

static int ga_process_keyed(ga_state *st, wr_op_ctx *ctx, wr_batch *in, wr_error *err)
{
    const wr_group_agg_cfg *cfg = st->cfg;
    const wr_agg_layout *l = st->l;
    const uint32_t nkeys = cfg->nkeys;
    const uint32_t *keys = st->mode == GA_GLOBAL ? cfg->pkeys : cfg->keys;
    wr_batch *before = NULL;
    uint32_t nt = 0;
    int rc;

    if (in->len == 0) return 0;
    if ((rc = ga_reserve(st, in->len)) < 0) return ga_nomem(ctx, err);
    hash_rows(in, keys, nkeys, st->hash);
    if ((rc = encode_keys(st, in, keys, nkeys)) < 0) return ga_nomem(ctx, err);
    if ((rc = ga_lookup(st, in, &nt)) < 0) return ga_nomem(ctx, err);
    if (nt == 0) return 0;

    /* Snapshot: keys of every touched key and the results of those that existed. */
    before = wr_batch_new(st->out_schema, nt, st->mem);
    if (!before || wr_batch_depend(before, in) < 0) {
        rc = ga_nomem(ctx, err);
        goto out;
    }
    for (uint32_t k = 0; k < nkeys; k++)
        wr_vec_gather(&before->cols[k], 0, &in->cols[keys[k]], st->first_row, nt);
    for (uint32_t t = 0; t < nt; t++)
        st->plan_acc[t] = st->existed[t] ? ENTRY_ACC(st->touched[t]) : NULL;
    if ((rc = wr_agg_results(l, st->plan_acc, nt, before, nkeys, 0, err)) < 0) goto out;
    before->len = nt;

    if (st->mode == GA_GLOBAL)
        rc = wr_agg_partial_merge(l, st->accs, in, nkeys, st->mem, err);
    else
        rc = wr_agg_update(l, st->accs, in, false, st->mem, err);
    if (rc < 0) goto out;

    /* Plan the changelog rows. */
    uint32_t R = 0;
    for (uint32_t t = 0; t < nt; t++) {
        ga_entry *e = st->touched[t];
        const uint8_t *acc = ENTRY_ACC(e);
        if (e->rows > 0) {
            if (!st->existed[t]) {
                st->plan_row[R] = t, st->plan_kind[R] = WR_RK_INSERT, st->plan_acc[R++] = acc;
            } else if (!wr_agg_result_equal(l, acc, before, nkeys, t)) {
                if (cfg->emit_update_before)
                    st->plan_row[R] = t, st->plan_kind[R] = WR_RK_UPDATE_BEFORE,
                    st->plan_acc[R++] = NULL;
                st->plan_row[R] = t, st->plan_kind[R] = WR_RK_UPDATE_AFTER, st->plan_acc[R++] = acc;
            }
        } else if (st->existed[t]) {
            st->plan_row[R] = t, st->plan_kind[R] = WR_RK_DELETE, st->plan_acc[R++] = NULL;
        }
    }
    rc = ga_emit_plan(st, ctx, before, R, err);

out:
    /* Untouch, and drop the keys whose row count went back to zero. */
    for (uint32_t t = 0; t < nt; t++) {
        ga_entry *e = st->touched[t];
        e->touch = 0;
        if (e->rows > 0) continue;
        uint32_t i = st->first_row[t];
        const uint8_t *key = st->kbuf + st->koff[i];
        bool removed =
            wr_htab_remove(&st->state, st->hash[i], key, st->koff[i + 1] - st->koff[i], NULL);
        WR_ASSERT(removed);
        wr_agg_destroy(l, ENTRY_ACC(e));
        wr_free(e);
        st->nkeys_live--;
    }
    if (before) wr_batch_release(before);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Local pre-aggregation
 * ---------------------------------------------------------------------------------------- */
static int ga_process_local(ga_state *st, wr_op_ctx *ctx, wr_batch *in, wr_error *err)
{
    const wr_group_agg_cfg *cfg = st->cfg;
    const wr_agg_layout *l = st->l;
    const uint32_t nkeys = cfg->nkeys;
    const uint8_t *rk = in->rowkind;
    uint32_t ng = 0;
    wr_batch *out = NULL;
    int rc;

    if (in->len == 0) return 0;
    if ((rc = ga_reserve(st, in->len)) < 0) return ga_nomem(ctx, err);
    hash_rows(in, cfg->keys, nkeys, st->hash);
    if ((rc = encode_keys(st, in, cfg->keys, nkeys)) < 0) return ga_nomem(ctx, err);

    const uint32_t mask = st->lslot_cap - 1;
    memset(st->lslots, 0, (size_t)st->lslot_cap * sizeof(*st->lslots));
    for (uint32_t i = 0; i < in->len; i++) {
        const uint64_t h = st->hash[i];
        const uint8_t *key = st->kbuf + st->koff[i];
        const uint32_t klen = st->koff[i + 1] - st->koff[i];
        uint32_t pos = (uint32_t)(h ^ (h >> 32)) & mask, g;
        for (;;) {
            uint32_t g1 = st->lslots[pos];
            if (!g1) {
                g = ng++;
                st->lslots[pos] = g + 1;
                st->first_row[g] = i;
                st->ldelta[g] = 0;
                wr_agg_init(l, st->laccs + (size_t)g * st->lstride);
                break;
            }
            g = g1 - 1;
            uint32_t r = st->first_row[g];
            if (st->hash[r] == h && st->koff[r + 1] - st->koff[r] == klen &&
                memcmp(st->kbuf + st->koff[r], key, klen) == 0)
                break;
            pos = (pos + 1) & mask;
        }
        st->ldelta[g] += wr_rowkind_is_add(rk[i]) ? 1 : -1;
        st->accs[i] = st->laccs + (size_t)g * st->lstride;
    }
    if ((rc = wr_agg_update(l, st->accs, in, false, st->mem, err)) < 0) goto out;

    out = wr_batch_new(st->out_schema, ng, st->mem);
    if (!out || wr_batch_depend(out, in) < 0) {
        rc = ga_nomem(ctx, err);
        goto out;
    }
    for (uint32_t k = 0; k < nkeys; k++)
        wr_vec_gather(&out->cols[k], 0, &in->cols[cfg->keys[k]], st->first_row, ng);
    for (uint32_t g = 0; g < ng; g++)
        st->plan_acc[g] = st->laccs + (size_t)g * st->lstride;
    if ((rc = wr_agg_partial_write(l, st->plan_acc, ng, out, nkeys, 0, err)) < 0) goto out;
    wr_vec *dv = &out->cols[nkeys + l->npartial];
    memcpy(WR_VEC_I64(dv), st->ldelta, (size_t)ng * sizeof(int64_t));
    wr_vec_fill_valid(dv, ng, true);
    memset(out->rowkind, WR_RK_INSERT, ng);
    out->len = ng;
    rc = wr_op_emit(ctx, out);
    out = NULL;
out:
    if (l->owns_memory)
        for (uint32_t g = 0; g < ng; g++)
            wr_agg_destroy(l, st->laccs + (size_t)g * st->lstride);
    if (out) wr_batch_release(out);
    return rc;
}

static int ga_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    ga_state *st = state;
    if (st->mode == GA_LOCAL) return ga_process_local(st, ctx, in, err);
    return ga_process_keyed(st, ctx, in, err);
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints (one-phase and global). Keyed records of table "group.acc", one per live key:
 * namespace 0, key = the encoded group key (as in the state table above), value = the key's
 * partition hash (u64 little-endian; it gives the key group and the table slot), the key's
 * row count (i64 little-endian), then the accumulator (wr_agg_encode). The results last
 * emitted for a key are the results of its accumulator, so -U rows after a restore come
 * from the decoded accumulator; the row count decides between -U/+U and -D. The local phase
 * keeps nothing across batches and has no records.
 * ---------------------------------------------------------------------------------------- */
#define GA_TABLE "group.acc"

static int ga_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w, wr_error *err)
{
    WR_UNUSED(id);
    ga_state *st = state;
    wr_buf val;
    wr_buf_init(&val);
    wr_htab_iter it;
    const void *k;
    size_t kl;
    void **v;
    int rc = WR_OK;
    wr_htab_iter_init(&st->state, &it);
    while (rc == WR_OK && wr_htab_iter_next(&it, &k, &kl, &v)) {
        const ga_entry *e = *v;
        if (!e) continue;
        uint8_t hdr[16];
        wr_le_put(hdr, e->hash, 8);
        wr_le_put(hdr + 8, (uint64_t)e->rows, 8);
        wr_buf_clear(&val);
        if (wr_buf_append(&val, hdr, sizeof hdr) || wr_agg_encode(st->l, ENTRY_ACC(e), &val)) {
            rc = ga_nomem(ctx, err);
            break;
        }
        rc = wr_snap_put(w, GA_TABLE, wr_keygroup_of(e->hash, st->max_par), 0, k, (uint32_t)kl,
                         val.ptr, (uint32_t)val.len, err);
    }
    wr_buf_free(&val);
    return rc;
}

static int ga_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    ga_state *st = state;
    const wr_agg_layout *l = st->l;
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next(r, GA_TABLE, &rec, err)) == 1) {
        if (rec.vlen < 16 || (int64_t)wr_le_get(rec.val + 8, 8) <= 0)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: bad group aggregation state record", wr_op_name(ctx));
        uint64_t h = wr_le_get(rec.val, 8);
        ga_entry *e = wr_malloc_owned(st->mem, sizeof(ga_entry) + l->acc_size);
        if (!e) return ga_nomem(ctx, err);
        memset(e, 0, sizeof *e);
        e->rows = (int64_t)wr_le_get(rec.val + 8, 8);
        e->hash = h;
        rc = wr_agg_decode(l, rec.val + 16, rec.vlen - 16, ENTRY_ACC(e), st->mem, err);
        if (rc < 0) {
            wr_free(e);
            return rc;
        }
        bool ins;
        void **slot = wr_htab_upsert(&st->state, h, rec.key, rec.klen, &ins);
        if (!slot || !ins) {
            wr_agg_destroy(l, ENTRY_ACC(e));
            wr_free(e);
            if (!slot) return ga_nomem(ctx, err);
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: a group key appears twice in the checkpoint", wr_op_name(ctx));
        }
        *slot = e;
        st->nkeys_live++;
    }
    return rc < 0 ? rc : WR_OK;
}

const wr_op_vt wr_op_group_agg_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "group_agg",
    .description = "GROUP BY aggregation over an append or changelog input, emitting a "
                   "changelog (+I, -U/+U, -D) per key",
    .open = ga_open,
    .process = ga_process,
    .close = ga_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = ga_snapshot,
    .restore = ga_restore,
};

const wr_op_vt wr_op_local_group_agg_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "local_group_agg",
    .description = "local phase of two-phase GROUP BY: pre-aggregates each batch per key "
                   "into partial accumulator rows",
    .open = ga_open_local,
    .process = ga_process,
    .close = ga_close,
    .ckpt = WR_CKPT_STATELESS,
};

const wr_op_vt wr_op_global_group_agg_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "global_group_agg",
    .description = "global phase of two-phase GROUP BY: merges partial rows into keyed "
                   "state, emitting a changelog per key",
    .open = ga_open_global,
    .process = ga_process,
    .close = ga_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = ga_snapshot,
    .restore = ga_restore,
};
