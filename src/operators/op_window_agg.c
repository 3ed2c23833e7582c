/* op_window_agg.c - window aggregation over TUMBLE, HOP and CUMULATE windows, computed on
 * slices as Flink's slicing window operator does: TUMBLE has one slice per window, HOP slices
 * of `slide` (a window is size/slide consecutive slices), CUMULATE slices of `step` (window
 * [base, base + k*step) is the first k slices of its base). Each live slice owns a key table
 * with one accumulator record per group key. A batch is processed column-wise: slice ends of
 * all rows in one loop, the lateness decision in another, key hashing and encoding for the
 * whole batch, one table probe per row, then one vectorized update per aggregate.
 *
 * Firing happens in on_watermark: every window whose end - 1 ms <= watermark fires in end
 * order; HOP merges its slices into a scratch table, CUMULATE merges the window's last slice
 * into the base's first slice (which thereby holds the cumulative state, as in Flink) and
 * emits that. Slices no unfired window needs are freed right away. SESSION windows are
 * handled by op_session.c behind the same vtable. */
#include "operators/op_window_internal.h"

#include <string.h>

#define DROPPED INT64_MIN

typedef struct wslice {
    int64_t end;
    wtab tab;
} wslice;

typedef struct wagg {
    int kind; /* wr_window_kind; must stay first (see the dispatch below) */
    const wr_window_agg_config *cfg;
    const char *name;
    wr_mem_owner *mem;
    wr_agg_layout *layout;
    wkey_codec codec;
    wkey_batch kb;
    wout out;
    int64_t slice_us;
    int64_t size_us;
    int64_t offset_us;
    int64_t done;    /* every window with end <= done has fired */
    wslice **slices; /* live slices, ascending end */
    uint32_t nslices, slices_cap;
    wtab merge;         /* HOP: the windows's slices merged per key */
    uint32_t size_hint; /* entries of the last slice freed, to presize the next */
    /* per-batch scratch */
    uint64_t *hash;
    int64_t *target;
    wtab **rtab;
    uint32_t *ridx;
    uint8_t **accs;
    uint32_t rcap;
    wstats_pub pub;
} wagg;

/* ------------------------------------------------------------------------------------------
 * Slices
 * ---------------------------------------------------------------------------------------- */
static void slice_destroy(wagg *s, wslice *sl)
{
    if (s->layout->owns_memory)
        for (uint32_t i = 0; i < sl->tab.n; i++)
            wr_agg_destroy(s->layout, wr_wtab_payload(&sl->tab, i));
    s->size_hint = sl->tab.n;
    wr_wtab_free(&sl->tab);
    wr_free(sl);
}

/* Remove slice at position i of the live list. */
static void slice_drop(wagg *s, uint32_t i)
{
    slice_destroy(s, s->slices[i]);
    memmove(s->slices + i, s->slices + i + 1, (size_t)(s->nslices - i - 1) * sizeof(wslice *));
    s->nslices--;
}

/* The live slice ending at end, created when absent; NULL on ENOMEM. */
static wslice *slice_get(wagg *s, int64_t end)
{
    uint32_t lo = 0, hi = s->nslices;
    /* Most rows go to the newest slice: check it before searching. */
    if (hi && s->slices[hi - 1]->end == end) return s->slices[hi - 1];
    if (hi && s->slices[hi - 1]->end < end) {
        lo = hi;
    } else {
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (s->slices[mid]->end < end)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < s->nslices && s->slices[lo]->end == end) return s->slices[lo];
    }
    if (wr_window_grow((void **)&s->slices, &s->slices_cap, s->nslices + 1, sizeof(wslice *),
                       s->mem))
        return NULL;
    wslice *sl = wr_malloc_owned(s->mem, sizeof(*sl));
    if (!sl) return NULL;
    sl->end = end;
    wr_wtab_init(&sl->tab, s->layout->acc_size, s->mem);
    if (s->size_hint && wr_wtab_reserve(&sl->tab, s->size_hint)) {
        wr_wtab_free(&sl->tab);
        wr_free(sl);
        return NULL;
    }
    memmove(s->slices + lo + 1, s->slices + lo, (size_t)(s->nslices - lo) * sizeof(wslice *));
    s->slices[lo] = sl;
    s->nslices++;
    return sl;
}

