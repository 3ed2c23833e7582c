/* base.h - weir's base library: allocation with accounting, arenas, strings and buffers,
 * intrusive lists, a min-heap, a hash table with incremental rehash, the error table and
 * error objects, structured logging, clocks, threads and atomics.
 *
 * Everything here is usable from any thread unless a comment says otherwise. Nothing here
 * knows about SQL, batches or jobs. */
#ifndef WR_BASE_H
#define WR_BASE_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <sys/types.h> /* ssize_t */

/* ------------------------------------------------------------------------------------------
 * Compiler helpers
 * ---------------------------------------------------------------------------------------- */
#define WR_LIKELY(x)                       __builtin_expect(!!(x), 1)
#define WR_UNLIKELY(x)                     __builtin_expect(!!(x), 0)
#define WR_ARRAY_LEN(a)                    (sizeof(a) / sizeof((a)[0]))
#define WR_MIN(a, b)                       ((a) < (b) ? (a) : (b))
#define WR_MAX(a, b)                       ((a) > (b) ? (a) : (b))
#define WR_CONTAINER_OF(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#define WR_PRINTF(f, a)                    __attribute__((format(printf, f, a)))
#define WR_UNUSED(x)                       ((void)(x))

/* Assertions guard invariants and are always on. They are not for user input. */
#define WR_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (WR_UNLIKELY(!(cond))) wr_assert_fail(#cond, __FILE__, __LINE__);                       \
    } while (0)
_Noreturn void wr_assert_fail(const char *expr, const char *file, int line);

/* ------------------------------------------------------------------------------------------
 * Errors: one enum generated with its strings from one table. 0 is OK, negative is failure.
 * ---------------------------------------------------------------------------------------- */
#define WR_ERROR_TABLE(X)                                                                          \
    X(WR_OK, 0, "ok")                                                                              \
    X(WR_ENOMEM, -1, "out of memory")                                                              \
    X(WR_EINVAL, -2, "invalid argument")                                                           \
    X(WR_EIO, -3, "input/output error")                                                            \
    X(WR_ENOENT, -4, "not found")                                                                  \
    X(WR_EEXIST, -5, "already exists")                                                             \
    X(WR_EPARSE, -6, "parse error")                                                                \
    X(WR_ETYPE, -7, "type error")                                                                  \
    X(WR_EOVERFLOW, -8, "numeric overflow")                                                        \
    X(WR_EDIVZERO, -9, "division by zero")                                                         \
    X(WR_ECAST, -10, "invalid cast")                                                               \
    X(WR_ECONFIG, -11, "configuration error")                                                      \
    X(WR_EUNSUPPORTED, -12, "not supported")                                                       \
    X(WR_EAGAIN, -13, "try again")                                                                 \
    X(WR_ECANCELED, -14, "canceled")                                                               \
    X(WR_ECORRUPT, -15, "corrupt data")                                                            \
    X(WR_ELIMIT, -16, "limit exceeded")                                                            \
    X(WR_EINTERNAL, -17, "internal error")                                                         \
    X(WR_EEND, -18, "end of input")

typedef enum wr_err {
#define WR_X_ENUM(name, code, text) name = code,
    WR_ERROR_TABLE(WR_X_ENUM)
#undef WR_X_ENUM
} wr_err;

const char *wr_err_str(int err);  /* "out of memory" */
const char *wr_err_name(int err); /* "WR_ENOMEM" */

typedef enum wr_err_domain {
    WR_DOMAIN_USER = 0, /* the user's input or configuration is wrong; retrying will not help */
    WR_DOMAIN_EXTERNAL, /* a peer system failed; retrying may help */
    WR_DOMAIN_INTERNAL, /* a bug or resource exhaustion inside weir */
} wr_err_domain;

/* An error object carries what a caller needs to decide what to do next and to tell the
 * user: code, a message (which names the file/line/column or option where it applies),
 * domain, and whether a retry can help. It is a plain value: copy it freely. */
