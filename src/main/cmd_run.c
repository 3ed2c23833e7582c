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
                      "[--checkpoint-dir DIR] [--restore PATH|latest]",
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
 * savepoint; with execution.stop-with-savepoint, SIGINT/SIGTERM take one before stopping.
 * ---------------------------------------------------------------------------------------- */
typedef struct run_ckpt {
    wr_ckpt_coord *coord;
    wr_ckpt_hooks hooks;
    const char *savepoint_dir; /* NULL: the checkpoint directory */
    wr_thread usr1;
    bool usr1_started;
    _Atomic bool quit;
    /* stop with savepoint */
    wr_mutex mu;
    wr_job_exec *x;
    bool stop_requested;
    bool stop_failed; /* the stop's savepoint failed (the job ended anyway) */
} run_ckpt;

static int setup_checkpointing(wr_config *cfg, wr_plan_job *pj, run_ckpt *rc, wr_job_opts *opts)
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
    if (wr_ckpt_coord_new(&cc, &rc->coord, &err) != WR_OK) {
        wr_main_error("checkpointing: %s", err.msg);
        return err.domain == WR_DOMAIN_USER ? WR_EXIT_USAGE : WR_EXIT_FAILED;
    }
    if (restore && *restore) {
        bool found = false;
        if (wr_ckpt_coord_restore_from(rc->coord, restore, &found, &err) != WR_OK) {
            wr_main_error("--restore %s: %s", restore, err.msg);
            return WR_EXIT_FAILED;
        }
    }
    if (wr_ckpt_coord_check_job(rc->coord, wr_plan_job_graph(pj), &err) != WR_OK) {
        wr_main_error("--restore: %s", err.msg);
        return WR_EXIT_USAGE;
    }
    const char *spd = wr_config_str(cfg, "state.savepoints.dir");
    rc->savepoint_dir = spd && *spd ? spd : NULL;
    opts->ckpt = wr_ckpt_coord_hooks(rc->coord);
    opts->compress_snapshots = cc.compress;
    opts->state_ttl_us = wr_config_int(cfg, "table.exec.state.ttl");
    opts->state_backend =
        wr_config_int(cfg, "state.backend.type") == 1 ? WR_STATE_ROCKSDB : WR_STATE_HEAP;
    return WR_EXIT_OK;
}

static bool take_savepoint(run_ckpt *rc, bool stop)
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
    run_ckpt *rc = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) continue;
        if (atomic_load(&rc->quit)) break;
        take_savepoint(rc, false);
    }
    return NULL;
}

/* SIGINT/SIGTERM with execution.stop-with-savepoint: stop the job with a savepoint (the
 * sources end at it, so nothing after it is emitted; the job then finishes). */
static void stop_with_savepoint(void *arg)
{
    run_ckpt *rc = arg;
    /* Held throughout, as wr_main_job_stop does, so the execution stays attached. */
    wr_mutex_lock(&rc->mu);
    rc->stop_requested = true;
    if (rc->x && !take_savepoint(rc, true)) rc->stop_failed = true;
    wr_mutex_unlock(&rc->mu);
}

int wr_cmd_run(int argc, char **argv)

{
    wr_config *cfg;
    wr_session *sess;
    char *text;
    int status = wr_main_load_script("run", argc, argv, &cfg, &sess, &text);
    if (status != WR_EXIT_OK || !sess) goto done;
    wr_main_apply_log_config(cfg);
    if (wr_session_pending(sess) == 0) goto done; /* only DDL, SET, SHOW, ... */
    wr_buf errors;
    wr_buf_init(&errors);
    wr_plan_job *pj = NULL;
    int n = wr_session_build_job(sess, &pj, &errors);
    if (errors.len) fwrite(errors.ptr, 1, errors.len, stderr);
    wr_buf_free(&errors);
    if (n != 0 || !pj) {
        status = n < 0 ? WR_EXIT_FAILED : WR_EXIT_USAGE;
        goto done;
    }
    wr_job_opts opts = {
        .workers = (uint32_t)wr_config_int(cfg, "weir.worker-threads"),
        .batch_rows = (uint32_t)wr_config_int(cfg, "weir.batch-rows"),
        .channel_batches = (uint32_t)wr_config_int(cfg, "weir.channel-capacity"),
    };
    wr_error err = {0};
    wr_job_exec *x = NULL;
    run_ckpt ck = {.mu = PTHREAD_MUTEX_INITIALIZER};
    if ((status = setup_checkpointing(cfg, pj, &ck, &opts)) != WR_EXIT_OK) {
        wr_ckpt_coord_free(ck.coord);
        wr_plan_job_free(pj);
        goto done;
    }
    bool sws = ck.coord && wr_config_bool(cfg, "execution.stop-with-savepoint");
    if (sws)
        wr_main_on_stop_signal(stop_with_savepoint, &ck);
    else
        wr_main_job_stop_install();
    if (ck.coord) {
        /* SIGUSR1 is waited for by its own thread; block it before the job's threads. */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
    }
    if (wr_job_start(wr_plan_job_graph(pj), &opts, &x, &err) != WR_OK) {
        wr_main_error("run: %s", err.msg);
        wr_ckpt_coord_free(ck.coord);
        wr_plan_job_free(pj);
        status = err.domain == WR_DOMAIN_USER ? WR_EXIT_USAGE : WR_EXIT_FAILED;
        goto done;
    }
    if (ck.coord) {
        if (wr_ckpt_coord_start(ck.coord, wr_plan_job_graph(pj), x, &err) != WR_OK) {
            wr_main_error("run: %s", err.msg);
            wr_job_fail(x, &err);
        }
        if (wr_thread_start(&ck.usr1, "weir-savepoint", usr1_main, &ck) == WR_OK)
            ck.usr1_started = true;
    }
    if (!wr_plan_job_bounded(pj))
        wr_log(WR_LOG_INFO, "run",
               "the job reads an unbounded source: it runs until stopped "
               "(Ctrl-C)");
    if (sws) {
        wr_mutex_lock(&ck.mu);
        ck.x = x;
        bool stop = ck.stop_requested;
        wr_mutex_unlock(&ck.mu);
        if (stop) stop_with_savepoint(&ck); /* the signal came before the job started */
    } else {
        wr_main_job_stop_attach(x);
    }
    int rc = wr_job_wait(x, NULL, &err);
    if (sws) {
        wr_mutex_lock(&ck.mu);
        ck.x = NULL;
        wr_mutex_unlock(&ck.mu);
    } else {
        wr_main_job_stop_detach();
    }
    if (ck.usr1_started) {
        atomic_store(&ck.quit, true);
        pthread_kill(ck.usr1.tid, SIGUSR1);
        wr_thread_join(&ck.usr1);
    }
    wr_ckpt_coord_free(ck.coord);
    wr_plan_job_free(pj);
    if (rc != WR_OK) {
        wr_main_error("job failed: %s", err.msg);
        status = WR_EXIT_FAILED;
    } else if (ck.stop_failed) {
        wr_main_error("stopped, but the savepoint failed (see the log); restore from the "
                      "latest checkpoint");
        status = WR_EXIT_FAILED;
    }
done:
    wr_main_unload_script(cfg, sess, text);
    return status;
}
