/* test_operators_harness.h - a tiny in-memory source and a collecting sink for running
 * operators through the real runtime (wr_job_*) in unit tests, plus helpers to build
 * batches from text rows ("+I|a|1|NULL") and to apply a collected changelog to a map.
 * Header-only (static functions): each operator test is one executable. */
#ifndef WR_TEST_OPERATORS_HARNESS_H
#define WR_TEST_OPERATORS_HARNESS_H

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"
#include "types/types.h"

/* ------------------------------------------------------------------------------------------
 * Schemas and batches from text
 * ---------------------------------------------------------------------------------------- */
static inline wr_schema *th_schema(uint32_t n, const char *const *names, const wr_type *types)
{
    wr_schema *s = wr_schema_new(n);
    assert_non_null(s);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(wr_schema_set(s, i, names[i], types[i]), 0);
    return s;
}

static inline wr_rowkind th_kind(const char *k)
{
    if (strncmp(k, "+I", 2) == 0) return WR_RK_INSERT;
    if (strncmp(k, "-U", 2) == 0) return WR_RK_UPDATE_BEFORE;
    if (strncmp(k, "+U", 2) == 0) return WR_RK_UPDATE_AFTER;
    if (strncmp(k, "-D", 2) == 0) return WR_RK_DELETE;
    fail_msg("bad row kind in '%s'", k);
    return WR_RK_INSERT;
}

/* Append one row "KIND|v0|v1|..." (NULL for a NULL value) to b. */
static inline void th_add_row(wr_batch *b, const char *row)
{
    assert_true(b->len < b->cap);
    uint32_t r = b->len;
    b->rowkind[r] = (uint8_t)th_kind(row);
    const char *p = strchr(row, '|');
    for (uint32_t c = 0; c < b->ncols; c++) {
        assert_non_null(p);
        p++;
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        wr_value v;
        memset(&v, 0, sizeof(v));
        if (n == 4 && memcmp(p, "NULL", 4) == 0) {
            v.is_null = true;
        } else {
            wr_error err = {0};
            int rc = wr_value_parse(&b->cols[c].type, p, n, &v, &err);
            if (rc < 0) fail_msg("parsing '%.*s': %s", (int)n, p, err.msg);
        }
        assert_int_equal(wr_batch_set(b, c, r, &v), 0);
        p = e;
    }
    assert_null(p);
    b->len = r + 1;
}

static inline wr_batch *th_batch(const wr_schema *s, const char *const *rows, uint32_t n)
{
    wr_batch *b = wr_batch_new(s, n ? n : 1, NULL);
    assert_non_null(b);
    for (uint32_t i = 0; i < n; i++)
        th_add_row(b, rows[i]);
    return b;
}

/* "+I[a, 1, null]" for row r of b (columns [c0, c0+ncols)); NULL when an allocation fails
 * (tests inject failures; a sink must not assert from a worker thread). */
static inline char *th_format_row_try(const wr_batch *b, uint32_t r, uint32_t c0, uint32_t ncols,
                                      bool with_kind)
{
    wr_buf out;
    wr_buf_init(&out);
    int rc = 0;
    if (with_kind) {
        rc |= wr_buf_append_c(&out, wr_rowkind_str((wr_rowkind)b->rowkind[r]));
        rc |= wr_buf_putc(&out, '[');
    }
    for (uint32_t c = c0; c < c0 + ncols; c++) {
        if (c > c0) rc |= wr_buf_append_c(&out, ", ");
        rc |= wr_vec_format(&b->cols[c], r, WR_STYLE_PRINT, &out);
    }
    if (with_kind) rc |= wr_buf_putc(&out, ']');
    char *s = rc < 0 ? NULL : strdup(out.ptr ? out.ptr : "");
    wr_buf_free(&out);
    return s;
}

static inline char *th_format_row(const wr_batch *b, uint32_t r, uint32_t c0, uint32_t ncols,
                                  bool with_kind)
{
    char *s = th_format_row_try(b, r, c0, ncols, with_kind);
    assert_non_null(s);
    return s;
}

/* ------------------------------------------------------------------------------------------
 * Source: emits the configured batches; subtask s of p emits batches[i] with
 * owner[i] % p == s (owner[i] defaults to i), in order.
 * ---------------------------------------------------------------------------------------- */
typedef struct th_source_cfg {
    wr_batch **batches; /* one reference each, owned */
    uint32_t *owner;
    uint32_t n, cap;
} th_source_cfg;

