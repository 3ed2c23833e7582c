/* storage_s3.c - the S3 store kind: "s3://bucket/prefix" keeps the object KEY at
 * "prefix/KEY" in the bucket, over HTTP(S) with libcurl, every request signed with AWS
 * Signature Version 4 (storage_s3_sign.c). A put is one PutObject up to 8 MiB and a multipart
 * upload above (CreateMultipartUpload, UploadPart of 8 MiB parts, CompleteMultipartUpload;
 * AbortMultipartUpload when a step fails), so a reader sees the whole object or none. get and
 * get_range are GetObject (with a Range header), size is HeadObject, list is ListObjectsV2
 * following continuation tokens, delete is DeleteObject and delete_prefix lists and then
 * removes the keys with DeleteObjects, 1000 at a time (a batch that fails is deleted again
 * key by key with DeleteObject, for stores that lack or botch DeleteObjects). Responses are parsed
 * by a small XML scanner that only looks for the few elements it needs and decodes entities.
 *
 * Settings come from the environment, read once at open (the store API has no config
 * object; the names are those of the Flink-like keys s3.endpoint, s3.region, s3.access-key,
 * s3.secret-key, s3.path-style-access turned into WEIR_* variables as src/config does):
 * WEIR_S3_ENDPOINT, WEIR_S3_REGION (else AWS_REGION, AWS_DEFAULT_REGION, "us-east-1"),
 * WEIR_S3_ACCESS_KEY / WEIR_S3_SECRET_KEY (else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY),
 * WEIR_S3_SESSION_TOKEN (else AWS_SESSION_TOKEN), WEIR_S3_PATH_STYLE_ACCESS and
 * WEIR_S3_MAX_RETRIES. Secrets never reach a message or the log.
 *
 * Errors name the S3 operation, the key, the store, the HTTP status and the S3 error code and
 * message from the response body, in WR_DOMAIN_EXTERNAL. Transport failures, HTTP 5xx and 429
 * are retried with exponential backoff and jitter (each attempt signed anew); a missing object
 * is WR_ENOENT; other 4xx fail at once (not retryable).
 *
 * Threads: the store's fields are immutable after open; every call makes its own curl easy
 * handle (curl's global init runs once, under pthread_once), so any number of threads may
 * use one store at once. */
#define _GNU_SOURCE
#include "storage/storage_internal.h"

#include <ctype.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* Objects up to this size are one PutObject; larger ones a multipart upload of parts of
 * this size (S3 wants at least 5 MiB for every part but the last). */
#define PART_SIZE ((size_t)8 << 20)
/* DeleteObjects takes at most this many keys. */
#define DELETE_BATCH 1000
/* Error bodies are kept up to this size. */
#define ERR_BODY_MAX     16384
#define DEFAULT_RETRIES  4
#define BACKOFF_FIRST_US 100000
#define BACKOFF_MAX_US   5000000

static const char EMPTY_SHA256[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

typedef struct s3_store {
    char *desc;          /* "s3://bucket/prefix" */
    char *bucket;        /* "bucket" */
    char *root;          /* "prefix/" or "" */
    char *scheme;        /* "https" */
    char *endpoint_host; /* "s3.us-east-1.amazonaws.com", "127.0.0.1:9000" */
    bool path_style;
    int max_retries;
    char *region, *access_key, *secret_key, *session_token;
} s3_store;

/* ------------------------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------------------------- */

static int oom(wr_error *err)
{
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "storage: out of memory");
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The first environment variable of the list that is set and non-empty. */
static const char *env_first(const char *a, const char *b, const char *c)
{
    const char *names[] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        if (!names[i]) continue;
        const char *v = getenv(names[i]);
        if (v && *v) return v;
    }
    return NULL;
}

static int parse_bool(const char *name, const char *v, bool *out, wr_error *err)
{
    if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes")) {
        *out = true;
        return WR_OK;
    }
    if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no")) {
        *out = false;
        return WR_OK;
    }
    return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER, "storage: %s='%s': expected true or false",
                        name, v);
}

/* Decode XML text (b..e) into out: the five named entities and numeric references; anything
 * else is kept as it is. */
static int xml_decode(const char *b, const char *e, wr_buf *out)
{
    while (b < e) {
        const char *amp = memchr(b, '&', (size_t)(e - b));
        if (!amp) return wr_buf_append(out, b, (size_t)(e - b));
        if (wr_buf_append(out, b, (size_t)(amp - b))) return WR_ENOMEM;
        const char *semi = memchr(amp, ';', (size_t)(e - amp));
        size_t n = semi ? (size_t)(semi - amp - 1) : 0;
        const char *name = amp + 1;
        int rc = WR_OK;
        bool done = true;
        if (n == 3 && !memcmp(name, "amp", 3))
            rc = wr_buf_putc(out, '&');
        else if (n == 2 && !memcmp(name, "lt", 2))
            rc = wr_buf_putc(out, '<');
        else if (n == 2 && !memcmp(name, "gt", 2))
            rc = wr_buf_putc(out, '>');
        else if (n == 4 && !memcmp(name, "quot", 4))
            rc = wr_buf_putc(out, '"');
        else if (n == 4 && !memcmp(name, "apos", 4))
            rc = wr_buf_putc(out, '\'');
        else if (n >= 2 && n <= 9 && name[0] == '#') {
            bool hex = name[1] == 'x' || name[1] == 'X';
            uint32_t cp = 0;
            size_t i = hex ? 2 : 1;
            done = i < n;
            for (; i < n && done; i++) {
                int d = hex ? (isxdigit((unsigned char)name[i])
                                   ? (isdigit((unsigned char)name[i])
                                          ? name[i] - '0'
                                          : (tolower((unsigned char)name[i]) - 'a' + 10))
                                   : -1)
                            : (isdigit((unsigned char)name[i]) ? name[i] - '0' : -1);
                if (d < 0) done = false;
                cp = cp * (hex ? 16 : 10) + (uint32_t)(d < 0 ? 0 : d);
            }
            if (done && (cp == 0 || cp > 0x10FFFF)) done = false;
            if (done) {
                char u[4];
                rc = wr_buf_append(out, u, wr_utf8_encode(cp, u));
            }
        } else {
            done = false;
        }
        if (rc) return rc;
        if (done) {
            b = semi + 1;
        } else {
            if (wr_buf_putc(out, '&')) return WR_ENOMEM;
            b = amp + 1;
        }
    }
    return WR_OK;
}

