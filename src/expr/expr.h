/* expr.h - typed scalar expressions and their compilation to flat vectorized programs.
 *
 * A caller (the SQL binder, or a job built by hand) builds an expression tree with the
 * constructors below; each constructor resolves and checks types at once (as Flink does,
 * with its implicit casts) and fails with a message naming the function and argument types.
 * wr_expr_compile turns one or more trees over an input schema into a program: a flat list
 * of instructions over vector registers, each of which loops over a whole batch. Nothing is
 * evaluated row by row through a tree or a function pointer.
 *
 * Programs are immutable after compile and can be shared by every subtask; each evaluating
 * thread owns a wr_expr_scratch (register vectors, reused across batches).
 *
 * NULL semantics are SQL's: an operator on NULL yields NULL, AND/OR use three-valued logic,
 * CASE without ELSE yields NULL, a filter keeps a row only when its predicate is TRUE.
 * Runtime errors (division by zero on integers, failing CAST, overflow on DECIMAL) fail the
 * evaluation with a message naming the function and the offending value, but only for rows
 * that reach the failing operation (a CASE branch not taken never fails). */
#ifndef WR_EXPR_H
#define WR_EXPR_H

#include "base/base.h"
#include "types/types.h"

typedef struct wr_expr wr_expr;
typedef struct wr_expr_prog wr_expr_prog;
typedef struct wr_expr_scratch wr_expr_scratch;

/* Trees are allocated in the caller's arena and live as long as it does. */
wr_expr *wr_expr_column(wr_arena *a, uint32_t index, wr_type type);
wr_expr *wr_expr_literal(wr_arena *a, wr_type type, const wr_value *v); /* strings copied */
wr_expr *wr_expr_null(wr_arena *a, wr_type type);
/* Call a built-in function or operator by its SQL name: "+", "-", "*", "/", "%", "=", "<>",
 * "<", "<=", ">", ">=", "AND", "OR", "NOT", "IS NULL", "IS NOT NULL", "IS TRUE", ...,
 * "NEG", "||", "LIKE", "COALESCE", "UPPER", "SUBSTRING", "EXTRACT_YEAR", ... (see
 * docs/functions.md for the list). NULL with *err set when the name is unknown or no
 * signature matches the argument types. */
wr_expr *wr_expr_call(wr_arena *a, const char *fn, wr_expr **args, uint32_t nargs, wr_error *err);
/* CAST(e AS t); try_cast = TRY_CAST (NULL instead of failure). NULL + err when the cast is
 * not allowed between these types. */
wr_expr *wr_expr_cast(wr_arena *a, wr_expr *e, wr_type t, bool try_cast, wr_error *err);
/* CASE WHEN conds[i] THEN vals[i] ... ELSE else_val END (else_val may be NULL). */
wr_expr *wr_expr_case(wr_arena *a, wr_expr **conds, wr_expr **vals, uint32_t n, wr_expr *else_val,
                      wr_error *err);
wr_type wr_expr_type(const wr_expr *e);
/* Print as SQL-ish text ("($0 + 1)"), for EXPLAIN. */
int wr_expr_format(const wr_expr *e, const wr_schema *input, wr_buf *out);
/* True when the expression is a constant (no column references, deterministic). */
bool wr_expr_is_constant(const wr_expr *e);

/* Compile n expressions over rows of `input`. Output i of the program is expression i. */
int wr_expr_compile(wr_expr *const *exprs, uint32_t n, const wr_schema *input, wr_expr_prog **out,
                    wr_error *err);
void wr_expr_prog_free(wr_expr_prog *p);
uint32_t wr_expr_prog_outputs(const wr_expr_prog *p);
wr_type wr_expr_prog_output_type(const wr_expr_prog *p, uint32_t i);

wr_expr_scratch *wr_expr_scratch_new(const wr_expr_prog *p, wr_mem_owner *owner);
void wr_expr_scratch_free(wr_expr_scratch *s);
/* The watermark CURRENT_WATERMARK reads in the next evaluations (microseconds; INT64_MIN,
 * the initial value, before the first watermark: CURRENT_WATERMARK is then NULL). */
void wr_expr_scratch_set_watermark(wr_expr_scratch *s, int64_t watermark);

/* Evaluate every output of p over all rows of `in`, writing output i into column
 * out_col0 + i of `out` for rows [0, in->len). `out` must have capacity >= in->len; its
 * len is set to in->len. String results may be views into `in` (out then depends on in)
 * or copied into out's arena. */
int wr_expr_eval(const wr_expr_prog *p, wr_expr_scratch *s, wr_batch *in, wr_batch *out,
                 uint32_t out_col0, wr_error *err);
/* Evaluate output 0 (a BOOLEAN) as a predicate: sel[i] = 1 iff it is TRUE for row i.
 * Returns the number of selected rows in *nsel. */
int wr_expr_eval_filter(const wr_expr_prog *p, wr_expr_scratch *s, wr_batch *in, uint8_t *sel,
                        uint32_t *nsel, wr_error *err);
/* Evaluate a constant expression (no column references) to a value; strings are copied
 * into the arena. */
int wr_expr_eval_constant(const wr_expr *e, wr_arena *a, wr_value *out, wr_error *err);

#endif
