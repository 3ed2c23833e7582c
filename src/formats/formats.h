/* formats.h - row formats: decoders from bytes into columnar batches and encoders from
 * batches into bytes, for Flink's `csv` and `json` (JSON lines) formats.
 *
 * A format is a static const vtable (wr_format_vt) with a typed configuration struct
 * (wr_csv_config, wr_json_config). The formats know nothing of SQL option names: the
 * connectors module owns the 'csv.*' / 'json.*' option tables and fills these structs, so
 * this module depends on types and base only.
 *
 * Decoding works on a byte buffer holding whole or partial records (a file read in large
 * chunks, a message): wr_format_vt.decode appends as many rows as fit into the batch, stops
 * at an incomplete record (so the caller can read more) and reports how many bytes and line
 * breaks it consumed. A parse error reports the line (relative to the buffer start) and the
 * 1-based byte column of the offending field; the caller adds the file name and absolute
 * line: "x.csv:3:7: expected an INT but found 'abc'". With ignore-parse-errors the decoder
 * skips the bad record, counts it in the result and goes on.
 *
 * Memory: string values are copied into the batch arena; decoders and encoders keep
 * scratch buffers that are reused across records, so the hot path does not allocate per
 * record. A decoder/encoder is used by one thread at a time; the schema it was created
 * with must outlive it. */
#ifndef WR_FORMATS_H
#define WR_FORMATS_H

#include "base/base.h"
#include "types/types.h"

#define WR_FORMAT_ABI_VERSION 1

/* ------------------------------------------------------------------------------------------
 * Configurations (defaults are Flink's; wr_format_vt.config_init fills them).
 * ---------------------------------------------------------------------------------------- */
#define WR_FORMAT_LITERAL_MAX 64 /* longest null literal / map null key literal, with NUL */

typedef struct wr_csv_config {
    char field_delimiter;     /* csv.field-delimiter, ',' */
    char quote_char;          /* csv.quote-character, '"' */
    bool disable_quote;       /* csv.disable-quote-character */
    bool allow_comments;      /* csv.allow-comments: lines starting with '#' are skipped */
    bool ignore_parse_errors; /* csv.ignore-parse-errors: skip (and count) bad records */
    int escape_char;          /* csv.escape-character, -1 = none */
    bool has_null_literal;    /* csv.null-literal set */
    char null_literal[WR_FORMAT_LITERAL_MAX];
    char array_element_delimiter[WR_FORMAT_LITERAL_MAX]; /* csv.array-element-delimiter, ";" */
} wr_csv_config;

typedef enum wr_json_ts_standard {
    WR_JSON_TS_SQL = 0,  /* "2024-01-02 03:04:05.678" (LTZ: trailing 'Z') */
    WR_JSON_TS_ISO_8601, /* "2024-01-02T03:04:05.678" (LTZ: trailing 'Z') */
} wr_json_ts_standard;

typedef enum wr_json_map_null_key {
    WR_JSON_MAP_NULL_KEY_FAIL = 0,
    WR_JSON_MAP_NULL_KEY_DROP,
    WR_JSON_MAP_NULL_KEY_LITERAL,
} wr_json_map_null_key;

typedef struct wr_json_config {
    bool fail_on_missing_field;        /* json.fail-on-missing-field */
    bool ignore_parse_errors;          /* json.ignore-parse-errors */
    wr_json_ts_standard ts_standard;   /* json.timestamp-format.standard */
    wr_json_map_null_key map_null_key; /* json.map-null-key.mode (MAP is not supported yet) */
    char map_null_key_literal[WR_FORMAT_LITERAL_MAX]; /* json.map-null-key.literal */
    bool encode_decimal_as_plain_number;              /* json.encode.decimal-as-plain-number */
    bool encode_ignore_null_fields;                   /* json.encode.ignore-null-fields */
} wr_json_config;

/* ------------------------------------------------------------------------------------------
 * The format contract
 * ---------------------------------------------------------------------------------------- */
typedef struct wr_decode_result {
    size_t consumed;  /* bytes of whole records consumed (decoded, skipped or blank) */
    uint64_t lines;   /* line breaks within the consumed bytes */
    uint32_t rows;    /* rows appended to the batch */
    uint64_t skipped; /* records dropped for parse errors (ignore-parse-errors) */
    bool need_more;   /* stopped at an incomplete record: call again with more bytes */
    bool full;        /* stopped because the next record's rows do not fit into the batch */
    /* On WR_EPARSE: where the error is. err_line counts line breaks from the start of the
     * buffer passed in (0 = its first line); err_col is the 1-based byte column. */
    uint64_t err_line;
    uint32_t err_col;
} wr_decode_result;

typedef struct wr_format_vt {
    uint32_t abi_version; /* WR_FORMAT_ABI_VERSION */
    const char *name;     /* "csv" */
    const char *description;
    const char *file_ext; /* extension of files written in this format: "csv" */
    size_t config_size;   /* sizeof the config struct */
    void (*config_init)(void *cfg);
    /* Check the schema (every column type supported) and create a decoder. */
    int (*decoder_new)(const void *cfg, const wr_schema *schema, void **out, wr_error *err);
    /* Decode records from p[0, n) into b (rows appended from b->len; at most up to b->cap).
     * eof: nothing follows p[n-1], so a last record without a line break is complete.
     * Returns WR_OK (see res for why it stopped: batch full, need_more, or all consumed),
     * WR_EPARSE with err and res->err_line/err_col set, or WR_ENOMEM. Never crashes on any
     * input bytes. */
    int (*decode)(void *dec, const char *p, size_t n, bool eof, wr_batch *b, wr_decode_result *res,
                  wr_error *err);
    void (*decoder_free)(void *dec);
    int (*encoder_new)(const void *cfg, const wr_schema *schema, void **out, wr_error *err);
    /* Append rows [from, to) of b, one record per line ('\n'); row kinds are ignored. */
    int (*encode)(void *enc, const wr_batch *b, uint32_t from, uint32_t to, wr_buf *out,
                  wr_error *err);
    void (*encoder_free)(void *enc);
} wr_format_vt;

extern const wr_format_vt wr_format_csv;
extern const wr_format_vt wr_format_json;

/* The built-in formats, NULL-terminated. */
const wr_format_vt *const *wr_format_list(void);
/* Find by name (case-insensitive). Unknown: WR_ENOENT and "unknown format 'x'; did you mean
 * 'csv'? (available: csv, json)". */
int wr_format_find(const char *name, const wr_format_vt **out, wr_error *err);

/* ------------------------------------------------------------------------------------------
 * Helpers shared by the formats (formats_common.c)
 * ---------------------------------------------------------------------------------------- */
/* Base64 (RFC 4648) decoding for BYTES in JSON and CSV (types.h encodes). dst holds at
 * least n / 4 * 3 + 3 bytes. WR_EPARSE on characters outside the alphabet or bad padding;
 * missing padding is accepted. */
int wr_base64_decode(const char *s, size_t n, uint8_t *dst, size_t *out_len);
/* Set err to "expected <article> <TYPE> but found <what>" (what is printed as given). */
int wr_format_type_error(wr_error *err, const wr_type *t, const char *what);
/* Check that every column type can be read/written by format `fmt`: ARRAY, MAP and ROW
 * columns are rejected with a message naming the column and its type. */
int wr_format_check_schema(const char *fmt, const wr_schema *schema, wr_error *err);

#endif
