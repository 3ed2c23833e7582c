/* op_window_common.c - the machinery the window aggregation operators share: the window
 * aggregation config (allocation, validation, output schema), the group-key codec that turns
 * the key columns of a batch into comparable byte strings, the open-addressing key table that
 * holds one accumulator record per key, and the writer that sorts fired (window, key) rows
 * and turns them into result batches. Everything here works on whole batches or whole
 * windows; the per-row loops are plain loops over arrays, with no calls through pointers. */
#include "operators/op_window_internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------------------------- */
int wr_window_grow(void **p, uint32_t *cap, uint32_t need, size_t sz, wr_mem_owner *mem)
{
    if (need <= *cap) return WR_OK;
    uint64_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    if (ncap > UINT32_MAX) return WR_ELIMIT;
    void *np = wr_realloc_owned(mem, *p, (size_t)ncap * sz);
    if (!np) return WR_ENOMEM;
    *p = np;
    *cap = (uint32_t)ncap;
    return WR_OK;
}

int wr_window_check_input(const wr_batch *b, uint32_t rowtime_col, const char *opname,
                          wr_error *err)
{
    uint32_t n = b->len;
    const uint8_t *rk = b->rowkind;
    for (uint32_t i = 0; i < n; i++) {
        if (WR_UNLIKELY(rk[i] != WR_RK_INSERT))
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "%s: window aggregation does not support consuming update and "
                                "delete changes (got a %s row); its input must be append-only",
                                opname, wr_rowkind_str((wr_rowkind)rk[i]));
    }
    const uint64_t *valid = b->cols[rowtime_col].validity;
    uint32_t full = n / 64;
    bool ok = true;
    for (uint32_t w = 0; w < full; w++)
        ok &= valid[w] == ~0ull;
    if (n % 64) {
        uint64_t mask = (1ull << (n % 64)) - 1;
        ok &= (valid[full] & mask) == mask;
    }
    if (WR_UNLIKELY(!ok))
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                            "%s: RowTime field should not be null, please convert it to a "
                            "non-null long value",
                            opname);
    return WR_OK;
}

void wr_window_stats_publish(wr_window_stats *s, wstats_pub *last, int64_t windows, int64_t entries,
                             int64_t bytes)
{
    if (!s) return;
    atomic_fetch_add_explicit(&s->windows, windows - last->windows, memory_order_relaxed);
    int64_t now =
        atomic_fetch_add_explicit(&s->entries, entries - last->entries, memory_order_relaxed) +
        (entries - last->entries);
    atomic_fetch_add_explicit(&s->state_bytes, bytes - last->bytes, memory_order_relaxed);
    int64_t peak = atomic_load_explicit(&s->peak_entries, memory_order_relaxed);
    while (now > peak &&
           !atomic_compare_exchange_weak_explicit(&s->peak_entries, &peak, now,
                                                  memory_order_relaxed, memory_order_relaxed)) {
    }
    last->windows = windows;
    last->entries = entries;
    last->bytes = bytes;
}

void wr_window_stats_fired(wr_window_stats *s, wstats_pub *last, uint64_t fired)
{
    if (!s) return;
    atomic_fetch_add_explicit(&s->fired, fired - last->fired, memory_order_relaxed);
    last->fired = fired;
}

/* ------------------------------------------------------------------------------------------
 * Config
 * ---------------------------------------------------------------------------------------- */
wr_window_agg_config *wr_window_agg_config_new(uint32_t nkeys, uint32_t naggs, uint32_t nouts)
{
    size_t head = (sizeof(wr_window_agg_config) + 15) & ~(size_t)15;
    size_t keys = ((size_t)nkeys * sizeof(uint32_t) + 15) & ~(size_t)15;
    size_t aggs = ((size_t)naggs * sizeof(wr_agg_spec) + 15) & ~(size_t)15;
    size_t outs = (size_t)nouts * sizeof(wr_window_col);
    uint8_t *p = wr_calloc(1, head + keys + aggs + outs + 1);
    if (!p) return NULL;
    wr_window_agg_config *c = (wr_window_agg_config *)p;
    c->nkeys = nkeys;
    c->naggs = naggs;
    c->nouts = nouts;
    c->keys = (uint32_t *)(p + head);
    c->aggs = (wr_agg_spec *)(p + head + keys);
    c->outs = (wr_window_col *)(p + head + keys + aggs);
    for (uint32_t j = 0; j < naggs; j++) {
        c->aggs[j].arg = -1;
        c->aggs[j].filter = -1;
    }
    return c;
}

void wr_window_agg_config_free(void *cfg)
{
    wr_free(cfg);
}

static bool is_event_time_type(const wr_type *t)
{
    return t->id == WR_TYPE_TIMESTAMP || t->id == WR_TYPE_TIMESTAMP_LTZ;
}

