/* op_join_common.c - the pieces the three join operators share: configs and their checks,
 * the joined-row and output schemas, the join-key codec (equal values give equal bytes on
 * both sides, whatever the integer width), the stored-row codec (a fixed slot per column so
 * one column of many stored rows is read in one typed loop), the gathers that fill output
 * and pair batches from input rows and stored rows, the residual predicate evaluated over a
 * batch of (left, right) pairs, and the output writer that cuts emitted batches at
 * wr_op_batch_rows. Every loop here runs over a whole column; nothing dispatches per row. */
#include "operators/op_join_internal.h"

#include <stdio.h>

/* ------------------------------------------------------------------------------------------
 * Join types, configs
 * ---------------------------------------------------------------------------------------- */
const char *wr_join_type_name(wr_join_type t)
{
    switch (t) {
    case WR_JOIN_INNER:
        return "INNER";
    case WR_JOIN_LEFT:
        return "LEFT";
    case WR_JOIN_RIGHT:
        return "RIGHT";
    case WR_JOIN_FULL:
        return "FULL";
    case WR_JOIN_SEMI:
        return "SEMI";
    case WR_JOIN_ANTI:
        return "ANTI";
    }
    return "?";
}

bool wr_join_left_outer(wr_join_type t)
{
    return t == WR_JOIN_LEFT || t == WR_JOIN_FULL;
}

bool wr_join_right_outer(wr_join_type t)
{
    return t == WR_JOIN_RIGHT || t == WR_JOIN_FULL;
}

int wr_join_spec_alloc(wr_join_spec *j, wr_join_type type, uint32_t nkeys)
{
    memset(j, 0, sizeof(*j));
    j->type = type;
    j->nkeys = nkeys;
    size_t n = nkeys ? nkeys : 1;
    j->left_keys = wr_calloc(n, sizeof(uint32_t));
    j->right_keys = wr_calloc(n, sizeof(uint32_t));
    j->null_safe = wr_calloc(n, sizeof(bool));
    if (!j->left_keys || !j->right_keys || !j->null_safe) return WR_ENOMEM;
    return 0;
}

void wr_join_spec_free(wr_join_spec *j)
{
    wr_free(j->left_keys);
    wr_free(j->right_keys);
    wr_free(j->null_safe);
    if (j->residual) wr_expr_prog_free(j->residual);
    memset(j, 0, sizeof(*j));
}

wr_join_config *wr_join_config_new(wr_join_type type, uint32_t nkeys)
{
    wr_join_config *c = wr_calloc(1, sizeof(*c));
    if (!c) return NULL;
    if (wr_join_spec_alloc(&c->join, type, nkeys) < 0) {
        wr_join_config_free(c);
        return NULL;
    }
    return c;
}

void wr_join_config_free(void *p)
{
    wr_join_config *c = p;
    if (!c) return;
    wr_join_spec_free(&c->join);
    wr_free(c);
}

wr_interval_join_config *wr_interval_join_config_new(wr_join_type type, uint32_t nkeys)
{
    wr_interval_join_config *c = wr_calloc(1, sizeof(*c));
    if (!c) return NULL;
    if (wr_join_spec_alloc(&c->join, type, nkeys) < 0) {
        wr_interval_join_config_free(c);
        return NULL;
    }
    return c;
}

void wr_interval_join_config_free(void *p)
{
    wr_interval_join_config *c = p;
    if (!c) return;
    wr_join_spec_free(&c->join);
    wr_free(c);
}

wr_window_join_config *wr_window_join_config_new(wr_join_type type, uint32_t nkeys)
{
    wr_window_join_config *c = wr_calloc(1, sizeof(*c));
    if (!c) return NULL;
    if (wr_join_spec_alloc(&c->join, type, nkeys) < 0) {
        wr_window_join_config_free(c);
        return NULL;
    }
    return c;
}

void wr_window_join_config_free(void *p)
{
    wr_window_join_config *c = p;
    if (!c) return;
    wr_join_spec_free(&c->join);
    wr_free(c);
}

/* ------------------------------------------------------------------------------------------
 * Schemas
 * ---------------------------------------------------------------------------------------- */
wr_schema *wr_join_row_schema(const wr_schema *left, const wr_schema *right)
{
    wr_schema *s = wr_schema_new(left->ncols + right->ncols);
    if (!s) return NULL;
    for (uint32_t c = 0; c < left->ncols; c++)
        if (wr_schema_set(s, c, left->cols[c].name, left->cols[c].type) < 0) goto fail;
    for (uint32_t c = 0; c < right->ncols; c++)
        if (wr_schema_set(s, left->ncols + c, right->cols[c].name, right->cols[c].type) < 0)
            goto fail;
    return s;
fail:
    wr_schema_free(s);
    return NULL;
}

