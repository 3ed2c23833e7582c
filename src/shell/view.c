/* view.c - the shell's result view. Table mode keeps the current content of a changelog
 * result (+I/+U add a row, -U/-D remove one equal row, as Flink's SQL client does in table
 * mode) and renders it as an aligned text table; stream mode keeps the changes themselves
 * and renders the ones not shown yet. Job threads apply changes while the shell thread
 * renders, so one mutex guards the view (the shell is not a data path). */
#include "shell/shell.h"

#include <string.h>

typedef struct view_row {
    int kind;
    char **cells; /* ncols owned strings */
} view_row;

struct wr_shell_view {
    wr_mutex mu;
    wr_view_mode mode;
    uint32_t ncols;
    char **columns;
    view_row *rows;
    size_t nrows, cap;
    size_t rendered; /* stream mode: rows already rendered */
    uint64_t changes;
};

static const char *const kind_names[] = {"+I", "-U", "+U", "-D"};

static void row_free(view_row *r, uint32_t ncols)
{
    if (!r->cells) return;
    for (uint32_t c = 0; c < ncols; c++)
        wr_free(r->cells[c]);
    wr_free(r->cells);
    r->cells = NULL;
}

wr_shell_view *wr_shell_view_new(wr_view_mode mode, const char *const *columns, uint32_t ncols)
{
    wr_shell_view *v = wr_calloc(1, sizeof *v);
    if (!v) return NULL;
    wr_mutex_init(&v->mu);
    v->mode = mode;
    v->ncols = ncols;
    v->columns = wr_calloc(ncols ? ncols : 1, sizeof *v->columns);
    if (!v->columns) goto fail;
    for (uint32_t c = 0; c < ncols; c++)
        if (!(v->columns[c] = wr_strdup(columns[c]))) goto fail;
    return v;
fail:
    wr_shell_view_free(v);
    return NULL;
}

void wr_shell_view_free(wr_shell_view *v)
{
    if (!v) return;
    for (size_t i = 0; i < v->nrows; i++)
        row_free(&v->rows[i], v->ncols);
    wr_free(v->rows);
    if (v->columns)
        for (uint32_t c = 0; c < v->ncols; c++)
            wr_free(v->columns[c]);
    wr_free(v->columns);
    wr_mutex_destroy(&v->mu);
    wr_free(v);
}

static bool row_equal(const view_row *r, const char *const *cells, uint32_t ncols)
{
    for (uint32_t c = 0; c < ncols; c++)
        if (strcmp(r->cells[c], cells[c] ? cells[c] : "null") != 0) return false;
    return true;
}

static int append_row(wr_shell_view *v, int kind, const char *const *cells)
{
    if (v->nrows == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        view_row *rows = wr_realloc(v->rows, cap * sizeof *rows);
        if (!rows) return WR_ENOMEM;
        v->rows = rows;
        v->cap = cap;
    }
    view_row r = {kind, wr_calloc(v->ncols ? v->ncols : 1, sizeof(char *))};
    if (!r.cells) return WR_ENOMEM;
    for (uint32_t c = 0; c < v->ncols; c++) {
        if (!(r.cells[c] = wr_strdup(cells[c] ? cells[c] : "null"))) {
            row_free(&r, v->ncols);
            return WR_ENOMEM;
        }
    }
    v->rows[v->nrows++] = r;
    return WR_OK;
}

int wr_shell_view_apply(wr_shell_view *v, int rowkind, const char *const *cells)
{
    if (rowkind < 0 || rowkind > 3) return WR_EINVAL;
    int rc = WR_OK;
    wr_mutex_lock(&v->mu);
    if (v->mode == WR_VIEW_STREAM || rowkind == 0 || rowkind == 2) {
        rc = append_row(v, rowkind, cells);
    } else {
        /* Retraction: remove the most recent equal row, keeping the others in order. */
        size_t i = v->nrows;
        while (i > 0 && !row_equal(&v->rows[i - 1], cells, v->ncols))
            i--;
        if (i == 0) {
            rc = WR_ENOENT;
        } else {
            row_free(&v->rows[i - 1], v->ncols);
            memmove(&v->rows[i - 1], &v->rows[i], (v->nrows - i) * sizeof *v->rows);
            v->nrows--;
        }
    }
    if (rc == WR_OK) v->changes++;
    wr_mutex_unlock(&v->mu);
    return rc;
}

