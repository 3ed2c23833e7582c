/* base_time.c - clocks and process resource figures. Durations use CLOCK_MONOTONIC, which
 * NTP steps cannot move backwards; timestamps use CLOCK_REALTIME. RSS is read from
 * /proc/self/statm with plain read(2) so that sampling it for metrics allocates nothing. */
#define _GNU_SOURCE
#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static inline int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t wr_mono_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

int64_t wr_mono_us(void)
{
    return clock_ns(CLOCK_MONOTONIC) / 1000;
}

int64_t wr_wall_us(void)
{
    return clock_ns(CLOCK_REALTIME) / 1000;
}

int64_t wr_wall_ms(void)
{
    return clock_ns(CLOCK_REALTIME) / 1000000;
}

int64_t wr_thread_cpu_ns(void)
{
    return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

int64_t wr_process_cpu_ns(void)
{
    return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

int64_t wr_process_peak_rss(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return (int64_t)ru.ru_maxrss * 1024; /* Linux reports KiB */
}

int64_t wr_process_rss(void)
{
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[128];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    /* Fields: size resident shared ...; all in pages. */
    char *p = buf;
    strtoll(p, &p, 10);
    long long pages = strtoll(p, NULL, 10);
    return (int64_t)pages * sysconf(_SC_PAGESIZE);
}

void wr_sleep_us(int64_t us)
{
    if (us <= 0) return;
    /* An absolute deadline makes EINTR restarts exact instead of drifting. */
    int64_t deadline = clock_ns(CLOCK_MONOTONIC) + us * 1000;
    struct timespec ts = {.tv_sec = deadline / 1000000000, .tv_nsec = deadline % 1000000000};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}
