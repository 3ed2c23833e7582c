/* test_operators_join.c - the regular join operator through the real runtime: exact
 * changelogs (Flink's StreamingJoinOperator rules) for INNER, LEFT, RIGHT and FULL joins
 * with retractions on either side, the -D/+I transitions of null-padded rows, duplicates,
 * NULL and null-safe keys, residual predicates, multi-row batches; randomized changelogs
 * against a nested-loop oracle written here, at parallelism 1 (scripted interleaving) and 4
 * (hash edges); state figures back to zero once everything is retracted; no leaks, also
 * when allocations fail. */
#include "test_operators_join_harness.h"

#include "expr/expr.h"

/* L(k INT, a STRING), R(k INT, b STRING) */
static wr_schema *left_schema(void)
{
    static const char *const n[] = {"k", "a"};
    wr_type t[] = {wr_type_make(WR_TYPE_INT), wr_type_varchar(WR_MAX_LENGTH)};
    return jt_schema(2, n, t);
}

static wr_schema *right_schema(void)
{
    static const char *const n[] = {"k", "b"};
    wr_type t[] = {wr_type_make(WR_TYPE_INT), wr_type_varchar(WR_MAX_LENGTH)};
    return jt_schema(2, n, t);
}

static wr_join_config *config(wr_join_type type, bool lappend, bool rappend)
{
    wr_join_config *c = wr_join_config_new(type, 1);
    assert_non_null(c);
    c->join.left_keys[0] = 0;
    c->join.right_keys[0] = 0;
    c->left_append_only = lappend;
    c->right_append_only = rappend;
    return c;
}

static wr_schema *out_schema(wr_join_type t, const jt_script *s)
{
    wr_schema *o = NULL;
    wr_error err = {0};
    assert_int_equal(wr_join_output_schema(t, s->schema[0], s->schema[1], false, &o, &err), 0);
    return o;
}

static void run(jt_script *s, wr_join_config *c, const jt_opts *o, jt_result *r)
{
    jt_opts def = {0};
    jt_run(s, &wr_join_vt, c, wr_join_config_free, out_schema(c->join.type, s), o ? o : &def, r);
}

/* residual: column lc of the left < column rc of the right (over left ++ right) */
static wr_expr_prog *less_than(const jt_script *s, uint32_t lc, uint32_t rc)
{
    wr_schema *row = wr_join_row_schema(s->schema[0], s->schema[1]);
    assert_non_null(row);
    wr_arena a;
    wr_arena_init(&a, 4096, NULL);
    wr_error err = {0};
    uint32_t rcol = s->schema[0]->ncols + rc;
    wr_expr *args[2] = {wr_expr_column(&a, lc, row->cols[lc].type),
                        wr_expr_column(&a, rcol, row->cols[rcol].type)};
    wr_expr *e = wr_expr_call(&a, "<", args, 2, &err);
    assert_non_null(e);
    wr_expr_prog *p = NULL;
    assert_int_equal(wr_expr_compile(&e, 1, row, &p, &err), 0);
    wr_arena_destroy(&a);
    wr_schema_free(row);
    return p;
}

static int64_t allocs0;

static int setup(void **state)
{
    allocs0 = wr_mem_live_allocs();
    return 0;
}

