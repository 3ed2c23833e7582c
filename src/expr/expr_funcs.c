/* expr_funcs.c - the registry of built-in functions and operators and their type resolution.
 * wr_expr_call looks a name up (case-insensitively), checks the argument count and types,
 * inserts Flink's implicit casts, derives the result type (including DECIMAL precision and
 * scale), picks the opcode specialized for the physical type, and records constant
 * parameters (time units, ESCAPE characters, ROUND digits) in the node. Unknown names fail
 * with "unknown function 'X'" and a suggestion. docs/functions.md lists what is here. */
#include "expr/expr_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct wr_fndef wr_fndef;

typedef struct bctx {
    wr_arena *a;
    wr_error *err;
    const wr_fndef *f;
    const char *name;
} bctx;

typedef wr_expr *(*bind_fn)(bctx *b, wr_expr **args, uint32_t n);

/* Result nullability/behaviour flags of a function definition. */
#define FD_NULLABLE 0x01 /* may return NULL for non-NULL arguments */
#define FD_FAIL     0x02 /* may raise a runtime error */
#define FD_NOTNULL  0x04 /* never NULL */

struct wr_fndef {
    const char *name;
    bind_fn bind;
    uint16_t op;
    int64_t imm;
    int8_t min, max; /* max -1: variadic */
    const char *sig; /* argument kinds for bind_sig (last one repeats) */
    char ret;        /* result kind for bind_sig */
    uint8_t flags;
    const char *doc; /* expected form, for messages */
};

/* ------------------------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------------------------- */
static wr_expr *oom(bctx *b)
{
    wr_error_set(b->err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    return NULL;
}

static wr_expr *type_error(bctx *b, wr_expr **args, uint32_t n)
{
    char list[400];
    size_t off = 0;
    list[0] = 0;
    for (uint32_t i = 0; i < n && off < sizeof(list) - 80; i++) {
        int k = snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
                         wr_expr_type_str(&args[i]->type));
        if (k > 0) off += (size_t)k;
    }
    wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER,
                 "cannot apply '%s' to arguments of type (%s); expected %s", b->name, list,
                 b->f->doc ? b->f->doc : b->f->name);
    return NULL;
}

static wr_expr *mk(bctx *b, uint16_t op, wr_type t, wr_expr **args, uint32_t n)
{
    wr_expr *e = wr_expr_node_new(b->a, WR_EK_CALL, t, args, n);
    if (!e) return oom(b);
    e->op = op;
    e->name = b->f->name;
    e->imm = b->f->imm;
    if (b->f->flags & FD_FAIL) e->flags |= WR_EF_CAN_FAIL;
    return e;
}

static bool any_nullable(wr_expr **args, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (args[i]->type.nullable) return true;
    return false;
}

static wr_type with_null(wr_type t, bool nullable)
{
    t.nullable = nullable;
    t.time_attr = WR_TIME_ATTR_NONE;
    return t;
}

static bool t_null(const wr_expr *e)
{
    return e->type.id == WR_TYPE_NULL;
}
static bool t_str(const wr_expr *e)
{
    return wr_type_is_string(&e->type);
}
static bool t_bin(const wr_expr *e)
{
    return wr_type_is_binary(&e->type);
}
static bool t_int(const wr_expr *e)
{
    return wr_type_is_integer(&e->type);
}
static bool t_num(const wr_expr *e)
{
    return wr_type_is_numeric(&e->type);
}

static wr_type string_type(void)
{
    return wr_type_varchar(WR_MAX_LENGTH);
}

static wr_expr *coerce(bctx *b, wr_expr *e, wr_type t)
{
    t.nullable = e->type.nullable;
    return wr_expr_coerce(b->a, e, t, b->err);
}

/* The text of a string literal argument (units, modes), or NULL. */
static const char *literal_text(bctx *b, const wr_expr *e, size_t *len)
{
    if (e->kind != WR_EK_LIT || e->val.is_null || !wr_type_is_string(&e->type)) return NULL;
    *len = e->val.s.len;
    return e->val.s.ptr;
}

static bool literal_int(const wr_expr *e, int64_t *out)
{
    const wr_expr *x = e;
    if (x->kind == WR_EK_CAST && (x->flags & WR_EF_IMPLICIT)) x = x->args[0];
    if (x->kind != WR_EK_LIT || x->val.is_null || !wr_type_is_integer(&x->type)) return false;
    *out = x->val.i;
    return true;
}

const char *const wr_time_unit_names[WR_TU__COUNT] = {
    "YEAR", "QUARTER", "MONTH",  "WEEK",        "DAY",         "DAYOFWEEK", "DAYOFYEAR",
    "HOUR", "MINUTE",  "SECOND", "MILLISECOND", "MICROSECOND", "EPOCH"};

int wr_expr_parse_time_unit(const char *s, size_t n)
{
    for (int i = 0; i < WR_TU__COUNT; i++)
        if (strlen(wr_time_unit_names[i]) == n && strncasecmp(wr_time_unit_names[i], s, n) == 0)
            return i;
    if (n == 3 && strncasecmp(s, "DOW", 3) == 0) return WR_TU_DAYOFWEEK;
    if (n == 3 && strncasecmp(s, "DOY", 3) == 0) return WR_TU_DAYOFYEAR;
    if (n == 10 && strncasecmp(s, "DAYOFMONTH", 10) == 0) return WR_TU_DAY;
    return -1;
}

static int unit_arg(bctx *b, const wr_expr *e)
{
    size_t n;
    const char *s = literal_text(b, e, &n);
    int u = s ? wr_expr_parse_time_unit(s, n) : -1;
    if (u < 0) {
        if (s)
            wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER, "%s: unknown time unit '%.*s'", b->name,
                         (int)n, s);
        else
            wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER,
                         "%s: the time unit must be a string literal such as 'HOUR'", b->name);
    }
    return u;
}

/* ------------------------------------------------------------------------------------------
 * Generic signature binder. Argument kinds: S string, Y string or binary, I integer (kept),
 * D numeric as DOUBLE, N numeric (kept), B boolean, X anything. Result kinds: S STRING,
 * I INT, L BIGINT, D DOUBLE, B BOOLEAN, 0 the first argument's type.
 * ---------------------------------------------------------------------------------------- */
static wr_expr *bind_sig(bctx *b, wr_expr **args, uint32_t n)
{
    const char *sig = b->f->sig ? b->f->sig : "";
    size_t ns = strlen(sig);
    wr_expr *cast[n ? n : 1];
    for (uint32_t i = 0; i < n; i++) {
        char k = ns ? sig[i < ns ? i : ns - 1] : 'X';
        wr_expr *e = args[i];
        switch (k) {
        case 'S':
            if (t_null(e))
                e = coerce(b, e, string_type());
            else if (!t_str(e))
                return type_error(b, args, n);
            break;
        case 'Y':
            if (t_null(e))
                e = coerce(b, e, string_type());
            else if (!t_str(e) && !t_bin(e))
                return type_error(b, args, n);
            break;
        case 'I':
            if (t_null(e))
                e = coerce(b, e, wr_type_make(WR_TYPE_INT));
            else if (!t_int(e))
                return type_error(b, args, n);
            break;
        case 'D':
            if (t_null(e) || (t_num(e) && e->type.id != WR_TYPE_DOUBLE))
                e = coerce(b, e, wr_type_make(WR_TYPE_DOUBLE));
            else if (!t_num(e))
                return type_error(b, args, n);
            break;
        case 'N':
            if (!t_num(e)) return type_error(b, args, n);
            break;
        case 'B':
            if (t_null(e))
                e = coerce(b, e, wr_type_make(WR_TYPE_BOOLEAN));
            else if (e->type.id != WR_TYPE_BOOLEAN)
                return type_error(b, args, n);
            break;
        default:
            break;
        }
        if (!e) return NULL;
        cast[i] = e;
    }
    wr_type rt;
    switch (b->f->ret) {
    case 'S':
        rt = string_type();
        break;
    case 'I':
        rt = wr_type_make(WR_TYPE_INT);
        break;
    case 'L':
        rt = wr_type_make(WR_TYPE_BIGINT);
        break;
    case 'D':
        rt = wr_type_make(WR_TYPE_DOUBLE);
        break;
    case 'B':
        rt = wr_type_make(WR_TYPE_BOOLEAN);
        break;
    default:
        rt = n ? cast[0]->type : wr_type_make(WR_TYPE_NULL);
        break;
    }
    bool nullable = any_nullable(cast, n) || (b->f->flags & FD_NULLABLE);
    if (b->f->flags & FD_NOTNULL) nullable = false;
    return mk(b, b->f->op, with_null(rt, nullable), cast, n);
}

/* ------------------------------------------------------------------------------------------
 * Arithmetic
 * ---------------------------------------------------------------------------------------- */
static wr_expr *bind_neg(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *x = args[0];
    wr_type t = x->type;
    uint16_t op;
    if (t.id == WR_TYPE_DECIMAL) {
        op = WR_OP_DEC_NEG;
    } else if (t_num(x) || t.id == WR_TYPE_INTERVAL_DT || t.id == WR_TYPE_INTERVAL_YM) {
        op = (uint16_t)(WR_OP_NEG_I8 + wr_expr_num_idx(wr_type_phys(&t)));
    } else {
        return type_error(b, args, n);
    }
    wr_expr *e = mk(b, op, with_null(t, t.nullable), args, 1);
    if (e) e->name = "NEG";
    return e;
}

static uint16_t arith_base(char op)
{
    switch (op) {
    case '+':
        return WR_OP_ADD_I8;
    case '-':
        return WR_OP_SUB_I8;
    case '*':
        return WR_OP_MUL_I8;
    case '/':
        return WR_OP_DIV_I8;
    default:
        return WR_OP_MOD_I8;
    }
}

