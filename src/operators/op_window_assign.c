/* op_window_assign.c - window assignment: the arithmetic that maps a timestamp to its
 * TUMBLE, HOP, CUMULATE or SESSION windows (Flink's TimeWindow.getWindowStartWithOffset and
 * SliceAssigners, reference section 1.9), the validation of window parameters, and the
 * stand-alone window TVF operator (SELECT * FROM TUMBLE(...)) that appends window_start,
 * window_end and window_time to each row, repeating a row once per window it belongs to.
 * The operator gathers the input columns by an index vector, column by column. */
#include "operators/op_window_internal.h"

#include <string.h>

const char *wr_window_kind_name(wr_window_kind k)
{
    switch (k) {
    case WR_WINDOW_TUMBLE:
        return "TUMBLE";
    case WR_WINDOW_HOP:
        return "HOP";
    case WR_WINDOW_CUMULATE:
        return "CUMULATE";
    case WR_WINDOW_SESSION:
        return "SESSION";
    }
    return "?";
}

int wr_window_spec_check(const wr_window_spec *w, wr_error *err)
{
    switch (w->kind) {
    case WR_WINDOW_TUMBLE:
        if (w->size_us <= 0)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "Tumbling Window parameters must satisfy size > 0, but got size "
                                "%lld us",
                                (long long)w->size_us);
        return WR_OK;
    case WR_WINDOW_HOP:
        if (w->size_us <= 0 || w->slide_us <= 0)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "Hopping Window must satisfy slide > 0 and size > 0, but got "
                                "slide %lld us and size %lld us",
                                (long long)w->slide_us, (long long)w->size_us);
        if (w->size_us % w->slide_us != 0)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "Slicing Hopping Window requires size must be an integral "
                                "multiple of slide, but got size %lld us and slide %lld us",
                                (long long)w->size_us, (long long)w->slide_us);
        return WR_OK;
    case WR_WINDOW_CUMULATE:
        if (w->size_us <= 0 || w->slide_us <= 0)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "Cumulative Window parameters must satisfy maxSize > 0 and step "
                                "> 0, but got maxSize %lld us and step %lld us",
                                (long long)w->size_us, (long long)w->slide_us);
        if (w->size_us % w->slide_us != 0)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "Cumulative Window requires maxSize must be an integral multiple "
                                "of step, but got maxSize %lld us and step %lld us",
                                (long long)w->size_us, (long long)w->slide_us);
        return WR_OK;
    case WR_WINDOW_SESSION:
        if (w->gap_us <= 0)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "Session Window parameters must satisfy gap > 0, but got gap "
                                "%lld us",
                                (long long)w->gap_us);
        return WR_OK;
    }
    return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER, "unknown window kind %d", (int)w->kind);
}

uint32_t wr_window_max_per_row(const wr_window_spec *w)
{
    switch (w->kind) {
    case WR_WINDOW_HOP:
    case WR_WINDOW_CUMULATE:
        return (uint32_t)(w->size_us / w->slide_us);
    default:
        return 1;
    }
}

uint32_t wr_window_assign(const wr_window_spec *w, int64_t ts, int64_t *starts, int64_t *ends,
                          uint32_t max)
{
    uint32_t n = 0;
    switch (w->kind) {
    case WR_WINDOW_TUMBLE: {
        int64_t s = wr_window_start(ts, w->size_us, w->offset_us);
        if (max) {
            starts[0] = s;
            ends[0] = s + w->size_us;
            n = 1;
        }
        break;
    }
    case WR_WINDOW_HOP: {
        /* Latest window first, as Flink's sliding assigner lists them. */
        for (int64_t s = wr_window_start(ts, w->slide_us, w->offset_us);
             s > ts - w->size_us && n < max; s -= w->slide_us) {
            starts[n] = s;
            ends[n] = s + w->size_us;
            n++;
        }
        break;
    }
    case WR_WINDOW_CUMULATE: {
        int64_t base = wr_window_start(ts, w->size_us, w->offset_us);
        int64_t step = w->slide_us;
        for (int64_t e = base + step * ((ts - base) / step + 1); e <= base + w->size_us && n < max;
             e += step) {
            starts[n] = base;
            ends[n] = e;
            n++;
        }
        break;
    }
    case WR_WINDOW_SESSION:
        if (max) {
            starts[0] = ts;
            ends[0] = ts + w->gap_us;
            n = 1;
        }
        break;
    }
    return n;
}

