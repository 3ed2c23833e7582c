/* job_graph.c - the job builder: vertices (sources and operators) and the edges between
 * them, the checks that keep the graph runnable (at build time and again at start), the
 * cut of the graph into chains of forward-connected vertices that run as one task, and the
 * textual description of the graph that EXPLAIN and the logs print. */
#include "runtime/runtime_int.h"

#include <string.h>

const char *wr_edge_kind_str(wr_edge_kind k)
{
    switch (k) {
    case WR_EDGE_FORWARD:
        return "FORWARD";
    case WR_EDGE_HASH:
        return "HASH";
    case WR_EDGE_BROADCAST:
        return "BROADCAST";
    case WR_EDGE_REBALANCE:
        return "REBALANCE";
    }
    return "?";
}

wr_job *wr_job_new(const char *name)
{
    wr_job *job = wr_calloc(1, sizeof *job);
    if (!job) return NULL;
    job->name = wr_strdup(name ? name : "job");
    if (!job->name) {
        wr_free(job);
        return NULL;
    }
    job->max_par = WR_DEFAULT_MAX_PARALLELISM;
    return job;
}

static void vertex_free(wr_rt_vertex *v)
{
    if (!v) return;
    if (v->cfg_free && v->cfg) v->cfg_free(v->cfg);
    wr_schema_free(v->out);
    wr_free(v->name);
    wr_free(v);
}

void wr_job_free(wr_job *job)
{
    if (!job) return;
    WR_ASSERT(!atomic_load(&job->running));
    for (uint32_t i = 0; i < job->nv; i++)
        vertex_free(job->v[i]);
    for (uint32_t i = 0; i < job->ne; i++)
        wr_free(job->e[i].keys);
    wr_free(job->v);
    wr_free(job->e);
    wr_free(job->name);
    wr_free(job);
}

int wr_job_set_max_parallelism(wr_job *job, uint32_t max_parallelism)
{
    if (max_parallelism < 1 || max_parallelism > WR_RT_MAX_PARALLELISM) return WR_EINVAL;
    for (uint32_t i = 0; i < job->nv; i++)
        if (job->v[i]->parallelism > max_parallelism) return WR_EINVAL;
    job->max_par = max_parallelism;
    return WR_OK;
}

/* Takes cfg in every case (frees it with cfg_free on failure), as the header promises that
 * configs are owned by the job once added. */
static int add_vertex(wr_job *job, const char *name, bool is_source, const void *vt, void *cfg,
                      void (*cfg_free)(void *), const wr_schema *out, uint32_t parallelism,
                      const wr_wm_spec *wm)
{
    int rc = WR_ENOMEM;
    wr_rt_vertex *v = NULL;
    if (!job || !vt || !name || !*name || !out || parallelism < 1 ||
        parallelism > WR_RT_MAX_PARALLELISM || atomic_load(&job->running)) {
        rc = WR_EINVAL;
        goto fail;
    }
    if (job->nv == job->cap_v) {
        uint32_t ncap = job->cap_v ? job->cap_v * 2 : 8;
        wr_rt_vertex **nv = wr_realloc(job->v, ncap * sizeof *nv);
        if (!nv) goto fail;
        job->v = nv;
        job->cap_v = ncap;
    }
    v = wr_calloc(1, sizeof *v);
    if (!v) goto fail;
    v->name = wr_strdup(name);
    v->out = wr_schema_copy(out);
    if (!v->name || !v->out) goto fail;
    v->id = (int)job->nv;
    v->is_source = is_source;
    if (is_source)
        v->src_vt = vt;
    else
        v->op_vt = vt;
    v->cfg = cfg;
    v->cfg_free = cfg_free;
    v->parallelism = parallelism;
    if (wm) v->wm = *wm;
    v->mem.name = v->name;
    /* Default uid: the name and how many earlier vertices share it. */
    uint64_t uid = wr_hash_bytes(name, strlen(name));
    for (uint32_t i = 0; i < job->nv; i++)
        if (!strcmp(job->v[i]->name, name)) uid = wr_hash_u64(uid + 1);
    v->uid = uid;
    job->v[job->nv++] = v;
    return v->id;
fail:
    if (v) {
        v->cfg = NULL;
        vertex_free(v);
    }
    if (cfg_free && cfg) cfg_free(cfg);
    return rc;
}

