/* sql_ast.h - the abstract syntax tree of weir's Flink SQL dialect, as the parser builds it.
 *
 * Ownership: every node, array and string of a tree lives in the wr_arena handed to
 * wr_sql_parse and dies with it. Nothing points into the script text: names and literal
 * texts are NUL-terminated copies. Trees are plain data; the binder reads them and never
 * needs to change them (it may, since it owns the arena, but nothing here expects it).
 *
 * Conventions used throughout:
 *  - Lists are arrays of pointers (or of small structs) with a count; an empty list is
 *    (NULL, 0).
 *  - Every node has `pos`, the position of its first token, and most have `end`, the byte
 *    offset just past its last token, so text[pos.offset .. end) is the node's source.
 *  - Identifiers keep their spelling (Flink names are case-sensitive); keywords are matched
 *    case-insensitively and never appear as identifiers unless back-quoted.
 *  - Optional parts are NULL (pointers), 0 (counts) or a *_NONE/_DEFAULT enum value.
 *  - Trees are shallow enough to walk recursively: expressions, queries and FROM items carry
 *    their height, which the parser keeps at or below WR_SQL_MAX_HEIGHT (a chain of 5000
 *    ANDs is an error, not a stack overflow waiting to happen in the binder).
 *  - Types are wr_type values with Flink SQL's defaults applied (DECIMAL = DECIMAL(10, 0),
 *    CHAR/BINARY = length 1, VARCHAR/VARBINARY without length = the maximum length, i.e.
 *    STRING/BYTES, as Flink's type system does, TIME = TIME(0), TIMESTAMP/TIMESTAMP_LTZ =
 *    precision 6); nested types point at children in the arena. */
#ifndef WR_SQL_AST_H
#define WR_SQL_AST_H

#include "base/base.h"
#include "types/types.h"

#define WR_SQL_MAX_HEIGHT 1000

/* A place in the script. offset is 0-based in bytes; line and col are 1-based, col counts
 * UTF-8 code points from the start of the line (a tab counts as one). */
typedef struct wr_sql_pos {
    uint32_t offset;
    uint32_t line;
    uint32_t col;
} wr_sql_pos;

typedef struct wr_sql_expr wr_sql_expr;
typedef struct wr_sql_query wr_sql_query;
typedef struct wr_sql_from wr_sql_from;
typedef struct wr_sql_stmt wr_sql_stmt;
typedef struct wr_sql_window wr_sql_window;
typedef struct wr_sql_pattern wr_sql_pattern;

/* ------------------------------------------------------------------------------------------
 * Names
 * ---------------------------------------------------------------------------------------- */

/* One identifier: `name` is the spelling (without back-quotes, `` unescaped to `). */
typedef struct wr_sql_ident {
    const char *name;
    uint32_t len;
    bool quoted; /* written with back-quotes */
    wr_sql_pos pos;
} wr_sql_ident;

/* A dotted name: table `t`, `db.t`, `cat.db.t`; function names. nparts >= 1. */
typedef struct wr_sql_name {
    wr_sql_ident *parts;
    uint32_t nparts;
} wr_sql_name;

/* ------------------------------------------------------------------------------------------
 * Small shared pieces
 * ---------------------------------------------------------------------------------------- */

/* Time units: interval qualifiers, EXTRACT, FLOOR/CEIL(x TO unit), TIMESTAMPADD/DIFF. */
typedef enum wr_sql_unit {
    WR_SQL_UNIT_NONE = 0,
    WR_SQL_UNIT_MILLENNIUM,
    WR_SQL_UNIT_CENTURY,
    WR_SQL_UNIT_DECADE,
    WR_SQL_UNIT_YEAR,
    WR_SQL_UNIT_QUARTER,
    WR_SQL_UNIT_MONTH,
    WR_SQL_UNIT_WEEK,
    WR_SQL_UNIT_DAY,
    WR_SQL_UNIT_HOUR,
    WR_SQL_UNIT_MINUTE,
    WR_SQL_UNIT_SECOND,
    WR_SQL_UNIT_MILLISECOND,
    WR_SQL_UNIT_MICROSECOND,
    WR_SQL_UNIT_NANOSECOND,
    WR_SQL_UNIT_DOY,
    WR_SQL_UNIT_DOW,
    WR_SQL_UNIT_ISODOW,
    WR_SQL_UNIT_ISOYEAR,
    WR_SQL_UNIT_EPOCH,
    WR_SQL_UNIT__COUNT
} wr_sql_unit;

/* A data type as written: the resolved wr_type (nested children in the arena) and where it
 * was written. For INTERVAL types the qualifier is kept (wr_type only knows YM or DT). */
typedef struct wr_sql_type {
    wr_type type;
    wr_sql_pos pos;
    uint32_t end;
    wr_sql_unit interval_start; /* INTERVAL DAY TO SECOND: DAY, SECOND; else NONE */
    wr_sql_unit interval_end;
    uint8_t interval_frac; /* fractional second precision as written, else 6 */
} wr_sql_type;

