/* base_util.c - small helpers: edit distance and "did you mean" suggestions for unknown
 * names, strict parsers for integers, booleans and the Flink forms of durations and memory
 * sizes (so option values written for Flink mean the same here), and the hash functions. */
#include "base/base.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xxhash.h>

size_t wr_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la == 0) return lb;
    if (lb == 0) return la;
    /* One row of the DP matrix, on the stack for the short words this is used for. */
    size_t stack_row[128];
    size_t *row = stack_row;
    if (lb + 1 > WR_ARRAY_LEN(stack_row)) {
        row = malloc((lb + 1) * sizeof *row);
        if (!row) return SIZE_MAX;
    }
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    if (row != stack_row) free(row);
    return d;
}

const char *wr_suggest(const char *word, const char *const *candidates)
{
    if (!word || !candidates) return NULL;
    size_t limit = WR_MAX((size_t)1, strlen(word) / 3);
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; candidates[i]; i++) {
        if (strcasecmp(word, candidates[i]) == 0) return candidates[i];
        size_t d = wr_edit_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* "<ws>digits<ws>unit<ws>": the number and the (possibly empty) unit, trimmed. */
static int split_number_unit(const char *s, uint64_t *num, const char **unit, size_t *unit_len)
{
    if (!s) return WR_EINVAL;
    while (is_blank(*s))
        s++;
    if (!is_digit(*s)) return WR_EPARSE;
    uint64_t v = 0;
    bool overflow = false;
    while (is_digit(*s)) {
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
            overflow = true;
        s++;
    }
    while (is_blank(*s))
        s++;
    size_t len = strlen(s);
    while (len && is_blank(s[len - 1]))
        len--;
    *num = v;
    *unit = s;
    *unit_len = len;
    return overflow ? WR_EOVERFLOW : WR_OK;
}

typedef struct unit_def {
    const char *name;
    int64_t mul; /* multiplier; negative means divide by -mul */
} unit_def;

static const unit_def *find_unit(const unit_def *units, size_t n, const char *u, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(units[i].name) == len && strncasecmp(units[i].name, u, len) == 0)
            return &units[i];
    return NULL;
}

static int scale(uint64_t num, const unit_def *u, int64_t *out)
{
    if (u->mul < 0) {
        uint64_t v = num / (uint64_t)(-u->mul);
        if (v > INT64_MAX) return WR_EOVERFLOW;
        *out = (int64_t)v;
        return WR_OK;
    }
    uint64_t v;
    if (__builtin_mul_overflow(num, (uint64_t)u->mul, &v) || v > INT64_MAX) return WR_EOVERFLOW;
    *out = (int64_t)v;
    return WR_OK;
}

#define US_PER_MS  1000LL
#define US_PER_S   1000000LL
#define US_PER_MIN (60 * US_PER_S)
#define US_PER_H   (60 * US_PER_MIN)
#define US_PER_D   (24 * US_PER_H)

/* Flink's TimeUtils labels, plus "us" and a few plurals Flink users commonly write. */
static const unit_def duration_units[] = {
    {"", US_PER_MS}, /* a bare number is milliseconds, as in Flink */
    {"d", US_PER_D},
    {"day", US_PER_D},
    {"days", US_PER_D},
    {"h", US_PER_H},
    {"hour", US_PER_H},
    {"hours", US_PER_H},
    {"m", US_PER_MIN},
    {"min", US_PER_MIN},
    {"mins", US_PER_MIN},
    {"minute", US_PER_MIN},
    {"minutes", US_PER_MIN},
    {"s", US_PER_S},
    {"sec", US_PER_S},
    {"secs", US_PER_S},
    {"second", US_PER_S},
    {"seconds", US_PER_S},
    {"ms", US_PER_MS},
    {"milli", US_PER_MS},
    {"millis", US_PER_MS},
    {"millisecond", US_PER_MS},
    {"milliseconds", US_PER_MS},
    {"us", 1},
    {"\xc2\xb5s", 1}, /* µs */
    {"micro", 1},
    {"micros", 1},
    {"microsecond", 1},
    {"microseconds", 1},
    {"ns", -1000},
    {"nano", -1000},
    {"nanos", -1000},
    {"nanosecond", -1000},
    {"nanoseconds", -1000},
};

int wr_parse_duration(const char *s, int64_t *out_us)
{
    uint64_t num;
    const char *unit;
    size_t unit_len;
    int rc = split_number_unit(s, &num, &unit, &unit_len);
    if (rc == WR_EINVAL || rc == WR_EPARSE) return rc;
    const unit_def *u = find_unit(duration_units, WR_ARRAY_LEN(duration_units), unit, unit_len);
    if (!u) return WR_EPARSE;
    if (rc) return rc;
    int64_t v;
    rc = scale(num, u, &v);
    if (rc) return rc;
    if (out_us) *out_us = v;
    return WR_OK;
}

