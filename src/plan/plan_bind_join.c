/* plan_bind_join.c - binding of joins. The join condition (ON, or WHERE for FROM a, b) is
 * split into conjuncts and classified:
 *   - equalities between a left and a right expression are the join keys (expressions and
 *     keys of different types become extra key columns computed before the join, cast to a
 *     common type, and projected away after it);
 *   - bounds between a left and a right rowtime (l.ts BETWEEN r.ts - INTERVAL .. AND r.ts +
 *     INTERVAL .., <, <=, >, >=, =) make an interval join;
 *   - equalities of both sides' window_start and window_end (from window table functions or
 *     window aggregations) make a window join;
 *   - for inner joins, conjuncts over one side only are pushed into that side as filters;
 *   - the rest is the residual predicate.
 * A join without any equality (and not a window join) is not supported, as in Flink's
 * streaming mode. */
#include "plan/plan_bind.h"

#include <string.h>

static wr_pexpr *and_all(wr_arena *a, wr_pexpr **t, uint32_t n)
{
    wr_error err = {0};
    return n ? wr_px_and(a, t, n, &err) : NULL;
}

/* Which sides an expression references: bit 0 left, bit 1 right. */
static int sides(const wr_pexpr *e, uint32_t nl)
{
    if (!e) return 0;
    if (e->kind == WR_PX_COL) return e->col < nl ? 1 : 2;
    int s = 0;
    for (uint32_t i = 0; i < e->nargs; i++)
        s |= sides(e->args[i], nl);
    return s;
}

/* e as COL(t) + c (c microseconds) where t is a rowtime column; false otherwise. */
static bool time_plus(const wr_pexpr *e, uint32_t *col, int64_t *c)
{
    if (e->kind == WR_PX_COL) {
        if (e->type.time_attr != WR_TIME_ATTR_ROWTIME) return false;
        *col = e->col;
        *c = 0;
        return true;
    }
    if (e->kind == WR_PX_CALL && e->nargs == 2 &&
        (strcmp(e->fn, "+") == 0 || strcmp(e->fn, "-") == 0)) {
        const wr_pexpr *x = e->args[0], *y = e->args[1];
        bool plus = e->fn[0] == '+';
        if (plus && y->kind == WR_PX_COL && x->kind == WR_PX_LIT) {
            const wr_pexpr *t = x;
            x = y;
            y = t;
        }
        if (x->kind != WR_PX_COL || x->type.time_attr != WR_TIME_ATTR_ROWTIME) return false;
        if (y->kind != WR_PX_LIT || y->val.is_null || y->type.id != WR_TYPE_INTERVAL_DT)
            return false;
        *col = x->col;
        *c = plus ? y->val.i : -y->val.i;
        return true;
    }
    return false;
}

typedef struct interval_acc {
    bool have_lower, have_upper;
    int64_t lower, upper;
    bool lower_excl, upper_excl;
    uint32_t lt, rt;
    bool cols_set;
} interval_acc;

/* l.t OP r.t + d, as a bound on l.t - r.t. */
static bool interval_bound(interval_acc *acc, const char *op, uint32_t lt, uint32_t rt, int64_t d)
{
    if (acc->cols_set && (acc->lt != lt || acc->rt != rt)) return false;
    bool ge = strcmp(op, ">=") == 0, gt = strcmp(op, ">") == 0;
    bool le = strcmp(op, "<=") == 0, lt_ = strcmp(op, "<") == 0, eq = strcmp(op, "=") == 0;
    if (!(ge || gt || le || lt_ || eq)) return false;
    acc->cols_set = true;
    acc->lt = lt;
    acc->rt = rt;
    if (ge || gt || eq) {
        if (!acc->have_lower || d > acc->lower || (d == acc->lower && gt)) {
            acc->lower = d;
            acc->lower_excl = gt;
        }
        acc->have_lower = true;
    }
    if (le || lt_ || eq) {
        if (!acc->have_upper || d < acc->upper || (d == acc->upper && lt_)) {
            acc->upper = d;
            acc->upper_excl = lt_;
        }
        acc->have_upper = true;
    }
    return true;
}

