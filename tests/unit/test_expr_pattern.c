/* test_expr_pattern.c - LIKE (fast paths, general matcher, '_' on UTF-8, ESCAPE, patterns
 * that vary per row, invalid escapes) and the REGEXP functions (find semantics, groups,
 * literal replacement, empty matches, invalid patterns giving NULL, per-row patterns). */
#include "test_expr_util.h"

static void like_case(tx *t, const char *s, const char *pat, const char *esc, int want)
{
    wr_expr *args[3] = {lit_s(t, s), lit_s(t, pat), esc ? lit_s(t, esc) : NULL};
    wr_vec *v = eval_e(t, call_v(t, "LIKE", args, esc ? 3 : 2));
    if (want != !!want || !wr_vec_valid(v, 0)) fail_msg("'%s' LIKE '%s': NULL", s, pat);
    wr_value val;
    wr_vec_get(v, 0, &val);
    if (val.b != (want != 0)) fail_msg("'%s' LIKE '%s' should be %d", s, pat, want);
}

static void test_like_constant(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {STR()};
    tx_init(t, 1, ty, 1);
    like_case(t, "abc", "abc", NULL, 1);
    like_case(t, "abc", "ab", NULL, 0);
    like_case(t, "abc", "ab%", NULL, 1);
    like_case(t, "xbc", "ab%", NULL, 0);
    like_case(t, "abc", "%bc", NULL, 1);
    like_case(t, "abd", "%bc", NULL, 0);
    like_case(t, "abc", "%b%", NULL, 1);
    like_case(t, "ac", "%b%", NULL, 0);
    like_case(t, "", "%", NULL, 1);
    like_case(t, "", "_", NULL, 0);
    like_case(t, "héllo", "h_llo", NULL, 1);
    like_case(t, "héllo", "h__llo", NULL, 0);
    like_case(t, "abcabd", "a%b_", NULL, 1);
    like_case(t, "mississippi", "%iss%pi", NULL, 1);
    like_case(t, "mississippi", "m%s%s%s%", NULL, 1);
    like_case(t, "abc", "a%c%", NULL, 1);
    like_case(t, "ab", "a%c", NULL, 0);
    like_case(t, "a_c", "a\\_c", NULL, 1);
    like_case(t, "abc", "a\\_c", NULL, 0);
    like_case(t, "a%c", "a!%c", "!", 1);
    like_case(t, "abc", "a!%c", "!", 0);
    like_case(t, "a\\c", "a\\c", "", 1); /* an empty ESCAPE: no escape character */
    like_case(t, "ABC", "abc", NULL, 0); /* case-sensitive */
    /* a trailing escape is an error */
    wr_expr *e = CALL(t, "LIKE", col(t, 0), lit_s(t, "ab\\"));
    wr_expr_prog *p = NULL;
    assert_int_equal(wr_expr_compile(&e, 1, t->schema, &p, &t->err), WR_EINVAL);
    assert_non_null(strstr(t->err.msg, "invalid escape"));
    tx_free(t);
}

static void test_like_columns(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[2] = {STR(), STR()};
    tx_init(t, 2, ty, 5);
    set_s(t, 0, 0, "apple"), set_s(t, 1, 0, "a%");
    set_s(t, 0, 1, "banana"), set_s(t, 1, 1, "%an_n%");
    set_s(t, 0, 2, "cherry"), set_s(t, 1, 2, "a%");
    set_null(t, 0, 3), set_s(t, 1, 3, "%");
    set_s(t, 0, 4, "date"), set_null(t, 1, 4);
    wr_vec *v = eval_e(t, CALL(t, "LIKE", col(t, 0), col(t, 1)));
    expect_b(v, 0, true), expect_b(v, 1, true), expect_b(v, 2, false);
    expect_null(v, 3), expect_null(v, 4);
    v = eval_e(t, CALL(t, "NOT LIKE", col(t, 0), lit_s(t, "%an%")));
    expect_b(v, 0, true), expect_b(v, 1, false), expect_b(v, 2, true), expect_null(v, 3);
    set_s(t, 1, 2, "x\\");
    eval_fails(t, CALL(t, "LIKE", col(t, 0), col(t, 1)), WR_EINVAL, "invalid escape");
    tx_free(t);
}

