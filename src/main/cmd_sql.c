/* cmd_sql.c - `weir sql`, the interactive SQL shell (like Flink's SQL client). On a
 * terminal: a line editor with history (~/.weir_history), multi-line statements ended by
 * ';', DDL/SET/SHOW/DESCRIBE/EXPLAIN answered at once, and each query run as a job whose
 * result is shown live: an updating result as a table that changes in place, an
 * append-only one streamed change by change. Ctrl-C stops the running query (or drops the
 * line being typed); Ctrl-D or QUIT/EXIT leaves. When standard input is not a terminal the
 * whole input runs as one script, exactly like `weir run`. */
#define _GNU_SOURCE
#include "main/main.h"

#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "plan/plan.h"
#include "runtime/runtime.h"
#include "shell/shell.h"

typedef struct shell {
    wr_config *cfg;
    wr_session *session;
    wr_lineedit *le;
    wr_shell_view *view; /* result of the query being run, if any */
    bool table;          /* the view is a changing table (else a stream of changes) */
    bool interactive;    /* on a terminal: say what happens */
    char **texts;        /* statement texts the session refers to (views) */
    size_t ntexts, cap_texts;
} shell;

static volatile sig_atomic_t g_interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    g_interrupted = 1;
}

/* Result sinks for SELECT: a view the shell renders. */
static int make_result_sink(void *arg, const wr_schema *schema, bool updating, wr_sink_def *out,
                            wr_error *err)
{
    shell *sh = arg;
    const char **names = wr_calloc(schema->ncols ? schema->ncols : 1, sizeof *names);
    if (!names) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    for (uint32_t c = 0; c < schema->ncols; c++)
        names[c] = schema->cols[c].name;
    wr_shell_view *v =
        wr_shell_view_new(updating ? WR_VIEW_TABLE : WR_VIEW_STREAM, names, schema->ncols);
    wr_free(names);
    wr_shell_sink_cfg *cfg = v ? wr_shell_sink_cfg_new(v) : NULL;
    if (!cfg) {
        wr_shell_view_free(v);
        return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    }
    wr_shell_view_free(sh->view); /* one query at a time */
    sh->view = v;
    sh->table = updating;
    memset(out, 0, sizeof *out);
    out->vt = &wr_shell_sink_vt;
    out->cfg = cfg;
    out->cfg_free = wr_shell_sink_cfg_free;
    return WR_OK;
}

static size_t term_rows(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 8) return ws.ws_row;
    return 24;
}

static void put(const char *s, size_t n)
{
    fwrite(s, 1, n, stdout);
    fflush(stdout);
}

/* Erase the `lines` lines printed last (the previous rendering of a table). */
static void erase_lines(size_t lines)
{
    if (lines) printf("\x1b[%zuA\x1b[J", lines);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

typedef struct waiter {
    wr_job_exec *x;
    wr_job_stats stats;
    wr_error err;
    int rc;
    _Atomic bool done;
} waiter;

static void *wait_job(void *arg)
{
    waiter *w = arg;
    w->rc = wr_job_wait(w->x, &w->stats, &w->err);
    atomic_store(&w->done, true);
    return NULL;
}

/* Run the pending statements as one job, rendering the result view while it runs. */
static int run_job(shell *sh)
{
    wr_buf errors;
    wr_buf_init(&errors);
    wr_plan_job *pj = NULL;
    int rc = wr_session_build_job(sh->session, &pj, &errors);
    if (rc != 0 || !pj) {
        fputs(errors.ptr, stderr);
        wr_buf_free(&errors);
        return WR_EXIT_USAGE;
    }
    wr_buf_free(&errors);
    wr_job_opts opts = {
        .workers = (uint32_t)wr_config_int(sh->cfg, "weir.worker-threads"),
        .batch_rows = (uint32_t)wr_config_int(sh->cfg, "weir.batch-rows"),
        .channel_batches = (uint32_t)wr_config_int(sh->cfg, "weir.channel-capacity"),
    };
    waiter w = {0};
    if (wr_job_start(wr_plan_job_graph(pj), &opts, &w.x, &w.err) != WR_OK) {
        fprintf(stderr, "[ERROR] %s\n", w.err.msg);
        wr_plan_job_free(pj);
        return WR_EXIT_FAILED;
    }
    struct sigaction sa = {0}, old;
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &old);
    g_interrupted = 0;
    wr_thread th;
    wr_thread_start(&th, "weir-sql-wait", wait_job, &w);
    if (!sh->view && sh->interactive) printf("[INFO] job running; Ctrl-C stops it\n");
    size_t shown = 0; /* lines of the last table rendering */
    uint64_t rendered_changes = UINT64_MAX;
    bool canceled = false;
    wr_buf out;
    wr_buf_init(&out);
    for (;;) {
        bool done = atomic_load(&w.done);
        if (g_interrupted && !canceled) {
            canceled = true;
            wr_job_cancel(w.x);
        }
        if (sh->view && !sh->table) {
            /* Stream: print the changes not shown yet. */
            wr_buf_clear(&out);
            wr_shell_view_render(sh->view, 0, &out);
            if (out.len) put(out.ptr, out.len);
        } else if (sh->view && wr_shell_view_changes(sh->view) != rendered_changes) {
            /* Table: redraw in place when it changed. */
            rendered_changes = wr_shell_view_changes(sh->view);
            wr_buf_clear(&out);
            wr_shell_view_render(sh->view, term_rows() - 6, &out);
            erase_lines(shown);
            put(out.ptr, out.len);
            shown = count_lines(out.ptr);
        }
        if (done) break;
        wr_sleep_us(200000);
    }
    wr_thread_join(&th);
    sigaction(SIGINT, &old, NULL);
    wr_buf_free(&out);
    int status = WR_EXIT_OK;
    if (w.rc != WR_OK) {
        fprintf(stderr, "[ERROR] job failed: %s\n", w.err.msg);
        status = WR_EXIT_FAILED;
    } else if (canceled && sh->interactive) {
        printf("[INFO] query stopped\n");
    } else if (!sh->view && sh->interactive) {
        printf("[INFO] job finished: %llu rows written\n",
               (unsigned long long)w.stats.records_out_sinks);
    }
    wr_job_stats_free(&w.stats);
    wr_plan_job_free(pj);
    wr_shell_view_free(sh->view);
    sh->view = NULL;
    return status;
}

