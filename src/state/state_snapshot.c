/* state_snapshot.c - snapshot files: the writer that groups an operator instance's records
 * by (table, key group) into checksummed, optionally zstd-compressed blocks, and the reader
 * that verifies a whole file before it hands out a single record, keeps only the blocks of
 * its key groups (plus every operator-state block) and iterates them per table across all
 * files added. Nothing here trusts a byte of input: every length is checked against the
 * bytes that remain, every block and the header/index are checksummed, and a file that is
 * truncated, padded or altered anywhere is rejected with WR_ECORRUPT naming the file.
 *
 * Byte layout (all integers little-endian; "varint" is unsigned LEB128 of at most 5 bytes
 * holding a value < 2^32, shortest form not required):
 *
 *   Header, 32 bytes, at offset 0
 *     0   8  magic "WRSNAP\0\1"
 *     8   4  format version (1)
 *     12  4  max_par       number of key groups of the job
 *     16  4  kg_start      first key group of the writing instance
 *     20  4  kg_end        last key group (inclusive); kg_start <= kg_end < max_par
 *     24  4  flags         bit 0: the writer was asked to compress; other bits 0
 *     28  4  ntables       number of table names that follow
 *   Table names, from offset 32: ntables times { u8 len (1..255), len bytes }. A block's
 *     table index refers to this list (0-based); names are distinct.
 *   Blocks, from the end of the names, back to back, sorted by (table index, key group),
 *     operator-state blocks (key group 0xFFFFFFFF) last within their table:
 *     0   4  table index
 *     4   4  key group, or 0xFFFFFFFF for the table's operator-state records
 *     8   8  record count (> 0)
 *     16  8  raw length       bytes of the records once decompressed
 *     24  8  stored length    bytes that follow this header
 *     32  4  compression      0 = none (stored == raw), 1 = one zstd frame
 *     36  4  reserved (0)
 *     40  8  checksum         XXH3_64bits_withSeed(stored bytes, XXH3_64bits(header bytes
 *                             0..39)): it covers the block header too
 *     48     stored bytes
 *   Records inside a block (raw bytes), one after another, exactly filling raw length:
 *     keyed:          i64 namespace, varint klen, varint vlen, klen key bytes, vlen bytes
 *     operator-state: varint vlen, vlen bytes
 *   Block index, at index_off: nblocks times { u32 table, u32 key group, u64 offset of the
 *     block header } (16 bytes each), in block order.
 *   Tail, the last 32 bytes:
 *     0   8  index_off
 *     8   4  nblocks
 *     12  4  reserved (0)
 *     16  8  checksum   XXH3_64bits_withSeed(bytes index_off .. tail+16,
 *                       XXH3_64bits(bytes 0 .. end of the table names))
 *     24  8  end magic "WRSNEND\1"
 *
 * So a truncated file loses its tail (end magic, checksum), a changed header, name or index
 * byte breaks the tail checksum, a changed block byte breaks its block checksum, and blocks
 * must tile the bytes between the names and the index exactly. A reader finds the blocks of
 * its key groups from the index and decompresses only those. */
#include "state/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#define SNAP_MAGIC     "WRSNAP\0\1"
#define SNAP_END_MAGIC "WRSNEND\1"
#define SNAP_VERSION   1u
#define SNAP_HDR       32u
#define SNAP_TAIL      32u
#define SNAP_BLK_HDR   48u
#define SNAP_IDX_ENT   16u
#define SNAP_OP_KG     0xFFFFFFFFu
#define SNAP_COMP_NONE 0u
#define SNAP_COMP_ZSTD 1u
/* Largest block the reader will inflate (a sanity bound against absurd lengths). */
#define SNAP_MAX_RAW (1ull << 40)

/* ------------------------------------------------------------------------------------------
 * Little-endian helpers
 * ---------------------------------------------------------------------------------------- */
static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get_u32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}
static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}
static size_t put_varint(uint8_t *p, uint32_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}
/* Decode a varint from p[*pos .. end); false when it runs past end, is longer than 5 bytes
 * or does not fit 32 bits. */
static bool get_varint(const uint8_t *p, size_t end, size_t *pos, uint32_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 5; i++) {
        if (*pos >= end) return false;
        uint8_t b = p[(*pos)++];
        v |= (uint64_t)(b & 0x7F) << (7 * i);
        if (!(b & 0x80)) {
            if (v > UINT32_MAX) return false;
            *out = (uint32_t)v;
            return true;
        }
    }
    return false;
}

