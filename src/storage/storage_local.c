/* storage_local.c - the local-directory store kind: a key is a file under the root directory
 * ("chk-3/op-1.snap" is ROOT/chk-3/op-1.snap), created with its intermediate directories. A
 * put writes a hidden temporary file in the key's directory (".wr-tmp-PID-COUNTER-RANDOM"),
 * writes it whole (short writes and EINTR handled), fsyncs it, renames it over the key and
 * fsyncs the directory, so a reader sees the old object, the new one, or none, and a crash
 * never leaves a partial object under a key. A failed put unlinks its temporary file.
 * Listing walks the directories under the prefix and skips temporary files; delete_prefix
 * also removes temporary files and directories left empty under the prefix. Every call
 * works on paths with its own file descriptors: nothing is shared between calls but the
 * immutable root and an atomic counter for temporary names. */
#define _GNU_SOURCE
#include "storage/storage_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary files of puts start with this; list never shows such names. */
#define TMP_PREFIX     WR_STORAGE_TMP_PREFIX
#define TMP_PREFIX_LEN (sizeof TMP_PREFIX - 1)

/* How often a put starts a step again when a concurrent delete_prefix removed the directory
 * or temporary file it had just made (see race_backoff). */
#define RACE_RETRIES 1000

typedef struct local_store {
    char *root; /* absolute, no trailing '/' (except for "/" itself) */
    _Atomic uint64_t tmp_seq;
} local_store;

/* ------------------------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------------------------- */

static const char *errstr(int e, char *buf, size_t n)
{
    return strerror_r(e, buf, n); /* GNU: returns the message, maybe not in buf */
}

/* An I/O error with the errno text and the path: "storage: cannot open '/x/y': ...". */
static int io_error(wr_error *err, int e, const char *what, const char *path)
{
    char eb[128];
    int code = e == ENOMEM ? WR_ENOMEM : WR_EIO;
    return wr_error_set(err, code, WR_DOMAIN_EXTERNAL, "storage: cannot %s '%s': %s", what, path,
                        errstr(e, eb, sizeof eb));
}

/* The same for reads of an object, where a missing file (or a file where a directory of the
 * key should be) is WR_ENOENT, which no retry mends. */
static int read_error(wr_error *err, int e, const char *what, const char *path)
{
    if (e != ENOENT && e != ENOTDIR) return io_error(err, e, what, path);
    wr_error_set(err, WR_ENOENT, WR_DOMAIN_EXTERNAL, "storage: cannot %s '%s': no such object",
                 what, path);
    if (err) err->retryable = false;
    return WR_ENOENT;
}

static int oom(wr_error *err)
{
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "storage: out of memory");
}

/* ROOT + "/" + rel (rel may be ""). NULL on ENOMEM. */
static char *join(const local_store *ls, const char *rel)
{
    wr_buf b;
    wr_buf_init(&b);
    if (wr_buf_append_c(&b, ls->root) ||
        (*rel && (strcmp(ls->root, "/") != 0 && wr_buf_putc(&b, '/'))) ||
        wr_buf_append_c(&b, rel)) {
        wr_buf_free(&b);
        return NULL;
    }
    if (b.cap == 0) return wr_strdup("");
    return wr_buf_steal(&b);
}

/* fsync a directory. missing_ok: a directory removed meanwhile (by a concurrent
 * delete_prefix, which also deleted what we wrote into it) is not an error. */
static int fsync_path(const char *dir, bool missing_ok, wr_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && missing_ok && errno == ENOENT) return WR_OK;
    if (fd < 0) return io_error(err, errno, "open directory", dir);
    int rc = WR_OK;
    while (fsync(fd) != 0) {
        if (errno == EINTR) continue;
        rc = io_error(err, errno, "fsync directory", dir);
        break;
    }
    close(fd);
    return rc;
}

/* Before retry `attempt` of a step lost to a concurrent delete: at once the first times, then
 * yield, then sleep a little, so a delete loop cannot starve a put. */