/* ------------------------------------------------------------------------------------------
 * Open / close
 * ---------------------------------------------------------------------------------------- */
static void slicing_close(wagg *s)
{
    for (uint32_t i = 0; i < s->nslices; i++)
        slice_destroy(s, s->slices[i]);
    wr_free(s->slices);
    if (s->layout && s->layout->owns_memory) /* left over when a firing failed midway */
        for (uint32_t i = 0; i < s->merge.n; i++)
            wr_agg_destroy(s->layout, wr_wtab_payload(&s->merge, i));
    wr_wtab_free(&s->merge);
    wr_wout_free(&s->out);
    wr_wkey_batch_free(&s->kb);
    wr_wkey_codec_free(&s->codec);
    wr_agg_layout_free(s->layout);
    wr_free(s->hash);
    wr_free(s->target);
    wr_free(s->rtab);
    wr_free(s->ridx);
    wr_free(s->accs);
    wr_free(s);
}

/* The output schema the runtime gives us must have the physical types we write. */
static int check_output_schema(const wr_window_agg_config *cfg, wr_op_ctx *ctx, const wr_schema *in,
                               const wr_agg_layout *l, wr_error *err)
{
    const wr_schema *out = wr_op_output_schema(ctx);
    if (out->ncols != cfg->nouts)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "%s: output schema has %u columns, the config maps %u", wr_op_name(ctx),
                            out->ncols, cfg->nouts);
    for (uint32_t i = 0; i < cfg->nouts; i++) {
        const wr_window_col *c = &cfg->outs[i];
        wr_phys want = c->kind == WR_WCOL_KEY   ? wr_type_phys(&in->cols[cfg->keys[c->index]].type)
                       : c->kind == WR_WCOL_AGG ? wr_type_phys(&l->slots[c->index].spec.result_type)
                                                : WR_PHYS_I64;
        if (wr_type_phys(&out->cols[i].type) != want)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                                "%s: output column %u ('%s') has the wrong type for what the "
                                "config maps to it",
                                wr_op_name(ctx), i, out->cols[i].name ? out->cols[i].name : "?");
    }
    return WR_OK;
}

int wr_window_agg_common_open(const wr_window_agg_config *cfg, wr_op_ctx *ctx,
                              wr_agg_layout **layout, wkey_codec *codec, wout *out, wr_error *err)
{
    const wr_schema *in = wr_op_input_schema(ctx, 0);
    wr_mem_owner *mem = wr_op_mem(ctx);
    int rc = wr_window_agg_check(cfg, in, err);
    if (rc) return rc;
    static const wr_agg_spec none;
    *layout = wr_agg_layout_new(cfg->naggs ? cfg->aggs : &none, cfg->naggs, err);
    if (!*layout) return err && err->code ? err->code : WR_ENOMEM;
    rc = check_output_schema(cfg, ctx, in, *layout, err);
    if (rc) return rc;
    rc = wr_wkey_codec_init(codec, cfg->keys, cfg->nkeys, in, mem, err);
    if (rc) return rc;
    uint32_t rows = wr_op_batch_rows(ctx);
    return wr_wout_init(out, cfg, codec, *layout, wr_op_output_schema(ctx), rows, mem, err);
}

