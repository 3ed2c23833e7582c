/* util.h - helpers for end-to-end tests: building jobs from connectors and operators
 * with the job-builder API, running them with stdout captured, asking the DuckDB oracle for
 * the expected rows, and comparing outputs (order-free, or as changelog final state). */
#ifndef WR_E2E_UTILH
#define WR_E2E_UTILH

#include "testutil.h"

#include "connectors/connectors.h"
#include "operators/operators.h"
#include "runtime/runtime.h"

/* A schema from "name TYPE, name TYPE" with TYPE in BIGINT, INT, STRING, DOUBLE,
 * TIMESTAMP(3), DECIMAL(p,s), BOOLEAN. Asserts on bad specs (test input). */
wr_schema *e2e_schema(const char *spec);

/* Add a source from connector options "k=v;k=v" with an optional watermark
 * (rowtime_col >= 0: wm = rowtime - delay_us, emitted per interval_us). */
int e2e_add_source(wr_job *job, const char *name, const char *options, const wr_schema *schema,
                   uint32_t par, int32_t rowtime_col, int64_t delay_us, int64_t interval_us);
/* Add a sink from connector options. */
int e2e_add_sink(wr_job *job, const char *name, const char *options, const wr_schema *schema,
                 uint32_t par);

typedef struct e2e_result {
    int rc;
    wr_error err;
    char *out; /* captured stdout (print sink output); free() */
    uint64_t late_dropped;
    uint64_t errors_skipped;
    uint64_t sink_rows;
} e2e_result;

/* Run the job (freed afterwards) with stdout captured. */
e2e_result e2e_run(wr_job *job, uint32_t batch_rows);
void e2e_result_free(e2e_result *r);

/* Rows of the DuckDB query (tests/oracle/duckdb-query.mjs), as "+I[...]" lines. */
char *e2e_oracle(const char *sql);

/* Drop "N> " subtask prefixes, sort lines (returns a new string; free()). */
char *e2e_normalize(const char *text);
/* Apply a changelog ("+I[..]", "-U[..]", "+U[..]", "-D[..]" lines, prefixes allowed) and
 * return the final rows as sorted "+I[...]" lines (free()). Asserts that every retraction
 * finds its row. */
char *e2e_changelog_final(const char *text);
/* assert_string_equal with a readable diff on failure. */
void e2e_assert_same(const char *what, const char *expected, const char *actual);

/* Deterministic PRNG for generated inputs. */
uint64_t e2e_rand(uint64_t *state);
/* Write text to dir/name. */
void e2e_write(const char *dir, const char *name, const char *text);

#endif
