/* fs_sink.c - the filesystem sink. Each subtask encodes every batch with the table's
 * format and appends it (one write per batch) to its current part file, which is created
 * on the first row as a hidden in-progress file ".part-<uuid>-<subtask>-<n>.<ext>.inprogress"
 * in the sink's directory. A part file is committed - synced, closed and renamed to
 * "part-<uuid>-<subtask>-<n>.<ext>" - when it reaches the rolling size, when it has been
 * open for the rollover interval (checked on each batch and by a processing-time timer),
 * and when the input ends. So readers of the directory (ignoring names starting with '.')
 * see only whole files. The sink is append-only: -U/-D rows fail the job with a message
 * (Flink refuses such a plan; the check here runs per batch). When the job fails or is
 * cancelled, the open part stays hidden, as Flink leaves in-progress files.
 *
 * With checkpointing the sink is exactly-once by two-phase commit: a part that rolls, or is
 * open when a checkpoint's barrier arrives (pre-commit), is synced and closed but keeps its
 * hidden name ("pending"); the checkpoint's snapshot lists the pending parts; when the
 * checkpoint completes they are renamed to their final names. Rows after the last completed
 * checkpoint stay in hidden files, and a restarted job writes them again (its sources
 * rewind). A restore commits the pending parts of the restored checkpoint (idempotently: a
 * part already renamed is left alone), because that checkpoint completed. */
#include "connectors/filesystem/fs_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static void fs_sink_config_free(void *p)
{
    wr_fs_sink_config *c = p;
    if (!c) return;
    wr_free(c->dir);
    wr_schema_free(c->schema);
    wr_free(c);
}

static void make_uuid(char out[37])
{
    uint8_t b[16];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t r = getrandom(b + got, sizeof b - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    if (got < sizeof b) {
        /* No kernel randomness: the clocks are unique enough for file names. */
        uint64_t x = (uint64_t)wr_wall_us() * 0x9E3779B97F4A7C15ull ^ (uint64_t)wr_mono_ns();
        for (size_t i = 0; i < sizeof b; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b[i] = (uint8_t)x;
        }
    }
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* variant 1 */
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = 0;
}

int wr_fs_make_sink(const wr_options *o, const wr_schema *schema, wr_sink_def *out, wr_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = wr_connector_validate(&wr_connector_filesystem, o, schema, err);
    if (rc) return rc;
    wr_fs_sink_config *c = wr_calloc(1, sizeof *c);
    if (!c) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    const wr_option_table *t = &wr_fs_options;
    if ((rc = wr_format_choose(o, "format", "filesystem", &c->fmt, err))) goto fail;
    void *enc = NULL;
    if ((rc = c->fmt.vt->encoder_new(&c->fmt.cfg, schema, &enc, err))) goto fail;
    c->fmt.vt->encoder_free(enc);
    if ((rc = wr_fs_local_path(wr_options_get(o, "path"), &c->dir, err))) goto fail;
    if ((rc = wr_opt_size(o, t, "sink.rolling-policy.file-size", &c->roll_size, err))) goto fail;
    if ((rc = wr_opt_duration(o, t, "sink.rolling-policy.rollover-interval", &c->rollover_us, err)))
        goto fail;
    if ((rc = wr_opt_duration(o, t, "sink.rolling-policy.check-interval", &c->check_us, err)))
        goto fail;
    if ((rc = wr_conn_sink_parallelism(o, t, &out->parallelism, err))) goto fail;
    struct stat st;
    if (stat(c->dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        rc = wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                          "option 'path': '%s' is a file; the filesystem sink writes into a "
                          "directory",
                          c->dir);
        goto fail;
    }
    if (!(c->schema = wr_schema_copy(schema))) {
        rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        goto fail;
    }
    make_uuid(c->uuid);
    out->vt = &wr_connector_filesystem_sink;
    out->cfg = c;
    out->cfg_free = fs_sink_config_free;
    out->append_only = true;
    return WR_OK;
fail:
    fs_sink_config_free(c);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * The sink operator
 * ---------------------------------------------------------------------------------------- */
typedef struct fs_sink {
    const wr_fs_sink_config *cfg;
    uint32_t subtask;
    void *enc;
    wr_buf buf;
    int fd;            /* current in-progress part, -1 if none */
    uint64_t part;     /* number of the current (or next) part */
    int64_t size;      /* bytes written to the current part */
    int64_t opened_us; /* wr_mono_us when the current part was created */
    char tmp_path[PATH_MAX];
    char final_path[PATH_MAX];
    /* closed parts waiting for a checkpoint to complete (checkpointing only) */
    struct fs_pending {
        int64_t ckpt; /* the checkpoint whose snapshot listed it; 0 = none yet */
        char *tmp, *final;
    } * pending;
    uint32_t npending, cap_pending;
    bool two_phase; /* the job checkpoints */
} fs_sink;

/* mkdir -p */
static int make_dirs(const char *dir, wr_error *err)
{
    char path[PATH_MAX];
    size_t n = strlen(dir);
    if (n >= sizeof path)
        return wr_error_set(err, WR_ELIMIT, WR_DOMAIN_USER, "path '%s' is too long", dir);
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != 0) continue;
        char save = path[i];
        path[i] = 0;
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                                "filesystem sink: cannot create directory '%s': %s", path,
                                strerror(errno));
        path[i] = save;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                            "filesystem sink: '%s' is not a directory", dir);
    return WR_OK;
}