static uint64_t block_checksum(const uint8_t *hdr, const uint8_t *stored, size_t n)
{
    return XXH3_64bits_withSeed(stored, n, XXH3_64bits(hdr, 40));
}

/* One record parsed from raw block bytes at *pos (bounded by end). */
static bool parse_record(const uint8_t *p, size_t end, size_t *pos, bool keyed, wr_snap_rec *rec)
{
    uint32_t klen = 0, vlen;
    int64_t ns = 0;
    if (keyed) {
        if (end - *pos < 8) return false;
        ns = (int64_t)get_u64(p + *pos);
        *pos += 8;
        if (!get_varint(p, end, pos, &klen)) return false;
    }
    if (!get_varint(p, end, pos, &vlen)) return false;
    if ((uint64_t)klen + vlen > end - *pos) return false;
    rec->ns = ns;
    rec->key = klen ? p + *pos : NULL;
    rec->klen = klen;
    rec->val = p + *pos + klen;
    rec->vlen = vlen;
    *pos += (size_t)klen + vlen;
    return true;
}

/* ------------------------------------------------------------------------------------------
 * Writer
 * ---------------------------------------------------------------------------------------- */
typedef struct snap_blk {
    wr_buf buf;
    uint64_t count;
} snap_blk;

typedef struct snap_wtable {
    char *name;
    snap_blk *kgs; /* kg_end - kg_start + 1 */
    snap_blk op;
} snap_wtable;

struct wr_snap_writer {
    uint32_t max_par, kg_start, kg_end, nkg;
    bool compress, spent;
    snap_wtable *tables;
    uint32_t ntables, cap;
    uint32_t last; /* table of the previous put (a cheap cache) */
};

int wr_snap_writer_new(uint32_t max_par, uint32_t kg_start, uint32_t kg_end, bool compress,
                       wr_snap_writer **out, wr_error *err)
{
    *out = NULL;
    if (max_par == 0 || kg_start > kg_end || kg_end >= max_par)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "snapshot writer: bad key group range [%u, %u] of %u", kg_start, kg_end,
                            max_par);
    wr_snap_writer *w = wr_calloc(1, sizeof(*w));
    if (!w) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    w->max_par = max_par;
    w->kg_start = kg_start;
    w->kg_end = kg_end;
    w->nkg = kg_end - kg_start + 1;
    w->compress = compress;
    *out = w;
    return WR_OK;
}

void wr_snap_writer_free(wr_snap_writer *w)
{
    if (!w) return;
    for (uint32_t i = 0; i < w->ntables; i++) {
        snap_wtable *t = &w->tables[i];
        for (uint32_t k = 0; k < w->nkg; k++)
            wr_buf_free(&t->kgs[k].buf);
        wr_free(t->kgs);
        wr_buf_free(&t->op.buf);
        wr_free(t->name);
    }
    wr_free(w->tables);
    wr_free(w);
}

static snap_wtable *writer_table(wr_snap_writer *w, const char *name, wr_error *err)
{
    if (w->last < w->ntables && strcmp(w->tables[w->last].name, name) == 0)
        return &w->tables[w->last];
    for (uint32_t i = 0; i < w->ntables; i++)
        if (strcmp(w->tables[i].name, name) == 0) {
            w->last = i;
            return &w->tables[i];
        }
    size_t len = strlen(name);
    if (len == 0 || len > 255) {
        wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                     "snapshot writer: table name must be 1 to 255 bytes (got %zu)", len);
        return NULL;
    }
    if (w->ntables == w->cap) {
        uint32_t ncap = w->cap ? w->cap * 2 : 4;
        snap_wtable *nt = wr_realloc(w->tables, ncap * sizeof(*nt));
        if (!nt) goto nomem;
        w->tables = nt;
        w->cap = ncap;
    }
    snap_wtable *t = &w->tables[w->ntables];
    memset(t, 0, sizeof(*t));
    t->name = wr_strdup(name);
    t->kgs = wr_calloc(w->nkg, sizeof(snap_blk));
    if (!t->name || !t->kgs) {
        wr_free(t->name);
        wr_free(t->kgs);
        goto nomem;
    }
    for (uint32_t k = 0; k < w->nkg; k++)
        wr_buf_init(&t->kgs[k].buf);
    wr_buf_init(&t->op.buf);
    w->last = w->ntables++;
    return t;