static uint16_t dec_op(char op)
{
    switch (op) {
    case '+':
        return WR_OP_DEC_ADD;
    case '-':
        return WR_OP_DEC_SUB;
    case '*':
        return WR_OP_DEC_MUL;
    case '/':
        return WR_OP_DEC_DIV;
    default:
        return WR_OP_DEC_MOD;
    }
}

static wr_expr *bind_temporal_arith(bctx *b, char op, wr_expr **args, uint32_t n)
{
    wr_expr *x = args[0], *y = args[1];
    wr_type_id tx = (wr_type_id)x->type.id, ty = (wr_type_id)y->type.id;
    bool nullable = any_nullable(args, 2);
    /* interval +/- interval of the same kind: plain integer arithmetic */
    if ((op == '+' || op == '-') && tx == ty &&
        (tx == WR_TYPE_INTERVAL_DT || tx == WR_TYPE_INTERVAL_YM)) {
        wr_type t = x->type;
        t.precision = WR_MAX(x->type.precision, y->type.precision);
        uint16_t base = op == '+' ? WR_OP_ADD_I8 : WR_OP_SUB_I8;
        return mk(b, (uint16_t)(base + wr_expr_num_idx(wr_type_phys(&t))), with_null(t, nullable),
                  args, 2);
    }
    if (op == '+' && (tx == WR_TYPE_INTERVAL_DT || tx == WR_TYPE_INTERVAL_YM)) {
        wr_expr *sw[2] = {y, x};
        wr_expr *e = bind_temporal_arith(b, op, sw, 2);
        return e;
    }
    if (op != '+' && op != '-') return type_error(b, args, n);
    uint16_t code;
    if ((tx == WR_TYPE_TIMESTAMP || tx == WR_TYPE_TIMESTAMP_LTZ) && ty == WR_TYPE_INTERVAL_DT)
        code = WR_OP_TS_ADD_DT;
    else if ((tx == WR_TYPE_TIMESTAMP || tx == WR_TYPE_TIMESTAMP_LTZ) && ty == WR_TYPE_INTERVAL_YM)
        code = WR_OP_TS_ADD_YM;
    else if (tx == WR_TYPE_DATE && ty == WR_TYPE_INTERVAL_DT)
        code = WR_OP_DATE_ADD_DT;
    else if (tx == WR_TYPE_DATE && ty == WR_TYPE_INTERVAL_YM)
        code = WR_OP_DATE_ADD_YM;
    else if (tx == WR_TYPE_TIME && ty == WR_TYPE_INTERVAL_DT)
        code = WR_OP_TIME_ADD_DT;
    else
        return type_error(b, args, n);
    wr_expr *e = mk(b, code, with_null(x->type, nullable), args, 2);
    if (e) {
        e->imm = op == '+' ? 1 : -1;
        e->name = op == '+' ? "+" : "-";
    }
    return e;
}

static wr_expr *bind_arith(bctx *b, wr_expr **args, uint32_t n)
{
    char op = (char)b->f->imm;
    if (n == 1) {
        if (op == '+') {
            if (!t_num(args[0])) return type_error(b, args, n);
            return args[0];
        }
        if (op == '-') return bind_neg(b, args, n);
        return type_error(b, args, n);
    }
    wr_expr *x = args[0], *y = args[1];
    if (t_null(x) && t_null(y)) return type_error(b, args, n);
    if (t_null(x) && t_num(y)) x = coerce(b, x, y->type);
    if (t_null(y) && t_num(x)) y = coerce(b, y, x->type);
    if (!x || !y) return NULL;
    wr_expr *a2[2] = {x, y};
    if (!t_num(x) || !t_num(y)) return bind_temporal_arith(b, op, a2, 2);
    bool nullable = any_nullable(a2, 2);
    wr_type ct;
    bool approx = x->type.id == WR_TYPE_FLOAT || x->type.id == WR_TYPE_DOUBLE ||
                  y->type.id == WR_TYPE_FLOAT || y->type.id == WR_TYPE_DOUBLE;
    bool dec = x->type.id == WR_TYPE_DECIMAL || y->type.id == WR_TYPE_DECIMAL;
    if (approx || !dec) {
        if (!wr_expr_common_type(&x->type, &y->type, &ct)) return type_error(b, args, n);
        a2[0] = coerce(b, x, ct);
        a2[1] = coerce(b, y, ct);
        if (!a2[0] || !a2[1]) return NULL;
        uint16_t code = (uint16_t)(arith_base(op) + wr_expr_num_idx(wr_type_phys(&ct)));
        wr_expr *e = mk(b, code, with_null(ct, nullable), a2, 2);
        if (e && !approx && (op == '/' || op == '%')) e->flags |= WR_EF_CAN_FAIL;
        return e;
    }
    wr_type da = wr_expr_as_decimal(&x->type), db = wr_expr_as_decimal(&y->type);
    a2[0] = coerce(b, x, da);
    a2[1] = coerce(b, y, db);
    if (!a2[0] || !a2[1]) return NULL;
    wr_type rt = wr_expr_decimal_result(op, &da, &db);
    wr_expr *e = mk(b, dec_op(op), with_null(rt, nullable), a2, 2);
    if (e) {
        e->flags |= WR_EF_CAN_FAIL;
        e->imm = 0;
    }
    return e;
}

/* ------------------------------------------------------------------------------------------
 * Comparison and logic
 * ---------------------------------------------------------------------------------------- */
static wr_expr *bind_cmp(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *x = args[0], *y = args[1];
    wr_type ct;
    if ((t_null(x) && t_null(y)) || !wr_expr_common_type(&x->type, &y->type, &ct)) {
        wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER, "cannot compare %s with %s using '%s'",
                     wr_expr_type_str(&x->type), wr_expr_type_str(&y->type), b->name);
        return NULL;
    }
    int idx = wr_expr_cmp_idx(wr_type_phys(&ct));
    if (idx < 0) return type_error(b, args, n);
    wr_expr *a2[2] = {coerce(b, x, ct), coerce(b, y, ct)};
    if (!a2[0] || !a2[1]) return NULL;
    static const uint16_t base[6] = {WR_OP_EQ_U8, WR_OP_NE_U8, WR_OP_LT_U8,
                                     WR_OP_LE_U8, WR_OP_LT_U8, WR_OP_LE_U8};
    int k = (int)b->f->imm;
    wr_expr *e = mk(b, (uint16_t)(base[k] + idx),
                    with_null(wr_type_make(WR_TYPE_BOOLEAN), any_nullable(a2, 2)), a2, 2);
    if (e) e->imm = k >= 4; /* swap operands at compile time */
    return e;
}

static wr_expr *as_bool(bctx *b, wr_expr *e)
{
    if (t_null(e)) return coerce(b, e, wr_type_make(WR_TYPE_BOOLEAN));
    if (e->type.id != WR_TYPE_BOOLEAN) return NULL;
    return e;
}

static wr_expr *bind_logic(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *acc = as_bool(b, args[0]);
    if (!acc) return type_error(b, args, n);
    for (uint32_t i = 1; i < n; i++) {
        wr_expr *r = as_bool(b, args[i]);
        if (!r) return type_error(b, args, n);
        wr_expr *a2[2] = {acc, r};
        acc = mk(b, b->f->op, with_null(wr_type_make(WR_TYPE_BOOLEAN), any_nullable(a2, 2)), a2, 2);
        if (!acc) return NULL;
    }
    return acc;
}

static wr_expr *bind_not(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *x = as_bool(b, args[0]);
    if (!x) return type_error(b, args, n);
    return mk(b, WR_OP_NOT, with_null(wr_type_make(WR_TYPE_BOOLEAN), x->type.nullable), &x, 1);
}

static wr_expr *bind_isnull(bctx *b, wr_expr **args, uint32_t n)
{
    return mk(b, b->f->op, with_null(wr_type_make(WR_TYPE_BOOLEAN), false), args, 1);
}

static wr_expr *bind_istrue(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *x = as_bool(b, args[0]);
    if (!x) return type_error(b, args, n);
    return mk(b, b->f->op, with_null(wr_type_make(WR_TYPE_BOOLEAN), false), &x, 1);
}

static wr_expr *bind_distinct(bctx *b, wr_expr **args, uint32_t n)
{
    wr_type ct;
    if (!wr_expr_common_type(&args[0]->type, &args[1]->type, &ct) ||
        (t_null(args[0]) && t_null(args[1])))
        ct = wr_type_make(WR_TYPE_BOOLEAN);
    if (wr_expr_cmp_idx(wr_type_phys(&ct)) < 0) return type_error(b, args, n);
    wr_expr *a2[2] = {coerce(b, args[0], ct), coerce(b, args[1], ct)};
    if (!a2[0] || !a2[1]) return NULL;
    return mk(b, WR_OP_DISTINCT, with_null(wr_type_make(WR_TYPE_BOOLEAN), false), a2, 2);
}

static wr_expr *call_named(bctx *b, const char *fn, wr_expr **args, uint32_t n)
{
    return wr_expr_call(b->a, fn, args, n, b->err);
}

static wr_expr *bind_between(bctx *b, wr_expr **args, uint32_t n)
{
    bool neg = b->f->imm != 0;
    wr_expr *l[2] = {args[0], args[1]}, *h[2] = {args[0], args[2]};
    wr_expr *c[2] = {call_named(b, neg ? "<" : ">=", l, 2), NULL};
    if (!c[0]) return NULL;
    c[1] = call_named(b, neg ? ">" : "<=", h, 2);
    if (!c[1]) return NULL;
    return call_named(b, neg ? "OR" : "AND", c, 2);
}