int wr_window_agg_check(const wr_window_agg_config *c, const wr_schema *in, wr_error *err)
{
    int rc = wr_window_spec_check(&c->window, err);
    if (rc) return rc;
    if (c->rowtime_col >= in->ncols)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "window aggregation: rowtime column %u out of range (input has %u "
                            "columns)",
                            c->rowtime_col, in->ncols);
    const wr_type *rt = &in->cols[c->rowtime_col].type;
    if (!is_event_time_type(rt))
        return wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                            "window aggregation: the time column '%s' must be TIMESTAMP or "
                            "TIMESTAMP_LTZ, not %s",
                            in->cols[c->rowtime_col].name ? in->cols[c->rowtime_col].name : "?",
                            wr_type_id_name((wr_type_id)rt->id));
    for (uint32_t k = 0; k < c->nkeys; k++) {
        if (c->keys[k] >= in->ncols)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "window aggregation: key column %u out of range", c->keys[k]);
        wr_phys ph = wr_type_phys(&in->cols[c->keys[k]].type);
        if (ph == WR_PHYS_NESTED)
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "window aggregation: grouping by a %s column is not supported",
                                wr_type_id_name((wr_type_id)in->cols[c->keys[k]].type.id));
    }
    for (uint32_t j = 0; j < c->naggs; j++) {
        const wr_agg_spec *a = &c->aggs[j];
        if ((a->arg >= 0 && (uint32_t)a->arg >= in->ncols) ||
            (a->filter >= 0 && (uint32_t)a->filter >= in->ncols))
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "window aggregation: aggregate %u refers to a column out of "
                                "range",
                                j);
        if (a->retract)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "window aggregation: aggregate %u is declared retractable; "
                                "window aggregation input is append-only",
                                j);
    }
    if (c->nouts == 0)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "window aggregation: no output columns");
    for (uint32_t i = 0; i < c->nouts; i++) {
        const wr_window_col *o = &c->outs[i];
        bool bad = (o->kind == WR_WCOL_KEY && o->index >= c->nkeys) ||
                   (o->kind == WR_WCOL_AGG && o->index >= c->naggs) || o->kind > WR_WCOL_AGG;
        if (bad)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "window aggregation: output column %u maps to a key or "
                                "aggregate that does not exist",
                                i);
    }
    if (c->naggs) {
        wr_agg_layout *l = wr_agg_layout_new(c->aggs, c->naggs, err);
        if (!l) return err && err->code ? err->code : WR_ENOMEM;
        wr_agg_layout_free(l);
    }
    return WR_OK;
}

static wr_type window_ts_type(bool rowtime, bool ltz)
{
    wr_type t = ltz && rowtime ? wr_type_timestamp_ltz(3) : wr_type_timestamp(3);
    t = wr_type_not_null(t);
    if (rowtime) t.time_attr = WR_TIME_ATTR_ROWTIME;
    return t;
}

int wr_window_agg_schema(const wr_window_agg_config *c, const wr_schema *in,
                         const char *const *names, wr_schema **out, wr_error *err)
{
    *out = NULL;
    int rc = wr_window_agg_check(c, in, err);
    if (rc) return rc;
    wr_agg_layout *l = NULL;
    if (c->naggs && !(l = wr_agg_layout_new(c->aggs, c->naggs, err)))
        return err && err->code ? err->code : WR_ENOMEM;
    wr_schema *s = wr_schema_new(c->nouts);
    if (!s) {
        wr_agg_layout_free(l);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    bool ltz = in->cols[c->rowtime_col].type.id == WR_TYPE_TIMESTAMP_LTZ;
    for (uint32_t i = 0; i < c->nouts && rc == WR_OK; i++) {
        const wr_window_col *o = &c->outs[i];
        char buf[32];
        const char *name = names ? names[i] : NULL;
        wr_type t;
        switch (o->kind) {
        case WR_WCOL_KEY:
            t = in->cols[c->keys[o->index]].type;
            t.time_attr = WR_TIME_ATTR_NONE;
            if (!name) name = in->cols[c->keys[o->index]].name;
            break;
        case WR_WCOL_WINDOW_START:
            t = window_ts_type(false, ltz);
            if (!name) name = "window_start";
            break;
        case WR_WCOL_WINDOW_END:
            t = window_ts_type(false, ltz);
            if (!name) name = "window_end";
            break;
        case WR_WCOL_WINDOW_TIME:
            t = window_ts_type(true, ltz);
            if (!name) name = "window_time";
            break;
        default:
            t = l->slots[o->index].spec.result_type;
            if (!name) name = c->aggs[o->index].name;
            if (!name) {
                snprintf(buf, sizeof(buf), "EXPR$%u", o->index);
                name = buf;
            }
            break;
        }
        rc = wr_schema_set(s, i, name ? name : "?", t);
        if (rc) wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "window aggregation: output schema");
    }
    wr_agg_layout_free(l);
    if (rc) {
        wr_schema_free(s);
        return rc;
    }
    *out = s;
    return WR_OK;
}

int wr_window_session_keys_check(const uint32_t *partition, uint32_t npartition,
                                 const uint32_t *keys, uint32_t nkeys, const wr_schema *in,
                                 wr_error *err)
{
    bool same = npartition == nkeys;
    for (uint32_t i = 0; same && i < npartition; i++) {
        bool found = false;
        for (uint32_t k = 0; k < nkeys; k++)
            found |= keys[k] == partition[i];
        same = found;
    }
    if (same) return WR_OK;
    wr_buf pk, gk;
    wr_buf_init(&pk);
    wr_buf_init(&gk);
    for (uint32_t i = 0; i < npartition; i++)
        wr_buf_printf(&pk, "%s%s", i ? ", " : "",
                      partition[i] < in->ncols && in->cols[partition[i]].name
                          ? in->cols[partition[i]].name
                          : "?");
    for (uint32_t k = 0; k < nkeys; k++)
        wr_buf_printf(&gk, "%s, ",
                      keys[k] < in->ncols && in->cols[keys[k]].name ? in->cols[keys[k]].name : "?");
    wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                 "Group keys of Window Aggregate should contain and only contain window_start, "
                 "window_end and partition keys of session window.\nSession partition keys are "
                 "[%s].\nWindow Aggregate group keys are [%swindow_start, window_end].",
                 pk.ptr ? pk.ptr : "", gk.ptr ? gk.ptr : "");
    wr_buf_free(&pk);
    wr_buf_free(&gk);
    return WR_ECONFIG;
}

