/* test_runtime_graph.c - unit tests of the runtime's parts that need no threads: the job
 * builder's checks, chaining and wr_job_describe, key hashing and key-group assignment, the
 * watermark valve, and the channel ring (capacity, overflow of control messages, order). */
#include "testutil.h"

#include <string.h>

#include "runtime/runtime_int.h"

static int64_t live_before;

static int setup(void **st)
{
    (void)st;
    live_before = wr_mem_live_allocs();
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    assert_int_equal(wr_mem_live_allocs(), live_before);
    return 0;
}

static wr_schema *schema3(void)
{
    wr_schema *s = wr_schema_new(3);
    wr_schema_set(s, 0, "k", wr_type_make(WR_TYPE_BIGINT));
    wr_schema_set(s, 1, "ts", wr_type_timestamp(3));
    wr_schema_set(s, 2, "s", wr_type_varchar(WR_MAX_LENGTH));
    return s;
}

static int dummy_poll(void *st, wr_source_ctx *ctx, wr_source_poll *out, wr_error *err)
{
    out->end = true;
    return 0;
}

static int dummy_process(void *st, wr_op_ctx *ctx, uint32_t input, wr_batch *in, wr_error *err)
{
    return 0;
}

static const wr_source_vt dummy_src = {.abi_version = WR_ABI_VERSION,
                                       .name = "dummy",
                                       .description = "test",
                                       .open = NULL,
                                       .poll = dummy_poll,
                                       .close = NULL,
                                       .ckpt = WR_CKPT_STATELESS};
static const wr_op_vt dummy_op = {.abi_version = WR_ABI_VERSION,
                                  .name = "dummy",
                                  .description = "test",
                                  .open = NULL,
                                  .process = dummy_process,
                                  .on_watermark = NULL,
                                  .on_timer = NULL,
                                  .finish = NULL,
                                  .close = NULL,
                                  .ckpt = WR_CKPT_STATELESS};

static int freed_cfgs;
static void cfg_free(void *p)
{
    freed_cfgs++;
    wr_free(p);
}

static void test_builder_checks(void **st)
{
    wr_schema *s = schema3();
    wr_job *job = wr_job_new("j");
    freed_cfgs = 0;
    int src = wr_job_add_source(job, "src", &dummy_src, wr_malloc(4), cfg_free, s, 2, NULL);
    int a = wr_job_add_op(job, "a", &dummy_op, wr_malloc(4), cfg_free, s, 2);
    int b = wr_job_add_op(job, "b", &dummy_op, NULL, NULL, s, 3);
    assert_int_equal(src, 0);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    /* a bad vertex still takes its config */
    assert_true(wr_job_add_op(job, "bad", &dummy_op, wr_malloc(4), cfg_free, s, 0) < 0);
    assert_int_equal(freed_cfgs, 1);

    assert_int_equal(wr_job_connect(job, src, a, 0, WR_EDGE_FORWARD, NULL, 0), WR_OK);
    /* forward needs equal parallelism */
    assert_int_equal(wr_job_connect(job, a, b, 0, WR_EDGE_FORWARD, NULL, 0), WR_EINVAL);
    /* hash keys in range and present */
    uint32_t bad_key = 3, key = 0;
    assert_int_equal(wr_job_connect(job, a, b, 0, WR_EDGE_HASH, &bad_key, 1), WR_EINVAL);
    assert_int_equal(wr_job_connect(job, a, b, 0, WR_EDGE_HASH, NULL, 0), WR_EINVAL);
    /* no edges into a source, no cycles */
    assert_int_equal(wr_job_connect(job, a, src, 0, WR_EDGE_REBALANCE, NULL, 0), WR_EINVAL);
    assert_int_equal(wr_job_connect(job, a, b, 0, WR_EDGE_HASH, &key, 1), WR_OK);
    assert_int_equal(wr_job_connect(job, b, a, 1, WR_EDGE_REBALANCE, NULL, 0), WR_EINVAL);
    assert_int_equal(wr_job_connect(job, b, b, 1, WR_EDGE_REBALANCE, NULL, 0), WR_EINVAL);

    /* every input connected: b gets input 2 but not 1 */
    int c = wr_job_add_op(job, "c", &dummy_op, NULL, NULL, s, 1);
    assert_int_equal(wr_job_connect(job, b, c, 0, WR_EDGE_REBALANCE, NULL, 0), WR_OK);
    assert_int_equal(wr_job_connect(job, a, c, 2, WR_EDGE_BROADCAST, NULL, 0), WR_OK);
    wr_error err;
    wr_job_exec *x = NULL;
    assert_int_equal(wr_job_start(job, NULL, &x, &err), WR_EINVAL);
    assert_null(x);
    assert_non_null(strstr(err.msg, "input 1 is not connected"));
    assert_non_null(strstr(err.msg, "'c'"));

    /* an operator without input */
    wr_job *j2 = wr_job_new("j2");
    wr_job_add_op(j2, "lonely", &dummy_op, NULL, NULL, s, 1);
    assert_int_equal(wr_job_start(j2, NULL, &x, &err), WR_EINVAL);
    assert_non_null(strstr(err.msg, "lonely"));
    wr_job_free(j2);

    wr_job_free(job);
    assert_int_equal(freed_cfgs, 3);
    wr_schema_free(s);
}

