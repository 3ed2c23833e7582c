/* state.h - keyed state and its snapshots.
 *
 * Keyed state. Each instance (subtask) of a stateful operator owns one wr_state: a set of
 * named tables (wr_kv). A table maps (namespace, key) to a fixed-size in-memory record:
 *   - the key is the operator's encoded key bytes (equal keys, equal bytes); its `hash` is
 *     the hash the job partitions by (wr_batch_hash_keys over the input edge's key
 *     columns), so its key group (hash % max parallelism) is one this instance owns;
 *   - the namespace is an int64 the operator chooses: 0 for plain value state, a window or
 *     slice end for window state, a timestamp for timer-like sets. Namespaces are kept in
 *     ascending order, so "every namespace <= the watermark" is a cheap walk;
 *   - the record is `codec.size` bytes the operator reads and writes in place (accumulators,
 *     a row, a list head). Records may own memory (strings, lists); the codec encodes a
 *     record to bytes for snapshots and spilling, decodes it back, and destroys it.
 * Value state is a table with one namespace; list state is a record holding a growable
 * byte list (operator-defined framing); map state is namespaces or composite keys.
 * Timers: the runtime's timers (wr_op_timer_register) are not checkpointed; an operator
 * whose timers follow from its state (window ends = namespaces) registers them again in its
 * restore hook.
 *
 * Backends (`state.backend.type`):
 *   - heap (default): the records live in hash tables in memory (open addressing, dense
 *     entries, memory charged to the operator's wr_mem_owner). A snapshot encodes every
 *     record synchronously (the task pauses for it); the upload is asynchronous.
 *   - rocksdb: the same tables act as a write-back cache over RocksDB (later).
 * Both write the same snapshot format, so a savepoint restores into either.
 *
 * TTL (`table.exec.state.ttl`, 0 = off): a record not written or read for longer than the
 * TTL (processing time) is gone: find does not return it and snapshots drop it; expired
 * records are cleaned up incrementally as the table is used.
 *
 * Pointers returned by find/upsert are valid until the next upsert or remove on the same
 * table (the table may grow and move records).
 *
 * Threads: a wr_state belongs to one task and is used by one thread at a time; no locks.
 *
 * Snapshot files. A snapshot of one operator instance is one byte string (a file), written
 * with wr_snap_writer and read with wr_snap_reader. Records are grouped by key group, so a
 * restore at another parallelism reads only the key groups it owns, from every old
 * instance's file. Operator (non-keyed) state records, such as source offsets and a sink's
 * pending files, are seen by every restoring instance, which picks what is its own (Flink's
 * union list state). The byte layout is documented in state_snapshot.c. Every block is
 * checksummed (xxh64) and may be zstd-compressed; a reader rejects a file whose magic,
 * version, lengths or checksums do not match, naming the file and the block. */
#ifndef WR_STATE_H
#define WR_STATE_H

#include "base/base.h"

/* ------------------------------------------------------------------------------------------
 * Snapshot files
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_snap_writer wr_snap_writer;
typedef struct wr_snap_reader wr_snap_reader;

/* A writer for an instance owning key groups [kg_start, kg_end] of max_par. compress: zstd
 * blocks (level 1) when that makes them smaller. */
int wr_snap_writer_new(uint32_t max_par, uint32_t kg_start, uint32_t kg_end, bool compress,
                       wr_snap_writer **out, wr_error *err);
void wr_snap_writer_free(wr_snap_writer *w);
/* Keyed record of table `table` (a name, <= 255 bytes; tables are created on first use).
 * kg must be within the writer's range (WR_EINVAL otherwise). */
int wr_snap_put(wr_snap_writer *w, const char *table, uint32_t kg, int64_t ns, const void *key,
                uint32_t klen, const void *val, uint32_t vlen, wr_error *err);
/* Operator-state record of table `table`. */
int wr_snap_put_op(wr_snap_writer *w, const char *table, const void *val, uint32_t vlen,
                   wr_error *err);