static int window_agg_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_window_agg_config *cfg = config;
    *state = NULL;
    if (cfg->window.kind == WR_WINDOW_SESSION) return wr_session_agg_open(state, ctx, cfg, err);
    wr_mem_owner *mem = wr_op_mem(ctx);
    wagg *s = wr_calloc_owned(mem, 1, sizeof(*s));
    if (!s) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    s->kind = cfg->window.kind;
    s->cfg = cfg;
    s->name = wr_op_name(ctx);
    s->mem = mem;
    int rc = wr_window_agg_common_open(cfg, ctx, &s->layout, &s->codec, &s->out, err);
    if (rc) {
        slicing_close(s);
        return rc;
    }
    const wr_window_spec *w = &cfg->window;
    s->slice_us = w->kind == WR_WINDOW_TUMBLE ? w->size_us : w->slide_us;
    s->size_us = w->size_us;
    s->offset_us = w->offset_us;
    s->done = wr_window_fire_limit(WR_WATERMARK_MIN);
    wr_wtab_init(&s->merge, s->layout->acc_size, mem);
    *state = s;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Processing
 * ---------------------------------------------------------------------------------------- */
static int scratch_reserve(wagg *s, uint32_t n)
{
    if (n <= s->rcap) return WR_OK;
    uint32_t c = s->rcap ? s->rcap : 256;
    while (c < n)
        c *= 2;
    void *p;
    if (!(p = wr_realloc_owned(s->mem, s->hash, (size_t)c * sizeof(*s->hash)))) return WR_ENOMEM;
    s->hash = p;
    if (!(p = wr_realloc_owned(s->mem, s->target, (size_t)c * sizeof(*s->target))))
        return WR_ENOMEM;
    s->target = p;
    if (!(p = wr_realloc_owned(s->mem, s->rtab, (size_t)c * sizeof(*s->rtab)))) return WR_ENOMEM;
    s->rtab = p;
    if (!(p = wr_realloc_owned(s->mem, s->ridx, (size_t)c * sizeof(*s->ridx)))) return WR_ENOMEM;
    s->ridx = p;
    if (!(p = wr_realloc_owned(s->mem, s->accs, (size_t)c * sizeof(*s->accs)))) return WR_ENOMEM;
    s->accs = p;
    s->rcap = c;
    return WR_OK;
}

/* Decide where each row goes (Flink's AbstractSliceWindowAggProcessor.processElement): a row
 * whose slice has not fired goes to its slice. A row whose slice has fired is late; it is
 * dropped when the last window containing that slice has fired too, and otherwise still
 * counts for the windows that have not fired: HOP keeps it in its own slice (which later
 * windows merge), CUMULATE puts it into the base's first slice (the cumulative state). For
 * TUMBLE the slice is the window, so a late row is always dropped. Returns the drop count. */
static uint64_t assign_targets(wagg *s, const int64_t *ts, uint32_t n)
{
    const int64_t slice = s->slice_us, off = s->offset_us, size = s->size_us, done = s->done;
    int64_t *target = s->target;
    for (uint32_t i = 0; i < n; i++)
        target[i] = wr_window_start(ts[i], slice, off) + slice;
    uint64_t dropped = 0;
    for (uint32_t i = 0; i < n; i++) {
        int64_t se = target[i];
        if (WR_LIKELY(se > done)) continue;
        int64_t last, dest;
        switch (s->kind) {
        case WR_WINDOW_HOP:
            last = se - slice + size;
            dest = se;
            break;
        case WR_WINDOW_CUMULATE: {
            int64_t base = wr_window_start(se - 1, size, off);
            last = base + size;
            dest = base + slice;
            break;
        }
        default:
            last = se;
            dest = se;
            break;
        }
        if (last <= done) {
            target[i] = DROPPED;
            dropped++;
        } else {
            target[i] = dest;
        }
    }
    return dropped;
}