/* Default uids depend only on names and order (the same job built twice gets the same
 * ones; equal names get distinct ones); set uids must be unique. */
static void test_uids(void **st)
{
    (void)st;
    wr_schema *s = schema3();
    uint64_t u[2][4];
    for (int run = 0; run < 2; run++) {
        wr_job *job = wr_job_new("uids");
        int v0 = wr_job_add_source(job, "src", &dummy_src, NULL, NULL, s, 1, NULL);
        int v1 = wr_job_add_op(job, "calc", &dummy_op, NULL, NULL, s, 1);
        int v2 = wr_job_add_op(job, "calc", &dummy_op, NULL, NULL, s, 1);
        int v3 = wr_job_add_op(job, "sink", &dummy_op, NULL, NULL, s, 1);
        assert_int_equal(wr_job_vertex_count(job), 4);
        assert_string_equal(wr_job_vertex_name(job, v2), "calc");
        assert_null(wr_job_vertex_name(job, 4));
        assert_int_equal(wr_job_vertex_uid(job, -1), 0);
        int vs[] = {v0, v1, v2, v3};
        for (int i = 0; i < 4; i++) {
            u[run][i] = wr_job_vertex_uid(job, vs[i]);
            assert_int_not_equal(u[run][i], 0);
            for (int j = 0; j < i; j++)
                assert_int_not_equal(u[run][i], u[run][j]);
        }
        if (run == 1) {
            assert_int_equal(wr_job_set_uid(job, v1, 42), WR_OK);
            assert_int_equal(wr_job_vertex_uid(job, v1), 42);
            assert_int_equal(wr_job_set_uid(job, v1, 42), WR_OK); /* itself: fine */
            assert_int_equal(wr_job_set_uid(job, v2, 42), WR_EEXIST);
            assert_int_equal(wr_job_set_uid(job, v3, u[run][0]), WR_EEXIST);
            assert_int_equal(wr_job_set_uid(job, 9, 7), WR_EINVAL);
        }
        wr_job_free(job);
    }
    assert_memory_equal(u[0], u[1], sizeof u[0]);
    wr_schema_free(s);
}

static void test_chains_and_describe(void **st)
{
    wr_schema *s = schema3();
    wr_job *job = wr_job_new("demo");
    int src = wr_job_add_source(job, "src", &dummy_src, NULL, NULL, s, 2, NULL);
    int calc = wr_job_add_op(job, "calc", &dummy_op, NULL, NULL, s, 2);
    int agg = wr_job_add_op(job, "agg", &dummy_op, NULL, NULL, s, 4);
    int sink = wr_job_add_op(job, "sink", &dummy_op, NULL, NULL, s, 4);
    int side = wr_job_add_op(job, "side", &dummy_op, NULL, NULL, s, 4);
    uint32_t keys[] = {0, 2};
    assert_int_equal(wr_job_connect(job, src, calc, 0, WR_EDGE_FORWARD, NULL, 0), 0);
    assert_int_equal(wr_job_connect(job, calc, agg, 0, WR_EDGE_HASH, keys, 2), 0);
    assert_int_equal(wr_job_connect(job, agg, sink, 0, WR_EDGE_FORWARD, NULL, 0), 0);
    /* side has two inputs: not chained even though forward */
    assert_int_equal(wr_job_connect(job, sink, side, 0, WR_EDGE_FORWARD, NULL, 0), 0);
    assert_int_equal(wr_job_connect(job, calc, side, 1, WR_EDGE_BROADCAST, NULL, 0), 0);

    assert_int_equal(wr_rt_chained_into(job, calc), src);
    assert_int_equal(wr_rt_chained_into(job, agg), -1);
    assert_int_equal(wr_rt_chained_into(job, sink), agg);
    assert_int_equal(wr_rt_chained_into(job, side), -1);

    wr_rt_plan p;
    wr_error err;
    assert_int_equal(wr_rt_plan_build(job, &p, &err), WR_OK);
    assert_int_equal(p.nchains, 3);
    assert_int_equal(p.chain_of[src], p.chain_of[calc]);
    assert_int_equal(p.chain_of[agg], p.chain_of[sink]);
    assert_int_equal(p.chain_pos[sink], 1);
    assert_int_equal(p.ninputs[side], 2);
    wr_rt_plan_free(&p);

    wr_buf b;
    wr_buf_init(&b);
    assert_int_equal(wr_job_describe(job, &b), WR_OK);
    assert_non_null(strstr(b.ptr, "[2] agg: operator, parallelism 4"));
    assert_non_null(strstr(b.ptr, "calc -> agg (input 0): HASH keys [k, s]"));
    assert_non_null(strstr(b.ptr, "calc -> side (input 1): BROADCAST"));
    assert_non_null(strstr(b.ptr, "(2 tasks): src -> calc\n"));
    assert_non_null(strstr(b.ptr, "(4 tasks): agg -> sink\n"));
    assert_non_null(strstr(b.ptr, "(4 tasks): side\n"));
    wr_buf_free(&b);
    wr_job_free(job);
    wr_schema_free(s);
}

