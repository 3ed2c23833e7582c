/* test_sql_lex.c - the SQL lexer: token kinds and their positions (line, and column in
 * UTF-8 code points), comments, hint comments, quoted identifiers and strings with their
 * escapes, numbers, operators, lexical errors, and the keyword table (sorted, looked up in
 * any case, reserved words). */
#include "test_sql_util.h"
#include "sql/sql_internal.h"

typedef struct lexed {
    wr_sql_parser p;
    wr_arena a;
} lexed;

static lexed *lex(const char *text)
{
    static lexed lx;
    wr_free(lx.p.toks);
    wr_free(lx.p.errs);
    wr_arena_destroy(&lx.a);
    memset(&lx, 0, sizeof lx);
    wr_arena_init(&lx.a, 4096, NULL);
    lx.p.a = &lx.a;
    lx.p.text = text;
    lx.p.len = (uint32_t)strlen(text);
    lx.p.file = "l.sql";
    assert_int_equal(wr_sql_lex(&lx.p), 0);
    return &lx;
}

static void lex_free(void)
{
    lexed *lx = lex("");
    wr_free(lx->p.toks);
    wr_free(lx->p.errs);
    wr_arena_destroy(&lx->a);
    memset(lx, 0, sizeof *lx);
}

static void check_tokens(const char *text, const wr_sql_tk *kinds, size_t n)
{
    lexed *lx = lex(text);
    assert_int_equal(lx->p.nerrs, 0);
    assert_int_equal(lx->p.ntoks, n + 1);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(lx->p.toks[i].kind, kinds[i]);
    assert_int_equal(lx->p.toks[n].kind, WR_TK_EOF);
}

static void test_keywords(void **state)
{
    (void)state;
    for (int k = 2; k < WR_KW__COUNT; k++)
        assert_true(strcmp(wr_sql_kw_name((wr_sql_kw)(k - 1)), wr_sql_kw_name((wr_sql_kw)k)) < 0);
    for (int k = 1; k < WR_KW__COUNT; k++) {
        const char *name = wr_sql_kw_name((wr_sql_kw)k);
        assert_int_equal(wr_sql_kw_lookup(name, strlen(name)), k);
    }
    assert_int_equal(wr_sql_kw_lookup("select", 6), WR_KW_SELECT);
    assert_int_equal(wr_sql_kw_lookup("SeLeCt", 6), WR_KW_SELECT);
    assert_int_equal(wr_sql_kw_lookup("selectx", 6), WR_KW_SELECT);
    assert_int_equal(wr_sql_kw_lookup("selectx", 7), WR_KW_NONE);
    assert_int_equal(wr_sql_kw_lookup("", 0), WR_KW_NONE);
    assert_true(wr_sql_kw_reserved(WR_KW_FROM));
    assert_false(wr_sql_kw_reserved(WR_KW_WATERMARK));
    assert_true(wr_sql_is_reserved("offset", 6));
    assert_false(wr_sql_is_reserved("timestamp", 9));
    assert_false(wr_sql_is_reserved("user", 4));
    assert_false(wr_sql_is_reserved("value", 5));
    assert_false(wr_sql_is_reserved("name", 4));
}

