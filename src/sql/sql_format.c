/* sql_format.c - prints syntax trees back as SQL text, and names the kinds of nodes. The
 * output is canonical so that tests (and EXPLAIN) can compare trees as strings: keywords in
 * upper case, every operator application in parentheses, identifiers back-quoted only when
 * they must be (not a plain word, or a keyword), literals as Flink writes them. Parsing the
 * output again gives the same tree, positions aside; the unit tests check that round trip.
 * Recursion follows the tree, whose height the parser bounds. */
#include "sql/sql_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct fmt {
    wr_buf *b;
    int rc;
} fmt;

static void put(fmt *f, const char *s)
{
    if (f->rc == 0 && wr_buf_append_c(f->b, s) < 0) f->rc = WR_ENOMEM;
}

static void putn(fmt *f, const char *s, size_t n)
{
    if (f->rc == 0 && wr_buf_append(f->b, s, n) < 0) f->rc = WR_ENOMEM;
}

static void putf(fmt *f, const char *format, ...) WR_PRINTF(2, 3);
static void putf(fmt *f, const char *format, ...)
{
    if (f->rc) return;
    va_list ap;
    va_start(ap, format);
    if (wr_buf_vprintf(f->b, format, ap) < 0) f->rc = WR_ENOMEM;
    va_end(ap);
}

/* ------------------------------------------------------------------------------------------
 * Names of things
 * ---------------------------------------------------------------------------------------- */

const char *wr_sql_stmt_kind_name(wr_sql_stmt_kind k)
{
    static const char *const names[WR_SQL_STMT__COUNT] = {
        [WR_SQL_STMT_CREATE_TABLE] = "CREATE TABLE",
        [WR_SQL_STMT_CREATE_VIEW] = "CREATE VIEW",
        [WR_SQL_STMT_DROP] = "DROP",
        [WR_SQL_STMT_INSERT] = "INSERT",
        [WR_SQL_STMT_STATEMENT_SET] = "STATEMENT SET",
        [WR_SQL_STMT_QUERY] = "QUERY",
        [WR_SQL_STMT_EXPLAIN] = "EXPLAIN",
        [WR_SQL_STMT_SET] = "SET",
        [WR_SQL_STMT_RESET] = "RESET",
        [WR_SQL_STMT_SHOW] = "SHOW",
        [WR_SQL_STMT_DESCRIBE] = "DESCRIBE",
    };
    return (unsigned)k < WR_SQL_STMT__COUNT ? names[k] : "?";
}

const char *wr_sql_expr_kind_name(wr_sql_expr_kind k)
{
    static const char *const names[WR_SQL_E__COUNT] = {
        [WR_SQL_E_LITERAL] = "literal",
        [WR_SQL_E_COLUMN] = "column",
        [WR_SQL_E_STAR] = "star",
        [WR_SQL_E_UNARY] = "unary",
        [WR_SQL_E_BINARY] = "binary",
        [WR_SQL_E_BETWEEN] = "between",
        [WR_SQL_E_IN_LIST] = "in list",
        [WR_SQL_E_IN_QUERY] = "in subquery",
        [WR_SQL_E_EXISTS] = "exists",
        [WR_SQL_E_LIKE] = "like",
        [WR_SQL_E_CASE] = "case",
        [WR_SQL_E_CAST] = "cast",
        [WR_SQL_E_CALL] = "call",
        [WR_SQL_E_ROW] = "row",
        [WR_SQL_E_ARRAY] = "array",
        [WR_SQL_E_MAP] = "map",
        [WR_SQL_E_SUBQUERY] = "subquery",
        [WR_SQL_E_FIELD] = "field access",
        [WR_SQL_E_INDEX] = "index",
        [WR_SQL_E_DESCRIPTOR] = "descriptor",
        [WR_SQL_E_TABLE_ARG] = "table argument",
        [WR_SQL_E_NAMED_ARG] = "named argument",
    };
    return (unsigned)k < WR_SQL_E__COUNT ? names[k] : "?";
}

const char *wr_sql_from_kind_name(wr_sql_from_kind k)
{
    switch (k) {
    case WR_SQL_FROM_TABLE:
        return "table";
    case WR_SQL_FROM_SUBQUERY:
        return "subquery";
    case WR_SQL_FROM_JOIN:
        return "join";
    case WR_SQL_FROM_FUNCTION:
        return "table function";
    case WR_SQL_FROM_UNNEST:
        return "unnest";
    case WR_SQL_FROM_MATCH:
        return "match_recognize";
    }
    return "?";
}

const char *wr_sql_binop_name(wr_sql_binop op)
{
    static const char *const names[WR_SQL_OP__BINARY_COUNT] = {
        [WR_SQL_OP_OR] = "OR",
        [WR_SQL_OP_AND] = "AND",
        [WR_SQL_OP_EQ] = "=",
        [WR_SQL_OP_NE] = "<>",
        [WR_SQL_OP_LT] = "<",
        [WR_SQL_OP_LE] = "<=",
        [WR_SQL_OP_GT] = ">",
        [WR_SQL_OP_GE] = ">=",
        [WR_SQL_OP_IS_DISTINCT_FROM] = "IS DISTINCT FROM",
        [WR_SQL_OP_IS_NOT_DISTINCT_FROM] = "IS NOT DISTINCT FROM",
        [WR_SQL_OP_ADD] = "+",
        [WR_SQL_OP_SUB] = "-",
        [WR_SQL_OP_MUL] = "*",
        [WR_SQL_OP_DIV] = "/",
        [WR_SQL_OP_MOD] = "%",
        [WR_SQL_OP_CONCAT] = "||",
    };
    return (unsigned)op < WR_SQL_OP__BINARY_COUNT ? names[op] : "?";
}

const char *wr_sql_unop_name(wr_sql_unop op)
{
    static const char *const names[WR_SQL_OP__UNARY_COUNT] = {
        [WR_SQL_OP_NEG] = "NEG",
        [WR_SQL_OP_PLUS] = "+",
        [WR_SQL_OP_NOT] = "NOT",
        [WR_SQL_OP_IS_NULL] = "IS NULL",
        [WR_SQL_OP_IS_NOT_NULL] = "IS NOT NULL",
        [WR_SQL_OP_IS_TRUE] = "IS TRUE",
        [WR_SQL_OP_IS_NOT_TRUE] = "IS NOT TRUE",
        [WR_SQL_OP_IS_FALSE] = "IS FALSE",
        [WR_SQL_OP_IS_NOT_FALSE] = "IS NOT FALSE",
        [WR_SQL_OP_IS_UNKNOWN] = "IS UNKNOWN",
        [WR_SQL_OP_IS_NOT_UNKNOWN] = "IS NOT UNKNOWN",
        [WR_SQL_OP_IS_JSON_VALUE] = "IS JSON VALUE",
        [WR_SQL_OP_IS_NOT_JSON_VALUE] = "IS NOT JSON VALUE",
        [WR_SQL_OP_IS_JSON_SCALAR] = "IS JSON SCALAR",
        [WR_SQL_OP_IS_NOT_JSON_SCALAR] = "IS NOT JSON SCALAR",
        [WR_SQL_OP_IS_JSON_ARRAY] = "IS JSON ARRAY",
        [WR_SQL_OP_IS_NOT_JSON_ARRAY] = "IS NOT JSON ARRAY",
        [WR_SQL_OP_IS_JSON_OBJECT] = "IS JSON OBJECT",
        [WR_SQL_OP_IS_NOT_JSON_OBJECT] = "IS NOT JSON OBJECT",
    };
    return (unsigned)op < WR_SQL_OP__UNARY_COUNT ? names[op] : "?";
}

