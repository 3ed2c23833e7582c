/* expr_compile.c - compiles expression trees into flat programs. Each tree node becomes at
 * most a few instructions over numbered vector registers: input columns are registers bound
 * to the input batch's vectors (no copy), literals and folded constant subtrees are constant
 * registers, and results of roots are written straight into the output batch's columns.
 * Conditional constructs (CASE, COALESCE, NULLIF, and AND/OR whose right side can fail) are
 * compiled to active-row masks so that a branch is only evaluated, and can only fail, on the
 * rows that reach it. Identical subtrees under the same mask share one register. */
#include "expr/expr_internal.h"

#include <string.h>

typedef struct memo_ent {
    const wr_expr *e;
    int32_t mask;
    int32_t reg;
} memo_ent;

typedef struct comp {
    wr_expr_prog *p;
    const wr_schema *in;
    bool fold;
    wr_error *err;
    int32_t *col_reg;
    uint32_t ncols;
    memo_ent *memo;
    uint32_t nmemo, cap_memo;
} comp;

static int grow(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap) return 0;
    uint32_t nc = *cap ? *cap : 8;
    while (nc < need)
        nc *= 2;
    void *n = wr_realloc(*arr, (size_t)nc * elem);
    if (!n) return WR_ENOMEM;
    *arr = n;
    *cap = nc;
    return 0;
}