static wr_expr *bind_in(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *acc = NULL;
    for (uint32_t i = 1; i < n; i++) {
        wr_expr *p[2] = {args[0], args[i]};
        wr_expr *eq = call_named(b, "=", p, 2);
        if (!eq) return NULL;
        if (acc) {
            wr_expr *o[2] = {acc, eq};
            acc = call_named(b, "OR", o, 2);
            if (!acc) return NULL;
        } else {
            acc = eq;
        }
    }
    if (b->f->imm) return call_named(b, "NOT", &acc, 1);
    return acc;
}

static wr_expr *bind_like(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *a2[2];
    for (int i = 0; i < 2; i++) {
        a2[i] = args[i];
        if (t_null(a2[i])) a2[i] = coerce(b, a2[i], string_type());
        if (!a2[i]) return NULL;
        if (!t_str(a2[i])) return type_error(b, args, n);
    }
    int64_t esc = '\\';
    if (n == 3) {
        size_t len;
        const char *s = literal_text(b, args[2], &len);
        if (!s || len > 1) {
            wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER,
                         "%s: ESCAPE must be a string literal of one character", b->name);
            return NULL;
        }
        esc = len ? (unsigned char)s[0] : -1;
    }
    bool similar = b->f->op == WR_OP_SIMILAR;
    wr_expr *e = mk(b, similar ? WR_OP_SIMILAR : WR_OP_LIKE,
                    with_null(wr_type_make(WR_TYPE_BOOLEAN), any_nullable(a2, 2)), a2, 2);
    if (!e) return NULL;
    e->imm = esc;
    e->name = similar ? "SIMILAR TO" : "LIKE";
    if (b->f->imm) return call_named(b, "NOT", &e, 1);
    return e;
}

/* ------------------------------------------------------------------------------------------
 * Conditional
 * ---------------------------------------------------------------------------------------- */
static bool common_of(bctx *b, wr_expr **args, uint32_t n, wr_type *ct)
{
    *ct = args[0]->type;
    for (uint32_t i = 1; i < n; i++)
        if (!wr_expr_common_type(ct, &args[i]->type, ct)) return false;
    return ct->id != WR_TYPE_NULL;
}

static wr_expr *bind_coalesce(bctx *b, wr_expr **args, uint32_t n)
{
    wr_type ct;
    if (!common_of(b, args, n, &ct)) return type_error(b, args, n);
    bool nullable = true;
    wr_expr *c[n];
    for (uint32_t i = 0; i < n; i++) {
        if (!args[i]->type.nullable) nullable = false;
        c[i] = coerce(b, args[i], ct);
        if (!c[i]) return NULL;
    }
    if (n == 1) return c[0];
    return mk(b, WR_OP_COALESCE, with_null(ct, nullable), c, n);
}

static wr_expr *bind_nullif(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *eq = call_named(b, "=", args, 2);
    if (!eq) return NULL;
    wr_expr *a2[2] = {args[0], eq};
    if (t_null(args[0])) return type_error(b, args, n);
    return mk(b, WR_OP_NULLIF, with_null(args[0]->type, true), a2, 2);
}

static wr_expr *bind_if(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *c = as_bool(b, args[0]);
    if (!c) return type_error(b, args, n);
    wr_expr *e = wr_expr_case(b->a, &c, &args[1], 1, args[2], b->err);
    if (e) e->name = "IF";
    return e;
}

static wr_expr *bind_greatest(bctx *b, wr_expr **args, uint32_t n)
{
    wr_type ct;
    if (!common_of(b, args, n, &ct) || wr_expr_cmp_idx(wr_type_phys(&ct)) < 0)
        return type_error(b, args, n);
    wr_expr *c[n];
    for (uint32_t i = 0; i < n; i++) {
        c[i] = coerce(b, args[i], ct);
        if (!c[i]) return NULL;
    }
    return mk(b, b->f->op, with_null(ct, any_nullable(c, n)), c, n);
}

/* ------------------------------------------------------------------------------------------
 * Strings
 * ---------------------------------------------------------------------------------------- */
static wr_expr *bind_concat(bctx *b, wr_expr **args, uint32_t n)
{
    if (b->f->name[0] == '|' && n != 2) return type_error(b, args, n);
    wr_expr *c[n];
    bool bin = true;
    for (uint32_t i = 0; i < n; i++)
        if (!t_bin(args[i]) && !t_null(args[i])) bin = false;
    for (uint32_t i = 0; i < n; i++) {
        c[i] = args[i];
        if (t_null(c[i])) c[i] = coerce(b, c[i], string_type());
        if (!c[i]) return NULL;
        if (!t_str(c[i]) && !(bin && t_bin(c[i]))) return type_error(b, args, n);
    }
    wr_type rt = bin ? wr_type_make(WR_TYPE_VARBINARY) : string_type();
    if (bin) rt.length = WR_MAX_LENGTH;
    return mk(b, WR_OP_CONCAT, with_null(rt, any_nullable(c, n)), c, n);
}

static wr_expr *bind_concat_ws(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *c[n];
    for (uint32_t i = 0; i < n; i++) {
        c[i] = args[i];
        if (t_null(c[i])) c[i] = coerce(b, c[i], string_type());
        if (!c[i]) return NULL;
        if (!t_str(c[i])) return type_error(b, args, n);
    }
    return mk(b, WR_OP_CONCAT_WS, with_null(string_type(), c[0]->type.nullable), c, n);
}

static int trim_mode(const char *s, size_t n)
{
    if (n == 4 && strncasecmp(s, "BOTH", 4) == 0) return WR_TRIM_BOTH;
    if (n == 7 && strncasecmp(s, "LEADING", 7) == 0) return WR_TRIM_LEADING;
    if (n == 8 && strncasecmp(s, "TRAILING", 8) == 0) return WR_TRIM_TRAILING;
    return -1;
}

static wr_expr *bind_trim(bctx *b, wr_expr **args, uint32_t n)
{
    int64_t mode = b->f->imm;
    wr_expr *s = NULL, *chars = NULL;
    if (strcasecmp(b->f->name, "TRIM") == 0) {
        if (n == 1) {
            s = args[0];
        } else {
            size_t len;
            const char *m = literal_text(b, args[0], &len);
            int md = m ? trim_mode(m, len) : -1;
            if (md < 0) {
                wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER,
                             "TRIM: the mode must be 'BOTH', 'LEADING' or 'TRAILING'");
                return NULL;
            }
            mode = md;
            if (n == 2) {
                s = args[1];
            } else {
                chars = args[1];
                s = args[2];
            }
        }
    } else {
        s = args[0];
        if (n == 2) chars = args[1];
    }
    wr_expr *c[2] = {s, chars};
    uint32_t nc = chars ? 2 : 1;
    for (uint32_t i = 0; i < nc; i++) {
        if (t_null(c[i])) c[i] = coerce(b, c[i], string_type());
        if (!c[i]) return NULL;
        if (!t_str(c[i])) return type_error(b, args, n);
    }
    wr_expr *e = mk(b, WR_OP_TRIM, with_null(string_type(), any_nullable(c, nc)), c, nc);
    if (e) e->imm = mode;
    return e;
}

static wr_expr *bind_position(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *c[3];
    for (uint32_t i = 0; i < n; i++) {
        c[i] = args[i];
        bool want_str = i < 2;
        if (t_null(c[i]))
            c[i] = coerce(b, c[i], want_str ? string_type() : wr_type_make(WR_TYPE_INT));
        if (!c[i]) return NULL;
        if (want_str ? !t_str(c[i]) : !t_int(c[i])) return type_error(b, args, n);
    }
    return mk(b, WR_OP_POSITION, with_null(wr_type_make(WR_TYPE_INT), any_nullable(c, n)), c, n);
}

static wr_expr *bind_hex(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *x = args[0];
    if (t_null(x)) x = coerce(b, x, wr_type_make(WR_TYPE_BIGINT));
    if (!x) return NULL;
    if (!t_int(x) && !t_str(x) && !t_bin(x)) return type_error(b, args, n);
    wr_expr *e = mk(b, WR_OP_HEX, with_null(string_type(), x->type.nullable), &x, 1);
    if (e) e->imm = t_int(x) ? 0 : 1;
    return e;
}

static wr_expr *bind_is_class(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *x = args[0];
    if (t_null(x)) x = coerce(b, x, string_type());
    if (!x) return NULL;
    if (!t_str(x)) return type_error(b, args, n);
    return mk(b, WR_OP_IS_CLASS, with_null(wr_type_make(WR_TYPE_BOOLEAN), false), &x, 1);
}

static wr_expr *bind_uuid(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *e = mk(b, WR_OP_UUID, wr_type_not_null(string_type()), NULL, 0);
    if (e) e->flags |= WR_EF_NONDET;
    return e;
}

static wr_expr *bind_typeof(bctx *b, wr_expr **args, uint32_t n)
{
    wr_buf tb;
    wr_buf_init(&tb);
    if (wr_type_format(&args[0]->type, &tb) < 0) {
        wr_buf_free(&tb);
        return oom(b);
    }
    wr_value v = {.s = wr_strv_make(tb.ptr ? tb.ptr : "", (uint32_t)tb.len)};
    wr_expr *e = wr_expr_literal(b->a, wr_type_not_null(string_type()), &v);
    wr_buf_free(&tb);
    return e ? e : oom(b);
}

/* ------------------------------------------------------------------------------------------
 * Math
 * ---------------------------------------------------------------------------------------- */
static wr_expr *bind_num_same(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *x = args[0];
    if (t_null(x)) x = coerce(b, x, wr_type_make(WR_TYPE_DOUBLE));
    if (!x) return NULL;
    if (!t_num(x)) return type_error(b, args, n);
    return mk(b, b->f->op, with_null(x->type, x->type.nullable), &x, 1);
}

