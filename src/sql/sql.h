/* sql.h - the SQL front end's parse API: Flink SQL script text in, syntax trees
 * (sql_ast.h) and positioned errors out; printing trees back as SQL; error formatting
 * helpers that the binder and the CLI share so every SQL error reads
 * "FILE:LINE:COL: message".
 *
 * Parsing never crashes, loops or recurses without bound on any input: nesting deeper than
 * WR_SQL_MAX_DEPTH is an error, and after WR_SQL_MAX_ERRORS errors the parser stops. It is
 * reentrant (no global state); one parse uses one arena, from one thread. */
#ifndef WR_SQL_H
#define WR_SQL_H

#include "sql/sql_ast.h"

#define WR_SQL_MAX_DEPTH  256 /* nesting of expressions, queries, types, patterns */
#define WR_SQL_MAX_ERRORS 100 /* errors collected before the parser gives up */

/* One error. msg is the message without the location ("syntax error: expected ')' but
 * found 'FROM'"); wr_sql_error_format adds "FILE:LINE:COL: ". code is WR_EPARSE (syntax),
 * WR_EUNSUPPORTED (valid Flink SQL that weir does not handle: "... is not supported"),
 * WR_ELIMIT (nesting too deep, too many errors) or WR_ENOMEM. */
typedef struct wr_sql_error {
    int code;
    wr_sql_pos pos;
    const char *msg; /* in the arena */
} wr_sql_error;

/* The result of parsing a script. Statements that had errors are left out; the others are
 * all there, so a caller can report every error of a file at once. */
typedef struct wr_sql_script {
    const char *file; /* as given (not copied) */
    const char *text; /* as given (not copied); only wr_sql_source reads it */
    size_t len;
    wr_sql_stmt **stmts;
    uint32_t nstmts;
    wr_sql_error *errors; /* in source order */
    uint32_t nerrors;
} wr_sql_script;

/* Parse a script: statements separated by ';' (the last ';' optional; empty statements
 * are skipped). Trees, strings and errors are allocated in `a`. file names the script in
 * messages (NULL: "<sql>"). Returns WR_OK when there were no errors, WR_EPARSE when there
 * were (out->errors lists them, each with the code above), WR_ENOMEM when the arena ran out
 * (out is then partial). */
int wr_sql_parse(const char *text, size_t len, const char *file, wr_arena *a, wr_sql_script *out);

/* Parse one expression (the whole text must be one expression) or one data type
 * ("DECIMAL(10, 2) NOT NULL", "ROW<a INT, b ARRAY<STRING>>"). On failure *err holds the
 * first error as "FILE:LINE:COL: message" (file NULL: "<sql>"). */
int wr_sql_parse_expr(const char *text, size_t len, const char *file, wr_arena *a,
                      wr_sql_expr **out, wr_error *err);
int wr_sql_parse_type(const char *text, size_t len, const char *file, wr_arena *a,
                      wr_sql_type **out, wr_error *err);

/* ------------------------------------------------------------------------------------------
 * Errors
 * ---------------------------------------------------------------------------------------- */

/* "FILE:LINE:COL: msg" (no newline). */
int wr_sql_error_format(const wr_sql_script *s, const wr_sql_error *e, wr_buf *out);
/* Every error, one per line, each ending in '\n'. */
int wr_sql_errors_format(const wr_sql_script *s, wr_buf *out);
/* Fill *err from the first error of the script (WR_OK and nothing set when there is none):
 * code as the error's, domain USER, message "FILE:LINE:COL: msg". Returns the code. */
int wr_sql_script_error(const wr_sql_script *s, wr_error *err);
/* For the binder and planner: set *err to "FILE:LINE:COL: <fmt...>" with domain USER and
 * return code (file NULL: "<sql>"). */
int wr_sql_error_set(wr_error *err, int code, const char *file, wr_sql_pos pos, const char *fmt,
                     ...) WR_PRINTF(5, 6);

/* The source text of a node: text[pos.offset .. end). */
wr_slice wr_sql_source(const wr_sql_script *s, wr_sql_pos pos, uint32_t end);

/* ------------------------------------------------------------------------------------------
 * Printing trees as SQL. The output is canonical: keywords upper case, every operator
 * application in parentheses ("((a + (b * 2)) > 3)"), identifiers back-quoted only when
 * they need it, literals as Flink writes them (INTERVAL '10' MINUTE, TIMESTAMP '...',
 * DECIMAL digits as written). Parsing the output gives the same tree (modulo positions).
 * Returns 0 or WR_ENOMEM.
 * ---------------------------------------------------------------------------------------- */
int wr_sql_format_expr(const wr_sql_expr *e, wr_buf *out);
int wr_sql_format_query(const wr_sql_query *q, wr_buf *out);
int wr_sql_format_from(const wr_sql_from *f, wr_buf *out);
int wr_sql_format_stmt(const wr_sql_stmt *s, wr_buf *out);
int wr_sql_format_type(const wr_sql_type *t, wr_buf *out);
/* An identifier, back-quoted (with ` doubled) when it is not a plain identifier or is a
 * reserved word. */
int wr_sql_format_ident(const char *name, wr_buf *out);
int wr_sql_format_name(const wr_sql_name *n, wr_buf *out);

/* ------------------------------------------------------------------------------------------
 * Names of things
 * ---------------------------------------------------------------------------------------- */
const char *wr_sql_stmt_kind_name(wr_sql_stmt_kind k); /* "CREATE TABLE", "INSERT", ... */
const char *wr_sql_expr_kind_name(wr_sql_expr_kind k); /* "literal", "column", "call", ... */
const char *wr_sql_from_kind_name(wr_sql_from_kind k); /* "table", "join", ... */
/* Operator spelling, which is also its wr_expr_call name: "+", "<>", "AND", "||",
 * "IS DISTINCT FROM"; unary: "NEG", "+", "NOT", "IS NULL", "IS NOT TRUE", ... */
const char *wr_sql_binop_name(wr_sql_binop op);
const char *wr_sql_unop_name(wr_sql_unop op);
const char *wr_sql_unit_name(wr_sql_unit u);           /* "MINUTE" */
const char *wr_sql_join_kind_name(wr_sql_join_kind k); /* "LEFT JOIN", "," */
/* A JSON function's ON EMPTY / ON ERROR behaviour as written ("EMPTY ARRAY", "DEFAULT");
 * NULL for WR_SQL_JSON_NONE (not written). */
const char *wr_sql_json_behavior_name(wr_sql_json_behavior b);
/* True for words that must be back-quoted to be used as identifiers (SELECT, FROM, ...,
 * and Flink's reserved words such as OFFSET, VALUE, TIMESTAMP when not a type). */
bool wr_sql_is_reserved(const char *word, size_t len);

#endif
