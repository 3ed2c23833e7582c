/* plan_node.c - logical plan nodes: construction, the properties derived bottom-up
 * (changelog mode, boundedness, unique keys), stable node ids, tracing window columns back
 * to the operator that made them, and the EXPLAIN text ("Optimized Logical Plan"), which is
 * also the plan's serialized form. */
#include "plan/plan_int.h"

#include <string.h>

static const char *const kind_names[WR_LK__COUNT] = {
    [WR_LK_SCAN] = "TableSourceScan",
    [WR_LK_VALUES] = "Values",
    [WR_LK_CALC] = "Calc",
    [WR_LK_AGG] = "GroupAggregate",
    [WR_LK_WINDOW_TVF] = "WindowTableFunction",
    [WR_LK_WINDOW_AGG] = "WindowAggregate",
    [WR_LK_OVER_RANK] = "OverAggregate",
    [WR_LK_RANK] = "Rank",
    [WR_LK_DEDUP] = "Deduplicate",
    [WR_LK_WINDOW_RANK] = "WindowRank",
    [WR_LK_WINDOW_DEDUP] = "WindowDeduplicate",
    [WR_LK_JOIN] = "Join",
    [WR_LK_INTERVAL_JOIN] = "IntervalJoin",
    [WR_LK_WINDOW_JOIN] = "WindowJoin",
    [WR_LK_UNION] = "Union",
    [WR_LK_SORT] = "SortLimit",
    [WR_LK_LIMIT] = "Limit",
    [WR_LK_SINK] = "Sink",
};

const char *wr_ln_kind_name(wr_lkind k)
{
    return k < WR_LK__COUNT ? kind_names[k] : "?";
}

wr_lnode *wr_ln_new(wr_arena *a, wr_lkind kind, uint32_t ninputs, uint32_t ncols)
{
    wr_lnode *n = wr_arena_alloc(a, sizeof *n);
    if (!n) return NULL;
    memset(n, 0, sizeof *n);
    n->kind = (uint8_t)kind;
    n->ninputs = ninputs;
    n->ncols = ncols;
    n->nukeys = -1;
    if (ninputs && !(n->inputs = wr_arena_alloc(a, sizeof(wr_lnode *) * ninputs))) return NULL;
    if (ncols && !(n->cols = wr_arena_alloc(a, sizeof(wr_field) * ncols))) return NULL;
    if (ncols) memset(n->cols, 0, sizeof(wr_field) * ncols);
    return n;
}

wr_field *wr_fields_dup(wr_arena *a, const wr_field *f, uint32_t n)
{
    wr_field *r = wr_arena_alloc(a, sizeof(wr_field) * (n ? n : 1));
    if (r && n) memcpy(r, f, sizeof(wr_field) * n);
    return r;
}

/* ------------------------------------------------------------------------------------------
 * Derived properties
 * ---------------------------------------------------------------------------------------- */
static void set_ukeys(wr_arena *a, wr_lnode *n, const uint32_t *keys, uint32_t nk)
{
    n->ukeys = wr_arena_alloc(a, sizeof(uint32_t) * (nk ? nk : 1));
    if (!n->ukeys) {
        n->nukeys = -1;
        return;
    }
    if (nk) memcpy(n->ukeys, keys, sizeof(uint32_t) * nk);
    n->nukeys = (int32_t)nk;
}

static void calc_ukeys(wr_arena *a, wr_lnode *n)
{
    const wr_lnode *in = n->inputs[0];
    if (in->nukeys < 0) return;
    uint32_t keys[64];
    if (in->nukeys > 64) return;
    for (int32_t k = 0; k < in->nukeys; k++) {
        bool found = false;
        for (uint32_t j = 0; j < n->ncols && !found; j++) {
            uint32_t c;
            if (wr_px_is_col(n->calc.proj[j], &c) && c == in->ukeys[k]) {
                keys[k] = j;
                found = true;
            }
        }
        if (!found) return;
    }
    set_ukeys(a, n, keys, (uint32_t)in->nukeys);
}

