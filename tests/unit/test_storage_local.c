/* test_storage_local.c - the local-directory object store: put/get/range/size, listing in
 * byte order, delete and delete_prefix (with the directories left empty), key validation
 * rule by rule, temporary files (never listed, removed after a failed put), fault injection
 * (each kind, determinism from the seed, the environment variable, bad specs), puts from
 * several threads, and the URL forms. */
#define _GNU_SOURCE
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/storage.h"

typedef struct fixture {
    char *dir;
    wr_store *s;
    int64_t live; /* wr_malloc blocks before open: the same after close (no leaks) */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = wr_test_tmpdir("storage");
    f->live = wr_mem_live_allocs();
    wr_error err;
    int rc = wr_storage_open(f->dir, &f->s, &err);
    if (rc) {
        fprintf(stderr, "open: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    wr_storage_close(f->s);
    assert_int_equal(wr_mem_live_allocs(), f->live);
    wr_test_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void put_ok(wr_store *s, const char *key, const char *text)
{
    wr_error err;
    int rc = wr_storage_put(s, key, text, strlen(text), &err);
    if (rc) fprintf(stderr, "put %s: %s\n", key, err.msg);
    assert_int_equal(rc, WR_OK);
}

static void expect_get(wr_store *s, const char *key, const char *text)
{
    wr_buf b;
    wr_buf_init(&b);
    wr_error err;
    int rc = wr_storage_get(s, key, &b, &err);
    if (rc) fprintf(stderr, "get %s: %s\n", key, err.msg);
    assert_int_equal(rc, WR_OK);
    assert_int_equal(b.len, strlen(text));
    assert_memory_equal(b.ptr, text, b.len);
    wr_buf_free(&b);
}

/* The listing as one "k1 k2 k3" string. */
static char *list_str(wr_store *s, const char *prefix)
{
    wr_buf b;
    wr_buf_init(&b);
    wr_error err;
    uint32_t n = 99;
    int rc = wr_storage_list(s, prefix, &b, &n, &err);
    if (rc) fprintf(stderr, "list %s: %s\n", prefix, err.msg);
    assert_int_equal(rc, WR_OK);
    static char out[4096];
    out[0] = '\0';
    const char *p = b.ptr;
    for (uint32_t i = 0; i < n; i++) {
        assert_true(p < b.ptr + b.len);
        if (i) strcat(out, " ");
        strcat(out, p);
        p += strlen(p) + 1;
    }
    assert_ptr_equal(p, b.ptr + b.len);
    wr_buf_free(&b);
    return out;
}

static bool path_exists(const char *dir, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    struct stat st;
    return stat(path, &st) == 0;
}

/* Number of entries whose name starts with '.' anywhere under dir. */
static int count_hidden(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (de->d_name[0] == '.') n++;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) n += count_hidden(sub);
    }
    closedir(d);
    return n;
}

static void test_put_get(void **state)
{
    fixture *f = *state;
    wr_store *s = f->s;
    wr_error err;
    put_ok(s, "a", "hello");
    expect_get(s, "a", "hello");
    /* Overwrite replaces the whole object. */
    put_ok(s, "a", "hi");
    expect_get(s, "a", "hi");
    /* Nested keys create their directories. */
    put_ok(s, "chk-1/op/0001.snap", "nested");
    expect_get(s, "chk-1/op/0001.snap", "nested");
    assert_true(path_exists(f->dir, "chk-1/op/0001.snap"));
    /* Empty object. */
    assert_int_equal(wr_storage_put(s, "empty", "", 0, &err), WR_OK);
    expect_get(s, "empty", "");
    /* Binary data with NULs; get appends. */
    const char bin[] = {'x', 0, 'y', 0, (char)0xff};
    assert_int_equal(wr_storage_put(s, "bin", bin, sizeof bin, &err), WR_OK);
    wr_buf b;
    wr_buf_init(&b);
    wr_buf_append_c(&b, "pre");
    assert_int_equal(wr_storage_get(s, "bin", &b, &err), WR_OK);
    assert_int_equal(b.len, 3 + sizeof bin);
    assert_memory_equal(b.ptr, "pre", 3);
    assert_memory_equal(b.ptr + 3, bin, sizeof bin);
    wr_buf_free(&b);

    /* Size. */
    uint64_t sz = 0;
    assert_int_equal(wr_storage_size(s, "chk-1/op/0001.snap", &sz, &err), WR_OK);
    assert_int_equal(sz, 6);
    assert_int_equal(wr_storage_size(s, "empty", &sz, &err), WR_OK);
    assert_int_equal(sz, 0);

    /* Ranges: inside, at the end (fewer), past the end (none). */
    put_ok(s, "r", "0123456789");
    wr_buf_init(&b);
    assert_int_equal(wr_storage_get_range(s, "r", 2, 3, &b, &err), WR_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.ptr, "234", 3);
    assert_int_equal(wr_storage_get_range(s, "r", 8, 100, &b, &err), WR_OK);
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.ptr, "23489", 5);
    assert_int_equal(wr_storage_get_range(s, "r", 9, SIZE_MAX, &b, &err), WR_OK); /* the rest */
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.ptr, "234899", 6);
    b.len = 5;
    assert_int_equal(wr_storage_get_range(s, "r", 10, 4, &b, &err), WR_OK);
    assert_int_equal(wr_storage_get_range(s, "r", 1000, 4, &b, &err), WR_OK);
    assert_int_equal(wr_storage_get_range(s, "r", 0, 0, &b, &err), WR_OK);
    assert_int_equal(b.len, 5);
    assert_int_equal(b.ptr[5], '\0');
    wr_buf_free(&b);

    /* A large object (several read chunks). */
    size_t big = 300000;
    char *data = malloc(big);
    for (size_t i = 0; i < big; i++)
        data[i] = (char)(i * 31 + 7);
    assert_int_equal(wr_storage_put(s, "big/object", data, big, &err), WR_OK);
    wr_buf_init(&b);
    assert_int_equal(wr_storage_get(s, "big/object", &b, &err), WR_OK);
    assert_int_equal(b.len, big);
    assert_memory_equal(b.ptr, data, big);
    wr_buf_clear(&b);
    assert_int_equal(wr_storage_get_range(s, "big/object", 250000, 100000, &b, &err), WR_OK);
    assert_int_equal(b.len, 50000);
    assert_memory_equal(b.ptr, data + 250000, 50000);
    wr_buf_free(&b);
    free(data);
    assert_int_equal(count_hidden(f->dir), 0);
}