static int keep_text(shell *sh, char *text)
{
    if (sh->ntexts == sh->cap_texts) {
        size_t cap = sh->cap_texts ? sh->cap_texts * 2 : 16;
        char **t = wr_realloc(sh->texts, cap * sizeof *t);
        if (!t) return WR_ENOMEM;
        sh->texts = t;
        sh->cap_texts = cap;
    }
    sh->texts[sh->ntexts++] = text;
    return WR_OK;
}

/* Execute one statement typed at the prompt (takes text). */
static void run_statement(shell *sh, char *text, size_t line)
{
    /* Drop the blank lines before the statement, so that error positions count lines of the
     * statement itself. */
    size_t skip = 0;
    for (size_t i = 0; text[i] == '\n' || text[i] == '\r' || text[i] == ' ' || text[i] == '\t'; i++)
        if (text[i] == '\n') skip = i + 1;
    if (skip) memmove(text, text + skip, strlen(text + skip) + 1);
    if (keep_text(sh, text) != WR_OK) {
        wr_free(text);
        fprintf(stderr, "[ERROR] out of memory\n");
        return;
    }
    (void)line; /* error positions count lines of the statement as typed */
    wr_buf out, errors;
    wr_buf_init(&out);
    wr_buf_init(&errors);
    int n = wr_session_exec(sh->session, "<shell>", text, strlen(text), &out, &errors);
    if (out.len) put(out.ptr, out.len);
    if (n != 0) {
        fputs(errors.ptr, stderr);
        wr_session_clear_pending(sh->session);
    } else if (wr_session_pending(sh->session) > 0) {
        run_job(sh);
    } else if (!out.len) {
        printf("[INFO] OK\n");
    }
    wr_buf_free(&out);
    wr_buf_free(&errors);
}

static bool is_quit(const char *stmt)
{
    wr_slice s = wr_slice_trim(wr_slice_c(stmt));
    if (s.len && s.ptr[s.len - 1] == ';') s.len--;
    s = wr_slice_trim(s);
    return wr_slice_ieq_c(s, "quit") || wr_slice_ieq_c(s, "exit");
}

static char *history_path(void)
{
    const char *home = getenv("HOME");
    if (!home || !*home) {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : NULL;
    }
    if (!home) return NULL;
    wr_buf b;
    wr_buf_init(&b);
    wr_buf_printf(&b, "%s/.weir_history", home);
    return wr_buf_steal(&b);
}