/* ------------------------------------------------------------------------------------------
 * Key codec
 * ---------------------------------------------------------------------------------------- */
int wr_wkey_codec_init(wkey_codec *k, const uint32_t *cols, uint32_t n, const wr_schema *in,
                       wr_mem_owner *mem, wr_error *err)
{
    memset(k, 0, sizeof(*k));
    k->mem = mem;
    k->nkeys = n;
    k->cols = wr_malloc_owned(mem, (size_t)n * sizeof(uint32_t) + 1);
    k->phys = wr_malloc_owned(mem, (size_t)n + 1);
    k->width = wr_malloc_owned(mem, (size_t)n + 1);
    if (!k->cols || !k->phys || !k->width) {
        wr_wkey_codec_free(k);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    uint32_t fixed = 0;
    for (uint32_t i = 0; i < n; i++) {
        wr_phys ph = wr_type_phys(&in->cols[cols[i]].type);
        k->cols[i] = cols[i];
        k->phys[i] = (uint8_t)ph;
        if (ph == WR_PHYS_NESTED) {
            wr_wkey_codec_free(k);
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "window aggregation: grouping by nested types is not supported");
        }
        if (ph == WR_PHYS_STR) {
            k->width[i] = 0;
            k->has_str = true;
            fixed += 1 + 4;
        } else {
            k->width[i] = (uint8_t)wr_phys_width(ph);
            fixed += 1 + k->width[i];
        }
    }
    k->fixed = fixed;
    return WR_OK;
}

void wr_wkey_codec_free(wkey_codec *k)
{
    wr_free(k->cols);
    wr_free(k->phys);
    wr_free(k->width);
    memset(k, 0, sizeof(*k));
}

void wr_wkey_batch_free(wkey_batch *kb)
{
    wr_free(kb->buf);
    wr_free(kb->off);
    wr_free(kb->cur);
    memset(kb, 0, sizeof(*kb));
}

/* Copy `w` bytes of row i's value (or zeros for NULL) behind its tag byte. The width is a
 * constant in each instantiation so the copy compiles to a move. */
#define WKEY_ENCODE_FIXED(W)                                                                       \
    do {                                                                                           \
        for (uint32_t i = 0; i < n; i++) {                                                         \
            uint8_t *p = base + pos(i);                                                            \
            bool ok = wr_vec_valid(v, i);                                                          \
            p[0] = ok;                                                                             \
            if (ok)                                                                                \
                memcpy(p + 1, src + (size_t)i * (W), (W));                                         \
            else                                                                                   \
                memset(p + 1, 0, (W));                                                             \
            advance(i, 1 + (W));                                                                   \
        }                                                                                          \
    } while (0)

int wr_wkey_encode(const wkey_codec *k, const wr_batch *b, wkey_batch *kb, wr_error *err)
{
    uint32_t n = b->len;
    kb->mem = k->mem;
    if (n + 1 > kb->cap) {
        uint32_t ncap = kb->cap ? kb->cap : 64;
        while (ncap < n + 1)
            ncap *= 2;
        uint32_t *off = wr_realloc_owned(k->mem, kb->off, (size_t)ncap * sizeof(uint32_t));
        if (!off) goto nomem;
        kb->off = off;
        uint32_t *cur = wr_realloc_owned(k->mem, kb->cur, (size_t)ncap * sizeof(uint32_t));
        if (!cur) goto nomem;
        kb->cur = cur;
        kb->cap = ncap;
    }
    uint64_t total;
    if (!k->has_str) {
        total = (uint64_t)n * k->fixed;
        for (uint32_t i = 0; i <= n; i++)
            kb->off[i] = i * k->fixed;
    } else {
        /* Row lengths: the fixed part plus every present string's bytes. */
        for (uint32_t i = 0; i < n; i++)
            kb->cur[i] = k->fixed;
        for (uint32_t c = 0; c < k->nkeys; c++) {
            if (k->phys[c] != WR_PHYS_STR) continue;
            const wr_vec *v = &b->cols[k->cols[c]];
            const wr_strv *s = WR_VEC_STR(v);
            for (uint32_t i = 0; i < n; i++)
                kb->cur[i] += wr_vec_valid(v, i) ? s[i].len : 0;
        }
        total = 0;
        for (uint32_t i = 0; i < n; i++) {
            kb->off[i] = (uint32_t)total;
            total += kb->cur[i];
            if (total > UINT32_MAX)
                return wr_error_set(err, WR_ELIMIT, WR_DOMAIN_USER,
                                    "window aggregation: group keys of one batch exceed 4 GiB");
        }
        kb->off[n] = (uint32_t)total;
        for (uint32_t i = 0; i < n; i++)
            kb->cur[i] = kb->off[i];
    }
    if (total + 1 > kb->buf_cap) {
        size_t ncap = kb->buf_cap ? kb->buf_cap : 4096;
        while (ncap < total + 1)
            ncap *= 2;
        uint8_t *nb = wr_realloc_owned(k->mem, kb->buf, ncap);
        if (!nb) goto nomem;
        kb->buf = nb;
        kb->buf_cap = ncap;
    }
    uint8_t *base = kb->buf;
    if (!k->has_str) {
        /* Fixed stride: column c of row i sits at i * fixed + colpos. */
        uint32_t colpos = 0;
        uint32_t stride = k->fixed;
#define pos(i)        ((size_t)(i)*stride + colpos)
#define advance(i, w) ((void)0)
        for (uint32_t c = 0; c < k->nkeys; c++) {
            const wr_vec *v = &b->cols[k->cols[c]];
            const uint8_t *src = v->data;
            switch (k->width[c]) {
            case 0:
                for (uint32_t i = 0; i < n; i++)
                    base[pos(i)] = 0;
                break;
            case 1:
                WKEY_ENCODE_FIXED(1);
                break;
            case 2:
                WKEY_ENCODE_FIXED(2);
                break;
            case 4:
                WKEY_ENCODE_FIXED(4);
                break;
            case 8:
                WKEY_ENCODE_FIXED(8);
                break;
            case 16:
                WKEY_ENCODE_FIXED(16);
                break;
            default:
                WR_ASSERT(!"unexpected key width");
            }
            colpos += 1 + k->width[c];
        }
#undef pos
#undef advance
    } else {
        uint32_t *cur = kb->cur;
#define pos(i)        (cur[i])
#define advance(i, w) (cur[i] += (w))
        for (uint32_t c = 0; c < k->nkeys; c++) {
            const wr_vec *v = &b->cols[k->cols[c]];
            const uint8_t *src = v->data;
            switch (k->phys[c]) {
            case WR_PHYS_STR: {
                const wr_strv *s = WR_VEC_STR(v);
                for (uint32_t i = 0; i < n; i++) {
                    uint8_t *p = base + cur[i];
                    bool ok = wr_vec_valid(v, i);
                    uint32_t len = ok ? s[i].len : 0;
                    p[0] = ok;
                    memcpy(p + 1, &len, 4);
                    if (len) memcpy(p + 5, s[i].ptr, len);
                    cur[i] += 5 + len;
                }
                break;
            }
            default:
                switch (k->width[c]) {
                case 0:
                    for (uint32_t i = 0; i < n; i++)
                        base[cur[i]++] = 0;
                    break;
                case 1:
                    WKEY_ENCODE_FIXED(1);
                    break;
                case 2:
                    WKEY_ENCODE_FIXED(2);
                    break;
                case 4:
                    WKEY_ENCODE_FIXED(4);
                    break;
                case 8:
                    WKEY_ENCODE_FIXED(8);
                    break;
                case 16:
                    WKEY_ENCODE_FIXED(16);
                    break;
                default:
                    WR_ASSERT(!"unexpected key width");
                }
            }
        }
#undef pos
#undef advance
    }
    return WR_OK;
nomem:
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
}

