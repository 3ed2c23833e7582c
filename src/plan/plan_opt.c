/* plan_opt.c - the rule-based optimizer over logical plans. Rules, applied bottom-up until
 * nothing changes:
 *   - constant folding of every calc and scan expression;
 *   - calc merging (a calc over a calc becomes one, substituting the lower projection);
 *   - predicate and projection pushdown into scans (a calc over a scan is absorbed: the scan
 *     computes only what is used and filters right after reading, chained to the source);
 *   - identity calcs removed;
 *   - rank recognition: a filter on ROW_NUMBER() (rn <= N, rn < N, rn = 1, ..) over an
 *     OVER_RANK turns it into Top-N, deduplication, window Top-N or window deduplication.
 * Then checks the plan against the operators' changelog contracts (inputs that must be
 * append-only, sinks that take no updates, with Flink's messages), negotiates upserts with
 * sinks that have a primary key (-U dropped along projection-only paths), and gives every
 * node its stable id. Nodes are never changed in place: a rewrite copies. */
#include "plan/plan_int.h"

#include <stdio.h>
#include <string.h>

static wr_lnode *dup_node(wr_arena *a, const wr_lnode *n)
{
    wr_lnode *m = wr_arena_alloc(a, sizeof *m);
    if (!m) return NULL;
    *m = *n;
    if (n->ninputs) {
        m->inputs = wr_arena_alloc(a, sizeof(wr_lnode *) * n->ninputs);
        if (!m->inputs) return NULL;
        memcpy(m->inputs, n->inputs, sizeof(wr_lnode *) * n->ninputs);
    }
    m->cols = wr_fields_dup(a, n->cols, n->ncols);
    return m->cols ? m : NULL;
}

static bool is_identity(const wr_lnode *n)
{
    const wr_lnode *in = n->inputs[0];
    if (n->calc.filter || n->ncols != in->ncols) return false;
    for (uint32_t i = 0; i < n->ncols; i++) {
        uint32_t c;
        if (!wr_px_is_col(n->calc.proj[i], &c) || c != i) return false;
        if (!wr_type_equal(&n->cols[i].type, &in->cols[i].type, false) ||
            n->cols[i].type.time_attr != in->cols[i].type.time_attr)
            return false;
    }
    return true;
}

static wr_pexpr **fold_all(wr_arena *a, wr_pexpr **e, uint32_t n)
{
    wr_pexpr **r = wr_arena_alloc(a, sizeof(wr_pexpr *) * (n ? n : 1));
    if (!r) return NULL;
    for (uint32_t i = 0; i < n; i++)
        r[i] = wr_px_fold(a, e[i]);
    return r;
}

static wr_pexpr *and2(wr_arena *a, wr_pexpr *x, wr_pexpr *y)
{
    if (!x) return y;
    if (!y) return x;
    wr_error err = {0};
    wr_pexpr *args[2] = {x, y};
    return wr_px_call(a, "AND", args, 2, &err);
}

/* A filter folded to TRUE is no filter. */
static wr_pexpr *simplify_filter(wr_arena *a, wr_pexpr *f)
{
    if (!f) return NULL;
    f = wr_px_fold(a, f);
    if (f->kind == WR_PX_LIT && !f->val.is_null && f->type.id == WR_TYPE_BOOLEAN && f->val.b)
        return NULL;
    return f;
}

/* ------------------------------------------------------------------------------------------
 * Rank recognition
 * ---------------------------------------------------------------------------------------- */
static bool int_lit(const wr_pexpr *e, int64_t *v)
{
    if (!e || e->kind != WR_PX_LIT || e->val.is_null || !wr_type_is_integer(&e->type)) return false;
    *v = e->val.i;
    return true;
}

