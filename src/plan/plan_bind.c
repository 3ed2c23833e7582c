/* plan_bind.c - binding of queries into logical plans: FROM items (tables, views, CTEs,
 * subqueries, window table functions, joins), WHERE, SELECT lists with * expansion,
 * aggregation (regular GROUP BY/HAVING, window aggregation over a window TVF, legacy group
 * windows TUMBLE/HOP/SESSION(ts, ..) with their _START/_END/_ROWTIME functions), DISTINCT,
 * ROW_NUMBER() OVER (..) for Top-N and deduplication, UNION ALL, VALUES, ORDER BY and
 * LIMIT; and the INSERT / SELECT statements that put a sink on top. Every construct weir
 * does not handle yet fails with "not supported yet: <construct>" at its position. */
#include "plan/plan_bind.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/sql.h"

struct wr_cte_binding {
    const char *name;
    const wr_sql_cte *cte;
    const char *file;
    struct wr_cte_binding *next; /* the CTEs visible where this one was defined */
};

static wr_brel bind_from(wr_pctx *c, const wr_sql_from *f);
static wr_lnode *bind_query_inner(wr_pctx *c, const wr_sql_query *q);

/* ------------------------------------------------------------------------------------------
 * Node helpers
 * ---------------------------------------------------------------------------------------- */
static wr_lnode *mk_calc(wr_pctx *c, wr_lnode *in, wr_pexpr *filter, wr_pexpr **proj,
                         const char *const *names, uint32_t n)
{
    wr_lnode *node = wr_ln_new(c->a, WR_LK_CALC, 1, n);
    if (!node) return NULL;
    node->inputs[0] = in;
    node->calc.filter = filter;
    node->calc.proj = wr_arena_alloc(c->a, sizeof(wr_pexpr *) * (n ? n : 1));
    if (!node->calc.proj) return NULL;
    for (uint32_t i = 0; i < n; i++) {
        node->calc.proj[i] = proj[i];
        node->cols[i].name = names[i];
        node->cols[i].type = proj[i]->type;
    }
    node->pos = in->pos;
    wr_ln_derive(c->a, node);
    return node;
}

static wr_pexpr **identity(wr_pctx *c, const wr_lnode *in)
{
    wr_pexpr **p = wr_arena_alloc(c->a, sizeof(wr_pexpr *) * (in->ncols ? in->ncols : 1));
    if (!p) return NULL;
    for (uint32_t i = 0; i < in->ncols; i++)
        if (!(p[i] = wr_px_col(c->a, i, in->cols[i].type))) return NULL;
    return p;
}

static const char **names_of(wr_pctx *c, const wr_lnode *n)
{
    const char **r = wr_arena_alloc(c->a, sizeof(char *) * (n->ncols ? n->ncols : 1));
    if (!r) return NULL;
    for (uint32_t i = 0; i < n->ncols; i++)
        r[i] = n->cols[i].name;
    return r;
}

static wr_lnode *mk_filter(wr_pctx *c, wr_lnode *in, wr_pexpr *filter)
{
    wr_pexpr **p = identity(c, in);
    const char **names = names_of(c, in);
    if (!p || !names) return NULL;
    return mk_calc(c, in, filter, p, names, in->ncols);
}

/* A calc renaming the columns (names[i] NULL keeps the name). */
static wr_lnode *mk_rename(wr_pctx *c, wr_lnode *in, const char *const *names)
{
    wr_pexpr **p = identity(c, in);
    const char **nn = names_of(c, in);
    if (!p || !nn) return NULL;
    for (uint32_t i = 0; i < in->ncols; i++)
        if (names[i]) nn[i] = names[i];
    return mk_calc(c, in, NULL, p, nn, in->ncols);
}

/* Make names unique as Calcite does: a repeated name gets a number suffix. */
static void uniquify(wr_pctx *c, const char **names, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        bool dup = false;
        for (uint32_t k = 0; k < i && !dup; k++)
            dup = strcmp(names[k], names[i]) == 0;
        if (!dup) continue;
        for (uint32_t s = 0;; s++) {
            const char *cand = wr_psprintf(c->a, "%s%u", names[i], s);
            bool taken = false;
            for (uint32_t k = 0; k < n && !taken; k++)
                taken = k != i && strcmp(names[k], cand) == 0;
            if (!taken) {
                names[i] = cand;
                break;
            }
        }
    }
}

static bool require_boolean(wr_pctx *c, const wr_pexpr *p, wr_sql_pos pos, const char *clause)
{
    if (p->type.id == WR_TYPE_BOOLEAN || p->type.id == WR_TYPE_NULL) return true;
    wr_buf b;
    wr_buf_init(&b);
    wr_type_format(&p->type, &b);
    wr_pctx_error(c, pos, "%s must be a BOOLEAN expression, but it is %s", clause, b.ptr);
    wr_buf_free(&b);
    return false;
}

/* ------------------------------------------------------------------------------------------
 * Tables, views, CTEs
 * ---------------------------------------------------------------------------------------- */
static wr_lnode *scan_of(wr_pctx *c, const wr_catalog_entry *t, wr_sql_pos pos)
{
    uint32_t n = t->ncols;
    wr_lnode *node = wr_ln_new(c->a, WR_LK_SCAN, 0, n);
    if (!node) return NULL;
    node->scan.table = t;
    node->scan.exprs = wr_arena_alloc(c->a, sizeof(wr_pexpr *) * (n ? n : 1));
    if (!node->scan.exprs) return NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (!(node->scan.exprs[i] = wr_px_col(c->a, i, t->cols[i].type))) return NULL;
        node->cols[i].name = t->cols[i].name;
        node->cols[i].type = t->cols[i].type;
    }
    node->pos = pos;
    /* Make the source once to learn whether it is bounded and to report its errors here. */
    wr_source_def def = {0};
    wr_error err = {0};
    if (wr_connector_make_source(&t->options, t->phys, &def, &err) != WR_OK) {
        wr_pctx_error(c, pos, "table '%s' cannot be read: %s", t->name, err.msg);
        return NULL;
    }
    node->bounded = def.bounded;
    node->scan.source_par = def.parallelism;
    if (def.cfg && def.cfg_free) def.cfg_free(def.cfg);
    wr_ln_derive(c->a, node);
    return node;
}

static wr_lnode *rename_cols(wr_pctx *c, wr_lnode *n, const wr_sql_ident *cols, uint32_t ncols,
                             wr_sql_pos pos)
{
    if (!ncols) return n;
    if (ncols != n->ncols) {
        wr_pctx_error(c, pos, "%u column aliases given for a relation of %u columns", ncols,
                      n->ncols);
        return NULL;
    }
    const char **names = wr_arena_alloc(c->a, sizeof(char *) * ncols);
    if (!names) return NULL;
    for (uint32_t i = 0; i < ncols; i++)
        names[i] = cols[i].name;
    return mk_rename(c, n, names);
}

static struct wr_cte_binding *find_cte(wr_pctx *c, const char *name)
{
    for (struct wr_cte_binding *b = c->ctes; b; b = b->next)
        if (strcmp(b->name, name) == 0) return b;
    return NULL;
}

/* A named relation: CTE, view or table. */
static wr_lnode *bind_named(wr_pctx *c, const wr_sql_name *nm, wr_sql_pos pos)
{
    if (nm->nparts == 1) {
        struct wr_cte_binding *b = find_cte(c, nm->parts[0].name);
        if (b) {
            struct wr_cte_binding *saved = c->ctes;
            const char *saved_file = c->file;
            c->ctes = b->next;
            c->file = b->file;
            if (++c->view_depth > 64) {
                c->view_depth--;
                c->ctes = saved;
                wr_pctx_error(c, pos, "views and CTEs nested too deeply");
                return NULL;
            }
            wr_lnode *n = bind_query_inner(c, b->cte->query);
            c->view_depth--;
            c->ctes = saved;
            c->file = saved_file;
            if (n) n = rename_cols(c, n, b->cte->cols, b->cte->ncols, b->cte->pos);
            return n;
        }
    }
    const char *name = wr_catalog_object_name(c, nm);
    if (!name) return NULL;
    wr_catalog *cat = wr_session_catalog(c->sess);
    const wr_catalog_entry *e = wr_catalog_lookup(cat, name);
    wr_sql_pos npos = nm->parts[nm->nparts - 1].pos;
    if (!e) {
        const char *sug = wr_catalog_suggest(cat, name);
        for (struct wr_cte_binding *b = c->ctes; !sug && b; b = b->next) {
            const char *cands[2] = {b->name, NULL};
            sug = wr_plan_suggest(name, cands);
        }
        if (sug)
            wr_pctx_error(c, npos, "object '%s' not found; did you mean '%s'?", name, sug);
        else
            wr_pctx_error(c, npos, "object '%s' not found", name);
        return NULL;
    }
    if (e->broken) {
        c->failed = true; /* its CREATE was reported */
        return NULL;
    }
    if (!e->is_view) return scan_of(c, e, npos);
    const char *saved_file = c->file;
    struct wr_cte_binding *saved = c->ctes;
    c->file = e->file;
    c->ctes = NULL;
    if (++c->view_depth > 64) {
        c->view_depth--;
        c->file = saved_file;
        c->ctes = saved;
        wr_pctx_error(c, npos, "views nested too deeply");
        return NULL;
    }
    wr_lnode *n = bind_query_inner(c, e->query);
    c->view_depth--;
    c->file = saved_file;
    c->ctes = saved;
    if (n && e->view_cols) n = mk_rename(c, n, e->view_cols);
    return n;
}

/* ------------------------------------------------------------------------------------------
 * Window table functions
 * ---------------------------------------------------------------------------------------- */
static const wr_sql_expr *tvf_arg(const wr_sql_call *cl, uint32_t pos, const char *name,
                                  bool *named_any)
{
    for (uint32_t i = 0; i < cl->nargs; i++) {
        const wr_sql_expr *a = cl->args[i];
        if (a->kind == WR_SQL_E_NAMED_ARG) {
            *named_any = true;
            if (strcasecmp(a->named_arg.name.name, name) == 0) return a->named_arg.value;
        }
    }
    if (*named_any) return NULL;
    return pos < cl->nargs ? cl->args[pos] : NULL;
}

