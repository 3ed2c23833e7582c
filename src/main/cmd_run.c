/* cmd_run.c - `weir run FILE.sql [--set KEY=VALUE]... [--parallelism N]`: executes every
 * statement of a SQL file in order through a planner session (DDL registers, SET changes
 * settings, SHOW/DESCRIBE print), then runs all its INSERT and SELECT statements as one job
 * (a statement set). A job over bounded sources ends by itself (exit 0); one with an
 * unbounded source runs until SIGINT/SIGTERM. Exit 1 when the job fails, 2 for usage, SQL
 * and configuration errors (every error of the file is printed as FILE:LINE:COL: message).
 * `weir explain FILE.sql` (cmd_explain.c) shares the loading code here. */
#include "main/main.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "checkpoint/checkpoint.h"
#include "plan/plan.h"
#include "runtime/runtime.h"

/* Read a whole file into a NUL-terminated buffer (wr_free). */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    wr_buf b;
    wr_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (wr_buf_append(&b, chunk, n) < 0) {
            fclose(f);
            wr_buf_free(&b);
            return NULL;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        wr_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    if (!b.ptr) wr_buf_append(&b, "", 0);
    return wr_buf_steal(&b);
}

int wr_main_load_script(const char *cmd, int argc, char **argv, wr_config **out_cfg,
                        wr_session **out_sess, char **out_text)
{
    wr_error err = {0};
    wr_config *cfg = NULL;
    const char *file = NULL;
    *out_cfg = NULL;
    *out_sess = NULL;
    *out_text = NULL;
    if (wr_config_new(&cfg, &err) != WR_OK) {
        wr_main_error("%s", err.msg);
        return WR_EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--set") == 0 && i + 1 < argc) {
            if (wr_config_set_pair(cfg, argv[++i], &err) != WR_OK) {
                wr_main_error("--set: %s", err.msg);
                goto usage;
            }
        } else if (strcmp(a, "--parallelism") == 0 && i + 1 < argc) {
            if (wr_config_set(cfg, "parallelism.default", argv[++i], &err) != WR_OK) {
                wr_main_error("--parallelism: %s", err.msg);
                goto usage;
            }
        } else if (strcmp(a, "--checkpoint-dir") == 0 && i + 1 < argc) {
            if (wr_config_set(cfg, "state.checkpoints.dir", argv[++i], &err) != WR_OK) {
                wr_main_error("--checkpoint-dir: %s", err.msg);
                goto usage;
            }
        } else if (strcmp(a, "--restore") == 0 && i + 1 < argc) {
            if (wr_config_set(cfg, "execution.savepoint.path", argv[++i], &err) != WR_OK) {
                wr_main_error("--restore: %s", err.msg);
                goto usage;
            }
        } else if (strcmp(a, "--status-socket") == 0 && i + 1 < argc && !strcmp(cmd, "run")) {
            i++; /* served by run_status.c (wr_run_status_start) */
        } else if (strncmp(a, "--", 2) == 0) {
            wr_main_error("%s: unknown or incomplete option '%s'", cmd, a);
            goto usage;
        } else if (!file) {
            file = a;
        } else {
            wr_main_error("%s: more than one file given ('%s' and '%s')", cmd, file, a);
            goto usage;
        }
    }
    if (!file) {
        wr_main_error("usage: weir %s FILE.sql [--set KEY=VALUE]... [--parallelism N] "
                      "[--checkpoint-dir DIR] [--restore PATH|latest] [--status-socket PATH]",
                      cmd);
        goto usage;
    }
    struct stat st;
    size_t len = 0;
    char *text = NULL;
    if (stat(file, &st) != 0 || !S_ISREG(st.st_mode) || !(text = read_file(file, &len))) {
        wr_main_error("cannot read '%s'%s%s", file, errno ? ": " : "",
                      errno ? strerror(errno) : "");
        goto usage;
    }
    wr_session *sess = wr_session_new(cfg);
    if (!sess) {
        wr_free(text);
        wr_main_error("out of memory");
        wr_config_free(cfg);
        return WR_EXIT_FAILED;
    }
    wr_buf out, errors;
    wr_buf_init(&out);
    wr_buf_init(&errors);
    int n = wr_session_exec(sess, file, text, len, &out, &errors);
    if (out.len) fwrite(out.ptr, 1, out.len, stdout);
    fflush(stdout);
    if (errors.len) fwrite(errors.ptr, 1, errors.len, stderr);
    wr_buf_free(&out);
    wr_buf_free(&errors);
    *out_cfg = cfg;
    *out_sess = sess;
    *out_text = text;
    if (n < 0) {
        wr_main_error("%s: %s", file, wr_err_str(n));
        return WR_EXIT_FAILED;
    }
    if (n > 0) {
        wr_main_error("%s: %d error%s", file, n, n == 1 ? "" : "s");
        return WR_EXIT_USAGE;
    }
    return WR_EXIT_OK;