/* The file: appended to out. The writer is spent afterwards (free it). */
int wr_snap_finish(wr_snap_writer *w, wr_buf *out, wr_error *err);

/* A reader for an instance owning key groups [kg_start, kg_end] of max_par. */
int wr_snap_reader_new(uint32_t max_par, uint32_t kg_start, uint32_t kg_end, wr_snap_reader **out,
                       wr_error *err);
void wr_snap_reader_free(wr_snap_reader *r);
/* Add one file (the bytes are copied or kept as the reader needs; the caller may free
 * data). `name` is used in error messages. The file's max_par must equal the reader's
 * (WR_EINVAL: key groups cannot be remapped). Checksums are verified here (WR_ECORRUPT). */
int wr_snap_reader_add(wr_snap_reader *r, const void *data, size_t len, const char *name,
                       wr_error *err);

typedef struct wr_snap_rec {
    uint32_t kg; /* keyed records */
    int64_t ns;
    const uint8_t *key;
    uint32_t klen;
    const uint8_t *val;
    uint32_t vlen;
} wr_snap_rec;

/* Next keyed record of `table` whose key group is in the reader's range, over every file
 * added (files in the order added; within a file, by key group). Returns 1 with *rec filled
 * (pointers valid until the next call), 0 at the end, or a negative wr_err. */
int wr_snap_next(wr_snap_reader *r, const char *table, wr_snap_rec *rec, wr_error *err);
/* Next operator-state record of `table` over every file (all of them, whatever their key
 * groups). Same returns. */
int wr_snap_next_op(wr_snap_reader *r, const char *table, wr_snap_rec *rec, wr_error *err);
/* Restart both iterations of `table` from the first file. */
void wr_snap_rewind(wr_snap_reader *r, const char *table);
/* The tables named by the files added so far (i < wr_snap_reader_ntables), with the number
 * of their keyed records in the reader's key groups and of their operator-state records
 * (either may be NULL). The name is valid as long as the reader. */
uint32_t wr_snap_reader_ntables(const wr_snap_reader *r);
const char *wr_snap_reader_table(const wr_snap_reader *r, uint32_t i, uint64_t *keyed,
                                 uint64_t *op);
/* The reader's max parallelism and key groups. */
void wr_snap_reader_range(const wr_snap_reader *r, uint32_t *max_par, uint32_t *kg_start,
                          uint32_t *kg_end);

/* ------------------------------------------------------------------------------------------
 * Keyed state
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_state_backend_kind {
    WR_STATE_HEAP = 0,
    WR_STATE_ROCKSDB = 1, /* WR_EUNSUPPORTED until it lands */
} wr_state_backend_kind;

typedef struct wr_state_opts {
    wr_state_backend_kind kind;
    uint32_t max_par;          /* number of key groups */
    uint32_t kg_start, kg_end; /* the key groups this instance owns */
    wr_mem_owner *mem;         /* charged for every byte of state */
    int64_t ttl_us;            /* 0 = records never expire */
    const char *name;          /* operator and subtask, for messages */
} wr_state_opts;

typedef struct wr_state wr_state;
typedef struct wr_kv wr_kv;

typedef struct wr_kv_codec {
    uint32_t size; /* bytes of the in-memory record (> 0) */
    /* Append the record's serialized form to out. NULL: the record's `size` bytes as they
     * are (plain data without pointers). */
    int (*encode)(const void *arg, const void *rec, wr_buf *out);
    /* Fill rec (size bytes, zeroed) from its serialized form. NULL: copy (n must equal
     * size). A bad encoding is WR_ECORRUPT with a message; on failure rec must be left so
     * that destroy releases whatever decode allocated (the record is then removed). */
    int (*decode)(const void *arg, const uint8_t *p, size_t n, void *rec, wr_error *err);
    /* Release what a record owns. NULL: nothing. */
    void (*destroy)(const void *arg, void *rec);
    const void *arg;
} wr_kv_codec;

