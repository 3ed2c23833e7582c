/* plan_phys.c - physical translation: optimized logical plans (one per statement of a
 * statement set) into one wr_job. Each node becomes one vertex (a scan becomes its source
 * plus a calc for computed columns, pushed filters and projections; a two-phase group
 * aggregation becomes a local and a global vertex); parallelism comes from the connectors'
 * scan.parallelism/sink.parallelism or parallelism.default (1 for operators without keys);
 * edges are forward where parallelism allows, hash on the grouping/partition/join keys where
 * rows must meet, rebalance otherwise. Watermarks are wr_wm_expr programs over the source's
 * physical columns, computed columns substituted. Chaining is left to the runtime. */
#include "plan/plan_int.h"

#include <stdio.h>
#include <string.h>

#include "operators/wm_expr.h"

struct wr_plan_job {
    wr_job *job;
    wr_wm_expr **wms;
    uint32_t nwms, capwms;
    bool bounded;
    wr_buf plan; /* the serialized plans of the job's statements (checkpoint manifests) */
};

typedef struct pv {
    int vertex; /* < 0: failed */
    uint32_t par;
} pv;

typedef struct phys {
    wr_pctx *c;
    wr_plan_job *pj;
    wr_config *cfg;
    uint32_t par;
    uint32_t max_par;
} phys;

static const pv PV_FAIL = {-1, 0};

wr_job *wr_plan_job_graph(wr_plan_job *j)
{
    return j->job;
}

bool wr_plan_job_bounded(const wr_plan_job *j)
{
    return j->bounded;
}

const char *wr_plan_job_plan(const wr_plan_job *j)
{
    return j->plan.ptr ? j->plan.ptr : "";
}

void wr_plan_job_free(wr_plan_job *j)
{
    if (!j) return;
    if (j->job) wr_job_free(j->job);
    for (uint32_t i = 0; i < j->nwms; i++)
        wr_wm_expr_free(j->wms[i]);
    wr_free(j->wms);
    wr_buf_free(&j->plan);
    wr_free(j);
}

static wr_schema *schema_of(const wr_field *cols, uint32_t n)
{
    wr_schema *s = wr_schema_new(n);
    if (!s) return NULL;
    for (uint32_t i = 0; i < n; i++) {
        if (wr_schema_set(s, i, cols[i].name, cols[i].type) != WR_OK) {
            wr_schema_free(s);
            return NULL;
        }
    }
    return s;
}

static pv fail(phys *p, const wr_lnode *n, const char *what, const wr_error *err)
{
    wr_pctx_error(p->c, n->pos, "%s: %s", what, err && err->msg[0] ? err->msg : "failed");
    return PV_FAIL;
}

static int compile(phys *p, wr_pexpr *const *exprs, uint32_t n, const wr_schema *in,
                   wr_expr_prog **out, wr_error *err)
{
    wr_expr **ex = wr_arena_alloc(p->c->a, sizeof(wr_expr *) * (n ? n : 1));
    if (!ex) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    for (uint32_t i = 0; i < n; i++)
        if (!(ex[i] = wr_px_lower(p->c->a, exprs[i], err))) return err->code;
    return wr_expr_compile(ex, n, in, out, err);
}

/* Connect `from` to input `input` of `to`: forward when parallelism matches and no keys are
 * needed, hash on keys, rebalance otherwise. */
static int connect(phys *p, pv from, int to, uint32_t to_par, uint32_t input, const uint32_t *keys,
                   uint32_t nkeys)
{
    wr_edge_kind k;
    if (nkeys && to_par > 1)
        k = WR_EDGE_HASH;
    else if (from.par == to_par)
        k = WR_EDGE_FORWARD;
    else
        k = WR_EDGE_REBALANCE;
    return wr_job_connect(p->pj->job, from.vertex, to, input, k, k == WR_EDGE_HASH ? keys : NULL,
                          k == WR_EDGE_HASH ? nkeys : 0);
}

/* The vertex's uid: the plan node's id and the vertex's role (a node can make several
 * vertices: a scan makes its source and a calc, an aggregation its local and global
 * parts; a scan's calc also hashes the filter and projection pushed into it). Two vertices
 * with equal uids (the same INSERT twice in a statement set) are told apart by rehashing,
 * in the order the job is built. */
