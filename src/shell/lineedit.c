/* lineedit.c - a small line editor for the SQL shell: raw terminal mode, single-line
 * redraw (prompt, text, clear to end of line, cursor placed by column), UTF-8 aware
 * cursor movement, the usual Emacs-style keys, and a bounded history with load/save.
 * When input is not a terminal it reads plain lines so that scripts can be piped in.
 * The terminal state is restored before every return, so a crash in a statement never
 * leaves the user's terminal in raw mode. */
#define _GNU_SOURCE
#include "shell/shell.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define HISTORY_DEFAULT_MAX 1000

struct wr_lineedit {
    int in_fd, out_fd;
    bool tty;
    wr_buf line;   /* the line being edited / returned */
    size_t cursor; /* byte offset in line */
    char **hist;   /* oldest first */
    size_t nhist, hist_cap, hist_max;
    char rbuf[4096]; /* non-tty read buffer */
    size_t rlen, rpos;
    bool eof;
};

wr_lineedit *wr_lineedit_new(int in_fd, int out_fd)
{
    wr_lineedit *le = wr_calloc(1, sizeof *le);
    if (!le) return NULL;
    le->in_fd = in_fd;
    le->out_fd = out_fd;
    le->tty = isatty(in_fd) && isatty(out_fd);
    le->hist_max = HISTORY_DEFAULT_MAX;
    wr_buf_init(&le->line);
    return le;
}

void wr_lineedit_free(wr_lineedit *le)
{
    if (!le) return;
    for (size_t i = 0; i < le->nhist; i++)
        wr_free(le->hist[i]);
    wr_free(le->hist);
    wr_buf_free(&le->line);
    wr_free(le);
}

bool wr_lineedit_is_tty(const wr_lineedit *le)
{
    return le->tty;
}

/* ------------------------------------------------------------------------------------------
 * History
 * ---------------------------------------------------------------------------------------- */
void wr_lineedit_history_max(wr_lineedit *le, size_t max)
{
    le->hist_max = max ? max : 1;
    while (le->nhist > le->hist_max) {
        wr_free(le->hist[0]);
        memmove(le->hist, le->hist + 1, (le->nhist - 1) * sizeof *le->hist);
        le->nhist--;
    }
}

int wr_lineedit_history_add(wr_lineedit *le, const char *entry)
{
    if (!entry || !*entry) return WR_OK;
    if (le->nhist && strcmp(le->hist[le->nhist - 1], entry) == 0) return WR_OK;
    if (le->nhist == le->hist_cap) {
        size_t cap = le->hist_cap ? le->hist_cap * 2 : 16;
        char **h = wr_realloc(le->hist, cap * sizeof *h);
        if (!h) return WR_ENOMEM;
        le->hist = h;
        le->hist_cap = cap;
    }
    char *copy = wr_strdup(entry);
    if (!copy) return WR_ENOMEM;
    le->hist[le->nhist++] = copy;
    wr_lineedit_history_max(le, le->hist_max);
    return WR_OK;
}

size_t wr_lineedit_history_len(const wr_lineedit *le)
{
    return le->nhist;
}

const char *wr_lineedit_history_get(const wr_lineedit *le, size_t i)
{
    return i < le->nhist ? le->hist[i] : NULL;
}

int wr_lineedit_history_load(wr_lineedit *le, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? WR_OK : WR_EIO;
    char *lbuf = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = WR_OK;
    wr_buf entry;
    wr_buf_init(&entry);
    while (rc == WR_OK && (n = getline(&lbuf, &cap, f)) >= 0) {
        while (n > 0 && (lbuf[n - 1] == '\n' || lbuf[n - 1] == '\r'))
            n--;
        wr_buf_clear(&entry);
        for (ssize_t i = 0; i < n && rc == WR_OK; i++) {
            if (lbuf[i] == '\\' && i + 1 < n && (lbuf[i + 1] == 'n' || lbuf[i + 1] == '\\')) {
                rc = wr_buf_putc(&entry, lbuf[i + 1] == 'n' ? '\n' : '\\');
                i++;
            } else {
                rc = wr_buf_putc(&entry, lbuf[i]);
            }
        }
        if (rc == WR_OK) rc = wr_lineedit_history_add(le, entry.ptr);
    }
    free(lbuf); /* allocated by getline */
    wr_buf_free(&entry);
    fclose(f);
    return rc;
}

int wr_lineedit_history_save(const wr_lineedit *le, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return WR_EIO;
    for (size_t i = 0; i < le->nhist; i++) {
        for (const char *p = le->hist[i]; *p; p++) {
            if (*p == '\n')
                fputs("\\n", f);
            else if (*p == '\\')
                fputs("\\\\", f);
            else
                fputc(*p, f);
        }
        fputc('\n', f);
    }
    return fclose(f) == 0 ? WR_OK : WR_EIO;
}

