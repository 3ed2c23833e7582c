/* test_storage_s3.c - the S3 object store. First AWS Signature Version 4 against AWS's
 * published examples (the SigV4 test suite's get-vanilla cases and the S3 developer guide's
 * GET/PUT/list examples): canonical request, string to sign and signature; the XML scanner
 * on good, odd and truncated responses; against a scripted loopback HTTP server, retries of
 * 503s and the signature of the request the store really sends. Then every store
 * operation against a real peer, s3rver (npm, installed into tests/peers by
 * scripts/install-deps), started on a free loopback port with a bucket, and stopped at the end:
 * put/get/range/size, a 20 MiB multipart upload, listing of more than 1000 keys (continuation
 * tokens) from several threads, delete and delete_prefix (DeleteObjects), odd characters in
 * keys, missing keys and buckets, bad credentials, a dead endpoint, fault injection and the
 * settings read at open. When node or s3rver is missing the live tests are skipped with a
 * message saying so; the signing tests always run. */
#define _GNU_SOURCE
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/storage_internal.h"

/* ------------------------------------------------------------------------------------------
 * SigV4 against AWS's published examples
 * ---------------------------------------------------------------------------------------- */

#define SUITE_AK "AKIDEXAMPLE"
#define SUITE_SK "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define S3_AK    "AKIAIOSFODNN7EXAMPLE"
#define S3_SK    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define EMPTY    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void sign(const char *method, const char *uri, const wr_s3_kv *q, size_t nq,
                 const wr_s3_kv *h, size_t nh, const char *payload, const char *date,
                 const char *service, const char *ak, const char *sk, wr_buf *creq, wr_buf *sts,
                 wr_buf *auth)
{
    wr_buf query;
    wr_buf_init(&query);
    assert_int_equal(wr_s3_canonical_query(&query, q, nq), WR_OK);
    wr_s3_sigv4 in = {.method = method,
                      .canonical_uri = uri,
                      .canonical_query = query.len ? query.ptr : "",
                      .headers = h,
                      .nheaders = nh,
                      .payload_hash = payload,
                      .amz_date = date,
                      .region = "us-east-1",
                      .service = service,
                      .access_key = ak,
                      .secret_key = sk};
    assert_int_equal(wr_s3_sign(&in, creq, sts, auth), WR_OK);
    wr_buf_free(&query);
}

