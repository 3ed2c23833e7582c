/* types_schema.c - schemas: the ordered, named, typed column list shared by every batch of
 * a stream. A schema is built once (wr_schema_new + wr_schema_set), then treated as
 * immutable and owned by the job, which outlives all batches pointing at it. Column names
 * are copied; nested type children are not (they belong to the plan or catalog). */
#include "types/types.h"

#include <string.h>

wr_schema *wr_schema_new(uint32_t ncols)
{
    wr_schema *s = wr_calloc(1, sizeof(*s));
    if (!s) return NULL;
    if (ncols > 0) {
        s->cols = wr_calloc(ncols, sizeof(*s->cols));
        if (!s->cols) {
            wr_free(s);
            return NULL;
        }
    }
    s->ncols = ncols;
    for (uint32_t i = 0; i < ncols; i++)
        s->cols[i].type = wr_type_make(WR_TYPE_NULL);
    return s;
}

int wr_schema_set(wr_schema *s, uint32_t i, const char *name, wr_type type)
{
    if (i >= s->ncols) return WR_EINVAL;
    char *copy = NULL;
    if (name && !(copy = wr_strdup(name))) return WR_ENOMEM;
    wr_free((void *)s->cols[i].name);
    s->cols[i].name = copy;
    s->cols[i].type = type;
    return 0;
}

wr_schema *wr_schema_copy(const wr_schema *s)
{
    wr_schema *c = wr_schema_new(s->ncols);
    if (!c) return NULL;
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (wr_schema_set(c, i, s->cols[i].name, s->cols[i].type) != 0) {
            wr_schema_free(c);
            return NULL;
        }
    }
    return c;
}

void wr_schema_free(wr_schema *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < s->ncols; i++)
        wr_free((void *)s->cols[i].name);
    wr_free(s->cols);
    wr_free(s);
}

int wr_schema_find(const wr_schema *s, const char *name)
{
    for (uint32_t i = 0; i < s->ncols; i++)
        if (s->cols[i].name && strcmp(s->cols[i].name, name) == 0) return (int)i;
    return -1;
}
