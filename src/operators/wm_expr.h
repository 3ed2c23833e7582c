/* wm_expr.h - watermark candidates computed by a compiled expression (SQL `WATERMARK FOR
 * ts AS expr`), as a wr_wm_spec.eval callback. Usage:
 *     wr_wm_expr *w = wr_wm_expr_new(prog, &err);   (takes the program)
 *     spec.eval = wr_wm_expr_eval; spec.eval_arg = w;  (w outlives the job)
 *     ... wr_wm_expr_free(w);
 * The program has one TIMESTAMP/TIMESTAMP_LTZ output over the source's output schema. */
#ifndef WR_WM_EXPR_H
#define WR_WM_EXPR_H

#include "expr/expr.h"
#include "runtime/runtime.h"

typedef struct wr_wm_expr wr_wm_expr;

/* Wrap a program (ownership taken, also on failure); checks it with wr_wm_expr_check. */
wr_wm_expr *wr_wm_expr_new(wr_expr_prog *prog, wr_error *err);
void wr_wm_expr_free(wr_wm_expr *w);
/* wr_wm_eval_fn over `arg` (a wr_wm_expr *). Thread-safe. */
int wr_wm_expr_eval(void *arg, const wr_batch *b, int64_t *cand, uint64_t *valid, wr_error *err);
/* WR_ETYPE unless prog has exactly one TIMESTAMP/TIMESTAMP_LTZ output. */
int wr_wm_expr_check(const wr_expr_prog *prog, wr_error *err);

#endif