const char *wr_sql_unit_name(wr_sql_unit u)
{
    static const char *const names[WR_SQL_UNIT__COUNT] = {
        [WR_SQL_UNIT_NONE] = "",
        [WR_SQL_UNIT_MILLENNIUM] = "MILLENNIUM",
        [WR_SQL_UNIT_CENTURY] = "CENTURY",
        [WR_SQL_UNIT_DECADE] = "DECADE",
        [WR_SQL_UNIT_YEAR] = "YEAR",
        [WR_SQL_UNIT_QUARTER] = "QUARTER",
        [WR_SQL_UNIT_MONTH] = "MONTH",
        [WR_SQL_UNIT_WEEK] = "WEEK",
        [WR_SQL_UNIT_DAY] = "DAY",
        [WR_SQL_UNIT_HOUR] = "HOUR",
        [WR_SQL_UNIT_MINUTE] = "MINUTE",
        [WR_SQL_UNIT_SECOND] = "SECOND",
        [WR_SQL_UNIT_MILLISECOND] = "MILLISECOND",
        [WR_SQL_UNIT_MICROSECOND] = "MICROSECOND",
        [WR_SQL_UNIT_NANOSECOND] = "NANOSECOND",
        [WR_SQL_UNIT_DOY] = "DOY",
        [WR_SQL_UNIT_DOW] = "DOW",
        [WR_SQL_UNIT_ISODOW] = "ISODOW",
        [WR_SQL_UNIT_ISOYEAR] = "ISOYEAR",
        [WR_SQL_UNIT_EPOCH] = "EPOCH",
    };
    return (unsigned)u < WR_SQL_UNIT__COUNT ? names[u] : "?";
}

const char *wr_sql_join_kind_name(wr_sql_join_kind k)
{
    switch (k) {
    case WR_SQL_JOIN_INNER:
        return "JOIN";
    case WR_SQL_JOIN_LEFT:
        return "LEFT JOIN";
    case WR_SQL_JOIN_RIGHT:
        return "RIGHT JOIN";
    case WR_SQL_JOIN_FULL:
        return "FULL JOIN";
    case WR_SQL_JOIN_CROSS:
        return "CROSS JOIN";
    case WR_SQL_JOIN_COMMA:
        return ",";
    }
    return "?";
}

bool wr_sql_is_reserved(const char *word, size_t len)
{
    return wr_sql_kw_reserved(wr_sql_kw_lookup(word, len));
}

/* ------------------------------------------------------------------------------------------
 * Identifiers and names
 * ---------------------------------------------------------------------------------------- */

static bool plain_word(const char *s, size_t n)
{
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                  (i > 0 && ((c >= '0' && c <= '9') || c == '$'));
        if (!ok) return false;
    }
    return true;
}

static void quoted_ident(fmt *f, const char *s, size_t n)
{
    put(f, "`");
    for (size_t i = 0; i < n; i++) {
        putn(f, s + i, 1);
        if (s[i] == '`') put(f, "`");
    }
    put(f, "`");
}

static void ident(fmt *f, const char *s)
{
    size_t n = strlen(s);
    if (plain_word(s, n) && wr_sql_kw_lookup(s, n) == WR_KW_NONE)
        putn(f, s, n);
    else
        quoted_ident(f, s, n);
}

static void name(fmt *f, const wr_sql_name *n)
{
    for (uint32_t i = 0; i < n->nparts; i++) {
        if (i) put(f, ".");
        ident(f, n->parts[i].name);
    }
}

/* A call prints its name bare unless reading it back would take another path: a reserved
 * word (except LEFT, RIGHT and the CURRENT_ functions, which the parser reads as calls), or a
 * word with its own call syntax (EXTRACT(unit FROM x), TRIM(... FROM s), ...) used as a plain
 * call that the special syntax cannot express. */
static bool plain_call_quoted(const wr_sql_call *c, wr_sql_kw kw)
{
    switch (kw) {
    case WR_KW_LEFT:
    case WR_KW_RIGHT:
    case WR_KW_CURRENT_DATE:
    case WR_KW_CURRENT_TIME:
    case WR_KW_CURRENT_TIMESTAMP:
    case WR_KW_LOCALTIME:
    case WR_KW_LOCALTIMESTAMP:
        return false;
    case WR_KW_FLOOR:
    case WR_KW_CEIL:
    case WR_KW_CEILING:
    case WR_KW_SUBSTRING: {
        if (c->form != WR_SQL_CALL_PLAIN) return false;
        bool odd = c->nargs == 0 || c->distinct || c->star || c->filter || c->over || c->returning;
        for (uint32_t i = 0; i < c->nargs && !odd; i++)
            odd = c->args[i]->kind == WR_SQL_E_NAMED_ARG || c->args[i]->kind == WR_SQL_E_TABLE_ARG;
        return odd;
    }
    case WR_KW_EXTRACT:
    case WR_KW_POSITION:
    case WR_KW_TRIM:
    case WR_KW_OVERLAY:
    case WR_KW_TIMESTAMPADD:
    case WR_KW_TIMESTAMPDIFF:
        return c->form == WR_SQL_CALL_PLAIN;
    case WR_KW_CAST:
    case WR_KW_TRY_CAST:
    case WR_KW_ROW:
    case WR_KW_DESCRIPTOR:
    case WR_KW_ARRAY:
    case WR_KW_MAP:
    case WR_KW_EXISTS:
        return true;
    default:
        return wr_sql_kw_reserved(kw);
    }
}

static void function_name(fmt *f, const wr_sql_call *c)
{
    const wr_sql_name *n = &c->name;
    for (uint32_t i = 0; i < n->nparts; i++) {
        const char *s = n->parts[i].name;
        size_t len = strlen(s);
        if (i) put(f, ".");
        bool quote = !plain_word(s, len);
        if (!quote) {
            wr_sql_kw kw = wr_sql_kw_lookup(s, len);
            /* In a dotted name only the last part is followed by '('. */
            quote = n->nparts == 1 ? plain_call_quoted(c, kw)
                                   : wr_sql_kw_reserved(kw) || kw != WR_KW_NONE;
        }
        if (quote)
            quoted_ident(f, s, len);
        else
            putn(f, s, len);
    }
}

