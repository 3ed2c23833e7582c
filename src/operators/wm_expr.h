/* wm_expr.h - watermark candidates computed by a compiled expression (SQL `WATERMARK FOR
 * ts AS expr`), as a wr_wm_spec.eval callback. Usage:
 *     spec.eval = wr_wm_expr_eval; spec.eval_arg = prog;  (prog outlives the job)
 * The program has one TIMESTAMP/TIMESTAMP_LTZ output over the source's output schema. */
#ifndef WR_WM_EXPR_H
#define WR_WM_EXPR_H

#include "expr/expr.h"
#include "runtime/runtime.h"

/* wr_wm_eval_fn over the program `arg` (a const wr_expr_prog *). Thread-safe. */
int wr_wm_expr_eval(void *arg, const wr_batch *b, int64_t *cand, uint64_t *valid, wr_error *err);
/* WR_ETYPE unless prog has exactly one TIMESTAMP/TIMESTAMP_LTZ output. */
int wr_wm_expr_check(const wr_expr_prog *prog, wr_error *err);

#endif
