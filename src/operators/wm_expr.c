/* wm_expr.c - watermark candidates from a compiled expression: the bridge between a SQL
 * `WATERMARK FOR ts AS <expr>` (compiled over the source's output columns, with computed
 * columns substituted) and the runtime's per-split watermark generation (wr_wm_spec.eval).
 *
 * The runtime calls the callback from whichever worker thread runs the source task, for
 * several subtasks of the same vertex at once, so the program's scratch registers cannot
 * live in the shared argument: each thread keeps its own scratch and output batch per
 * watermark expression (a small thread-local cache), freed when the thread exits. Cache
 * entries are keyed by a process-unique id, not by address, so an expression freed and a
 * new one allocated at the same address never share a stale scratch. */
#include "operators/wm_expr.h"

#include <string.h>

#define WM_CACHE_SLOTS 8

struct wr_wm_expr {
    wr_expr_prog *prog;
    uint64_t id;
};

static _Atomic uint64_t next_id = 1;

typedef struct wm_slot {
    uint64_t id;
    const wr_expr_prog *prog;
    wr_expr_scratch *scratch;
    wr_batch *out;
    wr_schema *schema;
    uint32_t cap;
} wm_slot;

typedef struct wm_cache {
    wm_slot slots[WM_CACHE_SLOTS];
    uint32_t next; /* round-robin replacement */
} wm_cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void slot_clear(wm_slot *s)
{
    if (s->out) wr_batch_release(s->out);
    if (s->scratch) wr_expr_scratch_free(s->scratch);
    if (s->schema) wr_schema_free(s->schema);
    memset(s, 0, sizeof *s);
}

static void cache_free(void *p)
{
    wm_cache *c = p;
    for (uint32_t i = 0; i < WM_CACHE_SLOTS; i++)
        slot_clear(&c->slots[i]);
    wr_free(c);
}

static void cache_key_init(void)
{
    pthread_key_create(&cache_key, cache_free);
}

static wm_slot *slot_for(const wr_wm_expr *w, uint32_t rows, wr_error *err)
{
    const wr_expr_prog *prog = w->prog;
    pthread_once(&cache_once, cache_key_init);
    wm_cache *c = pthread_getspecific(cache_key);
    if (!c) {
        c = wr_calloc(1, sizeof *c);
        if (!c) goto nomem;
        pthread_setspecific(cache_key, c);
    }
    wm_slot *s = NULL;
    for (uint32_t i = 0; i < WM_CACHE_SLOTS; i++)
        if (c->slots[i].id == w->id) s = &c->slots[i];
    if (!s) {
        s = &c->slots[c->next++ % WM_CACHE_SLOTS];
        slot_clear(s);
        s->id = w->id;
        s->prog = prog;
        s->scratch = wr_expr_scratch_new(prog, NULL);
        s->schema = wr_schema_new(1);
        if (!s->scratch || !s->schema) goto fail;
        if (wr_schema_set(s->schema, 0, "watermark", wr_expr_prog_output_type(prog, 0)) != WR_OK)
            goto fail;
    }
    if (!s->out || s->cap < rows) {
        if (s->out) wr_batch_release(s->out);
        s->cap = rows > WR_BATCH_DEFAULT_ROWS ? rows : WR_BATCH_DEFAULT_ROWS;
        s->out = wr_batch_new(s->schema, s->cap, NULL);
        if (!s->out) goto fail;
    }
    return s;
fail:
    if (s) slot_clear(s);
nomem:
    wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory evaluating a watermark");
    return NULL;
}

wr_wm_expr *wr_wm_expr_new(wr_expr_prog *prog, wr_error *err)
{
    if (wr_wm_expr_check(prog, err) != WR_OK) {
        wr_expr_prog_free(prog);
        return NULL;
    }
    wr_wm_expr *w = wr_malloc(sizeof *w);
    if (!w) {
        wr_expr_prog_free(prog);
        wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        return NULL;
    }
    w->prog = prog;
    w->id = atomic_fetch_add(&next_id, 1);
    return w;
}

void wr_wm_expr_free(wr_wm_expr *w)
{
    if (!w) return;
    wr_expr_prog_free(w->prog);
    wr_free(w);
}

int wr_wm_expr_eval(void *arg, const wr_batch *b, int64_t *cand, uint64_t *valid, wr_error *err)
{
    const wr_wm_expr *w = arg;
    const wr_expr_prog *prog = w->prog;
    wm_slot *s = slot_for(w, b->len, err);
    if (!s) return WR_ENOMEM;
    wr_batch_clear(s->out);
    /* The program only reads the input; the cast drops a const the expr API doesn't need. */
    int rc = wr_expr_eval(prog, s->scratch, (wr_batch *)b, s->out, 0, err);
    if (rc != WR_OK) {
        wr_error_prefix(err, "watermark expression: ");
        return rc;
    }
    const wr_vec *v = &s->out->cols[0];
    memcpy(cand, v->data, (size_t)b->len * sizeof(int64_t));
    memcpy(valid, v->validity, (size_t)((b->len + 63) / 64) * sizeof(uint64_t));
    wr_batch_clear(s->out); /* drop any dependency on the input batch */
    return WR_OK;
}

int wr_wm_expr_check(const wr_expr_prog *prog, wr_error *err)
{
    if (wr_expr_prog_outputs(prog) != 1)
        return wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                            "a watermark expression has exactly one value");
    wr_type t = wr_expr_prog_output_type(prog, 0);
    if (t.id != WR_TYPE_TIMESTAMP && t.id != WR_TYPE_TIMESTAMP_LTZ) {
        wr_buf b;
        wr_buf_init(&b);
        wr_type_format(&t, &b);
        wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                     "a watermark expression must be a TIMESTAMP(3) or TIMESTAMP_LTZ(3), not %s",
                     b.ptr);
        wr_buf_free(&b);
        return WR_ETYPE;
    }
    return WR_OK;
}
