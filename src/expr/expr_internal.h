/* expr_internal.h - shared internals of the expression module: the tree node, the opcode
 * table, the compiled program (registers and instructions), the per-thread scratch, and the
 * kernel entry points that the evaluator's switch calls once per instruction per batch.
 *
 * Not for use outside src/expr/. */
#ifndef WR_EXPR_INTERNAL_H
#define WR_EXPR_INTERNAL_H

#include "expr/expr.h"

/* ------------------------------------------------------------------------------------------
 * Tree
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_expr_kind {
    WR_EK_COL = 0,
    WR_EK_LIT,
    WR_EK_CALL,
    WR_EK_CAST,
    WR_EK_CASE,
} wr_expr_kind;

#define WR_EF_HAS_COL  0x01 /* references an input column */
#define WR_EF_NONDET   0x02 /* contains a non-deterministic call (RAND, NOW) */
#define WR_EF_CAN_FAIL 0x04 /* evaluation can raise a runtime error */
#define WR_EF_IMPLICIT 0x08 /* an implicit cast inserted by type resolution */

struct wr_expr {
    uint8_t kind;  /* wr_expr_kind */
    uint8_t flags; /* WR_EF_* */
    uint16_t op;   /* opcode for calls and casts */
    bool try_cast;
    wr_type type;
    uint32_t nargs;
    wr_expr **args;
    uint32_t col; /* WR_EK_COL */
    wr_value val; /* WR_EK_LIT */
    int64_t imm;  /* unit, mode, cast kind ... */
    int64_t imm2;
    const char *name; /* SQL name for formatting */
};

/* ------------------------------------------------------------------------------------------
 * Opcodes. The numeric families are specialized per physical type; the suffix order is fixed
 * (see wr_expr_num_idx / wr_expr_cmp_idx) so that an opcode is computed as base + index.
 * Flags: PROP = NULL-propagating over all register arguments (the evaluator computes the
 * result validity as the AND of the arguments' validity and the active mask before the
 * kernel runs; kernels only work on rows whose result bit is set and may clear bits);
 * otherwise the kernel computes validity itself and the evaluator ANDs the mask afterwards.
 * ---------------------------------------------------------------------------------------- */
#define WR_OPF_PROP 0x01