/* Find the next element <tag>...</tag> (or <tag attr="...">) in [*p, end): its text in
 * [*vb, *ve) and *p moved past it. An empty element <tag/> has empty text. False when there
 * is none. No nesting of the same tag is assumed (none of the elements read here nest). */
static bool xml_next(const char **p, const char *end, const char *tag, const char **vb,
                     const char **ve)
{
    size_t tl = strlen(tag);
    const char *s = *p;
    while (s < end) {
        const char *lt = memchr(s, '<', (size_t)(end - s));
        if (!lt || (size_t)(end - lt) < tl + 2) return false;
        if (memcmp(lt + 1, tag, tl) == 0 &&
            (lt[1 + tl] == '>' || lt[1 + tl] == ' ' || lt[1 + tl] == '/')) {
            const char *gt = memchr(lt, '>', (size_t)(end - lt));
            if (!gt) return false;
            if (gt[-1] == '/') {
                *vb = *ve = gt + 1;
                *p = gt + 1;
                return true;
            }
            const char *b = gt + 1;
            /* The closing tag. */
            for (const char *q = b; q < end;) {
                const char *c = memchr(q, '<', (size_t)(end - q));
                if (!c || (size_t)(end - c) < tl + 3) return false;
                if (c[1] == '/' && memcmp(c + 2, tag, tl) == 0 && c[2 + tl] == '>') {
                    *vb = b;
                    *ve = c;
                    *p = c + 3 + tl;
                    return true;
                }
                q = c + 1;
            }
            return false;
        }
        s = lt + 1;
    }
    return false;
}

/* The decoded text of the first <tag> in [b, e) into out (cleared first). False if none. */
bool wr_s3_xml_text(const char *b, const char *e, const char *tag, wr_buf *out)
{
    const char *vb, *ve;
    if (!xml_next(&b, e, tag, &vb, &ve)) return false;
    wr_buf_clear(out);
    if (xml_decode(vb, ve, out) || wr_buf_reserve(out, 0)) return false;
    return true;
}

