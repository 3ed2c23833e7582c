/* result_sink.c - the sink that feeds a SELECT's rows into the shell's result view: each
 * row's cells are formatted as the print sink formats values, then applied to the view with
 * the row's kind. Several subtasks may feed one view (it locks). This is the interactive
 * shell's display path, not a data path: formatting per row is fine here. */
#include "shell/shell.h"

#include <string.h>

#include "runtime/runtime.h"
#include "types/types.h"

typedef struct rs_state {
    wr_shell_view *view;
    wr_buf text;
    const char **cells;
    size_t *offs;
    uint32_t ncols;
} rs_state;

static int rs_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    const wr_shell_sink_cfg *cfg = config;
    const wr_schema *in = wr_op_input_schema(ctx, 0);
    rs_state *s = wr_calloc(1, sizeof *s);
    if (!s) goto nomem;
    s->view = cfg->view;
    s->ncols = in->ncols;
    wr_buf_init(&s->text);
    s->cells = wr_calloc(in->ncols ? in->ncols : 1, sizeof *s->cells);
    s->offs = wr_calloc(in->ncols ? in->ncols : 1, sizeof *s->offs);
    if (!s->cells || !s->offs) goto nomem;
    *state = s;
    return WR_OK;
nomem:
    if (s) {
        wr_free(s->cells);
        wr_free(s->offs);
        wr_free(s);
    }
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
}

static int rs_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    rs_state *s = state;
    for (uint32_t r = 0; r < in->len; r++) {
        wr_buf_clear(&s->text);
        int rc = WR_OK;
        for (uint32_t c = 0; rc == WR_OK && c < s->ncols; c++) {
            s->offs[c] = s->text.len;
            rc = wr_vec_format(&in->cols[c], r, WR_STYLE_PRINT, &s->text);
            if (rc == WR_OK) rc = wr_buf_putc(&s->text, 0);
        }
        if (rc != WR_OK) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        for (uint32_t c = 0; c < s->ncols; c++)
            s->cells[c] = s->text.ptr + s->offs[c];
        rc = wr_shell_view_apply(s->view, in->rowkind[r], s->cells);
        if (rc == WR_ENOMEM)
            return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        /* WR_ENOENT: a retraction of a row the view never showed (e.g. a result that
         * started mid-changelog); the view stays as it is. */
    }
    return WR_OK;
}

static void rs_close(void *state)
{
    rs_state *s = state;
    wr_buf_free(&s->text);
    wr_free(s->cells);
    wr_free(s->offs);
    wr_free(s);
}

const wr_op_vt wr_shell_sink_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "shell-result",
    .description = "Shows a query's result in the interactive shell",
    .open = rs_open,
    .process = rs_process,
    .close = rs_close,
    .ckpt = WR_CKPT_STATELESS,
};

wr_shell_sink_cfg *wr_shell_sink_cfg_new(wr_shell_view *view)
{
    wr_shell_sink_cfg *c = wr_calloc(1, sizeof *c);
    if (c) c->view = view;
    return c;
}

void wr_shell_sink_cfg_free(void *cfg)
{
    wr_free(cfg);
}