/* 'key' = 'value' in WITH (...), SET, hints and INSERT ... PARTITION (k = 'v'). */
typedef struct wr_sql_option {
    const char *key;   /* unescaped string literal (or identifier, where allowed) */
    const char *value; /* unescaped string literal; PARTITION values: literal text */
    wr_sql_pos key_pos;
    wr_sql_pos value_pos;
} wr_sql_option;

/* A query hint, one entry of a hint comment (written slash-star-plus ... star-slash; shown
 * as HINT(...) below): OPTIONS('k'='v'), LOOKUP('table'='c', ...),
 * BROADCAST(t1, t2), STATE_TTL('t'='1d'), ... Arguments are either all key = value pairs
 * (key != NULL) or a plain list of identifiers / strings (key == NULL, text in value). */
typedef struct wr_sql_hint {
    wr_sql_ident name;
    wr_sql_option *args;
    uint32_t nargs;
    wr_sql_pos pos;
} wr_sql_hint;

typedef enum wr_sql_nulls {
    WR_SQL_NULLS_DEFAULT = 0, /* not written */
    WR_SQL_NULLS_FIRST,
    WR_SQL_NULLS_LAST,
} wr_sql_nulls;

/* ORDER BY item (queries, OVER, MATCH_RECOGNIZE). */
typedef struct wr_sql_order_item {
    wr_sql_expr *expr;
    bool desc; /* DESC written; ASC and nothing are both false */
    bool asc_written;
    wr_sql_nulls nulls;
    wr_sql_pos pos;
} wr_sql_order_item;

/* ------------------------------------------------------------------------------------------
 * Expressions
 * ---------------------------------------------------------------------------------------- */

typedef enum wr_sql_expr_kind {
    WR_SQL_E_LITERAL = 0, /* .lit */
    WR_SQL_E_COLUMN,      /* .column: a, t.a, db.t.a, r.f.g (binder splits table/col/field) */
    WR_SQL_E_STAR,        /* .star: * or t.* (select lists only) */
    WR_SQL_E_UNARY,       /* .unary: -x, +x, NOT x, x IS [NOT] NULL/TRUE/FALSE/UNKNOWN */
    WR_SQL_E_BINARY,      /* .binary: arithmetic, comparison, AND, OR, ||, IS DISTINCT FROM */
    WR_SQL_E_BETWEEN,     /* .between */
    WR_SQL_E_IN_LIST,     /* .in_list: x [NOT] IN (a, b, ...) */
    WR_SQL_E_IN_QUERY,    /* .in_query: x [NOT] IN (SELECT ...) */
    WR_SQL_E_EXISTS,      /* .subquery: EXISTS (SELECT ...); NOT EXISTS is NOT(EXISTS) */
    WR_SQL_E_LIKE,        /* .like: [NOT] LIKE / [NOT] SIMILAR TO, optional ESCAPE */
    WR_SQL_E_CASE,        /* .case_ */
    WR_SQL_E_CAST,        /* .cast: CAST / TRY_CAST */
    WR_SQL_E_CALL,        /* .call: functions, aggregates, window functions, special forms */
    WR_SQL_E_ROW,         /* .list: ROW(a, b) or (a, b) (implicit) */
    WR_SQL_E_ARRAY,       /* .list: ARRAY[a, b] */
    WR_SQL_E_MAP,         /* .list: MAP[k1, v1, k2, v2] (items alternate key, value) */
    WR_SQL_E_SUBQUERY,    /* .subquery: scalar subquery (SELECT ...) */
    WR_SQL_E_FIELD,       /* .field: (expr).name, ROW-field access on a non-name expression */
    WR_SQL_E_INDEX,       /* .index: expr[i] (ARRAY 1-based, MAP key) */
    WR_SQL_E_DESCRIPTOR,  /* .descriptor: DESCRIPTOR(col [, col ...]) (TVF argument) */
    WR_SQL_E_TABLE_ARG,   /* .table_arg: TABLE t [PARTITION BY ...] [ORDER BY ...] */
    WR_SQL_E_NAMED_ARG,   /* .named_arg: name => expr (call arguments) */
    WR_SQL_E__COUNT
} wr_sql_expr_kind;

typedef enum wr_sql_lit_kind {
    WR_SQL_LIT_NULL = 0,
    WR_SQL_LIT_BOOLEAN,       /* TRUE, FALSE; UNKNOWN is a BOOLEAN literal with value.is_null */
    WR_SQL_LIT_INTEGER,       /* type INT if it fits, else BIGINT, else DECIMAL(p, 0) */
    WR_SQL_LIT_DECIMAL,       /* 1.5: DECIMAL(2, 1) */
    WR_SQL_LIT_DOUBLE,        /* 1e3, 1.5E-2: DOUBLE */
    WR_SQL_LIT_STRING,        /* 'abc': CHAR(3) (code points) */
    WR_SQL_LIT_BINARY,        /* X'0aFF': BINARY(2) */
    WR_SQL_LIT_DATE,          /* DATE '2024-01-02' */
    WR_SQL_LIT_TIME,          /* TIME '03:04:05.123': TIME(3) (precision = fraction digits) */
    WR_SQL_LIT_TIMESTAMP,     /* TIMESTAMP '2024-01-02 03:04:05': TIMESTAMP(0) */
    WR_SQL_LIT_TIMESTAMP_LTZ, /* TIMESTAMP_LTZ '...': value is the wall clock read as UTC;
                               * the binder shifts it by the session time zone */
    WR_SQL_LIT_INTERVAL,      /* INTERVAL '10' MINUTE, INTERVAL '1 02:03' DAY TO MINUTE */
} wr_sql_lit_kind;