static const char *flip(const char *op)
{
    if (strcmp(op, "<") == 0) return ">";
    if (strcmp(op, "<=") == 0) return ">=";
    if (strcmp(op, ">") == 0) return "<";
    if (strcmp(op, ">=") == 0) return "<=";
    return op;
}

/* A comparison between the two sides' rowtimes; adds its bound. */
static bool interval_term(interval_acc *acc, const wr_pexpr *t, uint32_t nl)
{
    if (t->kind != WR_PX_CALL) return false;
    if (strcmp(t->fn, "BETWEEN") == 0 && t->nargs == 3) {
        interval_acc tmp = *acc;
        uint32_t c0, c1, c2;
        int64_t d0, d1, d2;
        if (!time_plus(t->args[0], &c0, &d0) || !time_plus(t->args[1], &c1, &d1) ||
            !time_plus(t->args[2], &c2, &d2) || c1 != c2)
            return false;
        bool x_left = c0 < nl;
        if (x_left == (c1 < nl)) return false;
        /* x BETWEEN y+d1 AND y+d2 */
        if (x_left) {
            if (!interval_bound(&tmp, ">=", c0, c1 - nl, d1 - d0) ||
                !interval_bound(&tmp, "<=", c0, c1 - nl, d2 - d0))
                return false;
        } else {
            /* r + d0 >= l + d1  <=>  l <= r + d0 - d1 */
            if (!interval_bound(&tmp, "<=", c1, c0 - nl, d0 - d1) ||
                !interval_bound(&tmp, ">=", c1, c0 - nl, d0 - d2))
                return false;
        }
        *acc = tmp;
        return true;
    }
    if (t->nargs != 2) return false;
    uint32_t ca, cb;
    int64_t da, db;
    if (!time_plus(t->args[0], &ca, &da) || !time_plus(t->args[1], &cb, &db)) return false;
    if ((ca < nl) == (cb < nl)) return false;
    const char *op = t->fn;
    if (ca < nl) /* l + da OP r + db  <=>  l OP r + (db - da) */
        return interval_bound(acc, op, ca, cb - nl, db - da);
    /* r + da OP l + db  <=>  l flip(OP) r + (da - db) */
    return interval_bound(acc, flip(op), cb, ca - nl, da - db);
}

/* Same window on both sides (for a window join). */
static bool same_window(const wr_lnode *a, const wr_lnode *b)
{
    const wr_window_spec *x = a->kind == WR_LK_WINDOW_TVF ? &a->wtvf.spec : &a->wagg.spec;
    const wr_window_spec *y = b->kind == WR_LK_WINDOW_TVF ? &b->wtvf.spec : &b->wagg.spec;
    return x->kind == y->kind && x->size_us == y->size_us && x->slide_us == y->slide_us &&
           x->offset_us == y->offset_us && x->gap_us == y->gap_us;
}

static wr_lnode *append_cols(wr_pctx *c, wr_lnode *in, wr_pexpr **extra, uint32_t nextra,
                             const char *prefix)
{
    if (!nextra) return in;
    uint32_t n = in->ncols + nextra;
    wr_lnode *m = wr_ln_new(c->a, WR_LK_CALC, 1, n);
    if (!m) return NULL;
    m->inputs[0] = in;
    m->calc.proj = wr_arena_alloc(c->a, sizeof(wr_pexpr *) * n);
    if (!m->calc.proj) return NULL;
    for (uint32_t i = 0; i < in->ncols; i++) {
        m->calc.proj[i] = wr_px_col(c->a, i, in->cols[i].type);
        m->cols[i] = in->cols[i];
    }
    for (uint32_t k = 0; k < nextra; k++) {
        m->calc.proj[in->ncols + k] = extra[k];
        m->cols[in->ncols + k] =
            (wr_field){.name = wr_psprintf(c->a, "%s%u", prefix, k), .type = extra[k]->type};
    }
    m->pos = in->pos;
    wr_ln_derive(c->a, m);
    return m;
}