#define WR_ERROR_MSG_MAX 512
typedef struct wr_error {
    int code; /* wr_err */
    wr_err_domain domain;
    bool retryable;
    char msg[WR_ERROR_MSG_MAX];
} wr_error;

/* Set *e (when e is not NULL) and return code, so that `return wr_error_set(e, ...)` works. */
int wr_error_set(wr_error *e, int code, wr_err_domain domain, const char *fmt, ...) WR_PRINTF(4, 5);
int wr_error_setv(wr_error *e, int code, wr_err_domain domain, const char *fmt, va_list ap);
void wr_error_clear(wr_error *e);
/* Prefix the message with more context: "reading 'x.csv': " + old message. */
void wr_error_prefix(wr_error *e, const char *fmt, ...) WR_PRINTF(2, 3);

/* ------------------------------------------------------------------------------------------
 * Allocation. Every allocation goes through these. Bytes are counted globally and per
 * owner (state budgets, metrics). In test builds allocations can be made to fail on
 * purpose (wr_mem_fail_*). wr_malloc returns NULL on failure; callers on the data path turn
 * that into WR_ENOMEM and fail the task, they never abort.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_mem_owner {
    const char *name;
    _Atomic int64_t bytes; /* currently allocated */
    _Atomic int64_t peak;
    _Atomic int64_t allocs; /* number of live allocations */
} wr_mem_owner;

#define WR_MEM_OWNER_INIT(n)                                                                       \
    {                                                                                              \
        .name = (n)                                                                                \
    }

void *wr_malloc(size_t size);
void *wr_calloc(size_t n, size_t size);
void *wr_realloc(void *p, size_t size);
void wr_free(void *p);
char *wr_strdup(const char *s);
char *wr_strndup(const char *s, size_t n);

/* Same, charged to an owner (NULL = the global default owner). wr_free works on both. */
void *wr_malloc_owned(wr_mem_owner *owner, size_t size);
void *wr_calloc_owned(wr_mem_owner *owner, size_t n, size_t size);
void *wr_realloc_owned(wr_mem_owner *owner, void *p, size_t size);

int64_t wr_mem_allocated(void); /* all owners */
int64_t wr_mem_peak(void);
int64_t wr_mem_live_allocs(void);

/* Failure injection (tests): the n-th allocation from now fails (n=1: the next one);
 * wr_mem_fail_every(k) fails every k-th allocation; wr_mem_fail_off() stops injecting. */
void wr_mem_fail_after(int64_t n);
void wr_mem_fail_every(int64_t k);
void wr_mem_fail_off(void);
int64_t wr_mem_failures_injected(void);

/* ------------------------------------------------------------------------------------------
 * Arenas: bump allocation, freed all at once. Not thread-safe; an arena belongs to one
 * owner (a batch, a request, a job) at a time.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_arena_chunk wr_arena_chunk;
typedef struct wr_arena {
    wr_arena_chunk *head; /* current chunk */
    size_t chunk_size;    /* default size of a new chunk */
    size_t used;          /* bytes handed out since the last reset */
    size_t reserved;      /* bytes held in chunks */
    wr_mem_owner *owner;
} wr_arena;

void wr_arena_init(wr_arena *a, size_t chunk_size, wr_mem_owner *owner);
void *wr_arena_alloc(wr_arena *a, size_t size); /* 8-byte aligned, NULL on failure */
void *wr_arena_alloc_aligned(wr_arena *a, size_t size, size_t align);
char *wr_arena_strndup(wr_arena *a, const char *s, size_t n); /* NUL-terminated copy */
void *wr_arena_memdup(wr_arena *a, const void *p, size_t n);
/* Frees all memory but the first chunk, which is kept for reuse. */
void wr_arena_reset(wr_arena *a);
void wr_arena_destroy(wr_arena *a);

