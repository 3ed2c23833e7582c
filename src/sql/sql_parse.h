/* sql_parse.h - helpers shared by the parser's files (sql_parse.c: statements and the
 * driver; sql_parse_expr.c: expressions, literals, types; sql_parse_query.c: queries and
 * FROM items). Token access, keyword tests that remember what was expected (for "did you
 * mean"), failure by longjmp to the statement being parsed, arena allocation that fails the
 * same way, growable arrays in the arena, and node heights. */
#ifndef WR_SQL_PARSE_H
#define WR_SQL_PARSE_H

#include "sql/sql_internal.h"

/* ---- tokens ---- */
static inline const wr_sql_token *wr_sql_p_tok(const wr_sql_parser *p)
{
    return &p->toks[p->i];
}

/* The token k places ahead (the EOF token past the end). */
static inline const wr_sql_token *wr_sql_p_ahead(const wr_sql_parser *p, uint32_t k)
{
    uint32_t i = p->i + k;
    return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}

static inline bool wr_sql_p_at(const wr_sql_parser *p, wr_sql_tk k)
{
    return p->toks[p->i].kind == k;
}

static inline bool wr_sql_p_ahead_is(const wr_sql_parser *p, uint32_t k, wr_sql_tk kind)
{
    return wr_sql_p_ahead(p, k)->kind == kind;
}

/* Unquoted keyword kw k tokens ahead; does not count as "expected". */
static inline bool wr_sql_p_ahead_kw(const wr_sql_parser *p, uint32_t k, wr_sql_kw kw)
{
    const wr_sql_token *t = wr_sql_p_ahead(p, k);
    return t->kind == WR_TK_IDENT && t->kw == kw;
}

/* Byte offset past the last consumed token. */
static inline uint32_t wr_sql_p_end(const wr_sql_parser *p)
{
    if (p->i == 0) return 0;
    const wr_sql_token *t = &p->toks[p->i - 1];
    return t->pos.offset + t->len;
}

static inline wr_sql_pos wr_sql_p_pos(const wr_sql_parser *p)
{
    return p->toks[p->i].pos;
}

const wr_sql_token *wr_sql_p_next(wr_sql_parser *p);
bool wr_sql_p_is_kw(wr_sql_parser *p, wr_sql_kw kw); /* current token; remembered */
bool wr_sql_p_accept_kw(wr_sql_parser *p, wr_sql_kw kw);
void wr_sql_p_expect_kw(wr_sql_parser *p, wr_sql_kw kw);
bool wr_sql_p_accept(wr_sql_parser *p, wr_sql_tk k);
void wr_sql_p_expect(wr_sql_parser *p, wr_sql_tk k);
/* Can the current token be read as an identifier (back-quoted, or a non-reserved word)? */
bool wr_sql_p_at_ident(const wr_sql_parser *p);
wr_sql_ident wr_sql_p_ident(wr_sql_parser *p, const char *what);
wr_sql_name wr_sql_p_name(wr_sql_parser *p, const char *what);
/* ( ident, ... ) */
void wr_sql_p_ident_list(wr_sql_parser *p, wr_sql_ident **out, uint32_t *n, const char *what);
/* Identifier token i as an ident node (unescaped, in the arena). */
wr_sql_ident wr_sql_p_ident_of(wr_sql_parser *p, const wr_sql_token *t);
/* The unescaped contents of the string token t (plain or N'..'); NUL-terminated. */
char *wr_sql_p_string_of(wr_sql_parser *p, const wr_sql_token *t, uint32_t *len);
/* A string literal where one is required (option keys and values, COMMENT, SET). */
char *wr_sql_p_string(wr_sql_parser *p, const char *what, wr_sql_pos *pos);

/* ---- failure ---- */
_Noreturn void wr_sql_p_fail(wr_sql_parser *p, int code, wr_sql_pos pos, const char *fmt, ...)
    WR_PRINTF(4, 5);
