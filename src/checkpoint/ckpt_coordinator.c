/* ckpt_coordinator.c - the checkpoint coordinator: triggers checkpoints, uploads the
 * snapshot files the tasks hand over (on its own uploader thread), completes a checkpoint
 * by writing its manifest once every task acknowledged and every file is stored, tells the
 * job, and deletes old checkpoints; also finds and serves the checkpoint a job restores
 * from. See checkpoint.h for the protocol and the layout in the store.
 *
 * Threads: the runtime's workers call the hooks (they only queue and count under `mu`); the
 * coordinator thread decides when to trigger, times out, completes and fails checkpoints;
 * the uploader thread writes files. Store I/O never happens with `mu` held. */
#include "checkpoint/checkpoint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define LOG "checkpoint"

typedef struct upload {
    wr_list node;
    int64_t id;
    uint64_t uid;
    uint32_t subtask, kg_start, kg_end;
    wr_buf data;
} upload;

typedef struct stored {
    uint64_t uid;
    wr_ckpt_file f;
} stored;

/* The checkpoint in flight. */
typedef struct pending {
    int64_t id;
    bool savepoint, final;
    wr_store *store; /* where its files go (the savepoint's store, or c->store) */
    bool own_store;  /* store was opened for this savepoint */
    char *prefix;    /* "chk-7/" or "savepoint-7-1700000000000/" */
    int64_t started_us;
    uint32_t acks;
    uint32_t queued, uploaded;
    bool failed;
    wr_error err;
    stored *files;
    uint32_t nfiles, cap;
    uint64_t bytes;
} pending;

struct wr_ckpt_coord {
    wr_ckpt_config cfg;
    char *dir, *job_name, *plan;
    wr_store *store;
    wr_ckpt_hooks hooks;
    const wr_job *job;
    wr_job_exec *x;

    wr_mutex mu;
    wr_cond cv;    /* coordinator thread */
    wr_cond up_cv; /* uploader thread */
    wr_cond sp_cv; /* savepoint callers */
    bool stop;
    wr_thread thread, uploader;
    bool started;

    pending *cur;
    int64_t next_id;
    int64_t last_end_us, last_trigger_us;
    uint32_t failures_in_row;
    bool all_finished, final_done;

    wr_list uploads;

    /* savepoint request */
    bool sp_requested, sp_running, sp_done, sp_stop;
    char *sp_dir;
    int sp_rc;
    wr_error sp_err;
    char *sp_path;

    /* restore */
    wr_ckpt_manifest restored;
    bool have_restored;
    wr_store *rstore;
    char *rprefix;

    wr_ckpt_stats stats;
    /* the last checkpoints that ended, a ring: hist[(hist_n - 1) % WR_CKPT_HISTORY] newest */
    wr_ckpt_history hist[WR_CKPT_HISTORY];
    uint64_t hist_n;
};

static char *dupstr(const char *s)
{
    return s ? wr_strdup(s) : NULL;
}

/* ------------------------------------------------------------------------------------------
 * Hooks (worker threads)
 * ---------------------------------------------------------------------------------------- */