/* Append s XML-escaped. */
static int xml_escape(wr_buf *b, const char *s)
{
    for (; *s; s++) {
        int rc;
        switch (*s) {
        case '&':
            rc = wr_buf_append_c(b, "&amp;");
            break;
        case '<':
            rc = wr_buf_append_c(b, "&lt;");
            break;
        case '>':
            rc = wr_buf_append_c(b, "&gt;");
            break;
        case '"':
            rc = wr_buf_append_c(b, "&quot;");
            break;
        case '\'':
            rc = wr_buf_append_c(b, "&apos;");
            break;
        default:
            rc = wr_buf_putc(b, *s);
        }
        if (rc) return rc;
    }
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * One request, signed and retried
 * ---------------------------------------------------------------------------------------- */

typedef struct s3_req {
    const char *method; /* GET HEAD PUT POST DELETE */
    const char *op;     /* "GetObject", for messages */
    const char *key;    /* the store key or prefix, for messages */
    const char *object; /* the full object name in the bucket; NULL: the bucket */
    const wr_s3_kv *params;
    size_t nparams;
    const void *body;
    size_t body_len;
    const char *content_md5; /* base64, or NULL */
    const char *range;       /* "bytes=A-B", or NULL */
    bool once;               /* no retries (the caller has a fallback) */
    wr_buf *out;             /* the body of a 2xx response is appended here (may be NULL) */
    /* Results. */
    long status;     /* HTTP status of the last attempt (0: no response) */
    uint64_t length; /* Content-Length (HEAD) */
    char etag[160];
} s3_req;

typedef struct xfer {
    CURL *h;
    s3_req *r;
    wr_buf *errbody;
    bool oom;
} xfer;

static size_t on_write(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    long status = 0;
    curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
        if (!x->r->out) return n;
        if (wr_buf_append(x->r->out, data, n)) {
            x->oom = true;
            return 0;
        }
        return n;
    }
    if (x->errbody->len < ERR_BODY_MAX)
        wr_buf_append(x->errbody, data, WR_MIN(n, ERR_BODY_MAX - x->errbody->len));
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    if (n > 5 && strncasecmp(data, "etag:", 5) == 0) {
        const char *b = data + 5, *e = data + n;
        while (b < e && (*b == ' ' || *b == '\t'))
            b++;
        while (e > b && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
            e--;
        size_t len = WR_MIN((size_t)(e - b), sizeof x->r->etag - 1);
        memcpy(x->r->etag, b, len);
        x->r->etag[len] = '\0';
    }
    return n;
}

/* Build the URL, the canonical URI and the Host header of a request. */
static int build_target(const s3_store *s, const s3_req *r, const char *query, wr_buf *url,
                        wr_buf *curi, wr_buf *host)
{
    int rc = WR_OK;
    if (s->path_style) {
        rc = wr_buf_append_c(host, s->endpoint_host);
        if (!rc) rc = wr_buf_putc(curi, '/');
        if (!rc) rc = wr_s3_uri_encode(curi, s->bucket, strlen(s->bucket), false);
        if (!rc && r->object) rc = wr_buf_putc(curi, '/');
    } else {
        rc = wr_buf_printf(host, "%s.%s", s->bucket, s->endpoint_host);
        if (!rc) rc = wr_buf_putc(curi, '/');
    }
    if (!rc && r->object) rc = wr_s3_uri_encode(curi, r->object, strlen(r->object), true);
    if (!rc) rc = wr_buf_printf(url, "%s://%s%s", s->scheme, host->ptr, curi->ptr);
    if (!rc && query && *query) rc = wr_buf_printf(url, "?%s", query);
    return rc;
}

static void amz_now(char out[17])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* The S3 error of a failed request, in err: operation, key, store, status, S3 code and
 * message. 404 is WR_ENOENT; transport failures, 5xx and 429 are retryable WR_EIO; other
 * statuses non-retryable WR_EIO. */
static int req_error(const s3_store *s, const s3_req *r, CURLcode cc, const char *curl_msg,
                     const wr_buf *errbody, wr_error *err)
{
    char q[200];
    const char *key = r->key ? r->key : "";
    wr_storage_quote(q, sizeof q, key, strlen(key));
    if (r->status == 0) {
        wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                     "storage: S3 %s of %s in %s failed: no response from %s://%s: %s", r->op, q,
                     s->desc, s->scheme, s->endpoint_host,
                     curl_msg && *curl_msg ? curl_msg : curl_easy_strerror(cc));
        if (err) err->retryable = true;
        return WR_EIO;
    }
    wr_buf code, msg;
    wr_buf_init(&code);
    wr_buf_init(&msg);
    const char *b = errbody->len ? errbody->ptr : "";
    const char *e = b + errbody->len;
    bool has_code = wr_s3_xml_text(b, e, "Code", &code);
    bool has_msg = wr_s3_xml_text(b, e, "Message", &msg);
    if (!has_code && r->status == 404) has_code = !wr_buf_append_c(&code, "NotFound");
    int rc = r->status == 404 ? WR_ENOENT : WR_EIO;
    wr_error_set(err, rc, WR_DOMAIN_EXTERNAL,
                 "storage: S3 %s of %s in %s failed: HTTP %ld%s%s%s%.200s", r->op, q, s->desc,
                 r->status, has_code ? " " : "", has_code ? code.ptr : "", has_msg ? ": " : "",
                 has_msg ? msg.ptr : "");
    if (err) err->retryable = r->status >= 500 || r->status == 429;
    wr_buf_free(&code);
    wr_buf_free(&msg);
    return rc;
}

static void backoff(int attempt)
{
    int64_t us = BACKOFF_FIRST_US;
    for (int i = 0; i < attempt && us < BACKOFF_MAX_US; i++)
        us *= 2;
    if (us > BACKOFF_MAX_US) us = BACKOFF_MAX_US;
    uint32_t rnd = 0;
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) rnd = (uint32_t)us;
    /* Full jitter in [us/2, us). */
    wr_sleep_us(us / 2 + (int64_t)(rnd % (uint64_t)(us / 2)));
}