static void test_tokens(void **state)
{
    (void)state;
    static const wr_sql_tk ops[] = {
        WR_TK_PLUS,     WR_TK_MINUS,    WR_TK_STAR,   WR_TK_SLASH,  WR_TK_PERCENT,  WR_TK_CONCAT,
        WR_TK_EQ,       WR_TK_NE,       WR_TK_NE,     WR_TK_LT,     WR_TK_LE,       WR_TK_GT,
        WR_TK_GE,       WR_TK_LPAREN,   WR_TK_RPAREN, WR_TK_COMMA,  WR_TK_DOT,      WR_TK_SEMI,
        WR_TK_LBRACKET, WR_TK_RBRACKET, WR_TK_ARROW,  WR_TK_DCOLON, WR_TK_QUESTION, WR_TK_LBRACE,
        WR_TK_RBRACE,   WR_TK_PIPE,     WR_TK_CARET,  WR_TK_DOLLAR,
    };
    check_tokens("+ - * / % || = <> != < <= > >= ( ) , . ; [ ] => :: ? { } | ^ $", ops,
                 WR_ARRAY_LEN(ops));
    static const wr_sql_tk lits[] = {
        WR_TK_INTEGER, WR_TK_DECIMAL, WR_TK_DECIMAL, WR_TK_DECIMAL, WR_TK_APPROX,
        WR_TK_APPROX,  WR_TK_APPROX,  WR_TK_STRING,  WR_TK_STRING,  WR_TK_USTRING,
        WR_TK_BSTRING, WR_TK_QIDENT,  WR_TK_IDENT,   WR_TK_IDENT,
    };
    check_tokens("42 1.5 .5 7. 1e3 2.5E-3 .1e+2 'a''b' N'n' U&'\\0041' X'FF' `a``b` abc_1$ ü_x",
                 lits, WR_ARRAY_LEN(lits));
    /* a.b is three tokens; 1.5 is one; t.1 is not a decimal. */
    static const wr_sql_tk dotted[] = {WR_TK_IDENT, WR_TK_DOT, WR_TK_IDENT};
    check_tokens("a.b", dotted, 3);
    lexed *lx = lex("SELECT select Select");
    for (int i = 0; i < 3; i++) {
        assert_int_equal(lx->p.toks[i].kind, WR_TK_IDENT);
        assert_int_equal(lx->p.toks[i].kw, WR_KW_SELECT);
    }
    lx = lex("`select`");
    assert_int_equal(lx->p.toks[0].kind, WR_TK_QIDENT);
    assert_int_equal(lx->p.toks[0].kw, WR_KW_NONE);
}

static void test_positions(void **state)
{
    (void)state;
    lexed *lx = lex("SELECT\n  'ü€', x -- c\r\n\t/* a\nb */ y");
    const wr_sql_token *t = lx->p.toks;
    assert_int_equal(lx->p.ntoks, 6);
    assert_int_equal(t[0].pos.line, 1);
    assert_int_equal(t[0].pos.col, 1);
    assert_int_equal(t[0].len, 6);
    assert_int_equal(t[1].kind, WR_TK_STRING);
    assert_int_equal(t[1].pos.line, 2);
    assert_int_equal(t[1].pos.col, 3);
    assert_int_equal(t[1].pos.offset, 9);
    assert_int_equal(t[1].len, 7); /* bytes */
    assert_int_equal(t[2].kind, WR_TK_COMMA);
    assert_int_equal(t[2].pos.col, 7); /* code points: ' ü € ' are 4 */
    assert_int_equal(t[3].pos.col, 9);
    assert_int_equal(t[4].kind, WR_TK_IDENT);
    assert_int_equal(t[4].pos.line, 4);
    assert_int_equal(t[4].pos.col, 6);
    assert_int_equal(t[5].kind, WR_TK_EOF);
    assert_int_equal(t[5].pos.offset, strlen("SELECT\n  'ü€', x -- c\r\n\t/* a\nb */ y"));
}

static void test_comments_and_hints(void **state)
{
    (void)state;
    static const wr_sql_tk hint[] = {WR_TK_IDENT,    WR_TK_HINT_START, WR_TK_IDENT,  WR_TK_LPAREN,
                                     WR_TK_STRING,   WR_TK_EQ,         WR_TK_STRING, WR_TK_RPAREN,
                                     WR_TK_HINT_END, WR_TK_IDENT};
    check_tokens("t /*+ OPTIONS('a'='b') */ x", hint, WR_ARRAY_LEN(hint));
    static const wr_sql_tk plain[] = {WR_TK_IDENT, WR_TK_STAR, WR_TK_SLASH, WR_TK_IDENT};
    check_tokens("a /* x */ -- y\n * /**/ / b", plain, WR_ARRAY_LEN(plain));
    static const wr_sql_tk nothing[] = {WR_TK_EOF};
    check_tokens("-- only", nothing, 0);
    (void)nothing;
    check_tokens("/* only */", NULL, 0);
    /* The '--' of a comment inside a string is text. */
    lexed *lx = lex("'--x' /* '-- */");
    assert_int_equal(lx->p.ntoks, 2);
    assert_int_equal(lx->p.toks[0].kind, WR_TK_STRING);
}

