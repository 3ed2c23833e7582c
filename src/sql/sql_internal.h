/* sql_internal.h - what the files of src/sql share and nobody else sees: tokens, the
 * keyword table, the parser state and the error/allocation helpers the lexer and the parser
 * both use. */
#ifndef WR_SQL_INTERNAL_H
#define WR_SQL_INTERNAL_H

#include "sql/sql.h"

#include <setjmp.h>

/* Keywords, in ASCII order (the lookup is a binary search; a unit test checks the order).
 * The second column is 1 for reserved words: those never read as identifiers (aliases,
 * column names) unless back-quoted. Everything else is a keyword only where the grammar
 * expects it, so columns named `user`, `value`, `date` or `timestamp` need no quotes. */
#define WR_SQL_KEYWORDS(X)                                                                         \
    X(AFTER, 0)                                                                                    \
    X(ALL, 1)                                                                                      \
    X(ALTER, 0)                                                                                    \
    X(AND, 1)                                                                                      \
    X(ANY, 0)                                                                                      \
    X(ARRAY, 0)                                                                                    \
    X(AS, 1)                                                                                       \
    X(ASC, 1)                                                                                      \
    X(ASYMMETRIC, 0)                                                                               \
    X(BEGIN, 0)                                                                                    \
    X(BETWEEN, 1)                                                                                  \
    X(BIGINT, 0)                                                                                   \
    X(BINARY, 0)                                                                                   \
    X(BOOLEAN, 0)                                                                                  \
    X(BOTH, 0)                                                                                     \
    X(BY, 1)                                                                                       \
    X(BYTES, 0)                                                                                    \
    X(CASE, 1)                                                                                     \
    X(CAST, 1)                                                                                     \
    X(CEIL, 0)                                                                                     \
    X(CEILING, 0)                                                                                  \
    X(CENTURY, 0)                                                                                  \
    X(CHANGELOG_MODE, 0)                                                                           \
    X(CHAR, 0)                                                                                     \
    X(CHARACTER, 0)                                                                                \
    X(COMMENT, 0)                                                                                  \
    X(CONSTRAINT, 0)                                                                               \
    X(CREATE, 1)                                                                                   \
    X(CROSS, 1)                                                                                    \
    X(CUBE, 0)                                                                                     \
    X(CURRENT, 0)                                                                                  \
    X(CURRENT_DATE, 1)                                                                             \
    X(CURRENT_TIME, 1)                                                                             \
    X(CURRENT_TIMESTAMP, 1)                                                                        \
    X(DATE, 0)                                                                                     \
    X(DAY, 0)                                                                                      \
    X(DAYS, 0)                                                                                     \
    X(DEC, 0)                                                                                      \
    X(DECADE, 0)                                                                                   \
    X(DECIMAL, 0)                                                                                  \
    X(DEFINE, 0)                                                                                   \
    X(DESC, 1)                                                                                     \
    X(DESCRIBE, 0)                                                                                 \
    X(DESCRIPTOR, 0)                                                                               \
    X(DISTINCT, 1)                                                                                 \
    X(DISTRIBUTED, 0)                                                                              \
    X(DOUBLE, 0)                                                                                   \
    X(DOW, 0)                                                                                      \
    X(DOY, 0)                                                                                      \
    X(DROP, 1)                                                                                     \
    X(ELSE, 1)                                                                                     \
    X(END, 1)                                                                                      \
    X(ENFORCED, 0)                                                                                 \
    X(EPOCH, 0)                                                                                    \
    X(ESCAPE, 1)                                                                                   \
    X(ESTIMATED_COST, 0)                                                                           \
    X(EXCEPT, 1)                                                                                   \
    X(EXECUTE, 0)                                                                                  \
    X(EXISTS, 1)                                                                                   \
    X(EXPLAIN, 0)                                                                                  \
    X(EXTENDED, 0)                                                                                 \
    X(EXTRACT, 0)                                                                                  \
    X(FALSE, 1)                                                                                    \
    X(FETCH, 1)                                                                                    \
    X(FILTER, 0)                                                                                   \
    X(FIRST, 0)                                                                                    \
    X(FLOAT, 0)                                                                                    \
    X(FLOOR, 0)                                                                                    \
    X(FOLLOWING, 0)                                                                                \
    X(FOR, 1)                                                                                      \
    X(FROM, 1)                                                                                     \
    X(FULL, 1)                                                                                     \
    X(FUNCTION, 0)                                                                                 \
    X(FUNCTIONS, 0)                                                                                \
    X(GROUP, 1)                                                                                    \
    X(GROUPING, 0)                                                                                 \
    X(HAVING, 1)                                                                                   \
    X(HOUR, 0)                                                                                     \
    X(HOURS, 0)                                                                                    \
    X(IF, 0)                                                                                       \
    X(IN, 1)                                                                                       \
    X(INNER, 1)                                                                                    \
    X(INSERT, 1)                                                                                   \
    X(INT, 0)                                                                                      \
    X(INTEGER, 0)                                                                                  \
    X(INTERSECT, 1)                                                                                \
    X(INTERVAL, 1)                                                                                 \
    X(INTO, 1)                                                                                     \
    X(IS, 1)                                                                                       \
    X(ISODOW, 0)                                                                                   \
    X(ISOYEAR, 0)                                                                                  \
    X(JOIN, 1)                                                                                     \
    X(JSON_EXECUTION_PLAN, 0)                                                                      \
    X(KEY, 0)                                                                                      \
    X(LAST, 0)                                                                                     \
    X(LATERAL, 1)                                                                                  \
    X(LEADING, 0)                                                                                  \
    X(LEFT, 1)                                                                                     \
    X(LIKE, 1)                                                                                     \
    X(LIMIT, 1)                                                                                    \
    X(LOCAL, 0)                                                                                    \
    X(LOCALTIME, 1)                                                                                \
    X(LOCALTIMESTAMP, 1)                                                                           \
    X(MAP, 0)                                                                                      \
    X(MATCH, 0)                                                                                    \
    X(MATCH_RECOGNIZE, 1)                                                                          \
    X(MEASURES, 0)                                                                                 \
    X(METADATA, 0)                                                                                 \
    X(MICROSECOND, 0)                                                                              \
    X(MILLENNIUM, 0)                                                                               \
    X(MILLISECOND, 0)                                                                              \
    X(MINUS, 1)                                                                                    \
    X(MINUTE, 0)                                                                                   \
    X(MINUTES, 0)                                                                                  \
    X(MONTH, 0)                                                                                    \
    X(MONTHS, 0)                                                                                   \
    X(MULTISET, 0)                                                                                 \
    X(NANOSECOND, 0)                                                                               \
    X(NATURAL, 1)                                                                                  \
    X(NEXT, 0)                                                                                     \
    X(NOT, 1)                                                                                      \
    X(NULL, 1)                                                                                     \
    X(NULLS, 0)                                                                                    \
    X(NUMERIC, 0)                                                                                  \
    X(OF, 0)                                                                                       \
    X(OFFSET, 1)                                                                                   \
    X(ON, 1)                                                                                       \
    X(ONE, 0)                                                                                      \
    X(ONLY, 0)                                                                                     \
    X(OR, 1)                                                                                       \
    X(ORDER, 1)                                                                                    \
    X(ORDINALITY, 0)                                                                               \
    X(OUTER, 1)                                                                                    \
    X(OVER, 1)                                                                                     \
    X(OVERLAY, 0)                                                                                  \
    X(OVERWRITE, 0)                                                                                \
    X(PARTITION, 1)                                                                                \
    X(PARTITIONED, 0)                                                                              \
    X(PAST, 0)                                                                                     \
    X(PATTERN, 0)                                                                                  \
    X(PER, 0)                                                                                      \
    X(PERMUTE, 0)                                                                                  \
    X(PLACING, 0)                                                                                  \
    X(PLAN, 0)                                                                                     \
    X(PLAN_ADVICE, 0)                                                                              \
    X(POSITION, 0)                                                                                 \
    X(PRECEDING, 0)                                                                                \
    X(PRECISION, 0)                                                                                \
    X(PRIMARY, 0)                                                                                  \
    X(QUARTER, 0)                                                                                  \
    X(RANGE, 0)                                                                                    \
    X(RAW, 0)                                                                                      \
    X(REAL, 0)                                                                                     \
    X(REPLACE, 0)                                                                                  \
    X(RESET, 0)                                                                                    \
    X(RETURNING, 0)                                                                                \
    X(RIGHT, 1)                                                                                    \
    X(ROLLUP, 0)                                                                                   \
    X(ROW, 0)                                                                                      \
    X(ROWS, 0)                                                                                     \
    X(SECOND, 0)                                                                                   \
    X(SECONDS, 0)                                                                                  \
    X(SELECT, 1)                                                                                   \
    X(SET, 1)                                                                                      \
    X(SETS, 0)                                                                                     \
    X(SHOW, 0)                                                                                     \
    X(SIMILAR, 1)                                                                                  \
    X(SKIP, 0)                                                                                     \
    X(SMALLINT, 0)                                                                                 \
    X(SOME, 0)                                                                                     \
    X(STATEMENT, 0)                                                                                \
    X(STRING, 0)                                                                                   \
    X(SUBSET, 0)                                                                                   \
    X(SUBSTRING, 0)                                                                                \
    X(SYMMETRIC, 0)                                                                                \
    X(SYSTEM, 0)                                                                                   \
    X(SYSTEM_TIME, 0)                                                                              \
    X(TABLE, 1)                                                                                    \
    X(TABLES, 0)                                                                                   \
    X(TEMPORARY, 0)                                                                                \
    X(THEN, 1)                                                                                     \
    X(TIME, 0)                                                                                     \
    X(TIMESTAMP, 0)                                                                                \
    X(TIMESTAMPADD, 0)                                                                             \
    X(TIMESTAMPDIFF, 0)                                                                            \
    X(TIMESTAMP_LTZ, 0)                                                                            \
    X(TINYINT, 0)                                                                                  \
    X(TO, 0)                                                                                       \
    X(TRAILING, 0)                                                                                 \
    X(TRIM, 0)                                                                                     \
    X(TRUE, 1)                                                                                     \
    X(TRY_CAST, 0)                                                                                 \
    X(UESCAPE, 0)                                                                                  \
    X(UNBOUNDED, 0)                                                                                \
    X(UNION, 1)                                                                                    \
    X(UNKNOWN, 1)                                                                                  \
    X(UNNEST, 1)                                                                                   \
    X(USER, 0)                                                                                     \
    X(USING, 1)                                                                                    \
    X(VALUES, 1)                                                                                   \
    X(VARBINARY, 0)                                                                                \
    X(VARCHAR, 0)                                                                                  \
    X(VARYING, 0)                                                                                  \
    X(VIEW, 0)                                                                                     \
    X(VIEWS, 0)                                                                                    \
    X(VIRTUAL, 0)                                                                                  \
    X(WATERMARK, 0)                                                                                \
    X(WEEK, 0)                                                                                     \
    X(WHEN, 1)                                                                                     \
    X(WHERE, 1)                                                                                    \
    X(WINDOW, 1)                                                                                   \
    X(WITH, 1)                                                                                     \
    X(WITHIN, 0)                                                                                   \
    X(WITHOUT, 0)                                                                                  \
    X(YEAR, 0)                                                                                     \
    X(YEARS, 0)                                                                                    \
    X(ZONE, 0)