/* ------------------------------------------------------------------------------------------
 * Strings. wr_slice is a binary-safe view (not owned, not NUL-terminated). wr_buf is a
 * growable byte buffer that owns its bytes and always keeps a NUL after len.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_slice {
    const char *ptr;
    size_t len;
} wr_slice;

#define WR_SLICE_LIT(s) ((wr_slice){(s), sizeof(s) - 1})
wr_slice wr_slice_c(const char *s);
bool wr_slice_eq(wr_slice a, wr_slice b);
bool wr_slice_eq_c(wr_slice a, const char *s);
bool wr_slice_ieq_c(wr_slice a, const char *s); /* ASCII case-insensitive */
int wr_slice_cmp(wr_slice a, wr_slice b);       /* memcmp order, shorter first on tie */
wr_slice wr_slice_trim(wr_slice s);             /* ASCII whitespace */

/* Encode code point cp (at most 0x10FFFF) as UTF-8 into out[0..4); returns the bytes written. */
static inline size_t wr_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

typedef struct wr_buf {
    char *ptr;
    size_t len;
    size_t cap;
    wr_mem_owner *owner;
} wr_buf;

void wr_buf_init(wr_buf *b);
void wr_buf_free(wr_buf *b);
void wr_buf_clear(wr_buf *b); /* len = 0, keeps capacity */
int wr_buf_reserve(wr_buf *b, size_t extra);
int wr_buf_append(wr_buf *b, const void *p, size_t n);
int wr_buf_append_c(wr_buf *b, const char *s);
int wr_buf_putc(wr_buf *b, char c);
int wr_buf_printf(wr_buf *b, const char *fmt, ...) WR_PRINTF(2, 3);
int wr_buf_vprintf(wr_buf *b, const char *fmt, va_list ap);
/* Append s as a JSON string literal with quotes and escapes. */
int wr_buf_append_json_str(wr_buf *b, const char *s, size_t n);
/* Take ownership of the bytes (caller frees with wr_free); the buffer becomes empty. */
char *wr_buf_steal(wr_buf *b);

/* ------------------------------------------------------------------------------------------
 * Intrusive doubly linked list (circular, with a sentinel head).
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_list {
    struct wr_list *prev, *next;
} wr_list;

static inline void wr_list_init(wr_list *h)
{
    h->prev = h->next = h;
}
static inline bool wr_list_empty(const wr_list *h)
{
    return h->next == h;
}
static inline void wr_list_insert_after(wr_list *pos, wr_list *n)
{
    n->prev = pos;
    n->next = pos->next;
    pos->next->prev = n;
    pos->next = n;
}
static inline void wr_list_push_back(wr_list *h, wr_list *n)
{
    wr_list_insert_after(h->prev, n);
}
static inline void wr_list_push_front(wr_list *h, wr_list *n)
{
    wr_list_insert_after(h, n);
}
static inline void wr_list_remove(wr_list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = n;
}
static inline wr_list *wr_list_pop_front(wr_list *h)
{
    if (wr_list_empty(h)) return NULL;
    wr_list *n = h->next;
    wr_list_remove(n);
    return n;
}
#define wr_list_for_each(it, head) for (wr_list *it = (head)->next; it != (head); it = it->next)
#define wr_list_for_each_safe(it, tmp, head)                                                       \
    for (wr_list *it = (head)->next, *tmp = it->next; it != (head); it = tmp, tmp = it->next)

/* ------------------------------------------------------------------------------------------
 * Min-heap of (key, value) pairs ordered by key, ties by insertion order (stable), so that
 * timers registered for the same time fire in registration order.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_heap_item {
    int64_t key;
    uint64_t seq; /* insertion sequence, breaks ties */
    uint64_t value;
} wr_heap_item;

typedef struct wr_heap {
    wr_heap_item *items;
    size_t len, cap;
    uint64_t next_seq;
    wr_mem_owner *owner;
} wr_heap;

void wr_heap_init(wr_heap *h, wr_mem_owner *owner);
void wr_heap_free(wr_heap *h);
int wr_heap_push(wr_heap *h, int64_t key, uint64_t value);
bool wr_heap_peek(const wr_heap *h, int64_t *key, uint64_t *value);
bool wr_heap_pop(wr_heap *h, int64_t *key, uint64_t *value);
static inline size_t wr_heap_len(const wr_heap *h)
{
    return h->len;
}