#define WR_NUM_OPS(X, P, F)                                                                        \
    X(P##_I8, F) X(P##_I16, F) X(P##_I32, F) X(P##_I64, F) X(P##_F32, F) X(P##_F64, F)
#define WR_CMP_OPS(X, P, F) X(P##_U8, F) WR_NUM_OPS(X, P, F) X(P##_I128, F) X(P##_STR, F)

#define WR_EXPR_OPS(X)                                                                             \
    X(OP_NOP, 0)                                                                                   \
    X(OP_COPY, 0)                                                                                  \
    X(OP_CASE_INIT, 0)                                                                             \
    X(OP_SELECT, 0)                                                                                \
    X(OP_MASK_TRUE, 0)                                                                             \
    X(OP_MASK_NOT_TRUE, 0)                                                                         \
    X(OP_MASK_NOT_FALSE, 0)                                                                        \
    X(OP_MASK_NULL, 0)                                                                             \
    X(OP_ADOPT, 0)                                                                                 \
    WR_NUM_OPS(X, OP_ADD, WR_OPF_PROP)                                                             \
    WR_NUM_OPS(X, OP_SUB, WR_OPF_PROP)                                                             \
    WR_NUM_OPS(X, OP_MUL, WR_OPF_PROP)                                                             \
    WR_NUM_OPS(X, OP_DIV, WR_OPF_PROP)                                                             \
    WR_NUM_OPS(X, OP_MOD, WR_OPF_PROP)                                                             \
    WR_NUM_OPS(X, OP_NEG, WR_OPF_PROP)                                                             \
    WR_CMP_OPS(X, OP_EQ, WR_OPF_PROP)                                                              \
    WR_CMP_OPS(X, OP_NE, WR_OPF_PROP)                                                              \
    WR_CMP_OPS(X, OP_LT, WR_OPF_PROP)                                                              \
    WR_CMP_OPS(X, OP_LE, WR_OPF_PROP)                                                              \
    X(OP_DEC_ADD, WR_OPF_PROP)                                                                     \
    X(OP_DEC_SUB, WR_OPF_PROP)                                                                     \
    X(OP_DEC_MUL, WR_OPF_PROP)                                                                     \
    X(OP_DEC_DIV, WR_OPF_PROP)                                                                     \
    X(OP_DEC_MOD, WR_OPF_PROP)                                                                     \
    X(OP_DEC_NEG, WR_OPF_PROP)                                                                     \
    X(OP_AND, 0)                                                                                   \
    X(OP_OR, 0)                                                                                    \
    X(OP_NOT, WR_OPF_PROP)                                                                         \
    X(OP_IS_NULL, 0)                                                                               \
    X(OP_IS_NOT_NULL, 0)                                                                           \
    X(OP_IS_TRUE, 0)                                                                               \
    X(OP_IS_NOT_TRUE, 0)                                                                           \
    X(OP_IS_FALSE, 0)                                                                              \
    X(OP_IS_NOT_FALSE, 0)                                                                          \
    X(OP_DISTINCT, 0)                                                                              \
    X(OP_COALESCE, 0) /* tree only: compiled to SELECTs */                                         \
    X(OP_NULLIF, 0)   /* tree only */                                                              \
    X(OP_IF, 0)       /* tree only */                                                              \
    X(OP_CAST, WR_OPF_PROP)                                                                        \
    X(OP_GREATEST, WR_OPF_PROP)                                                                    \
    X(OP_LEAST, WR_OPF_PROP)                                                                       \
    /* temporal arithmetic */                                                                      \
    X(OP_TS_ADD_DT, WR_OPF_PROP)                                                                   \
    X(OP_TS_ADD_YM, WR_OPF_PROP)                                                                   \
    X(OP_DATE_ADD_DT, WR_OPF_PROP)                                                                 \
    X(OP_DATE_ADD_YM, WR_OPF_PROP)                                                                 \
    X(OP_TIME_ADD_DT, WR_OPF_PROP)                                                                 \
    /* strings */                                                                                  \
    X(OP_CONCAT, WR_OPF_PROP)                                                                      \
    X(OP_CONCAT_WS, 0)                                                                             \
    X(OP_CHAR_LENGTH, WR_OPF_PROP)                                                                 \
    X(OP_UPPER, WR_OPF_PROP)                                                                       \
    X(OP_LOWER, WR_OPF_PROP)                                                                       \
    X(OP_TRIM, WR_OPF_PROP)                                                                        \
    X(OP_SUBSTRING, WR_OPF_PROP)                                                                   \
    X(OP_POSITION, WR_OPF_PROP)                                                                    \
    X(OP_REPLACE, WR_OPF_PROP)                                                                     \
    X(OP_LPAD, WR_OPF_PROP)                                                                        \
    X(OP_RPAD, WR_OPF_PROP)                                                                        \
    X(OP_REPEAT, WR_OPF_PROP)                                                                      \
    X(OP_REVERSE, WR_OPF_PROP)                                                                     \
    X(OP_INITCAP, WR_OPF_PROP)                                                                     \
    X(OP_LEFT, WR_OPF_PROP)                                                                        \
    X(OP_RIGHT, WR_OPF_PROP)                                                                       \
    X(OP_SPLIT_INDEX, WR_OPF_PROP)                                                                 \
    X(OP_ASCII, WR_OPF_PROP)                                                                       \
    X(OP_CHR, WR_OPF_PROP)                                                                         \
    X(OP_LIKE, WR_OPF_PROP)                                                                        \
    X(OP_REGEXP, WR_OPF_PROP)                                                                      \
    X(OP_SIMILAR, WR_OPF_PROP)                                                                     \
    X(OP_REGEXP_EXTRACT, WR_OPF_PROP)                                                              \
    X(OP_REGEXP_REPLACE, WR_OPF_PROP)                                                              \
    X(OP_MD5, WR_OPF_PROP)                                                                         \
    X(OP_SHA1, WR_OPF_PROP)                                                                        \
    X(OP_SHA256, WR_OPF_PROP)                                                                      \
    X(OP_TO_BASE64, WR_OPF_PROP)                                                                   \
    X(OP_FROM_BASE64, WR_OPF_PROP)                                                                 \
    X(OP_IS_CLASS, 0)                                                                              \
    X(OP_JSON_VALUE, WR_OPF_PROP)                                                                  \
    X(OP_JSON_QUERY, WR_OPF_PROP)                                                                  \
    X(OP_JSON_EXISTS, WR_OPF_PROP)                                                                 \
    X(OP_JSON_STATUS, WR_OPF_PROP)                                                                 \
    X(OP_IS_JSON, 0)                                                                               \
    X(OP_OVERLAY, WR_OPF_PROP)                                                                     \
    X(OP_UUID, WR_OPF_PROP)                                                                        \
    X(OP_HEX, WR_OPF_PROP)                                                                         \
    X(OP_BIN, WR_OPF_PROP)                                                                         \
    /* math */                                                                                     \
    X(OP_MATH1, WR_OPF_PROP)                                                                       \
    X(OP_MATH2, WR_OPF_PROP)                                                                       \
    X(OP_ABS, WR_OPF_PROP)                                                                         \
    X(OP_SIGN, WR_OPF_PROP)                                                                        \
    X(OP_ROUND, WR_OPF_PROP)                                                                       \
    X(OP_CEIL, WR_OPF_PROP)                                                                        \
    X(OP_FLOOR, WR_OPF_PROP)                                                                       \
    X(OP_RAND, WR_OPF_PROP)                                                                        \
    X(OP_RAND_INTEGER, WR_OPF_PROP)                                                                \
    /* temporal functions */                                                                       \
    X(OP_EXTRACT, WR_OPF_PROP)                                                                     \
    X(OP_FLOOR_TIME, WR_OPF_PROP)                                                                  \
    X(OP_CEIL_TIME, WR_OPF_PROP)                                                                   \
    X(OP_DATE_FORMAT, WR_OPF_PROP)                                                                 \
    X(OP_PARSE_TS, WR_OPF_PROP)                                                                    \
    X(OP_TO_TIMESTAMP_LTZ, WR_OPF_PROP)                                                            \
    X(OP_UNIX_TIMESTAMP, WR_OPF_PROP)                                                              \
    X(OP_FROM_UNIXTIME, WR_OPF_PROP)                                                               \
    X(OP_TIMESTAMPADD, WR_OPF_PROP)                                                                \
    X(OP_TIMESTAMPDIFF, WR_OPF_PROP)                                                               \
    X(OP_NOW, 0)                                                                                   \
    X(OP_TYPEOF, 0)                                                                                \
    X(OP_RAISE, 0)

typedef enum wr_expr_op {
#define WR_X_OP(name, flags) WR_##name,
    WR_EXPR_OPS(WR_X_OP)
#undef WR_X_OP
        WR_OP__COUNT
} wr_expr_op;

extern const uint8_t wr_expr_op_flags[WR_OP__COUNT];
extern const char *const wr_expr_op_names[WR_OP__COUNT];

/* Index of a physical type within an opcode family; -1 when the family has no such type. */
int wr_expr_num_idx(wr_phys p); /* I8 I16 I32 I64 F32 F64 */
int wr_expr_cmp_idx(wr_phys p); /* U8 I8 I16 I32 I64 F32 F64 I128 STR */

/* ------------------------------------------------------------------------------------------
 * Sub-kinds carried in imm
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_time_unit {
    WR_TU_YEAR = 0,
    WR_TU_QUARTER,
    WR_TU_MONTH,
    WR_TU_WEEK,
    WR_TU_DAY,
    WR_TU_DAYOFWEEK,
    WR_TU_DAYOFYEAR,
    WR_TU_HOUR,
    WR_TU_MINUTE,
    WR_TU_SECOND,
    WR_TU_MILLISECOND,
    WR_TU_MICROSECOND,
    WR_TU_EPOCH,
    WR_TU__COUNT
} wr_time_unit;
extern const char *const wr_time_unit_names[WR_TU__COUNT];
int wr_expr_parse_time_unit(const char *s, size_t n); /* -1 when unknown */

typedef enum wr_cast_kind {
    WR_CK_IDENT = 0, /* same physical representation, value unchanged */
    WR_CK_INT_INT,
    WR_CK_INT_FLT,
    WR_CK_INT_DEC,
    WR_CK_INT_BOOL,
    WR_CK_FLT_INT,
    WR_CK_FLT_FLT,
    WR_CK_FLT_DEC,
    WR_CK_FLT_BOOL,
    WR_CK_DEC_INT,
    WR_CK_DEC_FLT,
    WR_CK_DEC_DEC,
    WR_CK_DEC_BOOL,
    WR_CK_BOOL_NUM,
    WR_CK_TO_STR,
    WR_CK_STR_STR,
    WR_CK_STR_INT,
    WR_CK_STR_FLT,
    WR_CK_STR_DEC,
    WR_CK_STR_BOOL,
    WR_CK_STR_DATE,
    WR_CK_STR_TIME,
    WR_CK_STR_TS,
    WR_CK_STR_BIN,
    WR_CK_BIN_BIN,
    WR_CK_TS_DATE,
    WR_CK_DATE_TS,
    WR_CK_TS_TS,
    WR_CK_TS_TIME,
    WR_CK_TIME_TIME,
} wr_cast_kind;

/* OP_MATH1 / OP_MATH2 functions (DOUBLE -> DOUBLE) */
typedef enum wr_math_fn {
    WR_MF_SQRT = 0,
    WR_MF_EXP,
    WR_MF_LN,
    WR_MF_LOG10,
    WR_MF_LOG2,
    WR_MF_SIN,
    WR_MF_COS,
    WR_MF_TAN,
    WR_MF_ASIN,
    WR_MF_ACOS,
    WR_MF_ATAN,
    WR_MF_DEGREES,
    WR_MF_RADIANS,
    WR_MF_POWER, /* two arguments from here */
    WR_MF_LOG,
    WR_MF_ATAN2,
} wr_math_fn;

/* OP_IS_CLASS */
typedef enum wr_str_class { WR_SC_DIGIT = 0, WR_SC_ALPHA, WR_SC_DECIMAL } wr_str_class;

/* OP_JSON_VALUE / OP_JSON_QUERY / OP_JSON_EXISTS / OP_JSON_STATUS (imm): the behaviour on an
 * empty result in bits 0-3, on an error in bits 4-7, JSON_QUERY's wrapper in bits 8-11.
 * OP_JSON_STATUS answers 0 (a value), 1 (empty) or 2 (error) as JSON_VALUE classifies it;
 * the planner builds DEFAULT ... ON EMPTY/ERROR from it. OP_IS_JSON (imm): the kind. */
typedef enum wr_json_behavior {
    WR_JB_NULL = 0,
    WR_JB_ERROR,
    WR_JB_EMPTY_ARRAY,
    WR_JB_EMPTY_OBJECT,
    WR_JB_TRUE,
    WR_JB_FALSE,
    WR_JB_UNKNOWN,
} wr_json_behavior;
typedef enum wr_json_wrapper {
    WR_JW_WITHOUT = 0,
    WR_JW_CONDITIONAL,
    WR_JW_UNCONDITIONAL,
} wr_json_wrapper;
#define WR_JSON_IMM(empty, error, wrapper)                                                         \
    ((int64_t)(empty) | (int64_t)(error) << 4 | (int64_t)(wrapper) << 8)
typedef enum wr_is_json_kind {
    WR_IJ_VALUE = 0,
    WR_IJ_SCALAR,
    WR_IJ_ARRAY,
    WR_IJ_OBJECT,
    WR_IJ_NOT = 8, /* or'ed: IS NOT JSON ... */
} wr_is_json_kind;

/* OP_TRIM modes */
typedef enum wr_trim_mode { WR_TRIM_BOTH = 0, WR_TRIM_LEADING, WR_TRIM_TRAILING } wr_trim_mode;

/* OP_PARSE_TS flavours (imm) */
typedef enum wr_parse_kind {
    WR_PK_TO_TIMESTAMP = 0,
    WR_PK_TO_DATE,
} wr_parse_kind;

/* OP_NOW flavours (imm) */
typedef enum wr_now_kind {
    WR_NOW_TIMESTAMP_LTZ = 0, /* CURRENT_TIMESTAMP, NOW() */
    WR_NOW_TIMESTAMP,         /* LOCALTIMESTAMP */
    WR_NOW_DATE,              /* CURRENT_DATE */
    WR_NOW_TIME,              /* CURRENT_TIME, LOCALTIME */
    WR_NOW_UNIX,              /* UNIX_TIMESTAMP() */
    WR_NOW_WATERMARK,         /* CURRENT_WATERMARK(rowtime): the scratch's watermark */
} wr_now_kind;

/* ------------------------------------------------------------------------------------------
 * Program
 * ---------------------------------------------------------------------------------------- */
typedef enum wr_reg_kind {
    WR_RK_TEMP = 0, /* scratch vector */
    WR_RK_INPUT,    /* a column of the input batch, bound per evaluation */
    WR_RK_CONST,    /* scratch vector filled once with a constant */
    WR_RK_MASK,     /* scratch bitmap only (the vector's validity words) */
    WR_RK_OUT,      /* a column of the output batch, bound per evaluation */
} wr_reg_kind;

typedef struct wr_expr_reg {
    wr_type type;
    wr_phys phys;
    uint8_t kind; /* wr_reg_kind */
    uint32_t idx; /* input column, constant index or output index */
} wr_expr_reg;

typedef struct wr_expr_insn {
    uint16_t op;
    uint16_t nargs;
    int32_t dst;
    int32_t mask;  /* active rows (a MASK register), -1 = all rows */
    uint32_t args; /* offset into prog->argpool */
    int32_t slot;  /* per-scratch state slot, -1 none */
    wr_type type;  /* result type */
    wr_type atype; /* type of the first argument (casts, typed kernels) */
    int64_t imm, imm2;
    void *aux; /* compiled pattern etc., owned by the program */
} wr_expr_insn;

/* Kinds of per-program auxiliary objects, freed with the program. */
typedef enum wr_aux_kind { WR_AUX_LIKE = 1, WR_AUX_REGEX, WR_AUX_DATEFMT } wr_aux_kind;

typedef struct wr_expr_aux {
    uint8_t kind;
    void *ptr;
} wr_expr_aux;

struct wr_expr_prog {
    wr_expr_reg *regs;
    uint32_t nregs, cap_regs;
    wr_expr_insn *insns;
    uint32_t ninsns, cap_insns;
    int32_t *argpool;
    uint32_t nargpool, cap_argpool;
    wr_value *consts;
    uint32_t nconsts, cap_consts;
    wr_expr_aux *aux;
    uint32_t naux, cap_aux;
    uint32_t nslots;
    uint32_t nout;
    int32_t *out_regs;
    wr_type *out_types;
    uint8_t *out_views; /* output i may hold string views into the input or the program */
    uint32_t ninputs;
    wr_phys *input_phys; /* expected physical type of each input column (NONE = unused) */
    char *cstr;          /* all constant strings, one block */
    size_t cstr_len;
    wr_arena arena; /* constants while compiling, compiled patterns */
};

/* Per-instruction mutable state (regex match data, caches, random generators). */
typedef struct wr_expr_slot {
    void (*free_fn)(void *state);
    void *state;
} wr_expr_slot;

#define WR_EXPR_TMP_BUFS 4

struct wr_expr_scratch {
    const wr_expr_prog *p;
    wr_mem_owner *owner;
    uint32_t cap;                /* rows allocated in each register */
    wr_vec *vecs;                /* per register: TEMP, CONST and MASK storage */
    wr_vec **bind;               /* per register: the vector used in this evaluation */
    void *tmp[WR_EXPR_TMP_BUFS]; /* cap * 16 bytes each, for widening arguments */
    wr_arena arena;              /* strings when there is no output batch */
    wr_buf buf, buf2;            /* per-row string building */
    wr_expr_slot *slots;
    uint64_t seed_base; /* for unseeded RAND */
    int64_t watermark;  /* for CURRENT_WATERMARK; INT64_MIN = none yet */
};

/* ------------------------------------------------------------------------------------------
 * Evaluation context passed to kernels
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_expr_ctx {
    const wr_expr_prog *p;
    wr_expr_scratch *s;
    wr_vec **R;      /* register bindings */
    uint32_t n;      /* rows */
    uint32_t nw;     /* validity words */
    wr_arena *arena; /* where produced strings go */
    wr_error *err;
    int64_t now_us; /* wall clock for this evaluation (0 = not read yet) */
} wr_expr_ctx;