static wr_expr *bind_ceilfloor(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *x = args[0];
    if (t_null(x)) x = coerce(b, x, wr_type_make(WR_TYPE_DOUBLE));
    if (!x) return NULL;
    if (!t_num(x)) return type_error(b, args, n);
    if (t_int(x)) return x;
    wr_type rt = x->type;
    if (rt.id == WR_TYPE_DECIMAL) rt = wr_expr_round_decimal_type(rt.precision, rt.scale, 0);
    wr_expr *e = mk(b, b->f->op, with_null(rt, x->type.nullable), &x, 1);
    if (e && x->type.id == WR_TYPE_DECIMAL) e->flags |= WR_EF_CAN_FAIL;
    return e;
}

static wr_expr *bind_round(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *x = args[0];
    if (t_null(x)) x = coerce(b, x, wr_type_make(WR_TYPE_DOUBLE));
    if (!x) return NULL;
    if (!t_num(x)) return type_error(b, args, n);
    int64_t digits = 0;
    bool lit = true;
    wr_expr *d = NULL;
    if (n == 2) {
        d = args[1];
        if (t_null(d)) d = coerce(b, d, wr_type_make(WR_TYPE_INT));
        if (!d) return NULL;
        if (!t_int(d)) return type_error(b, args, n);
        lit = literal_int(d, &digits);
    }
    wr_type rt = x->type;
    if (rt.id == WR_TYPE_DECIMAL) {
        if (!lit) {
            wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER,
                         "%s on DECIMAL needs an integer literal as the number of digits", b->name);
            return NULL;
        }
        if (digits > 38) digits = 38;
        if (digits < -38) digits = -38;
        rt = wr_expr_round_decimal_type(rt.precision, rt.scale, (int)digits);
    }
    wr_expr *a2[2] = {x, d};
    wr_expr *e = mk(b, WR_OP_ROUND, with_null(rt, any_nullable(a2, lit ? 1 : 2)), a2, lit ? 1 : 2);
    if (!e) return NULL;
    e->imm = digits;
    e->imm2 = b->f->imm; /* 0 ROUND, 1 TRUNCATE */
    if (x->type.id == WR_TYPE_DECIMAL) e->flags |= WR_EF_CAN_FAIL;
    return e;
}

static wr_expr *bind_mod(bctx *b, wr_expr **args, uint32_t n)
{
    static const wr_fndef pct = {"%", NULL, 0, '%', 2, 2, NULL, 0, 0, "MOD(NUMERIC, NUMERIC)"};
    bctx b2 = *b;
    b2.f = &pct;
    wr_expr *e = bind_arith(&b2, args, n);
    if (e && e->kind == WR_EK_CALL) e->name = "MOD";
    return e;
}

static wr_expr *bind_log(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *c[2];
    for (uint32_t i = 0; i < n; i++) {
        c[i] = args[i];
        if (t_null(c[i]) || (t_num(c[i]) && c[i]->type.id != WR_TYPE_DOUBLE))
            c[i] = coerce(b, c[i], wr_type_make(WR_TYPE_DOUBLE));
        if (!c[i]) return NULL;
        if (!t_num(c[i])) return type_error(b, args, n);
    }
    wr_type rt = with_null(wr_type_make(WR_TYPE_DOUBLE), any_nullable(c, n));
    wr_expr *e = mk(b, n == 1 ? WR_OP_MATH1 : WR_OP_MATH2, rt, c, n);
    if (e) e->imm = n == 1 ? WR_MF_LN : WR_MF_LOG;
    return e;
}

static wr_expr *bind_const_double(bctx *b, wr_expr **args, uint32_t n)
{
    wr_value v = {.d = b->f->imm == 0 ? M_PI : M_E};
    wr_expr *e = wr_expr_literal(b->a, wr_type_not_null(wr_type_make(WR_TYPE_DOUBLE)), &v);
    return e ? e : oom(b);
}

static wr_expr *bind_rand(bctx *b, wr_expr **args, uint32_t n)
{
    int64_t seed = 0;
    bool seeded = false;
    wr_expr *bound = NULL;
    bool is_int = b->f->op == WR_OP_RAND_INTEGER;
    uint32_t nseed = is_int ? n - 1 : n;
    if (nseed == 1) {
        if (!literal_int(args[0], &seed)) {
            wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER,
                         "%s: the seed must be an integer literal", b->name);
            return NULL;
        }
        seeded = true;
    }
    if (is_int) {
        bound = args[n - 1];
        if (t_null(bound)) bound = coerce(b, bound, wr_type_make(WR_TYPE_INT));
        if (!bound) return NULL;
        if (!t_int(bound)) return type_error(b, args, n);
    }
    wr_type rt = is_int ? with_null(wr_type_make(WR_TYPE_INT), bound->type.nullable)
                        : wr_type_not_null(wr_type_make(WR_TYPE_DOUBLE));
    wr_expr *e = mk(b, b->f->op, rt, &bound, is_int ? 1 : 0);
    if (!e) return NULL;
    e->flags |= WR_EF_NONDET;
    e->imm = seeded;
    e->imm2 = seed;
    return e;
}

/* ------------------------------------------------------------------------------------------
 * Temporal
 * ---------------------------------------------------------------------------------------- */
static bool unit_ok_for(int unit, wr_type_id t)
{
    bool date_part = unit <= WR_TU_DAYOFYEAR || unit == WR_TU_EPOCH;
    if (t == WR_TYPE_DATE) return date_part;
    if (t == WR_TYPE_TIME) return !date_part || unit == WR_TU_EPOCH;
    return true;
}

static wr_expr *extract_node(bctx *b, int unit, wr_expr *t, wr_expr **args, uint32_t n)
{
    wr_type_id id = (wr_type_id)t->type.id;
    if (id != WR_TYPE_DATE && id != WR_TYPE_TIME && id != WR_TYPE_TIMESTAMP &&
        id != WR_TYPE_TIMESTAMP_LTZ)
        return type_error(b, args, n);
    if (!unit_ok_for(unit, id)) {
        wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER, "%s: cannot extract %s from %s", b->name,
                     wr_time_unit_names[unit], wr_expr_type_str(&t->type));
        return NULL;
    }
    wr_expr *e =
        mk(b, WR_OP_EXTRACT, with_null(wr_type_make(WR_TYPE_BIGINT), t->type.nullable), &t, 1);
    if (e) e->imm = unit;
    return e;
}

static wr_expr *bind_extract(bctx *b, wr_expr **args, uint32_t n)
{
    int unit = unit_arg(b, args[0]);
    if (unit < 0) return NULL;
    wr_expr *e = extract_node(b, unit, args[1], args, n);
    if (e) e->name = "EXTRACT";
    return e;
}

static wr_expr *bind_datepart(bctx *b, wr_expr **args, uint32_t n)
{
    return extract_node(b, (int)b->f->imm, args[0], args, n);
}

static wr_expr *bind_floor_time(bctx *b, wr_expr **args, uint32_t n)
{
    int unit = unit_arg(b, args[0]);
    if (unit < 0) return NULL;
    wr_expr *t = args[1];
    wr_type_id id = (wr_type_id)t->type.id;
    if (id != WR_TYPE_DATE && id != WR_TYPE_TIMESTAMP && id != WR_TYPE_TIMESTAMP_LTZ &&
        id != WR_TYPE_TIME)
        return type_error(b, args, n);
    bool ok = unit == WR_TU_YEAR || unit == WR_TU_QUARTER || unit == WR_TU_MONTH ||
              unit == WR_TU_WEEK || unit == WR_TU_DAY || unit == WR_TU_HOUR ||
              unit == WR_TU_MINUTE || unit == WR_TU_SECOND || unit == WR_TU_MILLISECOND;
    if (id == WR_TYPE_DATE && unit > WR_TU_DAY) ok = false;
    if (id == WR_TYPE_TIME && unit < WR_TU_HOUR) ok = false;
    if (!ok) {
        wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER, "%s: unit %s is not supported for %s",
                     b->name, wr_time_unit_names[unit], wr_expr_type_str(&t->type));
        return NULL;
    }
    wr_expr *e = mk(b, b->f->op, with_null(t->type, t->type.nullable), &t, 1);
    if (e) e->imm = unit;
    return e;
}

static wr_expr *str_arg(bctx *b, wr_expr *e)
{
    if (t_null(e)) return coerce(b, e, string_type());
    return t_str(e) ? e : NULL;
}

static wr_expr *bind_date_format(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *t = args[0];
    if (t_null(t)) t = coerce(b, t, wr_type_timestamp(3));
    if (!t) return NULL;
    wr_type_id id = (wr_type_id)t->type.id;
    if (id != WR_TYPE_TIMESTAMP && id != WR_TYPE_TIMESTAMP_LTZ && id != WR_TYPE_DATE && !t_str(t))
        return type_error(b, args, n);
    wr_expr *f = str_arg(b, args[1]);
    if (!f) return type_error(b, args, n);
    wr_expr *a2[2] = {t, f};
    return mk(b, WR_OP_DATE_FORMAT, with_null(string_type(), any_nullable(a2, 2)), a2, 2);
}

static wr_expr *bind_parse(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *c[2];
    for (uint32_t i = 0; i < n; i++) {
        c[i] = str_arg(b, args[i]);
        if (!c[i]) return type_error(b, args, n);
    }
    wr_type rt = b->f->imm == WR_PK_TO_DATE ? wr_type_make(WR_TYPE_DATE) : wr_type_timestamp(3);
    return mk(b, WR_OP_PARSE_TS, with_null(rt, true), c, n);
}