int wr_join_output_schema(wr_join_type type, const wr_schema *left, const wr_schema *right,
                          bool keep_time_attrs, wr_schema **out, wr_error *err)
{
    bool semi = type == WR_JOIN_SEMI || type == WR_JOIN_ANTI;
    uint32_t nr = semi ? 0 : right->ncols;
    wr_schema *s = wr_schema_new(left->ncols + nr);
    if (!s) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    for (uint32_t c = 0; c < left->ncols + nr; c++) {
        bool is_left = c < left->ncols;
        const wr_field *f = is_left ? &left->cols[c] : &right->cols[c - left->ncols];
        wr_type t = f->type;
        /* A side is padded with NULLs when the *other* side is preserved. */
        if (is_left ? wr_join_right_outer(type) : wr_join_left_outer(type)) t.nullable = true;
        if (!keep_time_attrs) t.time_attr = WR_TIME_ATTR_NONE;
        if (wr_schema_set(s, c, f->name, t) < 0) {
            wr_schema_free(s);
            return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        }
    }
    *out = s;
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Checks
 * ---------------------------------------------------------------------------------------- */
static jkey_class key_class(const wr_type *t)
{
    switch ((wr_type_id)t->id) {
    case WR_TYPE_NULL:
        return JK_NONE;
    case WR_TYPE_BOOLEAN:
        return JK_BOOL;
    case WR_TYPE_FLOAT:
    case WR_TYPE_DOUBLE:
        return JK_F64;
    case WR_TYPE_DECIMAL:
        return JK_DEC;
    case WR_TYPE_CHAR:
    case WR_TYPE_VARCHAR:
    case WR_TYPE_BINARY:
    case WR_TYPE_VARBINARY:
        return JK_STR;
    default:
        return JK_I64;
    }
}

/* Key types that meet by value: integers of any width, FLOAT/DOUBLE, DECIMALs of equal
 * scale, CHAR/VARCHAR, BINARY/VARBINARY; anything else only with the same type. */
static bool key_types_compatible(const wr_type *a, const wr_type *b)
{
    if (a->id == WR_TYPE_NULL || b->id == WR_TYPE_NULL) return true;
    if (wr_type_is_integer(a) && wr_type_is_integer(b)) return true;
    if (key_class(a) == JK_F64 && key_class(b) == JK_F64) return true;
    if (a->id == WR_TYPE_DECIMAL && b->id == WR_TYPE_DECIMAL) return a->scale == b->scale;
    if (wr_type_is_string(a) && wr_type_is_string(b)) return true;
    if (wr_type_is_binary(a) && wr_type_is_binary(b)) return true;
    return a->id == b->id;
}

int wr_jkey_check_pair(const wr_schema *left, const uint32_t *lcols, const wr_schema *right,
                       const uint32_t *rcols, uint32_t n, wr_error *err)
{
    for (uint32_t i = 0; i < n; i++) {
        const wr_type *a = &left->cols[lcols[i]].type, *b = &right->cols[rcols[i]].type;
        if (key_types_compatible(a, b)) continue;
        wr_buf ta, tb;
        wr_buf_init(&ta);
        wr_buf_init(&tb);
        wr_type_format(a, &ta);
        wr_type_format(b, &tb);
        int rc = wr_error_set(
            err, WR_ETYPE, WR_DOMAIN_INTERNAL,
            "join key %u compares %s (%s) with %s (%s): cast both sides to a "
            "common type first",
            i, left->cols[lcols[i]].name ? left->cols[lcols[i]].name : "?", ta.ptr ? ta.ptr : "?",
            right->cols[rcols[i]].name ? right->cols[rcols[i]].name : "?", tb.ptr ? tb.ptr : "?");
        wr_buf_free(&ta);
        wr_buf_free(&tb);
        return rc;
    }
    return 0;
}

int wr_join_spec_check(const wr_join_spec *j, const wr_schema *left, const wr_schema *right,
                       bool allow_semi, bool allow_no_keys, wr_error *err)
{
    if ((unsigned)j->type > WR_JOIN_ANTI ||
        (!allow_semi && (j->type == WR_JOIN_SEMI || j->type == WR_JOIN_ANTI)))
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "join type %s is not supported by this join",
                            wr_join_type_name(j->type));
    if (j->nkeys == 0 && !allow_no_keys)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER,
                            "a streaming join needs at least one equality predicate");
    if (j->nkeys > WR_JOIN_MAX_KEYS)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "a join supports at most %u key columns", WR_JOIN_MAX_KEYS);
    for (uint32_t i = 0; i < j->nkeys; i++)
        if (j->left_keys[i] >= left->ncols || j->right_keys[i] >= right->ncols)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                                "join key %u: column out of range (%u/%u of %u/%u columns)", i,
                                j->left_keys[i], j->right_keys[i], left->ncols, right->ncols);
    int rc = wr_jkey_check_pair(left, j->left_keys, right, j->right_keys, j->nkeys, err);
    if (rc < 0) return rc;
    if (j->residual) {
        if (wr_expr_prog_outputs(j->residual) != 1)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                                "the join residual must be one expression");
        wr_type t = wr_expr_prog_output_type(j->residual, 0);
        if (t.id != WR_TYPE_BOOLEAN)
            return wr_error_set(err, WR_ETYPE, WR_DOMAIN_INTERNAL,
                                "the join residual must be a BOOLEAN expression");
    }
    return 0;
}

int wr_join_check_output(wr_op_ctx *ctx, const wr_join_spec *j, wr_error *err)
{
    const wr_schema *l = wr_op_input_schema(ctx, 0), *r = wr_op_input_schema(ctx, 1);
    const wr_schema *o = wr_op_output_schema(ctx);
    bool semi = j->type == WR_JOIN_SEMI || j->type == WR_JOIN_ANTI;
    uint32_t want = l->ncols + (semi ? 0 : r->ncols);
    if (o->ncols != want)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                            "%s: output schema has %u columns, %u expected (left ++ right)",
                            wr_op_name(ctx), o->ncols, want);
    for (uint32_t c = 0; c < want; c++) {
        const wr_type *in = c < l->ncols ? &l->cols[c].type : &r->cols[c - l->ncols].type;
        if (wr_type_phys(in) != wr_type_phys(&o->cols[c].type))
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                                "%s: output column %u has another type than its input column",
                                wr_op_name(ctx), c);
    }
    return 0;
}