usage:
    wr_config_free(cfg);
    return WR_EXIT_USAGE;
}

void wr_main_unload_script(wr_config *cfg, wr_session *sess, char *text)
{
    wr_session_free(sess);
    wr_free(text);
    wr_config_free(cfg);
}

/* ------------------------------------------------------------------------------------------
 * Checkpointing for `weir run`: on when execution.checkpointing.interval is set or a
 * checkpoint directory is given (then every 60 s, Managed Flink's default). SIGUSR1 takes a
 * savepoint; with execution.stop-with-savepoint, SIGINT/SIGTERM stop the job with one.
 *
 * A job that fails after it started is restarted from its latest checkpoint as the restart
 * strategy says (Flink's keys and defaults: exponential-delay when checkpointing is on, none
 * otherwise). Each attempt plans the script afresh.
 * ---------------------------------------------------------------------------------------- */
typedef struct run_ctl {
    /* the attempt in progress (under mu) */
    wr_mutex mu;
    wr_cond cv; /* a stop interrupts the wait before a restart */
    wr_ckpt_coord *coord;
    wr_job_exec *x;
    const char *savepoint_dir; /* NULL: the checkpoint directory */
    bool stop_with_savepoint;
    bool stop_requested;
    bool stop_failed; /* the stop's savepoint failed (the job ended anyway) */
    wr_thread usr1;
    bool usr1_started;
    _Atomic bool quit;
} run_ctl;

static int setup_checkpointing(wr_config *cfg, wr_plan_job *pj, wr_ckpt_coord **coord,
                               wr_job_opts *opts)
{
    wr_error err = {0};
    const char *dir = wr_config_str(cfg, "state.checkpoints.dir");
    const char *restore = wr_config_str(cfg, "execution.savepoint.path");
    int64_t interval = wr_config_int(cfg, "execution.checkpointing.interval");
    bool has_dir = dir && *dir;
    if (!has_dir && interval == 0 && !(restore && *restore)) return WR_EXIT_OK; /* off */
    if (!has_dir) {
        wr_main_error("%s needs a checkpoint directory: --checkpoint-dir DIR or --set "
                      "state.checkpoints.dir=DIR",
                      interval ? "execution.checkpointing.interval" : "--restore");
        return WR_EXIT_USAGE;
    }
    if (wr_config_bool(cfg, "execution.checkpointing.unaligned.enabled")) {
        wr_main_error("execution.checkpointing.unaligned.enabled=true: unaligned checkpoints "
                      "are not supported yet");
        return WR_EXIT_USAGE;
    }
    if (interval == 0) {
        interval = 60 * 1000000ll;
        wr_log(WR_LOG_INFO, "run", "checkpointing every 60 s into %s", dir);
    }
    wr_ckpt_config cc = {
        .dir = dir,
        .interval_us = interval,
        .min_pause_us = wr_config_int(cfg, "execution.checkpointing.min-pause"),
        .timeout_us = wr_config_int(cfg, "execution.checkpointing.timeout"),
        .tolerable = (uint32_t)wr_config_int(cfg, "execution.checkpointing.tolerable-failed-"
                                                  "checkpoints"),
        .retained = (uint32_t)wr_config_int(cfg, "state.checkpoints.num-retained"),
        .compress = wr_config_bool(cfg, "execution.checkpointing.snapshot-compression"),
        .allow_non_restored = wr_config_bool(cfg, "execution.savepoint.ignore-unclaimed-state"),
        .job_name = "weir",
        .plan = wr_plan_job_plan(pj),
    };
    if (wr_ckpt_coord_new(&cc, coord, &err) != WR_OK) {
        wr_main_error("checkpointing: %s", err.msg);
        return err.domain == WR_DOMAIN_USER ? WR_EXIT_USAGE : WR_EXIT_FAILED;
    }
    if (restore && *restore) {
        bool found = false;
        if (wr_ckpt_coord_restore_from(*coord, restore, &found, &err) != WR_OK) {
            wr_main_error("--restore %s: %s", restore, err.msg);
            return WR_EXIT_FAILED;
        }
    }
    if (wr_ckpt_coord_check_job(*coord, wr_plan_job_graph(pj), &err) != WR_OK) {
        wr_main_error("--restore: %s", err.msg);
        return WR_EXIT_USAGE;
    }
    opts->ckpt = wr_ckpt_coord_hooks(*coord);
    opts->compress_snapshots = cc.compress;
    opts->state_ttl_us = wr_config_int(cfg, "table.exec.state.ttl");
    opts->state_backend =
        wr_config_int(cfg, "state.backend.type") == 1 ? WR_STATE_ROCKSDB : WR_STATE_HEAP;
    return WR_EXIT_OK;
}