typedef struct th_source_state {
    const th_source_cfg *cfg;
    uint32_t next, subtask, par;
} th_source_state;

static inline th_source_cfg *th_source_cfg_new(void)
{
    th_source_cfg *c = calloc(1, sizeof(*c));
    assert_non_null(c);
    return c;
}

/* Takes the reference to b; `owner` picks the source subtask (modulo parallelism). */
static inline void th_source_add(th_source_cfg *c, wr_batch *b, uint32_t owner)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->batches = realloc(c->batches, c->cap * sizeof(*c->batches));
        c->owner = realloc(c->owner, c->cap * sizeof(*c->owner));
        assert_non_null(c->batches);
        assert_non_null(c->owner);
    }
    c->batches[c->n] = b;
    c->owner[c->n++] = owner;
}

static inline void th_source_cfg_free(void *p)
{
    th_source_cfg *c = p;
    if (!c) return;
    for (uint32_t i = 0; i < c->n; i++)
        wr_batch_release(c->batches[i]);
    free(c->batches);
    free(c->owner);
    free(c);
}

static inline int th_source_open(void **state, wr_source_ctx *ctx, const void *config,
                                 wr_error *err)
{
    th_source_state *st = calloc(1, sizeof(*st));
    if (!st) return WR_ENOMEM;
    st->cfg = config;
    st->subtask = wr_source_subtask(ctx);
    st->par = wr_source_parallelism(ctx);
    *state = st;
    return 0;
}

static inline int th_source_poll(void *state, wr_source_ctx *ctx, wr_source_poll *out,
                                 wr_error *err)
{
    th_source_state *st = state;
    const th_source_cfg *c = st->cfg;
    while (st->next < c->n && c->owner[st->next] % st->par != st->subtask)
        st->next++;
    if (st->next >= c->n) {
        out->end = true;
        out->split = (int32_t)st->subtask;
        out->split_done = true;
        return 0;
    }
    wr_batch *b = c->batches[st->next++];
    wr_batch_retain(b);
    out->batch = b;
    out->split = (int32_t)st->subtask;
    return 0;
}

static inline void th_source_close(void *state)
{
    free(state);
}

static const wr_source_vt th_source_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "test_source",
    .description = "in-memory batches for tests",
    .open = th_source_open,
    .poll = th_source_poll,
    .close = th_source_close,
};

/* ------------------------------------------------------------------------------------------
 * Sink: collects "+I[...]" lines (with_kind) and, for changelog checks, the key part.
 * ---------------------------------------------------------------------------------------- */
typedef struct th_sink {
    wr_mutex mu;
    uint32_t nkeys; /* leading key columns (for th_apply_changelog) */
    char **lines;   /* "+I[k, v]" */
    char **keys;    /* "k" */
    char **vals;    /* "k, v" */
    uint8_t *kinds;
    size_t n, cap;
    uint64_t batches;
} th_sink;

static inline th_sink *th_sink_new(uint32_t nkeys)
{
    th_sink *s = calloc(1, sizeof(*s));
    assert_non_null(s);
    wr_mutex_init(&s->mu);
    s->nkeys = nkeys;
    return s;
}

static inline void th_sink_clear(th_sink *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->lines[i]);
        free(s->keys[i]);
        free(s->vals[i]);
    }
    s->n = 0;
    s->batches = 0;
}

static inline void th_sink_free(th_sink *s)
{
    th_sink_clear(s);
    free(s->lines);
    free(s->keys);
    free(s->vals);
    free(s->kinds);
    wr_mutex_destroy(&s->mu);
    free(s);
}

static inline int th_sink_open(void **state, wr_op_ctx *ctx, const void *config, wr_error *err)
{
    *state = (void *)config;
    return 0;
}

static inline int th_sink_process(void *state, wr_op_ctx *ctx, uint32_t input, wr_batch *in,
                                  wr_error *err)
{
    th_sink *s = state;
    wr_mutex_lock(&s->mu);
    s->batches++;
    for (uint32_t r = 0; r < in->len; r++) {
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 64;
            s->lines = realloc(s->lines, s->cap * sizeof(char *));
            s->keys = realloc(s->keys, s->cap * sizeof(char *));
            s->vals = realloc(s->vals, s->cap * sizeof(char *));
            s->kinds = realloc(s->kinds, s->cap);
        }
        char *line = th_format_row_try(in, r, 0, in->ncols, true);
        char *key = th_format_row_try(in, r, 0, s->nkeys, false);
        char *val = th_format_row_try(in, r, 0, in->ncols, false);
        if (!line || !key || !val) {
            free(line);
            free(key);
            free(val);
            wr_mutex_unlock(&s->mu);
            return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "test sink: out of memory");
        }
        s->lines[s->n] = line;
        s->keys[s->n] = key;
        s->vals[s->n] = val;
        s->kinds[s->n] = in->rowkind[r];
        s->n++;
    }
    wr_mutex_unlock(&s->mu);
    return 0;
}