static void test_missing(void **state)
{
    fixture *f = *state;
    wr_store *s = f->s;
    wr_error err;
    wr_buf b;
    wr_buf_init(&b);
    uint64_t sz;
    assert_int_equal(wr_storage_get(s, "nope", &b, &err), WR_ENOENT);
    assert_int_equal(err.code, WR_ENOENT);
    assert_false(err.retryable);
    assert_non_null(strstr(err.msg, "nope"));
    assert_int_equal(wr_storage_get(s, "no/such/dir/key", &b, &err), WR_ENOENT);
    assert_int_equal(wr_storage_get_range(s, "nope", 0, 4, &b, &err), WR_ENOENT);
    assert_int_equal(wr_storage_size(s, "nope", &sz, &err), WR_ENOENT);
    /* A directory is not an object; a key below a file is missing. */
    put_ok(s, "d/x", "1");
    assert_int_equal(wr_storage_get(s, "d", &b, &err), WR_ENOENT);
    assert_int_equal(wr_storage_size(s, "d", &sz, &err), WR_ENOENT);
    assert_int_equal(wr_storage_get(s, "d/x/y", &b, &err), WR_ENOENT);
    assert_int_equal(b.len, 0);
    /* Deleting a missing key (or a directory) is fine. */
    assert_int_equal(wr_storage_delete(s, "nope", &err), WR_OK);
    assert_int_equal(wr_storage_delete(s, "no/such/dir", &err), WR_OK);
    assert_int_equal(wr_storage_delete(s, "d", &err), WR_OK);
    expect_get(s, "d/x", "1");
    wr_buf_free(&b);
}