/* The SigV4 test suite: get-vanilla and get-vanilla-query-order-key-case. */
static void test_sigv4_suite(void **state)
{
    (void)state;
    wr_buf creq, sts, auth;
    wr_buf_init(&creq);
    wr_buf_init(&sts);
    wr_buf_init(&auth);
    /* Header names in mixed case, given out of order: both are normalized. */
    wr_s3_kv h[] = {{"X-Amz-Date", "20150830T123600Z"}, {"Host", "example.amazonaws.com"}};
    sign("GET", "/", NULL, 0, h, 2, EMPTY, "20150830T123600Z", "service", SUITE_AK, SUITE_SK, &creq,
         &sts, &auth);
    assert_string_equal(creq.ptr,
                        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"
                        "\nhost;x-amz-date\n" EMPTY);
    assert_string_equal(sts.ptr,
                        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/"
                        "aws4_request\n"
                        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    assert_string_equal(
        auth.ptr, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                  "aws4_request, SignedHeaders=host;x-amz-date, "
                  "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

    wr_buf_clear(&auth);
    wr_s3_kv q[] = {{"Param2", "value2"}, {"Param1", "value1"}};
    sign("GET", "/", q, 2, h, 2, EMPTY, "20150830T123600Z", "service", SUITE_AK, SUITE_SK, NULL,
         NULL, &auth);
    assert_non_null(strstr(auth.ptr, "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3"
                                     "219ec94cdf2500"));
    wr_buf_free(&creq);
    wr_buf_free(&sts);
    wr_buf_free(&auth);
}

/* The S3 developer guide's examples (bucket "examplebucket", 2013-05-24). */
static void test_sigv4_s3_examples(void **state)
{
    (void)state;
    wr_buf creq, sts, auth;
    wr_buf_init(&creq);
    wr_buf_init(&sts);
    wr_buf_init(&auth);
    /* GET Object with a Range header. */
    wr_s3_kv h[] = {{"Host", "examplebucket.s3.amazonaws.com"},
                    {"Range", "bytes=0-9"},
                    {"x-amz-content-sha256", EMPTY},
                    {"x-amz-date", "20130524T000000Z"}};
    sign("GET", "/test.txt", NULL, 0, h, 4, EMPTY, "20130524T000000Z", "s3", S3_AK, S3_SK, &creq,
         &sts, &auth);
    assert_string_equal(creq.ptr, "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\n"
                                  "range:bytes=0-9\nx-amz-content-sha256:" EMPTY "\n"
                                  "x-amz-date:20130524T000000Z\n\n"
                                  "host;range;x-amz-content-sha256;x-amz-date\n" EMPTY);
    assert_string_equal(sts.ptr,
                        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/"
                        "aws4_request\n"
                        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    assert_string_equal(
        auth.ptr, "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
                  "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                  "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

    /* PUT Object: a '$' in the key is encoded, the body hash is the payload's. */
    const char *body = "Welcome to Amazon S3.";
    char ph[65];
    wr_s3_sha256_hex(body, strlen(body), ph);
    assert_string_equal(ph, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    wr_buf uri;
    wr_buf_init(&uri);
    assert_int_equal(wr_buf_putc(&uri, '/'), WR_OK);
    assert_int_equal(wr_s3_uri_encode(&uri, "test$file.text", 14, true), WR_OK);
    assert_string_equal(uri.ptr, "/test%24file.text");
    wr_s3_kv hp[] = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                     {"x-amz-date", "20130524T000000Z"},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                     {"x-amz-content-sha256", ph}};
    wr_buf_clear(&auth);
    sign("PUT", uri.ptr, NULL, 0, hp, 5, ph, "20130524T000000Z", "s3", S3_AK, S3_SK, NULL, NULL,
         &auth);
    assert_non_null(strstr(auth.ptr, "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;"
                                     "x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c2"
                                     "38d841ea1380cd77a1b5971af0ece108bd"));

    /* GET Bucket (list objects): the query sorted by name. */
    wr_s3_kv hl[] = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"x-amz-content-sha256", EMPTY},
                     {"x-amz-date", "20130524T000000Z"}};
    wr_s3_kv ql[] = {{"prefix", "J"}, {"max-keys", "2"}};
    wr_buf_clear(&auth);
    wr_buf_clear(&sts);
    sign("GET", "/", ql, 2, hl, 3, EMPTY, "20130524T000000Z", "s3", S3_AK, S3_SK, NULL, &sts,
         &auth);
    assert_non_null(
        strstr(sts.ptr, "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7"));
    assert_non_null(strstr(auth.ptr, "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670e"
                                     "d5711ef69dc6f7"));

    /* GET Bucket lifecycle: a parameter without a value signs as "lifecycle=". */
    wr_s3_kv qc[] = {{"lifecycle", NULL}};
    wr_buf_clear(&auth);
    sign("GET", "/", qc, 1, hl, 3, EMPTY, "20130524T000000Z", "s3", S3_AK, S3_SK, NULL, NULL,
         &auth);
    assert_non_null(strstr(auth.ptr, "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a"
                                     "200a0136783543"));
    wr_buf_free(&uri);
    wr_buf_free(&creq);
    wr_buf_free(&sts);
    wr_buf_free(&auth);
}

static void test_sigv4_encoding(void **state)
{
    (void)state;
    wr_buf b;
    wr_buf_init(&b);
    wr_s3_kv q[] = {{"uploads", ""}, {"a", "x y/z"}, {"prefix", "chk-1/\xc3\xa9+&="}};
    assert_int_equal(wr_s3_canonical_query(&b, q, 3), WR_OK);
    assert_string_equal(b.ptr, "a=x%20y%2Fz&prefix=chk-1%2F%C3%A9%2B%26%3D&uploads=");
    wr_buf_clear(&b);
    assert_int_equal(wr_s3_uri_encode(&b, "a b/c~d_e.f-g:h", 15, true), WR_OK);
    assert_string_equal(b.ptr, "a%20b/c~d_e.f-g%3Ah");
    /* Header values are trimmed and inner spaces collapsed; repeated names joined by ','. */
    wr_buf creq, auth;
    wr_buf_init(&creq);
    wr_buf_init(&auth);
    wr_s3_kv h[] = {{"My-Header1", "  a   b  c "}, {"host", "h"}, {"my-header1", "d"}};
    sign("GET", "/", NULL, 0, h, 3, EMPTY, "20150830T123600Z", "service", SUITE_AK, SUITE_SK, &creq,
         NULL, &auth);
    assert_string_equal(creq.ptr,
                        "GET\n/\n\nhost:h\nmy-header1:a b c,d\n\nhost;my-header1\n" EMPTY);
    /* A malformed date is refused. */
    wr_s3_sigv4 in = {.method = "GET",
                      .canonical_uri = "/",
                      .canonical_query = "",
                      .headers = h,
                      .nheaders = 1,
                      .payload_hash = EMPTY,
                      .amz_date = "2015-08-30",
                      .region = "r",
                      .service = "s",
                      .access_key = "a",
                      .secret_key = "s"};
    assert_int_equal(wr_s3_sign(&in, NULL, NULL, &auth), WR_EINVAL);
    wr_buf_free(&b);
    wr_buf_free(&creq);
    wr_buf_free(&auth);
}

static bool xml(const char *doc, const char *tag, wr_buf *out)
{
    /* A copy of exactly strlen(doc) bytes, so that ASan catches a read past the end. */
    size_t n = strlen(doc);
    char *c = malloc(n ? n : 1);
    memcpy(c, doc, n);
    bool ok = wr_s3_xml_text(c, c + n, tag, out);
    free(c);
    return ok;
}

/* The XML scanner of S3 responses: entities, attributes, empty elements, prefixes of other
 * names, and every truncation of a document. */
static void test_xml_scanner(void **state)
{
    (void)state;
    wr_buf b;
    wr_buf_init(&b);
    assert_true(
        xml("<a><Key>x&amp;y&lt;&gt;&quot;&apos;&#65;&#x42;&#x10348;</Key></a>", "Key", &b));
    assert_string_equal(b.ptr, "x&y<>\"'AB\xf0\x90\x8d\x88");
    /* Unknown or malformed entities stay as they are. */
    assert_true(xml("<Key>&nope; &#; &#xZZ; &#0; &amp</Key>", "Key", &b));
    assert_string_equal(b.ptr, "&nope; &#; &#xZZ; &#0; &amp");
    /* <KeyCount> is not <Key>; attributes; an empty element. */
    assert_true(xml("<KeyCount>3</KeyCount><Key a=\"1\">k</Key>", "Key", &b));
    assert_string_equal(b.ptr, "k");
    assert_true(xml("<r><Key/><Key>z</Key></r>", "Key", &b));
    assert_string_equal(b.ptr, "");
    assert_false(xml("<r><Other>1</Other></r>", "Key", &b));
    assert_false(xml("", "Key", &b));
    /* Every prefix of a document: no element unless it is closed, never a read past it. */
    const char *doc = "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b"
                      "</Key></Contents><NextContinuationToken>t==</NextContinuationToken>"
                      "</ListBucketResult>";
    size_t n = strlen(doc);
    char *c = malloc(n);
    memcpy(c, doc, n);
    for (size_t i = 0; i <= n; i++) {
        bool k = wr_s3_xml_text(c, c + i, "Key", &b);
        const char *close = strstr(doc, "</Key>");
        assert_int_equal(k, i >= (size_t)(close - doc) + 6);
        if (k) assert_string_equal(b.ptr, "a&b");
        wr_s3_xml_text(c, c + i, "NextContinuationToken", &b);
        wr_s3_xml_text(c, c + i, "IsTruncated", &b);
    }
    free(c);
    wr_buf_free(&b);
}

/* ------------------------------------------------------------------------------------------
 * The live peer: s3rver
 * ---------------------------------------------------------------------------------------- */

#define BUCKET "weir-test"

static pid_t server_pid = -1;
static int server_port;
static char *server_dir;
static char endpoint[64];
static const char *skip_reason;

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static bool port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0) close(fd);
    return ok;
}