typedef enum wr_sql_kw {
    WR_KW_NONE = 0,
#define WR_X_KW(name, reserved) WR_KW_##name,
    WR_SQL_KEYWORDS(WR_X_KW)
#undef WR_X_KW
        WR_KW__COUNT
} wr_sql_kw;

/* Look a word up (any case); WR_KW_NONE when it is not a keyword. */
wr_sql_kw wr_sql_kw_lookup(const char *word, size_t len);
const char *wr_sql_kw_name(wr_sql_kw kw);
bool wr_sql_kw_reserved(wr_sql_kw kw);

typedef enum wr_sql_tk {
    WR_TK_EOF = 0,
    WR_TK_ERROR,      /* a lexical error, already reported */
    WR_TK_IDENT,      /* kw says whether it is a keyword */
    WR_TK_QIDENT,     /* `back-quoted` */
    WR_TK_STRING,     /* 'text' and N'text' */
    WR_TK_USTRING,    /* U&'text' */
    WR_TK_BSTRING,    /* X'0AFF' */
    WR_TK_INTEGER,    /* 123 */
    WR_TK_DECIMAL,    /* 1.5, .5, 1. */
    WR_TK_APPROX,     /* 1e3, 1.5E-3 */
    WR_TK_PLUS,       /* + */
    WR_TK_MINUS,      /* - */
    WR_TK_STAR,       /* * */
    WR_TK_SLASH,      /* / */
    WR_TK_PERCENT,    /* % */
    WR_TK_CONCAT,     /* || */
    WR_TK_EQ,         /* = */
    WR_TK_NE,         /* <> or != */
    WR_TK_LT,         /* < */
    WR_TK_LE,         /* <= */
    WR_TK_GT,         /* > */
    WR_TK_GE,         /* >= */
    WR_TK_LPAREN,     /* ( */
    WR_TK_RPAREN,     /* ) */
    WR_TK_COMMA,      /* , */
    WR_TK_DOT,        /* . */
    WR_TK_SEMI,       /* ; */
    WR_TK_LBRACKET,   /* [ */
    WR_TK_RBRACKET,   /* ] */
    WR_TK_LBRACE,     /* { */
    WR_TK_RBRACE,     /* } */
    WR_TK_ARROW,      /* => */
    WR_TK_DCOLON,     /* :: */
    WR_TK_QUESTION,   /* ? */
    WR_TK_CARET,      /* ^ */
    WR_TK_PIPE,       /* | */
    WR_TK_DOLLAR,     /* $ */
    WR_TK_HINT_START, /* the opening of a hint comment: slash star plus */
    WR_TK_HINT_END,   /* star slash closing a hint comment */
    WR_TK__COUNT
} wr_sql_tk;

