/* fs_source.c - the filesystem source. The files listed when the source is made are its
 * splits, in path-name order; split i belongs to subtask i % parallelism, and a subtask
 * reads its splits one after the other. A file is read with large read(2) calls into one
 * buffer that the format decodes in place into batches; a record cut by the buffer end is
 * moved to the front and completed by the next read (the buffer grows for records longer
 * than it, up to WR_FS_MAX_RECORD). The source counts lines as the format consumes them, so
 * a parse error names the file, line and column; with the format's ignore-parse-errors the
 * skipped records are counted with wr_source_count_errors. Each batch carries its split id
 * so that the runtime keeps one watermark per file. */
#include "connectors/filesystem/fs_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FS_READ_BUF (1u << 20)

static void fs_source_config_free(void *p)
{
    wr_fs_source_config *c = p;
    if (!c) return;
    wr_free(c->root);
    wr_fs_free_list(c->files, c->nfiles);
    wr_schema_free(c->schema);
    wr_schema_free(c->phys);
    wr_free(c->meta);
    wr_free(c->cwd);
    wr_free(c);
}

/* Split the schema into the physical columns and the metadata columns behind them. */
static int split_metadata(wr_fs_source_config *c, const wr_schema *schema, wr_error *err)
{
    const wr_metadata_def *defs = wr_connector_filesystem.readable_metadata;
    uint32_t nphys = 0;
    while (nphys < schema->ncols && !wr_metadata_key_of(schema->cols[nphys].name))
        nphys++;
    c->nphys = nphys;
    c->nmeta = schema->ncols - nphys;
    c->meta = wr_calloc(c->nmeta ? c->nmeta : 1, 1);
    c->phys = wr_schema_new(nphys);
    if (!c->meta || !c->phys)
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    for (uint32_t i = 0; i < nphys; i++)
        wr_schema_set(c->phys, i, schema->cols[i].name, schema->cols[i].type);
    for (uint32_t i = 0; i < c->nmeta; i++) {
        const wr_field *f = &schema->cols[nphys + i];
        const char *key = wr_metadata_key_of(f->name);
        const wr_metadata_def *d = key ? wr_metadata_find(defs, key) : NULL;
        if (!d)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                                "column '%s': not a metadata key of connector 'filesystem' "
                                "(file.path, file.name, file.size, file.modification-time)",
                                f->name);
        wr_type t = wr_metadata_type(d);
        if (f->type.id != t.id)
            return wr_error_set(err, WR_EINTERNAL, WR_DOMAIN_INTERNAL,
                                "metadata column '%s' must have the key's type", f->name);
        c->meta[i] = (uint8_t)(d - defs);
    }
    return WR_OK;
}

int wr_fs_make_source(const wr_options *o, const wr_schema *schema, wr_source_def *out,
                      wr_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = wr_connector_validate(&wr_connector_filesystem, o, schema, err);
    if (rc) return rc;
    wr_fs_source_config *c = wr_calloc(1, sizeof *c);
    if (!c) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    if ((rc = wr_format_choose(o, "format", "filesystem", &c->fmt, err))) goto fail;
    /* The format must be able to read every column (checked now, not at the first file). */
    if ((rc = split_metadata(c, schema, err))) goto fail;
    void *dec = NULL;
    if ((rc = c->fmt.vt->decoder_new(&c->fmt.cfg, c->phys, &dec, err))) goto fail;
    c->fmt.vt->decoder_free(dec);
    if ((rc = wr_fs_local_path(wr_options_get(o, "path"), &c->root, err))) goto fail;
    if ((rc = wr_fs_list_files(c->root, &c->files, &c->nfiles, err))) goto fail;
    if (c->nmeta && c->root[0] != '/') {
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd)) {
            rc = wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "filesystem: getcwd: %s",
                              strerror(errno));
            goto fail;
        }
        if (!(c->cwd = wr_strdup(cwd))) {
            rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            goto fail;
        }
    }
    if (!(c->schema = wr_schema_copy(schema))) {
        rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        goto fail;
    }
    out->vt = &wr_connector_filesystem_source;
    out->cfg = c;
    out->cfg_free = fs_source_config_free;
    out->bounded = true;
    return WR_OK;
fail:
    fs_source_config_free(c);
    return rc;
}