int wr_state_new(const wr_state_opts *o, wr_state **out, wr_error *err);
/* Destroys every record (codec destroy) and frees the tables. */
void wr_state_free(wr_state *s);
/* The table called name, created on first call with this codec; a second call with the
 * same name returns the same table (the codec must have the same size: WR_EINVAL). */
int wr_state_kv(wr_state *s, const char *name, const wr_kv_codec *codec, wr_kv **out,
                wr_error *err);

/* Encode every live record of every table into w, by key group (expired ones are
 * dropped). Synchronous: the records may change right after it returns. The snapshot
 * record is (key group, ns, key bytes, value) with value = u64 key hash, i64 last access
 * time (little-endian), then the codec's encoding; so TTL ages survive a restore (the
 * restoring state's clock must be in the same time base: wall-clock microseconds). */
int wr_state_snapshot(wr_state *s, wr_snap_writer *w, wr_error *err);
/* Load the records of r's key groups for every table that the operator has already
 * created with wr_state_kv (so the codecs are known); records of tables it did not create
 * are an error naming the table (state that this version of the operator cannot read).
 * Called once, before the first record is processed. */
int wr_state_restore(wr_state *s, wr_snap_reader *r, wr_error *err);
/* Bytes held (records, keys, index); also charged to opts.mem. */
size_t wr_state_bytes(const wr_state *s);
/* TTL clock. The state reads the wall clock (wr_wall_us) itself at most once every 256
 * find/upsert calls of a table with a TTL, so the time it sees may lag by those calls. A
 * caller that knows the time (the runtime, once per batch; tests) sets it instead: after
 * the first wr_state_set_now the state never reads the clock itself. Microseconds. */
void wr_state_set_now(wr_state *s, int64_t now_us);

/* The record of (ns, key), or NULL. */
void *wr_kv_find(wr_kv *t, int64_t ns, uint64_t hash, const void *key, uint32_t klen);
/* The record of (ns, key), created zeroed when missing (*inserted tells which); NULL on
 * WR_ENOMEM. */
void *wr_kv_upsert(wr_kv *t, int64_t ns, uint64_t hash, const void *key, uint32_t klen,
                   bool *inserted);
/* Destroy and remove the record; returns whether there was one. */
bool wr_kv_remove(wr_kv *t, int64_t ns, uint64_t hash, const void *key, uint32_t klen);
/* Records in the table / in one namespace (with TTL: expired records that the incremental
 * cleanup has not removed yet are counted, and a namespace holding only such records is
 * still listed by wr_kv_ns_next). */
uint64_t wr_kv_count(const wr_kv *t);
uint32_t wr_kv_ns_count(const wr_kv *t, int64_t ns);
/* The smallest namespace > after (use INT64_MIN to start, which is never a namespace):
 * returns true and sets *ns, or false when there is none. */
bool wr_kv_ns_next(const wr_kv *t, int64_t after, int64_t *ns);
/* Destroy and remove every record of a namespace. */
void wr_kv_ns_drop(wr_kv *t, int64_t ns);

/* Iteration over the records of one namespace (in insertion order; expired records are
 * skipped). The table must not be changed during the iteration, except wr_kv_iter_remove of
 * the current record. */
typedef struct wr_kv_iter {
    wr_kv *t;
    int64_t ns;
    void *priv;
    uint64_t pos;
} wr_kv_iter;

void wr_kv_iter_init(wr_kv_iter *it, wr_kv *t, int64_t ns);
/* Next record: true with key, klen, hash and rec set; false at the end. */
bool wr_kv_iter_next(wr_kv_iter *it, const uint8_t **key, uint32_t *klen, uint64_t *hash,
                     void **rec);
/* Remove the record the last wr_kv_iter_next returned (destroying it). */
void wr_kv_iter_remove(wr_kv_iter *it);

#endif
