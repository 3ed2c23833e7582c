/* base_thread.c - thin wrappers over pthreads that turn failures into wr_err codes, name
 * threads so they show up in top/gdb/perf, and make timed condition waits use the monotonic
 * clock so a wall-clock jump cannot stretch or cut a timeout. */
#define _GNU_SOURCE
#include "base/base.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int wr_thread_start(wr_thread *t, const char *name, void *(*fn)(void *), void *arg)
{
    t->started = false;
    int rc = pthread_create(&t->tid, NULL, fn, arg);
    if (rc != 0) return rc == EAGAIN ? WR_EAGAIN : (rc == EINVAL ? WR_EINVAL : WR_EINTERNAL);
    t->started = true;
    if (name && *name) {
        char n[16]; /* the kernel limit: 15 characters and the NUL */
        size_t len = strnlen(name, sizeof n - 1);
        memcpy(n, name, len);
        n[len] = '\0';
        pthread_setname_np(t->tid, n);
    }
    return WR_OK;
}

int wr_thread_join(wr_thread *t)
{
    if (!t->started) return WR_EINVAL;
    int rc = pthread_join(t->tid, NULL);
    t->started = false;
    return rc == 0 ? WR_OK : WR_EINTERNAL;
}

int wr_cpu_count(void)
{
    /* The affinity mask reflects taskset/cgroup cpusets; the online count does not. */
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void wr_mutex_init(wr_mutex *m)
{
    int rc = pthread_mutex_init(m, NULL);
    WR_ASSERT(rc == 0);
}

void wr_mutex_destroy(wr_mutex *m)
{
    pthread_mutex_destroy(m);
}

void wr_cond_init(wr_cond *c)
{
    pthread_condattr_t attr;
    int rc = pthread_condattr_init(&attr);
    WR_ASSERT(rc == 0);
    rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    WR_ASSERT(rc == 0);
    rc = pthread_cond_init(c, &attr);
    WR_ASSERT(rc == 0);
    pthread_condattr_destroy(&attr);
}

void wr_cond_destroy(wr_cond *c)
{
    pthread_cond_destroy(c);
}

bool wr_cond_wait_until(wr_cond *c, wr_mutex *m, int64_t deadline_us)
{
    if (deadline_us < 0) deadline_us = 0;
    struct timespec ts = {.tv_sec = deadline_us / 1000000,
                          .tv_nsec = (deadline_us % 1000000) * 1000};
    int rc = pthread_cond_timedwait(c, m, &ts);
    return rc != ETIMEDOUT;
}
