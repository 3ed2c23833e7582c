/* storage_s3_sign.c - AWS Signature Version 4 for the S3 store kind: the canonical request
 * (method, encoded path, sorted encoded query, lower-cased sorted headers with trimmed values,
 * the list of signed headers, the payload hash), the string to sign (algorithm, date, scope
 * "YYYYMMDD/region/service/aws4_request", hash of the canonical request), the signing key
 * (HMAC-SHA256 chained over "AWS4"+secret, date, region, service, "aws4_request") and the
 * Authorization header value. SHA-256 and HMAC come from OpenSSL's libcrypto. No clock and
 * no I/O here: the caller passes the date, so the unit test can replay AWS's examples. The
 * secret key is only ever an HMAC key: it is never copied into any output. */
#include "storage/storage_internal.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#define MAX_HEADERS 16

static const char HEX[] = "0123456789abcdef";

static void to_hex(const unsigned char *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = HEX[d[i] >> 4];
        out[2 * i + 1] = HEX[d[i] & 15];
    }
    out[2 * n] = '\0';
}

void wr_s3_sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
    to_hex(md, 32, out);
}

static void hmac(const void *key, size_t klen, const void *msg, size_t mlen, unsigned char out[32])
{
    unsigned int olen = 32;
    HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &olen);
}

int wr_s3_uri_encode(wr_buf *b, const char *s, size_t n, bool keep_slash)
{
    static const char UP[] = "0123456789ABCDEF";
    if (wr_buf_reserve(b, n * 3)) return WR_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/');
        if (plain) {
            b->ptr[b->len++] = (char)c;
        } else {
            b->ptr[b->len++] = '%';
            b->ptr[b->len++] = UP[c >> 4];
            b->ptr[b->len++] = UP[c & 15];
        }
    }
    b->ptr[b->len] = '\0';
    return WR_OK;
}

int wr_s3_canonical_query(wr_buf *out, const wr_s3_kv *params, size_t n)
{
    int rc = WR_OK;
    wr_buf enc;
    wr_buf_init(&enc);
    size_t *off = n ? wr_malloc(n * sizeof *off) : NULL;
    if (n && !off) return WR_ENOMEM;
    /* Encode each pair as "name\0value\0" into enc. */
    for (size_t i = 0; i < n && !rc; i++) {
        off[i] = enc.len;
        const char *v = params[i].value ? params[i].value : "";
        rc = wr_s3_uri_encode(&enc, params[i].name, strlen(params[i].name), false);
        if (!rc) rc = wr_buf_putc(&enc, '\0');
        if (!rc) rc = wr_s3_uri_encode(&enc, v, strlen(v), false);
        if (!rc) rc = wr_buf_putc(&enc, '\0');
    }
    if (rc) goto done;
    /* Insertion sort by encoded name, then value: a request has a handful of parameters. */
    for (size_t i = 1; i < n; i++) {
        size_t x = off[i], j = i;
        for (; j > 0; j--) {
            const char *a = enc.ptr + off[j - 1], *b = enc.ptr + x;
            int c = strcmp(a, b);
            if (c == 0) c = strcmp(a + strlen(a) + 1, b + strlen(b) + 1);
            if (c <= 0) break;
            off[j] = off[j - 1];
        }
        off[j] = x;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        const char *name = enc.ptr + off[i];
        const char *val = name + strlen(name) + 1;
        if (i) rc = wr_buf_putc(out, '&');
        if (!rc) rc = wr_buf_printf(out, "%s=%s", name, val);
    }
done:
    wr_free(off);
    wr_buf_free(&enc);
    return rc;
}

/* Append a header value trimmed, with inner runs of spaces collapsed to one. */
static int append_trimmed(wr_buf *b, const char *v)
{
    if (!v) v = "";
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    int rc = wr_buf_reserve(b, n);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        char c = v[i] == '\t' ? ' ' : v[i];
        if (c == ' ' && b->len && b->ptr[b->len - 1] == ' ') continue;
        b->ptr[b->len++] = c;
    }
    b->ptr[b->len] = '\0';
    return WR_OK;
}

static int lower_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y || !x) return (int)x - (int)y;
    }
}

