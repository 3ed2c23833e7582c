/* sql_lex.c - the lexer of the Flink SQL dialect. It turns a whole script into an array of
 * tokens before parsing starts (so the parser can look ahead freely), each with its byte
 * offset, 1-based line and 1-based column counted in UTF-8 code points. It knows the
 * dialect's lexical rules: back-quoted identifiers with `` escapes, '...' strings with ''
 * escapes (and N'..', X'..', U&'..' forms), integer/decimal/approximate numbers, -- and
 * block comments, hint comments (slash-star-plus), and the operator set. A lexical error
 * (unterminated string or comment, stray character, bad UTF-8) is noted with its position
 * and leaves an ERROR token, at which the parser stops that statement quietly. The keyword
 * table and its lookup live here too. */
#include "sql/sql_internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------
 * Keywords
 * ---------------------------------------------------------------------------------------- */

static const char *const kw_names[WR_KW__COUNT] = {[WR_KW_NONE] = "",
#define WR_X_KW(name, reserved) [WR_KW_##name] = #name,
                                                   WR_SQL_KEYWORDS(WR_X_KW)
#undef WR_X_KW
};

static const bool kw_reserved[WR_KW__COUNT] = {
#define WR_X_KW(name, reserved) [WR_KW_##name] = (reserved),
    WR_SQL_KEYWORDS(WR_X_KW)
#undef WR_X_KW
};

const char *wr_sql_kw_name(wr_sql_kw kw)
{
    if ((unsigned)kw >= WR_KW__COUNT) return "";
    return kw_names[kw];
}

bool wr_sql_kw_reserved(wr_sql_kw kw)
{
    return (unsigned)kw < WR_KW__COUNT && kw_reserved[kw];
}

wr_sql_kw wr_sql_kw_lookup(const char *word, size_t len)
{
    char up[32];
    if (len == 0 || len >= sizeof up) return WR_KW_NONE;
    for (size_t i = 0; i < len; i++) {
        char c = word[i];
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        up[i] = c;
    }
    up[len] = '\0';
    int lo = 1, hi = WR_KW__COUNT - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(up, kw_names[mid]);
        if (c == 0) return (wr_sql_kw)mid;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return WR_KW_NONE;
}

static const char *const tk_names[WR_TK__COUNT] = {
    [WR_TK_EOF] = "end of input",
    [WR_TK_ERROR] = "invalid token",
    [WR_TK_IDENT] = "identifier",
    [WR_TK_QIDENT] = "quoted identifier",
    [WR_TK_STRING] = "string literal",
    [WR_TK_USTRING] = "unicode string literal",
    [WR_TK_BSTRING] = "binary string literal",
    [WR_TK_INTEGER] = "integer",
    [WR_TK_DECIMAL] = "decimal number",
    [WR_TK_APPROX] = "approximate number",
    [WR_TK_PLUS] = "'+'",
    [WR_TK_MINUS] = "'-'",
    [WR_TK_STAR] = "'*'",
    [WR_TK_SLASH] = "'/'",
    [WR_TK_PERCENT] = "'%'",
    [WR_TK_CONCAT] = "'||'",
    [WR_TK_EQ] = "'='",
    [WR_TK_NE] = "'<>'",
    [WR_TK_LT] = "'<'",
    [WR_TK_LE] = "'<='",
    [WR_TK_GT] = "'>'",
    [WR_TK_GE] = "'>='",
    [WR_TK_LPAREN] = "'('",
    [WR_TK_RPAREN] = "')'",
    [WR_TK_COMMA] = "','",
    [WR_TK_DOT] = "'.'",
    [WR_TK_SEMI] = "';'",
    [WR_TK_LBRACKET] = "'['",
    [WR_TK_RBRACKET] = "']'",
    [WR_TK_LBRACE] = "'{'",
    [WR_TK_RBRACE] = "'}'",
    [WR_TK_ARROW] = "'=>'",
    [WR_TK_DCOLON] = "'::'",
    [WR_TK_QUESTION] = "'?'",
    [WR_TK_CARET] = "'^'",
    [WR_TK_PIPE] = "'|'",
    [WR_TK_DOLLAR] = "'$'",
    [WR_TK_HINT_START] = "hint comment",
    [WR_TK_HINT_END] = "end of hint comment",
};