/* Narrow [lo, hi] by a conjunct on column rn; false when the conjunct is something else. */
static bool rank_term(const wr_pexpr *t, uint32_t rn, int64_t *lo, int64_t *hi)
{
    if (t->kind != WR_PX_CALL) return false;
    if (strcmp(t->fn, "BETWEEN") == 0 && t->nargs == 3) {
        uint32_t c;
        int64_t a, b;
        if (!wr_px_is_col(t->args[0], &c) || c != rn || !int_lit(t->args[1], &a) ||
            !int_lit(t->args[2], &b))
            return false;
        *lo = WR_MAX(*lo, a);
        *hi = WR_MIN(*hi, b);
        return true;
    }
    if (t->nargs != 2) return false;
    const char *op = t->fn;
    uint32_t c;
    int64_t v;
    bool col_left;
    if (wr_px_is_col(t->args[0], &c) && c == rn && int_lit(t->args[1], &v))
        col_left = true;
    else if (wr_px_is_col(t->args[1], &c) && c == rn && int_lit(t->args[0], &v))
        col_left = false;
    else
        return false;
    /* Normalise to rn <op> v. */
    if (!col_left) {
        if (strcmp(op, "<") == 0)
            op = ">";
        else if (strcmp(op, "<=") == 0)
            op = ">=";
        else if (strcmp(op, ">") == 0)
            op = "<";
        else if (strcmp(op, ">=") == 0)
            op = "<=";
    }
    if (strcmp(op, "<=") == 0)
        *hi = WR_MIN(*hi, v);
    else if (strcmp(op, "<") == 0)
        *hi = WR_MIN(*hi, v - 1);
    else if (strcmp(op, "=") == 0) {
        *lo = WR_MAX(*lo, v);
        *hi = WR_MIN(*hi, v);
    } else if (strcmp(op, ">=") == 0)
        *lo = WR_MAX(*lo, v);
    else if (strcmp(op, ">") == 0)
        *lo = WR_MAX(*lo, v + 1);
    else
        return false;
    return true;
}

static bool uses_col(const wr_pexpr *e, uint32_t col)
{
    if (!e) return false;
    if (e->kind == WR_PX_COL) return e->col == col;
    for (uint32_t i = 0; i < e->nargs; i++)
        if (uses_col(e->args[i], col)) return true;
    return false;
}

/* CALC over OVER_RANK -> (CALC over) RANK / DEDUP / WINDOW_RANK / WINDOW_DEDUP, or NULL when
 * the filter does not bound the row number. */
