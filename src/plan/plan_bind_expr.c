/* plan_bind_expr.c - binding of scalar expressions: column names resolved against a scope
 * (with "did you mean" and ambiguity errors), literals, operators, CASE, CAST and function
 * calls turned into typed plan expressions through the expression module (which applies
 * Flink's implicit casts and names the offending types when there is no signature), and,
 * above an aggregation, group keys and aggregate calls replaced by the aggregation's output
 * columns ("Expression 'x' is not being grouped" otherwise). */
#include "plan/plan_bind.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "sql/sql.h"

const char *wr_upper(wr_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *p = wr_arena_strndup(a, s, n);
    if (!p) return s;
    for (size_t i = 0; i < n; i++)
        p[i] = (char)toupper((unsigned char)p[i]);
    return p;
}

const char *wr_name_str(wr_arena *a, const wr_sql_name *n)
{
    wr_buf b;
    wr_buf_init(&b);
    for (uint32_t i = 0; i < n->nparts; i++) {
        if (i) wr_buf_putc(&b, '.');
        wr_buf_append_c(&b, n->parts[i].name);
    }
    const char *r = wr_arena_strndup(a, b.ptr ? b.ptr : "", b.len);
    wr_buf_free(&b);
    return r;
}

wr_scope *wr_scope_of(wr_arena *a, const wr_lnode *n, const char *qual)
{
    wr_scope *s = wr_arena_alloc(a, sizeof *s);
    if (!s) return NULL;
    s->ncols = n->ncols;
    s->cols = wr_arena_alloc(a, sizeof(wr_scope_col) * (n->ncols ? n->ncols : 1));
    if (!s->cols) return NULL;
    for (uint32_t i = 0; i < n->ncols; i++)
        s->cols[i] = (wr_scope_col){.qual = qual, .name = n->cols[i].name, .type = n->cols[i].type};
    return s;
}

/* ------------------------------------------------------------------------------------------
 * Aggregate names
 * ---------------------------------------------------------------------------------------- */
int wr_agg_kind_of(const char *name)
{
    static const struct {
        const char *name;
        int kind;
    } aggs[] = {
        {"COUNT", WR_AGG_COUNT}, {"SUM", WR_AGG_SUM}, {"MIN", WR_AGG_MIN},
        {"MAX", WR_AGG_MAX},     {"AVG", WR_AGG_AVG},
    };
    static const char *const later[] = {
        "SUM0",       "FIRST_VALUE", "LAST_VALUE",     "LISTAGG",       "STDDEV",
        "STDDEV_POP", "STDDEV_SAMP", "VARIANCE",       "VAR_POP",       "VAR_SAMP",
        "COLLECT",    "ARRAY_AGG",   "JSON_OBJECTAGG", "JSON_ARRAYAGG", "BOOL_AND",
        "BOOL_OR",    "EVERY",       "SOME",           "ANY_VALUE",     "APPROX_COUNT_DISTINCT",
        "GROUPING",   "GROUPING_ID", "GROUP_ID",
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(aggs); i++)
        if (strcasecmp(name, aggs[i].name) == 0) return aggs[i].kind;
    for (size_t i = 0; i < WR_ARRAY_LEN(later); i++)
        if (strcasecmp(name, later[i]) == 0) return -2;
    return -1;
}

static bool is_agg_call(const wr_sql_expr *e)
{
    return e->kind == WR_SQL_E_CALL && !e->call.over && e->call.name.nparts == 1 &&
           wr_agg_kind_of(e->call.name.parts[0].name) != -1;
}

bool wr_ast_has_agg(const wr_sql_expr *e)
{
    if (!e) return false;
    switch (e->kind) {
    case WR_SQL_E_CALL:
        if (is_agg_call(e)) return true;
        for (uint32_t i = 0; i < e->call.nargs; i++)
            if (wr_ast_has_agg(e->call.args[i])) return true;
        return false;
    case WR_SQL_E_UNARY:
        return wr_ast_has_agg(e->unary.arg);
    case WR_SQL_E_BINARY:
        return wr_ast_has_agg(e->binary.left) || wr_ast_has_agg(e->binary.right);
    case WR_SQL_E_BETWEEN:
        return wr_ast_has_agg(e->between.arg) || wr_ast_has_agg(e->between.low) ||
               wr_ast_has_agg(e->between.high);
    case WR_SQL_E_IN_LIST:
        if (wr_ast_has_agg(e->in_list.arg)) return true;
        for (uint32_t i = 0; i < e->in_list.nitems; i++)
            if (wr_ast_has_agg(e->in_list.items[i])) return true;
        return false;
    case WR_SQL_E_LIKE:
        return wr_ast_has_agg(e->like.arg) || wr_ast_has_agg(e->like.pattern) ||
               wr_ast_has_agg(e->like.escape);
    case WR_SQL_E_CASE:
        if (wr_ast_has_agg(e->case_.operand) || wr_ast_has_agg(e->case_.else_)) return true;
        for (uint32_t i = 0; i < e->case_.nwhens; i++)
            if (wr_ast_has_agg(e->case_.whens[i]) || wr_ast_has_agg(e->case_.thens[i])) return true;
        return false;
    case WR_SQL_E_CAST:
        return wr_ast_has_agg(e->cast.arg);
    case WR_SQL_E_ROW:
    case WR_SQL_E_ARRAY:
    case WR_SQL_E_MAP:
        for (uint32_t i = 0; i < e->list.nitems; i++)
            if (wr_ast_has_agg(e->list.items[i])) return true;
        return false;
    case WR_SQL_E_FIELD:
        return wr_ast_has_agg(e->field.arg);
    case WR_SQL_E_INDEX:
        return wr_ast_has_agg(e->index.arg) || wr_ast_has_agg(e->index.index);
    default:
        return false;
    }
}

