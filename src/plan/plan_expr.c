/* plan_expr.c - plan expressions: typed scalar trees the planner can inspect and rewrite
 * (substitution through projections, column remapping, conjunct splitting, constant
 * folding), each built together with its lowered wr_expr so that types, implicit casts and
 * error messages are exactly the expression module's. */
#include "plan/plan_int.h"

#include <string.h>

static wr_pexpr *px_new(wr_arena *a, wr_px_kind kind, uint32_t nargs)
{
    wr_pexpr *e = wr_arena_alloc_aligned(a, sizeof *e, _Alignof(wr_pexpr));
    if (!e) return NULL;
    memset(e, 0, sizeof *e);
    e->kind = (uint8_t)kind;
    e->nargs = nargs;
    if (nargs) {
        e->args = wr_arena_alloc(a, sizeof(wr_pexpr *) * nargs);
        if (!e->args) return NULL;
    }
    return e;
}

static wr_type plain(wr_type t)
{
    t.time_attr = WR_TIME_ATTR_NONE;
    return t;
}

static int nomem(wr_error *err)
{
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
}

wr_pexpr *wr_px_col(wr_arena *a, uint32_t col, wr_type type)
{
    wr_pexpr *e = px_new(a, WR_PX_COL, 0);
    if (!e) return NULL;
    e->col = col;
    e->type = type;
    e->ex = wr_expr_column(a, col, plain(type));
    return e->ex ? e : NULL;
}

wr_pexpr *wr_px_lit(wr_arena *a, wr_type type, const wr_value *v)
{
    wr_pexpr *e = px_new(a, WR_PX_LIT, 0);
    if (!e) return NULL;
    e->ex = v->is_null ? wr_expr_null(a, plain(type)) : wr_expr_literal(a, plain(type), v);
    if (!e->ex) return NULL;
    e->type = wr_expr_type(e->ex);
    e->val = v->is_null ? (wr_value){.is_null = true} : *v;
    /* Keep the string bytes the lowered literal copied. */
    if (!v->is_null && wr_type_phys(&e->type) == WR_PHYS_STR) {
        char *p = wr_arena_memdup(a, v->s.ptr ? v->s.ptr : "", v->s.len + 1);
        if (!p) return NULL;
        p[v->s.len] = 0;
        e->val.s = wr_strv_make(p, v->s.len);
    }
    return e;
}

wr_pexpr *wr_px_call(wr_arena *a, const char *fn, wr_pexpr **args, uint32_t nargs, wr_error *err)
{
    wr_pexpr *e = px_new(a, WR_PX_CALL, nargs);
    wr_expr **ex = nargs ? wr_arena_alloc(a, sizeof(wr_expr *) * nargs) : NULL;
    if (!e || (nargs && !ex)) {
        nomem(err);
        return NULL;
    }
    for (uint32_t i = 0; i < nargs; i++) {
        e->args[i] = args[i];
        ex[i] = args[i]->ex;
    }
    e->fn = wr_pstrdup(a, fn);
    e->ex = wr_expr_call(a, fn, ex, nargs, err);
    if (!e->ex) return NULL;
    e->type = wr_expr_type(e->ex);
    return e;
}

wr_pexpr *wr_px_cast(wr_arena *a, wr_pexpr *arg, wr_type t, bool try_cast, wr_error *err)
{
    wr_pexpr *e = px_new(a, WR_PX_CAST, 1);
    if (!e) {
        nomem(err);
        return NULL;
    }
    e->args[0] = arg;
    e->try_cast = try_cast;
    e->ex = wr_expr_cast(a, arg->ex, plain(t), try_cast, err);
    if (!e->ex) return NULL;
    e->type = wr_expr_type(e->ex);
    return e;
}