static int slicing_process(wagg *s, wr_op_ctx *ctx, wr_batch *in, wr_error *err)
{
    const wr_window_agg_config *cfg = s->cfg;
    uint32_t n = in->len;
    if (n == 0) return WR_OK;
    int rc = wr_window_check_input(in, cfg->rowtime_col, s->name, err);
    if (rc) return rc;
    if (scratch_reserve(s, n)) goto nomem;
    const int64_t *ts = WR_VEC_I64(&in->cols[cfg->rowtime_col]);
    uint64_t dropped = assign_targets(s, ts, n);
    wr_batch_hash_keys(in, cfg->keys, cfg->nkeys, s->hash);
    rc = wr_wkey_encode(&s->codec, in, &s->kb, err);
    if (rc) return rc;

    /* Probe: (table, entry) per row. Entries may move while the table grows, so pointers
     * are taken only after every row has its entry. */
    const uint32_t *off = s->kb.off;
    const uint8_t *kbuf = s->kb.buf;
    int64_t cached_end = DROPPED;
    wtab *tab = NULL;
    for (uint32_t i = 0; i < n; i++) {
        int64_t t = s->target[i];
        if (t == DROPPED) {
            s->rtab[i] = NULL;
            continue;
        }
        if (t != cached_end) {
            wslice *sl = slice_get(s, t);
            if (!sl) goto nomem;
            tab = &sl->tab;
            cached_end = t;
        }
        bool ins;
        int64_t e = wr_wtab_upsert(tab, s->hash[i], kbuf + off[i], off[i + 1] - off[i], &ins);
        if (e < 0) goto nomem;
        s->rtab[i] = tab;
        s->ridx[i] = (uint32_t)e;
    }
    for (uint32_t i = 0; i < n; i++)
        s->accs[i] = s->rtab[i] ? wr_wtab_payload(s->rtab[i], s->ridx[i]) : NULL;
    if (cfg->naggs) {
        rc = wr_agg_update(s->layout, s->accs, in, true, s->mem, err);
        if (rc) return rc;
    }
    if (dropped) {
        wr_op_count_late(ctx, dropped);
        if (cfg->stats)
            atomic_fetch_add_explicit(&cfg->stats->late_dropped, dropped, memory_order_relaxed);
    }
    return WR_OK;
nomem:
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
}

/* ------------------------------------------------------------------------------------------
 * Firing
 * ---------------------------------------------------------------------------------------- */
static int queue_table(wagg *s, const wtab *t, int64_t start, int64_t end)
{
    for (uint32_t i = 0; i < t->n; i++) {
        const wtab_ent *e = wr_wtab_ent(t, i);
        if (wr_wout_add(&s->out, start, end, wr_wtab_key(t, e), wr_wtab_payload(t, i)))
            return WR_ENOMEM;
    }
    return WR_OK;
}

/* dst[key] += src[key] for every key of src. */
static int merge_table(wagg *s, wtab *dst, const wtab *src, wr_error *err)
{
    for (uint32_t i = 0; i < src->n; i++) {
        const wtab_ent *e = wr_wtab_ent(src, i);
        bool ins;
        int64_t d = wr_wtab_upsert(dst, e->hash, wr_wtab_key(src, e), e->key_len, &ins);
        if (d < 0) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        uint8_t *da = wr_wtab_payload(dst, (uint32_t)d);
        const uint8_t *sa = wr_wtab_payload(src, i);
        if (ins && !s->layout->owns_memory) {
            memcpy(da, sa, s->layout->acc_size);
        } else {
            int rc = wr_agg_merge(s->layout, da, sa, s->mem, err);
            if (rc) return rc;
        }
    }
    return WR_OK;
}

/* dst = src (dst empty). Accumulators that own memory are merged into zeroed records so
 * that dst owns its own copies. */