static int append_lower(wr_buf *b, const char *s)
{
    size_t n = strlen(s);
    int rc = wr_buf_reserve(b, n);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        b->ptr[b->len++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    b->ptr[b->len] = '\0';
    return WR_OK;
}

static bool valid_date(const char *d)
{
    if (!d || strlen(d) != 16 || d[8] != 'T' || d[15] != 'Z') return false;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (d[i] < '0' || d[i] > '9')) return false;
    return true;
}

int wr_s3_sign(const wr_s3_sigv4 *in, wr_buf *creq_out, wr_buf *sts_out, wr_buf *auth)
{
    if (in->nheaders > MAX_HEADERS || !valid_date(in->amz_date)) return WR_EINVAL;
    int rc = WR_OK;
    wr_buf creq, signed_h, sts;
    wr_buf_init(&creq);
    wr_buf_init(&signed_h);
    wr_buf_init(&sts);

    /* Headers sorted by lower-cased name (stable, so repeated names keep their order). */
    size_t ord[MAX_HEADERS];
    for (size_t i = 0; i < in->nheaders; i++) {
        size_t j = i;
        for (; j > 0 && lower_cmp(in->headers[ord[j - 1]].name, in->headers[i].name) > 0; j--)
            ord[j] = ord[j - 1];
        ord[j] = i;
    }

    rc = wr_buf_printf(&creq, "%s\n%s\n%s\n", in->method, in->canonical_uri,
                       in->canonical_query ? in->canonical_query : "");
    for (size_t k = 0; k < in->nheaders && !rc; k++) {
        const wr_s3_kv *h = &in->headers[ord[k]];
        bool repeat = k > 0 && lower_cmp(in->headers[ord[k - 1]].name, h->name) == 0;
        if (repeat) {
            /* A repeated header: its values joined by ',' on one line. */
            creq.len--; /* the '\n' */
            rc = wr_buf_putc(&creq, ',');
        } else {
            if (signed_h.len) rc = wr_buf_putc(&signed_h, ';');
            if (!rc) rc = append_lower(&signed_h, h->name);
            if (!rc) rc = append_lower(&creq, h->name);
            if (!rc) rc = wr_buf_putc(&creq, ':');
        }
        if (!rc) rc = append_trimmed(&creq, h->value);
        if (!rc) rc = wr_buf_putc(&creq, '\n');
    }
    if (!rc)
        rc = wr_buf_printf(&creq, "\n%s\n%s", signed_h.len ? signed_h.ptr : "", in->payload_hash);
    if (rc) goto done;

    char date[9];
    memcpy(date, in->amz_date, 8);
    date[8] = '\0';
    char creq_hash[65];
    wr_s3_sha256_hex(creq.ptr, creq.len, creq_hash);
    rc = wr_buf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", in->amz_date, date,
                       in->region, in->service, creq_hash);
    if (rc) goto done;

    /* Signing key: HMAC chain from "AWS4" + secret. */
    unsigned char k[32];
    {
        wr_buf seed;
        wr_buf_init(&seed);
        if (wr_buf_printf(&seed, "AWS4%s", in->secret_key)) {
            rc = WR_ENOMEM;
            goto done;
        }
        hmac(seed.ptr, seed.len, date, 8, k);
        memset(seed.ptr, 0, seed.len); /* do not leave the secret in freed memory */
        wr_buf_free(&seed);
    }
    hmac(k, 32, in->region, strlen(in->region), k);
    hmac(k, 32, in->service, strlen(in->service), k);
    hmac(k, 32, "aws4_request", 12, k);
    unsigned char sig[32];
    hmac(k, 32, sts.ptr, sts.len, sig);
    memset(k, 0, sizeof k);
    char sig_hex[65];
    to_hex(sig, 32, sig_hex);

    rc = wr_buf_printf(auth,
                       "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, "
                       "Signature=%s",
                       in->access_key, date, in->region, in->service,
                       signed_h.len ? signed_h.ptr : "", sig_hex);
    if (!rc && creq_out) rc = wr_buf_append(creq_out, creq.ptr, creq.len);
    if (!rc && sts_out) rc = wr_buf_append(sts_out, sts.ptr, sts.len);
done:
    wr_buf_free(&creq);
    wr_buf_free(&signed_h);
    wr_buf_free(&sts);
    return rc ? WR_ENOMEM : WR_OK;
}
