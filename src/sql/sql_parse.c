/* sql_parse.c - the driver of the recursive-descent parser and the statement grammar. It
 * runs the lexer, then parses statements one by one; a statement that fails escapes by
 * longjmp back here (all its nodes are in the arena, so nothing leaks), the error is kept,
 * and parsing resumes after the next ';' so one run reports every broken statement. It also
 * holds the helpers every grammar file uses (token tests that remember the keywords that
 * were expected, for "did you mean"; failure; arena arrays; node heights) and the public
 * error helpers that give every SQL error its "FILE:LINE:COL: message" form. */
#include "sql/sql_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------------------------
 * Errors
 * ---------------------------------------------------------------------------------------- */

static void out_of_memory(wr_sql_parser *p)
{
    p->oom = true;
    if (p->recover) longjmp(*p->recover, 1);
}

void wr_sql_note_errorv(wr_sql_parser *p, int code, wr_sql_pos pos, const char *fmt, va_list ap)
{
    if (p->gave_up || p->oom) return;
    if (p->nerrs == p->errcap) {
        uint32_t cap = p->errcap ? p->errcap * 2 : 8;
        wr_sql_error *e = wr_realloc(p->errs, (size_t)cap * sizeof *e);
        if (!e) {
            p->oom = true;
            return;
        }
        p->errs = e;
        p->errcap = cap;
    }
    char buf[400];
    vsnprintf(buf, sizeof buf, fmt, ap);
    if (p->nerrs + 1 == WR_SQL_MAX_ERRORS) {
        snprintf(buf, sizeof buf, "too many errors (%d), giving up", WR_SQL_MAX_ERRORS);
        code = WR_ELIMIT;
        p->gave_up = true;
    }
    char *msg = wr_arena_strndup(p->a, buf, strlen(buf));
    if (!msg) {
        p->oom = true;
        return;
    }
    p->errs[p->nerrs++] = (wr_sql_error){.code = code, .pos = pos, .msg = msg};
}

void wr_sql_note_error(wr_sql_parser *p, int code, wr_sql_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wr_sql_note_errorv(p, code, pos, fmt, ap);
    va_end(ap);
}

_Noreturn static void bail(wr_sql_parser *p)
{
    WR_ASSERT(p->recover != NULL);
    longjmp(*p->recover, 1);
}

void wr_sql_p_fail(wr_sql_parser *p, int code, wr_sql_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wr_sql_note_errorv(p, code, pos, fmt, ap);
    va_end(ap);
    bail(p);
}

void wr_sql_p_unsupported(wr_sql_parser *p, wr_sql_pos pos, const char *what)
{
    wr_sql_p_fail(p, WR_EUNSUPPORTED, pos, "%s is not supported", what);
}

/* Words that start clauses: an implicit alias spelled like one of these was probably meant
 * to be the keyword ("FROM t WHER x" reads WHER as the alias of t). */
static const char *const clause_words[] = {
    "SELECT", "FROM",  "WHERE",  "GROUP",  "HAVING",    "ORDER",  "LIMIT", "OFFSET",
    "FETCH",  "UNION", "JOIN",   "INNER",  "LEFT",      "RIGHT",  "FULL",  "CROSS",
    "ON",     "USING", "WINDOW", "AS",     "AND",       "OR",     "NOT",   "BETWEEN",
    "LIKE",   "IN",    "IS",     "EXCEPT", "INTERSECT", "VALUES", "INTO",  NULL,
};