int wr_job_add_source(wr_job *job, const char *name, const wr_source_vt *vt, void *cfg,
                      void (*cfg_free)(void *), const wr_schema *out, uint32_t parallelism,
                      const wr_wm_spec *wm)
{
    if (vt && (vt->abi_version != WR_ABI_VERSION || !vt->poll)) vt = NULL;
    if (wm && wm->enabled && out) {
        /* Without an eval callback the rowtime column gives the candidates: it must exist
         * and hold int64 microseconds. */
        bool col_ok = wm->rowtime_col >= 0 && (uint32_t)wm->rowtime_col < out->ncols &&
                      wr_type_phys(&out->cols[wm->rowtime_col].type) == WR_PHYS_I64;
        bool eval_ok = wm->eval && (wm->rowtime_col < 0 || (uint32_t)wm->rowtime_col < out->ncols);
        if (!col_ok && !eval_ok) vt = NULL;
        if (wm->interval_us < 0 || wm->idle_timeout_us < 0) vt = NULL;
    }
    return add_vertex(job, name, true, vt, cfg, cfg_free, out, parallelism, wm);
}

int wr_job_add_op(wr_job *job, const char *name, const wr_op_vt *vt, void *cfg,
                  void (*cfg_free)(void *), const wr_schema *out, uint32_t parallelism)
{
    if (vt && (vt->abi_version != WR_ABI_VERSION || !vt->process)) vt = NULL;
    return add_vertex(job, name, false, vt, cfg, cfg_free, out, parallelism, NULL);
}

/* Is `target` reachable from `start` along edges? (iterative DFS) */
static bool reachable(const wr_job *job, int start, int target)
{
    if (start == target) return true;
    bool *seen = wr_calloc(job->nv, sizeof *seen);
    int *stack = wr_malloc((job->nv + 1) * sizeof *stack);
    bool found = false;
    if (!seen || !stack) {
        found = true; /* refuse the edge rather than risk a cycle */
        goto out;
    }
    uint32_t sp = 0;
    stack[sp++] = start;
    seen[start] = true;
    while (sp && !found) {
        int v = stack[--sp];
        for (uint32_t i = 0; i < job->ne; i++) {
            if (job->e[i].from != v) continue;
            int w = job->e[i].to;
            if (w == target) {
                found = true;
                break;
            }
            if (!seen[w]) {
                seen[w] = true;
                stack[sp++] = w;
            }
        }
    }
out:
    wr_free(seen);
    wr_free(stack);
    return found;
}

static int check_edge(const wr_job *job, const wr_rt_edge *e, wr_error *err)
{
    if (e->from < 0 || (uint32_t)e->from >= job->nv || e->to < 0 || (uint32_t)e->to >= job->nv)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "edge %d -> %d: no such vertex",
                            e->from, e->to);
    const wr_rt_vertex *f = job->v[e->from], *t = job->v[e->to];
    if (t->is_source)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "edge '%s' -> '%s': a source has no inputs", f->name, t->name);
    if (e->input >= WR_RT_MAX_INPUTS)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                            "edge '%s' -> '%s': input %u out of range", f->name, t->name, e->input);
    switch (e->kind) {
    case WR_EDGE_FORWARD:
        if (f->parallelism != t->parallelism)
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                                "forward edge '%s' (parallelism %u) -> '%s' (parallelism %u) "
                                "needs equal parallelism",
                                f->name, f->parallelism, t->name, t->parallelism);
        break;
    case WR_EDGE_HASH:
        if (e->nkeys == 0)
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                                "hash edge '%s' -> '%s' has no key columns", f->name, t->name);
        for (uint32_t k = 0; k < e->nkeys; k++)
            if (e->keys[k] >= f->out->ncols)
                return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                                    "hash edge '%s' -> '%s': key column %u out of range "
                                    "(%u columns)",
                                    f->name, t->name, e->keys[k], f->out->ncols);
        break;
    case WR_EDGE_BROADCAST:
    case WR_EDGE_REBALANCE:
        break;
    default:
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "edge '%s' -> '%s': bad kind",
                            f->name, t->name);
    }
    return WR_OK;
}