static void ident_list(fmt *f, const wr_sql_ident *v, uint32_t n)
{
    put(f, "(");
    for (uint32_t i = 0; i < n; i++) {
        if (i) put(f, ", ");
        ident(f, v[i].name);
    }
    put(f, ")");
}

static void string_lit(fmt *f, const char *s, size_t n)
{
    put(f, "'");
    for (size_t i = 0; i < n; i++) {
        putn(f, s + i, 1);
        if (s[i] == '\'') put(f, "'");
    }
    put(f, "'");
}

static void cstring_lit(fmt *f, const char *s)
{
    string_lit(f, s, strlen(s));
}

/* ------------------------------------------------------------------------------------------
 * Types
 * ---------------------------------------------------------------------------------------- */

/* Types as the parser reads them (wr_type_format is Flink's display form, which does not
 * quote field names the way SQL text needs). */
static void wtype(fmt *f, const wr_type *t)
{
    switch ((wr_type_id)t->id) {
    case WR_TYPE_DECIMAL:
        putf(f, "DECIMAL(%d, %d)", t->precision, t->scale);
        break;
    case WR_TYPE_CHAR:
        putf(f, "CHAR(%d)", (int)t->length);
        break;
    case WR_TYPE_VARCHAR:
        if (t->length == WR_MAX_LENGTH)
            put(f, "STRING");
        else
            putf(f, "VARCHAR(%d)", (int)t->length);
        break;
    case WR_TYPE_BINARY:
        putf(f, "BINARY(%d)", (int)t->length);
        break;
    case WR_TYPE_VARBINARY:
        if (t->length == WR_MAX_LENGTH)
            put(f, "BYTES");
        else
            putf(f, "VARBINARY(%d)", (int)t->length);
        break;
    case WR_TYPE_TIME:
        putf(f, "TIME(%d)", t->precision);
        break;
    case WR_TYPE_TIMESTAMP:
        putf(f, "TIMESTAMP(%d)", t->precision);
        break;
    case WR_TYPE_TIMESTAMP_LTZ:
        putf(f, "TIMESTAMP_LTZ(%d)", t->precision);
        break;
    case WR_TYPE_INTERVAL_YM:
        put(f, "INTERVAL YEAR");
        if (t->precision != 2) putf(f, "(%d)", t->precision);
        put(f, " TO MONTH");
        break;
    case WR_TYPE_INTERVAL_DT:
        put(f, "INTERVAL DAY");
        if (t->precision != 2) putf(f, "(%d)", t->precision);
        put(f, " TO SECOND");
        break;
    case WR_TYPE_ARRAY:
        put(f, "ARRAY<");
        if (t->elem) wtype(f, t->elem);
        put(f, ">");
        break;
    case WR_TYPE_MAP:
        put(f, "MAP<");
        if (t->elem) wtype(f, t->elem);
        put(f, ", ");
        if (t->value) wtype(f, t->value);
        put(f, ">");
        break;
    case WR_TYPE_ROW:
        put(f, "ROW<");
        for (uint32_t i = 0; i < t->nfields; i++) {
            if (i) put(f, ", ");
            ident(f, t->fields[i].name ? t->fields[i].name : "");
            put(f, " ");
            wtype(f, &t->fields[i].type);
        }
        put(f, ">");
        break;
    default:
        put(f, wr_type_id_name((wr_type_id)t->id));
        break;
    }
    if (!t->nullable) put(f, " NOT NULL");
}

static void type(fmt *f, const wr_sql_type *t)
{
    if ((t->type.id == WR_TYPE_INTERVAL_YM || t->type.id == WR_TYPE_INTERVAL_DT) &&
        t->interval_start) {
        bool sec = t->interval_start == WR_SQL_UNIT_SECOND;
        putf(f, "INTERVAL %s", wr_sql_unit_name(t->interval_start));
        if (sec && t->interval_frac != 6)
            putf(f, "(%d, %d)", t->type.precision, t->interval_frac);
        else if (t->type.precision != 2)
            putf(f, "(%d)", t->type.precision);
        if (t->interval_end) putf(f, " TO %s", wr_sql_unit_name(t->interval_end));
        if (t->interval_end == WR_SQL_UNIT_SECOND && t->interval_frac != 6)
            putf(f, "(%d)", t->interval_frac);
        if (!t->type.nullable) put(f, " NOT NULL");
        return;
    }
    wtype(f, &t->type);
}

int wr_sql_format_type(const wr_sql_type *t, wr_buf *out)
{
    fmt f = {out, 0};
    type(&f, t);
    return f.rc;
}

/* ------------------------------------------------------------------------------------------
 * Expressions
 * ---------------------------------------------------------------------------------------- */

static void expr(fmt *f, const wr_sql_expr *e);
static void query(fmt *f, const wr_sql_query *q);
static void from(fmt *f, const wr_sql_from *x);

static void expr_list(fmt *f, wr_sql_expr *const *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i) put(f, ", ");
        expr(f, v[i]);
    }
}

static void interval_lit(fmt *f, const wr_sql_literal *l)
{
    put(f, "INTERVAL ");
    string_lit(f, l->text, l->text_len);
    putf(f, " %s", wr_sql_unit_name(l->unit_start));
    bool sec = l->unit_start == WR_SQL_UNIT_SECOND;
    if (sec && l->frac_precision != 6)
        putf(f, "(%d, %d)", l->leading_precision, l->frac_precision);
    else if (l->leading_precision != 2)
        putf(f, "(%d)", l->leading_precision);
    if (l->unit_end) {
        putf(f, " TO %s", wr_sql_unit_name(l->unit_end));
        if (l->unit_end == WR_SQL_UNIT_SECOND && l->frac_precision != 6)
            putf(f, "(%d)", l->frac_precision);
    }
}

static void literal(fmt *f, const wr_sql_literal *l)
{
    switch (l->kind) {
    case WR_SQL_LIT_NULL:
        put(f, "NULL");
        break;
    case WR_SQL_LIT_BOOLEAN:
        put(f, l->value.is_null ? "UNKNOWN" : l->value.b ? "TRUE" : "FALSE");
        break;
    case WR_SQL_LIT_INTEGER:
    case WR_SQL_LIT_DOUBLE:
        putn(f, l->text, l->text_len);
        break;
    case WR_SQL_LIT_DECIMAL: {
        /* Bare digits only when they read back as this DECIMAL: DECIMAL '-1.5' (a sign),
         * DECIMAL '5' and DECIMAL '5.' (which would read as INT) keep the string form. */
        bool bare = l->text_len > 1 && memchr(l->text, '.', l->text_len) && l->text[0] != '-' &&
                    l->text[0] != '+' && l->text[l->text_len - 1] != '.';
        if (!bare) put(f, "DECIMAL '");
        putn(f, l->text, l->text_len);
        if (!bare) put(f, "'");
        break;
    }
    case WR_SQL_LIT_STRING:
        string_lit(f, l->text, l->text_len);
        break;
    case WR_SQL_LIT_BINARY:
        put(f, "X'");
        putn(f, l->text, l->text_len);
        put(f, "'");
        break;
    case WR_SQL_LIT_DATE:
        put(f, "DATE ");
        string_lit(f, l->text, l->text_len);
        break;
    case WR_SQL_LIT_TIME:
        put(f, "TIME ");
        string_lit(f, l->text, l->text_len);
        break;
    case WR_SQL_LIT_TIMESTAMP:
        put(f, "TIMESTAMP ");
        string_lit(f, l->text, l->text_len);
        break;
    case WR_SQL_LIT_TIMESTAMP_LTZ:
        put(f, "TIMESTAMP_LTZ ");
        string_lit(f, l->text, l->text_len);
        break;
    case WR_SQL_LIT_INTERVAL:
        interval_lit(f, l);
        break;
    }
}