/* One attempt. *retry is set when a retry may help. */
static int attempt_once(const s3_store *s, s3_req *r, const char *query, const char *payload_hash,
                        bool *retry, wr_error *err)
{
    int rc = WR_OK;
    CURL *h = NULL;
    struct curl_slist *hdrs = NULL;
    wr_buf url, curi, host, auth, errbody, line;
    wr_buf_init(&url);
    wr_buf_init(&curi);
    wr_buf_init(&host);
    wr_buf_init(&auth);
    wr_buf_init(&errbody);
    wr_buf_init(&line);
    size_t out_start = r->out ? r->out->len : 0;
    *retry = false;
    r->status = 0;
    r->etag[0] = '\0';

    if (build_target(s, r, query, &url, &curi, &host)) goto nomem;
    char date[17];
    amz_now(date);
    wr_s3_kv hv[8];
    size_t nh = 0;
    hv[nh++] = (wr_s3_kv){"host", host.ptr};
    hv[nh++] = (wr_s3_kv){"x-amz-content-sha256", payload_hash};
    hv[nh++] = (wr_s3_kv){"x-amz-date", date};
    if (r->range) hv[nh++] = (wr_s3_kv){"range", r->range};
    if (r->content_md5) hv[nh++] = (wr_s3_kv){"content-md5", r->content_md5};
    if (s->session_token) hv[nh++] = (wr_s3_kv){"x-amz-security-token", s->session_token};
    wr_s3_sigv4 sig = {.method = r->method,
                       .canonical_uri = curi.ptr,
                       .canonical_query = query ? query : "",
                       .headers = hv,
                       .nheaders = nh,
                       .payload_hash = payload_hash,
                       .amz_date = date,
                       .region = s->region,
                       .service = "s3",
                       .access_key = s->access_key,
                       .secret_key = s->secret_key};
    if (wr_s3_sign(&sig, NULL, NULL, &auth)) goto nomem;
    for (size_t i = 0; i < nh; i++) {
        wr_buf_clear(&line);
        if (wr_buf_printf(&line, "%s: %s", hv[i].name, hv[i].value)) goto nomem;
        struct curl_slist *n = curl_slist_append(hdrs, line.ptr);
        if (!n) goto nomem;
        hdrs = n;
    }
    wr_buf_clear(&line);
    if (wr_buf_printf(&line, "Authorization: %s", auth.ptr)) goto nomem;
    const char *extra[] = {line.ptr, "Expect:",
                           strcmp(r->method, "POST") == 0
                               ? "Content-Type: application/xml"
                               : "Content-Type: application/octet-stream",
                           "Accept:"};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        struct curl_slist *n = curl_slist_append(hdrs, extra[i]);
        if (!n) goto nomem;
        hdrs = n;
    }

    h = curl_easy_init();
    if (!h) goto nomem;
    xfer x = {.h = h, .r = r, .errbody = &errbody};
    char curl_msg[CURL_ERROR_SIZE];
    curl_msg[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, url.ptr);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_msg);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    /* A transfer slower than 1 KiB/s for 60 s is dead. */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
    if (strcmp(r->method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (strcmp(r->method, "PUT") == 0 || strcmp(r->method, "POST") == 0) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body ? (const char *)r->body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
    } else if (strcmp(r->method, "GET") != 0) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
    }
    CURLcode cc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    if (x.oom) goto nomem;
    if (cc != CURLE_OK) {
        r->status = 0;
        rc = req_error(s, r, cc, curl_msg, &errbody, err);
        *retry = true;
        goto done;
    }
    if (r->status < 200 || r->status >= 300) {
        rc = req_error(s, r, cc, curl_msg, &errbody, err);
        *retry = r->status >= 500 || r->status == 429;
        goto done;
    }
    curl_off_t cl = -1;
    curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
    r->length = cl < 0 ? 0 : (uint64_t)cl;
    goto done;
nomem:
    rc = oom(err);
done:
    if (rc && r->out) {
        r->out->len = out_start;
        if (r->out->cap) r->out->ptr[out_start] = '\0';
    }
    if (h) curl_easy_cleanup(h);
    curl_slist_free_all(hdrs);
    wr_buf_free(&url);
    wr_buf_free(&curi);
    wr_buf_free(&host);
    wr_buf_free(&auth);
    wr_buf_free(&errbody);
    wr_buf_free(&line);
    return rc;
}

/* Perform a request: sign, send, retry transport failures, 5xx and 429 with backoff. */
static int s3_call(const s3_store *s, s3_req *r, wr_error *err)
{
    int rc = WR_OK;
    wr_buf query;
    wr_buf_init(&query);
    if (wr_s3_canonical_query(&query, r->params, r->nparams)) {
        wr_buf_free(&query);
        return oom(err);
    }
    char payload_hash[65];
    if (r->body_len)
        wr_s3_sha256_hex(r->body, r->body_len, payload_hash);
    else
        memcpy(payload_hash, EMPTY_SHA256, sizeof EMPTY_SHA256);
    for (int attempt = 0;; attempt++) {
        bool retry = false;
        rc = attempt_once(s, r, query.len ? query.ptr : "", payload_hash, &retry, err);
        if (rc == WR_OK || !retry || r->once || attempt >= s->max_retries) break;
        wr_log(WR_LOG_DEBUG, "storage", "S3 %s: %s; retrying (%d of %d)", r->op,
               err ? err->msg : "failed", attempt + 1, s->max_retries);
        backoff(attempt);
    }
    wr_buf_free(&query);
    return rc;
}

/* The full object name of a key: root + key (NULL on ENOMEM). */
static char *object_name(const s3_store *s, const char *key)
{
    wr_buf b;
    wr_buf_init(&b);
    if (wr_buf_append_c(&b, s->root) || wr_buf_append_c(&b, key) || wr_buf_reserve(&b, 0)) {
        wr_buf_free(&b);
        return NULL;
    }
    return wr_buf_steal(&b);
}

/* ------------------------------------------------------------------------------------------
 * Open, close
 * ---------------------------------------------------------------------------------------- */

static void s3_close(void *impl)
{
    s3_store *s = impl;
    if (!s) return;
    if (s->secret_key) memset(s->secret_key, 0, strlen(s->secret_key));
    if (s->session_token) memset(s->session_token, 0, strlen(s->session_token));
    wr_free(s->desc);
    wr_free(s->bucket);
    wr_free(s->root);
    wr_free(s->scheme);
    wr_free(s->endpoint_host);
    wr_free(s->region);
    wr_free(s->access_key);
    wr_free(s->secret_key);
    wr_free(s->session_token);
    wr_free(s);
}

/* Bucket names: 3-63 of a-z 0-9 . - (S3's rule, loosely: the server has the last word). */
static bool valid_bucket(const char *b, size_t n)
{
    if (n < 3 || n > 63) return false;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_' || (c >= 'A' && c <= 'Z')))
            return false;
    }
    return true;
}