static wr_lnode *recognise_rank(wr_pctx *c, wr_lnode *calc)
{
    wr_arena *a = c->a;
    wr_lnode *over = calc->inputs[0];
    wr_lnode *in = over->inputs[0];
    uint32_t rn = over->ncols - 1;
    wr_pexpr **terms = NULL;
    uint32_t nt = 0, cap = 0;
    wr_px_conjuncts(a, calc->calc.filter, &terms, &nt, &cap);
    int64_t lo = 1, hi = INT64_MAX;
    wr_pexpr **rest = wr_arena_alloc(a, sizeof(wr_pexpr *) * (nt + 1));
    if (!rest) return NULL;
    uint32_t nrest = 0;
    bool bounded = false, touched = false;
    for (uint32_t i = 0; i < nt; i++) {
        int64_t h0 = hi;
        if (rank_term(terms[i], rn, &lo, &hi)) {
            if (hi != h0) bounded = true;
            touched = true;
            continue;
        }
        rest[nrest++] = terms[i];
    }
    if (touched && !bounded) {
        wr_pctx_error(c, over->pos,
                      "the filter on the row number needs an upper bound (rn <= N, rn < N, rn = "
                      "N or rn BETWEEN M AND N)");
        return NULL;
    }
    if (!bounded) return NULL;
    if (hi < lo || hi < 1) {
        wr_pctx_error(c, over->pos, "the filter on the row number selects no rank (%lld to %lld)",
                      (long long)lo, (long long)hi);
        return NULL;
    }
    bool output_rank = false;
    for (uint32_t i = 0; i < calc->ncols; i++)
        output_rank = output_rank || uses_col(calc->calc.proj[i], rn);
    for (uint32_t i = 0; i < nrest; i++)
        output_rank = output_rank || uses_col(rest[i], rn);

    /* Window variant: window_start and window_end among the partition keys. */
    int32_t ws = -1, we = -1;
    const wr_lnode *wsrc = NULL;
    for (uint32_t k = 0; k < over->rank.npart; k++) {
        const wr_lnode *src = NULL;
        int role = wr_ln_window_col(in, over->rank.part[k], &src, NULL);
        if (role == 1 && (!wsrc || wsrc == src)) {
            ws = (int32_t)over->rank.part[k];
            wsrc = src;
        } else if (role == 2 && (!wsrc || wsrc == src)) {
            we = (int32_t)over->rank.part[k];
            wsrc = src;
        }
    }
    bool windowed = ws >= 0 && we >= 0;
    if (windowed && in->cl != WR_CL_APPEND) windowed = false;
    uint32_t sortcol = over->rank.sort[0].col;
    wr_type st = in->cols[sortcol].type;
    bool time_sort = over->rank.nsort == 1 && st.time_attr != WR_TIME_ATTR_NONE;
    if (windowed && over->rank.nsort == 1 && !time_sort && wsrc->kind == WR_LK_WINDOW_TVF) {
        /* ORDER BY the window TVF's time column (no longer a time attribute after it). */
        const wr_lnode *n = in;
        uint32_t col = sortcol;
        while (n != wsrc && n->kind == WR_LK_CALC) {
            uint32_t k;
            if (!wr_px_is_col(n->calc.proj[col], &k)) break;
            col = k;
            n = n->inputs[0];
        }
        if (n == wsrc && col == wsrc->wtvf.rowtime) time_sort = true;
    }
    bool dedup = lo == 1 && hi == 1 && time_sort && !output_rank;
    wr_lnode *r;
    if (windowed) {
        r = wr_ln_new(a, dedup ? WR_LK_WINDOW_DEDUP : WR_LK_WINDOW_RANK, 1,
                      in->ncols + (output_rank ? 1 : 0));
    } else {
        r = wr_ln_new(a, dedup ? WR_LK_DEDUP : WR_LK_RANK, 1, in->ncols + (output_rank ? 1 : 0));
    }
    if (!r) return NULL;
    r->inputs[0] = in;
    r->rank = over->rank;
    r->rank.start = lo;
    r->rank.end = hi;
    r->rank.output_rank = output_rank;
    r->rank.emit_ub = true;
    if (windowed) {
        r->rank.ws_col = (uint32_t)ws;
        r->rank.we_col = (uint32_t)we;
        /* The other partition keys. */
        uint32_t *p = wr_arena_alloc(a, sizeof(uint32_t) * (over->rank.npart + 1));
        if (!p) return NULL;
        uint32_t np = 0;
        for (uint32_t k = 0; k < over->rank.npart; k++)
            if (over->rank.part[k] != (uint32_t)ws && over->rank.part[k] != (uint32_t)we)
                p[np++] = over->rank.part[k];
        r->rank.part = p;
        r->rank.npart = np;
    }
    if (dedup) {
        r->rank.keep_last = over->rank.sort[0].desc;
        r->rank.time_col = sortcol;
        r->rank.rowtime = st.time_attr != WR_TIME_ATTR_PROCTIME;
    }
    memcpy(r->cols, over->cols, sizeof(wr_field) * r->ncols);
    r->pos = over->pos;
    wr_ln_derive(a, r);
    /* The calc above keeps the other conditions and the projection. */
    wr_lnode *top = dup_node(a, calc);
    if (!top) return NULL;
    top->inputs[0] = r;
    wr_error err = {0};
    top->calc.filter = nrest ? wr_px_and(a, rest, nrest, &err) : NULL;
    wr_ln_derive(a, top);
    return top;
}

/* ------------------------------------------------------------------------------------------
 * The rewrite pass
 * ---------------------------------------------------------------------------------------- */
typedef struct opt {
    wr_pctx *c;
    bool ranks; /* second pass: recognise ranks (calcs are merged by then) */
} opt;

static wr_lnode *rewrite(opt *o, wr_lnode *n);

