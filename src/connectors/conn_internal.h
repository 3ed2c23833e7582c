/* conn_internal.h - helpers shared by the built-in connectors (not part of the module's
 * interface). */
#ifndef WR_CONN_INTERNAL_H
#define WR_CONN_INTERNAL_H

#include "connectors/connectors.h"

/* The 'sink.parallelism' row every sink's option table carries. */
#define WR_CONN_SINK_PARALLELISM_DEF                                                               \
    {                                                                                              \
        "sink.parallelism", WR_OPT_INT, NULL, 1, 65536, NULL, WR_OPT_BOUNDED | WR_OPT_SINK,        \
            "Parallelism of the sink (by default that of its input)."                              \
    }

/* Write all n bytes to fd (retrying on EINTR and short writes); errno-based wr_err. */
int wr_conn_write_all(int fd, const void *p, size_t n);
/* 'sink.parallelism' when set, else 0. */
int wr_conn_sink_parallelism(const wr_options *o, const wr_option_table *t, uint32_t *out,
                             wr_error *err);

#endif