size_t wr_shell_view_rows(wr_shell_view *v)
{
    wr_mutex_lock(&v->mu);
    size_t n = v->nrows;
    wr_mutex_unlock(&v->mu);
    return n;
}

uint64_t wr_shell_view_changes(wr_shell_view *v)
{
    wr_mutex_lock(&v->mu);
    uint64_t n = v->changes;
    wr_mutex_unlock(&v->mu);
    return n;
}

/* Display width: code points (continuation bytes do not count). */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) w++;
    return w;
}

static int pad(wr_buf *out, const char *s, size_t w)
{
    int rc = wr_buf_append_c(out, s);
    for (size_t k = width(s); rc == WR_OK && k < w; k++)
        rc = wr_buf_putc(out, ' ');
    return rc;
}

static int rule(wr_buf *out, const size_t *w, uint32_t ncols)
{
    int rc = wr_buf_putc(out, '+');
    for (uint32_t c = 0; rc == WR_OK && c < ncols; c++) {
        for (size_t k = 0; rc == WR_OK && k < w[c] + 2; k++)
            rc = wr_buf_putc(out, '-');
        if (rc == WR_OK) rc = wr_buf_putc(out, '+');
    }
    if (rc == WR_OK) rc = wr_buf_putc(out, '\n');
    return rc;
}

static int table_line(wr_buf *out, char *const *cells, const size_t *w, uint32_t ncols)
{
    int rc = wr_buf_append_c(out, "|");
    for (uint32_t c = 0; rc == WR_OK && c < ncols; c++) {
        rc = wr_buf_putc(out, ' ');
        if (rc == WR_OK) rc = pad(out, cells[c], w[c]);
        if (rc == WR_OK) rc = wr_buf_append_c(out, " |");
    }
    if (rc == WR_OK) rc = wr_buf_putc(out, '\n');
    return rc;
}

static int render_table(wr_shell_view *v, size_t max_rows, wr_buf *out)
{
    size_t shown = v->nrows < max_rows ? v->nrows : max_rows;
    size_t *w = wr_calloc(v->ncols ? v->ncols : 1, sizeof *w);
    if (!w) return WR_ENOMEM;
    for (uint32_t c = 0; c < v->ncols; c++) {
        w[c] = width(v->columns[c]);
        for (size_t i = 0; i < shown; i++)
            w[c] = WR_MAX(w[c], width(v->rows[i].cells[c]));
    }
    int rc = rule(out, w, v->ncols);
    if (rc == WR_OK) rc = table_line(out, v->columns, w, v->ncols);
    if (rc == WR_OK) rc = rule(out, w, v->ncols);
    for (size_t i = 0; rc == WR_OK && i < shown; i++)
        rc = table_line(out, v->rows[i].cells, w, v->ncols);
    if (rc == WR_OK) rc = rule(out, w, v->ncols);
    if (rc == WR_OK && shown < v->nrows)
        rc = wr_buf_printf(out, "... %zu more rows\n", v->nrows - shown);
    if (rc == WR_OK)
        rc = wr_buf_printf(out, "%zu row%s in the result, %llu changes received\n", v->nrows,
                           v->nrows == 1 ? "" : "s", (unsigned long long)v->changes);
    wr_free(w);
    return rc;
}

static int render_stream(wr_shell_view *v, wr_buf *out)
{
    int rc = WR_OK;
    if (v->rendered == 0 && v->nrows > 0) {
        rc = wr_buf_append_c(out, "op");
        for (uint32_t c = 0; rc == WR_OK && c < v->ncols; c++)
            rc = wr_buf_printf(out, " | %s", v->columns[c]);
        if (rc == WR_OK) rc = wr_buf_putc(out, '\n');
    }
    for (; rc == WR_OK && v->rendered < v->nrows; v->rendered++) {
        const view_row *r = &v->rows[v->rendered];
        rc = wr_buf_append_c(out, kind_names[r->kind]);
        for (uint32_t c = 0; rc == WR_OK && c < v->ncols; c++)
            rc = wr_buf_printf(out, " | %s", r->cells[c]);
        if (rc == WR_OK) rc = wr_buf_putc(out, '\n');
    }
    return rc;
}

int wr_shell_view_render(wr_shell_view *v, size_t max_rows, wr_buf *out)
{
    wr_mutex_lock(&v->mu);
    int rc = v->mode == WR_VIEW_TABLE ? render_table(v, max_rows, out) : render_stream(v, out);
    wr_mutex_unlock(&v->mu);
    return rc;
}