/* "syntax error: expected WHAT but found TOKEN" (+ "did you mean"), at the current token. */
_Noreturn void wr_sql_p_fail_expected(wr_sql_parser *p, const char *what);
/* "X is not supported" at pos (WR_EUNSUPPORTED). */
_Noreturn void wr_sql_p_unsupported(wr_sql_parser *p, wr_sql_pos pos, const char *what);
void wr_sql_p_enter(wr_sql_parser *p);
static inline void wr_sql_p_leave(wr_sql_parser *p)
{
    p->depth--;
}
void wr_sql_p_check_height(wr_sql_parser *p, uint32_t height, wr_sql_pos pos);

/* ---- memory ---- */
void *wr_sql_p_alloc(wr_sql_parser *p, size_t size); /* zeroed */
char *wr_sql_p_strndup(wr_sql_parser *p, const char *s, size_t n);
/* Room for one more element in an arena array (doubling; the old block is abandoned). */
void *wr_sql_p_grow(wr_sql_parser *p, void *arr, uint32_t n, uint32_t *cap, size_t elem);
#define WR_SQL_PUSH(p, arr, n, cap, val)                                                           \
    do {                                                                                           \
        (arr) = wr_sql_p_grow((p), (arr), (n), &(cap), sizeof *(arr));                             \
        (arr)[(n)++] = (val);                                                                      \
    } while (0)

/* ---- node heights ---- */
static inline uint32_t wr_sql_hmax(uint32_t a, uint32_t b)
{
    return a > b ? a : b;
}
uint32_t wr_sql_expr_height(const wr_sql_expr *e);
uint32_t wr_sql_query_height(const wr_sql_query *q);
uint32_t wr_sql_from_height(const wr_sql_from *f);
/* Set e->end (to the last consumed token) and e->height from its children; checks it. */
wr_sql_expr *wr_sql_p_finish_expr(wr_sql_parser *p, wr_sql_expr *e);
void wr_sql_p_finish_query(wr_sql_parser *p, wr_sql_query *q);
void wr_sql_p_finish_from(wr_sql_parser *p, wr_sql_from *f);
wr_sql_expr *wr_sql_p_new_expr(wr_sql_parser *p, wr_sql_expr_kind kind, wr_sql_pos pos);

/* ---- grammar entry points across files ---- */
wr_sql_expr *wr_sql_p_expr(wr_sql_parser *p);
/* An expression of at least additive precedence (no comparisons, AND, OR, NOT): bounds
 * of BETWEEN, LIKE patterns, window frame offsets. */
wr_sql_expr *wr_sql_p_expr_additive(wr_sql_parser *p);
wr_sql_type *wr_sql_p_type(wr_sql_parser *p);
wr_sql_query *wr_sql_p_query(wr_sql_parser *p);
/* Is the token at k a '(' run that opens a query (SELECT, WITH, VALUES)? */
bool wr_sql_p_paren_query_at(const wr_sql_parser *p, uint32_t k);
/* At SELECT, WITH or VALUES? */
bool wr_sql_p_at_query_start(wr_sql_parser *p);
/* The rest of a call f( ... ) after the name: arguments, FILTER, OVER. */
wr_sql_expr *wr_sql_p_call(wr_sql_parser *p, wr_sql_name name, wr_sql_pos pos);
void wr_sql_p_order_by(wr_sql_parser *p, wr_sql_order_item **out, uint32_t *n);
/* Window specification between parentheses (the '(' already consumed, ')' consumed). */
wr_sql_window *wr_sql_p_window_spec(wr_sql_parser *p, wr_sql_pos pos);
/* Zero or more hint comments. */
void wr_sql_p_hints(wr_sql_parser *p, wr_sql_hint **out, uint32_t *n);
wr_sql_unit wr_sql_p_unit_of(const wr_sql_token *t);
/* A string literal option list: ( 'k' = 'v', ... ). */
void wr_sql_p_options(wr_sql_parser *p, wr_sql_option **out, uint32_t *n);

#endif