static void hook_state(void *arg, int64_t id, uint64_t uid, uint32_t subtask, uint32_t kgs,
                       uint32_t kge, wr_buf *file)
{
    wr_ckpt_coord *c = arg;
    upload *u = wr_calloc(1, sizeof *u);
    wr_mutex_lock(&c->mu);
    if (!c->cur || c->cur->id != id || c->cur->failed || !u) {
        if (c->cur && c->cur->id == id && !u) {
            c->cur->failed = true;
            wr_error_set(&c->cur->err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            wr_cond_signal(&c->cv);
        }
        wr_mutex_unlock(&c->mu);
        wr_free(u);
        return;
    }
    u->id = id;
    u->uid = uid;
    u->subtask = subtask;
    u->kg_start = kgs;
    u->kg_end = kge;
    u->data = *file; /* the hook takes the bytes */
    wr_buf_init(file);
    c->cur->queued++;
    wr_list_push_back(&c->uploads, &u->node);
    wr_cond_signal(&c->up_cv);
    wr_mutex_unlock(&c->mu);
}

static void hook_ack(void *arg, int64_t id, uint32_t task)
{
    wr_ckpt_coord *c = arg;
    wr_mutex_lock(&c->mu);
    if (c->cur && c->cur->id == id) {
        c->cur->acks++;
        wr_cond_signal(&c->cv);
    }
    wr_mutex_unlock(&c->mu);
}

static void hook_decline(void *arg, int64_t id, uint32_t task, const wr_error *err)
{
    wr_ckpt_coord *c = arg;
    wr_mutex_lock(&c->mu);
    if (c->cur && c->cur->id == id && !c->cur->failed) {
        c->cur->failed = true;
        c->cur->err = *err;
        wr_cond_signal(&c->cv);
    }
    wr_mutex_unlock(&c->mu);
}

static void hook_all_finished(void *arg)
{
    wr_ckpt_coord *c = arg;
    wr_mutex_lock(&c->mu);
    c->all_finished = true;
    wr_cond_signal(&c->cv);
    wr_mutex_unlock(&c->mu);
}

/* Read, verify and add to r every file of vertex v that holds key groups in [kgs, kge]. */
static int hook_restore(void *arg, uint64_t uid, uint32_t subtask, uint32_t kgs, uint32_t kge,
                        wr_snap_reader **out, wr_error *err)
{
    wr_ckpt_coord *c = arg;
    *out = NULL;
    if (!c->have_restored) return WR_ENOENT;
    const wr_ckpt_manifest *m = &c->restored;
    const wr_ckpt_vertex *v = NULL;
    for (uint32_t i = 0; i < m->nvertices && !v; i++)
        if (m->vertices[i].uid == uid) v = &m->vertices[i];
    if (!v) return WR_ENOENT;
    wr_snap_reader *r = NULL;
    int rc = wr_snap_reader_new(m->max_par, kgs, kge, &r, err);
    if (rc != WR_OK) return rc;
    wr_buf data, key;
    wr_buf_init(&data);
    wr_buf_init(&key);
    for (uint32_t i = 0; i < v->nfiles && rc == WR_OK; i++) {
        const wr_ckpt_file *f = &v->files[i];
        /* Keyed state: only files with key groups in the range. Operator records (source
         * positions, pending commits) are in every file: read them all. */
        wr_buf_clear(&data);
        wr_buf_clear(&key);
        if (wr_buf_printf(&key, "%s%s", c->rprefix, f->key) != WR_OK) {
            rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            break;
        }
        rc = wr_storage_get(c->rstore, key.ptr, &data, err);
        if (rc != WR_OK) break;
        if (data.len != f->size || XXH3_64bits(data.ptr, data.len) != f->xxh3) {
            rc = wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL,
                              "%s/%s: size or checksum differs from the manifest (%zu bytes, "
                              "manifest %" PRIu64 ")",
                              wr_storage_url(c->rstore), key.ptr, data.len, f->size);
            break;
        }
        rc = wr_snap_reader_add(r, data.ptr, data.len, key.ptr, err);
    }
    wr_buf_free(&data);
    wr_buf_free(&key);
    if (rc != WR_OK) {
        wr_snap_reader_free(r);
        return rc;
    }
    (void)subtask;
    *out = r;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Uploader thread
 * ---------------------------------------------------------------------------------------- */
/* Read back what was stored: a store that tore or damaged the write makes the checkpoint
 * fail now, instead of being found corrupt when a job restores from it. */
static int verify_stored(wr_store *st, const char *key, const void *data, size_t len, wr_error *err)
{
    wr_buf back;
    wr_buf_init(&back);
    int rc = wr_storage_get(st, key, &back, err);
    if (rc == WR_OK && (back.len != len || memcmp(back.ptr, data, len) != 0))
        rc = wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL,
                          "%s/%s reads back differently from what was written (%zu of %zu "
                          "bytes)",
                          wr_storage_url(st), key, back.len, len);
    wr_buf_free(&back);
    return rc;
}
static void *uploader_main(void *arg)
{
    wr_ckpt_coord *c = arg;
    wr_buf key;
    wr_buf_init(&key);
    wr_mutex_lock(&c->mu);
    for (;;) {
        while (!c->stop && wr_list_empty(&c->uploads))
            wr_cond_wait(&c->up_cv, &c->mu);
        if (wr_list_empty(&c->uploads)) break; /* stopping and nothing left */
        upload *u = WR_CONTAINER_OF(wr_list_pop_front(&c->uploads), upload, node);
        pending *p = c->cur && c->cur->id == u->id && !c->cur->failed ? c->cur : NULL;
        wr_store *st = p ? p->store : NULL;
        wr_buf_clear(&key);
        int rc = p ? wr_buf_printf(&key, "%s%016" PRIx64 "-%u.snap", p->prefix, u->uid, u->subtask)
                   : WR_OK;
        wr_mutex_unlock(&c->mu);
        wr_error e;
        wr_error_clear(&e);
        uint64_t h = 0;
        if (st && rc == WR_OK) {
            h = XXH3_64bits(u->data.ptr, u->data.len);
            rc = wr_storage_put(st, key.ptr, u->data.ptr, u->data.len, &e);
            if (rc == WR_OK) rc = verify_stored(st, key.ptr, u->data.ptr, u->data.len, &e);
            if (rc == WR_OK) wr_crash_point("ckpt.upload");
        } else if (rc != WR_OK) {
            wr_error_set(&e, rc, WR_DOMAIN_INTERNAL, "out of memory");
        }
        wr_mutex_lock(&c->mu);
        if (st && c->cur == p) {
            p->uploaded++;
            if (rc == WR_OK && p->nfiles == p->cap) {
                uint32_t ncap = p->cap ? p->cap * 2 : 16;
                stored *n = wr_realloc(p->files, ncap * sizeof *n);
                if (n) {
                    p->files = n;
                    p->cap = ncap;
                } else {
                    rc = wr_error_set(&e, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
                }
            }
            if (rc == WR_OK) {
                const char *slash = strrchr(key.ptr, '/');
                stored *s = &p->files[p->nfiles++];
                s->uid = u->uid;
                s->f = (wr_ckpt_file){.subtask = u->subtask,
                                      .kg_start = u->kg_start,
                                      .kg_end = u->kg_end,
                                      .key = wr_strdup(slash ? slash + 1 : key.ptr),
                                      .size = u->data.len,
                                      .xxh3 = h};
                p->bytes += u->data.len;
                if (!s->f.key) {
                    p->nfiles--;
                    rc = wr_error_set(&e, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
                }
            }
            if (rc != WR_OK && !p->failed) {
                p->failed = true;
                p->err = e;
            }
            wr_cond_signal(&c->cv);
        }
        wr_buf_free(&u->data);
        wr_free(u);
    }
    wr_mutex_unlock(&c->mu);
    wr_buf_free(&key);
    return NULL;
}

/* ------------------------------------------------------------------------------------------
 * Coordinator thread
 * ---------------------------------------------------------------------------------------- */
static void pending_free(pending *p)
{
    if (!p) return;
    for (uint32_t i = 0; i < p->nfiles; i++)
        wr_free(p->files[i].f.key);
    wr_free(p->files);
    wr_free(p->prefix);
    if (p->own_store) wr_storage_close(p->store);
    wr_free(p);
}

/* Called with mu held; returns with it held. */
static void start_checkpoint(wr_ckpt_coord *c, bool savepoint, bool final)
{
    pending *p = wr_calloc(1, sizeof *p);
    wr_error e;
    wr_error_clear(&e);
    int64_t id = c->next_id++;
    char prefix[96];
    if (savepoint)
        snprintf(prefix, sizeof prefix, "savepoint-%" PRId64 "-%" PRId64 "/", id, wr_wall_ms());
    else
        snprintf(prefix, sizeof prefix, "chk-%" PRId64 "/", id);
    if (p) {
        p->id = id;
        p->savepoint = savepoint;
        p->final = final;
        p->prefix = wr_strdup(prefix);
        p->started_us = wr_mono_us();
        p->store = c->store;
    }
    const char *spdir = savepoint && c->sp_dir ? c->sp_dir : NULL;
    wr_mutex_unlock(&c->mu);
    int rc = p && p->prefix ? WR_OK : WR_ENOMEM;
    if (rc == WR_OK && spdir) {
        wr_store *s = NULL;
        rc = wr_storage_open(spdir, &s, &e);
        if (rc == WR_OK) {
            p->store = s;
            p->own_store = true;
        }
    }
    /* Leftovers of an earlier attempt with this id (a crash before its manifest). */
    if (rc == WR_OK) rc = wr_storage_delete_prefix(p->store, prefix, &e);
    wr_mutex_lock(&c->mu);
    if (rc != WR_OK) {
        if (!e.code) wr_error_set(&e, rc, WR_DOMAIN_INTERNAL, "%s", wr_err_str(rc));
        if (p) {
            p->failed = true;
            p->err = e;
        }
    }
    if (!p) {
        c->stats.failed++;
        return;
    }
    c->cur = p;
    c->last_trigger_us = p->started_us;
    if (savepoint) c->sp_running = true;
    if (!p->failed) {
        wr_mutex_unlock(&c->mu);
        int trc = savepoint && c->sp_stop ? wr_job_trigger_stop(c->x, id)
                                          : wr_job_trigger_checkpoint(c->x, id);
        if (trc != WR_OK) {
            wr_mutex_lock(&c->mu);
            p->failed = true;
            wr_error_set(&p->err, WR_EINVAL, WR_DOMAIN_INTERNAL, "the job refused the trigger");
        } else {
            wr_mutex_lock(&c->mu);
        }
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Ids of the "chk-<id>/" directories in the store, ascending (the caller frees). */
static int list_checkpoints(wr_store *s, int64_t **ids, uint32_t *n, wr_error *err)
{
    wr_buf keys;
    wr_buf_init(&keys);
    uint32_t count = 0;
    *ids = NULL;
    *n = 0;
    int rc = wr_storage_list(s, "chk-", &keys, &count, err);
    if (rc != WR_OK) {
        wr_buf_free(&keys);
        return rc;
    }
    int64_t *v = wr_calloc(count ? count : 1, sizeof *v);
    if (!v) {
        wr_buf_free(&keys);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    uint32_t k = 0;
    for (size_t off = 0; off < keys.len; off += strlen(keys.ptr + off) + 1) {
        const char *key = keys.ptr + off;
        char *end;
        long long id = strtoll(key + 4, &end, 10);
        if (end == key + 4 || *end != '/' || id <= 0) continue;
        if (k && v[k - 1] == id) continue; /* keys come sorted by directory */
        bool dup = false;
        for (uint32_t i = 0; i < k && !dup; i++)
            dup = v[i] == id;
        if (!dup) v[k++] = id;
    }
    wr_buf_free(&keys);
    qsort(v, k, sizeof *v, cmp_i64);
    *ids = v;
    *n = k;
    return WR_OK;
}

/* Keep the newest `retained` complete checkpoints (by manifest), delete the rest that are
 * older than the newest complete one. */
static void retain(wr_ckpt_coord *c, int64_t newest)
{
    int64_t *ids = NULL;
    uint32_t n = 0;
    wr_error e;
    wr_error_clear(&e);
    if (list_checkpoints(c->store, &ids, &n, &e) != WR_OK) {
        wr_log(WR_LOG_WARN, LOG, "listing %s for retention failed: %s", wr_storage_url(c->store),
               e.msg);
        return;
    }
    uint32_t kept = 0;
    for (uint32_t i = n; i-- > 0;) {
        if (ids[i] > newest) continue;
        char key[64];
        snprintf(key, sizeof key, "chk-%" PRId64 "/_manifest", ids[i]);
        uint64_t size;
        bool complete = wr_storage_size(c->store, key, &size, &e) == WR_OK;
        if (complete && kept < c->cfg.retained) {
            kept++;
            continue;
        }
        snprintf(key, sizeof key, "chk-%" PRId64 "/", ids[i]);
        if (wr_storage_delete_prefix(c->store, key, &e) != WR_OK)
            wr_log(WR_LOG_WARN, LOG, "deleting %s%s failed: %s", wr_storage_url(c->store), key,
                   e.msg);
    }
    wr_free(ids);
}

static int vertex_index(const wr_job *job, uint64_t uid)
{
    for (uint32_t i = 0; i < wr_job_vertex_count(job); i++)
        if (wr_job_vertex_uid(job, (int)i) == uid) return (int)i;
    return -1;
}

/* Record the end of checkpoint p in the history ring. mu held. */
static void history_add(wr_ckpt_coord *c, const pending *p, bool completed, const char *why)
{
    wr_ckpt_history *h = &c->hist[c->hist_n++ % WR_CKPT_HISTORY];
    memset(h, 0, sizeof *h);
    h->id = p->id;
    h->savepoint = p->savepoint;
    h->completed = completed;
    h->duration_us = wr_mono_us() - p->started_us;
    h->trigger_ms = wr_wall_ms() - h->duration_us / 1000;
    h->bytes = p->bytes;
    if (!completed) snprintf(h->error, sizeof h->error, "%s", why ? why : "failed");
}

/* Every task acknowledged and every file is stored: write the manifest. mu held; I/O
 * without it. */
static void complete(wr_ckpt_coord *c, pending *p)
{
    wr_mutex_unlock(&c->mu);
    wr_ckpt_manifest m = {.id = p->id,
                          .savepoint = p->savepoint,
                          .final = p->final,
                          .completed_ms = wr_wall_ms(),
                          .max_par = wr_job_max_parallelism(c->job),
                          .job_name = c->job_name,
                          .plan = c->plan};
    uint32_t nv = wr_job_vertex_count(c->job);
    wr_ckpt_vertex *vs = wr_calloc(nv ? nv : 1, sizeof *vs);
    wr_ckpt_file *files = wr_calloc(p->nfiles ? p->nfiles : 1, sizeof *files);
    wr_error e;
    wr_error_clear(&e);
    int rc = vs && files ? WR_OK : WR_ENOMEM;
    /* Files grouped by vertex, in job order; vertices without files are left out. */
    uint32_t nf = 0;
    for (uint32_t v = 0; v < nv && rc == WR_OK; v++) {
        uint64_t uid = wr_job_vertex_uid(c->job, (int)v);
        wr_ckpt_vertex *mv = &vs[m.nvertices];
        mv->files = files + nf;
        for (uint32_t i = 0; i < p->nfiles; i++)
            if (p->files[i].uid == uid) mv->files[mv->nfiles++] = p->files[i].f;
        if (!mv->nfiles) continue;
        mv->uid = uid;
        mv->name = (char *)wr_job_vertex_name(c->job, (int)v);
        mv->parallelism = wr_job_vertex_parallelism(c->job, (int)v);
        nf += mv->nfiles;
        m.nvertices++;
    }
    m.vertices = vs;
    wr_buf buf;
    wr_buf_init(&buf);
    if (rc == WR_OK) rc = wr_ckpt_manifest_encode(&m, &buf);
    char key[128];
    snprintf(key, sizeof key, "%s_manifest", p->prefix);
    if (rc == WR_OK) wr_crash_point("ckpt.manifest");
    if (rc == WR_OK) rc = wr_storage_put(p->store, key, buf.ptr, buf.len, &e);
    if (rc == WR_OK) rc = verify_stored(p->store, key, buf.ptr, buf.len, &e);
    if (rc == WR_OK) wr_crash_point("ckpt.complete");
    wr_buf_free(&buf);
    wr_free(vs);
    wr_free(files);
    if (rc == WR_OK) {
        int64_t dur = wr_mono_us() - p->started_us;
        wr_log(WR_LOG_INFO, LOG, "%s %" PRId64 " complete: %u files, %" PRIu64 " bytes, %.1f ms",
               p->savepoint ? "savepoint" : "checkpoint", p->id, p->nfiles, p->bytes,
               (double)dur / 1000.0);
        wr_job_notify_checkpoint(c->x, p->id);
        if (!p->savepoint) retain(c, p->id);
        wr_mutex_lock(&c->mu);
        c->stats.completed++;
        c->stats.last_id = p->id;
        c->stats.last_duration_us = dur;
        c->stats.last_bytes = p->bytes;
        c->stats.last_completed_ms = m.completed_ms;
        history_add(c, p, true, NULL);
        c->failures_in_row = 0;
        if (p->final) c->final_done = true;
        if (p->savepoint) {
            c->sp_rc = WR_OK;
            c->sp_path = NULL;
            wr_buf path;
            wr_buf_init(&path);
            if (wr_buf_printf(&path, "%s/%.*s", wr_storage_url(p->store),
                              (int)strlen(p->prefix) - 1, p->prefix) == WR_OK)
                c->sp_path = path.ptr;
            else
                wr_buf_free(&path);
        }
    } else {
        wr_mutex_lock(&c->mu);
        p->failed = true;
        if (!e.code) wr_error_set(&e, rc, WR_DOMAIN_INTERNAL, "%s", wr_err_str(rc));
        p->err = e;
    }
}

/* Abandon the checkpoint in flight. mu held. */
static void fail_current(wr_ckpt_coord *c, pending *p, const char *why)
{
    wr_log(WR_LOG_WARN, LOG, "%s %" PRId64 " failed: %s", p->savepoint ? "savepoint" : "checkpoint",
           p->id, why);
    c->stats.failed++;
    history_add(c, p, false, why);
    if (p->savepoint) {
        if (c->sp_stop) {
            /* The sources have ended; the stopped tasks must not wait for a commit. */
            wr_mutex_unlock(&c->mu);
            wr_job_release(c->x);
            wr_mutex_lock(&c->mu);
        }
        c->sp_rc = p->err.code ? p->err.code : WR_EIO;
        c->sp_err = p->err;
        if (!p->err.code) wr_error_set(&c->sp_err, WR_EIO, WR_DOMAIN_EXTERNAL, "%s", why);
    } else if (++c->failures_in_row > c->cfg.tolerable) {
        wr_error e;
        wr_error_set(&e, p->err.code ? p->err.code : WR_EIO,
                     p->err.code ? p->err.domain : WR_DOMAIN_EXTERNAL,
                     "checkpoint %" PRId64 " failed (%u in a row, %u tolerated): %s", p->id,
                     c->failures_in_row, c->cfg.tolerable, why);
        wr_job_fail(c->x, &e);
    }
    /* Its files go; uploads still queued for it are dropped by the uploader. */
    wr_mutex_unlock(&c->mu);
    wr_error e2;
    wr_storage_delete_prefix(p->store, p->prefix, &e2);
    wr_mutex_lock(&c->mu);
}

static void finish_current(wr_ckpt_coord *c)
{
    pending *p = c->cur;
    c->cur = NULL;
    c->last_end_us = wr_mono_us();
    if (p->savepoint) {
        c->sp_running = false;
        c->sp_done = true;
        wr_cond_broadcast(&c->sp_cv);
    }
    bool release = p->final && c->final_done;
    pending_free(p);
    if (release) {
        wr_mutex_unlock(&c->mu);
        wr_job_release(c->x);
        wr_mutex_lock(&c->mu);
    }
}

static void *coord_main(void *arg)
{
    wr_ckpt_coord *c = arg;
    uint32_t ntasks = wr_job_exec_ntasks(c->x);
    wr_mutex_lock(&c->mu);
    while (!c->stop) {
        int64_t now = wr_mono_us();
        pending *p = c->cur;
        if (p) {
            if (p->failed) {
                fail_current(c, p, p->err.msg[0] ? p->err.msg : "declined");
                finish_current(c);
                continue;
            }
            if (c->cfg.timeout_us > 0 && now - p->started_us >= c->cfg.timeout_us) {
                p->failed = true;
                wr_error_set(&p->err, WR_EIO, WR_DOMAIN_INTERNAL,
                             "expired before completing (execution.checkpointing.timeout)");
                continue;
            }
            if (p->acks >= ntasks && p->uploaded == p->queued) {
                complete(c, p);
                if (p->failed) continue;
                finish_current(c);
                continue;
            }
            if (c->cfg.timeout_us > 0)
                wr_cond_wait_until(&c->cv, &c->mu, p->started_us + c->cfg.timeout_us);
            else
                wr_cond_wait(&c->cv, &c->mu);
            continue;
        }
        if (c->all_finished && !c->final_done) {
            start_checkpoint(c, false, true);
            continue;
        }
        if (c->sp_requested) {
            c->sp_requested = false;
            start_checkpoint(c, true, false);
            continue;
        }
        if (c->cfg.interval_us > 0 && !c->all_finished) {
            int64_t next = c->last_trigger_us ? c->last_trigger_us + c->cfg.interval_us
                                              : c->last_end_us + c->cfg.interval_us;
            if (c->last_end_us && next < c->last_end_us + c->cfg.min_pause_us)
                next = c->last_end_us + c->cfg.min_pause_us;
            if (now >= next) {
                start_checkpoint(c, false, false);
                continue;
            }
            wr_cond_wait_until(&c->cv, &c->mu, next);
            continue;
        }
        wr_cond_wait(&c->cv, &c->mu);
    }
    wr_mutex_unlock(&c->mu);
    return NULL;
}

/* ------------------------------------------------------------------------------------------
 * Public
 * ---------------------------------------------------------------------------------------- */
int wr_ckpt_coord_new(const wr_ckpt_config *cfg, wr_ckpt_coord **out, wr_error *err)
{
    *out = NULL;
    if (!cfg || !cfg->dir || !*cfg->dir)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                            "checkpointing needs a directory (state.checkpoints.dir or "
                            "--checkpoint-dir)");
    wr_ckpt_coord *c = wr_calloc(1, sizeof *c);
    if (!c) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    c->cfg = *cfg;
    if (!c->cfg.retained) c->cfg.retained = 1;
    c->dir = dupstr(cfg->dir);
    c->job_name = dupstr(cfg->job_name ? cfg->job_name : "weir");
    c->plan = dupstr(cfg->plan ? cfg->plan : "");
    c->cfg.dir = c->dir;
    c->cfg.job_name = c->job_name;
    c->cfg.plan = c->plan;
    wr_mutex_init(&c->mu);
    wr_cond_init(&c->cv);
    wr_cond_init(&c->up_cv);
    wr_cond_init(&c->sp_cv);
    wr_list_init(&c->uploads);
    c->next_id = 1;
    c->hooks = (wr_ckpt_hooks){.arg = c,
                               .on_state = hook_state,
                               .on_ack = hook_ack,
                               .on_decline = hook_decline,
                               .on_all_finished = hook_all_finished,
                               .restore = hook_restore};
    int rc = c->dir && c->job_name && c->plan ? WR_OK : WR_ENOMEM;
    if (rc != WR_OK) wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory");
    if (rc == WR_OK) rc = wr_storage_open(c->dir, &c->store, err);
    /* New ids continue after every checkpoint already in the store. */
    int64_t *ids = NULL;
    uint32_t n = 0;
    if (rc == WR_OK) rc = list_checkpoints(c->store, &ids, &n, err);
    if (rc == WR_OK && n) c->next_id = ids[n - 1] + 1;
    wr_free(ids);
    if (rc != WR_OK) {
        wr_ckpt_coord_free(c);
        return rc;
    }
    *out = c;
    return WR_OK;
}

/* Load and verify the manifest at prefix in store s (every file present with its size). */
static int load_manifest(wr_store *s, const char *prefix, wr_ckpt_manifest *m, wr_error *err)
{
    wr_buf data, key;
    wr_buf_init(&data);
    wr_buf_init(&key);
    int rc = wr_buf_printf(&key, "%s_manifest", prefix);
    if (rc == WR_OK) rc = wr_storage_get(s, key.ptr, &data, err);
    if (rc == WR_OK) rc = wr_ckpt_manifest_decode(data.ptr, data.len, m, err);
    for (uint32_t i = 0; rc == WR_OK && i < m->nvertices; i++)
        for (uint32_t j = 0; rc == WR_OK && j < m->vertices[i].nfiles; j++) {
            const wr_ckpt_file *f = &m->vertices[i].files[j];
            uint64_t size = 0;
            wr_buf_clear(&key);
            rc = wr_buf_printf(&key, "%s%s", prefix, f->key);
            /* Every byte is checked now, so that a corrupt checkpoint is passed over
             * here rather than failing the job when a task restores from it. */
            wr_buf_clear(&data);
            if (rc == WR_OK) rc = wr_storage_get(s, key.ptr, &data, err);
            size = data.len;
            if (rc == WR_OK && (size != f->size || XXH3_64bits(data.ptr, data.len) != f->xxh3))
                rc = wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL,
                                  "%s: %" PRIu64 " bytes, the manifest says %" PRIu64 " bytes%s",
                                  key.ptr, size, f->size,
                                  size == f->size ? " and another checksum" : "");
        }
    if (rc != WR_OK) wr_ckpt_manifest_free(m);
    wr_buf_free(&data);
    wr_buf_free(&key);
    return rc;
}

int wr_ckpt_coord_restore_from(wr_ckpt_coord *c, const char *what, bool *found, wr_error *err)
{
    *found = false;
    if (!strcmp(what, "latest")) {
        int64_t *ids = NULL;
        uint32_t n = 0;
        int rc = list_checkpoints(c->store, &ids, &n, err);
        if (rc != WR_OK) return rc;
        for (uint32_t i = n; i-- > 0;) {
            char prefix[64];
            snprintf(prefix, sizeof prefix, "chk-%" PRId64 "/", ids[i]);
            wr_error e;
            wr_error_clear(&e);
            if (load_manifest(c->store, prefix, &c->restored, &e) != WR_OK) {
                wr_log(WR_LOG_WARN, LOG,
                       "checkpoint %s/%s is incomplete or corrupt, trying an older one: %s",
                       wr_storage_url(c->store), prefix, e.msg);
                continue;
            }
            c->have_restored = true;
            c->rstore = c->store;
            c->rprefix = wr_strdup(prefix);
            break;
        }
        wr_free(ids);
        if (!c->have_restored) {
            wr_log(WR_LOG_INFO, LOG, "no complete checkpoint in %s: starting without state",
                   wr_storage_url(c->store));
            return WR_OK;
        }
    } else {
        wr_store *s = NULL;
        int rc = wr_storage_open(what, &s, err);
        if (rc != WR_OK) return rc;
        rc = load_manifest(s, "", &c->restored, err);
        if (rc != WR_OK) {
            wr_storage_close(s);
            return wr_error_set(err, rc, err->domain, "cannot restore from %s: %s", what, err->msg);
        }
        c->have_restored = true;
        c->rstore = s;
        c->rprefix = wr_strdup("");
    }
    if (!c->rprefix) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    if (c->restored.id >= c->next_id) c->next_id = c->restored.id + 1;
    *found = true;
    wr_log(WR_LOG_INFO, LOG, "restoring from %s %" PRId64 " (%s/%s)",
           c->restored.savepoint ? "savepoint" : "checkpoint", c->restored.id,
           wr_storage_url(c->rstore), c->rprefix);
    return WR_OK;
}

int64_t wr_ckpt_coord_restored_id(const wr_ckpt_coord *c)
{
    return c->have_restored ? c->restored.id : 0;
}

int wr_ckpt_coord_check_job(wr_ckpt_coord *c, const wr_job *job, wr_error *err)
{
    c->job = job;
    if (!c->have_restored) return WR_OK;
    const wr_ckpt_manifest *m = &c->restored;
    if (m->max_par != wr_job_max_parallelism(job))
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                            "the checkpoint was taken with max parallelism %u, the job has %u "
                            "(pipeline.max-parallelism must stay the same)",
                            m->max_par, wr_job_max_parallelism(job));
    for (uint32_t i = 0; i < m->nvertices; i++) {
        if (vertex_index(job, m->vertices[i].uid) >= 0) continue;
        if (c->cfg.allow_non_restored) {
            wr_log(WR_LOG_WARN, LOG,
                   "state of '%s' (uid %016" PRIx64 ") is not restored: no "
                   "such operator in the job",
                   m->vertices[i].name, m->vertices[i].uid);
            continue;
        }
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                            "the checkpoint has state for '%s' (uid %016" PRIx64 ") that no "
                            "operator of this job takes (the query changed); allow it with "
                            "execution.savepoint.ignore-unclaimed-state=true",
                            m->vertices[i].name, m->vertices[i].uid);
    }
    return WR_OK;
}

const wr_ckpt_hooks *wr_ckpt_coord_hooks(wr_ckpt_coord *c)
{
    return &c->hooks;
}

int wr_ckpt_coord_start(wr_ckpt_coord *c, const wr_job *job, wr_job_exec *x, wr_error *err)
{
    c->job = job;
    c->x = x;
    c->last_end_us = wr_mono_us();
    int rc = wr_thread_start(&c->uploader, "weir-ckpt-up", uploader_main, c);
    if (rc == WR_OK) rc = wr_thread_start(&c->thread, "weir-ckpt", coord_main, c);
    if (rc != WR_OK) {
        wr_mutex_lock(&c->mu);
        c->stop = true;
        wr_cond_broadcast(&c->up_cv);
        wr_mutex_unlock(&c->mu);
        wr_thread_join(&c->uploader);
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "cannot start checkpoint threads");
    }
    c->started = true;
    return WR_OK;
}