static void test_regexp(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[2] = {STR(), STR()};
    tx_init(t, 2, ty, 4);
    set_s(t, 0, 0, "abc123"), set_s(t, 1, 0, "[0-9]+");
    set_s(t, 0, 1, "abc"), set_s(t, 1, 1, "^b");
    set_s(t, 0, 2, "xyz"), set_s(t, 1, 2, "(");
    set_null(t, 0, 3), set_s(t, 1, 3, "a");
    wr_vec *v = eval_e(t, CALL(t, "REGEXP", col(t, 0), col(t, 1)));
    expect_b(v, 0, true), expect_b(v, 1, false), expect_null(v, 2), expect_null(v, 3);
    v = eval_e(t, CALL(t, "REGEXP", col(t, 0), lit_s(t, "b.")));
    expect_b(v, 0, true), expect_b(v, 1, true), expect_b(v, 2, false), expect_null(v, 3);
    v = eval_e(t, CALL(t, "REGEXP", col(t, 0), lit_s(t, "(")));
    expect_null(v, 0), expect_null(v, 1);
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", col(t, 0), col(t, 1)));
    expect_s(v, 0, "123"), expect_null(v, 1), expect_null(v, 2);

    wr_expr *s = lit_s(t, "foothebar");
    wr_expr *re = lit_s(t, "foo(.*?)(bar)");
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", s, re, lit_i(t, 2)));
    expect_s(v, 0, "bar");
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", s, re, lit_i(t, 1)));
    expect_s(v, 0, "the");
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", s, re));
    expect_s(v, 0, "foothebar");
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", s, re, lit_i(t, 3)));
    expect_null(v, 0);
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", s, lit_s(t, "zz(.)")));
    expect_null(v, 0);
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", lit_s(t, "héllo"), lit_s(t, "h(.)l"), lit_i(t, 1)));
    expect_s(v, 0, "é");
    v = eval_e(
        t, CALL(t, "REGEXP_EXTRACT", lit_s(t, "a1 b22"), lit_s(t, "(\\w)(\\d+)$"), lit_i(t, 2)));
    expect_s(v, 0, "22");

    /* Java's POSIX classes are ASCII-only (PCRE2 alone reads \p{Alpha} as Unicode
     * Alphabetic and rejects \p{Digit}); negated and inside brackets too; \Q..\E and an
     * escaped backslash are left alone */
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", lit_s(t, "é-ab12cd"), lit_s(t, "\\p{Alpha}+")));
    expect_s(v, 0, "ab");
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", lit_s(t, "ab12cd"), lit_s(t, "\\p{Digit}+")));
    expect_s(v, 0, "12");
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", lit_s(t, "xÉ9Y!"), lit_s(t, "[\\p{Upper}\\d]+")));
    expect_s(v, 0, "9Y");
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", lit_s(t, "a1;b"), lit_s(t, "\\P{Alnum}")));
    expect_s(v, 0, ";");
    v = eval_e(t, CALL(t, "REGEXP_EXTRACT", lit_s(t, "a1;b"), lit_s(t, "[^\\p{Punct}\\p{Lower}]")));
    expect_s(v, 0, "1");
    v = eval_e(t, CALL(t, "REGEXP", lit_s(t, "x\\p{Alpha}"), lit_s(t, "\\Q\\p{Alpha}\\E")));
    expect_b(v, 0, true);
    v = eval_e(t, CALL(t, "REGEXP", lit_s(t, "\\p{Digit}"), lit_s(t, "^\\\\p\\{Digit\\}$")));
    expect_b(v, 0, true);
    v = eval_e(t, CALL(t, "REGEXP", lit_s(t, "]x"), lit_s(t, "^[]\\p{Lower}]+$")));
    expect_b(v, 0, true);
    /* '.' does not match Java's line terminators: \r, U+2028 as well as \n */
    v = eval_e(t, CALL(t, "REGEXP", lit_s(t, "a\rb"), lit_s(t, "a.b")));
    expect_b(v, 0, false);
    v = eval_e(t, CALL(t, "REGEXP", lit_s(t, "a\u2028b"), lit_s(t, "a.b")));
    expect_b(v, 0, false);
    v = eval_e(t, CALL(t, "REGEXP", lit_s(t, "a\tb"), lit_s(t, "a.b")));
    expect_b(v, 0, true);
    v = eval_e(t, CALL(t, "REGEXP", lit_s(t, "ab\r\n"), lit_s(t, "ab$")));
    expect_b(v, 0, true);

    v = eval_e(t, CALL(t, "REGEXP_REPLACE", lit_s(t, "foobar"), lit_s(t, "oo|ar"), lit_s(t, "")));
    expect_s(v, 0, "fb");
    v = eval_e(t, CALL(t, "REGEXP_REPLACE", lit_s(t, "a1b22"), lit_s(t, "[0-9]+"), lit_s(t, "$1")));
    expect_s(v, 0, "a$1b$1"); /* the replacement is literal */
    v = eval_e(t, CALL(t, "REGEXP_REPLACE", lit_s(t, "abc"), lit_s(t, "x*"), lit_s(t, "-")));
    expect_s(v, 0, "-a-b-c-");
    v = eval_e(t, CALL(t, "REGEXP_REPLACE", lit_s(t, "héé"), lit_s(t, "é"), lit_s(t, "e")));
    expect_s(v, 0, "hee");
    v = eval_e(t, CALL(t, "REGEXP_REPLACE", col(t, 0), col(t, 1), lit_s(t, "#")));
    expect_s(v, 0, "abc#"), expect_s(v, 1, "abc"), expect_null(v, 2), expect_null(v, 3);
    tx_free(t);
}

