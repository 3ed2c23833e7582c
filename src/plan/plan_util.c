/* plan_util.c - small helpers shared by the planner's files: strings and growable arrays in
 * the plan arena, and the positioned error messages ("FILE:LINE:COL: message") that the
 * binder, optimizer and physical translation append to a statement's diagnostics. */
#include "plan/plan_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *wr_pstrdup(wr_arena *a, const char *s)
{
    if (!s) return NULL;
    return wr_arena_strndup(a, s, strlen(s));
}

char *wr_psprintf(wr_arena *a, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    if ((size_t)n < sizeof small) return wr_arena_strndup(a, small, (size_t)n);
    char *p = wr_arena_alloc(a, (size_t)n + 1);
    if (!p) return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* Grow an arena array to hold at least n + 1 elements (old contents copied). */
void *wr_pgrow(wr_arena *a, void *p, uint32_t n, uint32_t *cap, size_t elem)
{
    if (n < *cap) return p;
    uint32_t ncap = *cap ? *cap * 2 : 8;
    while (ncap <= n)
        ncap *= 2;
    void *q = wr_arena_alloc(a, (size_t)ncap * elem);
    if (!q) return NULL;
    if (p && n) memcpy(q, p, (size_t)n * elem);
    *cap = ncap;
    return q;
}

void wr_diag_add(wr_diag *d, const char *file, wr_sql_pos pos, const char *msg)
{
    if (d->count == d->cap) {
        uint32_t nc = d->cap ? d->cap * 2 : 16;
        wr_diag_entry *e = wr_realloc(d->entries, sizeof(*e) * nc);
        if (!e) return;
        d->entries = e;
        d->cap = nc;
    }
    size_t start = d->text.len;
    wr_buf_printf(&d->text, "%s:%u:%u: ", file ? file : "<sql>", pos.line, pos.col);
    /* One error, one line: a message that quotes the script (a string literal spanning
     * lines) shows its control characters escaped. */
    for (const char *p = msg; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '\n')
            wr_buf_append_c(&d->text, "\\n");
        else if (ch == '\r')
            wr_buf_append_c(&d->text, "\\r");
        else if (ch == '\t')
            wr_buf_append_c(&d->text, "\\t");
        else if (ch < 0x20 || ch == 0x7f)
            wr_buf_printf(&d->text, "\\x%02x", ch);
        else
            wr_buf_putc(&d->text, (char)ch);
    }
    wr_buf_putc(&d->text, '\n');
    d->entries[d->count] = (wr_diag_entry){.line = pos.line,
                                           .col = pos.col,
                                           .seq = d->count,
                                           .start = start,
                                           .len = d->text.len - start};
    d->count++;
}

static int entry_cmp(const void *a, const void *b)
{
    const wr_diag_entry *x = a, *y = b;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void wr_diag_flush(wr_diag *d, wr_buf *out)
{
    if (d->count) qsort(d->entries, d->count, sizeof(wr_diag_entry), entry_cmp);
    for (uint32_t i = 0; i < d->count; i++)
        wr_buf_append(out, d->text.ptr + d->entries[i].start, d->entries[i].len);
    wr_free(d->entries);
    d->entries = NULL;
    d->cap = 0;
    wr_buf_free(&d->text);
}

static void diag_vadd(wr_pctx *c, wr_sql_pos pos, const char *fmt, va_list ap)
{
    c->failed = true;
    if (!c->diag) return;
    wr_buf msg;
    wr_buf_init(&msg);
    wr_buf_vprintf(&msg, fmt, ap);
    wr_diag_add(c->diag, c->file, pos, msg.ptr ? msg.ptr : "");
    wr_buf_free(&msg);
}

const char *wr_plan_suggest(const char *word, const char *const *candidates)
{
    const char *s = wr_suggest(word, candidates);
    /* A one-letter name is "close" to every other one-letter name: no suggestion then. */
    if (s && strcasecmp(s, word) != 0 && wr_edit_distance(word, s) >= strlen(word)) return NULL;
    return s;
}

int wr_pctx_error(wr_pctx *c, wr_sql_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(c, pos, fmt, ap);
    va_end(ap);
    return WR_EINVAL;
}

int wr_pctx_unsupported(wr_pctx *c, wr_sql_pos pos, const char *what)
{
    return wr_pctx_error(c, pos, "not supported yet: %s", what);
}
