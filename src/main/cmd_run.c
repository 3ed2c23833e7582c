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
        wr_main_error("usage: weir %s FILE.sql [--set KEY=VALUE]... [--parallelism N]", cmd);
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
    wr_main_job_stop_install();
    if (wr_job_start(wr_plan_job_graph(pj), &opts, &x, &err) != WR_OK) {
        wr_main_error("run: %s", err.msg);
        wr_plan_job_free(pj);
        status = WR_EXIT_FAILED;
        goto done;
    }
    if (!wr_plan_job_bounded(pj))
        wr_log(WR_LOG_INFO, "run",
               "the job reads an unbounded source: it runs until stopped "
               "(Ctrl-C)");
    wr_main_job_stop_attach(x);
    int rc = wr_job_wait(x, NULL, &err);
    wr_main_job_stop_detach();
    wr_plan_job_free(pj);
    if (rc != WR_OK) {
        wr_main_error("job failed: %s", err.msg);
        status = WR_EXIT_FAILED;
    }
done:
    wr_main_unload_script(cfg, sess, text);
    return status;
}