static int set_uid(phys *p, const wr_lnode *n, int v, const char *role)
{
    /* The global phase of a two-phase aggregation keeps the same state as the one-phase
     * operator (the local phase keeps none), and which of them a plan gets depends on the
     * parallelism: they share a uid so a job rescaled to 1 or from 1 restores it. */
    if (!strcmp(role, "GlobalGroupAggregate")) role = "GroupAggregate";
    uint64_t uid = wr_hash_combine(n->id, wr_hash_bytes(role, strlen(role)));
    if (n->kind == WR_LK_SCAN && strcmp(role, "Source")) {
        /* A scan's id covers only its table (the source's offsets stay valid when filters
         * and projections change); the calc after it depends on those too. */
        wr_buf t;
        wr_buf_init(&t);
        wr_ln_digest(n, &t, false);
        uid = wr_hash_combine(uid, wr_hash_bytes(t.ptr, t.len));
        wr_buf_free(&t);
    }
    int rc;
    while ((rc = wr_job_set_uid(p->pj->job, v, uid)) == WR_EEXIST)
        uid = wr_hash_u64(uid + 1);
    return rc;
}

static pv add_op(phys *p, const wr_lnode *n, const char *name, const wr_op_vt *vt, void *cfg,
                 void (*cfg_free)(void *), uint32_t par)
{
    wr_schema *s = schema_of(n->cols, n->ncols);
    if (!s) {
        cfg_free(cfg);
        return fail(p, n, name, NULL);
    }
    int v = wr_job_add_op(p->pj->job, name, vt, cfg, cfg_free, s, par);
    wr_schema_free(s);
    if (v >= 0) v = set_uid(p, n, v, name) == WR_OK ? v : WR_EINVAL;
    if (v < 0) {
        wr_error err = {0};
        wr_error_set(&err, v, WR_DOMAIN_INTERNAL, "adding the vertex failed: %s", wr_err_str(v));
        return fail(p, n, name, &err);
    }
    return (pv){v, par};
}

static pv translate(phys *p, const wr_lnode *n);

/* ------------------------------------------------------------------------------------------
 * Sources
 * ---------------------------------------------------------------------------------------- */