static wr_lnode *merge_calcs(wr_pctx *c, wr_lnode *top, wr_lnode *below)
{
    wr_arena *a = c->a;
    wr_error err = {0};
    wr_lnode *m = dup_node(a, top);
    if (!m) return NULL;
    m->inputs[0] = below->inputs[0];
    m->calc.proj = wr_arena_alloc(a, sizeof(wr_pexpr *) * (top->ncols ? top->ncols : 1));
    if (!m->calc.proj) return NULL;
    for (uint32_t i = 0; i < top->ncols; i++) {
        m->calc.proj[i] = wr_px_subst(a, top->calc.proj[i], below->calc.proj, &err);
        if (!m->calc.proj[i]) return NULL;
    }
    wr_pexpr *f2 =
        top->calc.filter ? wr_px_subst(a, top->calc.filter, below->calc.proj, &err) : NULL;
    if (top->calc.filter && !f2) return NULL;
    m->calc.filter = and2(a, below->calc.filter, f2);
    wr_ln_derive(a, m);
    return m;
}

static wr_lnode *merge_into_scan(wr_pctx *c, wr_lnode *calc, wr_lnode *scan)
{
    wr_arena *a = c->a;
    wr_error err = {0};
    wr_lnode *m = dup_node(a, scan);
    if (!m) return NULL;
    m->ncols = calc->ncols;
    m->cols = wr_fields_dup(a, calc->cols, calc->ncols);
    m->scan.exprs = wr_arena_alloc(a, sizeof(wr_pexpr *) * (calc->ncols ? calc->ncols : 1));
    if (!m->cols || !m->scan.exprs) return NULL;
    for (uint32_t i = 0; i < calc->ncols; i++) {
        m->scan.exprs[i] = wr_px_subst(a, calc->calc.proj[i], scan->scan.exprs, &err);
        if (!m->scan.exprs[i]) return NULL;
        m->scan.exprs[i] = wr_px_fold(a, m->scan.exprs[i]);
    }
    wr_pexpr *f =
        calc->calc.filter ? wr_px_subst(a, calc->calc.filter, scan->scan.exprs, &err) : NULL;
    if (calc->calc.filter && !f) return NULL;
    m->scan.filter = simplify_filter(a, and2(a, scan->scan.filter, f));
    wr_ln_derive(a, m);
    return m;
}

static bool refs_side(const wr_pexpr *e, uint32_t nl, bool right)
{
    if (!e) return true;
    if (e->kind == WR_PX_COL) return right ? e->col >= nl : e->col < nl;
    for (uint32_t i = 0; i < e->nargs; i++)
        if (!refs_side(e->args[i], nl, right)) return false;
    return true;
}

/* Predicate pushdown through a join: conjuncts of the calc's filter that use only one input
 * move below the join when that input's rows are not null-padded (both sides of an INNER
 * join, the left of a LEFT join, the right of a RIGHT join). NULL when nothing moves. */