void wr_ln_derive(wr_arena *a, wr_lnode *n)
{
    bool bounded = true;
    uint8_t cl = 0;
    for (uint32_t i = 0; i < n->ninputs; i++) {
        bounded = bounded && n->inputs[i]->bounded;
        cl |= n->inputs[i]->cl;
    }
    const wr_lnode *in = n->ninputs ? n->inputs[0] : NULL;
    n->nukeys = -1;
    switch ((wr_lkind)n->kind) {
    case WR_LK_SCAN:
        n->cl = WR_CL_APPEND;
        bounded = n->bounded;
        break;
    case WR_LK_VALUES:
        n->cl = WR_CL_APPEND;
        bounded = true;
        break;
    case WR_LK_CALC:
        n->cl = cl;
        calc_ukeys(a, n);
        break;
    case WR_LK_AGG: {
        n->cl = cl == WR_CL_APPEND ? (WR_CL_I | WR_CL_UB | WR_CL_UA) : WR_CL_RETRACT;
        if (!n->agg.emit_ub) n->cl &= (uint8_t)~WR_CL_UB;
        uint32_t keys[64];
        uint32_t nk = WR_MIN(n->agg.nkeys, 64u);
        for (uint32_t i = 0; i < nk; i++)
            keys[i] = i;
        set_ukeys(a, n, keys, nk);
        break;
    }
    case WR_LK_WINDOW_TVF:
    case WR_LK_WINDOW_RANK:
    case WR_LK_WINDOW_DEDUP:
    case WR_LK_INTERVAL_JOIN:
    case WR_LK_WINDOW_JOIN:
    case WR_LK_SORT:
        n->cl = WR_CL_APPEND;
        break;
    case WR_LK_WINDOW_AGG: {
        n->cl = WR_CL_APPEND;
        uint32_t keys[66], nk = 0;
        for (uint32_t j = 0; j < n->ncols && nk < 66; j++) {
            wr_window_col_kind k = n->wagg.outs[j].kind;
            if (k == WR_WCOL_KEY || k == WR_WCOL_WINDOW_START || k == WR_WCOL_WINDOW_END)
                keys[nk++] = j;
        }
        set_ukeys(a, n, keys, nk);
        break;
    }
    case WR_LK_OVER_RANK:
    case WR_LK_RANK: {
        n->cl = WR_CL_RETRACT;
        if (!n->rank.emit_ub) n->cl &= (uint8_t)~WR_CL_UB;
        if (n->kind == WR_LK_RANK && n->rank.output_rank && n->rank.npart < 63) {
            uint32_t keys[64];
            memcpy(keys, n->rank.part, sizeof(uint32_t) * n->rank.npart);
            keys[n->rank.npart] = n->ncols - 1;
            set_ukeys(a, n, keys, n->rank.npart + 1);
        }
        break;
    }
    case WR_LK_DEDUP:
        if (!n->rank.keep_last && !n->rank.rowtime && cl == WR_CL_APPEND)
            n->cl = WR_CL_APPEND;
        else
            n->cl = cl == WR_CL_APPEND ? (WR_CL_I | WR_CL_UB | WR_CL_UA) : WR_CL_RETRACT;
        if (!n->rank.emit_ub) n->cl &= (uint8_t)~WR_CL_UB;
        set_ukeys(a, n, n->rank.part, n->rank.npart);
        break;
    case WR_LK_JOIN:
        n->cl =
            (n->join.type == WR_JOIN_INNER && cl == WR_CL_APPEND) ? WR_CL_APPEND : WR_CL_RETRACT;
        break;
    case WR_LK_UNION:
        n->cl = cl;
        break;
    case WR_LK_LIMIT:
        n->cl = cl == WR_CL_APPEND ? WR_CL_APPEND : WR_CL_RETRACT;
        break;
    case WR_LK_SINK:
        n->cl = cl;
        break;
    default:
        n->cl = cl;
        break;
    }
    (void)in;
    n->bounded = bounded;
}