#define CMP3(x, y) (((x) > (y)) - ((x) < (y)))

/* IEEE bits mapped so that unsigned order is the total order of the values. */
static inline uint32_t f32_order(const uint8_t *p)
{
    uint32_t u;
    memcpy(&u, p, 4);
    return (u & 0x80000000u) ? ~u : u | 0x80000000u;
}

static inline uint64_t f64_order(const uint8_t *p)
{
    uint64_t u;
    memcpy(&u, p, 8);
    return (u >> 63) ? ~u : u | (1ull << 63);
}

uint64_t wr_wkey_prefix(const wkey_codec *k, const uint8_t *key)
{
    /* NULL maps to 0, which no value is below; a value that also maps to 0 ties with it and
     * the full comparison decides. */
    if (k->nkeys == 0 || key[0] == 0) return 0;
    const uint8_t *p = key + 1;
    const uint64_t sign = 1ull << 63;
    switch (k->phys[0]) {
    case WR_PHYS_U8:
        return p[0];
    case WR_PHYS_I8:
        return (uint64_t)(int64_t)(int8_t)p[0] ^ sign;
    case WR_PHYS_I16: {
        int16_t x;
        memcpy(&x, p, 2);
        return (uint64_t)(int64_t)x ^ sign;
    }
    case WR_PHYS_I32: {
        int32_t x;
        memcpy(&x, p, 4);
        return (uint64_t)(int64_t)x ^ sign;
    }
    case WR_PHYS_I64: {
        int64_t x;
        memcpy(&x, p, 8);
        return (uint64_t)x ^ sign;
    }
    case WR_PHYS_F32:
        return f32_order(p);
    case WR_PHYS_F64:
        return f64_order(p);
    case WR_PHYS_I128: {
        wr_i128 x;
        memcpy(&x, p, 16);
        return (uint64_t)(int64_t)(x >> 64) ^ sign;
    }
    case WR_PHYS_STR: {
        uint32_t len;
        memcpy(&len, p, 4);
        uint64_t v = 0;
        for (uint32_t i = 0; i < 8; i++)
            v = (v << 8) | (i < len ? p[4 + i] : 0);
        return v;
    }
    default:
        return 0;
    }
}

int wr_wkey_cmp(const wkey_codec *k, const uint8_t *a, const uint8_t *b)
{
    for (uint32_t c = 0; c < k->nkeys; c++) {
        uint8_t ta = *a++, tb = *b++;
        if (ta != tb) return ta < tb ? -1 : 1;
        int r = 0;
        switch (k->phys[c]) {
        case WR_PHYS_NONE:
            break;
        case WR_PHYS_U8:
            r = CMP3(a[0], b[0]);
            break;
        case WR_PHYS_I8:
            r = CMP3((int8_t)a[0], (int8_t)b[0]);
            break;
        case WR_PHYS_I16: {
            int16_t x, y;
            memcpy(&x, a, 2);
            memcpy(&y, b, 2);
            r = CMP3(x, y);
            break;
        }
        case WR_PHYS_I32: {
            int32_t x, y;
            memcpy(&x, a, 4);
            memcpy(&y, b, 4);
            r = CMP3(x, y);
            break;
        }
        case WR_PHYS_I64: {
            int64_t x, y;
            memcpy(&x, a, 8);
            memcpy(&y, b, 8);
            r = CMP3(x, y);
            break;
        }
        case WR_PHYS_F32: {
            uint32_t x = f32_order(a), y = f32_order(b);
            r = CMP3(x, y);
            break;
        }
        case WR_PHYS_F64: {
            uint64_t x = f64_order(a), y = f64_order(b);
            r = CMP3(x, y);
            break;
        }
        case WR_PHYS_I128: {
            wr_i128 x, y;
            memcpy(&x, a, 16);
            memcpy(&y, b, 16);
            r = CMP3(x, y);
            break;
        }
        case WR_PHYS_STR: {
            uint32_t la, lb;
            memcpy(&la, a, 4);
            memcpy(&lb, b, 4);
            r = memcmp(a + 4, b + 4, WR_MIN(la, lb));
            if (!r) r = CMP3(la, lb);
            a += 4 + la;
            b += 4 + lb;
            break;
        }
        default:
            break;
        }
        if (r) return r;
        a += k->width[c];
        b += k->width[c];
    }
    return 0;
}