/* A literal, typed as Flink types it (NOT NULL except NULL/UNKNOWN), with its value:
 *  BOOLEAN value.b; INTEGER value.i (DECIMAL(p,0) past BIGINT: value.dec); DECIMAL p <= 18
 *  value.i, p > 18 value.dec, both times 10^scale; DOUBLE value.d; STRING / BINARY value.s
 *  (the unescaped bytes, in the arena, also NUL-terminated); DATE days; TIME microseconds
 *  of day; TIMESTAMP(_LTZ) microseconds since the epoch; INTERVAL months (YEAR/MONTH
 *  qualifiers, type INTERVAL_YM) or microseconds (DAY..SECOND, type INTERVAL_DT), with the
 *  sign applied. `text` is the literal as written without quotes and keywords: digits of a
 *  number, unescaped string contents, '1 02:03' of an interval. */
typedef struct wr_sql_literal {
    wr_sql_lit_kind kind;
    wr_type type;
    wr_value value;
    const char *text;
    uint32_t text_len;
    /* INTERVAL only: qualifier INTERVAL 'x' start[(leading[, frac])] [TO end[(frac)]]. */
    wr_sql_unit unit_start;
    wr_sql_unit unit_end;      /* NONE for single-unit intervals */
    bool negative;             /* a '-' sign before or inside the string */
    uint8_t leading_precision; /* as written, or Flink's default 2 */
    uint8_t frac_precision;    /* SECOND fraction digits as written, or the default 6 */
} wr_sql_literal;

typedef enum wr_sql_unop {
    WR_SQL_OP_NEG = 0, /* -x */
    WR_SQL_OP_PLUS,    /* +x */
    WR_SQL_OP_NOT,
    WR_SQL_OP_IS_NULL,
    WR_SQL_OP_IS_NOT_NULL,
    WR_SQL_OP_IS_TRUE,
    WR_SQL_OP_IS_NOT_TRUE,
    WR_SQL_OP_IS_FALSE,
    WR_SQL_OP_IS_NOT_FALSE,
    WR_SQL_OP_IS_UNKNOWN,
    WR_SQL_OP_IS_NOT_UNKNOWN,
    WR_SQL_OP_IS_JSON_VALUE, /* x IS JSON [VALUE] */
    WR_SQL_OP_IS_NOT_JSON_VALUE,
    WR_SQL_OP_IS_JSON_SCALAR,
    WR_SQL_OP_IS_NOT_JSON_SCALAR,
    WR_SQL_OP_IS_JSON_ARRAY,
    WR_SQL_OP_IS_NOT_JSON_ARRAY,
    WR_SQL_OP_IS_JSON_OBJECT,
    WR_SQL_OP_IS_NOT_JSON_OBJECT,
    WR_SQL_OP__UNARY_COUNT
} wr_sql_unop;

typedef enum wr_sql_binop {
    WR_SQL_OP_OR = 0,
    WR_SQL_OP_AND,
    WR_SQL_OP_EQ,
    WR_SQL_OP_NE, /* <> and != */
    WR_SQL_OP_LT,
    WR_SQL_OP_LE,
    WR_SQL_OP_GT,
    WR_SQL_OP_GE,
    WR_SQL_OP_IS_DISTINCT_FROM,
    WR_SQL_OP_IS_NOT_DISTINCT_FROM,
    WR_SQL_OP_ADD,
    WR_SQL_OP_SUB,
    WR_SQL_OP_MUL,
    WR_SQL_OP_DIV,
    WR_SQL_OP_MOD,
    WR_SQL_OP_CONCAT, /* || */
    WR_SQL_OP__BINARY_COUNT
} wr_sql_binop;

/* How a call was written; the arguments are always in `args` in the order shown, so a
 * binder may treat every form except the ones with `unit`/`trim` as a positional call. */
