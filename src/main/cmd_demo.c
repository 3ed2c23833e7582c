/* cmd_demo.c - `weir demo`: the built-in demo job, built with the job-builder API exactly as
 * the SQL planner will build the equivalent of
 *
 *   CREATE TABLE clicks (id BIGINT, user_id INT,
 *       ts AS TO_TIMESTAMP_LTZ(1704067200000 + id * 10, 3),
 *       WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
 *     WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', ...);
 *   SELECT user_id, window_start, window_end, COUNT(*) AS clicks
 *   FROM TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND)
 *   GROUP BY user_id, window_start, window_end;
 *
 * datagen (+ calc deriving the event time, chained) --hash(user_id)--> tumbling window count
 * (+ print or blackhole sink, chained). Event time advances 10 ms per generated row, so the
 * result is the same however fast the rows are generated. `--json` prints the statistics
 * the benchmarks read. */
#include "main/main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/connectors.h"
#include "expr/expr.h"
#include "operators/operators.h"
#include "operators/wm_expr.h"
#include "runtime/runtime.h"

#define DEMO_EPOCH_MS 1704067200000ll /* 2024-01-01T00:00:00Z */

typedef struct demo_args {
    int64_t rows;   /* 0 = unbounded */
    int64_t rate;   /* rows per second, 0 = as fast as possible */
    int64_t keys;   /* distinct user_id values */
    int64_t seed;   /* datagen seed, -1 = from the clock */
    bool blackhole; /* sink */
    bool json;
    bool stats; /* print per-task statistics to stderr at the end */
} demo_args;

/* ts = TO_TIMESTAMP_LTZ(DEMO_EPOCH_MS + id * 10, 3), over a schema whose column 0 is id. */
static wr_expr *ts_expr(wr_arena *a, wr_error *err)
{
    wr_value v = {0};
    v.i = DEMO_EPOCH_MS;
    wr_expr *epoch = wr_expr_literal(a, wr_type_not_null(wr_type_make(WR_TYPE_BIGINT)), &v);
    v.i = 10;
    wr_expr *ten = wr_expr_literal(a, wr_type_not_null(wr_type_make(WR_TYPE_BIGINT)), &v);
    wr_expr *id = wr_expr_column(a, 0, wr_type_not_null(wr_type_make(WR_TYPE_BIGINT)));
    wr_expr *mul_args[] = {id, ten};
    wr_expr *mul = wr_expr_call(a, "*", mul_args, 2, err);
    if (!mul) return NULL;
    wr_expr *add_args[] = {epoch, mul};
    wr_expr *add = wr_expr_call(a, "+", add_args, 2, err);
    if (!add) return NULL;
    v.i = 3;
    wr_expr *three = wr_expr_literal(a, wr_type_not_null(wr_type_make(WR_TYPE_INT)), &v);
    wr_expr *ts_args[] = {add, three};
    return wr_expr_call(a, "TO_TIMESTAMP_LTZ", ts_args, 2, err);
}

