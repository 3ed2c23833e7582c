/* expr_tree.c - expression tree nodes: column references, literals, casts and CASE, their
 * flags (references a column, non-deterministic, can fail at run time), and the SQL-ish
 * rendering used by EXPLAIN. Function calls are resolved in expr_funcs.c. Nodes live in the
 * caller's arena; nothing here allocates elsewhere. */
#include "expr/expr_internal.h"

#include <inttypes.h>
#include <string.h>

wr_expr *wr_expr_node_new(wr_arena *a, wr_expr_kind kind, wr_type type, wr_expr **args,
                          uint32_t nargs)
{
    wr_expr *e = wr_arena_alloc_aligned(a, sizeof(*e), _Alignof(wr_expr));
    if (!e) return NULL;
    memset(e, 0, sizeof(*e));
    e->kind = (uint8_t)kind;
    e->type = type;
    e->nargs = nargs;
    if (nargs) {
        e->args = wr_arena_alloc(a, nargs * sizeof(wr_expr *));
        if (!e->args) return NULL;
        for (uint32_t i = 0; i < nargs; i++) {
            e->args[i] = args[i];
            e->flags |= args[i]->flags & (WR_EF_HAS_COL | WR_EF_NONDET | WR_EF_CAN_FAIL);
        }
    }
    return e;
}

wr_expr *wr_expr_column(wr_arena *a, uint32_t index, wr_type type)
{
    wr_expr *e = wr_expr_node_new(a, WR_EK_COL, type, NULL, 0);
    if (!e) return NULL;
    e->col = index;
    e->flags = WR_EF_HAS_COL;
    return e;
}

wr_expr *wr_expr_literal(wr_arena *a, wr_type type, const wr_value *v)
{
    wr_expr *e = wr_expr_node_new(a, WR_EK_LIT, type, NULL, 0);
    if (!e) return NULL;
    e->val = *v;
    if (v->is_null || type.id == WR_TYPE_NULL) {
        e->val.is_null = true;
        e->type.nullable = true;
        return e;
    }
    e->type.nullable = false;
    if (wr_type_phys(&type) == WR_PHYS_STR) {
        char *p = wr_arena_alloc_aligned(a, v->s.len + 1, 1);
        if (!p) return NULL;
        if (v->s.len) memcpy(p, v->s.ptr, v->s.len);
        p[v->s.len] = 0;
        e->val.s = wr_strv_make(p, v->s.len);
    }
    return e;
}

wr_expr *wr_expr_null(wr_arena *a, wr_type type)
{
    wr_value v = {.is_null = true};
    type.nullable = true;
    return wr_expr_literal(a, type, &v);
}

wr_type wr_expr_type(const wr_expr *e)
{
    return e->type;
}

bool wr_expr_is_constant(const wr_expr *e)
{
    return !(e->flags & (WR_EF_HAS_COL | WR_EF_NONDET));
}

/* Can a cast of this kind fail at run time (so that it needs the active-row mask)? */
static bool cast_can_fail(int kind, const wr_type *from, const wr_type *to)
{
    switch (kind) {
    case WR_CK_IDENT:
    case WR_CK_INT_FLT:
    case WR_CK_FLT_FLT:
    case WR_CK_DEC_FLT:
    case WR_CK_INT_BOOL:
    case WR_CK_FLT_BOOL:
    case WR_CK_DEC_BOOL:
    case WR_CK_TO_STR:
    case WR_CK_STR_STR:
    case WR_CK_STR_BIN:
    case WR_CK_BIN_BIN:
    case WR_CK_TS_DATE:
    case WR_CK_TS_TS:
    case WR_CK_TS_TIME:
    case WR_CK_TIME_TIME:
    case WR_CK_DATE_TS:
        return false;
    case WR_CK_INT_INT:
        return to->id < from->id;
    case WR_CK_BOOL_NUM:
        return false;
    default:
        return true;
    }
}