static int teardown(void **state)
{
    assert_int_equal(wr_mem_live_allocs(), allocs0);
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Exact changelogs
 * ---------------------------------------------------------------------------------------- */
static void test_inner_append(void **state)
{
    jt_script *s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
    jt_row(s, 0, "+I|1|a1");
    jt_row(s, 1, "+I|1|b1");
    jt_row(s, 0, "+I|1|a2");
    jt_row(s, 1, "+I|2|b2");
    jt_row(s, 1, "+I|1|b3");
    jt_row(s, 0, "+I|2|a3");
    jt_result r;
    run(s, config(WR_JOIN_INNER, true, true), NULL, &r);
    JT_EXPECT(&r, "+I[1, a1, 1, b1]", "+I[1, a2, 1, b1]", "+I[1, a1, 1, b3]", "+I[1, a2, 1, b3]",
              "+I[2, a3, 2, b2]");
    jt_result_free(&r);
    jt_script_free(s);
}

/* Inner joins forward the input row's kind (+I, -U, +U, -D). */
static void test_inner_retract(void **state)
{
    jt_script *s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
    jt_row(s, 0, "+I|1|a1");
    jt_row(s, 1, "+I|1|b1");
    jt_row(s, 0, "-U|1|a1");
    jt_row(s, 0, "+U|1|a9");
    jt_row(s, 1, "-D|1|b1");
    jt_row(s, 1, "+I|1|b2");
    jt_row(s, 1, "+U|1|b3");
    jt_row(s, 0, "-D|1|a9");
    jt_row(s, 0, "-D|1|zz"); /* never stored: joins anyway, as Flink does */
    jt_result r;
    run(s, config(WR_JOIN_INNER, false, false), NULL, &r);
    JT_EXPECT(&r, "+I[1, a1, 1, b1]", "-U[1, a1, 1, b1]", "+U[1, a9, 1, b1]", "-D[1, a9, 1, b1]",
              "+I[1, a9, 1, b2]", "+U[1, a9, 1, b3]", "-D[1, a9, 1, b2]", "-D[1, a9, 1, b3]",
              "-D[1, zz, 1, b2]", "-D[1, zz, 1, b3]");
    jt_result_free(&r);
    jt_script_free(s);
}

static void test_left(void **state)
{
    jt_script *s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
    jt_row(s, 0, "+I|1|a1");
    jt_row(s, 1, "+I|1|b1");
    jt_row(s, 1, "+I|1|b2");
    jt_row(s, 1, "-D|1|b1");
    jt_row(s, 1, "-U|1|b2");
    jt_row(s, 0, "+I|2|a2");
    jt_row(s, 0, "-D|2|a2");
    jt_row(s, 1, "+I|3|b3");
    jt_row(s, 0, "+I|3|a3");
    jt_row(s, 0, "-U|3|a3");
    jt_result r;
    run(s, config(WR_JOIN_LEFT, false, false), NULL, &r);
    JT_EXPECT(&r, "+I[1, a1, null, null]",                 /* no match yet */
              "-D[1, a1, null, null]", "+I[1, a1, 1, b1]", /* first match */
              "+I[1, a1, 1, b2]",                          /* second match */
              "-D[1, a1, 1, b1]",                          /* right kind kept */
              "-U[1, a1, 1, b2]", "+I[1, a1, null, null]", /* last match gone */
              "+I[2, a2, null, null]", "-D[2, a2, null, null]", "+I[3, a3, 3, b3]",
              "-D[3, a3, 3, b3]"); /* an outer side's retraction is a -D */
    jt_result_free(&r);
    jt_script_free(s);
}

static void test_right(void **state)
{
    jt_script *s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
    jt_row(s, 1, "+I|1|b1");
    jt_row(s, 0, "+I|1|a1");
    jt_row(s, 0, "+U|1|a2");
    jt_row(s, 0, "-D|1|a1");
    jt_row(s, 0, "-D|1|a2");
    jt_row(s, 1, "-D|1|b1");
    jt_row(s, 0, "+I|2|a3");
    jt_result r;
    run(s, config(WR_JOIN_RIGHT, false, false), NULL, &r);
    JT_EXPECT(&r, "+I[null, null, 1, b1]", "-D[null, null, 1, b1]", "+I[1, a1, 1, b1]",
              "+I[1, a2, 1, b1]", "-D[1, a1, 1, b1]", "-D[1, a2, 1, b1]", "+I[null, null, 1, b1]",
              "-D[null, null, 1, b1]");
    jt_result_free(&r);
    jt_script_free(s);
}

static void test_full(void **state)
{
    jt_script *s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
    jt_row(s, 0, "+I|1|a1");
    jt_row(s, 1, "+I|1|b1");
    jt_row(s, 1, "+I|1|b2");
    jt_row(s, 0, "+I|1|a2");
    jt_row(s, 0, "-D|1|a1");
    jt_row(s, 0, "-D|1|a2");
    jt_row(s, 1, "+I|2|b3");
    jt_row(s, 1, "-U|1|b1");
    jt_row(s, 0, "+I|2|a4");
    jt_result r;
    run(s, config(WR_JOIN_FULL, false, false), NULL, &r);
    JT_EXPECT(&r, "+I[1, a1, null, null]", "-D[1, a1, null, null]", "+I[1, a1, 1, b1]",
              "+I[1, a1, 1, b2]", "+I[1, a2, 1, b1]", "+I[1, a2, 1, b2]", "-D[1, a1, 1, b1]",
              "-D[1, a1, 1, b2]", "-D[1, a2, 1, b1]", "-D[1, a2, 1, b2]", "+I[null, null, 1, b1]",
              "+I[null, null, 1, b2]", "+I[null, null, 2, b3]", "-D[null, null, 1, b1]",
              "-D[null, null, 2, b3]", "+I[2, a4, 2, b3]");
    jt_result_free(&r);
    jt_script_free(s);
}

/* Equal rows form a multiset: each copy joins, each padded copy is retracted. */
static void test_duplicates(void **state)
{
    for (int append = 0; append < 2; append++) {
        jt_script *s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
        static const char *const two[] = {"+I|1|a", "+I|1|a"};
        jt_batch(s, 0, two, 2);
        jt_row(s, 1, "+I|1|b");
        jt_row(s, 1, "+I|1|b");
        if (!append) jt_row(s, 0, "-D|1|a");
        jt_result r;
        run(s, config(WR_JOIN_LEFT, append, append), NULL, &r);
        if (append)
            JT_EXPECT(&r, "+I[1, a, null, null]", "+I[1, a, null, null]", "-D[1, a, null, null]",
                      "-D[1, a, null, null]", "+I[1, a, 1, b]", "+I[1, a, 1, b]", "+I[1, a, 1, b]",
                      "+I[1, a, 1, b]");
        else
            JT_EXPECT(&r, "+I[1, a, null, null]", "+I[1, a, null, null]", "-D[1, a, null, null]",
                      "-D[1, a, null, null]", "+I[1, a, 1, b]", "+I[1, a, 1, b]", "+I[1, a, 1, b]",
                      "+I[1, a, 1, b]", "-D[1, a, 1, b]", "-D[1, a, 1, b]");
        jt_result_free(&r);
        jt_script_free(s);
    }
}

/* append_only is a layout hint: a retraction on such a side still finds its row (by a scan
 * of the key's rows instead of the row table). */
static void test_append_only_hint(void **state)
{
    jt_script *s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
    static const char *const l1[] = {"+I|1|a1", "+I|1|a2", "+I|1|a1"};
    jt_batch(s, 0, l1, 3);
    jt_row(s, 1, "+I|1|b1");
    jt_row(s, 0, "-D|1|a1");
    jt_row(s, 0, "-D|1|a2");
    jt_row(s, 0, "-D|1|a1");
    jt_result r;
    run(s, config(WR_JOIN_FULL, true, true), NULL, &r);
    JT_EXPECT(&r, "+I[1, a1, null, null]", "+I[1, a2, null, null]", "+I[1, a1, null, null]",
              "-D[1, a1, null, null]", "-D[1, a2, null, null]", "-D[1, a1, null, null]",
              "+I[1, a1, 1, b1]", "+I[1, a2, 1, b1]", "+I[1, a1, 1, b1]", "-D[1, a1, 1, b1]",
              "-D[1, a2, 1, b1]", "-D[1, a1, 1, b1]", "+I[null, null, 1, b1]");
    jt_result_free(&r);
    jt_script_free(s);
}

/* Several rows of one key in one batch, each against the state as the earlier ones left it. */
static void test_batches(void **state)
{
    jt_script *s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
    static const char *const l1[] = {"+I|1|a1", "+I|2|a2", "+I|1|a3"};
    static const char *const r1[] = {"+I|1|b1", "+I|1|b2", "-D|1|b1", "+I|3|b3", "-D|1|b2"};
    static const char *const l2[] = {"-D|1|a1", "+I|3|a4", "-D|1|a3", "-D|3|a4"};
    jt_batch(s, 0, l1, 3);
    jt_batch(s, 1, r1, 5);
    jt_batch(s, 0, l2, 4);
    jt_result r;
    run(s, config(WR_JOIN_FULL, false, false), NULL, &r);
    JT_EXPECT(
        &r, "+I[1, a1, null, null]", "+I[2, a2, null, null]", "+I[1, a3, null, null]",
        /* b1 */
        "-D[1, a1, null, null]", "-D[1, a3, null, null]", "+I[1, a1, 1, b1]", "+I[1, a3, 1, b1]",
        /* b2 */
        "+I[1, a1, 1, b2]", "+I[1, a3, 1, b2]",
        /* -b1 */
        "-D[1, a1, 1, b1]", "-D[1, a3, 1, b1]",
        /* b3 */
        "+I[null, null, 3, b3]",
        /* -b2: a1 and a3 lose their last match */
        "-D[1, a1, 1, b2]", "-D[1, a3, 1, b2]", "+I[1, a1, null, null]", "+I[1, a3, null, null]",
        /* left retractions and a4 */
        "-D[1, a1, null, null]", "-D[null, null, 3, b3]", "+I[3, a4, 3, b3]",
        "-D[1, a3, null, null]", "-D[3, a4, 3, b3]", "+I[null, null, 3, b3]");
    jt_result_free(&r);
    jt_script_free(s);
}

/* A NULL key never matches (it still appears padded); null_safe makes NULL meet NULL. */
static void test_null_keys(void **state)
{
    for (int safe = 0; safe < 2; safe++) {
        jt_script *s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
        jt_row(s, 0, "+I|NULL|a0");
        jt_row(s, 1, "+I|NULL|b0");
        jt_row(s, 1, "+I|1|b1");
        jt_row(s, 0, "+I|1|a1");
        jt_row(s, 0, "-D|NULL|a0");
        wr_join_config *c = config(WR_JOIN_FULL, false, false);
        c->join.null_safe[0] = safe;
        jt_result r;
        run(s, c, NULL, &r);
        if (!safe)
            JT_EXPECT(&r, "+I[null, a0, null, null]", "+I[null, null, null, b0]",
                      "+I[null, null, 1, b1]", "-D[null, null, 1, b1]", "+I[1, a1, 1, b1]",
                      "-D[null, a0, null, null]");
        else
            JT_EXPECT(&r, "+I[null, a0, null, null]", "-D[null, a0, null, null]",
                      "+I[null, a0, null, b0]", "+I[null, null, 1, b1]", "-D[null, null, 1, b1]",
                      "+I[1, a1, 1, b1]", "-D[null, a0, null, b0]", "+I[null, null, null, b0]");
        jt_result_free(&r);
        jt_script_free(s);
    }
}

/* L(k, v BIGINT), R(k, w BIGINT) ON l.k = r.k AND l.v < r.w */
static jt_script *num_script(void)
{
    static const char *const ln[] = {"k", "v"};
    static const char *const rn[] = {"k", "w"};
    wr_type t[] = {wr_type_make(WR_TYPE_INT), wr_type_make(WR_TYPE_BIGINT)};
    return jt_script_new(jt_schema(2, ln, t), jt_schema(2, rn, t), -1, -1, 0);
}

static void test_residual(void **state)
{
    jt_script *s = num_script();
    jt_row(s, 0, "+I|1|5");
    jt_row(s, 1, "+I|1|3");
    jt_row(s, 1, "+I|1|7");
    jt_row(s, 1, "+I|1|NULL");
    jt_row(s, 0, "+I|1|2");
    jt_row(s, 1, "-D|1|7");
    jt_row(s, 0, "+I|1|NULL");
    wr_join_config *c = config(WR_JOIN_LEFT, false, false);
    c->join.residual = less_than(s, 1, 1);
    jt_result r;
    run(s, c, NULL, &r);
    JT_EXPECT(&r, "+I[1, 5, null, null]", "-D[1, 5, null, null]", "+I[1, 5, 1, 7]",
              "+I[1, 2, 1, 3]", "+I[1, 2, 1, 7]", "-D[1, 5, 1, 7]", "-D[1, 2, 1, 7]",
              "+I[1, 5, null, null]", "+I[1, null, null, null]");
    jt_result_free(&r);
    jt_script_free(s);
}

/* Integer keys of different widths meet by value; other mismatches need a cast. */
static void test_key_types(void **state)
{
    static const char *const ln[] = {"k", "v"};
    wr_type lt[] = {wr_type_make(WR_TYPE_SMALLINT), wr_type_make(WR_TYPE_BIGINT)};
    wr_type rt[] = {wr_type_make(WR_TYPE_BIGINT), wr_type_make(WR_TYPE_BIGINT)};
    jt_script *s = jt_script_new(jt_schema(2, ln, lt), jt_schema(2, ln, rt), -1, -1, 0);
    jt_row(s, 0, "+I|-3|1");
    jt_row(s, 1, "+I|-3|2");
    jt_result r;
    run(s, config(WR_JOIN_INNER, true, true), NULL, &r);
    JT_EXPECT(&r, "+I[-3, 1, -3, 2]");
    jt_result_free(&r);
    jt_script_free(s);

    wr_type st[] = {wr_type_varchar(10), wr_type_make(WR_TYPE_BIGINT)};
    wr_schema *l = jt_schema(2, ln, lt), *rs = jt_schema(2, ln, st);
    wr_join_config *c = config(WR_JOIN_INNER, true, true);
    wr_error err = {0};
    assert_int_equal(wr_join_check(c, l, rs, &err), WR_ETYPE);
    assert_non_null(strstr(err.msg, "cast"));
    c->join.type = WR_JOIN_SEMI;
    assert_int_equal(wr_join_check(c, l, l, &err), WR_ECONFIG);
    wr_join_config_free(c);
    wr_schema_free(l);
    wr_schema_free(rs);
}

/* Every row retracted: the state figures go back to zero (and nothing leaks). */
static void test_state_purged(void **state)
{
    wr_join_stats stats;
    memset(&stats, 0, sizeof(stats));
    jt_script *s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
    static const char *const l1[] = {"+I|1|a1", "+I|2|a2", "+I|1|a3", "+I|NULL|x"};
    static const char *const r1[] = {"+I|1|b1", "+I|1|b1", "+I|3|b3"};
    static const char *const l2[] = {"-D|1|a1", "-D|2|a2", "-U|1|a3", "-D|NULL|x"};
    static const char *const r2[] = {"-D|1|b1", "-D|3|b3", "-D|1|b1"};
    jt_batch(s, 0, l1, 4);
    jt_batch(s, 1, r1, 3);
    jt_batch(s, 0, l2, 4);
    jt_batch(s, 1, r2, 3);
    wr_join_config *c = config(WR_JOIN_FULL, false, false);
    c->join.stats = &stats;
    jt_result r;
    run(s, c, NULL, &r);
    assert_int_equal(r.rc, 0);
    char *fin = jt_apply(&r);
    assert_string_equal(fin, "");
    free(fin);
    assert_true(stats.emitted > 0);
    jt_result_free(&r);
    jt_script_free(s);
    /* The figures are those of the last batch: nothing is held any more. */
    assert_int_equal(stats.rows[0], 0);
    assert_int_equal(stats.rows[1], 0);
    assert_int_equal(stats.keys, 0);
    assert_int_equal(stats.state_bytes, 0);

    /* A run that keeps rows reports them. */
    memset(&stats, 0, sizeof(stats));
    s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
    jt_batch(s, 0, l1, 4);
    jt_batch(s, 1, r1, 3);
    c = config(WR_JOIN_FULL, false, false);
    c->join.stats = &stats;
    run(s, c, NULL, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(stats.rows[0], 3); /* the NULL-key row is never stored */
    assert_int_equal(stats.rows[1], 3);
    assert_int_equal(stats.keys, 3);
    assert_true(stats.state_bytes > 0);
    jt_result_free(&r);
    jt_script_free(s);
}

/* ------------------------------------------------------------------------------------------
 * Randomized against a nested-loop oracle
 * ---------------------------------------------------------------------------------------- */
typedef struct rrow {
    int k;     /* -1 = NULL */
    int v;     /* -1 = NULL */
    char s[4]; /* "" = NULL */
} rrow;

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33) % n;
}