static wr_brel bind_window_tvf(wr_pctx *c, const wr_sql_from *f, const char *fn)
{
    wr_brel r = {0};
    const wr_sql_expr *ce = f->func.call;
    const wr_sql_call *cl = &ce->call;
    wr_window_spec spec = {0};
    bool named = false;
    for (uint32_t i = 0; i < cl->nargs; i++)
        if (cl->args[i]->kind == WR_SQL_E_NAMED_ARG) named = true;
    const wr_sql_expr *data = tvf_arg(cl, 0, "DATA", &named);
    const wr_sql_expr *timecol = tvf_arg(cl, 1, "TIMECOL", &named);
    const wr_sql_expr *p1 = NULL, *p2 = NULL, *off = NULL;
    uint32_t maxargs = 4;
    if (strcmp(fn, "TUMBLE") == 0) {
        spec.kind = WR_WINDOW_TUMBLE;
        p1 = tvf_arg(cl, 2, "SIZE", &named);
        off = tvf_arg(cl, 3, "OFFSET", &named);
    } else if (strcmp(fn, "HOP") == 0) {
        spec.kind = WR_WINDOW_HOP;
        p1 = tvf_arg(cl, 2, "SLIDE", &named);
        p2 = tvf_arg(cl, 3, "SIZE", &named);
        off = tvf_arg(cl, 4, "OFFSET", &named);
        maxargs = 5;
    } else if (strcmp(fn, "CUMULATE") == 0) {
        spec.kind = WR_WINDOW_CUMULATE;
        p1 = tvf_arg(cl, 2, "STEP", &named);
        p2 = tvf_arg(cl, 3, "SIZE", &named);
        off = tvf_arg(cl, 4, "OFFSET", &named);
        maxargs = 5;
    } else {
        spec.kind = WR_WINDOW_SESSION;
        p1 = tvf_arg(cl, 2, "GAP", &named);
        maxargs = 3;
    }
    if (!named && cl->nargs > maxargs) {
        wr_pctx_error(c, cl->args[maxargs]->pos, "too many arguments for %s (at most %u)", fn,
                      maxargs);
        return r;
    }
    if (!data || data->kind != WR_SQL_E_TABLE_ARG) {
        wr_pctx_error(c, data ? data->pos : ce->pos,
                      "%s expects TABLE t as its first argument (DATA)", fn);
        return r;
    }
    if (!timecol || timecol->kind != WR_SQL_E_DESCRIPTOR || timecol->descriptor.ncols != 1) {
        wr_pctx_error(c, timecol ? timecol->pos : ce->pos,
                      "%s expects DESCRIPTOR(time_column) as its second argument (TIMECOL)", fn);
        return r;
    }
    if (!p1 || ((spec.kind == WR_WINDOW_HOP || spec.kind == WR_WINDOW_CUMULATE) && !p2)) {
        wr_pctx_error(c, ce->pos, "%s: missing window size arguments", fn);
        return r;
    }
    if (data->table_arg.norder_by) {
        wr_pctx_unsupported(c, data->pos, "ORDER BY in a TABLE argument");
        return r;
    }
    if (data->table_arg.npartition_by && spec.kind != WR_WINDOW_SESSION) {
        wr_pctx_error(c, data->table_arg.partition_by[0]->pos,
                      "PARTITION BY is only allowed for SESSION windows");
        return r;
    }
    /* Input relation. */
    wr_lnode *in;
    const char *qual = NULL;
    if (data->table_arg.query) {
        in = wr_bind_query(c, data->table_arg.query);
    } else {
        in = bind_named(c, &data->table_arg.table, data->pos);
        qual = data->table_arg.table.parts[data->table_arg.table.nparts - 1].name;
    }
    if (!in) return r;
    /* Time column. */
    const wr_sql_ident *tc = &timecol->descriptor.cols[0];
    int ti = -1;
    for (uint32_t i = 0; i < in->ncols; i++)
        if (strcmp(in->cols[i].name, tc->name) == 0) ti = (int)i;
    if (ti < 0) {
        const char **cands = wr_arena_alloc(c->a, sizeof(char *) * (in->ncols + 1));
        for (uint32_t i = 0; cands && i < in->ncols; i++)
            cands[i] = in->cols[i].name;
        if (cands) cands[in->ncols] = NULL;
        const char *sug = cands ? wr_plan_suggest(tc->name, cands) : NULL;
        if (sug)
            wr_pctx_error(c, tc->pos,
                          "column '%s' not found in the input of %s; did you mean "
                          "'%s'?",
                          tc->name, fn, sug);
        else
            wr_pctx_error(c, tc->pos, "column '%s' not found in the input of %s", tc->name, fn);
        return r;
    }
    wr_type tt = in->cols[ti].type;
    if (tt.time_attr == WR_TIME_ATTR_PROCTIME) {
        wr_pctx_unsupported(c, tc->pos,
                            "processing-time windows (DESCRIPTOR of a PROCTIME() "
                            "column)");
        return r;
    }
    if (tt.time_attr != WR_TIME_ATTR_ROWTIME) {
        wr_buf b;
        wr_buf_init(&b);
        wr_type_format(&tt, &b);
        wr_pctx_error(c, tc->pos,
                      "the window function requires the time column '%s' to be a time attribute "
                      "(declare a WATERMARK for it), but it is %s",
                      tc->name, b.ptr);
        wr_buf_free(&b);
        return r;
    }
    int64_t v1 = 0, v2 = 0, voff = 0;
    if (!wr_bind_interval(c, p1, &v1)) return r;
    if (p2 && !wr_bind_interval(c, p2, &v2)) return r;
    if (off && !wr_bind_interval(c, off, &voff)) return r;
    switch (spec.kind) {
    case WR_WINDOW_TUMBLE:
        spec.size_us = v1;
        break;
    case WR_WINDOW_HOP:
    case WR_WINDOW_CUMULATE:
        spec.slide_us = v1;
        spec.size_us = v2;
        break;
    case WR_WINDOW_SESSION:
        spec.gap_us = v1;
        break;
    }
    spec.offset_us = voff;
    wr_error err = {0};
    if (wr_window_spec_check(&spec, &err) != WR_OK) {
        wr_pctx_error(c, ce->pos, "%s", err.msg);
        return r;
    }
    uint32_t np = data->table_arg.npartition_by;
    wr_lnode *n = wr_ln_new(c->a, WR_LK_WINDOW_TVF, 1, in->ncols + 3);
    if (!n) return r;
    n->inputs[0] = in;
    n->wtvf.spec = spec;
    n->wtvf.rowtime = (uint32_t)ti;
    n->wtvf.npart = np;
    n->wtvf.part = wr_arena_alloc(c->a, sizeof(uint32_t) * (np ? np : 1));
    if (!n->wtvf.part) return r;
    wr_scope *in_scope = wr_scope_of(c->a, in, qual);
    for (uint32_t k = 0; k < np; k++) {
        wr_benv env = {.c = c, .scope = in_scope, .clause = "PARTITION BY"};
        wr_pexpr *p = wr_bind_expr(&env, data->table_arg.partition_by[k]);
        if (!p) return r;
        if (!wr_px_is_col(p, &n->wtvf.part[k])) {
            wr_pctx_unsupported(c, data->table_arg.partition_by[k]->pos,
                                "PARTITION BY expressions (use columns)");
            return r;
        }
    }
    for (uint32_t i = 0; i < in->ncols; i++) {
        n->cols[i] = in->cols[i];
        if (i == (uint32_t)ti) n->cols[i].type.time_attr = WR_TIME_ATTR_NONE;
    }
    wr_type ts = wr_type_not_null(wr_type_timestamp(3));
    wr_type wt = wr_type_not_null(tt.id == WR_TYPE_TIMESTAMP_LTZ ? wr_type_timestamp_ltz(3)
                                                                 : wr_type_timestamp(3));
    wt.time_attr = WR_TIME_ATTR_ROWTIME;
    n->cols[in->ncols] = (wr_field){.name = "window_start", .type = ts};
    n->cols[in->ncols + 1] = (wr_field){.name = "window_end", .type = ts};
    n->cols[in->ncols + 2] = (wr_field){.name = "window_time", .type = wt};
    n->pos = ce->pos;
    wr_ln_derive(c->a, n);
    r.node = n;
    r.scope = wr_scope_of(c->a, n, f->alias ? f->alias->name : qual);
    return r;
}

/* ------------------------------------------------------------------------------------------
 * FROM
 * ---------------------------------------------------------------------------------------- */
static wr_brel bind_from(wr_pctx *c, const wr_sql_from *f)
{
    wr_brel r = {0};
    const char *alias = f->alias ? f->alias->name : NULL;
    switch (f->kind) {
    case WR_SQL_FROM_TABLE: {
        if (f->table.system_time) {
            wr_pctx_unsupported(c, f->table.system_time->pos,
                                "FOR SYSTEM_TIME AS OF (temporal and lookup joins)");
            return r;
        }
        if (f->table.nhints) {
            wr_pctx_unsupported(c, f->table.hints[0].pos, "table hints (OPTIONS)");
            return r;
        }
        wr_lnode *n = bind_named(c, &f->table.name, f->pos);
        if (!n) return r;
        n = rename_cols(c, n, f->col_aliases, f->ncol_aliases, f->pos);
        if (!n) return r;
        r.node = n;
        r.scope = wr_scope_of(c->a, n,
                              alias ? alias : f->table.name.parts[f->table.name.nparts - 1].name);
        return r;
    }
    case WR_SQL_FROM_SUBQUERY: {
        if (f->subquery.lateral) {
            wr_pctx_unsupported(c, f->pos, "LATERAL subqueries");
            return r;
        }
        wr_lnode *n = wr_bind_query(c, f->subquery.query);
        if (!n) return r;
        n = rename_cols(c, n, f->col_aliases, f->ncol_aliases, f->pos);
        if (!n) return r;
        r.node = n;
        r.scope = wr_scope_of(c->a, n, alias);
        return r;
    }
    case WR_SQL_FROM_FUNCTION: {
        const wr_sql_expr *ce = f->func.call;
        if (ce->kind != WR_SQL_E_CALL || ce->call.name.nparts != 1 || f->func.lateral) {
            wr_pctx_unsupported(c, f->pos,
                                "table functions other than the window functions "
                                "TUMBLE, HOP, CUMULATE and SESSION");
            return r;
        }
        const char *fn = wr_upper(c->a, ce->call.name.parts[0].name);
        if (strcmp(fn, "TUMBLE") && strcmp(fn, "HOP") && strcmp(fn, "CUMULATE") &&
            strcmp(fn, "SESSION")) {
            char what[160];
            snprintf(what, sizeof what,
                     "table function %s (only the window functions TUMBLE, "
                     "HOP, CUMULATE and SESSION are supported)",
                     fn);
            wr_pctx_unsupported(c, ce->pos, what);
            return r;
        }
        r = bind_window_tvf(c, f, fn);
        if (r.node && f->ncol_aliases) {
            wr_lnode *n = rename_cols(c, r.node, f->col_aliases, f->ncol_aliases, f->pos);
            r.node = n;
            r.scope = n ? wr_scope_of(c->a, n, alias) : NULL;
        }
        return r;
    }
    case WR_SQL_FROM_JOIN: {
        wr_brel l = bind_from(c, f->join.left);
        wr_brel rr = bind_from(c, f->join.right);
        if (!l.node || !rr.node) return r;
        return wr_bind_join(c, f, l, rr);
    }
    case WR_SQL_FROM_UNNEST:
        wr_pctx_unsupported(c, f->pos, "UNNEST");
        return r;
    case WR_SQL_FROM_MATCH:
        wr_pctx_unsupported(c, f->pos, "MATCH_RECOGNIZE");
        return r;
    }
    wr_pctx_unsupported(c, f->pos, "this FROM item");
    return r;
}

/* ------------------------------------------------------------------------------------------
 * Select items
 * ---------------------------------------------------------------------------------------- */
typedef struct proj_list {
    wr_pexpr **exprs;
    const char **names;
    wr_sql_pos *pos;
    uint32_t n, cap, cap2, cap3;
    int32_t rank_item; /* the ROW_NUMBER() OVER item, -1 */
} proj_list;

static bool proj_add(wr_pctx *c, proj_list *pl, wr_pexpr *e, const char *name, wr_sql_pos pos)
{
    uint32_t cap = pl->cap, cap2 = pl->cap, cap3 = pl->cap;
    wr_pexpr **ne = wr_pgrow(c->a, pl->exprs, pl->n, &cap, sizeof(wr_pexpr *));
    const char **nn = wr_pgrow(c->a, pl->names, pl->n, &cap2, sizeof(char *));
    wr_sql_pos *np = wr_pgrow(c->a, pl->pos, pl->n, &cap3, sizeof(wr_sql_pos));
    if (!ne || !nn || !np) return false;
    pl->cap = cap;
    pl->exprs = ne;
    pl->names = nn;
    pl->pos = np;
    pl->exprs[pl->n] = e;
    pl->names[pl->n] = name;
    pl->pos[pl->n] = pos;
    pl->n++;
    return true;
}

