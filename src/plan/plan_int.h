/* plan_int.h - the planner's internal data: plan expressions, logical plan nodes, the
 * catalog's table entries, the binder's scopes and the diagnostics list. Private to
 * src/plan (and its unit tests); other modules use plan.h.
 *
 * Memory: everything here lives in arenas. The catalog's entries live in the catalog arena
 * (session lifetime); plans of a statement live in the session's plan arena, which is kept
 * until the job built from them has been freed. Nodes and expressions are immutable once
 * built: rewrites build new ones. */
#ifndef WR_PLAN_INT_H
#define WR_PLAN_INT_H

#include "plan/plan.h"
#include "sql/sql_ast.h"
#include "connectors/connectors.h"
#include "operators/operators.h"
#include "operators/op_rank.h"
#include "operators/op_misc.h"
#include "operators/op_join.h"

/* ------------------------------------------------------------------------------------------
 * Plan expressions: typed scalar trees over the columns of a node's input. They mirror the
 * expression module's constructors (wr_expr_call and friends check types and insert the
 * implicit casts), but can be inspected and rewritten: substitution through projections,
 * conjunct splitting, constant folding. px_lower turns one into a wr_expr for compiling.
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_px_kind {
    WR_PX_COL = 0, /* .col */
    WR_PX_LIT,     /* .val (strings in the plan arena) */
    WR_PX_CALL,    /* .fn(args) */
    WR_PX_CAST,    /* CAST(args[0] AS type), .try_cast */
    WR_PX_CASE,    /* args: cond0, val0, cond1, val1, ... [, else] (.has_else) */
} wr_px_kind;

typedef struct wr_pexpr wr_pexpr;
struct wr_pexpr {
    uint8_t kind; /* wr_px_kind */
    bool try_cast;
    bool has_else;
    wr_type type; /* result type; a COL keeps its column's time attribute */
    uint32_t col;
    wr_value val;
    const char *fn;
    uint32_t nargs;
    wr_pexpr **args;
    wr_expr *ex; /* the same expression lowered (built with the node, immutable) */
};

wr_pexpr *wr_px_col(wr_arena *a, uint32_t col, wr_type type);
wr_pexpr *wr_px_lit(wr_arena *a, wr_type type, const wr_value *v); /* strings copied */
/* Calls, casts and CASE resolve their type through the expression module; NULL + err when
 * it refuses (unknown function, no matching signature, disallowed cast). */
wr_pexpr *wr_px_call(wr_arena *a, const char *fn, wr_pexpr **args, uint32_t nargs, wr_error *err);
wr_pexpr *wr_px_cast(wr_arena *a, wr_pexpr *e, wr_type t, bool try_cast, wr_error *err);
wr_pexpr *wr_px_case(wr_arena *a, wr_pexpr **conds, wr_pexpr **vals, uint32_t n, wr_pexpr *else_v,
                     wr_error *err);
/* Lower to an expression tree in arena a. */
wr_expr *wr_px_lower(wr_arena *a, const wr_pexpr *e, wr_error *err);
/* Structural equality (types included). */
bool wr_px_equal(const wr_pexpr *a, const wr_pexpr *b);
/* Replace every COL i by repl[i] (which must exist). Returns a new tree. */
wr_pexpr *wr_px_subst(wr_arena *a, const wr_pexpr *e, wr_pexpr *const *repl, wr_error *err);
/* Shift/remap columns: COL i becomes COL map[i] (map[i] must be >= 0). */
wr_pexpr *wr_px_remap(wr_arena *a, const wr_pexpr *e, const int32_t *map);
/* Columns used: sets used[col] = true. */
void wr_px_columns(const wr_pexpr *e, bool *used);
/* Highest column referenced + 1 (0 when none). */
uint32_t wr_px_max_col(const wr_pexpr *e);
bool wr_px_is_constant(const wr_pexpr *e);
/* Constant subtrees folded into literals (a subtree whose evaluation fails is kept). */
wr_pexpr *wr_px_fold(wr_arena *a, wr_pexpr *e);
/* Split a conjunction into its terms (appends to *out, growing in the arena). */
void wr_px_conjuncts(wr_arena *a, wr_pexpr *e, wr_pexpr ***out, uint32_t *n, uint32_t *cap);
/* AND of n terms (NULL for n == 0). */
wr_pexpr *wr_px_and(wr_arena *a, wr_pexpr **terms, uint32_t n, wr_error *err);
/* Text for EXPLAIN, with column names from `names` (ncols of them). */
int wr_px_format(const wr_pexpr *e, const wr_field *cols, uint32_t ncols, wr_buf *out);
bool wr_px_is_col(const wr_pexpr *e, uint32_t *col);