static void stop_server(void)
{
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
        server_pid = -1;
    }
}

/* Start s3rver on a free loopback port with the bucket BUCKET; false with skip_reason set
 * when it cannot be had. */
static bool start_server(void)
{
    static char script[4096];
    const char *data = getenv("WEIR_TEST_DATA");
    snprintf(script, sizeof script, "%s/../peers/node_modules/s3rver/bin/s3rver.js",
             data ? data : "tests/data");
    if (access(script, R_OK) != 0) {
        skip_reason = "s3rver is not installed in tests/peers (run scripts/install-deps)";
        return false;
    }
    if (system("node --version >/dev/null 2>&1") != 0) {
        skip_reason = "node is not installed (run scripts/install-deps)";
        return false;
    }
    server_dir = wr_test_tmpdir("s3rver");
    for (int tries = 0; tries < 3; tries++) {
        server_port = free_port();
        if (server_port < 0) break;
        char port[16];
        snprintf(port, sizeof port, "%d", server_port);
        pid_t pid = fork();
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive the test */
            /* s3rver's continuation tokens use DES, which OpenSSL 3 keeps in its legacy
             * provider. */
            execlp("node", "node", "--openssl-legacy-provider", script, "-d", server_dir, "-a",
                   "127.0.0.1", "-p", port, "--silent", "--configure-bucket", BUCKET, (char *)NULL);
            _exit(127);
        }
        if (pid < 0) break;
        server_pid = pid;
        /* Ready when it accepts connections (at most 30 s); a child that exited lost the
         * port to someone else (or could not start): try another. */
        for (int i = 0; i < 600; i++) {
            if (port_open(server_port)) {
                snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%d", server_port);
                return true;
            }
            if (waitpid(pid, NULL, WNOHANG) == pid) {
                server_pid = -1;
                break;
            }
            usleep(50000);
        }
        stop_server();
    }
    skip_reason = "s3rver did not start";
    return false;
}

static void set_env(void)
{
    setenv("WEIR_S3_ENDPOINT", endpoint, 1);
    setenv("WEIR_S3_ACCESS_KEY", "S3RVER", 1); /* s3rver's built-in account */
    setenv("WEIR_S3_SECRET_KEY", "S3RVER", 1);
    setenv("WEIR_S3_REGION", "us-east-1", 1);
    unsetenv("WEIR_S3_PATH_STYLE_ACCESS");
    unsetenv("WEIR_S3_MAX_RETRIES");
    unsetenv("WEIR_S3_SESSION_TOKEN");
    unsetenv("AWS_SESSION_TOKEN");
    unsetenv("WEIR_STORAGE_FAULTS");
}