static inline void th_sink_close(void *state) {}

static const wr_op_vt th_sink_vt = {
    .abi_version = WR_ABI_VERSION,
    .name = "test_sink",
    .description = "collects rows as text for tests",
    .open = th_sink_open,
    .process = th_sink_process,
    .close = th_sink_close,
};

/* All collected lines joined with '\n' (caller frees). */
static inline char *th_sink_text(const th_sink *s)
{
    size_t len = 1;
    for (size_t i = 0; i < s->n; i++)
        len += strlen(s->lines[i]) + 1;
    char *t = malloc(len), *p = t;
    for (size_t i = 0; i < s->n; i++)
        p += sprintf(p, "%s\n", s->lines[i]);
    *p = 0;
    return t;
}

#define th_assert_lines(sink, expected)                                                            \
    do {                                                                                           \
        char *got_ = th_sink_text(sink);                                                           \
        if (strcmp(got_, expected) != 0)                                                           \
            fail_msg("changelog differs.\n--- expected:\n%s--- got:\n%s", expected, got_);         \
        free(got_);                                                                                \
    } while (0)

/* Apply the changelog to a map key -> row: +I/+U put (a +I for a present key, or a -U/-D
 * whose row is not the current one, fails the test), -U/-D remove. Returns the final rows
 * ("k, v" strings), sorted, joined with '\n'. */
static int th_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline char *th_apply_changelog(const th_sink *s)
{
    /* Naive map: parallel arrays, linear probing on a simple hash of the key text. */
    size_t cap = 16;
    while (cap < 2 * s->n + 16)
        cap *= 2;
    const char **mk = calloc(cap, sizeof(char *));
    const char **mv = calloc(cap, sizeof(char *));
    bool *tomb = calloc(cap, sizeof(bool));
    for (size_t i = 0; i < s->n; i++) {
        const char *k = s->keys[i];
        size_t h = wr_hash_bytes(k, strlen(k)) & (cap - 1), free_at = SIZE_MAX;
        while (mk[h] || tomb[h]) {
            if (mk[h] && strcmp(mk[h], k) == 0) break;
            if (!mk[h] && free_at == SIZE_MAX) free_at = h;
            h = (h + 1) & (cap - 1);
        }
        bool present = mk[h] != NULL;
        switch (s->kinds[i]) {
        case WR_RK_INSERT:
            if (present) fail_msg("+I for a key already present: %s", s->lines[i]);
            /* fallthrough */
        case WR_RK_UPDATE_AFTER:
            if (!present && free_at != SIZE_MAX) h = free_at;
            mk[h] = k;
            mv[h] = s->vals[i];
            tomb[h] = false;
            break;
        default:
            if (!present) fail_msg("retraction of an absent key: %s", s->lines[i]);
            if (strcmp(mv[h], s->vals[i]) != 0)
                fail_msg("retraction %s does not match the current row [%s]", s->lines[i], mv[h]);
            mk[h] = NULL;
            tomb[h] = true;
            break;
        }
    }
    size_t n = 0;
    const char **rows = calloc(cap, sizeof(char *));
    for (size_t i = 0; i < cap; i++)
        if (mk[i]) rows[n++] = mv[i];
    qsort(rows, n, sizeof(char *), th_cmp_str);
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(rows[i]) + 1;
    char *t = malloc(len), *p = t;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s\n", rows[i]);
    *p = 0;
    free(rows);
    free(mk);
    free(mv);
    free(tomb);
    return t;
}

/* Run a built job to the end; fails the test on error. batch_rows 0 = default. */
static inline void th_run(wr_job *job, uint32_t workers, uint32_t batch_rows)
{
    wr_job_opts opts = {.workers = workers, .batch_rows = batch_rows};
    wr_error err = {0};
    int rc = wr_job_run(job, &opts, NULL, &err);
    if (rc != 0) fail_msg("job failed: %s (%s)", err.msg, wr_err_name(rc));
}

#endif
