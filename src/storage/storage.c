/* storage.c - the object-store front: parses the store URL and picks the kind (a local
 * directory, or S3 for "s3://bucket/prefix"),
 * validates keys and prefixes once for every kind, sorts listings into byte order, and
 * draws the injected faults of each put (WEIR_STORAGE_FAULTS / wr_storage_set_faults) from
 * a per-store atomic counter hashed with the seed, so the n-th put of a store gets the same
 * fault in every run with the same seed. The kinds themselves live in storage_<kind>.c
 * behind the wr_store_kind vtable. Nothing here takes a lock: the fault settings are
 * atomics, the rest of a handle is immutable after open. */
#define _GNU_SOURCE
#include "storage/storage_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Probabilities are kept as fractions of 2^32 so they fit in atomics. */
#define P_ONE (1ull << 32)

struct wr_store {
    const wr_store_kind *kind;
    void *impl;
    char *desc;
    _Atomic uint64_t p_fail, p_short, p_corrupt; /* fractions of P_ONE */
    _Atomic uint64_t seed;
    _Atomic uint64_t put_seq; /* puts seen while faults were on */
};

void wr_storage_quote(char *dst, size_t dst_size, const char *s, size_t n)
{
    size_t o = 0;
    if (dst_size < 8) {
        if (dst_size) dst[0] = '\0';
        return;
    }
    dst[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char tmp[8];
        int w;
        if (c == '"' || c == '\\')
            w = snprintf(tmp, sizeof tmp, "\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            w = snprintf(tmp, sizeof tmp, "\\x%02x", c);
        else
            w = snprintf(tmp, sizeof tmp, "%c", c);
        /* Room for this, and for "...\"\0" should more follow. */
        if (o + (size_t)w + 5 > dst_size) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(dst + o, tmp, (size_t)w);
        o += (size_t)w;
    }
    dst[o++] = '"';
    dst[o] = '\0';
}

/* ------------------------------------------------------------------------------------------
 * Keys and prefixes
 * ---------------------------------------------------------------------------------------- */

static int bad_name(const char *what, const char *s, const char *why, wr_error *err)
{
    char q[200];
    wr_storage_quote(q, sizeof q, s, strlen(s));
    return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER, "invalid storage %s %s: %s", what, q, why);
}

/* Key rules (storage.h). A prefix follows the same rules except that it may be empty and
 * its last segment may be empty or partial ("chk-1", "chk-12/"): it is matched as a string. */
static int check_name(const char *s, bool is_prefix, wr_error *err)
{
    const char *what = is_prefix ? "prefix" : "key";
    if (!s) return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER, "storage %s is NULL", what);
    size_t n = strlen(s);
    if (n == 0 && !is_prefix) return bad_name(what, s, "empty", err);
    if (n > WR_STORAGE_KEY_MAX) {
        char why[64];
        snprintf(why, sizeof why, "longer than %d bytes (%zu)", WR_STORAGE_KEY_MAX, n);
        return bad_name(what, s, why, err);
    }
    if (s[0] == '/') return bad_name(what, s, "starts with '/'", err);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F) return bad_name(what, s, "contains a control character", err);
    }
    const char *seg = s;
    for (;;) {
        const char *slash = strchr(seg, '/');
        size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
        bool last = !slash;
        if (!(is_prefix && last)) {
            if (len == 0) return bad_name(what, s, "has an empty segment", err);
            if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
                return bad_name(what, s, "has a '.' or '..' segment", err);
        }
        /* Reserved so that a key never looks like a temporary file (which list hides). */
        size_t tl = sizeof WR_STORAGE_TMP_PREFIX - 1;
        if (len >= tl && memcmp(seg, WR_STORAGE_TMP_PREFIX, tl) == 0)
            return bad_name(what, s,
                            "has a segment starting with '" WR_STORAGE_TMP_PREFIX
                            "' (reserved for temporary files)",
                            err);
        if (last) break;
        seg = slash + 1;
    }
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * Fault injection
 * ---------------------------------------------------------------------------------------- */

typedef struct fault_cfg {
    uint64_t p_fail, p_short, p_corrupt, seed;
} fault_cfg;

static int bad_item(const char *item, size_t n, const char *why, wr_error *err)
{
    char q[160];
    wr_storage_quote(q, sizeof q, item, n);
    return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER, "storage fault spec: item %s: %s", q, why);
}

static int parse_prob(const char *item, size_t n, const char *val, uint64_t *out, wr_error *err)
{
    char *end = NULL;
    errno = 0;
    double p = strtod(val, &end);
    if (end == val || *end != '\0' || errno != 0 || !isfinite(p) || p < 0.0 || p > 1.0)
        return bad_item(item, n, "expected a probability in [0,1]", err);
    *out = (uint64_t)llround(p * (double)P_ONE);
    return WR_OK;
}