static int copy_table(wagg *s, wtab *dst, const wtab *src, wr_error *err)
{
    if (wr_wtab_copy(dst, src))
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
    if (!s->layout->owns_memory) return WR_OK;
    for (uint32_t i = 0; i < dst->n; i++) {
        uint8_t *d = wr_wtab_payload(dst, i);
        memset(d, 0, s->layout->acc_size);
        int rc = wr_agg_merge(s->layout, d, wr_wtab_payload(src, i), s->mem, err);
        if (rc) {
            /* Leave no record pointing at src's memory. */
            for (uint32_t j = i + 1; j < dst->n; j++)
                memset(wr_wtab_payload(dst, j), 0, s->layout->acc_size);
            return rc;
        }
    }
    return WR_OK;
}

static int fire_window(wagg *s, wr_op_ctx *ctx, int64_t e, wr_error *err)
{
    int rc = WR_OK;
    switch (s->kind) {
    case WR_WINDOW_TUMBLE: {
        WR_ASSERT(s->nslices && s->slices[0]->end == e);
        if ((rc = queue_table(s, &s->slices[0]->tab, e - s->size_us, e))) goto nomem;
        if ((rc = wr_wout_write(&s->out, ctx, true, err))) return rc;
        slice_drop(s, 0);
        return WR_OK;
    }
    case WR_WINDOW_HOP: {
        int64_t first = e - s->size_us + s->slice_us; /* end of the window's first slice */
        uint32_t k = 0;
        while (k < s->nslices && s->slices[k]->end <= e)
            k++;
        WR_ASSERT(k == 0 || s->slices[0]->end >= first);
        if (k == 1) {
            if ((rc = queue_table(s, &s->slices[0]->tab, e - s->size_us, e))) goto nomem;
            if ((rc = wr_wout_write(&s->out, ctx, true, err))) return rc;
        } else if (k > 1) {
            /* Start from a copy of the largest slice (no hashing), merge the others in. */
            uint32_t big = 0;
            for (uint32_t j = 1; j < k; j++)
                if (s->slices[j]->tab.n > s->slices[big]->tab.n) big = j;
            if ((rc = copy_table(s, &s->merge, &s->slices[big]->tab, err))) return rc;
            for (uint32_t j = 0; j < k; j++)
                if (j != big && (rc = merge_table(s, &s->merge, &s->slices[j]->tab, err)))
                    return rc;
            if ((rc = queue_table(s, &s->merge, e - s->size_us, e))) goto nomem;
            rc = wr_wout_write(&s->out, ctx, true, err);
            if (s->layout->owns_memory)
                for (uint32_t i = 0; i < s->merge.n; i++)
                    wr_agg_destroy(s->layout, wr_wtab_payload(&s->merge, i));
            wr_wtab_clear(&s->merge);
            if (rc) return rc;
        }
        while (s->nslices && s->slices[0]->end <= first)
            slice_drop(s, 0);
        return WR_OK;
    }
    case WR_WINDOW_CUMULATE: {
        int64_t base = wr_window_start(e - 1, s->size_us, s->offset_us);
        int64_t fe = base + s->slice_us;
        wslice *f = s->nslices && s->slices[0]->end == fe ? s->slices[0] : NULL;
        if (e != fe) {
            uint32_t at = f ? 1 : 0;
            if (at < s->nslices && s->slices[at]->end == e) {
                if (!f) {
                    /* No row fell into the first step: the window's last slice becomes the
                     * cumulative state, renamed to the first slice (it is the smallest). */
                    s->slices[0]->end = fe;
                    f = s->slices[0];
                } else {
                    if ((rc = merge_table(s, &f->tab, &s->slices[at]->tab, err))) return rc;
                    slice_drop(s, at);
                }
            }
        }
        if (f) {
            if ((rc = queue_table(s, &f->tab, base, e))) goto nomem;
            if ((rc = wr_wout_write(&s->out, ctx, true, err))) return rc;
            if (e == base + s->size_us) slice_drop(s, 0);
        }
        return WR_OK;
    }
    default:
        WR_ASSERT(!"not a slicing window");
    }
    return WR_OK;
nomem:
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
}