int wr_job_connect(wr_job *job, int from, int to, uint32_t input, wr_edge_kind kind,
                   const uint32_t *keys, uint32_t nkeys)
{
    if (!job || atomic_load(&job->running)) return WR_EINVAL;
    wr_rt_edge e = {.from = from, .to = to, .input = input, .kind = kind};
    e.keys = (uint32_t *)keys;
    e.nkeys = kind == WR_EDGE_HASH ? nkeys : 0;
    if (kind == WR_EDGE_HASH && nkeys && !keys) return WR_EINVAL;
    if (check_edge(job, &e, NULL) != WR_OK) return WR_EINVAL;
    if (reachable(job, to, from)) return WR_EINVAL; /* would close a cycle */
    if (job->ne == job->cap_e) {
        uint32_t ncap = job->cap_e ? job->cap_e * 2 : 8;
        wr_rt_edge *ne = wr_realloc(job->e, ncap * sizeof *ne);
        if (!ne) return WR_ENOMEM;
        job->e = ne;
        job->cap_e = ncap;
    }
    e.keys = NULL;
    if (e.nkeys) {
        e.keys = wr_malloc(nkeys * sizeof *e.keys);
        if (!e.keys) return WR_ENOMEM;
        memcpy(e.keys, keys, nkeys * sizeof *e.keys);
    }
    job->e[job->ne++] = e;
    return WR_OK;
}

/* Vertex v is chained into its producer when its only input is a forward edge from a vertex
 * of equal parallelism whose only consumer it is. Returns the producer or -1. */
int wr_rt_chained_into(const wr_job *job, int v)
{
    if (job->v[v]->is_source) return -1;
    int in_edge = -1, nin = 0;
    for (uint32_t i = 0; i < job->ne; i++)
        if (job->e[i].to == v) {
            in_edge = (int)i;
            nin++;
        }
    if (nin != 1) return -1;
    const wr_rt_edge *e = &job->e[in_edge];
    if (e->kind != WR_EDGE_FORWARD || e->input != 0) return -1;
    if (job->v[e->from]->parallelism != job->v[v]->parallelism) return -1;
    int nout = 0;
    for (uint32_t i = 0; i < job->ne; i++)
        if (job->e[i].from == e->from) nout++;
    return nout == 1 ? e->from : -1;
}

void wr_rt_plan_free(wr_rt_plan *p)
{
    wr_free(p->chain_of);
    wr_free(p->chain_pos);
    wr_free(p->ninputs);
    wr_free(p->chain_start);
    wr_free(p->members);
    memset(p, 0, sizeof *p);
}

static int check_acyclic(const wr_job *job, wr_error *err)
{
    /* Kahn's algorithm: a cycle leaves vertices with inputs never satisfied. */
    uint32_t *indeg = wr_calloc(job->nv ? job->nv : 1, sizeof *indeg);
    int *queue = wr_malloc((job->nv ? job->nv : 1) * sizeof *queue);
    int rc = WR_OK;
    if (!indeg || !queue) {
        rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < job->ne; i++)
        indeg[job->e[i].to]++;
    uint32_t qh = 0, qt = 0, visited = 0;
    for (uint32_t v = 0; v < job->nv; v++)
        if (!indeg[v]) queue[qt++] = (int)v;
    while (qh < qt) {
        int v = queue[qh++];
        visited++;
        for (uint32_t i = 0; i < job->ne; i++)
            if (job->e[i].from == v && --indeg[job->e[i].to] == 0) queue[qt++] = job->e[i].to;
    }
    if (visited != job->nv)
        rc = wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "job '%s': the graph has a cycle",
                          job->name);