static const char *item_name(wr_pctx *c, const wr_sql_select_item *it, uint32_t i)
{
    if (it->alias) return it->alias->name;
    if (it->expr->kind == WR_SQL_E_COLUMN)
        return it->expr->column.parts[it->expr->column.nparts - 1].name;
    return wr_psprintf(c->a, "EXPR$%u", i);
}

static bool expand_star(wr_pctx *c, proj_list *pl, const wr_scope *s, const wr_sql_expr *e)
{
    const char *qual = e->star.qualifier.nparts
                           ? e->star.qualifier.parts[e->star.qualifier.nparts - 1].name
                           : NULL;
    bool any = false;
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (s->cols[i].name[0] == '\x01') continue; /* hidden */
        if (qual && (!s->cols[i].qual || strcmp(s->cols[i].qual, qual) != 0)) continue;
        wr_pexpr *p = wr_px_col(c->a, i, s->cols[i].type);
        if (!p || !proj_add(c, pl, p, s->cols[i].name, e->pos)) return false;
        any = true;
    }
    if (qual && !any) {
        wr_pctx_error(c, e->pos, "table '%s' not found", qual);
        return false;
    }
    return true;
}

static bool is_row_number_over(const wr_sql_expr *e)
{
    return e->kind == WR_SQL_E_CALL && e->call.over && e->call.name.nparts == 1 &&
           strcasecmp(e->call.name.parts[0].name, "ROW_NUMBER") == 0;
}

/* ------------------------------------------------------------------------------------------
 * ROW_NUMBER() OVER (PARTITION BY .. ORDER BY ..): an OVER_RANK node over the input with
 * the row number appended; the rank filter of the enclosing query turns it into a Top-N or
 * a deduplication (plan_opt.c).
 * ---------------------------------------------------------------------------------------- */
static wr_lnode *bind_over_rank(wr_pctx *c, wr_brel in, const wr_sql_expr *e, const char *rn_name)
{
    const wr_sql_window *w = e->call.over;
    if (e->call.nargs) {
        wr_pctx_error(c, e->pos, "ROW_NUMBER() takes no arguments");
        return NULL;
    }
    if (w->ref) {
        wr_pctx_unsupported(c, w->pos, "named windows (OVER w)");
        return NULL;
    }
    if (w->frame != WR_SQL_FRAME_NONE) {
        wr_pctx_error(c, w->pos, "ROW_NUMBER() does not take a window frame (ROWS/RANGE)");
        return NULL;
    }
    if (!w->norder_by) {
        wr_pctx_error(c, w->pos, "ROW_NUMBER() OVER (...) needs an ORDER BY");
        return NULL;
    }
    wr_lnode *n = wr_ln_new(c->a, WR_LK_OVER_RANK, 1, in.node->ncols + 1);
    if (!n) return NULL;
    n->inputs[0] = in.node;
    n->rank.npart = w->npartition_by;
    n->rank.part = wr_arena_alloc(c->a, sizeof(uint32_t) * (w->npartition_by + 1));
    n->rank.nsort = w->norder_by;
    n->rank.sort = wr_arena_alloc(c->a, sizeof(wr_sort_key) * (w->norder_by + 1));
    if (!n->rank.part || !n->rank.sort) return NULL;
    wr_benv env = {.c = c, .scope = in.scope, .clause = "OVER"};
    for (uint32_t k = 0; k < w->npartition_by; k++) {
        wr_pexpr *p = wr_bind_expr(&env, w->partition_by[k]);
        if (!p) return NULL;
        if (!wr_px_is_col(p, &n->rank.part[k])) {
            wr_pctx_unsupported(c, w->partition_by[k]->pos,
                                "PARTITION BY expressions in OVER (use columns)");
            return NULL;
        }
    }
    for (uint32_t k = 0; k < w->norder_by; k++) {
        const wr_sql_order_item *o = &w->order_by[k];
        wr_pexpr *p = wr_bind_expr(&env, o->expr);
        if (!p) return NULL;
        if (!wr_px_is_col(p, &n->rank.sort[k].col)) {
            wr_pctx_unsupported(c, o->pos, "ORDER BY expressions in OVER (use columns)");
            return NULL;
        }
        n->rank.sort[k].desc = o->desc;
        n->rank.sort[k].nulls_first =
            o->nulls == WR_SQL_NULLS_DEFAULT ? !o->desc : o->nulls == WR_SQL_NULLS_FIRST;
    }
    for (uint32_t i = 0; i < in.node->ncols; i++)
        n->cols[i] = in.node->cols[i];
    n->cols[in.node->ncols] =
        (wr_field){.name = rn_name, .type = wr_type_not_null(wr_type_make(WR_TYPE_BIGINT))};
    n->rank.emit_ub = true;
    n->pos = e->pos;
    wr_ln_derive(c->a, n);
    return n;
}

/* ------------------------------------------------------------------------------------------
 * Aggregation
 * ---------------------------------------------------------------------------------------- */
typedef struct agg_collect {
    wr_pctx *c;
    const wr_scope *in;
    wr_agg_call *calls;
    uint32_t n, cap;
    bool ok;
} agg_collect;

static void collect_aggs(agg_collect *ac, const wr_sql_expr *e);

static void collect_call(agg_collect *ac, const wr_sql_expr *e)
{
    wr_pctx *c = ac->c;
    const wr_sql_call *cl = &e->call;
    const char *fn = wr_upper(c->a, cl->name.parts[0].name);
    int kind = wr_agg_kind_of(fn);
    if (kind == -2) {
        char what[96];
        snprintf(what, sizeof what, "aggregate function %s", fn);
        wr_pctx_unsupported(c, e->pos, what);
        ac->ok = false;
        return;
    }
    wr_agg_call call = {.ast = e};
    wr_benv env = {.c = c, .scope = ac->in, .clause = "an aggregate function's argument"};
    if (cl->star) {
        if (kind != WR_AGG_COUNT) {
            wr_pctx_error(c, e->pos, "%s(*) is not allowed; only COUNT(*)", fn);
            ac->ok = false;
            return;
        }
        call.kind = WR_AGG_COUNT_STAR;
    } else {
        if (cl->nargs != 1) {
            wr_pctx_error(c, e->pos, "%s takes exactly one argument", fn);
            ac->ok = false;
            return;
        }
        call.arg = wr_bind_expr(&env, cl->args[0]);
        if (!call.arg) {
            ac->ok = false;
            return;
        }
        call.kind = (wr_agg_kind)kind;
        if (cl->distinct) {
            if (kind == WR_AGG_COUNT)
                call.kind = WR_AGG_COUNT_DISTINCT;
            else if (kind == WR_AGG_SUM || kind == WR_AGG_AVG) {
                char what[96];
                snprintf(what, sizeof what, "%s(DISTINCT ...)", fn);
                wr_pctx_unsupported(c, e->pos, what);
                ac->ok = false;
                return;
            }
        }
    }
    if (cl->filter) {
        wr_benv fenv = {.c = c, .scope = ac->in, .clause = "FILTER"};
        call.filter = wr_bind_expr(&fenv, cl->filter);
        if (!call.filter ||
            !require_boolean(c, call.filter, cl->filter->pos, "FILTER (WHERE ..)")) {
            ac->ok = false;
            return;
        }
    }
    wr_error err = {0};
    wr_type arg_t = call.arg ? call.arg->type : wr_type_make(WR_TYPE_BIGINT);
    arg_t.time_attr = WR_TIME_ATTR_NONE;
    if (wr_agg_result_type(call.kind, &arg_t, &call.type, &err) != WR_OK) {
        wr_pctx_error(c, e->pos, "%s", err.msg);
        ac->ok = false;
        return;
    }
    call.dup_of = -1;
    for (uint32_t i = 0; i < ac->n && call.dup_of < 0; i++) {
        const wr_agg_call *o = &ac->calls[i];
        if (o->dup_of < 0 && o->kind == call.kind && wr_px_equal(o->arg, call.arg) &&
            wr_px_equal(o->filter, call.filter))
            call.dup_of = (int32_t)i;
    }
    uint32_t cap = ac->cap;
    wr_agg_call *p = wr_pgrow(c->a, ac->calls, ac->n, &cap, sizeof(wr_agg_call));
    if (!p) {
        ac->ok = false;
        return;
    }
    ac->calls = p;
    ac->cap = cap;
    ac->calls[ac->n++] = call;
}

static void collect_aggs(agg_collect *ac, const wr_sql_expr *e)
{
    if (!e) return;
    switch (e->kind) {
    case WR_SQL_E_CALL:
        if (!e->call.over && e->call.name.nparts == 1 &&
            wr_agg_kind_of(e->call.name.parts[0].name) != -1) {
            collect_call(ac, e);
            return;
        }
        for (uint32_t i = 0; i < e->call.nargs; i++)
            collect_aggs(ac, e->call.args[i]);
        return;
    case WR_SQL_E_UNARY:
        collect_aggs(ac, e->unary.arg);
        return;
    case WR_SQL_E_BINARY:
        collect_aggs(ac, e->binary.left);
        collect_aggs(ac, e->binary.right);
        return;
    case WR_SQL_E_BETWEEN:
        collect_aggs(ac, e->between.arg);
        collect_aggs(ac, e->between.low);
        collect_aggs(ac, e->between.high);
        return;
    case WR_SQL_E_IN_LIST:
        collect_aggs(ac, e->in_list.arg);
        for (uint32_t i = 0; i < e->in_list.nitems; i++)
            collect_aggs(ac, e->in_list.items[i]);
        return;
    case WR_SQL_E_LIKE:
        collect_aggs(ac, e->like.arg);
        collect_aggs(ac, e->like.pattern);
        collect_aggs(ac, e->like.escape);
        return;
    case WR_SQL_E_CASE:
        collect_aggs(ac, e->case_.operand);
        for (uint32_t i = 0; i < e->case_.nwhens; i++) {
            collect_aggs(ac, e->case_.whens[i]);
            collect_aggs(ac, e->case_.thens[i]);
        }
        collect_aggs(ac, e->case_.else_);
        return;
    case WR_SQL_E_CAST:
        collect_aggs(ac, e->cast.arg);
        return;
    default:
        return;
    }
}

/* Compose the columns of `from` (a chain of calcs over `target`) as expressions over
 * target's output; filters of the chain are appended to *filters. False when something else
 * than a calc sits in between. */
static bool compose_to(wr_pctx *c, const wr_lnode *from, const wr_lnode *target,
                       wr_pexpr ***out_exprs, wr_pexpr ***filters, uint32_t *nf)
{
    if (from == target) {
        *out_exprs = identity(c, from);
        return *out_exprs != NULL;
    }
    if (from->kind != WR_LK_CALC) return false;
    wr_pexpr **below;
    if (!compose_to(c, from->inputs[0], target, &below, filters, nf)) return false;
    wr_error err = {0};
    wr_pexpr **r = wr_arena_alloc(c->a, sizeof(wr_pexpr *) * (from->ncols ? from->ncols : 1));
    if (!r) return false;
    for (uint32_t i = 0; i < from->ncols; i++)
        if (!(r[i] = wr_px_subst(c->a, from->calc.proj[i], below, &err))) return false;
    if (from->calc.filter) {
        wr_pexpr *f = wr_px_subst(c->a, from->calc.filter, below, &err);
        if (!f) return false;
        uint32_t cap = *nf + 1;
        wr_pexpr **nfl = wr_arena_alloc(c->a, sizeof(wr_pexpr *) * cap);
        if (!nfl) return false;
        if (*nf) memcpy(nfl, *filters, sizeof(wr_pexpr *) * *nf);
        nfl[(*nf)++] = f;
        *filters = nfl;
    }
    *out_exprs = r;
    return true;
}