static int parse_faults(const char *spec, fault_cfg *cfg, wr_error *err)
{
    static const char *const names[] = {"put-fail", "short-write", "corrupt", "seed", NULL};
    memset(cfg, 0, sizeof *cfg);
    if (!spec) return WR_OK;
    const char *p = spec;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0') return WR_OK;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        /* Trim the item. */
        const char *b = p, *e = p + n;
        while (b < e && isspace((unsigned char)*b))
            b++;
        while (e > b && isspace((unsigned char)e[-1]))
            e--;
        size_t in = (size_t)(e - b);
        if (in == 0) return bad_item(b, in, "empty item", err);
        if (in >= 128) return bad_item(b, in, "too long", err);
        char item[128];
        memcpy(item, b, in);
        item[in] = '\0';
        char *eq = strchr(item, '=');
        if (!eq) return bad_item(b, in, "expected name=value", err);
        *eq = '\0';
        char *name = item, *val = eq + 1;
        /* Trim around '='. */
        for (char *t = eq; t > name && isspace((unsigned char)t[-1]); t--)
            t[-1] = '\0';
        while (isspace((unsigned char)*val))
            val++;
        int rc;
        if (strcmp(name, "put-fail") == 0)
            rc = parse_prob(b, in, val, &cfg->p_fail, err);
        else if (strcmp(name, "short-write") == 0)
            rc = parse_prob(b, in, val, &cfg->p_short, err);
        else if (strcmp(name, "corrupt") == 0)
            rc = parse_prob(b, in, val, &cfg->p_corrupt, err);
        else if (strcmp(name, "seed") == 0) {
            char *end = NULL;
            errno = 0;
            unsigned long long v = strtoull(val, &end, 10);
            if (end == val || *end != '\0' || errno != 0 || val[0] == '-')
                return bad_item(b, in, "expected a non-negative integer seed", err);
            cfg->seed = v;
            rc = WR_OK;
        } else {
            const char *s = wr_suggest(name, names);
            char why[96];
            if (s)
                snprintf(why, sizeof why, "unknown fault (did you mean '%s'?)", s);
            else
                snprintf(why, sizeof why,
                         "unknown fault (known: put-fail, short-write, corrupt, seed)");
            return bad_item(b, in, why, err);
        }
        if (rc) return rc;
        if (!comma) break;
        p = comma + 1;
    }
    if (cfg->p_fail + cfg->p_short + cfg->p_corrupt > P_ONE)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                            "storage fault spec: put-fail + short-write + corrupt exceed 1");
    return WR_OK;
}

static void apply_faults(wr_store *s, const fault_cfg *cfg)
{
    atomic_store(&s->seed, cfg->seed);
    atomic_store(&s->put_seq, 0);
    atomic_store(&s->p_short, cfg->p_short);
    atomic_store(&s->p_corrupt, cfg->p_corrupt);
    atomic_store(&s->p_fail, cfg->p_fail);
}

int wr_storage_set_faults(wr_store *s, const char *spec, wr_error *err)
{
    fault_cfg cfg;
    int rc = parse_faults(spec, &cfg, err);
    if (rc) return rc;
    apply_faults(s, &cfg);
    if (cfg.p_fail || cfg.p_short || cfg.p_corrupt)
        wr_log(WR_LOG_WARN, "storage", "fault injection on for %s: %s", s->desc, spec);
    return WR_OK;
}

/* The fault of the next put: one draw u from hash(seed, n) over [0, 2^32) split into bands
 * [0, fail) [fail, fail+short) [.., +corrupt); further hashes pick the cut and the byte. */
static wr_store_fault draw_fault(wr_store *s, size_t len)
{
    wr_store_fault f = {WR_STORE_FAULT_NONE, 0, 0};
    uint64_t pf = atomic_load_explicit(&s->p_fail, memory_order_relaxed);
    uint64_t ps = atomic_load_explicit(&s->p_short, memory_order_relaxed);
    uint64_t pc = atomic_load_explicit(&s->p_corrupt, memory_order_relaxed);
    if (!pf && !ps && !pc) return f;
    uint64_t seed = atomic_load_explicit(&s->seed, memory_order_relaxed);
    uint64_t n = atomic_fetch_add(&s->put_seq, 1);
    uint64_t h = wr_hash_u64(wr_hash_combine(wr_hash_u64(seed), n));
    uint64_t u = h >> 32;
    uint64_t h2 = wr_hash_u64(h ^ 0x5bd1e995u);
    if (u < pf) {
        f.kind = WR_STORE_FAULT_PUT_FAIL;
    } else if (u < pf + ps) {
        f.kind = WR_STORE_FAULT_SHORT;
        f.at = len ? h2 % len : 0;
    } else if (u < pf + ps + pc && len > 0) {
        f.kind = WR_STORE_FAULT_CORRUPT;
        f.at = h2 % len;
        f.mask = (uint8_t)(1u << (h2 >> 61)); /* one bit of the byte */
    }
    return f;
}

/* ------------------------------------------------------------------------------------------
 * Open, close and the calls
 * ---------------------------------------------------------------------------------------- */