static int interactive(shell *sh)
{
    printf("weir %s SQL shell. End statements with ';'. Ctrl-D or QUIT leaves.\n", WEIR_VERSION);
    char *hist = history_path();
    if (hist) wr_lineedit_history_load(sh->le, hist);
    wr_stmt_splitter sp;
    wr_splitter_init(&sp);
    wr_buf typed; /* the statement as typed, for history */
    wr_buf_init(&typed);
    bool quit = false;
    while (!quit) {
        const char *line;
        size_t len;
        int r = wr_lineedit_read(sh->le, wr_splitter_has_pending(&sp) ? "    -> " : "weir> ", &line,
                                 &len);
        if (r < 0 || r == WR_LE_EOF) break;
        if (r == WR_LE_CANCELED) {
            wr_splitter_reset(&sp);
            wr_buf_clear(&typed);
            continue;
        }
        if (typed.len) wr_buf_putc(&typed, '\n');
        wr_buf_append(&typed, line, len);
        wr_splitter_feed(&sp, line, len);
        char *stmt;
        size_t at;
        while ((stmt = wr_splitter_next(&sp, &at))) {
            wr_lineedit_history_add(sh->le, wr_slice_trim(wr_slice_c(typed.ptr)).ptr);
            wr_buf_clear(&typed);
            if (is_quit(stmt)) {
                wr_free(stmt);
                quit = true;
                break;
            }
            run_statement(sh, stmt, at);
        }
        if (!wr_splitter_has_pending(&sp)) wr_buf_clear(&typed);
    }
    if (hist) {
        wr_lineedit_history_save(sh->le, hist);
        wr_free(hist);
    }
    wr_buf_free(&typed);
    wr_splitter_free(&sp);
    printf("\n");
    return WR_EXIT_OK;
}

/* Not a terminal: the whole input is one script, run like `weir run`. */
static int script(shell *sh)
{
    wr_buf text;
    wr_buf_init(&text);
    const char *line;
    size_t len;
    int r;
    while ((r = wr_lineedit_read(sh->le, "", &line, &len)) == WR_LE_LINE) {
        wr_buf_append(&text, line, len);
        wr_buf_putc(&text, '\n');
    }
    if (r < 0) {
        wr_main_error("sql: reading standard input failed");
        wr_buf_free(&text);
        return WR_EXIT_FAILED;
    }
    char *owned = wr_buf_steal(&text);
    if (!owned || keep_text(sh, owned) != WR_OK) {
        wr_free(owned);
        return WR_EXIT_FAILED;
    }
    wr_buf out, errors;
    wr_buf_init(&out);
    wr_buf_init(&errors);
    int n = wr_session_exec(sh->session, "<stdin>", owned, strlen(owned), &out, &errors);
    if (out.len) put(out.ptr, out.len);
    int status = WR_EXIT_OK;
    if (n != 0) {
        fputs(errors.ptr, stderr);
        status = WR_EXIT_USAGE;
    } else if (wr_session_pending(sh->session) > 0) {
        status = run_job(sh);
    }
    wr_buf_free(&out);
    wr_buf_free(&errors);
    return status;
}

int wr_cmd_sql(int argc, char **argv)
{
    wr_error err = {0};
    shell sh = {0};
    int status = WR_EXIT_USAGE;
    if (wr_config_new(&sh.cfg, &err) != WR_OK) {
        wr_main_error("%s", err.msg);
        return WR_EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
            if (wr_config_set_pair(sh.cfg, argv[++i], &err) != WR_OK) {
                wr_main_error("sql: --set: %s", err.msg);
                goto done;
            }
        } else if (strcmp(argv[i], "--parallelism") == 0 && i + 1 < argc) {
            if (wr_config_set(sh.cfg, "parallelism.default", argv[++i], &err) != WR_OK) {
                wr_main_error("sql: --parallelism: %s", err.msg);
                goto done;
            }
        } else {
            wr_main_error("sql: unknown or incomplete option '%s' (weir help)", argv[i]);
            goto done;
        }
    }
    wr_main_apply_log_config(sh.cfg);
    sh.session = wr_session_new(sh.cfg);
    sh.le = wr_lineedit_new(STDIN_FILENO, STDOUT_FILENO);
    if (!sh.session || !sh.le) {
        wr_main_error("sql: out of memory");
        status = WR_EXIT_FAILED;
        goto done;
    }
    sh.interactive = wr_lineedit_is_tty(sh.le);
    if (sh.interactive) wr_session_set_result_sink(sh.session, make_result_sink, &sh);
    status = wr_lineedit_is_tty(sh.le) ? interactive(&sh) : script(&sh);
done:
    wr_lineedit_free(sh.le);
    wr_session_free(sh.session);
    for (size_t i = 0; i < sh.ntexts; i++)
        wr_free(sh.texts[i]);
    wr_free(sh.texts);
    wr_shell_view_free(sh.view);
    wr_config_free(sh.cfg);
    return status;
}