out:
    wr_free(indeg);
    wr_free(queue);
    return rc;
}

int wr_rt_plan_build(const wr_job *job, wr_rt_plan *p, wr_error *err)
{
    memset(p, 0, sizeof *p);
    int rc = WR_OK;
    if (job->nv == 0)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "job '%s' has no vertices",
                            job->name);
    for (uint32_t i = 0; i < job->nv; i++) {
        const wr_rt_vertex *v = job->v[i];
        if (!v->op_vt && !v->src_vt)
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                                "vertex '%s': invalid vertex table or watermark spec", v->name);
        if (v->parallelism < 1 || v->parallelism > job->max_par)
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                                "vertex '%s': parallelism %u outside 1..%u (max parallelism)",
                                v->name, v->parallelism, job->max_par);
    }
    for (uint32_t i = 0; i < job->ne; i++)
        if ((rc = check_edge(job, &job->e[i], err)) != WR_OK) return rc;
    if ((rc = check_acyclic(job, err)) != WR_OK) return rc;

    p->nv = job->nv;
    p->chain_of = wr_malloc(job->nv * sizeof *p->chain_of);
    p->chain_pos = wr_calloc(job->nv, sizeof *p->chain_pos);
    p->ninputs = wr_calloc(job->nv, sizeof *p->ninputs);
    p->chain_start = wr_calloc(job->nv + 1, sizeof *p->chain_start);
    p->members = wr_malloc(job->nv * sizeof *p->members);
    uint64_t *connected = wr_calloc(job->nv, sizeof *connected);
    if (!p->chain_of || !p->chain_pos || !p->ninputs || !p->chain_start || !p->members ||
        !connected) {
        rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        goto fail;
    }

    /* Inputs: every index below the highest connected one must be connected too. */
    for (uint32_t i = 0; i < job->ne; i++) {
        const wr_rt_edge *e = &job->e[i];
        connected[e->to] |= 1ull << e->input;
        if (e->input + 1 > p->ninputs[e->to]) p->ninputs[e->to] = e->input + 1;
    }
    for (uint32_t v = 0; v < job->nv; v++) {
        if (job->v[v]->is_source) continue;
        uint32_t n = p->ninputs[v];
        if (n == 0) {
            rc = wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                              "operator '%s' has no input connected", job->v[v]->name);
            goto fail;
        }
        for (uint32_t in = 0; in < n; in++)
            if (!(connected[v] >> in & 1)) {
                rc = wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL,
                                  "operator '%s': input %u is not connected", job->v[v]->name, in);
                goto fail;
            }
    }

    /* Chains: start at every vertex not chained into a producer and follow the single
     * chained consumer. */
    for (uint32_t v = 0; v < job->nv; v++)
        p->chain_of[v] = -1;
    uint32_t nm = 0;
    for (uint32_t v = 0; v < job->nv; v++) {
        if (wr_rt_chained_into(job, (int)v) >= 0) continue;
        p->chain_start[p->nchains] = nm;
        int cur = (int)v;
        uint32_t pos = 0;
        while (cur >= 0) {
            p->chain_of[cur] = (int)p->nchains;
            p->chain_pos[cur] = pos++;
            p->members[nm++] = cur;
            int next = -1;
            for (uint32_t i = 0; i < job->ne; i++)
                if (job->e[i].from == cur && wr_rt_chained_into(job, job->e[i].to) == cur) {
                    next = job->e[i].to;
                    break;
                }
            cur = next;
        }
        p->nchains++;
    }
    p->chain_start[p->nchains] = nm;
    WR_ASSERT(nm == job->nv);
    wr_free(connected);
    return WR_OK;