/* ------------------------------------------------------------------------------------------
 * Non-terminal input: plain lines.
 * ---------------------------------------------------------------------------------------- */
static int read_plain(wr_lineedit *le, const char **line, size_t *len)
{
    wr_buf_clear(&le->line);
    for (;;) {
        if (le->rpos == le->rlen) {
            if (le->eof) break;
            ssize_t n = read(le->in_fd, le->rbuf, sizeof le->rbuf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return WR_EIO;
            if (n == 0) {
                le->eof = true;
                break;
            }
            le->rlen = (size_t)n;
            le->rpos = 0;
        }
        char *start = le->rbuf + le->rpos;
        char *nl = memchr(start, '\n', le->rlen - le->rpos);
        size_t take = nl ? (size_t)(nl - start) : le->rlen - le->rpos;
        if (wr_buf_append(&le->line, start, take) != WR_OK) return WR_ENOMEM;
        le->rpos += take;
        if (nl) {
            le->rpos++;
            goto done;
        }
    }
    if (le->line.len == 0) return WR_LE_EOF;
done:
    if (le->line.len && le->line.ptr[le->line.len - 1] == '\r') le->line.ptr[--le->line.len] = 0;
    *line = le->line.ptr;
    *len = le->line.len;
    return WR_LE_LINE;
}

/* ------------------------------------------------------------------------------------------
 * Terminal editing
 * ---------------------------------------------------------------------------------------- */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return WR_EIO;
        p += w;
        n -= (size_t)w;
    }
    return WR_OK;
}

/* Display columns of n bytes of UTF-8 (one per code point; continuation bytes don't count). */
static size_t columns(const char *p, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80) c++;
    return c;
}

static size_t prev_char(const wr_buf *b, size_t pos)
{
    if (pos == 0) return 0;
    pos--;
    while (pos > 0 && ((unsigned char)b->ptr[pos] & 0xC0) == 0x80)
        pos--;
    return pos;
}

static size_t next_char(const wr_buf *b, size_t pos)
{
    if (pos >= b->len) return b->len;
    pos++;
    while (pos < b->len && ((unsigned char)b->ptr[pos] & 0xC0) == 0x80)
        pos++;
    return pos;
}

static int refresh(wr_lineedit *le, const char *prompt)
{
    wr_buf out;
    wr_buf_init(&out);
    wr_buf_append_c(&out, "\r");
    wr_buf_append_c(&out, prompt);
    wr_buf_append(&out, le->line.ptr, le->line.len);
    wr_buf_append_c(&out, "\x1b[0K\r");
    size_t col = columns(prompt, strlen(prompt)) + columns(le->line.ptr, le->cursor);
    if (col) wr_buf_printf(&out, "\x1b[%zuC", col);
    int rc = write_all(le->out_fd, out.ptr, out.len);
    wr_buf_free(&out);
    return rc;
}

static int insert_bytes(wr_lineedit *le, const char *p, size_t n)
{
    if (wr_buf_reserve(&le->line, n) != WR_OK) return WR_ENOMEM;
    memmove(le->line.ptr + le->cursor + n, le->line.ptr + le->cursor, le->line.len - le->cursor);
    memcpy(le->line.ptr + le->cursor, p, n);
    le->line.len += n;
    le->line.ptr[le->line.len] = 0;
    le->cursor += n;
    return WR_OK;
}

static void delete_range(wr_lineedit *le, size_t from, size_t to)
{
    memmove(le->line.ptr + from, le->line.ptr + to, le->line.len - to);
    le->line.len -= to - from;
    le->line.ptr[le->line.len] = 0;
}

static int set_line(wr_lineedit *le, const char *text)
{
    wr_buf_clear(&le->line);
    if (wr_buf_append_c(&le->line, text) != WR_OK) return WR_ENOMEM;
    le->cursor = le->line.len;
    return WR_OK;
}

static int read_byte(wr_lineedit *le, unsigned char *c)
{
    for (;;) {
        ssize_t n = read(le->in_fd, c, 1);
        if (n == 1) return 1;
        if (n == 0) return 0;
        if (errno != EINTR) return -1;
    }
}