/* ------------------------------------------------------------------------------------------
 * Stand-alone window TVF operator
 * ---------------------------------------------------------------------------------------- */
int wr_window_tvf_check(const wr_window_tvf_config *c, const wr_schema *in, wr_error *err)
{
    if (c->window.kind == WR_WINDOW_SESSION)
        return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                            "SESSION window TVF must be followed by an aggregation");
    int rc = wr_window_spec_check(&c->window, err);
    if (rc) return rc;
    if (c->rowtime_col >= in->ncols)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "window TVF: time column %u out of range (input has %u columns)",
                            c->rowtime_col, in->ncols);
    const wr_type *t = &in->cols[c->rowtime_col].type;
    if (t->id != WR_TYPE_TIMESTAMP && t->id != WR_TYPE_TIMESTAMP_LTZ)
        return wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                            "window TVF: the time column '%s' must be TIMESTAMP or "
                            "TIMESTAMP_LTZ, not %s",
                            in->cols[c->rowtime_col].name ? in->cols[c->rowtime_col].name : "?",
                            wr_type_id_name((wr_type_id)t->id));
    return WR_OK;
}

int wr_window_tvf_schema(const wr_window_tvf_config *c, const wr_schema *in, wr_schema **out,
                         wr_error *err)
{
    *out = NULL;
    int rc = wr_window_tvf_check(c, in, err);
    if (rc) return rc;
    wr_schema *s = wr_schema_new(in->ncols + 3);
    if (!s) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    bool ltz = in->cols[c->rowtime_col].type.id == WR_TYPE_TIMESTAMP_LTZ;
    for (uint32_t i = 0; i < in->ncols && rc == WR_OK; i++) {
        wr_type t = in->cols[i].type;
        if (i == c->rowtime_col) t.time_attr = WR_TIME_ATTR_NONE;
        rc = wr_schema_set(s, i, in->cols[i].name ? in->cols[i].name : "?", t);
    }
    wr_type ts = wr_type_not_null(wr_type_timestamp(3));
    wr_type wt = wr_type_not_null(ltz ? wr_type_timestamp_ltz(3) : wr_type_timestamp(3));
    wt.time_attr = WR_TIME_ATTR_ROWTIME;
    if (!rc) rc = wr_schema_set(s, in->ncols, "window_start", ts);
    if (!rc) rc = wr_schema_set(s, in->ncols + 1, "window_end", ts);
    if (!rc) rc = wr_schema_set(s, in->ncols + 2, "window_time", wt);
    if (rc) {
        wr_schema_free(s);
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "window TVF: output schema");
    }
    *out = s;
    return WR_OK;
}

typedef struct wtvf {
    const wr_window_tvf_config *cfg;
    const wr_schema *out_schema;
    uint32_t in_cols;
    uint32_t batch_rows;
    uint32_t maxw;
    wr_mem_owner *mem;
    /* scratch, one entry per output row of the current chunk */
    uint32_t *idx;
    int64_t *ws, *we;
    uint32_t cap;
} wtvf;

static void tvf_close(void *state);