static bool take_savepoint(run_ctl *rc, bool stop)
{
    char *path = NULL;
    wr_error err = {0};
    if (wr_ckpt_coord_savepoint(rc->coord, rc->savepoint_dir, stop, &path, &err) == WR_OK) {
        wr_log(WR_LOG_INFO, "run", "savepoint written to %s", path);
        fprintf(stderr, "weir: savepoint %s\n", path);
        wr_free(path);
        return true;
    }
    wr_log(WR_LOG_ERROR, "run", "savepoint failed: %s", err.msg);
    return false;
}

static void *usr1_main(void *arg)
{
    run_ctl *rc = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) continue;
        if (atomic_load(&rc->quit)) break;
        wr_mutex_lock(&rc->mu);
        if (rc->coord && rc->x)
            take_savepoint(rc, false);
        else
            wr_log(WR_LOG_WARN, "run", "SIGUSR1: no checkpointing job is running");
        wr_mutex_unlock(&rc->mu);
    }
    return NULL;
}

/* SIGINT/SIGTERM: cancel the job, or stop it with a savepoint (the sources end at it, so
 * nothing after it is emitted; the job then finishes). Held under mu throughout, so the
 * execution stays attached. */
static void on_stop(void *arg)
{
    run_ctl *rc = arg;
    wr_mutex_lock(&rc->mu);
    rc->stop_requested = true;
    if (rc->x) {
        if (rc->stop_with_savepoint && rc->coord) {
            if (!take_savepoint(rc, true)) rc->stop_failed = true;
        } else {
            wr_job_cancel(rc->x);
        }
    }
    wr_cond_broadcast(&rc->cv);
    wr_mutex_unlock(&rc->mu);
}

/* ------------------------------------------------------------------------------------------
 * Restart strategies (restart-strategy.*)
 * ---------------------------------------------------------------------------------------- */
typedef enum { RS_NONE, RS_FIXED, RS_RATE, RS_EXP } rs_type;

typedef struct restarts {
    rs_type type;
    int64_t delay_us;                     /* fixed-delay, failure-rate */
    int64_t attempts;                     /* fixed-delay; exponential: before the backoff resets */
    int64_t max_failures;                 /* failure-rate */
    int64_t interval_us;                  /* failure-rate */
    int64_t initial_us, max_us, reset_us; /* exponential */
    double multiplier, jitter;
    /* progress */
    int64_t restarts_done;
    int64_t backoff_us;
    int64_t *fails; /* failure-rate: times of recent failures */
    uint32_t nfails;
} restarts;

static int parse_double(const wr_config *cfg, const char *key, double lo, double hi, double *out)
{
    const char *v = wr_config_str(cfg, key);
    char *end = NULL;
    double d = strtod(v, &end);
    if (!*v || *end || !(d >= lo && d <= hi)) {
        wr_main_error("%s: '%s' is not a number in [%g, %g]", key, v, lo, hi);
        return WR_EXIT_USAGE;
    }
    *out = d;
    return WR_EXIT_OK;
}