static void order_items(fmt *f, const wr_sql_order_item *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i) put(f, ", ");
        expr(f, v[i].expr);
        if (v[i].desc) put(f, " DESC");
        if (v[i].asc_written) put(f, " ASC");
        if (v[i].nulls == WR_SQL_NULLS_FIRST) put(f, " NULLS FIRST");
        if (v[i].nulls == WR_SQL_NULLS_LAST) put(f, " NULLS LAST");
    }
}

static void bound(fmt *f, const wr_sql_bound *b)
{
    switch (b->kind) {
    case WR_SQL_BOUND_NONE:
        break;
    case WR_SQL_BOUND_UNBOUNDED_PRECEDING:
        put(f, "UNBOUNDED PRECEDING");
        break;
    case WR_SQL_BOUND_UNBOUNDED_FOLLOWING:
        put(f, "UNBOUNDED FOLLOWING");
        break;
    case WR_SQL_BOUND_CURRENT_ROW:
        put(f, "CURRENT ROW");
        break;
    case WR_SQL_BOUND_PRECEDING:
        expr(f, b->offset);
        put(f, " PRECEDING");
        break;
    case WR_SQL_BOUND_FOLLOWING:
        expr(f, b->offset);
        put(f, " FOLLOWING");
        break;
    }
}

/* The parenthesized part of a window: (w PARTITION BY .. ORDER BY .. ROWS ...). */
static void window_body(fmt *f, const wr_sql_window *w)
{
    put(f, "(");
    const char *sep = "";
    if (w->ref) {
        ident(f, w->ref->name);
        sep = " ";
    }
    if (w->npartition_by) {
        put(f, sep);
        put(f, "PARTITION BY ");
        expr_list(f, w->partition_by, w->npartition_by);
        sep = " ";
    }
    if (w->norder_by) {
        put(f, sep);
        put(f, "ORDER BY ");
        order_items(f, w->order_by, w->norder_by);
        sep = " ";
    }
    if (w->frame) {
        put(f, sep);
        put(f, w->frame == WR_SQL_FRAME_ROWS ? "ROWS " : "RANGE ");
        if (w->between) {
            put(f, "BETWEEN ");
            bound(f, &w->lower);
            put(f, " AND ");
            bound(f, &w->upper);
        } else {
            bound(f, &w->lower);
        }
    }
    put(f, ")");
}

const char *wr_sql_json_behavior_name(wr_sql_json_behavior b)
{
    switch (b) {
    case WR_SQL_JSON_NULL:
        return "NULL";
    case WR_SQL_JSON_ERROR:
        return "ERROR";
    case WR_SQL_JSON_EMPTY_ARRAY:
        return "EMPTY ARRAY";
    case WR_SQL_JSON_EMPTY_OBJECT:
        return "EMPTY OBJECT";
    case WR_SQL_JSON_TRUE:
        return "TRUE";
    case WR_SQL_JSON_FALSE:
        return "FALSE";
    case WR_SQL_JSON_UNKNOWN:
        return "UNKNOWN";
    case WR_SQL_JSON_DEFAULT:
        return "DEFAULT";
    default:
        return NULL;
    }
}

/* json, path [RETURNING t] [wrapper] [b ON EMPTY] [b ON ERROR]; DEFAULT expressions follow
 * the path in args. */
static void json_call_args(fmt *f, const wr_sql_call *c)
{
    const wr_sql_json_clauses *j = c->json;
    uint32_t fixed = c->nargs < 2 ? c->nargs : 2, next = fixed;
    expr_list(f, c->args, fixed);
    if (c->returning) {
        put(f, " RETURNING ");
        type(f, c->returning);
    }
    static const char *const wrappers[] = {"", " WITHOUT ARRAY WRAPPER",
                                           " WITH CONDITIONAL ARRAY WRAPPER",
                                           " WITH UNCONDITIONAL ARRAY WRAPPER"};
    if ((unsigned)j->wrapper < WR_ARRAY_LEN(wrappers)) put(f, wrappers[j->wrapper]);
    const wr_sql_json_behavior bs[2] = {j->on_empty, j->on_error};
    for (int k = 0; k < 2; k++) {
        if (bs[k] == WR_SQL_JSON_NONE) continue;
        putf(f, " %s", wr_sql_json_behavior_name(bs[k]));
        if (bs[k] == WR_SQL_JSON_DEFAULT && next < c->nargs) {
            put(f, " ");
            expr(f, c->args[next++]);
        }
        put(f, k == 0 ? " ON EMPTY" : " ON ERROR");
    }
}

static void call(fmt *f, const wr_sql_call *c)
{
    function_name(f, c);
    if (c->form == WR_SQL_CALL_NO_PARENS) return;
    put(f, "(");
    switch (c->form) {
    case WR_SQL_CALL_EXTRACT:
        putf(f, "%s FROM ", wr_sql_unit_name(c->unit));
        expr_list(f, c->args, c->nargs);
        break;
    case WR_SQL_CALL_FLOOR_TO:
    case WR_SQL_CALL_CEIL_TO:
        expr_list(f, c->args, c->nargs);
        putf(f, " TO %s", wr_sql_unit_name(c->unit));
        break;
    case WR_SQL_CALL_UNIT_ARG:
        putf(f, "%s, ", wr_sql_unit_name(c->unit));
        expr_list(f, c->args, c->nargs);
        break;
    case WR_SQL_CALL_POSITION:
        if (c->nargs == 2) {
            expr(f, c->args[0]);
            put(f, " IN ");
            expr(f, c->args[1]);
        }
        break;
    case WR_SQL_CALL_SUBSTRING:
        if (c->nargs >= 2) {
            expr(f, c->args[0]);
            put(f, " FROM ");
            expr(f, c->args[1]);
            if (c->nargs > 2) {
                put(f, " FOR ");
                expr(f, c->args[2]);
            }
        }
        break;
    case WR_SQL_CALL_OVERLAY:
        if (c->nargs >= 3) {
            expr(f, c->args[0]);
            put(f, " PLACING ");
            expr(f, c->args[1]);
            put(f, " FROM ");
            expr(f, c->args[2]);
            if (c->nargs > 3) {
                put(f, " FOR ");
                expr(f, c->args[3]);
            }
        }
        break;
    case WR_SQL_CALL_TRIM:
        if (c->trim == WR_SQL_TRIM_BOTH) put(f, "BOTH ");
        if (c->trim == WR_SQL_TRIM_LEADING) put(f, "LEADING ");
        if (c->trim == WR_SQL_TRIM_TRAILING) put(f, "TRAILING ");
        if (c->nargs == 2) {
            expr(f, c->args[0]);
            put(f, " FROM ");
            expr(f, c->args[1]);
        } else if (c->nargs == 1) {
            if (c->trim != WR_SQL_TRIM_DEFAULT) put(f, "FROM ");
            expr(f, c->args[0]);
        }
        break;
    default:
        if (c->star) put(f, "*");
        if (c->distinct) put(f, "DISTINCT ");
        if (c->json) {
            json_call_args(f, c);
            break;
        }
        expr_list(f, c->args, c->nargs);
        if (c->returning) {
            put(f, " RETURNING ");
            type(f, c->returning);
        }
        break;
    }
    put(f, ")");
    if (c->filter) {
        put(f, " FILTER (WHERE ");
        expr(f, c->filter);
        put(f, ")");
    }
    if (c->over) {
        put(f, " OVER ");
        if (c->over->ref_only)
            ident(f, c->over->ref->name);
        else
            window_body(f, c->over);
    }
}