static int s3_open(const char *location, void **impl, char **desc, wr_error *err)
{
    *impl = NULL;
    *desc = NULL;
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK)
        return wr_error_set(err, WR_EIO, WR_DOMAIN_INTERNAL, "storage: curl init failed: %s",
                            curl_easy_strerror(curl_init_rc));
    /* location: "s3://bucket[/prefix]" */
    const char *p = location + 5;
    const char *slash = strchr(p, '/');
    size_t blen = slash ? (size_t)(slash - p) : strlen(p);
    if (!valid_bucket(p, blen))
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                            "storage '%s': expected s3://BUCKET/PREFIX with a bucket name of 3 to "
                            "63 letters, digits, '.', '-'",
                            location);
    const char *prefix = slash ? slash + 1 : "";
    size_t plen = strlen(prefix);
    while (plen && prefix[plen - 1] == '/')
        plen--;
    /* The prefix follows the key rules (no empty, "." or ".." segment, no control chars). */
    for (size_t i = 0; i < plen; i++) {
        unsigned char c = (unsigned char)prefix[i];
        bool seg_start = i == 0 || prefix[i - 1] == '/';
        if (c < 0x20 || c == 0x7F || (seg_start && c == '/') ||
            (seg_start && c == '.' &&
             (i + 1 == plen || prefix[i + 1] == '/' ||
              (prefix[i + 1] == '.' && (i + 2 == plen || prefix[i + 2] == '/')))))
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                                "storage '%s': the prefix has an empty, '.' or '..' segment or a "
                                "control character",
                                location);
    }

    s3_store *s = wr_calloc(1, sizeof *s);
    if (!s) return oom(err);
    int rc = WR_OK;
    const char *region = env_first("WEIR_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION");
    const char *endpoint = env_first("WEIR_S3_ENDPOINT", NULL, NULL);
    const char *ak = env_first("WEIR_S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID", NULL);
    const char *sk = env_first("WEIR_S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", NULL);
    const char *tok = env_first("WEIR_S3_SESSION_TOKEN", "AWS_SESSION_TOKEN", NULL);
    const char *ps = env_first("WEIR_S3_PATH_STYLE_ACCESS", NULL, NULL);
    const char *retries = env_first("WEIR_S3_MAX_RETRIES", NULL, NULL);
    if (!region) region = "us-east-1";
    if (!ak || !sk) {
        rc = wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                          "storage '%s': no S3 credentials: set WEIR_S3_ACCESS_KEY and "
                          "WEIR_S3_SECRET_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
                          location);
        goto fail;
    }
    s->path_style = endpoint != NULL; /* a custom endpoint (MinIO, s3rver) usually wants it */
    if (ps && (rc = parse_bool("WEIR_S3_PATH_STYLE_ACCESS", ps, &s->path_style, err))) goto fail;
    s->max_retries = DEFAULT_RETRIES;
    if (retries) {
        char *end = NULL;
        long v = strtol(retries, &end, 10);
        if (end == retries || *end || v < 0 || v > 100) {
            rc = wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                              "storage: WEIR_S3_MAX_RETRIES='%s': expected an integer in [0, 100]",
                              retries);
            goto fail;
        }
        s->max_retries = (int)v;
    }
    if (endpoint) {
        const char *sep = strstr(endpoint, "://");
        const char *hb = sep ? sep + 3 : endpoint;
        size_t hl = strcspn(hb, "/");
        bool ok = hl > 0 && (!hb[hl] || !strcmp(hb + hl, "/"));
        if (sep && !((sep - endpoint == 4 && !strncasecmp(endpoint, "http", 4)) ||
                     (sep - endpoint == 5 && !strncasecmp(endpoint, "https", 5))))
            ok = false;
        for (size_t i = 0; i < hl && ok; i++)
            if ((unsigned char)hb[i] <= ' ' || hb[i] == '@' || hb[i] == '?' || hb[i] == '#')
                ok = false;
        if (!ok) {
            rc = wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                              "storage: WEIR_S3_ENDPOINT='%s': expected http(s)://HOST[:PORT]",
                              endpoint);
            goto fail;
        }
        s->scheme = sep ? wr_strndup(endpoint, (size_t)(sep - endpoint)) : wr_strdup("https");
        s->endpoint_host = wr_strndup(hb, hl);
        if (s->scheme)
            for (char *c = s->scheme; *c; c++)
                *c = (char)tolower((unsigned char)*c);
    } else {
        wr_buf eh;
        wr_buf_init(&eh);
        if (!wr_buf_printf(&eh, "s3.%s.amazonaws.com", region))
            s->endpoint_host = wr_buf_steal(&eh);
        wr_buf_free(&eh);
        s->scheme = wr_strdup("https");
    }
    s->bucket = wr_strndup(p, blen);
    {
        wr_buf r;
        wr_buf_init(&r);
        if (!wr_buf_append(&r, prefix, plen) && (!plen || !wr_buf_putc(&r, '/')) &&
            !wr_buf_reserve(&r, 0))
            s->root = wr_buf_steal(&r);
        wr_buf_free(&r);
        wr_buf d;
        wr_buf_init(&d);
        if (!wr_buf_printf(&d, "s3://%s%s%.*s", s->bucket ? s->bucket : "", plen ? "/" : "",
                           (int)plen, prefix))
            s->desc = wr_buf_steal(&d);
        wr_buf_free(&d);
    }
    s->region = wr_strdup(region);
    s->access_key = wr_strdup(ak);
    s->secret_key = wr_strdup(sk);
    s->session_token = tok ? wr_strdup(tok) : NULL;
    if (!s->scheme || !s->endpoint_host || !s->bucket || !s->root || !s->desc || !s->region ||
        !s->access_key || !s->secret_key || (tok && !s->session_token)) {
        rc = oom(err);
        goto fail;
    }
    *desc = wr_strdup(s->desc);
    if (!*desc) {
        rc = oom(err);
        goto fail;
    }
    *impl = s;
    return WR_OK;