static inline uint32_t wr_expr_words(uint32_t n)
{
    return (n + 63) / 64;
}
static inline uint64_t wr_expr_tail_mask(uint32_t n)
{
    return (n & 63) ? ((1ull << (n & 63)) - 1) : ~0ull;
}
static inline const int32_t *wr_expr_args(const wr_expr_ctx *c, const wr_expr_insn *I)
{
    return c->p->argpool + I->args;
}
static inline wr_vec *wr_expr_arg(const wr_expr_ctx *c, const wr_expr_insn *I, uint32_t k)
{
    return c->R[c->p->argpool[I->args + k]];
}

/* Iterate over the set bits of a validity bitmap for rows [0, n). */
#define WR_FOR_EACH_SET(words, nw, i)                                                              \
    for (uint32_t _w = 0, _nw = (nw); _w < _nw; _w++)                                              \
        for (uint64_t _b = (words)[_w]; _b; _b &= _b - 1)                                          \
            for (uint32_t i = _w * 64 + (uint32_t)__builtin_ctzll(_b), _once = 1; _once; _once = 0)

/* Copy bytes into the context's arena as a string view. */
int wr_expr_str_out(wr_expr_ctx *c, wr_strv *dst, const void *p, size_t n);
/* Temporary buffer k (0..WR_EXPR_TMP_BUFS-1) of at least n * 16 bytes. */
void *wr_expr_tmp(wr_expr_ctx *c, int k);
/* Read a numeric vector widened into a temporary buffer (or the data itself when already
 * of that width). */