int wr_ln_window_col(const wr_lnode *n, uint32_t col, const wr_lnode **src, uint32_t *src_col)
{
    for (;;) {
        switch ((wr_lkind)n->kind) {
        case WR_LK_CALC: {
            uint32_t c;
            if (!wr_px_is_col(n->calc.proj[col], &c)) return 0;
            col = c;
            n = n->inputs[0];
            continue;
        }
        case WR_LK_WINDOW_TVF: {
            uint32_t base = n->inputs[0]->ncols;
            if (col < base) return 0;
            if (src) *src = n;
            if (src_col) *src_col = col;
            return (int)(col - base) + 1;
        }
        case WR_LK_WINDOW_AGG: {
            wr_window_col_kind k = n->wagg.outs[col].kind;
            int role = k == WR_WCOL_WINDOW_START  ? 1
                       : k == WR_WCOL_WINDOW_END  ? 2
                       : k == WR_WCOL_WINDOW_TIME ? 3
                                                  : 0;
            if (role && src) *src = n;
            if (role && src_col) *src_col = col;
            return role;
        }
        case WR_LK_WINDOW_RANK:
        case WR_LK_WINDOW_DEDUP:
        case WR_LK_RANK:
        case WR_LK_DEDUP:
            if (col >= n->inputs[0]->ncols) return 0;
            n = n->inputs[0];
            continue;
        case WR_LK_WINDOW_JOIN:
            if (col < n->inputs[0]->ncols) {
                n = n->inputs[0];
            } else {
                col -= n->inputs[0]->ncols;
                n = n->inputs[1];
            }
            continue;
        default:
            return 0;
        }
    }
}

/* ------------------------------------------------------------------------------------------
 * EXPLAIN
 * ---------------------------------------------------------------------------------------- */
void wr_cl_format(uint8_t cl, wr_buf *out)
{
    static const char *const names[] = {"I", "UB", "UA", "D"};
    bool first = true;
    wr_buf_putc(out, '[');
    for (int i = 0; i < 4; i++) {
        if (!(cl & (1u << i))) continue;
        if (!first) wr_buf_putc(out, ',');
        wr_buf_append_c(out, names[i]);
        first = false;
    }
    wr_buf_putc(out, ']');
}

static void fmt_cols(wr_buf *out, const wr_field *cols, const uint32_t *idx, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i) wr_buf_append_c(out, ", ");
        wr_buf_append_c(out, cols[idx ? idx[i] : i].name);
    }
}

static void fmt_duration(wr_buf *out, int64_t us)
{
    static const struct {
        int64_t us;
        const char *unit;
    } units[] = {{86400000000ll, "DAY"},
                 {3600000000ll, "HOUR"},
                 {60000000ll, "MINUTE"},
                 {1000000ll, "SECOND"},
                 {1000ll, "MILLISECOND"}};
    for (size_t i = 0; i < WR_ARRAY_LEN(units); i++) {
        if (us != 0 && us % units[i].us == 0) {
            wr_buf_printf(out, "INTERVAL '%lld' %s", (long long)(us / units[i].us), units[i].unit);
            return;
        }
    }
    wr_buf_printf(out, "INTERVAL '%lld' MICROSECOND", (long long)us);
}

static void fmt_window(wr_buf *out, const wr_window_spec *w, const char *timecol)
{
    wr_buf_printf(out, "%s(time_col=[%s], ", wr_window_kind_name(w->kind), timecol);
    switch (w->kind) {
    case WR_WINDOW_TUMBLE:
        wr_buf_append_c(out, "size=[");
        fmt_duration(out, w->size_us);
        break;
    case WR_WINDOW_HOP:
        wr_buf_append_c(out, "slide=[");
        fmt_duration(out, w->slide_us);
        wr_buf_append_c(out, "], size=[");
        fmt_duration(out, w->size_us);
        break;
    case WR_WINDOW_CUMULATE:
        wr_buf_append_c(out, "step=[");
        fmt_duration(out, w->slide_us);
        wr_buf_append_c(out, "], max_size=[");
        fmt_duration(out, w->size_us);
        break;
    case WR_WINDOW_SESSION:
        wr_buf_append_c(out, "gap=[");
        fmt_duration(out, w->gap_us);
        break;
    }
    wr_buf_putc(out, ']');
    if (w->offset_us && w->kind != WR_WINDOW_SESSION) {
        wr_buf_append_c(out, ", offset=[");
        fmt_duration(out, w->offset_us);
        wr_buf_putc(out, ']');
    }
    wr_buf_putc(out, ')');
}

