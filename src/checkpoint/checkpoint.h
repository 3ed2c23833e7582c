/* checkpoint.h - the checkpoint coordinator, the manifest format, recovery and retention.
 *
 * The coordinator drives the runtime's barrier snapshots (runtime.h, wr_ckpt_hooks): it
 * triggers checkpoint ids 1, 2, ... every `interval` (at least `min_pause` after the
 * previous one ended, one at a time), receives each stateful vertex instance's snapshot
 * file from the tasks and uploads it on its own I/O thread (never on a worker), counts the
 * tasks' acknowledgements, and when every task acknowledged and every file is stored,
 * writes the manifest - last, atomically - which is what makes the checkpoint complete.
 * Then it tells the job (wr_job_notify_checkpoint: two-phase-commit sinks commit) and
 * deletes checkpoints beyond the `retained` newest. A checkpoint that times out or is
 * declined is abandoned (its files deleted); more than `tolerable_failures` failures in a
 * row fail the job.
 *
 * Layout in the store (storage.h):
 *     chk-<id>/<uid:016x>-<subtask>.snap      one file per stateful vertex instance
 *     chk-<id>/_manifest                      written last
 *     savepoint-<id>-<wall ms>/...            the same layout, kept until deleted by hand
 * A checkpoint is complete exactly when its _manifest exists and verifies; the files it
 * lists carry sizes and checksums, which a restore verifies before using them. The
 * manifest's byte layout is documented in ckpt_manifest.c.
 *
 * Recovery: wr_ckpt_find picks the newest complete checkpoint ("latest"; a torn or corrupt
 * one is skipped with a warning in the log and the previous one used), or opens the one a
 * path names; the coordinator then serves the runtime's restore hook from it. The restored
 * checkpoint's max parallelism must equal the job's; its vertices must all exist in the job
 * (by uid) unless non-restored state is allowed.
 *
 * Threads: the coordinator has one thread that triggers and completes checkpoints and one
 * uploader thread; the hooks only queue work for them. */
#ifndef WR_CHECKPOINT_H
#define WR_CHECKPOINT_H

#include "runtime/runtime.h"
#include "storage/storage.h"

/* ------------------------------------------------------------------------------------------
 * Manifest
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_ckpt_file {
    uint32_t subtask;
    uint32_t kg_start, kg_end;
    char *key; /* store key */
    uint64_t size;
    uint64_t xxh3; /* of the whole file */
} wr_ckpt_file;

typedef struct wr_ckpt_vertex {
    uint64_t uid;
    char *name;
    uint32_t parallelism;
    uint32_t nfiles;
    wr_ckpt_file *files;
} wr_ckpt_vertex;

typedef struct wr_ckpt_manifest {
    int64_t id;
    bool savepoint;
    bool final;           /* taken after every source ended (the job had finished) */
    int64_t completed_ms; /* wall clock, ms since the epoch */
    uint32_t max_par;
    uint32_t nvertices;
    wr_ckpt_vertex *vertices;
    char *job_name;
    char *plan; /* the job's serialized plan (diagnosis only) */
} wr_ckpt_manifest;

int wr_ckpt_manifest_encode(const wr_ckpt_manifest *m, wr_buf *out);
/* Parse and verify (magic, version, lengths, checksum); WR_ECORRUPT naming what is wrong. */
int wr_ckpt_manifest_decode(const void *data, size_t len, wr_ckpt_manifest *m, wr_error *err);
void wr_ckpt_manifest_free(wr_ckpt_manifest *m);

/* ------------------------------------------------------------------------------------------
 * Coordinator
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_ckpt_config {
    const char *dir;         /* store URL (state.checkpoints.dir) */
    int64_t interval_us;     /* execution.checkpointing.interval; 0: only final/savepoints */
    int64_t min_pause_us;    /* execution.checkpointing.min-pause */
    int64_t timeout_us;      /* execution.checkpointing.timeout */
    uint32_t tolerable;      /* execution.checkpointing.tolerable-failed-checkpoints */
    uint32_t retained;       /* state.checkpoints.num-retained (>= 1) */
    bool compress;           /* zstd snapshot blocks */
    bool allow_non_restored; /* restored state of vertices missing from the job is skipped */
    const char *job_name;
    const char *plan; /* serialized plan for manifests (may be NULL) */
} wr_ckpt_config;

typedef struct wr_ckpt_coord wr_ckpt_coord;

/* Open the store. Nothing runs until wr_ckpt_coord_start. */
int wr_ckpt_coord_new(const wr_ckpt_config *cfg, wr_ckpt_coord **out, wr_error *err);
void wr_ckpt_coord_free(wr_ckpt_coord *c);

/* Restore from `what`: "latest" (the newest complete checkpoint in cfg->dir; none there is
 * not an error: the job starts fresh, and *found says which), or the path/URL of a
 * checkpoint or savepoint directory. Verifies the manifest and every file's size. */
int wr_ckpt_coord_restore_from(wr_ckpt_coord *c, const char *what, bool *found, wr_error *err);
/* The id the restored checkpoint had (0 when starting fresh); new ids continue after it. */
int64_t wr_ckpt_coord_restored_id(const wr_ckpt_coord *c);
/* Check the restored checkpoint against the job (max parallelism, vertex uids). */
int wr_ckpt_coord_check_job(wr_ckpt_coord *c, const wr_job *job, wr_error *err);
/* Hooks for wr_job_opts.ckpt (restore is served only after restore_from found one). */
const wr_ckpt_hooks *wr_ckpt_coord_hooks(wr_ckpt_coord *c);
/* Start triggering checkpoints for the running execution x of job. */
int wr_ckpt_coord_start(wr_ckpt_coord *c, const wr_job *job, wr_job_exec *x, wr_error *err);
/* Take a savepoint now into dir (NULL: cfg->dir) and wait for it: on success *path is its
 * directory (caller frees). stop: stop the job with it (wr_job_trigger_stop): the sources end
 * at the savepoint, sinks commit it, and the job finishes; when the savepoint fails the job
 * still ends (restore from the latest checkpoint then). */
int wr_ckpt_coord_savepoint(wr_ckpt_coord *c, const char *dir, bool stop, char **path,
                            wr_error *err);
/* Stop triggering, finish or abandon what is in flight and join the threads. Call after
 * wr_job_wait returned (or before it, to stop checkpointing a job that goes on). */
void wr_ckpt_coord_stop(wr_ckpt_coord *c);

typedef struct wr_ckpt_stats {
    uint64_t completed, failed;
    int64_t last_id;          /* last completed */
    int64_t last_duration_us; /* trigger to manifest */
    uint64_t last_bytes;      /* files of the last completed checkpoint */
    int64_t last_completed_ms;
} wr_ckpt_stats;

void wr_ckpt_coord_stats(wr_ckpt_coord *c, wr_ckpt_stats *out);

/* The last WR_CKPT_HISTORY checkpoints and savepoints that ended (completed or failed), for
 * status reports: wr_ckpt_coord_history copies up to max of them, newest first, and returns
 * how many it copied. */
#define WR_CKPT_HISTORY 16
typedef struct wr_ckpt_history {
    int64_t id;
    bool savepoint;
    bool completed;      /* false: failed (error says why) */
    int64_t trigger_ms;  /* wall clock, ms since the epoch */
    int64_t duration_us; /* trigger to manifest, or to the failure */
    uint64_t bytes;      /* files stored (all of them when completed) */
    char error[160];
} wr_ckpt_history;

uint32_t wr_ckpt_coord_history(wr_ckpt_coord *c, wr_ckpt_history *out, uint32_t max);

#endif