const char *wr_sql_tk_name(wr_sql_tk k)
{
    if ((unsigned)k >= WR_TK__COUNT) return "token";
    return tk_names[k];
}

/* ------------------------------------------------------------------------------------------
 * UTF-8 and positions
 * ---------------------------------------------------------------------------------------- */

int wr_sql_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)len > n) return 0;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return len;
}

wr_sql_pos wr_sql_pos_advance(const char *text, wr_sql_pos from, uint32_t off)
{
    wr_sql_pos p = from;
    for (uint32_t i = from.offset; i < off; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            p.line++;
            p.col = 1;
        } else if ((c & 0xC0) != 0x80) {
            p.col++;
        }
    }
    p.offset = off;
    return p;
}

/* ------------------------------------------------------------------------------------------
 * The lexer
 * ---------------------------------------------------------------------------------------- */

typedef struct lexer {
    wr_sql_parser *p;
    const unsigned char *s;
    uint32_t n;
    wr_sql_pos at; /* position of s[at.offset] */
    bool in_hint;
    wr_sql_pos hint_pos;
    uint32_t hint_tok; /* index of the HINT_START token of the open hint */
} lexer;

/* Move forward to byte offset `to`, keeping line and column. */
static void move_to(lexer *lx, uint32_t to)
{
    lx->at = wr_sql_pos_advance((const char *)lx->s, lx->at, to);
}

static int push(lexer *lx, wr_sql_tk kind, wr_sql_kw kw, wr_sql_pos pos, uint32_t end)
{
    wr_sql_parser *p = lx->p;
    if (p->ntoks == p->tokcap) {
        uint32_t cap = p->tokcap ? p->tokcap * 2 : 256;
        wr_sql_token *t = wr_realloc(p->toks, (size_t)cap * sizeof *t);
        if (!t) return WR_ENOMEM;
        p->toks = t;
        p->tokcap = cap;
    }
    p->toks[p->ntoks++] = (wr_sql_token){
        .kind = (uint16_t)kind, .kw = (uint16_t)kw, .len = end - pos.offset, .pos = pos};
    move_to(lx, end);
    return 0;
}

static bool is_ident_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Check UTF-8 in s[from, to); note the first bad byte. */
static bool check_utf8(lexer *lx, uint32_t from, uint32_t to, const char *what)
{
    for (uint32_t i = from; i < to;) {
        uint32_t cp;
        int l = wr_sql_utf8_decode(lx->s + i, to - i, &cp);
        if (l == 1 && cp == 0) {
            /* Names and option strings are C strings everywhere after the parser. */
            wr_sql_pos pos = wr_sql_pos_advance((const char *)lx->s, lx->at, i);
            wr_sql_note_error(lx->p, WR_EPARSE, pos, "NUL character in %s", what);
            return false;
        }
        if (l == 0) {
            wr_sql_pos pos = wr_sql_pos_advance((const char *)lx->s, lx->at, i);
            wr_sql_note_error(lx->p, WR_EPARSE, pos, "invalid UTF-8 byte 0x%02X in %s", lx->s[i],
                              what);
            return false;
        }
        i += (uint32_t)l;
    }
    return true;
}

/* Printable form of the byte at i, for "unexpected character" messages. */
static void describe_char(lexer *lx, uint32_t i, char *out, size_t cap)
{
    uint32_t cp;
    int l = wr_sql_utf8_decode(lx->s + i, lx->n - i, &cp);
    if (l > 1)
        snprintf(out, cap, "'%.*s' (U+%04X)", l, (const char *)lx->s + i, cp);
    else if (l == 1 && cp >= 0x20 && cp < 0x7F)
        snprintf(out, cap, "'%c'", (char)cp);
    else
        snprintf(out, cap, "byte 0x%02X", lx->s[i]);
}