static int group_setup(void **state)
{
    (void)state;
    if (!start_server())
        fprintf(stderr, "test_storage_s3: SKIPPING the tests against a live S3 peer: %s\n",
                skip_reason);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    stop_server();
    if (server_dir) {
        wr_test_rmtree(server_dir);
        free(server_dir);
    }
    return 0;
}

typedef struct fixture {
    wr_store *s;
    int64_t live;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    *state = f;
    if (server_pid <= 0) return 0;
    set_env();
    f->live = wr_mem_live_allocs();
    wr_error err;
    if (wr_storage_open("s3://" BUCKET "/root/dir", &f->s, &err)) {
        fprintf(stderr, "open: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->s) {
        wr_error err;
        int rc = wr_storage_delete_prefix(f->s, "", &err);
        if (rc) fprintf(stderr, "delete_prefix: %s\n", err.msg);
        assert_int_equal(rc, WR_OK);
        wr_storage_close(f->s);
        assert_int_equal(wr_mem_live_allocs(), f->live);
    }
    free(f);
    return 0;
}

#define NEED_SERVER()                                                                              \
    do {                                                                                           \
        if (server_pid <= 0) skip();                                                               \
    } while (0)

static void put_ok(wr_store *s, const char *key, const void *data, size_t len)
{
    wr_error err;
    int rc = wr_storage_put(s, key, data, len, &err);
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
    if (b.len) assert_memory_equal(b.ptr, text, b.len);
    wr_buf_free(&b);
}

static void expect_range(wr_store *s, const char *key, uint64_t off, size_t len, const char *text)
{
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_buf_append_c(&b, "pre:"), WR_OK); /* appended after what is there */
    wr_error err;
    int rc = wr_storage_get_range(s, key, off, len, &b, &err);
    if (rc) fprintf(stderr, "range %s: %s\n", key, err.msg);
    assert_int_equal(rc, WR_OK);
    assert_int_equal(b.len, 4 + strlen(text));
    assert_memory_equal(b.ptr, "pre:", 4);
    if (strlen(text)) assert_memory_equal(b.ptr + 4, text, strlen(text));
    wr_buf_free(&b);
}

static void test_put_get_size(void **state)
{
    NEED_SERVER();
    fixture *f = *state;
    wr_error err;
    put_ok(f->s, "a.txt", "hello world", 11);
    expect_get(f->s, "a.txt", "hello world");
    put_ok(f->s, "a.txt", "replaced", 8);
    expect_get(f->s, "a.txt", "replaced");
    put_ok(f->s, "chk-1/empty", "", 0);
    expect_get(f->s, "chk-1/empty", "");
    uint64_t size = 99;
    assert_int_equal(wr_storage_size(f->s, "a.txt", &size, &err), WR_OK);
    assert_int_equal(size, 8);
    assert_int_equal(wr_storage_size(f->s, "chk-1/empty", &size, &err), WR_OK);
    assert_int_equal(size, 0);
    /* Odd characters survive the URL encoding, the signature and the XML of listings. */
    const char *odd = "d/a b+c%d=\xc3\xa9&<x>'\"~$.snap";
    put_ok(f->s, odd, "odd", 3);
    expect_get(f->s, odd, "odd");
    wr_buf l;
    wr_buf_init(&l);
    uint32_t n = 0;
    assert_int_equal(wr_storage_list(f->s, "d/", &l, &n, &err), WR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(l.ptr, odd);
    assert_string_equal(wr_storage_url(f->s), "s3://" BUCKET "/root/dir");
    wr_buf_free(&l);
}

static void test_ranges(void **state)
{
    NEED_SERVER();
    fixture *f = *state;
    put_ok(f->s, "r", "0123456789", 10);
    expect_range(f->s, "r", 0, 4, "0123");
    expect_range(f->s, "r", 3, 4, "3456");
    expect_range(f->s, "r", 7, 100, "789"); /* fewer at the end */
    expect_range(f->s, "r", 9, 1, "9");
    expect_range(f->s, "r", 10, 5, ""); /* at the end */
    expect_range(f->s, "r", 50, 5, ""); /* past the end */
    expect_range(f->s, "r", 2, 0, "");
    expect_range(f->s, "r", 4, SIZE_MAX, "456789");
    wr_buf b;
    wr_buf_init(&b);
    wr_error err;
    assert_int_equal(wr_storage_get_range(f->s, "missing", 0, 0, &b, &err), WR_ENOENT);
    assert_int_equal(wr_storage_get_range(f->s, "missing", 2, 5, &b, &err), WR_ENOENT);
    assert_int_equal(b.len, 0);
    wr_buf_free(&b);
}

static void test_missing(void **state)
{
    NEED_SERVER();
    fixture *f = *state;
    wr_buf b;
    wr_buf_init(&b);
    wr_error err;
    assert_int_equal(wr_storage_get(f->s, "no/such", &b, &err), WR_ENOENT);
    assert_int_equal(err.domain, WR_DOMAIN_EXTERNAL);
    assert_false(err.retryable);
    assert_non_null(strstr(err.msg, "GetObject"));
    assert_non_null(strstr(err.msg, "\"no/such\""));
    assert_non_null(strstr(err.msg, "HTTP 404 NoSuchKey"));
    assert_non_null(strstr(err.msg, "s3://" BUCKET "/root/dir"));
    uint64_t size;
    assert_int_equal(wr_storage_size(f->s, "no/such", &size, &err), WR_ENOENT);
    assert_non_null(strstr(err.msg, "HeadObject"));
    /* delete of a missing key is OK */
    assert_int_equal(wr_storage_delete(f->s, "no/such", &err), WR_OK);
    assert_int_equal(wr_storage_delete_prefix(f->s, "no/", &err), WR_OK);
    uint32_t n = 7;
    assert_int_equal(wr_storage_list(f->s, "no/", &b, &n, &err), WR_OK);
    assert_int_equal(n, 0);
    /* Keys are validated before any request. */
    assert_int_equal(wr_storage_put(f->s, "a//b", "x", 1, &err), WR_EINVAL);
    wr_buf_free(&b);
}

/* 20 MiB: three parts (8 + 8 + 4 MiB). */
static void test_multipart(void **state)
{
    NEED_SERVER();
    fixture *f = *state;
    size_t len = (size_t)20 << 20;
    char *data = malloc(len);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        data[i] = (char)x;
    }
    put_ok(f->s, "big/object", data, len);
    wr_error err;
    uint64_t size = 0;
    assert_int_equal(wr_storage_size(f->s, "big/object", &size, &err), WR_OK);
    assert_int_equal(size, len);
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_storage_get(f->s, "big/object", &b, &err), WR_OK);
    assert_int_equal(b.len, len);
    assert_memory_equal(b.ptr, data, len);
    /* A range across the first part boundary. */
    wr_buf_clear(&b);
    size_t at = ((size_t)8 << 20) - 100;
    assert_int_equal(wr_storage_get_range(f->s, "big/object", at, 300, &b, &err), WR_OK);
    assert_int_equal(b.len, 300);
    assert_memory_equal(b.ptr, data + at, 300);
    /* Exactly the single-PUT limit, and one byte over it. */
    put_ok(f->s, "big/limit", data, (size_t)8 << 20);
    put_ok(f->s, "big/over", data, ((size_t)8 << 20) + 1);
    wr_buf_clear(&b);
    assert_int_equal(wr_storage_get(f->s, "big/over", &b, &err), WR_OK);
    assert_int_equal(b.len, ((size_t)8 << 20) + 1);
    assert_memory_equal(b.ptr, data, b.len);
    wr_buf_free(&b);
    free(data);
}

