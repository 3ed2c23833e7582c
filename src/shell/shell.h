/* shell.h - the pieces of the interactive SQL shell (`weir sql`) that do not depend on the
 * planner: a line editor for terminals (editing keys, history, UTF-8), a splitter that
 * collects multi-line input into complete statements, and a changelog table view that
 * shows an updating result as a table that changes in place (or streams an append-only
 * one row by row).
 *
 * Threads: everything here belongs to the thread that runs the shell, except
 * wr_shell_view_apply, which result sinks call from job threads (it locks). */
#ifndef WR_SHELL_H
#define WR_SHELL_H

#include "base/base.h"

/* ------------------------------------------------------------------------------------------
 * Line editor. Reads from in_fd, echoes and redraws on out_fd. When in_fd is not a terminal
 * it reads plain lines (no echo, no editing): scripts piped into `weir sql` work.
 * Keys: printable text (UTF-8), Backspace/Ctrl-H, Delete/Ctrl-D (on a non-empty line),
 * Left/Right/Ctrl-B/Ctrl-F, Home/End/Ctrl-A/Ctrl-E, Up/Down/Ctrl-P/Ctrl-N (history),
 * Ctrl-K (kill to end), Ctrl-U (kill to start), Ctrl-W (kill word), Ctrl-L (clear screen),
 * Ctrl-C (abandon the line), Ctrl-D on an empty line (end of input), Enter.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_lineedit wr_lineedit;

typedef enum wr_le_result {
    WR_LE_LINE = 0,    /* a line was read (without its newline) */
    WR_LE_EOF = 1,     /* end of input (Ctrl-D on an empty line, or EOF) */
    WR_LE_CANCELED = 2 /* Ctrl-C: the line (and any statement being collected) is dropped */
} wr_le_result;

wr_lineedit *wr_lineedit_new(int in_fd, int out_fd);
void wr_lineedit_free(wr_lineedit *le);
bool wr_lineedit_is_tty(const wr_lineedit *le);
/* Read one line after showing prompt. *line stays valid until the next call. Returns a
 * wr_le_result, or a negative wr_err on a read error. */
int wr_lineedit_read(wr_lineedit *le, const char *prompt, const char **line, size_t *len);
/* History: newest last; consecutive duplicates and empty entries are not added; at most
 * `max` entries are kept (default 1000). */
int wr_lineedit_history_add(wr_lineedit *le, const char *entry);
void wr_lineedit_history_max(wr_lineedit *le, size_t max);
size_t wr_lineedit_history_len(const wr_lineedit *le);
const char *wr_lineedit_history_get(const wr_lineedit *le, size_t i);
/* Load and save history as one entry per line (newlines inside an entry are stored as
 * "\n" escapes). A missing file loads nothing. */
int wr_lineedit_history_load(wr_lineedit *le, const char *path);
int wr_lineedit_history_save(const wr_lineedit *le, const char *path);

/* ------------------------------------------------------------------------------------------
 * Statement splitter: feed lines, take complete statements. A statement ends at a ';' that
 * is outside quotes ('..', `..`, "..") and comments (-- .., / * .. * /). The text handed
 * out keeps everything up to and including the ';' (so positions in error messages count
 * lines of the statement as typed).
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_stmt_splitter {
    wr_buf pending;    /* text not yet part of a complete statement */
    size_t scanned;    /* bytes of pending already scanned */
    int state;         /* lexical state at `scanned` */
    size_t start_line; /* line number (1-based) where pending starts */
    size_t lines_fed;
} wr_stmt_splitter;

void wr_splitter_init(wr_stmt_splitter *s);
void wr_splitter_free(wr_stmt_splitter *s);
int wr_splitter_feed(wr_stmt_splitter *s, const char *line, size_t len); /* adds a '\n' */
/* Next complete statement (caller frees with wr_free), or NULL. *line = its first line. */
char *wr_splitter_next(wr_stmt_splitter *s, size_t *line);
/* True when text is pending (the prompt shows a continuation). */
bool wr_splitter_has_pending(const wr_stmt_splitter *s);
/* Drop pending text (Ctrl-C). */
void wr_splitter_reset(wr_stmt_splitter *s);
/* The rest at end of input, if it holds more than whitespace/comments (a last statement
 * without ';'), else NULL. */
char *wr_splitter_finish(wr_stmt_splitter *s, size_t *line);

/* ------------------------------------------------------------------------------------------
 * Changelog table view. Rows arrive as already formatted cell texts with a row kind
 * (+I/-U/+U/-D as wr_rowkind values 0..3). In table mode the view keeps the current
 * content of the result (a retraction removes one equal row) and renders it as an aligned
 * table; in stream mode it renders each change as a line "+I | a | b" as it comes.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_shell_view wr_shell_view;

typedef enum wr_view_mode { WR_VIEW_TABLE = 0, WR_VIEW_STREAM = 1 } wr_view_mode;

wr_shell_view *wr_shell_view_new(wr_view_mode mode, const char *const *columns, uint32_t ncols);
void wr_shell_view_free(wr_shell_view *v);
/* Apply one change; cells[0..ncols). Thread-safe. WR_ENOENT when a retraction finds no
 * equal row (the view is unchanged). */
int wr_shell_view_apply(wr_shell_view *v, int rowkind, const char *const *cells);
/* Rows currently in the table (table mode), changes seen (stream mode). */
size_t wr_shell_view_rows(wr_shell_view *v);
uint64_t wr_shell_view_changes(wr_shell_view *v);
/* Render the table (table mode: header, separator, rows in arrival order of their
 * insertion, at most max_rows then "... N more rows"; stream mode: the lines not yet
 * rendered). Thread-safe. */
int wr_shell_view_render(wr_shell_view *v, size_t max_rows, wr_buf *out);

/* ------------------------------------------------------------------------------------------
 * The sink operator that feeds a query's rows into a view (cells formatted as the print sink
 * formats values). The view must outlive the job.
 * ---------------------------------------------------------------------------------------- */
struct wr_op_vt;
typedef struct wr_shell_sink_cfg {
    wr_shell_view *view; /* not owned */
} wr_shell_sink_cfg;

extern const struct wr_op_vt wr_shell_sink_vt;
wr_shell_sink_cfg *wr_shell_sink_cfg_new(wr_shell_view *view);
void wr_shell_sink_cfg_free(void *cfg);

#endif
