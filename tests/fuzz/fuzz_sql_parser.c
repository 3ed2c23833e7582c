/* fuzz_sql_parser.c - fuzz target for the SQL front end (libFuzzer entry point). Any input
 * must parse without crashing, hanging or leaking, and the result must be consistent: every
 * error has a position inside the text and a message, the return code agrees with the
 * error list, and every statement that parsed prints as SQL that parses again to a tree that
 * prints the same (the canonical form is a fixed point). Reparsing may only fail on the
 * nesting limits, since the canonical form adds parentheses. The same input is also tried
 * as a lone expression and as a data type. Built with -fsanitize=fuzzer,address under
 * clang (-DWEIR_FUZZ=ON), or with fuzz_main.c as a plain replay driver. */
#include "sql/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "fuzz_sql_parser: %s\n--- first:\n%s\n--- second:\n%s\n", what, a ? a : "",
            b ? b : "");
    abort();
}

static void check_errors(const wr_sql_script *s, int rc, size_t size)
{
    if (rc == WR_ENOMEM) return;
    if ((rc == WR_OK) != (s->nerrors == 0)) fail("return code disagrees with errors", "", "");
    for (uint32_t i = 0; i < s->nerrors; i++) {
        const wr_sql_error *e = &s->errors[i];
        if (!e->msg || !e->msg[0]) fail("error without a message", "", "");
        if (e->pos.line < 1 || e->pos.col < 1 || e->pos.offset > size)
            fail("error position out of range", e->msg, "");
        if (i > 0 && s->errors[i - 1].pos.offset > e->pos.offset)
            fail("errors not in source order", e->msg, "");
    }
    if (s->nerrors > WR_SQL_MAX_ERRORS) fail("too many errors kept", "", "");
}

static bool only_limits(const wr_sql_script *s)
{
    for (uint32_t i = 0; i < s->nerrors; i++)
        if (s->errors[i].code != WR_ELIMIT) return false;
    return true;
}

/* Print each statement, parse the text again, print again: the two must be equal. */
static void check_round_trip(const wr_sql_script *s)
{
    wr_buf first, second;
    wr_buf_init(&first);
    wr_buf_init(&second);
    for (uint32_t i = 0; i < s->nstmts; i++) {
        wr_buf_clear(&first);
        if (wr_sql_format_stmt(s->stmts[i], &first) < 0) break;
        wr_arena a;
        wr_arena_init(&a, 4096, NULL);
        wr_sql_script again;
        int rc = wr_sql_parse(first.ptr, first.len, "again.sql", &a, &again);
        if (rc == WR_EPARSE && only_limits(&again)) {
            wr_arena_destroy(&a);
            continue;
        }
        if (rc != WR_OK || again.nstmts != 1) {
            wr_buf msg;
            wr_buf_init(&msg);
            wr_sql_errors_format(&again, &msg);
            fail("canonical SQL does not parse again", first.ptr, msg.ptr);
        }
        wr_buf_clear(&second);
        wr_sql_format_stmt(again.stmts[0], &second);
        if (strcmp(first.ptr, second.ptr) != 0)
            fail("canonical SQL is not a fixed point", first.ptr, second.ptr);
        wr_arena_destroy(&a);
    }
    wr_buf_free(&first);
    wr_buf_free(&second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    wr_arena a;
    wr_arena_init(&a, 4096, NULL);
    wr_sql_script s;
    int rc = wr_sql_parse(text, size, "fuzz.sql", &a, &s);
    check_errors(&s, rc, size);
    check_round_trip(&s);
    wr_buf b;
    wr_buf_init(&b);
    wr_sql_errors_format(&s, &b);
    wr_buf_free(&b);
    wr_arena_reset(&a);

    wr_error err;
    wr_sql_expr *e;
    if (wr_sql_parse_expr(text, size, NULL, &a, &e, &err) == WR_OK) {
        wr_buf_init(&b);
        wr_sql_format_expr(e, &b);
        wr_buf_free(&b);
    } else if (!err.msg[0]) {
        fail("expression error without a message", "", "");
    }
    wr_arena_reset(&a);
    wr_sql_type *t;
    if (wr_sql_parse_type(text, size, NULL, &a, &t, &err) == WR_OK) {
        wr_buf_init(&b);
        wr_sql_format_type(t, &b);
        wr_buf_free(&b);
    }
    wr_arena_destroy(&a);
    return 0;
}