static void rrow_text(const rrow *x, const char *kind, char *buf, size_t cap)
{
    char k[16], v[16];
    if (x->k < 0)
        snprintf(k, sizeof(k), "NULL");
    else
        snprintf(k, sizeof(k), "%d", x->k);
    if (x->v < 0)
        snprintf(v, sizeof(v), "NULL");
    else
        snprintf(v, sizeof(v), "%d", x->v);
    snprintf(buf, cap, "%s|%s|%s|%s", kind, k, v, x->s[0] ? x->s : "NULL");
}

static void rrow_out(const rrow *x, char *buf, size_t cap)
{
    char k[16], v[16];
    if (x->k < 0)
        snprintf(k, sizeof(k), "null");
    else
        snprintf(k, sizeof(k), "%d", x->k);
    if (x->v < 0)
        snprintf(v, sizeof(v), "null");
    else
        snprintf(v, sizeof(v), "%d", x->v);
    snprintf(buf, cap, "%s, %s, %s", k, v, x->s[0] ? x->s : "null");
}

static wr_schema *rand_schema(const char *v, const char *s)
{
    const char *const n[] = {"k", v, s};
    wr_type t[] = {wr_type_make(WR_TYPE_INT), wr_type_make(WR_TYPE_BIGINT),
                   wr_type_varchar(WR_MAX_LENGTH)};
    return jt_schema(3, n, t);
}