static void race_backoff(int attempt)
{
    if (attempt < 4) return;
    if (attempt < 32)
        sched_yield();
    else
        wr_sleep_us(100);
}

/* Create the directories of path up to (not including) its last component, each below the
 * root, fsyncing the parent of each directory created so the new entry is durable. A
 * concurrent delete_prefix may remove a directory just created (it removes empty ones):
 * ENOENT from mkdir starts again from the root, a few times (not when the root itself is
 * missing: that is an error at once). */
static int mkdir_parents(const local_store *ls, char *path, wr_error *err)
{
    size_t rootlen = strlen(ls->root);
    char *last = strrchr(path, '/');
    if (!last || (size_t)(last - path) <= rootlen) return WR_OK;
    for (int attempt = 0;; attempt++) {
        bool again = false;
        bool first = true; /* the directory right below the root */
        for (char *p = path + rootlen + 1; p <= last; p++) {
            if (*p != '/') continue;
            *p = '\0';
            int rc = WR_OK;
            if (mkdir(path, 0777) == 0) {
                char *slash = strrchr(path, '/');
                *slash = '\0';
                rc = fsync_path(slash == path ? "/" : path, true, err);
                *slash = '/';
            } else if (errno == ENOENT && !first && attempt < RACE_RETRIES) {
                again = true;
                race_backoff(attempt);
            } else if (errno != EEXIST) {
                rc = io_error(err, errno, "create directory", path);
            }
            *p = '/';
            first = false;
            if (rc) return rc;
            if (again) break;
        }
        if (!again) return WR_OK;
    }
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n > (1u << 30) ? (1u << 30) : n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (w == 0) return EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fsync_fd(int fd)
{
    while (fsync(fd) != 0)
        if (errno != EINTR) return errno;
    return 0;
}

static uint64_t random_u64(void)
{
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v)
        v = wr_hash_u64((uint64_t)wr_mono_ns() ^ (uint64_t)(uintptr_t)&v);
    return v;
}

/* ------------------------------------------------------------------------------------------
 * Open and close
 * ---------------------------------------------------------------------------------------- */

static int local_open(const char *location, void **impl, char **desc, wr_error *err)
{
    int rc = WR_OK;
    char *path = NULL, *abs = NULL;
    local_store *ls = NULL;
    /* Create the directory with its parents: mkdir each prefix ending before a '/'. */
    path = wr_strdup(location);
    if (!path) return oom(err);
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            rc = io_error(err, errno, "create directory", path);
            *p = c;
            goto fail;
        }
        *p = c;
        if (c == '\0') break;
    }
    abs = realpath(path, NULL);
    if (!abs) {
        rc = io_error(err, errno, "resolve", path);
        goto fail;
    }
    struct stat st;
    if (stat(abs, &st) != 0) {
        rc = io_error(err, errno, "stat", abs);
        goto fail;
    }
    if (!S_ISDIR(st.st_mode)) {
        rc = wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER, "storage: '%s' is not a directory", abs);
        goto fail;
    }
    ls = wr_calloc(1, sizeof *ls);
    char *d = wr_strdup(abs);
    if (!ls || !d || !(ls->root = wr_strdup(abs))) {
        wr_free(d);
        rc = oom(err);
        goto fail;
    }
    *impl = ls;
    *desc = d;
    ls = NULL;
fail:
    if (ls) {
        wr_free(ls->root);
        wr_free(ls);
    }
    free(abs); /* from realpath: libc's malloc */
    wr_free(path);
    return rc;
}

static void local_close(void *impl)
{
    local_store *ls = impl;
    if (!ls) return;
    wr_free(ls->root);
    wr_free(ls);
}

/* ------------------------------------------------------------------------------------------
 * Put
 * ---------------------------------------------------------------------------------------- */