static int tvf_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_window_tvf_config *cfg = config;
    const wr_schema *in = wr_op_input_schema(ctx, 0);
    int rc = wr_window_tvf_check(cfg, in, err);
    if (rc) return rc;
    const wr_schema *out = wr_op_output_schema(ctx);
    if (out->ncols != in->ncols + 3)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "%s: output schema must have the %u input columns and 3 window "
                            "columns",
                            wr_op_name(ctx), in->ncols);
    for (uint32_t i = 0; i < out->ncols; i++) {
        wr_phys want = i < in->ncols ? wr_type_phys(&in->cols[i].type) : WR_PHYS_I64;
        if (wr_type_phys(&out->cols[i].type) != want)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                                "%s: output column %u has the wrong type", wr_op_name(ctx), i);
    }
    wr_mem_owner *mem = wr_op_mem(ctx);
    wtvf *s = wr_calloc_owned(mem, 1, sizeof(*s));
    if (!s) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    s->cfg = cfg;
    s->out_schema = out;
    s->in_cols = in->ncols;
    s->batch_rows = wr_op_batch_rows(ctx);
    if (!s->batch_rows) s->batch_rows = WR_BATCH_DEFAULT_ROWS;
    s->maxw = wr_window_max_per_row(&cfg->window);
    s->mem = mem;
    /* A chunk holds at least one input row's windows. */
    s->cap = WR_MAX(s->batch_rows, s->maxw);
    s->idx = wr_malloc_owned(mem, (size_t)s->cap * sizeof(uint32_t));
    s->ws = wr_malloc_owned(mem, (size_t)s->cap * sizeof(int64_t));
    s->we = wr_malloc_owned(mem, (size_t)s->cap * sizeof(int64_t));
    if (!s->idx || !s->ws || !s->we) {
        tvf_close(s);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    *state = s;
    return WR_OK;
}

/* Emit rows idx[0..m) of in, each with its window columns s->ws/s->we. */
static int tvf_emit_chunk(wtvf *s, wr_op_ctx *ctx, wr_batch *in, uint32_t m, wr_error *err)
{
    wr_batch *out = wr_batch_new(s->out_schema, m, s->mem);
    if (!out) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    const uint32_t *idx = s->idx;
    bool strings = false;
    for (uint32_t c = 0; c < s->in_cols; c++) {
        wr_vec_gather(&out->cols[c], 0, &in->cols[c], idx, m);
        strings |= in->cols[c].phys == WR_PHYS_STR;
    }
    int64_t *ws = WR_VEC_I64(&out->cols[s->in_cols]);
    int64_t *we = WR_VEC_I64(&out->cols[s->in_cols + 1]);
    int64_t *wt = WR_VEC_I64(&out->cols[s->in_cols + 2]);
    for (uint32_t r = 0; r < m; r++) {
        ws[r] = s->ws[r];
        we[r] = s->we[r];
        wt[r] = s->we[r] - WR_WINDOW_MAX_TS_DELTA;
    }
    for (uint32_t c = s->in_cols; c < s->in_cols + 3; c++)
        wr_vec_fill_valid(&out->cols[c], m, true);
    for (uint32_t r = 0; r < m; r++)
        out->rowkind[r] = in->rowkind[idx[r]];
    out->len = m;
    /* String views keep pointing into the input batch's bytes: keep it alive. */
    if (strings && wr_batch_depend(out, in)) {
        wr_batch_release(out);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    int rc = wr_op_emit(ctx, out);
    if (rc) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "%s: emit failed", wr_op_name(ctx));
    return WR_OK;
}

static int tvf_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    wtvf *s = state;
    const wr_window_spec *w = &s->cfg->window;
    const wr_vec *tv = &in->cols[s->cfg->rowtime_col];
    const int64_t *ts = WR_VEC_I64(tv);
    uint32_t m = 0;
    for (uint32_t i = 0; i < in->len; i++) {
        if (!wr_vec_valid(tv, i)) continue; /* NULL rowtime: dropped, as Flink does */
        if (m + s->maxw > s->cap) {
            int rc = tvf_emit_chunk(s, ctx, in, m, err);
            if (rc) return rc;
            m = 0;
        }
        uint32_t k = wr_window_assign(w, ts[i], s->ws + m, s->we + m, s->maxw);
        for (uint32_t j = 0; j < k; j++)
            s->idx[m + j] = i;
        m += k;
    }
    if (m) return tvf_emit_chunk(s, ctx, in, m, err);
    return WR_OK;
}

static void tvf_close(void *state)
{
    wtvf *s = state;
    if (!s) return;
    wr_free(s->idx);
    wr_free(s->ws);
    wr_free(s->we);
    wr_free(s);
}

const wr_op_vt wr_window_tvf_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "window_tvf",
    .description = "window table function (TUMBLE/HOP/CUMULATE): appends window_start, "
                   "window_end, window_time",
    .open = tvf_open,
    .process = tvf_process,
    .on_watermark = NULL,
    .on_timer = NULL,
    .finish = NULL,
    .close = tvf_close,
    .ckpt = WR_CKPT_STATELESS,
};