static void test_list_order(void **state)
{
    fixture *f = *state;
    wr_store *s = f->s;
    const char *keys[] = {"b",       "a/b",         "a-c",     "a/a",        "a0", "chk-12/y",
                          "chk-1/x", "chk-1/sub/z", ".hidden", "a/\xc3\xa9", "a/Z"};
    for (size_t i = 0; i < WR_ARRAY_LEN(keys); i++)
        put_ok(s, keys[i], keys[i]);
    /* Byte order of whole keys: '-' (0x2d) < '/' (0x2f) < '0' (0x30). */
    assert_string_equal(list_str(s, ""), ".hidden a-c a/Z a/a a/b a/\xc3\xa9 a0 b chk-1/sub/z "
                                         "chk-1/x chk-12/y");
    assert_string_equal(list_str(s, "a"), "a-c a/Z a/a a/b a/\xc3\xa9 a0");
    assert_string_equal(list_str(s, "a/"), "a/Z a/a a/b a/\xc3\xa9");
    assert_string_equal(list_str(s, "a/a"), "a/a");
    assert_string_equal(list_str(s, "chk-1"), "chk-1/sub/z chk-1/x chk-12/y");
    assert_string_equal(list_str(s, "chk-1/"), "chk-1/sub/z chk-1/x");
    assert_string_equal(list_str(s, "chk-1/s"), "chk-1/sub/z");
    assert_string_equal(list_str(s, "zzz"), "");
    assert_string_equal(list_str(s, "zzz/"), "");
    assert_string_equal(list_str(s, "b/"), ""); /* b is a file */

    /* Symbolic links: to a file, listed; to a directory (here a loop), not followed. */
    char link[1024], target[1024];
    snprintf(link, sizeof link, "%s/a/loop", f->dir);
    snprintf(target, sizeof target, "%s/a", f->dir);
    assert_int_equal(symlink(target, link), 0);
    snprintf(link, sizeof link, "%s/a/zlink", f->dir);
    snprintf(target, sizeof target, "%s/b", f->dir);
    assert_int_equal(symlink(target, link), 0);
    assert_string_equal(list_str(s, "a/"), "a/Z a/a a/b a/zlink a/\xc3\xa9");
    expect_get(s, "a/zlink", "b");

    /* Appends to the buffer. */
    wr_buf b;
    wr_buf_init(&b);
    wr_buf_append_c(&b, "x");
    uint32_t n = 0;
    wr_error err;
    assert_int_equal(wr_storage_list(s, "chk-12", &b, &n, &err), WR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(b.len, 1 + strlen("chk-12/y") + 1);
    assert_string_equal(b.ptr + 1, "chk-12/y");
    wr_buf_free(&b);
}

static void test_delete(void **state)
{
    fixture *f = *state;
    wr_store *s = f->s;
    wr_error err;
    put_ok(s, "k", "v");
    assert_int_equal(wr_storage_delete(s, "k", &err), WR_OK);
    assert_int_equal(wr_storage_delete(s, "k", &err), WR_OK);
    assert_string_equal(list_str(s, ""), "");

    put_ok(s, "chk-1/a", "1");
    put_ok(s, "chk-1/deep/er/b", "2");
    put_ok(s, "chk-12/c", "3");
    put_ok(s, "chk-2/d", "4");
    put_ok(s, "keep", "5");
    /* A leftover temporary file of a crashed put inside the checkpoint directory. */
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s/chk-1/deep/.wr-tmp-1-2-3", f->dir);
    assert_int_equal(wr_test_write_file(tmp, "partial"), 0);

    assert_int_equal(wr_storage_delete_prefix(s, "chk-1/", &err), WR_OK);
    assert_string_equal(list_str(s, ""), "chk-12/c chk-2/d keep");
    assert_false(path_exists(f->dir, "chk-1")); /* empty directories removed */
    assert_true(path_exists(f->dir, "chk-12"));

    /* A string prefix: chk- matches both remaining checkpoints. */
    assert_int_equal(wr_storage_delete_prefix(s, "chk-", &err), WR_OK);
    assert_string_equal(list_str(s, ""), "keep");
    assert_false(path_exists(f->dir, "chk-12"));
    assert_false(path_exists(f->dir, "chk-2"));

    /* Within a directory: the directory stays while something else is in it. */
    put_ok(s, "d/x1", "1");
    put_ok(s, "d/x2", "2");
    put_ok(s, "d/y", "3");
    assert_int_equal(wr_storage_delete_prefix(s, "d/x", &err), WR_OK);
    assert_string_equal(list_str(s, ""), "d/y keep");
    assert_int_equal(wr_storage_delete_prefix(s, "d/y", &err), WR_OK);
    assert_string_equal(list_str(s, ""), "keep");
    assert_int_equal(wr_storage_delete_prefix(s, "missing/", &err), WR_OK);
    assert_int_equal(wr_storage_delete_prefix(s, "", &err), WR_OK);
    assert_string_equal(list_str(s, ""), "");
    assert_true(path_exists(f->dir, "")); /* never the root */
}

static void expect_bad_key(wr_store *s, const char *key, const char *shown, const char *why)
{
    wr_error err;
    wr_buf b;
    wr_buf_init(&b);
    uint64_t sz;
    assert_int_equal(wr_storage_put(s, key, "x", 1, &err), WR_EINVAL);
    assert_int_equal(err.domain, WR_DOMAIN_USER);
    if (!strstr(err.msg, shown) || !strstr(err.msg, why))
        fprintf(stderr, "message: %s (want %s, %s)\n", err.msg, shown, why);
    assert_non_null(strstr(err.msg, shown));
    assert_non_null(strstr(err.msg, why));
    assert_int_equal(wr_storage_get(s, key, &b, &err), WR_EINVAL);
    assert_int_equal(wr_storage_get_range(s, key, 0, 1, &b, &err), WR_EINVAL);
    assert_int_equal(wr_storage_size(s, key, &sz, &err), WR_EINVAL);
    assert_int_equal(wr_storage_delete(s, key, &err), WR_EINVAL);
    wr_buf_free(&b);
}

static void test_bad_keys(void **state)
{
    fixture *f = *state;
    wr_store *s = f->s;
    expect_bad_key(s, "", "\"\"", "empty");
    char long_key[1100];
    memset(long_key, 'k', 1025);
    long_key[1025] = '\0';
    expect_bad_key(s, long_key, "\"kkkk", "longer than 1024 bytes");
    expect_bad_key(s, "/abs", "\"/abs\"", "starts with '/'");
    expect_bad_key(s, "a//b", "\"a//b\"", "empty segment");
    expect_bad_key(s, "a/", "\"a/\"", "empty segment");
    expect_bad_key(s, ".", "\".\"", "'.' or '..' segment");
    expect_bad_key(s, "..", "\"..\"", "'.' or '..' segment");
    expect_bad_key(s, "a/./b", "\"a/./b\"", "'.' or '..' segment");
    expect_bad_key(s, "a/../../etc", "\"a/../../etc\"", "'.' or '..' segment");
    expect_bad_key(s, "a\x01z", "\"a\\x01z\"", "control character");
    expect_bad_key(s, "tab\there", "\"tab\\x09here\"", "control character");
    expect_bad_key(s, "del\x7f", "\"del\\x7f\"", "control character");
    expect_bad_key(s, ".wr-tmp-1-2-3", "\".wr-tmp-1-2-3\"", "reserved for temporary files");
    expect_bad_key(s, "a/.wr-tmp-x/b", "\"a/.wr-tmp-x/b\"", "reserved for temporary files");
    /* Exactly 1024 bytes, dot-names that are not "." or "..", quotes: fine. */
    wr_error err;
    memset(long_key, 'k', 1024);
    long_key[1024] = '\0';
    for (int i = 200; i < 1024; i += 200)
        long_key[i] = '/';
    assert_int_equal(wr_storage_put(s, long_key, "x", 1, &err), WR_OK);
    put_ok(s, "a/..b/.c/...", "dots");
    expect_get(s, "a/..b/.c/...", "dots");
    put_ok(s, "q\"uote", "q");
    /* Prefixes: the last segment may be empty or partial, the others follow the key rules. */
    wr_buf b;
    wr_buf_init(&b);
    uint32_t n;
    assert_int_equal(wr_storage_list(s, "/x", &b, &n, &err), WR_EINVAL);
    assert_int_equal(wr_storage_list(s, "../x", &b, &n, &err), WR_EINVAL);
    assert_non_null(strstr(err.msg, "\"../x\""));
    assert_int_equal(wr_storage_list(s, "a//", &b, &n, &err), WR_EINVAL);
    assert_int_equal(wr_storage_delete_prefix(s, "../", &err), WR_EINVAL);
    assert_int_equal(wr_storage_delete_prefix(s, "a\n", &err), WR_EINVAL);
    assert_string_equal(list_str(s, "a/.."), "a/..b/.c/...");
    assert_string_equal(list_str(s, "a/..b/."), "a/..b/.c/...");
    wr_buf_free(&b);
}

static void test_tmp_files(void **state)
{
    fixture *f = *state;
    wr_store *s = f->s;
    wr_error err;
    /* A temporary file of an unfinished put is never listed. */
    put_ok(s, "dir/k", "v");
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s/dir/.wr-tmp-99-1-abc", f->dir);
    assert_int_equal(wr_test_write_file(tmp, "partial"), 0);
    snprintf(tmp, sizeof tmp, "%s/.wr-tmp-99-2-abc", f->dir);
    assert_int_equal(wr_test_write_file(tmp, "partial"), 0);
    assert_string_equal(list_str(s, ""), "dir/k");
    assert_string_equal(list_str(s, "dir/"), "dir/k");
    assert_string_equal(list_str(s, ".wr"), "");
    unlink(tmp);
    snprintf(tmp, sizeof tmp, "%s/dir/.wr-tmp-99-1-abc", f->dir);
    unlink(tmp);

    /* A failed put leaves nothing: neither the key nor its temporary file, and an existing
     * object under the key is kept. */
    assert_int_equal(wr_storage_set_faults(s, "put-fail=1", &err), WR_OK);
    assert_int_equal(wr_storage_put(s, "new/key", "data", 4, &err), WR_EIO);
    assert_int_equal(err.domain, WR_DOMAIN_EXTERNAL);
    assert_non_null(strstr(err.msg, "injected fault"));
    assert_non_null(strstr(err.msg, "new/key"));
    assert_int_equal(wr_storage_put(s, "dir/k", "other", 5, &err), WR_EIO);
    assert_int_equal(wr_storage_set_faults(s, "", &err), WR_OK);
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_storage_get(s, "new/key", &b, &err), WR_ENOENT);
    wr_buf_free(&b);
    expect_get(s, "dir/k", "v");
    assert_int_equal(count_hidden(f->dir), 0);
    assert_string_equal(list_str(s, ""), "dir/k");
    /* Faults off again: puts work. */
    put_ok(s, "new/key", "data");
    expect_get(s, "new/key", "data");
}