wr_expr *wr_expr_cast(wr_arena *a, wr_expr *e, wr_type t, bool try_cast, wr_error *err)
{
    if (!e) {
        wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "CAST of a NULL expression");
        return NULL;
    }
    if (wr_type_check_supported(&t, err) < 0) return NULL;
    int kind = wr_expr_cast_kind(&e->type, &t);
    if (kind < 0) {
        wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER, "cannot cast %s to %s",
                     wr_expr_type_str(&e->type), wr_expr_type_str(&t));
        return NULL;
    }
    t.nullable = e->type.nullable || try_cast || e->type.id == WR_TYPE_NULL;
    t.time_attr = WR_TIME_ATTR_NONE;
    wr_expr *c = wr_expr_node_new(a, WR_EK_CAST, t, &e, 1);
    if (!c) {
        wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        return NULL;
    }
    c->op = WR_OP_CAST;
    c->imm = kind;
    c->try_cast = try_cast;
    c->name = try_cast ? "TRY_CAST" : "CAST";
    if (!try_cast && cast_can_fail(kind, &e->type, &t)) c->flags |= WR_EF_CAN_FAIL;
    return c;
}

/* An implicit cast inserted by type resolution (same as CAST, but not rendered). */
wr_expr *wr_expr_coerce(wr_arena *a, wr_expr *e, wr_type t, wr_error *err)
{
    wr_type from = e->type;
    /* any character string fits a VARCHAR at least as long, unchanged (same for bytes) */
    if ((t.id == WR_TYPE_VARCHAR && wr_type_is_string(&from)) ||
        (t.id == WR_TYPE_VARBINARY && wr_type_is_binary(&from))) {
        if (from.length <= t.length) return e;
    }
    if (from.id == t.id && wr_type_phys(&from) == wr_type_phys(&t)) {
        bool same = true;
        if (t.id == WR_TYPE_DECIMAL) same = from.precision == t.precision && from.scale == t.scale;
        if (t.id == WR_TYPE_TIMESTAMP || t.id == WR_TYPE_TIMESTAMP_LTZ || t.id == WR_TYPE_TIME)
            same = from.precision <= t.precision;
        if (t.id == WR_TYPE_CHAR) same = from.length == t.length;
        if (same) return e;
    }
    wr_expr *c = wr_expr_cast(a, e, t, false, err);
    if (c) c->flags |= WR_EF_IMPLICIT;
    return c;
}

static wr_expr *case_mismatch(wr_expr **vals, wr_error *err)
{
    wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                 "CASE: branches have incompatible types (%s and others)",
                 wr_expr_type_str(&vals[0]->type));
    return NULL;
}

wr_expr *wr_expr_case(wr_arena *a, wr_expr **conds, wr_expr **vals, uint32_t n, wr_expr *else_val,
                      wr_error *err)
{
    if (n == 0) {
        wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER, "CASE needs at least one WHEN branch");
        return NULL;
    }
    wr_type rt = vals[0]->type;
    for (uint32_t i = 0; i < n; i++) {
        wr_type ct = conds[i]->type;
        if (ct.id != WR_TYPE_BOOLEAN && ct.id != WR_TYPE_NULL) {
            wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                         "CASE: WHEN condition %u has type %s, expected BOOLEAN", i + 1,
                         wr_expr_type_str(&ct));
            return NULL;
        }
        if (i > 0 && !wr_expr_common_type(&rt, &vals[i]->type, &rt))
            return case_mismatch(vals, err);
    }
    if (else_val && !wr_expr_common_type(&rt, &else_val->type, &rt))
        return case_mismatch(vals, err);
    if (rt.id == WR_TYPE_NULL) {
        wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                     "CASE: cannot derive a result type when every branch is an untyped NULL");
        return NULL;
    }
    bool nullable = !else_val;
    for (uint32_t i = 0; i < n; i++)
        nullable |= vals[i]->type.nullable;
    if (else_val) nullable |= else_val->type.nullable;
    rt.nullable = nullable;
    uint32_t nargs = 2 * n + (else_val ? 1 : 0);
    wr_expr *tmp[nargs];
    for (uint32_t i = 0; i < n; i++) {
        tmp[2 * i] = conds[i];
        if (conds[i]->type.id == WR_TYPE_NULL) {
            tmp[2 * i] = wr_expr_coerce(a, conds[i], wr_type_make(WR_TYPE_BOOLEAN), err);
            if (!tmp[2 * i]) return NULL;
        }
        tmp[2 * i + 1] = wr_expr_coerce(a, vals[i], rt, err);
        if (!tmp[2 * i + 1]) return NULL;
    }
    if (else_val) {
        tmp[nargs - 1] = wr_expr_coerce(a, else_val, rt, err);
        if (!tmp[nargs - 1]) return NULL;
    }
    wr_expr *e = wr_expr_node_new(a, WR_EK_CASE, rt, tmp, nargs);
    if (!e) {
        wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        return NULL;
    }
    e->imm = else_val ? 1 : 0;
    e->name = "CASE";
    return e;
}