static void expr(fmt *f, const wr_sql_expr *e)
{
    if (!e) return;
    switch (e->kind) {
    case WR_SQL_E_LITERAL:
        literal(f, &e->lit);
        break;
    case WR_SQL_E_COLUMN:
        name(f, &e->column);
        break;
    case WR_SQL_E_STAR:
        if (e->star.qualifier.nparts) {
            name(f, &e->star.qualifier);
            put(f, ".");
        }
        put(f, "*");
        break;
    case WR_SQL_E_UNARY:
        put(f, "(");
        switch (e->unary.op) {
        case WR_SQL_OP_NEG:
            put(f, "-");
            expr(f, e->unary.arg);
            break;
        case WR_SQL_OP_PLUS:
            put(f, "+");
            expr(f, e->unary.arg);
            break;
        case WR_SQL_OP_NOT:
            put(f, "NOT ");
            expr(f, e->unary.arg);
            break;
        default:
            expr(f, e->unary.arg);
            put(f, " ");
            put(f, wr_sql_unop_name(e->unary.op));
            break;
        }
        put(f, ")");
        break;
    case WR_SQL_E_BINARY:
        put(f, "(");
        expr(f, e->binary.left);
        putf(f, " %s ", wr_sql_binop_name(e->binary.op));
        expr(f, e->binary.right);
        put(f, ")");
        break;
    case WR_SQL_E_BETWEEN:
        put(f, "(");
        expr(f, e->between.arg);
        put(f, e->between.negated ? " NOT BETWEEN " : " BETWEEN ");
        if (e->between.symmetric) put(f, "SYMMETRIC ");
        expr(f, e->between.low);
        put(f, " AND ");
        expr(f, e->between.high);
        put(f, ")");
        break;
    case WR_SQL_E_IN_LIST:
        put(f, "(");
        expr(f, e->in_list.arg);
        put(f, e->in_list.negated ? " NOT IN (" : " IN (");
        expr_list(f, e->in_list.items, e->in_list.nitems);
        put(f, "))");
        break;
    case WR_SQL_E_IN_QUERY:
        put(f, "(");
        expr(f, e->in_query.arg);
        put(f, e->in_query.negated ? " NOT IN (" : " IN (");
        query(f, e->in_query.query);
        put(f, "))");
        break;
    case WR_SQL_E_EXISTS:
        put(f, "EXISTS (");
        query(f, e->subquery.query);
        put(f, ")");
        break;
    case WR_SQL_E_SUBQUERY:
        put(f, "(");
        query(f, e->subquery.query);
        put(f, ")");
        break;
    case WR_SQL_E_LIKE:
        put(f, "(");
        expr(f, e->like.arg);
        if (e->like.negated) put(f, " NOT");
        put(f, e->like.similar ? " SIMILAR TO " : " LIKE ");
        expr(f, e->like.pattern);
        if (e->like.escape) {
            put(f, " ESCAPE ");
            expr(f, e->like.escape);
        }
        put(f, ")");
        break;
    case WR_SQL_E_CASE:
        put(f, "CASE");
        if (e->case_.operand) {
            put(f, " ");
            expr(f, e->case_.operand);
        }
        for (uint32_t i = 0; i < e->case_.nwhens; i++) {
            put(f, " WHEN ");
            expr(f, e->case_.whens[i]);
            put(f, " THEN ");
            expr(f, e->case_.thens[i]);
        }
        if (e->case_.else_) {
            put(f, " ELSE ");
            expr(f, e->case_.else_);
        }
        put(f, " END");
        break;
    case WR_SQL_E_CAST:
        put(f, e->cast.try_cast ? "TRY_CAST(" : "CAST(");
        expr(f, e->cast.arg);
        put(f, " AS ");
        type(f, e->cast.type);
        put(f, ")");
        break;
    case WR_SQL_E_CALL:
        call(f, &e->call);
        break;
    case WR_SQL_E_ROW:
        put(f, e->list.implicit ? "(" : "ROW(");
        expr_list(f, e->list.items, e->list.nitems);
        put(f, ")");
        break;
    case WR_SQL_E_ARRAY:
        put(f, "ARRAY[");
        expr_list(f, e->list.items, e->list.nitems);
        put(f, "]");
        break;
    case WR_SQL_E_MAP:
        put(f, "MAP[");
        expr_list(f, e->list.items, e->list.nitems);
        put(f, "]");
        break;
    case WR_SQL_E_FIELD:
        put(f, "(");
        expr(f, e->field.arg);
        put(f, ").");
        ident(f, e->field.name.name);
        break;
    case WR_SQL_E_INDEX:
        expr(f, e->index.arg);
        put(f, "[");
        expr(f, e->index.index);
        put(f, "]");
        break;
    case WR_SQL_E_DESCRIPTOR:
        put(f, "DESCRIPTOR");
        ident_list(f, e->descriptor.cols, e->descriptor.ncols);
        break;
    case WR_SQL_E_TABLE_ARG:
        put(f, "TABLE ");
        if (e->table_arg.query) {
            put(f, "(");
            query(f, e->table_arg.query);
            put(f, ")");
        } else {
            name(f, &e->table_arg.table);
        }
        if (e->table_arg.npartition_by) {
            /* Always the parenthesized form: PARTITION BY a, b is ambiguous in general. */
            put(f, " PARTITION BY (");
            expr_list(f, e->table_arg.partition_by, e->table_arg.npartition_by);
            put(f, ")");
        }
        if (e->table_arg.norder_by) {
            put(f, " ORDER BY ");
            order_items(f, e->table_arg.order_by, e->table_arg.norder_by);
        }
        break;
    case WR_SQL_E_NAMED_ARG:
        ident(f, e->named_arg.name.name);
        put(f, " => ");
        expr(f, e->named_arg.value);
        break;
    case WR_SQL_E__COUNT:
        break;
    }
}