fail:
    s3_close(s);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Put: one PutObject, or a multipart upload
 * ---------------------------------------------------------------------------------------- */

static int put_single(s3_store *s, const char *key, const char *obj, const void *data, size_t len,
                      wr_error *err)
{
    s3_req r = {.method = "PUT",
                .op = "PutObject",
                .key = key,
                .object = obj,
                .body = data,
                .body_len = len};
    return s3_call(s, &r, err);
}

static int put_multipart(s3_store *s, const char *key, const char *obj, const char *data,
                         size_t len, wr_error *err)
{
    int rc = WR_OK;
    wr_buf body, upload_id, complete;
    wr_buf_init(&body);
    wr_buf_init(&upload_id);
    wr_buf_init(&complete);
    wr_s3_kv create_params[] = {{"uploads", ""}};
    s3_req cr = {.method = "POST",
                 .op = "CreateMultipartUpload",
                 .key = key,
                 .object = obj,
                 .params = create_params,
                 .nparams = 1,
                 .out = &body};
    rc = s3_call(s, &cr, err);
    if (rc) goto done;
    if (!body.len || !wr_s3_xml_text(body.ptr, body.ptr + body.len, "UploadId", &upload_id) ||
        upload_id.len == 0) {
        char q[200];
        wr_storage_quote(q, sizeof q, key, strlen(key));
        rc = wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                          "storage: S3 CreateMultipartUpload of %s in %s: no UploadId in the "
                          "response",
                          q, s->desc);
        goto done;
    }
    rc = wr_buf_append_c(&complete, "<CompleteMultipartUpload>");
    size_t nparts = (len + PART_SIZE - 1) / PART_SIZE;
    for (size_t i = 0; i < nparts && !rc; i++) {
        char num[24];
        snprintf(num, sizeof num, "%zu", i + 1);
        wr_s3_kv pp[] = {{"partNumber", num}, {"uploadId", upload_id.ptr}};
        size_t off = i * PART_SIZE;
        s3_req ur = {.method = "PUT",
                     .op = "UploadPart",
                     .key = key,
                     .object = obj,
                     .params = pp,
                     .nparams = 2,
                     .body = data + off,
                     .body_len = WR_MIN(PART_SIZE, len - off)};
        rc = s3_call(s, &ur, err);
        if (rc) break;
        if (!ur.etag[0]) {
            char q[200];
            wr_storage_quote(q, sizeof q, key, strlen(key));
            rc = wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                              "storage: S3 UploadPart %zu of %s in %s: no ETag in the response",
                              i + 1, q, s->desc);
            break;
        }
        if (wr_buf_printf(&complete, "<Part><PartNumber>%zu</PartNumber><ETag>", i + 1) ||
            xml_escape(&complete, ur.etag) || wr_buf_append_c(&complete, "</ETag></Part>"))
            rc = oom(err);
    }
    if (!rc && wr_buf_append_c(&complete, "</CompleteMultipartUpload>")) rc = oom(err);
    if (!rc) {
        wr_s3_kv cp[] = {{"uploadId", upload_id.ptr}};
        wr_buf_clear(&body);
        s3_req fr = {.method = "POST",
                     .op = "CompleteMultipartUpload",
                     .key = key,
                     .object = obj,
                     .params = cp,
                     .nparams = 1,
                     .body = complete.ptr,
                     .body_len = complete.len,
                     .out = &body};
        rc = s3_call(s, &fr, err);
        /* S3 may answer 200 and report the failure in the body. */
        const char *vb, *ve, *p = body.ptr;
        if (!rc && body.len && xml_next(&p, body.ptr + body.len, "Error", &vb, &ve)) {
            fr.status = 500;
            wr_buf eb;
            wr_buf_init(&eb);
            wr_buf_append(&eb, body.ptr, body.len);
            rc = req_error(s, &fr, CURLE_OK, NULL, &eb, err);
            wr_buf_free(&eb);
        }
    }
    if (rc) {
        /* Abort, so that the parts do not linger (and cost); its own failure is only logged. */
        wr_s3_kv ap[] = {{"uploadId", upload_id.ptr}};
        s3_req ar = {.method = "DELETE",
                     .op = "AbortMultipartUpload",
                     .key = key,
                     .object = obj,
                     .params = ap,
                     .nparams = 1};
        wr_error aerr;
        if (s3_call(s, &ar, &aerr))
            wr_log(WR_LOG_WARN, "storage", "after a failed upload: %s", aerr.msg);
    }
done:
    wr_buf_free(&body);
    wr_buf_free(&upload_id);
    wr_buf_free(&complete);
    return rc;
}

static int s3_put(void *impl, const char *key, const void *data, size_t len,
                  const wr_store_fault *fault, wr_error *err)
{
    s3_store *s = impl;
    char *obj = object_name(s, key);
    if (!obj) return oom(err);
    int rc = WR_OK;
    char *copy = NULL;
    switch (fault->kind) {
    case WR_STORE_FAULT_PUT_FAIL: {
        char q[200];
        wr_storage_quote(q, sizeof q, key, strlen(key));
        rc = wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "storage: S3 PutObject of %s in %s: %s",
                          q, s->desc, "injected fault");
        goto done;
    }
    case WR_STORE_FAULT_SHORT:
        len = (size_t)fault->at;
        break;
    case WR_STORE_FAULT_CORRUPT:
        copy = wr_malloc(len ? len : 1);
        if (!copy) {
            rc = oom(err);
            goto done;
        }
        memcpy(copy, data, len);
        copy[fault->at] ^= (char)fault->mask;
        data = copy;
        break;
    case WR_STORE_FAULT_NONE:
        break;
    }
    if (len <= PART_SIZE)
        rc = put_single(s, key, obj, data, len, err);
    else
        rc = put_multipart(s, key, obj, data, len, err);