static void fmt_aggs(wr_buf *out, const wr_lagg *aggs, uint32_t n, bool *first)
{
    for (uint32_t i = 0; i < n; i++) {
        if (!*first) wr_buf_append_c(out, ", ");
        *first = false;
        wr_buf_printf(out, "%s AS %s", aggs[i].text ? aggs[i].text : wr_agg_kind_name(aggs[i].kind),
                      aggs[i].name);
    }
}

static void fmt_sort(wr_buf *out, const wr_field *cols, const wr_sort_key *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i) wr_buf_append_c(out, ", ");
        wr_buf_printf(out, "%s %s", cols[s[i].col].name, s[i].desc ? "DESC" : "ASC");
        if (s[i].nulls_first != !s[i].desc)
            wr_buf_append_c(out, s[i].nulls_first ? " NULLS FIRST" : " NULLS LAST");
    }
}

static void fmt_rank_range(wr_buf *out, int64_t start, int64_t end)
{
    wr_buf_printf(out, "rankRange=[rankStart=%lld, rankEnd=%lld]", (long long)start,
                  (long long)end);
}

/* The node's own line, without children and ids (also the digest for ids). */
static void fmt_node_mode(const wr_lnode *n, wr_buf *out, bool with_mode)
{
    const wr_lnode *in = n->ninputs ? n->inputs[0] : NULL;
    wr_buf_printf(out, "%s(", wr_ln_kind_name(n->kind));
    switch ((wr_lkind)n->kind) {
    case WR_LK_SCAN: {
        const wr_catalog_entry *t = n->scan.table;
        wr_field cols[256];
        uint32_t nc = WR_MIN(t->ncols, 256u);
        for (uint32_t i = 0; i < nc; i++)
            cols[i] = (wr_field){.name = t->cols[i].name, .type = t->cols[i].type};
        wr_buf_printf(out, "table=[%s], fields=[", t->name);
        for (uint32_t i = 0; i < n->ncols; i++) {
            if (i) wr_buf_append_c(out, ", ");
            wr_px_format(n->scan.exprs[i], cols, nc, out);
            uint32_t c;
            if (!wr_px_is_col(n->scan.exprs[i], &c) || strcmp(t->cols[c].name, n->cols[i].name))
                wr_buf_printf(out, " AS %s", n->cols[i].name);
        }
        wr_buf_putc(out, ']');
        if (n->scan.filter) {
            wr_buf_append_c(out, ", filter=[");
            wr_px_format(n->scan.filter, cols, nc, out);
            wr_buf_putc(out, ']');
        }
        if (t->rowtime >= 0) wr_buf_printf(out, ", watermark=[%s]", t->watermark_text);
        break;
    }
    case WR_LK_VALUES:
        wr_buf_printf(out, "tuples=[%u rows], fields=[", n->values.nrows);
        fmt_cols(out, n->cols, NULL, n->ncols);
        wr_buf_putc(out, ']');
        break;
    case WR_LK_CALC:
        wr_buf_append_c(out, "select=[");
        for (uint32_t i = 0; i < n->ncols; i++) {
            if (i) wr_buf_append_c(out, ", ");
            wr_px_format(n->calc.proj[i], in->cols, in->ncols, out);
            uint32_t c;
            if (!wr_px_is_col(n->calc.proj[i], &c) || strcmp(in->cols[c].name, n->cols[i].name))
                wr_buf_printf(out, " AS %s", n->cols[i].name);
        }
        wr_buf_putc(out, ']');
        if (n->calc.filter) {
            wr_buf_append_c(out, ", where=[");
            wr_px_format(n->calc.filter, in->cols, in->ncols, out);
            wr_buf_putc(out, ']');
        }
        break;
    case WR_LK_AGG: {
        bool first = true;
        wr_buf_append_c(out, "groupBy=[");
        fmt_cols(out, in->cols, n->agg.keys, n->agg.nkeys);
        wr_buf_append_c(out, "], select=[");
        for (uint32_t i = 0; i < n->agg.nkeys; i++) {
            if (!first) wr_buf_append_c(out, ", ");
            first = false;
            wr_buf_append_c(out, in->cols[n->agg.keys[i]].name);
        }
        fmt_aggs(out, n->agg.aggs, n->agg.naggs, &first);
        wr_buf_putc(out, ']');
        break;
    }
    case WR_LK_WINDOW_TVF:
        wr_buf_append_c(out, "window=[");
        fmt_window(out, &n->wtvf.spec, in->cols[n->wtvf.rowtime].name);
        wr_buf_putc(out, ']');
        if (n->wtvf.npart) {
            wr_buf_append_c(out, ", partitionBy=[");
            fmt_cols(out, in->cols, n->wtvf.part, n->wtvf.npart);
            wr_buf_putc(out, ']');
        }
        break;
    case WR_LK_WINDOW_AGG: {
        bool first = true;
        wr_buf_append_c(out, "groupBy=[");
        fmt_cols(out, in->cols, n->wagg.keys, n->wagg.nkeys);
        wr_buf_append_c(out, "], window=[");
        fmt_window(out, &n->wagg.spec, in->cols[n->wagg.rowtime].name);
        wr_buf_append_c(out, "], select=[");
        for (uint32_t j = 0; j < n->ncols; j++) {
            const wr_window_col *o = &n->wagg.outs[j];
            if (o->kind == WR_WCOL_AGG) {
                fmt_aggs(out, &n->wagg.aggs[o->index], 1, &first);
                continue;
            }
            if (!first) wr_buf_append_c(out, ", ");
            first = false;
            if (o->kind == WR_WCOL_KEY)
                wr_buf_append_c(out, in->cols[n->wagg.keys[o->index]].name);
            else
                wr_buf_printf(out, "%s AS %s",
                              o->kind == WR_WCOL_WINDOW_START ? "start('w$)"
                              : o->kind == WR_WCOL_WINDOW_END ? "end('w$)"
                                                              : "rowtime('w$)",
                              n->cols[j].name);
        }
        wr_buf_putc(out, ']');
        break;
    }
    case WR_LK_OVER_RANK:
    case WR_LK_RANK:
    case WR_LK_WINDOW_RANK:
        if (n->kind == WR_LK_WINDOW_RANK)
            wr_buf_printf(out, "window=[%s, %s], ", in->cols[n->rank.ws_col].name,
                          in->cols[n->rank.we_col].name);
        if (n->kind != WR_LK_OVER_RANK) {
            fmt_rank_range(out, n->rank.start, n->rank.end);
            wr_buf_append_c(out, ", ");
        }
        wr_buf_append_c(out, "partitionBy=[");
        fmt_cols(out, in->cols, n->rank.part, n->rank.npart);
        wr_buf_append_c(out, "], orderBy=[");
        fmt_sort(out, in->cols, n->rank.sort, n->rank.nsort);
        wr_buf_printf(out, "], select=[");
        fmt_cols(out, n->cols, NULL, n->ncols);
        wr_buf_putc(out, ']');
        break;
    case WR_LK_DEDUP:
    case WR_LK_WINDOW_DEDUP:
        if (n->kind == WR_LK_WINDOW_DEDUP)
            wr_buf_printf(out, "window=[%s, %s], ", in->cols[n->rank.ws_col].name,
                          in->cols[n->rank.we_col].name);
        wr_buf_printf(out, "keep=[%s], key=[", n->rank.keep_last ? "LastRow" : "FirstRow");
        fmt_cols(out, in->cols, n->rank.part, n->rank.npart);
        wr_buf_printf(out, "], order=[%s]", n->rank.rowtime ? "ROWTIME" : "PROCTIME");
        break;
    case WR_LK_JOIN:
    case WR_LK_INTERVAL_JOIN:
    case WR_LK_WINDOW_JOIN: {
        /* Columns by their output names (left ++ right, made unique by the binder). */
        const wr_field *jc = n->cols;
        uint32_t nl = n->inputs[0]->ncols;
        wr_buf_printf(out, "joinType=[%s], ", wr_join_type_name(n->join.type));
        if (n->kind == WR_LK_WINDOW_JOIN)
            wr_buf_printf(out, "window=[%s = %s, %s = %s], ", jc[n->join.lws].name,
                          jc[nl + n->join.rws].name, jc[n->join.lwe].name,
                          jc[nl + n->join.rwe].name);
        if (n->kind == WR_LK_INTERVAL_JOIN) {
            const char *lt = jc[n->join.ltime].name, *rt = jc[nl + n->join.rtime].name;
            wr_buf_printf(out, "interval=[%s + %lld us %s %s %s %s + %lld us], ", rt,
                          (long long)n->join.lower_us, n->join.lower_excl ? "<" : "<=", lt,
                          n->join.upper_excl ? "<" : "<=", rt, (long long)n->join.upper_us);
        }
        wr_buf_append_c(out, "where=[");
        for (uint32_t i = 0; i < n->join.nkeys; i++) {
            if (i) wr_buf_append_c(out, " AND ");
            wr_buf_printf(out, "(%s %s %s)", jc[n->join.lkeys[i]].name,
                          n->join.null_safe && n->join.null_safe[i] ? "IS NOT DISTINCT FROM" : "=",
                          jc[nl + n->join.rkeys[i]].name);
        }
        if (n->join.cond) {
            if (n->join.nkeys) wr_buf_append_c(out, " AND ");
            wr_px_format(n->join.cond, jc, n->ncols, out);
        }
        wr_buf_append_c(out, "], select=[");
        fmt_cols(out, n->cols, NULL, n->ncols);
        wr_buf_putc(out, ']');
        break;
    }
    case WR_LK_UNION:
        wr_buf_append_c(out, "all=[true], union=[");
        fmt_cols(out, n->cols, NULL, n->ncols);
        wr_buf_putc(out, ']');
        break;
    case WR_LK_SORT:
        wr_buf_append_c(out, "orderBy=[");
        fmt_sort(out, in->cols, n->sort.sort, n->sort.nsort);
        wr_buf_printf(out, "], offset=[%lld], fetch=[", (long long)n->sort.offset);
        if (n->sort.limit < 0)
            wr_buf_append_c(out, "unlimited]");
        else
            wr_buf_printf(out, "%lld]", (long long)n->sort.limit);
        break;
    case WR_LK_LIMIT:
        wr_buf_printf(out, "offset=[%lld], fetch=[%lld]", (long long)n->sort.offset,
                      (long long)n->sort.limit);
        break;
    case WR_LK_SINK:
        if (n->sink.table)
            wr_buf_printf(out, "table=[%s], ", n->sink.table->name);
        else
            wr_buf_append_c(out, "table=[*stdout*], ");
        wr_buf_append_c(out, "fields=[");
        fmt_cols(out, n->cols, NULL, n->ncols);
        wr_buf_putc(out, ']');
        if (n->sink.upsert) wr_buf_append_c(out, ", upsert=[true]");
        break;
    default:
        break;
    }
    if (n->kind != WR_LK_SINK && with_mode) {
        wr_buf_append_c(out, ", changelogMode=");
        wr_cl_format(n->cl, out);
    }
    wr_buf_putc(out, ')');
}