int wr_wkey_decode_col(const wkey_codec *k, uint32_t key, const uint8_t *const *keys, uint32_t *pos,
                       uint32_t n, wr_batch *out, int32_t col, uint32_t row0)
{
    uint32_t w = k->width[key];
    if (k->phys[key] == WR_PHYS_STR) {
        wr_vec *v = col >= 0 ? &out->cols[col] : NULL;
        for (uint32_t r = 0; r < n; r++) {
            const uint8_t *p = keys[r] + pos[r];
            uint32_t len;
            memcpy(&len, p + 1, 4);
            if (v) {
                wr_vec_set_valid(v, row0 + r, p[0] != 0);
                wr_strv sv = wr_strv_make("", 0);
                if (p[0] && len && wr_batch_copy_str(out, (const char *)p + 5, len, &sv))
                    return WR_ENOMEM;
                WR_VEC_STR(v)[row0 + r] = sv;
            }
            pos[r] += 5 + len;
        }
        return WR_OK;
    }
    if (col >= 0) {
        wr_vec *v = &out->cols[col];
        uint8_t *dst = v->data;
        for (uint32_t r = 0; r < n; r++) {
            const uint8_t *p = keys[r] + pos[r];
            wr_vec_set_valid(v, row0 + r, p[0] != 0);
            if (w) memcpy(dst + (size_t)(row0 + r) * w, p + 1, w);
        }
    }
    for (uint32_t r = 0; r < n; r++)
        pos[r] += 1 + w;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Key table
 * ---------------------------------------------------------------------------------------- */
void wr_wtab_init(wtab *t, uint32_t payload, wr_mem_owner *mem)
{
    memset(t, 0, sizeof(*t));
    t->stride = WTAB_HDR + ((payload + 15) & ~15u);
    t->mem = mem;
}

void wr_wtab_free(wtab *t)
{
    wr_free(t->slots);
    wr_free(t->ents);
    wr_free(t->keys);
    uint32_t stride = t->stride;
    wr_mem_owner *mem = t->mem;
    memset(t, 0, sizeof(*t));
    t->stride = stride;
    t->mem = mem;
}

static int wtab_rehash(wtab *t, uint32_t nslots)
{
    uint32_t *s = wr_calloc_owned(t->mem, nslots, sizeof(uint32_t));
    if (!s) return WR_ENOMEM;
    uint32_t mask = nslots - 1;
    for (uint32_t i = 0; i < t->n; i++) {
        uint32_t h = (uint32_t)wr_wtab_ent(t, i)->hash & mask;
        while (s[h])
            h = (h + 1) & mask;
        s[h] = i + 1;
    }
    wr_free(t->slots);
    t->slots = s;
    t->mask = mask;
    return WR_OK;
}

static int wtab_ents_reserve(wtab *t, uint32_t need)
{
    if (need <= t->ents_cap) return WR_OK;
    uint64_t ncap = t->ents_cap ? (uint64_t)t->ents_cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    if (ncap > (1u << 31)) return WR_ELIMIT;
    uint8_t *e = wr_realloc_owned(t->mem, t->ents, (size_t)ncap * t->stride);
    if (!e) return WR_ENOMEM;
    t->ents = e;
    t->ents_cap = (uint32_t)ncap;
    return WR_OK;
}

int wr_wtab_reserve(wtab *t, uint32_t n)
{
    if (n == 0) return WR_OK;
    int rc = wtab_ents_reserve(t, n);
    if (rc) return rc;
    uint64_t want = wr_next_pow2((uint64_t)n * 2);
    if (want < 16) want = 16;
    if (want > (1u << 31)) return WR_ELIMIT;
    if (!t->slots || want > (uint64_t)t->mask + 1) return wtab_rehash(t, (uint32_t)want);
    return WR_OK;
}

int64_t wr_wtab_upsert(wtab *t, uint64_t hash, const uint8_t *key, uint32_t len, bool *inserted)
{
    /* Keep the load factor at or under 1/2: slots are 4 bytes, probes stay short. */
    if (WR_UNLIKELY(!t->slots || (uint64_t)(t->n + 1) * 2 > (uint64_t)t->mask + 1)) {
        uint64_t ns = t->slots ? ((uint64_t)t->mask + 1) * 2 : 16;
        if (ns > (1u << 31) || wtab_rehash(t, (uint32_t)ns)) return -1;
    }
    uint32_t s = (uint32_t)hash & t->mask;
    for (;;) {
        uint32_t v = t->slots[s];
        if (!v) break;
        const wtab_ent *e = wr_wtab_ent(t, v - 1);
        if (e->hash == hash && e->key_len == len && wr_bytes_eq(t->keys + e->key_off, key, len)) {
            *inserted = false;
            return (int64_t)(v - 1);
        }
        s = (s + 1) & t->mask;
    }
    if (wtab_ents_reserve(t, t->n + 1)) return -1;
    if (t->keys_len + len > t->keys_cap) {
        size_t ncap = t->keys_cap ? t->keys_cap * 2 : 1024;
        while (ncap < t->keys_len + len)
            ncap *= 2;
        if (ncap > UINT32_MAX) return -1;
        uint8_t *nk = wr_realloc_owned(t->mem, t->keys, ncap);
        if (!nk) return -1;
        t->keys = nk;
        t->keys_cap = ncap;
    }
    if (len) memcpy(t->keys + t->keys_len, key, len);
    uint32_t i = t->n++;
    uint8_t *ep = t->ents + (size_t)i * t->stride;
    memset(ep, 0, t->stride);
    wtab_ent *e = (wtab_ent *)ep;
    e->hash = hash;
    e->key_off = (uint32_t)t->keys_len;
    e->key_len = len;
    t->keys_len += len;
    t->slots[s] = i + 1;
    *inserted = true;
    return i;
}

static uint32_t wtab_slot_of(const wtab *t, uint32_t i)
{
    uint32_t s = (uint32_t)wr_wtab_ent(t, i)->hash & t->mask;
    while (t->slots[s] != i + 1)
        s = (s + 1) & t->mask;
    return s;
}

/* Rewrite the key store with only the keys still referenced. */
static void wtab_compact_keys(wtab *t)
{
    size_t live = t->keys_len - t->keys_dead;
    uint8_t *nk = wr_malloc_owned(t->mem, live + 1);
    if (!nk) return; /* keep the garbage; compaction is only an optimisation */
    size_t at = 0;
    for (uint32_t i = 0; i < t->n; i++) {
        wtab_ent *e = wr_wtab_ent(t, i);
        if (e->key_len) memcpy(nk + at, t->keys + e->key_off, e->key_len);
        e->key_off = (uint32_t)at;
        at += e->key_len;
    }
    wr_free(t->keys);
    t->keys = nk;
    t->keys_cap = live + 1;
    t->keys_len = at;
    t->keys_dead = 0;
}

void wr_wtab_remove(wtab *t, uint32_t i)
{
    WR_ASSERT(i < t->n);
    uint32_t mask = t->mask;
    /* Backward-shift deletion keeps every probe chain unbroken. */
    uint32_t hole = wtab_slot_of(t, i);
    uint32_t j = hole;
    for (;;) {
        j = (j + 1) & mask;
        uint32_t v = t->slots[j];
        if (!v) break;
        uint32_t home = (uint32_t)wr_wtab_ent(t, v - 1)->hash & mask;
        bool movable = (j > hole) ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            t->slots[hole] = v;
            hole = j;
        }
    }
    t->slots[hole] = 0;
    t->keys_dead += wr_wtab_ent(t, i)->key_len;
    uint32_t last = t->n - 1;
    if (i != last) {
        t->slots[wtab_slot_of(t, last)] = i + 1;
        memcpy(t->ents + (size_t)i * t->stride, t->ents + (size_t)last * t->stride, t->stride);
    }
    t->n--;
    if (t->n == 0) {
        wr_wtab_free(t);
        return;
    }
    if (t->keys_dead > 4096 && t->keys_dead * 2 > t->keys_len) wtab_compact_keys(t);
}