/* Error token for s[at, end): noted with the message, then skipped. */
static int lex_error(lexer *lx, uint32_t end, const char *fmt, ...) WR_PRINTF(3, 4);
static int lex_error(lexer *lx, uint32_t end, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wr_sql_note_errorv(lx->p, WR_EPARSE, lx->at, fmt, ap);
    va_end(ap);
    return push(lx, WR_TK_ERROR, WR_KW_NONE, lx->at, end);
}

/* '...' with '' escapes, starting at the quote at q. Returns the offset past the closing
 * quote, or 0 when unterminated. */
static uint32_t scan_quoted(lexer *lx, uint32_t q, unsigned char quote)
{
    uint32_t i = q + 1;
    for (;;) {
        const unsigned char *e = memchr(lx->s + i, quote, lx->n - i);
        if (!e) return 0;
        i = (uint32_t)(e - lx->s) + 1;
        if (i < lx->n && lx->s[i] == quote) {
            i++;
            continue;
        }
        return i;
    }
}

static int lex_string(lexer *lx, uint32_t quote_at, wr_sql_tk kind)
{
    uint32_t end = scan_quoted(lx, quote_at, '\'');
    if (!end) return lex_error(lx, lx->n, "unterminated string literal");
    if (kind == WR_TK_BSTRING) {
        for (uint32_t i = quote_at + 1; i + 1 < end; i++) {
            if (!is_hex(lx->s[i])) {
                wr_sql_pos pos = wr_sql_pos_advance((const char *)lx->s, lx->at, i);
                wr_sql_note_error(lx->p, WR_EPARSE, pos,
                                  "invalid binary literal: expected hexadecimal digits");
                return push(lx, WR_TK_ERROR, WR_KW_NONE, lx->at, end);
            }
        }
        if ((end - quote_at - 2) % 2 != 0) {
            wr_sql_note_error(lx->p, WR_EPARSE, lx->at,
                              "invalid binary literal: odd number of hexadecimal digits");
            return push(lx, WR_TK_ERROR, WR_KW_NONE, lx->at, end);
        }
    } else if (!check_utf8(lx, quote_at + 1, end - 1, "string literal")) {
        return push(lx, WR_TK_ERROR, WR_KW_NONE, lx->at, end);
    }
    return push(lx, kind, WR_KW_NONE, lx->at, end);
}

static int lex_number(lexer *lx)
{
    const unsigned char *s = lx->s;
    uint32_t i = lx->at.offset, n = lx->n;
    bool dot = false, exp = false;
    while (i < n && is_digit(s[i]))
        i++;
    if (i < n && s[i] == '.') {
        dot = true;
        i++;
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        uint32_t j = i + 1;
        if (j < n && (s[j] == '+' || s[j] == '-')) j++;
        if (j < n && is_digit(s[j])) {
            exp = true;
            i = j;
            while (i < n && is_digit(s[i]))
                i++;
        } else {
            while (j < n && is_ident_char(s[j]))
                j++;
            return lex_error(lx, j, "invalid number: exponent has no digits");
        }
    }
    if (i < n && (is_ident_char(s[i]) || s[i] == '.')) {
        uint32_t j = i;
        while (j < n && (is_ident_char(s[j]) || s[j] == '.'))
            j++;
        char buf[64];
        snprintf(buf, sizeof buf, "%.*s%s", (int)WR_MIN(j - lx->at.offset, 40u),
                 (const char *)s + lx->at.offset, j - lx->at.offset > 40 ? "..." : "");
        return lex_error(lx, j, "invalid number '%s'", buf);
    }
    return push(lx,
                exp   ? WR_TK_APPROX
                : dot ? WR_TK_DECIMAL
                      : WR_TK_INTEGER,
                WR_KW_NONE, lx->at, i);
}