/* ------------------------------------------------------------------------------------------
 * Formatting
 * ---------------------------------------------------------------------------------------- */
static bool is_infix(const char *name)
{
    static const char *const ops[] = {"+",
                                      "-",
                                      "*",
                                      "/",
                                      "%",
                                      "=",
                                      "<>",
                                      "<",
                                      "<=",
                                      ">",
                                      ">=",
                                      "||",
                                      "AND",
                                      "OR",
                                      "LIKE",
                                      "NOT LIKE",
                                      "IS DISTINCT FROM",
                                      "IS NOT DISTINCT FROM",
                                      NULL};
    for (int i = 0; ops[i]; i++)
        if (strcmp(ops[i], name) == 0) return true;
    return false;
}

static bool is_postfix(const char *name)
{
    return strncmp(name, "IS ", 3) == 0 && strstr(name, "DISTINCT") == NULL;
}

static int format_node(const wr_expr *e, const wr_schema *in, wr_buf *out);

static int format_args(const wr_expr *e, uint32_t from, const wr_schema *in, wr_buf *out)
{
    for (uint32_t i = from; i < e->nargs; i++) {
        if (i > from && wr_buf_append_c(out, ", ") < 0) return WR_ENOMEM;
        int rc = format_node(e->args[i], in, out);
        if (rc < 0) return rc;
    }
    return 0;
}

static int format_literal(const wr_expr *e, wr_buf *out)
{
    if (e->val.is_null) return wr_buf_append_c(out, "NULL");
    wr_buf tmp;
    wr_buf_init(&tmp);
    int rc = wr_expr_value_to_string(&e->type, &e->val, &tmp);
    if (rc == 0) {
        wr_type_id id = (wr_type_id)e->type.id;
        bool quote = id == WR_TYPE_CHAR || id == WR_TYPE_VARCHAR;
        const char *prefix = "";
        if (id == WR_TYPE_DATE) prefix = "DATE ";
        if (id == WR_TYPE_TIME) prefix = "TIME ";
        if (id == WR_TYPE_TIMESTAMP) prefix = "TIMESTAMP ";
        if (id == WR_TYPE_TIMESTAMP_LTZ) prefix = "TIMESTAMP_LTZ ";
        if (*prefix) quote = true;
        rc = wr_buf_append_c(out, prefix);
        if (quote && rc == 0) rc = wr_buf_putc(out, '\'');
        for (size_t i = 0; rc == 0 && i < tmp.len; i++) {
            if (quote && tmp.ptr[i] == '\'') rc = wr_buf_putc(out, '\'');
            if (rc == 0) rc = wr_buf_putc(out, tmp.ptr[i]);
        }
        if (quote && rc == 0) rc = wr_buf_putc(out, '\'');
    }
    wr_buf_free(&tmp);
    return rc < 0 ? rc : 0;
}