typedef enum wr_sql_call_form {
    WR_SQL_CALL_PLAIN = 0, /* f(a, b), f(DISTINCT a), COUNT(*) */
    WR_SQL_CALL_NO_PARENS, /* CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIME, ... */
    WR_SQL_CALL_EXTRACT,   /* EXTRACT(unit FROM args[0]) */
    WR_SQL_CALL_FLOOR_TO,  /* FLOOR(args[0] TO unit) (name FLOOR) */
    WR_SQL_CALL_CEIL_TO,   /* CEIL(args[0] TO unit) (name CEIL, also written CEILING) */
    WR_SQL_CALL_UNIT_ARG,  /* TIMESTAMPADD(unit, args[0], args[1]), TIMESTAMPDIFF(unit, ..) */
    WR_SQL_CALL_POSITION,  /* POSITION(args[0] IN args[1]) */
    WR_SQL_CALL_SUBSTRING, /* SUBSTRING(args[0] FROM args[1] [FOR args[2]]) */
    WR_SQL_CALL_OVERLAY,   /* OVERLAY(args[0] PLACING args[1] FROM args[2] [FOR args[3]]) */
    WR_SQL_CALL_TRIM,      /* TRIM([trim] [args[0]] FROM args[n-1]); nargs 1 or 2 */
} wr_sql_call_form;

typedef enum wr_sql_trim_mode {
    WR_SQL_TRIM_DEFAULT = 0, /* not written: BOTH */
    WR_SQL_TRIM_BOTH,
    WR_SQL_TRIM_LEADING,
    WR_SQL_TRIM_TRAILING,
} wr_sql_trim_mode;

/* The behaviours of JSON_VALUE / JSON_QUERY / JSON_EXISTS (... ON EMPTY, ... ON ERROR). */
typedef enum wr_sql_json_behavior {
    WR_SQL_JSON_NONE = 0, /* not written: the function's default */
    WR_SQL_JSON_NULL,
    WR_SQL_JSON_ERROR,
    WR_SQL_JSON_DEFAULT, /* DEFAULT expr (JSON_VALUE): the expr is in the call's args */
    WR_SQL_JSON_EMPTY_ARRAY,
    WR_SQL_JSON_EMPTY_OBJECT,
    WR_SQL_JSON_TRUE,
    WR_SQL_JSON_FALSE,
    WR_SQL_JSON_UNKNOWN,
} wr_sql_json_behavior;

typedef enum wr_sql_json_wrapper {
    WR_SQL_JSON_WRAPPER_NONE = 0, /* not written (WITHOUT) */
    WR_SQL_JSON_WITHOUT,
    WR_SQL_JSON_WITH_CONDITIONAL,
    WR_SQL_JSON_WITH_UNCONDITIONAL, /* also WITH [ARRAY] WRAPPER */
} wr_sql_json_wrapper;

/* JSON_VALUE(json, path [RETURNING t] [b ON EMPTY] [b ON ERROR]), JSON_QUERY(json, path
 * [wrapper] [b ON EMPTY] [b ON ERROR]), JSON_EXISTS(json, path [b ON ERROR]). A DEFAULT's
 * expression is an extra argument after the path: args[2] for the first DEFAULT written
 * (ON EMPTY before ON ERROR), args[3] for a second. */
typedef struct wr_sql_json_clauses {
    wr_sql_json_behavior on_empty, on_error;
    wr_sql_json_wrapper wrapper;
    wr_sql_pos on_empty_pos, on_error_pos, wrapper_pos; /* first token of each clause */
} wr_sql_json_clauses;

typedef struct wr_sql_call {
    wr_sql_name name; /* as written, e.g. "count"; compare case-insensitively */
    wr_sql_expr **args;
    uint32_t nargs;
    wr_sql_call_form form;
    bool distinct;          /* f(DISTINCT x) */
    bool star;              /* COUNT(*) (nargs == 0) */
    wr_sql_unit unit;       /* EXTRACT, FLOOR_TO, CEIL_TO, UNIT_ARG forms */
    wr_sql_trim_mode trim;  /* TRIM form */
    wr_sql_type *returning; /* JSON_VALUE(.. RETURNING type) */
    wr_sql_expr *filter;    /* agg(...) FILTER (WHERE filter) */
    wr_sql_window *over;    /* OVER (...) or OVER w */
    /* JSON_VALUE/QUERY/EXISTS clauses, NULL when none is written */
    wr_sql_json_clauses *json;
} wr_sql_call;

typedef struct wr_sql_case {
    wr_sql_expr *operand; /* CASE operand WHEN ..., NULL for searched CASE */
    wr_sql_expr **whens;
    wr_sql_expr **thens;
    uint32_t nwhens;
    wr_sql_expr *else_; /* NULL when no ELSE */
} wr_sql_case;

