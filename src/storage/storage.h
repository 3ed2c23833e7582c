/* storage.h - object stores: where checkpoints and savepoints live. One interface, two
 * kinds: a local directory (the default) and S3 (SigV4 over libcurl, multipart upload for
 * large objects; settings from WEIR_S3_* environment variables, see README.md). Objects are named
 * by '/'-separated keys relative to the store's root ("chk-12/0123abcd-0.snap"). The store knows
 * nothing about the bytes; integrity (checksums) is the checkpoint format's job, which verifies
 * every file it reads.
 *
 * Guarantees every kind gives:
 *   - put is atomic: a reader sees the whole object or none (local: a hidden temporary
 *     file in the same directory, fsync, rename, fsync of the directory; S3: one PUT or a
 *     completed multipart upload). A failed put leaves nothing under the key.
 *   - list returns keys in byte order.
 *   - delete of a missing key is not an error.
 * Keys are validated: non-empty, at most 1024 bytes, no leading '/', no "." or ".."
 * segment, no empty segment, no NUL or control characters, no segment starting with
 * ".wr-tmp-" (reserved for the local store's temporary files) (WR_EINVAL naming the key).
 * A prefix (list, delete_prefix) is matched as a string ("chk-1" matches "chk-12/x"): it
 * follows the key rules except that it may be empty and its last segment may be empty.
 * Errors: bad keys, prefixes and URLs are WR_DOMAIN_USER; I/O failures WR_EIO in
 * WR_DOMAIN_EXTERNAL with the errno text and the path (S3: the operation, the key, the HTTP
 * status and S3's error code); a missing object WR_ENOENT.
 *
 * Threads: a store handle may be used from several threads at once (the uploader pool and
 * the coordinator); it keeps no per-call state.
 *
 * Fault injection (tests only): the setting/environment WEIR_STORAGE_FAULTS (read at open),
 * e.g. "put-fail=0.1,short-write=0.05,corrupt=0.02,seed=7", makes puts fail (WR_EIO,
 * "injected fault", nothing under the key), write a truncated object under the key and
 * report success (as a torn write on a store without atomic rename would), or flip a bit of
 * the object after writing it and report success, with the given probabilities (summing to
 * at most 1), deterministically from the seed: the n-th put of a store gets the same fault
 * in every run. wr_storage_set_faults sets the same from code. See README.md. */
#ifndef WR_STORAGE_H
#define WR_STORAGE_H

#include "base/base.h"

typedef struct wr_store wr_store;

/* Open the store at `url`: an absolute or relative path or "file:///abs/path" (a local
 * directory, created with its parents if missing), or "s3://bucket/prefix" (an S3 bucket; the
 * endpoint, region and credentials come from the environment: README.md). */
int wr_storage_open(const char *url, wr_store **out, wr_error *err);
void wr_storage_close(wr_store *s);
/* A description for logs and errors ("/var/lib/weir/ckpt", "s3://bucket/prefix"). */
const char *wr_storage_url(const wr_store *s);

/* Write the whole object (atomically; replaces an existing one). */
int wr_storage_put(wr_store *s, const char *key, const void *data, size_t len, wr_error *err);
/* Read the whole object into out (appended). WR_ENOENT when it does not exist. */
int wr_storage_get(wr_store *s, const char *key, wr_buf *out, wr_error *err);
/* Read len bytes at offset (fewer at the end of the object) into out (appended). */
int wr_storage_get_range(wr_store *s, const char *key, uint64_t offset, size_t len, wr_buf *out,
                         wr_error *err);
/* Size of an object; WR_ENOENT when missing. */
int wr_storage_size(wr_store *s, const char *key, uint64_t *size, wr_error *err);
/* Keys that start with prefix, in byte order, each a NUL-terminated string appended to
 * out as "key\0key\0..." (*count set). Temporary files of unfinished puts are not listed. */
int wr_storage_list(wr_store *s, const char *prefix, wr_buf *out, uint32_t *count, wr_error *err);
int wr_storage_delete(wr_store *s, const char *key, wr_error *err);
/* Delete every object whose key starts with prefix (a checkpoint directory); directories
 * left empty are removed too (local kind). */
int wr_storage_delete_prefix(wr_store *s, const char *prefix, wr_error *err);

/* Fault injection for tests (see above); spec NULL or "" turns it off. Restarts the fault
 * sequence. WR_EINVAL on a bad spec, naming the bad item (the settings stay as they were). */
int wr_storage_set_faults(wr_store *s, const char *spec, wr_error *err);

#endif