/* One put per i; the outcome as a character: F failed, S short, C corrupt, ok '.'. */
static void run_faults(const char *dir, const char *spec, char *outcome, int n)
{
    wr_store *s;
    wr_error err;
    assert_int_equal(wr_storage_open(dir, &s, &err), WR_OK);
    assert_int_equal(wr_storage_set_faults(s, spec, &err), WR_OK);
    char data[64];
    for (int i = 0; i < n; i++) {
        char key[32];
        snprintf(key, sizeof key, "k/%03d", i);
        for (size_t j = 0; j < sizeof data; j++)
            data[j] = (char)(i + (int)j);
        int rc = wr_storage_put(s, key, data, sizeof data, &err);
        wr_buf b;
        wr_buf_init(&b);
        if (rc) {
            assert_int_equal(rc, WR_EIO);
            assert_non_null(strstr(err.msg, "injected fault"));
            assert_int_equal(wr_storage_get(s, key, &b, &err), WR_ENOENT);
            outcome[i] = 'F';
        } else {
            assert_int_equal(wr_storage_get(s, key, &b, &err), WR_OK);
            if (b.len < sizeof data) {
                assert_memory_equal(b.ptr, data, b.len); /* a truncated prefix */
                outcome[i] = 'S';
            } else {
                assert_int_equal(b.len, sizeof data);
                int diff = 0;
                for (size_t j = 0; j < sizeof data; j++)
                    if (b.ptr[j] != data[j]) {
                        diff++;
                        /* One flipped bit. */
                        assert_int_equal(__builtin_popcount((unsigned char)(b.ptr[j] ^ data[j])),
                                         1);
                    }
                assert_true(diff <= 1);
                outcome[i] = diff ? 'C' : '.';
            }
        }
        wr_buf_free(&b);
    }
    outcome[n] = '\0';
    assert_int_equal(count_hidden(dir), 0);
    wr_storage_close(s);
}