const int64_t *wr_expr_as_i64(wr_expr_ctx *c, const wr_vec *v, int tmp);
const double *wr_expr_as_f64(wr_expr_ctx *c, const wr_vec *v, int tmp);
const wr_i128 *wr_expr_as_i128(wr_expr_ctx *c, const wr_vec *v, int tmp);
/* Store a 64-bit integer into row i of an integer/decimal64/temporal vector. */
void wr_expr_store_i64(wr_vec *v, uint32_t i, int64_t x);
/* Per-scratch state for an instruction (allocated on first use, freed with the scratch). */
void *wr_expr_slot_get(wr_expr_ctx *c, const wr_expr_insn *I, size_t size,
                       void (*free_fn)(void *state));
/* Fail the evaluation with a user error. */
int wr_expr_fail(wr_expr_ctx *c, int code, const char *fmt, ...) WR_PRINTF(3, 4);
/* A printable rendering of row i of v for error messages: 'abc' for strings. */
const char *wr_expr_show(wr_expr_ctx *c, const wr_vec *v, uint32_t i);

/* Kernels (one call per instruction per batch). Return 0 or a negative wr_err with
 * c->err set. */
int wr_expr_k_cast(wr_expr_ctx *c, const wr_expr_insn *I);
int wr_expr_k_decimal(wr_expr_ctx *c, const wr_expr_insn *I);
int wr_expr_k_string(wr_expr_ctx *c, const wr_expr_insn *I);
int wr_expr_k_pattern(wr_expr_ctx *c, const wr_expr_insn *I);
int wr_expr_k_digest(wr_expr_ctx *c, const wr_expr_insn *I);
int wr_expr_k_json(wr_expr_ctx *c, const wr_expr_insn *I);
int wr_expr_k_math(wr_expr_ctx *c, const wr_expr_insn *I);
int wr_expr_k_time(wr_expr_ctx *c, const wr_expr_insn *I);