static int lex_ident(lexer *lx)
{
    uint32_t i = lx->at.offset;
    while (i < lx->n && is_ident_char(lx->s[i]))
        i++;
    if (!check_utf8(lx, lx->at.offset, i, "identifier"))
        return push(lx, WR_TK_ERROR, WR_KW_NONE, lx->at, i);
    wr_sql_kw kw = wr_sql_kw_lookup((const char *)lx->s + lx->at.offset, i - lx->at.offset);
    return push(lx, WR_TK_IDENT, kw, lx->at, i);
}

static int lex_qident(lexer *lx)
{
    uint32_t end = scan_quoted(lx, lx->at.offset, '`');
    if (!end) return lex_error(lx, lx->n, "unterminated quoted identifier");
    if (end - lx->at.offset == 2) return lex_error(lx, end, "empty quoted identifier");
    if (!check_utf8(lx, lx->at.offset + 1, end - 1, "quoted identifier"))
        return push(lx, WR_TK_ERROR, WR_KW_NONE, lx->at, end);
    return push(lx, WR_TK_QIDENT, WR_KW_NONE, lx->at, end);
}

/* Operators and punctuation; 0 when c starts none. */
static int lex_operator(lexer *lx, wr_sql_tk *kind)
{
    const unsigned char *s = lx->s + lx->at.offset;
    uint32_t left = lx->n - lx->at.offset;
    unsigned char c = s[0], d = left > 1 ? s[1] : 0;
    switch (c) {
    case '+':
        *kind = WR_TK_PLUS;
        return 1;
    case '-':
        *kind = WR_TK_MINUS;
        return 1;
    case '*':
        *kind = WR_TK_STAR;
        return 1;
    case '/':
        *kind = WR_TK_SLASH;
        return 1;
    case '%':
        *kind = WR_TK_PERCENT;
        return 1;
    case '(':
        *kind = WR_TK_LPAREN;
        return 1;
    case ')':
        *kind = WR_TK_RPAREN;
        return 1;
    case ',':
        *kind = WR_TK_COMMA;
        return 1;
    case '.':
        *kind = WR_TK_DOT;
        return 1;
    case ';':
        *kind = WR_TK_SEMI;
        return 1;
    case '[':
        *kind = WR_TK_LBRACKET;
        return 1;
    case ']':
        *kind = WR_TK_RBRACKET;
        return 1;
    case '{':
        *kind = WR_TK_LBRACE;
        return 1;
    case '}':
        *kind = WR_TK_RBRACE;
        return 1;
    case '?':
        *kind = WR_TK_QUESTION;
        return 1;
    case '^':
        *kind = WR_TK_CARET;
        return 1;
    case '$':
        *kind = WR_TK_DOLLAR;
        return 1;
    case '|':
        if (d == '|') {
            *kind = WR_TK_CONCAT;
            return 2;
        }
        *kind = WR_TK_PIPE;
        return 1;
    case '=':
        if (d == '>') {
            *kind = WR_TK_ARROW;
            return 2;
        }
        *kind = WR_TK_EQ;
        return 1;
    case '<':
        if (d == '>') {
            *kind = WR_TK_NE;
            return 2;
        }
        if (d == '=') {
            *kind = WR_TK_LE;
            return 2;
        }
        *kind = WR_TK_LT;
        return 1;
    case '>':
        if (d == '=') {
            *kind = WR_TK_GE;
            return 2;
        }
        *kind = WR_TK_GT;
        return 1;
    case '!':
        if (d == '=') {
            *kind = WR_TK_NE;
            return 2;
        }
        return 0;
    case ':':
        if (d == ':') {
            *kind = WR_TK_DCOLON;
            return 2;
        }
        return 0;
    default:
        return 0;
    }
}