/* ------------------------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------------------------- */
static wr_pexpr *fail_err(wr_benv *env, wr_sql_pos pos, const wr_error *err)
{
    if (!env->quiet) wr_pctx_error(env->c, pos, "%s", err->msg);
    env->c->failed = true;
    return NULL;
}

static wr_pexpr *fail(wr_benv *env, wr_sql_pos pos, const char *fmt, const char *a1, const char *a2)
{
    if (!env->quiet) wr_pctx_error(env->c, pos, fmt, a1, a2);
    env->c->failed = true;
    return NULL;
}

static wr_pexpr *str_lit(wr_arena *a, const char *s)
{
    size_t n = strlen(s);
    wr_type t = wr_type_not_null(wr_type_make(WR_TYPE_CHAR));
    t.length = (int32_t)(n ? n : 1);
    wr_value v = {0};
    v.s = wr_strv_make(s, (uint32_t)n);
    return wr_px_lit(a, t, &v);
}

static wr_pexpr *call(wr_benv *env, wr_sql_pos pos, const char *fn, wr_pexpr **args, uint32_t nargs)
{
    for (uint32_t i = 0; i < nargs; i++)
        if (!args[i]) return NULL;
    wr_error err = {0};
    wr_pexpr *r = wr_px_call(env->c->a, fn, args, nargs, &err);
    if (!r) return fail_err(env, pos, &err);
    return r;
}

static wr_pexpr **bind_list(wr_benv *env, wr_sql_expr *const *items, uint32_t n, uint32_t extra)
{
    wr_pexpr **r = wr_arena_alloc(env->c->a, sizeof(wr_pexpr *) * (n + extra + 1));
    if (!r) return NULL;
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        r[extra + i] = wr_bind_expr(env, items[i]);
        if (!r[extra + i]) ok = false;
    }
    return ok ? r : NULL;
}

/* ------------------------------------------------------------------------------------------
 * Columns
 * ---------------------------------------------------------------------------------------- */
static const char *suggest_col(wr_arena *a, const wr_scope *s, const char *qual, const char *name)
{
    const char **cands = wr_arena_alloc(a, sizeof(char *) * (s->ncols + 1));
    if (!cands) return NULL;
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->ncols; i++)
        if (!qual || (s->cols[i].qual && strcmp(s->cols[i].qual, qual) == 0))
            cands[n++] = s->cols[i].name;
    cands[n] = NULL;
    return wr_plan_suggest(name, cands);
}

static wr_pexpr *bind_column(wr_benv *env, const wr_sql_expr *e)
{
    const wr_sql_name *nm = &e->column;
    const wr_scope *s = env->scope;
    const char *qual = NULL, *name;
    wr_sql_pos pos = e->pos;
    if (nm->nparts == 1) {
        name = nm->parts[0].name;
    } else if (nm->nparts == 2) {
        qual = nm->parts[0].name;
        name = nm->parts[1].name;
        pos = nm->parts[1].pos;
    } else {
        return fail(env, e->pos,
                    "not supported yet: %s (qualified names with more than two "
                    "parts, or ROW field access)%s",
                    wr_name_str(env->c->a, nm), "");
    }
    if (!s) return fail(env, e->pos, "column '%s' cannot be used here%s", name, "");
    if (qual) {
        bool known = false;
        for (uint32_t i = 0; i < s->ncols && !known; i++)
            known = s->cols[i].qual && strcmp(s->cols[i].qual, qual) == 0;
        if (!known) {
            const char **cands = wr_arena_alloc(env->c->a, sizeof(char *) * (s->ncols + 1));
            uint32_t n = 0;
            for (uint32_t i = 0; cands && i < s->ncols; i++) {
                if (!s->cols[i].qual) continue;
                bool dup = false;
                for (uint32_t k = 0; k < n && !dup; k++)
                    dup = strcmp(cands[k], s->cols[i].qual) == 0;
                if (!dup) cands[n++] = s->cols[i].qual;
            }
            if (cands) cands[n] = NULL;
            const char *sug = cands ? wr_plan_suggest(qual, cands) : NULL;
            if (sug)
                return fail(env, nm->parts[0].pos, "table '%s' not found; did you mean '%s'?", qual,
                            sug);
            return fail(env, nm->parts[0].pos, "table '%s' not found%s", qual, "");
        }
    }
    int found = -1;
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (strcmp(s->cols[i].name, name) != 0) continue;
        if (qual && (!s->cols[i].qual || strcmp(s->cols[i].qual, qual) != 0)) continue;
        if (found >= 0) return fail(env, pos, "column '%s' is ambiguous%s", name, "");
        found = (int)i;
    }
    if (found < 0) {
        const char *sug = suggest_col(env->c->a, s, qual, name);
        if (!env->quiet) {
            if (qual && sug)
                wr_pctx_error(env->c, pos,
                              "column '%s' not found in table '%s'; did you mean '%s'?", name, qual,
                              sug);
            else if (qual)
                wr_pctx_error(env->c, pos, "column '%s' not found in table '%s'", name, qual);
            else if (sug)
                wr_pctx_error(env->c, pos, "column '%s' not found in any table; did you mean '%s'?",
                              name, sug);
            else
                wr_pctx_error(env->c, pos, "column '%s' not found in any table", name);
        }
        env->c->failed = true;
        return NULL;
    }
    return wr_px_col(env->c->a, (uint32_t)found, s->cols[found].type);
}