/* Oracle: the final tables joined with nested loops. */
static char *oracle(wr_join_type type, bool residual, bool null_safe, const rrow *L, size_t nl,
                    const rrow *R, size_t nr)
{
    char **out = NULL;
    size_t n = 0, cap = 0;
    char a[64], b[64], line[160];
    bool *rmatched = calloc(nr + 1, 1);
    for (size_t i = 0; i < nl; i++) {
        bool matched = false;
        rrow_out(&L[i], a, sizeof(a));
        for (size_t j = 0; j < nr; j++) {
            bool keq = L[i].k >= 0 && R[j].k >= 0 ? L[i].k == R[j].k
                                                  : null_safe && L[i].k < 0 && R[j].k < 0;
            bool res = !residual || (L[i].v >= 0 && R[j].v >= 0 && L[i].v < R[j].v);
            if (!keq || !res) continue;
            matched = rmatched[j] = true;
            rrow_out(&R[j], b, sizeof(b));
            snprintf(line, sizeof(line), "%s, %s", a, b);
            if (n == cap) out = realloc(out, (cap = cap ? 2 * cap : 64) * sizeof(char *));
            out[n++] = strdup(line);
        }
        if (!matched && wr_join_left_outer(type)) {
            snprintf(line, sizeof(line), "%s, null, null, null", a);
            if (n == cap) out = realloc(out, (cap = cap ? 2 * cap : 64) * sizeof(char *));
            out[n++] = strdup(line);
        }
    }
    for (size_t j = 0; j < nr; j++)
        if (!rmatched[j] && wr_join_right_outer(type)) {
            rrow_out(&R[j], b, sizeof(b));
            snprintf(line, sizeof(line), "null, null, null, %s", b);
            if (n == cap) out = realloc(out, (cap = cap ? 2 * cap : 64) * sizeof(char *));
            out[n++] = strdup(line);
        }
    char *text = jt_sorted(out, n);
    for (size_t i = 0; i < n; i++)
        free(out[i]);
    free(out);
    free(rmatched);
    return text;
}