int wr_join_nomem(wr_op_ctx *ctx, wr_error *err)
{
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "%s: out of memory", wr_op_name(ctx));
}

int wr_join_inputs(wr_op_ctx *ctx, const wr_schema **left, const wr_schema **right, wr_error *err)
{
    *left = wr_op_input_schema(ctx, 0);
    *right = wr_op_input_schema(ctx, 1);
    if (!*left || !*right)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL, "%s: a join has two inputs",
                            wr_op_name(ctx));
    return 0;
}

int wr_join_checked(wr_op_ctx *ctx, const wr_join_spec *j, int rc, wr_error *err)
{
    if (rc == 0) rc = wr_join_check_output(ctx, j, err);
    if (rc < 0) wr_error_prefix(err, "%s: ", wr_op_name(ctx));
    return rc;
}

int wr_jcore_init(jcore *c, wr_op_ctx *ctx, const wr_join_spec *j, const wr_schema *left,
                  const wr_schema *right, bool right_out, wr_mem_owner *mem, wr_error *err)
{
    int rc;
    if ((rc = wr_jkey_codec_init(&c->kc[0], j->left_keys, j->nkeys, j->null_safe, left, err)) < 0 ||
        (rc = wr_jkey_codec_init(&c->kc[1], j->right_keys, j->nkeys, j->null_safe, right, err)) < 0)
        return rc;
    if (wr_jrow_codec_init(&c->rc[0], left, mem) < 0 ||
        wr_jrow_codec_init(&c->rc[1], right, mem) < 0 ||
        wr_jw_init(&c->w, ctx, left->ncols, right_out ? right->ncols : 0, &c->rc[0], &c->rc[1]) < 0)
        return wr_join_nomem(ctx, err);
    return wr_jresid_init(&c->resid, j->residual, left, right, mem, err);
}

void wr_jcore_free(jcore *c)
{
    for (int s = 0; s < 2; s++)
        wr_jrow_codec_free(&c->rc[s]);
    wr_jresid_free(&c->resid);
    wr_jw_free(&c->w);
    wr_jenc_free(&c->kenc);
    wr_jenc_free(&c->renc);
}

int wr_join_grow(wr_mem_owner *mem, void **p, uint32_t *cap, uint32_t n, size_t sz)
{
    if (n <= *cap && *p) return 0;
    uint32_t nc = (uint32_t)wr_next_pow2(WR_MAX(n, 16));
    void *np = wr_realloc_owned(mem, *p, (size_t)nc * sz);
    if (!np) return WR_ENOMEM;
    *p = np;
    *cap = nc;
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Entry table
 * ---------------------------------------------------------------------------------------- */
void wr_jtab_init(jtab *t, size_t len_off, size_t key_off, wr_mem_owner *mem)
{
    memset(t, 0, sizeof(*t));
    t->len_off = (uint32_t)len_off;
    t->key_off = (uint32_t)key_off;
    t->mem = mem;
}

void wr_jtab_free(jtab *t)
{
    wr_free(t->s);
    t->s = NULL;
    t->cap = t->n = 0;
}

static inline bool jtab_match(const jtab *t, const jtslot *sl, uint64_t hash, const uint8_t *key,
                              uint32_t len)
{
    if (sl->hash != hash) return false;
    const uint8_t *e = sl->e;
    uint32_t el;
    memcpy(&el, e + t->len_off, 4);
    return el == len && memcmp(e + t->key_off, key, len) == 0;
}

void *wr_jtab_find(const jtab *t, uint64_t hash, const uint8_t *key, uint32_t len)
{
    if (!t->cap) return NULL;
    const uint32_t m = t->cap - 1;
    for (uint32_t p = (uint32_t)(hash ^ (hash >> 32)) & m;; p = (p + 1) & m) {
        const jtslot *sl = &t->s[p];
        if (!sl->e) return NULL;
        if (jtab_match(t, sl, hash, key, len)) return sl->e;
    }
}

static void jtab_place(jtslot *s, uint32_t cap, uint64_t hash, void *e)
{
    const uint32_t m = cap - 1;
    uint32_t p = (uint32_t)(hash ^ (hash >> 32)) & m;
    while (s[p].e)
        p = (p + 1) & m;
    s[p].hash = hash;
    s[p].e = e;
}

int wr_jtab_insert(jtab *t, uint64_t hash, void *e)
{
    if ((uint64_t)(t->n + 1) * 2 > t->cap) {
        uint32_t nc = t->cap ? t->cap * 2 : 16;
        jtslot *ns = wr_calloc_owned(t->mem, nc, sizeof(jtslot));
        if (!ns) return WR_ENOMEM;
        for (uint32_t i = 0; i < t->cap; i++)
            if (t->s[i].e) jtab_place(ns, nc, t->s[i].hash, t->s[i].e);
        wr_free(t->s);
        t->s = ns;
        t->cap = nc;
    }
    jtab_place(t->s, t->cap, hash, e);
    t->n++;
    return 0;
}

void wr_jtab_remove(jtab *t, uint64_t hash, const void *e)
{
    const uint32_t m = t->cap - 1;
    uint32_t p = (uint32_t)(hash ^ (hash >> 32)) & m;
    while (t->s[p].e != e)
        p = (p + 1) & m;
    t->s[p].e = NULL;
    for (uint32_t q = (p + 1) & m; t->s[q].e; q = (q + 1) & m) {
        uint64_t h = t->s[q].hash;
        uint32_t home = (uint32_t)(h ^ (h >> 32)) & m;
        /* Move slot q into the hole p unless its home lies cyclically in (p, q]. */
        bool stays = p <= q ? (home > p && home <= q) : (home > p || home <= q);
        if (stays) continue;
        t->s[p] = t->s[q];
        t->s[q].e = NULL;
        p = q;
    }
    t->n--;
}

/* ------------------------------------------------------------------------------------------
 * Encoded byte strings
 * ---------------------------------------------------------------------------------------- */
void wr_jenc_free(jenc *e)
{
    wr_free(e->buf);
    wr_free(e->off);
    wr_free(e->len);
    memset(e, 0, sizeof(*e));
}

static int jenc_reserve_rows(jenc *e, uint32_t n, wr_mem_owner *mem)
{
    if (n + 1 <= e->cap && e->off) return 0;
    uint32_t cap = (uint32_t)wr_next_pow2(WR_MAX(n + 1, 16));
    uint32_t *o = wr_realloc_owned(mem, e->off, (size_t)cap * sizeof(uint32_t));
    if (!o) return WR_ENOMEM;
    e->off = o;
    uint32_t *l = wr_realloc_owned(mem, e->len, (size_t)cap * sizeof(uint32_t));
    if (!l) return WR_ENOMEM;
    e->len = l;
    e->cap = cap;
    return 0;
}

/* Turn e->len[0..n) into offsets and make room for the bytes. */
static int jenc_layout(jenc *e, uint32_t n, wr_mem_owner *mem)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        e->off[i] = (uint32_t)total;
        total += e->len[i];
        if (total > UINT32_MAX) return WR_ELIMIT;
    }
    e->off[n] = (uint32_t)total;
    if (total > e->buf_cap || !e->buf) {
        size_t cap = wr_next_pow2(WR_MAX(total, 64));
        uint8_t *nb = wr_realloc_owned(mem, e->buf, cap);
        if (!nb) return WR_ENOMEM;
        e->buf = nb;
        e->buf_cap = cap;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Join-key codec
 * ---------------------------------------------------------------------------------------- */
int wr_jkey_codec_init(jkey_codec *k, const uint32_t *cols, uint32_t n, const bool *null_safe,
                       const wr_schema *in, wr_error *err)
{
    memset(k, 0, sizeof(*k));
    if (n > WR_JOIN_MAX_KEYS)
        return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL, "too many join keys");
    k->n = n;
    for (uint32_t i = 0; i < n; i++) {
        if (cols[i] >= in->ncols)
            return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_INTERNAL,
                                "join key column %u out of range", cols[i]);
        const wr_type *t = &in->cols[cols[i]].type;
        k->cols[i] = cols[i];
        k->cls[i] = (uint8_t)key_class(t);
        k->phys[i] = (uint8_t)wr_type_phys(t);
        k->null_safe[i] = null_safe ? null_safe[i] : false;
    }
    return 0;
}