/* One token (or comment/whitespace run) at lx->at. */
static int lex_one(lexer *lx)
{
    const unsigned char *s = lx->s;
    uint32_t i = lx->at.offset, n = lx->n;
    unsigned char c = s[i], d = i + 1 < n ? s[i + 1] : 0, e = i + 2 < n ? s[i + 2] : 0;

    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                         s[i] == '\f' || s[i] == '\v'))
            i++;
        move_to(lx, i);
        return 0;
    }
    if (c == '-' && d == '-') {
        const unsigned char *nl = memchr(s + i, '\n', n - i);
        move_to(lx, nl ? (uint32_t)(nl - s) : n);
        return 0;
    }
    if (c == '/' && d == '*') {
        if (e == '+') {
            if (lx->in_hint) return lex_error(lx, i + 3, "hint comments cannot nest");
            lx->in_hint = true;
            lx->hint_pos = lx->at;
            lx->hint_tok = lx->p->ntoks;
            return push(lx, WR_TK_HINT_START, WR_KW_NONE, lx->at, i + 3);
        }
        const unsigned char *end = NULL;
        for (uint32_t j = i + 2; j + 1 < n; j++) {
            if (s[j] == '*' && s[j + 1] == '/') {
                end = s + j;
                break;
            }
        }
        if (!end) {
            wr_sql_note_error(lx->p, WR_EPARSE, lx->at, "unterminated comment");
            move_to(lx, n);
            return 0;
        }
        move_to(lx, (uint32_t)(end - s) + 2);
        return 0;
    }
    if (c == '*' && d == '/' && lx->in_hint) {
        lx->in_hint = false;
        return push(lx, WR_TK_HINT_END, WR_KW_NONE, lx->at, i + 2);
    }
    if ((c == 'X' || c == 'x') && d == '\'') return lex_string(lx, i + 1, WR_TK_BSTRING);
    if ((c == 'N' || c == 'n') && d == '\'') return lex_string(lx, i + 1, WR_TK_STRING);
    if ((c == 'U' || c == 'u') && d == '&' && e == '\'')
        return lex_string(lx, i + 2, WR_TK_USTRING);
    if (is_ident_start(c)) return lex_ident(lx);
    if (is_digit(c) || (c == '.' && is_digit(d))) return lex_number(lx);
    if (c == '`') return lex_qident(lx);
    if (c == '\'') return lex_string(lx, i, WR_TK_STRING);
    if (c == '"') {
        uint32_t end = scan_quoted(lx, i, '"');
        return lex_error(lx, end ? end : n,
                         "double quotes are not used in Flink SQL: write 'text' for a string "
                         "and `name` for an identifier");
    }
    wr_sql_tk kind;
    int len = lex_operator(lx, &kind);
    if (len > 0) return push(lx, kind, WR_KW_NONE, lx->at, i + (uint32_t)len);
    char what[48];
    describe_char(lx, i, what, sizeof what);
    uint32_t cp, l = (uint32_t)wr_sql_utf8_decode(s + i, n - i, &cp);
    return lex_error(lx, i + (l ? l : 1), "unexpected character %s", what);
}

int wr_sql_lex(wr_sql_parser *p)
{
    lexer lx = {.p = p, .s = (const unsigned char *)p->text, .n = p->len};
    lx.at = (wr_sql_pos){.offset = 0, .line = 1, .col = 1};
    while (lx.at.offset < lx.n) {
        if (p->gave_up) break;
        int rc = lex_one(&lx);
        if (rc < 0) return rc;
    }
    if (lx.in_hint) {
        /* The parser stops quietly at the opening, which the error names. */
        wr_sql_note_error(p, WR_EPARSE, lx.hint_pos, "unterminated hint comment");
        p->toks[lx.hint_tok].kind = WR_TK_ERROR;
    }
    move_to(&lx, lx.n);
    return push(&lx, WR_TK_EOF, WR_KW_NONE, lx.at, lx.n);
}