/* Index of e in the pre-projection list (added when new). */
static int32_t pre_add(wr_pctx *c, wr_pexpr ***list, uint32_t *n, uint32_t *cap, wr_pexpr *e,
                       bool dedup)
{
    if (dedup)
        for (uint32_t i = 0; i < *n; i++)
            if (wr_px_equal((*list)[i], e)) return (int32_t)i;
    wr_pexpr **p = wr_pgrow(c->a, *list, *n, cap, sizeof(wr_pexpr *));
    if (!p) return -1;
    *list = p;
    p[*n] = e;
    return (int32_t)(*n)++;
}

static bool refs_at_or_above(const wr_pexpr *e, uint32_t limit)
{
    if (!e) return false;
    if (e->kind == WR_PX_COL) return e->col >= limit;
    for (uint32_t i = 0; i < e->nargs; i++)
        if (refs_at_or_above(e->args[i], limit)) return true;
    return false;
}

static const char *agg_text(wr_pctx *c, const wr_sql_expr *e)
{
    return wr_arena_strndup(c->a, c->text + e->pos.offset, e->end - e->pos.offset);
}

typedef struct agg_result {
    wr_lnode *node; /* the aggregation */
    wr_aggctx ctx;
} agg_result;

static bool is_group_window_item(const wr_sql_expr *e, const char **fn)
{
    if (e->kind != WR_SQL_E_CALL || e->call.name.nparts != 1 || e->call.over) return false;
    const char *n = e->call.name.parts[0].name;
    if (strcasecmp(n, "TUMBLE") == 0)
        *fn = "TUMBLE";
    else if (strcasecmp(n, "HOP") == 0)
        *fn = "HOP";
    else if (strcasecmp(n, "SESSION") == 0)
        *fn = "SESSION";
    else
        return false;
    return true;
}

static bool bind_aggregation(wr_pctx *c, wr_brel from, const wr_sql_select *sel, agg_result *res)
{
    wr_arena *a = c->a;
    memset(res, 0, sizeof *res);
    wr_aggctx *g = &res->ctx;
    g->in = from.scope;
    g->ws_out = g->we_out = g->wt_out = -1;

    /* Group keys. */
    uint32_t nitems = 0;
    const wr_sql_expr **key_ast = wr_arena_alloc(a, sizeof(void *) * (sel->ngroup_by + 1));
    if (!key_ast) return false;
    for (uint32_t i = 0; i < sel->ngroup_by; i++) {
        const wr_sql_group_item *gi = &sel->group_by[i];
        if (gi->kind == WR_SQL_GROUP_EMPTY) continue;
        if (gi->kind != WR_SQL_GROUP_EXPR) {
            wr_pctx_unsupported(c, gi->pos, "GROUPING SETS, ROLLUP and CUBE");
            return false;
        }
        const char *wfn;
        if (is_group_window_item(gi->expr, &wfn)) {
            if (g->group_window) {
                wr_pctx_error(c, gi->pos, "only one group window is allowed in GROUP BY");
                return false;
            }
            g->group_window = gi->expr;
            g->window_fn = wfn;
            continue;
        }
        key_ast[nitems++] = gi->expr;
    }
    g->nkeys = nitems;
    g->keys = wr_arena_alloc(a, sizeof(wr_pexpr *) * (nitems + 1));
    g->key_out = wr_arena_alloc(a, sizeof(uint32_t) * (nitems + 1));
    if (!g->keys || !g->key_out) return false;
    bool ok = true;
    for (uint32_t i = 0; i < nitems; i++) {
        wr_benv env = {.c = c, .scope = from.scope, .clause = "GROUP BY"};
        if (wr_ast_has_agg(key_ast[i])) {
            wr_pctx_error(c, key_ast[i]->pos, "aggregate functions are not allowed in GROUP BY");
            ok = false;
            continue;
        }
        g->keys[i] = wr_bind_expr(&env, key_ast[i]);
        if (!g->keys[i]) ok = false;
    }
    /* Aggregate calls. */
    agg_collect ac = {.c = c, .in = from.scope, .ok = true};
    for (uint32_t i = 0; i < sel->nitems; i++)
        collect_aggs(&ac, sel->items[i].expr);
    collect_aggs(&ac, sel->having);
    if (!ok || !ac.ok) return false;
    g->calls = ac.calls;
    g->ncalls = ac.n;

    /* Window kind: a window TVF's window_start/window_end among the keys, or a legacy group
     * window. */
    int32_t ws_key = -1, we_key = -1, wt_key = -1;
    const wr_lnode *tvf = NULL;
    for (uint32_t i = 0; i < nitems; i++) {
        uint32_t col;
        if (!wr_px_is_col(g->keys[i], &col)) continue;
        const wr_lnode *src = NULL;
        int role = wr_ln_window_col(from.node, col, &src, NULL);
        if (!role || src->kind != WR_LK_WINDOW_TVF) continue;
        if (tvf && tvf != src) {
            wr_pctx_error(c, key_ast[i]->pos, "GROUP BY columns of two different windows");
            return false;
        }
        tvf = src;
        if (role == 1) ws_key = (int32_t)i;
        if (role == 2) we_key = (int32_t)i;
        if (role == 3) wt_key = (int32_t)i;
    }
    if (tvf && (ws_key < 0 || we_key < 0)) {
        wr_pctx_error(c,
                      key_ast[ws_key >= 0   ? ws_key
                              : we_key >= 0 ? we_key
                                            : wt_key]
                          ->pos,
                      "a window aggregation must GROUP BY both window_start and window_end");
        return false;
    }
    if (tvf && g->group_window) {
        wr_pctx_error(c, g->group_window->pos,
                      "a group window cannot be combined with a window table function");
        return false;
    }
    if (!tvf) {
        for (uint32_t i = 0; i < from.node->ncols; i++) {
            const wr_lnode *src = NULL;
            if (wr_ln_window_col(from.node, i, &src, NULL) && src->kind == WR_LK_WINDOW_TVF &&
                src->wtvf.spec.kind == WR_WINDOW_SESSION) {
                wr_pctx_error(c, sel->ngroup_by ? sel->group_by[0].pos : sel->items[0].pos,
                              "a SESSION window table function must be followed by a window "
                              "aggregation (GROUP BY window_start, window_end, ...)");
                return false;
            }
        }
    }

    /* Pre-projection over the aggregation's input. */
    wr_lnode *base = from.node; /* input of the pre-projection */
    wr_pexpr **over = NULL;     /* FROM columns as expressions over base */
    wr_pexpr **filters = NULL;
    uint32_t nfilters = 0;
    bool windowed = tvf || g->group_window;
    wr_window_spec spec = {0};
    if (tvf) {
        base = tvf->inputs[0];
        if (!compose_to(c, from.node, tvf, &over, &filters, &nfilters)) {
            wr_pctx_unsupported(c, sel->group_by[0].pos,
                                "a window aggregation over something other than projections "
                                "and filters of a window table function");
            return false;
        }
        spec = tvf->wtvf.spec;
    } else {
        over = identity(c, from.node);
        if (!over) return false;
    }
    wr_pexpr **pre = NULL;
    uint32_t npre = 0, cappre = 0;
    int32_t rowtime_pos = -1;
    if (tvf) {
        rowtime_pos =
            pre_add(c, &pre, &npre, &cappre,
                    wr_px_col(a, tvf->wtvf.rowtime, base->cols[tvf->wtvf.rowtime].type), false);
    } else if (g->group_window) {
        const wr_sql_expr *gw = g->group_window;
        bool hop = strcmp(g->window_fn, "HOP") == 0;
        bool session = strcmp(g->window_fn, "SESSION") == 0;
        uint32_t min = hop ? 3 : 2, max = session ? 2 : min + 1;
        if (gw->call.nargs < min || gw->call.nargs > max) {
            wr_pctx_error(c, gw->pos, "%s takes %s", g->window_fn,
                          hop       ? "(time_attr, slide, size [, offset])"
                          : session ? "(time_attr, gap)"
                                    : "(time_attr, size [, offset])");
            return false;
        }
        wr_benv env = {.c = c, .scope = from.scope, .clause = "GROUP BY"};
        wr_pexpr *t = wr_bind_expr(&env, gw->call.args[0]);
        if (!t) return false;
        uint32_t tcol;
        if (!wr_px_is_col(t, &tcol) || t->type.time_attr == WR_TIME_ATTR_NONE) {
            wr_pctx_error(c, gw->call.args[0]->pos,
                          "the first argument of %s must be a time attribute column (a column "
                          "with a WATERMARK, or a window_time)",
                          g->window_fn);
            return false;
        }
        if (t->type.time_attr == WR_TIME_ATTR_PROCTIME) {
            wr_pctx_unsupported(c, gw->call.args[0]->pos, "processing-time group windows");
            return false;
        }
        int64_t v1 = 0, v2 = 0, v3 = 0;
        if (!wr_bind_interval(c, gw->call.args[1], &v1)) return false;
        if (gw->call.nargs > 2 && !wr_bind_interval(c, gw->call.args[2], &v2)) return false;
        if (gw->call.nargs > 3 && !wr_bind_interval(c, gw->call.args[3], &v3)) return false;
        if (strcmp(g->window_fn, "TUMBLE") == 0) {
            spec.kind = WR_WINDOW_TUMBLE;
            spec.size_us = v1;
            spec.offset_us = gw->call.nargs > 2 ? v2 : 0;
        } else if (strcmp(g->window_fn, "HOP") == 0) {
            spec.kind = WR_WINDOW_HOP;
            spec.slide_us = v1;
            spec.size_us = v2;
            spec.offset_us = v3;
        } else {
            spec.kind = WR_WINDOW_SESSION;
            spec.gap_us = v1;
        }
        wr_error err = {0};
        if (wr_window_spec_check(&spec, &err) != WR_OK) {
            wr_pctx_error(c, gw->pos, "%s", err.msg);
            return false;
        }
        rowtime_pos = pre_add(c, &pre, &npre, &cappre, t, false);
    }
    wr_error err = {0};
    uint32_t *key_pre = wr_arena_alloc(a, sizeof(uint32_t) * (nitems + 1));
    if (!key_pre) return false;
    uint32_t nwkeys = 0; /* keys passed to the operator (window keys excluded) */
    uint32_t *op_keys = wr_arena_alloc(a, sizeof(uint32_t) * (nitems + 1));
    if (!op_keys) return false;
    for (uint32_t i = 0; i < nitems; i++) {
        if ((int32_t)i == ws_key || (int32_t)i == we_key || (int32_t)i == wt_key) continue;
        wr_pexpr *k = wr_px_subst(a, g->keys[i], over, &err);
        if (!k) return false;
        if (tvf && refs_at_or_above(k, base->ncols)) {
            wr_pctx_unsupported(c, key_ast[i]->pos,
                                "window_start/window_end/window_time in expressions of a window "
                                "aggregation's GROUP BY");
            return false;
        }
        int32_t p = pre_add(c, &pre, &npre, &cappre, k, false);
        if (p < 0) return false;
        key_pre[i] = (uint32_t)p;
        op_keys[nwkeys++] = (uint32_t)p;
    }
    int32_t *arg_pre = wr_arena_alloc(a, sizeof(int32_t) * (ac.n + 1));
    int32_t *filt_pre = wr_arena_alloc(a, sizeof(int32_t) * (ac.n + 1));
    if (!arg_pre || !filt_pre) return false;
    for (uint32_t j = 0; j < ac.n; j++) {
        arg_pre[j] = filt_pre[j] = -1;
        wr_agg_call *cl = &ac.calls[j];
        if (cl->arg) {
            wr_pexpr *x = wr_px_subst(a, cl->arg, over, &err);
            if (!x) return false;
            if (tvf && refs_at_or_above(x, base->ncols)) {
                wr_pctx_unsupported(c, cl->ast->pos,
                                    "window_start/window_end/window_time in aggregate arguments");
                return false;
            }
            arg_pre[j] = pre_add(c, &pre, &npre, &cappre, x, true);
        }
        if (cl->filter) {
            wr_pexpr *x = wr_px_subst(a, cl->filter, over, &err);
            if (!x) return false;
            if (tvf && refs_at_or_above(x, base->ncols)) {
                wr_pctx_unsupported(c, cl->ast->pos,
                                    "window_start/window_end/window_time in FILTER clauses");
                return false;
            }
            filt_pre[j] = pre_add(c, &pre, &npre, &cappre, x, true);
        }
    }
    for (uint32_t f = 0; f < nfilters; f++) {
        if (refs_at_or_above(filters[f], base->ncols)) {
            wr_pctx_unsupported(c, sel->where ? sel->where->pos : sel->group_by[0].pos,
                                "filters on window_start/window_end/window_time before a window "
                                "aggregation (filter after it, in HAVING or an outer query)");
            return false;
        }
    }
    wr_pexpr *pre_filter = NULL;
    if (nfilters && !(pre_filter = wr_px_and(a, filters, nfilters, &err))) return false;
    const char **pre_names = wr_arena_alloc(a, sizeof(char *) * (npre + 1));
    if (!pre_names) return false;
    for (uint32_t i = 0; i < npre; i++) {
        uint32_t col;
        pre_names[i] =
            wr_px_is_col(pre[i], &col) ? base->cols[col].name : wr_psprintf(a, "$f%u", i);
    }
    uniquify(c, pre_names, npre);
    wr_lnode *pn = mk_calc(c, base, pre_filter, pre, pre_names, npre);
    if (!pn) return false;
    if (npre == 0) {
        /* COUNT(*) alone: keep one column so batches have rows. */
        wr_pexpr *one = wr_px_col(a, 0, base->cols[0].type);
        const char *nm = base->cols[0].name;
        if (!base->ncols || !one || !(pn = mk_calc(c, base, pre_filter, &one, &nm, 1)))
            return false;
    }

    /* The aggregation node: one aggregate per distinct call. */
    uint32_t ncalls = 0;
    wr_lagg *aggs = wr_arena_alloc(a, sizeof(wr_lagg) * (ac.n + 1));
    uint32_t *agg_of = wr_arena_alloc(a, sizeof(uint32_t) * (ac.n + 1));
    if (!aggs || !agg_of) return false;
    for (uint32_t j = 0; j < ac.n; j++) {
        if (ac.calls[j].dup_of >= 0) {
            agg_of[j] = agg_of[ac.calls[j].dup_of];
            continue;
        }
        agg_of[j] = ncalls;
        aggs[ncalls] = (wr_lagg){.kind = ac.calls[j].kind,
                                 .arg = arg_pre[j],
                                 .filter = filt_pre[j],
                                 .name = wr_psprintf(a, "EXPR$%u", ncalls),
                                 .result = ac.calls[j].type,
                                 .text = agg_text(c, ac.calls[j].ast)};
        ncalls++;
    }
    wr_lnode *an;
    if (!windowed) {
        an = wr_ln_new(a, WR_LK_AGG, 1, nwkeys + ncalls);
        if (!an) return false;
        an->agg.nkeys = nwkeys;
        an->agg.keys = op_keys;
        an->agg.naggs = ncalls;
        an->agg.aggs = aggs;
        an->agg.emit_ub = true;
        for (uint32_t i = 0; i < nitems; i++) {
            g->key_out[i] = i;
            an->cols[i].name = pn->cols[key_pre[i]].name;
            an->cols[i].type = pn->cols[key_pre[i]].type;
            an->cols[i].type.time_attr = WR_TIME_ATTR_NONE;
        }
    } else {
        uint32_t nout = nwkeys + 3 + ncalls;
        an = wr_ln_new(a, WR_LK_WINDOW_AGG, 1, nout);
        if (!an) return false;
        an->wagg.spec = spec;
        an->wagg.rowtime = (uint32_t)rowtime_pos;
        an->wagg.nkeys = nwkeys;
        an->wagg.keys = op_keys;
        an->wagg.naggs = ncalls;
        an->wagg.aggs = aggs;
        an->wagg.outs = wr_arena_alloc(a, sizeof(wr_window_col) * nout);
        if (!an->wagg.outs) return false;
        uint32_t k = 0;
        for (uint32_t i = 0; i < nitems; i++) {
            if ((int32_t)i == ws_key || (int32_t)i == we_key || (int32_t)i == wt_key) continue;
            an->wagg.outs[k] = (wr_window_col){WR_WCOL_KEY, k};
            an->cols[k].name = pn->cols[key_pre[i]].name;
            an->cols[k].type = pn->cols[key_pre[i]].type;
            an->cols[k].type.time_attr = WR_TIME_ATTR_NONE;
            g->key_out[i] = k++;
        }
        wr_type rt = pn->cols[rowtime_pos].type;
        wr_type ts = wr_type_not_null(wr_type_timestamp(3));
        wr_type wt = wr_type_not_null(rt.id == WR_TYPE_TIMESTAMP_LTZ ? wr_type_timestamp_ltz(3)
                                                                     : wr_type_timestamp(3));
        wt.time_attr = WR_TIME_ATTR_ROWTIME;
        an->wagg.outs[k] = (wr_window_col){WR_WCOL_WINDOW_START, 0};
        an->cols[k] = (wr_field){.name = "window_start", .type = ts};
        g->ws_out = (int32_t)k++;
        an->wagg.outs[k] = (wr_window_col){WR_WCOL_WINDOW_END, 0};
        an->cols[k] = (wr_field){.name = "window_end", .type = ts};
        g->we_out = (int32_t)k++;
        an->wagg.outs[k] = (wr_window_col){WR_WCOL_WINDOW_TIME, 0};
        an->cols[k] = (wr_field){.name = "window_time", .type = wt};
        g->wt_out = (int32_t)k++;
        if (ws_key >= 0) g->key_out[ws_key] = (uint32_t)g->ws_out;
        if (we_key >= 0) g->key_out[we_key] = (uint32_t)g->we_out;
        if (wt_key >= 0) g->key_out[wt_key] = (uint32_t)g->wt_out;
        for (uint32_t j = 0; j < ncalls; j++)
            an->wagg.outs[k + j] = (wr_window_col){WR_WCOL_AGG, j};
        /* SESSION: keys must be the PARTITION BY columns. */
        if (tvf && spec.kind == WR_WINDOW_SESSION) {
            bool match = tvf->wtvf.npart == nwkeys;
            for (uint32_t i = 0; match && i < nwkeys; i++) {
                uint32_t col;
                bool found = false;
                if (wr_px_is_col(pre[op_keys[i]], &col))
                    for (uint32_t p = 0; p < tvf->wtvf.npart && !found; p++)
                        found = tvf->wtvf.part[p] == col;
                match = found;
            }
            if (!match) {
                wr_pctx_error(c, sel->group_by[0].pos,
                              "the GROUP BY keys of a SESSION window aggregation (besides "
                              "window_start and window_end) must be exactly the PARTITION BY "
                              "columns of the SESSION window");
                return false;
            }
        }
    }
    uint32_t base_col = windowed ? nwkeys + 3 : nwkeys;
    for (uint32_t j = 0; j < ncalls; j++)
        an->cols[base_col + j] = (wr_field){.name = aggs[j].name, .type = aggs[j].result};
    for (uint32_t j = 0; j < ac.n; j++)
        ac.calls[j].out = base_col + agg_of[j];
    an->inputs[0] = pn;
    an->pos = sel->ngroup_by ? sel->group_by[0].pos : sel->items[0].pos;
    wr_ln_derive(a, an);
    g->out = an->cols;
    res->node = an;
    return true;
}