static int restarts_init(const wr_config *cfg, bool checkpointing, restarts *r)
{
    memset(r, 0, sizeof *r);
    const char *t = wr_config_str(cfg, "restart-strategy.type");
    if (!*t)
        r->type = checkpointing ? RS_EXP : RS_NONE;
    else if (!strcmp(t, "none") || !strcmp(t, "off") || !strcmp(t, "disable"))
        r->type = RS_NONE;
    else if (!strcmp(t, "fixed-delay") || !strcmp(t, "fixeddelay"))
        r->type = RS_FIXED;
    else if (!strcmp(t, "failure-rate") || !strcmp(t, "failurerate"))
        r->type = RS_RATE;
    else if (!strcmp(t, "exponential-delay") || !strcmp(t, "exponentialdelay"))
        r->type = RS_EXP;
    else {
        wr_main_error("restart-strategy.type: unknown strategy '%s' (none, fixed-delay, "
                      "failure-rate or exponential-delay)",
                      t);
        return WR_EXIT_USAGE;
    }
    r->delay_us = wr_config_int(cfg, r->type == RS_RATE ? "restart-strategy.failure-rate.delay"
                                                        : "restart-strategy.fixed-delay.delay");
    r->attempts =
        wr_config_int(cfg, r->type == RS_EXP ? "restart-strategy.exponential-delay.attempts-before-"
                                               "reset-backoff"
                                             : "restart-strategy.fixed-delay.attempts");
    r->max_failures = wr_config_int(cfg, "restart-strategy.failure-rate.max-failures-per-interval");
    r->interval_us = wr_config_int(cfg, "restart-strategy.failure-rate.failure-rate-interval");
    r->initial_us = wr_config_int(cfg, "restart-strategy.exponential-delay.initial-backoff");
    r->max_us = wr_config_int(cfg, "restart-strategy.exponential-delay.max-backoff");
    r->reset_us = wr_config_int(cfg, "restart-strategy.exponential-delay.reset-backoff-threshold");
    r->backoff_us = r->initial_us;
    if (r->type == RS_EXP &&
        (parse_double(cfg, "restart-strategy.exponential-delay.backoff-multiplier", 1.0, 1000.0,
                      &r->multiplier) != WR_EXIT_OK ||
         parse_double(cfg, "restart-strategy.exponential-delay.jitter-factor", 0.0, 1.0,
                      &r->jitter) != WR_EXIT_OK))
        return WR_EXIT_USAGE;
    return WR_EXIT_OK;
}

/* The job failed at `now` after running `ran_us`: may it restart, and after how long? */
static bool restarts_next(restarts *r, int64_t now, int64_t ran_us, int64_t *delay)
{
    switch (r->type) {
    case RS_NONE:
        return false;
    case RS_FIXED:
        if (r->restarts_done >= r->attempts) return false;
        r->restarts_done++;
        *delay = r->delay_us;
        return true;
    case RS_RATE: {
        /* At most max_failures failures within any interval. */
        uint32_t k = 0;
        for (uint32_t i = 0; i < r->nfails; i++)
            if (now - r->fails[i] < r->interval_us) r->fails[k++] = r->fails[i];
        r->nfails = k;
        int64_t *n = wr_realloc(r->fails, (r->nfails + 1) * sizeof *n);
        if (!n) return false;
        r->fails = n;
        r->fails[r->nfails++] = now;
        if ((int64_t)r->nfails > r->max_failures) return false;
        *delay = r->delay_us;
        return true;
    }
    case RS_EXP: {
        if (ran_us >= r->reset_us) { /* it ran well for long enough: start over */
            r->backoff_us = r->initial_us;
            r->restarts_done = 0;
        }
        if (r->restarts_done >= r->attempts) return false;
        r->restarts_done++;
        double j = r->jitter * ((double)(wr_mono_ns() % 2001) / 1000.0 - 1.0);
        *delay = (int64_t)((double)r->backoff_us * (1.0 + j));
        double next = (double)r->backoff_us * r->multiplier;
        r->backoff_us = next > (double)r->max_us ? r->max_us : (int64_t)next;
        return true;
    }
    }
    return false;
}

/* ------------------------------------------------------------------------------------------
 * One attempt: plan the script, start the job (from `restore` when not NULL), wait.
 * ---------------------------------------------------------------------------------------- */