static wr_batch *make_batch(const wr_schema *s, uint32_t n)
{
    wr_batch *b = wr_batch_new(s, n, NULL);
    b->len = n;
    wr_vec_fill_valid(&b->cols[0], n, true);
    wr_vec_fill_valid(&b->cols[1], n, true);
    wr_vec_fill_valid(&b->cols[2], n, true);
    return b;
}

static void test_hash_keys(void **st)
{
    /* the same value hashes alike across integer widths; -0.0 == 0.0; NULL is a constant */
    wr_schema *s = wr_schema_new(5);
    wr_schema_set(s, 0, "i", wr_type_make(WR_TYPE_INT));
    wr_schema_set(s, 1, "l", wr_type_make(WR_TYPE_BIGINT));
    wr_schema_set(s, 2, "d", wr_type_make(WR_TYPE_DOUBLE));
    wr_schema_set(s, 3, "str", wr_type_varchar(WR_MAX_LENGTH));
    wr_schema_set(s, 4, "dec", wr_type_decimal(30, 2));
    wr_batch *b = wr_batch_new(s, 4, NULL);
    b->len = 4;
    for (uint32_t c = 0; c < 5; c++)
        wr_vec_fill_valid(&b->cols[c], 4, true);
    int32_t iv[] = {5, -7, 5, 0};
    int64_t lv[] = {5, -7, 6, 0};
    double dv[] = {0.0, -0.0, 1.5, 1.5};
    for (int i = 0; i < 4; i++) {
        WR_VEC_I32(&b->cols[0])[i] = iv[i];
        WR_VEC_I64(&b->cols[1])[i] = lv[i];
        WR_VEC_F64(&b->cols[2])[i] = dv[i];
        WR_VEC_I128(&b->cols[4])[i] = lv[i];
    }
    wr_batch_copy_str(b, "abc", 3, &WR_VEC_STR(&b->cols[3])[0]);
    wr_batch_copy_str(b, "abd", 3, &WR_VEC_STR(&b->cols[3])[1]);
    wr_batch_copy_str(b, "abc", 3, &WR_VEC_STR(&b->cols[3])[2]);
    wr_vec_set_valid(&b->cols[3], 3, false);
    wr_vec_set_valid(&b->cols[0], 3, false);

    uint64_t h0[4], h1[4], h2[4], h3[4], h4[4];
    uint32_t k0 = 0, k1 = 1, k2 = 2, k3 = 3, k4 = 4;
    wr_batch_hash_keys(b, &k0, 1, h0);
    wr_batch_hash_keys(b, &k1, 1, h1);
    wr_batch_hash_keys(b, &k2, 1, h2);
    wr_batch_hash_keys(b, &k3, 1, h3);
    wr_batch_hash_keys(b, &k4, 1, h4);
    assert_true(h0[0] == h1[0]); /* INT 5 == BIGINT 5 */
    assert_true(h0[1] == h1[1]);
    assert_true(h0[0] == h0[2]);
    assert_true(h0[0] != h0[1]);
    assert_true(h4[0] == h1[0]); /* DECIMAL(30,2) fitting in 64 bits hashes by value */
    assert_true(h2[0] == h2[1]); /* -0.0 == 0.0 */
    assert_true(h2[2] == h2[3]);
    assert_true(h2[0] != h2[2]);
    assert_true(h3[0] == h3[2]);
    assert_true(h3[0] != h3[1]);
    uint32_t two[] = {3, 0};
    uint64_t hc[4];
    wr_batch_hash_keys(b, two, 2, hc);
    assert_true(hc[0] == hc[2]); /* ("abc", 5) twice */
    assert_true(hc[0] != hc[1]);
    /* NULLs hash to a constant: a NULL string and a NULL int in a single-key hash agree */
    assert_true(h3[3] == h0[3]);
    wr_batch_release(b);
    wr_schema_free(s);

    /* key groups: Flink's formula */
    assert_int_equal(wr_keygroup_of(300, 128), 300 % 128);
    assert_int_equal(wr_keygroup_subtask(127, 4, 128), 3);
    assert_int_equal(wr_keygroup_subtask(32, 4, 128), 1);
    assert_int_equal(wr_keygroup_subtask(31, 4, 128), 0);
    assert_int_equal(wr_keygroup_subtask(100, 1, 128), 0);
    /* ranges are contiguous and agree with the assignment */
    uint32_t maxps[] = {1, 7, 128, 1000};
    for (size_t m = 0; m < 4; m++)
        for (uint32_t par = 1; par <= maxps[m] && par <= 40; par++) {
            uint32_t next = 0;
            for (uint32_t sub = 0; sub < par; sub++) {
                uint32_t a, z;
                wr_keygroup_range(sub, par, maxps[m], &a, &z);
                assert_int_equal(a, next);
                for (uint32_t kg = a; kg <= z; kg++)
                    assert_int_equal(wr_keygroup_subtask(kg, par, maxps[m]), sub);
                next = z + 1;
            }
            assert_int_equal(next, maxps[m]);
        }
}