static void random_round(uint64_t seed, wr_join_type type, bool residual, bool null_safe,
                         bool lappend)
{
    rng_state = seed;
    rrow live[2][200];
    size_t nlive[2] = {0, 0};
    /* Build the steps once, run them at parallelism 1 and 4. */
    char rows[600][48];
    int side_of[600];
    uint32_t batch_end[600];
    size_t nrows = 0, nbatches = 0;
    for (int step = 0; step < 60; step++) {
        int side = (int)rnd(2);
        uint32_t m = 1 + rnd(8);
        for (uint32_t q = 0; q < m; q++) {
            bool retract = !(side == 0 && lappend) && nlive[side] > 0 && rnd(3) == 0;
            const char *kind;
            rrow x;
            if (retract) {
                size_t idx = rnd((uint32_t)nlive[side]);
                x = live[side][idx];
                live[side][idx] = live[side][--nlive[side]];
                kind = rnd(2) ? "-D" : "-U";
            } else {
                if (nlive[side] == 200) continue;
                x.k = rnd(8) == 0 ? -1 : (int)rnd(5);
                x.v = rnd(6) == 0 ? -1 : (int)rnd(10);
                snprintf(x.s, sizeof(x.s), "%c%c", side ? 'r' : 'l', 'a' + (int)rnd(3));
                if (rnd(10) == 0) x.s[0] = 0;
                live[side][nlive[side]++] = x;
                kind = side == 0 && lappend ? "+I" : (rnd(4) ? "+I" : "+U");
            }
            rrow_text(&x, kind, rows[nrows], sizeof(rows[nrows]));
            side_of[nrows++] = side;
        }
        batch_end[nbatches++] = (uint32_t)nrows;
    }
    char *want = oracle(type, residual, null_safe, live[0], nlive[0], live[1], nlive[1]);
    for (int p = 0; p < 2; p++) {
        jt_script *s = jt_script_new(rand_schema("v", "s"), rand_schema("w", "t"), -1, -1, 0);
        size_t start = 0;
        for (size_t b = 0; b < nbatches; b++) {
            const char *ptrs[16];
            uint32_t m = 0;
            for (size_t i = start; i < batch_end[b]; i++)
                ptrs[m++] = rows[i];
            if (m) jt_batch(s, side_of[start], ptrs, m);
            start = batch_end[b];
        }
        wr_join_config *c = config(type, lappend, false);
        c->join.null_safe[0] = null_safe;
        if (residual) c->join.residual = less_than(s, 1, 1);
        static const uint32_t keys[] = {0};
        jt_opts o = {.par = p ? 4 : 1, .lkeys = keys, .rkeys = keys, .nkeys = 1};
        jt_result r;
        run(s, c, &o, &r);
        if (r.rc) fail_msg("job failed: %s", r.err);
        char *got = jt_apply(&r);
        if (strcmp(got, want) != 0)
            fail_msg("seed %llu type %s residual %d par %u:\n--- want\n%s--- got\n%s",
                     (unsigned long long)seed, wr_join_type_name(type), residual, o.par, want, got);
        free(got);
        jt_result_free(&r);
        jt_script_free(s);
    }
    free(want);
}

