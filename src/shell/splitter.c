/* splitter.c - collects the lines a user types (or a script holds) into complete SQL
 * statements: a statement ends at a ';' outside string literals ('..'), quoted identifiers
 * (`..`, ".."), line comments (-- ..) and block comments. Scanning is incremental: each fed
 * line is scanned once, continuing in the lexical state the previous line ended in. */
#include "shell/shell.h"

#include <string.h>

enum { ST_NORMAL = 0, ST_SQUOTE, ST_BQUOTE, ST_DQUOTE, ST_LINE_COMMENT, ST_BLOCK_COMMENT };

void wr_splitter_init(wr_stmt_splitter *s)
{
    memset(s, 0, sizeof *s);
    wr_buf_init(&s->pending);
    s->start_line = 1;
}

void wr_splitter_free(wr_stmt_splitter *s)
{
    wr_buf_free(&s->pending);
}

int wr_splitter_feed(wr_stmt_splitter *s, const char *line, size_t len)
{
    s->lines_fed++;
    int rc = wr_buf_append(&s->pending, line, len);
    if (rc == WR_OK) rc = wr_buf_putc(&s->pending, '\n');
    return rc;
}

/* Does pending[0..end) hold anything but whitespace and comments? */
static bool has_content(const char *p, size_t end)
{
    int st = ST_NORMAL;
    for (size_t i = 0; i < end; i++) {
        char c = p[i], n = i + 1 < end ? p[i + 1] : 0;
        if (st == ST_LINE_COMMENT) {
            if (c == '\n') st = ST_NORMAL;
        } else if (st == ST_BLOCK_COMMENT) {
            if (c == '*' && n == '/') {
                st = ST_NORMAL;
                i++;
            }
        } else if (c == '-' && n == '-') {
            st = ST_LINE_COMMENT;
            i++;
        } else if (c == '/' && n == '*') {
            st = ST_BLOCK_COMMENT;
            i++;
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return true;
        }
    }
    return false;
}

/* Remove the first n bytes of pending, advancing the line count. */
static void consume(wr_stmt_splitter *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s->pending.ptr[i] == '\n') s->start_line++;
    memmove(s->pending.ptr, s->pending.ptr + n, s->pending.len - n);
    s->pending.len -= n;
    s->pending.ptr[s->pending.len] = 0;
}

/* First line of text holding content (skipping leading blank lines). */
static size_t first_line(const wr_stmt_splitter *s, size_t n)
{
    size_t line = s->start_line;
    for (size_t i = 0; i < n; i++) {
        char c = s->pending.ptr[i];
        if (c == '\n')
            line++;
        else if (c != ' ' && c != '\t' && c != '\r')
            break;
    }
    return line;
}

char *wr_splitter_next(wr_stmt_splitter *s, size_t *line)
{
    for (;;) {
        const char *p = s->pending.ptr;
        size_t end = s->pending.len, i = s->scanned;
        int st = s->state;
        size_t semi = SIZE_MAX;
        for (; i < end; i++) {
            char c = p[i], n = i + 1 < end ? p[i + 1] : 0;
            switch (st) {
            case ST_NORMAL:
                if (c == ';')
                    semi = i;
                else if (c == '\'')
                    st = ST_SQUOTE;
                else if (c == '`')
                    st = ST_BQUOTE;
                else if (c == '"')
                    st = ST_DQUOTE;
                else if (c == '-' && n == '-')
                    st = ST_LINE_COMMENT, i++;
                else if (c == '/' && n == '*')
                    st = ST_BLOCK_COMMENT, i++;
                break;
            case ST_SQUOTE:
                if (c == '\'') st = ST_NORMAL;
                break;
            case ST_BQUOTE:
                if (c == '`') st = ST_NORMAL;
                break;
            case ST_DQUOTE:
                if (c == '"') st = ST_NORMAL;
                break;
            case ST_LINE_COMMENT:
                if (c == '\n') st = ST_NORMAL;
                break;
            case ST_BLOCK_COMMENT:
                if (c == '*' && n == '/') st = ST_NORMAL, i++;
                break;
            }
            if (semi != SIZE_MAX) break;
        }
        if (semi == SIZE_MAX) {
            s->scanned = end;
            s->state = st;
            return NULL;
        }
        size_t n = semi + 1;
        bool content = has_content(p, semi);
        char *stmt = content ? wr_strndup(p, n) : NULL;
        if (content && !stmt) return NULL;
        if (line) *line = first_line(s, n);
        consume(s, n);
        s->scanned = 0;
        s->state = ST_NORMAL;
        if (stmt) return stmt;
        /* An empty statement (";" alone): keep looking. */
    }
}

bool wr_splitter_has_pending(const wr_stmt_splitter *s)
{
    return has_content(s->pending.ptr, s->pending.len) || s->state == ST_SQUOTE ||
           s->state == ST_BQUOTE || s->state == ST_DQUOTE || s->state == ST_BLOCK_COMMENT;
}

void wr_splitter_reset(wr_stmt_splitter *s)
{
    for (size_t i = 0; i < s->pending.len; i++)
        if (s->pending.ptr[i] == '\n') s->start_line++;
    wr_buf_clear(&s->pending);
    s->scanned = 0;
    s->state = ST_NORMAL;
}

char *wr_splitter_finish(wr_stmt_splitter *s, size_t *line)
{
    if (!has_content(s->pending.ptr, s->pending.len)) {
        wr_splitter_reset(s);
        return NULL;
    }
    if (line) *line = first_line(s, s->pending.len);
    char *stmt = wr_strndup(s->pending.ptr, s->pending.len);
    wr_splitter_reset(s);
    return stmt;
}