/* ------------------------------------------------------------------------------------------
 * Shared helpers between tree, compiler and kernels
 * ---------------------------------------------------------------------------------------- */
/* Format a type into a static-per-thread buffer, for messages. */
const char *wr_expr_type_str(const wr_type *t);
/* A tree node with its children's flags (arena-allocated, zeroed). */
wr_expr *wr_expr_node_new(wr_arena *a, wr_expr_kind kind, wr_type type, wr_expr **args,
                          uint32_t nargs);
/* An implicit cast to t (e itself when no conversion is needed). */
wr_expr *wr_expr_coerce(wr_arena *a, wr_expr *e, wr_type t, wr_error *err);
/* Decimal digits of an integer type (3, 5, 10, 19), 0 for others. */
int wr_expr_int_digits(wr_type_id id);
/* The decimal an exact numeric converts to without loss. */
wr_type wr_expr_as_decimal(const wr_type *t);
/* Flink's common type of two types (comparisons, CASE, COALESCE); false when none. */
bool wr_expr_common_type(const wr_type *a, const wr_type *b, wr_type *out);
/* Can `from` be converted to `to` implicitly (function arguments)? */
bool wr_expr_implicit_ok(const wr_type *from, const wr_type *to);
/* Result type of DECIMAL arithmetic ('+', '-', '*', '/', '%') as Flink derives it. */
wr_type wr_expr_decimal_result(char op, const wr_type *a, const wr_type *b);
/* ROUND/TRUNCATE(DECIMAL(p, s), r) result type. */
wr_type wr_expr_round_decimal_type(int p, int s, int r);
/* The cast kernel kind (wr_cast_kind) for from -> to, or -1 when not allowed. */
int wr_expr_cast_kind(const wr_type *from, const wr_type *to);