static void test_random(void **state)
{
    uint64_t seed = 1;
    for (int t = WR_JOIN_INNER; t <= WR_JOIN_FULL; t++)
        for (int variant = 0; variant < 4; variant++)
            random_round(seed++ * 7919, (wr_join_type)t, variant & 1, variant == 2, variant == 3);
}

/* Allocation failures anywhere in the run fail the job cleanly or give the exact result. */
static void test_alloc_failures(void **state)
{
    char *want = NULL;
    for (int64_t k = 0; k < 400; k += (k < 120 ? 1 : 7)) {
        jt_script *s = jt_script_new(left_schema(), right_schema(), -1, -1, 0);
        static const char *const l1[] = {"+I|1|a1", "+I|2|a2", "+I|1|a3"};
        static const char *const r1[] = {"+I|1|b1", "+I|1|b2", "-D|1|b1", "+I|3|b3"};
        jt_batch(s, 0, l1, 3);
        jt_batch(s, 1, r1, 4);
        jt_row(s, 0, "-D|1|a1");
        jt_opts o = {.fail_after = k};
        jt_result r;
        run(s, config(WR_JOIN_FULL, false, false), &o, &r);
        if (k == 0) {
            assert_int_equal(r.rc, 0);
            want = jt_apply(&r);
        } else if (r.rc == 0) {
            if (getenv("JT_DEBUG")) print_message("k=%lld ok\n", (long long)k);
            char *got = jt_apply(&r);
            assert_string_equal(got, want);
            free(got);
        }
        if (r.rc && getenv("JT_DEBUG")) print_message("k=%lld %s\n", (long long)k, r.err);
        jt_result_free(&r);
        jt_script_free(s);
        assert_int_equal(wr_mem_live_allocs(), allocs0);
    }
    free(want);
}

/* Checkpoints: the exact-changelog and randomized tests again, with the operator
 * snapshotted, closed, reopened and restored after every batch and watermark (match counts,
 * multiplicities and row sets come back): the output must not change. */
static void test_checkpoint_roundtrip(void **state)
{
    jt_force_roundtrip = true;
    test_inner_append(state);
    test_inner_retract(state);
    test_left(state);
    test_right(state);
    test_full(state);
    test_duplicates(state);
    test_append_only_hint(state);
    test_batches(state);
    test_null_keys(state);
    test_residual(state);
    test_key_types(state);
    test_random(state);
    jt_force_roundtrip = false;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_inner_append, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inner_retract, setup, teardown),
        cmocka_unit_test_setup_teardown(test_left, setup, teardown),
        cmocka_unit_test_setup_teardown(test_right, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_only_hint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_residual, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_purged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_roundtrip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