typedef struct wr_sql_token {
    uint16_t kind; /* wr_sql_tk */
    uint16_t kw;   /* wr_sql_kw for WR_TK_IDENT, else 0 */
    uint32_t len;  /* bytes of source text */
    wr_sql_pos pos;
} wr_sql_token;

/* Parser state (one per wr_sql_parse call). Errors are recorded with wr_sql_note_error;
 * the parser escapes from a failed statement with longjmp to `recover` (every allocation
 * is in the arena, so nothing leaks on the way out). */
typedef struct wr_sql_parser {
    wr_arena *a;
    const char *text;
    uint32_t len;
    const char *file;
    wr_sql_token *toks; /* wr_malloc'ed, freed when the parse ends */
    uint32_t ntoks, tokcap;
    uint32_t i;         /* current token */
    wr_sql_error *errs; /* wr_malloc'ed; copied into the arena at the end */
    uint32_t nerrs, errcap;
    bool oom;
    bool gave_up; /* WR_SQL_MAX_ERRORS reached */
    int depth;
    jmp_buf *recover;
    /* Keywords that were tried at token exp_tok: the candidates for "did you mean". */
    uint32_t exp_tok;
    uint32_t nexp;
    uint16_t exp[64];
    /* Token index + 1 of the last identifier read as an implicit alias (0: none). */
    uint32_t alias_tok;
} wr_sql_parser;

/* Record an error at pos (formatted into the arena). Never jumps. */
void wr_sql_note_error(wr_sql_parser *p, int code, wr_sql_pos pos, const char *fmt, ...)
    WR_PRINTF(4, 5);
void wr_sql_note_errorv(wr_sql_parser *p, int code, wr_sql_pos pos, const char *fmt, va_list ap);
/* Tokenize the whole text into p->toks (ending with WR_TK_EOF); lexical errors are noted
 * and leave WR_TK_ERROR tokens. WR_ENOMEM when the token array cannot grow. */
int wr_sql_lex(wr_sql_parser *p);
/* Decode one UTF-8 sequence at s (n bytes available): its length, or 0 when invalid. */
int wr_sql_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Position of byte offset `off`, counting from a known earlier position `from`. */
wr_sql_pos wr_sql_pos_advance(const char *text, wr_sql_pos from, uint32_t off);
const char *wr_sql_tk_name(wr_sql_tk k);

#endif