void wr_wtab_clear(wtab *t)
{
    if (t->slots) memset(t->slots, 0, ((size_t)t->mask + 1) * sizeof(uint32_t));
    t->n = 0;
    t->keys_len = 0;
    t->keys_dead = 0;
}

int wr_wtab_copy(wtab *dst, const wtab *src)
{
    WR_ASSERT(dst->stride == src->stride);
    wr_wtab_clear(dst);
    if (src->n == 0) return WR_OK;
    uint32_t nslots = src->mask + 1;
    if (!dst->slots || dst->mask != src->mask) {
        uint32_t *sl = wr_malloc_owned(dst->mem, (size_t)nslots * sizeof(uint32_t));
        if (!sl) return WR_ENOMEM;
        wr_free(dst->slots);
        dst->slots = sl;
        dst->mask = src->mask;
    }
    if (wtab_ents_reserve(dst, src->n)) return WR_ENOMEM;
    if (dst->keys_cap < src->keys_len) {
        uint8_t *k = wr_malloc_owned(dst->mem, src->keys_len);
        if (!k) return WR_ENOMEM;
        wr_free(dst->keys);
        dst->keys = k;
        dst->keys_cap = src->keys_len;
    }
    memcpy(dst->slots, src->slots, (size_t)nslots * sizeof(uint32_t));
    memcpy(dst->ents, src->ents, (size_t)src->n * src->stride);
    if (src->keys_len) memcpy(dst->keys, src->keys, src->keys_len);
    dst->n = src->n;
    dst->keys_len = src->keys_len;
    dst->keys_dead = src->keys_dead;
    return WR_OK;
}

size_t wr_wtab_bytes(const wtab *t)
{
    size_t b = (size_t)t->ents_cap * t->stride + t->keys_cap;
    if (t->slots) b += ((size_t)t->mask + 1) * sizeof(uint32_t);
    return b;
}

/* ------------------------------------------------------------------------------------------
 * Result writer
 * ---------------------------------------------------------------------------------------- */