typedef struct fs_src {
    const wr_fs_source_config *cfg;
    const wr_schema *schema;
    uint32_t par, batch_rows;
    wr_mem_owner *mem;
    uint32_t next; /* next split index of this subtask */
    int32_t split; /* split being read, -1 if none */
    int fd;
    char *buf;
    size_t cap, start, end; /* unread bytes are buf[start, end) */
    bool eof;
    uint64_t line;     /* 1-based line number of buf[start] */
    uint64_t file_off; /* bytes read from the file so far (buf[end] is at this offset) */
    void *dec;
    int64_t file_size, file_mtime_us; /* of the split being read (metadata) */
    /* restored positions of splits (by index into cfg->files), used when they are opened */
    struct fs_pos {
        uint32_t split;
        bool done;
        uint64_t off, line;
    } * pos;
    uint32_t npos;
} fs_src;

static int fs_open(void **state, wr_source_ctx *ctx, const void *config, wr_error *err)
{
    const wr_fs_source_config *cfg = config;
    fs_src *s = wr_calloc(1, sizeof *s);
    if (!s) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    s->cfg = cfg;
    s->schema = wr_source_schema(ctx);
    s->par = wr_source_parallelism(ctx);
    if (!s->par) s->par = 1;
    s->next = wr_source_subtask(ctx);
    s->batch_rows = wr_source_batch_rows(ctx);
    if (!s->batch_rows) s->batch_rows = WR_BATCH_DEFAULT_ROWS;
    s->mem = wr_source_mem(ctx);
    s->split = -1;
    s->fd = -1;
    int rc = cfg->fmt.vt->decoder_new(&cfg->fmt.cfg, cfg->phys, &s->dec, err);
    if (rc) {
        wr_free(s);
        return rc;
    }
    *state = s;
    return WR_OK;
}

static void fs_close(void *state)
{
    fs_src *s = state;
    if (!s) return;
    if (s->fd >= 0) close(s->fd);
    if (s->dec) s->cfg->fmt.vt->decoder_free(s->dec);
    wr_free(s->buf);
    wr_free(s->pos);
    wr_free(s);
}

static const struct fs_pos *restored_pos(const fs_src *s, uint32_t split)
{
    for (uint32_t i = 0; i < s->npos; i++)
        if (s->pos[i].split == split) return &s->pos[i];
    return NULL;
}

static const char *cur_path(const fs_src *s)
{
    return s->cfg->files[s->split];
}

static int open_next(fs_src *s, wr_error *err)
{
    s->split = (int32_t)s->next;
    s->next += s->par;
    s->fd = open(cur_path(s), O_RDONLY | O_CLOEXEC);
    if (s->fd < 0)
        return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "filesystem: cannot open '%s': %s",
                            cur_path(s), strerror(errno));
    if (s->cfg->nmeta) {
        struct stat st;
        if (fstat(s->fd, &st) != 0)
            return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "filesystem: cannot stat '%s': %s",
                                cur_path(s), strerror(errno));
        s->file_size = (int64_t)st.st_size;
        s->file_mtime_us =
            (int64_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000000 * 1000;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    if (!s->buf) {
        s->buf = wr_malloc(FS_READ_BUF);
        if (!s->buf) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        s->cap = FS_READ_BUF;
    }
    s->start = s->end = 0;
    s->eof = false;
    s->line = 1;
    s->file_off = 0;
    const struct fs_pos *p = restored_pos(s, (uint32_t)s->split);
    if (p && p->off > 0) {
        /* Resume where the checkpoint was: the next record starts at p->off. */
        if (lseek(s->fd, (off_t)p->off, SEEK_SET) < 0)
            return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                                "filesystem: cannot resume '%s' at byte %" PRIu64 ": %s",
                                cur_path(s), p->off, strerror(errno));
        s->file_off = p->off;
        s->line = p->line;
    }
    return WR_OK;
}

static void close_split(fs_src *s)
{
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
}

/* Keep the unread bytes, and read more behind them. */
static int fill(fs_src *s, wr_error *err)
{
    if (s->start > 0) {
        memmove(s->buf, s->buf + s->start, s->end - s->start);
        s->end -= s->start;
        s->start = 0;
    }
    if (s->end == s->cap) {
        if (s->cap >= WR_FS_MAX_RECORD)
            return wr_error_set(err, WR_ELIMIT, WR_DOMAIN_USER,
                                "%s:%" PRIu64 ": a record is longer than %u MiB", cur_path(s),
                                s->line, WR_FS_MAX_RECORD >> 20);
        size_t cap = s->cap * 2;
        char *b = wr_realloc(s->buf, cap);
        if (!b) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        s->buf = b;
        s->cap = cap;
    }
    for (;;) {
        ssize_t r = read(s->fd, s->buf + s->end, s->cap - s->end);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0)
            return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL,
                                "filesystem: reading '%s' failed: %s", cur_path(s),
                                strerror(errno));
        if (r == 0) s->eof = true;
        s->end += (size_t)r;
        s->file_off += (uint64_t)r;
        return WR_OK;
    }
}