static void fmt_node(const wr_lnode *n, wr_buf *out)
{
    fmt_node_mode(n, out, true);
}

void wr_ln_digest(const wr_lnode *n, wr_buf *out, bool with_mode)
{
    fmt_node_mode(n, out, with_mode);
}

static void explain_rec(const wr_lnode *n, wr_buf *out, wr_buf *prefix, bool last, bool root,
                        bool ids)
{
    if (!root) {
        wr_buf_append(out, prefix->ptr, prefix->len);
        wr_buf_append_c(out, "+- ");
    }
    fmt_node(n, out);
    if (ids) wr_buf_printf(out, " #%016llx", (unsigned long long)n->id);
    wr_buf_putc(out, '\n');
    size_t saved = prefix->len;
    if (!root) wr_buf_append_c(prefix, last ? "   " : ":  ");
    for (uint32_t i = 0; i < n->ninputs; i++)
        explain_rec(n->inputs[i], out, prefix, i + 1 == n->ninputs, false, ids);
    prefix->len = saved;
    if (prefix->ptr) prefix->ptr[saved] = 0;
}

int wr_ln_explain(const wr_lnode *root, wr_buf *out)
{
    wr_buf prefix;
    wr_buf_init(&prefix);
    explain_rec(root, out, &prefix, true, true, false);
    wr_buf_free(&prefix);
    return WR_OK;
}

