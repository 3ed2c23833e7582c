/* print.c - the `print` sink: every row as one line "+I[v1, v2, ...]" in Flink's print
 * format (values in the print style of types.h, NULL as null), with the prefix Flink puts
 * before it: "N> " (N = subtask index + 1) when the sink runs with parallelism above 1,
 * "id> " or "id:N> " with 'print-identifier'. Lines go to stdout (or stderr with
 * 'standard-error'), one write per batch so that lines of concurrent subtasks do not mix
 * within a line. All row kinds are accepted. */
#include "connectors/conn_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const wr_option_def print_defs[] = {
    {"print-identifier", WR_OPT_STRING, NULL, 0, 0, NULL, 0,
     "Identifier printed before every line: 'id> ', or 'id:N> ' with parallelism above 1."},
    {"standard-error", WR_OPT_BOOL, "false", 0, 0, NULL, 0,
     "Print to standard error instead of standard output."},
    WR_CONN_SINK_PARALLELISM_DEF,
    {NULL, 0, NULL, 0, 0, NULL, 0, NULL},
};

static const wr_option_table print_table = {"connector", "print", print_defs};

static void print_config_free(void *p)
{
    wr_print_config *c = p;
    if (!c) return;
    wr_free(c->identifier);
    wr_free(c);
}

static int print_make_sink(const wr_options *o, const wr_schema *schema, wr_sink_def *out,
                           wr_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = wr_connector_validate(&wr_connector_print, o, schema, err);
    if (rc) return rc;
    wr_print_config *c = wr_calloc(1, sizeof *c);
    if (!c) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    c->fd = -1;
    const char *id = wr_options_get(o, "print-identifier");
    if (id && !(c->identifier = wr_strdup(id))) {
        print_config_free(c);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    if ((rc = wr_opt_bool(o, &print_table, "standard-error", &c->standard_error, err)) ||
        (rc = wr_conn_sink_parallelism(o, &print_table, &out->parallelism, err))) {
        print_config_free(c);
        return rc;
    }
    out->vt = &wr_connector_print_sink;
    out->cfg = c;
    out->cfg_free = print_config_free;
    out->append_only = false;
    return WR_OK;
}

typedef struct print_state {
    int fd;
    char prefix[256];
    size_t prefix_len;
    wr_buf out;
} print_state;

static int print_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_print_config *c = config;
    print_state *s = wr_calloc(1, sizeof *s);
    if (!s) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    s->fd = c->fd >= 0 ? c->fd : c->standard_error ? STDERR_FILENO : STDOUT_FILENO;
    uint32_t par = wr_op_parallelism(ctx), sub = wr_op_subtask(ctx) + 1;
    int len = 0;
    if (c->identifier && *c->identifier)
        len = par > 1 ? snprintf(s->prefix, sizeof s->prefix, "%s:%u> ", c->identifier, sub)
                      : snprintf(s->prefix, sizeof s->prefix, "%s> ", c->identifier);
    else if (par > 1)
        len = snprintf(s->prefix, sizeof s->prefix, "%u> ", sub);
    s->prefix_len = len < 0 ? 0 : WR_MIN((size_t)len, sizeof s->prefix - 1);
    wr_buf_init(&s->out);
    *state = s;
    return WR_OK;
}

static int print_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    print_state *s = state;
    wr_buf *o = &s->out;
    wr_buf_clear(o);
    int rc = WR_OK;
    for (uint32_t r = 0; r < in->len && rc == WR_OK; r++) {
        rc = wr_buf_append(o, s->prefix, s->prefix_len);
        if (!rc) rc = wr_buf_append_c(o, wr_rowkind_str((wr_rowkind)in->rowkind[r]));
        if (!rc) rc = wr_buf_putc(o, '[');
        for (uint32_t c = 0; c < in->ncols && rc == WR_OK; c++) {
            if (c) rc = wr_buf_append(o, ", ", 2);
            if (!rc) rc = wr_vec_format(&in->cols[c], r, WR_STYLE_PRINT, o);
        }
        if (!rc) rc = wr_buf_append(o, "]\n", 2);
    }
    if (rc)
        return wr_error_set(err, rc, rc == WR_ENOMEM ? WR_DOMAIN_INTERNAL : WR_DOMAIN_USER,
                            "print: cannot format a row: %s", wr_err_str(rc));
    if (o->len && wr_conn_write_all(s->fd, o->ptr, o->len) != WR_OK)
        return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "print: writing to %s failed: %s",
                            s->fd == STDOUT_FILENO   ? "standard output"
                            : s->fd == STDERR_FILENO ? "standard error"
                                                     : "the output",
                            strerror(errno));
    return WR_OK;
}

static void print_close(void *state)
{
    print_state *s = state;
    if (!s) return;
    wr_buf_free(&s->out);
    wr_free(s);
}

const wr_op_vt wr_connector_print_sink = {
    .abi_version = WR_ABI_VERSION,
    .name = "print",
    .description = "Prints rows as +I[...] lines",
    .open = print_open,
    .process = print_process,
    .close = print_close,
    .ckpt = WR_CKPT_STATELESS,
};

const wr_connector_vt wr_connector_print = {
    .abi_version = WR_ABI_VERSION,
    .name = "print",
    .description = "Prints every row to standard output as Flink's print sink does: "
                   "`+I[1, abc]`, `-U[...]`, `+U[...]`, `-D[...]`, with NULL as `null` and "
                   "TIMESTAMP(3) as `2024-01-02T03:04:05.678`. With parallelism above 1 each line "
                   "starts with `N> `, N being the subtask index + 1. Accepts every row kind.",
    .options = &print_table,
    .takes_format = false,
    .make_source = NULL,
    .make_sink = print_make_sink,
};