/* Open a new temporary file next to path (which has its parents). *tmp receives its path. */
static int open_tmp(local_store *ls, const char *path, char **tmp, int *fdp, wr_error *err)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = (size_t)(slash - path);
    for (int attempt = 0;; attempt++) {
        wr_buf b;
        wr_buf_init(&b);
        uint64_t seq = atomic_fetch_add(&ls->tmp_seq, 1);
        if (wr_buf_printf(&b, "%.*s/" TMP_PREFIX "%ld-%llu-%016llx", (int)dirlen, path,
                          (long)getpid(), (unsigned long long)seq,
                          (unsigned long long)random_u64())) {
            wr_buf_free(&b);
            return oom(err);
        }
        int fd = open(b.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *tmp = wr_buf_steal(&b);
            *fdp = fd;
            return WR_OK;
        }
        int e = errno;
        /* EEXIST: a name clash (another process, same pid after a restart): try another.
         * ENOENT: the directory is missing, or an empty one was just removed by a
         * concurrent delete_prefix: create it again. */
        bool nested = dirlen > strlen(ls->root);
        if (attempt < RACE_RETRIES && (e == EEXIST || (e == ENOENT && nested))) {
            wr_buf_free(&b);
            race_backoff(attempt);
            if (e == ENOENT) {
                char *p = wr_strdup(path);
                if (!p) return oom(err);
                int rc = mkdir_parents(ls, p, err);
                wr_free(p);
                if (rc) return rc;
            }
            continue;
        }
        int rc = io_error(err, e, "create", b.ptr);
        wr_buf_free(&b);
        return rc;
    }
}

/* The short-write fault: a truncated object written in place under the key, as a store
 * without atomic rename would hold it after the writer died mid-write. Reports success. */
static int put_torn(local_store *ls, char *path, const char *data, size_t keep, wr_error *err)
{
    int rc = mkdir_parents(ls, path, err);
    if (rc) return rc;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) return io_error(err, errno, "create", path);
    int e = write_all(fd, data, keep);
    if (!e) e = fsync_fd(fd);
    if (close(fd) != 0 && !e) e = errno;
    if (e) return io_error(err, e, "write", path);
    wr_log(WR_LOG_DEBUG, "storage", "injected short write: %s (%zu bytes kept)", path, keep);
    return WR_OK;
}

/* The corrupt fault: xor one byte of the object just written. Reports success. */
static int flip_byte(const char *path, uint64_t at, uint8_t mask, wr_error *err)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) return io_error(err, errno, "open", path);
    unsigned char c;
    int e = 0;
    ssize_t r;
    while ((r = pread(fd, &c, 1, (off_t)at)) < 0 && errno == EINTR) {
    }
    if (r != 1) e = r < 0 ? errno : EIO;
    if (!e) {
        c ^= mask;
        while ((r = pwrite(fd, &c, 1, (off_t)at)) < 0 && errno == EINTR) {
        }
        if (r != 1) e = r < 0 ? errno : EIO;
    }
    if (!e) e = fsync_fd(fd);
    close(fd);
    if (e) return io_error(err, e, "corrupt (injected)", path);
    wr_log(WR_LOG_DEBUG, "storage", "injected corruption: %s byte %llu", path,
           (unsigned long long)at);
    return WR_OK;
}

/* Write the object into a new temporary file next to path: created, written whole, fsynced
 * and closed. *tmp receives its path (also on failure after creation, for the unlink). */
static int write_tmp(local_store *ls, const char *path, const void *data, size_t len, char **tmp,
                     wr_error *err)
{
    int fd = -1;
    int rc = open_tmp(ls, path, tmp, &fd, err);
    if (rc) return rc;
    int e = write_all(fd, data, len);
    if (e) {
        close(fd);
        return io_error(err, e, "write", *tmp);
    }
    if ((e = fsync_fd(fd)) != 0) {
        close(fd);
        return io_error(err, e, "fsync", *tmp);
    }
    if (close(fd) != 0) return io_error(err, errno, "close", *tmp);
    return WR_OK;
}

