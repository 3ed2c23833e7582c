/* channel.c - the bounded single-producer single-consumer channel between two tasks. A ring
 * of typed messages indexed by two monotonically increasing counters (head: consumer, tail:
 * producer) published with C11 atomics; no locks on the data path. Capacity is counted in
 * batches in flight; control messages (watermarks, status, end, later barriers) are never
 * refused: the ring has twice the slots the batches need, and when it is full anyway they
 * queue in a producer-private overflow that the producer moves into the ring later.
 *
 * Wake-up protocol (no wake-up is lost; the stores and loads that pair up are seq_cst, a
 * Dekker-style handshake):
 *  - the producer stores tail, then loads head; if the consumer had taken everything before
 *    this message, the channel was empty and the consumer may be waiting: wake it.
 *  - a producer without room stores producer_waiting = 1, then re-checks room; the consumer
 *    stores head/popped, then loads producer_waiting, and wakes the producer if it is set. */
#include "runtime/runtime_int.h"

#include <string.h>

int wr_rt_chan_init(wr_rt_chan *c, uint32_t cap_batches, wr_mem_owner *owner)
{
    if (cap_batches < 1) cap_batches = 1;
    uint64_t slots = wr_next_pow2((uint64_t)cap_batches * 2 + 8);
    c->ring = wr_calloc_owned(owner, slots, sizeof *c->ring);
    if (!c->ring) return WR_ENOMEM;
    c->mask = (uint32_t)(slots - 1);
    c->cap_batches = cap_batches;
    c->owner = owner;
    atomic_init(&c->head, 0);
    atomic_init(&c->tail, 0);
    atomic_init(&c->popped_batches, 0);
    atomic_init(&c->producer_waiting, 0);
    return WR_OK;
}

static void msg_release(wr_rt_msg *m)
{
    if (m->kind == WR_RT_MSG_BATCH) wr_batch_release(m->u.batch);
}

void wr_rt_chan_destroy(wr_rt_chan *c)
{
    if (!c->ring) return;
    uint64_t h = atomic_load(&c->head), t = atomic_load(&c->tail);
    for (; h != t; h++)
        msg_release(&c->ring[h & c->mask]);
    for (uint32_t i = 0; i < c->ovf_len; i++)
        msg_release(&c->ovf[c->ovf_head + i]);
    wr_free(c->ring);
    wr_free(c->ovf);
    c->ring = NULL;
    c->ovf = NULL;
    c->ovf_len = 0;
}

/* Put one message into the ring; false when all slots are taken. */
static bool ring_put(wr_rt_chan *c, const wr_rt_msg *m)
{
    uint64_t t = atomic_load_explicit(&c->tail, memory_order_relaxed);
    if (t - c->p_head > c->mask) {
        c->p_head = atomic_load_explicit(&c->head, memory_order_acquire);
        if (t - c->p_head > c->mask) return false;
    }
    c->ring[t & c->mask] = *m;
    atomic_store(&c->tail, t + 1);
    if (atomic_load(&c->head) == t) wr_rt_wake(c->consumer);
    return true;
}

static int ovf_append(wr_rt_chan *c, const wr_rt_msg *m)
{
    if (c->ovf_head + c->ovf_len == c->ovf_cap) {
        if (c->ovf_head > 0) {
            memmove(c->ovf, c->ovf + c->ovf_head, c->ovf_len * sizeof *c->ovf);
            c->ovf_head = 0;
        }
        if (c->ovf_len == c->ovf_cap) {
            uint32_t ncap = c->ovf_cap ? c->ovf_cap * 2 : 16;
            wr_rt_msg *n = wr_realloc_owned(c->owner, c->ovf, ncap * sizeof *n);
            if (!n) return WR_ENOMEM;
            c->ovf = n;
            c->ovf_cap = ncap;
        }
    }
    c->ovf[c->ovf_head + c->ovf_len++] = *m;
    return WR_OK;
}

bool wr_rt_chan_flush(wr_rt_chan *c)
{
    while (c->ovf_len > 0) {
        if (!ring_put(c, &c->ovf[c->ovf_head])) return false;
        c->ovf_head++;
        c->ovf_len--;
    }
    c->ovf_head = 0;
    return true;
}

int wr_rt_chan_push(wr_rt_chan *c, const wr_rt_msg *m)
{
    if (c->ovf_len > 0) wr_rt_chan_flush(c);
    if (c->ovf_len > 0 || !ring_put(c, m)) {
        int rc = ovf_append(c, m);
        if (rc != WR_OK) return rc;
    }
    if (m->kind == WR_RT_MSG_BATCH) c->pushed_batches++;
    return WR_OK;
}

bool wr_rt_chan_has_room(wr_rt_chan *c)
{
    if (c->ovf_len > 0) return false;
    return c->pushed_batches - atomic_load(&c->popped_batches) < c->cap_batches;
}

bool wr_rt_chan_wait_room(wr_rt_chan *c)
{
    atomic_store(&c->producer_waiting, 1);
    if (c->ovf_len > 0) wr_rt_chan_flush(c);
    return !wr_rt_chan_has_room(c);
}

bool wr_rt_chan_pop(wr_rt_chan *c, wr_rt_msg *m)
{
    uint64_t h = atomic_load_explicit(&c->head, memory_order_relaxed);
    if (h == c->c_tail) {
        c->c_tail = atomic_load(&c->tail);
        if (h == c->c_tail) return false;
    }
    *m = c->ring[h & c->mask];
    if (m->kind == WR_RT_MSG_BATCH)
        atomic_store(&c->popped_batches,
                     atomic_load_explicit(&c->popped_batches, memory_order_relaxed) + 1);
    atomic_store(&c->head, h + 1);
    if (atomic_load(&c->producer_waiting) && atomic_exchange(&c->producer_waiting, 0))
        wr_rt_wake(c->producer);
    return true;
}

bool wr_rt_chan_nonempty(wr_rt_chan *c)
{
    uint64_t h = atomic_load_explicit(&c->head, memory_order_relaxed);
    if (h != c->c_tail) return true;
    c->c_tail = atomic_load(&c->tail);
    return h != c->c_tail;
}

uint64_t wr_rt_chan_in_flight(wr_rt_chan *c)
{
    return c->pushed_batches - atomic_load(&c->popped_batches);
}