static void test_valve(void **st)
{
    wr_rt_valve v;
    wr_rt_valve_out o;
    assert_int_equal(wr_rt_valve_init(&v, 3, NULL), WR_OK);
    wr_rt_valve_watermark(&v, 0, 10, &o);
    assert_false(o.emit_wm);
    wr_rt_valve_watermark(&v, 1, 20, &o);
    assert_false(o.emit_wm);
    wr_rt_valve_watermark(&v, 2, 5, &o);
    assert_true(o.emit_wm);
    assert_int_equal(o.wm, 5);
    wr_rt_valve_watermark(&v, 2, 15, &o); /* min(10, 20, 15) */
    assert_true(o.emit_wm && o.wm == 10);
    wr_rt_valve_watermark(&v, 2, 12, &o); /* going back on a channel changes nothing */
    assert_false(o.emit_wm);
    /* channel 0 idle: min over 1 and 2 */
    wr_rt_valve_idle(&v, 0, &o);
    assert_true(o.emit_wm && o.wm == 15);
    assert_int_equal(o.status, WR_RT_STATUS_SAME);
    /* watermarks of an idle channel are ignored */
    wr_rt_valve_watermark(&v, 0, 100, &o);
    assert_false(o.emit_wm);
    /* back active but behind: not aligned, does not hold the output back */
    wr_rt_valve_active(&v, 0, &o);
    assert_int_equal(o.status, WR_RT_STATUS_SAME);
    wr_rt_valve_watermark(&v, 2, 30, &o); /* min over aligned 1 (20), 2 (30) */
    assert_true(o.emit_wm && o.wm == 20);
    wr_rt_valve_watermark(&v, 0, 18, &o); /* still behind 20: excluded */
    assert_false(o.emit_wm);
    wr_rt_valve_watermark(&v, 0, 25, &o); /* caught up: aligned again, min(25, 20, 30) */
    assert_false(o.emit_wm);
    wr_rt_valve_watermark(&v, 1, 40, &o);
    assert_true(o.emit_wm && o.wm == 25);
    /* all idle: flush the max and go idle */
    wr_rt_valve_idle(&v, 0, &o); /* min over 1 (40) and 2 (30) */
    assert_true(o.emit_wm && o.wm == 30);
    wr_rt_valve_idle(&v, 1, &o);
    assert_false(o.emit_wm);
    wr_rt_valve_idle(&v, 2, &o);
    assert_true(o.emit_wm && o.wm == 40);
    assert_int_equal(o.status, WR_RT_STATUS_TO_IDLE);
    wr_rt_valve_active(&v, 1, &o);
    assert_int_equal(o.status, WR_RT_STATUS_TO_ACTIVE);
    /* end: a drained channel counts as MAX; a cancelled one keeps its watermark */
    wr_rt_valve_active(&v, 0, &o);
    wr_rt_valve_active(&v, 2, &o);
    wr_rt_valve_watermark(&v, 0, 50, &o);
    assert_false(o.emit_wm); /* channel 1 still at 40 */
    wr_rt_valve_watermark(&v, 1, 60, &o);
    assert_true(o.emit_wm && o.wm == 50); /* channel 2 (30) is behind: not aligned */
    wr_rt_valve_watermark(&v, 2, 70, &o);
    assert_false(o.emit_wm);
    wr_rt_valve_end(&v, 0, true, &o);
    assert_true(o.emit_wm && o.wm == 60);
    wr_rt_valve_end(&v, 1, false, &o);
    assert_false(o.emit_wm);
    wr_rt_valve_end(&v, 2, true, &o);
    assert_false(o.emit_wm); /* channel 1 (cancelled at 60) holds the output */
    wr_rt_valve_free(&v);

    assert_int_equal(wr_rt_valve_init(&v, 2, NULL), WR_OK);
    wr_rt_valve_end(&v, 0, true, &o);
    assert_false(o.emit_wm);
    wr_rt_valve_end(&v, 1, true, &o);
    assert_true(o.emit_wm && o.wm == WR_WATERMARK_MAX);
    wr_rt_valve_free(&v);
}