nomem:
    wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    return NULL;
}

int wr_snap_put(wr_snap_writer *w, const char *table, uint32_t kg, int64_t ns, const void *key,
                uint32_t klen, const void *val, uint32_t vlen, wr_error *err)
{
    WR_ASSERT(!w->spent);
    if (kg < w->kg_start || kg > w->kg_end)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "snapshot writer: key group %u of table '%s' is outside [%u, %u]", kg,
                            table, w->kg_start, w->kg_end);
    snap_wtable *t = writer_table(w, table, err);
    if (!t) return err ? err->code : WR_ENOMEM;
    snap_blk *b = &t->kgs[kg - w->kg_start];
    uint8_t hdr[18];
    put_u64(hdr, (uint64_t)ns);
    size_t n = 8;
    n += put_varint(hdr + n, klen);
    n += put_varint(hdr + n, vlen);
    if (wr_buf_reserve(&b->buf, n + (size_t)klen + vlen))
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    wr_buf_append(&b->buf, hdr, n);
    wr_buf_append(&b->buf, key, klen);
    wr_buf_append(&b->buf, val, vlen);
    b->count++;
    return WR_OK;
}

int wr_snap_put_op(wr_snap_writer *w, const char *table, const void *val, uint32_t vlen,
                   wr_error *err)
{
    WR_ASSERT(!w->spent);
    snap_wtable *t = writer_table(w, table, err);
    if (!t) return err ? err->code : WR_ENOMEM;
    uint8_t hdr[5];
    size_t n = put_varint(hdr, vlen);
    if (wr_buf_reserve(&t->op.buf, n + vlen))
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    wr_buf_append(&t->op.buf, hdr, n);
    wr_buf_append(&t->op.buf, val, vlen);
    t->op.count++;
    return WR_OK;
}

/* Append one block (header + stored bytes) to out and its index entry to idx. */
static int write_block(wr_snap_writer *w, uint32_t ti, uint32_t kg, snap_blk *b, wr_buf *out,
                       wr_buf *idx, size_t base)
{
    size_t raw = b->buf.len;
    size_t bound = w->compress ? ZSTD_compressBound(raw) : raw;
    if (wr_buf_reserve(out, SNAP_BLK_HDR + WR_MAX(bound, raw))) return WR_ENOMEM;
    uint8_t *h = (uint8_t *)out->ptr + out->len;
    uint8_t *dst = h + SNAP_BLK_HDR;
    uint32_t comp = SNAP_COMP_NONE;
    size_t stored = raw;
    if (w->compress && raw > 0) {
        size_t c = ZSTD_compress(dst, bound, b->buf.ptr, raw, 1);
        if (!ZSTD_isError(c) && c < raw) {
            comp = SNAP_COMP_ZSTD;
            stored = c;
        }
    }
    if (comp == SNAP_COMP_NONE && raw) memcpy(dst, b->buf.ptr, raw);
    put_u32(h, ti);
    put_u32(h + 4, kg);
    put_u64(h + 8, b->count);
    put_u64(h + 16, raw);
    put_u64(h + 24, stored);
    put_u32(h + 32, comp);
    put_u32(h + 36, 0);
    put_u64(h + 40, block_checksum(h, dst, stored));
    uint8_t ent[SNAP_IDX_ENT];
    put_u32(ent, ti);
    put_u32(ent + 4, kg);
    put_u64(ent + 8, out->len - base);
    out->len += SNAP_BLK_HDR + stored;
    out->ptr[out->len] = '\0';
    return wr_buf_append(idx, ent, sizeof(ent));
}