/* Fill the metadata columns of rows [0, b->len): the same values for every row of a batch
 * (a batch holds rows of one file). String bytes are copied once into the batch. */
static int fill_metadata(fs_src *s, wr_batch *b, wr_error *err)
{
    const wr_fs_source_config *c = s->cfg;
    const char *path = cur_path(s);
    for (uint32_t m = 0; m < c->nmeta && b->len; m++) {
        uint32_t col = c->nphys + m;
        wr_value v = {0};
        char *abs = NULL;
        switch (c->meta[m]) {
        case WR_FS_META_PATH:
            if (c->cwd) {
                abs = wr_malloc(strlen(c->cwd) + strlen(path) + 2);
                if (!abs) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
                strcpy(abs, c->cwd);
                strcat(abs, "/");
                strcat(abs, path[0] == '.' && path[1] == '/' ? path + 2 : path);
            }
            v.s = wr_strv_make(abs ? abs : path, (uint32_t)strlen(abs ? abs : path));
            break;
        case WR_FS_META_NAME: {
            const char *slash = strrchr(path, '/');
            const char *name = slash ? slash + 1 : path;
            v.s = wr_strv_make(name, (uint32_t)strlen(name));
            break;
        }
        case WR_FS_META_SIZE:
            v.i = s->file_size;
            break;
        default:
            v.i = s->file_mtime_us;
            break;
        }
        int rc = wr_batch_set(b, col, 0, &v);
        wr_free(abs);
        if (rc) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory");
        wr_vec *vec = &b->cols[col];
        for (uint32_t r = 1; r < b->len; r++) {
            if (vec->phys == WR_PHYS_STR)
                WR_VEC_STR(vec)[r] = WR_VEC_STR(vec)[0];
            else
                ((int64_t *)vec->data)[r] = ((int64_t *)vec->data)[0];
            wr_vec_set_valid(vec, r, true);
        }
    }
    return WR_OK;
}