/* ------------------------------------------------------------------------------------------
 * Hash table: binary-safe keys (copied into the table) to void* values, open hashing with
 * chaining, that grows by incremental rehash (each operation moves a few buckets from the
 * old table to the new one, so no single insert pays for a full rehash). Not thread-safe.
 * Iteration order is unspecified. The caller gives the hash (wr_hash_bytes) so that keys
 * hashed once for partitioning are not hashed twice.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_htab_entry wr_htab_entry;
typedef struct wr_htab {
    wr_htab_entry **t[2]; /* t[1] is the new table while rehashing */
    size_t size[2];       /* bucket counts (powers of two) */
    size_t used[2];
    ssize_t rehash_idx; /* -1 when not rehashing */
    wr_mem_owner *owner;
} wr_htab;

typedef struct wr_htab_iter {
    wr_htab *h;
    int table;
    size_t bucket;
    wr_htab_entry *next;
} wr_htab_iter;

void wr_htab_init(wr_htab *h, wr_mem_owner *owner);
void wr_htab_free(wr_htab *h, void (*free_value)(void *value));
size_t wr_htab_count(const wr_htab *h);
/* Lookup; returns the address of the value slot or NULL when absent. */
void **wr_htab_find(wr_htab *h, uint64_t hash, const void *key, size_t key_len);
/* Find or insert; *inserted tells which. On insert the value slot is NULL. NULL on ENOMEM. */
void **wr_htab_upsert(wr_htab *h, uint64_t hash, const void *key, size_t key_len, bool *inserted);
/* Remove; returns true and the old value in *value when present. */
bool wr_htab_remove(wr_htab *h, uint64_t hash, const void *key, size_t key_len, void **value);
void wr_htab_iter_init(wr_htab *h, wr_htab_iter *it);
/* Next entry; false at the end. Must not be interleaved with inserts/removes. */
bool wr_htab_iter_next(wr_htab_iter *it, const void **key, size_t *key_len, void ***value);
bool wr_htab_is_rehashing(const wr_htab *h);

/* Equality of two byte strings of the same length, word by word (hash-table keys are
 * short: this beats memcmp's call for them). */
static inline bool wr_bytes_eq(const uint8_t *a, const uint8_t *b, uint32_t len)
{
    while (len >= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) return false;
        a += 8;
        b += 8;
        len -= 8;
    }
    while (len--)
        if (*a++ != *b++) return false;
    return true;
}

/* Little-endian integers of n bytes (1..8), for file and record formats (snapshot
 * records, manifests): the same bytes on every host. */