int wr_snap_finish(wr_snap_writer *w, wr_buf *out, wr_error *err)
{
    WR_ASSERT(!w->spent);
    w->spent = true;
    size_t base = out->len, old_len = out->len;
    wr_buf idx;
    wr_buf_init(&idx);
    uint8_t h[SNAP_HDR];
    memcpy(h, SNAP_MAGIC, 8);
    put_u32(h + 8, SNAP_VERSION);
    put_u32(h + 12, w->max_par);
    put_u32(h + 16, w->kg_start);
    put_u32(h + 20, w->kg_end);
    put_u32(h + 24, w->compress ? 1u : 0u);
    put_u32(h + 28, w->ntables);
    if (wr_buf_append(out, h, sizeof(h))) goto nomem;
    for (uint32_t i = 0; i < w->ntables; i++) {
        uint8_t len = (uint8_t)strlen(w->tables[i].name);
        if (wr_buf_append(out, &len, 1) || wr_buf_append(out, w->tables[i].name, len)) goto nomem;
    }
    size_t names_end = out->len - base;
    uint32_t nblocks = 0;
    for (uint32_t i = 0; i < w->ntables; i++) {
        snap_wtable *t = &w->tables[i];
        for (uint32_t k = 0; k < w->nkg; k++) {
            if (!t->kgs[k].count) continue;
            if (write_block(w, i, w->kg_start + k, &t->kgs[k], out, &idx, base)) goto nomem;
            wr_buf_free(&t->kgs[k].buf); /* give memory back as we go */
            nblocks++;
        }
        if (t->op.count) {
            if (write_block(w, i, SNAP_OP_KG, &t->op, out, &idx, base)) goto nomem;
            wr_buf_free(&t->op.buf);
            nblocks++;
        }
    }
    size_t index_off = out->len - base;
    if (wr_buf_append(out, idx.ptr, idx.len)) goto nomem;
    uint8_t tail[SNAP_TAIL];
    put_u64(tail, index_off);
    put_u32(tail + 8, nblocks);
    put_u32(tail + 12, 0);
    if (wr_buf_append(out, tail, 16)) goto nomem;
    const uint8_t *f = (const uint8_t *)out->ptr + base;
    uint64_t sum =
        XXH3_64bits_withSeed(f + index_off, out->len - base - index_off, XXH3_64bits(f, names_end));
    put_u64(tail + 16, sum);
    memcpy(tail + 24, SNAP_END_MAGIC, 8);
    if (wr_buf_append(out, tail + 16, 16)) goto nomem;
    wr_buf_free(&idx);
    return WR_OK;
nomem:
    wr_buf_free(&idx);
    out->len = old_len;
    if (out->cap) out->ptr[out->len] = '\0';
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "snapshot writer: out of memory");
}

/* ------------------------------------------------------------------------------------------
 * Reader
 * ---------------------------------------------------------------------------------------- */
typedef struct rd_block {
    uint32_t table; /* reader table id */
    uint32_t kg;    /* SNAP_OP_KG for operator state */
    uint64_t count;
    uint8_t *data; /* raw record bytes (owned) */
    size_t len;
} rd_block;

typedef struct rd_table {
    char *name;
    uint64_t keyed; /* keyed records in the reader's key groups */
    uint64_t op;
    size_t kblk, kpos; /* keyed iteration: block index, offset in it */
    size_t oblk, opos; /* operator-state iteration */
} rd_table;

struct wr_snap_reader {
    uint32_t max_par, kg_start, kg_end;
    rd_table *tables;
    uint32_t ntables, tcap;
    uint32_t last; /* table of the previous lookup */
    rd_block *blocks;
    size_t nblocks, bcap;
};

int wr_snap_reader_new(uint32_t max_par, uint32_t kg_start, uint32_t kg_end, wr_snap_reader **out,
                       wr_error *err)
{
    *out = NULL;
    if (max_par == 0 || kg_start > kg_end || kg_end >= max_par)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "snapshot reader: bad key group range [%u, %u] of %u", kg_start, kg_end,
                            max_par);
    wr_snap_reader *r = wr_calloc(1, sizeof(*r));
    if (!r) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    r->max_par = max_par;
    r->kg_start = kg_start;
    r->kg_end = kg_end;
    *out = r;
    return WR_OK;
}

void wr_snap_reader_free(wr_snap_reader *r)
{
    if (!r) return;
    for (uint32_t i = 0; i < r->ntables; i++)
        wr_free(r->tables[i].name);
    for (size_t i = 0; i < r->nblocks; i++)
        wr_free(r->blocks[i].data);
    wr_free(r->tables);
    wr_free(r->blocks);
    wr_free(r);
}

static int corrupt(wr_error *err, const char *name, const char *fmt, ...) WR_PRINTF(3, 4);
static int corrupt(wr_error *err, const char *name, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_EXTERNAL, "snapshot file '%s' is corrupt: %s",
                        name, msg);
}