/* ------------------------------------------------------------------------------------------
 * Catalog entries
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_ccol_kind {
    WR_CCOL_PHYSICAL = 0,
    WR_CCOL_METADATA,
    WR_CCOL_COMPUTED,
} wr_ccol_kind;

typedef struct wr_catalog_col {
    const char *name;
    wr_type type; /* time_attr marks the rowtime / proctime column */
    wr_ccol_kind kind;
    uint32_t phys;         /* PHYSICAL: index in the physical schema */
    wr_pexpr *computed;    /* COMPUTED: over the table's columns before it (physical ones) */
    const char *expr_text; /* COMPUTED: as written, for DESCRIBE */
    const char *comment;
    const char *metadata_key;
    bool is_virtual;
} wr_catalog_col;

struct wr_catalog_entry {
    const char *name;
    bool is_view;
    bool temporary;
    bool broken; /* its CREATE failed: references to it are not reported again */
    const char *file;
    wr_sql_pos pos;
    /* tables */
    uint32_t ncols;
    wr_catalog_col *cols;
    wr_schema *phys;     /* physical columns, what the connector reads and writes */
    int32_t rowtime;     /* column with the watermark, -1 */
    wr_pexpr *watermark; /* over the table's columns */
    const char *watermark_text;
    uint32_t npk;
    uint32_t *pk; /* table column indexes */
    const char *pk_name;
    wr_options options;
    const wr_sql_option *with; /* the WITH entries as written (positions for errors) */
    uint32_t nwith;
    const char *comment;
    /* views */
    const wr_sql_query *query; /* lives as long as the session (its arena is kept) */
    uint32_t nview_cols;
    const char **view_cols; /* column list of CREATE VIEW v (c1, ...), or NULL */
    wr_field *view_schema;  /* columns as bound at CREATE VIEW */
    uint32_t nview_schema;
    const char *query_text;
};

/* ------------------------------------------------------------------------------------------
 * Logical plan
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_lkind {
    WR_LK_SCAN = 0,
    WR_LK_VALUES,
    WR_LK_CALC,
    WR_LK_AGG,
    WR_LK_WINDOW_TVF,
    WR_LK_WINDOW_AGG,
    WR_LK_OVER_RANK, /* ROW_NUMBER() OVER (..) before its rank filter is recognised */
    WR_LK_RANK,
    WR_LK_DEDUP,
    WR_LK_WINDOW_RANK,
    WR_LK_WINDOW_DEDUP,
    WR_LK_JOIN,
    WR_LK_INTERVAL_JOIN,
    WR_LK_WINDOW_JOIN,
    WR_LK_UNION,
    WR_LK_SORT,
    WR_LK_LIMIT,
    WR_LK_SINK,
    WR_LK__COUNT
} wr_lkind;

/* Changelog modes as sets of row kinds. */
enum {
    WR_CL_I = 1u << 0,
    WR_CL_UB = 1u << 1,
    WR_CL_UA = 1u << 2,
    WR_CL_D = 1u << 3,
};
#define WR_CL_APPEND  (WR_CL_I)
#define WR_CL_RETRACT (WR_CL_I | WR_CL_UB | WR_CL_UA | WR_CL_D)

typedef struct wr_lagg {
    wr_agg_kind kind;
    int32_t arg;    /* input column, -1 for COUNT(*) */
    int32_t filter; /* BOOLEAN input column, -1 */
    const char *name;
    wr_type result;
    const char *text; /* as written, for EXPLAIN ("COUNT(DISTINCT b)") */
} wr_lagg;