static inline uint32_t key_payload(uint8_t cls)
{
    switch (cls) {
    case JK_BOOL:
        return 1;
    case JK_I64:
    case JK_F64:
        return 8;
    case JK_DEC:
        return 16;
    case JK_STR:
        return 4;
    default:
        return 0;
    }
}

#define KEY_INT_COLUMN(T)                                                                          \
    do {                                                                                           \
        const T *s_ = (const T *)v->data;                                                          \
        for (uint32_t i = 0; i < n; i++) {                                                         \
            uint8_t *p_ = buf + cur[i];                                                            \
            if (!wr_vec_valid(v, i)) {                                                             \
                *p_ = 0;                                                                           \
                cur[i] += 1;                                                                       \
                continue;                                                                          \
            }                                                                                      \
            int64_t x_ = (int64_t)s_[i];                                                           \
            p_[0] = 1;                                                                             \
            memcpy(p_ + 1, &x_, 8);                                                                \
            cur[i] += 9;                                                                           \
        }                                                                                          \
    } while (0)

int wr_jkey_encode(const jkey_codec *k, const wr_batch *b, jenc *e, uint8_t *nullkey,
                   wr_mem_owner *mem)
{
    const uint32_t n = b->len;
    int rc = jenc_reserve_rows(e, n, mem);
    if (rc < 0) return rc;
    uint32_t *len = e->len;
    for (uint32_t i = 0; i < n; i++) {
        len[i] = k->n; /* one tag byte per key */
        nullkey[i] = 0;
    }
    for (uint32_t c = 0; c < k->n; c++) {
        const wr_vec *v = &b->cols[k->cols[c]];
        const uint32_t pay = key_payload(k->cls[c]);
        const uint8_t bad = !k->null_safe[c];
        if (k->cls[c] == JK_NONE) {
            for (uint32_t i = 0; i < n; i++)
                nullkey[i] |= bad;
            continue;
        }
        for (uint32_t i = 0; i < n; i++) {
            bool valid = wr_vec_valid(v, i);
            len[i] += valid ? pay : 0;
            nullkey[i] |= (uint8_t)((valid ? 0 : 1) & bad);
        }
        if (k->cls[c] == JK_STR) {
            const wr_strv *s = WR_VEC_STR(v);
            for (uint32_t i = 0; i < n; i++)
                if (wr_vec_valid(v, i)) len[i] += s[i].len;
        }
    }
    if ((rc = jenc_layout(e, n, mem)) < 0) return rc;
    uint8_t *buf = e->buf;
    uint32_t *cur = len; /* reuse as write cursors */
    for (uint32_t i = 0; i < n; i++)
        cur[i] = e->off[i];
    for (uint32_t c = 0; c < k->n; c++) {
        const wr_vec *v = &b->cols[k->cols[c]];
        switch ((jkey_class)k->cls[c]) {
        case JK_NONE:
            for (uint32_t i = 0; i < n; i++)
                buf[cur[i]++] = 0;
            break;
        case JK_BOOL: {
            const uint8_t *s = WR_VEC_U8(v);
            for (uint32_t i = 0; i < n; i++) {
                uint8_t *p = buf + cur[i];
                bool valid = wr_vec_valid(v, i);
                p[0] = valid;
                if (valid) p[1] = s[i] != 0;
                cur[i] += valid ? 2 : 1;
            }
            break;
        }
        case JK_I64:
            switch ((wr_phys)k->phys[c]) {
            case WR_PHYS_I8:
                KEY_INT_COLUMN(int8_t);
                break;
            case WR_PHYS_I16:
                KEY_INT_COLUMN(int16_t);
                break;
            case WR_PHYS_I32:
                KEY_INT_COLUMN(int32_t);
                break;
            case WR_PHYS_U8:
                KEY_INT_COLUMN(uint8_t);
                break;
            default:
                KEY_INT_COLUMN(int64_t);
                break;
            }
            break;
        case JK_F64:
            for (uint32_t i = 0; i < n; i++) {
                uint8_t *p = buf + cur[i];
                if (!wr_vec_valid(v, i)) {
                    *p = 0;
                    cur[i] += 1;
                    continue;
                }
                double d = k->phys[c] == WR_PHYS_F32 ? (double)WR_VEC_F32(v)[i] : WR_VEC_F64(v)[i];
                if (d == 0.0) d = 0.0;
                if (d != d) d = __builtin_nan("");
                p[0] = 1;
                memcpy(p + 1, &d, 8);
                cur[i] += 9;
            }
            break;
        case JK_DEC:
            for (uint32_t i = 0; i < n; i++) {
                uint8_t *p = buf + cur[i];
                if (!wr_vec_valid(v, i)) {
                    *p = 0;
                    cur[i] += 1;
                    continue;
                }
                wr_i128 x = k->phys[c] == WR_PHYS_I128 ? WR_VEC_I128(v)[i] : WR_VEC_I64(v)[i];
                p[0] = 1;
                memcpy(p + 1, &x, 16);
                cur[i] += 17;
            }
            break;
        case JK_STR: {
            const wr_strv *s = WR_VEC_STR(v);
            for (uint32_t i = 0; i < n; i++) {
                uint8_t *p = buf + cur[i];
                if (!wr_vec_valid(v, i)) {
                    *p = 0;
                    cur[i] += 1;
                    continue;
                }
                uint32_t sl = s[i].len;
                p[0] = 1;
                memcpy(p + 1, &sl, 4);
                if (sl) memcpy(p + 5, s[i].ptr, sl);
                cur[i] += 5 + sl;
            }
            break;
        }
        }
    }
    return 0;
}