/* Order of two length-prefixed names (u8 length, bytes). */
static int cmp_names(const void *a, const void *b)
{
    const uint8_t *x = *(const uint8_t *const *)a, *y = *(const uint8_t *const *)b;
    int c = memcmp(x + 1, y + 1, WR_MIN(x[0], y[0]));
    return c ? c : (int)x[0] - (int)y[0];
}

static int64_t reader_table_id(wr_snap_reader *r, const char *name, size_t len)
{
    for (uint32_t i = 0; i < r->ntables; i++)
        if (strlen(r->tables[i].name) == len && memcmp(r->tables[i].name, name, len) == 0) return i;
    if (r->ntables == r->tcap) {
        uint32_t ncap = r->tcap ? r->tcap * 2 : 4;
        rd_table *nt = wr_realloc(r->tables, ncap * sizeof(*nt));
        if (!nt) return -1;
        r->tables = nt;
        r->tcap = ncap;
    }
    rd_table *t = &r->tables[r->ntables];
    memset(t, 0, sizeof(*t));
    t->name = wr_strndup(name, len);
    if (!t->name) return -1;
    return r->ntables++;
}

/* Inflate (when compressed) and validate the records of a block the reader keeps. */
static int load_block(const uint8_t *stored, uint64_t slen, uint64_t raw, uint32_t comp,
                      uint64_t count, bool keyed, rd_block *out, const char *name, uint32_t bi,
                      wr_error *err)
{
    if (raw > SNAP_MAX_RAW)
        return corrupt(err, name, "block %u: raw length %llu too large", bi,
                       (unsigned long long)raw);
    uint8_t *data = wr_malloc((size_t)raw + 1);
    if (!data) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    if (comp == SNAP_COMP_ZSTD) {
        unsigned long long fcs = ZSTD_getFrameContentSize(stored, slen);
        size_t got = fcs == raw ? ZSTD_decompress(data, raw, stored, slen) : 0;
        if (fcs != raw || ZSTD_isError(got) || got != raw) {
            wr_free(data);
            return corrupt(err, name, "block %u: zstd data does not decompress to %llu bytes", bi,
                           (unsigned long long)raw);
        }
    } else if (raw) {
        memcpy(data, stored, raw);
    }
    size_t pos = 0;
    wr_snap_rec rec;
    bool ok = count <= raw;
    for (uint64_t i = 0; ok && i < count; i++)
        ok = parse_record(data, raw, &pos, keyed, &rec);
    if (!ok || pos != raw) {
        wr_free(data);
        return corrupt(err, name, "block %u: records do not fill the block exactly", bi);
    }
    out->data = data;
    out->len = raw;
    out->count = count;
    return WR_OK;
}

