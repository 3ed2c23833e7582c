/* main.c - entry point of the weir binary: records the start time, dispatches to the
 * subcommand, and owns the small helpers every subcommand shares (error printing, log
 * configuration, stop signals). */
#define _GNU_SOURCE
#include "main/main.h"

#include "runtime/runtime.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int64_t wr_main_start_us;

void wr_main_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("weir: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void wr_main_apply_log_config(const wr_config *cfg)
{
    wr_log_configure((wr_log_level)wr_config_int(cfg, "log.level"),
                     (wr_log_format)wr_config_int(cfg, "log.format"), STDERR_FILENO);
}

/* Signals are turned into a call of on_stop on a thread that waits in sigwait, so the stop
 * path may take locks and allocate. */
static void (*stop_fn)(void *);
static void *stop_arg;
static wr_thread stop_thread;
static sigset_t stop_set;

static void *stop_waiter(void *arg)
{
    (void)arg;
    int sig = 0;
    bool stopped = false;
    for (;;) {
        if (sigwait(&stop_set, &sig) != 0) continue;
        if (!stopped) {
            stopped = true;
            wr_log(WR_LOG_INFO, "main", "received %s, stopping", strsignal(sig));
            if (stop_fn) stop_fn(stop_arg);
        } else {
            /* A second signal: the user insists. */
            _exit(130);
        }
    }
    return NULL;
}

int wr_main_on_stop_signal(void (*on_stop)(void *), void *arg)
{
    stop_fn = on_stop;
    stop_arg = arg;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGINT);
    sigaddset(&stop_set, SIGTERM);
    /* Block in this thread before any other thread starts, so every thread inherits it. */
    pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
    int rc = wr_thread_start(&stop_thread, "weir-signals", stop_waiter, NULL);
    if (rc == WR_OK) pthread_detach(stop_thread.tid);
    return rc;
}

/* The running job a stop signal cancels. */
static struct {
    wr_mutex mu;
    wr_job_exec *x;
    bool stop;
} job_stop = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void job_stop_signal(void *arg)
{
    (void)arg;
    wr_mutex_lock(&job_stop.mu);
    job_stop.stop = true;
    if (job_stop.x) wr_job_cancel(job_stop.x);
    wr_mutex_unlock(&job_stop.mu);
}

int wr_main_job_stop_install(void)
{
    return wr_main_on_stop_signal(job_stop_signal, NULL);
}

void wr_main_job_stop_attach(wr_job_exec *x)
{
    wr_mutex_lock(&job_stop.mu);
    job_stop.x = x;
    if (job_stop.stop) wr_job_cancel(x);
    wr_mutex_unlock(&job_stop.mu);
}

void wr_main_job_stop_detach(void)
{
    wr_mutex_lock(&job_stop.mu);
    job_stop.x = NULL; /* a late signal must not touch the freed execution */
    wr_mutex_unlock(&job_stop.mu);
}

bool wr_main_job_stop_requested(void)
{
    wr_mutex_lock(&job_stop.mu);
    bool stop = job_stop.stop;
    wr_mutex_unlock(&job_stop.mu);
    return stop;
}

static int usage(FILE *f)
{
    fputs("usage: weir <command> [options]\n"
          "\n"
          "commands:\n"
          "  run FILE.sql [--set KEY=VALUE]... [--parallelism N]   run a SQL job\n"
          "  explain FILE.sql [--set KEY=VALUE]...                 print its plans\n"
          "  sql [--set KEY=VALUE]... [--parallelism N]             interactive SQL shell; reads\n"
          "                                                        a script from a pipe\n"
          "  demo [--rows N] [--rate R] [--keys K] [--seed S] [--parallelism N]\n"
          "       [--sink print|blackhole] [--json] [--stats]\n"
          "                                                        run the built-in demo job\n"
          "  help [TOPIC]                                          help (topics: config)\n"
          "  version                                               print the version\n",
          f);
    return f == stderr ? WR_EXIT_USAGE : WR_EXIT_OK;
}

/* Batches are allocated and freed at a high rate by different threads. glibc's defaults
 * serve blocks above 128 KiB with mmap/munmap and give freed memory back with madvise as
 * soon as a heap's top is free, so every batch paid page faults (measured: ~20% of the demo
 * pipeline's CPU in perf). Keeping freed memory in the allocator's free lists lets it be
 * reused at once; the job's own accounting (wr_mem_*) still bounds what is live. */
static void tune_allocator(void)
{
    mallopt(M_MMAP_THRESHOLD, 8 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

int main(int argc, char **argv)
{
    wr_main_start_us = wr_mono_us();
    tune_allocator();
    if (argc < 2) return usage(stderr);
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0) return wr_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "explain") == 0) return wr_cmd_explain(argc - 1, argv + 1);
    if (strcmp(cmd, "demo") == 0) return wr_cmd_demo(argc - 1, argv + 1);
    if (strcmp(cmd, "sql") == 0) return wr_cmd_sql(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return wr_cmd_help(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
        return wr_cmd_version(argc - 1, argv + 1);
    static const char *const cmds[] = {"run",     "demo",    "help",  "version", "sql",
                                       "explain", "nexmark", "serve", "app",     NULL};
    for (size_t i = 0; cmds[i]; i++) {
        if (strcmp(cmd, cmds[i]) == 0) {
            wr_main_error("'%s' is not implemented yet in this version", cmd);
            return WR_EXIT_USAGE;
        }
    }
    const char *s = wr_suggest(cmd, cmds);
    if (s)
        wr_main_error("unknown command '%s'; did you mean '%s'?", cmd, s);
    else
        wr_main_error("unknown command '%s'", cmd);
    usage(stderr);
    return WR_EXIT_USAGE;
}
