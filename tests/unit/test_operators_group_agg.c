/* test_operators_group_agg.c - group aggregation through the real runtime: exact changelog
 * sequences at parallelism 1 (+I, -U/+U, suppressed unchanged results, -D when a key
 * empties, retractions of the current MIN, leading retractions dropped, per-batch
 * (mini-batch) folding, upsert mode without -U), FILTER, result types (INT wrap-around,
 * exact DECIMAL, integer AVG, NULL for no values), global aggregation without keys, and
 * one-phase vs two-phase at parallelism 1 and 4 on thousands of random append-only and
 * changelog rows, checked against an oracle computed here by sorting the live rows by key,
 * with no leaks. */
#include "test_operators_harness.h"

#include "operators/op_group_agg.h"

/* ------------------------------------------------------------------------------------------
 * Jobs
 * ---------------------------------------------------------------------------------------- */
typedef struct ga_job {
    const wr_schema *in;
    const uint32_t *keys;
    uint32_t nkeys;
    const wr_agg_spec *aggs;
    uint32_t naggs;
    bool emit_ub;
    bool two_phase;
    uint32_t par;
    uint32_t batch_rows; /* preferred output batch rows; 0 = default */
} ga_job;

/* source(par) -> [local(par) -> hash ->] agg/global(par, 1 without keys) -> sink(1).
 * Takes src. */