int wr_ckpt_coord_savepoint(wr_ckpt_coord *c, const char *dir, bool stop, char **path,
                            wr_error *err)
{
    *path = NULL;
    wr_mutex_lock(&c->mu);
    if (!c->started || c->stop || c->sp_requested || c->sp_running) {
        wr_mutex_unlock(&c->mu);
        return wr_error_set(err, WR_EAGAIN, WR_DOMAIN_USER,
                            c->started ? "a savepoint is already in progress"
                                       : "the job is not running");
    }
    wr_free(c->sp_dir);
    c->sp_dir = dir ? wr_strdup(dir) : NULL;
    c->sp_requested = true;
    c->sp_stop = stop;
    c->sp_done = false;
    wr_cond_signal(&c->cv);
    while (!c->sp_done && !c->stop)
        wr_cond_wait(&c->sp_cv, &c->mu);
    int rc = c->sp_done ? c->sp_rc : WR_ECANCELED;
    if (rc == WR_OK) {
        *path = c->sp_path;
        c->sp_path = NULL;
    } else if (c->sp_done) {
        *err = c->sp_err;
    } else {
        wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "the job stopped before the savepoint");
    }
    wr_mutex_unlock(&c->mu);
    return rc;
}

void wr_ckpt_coord_stop(wr_ckpt_coord *c)
{
    if (!c || !c->started) return;
    wr_mutex_lock(&c->mu);
    c->stop = true;
    wr_cond_broadcast(&c->cv);
    wr_cond_broadcast(&c->up_cv);
    wr_cond_broadcast(&c->sp_cv);
    wr_mutex_unlock(&c->mu);
    wr_thread_join(&c->thread);
    wr_thread_join(&c->uploader);
    c->started = false;
    /* A checkpoint left unfinished is not complete: its directory holds no manifest. */
    pending_free(c->cur);
    c->cur = NULL;
}