/* Decimal arithmetic on unscaled values; return 0 or WR_EOVERFLOW / WR_EDIVZERO. */
int wr_dec_rescale_round(wr_i128 v, int from_scale, int to_scale, wr_i128 *out);
int wr_dec_add(wr_i128 a, int sa, wr_i128 b, int sb, int s, wr_i128 *out);
int wr_dec_mul(wr_i128 a, wr_i128 b, int s_in, int s_out, wr_i128 *out);
int wr_dec_div(wr_i128 a, int sa, wr_i128 b, int sb, int s, wr_i128 *out);
int wr_dec_mod(wr_i128 a, int sa, wr_i128 b, int sb, int s, wr_i128 *out);
bool wr_dec_fits(wr_i128 v, int precision);
/* Java-style rendering of doubles and floats ("1.0", "1.0E10", "NaN"). */
int wr_expr_format_double(double d, bool is_float, wr_buf *out);
/* Shortest decimal digits that round-trip: digits (no dot), decimal exponent such that
 * value = 0.d1d2d3... * 10^exp; returns digit count. */
int wr_expr_shortest_digits(double d, bool is_float, char *digits, int *exp10);
/* Render a value of type t as Flink's CAST(... AS STRING) does. */
int wr_expr_value_to_string(const wr_type *t, const wr_value *v, wr_buf *out);