static int edit(wr_lineedit *le, const char *prompt)
{
    wr_buf_clear(&le->line);
    le->cursor = 0;
    size_t hist_pos = le->nhist; /* == nhist: the line being typed */
    char *typed = NULL;          /* the line being typed, while browsing history */
    int rc = refresh(le, prompt);
    int result = WR_LE_LINE;
    while (rc == WR_OK) {
        unsigned char c;
        int r = read_byte(le, &c);
        if (r <= 0) {
            result = le->line.len ? WR_LE_LINE : WR_LE_EOF;
            if (r < 0) rc = WR_EIO;
            break;
        }
        if (c == '\r' || c == '\n') break;
        if (c == 3) { /* Ctrl-C */
            result = WR_LE_CANCELED;
            break;
        }
        switch (c) {
        case 4: /* Ctrl-D */
            if (le->line.len == 0) {
                result = WR_LE_EOF;
                goto out;
            }
            if (le->cursor < le->line.len)
                delete_range(le, le->cursor, next_char(&le->line, le->cursor));
            break;
        case 127:
        case 8: /* Backspace */
            if (le->cursor > 0) {
                size_t p = prev_char(&le->line, le->cursor);
                delete_range(le, p, le->cursor);
                le->cursor = p;
            }
            break;
        case 1:
            le->cursor = 0;
            break; /* Ctrl-A */
        case 5:
            le->cursor = le->line.len;
            break; /* Ctrl-E */
        case 2:
            le->cursor = prev_char(&le->line, le->cursor);
            break; /* Ctrl-B */
        case 6:
            le->cursor = next_char(&le->line, le->cursor);
            break; /* Ctrl-F */
        case 11:
            delete_range(le, le->cursor, le->line.len);
            break; /* Ctrl-K */
        case 21:   /* Ctrl-U */
            delete_range(le, 0, le->cursor);
            le->cursor = 0;
            break;
        case 23: { /* Ctrl-W: the word before the cursor and the spaces after it */
            size_t p = le->cursor;
            while (p > 0 && le->line.ptr[p - 1] == ' ')
                p--;
            while (p > 0 && le->line.ptr[p - 1] != ' ')
                p--;
            delete_range(le, p, le->cursor);
            le->cursor = p;
            break;
        }
        case 12: /* Ctrl-L */
            rc = write_all(le->out_fd, "\x1b[H\x1b[2J", 7);
            break;
        case 16:   /* Ctrl-P */
        case 14:   /* Ctrl-N */
        case 27: { /* escape sequences: arrows, Home, End, Delete */
            int key = c == 16 ? 'A' : c == 14 ? 'B' : 0;
            if (c == 27) {
                unsigned char s0, s1, s2;
                if (read_byte(le, &s0) <= 0 || read_byte(le, &s1) <= 0) break;
                if (s0 == '[' && s1 >= '0' && s1 <= '9') {
                    if (read_byte(le, &s2) <= 0) break;
                    if (s2 == '~')
                        key = s1 == '3'                  ? 'D' + 100
                              : (s1 == '1' || s1 == '7') ? 'H'
                              : (s1 == '4' || s1 == '8') ? 'F'
                                                         : 0;
                } else if (s0 == '[' || s0 == 'O') {
                    key = s1;
                }
            }
            if (key == 'A' || key == 'B') {
                if (le->nhist == 0) break;
                if (hist_pos == le->nhist && !typed) typed = wr_strdup(le->line.ptr);
                if (key == 'A' && hist_pos > 0)
                    hist_pos--;
                else if (key == 'B' && hist_pos < le->nhist)
                    hist_pos++;
                else
                    break;
                rc = set_line(le, hist_pos < le->nhist ? le->hist[hist_pos] : (typed ? typed : ""));
            } else if (key == 'C') {
                le->cursor = next_char(&le->line, le->cursor);
            } else if (key == 'D') {
                le->cursor = prev_char(&le->line, le->cursor);
            } else if (key == 'H') {
                le->cursor = 0;
            } else if (key == 'F') {
                le->cursor = le->line.len;
            } else if (key == 'D' + 100 && le->cursor < le->line.len) {
                delete_range(le, le->cursor, next_char(&le->line, le->cursor));
            }
            break;
        }
        default:
            if (c == '\t') c = ' ';
            if (c >= 32 || c >= 128) rc = insert_bytes(le, (const char *)&c, 1);
            break;
        }
        if (rc == WR_OK) rc = refresh(le, prompt);
    }
out:
    wr_free(typed);
    if (rc == WR_OK) rc = write_all(le->out_fd, "\r\n", 2);
    return rc != WR_OK ? rc : result;
}

int wr_lineedit_read(wr_lineedit *le, const char *prompt, const char **line, size_t *len)
{
    if (!le->tty) return read_plain(le, line, len);
    struct termios orig, raw;
    if (tcgetattr(le->in_fd, &orig) != 0) return read_plain(le, line, len);
    raw = orig;
    raw.c_iflag &= ~(tcflag_t)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    raw.c_cflag |= CS8;
    raw.c_lflag &= ~(tcflag_t)(ECHO | ICANON | IEXTEN | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    /* TCSADRAIN, not TCSAFLUSH: keys typed ahead while a query ran are kept, not dropped. */
    if (tcsetattr(le->in_fd, TCSADRAIN, &raw) != 0) return read_plain(le, line, len);
    int rc = edit(le, prompt);
    tcsetattr(le->in_fd, TCSADRAIN, &orig);
    *line = le->line.ptr;
    *len = le->line.len;
    return rc;
}
