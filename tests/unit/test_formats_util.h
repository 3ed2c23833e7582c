/* test_formats_util.h - what the format tests share: schemas from (name, type) lists, rows
 * printed as "v1|v2|..." lines, and decoding a whole input with a format's decoder. Included
 * by test_formats_*.c (after testutil.h). */
#ifndef WR_TEST_FORMATS_UTIL_H
#define WR_TEST_FORMATS_UTIL_H

#include <string.h>

#include "formats/formats.h"

typedef struct col_spec {
    const char *name;
    wr_type type;
} col_spec;

static inline wr_schema *make_schema(const col_spec *cols, uint32_t n)
{
    wr_schema *s = wr_schema_new(n);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(wr_schema_set(s, i, cols[i].name, cols[i].type), WR_OK);
    return s;
}

/* Rows as "v1|v2|..." lines in the print style, into out. */
static inline void dump(const wr_batch *b, wr_buf *out)
{
    for (uint32_t r = 0; r < b->len; r++) {
        for (uint32_t c = 0; c < b->ncols; c++) {
            if (c) wr_buf_putc(out, '|');
            wr_vec_format(&b->cols[c], r, WR_STYLE_PRINT, out);
        }
        wr_buf_putc(out, '\n');
    }
}

typedef struct decoded {
    int rc;
    wr_decode_result res;
    wr_error err;
    char *text; /* dump of the rows (wr_free) */
} decoded;

/* Decode all of `input` at once (eof) with format f into one batch. */
static inline decoded decode_with(const wr_format_vt *f, const void *cfg, const wr_schema *s,
                                  const char *input)
{
    decoded d;
    memset(&d, 0, sizeof d);
    void *dec = NULL;
    assert_int_equal(f->decoder_new(cfg, s, &dec, &d.err), WR_OK);
    wr_batch *b = wr_batch_new(s, 64, NULL);
    d.rc = f->decode(dec, input, strlen(input), true, b, &d.res, &d.err);
    wr_buf out;
    wr_buf_init(&out);
    dump(b, &out);
    d.text = wr_buf_steal(&out);
    wr_batch_release(b);
    f->decoder_free(dec);
    return d;
}

#endif
