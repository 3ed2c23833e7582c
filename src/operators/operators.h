/* operators.h - the built-in operators, one contract each (op_<name>.c), and the aggregate
 * function library they share. Each operator is a `static const wr_op_vt` plus a config
 * struct that the planner (or a hand-built job) fills in; see each sub-header. */
#ifndef WR_OPERATORS_H
#define WR_OPERATORS_H

#include "runtime/runtime.h"
#include "expr/expr.h"
#include "operators/agg.h"
#include "operators/op_calc.h"
#include "operators/op_group_agg.h"
#include "operators/op_join.h"
#include "operators/op_misc.h"
#include "operators/op_rank.h"
#include "operators/op_window.h"

#endif