/* More distinct per-row patterns than the cache holds. */
static void test_regexp_cache(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[2] = {STR(), STR()};
    tx_init(t, 2, ty, 40);
    char pats[40][8];
    for (uint32_t r = 0; r < 40; r++) {
        snprintf(pats[r], sizeof pats[r], "x%u$", r % 13);
        set_s(t, 1, r, pats[r]);
        char s[16];
        snprintf(s, sizeof s, "ax%u", r % 5);
        set_s(t, 0, r, s);
    }
    wr_vec *v = eval_e(t, CALL(t, "REGEXP", col(t, 0), col(t, 1)));
    for (uint32_t r = 0; r < 40; r++)
        expect_b(v, r, r % 13 == r % 5);
    tx_free(t);
}

static void similar_case(tx *t, const char *s, const char *pat, int want)
{
    wr_vec *v = eval_e(t, CALL(t, "SIMILAR TO", lit_s(t, s), lit_s(t, pat)));
    wr_value val;
    wr_vec_get(v, 0, &val);
    if (val.is_null || val.b != (want != 0))
        fail_msg("'%s' SIMILAR TO '%s' should be %d", s, pat, want);
}

static void test_similar_to(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[2] = {STR(), STR()};
    tx_init(t, 2, ty, 2);
    similar_case(t, "abc", "a%", 1);
    similar_case(t, "abc", "(a|b)c", 0);
    similar_case(t, "bc", "(a|b)c", 1);
    similar_case(t, "abd", "ab[cd]", 1);
    similar_case(t, "a.c", "a.c", 1);
    similar_case(t, "abc", "a.c", 0);
    similar_case(t, "aaa", "a+", 1);
    similar_case(t, "ab", "a_", 1);
    similar_case(t, "a\nb", "a%", 1);
    similar_case(t, "a%", "a\\%", 1);
    similar_case(t, "ab", "a\\%", 0);
    similar_case(t, "abc\n", "abc", 0); /* the whole string: '$' is not before a final \n */
    similar_case(t, "abc\n", "abc_", 1);
    set_s(t, 0, 0, "xyz"), set_s(t, 1, 0, "x(y|q)z");
    set_s(t, 0, 1, "xqq"), set_s(t, 1, 1, "x(y|q)z");
    wr_vec *v = eval_e(t, CALL(t, "NOT SIMILAR TO", col(t, 0), col(t, 1)));
    expect_b(v, 0, false), expect_b(v, 1, true);
    wr_expr *e = CALL(t, "SIMILAR TO", col(t, 0), lit_s(t, "[abc"));
    wr_expr_prog *p = NULL;
    assert_int_equal(wr_expr_compile(&e, 1, t->schema, &p, &t->err), WR_EINVAL);
    assert_non_null(strstr(t->err.msg, "SIMILAR TO: invalid pattern"));
    set_s(t, 1, 1, "(");
    eval_fails(t, CALL(t, "SIMILAR TO", col(t, 0), col(t, 1)), WR_EINVAL, "invalid pattern");
    tx_free(t);
}

