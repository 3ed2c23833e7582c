/* valve.c - the watermark valve of a task with several input channels: it keeps each
 * channel's last watermark and status (active or idle, aligned or lagging, ended) and
 * computes the task's event-time clock as the minimum over the active, aligned channels,
 * reporting only increases (reference 1.4, Flink's StatusWatermarkValve). A channel that
 * ended after WR_WATERMARK_MAX counts as MAX; one that ended because of a cancel keeps
 * holding its last watermark, so a cancelled job never fires everything. Pure logic: the
 * caller turns the result into messages. */
#include "runtime/runtime_int.h"

#include <string.h>

int wr_rt_valve_init(wr_rt_valve *v, uint32_t n, wr_mem_owner *owner)
{
    memset(v, 0, sizeof *v);
    v->ch = wr_calloc_owned(owner, n ? n : 1, sizeof *v->ch);
    if (!v->ch) return WR_ENOMEM;
    v->n = n;
    for (uint32_t i = 0; i < n; i++) {
        v->ch[i].wm = WR_WATERMARK_MIN;
        v->ch[i].aligned = true;
    }
    v->last_out = WR_WATERMARK_MIN;
    return WR_OK;
}

void wr_rt_valve_free(wr_rt_valve *v)
{
    wr_free(v->ch);
    v->ch = NULL;
}

static void out_clear(wr_rt_valve_out *out)
{
    out->emit_wm = false;
    out->wm = WR_WATERMARK_MIN;
    out->status = WR_RT_STATUS_SAME;
}

/* Emit the minimum over active aligned channels when it increased. */
static void recompute(wr_rt_valve *v, wr_rt_valve_out *out)
{
    bool any = false;
    int64_t m = WR_WATERMARK_MAX;
    for (uint32_t i = 0; i < v->n; i++) {
        const wr_rt_valve_ch *c = &v->ch[i];
        if (c->idle || !c->aligned) continue;
        any = true;
        if (c->wm < m) m = c->wm;
    }
    if (any && m > v->last_out) {
        v->last_out = m;
        out->emit_wm = true;
        out->wm = m;
    }
}

void wr_rt_valve_watermark(wr_rt_valve *v, uint32_t ch, int64_t wm, wr_rt_valve_out *out)
{
    out_clear(out);
    wr_rt_valve_ch *c = &v->ch[ch];
    /* Watermarks of idle channels are ignored until the channel announces ACTIVE. */
    if (c->ended || c->idle || v->out_idle) return;
    if (wm > c->wm) {
        c->wm = wm;
        if (wm >= v->last_out) c->aligned = true;
    }
    recompute(v, out);
}

void wr_rt_valve_idle(wr_rt_valve *v, uint32_t ch, wr_rt_valve_out *out)
{
    out_clear(out);
    wr_rt_valve_ch *c = &v->ch[ch];
    if (c->ended || c->idle) return;
    c->idle = true;
    c->aligned = false;
    bool all_idle = true;
    for (uint32_t i = 0; i < v->n; i++)
        if (!v->ch[i].idle) all_idle = false;
    if (!all_idle) {
        recompute(v, out);
        return;
    }
    /* Everything is idle: like Flink, flush the largest watermark any channel reached, then
     * report the output idle. */
    int64_t m = WR_WATERMARK_MIN;
    for (uint32_t i = 0; i < v->n; i++)
        if (v->ch[i].wm > m) m = v->ch[i].wm;
    if (m > v->last_out) {
        v->last_out = m;
        out->emit_wm = true;
        out->wm = m;
    }
    if (!v->out_idle) {
        v->out_idle = true;
        out->status = WR_RT_STATUS_TO_IDLE;
    }
}

void wr_rt_valve_active(wr_rt_valve *v, uint32_t ch, wr_rt_valve_out *out)
{
    out_clear(out);
    wr_rt_valve_ch *c = &v->ch[ch];
    if (c->ended || !c->idle) return;
    c->idle = false;
    /* A channel behind the output waits until it catches up (the output never goes back). */
    c->aligned = c->wm >= v->last_out;
    if (v->out_idle) {
        v->out_idle = false;
        out->status = WR_RT_STATUS_TO_ACTIVE;
    }
}

void wr_rt_valve_end(wr_rt_valve *v, uint32_t ch, bool drained, wr_rt_valve_out *out)
{
    out_clear(out);
    wr_rt_valve_ch *c = &v->ch[ch];
    if (c->ended) return;
    c->ended = true;
    if (!drained) return;
    c->wm = WR_WATERMARK_MAX;
    c->aligned = true;
    if (c->idle) {
        c->idle = false;
        if (v->out_idle) {
            v->out_idle = false;
            out->status = WR_RT_STATUS_TO_ACTIVE;
        }
    }
    recompute(v, out);
}