struct wr_sql_expr {
    wr_sql_expr_kind kind;
    wr_sql_pos pos;  /* first token */
    uint32_t end;    /* byte offset past the last token */
    uint32_t height; /* 1 + tallest child, subqueries included (<= WR_SQL_MAX_HEIGHT) */
    union {
        wr_sql_literal lit;
        wr_sql_name column;
        struct {
            wr_sql_name qualifier; /* nparts == 0 for a plain * */
        } star;
        struct {
            wr_sql_unop op;
            wr_sql_expr *arg;
        } unary;
        struct {
            wr_sql_binop op;
            wr_sql_expr *left, *right;
            wr_sql_pos op_pos;
        } binary;
        struct {
            wr_sql_expr *arg, *low, *high;
            bool negated;
            bool symmetric; /* SYMMETRIC written (ASYMMETRIC is the default) */
        } between;
        struct {
            wr_sql_expr *arg;
            wr_sql_expr **items;
            uint32_t nitems;
            bool negated;
        } in_list;
        struct {
            wr_sql_expr *arg;
            wr_sql_query *query;
            bool negated;
        } in_query;
        struct {
            wr_sql_expr *arg, *pattern, *escape; /* escape may be NULL */
            bool negated;
            bool similar; /* SIMILAR TO rather than LIKE */
        } like;
        wr_sql_case case_;
        struct {
            wr_sql_expr *arg;
            wr_sql_type *type;
            bool try_cast;
        } cast;
        wr_sql_call call;
        struct {
            wr_sql_expr **items;
            uint32_t nitems;
            bool implicit; /* ROW written as (a, b) without the ROW keyword */
        } list;
        struct {
            wr_sql_query *query;
        } subquery;
        struct {
            wr_sql_expr *arg;
            wr_sql_ident name;
        } field;
        struct {
            wr_sql_expr *arg, *index;
        } index;
        struct {
            wr_sql_ident *cols;
            uint32_t ncols;
        } descriptor;
        struct {
            wr_sql_name table;   /* TABLE t; nparts == 0 when query is set */
            wr_sql_query *query; /* TABLE (SELECT ...) */
            wr_sql_expr **partition_by;
            uint32_t npartition_by;
            bool partition_parens; /* PARTITION BY (k1, k2) written with parentheses */
            wr_sql_order_item *order_by;
            uint32_t norder_by;
        } table_arg;
        struct {
            wr_sql_ident name; /* DATA, TIMECOL, SIZE, SLIDE, STEP, GAP, OFFSET, ... */
            wr_sql_expr *value;
        } named_arg;
    };
};

/* ------------------------------------------------------------------------------------------
 * Windows (OVER clauses and WINDOW w AS (...))
 * ---------------------------------------------------------------------------------------- */

typedef enum wr_sql_bound_kind {
    WR_SQL_BOUND_NONE = 0, /* no frame written */
    WR_SQL_BOUND_UNBOUNDED_PRECEDING,
    WR_SQL_BOUND_PRECEDING, /* expr PRECEDING */
    WR_SQL_BOUND_CURRENT_ROW,
    WR_SQL_BOUND_FOLLOWING, /* expr FOLLOWING */
    WR_SQL_BOUND_UNBOUNDED_FOLLOWING,
} wr_sql_bound_kind;

typedef struct wr_sql_bound {
    wr_sql_bound_kind kind;
    wr_sql_expr *offset; /* PRECEDING / FOLLOWING: an integer or an INTERVAL literal */
    wr_sql_pos pos;
} wr_sql_bound;

typedef enum wr_sql_frame_kind {
    WR_SQL_FRAME_NONE = 0,
    WR_SQL_FRAME_ROWS,
    WR_SQL_FRAME_RANGE,
} wr_sql_frame_kind;

/* A window specification. `OVER w` gives a window with only `ref` set. In WINDOW w AS
 * (...) lists `name` is w. A specification may build on another: OVER (w ORDER BY x). */
struct wr_sql_window {
    wr_sql_pos pos;
    wr_sql_ident *name; /* WINDOW clause entries */
    wr_sql_ident *ref;  /* base window name */
    bool ref_only;      /* written OVER w (no parentheses) */
    wr_sql_expr **partition_by;
    uint32_t npartition_by;
    wr_sql_order_item *order_by;
    uint32_t norder_by;
    wr_sql_frame_kind frame;
    bool between; /* BETWEEN lower AND upper written; otherwise upper is CURRENT ROW */
    wr_sql_bound lower;
    wr_sql_bound upper;
};

/* ------------------------------------------------------------------------------------------
 * Queries
 * ---------------------------------------------------------------------------------------- */

typedef struct wr_sql_select_item {
    wr_sql_expr *expr; /* WR_SQL_E_STAR for * and t.* */
    wr_sql_ident *alias;
    wr_sql_pos pos;
} wr_sql_select_item;

typedef enum wr_sql_group_kind {
    WR_SQL_GROUP_EXPR = 0,      /* .expr */
    WR_SQL_GROUP_EMPTY,         /* () */
    WR_SQL_GROUP_LIST,          /* (a, b) inside a set: .items are EXPR items */
    WR_SQL_GROUP_GROUPING_SETS, /* GROUPING SETS (item, ...): .items */
    WR_SQL_GROUP_ROLLUP,        /* ROLLUP (item, ...) */
    WR_SQL_GROUP_CUBE,          /* CUBE (item, ...) */
} wr_sql_group_kind;

typedef struct wr_sql_group_item wr_sql_group_item;
struct wr_sql_group_item {
    wr_sql_group_kind kind;
    wr_sql_pos pos;
    wr_sql_expr *expr;
    wr_sql_group_item *items;
    uint32_t nitems;
};