static pv translate_scan(phys *p, const wr_lnode *n)
{
    const wr_catalog_entry *t = n->scan.table;
    wr_arena *a = p->c->a;
    wr_error err = {0};
    wr_source_def def = {0};
    /* Table columns as expressions over what the source produces. */
    wr_pexpr **repl = wr_arena_alloc(a, sizeof(wr_pexpr *) * (t->ncols ? t->ncols : 1));
    const wr_schema *ps = repl ? wr_catalog_scan_schema(a, n, repl) : NULL;
    if (!ps) goto nomem;
    if (wr_connector_make_source(&t->options, ps, &def, &err) != WR_OK)
        return fail(p, n, t->name, &err);
    uint32_t par = def.parallelism ? def.parallelism : p->par;
    if (!def.bounded) p->pj->bounded = false;

    wr_wm_spec spec = {.enabled = false};
    wr_pexpr *null_filter = NULL;
    if (t->rowtime >= 0) {
        wr_pexpr *wm = wr_px_subst(a, t->watermark, repl, &err);
        wr_expr_prog *prog = NULL;
        if (!wm || compile(p, &wm, 1, ps, &prog, &err) != WR_OK) {
            def.cfg_free(def.cfg);
            return fail(p, n, "watermark", &err);
        }
        wr_wm_expr *w = wr_wm_expr_new(prog, &err);
        if (!w) {
            def.cfg_free(def.cfg);
            return fail(p, n, "watermark", &err);
        }
        wr_wm_expr **nw = wr_realloc(p->pj->wms, sizeof(*nw) * (p->pj->nwms + 1));
        if (!nw) {
            wr_wm_expr_free(w);
            goto nomem_def;
        }
        p->pj->wms = nw;
        nw[p->pj->nwms++] = w;
        int64_t nulls = wr_config_int(p->cfg, "table.exec.source.rowtime-null-handling");
        spec = (wr_wm_spec){
            .enabled = true,
            .rowtime_col = -1,
            .eval = wr_wm_expr_eval,
            .eval_arg = w,
            .interval_us = wr_config_int(p->cfg, "pipeline.auto-watermark-interval"),
            .idle_timeout_us = wr_config_int(p->cfg, "table.exec.source.idle-timeout"),
            .null_rowtime_skip = nulls != 0,
        };
        if (nulls == 1) {
            /* DROP: rows without a rowtime are filtered out right after the source. */
            wr_pexpr *rt = repl[t->rowtime];
            null_filter = wr_px_call(a, "IS NOT NULL", &rt, 1, &err);
            if (!null_filter) {
                def.cfg_free(def.cfg);
                return fail(p, n, "rowtime", &err);
            }
        }
    }
    char *name = wr_psprintf(a, "Source: %s", t->name);
    int v = wr_job_add_source(p->pj->job, name, def.vt, def.cfg, def.cfg_free, ps, par, &spec);
    if (v >= 0) v = set_uid(p, n, v, "Source") == WR_OK ? v : WR_EINVAL;
    if (v < 0) {
        wr_error_set(&err, v, WR_DOMAIN_INTERNAL, "%s", wr_err_str(v));
        return fail(p, n, name, &err);
    }
    pv src = {v, par};
    /* The calc: computed columns, the pushed filter and the projection. */
    wr_pexpr **proj = wr_arena_alloc(a, sizeof(wr_pexpr *) * (n->ncols ? n->ncols : 1));
    if (!proj) goto nomem;
    bool identity = n->ncols == ps->ncols && !n->scan.filter && !null_filter;
    for (uint32_t i = 0; i < n->ncols; i++) {
        proj[i] = wr_px_subst(a, n->scan.exprs[i], repl, &err);
        if (!proj[i]) return fail(p, n, "projection", &err);
        uint32_t c;
        if (!wr_px_is_col(proj[i], &c) || c != i) identity = false;
    }
    if (identity) return src;
    wr_pexpr *filter = n->scan.filter ? wr_px_subst(a, n->scan.filter, repl, &err) : NULL;
    if (n->scan.filter && !filter) return fail(p, n, "filter", &err);
    if (null_filter) {
        if (filter) {
            wr_pexpr *args[2] = {null_filter, filter};
            filter = wr_px_call(a, "AND", args, 2, &err);
            if (!filter) return fail(p, n, "filter", &err);
        } else {
            filter = null_filter;
        }
    }
    wr_expr_prog *fprog = NULL, *pprog = NULL;
    if (filter && compile(p, &filter, 1, ps, &fprog, &err) != WR_OK)
        return fail(p, n, "filter", &err);
    if (compile(p, proj, n->ncols, ps, &pprog, &err) != WR_OK) {
        if (fprog) wr_expr_prog_free(fprog);
        return fail(p, n, "projection", &err);
    }
    wr_calc_cfg *cfg = wr_calc_cfg_new(fprog, pprog);
    if (!cfg) goto nomem;
    pv calc = add_op(p, n, "Calc", &wr_op_calc_vt, cfg, wr_calc_cfg_free, par);
    if (calc.vertex < 0) return calc;
    if (connect(p, src, calc.vertex, par, 0, NULL, 0) < 0) goto nomem;
    return calc;
nomem_def:
    if (def.cfg && def.cfg_free) def.cfg_free(def.cfg);
nomem:
    wr_error_set(&err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    return fail(p, n, t->name, &err);
}

static pv translate_values(phys *p, const wr_lnode *n)
{
    wr_values_cfg *cfg = wr_values_cfg_new(n->ncols, n->values.nrows);
    wr_error err = {0};
    if (!cfg) return fail(p, n, "Values", NULL);
    for (uint32_t r = 0; r < n->values.nrows; r++)
        for (uint32_t j = 0; j < n->ncols; j++)
            if (wr_values_cfg_set(cfg, r, j, &n->cols[j].type,
                                  &n->values.vals[r * n->ncols + j]->val) != WR_OK) {
                wr_values_cfg_free(cfg);
                return fail(p, n, "Values", NULL);
            }
    wr_schema *s = schema_of(n->cols, n->ncols);
    if (!s) {
        wr_values_cfg_free(cfg);
        return fail(p, n, "Values", NULL);
    }
    wr_wm_spec spec = {.enabled = false};
    int v = wr_job_add_source(p->pj->job, "Values", &wr_source_values_vt, cfg, wr_values_cfg_free,
                              s, 1, &spec);
    wr_schema_free(s);
    if (v >= 0) v = set_uid(p, n, v, "Values") == WR_OK ? v : WR_EINVAL;
    if (v < 0) {
        wr_error_set(&err, v, WR_DOMAIN_INTERNAL, "%s", wr_err_str(v));
        return fail(p, n, "Values", &err);
    }
    return (pv){v, 1};
}

/* ------------------------------------------------------------------------------------------
 * Operators
 * ---------------------------------------------------------------------------------------- */
static pv translate_calc(phys *p, const wr_lnode *n)
{
    const wr_lnode *in = n->inputs[0];
    pv src = translate(p, in);
    if (src.vertex < 0) return src;
    wr_error err = {0};
    wr_schema *is = schema_of(in->cols, in->ncols);
    if (!is) return fail(p, n, "Calc", NULL);
    wr_expr_prog *fprog = NULL, *pprog = NULL;
    if (n->calc.filter && compile(p, &n->calc.filter, 1, is, &fprog, &err) != WR_OK) {
        wr_schema_free(is);
        return fail(p, n, "Calc", &err);
    }
    if (compile(p, n->calc.proj, n->ncols, is, &pprog, &err) != WR_OK) {
        wr_schema_free(is);
        if (fprog) wr_expr_prog_free(fprog);
        return fail(p, n, "Calc", &err);
    }
    wr_schema_free(is);
    wr_calc_cfg *cfg = wr_calc_cfg_new(fprog, pprog);
    if (!cfg) return fail(p, n, "Calc", NULL);
    pv out = add_op(p, n, "Calc", &wr_op_calc_vt, cfg, wr_calc_cfg_free, src.par);
    if (out.vertex >= 0 && connect(p, src, out.vertex, src.par, 0, NULL, 0) < 0)
        return fail(p, n, "Calc", NULL);
    return out;
}

static wr_agg_spec *agg_specs(phys *p, const wr_lnode *in, const wr_lagg *aggs, uint32_t n,
                              bool retract)
{
    wr_agg_spec *s = wr_arena_alloc(p->c->a, sizeof(wr_agg_spec) * (n ? n : 1));
    if (!s) return NULL;
    for (uint32_t j = 0; j < n; j++) {
        wr_type at = aggs[j].arg >= 0 ? in->cols[aggs[j].arg].type : wr_type_make(WR_TYPE_BIGINT);
        at.time_attr = WR_TIME_ATTR_NONE;
        s[j] = (wr_agg_spec){.kind = aggs[j].kind,
                             .arg = aggs[j].arg,
                             .filter = aggs[j].filter,
                             .arg_type = at,
                             .retract = retract,
                             .name = aggs[j].name};
    }
    return s;
}

static pv translate_agg(phys *p, const wr_lnode *n)
{
    const wr_lnode *in = n->inputs[0];
    pv src = translate(p, in);
    if (src.vertex < 0) return src;
    wr_error err = {0};
    bool changelog = in->cl != WR_CL_APPEND;
    wr_agg_spec *specs = agg_specs(p, in, n->agg.aggs, n->agg.naggs, changelog);
    if (!specs) return fail(p, n, "GroupAggregate", NULL);
    uint32_t par = n->agg.nkeys ? p->par : 1;
    bool two_phase =
        WR_MAX(par, src.par) > 1 && wr_group_agg_can_two_phase(specs, n->agg.naggs, changelog);
    wr_group_agg_cfg *cfg =
        wr_group_agg_cfg_new(n->agg.keys, n->agg.nkeys, specs, n->agg.naggs, n->agg.emit_ub, &err);
    if (!cfg) return fail(p, n, "GroupAggregate", &err);
    if (!two_phase) {
        pv out =
            add_op(p, n, "GroupAggregate", &wr_op_group_agg_vt, cfg, wr_group_agg_cfg_free, par);
        if (out.vertex >= 0 && connect(p, src, out.vertex, par, 0, n->agg.keys, n->agg.nkeys) < 0)
            return fail(p, n, "GroupAggregate", NULL);
        return out;
    }
    wr_group_agg_cfg *lcfg =
        wr_group_agg_cfg_new(n->agg.keys, n->agg.nkeys, specs, n->agg.naggs, n->agg.emit_ub, &err);
    wr_schema *is = schema_of(in->cols, in->ncols);
    wr_schema *ps = is ? wr_group_agg_partial_schema(cfg, is, &err) : NULL;
    wr_schema_free(is);
    if (!lcfg || !ps) {
        wr_group_agg_cfg_free(cfg);
        if (lcfg) wr_group_agg_cfg_free(lcfg);
        return fail(p, n, "LocalGroupAggregate", &err);
    }
    int lv = wr_job_add_op(p->pj->job, "LocalGroupAggregate", &wr_op_local_group_agg_vt, lcfg,
                           wr_group_agg_cfg_free, ps, src.par);
    wr_schema_free(ps);
    if (lv >= 0) lv = set_uid(p, n, lv, "LocalGroupAggregate") == WR_OK ? lv : WR_EINVAL;
    if (lv < 0) {
        wr_group_agg_cfg_free(cfg);
        return fail(p, n, "LocalGroupAggregate", NULL);
    }
    pv local = {lv, src.par};
    if (connect(p, src, lv, src.par, 0, NULL, 0) < 0) {
        wr_group_agg_cfg_free(cfg);
        return fail(p, n, "LocalGroupAggregate", NULL);
    }
    pv out = add_op(p, n, "GlobalGroupAggregate", &wr_op_global_group_agg_vt, cfg,
                    wr_group_agg_cfg_free, par);
    if (out.vertex >= 0 && connect(p, local, out.vertex, par, 0, cfg->pkeys, n->agg.nkeys) < 0)
        return fail(p, n, "GlobalGroupAggregate", NULL);
    return out;
}

static pv translate_window_agg(phys *p, const wr_lnode *n)
{
    const wr_lnode *in = n->inputs[0];
    pv src = translate(p, in);
    if (src.vertex < 0) return src;
    wr_error err = {0};
    wr_window_agg_config *cfg = wr_window_agg_config_new(n->wagg.nkeys, n->wagg.naggs, n->ncols);
    wr_agg_spec *specs = agg_specs(p, in, n->wagg.aggs, n->wagg.naggs, false);
    if (!cfg || !specs) {
        if (cfg) wr_window_agg_config_free(cfg);
        return fail(p, n, "WindowAggregate", NULL);
    }
    cfg->rowtime_col = n->wagg.rowtime;
    cfg->window = n->wagg.spec;
    memcpy(cfg->keys, n->wagg.keys, sizeof(uint32_t) * n->wagg.nkeys);
    memcpy(cfg->aggs, specs, sizeof(wr_agg_spec) * n->wagg.naggs);
    memcpy(cfg->outs, n->wagg.outs, sizeof(wr_window_col) * n->ncols);
    wr_schema *is = schema_of(in->cols, in->ncols);
    if (!is || wr_window_agg_check(cfg, is, &err) != WR_OK) {
        wr_schema_free(is);
        wr_window_agg_config_free(cfg);
        return fail(p, n, "WindowAggregate", &err);
    }
    wr_schema_free(is);
    uint32_t par = n->wagg.nkeys ? p->par : 1;
    const wr_op_vt *vt =
        cfg->window.kind == WR_WINDOW_SESSION ? &wr_session_window_agg_vt : &wr_window_agg_vt;
    pv out = add_op(p, n, "WindowAggregate", vt, cfg, wr_window_agg_config_free, par);
    if (out.vertex >= 0 && connect(p, src, out.vertex, par, 0, n->wagg.keys, n->wagg.nkeys) < 0)
        return fail(p, n, "WindowAggregate", NULL);
    return out;
}

static void free_plain(void *p)
{
    wr_free(p);
}

static pv translate_window_tvf(phys *p, const wr_lnode *n)
{
    const wr_lnode *in = n->inputs[0];
    pv src = translate(p, in);
    if (src.vertex < 0) return src;
    wr_window_tvf_config *cfg = wr_calloc(1, sizeof *cfg);
    if (!cfg) return fail(p, n, "WindowTableFunction", NULL);
    cfg->rowtime_col = n->wtvf.rowtime;
    cfg->window = n->wtvf.spec;
    pv out = add_op(p, n, "WindowTableFunction", &wr_window_tvf_vt, cfg, free_plain, src.par);
    if (out.vertex >= 0 && connect(p, src, out.vertex, src.par, 0, NULL, 0) < 0)
        return fail(p, n, "WindowTableFunction", NULL);
    return out;
}

static pv translate_rank(phys *p, const wr_lnode *n)
{
    const wr_lnode *in = n->inputs[0];
    pv src = translate(p, in);
    if (src.vertex < 0) return src;
    bool append = in->cl == WR_CL_APPEND;
    const char *name = wr_ln_kind_name(n->kind);
    uint32_t *keys = wr_arena_alloc(p->c->a, sizeof(uint32_t) * (n->rank.npart + 2));
    if (!keys) return fail(p, n, name, NULL);
    memcpy(keys, n->rank.part, sizeof(uint32_t) * n->rank.npart);
    uint32_t nkeys = n->rank.npart;
    void *cfg = NULL;
    void (*cfg_free)(void *) = NULL;
    const wr_op_vt *vt = NULL;
    switch ((wr_lkind)n->kind) {
    case WR_LK_RANK: {
        wr_rank_cfg *rc = wr_rank_cfg_new(n->rank.part, n->rank.npart, n->rank.sort, n->rank.nsort,
                                          n->rank.start, n->rank.end, n->rank.output_rank, append);
        if (rc) rc->emit_update_before = n->rank.emit_ub;
        cfg = rc;
        cfg_free = wr_rank_cfg_free;
        vt = &wr_op_rank_vt;
        break;
    }
    case WR_LK_DEDUP: {
        wr_dedup_cfg *dc = wr_dedup_cfg_new(n->rank.part, n->rank.npart, n->rank.keep_last,
                                            n->rank.rowtime, n->rank.time_col);
        if (dc) {
            dc->input_append_only = append;
            dc->emit_update_before = n->rank.emit_ub;
        }
        cfg = dc;
        cfg_free = wr_dedup_cfg_free;
        vt = &wr_op_dedup_vt;
        break;
    }
    case WR_LK_WINDOW_RANK:
        cfg = wr_window_rank_cfg_new(n->rank.ws_col, n->rank.we_col, n->rank.part, n->rank.npart,
                                     n->rank.sort, n->rank.nsort, n->rank.start, n->rank.end,
                                     n->rank.output_rank);
        cfg_free = wr_window_rank_cfg_free;
        vt = &wr_op_window_rank_vt;
        keys[nkeys++] = n->rank.ws_col;
        keys[nkeys++] = n->rank.we_col;
        break;
    case WR_LK_WINDOW_DEDUP:
        cfg = wr_window_dedup_cfg_new(n->rank.ws_col, n->rank.we_col, n->rank.time_col,
                                      n->rank.part, n->rank.npart, n->rank.keep_last);
        cfg_free = wr_window_dedup_cfg_free;
        vt = &wr_op_window_dedup_vt;
        keys[nkeys++] = n->rank.ws_col;
        keys[nkeys++] = n->rank.we_col;
        break;
    default:
        return fail(p, n, name, NULL);
    }
    if (!cfg) return fail(p, n, name, NULL);
    uint32_t par = nkeys ? p->par : 1;
    pv out = add_op(p, n, name, vt, cfg, cfg_free, par);
    if (out.vertex >= 0 && connect(p, src, out.vertex, par, 0, keys, nkeys) < 0)
        return fail(p, n, name, NULL);
    return out;
}

static pv translate_union(phys *p, const wr_lnode *n)
{
    pv *ins = wr_arena_alloc(p->c->a, sizeof(pv) * n->ninputs);
    if (!ins) return fail(p, n, "Union", NULL);
    uint32_t par = 0;
    for (uint32_t i = 0; i < n->ninputs; i++) {
        ins[i] = translate(p, n->inputs[i]);
        if (ins[i].vertex < 0) return ins[i];
        par = WR_MAX(par, ins[i].par);
    }
    pv out = add_op(p, n, "Union", &wr_op_union_vt, NULL, free_plain, par);
    if (out.vertex < 0) return out;
    for (uint32_t i = 0; i < n->ninputs; i++)
        if (connect(p, ins[i], out.vertex, par, i, NULL, 0) < 0) return fail(p, n, "Union", NULL);
    return out;
}

static pv translate_sort(phys *p, const wr_lnode *n)
{
    const wr_lnode *in = n->inputs[0];
    pv src = translate(p, in);
    if (src.vertex < 0) return src;
    bool append = in->cl == WR_CL_APPEND;
    pv out;
    if (n->kind == WR_LK_SORT) {
        wr_sort_cfg *cfg =
            wr_sort_cfg_new(n->sort.sort, n->sort.nsort, n->sort.offset, n->sort.limit, append);
        if (!cfg) return fail(p, n, "SortLimit", NULL);
        out = add_op(p, n, "SortLimit", &wr_op_sort_vt, cfg, wr_sort_cfg_free, 1);
    } else {
        int64_t limit = n->sort.limit < 0 ? INT64_MAX - n->sort.offset : n->sort.limit;
        wr_limit_cfg *cfg = wr_limit_cfg_new(n->sort.offset, limit, append);
        if (!cfg) return fail(p, n, "Limit", NULL);
        out = add_op(p, n, "Limit", &wr_op_limit_vt, cfg, wr_limit_cfg_free, 1);
    }
    if (out.vertex >= 0 && connect(p, src, out.vertex, 1, 0, NULL, 0) < 0)
        return fail(p, n, "SortLimit", NULL);
    return out;
}

static pv translate_join(phys *p, const wr_lnode *n)
{
    const wr_lnode *l = n->inputs[0], *r = n->inputs[1];
    pv lv = translate(p, l), rv = translate(p, r);
    if (lv.vertex < 0) return lv;
    if (rv.vertex < 0) return rv;
    wr_error err = {0};
    wr_schema *ls = schema_of(l->cols, l->ncols), *rs = schema_of(r->cols, r->ncols);
    wr_schema *row = ls && rs ? wr_join_row_schema(ls, rs) : NULL;
    if (!row) {
        wr_schema_free(ls);
        wr_schema_free(rs);
        return fail(p, n, "Join", NULL);
    }
    wr_expr_prog *residual = NULL;
    if (n->join.cond && compile(p, &n->join.cond, 1, row, &residual, &err) != WR_OK) {
        wr_schema_free(ls);
        wr_schema_free(rs);
        wr_schema_free(row);
        return fail(p, n, "Join", &err);
    }
    wr_schema_free(row);
    wr_join_spec *spec = NULL;
    void *cfg = NULL;
    void (*cfg_free)(void *) = NULL;
    const wr_op_vt *vt = NULL;
    const char *name = wr_ln_kind_name(n->kind);
    int rc = WR_OK;
    switch ((wr_lkind)n->kind) {
    case WR_LK_JOIN: {
        wr_join_config *jc = wr_join_config_new(n->join.type, n->join.nkeys);
        if (jc) {
            jc->left_append_only = l->cl == WR_CL_APPEND;
            jc->right_append_only = r->cl == WR_CL_APPEND;
            spec = &jc->join;
        }
        cfg = jc;
        cfg_free = wr_join_config_free;
        vt = &wr_join_vt;
        break;
    }
    case WR_LK_INTERVAL_JOIN: {
        wr_interval_join_config *ic = wr_interval_join_config_new(n->join.type, n->join.nkeys);
        if (ic) {
            ic->left_time_col = n->join.ltime;
            ic->right_time_col = n->join.rtime;
            ic->lower_us = n->join.lower_us;
            ic->upper_us = n->join.upper_us;
            ic->lower_exclusive = n->join.lower_excl;
            ic->upper_exclusive = n->join.upper_excl;
            spec = &ic->join;
        }
        cfg = ic;
        cfg_free = wr_interval_join_config_free;
        vt = &wr_interval_join_vt;
        break;
    }
    case WR_LK_WINDOW_JOIN: {
        wr_window_join_config *wc = wr_window_join_config_new(n->join.type, n->join.nkeys);
        if (wc) {
            wc->left_start_col = n->join.lws;
            wc->left_end_col = n->join.lwe;
            wc->right_start_col = n->join.rws;
            wc->right_end_col = n->join.rwe;
            spec = &wc->join;
        }
        cfg = wc;
        cfg_free = wr_window_join_config_free;
        vt = &wr_window_join_vt;
        break;
    }
    default:
        break;
    }
    if (!cfg) {
        wr_schema_free(ls);
        wr_schema_free(rs);
        if (residual) wr_expr_prog_free(residual);
        return fail(p, n, name, NULL);
    }
    for (uint32_t k = 0; k < n->join.nkeys; k++) {
        spec->left_keys[k] = n->join.lkeys[k];
        spec->right_keys[k] = n->join.rkeys[k];
        spec->null_safe[k] = n->join.null_safe ? n->join.null_safe[k] : false;
    }
    spec->residual = residual;
    if (n->kind == WR_LK_JOIN)
        rc = wr_join_check(cfg, ls, rs, &err);
    else if (n->kind == WR_LK_INTERVAL_JOIN)
        rc = wr_interval_join_check(cfg, ls, rs, &err);
    else
        rc = wr_window_join_check(cfg, ls, rs, &err);
    wr_schema_free(ls);
    wr_schema_free(rs);
    if (rc != WR_OK) {
        cfg_free(cfg);
        return fail(p, n, name, &err);
    }
    /* Window joins without keys still partition by the window. */
    uint32_t lk[66], rk[66], nk = WR_MIN(n->join.nkeys, 64u);
    memcpy(lk, n->join.lkeys, sizeof(uint32_t) * nk);
    memcpy(rk, n->join.rkeys, sizeof(uint32_t) * nk);
    if (n->kind == WR_LK_WINDOW_JOIN) {
        lk[nk] = n->join.lws;
        rk[nk] = n->join.rws;
        lk[nk + 1] = n->join.lwe;
        rk[nk + 1] = n->join.rwe;
        nk += 2;
    }
    uint32_t par = nk ? p->par : 1;
    pv out = add_op(p, n, name, vt, cfg, cfg_free, par);
    if (out.vertex < 0) return out;
    if (connect(p, lv, out.vertex, par, 0, lk, nk) < 0 ||
        connect(p, rv, out.vertex, par, 1, rk, nk) < 0)
        return fail(p, n, name, NULL);
    return out;
}

static pv translate_sink(phys *p, const wr_lnode *n)
{
    const wr_lnode *in = n->inputs[0];
    pv src = translate(p, in);
    if (src.vertex < 0) return src;
    wr_error err = {0};
    wr_sink_def def = {0};
    wr_options opts;
    wr_options_init(&opts);
    const wr_options *o = n->sink.table ? &n->sink.table->options : &opts;
    if (!n->sink.table) wr_options_set(&opts, "connector", "print");
    wr_schema *s = schema_of(n->cols, n->ncols);
    void *rarg = NULL;
    wr_result_sink_fn rfn = n->sink.table ? NULL : wr_session_result_sink(p->c->sess, &rarg);
    int rc = !s    ? WR_ENOMEM
             : rfn ? rfn(rarg, s, in->cl != WR_CL_APPEND, &def, &err)
                   : wr_connector_make_sink(o, s, &def, &err);
    wr_options_free(&opts);
    if (rc != WR_OK) {
        wr_schema_free(s);
        return fail(p, n, n->sink.table ? n->sink.table->name : "print", &err);
    }
    uint32_t par = def.parallelism ? def.parallelism : src.par;
    char *name =
        n->sink.table ? wr_psprintf(p->c->a, "Sink: %s", n->sink.table->name) : "Sink: print";
    int v = wr_job_add_op(p->pj->job, name, def.vt, def.cfg, def.cfg_free, s, par);
    wr_schema_free(s);
    if (v >= 0) v = set_uid(p, n, v, "Sink") == WR_OK ? v : WR_EINVAL;
    if (v < 0) return fail(p, n, name, NULL);
    uint32_t keys[64], nk = 0;
    if (n->sink.upsert && par != src.par) {
        const wr_catalog_entry *t = n->sink.table;
        for (uint32_t i = 0; i < t->npk && nk < 64; i++)
            keys[nk++] = t->cols[t->pk[i]].phys;
    }
    if (connect(p, src, v, par, 0, keys, nk) < 0) return fail(p, n, name, NULL);
    return (pv){v, par};
}

static pv translate(phys *p, const wr_lnode *n)
{
    switch ((wr_lkind)n->kind) {
    case WR_LK_SCAN:
        return translate_scan(p, n);
    case WR_LK_VALUES:
        return translate_values(p, n);
    case WR_LK_CALC:
        return translate_calc(p, n);
    case WR_LK_AGG:
        return translate_agg(p, n);
    case WR_LK_WINDOW_AGG:
        return translate_window_agg(p, n);
    case WR_LK_WINDOW_TVF:
        return translate_window_tvf(p, n);
    case WR_LK_RANK:
    case WR_LK_DEDUP:
    case WR_LK_WINDOW_RANK:
    case WR_LK_WINDOW_DEDUP:
        return translate_rank(p, n);
    case WR_LK_JOIN:
    case WR_LK_INTERVAL_JOIN:
    case WR_LK_WINDOW_JOIN:
        return translate_join(p, n);
    case WR_LK_UNION:
        return translate_union(p, n);
    case WR_LK_SORT:
    case WR_LK_LIMIT:
        return translate_sort(p, n);
    case WR_LK_SINK:
        return translate_sink(p, n);
    default: {
        char what[96];
        snprintf(what, sizeof what, "%s in a job", wr_ln_kind_name(n->kind));
        wr_pctx_unsupported(p->c, n->pos, what);
        return PV_FAIL;
    }
    }
}

int wr_phys_build(wr_pctx *c, wr_config *cfg, wr_lnode *const *roots, uint32_t n,
                  const char *job_name, wr_plan_job **out)
{
    *out = NULL;
    wr_plan_job *pj = wr_calloc(1, sizeof *pj);
    if (!pj) return WR_ENOMEM;
    pj->bounded = true;
    pj->job = wr_job_new(job_name ? job_name : "weir");
    if (!pj->job) {
        wr_free(pj);
        return WR_ENOMEM;
    }
    phys p = {.c = c,
              .pj = pj,
              .cfg = cfg,
              .par = (uint32_t)wr_config_int(cfg, "parallelism.default"),
              .max_par = (uint32_t)wr_config_int(cfg, "pipeline.max-parallelism")};
    wr_job_set_max_parallelism(pj->job, p.max_par);
    for (uint32_t i = 0; i < n; i++) {
        pv r = translate(&p, roots[i]);
        if (r.vertex < 0) {
            c->failed = true;
            break;
        }
        wr_ln_serialize(roots[i], &pj->plan);
    }
    if (c->failed) {
        wr_plan_job_free(pj);
        return WR_EINVAL;
    }
    *out = pj;
    return WR_OK;
}