done:
    wr_free(copy);
    wr_free(obj);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Get, size, delete
 * ---------------------------------------------------------------------------------------- */

static int s3_size(void *impl, const char *key, uint64_t *size, wr_error *err)
{
    s3_store *s = impl;
    char *obj = object_name(s, key);
    if (!obj) return oom(err);
    s3_req r = {.method = "HEAD", .op = "HeadObject", .key = key, .object = obj};
    int rc = s3_call(s, &r, err);
    if (!rc) *size = r.length;
    if (rc == WR_ENOENT && err) err->retryable = false;
    wr_free(obj);
    return rc;
}

static int s3_get_range(void *impl, const char *key, uint64_t offset, size_t len, bool whole,
                        wr_buf *out, wr_error *err)
{
    s3_store *s = impl;
    if (!whole && len == 0) {
        /* Nothing to read, but a missing object is still WR_ENOENT. */
        uint64_t size;
        return s3_size(impl, key, &size, err);
    }
    char *obj = object_name(s, key);
    if (!obj) return oom(err);
    char range[64];
    if (whole && offset == 0)
        range[0] = '\0';
    else if (whole || len - 1 > UINT64_MAX - offset)
        snprintf(range, sizeof range, "bytes=%llu-", (unsigned long long)offset);
    else
        snprintf(range, sizeof range, "bytes=%llu-%llu", (unsigned long long)offset,
                 (unsigned long long)(offset + (len - 1)));
    size_t start = out->len;
    s3_req r = {.method = "GET",
                .op = "GetObject",
                .key = key,
                .object = obj,
                .range = range[0] ? range : NULL,
                .out = out};
    int rc = s3_call(s, &r, err);
    if (rc == WR_ENOENT && err) err->retryable = false;
    if (rc && r.status == 416) {
        /* The range starts at or past the end: no bytes, as a short read at the end is. */
        rc = WR_OK;
        if (err) wr_error_clear(err);
    }
    if (!rc && r.range && r.status == 200) {
        /* A server that ignored the Range header sent the whole object: cut it. */
        size_t got = out->len - start;
        size_t from = offset < got ? (size_t)offset : got;
        size_t n = WR_MIN(got - from, whole ? SIZE_MAX : len);
        memmove(out->ptr + start, out->ptr + start + from, n);
        out->len = start + n;
    }
    if (out->cap) out->ptr[out->len] = '\0';
    wr_free(obj);
    return rc;
}

static int s3_del(void *impl, const char *key, wr_error *err)
{
    s3_store *s = impl;
    char *obj = object_name(s, key);
    if (!obj) return oom(err);
    s3_req r = {.method = "DELETE", .op = "DeleteObject", .key = key, .object = obj};
    /* A missing key answers 204 too; 404 (WR_ENOENT) means the bucket is missing. */
    int rc = s3_call(s, &r, err);
    wr_free(obj);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * List, delete_prefix
 * ---------------------------------------------------------------------------------------- */

/* Every full object name under root+prefix, as "name\0name\0..." in out (*count). */
static int list_objects(s3_store *s, const char *prefix, wr_buf *out, uint32_t *count, bool strip,
                        wr_error *err)
{
    int rc = WR_OK;
    wr_buf full, body, token, name;
    wr_buf_init(&full);
    wr_buf_init(&body);
    wr_buf_init(&token);
    wr_buf_init(&name);
    size_t rlen = strlen(s->root);
    if (wr_buf_append_c(&full, s->root) || wr_buf_append_c(&full, prefix) ||
        wr_buf_reserve(&full, 0)) {
        rc = oom(err);
        goto done;
    }
    for (uint64_t page = 0;; page++) {
        wr_s3_kv params[3] = {{"list-type", "2"}, {"prefix", full.ptr}, {NULL, NULL}};
        size_t np = 2;
        if (page > 0) params[np++] = (wr_s3_kv){"continuation-token", token.ptr};
        wr_buf_clear(&body);
        s3_req r = {.method = "GET",
                    .op = "ListObjectsV2",
                    .key = prefix,
                    .params = params,
                    .nparams = np,
                    .out = &body};
        rc = s3_call(s, &r, err);
        if (rc) goto done;
        const char *base = body.len ? body.ptr : "", *p = base, *end = base + body.len;
        const char *cb, *ce;
        while (xml_next(&p, end, "Contents", &cb, &ce)) {
            if (!wr_s3_xml_text(cb, ce, "Key", &name)) continue;
            if (name.len < full.len || memcmp(name.ptr, full.ptr, full.len) != 0) continue;
            if (*count == UINT32_MAX) {
                rc = wr_error_set(err, WR_ELIMIT, WR_DOMAIN_INTERNAL,
                                  "storage: too many keys under the prefix");
                goto done;
            }
            const char *k = strip ? name.ptr + rlen : name.ptr;
            if (wr_buf_append(out, k, strlen(k) + 1)) {
                rc = oom(err);
                goto done;
            }
            (*count)++;
        }
        wr_buf trunc;
        wr_buf_init(&trunc);
        bool more = wr_s3_xml_text(base, end, "IsTruncated", &trunc) && !strcmp(trunc.ptr, "true");
        wr_buf_free(&trunc);
        if (!more) break;
        if (!wr_s3_xml_text(base, end, "NextContinuationToken", &token) || token.len == 0) {
            char q[200];
            wr_storage_quote(q, sizeof q, prefix, strlen(prefix));
            rc = wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                              "storage: S3 ListObjectsV2 of %s in %s: a truncated listing "
                              "without a NextContinuationToken",
                              q, s->desc);
            goto done;
        }
    }
done:
    wr_buf_free(&full);
    wr_buf_free(&body);
    wr_buf_free(&token);
    wr_buf_free(&name);
    return rc;
}