static void upper_copy(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        dst[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    dst[n] = '\0';
}

/* A candidate that is word with two neighbouring letters swapped (FORM for FROM), which
 * plain edit distance counts as two edits. */
static const char *transposed(const char *word, const char *const *cands)
{
    size_t n = strlen(word);
    for (size_t c = 0; cands[c]; c++) {
        if (strlen(cands[c]) != n) continue;
        size_t i = 0;
        while (i < n && word[i] == cands[c][i])
            i++;
        if (i + 1 < n && word[i] == cands[c][i + 1] && word[i + 1] == cands[c][i] &&
            strcmp(word + i + 2, cands[c] + i + 2) == 0)
            return cands[c];
    }
    return NULL;
}

/* A suggestion for the word of token t among candidates, or NULL. Only plain words of
 * reasonable length are considered: "did you mean AS?" for "A" helps nobody. */
static const char *suggest_for(const wr_sql_parser *p, const wr_sql_token *t,
                               const char *const *cands)
{
    if (t->kind != WR_TK_IDENT || t->len < 3 || t->len > 30) return NULL;
    char word[32];
    upper_copy(word, p->text + t->pos.offset, t->len);
    const char *s = wr_suggest(word, cands);
    if (!s) s = transposed(word, cands);
    if (s && strcmp(s, word) == 0) return NULL;
    return s;
}

static void describe_token(const wr_sql_parser *p, const wr_sql_token *t, char *out, size_t cap)
{
    if (t->kind == WR_TK_EOF) {
        snprintf(out, cap, "end of input");
        return;
    }
    int n = (int)WR_MIN(t->len, 40u);
    const char *s = p->text + t->pos.offset;
    /* Stop at a newline so the message stays on one line. */
    for (int i = 0; i < n; i++) {
        if (s[i] == '\n' || s[i] == '\r') {
            n = i;
            break;
        }
    }
    bool cut = (uint32_t)n < t->len;
    switch (t->kind) {
    case WR_TK_STRING:
    case WR_TK_USTRING:
    case WR_TK_BSTRING:
        snprintf(out, cap, "string %.*s%s", n, s, cut ? "..." : "");
        break;
    default:
        snprintf(out, cap, "'%.*s%s'", n, s, cut ? "..." : "");
        break;
    }
}

void wr_sql_p_fail_expected(wr_sql_parser *p, const char *what)
{
    const wr_sql_token *t = wr_sql_p_tok(p);
    if (t->kind == WR_TK_ERROR) bail(p); /* the lexer said why */
    /* "FROM t WHER x": the misspelled keyword was taken as an alias just before. */
    if (p->alias_tok && p->alias_tok == p->i) {
        const wr_sql_token *a = &p->toks[p->i - 1];
        const char *s = suggest_for(p, a, clause_words);
        if (s)
            wr_sql_p_fail(p, WR_EPARSE, a->pos, "syntax error: unexpected '%.*s'; did you mean %s?",
                          (int)a->len, p->text + a->pos.offset, s);
    }
    char found[64];
    describe_token(p, t, found, sizeof found);
    const char *s = NULL;
    if (p->exp_tok == p->i && p->nexp > 0) {
        const char *cands[WR_ARRAY_LEN(p->exp) + 1];
        for (uint32_t i = 0; i < p->nexp; i++)
            cands[i] = wr_sql_kw_name((wr_sql_kw)p->exp[i]);
        cands[p->nexp] = NULL;
        s = suggest_for(p, t, cands);
    }
    if (s)
        wr_sql_p_fail(p, WR_EPARSE, t->pos,
                      "syntax error: expected %s but found %s; did you mean %s?", what, found, s);
    wr_sql_p_fail(p, WR_EPARSE, t->pos, "syntax error: expected %s but found %s", what, found);
}

void wr_sql_p_enter(wr_sql_parser *p)
{
    if (++p->depth > WR_SQL_MAX_DEPTH)
        wr_sql_p_fail(p, WR_ELIMIT, wr_sql_p_pos(p),
                      "expression nested too deeply (more than %d levels)", WR_SQL_MAX_DEPTH);
}

void wr_sql_p_check_height(wr_sql_parser *p, uint32_t height, wr_sql_pos pos)
{
    if (height > WR_SQL_MAX_HEIGHT)
        wr_sql_p_fail(p, WR_ELIMIT, pos, "expression too complex (more than %d levels)",
                      WR_SQL_MAX_HEIGHT);
}

/* ------------------------------------------------------------------------------------------
 * Tokens
 * ---------------------------------------------------------------------------------------- */

const wr_sql_token *wr_sql_p_next(wr_sql_parser *p)
{
    const wr_sql_token *t = &p->toks[p->i];
    if (t->kind != WR_TK_EOF) p->i++;
    return t;
}

static void note_expected(wr_sql_parser *p, wr_sql_kw kw)
{
    if (p->exp_tok != p->i) {
        p->exp_tok = p->i;
        p->nexp = 0;
    }
    for (uint32_t i = 0; i < p->nexp; i++)
        if (p->exp[i] == kw) return;
    if (p->nexp < WR_ARRAY_LEN(p->exp)) p->exp[p->nexp++] = (uint16_t)kw;
}

bool wr_sql_p_is_kw(wr_sql_parser *p, wr_sql_kw kw)
{
    const wr_sql_token *t = wr_sql_p_tok(p);
    if (t->kind == WR_TK_IDENT && t->kw == kw) return true;
    note_expected(p, kw);
    return false;
}

bool wr_sql_p_accept_kw(wr_sql_parser *p, wr_sql_kw kw)
{
    if (!wr_sql_p_is_kw(p, kw)) return false;
    wr_sql_p_next(p);
    return true;
}

void wr_sql_p_expect_kw(wr_sql_parser *p, wr_sql_kw kw)
{
    if (wr_sql_p_accept_kw(p, kw)) return;
    wr_sql_p_fail_expected(p, wr_sql_kw_name(kw));
}

bool wr_sql_p_accept(wr_sql_parser *p, wr_sql_tk k)
{
    if (!wr_sql_p_at(p, k)) return false;
    wr_sql_p_next(p);
    return true;
}

void wr_sql_p_expect(wr_sql_parser *p, wr_sql_tk k)
{
    if (wr_sql_p_accept(p, k)) return;
    wr_sql_p_fail_expected(p, wr_sql_tk_name(k));
}

bool wr_sql_p_at_ident(const wr_sql_parser *p)
{
    const wr_sql_token *t = wr_sql_p_tok(p);
    return t->kind == WR_TK_QIDENT || (t->kind == WR_TK_IDENT && !wr_sql_kw_reserved(t->kw));
}

wr_sql_ident wr_sql_p_ident_of(wr_sql_parser *p, const wr_sql_token *t)
{
    wr_sql_ident id = {.pos = t->pos};
    const char *s = p->text + t->pos.offset;
    if (t->kind == WR_TK_QIDENT) {
        char *d = wr_sql_p_alloc(p, t->len);
        uint32_t n = 0;
        for (uint32_t i = 1; i + 1 < t->len; i++) {
            d[n++] = s[i];
            if (s[i] == '`') i++; /* `` stands for one ` */
        }
        d[n] = '\0';
        id.name = d;
        id.len = n;
        id.quoted = true;
    } else {
        id.name = wr_sql_p_strndup(p, s, t->len);
        id.len = t->len;
    }
    return id;
}

wr_sql_ident wr_sql_p_ident(wr_sql_parser *p, const char *what)
{
    if (!wr_sql_p_at_ident(p)) wr_sql_p_fail_expected(p, what);
    return wr_sql_p_ident_of(p, wr_sql_p_next(p));
}

wr_sql_name wr_sql_p_name(wr_sql_parser *p, const char *what)
{
    wr_sql_name n = {0};
    uint32_t cap = 0;
    WR_SQL_PUSH(p, n.parts, n.nparts, cap, wr_sql_p_ident(p, what));
    while (wr_sql_p_at(p, WR_TK_DOT) && n.nparts < 16) {
        wr_sql_p_next(p);
        WR_SQL_PUSH(p, n.parts, n.nparts, cap, wr_sql_p_ident(p, "an identifier"));
    }
    return n;
}

void wr_sql_p_ident_list(wr_sql_parser *p, wr_sql_ident **out, uint32_t *n, const char *what)
{
    uint32_t cap = 0;
    *out = NULL;
    *n = 0;
    wr_sql_p_expect(p, WR_TK_LPAREN);
    do {
        WR_SQL_PUSH(p, *out, *n, cap, wr_sql_p_ident(p, what));
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
    wr_sql_p_expect(p, WR_TK_RPAREN);
}

char *wr_sql_p_string_of(wr_sql_parser *p, const wr_sql_token *t, uint32_t *len)
{
    const char *s = p->text + t->pos.offset;
    uint32_t q = 0;
    while (q < t->len && s[q] != '\'')
        q++;
    char *d = wr_sql_p_alloc(p, t->len + 1);
    uint32_t n = 0;
    for (uint32_t i = q + 1; i + 1 < t->len; i++) {
        d[n++] = s[i];
        if (s[i] == '\'') i++; /* '' stands for one ' */
    }
    d[n] = '\0';
    if (len) *len = n;
    return d;
}

char *wr_sql_p_string(wr_sql_parser *p, const char *what, wr_sql_pos *pos)
{
    if (!wr_sql_p_at(p, WR_TK_STRING)) wr_sql_p_fail_expected(p, what);
    if (pos) *pos = wr_sql_p_pos(p);
    return wr_sql_p_string_of(p, wr_sql_p_next(p), NULL);
}

void wr_sql_p_options(wr_sql_parser *p, wr_sql_option **out, uint32_t *n)
{
    uint32_t cap = 0;
    *out = NULL;
    *n = 0;
    wr_sql_p_expect(p, WR_TK_LPAREN);
    if (wr_sql_p_accept(p, WR_TK_RPAREN)) return;
    do {
        wr_sql_option o = {0};
        o.key =
            wr_sql_p_string(p, "an option key such as 'connector' (a string literal)", &o.key_pos);
        wr_sql_p_expect(p, WR_TK_EQ);
        o.value = wr_sql_p_string(p, "an option value (a string literal)", &o.value_pos);
        WR_SQL_PUSH(p, *out, *n, cap, o);
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
    wr_sql_p_expect(p, WR_TK_RPAREN);
}

/* ------------------------------------------------------------------------------------------
 * Memory
 * ---------------------------------------------------------------------------------------- */

void *wr_sql_p_alloc(wr_sql_parser *p, size_t size)
{
    /* 16-byte alignment: literals hold a wr_value, which has an __int128 member. */
    void *m = wr_arena_alloc_aligned(p->a, size ? size : 1, 16);
    if (!m) out_of_memory(p);
    memset(m, 0, size);
    return m;
}

char *wr_sql_p_strndup(wr_sql_parser *p, const char *s, size_t n)
{
    char *d = wr_arena_strndup(p->a, s, n);
    if (!d) out_of_memory(p);
    return d;
}

void *wr_sql_p_grow(wr_sql_parser *p, void *arr, uint32_t n, uint32_t *cap, size_t elem)
{
    if (n < *cap) return arr;
    uint32_t nc = *cap ? *cap * 2 : 4;
    void *m = wr_sql_p_alloc(p, (size_t)nc * elem);
    if (n) memcpy(m, arr, (size_t)n * elem);
    *cap = nc;
    return m;
}

/* ------------------------------------------------------------------------------------------
 * Node heights: 1 + the tallest child, so a walk of the tree recurses at most that deep.
 * ---------------------------------------------------------------------------------------- */

static uint32_t exprs_height(wr_sql_expr *const *v, uint32_t n)
{
    uint32_t h = 0;
    for (uint32_t i = 0; i < n; i++)
        h = wr_sql_hmax(h, wr_sql_expr_height(v[i]));
    return h;
}

static uint32_t order_height(const wr_sql_order_item *v, uint32_t n)
{
    uint32_t h = 0;
    for (uint32_t i = 0; i < n; i++)
        h = wr_sql_hmax(h, wr_sql_expr_height(v[i].expr));
    return h;
}

static uint32_t window_height(const wr_sql_window *w)
{
    if (!w) return 0;
    uint32_t h = exprs_height(w->partition_by, w->npartition_by);
    h = wr_sql_hmax(h, order_height(w->order_by, w->norder_by));
    h = wr_sql_hmax(h, wr_sql_expr_height(w->lower.offset));
    return wr_sql_hmax(h, wr_sql_expr_height(w->upper.offset));
}

uint32_t wr_sql_expr_height(const wr_sql_expr *e)
{
    return e ? e->height : 0;
}

uint32_t wr_sql_query_height(const wr_sql_query *q)
{
    return q ? q->height : 0;
}

uint32_t wr_sql_from_height(const wr_sql_from *f)
{
    return f ? f->height : 0;
}

static uint32_t expr_children_height(const wr_sql_expr *e)
{
    uint32_t h = 0;
    switch (e->kind) {
    case WR_SQL_E_LITERAL:
    case WR_SQL_E_COLUMN:
    case WR_SQL_E_STAR:
    case WR_SQL_E_DESCRIPTOR:
    case WR_SQL_E__COUNT:
        break;
    case WR_SQL_E_UNARY:
        h = wr_sql_expr_height(e->unary.arg);
        break;
    case WR_SQL_E_BINARY:
        h = wr_sql_hmax(wr_sql_expr_height(e->binary.left), wr_sql_expr_height(e->binary.right));
        break;
    case WR_SQL_E_BETWEEN:
        h = wr_sql_hmax(wr_sql_expr_height(e->between.arg), wr_sql_expr_height(e->between.low));
        h = wr_sql_hmax(h, wr_sql_expr_height(e->between.high));
        break;
    case WR_SQL_E_IN_LIST:
        h = wr_sql_hmax(wr_sql_expr_height(e->in_list.arg),
                        exprs_height(e->in_list.items, e->in_list.nitems));
        break;
    case WR_SQL_E_IN_QUERY:
        h = wr_sql_hmax(wr_sql_expr_height(e->in_query.arg),
                        wr_sql_query_height(e->in_query.query));
        break;
    case WR_SQL_E_EXISTS:
    case WR_SQL_E_SUBQUERY:
        h = wr_sql_query_height(e->subquery.query);
        break;
    case WR_SQL_E_LIKE:
        h = wr_sql_hmax(wr_sql_expr_height(e->like.arg), wr_sql_expr_height(e->like.pattern));
        h = wr_sql_hmax(h, wr_sql_expr_height(e->like.escape));
        break;
    case WR_SQL_E_CASE:
        h = wr_sql_hmax(wr_sql_expr_height(e->case_.operand), wr_sql_expr_height(e->case_.else_));
        h = wr_sql_hmax(h, exprs_height(e->case_.whens, e->case_.nwhens));
        h = wr_sql_hmax(h, exprs_height(e->case_.thens, e->case_.nwhens));
        break;
    case WR_SQL_E_CAST:
        h = wr_sql_expr_height(e->cast.arg);
        break;
    case WR_SQL_E_CALL:
        h = exprs_height(e->call.args, e->call.nargs);
        h = wr_sql_hmax(h, wr_sql_expr_height(e->call.filter));
        h = wr_sql_hmax(h, window_height(e->call.over));
        break;
    case WR_SQL_E_ROW:
    case WR_SQL_E_ARRAY:
    case WR_SQL_E_MAP:
        h = exprs_height(e->list.items, e->list.nitems);
        break;
    case WR_SQL_E_FIELD:
        h = wr_sql_expr_height(e->field.arg);
        break;
    case WR_SQL_E_INDEX:
        h = wr_sql_hmax(wr_sql_expr_height(e->index.arg), wr_sql_expr_height(e->index.index));
        break;
    case WR_SQL_E_TABLE_ARG:
        h = wr_sql_query_height(e->table_arg.query);
        h = wr_sql_hmax(h, exprs_height(e->table_arg.partition_by, e->table_arg.npartition_by));
        h = wr_sql_hmax(h, order_height(e->table_arg.order_by, e->table_arg.norder_by));
        break;
    case WR_SQL_E_NAMED_ARG:
        h = wr_sql_expr_height(e->named_arg.value);
        break;
    }
    return h;
}

wr_sql_expr *wr_sql_p_new_expr(wr_sql_parser *p, wr_sql_expr_kind kind, wr_sql_pos pos)
{
    wr_sql_expr *e = wr_sql_p_alloc(p, sizeof *e);
    e->kind = kind;
    e->pos = pos;
    e->height = 1;
    return e;
}

wr_sql_expr *wr_sql_p_finish_expr(wr_sql_parser *p, wr_sql_expr *e)
{
    e->end = wr_sql_p_end(p);
    e->height = expr_children_height(e) + 1;
    wr_sql_p_check_height(p, e->height, e->pos);
    return e;
}

static uint32_t group_height(const wr_sql_group_item *g, uint32_t n)
{
    uint32_t h = 0;
    for (uint32_t i = 0; i < n; i++) {
        h = wr_sql_hmax(h, wr_sql_expr_height(g[i].expr));
        h = wr_sql_hmax(h, group_height(g[i].items, g[i].nitems));
    }
    return h;
}

void wr_sql_p_finish_query(wr_sql_parser *p, wr_sql_query *q)
{
    uint32_t h = 0;
    switch (q->kind) {
    case WR_SQL_Q_SELECT: {
        const wr_sql_select *s = &q->select;
        for (uint32_t i = 0; i < s->nitems; i++)
            h = wr_sql_hmax(h, wr_sql_expr_height(s->items[i].expr));
        h = wr_sql_hmax(h, wr_sql_from_height(s->from));
        h = wr_sql_hmax(h, wr_sql_expr_height(s->where));
        h = wr_sql_hmax(h, group_height(s->group_by, s->ngroup_by));
        h = wr_sql_hmax(h, wr_sql_expr_height(s->having));
        for (uint32_t i = 0; i < s->nwindows; i++)
            h = wr_sql_hmax(h, window_height(s->windows[i]));
        break;
    }
    case WR_SQL_Q_SETOP:
        h = wr_sql_hmax(wr_sql_query_height(q->setop.left), wr_sql_query_height(q->setop.right));
        break;
    case WR_SQL_Q_VALUES:
        h = exprs_height(q->values.rows, q->values.nrows);
        break;
    }
    for (uint32_t i = 0; i < q->nwith; i++)
        h = wr_sql_hmax(h, wr_sql_query_height(q->with[i].query));
    h = wr_sql_hmax(h, order_height(q->order_by, q->norder_by));
    h = wr_sql_hmax(h, wr_sql_expr_height(q->limit));
    h = wr_sql_hmax(h, wr_sql_expr_height(q->offset));
    q->end = wr_sql_p_end(p);
    q->height = h + 1;
    wr_sql_p_check_height(p, q->height, q->pos);
}

void wr_sql_p_finish_from(wr_sql_parser *p, wr_sql_from *f)
{
    uint32_t h = 0;
    switch (f->kind) {
    case WR_SQL_FROM_TABLE:
        h = wr_sql_expr_height(f->table.system_time);
        break;
    case WR_SQL_FROM_SUBQUERY:
        h = wr_sql_query_height(f->subquery.query);
        break;
    case WR_SQL_FROM_JOIN:
        h = wr_sql_hmax(wr_sql_from_height(f->join.left), wr_sql_from_height(f->join.right));
        h = wr_sql_hmax(h, wr_sql_expr_height(f->join.on));
        break;
    case WR_SQL_FROM_FUNCTION:
        h = wr_sql_expr_height(f->func.call);
        break;
    case WR_SQL_FROM_UNNEST:
        h = exprs_height(f->unnest.args, f->unnest.nargs);
        break;
    case WR_SQL_FROM_MATCH: {
        const wr_sql_match_recognize *m = &f->match;
        h = wr_sql_from_height(m->input);
        h = wr_sql_hmax(h, exprs_height(m->partition_by, m->npartition_by));
        h = wr_sql_hmax(h, order_height(m->order_by, m->norder_by));
        for (uint32_t i = 0; i < m->nmeasures; i++)
            h = wr_sql_hmax(h, wr_sql_expr_height(m->measures[i].expr));
        for (uint32_t i = 0; i < m->ndefines; i++)
            h = wr_sql_hmax(h, wr_sql_expr_height(m->defines[i].cond));
        h = wr_sql_hmax(h, wr_sql_expr_height(m->within));
        break;
    }
    }
    f->end = wr_sql_p_end(p);
    f->height = h + 1;
    wr_sql_p_check_height(p, f->height, f->pos);
}

/* ------------------------------------------------------------------------------------------
 * Statements
 * ---------------------------------------------------------------------------------------- */

static wr_sql_stmt *new_stmt(wr_sql_parser *p, wr_sql_stmt_kind kind, wr_sql_pos pos)
{
    wr_sql_stmt *s = wr_sql_p_alloc(p, sizeof *s);
    s->kind = kind;
    s->pos = pos;
    return s;
}

static bool accept_if_not_exists(wr_sql_parser *p)
{
    if (!wr_sql_p_is_kw(p, WR_KW_IF)) return false;
    wr_sql_p_next(p);
    wr_sql_p_expect_kw(p, WR_KW_NOT);
    wr_sql_p_expect_kw(p, WR_KW_EXISTS);
    return true;
}

static bool accept_if_exists(wr_sql_parser *p)
{
    if (!wr_sql_p_is_kw(p, WR_KW_IF)) return false;
    wr_sql_p_next(p);
    wr_sql_p_expect_kw(p, WR_KW_EXISTS);
    return true;
}

static const char *opt_comment(wr_sql_parser *p)
{
    if (!wr_sql_p_accept_kw(p, WR_KW_COMMENT)) return NULL;
    return wr_sql_p_string(p, "a comment (a string literal)", NULL);
}

/* PRIMARY KEY [(cols)] NOT ENFORCED; the keyword PRIMARY is current. */
static void primary_key_tail(wr_sql_parser *p, wr_sql_primary_key *pk, bool with_cols)
{
    pk->pos = wr_sql_p_pos(p);
    wr_sql_p_expect_kw(p, WR_KW_PRIMARY);
    wr_sql_p_expect_kw(p, WR_KW_KEY);
    if (with_cols) wr_sql_p_ident_list(p, &pk->cols, &pk->ncols, "a column name");
    if (wr_sql_p_accept_kw(p, WR_KW_NOT)) {
        wr_sql_p_expect_kw(p, WR_KW_ENFORCED);
        return;
    }
    wr_sql_pos at = wr_sql_p_pos(p);
    if (wr_sql_p_is_kw(p, WR_KW_ENFORCED))
        wr_sql_p_fail(p, WR_EUNSUPPORTED, at,
                      "PRIMARY KEY ... ENFORCED is not supported: Flink does not own the data, "
                      "so the only mode is NOT ENFORCED");
    wr_sql_p_fail_expected(p, "NOT ENFORCED (Flink only supports PRIMARY KEY ... NOT ENFORCED)");
}

typedef struct table_builder {
    wr_sql_create_table *ct;
    uint32_t ccap, wcap;
} table_builder;

static void set_primary_key(wr_sql_parser *p, wr_sql_create_table *ct, wr_sql_primary_key *pk)
{
    if (ct->primary_key) {
        wr_sql_note_error(p, WR_EPARSE, pk->pos,
                          "duplicate PRIMARY KEY: a table has at most one (the first is at "
                          "line %u, column %u)",
                          ct->primary_key->pos.line, ct->primary_key->pos.col);
        return;
    }
    ct->primary_key = pk;
}

static void table_column(wr_sql_parser *p, table_builder *tb)
{
    wr_sql_column c = {0};
    c.pos = wr_sql_p_pos(p);
    c.name = wr_sql_p_ident(p, "a column name, WATERMARK FOR, or PRIMARY KEY");
    if (wr_sql_p_accept_kw(p, WR_KW_AS)) {
        c.kind = WR_SQL_COL_COMPUTED;
        c.expr = wr_sql_p_expr(p);
        c.comment = opt_comment(p);
        WR_SQL_PUSH(p, tb->ct->columns, tb->ct->ncolumns, tb->ccap, c);
        return;
    }
    c.type = wr_sql_p_type(p);
    if (wr_sql_p_accept_kw(p, WR_KW_METADATA)) {
        c.kind = WR_SQL_COL_METADATA;
        if (wr_sql_p_accept_kw(p, WR_KW_FROM))
            c.metadata_key = wr_sql_p_string(p, "a metadata key (a string literal)", NULL);
        c.is_virtual = wr_sql_p_accept_kw(p, WR_KW_VIRTUAL);
    } else {
        wr_sql_ident *cname = NULL;
        if (wr_sql_p_is_kw(p, WR_KW_CONSTRAINT)) {
            wr_sql_p_next(p);
            cname = wr_sql_p_alloc(p, sizeof *cname);
            *cname = wr_sql_p_ident(p, "a constraint name");
        }
        if (cname || (wr_sql_p_is_kw(p, WR_KW_PRIMARY))) {
            wr_sql_primary_key *pk = wr_sql_p_alloc(p, sizeof *pk);
            primary_key_tail(p, pk, false);
            pk->constraint_name = cname;
            pk->cols = wr_sql_p_alloc(p, sizeof *pk->cols);
            pk->cols[0] = c.name;
            pk->ncols = 1;
            c.primary_key = true;
            set_primary_key(p, tb->ct, pk);
        }
    }
    c.comment = opt_comment(p);
    WR_SQL_PUSH(p, tb->ct->columns, tb->ct->ncolumns, tb->ccap, c);
}

static void table_element(wr_sql_parser *p, table_builder *tb)
{
    wr_sql_create_table *ct = tb->ct;
    if (wr_sql_p_is_kw(p, WR_KW_WATERMARK) && wr_sql_p_ahead_kw(p, 1, WR_KW_FOR)) {
        wr_sql_watermark w = {.pos = wr_sql_p_pos(p)};
        wr_sql_p_next(p);
        wr_sql_p_next(p);
        w.column = wr_sql_p_name(p, "the name of the rowtime column");
        wr_sql_p_expect_kw(p, WR_KW_AS);
        w.expr = wr_sql_p_expr(p);
        WR_SQL_PUSH(p, ct->watermarks, ct->nwatermarks, tb->wcap, w);
        return;
    }
    bool constraint = wr_sql_p_is_kw(p, WR_KW_CONSTRAINT) && wr_sql_p_ahead_kw(p, 2, WR_KW_PRIMARY);
    if (constraint || (wr_sql_p_is_kw(p, WR_KW_PRIMARY) && wr_sql_p_ahead_kw(p, 1, WR_KW_KEY))) {
        wr_sql_primary_key *pk = wr_sql_p_alloc(p, sizeof *pk);
        if (constraint) {
            wr_sql_p_next(p);
            pk->constraint_name = wr_sql_p_alloc(p, sizeof *pk->constraint_name);
            *pk->constraint_name = wr_sql_p_ident(p, "a constraint name");
        }
        primary_key_tail(p, pk, true);
        set_primary_key(p, ct, pk);
        return;
    }
    if (wr_sql_p_is_kw(p, WR_KW_CONSTRAINT) ||
        (wr_sql_p_at(p, WR_TK_IDENT) && wr_sql_p_tok(p)->len == 6 &&
         strncasecmp(p->text + wr_sql_p_pos(p).offset, "UNIQUE", 6) == 0 &&
         wr_sql_p_ahead_is(p, 1, WR_TK_LPAREN)))
        wr_sql_p_unsupported(p, wr_sql_p_pos(p), "a constraint other than PRIMARY KEY");
    table_column(p, tb);
}

static wr_sql_stmt *create_table(wr_sql_parser *p, wr_sql_stmt *s, bool temporary, bool or_replace)
{
    s->kind = WR_SQL_STMT_CREATE_TABLE;
    wr_sql_create_table *ct = &s->create_table;
    ct->temporary = temporary;
    ct->or_replace = or_replace;
    ct->if_not_exists = accept_if_not_exists(p);
    ct->name = wr_sql_p_name(p, "a table name");
    table_builder tb = {.ct = ct};
    if (wr_sql_p_accept(p, WR_TK_LPAREN)) {
        do {
            table_element(p, &tb);
        } while (wr_sql_p_accept(p, WR_TK_COMMA));
        wr_sql_p_expect(p, WR_TK_RPAREN);
    }
    ct->comment = opt_comment(p);
    if (wr_sql_p_is_kw(p, WR_KW_DISTRIBUTED))
        wr_sql_p_unsupported(p, wr_sql_p_pos(p), "DISTRIBUTED BY / INTO");
    if (wr_sql_p_accept_kw(p, WR_KW_PARTITIONED)) {
        wr_sql_p_expect_kw(p, WR_KW_BY);
        wr_sql_p_ident_list(p, &ct->partitioned_by, &ct->npartitioned_by, "a column name");
    }
    if (wr_sql_p_accept_kw(p, WR_KW_WITH)) wr_sql_p_options(p, &ct->options, &ct->noptions);
    if (wr_sql_p_is_kw(p, WR_KW_LIKE)) {
        /* Parsed so that the error is the only one, then reported as not supported. */
        wr_sql_pos at = wr_sql_p_pos(p);
        wr_sql_p_next(p);
        wr_sql_p_name(p, "a table name");
        if (wr_sql_p_accept(p, WR_TK_LPAREN)) {
            while (!wr_sql_p_at(p, WR_TK_RPAREN) && !wr_sql_p_at(p, WR_TK_EOF) &&
                   !wr_sql_p_at(p, WR_TK_SEMI))
                wr_sql_p_next(p);
            wr_sql_p_expect(p, WR_TK_RPAREN);
        }
        wr_sql_note_error(p, WR_EUNSUPPORTED, at, "CREATE TABLE ... LIKE is not supported");
    }
    if (wr_sql_p_accept_kw(p, WR_KW_AS)) ct->as_query = wr_sql_p_query(p);
    if (or_replace && !ct->as_query)
        wr_sql_p_fail(p, WR_EPARSE, s->pos,
                      "CREATE OR REPLACE TABLE needs AS SELECT (REPLACE TABLE AS SELECT)");
    return s;
}

static wr_sql_stmt *create_view(wr_sql_parser *p, wr_sql_stmt *s, bool temporary)
{
    s->kind = WR_SQL_STMT_CREATE_VIEW;
    wr_sql_create_view *v = &s->create_view;
    v->temporary = temporary;
    v->if_not_exists = accept_if_not_exists(p);
    v->name = wr_sql_p_name(p, "a view name");
    if (wr_sql_p_at(p, WR_TK_LPAREN)) wr_sql_p_ident_list(p, &v->cols, &v->ncols, "a column name");
    v->comment = opt_comment(p);
    wr_sql_p_expect_kw(p, WR_KW_AS);
    v->query = wr_sql_p_query(p);
    return s;
}

static wr_sql_stmt *create_stmt(wr_sql_parser *p, wr_sql_stmt *s)
{
    wr_sql_p_expect_kw(p, WR_KW_CREATE);
    bool or_replace = false, temporary = false, system = false;
    if (wr_sql_p_accept_kw(p, WR_KW_OR)) {
        wr_sql_p_expect_kw(p, WR_KW_REPLACE);
        or_replace = true;
    }
    if (wr_sql_p_accept_kw(p, WR_KW_TEMPORARY)) {
        temporary = true;
        system = wr_sql_p_accept_kw(p, WR_KW_SYSTEM);
    }
    if (!system && wr_sql_p_accept_kw(p, WR_KW_TABLE))
        return create_table(p, s, temporary, or_replace);
    if (!system && wr_sql_p_is_kw(p, WR_KW_VIEW)) {
        if (or_replace) wr_sql_p_unsupported(p, s->pos, "CREATE OR REPLACE VIEW");
        wr_sql_p_next(p);
        return create_view(p, s, temporary);
    }
    if (wr_sql_p_is_kw(p, WR_KW_FUNCTION)) wr_sql_p_unsupported(p, s->pos, "CREATE FUNCTION");
    static const char *const others[] = {"CATALOG", "DATABASE", "MODEL", "MATERIALIZED"};
    const wr_sql_token *t = wr_sql_p_tok(p);
    for (size_t i = 0; t->kind == WR_TK_IDENT && i < WR_ARRAY_LEN(others); i++) {
        if (t->len == strlen(others[i]) &&
            strncasecmp(p->text + t->pos.offset, others[i], t->len) == 0) {
            char what[48];
            snprintf(what, sizeof what, "CREATE %s", others[i]);
            wr_sql_p_unsupported(p, s->pos, what);
        }
    }
    wr_sql_p_fail_expected(p, system ? "FUNCTION" : "TABLE, VIEW or FUNCTION");
}

static wr_sql_stmt *drop_stmt(wr_sql_parser *p, wr_sql_stmt *s)
{
    wr_sql_p_expect_kw(p, WR_KW_DROP);
    s->kind = WR_SQL_STMT_DROP;
    bool system = false;
    if (wr_sql_p_accept_kw(p, WR_KW_TEMPORARY)) {
        s->drop.temporary = true;
        system = wr_sql_p_accept_kw(p, WR_KW_SYSTEM);
    }
    if (!system && wr_sql_p_accept_kw(p, WR_KW_TABLE)) {
        s->drop.object = WR_SQL_OBJ_TABLE;
    } else if (!system && wr_sql_p_accept_kw(p, WR_KW_VIEW)) {
        s->drop.object = WR_SQL_OBJ_VIEW;
    } else if (wr_sql_p_is_kw(p, WR_KW_FUNCTION)) {
        wr_sql_p_unsupported(p, s->pos, "DROP FUNCTION");
    } else {
        wr_sql_p_fail_expected(p, "TABLE or VIEW");
    }
    s->drop.if_exists = accept_if_exists(p);
    s->drop.name =
        wr_sql_p_name(p, s->drop.object == WR_SQL_OBJ_TABLE ? "a table name" : "a view name");
    return s;
}

/* INSERT INTO|OVERWRITE t [hints] [PARTITION (k = v, ...)] [(cols)] query */
static wr_sql_stmt *insert_stmt(wr_sql_parser *p, wr_sql_stmt *s, bool execute)
{
    wr_sql_p_expect_kw(p, WR_KW_INSERT);
    s->kind = WR_SQL_STMT_INSERT;
    wr_sql_insert *in = &s->insert;
    in->execute = execute;
    if (wr_sql_p_accept_kw(p, WR_KW_OVERWRITE))
        in->overwrite = true;
    else
        wr_sql_p_expect_kw(p, WR_KW_INTO);
    in->table = wr_sql_p_name(p, "a table name");
    wr_sql_p_hints(p, &in->hints, &in->nhints);
    if (wr_sql_p_accept_kw(p, WR_KW_PARTITION)) {
        uint32_t cap = 0;
        wr_sql_p_expect(p, WR_TK_LPAREN);
        do {
            wr_sql_option o = {.key_pos = wr_sql_p_pos(p)};
            o.key = wr_sql_p_ident(p, "a partition column").name;
            wr_sql_p_expect(p, WR_TK_EQ);
            o.value_pos = wr_sql_p_pos(p);
            const wr_sql_token *t = wr_sql_p_tok(p);
            if (t->kind == WR_TK_STRING)
                o.value = wr_sql_p_string_of(p, wr_sql_p_next(p), NULL);
            else if (t->kind == WR_TK_INTEGER || t->kind == WR_TK_DECIMAL)
                o.value = wr_sql_p_strndup(p, p->text + wr_sql_p_next(p)->pos.offset, t->len);
            else
                wr_sql_p_fail_expected(p, "a partition value (a literal)");
            WR_SQL_PUSH(p, in->partition, in->npartition, cap, o);
        } while (wr_sql_p_accept(p, WR_TK_COMMA));
        wr_sql_p_expect(p, WR_TK_RPAREN);
    }
    if (wr_sql_p_at(p, WR_TK_LPAREN) && !wr_sql_p_paren_query_at(p, 0))
        wr_sql_p_ident_list(p, &in->cols, &in->ncols, "a column name");
    if (!wr_sql_p_at_query_start(p) && !wr_sql_p_at(p, WR_TK_LPAREN))
        wr_sql_p_fail_expected(p, "SELECT or VALUES");
    in->query = wr_sql_p_query(p);
    return s;
}

static wr_sql_stmt *statement(wr_sql_parser *p);

/* Parse one statement with its own recovery point: false when it failed (the error is
 * noted). Used for the top level and for the INSERTs inside a STATEMENT SET. */
static bool guarded_statement(wr_sql_parser *p, wr_sql_stmt *(*fn)(wr_sql_parser *),
                              wr_sql_stmt **out)
{
    jmp_buf jb;
    jmp_buf *saved = p->recover;
    int depth = p->depth;
    bool ok;
    p->recover = &jb;
    if (setjmp(jb) == 0) {
        *out = fn(p);
        ok = true;
    } else {
        *out = NULL;
        ok = false;
    }
    p->recover = saved;
    p->depth = depth;
    return ok;
}

static void skip_to_semi(wr_sql_parser *p)
{
    while (!wr_sql_p_at(p, WR_TK_SEMI) && !wr_sql_p_at(p, WR_TK_EOF))
        wr_sql_p_next(p);
}

static wr_sql_stmt *set_member(wr_sql_parser *p)
{
    wr_sql_stmt *s = new_stmt(p, WR_SQL_STMT_INSERT, wr_sql_p_pos(p));
    bool execute = false;
    if (wr_sql_p_is_kw(p, WR_KW_EXECUTE) && wr_sql_p_ahead_kw(p, 1, WR_KW_INSERT)) {
        wr_sql_p_next(p);
        execute = true;
    }
    if (!wr_sql_p_is_kw(p, WR_KW_INSERT))
        wr_sql_p_fail_expected(p, "INSERT (a STATEMENT SET holds only INSERT statements)");
    insert_stmt(p, s, execute);
    s->end = wr_sql_p_end(p);
    if (!wr_sql_p_at(p, WR_TK_SEMI) && !wr_sql_p_is_kw(p, WR_KW_END))
        wr_sql_p_fail_expected(p, "';'");
    return s;
}

/* After BEGIN (EXECUTE STATEMENT SET BEGIN) or after BEGIN STATEMENT SET ';'. */
static wr_sql_stmt *statement_set_body(wr_sql_parser *p, wr_sql_stmt *s, bool begin_form)
{
    s->kind = WR_SQL_STMT_STATEMENT_SET;
    s->stmt_set.begin_form = begin_form;
    uint32_t cap = 0, nerr0 = p->nerrs;
    while (!wr_sql_p_is_kw(p, WR_KW_END)) {
        if (wr_sql_p_at(p, WR_TK_EOF)) wr_sql_p_fail_expected(p, "END of the STATEMENT SET");
        if (wr_sql_p_accept(p, WR_TK_SEMI)) continue;
        wr_sql_stmt *in;
        if (guarded_statement(p, set_member, &in)) {
            WR_SQL_PUSH(p, s->stmt_set.stmts, s->stmt_set.nstmts, cap, in);
        } else {
            if (p->oom) out_of_memory(p);
            skip_to_semi(p);
        }
        if (p->gave_up) bail(p);
    }
    wr_sql_p_next(p); /* END */
    if (s->stmt_set.nstmts == 0 && p->nerrs == nerr0)
        wr_sql_p_fail(p, WR_EPARSE, s->pos, "a STATEMENT SET needs at least one INSERT");
    return s;
}

static wr_sql_stmt *execute_stmt(wr_sql_parser *p, wr_sql_stmt *s)
{
    wr_sql_p_expect_kw(p, WR_KW_EXECUTE);
    if (wr_sql_p_is_kw(p, WR_KW_INSERT)) return insert_stmt(p, s, true);
    if (wr_sql_p_accept_kw(p, WR_KW_STATEMENT)) {
        wr_sql_p_expect_kw(p, WR_KW_SET);
        wr_sql_p_expect_kw(p, WR_KW_BEGIN);
        return statement_set_body(p, s, false);
    }
    if (wr_sql_p_is_kw(p, WR_KW_PLAN)) wr_sql_p_unsupported(p, s->pos, "EXECUTE PLAN");
    wr_sql_p_fail_expected(p, "STATEMENT SET or INSERT");
}

static wr_sql_stmt *begin_stmt(wr_sql_parser *p, wr_sql_stmt *s)
{
    wr_sql_p_expect_kw(p, WR_KW_BEGIN);
    wr_sql_p_expect_kw(p, WR_KW_STATEMENT);
    wr_sql_p_expect_kw(p, WR_KW_SET);
    wr_sql_p_expect(p, WR_TK_SEMI);
    return statement_set_body(p, s, true);
}

static wr_sql_stmt *query_stmt(wr_sql_parser *p, wr_sql_stmt *s)
{
    s->kind = WR_SQL_STMT_QUERY;
    s->query.query = wr_sql_p_query(p);
    return s;
}

static wr_sql_stmt *explain_stmt(wr_sql_parser *p, wr_sql_stmt *s)
{
    wr_sql_p_expect_kw(p, WR_KW_EXPLAIN);
    s->kind = WR_SQL_STMT_EXPLAIN;
    wr_sql_explain *ex = &s->explain;
    if (wr_sql_p_accept_kw(p, WR_KW_PLAN)) {
        wr_sql_p_expect_kw(p, WR_KW_FOR);
        ex->plan_for = true;
    }
    static const struct {
        wr_sql_kw kw;
        uint32_t bit;
    } details[] = {
        {WR_KW_ESTIMATED_COST, WR_SQL_EXPLAIN_ESTIMATED_COST},
        {WR_KW_CHANGELOG_MODE, WR_SQL_EXPLAIN_CHANGELOG_MODE},
        {WR_KW_PLAN_ADVICE, WR_SQL_EXPLAIN_PLAN_ADVICE},
        {WR_KW_JSON_EXECUTION_PLAN, WR_SQL_EXPLAIN_JSON_EXECUTION_PLAN},
    };
    for (;;) {
        bool found = false;
        for (size_t i = 0; i < WR_ARRAY_LEN(details) && !found; i++) {
            if (wr_sql_p_accept_kw(p, details[i].kw)) {
                ex->details |= details[i].bit;
                found = true;
            }
        }
        if (!found) break;
        if (!wr_sql_p_accept(p, WR_TK_COMMA)) break;
    }
    wr_sql_stmt *inner = new_stmt(p, WR_SQL_STMT_QUERY, wr_sql_p_pos(p));
    if (wr_sql_p_is_kw(p, WR_KW_INSERT)) {
        insert_stmt(p, inner, false);
    } else if (wr_sql_p_is_kw(p, WR_KW_EXECUTE)) {
        execute_stmt(p, inner);
    } else if (wr_sql_p_is_kw(p, WR_KW_STATEMENT)) {
        wr_sql_p_next(p);
        wr_sql_p_expect_kw(p, WR_KW_SET);
        wr_sql_p_expect_kw(p, WR_KW_BEGIN);
        statement_set_body(p, inner, false);
    } else if (wr_sql_p_at_query_start(p) || wr_sql_p_at(p, WR_TK_LPAREN)) {
        query_stmt(p, inner);
    } else {
        wr_sql_p_fail_expected(p, "a query, INSERT or STATEMENT SET to explain");
    }
    inner->end = wr_sql_p_end(p);
    ex->stmt = inner;
    return s;
}

static wr_sql_stmt *set_stmt(wr_sql_parser *p, wr_sql_stmt *s)
{
    wr_sql_p_expect_kw(p, WR_KW_SET);
    s->kind = WR_SQL_STMT_SET;
    if (wr_sql_p_at(p, WR_TK_SEMI) || wr_sql_p_at(p, WR_TK_EOF)) return s;
    s->set.key = wr_sql_p_string(p, "a quoted key: SET 'key' = 'value'", &s->set.key_pos);
    wr_sql_p_expect(p, WR_TK_EQ);
    s->set.value = wr_sql_p_string(p, "a quoted value: SET 'key' = 'value'", &s->set.value_pos);
    return s;
}

static wr_sql_stmt *reset_stmt(wr_sql_parser *p, wr_sql_stmt *s)
{
    wr_sql_p_expect_kw(p, WR_KW_RESET);
    s->kind = WR_SQL_STMT_RESET;
    if (wr_sql_p_at(p, WR_TK_SEMI) || wr_sql_p_at(p, WR_TK_EOF)) return s;
    s->reset.key = wr_sql_p_string(p, "a quoted key: RESET 'key'", &s->reset.key_pos);
    return s;
}

static wr_sql_stmt *show_stmt(wr_sql_parser *p, wr_sql_stmt *s)
{
    wr_sql_p_expect_kw(p, WR_KW_SHOW);
    s->kind = WR_SQL_STMT_SHOW;
    if (wr_sql_p_accept_kw(p, WR_KW_TABLES)) {
        s->show.what = WR_SQL_SHOW_TABLES;
    } else if (wr_sql_p_accept_kw(p, WR_KW_VIEWS)) {
        s->show.what = WR_SQL_SHOW_VIEWS;
    } else if (wr_sql_p_accept_kw(p, WR_KW_FUNCTIONS)) {
        s->show.what = WR_SQL_SHOW_FUNCTIONS;
    } else if (wr_sql_p_is_kw(p, WR_KW_USER) && wr_sql_p_ahead_kw(p, 1, WR_KW_FUNCTIONS)) {
        wr_sql_p_next(p);
        wr_sql_p_next(p);
        s->show.what = WR_SQL_SHOW_FUNCTIONS;
        s->show.user_only = true;
    } else if (wr_sql_p_at(p, WR_TK_IDENT)) {
        const wr_sql_token *t = wr_sql_p_tok(p);
        char what[64];
        snprintf(what, sizeof what, "SHOW %.*s", (int)WR_MIN(t->len, 40u), p->text + t->pos.offset);
        for (char *c = what; *c; c++)
            if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
        if (t->kw != WR_KW_NONE || t->len <= 12) {
            /* A misspelled TABLES gets a suggestion; a real other SHOW is unsupported. */
            static const char *const known[] = {
                "CATALOGS",   "DATABASES", "CURRENT",      "CREATE", "COLUMNS",
                "MODULES",    "FULL",      "JARS",         "JOBS",   "PARTITIONS",
                "PROCEDURES", "MODELS",    "MATERIALIZED", NULL};
            char word[48];
            upper_copy(word, p->text + t->pos.offset, WR_MIN(t->len, 40u));
            for (size_t i = 0; known[i]; i++)
                if (strcmp(word, known[i]) == 0) wr_sql_p_unsupported(p, s->pos, what);
        }
        wr_sql_p_fail_expected(p, "TABLES, VIEWS or FUNCTIONS");
    } else {
        wr_sql_p_fail_expected(p, "TABLES, VIEWS or FUNCTIONS");
    }
    if (wr_sql_p_is_kw(p, WR_KW_FROM) || wr_sql_p_is_kw(p, WR_KW_IN) ||
        wr_sql_p_is_kw(p, WR_KW_LIKE) || wr_sql_p_is_kw(p, WR_KW_NOT))
        wr_sql_p_unsupported(p, wr_sql_p_pos(p), "SHOW ... FROM / LIKE");
    return s;
}

static wr_sql_stmt *describe_stmt(wr_sql_parser *p, wr_sql_stmt *s)
{
    if (!wr_sql_p_accept_kw(p, WR_KW_DESCRIBE)) wr_sql_p_expect_kw(p, WR_KW_DESC);
    s->kind = WR_SQL_STMT_DESCRIBE;
    s->describe.extended = wr_sql_p_accept_kw(p, WR_KW_EXTENDED);
    s->describe.name = wr_sql_p_name(p, "a table or view name");
    return s;
}

/* Statements Flink has and weir does not: recognised by their first word so the error
 * says so instead of "syntax error". */
static const char *const unsupported_starts[] = {
    "USE",      "ALTER",  "COMPILE", "LOAD", "UNLOAD", "ANALYZE", "ADD",  "REMOVE",
    "TRUNCATE", "DELETE", "UPDATE",  "CALL", "MERGE",  "REPLACE", "STOP", NULL,
};

static wr_sql_stmt *statement(wr_sql_parser *p)
{
    wr_sql_pos pos = wr_sql_p_pos(p);
    wr_sql_stmt *s = new_stmt(p, WR_SQL_STMT_QUERY, pos);
    p->alias_tok = 0;
    if (wr_sql_p_is_kw(p, WR_KW_CREATE)) {
        create_stmt(p, s);
    } else if (wr_sql_p_is_kw(p, WR_KW_DROP)) {
        drop_stmt(p, s);
    } else if (wr_sql_p_is_kw(p, WR_KW_INSERT)) {
        insert_stmt(p, s, false);
    } else if (wr_sql_p_is_kw(p, WR_KW_EXECUTE)) {
        execute_stmt(p, s);
    } else if (wr_sql_p_is_kw(p, WR_KW_BEGIN)) {
        begin_stmt(p, s);
    } else if (wr_sql_p_is_kw(p, WR_KW_SELECT) || wr_sql_p_is_kw(p, WR_KW_WITH) ||
               wr_sql_p_is_kw(p, WR_KW_VALUES) || wr_sql_p_at(p, WR_TK_LPAREN)) {
        query_stmt(p, s);
    } else if (wr_sql_p_is_kw(p, WR_KW_EXPLAIN)) {
        explain_stmt(p, s);
    } else if (wr_sql_p_is_kw(p, WR_KW_SET)) {
        set_stmt(p, s);
    } else if (wr_sql_p_is_kw(p, WR_KW_RESET)) {
        reset_stmt(p, s);
    } else if (wr_sql_p_is_kw(p, WR_KW_SHOW)) {
        show_stmt(p, s);
    } else if (wr_sql_p_is_kw(p, WR_KW_DESCRIBE) || wr_sql_p_is_kw(p, WR_KW_DESC)) {
        describe_stmt(p, s);
    } else {
        const wr_sql_token *t = wr_sql_p_tok(p);
        if (t->kind == WR_TK_IDENT && t->len <= 12) {
            char word[16];
            upper_copy(word, p->text + t->pos.offset, t->len);
            for (size_t i = 0; unsupported_starts[i]; i++) {
                if (strcmp(word, unsupported_starts[i]) == 0) {
                    wr_sql_p_fail(p, WR_EUNSUPPORTED, pos, "%s statements are not supported", word);
                }
            }
        }
        wr_sql_p_fail_expected(p, "a statement (CREATE, DROP, INSERT, SELECT, EXPLAIN, SET, "
                                  "RESET, SHOW, DESCRIBE, EXECUTE STATEMENT SET)");
    }
    s->end = wr_sql_p_end(p);
    if (!wr_sql_p_at(p, WR_TK_SEMI) && !wr_sql_p_at(p, WR_TK_EOF))
        wr_sql_p_fail_expected(p, "';' or the end of the statement");
    return s;
}

/* ------------------------------------------------------------------------------------------
 * Driver and public API
 * ---------------------------------------------------------------------------------------- */

static int cmp_errors(const void *a, const void *b)
{
    const wr_sql_error *x = a, *y = b;
    if (x->pos.offset != y->pos.offset) return x->pos.offset < y->pos.offset ? -1 : 1;
    return 0;
}

static void parser_init(wr_sql_parser *p, const char *text, size_t len, const char *file,
                        wr_arena *a)
{
    memset(p, 0, sizeof *p);
    p->a = a;
    p->text = text ? text : "";
    p->len = (uint32_t)len;
    p->file = file;
    p->exp_tok = UINT32_MAX;
}

/* Copy the errors into the arena, in source order (insertion order among equals). */
static int parser_finish(wr_sql_parser *p, wr_sql_error **out, uint32_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (p->nerrs) {
        wr_sql_error *e = wr_arena_alloc(p->a, (size_t)p->nerrs * sizeof *e);
        if (!e) {
            p->oom = true;
        } else {
            /* insertion sort: stable, and error lists are short (<= WR_SQL_MAX_ERRORS) */
            for (uint32_t i = 0; i < p->nerrs; i++) {
                uint32_t j = i;
                while (j > 0 && cmp_errors(&e[j - 1], &p->errs[i]) > 0) {
                    e[j] = e[j - 1];
                    j--;
                }
                e[j] = p->errs[i];
            }
            *out = e;
            *nout = p->nerrs;
        }
    }
    wr_free(p->toks);
    wr_free(p->errs);
    p->toks = NULL;
    p->errs = NULL;
    if (p->oom) return WR_ENOMEM;
    return *nout ? WR_EPARSE : WR_OK;
}

/* The token positions are 32-bit: longer texts are refused with an error. */
static size_t clip_len(wr_sql_parser *p, const char *text, size_t len, const char *file,
                       wr_arena *a)
{
    if (!text) len = 0;
    parser_init(p, text, len > INT32_MAX ? 0 : len, file, a);
    if (len > INT32_MAX)
        wr_sql_note_error(p, WR_ELIMIT, (wr_sql_pos){0, 1, 1}, "SQL text too large (%zu bytes)",
                          len);
    return len;
}

static bool push_stmt(wr_sql_parser *p, wr_sql_stmt ***v, uint32_t *n, uint32_t *cap,
                      wr_sql_stmt *s)
{
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 16;
        wr_sql_stmt **m = wr_arena_alloc(p->a, (size_t)nc * sizeof *m);
        if (!m) return false;
        if (*n) memcpy(m, *v, (size_t)*n * sizeof *m);
        *v = m;
        *cap = nc;
    }
    (*v)[(*n)++] = s;
    return true;
}

int wr_sql_parse(const char *text, size_t len, const char *file, wr_arena *a, wr_sql_script *out)
{
    wr_sql_parser p;
    memset(out, 0, sizeof *out);
    out->file = file;
    out->text = text;
    out->len = len;
    clip_len(&p, text, len, file, a);
    wr_sql_stmt **stmts = NULL;
    uint32_t nstmts = 0, cap = 0;
    if (wr_sql_lex(&p) < 0) p.oom = true;
    while (!p.oom && !p.gave_up && !wr_sql_p_at(&p, WR_TK_EOF)) {
        if (wr_sql_p_accept(&p, WR_TK_SEMI)) continue;
        uint32_t nerr0 = p.nerrs;
        wr_sql_stmt *s = NULL;
        p.depth = 0;
        bool ok = guarded_statement(&p, statement, &s);
        if (p.oom) break;
        if (!ok) {
            skip_to_semi(&p);
            continue;
        }
        if (p.nerrs != nerr0) continue; /* noted (non-fatal) errors: leave it out */
        if (!push_stmt(&p, &stmts, &nstmts, &cap, s)) p.oom = true;
    }
    out->stmts = stmts;
    out->nstmts = nstmts;
    return parser_finish(&p, &out->errors, &out->nerrors);
}

static void first_error(const char *file, wr_sql_error *errs, uint32_t nerrs, int rc, wr_error *err)
{
    if (rc == WR_ENOMEM && nerrs == 0) {
        wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory while parsing SQL");
        return;
    }
    wr_sql_script s = {.file = file, .errors = errs, .nerrors = nerrs};
    wr_sql_script_error(&s, err);
}

static wr_sql_expr *whole_expr(wr_sql_parser *p)
{
    wr_sql_expr *e = wr_sql_p_expr(p);
    if (!wr_sql_p_at(p, WR_TK_EOF)) wr_sql_p_fail_expected(p, "the end of the expression");
    return e;
}

int wr_sql_parse_expr(const char *text, size_t len, const char *file, wr_arena *a,
                      wr_sql_expr **out, wr_error *err)
{
    wr_sql_parser p;
    clip_len(&p, text, len, file, a);
    *out = NULL;
    wr_sql_expr *e = NULL;
    if (wr_sql_lex(&p) < 0) p.oom = true;
    if (!p.oom && p.nerrs == 0) {
        jmp_buf jb;
        p.recover = &jb;
        if (setjmp(jb) == 0) e = whole_expr(&p);
        p.recover = NULL;
    }
    wr_sql_error *errs;
    uint32_t nerrs;
    int rc = parser_finish(&p, &errs, &nerrs);
    if (rc == WR_OK) {
        *out = e;
        return WR_OK;
    }
    first_error(file, errs, nerrs, rc, err);
    return rc;
}

static wr_sql_type *whole_type(wr_sql_parser *p)
{
    wr_sql_type *t = wr_sql_p_type(p);
    if (!wr_sql_p_at(p, WR_TK_EOF)) wr_sql_p_fail_expected(p, "the end of the type");
    return t;
}

int wr_sql_parse_type(const char *text, size_t len, const char *file, wr_arena *a,
                      wr_sql_type **out, wr_error *err)
{
    wr_sql_parser p;
    clip_len(&p, text, len, file, a);
    *out = NULL;
    wr_sql_type *t = NULL;
    if (wr_sql_lex(&p) < 0) p.oom = true;
    if (!p.oom && p.nerrs == 0) {
        jmp_buf jb;
        p.recover = &jb;
        if (setjmp(jb) == 0) t = whole_type(&p);
        p.recover = NULL;
    }
    wr_sql_error *errs;
    uint32_t nerrs;
    int rc = parser_finish(&p, &errs, &nerrs);
    if (rc == WR_OK) {
        *out = t;
        return WR_OK;
    }
    first_error(file, errs, nerrs, rc, err);
    return rc;
}

int wr_sql_error_format(const wr_sql_script *s, const wr_sql_error *e, wr_buf *out)
{
    int rc = wr_buf_printf(out, "%s:%u:%u: %s", s->file ? s->file : "<sql>", e->pos.line,
                           e->pos.col, e->msg);
    return rc < 0 ? rc : 0;
}

int wr_sql_errors_format(const wr_sql_script *s, wr_buf *out)
{
    for (uint32_t i = 0; i < s->nerrors; i++) {
        int rc = wr_sql_error_format(s, &s->errors[i], out);
        if (rc == 0) rc = wr_buf_putc(out, '\n');
        if (rc < 0) return rc;
    }
    return 0;
}

int wr_sql_script_error(const wr_sql_script *s, wr_error *err)
{
    if (s->nerrors == 0) return WR_OK;
    const wr_sql_error *e = &s->errors[0];
    return wr_sql_error_set(err, e->code, s->file, e->pos, "%s", e->msg);
}

int wr_sql_error_set(wr_error *err, int code, const char *file, wr_sql_pos pos, const char *fmt,
                     ...)
{
    char msg[WR_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return wr_error_set(err, code, code == WR_ENOMEM ? WR_DOMAIN_INTERNAL : WR_DOMAIN_USER,
                        "%s:%u:%u: %s", file ? file : "<sql>", pos.line, pos.col, msg);
}

wr_slice wr_sql_source(const wr_sql_script *s, wr_sql_pos pos, uint32_t end)
{
    if (!s->text || pos.offset > end || end > s->len) return (wr_slice){"", 0};
    return (wr_slice){s->text + pos.offset, end - pos.offset};
}