static void slicing_publish(wagg *s)
{
    if (!s->cfg->stats) return;
    int64_t entries = 0, bytes = 0;
    for (uint32_t i = 0; i < s->nslices; i++) {
        entries += s->slices[i]->tab.n;
        bytes += (int64_t)(wr_wtab_bytes(&s->slices[i]->tab) + sizeof(wslice));
    }
    bytes += (int64_t)s->slices_cap * (int64_t)sizeof(wslice *);
    wr_window_stats_publish(s->cfg->stats, &s->pub, s->nslices, entries, bytes);
    wr_window_stats_fired(s->cfg->stats, &s->pub, s->out.emitted);
}

/* Fire every window with end <= limit, in end order. The next window to fire is the first
 * live slice's end when that has not fired yet; otherwise (HOP, CUMULATE: a slice still
 * needed by later windows) the next point of the slice grid after `done`. */
static int slicing_fire(wagg *s, wr_op_ctx *ctx, int64_t limit, wr_error *err)
{
    if (limit <= s->done) return WR_OK;
    int rc = WR_OK;
    while (s->nslices) {
        int64_t s0 = s->slices[0]->end;
        int64_t e =
            s0 > s->done ? s0 : wr_window_start(s->done, s->slice_us, s->offset_us) + s->slice_us;
        if (e > limit) break;
        if ((rc = fire_window(s, ctx, e, err))) return rc;
        s->done = e;
    }
    s->done = limit;
    if ((rc = wr_wout_end(&s->out, ctx, err))) return rc;
    if (s->nslices == 0) {
        /* Nothing left: give the memory back (the state returns to its empty size). */
        wr_free(s->slices);
        s->slices = NULL;
        s->slices_cap = 0;
        wr_wtab_free(&s->merge);
    }
    slicing_publish(s);
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * The vtable: dispatch between slicing and sessions on the state's first field.
 * ---------------------------------------------------------------------------------------- */
static int window_agg_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in,
                              wr_error *err)
{
    if (*(int *)state == WR_WINDOW_SESSION) return wr_session_agg_process(state, ctx, in, err);
    return slicing_process(state, ctx, in, err);
}

static int window_agg_watermark(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err)
{
    int rc;
    if (*(int *)state == WR_WINDOW_SESSION)
        rc = wr_session_agg_fire(state, ctx, wm, err);
    else
        rc = slicing_fire(state, ctx, wr_window_fire_limit(wm), err);
    if (rc) return rc;
    /* Results caused by wm precede wm downstream. */
    return wr_op_emit_watermark(ctx, wm);
}

static int window_agg_finish(void *state, wr_op_ctx *ctx, wr_error *err)
{
    /* The final WR_WATERMARK_MAX has fired everything already; this is a safety net. */
    if (*(int *)state == WR_WINDOW_SESSION)
        return wr_session_agg_fire(state, ctx, WR_WATERMARK_MAX, err);
    return slicing_fire(state, ctx, INT64_MAX, err);
}

static void window_agg_close(void *state)
{
    if (!state) return;
    if (*(int *)state == WR_WINDOW_SESSION)
        wr_session_agg_close(state);
    else
        slicing_close(state);
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints (TUMBLE, HOP, CUMULATE). Keyed records of table "window.acc": namespace = the
 * slice end, key = the encoded group key, value = the key's hash (u64, little-endian; it
 * gives the key group and the table slot) followed by the accumulator (wr_agg_encode). One
 * operator record "window.done" per instance: i64 little-endian, every window with end <=
 * it has fired (all instances see the same watermarks, so a restore takes the largest).
 * The slices are the state; the watermark comes back from the sources after a restore and
 * fires what is due.
 * ---------------------------------------------------------------------------------------- */
