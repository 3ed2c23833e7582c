/* fuzz_sql_plan.c - fuzz target for the planner (libFuzzer entry point). The input is a SQL
 * script, executed in a fresh session as `weir explain` would: DDL into the catalog, SET and
 * RESET, SHOW, DESCRIBE and EXPLAIN, INSERT and SELECT bound, optimized and added to the
 * pending statement set; then the pending statements are explained and built into a job
 * graph, which is freed without ever being run. So the binder, the optimizer and the
 * physical translation see every input that parses, and must neither crash, hang nor leak:
 * after the session is freed no allocation may be live, every reported error is a
 * "FILE:LINE:COL: message" line, and the error count agrees with the lines.
 *
 * Building a job lists the files of filesystem sources (nothing is read or written): the
 * target works in a temporary directory that holds only `data`, a link to tests/sql/data
 * (the relative paths of the seed corpus), and skips inputs that could name a path outside
 * it (absolute paths, "..", URIs, U&'' escapes). Built with -fsanitize=fuzzer,address under
 * clang (-DWEIR_FUZZ=ON), or with fuzz_main.c as a plain replay driver. */
#include "plan/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef WEIR_SQL_DATA_DIR
#define WEIR_SQL_DATA_DIR "tests/sql/data"
#endif

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_sql_plan: %s\n%s\n", what, detail ? detail : "");
    abort();
}

/* A fresh temporary directory with the seed corpus's data files linked, made once; each
 * input runs inside it, and the caller's working directory (where libFuzzer writes its
 * corpus and artifacts) is restored after each. */
static char sandbox[] = "/tmp/weir-fuzz-plan-XXXXXX";
static int home_fd = -1, sandbox_fd = -1;

static void remove_sandbox(void)
{
    char link[sizeof sandbox + 8];
    snprintf(link, sizeof link, "%s/data", sandbox);
    unlink(link);
    rmdir(sandbox);
}

static void enter_sandbox(void)
{
    if (sandbox_fd < 0) {
        if (!mkdtemp(sandbox)) fail("cannot make a temporary directory", sandbox);
        atexit(remove_sandbox);
        char link[sizeof sandbox + 8];
        snprintf(link, sizeof link, "%s/data", sandbox);
        if (symlink(WEIR_SQL_DATA_DIR, link) != 0) fail("cannot link the test data", link);
        home_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        sandbox_fd = open(sandbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (home_fd < 0 || sandbox_fd < 0) fail("cannot open the working directories", sandbox);
    }
    if (fchdir(sandbox_fd) != 0) fail("cannot enter the temporary directory", sandbox);
}

static void leave_sandbox(void)
{
    if (fchdir(home_fd) != 0) fail("cannot go back to the working directory", NULL);
}

static bool contains(const uint8_t *d, size_t n, const char *s, bool nocase)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && (nocase ? (d[i + j] | 0x20) == (s[j] | 0x20) : d[i + j] == (uint8_t)s[j]))
            j++;
        if (j == k) return true;
    }
    return false;
}

/* Could the script name a file outside the working directory? */
static bool escapes_sandbox(const uint8_t *d, size_t n)
{
    return contains(d, n, "'/", false) || contains(d, n, "..", false) ||
           contains(d, n, "://", false) || contains(d, n, "u&", true);
}

/* Every error line is "FILE:LINE:COL: message"; returns their number. */
static int check_error_lines(const wr_buf *errors)
{
    int lines = 0;
    const char *p = errors->len ? errors->ptr : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        if (!nl) fail("error text does not end with a newline", errors->ptr);
        unsigned line, col;
        char file[64];
        if (sscanf(p, "%63[^:]:%u:%u: ", file, &line, &col) != 3 || line < 1 || col < 1)
            fail("error line without a position", errors->ptr);
        lines++;
        p = nl + 1;
    }
    return lines;
}

static void run_session(const char *text, size_t size)
{
    wr_config *cfg = NULL;
    wr_error err = {0};
    if (wr_config_new(&cfg, &err) != WR_OK) fail("wr_config_new", err.msg);
    wr_session *s = wr_session_new(cfg);
    if (!s) fail("wr_session_new", NULL);
    wr_buf out, errors;
    wr_buf_init(&out);
    wr_buf_init(&errors);
    int n = wr_session_exec(s, "fuzz.sql", text, size, &out, &errors);
    if (n >= 0 && n != check_error_lines(&errors))
        fail("error count disagrees with the error lines", errors.ptr);
    if (n >= 0 && wr_session_pending(s) > 0) {
        wr_buf_clear(&out);
        wr_buf_clear(&errors);
        n = wr_session_explain_pending(s, &out, &errors);
        if (n >= 0 && n != check_error_lines(&errors))
            fail("explain: error count disagrees with the error lines", errors.ptr);
        wr_buf_clear(&errors);
        wr_plan_job *job = NULL;
        n = wr_session_build_job(s, &job, &errors);
        if (n == 0 && !job) fail("build_job: no errors and no job", NULL);
        if (n != 0 && job) fail("build_job: errors and a job", errors.ptr);
        if (job) wr_job_describe(wr_plan_job_graph(job), &out);
        wr_plan_job_free(job);
    }
    if (getenv("WEIR_FUZZ_VERBOSE")) /* to see how far an input gets */
        fprintf(stderr, "%s%s", out.len ? out.ptr : "", errors.len ? errors.ptr : "");
    wr_buf_free(&out);
    wr_buf_free(&errors);
    wr_session_free(s);
    wr_config_free(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (escapes_sandbox(data, size)) return 0;
    enter_sandbox();
    /* The session keeps pointers into the text (views), so it gets a copy of its own. */
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    int64_t live = wr_mem_live_allocs();
    run_session(text, size);
    leave_sandbox();
    if (wr_mem_live_allocs() != live) {
        char msg[64];
        snprintf(msg, sizeof msg, "%lld allocations still live",
                 (long long)(wr_mem_live_allocs() - live));
        fail("the session leaked", msg);
    }
    free(text);
    return 0;
}
