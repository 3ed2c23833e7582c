/* conn_util.c - small helpers shared by the built-in connectors: writing a whole buffer to
 * a file descriptor, and reading the 'sink.parallelism' option that every sink accepts. */
#include "connectors/conn_internal.h"

#include <errno.h>
#include <unistd.h>

int wr_conn_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return WR_EIO;
        }
        c += w;
        n -= (size_t)w;
    }
    return WR_OK;
}

int wr_conn_sink_parallelism(const wr_options *o, const wr_option_table *t, uint32_t *out,
                             wr_error *err)
{
    *out = 0;
    if (!wr_opt_is_set(o, "sink.parallelism")) return WR_OK;
    int64_t v;
    int rc = wr_opt_int(o, t, "sink.parallelism", &v, err);
    if (rc == WR_OK) *out = (uint32_t)v;
    return rc;
}
