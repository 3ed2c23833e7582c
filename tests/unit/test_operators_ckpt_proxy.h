/* test_operators_ckpt_proxy.h - an operator that wraps another and round-trips it through
 * its checkpoint hooks after every batch and watermark: snapshot into a file (all key groups),
 * close, open a new instance, restore it from the file, as a stop with a savepoint and a
 * restore at the same parallelism would. A test runs the same input with and without the
 * proxy: the output must not change. Header-only. */
#ifndef WR_TEST_OPERATORS_CKPT_PROXY_H
#define WR_TEST_OPERATORS_CKPT_PROXY_H

#include "testutil.h"

#include <stdlib.h>

#include "runtime/runtime.h"

typedef struct cp_cfg {
    const wr_op_vt *vt;
    void *cfg;
    void (*cfg_free)(void *);
} cp_cfg;

typedef struct cp_state {
    const cp_cfg *c;
    void *inner;
} cp_state;

/* A proxy config for vt with cfg (both owned by the proxy config from here on). */
static inline cp_cfg *cp_cfg_new(const wr_op_vt *vt, void *cfg, void (*cfg_free)(void *))
{
    cp_cfg *c = calloc(1, sizeof(*c));
    c->vt = vt;
    c->cfg = cfg;
    c->cfg_free = cfg_free;
    return c;
}

static inline void cp_cfg_free(void *p)
{
    cp_cfg *c = p;
    if (c->cfg_free) c->cfg_free(c->cfg);
    free(c);
}

static inline int cp_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    cp_state *s = calloc(1, sizeof(*s));
    if (!s) return WR_ENOMEM;
    s->c = config;
    int rc = s->c->vt->open(&s->inner, ctx, s->c->cfg, err);
    if (rc < 0) {
        free(s);
        return rc;
    }
    *state = s;
    return 0;
}

static inline int cp_roundtrip(cp_state *s, wr_op_ctx *ctx, wr_error *err)
{
    const wr_op_vt *vt = s->c->vt;
    const uint32_t mp = wr_op_max_parallelism(ctx);
    uint32_t kg0, kg1;
    wr_keygroup_range(wr_op_subtask(ctx), wr_op_parallelism(ctx), mp, &kg0, &kg1);
    wr_snap_writer *w = NULL;
    wr_snap_reader *r = NULL;
    wr_buf file;
    wr_buf_init(&file);
    assert_int_equal(vt->ckpt, WR_CKPT_STATEFUL);
    int rc = wr_snap_writer_new(mp, kg0, kg1, false, &w, err);
    if (rc == 0) rc = vt->snapshot(s->inner, ctx, 1, w, err);
    if (rc == 0) rc = wr_snap_finish(w, &file, err);
    wr_snap_writer_free(w);
    if (rc == 0) {
        vt->close(s->inner);
        s->inner = NULL;
        rc = vt->open(&s->inner, ctx, s->c->cfg, err);
    }
    if (rc == 0) rc = wr_snap_reader_new(mp, kg0, kg1, &r, err);
    if (rc == 0) rc = wr_snap_reader_add(r, file.ptr, file.len, "roundtrip", err);
    if (rc == 0) rc = vt->restore(s->inner, ctx, r, err);
    wr_snap_reader_free(r);
    wr_buf_free(&file);
    return rc;
}

static inline int cp_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in,
                             wr_error *err)
{
    cp_state *s = state;
    int rc = s->c->vt->process(s->inner, ctx, input, in, err);
    return rc ? rc : cp_roundtrip(s, ctx, err);
}

static inline int cp_watermark(void *state, wr_op_ctx *ctx, int64_t wm, wr_error *err)
{
    cp_state *s = state;
    int rc = s->c->vt->on_watermark ? s->c->vt->on_watermark(s->inner, ctx, wm, err)
                                    : wr_op_emit_watermark(ctx, wm);
    return rc ? rc : cp_roundtrip(s, ctx, err);
}

static inline int cp_finish(void *state, wr_op_ctx *ctx, wr_error *err)
{
    cp_state *s = state;
    return s->c->vt->finish ? s->c->vt->finish(s->inner, ctx, err) : 0;
}

static inline void cp_close(void *state)
{
    cp_state *s = state;
    if (s->inner) s->c->vt->close(s->inner);
    free(s);
}

static const wr_op_vt cp_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "ckpt_proxy",
    .description = "tests: round-trips the wrapped operator through its checkpoint hooks",
    .open = cp_open,
    .process = cp_process,
    .on_watermark = cp_watermark,
    .finish = cp_finish,
    .close = cp_close,
};

#endif