static wr_lnode *filter_side(wr_pctx *c, wr_lnode *in, wr_pexpr **terms, uint32_t n)
{
    if (!n) return in;
    wr_lnode *m = wr_ln_new(c->a, WR_LK_CALC, 1, in->ncols);
    if (!m) return NULL;
    m->inputs[0] = in;
    m->calc.filter = and_all(c->a, terms, n);
    m->calc.proj = wr_arena_alloc(c->a, sizeof(wr_pexpr *) * (in->ncols ? in->ncols : 1));
    if (!m->calc.proj || !m->calc.filter) return NULL;
    for (uint32_t i = 0; i < in->ncols; i++) {
        m->calc.proj[i] = wr_px_col(c->a, i, in->cols[i].type);
        m->cols[i] = in->cols[i];
    }
    m->pos = in->pos;
    wr_ln_derive(c->a, m);
    return m;
}

/* Analyse the condition of an INNER/LEFT/RIGHT/FULL join of l and r and build the node. */
static wr_lnode *analyse(wr_pctx *c, wr_join_type type, wr_lnode *l, wr_lnode *r, wr_pexpr *cond,
                         wr_sql_pos pos)
{
    wr_arena *a = c->a;
    uint32_t nl = l->ncols, nr = r->ncols;
    wr_pexpr **terms = NULL;
    uint32_t nt = 0, cap = 0;
    wr_px_conjuncts(a, cond, &terms, &nt, &cap);
    for (uint32_t i = 0; i < nt; i++) /* INTERVAL '1' MINUTE * 2 must be a literal here */
        terms[i] = wr_px_fold(a, terms[i]);
    uint32_t n = nt + 1;
    wr_pexpr **lk = wr_arena_alloc(a, sizeof(wr_pexpr *) * n);
    wr_pexpr **rk = wr_arena_alloc(a, sizeof(wr_pexpr *) * n);
    bool *ns = wr_arena_alloc(a, sizeof(bool) * n);
    wr_pexpr **rest = wr_arena_alloc(a, sizeof(wr_pexpr *) * n);
    wr_pexpr **lpush = wr_arena_alloc(a, sizeof(wr_pexpr *) * n);
    wr_pexpr **rpush = wr_arena_alloc(a, sizeof(wr_pexpr *) * n);
    bool *used_as_interval = wr_arena_alloc(a, sizeof(bool) * n);
    if (!lk || !rk || !ns || !rest || !lpush || !rpush || !used_as_interval) return NULL;
    uint32_t nk = 0, nrest = 0, nlp = 0, nrp = 0;
    interval_acc iv = {0};
    int32_t lws = -1, lwe = -1, rws = -1, rwe = -1;
    const wr_lnode *lsrc = NULL, *rsrc = NULL;
    for (uint32_t i = 0; i < nt; i++) {
        wr_pexpr *t = terms[i];
        used_as_interval[i] = false;
        int sd = sides(t, nl);
        if (sd == 1 && type == WR_JOIN_INNER) {
            lpush[nlp++] = t;
            continue;
        }
        if (sd == 2 && type == WR_JOIN_INNER) {
            /* Shift to the right input's columns. */
            int32_t *map = wr_arena_alloc(a, sizeof(int32_t) * (nl + nr));
            if (!map) return NULL;
            for (uint32_t k = 0; k < nl + nr; k++)
                map[k] = k < nl ? -1 : (int32_t)(k - nl);
            rpush[nrp++] = wr_px_remap(a, t, map);
            continue;
        }
        bool eq = t->kind == WR_PX_CALL && t->nargs == 2 &&
                  (strcmp(t->fn, "=") == 0 || strcmp(t->fn, "IS NOT DISTINCT FROM") == 0);
        if (eq) {
            int s0 = sides(t->args[0], nl), s1 = sides(t->args[1], nl);
            if ((s0 == 1 && s1 == 2) || (s0 == 2 && s1 == 1)) {
                wr_pexpr *x = s0 == 1 ? t->args[0] : t->args[1];
                wr_pexpr *y = s0 == 1 ? t->args[1] : t->args[0];
                /* Window columns of both sides make a window join, not keys. */
                uint32_t xc, yc;
                if (wr_px_is_col(x, &xc) && wr_px_is_col(y, &yc)) {
                    const wr_lnode *sa = NULL, *sb = NULL;
                    int ra = wr_ln_window_col(l, xc, &sa, NULL);
                    int rb = wr_ln_window_col(r, yc - nl, &sb, NULL);
                    if (ra && ra == rb && ra != 3 && (!lsrc || lsrc == sa) &&
                        (!rsrc || rsrc == sb)) {
                        lsrc = sa;
                        rsrc = sb;
                        if (ra == 1) {
                            lws = (int32_t)xc;
                            rws = (int32_t)(yc - nl);
                        } else {
                            lwe = (int32_t)xc;
                            rwe = (int32_t)(yc - nl);
                        }
                        continue;
                    }
                }
                if (interval_term(&iv, t, nl) && t->fn[0] == '=') {
                    /* l.ts = r.ts: also usable as an interval bound; keep as a key too. */
                    used_as_interval[i] = true;
                }
                lk[nk] = x;
                rk[nk] = y;
                ns[nk] = t->fn[0] != '=';
                nk++;
                continue;
            }
        }
        if (sd == 3 && interval_term(&iv, t, nl)) {
            used_as_interval[i] = true;
            continue;
        }
        rest[nrest++] = t;
    }
    bool window = lws >= 0 && lwe >= 0 && rws >= 0 && rwe >= 0;
    if ((lws >= 0 || lwe >= 0) && !window) {
        /* Only one of the window columns: plain keys after all. */
        if (lws >= 0) {
            lk[nk] = wr_px_col(a, (uint32_t)lws, l->cols[lws].type);
            rk[nk] = wr_px_col(a, (uint32_t)rws + nl, r->cols[rws].type);
            ns[nk++] = false;
        }
        if (lwe >= 0) {
            lk[nk] = wr_px_col(a, (uint32_t)lwe, l->cols[lwe].type);
            rk[nk] = wr_px_col(a, (uint32_t)rwe + nl, r->cols[rwe].type);
            ns[nk++] = false;
        }
    }
    if (window && !same_window(lsrc, rsrc)) {
        wr_pctx_error(c, pos,
                      "a window join needs both inputs to use the same window (same "
                      "function, size, slide and offset)");
        return NULL;
    }
    bool interval = !window && iv.have_lower && iv.have_upper;
    if (!window && !interval && (iv.have_lower || iv.have_upper)) {
        /* A one-sided time bound stays in the residual. */
        for (uint32_t i = 0; i < nt; i++)
            if (used_as_interval[i] && terms[i]->fn[0] != '=') rest[nrest++] = terms[i];
    }
    if (interval) {
        /* Drop the key made from l.ts = r.ts: the interval covers it. */
        uint32_t w = 0;
        for (uint32_t k = 0; k < nk; k++) {
            uint32_t xc, yc;
            if (wr_px_is_col(lk[k], &xc) && wr_px_is_col(rk[k], &yc) && xc == iv.lt &&
                yc - nl == iv.rt && nk > 1)
                continue;
            lk[w] = lk[k];
            rk[w] = rk[k];
            ns[w++] = ns[k];
        }
        nk = w;
    }
    if (nk == 0 && !window) {
        wr_pctx_unsupported(c, pos,
                            "joins without an equality condition between the two "
                            "inputs (cross joins and theta joins)");
        return NULL;
    }
    if (interval && type != WR_JOIN_INNER && type != WR_JOIN_LEFT && type != WR_JOIN_RIGHT &&
        type != WR_JOIN_FULL) {
        wr_pctx_unsupported(c, pos, "this join type as an interval join");
        return NULL;
    }
    /* Keys: plain columns of one physical type, or extra columns cast to a common type. */
    wr_pexpr **lextra = wr_arena_alloc(a, sizeof(wr_pexpr *) * (nk + 1));
    wr_pexpr **rextra = wr_arena_alloc(a, sizeof(wr_pexpr *) * (nk + 1));
    uint32_t *lkc = wr_arena_alloc(a, sizeof(uint32_t) * (nk + 1));
    uint32_t *rkc = wr_arena_alloc(a, sizeof(uint32_t) * (nk + 1));
    if (!lextra || !rextra || !lkc || !rkc) return NULL;
    uint32_t nle = 0, nre = 0;
    int32_t *rmap = wr_arena_alloc(a, sizeof(int32_t) * (nl + nr));
    if (!rmap) return NULL;
    for (uint32_t k = 0; k < nl + nr; k++)
        rmap[k] = k < nl ? -1 : (int32_t)(k - nl);
    for (uint32_t k = 0; k < nk; k++) {
        wr_pexpr *x = lk[k];
        wr_pexpr *y = wr_px_remap(a, rk[k], rmap);
        wr_type tx = x->type, ty = y->type;
        tx.time_attr = ty.time_attr = WR_TIME_ATTR_NONE;
        bool same = wr_type_equal(&tx, &ty, true);
        wr_type common = tx;
        if (!same) {
            wr_error err = {0};
            wr_pexpr *args[2] = {wr_px_col(a, 0, tx), wr_px_col(a, 1, ty)};
            wr_pexpr *co = args[0] && args[1] ? wr_px_call(a, "COALESCE", args, 2, &err) : NULL;
            if (!co) {
                wr_buf b1, b2;
                wr_buf_init(&b1);
                wr_buf_init(&b2);
                wr_type_format(&tx, &b1);
                wr_type_format(&ty, &b2);
                wr_pctx_error(c, pos, "join keys of incompatible types %s and %s", b1.ptr, b2.ptr);
                wr_buf_free(&b1);
                wr_buf_free(&b2);
                return NULL;
            }
            common = co->type;
        }
        uint32_t col;
        wr_error err = {0};
        if (wr_px_is_col(x, &col) && same) {
            lkc[k] = col;
        } else {
            wr_pexpr *e = same ? x : wr_px_cast(a, x, wr_type_nullable(common), false, &err);
            if (!e) return NULL;
            lkc[k] = nl + nle;
            lextra[nle++] = e;
        }
        if (wr_px_is_col(y, &col) && same) {
            rkc[k] = col;
        } else {
            wr_pexpr *e = same ? y : wr_px_cast(a, y, wr_type_nullable(common), false, &err);
            if (!e) return NULL;
            rkc[k] = nr + nre;
            rextra[nre++] = e;
        }
    }
    /* Inputs: pushed filters, extra key columns. */
    wr_lnode *li = filter_side(c, l, lpush, nlp);
    wr_lnode *ri = filter_side(c, r, rpush, nrp);
    if (!li || !ri) return NULL;
    li = append_cols(c, li, lextra, nle, "$lk");
    ri = append_cols(c, ri, rextra, nre, "$rk");
    if (!li || !ri) return NULL;
    uint32_t nl2 = li->ncols, nr2 = ri->ncols;
    /* Residual over li ++ ri. */
    int32_t *map = wr_arena_alloc(a, sizeof(int32_t) * (nl + nr));
    if (!map) return NULL;
    for (uint32_t k = 0; k < nl + nr; k++)
        map[k] = k < nl ? (int32_t)k : (int32_t)(k - nl + nl2);
    for (uint32_t i = 0; i < nrest; i++)
        rest[i] = wr_px_remap(a, rest[i], map);
    wr_lkind kind = window ? WR_LK_WINDOW_JOIN : interval ? WR_LK_INTERVAL_JOIN : WR_LK_JOIN;
    wr_lnode *j = wr_ln_new(a, kind, 2, nl2 + nr2);
    if (!j) return NULL;
    j->inputs[0] = li;
    j->inputs[1] = ri;
    j->join.type = type;
    j->join.nkeys = nk;
    j->join.lkeys = lkc;
    j->join.rkeys = rkc;
    j->join.null_safe = ns;
    j->join.cond = and_all(a, rest, nrest);
    if (interval) {
        j->join.ltime = iv.lt;
        j->join.rtime = iv.rt;
        j->join.lower_us = iv.lower;
        j->join.upper_us = iv.upper;
        j->join.lower_excl = iv.lower_excl;
        j->join.upper_excl = iv.upper_excl;
    }
    if (window) {
        j->join.lws = (uint32_t)lws;
        j->join.lwe = (uint32_t)lwe;
        j->join.rws = (uint32_t)rws;
        j->join.rwe = (uint32_t)rwe;
    }
    bool lnull = type == WR_JOIN_RIGHT || type == WR_JOIN_FULL;
    bool rnull = type == WR_JOIN_LEFT || type == WR_JOIN_FULL;
    for (uint32_t i = 0; i < nl2; i++) {
        j->cols[i] = li->cols[i];
        if (lnull) j->cols[i].type.nullable = true;
    }
    for (uint32_t i = 0; i < nr2; i++) {
        j->cols[nl2 + i] = ri->cols[i];
        if (rnull) j->cols[nl2 + i].type.nullable = true;
    }
    /* A regular join materializes time attributes (as Flink's); so does the padded side of
     * an outer window or interval join. */
    for (uint32_t i = 0; i < nl2 + nr2; i++) {
        wr_type *t = &j->cols[i].type;
        if (kind == WR_LK_JOIN || type != WR_JOIN_INNER) t->time_attr = WR_TIME_ATTR_NONE;
    }
    /* Unique output names, as Calcite makes them (id, id0, ...). */
    for (uint32_t i = nl2; i < nl2 + nr2; i++) {
        bool dup = false;
        for (uint32_t k = 0; k < i && !dup; k++)
            dup = strcmp(j->cols[k].name, j->cols[i].name) == 0;
        for (uint32_t sfx = 0; dup; sfx++) {
            const char *cand = wr_psprintf(a, "%s%u", j->cols[i].name, sfx);
            dup = false;
            for (uint32_t k = 0; k < nl2 + nr2 && !dup; k++)
                dup = k != i && strcmp(j->cols[k].name, cand) == 0;
            if (!dup) j->cols[i].name = cand;
        }
    }
    j->pos = pos;
    wr_ln_derive(a, j);
    if (!nle && !nre) return j;
    /* Project the extra key columns away. */
    wr_lnode *p = wr_ln_new(a, WR_LK_CALC, 1, nl + nr);
    if (!p) return NULL;
    p->inputs[0] = j;
    p->calc.proj = wr_arena_alloc(a, sizeof(wr_pexpr *) * (nl + nr));
    if (!p->calc.proj) return NULL;
    for (uint32_t i = 0; i < nl + nr; i++) {
        uint32_t src = i < nl ? i : i - nl + nl2;
        p->calc.proj[i] = wr_px_col(a, src, j->cols[src].type);
        p->cols[i] = j->cols[src];
    }
    p->pos = pos;
    wr_ln_derive(a, p);
    return p;
}