int wr_sql_format_expr(const wr_sql_expr *e, wr_buf *out)
{
    fmt f = {out, 0};
    expr(&f, e);
    return f.rc;
}

int wr_sql_format_ident(const char *s, wr_buf *out)
{
    fmt f = {out, 0};
    ident(&f, s);
    return f.rc;
}

int wr_sql_format_name(const wr_sql_name *n, wr_buf *out)
{
    fmt f = {out, 0};
    name(&f, n);
    return f.rc;
}

/* ------------------------------------------------------------------------------------------
 * Queries and FROM
 * ---------------------------------------------------------------------------------------- */

static void hints(fmt *f, const wr_sql_hint *h, uint32_t n)
{
    if (!n) return;
    put(f, "/*+ ");
    for (uint32_t i = 0; i < n; i++) {
        if (i) put(f, ", ");
        ident(f, h[i].name.name);
        if (!h[i].nargs) continue;
        put(f, "(");
        for (uint32_t j = 0; j < h[i].nargs; j++) {
            const wr_sql_option *o = &h[i].args[j];
            if (j) put(f, ", ");
            if (o->key) {
                cstring_lit(f, o->key);
                put(f, " = ");
                cstring_lit(f, o->value);
            } else if (plain_word(o->value, strlen(o->value))) {
                ident(f, o->value);
            } else {
                cstring_lit(f, o->value);
            }
        }
        put(f, ")");
    }
    put(f, " */");
}

static void alias(fmt *f, const wr_sql_from *x)
{
    if (!x->alias) return;
    put(f, " AS ");
    ident(f, x->alias->name);
    if (x->ncol_aliases) {
        put(f, " ");
        ident_list(f, x->col_aliases, x->ncol_aliases);
    }
}

static void pattern(fmt *f, const wr_sql_pattern *x)
{
    if (x->parenthesized) put(f, "(");
    switch (x->kind) {
    case WR_SQL_PAT_VAR:
        ident(f, x->var.name);
        break;
    case WR_SQL_PAT_SEQ:
        for (uint32_t i = 0; i < x->nitems; i++) {
            if (i) put(f, " ");
            pattern(f, x->items[i]);
        }
        break;
    case WR_SQL_PAT_ALT:
        for (uint32_t i = 0; i < x->nitems; i++) {
            if (i) put(f, " | ");
            pattern(f, x->items[i]);
        }
        break;
    }
    if (x->parenthesized) put(f, ")");
    if (!x->quantified) return;
    if (x->min == 0 && x->max < 0)
        put(f, "*");
    else if (x->min == 1 && x->max < 0)
        put(f, "+");
    else if (x->min == 0 && x->max == 1)
        put(f, "?");
    else if (x->max < 0)
        putf(f, "{%u,}", x->min);
    else if ((uint32_t)x->max == x->min)
        putf(f, "{%u}", x->min);
    else
        putf(f, "{%u,%d}", x->min, x->max);
    if (x->reluctant) put(f, "?");
}

static void match_recognize(fmt *f, const wr_sql_match_recognize *m)
{
    from(f, m->input);
    put(f, " MATCH_RECOGNIZE (");
    const char *sep = "";
    if (m->npartition_by) {
        put(f, "PARTITION BY ");
        expr_list(f, m->partition_by, m->npartition_by);
        sep = " ";
    }
    if (m->norder_by) {
        put(f, sep);
        put(f, "ORDER BY ");
        order_items(f, m->order_by, m->norder_by);
        sep = " ";
    }
    if (m->nmeasures) {
        put(f, sep);
        put(f, "MEASURES ");
        for (uint32_t i = 0; i < m->nmeasures; i++) {
            if (i) put(f, ", ");
            expr(f, m->measures[i].expr);
            put(f, " AS ");
            ident(f, m->measures[i].alias->name);
        }
        sep = " ";
    }
    if (m->rows_per_match) {
        put(f, sep);
        put(f, m->rows_per_match == WR_SQL_ONE_ROW_PER_MATCH ? "ONE ROW PER MATCH"
                                                             : "ALL ROWS PER MATCH");
        sep = " ";
    }
    if (m->skip) {
        put(f, sep);
        put(f, "AFTER MATCH SKIP ");
        switch (m->skip) {
        case WR_SQL_SKIP_PAST_LAST_ROW:
            put(f, "PAST LAST ROW");
            break;
        case WR_SQL_SKIP_TO_NEXT_ROW:
            put(f, "TO NEXT ROW");
            break;
        case WR_SQL_SKIP_TO_FIRST:
            put(f, "TO FIRST ");
            break;
        default:
            put(f, "TO LAST ");
            break;
        }
        if (m->skip_var) ident(f, m->skip_var->name);
        sep = " ";
    }
    put(f, sep);
    put(f, "PATTERN (");
    pattern(f, m->pattern);
    put(f, ")");
    if (m->within) {
        put(f, " WITHIN ");
        expr(f, m->within);
    }
    put(f, " DEFINE ");
    for (uint32_t i = 0; i < m->ndefines; i++) {
        if (i) put(f, ", ");
        ident(f, m->defines[i].var.name);
        put(f, " AS ");
        expr(f, m->defines[i].cond);
    }
    put(f, ")");
}

static void from(fmt *f, const wr_sql_from *x)
{
    switch (x->kind) {
    case WR_SQL_FROM_TABLE:
        name(f, &x->table.name);
        if (x->table.nhints) {
            put(f, " ");
            hints(f, x->table.hints, x->table.nhints);
        }
        if (x->table.system_time) {
            put(f, " FOR SYSTEM_TIME AS OF ");
            expr(f, x->table.system_time);
        }
        break;
    case WR_SQL_FROM_SUBQUERY:
        if (x->subquery.lateral) put(f, "LATERAL ");
        put(f, "(");
        query(f, x->subquery.query);
        put(f, ")");
        break;
    case WR_SQL_FROM_JOIN: {
        const wr_sql_from *r = x->join.right;
        from(f, x->join.left);
        if (x->join.kind == WR_SQL_JOIN_COMMA) {
            put(f, ", ");
        } else {
            put(f, x->join.natural ? " NATURAL " : " ");
            switch (x->join.kind) {
            case WR_SQL_JOIN_LEFT:
                put(f, x->join.outer_written ? "LEFT OUTER JOIN " : "LEFT JOIN ");
                break;
            case WR_SQL_JOIN_RIGHT:
                put(f, x->join.outer_written ? "RIGHT OUTER JOIN " : "RIGHT JOIN ");
                break;
            case WR_SQL_JOIN_FULL:
                put(f, x->join.outer_written ? "FULL OUTER JOIN " : "FULL JOIN ");
                break;
            case WR_SQL_JOIN_CROSS:
                put(f, "CROSS JOIN ");
                break;
            default:
                put(f, "JOIN ");
                break;
            }
        }
        bool rp = r->kind == WR_SQL_FROM_JOIN;
        if (rp) put(f, "(");
        from(f, r);
        if (rp) put(f, ")");
        if (x->join.on) {
            put(f, " ON ");
            expr(f, x->join.on);
        }
        if (x->join.nusing) {
            put(f, " USING ");
            ident_list(f, x->join.using_cols, x->join.nusing);
        }
        return; /* joins carry no alias */
    }
    case WR_SQL_FROM_FUNCTION:
        if (x->func.lateral) put(f, "LATERAL ");
        if (x->func.table_wrapped) put(f, "TABLE(");
        expr(f, x->func.call);
        if (x->func.table_wrapped) put(f, ")");
        break;
    case WR_SQL_FROM_UNNEST:
        put(f, "UNNEST(");
        expr_list(f, x->unnest.args, x->unnest.nargs);
        put(f, ")");
        if (x->unnest.with_ordinality) put(f, " WITH ORDINALITY");
        break;
    case WR_SQL_FROM_MATCH:
        match_recognize(f, &x->match);
        break;
    }
    alias(f, x);
}