void wr_ckpt_coord_stats(wr_ckpt_coord *c, wr_ckpt_stats *out)
{
    wr_mutex_lock(&c->mu);
    *out = c->stats;
    wr_mutex_unlock(&c->mu);
}

uint32_t wr_ckpt_coord_history(wr_ckpt_coord *c, wr_ckpt_history *out, uint32_t max)
{
    wr_mutex_lock(&c->mu);
    uint32_t n = 0;
    for (uint64_t i = c->hist_n; i > 0 && n < max && c->hist_n - i < WR_CKPT_HISTORY; i--)
        out[n++] = c->hist[(i - 1) % WR_CKPT_HISTORY];
    wr_mutex_unlock(&c->mu);
    return n;
}

void wr_ckpt_coord_free(wr_ckpt_coord *c)
{
    if (!c) return;
    wr_ckpt_coord_stop(c);
    while (!wr_list_empty(&c->uploads)) {
        upload *u = WR_CONTAINER_OF(wr_list_pop_front(&c->uploads), upload, node);
        wr_buf_free(&u->data);
        wr_free(u);
    }
    wr_ckpt_manifest_free(&c->restored);
    if (c->rstore && c->rstore != c->store) wr_storage_close(c->rstore);
    if (c->store) wr_storage_close(c->store);
    wr_free(c->rprefix);
    wr_free(c->sp_dir);
    wr_free(c->sp_path);
    wr_free(c->dir);
    wr_free(c->job_name);
    wr_free(c->plan);
    wr_mutex_destroy(&c->mu);
    wr_cond_destroy(&c->cv);
    wr_cond_destroy(&c->up_cv);
    wr_cond_destroy(&c->sp_cv);
    wr_free(c);
}