static wr_brel make_brel(wr_pctx *c, wr_lnode *n, wr_brel l, wr_brel r)
{
    wr_brel out = {0};
    if (!n) return out;
    wr_scope *s = wr_arena_alloc(c->a, sizeof *s);
    if (!s) return out;
    s->ncols = l.scope->ncols + r.scope->ncols;
    s->cols = wr_arena_alloc(c->a, sizeof(wr_scope_col) * (s->ncols ? s->ncols : 1));
    if (!s->cols) return out;
    memcpy(s->cols, l.scope->cols, sizeof(wr_scope_col) * l.scope->ncols);
    memcpy(s->cols + l.scope->ncols, r.scope->cols, sizeof(wr_scope_col) * r.scope->ncols);
    for (uint32_t i = 0; i < s->ncols && i < n->ncols; i++)
        s->cols[i].type = n->cols[i].type;
    out.node = n;
    out.scope = s;
    return out;
}

wr_brel wr_bind_join(wr_pctx *c, const wr_sql_from *f, wr_brel l, wr_brel r)
{
    wr_brel none = {0};
    wr_join_type type;
    switch (f->join.kind) {
    case WR_SQL_JOIN_INNER:
        type = WR_JOIN_INNER;
        break;
    case WR_SQL_JOIN_LEFT:
        type = WR_JOIN_LEFT;
        break;
    case WR_SQL_JOIN_RIGHT:
        type = WR_JOIN_RIGHT;
        break;
    case WR_SQL_JOIN_FULL:
        type = WR_JOIN_FULL;
        break;
    case WR_SQL_JOIN_COMMA:
    case WR_SQL_JOIN_CROSS: {
        /* The condition comes from WHERE (wr_join_finish). */
        wr_lnode *j = wr_ln_new(c->a, WR_LK_JOIN, 2, l.node->ncols + r.node->ncols);
        if (!j) return none;
        j->inputs[0] = l.node;
        j->inputs[1] = r.node;
        j->join.type = WR_JOIN_INNER;
        j->join.pending = true;
        memcpy(j->cols, l.node->cols, sizeof(wr_field) * l.node->ncols);
        memcpy(j->cols + l.node->ncols, r.node->cols, sizeof(wr_field) * r.node->ncols);
        j->pos = f->pos;
        wr_ln_derive(c->a, j);
        return make_brel(c, j, l, r);
    }
    default:
        wr_pctx_unsupported(c, f->pos, "this join type");
        return none;
    }
    if (f->join.natural) {
        wr_pctx_unsupported(c, f->pos, "NATURAL JOIN (use ON)");
        return none;
    }
    if (f->join.nusing) {
        wr_pctx_unsupported(c, f->join.using_cols[0].pos, "JOIN ... USING (use ON)");
        return none;
    }
    if (!f->join.on) {
        wr_pctx_error(c, f->pos, "JOIN needs an ON condition");
        return none;
    }
    wr_scope *s = wr_arena_alloc(c->a, sizeof *s);
    if (!s) return none;
    s->ncols = l.scope->ncols + r.scope->ncols;
    s->cols = wr_arena_alloc(c->a, sizeof(wr_scope_col) * (s->ncols ? s->ncols : 1));
    if (!s->cols) return none;
    memcpy(s->cols, l.scope->cols, sizeof(wr_scope_col) * l.scope->ncols);
    memcpy(s->cols + l.scope->ncols, r.scope->cols, sizeof(wr_scope_col) * r.scope->ncols);
    wr_benv env = {.c = c, .scope = s, .clause = "a JOIN condition"};
    if (wr_ast_has_agg(f->join.on)) {
        wr_pctx_error(c, f->join.on->pos,
                      "aggregate functions are not allowed in a JOIN "
                      "condition");
        return none;
    }
    wr_pexpr *cond = wr_bind_expr(&env, f->join.on);
    if (!cond) return none;
    if (cond->type.id != WR_TYPE_BOOLEAN) {
        wr_pctx_error(c, f->join.on->pos, "the JOIN condition must be a BOOLEAN expression");
        return none;
    }
    wr_lnode *j = analyse(c, type, l.node, r.node, cond, f->pos);
    return make_brel(c, j, l, r);
}

wr_brel wr_join_finish(wr_pctx *c, wr_brel j, wr_pexpr *where, wr_sql_pos pos)
{
    wr_brel none = {0};
    if (!where) {
        wr_pctx_unsupported(c, pos,
                            "cross joins (FROM a, b needs an equality between a and b "
                            "in WHERE)");
        return none;
    }
    wr_lnode *l = j.node->inputs[0], *r = j.node->inputs[1];
    if (l->kind == WR_LK_JOIN && l->join.pending) {
        wr_pctx_unsupported(c, pos,
                            "FROM with more than two comma-separated tables (use JOIN "
                            "... ON)");
        return none;
    }
    wr_lnode *n = analyse(c, WR_JOIN_INNER, l, r, where, pos);
    if (!n) return none;
    wr_brel out = {.node = n, .scope = j.scope};
    for (uint32_t i = 0; i < j.scope->ncols && i < n->ncols; i++)
        j.scope->cols[i].type = n->cols[i].type;
    return out;
}
