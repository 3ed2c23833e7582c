/* storage_internal.h - what storage.c shares with the store kinds (storage_local.c,
 * storage_s3.c): the kind vtable and the fault directive of one put; and the AWS Signature
 * Version 4 signer of the S3 kind (storage_s3_sign.c), declared here so that its unit test
 * can check it against AWS's published examples. Not used outside src/storage. */
#ifndef WR_STORAGE_INTERNAL_H
#define WR_STORAGE_INTERNAL_H

#include "storage/storage.h"

/* Keys are at most this long (bytes, without the NUL). */
#define WR_STORAGE_KEY_MAX 1024
/* Names of temporary files start with this; no key segment may (storage.h). */
#define WR_STORAGE_TMP_PREFIX ".wr-tmp-"

/* What fault injection decided for one put (storage.c draws it, the kind carries it out). */
typedef enum wr_store_fault_kind {
    WR_STORE_FAULT_NONE = 0,
    WR_STORE_FAULT_PUT_FAIL, /* fail with WR_EIO "injected fault"; nothing under the key */
    WR_STORE_FAULT_SHORT,    /* write data[0..cut) under the key, non-atomically; succeed */
    WR_STORE_FAULT_CORRUPT,  /* write the whole object, then xor byte `at` with `mask` */
} wr_store_fault_kind;

typedef struct wr_store_fault {
    wr_store_fault_kind kind;
    uint64_t at;  /* SHORT: bytes kept (< len when len > 0); CORRUPT: offset of the byte */
    uint8_t mask; /* CORRUPT: nonzero */
} wr_store_fault;

/* A store kind. Keys and prefixes reach it validated. Every function may be called from
 * several threads at once on the same impl. list appends "key\0" per key to out and counts
 * them in *count, in any order (storage.c sorts). */
typedef struct wr_store_kind {
    const char *name;
    int (*open)(const char *location, void **impl, char **desc, wr_error *err);
    void (*close)(void *impl);
    int (*put)(void *impl, const char *key, const void *data, size_t len,
               const wr_store_fault *fault, wr_error *err);
    int (*get_range)(void *impl, const char *key, uint64_t offset, size_t len, bool whole,
                     wr_buf *out, wr_error *err);
    int (*size)(void *impl, const char *key, uint64_t *size, wr_error *err);
    int (*list)(void *impl, const char *prefix, wr_buf *out, uint32_t *count, wr_error *err);
    int (*del)(void *impl, const char *key, wr_error *err);
    int (*del_prefix)(void *impl, const char *prefix, wr_error *err);
} wr_store_kind;

extern const wr_store_kind wr_storage_local_kind;
extern const wr_store_kind wr_storage_s3_kind;

/* ------------------------------------------------------------------------------------------
 * AWS Signature Version 4 (storage_s3_sign.c). Pure functions: no clock, no I/O.
 * ---------------------------------------------------------------------------------------- */

/* A header or query parameter. */
typedef struct wr_s3_kv {
    const char *name;
    const char *value; /* NULL is "" */
} wr_s3_kv;

/* SHA-256 of n bytes as 64 lower-case hex digits and a NUL. */
void wr_s3_sha256_hex(const void *p, size_t n, char out[65]);
/* Append s (n bytes) URI-encoded as SigV4 wants: A-Z a-z 0-9 - . _ ~ as they are, '/' as it
 * is when keep_slash (an S3 object path), every other byte as %XX (upper-case hex). */
int wr_s3_uri_encode(wr_buf *b, const char *s, size_t n, bool keep_slash);
/* Append the canonical query string of the raw (unencoded) parameters: each name and value
 * encoded, "name=value" pairs sorted by encoded name then value, joined by '&'. The same
 * string serves as the query of the URL that is sent. */
int wr_s3_canonical_query(wr_buf *out, const wr_s3_kv *params, size_t n);

/* One request to sign. Every header given is signed (so give the Host header exactly as it
 * is sent); names in any case, values trimmed and inner runs of spaces collapsed. */
typedef struct wr_s3_sigv4 {
    const char *method;          /* "GET" */
    const char *canonical_uri;   /* already encoded: "/bucket/a%20b" */
    const char *canonical_query; /* from wr_s3_canonical_query ("" for none) */
    const wr_s3_kv *headers;
    size_t nheaders;          /* at most 16 */
    const char *payload_hash; /* hex SHA-256 of the body, or "UNSIGNED-PAYLOAD" */
    const char *amz_date;     /* "YYYYMMDDTHHMMSSZ" (UTC), as sent in x-amz-date */
    const char *region, *service, *access_key, *secret_key;
} wr_s3_sigv4;

/* Sign: append the canonical request to creq and the string to sign to sts (either may be
 * NULL) and the value of the Authorization header to auth. WR_EINVAL on too many headers or
 * a malformed date, WR_ENOMEM. */
int wr_s3_sign(const wr_s3_sigv4 *in, wr_buf *creq, wr_buf *sts, wr_buf *auth);

/* storage_s3.c's XML scanner: the decoded text of the first element <tag> in [b, e) into out
 * (cleared first); false when there is none or it is not closed within [b, e). */
bool wr_s3_xml_text(const char *b, const char *e, const char *tag, wr_buf *out);

/* Write s (n bytes) into dst as a quoted, escaped string for messages ("a\x01b"), cut to
 * fit dst_size with "..." when long. */
void wr_storage_quote(char *dst, size_t dst_size, const char *s, size_t n);

#endif