int wr_ln_serialize(const wr_lnode *root, wr_buf *out)
{
    wr_buf prefix;
    wr_buf_init(&prefix);
    explain_rec(root, out, &prefix, true, true, true);
    wr_buf_free(&prefix);
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Ids. Checkpoints and savepoints match operator state by these, so they must not change
 * when the same SQL is planned again, and should survive compatible edits. A node's id
 * hashes:
 *   - its identity: its EXPLAIN text (operator, keys, expressions, aggregates, window) and
 *     the types of its input and output columns; for a scan only the table's name and
 *     physical columns, so pushing another filter or projection into a source keeps its
 *     offsets;
 *   - the sink it feeds (seed: the sink table's name, or the statement number for a SELECT);
 *   - its position, counted only across the ancestors that are not Calcs: the kind of
 *     each and, under a node with several inputs, the input index.
 * Calcs (filters and projections) take no part in their neighbours' ids: adding or editing
 * a WHERE clause changes that Calc's id only, and the state of an aggregation above or a
 * join below still matches. Equal ids within a plan are made distinct by rehashing in
 * depth-first order. The physical vertices built from a node derive their uids from it
 * (plan_phys.c).
 * ---------------------------------------------------------------------------------------- */
typedef struct id_ctx {
    wr_buf tmp;
    uint64_t *seen;
    uint32_t nseen, cap;
} id_ctx;

static void hash_types(const wr_field *f, uint32_t n, wr_buf *tmp)
{
    for (uint32_t i = 0; i < n; i++) {
        wr_buf_putc(tmp, i ? ',' : '|');
        wr_type_format(&f[i].type, tmp);
    }
}

static uint64_t node_identity(const wr_lnode *n, wr_buf *tmp)
{
    wr_buf_clear(tmp);
    if (n->kind == WR_LK_SCAN && n->scan.table) {
        const wr_catalog_entry *t = n->scan.table;
        wr_buf_printf(tmp, "TableSourceScan(table=[%s])", t->name);
        hash_types(t->phys->cols, t->phys->ncols, tmp);
    } else {
        fmt_node_mode(n, tmp, false);
        for (uint32_t i = 0; i < n->ninputs; i++)
            hash_types(n->inputs[i]->cols, n->inputs[i]->ncols, tmp);
    }
    wr_buf_append_c(tmp, " ->");
    hash_types(n->cols, n->ncols, tmp);
    return wr_hash_bytes(tmp->ptr, tmp->len);
}

static bool id_taken(id_ctx *c, uint64_t id)
{
    for (uint32_t i = 0; i < c->nseen; i++)
        if (c->seen[i] == id) return true;
    if (c->nseen == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 32;
        uint64_t *p = wr_realloc(c->seen, sizeof(uint64_t) * cap);
        if (!p) return false; /* then ids may repeat; the job builder rejects that */
        c->seen = p;
        c->cap = cap;
    }
    c->seen[c->nseen++] = id;
    return false;
}

static void assign_rec(wr_lnode *n, uint64_t path, id_ctx *c)
{
    uint64_t h = wr_hash_combine(path, node_identity(n, &c->tmp));
    while (id_taken(c, h))
        h = wr_hash_u64(h + 1);
    n->id = h;
    uint64_t below = n->kind == WR_LK_CALC ? path : wr_hash_combine(path, wr_hash_u64(n->kind));
    for (uint32_t i = 0; i < n->ninputs; i++)
        assign_rec(n->inputs[i], n->ninputs > 1 ? wr_hash_combine(below, i + 1) : below, c);
}

void wr_ln_assign_ids(wr_lnode *root, uint64_t seed)
{
    id_ctx c = {0};
    wr_buf_init(&c.tmp);
    assign_rec(root, wr_hash_u64(seed), &c);
    wr_buf_free(&c.tmp);
    wr_free(c.seen);
}