typedef struct wr_lnode wr_lnode;
struct wr_lnode {
    uint8_t kind; /* wr_lkind */
    uint64_t id;
    uint32_t ncols;
    wr_field *cols; /* output columns; types carry time attributes */
    uint32_t ninputs;
    wr_lnode **inputs;
    uint8_t cl;      /* changelog mode (WR_CL_*) */
    bool bounded;    /* every source below ends by itself */
    int32_t nukeys;  /* a unique key of the output: -1 none known, else its length */
    uint32_t *ukeys; /* columns of that key */
    wr_sql_pos pos;  /* where in the query this came from (errors found later) */
    union {
        struct {
            const wr_catalog_entry *table;
            wr_pexpr **exprs;    /* ncols outputs over the table's columns */
            wr_pexpr *filter;    /* over the table's columns, or NULL */
            uint32_t source_par; /* scan.parallelism, 0 = default */
        } scan;
        struct {
            uint32_t nrows;
            wr_pexpr **vals; /* nrows * ncols literals of the column types */
        } values;
        struct {
            wr_pexpr *filter; /* over the input, or NULL */
            wr_pexpr **proj;  /* ncols expressions over the input */
        } calc;
        struct {
            uint32_t nkeys;
            uint32_t *keys;
            uint32_t naggs;
            wr_lagg *aggs;
            bool emit_ub; /* emit -U (else upsert consumer) */
        } agg;
        struct {
            wr_window_spec spec;
            uint32_t rowtime; /* input column */
            uint32_t npart;   /* SESSION PARTITION BY columns */
            uint32_t *part;
        } wtvf;
        struct {
            wr_window_spec spec;
            uint32_t rowtime;
            uint32_t nkeys;
            uint32_t *keys;
            uint32_t naggs;
            wr_lagg *aggs;
            wr_window_col *outs; /* ncols entries */
            uint32_t npart;      /* SESSION partition keys (checked against keys) */
            uint32_t *part;
        } wagg;
        struct {
            uint32_t npart;
            uint32_t *part;
            uint32_t nsort;
            wr_sort_key *sort;
            int64_t start, end; /* rank range (RANK); OVER_RANK: unset */
            bool output_rank;   /* the last column is the row number */
            bool emit_ub;
            /* DEDUP / WINDOW_DEDUP */
            bool keep_last;
            bool rowtime;
            uint32_t time_col;
            /* window variants */
            uint32_t ws_col, we_col;
        } rank;
        struct {
            wr_join_type type;
            uint32_t nkeys;
            uint32_t *lkeys, *rkeys;
            bool *null_safe; /* per key: IS NOT DISTINCT FROM */
            wr_pexpr *cond;  /* residual condition over left ++ right, or NULL */
            bool pending;    /* FROM a, b: the condition comes from WHERE */
            /* interval join: left.time BETWEEN right.time + lower AND right.time + upper */
            uint32_t ltime, rtime;
            int64_t lower_us, upper_us;
            bool lower_excl, upper_excl;
            /* window join */
            uint32_t lws, lwe, rws, rwe;
        } join;
        struct {
            uint32_t nsort;
            wr_sort_key *sort;
            int64_t offset, limit; /* limit -1 = all */
        } sort;
        struct {
            const wr_catalog_entry *table; /* NULL: the statement's result to stdout */
            bool upsert;                   /* by the table's primary key */
            bool append_only;              /* the connector takes +I/+U only */
            uint32_t index;                /* statement number in the statement set */
        } sink;
    };
};

/* Build helpers (plan_node.c). */
wr_lnode *wr_ln_new(wr_arena *a, wr_lkind kind, uint32_t ninputs, uint32_t ncols);
const char *wr_ln_kind_name(wr_lkind k);
/* Changelog mode, boundedness and unique keys of a node from its inputs. */
void wr_ln_derive(wr_arena *a, wr_lnode *n);
/* Compute stable ids (content and position derived) over a tree. */
void wr_ln_assign_ids(wr_lnode *root, uint64_t seed);
/* The node's own text (no children); with_mode adds its changelog mode. */
void wr_ln_digest(const wr_lnode *n, wr_buf *out, bool with_mode);
/* EXPLAIN text of a tree. */
int wr_ln_explain(const wr_lnode *root, wr_buf *out);
/* The plan as text with every node's id ("... #00ab12cd34ef5678"): its serialized form. */
int wr_ln_serialize(const wr_lnode *root, wr_buf *out);
/* "[I,UB,UA,D]" */
void wr_cl_format(uint8_t cl, wr_buf *out);
/* The column's window role when it traces (through projections) to a window TVF or a window
 * aggregation's window_start (1), window_end (2) or window_time (3); 0 otherwise. *src gets
 * the node, *src_col its column there. */
int wr_ln_window_col(const wr_lnode *n, uint32_t col, const wr_lnode **src, uint32_t *src_col);
wr_field *wr_fields_dup(wr_arena *a, const wr_field *f, uint32_t n);

/* ------------------------------------------------------------------------------------------
 * Diagnostics: "FILE:LINE:COL: message" lines, in the order found.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_diag_entry {
    uint32_t line, col, seq;
    size_t start, len; /* of the line in text */
} wr_diag_entry;

typedef struct wr_diag {
    wr_buf text;
    uint32_t count;
    wr_diag_entry *entries; /* count of them */
    uint32_t cap;
} wr_diag;

/* Add one "FILE:LINE:COL: msg" line. */
void wr_diag_add(wr_diag *d, const char *file, wr_sql_pos pos, const char *msg);
/* Append every line to out, sorted by position (stable), and free the list. */
void wr_diag_flush(wr_diag *d, wr_buf *out);