/* ------------------------------------------------------------------------------------------
 * Calls
 * ---------------------------------------------------------------------------------------- */
static const char *window_aux_family(const char *fn, int *role)
{
    static const struct {
        const char *name, *family;
        int role;
    } aux[] = {
        {"TUMBLE_START", "TUMBLE", 1},     {"TUMBLE_END", "TUMBLE", 2},
        {"TUMBLE_ROWTIME", "TUMBLE", 3},   {"TUMBLE_PROCTIME", "TUMBLE", 4},
        {"HOP_START", "HOP", 1},           {"HOP_END", "HOP", 2},
        {"HOP_ROWTIME", "HOP", 3},         {"HOP_PROCTIME", "HOP", 4},
        {"SESSION_START", "SESSION", 1},   {"SESSION_END", "SESSION", 2},
        {"SESSION_ROWTIME", "SESSION", 3}, {"SESSION_PROCTIME", "SESSION", 4},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(aux); i++) {
        if (strcasecmp(fn, aux[i].name) == 0) {
            *role = aux[i].role;
            return aux[i].family;
        }
    }
    return NULL;
}

static wr_pexpr *bind_window_aux(wr_benv *env, const wr_sql_expr *e, const char *fn)
{
    int role = 0;
    const char *family = window_aux_family(fn, &role);
    wr_aggctx *g = env->agg;
    if (!g || !g->group_window) {
        return fail(env, e->pos,
                    "%s can only be used with a GROUP BY %s(...) group window in the same query",
                    fn, family);
    }
    if (strcmp(family, g->window_fn) != 0 || role == 4) {
        if (role == 4)
            return fail(env, e->pos, "not supported yet: %s (processing-time windows)%s", fn, "");
        return fail(env, e->pos, "%s does not match the group window %s(...) of the GROUP BY", fn,
                    g->window_fn);
    }
    /* The arguments must be those of the group window. */
    const wr_sql_expr *gw = g->group_window;
    bool same = e->call.nargs == gw->call.nargs;
    wr_benv in_env = {.c = env->c, .scope = g->in, .quiet = true};
    for (uint32_t i = 0; same && i < e->call.nargs; i++) {
        bool failed = env->c->failed;
        wr_pexpr *a1 = wr_bind_expr(&in_env, e->call.args[i]);
        wr_pexpr *a2 = wr_bind_expr(&in_env, gw->call.args[i]);
        env->c->failed = failed;
        same = a1 && a2 && wr_px_equal(wr_px_fold(env->c->a, a1), wr_px_fold(env->c->a, a2));
    }
    if (!same)
        return fail(env, e->pos,
                    "%s must be called with the same arguments as the group window %s(...) of "
                    "the GROUP BY",
                    fn, g->window_fn);
    int32_t col = role == 1 ? g->ws_out : role == 2 ? g->we_out : g->wt_out;
    if (col < 0) return fail(env, e->pos, "%s is not available here%s", fn, "");
    return wr_px_col(env->c->a, (uint32_t)col, g->out[col].type);
}

static wr_pexpr *int_lit(wr_arena *a, int64_t x)
{
    wr_value v = {0};
    v.i = x;
    return wr_px_lit(a, wr_type_not_null(wr_type_make(WR_TYPE_INT)), &v);
}

/* The behaviour word the internal JSON functions take; dflt when none was written (a
 * DEFAULT expression is bound apart). */
static const char *json_behavior_lit(wr_sql_json_behavior b, const char *dflt)
{
    const char *w = b == WR_SQL_JSON_DEFAULT ? NULL : wr_sql_json_behavior_name(b);
    return w ? w : dflt;
}