int wr_snap_reader_add(wr_snap_reader *r, const void *data, size_t len, const char *name,
                       wr_error *err)
{
    const uint8_t *f = data;
    if (!name) name = "?";
    if (len < SNAP_HDR + SNAP_TAIL)
        return corrupt(err, name, "%zu bytes is shorter than a header and a tail", len);
    if (memcmp(f, SNAP_MAGIC, 8) != 0) return corrupt(err, name, "bad magic (not a snapshot)");
    const uint8_t *tail = f + len - SNAP_TAIL;
    if (memcmp(tail + 24, SNAP_END_MAGIC, 8) != 0)
        return corrupt(err, name, "no end marker (truncated?)");
    uint32_t version = get_u32(f + 8);
    if (version != SNAP_VERSION)
        return corrupt(err, name, "format version %u is not supported (expected %u)", version,
                       SNAP_VERSION);
    uint64_t index_off = get_u64(tail);
    uint32_t nblocks = get_u32(tail + 8);
    size_t index_end = len - SNAP_TAIL;
    if (index_off < SNAP_HDR || index_off > index_end ||
        (index_end - index_off) != (uint64_t)nblocks * SNAP_IDX_ENT || get_u32(tail + 12) != 0)
        return corrupt(err, name, "block index out of place");
    /* Table names (bounded by the index), then the header/index checksum. */
    uint32_t ntables = get_u32(f + 28);
    if (ntables > index_off - SNAP_HDR) return corrupt(err, name, "bad table count %u", ntables);
    size_t pos = SNAP_HDR;
    for (uint32_t i = 0; i < ntables; i++) {
        if (pos >= index_off || f[pos] == 0 || f[pos] > index_off - pos - 1)
            return corrupt(err, name, "table name %u out of bounds", i);
        pos += 1 + (size_t)f[pos];
    }
    size_t names_end = pos;
    uint64_t sum =
        XXH3_64bits_withSeed(f + index_off, index_end + 16 - index_off, XXH3_64bits(f, names_end));
    if (sum != get_u64(tail + 16)) return corrupt(err, name, "header or index checksum mismatch");
    uint32_t max_par = get_u32(f + 12), fkg0 = get_u32(f + 16), fkg1 = get_u32(f + 20);
    uint32_t flags = get_u32(f + 24);
    if (max_par == 0 || fkg0 > fkg1 || fkg1 >= max_par || (flags & ~1u))
        return corrupt(err, name, "bad header (key groups [%u, %u] of %u, flags %#x)", fkg0, fkg1,
                       max_par, flags);
    if (max_par != r->max_par)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                            "snapshot file '%s' has max parallelism %u, this job %u: key groups "
                            "cannot be remapped",
                            name, max_par, r->max_par);
    /* Distinct names: sort pointers to the length-prefixed names, compare neighbours. */
    if (ntables > 1) {
        const uint8_t **v = wr_malloc((size_t)ntables * sizeof(*v));
        if (!v) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        pos = SNAP_HDR;
        for (uint32_t i = 0; i < ntables; i++) {
            v[i] = f + pos;
            pos += 1 + (size_t)f[pos];
        }
        qsort(v, ntables, sizeof(*v), cmp_names);
        bool dup = false;
        for (uint32_t i = 1; i < ntables && !dup; i++)
            dup = cmp_names(&v[i - 1], &v[i]) == 0;
        wr_free(v);
        if (dup) return corrupt(err, name, "a table name is repeated");
    }
    /* Blocks: they tile [names_end, index_off) in index order, each checksummed. */
    rd_block *keep = nblocks ? wr_calloc(nblocks, sizeof(rd_block)) : NULL;
    if (nblocks && !keep) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    size_t nkeep = 0;
    int rc = WR_OK;
    pos = names_end;
    uint64_t prev = 0;
    for (uint32_t i = 0; i < nblocks; i++) {
        const uint8_t *ent = f + index_off + (size_t)i * SNAP_IDX_ENT;
        uint32_t ti = get_u32(ent), kg = get_u32(ent + 4);
        uint64_t key = ((uint64_t)ti << 32) | kg;
        if (get_u64(ent + 8) != pos || index_off - pos < SNAP_BLK_HDR) {
            rc = corrupt(err, name, "block %u is not where the index says", i);
            goto fail;
        }
        if ((i > 0 && key <= prev) || ti >= ntables ||
            (kg != SNAP_OP_KG && (kg < fkg0 || kg > fkg1))) {
            rc = corrupt(err, name, "block %u: bad table %u or key group %u", i, ti, kg);
            goto fail;
        }
        prev = key;
        const uint8_t *h = f + pos;
        uint64_t count = get_u64(h + 8), raw = get_u64(h + 16), slen = get_u64(h + 24);
        uint32_t comp = get_u32(h + 32);
        if (get_u32(h) != ti || get_u32(h + 4) != kg || count == 0 ||
            slen > index_off - pos - SNAP_BLK_HDR || comp > SNAP_COMP_ZSTD ||
            (comp == SNAP_COMP_NONE && raw != slen) || get_u32(h + 36) != 0) {
            rc = corrupt(err, name, "block %u (key group %u): bad block header", i, kg);
            goto fail;
        }
        if (block_checksum(h, h + SNAP_BLK_HDR, slen) != get_u64(h + 40)) {
            rc = corrupt(err, name, "block %u (key group %u): checksum mismatch", i, kg);
            goto fail;
        }
        bool mine = kg == SNAP_OP_KG || (kg >= r->kg_start && kg <= r->kg_end);
        if (mine) {
            rd_block *b = &keep[nkeep];
            b->table = ti; /* file-local until committed */
            b->kg = kg;
            rc = load_block(h + SNAP_BLK_HDR, slen, raw, comp, count, kg != SNAP_OP_KG, b, name, i,
                            err);
            if (rc) goto fail;
            nkeep++;
        }
        pos += SNAP_BLK_HDR + (size_t)slen;
    }
    if (pos != index_off) {
        rc = corrupt(err, name, "bytes between the blocks and the index");
        goto fail;
    }
    /* Commit: map table names, append the kept blocks. */
    if (r->nblocks + nkeep > r->bcap) {
        size_t ncap = WR_MAX(r->bcap * 2, r->nblocks + nkeep);
        rd_block *nb = wr_realloc(r->blocks, ncap * sizeof(rd_block));
        if (!nb) {
            rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            goto fail;
        }
        r->blocks = nb;
        r->bcap = ncap;
    }
    uint32_t *map = wr_malloc(((size_t)ntables + 1) * sizeof(uint32_t));
    if (!map) {
        rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        goto fail;
    }
    pos = SNAP_HDR;
    for (uint32_t i = 0; i < ntables; i++) {
        int64_t id = reader_table_id(r, (const char *)f + pos + 1, f[pos]);
        if (id < 0) {
            wr_free(map);
            rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            goto fail;
        }
        map[i] = (uint32_t)id;
        pos += 1 + (size_t)f[pos];
    }
    for (size_t i = 0; i < nkeep; i++) {
        rd_block *b = &keep[i];
        b->table = map[b->table];
        rd_table *t = &r->tables[b->table];
        if (b->kg == SNAP_OP_KG)
            t->op += b->count;
        else
            t->keyed += b->count;
        r->blocks[r->nblocks++] = *b;
    }
    wr_free(map);
    wr_free(keep);
    return WR_OK;