static void run_group(const ga_job *g, th_source_cfg *src, th_sink *sink)
{
    wr_error err = {0};
    wr_group_agg_cfg *cfg =
        wr_group_agg_cfg_new(g->keys, g->nkeys, g->aggs, g->naggs, g->emit_ub, &err);
    if (!cfg) fail_msg("%s", err.msg);
    wr_schema *out = wr_group_agg_output_schema(cfg, g->in, &err);
    assert_non_null(out);
    uint32_t agg_par = g->nkeys ? g->par : 1;

    wr_job *job = wr_job_new("group-agg-test");
    int s =
        wr_job_add_source(job, "src", &th_source_vt, src, th_source_cfg_free, g->in, g->par, NULL);
    assert_true(s >= 0);
    int agg, k;
    if (g->two_phase) {
        wr_schema *ps = wr_group_agg_partial_schema(cfg, g->in, &err);
        if (!ps) fail_msg("%s", err.msg);
        /* The global's config is a second config (each vertex owns its own). */
        wr_group_agg_cfg *gcfg =
            wr_group_agg_cfg_new(g->keys, g->nkeys, g->aggs, g->naggs, g->emit_ub, &err);
        int local = wr_job_add_op(job, "local", &wr_op_local_group_agg_vt, cfg,
                                  wr_group_agg_cfg_free, ps, g->par);
        agg = wr_job_add_op(job, "global", &wr_op_global_group_agg_vt, gcfg, wr_group_agg_cfg_free,
                            out, agg_par);
        assert_true(local >= 0 && agg >= 0);
        assert_int_equal(wr_job_connect(job, s, local, 0, WR_EDGE_FORWARD, NULL, 0), 0);
        if (g->nkeys)
            assert_int_equal(
                wr_job_connect(job, local, agg, 0, WR_EDGE_HASH, gcfg->pkeys, g->nkeys), 0);
        else
            assert_int_equal(wr_job_connect(job, local, agg, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
        wr_schema_free(ps);
    } else {
        agg = wr_job_add_op(job, "agg", &wr_op_group_agg_vt, cfg, wr_group_agg_cfg_free, out,
                            agg_par);
        assert_true(agg >= 0);
        if (g->nkeys)
            assert_int_equal(wr_job_connect(job, s, agg, 0, WR_EDGE_HASH, g->keys, g->nkeys), 0);
        else
            assert_int_equal(wr_job_connect(job, s, agg, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    }
    k = wr_job_add_op(job, "sink", &th_sink_vt, sink, NULL, out, 1);
    assert_true(k >= 0);
    assert_int_equal(wr_job_connect(job, agg, k, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
    th_run(job, 3, g->batch_rows);
    wr_job_free(job);
    wr_schema_free(out);
}

static wr_agg_spec agg(wr_agg_kind kind, int32_t arg, const wr_schema *in)
{
    wr_agg_spec s = {.kind = kind, .arg = arg, .filter = -1};
    if (arg >= 0) s.arg_type = in->cols[arg].type;
    return s;
}

/* ------------------------------------------------------------------------------------------
 * Exact changelogs
 * ---------------------------------------------------------------------------------------- */
static const char *names5[] = {"k", "v", "d", "flag", "s"};

static wr_schema *schema5(void)
{
    wr_type t[] = {wr_type_varchar(WR_MAX_LENGTH), wr_type_make(WR_TYPE_INT),
                   wr_type_decimal(10, 2), wr_type_make(WR_TYPE_BOOLEAN),
                   wr_type_varchar(WR_MAX_LENGTH)};
    return th_schema(5, names5, t);
}

/* Adds one batch per element of `batches` (rows separated by ';'). */
static th_source_cfg *source_of(const wr_schema *in, const char *const *batches, uint32_t n)
{
    th_source_cfg *src = th_source_cfg_new();
    for (uint32_t b = 0; b < n; b++) {
        char *copy = strdup(batches[b]);
        const char *rows[64];
        uint32_t nr = 0;
        for (char *save = NULL, *r = strtok_r(copy, ";", &save); r; r = strtok_r(NULL, ";", &save))
            rows[nr++] = r;
        th_source_add(src, th_batch(in, rows, nr), 0);
        free(copy);
    }
    return src;
}

static void test_changelog_sequence(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema5();
    uint32_t keys[] = {0};
    wr_agg_spec aggs[] = {agg(WR_AGG_COUNT_STAR, -1, in),   agg(WR_AGG_COUNT, 1, in),
                          agg(WR_AGG_SUM, 1, in),           agg(WR_AGG_MIN, 1, in),
                          agg(WR_AGG_MAX, 1, in),           agg(WR_AGG_AVG, 1, in),
                          agg(WR_AGG_COUNT_DISTINCT, 1, in)};
    for (int i = 0; i < 7; i++)
        aggs[i].retract = true;
    static const char *batches[] = {
        "+I|a|1|0|NULL|x;+I|b|5|0|NULL|x",    /* 1: first results */
        "+I|a|3|0|NULL|x",                    /* 2: update */
        "+I|a|NULL|0|NULL|x",                 /* 3: only COUNT(*) changes */
        "+I|b|5|0|NULL|x;-D|b|5|0|NULL|x",    /* 4: net nothing: suppressed */
        "-D|a|1|0|NULL|x",                    /* 5: retract the current MIN */
        "-D|c|7|0|NULL|x",                    /* 6: retraction of an unknown key: dropped */
        "+I|c|7|0|NULL|x;-U|c|7|0|NULL|x",    /* 7: created and emptied in one batch */
        "-D|b|5|0|NULL|x",                    /* 8: b empties */
        "-U|a|3|0|NULL|x;+U|a|3|0|NULL|x",    /* 9: same row retracted and re-added */
        "-D|a|3|0|NULL|x;-D|a|NULL|0|NULL|x", /* 10: a empties */
        "+I|a|2|0|NULL|x",                    /* 11: a is new again */
    };
    ga_job g = {
        .in = in, .keys = keys, .nkeys = 1, .aggs = aggs, .naggs = 7, .emit_ub = true, .par = 1};
    th_sink *sink = th_sink_new(1);
    run_group(&g, source_of(in, batches, 11), sink);
    th_assert_lines(sink, "+I[a, 1, 1, 1, 1, 1, 1, 1]\n"
                          "+I[b, 1, 1, 5, 5, 5, 5, 1]\n"
                          "-U[a, 1, 1, 1, 1, 1, 1, 1]\n"
                          "+U[a, 2, 2, 4, 1, 3, 2, 2]\n"
                          "-U[a, 2, 2, 4, 1, 3, 2, 2]\n"
                          "+U[a, 3, 2, 4, 1, 3, 2, 2]\n"
                          "-U[a, 3, 2, 4, 1, 3, 2, 2]\n"
                          "+U[a, 2, 1, 3, 3, 3, 3, 1]\n"
                          "-D[b, 1, 1, 5, 5, 5, 5, 1]\n"
                          "-D[a, 2, 1, 3, 3, 3, 3, 1]\n"
                          "+I[a, 1, 1, 2, 2, 2, 2, 1]\n");
    th_sink_free(sink);

    /* Upsert consumers: no -U. */
    g.emit_ub = false;
    sink = th_sink_new(1);
    run_group(&g, source_of(in, batches, 11), sink);
    th_assert_lines(sink, "+I[a, 1, 1, 1, 1, 1, 1, 1]\n"
                          "+I[b, 1, 1, 5, 5, 5, 5, 1]\n"
                          "+U[a, 2, 2, 4, 1, 3, 2, 2]\n"
                          "+U[a, 3, 2, 4, 1, 3, 2, 2]\n"
                          "+U[a, 2, 1, 3, 3, 3, 3, 1]\n"
                          "-D[b, 1, 1, 5, 5, 5, 5, 1]\n"
                          "-D[a, 2, 1, 3, 3, 3, 3, 1]\n"
                          "+I[a, 1, 1, 2, 2, 2, 2, 1]\n");
    th_sink_free(sink);

    /* Mini-batch folding: batches 1-3 as one batch give one +I per key with the net
     * result; 5 and 8 in one batch: -U carries the value before the batch. */
    static const char *folded[] = {
        "+I|a|1|0|NULL|x;+I|b|5|0|NULL|x;+I|a|3|0|NULL|x;+I|a|NULL|0|NULL|x",
        "-D|a|1|0|NULL|x;+I|a|9|0|NULL|x;-D|b|5|0|NULL|x",
    };
    g.emit_ub = true;
    sink = th_sink_new(1);
    run_group(&g, source_of(in, folded, 2), sink);
    th_assert_lines(sink, "+I[a, 3, 2, 4, 1, 3, 2, 2]\n"
                          "+I[b, 1, 1, 5, 5, 5, 5, 1]\n"
                          "-U[a, 3, 2, 4, 1, 3, 2, 2]\n"
                          "+U[a, 3, 2, 12, 3, 9, 6, 2]\n"
                          "-D[b, 1, 1, 5, 5, 5, 5, 1]\n");
    th_sink_free(sink);
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

/* FILTER, string MIN/MAX, DECIMAL SUM/AVG, INT wrap-around, AVG integer division, NULL for
 * a group with no (filtered) values, and a global aggregation without keys. */
static void test_filter_types_global(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema5();
    uint32_t keys[] = {0};
    wr_agg_spec aggs[] = {agg(WR_AGG_COUNT_STAR, -1, in), agg(WR_AGG_SUM, 1, in),
                          agg(WR_AGG_AVG, 1, in),         agg(WR_AGG_SUM, 2, in),
                          agg(WR_AGG_AVG, 2, in),         agg(WR_AGG_MIN, 4, in),
                          agg(WR_AGG_MAX, 4, in),         agg(WR_AGG_SUM, 1, in)};
    aggs[0].filter = 3; /* COUNT(*) FILTER (WHERE flag) */
    aggs[7].filter = 3; /* SUM(v) FILTER (WHERE flag) */
    static const char *batches[] = {
        "+I|a|2147483647|1.10|true|pear;+I|a|1|2.20|false|apple;+I|b|-7|0.01|NULL|fig",
        "+I|b|0|0.00|false|NULL;+I|a|NULL|NULL|true|zebra",
    };
    ga_job g = {
        .in = in, .keys = keys, .nkeys = 1, .aggs = aggs, .naggs = 8, .emit_ub = true, .par = 1};
    th_sink *sink = th_sink_new(1);
    run_group(&g, source_of(in, batches, 2), sink);
    /* a: SUM(INT) wraps to INT_MIN; AVG = (2147483647 + 1) / 2 in BIGINT = 1073741824;
     * SUM(d) DECIMAL(38,2); AVG(d) DECIMAL(38,6) = 3.30 / 2 = 1.650000.
     * b: AVG(-7, 0) = -3 (truncated); AVG(0.01, 0.00) = 0.005000; SUM(v) FILTER: NULL. */
    th_assert_lines(sink, "+I[a, 1, -2147483648, 1073741824, 3.30, 1.650000, apple, pear, "
                          "2147483647]\n"
                          "+I[b, 0, -7, -7, 0.01, 0.010000, fig, fig, null]\n"
                          "-U[b, 0, -7, -7, 0.01, 0.010000, fig, fig, null]\n"
                          "+U[b, 0, -7, -3, 0.01, 0.005000, fig, fig, null]\n"
                          "-U[a, 1, -2147483648, 1073741824, 3.30, 1.650000, apple, pear, "
                          "2147483647]\n"
                          "+U[a, 2, -2147483648, 1073741824, 3.30, 1.650000, apple, zebra, "
                          "2147483647]\n");
    th_sink_free(sink);

    /* Global aggregation (no keys): one group; one-phase and two-phase. */
    wr_agg_spec gaggs[] = {agg(WR_AGG_COUNT_STAR, -1, in), agg(WR_AGG_SUM, 1, in),
                           agg(WR_AGG_MAX, 4, in)};
    for (int tp = 0; tp < 2; tp++) {
        ga_job gg = {.in = in,
                     .nkeys = 0,
                     .aggs = gaggs,
                     .naggs = 3,
                     .emit_ub = true,
                     .two_phase = tp,
                     .par = 2};
        sink = th_sink_new(0);
        th_source_cfg *src = source_of(in, batches, 2);
        run_group(&gg, src, sink);
        char *final = th_apply_changelog(sink);
        assert_string_equal(final, "5, 2147483641, zebra\n");
        free(final);
        th_sink_free(sink);
    }
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_can_two_phase(void **unused)
{
    wr_schema *in = schema5();
    wr_agg_spec a[] = {agg(WR_AGG_COUNT_STAR, -1, in), agg(WR_AGG_SUM, 1, in),
                       agg(WR_AGG_AVG, 2, in), agg(WR_AGG_MIN, 1, in)};
    assert_true(wr_group_agg_can_two_phase(a, 4, false));
    assert_false(wr_group_agg_can_two_phase(a, 4, true));
    assert_true(wr_group_agg_can_two_phase(a, 3, true));
    wr_agg_spec d = agg(WR_AGG_COUNT_DISTINCT, 1, in);
    assert_false(wr_group_agg_can_two_phase(&d, 1, false));
    /* The partial schema is refused for COUNT DISTINCT. */
    wr_error err = {0};
    uint32_t keys[] = {0};
    wr_group_agg_cfg *cfg = wr_group_agg_cfg_new(keys, 1, &d, 1, true, &err);
    assert_non_null(cfg);
    assert_null(wr_group_agg_partial_schema(cfg, in, &err));
    assert_int_equal(err.code, WR_EUNSUPPORTED);
    wr_group_agg_cfg_free(cfg);
    /* A bad aggregate is refused with a message. */
    wr_agg_spec bad = agg(WR_AGG_SUM, 4, in);
    assert_null(wr_group_agg_cfg_new(keys, 1, &bad, 1, true, &err));
    assert_int_equal(err.code, WR_ETYPE);
    wr_schema_free(in);
}

/* ------------------------------------------------------------------------------------------
 * Random rows vs an oracle
 * ---------------------------------------------------------------------------------------- */
typedef struct orow {
    int32_t k1;
    int k2; /* 0 "x", 1 "y", 2 NULL */
    bool v_null;
    int32_t v;
    bool d_null;
    int64_t d; /* DECIMAL(12,2) unscaled */
    int flag;  /* 0 false, 1 true, 2 NULL */
    bool s_null;
    char s[8];
} orow;

static const char *names_r[] = {"k1", "k2", "v", "d", "flag", "s"};

static wr_schema *schema_r(void)
{
    wr_type t[] = {wr_type_make(WR_TYPE_INT),     wr_type_varchar(WR_MAX_LENGTH),
                   wr_type_make(WR_TYPE_INT),     wr_type_decimal(12, 2),
                   wr_type_make(WR_TYPE_BOOLEAN), wr_type_varchar(WR_MAX_LENGTH)};
    return th_schema(6, names_r, t);
}

static uint64_t rng_state = 88172645463325252ull;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static orow random_row(void)
{
    orow r;
    memset(&r, 0, sizeof(r));
    r.k1 = (int32_t)rnd(40) - 5;
    r.k2 = (int)rnd(3);
    r.v_null = rnd(10) == 0;
    /* Mostly small values, sometimes huge ones so that SUM(INT) wraps around. */
    r.v = rnd(8) == 0 ? (int32_t)(2000000000 + rnd(100000000)) * (rnd(2) ? 1 : -1)
                      : (int32_t)rnd(2001) - 1000;
    r.d_null = rnd(12) == 0;
    r.d = (int64_t)rnd(2000000) - 1000000;
    r.flag = (int)rnd(3);
    r.s_null = rnd(9) == 0;
    snprintf(r.s, sizeof(r.s), "s%u", rnd(60));
    return r;
}

static void row_text(const orow *r, const char *kind, char *out, size_t n)
{
    char v[16], d[32];
    if (r->v_null)
        snprintf(v, sizeof(v), "NULL");
    else
        snprintf(v, sizeof(v), "%d", r->v);
    int64_t ad = r->d < 0 ? -r->d : r->d;
    if (r->d_null)
        snprintf(d, sizeof(d), "NULL");
    else
        snprintf(d, sizeof(d), "%s%lld.%02lld", r->d < 0 ? "-" : "", (long long)(ad / 100),
                 (long long)(ad % 100));
    static const char *k2s[] = {"x", "y", "NULL"};
    static const char *fs[] = {"false", "true", "NULL"};
    snprintf(out, n, "%s|%d|%s|%s|%s|%s|%s", kind, r->k1, k2s[r->k2], v, d, fs[r->flag],
             r->s_null ? "NULL" : r->s);
}

/* The random input: 4 lanes (lane = k1 mod 4 picks the source subtask at parallelism 4, so
 * each key's changes stay in order), batches of random size. Fills live[] with the rows
 * alive at the end. */
typedef struct gen {
    orow *live;
    size_t nlive;
    th_source_cfg *src[2]; /* two identical sources (one-phase and two-phase runs) */
} gen;

static void generate(const wr_schema *in, bool changelog, uint32_t nrows, gen *g, uint32_t nsrc)
{
    orow *lane_live[4];
    size_t lane_n[4] = {0};
    for (int l = 0; l < 4; l++)
        lane_live[l] = calloc(nrows + 1, sizeof(orow));
    for (uint32_t s = 0; s < nsrc; s++)
        g->src[s] = th_source_cfg_new();
    wr_batch *cur[4] = {0};
    uint32_t left[4] = {0};
    for (uint32_t i = 0; i < nrows;) {
        orow r = random_row();
        int lane = ((r.k1 % 4) + 4) % 4;
        if (!cur[lane]) {
            cur[lane] = wr_batch_new(in, 256, NULL);
            left[lane] = 1 + rnd(200);
        }
        char text[160];
        uint32_t act = changelog && lane_n[lane] ? rnd(10) : 0;
        if (act < 6) { /* insert */
            row_text(&r, "+I", text, sizeof(text));
            th_add_row(cur[lane], text);
            lane_live[lane][lane_n[lane]++] = r;
            i++;
        } else { /* retract a live row of this lane: -D, or -U followed by +U */
            size_t j = rnd((uint32_t)lane_n[lane]);
            orow old = lane_live[lane][j];
            if (act < 8 || cur[lane]->len + 2 > cur[lane]->cap) {
                row_text(&old, rnd(2) ? "-D" : "-U", text, sizeof(text));
                th_add_row(cur[lane], text);
                lane_live[lane][j] = lane_live[lane][--lane_n[lane]];
                i++;
            } else {
                orow nw = random_row();
                nw.k1 = old.k1;
                nw.k2 = old.k2;
                row_text(&old, "-U", text, sizeof(text));
                th_add_row(cur[lane], text);
                row_text(&nw, "+U", text, sizeof(text));
                th_add_row(cur[lane], text);
                lane_live[lane][j] = nw;
                i += 2;
            }
        }
        if (cur[lane]->len >= left[lane] || cur[lane]->len + 2 >= cur[lane]->cap) {
            for (uint32_t s = 0; s < nsrc; s++) {
                wr_batch_retain(cur[lane]);
                th_source_add(g->src[s], cur[lane], (uint32_t)lane);
            }
            wr_batch_release(cur[lane]);
            cur[lane] = NULL;
        }
    }
    g->nlive = 0;
    g->live = calloc(nrows + 1, sizeof(orow));
    for (int l = 0; l < 4; l++) {
        if (cur[l]) {
            for (uint32_t s = 0; s < nsrc; s++) {
                wr_batch_retain(cur[l]);
                th_source_add(g->src[s], cur[l], (uint32_t)l);
            }
            wr_batch_release(cur[l]);
        }
        memcpy(g->live + g->nlive, lane_live[l], lane_n[l] * sizeof(orow));
        g->nlive += lane_n[l];
        free(lane_live[l]);
    }
}

static int cmp_key(const void *a, const void *b)
{
    const orow *x = a, *y = b;
    if (x->k1 != y->k1) return x->k1 < y->k1 ? -1 : 1;
    return x->k2 - y->k2;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The aggregate over rows [lo, hi) of sorted live rows, written as a value of the output
 * column (an independent, plain implementation). */
static void oracle_value(const wr_agg_spec *a, const orow *rows, size_t lo, size_t hi,
                         wr_value *out, int32_t *scratch)
{
    memset(out, 0, sizeof(*out));
    int64_t n = 0, cnt = 0;
    uint32_t isum = 0;
    int64_t lsum = 0;
    wr_i128 dsum = 0;
    bool have = false;
    int32_t best_i = 0;
    int64_t best_d = 0;
    const char *best_s = NULL;
    size_t nd = 0;
    for (size_t r = lo; r < hi; r++) {
        const orow *o = &rows[r];
        if (a->filter >= 0 && o->flag != 1) continue;
        n++;
        bool is_null = a->arg == 2 ? o->v_null : a->arg == 3 ? o->d_null : o->s_null;
        if (a->kind == WR_AGG_COUNT_STAR || is_null) continue;
        cnt++;
        if (a->arg == 2) {
            isum += (uint32_t)o->v;
            lsum += o->v;
            if (!have || (a->kind == WR_AGG_MIN ? o->v < best_i : o->v > best_i)) best_i = o->v;
            scratch[nd++] = o->v;
        } else if (a->arg == 3) {
            dsum += o->d;
            if (!have || (a->kind == WR_AGG_MIN ? o->d < best_d : o->d > best_d)) best_d = o->d;
        } else {
            int c = best_s ? strcmp(o->s, best_s) : 0;
            if (!have || (a->kind == WR_AGG_MIN ? c < 0 : c > 0)) best_s = o->s;
        }
        have = true;
    }
    switch (a->kind) {
    case WR_AGG_COUNT_STAR:
        out->i = n;
        return;
    case WR_AGG_COUNT:
        out->i = cnt;
        return;
    case WR_AGG_COUNT_DISTINCT: {
        qsort(scratch, nd, sizeof(int32_t), cmp_i32);
        int64_t u = 0;
        for (size_t i = 0; i < nd; i++)
            u += i == 0 || scratch[i] != scratch[i - 1];
        out->i = u;
        return;
    }
    default:
        break;
    }
    if (!cnt) {
        out->is_null = true;
        return;
    }
    if (a->kind == WR_AGG_SUM) {
        if (a->arg == 2)
            out->i = (int32_t)isum;
        else
            out->dec = dsum;
    } else if (a->kind == WR_AGG_AVG) {
        if (a->arg == 2) {
            out->i = (int32_t)(lsum / cnt);
        } else {
            /* scale 2 -> 6: sum * 10^4 / cnt, HALF_UP */
            wr_i128 num = dsum * 10000, q = num / cnt, rem = num % cnt;
            if (rem < 0) rem = -rem;
            if (2 * rem >= cnt) q += num < 0 ? -1 : 1;
            out->dec = q;
        }
    } else if (a->arg == 2) {
        out->i = best_i;
    } else if (a->arg == 3) {
        out->i = best_d;
    } else {
        out->s = wr_strv_make(best_s, (uint32_t)strlen(best_s));
    }
}

/* Expected final table: one line per live group, sorted. */
static char *oracle(gen *g, const wr_schema *in, const wr_agg_spec *aggs, uint32_t naggs)
{
    wr_error err = {0};
    uint32_t keys[] = {0, 1};
    wr_group_agg_cfg *cfg = wr_group_agg_cfg_new(keys, 2, aggs, naggs, true, &err);
    wr_schema *out = wr_group_agg_output_schema(cfg, in, &err);
    qsort(g->live, g->nlive, sizeof(orow), cmp_key);
    int32_t *scratch = calloc(g->nlive + 1, sizeof(int32_t));
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    text[0] = 0;
    wr_batch *b = wr_batch_new(out, 1, NULL);
    static const char *k2s[] = {"x", "y"};
    for (size_t lo = 0; lo < g->nlive;) {
        size_t hi = lo;
        while (hi < g->nlive && cmp_key(&g->live[lo], &g->live[hi]) == 0)
            hi++;
        wr_batch_clear(b);
        wr_value v = {.i = g->live[lo].k1};
        assert_int_equal(wr_batch_set(b, 0, 0, &v), 0);
        memset(&v, 0, sizeof(v));
        if (g->live[lo].k2 == 2)
            v.is_null = true;
        else
            v.s = wr_strv_make(k2s[g->live[lo].k2], 1);
        assert_int_equal(wr_batch_set(b, 1, 0, &v), 0);
        for (uint32_t a = 0; a < naggs; a++) {
            oracle_value(&aggs[a], g->live, lo, hi, &v, scratch);
            assert_int_equal(wr_batch_set(b, 2 + a, 0, &v), 0);
        }
        b->len = 1;
        char *line = th_format_row(b, 0, 0, b->ncols, false);
        size_t ll = strlen(line);
        while (len + ll + 2 > cap)
            text = realloc(text, cap *= 2);
        memcpy(text + len, line, ll);
        len += ll;
        text[len++] = '\n';
        text[len] = 0;
        free(line);
        lo = hi;
    }
    wr_test_sort_lines(text);
    wr_batch_release(b);
    free(scratch);
    wr_schema_free(out);
    wr_group_agg_cfg_free(cfg);
    return text;
}

static void check_random(bool changelog, const wr_agg_spec *one, uint32_t none,
                         const wr_agg_spec *two, uint32_t ntwo)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema_r();
    uint32_t keys[] = {0, 1};
    for (uint32_t par = 1; par <= 4; par += 3) {
        gen g = {0};
        generate(in, changelog, 4000, &g, 2);
        char *want_one = oracle(&g, in, one, none);
        char *want_two = oracle(&g, in, two, ntwo);
        assert_true(strlen(want_one) > 100);

        /* At parallelism 4, small output batches: one input batch's changelog spans
         * several output batches. */
        const uint32_t brows = par == 4 ? 16 : 0;
        ga_job j1 = {.in = in,
                     .keys = keys,
                     .nkeys = 2,
                     .aggs = one,
                     .naggs = none,
                     .emit_ub = true,
                     .par = par,
                     .batch_rows = brows};
        th_sink *sink = th_sink_new(2);
        run_group(&j1, g.src[0], sink);
        /* Many groups, each updated several times (so -U/+U pairs were checked). */
        size_t ngroups = 0;
        for (const char *p = want_one; *p; p++)
            ngroups += *p == '\n';
        assert_true(ngroups > 60);
        assert_true(sink->n > 3 * ngroups);
        char *got = th_apply_changelog(sink);
        assert_string_equal(got, want_one);
        free(got);
        th_sink_free(sink);

        ga_job j2 = {.in = in,
                     .keys = keys,
                     .nkeys = 2,
                     .aggs = two,
                     .naggs = ntwo,
                     .emit_ub = true,
                     .two_phase = true,
                     .par = par,
                     .batch_rows = brows};
        sink = th_sink_new(2);
        run_group(&j2, g.src[1], sink);
        got = th_apply_changelog(sink);
        assert_string_equal(got, want_two);
        free(got);
        th_sink_free(sink);

        free(want_one);
        free(want_two);
        free(g.live);
    }
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

static void test_random_append(void **unused)
{
    wr_schema *in = schema_r();
    wr_agg_spec a[] = {
        agg(WR_AGG_COUNT_STAR, -1, in), agg(WR_AGG_COUNT, 2, in), agg(WR_AGG_SUM, 2, in),
        agg(WR_AGG_AVG, 2, in),         agg(WR_AGG_SUM, 3, in),   agg(WR_AGG_AVG, 3, in),
        agg(WR_AGG_MIN, 2, in),         agg(WR_AGG_MAX, 5, in),   agg(WR_AGG_MIN, 3, in),
        agg(WR_AGG_COUNT_STAR, -1, in), agg(WR_AGG_SUM, 2, in),   agg(WR_AGG_MAX, 2, in)};
    a[9].filter = 4;
    a[10].filter = 4;
    a[11].filter = 4;
    assert_true(wr_group_agg_can_two_phase(a, 12, false));
    /* One-phase also gets COUNT DISTINCT. */
    wr_agg_spec one[13];
    memcpy(one, a, sizeof(a));
    one[12] = agg(WR_AGG_COUNT_DISTINCT, 2, in);
    check_random(false, one, 13, a, 12);
    wr_schema_free(in);
}

static void test_random_changelog(void **unused)
{
    wr_schema *in = schema_r();
    wr_agg_spec two[] = {agg(WR_AGG_COUNT_STAR, -1, in), agg(WR_AGG_COUNT, 2, in),
                         agg(WR_AGG_SUM, 2, in),         agg(WR_AGG_AVG, 2, in),
                         agg(WR_AGG_SUM, 3, in),         agg(WR_AGG_AVG, 3, in),
                         agg(WR_AGG_COUNT_STAR, -1, in), agg(WR_AGG_SUM, 2, in)};
    two[6].filter = 4;
    two[7].filter = 4;
    for (int i = 0; i < 8; i++)
        two[i].retract = true;
    assert_true(wr_group_agg_can_two_phase(two, 8, true));
    wr_agg_spec one[] = {agg(WR_AGG_COUNT_STAR, -1, in), agg(WR_AGG_SUM, 2, in),
                         agg(WR_AGG_AVG, 3, in),         agg(WR_AGG_MIN, 2, in),
                         agg(WR_AGG_MAX, 2, in),         agg(WR_AGG_MAX, 5, in),
                         agg(WR_AGG_MIN, 3, in),         agg(WR_AGG_COUNT_DISTINCT, 2, in),
                         agg(WR_AGG_MIN, 2, in)};
    one[8].filter = 4;
    for (int i = 0; i < 9; i++)
        one[i].retract = true;
    assert_false(wr_group_agg_can_two_phase(one, 9, true));
    check_random(true, one, 9, two, 8);
    wr_schema_free(in);
}

/* Injected allocation failures anywhere in a job (state, accumulators, batches, runtime)
 * fail it with an error, never crash, and leak nothing. */
static void test_alloc_failures(void **unused)
{
    int64_t live0 = wr_mem_live_allocs();
    wr_schema *in = schema5();
    const int64_t live1 = wr_mem_live_allocs();
    uint32_t keys[] = {0};
    wr_agg_spec aggs[] = {agg(WR_AGG_COUNT_STAR, -1, in), agg(WR_AGG_MIN, 4, in),
                          agg(WR_AGG_MAX, 4, in), agg(WR_AGG_COUNT_DISTINCT, 4, in),
                          agg(WR_AGG_SUM, 1, in)};
    aggs[1].retract = aggs[2].retract = true;
    static const char *batches[] = {
        "+I|a|1|1.00|true|pear;+I|b|5|2.00|NULL|fig;+I|a|3|0.50|false|apple",
        "+I|c|1|1.00|true|kiwi;-D|a|1|1.00|true|pear;+I|b|2|2.00|true|zzz",
        "-D|b|5|2.00|NULL|fig;+I|a|NULL|NULL|NULL|NULL",
    };
    int failed = 0, ok = 0;
    for (int64_t n = 1; n < 100000 && ok < 3; n += 1 + n / 8) {
        wr_error err = {0};
        wr_group_agg_cfg *cfg = wr_group_agg_cfg_new(keys, 1, aggs, 5, true, &err);
        wr_schema *out = wr_group_agg_output_schema(cfg, in, &err);
        th_sink *sink = th_sink_new(1);
        wr_job *job = wr_job_new("alloc-failures");
        int s = wr_job_add_source(job, "src", &th_source_vt, source_of(in, batches, 3),
                                  th_source_cfg_free, in, 1, NULL);
        int a = wr_job_add_op(job, "agg", &wr_op_group_agg_vt, cfg, wr_group_agg_cfg_free, out, 2);
        int k = wr_job_add_op(job, "sink", &th_sink_vt, sink, NULL, out, 1);
        assert_int_equal(wr_job_connect(job, s, a, 0, WR_EDGE_HASH, keys, 1), 0);
        assert_int_equal(wr_job_connect(job, a, k, 0, WR_EDGE_REBALANCE, NULL, 0), 0);
        wr_job_opts opts = {.workers = 2};
        wr_mem_fail_after(n);
        int rc = wr_job_run(job, &opts, NULL, &err);
        wr_mem_fail_off();
        if (rc == 0) {
            ok++;
            char *final = th_apply_changelog(sink);
            assert_string_equal(final, "a, 2, apple, apple, 1, 3\n"
                                       "b, 1, zzz, zzz, 1, 2\n"
                                       "c, 1, kiwi, kiwi, 1, 1\n");
            free(final);
        } else {
            failed++;
        }
        wr_job_free(job);
        wr_schema_free(out);
        th_sink_free(sink);
        assert_int_equal(wr_mem_live_allocs(), live1);
    }
    assert_true(failed > 5);
    assert_true(ok > 0);
    wr_schema_free(in);
    assert_int_equal(wr_mem_live_allocs(), live0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changelog_sequence), cmocka_unit_test(test_filter_types_global),
        cmocka_unit_test(test_can_two_phase),      cmocka_unit_test(test_random_append),
        cmocka_unit_test(test_random_changelog),   cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