/* JSON_VALUE / JSON_QUERY / JSON_EXISTS with clauses (or JSON_QUERY with RETURNING). JSON_QUERY
 * and JSON_EXISTS become $JSON_QUERY / $JSON_EXISTS with the wrapper and behaviours as
 * literals. JSON_VALUE becomes v = $JSON_VALUE(json, path, empty, error) (NULL or ERROR),
 * converted to the RETURNING type as a TRY_CAST (a CAST that fails the job under ERROR ON
 * ERROR); a DEFAULT turns it into
 *   CASE WHEN $JSON_STATUS(json, path) = 1 THEN CAST(d_empty AS t)
 *        WHEN $JSON_STATUS(json, path) = 2 THEN CAST(d_error AS t)
 *        WHEN v IS NOT NULL AND TRY_CAST(v AS t) IS NULL THEN CAST(d_error AS t)
 *        ELSE TRY_CAST(v AS t) END
 * (the third branch: a value that does not convert is an error too). */
static wr_pexpr *bind_json_call(wr_benv *env, const wr_sql_expr *e, const char *fn)
{
    const wr_sql_call *cl = &e->call;
    wr_arena *a = env->c->a;
    static const wr_sql_json_clauses none = {0};
    const wr_sql_json_clauses *j = cl->json ? cl->json : &none;
    uint32_t ndef = (j->on_empty == WR_SQL_JSON_DEFAULT) + (j->on_error == WR_SQL_JSON_DEFAULT);
    if (cl->nargs != 2 + ndef) {
        wr_pexpr **args = bind_list(env, cl->args, cl->nargs, 0);
        return args ? call(env, e->pos, fn, args, cl->nargs) : NULL; /* names the arity */
    }
    wr_pexpr **args = bind_list(env, cl->args, cl->nargs, 0);
    if (!args) return NULL;
    wr_error err = {0};
    const wr_pexpr *path = args[1];
    if (path->kind == WR_PX_LIT && !path->val.is_null && wr_type_is_string(&path->type)) {
        /* the path language beyond member and index steps */
        const char *ps = path->val.s.ptr;
        uint32_t pn = path->val.s.len;
        bool quoted = false;
        for (uint32_t i = 0; i < pn; i++) {
            if (ps[i] == '\'' || ps[i] == '"') quoted = !quoted;
            if (!quoted && (ps[i] == '*' || ps[i] == '?' || ps[i] == '@' ||
                            (ps[i] == '.' && i + 1 < pn && ps[i + 1] == '.')))
                return fail(env, cl->args[1]->pos,
                            "not supported yet: JSON path '%s' (wildcards, filters and "
                            "recursive descent; member and index steps are supported)%s",
                            wr_arena_strndup(a, ps, pn), "");
        }
    }
    if (strcmp(fn, "JSON_EXISTS") == 0) {
        if (cl->returning)
            return fail(env, cl->returning->pos, "JSON_EXISTS has no RETURNING clause%s%s", "", "");
        wr_pexpr *xa[3] = {args[0], args[1], str_lit(a, json_behavior_lit(j->on_error, "FALSE"))};
        if (j->on_error == WR_SQL_JSON_NONE || j->on_error == WR_SQL_JSON_FALSE)
            return call(env, e->pos, fn, args, 2);
        return call(env, e->pos, "$JSON_EXISTS", xa, 3);
    }
    if (strcmp(fn, "JSON_QUERY") == 0) {
        if (cl->returning && !wr_type_is_string(&cl->returning->type)) {
            wr_buf tb;
            wr_buf_init(&tb);
            wr_type_format(&cl->returning->type, &tb);
            const char *tn = wr_arena_strndup(a, tb.ptr ? tb.ptr : "", tb.len);
            wr_buf_free(&tb);
            return fail(env, cl->returning->pos,
                        "not supported yet: JSON_QUERY ... RETURNING %s (only character string "
                        "types)%s",
                        tn ? tn : "?", "");
        }
        const char *wrapper = j->wrapper == WR_SQL_JSON_WITH_CONDITIONAL     ? "CONDITIONAL"
                              : j->wrapper == WR_SQL_JSON_WITH_UNCONDITIONAL ? "UNCONDITIONAL"
                                                                             : "WITHOUT";
        wr_pexpr *xa[5] = {args[0], args[1], str_lit(a, wrapper),
                           str_lit(a, json_behavior_lit(j->on_empty, "NULL")),
                           str_lit(a, json_behavior_lit(j->on_error, "NULL"))};
        bool plain = wrapper[0] == 'W' &&
                     strcmp(json_behavior_lit(j->on_empty, "NULL"), "NULL") == 0 &&
                     strcmp(json_behavior_lit(j->on_error, "NULL"), "NULL") == 0;
        wr_pexpr *r =
            plain ? call(env, e->pos, fn, args, 2) : call(env, e->pos, "$JSON_QUERY", xa, 5);
        if (r && cl->returning) {
            r = wr_px_cast(a, r, cl->returning->type, true, &err);
            if (!r) return fail_err(env, cl->returning->pos, &err);
        }
        return r;
    }
    /* JSON_VALUE */
    bool error_fails = j->on_error == WR_SQL_JSON_ERROR;
    wr_pexpr *xa[4] = {args[0], args[1],
                       str_lit(a, j->on_empty == WR_SQL_JSON_ERROR ? "ERROR" : "NULL"),
                       str_lit(a, error_fails ? "ERROR" : "NULL")};
    wr_pexpr *v = j->on_empty == WR_SQL_JSON_ERROR || error_fails
                      ? call(env, e->pos, "$JSON_VALUE", xa, 4)
                      : call(env, e->pos, fn, args, 2);
    if (!v) return NULL;
    wr_pexpr *cv = v;
    if (cl->returning) {
        cv = wr_px_cast(a, v, cl->returning->type, !error_fails, &err);
        if (!cv) return fail_err(env, cl->returning->pos, &err);
    }
    if (!ndef) return cv;
    wr_pexpr *sa[2] = {args[0], args[1]};
    wr_pexpr *st = call(env, e->pos, "$JSON_STATUS", sa, 2);
    if (!st) return NULL;
    wr_pexpr *conds[3], *vals[3];
    uint32_t n = 0, next = 2;
    wr_type t = cv->type;
    for (int k = 0; k < 2; k++) {
        wr_sql_json_behavior b = k == 0 ? j->on_empty : j->on_error;
        if (b != WR_SQL_JSON_DEFAULT) continue;
        wr_sql_pos dpos = cl->args[next]->pos;
        wr_pexpr *d = wr_px_cast(a, args[next++], t, false, &err);
        if (!d) return fail_err(env, dpos, &err);
        wr_pexpr *eq[2] = {st, int_lit(a, k + 1)};
        conds[n] = call(env, dpos, "=", eq, 2);
        vals[n++] = d;
        if (k == 1 && cl->returning) {
            /* a value that does not convert to the RETURNING type is an error */
            wr_pexpr *nn = call(env, e->pos, "IS NOT NULL", &v, 1);
            wr_pexpr *isn = call(env, e->pos, "IS NULL", &cv, 1);
            wr_pexpr *both[2] = {nn, isn};
            conds[n] = call(env, e->pos, "AND", both, 2);
            vals[n++] = d;
        }
    }
    for (uint32_t i = 0; i < n; i++)
        if (!conds[i]) return NULL;
    wr_pexpr *r = wr_px_case(a, conds, vals, n, cv, &err);
    if (!r) return fail_err(env, e->pos, &err);
    return r;
}