static int format_node(const wr_expr *e, const wr_schema *in, wr_buf *out)
{
    int rc = 0;
    switch (e->kind) {
    case WR_EK_COL:
        if (in && e->col < in->ncols && in->cols[e->col].name)
            return wr_buf_append_c(out, in->cols[e->col].name);
        return wr_buf_printf(out, "$%u", e->col);
    case WR_EK_LIT:
        return format_literal(e, out);
    case WR_EK_CAST:
        if (e->flags & WR_EF_IMPLICIT) return format_node(e->args[0], in, out);
        if ((rc = wr_buf_printf(out, "%s(", e->name)) < 0) return rc;
        if ((rc = format_node(e->args[0], in, out)) < 0) return rc;
        wr_type ct = wr_type_nullable(e->type);
        return wr_buf_printf(out, " AS %s)", wr_expr_type_str(&ct));
    case WR_EK_CASE: {
        uint32_t n = (e->nargs - (uint32_t)e->imm) / 2;
        if ((rc = wr_buf_append_c(out, "CASE")) < 0) return rc;
        for (uint32_t i = 0; i < n; i++) {
            if ((rc = wr_buf_append_c(out, " WHEN ")) < 0) return rc;
            if ((rc = format_node(e->args[2 * i], in, out)) < 0) return rc;
            if ((rc = wr_buf_append_c(out, " THEN ")) < 0) return rc;
            if ((rc = format_node(e->args[2 * i + 1], in, out)) < 0) return rc;
        }
        if (e->imm) {
            if ((rc = wr_buf_append_c(out, " ELSE ")) < 0) return rc;
            if ((rc = format_node(e->args[e->nargs - 1], in, out)) < 0) return rc;
        }
        return wr_buf_append_c(out, " END");
    }
    default:
        break;
    }
    const char *name = e->name ? e->name : "?";
    if (e->op == WR_OP_NULLIF) {
        /* args are (a, a = b): print the user's form */
        const wr_expr *eq = e->args[1];
        if ((rc = wr_buf_append_c(out, "NULLIF(")) < 0) return rc;
        if ((rc = format_node(e->args[0], in, out)) < 0) return rc;
        if ((rc = wr_buf_append_c(out, ", ")) < 0) return rc;
        if ((rc = format_node(eq->args[1], in, out)) < 0) return rc;
        return wr_buf_putc(out, ')');
    }
    if (strcmp(name, "NEG") == 0 && e->nargs == 1) {
        if ((rc = wr_buf_append_c(out, "-")) < 0) return rc;
        return format_node(e->args[0], in, out);
    }
    if (strcmp(name, "NOT") == 0 && e->nargs == 1) {
        if ((rc = wr_buf_append_c(out, "NOT ")) < 0) return rc;
        return format_node(e->args[0], in, out);
    }
    if (is_infix(name) && e->nargs == 2) {
        if ((rc = wr_buf_putc(out, '(')) < 0) return rc;
        if ((rc = format_node(e->args[0], in, out)) < 0) return rc;
        if ((rc = wr_buf_printf(out, " %s ", name)) < 0) return rc;
        if ((rc = format_node(e->args[1], in, out)) < 0) return rc;
        return wr_buf_putc(out, ')');
    }
    if (is_postfix(name) && e->nargs == 1) {
        if ((rc = wr_buf_putc(out, '(')) < 0) return rc;
        if ((rc = format_node(e->args[0], in, out)) < 0) return rc;
        if ((rc = wr_buf_printf(out, " %s)", name)) < 0) return rc;
        return 0;
    }
    if ((rc = wr_buf_printf(out, "%s(", name)) < 0) return rc;
    if (e->op == WR_OP_EXTRACT || e->op == WR_OP_FLOOR_TIME || e->op == WR_OP_CEIL_TIME ||
        e->op == WR_OP_TIMESTAMPADD || e->op == WR_OP_TIMESTAMPDIFF) {
        if (e->imm >= 0 && e->imm < WR_TU__COUNT &&
            (rc = wr_buf_printf(out, "%s%s", wr_time_unit_names[e->imm],
                                e->op == WR_OP_EXTRACT ? " FROM " : ", ")) < 0)
            return rc;
    }
    if ((rc = format_args(e, 0, in, out)) < 0) return rc;
    return wr_buf_putc(out, ')');
}

int wr_expr_format(const wr_expr *e, const wr_schema *input, wr_buf *out)
{
    int rc = format_node(e, input, out);
    return rc < 0 ? rc : 0;
}