static wr_lnode *push_join_filter(opt *o, wr_lnode *calc)
{
    wr_arena *a = o->c->a;
    wr_lnode *j = calc->inputs[0];
    if (!calc->calc.filter || j->join.type > WR_JOIN_FULL) return NULL;
    uint32_t nl = j->inputs[0]->ncols, nr = j->inputs[1]->ncols;
    if (j->ncols != nl + nr) return NULL;
    bool left_ok = j->join.type == WR_JOIN_INNER || j->join.type == WR_JOIN_LEFT;
    bool right_ok = j->join.type == WR_JOIN_INNER || j->join.type == WR_JOIN_RIGHT;
    wr_pexpr **terms = NULL;
    uint32_t nt = 0, cap = 0;
    wr_px_conjuncts(a, calc->calc.filter, &terms, &nt, &cap);
    wr_pexpr **keep = wr_arena_alloc(a, sizeof(wr_pexpr *) * (nt + 1));
    wr_pexpr **lf = wr_arena_alloc(a, sizeof(wr_pexpr *) * (nt + 1));
    wr_pexpr **rf = wr_arena_alloc(a, sizeof(wr_pexpr *) * (nt + 1));
    int32_t *rmap = wr_arena_alloc(a, sizeof(int32_t) * (nl + nr));
    if (!keep || !lf || !rf || !rmap) return NULL;
    for (uint32_t i = 0; i < nl + nr; i++)
        rmap[i] = i < nl ? -1 : (int32_t)(i - nl);
    uint32_t nk = 0, nlf = 0, nrf = 0;
    for (uint32_t i = 0; i < nt; i++) {
        bool has_cols = wr_px_max_col(terms[i]) > 0;
        if (has_cols && left_ok && refs_side(terms[i], nl, false))
            lf[nlf++] = terms[i];
        else if (has_cols && right_ok && refs_side(terms[i], nl, true))
            rf[nrf++] = wr_px_remap(a, terms[i], rmap);
        else
            keep[nk++] = terms[i];
    }
    if (!nlf && !nrf) return NULL;
    wr_error err = {0};
    wr_lnode *nj = dup_node(a, j);
    if (!nj) return NULL;
    for (int sd = 0; sd < 2; sd++) {
        uint32_t n = sd ? nrf : nlf;
        if (!n) continue;
        wr_lnode *in = j->inputs[sd];
        wr_lnode *f = wr_ln_new(a, WR_LK_CALC, 1, in->ncols);
        if (!f) return NULL;
        f->inputs[0] = in;
        f->calc.filter = wr_px_and(a, sd ? rf : lf, n, &err);
        f->calc.proj = wr_arena_alloc(a, sizeof(wr_pexpr *) * (in->ncols ? in->ncols : 1));
        if (!f->calc.filter || !f->calc.proj) return NULL;
        for (uint32_t i = 0; i < in->ncols; i++) {
            f->calc.proj[i] = wr_px_col(a, i, in->cols[i].type);
            f->cols[i] = in->cols[i];
        }
        f->pos = in->pos;
        wr_ln_derive(a, f);
        nj->inputs[sd] = rewrite(o, f);
        if (!nj->inputs[sd]) return NULL;
    }
    wr_ln_derive(a, nj);
    wr_lnode *top = dup_node(a, calc);
    if (!top) return NULL;
    top->inputs[0] = nj;
    top->calc.filter = nk ? wr_px_and(a, keep, nk, &err) : NULL;
    wr_ln_derive(a, top);
    return top;
}

/* Projection pushdown through a join: each input keeps only the columns that the calc
 * above, the join keys, the residual condition and the time/window columns need (the side
 * projections then merge into the scans below). NULL when every column is needed. */
