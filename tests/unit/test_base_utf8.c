/* test_base_utf8.c - wr_utf8_encode at every length boundary, against the bytes the UTF-8
 * definition (RFC 3629) gives. */
#include "testutil.h"

#include <string.h>

static void test_encode(void **state)
{
    (void)state;
    struct {
        uint32_t cp;
        const char *bytes;
    } cases[] = {
        {0x00, "\x00"},
        {0x41, "A"},
        {0x7F, "\x7F"},
        {0x80, "\xC2\x80"},
        {0xE9, "\xC3\xA9"},
        {0x7FF, "\xDF\xBF"},
        {0x800, "\xE0\xA0\x80"},
        {0x20AC, "\xE2\x82\xAC"},
        {0xFFFD, "\xEF\xBF\xBD"},
        {0xFFFF, "\xEF\xBF\xBF"},
        {0x10000, "\xF0\x90\x80\x80"},
        {0x1F600, "\xF0\x9F\x98\x80"},
        {0x10FFFF, "\xF4\x8F\xBF\xBF"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(cases); i++) {
        char out[4];
        size_t want = cases[i].cp == 0 ? 1 : strlen(cases[i].bytes);
        assert_int_equal(wr_utf8_encode(cases[i].cp, out), want);
        assert_memory_equal(out, cases[i].bytes, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_encode)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