/* How long an attempt took to start, for recovery-time measurements (bench/checkpoint): from
 * t0 (the process start; for a restart, the attempt's) to the first row a source produced,
 * and, when it restored, from reading the checkpoint (load_t0) to the end of the last task's
 * restore, of which reading and verifying the checkpoint's files took load_us. */
static void log_startup(const wr_job_stats *st, int64_t t0, int64_t load_t0, int64_t load_us)
{
    double first = st->first_record_mono_us ? (double)(st->first_record_mono_us - t0) / 1e3 : -1;
    if (load_us < 0) {
        wr_log(WR_LOG_INFO, "run", "first record after %.1f ms", first);
        return;
    }
    int64_t end = st->restored_mono_us ? st->restored_mono_us : load_t0 + load_us;
    wr_log(WR_LOG_INFO, "run",
           "first record after %.1f ms, restore took %.1f ms (reading and verifying the "
           "checkpoint %.1f ms; state restored after %.1f ms)",
           first, (double)(end - load_t0) / 1e3, (double)load_us / 1e3, (double)(end - t0) / 1e3);
}

typedef struct attempt {
    int status;  /* exit status of this attempt */
    bool ran;    /* the job started (a failure then may be restarted) */
    bool failed; /* it failed after starting */
    bool checkpointing;
    int64_t ran_us;
    wr_error err;
} attempt;

static void run_attempt(int argc, char **argv, const char *restore, run_ctl *ctl, restarts *rs,
                        bool first, attempt *a)
{
    memset(a, 0, sizeof *a);
    wr_config *cfg;
    wr_session *sess;
    char *text;
    wr_plan_job *pj = NULL;
    int64_t t0 = first ? wr_main_start_us : wr_mono_us();
    a->status = wr_main_load_script("run", argc, argv, &cfg, &sess, &text);
    if (a->status != WR_EXIT_OK || !sess) goto done;
    if (first) wr_main_apply_log_config(cfg);
    wr_error err = {0};
    if (restore && wr_config_set(cfg, "execution.savepoint.path", restore, &err) != WR_OK) {
        wr_main_error("restart: %s", err.msg);
        a->status = WR_EXIT_FAILED;
        goto done;
    }
    if (wr_session_pending(sess) == 0) goto done; /* only DDL, SET, SHOW, ... */
    wr_buf errors;
    wr_buf_init(&errors);
    int n = wr_session_build_job(sess, &pj, &errors);
    if (errors.len) fwrite(errors.ptr, 1, errors.len, stderr);
    wr_buf_free(&errors);
    if (n != 0 || !pj) {
        a->status = n < 0 ? WR_EXIT_FAILED : WR_EXIT_USAGE;
        goto done;
    }
    wr_job_opts opts = {
        .workers = (uint32_t)wr_config_int(cfg, "weir.worker-threads"),
        .batch_rows = (uint32_t)wr_config_int(cfg, "weir.batch-rows"),
        .channel_batches = (uint32_t)wr_config_int(cfg, "weir.channel-capacity"),
    };
    wr_ckpt_coord *coord = NULL;
    int64_t load_t0 = wr_mono_us();
    if ((a->status = setup_checkpointing(cfg, pj, &coord, &opts)) != WR_EXIT_OK) {
        wr_ckpt_coord_free(coord);
        goto done;
    }
    const char *rp = wr_config_str(cfg, "execution.savepoint.path");
    int64_t load_us = rp && *rp ? wr_mono_us() - load_t0 : -1;
    a->checkpointing = coord != NULL;
    if (first && (a->status = restarts_init(cfg, coord != NULL, rs)) != WR_EXIT_OK) {
        wr_ckpt_coord_free(coord);
        goto done;
    }
    wr_job_exec *x = NULL;
    if (wr_job_start(wr_plan_job_graph(pj), &opts, &x, &err) != WR_OK) {
        wr_main_error("run: %s", err.msg);
        wr_ckpt_coord_free(coord);
        a->status = err.domain == WR_DOMAIN_USER ? WR_EXIT_USAGE : WR_EXIT_FAILED;
        goto done;
    }
    a->ran = true;
    int64_t t_run = wr_mono_us();
    if (coord && wr_ckpt_coord_start(coord, wr_plan_job_graph(pj), x, &err) != WR_OK) {
        wr_main_error("run: %s", err.msg);
        wr_job_fail(x, &err);
    }
    if (first && !wr_plan_job_bounded(pj))
        wr_log(WR_LOG_INFO, "run",
               "the job reads an unbounded source: it runs until stopped "
               "(Ctrl-C)");
    wr_mutex_lock(&ctl->mu);
    const char *spd = wr_config_str(cfg, "state.savepoints.dir");
    ctl->savepoint_dir = spd && *spd ? spd : NULL;
    ctl->stop_with_savepoint = wr_config_bool(cfg, "execution.stop-with-savepoint");
    ctl->coord = coord;
    ctl->x = x;
    bool stop = ctl->stop_requested;
    wr_mutex_unlock(&ctl->mu);
    if (stop) on_stop(ctl); /* the signal came before the job started */
    wr_run_status_attach(x, coord, ctl->savepoint_dir);
    wr_run_status_detach(); /* before wr_job_wait frees x */
    wr_job_stats st;
    int rc = wr_job_wait(x, &st, &a->err);
    log_startup(&st, t0, load_t0, load_us);
    wr_job_stats_free(&st);
    if (wr_run_status_ended(rc, &a->err)) ctl->stop_failed = true;
    wr_mutex_lock(&ctl->mu);
    ctl->x = NULL;
    ctl->coord = NULL;
    wr_mutex_unlock(&ctl->mu);
    wr_ckpt_coord_free(coord);
    a->ran_us = wr_mono_us() - t_run;
    if (rc != WR_OK) {
        a->failed = true;
        a->status = WR_EXIT_FAILED;
    } else if (ctl->stop_failed) {
        wr_main_error("stopped, but the savepoint failed (see the log); restore from the "
                      "latest checkpoint");
        a->status = WR_EXIT_FAILED;
    }
done:
    wr_plan_job_free(pj);
    wr_main_unload_script(cfg, sess, text);
}