/* ------------------------------------------------------------------------------------------
 * Planning context of one statement.
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_pctx {
    wr_session *sess;
    wr_arena *a; /* plan arena */
    const char *file;
    const char *text; /* the script text (for quoting expressions) */
    wr_diag *diag;
    bool failed;
    uint32_t cte_depth;
    struct wr_cte_binding *ctes; /* innermost first (linked) */
    uint32_t view_depth;
} wr_pctx;

/* Report an error at pos (sets ctx->failed). Returns WR_EINVAL for `return` chaining. */
int wr_pctx_error(wr_pctx *c, wr_sql_pos pos, const char *fmt, ...) WR_PRINTF(3, 4);
int wr_pctx_unsupported(wr_pctx *c, wr_sql_pos pos, const char *what);

/* Binder entry points (plan_bind*.c). */
wr_lnode *wr_bind_query(wr_pctx *c, const wr_sql_query *q);
wr_pexpr *wr_bind_table_expr(wr_pctx *c, const wr_sql_expr *e, const wr_field *cols,
                             uint32_t ncols);
/* A sink node for INSERT INTO t [(cols)] <query>. */
wr_lnode *wr_bind_insert(wr_pctx *c, const wr_sql_insert *ins, uint32_t index);
/* A sink node printing a query's rows to stdout. */
wr_lnode *wr_bind_select_stmt(wr_pctx *c, const wr_sql_query *q, uint32_t index);

/* Optimizer (plan_opt.c): rule passes, then changelog negotiation for the sink. */
wr_lnode *wr_optimize(wr_pctx *c, wr_lnode *root);

/* Physical translation (plan_phys.c): one job of the given sink roots. Errors go to the
 * context's diagnostics. */
int wr_phys_build(wr_pctx *c, wr_config *cfg, wr_lnode *const *roots, uint32_t n,
                  const char *job_name, wr_plan_job **out);

/* Catalog statements (plan_catalog.c). Errors go to the context's diagnostics. */
wr_catalog *wr_catalog_new(void);
void wr_catalog_free(wr_catalog *cat);
int wr_catalog_create_table(wr_pctx *c, const wr_sql_create_table *ct, wr_sql_pos pos);
int wr_catalog_create_view(wr_pctx *c, const wr_sql_create_view *cv, wr_sql_pos pos, uint32_t end);
int wr_catalog_drop(wr_pctx *c, const wr_sql_drop *d, wr_sql_pos pos);
int wr_catalog_show(wr_pctx *c, int what, wr_buf *out);
int wr_catalog_describe(wr_pctx *c, const wr_sql_name *name, wr_buf *out);
/* The table name of a (possibly qualified) name, NULL + error when it names another
 * catalog or database. */
const char *wr_catalog_object_name(wr_pctx *c, const wr_sql_name *n);
/* Render rows as Flink's tableau result ("+---+ | a | ..."). cells: nrows * ncols. */
void wr_tableau(wr_buf *out, const char *const *header, uint32_t ncols, const char *const *cells,
                uint32_t nrows);

/* Session internals shared by the files of this module. */
const wr_catalog_entry *wr_catalog_lookup(wr_catalog *cat, const char *name);
const char *wr_catalog_suggest(wr_catalog *cat, const char *name);
/* The schema a scan's source produces (t->phys without the metadata columns the scan does not
 * use); repl[i] gets table column i as an expression over it. NULL on ENOMEM. */
const wr_schema *wr_catalog_scan_schema(wr_arena *a, const wr_lnode *scan, wr_pexpr **repl);
wr_config *wr_session_config(wr_session *s);
/* The result sink given with wr_session_set_result_sink (fn NULL: print). */
wr_result_sink_fn wr_session_result_sink(wr_session *s, void **arg);
/* The optimized plan of pending statement i (tests, tools). */
wr_lnode *wr_session_pending_root(wr_session *s, uint32_t i);
uint32_t wr_session_parallelism(wr_session *s);
wr_arena *wr_session_catalog_arena(wr_session *s);
wr_catalog *wr_session_catalog(wr_session *s);

/* wr_suggest, without suggesting a name that shares nothing with the word. */
const char *wr_plan_suggest(const char *word, const char *const *candidates);

/* Small arena helpers. */
char *wr_pstrdup(wr_arena *a, const char *s);
char *wr_psprintf(wr_arena *a, const char *fmt, ...) WR_PRINTF(2, 3);
void *wr_pgrow(wr_arena *a, void *p, uint32_t n, uint32_t *cap, size_t elem);

#endif