/* ------------------------------------------------------------------------------------------
 * SELECT
 * ---------------------------------------------------------------------------------------- */
static bool select_has_agg(const wr_sql_select *sel)
{
    if (sel->ngroup_by) return true;
    for (uint32_t i = 0; i < sel->nitems; i++)
        if (wr_ast_has_agg(sel->items[i].expr)) return true;
    return sel->having != NULL;
}

static wr_lnode *bind_select(wr_pctx *c, const wr_sql_select *sel, wr_sql_pos qpos)
{
    wr_arena *a = c->a;
    if (sel->nhints) {
        wr_pctx_unsupported(c, sel->hints[0].pos, "query hints");
        return NULL;
    }
    if (sel->nwindows) {
        wr_pctx_unsupported(c, sel->windows[0]->pos, "WINDOW clauses (named OVER windows)");
        return NULL;
    }
    wr_brel from;
    if (sel->from) {
        from = bind_from(c, sel->from);
        if (!from.node) return NULL;
    } else {
        /* SELECT without FROM: one row of no visible columns. */
        wr_lnode *v = wr_ln_new(a, WR_LK_VALUES, 0, 1);
        if (!v) return NULL;
        v->values.nrows = 1;
        v->values.vals = wr_arena_alloc(a, sizeof(wr_pexpr *));
        wr_value t = {.b = true};
        if (!v->values.vals || !(v->values.vals[0] = wr_px_lit(
                                     a, wr_type_not_null(wr_type_make(WR_TYPE_BOOLEAN)), &t)))
            return NULL;
        v->cols[0] = (wr_field){.name = "\x01"
                                        "dummy",
                                .type = v->values.vals[0]->type};
        v->pos = qpos;
        wr_ln_derive(a, v);
        from.node = v;
        from.scope = wr_scope_of(a, v, NULL);
        if (!from.scope) return NULL;
    }
    if (sel->where) {
        /* FROM a, b: WHERE is the join condition (CURRENT_WATERMARK is refused there). */
        bool comma_join = from.node->kind == WR_LK_JOIN && from.node->join.pending;
        wr_benv env = {.c = c,
                       .scope = from.scope,
                       .clause =
                           comma_join ? "the WHERE of FROM a, b (a join condition)" : "WHERE"};
        if (wr_ast_has_agg(sel->where)) {
            wr_pctx_error(c, sel->where->pos,
                          "aggregate functions are not allowed in WHERE (use HAVING)");
            return NULL;
        }
        wr_pexpr *w = wr_bind_expr(&env, sel->where);
        if (!w || !require_boolean(c, w, sel->where->pos, "the WHERE clause")) return NULL;
        if (from.node->kind == WR_LK_JOIN && from.node->join.pending) {
            from = wr_join_finish(c, from, w, sel->where->pos);
            if (!from.node) return NULL;
            goto where_done;
        }
        wr_lnode *fnode = mk_filter(c, from.node, w);
        if (!fnode) return NULL;
        wr_scope *s = wr_arena_alloc(a, sizeof *s);
        if (!s) return NULL;
        *s = *from.scope; /* same columns, same qualifiers */
        from.node = fnode;
        from.scope = s;
    }
    if (from.node->kind == WR_LK_JOIN && from.node->join.pending) {
        from = wr_join_finish(c, from, NULL, from.node->pos);
        if (!from.node) return NULL;
    }
where_done:; /* a label must label a statement before C23 (clang rejects a declaration) */
    proj_list pl = {.rank_item = -1};
    wr_pexpr *having = NULL;
    wr_lnode *input;
    if (select_has_agg(sel)) {
        agg_result ar;
        if (!bind_aggregation(c, from, sel, &ar)) return NULL;
        input = ar.node;
        wr_benv env = {.c = c, .scope = NULL, .agg = &ar.ctx};
        bool ok = true;
        for (uint32_t i = 0; i < sel->nitems; i++) {
            const wr_sql_select_item *it = &sel->items[i];
            if (it->expr->kind == WR_SQL_E_STAR) {
                wr_pctx_unsupported(c, it->pos, "SELECT * in an aggregating query");
                ok = false;
                continue;
            }
            if (is_row_number_over(it->expr)) {
                wr_pctx_unsupported(c, it->pos,
                                    "ROW_NUMBER() OVER in an aggregating query "
                                    "(wrap the aggregation in a subquery)");
                ok = false;
                continue;
            }
            wr_pexpr *p = wr_bind_expr(&env, it->expr);
            if (!p) {
                ok = false;
                continue;
            }
            if (!proj_add(c, &pl, p, item_name(c, it, i), it->pos)) return NULL;
        }
        if (sel->having) {
            wr_benv henv = {.c = c, .scope = NULL, .agg = &ar.ctx};
            having = wr_bind_expr(&henv, sel->having);
            if (!having || !require_boolean(c, having, sel->having->pos, "HAVING")) ok = false;
        }
        if (!ok) return NULL;
    } else {
        input = from.node;
        wr_scope *scope = from.scope;
        /* ROW_NUMBER() OVER (..): the row number becomes a column of an OVER_RANK node. */
        for (uint32_t i = 0; i < sel->nitems; i++) {
            if (!is_row_number_over(sel->items[i].expr)) continue;
            if (pl.rank_item >= 0) {
                wr_pctx_unsupported(c, sel->items[i].pos, "more than one ROW_NUMBER() per query");
                return NULL;
            }
            pl.rank_item = (int32_t)i;
            wr_lnode *rn =
                bind_over_rank(c, from, sel->items[i].expr, item_name(c, &sel->items[i], i));
            if (!rn) return NULL;
            input = rn;
            wr_scope *s = wr_arena_alloc(a, sizeof *s);
            if (!s) return NULL;
            s->ncols = rn->ncols;
            s->cols = wr_arena_alloc(a, sizeof(wr_scope_col) * rn->ncols);
            if (!s->cols) return NULL;
            memcpy(s->cols, from.scope->cols, sizeof(wr_scope_col) * from.scope->ncols);
            s->cols[rn->ncols - 1] =
                (wr_scope_col){.name = "\x01rn", .type = rn->cols[rn->ncols - 1].type};
            scope = s;
        }
        wr_benv env = {.c = c, .scope = scope};
        bool ok = true;
        for (uint32_t i = 0; i < sel->nitems; i++) {
            const wr_sql_select_item *it = &sel->items[i];
            if (it->expr->kind == WR_SQL_E_STAR) {
                if (!expand_star(c, &pl, scope, it->expr)) ok = false;
                continue;
            }
            if ((int32_t)i == pl.rank_item) {
                wr_pexpr *p = wr_px_col(a, input->ncols - 1, input->cols[input->ncols - 1].type);
                if (!p || !proj_add(c, &pl, p, item_name(c, it, i), it->pos)) return NULL;
                continue;
            }
            wr_pexpr *p = wr_bind_expr(&env, it->expr);
            if (!p) {
                ok = false;
                continue;
            }
            if (!proj_add(c, &pl, p, item_name(c, it, i), it->pos)) return NULL;
        }
        if (!ok) return NULL;
    }
    uniquify(c, pl.names, pl.n);
    wr_lnode *out = mk_calc(c, input, having, pl.exprs, pl.names, pl.n);
    if (!out) return NULL;
    if (sel->distinct) {
        wr_lnode *d = wr_ln_new(a, WR_LK_AGG, 1, out->ncols);
        if (!d) return NULL;
        d->inputs[0] = out;
        d->agg.nkeys = out->ncols;
        d->agg.keys = wr_arena_alloc(a, sizeof(uint32_t) * (out->ncols + 1));
        if (!d->agg.keys) return NULL;
        for (uint32_t i = 0; i < out->ncols; i++) {
            d->agg.keys[i] = i;
            d->cols[i] = out->cols[i];
            d->cols[i].type.time_attr = WR_TIME_ATTR_NONE;
        }
        d->agg.emit_ub = true;
        d->pos = qpos;
        wr_ln_derive(a, d);
        out = d;
    }
    return out;
}