static int fs_sink_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_fs_sink_config *cfg = config;
    int rc = make_dirs(cfg->dir, err);
    if (rc) return rc;
    fs_sink *s = wr_calloc(1, sizeof *s);
    if (!s) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    s->cfg = cfg;
    s->subtask = wr_op_subtask(ctx);
    s->fd = -1;
    s->two_phase = wr_op_checkpointing(ctx);
    wr_buf_init(&s->buf);
    if ((rc = cfg->fmt.vt->encoder_new(&cfg->fmt.cfg, cfg->schema, &s->enc, err))) {
        wr_free(s);
        return rc;
    }
    *state = s;
    return WR_OK;
}

static int open_part(fs_sink *s, wr_op_ctx *ctx, wr_error *err)
{
    const wr_fs_sink_config *c = s->cfg;
    const char *ext = c->fmt.vt->file_ext;
    int n1 = snprintf(s->final_path, sizeof s->final_path, "%s/part-%s-%u-%" PRIu64 ".%s", c->dir,
                      c->uuid, s->subtask, s->part, ext);
    int n2 = snprintf(s->tmp_path, sizeof s->tmp_path, "%s/.part-%s-%u-%" PRIu64 ".%s.inprogress",
                      c->dir, c->uuid, s->subtask, s->part, ext);
    if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof s->final_path || (size_t)n2 >= sizeof s->tmp_path)
        return wr_error_set(err, WR_ELIMIT, WR_DOMAIN_USER,
                            "filesystem sink: path '%s' is too long", c->dir);
    s->fd = open(s->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (s->fd < 0)
        return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                            "filesystem sink: cannot create '%s': %s", s->tmp_path,
                            strerror(errno));
    s->size = 0;
    s->opened_us = wr_mono_us();
    /* One timer per part file, at the time it must roll by age. */
    int64_t due = wr_wall_us() + c->rollover_us;
    int rc = wr_op_timer_register(ctx, WR_TIME_PROCESSING, due, s->part);
    if (rc)
        return wr_error_set(err, rc, WR_DOMAIN_INTERNAL,
                            "filesystem sink: cannot register the rollover timer");
    return WR_OK;
}

/* Rename a closed part to its final name. Done before (a restore after a crash in the
 * middle of committing): the hidden file is gone and the final one exists. */
static int rename_part(const char *tmp, const char *final, wr_error *err)
{
    if (rename(tmp, final) == 0) return WR_OK;
    struct stat st;
    if (errno == ENOENT && stat(final, &st) == 0) return WR_OK;
    return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                        "filesystem sink: committing '%s' as '%s': %s", tmp, final,
                        strerror(errno));
}