bool wr_jkey_has_null(const jkey_codec *k, const uint8_t *key)
{
    for (uint32_t c = 0; c < k->n; c++) {
        if (!key[0]) {
            if (!k->null_safe[c]) return true;
            key += 1;
            continue;
        }
        uint32_t pay = key_payload(k->cls[c]);
        if (k->cls[c] == JK_STR) {
            uint32_t sl;
            memcpy(&sl, key + 1, 4);
            pay += sl;
        }
        key += 1 + pay;
    }
    return false;
}

bool wr_jkey_check(const jkey_codec *k, const uint8_t *key, uint32_t len)
{
    uint32_t at = 0;
    for (uint32_t c = 0; c < k->n; c++) {
        if (at >= len || key[at] > 1) return false;
        if (!key[at++]) continue;
        uint32_t pay = key_payload(k->cls[c]);
        if (pay > len - at) return false;
        if (k->cls[c] == JK_STR) {
            uint32_t sl;
            memcpy(&sl, key + at, 4);
            if (sl > len - at - pay) return false;
            pay += sl;
        }
        at += pay;
    }
    return at == len;
}

static int cmp_double_total(double a, double b)
{
    /* IEEE total order on the bit patterns (the encoder canonicalized -0.0 and NaN). */
    int64_t x, y;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    x ^= (int64_t)((uint64_t)(x >> 63) >> 1);
    y ^= (int64_t)((uint64_t)(y >> 63) >> 1);
    return (x > y) - (x < y);
}