fail:
    for (size_t i = 0; i < nkeep; i++)
        wr_free(keep[i].data);
    wr_free(keep);
    return rc;
}

static rd_table *find_rtable(wr_snap_reader *r, const char *table)
{
    if (r->last < r->ntables && strcmp(r->tables[r->last].name, table) == 0)
        return &r->tables[r->last];
    for (uint32_t i = 0; i < r->ntables; i++)
        if (strcmp(r->tables[i].name, table) == 0) {
            r->last = i;
            return &r->tables[i];
        }
    return NULL;
}

static int next_in(wr_snap_reader *r, uint32_t tid, bool keyed, size_t *blk, size_t *off,
                   wr_snap_rec *rec)
{
    while (*blk < r->nblocks) {
        const rd_block *b = &r->blocks[*blk];
        if (b->table != tid || (b->kg == SNAP_OP_KG) == keyed || *off >= b->len) {
            (*blk)++;
            *off = 0;
            continue;
        }
        /* Validated in wr_snap_reader_add: parsing cannot fail here. */
        bool ok = parse_record(b->data, b->len, off, keyed, rec);
        WR_ASSERT(ok);
        rec->kg = b->kg;
        return 1;
    }
    return 0;
}

int wr_snap_next(wr_snap_reader *r, const char *table, wr_snap_rec *rec, wr_error *err)
{
    rd_table *t = find_rtable(r, table);
    if (!t) return 0;
    return next_in(r, (uint32_t)(t - r->tables), true, &t->kblk, &t->kpos, rec);
}

int wr_snap_next_op(wr_snap_reader *r, const char *table, wr_snap_rec *rec, wr_error *err)
{
    rd_table *t = find_rtable(r, table);
    if (!t) return 0;
    return next_in(r, (uint32_t)(t - r->tables), false, &t->oblk, &t->opos, rec);
}

void wr_snap_rewind(wr_snap_reader *r, const char *table)
{
    rd_table *t = find_rtable(r, table);
    if (!t) return;
    t->kblk = t->kpos = t->oblk = t->opos = 0;
}

uint32_t wr_snap_reader_ntables(const wr_snap_reader *r)
{
    return r->ntables;
}

const char *wr_snap_reader_table(const wr_snap_reader *r, uint32_t i, uint64_t *keyed, uint64_t *op)
{
    WR_ASSERT(i < r->ntables);
    if (keyed) *keyed = r->tables[i].keyed;
    if (op) *op = r->tables[i].op;
    return r->tables[i].name;
}

void wr_snap_reader_range(const wr_snap_reader *r, uint32_t *max_par, uint32_t *kg_start,
                          uint32_t *kg_end)
{
    *max_par = r->max_par;
    *kg_start = r->kg_start;
    *kg_end = r->kg_end;
}