typedef struct put_job {
    wr_store *s;
    int from, to;
    int failures;
} put_job;

static void *put_many(void *arg)
{
    put_job *j = arg;
    for (int i = j->from; i < j->to; i++) {
        char key[64], val[32];
        snprintf(key, sizeof key, "many/k-%05d", i);
        snprintf(val, sizeof val, "v%d", i);
        wr_error err;
        if (wr_storage_put(j->s, key, val, strlen(val), &err)) {
            fprintf(stderr, "put %s: %s\n", key, err.msg);
            j->failures++;
        }
    }
    return NULL;
}

/* More than 1000 keys (ListObjectsV2 pages of 1000, continuation tokens), written from four
 * threads at once on one handle; then delete_prefix in two DeleteObjects batches. */
static void test_list_many_and_delete_prefix(void **state)
{
    NEED_SERVER();
    fixture *f = *state;
    enum { N = 1234, T = 4 };
    pthread_t th[T];
    put_job jobs[T];
    for (int t = 0; t < T; t++) {
        jobs[t] = (put_job){f->s, t * N / T, (t + 1) * N / T, 0};
        pthread_create(&th[t], NULL, put_many, &jobs[t]);
    }
    for (int t = 0; t < T; t++) {
        pthread_join(th[t], NULL);
        assert_int_equal(jobs[t].failures, 0);
    }
    /* (Not "many-x/": s3rver walks its directories, so a listing across pages is in byte
     * order only when no sibling name sorts between "many" and "many/".) */
    put_ok(f->s, "manyz/x", "x", 1);
    put_ok(f->s, "other/y", "y", 1);

    wr_buf l;
    wr_buf_init(&l);
    wr_error err;
    uint32_t n = 0;
    assert_int_equal(wr_storage_list(f->s, "many/", &l, &n, &err), WR_OK);
    assert_int_equal(n, N);
    const char *p = l.ptr;
    for (int i = 0; i < N; i++) {
        char key[64];
        snprintf(key, sizeof key, "many/k-%05d", i);
        assert_string_equal(p, key);
        p += strlen(p) + 1;
    }
    /* A partial last segment matches as a string. */
    wr_buf_clear(&l);
    assert_int_equal(wr_storage_list(f->s, "many/k-0100", &l, &n, &err), WR_OK);
    assert_int_equal(n, 10);
    wr_buf_clear(&l);
    assert_int_equal(wr_storage_list(f->s, "many", &l, &n, &err), WR_OK);
    assert_int_equal(n, N + 1);
    expect_get(f->s, "many/k-01233", "v1233");

    /* Another prefix in the same bucket sees none of it. */
    wr_store *other;
    assert_int_equal(wr_storage_open("s3://" BUCKET "/root/dir2", &other, &err), WR_OK);
    wr_buf_clear(&l);
    assert_int_equal(wr_storage_list(other, "", &l, &n, &err), WR_OK);
    assert_int_equal(n, 0);
    wr_storage_close(other);

    assert_int_equal(wr_storage_delete_prefix(f->s, "many/", &err), WR_OK);
    wr_buf_clear(&l);
    assert_int_equal(wr_storage_list(f->s, "", &l, &n, &err), WR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(l.ptr, "manyz/x");
    assert_string_equal(l.ptr + strlen(l.ptr) + 1, "other/y");
    assert_int_equal(wr_storage_delete(f->s, "other/y", &err), WR_OK);
    wr_buf_clear(&l);
    assert_int_equal(wr_storage_get(f->s, "other/y", &l, &err), WR_ENOENT);
    wr_buf_free(&l);
}

static void test_errors(void **state)
{
    NEED_SERVER();
    (void)state;
    wr_error err;
    wr_store *s;
    wr_buf b;
    wr_buf_init(&b);

    /* An access key s3rver does not know: 403, not retryable, the secret in no message. */
    setenv("WEIR_S3_ACCESS_KEY", "NOT-A-KEY", 1);
    setenv("WEIR_S3_SECRET_KEY", "very-secret-value", 1);
    assert_int_equal(wr_storage_open("s3://" BUCKET "/p", &s, &err), WR_OK);
    assert_int_equal(wr_storage_put(s, "k", "x", 1, &err), WR_EIO);
    assert_non_null(strstr(err.msg, "PutObject"));
    assert_non_null(strstr(err.msg, "HTTP 403 InvalidAccessKeyId"));
    assert_null(strstr(err.msg, "very-secret-value"));
    assert_int_equal(err.domain, WR_DOMAIN_EXTERNAL);
    assert_false(err.retryable);
    wr_storage_close(s);
    set_env();

    /* A missing bucket. */
    assert_int_equal(wr_storage_open("s3://no-such-bucket/p", &s, &err), WR_OK);
    assert_int_not_equal(wr_storage_put(s, "k", "x", 1, &err), WR_OK);
    assert_non_null(strstr(err.msg, "NoSuchBucket"));
    wr_storage_close(s);

    /* Nobody listening: retried (once here), then a retryable WR_EIO. */
    char dead[64];
    snprintf(dead, sizeof dead, "http://127.0.0.1:%d", free_port());
    setenv("WEIR_S3_ENDPOINT", dead, 1);
    setenv("WEIR_S3_MAX_RETRIES", "1", 1);
    assert_int_equal(wr_storage_open("s3://" BUCKET "/p", &s, &err), WR_OK);
    assert_int_equal(wr_storage_get(s, "k", &b, &err), WR_EIO);
    assert_true(err.retryable);
    assert_non_null(strstr(err.msg, "GetObject"));
    assert_non_null(strstr(err.msg, "no response"));
    wr_storage_close(s);
    set_env();

    /* Settings refused at open. */
    unsetenv("WEIR_S3_ACCESS_KEY");
    unsetenv("AWS_ACCESS_KEY_ID");
    assert_int_equal(wr_storage_open("s3://" BUCKET "/p", &s, &err), WR_ECONFIG);
    assert_non_null(strstr(err.msg, "WEIR_S3_ACCESS_KEY"));
    set_env();
    setenv("WEIR_S3_PATH_STYLE_ACCESS", "maybe", 1);
    assert_int_equal(wr_storage_open("s3://" BUCKET "/p", &s, &err), WR_ECONFIG);
    set_env();
    setenv("WEIR_S3_ENDPOINT", "ftp://x", 1);
    assert_int_equal(wr_storage_open("s3://" BUCKET "/p", &s, &err), WR_ECONFIG);
    set_env();
    assert_int_equal(wr_storage_open("s3://x", &s, &err), WR_EINVAL);
    assert_int_equal(wr_storage_open("s3://" BUCKET "/a/../b", &s, &err), WR_EINVAL);
    /* The AWS_* fallbacks, and a bucket root without a prefix. */
    unsetenv("WEIR_S3_ACCESS_KEY");
    unsetenv("WEIR_S3_SECRET_KEY");
    setenv("AWS_ACCESS_KEY_ID", "S3RVER", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "S3RVER", 1);
    assert_int_equal(wr_storage_open("s3://" BUCKET, &s, &err), WR_OK);
    assert_string_equal(wr_storage_url(s), "s3://" BUCKET);
    put_ok(s, "top-level", "t", 1);
    expect_get(s, "top-level", "t");
    assert_int_equal(wr_storage_delete(s, "top-level", &err), WR_OK);
    wr_storage_close(s);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    set_env();
    wr_buf_free(&b);
}

static void test_faults(void **state)
{
    NEED_SERVER();
    fixture *f = *state;
    wr_error err;
    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_storage_set_faults(f->s, "put-fail=1", &err), WR_OK);
    assert_int_equal(wr_storage_put(f->s, "f", "data", 4, &err), WR_EIO);
    assert_non_null(strstr(err.msg, "injected fault"));
    assert_int_equal(wr_storage_get(f->s, "f", &b, &err), WR_ENOENT);
    assert_int_equal(wr_storage_set_faults(f->s, "short-write=1", &err), WR_OK);
    put_ok(f->s, "f", "0123456789", 10);
    assert_int_equal(wr_storage_get(f->s, "f", &b, &err), WR_OK);
    assert_true(b.len < 10);
    assert_memory_equal(b.ptr, "0123456789", b.len);
    assert_int_equal(wr_storage_set_faults(f->s, "corrupt=1", &err), WR_OK);
    put_ok(f->s, "f", "0123456789", 10);
    wr_buf_clear(&b);
    assert_int_equal(wr_storage_get(f->s, "f", &b, &err), WR_OK);
    assert_int_equal(b.len, 10);
    assert_memory_not_equal(b.ptr, "0123456789", 10);
    assert_int_equal(wr_storage_set_faults(f->s, NULL, &err), WR_OK);
    wr_buf_free(&b);
}

