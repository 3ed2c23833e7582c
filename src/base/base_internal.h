/* base_internal.h - helpers shared between files of src/base and not part of its contract. */
#ifndef WR_BASE_INTERNAL_H
#define WR_BASE_INTERNAL_H

#include <stddef.h>

/* JSON string escaping in two passes so callers can size their buffer exactly. */
size_t wr_json_escaped_len(const char *s, size_t n);         /* without the quotes */
char *wr_json_escape_to(char *dst, const char *s, size_t n); /* returns the end of dst */

#endif