/* ------------------------------------------------------------------------------------------
 * VALUES, UNION ALL
 * ---------------------------------------------------------------------------------------- */
/* The common type of two types (as a CASE would give), NULL-type aware. */
static bool common_type(wr_pctx *c, wr_type t1, wr_type t2, wr_type *out)
{
    wr_error err = {0};
    t1.time_attr = t2.time_attr = WR_TIME_ATTR_NONE;
    wr_pexpr *a1 = wr_px_col(c->a, 0, t1);
    wr_pexpr *a2 = wr_px_col(c->a, 1, t2);
    if (!a1 || !a2) return false;
    wr_pexpr *args[2] = {a1, a2};
    wr_pexpr *r = wr_px_call(c->a, "COALESCE", args, 2, &err);
    if (!r) return false;
    *out = r->type;
    out->nullable = t1.nullable || t2.nullable;
    return true;
}

static wr_pexpr *cast_to(wr_pctx *c, wr_pexpr *e, wr_type t, wr_error *err)
{
    wr_type et = e->type;
    if (wr_type_equal(&et, &t, true)) return e;
    return wr_px_cast(c->a, e, t, false, err);
}

static wr_lnode *bind_values(wr_pctx *c, const wr_sql_query *q)
{
    wr_arena *a = c->a;
    uint32_t nrows = q->values.nrows;
    uint32_t ncols = nrows ? q->values.rows[0]->list.nitems : 0;
    if (!ncols) {
        wr_pctx_error(c, q->pos, "VALUES needs at least one column");
        return NULL;
    }
    wr_pexpr **vals = wr_arena_alloc(a, sizeof(wr_pexpr *) * nrows * ncols);
    wr_type *types = wr_arena_alloc(a, sizeof(wr_type) * ncols);
    if (!vals || !types) return NULL;
    bool ok = true;
    for (uint32_t r = 0; r < nrows; r++) {
        const wr_sql_expr *row = q->values.rows[r];
        const wr_sql_expr *const *items =
            row->kind == WR_SQL_E_ROW ? (const wr_sql_expr *const *)row->list.items : &row;
        uint32_t n = row->kind == WR_SQL_E_ROW ? row->list.nitems : 1;
        if (n != ncols) {
            wr_pctx_error(c, row->pos, "VALUES rows must all have %u columns, this one has %u",
                          ncols, n);
            ok = false;
            continue;
        }
        for (uint32_t j = 0; j < ncols; j++) {
            wr_benv env = {.c = c, .scope = NULL, .clause = "VALUES"};
            wr_pexpr *p = wr_bind_expr(&env, items[j]);
            if (!p) {
                ok = false;
                continue;
            }
            p = wr_px_fold(a, p);
            if (p->kind != WR_PX_LIT) {
                wr_pctx_unsupported(c, items[j]->pos,
                                    "VALUES with expressions that are not constants");
                ok = false;
                continue;
            }
            vals[r * ncols + j] = p;
            if (r == 0)
                types[j] = p->type;
            else if (!common_type(c, types[j], p->type, &types[j])) {
                wr_pctx_error(c, items[j]->pos, "VALUES column %u has incompatible types", j + 1);
                ok = false;
            }
        }
    }
    if (!ok) return NULL;
    wr_lnode *n = wr_ln_new(a, WR_LK_VALUES, 0, ncols);
    if (!n) return NULL;
    n->values.nrows = nrows;
    n->values.vals = vals;
    for (uint32_t j = 0; j < ncols; j++) {
        n->cols[j] = (wr_field){.name = wr_psprintf(a, "EXPR$%u", j), .type = types[j]};
        for (uint32_t r = 0; r < nrows; r++) {
            wr_error err = {0};
            wr_pexpr *p = cast_to(c, vals[r * ncols + j], types[j], &err);
            if (!p) {
                wr_pctx_error(c, q->pos, "%s", err.msg);
                return NULL;
            }
            p = wr_px_fold(a, p);
            if (p->kind != WR_PX_LIT) {
                wr_pctx_error(c, q->pos,
                              "VALUES: cannot convert a value of column %u to the "
                              "column's type",
                              j + 1);
                return NULL;
            }
            vals[r * ncols + j] = p;
        }
    }
    n->pos = q->pos;
    wr_ln_derive(a, n);
    return n;
}

static wr_lnode *cast_node(wr_pctx *c, wr_lnode *in, const wr_type *types, wr_sql_pos pos)
{
    bool same = true;
    for (uint32_t i = 0; i < in->ncols && same; i++)
        same = wr_type_equal(&in->cols[i].type, &types[i], false) &&
               in->cols[i].type.time_attr == types[i].time_attr;
    if (same) return in;
    wr_pexpr **p = identity(c, in);
    const char **names = names_of(c, in);
    if (!p || !names) return NULL;
    for (uint32_t i = 0; i < in->ncols; i++) {
        wr_error err = {0};
        if (wr_type_equal(&in->cols[i].type, &types[i], true)) {
            p[i]->type.time_attr = types[i].time_attr;
            continue;
        }
        p[i] = wr_px_cast(c->a, p[i], types[i], false, &err);
        if (!p[i]) {
            wr_pctx_error(c, pos, "%s", err.msg);
            return NULL;
        }
    }
    wr_lnode *n = mk_calc(c, in, NULL, p, names, in->ncols);
    if (n)
        for (uint32_t i = 0; i < n->ncols; i++)
            n->cols[i].type = types[i];
    return n;
}

static wr_lnode *bind_setop(wr_pctx *c, const wr_sql_query *q)
{
    if (q->setop.op != WR_SQL_SET_UNION) {
        wr_pctx_unsupported(c, q->pos,
                            q->setop.op == WR_SQL_SET_INTERSECT ? "INTERSECT" : "EXCEPT");
        return NULL;
    }
    wr_lnode *l = bind_query_inner(c, q->setop.left);
    wr_lnode *r = bind_query_inner(c, q->setop.right);
    if (!l || !r) return NULL;
    if (l->ncols != r->ncols) {
        wr_pctx_error(c, q->setop.right->pos,
                      "the inputs of UNION have different numbers of columns: %u and %u", l->ncols,
                      r->ncols);
        return NULL;
    }
    wr_type *types = wr_arena_alloc(c->a, sizeof(wr_type) * (l->ncols + 1));
    if (!types) return NULL;
    for (uint32_t i = 0; i < l->ncols; i++) {
        if (!common_type(c, l->cols[i].type, r->cols[i].type, &types[i])) {
            wr_buf b1, b2;
            wr_buf_init(&b1);
            wr_buf_init(&b2);
            wr_type_format(&l->cols[i].type, &b1);
            wr_type_format(&r->cols[i].type, &b2);
            wr_pctx_error(c, q->setop.right->pos,
                          "column %u of UNION has incompatible types %s and %s", i + 1, b1.ptr,
                          b2.ptr);
            wr_buf_free(&b1);
            wr_buf_free(&b2);
            return NULL;
        }
        if (l->cols[i].type.time_attr == r->cols[i].type.time_attr)
            types[i].time_attr = l->cols[i].type.time_attr;
    }
    l = cast_node(c, l, types, q->setop.left->pos);
    r = cast_node(c, r, types, q->setop.right->pos);
    if (!l || !r) return NULL;
    wr_lnode *u = wr_ln_new(c->a, WR_LK_UNION, 2, l->ncols);
    if (!u) return NULL;
    u->inputs[0] = l;
    u->inputs[1] = r;
    for (uint32_t i = 0; i < l->ncols; i++)
        u->cols[i] = (wr_field){.name = l->cols[i].name, .type = types[i]};
    u->pos = q->pos;
    wr_ln_derive(c->a, u);
    if (!q->setop.all) {
        wr_lnode *d = wr_ln_new(c->a, WR_LK_AGG, 1, u->ncols);
        if (!d) return NULL;
        d->inputs[0] = u;
        d->agg.nkeys = u->ncols;
        d->agg.keys = wr_arena_alloc(c->a, sizeof(uint32_t) * (u->ncols + 1));
        if (!d->agg.keys) return NULL;
        for (uint32_t i = 0; i < u->ncols; i++) {
            d->agg.keys[i] = i;
            d->cols[i] = u->cols[i];
            d->cols[i].type.time_attr = WR_TIME_ATTR_NONE;
        }
        d->agg.emit_ub = true;
        d->pos = q->pos;
        wr_ln_derive(c->a, d);
        return d;
    }
    return u;
}

