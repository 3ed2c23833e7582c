/* sql_parse_query.c - queries and FROM items of the Flink SQL dialect: WITH, SELECT with its
 * clauses (WHERE, GROUP BY with GROUPING SETS/ROLLUP/CUBE, HAVING, WINDOW), the set
 * operations (INTERSECT binds tighter than UNION and EXCEPT), VALUES, ORDER BY, LIMIT,
 * FETCH and OFFSET; FROM items: tables with hints and FOR SYSTEM_TIME AS OF, subqueries,
 * joins (left-deep, as written), table functions (the window TVFs in both their TABLE(...)
 * and bare forms, LATERAL TABLE), UNNEST and MATCH_RECOGNIZE; and hint comments. */
#include "sql/sql_parse.h"

#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------------------------- */

bool wr_sql_p_at_query_start(wr_sql_parser *p)
{
    /* is_kw remembers the three as expected here, for "did you mean SELECT?". */
    bool select = wr_sql_p_is_kw(p, WR_KW_SELECT);
    bool with = wr_sql_p_is_kw(p, WR_KW_WITH);
    bool values = wr_sql_p_is_kw(p, WR_KW_VALUES);
    return select || with || values;
}

bool wr_sql_p_paren_query_at(const wr_sql_parser *p, uint32_t k)
{
    while (wr_sql_p_ahead_is(p, k, WR_TK_LPAREN))
        k++;
    if (k == 0) return false;
    const wr_sql_token *t = wr_sql_p_ahead(p, k);
    return t->kind == WR_TK_IDENT &&
           (t->kw == WR_KW_SELECT || t->kw == WR_KW_WITH || t->kw == WR_KW_VALUES);
}

static wr_sql_ident *alloc_ident(wr_sql_parser *p, wr_sql_ident id)
{
    wr_sql_ident *x = wr_sql_p_alloc(p, sizeof *x);
    *x = id;
    return x;
}

/* [AS] alias: an implicit alias is any identifier that is not a reserved word. */
static wr_sql_ident *opt_alias(wr_sql_parser *p)
{
    if (wr_sql_p_accept_kw(p, WR_KW_AS)) return alloc_ident(p, wr_sql_p_ident(p, "an alias"));
    if (!wr_sql_p_at_ident(p)) return NULL;
    p->alias_tok = p->i + 1;
    return alloc_ident(p, wr_sql_p_ident_of(p, wr_sql_p_next(p)));
}

/* ------------------------------------------------------------------------------------------
 * Hints: one or more hint comments, each NAME[(args)], ...
 * ---------------------------------------------------------------------------------------- */

static const char *hint_word(wr_sql_parser *p, const char *what)
{
    const wr_sql_token *t = wr_sql_p_tok(p);
    switch ((wr_sql_tk)t->kind) {
    case WR_TK_STRING:
        return wr_sql_p_string_of(p, wr_sql_p_next(p), NULL);
    case WR_TK_IDENT:
    case WR_TK_QIDENT:
        return wr_sql_p_ident_of(p, wr_sql_p_next(p)).name;
    case WR_TK_INTEGER:
    case WR_TK_DECIMAL:
        wr_sql_p_next(p);
        return wr_sql_p_strndup(p, p->text + t->pos.offset, t->len);
    default:
        wr_sql_p_fail_expected(p, what);
    }
}