static inline void wr_le_put(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint64_t wr_le_get(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* 64-bit hash of bytes (XXH3) and a mixer for combining several values. */
uint64_t wr_hash_bytes(const void *p, size_t n);
/* Fault tests: with WEIR_CRASH_AT="name:N" the N-th pass through wr_crash_point("name")
 * kills the process (SIGKILL). Points: ckpt.upload (a snapshot file stored), ckpt.manifest
 * (before a manifest is written), ckpt.complete (manifest written, job not told yet),
 * fs.commit (between two part-file renames of a checkpoint's commit). */
void wr_crash_point(const char *name);
/* Fault tests: with WEIR_FAIL_AT="name:N" the N-th pass through wr_fail_point("name") returns
 * true, once per process. Points: fs.write (the filesystem sink fails a write). */
bool wr_fail_point(const char *name);
uint64_t wr_hash_u64(uint64_t x);
static inline uint64_t wr_hash_combine(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x9E3779B97F4A7C15ull + (h >> 29);
}

/* ------------------------------------------------------------------------------------------
 * Logging: text lines ("2026-01-02T03:04:05.678Z INFO component: message key=value") or JSON
 * lines ({"time":..,"level":..,"component":..,"msg":..,...}) to stderr or a file.
 * Messages never contain secrets: callers redact before logging.
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_log_level {
    WR_LOG_DEBUG = 0,
    WR_LOG_INFO,
    WR_LOG_WARN,
    WR_LOG_ERROR,
    WR_LOG_OFF,
} wr_log_level;

typedef enum wr_log_format { WR_LOG_TEXT = 0, WR_LOG_JSON } wr_log_format;

void wr_log_configure(wr_log_level level, wr_log_format format, int fd);
wr_log_level wr_log_get_level(void);
int wr_log_parse_level(const char *s, wr_log_level *out); /* "debug".."error", "off" */
void wr_log(wr_log_level level, const char *component, const char *fmt, ...) WR_PRINTF(3, 4);
void wr_logv(wr_log_level level, const char *component, const char *fmt, va_list ap);
#define WR_LOG_ENABLED(lvl) ((lvl) >= wr_log_get_level())

/* ------------------------------------------------------------------------------------------
 * Clocks. Monotonic for durations, wall for timestamps. Microseconds unless said otherwise.
 * ---------------------------------------------------------------------------------------- */
int64_t wr_mono_ns(void);
int64_t wr_mono_us(void);
int64_t wr_wall_us(void); /* since the Unix epoch, UTC */
int64_t wr_wall_ms(void);
int64_t wr_thread_cpu_ns(void);
int64_t wr_process_cpu_ns(void);
int64_t wr_process_peak_rss(void); /* bytes */
int64_t wr_process_rss(void);      /* bytes */
void wr_sleep_us(int64_t us);

/* ------------------------------------------------------------------------------------------
 * Threads. Thin wrappers that turn pthread failures into wr_err codes.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_thread {
    pthread_t tid;
    bool started;
} wr_thread;

int wr_thread_start(wr_thread *t, const char *name, void *(*fn)(void *), void *arg);
int wr_thread_join(wr_thread *t);
int wr_cpu_count(void);

typedef pthread_mutex_t wr_mutex;
typedef pthread_cond_t wr_cond;
void wr_mutex_init(wr_mutex *m);
void wr_mutex_destroy(wr_mutex *m);
static inline void wr_mutex_lock(wr_mutex *m)
{
    pthread_mutex_lock(m);
}
static inline void wr_mutex_unlock(wr_mutex *m)
{
    pthread_mutex_unlock(m);
}
void wr_cond_init(wr_cond *c); /* uses CLOCK_MONOTONIC for timed waits */
void wr_cond_destroy(wr_cond *c);
static inline void wr_cond_wait(wr_cond *c, wr_mutex *m)
{
    pthread_cond_wait(c, m);
}
/* Wait until the monotonic clock reaches deadline_us (wr_mono_us); false on timeout. */
bool wr_cond_wait_until(wr_cond *c, wr_mutex *m, int64_t deadline_us);
static inline void wr_cond_signal(wr_cond *c)
{
    pthread_cond_signal(c);
}
static inline void wr_cond_broadcast(wr_cond *c)
{
    pthread_cond_broadcast(c);
}

/* Cache-line size for padding shared atomics. */
#define WR_CACHELINE 64

/* ------------------------------------------------------------------------------------------
 * Small utilities
 * ---------------------------------------------------------------------------------------- */
/* Levenshtein distance, for "did you mean" suggestions. */
size_t wr_edit_distance(const char *a, const char *b);
/* Best suggestion among candidates (NULL-terminated array) or NULL if none is close. */
const char *wr_suggest(const char *word, const char *const *candidates);
/* Parse a Flink duration ("10 s", "5min", "1 h", "200ms", "0") into microseconds. */
int wr_parse_duration(const char *s, int64_t *out_us);
/* Parse a Flink memory size ("128MB", "64 kb", "1g", "100") into bytes. */
int wr_parse_size(const char *s, int64_t *out_bytes);
/* Parse base-10 integers and booleans strictly (whole string, no trailing garbage). */
int wr_parse_i64(const char *s, int64_t *out);
int wr_parse_bool(const char *s, bool *out); /* "true"/"false", case-insensitive */

static inline uint64_t wr_next_pow2(uint64_t x)
{
    if (x <= 1) return 1;
    return 1ull << (64 - __builtin_clzll(x - 1));
}

#endif