static wr_expr *bind_to_ts_ltz(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *x = args[0];
    int64_t p = 3;
    if (n == 2 && (!literal_int(args[1], &p) || (p != 0 && p != 3))) {
        wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER,
                     "TO_TIMESTAMP_LTZ: the precision must be the literal 0 or 3");
        return NULL;
    }
    if (t_null(x)) x = coerce(b, x, wr_type_make(WR_TYPE_BIGINT));
    if (!x) return NULL;
    if (!t_num(x)) return type_error(b, args, n);
    if (!t_int(x)) x = coerce(b, x, wr_type_make(WR_TYPE_DOUBLE));
    if (!x) return NULL;
    wr_expr *e =
        mk(b, WR_OP_TO_TIMESTAMP_LTZ, with_null(wr_type_timestamp_ltz(3), x->type.nullable), &x, 1);
    if (e) e->imm = p;
    return e;
}

static wr_expr *bind_unix_ts(bctx *b, wr_expr **args, uint32_t n)
{
    if (n == 0) {
        wr_expr *e = mk(b, WR_OP_NOW, wr_type_not_null(wr_type_make(WR_TYPE_BIGINT)), NULL, 0);
        if (e) {
            e->imm = WR_NOW_UNIX;
            e->flags |= WR_EF_NONDET;
        }
        return e;
    }
    wr_expr *c[2];
    for (uint32_t i = 0; i < n; i++) {
        c[i] = str_arg(b, args[i]);
        if (!c[i]) return type_error(b, args, n);
    }
    return mk(b, WR_OP_UNIX_TIMESTAMP, with_null(wr_type_make(WR_TYPE_BIGINT), any_nullable(c, n)),
              c, n);
}

static wr_expr *bind_from_unixtime(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *c[2] = {args[0], n > 1 ? args[1] : NULL};
    if (t_null(c[0])) c[0] = coerce(b, c[0], wr_type_make(WR_TYPE_BIGINT));
    if (!c[0]) return NULL;
    if (!t_int(c[0])) return type_error(b, args, n);
    if (n == 2 && !(c[1] = str_arg(b, c[1]))) return type_error(b, args, n);
    return mk(b, WR_OP_FROM_UNIXTIME, with_null(string_type(), any_nullable(c, n)), c, n);
}

static wr_expr *bind_tsadd(bctx *b, wr_expr **args, uint32_t n)
{
    int unit = unit_arg(b, args[0]);
    if (unit < 0) return NULL;
    if (unit == WR_TU_DAYOFWEEK || unit == WR_TU_DAYOFYEAR || unit == WR_TU_EPOCH) {
        wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER, "TIMESTAMPADD: unit %s is not supported",
                     wr_time_unit_names[unit]);
        return NULL;
    }
    wr_expr *k = args[1], *t = args[2];
    if (t_null(k)) k = coerce(b, k, wr_type_make(WR_TYPE_INT));
    if (!k) return NULL;
    if (!t_int(k)) return type_error(b, args, n);
    wr_type_id id = (wr_type_id)t->type.id;
    if (id == WR_TYPE_DATE && unit > WR_TU_DAY) {
        t = coerce(b, t, wr_type_timestamp(0));
        if (!t) return NULL;
        id = WR_TYPE_TIMESTAMP;
    }
    if (id != WR_TYPE_DATE && id != WR_TYPE_TIMESTAMP && id != WR_TYPE_TIMESTAMP_LTZ)
        return type_error(b, args, n);
    wr_expr *a2[2] = {k, t};
    wr_expr *e = mk(b, WR_OP_TIMESTAMPADD, with_null(t->type, any_nullable(a2, 2)), a2, 2);
    if (e) e->imm = unit;
    return e;
}

static wr_expr *bind_tsdiff(bctx *b, wr_expr **args, uint32_t n)
{
    int unit = unit_arg(b, args[0]);
    if (unit < 0) return NULL;
    if (unit == WR_TU_DAYOFWEEK || unit == WR_TU_DAYOFYEAR || unit == WR_TU_EPOCH) {
        wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER, "TIMESTAMPDIFF: unit %s is not supported",
                     wr_time_unit_names[unit]);
        return NULL;
    }
    wr_type ct;
    if (!wr_expr_common_type(&args[1]->type, &args[2]->type, &ct)) return type_error(b, args, n);
    if (ct.id == WR_TYPE_DATE) ct = wr_type_timestamp(0);
    if (ct.id != WR_TYPE_TIMESTAMP && ct.id != WR_TYPE_TIMESTAMP_LTZ) return type_error(b, args, n);
    wr_expr *a2[2] = {coerce(b, args[1], ct), coerce(b, args[2], ct)};
    if (!a2[0] || !a2[1]) return NULL;
    wr_expr *e = mk(b, WR_OP_TIMESTAMPDIFF,
                    with_null(wr_type_make(WR_TYPE_INT), any_nullable(a2, 2)), a2, 2);
    if (e) e->imm = unit;
    return e;
}

static wr_expr *bind_now(bctx *b, wr_expr **args, uint32_t n)
{
    wr_type rt;
    switch (b->f->imm) {
    case WR_NOW_TIMESTAMP:
        rt = wr_type_timestamp(3);
        break;
    case WR_NOW_DATE:
        rt = wr_type_make(WR_TYPE_DATE);
        break;
    case WR_NOW_TIME:
        rt = wr_type_make(WR_TYPE_TIME);
        rt.precision = 0;
        break;
    default:
        rt = wr_type_timestamp_ltz(3);
        break;
    }
    wr_expr *e = mk(b, WR_OP_NOW, wr_type_not_null(rt), NULL, 0);
    if (e) e->flags |= WR_EF_NONDET;
    return e;
}

/* CURRENT_WATERMARK(ts): the watermark of the evaluating operator, typed as ts with
 * precision 3, nullable. The argument only gives the type (the binder checks it is a rowtime
 * attribute). */
static wr_expr *bind_current_watermark(bctx *b, wr_expr **args, uint32_t n)
{
    wr_type t = args[0]->type;
    if (t.id != WR_TYPE_TIMESTAMP && t.id != WR_TYPE_TIMESTAMP_LTZ) return type_error(b, args, n);
    wr_type rt = t.id == WR_TYPE_TIMESTAMP ? wr_type_timestamp(3) : wr_type_timestamp_ltz(3);
    wr_expr *e = mk(b, WR_OP_NOW, rt, NULL, 0);
    if (e) {
        e->imm = WR_NOW_WATERMARK;
        e->flags |= WR_EF_NONDET;
    }
    return e;
}

/* $RAISE(x, 'message'): fails with the message on every row that reaches it (it is meant for
 * a CASE branch, where only the rows taking the branch evaluate it); typed as x. The planner
 * uses it for table.exec.sink.not-null-enforcer = ERROR. Not a Flink function: its name
 * cannot be written unquoted. */
static wr_expr *bind_raise(bctx *b, wr_expr **args, uint32_t n)
{
    if (args[1]->kind != WR_EK_LIT || !wr_type_is_string(&args[1]->type) || args[1]->val.is_null)
        return type_error(b, args, n);
    wr_expr *e = mk(b, WR_OP_RAISE, with_null(args[0]->type, true), args, 2);
    if (e) e->flags |= WR_EF_NONDET | WR_EF_CAN_FAIL;
    return e;
}

/* ------------------------------------------------------------------------------------------
 * JSON
 * ---------------------------------------------------------------------------------------- */
/* The literal at args[k] among words, or -1. */
static int json_word(bctx *b, const wr_expr *e, const char *const *words, int nwords)
{
    size_t len;
    const char *s = literal_text(b, e, &len);
    if (!s) return -1;
    for (int i = 0; i < nwords; i++)
        if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0) return i;
    return -1;
}

/* JSON_VALUE(json, path), JSON_QUERY(json, path), JSON_EXISTS(json, path) with Flink's
 * default behaviours, and the forms the planner writes for the clauses, behaviours as string
 * literals: $JSON_VALUE(json, path, on_empty, on_error) ('NULL' or 'ERROR'; the planner
 * turns DEFAULT into a CASE over $JSON_STATUS(json, path)), $JSON_QUERY(json, path, wrapper,
 * on_empty, on_error) ('WITHOUT', 'CONDITIONAL', 'UNCONDITIONAL'; 'NULL', 'ERROR', 'EMPTY
 * ARRAY', 'EMPTY OBJECT'), $JSON_EXISTS(json, path, on_error) ('TRUE', 'FALSE', 'UNKNOWN',
 * 'ERROR'). The literals stay arguments (EXPLAIN shows them); the kernel reads imm. */