int wr_wout_init(wout *o, const wr_window_agg_config *cfg, const wkey_codec *codec,
                 const wr_agg_layout *layout, const wr_schema *out, uint32_t batch_rows,
                 wr_mem_owner *mem, wr_error *err)
{
    memset(o, 0, sizeof(*o));
    o->cfg = cfg;
    o->codec = codec;
    o->layout = layout;
    o->out_schema = out;
    o->batch_rows = batch_rows ? batch_rows : WR_BATCH_DEFAULT_ROWS;
    o->mem = mem;
    o->agg_col0 = -1;
    o->key_col = wr_malloc_owned(mem, (size_t)cfg->nkeys * sizeof(int32_t) + 1);
    if (!o->key_col) goto nomem;
    for (uint32_t k = 0; k < cfg->nkeys; k++)
        o->key_col[k] = -1;
    uint32_t nagg_cols = 0;
    for (uint32_t i = 0; i < cfg->nouts; i++) {
        const wr_window_col *c = &cfg->outs[i];
        if (c->kind == WR_WCOL_KEY && o->key_col[c->index] < 0) o->key_col[c->index] = (int32_t)i;
        if (c->kind == WR_WCOL_AGG) nagg_cols++;
    }
    /* Aggregates are written straight into the result batch when they occupy consecutive
     * columns in their own order (the usual SELECT keys, window, aggs); otherwise into a
     * side batch from which the columns are copied. */
    if (cfg->naggs && nagg_cols == cfg->naggs) {
        for (uint32_t i = 0; i + cfg->naggs <= cfg->nouts; i++) {
            bool run = true;
            for (uint32_t j = 0; j < cfg->naggs && run; j++)
                run = cfg->outs[i + j].kind == WR_WCOL_AGG && cfg->outs[i + j].index == j;
            if (run) {
                o->agg_col0 = (int32_t)i;
                break;
            }
        }
    }
    if (cfg->naggs && o->agg_col0 < 0) {
        o->agg_schema = wr_schema_new(cfg->naggs);
        if (!o->agg_schema) goto nomem;
        for (uint32_t j = 0; j < cfg->naggs; j++) {
            char name[24];
            snprintf(name, sizeof(name), "a%u", j);
            if (wr_schema_set(o->agg_schema, j, name, layout->slots[j].spec.result_type))
                goto nomem;
        }
    }
    return WR_OK;
nomem:
    wr_wout_free(o);
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
}

void wr_wout_free(wout *o)
{
    if (o->cur) wr_batch_release(o->cur);
    if (o->agg_schema) wr_schema_free(o->agg_schema);
    wr_free(o->key_col);
    wr_free(o->rows);
    wr_free(o->tmp);
    wr_free(o->kptr);
    wr_free(o->kpos);
    wr_free(o->accs);
    memset(o, 0, sizeof(*o));
}

int wr_wout_grow(wout *o)
{
    uint32_t ncap = o->cap ? o->cap * 2 : 256;
    wrow *r = wr_realloc_owned(o->mem, o->rows, (size_t)ncap * sizeof(wrow));
    if (!r) return WR_ENOMEM;
    o->rows = r;
    wrow *t = wr_realloc_owned(o->mem, o->tmp, (size_t)ncap * sizeof(wrow));
    if (!t) return WR_ENOMEM;
    o->tmp = t;
    o->cap = ncap;
    return WR_OK;
}

static inline int wrow_cmp(const wkey_codec *k, const wrow *a, const wrow *b)
{
    if (a->end != b->end) return a->end < b->end ? -1 : 1;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    if (a->prefix != b->prefix) return a->prefix < b->prefix ? -1 : 1;
    return wr_wkey_cmp(k, a->key, b->key);
}

/* Bottom-up merge sort (stable); the comparison is a direct call, not a callback. Runs of
 * 8 are sorted by insertion first. */
static void wrow_sort(const wkey_codec *k, wrow *a, wrow *tmp, uint32_t n)
{
    const uint32_t run = 8;
    for (uint32_t lo = 0; lo < n; lo += run) {
        uint32_t hi = WR_MIN(lo + run, n);
        for (uint32_t i = lo + 1; i < hi; i++) {
            wrow x = a[i];
            uint32_t j = i;
            while (j > lo && wrow_cmp(k, &a[j - 1], &x) > 0) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
    }
    wrow *src = a, *dst = tmp;
    for (uint32_t width = run; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = WR_MIN(lo + width, n), hi = WR_MIN(lo + 2 * width, n);
            uint32_t i = lo, j = mid, o = lo;
            if (mid >= hi || wrow_cmp(k, &src[mid - 1], &src[mid]) <= 0) {
                memcpy(dst + lo, src + lo, (size_t)(hi - lo) * sizeof(wrow));
                continue;
            }
            while (i < mid && j < hi)
                dst[o++] = wrow_cmp(k, &src[j], &src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[o++] = src[i++];
            while (j < hi)
                dst[o++] = src[j++];
        }
        wrow *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)n * sizeof(wrow));
}

/* Copy rows [0, n) of column sc of src into rows [row0, row0 + n) of column dc of dst. */
static void copy_col(wr_batch *dst, uint32_t dc, const wr_batch *src, uint32_t sc, uint32_t n,
                     uint32_t row0)
{
    wr_vec *dv = &dst->cols[dc];
    const wr_vec *sv = &src->cols[sc];
    size_t w = dv->width;
    if (w) memcpy((uint8_t *)dv->data + (size_t)row0 * w, (const uint8_t *)sv->data, n * w);
    for (uint32_t r = 0; r < n; r++)
        wr_vec_set_valid(dv, row0 + r, wr_vec_valid(sv, r));
}