static wr_lnode *prune_join(opt *o, wr_lnode *calc)
{
    wr_arena *a = o->c->a;
    wr_lnode *j = calc->inputs[0];
    wr_lnode *l = j->inputs[0], *r = j->inputs[1];
    uint32_t nl = l->ncols, nr = r->ncols, nj = j->ncols;
    if (nj != nl + nr) return NULL;
    bool *used = wr_arena_alloc(a, nj + 1);
    int32_t *map = wr_arena_alloc(a, sizeof(int32_t) * (nj + 1));
    if (!used || !map) return NULL;
    memset(used, 0, nj + 1);
    for (uint32_t i = 0; i < calc->ncols; i++)
        wr_px_columns(calc->calc.proj[i], used);
    wr_px_columns(calc->calc.filter, used);
    wr_px_columns(j->join.cond, used);
    for (uint32_t k = 0; k < j->join.nkeys; k++) {
        used[j->join.lkeys[k]] = true;
        used[nl + j->join.rkeys[k]] = true;
    }
    if (j->kind == WR_LK_INTERVAL_JOIN) {
        used[j->join.ltime] = true;
        used[nl + j->join.rtime] = true;
    }
    if (j->kind == WR_LK_WINDOW_JOIN) {
        used[j->join.lws] = used[j->join.lwe] = true;
        used[nl + j->join.rws] = used[nl + j->join.rwe] = true;
    }
    uint32_t kl = 0, kr = 0;
    for (uint32_t i = 0; i < nj; i++) {
        if (!used[i]) {
            map[i] = -1;
            continue;
        }
        map[i] = (int32_t)(kl + kr);
        if (i < nl)
            kl++;
        else
            kr++;
    }
    if (kl == nl && kr == nr) return NULL;
    if (kl == 0 || kr == 0) return NULL; /* keep at least one column per input */
    /* Right-side columns come after the kept left ones. */
    for (uint32_t i = nl; i < nj; i++)
        if (map[i] >= 0) map[i] = (int32_t)kl + (map[i] - (int32_t)kl);
    wr_lnode *side[2];
    for (int sd = 0; sd < 2; sd++) {
        wr_lnode *in = sd ? r : l;
        uint32_t base = sd ? nl : 0, keep = sd ? kr : kl;
        wr_lnode *p = wr_ln_new(a, WR_LK_CALC, 1, keep);
        if (!p) return NULL;
        p->inputs[0] = in;
        p->calc.proj = wr_arena_alloc(a, sizeof(wr_pexpr *) * keep);
        if (!p->calc.proj) return NULL;
        uint32_t k = 0;
        for (uint32_t i = 0; i < in->ncols; i++) {
            if (!used[base + i]) continue;
            p->calc.proj[k] = wr_px_col(a, i, in->cols[i].type);
            p->cols[k++] = in->cols[i];
        }
        p->pos = in->pos;
        wr_ln_derive(a, p);
        side[sd] = rewrite(o, p);
        if (!side[sd]) return NULL;
    }
    wr_lnode *nj2 = dup_node(a, j);
    if (!nj2) return NULL;
    nj2->inputs[0] = side[0];
    nj2->inputs[1] = side[1];
    nj2->ncols = kl + kr;
    for (uint32_t i = 0; i < nj; i++)
        if (map[i] >= 0) nj2->cols[map[i]] = j->cols[i];
    uint32_t *lk = wr_arena_alloc(a, sizeof(uint32_t) * (j->join.nkeys + 1));
    uint32_t *rk = wr_arena_alloc(a, sizeof(uint32_t) * (j->join.nkeys + 1));
    if (!lk || !rk) return NULL;
    for (uint32_t k = 0; k < j->join.nkeys; k++) {
        lk[k] = (uint32_t)map[j->join.lkeys[k]];
        rk[k] = (uint32_t)map[nl + j->join.rkeys[k]] - kl;
    }
    nj2->join.lkeys = lk;
    nj2->join.rkeys = rk;
    if (j->join.cond) nj2->join.cond = wr_px_remap(a, j->join.cond, map);
    if (j->kind == WR_LK_INTERVAL_JOIN) {
        nj2->join.ltime = (uint32_t)map[j->join.ltime];
        nj2->join.rtime = (uint32_t)map[nl + j->join.rtime] - kl;
    }
    if (j->kind == WR_LK_WINDOW_JOIN) {
        nj2->join.lws = (uint32_t)map[j->join.lws];
        nj2->join.lwe = (uint32_t)map[j->join.lwe];
        nj2->join.rws = (uint32_t)map[nl + j->join.rws] - kl;
        nj2->join.rwe = (uint32_t)map[nl + j->join.rwe] - kl;
    }
    wr_ln_derive(a, nj2);
    wr_lnode *top = dup_node(a, calc);
    if (!top) return NULL;
    top->inputs[0] = nj2;
    top->calc.proj = wr_arena_alloc(a, sizeof(wr_pexpr *) * (calc->ncols ? calc->ncols : 1));
    if (!top->calc.proj) return NULL;
    for (uint32_t i = 0; i < calc->ncols; i++)
        top->calc.proj[i] = wr_px_remap(a, calc->calc.proj[i], map);
    if (calc->calc.filter) top->calc.filter = wr_px_remap(a, calc->calc.filter, map);
    wr_ln_derive(a, top);
    return top;
}