/* Flink's MemorySize units: binary multiples. */
static const unit_def size_units[] = {
    {"", 1},          {"b", 1},          {"bytes", 1},
    {"k", 1LL << 10}, {"kb", 1LL << 10}, {"kibibytes", 1LL << 10},
    {"m", 1LL << 20}, {"mb", 1LL << 20}, {"mebibytes", 1LL << 20},
    {"g", 1LL << 30}, {"gb", 1LL << 30}, {"gibibytes", 1LL << 30},
    {"t", 1LL << 40}, {"tb", 1LL << 40}, {"tebibytes", 1LL << 40},
};

int wr_parse_size(const char *s, int64_t *out_bytes)
{
    uint64_t num;
    const char *unit;
    size_t unit_len;
    int rc = split_number_unit(s, &num, &unit, &unit_len);
    if (rc == WR_EINVAL || rc == WR_EPARSE) return rc;
    const unit_def *u = find_unit(size_units, WR_ARRAY_LEN(size_units), unit, unit_len);
    if (!u) return WR_EPARSE;
    if (rc) return rc;
    int64_t v;
    rc = scale(num, u, &v);
    if (rc) return rc;
    if (out_bytes) *out_bytes = v;
    return WR_OK;
}

int wr_parse_i64(const char *s, int64_t *out)
{
    if (!s) return WR_EINVAL;
    bool neg = false;
    if (*s == '-' || *s == '+') neg = *s++ == '-';
    if (!is_digit(*s)) return WR_EPARSE;
    /* Accumulate as a magnitude in uint64 so INT64_MIN parses without overflow. */
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    bool overflow = false;
    for (; is_digit(*s); s++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (limit - d) / 10)
            overflow = true;
        else
            v = v * 10 + d;
    }
    if (*s) return WR_EPARSE;
    if (overflow) return WR_EOVERFLOW;
    if (out) *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return WR_OK;
}

int wr_parse_bool(const char *s, bool *out)
{
    if (!s) return WR_EINVAL;
    bool v;
    if (strcasecmp(s, "true") == 0)
        v = true;
    else if (strcasecmp(s, "false") == 0)
        v = false;
    else
        return WR_EPARSE;
    if (out) *out = v;
    return WR_OK;
}

uint64_t wr_hash_bytes(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}

uint64_t wr_hash_u64(uint64_t x)
{
    /* murmur3's fmix64 finalizer: every input bit affects every output bit. */
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb53a85fe63ecull;
    x ^= x >> 33;
    return x;
}

/* ------------------------------------------------------------------------------------------
 * Crash points for fault tests: WEIR_CRASH_AT="name:N" kills the process with SIGKILL the
 * N-th time (1-based) execution passes wr_crash_point("name"). Read once; without the
 * variable a crash point costs one relaxed load.
 * ---------------------------------------------------------------------------------------- */
static pthread_once_t crash_once = PTHREAD_ONCE_INIT;
static char crash_name[64];
static _Atomic long crash_left;

static void crash_init(void)
{
    const char *v = getenv("WEIR_CRASH_AT");
    if (!v) return;
    const char *colon = strrchr(v, ':');
    if (!colon || (size_t)(colon - v) >= sizeof crash_name) return;
    long n = strtol(colon + 1, NULL, 10);
    if (n <= 0) return;
    memcpy(crash_name, v, (size_t)(colon - v));
    crash_name[colon - v] = 0;
    atomic_store(&crash_left, n);
}

/* WEIR_FAIL_AT="name:N": the N-th pass through wr_fail_point("name") returns true once (the
 * caller then fails with an "injected failure"), so a restarted job in the same process goes
 * on. */
static pthread_once_t fail_once = PTHREAD_ONCE_INIT;
static char fail_name[64];
static _Atomic long fail_left;

static void fail_init(void)
{
    const char *v = getenv("WEIR_FAIL_AT");
    if (!v) return;
    const char *colon = strrchr(v, ':');
    if (!colon || (size_t)(colon - v) >= sizeof fail_name) return;
    long n = strtol(colon + 1, NULL, 10);
    if (n <= 0) return;
    memcpy(fail_name, v, (size_t)(colon - v));
    fail_name[colon - v] = 0;
    atomic_store(&fail_left, n);
}

bool wr_fail_point(const char *name)
{
    pthread_once(&fail_once, fail_init);
    if (atomic_load_explicit(&fail_left, memory_order_relaxed) <= 0) return false;
    if (strcmp(name, fail_name) != 0) return false;
    return atomic_fetch_sub(&fail_left, 1) == 1;
}

void wr_crash_point(const char *name)
{
    pthread_once(&crash_once, crash_init);
    if (atomic_load_explicit(&crash_left, memory_order_relaxed) <= 0) return;
    if (strcmp(name, crash_name) != 0) return;
    if (atomic_fetch_sub(&crash_left, 1) == 1) kill(getpid(), SIGKILL);
}