typedef struct wr_sql_select {
    bool distinct;
    bool all_written;
    wr_sql_hint *hints; /* SELECT HINT(...) */
    uint32_t nhints;
    wr_sql_select_item *items;
    uint32_t nitems;
    wr_sql_from *from; /* NULL: SELECT without FROM */
    wr_sql_expr *where;
    wr_sql_group_item *group_by;
    uint32_t ngroup_by;
    wr_sql_expr *having;
    wr_sql_window **windows; /* WINDOW w AS (...), ...: each has ->name */
    uint32_t nwindows;
} wr_sql_select;

typedef enum wr_sql_query_kind {
    WR_SQL_Q_SELECT = 0,
    WR_SQL_Q_SETOP,
    WR_SQL_Q_VALUES,
} wr_sql_query_kind;

typedef enum wr_sql_setop {
    WR_SQL_SET_UNION = 0,
    WR_SQL_SET_INTERSECT,
    WR_SQL_SET_EXCEPT, /* also written MINUS */
} wr_sql_setop;

/* WITH name [(cols)] AS (query) */
typedef struct wr_sql_cte {
    wr_sql_ident name;
    wr_sql_ident *cols;
    uint32_t ncols;
    wr_sql_query *query;
    wr_sql_pos pos;
} wr_sql_cte;

/* A query expression. WITH, ORDER BY, LIMIT/FETCH and OFFSET attach to the query they
 * follow: in `(SELECT ..) UNION (SELECT ..) ORDER BY x` the ORDER BY is on the SETOP. */
struct wr_sql_query {
    wr_sql_query_kind kind;
    wr_sql_pos pos;
    uint32_t end;
    uint32_t height; /* as for expressions */
    wr_sql_cte *with;
    uint32_t nwith;
    union {
        wr_sql_select select;
        struct {
            wr_sql_setop op;
            bool all;      /* UNION ALL */
            bool distinct; /* UNION DISTINCT written */
            wr_sql_query *left, *right;
        } setop;
        struct {
            wr_sql_expr **rows; /* each a WR_SQL_E_ROW (implicit) with the row's items */
            uint32_t nrows;
        } values;
    };
    wr_sql_order_item *order_by;
    uint32_t norder_by;
    wr_sql_expr *limit;  /* LIMIT n, FETCH FIRST n ROWS ONLY */
    wr_sql_expr *offset; /* OFFSET n [ROWS] */
    bool fetch;          /* limit was written FETCH FIRST|NEXT n ROW|ROWS ONLY */
};

/* ------------------------------------------------------------------------------------------
 * FROM items
 * ---------------------------------------------------------------------------------------- */

typedef enum wr_sql_from_kind {
    WR_SQL_FROM_TABLE = 0, /* .table: t [hints] [FOR SYSTEM_TIME AS OF e] */
    WR_SQL_FROM_SUBQUERY,  /* .subquery: [LATERAL] (query) */
    WR_SQL_FROM_JOIN,      /* .join */
    WR_SQL_FROM_FUNCTION,  /* .func: TUMBLE(...), TABLE(TUMBLE(...)), LATERAL TABLE(f(x)) */
    WR_SQL_FROM_UNNEST,    /* .unnest: UNNEST(a [, b]) [WITH ORDINALITY] */
    WR_SQL_FROM_MATCH,     /* .match: input MATCH_RECOGNIZE (...) */
} wr_sql_from_kind;

typedef enum wr_sql_join_kind {
    WR_SQL_JOIN_INNER = 0, /* [INNER] JOIN */
    WR_SQL_JOIN_LEFT,      /* LEFT [OUTER] JOIN */
    WR_SQL_JOIN_RIGHT,
    WR_SQL_JOIN_FULL,
    WR_SQL_JOIN_CROSS, /* CROSS JOIN */
    WR_SQL_JOIN_COMMA, /* FROM a, b */
} wr_sql_join_kind;

typedef enum wr_sql_rows_per_match {
    WR_SQL_ROWS_PER_MATCH_DEFAULT = 0,
    WR_SQL_ONE_ROW_PER_MATCH,
    WR_SQL_ALL_ROWS_PER_MATCH,
} wr_sql_rows_per_match;

typedef enum wr_sql_skip_kind {
    WR_SQL_SKIP_DEFAULT = 0, /* not written: PAST LAST ROW */
    WR_SQL_SKIP_PAST_LAST_ROW,
    WR_SQL_SKIP_TO_NEXT_ROW,
    WR_SQL_SKIP_TO_FIRST, /* SKIP TO FIRST var */
    WR_SQL_SKIP_TO_LAST,  /* SKIP TO LAST var (also SKIP TO var) */
} wr_sql_skip_kind;

/* Row pattern of MATCH_RECOGNIZE: A B+ (C | D)*? E{2,3}. */
typedef enum wr_sql_pattern_kind {
    WR_SQL_PAT_VAR = 0, /* .var */
    WR_SQL_PAT_SEQ,     /* .items in order (concatenation) */
    WR_SQL_PAT_ALT,     /* .items alternatives (|) */
} wr_sql_pattern_kind;