static int build_job(const demo_args *d, const wr_config *cfg, wr_job **out_job,
                     wr_wm_expr **out_wm, wr_error *err)
{
    int rc = WR_EINTERNAL;
    uint32_t par = (uint32_t)wr_config_int(cfg, "parallelism.default");
    wr_arena arena;
    wr_arena_init(&arena, 4096, NULL);
    wr_job *job = NULL;
    wr_schema *src_schema = NULL, *calc_schema = NULL, *win_schema = NULL;
    wr_options opts;
    wr_options_init(&opts);
    wr_source_def src = {0};
    wr_sink_def sink = {0};
    wr_expr_prog *project = NULL;
    wr_wm_expr *wm = NULL;
    wr_window_agg_config *wcfg = NULL;
    char buf[64];

    /* Source: datagen (id BIGINT NOT NULL sequence, user_id INT random). */
    src_schema = wr_schema_new(2);
    if (!src_schema) goto nomem;
    wr_schema_set(src_schema, 0, "id", wr_type_not_null(wr_type_make(WR_TYPE_BIGINT)));
    wr_schema_set(src_schema, 1, "user_id", wr_type_not_null(wr_type_make(WR_TYPE_INT)));
    wr_options_set(&opts, "connector", "datagen");
    wr_options_set(&opts, "fields.id.kind", "sequence");
    wr_options_set(&opts, "fields.id.start", "0");
    snprintf(buf, sizeof buf, "%lld", (long long)(d->rows > 0 ? d->rows - 1 : INT64_MAX - 1));
    wr_options_set(&opts, "fields.id.end", buf);
    wr_options_set(&opts, "fields.user_id.kind", "random");
    wr_options_set(&opts, "fields.user_id.min", "0");
    snprintf(buf, sizeof buf, "%lld", (long long)(d->keys - 1));
    wr_options_set(&opts, "fields.user_id.max", buf);
    if (d->rate > 0) {
        snprintf(buf, sizeof buf, "%lld", (long long)d->rate);
        wr_options_set(&opts, "rows-per-second", buf);
    } else {
        /* As fast as the job goes: a rate no machine reaches. */
        wr_options_set(&opts, "rows-per-second", "1000000000000000");
    }
    if (d->seed >= 0) {
        snprintf(buf, sizeof buf, "%lld", (long long)d->seed);
        wr_options_set(&opts, "seed", buf);
    }
    if ((rc = wr_connector_make_source(&opts, src_schema, &src, err)) != WR_OK) goto fail;

    /* Calc: (id, user_id, ts). */
    wr_expr *ts = ts_expr(&arena, err);
    if (!ts) {
        rc = err->code;
        goto fail;
    }
    wr_expr *cols[3] = {
        wr_expr_column(&arena, 0, wr_type_not_null(wr_type_make(WR_TYPE_BIGINT))),
        wr_expr_column(&arena, 1, wr_type_not_null(wr_type_make(WR_TYPE_INT))),
        ts,
    };
    if ((rc = wr_expr_compile(cols, 3, src_schema, &project, err)) != WR_OK) goto fail;
    calc_schema = wr_schema_new(3);
    if (!calc_schema) goto nomem;
    wr_schema_set(calc_schema, 0, "id", wr_type_not_null(wr_type_make(WR_TYPE_BIGINT)));
    wr_schema_set(calc_schema, 1, "user_id", wr_type_not_null(wr_type_make(WR_TYPE_INT)));
    wr_type tst = wr_expr_type(ts);
    tst.time_attr = WR_TIME_ATTR_ROWTIME;
    wr_schema_set(calc_schema, 2, "ts", tst);

    /* Watermark: ts - INTERVAL '2' SECOND, evaluated over the source's rows. */
    wr_value v = {0};
    v.i = 2 * 1000000ll;
    wr_expr *two_s =
        wr_expr_literal(&arena, wr_type_not_null(wr_type_make(WR_TYPE_INTERVAL_DT)), &v);
    wr_expr *wm_args[] = {ts, two_s};
    wr_expr *wm_e = wr_expr_call(&arena, "-", wm_args, 2, err);
    if (!wm_e) {
        rc = err->code;
        goto fail;
    }
    wr_expr_prog *wm_prog = NULL;
    if ((rc = wr_expr_compile(&wm_e, 1, src_schema, &wm_prog, err)) != WR_OK) goto fail;
    if (!(wm = wr_wm_expr_new(wm_prog, err))) {
        rc = err->code;
        goto fail;
    }

    /* Window: TUMBLE(ts, 10 s), GROUP BY user_id, COUNT(*). */
    wcfg = wr_window_agg_config_new(1, 1, 4);
    if (!wcfg) goto nomem;
    wcfg->rowtime_col = 2;
    wcfg->window.kind = WR_WINDOW_TUMBLE;
    wcfg->window.size_us = 10 * 1000000ll;
    wcfg->keys[0] = 1;
    wcfg->aggs[0] =
        (wr_agg_spec){.kind = WR_AGG_COUNT_STAR, .arg = -1, .filter = -1, .name = "clicks"};
    wcfg->outs[0] = (wr_window_col){WR_WCOL_KEY, 0};
    wcfg->outs[1] = (wr_window_col){WR_WCOL_WINDOW_START, 0};
    wcfg->outs[2] = (wr_window_col){WR_WCOL_WINDOW_END, 0};
    wcfg->outs[3] = (wr_window_col){WR_WCOL_AGG, 0};
    static const char *const names[] = {"user_id", "window_start", "window_end", "clicks"};
    if ((rc = wr_window_agg_check(wcfg, calc_schema, err)) != WR_OK) goto fail;
    if ((rc = wr_window_agg_schema(wcfg, calc_schema, names, &win_schema, err)) != WR_OK) goto fail;

    /* Sink. */
    wr_options_free(&opts);
    wr_options_init(&opts);
    wr_options_set(&opts, "connector", d->blackhole ? "blackhole" : "print");
    if ((rc = wr_connector_make_sink(&opts, win_schema, &sink, err)) != WR_OK) goto fail;

    job = wr_job_new("demo");
    if (!job) goto nomem;
    wr_job_set_max_parallelism(job, (uint32_t)wr_config_int(cfg, "pipeline.max-parallelism"));
    wr_wm_spec spec = {
        .enabled = true,
        .rowtime_col = -1,
        .eval = wr_wm_expr_eval,
        .eval_arg = wm,
        .interval_us = wr_config_int(cfg, "pipeline.auto-watermark-interval"),
        .idle_timeout_us = wr_config_int(cfg, "table.exec.source.idle-timeout"),
    };
    int v_src =
        wr_job_add_source(job, "datagen", src.vt, src.cfg, src.cfg_free, src_schema, par, &spec);
    src.cfg = NULL;
    int v_calc = wr_job_add_op(job, "calc", &wr_op_calc_vt, wr_calc_cfg_new(NULL, project),
                               wr_calc_cfg_free, calc_schema, par);
    project = NULL;
    int v_win = wr_job_add_op(job, "tumble-count", &wr_window_agg_vt, wcfg,
                              wr_window_agg_config_free, win_schema, par);
    wcfg = NULL;
    int v_sink = wr_job_add_op(job, d->blackhole ? "blackhole" : "print", sink.vt, sink.cfg,
                               sink.cfg_free, win_schema, par);
    sink.cfg = NULL;
    if (v_src < 0 || v_calc < 0 || v_win < 0 || v_sink < 0) {
        rc = WR_EINVAL;
        wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "building the demo job failed");
        goto fail;
    }
    uint32_t key = 1;
    if ((rc = wr_job_connect(job, v_src, v_calc, 0, WR_EDGE_FORWARD, NULL, 0)) < 0 ||
        (rc = wr_job_connect(job, v_calc, v_win, 0, WR_EDGE_HASH, &key, 1)) < 0 ||
        (rc = wr_job_connect(job, v_win, v_sink, 0, WR_EDGE_FORWARD, NULL, 0)) < 0) {
        wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "connecting the demo job failed: %s",
                     wr_err_str(rc));
        goto fail;
    }
    *out_job = job;
    *out_wm = wm;
    job = NULL;
    wm = NULL;
    rc = WR_OK;
    goto done;