/* Sync, close and rename the current part to its final name (with checkpointing: keep it
 * hidden as pending until a checkpoint that lists it completes). */
static int commit_part(fs_sink *s, wr_error *err)
{
    if (s->fd < 0) return WR_OK;
    int rc = WR_OK;
    if (fdatasync(s->fd) != 0 && errno != EINVAL)
        rc = wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "filesystem sink: syncing '%s': %s",
                          s->tmp_path, strerror(errno));
    if (close(s->fd) != 0 && rc == WR_OK)
        rc = wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "filesystem sink: closing '%s': %s",
                          s->tmp_path, strerror(errno));
    s->fd = -1;
    if (rc == WR_OK && s->two_phase) {
        if (s->npending == s->cap_pending) {
            uint32_t ncap = s->cap_pending ? s->cap_pending * 2 : 8;
            struct fs_pending *np = wr_realloc(s->pending, ncap * sizeof *np);
            if (!np) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            s->pending = np;
            s->cap_pending = ncap;
        }
        struct fs_pending *p = &s->pending[s->npending];
        p->ckpt = 0;
        p->tmp = wr_strdup(s->tmp_path);
        p->final = wr_strdup(s->final_path);
        if (!p->tmp || !p->final) {
            wr_free(p->tmp);
            wr_free(p->final);
            return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        }
        s->npending++;
    } else if (rc == WR_OK) {
        rc = rename_part(s->tmp_path, s->final_path, err);
    }
    s->part++;
    return rc;
}

static int check_row_kinds(const fs_sink *s, const wr_batch *in, wr_error *err)
{
    for (uint32_t r = 0; r < in->len; r++) {
        uint8_t k = in->rowkind[r];
        if (wr_rowkind_is_add(k)) continue;
        return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                            "the filesystem sink writing to '%s' is append-only and cannot "
                            "write %s (%s) rows; the query produces updates or deletes (use a "
                            "connector that accepts them, such as print)",
                            s->cfg->dir, k == WR_RK_DELETE ? "delete" : "update-before",
                            wr_rowkind_str((wr_rowkind)k));
    }
    return WR_OK;
}

static int fs_sink_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    fs_sink *s = state;
    if (in->len == 0) return WR_OK;
    int rc = check_row_kinds(s, in, err);
    if (rc) return rc;
    wr_buf_clear(&s->buf);
    if ((rc = s->cfg->fmt.vt->encode(s->enc, in, 0, in->len, &s->buf, err))) return rc;
    if (s->fd < 0 && (rc = open_part(s, ctx, err))) return rc;
    if (wr_fail_point("fs.write"))
        return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                            "filesystem sink: writing '%s': injected failure", s->tmp_path);
    if (wr_conn_write_all(s->fd, s->buf.ptr, s->buf.len) != WR_OK)
        return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "filesystem sink: writing '%s': %s",
                            s->tmp_path, strerror(errno));
    s->size += (int64_t)s->buf.len;
    if (s->size >= s->cfg->roll_size || wr_mono_us() - s->opened_us >= s->cfg->rollover_us)
        return commit_part(s, err);
    return WR_OK;
}

static int fs_sink_on_timer(void *state, wr_op_ctx *ctx, wr_time_domain domain, int64_t ts,
                            uint64_t payload, wr_error *err)
{
    fs_sink *s = state;
    /* The payload is the part the timer was armed for; it may be committed already. */
    if (domain != WR_TIME_PROCESSING || s->fd < 0 || payload != s->part) return WR_OK;
    return commit_part(s, err);
}