static void test_lex_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *err;
    } cases[] = {
        {"SELECT 'abc", "q.sql:1:8: unterminated string literal\n"},
        {"SELECT `abc", "q.sql:1:8: unterminated quoted identifier\n"},
        {"SELECT ``", "q.sql:1:8: empty quoted identifier\n"},
        {"SELECT 1 /* abc\n\n", "q.sql:1:10: unterminated comment\n"},
        {"SELECT 1\n  /*+ OPTIONS('a'='b')", "q.sql:2:3: unterminated hint comment\n"},
        {"SELECT /*+ A /*+ B */ */ 1", "q.sql:1:14: hint comments cannot nest\n"},
        {"SELECT \"x\"",
         "q.sql:1:8: double quotes are not used in Flink SQL: write 'text' for a string and "
         "`name` for an identifier\n"},
        {"SELECT 1 # 2", "q.sql:1:10: unexpected character '#'\n"},
        {"SELECT 1 ! 2", "q.sql:1:10: unexpected character '!'\n"},
        {"SELECT a:b", "q.sql:1:9: unexpected character ':'\n"},
        {"SELECT \x01", "q.sql:1:8: unexpected character byte 0x01\n"},
        {"SELECT \xe2\x82 x", "q.sql:1:8: invalid UTF-8 byte 0xE2 in identifier\n"},
        {"SELECT 'a\xff'", "q.sql:1:10: invalid UTF-8 byte 0xFF in string literal\n"},
        {"SELECT a\xc3", "q.sql:1:9: invalid UTF-8 byte 0xC3 in identifier\n"},
        {"SELECT 12abc", "q.sql:1:8: invalid number '12abc'\n"},
        {"SELECT 1.2.3", "q.sql:1:8: invalid number '1.2.3'\n"},
        {"SELECT 1e", "q.sql:1:8: invalid number: exponent has no digits\n"},
        {"SELECT X'ABC'", "q.sql:1:8: invalid binary literal: odd number of hexadecimal digits\n"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++)
        assert_string_equal(sql_errors(cases[i].text), cases[i].err);
    /* A NUL byte: names and strings are C strings after the parser. */
    const char with_nul[] = "SELECT `a\0b`";
    wr_sql_script s;
    wr_arena a;
    wr_arena_init(&a, 1024, NULL);
    assert_int_equal(wr_sql_parse(with_nul, sizeof with_nul - 1, "n.sql", &a, &s), WR_EPARSE);
    assert_string_equal(s.errors[0].msg, "NUL character in quoted identifier");
    assert_int_equal(s.errors[0].pos.col, 10);
    const char nul_outside[] = "SELECT 1\0";
    assert_int_equal(wr_sql_parse(nul_outside, sizeof nul_outside - 1, "n.sql", &a, &s), WR_EPARSE);
    assert_string_equal(s.errors[0].msg, "unexpected character byte 0x00");
    wr_arena_destroy(&a);
}

static void test_identifiers_and_strings(void **state)
{
    (void)state;
    wr_sql_stmt *st =
        sql_stmt_tree("SELECT `we``ird`, `with space`, ünïcödé, `🙂` FROM `db`.`t`");
    const wr_sql_select *s = &st->query.query->select;
    assert_string_equal(s->items[0].expr->column.parts[0].name, "we`ird");
    assert_int_equal(s->items[0].expr->column.parts[0].len, 6);
    assert_string_equal(s->items[1].expr->column.parts[0].name, "with space");
    assert_string_equal(s->items[2].expr->column.parts[0].name, "ünïcödé");
    assert_false(s->items[2].expr->column.parts[0].quoted);
    assert_string_equal(s->items[3].expr->column.parts[0].name, "🙂");
    assert_int_equal(s->items[3].pos.col, 42);
    assert_string_equal(sql_stmt("SELECT `we``ird`, `a b`, ünï FROM `db`.`t`"),
                        "SELECT `we``ird`, `a b`, `ünï` FROM db.t");
    /* Identifiers keep their case; keywords do not care. */
    assert_string_equal(sql_stmt("select MyCol from MyTable"), "SELECT MyCol FROM MyTable");
    /* Strings: '' escapes, newlines kept, adjacent literals joined. */
    assert_string_equal(sql_stmt("SELECT 'a''b', 'line1\nline2', 'x'\n  'y'"),
                        "SELECT 'a''b', 'line1\nline2', 'xy'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keywords),   cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_positions),  cmocka_unit_test(test_comments_and_hints),
        cmocka_unit_test(test_lex_errors), cmocka_unit_test(test_identifiers_and_strings),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    lex_free();
    wr_arena_destroy(&sql_test_arena);
    return rc;
}
