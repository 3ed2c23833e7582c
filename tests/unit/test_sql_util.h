/* test_sql_util.h - helpers shared by the SQL front-end tests: parse a statement, an
 * expression or a type and return its canonical SQL text (failing the test on an error), or
 * return the formatted error list of a script; each result is also checked to be a fixed
 * point of print-then-parse. Results live in a static buffer until the next call. */
#ifndef WR_TEST_SQL_UTIL_H
#define WR_TEST_SQL_UTIL_H

#include "testutil.h"
#include "sql/sql.h"

#include <stdio.h>
#include <string.h>

static wr_arena sql_test_arena;
static char sql_test_out[16384];

static inline void sql_test_reset(void)
{
    wr_arena_destroy(&sql_test_arena);
    wr_arena_init(&sql_test_arena, 8192, NULL);
}

static inline const char *sql_test_keep(wr_buf *b)
{
    snprintf(sql_test_out, sizeof sql_test_out, "%s", b->ptr ? b->ptr : "");
    wr_buf_free(b);
    return sql_test_out;
}

static inline wr_sql_script sql_parse(const char *sql)
{
    wr_sql_script s;
    sql_test_reset();
    wr_sql_parse(sql, strlen(sql), "q.sql", &sql_test_arena, &s);
    return s;
}

static inline void sql_print_errors(const wr_sql_script *s)
{
    wr_buf b;
    wr_buf_init(&b);
    wr_sql_errors_format(s, &b);
    if (b.len) fprintf(stderr, "%s", b.ptr);
    wr_buf_free(&b);
}

/* The statement printed, parsed and printed again must give the same text. */
static inline void sql_check_fixed_point(const char *text)
{
    wr_arena a;
    wr_arena_init(&a, 8192, NULL);
    wr_sql_script s;
    int rc = wr_sql_parse(text, strlen(text), "again.sql", &a, &s);
    if (rc != WR_OK) {
        fprintf(stderr, "canonical text does not parse: %s\n", text);
        sql_print_errors(&s);
    }
    assert_int_equal(rc, WR_OK);
    assert_int_equal(s.nstmts, 1);
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_sql_format_stmt(s.stmts[0], &b), 0);
    assert_string_equal(b.ptr, text);
    wr_buf_free(&b);
    wr_arena_destroy(&a);
}

/* Canonical text of the only statement of sql. */
static inline const char *sql_stmt(const char *sql)
{
    wr_sql_script s = sql_parse(sql);
    if (s.nerrors) sql_print_errors(&s);
    assert_int_equal(s.nerrors, 0);
    assert_int_equal(s.nstmts, 1);
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_sql_format_stmt(s.stmts[0], &b), 0);
    sql_check_fixed_point(b.ptr);
    return sql_test_keep(&b);
}

static inline wr_sql_stmt *sql_stmt_tree(const char *sql)
{
    wr_sql_script s = sql_parse(sql);
    if (s.nerrors) sql_print_errors(&s);
    assert_int_equal(s.nerrors, 0);
    assert_int_equal(s.nstmts, 1);
    return s.stmts[0];
}

static inline wr_sql_expr *sql_expr_tree(const char *sql)
{
    wr_sql_expr *e = NULL;
    wr_error err;
    sql_test_reset();
    int rc = wr_sql_parse_expr(sql, strlen(sql), "e.sql", &sql_test_arena, &e, &err);
    if (rc != WR_OK) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, WR_OK);
    return e;
}

/* Canonical text of one expression (checked through SELECT <expr> for the fixed point). */
static inline const char *sql_expr(const char *sql)
{
    wr_sql_expr *e = sql_expr_tree(sql);
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_sql_format_expr(e, &b), 0);
    char stmt[16384];
    snprintf(stmt, sizeof stmt, "SELECT %s", b.ptr);
    sql_check_fixed_point(stmt);
    return sql_test_keep(&b);
}

/* The error of a lone expression ("e.sql:1:5: ..."), or "" when it parses. */
static inline const char *sql_expr_error(const char *sql)
{
    wr_sql_expr *e = NULL;
    wr_error err;
    sql_test_reset();
    int rc = wr_sql_parse_expr(sql, strlen(sql), "e.sql", &sql_test_arena, &e, &err);
    snprintf(sql_test_out, sizeof sql_test_out, "%s", rc == WR_OK ? "" : err.msg);
    return sql_test_out;
}

/* Every error of a script, one per line. */
static inline const char *sql_errors(const char *sql)
{
    wr_sql_script s = sql_parse(sql);
    wr_buf b;
    wr_buf_init(&b);
    wr_sql_errors_format(&s, &b);
    return sql_test_keep(&b);
}

#endif