static int fs_sink_finish(void *state, wr_op_ctx *ctx, wr_error *err)
{
    return commit_part(state, err);
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints: operator records "fs.pending", little-endian: u32 old subtask, u32 hidden
 * path length, u32 final path length, the two paths.
 * ---------------------------------------------------------------------------------------- */
static int fs_sink_snapshot(void *state, wr_op_ctx *ctx, int64_t id, wr_snap_writer *w,
                            wr_error *err)
{
    fs_sink *s = state;
    int rc = commit_part(s, err); /* pre-commit the open part */
    wr_buf rec;
    wr_buf_init(&rec);
    for (uint32_t i = 0; i < s->npending && rc == WR_OK; i++) {
        struct fs_pending *p = &s->pending[i];
        if (!p->ckpt) p->ckpt = id;
        uint32_t a = (uint32_t)strlen(p->tmp), b = (uint32_t)strlen(p->final);
        uint8_t hdr[12];
        wr_le_put(hdr, s->subtask, 4);
        wr_le_put(hdr + 4, a, 4);
        wr_le_put(hdr + 8, b, 4);
        wr_buf_clear(&rec);
        if (wr_buf_append(&rec, hdr, sizeof hdr) || wr_buf_append(&rec, p->tmp, a) ||
            wr_buf_append(&rec, p->final, b))
            rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        else
            rc = wr_snap_put_op(w, "fs.pending", rec.ptr, (uint32_t)rec.len, err);
    }
    wr_buf_free(&rec);
    return rc;
}

static int fs_sink_checkpoint_done(void *state, wr_op_ctx *ctx, int64_t id, wr_error *err)
{
    fs_sink *s = state;
    uint32_t keep = 0;
    int rc = WR_OK;
    for (uint32_t i = 0; i < s->npending; i++) {
        struct fs_pending *p = &s->pending[i];
        if (rc == WR_OK && p->ckpt && p->ckpt <= id) {
            if (i) wr_crash_point("fs.commit");
            rc = rename_part(p->tmp, p->final, err);
            if (rc == WR_OK) {
                wr_free(p->tmp);
                wr_free(p->final);
                continue;
            }
        }
        s->pending[keep++] = *p;
    }
    s->npending = keep;
    return rc;
}

static int fs_sink_restore(void *state, wr_op_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    fs_sink *s = state;
    uint32_t par = wr_op_parallelism(ctx);
    wr_snap_rec rec;
    int rc;
    char tmp[PATH_MAX], fin[PATH_MAX];
    while ((rc = wr_snap_next_op(r, "fs.pending", &rec, err)) == 1) {
        uint32_t sub = 0, a = 0, b = 0;
        if (rec.vlen >= 12) {
            sub = (uint32_t)wr_le_get(rec.val, 4);
            a = (uint32_t)wr_le_get(rec.val + 4, 4);
            b = (uint32_t)wr_le_get(rec.val + 8, 4);
        }
        if (rec.vlen < 12 || a >= sizeof tmp || b >= sizeof fin ||
            (uint64_t)rec.vlen != 12ull + a + b)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL, "%s: bad pending-file record",
                                wr_op_name(ctx));
        /* Each pending part is committed by one restoring subtask. */
        if (sub % par != s->subtask) continue;
        memcpy(tmp, rec.val + 12, a);
        tmp[a] = 0;
        memcpy(fin, rec.val + 12 + a, b);
        fin[b] = 0;
        if ((rc = rename_part(tmp, fin, err)) != WR_OK) return rc;
    }
    return rc < 0 ? rc : WR_OK;
}

static void fs_sink_close(void *state)
{
    fs_sink *s = state;
    if (!s) return;
    for (uint32_t i = 0; i < s->npending; i++) {
        wr_free(s->pending[i].tmp); /* not committed: they stay hidden */
        wr_free(s->pending[i].final);
    }
    wr_free(s->pending);
    if (s->fd >= 0) close(s->fd); /* not committed: the in-progress file stays hidden */
    if (s->enc) s->cfg->fmt.vt->encoder_free(s->enc);
    wr_buf_free(&s->buf);
    wr_free(s);
}

const wr_op_vt wr_connector_filesystem_sink = {
    .abi_version = WR_ABI_VERSION,
    .name = "filesystem",
    .description = "Writes rolling part files into a directory",
    .open = fs_sink_open,
    .process = fs_sink_process,
    .on_watermark = NULL,
    .on_timer = fs_sink_on_timer,
    .finish = fs_sink_finish,
    .close = fs_sink_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = fs_sink_snapshot,
    .restore = fs_sink_restore,
    .checkpoint_done = fs_sink_checkpoint_done,
};
