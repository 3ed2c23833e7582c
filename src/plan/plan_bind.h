/* plan_bind.h - the binder's scopes and expression environment, shared by the binder's
 * files (plan_bind_expr.c: expressions; plan_bind.c: queries; plan_catalog.c: DDL). */
#ifndef WR_PLAN_BIND_H
#define WR_PLAN_BIND_H

#include "plan/plan_int.h"

/* A column visible to expressions: column i of the node being bound over. */
typedef struct wr_scope_col {
    const char *qual; /* table name or alias; NULL when the column has none */
    const char *name;
    wr_type type;
} wr_scope_col;

typedef struct wr_scope {
    uint32_t ncols;
    wr_scope_col *cols;
} wr_scope;

/* One aggregate call found in a SELECT list, HAVING or ORDER BY. */
typedef struct wr_agg_call {
    const wr_sql_expr *ast;
    wr_agg_kind kind;
    wr_pexpr *arg;    /* over the FROM scope; NULL for COUNT(*) */
    wr_pexpr *filter; /* FILTER (WHERE ..), over the FROM scope, or NULL */
    uint32_t out;     /* output column of the aggregation */
    wr_type type;
    int32_t dup_of; /* an equal call found earlier (computed once), -1 */
} wr_agg_call;

/* Binding above an aggregation: expressions see group keys and aggregate results. */
typedef struct wr_aggctx {
    const wr_scope *in; /* the FROM scope the keys and arguments are bound over */
    uint32_t nkeys;
    wr_pexpr **keys;   /* over `in` */
    uint32_t *key_out; /* output column of key i */
    uint32_t ncalls;
    wr_agg_call *calls;
    const wr_field *out; /* output columns of the aggregation */
    /* legacy group window: TUMBLE(ts, ..) in GROUP BY */
    const wr_sql_expr *group_window; /* the GROUP BY item, NULL when none */
    const char *window_fn;           /* "TUMBLE", "HOP", "SESSION" */
    int32_t ws_out, we_out, wt_out;  /* output columns, -1 when absent */
} wr_aggctx;

typedef struct wr_benv {
    wr_pctx *c;
    const wr_scope *scope;
    wr_aggctx *agg;     /* non-NULL: binding above an aggregation */
    const char *clause; /* where aggregates are not allowed: "WHERE", "ON", ... */
    bool quiet;         /* trial binding: errors are not reported */
} wr_benv;

wr_pexpr *wr_bind_expr(wr_benv *env, const wr_sql_expr *e);

/* A bound relation: a plan node and the scope its columns are seen through. */
typedef struct wr_brel {
    wr_lnode *node;
    wr_scope *scope;
} wr_brel;

/* A JOIN of two bound relations (plan_bind_join.c). */
wr_brel wr_bind_join(wr_pctx *c, const wr_sql_from *f, wr_brel l, wr_brel r);
/* FROM a, b WHERE cond: the WHERE condition becomes the join condition. */
wr_brel wr_join_finish(wr_pctx *c, wr_brel j, wr_pexpr *where, wr_sql_pos pos);
/* True when e contains an aggregate call (not looking into subqueries). */
bool wr_ast_has_agg(const wr_sql_expr *e);
/* Aggregate kind of a function name (case-insensitive); -1 when the name is not an
 * aggregate weir knows; -2 for an aggregate Flink has that weir does not support yet. */
int wr_agg_kind_of(const char *name);
/* "a.b.c" of a name, in the arena. */
const char *wr_name_str(wr_arena *a, const wr_sql_name *n);
/* Upper-cased copy of a function name in the arena. */
const char *wr_upper(wr_arena *a, const char *s);
/* Literal INTERVAL value in microseconds of a day-time interval expression (a literal or a
 * constant expression); false when it is not one. */
bool wr_bind_interval(wr_pctx *c, const wr_sql_expr *e, int64_t *us);
/* The scope of a node's columns, all with qualifier `qual`. */
wr_scope *wr_scope_of(wr_arena *a, const wr_lnode *n, const char *qual);

#endif