static int local_put(void *impl, const char *key, const void *data, size_t len,
                     const wr_store_fault *fault, wr_error *err)
{
    local_store *ls = impl;
    int rc = WR_OK;
    char *tmp = NULL;
    char *path = join(ls, key);
    if (!path) return oom(err);
    if (fault->kind == WR_STORE_FAULT_SHORT) {
        rc = put_torn(ls, path, data, (size_t)fault->at, err);
        goto done;
    }
    for (int attempt = 0;; attempt++) {
        rc = write_tmp(ls, path, data, len, &tmp, err);
        if (rc) goto done;
        if (fault->kind == WR_STORE_FAULT_PUT_FAIL) {
            rc = wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "storage: cannot write '%s': %s",
                              path, "injected fault");
            goto done;
        }
        if (rename(tmp, path) == 0) break;
        int e = errno;
        /* ENOENT: a concurrent delete_prefix removed the temporary file (it removes those of
         * the directories it deletes): write it again; the put then lands after the delete. */
        if (e == ENOENT && attempt < RACE_RETRIES) {
            race_backoff(attempt);
            wr_free(tmp);
            tmp = NULL;
            continue;
        }
        rc = io_error(err, e, "rename into", path);
        goto done;
    }
    wr_free(tmp);
    tmp = NULL;
    {
        char *slash = strrchr(path, '/');
        *slash = '\0';
        rc = fsync_path(slash == path ? "/" : path, true, err);
        *slash = '/';
    }
    if (rc) goto done;
    if (fault->kind == WR_STORE_FAULT_CORRUPT) rc = flip_byte(path, fault->at, fault->mask, err);
done:
    if (tmp) {
        unlink(tmp);
        wr_free(tmp);
    }
    wr_free(path);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Get, size
 * ---------------------------------------------------------------------------------------- */

static int open_object(local_store *ls, const char *key, char **pathp, int *fdp, struct stat *st,
                       wr_error *err)
{
    char *path = join(ls, key);
    if (!path) return oom(err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int rc = read_error(err, errno, "open", path);
        wr_free(path);
        return rc;
    }
    if (fstat(fd, st) != 0) {
        int rc = read_error(err, errno, "stat", path);
        close(fd);
        wr_free(path);
        return rc;
    }
    if (!S_ISREG(st->st_mode)) {
        /* A directory ("chk-1" when "chk-1/x" exists) is not an object. */
        int rc = read_error(err, ENOENT, "open", path);
        close(fd);
        wr_free(path);
        return rc;
    }
    *pathp = path;
    *fdp = fd;
    return WR_OK;
}

static int local_get_range(void *impl, const char *key, uint64_t offset, size_t len, bool whole,
                           wr_buf *out, wr_error *err)
{
    local_store *ls = impl;
    char *path = NULL;
    int fd = -1;
    struct stat st;
    size_t start = out->len;
    if (offset > (uint64_t)INT64_MAX)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER, "storage: offset %llu too large",
                            (unsigned long long)offset);
    int rc = open_object(ls, key, &path, &fd, &st, err);
    if (rc) return rc;
    uint64_t size = (uint64_t)st.st_size;
    size_t want = 0;
    if (offset < size) want = (size_t)WR_MIN(size - offset, (uint64_t)SIZE_MAX);
    if (!whole) want = WR_MIN(want, len);
    if (want && wr_buf_reserve(out, want)) {
        rc = oom(err);
        goto done;
    }
    /* Read until EOF (whole) or len bytes: the file may have been replaced by a rename since
     * the fstat, but this descriptor still reads the object it opened. */
    uint64_t pos = offset;
    size_t limit = whole ? SIZE_MAX : len;
    for (;;) {
        size_t got = out->len - start;
        if (got >= limit) break;
        /* The size seen by fstat, then small probes until EOF (a len larger than the object,
         * SIZE_MAX for "the rest", reserves no more than the object). */
        size_t room = WR_MIN(got < want ? want - got : 4096, limit - got);
        if (wr_buf_reserve(out, room)) {
            rc = oom(err);
            goto done;
        }
        ssize_t r = pread(fd, out->ptr + out->len, WR_MIN(room, (size_t)1 << 30), (off_t)pos);
        if (r < 0) {
            if (errno == EINTR) continue;
            rc = io_error(err, errno, "read", path);
            goto done;
        }
        if (r == 0) break;
        out->len += (size_t)r;
        pos += (uint64_t)r;
    }
    if (out->cap) out->ptr[out->len] = '\0';