/* Temporal helpers (UTC). */
int32_t wr_expr_add_months_days(int32_t days, int64_t months);
int64_t wr_expr_add_months_ts(int64_t us, int64_t months);

/* Compile-time preparation of pattern kernels (LIKE, REGEXP*) with constant patterns; the
 * compiled object is recorded with the program. Returns 0, or fails with err. */
int wr_expr_like_compile(wr_expr_prog *p, const char *pat, size_t n, int esc, void **out,
                         wr_error *err);
void wr_expr_like_free(void *like);
void *wr_expr_regex_compile(const char *pat, size_t n, bool *oom);
/* SIMILAR TO pattern (esc < 0: none) translated to an anchored regex and compiled. */
void *wr_expr_similar_compile(const char *pat, size_t n, int esc, bool *oom);
void wr_expr_regex_free(void *re);
/* Date format pattern compiled once (SimpleDateFormat letters). */
void *wr_expr_datefmt_compile(const char *pat, size_t n);
void wr_expr_datefmt_free(void *f);

/* Run a program: shared by wr_expr_eval, the filter, constant folding. outs[i] is the vector
 * output i is written to (NULL: left in a scratch register, see wr_expr_result). */
int wr_expr_run(const wr_expr_prog *p, wr_expr_scratch *s, const wr_vec *in_cols, uint32_t in_ncols,
                uint32_t n, wr_arena *arena, wr_vec *const *outs, wr_error *err);
wr_vec *wr_expr_result(wr_expr_scratch *s, uint32_t i);

/* Compile with options: fold = constant folding of constant subtrees. */
int wr_expr_compile_opts(wr_expr *const *exprs, uint32_t n, const wr_schema *input, bool fold,
                         wr_expr_prog **out, wr_error *err);
/* Evaluate a constant tree without folding its root (used by the folder). */
int wr_expr_eval_constant_opts(const wr_expr *e, bool fold, wr_arena *a, wr_value *out,
                               wr_error *err);

#endif