static void test_fault_determinism(void **state)
{
    (void)state;
    enum { N = 100 };
    char a[N + 1], b[N + 1], c[N + 1];
    const char *spec = "put-fail=0.2, short-write=0.2,corrupt = 0.2,seed=42";
    char *d1 = wr_test_tmpdir("storage-f1"), *d2 = wr_test_tmpdir("storage-f2");
    char *d3 = wr_test_tmpdir("storage-f3");
    run_faults(d1, spec, a, N);
    run_faults(d2, spec, b, N);
    run_faults(d3, "put-fail=0.2,short-write=0.2,corrupt=0.2,seed=43", c, N);
    assert_string_equal(a, b);           /* same seed, same faults */
    assert_string_not_equal(a, c);       /* another seed, others */
    int nf = 0, ns = 0, nc = 0, nok = 0; /* each kind happens, roughly as often as asked */
    for (int i = 0; i < N; i++) {
        nf += a[i] == 'F';
        ns += a[i] == 'S';
        nc += a[i] == 'C';
        nok += a[i] == '.';
    }
    assert_in_range(nf, 5, 40);
    assert_in_range(ns, 5, 40);
    assert_in_range(nc, 5, 40);
    assert_in_range(nok, 20, 65);

    /* Faults off: every put whole. */
    char *d4 = wr_test_tmpdir("storage-f4");
    run_faults(d4, NULL, c, 20);
    assert_string_equal(c, "....................");
    run_faults(d4, "short-write=1", c, 10);
    assert_string_equal(c, "SSSSSSSSSS");
    run_faults(d4, "corrupt=1,seed=5", c, 10);
    assert_string_equal(c, "CCCCCCCCCC");

    /* The environment variable, read at open. */
    setenv("WEIR_STORAGE_FAULTS", spec, 1);
    wr_store *s;
    wr_error err;
    assert_int_equal(wr_storage_open(d4, &s, &err), WR_OK);
    int fails = 0;
    for (int i = 0; i < N; i++) {
        char key[32];
        snprintf(key, sizeof key, "e/%03d", i);
        int rc = wr_storage_put(s, key, "0123456789", 10, &err);
        fails += rc != 0;
        assert_int_equal(rc != 0, a[i] == 'F'); /* the same sequence as set from code */
    }
    assert_int_equal(fails, nf);
    wr_storage_close(s);
    setenv("WEIR_STORAGE_FAULTS", "put-fail=1,bogus=2", 1);
    assert_int_equal(wr_storage_open(d4, &s, &err), WR_EINVAL);
    assert_non_null(strstr(err.msg, "WEIR_STORAGE_FAULTS"));
    assert_non_null(strstr(err.msg, "bogus=2"));
    unsetenv("WEIR_STORAGE_FAULTS");

    wr_test_rmtree(d1);
    wr_test_rmtree(d2);
    wr_test_rmtree(d3);
    wr_test_rmtree(d4);
    free(d1);
    free(d2);
    free(d3);
    free(d4);
}