static wr_expr *bind_json(bctx *b, wr_expr **args, uint32_t n)
{
    static const char *const behaviors[] = {"NULL", "ERROR", "EMPTY ARRAY", "EMPTY OBJECT",
                                            "TRUE", "FALSE", "UNKNOWN"};
    static const char *const wrappers[] = {"WITHOUT", "CONDITIONAL", "UNCONDITIONAL"};
    for (uint32_t i = 0; i < 2; i++) {
        if (t_null(args[i])) args[i] = coerce(b, args[i], string_type());
        if (!args[i]) return NULL;
        if (!t_str(args[i])) return type_error(b, args, n);
    }
    uint16_t op = b->f->op;
    int64_t imm = b->f->imm;
    if (n > 2) {
        int wrapper = 0, empty = WR_JB_NULL, error = WR_JB_NULL;
        bool ok = true;
        if (op == WR_OP_JSON_VALUE) {
            empty = json_word(b, args[2], behaviors, 2);
            error = json_word(b, args[3], behaviors, 2);
        } else if (op == WR_OP_JSON_QUERY) {
            wrapper = json_word(b, args[2], wrappers, 3);
            empty = json_word(b, args[3], behaviors, 4);
            error = json_word(b, args[4], behaviors, 4);
        } else {
            error = json_word(b, args[2], behaviors, 7);
            ok = error == WR_JB_ERROR || error >= WR_JB_TRUE;
        }
        if (!ok || wrapper < 0 || empty < 0 || error < 0) {
            wr_error_set(b->err, WR_ETYPE, WR_DOMAIN_USER,
                         "%s: the wrapper and behaviours must be string literals, as in %s",
                         b->name, b->f->doc);
            return NULL;
        }
        imm = WR_JSON_IMM(empty, error, wrapper);
    }
    bool nullable = true;
    wr_type rt = string_type();
    if (op == WR_OP_JSON_EXISTS) {
        rt = wr_type_make(WR_TYPE_BOOLEAN);
        nullable = any_nullable(args, n) || (imm >> 4 & 15) == WR_JB_UNKNOWN;
    } else if (op == WR_OP_JSON_STATUS) {
        rt = wr_type_make(WR_TYPE_INT);
        nullable = any_nullable(args, n);
    }
    wr_expr *e = mk(b, op, with_null(rt, nullable), args, n);
    if (!e) return NULL;
    e->imm = imm;
    if ((imm & 15) == WR_JB_ERROR || (imm >> 4 & 15) == WR_JB_ERROR) e->flags |= WR_EF_CAN_FAIL;
    return e;
}

/* x IS [NOT] JSON [VALUE | SCALAR | ARRAY | OBJECT]: never NULL (NULL is not JSON). */
static wr_expr *bind_is_json(bctx *b, wr_expr **args, uint32_t n)
{
    wr_expr *x = args[0];
    if (t_null(x)) x = coerce(b, x, string_type());
    if (!x) return NULL;
    if (!t_str(x)) return type_error(b, args, n);
    return mk(b, WR_OP_IS_JSON, with_null(wr_type_make(WR_TYPE_BOOLEAN), false), &x, 1);
}

/* ------------------------------------------------------------------------------------------
 * The registry
 * ---------------------------------------------------------------------------------------- */
#define OPF(name, bind, imm, lo, hi, doc)                                                          \
    {                                                                                              \
        name, bind, 0, imm, lo, hi, NULL, 0, 0, doc                                                \
    }
#define OPC(name, bind, op, imm, lo, hi, doc)                                                      \
    {                                                                                              \
        name, bind, op, imm, lo, hi, NULL, 0, 0, doc                                               \
    }
#define SIG(name, op, imm, lo, hi, sig, ret, fl, doc)                                              \
    {                                                                                              \
        name, bind_sig, op, imm, lo, hi, sig, ret, fl, doc                                         \
    }