/* ------------------------------------------------------------------------------------------
 * ORDER BY, LIMIT
 * ---------------------------------------------------------------------------------------- */
static bool const_int(wr_pctx *c, const wr_sql_expr *e, int64_t *out, const char *what)
{
    wr_benv env = {.c = c, .scope = NULL, .clause = what};
    wr_pexpr *p = wr_bind_expr(&env, e);
    if (!p) return false;
    p = wr_px_fold(c->a, p);
    if (p->kind != WR_PX_LIT || p->val.is_null || !wr_type_is_integer(&p->type) || p->val.i < 0) {
        wr_pctx_error(c, e->pos, "%s must be a non-negative integer literal", what);
        return false;
    }
    *out = p->val.i;
    return true;
}

static wr_lnode *bind_order_limit(wr_pctx *c, const wr_sql_query *q, wr_lnode *n)
{
    int64_t limit = -1, offset = 0;
    if (q->limit && !const_int(c, q->limit, &limit, "LIMIT")) return NULL;
    if (q->offset && !const_int(c, q->offset, &offset, "OFFSET")) return NULL;
    uint32_t ns = q->norder_by;
    wr_sort_key *sort = wr_arena_alloc(c->a, sizeof(wr_sort_key) * (ns + 1));
    if (!sort) return NULL;
    wr_scope *s = wr_scope_of(c->a, n, NULL);
    if (!s) return NULL;
    for (uint32_t k = 0; k < ns; k++) {
        const wr_sql_order_item *o = &q->order_by[k];
        uint32_t col = 0;
        if (o->expr->kind == WR_SQL_E_LITERAL && o->expr->lit.kind == WR_SQL_LIT_INTEGER) {
            int64_t ord = o->expr->lit.value.i;
            if (ord < 1 || ord > n->ncols) {
                wr_pctx_error(c, o->pos,
                              "ORDER BY position %lld is not in the select list "
                              "(1..%u)",
                              (long long)ord, n->ncols);
                return NULL;
            }
            col = (uint32_t)ord - 1;
        } else {
            wr_benv env = {.c = c, .scope = s, .clause = "ORDER BY", .quiet = true};
            bool failed = c->failed;
            wr_pexpr *p = wr_bind_expr(&env, o->expr);
            c->failed = failed;
            if (!p && o->expr->kind == WR_SQL_E_COLUMN) {
                const wr_sql_name *nm = &o->expr->column;
                const char *cn = nm->parts[nm->nparts - 1].name;
                const char **cands = wr_arena_alloc(c->a, sizeof(char *) * (n->ncols + 1));
                for (uint32_t i = 0; cands && i < n->ncols; i++)
                    cands[i] = n->cols[i].name;
                if (cands) cands[n->ncols] = NULL;
                const char *sug = cands ? wr_plan_suggest(cn, cands) : NULL;
                wr_pctx_error(c, o->expr->pos,
                              "ORDER BY column '%s' is not in the select list%s%s%s (ordering by "
                              "columns that are not selected is not supported yet)",
                              cn, sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
                return NULL;
            }
            if (!p) {
                wr_benv loud = {.c = c, .scope = s, .clause = "ORDER BY"};
                wr_bind_expr(&loud, o->expr);
                return NULL;
            }
            if (!wr_px_is_col(p, &col)) {
                wr_pctx_unsupported(c, o->pos,
                                    "ORDER BY expressions (order by a column of the "
                                    "select list)");
                return NULL;
            }
        }
        sort[k] = (wr_sort_key){.col = col,
                                .desc = o->desc,
                                .nulls_first = o->nulls == WR_SQL_NULLS_DEFAULT
                                                   ? !o->desc
                                                   : o->nulls == WR_SQL_NULLS_FIRST};
    }
    if (!n->bounded) {
        if (ns && limit < 0) {
            wr_pctx_unsupported(c, q->order_by[0].pos,
                                "ORDER BY on an unbounded (streaming) input without LIMIT");
            return NULL;
        }
        if (ns) {
            /* Streaming ORDER BY .. LIMIT: a Top-N without partition. */
            wr_lnode *r = wr_ln_new(c->a, WR_LK_RANK, 1, n->ncols);
            if (!r) return NULL;
            r->inputs[0] = n;
            r->rank.nsort = ns;
            r->rank.sort = sort;
            r->rank.start = offset + 1;
            r->rank.end = offset + limit;
            r->rank.emit_ub = true;
            memcpy(r->cols, n->cols, sizeof(wr_field) * n->ncols);
            r->pos = q->order_by[0].pos;
            if (limit == 0) {
                wr_pctx_unsupported(c, q->limit->pos, "LIMIT 0 on an unbounded input");
                return NULL;
            }
            wr_ln_derive(c->a, r);
            return r;
        }
    }
    wr_lnode *r = wr_ln_new(c->a, ns ? WR_LK_SORT : WR_LK_LIMIT, 1, n->ncols);
    if (!r) return NULL;
    r->inputs[0] = n;
    r->sort.nsort = ns;
    r->sort.sort = sort;
    r->sort.offset = offset;
    r->sort.limit = limit;
    memcpy(r->cols, n->cols, sizeof(wr_field) * n->ncols);
    r->pos = ns ? q->order_by[0].pos : q->limit ? q->limit->pos : q->offset->pos;
    wr_ln_derive(c->a, r);
    return r;
}

/* ------------------------------------------------------------------------------------------
 * Queries
 * ---------------------------------------------------------------------------------------- */
static wr_lnode *bind_query_inner(wr_pctx *c, const wr_sql_query *q)
{
    struct wr_cte_binding *saved = c->ctes;
    for (uint32_t i = 0; i < q->nwith; i++) {
        struct wr_cte_binding *b = wr_arena_alloc(c->a, sizeof *b);
        if (!b) return NULL;
        b->name = q->with[i].name.name;
        b->cte = &q->with[i];
        b->file = c->file;
        b->next = c->ctes;
        c->ctes = b;
    }
    wr_lnode *n = NULL;
    switch (q->kind) {
    case WR_SQL_Q_SELECT:
        n = bind_select(c, &q->select, q->pos);
        break;
    case WR_SQL_Q_SETOP:
        n = bind_setop(c, q);
        break;
    case WR_SQL_Q_VALUES:
        n = bind_values(c, q);
        break;
    }
    if (n && (q->norder_by || q->limit || q->offset)) n = bind_order_limit(c, q, n);
    c->ctes = saved;
    return n;
}

wr_lnode *wr_bind_query(wr_pctx *c, const wr_sql_query *q)
{
    return bind_query_inner(c, q);
}

/* ------------------------------------------------------------------------------------------
 * INSERT and SELECT statements
 * ---------------------------------------------------------------------------------------- */
static void schema_text(wr_buf *b, const wr_field *cols, uint32_t n)
{
    wr_buf_putc(b, '[');
    for (uint32_t i = 0; i < n; i++) {
        if (i) wr_buf_append_c(b, ", ");
        wr_buf_printf(b, "%s: ", cols[i].name);
        wr_type t = cols[i].type;
        t.time_attr = WR_TIME_ATTR_NONE;
        wr_type_format(&t, b);
    }
    wr_buf_putc(b, ']');
}

/* Integer digits an integer type needs in a DECIMAL (its precision in Flink). */
static int int_digits(uint8_t id)
{
    switch (id) {
    case WR_TYPE_TINYINT:
        return 3;
    case WR_TYPE_SMALLINT:
        return 5;
    case WR_TYPE_INT:
        return 10;
    default:
        return 19;
    }
}

/* Whether a numeric query column may be written into a numeric sink column: only implicit
 * widening (Flink's LogicalTypeCasts.supportsImplicitCast), TINYINT < SMALLINT < INT <
 * BIGINT < DECIMAL (when the digits fit) < FLOAT < DOUBLE. */
static bool numeric_widens(const wr_type *from, const wr_type *to)
{
    bool fi = wr_type_is_integer(from), ti = wr_type_is_integer(to);
    if (fi && ti) return from->id <= to->id;
    if (to->id == WR_TYPE_DOUBLE) return true;
    if (to->id == WR_TYPE_FLOAT) return from->id != WR_TYPE_DOUBLE;
    if (to->id != WR_TYPE_DECIMAL) return false; /* into an integer from a non-integer */
    if (fi) return (int)to->precision - (int)to->scale >= int_digits(from->id);
    if (from->id != WR_TYPE_DECIMAL) return false; /* FLOAT/DOUBLE into DECIMAL */
    return (int)to->precision - (int)to->scale >= (int)from->precision - (int)from->scale &&
           to->scale >= from->scale;
}

/* Whether a query column of type from may be written into a sink column of type to: Flink's
 * implicit casts (LogicalTypeCasts.supportsImplicitCast). Numbers widen; CHAR goes into
 * VARCHAR, BINARY into VARBINARY; every other type only into the same type root (any
 * precision: TIMESTAMP(6) into TIMESTAMP(3), but TIMESTAMP into TIMESTAMP_LTZ needs a CAST,
 * as DATE into TIMESTAMP and a year-month into a day-time interval do); ARRAY, MAP and ROW
 * element-wise (ROW by position, the same number of fields). Nullability is left to the
 * NOT NULL enforcer, except for untyped NULLs. */
static bool assignable(const wr_type *from, const wr_type *to)
{
    if (from->id == WR_TYPE_NULL) return to->nullable;
    if (wr_type_equal(from, to, true)) return true;
    if (wr_type_is_numeric(from) && wr_type_is_numeric(to)) return numeric_widens(from, to);
    if (wr_type_is_string(from) && wr_type_is_string(to))
        return to->id == WR_TYPE_VARCHAR || from->id == WR_TYPE_CHAR;
    if (wr_type_is_binary(from) && wr_type_is_binary(to))
        return to->id == WR_TYPE_VARBINARY || from->id == WR_TYPE_BINARY;
    if (from->id != to->id) return false;
    switch ((wr_type_id)from->id) {
    case WR_TYPE_ARRAY:
        return from->elem && to->elem && assignable(from->elem, to->elem);
    case WR_TYPE_MAP:
        return from->elem && to->elem && from->value && to->value &&
               assignable(from->elem, to->elem) && assignable(from->value, to->value);
    case WR_TYPE_ROW:
        if (from->nfields != to->nfields) return false;
        for (uint32_t i = 0; i < from->nfields; i++)
            if (!assignable(&from->fields[i].type, &to->fields[i].type)) return false;
        return true;
    default:
        return true; /* TIME(p), TIMESTAMP(p), TIMESTAMP_LTZ(p), DATE, intervals */
    }
}

/* Where query column k of an INSERT was written: its select item when the list has no `*`
 * up to it, else the query. */
static wr_sql_pos query_col_pos(const wr_sql_query *q, uint32_t k)
{
    if (q->kind != WR_SQL_Q_SELECT || k >= q->select.nitems) return q->pos;
    for (uint32_t i = 0; i <= k; i++)
        if (q->select.items[i].expr->kind == WR_SQL_E_STAR) return q->pos;
    return q->select.items[k].pos;
}

wr_lnode *wr_bind_insert(wr_pctx *c, const wr_sql_insert *ins, uint32_t index)
{
    wr_arena *a = c->a;
    if (ins->overwrite) {
        wr_pctx_unsupported(c, ins->table.parts[0].pos, "INSERT OVERWRITE");
        return NULL;
    }
    if (ins->npartition) {
        wr_pctx_unsupported(c, ins->partition[0].key_pos, "INSERT ... PARTITION (...)");
        return NULL;
    }
    if (ins->nhints) {
        wr_pctx_unsupported(c, ins->hints[0].pos, "table hints (OPTIONS)");
        return NULL;
    }
    const char *name = wr_catalog_object_name(c, &ins->table);
    wr_sql_pos npos = ins->table.parts[ins->table.nparts - 1].pos;
    const wr_catalog_entry *t = NULL;
    if (name) {
        wr_catalog *cat = wr_session_catalog(c->sess);
        t = wr_catalog_lookup(cat, name);
        if (!t) {
            const char *sug = wr_catalog_suggest(cat, name);
            if (sug)
                wr_pctx_error(c, npos, "table '%s' not found; did you mean '%s'?", name, sug);
            else
                wr_pctx_error(c, npos, "table '%s' not found", name);
        } else if (t->is_view) {
            wr_pctx_error(c, npos, "cannot INSERT INTO view '%s'", name);
            t = NULL;
        } else if (t->broken) {
            c->failed = true;
            t = NULL;
        }
    }
    wr_lnode *q = wr_bind_query(c, ins->query);
    if (!q || !t) return NULL;
    /* Sink columns: the physical columns (the prefix of t->phys; metadata columns follow).
     * A persisted (non-VIRTUAL) metadata column is written too in Flink, when the connector
     * can write its key; none of weir's sinks writes metadata. */
    uint32_t nsink = 0;
    for (uint32_t i = 0; i < t->ncols; i++) {
        const wr_catalog_col *col = &t->cols[i];
        if (col->kind == WR_CCOL_PHYSICAL) nsink++;
        if (col->kind != WR_CCOL_METADATA || col->is_virtual) continue;
        const wr_connector_vt *conn = NULL;
        wr_error cerr = {0};
        if (wr_connector_find(wr_options_get(&t->options, "connector"), &conn, &cerr) == WR_OK &&
            !wr_metadata_find(conn->writable_metadata, col->metadata_key)) {
            wr_pctx_error(c, npos,
                          "table '%s' cannot be written: its METADATA column '%s' (key '%s') is "
                          "not VIRTUAL, but connector '%s' cannot write that key (declare the "
                          "column VIRTUAL to read it only)",
                          name, col->name, col->metadata_key, conn->name);
            return NULL;
        }
    }
    wr_schema *sink_schema = wr_arena_alloc(a, sizeof(wr_schema));
    if (!sink_schema) return NULL;
    *sink_schema = (wr_schema){.ncols = nsink, .cols = t->phys->cols};
    wr_field *sink_cols = t->phys->cols;
    int32_t *src_of = wr_arena_alloc(a, sizeof(int32_t) * (nsink + 1));
    if (!src_of) return NULL;
    if (ins->ncols) {
        for (uint32_t i = 0; i < nsink; i++)
            src_of[i] = -1;
        if (ins->ncols != q->ncols) {
            wr_pctx_error(c, ins->query->pos,
                          "INSERT INTO %s names %u columns but the query produces %u", name,
                          ins->ncols, q->ncols);
            return NULL;
        }
        for (uint32_t k = 0; k < ins->ncols; k++) {
            int found = wr_schema_find(sink_schema, ins->cols[k].name);
            if (found < 0) {
                const char **cands = wr_arena_alloc(a, sizeof(char *) * (nsink + 1));
                for (uint32_t i = 0; cands && i < nsink; i++)
                    cands[i] = sink_cols[i].name;
                if (cands) cands[nsink] = NULL;
                const char *sug = cands ? wr_plan_suggest(ins->cols[k].name, cands) : NULL;
                if (sug)
                    wr_pctx_error(c, ins->cols[k].pos,
                                  "column '%s' is not a physical column of table '%s'; did you "
                                  "mean '%s'?",
                                  ins->cols[k].name, name, sug);
                else
                    wr_pctx_error(c, ins->cols[k].pos,
                                  "column '%s' is not a physical column of table '%s'",
                                  ins->cols[k].name, name);
                return NULL;
            }
            if (src_of[found] >= 0) {
                wr_pctx_error(c, ins->cols[k].pos, "column '%s' is listed twice",
                              ins->cols[k].name);
                return NULL;
            }
            src_of[found] = (int32_t)k;
        }
    } else {
        if (q->ncols != nsink) {
            wr_buf b;
            wr_buf_init(&b);
            wr_buf_printf(&b,
                          "column types of query result and sink for '%s' do not match: "
                          "different number of columns. Query schema: ",
                          name);
            schema_text(&b, q->cols, q->ncols);
            wr_buf_append_c(&b, " Sink schema: ");
            schema_text(&b, sink_cols, nsink);
            wr_pctx_error(c, ins->query->pos, "%s", b.ptr);
            wr_buf_free(&b);
            return NULL;
        }
        for (uint32_t i = 0; i < nsink; i++)
            src_of[i] = (int32_t)i;
    }
    wr_pexpr **proj = wr_arena_alloc(a, sizeof(wr_pexpr *) * (nsink + 1));
    const char **names = wr_arena_alloc(a, sizeof(char *) * (nsink + 1));
    if (!proj || !names) return NULL;
    bool identity_ok = !ins->ncols;
    /* table.exec.sink.not-null-enforcer for nullable values into NOT NULL columns. */
    bool drop_nulls =
        wr_config_int(wr_session_config(c->sess), "table.exec.sink.not-null-enforcer") == 1;
    wr_pexpr **checks = wr_arena_alloc(a, sizeof(wr_pexpr *) * (nsink + 1));
    uint32_t nchecks = 0;
    if (!checks) return NULL;
    for (uint32_t i = 0; i < nsink; i++) {
        names[i] = sink_cols[i].name;
        wr_type st = sink_cols[i].type;
        if (src_of[i] < 0) {
            wr_value nv = {.is_null = true};
            proj[i] = wr_px_lit(a, wr_type_nullable(st), &nv);
            if (!proj[i]) return NULL;
            if (!st.nullable) {
                wr_pctx_error(c, ins->table.parts[0].pos,
                              "column '%s' of table '%s' is NOT NULL but the INSERT does not "
                              "give it a value",
                              names[i], name);
                return NULL;
            }
            identity_ok = false;
            continue;
        }
        uint32_t k = (uint32_t)src_of[i];
        wr_type qt = q->cols[k].type;
        proj[i] = wr_px_col(a, k, qt);
        if (!proj[i]) return NULL;
        if (!assignable(&qt, &st)) {
            wr_buf b;
            wr_buf_init(&b);
            wr_type qf = qt, sf = st;
            qf.time_attr = WR_TIME_ATTR_NONE;
            sf.time_attr = WR_TIME_ATTR_NONE;
            wr_buf_printf(&b,
                          "Incompatible types for sink column '%s' at position %u: the query "
                          "gives ",
                          names[i], k);
            wr_type_format(&qf, &b);
            wr_buf_append_c(&b, ", the sink column is ");
            wr_type_format(&sf, &b);
            wr_pctx_error(c, query_col_pos(ins->query, k), "%s", b.ptr);
            wr_buf_free(&b);
            return NULL;
        }
        /* Strings and byte strings go into CHAR(n)/VARCHAR(n)/BINARY(n) columns as they are:
         * Flink's default table.exec.sink.type-length-enforcer=IGNORE neither truncates nor
         * pads (a cast would truncate). */
        bool same_bytes = (wr_type_is_string(&qt) && wr_type_is_string(&st)) ||
                          (wr_type_is_binary(&qt) && wr_type_is_binary(&st));
        if (!same_bytes && !wr_type_equal(&qt, &st, true)) {
            wr_error err = {0};
            proj[i] = wr_px_cast(a, proj[i], st, false, &err);
            if (!proj[i]) {
                wr_pctx_error(c, ins->query->pos, "%s", err.msg);
                return NULL;
            }
            identity_ok = false;
        }
        if (!st.nullable && proj[i]->type.nullable) {
            wr_error err = {0};
            wr_pexpr *isnull =
                wr_px_call(a, drop_nulls ? "IS NOT NULL" : "IS NULL", &proj[i], 1, &err);
            if (!isnull) return NULL;
            identity_ok = false;
            if (drop_nulls) {
                checks[nchecks++] = isnull;
                continue;
            }
            /* Flink's SinkNotNullEnforcer message. */
            wr_buf m;
            wr_buf_init(&m);
            wr_buf_printf(&m,
                          "Column '%s' is NOT NULL, however, a null value is being written into "
                          "it. You can set job configuration "
                          "'table.exec.sink.not-null-enforcer'='DROP' to suppress this exception "
                          "and drop such records silently.",
                          names[i]);
            wr_type mt = wr_type_not_null(wr_type_varchar(WR_MAX_LENGTH));
            wr_value mv = {0};
            mv.s = wr_strv_make(m.ptr, (uint32_t)m.len);
            wr_pexpr *msg = wr_px_lit(a, mt, &mv);
            wr_buf_free(&m);
            wr_pexpr *rargs[2] = {proj[i], msg};
            wr_pexpr *raise = msg ? wr_px_call(a, "$RAISE", rargs, 2, &err) : NULL;
            if (!raise) {
                wr_pctx_error(c, ins->query->pos, "%s", err.msg);
                return NULL;
            }
            proj[i] = wr_px_case(a, &isnull, &raise, 1, proj[i], &err);
            if (!proj[i]) {
                wr_pctx_error(c, ins->query->pos, "%s", err.msg);
                return NULL;
            }
        }
    }
    wr_lnode *in = q;
    if (!identity_ok) {
        wr_error err = {0};
        wr_pexpr *filter = nchecks ? wr_px_and(a, checks, nchecks, &err) : NULL;
        if (nchecks && !filter) return NULL;
        in = mk_calc(c, q, filter, proj, names, nsink);
        if (!in) return NULL;
    }
    /* The sink must be makeable (options that only a sink checks). */
    wr_sink_def def = {0};
    wr_error err = {0};
    if (wr_connector_make_sink(&t->options, sink_schema, &def, &err) != WR_OK) {
        wr_pctx_error(c, npos, "table '%s' cannot be written: %s", name, err.msg);
        return NULL;
    }
    if (def.cfg && def.cfg_free) def.cfg_free(def.cfg);
    wr_lnode *s = wr_ln_new(a, WR_LK_SINK, 1, nsink);
    if (s) s->sink.append_only = def.append_only;
    if (!s) return NULL;
    s->inputs[0] = in;
    for (uint32_t i = 0; i < nsink; i++)
        s->cols[i] = (wr_field){.name = names[i], .type = in->cols[i].type};
    s->sink.table = t;
    s->sink.upsert = t->npk > 0;
    s->sink.index = index;
    s->pos = ins->table.parts[0].pos;
    wr_ln_derive(a, s);
    return s;
}

wr_lnode *wr_bind_select_stmt(wr_pctx *c, const wr_sql_query *q, uint32_t index)
{
    wr_lnode *n = wr_bind_query(c, q);
    if (!n) return NULL;
    wr_lnode *s = wr_ln_new(c->a, WR_LK_SINK, 1, n->ncols);
    if (!s) return NULL;
    s->inputs[0] = n;
    memcpy(s->cols, n->cols, sizeof(wr_field) * n->ncols);
    s->sink.index = index;
    s->pos = q->pos;
    wr_ln_derive(c->a, s);
    return s;
}