static void hint(wr_sql_parser *p, wr_sql_hint *h)
{
    h->pos = wr_sql_p_pos(p);
    const wr_sql_token *t = wr_sql_p_tok(p);
    if (t->kind != WR_TK_IDENT && t->kind != WR_TK_QIDENT) wr_sql_p_fail_expected(p, "a hint name");
    h->name = wr_sql_p_ident_of(p, wr_sql_p_next(p));
    if (!wr_sql_p_accept(p, WR_TK_LPAREN)) return;
    if (wr_sql_p_accept(p, WR_TK_RPAREN)) return;
    uint32_t cap = 0;
    do {
        wr_sql_option o = {.key_pos = wr_sql_p_pos(p)};
        const char *w = hint_word(p, "a hint option");
        if (wr_sql_p_accept(p, WR_TK_EQ)) {
            o.key = w;
            o.value_pos = wr_sql_p_pos(p);
            o.value = hint_word(p, "a hint option value");
        } else {
            o.value = w;
            o.value_pos = o.key_pos;
        }
        WR_SQL_PUSH(p, h->args, h->nargs, cap, o);
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
    wr_sql_p_expect(p, WR_TK_RPAREN);
}

void wr_sql_p_hints(wr_sql_parser *p, wr_sql_hint **out, uint32_t *n)
{
    uint32_t cap = 0;
    *out = NULL;
    *n = 0;
    while (wr_sql_p_accept(p, WR_TK_HINT_START)) {
        do {
            wr_sql_hint h = {0};
            hint(p, &h);
            WR_SQL_PUSH(p, *out, *n, cap, h);
        } while (wr_sql_p_accept(p, WR_TK_COMMA));
        wr_sql_p_expect(p, WR_TK_HINT_END);
    }
}

/* ------------------------------------------------------------------------------------------
 * MATCH_RECOGNIZE
 * ---------------------------------------------------------------------------------------- */

static wr_sql_pattern *pattern_alt(wr_sql_parser *p);

static wr_sql_pattern *new_pattern(wr_sql_parser *p, wr_sql_pattern_kind kind, wr_sql_pos pos)
{
    wr_sql_pattern *x = wr_sql_p_alloc(p, sizeof *x);
    x->kind = kind;
    x->pos = pos;
    x->max = -1;
    return x;
}

static uint32_t pattern_count(wr_sql_parser *p)
{
    const wr_sql_token *t = wr_sql_p_tok(p);
    if (t->kind != WR_TK_INTEGER) wr_sql_p_fail_expected(p, "a repetition count");
    uint64_t v = 0;
    for (uint32_t i = 0; i < t->len; i++) {
        v = v * 10 + (uint64_t)(p->text[t->pos.offset + i] - '0');
        if (v > INT32_MAX)
            wr_sql_p_fail(p, WR_EPARSE, t->pos, "repetition count too large (at most %d)",
                          INT32_MAX);
    }
    wr_sql_p_next(p);
    return (uint32_t)v;
}

/* * + ? {n} {n,} {n,m} {,m}, each optionally followed by ? (reluctant). */
static void quantifier(wr_sql_parser *p, wr_sql_pattern *x)
{
    wr_sql_pos pos = wr_sql_p_pos(p);
    if (wr_sql_p_accept(p, WR_TK_STAR)) {
        x->min = 0, x->max = -1;
    } else if (wr_sql_p_accept(p, WR_TK_PLUS)) {
        x->min = 1, x->max = -1;
    } else if (wr_sql_p_accept(p, WR_TK_QUESTION)) {
        x->min = 0, x->max = 1;
    } else if (wr_sql_p_accept(p, WR_TK_LBRACE)) {
        if (wr_sql_p_at(p, WR_TK_MINUS)) wr_sql_p_unsupported(p, pos, "pattern exclusion {- -}");
        x->min = 0, x->max = -1;
        if (!wr_sql_p_at(p, WR_TK_COMMA)) {
            x->min = pattern_count(p);
            x->max = (int32_t)x->min;
        }
        if (wr_sql_p_accept(p, WR_TK_COMMA)) {
            x->max = -1;
            if (!wr_sql_p_at(p, WR_TK_RBRACE)) x->max = (int32_t)pattern_count(p);
        }
        wr_sql_p_expect(p, WR_TK_RBRACE);
        if (x->max >= 0 && (uint32_t)x->max < x->min)
            wr_sql_p_fail(p, WR_EPARSE, pos, "invalid quantifier: {%u,%d} has max < min", x->min,
                          x->max);
    } else {
        return;
    }
    x->quantified = true;
    x->reluctant = wr_sql_p_accept(p, WR_TK_QUESTION);
}

static wr_sql_pattern *pattern_primary(wr_sql_parser *p)
{
    wr_sql_pos pos = wr_sql_p_pos(p);
    wr_sql_pattern *x;
    if (wr_sql_p_accept(p, WR_TK_LPAREN)) {
        x = pattern_alt(p);
        wr_sql_p_expect(p, WR_TK_RPAREN);
        if (x->parenthesized || x->quantified) {
            /* ((A)) or (A+)*: keep the group as a one-item sequence. */
            wr_sql_pattern *g = new_pattern(p, WR_SQL_PAT_SEQ, pos);
            g->items = wr_sql_p_alloc(p, sizeof *g->items);
            g->items[0] = x;
            g->nitems = 1;
            x = g;
        }
        x->parenthesized = true;
    } else if (wr_sql_p_at(p, WR_TK_CARET) || wr_sql_p_at(p, WR_TK_DOLLAR)) {
        wr_sql_p_unsupported(p, pos, "pattern anchors ^ and $");
    } else if (wr_sql_p_at(p, WR_TK_IDENT) && wr_sql_p_tok(p)->len == 7 &&
               strncasecmp(p->text + pos.offset, "PERMUTE", 7) == 0 &&
               wr_sql_p_ahead_is(p, 1, WR_TK_LPAREN)) {
        wr_sql_p_unsupported(p, pos, "PERMUTE");
    } else {
        x = new_pattern(p, WR_SQL_PAT_VAR, pos);
        x->var = wr_sql_p_ident(p, "a pattern variable");
    }
    quantifier(p, x);
    return x;
}

static bool pattern_seq_continues(const wr_sql_parser *p)
{
    const wr_sql_token *t = wr_sql_p_tok(p);
    return t->kind == WR_TK_IDENT || t->kind == WR_TK_QIDENT || t->kind == WR_TK_LPAREN ||
           t->kind == WR_TK_CARET || t->kind == WR_TK_DOLLAR;
}

static wr_sql_pattern *pattern_seq(wr_sql_parser *p)
{
    wr_sql_pos pos = wr_sql_p_pos(p);
    wr_sql_pattern *first = pattern_primary(p);
    if (!pattern_seq_continues(p)) return first;
    wr_sql_pattern *s = new_pattern(p, WR_SQL_PAT_SEQ, pos);
    uint32_t cap = 0;
    WR_SQL_PUSH(p, s->items, s->nitems, cap, first);
    while (pattern_seq_continues(p))
        WR_SQL_PUSH(p, s->items, s->nitems, cap, pattern_primary(p));
    return s;
}

static wr_sql_pattern *pattern_alt(wr_sql_parser *p)
{
    wr_sql_p_enter(p);
    wr_sql_pos pos = wr_sql_p_pos(p);
    wr_sql_pattern *first = pattern_seq(p);
    if (wr_sql_p_at(p, WR_TK_PIPE)) {
        wr_sql_pattern *a = new_pattern(p, WR_SQL_PAT_ALT, pos);
        uint32_t cap = 0;
        WR_SQL_PUSH(p, a->items, a->nitems, cap, first);
        while (wr_sql_p_accept(p, WR_TK_PIPE))
            WR_SQL_PUSH(p, a->items, a->nitems, cap, pattern_seq(p));
        first = a;
    }
    wr_sql_p_leave(p);
    return first;
}

static void measures(wr_sql_parser *p, wr_sql_match_recognize *m)
{
    uint32_t cap = 0;
    do {
        wr_sql_select_item it = {.pos = wr_sql_p_pos(p)};
        it.expr = wr_sql_p_expr(p);
        wr_sql_p_expect_kw(p, WR_KW_AS);
        it.alias = alloc_ident(p, wr_sql_p_ident(p, "a measure name"));
        WR_SQL_PUSH(p, m->measures, m->nmeasures, cap, it);
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
}

static void after_match(wr_sql_parser *p, wr_sql_match_recognize *m)
{
    wr_sql_p_expect_kw(p, WR_KW_MATCH);
    wr_sql_p_expect_kw(p, WR_KW_SKIP);
    if (wr_sql_p_accept_kw(p, WR_KW_PAST)) {
        wr_sql_p_expect_kw(p, WR_KW_LAST);
        wr_sql_p_expect_kw(p, WR_KW_ROW);
        m->skip = WR_SQL_SKIP_PAST_LAST_ROW;
        return;
    }
    wr_sql_p_expect_kw(p, WR_KW_TO);
    if (wr_sql_p_accept_kw(p, WR_KW_NEXT)) {
        wr_sql_p_expect_kw(p, WR_KW_ROW);
        m->skip = WR_SQL_SKIP_TO_NEXT_ROW;
        return;
    }
    if (wr_sql_p_accept_kw(p, WR_KW_FIRST))
        m->skip = WR_SQL_SKIP_TO_FIRST;
    else if (wr_sql_p_accept_kw(p, WR_KW_LAST))
        m->skip = WR_SQL_SKIP_TO_LAST;
    else
        m->skip = WR_SQL_SKIP_TO_LAST; /* SKIP TO var means SKIP TO LAST var */
    m->skip_var = alloc_ident(p, wr_sql_p_ident(p, "a pattern variable"));
}

/* input MATCH_RECOGNIZE ( ... ); MATCH_RECOGNIZE is current. */
static wr_sql_from *match_recognize(wr_sql_parser *p, wr_sql_from *input)
{
    wr_sql_from *f = wr_sql_p_alloc(p, sizeof *f);
    f->kind = WR_SQL_FROM_MATCH;
    f->pos = input->pos;
    wr_sql_match_recognize *m = &f->match;
    m->input = input;
    wr_sql_p_next(p);
    wr_sql_p_expect(p, WR_TK_LPAREN);
    if (wr_sql_p_accept_kw(p, WR_KW_PARTITION)) {
        wr_sql_p_expect_kw(p, WR_KW_BY);
        uint32_t cap = 0;
        do {
            WR_SQL_PUSH(p, m->partition_by, m->npartition_by, cap, wr_sql_p_expr(p));
        } while (wr_sql_p_accept(p, WR_TK_COMMA));
    }
    if (wr_sql_p_accept_kw(p, WR_KW_ORDER)) {
        wr_sql_p_expect_kw(p, WR_KW_BY);
        wr_sql_p_order_by(p, &m->order_by, &m->norder_by);
    }
    if (wr_sql_p_accept_kw(p, WR_KW_MEASURES)) measures(p, m);
    if (wr_sql_p_accept_kw(p, WR_KW_ONE)) {
        wr_sql_p_expect_kw(p, WR_KW_ROW);
        wr_sql_p_expect_kw(p, WR_KW_PER);
        wr_sql_p_expect_kw(p, WR_KW_MATCH);
        m->rows_per_match = WR_SQL_ONE_ROW_PER_MATCH;
    } else if (wr_sql_p_accept_kw(p, WR_KW_ALL)) {
        wr_sql_p_expect_kw(p, WR_KW_ROWS);
        wr_sql_p_expect_kw(p, WR_KW_PER);
        wr_sql_p_expect_kw(p, WR_KW_MATCH);
        m->rows_per_match = WR_SQL_ALL_ROWS_PER_MATCH;
    }
    if (wr_sql_p_accept_kw(p, WR_KW_AFTER)) after_match(p, m);
    wr_sql_p_expect_kw(p, WR_KW_PATTERN);
    wr_sql_p_expect(p, WR_TK_LPAREN);
    m->pattern = pattern_alt(p);
    wr_sql_p_expect(p, WR_TK_RPAREN);
    if (wr_sql_p_accept_kw(p, WR_KW_WITHIN)) m->within = wr_sql_p_expr_additive(p);
    if (wr_sql_p_is_kw(p, WR_KW_SUBSET)) wr_sql_p_unsupported(p, wr_sql_p_pos(p), "SUBSET");
    wr_sql_p_expect_kw(p, WR_KW_DEFINE);
    uint32_t cap = 0;
    do {
        wr_sql_define d = {0};
        d.var = wr_sql_p_ident(p, "a pattern variable");
        wr_sql_p_expect_kw(p, WR_KW_AS);
        d.cond = wr_sql_p_expr(p);
        WR_SQL_PUSH(p, m->defines, m->ndefines, cap, d);
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
    wr_sql_p_expect(p, WR_TK_RPAREN);
    return f;
}

/* ------------------------------------------------------------------------------------------
 * FROM
 * ---------------------------------------------------------------------------------------- */

static wr_sql_from *from_item(wr_sql_parser *p);

static wr_sql_from *new_from(wr_sql_parser *p, wr_sql_from_kind kind, wr_sql_pos pos)
{
    wr_sql_from *f = wr_sql_p_alloc(p, sizeof *f);
    f->kind = kind;
    f->pos = pos;
    return f;
}

/* TABLE(f(...)) and LATERAL TABLE(f(...)); TABLE is current. */
static wr_sql_from *wrapped_function(wr_sql_parser *p, wr_sql_pos pos, bool lateral)
{
    wr_sql_p_expect_kw(p, WR_KW_TABLE);
    wr_sql_p_expect(p, WR_TK_LPAREN);
    wr_sql_from *f = new_from(p, WR_SQL_FROM_FUNCTION, pos);
    f->func.table_wrapped = true;
    f->func.lateral = lateral;
    wr_sql_pos cpos = wr_sql_p_pos(p);
    if (!wr_sql_p_at(p, WR_TK_QIDENT) && !wr_sql_p_at(p, WR_TK_IDENT))
        wr_sql_p_fail_expected(p, "a table function call");
    wr_sql_name name = wr_sql_p_name(p, "a table function name");
    if (!wr_sql_p_at(p, WR_TK_LPAREN)) wr_sql_p_fail_expected(p, "'(' of the table function call");
    f->func.call = wr_sql_p_call(p, name, cpos);
    wr_sql_p_expect(p, WR_TK_RPAREN);
    return f;
}

static wr_sql_from *from_primary(wr_sql_parser *p)
{
    wr_sql_p_enter(p);
    wr_sql_pos pos = wr_sql_p_pos(p);
    wr_sql_from *f = NULL;
    bool can_alias = true;
    if (wr_sql_p_accept_kw(p, WR_KW_LATERAL)) {
        if (wr_sql_p_is_kw(p, WR_KW_TABLE)) {
            f = wrapped_function(p, pos, true);
        } else if (wr_sql_p_accept(p, WR_TK_LPAREN)) {
            if (!wr_sql_p_at_query_start(p)) wr_sql_p_fail_expected(p, "a subquery");
            f = new_from(p, WR_SQL_FROM_SUBQUERY, pos);
            f->subquery.lateral = true;
            f->subquery.query = wr_sql_p_query(p);
            wr_sql_p_expect(p, WR_TK_RPAREN);
        } else {
            wr_sql_p_fail_expected(p, "TABLE(...) or a subquery after LATERAL");
        }
    } else if (wr_sql_p_is_kw(p, WR_KW_TABLE) && wr_sql_p_ahead_is(p, 1, WR_TK_LPAREN)) {
        f = wrapped_function(p, pos, false);
    } else if (wr_sql_p_is_kw(p, WR_KW_UNNEST)) {
        wr_sql_p_next(p);
        f = new_from(p, WR_SQL_FROM_UNNEST, pos);
        wr_sql_p_expect(p, WR_TK_LPAREN);
        uint32_t cap = 0;
        do {
            WR_SQL_PUSH(p, f->unnest.args, f->unnest.nargs, cap, wr_sql_p_expr(p));
        } while (wr_sql_p_accept(p, WR_TK_COMMA));
        wr_sql_p_expect(p, WR_TK_RPAREN);
        if (wr_sql_p_is_kw(p, WR_KW_WITH) && wr_sql_p_ahead_kw(p, 1, WR_KW_ORDINALITY)) {
            wr_sql_p_next(p);
            wr_sql_p_next(p);
            f->unnest.with_ordinality = true;
        }
    } else if (wr_sql_p_at(p, WR_TK_LPAREN)) {
        if (wr_sql_p_paren_query_at(p, 0)) {
            /* The parentheses are ours: a LIMIT after them belongs to the outer query. */
            wr_sql_p_next(p);
            f = new_from(p, WR_SQL_FROM_SUBQUERY, pos);
            f->subquery.query = wr_sql_p_query(p);
            wr_sql_p_expect(p, WR_TK_RPAREN);
        } else {
            wr_sql_p_next(p);
            f = from_item(p);
            wr_sql_p_expect(p, WR_TK_RPAREN);
            can_alias = f->kind != WR_SQL_FROM_JOIN;
        }
    } else if (wr_sql_p_at_ident(p)) {
        wr_sql_name name = wr_sql_p_name(p, "a table name");
        if (wr_sql_p_at(p, WR_TK_LPAREN)) {
            f = new_from(p, WR_SQL_FROM_FUNCTION, pos);
            f->func.call = wr_sql_p_call(p, name, pos);
        } else {
            f = new_from(p, WR_SQL_FROM_TABLE, pos);
            f->table.name = name;
            wr_sql_p_hints(p, &f->table.hints, &f->table.nhints);
            if (wr_sql_p_is_kw(p, WR_KW_FOR)) {
                wr_sql_p_next(p);
                wr_sql_p_expect_kw(p, WR_KW_SYSTEM_TIME);
                wr_sql_p_expect_kw(p, WR_KW_AS);
                wr_sql_p_expect_kw(p, WR_KW_OF);
                f->table.system_time = wr_sql_p_expr_additive(p);
            }
        }
    } else {
        wr_sql_p_fail_expected(p, "a table name, subquery or table function");
    }
    wr_sql_p_finish_from(p, f);
    if (wr_sql_p_is_kw(p, WR_KW_MATCH_RECOGNIZE)) {
        f = match_recognize(p, f);
        wr_sql_p_finish_from(p, f);
    }
    if (can_alias) {
        f->alias = opt_alias(p);
        if (f->alias && wr_sql_p_at(p, WR_TK_LPAREN))
            wr_sql_p_ident_list(p, &f->col_aliases, &f->ncol_aliases, "a column alias");
        f->end = wr_sql_p_end(p);
    }
    wr_sql_p_leave(p);
    return f;
}

static bool join_kind(wr_sql_parser *p, wr_sql_join_kind *kind, bool *outer)
{
    *outer = false;
    if (wr_sql_p_accept_kw(p, WR_KW_JOIN)) {
        *kind = WR_SQL_JOIN_INNER;
        return true;
    }
    if (wr_sql_p_accept_kw(p, WR_KW_INNER)) {
        *kind = WR_SQL_JOIN_INNER;
    } else if (wr_sql_p_accept_kw(p, WR_KW_CROSS)) {
        *kind = WR_SQL_JOIN_CROSS;
    } else if (wr_sql_p_is_kw(p, WR_KW_LEFT) || wr_sql_p_is_kw(p, WR_KW_RIGHT) ||
               wr_sql_p_is_kw(p, WR_KW_FULL)) {
        wr_sql_kw kw = (wr_sql_kw)wr_sql_p_next(p)->kw;
        *kind = kw == WR_KW_LEFT    ? WR_SQL_JOIN_LEFT
                : kw == WR_KW_RIGHT ? WR_SQL_JOIN_RIGHT
                                    : WR_SQL_JOIN_FULL;
        *outer = wr_sql_p_accept_kw(p, WR_KW_OUTER);
    } else {
        return false;
    }
    wr_sql_p_expect_kw(p, WR_KW_JOIN);
    return true;
}

/* Joins and commas chain left-deep in the order written, as in Flink (Calcite): in
 * FROM a, b LEFT JOIN c ON a.x = c.x the join's left input is (a, b). */
static wr_sql_from *from_item(wr_sql_parser *p)
{
    wr_sql_from *left = from_primary(p);
    for (;;) {
        if (wr_sql_p_accept(p, WR_TK_COMMA)) {
            wr_sql_from *j = new_from(p, WR_SQL_FROM_JOIN, left->pos);
            j->join.kind = WR_SQL_JOIN_COMMA;
            j->join.left = left;
            j->join.right = from_primary(p);
            wr_sql_p_finish_from(p, j);
            left = j;
            continue;
        }
        bool natural = wr_sql_p_accept_kw(p, WR_KW_NATURAL);
        wr_sql_join_kind kind;
        bool outer;
        if (!join_kind(p, &kind, &outer)) {
            if (natural) wr_sql_p_fail_expected(p, "JOIN");
            return left;
        }
        wr_sql_from *j = new_from(p, WR_SQL_FROM_JOIN, left->pos);
        j->join.kind = kind;
        j->join.natural = natural;
        j->join.outer_written = outer;
        j->join.left = left;
        j->join.right = from_primary(p);
        if (wr_sql_p_accept_kw(p, WR_KW_ON)) {
            j->join.on = wr_sql_p_expr(p);
        } else if (wr_sql_p_accept_kw(p, WR_KW_USING)) {
            wr_sql_p_ident_list(p, &j->join.using_cols, &j->join.nusing, "a column name");
        } else if (kind != WR_SQL_JOIN_CROSS && !natural) {
            wr_sql_p_fail_expected(p, "ON or USING");
        }
        wr_sql_p_finish_from(p, j);
        left = j;
    }
}

/* ------------------------------------------------------------------------------------------
 * SELECT
 * ---------------------------------------------------------------------------------------- */

/* * or name.name.* */
static bool star_ahead(const wr_sql_parser *p, uint32_t *nparts)
{
    uint32_t k = 0, n = 0;
    for (;;) {
        const wr_sql_token *t = wr_sql_p_ahead(p, k);
        if (t->kind == WR_TK_STAR) {
            *nparts = n;
            return true;
        }
        if (t->kind != WR_TK_QIDENT && (t->kind != WR_TK_IDENT || wr_sql_kw_reserved(t->kw)))
            return false;
        if (!wr_sql_p_ahead_is(p, k + 1, WR_TK_DOT)) return false;
        k += 2;
        n++;
    }
}

static wr_sql_select_item select_item(wr_sql_parser *p)
{
    wr_sql_select_item it = {.pos = wr_sql_p_pos(p)};
    uint32_t nparts;
    if (star_ahead(p, &nparts)) {
        wr_sql_expr *e = wr_sql_p_new_expr(p, WR_SQL_E_STAR, it.pos);
        uint32_t cap = 0;
        for (uint32_t i = 0; i < nparts; i++) {
            WR_SQL_PUSH(p, e->star.qualifier.parts, e->star.qualifier.nparts, cap,
                        wr_sql_p_ident_of(p, wr_sql_p_next(p)));
            wr_sql_p_next(p); /* . */
        }
        wr_sql_p_next(p); /* * */
        it.expr = wr_sql_p_finish_expr(p, e);
        return it;
    }
    it.expr = wr_sql_p_expr(p);
    it.alias = opt_alias(p);
    return it;
}

static wr_sql_group_item group_element(wr_sql_parser *p);

static void group_list(wr_sql_parser *p, wr_sql_group_item **out, uint32_t *n)
{
    uint32_t cap = 0;
    do {
        WR_SQL_PUSH(p, *out, *n, cap, group_element(p));
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
}

static wr_sql_group_item group_element(wr_sql_parser *p)
{
    wr_sql_group_item g = {.pos = wr_sql_p_pos(p)};
    wr_sql_p_enter(p);
    if (wr_sql_p_is_kw(p, WR_KW_GROUPING) && wr_sql_p_ahead_kw(p, 1, WR_KW_SETS)) {
        wr_sql_p_next(p);
        wr_sql_p_next(p);
        g.kind = WR_SQL_GROUP_GROUPING_SETS;
    } else if ((wr_sql_p_is_kw(p, WR_KW_ROLLUP) || wr_sql_p_is_kw(p, WR_KW_CUBE)) &&
               wr_sql_p_ahead_is(p, 1, WR_TK_LPAREN)) {
        g.kind = wr_sql_p_next(p)->kw == WR_KW_ROLLUP ? WR_SQL_GROUP_ROLLUP : WR_SQL_GROUP_CUBE;
    } else if (wr_sql_p_at(p, WR_TK_LPAREN) && wr_sql_p_ahead_is(p, 1, WR_TK_RPAREN)) {
        wr_sql_p_next(p);
        wr_sql_p_next(p);
        g.kind = WR_SQL_GROUP_EMPTY;
        wr_sql_p_leave(p);
        return g;
    } else {
        g.kind = WR_SQL_GROUP_EXPR;
        g.expr = wr_sql_p_expr(p);
        /* (a, b): a list of expressions (a grouping set inside GROUPING SETS). */
        if (g.expr->kind == WR_SQL_E_ROW && g.expr->list.implicit) {
            wr_sql_expr *row = g.expr;
            g.kind = WR_SQL_GROUP_LIST;
            g.expr = NULL;
            g.items = wr_sql_p_alloc(p, sizeof *g.items * row->list.nitems);
            g.nitems = row->list.nitems;
            for (uint32_t i = 0; i < row->list.nitems; i++)
                g.items[i] = (wr_sql_group_item){.kind = WR_SQL_GROUP_EXPR,
                                                 .pos = row->list.items[i]->pos,
                                                 .expr = row->list.items[i]};
        }
        wr_sql_p_leave(p);
        return g;
    }
    wr_sql_p_expect(p, WR_TK_LPAREN);
    group_list(p, &g.items, &g.nitems);
    wr_sql_p_expect(p, WR_TK_RPAREN);
    wr_sql_p_leave(p);
    return g;
}

static wr_sql_query *select_query(wr_sql_parser *p)
{
    wr_sql_query *q = wr_sql_p_alloc(p, sizeof *q);
    q->kind = WR_SQL_Q_SELECT;
    q->pos = wr_sql_p_pos(p);
    wr_sql_select *s = &q->select;
    wr_sql_p_expect_kw(p, WR_KW_SELECT);
    wr_sql_p_hints(p, &s->hints, &s->nhints);
    if (wr_sql_p_accept_kw(p, WR_KW_DISTINCT))
        s->distinct = true;
    else if (wr_sql_p_accept_kw(p, WR_KW_ALL))
        s->all_written = true;
    uint32_t cap = 0;
    do {
        WR_SQL_PUSH(p, s->items, s->nitems, cap, select_item(p));
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
    if (wr_sql_p_accept_kw(p, WR_KW_FROM)) s->from = from_item(p);
    if (wr_sql_p_accept_kw(p, WR_KW_WHERE)) s->where = wr_sql_p_expr(p);
    if (wr_sql_p_accept_kw(p, WR_KW_GROUP)) {
        wr_sql_p_expect_kw(p, WR_KW_BY);
        group_list(p, &s->group_by, &s->ngroup_by);
    }
    if (wr_sql_p_accept_kw(p, WR_KW_HAVING)) s->having = wr_sql_p_expr(p);
    if (wr_sql_p_accept_kw(p, WR_KW_WINDOW)) {
        uint32_t wcap = 0;
        do {
            wr_sql_pos wpos = wr_sql_p_pos(p);
            wr_sql_ident name = wr_sql_p_ident(p, "a window name");
            wr_sql_p_expect_kw(p, WR_KW_AS);
            wr_sql_p_expect(p, WR_TK_LPAREN);
            wr_sql_window *w = wr_sql_p_window_spec(p, wpos);
            w->name = alloc_ident(p, name);
            WR_SQL_PUSH(p, s->windows, s->nwindows, wcap, w);
        } while (wr_sql_p_accept(p, WR_TK_COMMA));
    }
    wr_sql_p_finish_query(p, q);
    return q;
}

static wr_sql_query *values_query(wr_sql_parser *p)
{
    wr_sql_query *q = wr_sql_p_alloc(p, sizeof *q);
    q->kind = WR_SQL_Q_VALUES;
    q->pos = wr_sql_p_pos(p);
    wr_sql_p_expect_kw(p, WR_KW_VALUES);
    uint32_t cap = 0;
    do {
        wr_sql_pos rpos = wr_sql_p_pos(p);
        wr_sql_expr *e = wr_sql_p_expr(p);
        /* Every row is a ROW: VALUES (1, 2) and VALUES 1 alike. */
        if (e->kind != WR_SQL_E_ROW || !e->list.implicit) {
            wr_sql_expr *row = wr_sql_p_new_expr(p, WR_SQL_E_ROW, rpos);
            row->list.implicit = true;
            row->list.items = wr_sql_p_alloc(p, sizeof *row->list.items);
            row->list.items[0] = e;
            row->list.nitems = 1;
            e = wr_sql_p_finish_expr(p, row);
        }
        WR_SQL_PUSH(p, q->values.rows, q->values.nrows, cap, e);
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
    wr_sql_p_finish_query(p, q);
    return q;
}

static wr_sql_query *query_primary(wr_sql_parser *p)
{
    if (wr_sql_p_is_kw(p, WR_KW_SELECT)) return select_query(p);
    if (wr_sql_p_is_kw(p, WR_KW_VALUES)) return values_query(p);
    if (wr_sql_p_accept(p, WR_TK_LPAREN)) {
        wr_sql_query *q = wr_sql_p_query(p);
        wr_sql_p_expect(p, WR_TK_RPAREN);
        return q;
    }
    wr_sql_p_fail_expected(p, "SELECT, VALUES or '('");
}

static wr_sql_query *setop(wr_sql_parser *p, wr_sql_setop op, wr_sql_query *left)
{
    wr_sql_query *q = wr_sql_p_alloc(p, sizeof *q);
    q->kind = WR_SQL_Q_SETOP;
    q->pos = left->pos;
    q->setop.op = op;
    q->setop.left = left;
    if (wr_sql_p_accept_kw(p, WR_KW_ALL))
        q->setop.all = true;
    else if (wr_sql_p_accept_kw(p, WR_KW_DISTINCT))
        q->setop.distinct = true;
    return q;
}

static wr_sql_query *query_term(wr_sql_parser *p)
{
    wr_sql_query *left = query_primary(p);
    while (wr_sql_p_accept_kw(p, WR_KW_INTERSECT)) {
        wr_sql_query *q = setop(p, WR_SQL_SET_INTERSECT, left);
        q->setop.right = query_primary(p);
        wr_sql_p_finish_query(p, q);
        left = q;
    }
    return left;
}

static wr_sql_query *query_body(wr_sql_parser *p)
{
    wr_sql_query *left = query_term(p);
    for (;;) {
        wr_sql_setop op;
        if (wr_sql_p_accept_kw(p, WR_KW_UNION))
            op = WR_SQL_SET_UNION;
        else if (wr_sql_p_accept_kw(p, WR_KW_EXCEPT) || wr_sql_p_accept_kw(p, WR_KW_MINUS))
            op = WR_SQL_SET_EXCEPT;
        else
            return left;
        wr_sql_query *q = setop(p, op, left);
        q->setop.right = query_term(p);
        wr_sql_p_finish_query(p, q);
        left = q;
    }
}

static void with_clause(wr_sql_parser *p, wr_sql_cte **out, uint32_t *n)
{
    uint32_t cap = 0;
    if (wr_sql_p_at(p, WR_TK_IDENT) && wr_sql_p_tok(p)->len == 9 &&
        strncasecmp(p->text + wr_sql_p_pos(p).offset, "RECURSIVE", 9) == 0)
        wr_sql_p_unsupported(p, wr_sql_p_pos(p), "WITH RECURSIVE");
    do {
        wr_sql_cte c = {.pos = wr_sql_p_pos(p)};
        c.name = wr_sql_p_ident(p, "a name for the WITH query");
        if (wr_sql_p_at(p, WR_TK_LPAREN))
            wr_sql_p_ident_list(p, &c.cols, &c.ncols, "a column name");
        wr_sql_p_expect_kw(p, WR_KW_AS);
        wr_sql_p_expect(p, WR_TK_LPAREN);
        c.query = wr_sql_p_query(p);
        wr_sql_p_expect(p, WR_TK_RPAREN);
        WR_SQL_PUSH(p, *out, *n, cap, c);
    } while (wr_sql_p_accept(p, WR_TK_COMMA));
}

static bool has_tail(const wr_sql_query *q)
{
    return q->norder_by || q->limit || q->offset;
}

/* A row count for LIMIT, OFFSET and FETCH. */
static wr_sql_expr *count_expr(wr_sql_parser *p)
{
    return wr_sql_p_expr_additive(p);
}

wr_sql_query *wr_sql_p_query(wr_sql_parser *p)
{
    wr_sql_p_enter(p);
    wr_sql_pos pos = wr_sql_p_pos(p);
    wr_sql_cte *with = NULL;
    uint32_t nwith = 0;
    if (wr_sql_p_accept_kw(p, WR_KW_WITH)) with_clause(p, &with, &nwith);
    wr_sql_query *q = query_body(p);
    if (nwith) {
        if (q->nwith) {
            /* WITH a AS (..) (WITH b AS (..) SELECT ...): keep both, outer first. */
            wr_sql_cte *all = wr_sql_p_alloc(p, sizeof *all * (nwith + q->nwith));
            memcpy(all, with, sizeof *all * nwith);
            memcpy(all + nwith, q->with, sizeof *all * q->nwith);
            with = all;
            nwith += q->nwith;
        }
        q->with = with;
        q->nwith = nwith;
        q->pos = pos;
    }
    wr_sql_pos tail = wr_sql_p_pos(p);
    bool tail_written = false;
    if (wr_sql_p_is_kw(p, WR_KW_ORDER)) {
        wr_sql_order_item *items;
        uint32_t n;
        tail_written = true;
        if (has_tail(q))
            wr_sql_p_fail(p, WR_EPARSE, tail,
                          "syntax error: this query already has ORDER BY, LIMIT or OFFSET; put "
                          "it in parentheses to add another");
        wr_sql_p_next(p);
        wr_sql_p_expect_kw(p, WR_KW_BY);
        wr_sql_p_order_by(p, &items, &n);
        q->order_by = items;
        q->norder_by = n;
    }
    if (!tail_written && has_tail(q) &&
        (wr_sql_p_is_kw(p, WR_KW_LIMIT) || wr_sql_p_is_kw(p, WR_KW_OFFSET) ||
         wr_sql_p_is_kw(p, WR_KW_FETCH)))
        wr_sql_p_fail(p, WR_EPARSE, tail,
                      "syntax error: this query already has ORDER BY, LIMIT or OFFSET; put it "
                      "in parentheses to add another");
    if (wr_sql_p_accept_kw(p, WR_KW_LIMIT)) {
        q->limit = count_expr(p);
        if (wr_sql_p_accept_kw(p, WR_KW_OFFSET)) q->offset = count_expr(p);
    } else {
        if (wr_sql_p_accept_kw(p, WR_KW_OFFSET)) {
            q->offset = count_expr(p);
            if (!wr_sql_p_accept_kw(p, WR_KW_ROWS)) wr_sql_p_accept_kw(p, WR_KW_ROW);
        }
        if (wr_sql_p_accept_kw(p, WR_KW_FETCH)) {
            if (!wr_sql_p_accept_kw(p, WR_KW_FIRST)) wr_sql_p_expect_kw(p, WR_KW_NEXT);
            q->limit = count_expr(p);
            q->fetch = true;
            if (!wr_sql_p_accept_kw(p, WR_KW_ROWS)) wr_sql_p_expect_kw(p, WR_KW_ROW);
            wr_sql_p_expect_kw(p, WR_KW_ONLY);
        }
    }
    wr_sql_p_finish_query(p, q);
    wr_sql_p_leave(p);
    return q;
}