/* ------------------------------------------------------------------------------------------
 * A scripted HTTP server: retries, and the signature of what the store really sends
 * ---------------------------------------------------------------------------------------- */

typedef struct fake {
    int lfd, port;
    int fail_first; /* answer 503 SlowDown to this many requests, then 200 "payload" */
    int served;
    char last[8192]; /* the head of the last request */
    pthread_t th;
} fake;

static void *fake_main(void *arg)
{
    fake *f = arg;
    for (;;) {
        int c = accept(f->lfd, NULL, NULL);
        if (c < 0) return NULL;
        size_t n = 0;
        f->last[0] = '\0';
        while (n + 1 < sizeof f->last && !strstr(f->last, "\r\n\r\n")) {
            ssize_t r = read(c, f->last + n, sizeof f->last - 1 - n);
            if (r <= 0) break;
            n += (size_t)r;
            f->last[n] = '\0';
        }
        const char *resp;
        if (f->served++ < f->fail_first)
            resp = "HTTP/1.1 503 Slow Down\r\nContent-Length: 78\r\nConnection: close\r\n\r\n"
                   "<Error><Code>SlowDown</Code><Message>Reduce your rate.</Message></Error>\n"
                   "     ";
        else
            resp = "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\npayload";
        ssize_t w = write(c, resp, strlen(resp));
        (void)w;
        close(c);
    }
}