struct wr_sql_pattern {
    wr_sql_pattern_kind kind;
    wr_sql_pos pos;
    wr_sql_ident var;
    wr_sql_pattern **items;
    uint32_t nitems;
    bool quantified;    /* a quantifier was written */
    uint32_t min;       /* * {0,-} + {1,-} ? {0,1} {n} {n,} {n,m} {,m} */
    int32_t max;        /* -1: unbounded */
    bool reluctant;     /* trailing ? */
    bool parenthesized; /* written in parentheses (a group) */
};

typedef struct wr_sql_define {
    wr_sql_ident var;
    wr_sql_expr *cond;
} wr_sql_define;

typedef struct wr_sql_match_recognize {
    wr_sql_from *input;
    wr_sql_expr **partition_by;
    uint32_t npartition_by;
    wr_sql_order_item *order_by;
    uint32_t norder_by;
    wr_sql_select_item *measures; /* expr AS name */
    uint32_t nmeasures;
    wr_sql_rows_per_match rows_per_match;
    wr_sql_skip_kind skip;
    wr_sql_ident *skip_var;
    wr_sql_pattern *pattern;
    wr_sql_expr *within; /* WITHIN INTERVAL ... */
    wr_sql_define *defines;
    uint32_t ndefines;
} wr_sql_match_recognize;

struct wr_sql_from {
    wr_sql_from_kind kind;
    wr_sql_pos pos;
    uint32_t end;
    uint32_t height;           /* as for expressions */
    wr_sql_ident *alias;       /* [AS] alias; NULL when none (never for JOIN) */
    wr_sql_ident *col_aliases; /* AS alias (c1, c2) */
    uint32_t ncol_aliases;
    union {
        struct {
            wr_sql_name name;
            wr_sql_hint *hints; /* t HINT(OPTIONS('k'='v')) */
            uint32_t nhints;
            wr_sql_expr *system_time; /* FOR SYSTEM_TIME AS OF expr */
        } table;
        struct {
            wr_sql_query *query;
            bool lateral;
        } subquery;
        struct {
            wr_sql_join_kind kind;
            wr_sql_from *left, *right;
            wr_sql_expr *on;          /* ON cond */
            wr_sql_ident *using_cols; /* USING (a, b) */
            uint32_t nusing;
            bool natural;
            bool outer_written; /* LEFT OUTER JOIN */
        } join;
        struct {
            wr_sql_expr *call;  /* a WR_SQL_E_CALL; TVF arguments are TABLE_ARG,
                                 * DESCRIPTOR, NAMED_ARG or plain expressions */
            bool table_wrapped; /* written TABLE(f(...)) */
            bool lateral;       /* LATERAL TABLE(f(...)) */
        } func;
        struct {
            wr_sql_expr **args;
            uint32_t nargs;
            bool with_ordinality;
        } unnest;
        wr_sql_match_recognize match;
    };
};

/* ------------------------------------------------------------------------------------------
 * Statements
 * ---------------------------------------------------------------------------------------- */

typedef enum wr_sql_stmt_kind {
    WR_SQL_STMT_CREATE_TABLE = 0, /* .create_table */
    WR_SQL_STMT_CREATE_VIEW,      /* .create_view */
    WR_SQL_STMT_DROP,             /* .drop */
    WR_SQL_STMT_INSERT,           /* .insert */
    WR_SQL_STMT_STATEMENT_SET,    /* .stmt_set */
    WR_SQL_STMT_QUERY,            /* .query */
    WR_SQL_STMT_EXPLAIN,          /* .explain */
    WR_SQL_STMT_SET,              /* .set */
    WR_SQL_STMT_RESET,            /* .reset */
    WR_SQL_STMT_SHOW,             /* .show */
    WR_SQL_STMT_DESCRIBE,         /* .describe */
    WR_SQL_STMT__COUNT
} wr_sql_stmt_kind;

typedef enum wr_sql_column_kind {
    WR_SQL_COL_PHYSICAL = 0, /* name TYPE */
    WR_SQL_COL_METADATA,     /* name TYPE METADATA [FROM 'key'] [VIRTUAL] */
    WR_SQL_COL_COMPUTED,     /* name AS expr */
} wr_sql_column_kind;

typedef struct wr_sql_column {
    wr_sql_column_kind kind;
    wr_sql_ident name;
    wr_sql_type *type;        /* PHYSICAL, METADATA */
    wr_sql_expr *expr;        /* COMPUTED */
    const char *metadata_key; /* METADATA FROM 'key'; NULL: the column name is the key */
    bool is_virtual;          /* METADATA ... VIRTUAL */
    bool primary_key;         /* inline PRIMARY KEY NOT ENFORCED */
    const char *comment;      /* COMMENT '...' or NULL */
    wr_sql_pos pos;
} wr_sql_column;