static wr_pexpr *bind_call(wr_benv *env, const wr_sql_expr *e)
{
    const wr_sql_call *cl = &e->call;
    wr_pctx *c = env->c;
    if (cl->name.nparts != 1)
        return fail(env, e->pos, "not supported yet: function '%s' (user-defined functions)%s",
                    wr_name_str(c->a, &cl->name), "");
    const char *fn = wr_upper(c->a, cl->name.parts[0].name);
    if (cl->over) {
        if (strcmp(fn, "ROW_NUMBER") == 0)
            return fail(env, e->pos,
                        "ROW_NUMBER() OVER (...) is only supported as a select item of a "
                        "subquery filtered on its row number (Top-N or deduplication)%s%s",
                        "", "");
        return fail(env, e->pos, "not supported yet: %s(...) OVER (...) (OVER aggregation)%s", fn,
                    "");
    }
    int ak = wr_agg_kind_of(fn);
    if (ak == -2) return fail(env, e->pos, "not supported yet: aggregate function %s%s", fn, "");
    if (ak >= 0) {
        if (env->clause)
            return fail(env, e->pos, "aggregate functions are not allowed in %s (found %s)",
                        env->clause, fn);
        return fail(env, e->pos, "aggregate function %s is not allowed here%s", fn, "");
    }
    if (cl->distinct)
        return fail(env, e->pos, "DISTINCT is only allowed in aggregate functions, not in %s%s", fn,
                    "");
    if (cl->filter)
        return fail(env, e->pos, "FILTER is only allowed with aggregate functions, not with %s%s",
                    fn, "");
    int role;
    if (window_aux_family(fn, &role)) return bind_window_aux(env, e, fn);
    if (strcmp(fn, "TUMBLE") == 0 || strcmp(fn, "HOP") == 0 || strcmp(fn, "SESSION") == 0 ||
        strcmp(fn, "CUMULATE") == 0)
        return fail(env, e->pos,
                    "%s(...) is a window: use it in FROM as a table function "
                    "(FROM TABLE(%s(TABLE t, DESCRIPTOR(ts), ...))) or in GROUP BY",
                    fn, fn);
    for (uint32_t i = 0; i < cl->nargs; i++) {
        if (cl->args[i]->kind == WR_SQL_E_NAMED_ARG)
            return fail(env, cl->args[i]->pos, "named arguments are not supported for %s%s", fn,
                        "");
    }
    if (strcmp(fn, "PROCTIME") == 0) {
        if (cl->nargs) return fail(env, e->pos, "PROCTIME() takes no arguments%s%s", "", "");
        wr_pexpr *r = call(env, e->pos, "NOW", NULL, 0);
        if (r) r->type.time_attr = WR_TIME_ATTR_PROCTIME;
        return r;
    }
    if (strcmp(fn, "CURRENT_WATERMARK") == 0) {
        if (cl->nargs != 1)
            return fail(env, e->pos,
                        "CURRENT_WATERMARK takes one argument, a rowtime "
                        "attribute%s%s",
                        "", "");
        /* It reads the watermark of the calc that evaluates it: projections and filters
         * (SELECT, WHERE, HAVING). Elsewhere (join conditions, aggregate arguments, keys,
         * window arguments, ...) no operator would give it a watermark. */
        if (env->clause && strcmp(env->clause, "WHERE") != 0)
            return fail(env, e->pos, "not supported yet: CURRENT_WATERMARK in %s%s", env->clause,
                        "");
        wr_pexpr **args = bind_list(env, cl->args, 1, 0);
        if (!args) return NULL;
        if (args[0]->type.time_attr != WR_TIME_ATTR_ROWTIME)
            return fail(env, cl->args[0]->pos,
                        "the argument of CURRENT_WATERMARK must be a rowtime attribute%s%s", "",
                        "");
        return call(env, e->pos, "CURRENT_WATERMARK", args, 1);
    }
    wr_arena *a = c->a;
    switch (cl->form) {
    case WR_SQL_CALL_EXTRACT:
    case WR_SQL_CALL_FLOOR_TO:
    case WR_SQL_CALL_CEIL_TO:
    case WR_SQL_CALL_UNIT_ARG: {
        wr_pexpr **args = bind_list(env, cl->args, cl->nargs, 1);
        if (!args) return NULL;
        args[0] = str_lit(a, wr_sql_unit_name(cl->unit));
        const char *name = cl->form == WR_SQL_CALL_EXTRACT    ? "EXTRACT"
                           : cl->form == WR_SQL_CALL_FLOOR_TO ? "FLOOR_TIME"
                           : cl->form == WR_SQL_CALL_CEIL_TO  ? "CEIL_TIME"
                                                              : fn;
        return call(env, e->pos, name, args, cl->nargs + 1);
    }
    case WR_SQL_CALL_TRIM: {
        wr_pexpr **args = bind_list(env, cl->args, cl->nargs, 1);
        if (!args) return NULL;
        const char *mode = cl->trim == WR_SQL_TRIM_LEADING    ? "LEADING"
                           : cl->trim == WR_SQL_TRIM_TRAILING ? "TRAILING"
                                                              : "BOTH";
        args[0] = str_lit(a, mode);
        return call(env, e->pos, "TRIM", args, cl->nargs + 1);
    }
    default:
        break;
    }
    if (cl->star) return fail(env, e->pos, "%s(*) is not allowed; only COUNT(*)%s", fn, "");
    if (strcmp(fn, "JSON_STRING") == 0 || strcmp(fn, "JSON_QUOTE") == 0 ||
        strcmp(fn, "JSON_UNQUOTE") == 0)
        return fail(env, e->pos, "not supported yet: %s%s", fn, "");
    if (cl->json || strcmp(fn, "JSON_QUERY") == 0 || strcmp(fn, "JSON_EXISTS") == 0 ||
        strcmp(fn, "JSON_VALUE") == 0)
        return bind_json_call(env, e, fn);
    wr_pexpr **args = bind_list(env, cl->args, cl->nargs, 0);
    if (!args) return NULL;
    wr_pexpr *r = call(env, e->pos, fn, args, cl->nargs);
    if (r && cl->returning) {
        wr_error err = {0};
        /* RETURNING converts as a TRY_CAST: JSON_VALUE answers NULL ON ERROR by default. */
        r = wr_px_cast(a, r, cl->returning->type, true, &err);
        if (!r) return fail_err(env, cl->returning->pos, &err);
    }
    return r;
}

