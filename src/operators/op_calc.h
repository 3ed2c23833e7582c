/* op_calc.h - the calc operator: an optional filter predicate followed by an optional
 * projection over one input, both compiled expression programs. Row kinds pass through
 * unchanged (a filtered-out -U drops with its row, as in Flink's Calc). */
#ifndef WR_OP_CALC_H
#define WR_OP_CALC_H

#include "expr/expr.h"
#include "runtime/runtime.h"

typedef struct wr_calc_cfg {
    /* Predicate: one BOOLEAN output over the input schema; a row passes when TRUE. NULL =
     * every row passes. Owned by the config. */
    wr_expr_prog *filter;
    /* Projection: output i of the program is column i of the operator's output schema.
     * NULL = the input columns unchanged (output schema equal to the input schema). Owned. */
    wr_expr_prog *project;
} wr_calc_cfg;

/* New config taking ownership of both programs (either may be NULL); on ENOMEM the
 * programs are freed and NULL is returned. */
wr_calc_cfg *wr_calc_cfg_new(wr_expr_prog *filter, wr_expr_prog *project);
/* Frees the config and its programs (signature fits wr_job_add_op's cfg_free). */
void wr_calc_cfg_free(void *cfg);

extern const wr_op_vt wr_op_calc_vt;

#endif
