/* op_calc.c - the calc operator (WHERE + SELECT list over one input). Per batch it evaluates
 * the predicate into a selection vector, then either filters the input and projects the
 * surviving rows, or projects every row and filters the result, whichever moves fewer
 * values: with few survivors (at most half the rows) filtering first saves evaluating the
 * projection on rows that are dropped; with many survivors projecting first avoids copying
 * the (often wider) input. A batch with every row selected is projected directly and,
 * without a projection, passed on as is (retained, not copied). Row kinds are copied from
 * the input rows. Each instance owns one expression scratch per program and the selection
 * buffer, so the steady state allocates only the output batches. */
#include "operators/op_calc.h"

#include <string.h>

typedef struct calc_state {
    const wr_calc_cfg *cfg;
    wr_expr_scratch *fscratch; /* for cfg->filter */
    wr_expr_scratch *pscratch; /* for cfg->project */
    uint8_t *sel;
    uint32_t sel_cap;
    wr_mem_owner *mem;
    const wr_schema *out_schema;
} calc_state;

wr_calc_cfg *wr_calc_cfg_new(wr_expr_prog *filter, wr_expr_prog *project)
{
    wr_calc_cfg *c = wr_calloc(1, sizeof(*c));
    if (!c) {
        wr_expr_prog_free(filter);
        wr_expr_prog_free(project);
        return NULL;
    }
    c->filter = filter;
    c->project = project;
    return c;
}

void wr_calc_cfg_free(void *cfg)
{
    wr_calc_cfg *c = cfg;
    if (!c) return;
    wr_expr_prog_free(c->filter);
    wr_expr_prog_free(c->project);
    wr_free(c);
}

static void calc_close(void *state)
{
    calc_state *st = state;
    if (!st) return;
    wr_expr_scratch_free(st->fscratch);
    wr_expr_scratch_free(st->pscratch);
    wr_free(st->sel);
    wr_free(st);
}

static int calc_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_calc_cfg *cfg = config;
    calc_state *st = wr_calloc_owned(wr_op_mem(ctx), 1, sizeof(*st));
    if (!st) goto nomem;
    st->cfg = cfg;
    st->mem = wr_op_mem(ctx);
    st->out_schema = wr_op_output_schema(ctx);
    if (cfg->filter) {
        if (wr_expr_prog_outputs(cfg->filter) != 1 ||
            wr_expr_prog_output_type(cfg->filter, 0).id != WR_TYPE_BOOLEAN) {
            calc_close(st);
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                                "%s: the filter program must have one BOOLEAN output",
                                wr_op_name(ctx));
        }
        if (!(st->fscratch = wr_expr_scratch_new(cfg->filter, st->mem))) goto nomem;
    }
    if (cfg->project) {
        if (wr_expr_prog_outputs(cfg->project) != st->out_schema->ncols) {
            calc_close(st);
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                                "%s: projection has %u outputs, output schema %u columns",
                                wr_op_name(ctx), wr_expr_prog_outputs(cfg->project),
                                st->out_schema->ncols);
        }
        if (!(st->pscratch = wr_expr_scratch_new(cfg->project, st->mem))) goto nomem;
    }
    *state = st;
    return 0;
nomem:
    calc_close(st);
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", wr_op_name(ctx));
}

static int calc_nomem(wr_op_ctx *ctx, wr_error *err)
{
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", wr_op_name(ctx));
}

/* Evaluate the projection over all rows of src into a new batch (*out). */
static int calc_project(calc_state *st, wr_op_ctx *ctx, wr_batch *src, wr_batch **out,
                        wr_error *err)
{
    wr_batch *o = wr_batch_new(st->out_schema, src->len, st->mem);
    if (!o) return calc_nomem(ctx, err);
    int rc = wr_expr_eval(st->cfg->project, st->pscratch, src, o, 0, err);
    if (rc < 0) {
        wr_batch_release(o);
        return rc;
    }
    memcpy(o->rowkind, src->rowkind, src->len);
    o->len = src->len;
    o->split = src->split;
    *out = o;
    return 0;
}

static int calc_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    calc_state *st = state;
    const wr_calc_cfg *cfg = st->cfg;
    if (in->len == 0) return 0;
    /* CURRENT_WATERMARK reads the watermark this operator has seen. */
    int64_t wm = wr_op_current_watermark(ctx);
    if (st->fscratch) wr_expr_scratch_set_watermark(st->fscratch, wm);
    if (st->pscratch) wr_expr_scratch_set_watermark(st->pscratch, wm);

    uint32_t nsel = in->len;
    if (cfg->filter) {
        if (in->len > st->sel_cap) {
            uint8_t *ns = wr_realloc_owned(st->mem, st->sel, in->len);
            if (!ns) return calc_nomem(ctx, err);
            st->sel = ns;
            st->sel_cap = in->len;
        }
        int rc = wr_expr_eval_filter(cfg->filter, st->fscratch, in, st->sel, &nsel, err);
        if (rc < 0) return rc;
        if (nsel == 0) return 0;
    }
    const bool all = nsel == in->len;

    if (!cfg->project) {
        if (all) {
            wr_batch_retain(in);
            return wr_op_emit(ctx, in);
        }
        wr_batch *f = wr_batch_filter(in, st->sel);
        if (!f) return calc_nomem(ctx, err);
        return wr_op_emit(ctx, f);
    }

    wr_batch *out = NULL;
    int rc;
    if (all) {
        rc = calc_project(st, ctx, in, &out, err);
    } else if ((uint64_t)nsel * 2 <= in->len) {
        /* Few survivors: filter the input, then project only them. */
        wr_batch *f = wr_batch_filter(in, st->sel);
        if (!f) return calc_nomem(ctx, err);
        rc = calc_project(st, ctx, f, &out, err);
        wr_batch_release(f);
    } else {
        /* Most rows survive: project all, then drop the few that failed. */
        wr_batch *p = NULL;
        rc = calc_project(st, ctx, in, &p, err);
        if (rc == 0) {
            out = wr_batch_filter(p, st->sel);
            wr_batch_release(p);
            if (!out) rc = calc_nomem(ctx, err);
        }
    }
    if (rc < 0) return rc;
    return wr_op_emit(ctx, out);
}

const wr_op_vt wr_op_calc_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "calc",
    .description = "filter (WHERE) and projection (SELECT list) over one input",
    .open = calc_open,
    .process = calc_process,
    .on_watermark = NULL,
    .on_timer = NULL,
    .finish = NULL,
    .close = calc_close,
    .ckpt = WR_CKPT_STATELESS,
};