nomem:
    rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
fail:
    if (src.cfg && src.cfg_free) src.cfg_free(src.cfg);
    if (sink.cfg && sink.cfg_free) sink.cfg_free(sink.cfg);
    if (wcfg) wr_window_agg_config_free(wcfg);
    if (project) wr_expr_prog_free(project);
    if (wm) wr_wm_expr_free(wm);
    if (job) wr_job_free(job);
done:
    wr_options_free(&opts);
    wr_schema_free(src_schema);
    wr_schema_free(calc_schema);
    wr_schema_free(win_schema);
    wr_arena_destroy(&arena);
    return rc;
}

static int parse_args(int argc, char **argv, demo_args *d, wr_config *cfg)
{
    wr_error err = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int64_t n;
        if (strcmp(a, "--json") == 0) {
            d->json = true;
        } else if (strcmp(a, "--stats") == 0) {
            d->stats = true;
        } else if (strcmp(a, "--sink") == 0 && next) {
            i++;
            if (strcmp(next, "print") == 0)
                d->blackhole = false;
            else if (strcmp(next, "blackhole") == 0)
                d->blackhole = true;
            else {
                wr_main_error("demo: --sink: expected print or blackhole but found '%s'", next);
                return WR_EXIT_USAGE;
            }
        } else if ((strcmp(a, "--rows") == 0 || strcmp(a, "--rate") == 0 ||
                    strcmp(a, "--keys") == 0 || strcmp(a, "--seed") == 0) &&
                   next) {
            i++;
            if (wr_parse_i64(next, &n) != WR_OK || n < 0 ||
                (strcmp(a, "--keys") == 0 && (n < 1 || n > 1000000000))) {
                wr_main_error("demo: %s: expected a non-negative integer but found '%s'", a, next);
                return WR_EXIT_USAGE;
            }
            if (strcmp(a, "--rows") == 0)
                d->rows = n;
            else if (strcmp(a, "--rate") == 0)
                d->rate = n;
            else if (strcmp(a, "--seed") == 0)
                d->seed = n;
            else
                d->keys = n;
        } else if (strcmp(a, "--parallelism") == 0 && next) {
            i++;
            if (wr_config_set(cfg, "parallelism.default", next, &err) != WR_OK) {
                wr_main_error("demo: --parallelism: %s", err.msg);
                return WR_EXIT_USAGE;
            }
        } else if (strcmp(a, "--set") == 0 && next) {
            i++;
            if (wr_config_set_pair(cfg, next, &err) != WR_OK) {
                wr_main_error("demo: --set: %s", err.msg);
                return WR_EXIT_USAGE;
            }
        } else {
            wr_main_error("demo: unknown or incomplete option '%s' (weir help)", a);
            return WR_EXIT_USAGE;
        }
    }
    return WR_EXIT_OK;
}

