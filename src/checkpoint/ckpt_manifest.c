/* ckpt_manifest.c - the manifest of a checkpoint or savepoint: which snapshot files make it
 * up, for which vertex (by uid), subtask and key groups, with each file's size and checksum.
 * Written last; its presence and checksum are what make a checkpoint complete.
 *
 * Byte layout, version 1 (all integers little-endian):
 *
 *   offset  size  field
 *   0       8     magic "WRCKPTM\0"
 *   8       4     format version (1)
 *   12      4     flags: bit 0 savepoint, bit 1 final (taken after every source ended)
 *   16      8     checkpoint id (int64)
 *   24      8     completion time, ms since the Unix epoch (int64)
 *   32      4     max parallelism (number of key groups)
 *   36      4     V, the number of vertices
 *   40            job name: u32 length, bytes
 *                 plan: u32 length, bytes (the job's serialized plan; diagnosis only)
 *                 V vertices, each:
 *                   u64 uid, u32 parallelism, u32 name length, name bytes, u32 F (files),
 *                   F files, each:
 *                     u32 subtask, u32 first key group, u32 last key group,
 *                     u64 size, u64 XXH3-64 of the file's bytes, u32 key length, key bytes
 *   end-16  8     XXH3-64 of bytes [0, end-16)
 *   end-8   8     end magic "WRCKPTE\0"
 *
 * Limits checked when reading: names and keys up to 4096 bytes, the plan up to 16 MiB, up to
 * 65536 vertices and 65536 files per vertex; key group ranges within max parallelism. */
#include "checkpoint/checkpoint.h"

#include <string.h>
#include <xxhash.h>

#define MAGIC       "WRCKPTM\0"
#define END_MAGIC   "WRCKPTE\0"
#define VERSION     1u
#define MAX_NAME    4096u
#define MAX_PLAN    (16u << 20)
#define MAX_VERTS   65536u
#define MAX_FILES   65536u
#define FLAG_SAVEPT 1u
#define FLAG_FINAL  2u

static int put_u32(wr_buf *b, uint32_t v)
{
    uint8_t p[4];
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    return wr_buf_append(b, p, 4);
}

static int put_u64(wr_buf *b, uint64_t v)
{
    uint8_t p[8];
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    return wr_buf_append(b, p, 8);
}

static int put_str(wr_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    int rc = put_u32(b, (uint32_t)n);
    return rc ? rc : wr_buf_append(b, s ? s : "", n);
}

