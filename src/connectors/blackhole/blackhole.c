/* blackhole.c - the `blackhole` sink: accepts every row kind and discards the rows, only
 * counting them (wr_blackhole_config.rows, shared by the subtasks), for benchmarks and for
 * jobs run only for their side effects. */
#include "connectors/conn_internal.h"

#include <string.h>

static const wr_option_def blackhole_defs[] = {
    WR_CONN_SINK_PARALLELISM_DEF,
    {NULL, 0, NULL, 0, 0, NULL, 0, NULL},
};

static const wr_option_table blackhole_table = {"connector", "blackhole", blackhole_defs};

static void blackhole_config_free(void *p)
{
    wr_free(p);
}

static int blackhole_make_sink(const wr_options *o, const wr_schema *schema, wr_sink_def *out,
                               wr_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = wr_connector_validate(&wr_connector_blackhole, o, schema, err);
    if (rc) return rc;
    wr_blackhole_config *c = wr_calloc(1, sizeof *c);
    if (!c) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    atomic_init(&c->rows, 0);
    if ((rc = wr_conn_sink_parallelism(o, &blackhole_table, &out->parallelism, err))) {
        wr_free(c);
        return rc;
    }
    out->vt = &wr_connector_blackhole_sink;
    out->cfg = c;
    out->cfg_free = blackhole_config_free;
    return WR_OK;
}

static int blackhole_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    /* The counter is the only part of the shared config that changes: an atomic. */
    *state = (void *)config;
    return WR_OK;
}

static int blackhole_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in,
                             wr_error *err)
{
    wr_blackhole_config *c = state;
    atomic_fetch_add_explicit(&c->rows, in->len, memory_order_relaxed);
    return WR_OK;
}

static void blackhole_close(void *state) {}

const wr_op_vt wr_connector_blackhole_sink = {
    .abi_version = WR_ABI_VERSION,
    .name = "blackhole",
    .description = "Discards rows",
    .open = blackhole_open,
    .process = blackhole_process,
    .close = blackhole_close,
    .ckpt = WR_CKPT_STATELESS,
};

const wr_connector_vt wr_connector_blackhole = {
    .abi_version = WR_ABI_VERSION,
    .name = "blackhole",
    .description = "Discards every row (of any row kind); for benchmarks.",
    .options = &blackhole_table,
    .takes_format = false,
    .make_source = NULL,
    .make_sink = blackhole_make_sink,
};