fail:
    wr_free(connected);
    wr_rt_plan_free(p);
    return rc;
}

int wr_job_set_uid(wr_job *job, int vertex, uint64_t uid)
{
    if (!job || vertex < 0 || (uint32_t)vertex >= job->nv || atomic_load(&job->running))
        return WR_EINVAL;
    for (uint32_t i = 0; i < job->nv; i++)
        if (i != (uint32_t)vertex && job->v[i]->uid == uid) return WR_EEXIST;
    job->v[vertex]->uid = uid;
    return WR_OK;
}

uint32_t wr_job_vertex_count(const wr_job *job)
{
    return job ? job->nv : 0;
}

uint32_t wr_job_vertex_parallelism(const wr_job *job, int vertex)
{
    return job && vertex >= 0 && (uint32_t)vertex < job->nv ? job->v[vertex]->parallelism : 0;
}

uint32_t wr_job_max_parallelism(const wr_job *job)
{
    return job ? job->max_par : 0;
}

const char *wr_job_vertex_name(const wr_job *job, int vertex)
{
    return job && vertex >= 0 && (uint32_t)vertex < job->nv ? job->v[vertex]->name : NULL;
}

uint64_t wr_job_vertex_uid(const wr_job *job, int vertex)
{
    return job && vertex >= 0 && (uint32_t)vertex < job->nv ? job->v[vertex]->uid : 0;
}

int wr_job_describe(const wr_job *job, wr_buf *out)
{
    int rc = 0;
    rc |= wr_buf_printf(out, "job '%s' (max parallelism %u)\n", job->name, job->max_par);
    rc |= wr_buf_printf(out, "vertices:\n");
    for (uint32_t i = 0; i < job->nv; i++) {
        const wr_rt_vertex *v = job->v[i];
        rc |= wr_buf_printf(out, "  [%u] %s: %s, parallelism %u\n", i, v->name,
                            v->is_source ? "source" : "operator", v->parallelism);
    }
    rc |= wr_buf_printf(out, "edges:\n");
    for (uint32_t i = 0; i < job->ne; i++) {
        const wr_rt_edge *e = &job->e[i];
        rc |= wr_buf_printf(out, "  %s -> %s (input %u): %s", job->v[e->from]->name,
                            job->v[e->to]->name, e->input, wr_edge_kind_str(e->kind));
        if (e->kind == WR_EDGE_HASH) {
            rc |= wr_buf_printf(out, " keys [");
            for (uint32_t k = 0; k < e->nkeys; k++) {
                const wr_schema *s = job->v[e->from]->out;
                const char *cn = e->keys[k] < s->ncols ? s->cols[e->keys[k]].name : NULL;
                rc |= wr_buf_printf(out, "%s%s", k ? ", " : "", cn ? cn : "?");
            }
            rc |= wr_buf_printf(out, "]");
        }
        rc |= wr_buf_printf(out, "\n");
    }
    rc |= wr_buf_printf(out, "chains:\n");
    uint32_t nchain = 0;
    for (uint32_t v = 0; v < job->nv; v++) {
        if (wr_rt_chained_into(job, (int)v) >= 0) continue;
        rc |= wr_buf_printf(out, "  chain %u (%u tasks): ", nchain++, job->v[v]->parallelism);
        int cur = (int)v;
        bool first = true;
        while (cur >= 0) {
            rc |= wr_buf_printf(out, "%s%s", first ? "" : " -> ", job->v[cur]->name);
            first = false;
            int next = -1;
            for (uint32_t i = 0; i < job->ne; i++)
                if (job->e[i].from == cur && wr_rt_chained_into(job, job->e[i].to) == cur) {
                    next = job->e[i].to;
                    break;
                }
            cur = next;
        }
        rc |= wr_buf_printf(out, "\n");
    }
    return rc ? WR_ENOMEM : WR_OK;
}
