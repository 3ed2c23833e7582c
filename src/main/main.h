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
/* Process start time (wr_mono_us at the top of main). */
extern int64_t wr_main_start_us;

#endif
