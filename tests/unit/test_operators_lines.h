/* test_operators_lines.h - what the operator test harnesses (test_operators_join_harness.h,
 * test_operators_window_harness.h) share for their collecting sinks: values printed as text
 * (TIMESTAMPs as milliseconds since the epoch, or microseconds with a "us" suffix), a growing
 * list of lines, and the "WM <ms>" / "WM MAX" lines of recorded watermarks. Formatting uses
 * plain C buffers, not wr_buf: tests inject allocation failures into the engine, and the
 * sinks must not be affected by them. Header-only. */
#ifndef WR_TEST_OPERATORS_LINES_H
#define WR_TEST_OPERATORS_LINES_H

#include "testutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime.h"

/* Text of value r of v, as the test sinks print it. */
static inline size_t ot_format_value(const wr_vec *v, uint32_t r, char *out, size_t cap)
{
    if (!wr_vec_valid(v, r)) return (size_t)snprintf(out, cap, "null");
    wr_value x;
    wr_vec_get(v, r, &x);
    switch (v->type.id) {
    case WR_TYPE_TIMESTAMP:
    case WR_TYPE_TIMESTAMP_LTZ:
        if (x.i % 1000 == 0) return (size_t)snprintf(out, cap, "%" PRId64, x.i / 1000);
        return (size_t)snprintf(out, cap, "%" PRId64 "us", x.i);
    case WR_TYPE_BOOLEAN:
        return (size_t)snprintf(out, cap, "%s", x.b ? "true" : "false");
    case WR_TYPE_FLOAT:
    case WR_TYPE_DOUBLE:
        return (size_t)snprintf(out, cap, "%g", x.d);
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR:
        return (size_t)snprintf(out, cap, "%.*s", (int)x.s.len, x.s.ptr);
    default:
        return (size_t)snprintf(out, cap, "%" PRId64, x.i);
    }
}

/* Append line (ownership taken) to the list *lines of *n lines, *cap allocated. */
static inline void ot_lines_push(char ***lines, size_t *n, size_t *cap, char *line)
{
    assert_non_null(line);
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *lines = realloc(*lines, *cap * sizeof(char *));
        assert_non_null(*lines);
    }
    (*lines)[(*n)++] = line;
}

static inline void ot_lines_free(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* The line of a recorded watermark (event time in microseconds): "WM <ms>" or "WM MAX". */
static inline char *ot_watermark_line(int64_t wm)
{
    char buf[64];
    if (wm == WR_WATERMARK_MAX)
        snprintf(buf, sizeof(buf), "WM MAX");
    else
        snprintf(buf, sizeof(buf), "WM %" PRId64, wm / 1000);
    return strdup(buf);
}

#endif