static wr_lnode *rewrite_calc(opt *o, wr_lnode *n)
{
    wr_pctx *c = o->c;
    wr_arena *a = c->a;
    /* Fold constants. */
    wr_pexpr **proj = fold_all(a, n->calc.proj, n->ncols);
    wr_pexpr *filter = simplify_filter(a, n->calc.filter);
    if (!proj) return n;
    wr_lnode *m = dup_node(a, n);
    if (!m) return n;
    m->calc.proj = proj;
    m->calc.filter = filter;
    wr_ln_derive(a, m);
    wr_lnode *in = m->inputs[0];
    switch ((wr_lkind)in->kind) {
    case WR_LK_CALC: {
        wr_lnode *merged = merge_calcs(c, m, in);
        return merged ? rewrite(o, merged) : m;
    }
    case WR_LK_SCAN: {
        wr_lnode *merged = merge_into_scan(c, m, in);
        return merged ? merged : m;
    }
    case WR_LK_JOIN:
    case WR_LK_INTERVAL_JOIN:
    case WR_LK_WINDOW_JOIN: {
        wr_lnode *pushed = push_join_filter(o, m);
        if (pushed) m = pushed;
        wr_lnode *pruned = prune_join(o, m);
        if (pruned) m = pruned;
        break;
    }
    case WR_LK_OVER_RANK: {
        if (!m->calc.filter || !o->ranks) break;
        wr_lnode *r = recognise_rank(c, m);
        if (r) return rewrite(o, r);
        break;
    }
    default:
        break;
    }
    if (is_identity(m)) return m->inputs[0];
    return m;
}

static wr_lnode *rewrite(opt *o, wr_lnode *n)
{
    wr_pctx *c = o->c;
    wr_arena *a = c->a;
    bool changed = false;
    wr_lnode **ins = n->ninputs ? wr_arena_alloc(a, sizeof(wr_lnode *) * n->ninputs) : NULL;
    for (uint32_t i = 0; i < n->ninputs; i++) {
        ins[i] = rewrite(o, n->inputs[i]);
        if (!ins[i]) return NULL;
        if (ins[i] != n->inputs[i]) changed = true;
    }
    wr_lnode *m = n;
    if (changed) {
        m = dup_node(a, n);
        if (!m) return NULL;
        memcpy(m->inputs, ins, sizeof(wr_lnode *) * n->ninputs);
        wr_ln_derive(a, m);
    }
    if (m->kind == WR_LK_CALC) return rewrite_calc(o, m);
    if (m->kind == WR_LK_SCAN) {
        wr_lnode *s = dup_node(a, m);
        if (!s) return m;
        s->scan.exprs = fold_all(a, m->scan.exprs, m->ncols);
        s->scan.filter = simplify_filter(a, m->scan.filter);
        if (!s->scan.exprs) return m;
        return s;
    }
    return m;
}

/* ------------------------------------------------------------------------------------------
 * Checks and changelog negotiation
 * ---------------------------------------------------------------------------------------- */
/* The node closest to n that turns an append-only stream into an updating one. */
static const wr_lnode *update_producer(const wr_lnode *n)
{
    for (;;) {
        const wr_lnode *next = NULL;
        for (uint32_t i = 0; i < n->ninputs && !next; i++)
            if (n->inputs[i]->cl != WR_CL_APPEND) next = n->inputs[i];
        if (!next) return n;
        n = next;
    }
}

static int refuse_updates(wr_pctx *c, const wr_lnode *consumer, const char *what,
                          const wr_lnode *input)
{
    wr_buf b;
    wr_buf_init(&b);
    wr_ln_digest(update_producer(input), &b, false);
    wr_pctx_error(c, consumer->pos,
                  "%s doesn't support consuming update changes which is produced by node %s", what,
                  b.ptr);
    wr_buf_free(&b);
    return WR_EINVAL;
}

static int check(wr_pctx *c, const wr_lnode *n)
{
    for (uint32_t i = 0; i < n->ninputs; i++)
        if (check(c, n->inputs[i]) != WR_OK) return WR_EINVAL;
    const wr_lnode *in = n->ninputs ? n->inputs[0] : NULL;
    switch ((wr_lkind)n->kind) {
    case WR_LK_OVER_RANK:
        return wr_pctx_error(c, n->pos,
                             "ROW_NUMBER() OVER (...) must be filtered on the row number in the "
                             "enclosing query (WHERE rn <= N, or rn = 1 for deduplication)");
    case WR_LK_WINDOW_TVF:
        if (n->wtvf.spec.kind == WR_WINDOW_SESSION)
            return wr_pctx_error(c, n->pos,
                                 "a SESSION window table function must be followed by a window "
                                 "aggregation (GROUP BY window_start, window_end, ...)");
        if (in->cl != WR_CL_APPEND) return refuse_updates(c, n, "WindowTableFunction", in);
        break;
    case WR_LK_WINDOW_AGG:
    case WR_LK_WINDOW_RANK:
    case WR_LK_WINDOW_DEDUP:
    case WR_LK_INTERVAL_JOIN:
    case WR_LK_WINDOW_JOIN:
        for (uint32_t i = 0; i < n->ninputs; i++)
            if (n->inputs[i]->cl != WR_CL_APPEND)
                return refuse_updates(c, n, wr_ln_kind_name(n->kind), n->inputs[i]);
        break;
    case WR_LK_DEDUP:
        if (in->cl != WR_CL_APPEND && (n->rank.rowtime || !n->rank.keep_last))
            return refuse_updates(c, n, "Deduplicate", in);
        break;
    case WR_LK_SINK:
        if (n->sink.table && n->sink.append_only && in->cl != WR_CL_APPEND) {
            char what[300];
            snprintf(what, sizeof what, "Table sink '%s'", n->sink.table->name);
            return refuse_updates(c, n, what, in);
        }
        break;
    default:
        break;
    }
    return WR_OK;
}