static void fake_start(fake *f, int fail_first)
{
    memset(f, 0, sizeof *f);
    f->fail_first = fail_first;
    f->lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(f->lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(f->lfd, 8), 0);
    getsockname(f->lfd, (struct sockaddr *)&a, &len);
    f->port = ntohs(a.sin_port);
    pthread_create(&f->th, NULL, fake_main, f);
    char ep[64];
    snprintf(ep, sizeof ep, "http://127.0.0.1:%d", f->port);
    setenv("WEIR_S3_ENDPOINT", ep, 1);
    setenv("WEIR_S3_ACCESS_KEY", "AKID", 1);
    setenv("WEIR_S3_SECRET_KEY", "SECRET", 1);
    setenv("WEIR_S3_REGION", "eu-west-1", 1);
    unsetenv("WEIR_S3_PATH_STYLE_ACCESS");
    unsetenv("WEIR_S3_SESSION_TOKEN");
    unsetenv("AWS_SESSION_TOKEN");
}

static void fake_stop(fake *f)
{
    shutdown(f->lfd, SHUT_RDWR);
    close(f->lfd);
    pthread_join(f->th, NULL);
}

/* The value of header name (lower case) in the request head, into out. */
static bool header(const char *head, const char *name, char *out, size_t cap)
{
    for (const char *p = strstr(head, "\r\n"); p && p[2] != '\r'; p = strstr(p + 2, "\r\n")) {
        const char *l = p + 2, *colon = strchr(l, ':'), *eol = strstr(l, "\r\n");
        if (!colon || !eol || colon > eol) continue;
        if ((size_t)(colon - l) == strlen(name) && strncasecmp(l, name, strlen(name)) == 0) {
            const char *v = colon + 1;
            while (*v == ' ')
                v++;
            snprintf(out, cap, "%.*s", (int)(eol - v), v);
            return true;
        }
    }
    return false;
}