static int oom(comp *c)
{
    return wr_error_set(c->err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
}

static int32_t new_reg(comp *c, wr_type t, wr_reg_kind kind, uint32_t idx)
{
    wr_expr_prog *p = c->p;
    if (grow((void **)&p->regs, &p->cap_regs, p->nregs + 1, sizeof(wr_expr_reg)) < 0) return oom(c);
    wr_expr_reg *r = &p->regs[p->nregs];
    memset(r, 0, sizeof(*r));
    r->type = t;
    r->phys = kind == WR_RK_MASK ? WR_PHYS_NONE : wr_type_phys(&t);
    r->kind = (uint8_t)kind;
    r->idx = idx;
    return (int32_t)p->nregs++;
}

static int32_t new_mask(comp *c)
{
    return new_reg(c, wr_type_make(WR_TYPE_BOOLEAN), WR_RK_MASK, 0);
}

static int emit(comp *c, uint16_t op, int32_t dst, int32_t mask, const int32_t *args,
                uint32_t nargs, wr_type type, wr_type atype, int64_t imm, int64_t imm2, void *aux,
                int32_t slot)
{
    wr_expr_prog *p = c->p;
    if (grow((void **)&p->insns, &p->cap_insns, p->ninsns + 1, sizeof(wr_expr_insn)) < 0 ||
        grow((void **)&p->argpool, &p->cap_argpool, p->nargpool + nargs + 1, sizeof(int32_t)) < 0)
        return oom(c);
    wr_expr_insn *I = &p->insns[p->ninsns++];
    memset(I, 0, sizeof(*I));
    I->op = op;
    I->nargs = (uint16_t)nargs;
    I->dst = dst;
    I->mask = mask;
    I->args = p->nargpool;
    I->slot = slot;
    I->type = type;
    I->atype = atype;
    I->imm = imm;
    I->imm2 = imm2;
    I->aux = aux;
    if (nargs) memcpy(p->argpool + p->nargpool, args, nargs * sizeof(int32_t));
    p->nargpool += nargs;
    return 0;
}

static int emit_simple(comp *c, uint16_t op, int32_t dst, int32_t mask, const int32_t *args,
                       uint32_t nargs)
{
    wr_type t = c->p->regs[dst].type;
    return emit(c, op, dst, mask, args, nargs, t, t, 0, 0, NULL, -1);
}

static void free_aux(wr_aux_kind kind, void *ptr)
{
    switch (kind) {
    case WR_AUX_LIKE:
        wr_expr_like_free(ptr);
        break;
    case WR_AUX_REGEX:
        wr_expr_regex_free(ptr);
        break;
    case WR_AUX_DATEFMT:
        wr_expr_datefmt_free(ptr);
        break;
    }
}

/* Record an object the program owns from now on (freed here when that fails). */
static int add_aux(comp *c, wr_aux_kind kind, void *ptr)
{
    wr_expr_prog *p = c->p;
    if (grow((void **)&p->aux, &p->cap_aux, p->naux + 1, sizeof(wr_expr_aux)) < 0) {
        free_aux(kind, ptr);
        return oom(c);
    }
    p->aux[p->naux].kind = (uint8_t)kind;
    p->aux[p->naux].ptr = ptr;
    p->naux++;
    return 0;
}

static int32_t const_reg(comp *c, wr_type t, const wr_value *v)
{
    wr_expr_prog *p = c->p;
    if (grow((void **)&p->consts, &p->cap_consts, p->nconsts + 1, sizeof(wr_value)) < 0)
        return oom(c);
    wr_value cv = *v;
    if (t.id == WR_TYPE_NULL) cv.is_null = true;
    if (!cv.is_null && wr_type_phys(&t) == WR_PHYS_STR) {
        char *s = wr_arena_alloc_aligned(&p->arena, cv.s.len + 1, 1);
        if (!s) return oom(c);
        if (cv.s.len) memcpy(s, cv.s.ptr, cv.s.len);
        s[cv.s.len] = 0;
        cv.s = wr_strv_make(s, cv.s.len);
    }
    p->consts[p->nconsts] = cv;
    return new_reg(c, t, WR_RK_CONST, p->nconsts++);
}

static int32_t null_reg(comp *c, wr_type t)
{
    wr_value v = {.is_null = true};
    return const_reg(c, t, &v);
}

static int32_t memo_find(comp *c, const wr_expr *e, int32_t mask)
{
    for (uint32_t i = 0; i < c->nmemo; i++)
        if (c->memo[i].e == e && c->memo[i].mask == mask) return c->memo[i].reg;
    return -1;
}

static int memo_add(comp *c, const wr_expr *e, int32_t mask, int32_t reg)
{
    if (grow((void **)&c->memo, &c->cap_memo, c->nmemo + 1, sizeof(memo_ent)) < 0) return oom(c);
    c->memo[c->nmemo++] = (memo_ent){e, mask, reg};
    return 0;
}

/* Make the value of register r available in dst (when dst is requested). */
static int32_t to_dst(comp *c, int32_t r, int32_t dst)
{
    if (r < 0 || dst < 0 || dst == r) return r;
    int32_t a[1] = {r};
    int rc = emit_simple(c, WR_OP_COPY, dst, -1, a, 1);
    return rc < 0 ? rc : dst;
}

static int32_t target(comp *c, const wr_expr *e, int32_t dst)
{
    return dst >= 0 ? dst : new_reg(c, e->type, WR_RK_TEMP, 0);
}

static int32_t compile_node(comp *c, const wr_expr *e, int32_t mask, int32_t dst);

static int32_t col_reg(comp *c, const wr_expr *e)
{
    if (!c->in || e->col >= c->in->ncols) {
        return wr_error_set(c->err, WR_EINVAL, WR_DOMAIN_USER,
                            "expression references column $%u but the input has %u column(s)",
                            e->col, c->in ? c->in->ncols : 0);
    }
    const wr_type *st = &c->in->cols[e->col].type;
    if (wr_type_phys(st) != wr_type_phys(&e->type)) {
        return wr_error_set(c->err, WR_ETYPE, WR_DOMAIN_USER,
                            "column $%u has type %s in the input but %s in the expression", e->col,
                            wr_expr_type_str(st), wr_expr_type_str(&e->type));
    }
    if (c->col_reg[e->col] < 0) {
        int32_t r = new_reg(c, *st, WR_RK_INPUT, e->col);
        if (r < 0) return r;
        c->col_reg[e->col] = r;
        c->p->input_phys[e->col] = wr_type_phys(st);
    }
    return c->col_reg[e->col];
}

/* Compile args[from..] of e under mask into regs. */
static int compile_args(comp *c, const wr_expr *e, int32_t mask, int32_t *regs)
{
    for (uint32_t i = 0; i < e->nargs; i++) {
        int32_t r = compile_node(c, e->args[i], mask, -1);
        if (r < 0) return r;
        regs[i] = r;
    }
    return 0;
}

static int32_t compile_cast(comp *c, const wr_expr *e, int32_t mask, int32_t dst)
{
    const wr_expr *a = e->args[0];
    if (a->type.id == WR_TYPE_NULL) return to_dst(c, null_reg(c, e->type), dst);
    int32_t src = compile_node(c, a, mask, -1);
    if (src < 0) return src;
    if (e->imm == WR_CK_IDENT && wr_type_phys(&a->type) == wr_type_phys(&e->type))
        return to_dst(c, src, dst);
    int32_t d = target(c, e, dst);
    if (d < 0) return d;
    int rc = emit(c, WR_OP_CAST, d, mask, &src, 1, e->type, a->type, e->imm, e->try_cast, NULL, -1);
    return rc < 0 ? rc : d;
}

static int32_t compile_case(comp *c, const wr_expr *e, int32_t mask, int32_t dst)
{
    bool has_else = e->imm != 0;
    uint32_t n = (e->nargs - (has_else ? 1 : 0)) / 2;
    int32_t d = target(c, e, dst);
    if (d < 0) return d;
    int rc = emit_simple(c, WR_OP_CASE_INIT, d, -1, NULL, 0);
    if (rc < 0) return rc;
    int32_t rem = mask;
    for (uint32_t i = 0; i < n; i++) {
        int32_t cr = compile_node(c, e->args[2 * i], rem, -1);
        if (cr < 0) return cr;
        int32_t m = new_mask(c);
        if (m < 0) return m;
        if ((rc = emit_simple(c, WR_OP_MASK_TRUE, m, rem, &cr, 1)) < 0) return rc;
        int32_t vr = compile_node(c, e->args[2 * i + 1], m, -1);
        if (vr < 0) return vr;
        if ((rc = emit_simple(c, WR_OP_SELECT, d, m, &vr, 1)) < 0) return rc;
        if (i + 1 < n || has_else) {
            int32_t r2 = new_mask(c);
            if (r2 < 0) return r2;
            if ((rc = emit_simple(c, WR_OP_MASK_NOT_TRUE, r2, rem, &cr, 1)) < 0) return rc;
            rem = r2;
        }
    }
    if (has_else) {
        int32_t er = compile_node(c, e->args[e->nargs - 1], rem, -1);
        if (er < 0) return er;
        if ((rc = emit_simple(c, WR_OP_SELECT, d, rem, &er, 1)) < 0) return rc;
    }
    return d;
}

static int32_t compile_coalesce(comp *c, const wr_expr *e, int32_t mask, int32_t dst)
{
    int32_t d = target(c, e, dst);
    if (d < 0) return d;
    int rc = emit_simple(c, WR_OP_CASE_INIT, d, -1, NULL, 0);
    if (rc < 0) return rc;
    int32_t rem = mask;
    for (uint32_t i = 0; i < e->nargs; i++) {
        int32_t r = compile_node(c, e->args[i], rem, -1);
        if (r < 0) return r;
        if ((rc = emit_simple(c, WR_OP_SELECT, d, rem, &r, 1)) < 0) return rc;
        if (i + 1 < e->nargs) {
            int32_t m = new_mask(c);
            if (m < 0) return m;
            if ((rc = emit_simple(c, WR_OP_MASK_NULL, m, rem, &d, 1)) < 0) return rc;
            rem = m;
        }
    }
    return d;
}

static int32_t compile_nullif(comp *c, const wr_expr *e, int32_t mask, int32_t dst)
{
    int32_t a = compile_node(c, e->args[0], mask, -1);
    if (a < 0) return a;
    int32_t eq = compile_node(c, e->args[1], mask, -1);
    if (eq < 0) return eq;
    int32_t m = new_mask(c);
    if (m < 0) return m;
    int rc = emit_simple(c, WR_OP_MASK_NOT_TRUE, m, mask, &eq, 1);
    if (rc < 0) return rc;
    int32_t d = target(c, e, dst);
    if (d < 0) return d;
    if ((rc = emit_simple(c, WR_OP_CASE_INIT, d, -1, NULL, 0)) < 0) return rc;
    if ((rc = emit_simple(c, WR_OP_SELECT, d, m, &a, 1)) < 0) return rc;
    return d;
}

static int32_t compile_logic(comp *c, const wr_expr *e, int32_t mask, int32_t dst)
{
    int32_t r[2];
    r[0] = compile_node(c, e->args[0], mask, -1);
    if (r[0] < 0) return r[0];
    int32_t rmask = mask;
    if (e->args[1]->flags & WR_EF_CAN_FAIL) {
        /* Short-circuit: the right side only runs where the left does not decide. */
        rmask = new_mask(c);
        if (rmask < 0) return rmask;
        uint16_t mop = e->op == WR_OP_AND ? WR_OP_MASK_NOT_FALSE : WR_OP_MASK_NOT_TRUE;
        int rc = emit_simple(c, mop, rmask, mask, &r[0], 1);
        if (rc < 0) return rc;
    }
    r[1] = compile_node(c, e->args[1], rmask, -1);
    if (r[1] < 0) return r[1];
    int32_t d = target(c, e, dst);
    if (d < 0) return d;
    int rc = emit_simple(c, e->op, d, mask, r, 2);
    return rc < 0 ? rc : d;
}

/* Index of the argument holding a pattern/format that is compiled once when constant. */
static int pattern_arg(const wr_expr *e)
{
    switch (e->op) {
    case WR_OP_LIKE:
    case WR_OP_REGEXP:
    case WR_OP_SIMILAR:
    case WR_OP_REGEXP_EXTRACT:
    case WR_OP_REGEXP_REPLACE:
    case WR_OP_DATE_FORMAT:
        return 1;
    case WR_OP_PARSE_TS:
    case WR_OP_UNIX_TIMESTAMP:
    case WR_OP_FROM_UNIXTIME:
        return e->nargs > 1 ? 1 : -1;
    default:
        return -1;
    }
}

static bool needs_slot(const wr_expr *e)
{
    switch (e->op) {
    case WR_OP_LIKE:
    case WR_OP_REGEXP:
    case WR_OP_SIMILAR:
    case WR_OP_REGEXP_EXTRACT:
    case WR_OP_REGEXP_REPLACE:
    case WR_OP_DATE_FORMAT:
    case WR_OP_PARSE_TS:
    case WR_OP_UNIX_TIMESTAMP:
    case WR_OP_FROM_UNIXTIME:
    case WR_OP_RAND:
    case WR_OP_RAND_INTEGER:
    case WR_OP_UUID:
        return true;
    default:
        return false;
    }
}

/* Constant pattern: compile once. *is_null is set when the pattern is a NULL constant.
 * Returns 0 with *aux possibly NULL (an invalid regex: the kernel yields NULL). */
static int prepare_pattern(comp *c, const wr_expr *e, int k, void **aux, bool *is_null)
{
    *aux = NULL;
    *is_null = false;
    const wr_expr *pe = e->args[k];
    if (!wr_expr_is_constant(pe)) return 0;
    wr_value v;
    wr_error perr;
    wr_error_clear(&perr);
    if (wr_expr_eval_constant_opts(pe, true, &c->p->arena, &v, &perr) < 0) {
        if (perr.code == WR_ENOMEM) return oom(c);
        return 0; /* fails at run time, on the rows that reach it */
    }
    if (v.is_null) {
        *is_null = true;
        return 0;
    }
    switch (e->op) {
    case WR_OP_LIKE: {
        int rc = wr_expr_like_compile(c->p, v.s.ptr, v.s.len, (int)e->imm, aux, c->err);
        if (rc < 0) return rc;
        return add_aux(c, WR_AUX_LIKE, *aux);
    }
    case WR_OP_SIMILAR: {
        bool re_oom;
        *aux = wr_expr_similar_compile(v.s.ptr, v.s.len, (int)e->imm, &re_oom);
        if (!*aux && re_oom) return oom(c);
        if (!*aux)
            return wr_error_set(c->err, WR_EINVAL, WR_DOMAIN_USER,
                                "SIMILAR TO: invalid pattern '%.*s'", (int)v.s.len, v.s.ptr);
        return add_aux(c, WR_AUX_REGEX, *aux);
    }
    case WR_OP_REGEXP:
    case WR_OP_REGEXP_EXTRACT:
    case WR_OP_REGEXP_REPLACE: {
        bool re_oom;
        *aux = wr_expr_regex_compile(v.s.ptr, v.s.len, &re_oom);
        if (!*aux && re_oom) return oom(c);
        return *aux ? add_aux(c, WR_AUX_REGEX, *aux) : 0;
    }
    default:
        *aux = wr_expr_datefmt_compile(v.s.ptr, v.s.len);
        if (!*aux) return oom(c);
        return add_aux(c, WR_AUX_DATEFMT, *aux);
    }
}

static int32_t compile_call(comp *c, const wr_expr *e, int32_t mask, int32_t dst)
{
    switch (e->op) {
    case WR_OP_AND:
    case WR_OP_OR:
        return compile_logic(c, e, mask, dst);
    case WR_OP_COALESCE:
        return compile_coalesce(c, e, mask, dst);
    case WR_OP_NULLIF:
        return compile_nullif(c, e, mask, dst);
    default:
        break;
    }
    int32_t regs[e->nargs ? e->nargs : 1];
    int rc = compile_args(c, e, mask, regs);
    if (rc < 0) return rc;
    bool swap = false;
    if (e->op >= WR_OP_LT_U8 && e->op <= WR_OP_LE_STR && e->imm) swap = true;
    if (e->op == WR_OP_POSITION && e->imm == 1) swap = true;
    if (swap) {
        int32_t t = regs[0];
        regs[0] = regs[1];
        regs[1] = t;
    }
    void *aux = NULL;
    int64_t imm = e->imm, imm2 = e->imm2;
    int k = pattern_arg(e);
    if (k >= 0) {
        bool is_null;
        rc = prepare_pattern(c, e, k, &aux, &is_null);
        if (rc < 0) return rc;
        if (is_null) return to_dst(c, null_reg(c, e->type), dst);
        if (!aux && wr_expr_is_constant(e->args[k])) imm2 |= 2; /* invalid constant regex */
    }
    int32_t slot = -1;
    if (needs_slot(e)) slot = (int32_t)c->p->nslots++;
    int32_t d = target(c, e, dst);
    if (d < 0) return d;
    wr_type at = e->nargs ? e->args[0]->type : e->type;
    rc = emit(c, e->op, d, mask, regs, e->nargs, e->type, at, imm, imm2, aux, slot);
    return rc < 0 ? rc : d;
}

static int32_t compile_node(comp *c, const wr_expr *e, int32_t mask, int32_t dst)
{
    int32_t r = memo_find(c, e, mask);
    if (r >= 0) return to_dst(c, r, dst);
    switch (e->kind) {
    case WR_EK_COL:
        return to_dst(c, col_reg(c, e), dst);
    case WR_EK_LIT:
        r = const_reg(c, e->type, &e->val);
        if (r >= 0 && memo_add(c, e, mask, r) < 0) return WR_ENOMEM;
        return to_dst(c, r, dst);
    default:
        break;
    }
    if (c->fold && wr_expr_is_constant(e)) {
        wr_value v;
        wr_error ferr;
        wr_error_clear(&ferr);
        if (wr_expr_eval_constant_opts(e, false, &c->p->arena, &v, &ferr) == 0) {
            r = const_reg(c, e->type, &v);
            if (r >= 0 && memo_add(c, e, mask, r) < 0) return WR_ENOMEM;
            return to_dst(c, r, dst);
        }
        if (ferr.code == WR_ENOMEM) return oom(c);
        /* A runtime error: keep the node, it fails only if a row reaches it. */
    }
    switch (e->kind) {
    case WR_EK_CAST:
        r = compile_cast(c, e, mask, dst);
        break;
    case WR_EK_CASE:
        r = compile_case(c, e, mask, dst);
        break;
    default:
        r = compile_call(c, e, mask, dst);
        break;
    }
    if (r >= 0 && memo_add(c, e, mask, r) < 0) return WR_ENOMEM;
    return r;
}

void wr_expr_prog_free(wr_expr_prog *p)
{
    if (!p) return;
    for (uint32_t i = 0; i < p->naux; i++)
        free_aux((wr_aux_kind)p->aux[i].kind, p->aux[i].ptr);
    wr_free(p->aux);
    wr_free(p->regs);
    wr_free(p->insns);
    wr_free(p->argpool);
    wr_free(p->consts);
    wr_free(p->out_regs);
    wr_free(p->out_types);
    wr_free(p->out_views);
    wr_free(p->input_phys);
    wr_free(p->cstr);
    wr_arena_destroy(&p->arena);
    wr_free(p);
}

/* Move every constant string into one block, so that "does this view point at a constant"
 * is a range check (outputs copy such views into the output batch). */
static int finalize_consts(wr_expr_prog *p)
{
    size_t total = 0;
    for (uint32_t i = 0; i < p->nconsts; i++) {
        const wr_expr_reg *r = NULL;
        for (uint32_t k = 0; k < p->nregs; k++)
            if (p->regs[k].kind == WR_RK_CONST && p->regs[k].idx == i) r = &p->regs[k];
        if (r && r->phys == WR_PHYS_STR && !p->consts[i].is_null) total += p->consts[i].s.len;
    }
    if (total == 0) return 0;
    p->cstr = wr_malloc(total);
    if (!p->cstr) return WR_ENOMEM;
    p->cstr_len = total;
    size_t off = 0;
    for (uint32_t k = 0; k < p->nregs; k++) {
        const wr_expr_reg *r = &p->regs[k];
        if (r->kind != WR_RK_CONST || r->phys != WR_PHYS_STR) continue;
        wr_value *v = &p->consts[r->idx];
        if (v->is_null || v->s.len == 0) continue;
        memcpy(p->cstr + off, v->s.ptr, v->s.len);
        v->s = wr_strv_make(p->cstr + off, v->s.len);
        off += v->s.len;
    }
    return 0;
}

int wr_expr_compile_opts(wr_expr *const *exprs, uint32_t n, const wr_schema *input, bool fold,
                         wr_expr_prog **out, wr_error *err)
{
    *out = NULL;
    comp c = {.in = input, .fold = fold, .err = err};
    wr_expr_prog *p = wr_calloc(1, sizeof(*p));
    if (!p) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    c.p = p;
    wr_arena_init(&p->arena, 4096, NULL);
    int rc = 0;
    c.ncols = input ? input->ncols : 0;
    p->ninputs = c.ncols;
    if (c.ncols) {
        c.col_reg = wr_malloc(c.ncols * sizeof(int32_t));
        p->input_phys = wr_calloc(c.ncols, sizeof(wr_phys));
        if (!c.col_reg || !p->input_phys) {
            rc = oom(&c);
            goto fail;
        }
        for (uint32_t i = 0; i < c.ncols; i++)
            c.col_reg[i] = -1;
    }
    p->nout = n;
    p->out_regs = wr_calloc(n ? n : 1, sizeof(int32_t));
    p->out_types = wr_calloc(n ? n : 1, sizeof(wr_type));
    p->out_views = wr_calloc(n ? n : 1, 1);
    if (!p->out_regs || !p->out_types || !p->out_views) {
        rc = oom(&c);
        goto fail;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!exprs[i]) {
            rc = wr_error_set(err, WR_EINVAL, WR_DOMAIN_INTERNAL, "expression %u is NULL", i);
            goto fail;
        }
        wr_type t = exprs[i]->type;
        if (t.id == WR_TYPE_NULL) {
            rc = wr_error_set(err, WR_ETYPE, WR_DOMAIN_USER,
                              "expression %u is an untyped NULL; cast it to a type", i);
            goto fail;
        }
        int32_t o = new_reg(&c, t, WR_RK_OUT, i);
        if (o < 0) {
            rc = o;
            goto fail;
        }
        p->out_regs[i] = o;
        p->out_types[i] = t;
    }
    for (uint32_t i = 0; i < n; i++) {
        int32_t r = compile_node(&c, exprs[i], -1, p->out_regs[i]);
        if (r < 0) {
            rc = r;
            goto fail;
        }
        if (p->regs[p->out_regs[i]].phys == WR_PHYS_STR) {
            p->out_views[i] = 1;
            int32_t o = p->out_regs[i];
            if ((rc = emit_simple(&c, WR_OP_ADOPT, o, -1, &o, 1)) < 0) goto fail;
        }
    }
    if (finalize_consts(p) < 0) {
        rc = oom(&c);
        goto fail;
    }
    wr_free(c.col_reg);
    wr_free(c.memo);
    *out = p;
    return 0;

fail:
    wr_free(c.col_reg);
    wr_free(c.memo);
    wr_expr_prog_free(p);
    return rc < 0 ? rc : WR_EINTERNAL;
}

int wr_expr_compile(wr_expr *const *exprs, uint32_t n, const wr_schema *input, wr_expr_prog **out,
                    wr_error *err)
{
    return wr_expr_compile_opts(exprs, n, input, true, out, err);
}

uint32_t wr_expr_prog_outputs(const wr_expr_prog *p)
{
    return p->nout;
}

wr_type wr_expr_prog_output_type(const wr_expr_prog *p, uint32_t i)
{
    WR_ASSERT(i < p->nout);
    return p->out_types[i];
}