wr_pexpr *wr_px_case(wr_arena *a, wr_pexpr **conds, wr_pexpr **vals, uint32_t n, wr_pexpr *else_v,
                     wr_error *err)
{
    wr_pexpr *e = px_new(a, WR_PX_CASE, 2 * n + (else_v ? 1 : 0));
    wr_expr **c = wr_arena_alloc(a, sizeof(wr_expr *) * (n ? n : 1));
    wr_expr **v = wr_arena_alloc(a, sizeof(wr_expr *) * (n ? n : 1));
    if (!e || !c || !v) {
        nomem(err);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        e->args[2 * i] = conds[i];
        e->args[2 * i + 1] = vals[i];
        c[i] = conds[i]->ex;
        v[i] = vals[i]->ex;
    }
    if (else_v) e->args[2 * n] = else_v;
    e->has_else = else_v != NULL;
    e->ex = wr_expr_case(a, c, v, n, else_v ? else_v->ex : NULL, err);
    if (!e->ex) return NULL;
    e->type = wr_expr_type(e->ex);
    return e;
}

wr_expr *wr_px_lower(wr_arena *a, const wr_pexpr *e, wr_error *err)
{
    (void)a;
    if (!e->ex) wr_error_set(err, WR_EINTERNAL, WR_DOMAIN_INTERNAL, "expression not lowered");
    return e->ex;
}

bool wr_px_is_col(const wr_pexpr *e, uint32_t *col)
{
    if (!e || e->kind != WR_PX_COL) return false;
    if (col) *col = e->col;
    return true;
}

bool wr_px_equal(const wr_pexpr *a, const wr_pexpr *b)
{
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind || a->nargs != b->nargs) return false;
    if (!wr_type_equal(&a->type, &b->type, false)) return false;
    switch ((wr_px_kind)a->kind) {
    case WR_PX_COL:
        return a->col == b->col;
    case WR_PX_LIT:
        if (a->val.is_null || b->val.is_null) return a->val.is_null == b->val.is_null;
        return wr_value_cmp(&a->type, &a->val, &b->val) == 0;
    case WR_PX_CALL:
        if (strcmp(a->fn, b->fn) != 0) return false;
        break;
    case WR_PX_CAST:
        if (a->try_cast != b->try_cast) return false;
        break;
    case WR_PX_CASE:
        if (a->has_else != b->has_else) return false;
        break;
    }
    for (uint32_t i = 0; i < a->nargs; i++)
        if (!wr_px_equal(a->args[i], b->args[i])) return false;
    return true;
}

static wr_pexpr *rebuild(wr_arena *a, const wr_pexpr *e, wr_pexpr **args, wr_error *err)
{
    switch ((wr_px_kind)e->kind) {
    case WR_PX_CALL:
        return wr_px_call(a, e->fn, args, e->nargs, err);
    case WR_PX_CAST:
        return wr_px_cast(a, args[0], e->type, e->try_cast, err);
    case WR_PX_CASE: {
        uint32_t n = (e->nargs - (e->has_else ? 1 : 0)) / 2;
        wr_pexpr **c = wr_arena_alloc(a, sizeof(wr_pexpr *) * (n ? n : 1));
        wr_pexpr **v = wr_arena_alloc(a, sizeof(wr_pexpr *) * (n ? n : 1));
        if (!c || !v) {
            nomem(err);
            return NULL;
        }
        for (uint32_t i = 0; i < n; i++) {
            c[i] = args[2 * i];
            v[i] = args[2 * i + 1];
        }
        return wr_px_case(a, c, v, n, e->has_else ? args[2 * n] : NULL, err);
    }
    default:
        return (wr_pexpr *)e;
    }
}

wr_pexpr *wr_px_subst(wr_arena *a, const wr_pexpr *e, wr_pexpr *const *repl, wr_error *err)
{
    if (e->kind == WR_PX_COL) return repl[e->col];
    if (e->kind == WR_PX_LIT) return (wr_pexpr *)e;
    wr_pexpr **args = wr_arena_alloc(a, sizeof(wr_pexpr *) * (e->nargs ? e->nargs : 1));
    if (!args) {
        nomem(err);
        return NULL;
    }
    bool same = true;
    for (uint32_t i = 0; i < e->nargs; i++) {
        args[i] = wr_px_subst(a, e->args[i], repl, err);
        if (!args[i]) return NULL;
        if (args[i] != e->args[i]) same = false;
    }
    if (same) return (wr_pexpr *)e;
    return rebuild(a, e, args, err);
}