/* ------------------------------------------------------------------------------------------
 * Above an aggregation
 * ---------------------------------------------------------------------------------------- */
static wr_pexpr *bind_agg_leaf(wr_benv *env, const wr_sql_expr *e, bool *handled)
{
    wr_aggctx *g = env->agg;
    *handled = false;
    if (is_agg_call(e)) {
        *handled = true;
        for (uint32_t i = 0; i < g->ncalls; i++)
            if (g->calls[i].ast == e)
                return wr_px_col(env->c->a, g->calls[i].out, g->calls[i].type);
        return fail(env, e->pos, "aggregate function calls cannot be nested%s%s", "", "");
    }
    if (e->kind == WR_SQL_E_LITERAL || wr_ast_has_agg(e)) return NULL;
    if (e->kind == WR_SQL_E_CALL && e->call.name.nparts == 1) {
        int role;
        if (window_aux_family(e->call.name.parts[0].name, &role)) return NULL;
    }
    /* Trial: the expression over the input, compared with the group keys. */
    wr_benv in_env = {.c = env->c, .scope = g->in, .quiet = true};
    bool failed = env->c->failed;
    wr_pexpr *p = wr_bind_expr(&in_env, e);
    env->c->failed = failed;
    if (p) {
        for (uint32_t i = 0; i < g->nkeys; i++) {
            if (wr_px_equal(p, g->keys[i])) {
                *handled = true;
                return wr_px_col(env->c->a, g->key_out[i], g->out[g->key_out[i]].type);
            }
        }
        if (wr_px_max_col(p) == 0 && wr_px_is_constant(p)) {
            *handled = true;
            return p;
        }
    }
    if (e->kind == WR_SQL_E_COLUMN) {
        *handled = true;
        if (!p) {
            /* Report why the name does not resolve. */
            wr_benv loud = {.c = env->c, .scope = g->in, .quiet = env->quiet};
            wr_bind_expr(&loud, e);
            return NULL;
        }
        return fail(env, e->pos, "expression '%s' is not being grouped%s",
                    wr_name_str(env->c->a, &e->column), "");
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------------
 * The expression binder
 * ---------------------------------------------------------------------------------------- */
wr_pexpr *wr_bind_expr(wr_benv *env, const wr_sql_expr *e)
{
    wr_pctx *c = env->c;
    wr_arena *a = c->a;
    if (env->agg) {
        bool handled;
        wr_pexpr *r = bind_agg_leaf(env, e, &handled);
        if (handled) return r;
    }
    switch (e->kind) {
    case WR_SQL_E_LITERAL: {
        const wr_sql_literal *l = &e->lit;
        wr_pexpr *r = wr_px_lit(a, l->type, &l->value);
        if (!r) return fail(env, e->pos, "out of memory%s%s", "", "");
        return r;
    }
    case WR_SQL_E_COLUMN:
        return bind_column(env, e);
    case WR_SQL_E_STAR:
        return fail(env, e->pos, "'*' is only allowed in a SELECT list or COUNT(*)%s%s", "", "");
    case WR_SQL_E_UNARY: {
        wr_pexpr *arg = wr_bind_expr(env, e->unary.arg);
        if (!arg) return NULL;
        if (e->unary.op == WR_SQL_OP_PLUS) return arg;
        return call(env, e->pos, wr_sql_unop_name(e->unary.op), &arg, 1);
    }
    case WR_SQL_E_BINARY: {
        wr_pexpr *args[2] = {wr_bind_expr(env, e->binary.left), wr_bind_expr(env, e->binary.right)};
        if (!args[0] || !args[1]) return NULL;
        return call(env, e->binary.op_pos, wr_sql_binop_name(e->binary.op), args, 2);
    }
    case WR_SQL_E_BETWEEN: {
        wr_pexpr *args[3] = {wr_bind_expr(env, e->between.arg), wr_bind_expr(env, e->between.low),
                             wr_bind_expr(env, e->between.high)};
        if (!args[0] || !args[1] || !args[2]) return NULL;
        if (e->between.symmetric) {
            wr_pexpr *a1 = call(env, e->pos, "BETWEEN", args, 3);
            wr_pexpr *args2[3] = {args[0], args[2], args[1]};
            wr_pexpr *a2 = call(env, e->pos, "BETWEEN", args2, 3);
            if (!a1 || !a2) return NULL;
            wr_pexpr *o[2] = {a1, a2};
            wr_pexpr *r = call(env, e->pos, "OR", o, 2);
            if (r && e->between.negated) r = call(env, e->pos, "NOT", &r, 1);
            return r;
        }
        return call(env, e->pos, e->between.negated ? "NOT BETWEEN" : "BETWEEN", args, 3);
    }
    case WR_SQL_E_IN_LIST: {
        wr_pexpr **args = bind_list(env, e->in_list.items, e->in_list.nitems, 1);
        wr_pexpr *x = wr_bind_expr(env, e->in_list.arg);
        if (!args || !x) return NULL;
        args[0] = x;
        return call(env, e->pos, e->in_list.negated ? "NOT IN" : "IN", args, e->in_list.nitems + 1);
    }
    case WR_SQL_E_LIKE: {
        wr_pexpr *args[3] = {wr_bind_expr(env, e->like.arg), wr_bind_expr(env, e->like.pattern),
                             e->like.escape ? wr_bind_expr(env, e->like.escape) : NULL};
        if (!args[0] || !args[1] || (e->like.escape && !args[2])) return NULL;
        const char *fn = e->like.similar ? (e->like.negated ? "NOT SIMILAR TO" : "SIMILAR TO")
                                         : (e->like.negated ? "NOT LIKE" : "LIKE");
        return call(env, e->pos, fn, args, e->like.escape ? 3 : 2);
    }
    case WR_SQL_E_CASE: {
        const wr_sql_case *cs = &e->case_;
        uint32_t n = cs->nwhens;
        wr_pexpr **conds = wr_arena_alloc(a, sizeof(wr_pexpr *) * (n + 1));
        wr_pexpr **vals = wr_arena_alloc(a, sizeof(wr_pexpr *) * (n + 1));
        if (!conds || !vals) return NULL;
        wr_pexpr *operand = cs->operand ? wr_bind_expr(env, cs->operand) : NULL;
        bool ok = !cs->operand || operand;
        for (uint32_t i = 0; i < n; i++) {
            wr_pexpr *w = wr_bind_expr(env, cs->whens[i]);
            vals[i] = wr_bind_expr(env, cs->thens[i]);
            if (w && operand) {
                wr_pexpr *args[2] = {operand, w};
                w = call(env, cs->whens[i]->pos, "=", args, 2);
            }
            conds[i] = w;
            ok = ok && w && vals[i];
        }
        wr_pexpr *els = cs->else_ ? wr_bind_expr(env, cs->else_) : NULL;
        if (!ok || (cs->else_ && !els)) return NULL;
        wr_error err = {0};
        wr_pexpr *r = wr_px_case(a, conds, vals, n, els, &err);
        if (!r) return fail_err(env, e->pos, &err);
        return r;
    }
    case WR_SQL_E_CAST: {
        wr_pexpr *arg = wr_bind_expr(env, e->cast.arg);
        if (!arg) return NULL;
        wr_error err = {0};
        if (wr_type_check_supported(&e->cast.type->type, &err) != WR_OK)
            return fail_err(env, e->cast.type->pos, &err);
        wr_pexpr *r = wr_px_cast(a, arg, e->cast.type->type, e->cast.try_cast, &err);
        if (!r) return fail_err(env, e->pos, &err);
        return r;
    }
    case WR_SQL_E_CALL:
        return bind_call(env, e);
    case WR_SQL_E_IN_QUERY:
        return fail(env, e->pos, "not supported yet: %s%s", "IN (SELECT ...) subqueries", "");
    case WR_SQL_E_EXISTS:
        return fail(env, e->pos, "not supported yet: %s%s", "EXISTS (SELECT ...) subqueries", "");
    case WR_SQL_E_SUBQUERY:
        return fail(env, e->pos, "not supported yet: %s%s", "scalar subqueries", "");
    case WR_SQL_E_ROW:
        return fail(env, e->pos, "not supported yet: %s%s", "ROW values", "");
    case WR_SQL_E_ARRAY:
        return fail(env, e->pos, "not supported yet: %s%s", "ARRAY values", "");
    case WR_SQL_E_MAP:
        return fail(env, e->pos, "not supported yet: %s%s", "MAP values", "");
    case WR_SQL_E_FIELD:
        return fail(env, e->pos, "not supported yet: %s%s", "ROW field access", "");
    case WR_SQL_E_INDEX:
        return fail(env, e->pos, "not supported yet: %s%s", "ARRAY/MAP element access", "");
    case WR_SQL_E_DESCRIPTOR:
        return fail(env, e->pos,
                    "DESCRIPTOR(...) is only allowed as an argument of a window "
                    "table function%s%s",
                    "", "");
    case WR_SQL_E_TABLE_ARG:
        return fail(env, e->pos,
                    "TABLE ... is only allowed as an argument of a table "
                    "function%s%s",
                    "", "");
    case WR_SQL_E_NAMED_ARG:
        return fail(env, e->pos, "named arguments are only allowed in table function calls%s%s", "",
                    "");
    default:
        return fail(env, e->pos, "not supported yet: %s expressions%s",
                    wr_sql_expr_kind_name(e->kind), "");
    }
}

wr_pexpr *wr_bind_table_expr(wr_pctx *c, const wr_sql_expr *e, const wr_field *cols, uint32_t ncols)
{
    wr_scope s = {.ncols = ncols};
    s.cols = wr_arena_alloc(c->a, sizeof(wr_scope_col) * (ncols ? ncols : 1));
    if (!s.cols) return NULL;
    for (uint32_t i = 0; i < ncols; i++)
        s.cols[i] = (wr_scope_col){.name = cols[i].name, .type = cols[i].type};
    wr_benv env = {.c = c, .scope = &s, .clause = "a computed column"};
    return wr_bind_expr(&env, e);
}

bool wr_bind_interval(wr_pctx *c, const wr_sql_expr *e, int64_t *us)
{
    wr_benv env = {.c = c, .scope = NULL, .clause = "a window argument"};
    wr_pexpr *p = wr_bind_expr(&env, e);
    if (!p) return false;
    p = wr_px_fold(c->a, p);
    if (p->kind != WR_PX_LIT || p->type.id != WR_TYPE_INTERVAL_DT || p->val.is_null) {
        wr_pctx_error(c, e->pos,
                      "expected a day-time INTERVAL literal (e.g. INTERVAL '10' "
                      "MINUTE)");
        return false;
    }
    *us = p->val.i;
    return true;
}