static int wakes;
static void test_channel(void **st)
{
    /* Tasks only for their state word: a wake-up of a task marked RUNNING just flips it to
     * NOTIFIED, so no scheduler is needed here. */
    wr_rt_task prod, cons;
    memset(&prod, 0, sizeof prod);
    memset(&cons, 0, sizeof cons);
    atomic_store(&prod.state, WR_RT_TS_RUNNING);
    atomic_store(&cons.state, WR_RT_TS_RUNNING);
    wr_rt_chan c;
    memset(&c, 0, sizeof c);
    assert_int_equal(wr_rt_chan_init(&c, 4, NULL), WR_OK);
    c.producer = &prod;
    c.consumer = &cons;
    wr_schema *s = schema3();

    /* the first push into an empty channel wakes the consumer */
    wr_rt_msg m = {.kind = WR_RT_MSG_WATERMARK};
    m.u.wm = 1;
    assert_int_equal(wr_rt_chan_push(&c, &m), WR_OK);
    assert_int_equal(atomic_load(&cons.state), WR_RT_TS_NOTIFIED);
    for (int i = 0; i < 4; i++) {
        assert_true(wr_rt_chan_has_room(&c));
        wr_rt_msg bm = {.kind = WR_RT_MSG_BATCH};
        bm.u.batch = make_batch(s, 1);
        assert_int_equal(wr_rt_chan_push(&c, &bm), WR_OK);
    }
    assert_false(wr_rt_chan_has_room(&c));
    assert_int_equal(wr_rt_chan_in_flight(&c), 4);
    /* control messages are never refused, even past the ring's slots */
    for (int i = 0; i < 100; i++) {
        m.u.wm = 2 + i;
        assert_int_equal(wr_rt_chan_push(&c, &m), WR_OK);
    }
    assert_true(c.ovf_len > 0);
    assert_true(wr_rt_chan_wait_room(&c));
    /* drain: everything comes out in order; the producer is woken by the pops */
    wr_rt_msg out;
    assert_true(wr_rt_chan_pop(&c, &out));
    assert_int_equal(out.kind, WR_RT_MSG_WATERMARK);
    assert_int_equal(out.u.wm, 1);
    for (int i = 0; i < 4; i++) {
        assert_true(wr_rt_chan_pop(&c, &out));
        assert_int_equal(out.kind, WR_RT_MSG_BATCH);
        wr_batch_release(out.u.batch);
    }
    assert_int_equal(atomic_load(&prod.state), WR_RT_TS_NOTIFIED);
    int64_t expect = 2;
    for (int round = 0; round < 10 && expect < 102; round++) {
        wr_rt_chan_flush(&c);
        while (wr_rt_chan_pop(&c, &out)) {
            assert_int_equal(out.kind, WR_RT_MSG_WATERMARK);
            assert_int_equal(out.u.wm, expect);
            expect++;
        }
    }
    assert_int_equal(expect, 102);
    assert_true(wr_rt_chan_has_room(&c));
    /* leftovers are released at destroy */
    wr_rt_msg bm = {.kind = WR_RT_MSG_BATCH};
    bm.u.batch = make_batch(s, 2);
    wr_rt_chan_push(&c, &bm);
    wr_rt_chan_destroy(&c);
    wr_schema_free(s);
    (void)wakes;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_builder_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chains_and_describe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_valve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_channel, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