static void test_retries_and_signature(void **state)
{
    (void)state;
    fake f;
    wr_error err;
    wr_store *s;
    wr_buf b;
    wr_buf_init(&b);

    /* Two 503s, then the answer: retried with backoff, signed anew each time. */
    fake_start(&f, 2);
    setenv("WEIR_S3_MAX_RETRIES", "3", 1);
    assert_int_equal(wr_storage_open("s3://my-bucket/ck/job 1", &s, &err), WR_OK);
    assert_int_equal(wr_storage_get_range(s, "chk-1/a b+c", 5, 10, &b, &err), WR_OK);
    assert_int_equal(f.served, 3);
    /* This server ignores Range and answers 200 with the whole "payload": cut to bytes 5-14. */
    assert_string_equal(b.ptr, "ad");

    /* Recompute the signature of the request the store sent, from what it sent. */
    char line[1024], host[128], date[64], sha[80], range[64], auth[512];
    sscanf(f.last, "%1023[^\r]", line);
    assert_string_equal(line, "GET /my-bucket/ck/job%201/chk-1/a%20b%2Bc HTTP/1.1");
    assert_true(header(f.last, "host", host, sizeof host));
    assert_true(header(f.last, "x-amz-date", date, sizeof date));
    assert_true(header(f.last, "x-amz-content-sha256", sha, sizeof sha));
    assert_true(header(f.last, "range", range, sizeof range));
    assert_true(header(f.last, "authorization", auth, sizeof auth));
    assert_string_equal(sha, EMPTY);
    assert_string_equal(range, "bytes=5-14");
    wr_s3_kv h[] = {
        {"host", host}, {"range", range}, {"x-amz-content-sha256", sha}, {"x-amz-date", date}};
    wr_s3_sigv4 in = {.method = "GET",
                      .canonical_uri = "/my-bucket/ck/job%201/chk-1/a%20b%2Bc",
                      .canonical_query = "",
                      .headers = h,
                      .nheaders = 4,
                      .payload_hash = sha,
                      .amz_date = date,
                      .region = "eu-west-1",
                      .service = "s3",
                      .access_key = "AKID",
                      .secret_key = "SECRET"};
    wr_buf want;
    wr_buf_init(&want);
    assert_int_equal(wr_s3_sign(&in, NULL, NULL, &want), WR_OK);
    assert_string_equal(auth, want.ptr);
    assert_non_null(strstr(auth, "/eu-west-1/s3/aws4_request, "
                                 "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "));
    wr_buf_free(&want);
    wr_storage_close(s);
    fake_stop(&f);

    /* More 503s than retries: a retryable WR_EIO with the status and S3's code. */
    fake_start(&f, 5);
    setenv("WEIR_S3_MAX_RETRIES", "1", 1);
    assert_int_equal(wr_storage_open("s3://my-bucket", &s, &err), WR_OK);
    wr_buf_clear(&b);
    assert_int_equal(wr_storage_get(s, "k", &b, &err), WR_EIO);
    assert_int_equal(f.served, 2);
    assert_true(err.retryable);
    assert_int_equal(err.domain, WR_DOMAIN_EXTERNAL);
    assert_non_null(strstr(err.msg, "HTTP 503 SlowDown: Reduce your rate."));
    assert_null(strstr(err.msg, "SECRET"));
    assert_int_equal(b.len, 0);
    wr_storage_close(s);
    fake_stop(&f);

    /* Virtual-hosted style: the bucket in the Host header, not in the path. */
    fake_start(&f, 0);
    setenv("WEIR_S3_PATH_STYLE_ACCESS", "false", 1);
    char ep[64];
    snprintf(ep, sizeof ep, "http://localhost:%d", f.port);
    setenv("WEIR_S3_ENDPOINT", ep, 1);
    assert_int_equal(wr_storage_open("s3://my-bucket/p", &s, &err), WR_OK);
    wr_buf_clear(&b);
    /* (my-bucket.localhost resolves to the loopback address, as RFC 6761 says; skip if not) */
    if (wr_storage_get(s, "k", &b, &err) == WR_OK) {
        sscanf(f.last, "%1023[^\r]", line);
        assert_string_equal(line, "GET /p/k HTTP/1.1");
        assert_true(header(f.last, "host", host, sizeof host));
        char want_host[64];
        snprintf(want_host, sizeof want_host, "my-bucket.localhost:%d", f.port);
        assert_string_equal(host, want_host);
    } else {
        fprintf(stderr, "virtual-hosted request not checked: %s\n", err.msg);
    }
    wr_storage_close(s);
    fake_stop(&f);
    unsetenv("WEIR_S3_PATH_STYLE_ACCESS");
    unsetenv("WEIR_S3_MAX_RETRIES");
    wr_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest sign_tests[] = {
        cmocka_unit_test(test_sigv4_suite),           cmocka_unit_test(test_sigv4_s3_examples),
        cmocka_unit_test(test_sigv4_encoding),        cmocka_unit_test(test_xml_scanner),
        cmocka_unit_test(test_retries_and_signature),
    };
    const struct CMUnitTest live_tests[] = {
        cmocka_unit_test_setup_teardown(test_put_get_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_many_and_delete_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
    };
    int failed = cmocka_run_group_tests_name("storage_s3_sigv4", sign_tests, NULL, NULL);
    failed +=
        cmocka_run_group_tests_name("storage_s3_live", live_tests, group_setup, group_teardown);
    return failed;
}