static int wout_new_batch(wout *o, wr_error *err)
{
    o->cur = wr_batch_new(o->out_schema, o->batch_rows, o->mem);
    if (!o->cur) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    return WR_OK;
}

int wr_wout_end(wout *o, wr_op_ctx *ctx, wr_error *err)
{
    if (!o->cur) return WR_OK;
    wr_batch *b = o->cur;
    o->cur = NULL;
    if (b->len == 0) {
        wr_batch_release(b);
        return WR_OK;
    }
    o->emitted += b->len;
    int rc = wr_op_emit(ctx, b);
    if (rc) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "window aggregation: emit failed");
    return WR_OK;
}

/* Write rows[0, m) into the current batch at its end. */
static int wout_write_chunk(wout *o, const wrow *rows, uint32_t m, wr_error *err)
{
    const wr_window_agg_config *cfg = o->cfg;
    wr_batch *b = o->cur;
    uint32_t row0 = b->len;
    int rc;
    for (uint32_t r = 0; r < m; r++) {
        o->kptr[r] = rows[r].key;
        o->kpos[r] = 0;
        o->accs[r] = rows[r].acc;
    }
    for (uint32_t k = 0; k < cfg->nkeys; k++) {
        rc = wr_wkey_decode_col(o->codec, k, o->kptr, o->kpos, m, b, o->key_col[k], row0);
        if (rc) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory");
    }
    for (uint32_t i = 0; i < cfg->nouts; i++) {
        const wr_window_col *c = &cfg->outs[i];
        wr_vec *v = &b->cols[i];
        int64_t *d = WR_VEC_I64(v) + row0;
        switch (c->kind) {
        case WR_WCOL_WINDOW_START:
            for (uint32_t r = 0; r < m; r++)
                d[r] = rows[r].start;
            break;
        case WR_WCOL_WINDOW_END:
            for (uint32_t r = 0; r < m; r++)
                d[r] = rows[r].end;
            break;
        case WR_WCOL_WINDOW_TIME:
            for (uint32_t r = 0; r < m; r++)
                d[r] = rows[r].end - WR_WINDOW_MAX_TS_DELTA;
            break;
        case WR_WCOL_KEY:
            if (o->key_col[c->index] != (int32_t)i) {
                /* A key selected twice: copy the first occurrence. */
                wr_vec *sv = &b->cols[o->key_col[c->index]];
                size_t w = v->width;
                if (w)
                    memcpy((uint8_t *)v->data + (size_t)row0 * w,
                           (uint8_t *)sv->data + (size_t)row0 * w, (size_t)m * w);
                for (uint32_t r = 0; r < m; r++)
                    wr_vec_set_valid(v, row0 + r, wr_vec_valid(sv, row0 + r));
            }
            continue;
        default:
            continue;
        }
        for (uint32_t r = 0; r < m; r++)
            wr_vec_set_valid(v, row0 + r, true);
    }
    if (cfg->naggs) {
        if (o->agg_col0 >= 0) {
            rc = wr_agg_results(o->layout, (const uint8_t *const *)o->accs, m, b,
                                (uint32_t)o->agg_col0, row0, err);
            if (rc) return rc;
        } else {
            wr_batch *sb = wr_batch_new(o->agg_schema, m, o->mem);
            if (!sb) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            rc = wr_agg_results(o->layout, (const uint8_t *const *)o->accs, m, sb, 0, 0, err);
            if (rc == WR_OK) {
                sb->len = m;
                bool strings = false;
                for (uint32_t i = 0; i < cfg->nouts; i++) {
                    if (cfg->outs[i].kind != WR_WCOL_AGG) continue;
                    copy_col(b, i, sb, cfg->outs[i].index, m, row0);
                    strings |= b->cols[i].phys == WR_PHYS_STR;
                }
                if (strings && wr_batch_depend(b, sb))
                    rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            }
            wr_batch_release(sb);
            if (rc) return rc;
        }
    }
    b->len = row0 + m;
    return WR_OK;
}

int wr_wout_write(wout *o, wr_op_ctx *ctx, bool sort, wr_error *err)
{
    uint32_t n = o->nrows;
    o->nrows = 0;
    if (n == 0) return WR_OK;
    if (sort && n > 1) {
        for (uint32_t i = 0; i < n; i++)
            o->rows[i].prefix = wr_wkey_prefix(o->codec, o->rows[i].key);
        wrow_sort(o->codec, o->rows, o->tmp, n);
    }
    if (o->scratch_cap < o->batch_rows) {
        uint32_t c = o->batch_rows;
        void *a = wr_realloc_owned(o->mem, o->kptr, (size_t)c * sizeof(*o->kptr));
        if (a) o->kptr = a;
        void *b = a ? wr_realloc_owned(o->mem, o->kpos, (size_t)c * sizeof(*o->kpos)) : NULL;
        if (b) o->kpos = b;
        void *d = b ? wr_realloc_owned(o->mem, o->accs, (size_t)c * sizeof(*o->accs)) : NULL;
        if (!d) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        o->accs = d;
        o->scratch_cap = c;
    }
    uint32_t done = 0;
    while (done < n) {
        if (!o->cur) {
            int rc = wout_new_batch(o, err);
            if (rc) return rc;
        }
        uint32_t room = o->cur->cap - o->cur->len;
        uint32_t m = WR_MIN(room, n - done);
        int rc = wout_write_chunk(o, o->rows + done, m, err);
        if (rc) return rc;
        done += m;
        if (o->cur->len == o->cur->cap) {
            rc = wr_wout_end(o, ctx, err);
            if (rc) return rc;
        }
    }
    return WR_OK;
}