int wr_cmd_demo(int argc, char **argv)
{
    demo_args d = {.rows = 20000, .rate = 10000, .keys = 10, .seed = -1};
    wr_error err = {0};
    wr_config *cfg = NULL;
    wr_job *job = NULL;
    wr_wm_expr *wm = NULL;
    wr_job_exec *x = NULL;
    wr_job_stats stats = {0};
    int status = WR_EXIT_USAGE;

    if (wr_config_new(&cfg, &err) != WR_OK) {
        wr_main_error("%s", err.msg);
        return WR_EXIT_USAGE;
    }
    if ((status = parse_args(argc, argv, &d, cfg)) != WR_EXIT_OK) goto done;
    wr_main_apply_log_config(cfg);
    if (build_job(&d, cfg, &job, &wm, &err) != WR_OK) {
        wr_main_error("demo: %s", err.msg);
        status = err.domain == WR_DOMAIN_USER ? WR_EXIT_USAGE : WR_EXIT_FAILED;
        goto done;
    }
    if (!d.json) {
        wr_buf desc;
        wr_buf_init(&desc);
        wr_job_describe(job, &desc);
        fprintf(stderr, "%s", desc.ptr);
        wr_buf_free(&desc);
    }
    wr_job_opts opts = {
        .workers = (uint32_t)wr_config_int(cfg, "weir.worker-threads"),
        .batch_rows = (uint32_t)wr_config_int(cfg, "weir.batch-rows"),
        .channel_batches = (uint32_t)wr_config_int(cfg, "weir.channel-capacity"),
    };
    /* Before the job's threads exist, so that they inherit the blocked stop signals. */
    wr_main_job_stop_install();
    int64_t cpu0 = wr_process_cpu_ns();
    int64_t t0 = wr_mono_us();
    if (wr_job_start(job, &opts, &x, &err) != WR_OK) {
        wr_main_error("demo: %s", err.msg);
        status = WR_EXIT_FAILED;
        goto done;
    }
    wr_main_job_stop_attach(x);
    int rc = wr_job_wait(x, &stats, &err);
    wr_main_job_stop_detach();
    x = NULL;
    double wall = (double)(wr_mono_us() - t0) / 1e6;
    double cpu = (double)(wr_process_cpu_ns() - cpu0) / 1e9;
    if (rc != WR_OK) {
        wr_main_error("demo: job failed: %s", err.msg);
        status = WR_EXIT_FAILED;
        goto done;
    }
    uint64_t events = stats.records_in_sources;
    if (d.stats) {
        fprintf(stderr, "%-48s %9s %9s %9s %12s %12s\n", "task", "busy ms", "idle ms", "backpr ms",
                "records in", "records out");
        for (uint32_t i = 0; i < stats.ntasks; i++) {
            const wr_task_stats *t = &stats.tasks[i];
            fprintf(stderr, "%-48s %9.1f %9.1f %9.1f %12llu %12llu\n", t->name,
                    (double)t->busy_ns / 1e6, (double)t->idle_ns / 1e6,
                    (double)t->backpressured_ns / 1e6, (unsigned long long)t->records_in,
                    (unsigned long long)t->records_out);
        }
    }
    if (d.json) {
        double first_ms = stats.first_record_mono_us
                              ? (double)(stats.first_record_mono_us - wr_main_start_us) / 1e3
                              : -1.0;
        printf("{\"job\":\"demo\",\"events\":%llu,\"wall_seconds\":%.3f,\"cpu_seconds\":%.3f,"
               "\"events_per_second\":%.0f,\"events_per_cpu_second\":%.0f,"
               "\"peak_rss_bytes\":%lld,\"first_record_ms\":%.3f,\"output_rows\":%llu}\n",
               (unsigned long long)events, wall, cpu, wall > 0 ? (double)events / wall : 0.0,
               cpu > 0 ? (double)events / cpu : 0.0, (long long)wr_process_peak_rss(), first_ms,
               (unsigned long long)stats.records_out_sinks);
    } else {
        fprintf(stderr, "demo: %llu events, %llu result rows, %.3f s\n", (unsigned long long)events,
                (unsigned long long)stats.records_out_sinks, wall);
    }
    status = WR_EXIT_OK;
done:
    wr_job_stats_free(&stats);
    if (job) wr_job_free(job);
    if (wm) wr_wm_expr_free(wm);
    wr_config_free(cfg);
    return status;
}