int wr_ckpt_manifest_encode(const wr_ckpt_manifest *m, wr_buf *out)
{
    size_t start = out->len;
    int rc = wr_buf_append(out, MAGIC, 8);
    rc |= put_u32(out, VERSION);
    rc |= put_u32(out, (m->savepoint ? FLAG_SAVEPT : 0) | (m->final ? FLAG_FINAL : 0));
    rc |= put_u64(out, (uint64_t)m->id);
    rc |= put_u64(out, (uint64_t)m->completed_ms);
    rc |= put_u32(out, m->max_par);
    rc |= put_u32(out, m->nvertices);
    rc |= put_str(out, m->job_name);
    rc |= put_str(out, m->plan);
    for (uint32_t i = 0; i < m->nvertices; i++) {
        const wr_ckpt_vertex *v = &m->vertices[i];
        rc |= put_u64(out, v->uid);
        rc |= put_u32(out, v->parallelism);
        rc |= put_str(out, v->name);
        rc |= put_u32(out, v->nfiles);
        for (uint32_t j = 0; j < v->nfiles; j++) {
            const wr_ckpt_file *f = &v->files[j];
            rc |= put_u32(out, f->subtask);
            rc |= put_u32(out, f->kg_start);
            rc |= put_u32(out, f->kg_end);
            rc |= put_u64(out, f->size);
            rc |= put_u64(out, f->xxh3);
            rc |= put_str(out, f->key);
        }
    }
    if (rc) return WR_ENOMEM;
    uint64_t h = XXH3_64bits(out->ptr + start, out->len - start);
    rc = put_u64(out, h);
    rc |= wr_buf_append(out, END_MAGIC, 8);
    return rc ? WR_ENOMEM : WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Decoding: a cursor that never reads past the end.
 * ---------------------------------------------------------------------------------------- */
typedef struct rd {
    const uint8_t *p;
    size_t len, pos;
    bool bad;
    const char *what; /* the first field that did not fit */
} rd;

static uint64_t get_n(rd *r, int n, const char *what)
{
    if (r->bad || r->len - r->pos < (size_t)n) {
        if (!r->bad) r->what = what;
        r->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)r->p[r->pos + i] << (8 * i);
    r->pos += (size_t)n;
    return v;
}

static char *get_str(rd *r, uint32_t max, const char *what)
{
    uint32_t n = (uint32_t)get_n(r, 4, what);
    if (r->bad) return NULL;
    if (n > max || r->len - r->pos < n) {
        r->bad = true;
        r->what = what;
        return NULL;
    }
    char *s = wr_malloc(n + 1);
    if (!s) {
        r->bad = true;
        r->what = "memory";
        return NULL;
    }
    memcpy(s, r->p + r->pos, n);
    s[n] = 0;
    r->pos += n;
    return s;
}

int wr_ckpt_manifest_decode(const void *data, size_t len, wr_ckpt_manifest *m, wr_error *err)
{
    memset(m, 0, sizeof *m);
    const uint8_t *p = data;
    if (len < 40 + 8 + 16 || memcmp(p, MAGIC, 8))
        return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL,
                            "not a weir checkpoint manifest (bad magic or %zu bytes)", len);
    if (memcmp(p + len - 8, END_MAGIC, 8))
        return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL,
                            "checkpoint manifest is truncated (no end marker)");
    uint64_t want = 0;
    for (int i = 0; i < 8; i++)
        want |= (uint64_t)p[len - 16 + i] << (8 * i);
    if (XXH3_64bits(p, len - 16) != want)
        return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL,
                            "checkpoint manifest checksum mismatch");
    rd r = {.p = p, .len = len - 16, .pos = 8};
    uint32_t version = (uint32_t)get_n(&r, 4, "version");
    if (version != VERSION)
        return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL,
                            "checkpoint manifest format version %u (this weir reads %u)", version,
                            VERSION);
    uint32_t flags = (uint32_t)get_n(&r, 4, "flags");
    m->savepoint = flags & FLAG_SAVEPT;
    m->final = flags & FLAG_FINAL;
    m->id = (int64_t)get_n(&r, 8, "id");
    m->completed_ms = (int64_t)get_n(&r, 8, "time");
    m->max_par = (uint32_t)get_n(&r, 4, "max parallelism");
    uint32_t nv = (uint32_t)get_n(&r, 4, "vertex count");
    m->job_name = get_str(&r, MAX_NAME, "job name");
    m->plan = get_str(&r, MAX_PLAN, "plan");
    if (!r.bad && (nv > MAX_VERTS || m->max_par == 0)) {
        r.bad = true;
        r.what = nv > MAX_VERTS ? "vertex count" : "max parallelism";
    }
    if (!r.bad && nv) {
        m->vertices = wr_calloc(nv, sizeof *m->vertices);
        if (!m->vertices) {
            r.bad = true;
            r.what = "memory";
        }
    }
    for (uint32_t i = 0; i < nv && !r.bad; i++) {
        wr_ckpt_vertex *v = &m->vertices[i];
        m->nvertices = i + 1;
        v->uid = get_n(&r, 8, "vertex uid");
        v->parallelism = (uint32_t)get_n(&r, 4, "vertex parallelism");
        v->name = get_str(&r, MAX_NAME, "vertex name");
        uint32_t nf = (uint32_t)get_n(&r, 4, "file count");
        if (r.bad) break;
        if (nf > MAX_FILES) {
            r.bad = true;
            r.what = "file count";
            break;
        }
        if (nf && !(v->files = wr_calloc(nf, sizeof *v->files))) {
            r.bad = true;
            r.what = "memory";
            break;
        }
        for (uint32_t j = 0; j < nf && !r.bad; j++) {
            wr_ckpt_file *f = &v->files[j];
            v->nfiles = j + 1;
            f->subtask = (uint32_t)get_n(&r, 4, "file subtask");
            f->kg_start = (uint32_t)get_n(&r, 4, "file key groups");
            f->kg_end = (uint32_t)get_n(&r, 4, "file key groups");
            f->size = get_n(&r, 8, "file size");
            f->xxh3 = get_n(&r, 8, "file checksum");
            f->key = get_str(&r, MAX_NAME, "file key");
            if (!r.bad && (f->kg_start > f->kg_end || f->kg_end >= m->max_par)) {
                r.bad = true;
                r.what = "file key groups";
            }
        }
    }
    if (!r.bad && r.pos != r.len) {
        r.bad = true;
        r.what = "trailing bytes";
    }
    if (r.bad) {
        const char *what = r.what ? r.what : "?";
        wr_ckpt_manifest_free(m);
        if (!strcmp(what, "memory"))
            return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL,
                            "checkpoint manifest is malformed at its %s", what);
    }
    return WR_OK;
}

void wr_ckpt_manifest_free(wr_ckpt_manifest *m)
{
    if (!m) return;
    for (uint32_t i = 0; i < m->nvertices; i++) {
        wr_ckpt_vertex *v = &m->vertices[i];
        for (uint32_t j = 0; j < v->nfiles; j++)
            wr_free(v->files[j].key);
        wr_free(v->files);
        wr_free(v->name);
    }
    wr_free(m->vertices);
    wr_free(m->job_name);
    wr_free(m->plan);
    memset(m, 0, sizeof *m);
}