int wr_jkey_cmp(const jkey_codec *k, const uint8_t *a, const uint8_t *b)
{
    for (uint32_t c = 0; c < k->n; c++) {
        if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
        if (!a[0]) {
            a++;
            b++;
            continue;
        }
        int r = 0;
        uint32_t adv_a = 1 + key_payload(k->cls[c]), adv_b = adv_a;
        switch ((jkey_class)k->cls[c]) {
        case JK_BOOL:
            r = (a[1] > b[1]) - (a[1] < b[1]);
            break;
        case JK_I64: {
            int64_t x, y;
            memcpy(&x, a + 1, 8);
            memcpy(&y, b + 1, 8);
            r = (x > y) - (x < y);
            break;
        }
        case JK_F64: {
            double x, y;
            memcpy(&x, a + 1, 8);
            memcpy(&y, b + 1, 8);
            r = cmp_double_total(x, y);
            break;
        }
        case JK_DEC: {
            wr_i128 x, y;
            memcpy(&x, a + 1, 16);
            memcpy(&y, b + 1, 16);
            r = (x > y) - (x < y);
            break;
        }
        case JK_STR: {
            uint32_t la, lb;
            memcpy(&la, a + 1, 4);
            memcpy(&lb, b + 1, 4);
            uint32_t m = WR_MIN(la, lb);
            r = m ? memcmp(a + 5, b + 5, m) : 0;
            if (r == 0) r = (la > lb) - (la < lb);
            r = (r > 0) - (r < 0);
            adv_a += la;
            adv_b += lb;
            break;
        }
        case JK_NONE:
            break;
        }
        if (r) return r;
        a += adv_a;
        b += adv_b;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------
 * Stored-row codec
 * ---------------------------------------------------------------------------------------- */
int wr_jrow_codec_init(jrow_codec *c, const wr_schema *s, wr_mem_owner *mem)
{
    memset(c, 0, sizeof(*c));
    uint32_t n = s->ncols;
    c->ncols = n;
    c->slot = wr_calloc_owned(mem, n ? n : 1, sizeof(uint32_t));
    c->phys = wr_calloc_owned(mem, n ? n : 1, 1);
    c->width = wr_calloc_owned(mem, n ? n : 1, 1);
    if (!c->slot || !c->phys || !c->width) {
        wr_jrow_codec_free(c);
        return WR_ENOMEM;
    }
    c->bitmap = (n + 7) / 8;
    uint32_t at = c->bitmap;
    for (uint32_t i = 0; i < n; i++) {
        wr_phys p = wr_type_phys(&s->cols[i].type);
        c->phys[i] = (uint8_t)p;
        c->width[i] = p == WR_PHYS_STR ? 8 : (uint8_t)wr_phys_width(p);
        c->slot[i] = at;
        at += c->width[i];
        if (p == WR_PHYS_STR) c->has_str = true;
    }
    c->fixed = at;
    return 0;
}

void wr_jrow_codec_free(jrow_codec *c)
{
    wr_free(c->slot);
    wr_free(c->phys);
    wr_free(c->width);
    memset(c, 0, sizeof(*c));
}

#define ROW_PUT(T)                                                                                 \
    do {                                                                                           \
        const T *s_ = (const T *)v->data;                                                          \
        for (uint32_t i = 0; i < n; i++)                                                           \
            if (wr_vec_valid(v, i)) {                                                              \
                uint8_t *r_ = buf + off[i];                                                        \
                r_[col >> 3] |= (uint8_t)(1u << (col & 7));                                        \
                memcpy(r_ + slot, &s_[i], sizeof(T));                                              \
            }                                                                                      \
    } while (0)

int wr_jrow_encode(const jrow_codec *c, const wr_batch *b, jenc *e, wr_mem_owner *mem)
{
    const uint32_t n = b->len;
    int rc = jenc_reserve_rows(e, n, mem);
    if (rc < 0) return rc;
    uint32_t *len = e->len;
    for (uint32_t i = 0; i < n; i++)
        len[i] = c->fixed;
    if (c->has_str)
        for (uint32_t col = 0; col < c->ncols; col++) {
            if (c->phys[col] != WR_PHYS_STR) continue;
            const wr_vec *v = &b->cols[col];
            const wr_strv *s = WR_VEC_STR(v);
            for (uint32_t i = 0; i < n; i++)
                if (wr_vec_valid(v, i)) len[i] += s[i].len;
        }
    if ((rc = jenc_layout(e, n, mem)) < 0) return rc;
    uint8_t *buf = e->buf;
    const uint32_t *off = e->off;
    for (uint32_t i = 0; i < n; i++)
        memset(buf + off[i], 0, c->fixed);
    uint32_t *cur = len; /* string cursors */
    for (uint32_t i = 0; i < n; i++)
        cur[i] = c->fixed;
    for (uint32_t col = 0; col < c->ncols; col++) {
        const wr_vec *v = &b->cols[col];
        const uint32_t slot = c->slot[col];
        switch (c->width[col]) {
        case 0:
            break;
        case 1:
            ROW_PUT(uint8_t);
            break;
        case 2:
            ROW_PUT(uint16_t);
            break;
        case 4:
            ROW_PUT(uint32_t);
            break;
        case 8:
            if (c->phys[col] != WR_PHYS_STR) {
                ROW_PUT(uint64_t);
                break;
            }
            {
                const wr_strv *s = WR_VEC_STR(v);
                for (uint32_t i = 0; i < n; i++) {
                    if (!wr_vec_valid(v, i)) continue;
                    uint8_t *r = buf + off[i];
                    uint32_t sl = s[i].len, so = cur[i];
                    r[col >> 3] |= (uint8_t)(1u << (col & 7));
                    memcpy(r + slot, &so, 4);
                    memcpy(r + slot + 4, &sl, 4);
                    if (sl) memcpy(r + so, s[i].ptr, sl);
                    cur[i] += sl;
                }
            }
            break;
        case 16:
            ROW_PUT(wr_i128);
            break;
        default:
            break;
        }
    }
    return 0;
}

bool wr_jrow_check(const jrow_codec *c, const uint8_t *row, uint32_t len)
{
    if (len < c->fixed) return false;
    if (!c->has_str) return len == c->fixed;
    for (uint32_t col = 0; col < c->ncols; col++) {
        if (c->phys[col] != WR_PHYS_STR || !wr_jrow_valid(row, col)) continue;
        uint32_t so, sl;
        memcpy(&so, row + c->slot[col], 4);
        memcpy(&sl, row + c->slot[col] + 4, 4);
        if (so < c->fixed || so > len || sl > len - so) return false;
    }
    return true;
}

/* ------------------------------------------------------------------------------------------
 * Checkpoint helpers
 * ---------------------------------------------------------------------------------------- */
int wr_join_rec_value(wr_buf *buf, const uint8_t *head, uint32_t hlen, const uint8_t *row,
                      uint32_t rlen)
{
    wr_buf_clear(buf);
    if (wr_buf_append(buf, head, hlen) != 0 || wr_buf_append(buf, row, rlen) != 0) return WR_ENOMEM;
    return 0;
}

int wr_join_put_wm(wr_snap_writer *w, const char *table, int64_t wm, wr_error *err)
{
    uint8_t b[8];
    wr_le_put(b, (uint64_t)wm, 8);
    return wr_snap_put_op(w, table, b, sizeof b, err);
}

int wr_join_get_wm(wr_op_ctx *ctx, wr_snap_reader *r, const char *table, int64_t *v, wr_error *err)
{
    wr_snap_rec rec;
    int rc;
    while ((rc = wr_snap_next_op(r, table, &rec, err)) == 1) {
        if (rec.vlen != 8) return wr_join_bad_record(ctx, table, err);
        int64_t x = (int64_t)wr_le_get(rec.val, 8);
        if (x > *v) *v = x;
    }
    return rc < 0 ? rc : 0;
}

int wr_join_bad_record(wr_op_ctx *ctx, const char *table, wr_error *err)
{
    return wr_error_set(err, WR_ECORRUPT, WR_DOMAIN_INTERNAL, "%s: bad %s record in the checkpoint",
                        wr_op_name(ctx), table);
}

/* ------------------------------------------------------------------------------------------
 * Filling batches
 * ---------------------------------------------------------------------------------------- */
#define GATHER_INPUT(T)                                                                            \
    do {                                                                                           \
        const T *s_ = (const T *)src->data;                                                        \
        T *d_ = (T *)dst->data + row0;                                                             \
        for (uint32_t j = 0; j < n; j++) {                                                         \
            uintptr_t r_ = refs[j];                                                                \
            if (r_) {                                                                              \
                uint32_t i_ = JREF_INPUT_INDEX(r_);                                                \
                d_[j] = s_[i_];                                                                    \
                wr_vec_set_valid(dst, row0 + j, wr_vec_valid(src, i_));                            \
            } else {                                                                               \
                memset(&d_[j], 0, sizeof(T));                                                      \
                wr_vec_set_valid(dst, row0 + j, false);                                            \
            }                                                                                      \
        }                                                                                          \
    } while (0)

static void gather_input(wr_vec *dst, uint32_t row0, const wr_vec *src, const uintptr_t *refs,
                         uint32_t n)
{
    switch (src->width) {
    case 1:
        GATHER_INPUT(uint8_t);
        break;
    case 2:
        GATHER_INPUT(uint16_t);
        break;
    case 4:
        GATHER_INPUT(uint32_t);
        break;
    case 8:
        GATHER_INPUT(uint64_t);
        break;
    case 16:
        if (src->phys == WR_PHYS_STR)
            GATHER_INPUT(wr_strv);
        else
            GATHER_INPUT(wr_i128);
        break;
    default:
        for (uint32_t j = 0; j < n; j++)
            wr_vec_set_valid(dst, row0 + j, false);
        break;
    }
}

#define GATHER_STORED(T)                                                                           \
    do {                                                                                           \
        T *d_ = (T *)dst->data + row0;                                                             \
        for (uint32_t j = 0; j < n; j++) {                                                         \
            const uint8_t *r_ = JREF_STORED_ROW(refs[j]);                                          \
            bool ok_ = r_ && wr_jrow_valid(r_, col);                                               \
            if (ok_)                                                                               \
                memcpy(&d_[j], r_ + slot, sizeof(T));                                              \
            else                                                                                   \
                memset(&d_[j], 0, sizeof(T));                                                      \
            wr_vec_set_valid(dst, row0 + j, ok_);                                                  \
        }                                                                                          \
    } while (0)

static int gather_stored(wr_batch *out, wr_vec *dst, uint32_t row0, const jrow_codec *c,
                         uint32_t col, const uintptr_t *refs, uint32_t n, bool copy_strings)
{
    const uint32_t slot = c->slot[col];
    if (c->phys[col] == WR_PHYS_STR) {
        wr_strv *d = WR_VEC_STR(dst) + row0;
        for (uint32_t j = 0; j < n; j++) {
            const uint8_t *r = JREF_STORED_ROW(refs[j]);
            bool ok = r && wr_jrow_valid(r, col);
            wr_vec_set_valid(dst, row0 + j, ok);
            if (!ok) {
                d[j] = wr_strv_make(NULL, 0);
                continue;
            }
            uint32_t so, sl;
            memcpy(&so, r + slot, 4);
            memcpy(&sl, r + slot + 4, 4);
            if (!copy_strings)
                d[j] = wr_strv_make((const char *)r + so, sl);
            else if (wr_batch_copy_str(out, (const char *)r + so, sl, &d[j]) < 0)
                return WR_ENOMEM;
        }
        return 0;
    }
    switch (c->width[col]) {
    case 1:
        GATHER_STORED(uint8_t);
        break;
    case 2:
        GATHER_STORED(uint16_t);
        break;
    case 4:
        GATHER_STORED(uint32_t);
        break;
    case 8:
        GATHER_STORED(uint64_t);
        break;
    case 16:
        GATHER_STORED(wr_i128);
        break;
    default:
        for (uint32_t j = 0; j < n; j++)
            wr_vec_set_valid(dst, row0 + j, false);
        break;
    }
    return 0;
}

static int fill_side(wr_batch *out, uint32_t col0, uint32_t row0, const jside *s,
                     const uintptr_t *refs, uint32_t n, bool copy_strings)
{
    for (uint32_t c = 0; c < s->ncols; c++) {
        wr_vec *dst = &out->cols[col0 + c];
        if (s->src == JSRC_INPUT) {
            gather_input(dst, row0, &s->in->cols[c], refs, n);
        } else if (s->src == JSRC_STORED) {
            int rc = gather_stored(out, dst, row0, s->rc, c, refs, n, copy_strings);
            if (rc < 0) return rc;
        }
    }
    return 0;
}

int wr_join_fill(wr_batch *out, uint32_t row0, const jside *left, const uintptr_t *lrefs,
                 const jside *right, const uintptr_t *rrefs, uint32_t n, bool copy_strings)
{
    int rc = fill_side(out, 0, row0, left, lrefs, n, copy_strings);
    if (rc == 0) rc = fill_side(out, left->ncols, row0, right, rrefs, n, copy_strings);
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Residual evaluation
 * ---------------------------------------------------------------------------------------- */
int wr_jresid_init(jresid *r, const wr_expr_prog *prog, const wr_schema *left,
                   const wr_schema *right, wr_mem_owner *mem, wr_error *err)
{
    memset(r, 0, sizeof(*r));
    r->prog = prog;
    r->mem = mem;
    if (!prog) return 0;
    r->row_schema = wr_join_row_schema(left, right);
    if (!r->row_schema) goto nomem;
    r->scratch = wr_expr_scratch_new(prog, mem);
    if (!r->scratch) goto nomem;
    r->pairs = wr_batch_new(r->row_schema, WR_JOIN_PAIR_CHUNK, mem);
    if (!r->pairs) goto nomem;
    return 0;
nomem:
    wr_jresid_free(r);
    return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
}

void wr_jresid_free(jresid *r)
{
    if (r->pairs) wr_batch_release(r->pairs);
    if (r->scratch) wr_expr_scratch_free(r->scratch);
    if (r->row_schema) wr_schema_free(r->row_schema);
    memset(r, 0, sizeof(*r));
}

int wr_jresid_eval(jresid *r, const jside *left, const uintptr_t *lrefs, const jside *right,
                   const uintptr_t *rrefs, uint32_t n, uint8_t *sel, wr_error *err)
{
    WR_ASSERT(n <= WR_JOIN_PAIR_CHUNK);
    if (!r->prog) {
        memset(sel, 1, n);
        return 0;
    }
    if (n == 0) return 0;
    wr_batch *p = r->pairs;
    /* Views only: the pair batch never outlives the rows it points at. */
    int rc = wr_join_fill(p, 0, left, lrefs, right, rrefs, n, false);
    if (rc < 0) return wr_error_set(err, rc, WR_DOMAIN_INTERNAL, "out of memory");
    p->len = n;
    memset(p->rowkind, WR_RK_INSERT, n);
    uint32_t nsel = 0;
    rc = wr_expr_eval_filter(r->prog, r->scratch, p, sel, &nsel, err);
    p->len = 0;
    return rc;
}

/* ------------------------------------------------------------------------------------------
 * Output writer
 * ---------------------------------------------------------------------------------------- */
int wr_jw_init(jwriter *w, wr_op_ctx *ctx, uint32_t left_ncols, uint32_t right_ncols,
               const jrow_codec *lrc, const jrow_codec *rrc)
{
    memset(w, 0, sizeof(*w));
    w->ctx = ctx;
    w->out = wr_op_output_schema(ctx);
    w->mem = wr_op_mem(ctx);
    w->cap = wr_op_batch_rows(ctx);
    if (w->cap == 0) w->cap = WR_BATCH_DEFAULT_ROWS;
    w->left.ncols = left_ncols;
    w->right.ncols = right_ncols;
    w->left.rc = lrc;
    w->right.rc = rrc;
    w->kind = wr_malloc_owned(w->mem, w->cap);
    w->lref = wr_malloc_owned(w->mem, (size_t)w->cap * sizeof(uintptr_t));
    w->rref = wr_malloc_owned(w->mem, (size_t)w->cap * sizeof(uintptr_t));
    if (!w->kind || !w->lref || !w->rref) {
        wr_jw_free(w);
        return WR_ENOMEM;
    }
    return 0;
}

void wr_jw_free(jwriter *w)
{
    wr_free(w->kind);
    wr_free(w->lref);
    wr_free(w->rref);
    w->kind = NULL;
    w->lref = w->rref = NULL;
}

void wr_jw_begin(jwriter *w, wr_batch *in, jsrc left, jsrc right)
{
    WR_ASSERT(w->n == 0);
    w->in = in;
    w->left.src = left;
    w->right.src = right;
    w->left.in = w->right.in = in;
}

int wr_jw_flush(jwriter *w, wr_error *err)
{
    uint32_t n = w->n;
    if (n == 0) return 0;
    w->n = 0;
    wr_batch *out = wr_batch_new(w->out, n, w->mem);
    if (!out) return wr_join_nomem(w->ctx, err);
    bool uses_input = w->left.src == JSRC_INPUT || w->right.src == JSRC_INPUT;
    if (uses_input && wr_batch_depend(out, w->in) < 0) goto nomem;
    if (wr_join_fill(out, 0, &w->left, w->lref, &w->right, w->rref, n, true) < 0) goto nomem;
    memcpy(out->rowkind, w->kind, n);
    out->len = n;
    w->emitted += n;
    return wr_op_emit(w->ctx, out);
nomem:
    wr_batch_release(out);
    return wr_join_nomem(w->ctx, err);
}