static const wr_fndef fndefs[] = {
    /* arithmetic */
    OPF("+", bind_arith, '+', 1, 2, "NUMERIC + NUMERIC, TIMESTAMP + INTERVAL"),
    OPF("-", bind_arith, '-', 1, 2, "NUMERIC - NUMERIC, TIMESTAMP - INTERVAL"),
    OPF("*", bind_arith, '*', 2, 2, "NUMERIC * NUMERIC"),
    OPF("/", bind_arith, '/', 2, 2, "NUMERIC / NUMERIC"),
    OPF("%", bind_arith, '%', 2, 2, "NUMERIC % NUMERIC"),
    OPF("MOD", bind_mod, '%', 2, 2, "MOD(NUMERIC, NUMERIC)"),
    OPF("NEG", bind_neg, 0, 1, 1, "-NUMERIC"),
    /* comparison */
    OPF("=", bind_cmp, 0, 2, 2, "comparable = comparable"),
    OPF("<>", bind_cmp, 1, 2, 2, "comparable <> comparable"),
    OPF("!=", bind_cmp, 1, 2, 2, "comparable <> comparable"),
    OPF("<", bind_cmp, 2, 2, 2, "comparable < comparable"),
    OPF("<=", bind_cmp, 3, 2, 2, "comparable <= comparable"),
    OPF(">", bind_cmp, 4, 2, 2, "comparable > comparable"),
    OPF(">=", bind_cmp, 5, 2, 2, "comparable >= comparable"),
    OPF("BETWEEN", bind_between, 0, 3, 3, "x BETWEEN a AND b"),
    OPF("NOT BETWEEN", bind_between, 1, 3, 3, "x NOT BETWEEN a AND b"),
    OPF("IN", bind_in, 0, 2, -1, "x IN (v1, ...)"),
    OPF("NOT IN", bind_in, 1, 2, -1, "x NOT IN (v1, ...)"),
    OPF("LIKE", bind_like, 0, 2, 3, "STRING LIKE pattern [ESCAPE char]"),
    OPF("NOT LIKE", bind_like, 1, 2, 3, "STRING NOT LIKE pattern [ESCAPE char]"),
    OPC("SIMILAR TO", bind_like, WR_OP_SIMILAR, 0, 2, 3, "STRING SIMILAR TO pattern [ESCAPE char]"),
    OPC("NOT SIMILAR TO", bind_like, WR_OP_SIMILAR, 1, 2, 3,
        "STRING NOT SIMILAR TO pattern [ESCAPE char]"),
    OPC("IS DISTINCT FROM", bind_distinct, WR_OP_DISTINCT, 0, 2, 2, "a IS DISTINCT FROM b"),
    OPC("IS NOT DISTINCT FROM", bind_distinct, WR_OP_DISTINCT, 1, 2, 2, "a IS NOT DISTINCT FROM b"),
    /* logic */
    OPC("AND", bind_logic, WR_OP_AND, 0, 2, -1, "BOOLEAN AND BOOLEAN"),
    OPC("OR", bind_logic, WR_OP_OR, 0, 2, -1, "BOOLEAN OR BOOLEAN"),
    OPF("NOT", bind_not, 0, 1, 1, "NOT BOOLEAN"),
    OPC("IS NULL", bind_isnull, WR_OP_IS_NULL, 0, 1, 1, "x IS NULL"),
    OPC("IS NOT NULL", bind_isnull, WR_OP_IS_NOT_NULL, 0, 1, 1, "x IS NOT NULL"),
    OPC("IS TRUE", bind_istrue, WR_OP_IS_TRUE, 0, 1, 1, "BOOLEAN IS TRUE"),
    OPC("IS NOT TRUE", bind_istrue, WR_OP_IS_NOT_TRUE, 0, 1, 1, "BOOLEAN IS NOT TRUE"),
    OPC("IS FALSE", bind_istrue, WR_OP_IS_FALSE, 0, 1, 1, "BOOLEAN IS FALSE"),
    OPC("IS NOT FALSE", bind_istrue, WR_OP_IS_NOT_FALSE, 0, 1, 1, "BOOLEAN IS NOT FALSE"),
    OPC("IS UNKNOWN", bind_istrue, WR_OP_IS_NULL, 0, 1, 1, "BOOLEAN IS UNKNOWN"),
    OPC("IS NOT UNKNOWN", bind_istrue, WR_OP_IS_NOT_NULL, 0, 1, 1, "BOOLEAN IS NOT UNKNOWN"),
    /* conditional */
    OPF("COALESCE", bind_coalesce, 0, 1, -1, "COALESCE(x, ...)"),
    OPF("IFNULL", bind_coalesce, 0, 2, 2, "IFNULL(x, replacement)"),
    OPF("NULLIF", bind_nullif, 0, 2, 2, "NULLIF(a, b)"),
    OPF("IF", bind_if, 0, 3, 3, "IF(BOOLEAN, a, b)"),
    OPC("GREATEST", bind_greatest, WR_OP_GREATEST, 0, 1, -1, "GREATEST(x, ...)"),
    OPC("LEAST", bind_greatest, WR_OP_LEAST, 0, 1, -1, "LEAST(x, ...)"),
    /* strings */
    OPF("||", bind_concat, 0, 2, 2, "STRING || STRING"),
    OPF("CONCAT", bind_concat, 0, 1, -1, "CONCAT(STRING, ...)"),
    OPF("CONCAT_WS", bind_concat_ws, 0, 1, -1, "CONCAT_WS(STRING sep, STRING, ...)"),
    SIG("CHAR_LENGTH", WR_OP_CHAR_LENGTH, 0, 1, 1, "S", 'I', 0, "CHAR_LENGTH(STRING)"),
    SIG("CHARACTER_LENGTH", WR_OP_CHAR_LENGTH, 0, 1, 1, "S", 'I', 0, "CHARACTER_LENGTH(STRING)"),
    SIG("UPPER", WR_OP_UPPER, 0, 1, 1, "S", 'S', 0, "UPPER(STRING)"),
    SIG("LOWER", WR_OP_LOWER, 0, 1, 1, "S", 'S', 0, "LOWER(STRING)"),
    OPF("TRIM", bind_trim, WR_TRIM_BOTH, 1, 3, "TRIM(STRING) or TRIM(mode, chars, STRING)"),
    OPF("LTRIM", bind_trim, WR_TRIM_LEADING, 1, 2, "LTRIM(STRING[, chars])"),
    OPF("RTRIM", bind_trim, WR_TRIM_TRAILING, 1, 2, "RTRIM(STRING[, chars])"),
    OPF("BTRIM", bind_trim, WR_TRIM_BOTH, 1, 2, "BTRIM(STRING[, chars])"),
    SIG("SUBSTRING", WR_OP_SUBSTRING, 0, 2, 3, "SII", 'S', FD_NULLABLE,
        "SUBSTRING(STRING, INT[, INT])"),
    SIG("SUBSTR", WR_OP_SUBSTRING, 0, 2, 3, "SII", 'S', FD_NULLABLE, "SUBSTR(STRING, INT[, INT])"),
    OPF("POSITION", bind_position, 0, 2, 2, "POSITION(STRING needle, STRING haystack)"),
    OPF("LOCATE", bind_position, 0, 2, 3, "LOCATE(STRING needle, STRING haystack[, INT])"),
    OPF("INSTR", bind_position, 1, 2, 2, "INSTR(STRING haystack, STRING needle)"),
    SIG("REPLACE", WR_OP_REPLACE, 0, 3, 3, "SSS", 'S', 0, "REPLACE(STRING, STRING, STRING)"),
    SIG("LPAD", WR_OP_LPAD, 0, 3, 3, "SIS", 'S', FD_NULLABLE | FD_FAIL,
        "LPAD(STRING, INT, STRING)"),
    SIG("RPAD", WR_OP_RPAD, 0, 3, 3, "SIS", 'S', FD_NULLABLE | FD_FAIL,
        "RPAD(STRING, INT, STRING)"),
    SIG("REPEAT", WR_OP_REPEAT, 0, 2, 2, "SI", 'S', FD_FAIL, "REPEAT(STRING, INT)"),
    SIG("REVERSE", WR_OP_REVERSE, 0, 1, 1, "S", 'S', 0, "REVERSE(STRING)"),
    SIG("INITCAP", WR_OP_INITCAP, 0, 1, 1, "S", 'S', 0, "INITCAP(STRING)"),
    SIG("LEFT", WR_OP_LEFT, 0, 2, 2, "SI", 'S', 0, "LEFT(STRING, INT)"),
    SIG("RIGHT", WR_OP_RIGHT, 0, 2, 2, "SI", 'S', 0, "RIGHT(STRING, INT)"),
    SIG("SPLIT_INDEX", WR_OP_SPLIT_INDEX, 0, 3, 3, "SSI", 'S', FD_NULLABLE,
        "SPLIT_INDEX(STRING, STRING sep, INT index)"),
    SIG("ASCII", WR_OP_ASCII, 0, 1, 1, "S", 'I', 0, "ASCII(STRING)"),
    SIG("CHR", WR_OP_CHR, 0, 1, 1, "I", 'S', 0, "CHR(INT)"),
    SIG("REGEXP", WR_OP_REGEXP, 0, 2, 2, "SS", 'B', FD_NULLABLE, "REGEXP(STRING, STRING regex)"),
    SIG("REGEXP_EXTRACT", WR_OP_REGEXP_EXTRACT, 0, 2, 3, "SSI", 'S', FD_NULLABLE,
        "REGEXP_EXTRACT(STRING, STRING regex[, INT group])"),
    SIG("REGEXP_REPLACE", WR_OP_REGEXP_REPLACE, 0, 3, 3, "SSS", 'S', FD_NULLABLE,
        "REGEXP_REPLACE(STRING, STRING regex, STRING replacement)"),
    SIG("MD5", WR_OP_MD5, 0, 1, 1, "Y", 'S', 0, "MD5(STRING)"),
    SIG("SHA1", WR_OP_SHA1, 0, 1, 1, "Y", 'S', 0, "SHA1(STRING)"),
    SIG("SHA256", WR_OP_SHA256, 0, 1, 1, "Y", 'S', 0, "SHA256(STRING)"),
    SIG("TO_BASE64", WR_OP_TO_BASE64, 0, 1, 1, "Y", 'S', 0, "TO_BASE64(STRING)"),
    SIG("FROM_BASE64", WR_OP_FROM_BASE64, 0, 1, 1, "S", 'S', FD_NULLABLE, "FROM_BASE64(STRING)"),
    OPC("IS_DIGIT", bind_is_class, WR_OP_IS_CLASS, WR_SC_DIGIT, 1, 1, "IS_DIGIT(STRING)"),
    OPC("IS_ALPHA", bind_is_class, WR_OP_IS_CLASS, WR_SC_ALPHA, 1, 1, "IS_ALPHA(STRING)"),
    OPC("IS_DECIMAL", bind_is_class, WR_OP_IS_CLASS, WR_SC_DECIMAL, 1, 1, "IS_DECIMAL(STRING)"),
    OPC("JSON_VALUE", bind_json, WR_OP_JSON_VALUE, 0, 2, 2,
        "JSON_VALUE(STRING json, STRING path [RETURNING type] [... ON EMPTY] [... ON ERROR])"),
    OPC("$JSON_VALUE", bind_json, WR_OP_JSON_VALUE, 0, 4, 4,
        "$JSON_VALUE(json, path, 'NULL'|'ERROR', 'NULL'|'ERROR'), internal"),
    OPC("$JSON_STATUS", bind_json, WR_OP_JSON_STATUS, 0, 2, 2,
        "$JSON_STATUS(json, path), internal"),
    OPC("JSON_QUERY", bind_json, WR_OP_JSON_QUERY, 0, 2, 2,
        "JSON_QUERY(STRING json, STRING path [... WRAPPER] [... ON EMPTY] [... ON ERROR])"),
    OPC("$JSON_QUERY", bind_json, WR_OP_JSON_QUERY, 0, 5, 5,
        "$JSON_QUERY(json, path, 'WITHOUT'|'CONDITIONAL'|'UNCONDITIONAL', 'NULL'|'ERROR'|'EMPTY "
        "ARRAY'|'EMPTY OBJECT', same), internal"),
    OPC("JSON_EXISTS", bind_json, WR_OP_JSON_EXISTS, WR_JSON_IMM(0, WR_JB_FALSE, 0), 2, 2,
        "JSON_EXISTS(STRING json, STRING path [... ON ERROR])"),
    OPC("$JSON_EXISTS", bind_json, WR_OP_JSON_EXISTS, 0, 3, 3,
        "$JSON_EXISTS(json, path, 'TRUE'|'FALSE'|'UNKNOWN'|'ERROR'), internal"),
    OPC("IS JSON VALUE", bind_is_json, WR_OP_IS_JSON, WR_IJ_VALUE, 1, 1, "STRING IS JSON [VALUE]"),
    OPC("IS NOT JSON VALUE", bind_is_json, WR_OP_IS_JSON, WR_IJ_VALUE | WR_IJ_NOT, 1, 1,
        "STRING IS NOT JSON [VALUE]"),
    OPC("IS JSON SCALAR", bind_is_json, WR_OP_IS_JSON, WR_IJ_SCALAR, 1, 1, "STRING IS JSON SCALAR"),
    OPC("IS NOT JSON SCALAR", bind_is_json, WR_OP_IS_JSON, WR_IJ_SCALAR | WR_IJ_NOT, 1, 1,
        "STRING IS NOT JSON SCALAR"),
    OPC("IS JSON ARRAY", bind_is_json, WR_OP_IS_JSON, WR_IJ_ARRAY, 1, 1, "STRING IS JSON ARRAY"),
    OPC("IS NOT JSON ARRAY", bind_is_json, WR_OP_IS_JSON, WR_IJ_ARRAY | WR_IJ_NOT, 1, 1,
        "STRING IS NOT JSON ARRAY"),
    OPC("IS JSON OBJECT", bind_is_json, WR_OP_IS_JSON, WR_IJ_OBJECT, 1, 1, "STRING IS JSON OBJECT"),
    OPC("IS NOT JSON OBJECT", bind_is_json, WR_OP_IS_JSON, WR_IJ_OBJECT | WR_IJ_NOT, 1, 1,
        "STRING IS NOT JSON OBJECT"),
    SIG("OVERLAY", WR_OP_OVERLAY, 0, 3, 4, "SSII", 'S', 0,
        "OVERLAY(STRING, STRING replacement, INT from[, INT length])"),
    OPF("UUID", bind_uuid, 0, 0, 0, "UUID()"),
    OPF("HEX", bind_hex, 0, 1, 1, "HEX(BIGINT) or HEX(STRING)"),
    SIG("BIN", WR_OP_BIN, 0, 1, 1, "I", 'S', 0, "BIN(BIGINT)"),
    OPF("TYPEOF", bind_typeof, 0, 1, 2, "TYPEOF(x)"),
    /* math */
    OPC("ABS", bind_num_same, WR_OP_ABS, 0, 1, 1, "ABS(NUMERIC)"),
    OPC("SIGN", bind_num_same, WR_OP_SIGN, 0, 1, 1, "SIGN(NUMERIC)"),
    OPC("CEIL", bind_ceilfloor, WR_OP_CEIL, 0, 1, 1, "CEIL(NUMERIC)"),
    OPC("CEILING", bind_ceilfloor, WR_OP_CEIL, 0, 1, 1, "CEILING(NUMERIC)"),
    OPC("FLOOR", bind_ceilfloor, WR_OP_FLOOR, 0, 1, 1, "FLOOR(NUMERIC)"),
    OPF("ROUND", bind_round, 0, 1, 2, "ROUND(NUMERIC[, INT])"),
    OPF("TRUNCATE", bind_round, 1, 1, 2, "TRUNCATE(NUMERIC[, INT])"),
    SIG("POWER", WR_OP_MATH2, WR_MF_POWER, 2, 2, "DD", 'D', 0, "POWER(NUMERIC, NUMERIC)"),
    SIG("POW", WR_OP_MATH2, WR_MF_POWER, 2, 2, "DD", 'D', 0, "POW(NUMERIC, NUMERIC)"),
    SIG("SQRT", WR_OP_MATH1, WR_MF_SQRT, 1, 1, "D", 'D', 0, "SQRT(NUMERIC)"),
    SIG("EXP", WR_OP_MATH1, WR_MF_EXP, 1, 1, "D", 'D', 0, "EXP(NUMERIC)"),
    SIG("LN", WR_OP_MATH1, WR_MF_LN, 1, 1, "D", 'D', 0, "LN(NUMERIC)"),
    SIG("LOG10", WR_OP_MATH1, WR_MF_LOG10, 1, 1, "D", 'D', 0, "LOG10(NUMERIC)"),
    SIG("LOG2", WR_OP_MATH1, WR_MF_LOG2, 1, 1, "D", 'D', 0, "LOG2(NUMERIC)"),
    OPF("LOG", bind_log, 0, 1, 2, "LOG(NUMERIC) or LOG(NUMERIC base, NUMERIC)"),
    SIG("SIN", WR_OP_MATH1, WR_MF_SIN, 1, 1, "D", 'D', 0, "SIN(NUMERIC)"),
    SIG("COS", WR_OP_MATH1, WR_MF_COS, 1, 1, "D", 'D', 0, "COS(NUMERIC)"),
    SIG("TAN", WR_OP_MATH1, WR_MF_TAN, 1, 1, "D", 'D', 0, "TAN(NUMERIC)"),
    SIG("ASIN", WR_OP_MATH1, WR_MF_ASIN, 1, 1, "D", 'D', 0, "ASIN(NUMERIC)"),
    SIG("ACOS", WR_OP_MATH1, WR_MF_ACOS, 1, 1, "D", 'D', 0, "ACOS(NUMERIC)"),
    SIG("ATAN", WR_OP_MATH1, WR_MF_ATAN, 1, 1, "D", 'D', 0, "ATAN(NUMERIC)"),
    SIG("ATAN2", WR_OP_MATH2, WR_MF_ATAN2, 2, 2, "DD", 'D', 0, "ATAN2(NUMERIC, NUMERIC)"),
    SIG("DEGREES", WR_OP_MATH1, WR_MF_DEGREES, 1, 1, "D", 'D', 0, "DEGREES(NUMERIC)"),
    SIG("RADIANS", WR_OP_MATH1, WR_MF_RADIANS, 1, 1, "D", 'D', 0, "RADIANS(NUMERIC)"),
    OPF("PI", bind_const_double, 0, 0, 0, "PI()"),
    OPF("E", bind_const_double, 1, 0, 0, "E()"),
    OPC("RAND", bind_rand, WR_OP_RAND, 0, 0, 1, "RAND([INT seed])"),
    OPC("RAND_INTEGER", bind_rand, WR_OP_RAND_INTEGER, 0, 1, 2,
        "RAND_INTEGER([INT seed, ]INT bound)"),
    /* temporal */
    OPF("EXTRACT", bind_extract, 0, 2, 2, "EXTRACT('unit', temporal)"),
    OPF("YEAR", bind_datepart, WR_TU_YEAR, 1, 1, "YEAR(DATE or TIMESTAMP)"),
    OPF("QUARTER", bind_datepart, WR_TU_QUARTER, 1, 1, "QUARTER(DATE or TIMESTAMP)"),
    OPF("MONTH", bind_datepart, WR_TU_MONTH, 1, 1, "MONTH(DATE or TIMESTAMP)"),
    OPF("WEEK", bind_datepart, WR_TU_WEEK, 1, 1, "WEEK(DATE or TIMESTAMP)"),
    OPF("DAYOFYEAR", bind_datepart, WR_TU_DAYOFYEAR, 1, 1, "DAYOFYEAR(DATE or TIMESTAMP)"),
    OPF("DAYOFMONTH", bind_datepart, WR_TU_DAY, 1, 1, "DAYOFMONTH(DATE or TIMESTAMP)"),
    OPF("DAYOFWEEK", bind_datepart, WR_TU_DAYOFWEEK, 1, 1, "DAYOFWEEK(DATE or TIMESTAMP)"),
    OPF("HOUR", bind_datepart, WR_TU_HOUR, 1, 1, "HOUR(TIMESTAMP or TIME)"),
    OPF("MINUTE", bind_datepart, WR_TU_MINUTE, 1, 1, "MINUTE(TIMESTAMP or TIME)"),
    OPF("SECOND", bind_datepart, WR_TU_SECOND, 1, 1, "SECOND(TIMESTAMP or TIME)"),
    OPC("FLOOR_TIME", bind_floor_time, WR_OP_FLOOR_TIME, 0, 2, 2, "FLOOR_TIME('unit', TIMESTAMP)"),
    OPC("CEIL_TIME", bind_floor_time, WR_OP_CEIL_TIME, 0, 2, 2, "CEIL_TIME('unit', TIMESTAMP)"),
    OPF("DATE_FORMAT", bind_date_format, 0, 2, 2, "DATE_FORMAT(TIMESTAMP or STRING, STRING)"),
    OPF("TO_TIMESTAMP", bind_parse, WR_PK_TO_TIMESTAMP, 1, 2, "TO_TIMESTAMP(STRING[, STRING])"),
    OPF("TO_DATE", bind_parse, WR_PK_TO_DATE, 1, 2, "TO_DATE(STRING[, STRING])"),
    OPF("TO_TIMESTAMP_LTZ", bind_to_ts_ltz, 0, 1, 2, "TO_TIMESTAMP_LTZ(NUMERIC[, 0 or 3])"),
    OPF("UNIX_TIMESTAMP", bind_unix_ts, 0, 0, 2, "UNIX_TIMESTAMP([STRING[, STRING]])"),
    OPF("FROM_UNIXTIME", bind_from_unixtime, 0, 1, 2, "FROM_UNIXTIME(BIGINT[, STRING])"),
    OPF("TIMESTAMPADD", bind_tsadd, 0, 3, 3, "TIMESTAMPADD('unit', INT, TIMESTAMP)"),
    OPF("TIMESTAMPDIFF", bind_tsdiff, 0, 3, 3, "TIMESTAMPDIFF('unit', TIMESTAMP, TIMESTAMP)"),
    OPF("NOW", bind_now, WR_NOW_TIMESTAMP_LTZ, 0, 0, "NOW()"),
    OPF("CURRENT_TIMESTAMP", bind_now, WR_NOW_TIMESTAMP_LTZ, 0, 0, "CURRENT_TIMESTAMP"),
    OPF("LOCALTIMESTAMP", bind_now, WR_NOW_TIMESTAMP, 0, 0, "LOCALTIMESTAMP"),
    OPF("CURRENT_DATE", bind_now, WR_NOW_DATE, 0, 0, "CURRENT_DATE"),
    OPF("CURRENT_TIME", bind_now, WR_NOW_TIME, 0, 0, "CURRENT_TIME"),
    OPF("LOCALTIME", bind_now, WR_NOW_TIME, 0, 0, "LOCALTIME"),
    OPF("CURRENT_WATERMARK", bind_current_watermark, 0, 1, 1, "CURRENT_WATERMARK(rowtime)"),
    OPF("$RAISE", bind_raise, 0, 2, 2, "$RAISE(x, 'message'), internal"),
};