static void test_fault_specs(void **state)
{
    fixture *f = *state;
    wr_store *s = f->s;
    wr_error err;
    struct {
        const char *spec, *named;
    } bad[] = {
        {"put-fail=2", "put-fail=2"},
        {"put-fail=-0.1", "put-fail=-0.1"},
        {"put-fail=abc", "put-fail=abc"},
        {"put-fail=", "put-fail="},
        {"put-fail", "put-fail"},
        {"seed=-1", "seed=-1"},
        {"seed=1x", "seed=1x"},
        {"corrupt=0.5,shortwrite=0.1", "shortwrite=0.1"},
        {"put-fail=0.1,,seed=1", "empty item"},
        {"put-fail=0.6,corrupt=0.6", "exceed 1"},
    };
    for (size_t i = 0; i < WR_ARRAY_LEN(bad); i++) {
        assert_int_equal(wr_storage_set_faults(s, bad[i].spec, &err), WR_EINVAL);
        assert_int_equal(err.domain, WR_DOMAIN_USER);
        if (!strstr(err.msg, bad[i].named)) fprintf(stderr, "message: %s\n", err.msg);
        assert_non_null(strstr(err.msg, bad[i].named));
    }
    assert_non_null(strstr(err.msg, "exceed"));
    assert_int_equal(wr_storage_set_faults(s, "corrupt=0.5,shortwrite=0.1", &err), WR_EINVAL);
    assert_non_null(strstr(err.msg, "did you mean 'short-write'"));
    /* Good specs; a bad spec leaves the previous setting. */
    assert_int_equal(wr_storage_set_faults(s, "put-fail=0,short-write=0,corrupt=0,seed=9", &err),
                     WR_OK);
    assert_int_equal(wr_storage_set_faults(s, "  ", &err), WR_OK);
    assert_int_equal(wr_storage_set_faults(s, NULL, &err), WR_OK);
    assert_int_equal(wr_storage_set_faults(s, "put-fail=1.0", &err), WR_OK);
    assert_int_equal(wr_storage_set_faults(s, "put-fail=x", &err), WR_EINVAL);
    assert_int_equal(wr_storage_put(s, "k", "v", 1, &err), WR_EIO);
    assert_int_equal(wr_storage_set_faults(s, NULL, &err), WR_OK);
    put_ok(s, "k", "v");
}

typedef struct thread_arg {
    wr_store *s;
    int id;
    int failures;
} thread_arg;

enum { PUTS_PER_THREAD = 50 };

static void *put_thread(void *p)
{
    thread_arg *a = p;
    for (int i = 0; i < PUTS_PER_THREAD; i++) {
        char key[64], val[64];
        /* Half in a directory of its own, half in a shared one. */
        snprintf(key, sizeof key, i % 2 ? "t%d/k%03d" : "shared/t%d-%03d", a->id, i);
        snprintf(val, sizeof val, "value %d %d", a->id, i);
        wr_error err;
        if (wr_storage_put(a->s, key, val, strlen(val), &err)) a->failures++;
    }
    return NULL;
}