static int fs_poll(void *state, wr_source_ctx *ctx, wr_source_poll *out, wr_error *err)
{
    fs_src *s = state;
    memset(out, 0, sizeof *out);
    int rc;
    if (s->fd < 0) {
        /* Splits a restored checkpoint had finished are not read again. */
        const struct fs_pos *p;
        while (s->next < s->cfg->nfiles && (p = restored_pos(s, s->next)) && p->done)
            s->next += s->par;
        if (s->next >= s->cfg->nfiles) {
            out->end = true;
            out->split = -1;
            return WR_OK;
        }
        if ((rc = open_next(s, err))) return rc;
    }
    wr_batch *b = wr_batch_new(s->schema, s->batch_rows, s->mem);
    if (!b) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    b->split = s->split;
    out->split = s->split;
    for (;;) {
        if (s->start == s->end && !s->eof) {
            if ((rc = fill(s, err))) goto fail;
            continue;
        }
        wr_decode_result res;
        size_t avail = s->end - s->start;
        rc = s->cfg->fmt.vt->decode(s->dec, s->buf + s->start, avail, s->eof, b, &res, err);
        if (res.skipped) wr_source_count_errors(ctx, res.skipped);
        if (rc == WR_EPARSE) {
            wr_error_prefix(err, "%s:%" PRIu64 ":%u: ", cur_path(s), s->line + res.err_line,
                            res.err_col);
            goto fail;
        }
        if (rc) goto fail;
        s->start += res.consumed;
        s->line += res.lines;
        if (b->len == b->cap || res.full) break;
        if (s->eof && s->start == s->end) {
            out->split_done = true;
            close_split(s);
            break;
        }
        if (s->eof && res.consumed == 0) {
            /* The format must consume everything at the end of a file; never spin. */
            rc = wr_error_set(err, WR_EINTERNAL, WR_DOMAIN_INTERNAL,
                              "%s:%" PRIu64 ": the %s format stopped before the end of the file",
                              cur_path(s), s->line, s->cfg->fmt.vt->name);
            goto fail;
        }
        if ((rc = fill(s, err))) goto fail;
    }
    if (b->len) {
        if ((rc = fill_metadata(s, b, err))) goto fail;
        out->batch = b;
    } else {
        wr_batch_release(b);
    }
    if (out->split_done && s->next >= s->cfg->nfiles) out->end = true;
    return WR_OK;
fail:
    wr_batch_release(b);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Checkpoints: one operator record "fs.split" per split this subtask has finished or is
 * reading (or was given by a restore and has not reached yet), little-endian:
 *   u8 done, u64 byte offset of the next record, u64 its line number, u32 path length,
 *   path bytes.
 * Splits are matched by path, so a restore at another parallelism (split i belongs to
 * subtask i % parallelism) resumes each file where it was. The offset is the start of the
 * first record not yet emitted: poll never returns in the middle of a record.
 * ---------------------------------------------------------------------------------------- */
static int put_pos(wr_snap_writer *w, const char *path, bool done, uint64_t off, uint64_t line,
                   wr_error *err)
{
    size_t n = strlen(path);
    uint8_t hdr[21];
    hdr[0] = done;
    wr_le_put(hdr + 1, off, 8);
    wr_le_put(hdr + 9, line, 8);
    wr_le_put(hdr + 17, n, 4);
    uint8_t *rec = wr_malloc(sizeof hdr + n);
    if (!rec) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    memcpy(rec, hdr, sizeof hdr);
    memcpy(rec + sizeof hdr, path, n);
    int rc = wr_snap_put_op(w, "fs.split", rec, (uint32_t)(sizeof hdr + n), err);
    wr_free(rec);
    return rc;
}

static int fs_snapshot(void *state, wr_source_ctx *ctx, int64_t id, wr_snap_writer *w,
                       wr_error *err)
{
    fs_src *s = state;
    uint32_t sub = wr_source_subtask(ctx);
    for (uint32_t j = sub; j < s->cfg->nfiles; j += s->par) {
        int rc = WR_OK;
        if (s->fd >= 0 && (int32_t)j == s->split) {
            uint64_t off = s->file_off - (uint64_t)(s->end - s->start);
            rc = put_pos(w, s->cfg->files[j], false, off, s->line, err);
        } else if (j < s->next) {
            rc = put_pos(w, s->cfg->files[j], true, 0, 0, err);
        } else {
            const struct fs_pos *p = restored_pos(s, j);
            if (p) rc = put_pos(w, s->cfg->files[j], p->done, p->off, p->line, err);
        }
        if (rc != WR_OK) return rc;
    }
    return WR_OK;
}

static int fs_restore(void *state, wr_source_ctx *ctx, wr_snap_reader *r, wr_error *err)
{
    fs_src *s = state;
    uint32_t sub = wr_source_subtask(ctx);
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next_op(r, "fs.split", &rec, err)) == 1) {
        uint32_t n = rec.vlen >= 21 ? (uint32_t)wr_le_get(rec.val + 17, 4) : 0;
        if (rec.vlen < 21 || rec.vlen - 21 != n || rec.val[0] > 1)
            return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL,
                                "%s: bad file position record", wr_source_name(ctx));
        const char *path = (const char *)rec.val + 21;
        /* The split with this path, if it is still listed and belongs to this subtask. */
        uint32_t lo = 0, hi = s->cfg->nfiles;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            int c = strncmp(s->cfg->files[mid], path, n);
            if (c == 0 && s->cfg->files[mid][n] != 0) c = 1;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo >= s->cfg->nfiles || strlen(s->cfg->files[lo]) != n ||
            memcmp(s->cfg->files[lo], path, n) != 0) {
            wr_log(WR_LOG_WARN, "filesystem", "%s: checkpointed file '%.*s' is gone; skipped",
                   wr_source_name(ctx), (int)n, path);
            continue;
        }
        if (lo % s->par != sub) continue;
        struct fs_pos *np = wr_realloc(s->pos, (s->npos + 1) * sizeof *np);
        if (!np) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        s->pos = np;
        struct fs_pos *p = &s->pos[s->npos++];
        p->split = lo;
        p->done = rec.val[0];
        p->off = wr_le_get(rec.val + 1, 8);
        p->line = wr_le_get(rec.val + 9, 8);
        if (!p->line) p->line = 1;
    }
    return rc < 0 ? rc : WR_OK;
}

const wr_source_vt wr_connector_filesystem_source = {
    .abi_version = WR_ABI_VERSION,
    .name = "filesystem",
    .description = "Reads the files of a directory, each file a split",
    .open = fs_open,
    .poll = fs_poll,
    .close = fs_close,
    .ckpt = WR_CKPT_STATEFUL,
    .snapshot = fs_snapshot,
    .restore = fs_restore,
};