wr_pexpr *wr_px_remap(wr_arena *a, const wr_pexpr *e, const int32_t *map)
{
    wr_error err = {0};
    if (e->kind == WR_PX_COL) {
        WR_ASSERT(map[e->col] >= 0);
        if ((uint32_t)map[e->col] == e->col) return (wr_pexpr *)e;
        return wr_px_col(a, (uint32_t)map[e->col], e->type);
    }
    if (e->kind == WR_PX_LIT) return (wr_pexpr *)e;
    wr_pexpr **args = wr_arena_alloc(a, sizeof(wr_pexpr *) * (e->nargs ? e->nargs : 1));
    if (!args) return NULL;
    bool same = true;
    for (uint32_t i = 0; i < e->nargs; i++) {
        args[i] = wr_px_remap(a, e->args[i], map);
        if (!args[i]) return NULL;
        if (args[i] != e->args[i]) same = false;
    }
    if (same) return (wr_pexpr *)e;
    return rebuild(a, e, args, &err);
}

void wr_px_columns(const wr_pexpr *e, bool *used)
{
    if (!e) return;
    if (e->kind == WR_PX_COL) used[e->col] = true;
    for (uint32_t i = 0; i < e->nargs; i++)
        wr_px_columns(e->args[i], used);
}

uint32_t wr_px_max_col(const wr_pexpr *e)
{
    if (!e) return 0;
    uint32_t m = e->kind == WR_PX_COL ? e->col + 1 : 0;
    for (uint32_t i = 0; i < e->nargs; i++) {
        uint32_t k = wr_px_max_col(e->args[i]);
        if (k > m) m = k;
    }
    return m;
}

bool wr_px_is_constant(const wr_pexpr *e)
{
    return e->ex && wr_expr_is_constant(e->ex);
}

wr_pexpr *wr_px_fold(wr_arena *a, wr_pexpr *e)
{
    if (!e || e->kind == WR_PX_LIT || e->kind == WR_PX_COL) return e;
    if (wr_px_is_constant(e)) {
        wr_value v;
        wr_error err = {0};
        if (wr_expr_eval_constant(e->ex, a, &v, &err) == WR_OK) {
            wr_pexpr *l = wr_px_lit(a, e->type, &v);
            if (l) {
                l->type = e->type; /* keep the declared nullability */
                if (v.is_null) l->type.nullable = true;
                return l;
            }
        }
        return e;
    }
    wr_pexpr **args = wr_arena_alloc(a, sizeof(wr_pexpr *) * (e->nargs ? e->nargs : 1));
    if (!args) return e;
    bool same = true;
    for (uint32_t i = 0; i < e->nargs; i++) {
        args[i] = wr_px_fold(a, e->args[i]);
        if (args[i] != e->args[i]) same = false;
    }
    if (same) return e;
    wr_error err = {0};
    wr_pexpr *r = rebuild(a, e, args, &err);
    return r ? r : e;
}

void wr_px_conjuncts(wr_arena *a, wr_pexpr *e, wr_pexpr ***out, uint32_t *n, uint32_t *cap)
{
    if (!e) return;
    if (e->kind == WR_PX_CALL && strcmp(e->fn, "AND") == 0) {
        for (uint32_t i = 0; i < e->nargs; i++)
            wr_px_conjuncts(a, e->args[i], out, n, cap);
        return;
    }
    wr_pexpr **p = wr_pgrow(a, *out, *n, cap, sizeof(wr_pexpr *));
    if (!p) return;
    *out = p;
    p[(*n)++] = e;
}

wr_pexpr *wr_px_and(wr_arena *a, wr_pexpr **terms, uint32_t n, wr_error *err)
{
    if (n == 0) return NULL;
    wr_pexpr *acc = terms[0];
    for (uint32_t i = 1; i < n && acc; i++) {
        wr_pexpr *args[2] = {acc, terms[i]};
        acc = wr_px_call(a, "AND", args, 2, err);
    }
    return acc;
}

int wr_px_format(const wr_pexpr *e, const wr_field *cols, uint32_t ncols, wr_buf *out)
{
    wr_schema s = {.ncols = ncols, .cols = (wr_field *)cols};
    return wr_expr_format(e->ex, &s, out);
}