typedef struct wr_sql_watermark {
    wr_sql_name column; /* WATERMARK FOR col (may be a nested field a.b) */
    wr_sql_expr *expr;
    wr_sql_pos pos;
} wr_sql_watermark;

/* [CONSTRAINT name] PRIMARY KEY (a, b) NOT ENFORCED; an inline column PRIMARY KEY also
 * fills this (one column, pos of the keyword) so the binder has one place to look. */
typedef struct wr_sql_primary_key {
    wr_sql_ident *constraint_name;
    wr_sql_ident *cols;
    uint32_t ncols;
    wr_sql_pos pos;
} wr_sql_primary_key;

typedef struct wr_sql_create_table {
    bool temporary;
    bool if_not_exists;
    bool or_replace; /* CREATE OR REPLACE TABLE ... AS (RTAS) */
    wr_sql_name name;
    wr_sql_column *columns;
    uint32_t ncolumns;
    wr_sql_watermark *watermarks; /* Flink allows one per table; more are kept for errors */
    uint32_t nwatermarks;
    wr_sql_primary_key *primary_key; /* NULL: none */
    const char *comment;
    wr_sql_ident *partitioned_by;
    uint32_t npartitioned_by;
    wr_sql_option *options; /* WITH ('k' = 'v', ...) in order, duplicates kept */
    uint32_t noptions;
    wr_sql_query *as_query; /* CREATE TABLE t WITH (...) AS SELECT (CTAS) */
} wr_sql_create_table;

typedef struct wr_sql_create_view {
    bool temporary;
    bool if_not_exists;
    wr_sql_name name;
    wr_sql_ident *cols;
    uint32_t ncols;
    const char *comment;
    wr_sql_query *query;
} wr_sql_create_view;

typedef enum wr_sql_object_kind {
    WR_SQL_OBJ_TABLE = 0,
    WR_SQL_OBJ_VIEW,
} wr_sql_object_kind;

typedef struct wr_sql_drop {
    wr_sql_object_kind object;
    bool temporary;
    bool if_exists;
    wr_sql_name name;
} wr_sql_drop;

typedef struct wr_sql_insert {
    bool overwrite; /* INSERT OVERWRITE */
    bool execute;   /* EXECUTE INSERT ... */
    wr_sql_name table;
    wr_sql_hint *hints; /* INSERT INTO t HINT(OPTIONS(...)) */
    uint32_t nhints;
    wr_sql_option *partition; /* PARTITION (p = 'v', ...): value is the literal's text */
    uint32_t npartition;
    wr_sql_ident *cols; /* (c1, c2) */
    uint32_t ncols;
    wr_sql_query *query; /* SELECT ... or VALUES ... */
} wr_sql_insert;

typedef struct wr_sql_stmt_set {
    bool begin_form;     /* BEGIN STATEMENT SET; ...; END (SQL client) vs EXECUTE STATEMENT SET */
    wr_sql_stmt **stmts; /* INSERT statements */
    uint32_t nstmts;
} wr_sql_stmt_set;

/* EXPLAIN detail flags (bit set). */
enum {
    WR_SQL_EXPLAIN_ESTIMATED_COST = 1u << 0,
    WR_SQL_EXPLAIN_CHANGELOG_MODE = 1u << 1,
    WR_SQL_EXPLAIN_PLAN_ADVICE = 1u << 2,
    WR_SQL_EXPLAIN_JSON_EXECUTION_PLAN = 1u << 3,
};

typedef struct wr_sql_explain {
    bool plan_for; /* EXPLAIN PLAN FOR */
    uint32_t details;
    wr_sql_stmt *stmt; /* QUERY, INSERT or STATEMENT_SET */
} wr_sql_explain;

typedef enum wr_sql_show_kind {
    WR_SQL_SHOW_TABLES = 0,
    WR_SQL_SHOW_VIEWS,
    WR_SQL_SHOW_FUNCTIONS,
} wr_sql_show_kind;

struct wr_sql_stmt {
    wr_sql_stmt_kind kind;
    wr_sql_pos pos;
    uint32_t end; /* byte offset past the last token (the ';' is not part of it) */
    union {
        wr_sql_create_table create_table;
        wr_sql_create_view create_view;
        wr_sql_drop drop;
        wr_sql_insert insert;
        wr_sql_stmt_set stmt_set;
        struct {
            wr_sql_query *query;
        } query;
        wr_sql_explain explain;
        struct {
            const char *key;   /* NULL for a bare SET (list the properties) */
            const char *value; /* NULL when key is NULL */
            wr_sql_pos key_pos, value_pos;
        } set;
        struct {
            const char *key; /* NULL for a bare RESET (all properties) */
            wr_sql_pos key_pos;
        } reset;
        struct {
            wr_sql_show_kind what;
            bool user_only; /* SHOW USER FUNCTIONS */
        } show;
        struct {
            wr_sql_name name;
            bool extended; /* DESCRIBE EXTENDED */
        } describe;
    };
};

#endif