/* Drop -U from the producer of an updating stream when every node between it and an upsert
 * sink is a projection that keeps the producer's unique key, and that key is the sink's
 * primary key. Returns the (possibly rebuilt) node. */
static wr_lnode *drop_ub(wr_pctx *c, wr_lnode *n, const uint32_t *keys, uint32_t nkeys)
{
    wr_arena *a = c->a;
    if (n->kind == WR_LK_CALC && !n->calc.filter) {
        uint32_t *below = wr_arena_alloc(a, sizeof(uint32_t) * (nkeys + 1));
        if (!below) return n;
        for (uint32_t i = 0; i < nkeys; i++)
            if (!wr_px_is_col(n->calc.proj[keys[i]], &below[i])) return n;
        wr_lnode *in = drop_ub(c, n->inputs[0], below, nkeys);
        if (in == n->inputs[0]) return n;
        wr_lnode *m = dup_node(a, n);
        if (!m) return n;
        m->inputs[0] = in;
        wr_ln_derive(a, m);
        return m;
    }
    if ((n->kind == WR_LK_AGG || n->kind == WR_LK_DEDUP) && n->nukeys == (int32_t)nkeys) {
        for (uint32_t i = 0; i < nkeys; i++) {
            bool found = false;
            for (uint32_t k = 0; k < nkeys && !found; k++)
                found = n->ukeys[k] == keys[i];
            if (!found) return n;
        }
        wr_lnode *m = dup_node(a, n);
        if (!m) return n;
        if (n->kind == WR_LK_AGG)
            m->agg.emit_ub = false;
        else
            m->rank.emit_ub = false;
        wr_ln_derive(a, m);
        return m;
    }
    return n;
}

wr_lnode *wr_optimize(wr_pctx *c, wr_lnode *root)
{
    opt o = {.c = c, .ranks = false};
    wr_lnode *r = rewrite(&o, root);
    if (!r || c->failed) return NULL;
    o.ranks = true;
    r = rewrite(&o, r);
    if (!r || c->failed) return NULL;
    if (check(c, r) != WR_OK) return NULL;
    if (r->kind == WR_LK_SINK && r->sink.table && r->sink.upsert &&
        r->inputs[0]->cl != WR_CL_APPEND) {
        const wr_catalog_entry *t = r->sink.table;
        uint32_t keys[64];
        uint32_t nk = WR_MIN(t->npk, 64u);
        for (uint32_t i = 0; i < nk; i++)
            keys[i] = t->cols[t->pk[i]].phys;
        wr_lnode *in = drop_ub(c, r->inputs[0], keys, nk);
        if (in != r->inputs[0]) {
            wr_lnode *m = dup_node(c->a, r);
            if (!m) return NULL;
            m->inputs[0] = in;
            wr_ln_derive(c->a, m);
            r = m;
        }
    }
    uint64_t seed = 0;
    if (r->kind == WR_LK_SINK)
        seed = r->sink.table ? wr_hash_bytes(r->sink.table->name, strlen(r->sink.table->name))
                             : r->sink.index;
    wr_ln_assign_ids(r, seed);
    return r;
}
