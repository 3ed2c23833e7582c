/* test_config.c - the settings table: defaults, typed parsing, bounds, unknown keys with
 * suggestions, environment overrides, reset, the generated documentation and the SET;
 * listing. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static void test_defaults(void **state)
{
    (void)state;
    wr_config *c = NULL;
    wr_error err = {0};
    assert_int_equal(wr_config_new(&c, &err), WR_OK);
    assert_int_equal(wr_config_int(c, "parallelism.default"), 1);
    assert_int_equal(wr_config_int(c, "pipeline.max-parallelism"), 128);
    assert_int_equal(wr_config_int(c, "pipeline.auto-watermark-interval"), 200000);
    assert_int_equal(wr_config_int(c, "table.exec.source.idle-timeout"), 0);
    assert_string_equal(wr_config_str(c, "log.level"), "info");
    wr_config_free(c);
}

static void test_set_and_errors(void **state)
{
    (void)state;
    wr_config *c = NULL;
    wr_error err = {0};
    assert_int_equal(wr_config_new(&c, &err), WR_OK);
    assert_int_equal(wr_config_set(c, "parallelism.default", "4", &err), WR_OK);
    assert_int_equal(wr_config_int(c, "parallelism.default"), 4);
    assert_int_equal(wr_config_set_pair(c, "table.exec.source.idle-timeout = 5 s", &err), WR_OK);
    assert_int_equal(wr_config_int(c, "table.exec.source.idle-timeout"), 5000000);
    assert_int_equal(wr_config_set(c, "log.level", "DEBUG", &err), WR_OK);
    assert_int_equal(wr_config_int(c, "log.level"), 0);

    assert_int_equal(wr_config_set(c, "parallelism.defualt", "2", &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "did you mean 'parallelism.default'"));
    assert_int_equal(wr_config_set(c, "parallelism.default", "abc", &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "parallelism.default: expected an integer but found 'abc'"));
    assert_int_equal(wr_config_set(c, "parallelism.default", "0", &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "out of range"));
    assert_int_equal(wr_config_set(c, "log.level", "loud", &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "'debug'"));
    assert_int_equal(wr_config_set_pair(c, "novalue", &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "KEY=VALUE"));
    /* A failed set leaves the old value. */
    assert_int_equal(wr_config_int(c, "parallelism.default"), 4);
    assert_int_equal(wr_config_reset(c, "parallelism.default", &err), WR_OK);
    assert_int_equal(wr_config_int(c, "parallelism.default"), 1);
    wr_config_free(c);
}

static void test_environment(void **state)
{
    (void)state;
    wr_config *c = NULL;
    wr_error err = {0};
    setenv("WEIR_PARALLELISM_DEFAULT", "3", 1);
    assert_int_equal(wr_config_new(&c, &err), WR_OK);
    assert_int_equal(wr_config_int(c, "parallelism.default"), 3);
    /* An explicit set wins; reset returns to the environment's value. */
    assert_int_equal(wr_config_set(c, "parallelism.default", "5", &err), WR_OK);
    assert_int_equal(wr_config_reset(c, "parallelism.default", &err), WR_OK);
    assert_int_equal(wr_config_int(c, "parallelism.default"), 3);
    wr_config_free(c);
    setenv("WEIR_PARALLELISM_DEFAULT", "many", 1);
    assert_int_equal(wr_config_new(&c, &err), WR_ECONFIG);
    assert_null(c);
    assert_non_null(strstr(err.msg, "WEIR_PARALLELISM_DEFAULT"));
    unsetenv("WEIR_PARALLELISM_DEFAULT");
}

static void test_doc(void **state)
{
    (void)state;
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_config_doc_markdown(&b), WR_OK);
    for (size_t i = 0; wr_settings[i].key; i++) {
        char needle[160];
        snprintf(needle, sizeof needle, "| `%s` |", wr_settings[i].key);
        assert_non_null(strstr(b.ptr, needle));
    }
    wr_buf_free(&b);
}

/* What SET; prints: one 'key = value' line per setting, in table order, values as set. */
static void test_dump(void **state)
{
    (void)state;
    wr_config *c = NULL;
    wr_error err = {0};
    assert_int_equal(wr_config_new(&c, &err), WR_OK);
    assert_int_equal(wr_config_set(c, "parallelism.default", "3", &err), WR_OK);
    assert_int_equal(wr_config_set(c, "pipeline.auto-watermark-interval", "1 s", &err), WR_OK);
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_config_dump(c, &b), WR_OK);
    assert_non_null(strstr(b.ptr, "parallelism.default = 3\n"));
    assert_non_null(strstr(b.ptr, "pipeline.auto-watermark-interval = 1 s\n"));
    assert_non_null(strstr(b.ptr, "log.level = info\n"));
    const char *line = b.ptr;
    size_t n = 0;
    for (; wr_settings[n].key; n++) {
        size_t kl = strlen(wr_settings[n].key);
        assert_memory_equal(line, wr_settings[n].key, kl);
        assert_memory_equal(line + kl, " = ", 3);
        line = strchr(line, '\n');
        assert_non_null(line);
        line++;
    }
    assert_string_equal(line, "");
    assert_int_equal(wr_config_reset(c, "parallelism.default", &err), WR_OK);
    wr_buf_clear(&b);
    assert_int_equal(wr_config_dump(c, &b), WR_OK);
    assert_non_null(strstr(b.ptr, "parallelism.default = 1\n"));
    wr_buf_free(&b);
    wr_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),    cmocka_unit_test(test_set_and_errors),
        cmocka_unit_test(test_environment), cmocka_unit_test(test_doc),
        cmocka_unit_test(test_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