static void test_concurrent_puts(void **state)
{
    fixture *f = *state;
    wr_thread th[4];
    thread_arg args[4];
    for (int t = 0; t < 4; t++) {
        args[t] = (thread_arg){f->s, t, 0};
        assert_int_equal(wr_thread_start(&th[t], "put", put_thread, &args[t]), WR_OK);
    }
    for (int t = 0; t < 4; t++) {
        assert_int_equal(wr_thread_join(&th[t]), WR_OK);
        assert_int_equal(args[t].failures, 0);
    }
    wr_buf b;
    wr_buf_init(&b);
    uint32_t n = 0;
    wr_error err;
    assert_int_equal(wr_storage_list(f->s, "", &b, &n, &err), WR_OK);
    assert_int_equal(n, 4 * PUTS_PER_THREAD);
    const char *prev = NULL, *p = b.ptr;
    for (uint32_t i = 0; i < n; i++) {
        if (prev) assert_true(strcmp(prev, p) < 0);
        prev = p;
        p += strlen(p) + 1;
    }
    wr_buf_free(&b);
    for (int t = 0; t < 4; t++)
        for (int i = 0; i < PUTS_PER_THREAD; i++) {
            char key[64], val[64];
            snprintf(key, sizeof key, i % 2 ? "t%d/k%03d" : "shared/t%d-%03d", t, i);
            snprintf(val, sizeof val, "value %d %d", t, i);
            expect_get(f->s, key, val);
        }
    assert_int_equal(count_hidden(f->dir), 0);
}

typedef struct race_arg {
    wr_store *s;
    int id;
    _Atomic bool *stop;
    int failures;
} race_arg;

static void *race_put(void *p)
{
    race_arg *a = p;
    for (int i = 0; i < 40; i++) {
        char key[64];
        snprintf(key, sizeof key, "race/d%d/k%03d", i % 3, i);
        wr_error err;
        if (wr_storage_put(a->s, key, "payload", 7, &err)) {
            fprintf(stderr, "put: %s\n", err.msg);
            a->failures++;
        }
    }
    return NULL;
}

static void *race_delete(void *p)
{
    race_arg *a = p;
    while (!atomic_load(a->stop)) {
        wr_error err;
        if (wr_storage_delete_prefix(a->s, a->id ? "race/" : "race/d1", &err)) {
            fprintf(stderr, "delete_prefix: %s\n", err.msg);
            a->failures++;
        }
    }
    return NULL;
}

/* delete_prefix running while puts write under the prefix: every put succeeds (it lands
 * before or after a delete), nothing fails, no temporary file is left. */
static void test_delete_races_puts(void **state)
{
    fixture *f = *state;
    _Atomic bool stop = false;
    wr_thread th[4];
    race_arg args[4];
    for (int t = 0; t < 4; t++) {
        args[t] = (race_arg){f->s, t % 2, &stop, 0};
        assert_int_equal(wr_thread_start(&th[t], "race", t < 2 ? race_put : race_delete, &args[t]),
                         WR_OK);
    }
    assert_int_equal(wr_thread_join(&th[0]), WR_OK);
    assert_int_equal(wr_thread_join(&th[1]), WR_OK);
    atomic_store(&stop, true);
    assert_int_equal(wr_thread_join(&th[2]), WR_OK);
    assert_int_equal(wr_thread_join(&th[3]), WR_OK);
    for (int t = 0; t < 4; t++)
        assert_int_equal(args[t].failures, 0);
    assert_int_equal(count_hidden(f->dir), 0);
    wr_error err;
    assert_int_equal(wr_storage_delete_prefix(f->s, "race/", &err), WR_OK);
    assert_false(path_exists(f->dir, "race"));
}

/* Every allocation of put, get, list and delete_prefix failing in turn: WR_ENOMEM, no
 * leak, no temporary file, and the store still works. */
static void test_alloc_failures(void **state)
{
    fixture *f = *state;
    wr_store *s = f->s;
    put_ok(s, "a/x", "1");
    put_ok(s, "a/y", "2");
    for (int n = 1; n < 40; n++) {
        int64_t live = wr_mem_live_allocs();
        wr_error err;
        wr_buf b;
        wr_buf_init(&b);
        uint32_t cnt;
        wr_mem_fail_after(n);
        int r1 = wr_storage_put(s, "a/z/new", "data", 4, &err);
        assert_true(r1 == WR_OK || r1 == WR_ENOMEM);
        int r2 = wr_storage_get(s, "a/x", &b, &err);
        assert_true(r2 == WR_OK || r2 == WR_ENOMEM);
        if (r2 == WR_ENOMEM) assert_int_equal(b.len, 0);
        int r3 = wr_storage_list(s, "a/", &b, &cnt, &err);
        assert_true(r3 == WR_OK || r3 == WR_ENOMEM);
        int r4 = wr_storage_delete_prefix(s, "a/z", &err);
        assert_true(r4 == WR_OK || r4 == WR_ENOMEM);
        wr_mem_fail_off();
        wr_buf_free(&b);
        assert_int_equal(wr_mem_live_allocs(), live);
        assert_int_equal(count_hidden(f->dir), 0);
        assert_int_equal(wr_storage_delete_prefix(s, "a/z", &err), WR_OK);
    }
    assert_string_equal(list_str(s, ""), "a/x a/y");
}