int wr_cmd_run(int argc, char **argv)
{
    int sst = wr_run_status_start(argc, argv);
    if (sst != WR_EXIT_OK) return sst;
    run_ctl ctl = {.mu = PTHREAD_MUTEX_INITIALIZER};
    wr_cond_init(&ctl.cv);
    /* Signals are handled by threads of their own; block them before any other thread
     * (SIGUSR1 too: a thread that does not block it may receive it, and it kills). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    wr_main_on_stop_signal(on_stop, &ctl);
    if (wr_thread_start(&ctl.usr1, "weir-savepoint", usr1_main, &ctl) == WR_OK)
        ctl.usr1_started = true;

    restarts rs;
    memset(&rs, 0, sizeof rs);
    attempt a;
    const char *restore = NULL;
    for (bool first = true;; first = false) {
        run_attempt(argc, argv, restore, &ctl, &rs, first, &a);
        if (!a.failed) break;
        wr_mutex_lock(&ctl.mu);
        bool stopped = ctl.stop_requested;
        wr_mutex_unlock(&ctl.mu);
        int64_t delay = 0;
        if (stopped || !restarts_next(&rs, wr_mono_us(), a.ran_us, &delay)) {
            wr_main_error("job failed: %s", a.err.msg);
            break;
        }
        wr_log(WR_LOG_WARN, "run", "job failed: %s; restarting in %.1f s from the %s", a.err.msg,
               (double)delay / 1e6,
               a.checkpointing ? "latest checkpoint" : "beginning (no checkpointing)");
        /* Wait, unless a stop signal comes first. */
        int64_t until = wr_mono_us() + delay;
        wr_mutex_lock(&ctl.mu);
        while (!ctl.stop_requested && wr_cond_wait_until(&ctl.cv, &ctl.mu, until)) {
        }
        stopped = ctl.stop_requested;
        wr_mutex_unlock(&ctl.mu);
        if (stopped) {
            wr_main_error("job failed: %s (stopped before restarting)", a.err.msg);
            break;
        }
        restore = a.checkpointing ? "latest" : NULL;
    }
    if (ctl.usr1_started) {
        atomic_store(&ctl.quit, true);
        pthread_kill(ctl.usr1.tid, SIGUSR1);
        wr_thread_join(&ctl.usr1);
    }
    wr_free(rs.fails);
    wr_cond_destroy(&ctl.cv);
    wr_run_status_stop();
    return a.status;
}