/* One program shared by several threads, each with its own scratch. */
typedef struct shared_run {
    const wr_expr_prog *p;
    tx *t;
    int bad;
} shared_run;

static void *run_shared(void *arg)
{
    shared_run *r = arg;
    wr_expr_scratch *s = wr_expr_scratch_new(r->p, NULL);
    wr_schema *os = wr_schema_new(2);
    wr_schema_set(os, 0, "a", wr_expr_prog_output_type(r->p, 0));
    wr_schema_set(os, 1, "b", wr_expr_prog_output_type(r->p, 1));
    wr_batch *out = wr_batch_new(os, r->t->in->cap, NULL);
    wr_error err;
    for (int k = 0; k < 200; k++) {
        wr_batch_clear(out);
        if (wr_expr_eval(r->p, s, r->t->in, out, 0, &err) < 0) r->bad++;
        for (uint32_t i = 0; i < r->t->in->len; i++) {
            wr_value a, b;
            wr_vec_get(&out->cols[0], i, &a);
            wr_vec_get(&out->cols[1], i, &b);
            if (a.is_null || a.s.len != 2 || b.is_null || b.b != (i % 3 == 0)) r->bad++;
        }
    }
    wr_batch_release(out);
    wr_schema_free(os);
    wr_expr_scratch_free(s);
    return NULL;
}

static void test_shared_program(void **state)
{
    tx tt, *t = &tt;
    wr_type ty[1] = {STR()};
    tx_init(t, 1, ty, 300);
    for (uint32_t i = 0; i < 300; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%s-%02u", i % 3 == 0 ? "key" : "val", i % 100);
        set_s(t, 0, i, buf);
    }
    wr_expr *es[2] = {
        CALL(t, "REGEXP_EXTRACT", col(t, 0), lit_s(t, "-([0-9]+)$"), lit_i(t, 1)),
        CALL(t, "LIKE", col(t, 0), lit_s(t, "key%")),
    };
    wr_expr_prog *p;
    assert_int_equal(wr_expr_compile(es, 2, t->schema, &p, &t->err), 0);
    wr_thread th[4];
    shared_run runs[4];
    for (int k = 0; k < 4; k++) {
        runs[k] = (shared_run){p, t, 0};
        assert_int_equal(wr_thread_start(&th[k], "expr-test", run_shared, &runs[k]), 0);
    }
    for (int k = 0; k < 4; k++) {
        wr_thread_join(&th[k]);
        assert_int_equal(runs[k].bad, 0);
    }
    wr_expr_prog_free(p);
    tx_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_like_constant), cmocka_unit_test(test_like_columns),
        cmocka_unit_test(test_regexp),        cmocka_unit_test(test_regexp_cache),
        cmocka_unit_test(test_similar_to),    cmocka_unit_test(test_shared_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