int wr_storage_open(const char *url, wr_store **out, wr_error *err)
{
    *out = NULL;
    if (!url || !*url)
        return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER, "storage: empty store URL");
    const wr_store_kind *kind = NULL;
    const char *loc = url;
    const char *sep = strstr(url, "://");
    if (strncmp(url, "s3://", 5) == 0) {
        kind = &wr_storage_s3_kind; /* it parses the bucket and prefix itself */
    } else if (strncmp(url, "file:", 5) == 0) {
        /* file:///abs, file://localhost/abs and file:/abs; no percent-decoding. */
        const char *p = url + 5;
        if (strncmp(p, "//localhost/", 12) == 0)
            p += 11;
        else if (strncmp(p, "//", 2) == 0)
            p += 2;
        if (p[0] != '/')
            return wr_error_set(err, WR_EINVAL, WR_DOMAIN_USER,
                                "storage '%s': a file URL needs an absolute path "
                                "(file:///path) and no host but localhost",
                                url);
        loc = p;
        kind = &wr_storage_local_kind;
    } else if (sep && sep > url) {
        bool scheme = true;
        for (const char *c = url; c < sep; c++)
            if (!isalnum((unsigned char)*c) && *c != '+' && *c != '-' && *c != '.') scheme = false;
        if (scheme)
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "storage '%s': unsupported scheme '%.*s' (supported: a path, "
                                "file://, s3://)",
                                url, (int)(sep - url), url);
        kind = &wr_storage_local_kind;
    } else {
        kind = &wr_storage_local_kind;
    }

    fault_cfg cfg;
    const char *env = getenv("WEIR_STORAGE_FAULTS");
    int rc = parse_faults(env, &cfg, err);
    if (rc) {
        wr_error_prefix(err, "WEIR_STORAGE_FAULTS: ");
        return rc;
    }
    wr_store *s = wr_calloc(1, sizeof *s);
    if (!s) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "storage: out of memory");
    s->kind = kind;
    rc = kind->open(loc, &s->impl, &s->desc, err);
    if (rc) {
        wr_free(s);
        return rc;
    }
    apply_faults(s, &cfg);
    if (cfg.p_fail || cfg.p_short || cfg.p_corrupt)
        wr_log(WR_LOG_WARN, "storage", "fault injection on for %s: %s", s->desc, env);
    *out = s;
    return WR_OK;
}

void wr_storage_close(wr_store *s)
{
    if (!s) return;
    s->kind->close(s->impl);
    wr_free(s->desc);
    wr_free(s);
}

const char *wr_storage_url(const wr_store *s)
{
    return s->desc;
}

int wr_storage_put(wr_store *s, const char *key, const void *data, size_t len, wr_error *err)
{
    int rc = check_name(key, false, err);
    if (rc) return rc;
    wr_store_fault f = draw_fault(s, len);
    return s->kind->put(s->impl, key, data, len, &f, err);
}

int wr_storage_get(wr_store *s, const char *key, wr_buf *out, wr_error *err)
{
    int rc = check_name(key, false, err);
    if (rc) return rc;
    return s->kind->get_range(s->impl, key, 0, 0, true, out, err);
}

int wr_storage_get_range(wr_store *s, const char *key, uint64_t offset, size_t len, wr_buf *out,
                         wr_error *err)
{
    int rc = check_name(key, false, err);
    if (rc) return rc;
    return s->kind->get_range(s->impl, key, offset, len, false, out, err);
}

int wr_storage_size(wr_store *s, const char *key, uint64_t *size, wr_error *err)
{
    int rc = check_name(key, false, err);
    if (rc) return rc;
    return s->kind->size(s->impl, key, size, err);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int wr_storage_list(wr_store *s, const char *prefix, wr_buf *out, uint32_t *count, wr_error *err)
{
    *count = 0;
    int rc = check_name(prefix, true, err);
    if (rc) return rc;
    size_t start = out->len;
    wr_buf tmp;
    wr_buf_init(&tmp);
    char **keys = NULL;
    uint32_t n = 0;
    rc = s->kind->list(s->impl, prefix, &tmp, &n, err);
    if (rc) goto done;
    if (n == 0) goto done;
    /* Sort by strcmp, which is unsigned byte order. */
    keys = wr_malloc(n * sizeof *keys);
    if (!keys) {
        rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "storage: out of memory");
        goto done;
    }
    char *p = tmp.ptr;
    for (uint32_t i = 0; i < n; i++) {
        keys[i] = p;
        p += strlen(p) + 1;
    }
    qsort(keys, n, sizeof *keys, cmp_str);
    if (wr_buf_reserve(out, tmp.len)) {
        rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "storage: out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < n; i++)
        wr_buf_append(out, keys[i], strlen(keys[i]) + 1); /* reserved: cannot fail */
    *count = n;
done:
    if (rc) {
        out->len = start;
        if (out->cap) out->ptr[start] = '\0';
    }
    wr_free(keys);
    wr_buf_free(&tmp);
    return rc;
}

int wr_storage_delete(wr_store *s, const char *key, wr_error *err)
{
    int rc = check_name(key, false, err);
    if (rc) return rc;
    return s->kind->del(s->impl, key, err);
}

int wr_storage_delete_prefix(wr_store *s, const char *prefix, wr_error *err)
{
    int rc = check_name(prefix, true, err);
    if (rc) return rc;
    return s->kind->del_prefix(s->impl, prefix, err);
}
