/* testutil.h - helpers shared by unit and end-to-end tests: cmocka includes, temporary
 * directories, reading and writing whole files, sorting lines for order-free comparison. */
#ifndef WR_TESTUTIL_H
#define WR_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/base.h"

/* A fresh empty directory under $TMPDIR (removed by wr_test_rmtree). Returned string is
 * heap-allocated (free with free()). */
char *wr_test_tmpdir(const char *tag);
void wr_test_rmtree(const char *path);
/* Whole file into a NUL-terminated heap string (free()), NULL if unreadable. */
char *wr_test_read_file(const char *path, size_t *len);
int wr_test_write_file(const char *path, const char *text);
/* Path of a file in tests/data (static buffer, valid until the next call). */
const char *wr_test_data(const char *name);
/* Sort the lines of text in place (for comparing outputs whose order is not defined). */
void wr_test_sort_lines(char *text);

#endif
