/* plan_session.c - a SQL session: executes the statements of a script in order (DDL into the
 * catalog, SET/RESET into the settings, SHOW/DESCRIBE/EXPLAIN output, INSERT/SELECT planned
 * into the pending statement set) and builds the pending statements into one job. Parse
 * errors and every statement's binding errors are all collected, so one run reports every
 * problem of a file. The session arena holds scripts' trees, catalog entries and plans for
 * the session's lifetime. */
#include "plan/plan_int.h"

#include <string.h>

#include "sql/sql.h"

struct wr_session {
    wr_config *cfg;
    wr_catalog *cat;
    wr_arena arena;
    wr_lnode **pending;
    uint32_t npending, cappending;
    uint32_t next_index;  /* statement number, seeds plan ids */
    const char **initial; /* settings when the session started (RESET goes back to them) */
    const char *job_name;
    wr_result_sink_fn result_fn;
    void *result_arg;
    const char *file; /* of the last script, for errors found when building */
    const char *text;
};

wr_session *wr_session_new(wr_config *cfg)
{
    wr_session *s = wr_calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cfg = cfg;
    s->cat = wr_catalog_new();
    if (!s->cat) {
        wr_free(s);
        return NULL;
    }
    wr_arena_init(&s->arena, 64 * 1024, NULL);
    size_t n = 0;
    while (wr_settings[n].key)
        n++;
    s->initial = wr_arena_alloc(&s->arena, sizeof(char *) * (n + 1));
    if (!s->initial) {
        wr_session_free(s);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        s->initial[i] = wr_pstrdup(&s->arena, wr_config_str(cfg, wr_settings[i].key));
    return s;
}

void wr_session_free(wr_session *s)
{
    if (!s) return;
    wr_catalog_free(s->cat);
    wr_free(s->pending);
    wr_arena_destroy(&s->arena);
    wr_free(s);
}

wr_config *wr_session_config(wr_session *s)
{
    return s->cfg;
}

void wr_session_set_result_sink(wr_session *s, wr_result_sink_fn fn, void *arg)
{
    s->result_fn = fn;
    s->result_arg = arg;
}

wr_result_sink_fn wr_session_result_sink(wr_session *s, void **arg)
{
    *arg = s->result_arg;
    return s->result_fn;
}

wr_config *wr_session_settings(wr_session *s)
{
    return s->cfg;
}

uint32_t wr_session_parallelism(wr_session *s)
{
    return (uint32_t)wr_config_int(s->cfg, "parallelism.default");
}

wr_arena *wr_session_catalog_arena(wr_session *s)
{
    return &s->arena;
}

wr_catalog *wr_session_catalog(wr_session *s)
{
    return s->cat;
}

wr_lnode *wr_session_pending_root(wr_session *s, uint32_t i)
{
    return i < s->npending ? s->pending[i] : NULL;
}

uint32_t wr_session_pending(const wr_session *s)
{
    return s->npending;
}

void wr_session_clear_pending(wr_session *s)
{
    s->npending = 0;
}

static int add_pending(wr_session *s, wr_lnode *root)
{
    if (s->npending == s->cappending) {
        uint32_t nc = s->cappending ? s->cappending * 2 : 8;
        wr_lnode **p = wr_realloc(s->pending, sizeof(*p) * nc);
        if (!p) return WR_ENOMEM;
        s->pending = p;
        s->cappending = nc;
    }
    s->pending[s->npending++] = root;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Statements
 * ---------------------------------------------------------------------------------------- */
static wr_lnode *plan_stmt(wr_pctx *c, const wr_sql_stmt *st)
{
    wr_session *s = c->sess;
    wr_lnode *root = NULL;
    uint32_t index = s->next_index++;
    if (st->kind == WR_SQL_STMT_INSERT)
        root = wr_bind_insert(c, &st->insert, index);
    else
        root = wr_bind_select_stmt(c, st->query.query, index);
    if (!root || c->failed) return NULL;
    return wr_optimize(c, root);
}

/* Plan the INSERT/SELECT statements of st (a statement set gives several). */
static int plan_roots(wr_pctx *c, const wr_sql_stmt *st, wr_lnode ***roots, uint32_t *n)
{
    const wr_sql_stmt *const *list = &st;
    uint32_t count = 1;
    if (st->kind == WR_SQL_STMT_STATEMENT_SET) {
        list = (const wr_sql_stmt *const *)st->stmt_set.stmts;
        count = st->stmt_set.nstmts;
    }
    *roots = wr_arena_alloc(c->a, sizeof(wr_lnode *) * (count ? count : 1));
    *n = 0;
    if (!*roots) return WR_ENOMEM;
    bool ok = true;
    for (uint32_t i = 0; i < count; i++) {
        const wr_sql_stmt *x = list[i];
        if (x->kind != WR_SQL_STMT_INSERT && x->kind != WR_SQL_STMT_QUERY) {
            wr_pctx_error(c, x->pos, "a statement set may only contain INSERT statements, not %s",
                          wr_sql_stmt_kind_name(x->kind));
            ok = false;
            continue;
        }
        c->failed = false;
        wr_lnode *r = plan_stmt(c, x);
        if (!r) {
            ok = false;
            continue;
        }
        (*roots)[(*n)++] = r;
    }
    c->failed = !ok;
    return ok ? WR_OK : WR_EINVAL;
}

static void explain_roots(wr_pctx *c, wr_lnode *const *roots, uint32_t n, wr_buf *out)
{
    wr_buf_append_c(out, "== Optimized Logical Plan ==\n");
    for (uint32_t i = 0; i < n; i++) {
        if (i) wr_buf_putc(out, '\n');
        wr_ln_explain(roots[i], out);
    }
    wr_buf_append_c(out, "\n== Physical Job Graph ==\n");
    wr_plan_job *pj = NULL;
    if (wr_phys_build(c, c->sess->cfg, roots, n, c->sess->job_name, &pj) == WR_OK) {
        wr_job_describe(wr_plan_job_graph(pj), out);
        wr_plan_job_free(pj);
    }
}

static void exec_set(wr_pctx *c, const wr_sql_stmt *st, wr_buf *out)
{
    wr_session *s = c->sess;
    const char *k = st->set.key, *v = st->set.value;
    if (!k) {
        wr_config_dump(s->cfg, out);
        if (s->job_name) wr_buf_printf(out, "pipeline.name = %s\n", s->job_name);
        return;
    }
    /* Flink keys that only concern Flink's client or that weir has no use for. */
    if (strncmp(k, "sql-client.", 11) == 0 || strcmp(k, "table.dml-sync") == 0) return;
    if (strcmp(k, "pipeline.name") == 0) {
        s->job_name = wr_pstrdup(c->a, v);
        return;
    }
    if (strcmp(k, "execution.runtime-mode") == 0) {
        if (strcasecmp(v, "streaming") != 0)
            wr_pctx_unsupported(c, st->set.value_pos,
                                "execution.runtime-mode other than 'streaming' (bounded "
                                "sources already end by themselves in streaming mode)");
        return;
    }
    wr_error err = {0};
    if (wr_config_set(s->cfg, k, v, &err) != WR_OK) {
        bool unknown = strstr(err.msg, "unknown") != NULL;
        wr_pctx_error(c, unknown ? st->set.key_pos : st->set.value_pos, "%s", err.msg);
    }
}

/* RESET goes back to the settings the session started with (defaults, environment and
 * the command line's --set/--parallelism), as Flink's SQL client does. */
static void exec_reset(wr_pctx *c, const wr_sql_stmt *st)
{
    wr_session *s = c->sess;
    wr_error err = {0};
    const char *k = st->reset.key;
    if (k && strcmp(k, "pipeline.name") == 0) {
        s->job_name = NULL;
        return;
    }
    if (!k) s->job_name = NULL;
    for (size_t i = 0; wr_settings[i].key; i++) {
        if (k && strcmp(k, wr_settings[i].key) != 0) continue;
        if (s->initial[i]) wr_config_set(s->cfg, wr_settings[i].key, s->initial[i], &err);
        if (k) return;
    }
    if (k && wr_config_reset(s->cfg, k, &err) != WR_OK)
        wr_pctx_error(c, st->reset.key_pos, "%s", err.msg);
}

static void exec_stmt(wr_pctx *c, const wr_sql_stmt *st, wr_buf *out)
{
    wr_session *s = c->sess;
    switch (st->kind) {
    case WR_SQL_STMT_CREATE_TABLE:
        wr_catalog_create_table(c, &st->create_table, st->pos);
        break;
    case WR_SQL_STMT_CREATE_VIEW:
        wr_catalog_create_view(c, &st->create_view, st->pos, st->end);
        break;
    case WR_SQL_STMT_DROP:
        wr_catalog_drop(c, &st->drop, st->pos);
        break;
    case WR_SQL_STMT_INSERT:
    case WR_SQL_STMT_QUERY:
    case WR_SQL_STMT_STATEMENT_SET: {
        wr_lnode **roots;
        uint32_t n;
        if (plan_roots(c, st, &roots, &n) == WR_OK)
            for (uint32_t i = 0; i < n; i++)
                add_pending(s, roots[i]);
        break;
    }
    case WR_SQL_STMT_EXPLAIN: {
        const wr_sql_stmt *inner = st->explain.stmt;
        if (st->explain.details & ~WR_SQL_EXPLAIN_CHANGELOG_MODE) {
            wr_pctx_unsupported(c, st->pos,
                                "EXPLAIN ESTIMATED_COST / PLAN_ADVICE / "
                                "JSON_EXECUTION_PLAN");
            break;
        }
        wr_lnode **roots;
        uint32_t n;
        if (plan_roots(c, inner, &roots, &n) == WR_OK) explain_roots(c, roots, n, out);
        break;
    }
    case WR_SQL_STMT_SET:
        exec_set(c, st, out);
        break;
    case WR_SQL_STMT_RESET:
        exec_reset(c, st);
        break;
    case WR_SQL_STMT_SHOW:
        if (st->show.what == WR_SQL_SHOW_FUNCTIONS) {
            wr_pctx_unsupported(c, st->pos, "SHOW FUNCTIONS (see docs/functions.md)");
            break;
        }
        wr_catalog_show(c, (int)st->show.what, out);
        break;
    case WR_SQL_STMT_DESCRIBE:
        wr_catalog_describe(c, &st->describe.name, out);
        break;
    default:
        wr_pctx_unsupported(c, st->pos, wr_sql_stmt_kind_name(st->kind));
        break;
    }
}

int wr_session_exec(wr_session *s, const char *file, const char *text, size_t len, wr_buf *out,
                    wr_buf *errors)
{
    const char *f = wr_pstrdup(&s->arena, file ? file : "<sql>");
    if (!f) return WR_ENOMEM;
    wr_sql_script script;
    memset(&script, 0, sizeof script);
    int rc = wr_sql_parse(text, len, f, &s->arena, &script);
    if (rc == WR_ENOMEM) return WR_ENOMEM;
    s->file = f;
    s->text = text;
    wr_diag diag;
    memset(&diag, 0, sizeof diag);
    wr_buf_init(&diag.text);
    for (uint32_t i = 0; i < script.nerrors; i++)
        wr_diag_add(&diag, f, script.errors[i].pos, script.errors[i].msg);
    for (uint32_t i = 0; i < script.nstmts; i++) {
        wr_pctx c = {.sess = s, .a = &s->arena, .file = f, .text = text, .diag = &diag};
        exec_stmt(&c, script.stmts[i], out);
    }
    int nerr = (int)diag.count;
    wr_diag_flush(&diag, errors);
    return nerr;
}

int wr_session_explain_pending(wr_session *s, wr_buf *out, wr_buf *errors)
{
    wr_diag diag;
    memset(&diag, 0, sizeof diag);
    wr_buf_init(&diag.text);
    wr_pctx c = {.sess = s, .a = &s->arena, .file = s->file, .text = s->text, .diag = &diag};
    explain_roots(&c, s->pending, s->npending, out);
    int n = (int)diag.count;
    wr_diag_flush(&diag, errors);
    return n;
}

int wr_session_build_job(wr_session *s, wr_plan_job **out, wr_buf *errors)
{
    *out = NULL;
    wr_diag diag;
    memset(&diag, 0, sizeof diag);
    wr_buf_init(&diag.text);
    wr_pctx c = {.sess = s, .a = &s->arena, .file = s->file, .text = s->text, .diag = &diag};
    int rc = wr_phys_build(&c, s->cfg, s->pending, s->npending, s->job_name, out);
    int n = (int)diag.count;
    wr_diag_flush(&diag, errors);
    s->npending = 0;
    if (rc == WR_ENOMEM) return WR_ENOMEM;
    return n ? n : (rc == WR_OK ? 0 : 1);
}