static void group_items(fmt *f, const wr_sql_group_item *g, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i) put(f, ", ");
        switch (g[i].kind) {
        case WR_SQL_GROUP_EXPR:
            expr(f, g[i].expr);
            break;
        case WR_SQL_GROUP_EMPTY:
            put(f, "()");
            break;
        case WR_SQL_GROUP_LIST:
            put(f, "(");
            group_items(f, g[i].items, g[i].nitems);
            put(f, ")");
            break;
        case WR_SQL_GROUP_GROUPING_SETS:
        case WR_SQL_GROUP_ROLLUP:
        case WR_SQL_GROUP_CUBE:
            put(f, g[i].kind == WR_SQL_GROUP_GROUPING_SETS ? "GROUPING SETS ("
                   : g[i].kind == WR_SQL_GROUP_ROLLUP      ? "ROLLUP ("
                                                           : "CUBE (");
            group_items(f, g[i].items, g[i].nitems);
            put(f, ")");
            break;
        }
    }
}

static void select_(fmt *f, const wr_sql_select *s)
{
    put(f, "SELECT ");
    if (s->nhints) {
        hints(f, s->hints, s->nhints);
        put(f, " ");
    }
    if (s->distinct) put(f, "DISTINCT ");
    if (s->all_written) put(f, "ALL ");
    for (uint32_t i = 0; i < s->nitems; i++) {
        if (i) put(f, ", ");
        expr(f, s->items[i].expr);
        if (s->items[i].alias) {
            put(f, " AS ");
            ident(f, s->items[i].alias->name);
        }
    }
    if (s->from) {
        put(f, " FROM ");
        from(f, s->from);
    }
    if (s->where) {
        put(f, " WHERE ");
        expr(f, s->where);
    }
    if (s->ngroup_by) {
        put(f, " GROUP BY ");
        group_items(f, s->group_by, s->ngroup_by);
    }
    if (s->having) {
        put(f, " HAVING ");
        expr(f, s->having);
    }
    for (uint32_t i = 0; i < s->nwindows; i++) {
        put(f, i ? ", " : " WINDOW ");
        ident(f, s->windows[i]->name->name);
        put(f, " AS ");
        window_body(f, s->windows[i]);
    }
}

static bool needs_parens(const wr_sql_query *q)
{
    return q->kind == WR_SQL_Q_SETOP || q->nwith || q->norder_by || q->limit || q->offset;
}

static void query(fmt *f, const wr_sql_query *q)
{
    if (q->nwith) {
        put(f, "WITH ");
        for (uint32_t i = 0; i < q->nwith; i++) {
            if (i) put(f, ", ");
            ident(f, q->with[i].name.name);
            if (q->with[i].ncols) {
                put(f, " ");
                ident_list(f, q->with[i].cols, q->with[i].ncols);
            }
            put(f, " AS (");
            query(f, q->with[i].query);
            put(f, ")");
        }
        put(f, " ");
    }
    switch (q->kind) {
    case WR_SQL_Q_SELECT:
        select_(f, &q->select);
        break;
    case WR_SQL_Q_VALUES:
        put(f, "VALUES ");
        expr_list(f, q->values.rows, q->values.nrows);
        break;
    case WR_SQL_Q_SETOP: {
        static const char *const ops[] = {"UNION", "INTERSECT", "EXCEPT"};
        bool lp = needs_parens(q->setop.left), rp = needs_parens(q->setop.right);
        if (lp) put(f, "(");
        query(f, q->setop.left);
        if (lp) put(f, ")");
        putf(f, " %s%s ", ops[q->setop.op],
             q->setop.all        ? " ALL"
             : q->setop.distinct ? " DISTINCT"
                                 : "");
        if (rp) put(f, "(");
        query(f, q->setop.right);
        if (rp) put(f, ")");
        break;
    }
    }
    if (q->norder_by) {
        put(f, " ORDER BY ");
        order_items(f, q->order_by, q->norder_by);
    }
    if (q->fetch) {
        if (q->offset) {
            put(f, " OFFSET ");
            expr(f, q->offset);
            put(f, " ROWS");
        }
        put(f, " FETCH FIRST ");
        expr(f, q->limit);
        put(f, " ROWS ONLY");
    } else {
        if (q->limit) {
            put(f, " LIMIT ");
            expr(f, q->limit);
        }
        if (q->offset) {
            put(f, " OFFSET ");
            expr(f, q->offset);
        }
    }
}

int wr_sql_format_query(const wr_sql_query *q, wr_buf *out)
{
    fmt f = {out, 0};
    query(&f, q);
    return f.rc;
}

int wr_sql_format_from(const wr_sql_from *x, wr_buf *out)
{
    fmt f = {out, 0};
    from(&f, x);
    return f.rc;
}

/* ------------------------------------------------------------------------------------------
 * Statements
 * ---------------------------------------------------------------------------------------- */

static void options(fmt *f, const wr_sql_option *o, uint32_t n)
{
    put(f, "(");
    for (uint32_t i = 0; i < n; i++) {
        if (i) put(f, ", ");
        cstring_lit(f, o[i].key);
        put(f, " = ");
        cstring_lit(f, o[i].value);
    }
    put(f, ")");
}

static void comment(fmt *f, const char *c)
{
    if (!c) return;
    put(f, " COMMENT ");
    cstring_lit(f, c);
}

static void column(fmt *f, const wr_sql_column *c, const wr_sql_primary_key *pk)
{
    ident(f, c->name.name);
    if (c->kind == WR_SQL_COL_COMPUTED) {
        put(f, " AS ");
        expr(f, c->expr);
    } else {
        put(f, " ");
        type(f, c->type);
        if (c->kind == WR_SQL_COL_METADATA) {
            put(f, " METADATA");
            if (c->metadata_key) {
                put(f, " FROM ");
                cstring_lit(f, c->metadata_key);
            }
            if (c->is_virtual) put(f, " VIRTUAL");
        }
        if (c->primary_key) {
            if (pk && pk->constraint_name) {
                put(f, " CONSTRAINT ");
                ident(f, pk->constraint_name->name);
            }
            put(f, " PRIMARY KEY NOT ENFORCED");
        }
    }
    comment(f, c->comment);
}

