/* test_base_thread.c - clocks, resource figures, threads with names, mutexes and condition
 * variables with monotonic deadlines. No test asserts speed; only order and bounds. */
#define _GNU_SOURCE
#include "testutil.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

static void test_clocks(void **state)
{
    (void)state;
    int64_t m1 = wr_mono_ns();
    int64_t u1 = wr_mono_us();
    wr_sleep_us(2000);
    int64_t m2 = wr_mono_ns();
    int64_t u2 = wr_mono_us();
    assert_true(m1 > 0);
    assert_true(m2 - m1 >= 2000000); /* slept at least as long as asked */
    assert_true(u2 - u1 >= 2000);
    wr_sleep_us(0);
    wr_sleep_us(-5);

    int64_t w = wr_wall_us(), wm = wr_wall_ms();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    assert_true(w > 1600000000LL * 1000000); /* after 2020 */
    assert_true(wm / 1000 - ts.tv_sec <= 1 && ts.tv_sec - wm / 1000 <= 1);
    assert_true(w / 1000 - wm <= 1000 && wm - w / 1000 <= 1000);

    /* CPU clocks advance with work done on this thread. */
    int64_t c1 = wr_thread_cpu_ns(), p1 = wr_process_cpu_ns();
    volatile uint64_t x = 0;
    for (int i = 0; i < 5000000; i++)
        x += (uint64_t)i * 7;
    int64_t c2 = wr_thread_cpu_ns(), p2 = wr_process_cpu_ns();
    assert_true(c2 > c1);
    assert_true(p2 > p1);
    assert_true(p2 >= c2);

    int64_t rss = wr_process_rss(), peak = wr_process_peak_rss();
    assert_true(rss > 0);
    assert_true(peak > 0);
    assert_true(peak >= rss / 2); /* both in bytes, same order of magnitude */
}

typedef struct name_arg {
    char name[32];
    wr_mutex mu;
    wr_cond cv;
    bool go;
} name_arg;

static void *read_name(void *p)
{
    name_arg *a = p;
    /* Wait until the creator has set the name. */
    wr_mutex_lock(&a->mu);
    while (!a->go)
        wr_cond_wait(&a->cv, &a->mu);
    wr_mutex_unlock(&a->mu);
    pthread_getname_np(pthread_self(), a->name, sizeof a->name);
    return a;
}

static void test_thread_name(void **state)
{
    (void)state;
    name_arg a = {0};
    wr_mutex_init(&a.mu);
    wr_cond_init(&a.cv);
    wr_thread t;
    assert_int_equal(wr_thread_start(&t, "a-very-long-thread-name", read_name, &a), WR_OK);
    assert_true(t.started);
    wr_mutex_lock(&a.mu);
    a.go = true;
    wr_cond_broadcast(&a.cv);
    wr_mutex_unlock(&a.mu);
    assert_int_equal(wr_thread_join(&t), WR_OK);
    assert_string_equal(a.name, "a-very-long-thr"); /* truncated to 15 */
    assert_int_equal(wr_thread_join(&t), WR_EINVAL);
    wr_thread never = {0};
    assert_int_equal(wr_thread_join(&never), WR_EINVAL);
    wr_cond_destroy(&a.cv);
    wr_mutex_destroy(&a.mu);
    assert_true(wr_cpu_count() >= 1);
}

typedef struct counter_arg {
    wr_mutex mu;
    wr_cond cv;
    int64_t count;
    int done;
} counter_arg;

static void *count_up(void *p)
{
    counter_arg *c = p;
    for (int i = 0; i < 100000; i++) {
        wr_mutex_lock(&c->mu);
        c->count++;
        wr_mutex_unlock(&c->mu);
    }
    wr_mutex_lock(&c->mu);
    c->done++;
    wr_cond_signal(&c->cv);
    wr_mutex_unlock(&c->mu);
    return NULL;
}

static void test_mutex_cond(void **state)
{
    (void)state;
    counter_arg c = {0};
    wr_mutex_init(&c.mu);
    wr_cond_init(&c.cv);
    wr_thread t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(wr_thread_start(&t[i], "counter", count_up, &c), WR_OK);
    wr_mutex_lock(&c.mu);
    while (c.done < 4)
        assert_true(wr_cond_wait_until(&c.cv, &c.mu, wr_mono_us() + 60 * 1000000) || c.done == 4);
    wr_mutex_unlock(&c.mu);
    for (int i = 0; i < 4; i++)
        assert_int_equal(wr_thread_join(&t[i]), WR_OK);
    assert_int_equal(c.count, 400000);

    /* A timed wait with nobody signalling times out, and not before its deadline. */
    wr_mutex_lock(&c.mu);
    int64_t deadline = wr_mono_us() + 20000;
    bool woke = true;
    while (woke && wr_mono_us() < deadline)
        woke = wr_cond_wait_until(&c.cv, &c.mu, deadline);
    assert_false(woke);
    assert_true(wr_mono_us() >= deadline);
    /* A deadline in the past returns at once with a timeout. */
    assert_false(wr_cond_wait_until(&c.cv, &c.mu, wr_mono_us() - 1000));
    wr_mutex_unlock(&c.mu);
    wr_cond_destroy(&c.cv);
    wr_mutex_destroy(&c.mu);
}

static void test_list(void **state)
{
    (void)state;
    typedef struct node {
        int v;
        wr_list link;
    } node;
    wr_list head;
    wr_list_init(&head);
    assert_true(wr_list_empty(&head));
    node n[5];
    for (int i = 0; i < 5; i++) {
        n[i].v = i;
        if (i % 2)
            wr_list_push_front(&head, &n[i].link);
        else
            wr_list_push_back(&head, &n[i].link);
    }
    int order[5], k = 0;
    wr_list_for_each(it, &head) order[k++] = WR_CONTAINER_OF(it, node, link)->v;
    int expect[5] = {3, 1, 0, 2, 4};
    assert_memory_equal(order, expect, sizeof order);
    wr_list_for_each_safe(it, tmp, &head) if (WR_CONTAINER_OF(it, node, link)->v % 2)
        wr_list_remove(it);
    wr_list *f = wr_list_pop_front(&head);
    assert_int_equal(WR_CONTAINER_OF(f, node, link)->v, 0);
    assert_int_equal(WR_CONTAINER_OF(wr_list_pop_front(&head), node, link)->v, 2);
    assert_int_equal(WR_CONTAINER_OF(wr_list_pop_front(&head), node, link)->v, 4);
    assert_null(wr_list_pop_front(&head));
    assert_true(wr_list_empty(&head));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clocks),
        cmocka_unit_test(test_thread_name),
        cmocka_unit_test(test_mutex_cond),
        cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