done:
    if (rc) {
        out->len = start;
        if (out->cap) out->ptr[start] = '\0';
    }
    close(fd);
    wr_free(path);
    return rc;
}

static int local_size(void *impl, const char *key, uint64_t *size, wr_error *err)
{
    local_store *ls = impl;
    char *path = join(ls, key);
    if (!path) return oom(err);
    struct stat st;
    int rc = WR_OK;
    if (stat(path, &st) != 0)
        rc = read_error(err, errno, "stat", path);
    else if (!S_ISREG(st.st_mode))
        rc = read_error(err, ENOENT, "stat", path);
    else
        *size = (uint64_t)st.st_size;
    wr_free(path);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Walking a prefix: list and delete_prefix
 * ---------------------------------------------------------------------------------------- */

typedef struct walk {
    local_store *ls;
    const char *prefix;
    size_t plen;
    bool del;    /* delete_prefix; else list */
    wr_buf *out; /* list */
    uint32_t *count;
    wr_buf rel; /* relative path of the current directory, "" or "a/b/" */
} walk;

/* Does the relative path s (n bytes) start with the prefix, or the prefix with s? */
static bool agrees(const walk *w, const char *s, size_t n)
{
    return memcmp(s, w->prefix, WR_MIN(n, w->plen)) == 0;
}

/* An error about the entry w->rel names, with its full path. */
static int walk_error(walk *w, wr_error *err, int e, const char *what)
{
    char *path = join(w->ls, w->rel.ptr);
    if (!path) return oom(err);
    int rc = io_error(err, e, what, path);
    wr_free(path);
    return rc;
}

static int walk_dir(walk *w, wr_error *err)
{
    int rc = WR_OK;
    char *dirpath = join(w->ls, w->rel.ptr);
    if (!dirpath) return oom(err);
    DIR *d = opendir(dirpath);
    if (!d) {
        int e = errno;
        /* A missing directory has no keys; so has a file where a directory would be. */
        if (e != ENOENT && e != ENOTDIR) rc = io_error(err, e, "open directory", dirpath);
        wr_free(dirpath);
        return rc;
    }
    size_t base = w->rel.len;
    /* Entries of a directory wholly under the prefix include temporary files to remove. */
    bool dir_under = base >= w->plen;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno) rc = io_error(err, errno, "read directory", dirpath);
            break;
        }
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
        bool is_tmp = strncmp(name, TMP_PREFIX, TMP_PREFIX_LEN) == 0;
        w->rel.len = base;
        if (wr_buf_append_c(&w->rel, name)) {
            rc = oom(err);
            break;
        }
        if (!agrees(w, w->rel.ptr, w->rel.len) && !(is_tmp && dir_under)) continue;
        int type = de->d_type;
        if (type == DT_UNKNOWN || type == DT_LNK) {
            struct stat st;
            if (fstatat(dirfd(d), name, &st, 0) != 0) {
                if (errno == ENOENT) continue; /* removed meanwhile */
                rc = walk_error(w, err, errno, "stat");
                break;
            }
            /* A symbolic link counts when it points at a file; a link to a directory is not
             * followed (it could loop). */
            bool link = type == DT_LNK;
            type = S_ISREG(st.st_mode)            ? DT_REG
                   : S_ISDIR(st.st_mode) && !link ? DT_DIR
                                                  : DT_UNKNOWN;
        }
        if (type == DT_DIR) {
            if (w->rel.len >= WR_STORAGE_KEY_MAX) continue; /* no key can be below */
            if (wr_buf_putc(&w->rel, '/')) {
                rc = oom(err);
                break;
            }
            if (!agrees(w, w->rel.ptr, w->rel.len)) continue;
            size_t sub = w->rel.len;
            rc = walk_dir(w, err);
            if (rc) break;
            /* Remove a directory left empty under the prefix (ENOTEMPTY: not empty). */
            if (w->del && sub >= w->plen) {
                w->rel.len = sub - 1;
                w->rel.ptr[sub - 1] = '\0';
                if (unlinkat(dirfd(d), name, AT_REMOVEDIR) != 0 && errno != ENOTEMPTY &&
                    errno != EEXIST && errno != ENOENT) {
                    rc = walk_error(w, err, errno, "remove directory");
                    break;
                }
            }
            continue;
        }
        if (type != DT_REG) continue;
        if (w->del) {
            /* Keys under the prefix, and temporary files in directories under it. */
            if (is_tmp ? !dir_under : w->rel.len < w->plen) continue;
            if (unlinkat(dirfd(d), name, 0) != 0 && errno != ENOENT) {
                rc = walk_error(w, err, errno, "delete");
                break;
            }
        } else if (!is_tmp && w->rel.len >= w->plen) {
            if (*w->count == UINT32_MAX) {
                rc = wr_error_set(err, WR_ELIMIT, WR_DOMAIN_INTERNAL,
                                  "storage: too many keys under the prefix");
                break;
            }
            if (wr_buf_append(w->out, w->rel.ptr, w->rel.len + 1)) {
                rc = oom(err);
                break;
            }
            (*w->count)++;
        }
    }
    w->rel.len = base;
    if (w->rel.cap) w->rel.ptr[base] = '\0';
    closedir(d);
    wr_free(dirpath);
    return rc;
}

