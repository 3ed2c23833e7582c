/* main.h - the weir command line: one function per subcommand (cmd_<name>.c). Each returns
 * the process exit status: 0 success, 1 the job failed, 2 usage, SQL or configuration
 * error (INTERFACES.md). */
#ifndef WR_MAIN_H
#define WR_MAIN_H

#include "base/base.h"
#include "config/config.h"
#include "runtime/runtime.h"

#define WR_EXIT_OK     0
#define WR_EXIT_FAILED 1
#define WR_EXIT_USAGE  2

#define WEIR_VERSION "0.1.0"

int wr_cmd_run(int argc, char **argv);
int wr_cmd_explain(int argc, char **argv);
int wr_cmd_demo(int argc, char **argv);
int wr_cmd_sql(int argc, char **argv);
int wr_cmd_help(int argc, char **argv);
int wr_cmd_version(int argc, char **argv);

/* `weir run` / `weir explain`: parse the options and execute FILE.sql in a new planner
 * session (its output and errors printed). Returns an exit status; on WR_EXIT_OK and on
 * SQL errors the caller owns *cfg, *sess and *text (wr_main_unload_script frees them). */
typedef struct wr_session wr_session;
int wr_main_load_script(const char *cmd, int argc, char **argv, wr_config **cfg, wr_session **sess,
                        char **text);
void wr_main_unload_script(wr_config *cfg, wr_session *sess, char *text);

/* Print "weir: message" to stderr. */
void wr_main_error(const char *fmt, ...) WR_PRINTF(1, 2);
/* Apply log.level/log.format of the config to the logger. */
void wr_main_apply_log_config(const wr_config *cfg);
/* Install SIGINT/SIGTERM handlers that call on_stop(arg) once (from a helper thread, not
 * from the signal handler). */
int wr_main_on_stop_signal(void (*on_stop)(void *), void *arg);
/* Stopping a running job on SIGINT/SIGTERM. Install before the job's threads exist (so every
 * thread inherits the blocked signals), attach the execution once started, detach before it
 * is freed. A signal that arrives before attach cancels the job as soon as it is attached.
 * wr_main_job_stop_requested tells whether a stop was asked for. */
int wr_main_job_stop_install(void);
void wr_main_job_stop_attach(wr_job_exec *x);
void wr_main_job_stop_detach(void);
bool wr_main_job_stop_requested(void);
/* The status socket of `weir run --status-socket PATH` (run_status.c, protocol in
 * docs/status-socket.md); one per process, every call a no-op without the option.
 * start: find the option in argv, create the socket (0600; a stale socket left by a killed
 * run is replaced, anything else at PATH refused) and serve it; returns an exit status.
 * attach: serve this execution (coord: its checkpoint coordinator or NULL; savepoint_dir:
 * where savepoints go, NULL = the checkpoint directory). detach: call right before
 * wr_job_wait; returns once every task ended and the socket no longer uses x. ended: after
 * wr_job_wait and before the coordinator is freed: records the result; true when a stop
 * through the socket had its savepoint fail (the exit status should then be 1). stop: close
 * and remove the socket (at exit). */
typedef struct wr_ckpt_coord wr_ckpt_coord;
int wr_run_status_start(int argc, char **argv);
void wr_run_status_attach(wr_job_exec *x, wr_ckpt_coord *coord, const char *savepoint_dir);
void wr_run_status_detach(void);
bool wr_run_status_ended(int rc, const wr_error *err);
void wr_run_status_stop(void);
/* Process start time (wr_mono_us at the top of main). */
extern int64_t wr_main_start_us;

#endif