static int s3_list(void *impl, const char *prefix, wr_buf *out, uint32_t *count, wr_error *err)
{
    return list_objects(impl, prefix, out, count, true, err);
}

/* DeleteObjects of names[0..n): quiet mode, so the answer lists only the failures. */
static int delete_batch(s3_store *s, const char *prefix, char **names, size_t n, wr_error *err)
{
    int rc = WR_OK;
    wr_buf body, resp;
    wr_buf_init(&body);
    wr_buf_init(&resp);
    rc = wr_buf_append_c(&body, "<Delete><Quiet>true</Quiet>");
    for (size_t i = 0; i < n && !rc; i++) {
        rc = wr_buf_append_c(&body, "<Object><Key>");
        if (!rc) rc = xml_escape(&body, names[i]);
        if (!rc) rc = wr_buf_append_c(&body, "</Key></Object>");
    }
    if (!rc) rc = wr_buf_append_c(&body, "</Delete>");
    if (rc) {
        rc = oom(err);
        goto done;
    }
    /* DeleteObjects requires Content-MD5. */
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_Digest(body.ptr, body.len, md, &mdlen, EVP_md5(), NULL);
    char md5[32];
    EVP_EncodeBlock((unsigned char *)md5, md, (int)mdlen);
    wr_s3_kv params[] = {{"delete", ""}};
    s3_req r = {.method = "POST",
                .op = "DeleteObjects",
                .key = prefix,
                .params = params,
                .nparams = 1,
                .body = body.ptr,
                .body_len = body.len,
                .content_md5 = md5,
                .once = true,
                .out = &resp};
    rc = s3_call(s, &r, err);
    if (rc) goto done;
    const char *p = resp.len ? resp.ptr : "", *end = p + resp.len, *eb, *ee;
    if (xml_next(&p, end, "Error", &eb, &ee)) {
        /* The first failed key, with its code and message. */
        wr_buf k, c, m;
        wr_buf_init(&k);
        wr_buf_init(&c);
        wr_buf_init(&m);
        bool hk = wr_s3_xml_text(eb, ee, "Key", &k), hc = wr_s3_xml_text(eb, ee, "Code", &c),
             hm = wr_s3_xml_text(eb, ee, "Message", &m);
        char q[200];
        wr_storage_quote(q, sizeof q, hk ? k.ptr : "", hk ? k.len : 0);
        rc = wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                          "storage: S3 DeleteObjects of %s in %s failed: %s%s%.200s", q, s->desc,
                          hc ? c.ptr : "error", hm ? ": " : "", hm ? m.ptr : "");
        if (err) err->retryable = true;
        wr_buf_free(&k);
        wr_buf_free(&c);
        wr_buf_free(&m);
    }
done:
    wr_buf_free(&body);
    wr_buf_free(&resp);
    return rc;
}

static int s3_del_prefix(void *impl, const char *prefix, wr_error *err)
{
    s3_store *s = impl;
    wr_buf names;
    wr_buf_init(&names);
    uint32_t n = 0;
    char **v = NULL;
    int rc = list_objects(s, prefix, &names, &n, false, err);
    if (rc || n == 0) goto done;
    v = wr_malloc(n * sizeof *v);
    if (!v) {
        rc = oom(err);
        goto done;
    }
    char *p = names.ptr;
    for (uint32_t i = 0; i < n; i++) {
        v[i] = p;
        p += strlen(p) + 1;
    }
    for (uint32_t i = 0; i < n && !rc; i += DELETE_BATCH) {
        size_t m = WR_MIN((size_t)DELETE_BATCH, (size_t)(n - i));
        rc = delete_batch(s, prefix, v + i, m, err);
        if (rc == WR_ENOMEM) break;
        if (rc) {
            /* Some S3-compatible stores lack DeleteObjects or fail it (s3rver races on the
             * directories it empties): delete the batch one key at a time, with retries. */
            wr_log(WR_LOG_DEBUG, "storage", "%s; deleting one key at a time",
                   err ? err->msg : "DeleteObjects failed");
            rc = WR_OK;
            for (size_t j = 0; j < m && !rc; j++) {
                s3_req r = {.method = "DELETE",
                            .op = "DeleteObject",
                            .key = v[i + j] + strlen(s->root),
                            .object = v[i + j]};
                rc = s3_call(s, &r, err);
            }
        }
    }
done:
    wr_free(v);
    wr_buf_free(&names);
    return rc;
}

const wr_store_kind wr_storage_s3_kind = {
    .name = "s3",
    .open = s3_open,
    .close = s3_close,
    .put = s3_put,
    .get_range = s3_get_range,
    .size = s3_size,
    .list = s3_list,
    .del = s3_del,
    .del_prefix = s3_del_prefix,
};
