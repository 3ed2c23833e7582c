/* test_base_str.c - slices, growable buffers, JSON string escaping, and buffers under
 * injected allocation failures. */
#include "testutil.h"

#include <string.h>

static void test_slices(void **state)
{
    (void)state;
    wr_slice a = wr_slice_c("abc"), lit = WR_SLICE_LIT("abc");
    assert_int_equal(a.len, 3);
    assert_true(wr_slice_eq(a, lit));
    assert_true(wr_slice_eq_c(a, "abc"));
    assert_false(wr_slice_eq_c(a, "abcd"));
    assert_false(wr_slice_eq_c(a, "abd"));
    assert_true(wr_slice_ieq_c(WR_SLICE_LIT("HeLLo"), "hello"));
    assert_false(wr_slice_ieq_c(WR_SLICE_LIT("HeLLo"), "hell"));
    assert_false(wr_slice_ieq_c(WR_SLICE_LIT("h\xe9"), "H\xc9")); /* ASCII only */
    assert_int_equal(wr_slice_c(NULL).len, 0);
    assert_true(wr_slice_eq(wr_slice_c(NULL), WR_SLICE_LIT("")));

    assert_int_equal(wr_slice_cmp(WR_SLICE_LIT("abc"), WR_SLICE_LIT("abd")), -1);
    assert_int_equal(wr_slice_cmp(WR_SLICE_LIT("abd"), WR_SLICE_LIT("abc")), 1);
    assert_int_equal(wr_slice_cmp(WR_SLICE_LIT("ab"), WR_SLICE_LIT("abc")), -1);
    assert_int_equal(wr_slice_cmp(WR_SLICE_LIT("abc"), WR_SLICE_LIT("ab")), 1);
    assert_int_equal(wr_slice_cmp(WR_SLICE_LIT("abc"), WR_SLICE_LIT("abc")), 0);
    assert_int_equal(wr_slice_cmp(WR_SLICE_LIT(""), WR_SLICE_LIT("")), 0);
    /* Bytes compare unsigned, as memcmp does. */
    assert_int_equal(wr_slice_cmp(WR_SLICE_LIT("\xff"), WR_SLICE_LIT("a")), 1);
    /* Binary-safe. */
    wr_slice z1 = {"a\0b", 3}, z2 = {"a\0c", 3};
    assert_int_equal(wr_slice_cmp(z1, z2), -1);
    assert_false(wr_slice_eq(z1, z2));

    wr_slice t = wr_slice_trim(WR_SLICE_LIT(" \t\r\n hi there \n"));
    assert_true(wr_slice_eq_c(t, "hi there"));
    assert_int_equal(wr_slice_trim(WR_SLICE_LIT("   ")).len, 0);
    assert_int_equal(wr_slice_trim(WR_SLICE_LIT("")).len, 0);
}

