/* test_base_err.c - the error table, error objects and their prefixing. */
#include "testutil.h"

#include <string.h>

static void test_err_table(void **state)
{
    (void)state;
    assert_string_equal(wr_err_str(WR_OK), "ok");
    assert_string_equal(wr_err_str(WR_ENOMEM), "out of memory");
    assert_string_equal(wr_err_name(WR_ENOMEM), "WR_ENOMEM");
    assert_string_equal(wr_err_name(WR_EEND), "WR_EEND");
    assert_string_equal(wr_err_str(WR_EEND), "end of input");
    assert_string_equal(wr_err_str(12345), "unknown error");
    assert_string_equal(wr_err_name(-999), "WR_E?");
    /* Every code in the table has its own name and text. */
    for (int c = 0; c >= WR_EEND; c--) {
        assert_string_not_equal(wr_err_str(c), "unknown error");
        assert_true(strncmp(wr_err_name(c), "WR_", 3) == 0);
    }
}

static int returns_error(wr_error *e)
{
    return wr_error_set(e, WR_EPARSE, WR_DOMAIN_USER, "line %d: expected '%s'", 3, ")");
}

static void test_error_set(void **state)
{
    (void)state;
    wr_error e;
    assert_int_equal(returns_error(&e), WR_EPARSE);
    assert_int_equal(e.code, WR_EPARSE);
    assert_int_equal(e.domain, WR_DOMAIN_USER);
    assert_false(e.retryable);
    assert_string_equal(e.msg, "line 3: expected ')'");
    assert_int_equal(returns_error(NULL), WR_EPARSE);

    wr_error_set(&e, WR_EIO, WR_DOMAIN_EXTERNAL, "s3 put failed");
    assert_true(e.retryable);
    wr_error_set(&e, WR_EAGAIN, WR_DOMAIN_INTERNAL, "busy");
    assert_true(e.retryable);
    wr_error_set(&e, WR_ENOMEM, WR_DOMAIN_INTERNAL, NULL);
    assert_string_equal(e.msg, "out of memory");

    wr_error_clear(&e);
    assert_int_equal(e.code, WR_OK);
    assert_string_equal(e.msg, "");
    wr_error_clear(NULL);
}

static void test_error_prefix(void **state)
{
    (void)state;
    wr_error e;
    wr_error_set(&e, WR_EPARSE, WR_DOMAIN_USER, "bad row");
    wr_error_prefix(&e, "reading '%s': ", "x.csv");
    assert_string_equal(e.msg, "reading 'x.csv': bad row");
    /* Arguments that alias the message itself are safe. */
    wr_error_set(&e, WR_EPARSE, WR_DOMAIN_USER, "%s!", "abc");
    wr_error_set(&e, WR_EPARSE, WR_DOMAIN_USER, "%s %s", e.msg, e.msg);
    assert_string_equal(e.msg, "abc! abc!");

    /* Long messages are truncated, never overflowed. */
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    wr_error_set(&e, WR_EIO, WR_DOMAIN_EXTERNAL, "%s", big);
    assert_int_equal(strlen(e.msg), WR_ERROR_MSG_MAX - 1);
    wr_error_prefix(&e, "ctx: ");
    assert_int_equal(strlen(e.msg), WR_ERROR_MSG_MAX - 1);
    assert_true(strncmp(e.msg, "ctx: xxx", 8) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_table),
        cmocka_unit_test(test_error_set),
        cmocka_unit_test(test_error_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
