/* cmd_explain.c - `weir explain FILE.sql [--set KEY=VALUE]... [--parallelism N]`: executes
 * the file's DDL and SET statements, plans its INSERT and SELECT statements as `weir run`
 * would, and prints the optimized logical plan (node kinds, expressions, changelog modes)
 * and the physical job graph (vertices with parallelism, edge kinds, chains) instead of
 * running the job. */
#include "main/main.h"

#include <stdio.h>

#include "plan/plan.h"

int wr_cmd_explain(int argc, char **argv)
{
    wr_config *cfg;
    wr_session *sess;
    char *text;
    int status = wr_main_load_script("explain", argc, argv, &cfg, &sess, &text);
    if (status != WR_EXIT_OK || !sess) goto done;
    if (wr_session_pending(sess) == 0) {
        /* Only DDL (and maybe EXPLAIN statements, already printed): nothing more to show. */
        wr_main_error("explain: the file has no INSERT or SELECT statement outside EXPLAIN");
        goto done;
    }
    wr_buf out, errors;
    wr_buf_init(&out);
    wr_buf_init(&errors);
    int n = wr_session_explain_pending(sess, &out, &errors);
    fwrite(out.ptr, 1, out.len, stdout);
    if (errors.len) fwrite(errors.ptr, 1, errors.len, stderr);
    wr_buf_free(&out);
    wr_buf_free(&errors);
    if (n != 0) status = n < 0 ? WR_EXIT_FAILED : WR_EXIT_USAGE;
done:
    wr_main_unload_script(cfg, sess, text);
    return status;
}