static void test_buf(void **state)
{
    (void)state;
    int64_t bytes0 = wr_mem_allocated();
    wr_buf b;
    wr_buf_init(&b);
    assert_string_equal(b.ptr, ""); /* always a C string */
    assert_int_equal(wr_buf_append_c(&b, "hello"), WR_OK);
    assert_int_equal(wr_buf_putc(&b, ' '), WR_OK);
    assert_int_equal(wr_buf_printf(&b, "%d-%s", 42, "x"), WR_OK);
    assert_string_equal(b.ptr, "hello 42-x");
    assert_int_equal(b.len, 10);
    assert_int_equal(wr_buf_append(&b, "", 0), WR_OK);

    /* Growth through many appends and a printf larger than the free space. */
    wr_buf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
    for (int i = 0; i < 10000; i++)
        assert_int_equal(wr_buf_putc(&b, (char)('a' + i % 26)), WR_OK);
    assert_int_equal(b.len, 10000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.ptr[b.len], '\0');
    for (int i = 0; i < 10000; i++)
        assert_int_equal(b.ptr[i], 'a' + i % 26);
    char big[5000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    wr_buf_clear(&b);
    size_t cap = b.cap;
    assert_int_equal(wr_buf_printf(&b, "<%s>", big), WR_OK);
    assert_int_equal(b.len, 5001);
    assert_int_equal(b.cap, cap); /* clear keeps capacity */
    wr_buf_free(&b);
    wr_buf_init(&b);
    assert_int_equal(wr_buf_printf(&b, "<%s>", big), WR_OK);
    assert_int_equal(b.len, 5001);
    assert_int_equal(b.ptr[0], '<');
    assert_int_equal(b.ptr[5000], '>');
    assert_int_equal(b.ptr[5001], '\0');
    assert_int_equal(wr_buf_reserve(&b, 100000), WR_OK);
    assert_true(b.cap >= 105002);
    assert_int_equal(wr_buf_reserve(&b, SIZE_MAX), WR_ENOMEM);

    char *s = wr_buf_steal(&b);
    assert_int_equal(strlen(s), 5001);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
    wr_free(s);
    s = wr_buf_steal(&b); /* empty buffer still gives a freeable string */
    assert_non_null(s);
    assert_string_equal(s, "");
    wr_free(s);
    wr_buf_free(&b);
    wr_buf_free(&b);

    /* A zero-initialized buffer works too. */
    wr_buf z = {0};
    assert_int_equal(wr_buf_append_c(&z, "ok"), WR_OK);
    assert_string_equal(z.ptr, "ok");
    wr_buf_free(&z);

    /* Owned buffers charge their owner. */
    wr_mem_owner o = WR_MEM_OWNER_INIT("buf");
    wr_buf_init(&b);
    b.owner = &o;
    wr_buf_append_c(&b, "x");
    assert_int_equal(o.bytes, (int64_t)b.cap);
    wr_buf_free(&b);
    assert_int_equal(o.bytes, 0);
    assert_int_equal(wr_mem_allocated(), bytes0);
}

static void check_json(const char *in, size_t n, const char *expect)
{
    wr_buf b;
    wr_buf_init(&b);
    wr_buf_append_c(&b, "x=");
    assert_int_equal(wr_buf_append_json_str(&b, in, n), WR_OK);
    assert_string_equal(b.ptr + 2, expect);
    assert_int_equal(b.len, 2 + strlen(expect));
    wr_buf_free(&b);
}

static void test_json_escape(void **state)
{
    (void)state;
    check_json("", 0, "\"\"");
    check_json("plain", 5, "\"plain\"");
    check_json("a\"b", 3, "\"a\\\"b\"");
    check_json("back\\slash", 10, "\"back\\\\slash\"");
    check_json("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
    check_json("\x01\x1f", 2, "\"\\u0001\\u001f\"");
    check_json("nul\0x", 5, "\"nul\\u0000x\"");
    check_json("/ \x7f", 3, "\"/ \x7f\"");
    /* UTF-8 passes through untouched. */
    check_json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
               "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    /* Every control character is escaped and nothing else is. */
    for (int c = 1; c < 256; c++) {
        char in = (char)c;
        wr_buf b;
        wr_buf_init(&b);
        wr_buf_append_json_str(&b, &in, 1);
        if (c < 0x20 || c == '"' || c == '\\')
            assert_true(b.len > 3 && b.ptr[1] == '\\');
        else
            assert_int_equal(b.len, 3);
        wr_buf_free(&b);
    }
}

static void test_buf_enomem(void **state)
{
    (void)state;
    int64_t bytes0 = wr_mem_allocated(), allocs0 = wr_mem_live_allocs();
    wr_buf b;
    wr_buf_init(&b);
    wr_mem_fail_after(1);
    assert_int_equal(wr_buf_append_c(&b, "abc"), WR_ENOMEM);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.ptr, "");
    assert_int_equal(wr_buf_append_c(&b, "abc"), WR_OK);
    /* A failed grow keeps the old contents intact. */
    char big[1000];
    memset(big, 'z', sizeof big);
    wr_mem_fail_after(1);
    assert_int_equal(wr_buf_append(&b, big, sizeof big), WR_ENOMEM);
    assert_string_equal(b.ptr, "abc");
    wr_mem_fail_after(1);
    assert_int_equal(wr_buf_printf(&b, "%.*s", 900, big), WR_ENOMEM);
    assert_string_equal(b.ptr, "abc");
    assert_int_equal(b.len, 3);
    wr_mem_fail_after(1);
    assert_int_equal(wr_buf_append_json_str(&b, big, sizeof big), WR_ENOMEM);
    assert_string_equal(b.ptr, "abc");
    wr_mem_fail_off();
    wr_buf_free(&b);
    wr_buf_init(&b);
    wr_mem_fail_after(1);
    assert_null(wr_buf_steal(&b));
    wr_mem_fail_off();
    assert_int_equal(wr_mem_allocated(), bytes0);
    assert_int_equal(wr_mem_live_allocs(), allocs0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slices),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_buf_enomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