static int slicing_snapshot(wagg *s, wr_op_ctx *ctx, wr_snap_writer *w, wr_error *err)
{
    uint32_t max_par = wr_op_max_parallelism(ctx);
    wr_buf val;
    wr_buf_init(&val);
    int rc = WR_OK;
    for (uint32_t i = 0; i < s->nslices && rc == WR_OK; i++) {
        const wslice *sl = s->slices[i];
        for (uint32_t j = 0; j < sl->tab.n && rc == WR_OK; j++) {
            const wtab_ent *e = wr_wtab_ent(&sl->tab, j);
            uint8_t h[8];
            wr_le_put(h, e->hash, 8);
            wr_buf_clear(&val);
            if (wr_buf_append(&val, h, 8) ||
                wr_agg_encode(s->layout, wr_wtab_payload(&sl->tab, j), &val)) {
                rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
                break;
            }
            rc = wr_snap_put(w, "window.acc", wr_keygroup_of(e->hash, max_par), sl->end,
                             wr_wtab_key(&sl->tab, e), e->key_len, val.ptr, (uint32_t)val.len, err);
        }
    }
    wr_buf_free(&val);
    if (rc != WR_OK) return rc;
    uint8_t d[8];
    wr_le_put(d, (uint64_t)s->done, 8);
    return wr_snap_put_op(w, "window.done", d, sizeof d, err);
}

static int slicing_restore(wagg *s, wr_snap_reader *r, wr_error *err)
{
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next_op(r, "window.done", &rec, err)) == 1) {
        if (rec.vlen != 8)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: bad window progress record", s->name);
        uint64_t d = wr_le_get(rec.val, 8);
        if ((int64_t)d > s->done) s->done = (int64_t)d;
    }
    if (rc < 0) return rc;
    while ((rc = wr_snap_next(r, "window.acc", &rec, err)) == 1) {
        if (rec.vlen < 8)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL, "%s: bad window state record",
                                s->name);
        uint64_t h = wr_le_get(rec.val, 8);
        wslice *sl = slice_get(s, rec.ns);
        bool ins = false;
        int64_t e = sl ? wr_wtab_upsert(&sl->tab, h, rec.key, rec.klen, &ins) : -1;
        if (e < 0)
            return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", s->name);
        if (!ins)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: a key appears twice in one window slice of the checkpoint",
                                s->name);
        rc = wr_agg_decode(s->layout, rec.val + 8, rec.vlen - 8,
                           wr_wtab_payload(&sl->tab, (uint32_t)e), s->mem, err);
        if (rc != WR_OK) return rc;
    }
    return rc < 0 ? rc : WR_OK;
}

static int window_agg_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w,
                               wr_error *err)
{
    if (*(int *)state == WR_WINDOW_SESSION)
        return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                            "%s: checkpointing SESSION windows is not supported yet",
                            wr_op_name(ctx));
    return slicing_snapshot(state, ctx, w, err);
}

static int window_agg_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    if (*(int *)state == WR_WINDOW_SESSION)
        return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                            "%s: restoring SESSION windows is not supported yet", wr_op_name(ctx));
    return slicing_restore(state, r, err);
}

const wr_op_vt wr_window_agg_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "window_agg",
    .description = "window aggregation (TUMBLE/HOP/CUMULATE on slices, SESSION merging)",
    .open = window_agg_open,
    .process = window_agg_process,
    .on_watermark = window_agg_watermark,
    .on_timer = NULL,
    .finish = window_agg_finish,
    .close = window_agg_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = window_agg_snapshot,
    .restore = window_agg_restore,
};

/* SESSION windows through the same code; their checkpoint hooks are in op_session.c (the
 * planner gives every SESSION aggregation this vtable, so its state is always a session's). */
const wr_op_vt wr_session_window_agg_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "session_window_agg",
    .description = "SESSION window aggregation (merging sessions per key)",
    .open = window_agg_open,
    .process = window_agg_process,
    .on_watermark = window_agg_watermark,
    .finish = window_agg_finish,
    .close = window_agg_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = wr_session_agg_snapshot,
    .restore = wr_session_agg_restore,
};