static void create_table(fmt *f, const wr_sql_create_table *ct)
{
    put(f, ct->or_replace ? "CREATE OR REPLACE " : "CREATE ");
    if (ct->temporary) put(f, "TEMPORARY ");
    put(f, "TABLE ");
    if (ct->if_not_exists) put(f, "IF NOT EXISTS ");
    name(f, &ct->name);
    bool inline_pk = false;
    for (uint32_t i = 0; i < ct->ncolumns; i++)
        inline_pk |= ct->columns[i].primary_key;
    bool table_pk = ct->primary_key && !inline_pk;
    if (ct->ncolumns || ct->nwatermarks || table_pk) {
        put(f, " (");
        const char *sep = "";
        for (uint32_t i = 0; i < ct->ncolumns; i++) {
            put(f, sep);
            column(f, &ct->columns[i], ct->primary_key);
            sep = ", ";
        }
        for (uint32_t i = 0; i < ct->nwatermarks; i++) {
            put(f, sep);
            put(f, "WATERMARK FOR ");
            name(f, &ct->watermarks[i].column);
            put(f, " AS ");
            expr(f, ct->watermarks[i].expr);
            sep = ", ";
        }
        if (table_pk) {
            put(f, sep);
            if (ct->primary_key->constraint_name) {
                put(f, "CONSTRAINT ");
                ident(f, ct->primary_key->constraint_name->name);
                put(f, " ");
            }
            put(f, "PRIMARY KEY ");
            ident_list(f, ct->primary_key->cols, ct->primary_key->ncols);
            put(f, " NOT ENFORCED");
        }
        put(f, ")");
    }
    comment(f, ct->comment);
    if (ct->npartitioned_by) {
        put(f, " PARTITIONED BY ");
        ident_list(f, ct->partitioned_by, ct->npartitioned_by);
    }
    if (ct->noptions) {
        put(f, " WITH ");
        options(f, ct->options, ct->noptions);
    }
    if (ct->as_query) {
        put(f, " AS ");
        query(f, ct->as_query);
    }
}

static void stmt(fmt *f, const wr_sql_stmt *s);

static void insert(fmt *f, const wr_sql_insert *in)
{
    if (in->execute) put(f, "EXECUTE ");
    put(f, in->overwrite ? "INSERT OVERWRITE " : "INSERT INTO ");
    name(f, &in->table);
    if (in->nhints) {
        put(f, " ");
        hints(f, in->hints, in->nhints);
    }
    if (in->npartition) {
        put(f, " PARTITION (");
        for (uint32_t i = 0; i < in->npartition; i++) {
            if (i) put(f, ", ");
            ident(f, in->partition[i].key);
            put(f, " = ");
            cstring_lit(f, in->partition[i].value);
        }
        put(f, ")");
    }
    if (in->ncols) {
        put(f, " ");
        ident_list(f, in->cols, in->ncols);
    }
    put(f, " ");
    query(f, in->query);
}

static void stmt(fmt *f, const wr_sql_stmt *s)
{
    switch (s->kind) {
    case WR_SQL_STMT_CREATE_TABLE:
        create_table(f, &s->create_table);
        break;
    case WR_SQL_STMT_CREATE_VIEW: {
        const wr_sql_create_view *v = &s->create_view;
        put(f, v->temporary ? "CREATE TEMPORARY VIEW " : "CREATE VIEW ");
        if (v->if_not_exists) put(f, "IF NOT EXISTS ");
        name(f, &v->name);
        if (v->ncols) {
            put(f, " ");
            ident_list(f, v->cols, v->ncols);
        }
        comment(f, v->comment);
        put(f, " AS ");
        query(f, v->query);
        break;
    }
    case WR_SQL_STMT_DROP:
        put(f, "DROP ");
        if (s->drop.temporary) put(f, "TEMPORARY ");
        put(f, s->drop.object == WR_SQL_OBJ_TABLE ? "TABLE " : "VIEW ");
        if (s->drop.if_exists) put(f, "IF EXISTS ");
        name(f, &s->drop.name);
        break;
    case WR_SQL_STMT_INSERT:
        insert(f, &s->insert);
        break;
    case WR_SQL_STMT_STATEMENT_SET:
        put(f, s->stmt_set.begin_form ? "BEGIN STATEMENT SET; " : "EXECUTE STATEMENT SET BEGIN ");
        for (uint32_t i = 0; i < s->stmt_set.nstmts; i++) {
            stmt(f, s->stmt_set.stmts[i]);
            put(f, "; ");
        }
        put(f, "END");
        break;
    case WR_SQL_STMT_QUERY:
        query(f, s->query.query);
        break;
    case WR_SQL_STMT_EXPLAIN: {
        put(f, "EXPLAIN ");
        if (s->explain.plan_for) put(f, "PLAN FOR ");
        static const char *const details[] = {"ESTIMATED_COST", "CHANGELOG_MODE", "PLAN_ADVICE",
                                              "JSON_EXECUTION_PLAN"};
        const char *sep = "";
        for (unsigned i = 0; i < WR_ARRAY_LEN(details); i++) {
            if (s->explain.details & (1u << i)) {
                put(f, sep);
                put(f, details[i]);
                sep = ", ";
            }
        }
        if (*sep) put(f, " ");
        stmt(f, s->explain.stmt);
        break;
    }
    case WR_SQL_STMT_SET:
        put(f, "SET");
        if (s->set.key) {
            put(f, " ");
            cstring_lit(f, s->set.key);
            put(f, " = ");
            cstring_lit(f, s->set.value);
        }
        break;
    case WR_SQL_STMT_RESET:
        put(f, "RESET");
        if (s->reset.key) {
            put(f, " ");
            cstring_lit(f, s->reset.key);
        }
        break;
    case WR_SQL_STMT_SHOW:
        put(f, s->show.what == WR_SQL_SHOW_TABLES  ? "SHOW TABLES"
               : s->show.what == WR_SQL_SHOW_VIEWS ? "SHOW VIEWS"
               : s->show.user_only                 ? "SHOW USER FUNCTIONS"
                                                   : "SHOW FUNCTIONS");
        break;
    case WR_SQL_STMT_DESCRIBE:
        put(f, s->describe.extended ? "DESCRIBE EXTENDED " : "DESCRIBE ");
        name(f, &s->describe.name);
        break;
    case WR_SQL_STMT__COUNT:
        break;
    }
}

int wr_sql_format_stmt(const wr_sql_stmt *s, wr_buf *out)
{
    fmt f = {out, 0};
    stmt(&f, s);
    return f.rc;
}