/* The root removed under an open store: puts fail at once with WR_EIO and the path (no
 * retry loop), reads find nothing. */
static void test_root_removed(void **state)
{
    fixture *f = *state;
    wr_store *s;
    wr_error err;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/gone", f->dir);
    assert_int_equal(wr_storage_open(dir, &s, &err), WR_OK);
    put_ok(s, "a/b", "1");
    wr_test_rmtree(dir);
    int64_t t0 = wr_mono_us();
    assert_int_equal(wr_storage_put(s, "k", "v", 1, &err), WR_EIO);
    assert_non_null(strstr(err.msg, dir));
    assert_non_null(strstr(err.msg, "No such file or directory"));
    assert_int_equal(wr_storage_put(s, "a/b/c", "v", 1, &err), WR_EIO);
    assert_non_null(strstr(err.msg, dir));
    /* A bound against the retry loop (about 100 s) only, far from any speed. */
    assert_true(wr_mono_us() - t0 < 30 * 1000000);
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_storage_get(s, "a/b", &b, &err), WR_ENOENT);
    uint32_t n = 1;
    assert_int_equal(wr_storage_list(s, "", &b, &n, &err), WR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(wr_storage_delete_prefix(s, "a/", &err), WR_OK);
    wr_buf_free(&b);
    wr_storage_close(s);
}

static void test_urls(void **state)
{
    (void)state;
    wr_store *s;
    wr_error err;
    char *dir = wr_test_tmpdir("storage-url");
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));

    /* A relative path is created with its parents and shown absolute. */
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(wr_storage_open("rel/store/", &s, &err), WR_OK);
    char want[4200];
    char *real = realpath(dir, NULL);
    snprintf(want, sizeof want, "%s/rel/store", real);
    assert_string_equal(wr_storage_url(s), want);
    put_ok(s, "x", "1");
    wr_storage_close(s);
    assert_int_equal(chdir(cwd), 0);
    assert_true(path_exists(dir, "rel/store/x"));

    /* file:///abs and file://localhost/abs name the same directory. */
    char url[4200];
    snprintf(url, sizeof url, "file://%s/rel/store", real);
    assert_int_equal(wr_storage_open(url, &s, &err), WR_OK);
    assert_string_equal(wr_storage_url(s), want);
    expect_get(s, "x", "1");
    wr_storage_close(s);
    snprintf(url, sizeof url, "file://localhost%s/rel/store", real);
    assert_int_equal(wr_storage_open(url, &s, &err), WR_OK);
    expect_get(s, "x", "1");
    wr_storage_close(s);
    snprintf(url, sizeof url, "file:%s/new", real);
    assert_int_equal(wr_storage_open(url, &s, &err), WR_OK);
    wr_storage_close(s);
    assert_true(path_exists(dir, "new"));

    /* s3:// goes to the S3 kind (test_storage_s3.c), which refuses a bad bucket name before
     * it reads any setting; other schemes and hosts are refused. */
    s = (wr_store *)1;
    assert_int_equal(wr_storage_open("s3://b/prefix", &s, &err), WR_EINVAL);
    assert_null(s);
    assert_non_null(strstr(err.msg, "s3://b/prefix"));
    assert_int_equal(err.domain, WR_DOMAIN_USER);
    assert_int_equal(wr_storage_open("hdfs://nn/x", &s, &err), WR_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "'hdfs'"));
    assert_int_equal(wr_storage_open("file://otherhost/x", &s, &err), WR_EINVAL);
    assert_int_equal(wr_storage_open("file:relative", &s, &err), WR_EINVAL);
    assert_int_equal(wr_storage_open("", &s, &err), WR_EINVAL);
    /* A file where the directory should be. */
    snprintf(url, sizeof url, "%s/rel/store/x", real);
    assert_int_not_equal(wr_storage_open(url, &s, &err), WR_OK);
    assert_non_null(strstr(err.msg, url));
    snprintf(url, sizeof url, "%s/rel/store/x/below", real);
    assert_int_equal(wr_storage_open(url, &s, &err), WR_EIO);
    assert_int_equal(err.domain, WR_DOMAIN_EXTERNAL);
    assert_non_null(strstr(err.msg, "Not a directory"));

    free(real);
    wr_test_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_put_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tmp_files, setup, teardown),
        cmocka_unit_test(test_fault_determinism),
        cmocka_unit_test_setup_teardown(test_fault_specs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_puts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_races_puts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_removed, setup, teardown),
        cmocka_unit_test(test_urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