static const wr_fndef *find_fn(const char *name)
{
    for (size_t i = 0; i < WR_ARRAY_LEN(fndefs); i++)
        if (strcasecmp(fndefs[i].name, name) == 0) return &fndefs[i];
    return NULL;
}

static const char *fn_names[WR_ARRAY_LEN(fndefs) + 1];
static pthread_once_t fn_names_once = PTHREAD_ONCE_INIT;

static void fn_names_init(void)
{
    for (size_t i = 0; i < WR_ARRAY_LEN(fndefs); i++)
        fn_names[i] = fndefs[i].name;
    fn_names[WR_ARRAY_LEN(fndefs)] = NULL;
}

static const char *suggest(const char *name)
{
    pthread_once(&fn_names_once, fn_names_init);
    char up[64];
    size_t n = strlen(name);
    if (n >= sizeof(up)) return NULL;
    for (size_t i = 0; i <= n; i++)
        up[i] = (char)toupper((unsigned char)name[i]);
    return wr_suggest(up, fn_names);
}

wr_expr *wr_expr_call(wr_arena *a, const char *fn, wr_expr **args, uint32_t nargs, wr_error *err)
{
    if (!fn) {
        wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "function name is NULL");
        return NULL;
    }
    for (uint32_t i = 0; i < nargs; i++) {
        if (!args[i]) {
            wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "%s: argument %u is NULL", fn, i + 1);
            return NULL;
        }
    }
    const wr_fndef *f = find_fn(fn);
    static const wr_fndef extract_alias = {
        "EXTRACT", bind_datepart, 0, 0, 1, 1, NULL, 0, 0, "EXTRACT_<UNIT>(temporal)"};
    wr_fndef alias;
    if (!f && strncasecmp(fn, "EXTRACT_", 8) == 0) {
        int u = wr_expr_parse_time_unit(fn + 8, strlen(fn + 8));
        if (u >= 0) {
            alias = extract_alias;
            alias.imm = u;
            f = &alias;
        }
    }
    if (!f) {
        const char *s = suggest(fn);
        if (s)
            wr_error_set(err, WR_ENOENT, WR_DOMAIN_USER,
                         "unknown function '%s' (did you mean '%s'?)", fn, s);
        else
            wr_error_set(err, WR_ENOENT, WR_DOMAIN_USER, "unknown function '%s'", fn);
        return NULL;
    }
    if ((int)nargs < f->min || (f->max >= 0 && (int)nargs > f->max)) {
        if (f->max < 0)
            wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                         "'%s' expects at least %d argument(s), got %u; expected %s", f->name,
                         f->min, nargs, f->doc);
        else if (f->min == f->max)
            wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                         "'%s' expects %d argument(s), got %u; expected %s", f->name, f->min, nargs,
                         f->doc);
        else
            wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                         "'%s' expects %d to %d arguments, got %u; expected %s", f->name, f->min,
                         f->max, nargs, f->doc);
        return NULL;
    }
    bctx b = {.a = a, .err = err, .f = f, .name = f->name};
    wr_expr *e = f->bind(&b, args, nargs);
    if (e && e->kind == WR_EK_CALL && !e->name) e->name = f->name;
    return e;
}