static int walk_prefix(local_store *ls, const char *prefix, bool del, wr_buf *out, uint32_t *count,
                       wr_error *err)
{
    walk w = {
        .ls = ls, .prefix = prefix, .plen = strlen(prefix), .del = del, .out = out, .count = count};
    wr_buf_init(&w.rel);
    /* Start in the deepest directory the prefix names whole ("a/b/" of "a/b/c"). */
    const char *slash = strrchr(prefix, '/');
    if (slash && wr_buf_append(&w.rel, prefix, (size_t)(slash - prefix) + 1)) {
        wr_buf_free(&w.rel);
        return oom(err);
    }
    int rc = walk_dir(&w, err);
    /* delete_prefix "a/b/": the directory a/b itself is under the prefix too. */
    if (!rc && del && w.rel.len > 0 && w.rel.len == w.plen) {
        char *dir = join(ls, w.rel.ptr);
        if (!dir)
            rc = oom(err);
        else if (rmdir(dir) != 0 && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT &&
                 errno != ENOTDIR)
            rc = io_error(err, errno, "remove directory", dir);
        wr_free(dir);
    }
    wr_buf_free(&w.rel);
    return rc;
}

static int local_list(void *impl, const char *prefix, wr_buf *out, uint32_t *count, wr_error *err)
{
    return walk_prefix(impl, prefix, false, out, count, err);
}

static int local_del_prefix(void *impl, const char *prefix, wr_error *err)
{
    uint32_t n = 0;
    return walk_prefix(impl, prefix, true, NULL, &n, err);
}

static int local_del(void *impl, const char *key, wr_error *err)
{
    local_store *ls = impl;
    char *path = join(ls, key);
    if (!path) return oom(err);
    int rc = WR_OK;
    if (unlink(path) != 0 && errno != ENOENT && errno != ENOTDIR) {
        /* EISDIR/EPERM on a directory: not an object, so nothing to delete. */
        int e = errno;
        struct stat st;
        if (!(e == EISDIR || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))))
            rc = io_error(err, e, "delete", path);
    }
    wr_free(path);
    return rc;
}

const wr_store_kind wr_storage_local_kind = {
    .name = "local",
    .open = local_open,
    .close = local_close,
    .put = local_put,
    .get_range = local_get_range,
    .size = local_size,
    .list = local_list,
    .del = local_del,
    .del_prefix = local_del_prefix,
};
