/* storage_internal.h - what storage.c shares with the store kinds (storage_local.c, later
 * storage_s3.c): the kind vtable and the fault directive of one put. Not used outside
 * src/storage. */
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

/* Write s (n bytes) into dst as a quoted, escaped string for messages ("a\x01b"), cut to
 * fit dst_size with "..." when long. */
void wr_storage_quote(char *dst, size_t dst_size, const char *s, size_t n);

#endif
