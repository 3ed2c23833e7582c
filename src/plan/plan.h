/* plan.h - the SQL planner: a session (catalog of tables and views, settings, the pending
 * statement set) that executes Flink SQL scripts statement by statement, and turns the
 * INSERT and SELECT statements of a script into one job for the runtime.
 *
 * Pipeline: parse (src/sql) -> bind (names and types against the catalog: a logical plan of
 * immutable nodes with changelog modes and time attributes) -> optimize (rule passes:
 * predicate and projection pushdown into scans, constant folding, calc merging, rank
 * recognition, changelog negotiation with the sinks) -> physical translation to a wr_job
 * (vertices, parallelism, edges; chaining is the runtime's). EXPLAIN prints the optimized
 * logical plan and the job graph.
 *
 * Errors in a script are reported as "FILE:LINE:COL: message" lines, all of them: a failed
 * statement does not stop the others from being checked. A session is used by one thread. */
#ifndef WR_PLAN_H
#define WR_PLAN_H

#include "base/base.h"
#include "config/config.h"
#include "runtime/runtime.h"
#include "connectors/connectors.h"

typedef struct wr_session wr_session;
typedef struct wr_catalog wr_catalog;
typedef struct wr_catalog_entry wr_catalog_entry;
typedef struct wr_plan_job wr_plan_job;

/* A session over settings `cfg` (borrowed; SET and RESET statements change it; it must
 * outlive the session). NULL on ENOMEM. */
wr_session *wr_session_new(wr_config *cfg);
void wr_session_free(wr_session *s);

/* Parse and execute a script. DDL registers in the catalog; SET/RESET change the settings;
 * SHOW, DESCRIBE, EXPLAIN and bare SET write their output to `out`; INSERT, STATEMENT SET
 * and SELECT statements are planned and added to the session's pending statement set (the
 * job built by wr_session_build_job). Every error is appended to `errors` as one
 * "FILE:LINE:COL: message\n" line. Returns the number of errors (0: all statements were
 * fine), or a negative wr_err when something other than the script failed (ENOMEM).
 * The script text must stay alive as long as the session (views refer to it). */
int wr_session_exec(wr_session *s, const char *file, const char *text, size_t len, wr_buf *out,
                    wr_buf *errors);

/* Number of pending INSERT/SELECT statements. */
uint32_t wr_session_pending(const wr_session *s);
/* Drop the pending statements. */
void wr_session_clear_pending(wr_session *s);

/* "== Optimized Logical Plan ==" of the pending statements, then "== Physical Job Graph =="
 * (the job they would run as). Errors found while building the job go to `errors` as for
 * wr_session_exec; returns their count or a negative wr_err. */
int wr_session_explain_pending(wr_session *s, wr_buf *out, wr_buf *errors);

/* Build one job from every pending statement (a statement set) and clear them. Errors as
 * above; *out is NULL when there were errors. */
int wr_session_build_job(wr_session *s, wr_plan_job **out, wr_buf *errors);

/* The runtime job (owned by the plan job) and what the runner needs to know about it. */
wr_job *wr_plan_job_graph(wr_plan_job *j);
bool wr_plan_job_bounded(const wr_plan_job *j); /* every source ends by itself */
/* The serialized plans of the job's statements (EXPLAIN text with node ids). */
const char *wr_plan_job_plan(const wr_plan_job *j);
void wr_plan_job_free(wr_plan_job *j); /* frees the graph too */

/* Where the rows of SELECT statements go: by default a print sink on stdout (the `weir run`
 * result). A tool (the shell) may give its own: fn is called when the job is built with the
 * statement's result schema and whether the result is updating, and fills *out like a
 * connector's make_sink. */
typedef int (*wr_result_sink_fn)(void *arg, const wr_schema *schema, bool updating,
                                 wr_sink_def *out, wr_error *err);
void wr_session_set_result_sink(wr_session *s, wr_result_sink_fn fn, void *arg);

/* Settings a session applies to jobs, read from its config. */
wr_config *wr_session_settings(wr_session *s);

#endif
